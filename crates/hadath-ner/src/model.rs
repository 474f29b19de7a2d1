//! The model: its file format, the weight table and the tagger.
//!
//! # File format (version 1), all integers little-endian
//!
//! | bytes | field |
//! |---|---|
//! | 8 | magic `HADNER\0\x1a` |
//! | 4 | u32 format version (1) |
//! | 4 | u32 feature version ([`crate::features::FEATURE_VERSION`]) |
//! | 4 | u32 feature set ([`FeatureSet`] bits) |
//! | 4 | u32 number of labels (17: O, then B, I, L, U of PERS, LOC, ORG, MISC; see [`crate::labels`]) |
//! | 8 | u64 fingerprint of the clitic segmenter the model was trained with ([`segmenter_fingerprint`]) |
//! | 4 | f32 scale: a stored weight `q` means `q × scale` |
//! | 4 + n | u32 length and UTF-8 text of free-form metadata (training command, data, scores) |
//! | 4 × 18 × 17 | i32 transition weights: row 0 from the sentence start, row 1 + p from label p |
//! | 4 | u32 number of features |
//! | … | per feature, by ascending key: u64 feature hash, u32 mask of the labels with a non-zero weight, then one i16 weight per set bit |
//! | 4 | u32 number of vocabulary words |
//! | … | per word, in byte order: u16 length and the UTF-8 bytes of a training token |
//!
//! The vocabulary only makes tagging faster: at load time the tagger sums, for each vocabulary word, the
//! weights of the features that depend on that word alone (as the token itself and as each neighbour), so
//! a known word costs one lookup instead of thirty. Unknown words are analysed on the fly, with the same
//! result.

use hadath_text::clitics::{SegLexicon, Segmenter};

use crate::features::{
    hash, push_extra_features, push_pair_core, push_part, Analyzer, FeatureSet, PairKey, Part, Tok, FEATURE_VERSION,
};
use crate::labels::{decode, N_LABELS};
use crate::tags::{push_entities, EntitySpan, EntityType, Tag};
use crate::viterbi::{viterbi, Lattice};
use crate::NerError;
use hadath_lexicon::Lexicon;
use hadath_text::tokens::tokenize;
use rustc_hash::FxHashMap;
use std::ops::Range;

/// How many unknown words a [`Tagger`] remembers (it forgets them all when it has seen this many).
const MEMO: usize = 4096;

/// The file magic.
pub const MAGIC: [u8; 8] = *b"HADNER\0\x1a";
/// The file format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// Words whose segmentation makes up the segmenter fingerprint: clitic-bearing words, names that must stay
/// whole, and plain words.
const PROBES: &[&str] = &[
    "والرئيس",
    "بالعراق",
    "للأمم",
    "وقال",
    "فقد",
    "لبنان",
    "باكو",
    "بيريز",
    "فلسطين",
    "كتابه",
    "وزارتها",
    "سيقوم",
    "وبالتالي",
    "لندن",
    "بريطانيا",
    "كوريا",
    "ولبنان",
    "وماكرون",
    "بباريس",
    "لواشنطن",
    "الفرنسي",
    "وزير",
    "فرنسا",
    "بوش",
    "بكين",
    "وليد",
    "فيصل",
    "كمال",
    "سوريا",
    "والسودان",
    "عليهم",
    "منهما",
    "كلينتون",
    "وكالة",
    "بنك",
    "لجنة",
];

/// A fingerprint of how `seg` splits a fixed list of probe words. A model trained with one segmenter and
/// used with another that splits differently sees features it was not trained on: retrain it.
pub fn segmenter_fingerprint(seg: &Segmenter) -> u64 {
    let mut h = 0x5e9_u64;
    let mut points = Vec::new();
    for w in PROBES {
        seg.split_points(w, &mut points);
        h = hash::mix(h, hash::bytes(w.as_bytes()));
        for &p in &points {
            h = hash::mix(h, p as u64 + 1);
        }
        h = hash::mix(h, 0xff);
    }
    hash::fin(h)
}

/// A table slot: the feature hash's high 32 bits (its low bits pick the slot; 0 = empty) and the weights.
#[derive(Clone, Copy)]
#[repr(C)]
struct Slot {
    fp: u32,
    w: [i16; N_LABELS],
}

/// An open-addressing (linear probing) table from feature hash to quantised weights, at most 2/3 full, 24
/// bytes a slot. A slot keeps only the high half of the hash: an unknown feature is mistaken for a known one
/// with probability 2⁻³² per probe, and of two known features whose hashes agree in the high half and probe
/// the same run (a chance of about 10⁻⁵ per model), only the first is kept.
///
/// In front of it, a one-hash Bloom filter of about 8 bits per feature (small enough to stay in the CPU
/// cache) answers most lookups of absent features (unseen bigrams, say) without touching the table.
struct WeightTable {
    slots: Vec<Slot>,
    mask: usize,
    len: usize,
    filter: Vec<u64>,
    filter_mask: usize,
}

impl WeightTable {
    fn with_capacity(n: usize) -> WeightTable {
        let cap = (n.max(8) * 3 / 2).next_power_of_two();
        let bits = (n.max(8) * 8).next_power_of_two().max(1 << 12);
        WeightTable {
            slots: vec![Slot { fp: 0, w: [0; N_LABELS] }; cap],
            mask: cap - 1,
            len: 0,
            filter: vec![0; bits / 64],
            filter_mask: bits - 1,
        }
    }

    /// The filter bit of `key` (from bits of the hash that the slot index does not use).
    #[inline(always)]
    fn bit(&self, key: u64) -> (usize, u64) {
        let b = ((key >> 40) as usize ^ (key >> 17) as usize) & self.filter_mask;
        (b >> 6, 1u64 << (b & 63))
    }

    #[inline(always)]
    fn split(key: u64) -> (usize, u32) {
        let fp = (key >> 32) as u32;
        (key as usize, fp | u32::from(fp == 0))
    }

    fn insert(&mut self, key: u64, w: [i16; N_LABELS]) {
        let (word, bit) = self.bit(key);
        self.filter[word] |= bit;
        let (h, fp) = Self::split(key);
        let mut i = h & self.mask;
        loop {
            let s = &mut self.slots[i];
            if s.fp == 0 {
                *s = Slot { fp, w };
                self.len += 1;
                return;
            }
            if s.fp == fp {
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    #[inline(always)]
    fn get(&self, key: u64) -> Option<&[i16; N_LABELS]> {
        let (word, bit) = self.bit(key);
        if self.filter[word] & bit == 0 {
            return None;
        }
        let (h, fp) = Self::split(key);
        let mut i = h & self.mask;
        loop {
            let s = &self.slots[i];
            if s.fp == fp {
                return Some(&s.w);
            }
            if s.fp == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// The parsed model file (without a segmenter).
pub(crate) struct Core {
    features: FeatureSet,
    scale: f32,
    trans: [[i32; N_LABELS]; N_LABELS + 1],
    table: WeightTable,
    seg_fingerprint: u64,
    meta: String,
    words: Vec<String>,
}

/// Weight sums of one word's single-token features: `sums[0]` as the token itself, `sums[1]` as the token
/// before, `sums[2]` after, `sums[3]` two before, `sums[4]` two after (see [`Part`]).
#[derive(Clone, Copy)]
struct Entry {
    key: PairKey,
    sums: [[i32; N_LABELS]; 5],
}

/// Precomputed [`Entry`]s of the vocabulary, by hash of the raw token, and the sentence edge's.
pub(crate) struct WordCache {
    slots: Vec<(u64, u32)>,
    mask: usize,
    entries: Vec<Entry>,
}

impl WordCache {
    fn build(core: &Core, seg: &Segmenter) -> WordCache {
        let cap = (core.words.len().max(4) * 2).next_power_of_two();
        let mut cache =
            WordCache { slots: vec![(0, 0); cap], mask: cap - 1, entries: Vec::with_capacity(core.words.len()) };
        let mut analyzer = Analyzer::default();
        let mut buf = Vec::new();
        for w in &core.words {
            let tok = analyzer.analyze(seg, core.features, w);
            let mut i = (tok.raw as usize) & cache.mask;
            while cache.slots[i].0 != 0 && cache.slots[i].0 != tok.raw {
                i = (i + 1) & cache.mask;
            }
            if cache.slots[i].0 == 0 {
                cache.slots[i] = (tok.raw, cache.entries.len() as u32);
                cache.entries.push(core.entry(Some(&tok), &mut buf));
            }
        }
        cache
    }

    /// The index in `entries` of the word with raw-token hash `raw`.
    #[inline]
    fn index(&self, raw: u64) -> Option<u32> {
        let mut i = (raw as usize) & self.mask;
        loop {
            let (k, v) = self.slots[i];
            if k == raw {
                return Some(v);
            }
            if k == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// A trained NER model with its clitic segmenter. Immutable, `Send + Sync`: load once, share, and tag with
/// a [`Tagger`] per thread (or the allocating convenience methods).
pub struct NerModel {
    core: Core,
    segmenter: Segmenter,
    cache: WordCache,
}

impl std::fmt::Debug for NerModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NerModel")
            .field("features", &self.core.features.names())
            .field("weights", &self.core.table.len)
            .field("scale", &self.core.scale)
            .finish_non_exhaustive()
    }
}

/// The clitic segmenter built from the embedded lexicon file, without loading the rest of the lexicon.
pub fn embedded_segmenter() -> Result<Segmenter, NerError> {
    const SEG: &str = "data/lexicon/seg-stems.tsv";
    let text = hadath_lexicon::FILES
        .iter()
        .find(|(p, _)| *p == SEG)
        .map(|(_, t)| *t)
        .ok_or_else(|| NerError::Lexicon(format!("{SEG} is not embedded")))?;
    let lex = SegLexicon::from_tsv(text).map_err(|e| NerError::Lexicon(format!("{SEG}: {e}")))?;
    Ok(Segmenter::new(lex))
}

/// The model file embedded in the binary (`data/models/ner.ap`).
pub static EMBEDDED: &[u8] = include_bytes!("../../../data/models/ner.ap");

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], NerError> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.b.len()).ok_or_else(|| {
            NerError::Format(format!("truncated at byte {} (wanted {n} more of {})", self.pos, self.b.len()))
        })?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u16(&mut self) -> Result<u16, NerError> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().expect("2 bytes")))
    }
    fn u32(&mut self) -> Result<u32, NerError> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4 bytes")))
    }
    fn u64(&mut self) -> Result<u64, NerError> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8 bytes")))
    }
}

/// The parts of a model, as written to a file.
pub(crate) struct ModelParts<'a> {
    pub features: FeatureSet,
    pub seg_fingerprint: u64,
    pub scale: f32,
    pub meta: &'a str,
    pub trans: [[i32; N_LABELS]; N_LABELS + 1],
    /// Sorted by key, keys unique and non-zero.
    pub weights: Vec<(u64, [i16; N_LABELS])>,
    /// Sorted, unique.
    pub words: Vec<String>,
}

/// Serialises a model (see the module documentation for the format).
pub(crate) fn write_model(p: &ModelParts<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + p.meta.len() + p.weights.len() * 16);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&FEATURE_VERSION.to_le_bytes());
    out.extend_from_slice(&p.features.0.to_le_bytes());
    out.extend_from_slice(&(N_LABELS as u32).to_le_bytes());
    out.extend_from_slice(&p.seg_fingerprint.to_le_bytes());
    out.extend_from_slice(&p.scale.to_le_bytes());
    out.extend_from_slice(&(p.meta.len() as u32).to_le_bytes());
    out.extend_from_slice(p.meta.as_bytes());
    // Row 0 of the file is the start row (row N_LABELS in memory).
    for row in std::iter::once(&p.trans[N_LABELS]).chain(&p.trans[..N_LABELS]) {
        for v in row {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out.extend_from_slice(&(p.weights.len() as u32).to_le_bytes());
    for (key, w) in &p.weights {
        out.extend_from_slice(&key.to_le_bytes());
        let mask = w.iter().enumerate().filter(|(_, v)| **v != 0).fold(0u32, |m, (i, _)| m | 1 << i);
        out.extend_from_slice(&mask.to_le_bytes());
        for v in w.iter().filter(|v| **v != 0) {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    let words: Vec<&String> = p.words.iter().filter(|w| w.len() <= usize::from(u16::MAX)).collect();
    out.extend_from_slice(&(words.len() as u32).to_le_bytes());
    for w in words {
        out.extend_from_slice(&(w.len() as u16).to_le_bytes());
        out.extend_from_slice(w.as_bytes());
    }
    out
}

impl NerModel {
    /// Loads the model embedded in the binary, with the embedded clitic segmenter (the one
    /// `hadath_lexicon::Lexicon::embedded()` builds, from `data/lexicon/seg-stems.tsv`).
    pub fn embedded() -> Result<NerModel, NerError> {
        NerModel::from_bytes(EMBEDDED, embedded_segmenter()?)
    }

    /// Loads a model from the bytes of a model file, to be used with `segmenter` (the one it was trained
    /// with; see [`NerModel::segmenter_is_current`]).
    pub fn from_bytes(bytes: &[u8], segmenter: Segmenter) -> Result<NerModel, NerError> {
        let core = Core::parse(bytes)?;
        let cache = WordCache::build(&core, &segmenter);
        Ok(NerModel { core, segmenter, cache })
    }

    /// The feature groups the model uses.
    pub fn feature_set(&self) -> FeatureSet {
        self.core.features
    }

    /// Number of features with weights.
    pub fn num_features(&self) -> usize {
        self.core.table.len
    }

    /// The metadata written at training time (training command, data, scores).
    pub fn metadata(&self) -> &str {
        &self.core.meta
    }

    /// The clitic segmenter the model extracts stem features with.
    pub fn segmenter(&self) -> &Segmenter {
        &self.segmenter
    }

    /// Does the segmenter split the probe words as the one the model was trained with did? When it does not
    /// (the segmenter or its lexicon changed), the model still works but should be retrained.
    pub fn segmenter_is_current(&self) -> bool {
        segmenter_fingerprint(&self.segmenter) == self.core.seg_fingerprint
    }

    /// A tagger with its own scratch buffers, for tagging many sentences without allocating.
    pub fn tagger(&self) -> Tagger<'_> {
        self.core.tagger(&self.segmenter, Some(&self.cache))
    }

    /// A tagger that starts with what an earlier tagger of this model remembered ([`Tagger::into_memo`]):
    /// the unknown words it analysed and the extra-feature sets it summed, so a caller tagging document
    /// after document does not analyse the same words again. The tags are the same as [`NerModel::tagger`]'s
    /// (the memo only saves work); a memo from another model is ignored.
    pub fn tagger_with(&self, memo: TaggerMemo) -> Tagger<'_> {
        let mut t = self.tagger();
        if memo.model == t.core as *const Core as usize {
            (t.oov, t.memo, t.xmemo, t.xsums) = (memo.oov, memo.memo, memo.xmemo, memo.xsums);
        }
        t
    }

    /// Tags one sentence (allocates scratch buffers; use a [`Tagger`] for many sentences). `extra[i]` holds
    /// caller-supplied features of token `i` (such as `gaz=LOC` from a gazetteer match); pass `&[]` for none.
    pub fn tag<S: AsRef<str>>(&self, words: &[S], extra: &[&[&str]]) -> Vec<Tag> {
        self.tagger().tag(words, extra).to_vec()
    }

    /// The entities of one sentence: token ranges and types (see [`NerModel::tag`]).
    pub fn entities<S: AsRef<str>>(&self, words: &[S], extra: &[&[&str]]) -> Vec<EntitySpan> {
        let mut out = Vec::new();
        self.tagger().entities(words, extra, &mut out);
        out
    }
}

impl Core {
    pub(crate) fn parse(bytes: &[u8]) -> Result<Core, NerError> {
        if bytes.is_empty() {
            return Err(NerError::Format("empty model file (train one with `hadath train ner`)".into()));
        }
        let mut r = Reader { b: bytes, pos: 0 };
        if r.take(8)? != MAGIC {
            return Err(NerError::Format("not a hadath NER model (bad magic)".into()));
        }
        let version = r.u32()?;
        if version != FORMAT_VERSION {
            return Err(NerError::Format(format!("model format {version}, this build reads {FORMAT_VERSION}")));
        }
        let fv = r.u32()?;
        if fv != FEATURE_VERSION {
            return Err(NerError::Format(format!(
                "model uses feature version {fv}, this build extracts version {FEATURE_VERSION}: retrain it"
            )));
        }
        let features = FeatureSet(r.u32()?);
        let n_tags = r.u32()?;
        if n_tags as usize != N_LABELS {
            return Err(NerError::Format(format!("model has {n_tags} labels, expected {N_LABELS}")));
        }
        let seg_fingerprint = r.u64()?;
        let scale = f32::from_le_bytes(r.take(4)?.try_into().expect("4 bytes"));
        if !scale.is_finite() || scale <= 0.0 {
            return Err(NerError::Format(format!("bad weight scale {scale}")));
        }
        let meta_len = r.u32()? as usize;
        let meta = std::str::from_utf8(r.take(meta_len)?)
            .map_err(|_| NerError::Format("metadata is not UTF-8".into()))?
            .to_string();
        let mut trans = [[0i32; N_LABELS]; N_LABELS + 1];
        for row in 0..=N_LABELS {
            let dst = if row == 0 { N_LABELS } else { row - 1 };
            for v in trans[dst].iter_mut() {
                *v = r.u32()? as i32;
            }
        }
        let n = r.u32()? as usize;
        if n > bytes.len() / 10 {
            return Err(NerError::Format(format!("{n} features cannot fit in {} bytes", bytes.len())));
        }
        let mut table = WeightTable::with_capacity(n);
        let mut last = 0u64;
        for _ in 0..n {
            let key = r.u64()?;
            let mask = r.u32()?;
            if key <= last || mask >> N_LABELS != 0 {
                return Err(NerError::Format(format!("bad or unsorted feature entry at byte {}", r.pos - 12)));
            }
            last = key;
            let mut w = [0i16; N_LABELS];
            for (t, v) in w.iter_mut().enumerate() {
                if mask & (1 << t) != 0 {
                    *v = r.u16()? as i16;
                }
            }
            table.insert(key, w);
        }
        let n_words = r.u32()? as usize;
        if n_words > bytes.len() / 2 {
            return Err(NerError::Format(format!("{n_words} words cannot fit in {} bytes", bytes.len())));
        }
        let mut words = Vec::with_capacity(n_words);
        for _ in 0..n_words {
            let len = r.u16()? as usize;
            let w = std::str::from_utf8(r.take(len)?)
                .map_err(|_| NerError::Format(format!("vocabulary word at byte {} is not UTF-8", r.pos - len)))?;
            words.push(w.to_string());
        }
        if r.pos != bytes.len() {
            return Err(NerError::Format(format!("{} trailing bytes", bytes.len() - r.pos)));
        }
        Ok(Core { features, scale, trans, table, seg_fingerprint, meta, words })
    }

    /// A tagger; without a cache every word is analysed on the fly (same tags, slower).
    pub(crate) fn tagger<'m>(&'m self, segmenter: &'m Segmenter, cache: Option<&'m WordCache>) -> Tagger<'m> {
        Tagger {
            core: self,
            segmenter,
            cache,
            edge: self.entry(None, &mut Vec::new()),
            analyzer: Analyzer::default(),
            refs: Vec::new(),
            oov: Vec::new(),
            memo: FxHashMap::default(),
            keys: Vec::new(),
            xset: Vec::new(),
            xmemo: FxHashMap::default(),
            xsums: Vec::new(),
            xbuf: Default::default(),
            buf: Vec::new(),
            emission: Vec::new(),
            lattice: Lattice::default(),
            idx: Vec::new(),
            tags: Vec::new(),
        }
    }

    /// Adds the weights of `hashes` to `acc`.
    #[inline]
    fn sum(&self, hashes: &[u64], acc: &mut [i32; N_LABELS]) {
        for &h in hashes {
            if let Some(w) = self.table.get(h) {
                for t in 0..N_LABELS {
                    acc[t] += i32::from(w[t]);
                }
            }
        }
    }

    /// The single-token weight sums of `tok` (`None`: the sentence edge).
    fn entry(&self, tok: Option<&Tok>, buf: &mut Vec<u64>) -> Entry {
        let mut e = Entry { key: tok.map(PairKey::from).unwrap_or_default(), sums: [[0; N_LABELS]; 5] };
        let parts: [&[Part]; 5] =
            [&[Part::SelfIdent, Part::SelfRest], &[Part::Left], &[Part::Right], &[Part::Left2], &[Part::Right2]];
        for (k, ps) in parts.iter().enumerate() {
            buf.clear();
            for &p in *ps {
                push_part(tok, p, self.features, buf);
            }
            self.sum(buf, &mut e.sums[k]);
        }
        e
    }
}

/// What a [`Tagger`] remembers between sentences (analysed unknown words, summed extra-feature sets), kept
/// to start the next tagger of the same model with ([`NerModel::tagger_with`]).
#[derive(Default)]
pub struct TaggerMemo {
    /// The address of the model's weights: a memo only fits the model that made it.
    model: usize,
    oov: Vec<Entry>,
    memo: FxHashMap<u64, u32>,
    xmemo: FxHashMap<u64, u32>,
    xsums: Vec<[[i32; N_LABELS]; 5]>,
}

impl std::fmt::Debug for TaggerMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaggerMemo").field("words", &self.oov.len()).field("extra_sets", &self.xsums.len()).finish()
    }
}

/// Tags sentences with a [`NerModel`], reusing its buffers: no allocation per token, and none per sentence
/// once the buffers have grown to the longest sentence.
pub struct Tagger<'m> {
    core: &'m Core,
    segmenter: &'m Segmenter,
    cache: Option<&'m WordCache>,
    edge: Entry,
    analyzer: Analyzer,
    refs: Vec<u32>,
    oov: Vec<Entry>,
    memo: FxHashMap<u64, u32>,
    keys: Vec<PairKey>,
    /// Per token, 1 + the index in `xsums` of the weight sums of its extra features (0: none).
    xset: Vec<u32>,
    /// Weight sums of the features a set of extra features gives to its own token, the token after it and
    /// the token before it (there are few distinct sets: gazetteer and name-word combinations).
    xmemo: FxHashMap<u64, u32>,
    /// The weight sums of the sets of extra features in `xmemo`, by index.
    xsums: Vec<[[i32; N_LABELS]; 5]>,
    xbuf: [Vec<u64>; 5],
    buf: Vec<u64>,
    emission: Vec<[i32; N_LABELS]>,
    lattice: Lattice<i32>,
    idx: Vec<u8>,
    tags: Vec<Tag>,
}

impl std::fmt::Debug for Tagger<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tagger").field("weights", &self.core.table.len).finish_non_exhaustive()
    }
}

impl Tagger<'_> {
    /// Tags one sentence of tokens; returns one BIO tag per token. `extra[i]` holds caller-supplied features of
    /// token `i` (`&[]`, or a shorter slice, for none). The tags always form valid BIO sequences.
    pub fn tag<S: AsRef<str>>(&mut self, words: &[S], extra: &[&[&str]]) -> &[Tag] {
        let m = self.core;
        // Each token's entry: an index into the vocabulary cache, or (high bit set) into `oov`, where unknown
        // words are analysed once and remembered (up to MEMO of them; forgotten between sentences when full).
        const OOV: u32 = 1 << 31;
        if self.oov.len() >= MEMO {
            self.oov.clear();
            self.memo.clear();
        }
        self.refs.clear();
        self.keys.clear();
        for w in words {
            let w = w.as_ref();
            let raw = hash::bytes(w.as_bytes());
            let r = match self.cache.and_then(|c| c.index(raw)) {
                Some(k) => {
                    self.keys.push(self.cache.expect("cache").entries[k as usize].key);
                    k
                }
                None => {
                    let k = match self.memo.get(&raw) {
                        Some(&k) => k,
                        None => {
                            let tok = self.analyzer.analyze(self.segmenter, m.features, w);
                            self.oov.push(m.entry(Some(&tok), &mut self.buf));
                            let k = (self.oov.len() - 1) as u32;
                            self.memo.insert(raw, k);
                            k
                        }
                    };
                    self.keys.push(self.oov[k as usize].key);
                    OOV | k
                }
            };
            self.refs.push(r);
        }
        let cached: &[Entry] = self.cache.map_or(&[], |c| &c.entries);
        let (oov, refs, edge) = (&self.oov, &self.refs, &self.edge);
        let entry = |j: usize| -> &Entry {
            let r = refs[j];
            if r & OOV != 0 {
                &oov[(r & !OOV) as usize]
            } else {
                &cached[r as usize]
            }
        };
        if self.xmemo.len() >= MEMO {
            self.xmemo.clear();
            self.xsums.clear();
        }
        self.xset.clear();
        for i in 0..words.len() {
            let x = extra.get(i).copied().unwrap_or(&[]);
            if x.is_empty() {
                self.xset.push(0);
                continue;
            }
            self.buf.clear();
            self.buf.extend(x.iter().map(|s| hash::bytes(s.as_bytes())));
            let key = hash::nonzero(hash::fin(self.buf.iter().fold(x.len() as u64, |h, &v| hash::mix(h, v))));
            let k = match self.xmemo.get(&key) {
                Some(&k) => k,
                None => {
                    push_extra_features(&self.buf, &mut self.xbuf);
                    let mut sums = [[0i32; N_LABELS]; 5];
                    for (s, b) in sums.iter_mut().zip(&self.xbuf) {
                        m.sum(b, s);
                    }
                    self.xsums.push(sums);
                    let k = self.xsums.len() as u32;
                    self.xmemo.insert(key, k);
                    k
                }
            };
            self.xset.push(k);
        }
        self.emission.clear();
        let n = words.len();
        for i in 0..n {
            let mut acc = entry(i).sums[0];
            let near = |j: Option<usize>, k: usize| j.filter(|&j| j < n).map_or(&edge.sums[k], |j| &entry(j).sums[k]);
            let parts =
                [near(i.checked_sub(1), 1), near(Some(i + 1), 2), near(i.checked_sub(2), 3), near(Some(i + 2), 4)];
            for p in parts {
                for t in 0..N_LABELS {
                    acc[t] += p[t];
                }
            }
            self.buf.clear();
            push_pair_core(&self.keys, i, m.features, &mut self.buf);
            m.sum(&self.buf, &mut acc);
            // Extra features: the token's own (as X), the previous token's (as X_M1), the next one's (X_P1),
            // and with XCTX2 those of the tokens two before and two after.
            let far = m.features.has(FeatureSet::XCTX2);
            let near = [(Some(i), 0), (i.checked_sub(1), 1), (Some(i + 1), 2)];
            let two = [(i.checked_sub(2).filter(|_| far), 3), (Some(i + 2).filter(|_| far), 4)];
            for (j, k) in near.into_iter().chain(two) {
                if let Some(&x) = j.and_then(|j| self.xset.get(j)).filter(|&&x| x != 0) {
                    let w = &self.xsums[x as usize - 1][k];
                    for t in 0..N_LABELS {
                        acc[t] += w[t];
                    }
                }
            }
            self.emission.push(acc);
        }
        viterbi(&self.emission, &m.trans, i32::MIN / 4, &mut self.lattice, &mut self.idx);
        decode(&self.idx, &mut self.tags);
        &self.tags
    }

    /// What this tagger remembers, for the next tagger of the same model ([`NerModel::tagger_with`]).
    pub fn into_memo(self) -> TaggerMemo {
        TaggerMemo {
            model: self.core as *const Core as usize,
            oov: self.oov,
            memo: self.memo,
            xmemo: self.xmemo,
            xsums: self.xsums,
        }
    }

    /// Tags one sentence and appends its entities (token ranges and types) to `out`.
    pub fn entities<S: AsRef<str>>(&mut self, words: &[S], extra: &[&[&str]], out: &mut Vec<EntitySpan>) {
        self.tag(words, extra);
        push_entities(&self.tags, out);
    }

    /// Tokenises `text` (one sentence, as [`hadath_text::tokens::tokenize`] does), tags it with the lexicon
    /// features of `lex` when the model was trained with them ([`FeatureSet::GAZ`]; pass the embedded
    /// lexicon, `hadath_lexicon::Lexicon::embedded()`, the one training used), and appends the entities'
    /// byte ranges in `text` and their types to `out`.
    pub fn entities_in_text(&mut self, lex: &Lexicon, text: &str, out: &mut Vec<(Range<usize>, EntityType)>) {
        let spans: Vec<Range<usize>> = tokenize(text).map(|t| t.span).collect();
        let words: Vec<&str> = spans.iter().map(|r| &text[r.clone()]).collect();
        let mut feats = Vec::new();
        if self.core.features.has(FeatureSet::GAZ) {
            lex.ner_features(text, &spans, &mut feats);
        }
        let extra: Vec<&[&str]> = feats.iter().map(Vec::as_slice).collect();
        let mut ents = Vec::new();
        self.entities(&words, &extra, &mut ents);
        out.extend(ents.iter().map(|e| (spans[e.start].start..spans[e.end - 1].end, e.kind)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg() -> Segmenter {
        Segmenter::new(SegLexicon::from_tsv("").unwrap())
    }

    #[test]
    fn write_then_read() {
        let mut trans = [[0i32; N_LABELS]; N_LABELS + 1];
        trans[N_LABELS][1] = 7;
        trans[2][0] = -3;
        let parts = ModelParts {
            features: FeatureSet::DEFAULT,
            seg_fingerprint: segmenter_fingerprint(&seg()),
            scale: 0.5,
            meta: "test",
            trans,
            weights: vec![(5, [0, 1, 0, 0, 0, 0, 0, 0, -2, 0, 0, 0, 0, 0, 0, 0, 4]), (9, [3; N_LABELS])],
            words: vec!["باريس".into(), "ماكرون".into()],
        };
        let bytes = write_model(&parts);
        let model = NerModel::from_bytes(&bytes, seg()).unwrap();
        assert_eq!(model.num_features(), 2);
        assert_eq!(model.metadata(), "test");
        assert!(model.segmenter_is_current());
        let m = &model.core;
        assert_eq!(m.trans, trans);
        assert_eq!(m.table.get(5), Some(&[0, 1, 0, 0, 0, 0, 0, 0, -2, 0, 0, 0, 0, 0, 0, 0, 4]));
        assert_eq!(m.table.get(9), Some(&[3; N_LABELS]));
        assert_eq!(m.table.get(6), None);
        assert_eq!(m.words, vec!["باريس", "ماكرون"]);
        assert_eq!(model.cache.entries.len(), 2);
        // Corruptions are errors, not panics.
        for cut in 0..bytes.len() {
            assert!(NerModel::from_bytes(&bytes[..cut], seg()).is_err());
        }
        let mut bad = bytes.clone();
        bad[0] = b'X';
        assert!(NerModel::from_bytes(&bad, seg()).is_err());
        let mut long = bytes.clone();
        long.push(0);
        assert!(NerModel::from_bytes(&long, seg()).is_err());
    }

    /// A small model trained on a few synthetic sentences.
    fn tiny_model() -> NerModel {
        use crate::corpus::read_conll;
        use crate::train::{train, TrainOptions};
        let text = "التقى O\nالرئيس O\nماكرون B-PERS\nفي O\nباريس B-LOC\n\n\
                    قال O\nوزير O\nالخارجية O\nسيرغي B-PERS\nلافروف I-PERS\nفي O\nموسكو B-LOC\n\n\
                    أعلنت O\nالأمم B-ORG\nالمتحدة I-ORG\nأن O\nبعثة O\nوصلت O\nإلى O\nبغداد B-LOC\n\n";
        let sentences = read_conll("tiny", &text.repeat(3)).unwrap();
        let opts = TrainOptions { epochs: 3, dev_fraction: 0.0, ..TrainOptions::default() };
        let trained = train(&sentences, &seg(), &opts, &mut |_| {}).unwrap();
        NerModel::from_bytes(&trained.model, seg()).unwrap()
    }

    #[test]
    fn cached_and_uncached_emissions_equal_the_full_feature_sums() {
        use crate::features::{Extractor, SentenceFeatures};
        let model = tiny_model();
        assert!(!model.cache.entries.is_empty());
        let none: &[&str] = &[];
        let gaz: &[&str] = &["gaz=LOC"];
        let sentences: [(&[&str], Vec<&[&str]>); 4] = [
            (&["التقى", "الرئيس", "ماكرون", "في", "باريس"], vec![]),
            (&["قال", "وزير", "جديد", "(لافروف)", "في", "موسكو", "وبغداد"], vec![none, none, none, none, none, gaz]),
            (&["باريس"], vec![]),
            (&["x", "y"], vec![gaz, gaz]),
        ];
        let mut fast = model.tagger();
        let mut slow = model.core.tagger(&model.segmenter, None);
        let mut ex = Extractor::default();
        let mut sf = SentenceFeatures::default();
        for (words, extra) in &sentences {
            let a = fast.tag(words, extra).to_vec();
            let b = slow.tag(words, extra).to_vec();
            assert_eq!(a, b);
            assert_eq!(fast.emission, slow.emission);
            ex.extract(&model.segmenter, model.core.features, words, extra, &mut sf);
            for i in 0..words.len() {
                let mut acc = [0i32; N_LABELS];
                model.core.sum(&sf.hashes[sf.offsets[i] as usize..sf.offsets[i + 1] as usize], &mut acc);
                assert_eq!(acc, fast.emission[i], "token {i} of {words:?}");
            }
        }
        // The tiny model learned its training sentence.
        let tags = model.tag(&["التقى", "الرئيس", "ماكرون", "في", "باريس"], &[]);
        assert_eq!(tags[2], Tag::B(crate::EntityType::Pers));
        assert_eq!(tags[4], Tag::B(crate::EntityType::Loc));
    }

    #[test]
    fn model_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<NerModel>();
    }
}
