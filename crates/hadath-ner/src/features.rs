//! Feature extraction: every feature is a stable 64-bit hash of a template id and the hashes of the strings it
//! combines, so no feature string is ever built. Token-level strings (the match form, the stem, affixes …) are
//! hashed once per token into a [`Tok`]; the sentence's features are then mixed from those.
//!
//! The hash function is part of the model format: changing it, a template id or the strings a template
//! hashes invalidates every trained model (bump [`FEATURE_VERSION`]).

use hadath_text::clitics::Segmenter;
use hadath_text::normalize::push_match_key;
use hadath_text::tokens::{is_arabic_letter, is_arabic_mark, is_digit};

/// Version of the feature templates and their hashing; stored in the model file and checked at load.
pub const FEATURE_VERSION: u32 = 1;

/// Stable 64-bit hashing (an FxHash-style multiply-rotate over 8-byte words with a murmur3 finaliser).
pub mod hash {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    /// Mixes `x` into the running hash `h`.
    #[inline(always)]
    pub fn mix(h: u64, x: u64) -> u64 {
        (h.rotate_left(5) ^ x).wrapping_mul(K)
    }

    /// The murmur3 64-bit finaliser (a bijection).
    #[inline(always)]
    pub fn fin(mut h: u64) -> u64 {
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }

    /// Hash of a byte string; never 0.
    #[inline]
    pub fn bytes(b: &[u8]) -> u64 {
        let mut h = mix(0x9e37_79b9_7f4a_7c15, b.len() as u64);
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = mix(h, u64::from_le_bytes(w));
        }
        let r = chunks.remainder();
        if !r.is_empty() {
            let mut w = [0u8; 8];
            w[..r.len()].copy_from_slice(r);
            h = mix(h, u64::from_le_bytes(w));
        }
        nonzero(fin(h))
    }

    /// `h`, or 1 when `h` is 0 (0 marks an absent value and an empty table slot).
    #[inline(always)]
    pub fn nonzero(h: u64) -> u64 {
        h | u64::from(h == 0)
    }

    /// The feature hash of template `t` over values `a` and `b` (`b` = 0 for one-value templates); never 0.
    #[inline(always)]
    pub fn feature(t: u64, a: u64, b: u64) -> u64 {
        nonzero(fin(mix(mix(t.wrapping_mul(0x2545_f491_4f6c_dd1d), a), b)))
    }
}

/// Which optional feature groups a model uses (a bit set stored in the model file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FeatureSet(pub u32);

impl FeatureSet {
    /// Stem, proclitic and enclitic from the clitic segmenter (and their ±1 context and bigram).
    pub const SEG: u32 = 1 << 0;
    /// Rule-based stems independent of the segmenter: the match form without a leading و/ف, and without
    /// the article after an optional preposition.
    pub const HSTEM: u32 = 1 << 1;
    /// Words and stems at ±2.
    pub const CTX2: u32 = 1 << 2;
    /// Word bigrams (w-1 w0, w0 w+1) and stem bigrams.
    pub const BIGRAMS: u32 = 1 << 3;
    /// The shapes of w-1 w0 w+1 together.
    pub const SHAPE_CTX: u32 = 1 << 4;
    /// Two-letter suffixes and prefixes of the neighbours (nisba adjectives, titles).
    pub const AFFIX_CTX: u32 = 1 << 5;
    /// The raw (unnormalised) token as well as its match form.
    pub const RAW: u32 = 1 << 6;
    /// Word trigram w-1 w0 w+1.
    pub const TRIGRAM: u32 = 1 << 7;
    /// Lexicon features: gazetteer matches, role phrases and words of people's names, computed by
    /// `hadath_lexicon::Lexicon::ner_features` and passed as the tokens' extra features. The model only
    /// records the group; training, evaluation and the engine compute the features when it is set.
    pub const GAZ: u32 = 1 << 8;
    /// Character trigrams of the stem (the word without clitics), position-free.
    pub const CHAR3: u32 = 1 << 9;
    /// Prefixes (1–2 characters) and suffixes (1–3) of the stem without the article (the word without its
    /// clitics), as well as those of the whole word.
    pub const SAFFIX: u32 = 1 << 10;
    /// Character 4-grams of the stem, position-free.
    pub const CHAR4: u32 = 1 << 11;
    /// The stem bigrams of the left context (w-2 w-1) and of the right context (w+1 w+2).
    pub const CTXBI: u32 = 1 << 12;
    /// The lexicon (extra) features of the tokens two before and two after as well.
    pub const XCTX2: u32 = 1 << 13;

    /// The default set (HSTEM, TRIGRAM, SAFFIX and CTXBI made no difference or did worse in 5-fold
    /// cross-validation on the ANERcorp training split, so they are off; see data/models/README.md).
    pub const DEFAULT: FeatureSet = FeatureSet(
        Self::SEG
            | Self::CTX2
            | Self::BIGRAMS
            | Self::SHAPE_CTX
            | Self::AFFIX_CTX
            | Self::RAW
            | Self::GAZ
            | Self::CHAR3
            | Self::CHAR4
            | Self::XCTX2,
    );

    /// Named groups, for command-line parsing and printing.
    pub const NAMES: &'static [(&'static str, u32)] = &[
        ("seg", Self::SEG),
        ("hstem", Self::HSTEM),
        ("ctx2", Self::CTX2),
        ("bigrams", Self::BIGRAMS),
        ("shape-ctx", Self::SHAPE_CTX),
        ("affix-ctx", Self::AFFIX_CTX),
        ("raw", Self::RAW),
        ("trigram", Self::TRIGRAM),
        ("gaz", Self::GAZ),
        ("char3", Self::CHAR3),
        ("saffix", Self::SAFFIX),
        ("char4", Self::CHAR4),
        ("ctxbi", Self::CTXBI),
        ("xctx2", Self::XCTX2),
    ];

    /// Is group `bit` on?
    #[inline]
    pub fn has(self, bit: u32) -> bool {
        self.0 & bit != 0
    }

    /// Comma-separated names of the groups that are on.
    pub fn names(self) -> String {
        Self::NAMES.iter().filter(|(_, b)| self.has(*b)).map(|(n, _)| *n).collect::<Vec<_>>().join(",")
    }

    /// Applies `+name` / `-name` edits (comma-separated) to `self`.
    pub fn edit(self, spec: &str) -> Result<FeatureSet, String> {
        let mut bits = self.0;
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (on, name) = match item.as_bytes()[0] {
                b'+' => (true, &item[1..]),
                b'-' => (false, &item[1..]),
                _ => (true, item),
            };
            let bit = Self::NAMES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, b)| *b)
                .ok_or_else(|| format!("unknown feature group {name:?}; known: {}", FeatureSet(!0).names()))?;
            if on {
                bits |= bit;
            } else {
                bits &= !bit;
            }
        }
        Ok(FeatureSet(bits))
    }
}

// Template ids (part of the model format).
mod t {
    pub const BIAS: u64 = 1;
    pub const W: u64 = 2;
    pub const RAW: u64 = 3;
    pub const STEM: u64 = 4;
    pub const BASE: u64 = 5;
    pub const PROC: u64 = 6;
    pub const ENC: u64 = 7;
    pub const PRE: u64 = 8; // + 0..4
    pub const SUF: u64 = 12; // + 0..4
    pub const SHAPE: u64 = 16;
    pub const LEN: u64 = 17;
    pub const AL: u64 = 18;
    pub const HSTEM: u64 = 19;
    pub const HBASE: u64 = 20;
    pub const W_M1: u64 = 21;
    pub const W_P1: u64 = 22;
    pub const W_M2: u64 = 23;
    pub const W_P2: u64 = 24;
    pub const STEM_M1: u64 = 25;
    pub const STEM_P1: u64 = 26;
    pub const STEM_M2: u64 = 27;
    pub const STEM_P2: u64 = 28;
    pub const BI_M1: u64 = 29;
    pub const BI_P1: u64 = 30;
    pub const SBI_M1: u64 = 31;
    pub const SBI_P1: u64 = 32;
    pub const SHAPE3: u64 = 33;
    pub const SUF2_M1: u64 = 34;
    pub const SUF2_P1: u64 = 35;
    pub const PRE2_P1: u64 = 36;
    pub const FIRST: u64 = 37;
    pub const PROC_P1: u64 = 38;
    pub const HBASE_M1: u64 = 39;
    pub const HBASE_P1: u64 = 40;
    pub const TRI: u64 = 41;
    pub const CHAR3: u64 = 42;

    pub const X: u64 = 50;
    pub const X_M1: u64 = 51;
    pub const X_P1: u64 = 52;
    pub const X_M2: u64 = 53;
    pub const X_P2: u64 = 54;
    pub const BPRE: u64 = 60; // + 0..2
    pub const BSUF: u64 = 62; // + 0..3
    pub const CHAR4: u64 = 65;
    pub const CBI_M: u64 = 66;
    pub const CBI_P: u64 = 67;
}

/// The hash of the bias feature, which every token has (training shifts its O weight by `--o-bias`).
pub fn bias_key() -> u64 {
    hash::feature(t::BIAS, 1, 0)
}

const BOS: u64 = 0x0b05_0b05_0b05_0b05;
const EOS: u64 = 0xe05e_05e0_5e05_e05e;

/// A token's hashed strings (0 = absent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tok {
    /// Match form of the token without surrounding punctuation.
    pub word: u64,
    /// The raw token.
    pub raw: u64,
    /// Stem: the match form without proclitics and enclitics (segmenter).
    pub stem: u64,
    /// The stem without the article ال (0 when it has none).
    pub base: u64,
    /// Proclitics (segmenter; 0 when none).
    pub proc: u64,
    /// Enclitic (segmenter; 0 when none).
    pub enc: u64,
    /// Prefixes of 1–4 characters of the match form (0 when the word is not longer).
    pub pre: [u64; 4],
    /// Suffixes of 1–4 characters of the match form (0 when the word is not longer).
    pub suf: [u64; 4],
    /// Shape class (see [`shape`]).
    pub shape: u64,
    /// Length bucket.
    pub len: u64,
    /// Whether the stem begins with the article ال.
    pub al: bool,
    /// Rule-based stem (without a leading و/ف and a preposition before ال), 0 when equal to `word`.
    pub hstem: u64,
    /// Rule-based stem without the article, 0 when there is no article.
    pub hbase: u64,
    /// Character trigrams of the stem (or the word) with its ends marked, up to [`MAX_TRIGRAMS`] (0: none).
    pub tri: [u64; MAX_TRIGRAMS],
    /// Prefixes of 1–2 characters of the stem without the article (0 when it is not longer).
    pub bpre: [u64; 2],
    /// Suffixes of 1–3 characters of the stem without the article (0 when it is not longer).
    pub bsuf: [u64; 3],
    /// Character 4-grams of the stem with its ends marked, up to [`MAX_TRIGRAMS`] (0: none).
    pub quad: [u64; MAX_TRIGRAMS],
}

/// How many character trigrams of a token [`FeatureSet::CHAR3`] uses.
pub const MAX_TRIGRAMS: usize = 12;

/// Shape class of a token: a bit set of the character classes it contains (1 Arabic letter, 2 Latin
/// letter, 4 digit, 8 other), plus 16 when the first Latin letter is upper case, plus 32 when it carries
/// Arabic diacritics.
pub fn shape(core: &str) -> u64 {
    let mut bits = 0u64;
    let mut first_latin = true;
    for c in core.chars() {
        if is_arabic_letter(c) {
            bits |= 1;
        } else if is_arabic_mark(c) {
            bits |= 32;
        } else if is_digit(c) {
            bits |= 4;
        } else if c.is_alphabetic() {
            bits |= 2;
            if first_latin && c.is_uppercase() {
                bits |= 16;
            }
            first_latin = false;
        } else {
            bits |= 8;
        }
    }
    bits
}

fn len_bucket(n: usize) -> u64 {
    match n {
        0..=7 => n as u64,
        8..=9 => 8,
        10..=12 => 9,
        _ => 10,
    }
}

/// Is `c` part of a token's core (not surrounding punctuation)?
#[inline]
fn is_core_char(c: char) -> bool {
    is_arabic_letter(c) || is_arabic_mark(c) || c.is_alphanumeric()
}

/// The proclitic letters the segmenter may split off.
fn is_proclitic(seg: &str) -> bool {
    matches!(seg, "و" | "ف" | "ب" | "ل" | "ك" | "س")
}

/// Hashes of the character 4-grams of `^word$` (the first [`MAX_TRIGRAMS`]).
fn quadgrams(word: &str, out: &mut [u64; MAX_TRIGRAMS]) {
    let mut cs = [0u32; 4];
    let mut n = 0;
    let mut k = 0;
    for c in std::iter::once('^').chain(word.chars()).chain(std::iter::once('$')) {
        cs = [cs[1], cs[2], cs[3], c as u32];
        n += 1;
        if n >= 4 && k < MAX_TRIGRAMS {
            let h = cs.iter().fold(0x4_4444_u64, |h, &c| hash::mix(h, u64::from(c)));
            out[k] = hash::nonzero(hash::fin(h));
            k += 1;
        }
    }
}

/// Hashes of the 1–`N` character prefixes and suffixes of `word` shorter than it.
fn affixes<const P: usize, const S: usize>(word: &str, pre: &mut [u64; P], suf: &mut [u64; S]) {
    let n_chars = word.chars().count();
    for (k, (b, c)) in word.char_indices().take(P).enumerate() {
        if n_chars > k + 1 {
            pre[k] = hash::bytes(&word.as_bytes()[..b + c.len_utf8()]);
        }
    }
    for (k, (b, _)) in word.char_indices().rev().take(S).enumerate() {
        if n_chars > k + 1 {
            suf[k] = hash::bytes(&word.as_bytes()[b..]);
        }
    }
}

/// Hashes of the character trigrams of `^word$` (the first [`MAX_TRIGRAMS`]).
fn trigrams(word: &str, out: &mut [u64; MAX_TRIGRAMS]) {
    let mut cs = [0u32; 3];
    let mut n = 0;
    let mut k = 0;
    for c in std::iter::once('^').chain(word.chars()).chain(std::iter::once('$')) {
        cs = [cs[1], cs[2], c as u32];
        n += 1;
        if n >= 3 && k < MAX_TRIGRAMS {
            out[k] =
                hash::nonzero(hash::fin(hash::mix(hash::mix(u64::from(cs[0]), u64::from(cs[1])), u64::from(cs[2]))));
            k += 1;
        }
    }
}

/// Reusable buffers for analysing tokens; no allocation per token once warm.
#[derive(Debug, Default)]
pub struct Analyzer {
    key: String,
    part: String,
    splits: Vec<usize>,
}

impl Analyzer {
    /// Hashes the strings of one token. `seg` is used only when `features` has [`FeatureSet::SEG`].
    pub fn analyze(&mut self, seg: &Segmenter, features: FeatureSet, raw: &str) -> Tok {
        let mut tok = Tok { raw: hash::bytes(raw.as_bytes()), ..Tok::default() };
        let core = raw.trim_matches(|c: char| !is_core_char(c));
        let core = if core.is_empty() { raw } else { core };
        self.key.clear();
        push_match_key(core, &mut self.key);
        if self.key.is_empty() {
            self.key.push_str(core);
        }
        let key = self.key.as_str();
        tok.word = hash::bytes(key.as_bytes());
        // Affixes of 1–4 characters, when the word is longer than the affix.
        let mut n_chars = 0usize;
        let mut ends = [0usize; 4];
        for (i, (b, c)) in key.char_indices().enumerate() {
            if i < 4 {
                ends[i] = b + c.len_utf8();
            }
            n_chars += 1;
        }
        for (k, &end) in ends.iter().enumerate() {
            if n_chars > k + 1 {
                tok.pre[k] = hash::bytes(&key.as_bytes()[..end]);
            }
        }
        let mut starts = key.char_indices().rev().map(|(b, _)| b);
        for k in 0..4 {
            let Some(b) = starts.next() else { break };
            if n_chars > k + 1 {
                tok.suf[k] = hash::bytes(&key.as_bytes()[b..]);
            }
        }
        tok.shape = shape(core);
        tok.len = len_bucket(n_chars);
        let arabic = tok.shape & !32 == 1;

        if features.has(FeatureSet::SEG) {
            let (mut proc_end, mut enc_start) = (0, core.len());
            if arabic {
                seg.split_points(core, &mut self.splits);
                // Leading one-letter proclitic segments, then the stem up to the next split (an enclitic).
                for &b in &self.splits {
                    if b <= proc_end || b >= core.len() || !core.is_char_boundary(b) {
                        continue;
                    }
                    self.part.clear();
                    push_match_key(&core[proc_end..b], &mut self.part);
                    if is_proclitic(&self.part) {
                        proc_end = b;
                        continue;
                    }
                    enc_start = b;
                    break;
                }
            }
            self.part.clear();
            push_match_key(&core[..proc_end], &mut self.part);
            if !self.part.is_empty() {
                tok.proc = hash::bytes(self.part.as_bytes());
            }
            self.part.clear();
            push_match_key(&core[enc_start..], &mut self.part);
            if !self.part.is_empty() {
                tok.enc = hash::bytes(self.part.as_bytes());
            }
            self.part.clear();
            push_match_key(&core[proc_end..enc_start], &mut self.part);
            let stem = if self.part.is_empty() { key } else { self.part.as_str() };
            tok.stem = hash::bytes(stem.as_bytes());
            if features.has(FeatureSet::CHAR3) && arabic {
                trigrams(stem, &mut tok.tri);
            }
            if features.has(FeatureSet::CHAR4) && arabic {
                quadgrams(stem, &mut tok.quad);
            }
            let mut base = stem;
            if let Some(b) = stem.strip_prefix("ال") {
                if b.chars().nth(1).is_some() {
                    tok.al = true;
                    tok.base = hash::bytes(b.as_bytes());
                    base = b;
                }
            }
            if features.has(FeatureSet::SAFFIX) && arabic {
                affixes(base, &mut tok.bpre, &mut tok.bsuf);
            }
        }

        if features.has(FeatureSet::HSTEM) && arabic {
            let key = self.key.as_str();
            let mut s = key;
            if let Some(r) = s.strip_prefix('و').or_else(|| s.strip_prefix('ف')) {
                if r.chars().nth(2).is_some() {
                    s = r;
                }
            }
            // بال كال وال فال → ال; لل → ال (the article's alef is not written after ل).
            let mut buf_used = false;
            for p in ["بال", "كال", "وال", "فال"] {
                if s.starts_with(p) && s.len() > p.len() + 2 {
                    s = &s[p.len() - "ال".len()..];
                    break;
                }
            }
            if s.starts_with("لل") && s.chars().nth(3).is_some() {
                self.part.clear();
                self.part.push('ا');
                self.part.push_str(&s["ل".len()..]);
                buf_used = true;
            }
            let s = if buf_used { self.part.as_str() } else { s };
            if s != key {
                tok.hstem = hash::bytes(s.as_bytes());
            }
            if let Some(base) = s.strip_prefix("ال") {
                if base.chars().nth(1).is_some() {
                    tok.hbase = hash::bytes(base.as_bytes());
                    tok.al = true;
                }
            }
        }
        tok
    }
}

/// The parts of a token's features. A token's full feature set is: its [`Part::SelfIdent`] and
/// [`Part::SelfRest`] features, the [`Part::Left`] features of the token before it (or of the sentence
/// start), [`Part::Right`] of the token after it, [`Part::Left2`] / [`Part::Right2`] of the tokens two
/// before / after, and its [`push_pair_features`]. All but the last depend on one token only, so the tagger
/// can sum their weights once per word type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The token's identity: word, raw form, stems.
    SelfIdent,
    /// The token's affixes, shape, length, article, clitics, and the bias.
    SelfRest,
    /// What the token says about the token after it.
    Left,
    /// What the token says about the token before it.
    Right,
    /// What the token says about the token two after it.
    Left2,
    /// What the token says about the token two before it.
    Right2,
}

/// Appends the features of `part` of token `tok` (`None`: the sentence edge, for the neighbour parts).
pub fn push_part(tok: Option<&Tok>, part: Part, features: FeatureSet, out: &mut Vec<u64>) {
    use hash::feature as f;
    let word = |edge: u64| tok.map_or(edge, |t| t.word);
    let stem = |edge: u64| tok.map_or(edge, |t| if t.stem != 0 { t.stem } else { t.word });
    match part {
        Part::SelfIdent => {
            let Some(tok) = tok else { return };
            out.push(f(t::W, tok.word, 0));
            if features.has(FeatureSet::RAW) {
                out.push(f(t::RAW, tok.raw, 0));
            }
            if features.has(FeatureSet::SEG) {
                out.push(f(t::STEM, tok.stem, 0));
                if tok.base != 0 {
                    out.push(f(t::BASE, tok.base, 0));
                }
            }
            if features.has(FeatureSet::HSTEM) {
                if tok.hstem != 0 {
                    out.push(f(t::HSTEM, tok.hstem, 0));
                }
                if tok.hbase != 0 {
                    out.push(f(t::HBASE, tok.hbase, 0));
                }
            }
        }
        Part::SelfRest => {
            let Some(tok) = tok else { return };
            out.push(f(t::BIAS, 1, 0));
            for k in 0..4 {
                if tok.pre[k] != 0 {
                    out.push(f(t::PRE + k as u64, tok.pre[k], 0));
                }
                if tok.suf[k] != 0 {
                    out.push(f(t::SUF + k as u64, tok.suf[k], 0));
                }
            }
            out.push(f(t::SHAPE, tok.shape, 0));
            out.push(f(t::LEN, tok.len, 0));
            if tok.al {
                out.push(f(t::AL, 1, 0));
            }
            if features.has(FeatureSet::CHAR3) {
                out.extend(tok.tri.iter().filter(|&&h| h != 0).map(|&h| f(t::CHAR3, h, 0)));
            }
            if features.has(FeatureSet::CHAR4) {
                out.extend(tok.quad.iter().filter(|&&h| h != 0).map(|&h| f(t::CHAR4, h, 0)));
            }
            if features.has(FeatureSet::SAFFIX) {
                for (k, &h) in tok.bpre.iter().enumerate().filter(|(_, &h)| h != 0) {
                    out.push(f(t::BPRE + k as u64, h, 0));
                }
                for (k, &h) in tok.bsuf.iter().enumerate().filter(|(_, &h)| h != 0) {
                    out.push(f(t::BSUF + k as u64, h, 0));
                }
            }
            if features.has(FeatureSet::SEG) {
                if tok.proc != 0 {
                    out.push(f(t::PROC, tok.proc, 0));
                }
                if tok.enc != 0 {
                    out.push(f(t::ENC, tok.enc, 0));
                }
            }
        }
        Part::Left => {
            out.push(f(t::W_M1, word(BOS), 0));
            if features.has(FeatureSet::SEG) {
                out.push(f(t::STEM_M1, stem(BOS), 0));
            }
            if features.has(FeatureSet::HSTEM) {
                if let Some(t) = tok.filter(|t| t.hbase != 0) {
                    out.push(f(t::HBASE_M1, t.hbase, 0));
                }
            }
            if features.has(FeatureSet::AFFIX_CTX) {
                out.push(f(t::SUF2_M1, tok.map_or(BOS, |t| t.suf[1]), 0));
            }
        }
        Part::Right => {
            out.push(f(t::W_P1, word(EOS), 0));
            if features.has(FeatureSet::SEG) {
                out.push(f(t::STEM_P1, stem(EOS), 0));
                if let Some(t) = tok {
                    out.push(f(t::PROC_P1, t.proc, 0));
                }
            }
            if features.has(FeatureSet::HSTEM) {
                if let Some(t) = tok.filter(|t| t.hbase != 0) {
                    out.push(f(t::HBASE_P1, t.hbase, 0));
                }
            }
            if features.has(FeatureSet::AFFIX_CTX) {
                out.push(f(t::SUF2_P1, tok.map_or(EOS, |t| t.suf[1]), 0));
                out.push(f(t::PRE2_P1, tok.map_or(EOS, |t| t.pre[1]), 0));
            }
        }
        Part::Left2 => {
            if features.has(FeatureSet::CTX2) {
                out.push(f(t::W_M2, word(BOS), 0));
                if features.has(FeatureSet::SEG) {
                    out.push(f(t::STEM_M2, stem(BOS), 0));
                }
            }
        }
        Part::Right2 => {
            if features.has(FeatureSet::CTX2) {
                out.push(f(t::W_P2, word(EOS), 0));
                if features.has(FeatureSet::SEG) {
                    out.push(f(t::STEM_P2, stem(EOS), 0));
                }
            }
        }
    }
}

/// The three token hashes that [`push_pair_features`] reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PairKey {
    /// [`Tok::word`].
    pub word: u64,
    /// [`Tok::stem`] (or the word when there is no stem).
    pub stem: u64,
    /// [`Tok::shape`].
    pub shape: u64,
}

impl From<&Tok> for PairKey {
    fn from(t: &Tok) -> PairKey {
        PairKey { word: t.word, stem: if t.stem != 0 { t.stem } else { t.word }, shape: t.shape }
    }
}

/// Appends the features of token `i` that combine it with a neighbour (bigrams, the shape triple), the
/// sentence-start flag, and the caller's extra features of tokens `i - 1`, `i`, `i + 1`. The bigrams come
/// first; returns how many there are (they are identity features for word dropout).
pub fn push_pair_features(
    keys: &[PairKey],
    extra: &[&[&str]],
    i: usize,
    features: FeatureSet,
    out: &mut Vec<u64>,
) -> usize {
    let n_ident = push_pair_core(keys, i, features, out);
    let xs = |j: Option<usize>| -> &[&str] { j.and_then(|j| extra.get(j)).copied().unwrap_or(&[]) };
    let far = features.has(FeatureSet::XCTX2);
    let near = [(t::X, Some(i)), (t::X_M1, i.checked_sub(1)), (t::X_P1, Some(i + 1))];
    let two = [(t::X_M2, i.checked_sub(2).filter(|_| far)), (t::X_P2, Some(i + 2).filter(|_| far))];
    for (t, j) in near.into_iter().chain(two) {
        for x in xs(j) {
            out.push(hash::feature(t, hash::bytes(x.as_bytes()), 0));
        }
    }
    n_ident
}

/// The hashes of the features that the extra features of one token (their strings hashed with
/// [`hash::bytes`]) give to that token, to the token after it, to the token before it, to the token two
/// after it and to the token two before it, in that order (the [`push_pair_features`] templates; the last
/// two only with [`FeatureSet::XCTX2`]).
pub fn push_extra_features(extra_hashes: &[u64], out: &mut [Vec<u64>; 5]) {
    for (o, t) in out.iter_mut().zip([t::X, t::X_M1, t::X_P1, t::X_M2, t::X_P2]) {
        o.clear();
        o.extend(extra_hashes.iter().map(|&h| hash::feature(t, h, 0)));
    }
}

/// [`push_pair_features`] without the extra features; returns the number of identity features.
pub fn push_pair_core(keys: &[PairKey], i: usize, features: FeatureSet, out: &mut Vec<u64>) -> usize {
    use hash::feature as f;
    let start = out.len();
    let k = keys[i];
    let m1 = i.checked_sub(1).map(|j| keys[j]);
    let p1 = keys.get(i + 1).copied();
    if features.has(FeatureSet::BIGRAMS) {
        out.push(f(t::BI_M1, m1.map_or(BOS, |t| t.word), k.word));
        out.push(f(t::BI_P1, k.word, p1.map_or(EOS, |t| t.word)));
        if features.has(FeatureSet::SEG) {
            out.push(f(t::SBI_M1, m1.map_or(BOS, |t| t.stem), k.stem));
            out.push(f(t::SBI_P1, k.stem, p1.map_or(EOS, |t| t.stem)));
        }
    }
    if features.has(FeatureSet::TRIGRAM) {
        out.push(f(t::TRI, hash::mix(m1.map_or(BOS, |t| t.word), k.word), p1.map_or(EOS, |t| t.word)));
    }
    let n_ident = out.len() - start;
    if i == 0 {
        out.push(f(t::FIRST, 1, 0));
    }
    if features.has(FeatureSet::SHAPE_CTX) {
        out.push(f(t::SHAPE3, hash::mix(m1.map_or(99, |t| t.shape), k.shape), p1.map_or(99, |t| t.shape)));
    }
    if features.has(FeatureSet::CTXBI) {
        let m2 = i.checked_sub(2).map_or(BOS, |j| keys[j].stem);
        let p2 = keys.get(i + 2).map_or(EOS, |t| t.stem);
        out.push(f(t::CBI_M, m2, m1.map_or(BOS, |t| t.stem)));
        out.push(f(t::CBI_P, p1.map_or(EOS, |t| t.stem), p2));
    }
    n_ident
}

/// Appends all the feature hashes of token `i` of `toks` to `out` (`keys[j]` is `PairKey::from(&toks[j])`).
/// `extra` holds the caller's per-token extra features (may be empty, or shorter than the sentence). Returns
/// how many of the appended features, at the start, depend on the token's own identity (its word, stem, and
/// the n-grams with them): training drops those at random to learn how to tag words it has never seen.
pub fn push_features(
    toks: &[Tok],
    keys: &[PairKey],
    extra: &[&[&str]],
    i: usize,
    features: FeatureSet,
    out: &mut Vec<u64>,
) -> usize {
    let start = out.len();
    push_part(Some(&toks[i]), Part::SelfIdent, features, out);
    // Bigrams (identity) come right after; the rest of the pair features follow them.
    let mut pair = Vec::new();
    let n_pair_ident = push_pair_features(keys, extra, i, features, &mut pair);
    out.extend_from_slice(&pair[..n_pair_ident]);
    let n_ident = out.len() - start;
    push_part(Some(&toks[i]), Part::SelfRest, features, out);
    push_part(i.checked_sub(1).map(|j| &toks[j]), Part::Left, features, out);
    push_part(toks.get(i + 1), Part::Right, features, out);
    push_part(i.checked_sub(2).map(|j| &toks[j]), Part::Left2, features, out);
    push_part(toks.get(i + 2), Part::Right2, features, out);
    out.extend_from_slice(&pair[n_pair_ident..]);
    n_ident
}

/// A sentence's features: `hashes[offsets[i]..offsets[i + 1]]` are token `i`'s.
#[derive(Debug, Default, Clone)]
pub struct SentenceFeatures {
    /// Feature hashes of all tokens, token after token.
    pub hashes: Vec<u64>,
    /// Start of each token's features in `hashes`, plus the end.
    pub offsets: Vec<u32>,
    /// How many of each token's features, at its start, are identity features (see [`push_features`]).
    pub n_ident: Vec<u8>,
    /// How many of each token's features, at its end, come from the caller's extra features.
    pub n_extra: Vec<u16>,
}

/// Reusable state for extracting a sentence's features.
#[derive(Debug, Default)]
pub struct Extractor {
    analyzer: Analyzer,
    toks: Vec<Tok>,
    keys: Vec<PairKey>,
}

impl Extractor {
    /// Extracts the features of `words` (with optional per-token `extra` features) into `out`.
    pub fn extract<S: AsRef<str>>(
        &mut self,
        seg: &Segmenter,
        features: FeatureSet,
        words: &[S],
        extra: &[&[&str]],
        out: &mut SentenceFeatures,
    ) {
        self.toks.clear();
        for w in words {
            let tok = self.analyzer.analyze(seg, features, w.as_ref());
            self.toks.push(tok);
        }
        self.keys.clear();
        self.keys.extend(self.toks.iter().map(PairKey::from));
        out.hashes.clear();
        out.offsets.clear();
        out.n_ident.clear();
        out.n_extra.clear();
        for i in 0..words.len() {
            out.offsets.push(out.hashes.len() as u32);
            let n = push_features(&self.toks, &self.keys, extra, i, features, &mut out.hashes);
            out.n_ident.push(n.min(255) as u8);
            let n_x = |j: Option<usize>| j.and_then(|j| extra.get(j)).map_or(0, |x| x.len());
            let mut n = n_x(Some(i)) + n_x(i.checked_sub(1)) + n_x(Some(i + 1));
            if features.has(FeatureSet::XCTX2) {
                n += n_x(i.checked_sub(2)) + n_x(Some(i + 2));
            }
            out.n_extra.push(n as u16);
        }
        out.offsets.push(out.hashes.len() as u32);
    }

    /// The analysed tokens of the last sentence.
    pub fn toks(&self) -> &[Tok] {
        &self.toks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hadath_text::clitics::SegLexicon;

    fn seg() -> Segmenter {
        Segmenter::new(SegLexicon::from_tsv("").unwrap())
    }

    #[test]
    fn hashing_is_stable() {
        // The model format depends on these values: they must never change.
        assert_eq!(hash::bytes(b""), 0xcee3_80d7_532c_4ee4);
        assert_eq!(hash::bytes("باريس".as_bytes()), 0x84b2_7308_d62c_f5a1);
        assert_eq!(hash::feature(2, 3, 4), 0x0e0f_bdff_ae60_c44a);
        assert_ne!(hash::bytes(b"a"), hash::bytes(b"b"));
        assert_ne!(hash::bytes(b"abcdefgh"), hash::bytes(b"abcdefgh\0"));
        assert_ne!(hash::feature(1, 2, 3), hash::feature(1, 3, 2));
        assert_ne!(hash::feature(t::W_M1, 7, 0), hash::feature(t::W_P1, 7, 0));
    }

    #[test]
    fn match_form_and_punctuation_do_not_change_the_word() {
        let (s, mut a) = (seg(), Analyzer::default());
        let fs = FeatureSet::DEFAULT;
        let x = a.analyze(&s, fs, "إيمانويل");
        let y = a.analyze(&s, fs, "(ايمانويل»");
        assert_eq!(x.word, y.word);
        assert_ne!(x.raw, y.raw);
        assert_eq!(x.pre, y.pre);
        assert_eq!(x.suf, y.suf);
        assert_eq!(x.shape, 1);
        assert_eq!(a.analyze(&s, fs, "ماكرونَ").word, a.analyze(&s, fs, "ماكرون").word);
    }

    #[test]
    fn affixes_shape_and_length() {
        let (s, mut a) = (seg(), Analyzer::default());
        let fs = FeatureSet::DEFAULT;
        let t = a.analyze(&s, fs, "باريس");
        assert_eq!(t.pre[0], hash::bytes("ب".as_bytes()));
        assert_eq!(t.pre[3], hash::bytes("باري".as_bytes()));
        assert_eq!(t.suf[1], hash::bytes("يس".as_bytes()));
        assert_eq!(t.len, 5);
        // Affixes as long as the word are left out.
        let t = a.analyze(&s, fs, "في");
        assert_ne!(t.pre[0], 0);
        assert_eq!(t.pre[1], 0);
        assert_eq!(shape("NATO"), 2 | 16);
        assert_eq!(shape("2011"), 4);
        assert_eq!(shape("F-16"), 2 | 4 | 8 | 16);
        assert_eq!(shape("،"), 8);
    }

    #[test]
    fn rule_stems() {
        let (s, mut a) = (seg(), Analyzer::default());
        let fs = FeatureSet(FeatureSet::DEFAULT.0 | FeatureSet::HSTEM);
        let h = |w: &str| hash::bytes(w.as_bytes());
        let t = a.analyze(&s, fs, "والرئيس");
        assert_eq!(t.hstem, h("الرئيس"));
        assert_eq!(t.hbase, h("رئيس"));
        assert!(t.al);
        let t = a.analyze(&s, fs, "بالعراق");
        assert_eq!(t.hstem, h("العراق"));
        assert_eq!(t.hbase, h("عراق"));
        let t = a.analyze(&s, fs, "للأمم");
        assert_eq!(t.hstem, h("الامم"));
        let t = a.analyze(&s, fs, "ماكرون");
        assert_eq!((t.hstem, t.hbase), (0, 0));
        // Too short to strip.
        assert_eq!(a.analyze(&s, fs, "وزن").hstem, 0);
    }

    #[test]
    fn features_of_a_sentence() {
        let s = seg();
        let mut ex = Extractor::default();
        let mut out = SentenceFeatures::default();
        let words = ["التقى", "ماكرون", "في", "باريس"];
        ex.extract(&s, FeatureSet::DEFAULT, &words, &[], &mut out);
        assert_eq!(out.offsets.len(), 5);
        let feats =
            |i: usize, o: &SentenceFeatures| o.hashes[o.offsets[i] as usize..o.offsets[i + 1] as usize].to_vec();
        let f1 = feats(1, &out);
        let w = ex.toks()[1].word;
        assert!(f1.contains(&hash::feature(t::W, w, 0)));
        assert!(f1.contains(&hash::feature(t::W_M1, ex.toks()[0].word, 0)));
        assert!(f1.contains(&hash::feature(t::W_P2, ex.toks()[3].word, 0)));
        assert!(feats(0, &out).contains(&hash::feature(t::W_M1, BOS, 0)));
        assert!(feats(3, &out).contains(&hash::feature(t::W_P1, EOS, 0)));
        // Extra features go into the token's own and its neighbours' sets.
        let none: &[&str] = &[];
        let extra: [&[&str]; 4] = [none, none, none, &["gaz=LOC"]];
        let mut out2 = SentenceFeatures::default();
        ex.extract(&s, FeatureSet::DEFAULT, &words, &extra, &mut out2);
        let g = hash::bytes(b"gaz=LOC");
        assert!(feats(3, &out2).contains(&hash::feature(t::X, g, 0)));
        assert!(feats(2, &out2).contains(&hash::feature(t::X_P1, g, 0)));
        // … and, with XCTX2 (on by default), into those of the tokens two away.
        assert!(feats(1, &out2).contains(&hash::feature(t::X_P2, g, 0)));
        assert_eq!(feats(0, &out2), feats(0, &out));
        let near_only = FeatureSet(FeatureSet::DEFAULT.0 & !FeatureSet::XCTX2);
        ex.extract(&s, near_only, &words, &extra, &mut out2);
        let mut out4 = SentenceFeatures::default();
        ex.extract(&s, near_only, &words, &[], &mut out4);
        assert_eq!(feats(1, &out2), feats(1, &out4));
        // Deterministic.
        let mut out3 = SentenceFeatures::default();
        ex.extract(&s, FeatureSet::DEFAULT, &words, &[], &mut out3);
        assert_eq!(out.hashes, out3.hashes);
    }
}
