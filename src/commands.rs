//! The commands behind the `canon` binary, writing to the streams they are
//! given so that they can be tested without a process.
//!
//! Exit statuses: 0 success; 1 records rejected, names unknown or table
//! problems found; 2 usage errors and fatal errors (returned as `Err`).

use std::collections::BTreeMap;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::aliases::{AliasTable, DefaultTable, Kind, Lookup, TableSource, is_compiled_table};
use crate::corpus::{self, CorpusOptions, Observer, Reject, Summary};
use crate::decode::{Compression, Input, SkippedPath, expand_inputs};
use crate::output::{self, Output};
use crate::pipeline::Canon;
use crate::plural::count;
use crate::{Error, Result};

/// A command's outcome when it ran to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Everything went through.
    Success = 0,
    /// Some records were rejected, names were unknown or a table has problems.
    Problems = 1,
    /// Some input paths could not be read; the others were processed and
    /// the outputs written (grep's behaviour).
    UnreadableInputs = 2,
}

impl Status {
    /// The status of a `normalize` run that produced `summary`.
    fn of_run(summary: &Summary) -> Status {
        if summary.unreadable_paths > 0 {
            Status::UnreadableInputs
        } else if summary.rejected > 0 {
            Status::Problems
        } else {
            Status::Success
        }
    }
}

/// Loads the default alias table (unless `default` leaves it out) plus user
/// tables, or fails listing every error (see [`AliasTable::load_files_with`]).
pub fn load_table(extra: &[PathBuf], default: DefaultTable) -> Result<AliasTable> {
    AliasTable::load_files_with(extra, default)
}

/// Options of `canon normalize`.
#[derive(Debug, Clone, Default)]
pub struct NormalizeArgs {
    /// Files and folders; none or `-` means standard input.
    pub inputs: Vec<PathBuf>,
    /// Extra alias tables.
    pub aliases: Vec<PathBuf>,
    /// Whether the built-in table is under them (`--no-default-table`).
    pub default_table: DefaultTable,
    /// Per-run options.
    pub corpus: CorpusOptions,
    /// Write rejected records here (JSON Lines with the reason).
    pub rejects: Option<PathBuf>,
    /// Write output here instead of standard output (compressed by extension).
    pub output: Option<PathBuf>,
    /// No progress and no summary line.
    pub quiet: bool,
    /// Token choices (search mode).
    pub analyze: crate::pipeline::AnalyzeOptions,
    /// Read every input with this layout instead of judging by file name.
    pub layout: Option<crate::decode::Layout>,
    /// Furniture files from `canon boilerplate learn` (`--boilerplate-from`).
    pub boilerplate_from: Vec<PathBuf>,
}

/// How many of the alias tables' warnings `canon normalize` prints before
/// it counts the rest: a table imported from a large source can carry
/// thousands (names shared with the built-in table that nobody marked), and
/// every run, every task of a cluster job, would print them all again.
/// `canon alias check` with the same files lists them all.
const TABLE_WARNINGS_SHOWN: usize = 10;

/// The `canon alias check` command that lists every warning of the tables
/// at `paths`, quoted for a POSIX shell (by `shlex`) so that it can be run
/// as printed (a path that is not UTF-8 is shown lossily, as everywhere
/// in canon's messages); `--` goes before the paths when one starts with
/// `-`, which the command would otherwise take for an option.
fn alias_check_command(paths: &[PathBuf], default: DefaultTable) -> String {
    let paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let dashes = paths.iter().any(|p| p.starts_with('-'));
    let words: Vec<&str> = ["canon", "alias", "check"]
        .into_iter()
        .chain((default == DefaultTable::Excluded).then_some("--no-default-table"))
        .chain(dashes.then_some("--"))
        .chain(paths.iter().map(String::as_str))
        .collect();
    // Only a NUL byte cannot be quoted, and no path holds one; unquoted
    // words are still the best hint if one ever did.
    shlex::try_join(words.iter().copied()).unwrap_or_else(|_| words.join(" "))
}

/// `canon normalize`: runs the pipeline over the inputs.
///
/// Outputs are refused before anything is written when one of them is an
/// input; they are written atomically (see [`crate::output`]). Unreadable
/// input paths are reported on `stderr` as `canon: PATH: reason` and the
/// rest is processed ([`Status::UnreadableInputs`]). When the reader of
/// standard output goes away (`| head`), the run stops quietly, with the
/// status of what was read until then.
pub fn normalize(
    args: &NormalizeArgs,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<Status> {
    let canon = Canon::builder()
        .aliases(&args.aliases)
        .default_table(args.default_table)
        .boilerplate_from(&args.boilerplate_from)
        .options(args.analyze)
        .build()?;
    if !args.quiet {
        // The warning that asks for a new compile first: the table's own
        // may run to thousands.
        if let (Some(stale), [path]) = (canon.table().stale_builtin(), args.aliases.as_slice()) {
            let _ = writeln!(stderr, "warning: {}: {stale}", path.display());
        }
        let warnings = canon.table().warnings();
        for warning in warnings.iter().take(TABLE_WARNINGS_SHOWN) {
            let _ = writeln!(stderr, "warning: {warning}");
        }
        if warnings.len() > TABLE_WARNINGS_SHOWN {
            let command = alias_check_command(&args.aliases, args.default_table);
            let _ = writeln!(
                stderr,
                "warning: and {} more about the alias tables (`{command}` lists them all)",
                warnings.len() - TABLE_WARNINGS_SHOWN,
            );
        }
    }
    let inputs = expand_inputs(&args.inputs, args.layout);
    let output_paths: Vec<&Path> = [&args.output, &args.rejects]
        .into_iter()
        .flatten()
        .map(PathBuf::as_path)
        .collect();
    output::check_outputs(&inputs, &output_paths, args.output.is_none())?;
    if !output_paths.is_empty() {
        output::remove_temporary_files_on_signals()?;
    }
    let total_bytes: Option<u64> = inputs
        .iter()
        .map(|input| match input {
            Input::File(file) => (file.compression == Compression::None)
                .then(|| file.size())
                .flatten(),
            Input::Skipped(_) => Some(0),
        })
        .sum();
    let rejects = args.rejects.as_deref().map(Output::create).transpose()?;
    let mut out_file = args.output.as_deref().map(Output::create).transpose()?;
    let mut observer = StderrObserver {
        stderr,
        rejects,
        progress: (!args.quiet && std::io::stderr().is_terminal())
            .then(|| progress_bar(total_bytes)),
        quiet: args.quiet,
    };
    let (summary, outcome) = match &mut out_file {
        Some(out) => corpus::run(&canon, &inputs, &args.corpus, out, &mut observer),
        None => {
            let mut out = BufWriter::with_capacity(1 << 16, stdout);
            let (summary, outcome) =
                corpus::run(&canon, &inputs, &args.corpus, &mut out, &mut observer);
            let flushed = out.flush().map_err(Error::Output);
            (summary, outcome.and(flushed))
        }
    };
    if let Some(bar) = &observer.progress {
        bar.finish_and_clear();
    }
    let rejects = observer.rejects.take();
    match outcome {
        Ok(()) => {}
        // The reader of standard output went away (`| head`): the job is
        // done as far as it wanted. The rejects of what was read are kept.
        Err(error) if error.is_closed_pipe() => {
            output::commit(rejects.into_iter().collect())?;
            return Ok(Status::of_run(&summary));
        }
        // Outputs are dropped unfinished: their temporary files go.
        Err(error) => return Err(error),
    }
    output::commit(out_file.into_iter().chain(rejects).collect())?;
    if !args.quiet {
        let _ = writeln!(observer.stderr, "{summary}");
    }
    Ok(Status::of_run(&summary))
}

/// The bar of a run over `total_bytes` (or an unknown size), in decimal
/// units (MB, MB/s) as the summary line counts them.
fn progress_bar(total_bytes: Option<u64>) -> indicatif::ProgressBar {
    let bar = match total_bytes {
        Some(total) => indicatif::ProgressBar::new(total).with_style(
            indicatif::ProgressStyle::with_template(
                "{msg} {bar:30} {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} ETA {eta}",
            )
            .expect("valid template"),
        ),
        None => indicatif::ProgressBar::no_length().with_style(
            indicatif::ProgressStyle::with_template("{msg} {decimal_bytes} {decimal_bytes_per_sec} {elapsed}")
                .expect("valid template"),
        ),
    };
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
    bar
}

struct StderrObserver<'a> {
    stderr: &'a mut dyn Write,
    rejects: Option<Output>,
    progress: Option<indicatif::ProgressBar>,
    quiet: bool,
}

impl StderrObserver<'_> {
    fn message(&mut self, message: &dyn std::fmt::Display) {
        match &self.progress {
            Some(bar) => bar.suspend(|| {
                let _ = writeln!(self.stderr, "{message}");
            }),
            None => {
                let _ = writeln!(self.stderr, "{message}");
            }
        }
    }
}

impl Observer for StderrObserver<'_> {
    fn reject(&mut self, reject: &Reject) -> Result<()> {
        // With --quiet and a rejects file, the file is the report: a wrapper
        // that never drains standard error must not stall on it.
        if !(self.quiet && self.rejects.is_some()) {
            self.message(reject);
        }
        if let Some(rejects) = &mut self.rejects {
            rejects
                .write_all(&reject.to_json_line())
                .map_err(|cause| Error::Io {
                    path: rejects.path().to_path_buf(),
                    cause,
                })?;
        }
        Ok(())
    }

    fn skipped(&mut self, skipped: &SkippedPath) {
        // Lost data is reported even with --quiet, as grep does.
        if skipped.kind.is_error() || !self.quiet {
            self.message(&format_args!("canon: {skipped}"));
        }
    }

    fn text_like_json_lines(&mut self, file: &str) {
        if !self.quiet {
            self.message(&crate::decode::record::text_like_json_lines_warning(file));
        }
    }

    fn progress(&mut self, summary: &Summary) {
        // A rejects file written directly (a FIFO, /dev/stderr) gets its
        // lines batch by batch; one written beside its name appears whole
        // at the end.
        if let Some(rejects) = &mut self.rejects {
            let _ = rejects.flush();
        }
        if let Some(bar) = &self.progress {
            bar.set_position(summary.bytes_in);
            bar.set_message(format!("{} docs", summary.records_in));
        }
    }
}

/// `canon alias lookup`: what each name resolves to. Unknown names make the
/// status [`Status::Problems`].
pub fn alias_lookup(
    table: &AliasTable,
    names: &[String],
    as_json: bool,
    out: &mut dyn Write,
) -> Result<Status> {
    let mut status = Status::Success;
    for name in names {
        let lookup = table.lookup(name);
        if lookup.resolved.is_none() && !lookup.candidates.iter().any(|c| c.matches_case) {
            status = Status::Problems;
        }
        let written = if as_json {
            writeln!(out, "{}", lookup.to_json(table))
        } else {
            write_lookup_text(table, &lookup, out)
        };
        written.map_err(Error::Output)?;
    }
    Ok(status)
}

fn write_lookup_text(
    table: &AliasTable,
    lookup: &Lookup,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let describe = |c: &crate::aliases::LookupCandidate| {
        let entity = table.entity_at(c.alias.entity);
        let alias = table.alias(c.alias);
        let mut needs = alias.requirements().join(", ");
        if !c.matches_case {
            needs = format!("written exactly {:?}", alias.text);
        }
        let needs = if needs.is_empty() {
            String::new()
        } else {
            format!("; needs {needs}")
        };
        format!(
            "{} ({}, {}) via {} alias {:?}{}",
            entity.id,
            entity.name,
            entity.kind.as_str(),
            alias.lang,
            alias.text,
            needs
        )
    };
    if lookup.candidates.is_empty() {
        write!(out, "{}: unknown", lookup.query)?;
        if !lookup.suggestions.is_empty() {
            let list: Vec<String> = lookup
                .suggestions
                .iter()
                .map(|(alias, e)| format!("{alias:?} ({})", table.entity_at(*e).id))
                .collect();
            write!(out, "; did you mean {}?", list.join(", "))?;
        }
        return writeln!(out);
    }
    // One line per entity: its aliases that share the key (字節跳動 and
    // 字节跳动, folded together) name it again and decide nothing. The
    // line shows the alias that matched best: the first (the candidates
    // come written like the query first) whose case rule the query meets.
    let mut entities: Vec<&crate::aliases::LookupCandidate> = Vec::new();
    for candidate in &lookup.candidates {
        let entity = candidate.alias.entity;
        if entities.iter().any(|c| c.alias.entity == entity) {
            continue;
        }
        let best = lookup
            .candidates
            .iter()
            .find(|c| c.alias.entity == entity && c.matches_case)
            .unwrap_or(candidate);
        entities.push(best);
    }
    if let Some(entity) = lookup.resolved {
        let best = entities
            .iter()
            .find(|c| c.alias.entity == entity)
            .expect("a resolved lookup has a candidate of its entity");
        writeln!(out, "{} -> {}", lookup.query, describe(best))?;
        for other in entities.iter().filter(|c| c.alias.entity != entity) {
            writeln!(out, "  also: {}", describe(other))?;
        }
        return Ok(());
    }
    let usable = lookup.candidates.iter().any(|c| c.matches_case);
    writeln!(
        out,
        "{}: {}",
        lookup.query,
        if usable {
            "ambiguous, candidates:"
        } else {
            "unknown as written, candidates:"
        }
    )?;
    for candidate in entities {
        writeln!(out, "  {}", describe(candidate))?;
    }
    Ok(())
}

/// `canon alias show`: one entity and all its aliases by language.
pub fn alias_show(
    table: &AliasTable,
    id: &str,
    as_json: bool,
    out: &mut dyn Write,
) -> Result<Status> {
    let Some(entity) = table.entity(id) else {
        let lookup = table.lookup(id);
        let closest = lookup
            .resolved
            .or_else(|| lookup.candidates.first().map(|c| c.alias.entity))
            .or_else(|| lookup.suggestions.first().map(|s| s.1));
        let hint = match closest {
            Some(e) => format!("; did you mean {}?", table.entity_at(e).id),
            None => String::new(),
        };
        writeln!(out, "{id}: no entity with this id{hint}").map_err(Error::Output)?;
        return Ok(Status::Problems);
    };
    let mut by_lang: BTreeMap<&str, Vec<&crate::aliases::AliasEntry>> = BTreeMap::new();
    for alias in &entity.aliases {
        by_lang.entry(alias.lang.as_str()).or_default().push(alias);
    }
    let written = if as_json {
        let aliases: serde_json::Map<String, serde_json::Value> = by_lang
            .iter()
            .map(|(lang, list)| {
                let list: Vec<serde_json::Value> = list
                    .iter()
                    .map(|a| json!({"text": a.text, "needs": a.requirements(), "blockers": a.blockers}))
                    .collect();
                (lang.to_string(), serde_json::Value::Array(list))
            })
            .collect();
        writeln!(
            out,
            "{}",
            json!({
                "id": entity.id, "name": entity.name, "kind": entity.kind.as_str(),
                "parent": entity.parent, "topics": entity.topics, "context": entity.context,
                "aliases": aliases, "source": format!("{}:{}", entity.file, entity.line),
            })
        )
    } else {
        (|| {
            writeln!(
                out,
                "{} ({}, {})",
                entity.id,
                entity.name,
                entity.kind.as_str()
            )?;
            if let Some(parent) = &entity.parent {
                writeln!(out, "  parent: {parent}")?;
            }
            if !entity.topics.is_empty() {
                writeln!(out, "  topics: {}", entity.topics.join(", "))?;
            }
            if !entity.context.is_empty() {
                writeln!(out, "  context: {}", entity.context.join(", "))?;
            }
            for (lang, list) in &by_lang {
                let shown: Vec<String> = list
                    .iter()
                    .map(|a| {
                        let needs = a.requirements();
                        if needs.is_empty() {
                            a.text.clone()
                        } else {
                            format!("{} [{}]", a.text, needs.join(", "))
                        }
                    })
                    .collect();
                writeln!(out, "  {lang}: {}", shown.join(" | "))?;
            }
            writeln!(out, "  defined at {}:{}", entity.file, entity.line)
        })()
    };
    written.map_err(Error::Output)?;
    Ok(Status::Success)
}

/// `canon alias list`: entities, optionally only of one kind or with aliases
/// in one language: `lang` is a tag like `zh-Hant`, or a prefix of tags
/// (`zh` for `zh`, `zh-Hans`, `zh-TW`, ...), in any case (BCP 47 tags are
/// case-insensitive). A tag no alias of the table has fails with
/// [`Error::UnknownLanguage`], naming the tags it has: an empty list would
/// not tell a misspelt tag from a language without entities of `kind`.
pub fn alias_list(
    table: &AliasTable,
    kind: Option<Kind>,
    lang: Option<&str>,
    as_json: bool,
    out: &mut dyn Write,
) -> Result<Status> {
    if let Some(tag) = lang
        && !table.langs().iter().any(|l| lang_matches(l, tag))
    {
        let mut known: Vec<String> = table.langs().iter().map(str::to_string).collect();
        known.sort_unstable();
        return Err(Error::UnknownLanguage {
            tag: tag.to_string(),
            known,
        });
    }
    for entity in table.entities() {
        if kind.is_some_and(|k| k != entity.kind) {
            continue;
        }
        let aliases: Vec<&str> = entity
            .aliases
            .iter()
            .filter(|a| lang.is_none_or(|l| lang_matches(&a.lang, l)))
            .map(|a| a.text.as_str())
            .collect();
        if lang.is_some() && aliases.is_empty() {
            continue;
        }
        let written = if as_json {
            writeln!(
                out,
                "{}",
                json!({"id": entity.id, "name": entity.name, "kind": entity.kind.as_str(), "aliases": aliases})
            )
        } else {
            writeln!(
                out,
                "{}\t{}\t{}\t{}",
                entity.id,
                entity.kind.as_str(),
                entity.name,
                aliases.join(" | ")
            )
        };
        written.map_err(Error::Output)?;
    }
    Ok(Status::Success)
}

/// Whether an alias in language `lang` is one `canon alias list --lang tag`
/// asks for: the same tag or one under it (`zh` covers `zh-Hans`), in any
/// case.
fn lang_matches(lang: &str, tag: &str) -> bool {
    match lang.get(..tag.len()) {
        Some(head) => {
            head.eq_ignore_ascii_case(tag)
                && (lang.len() == tag.len() || lang.as_bytes()[tag.len()] == b'-')
        }
        None => false,
    }
}

/// `canon alias check`: validates the default table (unless `default` leaves
/// it out) together with `files` and prints every problem as
/// `file:line: message`. Compiled tables
/// (`.canonidx`) are verified on their own; given only compiled tables, the
/// built-in sources are not checked again (they were when the table was
/// compiled, and a finding of theirs would fail the check of a good file,
/// which is what the Spark driver asks before it ships one); with
/// [`DefaultTable::Excluded`], one that holds the built-in table is a
/// problem.
pub fn alias_check(
    files: &[PathBuf],
    default: DefaultTable,
    out: &mut dyn Write,
) -> Result<Status> {
    let (compiled, files): (Vec<&PathBuf>, Vec<&PathBuf>) =
        files.iter().partition(|path| is_compiled_table(path));
    // Sources are read first: one that cannot be read stops the check
    // before anything is printed.
    let mut sources = match default {
        DefaultTable::Included => TableSource::default_tables(),
        DefaultTable::Excluded => Vec::new(),
    };
    for file in &files {
        sources.push(TableSource::read(file)?);
    }
    let mut broken = 0;
    for &path in &compiled {
        broken += usize::from(!check_compiled(path, default, out)?);
    }
    if !compiled.is_empty() && files.is_empty() {
        return Ok(if broken == 0 {
            Status::Success
        } else {
            Status::Problems
        });
    }
    let (entities, problems) = crate::aliases::check_sources(&sources);
    for (severity, problem) in &problems {
        let label = match severity {
            crate::aliases::Severity::Error => "error",
            crate::aliases::Severity::Warning => "warning",
        };
        writeln!(out, "{problem} [{label}]").map_err(Error::Output)?;
    }
    let aliases: usize = entities.iter().map(|e| e.aliases.len()).sum();
    writeln!(
        out,
        "{}, {}, {}: {}",
        count(sources.len() as u64, "table", "tables"),
        count(entities.len() as u64, "entity", "entities"),
        count(aliases as u64, "alias", "aliases"),
        if problems.is_empty() {
            "no problems".to_string()
        } else {
            count(problems.len() as u64, "problem", "problems").to_string()
        }
    )
    .map_err(Error::Output)?;
    Ok(if problems.is_empty() && broken == 0 {
        Status::Success
    } else {
        Status::Problems
    })
}

/// `canon alias check` of a compiled table: it loads (magic, format version,
/// sections) and verifies (checksum of the body, structure of its contents:
/// what loading leaves out), and what it holds, then the warnings that ask
/// for a new compile and those `canon alias compile` kept in the table
/// (each line `NAME: file:line: message [warning]`; they do not fail it).
/// False when it does not load or verify.
fn check_compiled(path: &Path, default: DefaultTable, out: &mut dyn Write) -> Result<bool> {
    let name = crate::decode::path_name(path);
    let opened = AliasTable::open(path).and_then(|table| {
        table
            .compiled()
            .verify()
            .map(|()| table)
            .map_err(|cause| Error::CompiledTable {
                path: path.to_path_buf(),
                cause,
            })
    });
    let written = match opened {
        Ok(table) => {
            writeln!(
                out,
                "{name}: compiled table (format {}), {}, {}, {}, {}, checksum {:08x} ok",
                crate::aliases::format::FORMAT_VERSION,
                count(table.entity_count() as u64, "entity", "entities"),
                count(table.alias_count() as u64, "alias", "aliases"),
                count(table.key_count() as u64, "key", "keys"),
                if table.includes_builtin() {
                    "built-in table included"
                } else {
                    "without the built-in table"
                },
                table.checksum(),
            )
            .and_then(|()| match table.stale_builtin() {
                Some(stale) => writeln!(out, "{name}: {stale} [warning]"),
                None => Ok(()),
            })
            .and_then(|()| {
                match crate::segment::ChineseSegmenter::table_words_current(&table) {
                    Some(false) => writeln!(
                        out,
                        "{name}: its Chinese segmenter data was computed with another jieba dictionary than this canon's, so Chinese text adds the table's names at run time (compile it again to read them in place) [warning]"
                    ),
                    _ => Ok(()),
                }
            })
            // What `canon alias compile` warned about, kept in the table
            // (the only place to read them again: `normalize` prints a few),
            // after the warnings that ask for a new compile.
            .and_then(|()| {
                table
                    .warnings()
                    .iter()
                    .try_for_each(|warning| writeln!(out, "{name}: {warning} [warning]"))
            })
            // `--no-default-table` asks for a table without the built-in
            // one: a check that a file can be used so (exit 1 when not).
            .and_then(|()| {
                let refused = default == DefaultTable::Excluded && table.includes_builtin();
                if refused {
                    writeln!(
                        out,
                        "{name}: it holds the default table, which --no-default-table leaves out (compile it again with `canon alias compile --no-default-table`) [error]"
                    )?;
                }
                Ok(!refused)
            })
        }
        Err(Error::CompiledTable { cause, .. }) => {
            writeln!(out, "{name}: {cause} [error]").map(|()| false)
        }
        Err(error) => return Err(error),
    };
    written.map_err(Error::Output)
}

/// What `canon alias compile` made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileSummary {
    /// Tables read, the built-in table's files included.
    pub tables: usize,
    /// Entities, aliases and distinct keys in the compiled table.
    pub entities: usize,
    /// Aliases.
    pub aliases: usize,
    /// Distinct keys.
    pub keys: usize,
    /// Bytes written.
    pub bytes: usize,
    /// Warnings the checks gave (printed on `stderr`).
    pub warnings: usize,
}

/// `canon alias compile`: merges the built-in table (unless `default` leaves
/// it out) and `files` (TOML or JSON Lines, later ones overriding earlier
/// ones by id), checks them as
/// loading does, and writes the compiled table to `output` atomically (a
/// temporary file renamed into place), for `--aliases output` to map.
/// Warnings go to `stderr`, and unless `quiet` a summary line after them;
/// errors fail with every problem listed and nothing written
/// ([`Error::NothingToCompile`] when `default` leaves the built-in table
/// out and `files` is empty).
pub fn alias_compile(
    files: &[PathBuf],
    default: DefaultTable,
    output_path: &Path,
    quiet: bool,
    stderr: &mut dyn Write,
) -> Result<CompileSummary> {
    let started = std::time::Instant::now();
    let mut sources = match default {
        DefaultTable::Included => TableSource::default_tables(),
        DefaultTable::Excluded if files.is_empty() => return Err(Error::NothingToCompile),
        DefaultTable::Excluded => Vec::new(),
    };
    for file in files {
        if is_compiled_table(file) {
            return Err(Error::CompiledWithOthers { path: file.clone() });
        }
        let same = std::fs::canonicalize(file)
            .ok()
            .zip(std::fs::canonicalize(output_path).ok())
            .is_some_and(|(a, b)| a == b);
        if same {
            return Err(Error::OutputIsInput {
                output: crate::decode::path_name(output_path),
                input: crate::decode::path_name(file),
            });
        }
        sources.push(TableSource::read(file)?);
    }
    let bytes = AliasTable::compile_file_sources(&sources).map_err(Error::AliasTable)?;
    // The sources' text (65 MB for a million aliases) is not read again.
    let table_count = sources.len();
    drop(sources);
    // What `--aliases` will not check at every load, checked once here.
    let table = canon_table::AliasTable::from_vec(bytes)
        .and_then(|table| table.verify().map(|()| table))
        .map_err(|cause| Error::CompiledTable {
            path: output_path.to_path_buf(),
            cause,
        })?;
    for warning in table.warnings() {
        let _ = writeln!(stderr, "warning: {warning}");
    }
    output::remove_temporary_files_on_signals()?;
    let mut out = Output::create(output_path)?;
    out.write_all(table.as_bytes()).map_err(|cause| Error::Io {
        path: output_path.to_path_buf(),
        cause,
    })?;
    output::commit(vec![out])?;
    let summary = CompileSummary {
        tables: table_count,
        entities: table.entity_count(),
        aliases: table.alias_count(),
        keys: table.key_count(),
        bytes: table.as_bytes().len(),
        warnings: table.warnings().len(),
    };
    if !quiet {
        let n = |n: usize, one, many| count(n as u64, one, many);
        let _ = writeln!(
            stderr,
            "compiled {}: {}, {}, {}, {} -> {} ({:.1} MB) in {:.2} s",
            n(summary.tables, "table", "tables"),
            n(summary.entities, "entity", "entities"),
            n(summary.aliases, "alias", "aliases"),
            n(summary.keys, "key", "keys"),
            n(summary.warnings, "warning", "warnings"),
            output_path.display(),
            summary.bytes as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(summary)
}

/// `canon alias import`: writes the table and reports what was imported on
/// `stderr` (with a progress bar when it is a terminal and not `quiet`).
/// Rejected records are listed on `stderr` even when `quiet`, and make the
/// status [`Status::Problems`].
pub fn alias_import(
    options: &crate::aliases::import::ImportOptions,
    quiet: bool,
    stderr: &mut dyn Write,
) -> Result<Status> {
    let size = std::fs::metadata(&options.input)
        .ok()
        .filter(|m| m.is_file() && options.input != Path::new("-"))
        .map(|m| m.len());
    let progress = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = progress_bar(size);
        bar.set_message("importing");
        bar
    });
    let summary = crate::aliases::import::import(
        options,
        progress
            .as_ref()
            .map(|bar| bar as &dyn crate::progress::Progress),
    );
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    let summary = summary?;
    // Records left out are reported even when quiet, as `normalize --quiet`
    // reports its rejects: only the summary is progress.
    let _ = write!(stderr, "{}", summary.rejects_report());
    if !quiet {
        let _ = writeln!(stderr, "{summary}");
    }
    Ok(if summary.rejected > 0 {
        Status::Problems
    } else {
        Status::Success
    })
}

/// `canon boilerplate learn`: counts the lines that recur across the
/// documents of `inputs` and writes them to `output` (atomically). Records
/// that cannot be read are reported on `stderr` and make the status
/// [`Status::Problems`].
pub fn boilerplate_learn(
    inputs: &[PathBuf],
    layout: Option<crate::decode::Layout>,
    options: &crate::boilerplate::furniture::LearnOptions,
    output: &Path,
    quiet: bool,
    stderr: &mut dyn Write,
) -> Result<Status> {
    let inputs = expand_inputs(inputs, layout);
    output::check_outputs(&inputs, &[output], false)?;
    output::remove_temporary_files_on_signals()?;
    let summary = crate::boilerplate::furniture::learn(&inputs, options, output, &mut |p| {
        let _ = writeln!(stderr, "{p}");
    })?;
    if !quiet {
        let _ = writeln!(
            stderr,
            "canon: {} read, {} skipped; {} in at least {} written to {}",
            count(summary.documents, "document", "documents"),
            summary.skipped,
            count(summary.written as u64, "line", "lines"),
            count(u64::from(options.min_docs), "document", "documents"),
            output.display()
        );
    }
    Ok(if summary.skipped > 0 {
        Status::Problems
    } else {
        Status::Success
    })
}

/// `canon boilerplate explain`: for every line of every document, the
/// boilerplate stage's features, probability and decision, as JSON Lines
/// (`{"id", "line", "start", "end", "lang", "text", "probability", "reason",
/// "features"}`; `start`/`end` are code-point offsets into the original text).
pub fn boilerplate_explain(
    inputs: &[PathBuf],
    layout: Option<crate::decode::Layout>,
    options: &crate::boilerplate::records::ReadOptions,
    furniture: &[PathBuf],
    out: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<Status> {
    use crate::boilerplate::{Detector, furniture::Furniture, model::FEATURE_NAMES};
    let detector = Detector::new().with_furniture(Furniture::load_all(furniture)?);
    let inputs = expand_inputs(inputs, layout);
    let mut written = Ok(());
    let skipped = crate::boilerplate::records::read_records(
        &inputs,
        options,
        &mut |record| {
            let normalized = crate::normalize::normalize(&record.text);
            let lang = crate::detect::detect(normalized.text());
            let analyzed = if lang.is_japanese() {
                std::borrow::Cow::Borrowed(normalized.text())
            } else {
                crate::normalize::chinese::fold(normalized.text())
            };
            for (index, report) in detector.explain(&analyzed, lang.code).iter().enumerate() {
                let (start, end) = normalized.original_range(report.bytes.start, report.bytes.end);
                let features: serde_json::Map<String, serde_json::Value> = FEATURE_NAMES
                    .iter()
                    .zip(report.features.values)
                    .map(|(name, value)| (name.to_string(), json!(value)))
                    .collect();
                let line = json!({
                    "id": record.id,
                    "line": index + 1,
                    "start": start,
                    "end": end,
                    "lang": lang.code,
                    "text": &normalized.text()[report.bytes.clone()],
                    "probability": report.probability,
                    "reason": report.marked.map(|r| r.as_str()),
                    "features": features,
                });
                if written.is_ok() {
                    written = writeln!(out, "{line}");
                }
            }
        },
        &mut |p| {
            let _ = writeln!(stderr, "{p}");
        },
    );
    written.map_err(Error::Output)?;
    Ok(if skipped > 0 {
        Status::Problems
    } else {
        Status::Success
    })
}

/// `canon alias export`: writes `table`'s synonym rules in `format` to
/// `output` (atomically, never over one of the `tables` it was read from)
/// or to `stdout`; the summary, and with `verbose` every alias left out
/// and why, go to `stderr`.
pub fn alias_export(
    table: &AliasTable,
    tables: &[PathBuf],
    format: crate::synonyms::SynonymFormat,
    output: Option<&Path>,
    verbose: bool,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<Status> {
    let rules = crate::synonyms::rules(table);
    let summary = match output {
        Some(path) => {
            let inputs: Vec<Input> = tables
                .iter()
                .map(|t| {
                    let mut file = crate::decode::InputFile::from_path(t);
                    file.id = crate::decode::FileId::of_path(t);
                    Input::File(file)
                })
                .collect();
            output::check_outputs(&inputs, &[path], false)?;
            output::remove_temporary_files_on_signals()?;
            let mut file = output::Output::create(path)?;
            let summary = crate::synonyms::write(&rules, format, &mut file)?;
            output::commit(vec![file])?;
            summary
        }
        None => crate::synonyms::write(&rules, format, stdout)?,
    };
    if verbose {
        for rule in &rules {
            for (alias, why) in &rule.left_out {
                let _ = writeln!(
                    stderr,
                    "canon: left out {}: {alias} ({})",
                    rule.id,
                    why.as_str()
                );
            }
        }
    }
    let _ = writeln!(
        stderr,
        "canon: {} with {}; {} left out for evidence a synonym file cannot express (--verbose lists them); {} without a rule",
        count(summary.rules as u64, "synonym rule", "synonym rules"),
        count(summary.aliases as u64, "alias", "aliases"),
        count(summary.left_out as u64, "alias", "aliases"),
        count(summary.without_rule as u64, "entity", "entities")
    );
    Ok(Status::Success)
}

#[cfg(test)]
mod tests {
    use super::alias_check_command;
    use crate::aliases::DefaultTable;
    use std::path::PathBuf;

    fn command(paths: &[&str]) -> String {
        alias_check_command(
            &paths.iter().map(PathBuf::from).collect::<Vec<_>>(),
            DefaultTable::Included,
        )
    }

    #[test]
    fn the_alias_check_command_keeps_the_default_table_left_out() {
        let paths = [PathBuf::from("-t.jsonl")];
        assert_eq!(
            alias_check_command(&paths, DefaultTable::Excluded),
            "canon alias check --no-default-table -- -t.jsonl"
        );
        assert_eq!(
            alias_check_command(&paths, DefaultTable::Included),
            "canon alias check -- -t.jsonl"
        );
    }

    /// The command names the tables so that a shell reads each path back
    /// as given: plain paths bare, others quoted (run through `sh`).
    #[cfg(unix)]
    #[test]
    fn the_alias_check_command_reads_back_as_given() {
        assert_eq!(command(&[]), "canon alias check");
        assert_eq!(
            command(&["/tmp/t.canonidx", "b.jsonl"]),
            "canon alias check /tmp/t.canonidx b.jsonl"
        );
        let paths = [
            "my tables/a b.jsonl",
            "it's",
            "$HOME",
            "a\"b",
            "x;y",
            "*",
            "",
            "~/t",
            "new\nline",
            "表/名单.toml",
            "back\\slash",
        ];
        for path in paths {
            let quoted = command(&[path]);
            let output = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!(
                    "printf %s {}",
                    quoted.strip_prefix("canon alias check ").unwrap()
                ))
                .output()
                .expect("a POSIX shell");
            assert!(output.status.success(), "{quoted}: {output:?}");
            assert_eq!(String::from_utf8_lossy(&output.stdout), path, "{quoted}");
        }
    }

    /// A path that starts with `-` would be read as an option: `--` ends
    /// the options first.
    #[test]
    fn paths_that_look_like_options_follow_a_double_dash() {
        assert_eq!(command(&["-t.toml"]), "canon alias check -- -t.toml");
        assert_eq!(
            command(&["a.toml", "-b.jsonl"]),
            "canon alias check -- a.toml -b.jsonl"
        );
        assert_eq!(command(&["a-b.toml"]), "canon alias check a-b.toml");
    }
}
