//! `canon alias import`: alias tables from the formats users have, safe
//! against common words by default.
//!
//! Two formats are read, one module each: the Wikidata JSON dump
//! (`wikidata.rs`) and CSV/TSV with one row per alias (`delimited.rs`). Both
//! turn their input into *drafts* (an entity and its aliases as read) and
//! hand them to a collector (`collect.rs`), which applies the table-wide rules
//! in two passes:
//!
//! 1. while reading, each draft gets the ambiguity rule
//!    ([`crate::aliases::ambiguity`]) on its aliases, loses aliases that
//!    cannot match or add nothing, and is spilled to a temporary file; only
//!    what the second pass needs stays in memory (per entity its QID, the
//!    base of its id and its parent candidates; per alias key a 64-bit hash,
//!    its first owner and how many aliases have it);
//! 2. names more aliases share than a table may hold are left out of every
//!    entity (the spill read once more to find the entities left without
//!    aliases, which are skipped, only when there are such names), ids are
//!    settled, parents resolved and checked against the tables the
//!    output will be loaded with (a Wikidata dump's cycles and over-deep
//!    chains cut; a CSV/TSV file's unknown parents, cycles and over-deep
//!    chains reported with its other problems, nothing written), and the
//!    spilled drafts are read back, names shared between entities and generic organ names
//!    of a country's bodies (Ministry of Finance under Japan, through
//!    imported parents or the default table's) marked `needs = "support"`,
//!    and written as the output table (`output.rs`), atomically.
//!
//! So a dump of any size is read once (the imported part twice or three
//! times, from the spill), in memory bounded by the imported
//! part, and an imported table passes `canon alias check` except for what the
//! rules cannot decide (listed in the README).

mod collect;
mod delimited;
mod ids;
mod input;
mod output;
mod wikidata;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use output::{TableFormat, write_entity};
pub use wikidata::wikidata_lang_tag;

use super::TableProblem;
use crate::plural::count;
use crate::progress::Progress;
use crate::{Error, Result};

/// The input formats of `canon alias import`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The Wikidata JSON dump: a JSON array with one entity per line.
    Wikidata,
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
}

impl Format {
    /// The format a file name says: `.json` (Wikidata), `.csv`, `.tsv`, each
    /// optionally followed by `.gz`, `.bz2` or `.zst`.
    pub fn from_path(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        let inner = [".gz", ".bz2", ".zst"]
            .iter()
            .find_map(|suffix| name.strip_suffix(suffix))
            .unwrap_or(&name);
        if inner.ends_with(".json") {
            Some(Format::Wikidata)
        } else if inner.ends_with(".csv") {
            Some(Format::Csv)
        } else if inner.ends_with(".tsv") || inner.ends_with(".tab") {
            Some(Format::Tsv)
        } else {
            None
        }
    }
}

/// What `canon alias import` is asked to do.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The input file; `-` is standard input (then `format` is required).
    pub input: PathBuf,
    /// The table to write: `.toml` or `.jsonl`/`.ndjson`.
    pub output: PathBuf,
    /// The input's format; `None` takes it from the file name.
    pub format: Option<Format>,
    /// Wikidata language codes to import, in order of preference (`en`,
    /// `zh-hans`, ...); mapped onto canon's tags by [`wikidata_lang_tag`].
    pub langs: Vec<String>,
    /// Wikidata only: `KIND=CLASS,...` (`org=Q43229,Q4830453`), the P31
    /// classes that make an item an entity of that kind; repeatable, the
    /// first that matches wins. A class may be `@FILE` (QIDs separated by
    /// commas, spaces or lines; `#` starts a comment).
    pub kinds: Vec<String>,
    /// Whether the names and ids of the built-in table count: with
    /// [`crate::aliases::DefaultTable::Excluded`] (`--no-default-table`), a
    /// name shared with a built-in entity gets no `needs = "support"` and an
    /// id of the built-in table no suffix, for a table used alone.
    pub default_table: crate::aliases::DefaultTable,
}

/// The Wikidata language codes imported when none are given.
pub const DEFAULT_LANGS: &str = "en,mul,zh-hans,zh-cn,zh-hant,zh-tw,zh-hk,zh,ja,ko";

/// At most this many rejected records are kept for the report; all are counted.
const MAX_REPORTED: usize = 20;

/// At most this many widely shared names are listed in the summary; all are counted.
const WIDELY_SHARED_LISTED: usize = 5;

/// What an import did, for the report at its end.
#[derive(Debug, Clone, Default)]
pub struct ImportSummary {
    /// The table written.
    pub output: PathBuf,
    /// Input records read: entities of the dump, rows of a CSV/TSV file.
    pub records: u64,
    /// What a record is, in the singular and the plural: `("entity",
    /// "entities")` or `("row", "rows")`.
    pub record_names: (&'static str, &'static str),
    /// Entities written.
    pub entities: u64,
    /// Records not imported, by reason (`no matching class`, ...).
    pub skipped: BTreeMap<&'static str, u64>,
    /// Records that could not be read (malformed JSON); the first few are in `rejects`.
    pub rejected: u64,
    /// The first rejected records, as `file:line: reason`.
    pub rejects: Vec<TableProblem>,
    /// Aliases written.
    pub aliases: u64,
    /// Aliases the ambiguity rule made `case = "exact"` (frequent words and
    /// letter sequences, surnames).
    pub rule_case: u64,
    /// Aliases the ambiguity rule made `needs = "support"` (frequent words,
    /// short acronyms, possessives, surnames).
    pub rule_support: u64,
    /// Aliases made `needs = "support"` because another entity (imported or
    /// of the default table) has the same name.
    pub shared_support: u64,
    /// Aliases made `needs = "support"` because they are generic organ names
    /// (Ministry of Finance, Cabinet Office) of an organisation with a
    /// place among its ancestors: every country has one.
    pub organ_support: u64,
    /// Aliases left out, by reason (`single Han character`, ...).
    pub dropped: BTreeMap<&'static str, u64>,
    /// Names (alias keys) left out of every imported entity because more
    /// aliases normalize to them, counting the default table's, than a
    /// table may hold ([`crate::aliases::check::limits::ALIASES_PER_KEY`]):
    /// the loader would refuse the table, and so many namesakes cannot be
    /// told apart by the name anyway.
    pub widely_shared: u64,
    /// Aliases left out for [`ImportSummary::widely_shared`].
    pub widely_shared_aliases: u64,
    /// The first few of those names, the most shared first: an alias that
    /// normalizes to each, and how many aliases do.
    pub widely_shared_names: Vec<(String, u64)>,
    /// Entities written with a parent.
    pub parents: u64,
    /// Parent links left out because they closed a cycle.
    pub cycles_cut: u64,
    /// Parent links left out because the parent was skipped, all its names
    /// too widely shared (Wikidata; from a CSV/TSV file that is a problem).
    pub parents_widely_shared: u64,
    /// Parent links left out because they made a chain of parents deeper
    /// than a table may have ([`crate::aliases::check::limits::PARENT_DEPTH`]).
    pub deep_cut: u64,
    /// Entities whose id got a `-qNNN` suffix because another entity (imported
    /// or of the default table) has the same slug.
    pub ids_suffixed: u64,
    /// CSV/TSV columns that were not read.
    pub ignored_columns: Vec<String>,
}

impl ImportSummary {
    fn skip(&mut self, reason: &'static str) {
        *self.skipped.entry(reason).or_default() += 1;
    }

    fn drop_alias(&mut self, reason: &'static str) {
        *self.dropped.entry(reason).or_default() += 1;
    }

    fn reject(&mut self, problem: TableProblem) {
        self.rejected += 1;
        if self.rejects.len() < MAX_REPORTED {
            self.rejects.push(problem);
        }
    }
}

fn by_reason(counts: &BTreeMap<&'static str, u64>) -> String {
    counts
        .iter()
        .map(|(reason, n)| format!("{n} {reason}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl ImportSummary {
    /// The rejected records, one `file:line: reason` line each, and a
    /// count of those beyond the first [`MAX_REPORTED`]; empty when none
    /// was rejected. Printed even by `canon alias import --quiet`: they are
    /// data left out, not progress.
    pub fn rejects_report(&self) -> String {
        let mut out = String::new();
        for problem in &self.rejects {
            out.push_str(&problem.to_string());
            out.push('\n');
        }
        let unlisted = self.rejected - self.rejects.len() as u64;
        if unlisted > 0 {
            out.push_str(&format!(
                "and {}\n",
                count(unlisted, "more rejected record", "more rejected records")
            ));
        }
        out
    }
}

impl ImportSummary {
    /// The line on names left out for being too widely shared.
    fn write_widely_shared(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self
            .widely_shared_names
            .iter()
            .map(|(text, aliases)| format!("{text:?} ({aliases} aliases)"))
            .collect();
        let unlisted = self.widely_shared - self.widely_shared_names.len() as u64;
        let more = if unlisted > 0 {
            format!(", and {unlisted} more")
        } else {
            String::new()
        };
        writeln!(
            f,
            "{} left out of every entity, {}: more than {} aliases normalize to {} (the limit of a table), too many to tell their entities apart: {}{more}",
            count(self.widely_shared, "name", "names"),
            count(self.widely_shared_aliases, "alias", "aliases"),
            crate::aliases::check::limits::ALIASES_PER_KEY,
            if self.widely_shared == 1 {
                "it"
            } else {
                "each"
            },
            names.join(", "),
        )
    }
}

/// The summary of what was imported, without the rejected records
/// ([`ImportSummary::rejects_report`]).
impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let skipped: u64 = self.skipped.values().sum();
        let (one, many) = self.record_names;
        write!(
            f,
            "read {}: {} imported, {} skipped",
            count(self.records, one, many),
            count(self.entities, "entity", "entities"),
            skipped
        )?;
        if skipped > 0 {
            write!(f, " ({})", by_reason(&self.skipped))?;
        }
        writeln!(f, ", {} rejected", self.rejected)?;
        write!(
            f,
            "{}; by the ambiguity rule: {} case = \"exact\", {} needs = \"support\"; shared names: {} needs = \"support\"",
            count(self.aliases, "alias", "aliases"),
            self.rule_case,
            self.rule_support,
            self.shared_support
        )?;
        if self.organ_support > 0 {
            write!(
                f,
                "; generic organ names of a country's bodies: {} needs = \"support\"",
                self.organ_support
            )?;
        }
        let dropped: u64 = self.dropped.values().sum();
        if dropped > 0 {
            write!(f, "; {dropped} left out ({})", by_reason(&self.dropped))?;
        }
        writeln!(f)?;
        if self.widely_shared > 0 {
            self.write_widely_shared(f)?;
        }
        write!(f, "{}", count(self.parents, "parent", "parents"))?;
        if self.cycles_cut > 0 {
            write!(f, " ({} more left out to break cycles)", self.cycles_cut)?;
        }
        if self.parents_widely_shared > 0 {
            write!(
                f,
                " ({} more left out: the parent skipped, its names all too widely shared)",
                self.parents_widely_shared
            )?;
        }
        if self.deep_cut > 0 {
            write!(
                f,
                " ({} more left out: chains of parents over {} deep)",
                self.deep_cut,
                crate::aliases::check::limits::PARENT_DEPTH
            )?;
        }
        if self.ids_suffixed > 0 {
            write!(
                f,
                "; {} (slug taken)",
                count(
                    self.ids_suffixed,
                    "id suffixed with its QID",
                    "ids suffixed with their QID"
                )
            )?;
        }
        writeln!(f)?;
        if !self.ignored_columns.is_empty() {
            writeln!(f, "ignored columns: {}", self.ignored_columns.join(", "))?;
        }
        write!(
            f,
            "wrote {}; `canon alias check {}` lists what the rules could not decide",
            self.output.display(),
            self.output.display()
        )
    }
}

/// Imports `options.input` into the table `options.output`.
///
/// `progress`, when given, is advanced by the input bytes read (compressed
/// bytes for a compressed file); its length is set when the size is known.
///
/// Errors: unreadable input or unwritable output, options that do not fit
/// ([`Error::ImportOptions`]), a CSV/TSV file with problems: rows that
/// cannot be read or disagree, parents that are not imported nor default
/// ids (unless `--no-default-table` leaves those out), parents in a cycle
/// or too deep (every one listed, [`Error::ImportInput`]; nothing is
/// written). Malformed lines of a Wikidata dump do not stop the import: they
/// are counted in [`ImportSummary::rejected`]. An input that fails to read
/// part way (a damaged or cut compressed file, trailing garbage after its
/// last member) stops it: [`Error::ImportInput`] at the line being read,
/// or [`Error::Io`] when not a byte could be read.
pub fn import(options: &ImportOptions, progress: Option<&dyn Progress>) -> Result<ImportSummary> {
    let format = match options.format {
        Some(format) => format,
        None => Format::from_path(&options.input).ok_or_else(|| {
            Error::ImportOptions(format!(
                "{}: cannot tell the format from the name (.json, .csv or .tsv, optionally .gz/.bz2/.zst); use --format",
                options.input.display()
            ))
        })?,
    };
    let table_format = TableFormat::from_path(&options.output).ok_or_else(|| {
        Error::ImportOptions(format!(
            "{}: the output must be a .toml or .jsonl table",
            options.output.display()
        ))
    })?;
    refuse_overwriting_input(&options.input, &options.output)?;
    if format != Format::Wikidata && !options.kinds.is_empty() {
        return Err(Error::ImportOptions(
            "--kind applies to Wikidata dumps; a CSV/TSV file has a kind column".into(),
        ));
    }
    let mut summary = ImportSummary {
        output: options.output.clone(),
        record_names: if format == Format::Wikidata {
            ("entity", "entities")
        } else {
            ("row", "rows")
        },
        ..ImportSummary::default()
    };
    let name = options.input.display().to_string();
    let mut collector = collect::Collector::new(&options.output, &name)?;
    let reader = input::open(&options.input, progress)?;
    match format {
        Format::Wikidata => {
            let langs = wikidata::Languages::parse(&options.langs)?;
            let kinds = wikidata::KindClasses::parse(&options.kinds)?;
            wikidata::read(
                reader,
                &name,
                &langs,
                &kinds,
                &mut collector,
                &mut summary,
                progress,
            )?;
        }
        Format::Csv | Format::Tsv => {
            let delimiter = if format == Format::Csv { b',' } else { b'\t' };
            delimited::read(reader, &name, delimiter, &mut collector, &mut summary)?;
        }
    }
    if let Some(progress) = progress {
        progress.set_message("writing".into());
    }
    collector.finish(
        table_format,
        &options.output,
        options.default_table,
        &mut summary,
    )?;
    Ok(summary)
}

/// Fails when `output` is `input` (or a link to it): the import reads its
/// input to the end before the output replaces anything, but a table that
/// replaced its own source would lose it.
fn refuse_overwriting_input(input: &Path, output: &Path) -> Result<()> {
    let same = match (input.canonicalize(), output.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => input == output,
    };
    if same {
        return Err(Error::ImportOptions(format!(
            "{}: the output would replace the input",
            output.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_names() {
        let format = |name: &str| Format::from_path(Path::new(name));
        assert_eq!(format("latest-all.json.bz2"), Some(Format::Wikidata));
        assert_eq!(format("dump.JSON.gz"), Some(Format::Wikidata));
        assert_eq!(format("orgs.csv"), Some(Format::Csv));
        assert_eq!(format("x/orgs.tsv.zst"), Some(Format::Tsv));
        assert_eq!(format("orgs.toml"), None);
        assert_eq!(format("-"), None);
    }

    #[test]
    fn rejects_beyond_those_listed_are_counted() {
        let mut summary = ImportSummary::default();
        assert_eq!(summary.rejects_report(), "");
        for line in 1..=MAX_REPORTED + 1 {
            summary.reject(TableProblem {
                file: "d.json".into(),
                line,
                message: "not a Wikidata entity".into(),
            });
        }
        let report = summary.rejects_report();
        assert!(report.starts_with("d.json:1: not a Wikidata entity\n"));
        assert!(
            report.ends_with("d.json:20: not a Wikidata entity\nand 1 more rejected record\n"),
            "{report}"
        );
        summary.reject(TableProblem {
            file: "d.json".into(),
            line: 99,
            message: "not a Wikidata entity".into(),
        });
        assert!(
            summary
                .rejects_report()
                .ends_with("and 2 more rejected records\n")
        );
    }

    #[test]
    fn widely_shared_names_beyond_those_listed_are_counted() {
        let mut summary = ImportSummary {
            widely_shared: WIDELY_SHARED_LISTED as u64 + 2,
            widely_shared_aliases: 700,
            ..ImportSummary::default()
        };
        assert!(
            !ImportSummary::default()
                .to_string()
                .contains("left out of every entity")
        );
        summary.widely_shared_names = (0..WIDELY_SHARED_LISTED)
            .map(|k| (format!("Name {k}"), 100 - k as u64))
            .collect();
        let text = summary.to_string();
        assert!(
            text.contains(
                "\n7 names left out of every entity, 700 aliases: more than 64 aliases normalize to each (the limit of a table), too many to tell their entities apart: \"Name 0\" (100 aliases), \"Name 1\" (99 aliases), \"Name 2\" (98 aliases), \"Name 3\" (97 aliases), \"Name 4\" (96 aliases), and 2 more\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn the_output_never_replaces_the_input() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("a.csv");
        std::fs::write(&input, "id,name,kind,lang,alias\n").unwrap();
        let error = refuse_overwriting_input(&input, &input).unwrap_err();
        assert!(error.to_string().contains("would replace the input"));
        #[cfg(unix)]
        {
            let link = dir.path().join("b.csv");
            std::os::unix::fs::symlink(&input, &link).unwrap();
            assert!(refuse_overwriting_input(&input, &link).is_err());
        }
        assert!(refuse_overwriting_input(&input, &dir.path().join("out.toml")).is_ok());
    }
}
