//! Request counts and latencies (Prometheus text format), and the middleware that records them and turns
//! every error response into JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::ApiError;
use crate::AppState;

/// Upper bounds of the latency histogram's buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The server's counters.
#[derive(Default)]
pub struct Metrics {
    /// (method, route, status) → requests.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    /// route → latency histogram.
    latency: Mutex<BTreeMap<String, Histogram>>,
    in_flight: AtomicU64,
    pub(crate) documents_extracted: AtomicU64,
    pub(crate) articles_ingested: AtomicU64,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut m) = self.requests.lock() {
            *m.entry((method.to_string(), route.to_string(), status)).or_default() += 1;
        }
        if let Ok(mut m) = self.latency.lock() {
            let h = m.entry(route.to_string()).or_default();
            for (i, b) in BUCKETS.iter().enumerate() {
                if seconds <= *b {
                    h.counts[i] += 1;
                }
            }
            h.count += 1;
            h.sum += seconds;
        }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let esc = |v: &str| v.replace('\\', "\\\\").replace('"', "\\\"");
        s.push_str("# HELP hadath_http_requests_total HTTP requests by method, route and status.\n");
        s.push_str("# TYPE hadath_http_requests_total counter\n");
        if let Ok(m) = self.requests.lock() {
            for ((method, route, status), n) in m.iter() {
                let _ = writeln!(
                    s,
                    "hadath_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                    esc(method),
                    esc(route)
                );
            }
        }
        s.push_str("# HELP hadath_http_request_duration_seconds Time to answer, by route.\n");
        s.push_str("# TYPE hadath_http_request_duration_seconds histogram\n");
        if let Ok(m) = self.latency.lock() {
            for (route, h) in m.iter() {
                let r = esc(route);
                for (b, n) in BUCKETS.iter().zip(h.counts) {
                    let _ = writeln!(s, "hadath_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"{b}\"}} {n}");
                }
                let _ =
                    writeln!(s, "hadath_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"+Inf\"}} {}", h.count);
                let _ = writeln!(s, "hadath_http_request_duration_seconds_sum{{route=\"{r}\"}} {:.6}", h.sum);
                let _ = writeln!(s, "hadath_http_request_duration_seconds_count{{route=\"{r}\"}} {}", h.count);
            }
        }
        let gauge = |s: &mut String, name: &str, kind: &str, help: &str, v: u64| {
            let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {v}");
        };
        gauge(
            &mut s,
            "hadath_http_requests_in_flight",
            "gauge",
            "Requests being handled.",
            self.in_flight.load(Ordering::Relaxed),
        );
        gauge(
            &mut s,
            "hadath_documents_extracted_total",
            "counter",
            "Articles analysed by the engine (extract and ingest).",
            self.documents_extracted.load(Ordering::Relaxed),
        );
        gauge(
            &mut s,
            "hadath_articles_ingested_total",
            "counter",
            "Articles written into the store by POST /api/articles.",
            self.articles_ingested.load(Ordering::Relaxed),
        );
        s
    }
}

/// Records the request, and replaces the body of an error response that is not JSON (a rejection of the
/// body limit, a timeout, an unknown route) with a JSON error.
pub(crate) async fn observe(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "other".to_string(), |p| p.as_str().to_string());
    let method = req.method().to_string();
    // Counted down when the request ends, also when the client goes away and the future is dropped.
    struct InFlight<'a>(&'a AtomicU64);
    impl Drop for InFlight<'_> {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::Relaxed);
        }
    }
    st.metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let guard = InFlight(&st.metrics.in_flight);
    let mut res = next.run(req).await;
    drop(guard);
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        let body = std::mem::replace(res.body_mut(), Body::empty());
        let text = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
        let mut msg = String::from_utf8_lossy(&text).trim().to_string();
        if msg.is_empty() {
            msg = match status {
                StatusCode::SERVICE_UNAVAILABLE => format!("the request took longer than {:?}", st.cfg.timeout),
                StatusCode::NOT_FOUND => "no such page or endpoint".to_string(),
                StatusCode::METHOD_NOT_ALLOWED => "method not allowed here".to_string(),
                s => s.canonical_reason().unwrap_or("error").to_string(),
            };
        } else if status == StatusCode::PAYLOAD_TOO_LARGE {
            msg = format!("{msg} (the limit is {} bytes)", st.cfg.body_limit);
        }
        let headers = res.headers().clone();
        res = ApiError::new(status, msg).into_response();
        if let Some(v) = headers.get(header::ALLOW) {
            res.headers_mut().insert(header::ALLOW, v.clone());
        }
        if let Some(v) = headers.get(header::WWW_AUTHENTICATE) {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, v.clone());
        }
    }
    res.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    st.metrics.record(&method, &route, res.status().as_u16(), started.elapsed().as_secs_f64());
    res
}
