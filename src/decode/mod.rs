//! Stage 0: finding input files and turning bytes into records of text.
//!
//! * [`inputs`]: command-line paths, folders (walked recursively in sorted
//!   order, following symbolic links, hidden entries skipped), standard
//!   input; `.jsonl`/`.ndjson` files and standard input hold one JSON record
//!   per line, any other file is one plain-text document; gzip (`.gz`),
//!   zstd (`.zst`) and bzip2 (`.bz2`) are decompressed. Unreadable paths
//!   are listed in place.
//! * [`compressed`]: gzip and bzip2 members read in turn, zero padding after
//!   the last one skipped as `gzip -d` does.
//! * [`names`]: the reversible name of a path in records and messages.
//! * [`utf16`]: UTF-16 streams transcoded to UTF-8 before lines are split.
//! * [`lines`]: lines and documents, never more than the byte limit of one
//!   record in memory (a longer one is kept as its head, length and hash).
//! * [`encoding`]: bytes to text (UTF-8, or the encodings detected, per
//!   paragraph when they differ), with a warning when the result is doubtful.
//! * [`record`]: a JSON Lines record's fields as written, and its text.
//! * [`binary`]: binary data told apart from text.

pub mod binary;
mod char_classes;
pub(crate) mod compressed;
pub mod encoding;
pub mod inputs;
pub mod lines;
pub mod names;
pub mod record;
pub mod utf16;

pub use binary::binary_reason;
pub use encoding::{Decoded, EncodingNote, EncodingPart, decode_text};
pub use inputs::{
    Compression, FileId, Input, InputFile, Layout, SkipKind, SkippedPath, StandardStream,
    expand_inputs,
};
pub use lines::{BufferedRead, LineReader, ReadRecord, is_blank_line, read_document};
pub use names::path_name;
pub use record::{Field, Record, parse_json_record};
