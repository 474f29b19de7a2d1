//! The API against a real server on an ephemeral port, over a store built from fixture articles.

mod common;

use std::sync::OnceLock;

use common::{enc, fixture_store, temp_dir, Fixture, Server, SEED};
use hadath_serve::Config;

/// One read-only server over the fixture store for the tests that only read.
fn shared() -> &'static (Server, Fixture) {
    static S: OnceLock<(Server, Fixture)> = OnceLock::new();
    S.get_or_init(|| {
        let dir = temp_dir("api");
        let (db, fx) = fixture_store(&dir);
        (Server::start(Config { db: Some(db), ..Default::default() }), fx)
    })
}

#[test]
fn health_and_metrics() {
    let (s, _) = shared();
    let h = s.get("/healthz");
    assert_eq!(h.status, 200);
    assert_eq!(h.json()["status"], "ok");
    assert_eq!(h.json()["store"], true);
    assert_eq!(h.json()["ingest"], false);
    let r = s.post("/api/extract?published=2023-04-19", &[("content-type", "text/plain")], SEED.as_bytes());
    assert_eq!(r.status, 200);
    let m = s.get("/metrics");
    assert_eq!(m.status, 200);
    let text = m.text();
    assert!(text.contains("hadath_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"), "{text}");
    assert!(text.contains("hadath_http_request_duration_seconds_bucket{route=\"/api/extract\""), "{text}");
    let docs = text
        .lines()
        .find_map(|l| l.strip_prefix("hadath_documents_extracted_total "))
        .and_then(|n| n.parse::<u64>().ok())
        .expect("documents counter");
    assert!(docs >= 1);
}

#[test]
fn extract_plain_text_and_json() {
    let (s, _) = shared();
    let r =
        s.post("/api/extract?published=2023-04-19", &[("content-type", "text/plain; charset=utf-8")], SEED.as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    let d = r.json();
    assert_eq!(d["schema"], 1);
    assert_eq!(d["published"], "2023-04-19");
    assert_eq!(d["text"].as_str(), Some(SEED));
    assert!(d["entities"].as_array().unwrap().iter().any(|e| e["type"] == "PER" && e["text"] == "إيلي كوهين"));
    let meet = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["source"]["country"] == "ISR" && e["target"]["country"] == "AZE" && e["root"] == "04")
        .expect("an ISR → AZE meeting");
    assert!(!meet["evidence"].as_array().unwrap().is_empty());

    let body = serde_json::json!({"text": SEED, "published": "2023-04-19", "home": "jor"}).to_string();
    let j = s.post("/api/extract", &[("content-type", "application/json")], body.as_bytes());
    assert_eq!(j.status, 200, "{}", j.text());
    assert_eq!(j.json()["home"], "JOR");
    assert_eq!(j.json()["events"], d["events"]);
}

#[test]
fn extract_rejects_bad_input() {
    let (s, _) = shared();
    let m = s.post("/api/extract", &[("content-type", "text/plain")], b"\xff\xfe\x00bad").assert_error(400);
    assert!(m.contains("UTF-8"), "{m}");
    let m = s.post("/api/extract?published=2023-13-01", &[], "نص".as_bytes()).assert_error(400);
    assert!(m.contains("published"), "{m}");
    s.post("/api/extract?home=Saudi", &[], "نص".as_bytes()).assert_error(400);
    s.post("/api/extract?colour=red", &[], "نص".as_bytes()).assert_error(400);
    s.post("/api/extract", &[], b"   ").assert_error(400);
    s.post("/api/extract", &[("content-type", "application/json")], b"{\"title\": 1}").assert_error(400);
    s.post("/api/extract", &[("content-type", "application/json")], b"{not json").assert_error(400);
    s.get("/api/extract").assert_error(405);
    s.get("/no/such/page").assert_error(404);
}

#[test]
fn body_limit() {
    let s = Server::start(Config { body_limit: 1000, ..Default::default() });
    let big = "ا".repeat(2000);
    let m = s.post("/api/extract", &[("content-type", "text/plain")], big.as_bytes()).assert_error(413);
    assert!(m.contains("1000"), "{m}");
    let ok = s.post("/api/extract", &[("content-type", "text/plain")], "التقى الوزير بالرئيس.".as_bytes());
    assert_eq!(ok.status, 200);
}

#[test]
fn without_a_store() {
    let s = Server::start(Config::default());
    assert_eq!(s.get("/healthz").json()["store"], false);
    let m = s.get("/api/search?q=x").assert_error(503);
    assert!(m.contains("no store"), "{m}");
    s.get("/api/events").assert_error(503);
    s.get("/api/articles/1").assert_error(503);
    s.get("/api/dyads").assert_error(503);
    s.get("/api/actors").assert_error(503);
    let r = s.post("/api/extract", &[], "التقى وزير الخارجية الإسرائيلي إيلي كوهين الرئيس الأذربيجاني.".as_bytes());
    assert_eq!(r.status, 200);
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn search() {
    let (s, fx) = shared();
    let r = s.get(&format!("/api/search?q={}", enc("أذربيجان")));
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let hits = v["hits"].as_array().unwrap();
    assert!(hits.iter().any(|h| h["article"] == fx.seed), "{v}");
    let h = &hits[0];
    let snippet = h["snippet"].as_str().unwrap();
    let (a, b) = (h["highlighted"][0][0].as_u64().unwrap() as usize, h["highlighted"][0][1].as_u64().unwrap() as usize);
    assert!(snippet[a..b].contains("أذربيجان") || snippet[a..b].contains("اذربيجان"), "{snippet} {a} {b}");
    // the same search again comes from the cache, with the same hits
    let again = s.get(&format!("/api/search?q={}", enc("أذربيجان"))).json();
    assert_eq!(again["cached"], true);
    assert_eq!(again["hits"], v["hits"]);
    // filters
    let r = s.get(&format!("/api/search?q={}&outlet=other", enc("أذربيجان")));
    assert!(r.json()["hits"].as_array().unwrap().iter().all(|h| h["outlet"] == "other"));
    let r = s.get(&format!("/api/search?q={}&to=2020", enc("أذربيجان")));
    assert!(r.json()["hits"].as_array().unwrap().is_empty());
    // errors
    s.get("/api/search").assert_error(400);
    s.get("/api/search?q=").assert_error(400);
    let m = s.get("/api/search?q=x&colour=red").assert_error(400);
    assert!(m.contains("colour"), "{m}");
    s.get("/api/search?q=x&from=yesterday").assert_error(400);
    s.get("/api/search?q=x&limit=many").assert_error(400);
}

#[test]
fn article_with_evidence_and_near_copies() {
    let (s, fx) = shared();
    let r = s.get(&format!("/api/articles/{}", fx.seed));
    assert_eq!(r.status, 200, "{}", r.text());
    let a = r.json();
    assert_eq!(a["article"], fx.seed);
    assert_eq!(a["document"]["text"].as_str(), Some(SEED));
    assert_eq!(a["document"]["outlet"], "alghad");
    let events = a["document"]["events"].as_array().unwrap();
    assert!(events.iter().all(|e| !e["evidence"].as_array().unwrap().is_empty()));
    assert!(!a["document"]["times"].as_array().unwrap().is_empty());
    let near = a["near_duplicates"].as_array().unwrap();
    assert_eq!(near.len(), 1, "{near:?}");
    assert_eq!(near[0]["article"], fx.near_copy);
    assert_eq!(near[0]["copy_of"], fx.seed);
    // The article with markup comes back as a JSON string, as written.
    let x = s.get(&format!("/api/articles/{}", fx.script)).json();
    assert!(x["document"]["text"].as_str().unwrap().contains("<script>window.__pwned = 1;"));
    s.get("/api/articles/999999").assert_error(404);
    s.get("/api/articles/abc").assert_error(400);
}

#[test]
fn events_filters_paging_and_formats() {
    let (s, fx) = shared();
    let all = s.get("/api/events?source=ISR&limit=1000").json();
    let all: Vec<i64> = all["events"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(all.len() >= 3, "{all:?}");
    // paging by cursor gives the same events, in order, once each
    let mut paged = Vec::new();
    let mut after: Option<i64> = None;
    for _ in 0..100 {
        let path = match after {
            Some(a) => format!("/api/events?source=ISR&limit=2&after={a}"),
            None => "/api/events?source=ISR&limit=2".to_string(),
        };
        let p = s.get(&path).json();
        paged.extend(p["events"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()));
        match p["next"].as_i64() {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    assert_eq!(paged, all);
    let meet = s.get("/api/events?source=isr&target=AZE&root=04&quad=1").json();
    let evs = meet["events"].as_array().unwrap();
    assert!(!evs.is_empty());
    assert!(evs.iter().all(|e| e["root"] == "04" && e["target"]["country"] == "AZE"));
    let one = s.get(&format!("/api/events?article={}", fx.script)).json();
    assert!(one["events"].as_array().unwrap().iter().all(|e| e["article"] == fx.script));
    // CSV and JSON Lines by Accept
    let csv = s.get_with("/api/events?source=ISR&limit=2", &[("accept", "text/csv")]);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let text = csv.text();
    assert!(text.starts_with("id,date,date_basis,code,"), "{text}");
    assert_eq!(text.lines().count(), 3);
    assert!(csv.header("x-next-cursor").is_some());
    assert!(csv.header("link").unwrap().contains("after="));
    let jl = s.get_with("/api/events?source=ISR", &[("accept", "application/x-ndjson")]);
    assert_eq!(jl.text().lines().count(), all.len());
    for l in jl.text().lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["source"]["country"], "ISR");
    }
    assert!(s.get("/api/events?format=csv").text().starts_with("id,"));
    // errors
    let m = s.get("/api/events?colour=red").assert_error(400);
    assert!(m.contains("colour"), "{m}");
    s.get("/api/events?quad=7").assert_error(400);
    s.get("/api/events?from=2015-7-1").assert_error(400);
    s.get("/api/events?to=2015-02-40").assert_error(400);
    s.get("/api/events?root=abc").assert_error(400);
    s.get("/api/events?source=Israel").assert_error(400);
    s.get("/api/events?format=xml").assert_error(400);
    s.get("/api/events?after=x").assert_error(400);
}

#[test]
fn dyads_and_actors() {
    let (s, _) = shared();
    let w = s.get("/api/dyads?source=ISR&target=AZE&interval=week").json();
    let rows = w["dyads"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|d| d["source"] == "ISR" && d["target"] == "AZE"));
    assert!(rows.iter().all(|d| d["interval"].as_str().unwrap().contains("-W")), "{rows:?}");
    let total: i64 = rows.iter().map(|d| d["events"].as_i64().unwrap()).sum();
    assert!(total >= 2);
    let m = s.get("/api/dyads?source=ISR&target=AZE&interval=month").json();
    assert!(m["dyads"].as_array().unwrap().iter().any(|d| d["interval"] == "2023-04"));
    let all = s.get("/api/dyads").json();
    assert!(all["dyads"].as_array().unwrap().iter().all(|d| d.get("interval").is_none()));
    s.get("/api/dyads?interval=day").assert_error(400);
    s.get("/api/dyads?pair=ISR").assert_error(400);

    let a = s.get("/api/actors?top=50").json();
    let actors = a["actors"].as_array().unwrap();
    let isr = actors.iter().find(|x| x["country"] == "ISR").expect("ISR among the actors");
    let quad: i64 = isr["quad"].as_array().unwrap().iter().map(|q| q.as_i64().unwrap()).sum();
    assert_eq!(quad, isr["events"].as_i64().unwrap());
    assert!(isr["as_source"].as_i64().unwrap() > 0);
    let only = s.get("/api/actors?country=AZE").json();
    assert!(only["actors"].as_array().unwrap().iter().all(|x| x["country"] == "AZE"));
    s.get("/api/actors?top=x").assert_error(400);
    s.get("/api/actors?from=2015-00").assert_error(400);
}

#[test]
fn ingest_needs_a_token() {
    let (s, _) = shared();
    let m = s.post("/api/articles", &[("authorization", "Bearer x")], "نص".as_bytes()).assert_error(403);
    assert!(m.contains("ingest-token"), "{m}");

    let dir = temp_dir("ingest");
    let db = dir.join("new.hadath");
    let s = Server::start(Config { db: Some(db), ingest_token: Some("s3cret".into()), ..Default::default() });
    assert_eq!(s.get("/healthz").json()["ingest"], true);
    let r = s.post("/api/articles", &[], SEED.as_bytes());
    r.assert_error(401);
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    s.post("/api/articles", &[("authorization", "Bearer wrong")], SEED.as_bytes()).assert_error(401);
    let auth = ("authorization", "Bearer s3cret");
    // one article as text
    let r = s.post("/api/articles?published=2023-04-19", &[auth, ("content-type", "text/plain")], SEED.as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v["stored"], 1);
    let id = v["results"][0]["article"].as_i64().unwrap();
    // a JSONL batch: a duplicate, a new article, a bad line
    let lines = [
        serde_json::json!({"text": SEED, "published": "2023-04-19"}).to_string(),
        serde_json::json!({"text": "استقبل الملك سلمان الرئيس اليمني عبد ربه منصور هادي في الرياض.", "published": "2015-07-21", "outlet": "spa"}).to_string(),
        "{\"text\": ".to_string(),
    ];
    let r = s.post("/api/articles", &[auth, ("content-type", "application/x-ndjson")], lines.join("\n").as_bytes());
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(
        (v["stored"].as_i64(), v["duplicates"].as_i64(), v["errors"].as_i64()),
        (Some(1), Some(1), Some(1)),
        "{v}"
    );
    assert_eq!(v["results"][0]["outcome"], "duplicate");
    assert_eq!(v["results"][0]["article"], id);
    assert_eq!(v["results"][2]["outcome"], "error");
    // what was ingested is searchable and readable at once
    let found = s.get(&format!("/api/search?q={}", enc("هادي"))).json();
    assert_eq!(found["hits"].as_array().unwrap().len(), 1, "{found}");
    assert_eq!(s.get(&format!("/api/articles/{id}")).status, 200);
    let m = s.get("/metrics").text();
    assert!(m.contains("hadath_articles_ingested_total 2"), "{m}");
    s.post("/api/articles", &[auth, ("content-type", "text/plain")], b"\xc3\x28").assert_error(400);
}

#[test]
fn pages_and_assets() {
    let (s, fx) = shared();
    for p in ["/", "/try", "/search?q=x", "/events", "/dyad", "/network", &format!("/article/{}", fx.seed)] {
        let r = s.get(p);
        assert_eq!(r.status, 200, "{p}");
        assert!(r.header("content-type").unwrap().starts_with("text/html"));
        let csp = r.header("content-security-policy").expect("CSP");
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(r.text().contains("dir=\"rtl\""));
    }
    let js = s.get("/assets/app.js");
    assert_eq!(js.status, 200);
    assert!(js.header("content-type").unwrap().starts_with("text/javascript"));
    // Article text reaches the page only through textContent.
    for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("] {
        assert!(!js.text().contains(sink), "app.js uses {sink}");
    }
    // No asset comes from another host.
    let html = s.get("/").text();
    assert!(!html.contains("http://") && !html.contains("https://"), "{html}");
    assert!(!js.text().contains("https://"));
    assert_eq!(s.get("/assets/app.css").status, 200);
    assert_eq!(s.get("/assets/example.txt").text(), SEED);
}

#[test]
fn served_openapi_is_the_generated_one() {
    let (s, _) = shared();
    let r = s.get("/api/openapi.json");
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), hadath_serve::openapi_json());
    let v = r.json();
    assert!(v["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/api/extract",
        "/api/search",
        "/api/articles/{id}",
        "/api/events",
        "/api/dyads",
        "/api/actors",
        "/api/articles",
    ] {
        assert!(v["paths"].get(p).is_some(), "{p} missing from the OpenAPI document");
    }
    assert!(v["components"]["schemas"].get("Document").is_some());
}

#[test]
fn concurrent_requests() {
    let (s, _) = shared();
    let addr = s.addr;
    let threads: Vec<_> = (0..16)
        .map(|i| {
            std::thread::spawn(move || {
                let r = if i % 2 == 0 {
                    common::request(addr, "GET", &format!("/api/search?q={}", enc("كوهين")), &[], b"")
                } else {
                    common::request(addr, "POST", "/api/extract", &[], "التقى الوزير بالرئيس في باكو.".as_bytes())
                };
                r.status
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), 200);
    }
}
