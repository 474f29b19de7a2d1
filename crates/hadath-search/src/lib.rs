//! Full-text search over stored articles: a [tantivy] index with an Arabic analyser built on hadath's text
//! core.
//!
//! - [`ArabicTokenizer`]: words from [`hadath_text::tokens`], clitics split by hadath's lexicon-guided
//!   segmenter (و، ف، ب، ل، ك، س and pronoun enclitics), folded to the match form (no diacritics, one alef,
//!   ى → ي, ة → ه), then lightly stemmed ([`light_stem`]: the article ال and a few suffixes such as ية، ي،
//!   ون، ين، ات). So أذربيجان, لأذربيجان, بأذربيجان and والأذربيجانية all index as `اذربيجان`. Offsets stay
//!   those of the original text (no filter changes them), so snippets highlight the words as written.
//! - [`SearchIndex`]: the index (article id, title, text, outlet, publication date); BM25 ranking; words of
//!   a query must all occur (AND) unless it says OR; quoted phrases; snippets with highlighted ranges.
//!   Each commit records the last article id indexed, so indexing is incremental and survives a kill.
//!
//! ```
//! use hadath_search::{analyse, ArabicTokenizer};
//! let t = ArabicTokenizer::new()?;
//! let words: Vec<String> = analyse(&t, "لأذربيجان، بأذربيجان والأذربيجانية").into_iter().map(|w| w.0).collect();
//! assert_eq!(words, ["اذربيجان", "اذربيجان", "اذربيجان"]);
//! # Ok::<(), hadath_search::Error>(())
//! ```
#![deny(missing_docs)]

use std::collections::HashSet;
use std::ops::Bound;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use tantivy::collector::{FilterCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, Value, STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{doc, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use hadath_text::clitics::{SegCache, Segmenter};
use hadath_text::normalize::{push_match_key, MatchForm};
use hadath_text::tokens::{tokenize, TokenKind};

/// A search error.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Error(String);

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Error {
        Error(format!("search index: {e}"))
    }
}

impl From<tantivy::directory::error::OpenDirectoryError> for Error {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> Error {
        Error(format!("search index: {e}"))
    }
}

/// A search result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The analyser's name in the index.
pub const ANALYSER: &str = "hadath_ar";

/// Suffixes removed by [`light_stem`] (match form), longest first.
pub const SUFFIXES: [&str; 10] = ["يين", "يون", "يات", "يه", "ين", "ون", "ات", "ها", "ي", "ه"];

/// Light stemming of one match-form word: drops the article (ال, and لل after ل) and then one suffix of
/// [`SUFFIXES`], keeping at least three letters. The dual/plural ان is kept: too many names end in it
/// (ايران، لبنان، اذربيجان).
pub fn light_stem(word: &str) -> &str {
    let letters = |s: &str| s.chars().count();
    let mut w = word;
    for p in ["ال", "لل"] {
        if let Some(rest) = w.strip_prefix(p) {
            if letters(rest) >= 3 {
                w = rest;
                break;
            }
        }
    }
    for s in SUFFIXES {
        if let Some(rest) = w.strip_suffix(s) {
            if letters(rest) >= 3 {
                return rest;
            }
        }
    }
    w
}

thread_local! {
    /// Each thread's memo of recent segmentations (2 MB): indexing and snippets analyse whole articles, and
    /// most of their words were seen a moment ago.
    static SEG_CACHE: std::cell::RefCell<SegCache> = std::cell::RefCell::new(SegCache::new(1 << 16));
}

/// The Arabic analyser (see the crate docs).
#[derive(Clone)]
pub struct ArabicTokenizer {
    seg: Arc<Segmenter>,
    token: Token,
}

impl std::fmt::Debug for ArabicTokenizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ArabicTokenizer")
    }
}

impl ArabicTokenizer {
    /// Loads hadath's segmentation lexicon.
    pub fn new() -> Result<ArabicTokenizer> {
        let seg = hadath_lexicon::embedded_segmenter().map_err(|e| Error(e.to_string()))?;
        Ok(ArabicTokenizer { seg: Arc::new(seg), token: Token::default() })
    }

    /// The terms of `text`: (term, byte range of the original text).
    fn terms(&self, text: &str, out: &mut Vec<(String, Range<usize>)>) {
        SEG_CACHE.with_borrow_mut(|cache| self.terms_with(text, cache, out));
    }

    fn terms_with(&self, text: &str, cache: &mut SegCache, out: &mut Vec<(String, Range<usize>)>) {
        let mut points = Vec::new();
        let mut bounds = Vec::new();
        let mut key = String::new();
        for t in tokenize(text) {
            match t.kind {
                TokenKind::Arabic => {
                    let word = &text[t.span.clone()];
                    self.seg.split_points_cached(word, cache, &mut points);
                    // The stem is the longest segment that is not a proclitic or enclitic: the segment
                    // after the last proclitic split … before the first enclitic split. Without knowing
                    // which split is which, take the longest segment.
                    bounds.clear();
                    bounds.push(0);
                    bounds.extend_from_slice(&points);
                    bounds.push(word.len());
                    let (s, e) = bounds
                        .windows(2)
                        .map(|w| (w[0], w[1]))
                        .max_by_key(|(s, e)| (word[*s..*e].chars().count(), usize::MAX - s))
                        .unwrap_or((0, word.len()));
                    key.clear();
                    push_match_key(&word[s..e], &mut key);
                    let stem = light_stem(&key);
                    if !stem.is_empty() {
                        out.push((stem.to_string(), t.span.start + s..t.span.start + e));
                    }
                }
                TokenKind::Latin | TokenKind::Number => {
                    key.clear();
                    push_match_key(&text[t.span.clone()], &mut key);
                    out.push((key.clone(), t.span.clone()));
                }
                _ => {}
            }
        }
    }
}

/// The terms the analyser makes of `text`, with their byte ranges in it.
pub fn analyse(t: &ArabicTokenizer, text: &str) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    t.terms(text, &mut out);
    out
}

/// The token stream of [`ArabicTokenizer`].
pub struct ArabicTokenStream<'a> {
    terms: std::vec::IntoIter<(String, Range<usize>)>,
    token: &'a mut Token,
}

impl Tokenizer for ArabicTokenizer {
    type TokenStream<'a> = ArabicTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ArabicTokenStream<'a> {
        let mut terms = Vec::new();
        self.terms(text, &mut terms);
        self.token.reset();
        ArabicTokenStream { terms: terms.into_iter(), token: &mut self.token }
    }
}

impl TokenStream for ArabicTokenStream<'_> {
    fn advance(&mut self) -> bool {
        match self.terms.next() {
            Some((text, r)) => {
                self.token.position = self.token.position.wrapping_add(1);
                self.token.offset_from = r.start;
                self.token.offset_to = r.end;
                self.token.text = text;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// An article to index.
#[derive(Debug, Clone, Copy)]
pub struct IndexDoc<'a> {
    /// The store's article id.
    pub id: i64,
    /// Title.
    pub title: Option<&'a str>,
    /// Text.
    pub text: &'a str,
    /// Outlet.
    pub outlet: Option<&'a str>,
    /// Publication date (YYYY-MM-DD).
    pub published: Option<&'a str>,
}

/// Filters of a search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Only this outlet.
    pub outlet: Option<String>,
    /// Published on or after.
    pub from: Option<String>,
    /// Published on or before (YYYY-MM or YYYY cover the whole month or year).
    pub to: Option<String>,
    /// Only these article ids (the store's answer to another filter, e.g. an actor code).
    pub articles: Option<Arc<HashSet<i64>>>,
}

/// One hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The store's article id.
    pub id: i64,
    /// BM25 score.
    pub score: f32,
}

/// The part of `text` worth handing to the snippet generator for a query whose analysed terms (match-form
/// stems) are `needles`: about `2 × max_chars` characters around the place where the stems occur most
/// densely (found by substring search in the match form, without analysing the text), cut at spaces; the
/// whole text when it is short or when no stem occurs (the query matched the title, say). Highlighting a
/// 3,000-character article this way analyses a tenth of it, with the same snippet in all but rare cases (a
/// stem that occurs inside other words can pull the window away from the best fragment).
pub fn snippet_window(text: &str, needles: &[String], max_chars: usize) -> Range<usize> {
    let budget = max_chars.max(20);
    // At most two bytes a character in Arabic text: shorter texts are analysed whole.
    if text.len() <= 4 * budget {
        return 0..text.len();
    }
    let mf = MatchForm::new(text);
    let mt = mf.text().as_bytes();
    let mut hits: Vec<usize> = Vec::new();
    for n in needles.iter().filter(|n| !n.is_empty()) {
        hits.extend(memchr::memmem::find_iter(mt, n.as_bytes()));
    }
    if hits.is_empty() {
        return 0..text.len();
    }
    hits.sort_unstable();
    // The hit that opens the densest run of hits within about `max_chars` characters.
    let span = 2 * budget;
    let mut best = (0usize, hits[0]);
    let mut j = 0;
    for (i, &h) in hits.iter().enumerate() {
        j = j.max(i);
        while j + 1 < hits.len() && hits[j + 1] < h + span {
            j += 1;
        }
        if j + 1 - i > best.0 {
            best = (j + 1 - i, h);
        }
    }
    let at = mf.map().start_to_original(best.1).min(text.len());
    let mut start = at.saturating_sub(budget);
    let mut end = (at + 3 * budget).min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    // Whole words only: from the first space after `start` (unless at the text's start), to the last space
    // before `end` (unless at its end).
    if start > 0 {
        start = text[start..at].find(' ').map_or(start, |p| start + p + 1);
    }
    if end < text.len() {
        end = text[at..end].rfind(' ').map_or(end, |p| at + p);
    }
    if start < end {
        start..end
    } else {
        0..text.len()
    }
}

/// A snippet: a fragment of the text and the byte ranges in it to highlight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The fragment.
    pub fragment: String,
    /// Ranges of the fragment that matched.
    pub highlighted: Vec<Range<usize>>,
}

struct Fields {
    id: Field,
    title: Field,
    text: Field,
    outlet: Field,
    published: Field,
}

/// The search index of one store.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    tokenizer: ArabicTokenizer,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_i64_field("id", NumericOptions::default().set_stored().set_indexed().set_fast());
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(ANALYSER).set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    b.add_text_field("title", text.clone());
    b.add_text_field("text", text);
    b.add_text_field("outlet", STRING);
    b.add_text_field("published", STRING);
    b.build()
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it (and the folder) if needed.
    pub fn open_or_create(dir: &Path) -> Result<SearchIndex> {
        std::fs::create_dir_all(dir).map_err(|e| Error(format!("{}: {e}", dir.display())))?;
        let mmap = tantivy::directory::MmapDirectory::open(dir)?;
        let index = Index::open_or_create(mmap, schema())?;
        Self::with_index(index)
    }

    /// Opens an existing index.
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        if !dir.join("meta.json").exists() {
            return Err(Error(format!("{}: no search index (run hadath ingest)", dir.display())));
        }
        Self::with_index(Index::open_in_dir(dir)?)
    }

    /// An index in memory (tests).
    pub fn in_memory() -> Result<SearchIndex> {
        Self::with_index(Index::create_in_ram(schema()))
    }

    fn with_index(index: Index) -> Result<SearchIndex> {
        let tokenizer = ArabicTokenizer::new()?;
        index.tokenizers().register(ANALYSER, tokenizer.clone());
        let s = index.schema();
        let f = |n: &str| s.get_field(n).map_err(|e| Error(format!("search index schema: {e}")));
        let fields = Fields {
            id: f("id")?,
            title: f("title")?,
            text: f("text")?,
            outlet: f("outlet")?,
            published: f("published")?,
        };
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(SearchIndex { index, reader, fields, tokenizer })
    }

    /// The last article id committed to the index (0 when empty).
    pub fn last_indexed(&self) -> Result<i64> {
        Ok(self.index.load_metas()?.payload.and_then(|p| p.trim().parse().ok()).unwrap_or(0))
    }

    /// Adds articles (in id order) and commits, recording the last id.
    pub fn add(&mut self, docs: &mut dyn Iterator<Item = IndexDoc<'_>>) -> Result<usize> {
        // One indexing thread per core (at most 4), 40 MB of buffer each: analysing the text (segmentation,
        // match form, stems) is most of the work, and it runs on these threads.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
        let mut writer: IndexWriter = self.index.writer_with_num_threads(threads, threads * 40_000_000)?;
        let f = &self.fields;
        let mut last = self.last_indexed()?;
        let mut n = 0;
        for d in docs {
            let mut doc = doc!(f.id => d.id, f.text => d.text);
            if let Some(t) = d.title {
                doc.add_text(f.title, t);
            }
            if let Some(o) = d.outlet {
                doc.add_text(f.outlet, o);
            }
            if let Some(p) = d.published {
                doc.add_text(f.published, p);
            }
            writer.add_document(doc)?;
            last = last.max(d.id);
            n += 1;
        }
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&last.to_string());
        commit.commit()?;
        writer.wait_merging_threads()?;
        self.reader.reload()?;
        Ok(n)
    }

    fn parse(&self, query: &str, filters: &Filters) -> Box<dyn Query> {
        let mut qp = QueryParser::for_index(&self.index, vec![self.fields.title, self.fields.text]);
        qp.set_conjunction_by_default();
        qp.set_field_boost(self.fields.title, 2.0);
        let (q, _errors) = qp.parse_query_lenient(query);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, q)];
        if let Some(o) = &filters.outlet {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(Term::from_field_text(self.fields.outlet, o), IndexRecordOption::Basic)),
            ));
        }
        if filters.from.is_some() || filters.to.is_some() {
            let term = |s: &str| Term::from_field_text(self.fields.published, s);
            let lo = filters.from.as_deref().map_or(Bound::Unbounded, |f| Bound::Included(term(f)));
            let hi =
                filters.to.as_deref().map_or(Bound::Unbounded, |t| Bound::Included(term(&format!("{t}\u{10FFFF}"))));
            clauses.push((Occur::Must, Box::new(RangeQuery::new(lo, hi))));
        }
        if clauses.len() == 1 {
            clauses.pop().map(|(_, q)| q).unwrap_or_else(|| Box::new(BooleanQuery::new(Vec::new())))
        } else {
            Box::new(BooleanQuery::new(clauses))
        }
    }

    /// The best `limit` articles for `query`, by BM25.
    pub fn search(&self, query: &str, filters: &Filters, limit: usize) -> Result<Vec<Hit>> {
        let searcher = self.reader.searcher();
        let q = self.parse(query, filters);
        let top = match &filters.articles {
            Some(ids) => {
                let ids = ids.clone();
                let only = FilterCollector::new(
                    "id".to_string(),
                    move |id: i64| ids.contains(&id),
                    TopDocs::with_limit(limit.max(1)),
                );
                searcher.search(&q, &only)?
            }
            None => searcher.search(&q, &TopDocs::with_limit(limit.max(1)))?,
        };
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let d: TantivyDocument = searcher.doc(addr)?;
            if let Some(id) = d.get_first(self.fields.id).and_then(|v| v.as_i64()) {
                hits.push(Hit { id, score });
            }
        }
        Ok(hits)
    }

    /// A snippet maker for `query`: call it with each hit's text.
    pub fn snippets(&self, query: &str, max_chars: usize) -> Result<impl Fn(&str) -> Snippet + '_> {
        let searcher = self.reader.searcher();
        let q = self.parse(query, &Filters::default());
        let mut gen = SnippetGenerator::create(&searcher, &*q, self.fields.text)?;
        gen.set_max_num_chars(max_chars);
        let needles: Vec<String> = analyse(&self.tokenizer, query).into_iter().map(|(t, _)| t).collect();
        Ok(move |text: &str| {
            // The generator analyses all the text it is given; give it the part around the query's words.
            let s = gen.snippet(&text[snippet_window(text, &needles, max_chars)]);
            Snippet { fragment: s.fragment().to_string(), highlighted: s.highlighted().to_vec() }
        })
    }

    /// Number of documents searchable.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The analyser (to show what a query becomes).
    pub fn tokenizer(&self) -> &ArabicTokenizer {
        &self.tokenizer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        analyse(&ArabicTokenizer::new().unwrap(), text).into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn forms_of_a_name_meet() {
        let forms = terms("أذربيجان لأذربيجان بأذربيجان والأذربيجانية الأذربيجاني وأذربيجان");
        assert!(forms.iter().all(|f| f == "اذربيجان"), "{forms:?}");
        assert_eq!(terms("لبنان"), ["لبنان"]);
        assert_eq!(terms("وزيرُ الخارجيّة السعودي"), terms("وزير الخارجية السعودية"));
    }

    #[test]
    fn offsets_are_the_original_words() {
        let t = ArabicTokenizer::new().unwrap();
        let text = "زار الوزيرُ لأذربيجان.";
        for (_, r) in analyse(&t, text) {
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
        let spans: Vec<&str> = analyse(&t, text).into_iter().map(|(_, r)| &text[r]).collect();
        assert_eq!(spans, ["زار", "الوزيرُ", "أذربيجان"]);
    }

    #[test]
    fn snippets_from_the_window_are_as_good_as_the_whole_texts() {
        let seed = include_str!("../../../examples/seed-article.txt");
        let filler = "وقال مصدر مطلع إن المحادثات تناولت عددا من القضايا ذات الاهتمام المشترك بين البلدين. ";
        let long = format!("{}{seed}{}", filler.repeat(30), filler.repeat(30));
        let mut idx = SearchIndex::in_memory().unwrap();
        idx.add(&mut [IndexDoc { id: 1, title: None, text: &long, outlet: None, published: None }].into_iter())
            .unwrap();
        let searcher = idx.reader.searcher();
        let mut checked = 0;
        for query in ["أذربيجان", "تركمانستان", "إيلي كوهين", "السفارة", "إيران", "لا يوجد"]
        {
            let got = idx.snippets(query, 200).unwrap()(&long);
            let q = idx.parse(query, &Filters::default());
            let mut gen = SnippetGenerator::create(&searcher, &*q, idx.fields.text).unwrap();
            gen.set_max_num_chars(200);
            let whole = gen.snippet(&long);
            // Fragments are cut from where the given text starts, so the window's need not be the whole
            // text's; they must be as good: from the text, as many highlighted words, within the size.
            assert!(long.contains(&got.fragment), "{query}");
            assert!(got.fragment.chars().count() <= 200, "{query}");
            assert!(got.highlighted.len() >= whole.highlighted().len(), "{query}: {got:?} vs {:?}", whole.fragment());
            checked += usize::from(!got.highlighted.is_empty());
            let needles: Vec<String> = analyse(&idx.tokenizer, query).into_iter().map(|(t, _)| t).collect();
            let w = snippet_window(&long, &needles, 200);
            assert!(needles.iter().all(|n| n == "يوجد") || w.len() < long.len() / 4, "{query}: {w:?}");
        }
        assert!(checked >= 4, "{checked}");
    }

    #[test]
    fn index_search_snippets_and_filters() {
        let mut idx = SearchIndex::in_memory().unwrap();
        let docs = [
            (1, "التقى وزير الخارجية الإسرائيلي بالرئيس الأذربيجاني في باكو.", "a", "2023-04-19"),
            (2, "وصل الوفد إلى لبنان أمس لبحث العلاقات.", "b", "2023-05-01"),
            (3, "أعلنت أذربيجان افتتاح سفارتها، وقال مسؤول أذربيجاني إن أذربيجان ستواصل.", "b", "2023-06-02"),
        ];
        let n = idx
            .add(&mut docs.iter().map(|(id, text, o, p)| IndexDoc {
                id: *id,
                title: None,
                text,
                outlet: Some(o),
                published: Some(p),
            }))
            .unwrap();
        assert_eq!((n, idx.len(), idx.last_indexed().unwrap()), (3, 3, 3));
        let hits = idx.search("أذربيجان", &Filters::default(), 10).unwrap();
        assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), [3, 1], "BM25: more mentions first");
        assert!(idx.search("لبنان", &Filters::default(), 10).unwrap().iter().all(|h| h.id == 2));
        let f = Filters { outlet: Some("a".into()), ..Default::default() };
        assert_eq!(idx.search("أذربيجان", &f, 10).unwrap().len(), 1);
        let f = Filters { from: Some("2023-05".into()), to: Some("2023-06".into()), ..Default::default() };
        assert_eq!(idx.search("أذربيجان", &f, 10).unwrap().iter().map(|h| h.id).collect::<Vec<_>>(), [3]);
        let f = Filters { articles: Some(Arc::new(HashSet::from([1, 2]))), ..Default::default() };
        assert_eq!(idx.search("أذربيجان", &f, 10).unwrap().iter().map(|h| h.id).collect::<Vec<_>>(), [1]);
        let f = Filters { articles: Some(Arc::new(HashSet::new())), ..Default::default() };
        assert!(idx.search("أذربيجان", &f, 10).unwrap().is_empty());
        // Words are ANDed: both must be there.
        assert!(idx.search("لبنان باكو", &Filters::default(), 10).unwrap().is_empty());
        let snip = idx.snippets("أذربيجان", 200).unwrap()(docs[0].1);
        let marked: Vec<&str> = snip.highlighted.iter().map(|r| &snip.fragment[r.clone()]).collect();
        assert_eq!(marked, ["الأذربيجاني"]);
        // Garbage queries do not fail.
        assert!(idx.search("\"(( AND OR", &Filters::default(), 10).is_ok());
    }
}
