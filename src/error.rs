//! Errors the library reports as values, each with enough context (file, line,
//! record) for a user to find and fix the cause.

use std::path::PathBuf;

use crate::decode::path_name;

/// Everything that can go wrong inside canon's library.
///
/// Per-record problems in a corpus are not errors of this type: they are
/// rejects (see [`crate::reject::Reject`]) so that one bad line never stops
/// a run; nor are unreadable input paths, which are reported and skipped
/// (see [`crate::decode::SkippedPath`]).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or folder could not be read or written.
    #[error("{}: {cause}", path_name(path))]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying I/O error (shown in the message, so not chained again).
        cause: std::io::Error,
    },
    /// An output file could not be created (its folder is missing, not
    /// writable, or the name is a folder): said as the output's, so that
    /// it does not read like a missing input.
    #[error("cannot create output {}: {cause}", path_name(path))]
    CreateOutput {
        /// The output as given.
        path: PathBuf,
        /// The underlying I/O error.
        cause: std::io::Error,
    },
    /// An output named for a compression canon does not write (`.xz`,
    /// `.lz4`, ...): written plain under that name, it would be read back
    /// as binary by every tool that trusts the name.
    #[error(
        "refusing to write {output}: canon compresses outputs named .gz, .zst or .bz2, not {suffix}; give one of those or a plain name; nothing was written"
    )]
    UnsupportedCompression {
        /// The output's name.
        output: String,
        /// The suffix, with its dot.
        suffix: String,
    },
    /// An alias table failed to load; every problem found is listed.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    AliasTable(Vec<crate::aliases::TableProblem>),
    /// A compiled alias table (`.canonidx`) cannot be used: not a table, of
    /// another format version, damaged.
    #[error("{}: {cause}", path_name(path))]
    CompiledTable {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        cause: crate::aliases::FormatError,
    },
    /// A compiled alias table was given with other tables: compile them
    /// together instead.
    #[error(
        "{}: a compiled table cannot be combined with other tables; compile them together with `canon alias compile`",
        path_name(path)
    )]
    CompiledWithOthers {
        /// The compiled table.
        path: PathBuf,
    },
    /// A compiled alias table that holds the built-in table was given with
    /// the built-in table left out (`--no-default-table`): what a compiled
    /// table holds was decided when it was compiled.
    #[error(
        "{}: this compiled table holds the default table, which --no-default-table leaves out; compile it again with `canon alias compile --no-default-table`",
        path_name(path)
    )]
    CompiledWithDefaultTable {
        /// The compiled table.
        path: PathBuf,
    },
    /// `canon alias compile --no-default-table` was given no table: there
    /// is nothing to compile.
    #[error(
        "nothing to compile: --no-default-table leaves the default table out, and no table was given"
    )]
    NothingToCompile,
    /// The input of `canon alias import` cannot be imported; every problem
    /// found is listed as `file:line: message`, and nothing is written.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    ImportInput(Vec<crate::aliases::TableProblem>),
    /// The options of `canon alias import` do not fit (an unknown language
    /// code, a kind without classes, an output that is also the input).
    #[error("{0}")]
    ImportOptions(String),
    /// `canon alias list --lang TAG` asks for a language that no alias of
    /// the tables has (tags are compared ignoring case, as BCP 47 has it).
    #[error("{}", unknown_language(tag, known))]
    UnknownLanguage {
        /// The tag asked for.
        tag: String,
        /// The tags the tables have, sorted.
        known: Vec<String>,
    },
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
    /// An output is one of the inputs: writing it would destroy the input.
    #[error(
        "refusing to write {output}: it is the input {input} (the same file); nothing was written"
    )]
    OutputIsInput {
        /// The output's name (`standard output` for a redirection).
        output: String,
        /// The input's name.
        input: String,
    },
    /// `-o` and `--rejects` are the same file.
    #[error(
        "refusing to write both the output and the rejects to one file ({first} and {second}); nothing was written"
    )]
    SameOutputs {
        /// One output's name.
        first: String,
        /// The other's.
        second: String,
    },
}

fn unknown_language(tag: &str, known: &[String]) -> String {
    if known.is_empty() {
        format!("no alias is in language {tag:?}: the tables have no aliases")
    } else {
        format!(
            "no alias is in language {tag:?}; the tables' aliases are in {}",
            known.join(", ")
        )
    }
}

impl From<canon_table::Error> for Error {
    fn from(error: canon_table::Error) -> Error {
        match error {
            canon_table::Error::Io { path, cause } => Error::Io { path, cause },
            canon_table::Error::Format { path, cause } => Error::CompiledTable { path, cause },
        }
    }
}

impl Error {
    /// Whether this is the reader of standard output going away (`| head`),
    /// which Unix filters take as the end of the job rather than an error.
    pub fn is_closed_pipe(&self) -> bool {
        matches!(self, Error::Output(cause) if cause.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
