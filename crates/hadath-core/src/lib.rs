//! hadath's document model, input decoding, document structure and the extraction [`Engine`].
//!
//! ```
//! use hadath_core::{Engine, ExtractOptions, Input};
//! let engine = Engine::new()?;
//! let input = Input { text: "القاهرة (أ ف ب) - التقى الوزير بالرئيس.".into(), ..Default::default() };
//! let doc = engine.extract(&input, ExtractOptions::default());
//! assert_eq!(doc.dateline.unwrap().agency_name.as_deref(), Some("AFP"));
//! # Ok::<(), hadath_core::EngineError>(())
//! ```
#![deny(missing_docs)]

pub mod decode;
pub mod engine;
pub mod entities;
pub mod events;
pub mod input;
pub mod model;
pub mod structure;

pub use engine::{content_hash, Engine, EngineError, ExtractOptions, StageTimes};
pub use input::Input;
pub use model::Document;
