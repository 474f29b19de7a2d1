//! hadath's service: a JSON API over the extraction engine and a store, documented by an OpenAPI 3
//! document ([`openapi_json`]), and an Arabic-first web UI whose every asset is inside the binary.
//!
//! [`app`] builds the router from an [`AppState`] (tests bind it to an ephemeral port with [`serve`]);
//! `hadath serve` runs it with [`run`].
//!
//! - `POST /api/extract`: an article (plain text, or JSON with `text`, `published`, `home` …) → the schema-1
//!   document, text included.
//! - `GET /api/search`, `/api/articles/{id}`, `/api/events`, `/api/dyads`, `/api/actors`: queries over the
//!   store (503 when the server was started without one).
//! - `POST /api/articles`: ingest one article or a JSONL batch; only with an ingest token, then with
//!   `Authorization: Bearer TOKEN`.
//! - `GET /healthz`, `GET /metrics` (Prometheus text format), `GET /api/openapi.json`.
//!
//! Limits: a request body limit, a per-request timeout, a bound on requests in flight, and separate
//! bounds on concurrent extractions and store queries (both run on blocking threads). Every error is a
//! JSON object `{"error": "…", "status": N}`.
#![deny(missing_docs)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::Router;
use tokio::sync::Semaphore;

use hadath_core::Engine;
use hadath_store::SqliteStore;

mod api;
mod metrics;
mod ui;

pub use api::{ApiDoc, ErrorBody};
pub use metrics::Metrics;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The store to serve (none: only the extraction endpoint and Try it work; the store's endpoints answer
    /// 503).
    pub db: Option<PathBuf>,
    /// Largest request body, in bytes.
    pub body_limit: usize,
    /// The token that enables `POST /api/articles` (none: ingest is disabled and the server is read-only).
    pub ingest_token: Option<String>,
    /// Time allowed for one request.
    pub timeout: Duration,
    /// Requests handled at once (the rest wait their turn).
    pub max_requests: usize,
    /// Extractions running at once (each takes a core).
    pub extract_workers: usize,
    /// Store queries running at once.
    pub db_workers: usize,
    /// Search answers kept in memory, by query and filters (0: none); emptied by every ingest.
    pub search_cache: usize,
}

/// The default body limit: 2 MB.
pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

impl Default for Config {
    fn default() -> Config {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Config {
            db: None,
            body_limit: DEFAULT_BODY_LIMIT,
            ingest_token: None,
            timeout: Duration::from_secs(30),
            max_requests: 256,
            extract_workers: cores,
            db_workers: (2 * cores).max(4),
            search_cache: 256,
        }
    }
}

/// Read-only store connections, reused across requests (each keeps its search index open).
pub(crate) struct StorePool {
    path: PathBuf,
    idle: Mutex<Vec<SqliteStore>>,
    generation: AtomicU64,
    max_idle: usize,
}

impl StorePool {
    /// A connection and the pool generation it belongs to.
    pub(crate) fn get(&self) -> hadath_store::Result<(SqliteStore, u64)> {
        let generation = self.generation.load(Ordering::Acquire);
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        match idle {
            Some(s) => Ok((s, generation)),
            None => Ok((SqliteStore::open_read_only(&self.path)?, generation)),
        }
    }

    /// Gives a connection back (dropped when the pool was invalidated since it was taken).
    pub(crate) fn put(&self, s: SqliteStore, generation: u64) {
        if generation != self.generation.load(Ordering::Acquire) {
            return;
        }
        if let Ok(mut v) = self.idle.lock() {
            if v.len() < self.max_idle {
                v.push(s);
            }
        }
    }

    /// Drops every idle connection (after an ingest, so that searches see the new index commit).
    pub(crate) fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Ok(mut v) = self.idle.lock() {
            v.clear();
        }
    }
}

/// What every handler shares: the engine, the store, the limits and the metrics.
pub struct AppState {
    pub(crate) cfg: Config,
    pub(crate) engine: Arc<Engine>,
    pub(crate) pool: Option<Arc<StorePool>>,
    pub(crate) writer: Arc<Mutex<Option<SqliteStore>>>,
    pub(crate) extract_sem: Arc<Semaphore>,
    pub(crate) db_sem: Arc<Semaphore>,
    pub(crate) metrics: Metrics,
    pub(crate) search_cache: Mutex<SearchCache>,
}

/// Recent search answers, least recently used dropped first.
#[derive(Default)]
pub(crate) struct SearchCache {
    entries: std::collections::HashMap<String, (Arc<Vec<hadath_store::SearchHit>>, u64)>,
    tick: u64,
}

impl SearchCache {
    pub(crate) fn get(&mut self, key: &str) -> Option<Arc<Vec<hadath_store::SearchHit>>> {
        self.tick += 1;
        let tick = self.tick;
        self.entries.get_mut(key).map(|(hits, used)| {
            *used = tick;
            hits.clone()
        })
    }

    pub(crate) fn put(&mut self, key: String, hits: Arc<Vec<hadath_store::SearchHit>>, cap: usize) {
        if cap == 0 {
            return;
        }
        if self.entries.len() >= cap && !self.entries.contains_key(&key) {
            if let Some(oldest) = self.entries.iter().min_by_key(|(_, (_, used))| *used).map(|(k, _)| k.clone()) {
                self.entries.remove(&oldest);
            }
        }
        self.tick += 1;
        self.entries.insert(key, (hits, self.tick));
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("db", &self.cfg.db).finish_non_exhaustive()
    }
}

impl AppState {
    /// Loads the engine and checks the store. With an ingest token the store is created when missing;
    /// without one it must exist.
    pub fn new(cfg: Config) -> Result<AppState, String> {
        let engine = Engine::new().map_err(|e| format!("loading the engine: {e}"))?;
        AppState::with_engine(cfg, Arc::new(engine))
    }

    /// As [`AppState::new`], with an engine already loaded (tests share one).
    pub fn with_engine(cfg: Config, engine: Arc<Engine>) -> Result<AppState, String> {
        let pool = match &cfg.db {
            Some(path) => {
                if cfg.ingest_token.is_some() {
                    // Creates the file (and migrates an older one) so that readers can open it.
                    SqliteStore::open(path).map_err(|e| format!("{}: cannot open the store: {e}", path.display()))?;
                }
                let first = SqliteStore::open_read_only(path)
                    .map_err(|e| format!("{}: cannot open the store: {e}", path.display()))?;
                let pool = StorePool {
                    path: path.clone(),
                    idle: Mutex::new(vec![first]),
                    generation: AtomicU64::new(0),
                    max_idle: cfg.db_workers.max(1),
                };
                Some(Arc::new(pool))
            }
            None => None,
        };
        Ok(AppState {
            extract_sem: Arc::new(Semaphore::new(cfg.extract_workers.max(1))),
            db_sem: Arc::new(Semaphore::new(cfg.db_workers.max(1))),
            cfg,
            engine,
            pool,
            writer: Arc::new(Mutex::new(None)),
            metrics: Metrics::default(),
            search_cache: Mutex::new(SearchCache::default()),
        })
    }
}

/// The router: API, UI, health and metrics, with the limits and the metrics layer.
pub fn app(state: Arc<AppState>) -> Router {
    let body_limit = state.cfg.body_limit;
    let timeout = state.cfg.timeout;
    let max_requests = state.cfg.max_requests.max(1);
    Router::new()
        .merge(api::routes())
        .merge(ui::routes())
        .layer(tower_http::limit::RequestBodyLimitLayer::new(body_limit))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(max_requests))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::observe))
        .with_state(state)
}

/// Serves the app on a bound listener until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state)).with_graceful_shutdown(shutdown).await
}

/// The OpenAPI 3 document of the API, as pretty-printed JSON (checked in as `docs/openapi.json`).
pub fn openapi_json() -> String {
    use utoipa::OpenApi;
    let mut s = ApiDoc::openapi().to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}

/// Runs the server until Ctrl-C or SIGTERM (`hadath serve`): builds the runtime, binds `addr`, prints where
/// it listens.
pub fn run(cfg: Config, addr: SocketAddr) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    let state = Arc::new(AppState::new(cfg)?);
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("binding {addr}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        eprintln!(
            "hadath: serving on http://{local}/ (store: {}; ingest {})",
            state.cfg.db.as_ref().map_or("none".to_string(), |p| p.display().to_string()),
            if state.cfg.ingest_token.is_some() { "enabled" } else { "disabled" }
        );
        serve(listener, state, shutdown_signal()).await.map_err(|e| format!("serving: {e}"))
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
