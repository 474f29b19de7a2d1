//! Tokens: Arabic words, Latin words, numbers (both digit sets, with separators and ranges), punctuation,
//! URLs, e-mail addresses, hashtags and @mentions. Tokens are byte ranges into the text they were cut from;
//! whitespace is not a token.
//!
//! ```
//! use hadath_text::tokens::{tokenize, TokenKind};
//! let text = "قال «المتحدث»، في 2011-2020: 3,5٪ #غزة";
//! let kinds: Vec<_> = tokenize(text).map(|t| (t.kind, &text[t.span])).collect();
//! assert_eq!(kinds[0], (TokenKind::Arabic, "قال"));
//! assert!(kinds.contains(&(TokenKind::Number, "2011-2020")));
//! assert!(kinds.contains(&(TokenKind::Number, "3,5")));
//! assert!(kinds.contains(&(TokenKind::Hashtag, "#غزة")));
//! ```

use std::ops::Range;

use crate::class::{class_at, index, CLASS, SKIP_SHIFT, WORD};
use crate::normalize::decode_at;

/// The kind of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A word in Arabic script (letters, with any diacritics and tatweel).
    Arabic,
    /// A word in Latin (or another non-Arabic) script, possibly with digits: "SIPRI", "F-16", "G20".
    Latin,
    /// A number in ASCII or Arabic-Indic digits, with internal separators (`,` `.` `٫` `٬`), or a numeric
    /// range/date written with `-` `/` between digit groups: "2011-2020", "14/5/2024".
    Number,
    /// Punctuation: . ، ؛ ؟ ! : « » “ ” ( ) - – — and so on.
    Punct,
    /// Any other symbol: % ٪ $ + = …
    Symbol,
    /// `http://…`, `https://…` or `www.…`.
    Url,
    /// An e-mail address.
    Email,
    /// `#word`.
    Hashtag,
    /// `@name`.
    Mention,
}

/// One token: its kind and its byte range in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Kind.
    pub kind: TokenKind,
    /// Byte range in the text.
    pub span: Range<usize>,
}

/// Is `c` an Arabic-script letter (not a digit or punctuation)?
#[inline]
pub const fn is_arabic_letter(c: char) -> bool {
    matches!(c as u32,
        0x0620..=0x064A | 0x066E..=0x066F | 0x0671..=0x06D3 | 0x06D5 | 0x06EE..=0x06EF | 0x06FA..=0x06FC
        | 0x06FF | 0x0750..=0x077F | 0x08A0..=0x08C9 | 0xFB50..=0xFBB1 | 0xFBD3..=0xFD3D | 0xFD50..=0xFDC7
        | 0xFDF0..=0xFDFB | 0xFE80..=0xFEFC)
}

/// Is `c` an Arabic combining mark, tatweel or a joiner that belongs inside an Arabic word?
#[inline]
pub const fn is_arabic_mark(c: char) -> bool {
    matches!(c as u32, 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x0640 | 0x06D6..=0x06ED
        | 0x08CA..=0x08FF | 0xFE70..=0xFE7F | 0x200C | 0x200D)
}

/// Value of an ASCII, Arabic-Indic or Extended Arabic-Indic digit.
#[inline]
pub const fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{0660}'..='\u{0669}' => Some(c as u32 - 0x0660),
        '\u{06F0}'..='\u{06F9}' => Some(c as u32 - 0x06F0),
        _ => None,
    }
}

/// Is `c` a digit in any of the three digit sets?
#[inline]
pub fn is_digit(c: char) -> bool {
    digit_value(c).is_some()
}

#[inline]
fn is_latin_word_char(c: char) -> bool {
    c.is_alphabetic() && !is_arabic_letter(c)
}

#[inline]
const fn is_punct(c: char) -> bool {
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

/// ASCII characters that are a punctuation token on their own: [`is_punct`] but not the dot (nor a letter,
/// digit or URL start, which come first in [`Tokens::token_at`]).
static ASCII_PUNCT: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8 as char;
        t[b] = is_punct(c) && c != '.' && !c.is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// The same for U+0600–U+06FF (، ؛ ؟ ٫ ٬ ٭ ۔): punctuation, not a letter, mark or digit.
static ARABIC_PUNCT: [bool; 256] = {
    let mut t = [false; 256];
    let mut k = 0;
    while k < 256 {
        if let Some(c) = char::from_u32(0x0600 + k as u32) {
            t[k] = is_punct(c) && !is_arabic_letter(c) && !is_arabic_mark(c) && digit_value(c).is_none();
        }
        k += 1;
    }
    t
};

/// The length of the character at `i` (a char boundary) if it is a punctuation token on its own
/// ([`ASCII_PUNCT`], [`ARABIC_PUNCT`]): what [`Tokens::token_at`] gives there, found by table.
#[inline(always)]
pub(crate) fn punct1(bytes: &[u8], i: usize) -> Option<usize> {
    let b0 = *bytes.get(i)?;
    if b0 & 0xFC == 0xD8 {
        let b1 = *bytes.get(i + 1)?;
        ARABIC_PUNCT[usize::from(b0 & 0x03) << 6 | usize::from(b1 & 0x3F)].then_some(2)
    } else {
        (b0 < 0x80 && ASCII_PUNCT[usize::from(b0)]).then_some(1)
    }
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
    /// A tokenizer at the start of `text`.
    #[inline]
    pub(crate) fn new(text: &'a str) -> Tokens<'a> {
        Tokens { text, pos: 0 }
    }

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
    /// (two-byte sequences led by D8–DB) checked by one table load a character.
    #[inline(always)]
    fn arabic_run(&self, mut at: usize) -> usize {
        let bytes = self.text.as_bytes();
        let last = bytes.len().saturating_sub(1);
        while at < last {
            let class = CLASS[index(bytes, at)];
            if class & WORD == 0 {
                return if class != 0 { at } else { self.arabic_run_general(at) };
            }
            at += 2;
        }
        // At the end, or before the last byte (ASCII, so not in a word).
        at
    }

    /// [`Tokens::arabic_run`] past the Arabic block: letters and marks of the other Arabic blocks.
    #[inline(never)]
    pub(crate) fn arabic_run_general(&self, mut at: usize) -> usize {
        let bytes = self.text.as_bytes();
        while at < bytes.len() {
            let b = bytes[at];
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

    #[inline]
    fn next(&mut self) -> Option<Token> {
        let text = self.text;
        let bytes = text.as_bytes();
        // Skip whitespace, control and invisible format characters; an Arabic word (the common case) is cut
        // here by table, anything else by `token_at`.
        let mut start = self.pos;
        loop {
            if start >= bytes.len() {
                self.pos = bytes.len();
                return None;
            }
            let class = class_at(bytes, start);
            if class & WORD != 0 {
                let end = self.arabic_run(start + 2);
                self.pos = end;
                return Some(Token { kind: TokenKind::Arabic, span: start..end });
            }
            let skip = class >> SKIP_SHIFT & 3;
            if skip != 0 {
                start += usize::from(skip);
                continue;
            }
            if class != 0 {
                break; // ASCII or the Arabic block, not skipped
            }
            // Other characters.
            let (c, len) = decode_at(bytes, start);
            if c.is_whitespace() || c.is_control() || is_invisible(c) {
                start += len;
            } else {
                break;
            }
        }
        let token = self.token_at(start);
        self.pos = token.span.end;
        Some(token)
    }
}

impl Tokens<'_> {
    /// The token starting at `start` (a char boundary before the end that is not skipped between tokens).
    #[inline(never)]
    pub(crate) fn token_at(&self, start: usize) -> Token {
        let text = self.text;
        let bytes = text.as_bytes();
        // Punctuation of one character (not the dot, whose runs are one token), by table: the common case.
        if let Some(len) = punct1(bytes, start) {
            return Token { kind: TokenKind::Punct, span: start..start + len };
        }
        let c = decode_at(bytes, start).0;
        let rest = &text[start..];
        let (kind, end) = if is_arabic_letter(c) || (is_arabic_mark(c) && c != '\u{200C}' && c != '\u{200D}') {
            (TokenKind::Arabic, self.arabic_run(start))
        } else if is_digit(c) {
            (TokenKind::Number, self.number_end(start))
        } else if matches!(c, 'h' | 'H' | 'w' | 'W') && starts_with_ignore_ascii_case(rest, "http://")
            || matches!(c, 'h' | 'H') && starts_with_ignore_ascii_case(rest, "https://")
            || matches!(c, 'w' | 'W') && starts_with_ignore_ascii_case(rest, "www.")
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
        Token { kind, span: start..end }
    }
}

/// Format characters that are not part of any token (skipped like whitespace): BOM, direction marks, embeddings.
#[inline]
pub const fn is_invisible(c: char) -> bool {
    matches!(c, '\u{FEFF}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn starts_with_ignore_ascii_case(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn toks(text: &str) -> Vec<(TokenKind, &str)> {
        tokenize(text).map(|t| (t.kind, &text[t.span])).collect()
    }

    macro_rules! t {
        ($name:ident, $input:expr, [$(($kind:ident, $s:expr)),* $(,)?]) => {
            #[test]
            fn $name() {
                let want: Vec<(TokenKind, &str)> = vec![$((TokenKind::$kind, $s)),*];
                assert_eq!(toks($input), want, "help: tokens of {:?}", $input);
            }
        };
    }

    t!(arabic_words, "التقى وزيرُ الخارجيـة", [(Arabic, "التقى"), (Arabic, "وزيرُ"), (Arabic, "الخارجيـة")]);
    t!(
        arabic_punct,
        "باكو، طهران؛ لماذا؟",
        [(Arabic, "باكو"), (Punct, "،"), (Arabic, "طهران"), (Punct, "؛"), (Arabic, "لماذا"), (Punct, "؟")]
    );
    t!(
        quotes,
        "“التوجه” «المعادي»",
        [(Punct, "“"), (Arabic, "التوجه"), (Punct, "”"), (Punct, "«"), (Arabic, "المعادي"), (Punct, "»")]
    );
    t!(
        numbers,
        "765 3.5 3,000 ٣٫٥ ١٬٠٠٠",
        [(Number, "765"), (Number, "3.5"), (Number, "3,000"), (Number, "٣٫٥"), (Number, "١٬٠٠٠")]
    );
    t!(
        ranges_and_dates,
        "2011-2020 ١٤/٥/٢٠٢٤ 14.05.2024",
        [(Number, "2011-2020"), (Number, "١٤/٥/٢٠٢٤"), (Number, "14.05.2024")]
    );
    t!(number_then_period, "عام 1993.", [(Arabic, "عام"), (Number, "1993"), (Punct, ".")]);
    t!(
        dateline_dashes,
        "طهران – 12 – 10 (كونا)",
        [
            (Arabic, "طهران"),
            (Punct, "–"),
            (Number, "12"),
            (Punct, "–"),
            (Number, "10"),
            (Punct, "("),
            (Arabic, "كونا"),
            (Punct, ")")
        ]
    );
    t!(latin, "SIPRI F-16 G20 O'Brien", [(Latin, "SIPRI"), (Latin, "F-16"), (Latin, "G20"), (Latin, "O'Brien")]);
    t!(
        url,
        "انظر https://example.com/a?b=1. ثم www.un.org،",
        [
            (Arabic, "انظر"),
            (Url, "https://example.com/a?b=1"),
            (Punct, "."),
            (Arabic, "ثم"),
            (Url, "www.un.org"),
            (Punct, "،")
        ]
    );
    t!(hashtag_mention, "#غزة @UN_News #Gaza2024", [(Hashtag, "#غزة"), (Mention, "@UN_News"), (Hashtag, "#Gaza2024")]);
    t!(email, "info@example.org", [(Email, "info@example.org")]);
    t!(percent, "٥٠٪ 50%", [(Number, "٥٠"), (Symbol, "٪"), (Number, "50"), (Symbol, "%")]);
    t!(script_change, "ق1", [(Arabic, "ق"), (Number, "1")]);
    t!(ellipsis, "قال...", [(Arabic, "قال"), (Punct, "...")]);

    proptest! {
        #[test]
        fn never_panics_and_spans_are_ordered(s in "\\PC{0,80}") {
            let mut last = 0;
            for t in tokenize(&s) {
                prop_assert!(t.span.start >= last && t.span.start < t.span.end && t.span.end <= s.len());
                prop_assert!(s.is_char_boundary(t.span.start) && s.is_char_boundary(t.span.end));
                // Whitespace never inside a token, except none.
                prop_assert!(!s[t.span.clone()].chars().any(char::is_whitespace));
                last = t.span.end;
            }
        }

        #[test]
        fn tokens_cover_all_non_space(s in "[\u{0600}-\u{06FF} a-z0-9.,:;!?«»“”#@/-]{0,60}") {
            let covered: usize = tokenize(&s).map(|t| t.span.len()).sum();
            let non_space: usize = s.chars().filter(|c| !c.is_whitespace() && !c.is_control() && *c != '\u{061C}').map(char::len_utf8).sum();
            prop_assert_eq!(covered, non_space);
        }
    }
}
