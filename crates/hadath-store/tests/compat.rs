//! Store-format compatibility: a store written by each schema version (`tests/compat/vN/store.hadath`,
//! committed) must open in this version, migrate if older, and answer queries.
//!
//! When the schema changes: bump `schema::SCHEMA_VERSION`, add a migration step, and commit a new fixture
//! with `cargo test -p hadath-store --test compat -- --ignored write_fixture` (it writes
//! `tests/compat/v{SCHEMA_VERSION}/store.hadath`); keep the old ones.

use std::path::{Path, PathBuf};

use hadath_store::schema::SCHEMA_VERSION;
use hadath_store::{EventQuery, NewArticle, SqliteStore, Store};

fn fixture(version: i64) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/compat/v{version}/store.hadath"))
}

#[test]
fn opens_every_committed_store() {
    let tmp = std::env::temp_dir().join(format!("hadath-compat-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    for v in 1..=SCHEMA_VERSION {
        let src = fixture(v);
        assert!(src.exists(), "{}: missing compat fixture for schema version {v}", src.display());
        // Work on a copy: opening switches the file to WAL and may migrate it.
        let db = tmp.join(format!("v{v}.hadath"));
        std::fs::copy(&src, &db).unwrap();
        let s = SqliteStore::open(&db).unwrap_or_else(|e| panic!("schema v{v} store does not open: {e}"));
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        let st = s.stats().unwrap();
        assert_eq!(st.articles, 3, "v{v}");
        assert_eq!(st.near_duplicates, 1, "v{v}");
        assert!(st.events > 0 && st.event_mentions > 0, "v{v}: {st:?}");
        let a = s.article(1).unwrap().unwrap();
        assert!(a.document.text.as_deref().is_some_and(|t| t.contains("إيلي كوهين")));
        assert!(!a.document.sentences.is_empty() && !a.document.entities.is_empty());
        let mut n = 0;
        s.events(&EventQuery { source: Some("ISR".into()), ..Default::default() }, &mut |e| {
            assert!(!e.event.evidence.is_empty());
            n += 1;
            Ok(true)
        })
        .unwrap();
        assert!(n > 0);
        let mut out = Vec::new();
        hadath_store::export::gdelt(&s, &EventQuery::default(), false, &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().lines().all(|l| l.split('\t').count() == 61));
        // A store that this version has written to still reads.
        drop(s);
        assert!(SqliteStore::open_read_only(&db).unwrap().stats().unwrap().articles == 3);
    }
    std::fs::remove_dir_all(&tmp).unwrap();
}

#[test]
#[ignore = "writes the compat fixture of the current schema version"]
fn write_fixture() {
    use hadath_core::{Engine, ExtractOptions, Input};
    let path = fixture(SCHEMA_VERSION);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let _ = std::fs::remove_file(&path);
    let seed = include_str!("../../../examples/seed-article.txt");
    let cut = seed.rfind('.').map(|i| &seed[..i + 1]).unwrap_or(seed);
    let copy = format!("{cut}\nالمصدر: وكالات");
    let other = "ودعا وزير الخارجية المصري إسرائيل إلى وقف الاستيطان. وتعهدت الولايات المتحدة بدعم أوكرانيا.";
    let engine = Engine::new().unwrap();
    let mut s = SqliteStore::open(&path).unwrap();
    for (text, outlet) in [(seed, "alghad"), (copy.as_str(), "okaz"), (other, "alriyadh")] {
        let input = Input {
            text: text.into(),
            outlet: Some(outlet.into()),
            published: Some("2023-04-19".into()),
            ..Default::default()
        };
        let doc = engine.extract(&input, ExtractOptions::default());
        s.put(&[NewArticle::new(&doc, text, outlet)]).unwrap();
    }
    s.connection().execute_batch("PRAGMA journal_mode = DELETE; VACUUM;").unwrap();
}
