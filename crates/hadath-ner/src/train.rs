//! Training: a structured averaged perceptron (Collins 2002) over the BIO tags with first-order Viterbi,
//! deterministic (a fixed-seed shuffle each epoch), tuned on the last sentences of the training file.

use hadath_text::clitics::Segmenter;
use rustc_hash::FxHashMap;

use crate::corpus::Sentence;
use crate::features::{bias_key, hash, Extractor, FeatureSet, SentenceFeatures};
use crate::labels::{decode, encode, N_LABELS, O};
use crate::model::{segmenter_fingerprint, write_model, Core, ModelParts, NerModel, Tagger};
use crate::score::Scores;
use crate::tags::Tag;
use crate::viterbi::{viterbi, Lattice};
use crate::NerError;

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Maximum number of passes over the training sentences; the best epoch on the held-out part is kept.
    pub epochs: usize,
    /// Fraction of the sentences, taken from the end of the file, held out for choosing the epoch.
    pub dev_fraction: f64,
    /// Seed of the per-epoch shuffle.
    pub seed: u64,
    /// Features seen fewer times than this in the training part are left out.
    pub min_count: u32,
    /// Feature groups.
    pub features: FeatureSet,
    /// Features whose averaged weights are all smaller than this in magnitude are dropped from the model.
    pub prune: f32,
    /// Loss-augmented training: while training, every wrong tag gets this bonus in decoding (a margin), and
    /// an entity token tagged O twice that.
    pub cost: f32,
    /// Word dropout: the probability with which a training token's identity features (its word, stem and
    /// the n-grams with them) are left out in an update, so that the tagger learns to use context and affixes
    /// for words it has never seen.
    pub word_dropout: f32,
    /// Subtracted from the O weight of the bias feature (which every token has) in the saved and scored
    /// weights: a positive value trades precision for recall.
    pub o_bias: f32,
    /// Lexicon-feature dropout: the probability of leaving out the extra features of a training token (its
    /// own and its neighbours') in an update, so that the tagger does not learn to trust the gazetteer alone.
    pub extra_dropout: f32,
    /// Free-form text stored in the model (training command, data, licence).
    pub meta: String,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 40,
            dev_fraction: 0.1,
            seed: 42,
            min_count: 1,
            features: FeatureSet::DEFAULT,
            prune: 0.0,
            cost: 4.0,
            word_dropout: 0.2,
            o_bias: 2.0,
            extra_dropout: 0.0,
            meta: String::new(),
        }
    }
}

/// What happened in one epoch.
#[derive(Debug, Clone)]
pub struct EpochReport {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Training sentences the perceptron got wrong (and updated on) in this epoch.
    pub mistakes: usize,
    /// Scores of the averaged weights on the held-out part (when there is one).
    pub dev: Option<Scores>,
}

/// The result of training.
#[derive(Debug)]
pub struct Trained {
    /// The model file.
    pub model: Vec<u8>,
    /// The epoch whose averaged weights were kept.
    pub best_epoch: usize,
    /// Number of training and held-out sentences.
    pub split: (usize, usize),
    /// Distinct features kept for training, and features in the model after pruning.
    pub features: (usize, usize),
    /// Scores of the final (quantised, pruned) model on the held-out part, when there is one.
    pub dev: Option<Scores>,
}

/// splitmix64: a small deterministic generator for the shuffle.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// A sentence as feature indices.
struct Example {
    feats: Vec<u32>,
    offsets: Vec<u32>,
    /// Identity features at the start of each token's (see `features::push_features`).
    n_ident: Vec<u8>,
    /// Features from the caller's extra features at the end of each token's.
    n_extra: Vec<u16>,
    gold: Vec<u8>,
}

struct Weights {
    w: Vec<[f32; N_LABELS]>,
    trans: [[f32; N_LABELS]; N_LABELS + 1],
}

impl Weights {
    /// Emission scores of the features `ex.feats[starts[i]..ends[i]]` of each token `i`.
    fn emission(&self, ex: &Example, starts: &[u32], ends: &[u32], out: &mut Vec<[f32; N_LABELS]>) {
        out.clear();
        for (&start, &end) in starts.iter().zip(ends).take(ex.gold.len()) {
            let mut acc = [0f32; N_LABELS];
            for &f in &ex.feats[start as usize..end as usize] {
                let w = &self.w[f as usize];
                for t in 0..N_LABELS {
                    acc[t] += w[t];
                }
            }
            out.push(acc);
        }
    }
}

/// Trains a model on `sentences` (the last `dev_fraction` of them held out for choosing the epoch) and
/// returns the model file. `report` is called after every epoch.
pub fn train(
    sentences: &[Sentence],
    seg: &Segmenter,
    opts: &TrainOptions,
    report: &mut dyn FnMut(&EpochReport),
) -> Result<Trained, NerError> {
    if !(0.0..1.0).contains(&opts.dev_fraction) {
        return Err(NerError::Train(format!("dev fraction {} is not in [0, 1)", opts.dev_fraction)));
    }
    let n_dev = (sentences.len() as f64 * opts.dev_fraction).round() as usize;
    let (train_part, dev_part) = sentences.split_at(sentences.len() - n_dev);
    train_split(train_part, dev_part, seg, opts, report)
}

/// Like [`train`], with the training and held-out sentences given separately.
pub fn train_split(
    train_part: &[Sentence],
    dev_part: &[Sentence],
    seg: &Segmenter,
    opts: &TrainOptions,
    report: &mut dyn FnMut(&EpochReport),
) -> Result<Trained, NerError> {
    if train_part.is_empty() || opts.epochs == 0 {
        return Err(NerError::Train("nothing to train on (no sentences or no epochs)".into()));
    }

    // Features of every training sentence, counted, then mapped to dense indices.
    let mut extractor = Extractor::default();
    let mut sf = SentenceFeatures::default();
    let mut raw: Vec<SentenceFeatures> = Vec::with_capacity(train_part.len());
    let mut counts: FxHashMap<u64, u32> = FxHashMap::default();
    for s in train_part {
        extract(&mut extractor, seg, opts.features, s, &mut sf);
        for &h in &sf.hashes {
            *counts.entry(h).or_insert(0) += 1;
        }
        raw.push(sf.clone());
    }
    let mut keys: Vec<u64> = counts.iter().filter(|(_, &c)| c >= opts.min_count).map(|(&k, _)| k).collect();
    keys.sort_unstable();
    let index: FxHashMap<u64, u32> = keys.iter().enumerate().map(|(i, &k)| (k, i as u32)).collect();
    drop(counts);
    let to_example = |sf: &SentenceFeatures, tags: &[Tag]| -> Example {
        let mut feats = Vec::with_capacity(sf.hashes.len());
        let mut offsets = Vec::with_capacity(sf.offsets.len());
        let mut n_ident = Vec::with_capacity(tags.len());
        let mut n_extra = Vec::with_capacity(tags.len());
        for i in 0..tags.len() {
            offsets.push(feats.len() as u32);
            let (a, b) = (sf.offsets[i] as usize, sf.offsets[i + 1] as usize);
            let ident = a + sf.n_ident[i] as usize;
            let extra = b - sf.n_extra[i] as usize;
            feats.extend(sf.hashes[a..ident].iter().filter_map(|h| index.get(h).copied()));
            n_ident.push((feats.len() - *offsets.last().expect("pushed") as usize) as u8);
            feats.extend(sf.hashes[ident..extra].iter().filter_map(|h| index.get(h).copied()));
            let before = feats.len();
            feats.extend(sf.hashes[extra..b].iter().filter_map(|h| index.get(h).copied()));
            n_extra.push((feats.len() - before) as u16);
        }
        offsets.push(feats.len() as u32);
        let mut gold = Vec::new();
        encode(tags, &mut gold);
        Example { feats, offsets, n_ident, n_extra, gold }
    };
    let train_ex: Vec<Example> = raw.iter().zip(train_part).map(|(sf, s)| to_example(sf, &s.tags)).collect();
    drop(raw);
    let dev_ex: Vec<Example> = dev_part
        .iter()
        .map(|s| {
            extract(&mut extractor, seg, opts.features, s, &mut sf);
            to_example(&sf, &s.tags)
        })
        .collect();

    let bias = index.get(&bias_key()).map(|&i| i as usize).filter(|_| opts.o_bias != 0.0);
    // The perceptron with lazy averaging: avg = w - u / c.
    let nf = keys.len();
    let mut cur = Weights { w: vec![[0.0; N_LABELS]; nf], trans: [[0.0; N_LABELS]; N_LABELS + 1] };
    let mut u = Weights { w: vec![[0.0; N_LABELS]; nf], trans: [[0.0; N_LABELS]; N_LABELS + 1] };
    let mut avg = Weights { w: vec![[0.0; N_LABELS]; nf], trans: [[0.0; N_LABELS]; N_LABELS + 1] };
    let mut best: Option<(f64, usize, Weights)> = None;
    let mut c = 1f32;
    let mut order: Vec<usize> = (0..train_ex.len()).collect();
    let mut rng = Rng(opts.seed);
    let mut emission = Vec::new();
    let mut lattice = Lattice::default();
    let mut pred = Vec::new();
    let neg = f32::NEG_INFINITY;
    let mut starts = Vec::new();
    let mut ends = Vec::new();
    let drop_extra_below = (opts.extra_dropout.clamp(0.0, 1.0) * u32::MAX as f32) as u64;
    let drop_below = (opts.word_dropout.clamp(0.0, 1.0) * u32::MAX as f32) as u64;
    for epoch in 1..=opts.epochs {
        rng.shuffle(&mut order);
        let mut mistakes = 0;
        for &k in &order {
            let ex = &train_ex[k];
            // Word dropout: leave out a token's identity features at random (deterministically).
            starts.clear();
            ends.clear();
            for i in 0..ex.gold.len() {
                let h = hash::fin(hash::mix(hash::mix(opts.seed ^ epoch as u64, k as u64), i as u64));
                let skip = if h & 0xffff_ffff < drop_below { ex.n_ident[i] as u32 } else { 0 };
                starts.push(ex.offsets[i] + skip);
                // Extra-feature dropout: leave out the lexicon features of the token and its neighbours.
                let cut = if h >> 32 < drop_extra_below { u32::from(ex.n_extra[i]) } else { 0 };
                ends.push(ex.offsets[i + 1] - cut);
            }
            cur.emission(ex, &starts, &ends, &mut emission);
            if opts.cost > 0.0 {
                for (e, &g) in emission.iter_mut().zip(&ex.gold) {
                    for (t, v) in e.iter_mut().enumerate() {
                        if t != g as usize {
                            *v += if t == 0 { 2.0 * opts.cost } else { opts.cost };
                        }
                    }
                }
            }
            viterbi(&emission, &cur.trans, neg, &mut lattice, &mut pred);
            if pred != ex.gold {
                mistakes += 1;
                let mut gp = N_LABELS;
                let mut pp = N_LABELS;
                for i in 0..ex.gold.len() {
                    let (g, p) = (ex.gold[i] as usize, pred[i] as usize);
                    if g != p {
                        for &f in &ex.feats[starts[i] as usize..ends[i] as usize] {
                            let f = f as usize;
                            cur.w[f][g] += 1.0;
                            cur.w[f][p] -= 1.0;
                            u.w[f][g] += c;
                            u.w[f][p] -= c;
                        }
                    }
                    if (gp, g) != (pp, p) {
                        cur.trans[gp][g] += 1.0;
                        cur.trans[pp][p] -= 1.0;
                        u.trans[gp][g] += c;
                        u.trans[pp][p] -= c;
                    }
                    gp = g;
                    pp = p;
                }
            }
            c += 1.0;
        }
        // Averaged weights.
        for (a, (w, uu)) in avg.w.iter_mut().zip(cur.w.iter().zip(&u.w)) {
            for t in 0..N_LABELS {
                a[t] = w[t] - uu[t] / c;
            }
        }
        for p in 0..=N_LABELS {
            for t in 0..N_LABELS {
                avg.trans[p][t] = cur.trans[p][t] - u.trans[p][t] / c;
            }
        }
        if let Some(b) = bias {
            avg.w[b][O] -= opts.o_bias;
        }
        let dev = (!dev_ex.is_empty()).then(|| {
            let mut scores = Scores::default();
            let mut g = Vec::new();
            let mut p = Vec::new();
            for (ex, s) in dev_ex.iter().zip(dev_part) {
                avg.emission(ex, &ex.offsets, &ex.offsets[1..], &mut emission);
                viterbi(&emission, &avg.trans, neg, &mut lattice, &mut pred);
                g.clear();
                g.extend_from_slice(&s.tags);
                decode(&pred, &mut p);
                scores.add(&g, &p);
            }
            scores
        });
        let f1 = dev.as_ref().map_or(epoch as f64, |d| d.micro().f1());
        report(&EpochReport { epoch, mistakes, dev });
        if best.as_ref().is_none_or(|(b, _, _)| f1 > *b) {
            let snapshot = Weights { w: avg.w.clone(), trans: avg.trans };
            best = Some((f1, epoch, snapshot));
        }
    }
    let (_, best_epoch, w) = best.expect("at least one epoch");

    // Quantise to i16 and prune.
    let max = w.w.iter().flatten().chain(w.trans.iter().flatten()).fold(0f32, |m, v| m.max(v.abs()));
    let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
    let q = |v: f32| (v / scale).round().clamp(-32767.0, 32767.0) as i16;
    let mut weights = Vec::new();
    for (k, ws) in keys.iter().zip(&w.w) {
        if ws.iter().all(|v| v.abs() < opts.prune) {
            continue;
        }
        let qs: [i16; N_LABELS] = std::array::from_fn(|t| q(ws[t]));
        if qs.iter().any(|&v| v != 0) {
            weights.push((*k, qs));
        }
    }
    let trans: [[i32; N_LABELS]; N_LABELS + 1] =
        std::array::from_fn(|p| std::array::from_fn(|t| i32::from(q(w.trans[p][t]))));
    let kept = weights.len();
    // The vocabulary (for the tagger's per-word cache).
    let mut words: Vec<String> = train_part.iter().flat_map(|s| s.words.iter().cloned()).collect();
    words.sort_unstable();
    words.dedup();
    let mut parts = ModelParts {
        features: opts.features,
        seg_fingerprint: segmenter_fingerprint(seg),
        scale,
        meta: &opts.meta,
        trans,
        weights,
        words,
    };
    let mut model = write_model(&parts);
    let dev = if dev_part.is_empty() {
        None
    } else {
        let core = Core::parse(&model)?;
        Some(score_with(core.tagger(seg, None), dev_part))
    };
    // Record the outcome in the metadata (which does not affect tagging).
    let mut meta = opts.meta.clone();
    meta.push_str(&if dev_part.is_empty() {
        format!(
            "training: {} sentences, none held out; last epoch {best_epoch} kept; {kept} features\n",
            train_part.len()
        )
    } else {
        format!(
            "training: {} sentences, held out: the last {}; best epoch {best_epoch} of {}; {kept} features\n",
            train_part.len(),
            dev_part.len(),
            opts.epochs
        )
    });
    if let Some(d) = &dev {
        let m = d.micro();
        meta.push_str(&format!("held-out entity micro P {:.4} R {:.4} F1 {:.4}\n", m.precision(), m.recall(), m.f1()));
    }
    parts.meta = &meta;
    model = write_model(&parts);
    Ok(Trained { model, best_epoch, split: (train_part.len(), dev_part.len()), features: (nf, kept), dev })
}

/// Extracts the features of a training or held-out sentence, with its extra features.
fn extract(ex: &mut Extractor, seg: &Segmenter, features: FeatureSet, s: &Sentence, out: &mut SentenceFeatures) {
    let strs: Vec<Vec<&str>> = s.extra.iter().map(|x| x.iter().map(String::as_str).collect()).collect();
    let extra: Vec<&[&str]> = strs.iter().map(Vec::as_slice).collect();
    ex.extract(seg, features, &s.words, &extra, out);
}

/// Tags `sentences` with `model` and scores them against their gold tags.
pub fn evaluate(model: &NerModel, sentences: &[Sentence]) -> Scores {
    score_with(model.tagger(), sentences)
}

fn score_with(mut tagger: Tagger<'_>, sentences: &[Sentence]) -> Scores {
    let mut scores = Scores::default();
    for s in sentences {
        let strs: Vec<Vec<&str>> = s.extra.iter().map(|x| x.iter().map(String::as_str).collect()).collect();
        let extra: Vec<&[&str]> = strs.iter().map(Vec::as_slice).collect();
        let pred = tagger.tag(&s.words, &extra);
        scores.add(&s.tags, pred);
    }
    scores
}

/// K-fold cross-validation over `sentences` (contiguous folds): trains on all folds but one and scores the
/// averaged weights of every epoch on the one left out. Returns, per epoch, the scores pooled over the folds.
pub fn cross_validate(
    sentences: &[Sentence],
    seg: &Segmenter,
    opts: &TrainOptions,
    folds: usize,
    report: &mut dyn FnMut(usize, &EpochReport),
) -> Result<Vec<Scores>, NerError> {
    if folds < 2 || folds > sentences.len() {
        return Err(NerError::Train(format!("cannot make {folds} folds of {} sentences", sentences.len())));
    }
    let mut pooled: Vec<Scores> = vec![Scores::default(); opts.epochs];
    for k in 0..folds {
        let (a, b) = (sentences.len() * k / folds, sentences.len() * (k + 1) / folds);
        let train_part: Vec<Sentence> = sentences[..a].iter().chain(&sentences[b..]).cloned().collect();
        train_split(&train_part, &sentences[a..b], seg, opts, &mut |r| {
            if let Some(d) = &r.dev {
                pooled[r.epoch - 1].merge(d);
            }
            report(k, r);
        })?;
    }
    Ok(pooled)
}
