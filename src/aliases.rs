//! The alias table (the `canon-table` crate, re-exported here so that
//! `canon::aliases::...` paths keep working), with the built-in table that
//! `build.rs` compiles into the binary, and the importers that make tables
//! from the data users have (`canon alias import`).
//!
//! ## Several tables
//!
//! canon matches with one compiled table per process. Without `--aliases`
//! it is the built-in table, read in place from the binary. User tables are
//! layered over it by compiling them together with it: later tables add
//! entities or replace earlier ones with the same id, exactly as
//! [`canon_table::check::merge_and_check`] merges sources, and shared names
//! across tables are checked once over the whole. So that this costs
//! nothing at start-up, `canon alias compile TABLE... -o t.canonidx` does it
//! once: the file holds the built-in table with the user's tables on top,
//! and `--aliases t.canonidx` maps it instead of the built-in table.
//! `--no-default-table` ([`DefaultTable::Excluded`]) leaves the built-in
//! table out, at load or at compile time: the user's tables are then the
//! whole table. TOML and
//! JSON Lines tables given with `--aliases` are merged and compiled in
//! memory at each start (parsing the built-in table's sources too), as
//! tables always were. A compiled table records the checksum of the
//! built-in table it holds, so that a canon built with another built-in
//! table can say it is stale ([`AliasTable::stale_builtin`]).

use std::ops::Deref;
use std::path::Path;
use std::sync::OnceLock;

pub use canon_table::*;

pub mod import;

/// Bytes aligned to 8, so that an embedded compiled table is read in place.
#[repr(C, align(8))]
struct Aligned<T: ?Sized>(T);

/// The built-in table, compiled by `build.rs` from `data/aliases/*.toml`.
static BUILTIN: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(
    env!("OUT_DIR"),
    "/default.canonidx"
)));

/// The East Asian index of the built-in table's key trie, made by
/// `build.rs` (see `canon_table::AliasTable::east_asian_index_bytes`).
static BUILTIN_EAST_ASIAN_INDEX: &Aligned<[u8]> =
    &Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/default.cjkidx")));

/// The alias table canon matches with: the built-in table, a compiled
/// `.canonidx` file, or tables compiled in memory, all read through
/// [`canon_table::AliasTable`] (which this dereferences to).
#[derive(Debug, Clone)]
pub struct AliasTable(canon_table::AliasTable);

impl Deref for AliasTable {
    type Target = canon_table::AliasTable;

    fn deref(&self) -> &canon_table::AliasTable {
        &self.0
    }
}

impl AliasTable {
    /// The built-in table, read in place from the binary (checked once per
    /// process; clones share it).
    pub fn builtin() -> AliasTable {
        static TABLE: OnceLock<canon_table::AliasTable> = OnceLock::new();
        AliasTable(
            TABLE
                .get_or_init(|| {
                    let table = canon_table::AliasTable::from_static(&BUILTIN.0)
                        .expect("the built-in table compiled by build.rs is valid");
                    let taken = table.set_east_asian_index(&BUILTIN_EAST_ASIAN_INDEX.0);
                    // Not taken: a big-endian target, or no index (empty
                    // bytes: a table too large for one); else a mismatch.
                    debug_assert!(
                        taken
                            || cfg!(target_endian = "big")
                            || BUILTIN_EAST_ASIAN_INDEX.0.is_empty(),
                        "build.rs wrote the East Asian index of another table"
                    );
                    table
                })
                .clone(),
        )
    }

    /// The built-in table plus `extra` tables (TOML or JSON Lines), later
    /// ones adding entities or replacing earlier entities with the same id.
    /// Without extra tables this is [`Self::builtin`]; with them, every
    /// table is parsed, checked and compiled in memory.
    ///
    /// Fails with every error found; problems that do not stop matching
    /// (an alias that normalizes to nothing, an unmarked shared alias) are kept
    /// as [`canon_table::AliasTable::warnings`].
    pub fn load(extra: &[TableSource]) -> Result<AliasTable, Vec<TableProblem>> {
        Self::load_with(extra, DefaultTable::Included)
    }

    /// [`Self::load`], with the built-in table under it or not: with
    /// [`DefaultTable::Excluded`], `extra` alone (none: a table without
    /// entities, which matches nothing).
    pub fn load_with(
        extra: &[TableSource],
        default: DefaultTable,
    ) -> Result<AliasTable, Vec<TableProblem>> {
        match default {
            DefaultTable::Included if extra.is_empty() => Ok(AliasTable::builtin()),
            DefaultTable::Included => {
                let mut sources = TableSource::default_tables();
                sources.extend_from_slice(extra);
                AliasTable::compile_sources(&sources).map(AliasTable::wrap)
            }
            DefaultTable::Excluded => AliasTable::compile_sources(extra).map(AliasTable::wrap),
        }
    }

    /// The built-in table plus the tables in `paths` (TOML, or JSON Lines by
    /// extension), later ones adding entities or replacing earlier entities
    /// with the same id: what `--aliases FILE` loads. A compiled table
    /// (`.canonidx`, see [`is_compiled_table`]) is mapped instead, on its
    /// own: it holds the built-in table unless compiled without it.
    ///
    /// Errors: [`crate::Error::Io`] for a file that cannot be read,
    /// [`crate::Error::CompiledWithOthers`] for a compiled table given with
    /// others, [`crate::Error::AliasTable`] listing every problem of the
    /// tables as `file:line: message`, and the compiled format's errors.
    pub fn load_files<P: AsRef<Path>>(paths: &[P]) -> crate::Result<AliasTable> {
        Self::load_files_with(paths, DefaultTable::Included)
    }

    /// [`Self::load_files`], with the built-in table under the tables in
    /// `paths` or not (`--no-default-table`): with [`DefaultTable::Excluded`]
    /// the tables in `paths` alone, and none is a table without entities.
    ///
    /// Errors: those of [`Self::load_files`], and
    /// [`crate::Error::CompiledWithDefaultTable`] for a compiled table that
    /// holds the built-in table, given with [`DefaultTable::Excluded`] (what
    /// a compiled table holds was decided when it was compiled: `canon alias
    /// compile --no-default-table` makes one without it).
    pub fn load_files_with<P: AsRef<Path>>(
        paths: &[P],
        default: DefaultTable,
    ) -> crate::Result<AliasTable> {
        if let Some(compiled) = paths.iter().find(|path| is_compiled_table(path.as_ref())) {
            if paths.len() > 1 {
                return Err(crate::Error::CompiledWithOthers {
                    path: compiled.as_ref().to_path_buf(),
                });
            }
            let table = AliasTable::open(compiled.as_ref())?;
            if default == DefaultTable::Excluded && table.includes_builtin() {
                return Err(crate::Error::CompiledWithDefaultTable {
                    path: compiled.as_ref().to_path_buf(),
                });
            }
            return Ok(table);
        }
        let sources = paths
            .iter()
            .map(|path| TableSource::read(path.as_ref()).map_err(crate::Error::from))
            .collect::<crate::Result<Vec<_>>>()?;
        AliasTable::load_with(&sources, default).map_err(crate::Error::AliasTable)
    }

    /// This table with its first terms looked up in batches or word by
    /// word ([`canon_table::AliasTable::with_first_term_batches`]): an
    /// expert knob, for tests and benchmarks; matching finds the same
    /// mentions either way.
    pub fn with_first_term_batches(self, on: bool) -> AliasTable {
        AliasTable(self.0.with_first_term_batches(on))
    }

    /// A table from exactly `sources` (no built-in table), compiled in memory.
    pub fn from_sources(sources: &[TableSource]) -> Result<AliasTable, Vec<TableProblem>> {
        canon_table::AliasTable::from_sources(sources).map(AliasTable)
    }

    /// The compiled table at `path` (written by `canon alias compile`),
    /// mapped: it replaces the built-in table, which it holds.
    pub fn open(path: &Path) -> crate::Result<AliasTable> {
        Ok(AliasTable(canon_table::AliasTable::open(path)?))
    }

    /// The compiled bytes of `sources` merged in order and checked: when
    /// they include the built-in table's sources, the bytes record which
    /// built-in table they hold. For tables compiled in memory at start-up:
    /// the Chinese segmenter adds their names itself if Han text comes.
    pub fn compile_sources(sources: &[TableSource]) -> Result<Vec<u8>, Vec<TableProblem>> {
        Self::compile_sources_with(sources, None)
    }

    /// [`Self::compile_sources`] for `canon alias compile`: the bytes also
    /// hold what the Chinese segmenter derives from the table's names
    /// ([`crate::segment::dictionary::Dictionary::derive_table_words`]), a
    /// second of work for a million aliases done once here instead of at
    /// every run that meets Han text.
    pub fn compile_file_sources(sources: &[TableSource]) -> Result<Vec<u8>, Vec<TableProblem>> {
        let derive =
            |words: &[String]| crate::segment::dictionary::Dictionary::derive_table_words(words);
        Self::compile_sources_with(sources, Some(&derive))
    }

    fn compile_sources_with(
        sources: &[TableSource],
        segmenter: Option<&canon_table::segmenter::DeriveSegmenterWords<'_>>,
    ) -> Result<Vec<u8>, Vec<TableProblem>> {
        let builtin = sources.iter().any(TableSource::is_builtin);
        let provenance = compile::Provenance {
            builtin,
            builtin_checksum: if builtin {
                AliasTable::builtin().checksum()
            } else {
                0
            },
        };
        canon_table::compile_sources_with(sources, provenance, segmenter)
    }

    fn wrap(bytes: Vec<u8>) -> AliasTable {
        AliasTable(
            canon_table::AliasTable::from_vec(bytes).expect("a table just compiled is valid"),
        )
    }

    /// When this table holds a built-in table other than this canon's (it
    /// was compiled by a canon with another built-in table): a message
    /// saying so, for a warning.
    pub fn stale_builtin(&self) -> Option<String> {
        let ours = AliasTable::builtin().checksum();
        (self.includes_builtin() && self.builtin_checksum() != 0 && self.builtin_checksum() != ours)
            .then(|| {
                "it was compiled with another canon's built-in table; compile it again to pick up this one's".to_string()
            })
    }

    /// The table canon reads (to pass to functions of `canon_table`).
    pub fn compiled(&self) -> &canon_table::AliasTable {
        &self.0
    }
}

/// Whether the built-in table is loaded under the user's tables.
///
/// It is by default: the user's entities join the world-news ones, and
/// replace those with the same id. A table of one's own alone (a product
/// catalogue, a company registry) leaves it out (`--no-default-table`,
/// [`crate::CanonBuilder::default_table`]): the output then names only the
/// user's entities, no built-in entity competes for their names (one that
/// shares a name with them makes the document decide between them, or takes
/// the name when only its own alias is plain: `canon alias check` lists such
/// names), and the Chinese segmenter adds only the user's names to jieba's
/// dictionary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DefaultTable {
    /// The built-in table first, the user's tables on top.
    #[default]
    Included,
    /// The user's tables alone.
    Excluded,
}

/// Whether `path` is a compiled table: named `.canonidx`, or starting with
/// the compiled tables' magic bytes.
pub fn is_compiled_table(path: &Path) -> bool {
    if path.extension().is_some_and(|e| e == "canonidx") {
        return true;
    }
    let mut magic = [0; 8];
    std::fs::File::open(path)
        .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut magic))
        .is_ok_and(|()| magic == format::MAGIC)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index `build.rs` embeds is the one a step would make from the
    /// embedded table, and a table read from the embedded bytes takes it.
    #[test]
    fn the_embedded_east_asian_index_is_the_one_a_step_makes() {
        let made = canon_table::AliasTable::from_static(&BUILTIN.0).unwrap();
        assert!(!made.east_asian_index_ready());
        assert_eq!(
            made.east_asian_index_bytes().as_deref(),
            Some(&BUILTIN_EAST_ASIAN_INDEX.0[..])
        );
        let read = canon_table::AliasTable::from_static(&BUILTIN.0).unwrap();
        assert!(read.set_east_asian_index(&BUILTIN_EAST_ASIAN_INDEX.0));
        assert!(read.east_asian_index_ready());
    }
}
