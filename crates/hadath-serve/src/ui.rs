//! The web UI: one HTML page, a script and a style sheet, compiled into the binary. The script renders
//! every page (Try it, search, article, dyad, network, events) from the JSON API, and puts article text
//! into the page only through `textContent`, never as HTML.

use std::sync::Arc;

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::AppState;

const INDEX: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
/// The bundled example article (Try it's "Example" button).
const EXAMPLE: &str = include_str!("../../../examples/seed-article.txt");

/// Scripts, styles and data from this server only: no CDN, no inline script.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(page))
        .route("/try", get(page))
        .route("/search", get(page))
        .route("/article/{id}", get(page))
        .route("/events", get(page))
        .route("/dyad", get(page))
        .route("/network", get(page))
        .route("/assets/app.js", get(|| asset(APP_JS, "text/javascript; charset=utf-8")))
        .route("/assets/app.css", get(|| asset(APP_CSS, "text/css; charset=utf-8")))
        .route("/assets/example.txt", get(|| asset(EXAMPLE, "text/plain; charset=utf-8")))
        .route("/favicon.ico", get(|| async { axum::http::StatusCode::NO_CONTENT }))
}

async fn page() -> Response {
    let mut r = ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], INDEX).into_response();
    r.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

async fn asset(body: &'static str, content_type: &'static str) -> Response {
    let mut r = ([(header::CONTENT_TYPE, content_type)], body).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}
