//! What an HTML page's `<meta>` tags say about it: title, publication date, site, canonical URL.

/// Page metadata.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Meta {
    pub title: Option<String>,
    pub published: Option<String>,
    pub site: Option<String>,
    pub url: Option<String>,
}

/// Reads `<meta property|name=… content=…>` and `<link rel=canonical>` from the page's first 64 KiB.
pub(crate) fn meta(html: &str) -> Meta {
    let mut end = html.len().min(64 * 1024);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    let head = &html[..end];
    let lower = head.to_ascii_lowercase();
    let mut m = Meta::default();
    let mut pos = 0;
    while let Some(i) = lower[pos..].find("<meta").map(|i| i + pos) {
        let close = lower[i..].find('>').map_or(lower.len(), |e| i + e);
        let tag = &head[i..close];
        let key = attr(tag, "property").or_else(|| attr(tag, "name")).or_else(|| attr(tag, "itemprop"));
        if let (Some(key), Some(content)) = (key, attr(tag, "content")) {
            let content = content.trim().to_string();
            if !content.is_empty() {
                match key.to_ascii_lowercase().as_str() {
                    "og:title" | "twitter:title" if m.title.is_none() => m.title = Some(content),
                    "article:published_time"
                    | "datepublished"
                    | "pubdate"
                    | "date"
                    | "dc.date"
                    | "dc.date.issued"
                    | "publish-date"
                        if m.published.is_none() =>
                    {
                        m.published = Some(content)
                    }
                    "og:site_name" | "application-name" if m.site.is_none() => m.site = Some(content),
                    "og:url" if m.url.is_none() => m.url = Some(content),
                    _ => {}
                }
            }
        }
        pos = close.max(i + 5);
        if pos >= lower.len() {
            break;
        }
    }
    if m.url.is_none() {
        if let Some(i) = lower.find("rel=\"canonical\"").or_else(|| lower.find("rel='canonical'")) {
            let s = lower[..i].rfind('<').unwrap_or(i);
            let e = lower[i..].find('>').map_or(lower.len(), |e| i + e);
            m.url = attr(&head[s..e], "href").map(str::to_string);
        }
    }
    m
}

/// The value of `name="…"` (or single-quoted) in a tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name).map(|i| i + from) {
        let before_ok = i == 0 || lower.as_bytes()[i - 1].is_ascii_whitespace();
        let rest = lower[i + name.len()..].trim_start();
        if before_ok && rest.starts_with('=') {
            let eq = lower.len() - rest.len();
            let after = tag[eq + 1..].trim_start();
            let start = tag.len() - after.len();
            let q = after.chars().next()?;
            if q == '"' || q == '\'' {
                let close = after[1..].find(q)?;
                return Some(&tag[start + 1..start + 1 + close]);
            }
            let stop = after.find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/').unwrap_or(after.len());
            return Some(&tag[start..start + stop]);
        }
        from = i + name.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_tags() {
        let page = r#"<html><head><meta property="og:title" content="عنوان الخبر"><meta name='article:published_time' content='2015-07-21T08:00:00+03:00'/><meta property="og:site_name" content="الرياض"><link rel="canonical" href="http://x/1"></head><body><p>نص</p></body></html>"#;
        let m = meta(page);
        assert_eq!(m.title.as_deref(), Some("عنوان الخبر"));
        assert_eq!(m.published.as_deref(), Some("2015-07-21T08:00:00+03:00"));
        assert_eq!(m.site.as_deref(), Some("الرياض"));
        assert_eq!(m.url.as_deref(), Some("http://x/1"));
        assert_eq!(meta("<meta content=x"), Meta::default());
    }
}
