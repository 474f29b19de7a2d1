//! Sentence splitting on the original text.
//!
//! A sentence ends at a line break, or at a run of `.` `؟` `?` `!` `؛` `…` (with any closing quotes or brackets
//! after it) that is followed by whitespace or the end of the text. So decimals (3.5), URLs (www.un.org),
//! dotted initials (م.ص) and ranges (2011-2020) never split. A `.` after a single letter (د. م. ص. or a Latin
//! initial) is an abbreviation, not an end.
//!
//! ```
//! use hadath_text::sentences::sentences;
//! let text = "قال د. أحمد إن النمو بلغ 3.5 بالمئة. هل هذا صحيح؟ نعم";
//! let got: Vec<&str> = sentences(text).map(|r| &text[r]).collect();
//! assert_eq!(got, ["قال د. أحمد إن النمو بلغ 3.5 بالمئة.", "هل هذا صحيح؟", "نعم"]);
//! ```

use std::ops::Range;

use crate::tokens::{is_arabic_letter, is_arabic_mark};

#[inline]
fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '؟' | '?' | '!' | '؛' | '…' | '۔')
}

#[inline]
fn is_closer(c: char) -> bool {
    matches!(c, '”' | '»' | '"' | '\'' | '’' | ')' | ']' | '}' | '›')
}

/// Latin abbreviations that end in a dot but rarely end a sentence.
const LATIN_ABBREVIATIONS: &[&str] = &["mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "no", "gen", "col", "lt", "sgt", "capt", "inc", "co", "corp", "ltd"];

/// Is the `.` at byte `dot` an abbreviation's dot? True when the word before it is a single letter
/// (Arabic or Latin, optionally with diacritics) or a listed Latin abbreviation.
fn is_abbreviation_dot(text: &str, dot: usize) -> bool {
    let before = &text[..dot];
    let word_start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphabetic() || is_arabic_mark(c)))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let word = &before[word_start..];
    let letters = word.chars().filter(|&c| !is_arabic_mark(c)).count();
    if letters == 1 {
        return true;
    }
    if letters == 0 || word.chars().any(is_arabic_letter) {
        return false;
    }
    LATIN_ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
}

/// Iterates over sentence spans (byte ranges, trimmed of surrounding whitespace) of `text`. Never panics.
pub fn sentences(text: &str) -> Sentences<'_> {
    Sentences { text, pos: 0 }
}

/// Iterator returned by [`sentences`].
#[derive(Debug, Clone)]
pub struct Sentences<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for Sentences<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        let text = self.text;
        loop {
            if self.pos >= text.len() {
                return None;
            }
            let start = self.pos;
            let mut end = text.len();
            let mut next = text.len();
            let mut it = text[start..].char_indices().map(|(i, c)| (i + start, c)).peekable();
            while let Some((i, c)) = it.next() {
                if c == '\n' || c == '\r' || c == '\u{2029}' || c == '\u{2028}' {
                    end = i;
                    next = i + c.len_utf8();
                    break;
                }
                if !is_terminator(c) {
                    continue;
                }
                if c == '.' && is_abbreviation_dot(text, i) {
                    continue;
                }
                // Swallow the rest of the terminator run and any closers.
                let mut e = i + c.len_utf8();
                while let Some(&(j, d)) = it.peek() {
                    if is_terminator(d) || is_closer(d) {
                        e = j + d.len_utf8();
                        it.next();
                    } else {
                        break;
                    }
                }
                match it.peek() {
                    None => {
                        end = e;
                        next = e;
                        break;
                    }
                    Some(&(_, d)) if d.is_whitespace() => {
                        end = e;
                        next = e;
                        break;
                    }
                    _ => continue,
                }
            }
            self.pos = next;
            let slice = &text[start..end];
            let trimmed_start = start + (slice.len() - slice.trim_start().len());
            let trimmed_end = start + slice.trim_end().len();
            if trimmed_start < trimmed_end {
                return Some(trimmed_start..trimmed_end);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).map(|r| &text[r]).collect()
    }

    macro_rules! t {
        ($name:ident, $input:expr, [$($s:expr),* $(,)?]) => {
            #[test]
            fn $name() {
                let want: Vec<&str> = vec![$($s),*];
                assert_eq!(split($input), want, "help: sentences of {:?}", $input);
            }
        };
    }

    t!(period_and_question, "وصل الوزير. هل يلتقي الرئيس؟ نعم!", ["وصل الوزير.", "هل يلتقي الرئيس؟", "نعم!"]);
    t!(semicolon_splits, "قال كذا؛ وأضاف كذا", ["قال كذا؛", "وأضاف كذا"]);
    t!(line_breaks, "العنوان\n\nالفقرة الأولى\r\nالثانية", ["العنوان", "الفقرة الأولى", "الثانية"]);
    t!(decimals, "بلغ النمو 3.5 بالمئة و٢٫٥ هنا.", ["بلغ النمو 3.5 بالمئة و٢٫٥ هنا."]);
    t!(abbreviations, "قال د. محمد و م. علي إن ص. ب 12 هنا. انتهى", ["قال د. محمد و م. علي إن ص. ب 12 هنا.", "انتهى"]);
    t!(range_then_period, "في السنوات 2011-2020. ثم", ["في السنوات 2011-2020.", "ثم"]);
    t!(closing_quote, "قال: «انتهى الأمر.» ثم غادر", ["قال: «انتهى الأمر.»", "ثم غادر"]);
    t!(url_dots, "زر www.un.org لمعرفة المزيد. شكرا", ["زر www.un.org لمعرفة المزيد.", "شكرا"]);
    t!(ellipsis_run, "ماذا...؟ لا أعرف", ["ماذا...؟", "لا أعرف"]);
    t!(latin_abbrev, "Dr. Smith said so. Then", ["Dr. Smith said so.", "Then"]);
    t!(empty, "   \n\n ", []);

    proptest! {
        #[test]
        fn never_panics_spans_ordered_and_trimmed(s in "\\PC{0,80}") {
            let mut last = 0;
            for r in sentences(&s) {
                prop_assert!(r.start >= last && r.start < r.end && r.end <= s.len());
                prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
                prop_assert_eq!(s[r.clone()].trim(), &s[r.clone()]);
                last = r.end;
            }
        }

        #[test]
        fn sentences_cover_all_non_space(s in "[\u{0621}-\u{064A} .؟!؛\n0-9]{0,60}") {
            let covered: usize = sentences(&s).map(|r| s[r].chars().filter(|c| !c.is_whitespace()).count()).sum();
            let all = s.chars().filter(|c| !c.is_whitespace()).count();
            prop_assert_eq!(covered, all);
        }
    }
}
