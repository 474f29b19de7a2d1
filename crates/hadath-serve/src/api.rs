//! The JSON API and its OpenAPI document.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use hadath_core::input::{html_to_text, parse_home, parse_published, parse_record};
use hadath_core::{Document, ExtractOptions, Input};
use hadath_store::{
    ActorCount, ActorQuery, Article, ClusterMember, Dyad, DyadQuery, EventQuery, Interval, NewArticle, PutOutcome,
    SearchHit, SearchQuery, SqliteStore, Store, StoredEvent,
};

use crate::AppState;

type Shared = State<Arc<AppState>>;

/// An error: its HTTP status and a message.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for people.
    pub error: String,
    /// The HTTP status code.
    pub status: u16,
}

/// An error response.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into() }
    }
    fn bad(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
    fn internal(message: impl std::fmt::Display) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message.to_string())
    }
    fn no_store() -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no store is open: start the server with --db FILE (a store written by hadath ingest)",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res =
            (self.status, Json(ErrorBody { error: self.message, status: self.status.as_u16() })).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

impl From<hadath_store::Error> for ApiError {
    fn from(e: hadath_store::Error) -> ApiError {
        ApiError::internal(format!("store: {e}"))
    }
}

type ApiResult<T> = Result<T, ApiError>;

/// Parses the query string into `T`; unknown parameters and bad values are a 400.
fn query<T: serde::de::DeserializeOwned>(raw: &Option<String>) -> ApiResult<T> {
    let uri: axum::http::Uri = match raw {
        Some(q) => format!("/?{q}").parse().map_err(|_| ApiError::bad("malformed query string"))?,
        None => "/".parse().map_err(|_| ApiError::bad("malformed query string"))?,
    };
    Query::<T>::try_from_uri(&uri).map(|q| q.0).map_err(|e| ApiError::bad(e.body_text()))
}

fn check_date(d: &Option<String>) -> ApiResult<()> {
    if let Some(d) = d {
        hadath_store::check_query_date(d).map_err(ApiError::bad)?;
    }
    Ok(())
}

fn check_country(c: &Option<String>, what: &str) -> ApiResult<()> {
    if let Some(c) = c {
        if c.is_empty() || c.len() > 3 || !c.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(ApiError::bad(format!("{what} {c:?}: use a CAMEO / ISO alpha-3 code such as SAU or IGO")));
        }
    }
    Ok(())
}

/// Runs a store query on a blocking thread, with a pooled read-only connection.
async fn with_store<T, F>(st: &Arc<AppState>, f: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&SqliteStore) -> ApiResult<T> + Send + 'static,
{
    let Some(pool) = st.pool.clone() else { return Err(ApiError::no_store()) };
    let permit = st.db_sem.clone().acquire_owned().await.map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let (store, generation) = pool.get()?;
        let r = f(&store);
        pool.put(store, generation);
        r
    })
    .await
    .map_err(|e| ApiError::internal(format!("the query failed: {e}")))?
}

/// Analyses inputs on a blocking thread, behind the extraction semaphore.
async fn extract_all(st: &Arc<AppState>, inputs: Vec<Input>) -> ApiResult<Vec<(Input, Document)>> {
    let permit = st.extract_sem.clone().acquire_owned().await.map_err(ApiError::internal)?;
    let engine = st.engine.clone();
    let n = inputs.len() as u64;
    let out = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        inputs
            .into_iter()
            .map(|i| {
                let d = engine.extract(&i, ExtractOptions { include_text: true });
                (i, d)
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| ApiError::internal(format!("the analysis failed: {e}")))?;
    st.metrics.documents_extracted.fetch_add(n, Ordering::Relaxed);
    Ok(out)
}

pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/extract", post(extract))
        .route("/api/search", get(search))
        .route("/api/articles/{id}", get(article))
        .route("/api/articles", post(ingest))
        .route("/api/events", get(events))
        .route("/api/dyads", get(dyads))
        .route("/api/actors", get(actors))
        .route("/api/openapi.json", get(openapi))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
}

/// The OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "hadath",
        description = "Arabic-first news event engine: extraction (schema-1 documents), search, events, dyads and \
                       actors over a store. Every span is a Unicode code point offset into the article text. \
                       Errors are JSON objects {\"error\": …, \"status\": …}."
    ),
    paths(extract, search, article, ingest, events, dyads, actors, healthz, metrics, openapi),
    components(schemas(
        ErrorBody,
        ExtractRequest,
        SearchResponse,
        ArticleResponse,
        EventsResponse,
        DyadsResponse,
        ActorsResponse,
        IngestResponse,
        IngestResult,
        Health
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "analysis", description = "Analyse an article without storing it."),
        (name = "store", description = "Queries over the store (503 without one)."),
        (name = "service", description = "Health, metrics and this document.")
    )
)]
pub struct ApiDoc;

/// The ingest token's security scheme.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// An article to analyse, as JSON (the fields of `hadath extract`'s JSONL input).
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)] // Documents the body; it is parsed by hadath_core::input::parse_record.
pub(crate) struct ExtractRequest {
    /// The article text (required; `content` is accepted too).
    text: String,
    /// Publication date (YYYY-MM-DD or an RFC 3339 timestamp): relative dates resolve against it.
    published: Option<String>,
    /// The outlet's country (ISO alpha-3, e.g. SAU).
    home: Option<String>,
    /// Title, when not the first line.
    title: Option<String>,
    /// Id.
    id: Option<String>,
    /// URL.
    url: Option<String>,
    /// Outlet.
    outlet: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ExtractParams {
    /// Publication date (YYYY-MM-DD) for a plain-text body.
    published: Option<String>,
    /// The outlet's country (ISO alpha-3) for a plain-text body.
    home: Option<String>,
}

fn content_type(headers: &HeaderMap) -> String {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("text/plain").to_ascii_lowercase()
}

fn body_text(body: &Bytes) -> ApiResult<&str> {
    std::str::from_utf8(body).map_err(|e| {
        ApiError::bad(format!("the body is not valid UTF-8 (at byte {}): send UTF-8 text", e.valid_up_to()))
    })
}

/// One input from a request body: JSON (a record) or plain text / HTML with the query's published and home.
fn input_from(headers: &HeaderMap, params: &ExtractParams, body: &Bytes) -> ApiResult<Input> {
    let ct = content_type(headers);
    let text = body_text(body)?;
    if ct.contains("json") {
        return parse_record(text).map_err(|e| ApiError::bad(format!("the JSON body is not an article record: {e}")));
    }
    let text = if ct.starts_with("text/html") { html_to_text(text) } else { text.to_string() };
    if text.trim().is_empty() {
        return Err(ApiError::bad("the article text is empty"));
    }
    let published = match &params.published {
        Some(p) if !p.is_empty() => Some(parse_published(p).map_err(ApiError::bad)?),
        _ => None,
    };
    let home = match &params.home {
        Some(h) if !h.is_empty() => Some(parse_home(h).map_err(ApiError::bad)?),
        _ => None,
    };
    Ok(Input { text, published, home, ..Default::default() })
}

/// Analyse one article.
///
/// The body is the article as plain text (`published` and `home` in the query) or a JSON object with
/// `text`, `published`, `home`, `title`, `url`, `outlet`, `id`. The answer is the schema-1 document with
/// its `text`.
#[utoipa::path(
    post,
    path = "/api/extract",
    tag = "analysis",
    params(ExtractParams),
    request_body(content((String = "text/plain"), (ExtractRequest = "application/json"))),
    responses(
        (status = 200, description = "The schema-1 document", body = Document),
        (status = 400, description = "Invalid UTF-8, empty text, bad date or country, bad JSON", body = ErrorBody),
        (status = 413, description = "Body over the limit", body = ErrorBody)
    )
)]
async fn extract(State(st): Shared, RawQuery(raw): RawQuery, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let params: ExtractParams = query(&raw)?;
    let input = input_from(&headers, &params, &body)?;
    let mut out = extract_all(&st, vec![input]).await?;
    let (_, doc) = out.pop().ok_or_else(|| ApiError::internal("no document"))?;
    Ok(Json(doc).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct SearchParams {
    /// The query: words (all must occur), "quoted phrases", OR between alternatives.
    q: String,
    /// At most this many articles (default 20, at most 100).
    limit: Option<usize>,
    /// Only this outlet.
    outlet: Option<String>,
    /// Published on or after (YYYY-MM-DD, YYYY-MM or YYYY).
    from: Option<String>,
    /// Published on or before.
    to: Option<String>,
    /// Only articles with an actor whose CAMEO code starts with this (ISR: ISR, ISRGOV, ISRMIL …): an entity
    /// of the article, or a side of one of its events.
    actor: Option<String>,
    /// Snippet length in characters (default 200, 0 for none, at most 1000).
    snippet: Option<usize>,
}

/// Search results.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SearchResponse {
    /// The query.
    query: String,
    /// Time taken, in milliseconds.
    took_ms: f64,
    /// Whether the answer came from the server's cache of recent searches.
    cached: bool,
    /// Articles, best first; `highlighted` are byte ranges of `snippet`.
    hits: Vec<SearchHit>,
}

/// Full-text search of the stored articles (BM25, Arabic-aware), with highlighted snippets.
#[utoipa::path(
    get,
    path = "/api/search",
    tag = "store",
    params(SearchParams),
    responses(
        (status = 200, description = "Ranked articles", body = SearchResponse),
        (status = 400, description = "Missing query, unknown filter, bad date", body = ErrorBody),
        (status = 503, description = "No store", body = ErrorBody)
    )
)]
async fn search(State(st): Shared, RawQuery(raw): RawQuery) -> ApiResult<Json<SearchResponse>> {
    let p: SearchParams = query(&raw)?;
    check_date(&p.from)?;
    check_date(&p.to)?;
    if p.q.trim().is_empty() {
        return Err(ApiError::bad("the query q is empty"));
    }
    if let Some(a) = p.actor.as_deref().filter(|a| a.len() < 3 || !a.chars().all(|c| c.is_ascii_alphabetic())) {
        return Err(ApiError::bad(format!(
            "actor {a:?} is not a CAMEO code (letters: a country such as ISR, or country + agent such as ISRGOV)"
        )));
    }
    let q = SearchQuery {
        query: p.q.clone(),
        limit: p.limit.unwrap_or(20).clamp(1, 100),
        outlet: p.outlet,
        from: p.from,
        to: p.to,
        actor: p.actor.map(|a| a.to_ascii_uppercase()),
        snippet_chars: p.snippet.unwrap_or(200).min(1000),
    };
    let t = Instant::now();
    let key = format!("{q:?}");
    let cached = st.search_cache.lock().ok().and_then(|mut c| c.get(&key));
    let (hits, cached) = match cached {
        Some(h) => (h, true),
        None => {
            let h = Arc::new(with_store(&st, move |s| Ok(s.search(&q)?)).await?);
            if let Ok(mut c) = st.search_cache.lock() {
                c.put(key, h.clone(), st.cfg.search_cache);
            }
            (h, false)
        }
    };
    let took_ms = (t.elapsed().as_secs_f64() * 1e5).round() / 100.0;
    Ok(Json(SearchResponse { query: p.q, took_ms, cached, hits: hits.as_ref().clone() }))
}

/// A stored article and its near duplicates.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ArticleResponse {
    /// The article: id, cluster, origin and the schema-1 document with its text.
    #[serde(flatten)]
    article: Article,
    /// The other articles of its near-duplicate cluster.
    near_duplicates: Vec<ClusterMember>,
}

/// A stored article: text, metadata, entities, times, events with their evidence, and its near duplicates.
#[utoipa::path(
    get,
    path = "/api/articles/{id}",
    tag = "store",
    params(("id" = i64, Path, description = "The article's id in the store")),
    responses(
        (status = 200, description = "The article", body = ArticleResponse),
        (status = 400, description = "Not an id", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 503, description = "No store", body = ErrorBody)
    )
)]
async fn article(State(st): Shared, Path(id): Path<String>) -> ApiResult<Json<ArticleResponse>> {
    let id: i64 = id.parse().map_err(|_| ApiError::bad(format!("article id {id:?} is not a number")))?;
    let a = with_store(&st, move |s| {
        let Some(article) = s.article(id)? else {
            return Err(ApiError::new(StatusCode::NOT_FOUND, format!("no article {id}")));
        };
        let near_duplicates = s.cluster(id)?;
        Ok(ArticleResponse { article, near_duplicates })
    })
    .await?;
    Ok(Json(a))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct EventParams {
    /// Source actor's country (ISO alpha-3 / CAMEO: SAU, USA, IGO …).
    source: Option<String>,
    /// Target actor's country.
    target: Option<String>,
    /// Either actor's country.
    either: Option<String>,
    /// CAMEO root code(s), comma-separated (04 or 14,19).
    root: Option<String>,
    /// CAMEO code(s) or prefixes, comma-separated (042 or 19,138).
    code: Option<String>,
    /// Quad class(es) 1–4, comma-separated.
    quad: Option<String>,
    /// Event date on or after (YYYY-MM-DD, YYYY-MM or YYYY).
    from: Option<String>,
    /// Event date on or before (YYYY-MM or YYYY cover the whole month or year).
    to: Option<String>,
    /// The article's outlet.
    outlet: Option<String>,
    /// Words the article must contain (title or text, as written).
    text: Option<String>,
    /// Only the events of this article.
    article: Option<i64>,
    /// Events per page (default 100, at most 1000).
    limit: Option<usize>,
    /// Paging cursor: the `next` of the previous page (events with a larger id).
    after: Option<i64>,
    /// json (default), csv or jsonl; the Accept header (text/csv, application/x-ndjson) works too.
    format: Option<String>,
}

/// A page of events.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct EventsResponse {
    /// The events, in id order.
    events: Vec<StoredEvent>,
    /// The cursor of the next page (pass it as `after`), null on the last page.
    next: Option<i64>,
}

fn list(s: &Option<String>) -> Vec<String> {
    s.as_deref().unwrap_or("").split(',').map(str::trim).filter(|x| !x.is_empty()).map(String::from).collect()
}

/// Stored events, filtered as `hadath events`, paged by cursor; JSON, CSV or JSON Lines by `Accept`.
#[utoipa::path(
    get,
    path = "/api/events",
    tag = "store",
    params(EventParams),
    responses(
        (status = 200, description = "A page of events (CSV and JSON Lines carry the next cursor in the \
                                      X-Next-Cursor header and a Link rel=next)",
         content((EventsResponse = "application/json"), (String = "text/csv"), (String = "application/x-ndjson"))),
        (status = 400, description = "Unknown filter, bad date, code or quad class", body = ErrorBody),
        (status = 503, description = "No store", body = ErrorBody)
    )
)]
async fn events(State(st): Shared, RawQuery(raw): RawQuery, headers: HeaderMap) -> ApiResult<Response> {
    let p: EventParams = query(&raw)?;
    check_date(&p.from)?;
    check_date(&p.to)?;
    check_country(&p.source, "source")?;
    check_country(&p.target, "target")?;
    check_country(&p.either, "either")?;
    let roots = list(&p.root);
    let codes = list(&p.code);
    for c in roots.iter().chain(&codes) {
        if c.len() > 4 || !c.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::bad(format!("CAMEO code {c:?}: use digits such as 04 or 042")));
        }
    }
    let quads = list(&p.quad)
        .iter()
        .map(|q| match q.parse::<u8>() {
            Ok(n @ 1..=4) => Ok(n),
            _ => Err(ApiError::bad(format!("quad class {q:?}: use 1, 2, 3 or 4"))),
        })
        .collect::<ApiResult<Vec<u8>>>()?;
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let format = match p.format.as_deref() {
        Some("json") => "json",
        Some("csv") => "csv",
        Some("jsonl") => "jsonl",
        Some(f) => return Err(ApiError::bad(format!("format {f:?}: use json, csv or jsonl"))),
        None if accept.contains("text/csv") => "csv",
        None if accept.contains("ndjson") || accept.contains("jsonl") || accept.contains("json-seq") => "jsonl",
        None => "json",
    };
    let limit = p.limit.unwrap_or(100).clamp(1, 1000);
    let q = EventQuery {
        source: p.source,
        target: p.target,
        either: p.either,
        roots,
        codes,
        quads,
        from: p.from,
        to: p.to,
        outlet: p.outlet,
        text: p.text,
        articles: p.article.map(|a| vec![a]),
        after: p.after,
        limit: Some(limit + 1),
    };
    let mut page = with_store(&st, move |s| {
        let mut v = Vec::with_capacity(limit + 1);
        s.events(&q, &mut |e| {
            v.push(e);
            Ok(true)
        })?;
        Ok(v)
    })
    .await?;
    let next = if page.len() > limit {
        page.truncate(limit);
        page.last().map(|e| e.id)
    } else {
        None
    };
    if format == "json" {
        return Ok(Json(EventsResponse { events: page, next }).into_response());
    }
    let (body, ct) = if format == "csv" {
        let mut s = hadath_store::export::csv_line(&hadath_store::export::EVENT_CSV_COLUMNS);
        for e in &page {
            s.push_str(&hadath_store::export::csv_line(&hadath_store::export::event_csv_row(e)));
        }
        (s, "text/csv; charset=utf-8")
    } else {
        let mut s = String::new();
        for e in &page {
            s.push_str(&serde_json::to_string(e).map_err(ApiError::internal)?);
            s.push('\n');
        }
        (s, "application/x-ndjson")
    };
    let mut res = ([(header::CONTENT_TYPE, ct)], body).into_response();
    if let Some(n) = next {
        res.headers_mut().insert("x-next-cursor", HeaderValue::from(n));
        let mut qs: Vec<String> = raw
            .as_deref()
            .unwrap_or("")
            .split('&')
            .filter(|kv| !kv.is_empty() && !kv.starts_with("after="))
            .map(String::from)
            .collect();
        qs.push(format!("after={n}"));
        if let Ok(v) = HeaderValue::from_str(&format!("</api/events?{}>; rel=\"next\"", qs.join("&"))) {
            res.headers_mut().insert(header::LINK, v);
        }
    }
    Ok(res)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct DyadParams {
    /// Only this source country.
    source: Option<String>,
    /// Only this target country.
    target: Option<String>,
    /// all (one row per pair, the default), week (ISO weeks) or month.
    interval: Option<String>,
    /// Event date on or after (YYYY-MM-DD, YYYY-MM or YYYY).
    from: Option<String>,
    /// Event date on or before.
    to: Option<String>,
    /// The pairs with most events, per interval (default: 100 without source and target, else all).
    top: Option<usize>,
    /// Keep pairs with the same country on both sides.
    domestic: Option<bool>,
}

/// Country pairs.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DyadsResponse {
    /// Per pair (and interval, in time order): events, mentions, Goldstein sum and mean, events per quad
    /// class.
    dyads: Vec<Dyad>,
}

/// Event counts and Goldstein sums per country pair, over time with `interval`.
#[utoipa::path(
    get,
    path = "/api/dyads",
    tag = "store",
    params(DyadParams),
    responses(
        (status = 200, description = "Country pairs", body = DyadsResponse),
        (status = 400, description = "Unknown filter, bad interval or date", body = ErrorBody),
        (status = 503, description = "No store", body = ErrorBody)
    )
)]
async fn dyads(State(st): Shared, RawQuery(raw): RawQuery) -> ApiResult<Json<DyadsResponse>> {
    let p: DyadParams = query(&raw)?;
    check_date(&p.from)?;
    check_date(&p.to)?;
    check_country(&p.source, "source")?;
    check_country(&p.target, "target")?;
    let interval = match p.interval.as_deref() {
        None | Some("all") => Interval::All,
        Some("week") => Interval::Week,
        Some("month") => Interval::Month,
        Some(i) => return Err(ApiError::bad(format!("interval {i:?}: use all, week or month"))),
    };
    let pair = p.source.is_some() || p.target.is_some();
    let q = DyadQuery {
        top: p.top.unwrap_or(if pair { 0 } else { 100 }),
        interval,
        from: p.from,
        to: p.to,
        domestic: p.domestic.unwrap_or(false),
        source: p.source,
        target: p.target,
    };
    let dyads = with_store(&st, move |s| Ok(s.dyads(&q)?)).await?;
    Ok(Json(DyadsResponse { dyads }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct ActorParams {
    /// Only actors of this country.
    country: Option<String>,
    /// Event date on or after.
    from: Option<String>,
    /// Event date on or before.
    to: Option<String>,
    /// The most active, at most this many (default 20, at most 1000).
    top: Option<usize>,
}

/// Actors.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ActorsResponse {
    /// Most active first.
    actors: Vec<ActorCount>,
}

/// The most active actors (country + CAMEO agent) with their events by quad class.
#[utoipa::path(
    get,
    path = "/api/actors",
    tag = "store",
    params(ActorParams),
    responses(
        (status = 200, description = "Actors", body = ActorsResponse),
        (status = 400, description = "Unknown filter, bad date", body = ErrorBody),
        (status = 503, description = "No store", body = ErrorBody)
    )
)]
async fn actors(State(st): Shared, RawQuery(raw): RawQuery) -> ApiResult<Json<ActorsResponse>> {
    let p: ActorParams = query(&raw)?;
    check_date(&p.from)?;
    check_date(&p.to)?;
    check_country(&p.country, "country")?;
    let q = ActorQuery { top: p.top.unwrap_or(20).clamp(1, 1000), country: p.country, from: p.from, to: p.to };
    let actors = with_store(&st, move |s| Ok(s.actors(&q)?)).await?;
    Ok(Json(ActorsResponse { actors }))
}

/// What became of one ingested article.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct IngestResult {
    /// Its line in a JSONL body (1-based; 1 for a single article).
    line: usize,
    /// stored, near_duplicate, duplicate or error.
    outcome: String,
    /// The article's id in the store.
    #[serde(skip_serializing_if = "Option::is_none")]
    article: Option<i64>,
    /// New events stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    events: Option<usize>,
    /// Why the line was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// An ingest's summary.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct IngestResponse {
    /// Articles written (new or near copies).
    stored: usize,
    /// Texts already stored.
    duplicates: usize,
    /// Lines refused.
    errors: usize,
    /// Per article, in order.
    results: Vec<IngestResult>,
}

/// Ingest one article or a JSONL batch into the store.
///
/// Disabled unless the server was started with an ingest token (`--ingest-token` or
/// `HADATH_INGEST_TOKEN`); then `Authorization: Bearer TOKEN` is required. The body is a JSON record
/// (`application/json`), JSON Lines (`application/x-ndjson` or `application/jsonl`, one record per line) or
/// plain text (`published` and `home` in the query). The search index is brought up to date before the
/// answer.
#[utoipa::path(
    post,
    path = "/api/articles",
    tag = "store",
    params(ExtractParams),
    request_body(content(
        (ExtractRequest = "application/json"),
        (String = "application/x-ndjson"),
        (String = "text/plain")
    )),
    responses(
        (status = 200, description = "What became of each article", body = IngestResponse),
        (status = 400, description = "Invalid UTF-8, nothing to ingest, a bad single article", body = ErrorBody),
        (status = 401, description = "Missing or wrong bearer token", body = ErrorBody),
        (status = 403, description = "Ingest is disabled (no token configured)", body = ErrorBody),
        (status = 413, description = "Body over the limit", body = ErrorBody),
        (status = 503, description = "No store", body = ErrorBody)
    ),
    security(("bearer" = []))
)]
async fn ingest(
    State(st): Shared,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<IngestResponse>> {
    let Some(token) = st.cfg.ingest_token.clone() else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "ingest is disabled: start the server with --ingest-token TOKEN (or HADATH_INGEST_TOKEN)",
        ));
    };
    let given = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
    let given = given.strip_prefix("Bearer ").unwrap_or("");
    if !constant_time_eq(given.as_bytes(), token.as_bytes()) {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "send Authorization: Bearer TOKEN (the ingest token)"));
    }
    let Some(pool) = st.pool.clone() else { return Err(ApiError::no_store()) };
    let Some(db) = st.cfg.db.clone() else { return Err(ApiError::no_store()) };
    let params: ExtractParams = query(&raw)?;
    let ct = content_type(&headers);
    let mut results: Vec<IngestResult> = Vec::new();
    let mut inputs: Vec<(usize, Input)> = Vec::new();
    if ct.contains("ndjson") || ct.contains("jsonl") || ct.contains("json-seq") {
        let text = body_text(&body)?;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match parse_record(line) {
                Ok(input) => inputs.push((i + 1, input)),
                Err(e) => results.push(IngestResult {
                    line: i + 1,
                    outcome: "error".into(),
                    article: None,
                    events: None,
                    error: Some(e.to_string()),
                }),
            }
        }
        if inputs.is_empty() && results.is_empty() {
            return Err(ApiError::bad("the body has no JSON lines"));
        }
    } else {
        inputs.push((1, input_from(&headers, &params, &body)?));
    }
    let lines: Vec<usize> = inputs.iter().map(|(l, _)| *l).collect();
    let docs = extract_all(&st, inputs.into_iter().map(|(_, i)| i).collect()).await?;
    let writer = st.writer.clone();
    let cache_state = st.clone();
    let outcomes = tokio::task::spawn_blocking(move || -> ApiResult<Vec<PutOutcome>> {
        let mut guard = writer.lock().map_err(|_| ApiError::internal("the store writer failed earlier"))?;
        if guard.is_none() {
            *guard = Some(SqliteStore::open(&db)?);
        }
        let Some(store) = guard.as_mut() else { return Err(ApiError::internal("no writer")) };
        let news: Vec<NewArticle<'_>> =
            docs.iter().map(|(i, d)| NewArticle::new(d, &i.text, "POST /api/articles")).collect();
        let out = store.put(&news)?;
        store.update_index()?;
        pool.invalidate();
        if let Ok(mut c) = cache_state.search_cache.lock() {
            c.clear();
        }
        Ok(out)
    })
    .await
    .map_err(|e| ApiError::internal(format!("the ingest failed: {e}")))??;
    let (mut stored, mut duplicates) = (0, 0);
    for (line, o) in lines.into_iter().zip(outcomes) {
        let (outcome, article, events) = match o {
            PutOutcome::Stored { article, events } => ("stored", article, events),
            PutOutcome::NearDuplicate { article, events, .. } => ("near_duplicate", article, events),
            PutOutcome::Duplicate { article } => ("duplicate", article, 0),
        };
        if outcome == "duplicate" {
            duplicates += 1;
        } else {
            stored += 1;
        }
        results.push(IngestResult {
            line,
            outcome: outcome.into(),
            article: Some(article),
            events: Some(events),
            error: None,
        });
    }
    results.sort_by_key(|r| r.line);
    st.metrics.articles_ingested.fetch_add(stored as u64, Ordering::Relaxed);
    let errors = results.iter().filter(|r| r.outcome == "error").count();
    Ok(Json(IngestResponse { stored, duplicates, errors, results }))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The service's state.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Health {
    /// "ok".
    status: String,
    /// Whether a store is open.
    store: bool,
    /// Whether ingest is enabled.
    ingest: bool,
    /// hadath's version.
    version: String,
}

/// Liveness.
#[utoipa::path(get, path = "/healthz", tag = "service", responses((status = 200, body = Health)))]
async fn healthz(State(st): Shared) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        store: st.pool.is_some(),
        ingest: st.cfg.ingest_token.is_some(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// Prometheus metrics: requests by route and status, latency histograms, documents analysed.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "service",
    responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"))
)]
async fn metrics(State(st): Shared) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], st.metrics.render()).into_response()
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "service",
    responses((status = 200, description = "The OpenAPI 3 document", content_type = "application/json"))
)]
async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::openapi_json()).into_response()
}
