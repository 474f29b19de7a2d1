//! hadath's store: analysed articles, their entities, times and events, near-duplicate clusters, and the
//! queries and exports over them.
//!
//! - [`Store`]: what any backend does (write a batch of analysed articles; read articles, events, dyads,
//!   stats). [`SqliteStore`] is the embedded backend (one file, WAL journal, versioned schema with
//!   migrations in [`schema`]); a PostgreSQL backend can implement the same trait.
//! - [`dedup`]: MinHash signatures over match-form word shingles, banded for LSH: an article that is a
//!   near copy of a stored one joins its cluster, and its events count as more mentions of the stored
//!   events (GDELT's NumMentions / NumSources / NumArticles) rather than new events.
//! - Search: [`Store::search`] over a [`hadath_search`] index kept beside the store file ([`index_dir`]),
//!   brought up to date by [`SqliteStore::update_index`].
//! - [`export`]: the GDELT 2.0 event table (61 tab-separated columns), PLOVER-style JSON Lines and Parquet.
//!
//! Articles are keyed by their content hash ([`hadath_core::Document::hash`]): writing the same text twice
//! stores it once, and every batch is one transaction, so an interrupted ingest can simply be run again.
//!
//! ```
//! use hadath_core::{Engine, ExtractOptions, Input};
//! use hadath_store::{EventQuery, NewArticle, SqliteStore, Store};
//! let engine = Engine::new().unwrap();
//! let input = Input {
//!     text: "التقى وزير الخارجية الإسرائيلي إيلي كوهين الرئيس الأذربيجاني إلهام علييف في باكو.".into(),
//!     published: Some("2023-04-19".into()),
//!     ..Default::default()
//! };
//! let doc = engine.extract(&input, ExtractOptions::default());
//! let mut store = SqliteStore::open_in_memory()?;
//! let put = store.put(&[NewArticle::new(&doc, &input.text, "example")])?;
//! assert!(put[0].is_stored());
//! let again = store.put(&[NewArticle::new(&doc, &input.text, "example")])?;
//! assert!(!again[0].is_stored()); // the same text is stored once
//! let mut n = 0;
//! store.events(&EventQuery { source: Some("ISR".into()), ..Default::default() }, &mut |_e| { n += 1; Ok(true) })?;
//! assert_eq!(n, 1);
//! # Ok::<(), hadath_store::Error>(())
//! ```
#![deny(missing_docs)]

use serde::{Deserialize, Serialize};

use hadath_core::model::Event;
use hadath_core::Document;

pub mod dedup;
pub mod export;
pub mod schema;
mod sqlite;

pub use dedup::Signature;
pub use sqlite::{ArticleText, SqliteStore};

/// A store error.
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct Error {
    #[source]
    kind: ErrorKind,
}

#[derive(Debug, thiserror::Error)]
enum ErrorKind {
    #[error("database: {0}")]
    Sqlite(#[source] rusqlite::Error),
    #[error("JSON: {0}")]
    Json(#[source] serde_json::Error),
    #[error("writing: {0}")]
    Io(#[source] std::io::Error),
    #[error("this store has schema version {found}, newer than this hadath's {supported}: use a newer hadath")]
    NewerSchema { found: i64, supported: i64 },
    #[error("this file is an SQLite database but not a hadath store")]
    NotAStore,
    #[error("{0}")]
    Invalid(String),
    #[error("parquet: {0}")]
    Parquet(String),
    #[error("{0}")]
    Search(#[source] hadath_search::Error),
}

impl Error {
    pub(crate) fn newer_schema(found: i64, supported: i64) -> Error {
        Error { kind: ErrorKind::NewerSchema { found, supported } }
    }
    pub(crate) fn not_a_store() -> Error {
        Error { kind: ErrorKind::NotAStore }
    }
    pub(crate) fn parquet(e: parquet::errors::ParquetError) -> Error {
        Error { kind: ErrorKind::Parquet(e.to_string()) }
    }
    pub(crate) fn invalid(msg: impl Into<String>) -> Error {
        Error { kind: ErrorKind::Invalid(msg.into()) }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        Error { kind: ErrorKind::Sqlite(e) }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error { kind: ErrorKind::Json(e) }
    }
}

impl From<hadath_search::Error> for Error {
    fn from(e: hadath_search::Error) -> Error {
        Error { kind: ErrorKind::Search(e) }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error { kind: ErrorKind::Io(e) }
    }
}

/// A store result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One analysed article to write.
#[derive(Debug, Clone)]
pub struct NewArticle<'a> {
    /// The document (its `text` field is ignored; `text` below is stored).
    pub doc: &'a Document,
    /// The original text the document's offsets refer to.
    pub text: &'a str,
    /// Where it was read from (file, line, archive member).
    pub origin: &'a str,
    /// Its MinHash signature (computed by [`NewArticle::new`]; `None` for texts too short to compare).
    pub signature: Option<Signature>,
}

impl<'a> NewArticle<'a> {
    /// An article with its signature computed.
    pub fn new(doc: &'a Document, text: &'a str, origin: &'a str) -> NewArticle<'a> {
        NewArticle { doc, text, origin, signature: Signature::of(text) }
    }
}

/// What became of one article written with [`Store::put`].
#[derive(Debug, Clone, PartialEq)]
pub enum PutOutcome {
    /// Stored as a new article (first of its cluster).
    Stored {
        /// Its id.
        article: i64,
        /// Events stored.
        events: usize,
    },
    /// Stored as a near copy of an earlier article.
    NearDuplicate {
        /// Its id.
        article: i64,
        /// The cluster it joined (the first article's id).
        cluster: i64,
        /// The article it is most similar to.
        copy_of: i64,
        /// Estimated similarity with it.
        similarity: f32,
        /// Its events that were already known in the cluster (stored as mentions).
        mentions: usize,
        /// Its events new to the cluster.
        events: usize,
    },
    /// The same text is already stored.
    Duplicate {
        /// The stored article's id.
        article: i64,
    },
}

impl PutOutcome {
    /// Whether a new article row was written.
    pub fn is_stored(&self) -> bool {
        !matches!(self, PutOutcome::Duplicate { .. })
    }
}

/// A stored article.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Its id in the store.
    pub article: i64,
    /// Its near-duplicate cluster (the first article's id).
    pub cluster: i64,
    /// The article it is a near copy of, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_of: Option<i64>,
    /// Where it was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// The schema-1 document, text included.
    pub document: Document,
}

/// An event as stored: the model's [`Event`] plus where it is and how often it was told.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    /// Event id (GDELT's GLOBALEVENTID in exports).
    pub id: i64,
    /// The article that first told it.
    pub article: i64,
    /// Mentions: evidence sentences over every article that told it.
    pub num_mentions: i64,
    /// Articles that told it (the first and its near copies).
    pub num_articles: i64,
    /// Distinct outlets among them.
    pub num_sources: i64,
    /// The article's publication date.
    pub published: Option<String>,
    /// The article's outlet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// The article's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The article's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// When the article was stored (UTC, `YYYY-MM-DD HH:MM:SS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingested: Option<String>,
    /// The event.
    #[serde(flatten)]
    pub event: Event,
}

/// Filters for [`Store::events`]; every field set must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventQuery {
    /// Source actor's country (CAMEO / ISO alpha-3, or IGO …).
    pub source: Option<String>,
    /// Target actor's country.
    pub target: Option<String>,
    /// Either actor's country.
    pub either: Option<String>,
    /// CAMEO root codes ("04"); any of them.
    pub roots: Vec<String>,
    /// CAMEO codes or code prefixes ("042", "19"); any of them.
    pub codes: Vec<String>,
    /// Quad classes (1–4); any of them.
    pub quads: Vec<u8>,
    /// Event date on or after (compared on the date's first characters: "2015-07" ≥ "2015-07").
    pub from: Option<String>,
    /// Event date on or before (a date "2015-07" or "2015" covers the whole month or year).
    pub to: Option<String>,
    /// The article's outlet.
    pub outlet: Option<String>,
    /// Words that the event's article must contain (in title or text, as written).
    pub text: Option<String>,
    /// Only events of these articles (set by a search, for instance).
    pub articles: Option<Vec<i64>>,
    /// Only events whose id is above this one (a paging cursor: the last id of the previous page).
    pub after: Option<i64>,
    /// At most this many events.
    pub limit: Option<usize>,
}

/// How [`Store::dyads`] groups.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Interval {
    /// One row per pair.
    #[default]
    All,
    /// Per ISO week (`2015-W30`).
    Week,
    /// Per month (`2015-07`).
    Month,
}

/// Filters and grouping for [`Store::dyads`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DyadQuery {
    /// The pairs with most events, at most this many (per interval when grouped).
    pub top: usize,
    /// Grouping.
    pub interval: Interval,
    /// Event date on or after.
    pub from: Option<String>,
    /// Event date on or before.
    pub to: Option<String>,
    /// Keep pairs with the same country on both sides (domestic events).
    pub domestic: bool,
    /// Only this source country.
    pub source: Option<String>,
    /// Only this target country.
    pub target: Option<String>,
}

/// Filters for [`Store::actors`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActorQuery {
    /// The most active actors, at most this many (0: all).
    pub top: usize,
    /// Only actors of this country.
    pub country: Option<String>,
    /// Event date on or after.
    pub from: Option<String>,
    /// Event date on or before.
    pub to: Option<String>,
}

/// One actor (a country with a CAMEO agent, `ISRGOV`) and the events it took part in.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorCount {
    /// CAMEO country (or IGO, NGO …).
    pub country: String,
    /// CAMEO agent (GOV, MIL …), empty when none.
    pub agent: String,
    /// Events it took part in (as source or target; an event with it on both sides counts once).
    pub events: i64,
    /// Of them, as source.
    pub as_source: i64,
    /// Of them, as target.
    pub as_target: i64,
    /// Events per quad class 1–4.
    pub quad: [i64; 4],
    /// Mean Goldstein score of its events.
    pub goldstein_mean: f64,
}

/// Another article of an article's near-duplicate cluster.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterMember {
    /// Its id.
    pub article: i64,
    /// Title.
    pub title: Option<String>,
    /// Publication date.
    pub published: Option<String>,
    /// Outlet.
    pub outlet: Option<String>,
    /// The article it is a near copy of (none for the cluster's first article).
    pub copy_of: Option<i64>,
    /// Its estimated similarity with that article.
    pub similarity: Option<f64>,
}

/// One country pair (per interval).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dyad {
    /// Week or month, when grouped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// Source country.
    pub source: String,
    /// Target country.
    pub target: String,
    /// Events.
    pub events: i64,
    /// Mentions of them (GDELT NumMentions summed).
    pub mentions: i64,
    /// Summed Goldstein score.
    pub goldstein: f64,
    /// Mean Goldstein score.
    pub goldstein_mean: f64,
    /// Events per quad class 1–4 (verbal/material cooperation, verbal/material conflict).
    pub quad: [i64; 4],
}

/// Counts over the store.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// Articles stored.
    pub articles: i64,
    /// Of them, near copies of an earlier article.
    pub near_duplicates: i64,
    /// Clusters with more than one article.
    pub clusters: i64,
    /// Entities.
    pub entities: i64,
    /// Entity mentions.
    pub mentions: i64,
    /// Time expressions.
    pub times: i64,
    /// Distinct events (not counting their repetitions in near copies).
    pub events: i64,
    /// Events told again by near copies (stored as mentions).
    pub event_mentions: i64,
    /// Schema version of the file.
    pub schema_version: i64,
    /// Per outlet.
    pub by_outlet: Vec<OutletStats>,
    /// Per month of publication.
    pub by_month: Vec<MonthStats>,
}

/// Counts for one outlet.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutletStats {
    /// The outlet (empty when unknown).
    pub outlet: String,
    /// Articles.
    pub articles: i64,
    /// Near copies among them.
    pub near_duplicates: i64,
    /// Distinct events first told by them.
    pub events: i64,
}

/// Counts for one month.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthStats {
    /// `YYYY-MM` of publication (empty when unknown).
    pub month: String,
    /// Articles published then.
    pub articles: i64,
    /// Near copies among them.
    pub near_duplicates: i64,
    /// Distinct events first told in them.
    pub events: i64,
}

/// A full-text search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// The words (all must occur unless joined by OR; "quoted phrases").
    pub query: String,
    /// At most this many hits.
    pub limit: usize,
    /// Only this outlet.
    pub outlet: Option<String>,
    /// Published on or after.
    pub from: Option<String>,
    /// Published on or before.
    pub to: Option<String>,
    /// Only articles with an actor whose CAMEO code (country + agent, e.g. `ISRGOV`; `IGO`… for bodies
    /// without a country) starts with this: an entity of the article, or the source or target of one of
    /// its events. `ISR` matches ISR, ISRGOV, ISRMIL; `ISRGOV` only Israel's government.
    pub actor: Option<String>,
    /// Length of snippets, in characters (0: none).
    pub snippet_chars: usize,
}

/// One article found.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The article's id.
    pub article: i64,
    /// BM25 score.
    pub score: f32,
    /// Title.
    pub title: Option<String>,
    /// Publication date.
    pub published: Option<String>,
    /// Outlet.
    pub outlet: Option<String>,
    /// URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// A fragment of the text around the best hits.
    pub snippet: String,
    /// Byte ranges of `snippet` that matched the query.
    pub highlighted: Vec<(usize, usize)>,
}

/// Checks a date filter (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`) as [`EventQuery::from`] and the other query
/// dates take it; the error says what is expected.
pub fn check_query_date(d: &str) -> std::result::Result<(), String> {
    let shape = matches!(d.len(), 4 | 7 | 10)
        && d.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    let in_range = |r: std::ops::Range<usize>, max: u32| {
        d.get(r).is_none_or(|x| x.parse::<u32>().is_ok_and(|n| (1..=max).contains(&n)))
    };
    if shape && in_range(5..7, 12) && in_range(8..10, 31) {
        Ok(())
    } else {
        Err(format!("date {d:?}: use YYYY-MM-DD, YYYY-MM or YYYY"))
    }
}

/// Where the search index of the store file `db` lives: a folder beside it, `<db>.search`.
pub fn index_dir(db: &std::path::Path) -> std::path::PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".search");
    db.with_file_name(name)
}

/// A consumer of query results; return `Ok(false)` to stop early.
pub type Sink<'a, T> = dyn FnMut(T) -> Result<bool> + 'a;

/// What a hadath store does, whatever holds it.
pub trait Store {
    /// Writes analysed articles, in one transaction, in order: each is stored, or recognised as a text
    /// already stored, or stored as a near copy of an earlier article (see [`dedup`]).
    fn put(&mut self, batch: &[NewArticle<'_>]) -> Result<Vec<PutOutcome>>;
    /// Whether a text with this content hash is stored.
    fn contains(&self, hash: &str) -> Result<bool>;
    /// Every stored content hash (to skip known texts before analysing them).
    fn hashes(&self) -> Result<std::collections::HashSet<String>>;
    /// An article with its whole document.
    fn article(&self, id: i64) -> Result<Option<Article>>;
    /// Events matching the query, in id order, pushed into `sink`.
    fn events(&self, q: &EventQuery, sink: &mut Sink<'_, StoredEvent>) -> Result<()>;
    /// Event counts and Goldstein sums per country pair.
    fn dyads(&self, q: &DyadQuery) -> Result<Vec<Dyad>>;
    /// Counts.
    fn stats(&self) -> Result<Stats>;
    /// Articles matching a full-text query, best first (BM25), with snippets.
    fn search(&self, q: &SearchQuery) -> Result<Vec<SearchHit>>;
    /// The most active actors (country + agent), with their events by quad class.
    fn actors(&self, q: &ActorQuery) -> Result<Vec<ActorCount>>;
    /// The other articles of an article's near-duplicate cluster, in id order.
    fn cluster(&self, article: i64) -> Result<Vec<ClusterMember>>;
}

#[cfg(test)]
mod tests;
