//! Near-duplicate detection: MinHash signatures over word shingles of the match form, banded for LSH.
//!
//! The text is folded to the match form ([`hadath_text::normalize::match_key`]: no diacritics, one alef,
//! ى → ي, ة → ه, ASCII digits), cut into words (runs of letters and digits), and every run of
//! [`SHINGLE`] consecutive words is a shingle. [`NUM_HASHES`] independent hashes keep their minimum over
//! the shingles; the share of equal positions in two signatures estimates the Jaccard similarity of the
//! two shingle sets. For candidate search the signature is cut into [`BANDS`] bands of [`ROWS`] values:
//! two articles that agree on a whole band are candidates (the LSH curve puts its 50% point near a
//! similarity of 0.5, and finds pairs at 0.7 with probability 0.99), and a candidate is a near copy when
//! its estimated similarity reaches the threshold ([`DEFAULT_THRESHOLD`] by default).

use hadath_text::normalize::match_key;

/// Words per shingle.
pub const SHINGLE: usize = 4;
/// Hash functions in a signature.
pub const NUM_HASHES: usize = 64;
/// LSH bands.
pub const BANDS: usize = 16;
/// Signature values per band.
pub const ROWS: usize = NUM_HASHES / BANDS;
/// Default similarity (estimated Jaccard of word 4-gram sets) at which an article is a near copy.
pub const DEFAULT_THRESHOLD: f32 = 0.7;
/// Texts with fewer words than this get no signature (too short to call near copies safely).
pub const MIN_WORDS: usize = 20;

/// A MinHash signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub [u32; NUM_HASHES]);

#[inline]
fn mix64(mut x: u64) -> u64 {
    // splitmix64's finaliser.
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// `char::is_alphanumeric`, answered without the Unicode tables for ASCII and the Arabic letters U+0621–U+064A
/// (all alphabetic), which are nearly every character of an Arabic article.
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        ('\u{0621}'..='\u{064A}').contains(&c) || c.is_alphanumeric()
    }
}

fn word_hash(w: &str) -> u64 {
    // FNV-1a, then mixed.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in w.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    mix64(h)
}

impl Signature {
    /// The signature of a text, or `None` when it has fewer than [`MIN_WORDS`] words.
    pub fn of(text: &str) -> Option<Signature> {
        let folded = match_key(text);
        let words: Vec<u64> =
            folded.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty()).map(word_hash).collect();
        if words.len() < MIN_WORDS {
            return None;
        }
        let mut sig = [u32::MAX; NUM_HASHES];
        for win in words.windows(SHINGLE) {
            let mut s = 0u64;
            for (i, w) in win.iter().enumerate() {
                s = s.rotate_left(17) ^ w.wrapping_add(i as u64);
            }
            let s = mix64(s);
            for (i, slot) in sig.iter_mut().enumerate() {
                let h = (mix64(s ^ SEEDS[i]) >> 32) as u32;
                if h < *slot {
                    *slot = h;
                }
            }
        }
        Some(Signature(sig))
    }

    /// Estimated Jaccard similarity: the share of equal positions.
    pub fn similarity(&self, other: &Signature) -> f32 {
        let same = self.0.iter().zip(other.0.iter()).filter(|(a, b)| a == b).count();
        same as f32 / NUM_HASHES as f32
    }

    /// The LSH bucket keys, one per band (the band number is part of the key).
    pub fn band_keys(&self) -> [i64; BANDS] {
        let mut keys = [0i64; BANDS];
        for (b, key) in keys.iter_mut().enumerate() {
            let mut h = mix64(b as u64 + 1);
            for v in &self.0[b * ROWS..(b + 1) * ROWS] {
                h = mix64(h ^ *v as u64);
            }
            *key = h as i64;
        }
        keys
    }

    /// Little-endian bytes, for storage.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// From [`Signature::to_bytes`]; `None` if the length is wrong.
    pub fn from_bytes(b: &[u8]) -> Option<Signature> {
        if b.len() != NUM_HASHES * 4 {
            return None;
        }
        let mut sig = [0u32; NUM_HASHES];
        for (i, c) in b.chunks_exact(4).enumerate() {
            sig[i] = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
        Some(Signature(sig))
    }
}

const SEEDS: [u64; NUM_HASHES] = {
    let mut s = [0u64; NUM_HASHES];
    let mut i = 0;
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while i < NUM_HASHES {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        s[i] = z ^ (z >> 31);
        i += 1;
    }
    s
};

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str =
        "أعلنت وزارة الداخلية السعودية اليوم القبض على خلية إرهابية مكونة من عشرة أشخاص في المنطقة الشرقية \
        كانت تخطط لتنفيذ هجمات على منشآت حكومية ومساجد، وقال المتحدث الأمني إن التحقيقات ما زالت جارية مع الموقوفين \
        وإن الأجهزة الأمنية ضبطت أسلحة ومتفجرات في مواقع متفرقة من المدن التي كانت الخلية تنشط فيها منذ أشهر.";

    #[test]
    fn near_copies_are_similar_and_others_not() {
        let a = Signature::of(A).unwrap();
        // The same story with diacritics, other letter forms and a changed closing clause.
        let b = Signature::of(
            &A.replace("أعلنت", "أعلنتْ").replace("الداخلية", "الداخليّة").replace("منذ أشهر.", "منذ أشهر، بحسب البيان."),
        )
        .unwrap();
        let c = Signature::of(
            "استقبل خادم الحرمين الشريفين الملك سلمان بن عبدالعزيز في قصره بجدة اليوم رئيس الوزراء الباكستاني \
             نواز شريف والوفد المرافق له، وجرى خلال الاستقبال استعراض العلاقات الثنائية بين البلدين الشقيقين \
             وآفاق التعاون بينهما في مختلف المجالات إضافة إلى بحث تطورات الأحداث في المنطقة.",
        )
        .unwrap();
        assert!(a.similarity(&b) >= DEFAULT_THRESHOLD, "{}", a.similarity(&b));
        assert!(a.similarity(&c) < 0.1, "{}", a.similarity(&c));
        assert!(a.band_keys().iter().zip(b.band_keys().iter()).any(|(x, y)| x == y));
        assert_eq!(Signature::from_bytes(&a.to_bytes()), Some(a.clone()));
        assert_eq!(Signature::of("نص قصير جدا"), None);
        // The fast word test is `char::is_alphanumeric`.
        for c in ('\0'..='\u{FFFF}').chain(['\u{1F600}', '\u{10FFFF}']) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?}");
        }
        assert_eq!(a.similarity(&a), 1.0);
    }
}
