//! The *match form*: a normalised copy of the original text for matching, with an [`OffsetMap`] back.
//!
//! Rules (see `docs` in the README): tashkeel (U+064B–U+065F, U+0670, Quranic marks U+06D6–U+06ED) and
//! tatweel (U+0640) are removed; alef variants أ إ آ ٱ → ا; ى → ي; ة → ه; Persian/Urdu ک ی → ك ي; Arabic-Indic
//! and Extended Arabic-Indic digits → ASCII; Arabic presentation forms (U+FE70–U+FEFC) → their base letters;
//! invisible format characters (ZWJ/ZWNJ, LRM/RLM, ALM, BOM, soft hyphen) are removed; NBSP and other Unicode
//! spaces → ASCII space; ASCII letters are lower-cased. The original text is never modified.
//!
//! ```
//! use hadath_text::normalize::MatchForm;
//! let original = "وزيرُ الخارجيّة الإسرائيلي في ٢٠٢٣";
//! let m = MatchForm::new(original);
//! assert_eq!(m.text(), "وزير الخارجيه الاسرائيلي في 2023");
//! let found = m.text().find("الخارجيه").unwrap();
//! let span = m.to_original(found..found + "الخارجيه".len());
//! assert_eq!(&original[span], "الخارجيّة");
//! ```

use std::ops::Range;

use crate::class::{index, CLASS, KEEP_STEP};

/// What one original character becomes in the match form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fold {
    /// Kept unchanged.
    Keep,
    /// Removed (diacritics, tatweel, invisible format characters).
    Drop,
    /// Replaced by one character.
    One(char),
    /// Replaced by two characters (lam-alef ligatures).
    Two(char, char),
}

/// The match-form fold of one character. Pure and total; `fold_char` of a folded character is `Keep`
/// (which makes normalisation idempotent).
#[inline]
pub const fn fold_char(c: char) -> Fold {
    let u = c as u32;
    if u < 0x80 {
        return if c.is_ascii_uppercase() { Fold::One(c.to_ascii_lowercase()) } else { Fold::Keep };
    }
    match u {
        0x064B..=0x065F | 0x0670 | 0x0640 | 0x06D6..=0x06ED => Fold::Drop,
        0x0622 | 0x0623 | 0x0625 | 0x0671 | 0x0672 | 0x0673 => Fold::One('ا'),
        0x0649 | 0x06CC => Fold::One('ي'),
        0x0629 => Fold::One('ه'),
        0x06A9 => Fold::One('ك'),
        0x0660..=0x0669 => Fold::One((b'0' + (u - 0x0660) as u8) as char),
        0x06F0..=0x06F9 => Fold::One((b'0' + (u - 0x06F0) as u8) as char),
        0x200B..=0x200F | 0x061C | 0xFEFF | 0x00AD | 0x2060 | 0x202A..=0x202E | 0x2066..=0x2069 => Fold::Drop,
        0x00A0 | 0x2000..=0x200A | 0x202F | 0x205F | 0x3000 => Fold::One(' '),
        0xFE70..=0xFEFC => fold_presentation(u),
        _ => Fold::Keep,
    }
}

/// Arabic Presentation Forms-B (U+FE70–U+FEFC) to base letters, already folded.
const fn fold_presentation(u: u32) -> Fold {
    // Harakat forms U+FE70–U+FE7F are diacritics.
    if u <= 0xFE7F {
        return Fold::Drop;
    }
    // Lam-alef ligatures.
    if matches!(u, 0xFEF5..=0xFEFC) {
        return Fold::Two('ل', 'ا');
    }
    // Letter forms, grouped by base letter with 1, 2 or 4 positional forms each.
    const GROUPS: &[(u32, u32, char)] = &[
        (0xFE80, 1, 'ء'),
        (0xFE81, 2, 'ا'), // آ
        (0xFE83, 2, 'ا'), // أ
        (0xFE85, 2, 'ؤ'),
        (0xFE87, 2, 'ا'), // إ
        (0xFE89, 4, 'ئ'),
        (0xFE8D, 2, 'ا'),
        (0xFE8F, 4, 'ب'),
        (0xFE93, 2, 'ه'), // ة
        (0xFE95, 4, 'ت'),
        (0xFE99, 4, 'ث'),
        (0xFE9D, 4, 'ج'),
        (0xFEA1, 4, 'ح'),
        (0xFEA5, 4, 'خ'),
        (0xFEA9, 2, 'د'),
        (0xFEAB, 2, 'ذ'),
        (0xFEAD, 2, 'ر'),
        (0xFEAF, 2, 'ز'),
        (0xFEB1, 4, 'س'),
        (0xFEB5, 4, 'ش'),
        (0xFEB9, 4, 'ص'),
        (0xFEBD, 4, 'ض'),
        (0xFEC1, 4, 'ط'),
        (0xFEC5, 4, 'ظ'),
        (0xFEC9, 4, 'ع'),
        (0xFECD, 4, 'غ'),
        (0xFED1, 4, 'ف'),
        (0xFED5, 4, 'ق'),
        (0xFED9, 4, 'ك'),
        (0xFEDD, 4, 'ل'),
        (0xFEE1, 4, 'م'),
        (0xFEE5, 4, 'ن'),
        (0xFEE9, 4, 'ه'),
        (0xFEED, 2, 'و'),
        (0xFEEF, 2, 'ي'), // ى
        (0xFEF1, 4, 'ي'),
    ];
    let mut k = 0;
    while k < GROUPS.len() {
        let (start, n, base) = GROUPS[k];
        if u >= start && u < start + n {
            return Fold::One(base);
        }
        k += 1;
    }
    Fold::Keep
}

/// One piece of the offset map: from `matched` (a byte offset in the match form) on, bytes correspond to the
/// original starting at `original`, either byte for byte (`expand == None`) or as one original character of
/// `expand.1` bytes that became `expand.0` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Anchor {
    pub(crate) matched: u32,
    pub(crate) original: u32,
    /// `(match_len, original_len)` when this anchor starts a character whose byte length changed.
    pub(crate) changed: Option<(u8, u8)>,
}

/// Maps byte offsets in the match form back to byte offsets in the original text, and the other way.
///
/// Stored as a sorted list of anchors where the byte-for-byte correspondence breaks, so it costs nothing
/// for the long runs of text whose folded characters keep their UTF-8 length (Arabic letters, ASCII).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    anchors: Vec<Anchor>,
    match_len: u32,
    original_len: u32,
}

impl OffsetMap {
    fn anchor_for_match(&self, m: usize) -> Option<&Anchor> {
        let i = self.anchors.partition_point(|a| a.matched as usize <= m);
        if i == 0 {
            None
        } else {
            Some(&self.anchors[i - 1])
        }
    }

    /// The original byte offset where the match-form character starting at `m` starts (`m` = match
    /// length maps to the original length). Offsets past the end are clamped.
    pub fn start_to_original(&self, m: usize) -> usize {
        let m = m.min(self.match_len as usize);
        if m == self.match_len as usize {
            return self.original_len as usize;
        }
        match self.anchor_for_match(m) {
            None => m,
            Some(a) => match a.changed {
                None => a.original as usize + (m - a.matched as usize),
                Some(_) if m == a.matched as usize => a.original as usize,
                // Inside an expansion (ligature): the span starts at the ligature.
                Some(_) => a.original as usize,
            },
        }
    }

    /// The original byte offset where the match-form character ending at `m` ends, including any removed
    /// characters (diacritics) that follow it. `m` = 0 maps to 0.
    pub fn end_to_original(&self, m: usize) -> usize {
        let m = m.min(self.match_len as usize);
        if m == 0 {
            return 0;
        }
        if m == self.match_len as usize {
            return self.original_len as usize;
        }
        match self.anchor_for_match(m) {
            None => m,
            Some(a) => match a.changed {
                None => a.original as usize + (m - a.matched as usize),
                Some(_) if m == a.matched as usize => a.original as usize,
                // Inside an expansion: the span ends after the whole ligature.
                Some((_, olen)) => a.original as usize + olen as usize,
            },
        }
    }

    /// Maps a match-form byte range to the original byte range that produced it.
    pub fn to_original(&self, r: Range<usize>) -> Range<usize> {
        let s = self.start_to_original(r.start);
        let e = self.end_to_original(r.end).max(s);
        s..e
    }

    /// The match-form byte offset corresponding to original byte offset `o` (which should be a char
    /// boundary). Offsets inside removed characters map to where the next kept character starts; offsets
    /// inside a changed character map to its start.
    pub fn from_original(&self, o: usize) -> usize {
        let o = o.min(self.original_len as usize);
        if o == self.original_len as usize {
            return self.match_len as usize;
        }
        let i = self.anchors.partition_point(|a| a.original as usize <= o);
        if i == 0 {
            return match self.anchors.first() {
                Some(next) => o.min(next.matched as usize),
                None => o.min(self.match_len as usize),
            };
        }
        let a = &self.anchors[i - 1];
        let delta = o - a.original as usize;
        match a.changed {
            None => {
                let m = a.matched as usize + delta;
                // Never run into the next anchor (removed characters sit between anchors).
                match self.anchors.get(i) {
                    Some(next) => m.min(next.matched as usize),
                    None => m.min(self.match_len as usize),
                }
            }
            Some((mlen, olen)) => {
                if delta == 0 {
                    a.matched as usize
                } else if delta >= olen as usize {
                    // Removed characters after a changed one.
                    let m = a.matched as usize + mlen as usize;
                    match self.anchors.get(i) {
                        Some(next) => m.min(next.matched as usize),
                        None => m.min(self.match_len as usize),
                    }
                } else {
                    a.matched as usize
                }
            }
        }
    }

    /// Maps an original byte range to the match-form range.
    pub fn from_original_range(&self, r: Range<usize>) -> Range<usize> {
        let s = self.from_original(r.start);
        let e = self.from_original(r.end).max(s);
        s..e
    }
}

/// A normalised copy of a text plus the map back to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchForm {
    text: String,
    map: OffsetMap,
}

impl MatchForm {
    /// Normalises `original` into its match form.
    ///
    /// One pass over the bytes: runs of unchanged characters are copied as slices; the Arabic block
    /// (U+0600–U+06FF) goes through a table built from [`fold_char`], so the table and the rules cannot drift.
    pub fn new(original: &str) -> MatchForm {
        let bytes = original.as_bytes();
        let mut f = Folder::new(original);
        let mut i = 0usize;
        while i < bytes.len() {
            // Hot loop: while aligned, step over characters the match form keeps as they are, one table load
            // each (ASCII or the Arabic block); anything else, and the text's last byte, goes through
            // `Folder::fold_at`.
            if f.aligned {
                let last = bytes.len() - 1;
                while i < last {
                    let keep = CLASS[index(bytes, i)] & KEEP_STEP;
                    if keep == 0 {
                        break;
                    }
                    i += usize::from(keep);
                }
                if i >= bytes.len() {
                    break;
                }
            }
            i += f.fold_at(i);
        }
        f.finish()
    }

    /// A match form from its parts (the reference implementation in tests).
    #[cfg(test)]
    pub(crate) fn from_parts(text: String, anchors: Vec<Anchor>, original_len: u32) -> MatchForm {
        let map = OffsetMap { anchors, match_len: text.len() as u32, original_len };
        MatchForm { text, map }
    }

    /// The normalised text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The offset map back to the original.
    pub fn map(&self) -> &OffsetMap {
        &self.map
    }

    /// Maps a match-form byte range to the original byte range.
    pub fn to_original(&self, r: Range<usize>) -> Range<usize> {
        self.map.to_original(r)
    }
}

/// The match form under construction, one character at a time: [`MatchForm::new`] and the fused scanner
/// ([`crate::scan`]) drive it. Runs of characters kept as they are cost nothing: they are copied lazily, when
/// a changed character ends them.
pub(crate) struct Folder<'a> {
    original: &'a str,
    text: String,
    anchors: Vec<Anchor>,
    /// Is the current run byte-for-byte aligned with the last anchor (or the implicit origin)? While it is,
    /// a character kept as it is needs no call to [`Folder::fold_at`].
    pub(crate) aligned: bool,
    /// Start of the pending run of unchanged bytes.
    run: usize,
}

impl<'a> Folder<'a> {
    #[inline]
    pub(crate) fn new(original: &'a str) -> Folder<'a> {
        Folder { original, text: String::with_capacity(original.len()), anchors: Vec::new(), aligned: true, run: 0 }
    }

    /// Folds the character starting at byte `i` (a char boundary before the end) and returns its length.
    /// Every character between the previous call's and `i` must be one the match form keeps as it is, and
    /// the folder must have been aligned over them.
    #[inline]
    pub(crate) fn fold_at(&mut self, i: usize) -> usize {
        let original = self.original;
        let bytes = original.as_bytes();
        macro_rules! flush {
            () => {
                if self.run < i {
                    self.text.push_str(&original[self.run..i]);
                }
            };
        }
        macro_rules! realign {
            () => {
                if !self.aligned {
                    self.anchors.push(Anchor { matched: self.text.len() as u32, original: i as u32, changed: None });
                    self.aligned = true;
                }
            };
        }
        let b = bytes[i];
        if b < 0x80 {
            if b.is_ascii_uppercase() {
                flush!();
                realign!();
                self.text.push(b.to_ascii_lowercase() as char);
                self.run = i + 1;
            } else if !self.aligned {
                flush!();
                realign!();
                self.run = i;
            }
            return 1;
        }
        let (fold, clen) = if b & 0xFC == 0xD8 {
            // The Arabic block: index the table straight from the two bytes.
            (ARABIC_FOLD[usize::from(b & 0x03) << 6 | usize::from(bytes[i + 1] & 0x3F)], 2)
        } else {
            let (c, clen) = decode_at(bytes, i);
            (fold_char(c), clen)
        };
        match fold {
            Fold::Keep => {
                if !self.aligned {
                    flush!();
                    realign!();
                    self.run = i;
                }
            }
            Fold::Drop => {
                flush!();
                self.aligned = false;
                self.run = i + clen;
            }
            Fold::One(r) if r.len_utf8() == clen => {
                flush!();
                realign!();
                self.text.push(r);
                self.run = i + clen;
            }
            Fold::One(r) => {
                flush!();
                self.anchors.push(Anchor {
                    matched: self.text.len() as u32,
                    original: i as u32,
                    changed: Some((r.len_utf8() as u8, clen as u8)),
                });
                self.text.push(r);
                self.aligned = false;
                self.run = i + clen;
            }
            Fold::Two(a, b2) => {
                flush!();
                self.anchors.push(Anchor {
                    matched: self.text.len() as u32,
                    original: i as u32,
                    changed: Some(((a.len_utf8() + b2.len_utf8()) as u8, clen as u8)),
                });
                self.text.push(a);
                self.text.push(b2);
                self.aligned = false;
                self.run = i + clen;
            }
        }
        clen
    }

    /// [`Folder::fold_at`] for an Arabic-block character the match form replaces by another two-byte
    /// character (class `SAME2`), while the folder is aligned: the common change (ة أ إ ى), kept short.
    #[inline(always)]
    pub(crate) fn replace2(&mut self, i: usize) {
        debug_assert!(self.aligned);
        let original = self.original;
        let bytes = original.as_bytes();
        if self.run < i {
            self.text.push_str(&original[self.run..i]);
        }
        // The replacements are few (ا ي ه ك): pushing a constant is cheaper than encoding a char.
        match ARABIC_SAME[usize::from(bytes[i] & 0x03) << 6 | usize::from(bytes[i + 1] & 0x3F)] {
            'ا' => self.text.push('ا'),
            'ه' => self.text.push('ه'),
            'ي' => self.text.push('ي'),
            c => self.text.push(c),
        }
        self.run = i + 2;
    }

    /// The match form of the whole text (every character must have been passed).
    #[inline]
    pub(crate) fn finish(mut self) -> MatchForm {
        let original = self.original;
        if self.run < original.len() {
            self.text.push_str(&original[self.run..]);
        }
        let map =
            OffsetMap { anchors: self.anchors, match_len: self.text.len() as u32, original_len: original.len() as u32 };
        MatchForm { text: self.text, map }
    }
}

/// For U+0600–U+06FF: the replacement when [`fold_char`] replaces the character by another of two bytes.
static ARABIC_SAME: [char; 256] = {
    let mut t = ['\0'; 256];
    let mut k = 0;
    while k < 256 {
        if let Fold::One(r) = ARABIC_FOLD[k] {
            if r.len_utf8() == 2 {
                t[k] = r;
            }
        }
        k += 1;
    }
    t
};

/// Folds of U+0600–U+06FF, computed at compile time from [`fold_char`], so the table and the rules cannot
/// drift.
static ARABIC_FOLD: [Fold; 256] = {
    let mut t = [Fold::Keep; 256];
    let mut k = 0;
    while k < 256 {
        if let Some(c) = char::from_u32(0x0600 + k as u32) {
            t[k] = fold_char(c);
        }
        k += 1;
    }
    t
};

/// Decodes the char starting at byte `i` of valid UTF-8 `b` (a `str`'s bytes, `i` on a boundary).
#[inline(always)]
pub(crate) fn decode_at(b: &[u8], i: usize) -> (char, usize) {
    let b0 = b[i] as u32;
    let (cp, len) = if b0 < 0x80 {
        (b0, 1)
    } else if b0 < 0xE0 {
        (((b0 & 0x1F) << 6) | (b[i + 1] as u32 & 0x3F), 2)
    } else if b0 < 0xF0 {
        (((b0 & 0x0F) << 12) | ((b[i + 1] as u32 & 0x3F) << 6) | (b[i + 2] as u32 & 0x3F), 3)
    } else {
        (
            ((b0 & 0x07) << 18)
                | ((b[i + 1] as u32 & 0x3F) << 12)
                | ((b[i + 2] as u32 & 0x3F) << 6)
                | (b[i + 3] as u32 & 0x3F),
            4,
        )
    };
    (char::from_u32(cp).unwrap_or('\u{FFFD}'), len)
}

/// The match form of a short string, without an offset map (for keys of dictionaries).
pub fn match_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_match_key(s, &mut out);
    out
}

/// Appends the match form of `s` to `out`.
pub fn push_match_key(s: &str, out: &mut String) {
    // Runs of kept characters are copied as slices, not pushed one character at a time; the class table
    // (one load by a character's first two bytes) tells most kept characters without decoding them.
    let bytes = s.as_bytes();
    let mut kept_from = 0;
    let mut i = 0;
    while i < bytes.len() {
        let keep = usize::from(crate::class::class_at(bytes, i) & KEEP_STEP);
        if keep != 0 {
            i += keep;
            continue;
        }
        let (c, len) = decode_at(bytes, i);
        let fold = fold_char(c);
        if fold == Fold::Keep {
            i += len;
            continue;
        }
        out.push_str(&s[kept_from..i]);
        kept_from = i + len;
        i += len;
        match fold {
            Fold::Keep | Fold::Drop => {}
            Fold::One(r) => out.push(r),
            Fold::Two(a, b) => {
                out.push(a);
                out.push(b);
            }
        }
    }
    out.push_str(&s[kept_from..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    macro_rules! t {
        ($name:ident, $input:expr, $want:expr) => {
            #[test]
            fn $name() {
                let m = MatchForm::new($input);
                assert_eq!(m.text(), $want, "help: match form of {:?}", $input);
            }
        };
    }

    t!(tashkeel, "مُحَمَّدٌ", "محمد");
    t!(tatweel, "الـــعـــرب", "العرب");
    t!(alef_variants, "أحمد إبراهيم آمال ٱلله", "احمد ابراهيم امال الله");
    t!(alef_maqsura_and_ta_marbuta, "مستشفى الجامعة", "مستشفي الجامعه");
    t!(persian_letters, "کرمانشاه ایران", "كرمانشاه ايران");
    t!(arabic_indic_digits, "١٤/٥/٢٠٢٤ و ۱۹۹۳", "14/5/2024 و 1993");
    t!(presentation_forms, "\u{FEE3}\u{FEA4}\u{FEE4}\u{FEAA} \u{FEFB}", "محمد لا");
    t!(invisible, "إيران\u{200F}\u{200C}", "ايران");
    t!(ascii_lowercase, "SIPRI Report", "sipri report");
    t!(nbsp, "باكو\u{00A0}اليوم", "باكو اليوم");

    #[test]
    fn maps_back_with_diacritics() {
        let original = "قَالَ ١٢ رَئِيسُ";
        let m = MatchForm::new(original);
        assert_eq!(m.text(), "قال 12 رئيس");
        let s = m.text().find("12").unwrap();
        assert_eq!(&original[m.to_original(s..s + 2)], "١٢");
        let s = m.text().find("رئيس").unwrap();
        assert_eq!(&original[m.to_original(s..s + "رئيس".len())], "رَئِيسُ");
        let s = m.text().find("قال").unwrap();
        assert_eq!(&original[m.to_original(s..s + "قال".len())], "قَالَ");
    }

    #[test]
    fn ligature_partial_spans_widen() {
        let original = "\u{FEFB}م";
        let m = MatchForm::new(original);
        assert_eq!(m.text(), "لام");
        // "ا" alone lies inside the ligature: maps to the whole ligature.
        let s = "ل".len();
        assert_eq!(&original[m.to_original(s..s + "ا".len())], "\u{FEFB}");
        assert_eq!(&original[m.to_original(0..m.text().len())], original);
    }

    fn char_boundaries(s: &str) -> Vec<usize> {
        s.char_indices().map(|(i, _)| i).chain(std::iter::once(s.len())).collect()
    }

    proptest! {
        #[test]
        fn idempotent(s in "\\PC{0,60}") {
            let once = MatchForm::new(&s);
            let twice = MatchForm::new(once.text());
            prop_assert_eq!(once.text(), twice.text());
        }

        #[test]
        fn idempotent_arabic(s in "[\u{0600}-\u{06FF}\u{FE70}-\u{FEFF} a-zA-Z0-9]{0,60}") {
            let once = MatchForm::new(&s);
            let twice = MatchForm::new(once.text());
            prop_assert_eq!(once.text(), twice.text());
        }

        #[test]
        fn every_match_span_maps_to_char_boundaries(s in "[\u{0600}-\u{06FF}\u{FE70}-\u{FEFF}\u{200C}-\u{200F} a-zA-Z0-9.]{0,40}") {
            let m = MatchForm::new(&s);
            let bounds = char_boundaries(m.text());
            for (k, &a) in bounds.iter().enumerate() {
                for &b in &bounds[k..] {
                    let r = m.to_original(a..b);
                    prop_assert!(r.start <= r.end && r.end <= s.len());
                    prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
                    // The original slice normalises to a text containing the match slice.
                    let back = match_key(&s[r.clone()]);
                    prop_assert!(back.contains(&m.text()[a..b]), "{:?} -> {:?} ({:?})", &m.text()[a..b], &s[r], back);
                }
            }
            prop_assert_eq!(m.to_original(0..m.text().len()).end, s.len());
        }

        #[test]
        fn every_original_offset_maps(s in "[\u{0600}-\u{06FF}\u{FE70}-\u{FEFF}\u{200C}-\u{200F} a-zA-Z0-9]{0,40}") {
            let m = MatchForm::new(&s);
            let mut last = 0;
            for o in char_boundaries(&s) {
                let x = m.map().from_original(o);
                prop_assert!(m.text().is_char_boundary(x), "offset {} -> {} not a boundary", o, x);
                prop_assert!(x >= last, "from_original must be monotone");
                last = x;
            }
        }

        #[test]
        fn match_key_equals_match_form(s in "\\PC{0,60}") {
            let m = MatchForm::new(&s);
            prop_assert_eq!(match_key(&s), m.text());
        }
    }
}
