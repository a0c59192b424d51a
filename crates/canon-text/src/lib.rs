//! canon's text layer: what both a document and an alias table go through
//! before they can meet.
//!
//! * [`normalize`]: Unicode normalization that keeps offsets into the
//!   original, and [`normalize::chinese`], the traditional-to-simplified fold;
//! * [`script`]: which writing system a character belongs to;
//! * [`segment`]: the [`segment::Token`] every segmenter produces and the
//!   word segmenter for everything that is not Han text.
//!
//! It is a crate of its own so that the alias table's compiler
//! (`canon-table`) can compute an alias's key exactly as canon computes a
//! document's terms, also inside `build.rs`, where the built-in table is
//! compiled.

#[doc(hidden)]
pub mod ascii;
pub mod normalize;
pub mod script;
pub mod segment;
