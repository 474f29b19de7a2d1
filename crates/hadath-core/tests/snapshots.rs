//! Whole-document snapshots of `Engine::extract` on the bundled example and the fixtures, reviewed with
//! `cargo insta review`. Every span in every document is also checked against the text.

use std::path::PathBuf;

use hadath_core::model::Document;
use hadath_core::{Engine, ExtractOptions, Input};

fn repo_file(rel: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every span is in range and the named texts are what the spans cover (code point offsets).
fn check_spans(doc: &Document, text: &str) {
    let chars: Vec<char> = text.chars().collect();
    let slice = |s: usize, e: usize| -> String {
        assert!(s <= e && e <= chars.len(), "span {s}..{e} out of range 0..{}", chars.len());
        chars[s..e].iter().collect()
    };
    for s in &doc.sentences {
        let t = slice(s.start, s.end);
        assert_eq!(t.trim(), t, "sentence spans are trimmed");
        assert!(!t.is_empty());
    }
    for p in &doc.paragraphs {
        assert!(!slice(p.start, p.end).trim().is_empty());
    }
    if let (Some(title), Some(span)) = (&doc.title, &doc.title_span) {
        assert_eq!(&slice(span.start, span.end), title);
    }
    if let Some(d) = &doc.dateline {
        let whole = slice(d.start, d.end);
        if let Some(a) = &d.agency {
            assert!(whole.contains(a.as_str()), "{whole:?} contains {a:?}");
        }
        if let (Some(p), Some(ps)) = (&d.place, &d.place_span) {
            assert_eq!(&slice(ps.start, ps.end), p);
        }
    }
    for t in &doc.times {
        assert_eq!(slice(t.start, t.end), t.text, "a time's text is its span");
        assert_eq!(t.text.trim(), t.text);
        if let Some(v) = &t.value {
            assert!(hadath_time::value::parse_iso(v).is_some(), "{v:?} is not ISO 8601");
        }
        assert!(["date", "range", "duration", "set", "vague"].contains(&t.kind.as_str()), "{}", t.kind);
        assert!(["absolute", "publication", "dateline"].contains(&t.anchor.as_str()), "{}", t.anchor);
    }
    for l in &doc.attribution.lines {
        let line = slice(l.start, l.end);
        assert!(line.contains(l.value.as_str()) || l.field == "agency", "{line:?} contains {:?}", l.value);
    }
}

fn extract(text: &str, published: &str) -> Document {
    let engine = Engine::new().unwrap();
    let input = Input { text: text.to_string(), published: Some(published.to_string()), ..Default::default() };
    let doc = engine.extract(&input, ExtractOptions::default());
    check_spans(&doc, text);
    doc
}

#[test]
fn seed_article() {
    let text = repo_file("../../examples/seed-article.txt");
    let doc = extract(&text, "2023-04-19");
    assert_eq!(doc.attribution.source.as_deref(), Some("المونيتور الأمريكي"));
    assert_eq!(doc.attribution.translator.as_deref(), Some("أوغاريت بوست"));
    assert!(doc.title.as_deref().unwrap().starts_with("يعقد وزير الخارجية الإسرائيلي إيلي كوهين"));
    insta::assert_json_snapshot!("seed-article", doc);
}

#[test]
fn fixtures() {
    for (name, published) in
        [("dateline-reuters", "2024-03-10"), ("dateline-kuna", "2023-10-12"), ("diacritics-digits", "2024-01-15")]
    {
        let text = repo_file(&format!("tests/fixtures/{name}.txt"));
        let doc = extract(&text, published);
        insta::assert_json_snapshot!(name, doc);
    }
}

#[test]
fn fixture_structure() {
    let doc = extract(&repo_file("tests/fixtures/dateline-reuters.txt"), "2024-03-10");
    let d = doc.dateline.expect("dateline");
    assert_eq!((d.place.as_deref(), d.agency_name.as_deref()), (Some("بغداد"), Some("Reuters")));
    assert_eq!(doc.paragraphs.len(), 2, "blank-line paragraphs: the title line and the first paragraph are one block");

    let doc = extract(&repo_file("tests/fixtures/dateline-kuna.txt"), "2023-10-12");
    let d = doc.dateline.expect("dateline");
    assert_eq!(
        (d.place.as_deref(), d.agency_name.as_deref(), d.day_month.as_deref()),
        (Some("طهران"), Some("KUNA"), Some("12-10"))
    );
    assert_eq!(doc.attribution.agency.as_deref(), Some("كونا"));

    let doc = extract(&repo_file("tests/fixtures/diacritics-digits.txt"), "2024-01-15");
    assert_eq!(doc.dateline.unwrap().agency_name.as_deref(), Some("AFP"));
    assert_eq!(doc.attribution.source.as_deref(), Some("الأهرام"));
    // "د." is an abbreviation, "٣٫٥" a decimal, "…" an ending only before "ثم"? No: "…" is followed by a
    // space, so it ends a sentence.
    assert_eq!(doc.sentences.len(), 4, "{:?}", doc.sentences);
}
