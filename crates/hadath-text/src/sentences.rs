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

use crate::class::SENTENCE_SHIFT;
use crate::normalize::decode_at;
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
const LATIN_ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "no", "gen", "col", "lt", "sgt", "capt", "inc",
    "co", "corp", "ltd",
];

/// Is the `.` at byte `dot` an abbreviation's dot? True when the word before it is a single letter
/// (Arabic or Latin, optionally with diacritics) or a listed Latin abbreviation.
fn is_abbreviation_dot(text: &str, dot: usize) -> bool {
    let is_letter = |c: char| is_arabic_letter(c) || (c.is_alphabetic() && !is_arabic_mark(c));
    // Letters of the word before the dot, from the end, ignoring diacritics; at most 6 are needed.
    let mut letters = [' '; 6];
    let mut n = 0;
    for c in text[..dot].chars().rev() {
        if is_arabic_mark(c) {
            continue;
        }
        if !is_letter(c) {
            break;
        }
        if n == letters.len() {
            return false;
        }
        letters[n] = c;
        n += 1;
        if n == 2 && (is_arabic_letter(letters[0]) || is_arabic_letter(letters[1])) {
            return false; // two letters, one Arabic: a word, whatever precedes them
        }
    }
    match n {
        0 => false,
        1 => true,
        _ if letters[..n].iter().any(|&c| is_arabic_letter(c)) => false,
        _ => {
            let word: String = letters[..n].iter().rev().collect();
            LATIN_ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(&word))
        }
    }
}

/// The names of Latin letters as Arabic writes them in spelled-out acronyms, when they are no common word:
/// "بي. بي. سي" (BBC), "إف. بي. آي" (FBI), "بي. تي. ايه" (BTA).
const LETTER_NAMES: &[&str] = &[
    "بي", "سي", "دي", "إف", "اف", "جي", "إتش", "اتش", "آي", "جيه", "كيه", "إم", "كيو", "آر", "ار", "إس", "اس", "تي",
    "إكس", "اكس", "واي", "زد", "ايه", "إيه",
];
/// Letter names that are also common words ("في" is "in", "أن" "that", "أو" "or"): one may close an acronym
/// but does not show that one goes on after a dot.
const LETTER_NAME_WORDS: &[&str] = &["إي", "إل", "ام", "إن", "أو", "يو", "في", "أي", "ان", "أن"];

/// Is the `.` at byte `dot` inside a spelled-out acronym? The word before it is a Latin letter's name and
/// the next word another one that is no common word: "بي. بي. سي", "بي. تي. ايه" (not "… وقال إنه بي.").
pub(crate) fn is_acronym_dot(text: &str, dot: usize) -> bool {
    let before = &text[..dot];
    let word_start =
        before.char_indices().rev().take_while(|&(_, c)| is_arabic_letter(c)).last().map_or(dot, |(i, _)| i);
    let word = &before[word_start..];
    if !LETTER_NAMES.contains(&word) && !LETTER_NAME_WORDS.contains(&word) {
        return false;
    }
    let after = text[dot + 1..].trim_start_matches(' ');
    let end = after.find(|c: char| !is_arabic_letter(c)).unwrap_or(after.len());
    LETTER_NAMES.contains(&&after[..end]) && !after[end..].starts_with(is_arabic_mark)
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
        next_sentence(self.text, &mut self.pos, |bytes: &[u8], mut i: usize| {
            // Skip, by table, every byte that cannot be part of a line break or a terminator: ASCII . ? ! \n
            // \r, the second byte of ؟ ؛ ۔ (D8 9F, D8 9B, DB 94), the lead byte of … and the Unicode
            // line/paragraph separators (E2 80 A6/A8/A9). Returns the start of the character found.
            loop {
                match bytes[i..].iter().position(|&b| CANDIDATE[usize::from(b)]) {
                    Some(k) => i += k,
                    None => return bytes.len(),
                }
                if (0x80..0xC0).contains(&bytes[i]) {
                    // A continuation byte: is it the end of ؟ ؛ or ۔ ? (`i` > 0: the search starts on a char
                    // boundary, where no continuation byte is.)
                    if matches!((bytes[i - 1], bytes[i]), (0xD8, 0x9F) | (0xD8, 0x9B) | (0xDB, 0x94)) {
                        return i - 1;
                    }
                    i += 1;
                    continue;
                }
                return i;
            }
        })
    }
}

/// Bytes that may belong to a sentence break (see [`Sentences::next`]).
static CANDIDATE: [bool; 256] = {
    let mut t = [false; 256];
    t[b'.' as usize] = true;
    t[b'?' as usize] = true;
    t[b'!' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t[0x9F] = true;
    t[0x9B] = true;
    t[0x94] = true;
    t[0xE2] = true;
    t
};

/// Whether the character class `class` (from [`CLASS`]) is one where a sentence may end: the characters
/// where the stop finder of [`next_sentence`] must stop.
#[inline(always)]
pub(crate) fn is_stop(class: u8) -> bool {
    class >> SENTENCE_SHIFT & 3 == 0
}

/// The next sentence of `text` from `*pos` on (advanced past it), trimmed, or `None` at the end.
/// `stop(bytes, i)` returns the first char boundary at or after `i` whose class [`is_stop`] (or any char
/// boundary before it, or the end of the text); it is called with non-decreasing `i`.
#[inline]
pub(crate) fn next_sentence(
    text: &str,
    pos: &mut usize,
    mut stop: impl FnMut(&[u8], usize) -> usize,
) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    loop {
        if *pos >= text.len() {
            return None;
        }
        let start = *pos;
        let mut end = text.len();
        let mut next = text.len();
        let mut i = start;
        while i < bytes.len() {
            i = stop(bytes, i);
            if i >= bytes.len() {
                break;
            }
            let (c, clen) = decode_at(bytes, i);
            if c == '\n' || c == '\r' || c == '\u{2029}' || c == '\u{2028}' {
                end = i;
                next = i + clen;
                break;
            }
            if !is_terminator(c) || (c == '.' && (is_abbreviation_dot(text, i) || is_acronym_dot(text, i))) {
                i += clen;
                continue;
            }
            // Swallow the rest of the terminator run and any closers.
            let mut e = i + clen;
            while e < bytes.len() {
                let (d, dlen) = decode_at(bytes, e);
                if is_terminator(d) || is_closer(d) {
                    e += dlen;
                } else {
                    break;
                }
            }
            if e >= bytes.len() || decode_at(bytes, e).0.is_whitespace() {
                end = e;
                next = e;
                break;
            }
            i = e;
        }
        *pos = next;
        let slice = &text[start..end];
        let trimmed_start = start + (slice.len() - slice.trim_start().len());
        let trimmed_end = start + slice.trim_end().len();
        if trimmed_start < trimmed_end {
            return Some(trimmed_start..trimmed_end);
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

    #[test]
    fn spelled_out_acronyms_do_not_end_sentences() {
        assert_eq!(
            split("الباحث في مركز دراسات بي. بي. سي في لندن. ونقلت وكالة بي. تي. ايه الخبر."),
            ["الباحث في مركز دراسات بي. بي. سي في لندن.", "ونقلت وكالة بي. تي. ايه الخبر."]
        );
        // a letter name that is also a word, or a common word after the dot, ends the sentence as before
        assert_eq!(
            split("وقال إن الأمر لا علاقة له بي. في الصباح عاد."),
            ["وقال إن الأمر لا علاقة له بي.", "في الصباح عاد."]
        );
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
