//! hadath's named-entity tagger: PERS, LOC, ORG and MISC over BIO tags, for names that gazetteers do not know.
//!
//! A linear feature model with first-order Viterbi decoding over BILOU labels (returned as BIO [`Tag`]s):
//! the shipped weights are the mean of three linear-chain CRFs trained by averaged stochastic gradient on
//! the ANERcorp training split, with a softmax-margin cost and word dropout (so that it learns to tag words
//! it has never seen from their context and shape); [`train`] can also train a structured averaged
//! perceptron. Features: the token and its match form, its stem, proclitics and enclitic from hadath's
//! clitic segmenter, the stem without the article, 1–4 character prefixes and suffixes, character 3- and
//! 4-grams of the stem, shape, length, the article, words and stems at ±1 and ±2, word and stem bigrams,
//! neighbours' affixes and proclitics, the shapes around the token, and per-token features the caller
//! supplies for the token and its neighbours up to two away.
//! The shipped model is trained with the lexicon features of `hadath_lexicon::Lexicon::ner_features`
//! (gazetteer matches such as `gaz=B-LOC`, role phrases, words of people's names; [`features::FeatureSet::GAZ`]):
//! pass them as `extra`, or use [`Tagger::entities_in_text`], which computes them. Every feature is a stable
//! 64-bit hash looked up in an open-addressing table of quantised weights; the weights of the features of
//! each training word are summed once at load time, so a known word costs one lookup. Tagging allocates
//! nothing per token.
//!
//! The model file `data/models/ner.ap` (format in [`model`]) is embedded in the binary. It is derived from
//! ANERcorp (CC BY-SA 4.0) and is therefore itself licensed CC BY-SA 4.0; see `data/models/README.md`.
//!
//! ```
//! use hadath_ner::{EntityType, NerModel};
//! let model = NerModel::embedded().unwrap();
//! let lex = hadath_lexicon::Lexicon::embedded().unwrap();
//! let text = "التقى الرئيس الفرنسي إيمانويل ماكرون في باريس";
//! let mut found = Vec::new();
//! model.tagger().entities_in_text(&lex, text, &mut found);
//! let names: Vec<(&str, EntityType)> = found.iter().map(|(r, k)| (&text[r.clone()], *k)).collect();
//! assert!(names.contains(&("إيمانويل ماكرون", EntityType::Pers)));
//! assert!(names.contains(&("باريس", EntityType::Loc)));
//! ```
//!
//! For many sentences, keep a [`Tagger`] (one per thread) to reuse its buffers, and compute the lexicon
//! features yourself:
//!
//! ```
//! # let model = hadath_ner::NerModel::embedded().unwrap();
//! # let lex = hadath_lexicon::Lexicon::embedded().unwrap();
//! let mut tagger = model.tagger();
//! let text = "وصل وزير الخارجية إلى باكو";
//! let spans: Vec<_> = hadath_text::tokens::tokenize(text).map(|t| t.span).collect();
//! let words: Vec<&str> = spans.iter().map(|r| &text[r.clone()]).collect();
//! let mut feats = Vec::new();
//! lex.ner_features(text, &spans, &mut feats);
//! let extra: Vec<&[&str]> = feats.iter().map(Vec::as_slice).collect();
//! let tags = tagger.tag(&words, &extra);
//! assert_eq!(tags.len(), 5);
//! ```
#![deny(missing_docs)]

pub mod corpus;
pub mod features;
pub mod labels;
pub mod model;
pub mod score;
pub mod tags;
pub mod train;
pub mod viterbi;

pub use model::{NerModel, Tagger, TaggerMemo};
pub use tags::{entities, EntitySpan, EntityType, Tag, N_TAGS};

/// Errors of loading a model, reading a corpus or training.
#[derive(Debug, thiserror::Error)]
pub enum NerError {
    /// The model file is malformed or from an incompatible version.
    #[error("NER model: {0}")]
    Format(String),
    /// The embedded lexicon (for the clitic segmenter) failed to load.
    #[error("lexicon: {0}")]
    Lexicon(String),
    /// A corpus line is malformed.
    #[error("{0}")]
    Corpus(String),
    /// Training cannot run with these settings.
    #[error("training: {0}")]
    Train(String),
}
