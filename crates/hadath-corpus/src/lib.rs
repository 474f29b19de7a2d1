//! Corpus readers: turn files, folders and archives of Arabic news into [`Input`]s for the engine.
//!
//! [`Corpus`] walks its paths (folders recursively, in name order) and yields [`Item`]s: a
//! [`Record`] (an article and where it came from) or a [`Skip`] (what could not be read, and why). It
//! reads:
//!
//! - `.txt` (and any file without a known extension): one article per file; HTML is detected and reduced
//!   to its text;
//! - `.html` / `.htm`: one page, its readable text, title, date and site from the meta tags;
//! - `.jsonl` / `.ndjson`: one JSON record per line;
//! - `.json`: a JSON array of records (SaudiNewsNet: `source, url, date_extracted, title, author,
//!   content`), or one record;
//! - `.xml` / `.rss` / `.atom`, and files of any other name whose root element is `<rss>`, `<feed>` or
//!   `<rdf:RDF>`: an RSS or Atom feed, one article per item (title; content else summary, HTML reduced to
//!   text; date; link as URL; the feed's title as outlet); an `.xml` file that is not a feed is skipped;
//! - `.zip` archives and `.gz` files of any of those (`x.jsonl.gz`, a zip of `.json` files, …).
//!
//! Record fields are found by name through a [`FieldMap`] (defaults accept `extract`'s JSONL fields and
//! SaudiNewsNet's; `text=content` style overrides). Bytes are decoded as `hadath extract` does
//! ([`hadath_core::decode`]: UTF-8, BOM-marked UTF-16, detected windows-1256 / ISO-8859-6).
//!
//! Nothing here panics on bad input: a corrupt archive, a truncated gzip stream, binary junk, an empty
//! file, an oversized line or a record without text each become a [`Skip`] with a clear message, and the
//! walk goes on.
//!
//! ```
//! use hadath_corpus::{Corpus, Item, ReadOptions};
//! let dir = std::env::temp_dir().join(format!("hadath-corpus-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! std::fs::write(dir.join("a.jsonl"), "{\"text\": \"التقى الوزير بالرئيس.\", \"published\": \"2015-07-21\"}\n{\"title\": \"x\"}\n")?;
//! let items: Vec<Item> = Corpus::new(vec![dir.clone()], ReadOptions::default()).collect();
//! assert!(matches!(&items[0], Item::Record(r) if r.input.published.as_deref() == Some("2015-07-21")));
//! assert!(matches!(&items[1], Item::Skipped(s) if s.kind == hadath_corpus::SkipKind::NoText));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), std::io::Error>(())
//! ```
#![deny(missing_docs)]

use std::collections::VecDeque;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use hadath_core::decode::{decode, EncodingChoice};
use hadath_core::input::{html_to_text, looks_like_html, parse_home, parse_published};
use hadath_core::Input;

mod feed;
mod fields;
mod html;

pub use fields::FieldMap;

/// How to read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Text encoding (auto by default).
    pub encoding: EncodingChoice,
    /// Replace invalid bytes with U+FFFD instead of skipping the input.
    pub lossy: bool,
    /// Largest file, archive member or JSONL line accepted, in bytes.
    pub max_bytes: u64,
    /// Where record fields are found.
    pub fields: FieldMap,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            encoding: EncodingChoice::Auto,
            lossy: false,
            max_bytes: 64 * 1024 * 1024,
            fields: FieldMap::default(),
        }
    }
}

/// One article read from the corpus.
#[derive(Debug, Clone)]
pub struct Record {
    /// The article.
    pub input: Input,
    /// Where it came from: `path`, `path:LINE` (JSONL), `path#INDEX` (JSON array), `archive!member…`.
    pub origin: String,
}

/// Why something was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SkipKind {
    /// The file could not be opened or read.
    Unreadable,
    /// An empty file (or only whitespace).
    Empty,
    /// Larger than the size limit.
    TooLarge,
    /// Not valid in its encoding.
    Encoding,
    /// Binary data, not text.
    Binary,
    /// A corrupt or truncated archive (zip, gzip).
    Archive,
    /// A record that is not valid JSON or not an object.
    BadRecord,
    /// A record, page or file without any text.
    NoText,
    /// An RSS or Atom feed that did not parse (malformed XML, a truncated file).
    BadFeed,
    /// An `.xml` / `.rss` / `.atom` file that is not an RSS or Atom feed.
    NotFeed,
}

impl SkipKind {
    /// A short label for summaries.
    pub fn label(self) -> &'static str {
        match self {
            SkipKind::Unreadable => "unreadable",
            SkipKind::Empty => "empty",
            SkipKind::TooLarge => "too large",
            SkipKind::Encoding => "bad encoding",
            SkipKind::Binary => "binary data",
            SkipKind::Archive => "corrupt archive",
            SkipKind::BadRecord => "bad record",
            SkipKind::NoText => "no text",
            SkipKind::BadFeed => "malformed feed",
            SkipKind::NotFeed => "not a feed",
        }
    }
}

impl fmt::Display for SkipKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Something that was not read.
#[derive(Debug, Clone)]
pub struct Skip {
    /// Where.
    pub origin: String,
    /// Why, as a category.
    pub kind: SkipKind,
    /// Why, in words.
    pub message: String,
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

/// What the corpus yields.
#[derive(Debug, Clone)]
pub enum Item {
    /// An article.
    Record(Record),
    /// Something skipped.
    Skipped(Skip),
}

fn skip(origin: impl Into<String>, kind: SkipKind, message: impl Into<String>) -> Item {
    Item::Skipped(Skip { origin: origin.into(), kind, message: message.into() })
}

/// The kinds of content a file can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Html,
    Jsonl,
    Json,
    Zip,
    Gz,
    Feed,
}

fn kind_of(name: &str) -> Kind {
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "jsonl" | "ndjson" => Kind::Jsonl,
        "json" => Kind::Json,
        "html" | "htm" | "xhtml" => Kind::Html,
        "zip" => Kind::Zip,
        "gz" | "gzip" => Kind::Gz,
        "xml" | "rss" | "atom" => Kind::Feed,
        _ => Kind::Text,
    }
}

/// Walks paths and yields articles and skips, lazily (one file or archive member in memory at a time).
pub struct Corpus {
    opts: ReadOptions,
    /// Paths still to visit (folders expand in place, in name order).
    pending: VecDeque<PathBuf>,
    /// Items of the current file, ready to hand out.
    ready: VecDeque<Item>,
    /// A JSONL file being streamed from disk.
    stream: Option<JsonlStream>,
    /// A zip archive being read member by member.
    zip: Option<ZipState>,
    progress: ProgressState,
}

/// How far a [`Corpus`] has read, in bytes of its input files (an estimate inside a file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Bytes read (whole files, plus the share of the current one).
    pub done: u64,
    /// Bytes of all the input files.
    pub total: u64,
}

#[derive(Debug, Default)]
struct ProgressState {
    total: u64,
    finished: u64,
    /// Size of the file being read.
    cur_size: u64,
    /// Items of the current blob queued, and handed out since.
    queued: usize,
    popped: usize,
    /// Raw bytes consumed by the current stream.
    stream_bytes: Arc<AtomicU64>,
}

/// Counts the bytes read through it.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn total_size(p: &Path) -> u64 {
    match std::fs::metadata(p) {
        Ok(m) if m.is_dir() => std::fs::read_dir(p)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                    .map(|e| total_size(&e.path()))
                    .sum()
            })
            .unwrap_or(0),
        Ok(m) => m.len(),
        Err(_) => 0,
    }
}

struct ZipState {
    name: String,
    archive: zip::ZipArchive<std::fs::File>,
    next: usize,
}

struct JsonlStream {
    name: String,
    reader: BufReader<Box<dyn Read + Send>>,
    line: usize,
    buf: Vec<u8>,
}

impl Corpus {
    /// A corpus over these files and folders.
    pub fn new(paths: Vec<PathBuf>, opts: ReadOptions) -> Corpus {
        let total = paths.iter().map(|p| total_size(p)).sum();
        Corpus {
            opts,
            pending: paths.into(),
            ready: VecDeque::new(),
            stream: None,
            zip: None,
            progress: ProgressState { total, ..Default::default() },
        }
    }

    /// How far the walk has got.
    pub fn progress(&self) -> Progress {
        let p = &self.progress;
        let blob = if p.queued > 0 { p.popped.min(p.queued) as f64 / p.queued as f64 } else { 0.0 };
        let frac = if let Some(z) = &self.zip {
            let members = z.archive.len().max(1) as f64;
            ((z.next.saturating_sub(1)) as f64 + blob) / members
        } else if self.stream.is_some() {
            p.stream_bytes.load(Ordering::Relaxed) as f64 / p.cur_size.max(1) as f64
        } else {
            blob
        };
        let done = p.finished + (p.cur_size as f64 * frac.clamp(0.0, 1.0)) as u64;
        Progress { done: done.min(p.total), total: p.total }
    }

    fn start_file(&mut self, size: u64) {
        let p = &mut self.progress;
        p.finished += p.cur_size;
        p.cur_size = size;
        p.queued = 0;
        p.popped = 0;
        p.stream_bytes = Arc::new(AtomicU64::new(0));
    }

    fn counted(&self, f: std::fs::File) -> Box<dyn Read + Send> {
        Box::new(Counting { inner: f, count: self.progress.stream_bytes.clone() })
    }

    fn visit(&mut self, path: PathBuf) {
        let name = path.display().to_string();
        let meta = match std::fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                self.ready.push_back(skip(name, SkipKind::Unreadable, format!("cannot open: {e}")));
                return;
            }
        };
        if !meta.is_dir() {
            self.start_file(meta.len());
        }
        if meta.is_dir() {
            match std::fs::read_dir(&path) {
                Ok(rd) => {
                    let mut entries: Vec<PathBuf> = rd
                        .filter_map(|e| e.ok())
                        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                        .map(|e| e.path())
                        .collect();
                    entries.sort();
                    for e in entries.into_iter().rev() {
                        self.pending.push_front(e);
                    }
                }
                Err(e) => self.ready.push_back(skip(name, SkipKind::Unreadable, format!("cannot list folder: {e}"))),
            }
            return;
        }
        match kind_of(&name) {
            Kind::Zip => match std::fs::File::open(&path)
                .map_err(|e| e.to_string())
                .and_then(|f| zip::ZipArchive::new(f).map_err(|e| format!("not a readable zip archive ({e})")))
            {
                Ok(archive) => self.zip = Some(ZipState { name, archive, next: 0 }),
                Err(e) => self.ready.push_back(skip(name, SkipKind::Archive, e)),
            },
            Kind::Jsonl => match std::fs::File::open(&path) {
                Ok(f) => self.stream = Some(JsonlStream::new(name, self.counted(f))),
                Err(e) => self.ready.push_back(skip(name, SkipKind::Unreadable, format!("cannot open: {e}"))),
            },
            Kind::Gz => match std::fs::File::open(&path) {
                Ok(f) => {
                    let r = self.counted(f);
                    self.gz(name, r)
                }
                Err(e) => self.ready.push_back(skip(name, SkipKind::Unreadable, format!("cannot open: {e}"))),
            },
            kind => {
                if meta.len() > self.opts.max_bytes {
                    self.ready.push_back(too_large(&name, self.opts.max_bytes));
                    return;
                }
                match std::fs::read(&path) {
                    Ok(bytes) => self.blob(&name, kind, &bytes),
                    Err(e) => self.ready.push_back(skip(name, SkipKind::Unreadable, format!("cannot read: {e}"))),
                }
            }
        }
    }

    /// A gzip stream: `x.jsonl.gz` streams line by line; anything else is decompressed (up to the limit)
    /// and read by its inner name.
    fn gz(&mut self, name: String, raw: Box<dyn Read + Send>) {
        let inner = name.trim_end_matches(".gz").trim_end_matches(".GZ").trim_end_matches(".gzip").to_string();
        let dec = flate2::read::MultiGzDecoder::new(raw);
        match kind_of(&inner) {
            Kind::Jsonl => self.stream = Some(JsonlStream::new(name, Box::new(dec))),
            Kind::Gz | Kind::Zip => {
                self.ready.push_back(skip(name, SkipKind::Archive, "nested archives inside gzip are not read"))
            }
            kind => {
                let mut bytes = Vec::new();
                match dec.take(self.opts.max_bytes + 1).read_to_end(&mut bytes) {
                    Ok(n) if n as u64 > self.opts.max_bytes => {
                        self.ready.push_back(too_large(&name, self.opts.max_bytes))
                    }
                    Ok(_) => self.blob(&name, kind, &bytes),
                    Err(e) => self.ready.push_back(skip(
                        name,
                        SkipKind::Archive,
                        format!("corrupt or truncated gzip stream ({e}); nothing read from it"),
                    )),
                }
            }
        }
    }

    /// One zip member.
    fn zip_member(&mut self) -> bool {
        let Some(z) = self.zip.as_mut() else { return false };
        if z.next >= z.archive.len() {
            self.zip = None;
            return false;
        }
        let i = z.next;
        z.next += 1;
        let max = self.opts.max_bytes;
        let zname = z.name.clone();
        let read = match z.archive.by_index(i) {
            Ok(mut entry) => {
                let member = format!("{zname}!{}", entry.name());
                if entry.is_dir() {
                    return true;
                }
                if entry.size() > max {
                    Err(too_large(&member, max))
                } else {
                    let mut bytes = Vec::with_capacity(entry.size().min(max) as usize);
                    match (&mut entry).take(max + 1).read_to_end(&mut bytes) {
                        Ok(n) if n as u64 > max => Err(too_large(&member, max)),
                        Ok(_) => Ok((member, bytes)),
                        Err(e) => Err(skip(member, SkipKind::Archive, format!("corrupt zip member ({e})"))),
                    }
                }
            }
            Err(e) => Err(skip(format!("{zname}!#{i}"), SkipKind::Archive, format!("corrupt zip member ({e})"))),
        };
        match read {
            Ok((member, bytes)) => match kind_of(&member) {
                Kind::Zip => self.ready.push_back(skip(member, SkipKind::Archive, "nested zip archives are not read")),
                Kind::Gz => self.gz(member, Box::new(std::io::Cursor::new(bytes))),
                Kind::Jsonl => self.stream = Some(JsonlStream::new(member, Box::new(std::io::Cursor::new(bytes)))),
                kind => self.blob(&member, kind, &bytes),
            },
            Err(item) => self.ready.push_back(item),
        }
        true
    }

    /// A whole file's bytes.
    fn blob(&mut self, name: &str, kind: Kind, bytes: &[u8]) {
        self.blob_items(name, kind, bytes);
        self.progress.queued = self.ready.len();
        self.progress.popped = 0;
    }

    fn blob_items(&mut self, name: &str, kind: Kind, bytes: &[u8]) {
        if let Some(item) = binary_check(name, bytes) {
            self.ready.push_back(item);
            return;
        }
        // Feeds are parsed from their bytes (the XML declaration names the encoding); a file of another
        // name is a feed when its root element says so.
        if kind == Kind::Feed || (kind == Kind::Text && feed::sniff(bytes) == feed::Sniff::Feed) {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                self.ready.push_back(skip(name, SkipKind::Empty, "empty file"));
                return;
            }
            let mut items = Vec::new();
            feed::read(name, bytes, &mut items);
            self.ready.extend(items);
            return;
        }
        let (text, warnings) = match decode(bytes, self.opts.encoding, self.opts.lossy) {
            Ok(d) => (d.text, d.warnings),
            Err(hadath_core::decode::DecodeError::Empty) => {
                self.ready.push_back(skip(name, SkipKind::Empty, "empty file"));
                return;
            }
            Err(e) => {
                self.ready.push_back(skip(name, SkipKind::Encoding, e.to_string()));
                return;
            }
        };
        match kind {
            Kind::Json => self.json(name, &text, warnings),
            Kind::Jsonl => {
                for (i, line) in text.split('\n').enumerate() {
                    let line = line.trim_end_matches('\r');
                    if line.trim().is_empty() {
                        continue;
                    }
                    let origin = format!("{name}:{}", i + 1);
                    self.ready.push_back(record_from_line(&origin, line, &self.opts.fields, warnings.clone()));
                }
            }
            Kind::Html => {
                let meta = html::meta(&text);
                let body = html_to_text(&text);
                self.ready.push_back(text_item(name, body, warnings, meta));
            }
            _ => {
                if looks_like_html(&text) {
                    let meta = html::meta(&text);
                    let mut w = warnings;
                    w.push("input looks like HTML; its readable text was extracted".into());
                    self.ready.push_back(text_item(name, html_to_text(&text), w, meta));
                } else {
                    self.ready.push_back(text_item(name, text, warnings, html::Meta::default()));
                }
            }
        }
    }

    fn json(&mut self, name: &str, text: &str, warnings: Vec<String>) {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Array(items)) => {
                for (i, v) in items.into_iter().enumerate() {
                    let origin = format!("{name}#{i}");
                    self.ready.push_back(record_from_value(&origin, v, &self.opts.fields, warnings.clone()));
                }
            }
            Ok(v @ serde_json::Value::Object(_)) => {
                self.ready.push_back(record_from_value(name, v, &self.opts.fields, warnings))
            }
            Ok(_) => self.ready.push_back(skip(
                name,
                SkipKind::BadRecord,
                "JSON is neither an array of records nor a record",
            )),
            Err(e) if text.trim_start().starts_with('{') && text.trim().contains('\n') => {
                // JSON Lines under a .json name.
                let _ = e;
                self.blob_jsonl_text(name, text, warnings);
            }
            Err(e) => self.ready.push_back(skip(name, SkipKind::BadRecord, format!("not valid JSON: {e}"))),
        }
    }

    fn blob_jsonl_text(&mut self, name: &str, text: &str, warnings: Vec<String>) {
        for (i, line) in text.split('\n').enumerate() {
            let line = line.trim_end_matches('\r');
            if !line.trim().is_empty() {
                let origin = format!("{name}:{}", i + 1);
                self.ready.push_back(record_from_line(&origin, line, &self.opts.fields, warnings.clone()));
            }
        }
    }

    /// The next line of the current JSONL stream, if any.
    fn stream_next(&mut self) -> Option<Item> {
        let s = self.stream.as_mut()?;
        let max = self.opts.max_bytes;
        loop {
            s.line += 1;
            let origin = format!("{}:{}", s.name, s.line);
            match read_line_limited(&mut s.reader, &mut s.buf, max) {
                Ok(LineRead::Eof) => {
                    self.stream = None;
                    return None;
                }
                Ok(LineRead::TooLong(n)) => {
                    return Some(skip(
                        origin,
                        SkipKind::TooLarge,
                        format!("line of {n} bytes is larger than the limit of {max} bytes (--max-bytes)"),
                    ))
                }
                Ok(LineRead::Line) => {
                    if s.buf.iter().all(|b| b.is_ascii_whitespace()) {
                        continue;
                    }
                    let bytes = std::mem::take(&mut s.buf);
                    let item = match decode(&bytes, self.opts.encoding, self.opts.lossy) {
                        Ok(d) => {
                            record_from_line(&origin, d.text.trim_end_matches('\r'), &self.opts.fields, d.warnings)
                        }
                        Err(e) => skip(origin, SkipKind::Encoding, e.to_string()),
                    };
                    s.buf = bytes;
                    s.buf.clear();
                    return Some(item);
                }
                Err(e) => {
                    let name = s.name.clone();
                    self.stream = None;
                    let gz = name.to_ascii_lowercase().ends_with(".gz");
                    return Some(skip(
                        format!("{name}:{}", origin.rsplit(':').next().unwrap_or("")),
                        if gz { SkipKind::Archive } else { SkipKind::Unreadable },
                        if gz {
                            format!("corrupt or truncated gzip stream ({e}); the rest of the file is skipped")
                        } else {
                            format!("read error ({e}); the rest of the file is skipped")
                        },
                    ));
                }
            }
        }
    }
}

impl Iterator for Corpus {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                self.progress.popped += 1;
                return Some(item);
            }
            if self.stream.is_some() {
                if let Some(item) = self.stream_next() {
                    return Some(item);
                }
                continue;
            }
            if self.zip.is_some() {
                self.zip_member();
                continue;
            }
            let Some(path) = self.pending.pop_front() else {
                self.start_file(0);
                return None;
            };
            self.visit(path);
        }
    }
}

impl JsonlStream {
    fn new(name: String, r: Box<dyn Read + Send>) -> JsonlStream {
        JsonlStream { name, reader: BufReader::with_capacity(256 * 1024, r), line: 0, buf: Vec::new() }
    }
}

enum LineRead {
    Line,
    TooLong(u64),
    Eof,
}

/// Reads one line into `buf` (without the newline), never holding more than `max` bytes: a longer line
/// is consumed and reported as [`LineRead::TooLong`] with its length.
fn read_line_limited<R: BufRead>(r: &mut R, buf: &mut Vec<u8>, max: u64) -> std::io::Result<LineRead> {
    buf.clear();
    let mut total = 0u64;
    let mut any = false;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(if !any {
                LineRead::Eof
            } else if total > max {
                LineRead::TooLong(total)
            } else {
                LineRead::Line
            });
        }
        any = true;
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        total += take as u64;
        if total <= max {
            buf.extend_from_slice(&chunk[..take]);
        } else if !buf.is_empty() {
            buf.clear();
            buf.shrink_to(64 * 1024);
        }
        r.consume(if done { take + 1 } else { take });
        if done {
            return Ok(if total > max { LineRead::TooLong(total) } else { LineRead::Line });
        }
    }
}

fn too_large(name: &str, max: u64) -> Item {
    skip(name, SkipKind::TooLarge, format!("larger than the limit of {max} bytes (--max-bytes)"))
}

/// Binary data: NUL bytes or many control characters in the first 8 KiB (UTF-16 with a BOM is text).
fn binary_check(name: &str, bytes: &[u8]) -> Option<Item> {
    let head = &bytes[..bytes.len().min(8192)];
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return None;
    }
    let nul = head.iter().filter(|&&b| b == 0).count();
    let ctrl = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C)).count();
    if nul > 0 || (head.len() >= 32 && ctrl * 10 > head.len()) {
        return Some(skip(name, SkipKind::Binary, "binary data, not text"));
    }
    None
}

fn text_item(name: &str, text: String, warnings: Vec<String>, meta: html::Meta) -> Item {
    if text.trim().is_empty() {
        return skip(name, SkipKind::NoText, "no text");
    }
    let mut input = Input { text, warnings, ..Default::default() };
    input.title = meta.title;
    input.outlet = meta.site;
    input.url = meta.url;
    if let Some(p) = meta.published.and_then(|p| parse_published(&p).ok()) {
        input.published = Some(p);
    }
    Item::Record(Record { input, origin: name.to_string() })
}

fn record_from_line(origin: &str, line: &str, fields: &FieldMap, warnings: Vec<String>) -> Item {
    match serde_json::from_str::<serde_json::Value>(line) {
        Ok(v) => record_from_value(origin, v, fields, warnings),
        Err(e) => skip(origin, SkipKind::BadRecord, format!("not a JSON record: {e}")),
    }
}

fn value_string(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A JSON record → an article, by the field map.
fn record_from_value(origin: &str, v: serde_json::Value, fields: &FieldMap, mut warnings: Vec<String>) -> Item {
    let serde_json::Value::Object(obj) = v else {
        return skip(origin, SkipKind::BadRecord, "a record must be a JSON object");
    };
    let get = |names: &[String]| names.iter().find_map(|n| obj.get(n).and_then(value_string));
    let Some(text) = get(&fields.text) else {
        return skip(
            origin,
            SkipKind::NoText,
            format!("record has no text (looked for {}; use --field text=NAME)", fields.text.join(", ")),
        );
    };
    let published = match get(&fields.published) {
        Some(p) => match parse_published(&p) {
            Ok(d) => Some(d),
            Err(e) => {
                warnings.push(format!("{e}; ignored"));
                None
            }
        },
        None => None,
    };
    let home = match get(&fields.home) {
        Some(h) => match parse_home(&h) {
            Ok(h) => Some(h),
            Err(e) => {
                warnings.push(format!("{e}; ignored"));
                None
            }
        },
        None => None,
    };
    let input = Input {
        id: get(&fields.id),
        text,
        title: get(&fields.title),
        published,
        url: get(&fields.url),
        outlet: get(&fields.outlet),
        home,
        warnings,
    };
    Item::Record(Record { input, origin: origin.to_string() })
}

#[cfg(test)]
mod tests;
