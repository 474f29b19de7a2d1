//! `hadath search`: ranked full-text search over a store, with highlighted snippets.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;

use hadath_store::{SearchQuery, Store};

use crate::store_cmd::QueryFormat;

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The store.
    #[arg(long)]
    db: PathBuf,
    /// Instead of one query, time every query of this file (one per line) and print the latencies
    /// (median, p99, max; the index is opened by a first query that is not counted).
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    bench: Option<PathBuf>,
    /// The query: words (all must occur; forms with clitics, the article and common suffixes match:
    /// أذربيجان finds لأذربيجان and والأذربيجانية), "quoted phrases", OR between alternatives.
    #[arg(required_unless_present = "bench", default_value = "")]
    query: String,
    /// At most this many articles.
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Only articles of this outlet.
    #[arg(long)]
    outlet: Option<String>,
    /// Published on or after (YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long)]
    from: Option<String>,
    /// Published on or before.
    #[arg(long)]
    to: Option<String>,
    /// Only articles with an actor whose CAMEO code (country + agent) starts with this: one of their
    /// entities, or the source or target of one of their events. ISR matches ISR, ISRGOV, ISRMIL …;
    /// ISRGOV only Israel's government; IGO bodies without a country.
    #[arg(long)]
    actor: Option<String>,
    /// Snippet length in characters (0: none).
    #[arg(long, default_value_t = 160)]
    snippet: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = QueryFormat::Table)]
    format: QueryFormat,
}

/// The snippet with its hits marked: bold on a terminal, else in square brackets.
fn mark(snippet: &str, ranges: &[(usize, usize)], tty: bool) -> String {
    let (open, close) = if tty { ("\x1b[1m", "\x1b[0m") } else { ("[", "]") };
    let mut out = String::with_capacity(snippet.len() + ranges.len() * 8);
    let mut at = 0;
    for &(s, e) in ranges {
        if s < at || e > snippet.len() || !snippet.is_char_boundary(s) || !snippet.is_char_boundary(e) {
            continue;
        }
        out.push_str(&snippet[at..s]);
        out.push_str(open);
        out.push_str(&snippet[s..e]);
        out.push_str(close);
        at = e;
    }
    out.push_str(&snippet[at..]);
    out.replace('\n', " ")
}

fn bench(a: &SearchArgs, file: &std::path::Path) -> Result<i32> {
    let store = crate::store_cmd::open(&a.db)?;
    let queries: Vec<String> = std::fs::read_to_string(file)?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    anyhow::ensure!(!queries.is_empty(), "{}: no queries", file.display());
    let q = |query: &str| SearchQuery {
        query: query.into(),
        limit: a.limit,
        outlet: a.outlet.clone(),
        from: a.from.clone(),
        to: a.to.clone(),
        actor: a.actor.clone(),
        snippet_chars: a.snippet,
    };
    let t = Instant::now();
    store.search(&q(&queries[0]))?;
    println!("opening the index and a first query: {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
    let mut ms = Vec::new();
    for query in &queries {
        let t = Instant::now();
        let hits = store.search(&q(query))?;
        let el = t.elapsed().as_secs_f64() * 1000.0;
        println!("{el:>8.2} ms  {:>3} hits  {query}", hits.len());
        ms.push(el);
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| ms[((ms.len() as f64 * p).ceil() as usize).clamp(1, ms.len()) - 1];
    println!(
        "{} queries (limit {}, snippets of {} chars): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms.len(),
        a.limit,
        a.snippet,
        pct(0.5),
        pct(0.99),
        ms[ms.len() - 1]
    );
    Ok(0)
}

pub fn run(a: SearchArgs) -> Result<i32> {
    if let Some(f) = &a.bench {
        return bench(&a, f);
    }
    let store = crate::store_cmd::open(&a.db)?;
    let q = SearchQuery {
        query: a.query.clone(),
        limit: a.limit,
        outlet: a.outlet,
        from: a.from,
        to: a.to,
        actor: a.actor,
        snippet_chars: a.snippet,
    };
    let t = Instant::now();
    let hits = store.search(&q)?;
    let took = t.elapsed();
    let stdout = io::stdout();
    let tty = stdout.is_terminal();
    let mut out = BufWriter::new(stdout.lock());
    match a.format {
        QueryFormat::Jsonl => {
            for h in &hits {
                serde_json::to_writer(&mut out, h)?;
                out.write_all(b"\n")?;
            }
        }
        QueryFormat::Csv => {
            writeln!(out, "article,score,published,outlet,title,url,snippet")?;
            for h in &hits {
                let f = |s: &str| {
                    if s.contains([',', '"', '\n']) {
                        format!("\"{}\"", s.replace('"', "\"\""))
                    } else {
                        s.to_string()
                    }
                };
                writeln!(
                    out,
                    "{},{:.3},{},{},{},{},{}",
                    h.article,
                    h.score,
                    h.published.as_deref().unwrap_or(""),
                    f(h.outlet.as_deref().unwrap_or("")),
                    f(h.title.as_deref().unwrap_or("")),
                    f(h.url.as_deref().unwrap_or("")),
                    f(&mark(&h.snippet, &h.highlighted, false))
                )?;
            }
        }
        QueryFormat::Table => {
            for (i, h) in hits.iter().enumerate() {
                writeln!(
                    out,
                    "{:>2}. {:>6.2}  {}  {}  #{}  {}",
                    i + 1,
                    h.score,
                    h.published.as_deref().unwrap_or("----------"),
                    h.outlet.as_deref().unwrap_or("-"),
                    h.article,
                    h.title.as_deref().unwrap_or("").replace('\n', " ")
                )?;
                if !h.snippet.is_empty() {
                    writeln!(out, "    {}", mark(&h.snippet, &h.highlighted, tty))?;
                }
            }
            writeln!(out, "{} articles ({:.1} ms)", hits.len(), took.as_secs_f64() * 1000.0)?;
        }
    }
    out.flush()?;
    Ok(0)
}
