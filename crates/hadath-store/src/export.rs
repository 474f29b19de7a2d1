//! Exports of the stored events: the GDELT 2.0 event table and PLOVER-style JSON Lines.
//!
//! Both list the distinct events (not their repetitions in near copies), in id order, with GDELT's
//! NumMentions / NumSources / NumArticles counting the repetitions. [`GDELT_COLUMNS`] names the 61
//! columns; the README's "Exports" section says which ones hadath fills and from what.

use std::io::Write;

use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::sqlite::SqliteStore;
use crate::{EventQuery, Result, Store, StoredEvent};

/// The GDELT 2.0 event table's columns, in order.
pub const GDELT_COLUMNS: [&str; 61] = [
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
];

/// Looks up entity names and article sentences for exports, caching the last article.
pub(crate) struct Context<'a> {
    store: &'a SqliteStore,
    article: i64,
    /// Byte offset of every code point of the article's text, plus its length.
    offsets: Vec<usize>,
    text: String,
    sentences: Vec<(usize, usize)>,
    paragraph0_end: usize,
}

impl<'a> Context<'a> {
    pub(crate) fn new(store: &'a SqliteStore) -> Context<'a> {
        Context {
            store,
            article: -1,
            offsets: Vec::new(),
            text: String::new(),
            sentences: Vec::new(),
            paragraph0_end: 0,
        }
    }

    /// The canonical name of an article's entity.
    pub(crate) fn canonical(&self, article: i64, entity: Option<usize>) -> Result<Option<String>> {
        let Some(e) = entity else { return Ok(None) };
        Ok(self
            .store
            .connection()
            .prepare_cached("SELECT canonical FROM entities WHERE article = ?1 AND idx = ?2")?
            .query_row(rusqlite::params![article, e as i64], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    }

    fn load(&mut self, article: i64) -> Result<()> {
        if self.article == article {
            return Ok(());
        }
        let (text, meta): (String, String) =
            self.store.connection().query_row("SELECT text, metadata FROM articles WHERE id = ?1", [article], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        #[derive(serde::Deserialize)]
        struct M {
            sentences: Vec<hadath_core::model::Sentence>,
            paragraphs: Vec<hadath_core::model::Span>,
        }
        let m: M = serde_json::from_str(&meta)?;
        self.offsets = text.char_indices().map(|(i, _)| i).chain(std::iter::once(text.len())).collect();
        self.text = text;
        self.sentences = m.sentences.iter().map(|s| (s.start, s.end)).collect();
        self.paragraph0_end = m.paragraphs.first().map_or(0, |p| p.end);
        self.article = article;
        Ok(())
    }

    /// The text of a code point span of an article.
    pub(crate) fn slice(&mut self, article: i64, start: usize, end: usize) -> Result<String> {
        self.load(article)?;
        let n = self.offsets.len() - 1;
        let (s, e) = (start.min(n), end.min(n).max(start.min(n)));
        Ok(self.text[self.offsets[s]..self.offsets[e]].to_string())
    }

    /// The span of an article's sentence.
    pub(crate) fn sentence(&mut self, article: i64, i: usize) -> Result<Option<(usize, usize)>> {
        self.load(article)?;
        Ok(self.sentences.get(i).copied())
    }

    /// Whether a sentence lies in the article's first paragraph (GDELT's IsRootEvent).
    pub(crate) fn in_lead(&mut self, article: i64, sentence: usize) -> Result<bool> {
        self.load(article)?;
        Ok(self.sentences.get(sentence).is_some_and(|s| s.0 < self.paragraph0_end.max(1)) || sentence == 0)
    }
}

fn day_parts(date: &str) -> Option<(i64, i64, i64)> {
    let b = date.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' || (b.len() > 10 && b[10] == b'/') {
        return None;
    }
    Some((date[..4].parse().ok()?, date[5..7].parse().ok()?, date[8..10].parse().ok()?))
}

fn fraction_date(y: i64, m: i64, d: i64) -> f64 {
    const CUM: [i64; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    let doy = CUM[(m.clamp(1, 12) - 1) as usize] + d;
    ((y as f64 + doy as f64 / 365.0) * 10000.0).round() / 10000.0
}

fn clean(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

/// One event as a GDELT 2.0 row (61 fields).
pub(crate) fn gdelt_row(ctx: &mut Context<'_>, e: &StoredEvent) -> Result<Vec<String>> {
    let ev = &e.event;
    let mut f = vec![String::new(); 61];
    f[0] = e.id.to_string();
    let day = ev.date.as_deref().and_then(day_parts).or_else(|| e.published.as_deref().and_then(day_parts));
    if let Some((y, m, d)) = day {
        f[1] = format!("{y:04}{m:02}{d:02}");
        f[2] = format!("{y:04}{m:02}");
        f[3] = format!("{y:04}");
        f[4] = format!("{:.4}", fraction_date(y, m, d));
    }
    for (base, actor) in [(5usize, &ev.source), (15usize, &ev.target)] {
        let code = format!("{}{}", actor.country.as_deref().unwrap_or(""), actor.agent.as_deref().unwrap_or(""));
        f[base] = code;
        let name = ctx.canonical(e.article, actor.entity)?.or_else(|| actor.text.clone()).unwrap_or_default();
        f[base + 1] = clean(&name.to_uppercase());
        let country = actor.country.as_deref().unwrap_or("");
        if matches!(country, "IGO" | "NGO" | "IMG" | "MNC") {
            f[base + 3] = country.to_string();
        } else {
            f[base + 2] = country.to_string();
        }
        f[base + 7] = actor.agent.clone().unwrap_or_default();
    }
    f[25] = if ctx.in_lead(e.article, ev.sentence)? { "1" } else { "0" }.to_string();
    f[26] = ev.code.clone();
    f[27] = ev.code.chars().take(3).collect();
    f[28] = ev.root.clone();
    f[29] = ev.quad_class.to_string();
    f[30] = format!("{:.1}", ev.goldstein);
    f[31] = e.num_mentions.to_string();
    f[32] = e.num_sources.to_string();
    f[33] = e.num_articles.to_string();
    if let Some(loc) = &ev.location {
        f[52] = clean(&loc.name);
    }
    if let Some(added) = &e.ingested {
        f[59] = added.chars().filter(|c| c.is_ascii_digit()).collect();
    }
    f[60] = clean(e.url.as_deref().unwrap_or(""));
    Ok(f)
}

/// Writes the events matching `q` as GDELT 2.0 event rows (tab-separated, no header, as GDELT ships them;
/// with `header`, a first line of [`GDELT_COLUMNS`]). Returns the number of rows.
pub fn gdelt(store: &SqliteStore, q: &EventQuery, header: bool, out: &mut dyn Write) -> Result<usize> {
    if header {
        writeln!(out, "{}", GDELT_COLUMNS.join("\t"))?;
    }
    let mut ctx = Context::new(store);
    let mut n = 0;
    store.events(q, &mut |e| {
        let row = gdelt_row(&mut ctx, &e)?;
        writeln!(out, "{}", row.join("\t"))?;
        n += 1;
        Ok(true)
    })?;
    Ok(n)
}

/// One actor in a PLOVER-style record.
#[derive(Debug, Clone, Serialize)]
pub struct PloverActor {
    /// Canonical (English) name, when linked.
    pub name: Option<String>,
    /// The words of the text.
    pub text: Option<String>,
    /// Country (CAMEO / ISO alpha-3, or IGO …).
    pub country: Option<String>,
    /// CAMEO agent.
    pub agent: Option<String>,
}

/// One evidence sentence.
#[derive(Debug, Clone, Serialize)]
pub struct PloverEvidence {
    /// The sentence as written.
    pub sentence: String,
    /// The trigger word.
    pub trigger: String,
    /// Trigger span (code points into the article's text).
    pub start: usize,
    /// End of the trigger span.
    pub end: usize,
}

/// A PLOVER-style event record (after the PLOVER data format: event type, mode, actor, recipient, date,
/// location, plus CAMEO and GDELT counts and the evidence sentences).
#[derive(Debug, Clone, Serialize)]
pub struct PloverRecord {
    /// Event id.
    pub id: i64,
    /// Event date (ISO 8601 at its granularity).
    pub date: Option<String>,
    /// PLOVER event type.
    pub event_type: Option<String>,
    /// PLOVER mode.
    pub mode: Option<String>,
    /// Who acted.
    pub actor: PloverActor,
    /// Who was acted upon.
    pub recipient: PloverActor,
    /// Where.
    pub location: Option<hadath_core::model::EventLocation>,
    /// CAMEO code.
    pub cameo: String,
    /// Quad class.
    pub quad_class: u8,
    /// Goldstein score.
    pub goldstein: f32,
    /// asserted, negated, future, reported, hypothetical.
    pub modality: String,
    /// 0–1.
    pub confidence: f32,
    /// GDELT NumMentions.
    pub num_mentions: i64,
    /// GDELT NumArticles.
    pub num_articles: i64,
    /// GDELT NumSources.
    pub num_sources: i64,
    /// English summary.
    pub summary_en: String,
    /// The article that first told it.
    pub article: PloverArticle,
    /// The sentences that tell it.
    pub evidence: Vec<PloverEvidence>,
}

/// The article an event comes from.
#[derive(Debug, Clone, Serialize)]
pub struct PloverArticle {
    /// Store id.
    pub id: i64,
    /// Title.
    pub title: Option<String>,
    /// Publication date.
    pub published: Option<String>,
    /// Outlet.
    pub outlet: Option<String>,
    /// URL.
    pub url: Option<String>,
}

pub(crate) fn plover_record(ctx: &mut Context<'_>, e: StoredEvent) -> Result<PloverRecord> {
    let ev = e.event;
    let actor = |ctx: &mut Context<'_>, a: hadath_core::model::EventActor| -> Result<PloverActor> {
        Ok(PloverActor { name: ctx.canonical(e.article, a.entity)?, text: a.text, country: a.country, agent: a.agent })
    };
    let mut evidence = Vec::new();
    for x in &ev.evidence {
        let sentence = match ctx.sentence(e.article, x.sentence)? {
            Some((s, t)) => ctx.slice(e.article, s, t)?,
            None => String::new(),
        };
        evidence.push(PloverEvidence {
            sentence,
            trigger: ctx.slice(e.article, x.trigger.start, x.trigger.end)?,
            start: x.trigger.start,
            end: x.trigger.end,
        });
    }
    Ok(PloverRecord {
        id: e.id,
        date: ev.date,
        event_type: ev.plover,
        mode: ev.plover_mode,
        actor: actor(ctx, ev.source)?,
        recipient: actor(ctx, ev.target)?,
        location: ev.location,
        cameo: ev.code,
        quad_class: ev.quad_class,
        goldstein: ev.goldstein,
        modality: ev.modality,
        confidence: ev.confidence,
        num_mentions: e.num_mentions,
        num_articles: e.num_articles,
        num_sources: e.num_sources,
        summary_en: ev.summary_en,
        article: PloverArticle { id: e.article, title: e.title, published: e.published, outlet: e.outlet, url: e.url },
        evidence,
    })
}

/// Writes the events matching `q` as PLOVER-style JSON Lines with their evidence sentences. Returns the
/// number of records.
pub fn jsonl(store: &SqliteStore, q: &EventQuery, out: &mut dyn Write) -> Result<usize> {
    let mut ctx = Context::new(store);
    let mut n = 0;
    store.events(q, &mut |e| {
        let rec = plover_record(&mut ctx, e)?;
        serde_json::to_writer(&mut *out, &rec)?;
        out.write_all(b"\n")?;
        n += 1;
        Ok(true)
    })?;
    Ok(n)
}
