//! RSS 2.0 and Atom feeds: one article per item, in folders, zips and gzip files; a malformed feed and an
//! XML file that is not a feed are skipped with a clear reason, and nothing else is lost.

use std::io::Write;
use std::path::{Path, PathBuf};

use hadath_corpus::{Corpus, Item, ReadOptions, Record, Skip, SkipKind};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feeds")
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join(name)).unwrap()
}

fn read(paths: Vec<PathBuf>) -> (Vec<Record>, Vec<Skip>) {
    let mut recs = Vec::new();
    let mut skips = Vec::new();
    for item in Corpus::new(paths, ReadOptions::default()) {
        match item {
            Item::Record(r) => recs.push(r),
            Item::Skipped(s) => skips.push(s),
        }
    }
    (recs, skips)
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("hadath-feeds-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn rss2_items_become_articles() {
    let (recs, skips) = read(vec![fixtures().join("rss2.xml")]);
    assert_eq!(recs.len(), 2, "{recs:#?}");
    let a = &recs[0].input;
    assert_eq!(a.title.as_deref(), Some("وزير الخارجية السعودي يلتقي نظيره الأردني في الرياض"));
    // content:encoded wins over the description; HTML reduced to text, entities decoded, scripts dropped.
    assert!(a.text.starts_with("التقى وزير الخارجية السعودي عادل الجبير"), "{}", a.text);
    assert!(a.text.contains("«العلاقات الثنائية»"), "{}", a.text);
    assert!(!a.text.contains('<') && !a.text.contains("track()"), "{}", a.text);
    assert_eq!(a.text.lines().count(), 2, "paragraphs stay lines: {}", a.text);
    // The date as the outlet wrote it (+0300), not shifted to UTC.
    assert_eq!(a.published.as_deref(), Some("2015-07-21"));
    assert_eq!(a.url.as_deref(), Some("https://news.example/2015/07/21/1"));
    assert_eq!(a.outlet.as_deref(), Some("وكالة الأنباء التجريبية"));
    assert_eq!(a.id.as_deref(), Some("news-example-1"));
    assert!(recs[0].origin.ends_with("rss2.xml#0"), "{}", recs[0].origin);
    // No content: the escaped HTML description.
    let b = &recs[1].input;
    assert_eq!(b.text, "غمرت الأمطار الغزيرة شوارع جدة صباح اليوم، وأعلن الدفاع المدني حالة التأهب.");
    assert_eq!(b.published.as_deref(), Some("2015-07-22"));
    assert_eq!(b.id, None);
    // An item with neither content nor summary.
    assert_eq!(skips.len(), 1, "{skips:?}");
    assert_eq!(skips[0].kind, SkipKind::NoText);
    assert!(skips[0].origin.ends_with("rss2.xml#2"), "{}", skips[0].origin);
}

#[test]
fn atom_entries_become_articles() {
    let (recs, skips) = read(vec![fixtures().join("atom.xml")]);
    assert!(skips.is_empty(), "{skips:?}");
    assert_eq!(recs.len(), 2);
    let a = &recs[0].input;
    assert_eq!(a.title.as_deref(), Some("الرئيس المصري يستقبل وفدا فلسطينيا"));
    assert_eq!(a.text, "استقبل الرئيس المصري عبد الفتاح السيسي في القاهرة وفدا فلسطينيا برئاسة محمود عباس.");
    assert_eq!(a.published.as_deref(), Some("2016-01-02"), "published, in its own time zone");
    assert_eq!(a.url.as_deref(), Some("https://paper.example/a/1"), "the alternate link, not the enclosure");
    assert_eq!(a.outlet.as_deref(), Some("صحيفة الاختبار"));
    assert_eq!(a.id.as_deref(), Some("tag:paper.example,2016:1"));
    // Summary only, no published: the updated date.
    let b = &recs[1].input;
    assert_eq!(b.text, "عقد وزير الداخلية الأردني مؤتمرا صحفيا في عمان.");
    assert_eq!(b.published.as_deref(), Some("2016-01-03"));
    assert_eq!(b.url.as_deref(), Some("https://paper.example/a/2"));
}

#[test]
fn malformed_and_non_feeds_are_skipped_with_a_reason_and_nothing_else_is_lost() {
    let d = TempDir::new("folder");
    for name in ["rss2.xml", "atom.xml", "malformed.rss", "sitemap.xml"] {
        std::fs::write(d.0.join(name), fixture(name)).unwrap();
    }
    // A feed under a name that says nothing: sniffed by its root element.
    std::fs::write(d.0.join("feed.txt"), fixture("atom.xml")).unwrap();
    std::fs::write(d.0.join("plain.txt"), "التقى الوزير بالرئيس.").unwrap();
    let (recs, skips) = read(vec![d.0.clone()]);
    assert_eq!(recs.len(), 2 + 2 + 2 + 1, "{:?}", recs.iter().map(|r| &r.origin).collect::<Vec<_>>());
    let bad = skips.iter().find(|s| s.origin.ends_with("malformed.rss")).expect("the malformed feed is reported");
    assert_eq!(bad.kind, SkipKind::BadFeed);
    assert!(bad.message.starts_with("malformed RSS/Atom feed"), "{}", bad.message);
    let not = skips.iter().find(|s| s.origin.ends_with("sitemap.xml")).expect("the sitemap is reported");
    assert_eq!(not.kind, SkipKind::NotFeed);
    assert_eq!(not.message, "XML whose root element is <urlset>, not an RSS or Atom feed");
    assert_eq!(skips.len(), 3, "the two above and rss2.xml's item without text: {skips:?}");
    assert!(recs.iter().any(|r| r.origin.ends_with("feed.txt#0")));
    assert!(recs.iter().any(|r| r.origin.ends_with("plain.txt") && r.input.text == "التقى الوزير بالرئيس."));
}

#[test]
fn feeds_inside_zip_and_gzip() {
    let d = TempDir::new("archives");
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for name in ["rss2.xml", "atom.xml", "malformed.rss"] {
        w.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(&fixture(name)).unwrap();
    }
    std::fs::write(d.0.join("feeds.zip"), w.finish().unwrap().into_inner()).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&fixture("atom.xml")).unwrap();
    std::fs::write(d.0.join("atom.xml.gz"), gz.finish().unwrap()).unwrap();
    let (recs, skips) = read(vec![d.0.clone()]);
    let origins: Vec<&str> = recs.iter().map(|r| r.origin.as_str()).collect();
    assert_eq!(recs.len(), 2 + 2 + 2, "{origins:?}");
    assert!(origins.iter().any(|o| o.ends_with("atom.xml.gz#1")), "{origins:?}");
    assert!(origins.iter().any(|o| o.ends_with("feeds.zip!rss2.xml#1")), "{origins:?}");
    assert!(skips.iter().any(|s| s.kind == SkipKind::BadFeed && s.origin.ends_with("feeds.zip!malformed.rss")));
}
