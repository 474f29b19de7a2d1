//! Exports of the stored events: the GDELT 2.0 event table and PLOVER-style JSON Lines.
//!
//! Both list the distinct events (not their repetitions in near copies), in id order, with GDELT's
//! NumMentions / NumSources / NumArticles counting the repetitions. [`GDELT_COLUMNS`] names the 61
//! columns; the README's "Exports" section says which ones hadath fills and from what.

use std::io::Write;

use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::sqlite::SqliteStore;
use crate::{Error, EventQuery, Result, Store, StoredEvent};

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

/// One Parquet column being filled.
enum Col {
    I64(Vec<i64>),
    I32(Vec<i32>),
    F32(Vec<f32>),
    /// Strings; `required` columns never hold `None`.
    Str(Vec<Option<String>>, bool),
}

impl Col {
    fn clear(&mut self) {
        match self {
            Col::I64(v) => v.clear(),
            Col::I32(v) => v.clear(),
            Col::F32(v) => v.clear(),
            Col::Str(v, _) => v.clear(),
        }
    }
}

/// The Parquet export's columns: (name, kind) — `i64`, `i32`, `f32`, `str` (required) or `str?`.
pub const PARQUET_COLUMNS: [(&str, &str); 33] = [
    ("id", "i64"),
    ("date", "str?"),
    ("date_basis", "str?"),
    ("code", "str"),
    ("root", "str"),
    ("quad_class", "i32"),
    ("goldstein", "f32"),
    ("plover", "str?"),
    ("plover_mode", "str?"),
    ("source_country", "str?"),
    ("source_agent", "str?"),
    ("source_name", "str?"),
    ("source_text", "str?"),
    ("target_country", "str?"),
    ("target_agent", "str?"),
    ("target_name", "str?"),
    ("target_text", "str?"),
    ("location", "str?"),
    ("location_country", "str?"),
    ("modality", "str"),
    ("confidence", "f32"),
    ("num_mentions", "i64"),
    ("num_articles", "i64"),
    ("num_sources", "i64"),
    ("article", "i64"),
    ("published", "str?"),
    ("outlet", "str?"),
    ("url", "str?"),
    ("title", "str?"),
    ("rule", "str"),
    ("summary_en", "str"),
    ("sentence", "str?"),
    ("trigger", "str?"),
];

const ROW_GROUP: usize = 65_536;

/// Writes the events matching `q` to a Parquet file (Snappy-compressed, one row per event, the columns of
/// [`PARQUET_COLUMNS`]; `sentence` and `trigger` are the first evidence). Returns the number of rows.
pub fn parquet(store: &SqliteStore, q: &EventQuery, path: &std::path::Path) -> Result<usize> {
    use parquet::basic::Compression;
    use parquet::data_type::{ByteArray, ByteArrayType, FloatType, Int32Type, Int64Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;

    let mut message = String::from("message hadath_event {\n");
    let mut cols: Vec<Col> = Vec::new();
    for (name, kind) in PARQUET_COLUMNS {
        let (decl, col) = match kind {
            "i64" => ("REQUIRED INT64", Col::I64(Vec::new())),
            "i32" => ("REQUIRED INT32", Col::I32(Vec::new())),
            "f32" => ("REQUIRED FLOAT", Col::F32(Vec::new())),
            "str" => ("REQUIRED BYTE_ARRAY", Col::Str(Vec::new(), true)),
            _ => ("OPTIONAL BYTE_ARRAY", Col::Str(Vec::new(), false)),
        };
        let utf8 = if kind.starts_with("str") { " (UTF8)" } else { "" };
        message.push_str(&format!("  {decl} {name}{utf8};\n"));
        cols.push(col);
    }
    message.push('}');
    let schema = std::sync::Arc::new(parse_message_type(&message).map_err(Error::parquet)?);
    let props = std::sync::Arc::new(WriterProperties::builder().set_compression(Compression::SNAPPY).build());
    let file = std::fs::File::create(path)?;
    let mut writer = SerializedFileWriter::new(file, schema, props).map_err(Error::parquet)?;

    let flush = |writer: &mut SerializedFileWriter<std::fs::File>, cols: &mut Vec<Col>| -> Result<()> {
        let mut rg = writer.next_row_group().map_err(Error::parquet)?;
        let mut i = 0;
        while let Some(mut cw) = rg.next_column().map_err(Error::parquet)? {
            match &cols[i] {
                Col::I64(v) => {
                    cw.typed::<Int64Type>().write_batch(v, None, None).map_err(Error::parquet)?;
                }
                Col::I32(v) => {
                    cw.typed::<Int32Type>().write_batch(v, None, None).map_err(Error::parquet)?;
                }
                Col::F32(v) => {
                    cw.typed::<FloatType>().write_batch(v, None, None).map_err(Error::parquet)?;
                }
                Col::Str(v, required) => {
                    let values: Vec<ByteArray> =
                        v.iter().flatten().map(|s| ByteArray::from(s.as_bytes().to_vec())).collect();
                    if *required {
                        cw.typed::<ByteArrayType>().write_batch(&values, None, None).map_err(Error::parquet)?;
                    } else {
                        let defs: Vec<i16> = v.iter().map(|s| s.is_some() as i16).collect();
                        cw.typed::<ByteArrayType>().write_batch(&values, Some(&defs), None).map_err(Error::parquet)?;
                    }
                }
            }
            cw.close().map_err(Error::parquet)?;
            i += 1;
        }
        rg.close().map_err(Error::parquet)?;
        cols.iter_mut().for_each(Col::clear);
        Ok(())
    };

    let mut ctx = Context::new(store);
    let mut n = 0usize;
    let mut in_group = 0usize;
    store.events(q, &mut |e| {
        let ev = &e.event;
        let source_name = ctx.canonical(e.article, ev.source.entity)?;
        let target_name = ctx.canonical(e.article, ev.target.entity)?;
        let (sentence, trigger) = match ev.evidence.first() {
            Some(x) => {
                let s = match ctx.sentence(e.article, x.sentence)? {
                    Some((s, t)) => Some(ctx.slice(e.article, s, t)?),
                    None => None,
                };
                (s, Some(ctx.slice(e.article, x.trigger.start, x.trigger.end)?))
            }
            None => (None, None),
        };
        let strs: [Option<String>; 33] = [
            None,
            ev.date.clone(),
            ev.date_basis.clone(),
            Some(ev.code.clone()),
            Some(ev.root.clone()),
            None,
            None,
            ev.plover.clone(),
            ev.plover_mode.clone(),
            ev.source.country.clone(),
            ev.source.agent.clone(),
            source_name,
            ev.source.text.clone(),
            ev.target.country.clone(),
            ev.target.agent.clone(),
            target_name,
            ev.target.text.clone(),
            ev.location.as_ref().map(|l| l.name.clone()),
            ev.location.as_ref().and_then(|l| l.country.clone()),
            Some(ev.modality.clone()),
            None,
            None,
            None,
            None,
            None,
            e.published.clone(),
            e.outlet.clone(),
            e.url.clone(),
            e.title.clone(),
            Some(ev.rule.clone()),
            Some(ev.summary_en.clone()),
            sentence,
            trigger,
        ];
        let ints: [i64; 33] = {
            let mut a = [0i64; 33];
            a[0] = e.id;
            a[5] = ev.quad_class as i64;
            a[21] = e.num_mentions;
            a[22] = e.num_articles;
            a[23] = e.num_sources;
            a[24] = e.article;
            a
        };
        let floats = |i: usize| if i == 6 { ev.goldstein } else { ev.confidence };
        for (i, (col, s)) in cols.iter_mut().zip(strs).enumerate() {
            match col {
                Col::I64(v) => v.push(ints[i]),
                Col::I32(v) => v.push(ints[i] as i32),
                Col::F32(v) => v.push(floats(i)),
                Col::Str(v, required) => v.push(if *required { Some(s.unwrap_or_default()) } else { s }),
            }
        }
        n += 1;
        in_group += 1;
        if in_group == ROW_GROUP {
            flush(&mut writer, &mut cols)?;
            in_group = 0;
        }
        Ok(true)
    })?;
    if in_group > 0 || n == 0 {
        flush(&mut writer, &mut cols)?;
    }
    writer.close().map_err(Error::parquet)?;
    Ok(n)
}

/// The columns of the events CSV (`hadath events --format csv`, the API's `text/csv`), in order.
pub const EVENT_CSV_COLUMNS: [&str; 26] = [
    "id",
    "date",
    "date_basis",
    "code",
    "root",
    "quad_class",
    "goldstein",
    "plover",
    "source_country",
    "source_agent",
    "source_text",
    "target_country",
    "target_agent",
    "target_text",
    "location",
    "location_country",
    "modality",
    "confidence",
    "num_mentions",
    "num_articles",
    "num_sources",
    "article",
    "published",
    "outlet",
    "url",
    "summary_en",
];

/// One event as a row of [`EVENT_CSV_COLUMNS`].
pub fn event_csv_row(e: &StoredEvent) -> Vec<String> {
    let ev = &e.event;
    let o = |s: &Option<String>| s.clone().unwrap_or_default();
    vec![
        e.id.to_string(),
        o(&ev.date),
        o(&ev.date_basis),
        ev.code.clone(),
        ev.root.clone(),
        ev.quad_class.to_string(),
        format!("{:.1}", ev.goldstein),
        o(&ev.plover),
        o(&ev.source.country),
        o(&ev.source.agent),
        o(&ev.source.text),
        o(&ev.target.country),
        o(&ev.target.agent),
        o(&ev.target.text),
        ev.location.as_ref().map(|l| l.name.clone()).unwrap_or_default(),
        ev.location.as_ref().and_then(|l| l.country.clone()).unwrap_or_default(),
        ev.modality.clone(),
        format!("{:.2}", ev.confidence),
        e.num_mentions.to_string(),
        e.num_articles.to_string(),
        e.num_sources.to_string(),
        e.article.to_string(),
        o(&e.published),
        o(&e.outlet),
        o(&e.url),
        ev.summary_en.clone(),
    ]
}

/// One CSV field, quoted when it holds a comma, a quote or a line break.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One CSV line (with its line break) of the given fields.
pub fn csv_line<S: AsRef<str>>(row: &[S]) -> String {
    let mut line = row.iter().map(|f| csv_field(f.as_ref())).collect::<Vec<_>>().join(",");
    line.push('\n');
    line
}
