//! `hadath train ner` and `hadath eval ner`: training and evaluating the named-entity tagger on a CoNLL BIO
//! corpus such as ANERcorp.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use hadath_ner::corpus::{add_lexicon_features, read_conll, Sentence};
use hadath_ner::features::FeatureSet;
use hadath_ner::train::{cross_validate, evaluate, train, TrainOptions};
use hadath_ner::NerModel;

/// `hadath train …`
#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    #[command(subcommand)]
    what: TrainWhat,
}

#[derive(Debug, clap::Subcommand)]
enum TrainWhat {
    /// Train the named-entity tagger (a linear-chain CRF, or an averaged perceptron, with Viterbi over BILOU
    /// labels) on a CoNLL BIO file, holding out its last sentences to choose the epoch. Deterministic. The
    /// defaults are the settings of the shipped model (data/models/README.md).
    Ner(TrainNerArgs),
}

#[derive(Debug, clap::Args)]
struct TrainNerArgs {
    /// Training corpus: "token TAG" per line, a blank line between sentences (ANERcorp format).
    #[arg(long)]
    train: PathBuf,
    /// Fraction of the sentences, from the end of the file, held out for choosing the epoch (0: none, the
    /// last epoch is kept).
    #[arg(long, default_value_t = 0.1)]
    dev_fraction: f64,
    /// Maximum number of epochs.
    #[arg(long, default_value_t = 7)]
    epochs: usize,
    /// Seed of the per-epoch shuffle and of the dropouts.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Leave out features seen fewer times than this in training.
    #[arg(long, default_value_t = 1)]
    min_count: u32,
    /// Drop features whose final weights are all smaller than this in magnitude (smaller, faster model).
    #[arg(long, default_value_t = 0.2)]
    prune: f32,
    /// Cost-augmented training (the CRF's softmax-margin, the perceptron's margin): every wrong label gets
    /// this bonus while training, and O in place of an entity label twice that (0: none).
    #[arg(long, default_value_t = 6.0)]
    cost: f32,
    /// Word dropout: the probability of leaving out a training token's own word and stem features in an
    /// update (teaches the tagger to use context and affixes for unseen words).
    #[arg(long, default_value_t = 0.2)]
    word_dropout: f32,
    /// Lower the O label's weight on the bias feature (which every token has) by this much, in the saved
    /// model and in the held-out scores: trades precision for recall.
    #[arg(long, default_value_t = 0.0)]
    o_bias: f32,
    /// Lexicon-feature dropout: the probability of leaving out a training token's lexicon (extra) features
    /// in an update.
    #[arg(long, default_value_t = 0.0)]
    gaz_dropout: f32,
    /// Train this many models side by side (different shuffle and dropout seeds) and keep the mean of their
    /// averaged weights: one model, as fast as one; training takes K times as long.
    #[arg(long, default_value_t = 3)]
    bag: usize,
    /// Feature dropout: the probability of leaving out each feature of a training token in an update.
    #[arg(long, default_value_t = 0.0)]
    feature_dropout: f32,
    /// The CRF's learning rate (averaged stochastic gradient ascent on the conditional log-likelihood);
    /// 0: train an averaged perceptron instead.
    #[arg(long, default_value_t = 0.1)]
    crf_rate: f32,
    /// The CRF's learning rate in epoch e is crf-rate / (1 + crf-decay (e - 1)).
    #[arg(long, default_value_t = 0.0)]
    crf_decay: f32,
    /// Train on all but the held-out part for exactly --epochs and score the held-out part, then train the
    /// saved model the same way on all the sentences, with that score in its metadata.
    #[arg(long)]
    refit: bool,
    /// Changes to the default feature groups, e.g. --features=+hstem,-bigrams (groups: seg, hstem, ctx2,
    /// bigrams, shape-ctx, affix-ctx, raw, trigram, gaz, char3, saffix, char4, ctxbi, xctx2; hstem,
    /// trigram, saffix and ctxbi are off by default; gaz: the embedded lexicon's per-token features,
    /// gazetteer matches and words of people's names; xctx2: those of the tokens two away too; char3 and
    /// char4: character 3- and 4-grams of the stem).
    #[arg(long, default_value = "")]
    features: String,
    /// Where to write the model.
    #[arg(long, required_unless_present = "cv")]
    out: Option<PathBuf>,
    /// Instead of training a model, run K-fold cross-validation over the file (contiguous folds) and print
    /// the pooled held-out scores of every epoch (for choosing features and settings).
    #[arg(long, value_name = "K")]
    cv: Option<usize>,
}

/// `hadath eval …`
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    #[command(subcommand)]
    what: EvalWhat,
}

#[derive(Debug, clap::Subcommand)]
enum EvalWhat {
    /// Entity-level precision, recall and F1 per type and micro-averaged (exact span and type, like
    /// conlleval) of the named-entity tagger on a CoNLL BIO file, and its speed in tokens per second.
    Ner(EvalNerArgs),
    /// Events (unique source/target/root triples per article), entity recall and country accuracy, and
    /// time values against hand-coded gold in the JSONL format of the evaluation material
    /// (data/gold/README.md); agrees with its score.py.
    Events(crate::events_cmd::EvalEventsArgs),
}

#[derive(Debug, clap::Args)]
struct EvalNerArgs {
    /// The gold corpus: "token TAG" per line, a blank line between sentences.
    file: PathBuf,
    /// Evaluate this model file instead of the one embedded in the binary.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Seconds to spend measuring speed (at least one pass is made).
    #[arg(long, default_value_t = 1.0)]
    bench_seconds: f64,
    /// Print every sentence with a wrong tag: token, gold tag, predicted tag.
    #[arg(long)]
    show_errors: bool,
}

/// The embedded lexicon (gazetteer and name words), the one the engine uses at run time.
fn lexicon() -> Result<hadath_lexicon::Lexicon> {
    hadath_lexicon::Lexicon::embedded().context("loading the embedded lexicon")
}

fn read_corpus(path: &Path) -> Result<Vec<Sentence>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let sentences = read_conll(&path.display().to_string(), &text)?;
    if sentences.is_empty() {
        bail!("{}: no sentences", path.display());
    }
    Ok(sentences)
}

/// Runs `hadath train …`.
pub fn run_train(a: TrainArgs) -> Result<i32> {
    let mut out = io::stdout();
    let TrainWhat::Ner(a) = a.what;
    let features = FeatureSet::DEFAULT.edit(&a.features).map_err(anyhow::Error::msg)?;
    let mut sentences = read_corpus(&a.train)?;
    if features.has(FeatureSet::GAZ) {
        add_lexicon_features(&lexicon()?, &mut sentences);
    }
    let segmenter = hadath_ner::model::embedded_segmenter()?;
    let file_name = a.train.file_name().map_or_else(|| a.train.display().to_string(), |f| f.to_string_lossy().into());
    let command = format!(
        "hadath train ner --train {} --dev-fraction {} --epochs {} --seed {} --min-count {} --prune {} --cost {} --word-dropout {} --o-bias {} --gaz-dropout {} --bag {} --feature-dropout {} --crf-rate {} --crf-decay {}{} --features '{}' --out {}",
        file_name,
        a.dev_fraction,
        a.epochs,
        a.seed,
        a.min_count,
        a.prune,
        a.cost,
        a.word_dropout,
        a.o_bias,
        a.gaz_dropout,
        a.bag,
        a.feature_dropout,
        a.crf_rate,
        a.crf_decay,
        if a.refit { " --refit" } else { "" },
        features.names(),
        a.out.as_deref().and_then(Path::file_name).map_or_else(|| "-".into(), |f| f.to_string_lossy())
    );
    let mut meta = format!(
        "hadath NER model\ncommand: {command}\ndata: ANERcorp, CAMeL Lab split (Benajiba et al. 2007; Obeid et al. 2020), \
         CC BY-SA 4.0\nlicence: CC BY-SA 4.0 (a derived work of ANERcorp)\n"
    );
    if features.has(FeatureSet::GAZ) {
        meta.push_str(
            "lexicon features: hadath's gazetteer (data/gazetteer) and data/lexicon/person-names.tsv (Wikidata, \
             CC0; arabnamer, CC BY 4.0), as embedded when it was trained\n",
        );
    }
    let opts = TrainOptions {
        epochs: a.epochs,
        dev_fraction: a.dev_fraction,
        seed: a.seed,
        min_count: a.min_count,
        features,
        prune: a.prune,
        cost: a.cost,
        word_dropout: a.word_dropout,
        o_bias: a.o_bias,
        extra_dropout: a.gaz_dropout,
        bag: a.bag,
        feature_dropout: a.feature_dropout,
        crf_rate: a.crf_rate,
        crf_decay: a.crf_decay,
        keep_last: false,
        refit: a.refit,
        meta,
    };
    eprintln!("{command}");
    eprintln!("features: {}", features.names());
    let started = Instant::now();
    if let Some(k) = a.cv {
        let pooled = cross_validate(&sentences, &segmenter, &opts, k, &mut |fold, r| {
            if let Some(d) = &r.dev {
                eprint!("\rfold {}/{k} epoch {:>2}  F1 {:.4}   ", fold + 1, r.epoch, d.micro().f1());
            }
        })?;
        eprintln!();
        let mut best = (0.0, 0);
        for (e, s) in pooled.iter().enumerate() {
            let m = s.micro();
            writeln!(out, "epoch {:>2}  {k}-fold P {:.4} R {:.4} F1 {:.4}", e + 1, m.precision(), m.recall(), m.f1())?;
            if m.f1() > best.0 {
                best = (m.f1(), e);
            }
        }
        writeln!(out, "best epoch {} ({:.1} s):\n{}", best.1 + 1, started.elapsed().as_secs_f64(), pooled[best.1])?;
        return Ok(0);
    }
    let out_path = a.out.clone().context("--out is required")?;
    let trained = train(&sentences, &segmenter, &opts, &mut |r| {
        let dev = r.dev.as_ref().map_or_else(String::new, |d| {
            let m = d.micro();
            format!("  held-out P {:.4} R {:.4} F1 {:.4}", m.precision(), m.recall(), m.f1())
        });
        let _ = writeln!(io::stdout(), "epoch {:>2}  mistakes {:>5}{dev}", r.epoch, r.mistakes);
    })?;
    writeln!(
        out,
        "sentences: {} train, {} held out{}; features: {} seen, {} in the model; best epoch {}; {:.1} s",
        trained.split.0,
        trained.split.1,
        if a.refit { " (for the check; then trained on all)" } else { "" },
        trained.features.0,
        trained.features.1,
        trained.best_epoch,
        started.elapsed().as_secs_f64()
    )?;
    if let Some(d) = &trained.dev {
        if a.refit {
            writeln!(out, "held-out scores of the same training on all but the held-out part:\n{d}")?;
        } else {
            writeln!(out, "held-out scores of the saved model (epoch {}):\n{d}", trained.best_epoch)?;
        }
    }
    if let Some(dir) = out_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    }
    let tmp = out_path.with_extension("tmp");
    std::fs::write(&tmp, &trained.model).with_context(|| format!("{}: cannot write", tmp.display()))?;
    std::fs::rename(&tmp, &out_path).with_context(|| format!("{}: cannot write", out_path.display()))?;
    writeln!(out, "wrote {} ({} bytes)", out_path.display(), trained.model.len())?;
    out.flush()?;
    Ok(0)
}

/// Runs `hadath eval …`.
pub fn run_eval(a: EvalArgs) -> Result<i32> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let a = match a.what {
        EvalWhat::Ner(a) => a,
        EvalWhat::Events(e) => return crate::events_cmd::run(e),
    };
    let model = match &a.model {
        None => NerModel::embedded()?,
        Some(p) => {
            let bytes = std::fs::read(p).with_context(|| format!("{}: cannot read", p.display()))?;
            let segmenter = hadath_ner::model::embedded_segmenter()?;
            NerModel::from_bytes(&bytes, segmenter).with_context(|| p.display().to_string())?
        }
    };
    if !model.segmenter_is_current() {
        eprintln!(
            "hadath: warning: the clitic segmenter has changed since this model was trained; retrain it \
             (see data/models/README.md)"
        );
    }
    for line in model.metadata().lines() {
        writeln!(out, "model: {line}")?;
    }
    let mut sentences = read_corpus(&a.file)?;
    let lex = if model.feature_set().has(FeatureSet::GAZ) { Some(lexicon()?) } else { None };
    if let Some(lex) = &lex {
        add_lexicon_features(lex, &mut sentences);
    }
    let scores = evaluate(&model, &sentences);
    // Each sentence's extra features as the tagger takes them.
    let extra_strs: Vec<Vec<Vec<&str>>> =
        sentences.iter().map(|s| s.extra.iter().map(|x| x.iter().map(String::as_str).collect()).collect()).collect();
    let extras: Vec<Vec<&[&str]>> = extra_strs.iter().map(|x| x.iter().map(Vec::as_slice).collect()).collect();
    if a.show_errors {
        let mut tagger = model.tagger();
        for (k, s) in sentences.iter().enumerate() {
            let pred = tagger.tag(&s.words, &extras[k]);
            if pred != s.tags.as_slice() {
                writeln!(out, "# sentence {}", k + 1)?;
                for ((w, g), p) in s.words.iter().zip(&s.tags).zip(pred) {
                    let mark = if g == p { "" } else { "  <<<" };
                    writeln!(out, "{w}\t{g}\t{p}{mark}")?;
                }
                writeln!(out)?;
            }
        }
    }
    writeln!(out, "{}: {} sentences", a.file.display(), sentences.len())?;
    writeln!(out, "{scores}")?;
    // How many features a token has (all templates, lexicon features included), and how many of them the
    // tagger looks up per token at run time (the rest are summed once per vocabulary word at load time).
    let (mut n_feats, mut n_tokens) = (0usize, 0usize);
    let mut extractor = hadath_ner::features::Extractor::default();
    let mut sf = hadath_ner::features::SentenceFeatures::default();
    for (s, x) in sentences.iter().zip(&extras) {
        extractor.extract(model.segmenter(), model.feature_set(), &s.words, x, &mut sf);
        n_feats += sf.hashes.len();
        n_tokens += s.words.len();
    }
    writeln!(
        out,
        "features per token: {:.1} ({} features in the model)",
        n_feats as f64 / n_tokens.max(1) as f64,
        model.num_features()
    )?;

    // Speed: tag the whole file repeatedly on one thread, in rounds of about 0.1 s; the best round is the
    // figure least disturbed by other processes on the machine. Each pass uses a fresh tagger, so that the
    // unknown words it remembers do not carry over from one pass to the next. With lexicon features, a second
    // figure includes computing them as the engine does (sentence text, token spans, Lexicon::ner_features).
    let tokens: usize = sentences.iter().map(|s| s.words.len()).sum();
    let words: Vec<Vec<&str>> = sentences.iter().map(|s| s.words.iter().map(String::as_str).collect()).collect();
    let bench = |pass: &mut dyn FnMut() -> usize| {
        let started = Instant::now();
        let mut rates = Vec::new();
        let mut total = 0usize;
        let mut checksum = 0usize;
        loop {
            let round = Instant::now();
            let mut n = 0usize;
            while n == 0 || round.elapsed().as_secs_f64() < 0.1 {
                checksum += pass();
                n += tokens;
            }
            rates.push(n as f64 / round.elapsed().as_secs_f64());
            total += n;
            if started.elapsed().as_secs_f64() >= a.bench_seconds {
                break;
            }
        }
        rates.sort_by(f64::total_cmp);
        let rate = rates[rates.len() - 1];
        let line = format!(
            "{:.0} tokens/s on one thread (best of {} rounds; median {:.0}; {} tokens in {:.2} s; checksum {})",
            rate,
            rates.len(),
            rates[rates.len() / 2],
            total,
            started.elapsed().as_secs_f64(),
            checksum
        );
        (rate, line)
    };
    let (rate, line) = bench(&mut || {
        let mut tagger = model.tagger();
        let mut found = 0;
        for (w, x) in words.iter().zip(&extras) {
            found += tagger.tag(w, x).iter().filter(|t| t.entity_type().is_some()).count();
        }
        found
    });
    writeln!(out, "speed: {line}")?;
    if let Some(lex) = &lex {
        let texts: Vec<(String, Vec<std::ops::Range<usize>>)> = words
            .iter()
            .map(|w| {
                let text = w.join(" ");
                let mut at = 0;
                let spans = w
                    .iter()
                    .map(|x| {
                        at += x.len() + 1;
                        at - x.len() - 1..at - 1
                    })
                    .collect();
                (text, spans)
            })
            .collect();
        let (_, line) = bench(&mut || {
            let mut tagger = model.tagger();
            let mut feats: Vec<Vec<&'static str>> = Vec::new();
            let mut found = 0;
            for ((text, spans), w) in texts.iter().zip(&words) {
                lex.ner_features(text, spans, &mut feats);
                let x: Vec<&[&str]> = feats.iter().map(Vec::as_slice).collect();
                found += tagger.tag(w, &x).iter().filter(|t| t.entity_type().is_some()).count();
            }
            found
        });
        writeln!(out, "speed with the lexicon features computed: {line}")?;
    }
    let m = scores.micro();
    writeln!(
        out,
        "summary: micro_p={:.4} micro_r={:.4} micro_f1={:.4} pers_f1={:.4} loc_f1={:.4} org_f1={:.4} misc_f1={:.4} tokens_per_s={:.0}",
        m.precision(),
        m.recall(),
        m.f1(),
        scores.of(hadath_ner::EntityType::Pers).f1(),
        scores.of(hadath_ner::EntityType::Loc).f1(),
        scores.of(hadath_ner::EntityType::Org).f1(),
        scores.of(hadath_ner::EntityType::Misc).f1(),
        rate
    )?;
    out.flush()?;
    Ok(0)
}
