//! Every event pattern carries an example sentence (data/events/patterns.tsv); the whole engine must code
//! it with that rule and the expected source and target countries.

use hadath_core::{Engine, ExtractOptions, Input};

#[test]
fn every_pattern_codes_its_example() {
    let engine = Engine::new().expect("engine");
    let patterns = hadath_events::Patterns::embedded().expect("patterns");
    let mut failures = Vec::new();
    for r in patterns.rules() {
        let input = Input { text: r.example.clone(), published: Some("2023-04-19".into()), ..Default::default() };
        let doc = engine.extract(&input, ExtractOptions::default());
        let ok = doc.events.iter().any(|e| {
            e.rule == r.id
                && e.source.country.as_deref() == r.expect.0.as_deref()
                && e.target.country.as_deref() == r.expect.1.as_deref()
        });
        if !ok {
            let got: Vec<String> = doc
                .events
                .iter()
                .map(|e| format!("{} {:?}->{:?} {}", e.rule, e.source.country, e.target.country, e.code))
                .collect();
            failures.push(format!(
                "data/events/patterns.tsv:{} {}: want {:?} -> {:?} in {:?}, got {:?}",
                r.line, r.id, r.expect.0, r.expect.1, r.example, got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "help: {} of {} examples fail:\n{}",
        failures.len(),
        patterns.rules().len(),
        failures.join("\n")
    );
}
