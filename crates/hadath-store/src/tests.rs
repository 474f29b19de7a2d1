use std::sync::OnceLock;

use hadath_core::{Engine, ExtractOptions, Input};

use super::*;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new().unwrap())
}

const SEED: &str = include_str!("../../../examples/seed-article.txt");

fn doc(text: &str, outlet: &str, published: &str) -> Document {
    let input = Input {
        text: text.to_string(),
        outlet: Some(outlet.into()),
        published: Some(published.into()),
        url: Some(format!("http://{outlet}.example/1")),
        ..Default::default()
    };
    engine().extract(&input, ExtractOptions::default())
}

fn all_events(store: &SqliteStore, q: &EventQuery) -> Vec<StoredEvent> {
    let mut v = Vec::new();
    store
        .events(q, &mut |e| {
            v.push(e);
            Ok(true)
        })
        .unwrap();
    v
}

#[test]
fn store_is_send() {
    fn is_send<T: Send>() {}
    is_send::<SqliteStore>();
}

#[test]
fn put_read_back_and_duplicates() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let d = doc(SEED, "alghad", "2023-04-19");
    assert!(!d.events.is_empty());
    let out = s.put(&[NewArticle::new(&d, SEED, "seed.txt")]).unwrap();
    let PutOutcome::Stored { article, events } = out[0] else { panic!("{out:?}") };
    assert_eq!(events, d.events.len());
    // The document reads back as extracted, with its text.
    let back = s.article(article).unwrap().unwrap();
    let mut expected = d.clone();
    expected.text = Some(SEED.to_string());
    assert_eq!(back.document, expected);
    assert_eq!(back.origin.as_deref(), Some("seed.txt"));
    // Same text again (even with other diacritics): a duplicate, nothing written.
    let d2 = doc(&SEED.replace("وزير", "وزيرُ"), "other", "2023-04-20");
    assert_eq!(d2.hash, d.hash);
    let out = s.put(&[NewArticle::new(&d2, SEED, "again.txt")]).unwrap();
    assert_eq!(out[0], PutOutcome::Duplicate { article });
    let st = s.stats().unwrap();
    assert_eq!(st.articles, 1);
    assert_eq!(st.events, d.events.len() as i64);
    assert!(s.contains(&d.hash).unwrap());
    assert_eq!(s.hashes().unwrap().len(), 1);
}

#[test]
fn near_copies_join_clusters_and_count_as_mentions() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let a = doc(SEED, "alghad", "2023-04-19");
    // Another outlet's copy: one sentence dropped at the end, a credit line added.
    let cut = SEED.rfind('.').map(|i| &SEED[..i + 1]).unwrap_or(SEED);
    let copy_text = format!("{cut}\nالمصدر: وكالات");
    let b = doc(&copy_text, "okaz", "2023-04-19");
    assert_ne!(a.hash, b.hash);
    let out = s.put(&[NewArticle::new(&a, SEED, "a"), NewArticle::new(&b, &copy_text, "b")]).unwrap();
    let PutOutcome::Stored { article: first, .. } = out[0] else { panic!("{out:?}") };
    let PutOutcome::NearDuplicate { cluster, copy_of, similarity, mentions, .. } = out[1] else { panic!("{out:?}") };
    assert_eq!((cluster, copy_of), (first, first));
    assert!(similarity >= dedup::DEFAULT_THRESHOLD);
    assert!(mentions > 0);
    let events = all_events(&s, &EventQuery::default());
    // The copy's repeated events are not new events …
    assert_eq!(events.len(), a.events.len() + (b.events.len() - mentions));
    // … but more mentions of the first article's.
    let merged: Vec<&StoredEvent> = events.iter().filter(|e| e.num_articles == 2).collect();
    assert_eq!(merged.len(), mentions);
    assert!(merged.iter().all(|e| e.num_sources == 2 && e.num_mentions >= 2));
    let st = s.stats().unwrap();
    assert_eq!((st.articles, st.near_duplicates, st.clusters), (2, 1, 1));
    assert_eq!(st.event_mentions, mentions as i64);
    // With detection off, the copy is an article of its own.
    let mut s2 = SqliteStore::open_in_memory().unwrap();
    s2.set_threshold(2.0);
    let out = s2.put(&[NewArticle::new(&a, SEED, "a"), NewArticle::new(&b, &copy_text, "b")]).unwrap();
    assert!(matches!(out[1], PutOutcome::Stored { .. }));
}

#[test]
fn event_queries_dyads_and_exports() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let a = doc(SEED, "alghad", "2023-04-19");
    s.put(&[NewArticle::new(&a, SEED, "a")]).unwrap();
    let all = all_events(&s, &EventQuery::default());
    assert_eq!(all.len(), a.events.len());
    let isr = all_events(&s, &EventQuery { source: Some("isr".into()), ..Default::default() });
    assert!(!isr.is_empty() && isr.iter().all(|e| e.event.source.country.as_deref() == Some("ISR")));
    let either = all_events(&s, &EventQuery { either: Some("AZE".into()), ..Default::default() });
    assert!(either
        .iter()
        .all(|e| e.event.source.country.as_deref() == Some("AZE") || e.event.target.country.as_deref() == Some("AZE")));
    let consult = all_events(&s, &EventQuery { roots: vec!["4".into()], ..Default::default() });
    assert!(!consult.is_empty() && consult.iter().all(|e| e.event.root == "04"));
    let by_code = all_events(&s, &EventQuery { codes: vec!["04".into()], ..Default::default() });
    assert_eq!(by_code.len(), consult.len());
    assert!(all_events(&s, &EventQuery { from: Some("2024-01-01".into()), ..Default::default() }).is_empty());
    assert_eq!(
        all_events(&s, &EventQuery { to: Some("2023-04".into()), ..Default::default() }).len(),
        all.iter().filter(|e| e.event.date.as_deref().is_some_and(|d| d <= "2023-04-30")).count()
    );
    assert_eq!(all_events(&s, &EventQuery { outlet: Some("alghad".into()), ..Default::default() }).len(), all.len());
    assert!(all_events(&s, &EventQuery { outlet: Some("x".into()), ..Default::default() }).is_empty());
    assert_eq!(all_events(&s, &EventQuery { text: Some("باكو".into()), ..Default::default() }).len(), all.len());
    assert!(all_events(&s, &EventQuery { text: Some("كانبرا".into()), ..Default::default() }).is_empty());
    assert_eq!(all_events(&s, &EventQuery { limit: Some(1), ..Default::default() }).len(), 1);
    // Evidence comes back.
    assert!(all.iter().all(|e| !e.event.evidence.is_empty()));

    let dy = s.dyads(&DyadQuery { top: 20, ..Default::default() }).unwrap();
    assert!(dy.iter().any(|d| d.source == "ISR" && d.target == "AZE"), "{dy:?}");
    assert!(dy.iter().all(|d| d.source != d.target));
    let monthly = s.dyads(&DyadQuery { top: 1, interval: Interval::Month, ..Default::default() }).unwrap();
    assert!(monthly.iter().all(|d| d.interval.as_deref().is_some_and(|m| m.len() == 7)));

    let mut out = Vec::new();
    let n = export::gdelt(&s, &EventQuery::default(), false, &mut out).unwrap();
    assert_eq!(n, all.len());
    let text = String::from_utf8(out).unwrap();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 61, "{line}");
        assert!(f[1].len() == 8 && f[1].starts_with("2023"), "{line}");
        assert_eq!(f[60], "http://alghad.example/1");
    }
    let mut out = Vec::new();
    assert_eq!(export::jsonl(&s, &EventQuery::default(), &mut out).unwrap(), all.len());
    let first: serde_json::Value = serde_json::from_slice(out.split(|&b| b == b'\n').next().unwrap()).unwrap();
    let ev = &first["evidence"][0];
    assert!(ev["sentence"].as_str().unwrap().contains(ev["trigger"].as_str().unwrap()), "{first}");

    // Parquet, read back.
    let path = std::env::temp_dir().join(format!("hadath-store-{}.parquet", std::process::id()));
    assert_eq!(export::parquet(&s, &EventQuery::default(), &path).unwrap(), all.len());
    {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let r = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
        assert_eq!(r.metadata().file_metadata().num_rows() as usize, all.len());
        let names: Vec<String> =
            r.metadata().file_metadata().schema_descr().columns().iter().map(|c| c.name().to_string()).collect();
        assert_eq!(names.len(), export::PARQUET_COLUMNS.len());
        let rows: Vec<parquet::record::Row> = r.get_row_iter(None).unwrap().map(|r| r.unwrap()).collect();
        for (row, e) in rows.iter().zip(&all) {
            let cols: std::collections::HashMap<String, String> =
                row.get_column_iter().map(|(n, f)| (n.clone(), f.to_string())).collect();
            assert_eq!(cols["id"], e.id.to_string());
            assert_eq!(cols["code"], format!("\"{}\"", e.event.code));
            assert_eq!(cols["num_mentions"], e.num_mentions.to_string());
            assert!(cols["sentence"].contains(cols["trigger"].trim_matches('"')), "{cols:?}");
        }
    }
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn file_store_reopens_and_refuses_newer_schemas() {
    let dir = std::env::temp_dir().join(format!("hadath-store-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.hadath");
    let _ = std::fs::remove_file(&path);
    {
        let mut s = SqliteStore::open(&path).unwrap();
        let d = doc(SEED, "alghad", "2023-04-19");
        s.put(&[NewArticle::new(&d, SEED, "a")]).unwrap();
        assert_eq!(s.schema_version().unwrap(), schema::SCHEMA_VERSION);
    }
    let s = SqliteStore::open_read_only(&path).unwrap();
    assert_eq!(s.stats().unwrap().articles, 1);
    drop(s);
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", schema::SCHEMA_VERSION + 1).unwrap();
    }
    let e = SqliteStore::open(&path).unwrap_err().to_string();
    assert!(e.contains("newer"), "{e}");
    let other = dir.join("other.db");
    let _ = std::fs::remove_file(&other);
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE x (y)").unwrap();
    assert!(SqliteStore::open(&other).unwrap_err().to_string().contains("not a hadath store"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cursor_pair_filter_actors_and_clusters() {
    let mut s = SqliteStore::open_in_memory().unwrap();
    let a = doc(SEED, "alghad", "2023-04-19");
    let cut = SEED.trim_end().rfind('\n').unwrap();
    let b = doc(&SEED[..cut], "other", "2023-04-20");
    let out = s.put(&[NewArticle::new(&a, SEED, "a"), NewArticle::new(&b, &SEED[..cut], "b")]).unwrap();
    let (PutOutcome::Stored { article: first, .. }, PutOutcome::NearDuplicate { article: second, .. }) =
        (&out[0], &out[1])
    else {
        panic!("{out:?}")
    };
    // Paging by cursor: the pages put together are the whole list.
    let all: Vec<i64> = all_events(&s, &EventQuery::default()).iter().map(|e| e.id).collect();
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = all_events(&s, &EventQuery { after, limit: Some(2), ..Default::default() });
        if page.is_empty() {
            break;
        }
        after = page.last().map(|e| e.id);
        paged.extend(page.iter().map(|e| e.id));
    }
    assert_eq!(paged, all);
    // One pair only.
    let pair =
        s.dyads(&DyadQuery { source: Some("isr".into()), target: Some("AZE".into()), ..Default::default() }).unwrap();
    assert_eq!(pair.len(), 1);
    assert_eq!((pair[0].source.as_str(), pair[0].target.as_str()), ("ISR", "AZE"));
    // Actors: quad counts add up to the events, ISR among the most active.
    let actors = s.actors(&ActorQuery { top: 10, ..Default::default() }).unwrap();
    assert!(actors.iter().any(|x| x.country == "ISR"), "{actors:?}");
    for x in &actors {
        assert_eq!(x.quad.iter().sum::<i64>(), x.events, "{x:?}");
        assert!(x.as_source + x.as_target >= x.events);
    }
    let aze = s.actors(&ActorQuery { country: Some("aze".into()), ..Default::default() }).unwrap();
    assert!(!aze.is_empty() && aze.iter().all(|x| x.country == "AZE"));
    // The cluster: each article lists the other.
    assert_eq!(s.cluster(*first).unwrap().iter().map(|m| m.article).collect::<Vec<_>>(), [*second]);
    let back = s.cluster(*second).unwrap();
    assert_eq!(back.iter().map(|m| m.article).collect::<Vec<_>>(), [*first]);
    assert!(s.cluster(9999).unwrap().is_empty());
    // Query dates.
    for ok in ["2015", "2015-07", "2015-07-21"] {
        assert!(check_query_date(ok).is_ok(), "{ok}");
    }
    for bad in ["15", "2015-7", "2015-13", "2015-07-32", "2015-00", "yesterday", "2015/07/21"] {
        assert!(check_query_date(bad).is_err(), "{bad}");
    }
}

#[test]
fn search_filters_by_actor_code_prefix() {
    let dir = std::env::temp_dir().join(format!("hadath-store-actor-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.hadath");
    let texts = [
        "التقى وزير الخارجية السعودي عادل الجبير نظيره الأردني ناصر جودة في الرياض أمس لبحث العلاقات الثنائية.",
        "التقى وزير الخارجية الإسرائيلي إيلي كوهين في باكو بالرئيس الأذربيجاني إلهام علييف لبحث العلاقات الثنائية.",
        "وصل الوفد إلى المدينة أمس لبحث العلاقات الثنائية مع المسؤولين.",
    ];
    let mut s = SqliteStore::open(&path).unwrap();
    let docs: Vec<Document> = texts.iter().map(|t| doc(t, "x", "2023-04-19")).collect();
    let ids: Vec<i64> = docs
        .iter()
        .zip(texts)
        .map(|(d, t)| match s.put(&[NewArticle::new(d, t, "t")]).unwrap()[0] {
            PutOutcome::Stored { article, .. } | PutOutcome::NearDuplicate { article, .. } => article,
            ref o => panic!("{o:?}"),
        })
        .collect();
    s.update_index().unwrap();
    // What the documents say: the expected articles for a code prefix, from entities and event sides.
    let has = |d: &Document, code: &str| {
        let e = d.entities.iter().any(|e| {
            format!("{}{}", e.country.as_deref().unwrap_or(""), e.agent.as_deref().unwrap_or("")).starts_with(code)
        });
        let ev = d.events.iter().any(|ev| {
            [&ev.source, &ev.target].into_iter().any(|a| {
                format!("{}{}", a.country.as_deref().unwrap_or(""), a.agent.as_deref().unwrap_or("")).starts_with(code)
            })
        });
        e || ev
    };
    let search = |actor: Option<&str>| -> Vec<i64> {
        let q =
            SearchQuery {
                query: "العلاقات".into(), limit: 10, actor: actor.map(String::from), ..Default::default()
            };
        let mut v: Vec<i64> = s.search(&q).unwrap().iter().map(|h| h.article).collect();
        v.sort();
        v
    };
    assert_eq!(search(None), ids);
    for code in ["ISR", "ISRGOV", "SAU", "AZE", "JOR"] {
        let want: Vec<i64> = ids.iter().zip(&docs).filter(|(_, d)| has(d, code)).map(|(i, _)| *i).collect();
        assert!(!want.is_empty(), "{code}: the test texts name it");
        assert_eq!(search(Some(code)), want, "{code}");
        // Lower case is accepted.
        assert_eq!(search(Some(&code.to_lowercase())), want, "{code}");
    }
    assert_eq!(search(Some("ISR")), [ids[1]]);
    assert_eq!(search(Some("SAU")), [ids[0]]);
    assert!(search(Some("ZZZ")).is_empty());
    let q =
        SearchQuery { query: "العلاقات".into(), limit: 10, actor: Some("IS%".into()), ..Default::default() };
    assert!(s.search(&q).unwrap_err().to_string().contains("not a CAMEO code"));
    drop(s);
    std::fs::remove_dir_all(&dir).unwrap();
}
