//! The document model: one set of serde types for the CLI's JSON, the API, the store and the exports.
//!
//! All `start`/`end` pairs are Unicode code point offsets into the original text (`text[start:end]` in
//! Python is the span). Inside hadath, stages work on byte ranges; the [`crate::Engine`] converts once.

use serde::{Deserialize, Serialize};

/// Version of this schema, written into every document as `"schema"`.
pub const SCHEMA_VERSION: u32 = 1;

/// A span of the original text, in code points.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    /// Start (inclusive).
    pub start: usize,
    /// End (exclusive).
    pub end: usize,
}

/// One analysed article.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Schema version ([`SCHEMA_VERSION`]).
    pub schema: u32,
    /// The input record's id, else the content hash.
    pub id: String,
    /// Content hash of the normalised text (first 128 bits of SHA-256 of the match form with whitespace
    /// collapsed, hex). Equal for texts that differ only in diacritics, letter variants or spacing.
    pub hash: String,
    /// Title: the `title` field of the input record, else the first non-empty line of the text.
    pub title: Option<String>,
    /// Span of the title in the text, when the title comes from the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_span: Option<Span>,
    /// Publication date (YYYY-MM-DD): as given by the input or `--published`, else the date written in the
    /// article's dateline, else null (never the machine's clock).
    pub published: Option<String>,
    /// The article's URL, if the input gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The outlet (newspaper, site), if the input gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// The outlet's home country (ISO alpha-3), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home: Option<String>,
    /// Who the text comes from.
    pub attribution: Attribution,
    /// The dateline at the start of the article ("بغداد - (رويترز) -"), if there is one.
    pub dateline: Option<Dateline>,
    /// Paragraph spans.
    pub paragraphs: Vec<Span>,
    /// Sentence spans.
    pub sentences: Vec<Sentence>,
    /// Named entities (filled by the entity stage).
    pub entities: Vec<Entity>,
    /// Time expressions (filled by the time stage).
    pub times: Vec<TimeExpr>,
    /// Coded events (filled by the event stage).
    pub events: Vec<Event>,
    /// The original text, when asked for (`--text`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Problems met while reading this input that did not stop the analysis (lossy decoding, detected
    /// legacy encoding, HTML stripped …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Credit lines: who wrote, translated or distributed the text.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribution {
    /// The outlet the text is taken from ("المصدر: موقع المونيتور" → "المونيتور").
    pub source: Option<String>,
    /// The translator ("ترجمة: أوغاريت بوست").
    pub translator: Option<String>,
    /// The news agency, from the dateline or a credit line, as written ("رويترز").
    pub agency: Option<String>,
    /// The author ("بقلم: …").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The editor ("المحرر: …").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editor: Option<String>,
    /// The lines these fields come from, as evidence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<AttributionLine>,
}

/// One credit line.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributionLine {
    /// Which field it fills: source, translator, agency, author, editor.
    pub field: String,
    /// The value as reported.
    pub value: String,
    /// Span of the whole line.
    pub start: usize,
    /// End of the whole line.
    pub end: usize,
}

/// A dateline: place and agency at the head of the article.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dateline {
    /// The place as written ("بغداد").
    pub place: Option<String>,
    /// Span of the place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_span: Option<Span>,
    /// The agency as written ("رويترز", "أ ف ب").
    pub agency: Option<String>,
    /// The agency's canonical name ("Reuters"), when it is a known agency.
    pub agency_name: Option<String>,
    /// The agency's country (ISO alpha-3), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_country: Option<String>,
    /// The day and month written in the dateline ("طهران – 12 – 10" → "12-10", day first), unresolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_month: Option<String>,
    /// Span of the whole dateline.
    pub start: usize,
    /// End of the whole dateline.
    pub end: usize,
}

/// A sentence.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sentence {
    /// Start.
    pub start: usize,
    /// End.
    pub end: usize,
}

/// A named entity with all its mentions.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// The longest mention as written.
    pub text: String,
    /// Start of that mention.
    pub start: usize,
    /// End of that mention.
    pub end: usize,
    /// PER, ORG, LOC, GPE or MISC.
    #[serde(rename = "type")]
    pub kind: String,
    /// Canonical (English) name, when linked.
    pub canonical: Option<String>,
    /// ISO alpha-3 country the entity belongs to or stands for.
    pub country: Option<String>,
    /// CAMEO agent code (GOV, MIL, …).
    pub agent: Option<String>,
    /// Where `country` comes from: "gazetteer" (the entry itself), "role" (a role phrase or nationality
    /// next to the name), "home" (`--home`, for an unqualified national role), "sentence" (the only country
    /// its sentence names) or "document" (the country that dominates the article). Null when `country` is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_basis: Option<String>,
    /// All mentions.
    #[serde(default)]
    pub mentions: Vec<Span>,
}

/// A time expression.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeExpr {
    /// As written: the whole expression ("مساء الأربعاء", "يوم 24 يوليو تموز").
    pub text: String,
    /// Start.
    pub start: usize,
    /// End.
    pub end: usize,
    /// ISO 8601 value at the known granularity (`2023-04-19`, `2023-03`, `1993`, `2015-W32`, an interval
    /// `2011/2020`), or null when unresolved or when the expression has no calendar value (durations, sets,
    /// vague times).
    pub value: Option<String>,
    /// date, range, duration, set or vague.
    #[serde(default = "default_time_kind")]
    pub kind: String,
    /// What the value is resolved against: "absolute" (the text alone), "publication" (the publication
    /// date) or "dateline" (the dateline's date, for an input without a publication date).
    #[serde(default = "default_time_anchor")]
    pub anchor: String,
    /// A numeric date read day first that would also be a date month first (`5/6/2024`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ambiguous: bool,
}

fn default_time_kind() -> String {
    "date".to_string()
}

fn default_time_anchor() -> String {
    "absolute".to_string()
}

/// One side of an event.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventActor {
    /// CAMEO country code, or IGO / IMG / NGO for international bodies and groups.
    pub country: Option<String>,
    /// CAMEO agent code.
    pub agent: Option<String>,
    /// Index into `entities`, when the actor is a named entity.
    pub entity: Option<usize>,
    /// The actor's words as written, role phrase included ("وزير الخارجية الإسرائيلي إيلي كوهين").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Where those words are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// Where an event happened.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventLocation {
    /// Place name as written.
    pub name: String,
    /// Its country.
    pub country: Option<String>,
    /// Index into `entities`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<usize>,
}

/// One sentence that tells an event: the sentence and the trigger word in it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Index into `sentences`.
    pub sentence: usize,
    /// The trigger's span.
    pub trigger: Span,
}

/// A coded event.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// CAMEO event code ("042"); an intent code (03x, or 138 for force) when the act is told in the future.
    pub code: String,
    /// CAMEO root code ("04").
    pub root: String,
    /// Quad class 1–4.
    pub quad_class: u8,
    /// Goldstein score.
    pub goldstein: f32,
    /// PLOVER event type.
    pub plover: Option<String>,
    /// PLOVER mode ("visit", "phone" …), when the table gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plover_mode: Option<String>,
    /// Who acted.
    pub source: EventActor,
    /// Who was acted upon.
    pub target: EventActor,
    /// When (ISO 8601), if known.
    pub date: Option<String>,
    /// Where the date comes from: "text" (a time expression in the sentence) or "publication" (defaulted
    /// to the publication date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_basis: Option<String>,
    /// Where, if known.
    pub location: Option<EventLocation>,
    /// asserted, negated, future, reported or hypothetical.
    pub modality: String,
    /// 0.0–1.0.
    pub confidence: f32,
    /// The pattern that produced it (`data/events/patterns.tsv`).
    #[serde(default)]
    pub rule: String,
    /// Index into `sentences` (the first evidence).
    pub sentence: usize,
    /// The trigger's span (the first evidence).
    pub trigger: Span,
    /// Every sentence that tells it (a headline and a lede telling the same event are one event).
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// A plain English sentence built from the codes and canonical names.
    #[serde(default)]
    pub summary_en: String,
}
