//! Training, deterministic (fixed-seed shuffles and dropouts), over the BILOU labels with their
//! constraints: a linear-chain CRF trained by averaged stochastic gradient ascent on the conditional
//! log-likelihood with a softmax-margin cost (the default), or a structured averaged perceptron (Collins 2002)
//! with cost-augmented decoding (`crf_rate` 0). Either way, a bag of models trained side by side with
//! different seeds can be averaged into one, and the epoch is chosen on the last sentences of the training
//! file or by cross-validation.

use hadath_text::clitics::Segmenter;
use rustc_hash::FxHashMap;

use crate::corpus::Sentence;
use crate::features::{bias_key, hash, Extractor, FeatureSet, SentenceFeatures};
use crate::labels::{decode, encode, ALLOWED, END_OK, N_LABELS, O};
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
    /// Cost-augmented training: while training, every wrong label gets this bonus in the emission scores
    /// (the CRF's softmax-margin, the perceptron's margin), and O in place of an entity label twice that.
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
    /// Number of perceptrons trained side by side with different shuffle and dropout seeds; the model's
    /// weights are the mean of their averaged weights (1: a single perceptron).
    pub bag: usize,
    /// Feature dropout: the probability of leaving out each feature of a training token in an update.
    pub feature_dropout: f32,
    /// Train a CRF (conditional log-likelihood, averaged stochastic gradient) with this learning rate
    /// instead of the perceptron (0: the perceptron).
    pub crf_rate: f32,
    /// The CRF's learning rate in epoch e is `crf_rate / (1 + crf_decay (e - 1))`.
    pub crf_decay: f32,
    /// Keep the last epoch's weights instead of the best epoch's on the held-out part.
    pub keep_last: bool,
    /// With a held-out part, [`train`] scores it with a model trained on the rest (for exactly `epochs`,
    /// with `keep_last`), then trains the returned model the same way on all the sentences, the held-out
    /// score recorded in its metadata.
    pub refit: bool,
    /// Free-form text stored in the model (training command, data, licence).
    pub meta: String,
}

impl Default for TrainOptions {
    /// The settings of the shipped model (a bag of three CRFs; see data/models/README.md).
    fn default() -> Self {
        TrainOptions {
            epochs: 7,
            dev_fraction: 0.1,
            seed: 42,
            min_count: 1,
            features: FeatureSet::DEFAULT,
            prune: 0.2,
            cost: 6.0,
            word_dropout: 0.2,
            o_bias: 0.0,
            extra_dropout: 0.0,
            bag: 3,
            feature_dropout: 0.0,
            crf_rate: 0.1,
            crf_decay: 0.0,
            keep_last: false,
            refit: false,
            meta: String::new(),
        }
    }
}

/// What happened in one epoch.
#[derive(Debug, Clone)]
pub struct EpochReport {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Training sentences the (first) model got wrong in this epoch: for the perceptron, those it updated
    /// on; for the CRF, those with a token whose most probable label was not the gold one.
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
    fn emission(&self, feats: &[u32], starts: &[u32], ends: &[u32], out: &mut Vec<[f32; N_LABELS]>) {
        out.clear();
        for (&start, &end) in starts.iter().zip(ends) {
            let mut acc = [0f32; N_LABELS];
            for &f in &feats[start as usize..end as usize] {
                let w = &self.w[f as usize];
                for t in 0..N_LABELS {
                    acc[t] += w[t];
                }
            }
            out.push(acc);
        }
    }
}

/// Reusable buffers of a training pass.
#[derive(Default)]
struct Scratch {
    emission: Vec<[f32; N_LABELS]>,
    lattice: Lattice<f32>,
    pred: Vec<u8>,
    starts: Vec<u32>,
    ends: Vec<u32>,
    feats: Vec<u32>,
    fb: ForwardBackward,
}

/// One perceptron of the bag, with lazy averaging: its averaged weights are `cur - u / c`.
struct Member {
    cur: Weights,
    u: Weights,
    c: f32,
    rng: Rng,
    seed: u64,
    order: Vec<usize>,
}

impl Member {
    /// One pass over the training examples; returns the number of sentences it got wrong.
    fn epoch(&mut self, train_ex: &[Example], epoch: usize, opts: &TrainOptions, s: &mut Scratch) -> usize {
        let drop_extra_below = (opts.extra_dropout.clamp(0.0, 1.0) * u32::MAX as f32) as u64;
        let drop_below = (opts.word_dropout.clamp(0.0, 1.0) * u32::MAX as f32) as u64;
        let drop_any_below = (opts.feature_dropout.clamp(0.0, 1.0) * u32::MAX as f32) as u64;
        let (cur, u) = (&mut self.cur, &mut self.u);
        self.rng.shuffle(&mut self.order);
        let mut mistakes = 0;
        for &k in &self.order {
            let ex = &train_ex[k];
            // Word dropout: leave out a token's identity features at random (deterministically).
            s.starts.clear();
            s.ends.clear();
            s.feats.clear();
            for i in 0..ex.gold.len() {
                let h = hash::fin(hash::mix(hash::mix(self.seed ^ epoch as u64, k as u64), i as u64));
                let skip = if h & 0xffff_ffff < drop_below { ex.n_ident[i] as u32 } else { 0 };
                // Extra-feature dropout: leave out the lexicon features of the token and its neighbours.
                let cut = if h >> 32 < drop_extra_below { u32::from(ex.n_extra[i]) } else { 0 };
                let (a, b) = ((ex.offsets[i] + skip) as usize, (ex.offsets[i + 1] - cut) as usize);
                s.starts.push(s.feats.len() as u32);
                if drop_any_below == 0 {
                    s.feats.extend_from_slice(&ex.feats[a..b]);
                } else {
                    // Feature dropout: leave out each feature with this probability.
                    for (j, &f) in ex.feats[a..b].iter().enumerate() {
                        if hash::fin(hash::mix(h, j as u64)) & 0xffff_ffff >= drop_any_below {
                            s.feats.push(f);
                        }
                    }
                }
                s.ends.push(s.feats.len() as u32);
            }
            cur.emission(&s.feats, &s.starts, &s.ends, &mut s.emission);
            if opts.cost > 0.0 {
                for (e, &g) in s.emission.iter_mut().zip(&ex.gold) {
                    for (t, v) in e.iter_mut().enumerate() {
                        if t != g as usize {
                            *v += if t == 0 { 2.0 * opts.cost } else { opts.cost };
                        }
                    }
                }
            }
            if opts.crf_rate > 0.0 {
                let c = self.c;
                let eta = opts.crf_rate / (1.0 + opts.crf_decay * (epoch - 1) as f32);
                if crf_update(ex, s, cur, u, eta, c) {
                    mistakes += 1;
                }
                self.c += 1.0;
                continue;
            }
            viterbi(&s.emission, &cur.trans, f32::NEG_INFINITY, &mut s.lattice, &mut s.pred);
            if s.pred != ex.gold {
                mistakes += 1;
                let c = self.c;
                let mut gp = N_LABELS;
                let mut pp = N_LABELS;
                for i in 0..ex.gold.len() {
                    let (g, p) = (ex.gold[i] as usize, s.pred[i] as usize);
                    if g != p {
                        for &f in &s.feats[s.starts[i] as usize..s.ends[i] as usize] {
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
            self.c += 1.0;
        }
        mistakes
    }
}

/// Forward-backward over the allowed label sequences of a linear-chain CRF (the BILOU constraints of
/// [`ALLOWED`] and [`END_OK`]), in probability space with per-token scaling.
#[derive(Default)]
struct ForwardBackward {
    /// `exp` of the allowed transition scores (0 where not allowed); row `N_LABELS` is the start.
    et: Vec<[f32; N_LABELS]>,
    /// `exp` of the emission scores, shifted per token by their maximum.
    psi: Vec<[f32; N_LABELS]>,
    /// Scaled forward probabilities (each row sums to 1).
    alpha: Vec<[f32; N_LABELS]>,
    /// Backward probabilities, scaled by the forward pass's normalisers.
    beta: Vec<[f32; N_LABELS]>,
    /// The forward pass's normalisers.
    z: Vec<f32>,
}

impl ForwardBackward {
    fn run(&mut self, emission: &[[f32; N_LABELS]], trans: &[[f32; N_LABELS]; N_LABELS + 1]) {
        let n = emission.len();
        self.et.clear();
        self.et.extend(
            (0..=N_LABELS).map(|p| {
                std::array::from_fn(|t| if ALLOWED[p][t] { trans[p][t].clamp(-60.0, 60.0).exp() } else { 0.0 })
            }),
        );
        self.psi.clear();
        for e in emission {
            let top = e.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
            self.psi.push(std::array::from_fn(|t| (e[t] - top).exp()));
        }
        self.alpha.clear();
        self.z.clear();
        for i in 0..n {
            let a: [f32; N_LABELS] = std::array::from_fn(|t| {
                let v = if i == 0 {
                    self.et[N_LABELS][t]
                } else {
                    (0..N_LABELS).map(|p| self.alpha[i - 1][p] * self.et[p][t]).sum()
                };
                v * self.psi[i][t]
            });
            let z = a.iter().sum::<f32>().max(f32::MIN_POSITIVE);
            self.alpha.push(a.map(|v| v / z));
            self.z.push(z);
        }
        self.beta.clear();
        self.beta.resize(n, [0.0; N_LABELS]);
        if n == 0 {
            return;
        }
        self.beta[n - 1] = std::array::from_fn(|t| if END_OK[t] { 1.0 } else { 0.0 });
        for i in (0..n - 1).rev() {
            let next = self.beta[i + 1];
            self.beta[i] = std::array::from_fn(|p| {
                (0..N_LABELS).map(|t| self.et[p][t] * self.psi[i + 1][t] * next[t]).sum::<f32>() / self.z[i + 1]
            });
        }
    }

    /// The marginal probabilities of the labels of token `i`.
    fn token(&self, i: usize) -> [f32; N_LABELS] {
        let mu: [f32; N_LABELS] = std::array::from_fn(|t| self.alpha[i][t] * self.beta[i][t]);
        let tot = mu.iter().sum::<f32>().max(f32::MIN_POSITIVE);
        mu.map(|v| v / tot)
    }

    /// The marginal probabilities of the label pairs (`p` at token `i - 1`, `t` at token `i`), `i` ≥ 1.
    fn pair(&self, i: usize) -> [[f32; N_LABELS]; N_LABELS] {
        let mut xi = [[0f32; N_LABELS]; N_LABELS];
        let mut tot = 0.0;
        for (p, row) in xi.iter_mut().enumerate() {
            let a = self.alpha[i - 1][p];
            if a == 0.0 {
                continue;
            }
            for (t, v) in row.iter_mut().enumerate() {
                *v = a * self.et[p][t] * self.psi[i][t] * self.beta[i][t];
                tot += *v;
            }
        }
        let tot = f32::max(tot, f32::MIN_POSITIVE);
        for row in xi.iter_mut() {
            for v in row.iter_mut() {
                *v /= tot;
            }
        }
        xi
    }
}

/// One stochastic gradient step on the conditional log-likelihood of `ex` under a linear-chain CRF, with
/// the emission scores in `s.emission` and the features in `s.feats` (`s.starts`, `s.ends`): every feature
/// of a token and every transition moves by `eta` times (gold − expected). `u` accumulates `c` times each
/// change, for averaging. Returns whether some token's most probable label (under the cost-augmented
/// scores) was not its gold label.
fn crf_update(ex: &Example, s: &mut Scratch, cur: &mut Weights, u: &mut Weights, eta: f32, c: f32) -> bool {
    let n = ex.gold.len();
    let mut wrong = false;
    if n == 0 {
        return wrong;
    }
    let start = N_LABELS;
    s.fb.run(&s.emission, &cur.trans);
    for i in 0..n {
        let mu = s.fb.token(i);
        let g = ex.gold[i] as usize;
        wrong |= mu.iter().any(|&v| v > mu[g]);
        let mut grad: [f32; N_LABELS] = std::array::from_fn(|t| -mu[t] * eta);
        grad[g] += eta;
        for &f in &s.feats[s.starts[i] as usize..s.ends[i] as usize] {
            let (w, uw) = (&mut cur.w[f as usize], &mut u.w[f as usize]);
            for t in 0..N_LABELS {
                w[t] += grad[t];
                uw[t] += c * grad[t];
            }
        }
        if i == 0 {
            for (t, &d) in grad.iter().enumerate() {
                cur.trans[start][t] += d;
                u.trans[start][t] += c * d;
            }
            continue;
        }
        let gp = ex.gold[i - 1] as usize;
        cur.trans[gp][g] += eta;
        u.trans[gp][g] += c * eta;
        let xi = s.fb.pair(i);
        for (p, row) in xi.iter().enumerate() {
            for (t, &x) in row.iter().enumerate() {
                let d = eta * x;
                if d != 0.0 {
                    cur.trans[p][t] -= d;
                    u.trans[p][t] -= c * d;
                }
            }
        }
    }
    wrong
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
    if !opts.refit || dev_part.is_empty() {
        return train_split(train_part, dev_part, seg, opts, report);
    }
    // Score the held-out part with a model trained on the rest for exactly `epochs`, then train the saved
    // model the same way on everything, with that score in its metadata.
    let held = train_split(train_part, dev_part, seg, &TrainOptions { keep_last: true, ..opts.clone() }, report)?;
    let d = held.dev.clone().expect("a held-out part");
    let m = d.micro();
    let per_type: Vec<String> =
        crate::tags::EntityType::ALL.iter().map(|&t| format!("{t} {:.4}", d.of(t).f1())).collect();
    let mut meta = opts.meta.clone();
    meta.push_str(&format!(
        "held-out check: the same training on the first {} sentences, scored on the last {}: entity micro P {:.4} \
         R {:.4} F1 {:.4} (F1 {})\n",
        train_part.len(),
        dev_part.len(),
        m.precision(),
        m.recall(),
        m.f1(),
        per_type.join(", ")
    ));
    let all = TrainOptions { meta, keep_last: true, ..opts.clone() };
    let full = train_split(sentences, &[], seg, &all, report)?;
    Ok(Trained { dev: Some(d), split: (sentences.len(), dev_part.len()), ..full })
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
    let nf = keys.len();
    let zeros = || Weights { w: vec![[0.0; N_LABELS]; nf], trans: [[0.0; N_LABELS]; N_LABELS + 1] };
    // The bag: perceptrons that differ only in their shuffle and dropout seeds, trained side by side; the
    // model's weights are the mean of their averaged weights (one model, as fast as one perceptron).
    let bag = opts.bag.max(1);
    let mut members: Vec<Member> = (0..bag)
        .map(|m| {
            let seed = if m == 0 { opts.seed } else { hash::fin(hash::mix(opts.seed, m as u64)) };
            Member { cur: zeros(), u: zeros(), c: 1.0, rng: Rng(seed), seed, order: (0..train_ex.len()).collect() }
        })
        .collect();
    let mut avg = zeros();
    let mut best: Option<(f64, usize, Weights)> = None;
    let mut scratch = Scratch::default();
    for epoch in 1..=opts.epochs {
        let mut mistakes = 0;
        for (m, member) in members.iter_mut().enumerate() {
            let n = member.epoch(&train_ex, epoch, opts, &mut scratch);
            if m == 0 {
                mistakes = n;
            }
        }
        // Averaged weights (of each member, then their mean).
        for a in avg.w.iter_mut() {
            *a = [0.0; N_LABELS];
        }
        avg.trans = [[0.0; N_LABELS]; N_LABELS + 1];
        let share = 1.0 / bag as f32;
        for member in &members {
            let c = member.c;
            for (a, (w, uu)) in avg.w.iter_mut().zip(member.cur.w.iter().zip(&member.u.w)) {
                for t in 0..N_LABELS {
                    a[t] += (w[t] - uu[t] / c) * share;
                }
            }
            for p in 0..=N_LABELS {
                for t in 0..N_LABELS {
                    avg.trans[p][t] += (member.cur.trans[p][t] - member.u.trans[p][t] / c) * share;
                }
            }
        }
        if let Some(b) = bias {
            avg.w[b][O] -= opts.o_bias;
        }
        let dev = (!dev_ex.is_empty()).then(|| {
            let mut scores = Scores::default();
            let mut g = Vec::new();
            let mut p = Vec::new();
            let s = &mut scratch;
            for (ex, sent) in dev_ex.iter().zip(dev_part) {
                let n = ex.gold.len();
                avg.emission(&ex.feats, &ex.offsets[..n], &ex.offsets[1..], &mut s.emission);
                viterbi(&s.emission, &avg.trans, f32::NEG_INFINITY, &mut s.lattice, &mut s.pred);
                g.clear();
                g.extend_from_slice(&sent.tags);
                decode(&s.pred, &mut p);
                scores.add(&g, &p);
            }
            scores
        });
        let f1 = dev.as_ref().map_or(epoch as f64, |d| d.micro().f1());
        report(&EpochReport { epoch, mistakes, dev });
        if opts.keep_last || best.as_ref().is_none_or(|(b, _, _)| f1 > *b) {
            let snapshot = Weights { w: avg.w.clone(), trans: avg.trans };
            best = Some((f1, epoch, snapshot));
        }
    }
    drop(members);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact marginals by enumerating every allowed label sequence.
    fn brute(emission: &[[f32; N_LABELS]], trans: &[[f32; N_LABELS]; N_LABELS + 1]) -> Vec<[f64; N_LABELS]> {
        let n = emission.len();
        let mut mu = vec![[0f64; N_LABELS]; n];
        let mut total = 0f64;
        for mut code in 0..N_LABELS.pow(n as u32) {
            let mut seq = vec![0usize; n];
            for s in seq.iter_mut() {
                *s = code % N_LABELS;
                code /= N_LABELS;
            }
            let (mut prev, mut score, mut ok) = (N_LABELS, 0f64, true);
            for (i, &c) in seq.iter().enumerate() {
                ok &= ALLOWED[prev][c];
                score += f64::from(trans[prev][c] + emission[i][c]);
                prev = c;
            }
            if ok && END_OK[prev] {
                let p = score.exp();
                total += p;
                for (i, &c) in seq.iter().enumerate() {
                    mu[i][c] += p;
                }
            }
        }
        mu.iter().map(|r| r.map(|v| v / total)).collect()
    }

    #[test]
    fn forward_backward_marginals_are_exact() {
        let mut x = 0x9e37_79b9_u64;
        let mut rnd = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 1000) as f32 / 250.0 - 2.0
        };
        let mut fb = ForwardBackward::default();
        for n in 1..=3 {
            let emission: Vec<[f32; N_LABELS]> = (0..n).map(|_| std::array::from_fn(|_| rnd())).collect();
            let trans: [[f32; N_LABELS]; N_LABELS + 1] = std::array::from_fn(|_| std::array::from_fn(|_| rnd()));
            fb.run(&emission, &trans);
            let exact = brute(&emission, &trans);
            for (i, row) in exact.iter().enumerate() {
                let mu = fb.token(i);
                for t in 0..N_LABELS {
                    assert!((f64::from(mu[t]) - row[t]).abs() < 1e-4, "n={n} i={i} t={t}: {} vs {}", mu[t], row[t]);
                }
                if i > 0 {
                    // The pair marginals sum to the token marginals.
                    let xi = fb.pair(i);
                    for t in 0..N_LABELS {
                        let s: f32 = (0..N_LABELS).map(|p| xi[p][t]).sum();
                        assert!((s - mu[t]).abs() < 1e-4);
                    }
                }
            }
        }
    }

    #[test]
    fn training_is_deterministic() {
        let text = "التقى O\nالرئيس O\nماكرون B-PERS\nفي O\nباريس B-LOC\n\n\
                    أعلنت O\nالأمم B-ORG\nالمتحدة I-ORG\nأن O\nبعثة O\nوصلت O\nإلى O\nبغداد B-LOC\n\n";
        let sentences = crate::corpus::read_conll("t", &text.repeat(4)).unwrap();
        let seg = Segmenter::new(hadath_text::clitics::SegLexicon::from_tsv("").unwrap());
        for crf_rate in [0.0, 0.1] {
            let opts =
                TrainOptions { epochs: 8, dev_fraction: 0.25, bag: 2, crf_rate, prune: 0.0, ..TrainOptions::default() };
            let a = train(&sentences, &seg, &opts, &mut |_| {}).unwrap();
            let b = train(&sentences, &seg, &opts, &mut |_| {}).unwrap();
            assert_eq!(a.model, b.model);
            assert!(a.dev.unwrap().micro().f1() > 0.99, "crf_rate {crf_rate}");
        }
    }
}
