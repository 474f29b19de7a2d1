//! Measurements against the shared evaluation material in `../shared` (next to the repository), through the
//! same scorers we report figures with. Skipped, with a message, when `../shared` or python3 is absent.

use std::path::PathBuf;
use std::process::Command;

fn shared() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    let ok = p.join("tools").is_dir() && Command::new("python3").arg("--version").output().is_ok();
    if !ok {
        eprintln!("skipped: ../shared (evaluation data and scorers) or python3 not found next to the repository");
    }
    ok.then_some(p)
}

/// The scorer's last line, as `key=value` pairs.
fn score(args: &[&str]) -> Vec<(String, String)> {
    let out = Command::new("python3").args(args).output().expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "scorer failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let last = stdout.lines().last().unwrap_or("").to_string();
    eprintln!("{last}");
    last.split_whitespace().filter_map(|kv| kv.split_once('=').map(|(k, v)| (k.to_string(), v.to_string()))).collect()
}

fn get(kvs: &[(String, String)], key: &str) -> f64 {
    kvs.iter().find(|(k, _)| k == key).and_then(|(_, v)| v.parse().ok()).unwrap_or_else(|| panic!("{key} in {kvs:?}"))
}

#[test]
fn segmentation_meets_the_ud_targets() {
    let Some(shared) = shared() else { return };
    let kv = score(&[
        shared.join("tools/score_seg.py").to_str().unwrap(),
        "--hadath",
        env!("CARGO_BIN_EXE_hadath"),
        "--conllu",
        shared.join("data/ud/ar_pud-dev.conllu").to_str().unwrap(),
    ]);
    assert!(get(&kv, "accuracy") >= 0.97, "word accuracy {kv:?}");
    assert!(get(&kv, "clitic-accuracy") >= 0.90, "clitic-word accuracy {kv:?}");
}

#[test]
fn gold_articles_run_with_consistent_spans() {
    let Some(shared) = shared() else { return };
    for gold in ["dev.jsonl", "dev-news.jsonl"] {
        let kv = score(&[
            shared.join("tools/score.py").to_str().unwrap(),
            "--gold",
            shared.join("data/gold").join(gold).to_str().unwrap(),
            "--hadath",
            env!("CARGO_BIN_EXE_hadath"),
        ]);
        assert_eq!(get(&kv, "broken"), 0.0, "{gold}: every document parses and every span matches the text");
    }
}

#[test]
fn eval_events_agrees_with_score_py() {
    let Some(shared) = shared() else { return };
    for gold in ["dev.jsonl", "dev-news.jsonl"] {
        let path = shared.join("data/gold").join(gold);
        let py = std::process::Command::new("python3")
            .args([shared.join("tools/score.py").to_str().unwrap(), "--gold", path.to_str().unwrap(), "--hadath"])
            .arg(env!("CARGO_BIN_EXE_hadath"))
            .output()
            .expect("python3");
        let ours = std::process::Command::new(env!("CARGO_BIN_EXE_hadath"))
            .args(["eval", "events", "--gold", path.to_str().unwrap()])
            .output()
            .expect("hadath");
        let last = |o: &[u8]| String::from_utf8_lossy(o).lines().last().unwrap_or_default().to_string();
        assert_eq!(last(&ours.stdout), last(&py.stdout), "help: {gold}: hadath eval events and score.py disagree");
    }
}
