//! RSS and Atom feeds (`feed-rs`): one article per item / entry.
//!
//! Title from the item's title, text from its content (`content:encoded`, Atom `content`) else its summary
//! (`description`), with HTML reduced to text by the same function as the HTML reader
//! ([`hadath_core::input::html_to_text`]); publication date from `pubDate` / `published` (else `updated`),
//! as the date written in the feed (its own time zone, not converted to UTC); the item's link as `url`; the
//! feed's title as `outlet`; the item's `guid` / `id` as `id` when the feed gives one.

use chrono::{DateTime, NaiveDate, Utc};
use feed_rs::model::{Entry, Text};

use hadath_core::input::{html_to_text, parse_published};
use hadath_core::Input;

use crate::{skip, Item, Record, SkipKind};

/// What the start of a file says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Sniff {
    /// An RSS (0.9x, 1.0 RDF, 2.0) or Atom root element.
    Feed,
    /// XML with another root element (its name).
    OtherXml(String),
    /// Not XML at all.
    NotXml,
}

/// Looks at the first element of the document: skips a byte-order mark, white space, the XML declaration,
/// processing instructions, comments and a doctype.
pub(crate) fn sniff(bytes: &[u8]) -> Sniff {
    let mut s = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    s = &s[..s.len().min(64 * 1024)];
    loop {
        let start = s.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(s.len());
        s = &s[start..];
        if s.first() != Some(&b'<') {
            return Sniff::NotXml;
        }
        let skip_past = |s: &[u8], end: &[u8]| s.windows(end.len()).position(|w| w == end).map(|i| i + end.len());
        let next = if s.starts_with(b"<?") {
            skip_past(s, b"?>")
        } else if s.starts_with(b"<!--") {
            skip_past(s, b"-->")
        } else if s.starts_with(b"<!") {
            skip_past(s, b">")
        } else {
            let name: Vec<u8> =
                s[1..].iter().take_while(|b| !b.is_ascii_whitespace() && !matches!(b, b'>' | b'/')).copied().collect();
            let name = String::from_utf8_lossy(&name).into_owned();
            let local = name.rsplit(':').next().unwrap_or("");
            return match local {
                "rss" | "feed" | "RDF" => Sniff::Feed,
                "" => Sniff::NotXml,
                _ => Sniff::OtherXml(name),
            };
        };
        match next {
            Some(n) => s = &s[n..],
            None => return Sniff::NotXml,
        }
    }
}

/// Feed dates keep the wall-clock time as written: "Tue, 21 Jul 2015 01:00:00 +0300" is 21 July, the date
/// the outlet published it, not 20 July in UTC. Falls back to a leading `YYYY-MM-DD`.
fn timestamp(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.naive_local().and_utc());
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.naive_local().and_utc());
    }
    let date = parse_published(s).ok()?;
    NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok()?.and_hms_opt(0, 0, 0).map(|n| n.and_utc())
}

/// A feed text as plain text: HTML (by its declared type, or by its look) goes through `html_to_text`.
fn plain(t: &Text) -> String {
    plain_str(&t.content, t.content_type.to_string().contains("html"))
}

fn plain_str(s: &str, html: bool) -> String {
    let html = html || (s.contains('<') && s.contains('>')) || s.contains('&');
    let text = if html { html_to_text(s) } else { s.to_string() };
    text.trim().to_string()
}

fn non_empty(s: String) -> Option<String> {
    (!s.trim().is_empty()).then_some(s)
}

/// Parses a feed's bytes into items (records and skips), or one skip for the whole file when it is not a
/// readable feed.
pub(crate) fn read(name: &str, bytes: &[u8], out: &mut Vec<Item>) {
    let parser = feed_rs::parser::Builder::new()
        // No generated ids (feed-rs would hash or invent them): an item keeps the id its feed gives it.
        .id_generator(|_, _, _| String::new())
        .timestamp_parser(timestamp)
        .build();
    let feed = match parser.parse(bytes) {
        Ok(f) => f,
        Err(e) => {
            let sniffed = sniff(bytes);
            let kind = if sniffed == Sniff::Feed { SkipKind::BadFeed } else { SkipKind::NotFeed };
            let why = match sniffed {
                Sniff::Feed => format!("malformed RSS/Atom feed, nothing read from it ({e})"),
                Sniff::OtherXml(root) => format!("XML whose root element is <{root}>, not an RSS or Atom feed"),
                Sniff::NotXml => format!("not an RSS or Atom feed (not XML: {e})"),
            };
            out.push(skip(name, kind, why));
            return;
        }
    };
    let outlet = feed.title.as_ref().map(plain).and_then(non_empty);
    if feed.entries.is_empty() {
        out.push(skip(name, SkipKind::NoText, "feed without items"));
        return;
    }
    for (i, entry) in feed.entries.into_iter().enumerate() {
        let origin = format!("{name}#{i}");
        out.push(entry_item(&origin, entry, outlet.clone()));
    }
}

fn entry_item(origin: &str, e: Entry, outlet: Option<String>) -> Item {
    let content = e.content.as_ref().and_then(|c| {
        let body = c.body.as_deref()?;
        non_empty(plain_str(body, c.content_type.to_string().contains("html")))
    });
    let Some(text) = content.or_else(|| e.summary.as_ref().map(plain).and_then(non_empty)) else {
        return skip(origin, SkipKind::NoText, "feed item without content or summary");
    };
    let published = e.published.or(e.updated).map(|d| d.format("%Y-%m-%d").to_string());
    let url = e.links.iter().find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate")).or(e.links.first());
    let input = Input {
        id: non_empty(e.id),
        text,
        title: e.title.as_ref().map(plain).and_then(non_empty),
        published,
        url: url.map(|l| l.href.clone()),
        outlet,
        home: None,
        warnings: Vec::new(),
    };
    Item::Record(Record { input, origin: origin.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- x -->\n<rss version=\"2.0\">"), Sniff::Feed);
        assert_eq!(sniff(b"<feed xmlns=\"http://www.w3.org/2005/Atom\">"), Sniff::Feed);
        assert_eq!(sniff(b"<rdf:RDF xmlns:rdf=\"x\">"), Sniff::Feed);
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><!DOCTYPE x><sitemap/>"), Sniff::OtherXml("sitemap".into()));
        assert_eq!(sniff("مرحبا".as_bytes()), Sniff::NotXml);
    }

    #[test]
    fn dates_keep_the_feeds_wall_clock() {
        let d = |s: &str| timestamp(s).map(|d| d.format("%Y-%m-%d").to_string());
        assert_eq!(d("Tue, 21 Jul 2015 01:00:00 +0300").as_deref(), Some("2015-07-21"));
        assert_eq!(d("2015-07-21T23:30:00-05:00").as_deref(), Some("2015-07-21"));
        assert_eq!(d("2015-07-21").as_deref(), Some("2015-07-21"));
        assert_eq!(d("yesterday"), None);
    }
}
