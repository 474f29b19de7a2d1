//! `hadath serve`: the JSON API and the web UI (crates/hadath-serve).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The store to serve (written by hadath ingest). Without it, only Try it and POST /api/extract work;
    /// the store's endpoints answer 503.
    #[arg(long)]
    db: Option<PathBuf>,
    /// Address to listen on (loopback by default; 0.0.0.0:8080 opens it to the network).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Largest request body, in bytes.
    #[arg(long, default_value_t = hadath_serve::DEFAULT_BODY_LIMIT)]
    body_limit: usize,
    /// Enables POST /api/articles (ingest into --db, created if missing), which then requires
    /// "Authorization: Bearer TOKEN". Without a token the server is read-only.
    #[arg(long, env = "HADATH_INGEST_TOKEN", hide_env_values = true)]
    ingest_token: Option<String>,
    /// Seconds allowed for one request.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Requests handled at once (the rest wait).
    #[arg(long, default_value_t = 256)]
    max_requests: usize,
    /// Articles analysed at once (default: the number of cores).
    #[arg(long)]
    extract_workers: Option<usize>,
    /// Search answers kept in memory (least recently used dropped first; 0: no cache). Emptied by every
    /// ingest.
    #[arg(long, default_value_t = 256)]
    search_cache: usize,
}

pub fn run(a: ServeArgs) -> Result<i32> {
    let mut cfg = hadath_serve::Config {
        db: a.db,
        body_limit: a.body_limit,
        ingest_token: a.ingest_token.filter(|t| !t.is_empty()),
        timeout: Duration::from_secs(a.timeout.max(1)),
        max_requests: a.max_requests,
        search_cache: a.search_cache,
        ..Default::default()
    };
    if let Some(n) = a.extract_workers {
        cfg.extract_workers = n.max(1);
    }
    if cfg.ingest_token.is_some() && cfg.db.is_none() {
        anyhow::bail!("--ingest-token needs --db (the store to ingest into)");
    }
    hadath_serve::run(cfg, a.addr).map_err(anyhow::Error::msg)?;
    Ok(0)
}
