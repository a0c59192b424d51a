//! canon normalizes multilingual article corpora before search indexing.
//!
//! The modules follow the pipeline a document goes through:
//!
//! 1. [`decode`]: find inputs, read records, decode legacy encodings;
//! 2. [`normalize`]: Unicode normalization that keeps offsets into the original;
//!    then [`boilerplate`] marks the page furniture around the article;
//! 3. [`detect`]: language detection;
//! 4. [`segment`]: tokenization routed by script (jieba for Han, Unicode words otherwise);
//! 5. [`matching`]: entity aliases from the [`aliases`] table matched on the tokens;
//!    [`terms`] lays the words and entity ids out with positions;
//! 6. [`write`]: the JSON Lines output record, its offsets in the unit
//!    [`offsets`] converts to.
//!
//! [`pipeline::Canon`] runs stages 2 to 5 on one text; [`corpus`] runs the
//! whole pipeline over files (or texts in memory) in parallel, with
//! [`reject`] for the records it cannot use and [`output`] for files written
//! atomically; `commands` holds the command-line commands (feature `cli`,
//! on by default; without it the crate pulls in no argument parser, progress
//! bar or allocator). With the cargo feature `tantivy`, `tantivy` (a module
//! only built with it) makes the pipeline a tantivy tokenizer.
//!
//! ```
//! use canon::Canon;
//!
//! let canon = Canon::builder().search(false).build()?;
//! let analysis = canon.analyze("月之暗面 released Kimi.");
//! let ids: Vec<&str> = analysis.entities.iter().map(|m| m.id.as_str()).collect();
//! assert_eq!(ids, ["moonshot-ai", "kimi"]);
//! # Ok::<(), canon::Error>(())
//! ```

pub mod aliases;
pub mod boilerplate;
pub mod decode;
pub mod detect;
pub mod matching;
pub use canon_text::normalize;
pub mod segment;
pub mod write;

#[cfg(feature = "cli")]
pub mod commands;
pub mod corpus;
pub mod error;
pub mod offsets;
pub mod output;
pub mod pipeline;
pub(crate) mod plural;
pub mod progress;
pub mod reject;
pub use canon_text::script;
pub mod synonyms;
#[cfg(feature = "tantivy")]
pub mod tantivy;
pub mod terms;

use canon_text::ascii;
#[cfg(test)]
mod test_support;

pub use error::{Error, Result};
pub use pipeline::{Analysis, AnalyzeOptions, BoilerplateSpan, Canon, CanonBuilder, EntityMention};
