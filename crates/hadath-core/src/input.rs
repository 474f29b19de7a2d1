//! Inputs: one article's text and what is known about it, from a file or a JSONL record; light HTML
//! stripping for pages saved from the web.

use serde::Deserialize;

/// One article to analyse.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input {
    /// The record's id, if it has one.
    pub id: Option<String>,
    /// The text (decoded; never modified afterwards).
    pub text: String,
    /// The title, when the record gives one apart from the text.
    pub title: Option<String>,
    /// Publication date, YYYY-MM-DD.
    pub published: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Outlet.
    pub outlet: Option<String>,
    /// Outlet's home country (ISO alpha-3).
    pub home: Option<String>,
    /// Warnings from reading the input (decoding, HTML).
    pub warnings: Vec<String>,
}

/// A JSONL input record: `text` is required, the rest optional.
#[derive(Debug, Clone, Deserialize)]
pub struct Record {
    /// Id (a string or a number).
    #[serde(default, deserialize_with = "string_or_number")]
    pub id: Option<String>,
    /// The article text (`content` is accepted as another name for it). Other fields are ignored.
    #[serde(alias = "content")]
    pub text: String,
    /// Title.
    #[serde(default)]
    pub title: Option<String>,
    /// Publication date (YYYY-MM-DD, or an RFC 3339 timestamp whose date part is used).
    #[serde(default)]
    pub published: Option<String>,
    /// URL.
    #[serde(default)]
    pub url: Option<String>,
    /// Outlet.
    #[serde(default)]
    pub outlet: Option<String>,
    /// Outlet's home country.
    #[serde(default)]
    pub home: Option<String>,
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        S(String),
        N(serde_json::Number),
    }
    Ok(Option::<Id>::deserialize(d)?.map(|id| match id {
        Id::S(s) => s,
        Id::N(n) => n.to_string(),
    }))
}

/// Why a JSONL record was rejected.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// Not JSON, or not the record shape.
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    /// A field has a bad value.
    #[error("{0}")]
    Field(String),
}

/// Parses one JSONL line into an [`Input`].
pub fn parse_record(line: &str) -> Result<Input, RecordError> {
    let r: Record = serde_json::from_str(line)?;
    if r.text.trim().is_empty() {
        return Err(RecordError::Field("field `text` is empty".into()));
    }
    let published = match r.published {
        Some(p) if !p.trim().is_empty() => Some(parse_published(&p).map_err(RecordError::Field)?),
        _ => None,
    };
    let home = match r.home {
        Some(h) if !h.trim().is_empty() => Some(parse_home(&h).map_err(RecordError::Field)?),
        _ => None,
    };
    Ok(Input {
        id: r.id.filter(|s| !s.is_empty()),
        text: r.text,
        title: r.title.filter(|s| !s.trim().is_empty()),
        published,
        url: r.url,
        outlet: r.outlet,
        home,
        warnings: Vec::new(),
    })
}

/// Validates a publication date: `YYYY-MM-DD`, or a timestamp starting with one (`2015-07-21T10:00:00Z`,
/// `2015-07-21 10:00`), returning the date part.
pub fn parse_published(s: &str) -> Result<String, String> {
    let s = s.trim();
    let date = s.get(..10).unwrap_or(s);
    let bad = || format!("published {s:?} is not a date of the form YYYY-MM-DD");
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    if s.len() > 10 && !matches!(s.as_bytes()[10], b'T' | b' ' | b't') {
        return Err(bad());
    }
    let y: u32 = date[..4].parse().map_err(|_| bad())?;
    let m: u32 = date[5..7].parse().map_err(|_| bad())?;
    let d: u32 = date[8..10].parse().map_err(|_| bad())?;
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d == 0 || d > days || y < 1000 {
        return Err(bad());
    }
    Ok(date.to_string())
}

/// Validates an ISO 3166 alpha-3 code (upper-cased).
pub fn parse_home(s: &str) -> Result<String, String> {
    let up = s.trim().to_ascii_uppercase();
    if up.len() == 3 && up.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(up)
    } else {
        Err(format!("home {s:?} is not an ISO 3166 alpha-3 country code such as SAU"))
    }
}

/// Does this text look like an HTML page rather than plain text?
pub fn looks_like_html(text: &str) -> bool {
    let head: String = text.trim_start().chars().take(512).collect::<String>().to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || ((head.starts_with('<'))
            && (head.contains("<body") || head.contains("<p") || head.contains("<div") || head.contains("<head")))
}

/// Extracts the readable text of an HTML page: drops `<script>`, `<style>`, `<head>` (keeping its
/// `<title>` as the first line) and comments; block-level tags become line breaks; entities are decoded.
/// Hand-written rather than a DOM crate: hadath only needs the text lines, and this never panics on soup.
pub fn html_to_text(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len() / 2);
    let mut title = None;
    if let Some(s) = lower.find("<title") {
        if let Some(gt) = lower[s..].find('>') {
            let from = s + gt + 1;
            if let Some(e) = lower[from..].find("</title") {
                title = Some(decode_entities(html[from..from + e].trim()));
            }
        }
    }
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        if bytes[i] == b'<' {
            if lower[i..].starts_with("<!--") {
                i = lower[i..].find("-->").map_or(bytes.len(), |e| i + e + 3);
                continue;
            }
            let skip_block = ["script", "style", "head", "noscript", "template"].into_iter().find(|t| {
                lower[i + 1..].starts_with(t) && lower[i + 1 + t.len()..].starts_with(['>', ' ', '\t', '\n', '\r', '/'])
            });
            if let Some(tag) = skip_block {
                let close = format!("</{tag}");
                i = lower[i..].find(&close).map_or(bytes.len(), |e| i + e);
                i = lower[i..].find('>').map_or(bytes.len(), |e| i + e + 1);
                continue;
            }
            let end = lower[i..].find('>').map_or(bytes.len(), |e| i + e + 1);
            let tag = lower[i..end].trim_start_matches(['<', '/']);
            let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            if matches!(
                name.as_str(),
                "p" | "div"
                    | "br"
                    | "li"
                    | "h1"
                    | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
                    | "tr"
                    | "article"
                    | "section"
                    | "blockquote"
                    | "header"
                    | "footer"
                    | "title"
            ) && !out.ends_with('\n')
            {
                out.push('\n');
            }
            i = end;
            continue;
        }
        let next = lower[i..].find('<').map_or(bytes.len(), |e| i + e);
        out.push_str(&decode_entities(&html[i..next]));
        i = next;
    }
    // Collapse whitespace inside lines, drop empty lines.
    let mut text = String::with_capacity(out.len());
    if let Some(t) = title {
        if !t.is_empty() {
            text.push_str(&t);
            text.push('\n');
        }
    }
    for line in out.lines() {
        let collapsed = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !collapsed.is_empty() && text.lines().next() != Some(collapsed.as_str()) {
            text.push_str(&collapsed);
            text.push('\n');
        }
    }
    text
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let semi = rest.as_bytes().iter().take(12).position(|&b| b == b';');
        let decoded = semi.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                "laquo" => Some('«'),
                "raquo" => Some('»'),
                "ldquo" => Some('“'),
                "rdquo" => Some('”'),
                "hellip" => Some('…'),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn record_fields() {
        let i = parse_record(
            r#"{"id": 7, "text": "نص", "title": "عنوان", "published": "2015-07-21T08:00:00Z", "home": "sau"}"#,
        )
        .unwrap();
        assert_eq!(i.id.as_deref(), Some("7"));
        assert_eq!(i.published.as_deref(), Some("2015-07-21"));
        assert_eq!(i.home.as_deref(), Some("SAU"));
    }

    #[test]
    fn record_errors_are_clear() {
        assert!(parse_record(r#"{"title": "x"}"#).unwrap_err().to_string().contains("missing field `text`"));
        assert!(parse_record(r#"{"text": "نص", "published": "21/7/2015"}"#)
            .unwrap_err()
            .to_string()
            .contains("YYYY-MM-DD"));
        assert!(parse_record(r#"{"text": "  "}"#).unwrap_err().to_string().contains("empty"));
        assert!(parse_record("not json").is_err());
    }

    #[test]
    fn published_validation() {
        assert_eq!(parse_published("2024-02-29").unwrap(), "2024-02-29");
        assert!(parse_published("2023-02-29").is_err());
        assert!(parse_published("2023-13-01").is_err());
        assert!(parse_published("2023-04-19x").is_err());
    }

    #[test]
    fn html_soup() {
        let html = "<!DOCTYPE html><html><head><title>خبر &amp; عنوان</title><style>p{}</style><script>var a='<p>';</script></head><body><div><p>التقى الوزير&nbsp;بالرئيس.</p><p>سطر<br>آخر</div><!-- x --></body>";
        assert!(looks_like_html(html));
        assert_eq!(html_to_text(html), "خبر & عنوان\nالتقى الوزير بالرئيس.\nسطر\nآخر\n");
    }

    proptest! {
        #[test]
        fn html_never_panics(s in "[<>/a-z!&#;\u{0627}-\u{064A} -]{0,80}") {
            let _ = html_to_text(&s);
            let _ = looks_like_html(&s);
        }
    }
}
