//! Queries over a store: `hadath events`, `hadath dyads`, `hadath stats`, `hadath export`.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::ValueEnum;

use hadath_store::{DyadQuery, EventQuery, Interval, SqliteStore, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QueryFormat {
    /// Aligned columns for reading.
    Table,
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header line.
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    /// Aligned columns for reading.
    Table,
    /// One JSON object.
    Json,
    /// One JSON object per line: the totals, then one per outlet and one per month.
    Jsonl,
    /// Comma-separated values: section, key, articles, near_duplicates, events.
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The GDELT 2.0 event table: 61 tab-separated columns, no header (see the README for the mapping).
    Gdelt,
    /// PLOVER-style JSON records with their evidence sentences, one per line.
    Jsonl,
    /// Apache Parquet, one row per event.
    Parquet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IntervalArg {
    /// One row per pair over the whole store.
    All,
    /// Per ISO week.
    Week,
    /// Per month.
    Month,
}

/// Event filters shared by `events` and `export`.
#[derive(Debug, Clone, clap::Args)]
pub struct EventFilter {
    /// The store.
    #[arg(long)]
    db: PathBuf,
    /// Source actor's country (ISO alpha-3 / CAMEO: SAU, USA, IGO …).
    #[arg(long)]
    source: Option<String>,
    /// Target actor's country.
    #[arg(long)]
    target: Option<String>,
    /// Either actor's country.
    #[arg(long)]
    either: Option<String>,
    /// CAMEO root code(s), e.g. 04 or 14,19.
    #[arg(long, value_delimiter = ',')]
    root: Vec<String>,
    /// CAMEO code(s) or prefixes, e.g. 042 or 19,138.
    #[arg(long, value_delimiter = ',')]
    code: Vec<String>,
    /// Quad class(es) 1–4 (verbal / material cooperation, verbal / material conflict).
    #[arg(long, value_delimiter = ',', value_parser = clap::value_parser!(u8).range(1..=4))]
    quad: Vec<u8>,
    /// Event date on or after (YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long)]
    from: Option<String>,
    /// Event date on or before (YYYY-MM-DD; YYYY-MM or YYYY cover the whole month or year).
    #[arg(long)]
    to: Option<String>,
    /// The article's outlet (as stored, e.g. aawsat).
    #[arg(long)]
    outlet: Option<String>,
    /// Words the article must contain (title or text, as written).
    #[arg(long)]
    text: Option<String>,
}

impl EventFilter {
    fn query(&self, limit: Option<usize>) -> Result<EventQuery> {
        for d in [&self.from, &self.to].into_iter().flatten() {
            hadath_store::check_query_date(d).map_err(anyhow::Error::msg)?;
        }
        Ok(EventQuery {
            source: self.source.clone(),
            target: self.target.clone(),
            either: self.either.clone(),
            roots: self.root.clone(),
            codes: self.code.clone(),
            quads: self.quad.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            outlet: self.outlet.clone(),
            text: self.text.clone(),
            articles: None,
            after: None,
            limit,
        })
    }
}

#[derive(Debug, clap::Args)]
pub struct EventsArgs {
    #[command(flatten)]
    filter: EventFilter,
    /// At most this many events.
    #[arg(long)]
    limit: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = QueryFormat::Table)]
    format: QueryFormat,
}

#[derive(Debug, clap::Args)]
pub struct DyadsArgs {
    /// The store.
    #[arg(long)]
    db: PathBuf,
    /// The pairs with most events (per interval when grouped).
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// Group per week or month.
    #[arg(long, value_enum, default_value_t = IntervalArg::All)]
    interval: IntervalArg,
    /// Event date on or after.
    #[arg(long)]
    from: Option<String>,
    /// Event date on or before.
    #[arg(long)]
    to: Option<String>,
    /// Keep pairs with the same country on both sides.
    #[arg(long)]
    domestic: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = QueryFormat::Table)]
    format: QueryFormat,
}

#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// The store.
    #[arg(long)]
    db: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
    format: StatsFormat,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    filter: EventFilter,
    /// Export format.
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// With gdelt: a first line naming the columns.
    #[arg(long)]
    header: bool,
    /// The file to write ("-" for standard output, except parquet).
    out: PathBuf,
}

pub(crate) fn open(db: &Path) -> Result<SqliteStore> {
    SqliteStore::open_read_only(db).with_context(|| format!("{}: cannot open the store", db.display()))
}

fn write_csv(out: &mut dyn Write, row: &[String]) -> io::Result<()> {
    out.write_all(hadath_store::export::csv_line(row).as_bytes())
}

/// Aligned columns; numbers right-aligned.
fn write_table(out: &mut dyn Write, headers: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, f) in widths.iter_mut().zip(r) {
            *w = (*w).max(f.chars().count());
        }
    }
    let numeric: Vec<bool> = (0..headers.len())
        .map(|i| {
            !rows.is_empty() && rows.iter().all(|r| r.get(i).is_some_and(|f| f.is_empty() || f.parse::<f64>().is_ok()))
        })
        .collect();
    let line = |out: &mut dyn Write, fields: Vec<&str>| -> io::Result<()> {
        let last = fields.len().saturating_sub(1);
        let mut s = String::new();
        for (i, f) in fields.iter().enumerate() {
            let pad = widths[i].saturating_sub(f.chars().count());
            if numeric[i] {
                s.push_str(&" ".repeat(pad));
                s.push_str(f);
            } else {
                s.push_str(f);
                if i != last {
                    s.push_str(&" ".repeat(pad));
                }
            }
            if i != last {
                s.push_str("  ");
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, headers.to_vec())?;
    for r in rows {
        line(out, r.iter().map(String::as_str).collect())?;
    }
    Ok(())
}

fn actor_code(a: &hadath_core::model::EventActor) -> String {
    format!("{}{}", a.country.as_deref().unwrap_or(""), a.agent.as_deref().unwrap_or(""))
}

pub fn events(a: EventsArgs) -> Result<i32> {
    let store = open(&a.filter.db)?;
    let q = a.filter.query(a.limit)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match a.format {
        QueryFormat::Jsonl => {
            store.events(&q, &mut |e| {
                serde_json::to_writer(&mut out, &e)?;
                out.write_all(b"\n")?;
                Ok(true)
            })?;
        }
        QueryFormat::Csv => {
            write_csv(&mut out, &hadath_store::export::EVENT_CSV_COLUMNS.map(String::from))?;
            store.events(&q, &mut |e| {
                write_csv(&mut out, &hadath_store::export::event_csv_row(&e))?;
                Ok(true)
            })?;
        }
        QueryFormat::Table => {
            let mut rows = Vec::new();
            store.events(&q, &mut |e| {
                let ev = &e.event;
                rows.push(vec![
                    e.id.to_string(),
                    ev.date.clone().unwrap_or_default(),
                    ev.code.clone(),
                    ev.quad_class.to_string(),
                    format!("{:.1}", ev.goldstein),
                    actor_code(&ev.source),
                    actor_code(&ev.target),
                    e.num_mentions.to_string(),
                    e.num_sources.to_string(),
                    e.outlet.clone().unwrap_or_default(),
                    ev.modality.clone(),
                    ev.summary_en.clone(),
                ]);
                Ok(true)
            })?;
            write_table(
                &mut out,
                &[
                    "id", "date", "code", "quad", "gold", "source", "target", "ment", "srcs", "outlet", "modality",
                    "summary",
                ],
                &rows,
            )?;
            writeln!(out, "{} events", rows.len())?;
        }
    }
    out.flush()?;
    Ok(0)
}

pub fn dyads(a: DyadsArgs) -> Result<i32> {
    let store = open(&a.db)?;
    let q = DyadQuery {
        top: a.top,
        interval: match a.interval {
            IntervalArg::All => Interval::All,
            IntervalArg::Week => Interval::Week,
            IntervalArg::Month => Interval::Month,
        },
        from: a.from,
        to: a.to,
        domestic: a.domestic,
        source: None,
        target: None,
    };
    let dyads = store.dyads(&q)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let grouped = q.interval != Interval::All;
    let row = |d: &hadath_store::Dyad| -> Vec<String> {
        let mut r = Vec::new();
        if grouped {
            r.push(d.interval.clone().unwrap_or_default());
        }
        r.extend([
            d.source.clone(),
            d.target.clone(),
            d.events.to_string(),
            d.mentions.to_string(),
            format!("{:.1}", d.goldstein),
            format!("{:.2}", d.goldstein_mean),
        ]);
        r.extend(d.quad.iter().map(|q| q.to_string()));
        r
    };
    let mut headers = Vec::new();
    if grouped {
        headers.push("interval");
    }
    headers.extend(["source", "target", "events", "mentions", "goldstein", "goldstein_mean", "q1", "q2", "q3", "q4"]);
    match a.format {
        QueryFormat::Jsonl => {
            for d in &dyads {
                serde_json::to_writer(&mut out, d)?;
                out.write_all(b"\n")?;
            }
        }
        QueryFormat::Csv => {
            write_csv(&mut out, &headers.iter().map(|h| h.to_string()).collect::<Vec<_>>())?;
            for d in &dyads {
                write_csv(&mut out, &row(d))?;
            }
        }
        QueryFormat::Table => {
            let rows: Vec<Vec<String>> = dyads.iter().map(row).collect();
            write_table(&mut out, &headers, &rows)?;
        }
    }
    out.flush()?;
    Ok(0)
}

pub fn stats(a: StatsArgs) -> Result<i32> {
    let store = open(&a.db)?;
    let s = store.stats()?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match a.format {
        StatsFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &s)?;
            writeln!(out)?;
        }
        StatsFormat::Jsonl => {
            let mut totals = serde_json::to_value(&s)?;
            if let Some(o) = totals.as_object_mut() {
                o.remove("by_outlet");
                o.remove("by_month");
                o.insert("section".into(), "totals".into());
            }
            serde_json::to_writer(&mut out, &totals)?;
            writeln!(out)?;
            for o in &s.by_outlet {
                let mut v = serde_json::to_value(o)?;
                v["section"] = "outlet".into();
                serde_json::to_writer(&mut out, &v)?;
                writeln!(out)?;
            }
            for m in &s.by_month {
                let mut v = serde_json::to_value(m)?;
                v["section"] = "month".into();
                serde_json::to_writer(&mut out, &v)?;
                writeln!(out)?;
            }
        }
        StatsFormat::Csv => {
            write_csv(&mut out, &["section", "key", "articles", "near_duplicates", "events"].map(String::from))?;
            write_csv(
                &mut out,
                &[
                    "total".into(),
                    String::new(),
                    s.articles.to_string(),
                    s.near_duplicates.to_string(),
                    s.events.to_string(),
                ],
            )?;
            for o in &s.by_outlet {
                write_csv(
                    &mut out,
                    &[
                        "outlet".into(),
                        o.outlet.clone(),
                        o.articles.to_string(),
                        o.near_duplicates.to_string(),
                        o.events.to_string(),
                    ],
                )?;
            }
            for m in &s.by_month {
                write_csv(
                    &mut out,
                    &[
                        "month".into(),
                        m.month.clone(),
                        m.articles.to_string(),
                        m.near_duplicates.to_string(),
                        m.events.to_string(),
                    ],
                )?;
            }
        }
        StatsFormat::Table => {
            let pct = |n: i64| if s.articles > 0 { 100.0 * n as f64 / s.articles as f64 } else { 0.0 };
            writeln!(out, "articles         {}", s.articles)?;
            writeln!(
                out,
                "near duplicates  {} ({:.1}%) in {} clusters",
                s.near_duplicates,
                pct(s.near_duplicates),
                s.clusters
            )?;
            writeln!(out, "entities         {} ({} mentions)", s.entities, s.mentions)?;
            writeln!(out, "times            {}", s.times)?;
            writeln!(out, "events           {} (+{} mentions in near copies)", s.events, s.event_mentions)?;
            writeln!(out, "schema version   {}", s.schema_version)?;
            writeln!(out)?;
            let rows: Vec<Vec<String>> = s
                .by_outlet
                .iter()
                .map(|o| {
                    vec![
                        if o.outlet.is_empty() { "(unknown)".into() } else { o.outlet.clone() },
                        o.articles.to_string(),
                        o.near_duplicates.to_string(),
                        o.events.to_string(),
                    ]
                })
                .collect();
            write_table(&mut out, &["outlet", "articles", "near_dups", "events"], &rows)?;
            writeln!(out)?;
            let rows: Vec<Vec<String>> = s
                .by_month
                .iter()
                .map(|m| {
                    vec![
                        if m.month.is_empty() { "(unknown)".into() } else { m.month.clone() },
                        m.articles.to_string(),
                        m.near_duplicates.to_string(),
                        m.events.to_string(),
                    ]
                })
                .collect();
            write_table(&mut out, &["month", "articles", "near_dups", "events"], &rows)?;
        }
    }
    out.flush()?;
    Ok(0)
}

pub fn export(a: ExportArgs) -> Result<i32> {
    let store = open(&a.filter.db)?;
    let q = a.filter.query(None)?;
    let to_stdout = a.out.as_os_str() == "-";
    let n = match a.format {
        ExportFormat::Parquet => {
            if to_stdout {
                bail!("parquet needs a file to write, not standard output");
            }
            hadath_store::export::parquet(&store, &q, &a.out)?
        }
        f => {
            let mut out: Box<dyn Write> = if to_stdout {
                Box::new(BufWriter::new(io::stdout().lock()))
            } else {
                Box::new(BufWriter::new(
                    std::fs::File::create(&a.out).with_context(|| format!("{}: cannot create", a.out.display()))?,
                ))
            };
            let n = if f == ExportFormat::Gdelt {
                hadath_store::export::gdelt(&store, &q, a.header, &mut out)?
            } else {
                hadath_store::export::jsonl(&store, &q, &mut out)?
            };
            out.flush()?;
            n
        }
    };
    if !to_stdout {
        eprintln!("hadath: {n} events written to {}", a.out.display());
    }
    Ok(0)
}
