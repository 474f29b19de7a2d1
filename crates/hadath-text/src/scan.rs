//! The fused scanner: the match form, the sentences and the tokens of a text in one pass over its bytes.
//!
//! [`scan`] gives exactly what [`MatchForm::new`], [`sentences`](crate::sentences::sentences) and
//! [`tokenize`](crate::tokens::tokenize) give one by one (property-tested against them), for about the cost
//! of one of them: each character is classified once, by one load from a table indexed by its first two
//! bytes (see `class.rs`), which tells at once whether the match form keeps it, whether it continues an
//! Arabic word, and whether a sentence may end there. Arabic words, the bulk of the text, go through a
//! tight loop; everything else (numbers, Latin words, URLs, punctuation, folded characters) through the same
//! code as the separate functions. Sentence ends are decided afterwards by the sentence splitter's own
//! rules, visiting only the characters the pass noted as possible ends.
//!
//! ```
//! use hadath_text::scan::scan;
//! use hadath_text::tokens::tokenize;
//! let text = "قال وزيرُ الخارجيّة: «وصلنا». ثم غادر";
//! let s = scan(text);
//! assert_eq!(s.match_form.text(), "قال وزير الخارجيه: «وصلنا». ثم غادر");
//! let got: Vec<&str> = s.sentences.iter().map(|r| &text[r.clone()]).collect();
//! assert_eq!(got, ["قال وزيرُ الخارجيّة: «وصلنا».", "ثم غادر"]);
//! assert_eq!(s.tokens, tokenize(text).collect::<Vec<_>>());
//! ```

use std::ops::Range;

use crate::class::{class_at, CLASS, KEEP_STEP, SAME2, SKIP_SHIFT, WORD};
use crate::normalize::{decode_at, Folder, MatchForm};
use crate::sentences::{is_stop, next_sentence};
use crate::tokens::{is_invisible, punct1, Token, TokenKind, Tokens};

/// What [`scan`] finds in a text: all byte ranges are into the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    /// The match form, as [`MatchForm::new`] gives it.
    pub match_form: MatchForm,
    /// The sentence spans, as [`sentences`](crate::sentences::sentences) gives them.
    pub sentences: Vec<Range<usize>>,
    /// The tokens, as [`tokenize`](crate::tokens::tokenize) gives them.
    pub tokens: Vec<Token>,
}

impl Scan {
    /// The tokens inside `sentence` (one of [`Scan::sentences`]): the same tokens, shifted, as
    /// [`tokenize`](crate::tokens::tokenize) gives for the sentence's text alone (no token crosses a
    /// sentence's edge, and none looks past it).
    pub fn tokens_in(&self, sentence: &Range<usize>) -> &[Token] {
        tokens_in(&self.tokens, sentence)
    }
}

/// [`Scan::tokens_in`] on the tokens alone.
pub fn tokens_in<'a>(tokens: &'a [Token], sentence: &Range<usize>) -> &'a [Token] {
    let first = tokens.partition_point(|t| t.span.start < sentence.start);
    let n = tokens[first..].partition_point(|t| t.span.end <= sentence.end);
    &tokens[first..first + n]
}

/// Scans `text` once for its match form, sentences and tokens. Never panics.
pub fn scan(text: &str) -> Scan {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut sc = Scanner {
        bytes,
        folder: Folder::new(text),
        tokens: Vec::with_capacity(n / 8 + 4),
        stops: Vec::with_capacity(n / 64 + 4),
        tok: Tokens::new(text),
    };
    let mut i = 0usize;
    while i < n {
        let class = class_at(bytes, i);
        if class & WORD != 0 {
            i = sc.words(i);
            continue;
        }
        let skip = usize::from(class >> SKIP_SHIFT & 3);
        if skip != 0 {
            // Spaces and controls (\n and \r may end a sentence); U+061C, which the match form drops.
            if is_stop(class) {
                sc.stops.push(i);
            }
            if class & KEEP_STEP == 0 || !sc.folder.aligned {
                sc.folder.fold_at(i);
            }
            i += skip;
            continue;
        }
        if class == 0 {
            // Other characters: skipped if they are whitespace, control or invisible.
            let (c, len) = decode_at(bytes, i);
            if c.is_whitespace() || c.is_control() || is_invisible(c) {
                sc.stops.push(i);
                sc.folder.fold_at(i);
                i += len;
                continue;
            }
        }
        // Numbers, Latin words, URLs, punctuation, …: the tokenizer's general path, but for punctuation of
        // one character, which the match form keeps.
        if let Some(len) = punct1(bytes, i) {
            if is_stop(class) {
                sc.stops.push(i);
            }
            if class & KEEP_STEP == 0 || !sc.folder.aligned {
                sc.folder.fold_at(i);
            }
            sc.tokens.push(Token { kind: TokenKind::Punct, span: i..i + len });
            i += len;
            continue;
        }
        let t = sc.tok.token_at(i);
        sc.fold_range(i, t.span.end);
        i = t.span.end;
        sc.tokens.push(t);
    }
    let Scanner { folder, tokens, stops, .. } = sc;
    let match_form = folder.finish();

    let mut sentences = Vec::new();
    let mut pos = 0usize;
    let mut k = 0usize;
    let mut stop = |_: &[u8], i: usize| {
        while k < stops.len() && stops[k] < i {
            k += 1;
        }
        stops.get(k).copied().unwrap_or(n)
    };
    while let Some(r) = next_sentence(text, &mut pos, &mut stop) {
        sentences.push(r);
    }
    Scan { match_form, sentences, tokens }
}

/// The class of the character at `i` (a char boundary) by its two bytes, if there are two.
#[inline(always)]
fn pair_class(bytes: &[u8], i: usize) -> Option<u8> {
    // (`i < len - 1` lets the compiler drop the bounds checks of both bytes.)
    if i < bytes.len().saturating_sub(1) {
        Some(CLASS[usize::from(bytes[i]) | usize::from(bytes[i + 1]) << 8])
    } else {
        None
    }
}

/// The state of [`scan`].
struct Scanner<'a> {
    bytes: &'a [u8],
    folder: Folder<'a>,
    tokens: Vec<Token>,
    /// Positions of the characters where a sentence may end (in order).
    stops: Vec<usize>,
    tok: Tokens<'a>,
}

impl Scanner<'_> {
    /// Arabic words separated by single spaces, from the word character at `i` (Arabic block): the bulk of
    /// a text. Returns where it stopped (after a word).
    #[inline(never)]
    fn words(&mut self, mut i: usize) -> usize {
        let bytes = self.bytes;
        let space = CLASS[usize::from(b' ')];
        loop {
            // A word from `i`: its characters two bytes at a time (the Arabic block), one table load each.
            let start = i;
            // The class of the character after the word; 0 for one outside ASCII and the Arabic block, or
            // when at most one byte of the text is left.
            let after = 'word: loop {
                // After a removed character the folder is not aligned: fold until a character realigns it.
                while !self.folder.aligned {
                    let Some(class) = pair_class(bytes, i) else { break 'word 0 };
                    if class & WORD == 0 {
                        break 'word class;
                    }
                    i += self.folder.fold_at(i);
                }
                // The hot loop: letters the match form keeps as they are.
                let class = loop {
                    let Some(class) = pair_class(bytes, i) else { break 'word 0 };
                    if class & (WORD | KEEP_STEP) != WORD | 2 {
                        break class;
                    }
                    i += 2;
                };
                if class & WORD == 0 {
                    break 'word class;
                }
                // A letter or mark the match form changes (ة أ إ ى, diacritics, tatweel).
                if class & SAME2 != 0 {
                    self.folder.replace2(i);
                } else {
                    self.folder.fold_at(i);
                }
                i += 2;
            };
            if after == 0 && i + 1 < bytes.len() {
                // Not ASCII nor the Arabic block: letters and marks of the other Arabic blocks go on.
                let end = self.tok.arabic_run_general(i);
                self.fold_range(i, end);
                i = end;
            }
            self.tokens.push(Token { kind: TokenKind::Arabic, span: start..i });
            // A single space (or a character of the same class), then another word?
            if after == space && pair_class(bytes, i + 1).is_some_and(|class| class & WORD != 0) {
                if !self.folder.aligned {
                    self.folder.fold_at(i);
                }
                i += 1;
                continue;
            }
            return i;
        }
    }

    /// Folds the characters of `bytes[i..to]` (char boundaries) and notes where a sentence may end.
    #[inline]
    fn fold_range(&mut self, mut i: usize, to: usize) {
        while i < to {
            let class = class_at(self.bytes, i);
            if is_stop(class) {
                self.stops.push(i);
            }
            let keep = usize::from(class & KEEP_STEP);
            if keep != 0 && self.folder.aligned {
                i += keep;
            } else {
                i += self.folder.fold_at(i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clitics::tests::seg;
    use crate::clitics::SegCache;
    use crate::sentences::sentences;
    use crate::tokens::tokenize;
    use proptest::prelude::*;

    /// The segments of every Arabic token, as the engine gets them (the scan's tokens, the cached
    /// segmenter on their spans).
    fn segments(s: &str, tokens: &[Token], cache: &mut SegCache) -> Vec<Vec<usize>> {
        let mut points = Vec::new();
        let mut out = Vec::new();
        for t in tokens.iter().filter(|t| t.kind == TokenKind::Arabic) {
            seg().split_points_cached_at(s, t.span.clone(), cache, &mut points);
            out.push(points.clone());
        }
        out
    }

    fn check(s: &str) -> Result<(), TestCaseError> {
        let got = scan(s);
        for r in got.tokens.iter().map(|t| &t.span).chain(&got.sentences) {
            prop_assert!(r.start < r.end && r.end <= s.len(), "span {:?}", r);
            prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end), "span {:?}", r);
        }
        prop_assert_eq!(&got.match_form, &MatchForm::new(s));
        prop_assert_eq!(&got.sentences, &sentences(s).collect::<Vec<_>>());
        prop_assert_eq!(&got.tokens, &tokenize(s).collect::<Vec<_>>());
        // Each sentence's tokens are the tokens of its text alone.
        for r in &got.sentences {
            let shifted: Vec<Token> = got
                .tokens_in(r)
                .iter()
                .map(|t| Token { kind: t.kind, span: t.span.start - r.start..t.span.end - r.start })
                .collect();
            prop_assert_eq!(shifted, tokenize(&s[r.clone()]).collect::<Vec<_>>(), "sentence {:?}", &s[r.clone()]);
        }
        // And the reference implementations, for good measure.
        prop_assert_eq!(&got.match_form, &crate::reference::match_form(s));
        prop_assert_eq!(&got.sentences, &crate::reference::sentences(s).collect::<Vec<_>>());
        let old_tokens: Vec<Token> = crate::reference::tokenize(s).collect();
        prop_assert_eq!(&got.tokens, &old_tokens);
        // The segments: through a cache (a tiny one, where words collide, and the default one) as from the
        // segmenter as it was, on the old tokens.
        let want: Vec<Vec<usize>> = old_tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Arabic)
            .map(|t| {
                let mut points = vec![99];
                seg().split_points_without_edge_test(s[t.span.clone()].as_bytes(), &mut points);
                points
            })
            .collect();
        prop_assert_eq!(&segments(s, &got.tokens, &mut SegCache::new(4)), &want);
        prop_assert_eq!(&segments(s, &got.tokens, &mut SegCache::new(1 << 10)), &want);
        Ok(())
    }

    #[test]
    fn edge_cases() {
        for s in [
            "",
            " ",
            "ق",
            "قا",
            "a",
            "قال.",
            "قال\n",
            "\u{FEFB}",
            "قال\u{FEFB}م",
            "قال\u{0750}ب",
            "ـ",
            "\u{061C}",
            "وَقَالَ د. أحمد…\u{2028}نعم؟ لا",
            "SIPRI F-16 www.un.org. 3.5\r\n",
            "\u{200c}\nقال",
        ] {
            check(s).unwrap();
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        #[test]
        fn equals_the_separate_functions(s in crate::reference::tests::texty()) {
            check(&s)?;
        }

        #[test]
        fn equals_the_separate_functions_any(s in "\\PC{0,80}") {
            check(&s)?;
        }

        #[test]
        fn equals_the_separate_functions_mixed(s in crate::reference::tests::mixed()) {
            check(&s)?;
        }
    }
}
