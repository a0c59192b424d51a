//! Errors the library reports as values, each with enough context (file, line,
//! record) for a user to find and fix the cause.

use std::path::PathBuf;

/// Everything that can go wrong inside canon's library.
///
/// Per-record problems in a corpus are not errors of this type: they are
/// rejects (see [`crate::decode::Reject`]) so that one bad line never stops a run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{path}: {cause}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying I/O error (shown in the message, so not chained again).
        cause: std::io::Error,
    },
    /// An alias table failed to load; every problem found is listed.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    AliasTable(Vec<crate::aliases::TableProblem>),
    /// A furniture file (`--boilerplate-from`) could not be read.
    #[error("{}:{line}: {message}", path.display())]
    Furniture {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// Writing the output stream failed (for instance the reader went away).
    #[error("writing output: {0}")]
    Output(std::io::Error),
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
