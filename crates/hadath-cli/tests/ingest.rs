//! `hadath ingest` and the store commands end to end, on a corpus generated from the event patterns'
//! example sentences: bad inputs, kill-and-resume, near copies, queries and exports.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use hadath_store::{SqliteStore, Store};

fn hadath() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hadath"))
}

fn run(args: &[&str]) -> Output {
    hadath().args(args).stdin(Stdio::null()).output().unwrap()
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("hadath-ingest-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
    fn s(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Example sentences of the event patterns (each tells an event with a known source and target).
fn sentences() -> Vec<String> {
    include_str!("../../../data/events/patterns.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains("=>"))
        .filter_map(|l| l.rsplit('\t').next())
        .filter_map(|c| c.split("=>").next())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

const OUTLETS: [&str; 4] = ["alriyadh", "okaz", "aawsat", "alyaum"];

/// Article `i`: a title and five example sentences picked by a small generator, plus a sentence of its
/// own; every seventh article is a near copy of the one before (another outlet, one sentence added).
fn article(i: usize, pool: &[String]) -> (String, String, String, String) {
    let base = if i % 7 == 6 { i - 1 } else { i };
    let mut x = (base as u64 + 1).wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut body = String::new();
    for _ in 0..5 {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        body.push_str(&pool[(x >> 33) as usize % pool.len()]);
        body.push_str(". ");
    }
    body.push_str(&format!(
        "وقال مصدر مطلع إن عدد المشاركين في الاجتماع رقم {base} بلغ {} شخصا من {} دولة وإن الجلسة استمرت {} ساعات.",
        base * 37 + 11,
        base % 40 + 3,
        base % 9 + 2
    ));
    if base != i {
        body.push_str(" وأضاف المصدر أن اجتماعا آخر سيعقد الشهر المقبل.");
    }
    let day = base % 28 + 1;
    (format!("خبر رقم {i}"), body, OUTLETS[i % OUTLETS.len()].to_string(), format!("2015-07-{day:02}"))
}

/// Writes `n` articles as a JSONL file, a SaudiNewsNet-style JSON array, and a zip of such an array.
fn write_corpus(dir: &Path, n: usize) -> usize {
    let pool = sentences();
    assert!(pool.len() > 50, "patterns.tsv examples: {}", pool.len());
    let third = n / 3;
    let mut jsonl = String::new();
    let mut array = Vec::new();
    let mut zipped = Vec::new();
    for i in 0..n {
        let (title, body, outlet, date) = article(i, &pool);
        if i < third {
            jsonl.push_str(
                &serde_json::json!({"id": format!("a{i}"), "title": title, "text": body, "outlet": outlet, "published": date})
                    .to_string(),
            );
            jsonl.push('\n');
        } else {
            let rec = serde_json::json!({"source": outlet, "url": format!("http://{outlet}.example/{i}"),
                "date_extracted": format!("{date} 08:00:00"), "title": title, "author": "", "content": body});
            if i < 2 * third {
                array.push(rec);
            } else {
                zipped.push(rec);
            }
        }
    }
    std::fs::create_dir_all(dir.join("nested")).unwrap();
    std::fs::write(dir.join("a.jsonl"), jsonl).unwrap();
    std::fs::write(dir.join("nested/b.json"), serde_json::to_string(&array).unwrap()).unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(dir.join("c.zip")).unwrap());
    w.start_file("c.json", zip::write::SimpleFileOptions::default()).unwrap();
    w.write_all(serde_json::to_string(&zipped).unwrap().as_bytes()).unwrap();
    w.finish().unwrap();
    n
}

/// Everything that must not depend on how the ingest was run: articles by hash with their cluster and
/// copy (as hashes), and events with their mention links and counts.
fn snapshot(db: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let s = SqliteStore::open_read_only(db).unwrap();
    let c = s.connection();
    let mut st = c
        .prepare(
            "SELECT a.hash, c.hash, coalesce(p.hash, ''), a.title FROM articles a JOIN articles c ON c.id = a.cluster \
             LEFT JOIN articles p ON p.id = a.copy_of",
        )
        .unwrap();
    let arts: Vec<String> = st
        .query_map([], |r| {
            Ok(format!(
                "{} {} {} {}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?
            ))
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let n = arts.len();
    let arts: BTreeSet<String> = arts.into_iter().collect();
    assert_eq!(arts.len(), n, "an article stored twice");
    let mut st = c
        .prepare(
            "SELECT a.hash, e.idx, e.code, coalesce(pa.hash || ':' || p.idx, ''), e.num_mentions, e.num_articles, \
             e.num_sources, (SELECT count(*) FROM event_evidence v WHERE v.event = e.id) FROM events e \
             JOIN articles a ON a.id = e.article LEFT JOIN events p ON p.id = e.mention_of \
             LEFT JOIN articles pa ON pa.id = p.article",
        )
        .unwrap();
    let events: Vec<String> = st
        .query_map([], |r| {
            Ok(format!(
                "{} {} {} {} {} {} {} {}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, i64>(7)?
            ))
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let n = events.len();
    let events: BTreeSet<String> = events.into_iter().collect();
    assert_eq!(events.len(), n, "an event stored twice");
    // Consistency: every primary event's counts agree with its mentions.
    let bad: i64 = c
        .query_row(
            "SELECT count(*) FROM events e WHERE e.mention_of IS NULL AND e.num_articles != 1 + \
             (SELECT count(DISTINCT m.article) FROM events m WHERE m.mention_of = e.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(bad, 0, "num_articles disagrees with the stored mentions");
    (arts, events)
}

#[test]
fn kill_and_resume_loses_nothing_and_duplicates_nothing() {
    let d = TempDir::new("resume");
    let corpus = d.path("corpus");
    let n = write_corpus(&corpus, 900);
    let reference = d.s("reference.hadath");
    let o = run(&["ingest", &corpus.display().to_string(), "--db", &reference, "--batch", "8", "--no-index"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains(&format!("read        {n} articles")), "{out}");
    let (ref_articles, ref_events) = snapshot(Path::new(&reference));
    assert_eq!(ref_articles.len(), n);
    let near = SqliteStore::open_read_only(Path::new(&reference)).unwrap().stats().unwrap().near_duplicates;
    assert!(near >= (n / 7) as i64, "near copies found: {near}");

    // Now kill a run after a few commits, twice, then let one finish.
    let db = d.path("killed.hadath");
    let mut stored_when_killed = Vec::new();
    for _ in 0..2 {
        let already = if db.exists() { SqliteStore::open_read_only(&db).unwrap().stats().unwrap().articles } else { 0 };
        let mut child = hadath()
            .args(["ingest", &corpus.display().to_string(), "--db", &db.display().to_string(), "--batch", "8"])
            .args(["--threads", "1", "--no-index"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let t = Instant::now();
        loop {
            std::thread::sleep(Duration::from_millis(20));
            let count = if db.exists() {
                SqliteStore::open_read_only(&db).ok().and_then(|s| s.stats().ok()).map_or(0, |s| s.articles)
            } else {
                0
            };
            if count >= already + 40 || t.elapsed() > Duration::from_secs(120) {
                break;
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
        }
        child.kill().ok();
        child.wait().unwrap();
        stored_when_killed.push(SqliteStore::open_read_only(&db).unwrap().stats().unwrap().articles);
    }
    assert!(
        stored_when_killed.iter().all(|&k| k > 0 && (k as usize) < n),
        "the kills should land mid-run: {stored_when_killed:?} of {n}"
    );
    let o = run(&["ingest", &corpus.display().to_string(), "--db", &db.display().to_string(), "--no-index"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains(&format!("text already stored: {}", stored_when_killed[1])), "{out}");
    let (articles, events) = snapshot(&db);
    assert_eq!(articles.len(), n);
    assert_eq!(articles, ref_articles, "the same articles and clusters as an uninterrupted run");
    assert_eq!(events, ref_events, "the same events, mentions and counts as an uninterrupted run");
    // And once more: nothing new.
    let o = run(&["ingest", &corpus.display().to_string(), "--db", &db.display().to_string(), "--no-index"]);
    assert!(text(&o.stdout).contains("stored      0 articles"), "{}", text(&o.stdout));
}

#[test]
fn bad_inputs_are_reported_and_the_rest_ingested() {
    let d = TempDir::new("bad");
    let corpus = d.path("corpus");
    let n = write_corpus(&corpus, 30);
    std::fs::write(corpus.join("corrupt.zip"), b"PK\x03\x04 not a zip at all").unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(std::fs::read(corpus.join("a.jsonl")).unwrap().as_slice()).unwrap();
    let gz = gz.finish().unwrap();
    std::fs::write(corpus.join("truncated.jsonl.gz"), &gz[..gz.len() / 2]).unwrap();
    std::fs::write(corpus.join("junk.dat"), (0..5000u32).map(|i| (i * 7919 % 253) as u8).collect::<Vec<_>>()).unwrap();
    std::fs::write(corpus.join("empty.txt"), b"").unwrap();
    std::fs::write(corpus.join("notext.json"), r#"[{"title": "عنوان بلا نص", "url": "http://x/1"}]"#).unwrap();
    // A single 100 MB line (over the default 64 MiB limit), then a good record.
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(corpus.join("huge.jsonl")).unwrap());
        f.write_all(b"{\"text\": \"").unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..100 {
            f.write_all(&chunk).unwrap();
        }
        f.write_all("\"}\n{\"text\": \"وقال الوزير إن المحادثات مستمرة.\"}\n".as_bytes()).unwrap();
    }
    let db = d.s("bad.hadath");
    let o = run(&["ingest", &corpus.display().to_string(), "--db", &db, "--no-index"]);
    let err = text(&o.stderr);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{err}\n{out}");
    for needle in [
        "corrupt.zip: not a readable zip archive",
        "truncated.jsonl.gz",
        "junk.dat: binary data",
        "empty.txt: empty file",
        "notext.json#0: record has no text",
        "huge.jsonl:1: line of 104857",
        "input(s) skipped",
    ] {
        assert!(err.contains(needle), "{needle:?} not in:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    // Everything readable is stored: the corpus, the line after the huge one; the truncated gzip's
    // readable lines are duplicates of a.jsonl.
    let s = SqliteStore::open_read_only(Path::new(&db)).unwrap().stats().unwrap();
    assert_eq!(s.articles as usize, n + 1, "{out}");
    assert!(out.contains("skipped     6"), "{out}");
}

#[test]
fn queries_and_exports() {
    let d = TempDir::new("query");
    let corpus = d.path("corpus");
    write_corpus(&corpus, 60);
    let db = d.s("q.hadath");
    let o = run(&["ingest", &corpus.display().to_string(), "--db", &db, "--no-index"]);
    assert!(o.status.success(), "{}", text(&o.stderr));

    let o = run(&["events", "--db", &db, "--format", "jsonl"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let all: Vec<serde_json::Value> = text(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(all.len() > 60, "{}", all.len());
    assert!(all.iter().any(|e| e["num_articles"].as_i64() == Some(2)), "near copies add mentions");
    let o = run(&["events", "--db", &db, "--source", "USA", "--format", "jsonl"]);
    let usa: Vec<serde_json::Value> = text(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!usa.is_empty() && usa.iter().all(|e| e["source"]["country"] == "USA"));
    let o = run(&[
        "events",
        "--db",
        &db,
        "--root",
        "04",
        "--quad",
        "1",
        "--from",
        "2015-07-01",
        "--to",
        "2015-07",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let csv = text(&o.stdout);
    assert!(csv.starts_with("id,date,date_basis,code,root"), "{csv}");
    assert!(csv.lines().skip(1).all(|l| l.split(',').nth(4) == Some("04")), "{csv}");
    let o = run(&["events", "--db", &db, "--outlet", "okaz", "--limit", "3"]);
    let table = text(&o.stdout);
    assert!(table.starts_with("id") && table.contains("okaz") && table.trim_end().ends_with("3 events"), "{table}");
    assert!(!run(&["events", "--db", &db, "--from", "July"]).status.success());

    let o = run(&["dyads", "--db", &db, "--top", "5", "--format", "csv"]);
    let csv = text(&o.stdout);
    assert!(csv.starts_with("source,target,events,mentions,goldstein"), "{csv}");
    assert!(csv.lines().count() <= 6 && csv.lines().count() > 1, "{csv}");
    let o = run(&["dyads", "--db", &db, "--top", "2", "--interval", "week", "--format", "jsonl"]);
    assert!(text(&o.stdout).lines().all(|l| l.contains("\"interval\":\"2015-W")), "{}", text(&o.stdout));

    for f in ["table", "json", "jsonl", "csv"] {
        let o = run(&["stats", "--db", &db, "--format", f]);
        assert!(o.status.success(), "{f}: {}", text(&o.stderr));
    }
    let o = run(&["stats", "--db", &db, "--format", "json"]);
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["articles"], 60);
    assert_eq!(s["by_outlet"].as_array().unwrap().len(), OUTLETS.len());

    let tsv = d.s("events.tsv");
    let o = run(&["export", "--db", &db, "--format", "gdelt", &tsv]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let rows = std::fs::read_to_string(&tsv).unwrap();
    assert_eq!(rows.lines().count(), all.len());
    assert!(rows.lines().all(|l| l.split('\t').count() == 61));
    let o = run(&["export", "--db", &db, "--format", "jsonl", "--source", "USA", "-"]);
    assert_eq!(text(&o.stdout).lines().count(), usa.len());
    let pq = d.s("events.parquet");
    let o = run(&["export", "--db", &db, "--format", "parquet", &pq]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(std::fs::read(&pq).unwrap().starts_with(b"PAR1"));
    // Search: the index catches up on the next ingest.
    assert!(!run(&["search", "--db", &db, "الاجتماع"]).status.success(), "no index yet");
    let o = run(&["ingest", &corpus.display().to_string(), "--db", &db]);
    assert!(text(&o.stdout).contains("indexed     60 articles"), "{}", text(&o.stdout));
    let o = run(&["search", "--db", &db, "المشاركين", "--limit", "5", "--format", "jsonl"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let hits: Vec<serde_json::Value> = text(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(hits.len(), 5);
    assert!(hits.iter().all(|h| !h["highlighted"].as_array().unwrap().is_empty()), "{hits:?}");
    let o = run(&["search", "--db", &db, "والمشاركون", "--outlet", "okaz"]);
    let table = text(&o.stdout);
    assert!(table.contains("[المشاركين]") && table.contains("okaz"), "{table}");
    // --actor: only articles with an entity or event side of that code (prefix); a non-code is refused.
    let usa_articles = SqliteStore::open_read_only(Path::new(&db)).unwrap().articles_with_actor("USA").unwrap();
    let o = run(&["search", "--db", &db, "المشاركين", "--actor", "usa", "--limit", "100", "--format", "jsonl"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let hits: Vec<serde_json::Value> = text(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let found: std::collections::HashSet<i64> = hits.iter().map(|h| h["article"].as_i64().unwrap()).collect();
    assert!(!found.is_empty() && found == usa_articles, "every article says المشاركين: {found:?} {usa_articles:?}");
    let o = run(&["search", "--db", &db, "المشاركين", "--actor", "ZZZ", "--format", "jsonl"]);
    assert!(o.status.success() && text(&o.stdout).is_empty(), "{}", text(&o.stderr));
    assert!(!run(&["search", "--db", &db, "المشاركين", "--actor", "U%"]).status.success());
    let o = run(&["events", "--db", &d.s("missing.hadath")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no such store"), "{}", text(&o.stderr));
}
