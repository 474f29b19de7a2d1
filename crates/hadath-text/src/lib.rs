//! Arabic text core for hadath: everything here is a pure function of a `&str`, with no I/O and no data files.
//!
//! - [`normalize`]: the match form (a normalised copy for matching) and its [`normalize::OffsetMap`] back to
//!   the original text.
//! - [`sentences`]: sentence spans.
//! - [`tokens`]: word, number, punctuation, URL and hashtag tokens.
//! - [`clitics`]: lexicon-guided clitic segmentation (UD convention), given a lexicon loaded by the caller.
//! - [`scan`]: the match form, sentences and tokens of a text in one pass (what the engine uses).
//! - [`span`]: byte → code point offset conversion for output.
//!
//! All spans are byte ranges into the original text and always fall on char boundaries.
#![deny(missing_docs)]

mod class;
pub mod clitics;
pub mod normalize;
#[cfg(test)]
mod reference;
pub mod scan;
pub mod sentences;
pub mod span;
pub mod tokens;
