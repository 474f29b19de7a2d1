//! `hadath ingest`: read a corpus, analyse it in parallel, write it into a store.
//!
//! The main thread walks the corpus and cuts it into batches; each batch is analysed on the rayon pool
//! (articles whose text is already stored are skipped before analysis, by content hash) and handed to a
//! writer thread that stores it in one transaction. Killing the process loses at most the batches not yet
//! committed; running it again skips what is stored and writes the rest.

use std::collections::{BTreeMap, HashSet};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::mpsc::sync_channel;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use hadath_core::input::{parse_home, parse_published};
use hadath_core::{content_hash, Engine, ExtractOptions};
use hadath_corpus::{Corpus, FieldMap, Item, ReadOptions, Record, SkipKind};
use hadath_store::{dedup, NewArticle, PutOutcome, Signature, SqliteStore, Store};
use hadath_text::normalize::MatchForm;

#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// Files and folders to read (folders recursively): .txt, .html, .jsonl, .json (arrays of records, e.g.
    /// SaudiNewsNet), and .zip / .gz archives of those.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The store to write (created if missing).
    #[arg(long)]
    db: PathBuf,
    /// Worker threads for the analysis (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Where a record field is found: FIELD=KEY[,KEY…] for FIELD in text, id, title, published, url, outlet,
    /// home (e.g. --field text=content --field published=date_extracted). Repeatable.
    #[arg(long = "field", value_name = "FIELD=KEY")]
    fields: Vec<String>,
    /// Publication date (YYYY-MM-DD) for articles that do not give one.
    #[arg(long, value_parser = parse_published)]
    published: Option<String>,
    /// The outlet's country (ISO alpha-3, e.g. SAU) for articles that do not give one.
    #[arg(long, value_parser = parse_home)]
    home: Option<String>,
    /// Near-duplicate threshold: estimated Jaccard similarity of word 4-gram sets at which an article joins
    /// an earlier one's cluster (its events then count as mentions); above 1 turns detection off.
    #[arg(long, default_value_t = dedup::DEFAULT_THRESHOLD)]
    near_dup_threshold: f32,
    /// Articles per transaction (an interrupted run loses at most the few batches not yet committed).
    #[arg(long, default_value_t = 1024)]
    batch: usize,
    /// No progress bar (it is hidden anyway when standard error is not a terminal).
    #[arg(long)]
    quiet: bool,
    /// Do not update the search index (the next ingest without this flag catches up).
    #[arg(long)]
    no_index: bool,
    #[command(flatten)]
    read: crate::ReadArgs,
}

/// What the reader thread sends: a batch of records (with the corpus's progress after it), or a skipped input.
enum Read {
    Batch(Vec<Record>, u64),
    Skipped(hadath_corpus::Skip),
}

/// An analysed article on its way to the writer.
struct Prepared {
    doc: hadath_core::Document,
    text: String,
    origin: String,
    signature: Option<Signature>,
}

#[derive(Default)]
struct Written {
    stored: usize,
    near: usize,
    duplicates: usize,
    events: usize,
    mentions: usize,
}

const SHOWN_PER_KIND: usize = 10;

pub fn run(a: IngestArgs) -> Result<i32> {
    let mut fields = FieldMap::default();
    for f in &a.fields {
        fields.set(f).map_err(anyhow::Error::msg)?;
    }
    if let Some(n) = a.threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().context("starting the thread pool")?;
    }
    let threads = rayon::current_num_threads();
    let opts = ReadOptions { encoding: a.read.encoding, lossy: a.read.lossy, max_bytes: a.read.max_bytes, fields };
    let engine = Engine::new()?;
    let mut store = SqliteStore::open(&a.db).with_context(|| format!("{}: cannot open the store", a.db.display()))?;
    store.set_threshold(a.near_dup_threshold);
    let known: HashSet<String> = store.hashes()?;
    let known_before = known.len();

    let start = Instant::now();
    let mut corpus = Corpus::new(a.paths.clone(), opts);
    let pb = if a.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let pb = ProgressBar::with_draw_target(Some(corpus.progress().total), ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {percent:>3}% {msg} · ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        pb.enable_steady_tick(Duration::from_millis(200));
        pb
    };

    // The writer thread owns the store.
    let (tx, rx) = sync_channel::<Vec<Prepared>>(2);
    let writer = std::thread::spawn(move || -> Result<(SqliteStore, Written)> {
        let mut w = Written::default();
        for batch in rx {
            let news: Vec<NewArticle<'_>> = batch
                .iter()
                .map(|p| NewArticle { doc: &p.doc, text: &p.text, origin: &p.origin, signature: p.signature.clone() })
                .collect();
            for o in store.put(&news)? {
                match o {
                    PutOutcome::Stored { events, .. } => {
                        w.stored += 1;
                        w.events += events;
                    }
                    PutOutcome::NearDuplicate { events, mentions, .. } => {
                        w.stored += 1;
                        w.near += 1;
                        w.events += events;
                        w.mentions += mentions;
                    }
                    PutOutcome::Duplicate { .. } => w.duplicates += 1,
                }
            }
        }
        Ok((store, w))
    });

    let mut read = 0usize;
    let mut already = 0usize;
    let mut skipped: BTreeMap<SkipKind, usize> = BTreeMap::new();
    let mut analysed = 0usize;
    let xopts = ExtractOptions::default();
    let fill = |mut r: Record| {
        if r.input.published.is_none() {
            r.input.published.clone_from(&a.published);
        }
        if r.input.home.is_none() {
            r.input.home.clone_from(&a.home);
        }
        r
    };
    let mut send_failed = false;
    // A reader thread walks the corpus and cuts it into batches while the pool analyses the previous one
    // (reading and unpacking would otherwise leave the pool idle between batches).
    let batch_size = a.batch.max(1);
    let (rtx, rrx) = sync_channel::<Read>(2);
    let reader = std::thread::spawn(move || {
        let mut batch: Vec<Record> = Vec::with_capacity(batch_size);
        loop {
            let item = corpus.next();
            let done = item.is_none();
            let sent = match item {
                Some(Item::Record(r)) => {
                    batch.push(r);
                    Ok(())
                }
                Some(Item::Skipped(s)) => rtx.send(Read::Skipped(s)),
                None => Ok(()),
            };
            if sent.is_err() {
                return;
            }
            if batch.len() >= batch_size || (done && !batch.is_empty()) {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(batch_size));
                if rtx.send(Read::Batch(full, corpus.progress().done)).is_err() {
                    return;
                }
            }
            if done {
                return;
            }
        }
    });
    for msg in rrx {
        match msg {
            Read::Skipped(s) => {
                let n = skipped.entry(s.kind).or_default();
                *n += 1;
                if *n <= SHOWN_PER_KIND {
                    pb.suspend(|| eprintln!("hadath: {s}; skipped"));
                } else if *n == SHOWN_PER_KIND + 1 {
                    pb.suspend(|| eprintln!("hadath: more inputs skipped for: {} (counted in the summary)", s.kind));
                }
            }
            Read::Batch(batch, done) => {
                read += batch.len();
                let prepared: Vec<Option<Prepared>> = batch
                    .into_par_iter()
                    .map(|r| {
                        let r = fill(r);
                        let hash = content_hash(MatchForm::new(&r.input.text).text());
                        if known.contains(&hash) {
                            return None;
                        }
                        let doc = engine.extract(&r.input, xopts);
                        let signature = Signature::of(&r.input.text);
                        Some(Prepared { doc, text: r.input.text, origin: r.origin, signature })
                    })
                    .collect();
                let before = prepared.len();
                let prepared: Vec<Prepared> = prepared.into_iter().flatten().collect();
                already += before - prepared.len();
                analysed += prepared.len();
                if tx.send(prepared).is_err() {
                    send_failed = true;
                    break;
                }
                let secs = start.elapsed().as_secs_f64().max(1e-3);
                pb.set_position(done);
                pb.set_message(format!("{read} articles · {:.0}/s", analysed as f64 / secs));
            }
        }
    }
    if reader.join().is_err() {
        anyhow::bail!("the corpus reader stopped unexpectedly");
    }
    drop(tx);
    let (store, w) = match writer.join() {
        Ok(r) => r.context("writing the store")?,
        Err(_) => anyhow::bail!("the store writer stopped unexpectedly"),
    };
    if send_failed {
        anyhow::bail!("the store writer stopped early");
    }
    pb.finish_and_clear();
    store.optimize()?;

    let indexed = if a.no_index {
        None
    } else {
        if !a.quiet && std::io::stderr().is_terminal() {
            eprintln!("hadath: updating the search index …");
        }
        Some(store.update_index().context("updating the search index")?)
    };
    let elapsed = start.elapsed().as_secs_f64();
    let skipped_total: usize = skipped.values().sum();
    let duplicates = already + w.duplicates;
    println!("ingest into {} ({} articles there before)", a.db.display(), known_before);
    println!("  read        {read} articles");
    println!(
        "  stored      {} articles ({} near copies of earlier ones, threshold {})",
        w.stored, w.near, a.near_dup_threshold
    );
    println!(
        "  duplicates  {duplicates} (text already stored: {already} from earlier runs, {} within this one)",
        w.duplicates
    );
    if skipped_total > 0 {
        let why: Vec<String> = skipped.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        println!("  skipped     {skipped_total} ({})", why.join(", "));
    } else {
        println!("  skipped     0");
    }
    println!("  events      {} new, {} more mentions of known events", w.events, w.mentions);
    if let Some(n) = indexed {
        println!("  indexed     {n} articles for search");
    }
    println!(
        "  elapsed     {elapsed:.1} s ({:.0} articles/s analysed, {threads} threads, {:.0} per thread)",
        analysed as f64 / elapsed.max(1e-3),
        analysed as f64 / elapsed.max(1e-3) / threads as f64
    );
    if skipped_total > 0 {
        eprintln!("hadath: {skipped_total} input(s) skipped (see above)");
        return Ok(1);
    }
    Ok(0)
}
