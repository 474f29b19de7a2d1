//! What the service's tests share: a real server on an ephemeral port, a small HTTP/1.1 client over a
//! TCP socket, and a store built from fixture articles in a temporary folder.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use hadath_core::{Engine, ExtractOptions, Input};
use hadath_serve::{AppState, Config};
use hadath_store::{NewArticle, PutOutcome, SqliteStore, Store};

pub const SEED: &str = include_str!("../../../../examples/seed-article.txt");

/// An article whose text holds markup, which must reach a page as text.
pub const SCRIPT_ARTICLE: &str = "نفذت طائرات التحالف بقيادة السعودية غارات على مواقع للحوثيين في صنعاء يوم الثلاثاء. \
<script>window.__pwned = 1; alert(\"x\")</script> <img src=x onerror=\"window.__pwned=2\"> \
واستقبل الملك سلمان الرئيس اليمني عبد ربه منصور هادي في الرياض.";

pub fn engine() -> Arc<Engine> {
    static E: OnceLock<Arc<Engine>> = OnceLock::new();
    E.get_or_init(|| Arc::new(Engine::new().expect("engine"))).clone()
}

/// A fresh temporary folder.
pub fn temp_dir(name: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let d = std::env::temp_dir().join(format!("hadath-serve-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// The ids of the fixture articles.
#[derive(Debug, Clone, Copy)]
pub struct Fixture {
    pub seed: i64,
    pub near_copy: i64,
    pub script: i64,
}

/// A store with the seed article, a near copy of it from another outlet, and an article holding markup;
/// its search index is built.
pub fn fixture_store(dir: &std::path::Path) -> (PathBuf, Fixture) {
    let db = dir.join("test.hadath");
    let mut store = SqliteStore::open(&db).expect("open store");
    // The seed without its last paragraph: a near copy.
    let cut = SEED.trim_end().rfind('\n').unwrap_or(SEED.len());
    let near = SEED[..cut].to_string();
    let inputs = [
        (SEED.to_string(), "alghad", "2023-04-19"),
        (near, "other", "2023-04-20"),
        (SCRIPT_ARTICLE.to_string(), "test", "2015-07-21"),
    ];
    let docs: Vec<_> = inputs
        .iter()
        .map(|(text, outlet, published)| {
            let input = Input {
                text: text.clone(),
                outlet: Some(outlet.to_string()),
                published: Some(published.to_string()),
                url: Some(format!("https://{outlet}.example/a")),
                ..Default::default()
            };
            engine().extract(&input, ExtractOptions::default())
        })
        .collect();
    let news: Vec<NewArticle<'_>> =
        docs.iter().zip(&inputs).map(|(d, (text, _, _))| NewArticle::new(d, text, "fixture")).collect();
    let out = store.put(&news).expect("put");
    let id = |o: &PutOutcome| match o {
        PutOutcome::Stored { article, .. } | PutOutcome::NearDuplicate { article, .. } => *article,
        PutOutcome::Duplicate { article } => *article,
    };
    assert!(matches!(out[1], PutOutcome::NearDuplicate { .. }), "the near copy is not one: {:?}", out[1]);
    store.update_index().expect("index");
    (db, Fixture { seed: id(&out[0]), near_copy: id(&out[1]), script: id(&out[2]) })
}

/// A server running on 127.0.0.1 with an ephemeral port, stopped when dropped.
pub struct Server {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn start(cfg: Config) -> Server {
        let state = Arc::new(AppState::with_engine(cfg, engine()).expect("state"));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt =
                tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
            rt.block_on(async move {
                let l = tokio::net::TcpListener::from_std(listener).expect("listener");
                hadath_serve::serve(l, state, async {
                    let _ = rx.await;
                })
                .await
                .expect("serve");
            });
        });
        Server { addr, stop: Some(tx), thread: Some(thread) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn get(&self, path: &str) -> Resp {
        request(self.addr, "GET", path, &[], b"")
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        request(self.addr, "GET", path, headers, b"")
    }

    pub fn post(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
        request(self.addr, "POST", path, headers, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// An HTTP response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    /// Asserts an error response: the status, a JSON body with that status and a message.
    pub fn assert_error(&self, status: u16) -> String {
        assert_eq!(self.status, status, "{}", String::from_utf8_lossy(&self.body));
        assert!(self.header("content-type").unwrap_or("").starts_with("application/json"), "{:?}", self.headers);
        let v = self.json();
        assert_eq!(v["status"], status);
        let msg = v["error"].as_str().expect("error message").to_string();
        assert!(!msg.is_empty());
        msg
    }
}

/// One HTTP/1.1 request on a new connection (Connection: close).
pub fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60))).expect("timeout");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if method != "GET" || !body.is_empty() {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).expect("write");
    // The server may answer (413) before reading a large body: ignore a reset while writing it.
    let _ = s.write_all(body);
    // Read to the end of the body: by Content-Length when given (some servers keep the connection open
    // despite Connection: close), else to the end of the stream.
    let mut raw = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if len.is_some_and(|n| raw.len() >= end + 4 + n) {
                break;
            }
        }
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> Resp {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("no header end in the response");
    let head = String::from_utf8_lossy(&raw[..end]).to_string();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|c| c.parse().ok()).expect("status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    if headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked")) {
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(nl) = body[at..].windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(String::from_utf8_lossy(&body[at..at + nl]).trim(), 16).unwrap_or(0);
            at += nl + 2;
            if size == 0 {
                break;
            }
            out.extend_from_slice(&body[at..at + size]);
            at += size + 2;
        }
        body = out;
    }
    Resp { status, headers, body }
}

/// Percent-encodes a query value.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
