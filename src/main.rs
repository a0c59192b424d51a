//! The `canon` command line: argument parsing and exit codes only; the work
//! happens in the library's `commands` module.
//!
//! Exit codes: 0 success; 1 records rejected, names unknown or alias-table
//! problems found; 2 usage errors, fatal errors and unreadable inputs. A
//! closed standard output (`| head`) ends a command quietly, with the status
//! of what was done until then (0 for the alias commands).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use canon::AnalyzeOptions;
use canon::aliases::import::{self, ImportOptions};
use canon::aliases::{DefaultTable, Kind};
use canon::boilerplate::{self, furniture::LearnOptions, records::ReadOptions};
use canon::commands::{self, NormalizeArgs, Status};
use canon::corpus::{CorpusOptions, DEFAULT_MAX_BYTES};
use canon::decode::Layout;
use canon::offsets::OffsetUnit;
use canon::synonyms::SynonymFormat;

/// canon allocates a few buffers per document and per token; mimalloc's
/// per-thread free lists serve those faster than the system allocator.
/// It is built without transparent huge pages (`no_thp`): with them, every
/// reuse of memory it had returned to the kernel cost zeroing a 2 MiB page,
/// a tenth of the run's time. (The segmenter's trie asks for huge pages
/// itself.)
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Normalize multilingual article corpora for search indexing: Unicode
/// normalization, language detection, Chinese and English tokenization, and
/// entity aliases mapped onto canonical ids.
#[derive(Debug, Parser)]
#[command(name = "canon", version, about, long_about = None)]
#[command(
    after_help = "Exit status: 0 success; 1 records rejected, names unknown or table problems; 2 usage or fatal error, or unreadable input paths (the rest is processed)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Normalize documents into JSON Lines (one output line per input record).
    Normalize(NormalizeCli),
    /// Look up, show, list, check, import, compile and export entity aliases.
    #[command(subcommand)]
    Alias(AliasCommand),
    /// Learn and explain page furniture (the boilerplate stage).
    #[command(subcommand)]
    Boilerplate(BoilerplateCommand),
}

#[derive(Debug, Args)]
struct NormalizeCli {
    /// Files or folders (recursive). .jsonl/.ndjson files are JSON Lines, other
    /// files are one plain-text document each; .gz, .zst and .bz2 are
    /// decompressed. No path, or -, reads JSON Lines from standard input.
    paths: Vec<PathBuf>,
    /// How to read inputs: by file name (auto), all as JSON Lines, or each
    /// file (and standard input) as one plain-text document.
    #[arg(long, value_enum, default_value_t = Format::Auto)]
    format: Format,
    /// JSON field holding the text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    text_field: String,
    /// Also write token_spans: [start, end] offsets (in the --offsets unit)
    /// parallel to tokens.
    #[arg(long)]
    spans: bool,
    /// The unit of every offset written (token_spans, entities,
    /// boilerplate, encoding_parts, lang_spans): code points (Python), UTF-8 bytes
    /// (Rust, Go, tantivy) or UTF-16 code units (Java, JavaScript,
    /// Elasticsearch highlighting).
    #[arg(long, value_enum, default_value_t = Offsets::Chars)]
    offsets: Offsets,
    /// Search mode: after a long Chinese word also emit the dictionary words
    /// inside it, and after a hyphenated compound its parts (for index-side recall).
    #[arg(long)]
    search: bool,
    /// Page furniture (share buttons, disclaimers, tickers, related lists):
    /// mark it and leave its terms and entities out (on), mark it and keep
    /// them, flagging its entities (keep), or skip the stage (off).
    #[arg(long, value_enum, default_value_t = BoilerplateMode::On)]
    boilerplate: BoilerplateMode,
    /// Lines learned by `canon boilerplate learn`, used as the repetition
    /// signal; repeatable.
    #[arg(long, value_name = "FILE")]
    boilerplate_from: Vec<PathBuf>,
    /// Worker threads, at least 1 (default: all cores). Output is identical for every value.
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<std::num::NonZeroUsize>,
    /// Reject records larger than this (bytes; K, M and G suffixes allowed).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value_t = DEFAULT_MAX_BYTES)]
    max_bytes: u64,
    /// Write rejected records (file, line, reason, the first 4 KiB, length
    /// and SHA-256) to this JSON Lines file, which appears when the run ends.
    #[arg(long, value_name = "FILE")]
    rejects: Option<PathBuf>,
    /// Write output to FILE instead of standard output (.gz, .zst and .bz2
    /// compress); FILE appears, or is replaced, only when the run succeeded.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// No progress bar, no summary line and no alias-table warnings on
    /// standard error (without it, the first ten warnings of the tables and
    /// a count of the rest).
    #[arg(long, short = 'q')]
    quiet: bool,
    #[command(flatten)]
    tables: Tables,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    /// .jsonl/.ndjson (and standard input) are JSON Lines, other files plain text
    /// (with a warning when the first line of one is a JSON object).
    Auto,
    /// Every input is JSON Lines.
    Jsonl,
    /// Every input is one plain-text document.
    Text,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Offsets {
    /// Unicode code points.
    Chars,
    /// Bytes of UTF-8.
    Bytes,
    /// UTF-16 code units.
    Utf16,
}

impl Offsets {
    fn unit(self) -> OffsetUnit {
        match self {
            Offsets::Chars => OffsetUnit::Chars,
            Offsets::Bytes => OffsetUnit::Bytes,
            Offsets::Utf16 => OffsetUnit::Utf16,
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum BoilerplateMode {
    /// Mark furniture; leave its terms and entities out.
    On,
    /// Mark furniture; keep its terms and flag its entities.
    Keep,
    /// Skip the stage.
    Off,
}

#[derive(Debug, Subcommand)]
enum BoilerplateCommand {
    /// Count lines that recur across documents (per source field) and write
    /// those found in at least --min-docs documents to a furniture file.
    Learn {
        /// Files or folders, read as by `canon normalize`.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The furniture file to write (JSON Lines; written atomically).
        #[arg(long, short = 'o', value_name = "FILE")]
        output: PathBuf,
        /// A line is furniture when at least this many documents of one source have it.
        #[arg(long, default_value_t = 5, value_name = "N")]
        min_docs: u32,
        /// Write at most this many lines (the most frequent).
        #[arg(long, default_value_t = 10_000, value_name = "N")]
        max_lines: usize,
        /// JSON field naming a record's source or site (counted separately).
        #[arg(long, default_value = "source", value_name = "NAME")]
        source_field: String,
        #[command(flatten)]
        reading: Reading,
        /// No summary line.
        #[arg(long, short = 'q')]
        quiet: bool,
    },
    /// Print every line's boilerplate features, probability and reason (JSON Lines).
    Explain {
        /// Files or folders, read as by `canon normalize`.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Lines learned by `canon boilerplate learn`; repeatable.
        #[arg(long, value_name = "FILE")]
        boilerplate_from: Vec<PathBuf>,
        #[command(flatten)]
        reading: Reading,
    },
}

#[derive(Debug, Args)]
struct Reading {
    /// How to read inputs (as for `canon normalize`).
    #[arg(long, value_enum, default_value_t = Format::Auto)]
    format: Format,
    /// JSON field holding the text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    text_field: String,
    /// Skip records larger than this (bytes; K, M and G suffixes allowed).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value_t = DEFAULT_MAX_BYTES)]
    max_bytes: u64,
}

impl Format {
    fn layout(self) -> Option<Layout> {
        match self {
            Format::Auto => None,
            Format::Jsonl => Some(Layout::JsonLines),
            Format::Text => Some(Layout::PlainText),
        }
    }
}

#[derive(Debug, Args)]
struct Tables {
    /// Extra alias table (TOML, or JSON Lines by extension) adding or overriding
    /// entities; repeatable. A compiled table (.canonidx, from `canon alias
    /// compile`) is mapped instead of the default table, on its own.
    #[arg(long = "aliases", value_name = "FILE", global = true)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    default: NoDefaultTable,
}

#[derive(Debug, Args)]
struct NoDefaultTable {
    /// Leave the default (world-news) table out, for a table of your own
    /// alone: the tables given are the whole table (none: no entities); an
    /// import ignores the default table's names and ids. A compiled table
    /// holds the default table or not as it was compiled, and one that
    /// holds it is refused with this flag.
    #[arg(long = "no-default-table")]
    no_default_table: bool,
}

impl NoDefaultTable {
    fn table(&self) -> DefaultTable {
        if self.no_default_table {
            DefaultTable::Excluded
        } else {
            DefaultTable::Included
        }
    }
}

#[derive(Debug, Subcommand)]
enum AliasCommand {
    /// What each name resolves to (exit 1 when a name is unknown).
    Lookup {
        /// Names to look up; normalized like documents (width, script, case).
        #[arg(required = true)]
        names: Vec<String>,
        /// One JSON object per name.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        tables: Tables,
    },
    /// One entity and all its aliases by language.
    Show {
        /// The entity id.
        id: String,
        /// As a JSON object.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        tables: Tables,
    },
    /// Entities, optionally of one kind or with aliases in one language.
    List {
        /// Only entities of this kind (org, person, place, product, event, work, other).
        #[arg(long, value_parser = parse_kind)]
        kind: Option<Kind>,
        /// Only aliases in this language (en, zh, zh-Hans, zh-Hant, ...).
        #[arg(long)]
        lang: Option<String>,
        /// One JSON object per entity.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        tables: Tables,
    },
    /// Validate alias tables: the default table (unless --no-default-table)
    /// plus FILEs (exit 1 on problems).
    Check {
        /// Tables to check together with the default table (unless
        /// --no-default-table); a compiled table (.canonidx) is verified
        /// alone, and the warnings kept in it are listed.
        files: Vec<PathBuf>,
        #[command(flatten)]
        default: NoDefaultTable,
    },
    /// Compile the default table (unless --no-default-table) plus FILEs into
    /// one .canonidx file, which `--aliases FILE.canonidx` maps at start-up
    /// instead of parsing tables.
    Compile {
        /// Tables (TOML, or JSON Lines by extension) compiled on top of the
        /// default table (or alone with --no-default-table).
        files: Vec<PathBuf>,
        #[command(flatten)]
        default: NoDefaultTable,
        /// The compiled table to write (replaced atomically; name it .canonidx).
        #[arg(long, short = 'o', value_name = "FILE")]
        output: PathBuf,
        /// No summary.
        #[arg(long, short = 'q')]
        quiet: bool,
    },
    /// Make an alias table from a Wikidata JSON dump or a CSV/TSV file, with
    /// the frequency and shared-name rules applied.
    Import(ImportCli),
    /// Synonym files for search engines from the alias table: one equivalence
    /// rule per entity; aliases needing evidence (exact case, support,
    /// blockers, short forms, acronyms, shared names) are left out and counted.
    Export {
        /// The engine's format.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// The file to write (replaced atomically; never an alias table read);
        /// standard output without it.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
        /// List every alias left out, and why, on standard error.
        #[arg(long, short = 'v')]
        verbose: bool,
        #[command(flatten)]
        tables: Tables,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ExportFormat {
    /// Solr synonyms.txt (also read by Elasticsearch's and OpenSearch's synonyms_path).
    Solr,
    /// The body of Elasticsearch's synonyms set API (PUT _synonyms/SET).
    Elasticsearch,
    /// An OpenSearch synonym_graph token filter with its rules inline.
    Opensearch,
    /// Meilisearch's synonyms setting (PUT /indexes/INDEX/settings/synonyms).
    Meilisearch,
    /// canon's JSON Lines: an entity a line, its synonyms and what was left out.
    Jsonl,
}

#[derive(Debug, Args)]
struct ImportCli {
    /// The input: a Wikidata dump (.json, plain or .gz, .zst, .bz2) or a
    /// .csv/.tsv file (plain or compressed the same ways) with columns id,
    /// name, kind, lang, alias; - reads standard input.
    input: PathBuf,
    /// The table to write, .toml or .jsonl (replaced atomically; never the input).
    #[arg(long, short = 'o', value_name = "FILE")]
    output: PathBuf,
    /// The input's format, when its name does not say.
    #[arg(long, value_enum)]
    format: Option<ImportFormat>,
    /// Wikidata language codes to import, in order of preference.
    #[arg(long, value_delimiter = ',', default_value = canon::aliases::import::DEFAULT_LANGS)]
    langs: Vec<String>,
    /// Wikidata: KIND=QID,... (org=Q4830453,Q43229); items with one of these
    /// P31 classes are imported as KIND. Repeatable; @FILE reads QIDs from a file.
    #[arg(long = "kind", value_name = "KIND=QID,...")]
    kinds: Vec<String>,
    #[command(flatten)]
    default: NoDefaultTable,
    /// No progress bar and no summary.
    #[arg(long, short = 'q')]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ImportFormat {
    /// The Wikidata JSON dump.
    Wikidata,
    /// Comma-separated values with a header row.
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
}

fn parse_kind(name: &str) -> Result<Kind, String> {
    Kind::parse(name).ok_or_else(|| format!("unknown kind {name:?}"))
}

fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (digits, factor) = match text.char_indices().last() {
        Some((i, 'k' | 'K')) => (&text[..i], 1 << 10),
        Some((i, 'm' | 'M')) => (&text[..i], 1 << 20),
        Some((i, 'g' | 'G')) => (&text[..i], 1 << 30),
        _ => (text, 1),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("{text:?} is not a size like 500000, 64K, 16M or 1G"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(status) => ExitCode::from(status as u8),
        // The reader of standard output went away: nothing is wrong.
        Err(error)
            if error
                .downcast_ref::<canon::Error>()
                .is_some_and(canon::Error::is_closed_pipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "canon: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<Status> {
    canon::output::fail_writes_past_file_size_limit()?;
    let stdout = &mut std::io::stdout().lock();
    Ok(match cli.command {
        Command::Normalize(args) => {
            let jobs = args
                .jobs
                .or_else(|| std::thread::available_parallelism().ok())
                .map_or(1, |n| n.get());
            let mut corpus = CorpusOptions::default();
            corpus.text_field = args.text_field;
            corpus.write.spans = args.spans;
            corpus.write.offsets = args.offsets.unit();
            corpus.jobs = jobs;
            corpus.max_bytes = args.max_bytes;
            let mut analyze = AnalyzeOptions::default();
            analyze.search = args.search;
            // Spans cost a lookup and 8 bytes per term: kept only when written.
            analyze.term_spans = args.spans;
            analyze.boilerplate = match args.boilerplate {
                BoilerplateMode::On => boilerplate::Mode::On,
                BoilerplateMode::Keep => boilerplate::Mode::Keep,
                BoilerplateMode::Off => boilerplate::Mode::Off,
            };
            let args = NormalizeArgs {
                inputs: args.paths,
                aliases: args.tables.files,
                default_table: args.tables.default.table(),
                corpus,
                rejects: args.rejects,
                output: args.output,
                quiet: args.quiet,
                analyze,
                boilerplate_from: args.boilerplate_from,
                layout: match args.format {
                    Format::Auto => None,
                    Format::Jsonl => Some(Layout::JsonLines),
                    Format::Text => Some(Layout::PlainText),
                },
            };
            commands::normalize(&args, stdout, &mut std::io::stderr())?
        }
        Command::Alias(command) => match command {
            AliasCommand::Lookup {
                names,
                json,
                tables,
            } => {
                let table = commands::load_table(&tables.files, tables.default.table())
                    .context("loading alias tables")?;
                commands::alias_lookup(&table, &names, json, stdout)?
            }
            AliasCommand::Show { id, json, tables } => {
                let table = commands::load_table(&tables.files, tables.default.table())
                    .context("loading alias tables")?;
                commands::alias_show(&table, &id, json, stdout)?
            }
            AliasCommand::List {
                kind,
                lang,
                json,
                tables,
            } => {
                let table = commands::load_table(&tables.files, tables.default.table())
                    .context("loading alias tables")?;
                commands::alias_list(&table, kind, lang.as_deref(), json, stdout)?
            }
            AliasCommand::Check { files, default } => {
                commands::alias_check(&files, default.table(), stdout)?
            }
            AliasCommand::Compile {
                files,
                default,
                output,
                quiet,
            } => {
                commands::alias_compile(
                    &files,
                    default.table(),
                    &output,
                    quiet,
                    &mut std::io::stderr(),
                )?;
                Status::Success
            }
            AliasCommand::Export {
                format,
                output,
                verbose,
                tables,
            } => {
                let table = commands::load_table(&tables.files, tables.default.table())
                    .context("loading alias tables")?;
                let format = match format {
                    ExportFormat::Solr => SynonymFormat::Solr,
                    ExportFormat::Elasticsearch => SynonymFormat::Elasticsearch,
                    ExportFormat::Opensearch => SynonymFormat::Opensearch,
                    ExportFormat::Meilisearch => SynonymFormat::Meilisearch,
                    ExportFormat::Jsonl => SynonymFormat::Jsonl,
                };
                commands::alias_export(
                    &table,
                    &tables.files,
                    format,
                    output.as_deref(),
                    verbose,
                    stdout,
                    &mut std::io::stderr(),
                )?
            }
            AliasCommand::Import(args) => {
                let options = ImportOptions {
                    input: args.input,
                    output: args.output,
                    format: args.format.map(|f| match f {
                        ImportFormat::Wikidata => import::Format::Wikidata,
                        ImportFormat::Csv => import::Format::Csv,
                        ImportFormat::Tsv => import::Format::Tsv,
                    }),
                    langs: args.langs,
                    kinds: args.kinds,
                    default_table: args.default.table(),
                };
                commands::alias_import(&options, args.quiet, &mut std::io::stderr())?
            }
        },
        Command::Boilerplate(command) => match command {
            BoilerplateCommand::Learn {
                paths,
                output,
                min_docs,
                max_lines,
                source_field,
                reading,
                quiet,
            } => {
                let options = LearnOptions {
                    text_field: reading.text_field,
                    source_field,
                    min_docs,
                    max_lines,
                    max_bytes: reading.max_bytes,
                    ..LearnOptions::default()
                };
                let layout = reading.format.layout();
                commands::boilerplate_learn(
                    &paths,
                    layout,
                    &options,
                    &output,
                    quiet,
                    &mut std::io::stderr(),
                )?
            }
            BoilerplateCommand::Explain {
                paths,
                boilerplate_from,
                reading,
            } => {
                let options = ReadOptions {
                    text_field: reading.text_field,
                    source_field: "source".into(),
                    max_bytes: reading.max_bytes,
                };
                let layout = reading.format.layout();
                commands::boilerplate_explain(
                    &paths,
                    layout,
                    &options,
                    &boilerplate_from,
                    stdout,
                    &mut std::io::stderr(),
                )?
            }
        },
    })
}
