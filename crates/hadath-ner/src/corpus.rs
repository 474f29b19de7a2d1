//! Reading CoNLL-style BIO corpora such as ANERcorp: one `token TAG` per line (the token is the first
//! whitespace-separated field, the tag the last), a blank line between sentences.

use hadath_lexicon::Lexicon;

use crate::tags::Tag;
use crate::NerError;

/// A tagged sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sentence {
    /// The tokens.
    pub words: Vec<String>,
    /// One tag per token.
    pub tags: Vec<Tag>,
    /// Extra features per token (the hook for gazetteer matches and the like: `gaz=LOC`), used in training
    /// and evaluation the way [`crate::Tagger::tag`] uses its `extra` argument. Empty, or one list per token.
    pub extra: Vec<Vec<String>>,
}

/// Parses a CoNLL BIO corpus. `name` is used in error messages.
pub fn read_conll(name: &str, text: &str) -> Result<Vec<Sentence>, NerError> {
    let mut out = Vec::new();
    let mut cur = Sentence { words: Vec::new(), tags: Vec::new(), extra: Vec::new() };
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        let mut fields = line.split_whitespace();
        let Some(word) = fields.next() else {
            if !cur.words.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        };
        let Some(tag) = fields.next_back() else {
            return Err(NerError::Corpus(format!("{name}:{}: expected \"token TAG\", found {line:?}", n + 1)));
        };
        let tag = Tag::parse(tag).ok_or_else(|| NerError::Corpus(format!("{name}:{}: unknown tag {tag:?}", n + 1)))?;
        cur.words.push(word.to_string());
        cur.tags.push(tag);
    }
    if !cur.words.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

/// Fills each sentence's [`Sentence::extra`] with the lexicon features of its tokens, as the engine computes
/// them at run time: [`Lexicon::ner_features`] over the tokens joined by single spaces.
pub fn add_lexicon_features(lex: &Lexicon, sentences: &mut [Sentence]) {
    let mut text = String::new();
    let mut spans = Vec::new();
    let mut feats = Vec::new();
    for s in sentences {
        text.clear();
        spans.clear();
        for w in &s.words {
            if !text.is_empty() {
                text.push(' ');
            }
            spans.push(text.len()..text.len() + w.len());
            text.push_str(w);
        }
        lex.ner_features(&text, &spans, &mut feats);
        s.extra = feats.iter().map(|f| f.iter().map(|x| x.to_string()).collect()).collect();
    }
}

/// Rewrites an `I-X` that cannot continue the previous tag as `B-X` (same entities, as `conlleval` reads
/// them; the tagger's decoder never produces such an `I-X`).
pub fn repair_bio(tags: &mut [Tag]) {
    let mut prev = None;
    for t in tags.iter_mut() {
        if let Tag::I(ty) = *t {
            if !t.may_follow(prev) {
                *t = Tag::B(ty);
            }
        }
        prev = Some(*t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tags::EntityType::*;

    #[test]
    fn reads_sentences() {
        let s = read_conll("t", "ماكرون B-PERS\r\nفي O\n\n\nباريس B-LOC\n").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].words, vec!["ماكرون", "في"]);
        assert_eq!(s[0].tags, vec![Tag::B(Pers), Tag::O]);
        assert_eq!(s[1].tags, vec![Tag::B(Loc)]);
        assert!(read_conll("t", "x B-FOO\n").unwrap_err().to_string().contains("t:1"));
        assert!(read_conll("t", "x\n").is_err());
    }

    #[test]
    fn repairs_orphan_inside_tags() {
        let mut t = vec![Tag::O, Tag::I(Org), Tag::I(Org), Tag::I(Loc)];
        repair_bio(&mut t);
        assert_eq!(t, vec![Tag::O, Tag::B(Org), Tag::I(Org), Tag::B(Loc)]);
    }
}
