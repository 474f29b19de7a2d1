//! The SQLite schema and its migrations.
//!
//! The version lives in `PRAGMA user_version` and, with the date and hadath version that applied it, in the
//! `schema_version` table. `migrate` applies every step above the file's version in one transaction, so a
//! store written by an older hadath opens in a newer one; a store from a *newer* hadath is refused rather
//! than misread.

use rusqlite::{Connection, OptionalExtension};

use crate::{Error, Result};

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 1;

/// Migration steps: `STEPS[i]` takes a store from version `i` to `i + 1`.
const STEPS: &[&str] = &[V1];

const V1: &str = r#"
CREATE TABLE schema_version (
    version  INTEGER NOT NULL,
    applied  TEXT NOT NULL,
    hadath   TEXT NOT NULL
);
-- One row per distinct text (content hash of the match form).
CREATE TABLE articles (
    id          INTEGER PRIMARY KEY,
    hash        TEXT NOT NULL UNIQUE,
    record_id   TEXT,
    title       TEXT,
    published   TEXT,
    url         TEXT,
    outlet      TEXT,
    home        TEXT,
    origin      TEXT,
    cluster     INTEGER NOT NULL,     -- id of the cluster's first article (its own id when it copies none)
    copy_of     INTEGER,              -- the stored article it is a near copy of
    similarity  REAL,                 -- estimated Jaccard similarity with copy_of
    text        TEXT NOT NULL,
    metadata    TEXT NOT NULL,        -- JSON: the rest of the schema-1 document (spans, attribution, …)
    ingested    TEXT NOT NULL
);
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_outlet ON articles(outlet);
CREATE INDEX articles_cluster ON articles(cluster);
-- Near-duplicate clusters: id = the first article; size counts its members.
CREATE TABLE clusters (
    id    INTEGER PRIMARY KEY,
    size  INTEGER NOT NULL
);
CREATE TABLE minhash (
    article    INTEGER PRIMARY KEY,
    signature  BLOB NOT NULL
);
CREATE TABLE lsh (
    key      INTEGER NOT NULL,
    article  INTEGER NOT NULL
);
CREATE INDEX lsh_key ON lsh(key);
CREATE TABLE entities (
    article        INTEGER NOT NULL,
    idx            INTEGER NOT NULL,
    text           TEXT NOT NULL,
    start          INTEGER NOT NULL,
    "end"          INTEGER NOT NULL,
    type           TEXT NOT NULL,
    canonical      TEXT,
    country        TEXT,
    agent          TEXT,
    country_basis  TEXT,
    PRIMARY KEY (article, idx)
) WITHOUT ROWID;
CREATE TABLE mentions (
    article  INTEGER NOT NULL,
    entity   INTEGER NOT NULL,
    start    INTEGER NOT NULL,
    "end"    INTEGER NOT NULL
);
CREATE INDEX mentions_article ON mentions(article, entity);
CREATE TABLE times (
    article    INTEGER NOT NULL,
    idx        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    value      TEXT,
    kind       TEXT NOT NULL,
    anchor     TEXT NOT NULL,
    ambiguous  INTEGER NOT NULL,
    PRIMARY KEY (article, idx)
) WITHOUT ROWID;
-- Every event of every article. An event told again by a near copy of an earlier article is stored with
-- mention_of = the earlier event's id; queries and exports list the events whose mention_of is NULL, whose
-- num_* columns count all their mentions (GDELT's NumMentions / NumSources / NumArticles).
CREATE TABLE events (
    id                INTEGER PRIMARY KEY,
    article           INTEGER NOT NULL,
    idx               INTEGER NOT NULL,
    mention_of        INTEGER,
    code              TEXT NOT NULL,
    root              TEXT NOT NULL,
    quad_class        INTEGER NOT NULL,
    goldstein         REAL NOT NULL,
    plover            TEXT,
    plover_mode       TEXT,
    source_country    TEXT,
    source_agent      TEXT,
    source_entity     INTEGER,
    source_text       TEXT,
    source_start      INTEGER,
    source_end        INTEGER,
    target_country    TEXT,
    target_agent      TEXT,
    target_entity     INTEGER,
    target_text       TEXT,
    target_start      INTEGER,
    target_end        INTEGER,
    date              TEXT,
    date_basis        TEXT,
    location_name     TEXT,
    location_country  TEXT,
    location_entity   INTEGER,
    modality          TEXT NOT NULL,
    confidence        REAL NOT NULL,
    rule              TEXT NOT NULL,
    sentence          INTEGER NOT NULL,
    trigger_start     INTEGER NOT NULL,
    trigger_end       INTEGER NOT NULL,
    summary_en        TEXT NOT NULL,
    num_mentions      INTEGER NOT NULL,
    num_articles      INTEGER NOT NULL,
    num_sources       INTEGER NOT NULL,
    UNIQUE (article, idx)
);
CREATE INDEX events_date ON events(date);
CREATE INDEX events_source ON events(source_country);
CREATE INDEX events_target ON events(target_country);
CREATE INDEX events_code ON events(code);
CREATE INDEX events_mention_of ON events(mention_of);
CREATE TABLE event_evidence (
    event          INTEGER NOT NULL,
    sentence       INTEGER NOT NULL,
    trigger_start  INTEGER NOT NULL,
    trigger_end    INTEGER NOT NULL
);
CREATE INDEX event_evidence_event ON event_evidence(event);
"#;

/// Brings the store to [`SCHEMA_VERSION`]. Returns the version found before.
pub(crate) fn migrate(conn: &mut Connection) -> Result<i64> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(Error::newer_schema(found, SCHEMA_VERSION));
    }
    if found == 0 {
        // A file with tables but no version is not ours.
        let tables: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))?;
        if tables > 0 {
            let has_articles: Option<String> = conn
                .query_row("SELECT name FROM sqlite_master WHERE name = 'articles'", [], |r| r.get(0))
                .optional()?;
            if has_articles.is_none() {
                return Err(Error::not_a_store());
            }
        }
    }
    for v in found..SCHEMA_VERSION {
        let tx = conn.transaction()?;
        tx.execute_batch(STEPS[v as usize])?;
        tx.execute(
            "INSERT INTO schema_version (version, applied, hadath) VALUES (?1, datetime('now'), ?2)",
            rusqlite::params![v + 1, env!("CARGO_PKG_VERSION")],
        )?;
        tx.pragma_update(None, "user_version", v + 1)?;
        tx.commit()?;
    }
    Ok(found)
}
