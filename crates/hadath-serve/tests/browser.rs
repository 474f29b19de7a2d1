//! The web UI in headless Chromium, driven over WebDriver (chromedriver): Try it with the seed article
//! (Eli Cohen highlighted as a person, the ISR → AZE meeting card, its evidence highlighted on hover), and
//! an article holding `<script>` shown as text. Screenshots go to the test's temporary target folder (the
//! paths are printed).
//!
//! Needs Debian's `chromium` and `chromium-driver` (installed by .ci/run). Without them the test prints why
//! and passes, unless HADATH_REQUIRE_BROWSER is set (CI sets it).

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{fixture_store, request, temp_dir, Server, SEED};
use hadath_serve::Config;
use serde_json::{json, Value};

fn find(names: &[&str]) -> Option<PathBuf> {
    for n in names {
        let p = Path::new(n);
        if p.is_absolute() && p.is_file() {
            return Some(p.to_path_buf());
        }
        if let Some(path) = std::env::var_os("PATH") {
            for dir in std::env::split_paths(&path) {
                let c = dir.join(n);
                if c.is_file() {
                    return Some(c);
                }
            }
        }
    }
    None
}

struct Driver {
    child: Child,
    addr: SocketAddr,
    session: String,
}

impl Driver {
    fn start(chromium: &Path, chromedriver: &Path, profile: &Path) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver");
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let mut d = Driver { child, addr, session: String::new() };
        let t = Instant::now();
        loop {
            if std::net::TcpStream::connect(addr).is_ok() && d.call("GET", "/status", None)["ready"] == true {
                break;
            }
            assert!(t.elapsed() < Duration::from_secs(30), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.to_string_lossy(),
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=ar",
                         format!("--user-data-dir={}", profile.display())]
            }
        }}});
        let v = d.call("POST", "/session", Some(caps));
        d.session = v["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {v}")).to_string();
        d
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let headers: &[(&str, &str)] = if body.is_empty() { &[] } else { &[("content-type", "application/json")] };
        let r = request(self.addr, method, path, headers, body.as_bytes());
        let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
        assert!(r.status < 300, "WebDriver {method} {path}: {} {v}", r.status);
        v["value"].clone()
    }

    fn s(&self, rest: &str) -> String {
        format!("/session/{}{rest}", self.session)
    }

    fn goto(&self, url: &str) {
        self.call("POST", &self.s("/url"), Some(json!({ "url": url })));
    }

    fn js(&self, script: &str, args: Value) -> Value {
        self.call("POST", &self.s("/execute/sync"), Some(json!({ "script": script, "args": args })))
    }

    fn element(&self, css: &str) -> String {
        let v = self.call("POST", &self.s("/element"), Some(json!({"using": "css selector", "value": css})));
        v.as_object().and_then(|o| o.values().next()).and_then(Value::as_str).expect("element id").to_string()
    }

    fn click(&self, css: &str) {
        let e = self.element(css);
        self.call("POST", &self.s(&format!("/element/{e}/click")), Some(json!({})));
    }

    fn wait_for(&self, script: &str, what: &str) {
        let t = Instant::now();
        while self.js(script, json!([])) != Value::Bool(true) {
            assert!(t.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn screenshot(&self, path: &Path) {
        let v = self.call("GET", &self.s("/screenshot"), None);
        let png = base64_decode(v.as_str().expect("base64"));
        assert!(png.starts_with(b"\x89PNG"));
        std::fs::write(path, png).expect("writing the screenshot");
        println!("screenshot: {}", path.display());
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = request(self.addr, "DELETE", &format!("/session/{}", self.session), &[], b"");
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter_map(val) {
        acc = (acc << 6) | c as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[test]
fn try_it_and_article_pages_in_chromium() {
    let chromium = find(&["chromium", "chromium-browser", "/usr/bin/chromium"]);
    let chromedriver = find(&["chromedriver", "/usr/lib/chromium/chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        let msg = "browser test skipped: chromium and chromedriver not found (Debian: apt-get install chromium chromium-driver)";
        assert!(std::env::var_os("HADATH_REQUIRE_BROWSER").is_none(), "{msg}, and HADATH_REQUIRE_BROWSER is set");
        println!("{msg}");
        eprintln!("{msg}");
        return;
    };
    let dir = temp_dir("browser");
    let (db, fx) = fixture_store(&dir);
    let server = Server::start(Config { db: Some(db), ..Default::default() });
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let d = Driver::start(&chromium, &chromedriver, &dir.join("profile"));

    // Try it: paste the seed article, give its date, analyse.
    d.goto(&server.url("/try"));
    d.wait_for("return !!document.querySelector('#article')", "the Try it form");
    d.js(
        "document.querySelector('#article').value = arguments[0]; document.querySelector('#published').value = '2023-04-19'; return true;",
        json!([SEED]),
    );
    d.click("#analyse");
    d.wait_for("return document.querySelector('#result').dataset.ready === '1'", "the analysis");
    // Eli Cohen is highlighted as a person.
    let people = d.js(
        "const m = new Map(); for (const s of document.querySelectorAll('.doc .ent-PER')) { \
           m.set(s.dataset.m, (m.get(s.dataset.m) || '') + s.textContent); } return [...m.values()];",
        json!([]),
    );
    let people: Vec<&str> = people.as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(people.contains(&"إيلي كوهين"), "people highlighted: {people:?}");
    // The ISR → AZE meeting card.
    let card = "[data-source='ISR'][data-target='AZE'][data-code^='04'], [data-source='ISR'][data-target='AZE'][data-code='036']";
    let text =
        d.js(&format!("const c = document.querySelector(\"{card}\"); return c ? c.textContent : null;"), json!([]));
    let text = text.as_str().unwrap_or_else(|| panic!("no ISR → AZE meeting card"));
    assert!(text.contains("ISR") && text.contains("AZE") && text.contains("→"), "{text}");
    // Clicking it highlights its evidence and trigger in the text.
    d.click(card.split(", ").next().unwrap());
    let hl = d.js(
        "return [document.querySelectorAll('.doc .hl-ev').length, document.querySelectorAll('.doc .hl-trig').length, \
           [...document.querySelectorAll('.doc .hl-ev')].map(s => s.textContent).join('')];",
        json!([]),
    );
    assert!(hl[0].as_u64().unwrap() > 0 && hl[1].as_u64().unwrap() > 0, "{hl}");
    assert!(hl[2].as_str().unwrap().contains("كوهين"), "{hl}");
    // Times are underlined, with their values.
    let tval = d.js("return [...document.querySelectorAll('.doc .tval')].map(s => s.textContent);", json!([]));
    assert!(tval.as_array().unwrap().iter().any(|v| v == "2023-04-19"), "{tval}");
    d.screenshot(&shots.join("try-it.png"));

    // An article holding markup: shown as text, nothing runs.
    d.goto(&server.url(&format!("/article/{}", fx.script)));
    d.wait_for("return !!document.querySelector('.doc')", "the article page");
    let v = d.js(
        "return [window.__pwned === undefined, document.querySelector('.doc').textContent, \
           document.querySelectorAll('.doc script, .doc img').length];",
        json!([]),
    );
    assert_eq!(v[0], true, "a script in the article ran");
    assert!(v[1].as_str().unwrap().contains("<script>window.__pwned = 1;"), "{v}");
    assert_eq!(v[2], 0);
    d.screenshot(&shots.join("article-markup.png"));

    // The stored seed article lists its near copy.
    d.goto(&server.url(&format!("/article/{}", fx.seed)));
    d.wait_for("return !!document.querySelector('ul.near')", "the near copies");
    let near = d.js("return document.querySelector('ul.near a').getAttribute('href');", json!([]));
    assert_eq!(near, json!(format!("/article/{}", fx.near_copy)));
}
