//! The table of `tests/fixtures/expressions.tsv`: time expressions in real-looking news sentences from
//! every region and calendar, each with the value and kind it must get. Reports two accuracies:
//! - exact: an expression with exactly the expected text, value and kind;
//! - value: an expression overlapping the expected text (one contains the other) with the expected value.

use hadath_time::date::Date;
use hadath_time::{Options, TimeTagger};

struct Row {
    line: usize,
    published: Date,
    sentence: String,
    expr: String,
    value: Option<String>,
    kind: String,
}

fn rows() -> Vec<Row> {
    let text = include_str!("fixtures/expressions.tsv");
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let c: Vec<&str> = line.split('\t').collect();
        assert_eq!(c.len(), 5, "line {}: {line:?}", i + 1);
        out.push(Row {
            line: i + 1,
            published: Date::parse(c[0]).unwrap_or_else(|| panic!("line {}: bad date", i + 1)),
            sentence: c[1].to_string(),
            expr: c[2].to_string(),
            value: (c[3] != "null").then(|| c[3].to_string()),
            kind: c[4].to_string(),
        });
    }
    out
}

#[test]
fn expression_table() {
    let tagger = TimeTagger::new().unwrap();
    let rows = rows();
    assert!(rows.len() >= 150, "the table has {} rows", rows.len());
    let (mut exact, mut by_value) = (0, 0);
    let mut misses = Vec::new();
    for r in &rows {
        let opts = Options { published: Some(r.published), ..Options::default() };
        let found = tagger.find(&r.sentence, &opts);
        let got: Vec<(&str, Option<String>, &str)> =
            found.iter().map(|t| (&r.sentence[t.span.clone()], t.value.map(|v| v.iso()), t.kind.as_str())).collect();
        let is_exact = got.iter().any(|(t, v, k)| *t == r.expr && *v == r.value && *k == r.kind);
        let is_value =
            got.iter().any(|(t, v, _)| (t.contains(r.expr.as_str()) || r.expr.contains(*t)) && *v == r.value);
        exact += usize::from(is_exact);
        by_value += usize::from(is_value);
        if !is_exact {
            misses.push(format!(
                "line {} ({}): {:?} want {:?}={:?} {}, got {got:?}",
                r.line, r.published, r.sentence, r.expr, r.value, r.kind
            ));
        }
    }
    let n = rows.len() as f64;
    println!(
        "expression table: {} rows, exact (text+value+kind) {:.3}, value {:.3}",
        rows.len(),
        exact as f64 / n,
        by_value as f64 / n
    );
    for m in &misses {
        println!("  miss: {m}");
    }
    assert!(exact as f64 / n >= 0.95, "exact accuracy {:.3} below 0.95:\n{}", exact as f64 / n, misses.join("\n"));
    assert!(by_value as f64 / n >= 0.97, "value accuracy {:.3} below 0.97", by_value as f64 / n);
}
