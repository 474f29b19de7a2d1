//! `hadath eval events --gold FILE`: scores hadath against hand-coded gold (the format of
//! `data/gold/README.md` in the evaluation material) — events as unique (source, target, root) triples per
//! article, entity recall and country accuracy, time values — exactly as the shared `score.py` does.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use hadath_core::decode::{decode, EncodingChoice};
use hadath_core::{Document, Engine, ExtractOptions, Input};
use serde_json::Value;

/// Arguments of `hadath eval events`.
#[derive(Debug, clap::Args)]
pub struct EvalEventsArgs {
    /// Gold file: one JSON object per article with "file", "published", "home", "entities", "times",
    /// "events".
    #[arg(long)]
    gold: PathBuf,
    /// Folder that the gold's "file" paths are relative to (default: the first ancestor folder of the
    /// gold file where the first article's file exists).
    #[arg(long)]
    base: Option<PathBuf>,
    /// Print each article's false positives, false negatives, missed entities and wrong times.
    #[arg(long)]
    verbose: bool,
}

type Triple = (Option<String>, Option<String>, String);

fn s(v: &Value) -> Option<String> {
    v.as_str().map(String::from)
}

/// The predicted (source, target, root) triples of a document; negated events are not acts.
fn predicted(doc: &Document) -> BTreeSet<Triple> {
    doc.events
        .iter()
        .filter(|e| e.modality != "negated")
        .map(|e| (e.source.country.clone(), e.target.country.clone(), e.root.clone()))
        .collect()
}

/// Scores one article's events: (tp, fp, fn, fp list, fn list).
fn score_events(gold: &[Value], triples: &BTreeSet<Triple>) -> (usize, usize, Vec<Triple>, Vec<String>) {
    let side = |g: &Value, k: &str| s(&g[k]);
    let roots = |g: &Value| -> Vec<String> {
        g["root"].as_array().map(|a| a.iter().filter_map(s).collect()).unwrap_or_default()
    };
    let required: Vec<&Value> = gold.iter().filter(|g| g["required"].as_bool().unwrap_or(true)).collect();
    let optional: Vec<&Value> = gold.iter().filter(|g| !g["required"].as_bool().unwrap_or(true)).collect();
    let hits = |g: &Value, t: &Triple| side(g, "source") == t.0 && side(g, "target") == t.1 && roots(g).contains(&t.2);
    let mut matched = vec![false; required.len()];
    let (mut tp, mut fps) = (0, Vec::new());
    // score.py sorts with None as "".
    let mut sorted: Vec<&Triple> = triples.iter().collect();
    sorted.sort_by_key(|t| (t.0.clone().unwrap_or_default(), t.1.clone().unwrap_or_default(), t.2.clone()));
    for t in sorted {
        if let Some(i) = (0..required.len()).find(|&i| !matched[i] && hits(required[i], t)) {
            matched[i] = true;
            tp += 1;
        } else if !optional.iter().any(|g| hits(g, t)) {
            fps.push(t.clone());
        }
    }
    let fns: Vec<String> = required
        .iter()
        .zip(&matched)
        .filter(|(_, m)| !**m)
        .map(|(g, _)| format!("({:?}, {:?}, {})", side(g, "source"), side(g, "target"), roots(g).join("/")))
        .collect();
    (tp, fps.len(), fps, fns)
}

const CLITICS: &[char] = &['و', 'ف', 'ب', 'ل', 'ك'];

fn strip_clitic(w: &str) -> &str {
    match w.chars().next() {
        Some(c) if w.chars().count() > 3 && CLITICS.contains(&c) => &w[c.len_utf8()..],
        _ => w,
    }
}

fn same_word(x: &str, y: &str) -> bool {
    x == y || strip_clitic(x) == y || x == strip_clitic(y) || strip_clitic(x) == strip_clitic(y)
}

/// The same mention, as score.py's same_name: clitics allowed, and a shorter name whose words appear in
/// order in the longer one and make up at least half of it.
fn same_name(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (wa, wb): (Vec<&str>, Vec<&str>) = (a.split_whitespace().collect(), b.split_whitespace().collect());
    if wa.is_empty() || wb.is_empty() {
        return false;
    }
    let (short, long) = if wa.len() <= wb.len() { (wa, wb) } else { (wb, wa) };
    if 2 * short.len() < long.len() {
        return false;
    }
    (0..=long.len() - short.len()).any(|i| short.iter().zip(&long[i..]).all(|(x, y)| same_word(x, y)))
}

fn resolve_base(gold: &Path, first_file: &str) -> Option<PathBuf> {
    let mut dir = gold.parent().map(Path::to_path_buf);
    while let Some(d) = dir {
        if d.join(first_file).is_file() {
            return Some(d);
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    None
}

/// Runs `hadath eval events`.
pub fn run(a: EvalEventsArgs) -> Result<i32> {
    let text = std::fs::read_to_string(&a.gold).with_context(|| format!("{}: cannot read", a.gold.display()))?;
    let golds: Vec<Value> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).with_context(|| format!("{}:{}: not JSON", a.gold.display(), i + 1)))
        .collect::<Result<_>>()?;
    let Some(first) = golds.first() else { bail!("{}: no articles", a.gold.display()) };
    let base = match &a.base {
        Some(b) => b.clone(),
        None => resolve_base(&a.gold, first["file"].as_str().unwrap_or_default())
            .with_context(|| format!("{}: cannot find the articles' files; give --base", a.gold.display()))?,
    };
    let engine = Engine::new()?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    let (mut tp, mut fp, mut fnn) = (0, 0, 0);
    let (mut ent_gold, mut ent_found, mut ent_country) = (0, 0, 0);
    let (mut time_gold, mut time_ok) = (0, 0);
    for g in &golds {
        let file = g["file"].as_str().context("an article has no \"file\"")?;
        let path = base.join(file);
        let bytes = std::fs::read(&path).with_context(|| format!("{}: cannot read", path.display()))?;
        let decoded = decode(&bytes, EncodingChoice::Auto, false).with_context(|| path.display().to_string())?;
        let input =
            Input { text: decoded.text, published: s(&g["published"]), home: s(&g["home"]), ..Default::default() };
        let doc = engine.extract(&input, ExtractOptions::default());
        let empty = Vec::new();
        let events = g["events"].as_array().unwrap_or(&empty);
        let (t, f, fps, fns) = score_events(events, &predicted(&doc));
        tp += t;
        fp += f;
        fnn += fns.len();
        let name = g["doc"].as_str().unwrap_or(file);
        if a.verbose {
            writeln!(out, "== {name}: events tp={t} fp={f} fn={}", fns.len())?;
            for x in &fps {
                writeln!(out, "   FP ({:?}, {:?}, {})", x.0, x.1, x.2)?;
            }
            for x in &fns {
                writeln!(out, "   FN {x}")?;
            }
        }
        for e in g["entities"].as_array().unwrap_or(&empty) {
            ent_gold += 1;
            let (gt, gk) = (e["text"].as_str().unwrap_or_default(), e["type"].as_str().unwrap_or_default());
            let cands: Vec<_> = doc.entities.iter().filter(|p| p.kind == gk && same_name(&p.text, gt)).collect();
            if cands.is_empty() {
                if a.verbose {
                    writeln!(out, "   missing entity {gk} {gt}")?;
                }
                continue;
            }
            ent_found += 1;
            if cands.iter().any(|p| p.country == s(&e["country"])) {
                ent_country += 1;
            }
        }
        for t in g["times"].as_array().unwrap_or(&empty) {
            time_gold += 1;
            let (gt, gv) = (t["text"].as_str().unwrap_or_default(), s(&t["value"]));
            let ok = doc.times.iter().any(|p| (p.text.contains(gt) || gt.contains(p.text.as_str())) && p.value == gv);
            if ok {
                time_ok += 1;
            } else if a.verbose {
                writeln!(out, "   time {gt} -> want {gv:?}")?;
            }
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let (p, r) = (ratio(tp, tp + fp), ratio(tp, tp + fnn));
    let f1 = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
    writeln!(
        out,
        "events P={p:.3} R={r:.3} F1={f1:.3} (tp={tp} fp={fp} fn={fnn}) entities R={:.3} country={:.3} times={:.3} broken=0",
        ratio(ent_found, ent_gold),
        ratio(ent_country, ent_found),
        ratio(time_ok, time_gold)
    )?;
    Ok(0)
}
