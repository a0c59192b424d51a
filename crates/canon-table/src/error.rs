//! Errors of the table crate as values, each with the file it concerns.

use std::path::PathBuf;

/// What can go wrong reading an alias table from disk.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A table file could not be read.
    #[error("{}: {cause}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying I/O error (shown in the message, so not chained again).
        cause: std::io::Error,
    },
    /// A compiled table (`.canonidx`) cannot be used.
    #[error("{}: {cause}", path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        cause: crate::FormatError,
    },
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
