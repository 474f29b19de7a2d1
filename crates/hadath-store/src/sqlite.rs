//! The embedded backend: one SQLite file in WAL mode.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rusqlite::types::Value;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use hadath_core::model::{
    Attribution, Dateline, Entity, Event, EventActor, EventLocation, Evidence, Sentence, Span, TimeExpr,
};
use hadath_core::Document;

use crate::dedup::{Signature, DEFAULT_THRESHOLD};
use crate::schema::{migrate, SCHEMA_VERSION};
use crate::{
    ActorCount, ActorQuery, Article, ClusterMember, Dyad, DyadQuery, Error, EventQuery, Interval, MonthStats,
    NewArticle, OutletStats, PutOutcome, Result, SearchHit, SearchQuery, Sink, Stats, Store, StoredEvent,
};

/// The SQLite store.
pub struct SqliteStore {
    conn: Connection,
    threshold: f32,
    /// The file, when not in memory (the search index lives beside it).
    path: Option<std::path::PathBuf>,
    index: std::cell::OnceCell<hadath_search::SearchIndex>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").field("path", &self.conn.path()).field("threshold", &self.threshold).finish()
    }
}

/// The parts of a document that live in `articles.metadata`.
#[derive(Serialize, Deserialize)]
struct Meta {
    schema: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title_span: Option<Span>,
    attribution: Attribution,
    dateline: Option<Dateline>,
    paragraphs: Vec<Span>,
    sentences: Vec<Sentence>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<String>,
}

impl SqliteStore {
    /// Opens (creating if needed) a store file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let conn = Connection::open(path)?;
        let mut s = Self::setup(conn, true)?;
        s.path = Some(path.to_path_buf());
        Ok(s)
    }

    /// Opens an existing store read-only (for queries while an ingest may be writing). Its schema must be
    /// this version's or an older one that needs no migration.
    pub fn open_read_only(path: &Path) -> Result<SqliteStore> {
        if !path.exists() {
            return Err(Error::invalid(format!("{}: no such store (run hadath ingest first)", path.display())));
        }
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if v == 0 {
            return Err(Error::not_a_store());
        }
        if v > SCHEMA_VERSION {
            return Err(Error::newer_schema(v, SCHEMA_VERSION));
        }
        if v < SCHEMA_VERSION {
            drop(conn);
            return Self::open(path);
        }
        Ok(SqliteStore {
            conn,
            threshold: DEFAULT_THRESHOLD,
            path: Some(path.to_path_buf()),
            index: std::cell::OnceCell::new(),
        })
    }

    /// A store in memory (tests, examples).
    pub fn open_in_memory() -> Result<SqliteStore> {
        Self::setup(Connection::open_in_memory()?, false)
    }

    fn setup(mut conn: Connection, file: bool) -> Result<SqliteStore> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        if file {
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(Error::invalid(format!("cannot switch the store to WAL mode (got {mode})")));
            }
        }
        // A checkpoint every 8,192 pages of WAL (32 MB) instead of SQLite's 1,000: an ingest rewrites the
        // same index pages in every transaction, and each checkpoint copies them into the database again.
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32000; PRAGMA temp_store = MEMORY; \
             PRAGMA wal_autocheckpoint = 8192;",
        )?;
        migrate(&mut conn)?;
        Ok(SqliteStore { conn, threshold: DEFAULT_THRESHOLD, path: None, index: std::cell::OnceCell::new() })
    }

    /// Sets the near-duplicate threshold (estimated Jaccard similarity, 0–1; above 1 turns detection off).
    pub fn set_threshold(&mut self, t: f32) {
        self.threshold = t;
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Runs a WAL checkpoint and `PRAGMA optimize` (after a large ingest), its statistics drawn from a
    /// sample of each index (`analysis_limit`, as SQLite advises for `optimize`) rather than every row.
    pub fn optimize(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA analysis_limit = 1000; PRAGMA optimize;")?;
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Indexes for search the articles stored since the index's last commit (creating the index beside
    /// the store file, see [`crate::index_dir`]). Returns the number of articles added.
    pub fn update_index(&self) -> Result<usize> {
        let Some(path) = &self.path else { return Err(Error::invalid("a store in memory has no search index")) };
        let mut index = hadath_search::SearchIndex::open_or_create(&crate::index_dir(path))?;
        let mut last = index.last_indexed()?;
        let mut total = 0;
        loop {
            // In chunks, each one commit: an interrupted indexing resumes after the last chunk.
            let mut chunk: Vec<ArticleText> = Vec::new();
            self.articles_after(last, &mut |a| {
                chunk.push(a);
                Ok(chunk.len() < 5000)
            })?;
            if chunk.is_empty() {
                break;
            }
            last = chunk.last().map_or(last, |a| a.id);
            total += index.add(&mut chunk.iter().map(|a| hadath_search::IndexDoc {
                id: a.id,
                title: a.title.as_deref(),
                text: &a.text,
                outlet: a.outlet.as_deref(),
                published: a.published.as_deref(),
            }))?;
        }
        Ok(total)
    }

    fn search_index(&self) -> Result<&hadath_search::SearchIndex> {
        if let Some(i) = self.index.get() {
            return Ok(i);
        }
        let Some(path) = &self.path else { return Err(Error::invalid("a store in memory has no search index")) };
        let i = hadath_search::SearchIndex::open(&crate::index_dir(path))?;
        Ok(self.index.get_or_init(|| i))
    }

    /// Articles with an actor whose CAMEO code (country + agent) starts with `code`: one of their entities,
    /// or the source or target of one of their events (see [`SearchQuery::actor`]).
    pub fn articles_with_actor(&self, code: &str) -> Result<HashSet<i64>> {
        let code = code.trim().to_ascii_uppercase();
        if code.is_empty() || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Error::invalid(format!(
                "actor {code:?} is not a CAMEO code (letters: a country such as ISR, or country + agent such as ISRGOV)"
            )));
        }
        let mut st = self.conn.prepare_cached(
            "SELECT article FROM entities WHERE COALESCE(country, '') || COALESCE(agent, '') LIKE ?1 \
             UNION SELECT article FROM events \
             WHERE COALESCE(source_country, '') || COALESCE(source_agent, '') LIKE ?1 \
                OR COALESCE(target_country, '') || COALESCE(target_agent, '') LIKE ?1",
        )?;
        let ids = st.query_map([format!("{code}%")], |r| r.get::<_, i64>(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// The underlying connection (exports and tests).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Articles whose id is above `after`, in id order, pushed into `sink` (search indexing).
    pub fn articles_after(&self, after: i64, sink: &mut Sink<'_, ArticleText>) -> Result<()> {
        let mut st =
            self.conn.prepare("SELECT id, title, text, published, outlet FROM articles WHERE id > ?1 ORDER BY id")?;
        let mut rows = st.query([after])?;
        while let Some(r) = rows.next()? {
            let a = ArticleText {
                id: r.get(0)?,
                title: r.get(1)?,
                text: r.get(2)?,
                published: r.get(3)?,
                outlet: r.get(4)?,
            };
            if !sink(a)? {
                break;
            }
        }
        Ok(())
    }
}

/// An article's text and the fields a search index keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleText {
    /// Store id.
    pub id: i64,
    /// Title.
    pub title: Option<String>,
    /// Text.
    pub text: String,
    /// Publication date.
    pub published: Option<String>,
    /// Outlet.
    pub outlet: Option<String>,
}

fn put_one(tx: &Transaction<'_>, a: &NewArticle<'_>, threshold: f32) -> Result<PutOutcome> {
    let doc = a.doc;
    if let Some(id) = tx
        .prepare_cached("SELECT id FROM articles WHERE hash = ?1")?
        .query_row([&doc.hash], |r| r.get::<_, i64>(0))
        .optional()?
    {
        return Ok(PutOutcome::Duplicate { article: id });
    }
    // Near copy of a stored article?
    let mut best: Option<(i64, f32)> = None;
    let keys = a.signature.as_ref().map(|s| s.band_keys());
    if let (Some(sig), Some(keys)) = (&a.signature, &keys) {
        if threshold <= 1.0 {
            let mut seen = HashSet::new();
            let mut cand = tx.prepare_cached("SELECT article FROM lsh WHERE key = ?1")?;
            let mut get_sig = tx.prepare_cached("SELECT signature FROM minhash WHERE article = ?1")?;
            for k in keys {
                let ids: Vec<i64> = cand.query_map([k], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
                for id in ids {
                    if !seen.insert(id) {
                        continue;
                    }
                    let bytes: Vec<u8> = get_sig.query_row([id], |r| r.get(0))?;
                    if let Some(other) = Signature::from_bytes(&bytes) {
                        let s = sig.similarity(&other);
                        if s >= threshold && best.is_none_or(|(bid, bs)| s > bs || (s == bs && id < bid)) {
                            best = Some((id, s));
                        }
                    }
                }
            }
        }
    }
    let (cluster, copy_of, similarity) = match best {
        Some((id, s)) => {
            let c: i64 =
                tx.prepare_cached("SELECT cluster FROM articles WHERE id = ?1")?.query_row([id], |r| r.get(0))?;
            (Some(c), Some(id), Some(s))
        }
        None => (None, None, None),
    };
    let meta = Meta {
        schema: doc.schema,
        title_span: doc.title_span,
        attribution: doc.attribution.clone(),
        dateline: doc.dateline.clone(),
        paragraphs: doc.paragraphs.clone(),
        sentences: doc.sentences.clone(),
        warnings: doc.warnings.clone(),
    };
    tx.prepare_cached(
        "INSERT INTO articles (hash, record_id, title, published, url, outlet, home, origin, cluster, copy_of, \
         similarity, text, metadata, ingested) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, coalesce(?9, 0), ?10, ?11, ?12, \
         ?13, datetime('now'))",
    )?
    .execute(params![
        doc.hash,
        (doc.id != doc.hash).then_some(&doc.id),
        doc.title,
        doc.published,
        doc.url,
        doc.outlet,
        doc.home,
        a.origin,
        cluster,
        copy_of,
        similarity,
        a.text,
        serde_json::to_string(&meta)?,
    ])?;
    let id = tx.last_insert_rowid();
    let cluster = match cluster {
        Some(c) => {
            tx.prepare_cached("UPDATE clusters SET size = size + 1 WHERE id = ?1")?.execute([c])?;
            c
        }
        None => {
            tx.prepare_cached("UPDATE articles SET cluster = ?1 WHERE id = ?1")?.execute([id])?;
            tx.prepare_cached("INSERT INTO clusters (id, size) VALUES (?1, 1)")?.execute([id])?;
            id
        }
    };
    if let (Some(sig), Some(keys)) = (&a.signature, &keys) {
        tx.prepare_cached("INSERT INTO minhash (article, signature) VALUES (?1, ?2)")?
            .execute(params![id, sig.to_bytes()])?;
        let mut st = tx.prepare_cached("INSERT INTO lsh (key, article) VALUES (?1, ?2)")?;
        for k in keys {
            st.execute(params![k, id])?;
        }
    }
    {
        let mut ent = tx.prepare_cached(
            "INSERT INTO entities (article, idx, text, start, \"end\", type, canonical, country, agent, country_basis) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        let mut men =
            tx.prepare_cached("INSERT INTO mentions (article, entity, start, \"end\") VALUES (?1, ?2, ?3, ?4)")?;
        for (i, e) in doc.entities.iter().enumerate() {
            ent.execute(params![
                id,
                i as i64,
                e.text,
                e.start as i64,
                e.end as i64,
                e.kind,
                e.canonical,
                e.country,
                e.agent,
                e.country_basis
            ])?;
            for m in &e.mentions {
                men.execute(params![id, i as i64, m.start as i64, m.end as i64])?;
            }
        }
        let mut tim = tx.prepare_cached(
            "INSERT INTO times (article, idx, text, start, \"end\", value, kind, anchor, ambiguous) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for (i, t) in doc.times.iter().enumerate() {
            tim.execute(params![
                id,
                i as i64,
                t.text,
                t.start as i64,
                t.end as i64,
                t.value,
                t.kind,
                t.anchor,
                t.ambiguous
            ])?;
        }
    }
    let mut new_events = 0;
    let mut mentions = 0;
    let mut counted_primaries: HashSet<i64> = HashSet::new();
    for (i, e) in doc.events.iter().enumerate() {
        // The same act between the same actors already told in the cluster: prefer one this article has not
        // matched yet, with the same date.
        let primary: Option<i64> = if copy_of.is_some() {
            let cands: Vec<(i64, Option<String>)> = tx
                .prepare_cached(
                    "SELECT e.id, e.date FROM events e JOIN articles a ON a.id = e.article WHERE a.cluster = ?1 \
                     AND a.id != ?2 AND e.mention_of IS NULL AND e.code = ?3 AND e.source_country IS ?4 \
                     AND e.source_agent IS ?5 AND e.target_country IS ?6 AND e.target_agent IS ?7 AND e.modality = ?8 \
                     ORDER BY e.id",
                )?
                .query_map(
                    params![
                        cluster,
                        id,
                        e.code,
                        e.source.country,
                        e.source.agent,
                        e.target.country,
                        e.target.agent,
                        e.modality
                    ],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?
                .collect::<rusqlite::Result<_>>()?;
            cands
                .iter()
                .find(|(c, d)| !counted_primaries.contains(c) && *d == e.date)
                .or_else(|| cands.iter().find(|(c, _)| !counted_primaries.contains(c)))
                .or_else(|| cands.first())
                .map(|(c, _)| *c)
        } else {
            None
        };
        let evidence_n = e.evidence.len().max(1) as i64;
        let (n_mentions, n_articles, n_sources) = if primary.is_some() { (0, 0, 0) } else { (evidence_n, 1, 1) };
        insert_event(tx, id, i, primary, e, (n_mentions, n_articles, n_sources))?;
        if let Some(p) = primary {
            mentions += 1;
            let new_article = counted_primaries.insert(p);
            let new_source = new_article
                && tx
                    .prepare_cached(
                        "SELECT 1 FROM events e JOIN articles a ON a.id = e.article WHERE (e.id = ?1 OR e.mention_of = ?1) \
                         AND a.id != ?2 AND a.outlet IS ?3 LIMIT 1",
                    )?
                    .query_row(params![p, id, doc.outlet], |_| Ok(()))
                    .optional()?
                    .is_none();
            tx.prepare_cached(
                "UPDATE events SET num_mentions = num_mentions + ?2, num_articles = num_articles + ?3, \
                 num_sources = num_sources + ?4 WHERE id = ?1",
            )?
            .execute(params![p, evidence_n, new_article as i64, new_source as i64])?;
        } else {
            new_events += 1;
        }
    }
    Ok(match copy_of {
        Some(c) => PutOutcome::NearDuplicate {
            article: id,
            cluster,
            copy_of: c,
            similarity: similarity.unwrap_or(0.0),
            mentions,
            events: new_events,
        },
        None => PutOutcome::Stored { article: id, events: new_events },
    })
}

fn insert_event(
    tx: &Transaction<'_>,
    article: i64,
    idx: usize,
    mention_of: Option<i64>,
    e: &Event,
    counts: (i64, i64, i64),
) -> Result<()> {
    let span = |s: &Option<Span>| (s.map(|s| s.start as i64), s.map(|s| s.end as i64));
    let (ss, se) = span(&e.source.span);
    let (ts, te) = span(&e.target.span);
    let loc = e.location.as_ref();
    tx.prepare_cached(
        "INSERT INTO events (article, idx, mention_of, code, root, quad_class, goldstein, plover, plover_mode, \
         source_country, source_agent, source_entity, source_text, source_start, source_end, \
         target_country, target_agent, target_entity, target_text, target_start, target_end, \
         date, date_basis, location_name, location_country, location_entity, modality, confidence, rule, sentence, \
         trigger_start, trigger_end, summary_en, num_mentions, num_articles, num_sources) VALUES \
         (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, \
          ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36)",
    )?
    .execute(params![
        article,
        idx as i64,
        mention_of,
        e.code,
        e.root,
        e.quad_class,
        e.goldstein as f64,
        e.plover,
        e.plover_mode,
        e.source.country,
        e.source.agent,
        e.source.entity.map(|v| v as i64),
        e.source.text,
        ss,
        se,
        e.target.country,
        e.target.agent,
        e.target.entity.map(|v| v as i64),
        e.target.text,
        ts,
        te,
        e.date,
        e.date_basis,
        loc.map(|l| &l.name),
        loc.and_then(|l| l.country.as_ref()),
        loc.and_then(|l| l.entity.map(|v| v as i64)),
        e.modality,
        e.confidence as f64,
        e.rule,
        e.sentence as i64,
        e.trigger.start as i64,
        e.trigger.end as i64,
        e.summary_en,
        counts.0,
        counts.1,
        counts.2,
    ])?;
    let eid = tx.last_insert_rowid();
    let mut ev = tx.prepare_cached(
        "INSERT INTO event_evidence (event, sentence, trigger_start, trigger_end) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for x in &e.evidence {
        ev.execute(params![eid, x.sentence as i64, x.trigger.start as i64, x.trigger.end as i64])?;
    }
    Ok(())
}

/// Columns read by [`event_from_row`], prefixed with `e.`.
const EVENT_COLUMNS: &str = "e.id, e.article, e.num_mentions, e.num_articles, e.num_sources, a.published, a.outlet, \
    a.url, a.title, a.ingested, e.code, e.root, e.quad_class, e.goldstein, e.plover, e.plover_mode, \
    e.source_country, e.source_agent, e.source_entity, e.source_text, e.source_start, e.source_end, \
    e.target_country, e.target_agent, e.target_entity, e.target_text, e.target_start, e.target_end, \
    e.date, e.date_basis, e.location_name, e.location_country, e.location_entity, e.modality, e.confidence, \
    e.rule, e.sentence, e.trigger_start, e.trigger_end, e.summary_en";

fn opt_usize(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<usize>> {
    Ok(r.get::<_, Option<i64>>(i)?.map(|v| v as usize))
}

fn opt_span(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<Span>> {
    Ok(match (opt_usize(r, i)?, opt_usize(r, i + 1)?) {
        (Some(start), Some(end)) => Some(Span { start, end }),
        _ => None,
    })
}

fn actor(r: &Row<'_>, i: usize) -> rusqlite::Result<EventActor> {
    Ok(EventActor {
        country: r.get(i)?,
        agent: r.get(i + 1)?,
        entity: opt_usize(r, i + 2)?,
        text: r.get(i + 3)?,
        span: opt_span(r, i + 4)?,
    })
}

/// An event row (in [`EVENT_COLUMNS`] order) without its evidence.
fn event_from_row(r: &Row<'_>) -> rusqlite::Result<StoredEvent> {
    let location = r.get::<_, Option<String>>(30)?.map(|name| -> rusqlite::Result<EventLocation> {
        Ok(EventLocation { name, country: r.get(31)?, entity: opt_usize(r, 32)? })
    });
    let event = Event {
        code: r.get(10)?,
        root: r.get(11)?,
        quad_class: r.get(12)?,
        goldstein: r.get::<_, f64>(13)? as f32,
        plover: r.get(14)?,
        plover_mode: r.get(15)?,
        source: actor(r, 16)?,
        target: actor(r, 22)?,
        date: r.get(28)?,
        date_basis: r.get(29)?,
        location: location.transpose()?,
        modality: r.get(33)?,
        confidence: r.get::<_, f64>(34)? as f32,
        rule: r.get(35)?,
        sentence: r.get::<_, i64>(36)? as usize,
        trigger: Span { start: r.get::<_, i64>(37)? as usize, end: r.get::<_, i64>(38)? as usize },
        evidence: Vec::new(),
        summary_en: r.get(39)?,
    };
    Ok(StoredEvent {
        id: r.get(0)?,
        article: r.get(1)?,
        num_mentions: r.get(2)?,
        num_articles: r.get(3)?,
        num_sources: r.get(4)?,
        published: r.get(5)?,
        outlet: r.get(6)?,
        url: r.get(7)?,
        title: r.get(8)?,
        ingested: r.get(9)?,
        event,
    })
}

fn evidence(conn: &Connection, event: i64) -> Result<Vec<Evidence>> {
    let mut st = conn.prepare_cached(
        "SELECT sentence, trigger_start, trigger_end FROM event_evidence WHERE event = ?1 ORDER BY rowid",
    )?;
    let rows = st.query_map([event], |r| {
        Ok(Evidence {
            sentence: r.get::<_, i64>(0)? as usize,
            trigger: Span { start: r.get::<_, i64>(1)? as usize, end: r.get::<_, i64>(2)? as usize },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The upper bound for a `to` date: "2015-07" covers the whole month.
fn date_upper(to: &str) -> String {
    format!("{to}\u{10FFFF}")
}

/// Monday-based ISO week of a `YYYY-MM-DD` date (`2015-W30`).
pub(crate) fn iso_week(date: &str) -> Option<String> {
    let y: i64 = date.get(..4)?.parse().ok()?;
    let m: i64 = date.get(5..7)?.parse().ok()?;
    let d: i64 = date.get(8..10)?.parse().ok()?;
    let days = days_from_civil(y, m, d);
    let weekday = (days + 3).rem_euclid(7); // 0 = Monday
    let thursday = days - weekday + 3;
    let (ty, _, _) = civil_from_days(thursday);
    let jan1 = days_from_civil(ty, 1, 1);
    let week = (thursday - jan1) / 7 + 1;
    Some(format!("{ty}-W{week:02}"))
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

impl Store for SqliteStore {
    fn put(&mut self, batch: &[NewArticle<'_>]) -> Result<Vec<PutOutcome>> {
        let threshold = self.threshold;
        let tx = self.conn.transaction()?;
        let mut out = Vec::with_capacity(batch.len());
        for a in batch {
            out.push(put_one(&tx, a, threshold)?);
        }
        tx.commit()?;
        Ok(out)
    }

    fn contains(&self, hash: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM articles WHERE hash = ?1")?
            .query_row([hash], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn hashes(&self) -> Result<HashSet<String>> {
        let mut st = self.conn.prepare("SELECT hash FROM articles")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn article(&self, id: i64) -> Result<Option<Article>> {
        let row = self
            .conn
            .query_row(
                "SELECT hash, record_id, title, published, url, outlet, home, origin, cluster, copy_of, text, metadata \
                 FROM articles WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, Option<String>>(7)?,
                        r.get::<_, i64>(8)?,
                        r.get::<_, Option<i64>>(9)?,
                        r.get::<_, String>(10)?,
                        r.get::<_, String>(11)?,
                    ))
                },
            )
            .optional()?;
        let Some((hash, record_id, title, published, url, outlet, home, origin, cluster, copy_of, text, meta)) = row
        else {
            return Ok(None);
        };
        let meta: Meta = serde_json::from_str(&meta)?;
        let mut mentions: HashMap<i64, Vec<Span>> = HashMap::new();
        {
            let mut st = self
                .conn
                .prepare_cached("SELECT entity, start, \"end\" FROM mentions WHERE article = ?1 ORDER BY rowid")?;
            let rows = st.query_map([id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    Span { start: r.get::<_, i64>(1)? as usize, end: r.get::<_, i64>(2)? as usize },
                ))
            })?;
            for row in rows {
                let (e, s) = row?;
                mentions.entry(e).or_default().push(s);
            }
        }
        let entities: Vec<Entity> = {
            let mut st = self.conn.prepare_cached(
                "SELECT idx, text, start, \"end\", type, canonical, country, agent, country_basis FROM entities \
                 WHERE article = ?1 ORDER BY idx",
            )?;
            let rows = st.query_map([id], |r| {
                let idx: i64 = r.get(0)?;
                Ok(Entity {
                    text: r.get(1)?,
                    start: r.get::<_, i64>(2)? as usize,
                    end: r.get::<_, i64>(3)? as usize,
                    kind: r.get(4)?,
                    canonical: r.get(5)?,
                    country: r.get(6)?,
                    agent: r.get(7)?,
                    country_basis: r.get(8)?,
                    mentions: mentions.remove(&idx).unwrap_or_default(),
                })
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let times: Vec<TimeExpr> = {
            let mut st = self.conn.prepare_cached(
                "SELECT text, start, \"end\", value, kind, anchor, ambiguous FROM times WHERE article = ?1 ORDER BY idx",
            )?;
            let rows = st.query_map([id], |r| {
                Ok(TimeExpr {
                    text: r.get(0)?,
                    start: r.get::<_, i64>(1)? as usize,
                    end: r.get::<_, i64>(2)? as usize,
                    value: r.get(3)?,
                    kind: r.get(4)?,
                    anchor: r.get(5)?,
                    ambiguous: r.get(6)?,
                })
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut events = Vec::new();
        {
            let sql = format!("SELECT {EVENT_COLUMNS} FROM events e JOIN articles a ON a.id = e.article WHERE e.article = ?1 ORDER BY e.idx");
            let mut st = self.conn.prepare_cached(&sql)?;
            let rows: Vec<StoredEvent> = st.query_map([id], event_from_row)?.collect::<rusqlite::Result<_>>()?;
            for mut se in rows {
                se.event.evidence = evidence(&self.conn, se.id)?;
                events.push(se.event);
            }
        }
        let document = Document {
            schema: meta.schema,
            id: record_id.unwrap_or_else(|| hash.clone()),
            hash,
            title,
            title_span: meta.title_span,
            published,
            url,
            outlet,
            home,
            attribution: meta.attribution,
            dateline: meta.dateline,
            paragraphs: meta.paragraphs,
            sentences: meta.sentences,
            entities,
            times,
            events,
            text: Some(text),
            warnings: meta.warnings,
        };
        Ok(Some(Article { article: id, cluster, copy_of, origin, document }))
    }

    fn events(&self, q: &EventQuery, sink: &mut Sink<'_, StoredEvent>) -> Result<()> {
        let mut sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events e JOIN articles a ON a.id = e.article WHERE e.mention_of IS NULL"
        );
        let mut args: Vec<Value> = Vec::new();
        let mut arg = |sql: &mut String, clause: &str, v: Value| {
            args.push(v);
            sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
        };
        if let Some(s) = &q.source {
            arg(&mut sql, " AND e.source_country = ?", Value::Text(s.to_ascii_uppercase()));
        }
        if let Some(t) = &q.target {
            arg(&mut sql, " AND e.target_country = ?", Value::Text(t.to_ascii_uppercase()));
        }
        if let Some(x) = &q.either {
            let x = x.to_ascii_uppercase();
            arg(&mut sql, " AND (e.source_country = ?", Value::Text(x.clone()));
            arg(&mut sql, " OR e.target_country = ?)", Value::Text(x));
        }
        let any_of = |sql: &mut String, args_len: usize, col: &str, n: usize, prefix: bool| {
            let parts: Vec<String> = (0..n)
                .map(|i| {
                    if prefix {
                        format!("{col} LIKE ?{} || '%'", args_len + i + 1)
                    } else {
                        format!("{col} = ?{}", args_len + i + 1)
                    }
                })
                .collect();
            sql.push_str(&format!(" AND ({})", parts.join(" OR ")));
        };
        if !q.roots.is_empty() {
            any_of(&mut sql, args.len(), "e.root", q.roots.len(), false);
            args.extend(q.roots.iter().map(|r| Value::Text(format!("{:0>2}", r))));
        }
        if !q.codes.is_empty() {
            any_of(&mut sql, args.len(), "e.code", q.codes.len(), true);
            args.extend(q.codes.iter().map(|c| Value::Text(c.clone())));
        }
        if !q.quads.is_empty() {
            any_of(&mut sql, args.len(), "e.quad_class", q.quads.len(), false);
            args.extend(q.quads.iter().map(|c| Value::Integer(*c as i64)));
        }
        let mut arg = |sql: &mut String, clause: &str, v: Value| {
            args.push(v);
            sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
        };
        if let Some(f) = &q.from {
            arg(&mut sql, " AND e.date >= ?", Value::Text(f.clone()));
        }
        if let Some(t) = &q.to {
            arg(&mut sql, " AND e.date <= ?", Value::Text(date_upper(t)));
        }
        if let Some(o) = &q.outlet {
            arg(&mut sql, " AND a.outlet = ?", Value::Text(o.clone()));
        }
        if let Some(t) = &q.text {
            arg(&mut sql, " AND (instr(a.text, ?) > 0", Value::Text(t.clone()));
            arg(&mut sql, " OR instr(coalesce(a.title, ''), ?) > 0)", Value::Text(t.clone()));
        }
        if let Some(ids) = &q.articles {
            let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
            sql.push_str(&format!(" AND e.article IN ({})", list.join(",")));
        }
        if let Some(after) = q.after {
            sql.push_str(&format!(" AND e.id > {after}"));
        }
        sql.push_str(" ORDER BY e.id");
        if let Some(n) = q.limit {
            sql.push_str(&format!(" LIMIT {n}"));
        }
        let mut st = self.conn.prepare(&sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(args.iter()))?;
        while let Some(r) = rows.next()? {
            let mut se = event_from_row(r)?;
            se.event.evidence = evidence(&self.conn, se.id)?;
            if !sink(se)? {
                break;
            }
        }
        Ok(())
    }

    fn dyads(&self, q: &DyadQuery) -> Result<Vec<Dyad>> {
        let group = match q.interval {
            Interval::All => "''",
            Interval::Month => "substr(date, 1, 7)",
            Interval::Week => "substr(date, 1, 10)",
        };
        let mut sql = format!(
            "SELECT {group}, source_country, target_country, count(*), sum(num_mentions), sum(goldstein), \
             sum(quad_class = 1), sum(quad_class = 2), sum(quad_class = 3), sum(quad_class = 4) FROM events \
             WHERE mention_of IS NULL AND source_country IS NOT NULL AND target_country IS NOT NULL"
        );
        let mut args: Vec<Value> = Vec::new();
        if !q.domestic {
            sql.push_str(" AND source_country != target_country");
        }
        match q.interval {
            Interval::Week => sql.push_str(" AND length(date) >= 10 AND substr(date, 11, 1) != '/'"),
            Interval::Month => {
                sql.push_str(" AND length(date) >= 7 AND substr(date, 5, 1) = '-' AND substr(date, 6, 1) != 'W'")
            }
            Interval::All => {}
        }
        if let Some(f) = &q.from {
            args.push(Value::Text(f.clone()));
            sql.push_str(&format!(" AND date >= ?{}", args.len()));
        }
        if let Some(t) = &q.to {
            args.push(Value::Text(date_upper(t)));
            sql.push_str(&format!(" AND date <= ?{}", args.len()));
        }
        if let Some(s) = &q.source {
            args.push(Value::Text(s.to_ascii_uppercase()));
            sql.push_str(&format!(" AND source_country = ?{}", args.len()));
        }
        if let Some(t) = &q.target {
            args.push(Value::Text(t.to_ascii_uppercase()));
            sql.push_str(&format!(" AND target_country = ?{}", args.len()));
        }
        sql.push_str(" GROUP BY 1, 2, 3");
        let mut st = self.conn.prepare(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, f64>(5)?,
                [r.get::<_, i64>(6)?, r.get::<_, i64>(7)?, r.get::<_, i64>(8)?, r.get::<_, i64>(9)?],
            ))
        })?;
        let mut agg: HashMap<(String, String, String), Dyad> = HashMap::new();
        for row in rows {
            let (g, s, t, n, m, gold, quad) = row?;
            let interval = match q.interval {
                Interval::All => None,
                Interval::Month => Some(g),
                Interval::Week => iso_week(&g),
            };
            let key = (interval.clone().unwrap_or_default(), s.clone(), t.clone());
            let d = agg.entry(key).or_insert_with(|| Dyad {
                interval,
                source: s,
                target: t,
                events: 0,
                mentions: 0,
                goldstein: 0.0,
                goldstein_mean: 0.0,
                quad: [0; 4],
            });
            d.events += n;
            d.mentions += m;
            d.goldstein += gold;
            for (q, x) in d.quad.iter_mut().zip(quad) {
                *q += x;
            }
        }
        let mut all: Vec<Dyad> = agg.into_values().collect();
        for d in &mut all {
            d.goldstein = (d.goldstein * 100.0).round() / 100.0;
            d.goldstein_mean = if d.events > 0 { (d.goldstein / d.events as f64 * 100.0).round() / 100.0 } else { 0.0 };
        }
        all.sort_by(|a, b| {
            a.interval
                .cmp(&b.interval)
                .then(b.events.cmp(&a.events))
                .then(b.mentions.cmp(&a.mentions))
                .then(a.source.cmp(&b.source))
                .then(a.target.cmp(&b.target))
        });
        if q.top > 0 {
            let mut per: HashMap<Option<String>, usize> = HashMap::new();
            all.retain(|d| {
                let n = per.entry(d.interval.clone()).or_default();
                *n += 1;
                *n <= q.top
            });
        }
        Ok(all)
    }

    fn stats(&self) -> Result<Stats> {
        let c = &self.conn;
        let one = |sql: &str| -> Result<i64> { Ok(c.query_row(sql, [], |r| r.get(0))?) };
        let mut s = Stats {
            articles: one("SELECT count(*) FROM articles")?,
            near_duplicates: one("SELECT count(*) FROM articles WHERE copy_of IS NOT NULL")?,
            clusters: one("SELECT count(*) FROM clusters WHERE size > 1")?,
            entities: one("SELECT count(*) FROM entities")?,
            mentions: one("SELECT count(*) FROM mentions")?,
            times: one("SELECT count(*) FROM times")?,
            events: one("SELECT count(*) FROM events WHERE mention_of IS NULL")?,
            event_mentions: one("SELECT count(*) FROM events WHERE mention_of IS NOT NULL")?,
            schema_version: self.schema_version()?,
            by_outlet: Vec::new(),
            by_month: Vec::new(),
        };
        let mut st = c.prepare(
            "SELECT coalesce(a.outlet, ''), count(*), sum(a.copy_of IS NOT NULL), \
             coalesce(sum((SELECT count(*) FROM events e WHERE e.article = a.id AND e.mention_of IS NULL)), 0) \
             FROM articles a GROUP BY 1 ORDER BY 2 DESC, 1",
        )?;
        s.by_outlet = st
            .query_map([], |r| {
                Ok(OutletStats {
                    outlet: r.get(0)?,
                    articles: r.get(1)?,
                    near_duplicates: r.get(2)?,
                    events: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut st = c.prepare(
            "SELECT coalesce(substr(a.published, 1, 7), ''), count(*), sum(a.copy_of IS NOT NULL), \
             coalesce(sum((SELECT count(*) FROM events e WHERE e.article = a.id AND e.mention_of IS NULL)), 0) \
             FROM articles a GROUP BY 1 ORDER BY 1",
        )?;
        s.by_month = st
            .query_map([], |r| {
                Ok(MonthStats { month: r.get(0)?, articles: r.get(1)?, near_duplicates: r.get(2)?, events: r.get(3)? })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(s)
    }

    fn actors(&self, q: &ActorQuery) -> Result<Vec<ActorCount>> {
        // One row per (event, side); an actor on both sides of an event counts that event once.
        let mut filter = String::from("mention_of IS NULL");
        let mut args: Vec<Value> = Vec::new();
        if let Some(f) = &q.from {
            args.push(Value::Text(f.clone()));
            filter.push_str(&format!(" AND date >= ?{}", args.len()));
        }
        if let Some(t) = &q.to {
            args.push(Value::Text(date_upper(t)));
            filter.push_str(&format!(" AND date <= ?{}", args.len()));
        }
        let mut outer = String::new();
        if let Some(c) = &q.country {
            args.push(Value::Text(c.to_ascii_uppercase()));
            outer = format!(" WHERE country = ?{}", args.len());
        }
        let mut sql = format!(
            "SELECT country, agent, count(DISTINCT id), sum(side = 's'), sum(side = 't'),              count(DISTINCT CASE WHEN quad_class = 1 THEN id END), count(DISTINCT CASE WHEN quad_class = 2 THEN id END),              count(DISTINCT CASE WHEN quad_class = 3 THEN id END), count(DISTINCT CASE WHEN quad_class = 4 THEN id END),              coalesce(sum(CASE WHEN side = 's' OR NOT both THEN goldstein END), 0) FROM (                SELECT id, 's' AS side, source_country AS country, coalesce(source_agent, '') AS agent, quad_class,                  goldstein, (source_country IS target_country AND source_agent IS target_agent) AS both                  FROM events WHERE {filter} AND source_country IS NOT NULL                UNION ALL                SELECT id, 't', target_country, coalesce(target_agent, ''), quad_class, goldstein,                  (source_country IS target_country AND source_agent IS target_agent)                  FROM events WHERE {filter} AND target_country IS NOT NULL              ){outer} GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2"
        );
        if q.top > 0 {
            sql.push_str(&format!(" LIMIT {}", q.top));
        }
        let mut st = self.conn.prepare(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            let events: i64 = r.get(2)?;
            let gold: f64 = r.get(9)?;
            Ok(ActorCount {
                country: r.get(0)?,
                agent: r.get(1)?,
                events,
                as_source: r.get(3)?,
                as_target: r.get(4)?,
                quad: [r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?],
                goldstein_mean: if events > 0 { (gold / events as f64 * 100.0).round() / 100.0 } else { 0.0 },
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn cluster(&self, article: i64) -> Result<Vec<ClusterMember>> {
        let mut st = self.conn.prepare_cached(
            "SELECT b.id, b.title, b.published, b.outlet, b.copy_of, b.similarity FROM articles a              JOIN articles b ON b.cluster = a.cluster AND b.id != a.id WHERE a.id = ?1 ORDER BY b.id",
        )?;
        let rows = st.query_map([article], |r| {
            Ok(ClusterMember {
                article: r.get(0)?,
                title: r.get(1)?,
                published: r.get(2)?,
                outlet: r.get(3)?,
                copy_of: r.get(4)?,
                similarity: r.get::<_, Option<f64>>(5)?.map(|s| (s * 1000.0).round() / 1000.0),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn search(&self, q: &SearchQuery) -> Result<Vec<SearchHit>> {
        let index = self.search_index()?;
        let articles = match &q.actor {
            Some(code) => Some(std::sync::Arc::new(self.articles_with_actor(code)?)),
            None => None,
        };
        let filters =
            hadath_search::Filters { outlet: q.outlet.clone(), from: q.from.clone(), to: q.to.clone(), articles };
        let hits = index.search(&q.query, &filters, q.limit.max(1))?;
        let snip = if q.snippet_chars > 0 { Some(index.snippets(&q.query, q.snippet_chars)?) } else { None };
        let mut st =
            self.conn.prepare_cached("SELECT title, published, outlet, url, text FROM articles WHERE id = ?1")?;
        let mut out = Vec::with_capacity(hits.len());
        for h in hits {
            let row = st
                .query_row([h.id], |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                })
                .optional()?;
            // An index ahead of the store (a store replaced under it) has hits the store lacks: skip them.
            let Some((title, published, outlet, url, text)) = row else { continue };
            let (snippet, highlighted) = match &snip {
                Some(f) => {
                    let s = f(&text);
                    (s.fragment, s.highlighted.iter().map(|r| (r.start, r.end)).collect())
                }
                None => (String::new(), Vec::new()),
            };
            out.push(SearchHit { article: h.id, score: h.score, title, published, outlet, url, snippet, highlighted });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks() {
        assert_eq!(iso_week("2015-07-21").as_deref(), Some("2015-W30"));
        assert_eq!(iso_week("2015-01-01").as_deref(), Some("2015-W01"));
        assert_eq!(iso_week("2016-01-03").as_deref(), Some("2015-W53"));
        assert_eq!(iso_week("2018-12-31").as_deref(), Some("2019-W01"));
        assert_eq!(iso_week("2015-07"), None);
    }
}
