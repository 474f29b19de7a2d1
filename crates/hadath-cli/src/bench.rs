//! `hadath bench`: throughput of the document pipeline and of the text pipeline over a corpus, beside the
//! I/O floor.
//!
//! The corpus is read into memory first by the corpus readers of `hadath ingest` (folders, JSON arrays,
//! JSONL, zip/gz, feeds; not timed). Each article's bytes are its title and text, as UTF-8.
//!
//! **Document pipeline.** On one thread: the baseline (UTF-8 validation of the same bytes, what any reader
//! must do), decoding, then `Engine::extract` on whole documents; the same once more with
//! `Engine::extract_timed` for the time of each stage; then `extract` on `--threads` threads (default all
//! cores). Speeds are articles/s and MB/s of wall-clock time, and articles per CPU-second of the thread (or
//! process) that ran them, which a loaded machine disturbs less. Peak memory is the process's VmHWM.
//!
//! **Text pipeline.** On one thread, each pass runs over every article: the floor, and the pipeline stages
//! cumulatively, each function on its own (decode; + match form; + sentences; + tokens), then as the
//! engine runs them: decode + the fused scanner (match form, sentences and tokens in one pass); + clitic
//! segmentation (the full pipeline). Word counts are checked inside the timed loop so no pass can skip work.
//! A last pass runs the full pipeline on all cores.
//!
//! `--stage` runs one pass alone (for instruction counts under callgrind).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use rayon::prelude::*;

use hadath_core::decode::{decode, EncodingChoice};
use hadath_core::{Engine, ExtractOptions, Input, StageTimes};
use hadath_corpus::{Corpus, FieldMap, Item, ReadOptions};
use hadath_text::clitics::SegCache;
use hadath_text::normalize::MatchForm;
use hadath_text::scan::scan;
use hadath_text::sentences::sentences;
use hadath_text::tokens::{tokenize, TokenKind};

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Corpus: anything `hadath ingest` reads (folders, .txt, .html, .jsonl, .json arrays such as
    /// SaudiNewsNet's, RSS/Atom feeds, .zip/.gz archives of those). Default: ../shared/data/news/saudinewsnet
    /// when it exists.
    paths: Vec<PathBuf>,
    /// Threads for the parallel extract pass (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Which measurements to run.
    #[arg(long, value_enum, default_value_t = Section::All)]
    section: Section,
    /// Output: a table, or one JSON object.
    #[arg(long, value_enum, default_value_t = BenchFormat::Table)]
    format: BenchFormat,
    /// Where a record field is found: FIELD=KEY[,KEY…], as for `hadath ingest`. Repeatable.
    #[arg(long = "field", value_name = "FIELD=KEY")]
    fields: Vec<String>,
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

#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
enum Section {
    /// Both.
    All,
    /// The document pipeline (`Engine::extract`), its stage split and peak memory.
    Document,
    /// The text pipeline (decode, match form, sentences, tokens, segmentation).
    Text,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
enum BenchFormat {
    Table,
    Json,
}

/// One article of the corpus: what the engine gets, and its bytes (title and text) for the byte-level
/// passes.
struct Article {
    input: Input,
    bytes: Vec<u8>,
}

/// Reads the corpus with `hadath ingest`'s readers; returns the articles and the number of skipped items.
fn load(paths: &[PathBuf], fields: &[String], limit: Option<usize>) -> Result<(Vec<Article>, usize)> {
    let mut map = FieldMap::default();
    for f in fields {
        map.set(f).map_err(|e| anyhow::anyhow!(e))?;
    }
    let opts = ReadOptions { fields: map, ..Default::default() };
    let mut out = Vec::new();
    let mut skipped = 0;
    for item in Corpus::new(paths.to_vec(), opts) {
        if limit.is_some_and(|n| out.len() >= n) {
            break;
        }
        match item {
            Item::Record(r) => {
                let title = r.input.title.as_deref().unwrap_or("");
                let bytes = format!("{title}\n{}", r.input.text).into_bytes();
                out.push(Article { input: r.input, bytes });
            }
            Item::Skipped(_) => skipped += 1,
        }
    }
    Ok((out, skipped))
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
    /// `Engine::extract` on whole documents (decoded once, before the pass).
    Extract,
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
            Stage::Extract => "extract (whole documents)",
        }
    }
}

/// Runs `stage` (cumulatively) over one article; returns (words, a checksum that depends on all work done).
fn run_one(engine: &Engine, bytes: &[u8], stage: Stage, scratch: &mut Vec<usize>, cache: &mut SegCache) -> (u64, u64) {
    if stage == Stage::Floor {
        // The validation `decode` runs (SIMD), without the copy into a `String`.
        return match hadath_core::decode::utf8(bytes) {
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
fn pass(engine: &Engine, corpus: &[Article], stage: Stage, repeat: usize, cache: &mut SegCache) -> Measured {
    let mut best = Duration::MAX;
    let mut words_seen = None;
    let mut scratch = Vec::with_capacity(8);
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        let mut words = 0u64;
        let mut check = 0u64;
        for a in corpus {
            let (w, c) = run_one(engine, &a.bytes, stage, &mut scratch, cache);
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

/// CPU time of the calling thread (Linux: `/proc/thread-self/schedstat`, nanoseconds on the CPU).
fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(s.split_whitespace().next()?.parse().ok()?))
}

/// CPU time of the whole process, user + system (Linux: `/proc/self/stat`, in clock ticks of 1/100 s).
fn process_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces): utime is the 14th
    // field of the line, the 12th after ")".
    let rest = &s[s.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// The process's peak resident set size in bytes (Linux: VmHWM in `/proc/self/status`).
fn peak_rss() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// One measured row.
#[derive(Debug, Clone, serde::Serialize)]
struct Row {
    section: &'static str,
    pass: String,
    threads: usize,
    seconds: f64,
    articles_per_s: f64,
    mb_per_s: f64,
    /// Articles per second and per thread (= per core when each thread has one).
    articles_per_s_per_core: f64,
    /// Articles per CPU-second of the threads that ran the pass, when the platform says.
    articles_per_cpu_s: Option<f64>,
    words_per_s: Option<f64>,
}

#[derive(Debug, Clone, serde::Serialize)]
struct StageRow {
    stage: &'static str,
    seconds: f64,
    share: f64,
    us_per_article: f64,
}

#[derive(Debug, Default, serde::Serialize)]
struct Report {
    articles: usize,
    skipped: usize,
    bytes: u64,
    repeat: usize,
    rows: Vec<Row>,
    stages: Vec<StageRow>,
    stage_total_seconds: f64,
    /// Whole-document time / baseline time, on one thread.
    extract_vs_baseline: Option<f64>,
    text_pipeline_vs_floor: Option<f64>,
    words: Option<u64>,
    entities: Option<usize>,
    events: Option<usize>,
    /// Tokens the NER tagger tags (every token of every sentence), and its rate on one thread in the stage
    /// split (tagging with its lexicon features, as the engine runs it).
    ner_tokens: Option<u64>,
    ner_tokens_per_s: Option<f64>,
    peak_rss_bytes: Option<u64>,
}

impl Report {
    #[allow(clippy::too_many_arguments)]
    fn row(
        &mut self,
        section: &'static str,
        pass: impl Into<String>,
        threads: usize,
        secs: f64,
        cpu: Option<Duration>,
        words: Option<u64>,
    ) -> Row {
        let n = self.articles as f64;
        let r = Row {
            section,
            pass: pass.into(),
            threads,
            seconds: secs,
            articles_per_s: n / secs,
            mb_per_s: self.bytes as f64 / 1e6 / secs,
            articles_per_s_per_core: n / secs / threads as f64,
            articles_per_cpu_s: cpu.filter(|c| !c.is_zero()).map(|c| n / c.as_secs_f64()),
            words_per_s: words.map(|w| w as f64 / secs),
        };
        self.rows.push(r.clone());
        r
    }
}

/// Best of `repeat` timed runs of `f` on this thread: (wall, thread CPU of that run).
fn best_of<T>(repeat: usize, mut f: impl FnMut() -> T, mut check: impl FnMut(T)) -> (Duration, Option<Duration>) {
    let mut best = (Duration::MAX, None);
    for _ in 0..repeat.max(1) {
        let c0 = thread_cpu();
        let t = Instant::now();
        let out = f();
        let el = t.elapsed();
        let cpu = c0.and_then(|c0| Some(thread_cpu()?.saturating_sub(c0)));
        check(out);
        if el < best.0 {
            best = (el, cpu);
        }
    }
    best
}

fn print_row(r: &Row) {
    let cpu = r.articles_per_cpu_s.map_or("n/a".to_string(), |c| format!("{c:.0}"));
    let words = r.words_per_s.map_or(String::new(), |w| format!("{:.2} M", w / 1e6));
    println!(
        "{:<50} {:>11.0} {:>10.0} {:>9.1} {:>10} {:>10}",
        r.pass, r.articles_per_s, r.articles_per_s_per_core, r.mb_per_s, cpu, words
    );
}

fn document_section(engine: &Engine, corpus: &[Article], a: &BenchArgs, rep: &mut Report) -> Result<()> {
    let repeat = a.repeat;
    let table = a.format == BenchFormat::Table;
    if table {
        println!(
            "\ndocument pipeline{:<33} {:>11} {:>10} {:>9} {:>10}",
            "", "articles/s", "/s/core", "MB/s", "art/CPU-s"
        );
    }
    // Baseline: a plain UTF-8 read of the same bytes.
    let (d, cpu) = best_of(
        repeat,
        || corpus.iter().map(|x| hadath_core::decode::utf8(&x.bytes).map_or(0, str::len)).sum::<usize>(),
        |n| {
            std::hint::black_box(n);
        },
    );
    let base = rep.row("document", "baseline: UTF-8 read of the same bytes", 1, d.as_secs_f64(), cpu, None);
    if table {
        print_row(&base);
    }
    let (d, cpu) = best_of(
        repeat,
        || {
            corpus
                .iter()
                .map(|x| decode(&x.bytes, EncodingChoice::Auto, true).map_or(0, |d| d.text.len()))
                .sum::<usize>()
        },
        |n| {
            std::hint::black_box(n);
        },
    );
    let r = rep.row("document", "decode (encoding detection, UTF-8)", 1, d.as_secs_f64(), cpu, None);
    if table {
        print_row(&r);
    }
    let opts = ExtractOptions::default();
    let count = |d: &hadath_core::Document| (d.entities.len(), d.events.len());
    let mut seen = None;
    let (d, cpu) = best_of(
        repeat,
        || corpus.iter().map(|x| count(&engine.extract(&x.input, opts))).fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1)),
        |n| {
            assert!(seen.is_none_or(|s| s == n), "the same entities and events every run");
            seen = Some(n);
        },
    );
    let one = rep.row("document", "extract (whole documents), 1 thread", 1, d.as_secs_f64(), cpu, None);
    if table {
        print_row(&one);
    }
    rep.extract_vs_baseline = Some(one.seconds / base.seconds);
    (rep.entities, rep.events) = (seen.map(|s| s.0), seen.map(|s| s.1));

    // The stage split, with the opt-in clock.
    let mut split = StageTimes::default();
    let mut best_total = Duration::MAX;
    let (d, cpu) = best_of(
        repeat,
        || {
            let mut sum = StageTimes::default();
            let mut n = (0, 0);
            for x in corpus {
                let (doc, t) = engine.extract_timed(&x.input, opts);
                sum += t;
                let c = count(&doc);
                n = (n.0 + c.0, n.1 + c.1);
            }
            (sum, n)
        },
        |(sum, n)| {
            assert_eq!(Some(n), seen, "extract_timed finds what extract finds");
            if sum.total() < best_total {
                best_total = sum.total();
                split = sum;
            }
        },
    );
    let timed = rep.row("document", "extract_timed (stage clock on), 1 thread", 1, d.as_secs_f64(), cpu, None);
    if table {
        print_row(&timed);
    }

    // All threads (or --threads).
    let threads = a.threads.unwrap_or_else(rayon::current_num_threads).max(1);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build()?;
    let mut best = (Duration::MAX, None);
    for _ in 0..repeat.max(1) {
        let c0 = process_cpu();
        let t = Instant::now();
        let n = pool.install(|| {
            corpus
                .par_iter()
                .map(|x| count(&engine.extract(&x.input, opts)))
                .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
        });
        let el = t.elapsed();
        let cpu = c0.and_then(|c0| Some(process_cpu()?.saturating_sub(c0)));
        assert_eq!(Some(n), seen, "the same entities and events on one thread and on {threads}");
        if el < best.0 {
            best = (el, cpu);
        }
    }
    let par = rep.row(
        "document",
        format!("extract (whole documents), {threads} threads"),
        threads,
        best.0.as_secs_f64(),
        best.1,
        None,
    );
    if table {
        print_row(&par);
        println!(
            "extract / baseline: {:.0}x the time of a plain UTF-8 read, on one thread",
            rep.extract_vs_baseline.unwrap_or(0.0)
        );
    }

    let total = split.total().as_secs_f64();
    rep.stage_total_seconds = total;
    // The tokens the tagger tags: those of every sentence (counted outside the clock).
    let ner_tokens: u64 = corpus
        .iter()
        .map(|x| {
            let sc = hadath_text::scan::scan(&x.input.text);
            sc.sentences.iter().map(|r| sc.tokens_in(r).len() as u64).sum::<u64>()
        })
        .sum();
    rep.ner_tokens = Some(ner_tokens);
    rep.ner_tokens_per_s = (split.ner.as_secs_f64() > 0.0).then(|| ner_tokens as f64 / split.ner.as_secs_f64());
    for (name, d) in split.stages() {
        let secs = d.as_secs_f64();
        rep.stages.push(StageRow {
            stage: name,
            seconds: secs,
            share: if total > 0.0 { secs / total } else { 0.0 },
            us_per_article: secs * 1e6 / corpus.len() as f64,
        });
    }
    if table {
        println!(
            "\nstage split (extract_timed, 1 thread, best run){:<4} {:>10} {:>12} {:>7}",
            "", "seconds", "µs/article", "share"
        );
        for s in &rep.stages {
            println!("{:<50} {:>10.3} {:>12.1} {:>6.1}%", s.stage, s.seconds, s.us_per_article, s.share * 100.0);
        }
        println!("{:<50} {:>10.3} {:>12.1} {:>6.1}%", "total", total, total * 1e6 / corpus.len() as f64, 100.0);
        println!("entities: {}, events: {}", rep.entities.unwrap_or(0), rep.events.unwrap_or(0));
        println!(
            "NER tagger: {} tokens, {:.2} M tokens/s on one thread (with its lexicon features, as extract runs it)",
            ner_tokens,
            rep.ner_tokens_per_s.unwrap_or(0.0) / 1e6
        );
    }
    Ok(())
}

fn text_section(engine: &Engine, corpus: &[Article], a: &BenchArgs, rep: &mut Report) {
    let table = a.format == BenchFormat::Table;
    let full_words = pass(engine, corpus, Stage::Tokens, 1, &mut seg_cache(None)).words;
    rep.words = Some(full_words);
    if table {
        println!(
            "\ntext pipeline{:<37} {:>11} {:>10} {:>9} {:>10} {:>10}",
            "", "articles/s", "/s/core", "MB/s", "", "words/s"
        );
    }
    let mut floor = 0.0;
    for stage in
        [Stage::Floor, Stage::Decode, Stage::Normalise, Stage::Sentences, Stage::Tokens, Stage::Scan, Stage::Segment]
    {
        let m = pass(engine, corpus, stage, a.repeat, &mut seg_cache(a.seg_cache));
        if matches!(stage, Stage::Tokens | Stage::Scan | Stage::Segment) {
            assert_eq!(m.words, full_words);
        }
        if stage == Stage::Floor {
            floor = m.secs;
        }
        let r = rep.row("text", stage.label(), 1, m.secs, None, Some(full_words));
        if table {
            print_row(&r);
        }
        if stage == Stage::Segment {
            rep.text_pipeline_vs_floor = Some(m.secs / floor);
            if table {
                println!("full pipeline / floor: {:.1}x slower than a plain UTF-8 read", m.secs / floor);
            }
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
                arts.iter().map(|art| run_one(engine, &art.bytes, Stage::Segment, &mut scratch, cache).0).sum::<u64>()
            })
            .sum();
        assert_eq!(words, full_words);
        best = best.min(t.elapsed());
    }
    let r = rep.row(
        "text",
        format!("full pipeline, {threads} threads"),
        threads,
        best.as_secs_f64(),
        None,
        Some(full_words),
    );
    if table {
        print_row(&r);
        println!("words: {full_words} (Arabic, Latin and number tokens)");
    }
}

pub fn run(a: BenchArgs) -> Result<()> {
    let paths = if a.paths.is_empty() {
        let default = PathBuf::from("../shared/data/news/saudinewsnet");
        if !default.exists() {
            bail!("no corpus given and {} does not exist: pass files or folders", default.display());
        }
        vec![default]
    } else {
        a.paths.clone()
    };
    let engine = Engine::new()?;
    let t = Instant::now();
    let (corpus, skipped) = load(&paths, &a.fields, a.limit)?;
    if corpus.is_empty() {
        bail!("the corpus is empty");
    }
    let bytes: u64 = corpus.iter().map(|a| a.bytes.len() as u64).sum();
    let mut rep = Report { articles: corpus.len(), skipped, bytes, repeat: a.repeat, ..Default::default() };
    if a.format == BenchFormat::Table {
        println!(
            "corpus: {} articles ({} items skipped), {:.1} MB of title + text, read in {:.1}s; best of {} runs",
            corpus.len(),
            skipped,
            bytes as f64 / 1e6,
            t.elapsed().as_secs_f64(),
            a.repeat
        );
    }
    if let Some(stage) = a.stage {
        let m = if stage == Stage::Extract {
            extract_pass(&engine, &corpus, a.repeat)
        } else {
            pass(&engine, &corpus, stage, a.repeat, &mut seg_cache(a.seg_cache))
        };
        let r = rep.row("stage", stage.label(), 1, m.secs, None, Some(m.words));
        match a.format {
            BenchFormat::Table => println!(
                "{}: {:.0} articles/s, {:.1} MB/s, {:.2} M words/s; words: {}",
                r.pass,
                r.articles_per_s,
                r.mb_per_s,
                m.words as f64 / 1e6 / m.secs,
                m.words
            ),
            BenchFormat::Json => println!("{}", serde_json::to_string_pretty(&rep)?),
        }
        return Ok(());
    }
    if matches!(a.section, Section::All | Section::Document) {
        document_section(&engine, &corpus, &a, &mut rep)?;
    }
    if matches!(a.section, Section::All | Section::Text) {
        text_section(&engine, &corpus, &a, &mut rep);
    }
    rep.peak_rss_bytes = peak_rss();
    match a.format {
        BenchFormat::Table => println!(
            "\npeak memory (VmHWM, the corpus in memory included): {}",
            rep.peak_rss_bytes.map_or("n/a".to_string(), |b| format!("{:.1} MB", b as f64 / 1e6))
        ),
        BenchFormat::Json => println!("{}", serde_json::to_string_pretty(&rep)?),
    }
    Ok(())
}

/// `Engine::extract` over the corpus `repeat` times (for `--stage extract`); "words" counts entities and
/// events, so no run can skip work.
#[inline(never)]
fn extract_pass(engine: &Engine, corpus: &[Article], repeat: usize) -> Measured {
    let opts = ExtractOptions::default();
    let mut best = Duration::MAX;
    let mut seen = None;
    for _ in 0..repeat.max(1) {
        let t = Instant::now();
        let n: u64 = corpus
            .iter()
            .map(|x| {
                let d = engine.extract(&x.input, opts);
                (d.entities.len() + d.events.len()) as u64
            })
            .sum();
        best = best.min(t.elapsed());
        assert!(seen.is_none_or(|s| s == n));
        seen = Some(n);
    }
    Measured { secs: best.as_secs_f64(), words: seen.unwrap_or(0) }
}
