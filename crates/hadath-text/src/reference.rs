//! The text core's functions as they were before the fused and table-driven scanners: the reference the
//! property tests compare the fast code with. Test builds only.

use std::ops::Range;

use crate::normalize::{decode_at, fold_char, Anchor, Fold, MatchForm};
use crate::tokens::{is_arabic_letter, is_arabic_mark, is_digit, is_invisible, Token, TokenKind};

/// The match form, as `MatchForm::new` computed it.
pub fn match_form(original: &str) -> MatchForm {
    let table = arabic_table();
    let keep = arabic_keep_table();
    let bytes = original.as_bytes();
    let mut text = String::with_capacity(original.len());
    let mut anchors: Vec<Anchor> = Vec::new();
    // Is the current run byte-for-byte aligned with the last anchor (or the implicit origin)?
    let mut aligned = true;
    // Start of the pending run of unchanged bytes, copied lazily.
    let mut run = 0usize;
    let mut i = 0usize;
    macro_rules! flush {
        () => {
            if run < i {
                text.push_str(&original[run..i]);
            }
        };
    }
    macro_rules! realign {
        () => {
            if !aligned {
                anchors.push(Anchor { matched: text.len() as u32, original: i as u32, changed: None });
                aligned = true;
            }
        };
    }
    while i < bytes.len() {
        // Hot loop: while aligned, step over characters the match form keeps as they are.
        if aligned {
            while i < bytes.len() {
                let b = bytes[i];
                if b < 0x80 {
                    if b.is_ascii_uppercase() {
                        break;
                    }
                    i += 1;
                } else if (0xD8..=0xDB).contains(&b)
                    && keep[(((b & 0x03) as usize) << 6) | (bytes[i + 1] & 0x3F) as usize]
                {
                    i += 2;
                } else {
                    break;
                }
            }
            if i >= bytes.len() {
                break;
            }
        }
        let b = bytes[i];
        if b < 0x80 {
            if b.is_ascii_uppercase() {
                flush!();
                realign!();
                text.push(b.to_ascii_lowercase() as char);
                i += 1;
                run = i;
            } else {
                if !aligned {
                    flush!();
                    realign!();
                    run = i;
                }
                i += 1;
            }
            continue;
        }
        let (fold, clen) = if (0xD8..=0xDB).contains(&b) {
            // The Arabic block: index the table straight from the two bytes.
            (table[(((b & 0x03) as usize) << 6) | (bytes[i + 1] & 0x3F) as usize], 2)
        } else {
            let (c, clen) = decode_at(bytes, i);
            (fold_char(c), clen)
        };
        if fold == Fold::Keep && aligned {
            i += clen;
            continue;
        }
        match fold {
            Fold::Keep => {
                if !aligned {
                    flush!();
                    realign!();
                    run = i;
                }
                i += clen;
            }
            Fold::Drop => {
                flush!();
                aligned = false;
                i += clen;
                run = i;
            }
            Fold::One(r) if r.len_utf8() == clen => {
                flush!();
                realign!();
                text.push(r);
                i += clen;
                run = i;
            }
            Fold::One(r) => {
                flush!();
                anchors.push(Anchor {
                    matched: text.len() as u32,
                    original: i as u32,
                    changed: Some((r.len_utf8() as u8, clen as u8)),
                });
                text.push(r);
                aligned = false;
                i += clen;
                run = i;
            }
            Fold::Two(a, b2) => {
                flush!();
                anchors.push(Anchor {
                    matched: text.len() as u32,
                    original: i as u32,
                    changed: Some(((a.len_utf8() + b2.len_utf8()) as u8, clen as u8)),
                });
                text.push(a);
                text.push(b2);
                aligned = false;
                i += clen;
                run = i;
            }
        }
    }
    flush!();
    MatchForm::from_parts(text, anchors, original.len() as u32)
}

/// Folds of U+0600–U+06FF, computed once from [`fold_char`].
fn arabic_table() -> &'static [Fold; 256] {
    static TABLE: std::sync::OnceLock<[Fold; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [Fold::Keep; 256];
        for (k, slot) in t.iter_mut().enumerate() {
            if let Some(c) = char::from_u32(0x0600 + k as u32) {
                *slot = fold_char(c);
            }
        }
        t
    })
}

/// For U+0600–U+06FF: is the fold `Keep`?
fn arabic_keep_table() -> &'static [bool; 256] {
    static TABLE: std::sync::OnceLock<[bool; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| arabic_table().map(|f| f == Fold::Keep))
}

/// Bytes that may belong to a sentence break (see the scan loop in `next`).
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
            let bytes = text.as_bytes();
            let mut i = start;
            while i < bytes.len() {
                // Skip, by table, every byte that cannot be part of a line break or a terminator: ASCII
                // . ? ! \n \r, the second byte of ؟ ؛ ۔ (D8 9F, D8 9B, DB 94), the lead byte of … and the
                // Unicode line/paragraph separators (E2 80 A6/A8/A9).
                match bytes[i..].iter().position(|&b| CANDIDATE[b as usize]) {
                    Some(k) => i += k,
                    None => break,
                }
                if (0x80..0xC0).contains(&bytes[i]) {
                    // A continuation byte: is it the end of ؟ ؛ or ۔ ?
                    let is_term =
                        i > start && matches!((bytes[i - 1], bytes[i]), (0xD8, 0x9F) | (0xD8, 0x9B) | (0xDB, 0x94));
                    if !is_term {
                        i += 1;
                        continue;
                    }
                    i -= 1;
                }
                let (c, clen) = decode_at(bytes, i);
                if c == '\n' || c == '\r' || c == '\u{2029}' || c == '\u{2028}' {
                    end = i;
                    next = i + clen;
                    break;
                }
                if !is_terminator(c)
                    || (c == '.' && (is_abbreviation_dot(text, i) || crate::sentences::is_acronym_dot(text, i)))
                {
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

/// For U+0600–U+06FF: does the char belong inside an Arabic word? Computed once from the predicates.
fn arabic_word_table() -> &'static [bool; 256] {
    static TABLE: std::sync::OnceLock<[bool; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = [false; 256];
        for (k, slot) in t.iter_mut().enumerate() {
            if let Some(c) = char::from_u32(0x0600 + k as u32) {
                *slot = is_arabic_letter(c) || is_arabic_mark(c);
            }
        }
        t
    })
}

#[inline]
fn is_latin_word_char(c: char) -> bool {
    c.is_alphabetic() && !is_arabic_letter(c)
}

#[inline]
fn is_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '"'
            | '\''
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '-'
            | '/'
            | '\\'
            | '،'
            | '؛'
            | '؟'
            | '«'
            | '»'
            | '“'
            | '”'
            | '„'
            | '‘'
            | '’'
            | '–'
            | '—'
            | '…'
            | '٭'
            | '‹'
            | '›'
            | '۔'
            | '\u{066B}'
            | '\u{066C}'
            | '_'
            | '|'
            | '•'
            | '·'
    )
}

/// Iterates over the tokens of `text`. Never panics; every span falls on char boundaries.
pub fn tokenize(text: &str) -> Tokens<'_> {
    Tokens { text, pos: 0 }
}

/// Iterator returned by [`tokenize`].
#[derive(Debug, Clone)]
pub struct Tokens<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Tokens<'a> {
    #[inline]
    fn peek_at(&self, at: usize) -> Option<char> {
        if at < self.text.len() && self.text.is_char_boundary(at) {
            Some(decode_at(self.text.as_bytes(), at).0)
        } else {
            None
        }
    }

    /// End of a run of chars satisfying `f`, starting at `at`.
    #[inline]
    fn run(&self, mut at: usize, f: impl Fn(char) -> bool) -> usize {
        let bytes = self.text.as_bytes();
        while at < bytes.len() {
            if bytes[at] < 0x80 {
                if f(bytes[at] as char) {
                    at += 1;
                    continue;
                }
                break;
            }
            let (c, len) = decode_at(bytes, at);
            if f(c) {
                at += len;
            } else {
                break;
            }
        }
        at
    }

    /// End of a run of Arabic letters and marks: the hot loop of tokenisation, with the Arabic block
    /// (two-byte sequences led by D8–DB) checked by table.
    #[inline]
    fn arabic_run(&self, mut at: usize) -> usize {
        let table = arabic_word_table();
        let bytes = self.text.as_bytes();
        while at < bytes.len() {
            let b = bytes[at];
            if (0xD8..=0xDB).contains(&b) {
                let k = (((b & 0x03) as usize) << 6) | (bytes[at + 1] & 0x3F) as usize;
                if table[k] {
                    at += 2;
                    continue;
                }
                break;
            }
            if b < 0x80 {
                break;
            }
            let (c, len) = decode_at(bytes, at);
            if is_arabic_letter(c) || is_arabic_mark(c) {
                at += len;
            } else {
                break;
            }
        }
        at
    }

    fn number_end(&self, start: usize) -> usize {
        let mut end = self.run(start, is_digit);
        // Internal separators followed by a digit: 3.5 3,000 ٣٫٥ ١٬٠٠٠, and ranges/dates 2011-2020 14/5/2024.
        while let Some(sep @ ('.' | ',' | '\u{066B}' | '\u{066C}' | '-' | '/' | '–')) = self.peek_at(end) {
            let after = end + sep.len_utf8();
            if !self.peek_at(after).is_some_and(is_digit) {
                break;
            }
            end = self.run(after, is_digit);
        }
        end
    }

    fn url_end(&self, start: usize) -> usize {
        let mut end = self.run(start, |c| {
            !c.is_whitespace()
                && !c.is_control()
                && !is_invisible(c)
                && !matches!(c, '«' | '»' | '“' | '”' | '"' | '<' | '>' | '،')
        });
        // Trailing punctuation belongs to the sentence, not the URL.
        while end > start {
            let last = self.text[..end].chars().next_back().unwrap_or(' ');
            if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '\'' | '؟' | '؛') {
                end -= last.len_utf8();
            } else {
                break;
            }
        }
        end
    }
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let text = self.text;
        let bytes = text.as_bytes();
        let table = arabic_word_table();
        // Skip whitespace, control and invisible format characters.
        let mut start = self.pos;
        let mut arabic_start = false;
        while start < bytes.len() {
            let b = bytes[start];
            if b <= b' ' || b == 0x7F {
                start += 1;
                continue;
            }
            if b < 0x80 {
                break;
            }
            if (0xD8..=0xDB).contains(&b) && table[(((b & 0x03) as usize) << 6) | (bytes[start + 1] & 0x3F) as usize] {
                arabic_start = true;
                break;
            }
            let (c, len) = decode_at(bytes, start);
            if c.is_whitespace() || c.is_control() || is_invisible(c) {
                start += len;
            } else {
                break;
            }
        }
        if start >= text.len() {
            self.pos = text.len();
            return None;
        }
        if arabic_start {
            let end = self.arabic_run(start);
            self.pos = end;
            return Some(Token { kind: TokenKind::Arabic, span: start..end });
        }
        let c = decode_at(bytes, start).0;
        let rest = &text[start..];
        let (kind, end) = if is_arabic_letter(c) || (is_arabic_mark(c) && c != '\u{200C}' && c != '\u{200D}') {
            (TokenKind::Arabic, self.arabic_run(start))
        } else if is_digit(c) {
            (TokenKind::Number, self.number_end(start))
        } else if starts_with_ignore_ascii_case(rest, "http://")
            || starts_with_ignore_ascii_case(rest, "https://")
            || starts_with_ignore_ascii_case(rest, "www.")
        {
            (TokenKind::Url, self.url_end(start))
        } else if is_punct(c) {
            // Runs of the same dot (ellipsis "...") stay one token.
            let end = if c == '.' { self.run(start, |x| x == '.') } else { start + c.len_utf8() };
            (TokenKind::Punct, end)
        } else if is_latin_word_char(c) {
            let mut end = self.run(start, |c| is_latin_word_char(c) || c.is_ascii_digit());
            // Internal hyphens, apostrophes and dots (F-16, O'Brien, e.g.) followed by a letter or digit.
            while let Some(sep @ ('-' | '\'' | '’' | '.' | '_')) = self.peek_at(end) {
                let after = end + sep.len_utf8();
                if self.peek_at(after).is_some_and(|c| is_latin_word_char(c) || c.is_ascii_digit()) {
                    end = self.run(after, |c| is_latin_word_char(c) || c.is_ascii_digit());
                } else {
                    break;
                }
            }
            // e-mail
            if self.peek_at(end) == Some('@') && self.peek_at(end + 1).is_some_and(|c| c.is_ascii_alphanumeric()) {
                let e = self.url_end(end + 1);
                (TokenKind::Email, e)
            } else {
                (TokenKind::Latin, end)
            }
        } else if (c == '#' || c == '@')
            && self.peek_at(start + 1).is_some_and(|n| is_arabic_letter(n) || n.is_alphanumeric() || n == '_')
        {
            let end =
                self.run(start + 1, |c| is_arabic_letter(c) || is_arabic_mark(c) || c.is_alphanumeric() || c == '_');
            (if c == '#' { TokenKind::Hashtag } else { TokenKind::Mention }, end)
        } else {
            (TokenKind::Symbol, start + c.len_utf8())
        };
        self.pos = end;
        Some(Token { kind, span: start..end })
    }
}

fn starts_with_ignore_ascii_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

#[cfg(test)]
pub(crate) mod tests {
    use proptest::prelude::*;

    /// Text built from fragments that exercise every path: Arabic letters and marks, folded letters,
    /// presentation forms and ligatures, digits of all sets, separators, terminators, closers, URLs,
    /// e-mails, hashtags, Latin words and abbreviations, invisible and space characters.
    pub(crate) fn texty() -> impl Strategy<Value = String> {
        let fragments: Vec<&'static str> = vec![
            "قال",
            "الحكومة",
            "وزيرُ",
            "الخارجيّة",
            "أحمد",
            "إلى",
            "آمال",
            "مستشفى",
            "ة",
            "ى",
            "ـ",
            "ً",
            "ّ",
            "ٰ",
            "\u{FEFB}",
            "\u{FEE3}\u{FEA4}",
            "\u{FE70}",
            "ک",
            "ی",
            "٠١٢",
            "۱۹",
            "3.5",
            "2011-2020",
            "١٤/٥/٢٠٢٤",
            "٫",
            "٬",
            ",",
            ".",
            "..",
            "...",
            "…",
            "؟",
            "?",
            "!",
            "؛",
            "۔",
            "،",
            ":",
            "«",
            "»",
            "“",
            "”",
            "\"",
            "'",
            ")",
            "(",
            "]",
            "›",
            "’",
            " ",
            " ",
            " ",
            "  ",
            "\n",
            "\r\n",
            "\r",
            "\t",
            "\u{2028}",
            "\u{2029}",
            "\u{00A0}",
            "\u{200C}",
            "\u{200D}",
            "\u{200F}",
            "\u{061C}",
            "\u{FEFF}",
            "\u{202B}",
            "\u{00AD}",
            "https://x.org/a?b=1",
            "www.un.org",
            "HTTP://A.B",
            "info@example.org",
            "#غزة",
            "@UN_News",
            "#",
            "@",
            "SIPRI",
            "F-16",
            "O'Brien",
            "e.g.",
            "Dr.",
            "د.",
            "م.",
            "ص.",
            "Mr",
            "etc",
            "x",
            "A",
            "Z",
            "é",
            "ß",
            "İ",
            "中",
            "😀",
            "%",
            "٪",
            "$",
            "-",
            "–",
            "—",
            "/",
            "_",
            "|",
            "•",
            "\u{0750}",
            "\u{08A0}",
            "\u{FB50}",
            "\u{FDF2}",
            "\u{0610}",
            "\u{06D6}",
            "\u{0660}",
            "\u{06F0}",
            "\u{0671}",
            "\u{0640}\u{0640}",
            "وبالتالي",
            "للسلطة",
            "نشرتها",
            "ا",
            "ل",
            "و",
            "\u{0000}",
            "\u{007F}",
            "\u{0085}",
            "\u{3000}",
            "\u{2003}",
        ];
        prop::collection::vec(prop::sample::select(fragments), 0..40).prop_map(|v| v.concat())
    }

    /// Text mixing [`texty`]'s fragments with single characters of any kind: control characters,
    /// combining marks of other scripts, the Arabic blocks and anything else (`\PC` leaves controls and
    /// format characters out).
    pub(crate) fn mixed() -> impl Strategy<Value = String> {
        let one = prop_oneof![
            texty(),
            any::<char>().prop_map(String::from),
            (0u32..0x20).prop_map(|u| char::from_u32(u).map(String::from).unwrap_or_default()),
            (0x0300u32..0x0370).prop_map(|u| char::from_u32(u).map(String::from).unwrap_or_default()),
            (0x0600u32..0x0700).prop_map(|u| char::from_u32(u).map(String::from).unwrap_or_default()),
            (0x0750u32..0x0780).prop_map(|u| char::from_u32(u).map(String::from).unwrap_or_default()),
            (0x08A0u32..0x0900).prop_map(|u| char::from_u32(u).map(String::from).unwrap_or_default()),
            (0x2000u32..0x2070).prop_map(|u| char::from_u32(u).map(String::from).unwrap_or_default()),
            (0xFB50u32..0xFF00).prop_map(|u| char::from_u32(u).map(String::from).unwrap_or_default()),
        ];
        prop::collection::vec(one, 0..12).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn match_form_equals_reference(s in texty()) {
            prop_assert_eq!(crate::normalize::MatchForm::new(&s), super::match_form(&s));
        }

        #[test]
        fn match_form_equals_reference_any(s in "\\PC{0,80}") {
            prop_assert_eq!(crate::normalize::MatchForm::new(&s), super::match_form(&s));
        }

        #[test]
        fn sentences_equal_reference(s in texty()) {
            let fast: Vec<_> = crate::sentences::sentences(&s).collect();
            let slow: Vec<_> = super::sentences(&s).collect();
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn sentences_equal_reference_any(s in "\\PC{0,80}") {
            let fast: Vec<_> = crate::sentences::sentences(&s).collect();
            let slow: Vec<_> = super::sentences(&s).collect();
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn tokens_equal_reference(s in texty()) {
            let fast: Vec<_> = crate::tokens::tokenize(&s).collect();
            let slow: Vec<_> = super::tokenize(&s).collect();
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn match_form_equals_reference_mixed(s in mixed()) {
            prop_assert_eq!(crate::normalize::MatchForm::new(&s), super::match_form(&s));
        }

        #[test]
        fn sentences_equal_reference_mixed(s in mixed()) {
            let fast: Vec<_> = crate::sentences::sentences(&s).collect();
            let slow: Vec<_> = super::sentences(&s).collect();
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn tokens_equal_reference_mixed(s in mixed()) {
            let fast: Vec<_> = crate::tokens::tokenize(&s).collect();
            let slow: Vec<_> = super::tokenize(&s).collect();
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn tokens_equal_reference_any(s in "\\PC{0,80}") {
            let fast: Vec<_> = crate::tokens::tokenize(&s).collect();
            let slow: Vec<_> = super::tokenize(&s).collect();
            prop_assert_eq!(fast, slow);
        }
    }
}
