use std::io::Write;

use super::*;

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("hadath-corpus-{tag}-{}", std::process::id()));
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

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in members {
        w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn read(paths: Vec<PathBuf>, opts: ReadOptions) -> (Vec<Record>, Vec<Skip>) {
    let mut recs = Vec::new();
    let mut skips = Vec::new();
    for item in Corpus::new(paths, opts) {
        match item {
            Item::Record(r) => recs.push(r),
            Item::Skipped(s) => skips.push(s),
        }
    }
    (recs, skips)
}

const SNN: &str = r#"[{"source": "aawsat", "url": "http://aawsat.com/1", "date_extracted": "2015-07-21 02:51:32", "title": "عنوان", "author": "لندن", "content": "التقى الوزير بالرئيس."},
{"source": "okaz", "url": "http://okaz.com/2", "date_extracted": "2015-07-22 10:00:00", "title": "بلا نص", "author": "", "content": ""}]"#;

#[test]
fn saudinewsnet_zip_records() {
    let d = TempDir::new("snn");
    std::fs::write(d.0.join("2015-07-21.zip"), zip_of(&[("2015-07-21.json", SNN.as_bytes())])).unwrap();
    let mut c = Corpus::new(vec![d.0.clone()], ReadOptions::default());
    assert_eq!(c.progress().done, 0);
    assert!(c.progress().total > 0);
    c.by_ref().for_each(drop);
    assert_eq!(c.progress().done, c.progress().total);
    let (recs, skips) = read(vec![d.0.clone()], ReadOptions::default());
    assert_eq!(recs.len(), 1);
    let i = &recs[0].input;
    assert_eq!(i.outlet.as_deref(), Some("aawsat"));
    assert_eq!(i.published.as_deref(), Some("2015-07-21"));
    assert_eq!(i.title.as_deref(), Some("عنوان"));
    assert_eq!(i.url.as_deref(), Some("http://aawsat.com/1"));
    assert!(recs[0].origin.ends_with("2015-07-21.zip!2015-07-21.json#0"), "{}", recs[0].origin);
    assert_eq!(skips.len(), 1);
    assert_eq!(skips[0].kind, SkipKind::NoText);
    assert!(skips[0].message.contains("--field text="), "{}", skips[0].message);
}

#[test]
fn field_mapping() {
    let d = TempDir::new("fields");
    std::fs::write(d.0.join("a.jsonl"), "{\"body_ar\": \"نص الخبر\", \"when\": \"2016-01-02\"}\n").unwrap();
    let mut opts = ReadOptions::default();
    opts.fields.set("text=body_ar").unwrap();
    opts.fields.set("published=when").unwrap();
    assert!(opts.fields.set("colour=x").unwrap_err().contains("unknown field"));
    assert!(opts.fields.set("text").is_err());
    let (recs, skips) = read(vec![d.0.join("a.jsonl")], opts);
    assert!(skips.is_empty(), "{skips:?}");
    assert_eq!(recs[0].input.text, "نص الخبر");
    assert_eq!(recs[0].input.published.as_deref(), Some("2016-01-02"));
    assert_eq!(recs[0].origin, format!("{}:1", d.0.join("a.jsonl").display()));
}

#[test]
fn text_html_gz_and_legacy_encoding() {
    let d = TempDir::new("mixed");
    std::fs::create_dir_all(d.0.join("sub/deeper")).unwrap();
    std::fs::write(d.0.join("sub/deeper/a.txt"), "خبر أول\nالتقى الوزير بالرئيس.").unwrap();
    std::fs::write(
        d.0.join("sub/b.html"),
        r#"<html><head><title>t</title><meta property="og:site_name" content="الرياض"><meta property="article:published_time" content="2015-08-01T10:00:00Z"></head><body><p>نص الصفحة</p></body></html>"#,
    )
    .unwrap();
    std::fs::write(d.0.join("c.jsonl.gz"), gz("{\"text\": \"نص مضغوط\"}\n{\"text\": \"آخر\"}\n".as_bytes())).unwrap();
    std::fs::write(d.0.join("d.json.gz"), gz(SNN.as_bytes())).unwrap();
    // windows-1256: "مرحبا بالعالم" and more Arabic.
    let (cp, _, _) = encoding_rs_like_1256("مرحبا بالعالم العربي في الرياض");
    std::fs::write(d.0.join("e.txt"), cp).unwrap();
    let (recs, skips) = read(vec![d.0.clone()], ReadOptions::default());
    let texts: Vec<&str> = recs.iter().map(|r| r.input.text.as_str()).collect();
    assert!(texts.contains(&"نص مضغوط") && texts.contains(&"آخر"), "{texts:?}");
    assert!(texts.contains(&"مرحبا بالعالم العربي في الرياض"), "{texts:?}");
    let html = recs.iter().find(|r| r.origin.ends_with("b.html")).unwrap();
    assert_eq!(html.input.outlet.as_deref(), Some("الرياض"));
    assert_eq!(html.input.published.as_deref(), Some("2015-08-01"));
    assert!(html.input.text.contains("نص الصفحة"));
    let legacy = recs.iter().find(|r| r.origin.ends_with("e.txt")).unwrap();
    assert!(legacy.input.warnings.iter().any(|w| w.contains("windows-1256")));
    assert_eq!(recs.len(), 6, "{:?}", recs.iter().map(|r| &r.origin).collect::<Vec<_>>());
    assert_eq!(skips.len(), 1); // the SaudiNewsNet record without content
}

/// windows-1256 bytes of an Arabic string (the letters used in the test only).
fn encoding_rs_like_1256(s: &str) -> (Vec<u8>, (), ()) {
    let table = [
        ('ا', 0xC7),
        ('ب', 0xC8),
        ('ح', 0xCD),
        ('ر', 0xD1),
        ('ع', 0xDA),
        ('ف', 0xDD),
        ('ل', 0xE1),
        ('م', 0xE3),
        ('ي', 0xED),
        ('ض', 0xD6),
        (' ', 0x20),
    ];
    let bytes = s.chars().map(|c| table.iter().find(|(t, _)| *t == c).map(|(_, b)| *b).unwrap()).collect();
    (bytes, (), ())
}

#[test]
fn bad_inputs_are_skipped_with_reasons() {
    let d = TempDir::new("bad");
    let good = "{\"text\": \"نص سليم\"}\n";
    std::fs::write(d.0.join("good.jsonl"), good).unwrap();
    std::fs::write(d.0.join("corrupt.zip"), b"PK\x03\x04 this is not really a zip archive").unwrap();
    let lines: String = (0..5000).map(|i| format!("{{\"text\": \"نص رقم {}\"}}\n", i * 7919 % 10007)).collect();
    let full = gz(lines.as_bytes());
    std::fs::write(d.0.join("truncated.jsonl.gz"), &full[..full.len() / 2]).unwrap();
    std::fs::write(d.0.join("truncated.json.gz"), &gz(SNN.as_bytes())[..40]).unwrap();
    std::fs::write(d.0.join("junk.bin"), (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect::<Vec<u8>>()).unwrap();
    std::fs::write(d.0.join("empty.txt"), b"").unwrap();
    std::fs::write(d.0.join("notext.json"), r#"[{"title": "بلا نص"}]"#).unwrap();
    std::fs::write(d.0.join("notjson.jsonl"), "{\"text\": \"نص\"}\n{oops\n").unwrap();
    // A single line larger than the limit (a 100 MB line at the default limit; 64 KiB here).
    let mut long = String::from("{\"text\": \"");
    long.push_str(&"ب".repeat(40_000));
    long.push_str("\"}\n{\"text\": \"بعد السطر الطويل\"}\n");
    std::fs::write(d.0.join("longline.jsonl"), &long).unwrap();
    std::fs::write(d.0.join("big.txt"), "ب".repeat(40_000)).unwrap();
    let opts = ReadOptions { max_bytes: 64 * 1024, ..Default::default() };
    let (recs, skips) = read(vec![d.0.clone(), d.0.join("missing.txt")], opts);
    let by =
        |name: &str| skips.iter().find(|s| s.origin.contains(name)).unwrap_or_else(|| panic!("{name}: {skips:#?}"));
    assert_eq!(by("corrupt.zip").kind, SkipKind::Archive);
    assert_eq!(by("truncated.jsonl.gz").kind, SkipKind::Archive);
    assert!(by("truncated.jsonl.gz").message.contains("truncated"));
    assert_eq!(by("truncated.json.gz").kind, SkipKind::Archive);
    assert_eq!(by("junk.bin").kind, SkipKind::Binary);
    assert_eq!(by("empty.txt").kind, SkipKind::Empty);
    assert_eq!(by("notext.json").kind, SkipKind::NoText);
    assert_eq!(by("notjson.jsonl:2").kind, SkipKind::BadRecord);
    assert_eq!(by("longline.jsonl:1").kind, SkipKind::TooLarge);
    assert_eq!(by("big.txt").kind, SkipKind::TooLarge);
    assert_eq!(by("missing.txt").kind, SkipKind::Unreadable);
    // What could be read was: good.jsonl, notjson.jsonl:1, the line after the long one, and the lines of
    // the truncated gzip before the damage.
    let texts: Vec<&str> = recs.iter().map(|r| r.input.text.as_str()).collect();
    assert!(texts.contains(&"بعد السطر الطويل"), "{texts:?}");
    assert!(texts.contains(&"نص سليم") && texts.contains(&"نص"), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("نص رقم")), "lines before the damage are read");
}
