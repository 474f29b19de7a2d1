//! The `hadath` command-line tool.

use std::io::{self, BufRead, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use hadath_core::decode::{decode, EncodingChoice};
use hadath_core::input::{html_to_text, looks_like_html, parse_home, parse_published, parse_record};
use hadath_core::{Document, Engine, ExtractOptions, Input};

mod bench;
mod events_cmd;
mod ingest;
mod ner_cmd;
mod search_cmd;
mod serve_cmd;
mod store_cmd;

/// hadath (حدث, "event"): reads Arabic news and answers who did what to whom, when and where, with the
/// sentence that proves each answer. Offline, one binary.
#[derive(Debug, Parser)]
#[command(name = "hadath", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Analyse articles and print one JSON document per article (schema 1: title, attribution, dateline,
    /// paragraphs, sentences, entities, times, events; spans are code point offsets into the text).
    Extract(ExtractArgs),
    /// Print text clitic-segmented (UD convention): one output line per input line, tokens separated by
    /// spaces, clitic boundaries marked with "+" (و+ب+التالي, نشرت+ها).
    Segment(SegmentArgs),
    /// Benchmark a corpus (anything `ingest` reads): whole documents (articles/s, MB/s, time per stage, peak
    /// memory) and the text pipeline (decode, match form, sentences, tokens, segmentation), beside a plain
    /// UTF-8 read of the same bytes.
    Bench(bench::BenchArgs),
    /// Train a model: `hadath train ner --train FILE --out data/models/ner.ap`.
    Train(ner_cmd::TrainArgs),
    /// Read a corpus (folders, .txt, .html, .jsonl, JSON arrays, .zip/.gz archives), analyse every article
    /// in parallel and write articles, entities, times, events and near-duplicate clusters into a store.
    /// Run it again after an interruption: stored texts are skipped, nothing is duplicated.
    Ingest(ingest::IngestArgs),
    /// Full-text search of a store (BM25, Arabic-aware: clitics, letter forms and light stemming), with
    /// highlighted snippets.
    Search(search_cmd::SearchArgs),
    /// List stored events, filtered by actor country, CAMEO code, quad class, date, outlet or text.
    Events(store_cmd::EventsArgs),
    /// Event counts and Goldstein sums per country pair (source → target), optionally per week or month.
    Dyads(store_cmd::DyadsArgs),
    /// Counts of articles, near duplicates, entities and events, by outlet and month.
    Stats(store_cmd::StatsArgs),
    /// Export stored events: GDELT 2.0 event table (TSV), PLOVER-style JSON Lines, or Parquet.
    Export(store_cmd::ExportArgs),
    /// Serve the JSON API and the web UI (Try it, search, articles, dyads, network) on 127.0.0.1:8080; with
    /// --db, over a store. Every asset is inside the binary.
    Serve(serve_cmd::ServeArgs),
    /// Evaluate: `hadath eval ner FILE` (entity-level P/R/F1 per type, and tokens/s); `hadath eval events
    /// --gold FILE` (events, entities and times against hand-coded gold).
    Eval(ner_cmd::EvalArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum InputFormat {
    /// By file extension: .jsonl/.ndjson → jsonl, .html/.htm → html, anything else → text (HTML detected).
    Auto,
    /// One article per file.
    Text,
    /// One JSON object per line: "text" required; "id", "title", "published", "url", "outlet", "home".
    Jsonl,
    /// An HTML page: its readable text is extracted first.
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// One JSON document, or an array when there are several.
    Json,
    /// One JSON document per line.
    Jsonl,
    /// Like json, indented.
    Pretty,
}

#[derive(Debug, clap::Args)]
struct ReadArgs {
    /// Text encoding of the input: auto (UTF-8, BOM-marked UTF-16, or a detected windows-1256 / ISO-8859-6),
    /// utf-8, utf-16le, utf-16be, windows-1256, iso-8859-6.
    #[arg(long, default_value = "auto", value_parser = parse_encoding)]
    encoding: EncodingChoice,
    /// Replace invalid byte sequences with U+FFFD (and warn) instead of failing.
    #[arg(long)]
    lossy: bool,
    /// Largest input (a file, or one JSONL line) accepted, in bytes.
    #[arg(long, default_value_t = 64 * 1024 * 1024)]
    max_bytes: u64,
}

#[derive(Debug, clap::Args)]
struct ExtractArgs {
    /// Files to read; "-" or nothing reads standard input.
    files: Vec<PathBuf>,
    /// How to read the inputs.
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    input_format: InputFormat,
    /// How to print the documents.
    #[arg(long, value_enum, default_value_t = OutputFormat::Json)]
    format: OutputFormat,
    /// Publication date (YYYY-MM-DD) for inputs that do not give one; relative dates resolve against it.
    #[arg(long, value_parser = parse_published)]
    published: Option<String>,
    /// The outlet's country (ISO 3166 alpha-3, e.g. SAU) for inputs that do not give one.
    #[arg(long, value_parser = parse_home)]
    home: Option<String>,
    /// Include the original text in each document (field "text").
    #[arg(long)]
    text: bool,
    /// Tag names with this model file instead of the one embedded in the binary (for measuring the
    /// pipeline with a model trained on part of a corpus: data/models/README.md).
    #[arg(long, value_name = "FILE")]
    ner_model: Option<PathBuf>,
    #[command(flatten)]
    read: ReadArgs,
}

#[derive(Debug, clap::Args)]
struct SegmentArgs {
    /// The file to segment; "-" or nothing reads standard input.
    file: Option<PathBuf>,
    #[command(flatten)]
    read: ReadArgs,
}

fn parse_encoding(s: &str) -> Result<EncodingChoice, String> {
    EncodingChoice::parse(s).ok_or_else(|| {
        format!("unknown encoding {s:?}: use auto, utf-8, utf-16le, utf-16be, windows-1256 or iso-8859-6")
    })
}

/// mimalloc instead of the system allocator: the pipeline allocates many small, short-lived buffers per
/// article (tokens, names, spans, strings of the document), where glibc's malloc spent about a tenth of
/// `extract`'s time (perf, SaudiNewsNet) and fragments under rayon's threads.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(a) => extract(a),
        Command::Segment(a) => segment(a),
        Command::Bench(a) => bench::run(a).map(|()| 0),
        Command::Train(a) => ner_cmd::run_train(a),
        Command::Eval(a) => ner_cmd::run_eval(a),
        Command::Ingest(a) => ingest::run(a),
        Command::Search(a) => search_cmd::run(a),
        Command::Events(a) => store_cmd::events(a),
        Command::Dyads(a) => store_cmd::dyads(a),
        Command::Stats(a) => store_cmd::stats(a),
        Command::Export(a) => store_cmd::export(a),
        Command::Serve(a) => serve_cmd::run(a),
    };
    match result {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            // A closed pipe (hadath … | head) is not an error worth a message.
            let broken = |c: &(dyn std::error::Error + 'static)| {
                c.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
                    || c.downcast_ref::<serde_json::Error>()
                        .is_some_and(|e| e.io_error_kind() == Some(io::ErrorKind::BrokenPipe))
            };
            if e.chain().any(broken) {
                return ExitCode::SUCCESS;
            }
            eprintln!("hadath: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_stdin(p: &Path) -> bool {
    p.as_os_str() == "-"
}

fn display(p: &Path) -> String {
    if is_stdin(p) {
        "<stdin>".into()
    } else {
        p.display().to_string()
    }
}

/// Reads a whole file (or stdin) with a size limit.
fn read_bytes(path: &Path, max: u64) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let n = if is_stdin(path) {
        io::stdin().lock().take(max + 1).read_to_end(&mut buf)
    } else {
        let f = std::fs::File::open(path).with_context(|| format!("{}: cannot open", path.display()))?;
        if f.metadata().map(|m| m.is_dir()).unwrap_or(false) {
            bail!("{}: is a directory", path.display());
        }
        f.take(max + 1).read_to_end(&mut buf)
    }
    .with_context(|| format!("{}: cannot read", display(path)))?;
    if n as u64 > max {
        bail!("{}: larger than --max-bytes {} bytes; split it or raise the limit", display(path), max);
    }
    Ok(buf)
}

fn decode_file(path: &Path, bytes: &[u8], read: &ReadArgs) -> Result<(String, Vec<String>)> {
    let d = decode(bytes, read.encoding, read.lossy).with_context(|| display(path))?;
    let warnings = d.warnings.iter().map(|w| format!("{}: {w}", display(path))).collect();
    Ok((d.text, warnings))
}

struct Printer<W: Write> {
    out: W,
    format: OutputFormat,
    count: usize,
    many: bool,
}

impl<W: Write> Printer<W> {
    fn print(&mut self, doc: &Document) -> Result<()> {
        match self.format {
            OutputFormat::Jsonl => {
                serde_json::to_writer(&mut self.out, doc)?;
                self.out.write_all(b"\n")?;
            }
            OutputFormat::Json | OutputFormat::Pretty => {
                if self.many {
                    self.out.write_all(if self.count == 0 { b"[\n" } else { b",\n" })?;
                }
                if self.format == OutputFormat::Pretty {
                    serde_json::to_writer_pretty(&mut self.out, doc)?;
                } else {
                    serde_json::to_writer(&mut self.out, doc)?;
                }
                if !self.many {
                    self.out.write_all(b"\n")?;
                }
            }
        }
        self.count += 1;
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        if self.many && self.format != OutputFormat::Jsonl {
            self.out.write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        }
        self.out.flush()?;
        Ok(())
    }
}

fn input_format_for(path: &Path, chosen: InputFormat) -> InputFormat {
    if chosen != InputFormat::Auto {
        return chosen;
    }
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("jsonl" | "ndjson") => InputFormat::Jsonl,
        Some("html" | "htm" | "xhtml") => InputFormat::Html,
        _ => InputFormat::Text,
    }
}

fn extract(a: ExtractArgs) -> Result<i32> {
    let engine = match &a.ner_model {
        None => Engine::new()?,
        Some(p) => {
            let bytes = std::fs::read(p).with_context(|| format!("{}: cannot read", p.display()))?;
            Engine::with_ner_model(&bytes).with_context(|| p.display().to_string())?
        }
    };
    let opts = ExtractOptions { include_text: a.text };
    let files = if a.files.is_empty() { vec![PathBuf::from("-")] } else { a.files.clone() };
    let formats: Vec<InputFormat> = files.iter().map(|f| input_format_for(f, a.input_format)).collect();
    // One document → an object; several files or any JSONL input → an array (for json/pretty).
    let many = files.len() > 1 || formats.contains(&InputFormat::Jsonl);
    let stdout = io::stdout();
    let mut printer = Printer { out: BufWriter::new(stdout.lock()), format: a.format, count: 0, many };
    let mut failures = 0usize;
    let fill = |mut input: Input| -> Input {
        if input.published.is_none() {
            input.published.clone_from(&a.published);
        }
        if input.home.is_none() {
            input.home.clone_from(&a.home);
        }
        input
    };
    for (path, format) in files.iter().zip(formats) {
        match format {
            InputFormat::Jsonl => {
                failures += extract_jsonl(path, &a, &engine, opts, &fill, &mut printer)?;
            }
            _ => {
                let loaded = read_bytes(path, a.read.max_bytes).and_then(|b| decode_file(path, &b, &a.read));
                let (mut text, mut warnings) = match loaded {
                    Ok(x) => x,
                    Err(e) => {
                        eprintln!("hadath: {e:#}; skipped");
                        failures += 1;
                        continue;
                    }
                };
                if format == InputFormat::Html
                    || (format == InputFormat::Auto || format == InputFormat::Text) && looks_like_html(&text)
                {
                    if format != InputFormat::Html {
                        warnings.push(format!("{}: input looks like HTML; its readable text was extracted (offsets refer to that text; use --text to get it)", display(path)));
                    }
                    text = html_to_text(&text);
                }
                if text.trim().is_empty() {
                    eprintln!("hadath: {}: no text; skipped", display(path));
                    failures += 1;
                    continue;
                }
                for w in &warnings {
                    eprintln!("hadath: warning: {w}");
                }
                let input = fill(Input { text, warnings, ..Default::default() });
                printer.print(&engine.extract(&input, opts))?;
            }
        }
    }
    printer.finish()?;
    if failures > 0 {
        eprintln!("hadath: {failures} input(s) failed (see above)");
        return Ok(1);
    }
    Ok(0)
}

/// Streams a JSONL file in batches, analysing each batch in parallel and printing in input order. Bad lines
/// are reported with their line number and skipped. Returns the number of bad lines.
fn extract_jsonl<W: Write>(
    path: &Path,
    a: &ExtractArgs,
    engine: &Engine,
    opts: ExtractOptions,
    fill: &(dyn Fn(Input) -> Input + Sync),
    printer: &mut Printer<W>,
) -> Result<usize> {
    let reader: Box<dyn BufRead> = if is_stdin(path) {
        Box::new(io::BufReader::new(io::stdin()))
    } else {
        Box::new(io::BufReader::new(
            std::fs::File::open(path).with_context(|| format!("{}: cannot open", path.display()))?,
        ))
    };
    let name = display(path);
    let mut bad = 0usize;
    let mut batch: Vec<(usize, Vec<u8>)> = Vec::with_capacity(256);
    let mut lines = reader.split(b'\n');
    let mut lineno = 0usize;
    loop {
        let next = lines.next();
        let done = next.is_none();
        if let Some(line) = next {
            lineno += 1;
            let line = line.with_context(|| format!("{name}:{lineno}: cannot read"))?;
            if line.iter().all(|b| b.is_ascii_whitespace()) {
                // blank lines are allowed
            } else if line.len() as u64 > a.read.max_bytes {
                eprintln!("hadath: {name}:{lineno}: line larger than --max-bytes; skipped");
                bad += 1;
            } else {
                batch.push((lineno, line));
            }
        }
        if batch.len() >= 256 || (done && !batch.is_empty()) {
            let results: Vec<(usize, Result<Document, String>)> = batch
                .par_drain(..)
                .map(|(n, bytes)| {
                    let r = decode(&bytes, a.read.encoding, a.read.lossy)
                        .map_err(|e| e.to_string())
                        .and_then(|d| {
                            parse_record(d.text.trim_end_matches('\r')).map_err(|e| e.to_string()).map(|mut i| {
                                i.warnings = d.warnings;
                                i
                            })
                        })
                        .map(|i| engine.extract(&fill(i), opts));
                    (n, r)
                })
                .collect();
            for (n, r) in results {
                match r {
                    Ok(doc) => printer.print(&doc)?,
                    Err(e) => {
                        eprintln!("hadath: {name}:{n}: {e}; skipped");
                        bad += 1;
                    }
                }
            }
        }
        if done {
            break;
        }
    }
    Ok(bad)
}

fn segment(a: SegmentArgs) -> Result<i32> {
    let engine = Engine::new()?;
    let path = a.file.unwrap_or_else(|| PathBuf::from("-"));
    let bytes = read_bytes(&path, a.read.max_bytes)?;
    let (text, warnings) = decode_file(&path, &bytes, &a.read)?;
    for w in warnings {
        eprintln!("hadath: warning: {w}");
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut line_out = String::new();
    let mut scratch = Vec::new();
    let mut cache = hadath_text::clitics::SegCache::default();
    for line in text.split_terminator('\n') {
        line_out.clear();
        engine.segment_line(line.trim_end_matches('\r'), &mut line_out, &mut scratch, &mut cache);
        line_out.push('\n');
        out.write_all(line_out.as_bytes())?;
    }
    out.flush()?;
    Ok(0)
}
