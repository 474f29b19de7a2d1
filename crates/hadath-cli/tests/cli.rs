//! The `hadath` binary end to end: formats, stdin, bad input, exit codes.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn hadath() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hadath"))
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = hadath();
    cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn hadath");
    {
        let mut si = child.stdin.take().unwrap();
        if let Some(b) = stdin {
            // The process may exit before reading (bad flags): a closed pipe is fine.
            let _ = si.write_all(b);
        }
    }
    child.wait_with_output().unwrap()
}

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/seed-article.txt")
}

fn tmp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hadath-cli-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn stdout_json(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "exit {:?}, stderr: {}", o.status, String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

/// Code point slice, as Python's text[start:end].
fn cp_slice(text: &str, s: u64, e: u64) -> String {
    text.chars().skip(s as usize).take((e - s) as usize).collect()
}

#[test]
fn extract_example_is_one_document_with_valid_spans() {
    let path = example();
    let o = run(&["extract", path.to_str().unwrap(), "--published", "2023-04-19"], None);
    let doc = stdout_json(&o);
    assert_eq!(doc["schema"], 1);
    assert_eq!(doc["published"], "2023-04-19");
    assert_eq!(doc["attribution"]["translator"], "أوغاريت بوست");
    assert_eq!(doc["id"], doc["hash"]);
    let text = std::fs::read_to_string(&path).unwrap();
    let sentences = doc["sentences"].as_array().unwrap();
    // 12 lines; 23 sentences (counted by hand: the 9th paragraph has six).
    assert_eq!(sentences.len(), 23);
    for s in sentences {
        let t = cp_slice(&text, s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap());
        assert!(!t.is_empty() && t.trim() == t);
    }
    let first = &sentences[0];
    assert!(cp_slice(&text, first["start"].as_u64().unwrap(), first["end"].as_u64().unwrap()).ends_with("هناك."));
    for key in ["entities", "times", "events"] {
        assert!(doc[key].is_array(), "{key} is an array");
    }
}

#[test]
fn stdin_and_formats() {
    let text = std::fs::read(example()).unwrap();
    let from_stdin = stdout_json(&run(&["extract", "-"], Some(&text)));
    let from_file = stdout_json(&run(&["extract", example().to_str().unwrap()], None));
    assert_eq!(from_stdin, from_file);
    // pretty is the same document
    let pretty = stdout_json(&run(&["extract", "--format", "pretty", "-"], Some(&text)));
    assert_eq!(pretty, from_file);
    // two files → an array
    let p = example();
    let arr = stdout_json(&run(&["extract", p.to_str().unwrap(), p.to_str().unwrap()], None));
    assert_eq!(arr.as_array().unwrap().len(), 2);
    // --text includes the original
    let with_text = stdout_json(&run(&["extract", "--text", "-"], Some(&text)));
    assert_eq!(with_text["text"].as_str().unwrap().as_bytes(), &text[..]);
}

#[test]
fn jsonl_in_and_out_with_a_bad_line() {
    let input = concat!(
        r#"{"id": "a1", "text": "بغداد - (رويترز) - قال مسؤولون عراقيون إن الاجتماع انتهى.", "published": "2024-03-10"}"#,
        "\n",
        "this is not json\n",
        "\n",
        r#"{"id": 2, "title": "عنوان", "text": "التقى الوزير بالرئيس.", "home": "irq"}"#,
        "\n",
        r#"{"text": "نص", "published": "10/3/2024"}"#,
        "\n",
    );
    let p = tmp("in.jsonl", input.as_bytes());
    let o = run(&["extract", "--format", "jsonl", "--published", "2024-01-01", p.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1), "bad lines make the run exit non-zero");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("in.jsonl:2:"), "{err}");
    assert!(err.contains("in.jsonl:5:") && err.contains("YYYY-MM-DD"), "{err}");
    assert!(err.contains("2 input(s) failed"), "{err}");
    let docs: Vec<serde_json::Value> =
        String::from_utf8(o.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["id"], "a1");
    assert_eq!(docs[0]["published"], "2024-03-10");
    assert_eq!(docs[0]["dateline"]["agency_name"], "Reuters");
    assert_eq!(docs[1]["id"], "2");
    assert_eq!(docs[1]["title"], "عنوان");
    assert_eq!(docs[1]["published"], "2024-01-01", "--published fills records that lack it");
    assert_eq!(docs[1]["home"], "IRQ");
}

#[test]
fn jsonl_from_stdin_with_input_format() {
    let o = run(
        &["extract", "--input-format", "jsonl", "--format", "json", "-"],
        Some("{\"text\": \"قال الوزير.\"}\n".as_bytes()),
    );
    let v = stdout_json(&o);
    assert_eq!(v.as_array().unwrap().len(), 1, "JSONL input gives an array in json format");
}

#[test]
fn legacy_encodings() {
    let text = "القاهرة (أ ف ب) - التقى الوزير بالرئيس في باكو.";
    let (bytes, _, _) = encoding_rs_encode_1256(text);
    let p = tmp("cp1256.txt", &bytes);
    let o = run(&["extract", "--text", p.to_str().unwrap()], None);
    let doc = stdout_json(&o);
    assert_eq!(doc["text"], text);
    assert!(String::from_utf8_lossy(&o.stderr).contains("windows-1256"));
    let o = run(&["extract", "--text", "--encoding", "windows-1256", p.to_str().unwrap()], None);
    assert_eq!(stdout_json(&o)["text"], text);
}

/// windows-1256 encoding of Arabic letters, by table (tests must not need encoding_rs as a dependency).
fn encoding_rs_encode_1256(s: &str) -> (Vec<u8>, (), ()) {
    const LETTERS: &[(char, u8)] = &[
        ('ء', 0xC1),
        ('آ', 0xC2),
        ('أ', 0xC3),
        ('ؤ', 0xC4),
        ('إ', 0xC5),
        ('ئ', 0xC6),
        ('ا', 0xC7),
        ('ب', 0xC8),
        ('ة', 0xC9),
        ('ت', 0xCA),
        ('ث', 0xCB),
        ('ج', 0xCC),
        ('ح', 0xCD),
        ('خ', 0xCE),
        ('د', 0xCF),
        ('ذ', 0xD0),
        ('ر', 0xD1),
        ('ز', 0xD2),
        ('س', 0xD3),
        ('ش', 0xD4),
        ('ص', 0xD5),
        ('ض', 0xD6),
        ('ط', 0xD8),
        ('ظ', 0xD9),
        ('ع', 0xDA),
        ('غ', 0xDB),
        ('ف', 0xDD),
        ('ق', 0xDE),
        ('ك', 0xDF),
        ('ل', 0xE1),
        ('م', 0xE3),
        ('ن', 0xE4),
        ('ه', 0xE5),
        ('و', 0xE6),
        ('ى', 0xEC),
        ('ي', 0xED),
    ];
    let bytes = s
        .chars()
        .map(|c| if c.is_ascii() { c as u8 } else { LETTERS.iter().find(|(l, _)| *l == c).expect("letter in table").1 })
        .collect();
    (bytes, (), ())
}

#[test]
fn invalid_utf8_is_a_clear_error_and_lossy_recovers() {
    let mut bytes = "قال الوزير ".as_bytes().to_vec();
    bytes.extend_from_slice(&[0xC3, 0x28, 0xA0, 0xA1, 0xFF]);
    bytes.extend_from_slice(" في باكو.".as_bytes());
    let p = tmp("bad.txt", &bytes);
    let o = run(&["extract", "--encoding", "utf-8", p.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.txt") && err.contains("byte offset 20"), "{err}");
    let o = run(&["extract", "--encoding", "utf-8", "--lossy", "--text", p.to_str().unwrap()], None);
    let doc = stdout_json(&o);
    assert!(doc["text"].as_str().unwrap().contains('\u{FFFD}'));
    assert!(doc["warnings"][0].as_str().unwrap().contains("offset 20"));
}

#[test]
fn empty_missing_and_directory_inputs_fail_cleanly_and_the_rest_goes_on() {
    let empty = tmp("empty.txt", b"");
    let ex = example();
    let o = run(
        &["extract", "--format", "jsonl", empty.to_str().unwrap(), "/nonexistent/x.txt", ex.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("empty.txt") && err.contains("empty input"), "{err}");
    assert!(err.contains("/nonexistent/x.txt"), "{err}");
    assert_eq!(String::from_utf8(o.stdout).unwrap().lines().count(), 1, "the good file is still analysed");
    assert!(!err.contains("panicked"));
}

#[test]
fn too_large_input_is_refused() {
    let o = run(&["extract", "--max-bytes", "10", "-"], Some("قال الوزير إن الاجتماع انتهى".as_bytes()));
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--max-bytes"));
}

#[test]
fn html_is_stripped() {
    let html = "<html><head><title>عنوان الخبر</title><script>x()</script></head><body><p>القاهرة (أ ف ب) - التقى الوزير بالرئيس.</p></body></html>";
    let p = tmp("page.html", html.as_bytes());
    let doc = stdout_json(&run(&["extract", "--text", p.to_str().unwrap()], None));
    assert_eq!(doc["title"], "عنوان الخبر");
    assert_eq!(doc["dateline"]["agency_name"], "AFP");
    assert!(!doc["text"].as_str().unwrap().contains('<'));
}

#[test]
fn bad_flags_are_rejected() {
    let o = run(&["extract", "--published", "19/04/2023", "-"], Some(b"x"));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("YYYY-MM-DD"));
    let o = run(&["extract", "--home", "Israel", "-"], Some(b"x"));
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["extract", "--encoding", "klingon", "-"], Some(b"x"));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn segment_keeps_lines_and_marks_clitics() {
    let input = "وبالتالي نشرتها للسلطة في باكو\n\nلبنان وفلسطين 2023!\n";
    let o = run(&["segment", "-"], Some(input.as_bytes()));
    assert!(o.status.success());
    let out = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "one output line per input line: {out:?}");
    assert_eq!(lines[1], "");
    // Removing the + marks gives back the tokens of the input line.
    for (inp, outp) in input.lines().zip(&lines) {
        let joined: String = outp.replace('+', "");
        let want: String = inp.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(joined.replace(' ', ""), want.replace(' ', ""));
    }
    assert!(lines[2].starts_with("لبنان "), "{}", lines[2]);
}

#[test]
fn help_explains_commands() {
    let o = run(&["--help"], None);
    let h = String::from_utf8(o.stdout).unwrap();
    for cmd in ["extract", "segment", "bench"] {
        assert!(h.contains(cmd), "{h}");
    }
    let o = run(&["extract", "--help"], None);
    let h = String::from_utf8(o.stdout).unwrap();
    for flag in ["--input-format", "--format", "--published", "--home", "--encoding", "--lossy"] {
        assert!(h.contains(flag), "{flag} in {h}");
    }
}

#[test]
fn eval_events_scores_a_gold_file() {
    let article = tmp(
        "eval-article.txt",
        "التقى وزير الخارجية الإسرائيلي إيلي كوهين في باكو بالرئيس الأذربيجاني إلهام علييف يوم الأربعاء.\n".as_bytes(),
    );
    let name = article.file_name().unwrap().to_str().unwrap().to_string();
    let gold = tmp(
        "eval-gold.jsonl",
        format!(
            "{{\"doc\": \"a\", \"file\": \"{name}\", \"published\": \"2023-04-19\", \"home\": null, \"entities\": [{{\"text\": \"إيلي كوهين\", \"type\": \"PER\", \"country\": \"ISR\"}}, {{\"text\": \"باكو\", \"type\": \"LOC\", \"country\": \"AZE\"}}], \"times\": [{{\"text\": \"يوم الأربعاء\", \"value\": \"2023-04-19\"}}], \"events\": [{{\"source\": \"ISR\", \"target\": \"AZE\", \"root\": [\"04\"], \"required\": true}}, {{\"source\": \"ISR\", \"target\": \"TKM\", \"root\": [\"04\"], \"required\": true}}]}}\n"
        )
        .as_bytes(),
    );
    let out = run(&["eval", "events", "--gold", gold.to_str().unwrap()], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        text.lines().last().unwrap(),
        "events P=1.000 R=0.500 F1=0.667 (tp=1 fp=0 fn=1) entities R=1.000 country=1.000 times=1.000 broken=0",
        "{text}"
    );
}

#[test]
fn serve_answers_and_stops() {
    use std::io::Read;
    // Without --db with a token: refused at once.
    let o = hadath().args(["serve", "--ingest-token", "x"]).env_remove("HADATH_INGEST_TOKEN").output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    // A missing store is refused too (the server is read-only without a token).
    let missing = std::env::temp_dir().join(format!("hadath-cli-missing-{}.hadath", std::process::id()));
    let o = hadath().args(["serve", "--db", missing.to_str().unwrap()]).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", String::from_utf8_lossy(&o.stderr));
    // Without a store it serves extraction.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = hadath()
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env_remove("HADATH_INGEST_TOKEN")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let t = std::time::Instant::now();
    let answer = loop {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
            let mut r = String::new();
            let _ = s.read_to_string(&mut r);
            break r;
        }
        assert!(t.elapsed().as_secs() < 60, "hadath serve did not start");
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"store\":false"), "{answer}");
}
