//! Runs the example of every row of `data/time/*.tsv` (published 2023-04-19): each example sentence
//! must give the value (and kind) its row says, or nothing where it says ∅. Every class of every file
//! must carry at least one example.

use std::collections::BTreeSet;

use hadath_time::date::Date;
use hadath_time::lexicon::{Expect, EXAMPLE_PUBLISHED};
use hadath_time::{Options, TimeTagger};

#[test]
fn every_data_example_holds() {
    let tagger = TimeTagger::new().unwrap();
    let opts = Options { published: Date::parse(EXAMPLE_PUBLISHED), ..Options::default() };
    let mut failures = Vec::new();
    let examples = &tagger.lexicon().examples;
    for ex in examples {
        let found = tagger.find(&ex.sentence, &opts);
        let show = || {
            found
                .iter()
                .map(|t| {
                    format!(
                        "{:?}={} {}",
                        &ex.sentence[t.span.clone()],
                        t.value.map_or("null".to_string(), |v| v.iso()),
                        t.kind.as_str()
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let ok = match &ex.expect {
            Expect::Nothing => found.is_empty(),
            Expect::Value(v, kind) => found.iter().any(|t| {
                t.value.map(|x| x.iso()).as_deref() == Some(v.as_str())
                    && kind.as_deref().is_none_or(|k| k == t.kind.as_str())
            }),
            Expect::Null(kind) => {
                found.iter().any(|t| t.value.is_none() && kind.as_deref().is_none_or(|k| k == t.kind.as_str()))
            }
        };
        if !ok {
            failures.push(format!(
                "{}:{} {:?} expected {:?}, found [{}]",
                ex.file,
                ex.line,
                ex.sentence,
                ex.expect,
                show()
            ));
        }
    }
    println!("{} of {} data examples hold", examples.len() - failures.len(), examples.len());
    assert!(failures.is_empty(), "{} failing data examples:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_class_has_an_example() {
    let tagger = TimeTagger::new().unwrap();
    let with_examples: BTreeSet<(&str, &str)> =
        tagger.lexicon().examples.iter().map(|e| (e.file, e.class.as_str())).collect();
    for (file, text) in hadath_time::lexicon::FILES {
        for (i, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let class = match *file {
                "data/time/months.tsv" => cols[1].to_string(),
                "data/time/weekdays.tsv" => "weekday".to_string(),
                "data/time/holidays.tsv" => "holiday".to_string(),
                "data/time/units.tsv" => format!("unit {}", cols[1]),
                _ => cols[1].to_string(),
            };
            assert!(
                with_examples.contains(&(*file, class.as_str())),
                "{file}:{}: class {class:?} has no example anywhere in the file",
                i + 1
            );
            // Rows of months, weekdays and holidays each carry their own example.
            if matches!(*file, "data/time/months.tsv" | "data/time/weekdays.tsv" | "data/time/holidays.tsv") {
                assert!(cols.last().is_some_and(|c| c.contains('⇒')), "{file}:{}: row without an example", i + 1);
            }
        }
    }
}
