//! `hadath bench`: throughput of the text pipeline over a corpus, beside the I/O floor.
//!
//! The corpus is loaded into memory first (not timed). Then, on one thread, each pass runs over every
//! article: the floor (UTF-8 validation of the same bytes, what any reader must do), and the pipeline
//! stages cumulatively, each function on its own (decode; + match form; + sentences; + tokens), then as the
//! engine runs them: decode + the fused scanner (match form, sentences and tokens in one pass); + clitic
//! segmentation (the full pipeline). Word counts are checked inside the timed loop so no pass can skip work.
//! A last pass runs the full pipeline on all cores. `--stage` runs one pass alone (for instruction counts).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use hadath_core::decode::{decode, EncodingChoice};
use hadath_core::{Engine, ExtractOptions, Input};
use hadath_text::clitics::SegCache;
use hadath_text::normalize::MatchForm;
use hadath_text::scan::scan;
use hadath_text::sentences::sentences;
use hadath_text::tokens::{tokenize, TokenKind};

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Corpus: SaudiNewsNet .zip files (JSON arrays with "title" and "content"), .json/.jsonl files, .txt
    /// files, or folders of them. Default: ../shared/data/news/saudinewsnet when it exists.
    paths: Vec<PathBuf>,
    /// Use at most this many articles.
    #[arg(long)]
    limit: Option<usize>,
    /// Run each pass this many times and report the fastest.
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// Run only this pass (cumulative, on one thread) and skip the others: for instruction counts under
    /// `valgrind --tool=callgrind --toggle-collect='*bench*pass*'`, which then counts that pass alone.
    #[arg(long, value_enum)]
    stage: Option<Stage>,
    /// Words the per-thread segmentation memo holds (rounded up to a power of two); the default is
    /// `SegCache::default()`'s, what `hadath segment` uses.
    #[arg(long)]
    seg_cache: Option<usize>,
}

fn seg_cache(slots: Option<usize>) -> SegCache {
    slots.map_or_else(SegCache::default, SegCache::new)
}

fn collect_files(p: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
            .with_context(|| p.display().to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            collect_files(&e, out)?;
        }
    } else if p.exists() {
        out.push(p.to_path_buf());
    } else {
        bail!("{}: no such file or folder", p.display());
    }
    Ok(())
}

fn articles_from_json(text: &str, out: &mut Vec<Vec<u8>>) {
    let push = |v: &serde_json::Value, out: &mut Vec<Vec<u8>>| {
        let body = v.get("content").or_else(|| v.get("text")).and_then(|c| c.as_str()).unwrap_or("");
        if body.trim().is_empty() {
            return;
        }
        let title = v.get("title").and_then(|t| t.as_str()).unwrap_or("");
        out.push(format!("{title}\n{body}").into_bytes());
    };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Array(items)) => items.iter().for_each(|v| push(v, out)),
        Ok(v) => push(&v, out),
        Err(_) => {
            for line in text.lines() {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                    push(&v, out);
                }
            }
        }
    }
}

fn load(paths: &[PathBuf]) -> Result<Vec<Vec<u8>>> {
    let mut files = Vec::new();
    for p in paths {
        collect_files(p, &mut files)?;
    }
    let mut out = Vec::new();
    for f in files {
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "zip" => {
                let file = std::fs::File::open(&f).with_context(|| f.display().to_string())?;
                let mut zip = zip::ZipArchive::new(file).with_context(|| f.display().to_string())?;
                for i in 0..zip.len() {
                    let mut entry = zip.by_index(i)?;
                    let mut s = String::new();
                    std::io::Read::read_to_string(&mut entry, &mut s)
                        .with_context(|| format!("{}: {}", f.display(), entry.name()))?;
                    articles_from_json(&s, &mut out);
                }
            }
            "json" | "jsonl" | "ndjson" => {
                articles_from_json(&std::fs::read_to_string(&f).with_context(|| f.display().to_string())?, &mut out)
            }
            _ => out.push(std::fs::read(&f).with_context(|| f.display().to_string())?),
        }
    }
    Ok(out)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
enum Stage {
    /// UTF-8 validation of the bytes.
    Floor,
    /// Decoding.
    Decode,
    /// + match form.
    Normalise,
    /// + sentences.
    Sentences,
    /// + tokens.
    Tokens,
    /// Decoding + the fused scanner (match form, sentences and tokens in one pass).
    Scan,
    /// + clitic segmentation: the full pipeline, as the engine runs it.
    Segment,
}

impl Stage {
    fn label(self) -> &'static str {
        match self {
            Stage::Floor => "floor: UTF-8 read of the same bytes",
            Stage::Decode => "decode",
            Stage::Normalise => "+ match form (normalise + offset map)",
            Stage::Sentences => "+ sentences",
            Stage::Tokens => "+ tokens",
            Stage::Scan => "decode + fused scan (form, sentences, tokens)",
            Stage::Segment => "+ clitic segmentation (full pipeline)",
        }
    }
}

/// Runs `stage` (cumulatively) over one article; returns (words, a checksum that depends on all work done).
fn run_one(engine: &Engine, bytes: &[u8], stage: Stage, scratch: &mut Vec<usize>, cache: &mut SegCache) -> (u64, u64) {
    if stage == Stage::Floor {
        return match std::str::from_utf8(bytes) {
            Ok(s) => (0, s.len() as u64),
            Err(_) => (0, 0),
        };
    }
    let Ok(d) = decode(bytes, EncodingChoice::Auto, true) else { return (0, 0) };
    let text = d.text.as_str();
    let mut check = text.len() as u64;
    if stage == Stage::Decode {
        return (0, check);
    }
    if matches!(stage, Stage::Scan | Stage::Segment) {
        // The match form, sentences and tokens in one pass, then segmentation: what the engine runs.
        let s = scan(text);
        check += s.match_form.text().len() as u64;
        for r in &s.sentences {
            check += r.end as u64;
        }
        let mut words = 0u64;
        for t in &s.tokens {
            if matches!(t.kind, TokenKind::Arabic | TokenKind::Latin | TokenKind::Number) {
                words += 1;
            }
            if stage == Stage::Segment && t.kind == TokenKind::Arabic {
                engine.lexicon().segmenter.split_points_cached_at(text, t.span.clone(), cache, scratch);
                check += scratch.len() as u64;
            }
        }
        return (words, check);
    }
    let mf = MatchForm::new(text);
    check += mf.text().len() as u64;
    if stage == Stage::Normalise {
        return (0, check);
    }
    for s in sentences(text) {
        check += s.end as u64;
    }
    if stage == Stage::Sentences {
        return (0, check);
    }
    let mut words = 0u64;
    for t in tokenize(text) {
        if matches!(t.kind, TokenKind::Arabic | TokenKind::Latin | TokenKind::Number) {
            words += 1;
        }
    }
    (words, check)
}

struct Measured {
    secs: f64,
    words: u64,
}

/// Runs `stage` over the corpus `repeat` times; `cache` (the segmentation memo) is set up by the caller, like
/// the corpus, outside the measured work.
#[inline(never)]
fn pass(engine: &Engine, corpus: &[Vec<u8>], stage: Stage, repeat: usize, cache: &mut SegCache) -> Measured {
    let mut best = Duration::MAX;
    let mut words_seen = None;
    let mut scratch = Vec::with_capacity(8);
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        let mut words = 0u64;
        let mut check = 0u64;
        for a in corpus {
            let (w, c) = run_one(engine, a, stage, &mut scratch, cache);
            words += w;
            check = check.wrapping_add(c);
        }
        let el = t.elapsed();
        std::hint::black_box(check);
        // The same work every repeat: the count is part of the measurement.
        assert!(words_seen.is_none_or(|w| w == words), "word count changed between repeats");
        words_seen = Some(words);
        best = best.min(el);
    }
    Measured { secs: best.as_secs_f64(), words: words_seen.unwrap_or(0) }
}

pub fn run(a: BenchArgs) -> Result<()> {
    let paths = if a.paths.is_empty() {
        let default = PathBuf::from("../shared/data/news/saudinewsnet");
        if !default.exists() {
            bail!(
                "no corpus given and {} does not exist: pass .zip/.json/.jsonl/.txt files or folders",
                default.display()
            );
        }
        vec![default]
    } else {
        a.paths.clone()
    };
    let engine = Engine::new()?;
    let t = Instant::now();
    let mut corpus = load(&paths)?;
    if let Some(n) = a.limit {
        corpus.truncate(n);
    }
    if corpus.is_empty() {
        bail!("the corpus is empty");
    }
    let bytes: u64 = corpus.iter().map(|a| a.len() as u64).sum();
    println!(
        "corpus: {} articles, {:.1} MB, loaded in {:.1}s; best of {} runs, one thread unless noted",
        corpus.len(),
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64(),
        a.repeat
    );
    if let Some(stage) = a.stage {
        let m = pass(&engine, &corpus, stage, a.repeat, &mut seg_cache(a.seg_cache));
        println!(
            "{}: {:.0} articles/s, {:.1} MB/s, {:.2} M words/s; words: {}",
            stage.label(),
            corpus.len() as f64 / m.secs,
            bytes as f64 / 1e6 / m.secs,
            m.words as f64 / 1e6 / m.secs,
            m.words
        );
        return Ok(());
    }
    let full_words = pass(&engine, &corpus, Stage::Tokens, 1, &mut seg_cache(None)).words;
    println!("{:<46} {:>12} {:>10} {:>12}", "pass", "articles/s", "MB/s", "words/s");
    let mut floor_mbs = 0.0;
    for stage in
        [Stage::Floor, Stage::Decode, Stage::Normalise, Stage::Sentences, Stage::Tokens, Stage::Scan, Stage::Segment]
    {
        let m = pass(&engine, &corpus, stage, a.repeat, &mut seg_cache(a.seg_cache));
        let mbs = bytes as f64 / 1e6 / m.secs;
        if stage == Stage::Floor {
            floor_mbs = mbs;
        }
        if matches!(stage, Stage::Tokens | Stage::Scan | Stage::Segment) {
            assert_eq!(m.words, full_words);
        }
        println!(
            "{:<46} {:>12.0} {:>10.1} {:>12}",
            stage.label(),
            corpus.len() as f64 / m.secs,
            mbs,
            format!("{:.2} M", full_words as f64 / 1e6 / m.secs)
        );
        if stage == Stage::Segment {
            println!("full pipeline / floor: {:.1}x slower than a plain UTF-8 read", floor_mbs / mbs);
        }
    }
    // All cores: one share of the corpus and one segmentation memo (set up before the clock starts) per
    // thread.
    let threads = rayon::current_num_threads();
    let share = corpus.len().div_ceil(threads).max(1);
    let mut caches: Vec<SegCache> = (0..corpus.len().div_ceil(share)).map(|_| seg_cache(a.seg_cache)).collect();
    let mut best = Duration::MAX;
    for _ in 0..a.repeat.max(1) {
        let t = Instant::now();
        let words: u64 = corpus
            .par_chunks(share)
            .zip(caches.par_iter_mut())
            .map(|(arts, cache)| {
                let mut scratch = Vec::with_capacity(8);
                arts.iter().map(|art| run_one(&engine, art, Stage::Segment, &mut scratch, cache).0).sum::<u64>()
            })
            .sum();
        assert_eq!(words, full_words);
        best = best.min(t.elapsed());
    }
    let secs = best.as_secs_f64();
    println!(
        "{:<46} {:>12.0} {:>10.1} {:>12}",
        format!("full pipeline, {threads} threads"),
        corpus.len() as f64 / secs,
        bytes as f64 / 1e6 / secs,
        format!("{:.2} M", full_words as f64 / 1e6 / secs)
    );
    println!("words: {full_words} (Arabic, Latin and number tokens)");

    // Whole documents: `Engine::extract` (structure, entities with the gazetteers and the tagger, …), as a
    // user runs it, on one thread and on all.
    let inputs: Vec<Input> = corpus
        .iter()
        .filter_map(|b| decode(b, EncodingChoice::Auto, true).ok())
        .map(|d| Input { text: d.text, ..Default::default() })
        .collect();
    let opts = ExtractOptions::default();
    let mut best1 = Duration::MAX;
    let mut bestn = Duration::MAX;
    let mut entities = 0usize;
    for _ in 0..a.repeat.max(1) {
        let t = Instant::now();
        let n: usize = inputs.iter().map(|i| engine.extract(i, opts).entities.len()).sum();
        best1 = best1.min(t.elapsed());
        let t = Instant::now();
        let m: usize = inputs.par_iter().map(|i| engine.extract(i, opts).entities.len()).sum();
        bestn = bestn.min(t.elapsed());
        assert_eq!(n, m, "the same entities on one thread and on all");
        entities = n;
    }
    for (label, d) in [
        ("extract (whole documents), 1 thread".to_string(), best1),
        (format!("extract (whole documents), {threads} threads"), bestn),
    ] {
        let secs = d.as_secs_f64();
        println!(
            "{:<46} {:>12.0} {:>10.1} {:>12}",
            label,
            inputs.len() as f64 / secs,
            bytes as f64 / 1e6 / secs,
            format!("{:.2} M", full_words as f64 / 1e6 / secs)
        );
    }
    println!("entities: {entities}");
    Ok(())
}
