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
//! whole pipeline over files in parallel, with [`reject`] for the records it
//! cannot use and [`output`] for files written atomically; [`commands`] holds
//! the command-line commands. With the cargo feature `tantivy`, `tantivy`
//! (a module only built with it) makes the pipeline a tantivy tokenizer.

pub mod aliases;
pub mod boilerplate;
pub mod decode;
pub mod detect;
pub mod matching;
pub mod normalize;
pub mod segment;
pub mod write;

pub mod commands;
pub mod corpus;
pub mod error;
pub mod offsets;
pub mod output;
pub mod pipeline;
pub mod reject;
pub mod script;
pub mod synonyms;
#[cfg(feature = "tantivy")]
pub mod tantivy;
pub mod terms;

mod ascii;
#[cfg(test)]
mod test_support;

pub use error::{Error, Result};
pub use pipeline::{Analysis, AnalyzeOptions, Canon, EntityMention};
