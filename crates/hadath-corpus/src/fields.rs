//! Which JSON field holds what.

/// For each article field, the record keys to look for, in order (the first non-empty one wins).
///
/// The defaults read `hadath extract`'s JSONL records (`text`, `id`, `title`, `published`, `url`,
/// `outlet`, `home`) and SaudiNewsNet's (`content`, `source` as the outlet, `date_extracted` as the
/// publication date when nothing better is there). [`FieldMap::set`] replaces one field's keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMap {
    /// The article text.
    pub text: Vec<String>,
    /// The record's id.
    pub id: Vec<String>,
    /// The title.
    pub title: Vec<String>,
    /// The publication date (YYYY-MM-DD or a timestamp starting with one).
    pub published: Vec<String>,
    /// The URL.
    pub url: Vec<String>,
    /// The outlet.
    pub outlet: Vec<String>,
    /// The outlet's country (ISO alpha-3).
    pub home: Vec<String>,
}

fn names(n: &[&str]) -> Vec<String> {
    n.iter().map(|s| s.to_string()).collect()
}

impl Default for FieldMap {
    fn default() -> Self {
        FieldMap {
            text: names(&["text", "content", "body"]),
            id: names(&["id", "guid"]),
            title: names(&["title", "headline"]),
            published: names(&["published", "date", "pubDate", "published_at", "date_published", "date_extracted"]),
            url: names(&["url", "link"]),
            outlet: names(&["outlet", "source", "site"]),
            home: names(&["home"]),
        }
    }
}

impl FieldMap {
    /// The field names [`FieldMap::set`] accepts.
    pub const FIELDS: [&'static str; 7] = ["text", "id", "title", "published", "url", "outlet", "home"];

    /// Applies `FIELD=KEY[,KEY…]` (`text=content`, `published=date_extracted,date`).
    pub fn set(&mut self, spec: &str) -> Result<(), String> {
        let (field, keys) =
            spec.split_once('=').ok_or_else(|| format!("--field {spec:?}: expected FIELD=KEY, e.g. text=content"))?;
        let keys: Vec<String> = keys.split(',').map(|k| k.trim().to_string()).filter(|k| !k.is_empty()).collect();
        if keys.is_empty() {
            return Err(format!("--field {spec:?}: no record key after '='"));
        }
        let slot = match field.trim() {
            "text" => &mut self.text,
            "id" => &mut self.id,
            "title" => &mut self.title,
            "published" => &mut self.published,
            "url" => &mut self.url,
            "outlet" => &mut self.outlet,
            "home" => &mut self.home,
            other => {
                return Err(format!(
                    "--field {spec:?}: unknown field {other:?}; use one of {}",
                    Self::FIELDS.join(", ")
                ))
            }
        };
        *slot = keys;
        Ok(())
    }
}
