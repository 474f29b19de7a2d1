//! Character classes for the hot loops of the text core, looked up by the two bytes at a position.
//!
//! [`CLASS`] is indexed by `u16::from_le_bytes([b0, b1])` of the bytes at a char boundary: for an ASCII
//! `b0` the entry depends on `b0` alone; for a lead byte D8..=DB (the Arabic block U+0600..=U+06FF, two
//! bytes) on both; every other lead byte gets 0 (the callers' general paths). One load then answers, for
//! the character there: how many bytes the match form keeps it as it is, whether it belongs inside an
//! Arabic word, whether it may end a sentence, and whether the tokenizer skips it. The entries are computed
//! at compile time from the rules' own predicates ([`fold_char`], [`is_arabic_letter`], …), so the table
//! and the rules cannot drift.

use crate::normalize::{fold_char, Fold};
use crate::tokens::{is_arabic_letter, is_arabic_mark, is_invisible};

/// Bits 0-1: the match form keeps the character as it is; the value is its length in bytes (1 or 2), else 0.
pub(crate) const KEEP_STEP: u8 = 0b11;
/// Bits 2-3: the character cannot end a sentence (it is not `.` `?` `!` `\n` `\r` `؟` `؛` `۔`); the value is
/// its length in bytes, else 0.
pub(crate) const SENTENCE_SHIFT: u8 = 2;
/// Bits 4-5: the tokenizer skips the character between tokens (ASCII space and control characters, U+061C
/// ARABIC LETTER MARK); the value is its length in bytes, else 0.
pub(crate) const SKIP_SHIFT: u8 = 4;
/// An Arabic-block letter or mark: part of an Arabic word token.
pub(crate) const WORD: u8 = 1 << 6;
/// An Arabic-block character the match form replaces by another two-byte character (ة أ إ آ ى ک ی …).
pub(crate) const SAME2: u8 = 1 << 7;

// Every character of ASCII and the Arabic block has a non-zero class (a character that may end a sentence is
// kept as it is by the match form), so `class != 0` tells that the entry is meaningful.

/// The class of one character (see the module documentation).
const fn class_of(c: char) -> u8 {
    let u = c as u32;
    let len: u8 = if u < 0x80 { 1 } else { 2 };
    let mut v = 0;
    match fold_char(c) {
        Fold::Keep => v |= len,
        Fold::One(r) if len == 2 && r.len_utf8() == 2 => v |= SAME2,
        _ => {}
    }
    if !matches!(c, '.' | '?' | '!' | '\n' | '\r' | '؟' | '؛' | '۔') {
        v |= len << SENTENCE_SHIFT;
    }
    if (u < 0x80 && (u <= 0x20 || u == 0x7F)) || (len == 2 && is_invisible(c)) {
        v |= len << SKIP_SHIFT;
    }
    if len == 2 && (is_arabic_letter(c) || is_arabic_mark(c)) {
        v |= WORD;
    }
    v
}

const fn build() -> [u8; 1 << 16] {
    let mut t = [0u8; 1 << 16];
    let mut b1 = 0usize;
    while b1 < 256 {
        let mut b0 = 0usize;
        while b0 < 0x80 {
            t[b1 << 8 | b0] = class_of(b0 as u8 as char);
            b0 += 1;
        }
        if b1 & 0xC0 == 0x80 {
            let mut lead = 0xD8usize;
            while lead <= 0xDB {
                let u = 0x0600 + (((lead & 3) << 6) | (b1 & 0x3F)) as u32;
                if let Some(c) = char::from_u32(u) {
                    t[b1 << 8 | lead] = class_of(c);
                }
                lead += 1;
            }
        }
        b1 += 1;
    }
    t
}

/// Classes by the two bytes at a char boundary (see the module documentation). Index it with [`index`].
pub(crate) static CLASS: [u8; 1 << 16] = build();

/// The index into [`CLASS`] of the two bytes at `i` (`i + 1` must be in bounds).
#[inline(always)]
pub(crate) fn index(bytes: &[u8], i: usize) -> usize {
    usize::from(u16::from_le_bytes([bytes[i], bytes[i + 1]]))
}

/// The class of the character at byte `i` of `bytes` (a `str`'s bytes, `i` a char boundary below the end).
/// The last byte of the text is looked up with a zero second byte (only ASCII can be there).
#[inline(always)]
pub(crate) fn class_at(bytes: &[u8], i: usize) -> u8 {
    match bytes.get(i..i + 2) {
        Some(&[b0, b1]) => CLASS[usize::from(b0) | usize::from(b1) << 8],
        _ => match bytes.get(i) {
            Some(&b0) => CLASS[usize::from(b0)],
            None => 0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_predicates() {
        for c in (0u32..0x80).chain(0x0600..0x0700).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let s = c.encode_utf8(&mut buf);
            let mut two = [0u8; 2];
            two[..s.len()].copy_from_slice(s.as_bytes());
            let v = CLASS[usize::from(two[0]) | usize::from(two[1]) << 8];
            let len = s.len() as u8;
            assert!(v != 0);
            let same2 = matches!(fold_char(c), Fold::One(r) if s.len() == 2 && r.len_utf8() == 2);
            assert_eq!(v & SAME2 != 0, same2, "{c:?}");
            assert_eq!(v & KEEP_STEP, if fold_char(c) == Fold::Keep { len } else { 0 }, "{c:?}");
            let ends = matches!(c, '.' | '?' | '!' | '\n' | '\r' | '؟' | '؛' | '۔');
            assert_eq!(v >> SENTENCE_SHIFT & 3, if ends { 0 } else { len }, "{c:?}");
            let skip = c.is_whitespace() || c.is_control() || is_invisible(c);
            assert_eq!(v >> SKIP_SHIFT & 3, if skip { len } else { 0 }, "{c:?}");
            assert_eq!(v & WORD != 0, c as u32 >= 0x80 && (is_arabic_letter(c) || is_arabic_mark(c)), "{c:?}");
        }
        // Other lead bytes: the general paths.
        for b0 in [0xC2u8, 0xD7, 0xDC, 0xE2, 0xEF, 0xF0] {
            for b1 in 0x80..0xC0u8 {
                assert_eq!(CLASS[usize::from(b0) | usize::from(b1) << 8], 0);
            }
        }
    }
}
