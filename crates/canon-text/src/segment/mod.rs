//! The word segmenter and the token type every segmenter produces. The
//! Chinese segmenter and the router by script live in `canon::segment`; these
//! are here because an alias's key is computed with them (see the
//! `canon-table` crate), also at build time.

pub mod words;

use std::borrow::Cow;

pub use words::WordSegmenter;

/// One index term and where it stands in the normalized text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Token<'t> {
    /// The index term: lowercased, possessive dropped, dots of acronyms removed.
    pub term: Cow<'t, str>,
    /// Byte offset of the token's first character in the normalized text.
    pub start: usize,
    /// Byte offset just past the token's last character in the normalized text.
    pub end: usize,
}

/// A segmenter for one kind of run: appends the tokens of `run`, which starts
/// at byte `base` of the normalized text, to `out`.
///
/// `lower` is `run` with ASCII letters lowercased (same length), so that
/// lowercase terms can borrow from it instead of allocating one string per token.
pub trait Segment {
    /// Segments `run` into tokens whose offsets are shifted by `base`.
    fn segment<'t>(&self, run: &'t str, lower: &'t str, base: usize, out: &mut Vec<Token<'t>>);
}
