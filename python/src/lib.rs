//! `canon_nlp._canon`: canon's pipeline for Python.
//!
//! Every record Python gets is written by canon's own writer
//! ([`canon::write::write_analysis`], through [`canon::corpus::analyze_text`]
//! and [`canon::corpus::run_texts`], the code `canon normalize` runs) and
//! parsed straight into Python objects ([`json`]): a field the output
//! contract gains reaches Python with no change here.

use std::io::{self, Write};
use std::path::PathBuf;

use canon::aliases::DefaultTable;
use canon::boilerplate::Mode;
use canon::corpus::{self, CorpusOptions, Observer, Reject};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};

mod json;

/// The allocator of canon's buffers (not of Python's objects, which
/// Python allocates): the one `canon normalize` runs with (src/main.rs),
/// so that the analysis costs here what it costs in the CLI. With the system
/// allocator, `analyze_batch(jobs=1)` took about 5% more CPU time on the
/// benchmark corpus.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pyo3::import_exception!(canon_nlp.errors, CanonError);
pyo3::import_exception!(canon_nlp.errors, AliasTableError);
pyo3::import_exception!(canon_nlp.errors, RejectedError);

/// canon's pipeline, built once: the alias tables and the dictionary load
/// when it is made, then `analyze`, `analyze_batch` and `lookup` reuse them
/// (from any number of threads).
#[pyclass(module = "canon_nlp", frozen, name = "Canon")]
struct PyCanon {
    canon: canon::Canon,
    options: CorpusOptions,
    /// The constructor's arguments, for `repr`.
    described: String,
}

/// The Python exception for a library error, with the CLI's message.
fn error_to_py(error: canon::Error) -> PyErr {
    match error {
        // A compiled table that is cut, foreign or of another format is a
        // table that does not load, like a source table with an error.
        canon::Error::AliasTable(_) | canon::Error::CompiledTable { .. } => {
            AliasTableError::new_err(error.to_string())
        }
        other => CanonError::new_err(other.to_string()),
    }
}

/// Paths from `None`, one path (`str` or `os.PathLike`) or an iterable of them.
fn paths(value: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Vec<PathBuf>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(Vec::new());
    };
    if let Ok(path) = value.extract::<PathBuf>() {
        return Ok(vec![path]);
    }
    let items = value.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be a path or a list of paths, not {}",
            type_name(value)
        ))
    })?;
    items
        .map(|item| {
            let item = item?;
            item.extract::<PathBuf>().map_err(|_| {
                PyTypeError::new_err(format!(
                    "{what} must hold paths (str or os.PathLike), not {}",
                    type_name(&item)
                ))
            })
        })
        .collect()
}

fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

fn boilerplate_mode(name: &str) -> PyResult<Mode> {
    match name {
        "on" => Ok(Mode::On),
        "keep" => Ok(Mode::Keep),
        "off" => Ok(Mode::Off),
        _ => Err(PyValueError::new_err(format!(
            "boilerplate must be \"on\", \"keep\" or \"off\", not {name:?}"
        ))),
    }
}

/// The number of worker threads: `jobs`, or every core as `canon normalize`
/// uses by default.
fn job_count(jobs: Option<usize>) -> PyResult<usize> {
    match jobs {
        Some(0) => Err(PyValueError::new_err("jobs must be at least 1")),
        Some(n) => Ok(n),
        None => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
    }
}

/// What `analyze_batch` does with a text canon rejects.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OnReject {
    Raise,
    None,
}

fn on_reject(name: &str) -> PyResult<OnReject> {
    match name {
        "raise" => Ok(OnReject::Raise),
        "none" => Ok(OnReject::None),
        _ => Err(PyValueError::new_err(format!(
            "on_reject must be \"raise\" or \"none\", not {name:?}"
        ))),
    }
}

/// The texts of a batch, copied out of their Python strings so that the
/// workers can read them without the GIL.
fn texts(texts: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if texts.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "texts must be an iterable of str, not a str (use analyze for one text)",
        ));
    }
    let mut out = Vec::with_capacity(texts.len().unwrap_or(0));
    for (index, text) in texts.try_iter()?.enumerate() {
        let text = text?;
        let text = text.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!(
                "texts[{index}] must be a str, not {}",
                type_name(&text)
            ))
        })?;
        // A str holding a lone surrogate has no UTF-8: say which one it is.
        let text = text.to_cow().map_err(|e| {
            PyValueError::new_err(format!("texts[{index}] is not valid Unicode: {e}"))
        })?;
        out.push(text.into_owned());
    }
    Ok(out)
}

/// The exception for text `index` (0-based) rejected for `reason`.
fn rejected(index: usize, reason: &str) -> PyErr {
    RejectedError::new_err((
        format!("texts[{index}]: {reason}"),
        index,
        reason.to_string(),
    ))
}

/// Output lines of a batch as canon writes them, turned into Python objects
/// as they arrive (while the workers analyze the next batches).
struct Sink<'py> {
    py: Python<'py>,
    strings: json::Strings<'py>,
    /// Records so far, in order (rejected texts have none).
    records: Vec<Bound<'py, PyAny>>,
    /// Keep the lines as `str` instead of parsing them.
    as_json: bool,
    /// The Python error that stopped the run (a signal, a failed conversion).
    error: Option<PyErr>,
}

impl Sink<'_> {
    fn take_lines(&mut self, bytes: &[u8]) -> PyResult<()> {
        // canon escapes every line break inside a string, so a record is
        // exactly a line.
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', bytes) {
            let line = &bytes[start..end];
            start = end + 1;
            let record = if self.as_json {
                let line = std::str::from_utf8(line).map_err(|e| {
                    PyValueError::new_err(format!("canon wrote invalid UTF-8: {e}"))
                })?;
                PyString::new(self.py, line).into_any()
            } else {
                json::parse(self.py, &mut self.strings, line)?
            };
            self.records.push(record);
        }
        debug_assert_eq!(start, bytes.len(), "the engine writes whole lines");
        self.py.check_signals()
    }
}

/// The engine's output, handed over a batch at a time; the GIL is taken
/// only to make the Python objects.
struct Detached<'a, 'py> {
    sink: &'a mut Sink<'py>,
}

/// Lets the sink, which holds Python objects, into `Python::detach`.
struct AssertSend<T>(T);

// SAFETY: `Python::detach` runs its closure on the calling thread, so the
// Python objects in the sink never leave the thread that made them; the
// engine calls the sink (`Detached::write`) on that same thread, which takes
// the GIL again (`Python::attach`) before it touches them. The engine's own
// threads get the texts and `&canon::Canon` only.
unsafe impl<T> Send for AssertSend<T> {}

impl<T> AssertSend<T> {
    /// The value (a method, so that a closure captures the whole wrapper
    /// rather than its fields).
    fn into_inner(self) -> T {
        self.0
    }
}

impl Write for Detached<'_, '_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let sink = &mut *self.sink;
        let outcome = Python::attach(|_| sink.take_lines(bytes));
        match outcome {
            Ok(()) => Ok(bytes.len()),
            Err(error) => {
                sink.error = Some(error);
                Err(io::Error::other("stopped by a Python exception"))
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Python's cyclic garbage collector, paused while a call builds its records
/// and restored when the guard drops (a `try`/`finally` around the call).
///
/// The records hold no reference cycles (dicts, lists, str, int, float,
/// None), but each list and dict is a container the collector tracks: while
/// millions of them are made, every 700 allocations start a collection that
/// walks the young ones, and the growing older generations are walked again
/// and again. Paused, they are walked once, by the first collection after
/// the call. `gc.disable` is process-wide: while a batch runs (the GIL
/// released) other Python threads run without collections too.
struct GcPause<'py> {
    /// `gc.enable`, when the collector was enabled and is to be re-enabled.
    enable: Option<Bound<'py, PyAny>>,
}

impl<'py> GcPause<'py> {
    fn new(py: Python<'py>) -> PyResult<Self> {
        let gc = py.import("gc")?;
        if !gc.call_method0("isenabled")?.is_truthy()? {
            // Paused by the caller: theirs to restore.
            return Ok(GcPause { enable: None });
        }
        gc.call_method0("disable")?;
        Ok(GcPause {
            enable: Some(gc.getattr("enable")?),
        })
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        if let Some(enable) = self.enable.take()
            && let Err(error) = enable.call0()
        {
            // Drop cannot raise: report it as Python reports errors it cannot raise.
            error.write_unraisable(enable.py(), None);
        }
    }
}

/// Rejected texts, as (1-based position, reason).
#[derive(Default)]
struct Rejects(Vec<(u64, String)>);

impl Observer for Rejects {
    fn reject(&mut self, reject: &Reject) -> canon::Result<()> {
        self.0.push((reject.line, reject.reason.clone()));
        Ok(())
    }
}

impl PyCanon {
    /// Runs the corpus engine over `texts` and returns one entry per text,
    /// in order: its record, or `None` where it was rejected (or the
    /// `RejectedError` of the first rejected text).
    fn batch<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
        jobs: usize,
        on_reject: OnReject,
        as_json: bool,
    ) -> PyResult<Bound<'py, PyList>> {
        let count = texts.len();
        // Restored on every way out, errors included (dropped last).
        let _gc = GcPause::new(py)?;
        let mut options = self.options.clone();
        options.jobs = jobs;
        let mut sink = Sink {
            py,
            strings: json::Strings::new(),
            records: Vec::with_capacity(count),
            as_json,
            error: None,
        };
        let mut rejects = Rejects::default();
        let canon = &self.canon;
        let run = AssertSend((&mut sink, &mut rejects));
        let outcome = py.detach(move || {
            let (sink, rejects) = run.into_inner();
            let mut out = Detached { sink };
            corpus::run_texts(canon, texts, "texts", &options, &mut out, rejects).1
        });
        if let Some(error) = sink.error.take() {
            return Err(error);
        }
        outcome.map_err(error_to_py)?;
        if on_reject == OnReject::Raise
            && let Some((line, reason)) = rejects.0.first()
        {
            return Err(rejected(*line as usize - 1, reason));
        }
        let mut records = sink.records.into_iter();
        let mut rejected = rejects
            .0
            .iter()
            .map(|(line, _)| *line as usize - 1)
            .peekable();
        let all = (0..count).map(|index| {
            if rejected.next_if_eq(&index).is_some() {
                py.None().into_bound(py)
            } else {
                records.next().expect("one record per text not rejected")
            }
        });
        PyList::new(py, all)
    }
}

#[pymethods]
impl PyCanon {
    /// Canon(aliases=None, *, default_table=True, search=False,
    ///       boilerplate="on", boilerplate_from=None, spans=False,
    ///       offsets="chars", max_bytes=67108864)
    ///
    /// Loads canon's pipeline once.
    ///
    /// aliases: extra alias tables (a path or a list of paths; any table
    ///     kind `canon normalize --aliases` loads), each adding entities or
    ///     replacing default ones with the same id; a compiled `.canonidx`
    ///     (`canon alias compile`, which holds the built-in table) is mapped
    ///     and given alone.
    /// default_table: False leaves the default (world-news) table out: the
    ///     `aliases` tables alone (`--no-default-table`), none meaning no
    ///     entities. A compiled table holds it or not as it was compiled;
    ///     one that holds it is refused (CanonError) with False.
    /// search: search mode (`--search`): after a long Chinese word also the
    ///     dictionary words inside it, after a hyphenated compound its parts.
    /// boilerplate: "on" (page furniture marked, its terms and entities
    ///     left out), "keep" (marked, kept, its entities flagged) or "off".
    /// boilerplate_from: furniture files written by `canon boilerplate learn`.
    /// spans: also give `token_spans` (`--spans`).
    /// offsets: the unit of every offset; "chars" (code points, the index
    ///     of a Python str) is the one canon writes.
    /// max_bytes: texts longer than this many UTF-8 bytes are rejected.
    ///
    /// Raises AliasTableError (every problem as `file:line: message`, as the
    /// CLI prints them) for a table that does not load, CanonError for a file
    /// that cannot be read.
    // One Rust argument per Python keyword argument of the constructor.
    #[allow(clippy::too_many_arguments)]
    #[new]
    #[pyo3(signature = (aliases=None, *, default_table=true, search=false, boilerplate="on", boilerplate_from=None, spans=false, offsets="chars", max_bytes=canon::corpus::DEFAULT_MAX_BYTES))]
    fn new(
        py: Python<'_>,
        aliases: Option<&Bound<'_, PyAny>>,
        default_table: bool,
        search: bool,
        boilerplate: &str,
        boilerplate_from: Option<&Bound<'_, PyAny>>,
        spans: bool,
        offsets: &str,
        max_bytes: u64,
    ) -> PyResult<Self> {
        let alias_paths = paths(aliases, "aliases")?;
        let furniture = paths(boilerplate_from, "boilerplate_from")?;
        let mode = boilerplate_mode(boilerplate)?;
        if offsets != "chars" {
            return Err(PyValueError::new_err(format!(
                "offsets must be \"chars\" (code points, as canon writes them), not {offsets:?}"
            )));
        }
        if max_bytes == 0 {
            return Err(PyValueError::new_err("max_bytes must be at least 1"));
        }
        let described = format!(
            "Canon(aliases={alias_paths:?}, default_table={}, search={}, boilerplate={boilerplate:?}, boilerplate_from={furniture:?}, spans={}, offsets={offsets:?}, max_bytes={max_bytes})",
            if default_table { "True" } else { "False" },
            if search { "True" } else { "False" },
            if spans { "True" } else { "False" },
        );
        let builder = canon::Canon::builder()
            .aliases(alias_paths)
            .default_table(if default_table {
                DefaultTable::Included
            } else {
                DefaultTable::Excluded
            })
            .boilerplate_from(furniture)
            .search(search)
            .boilerplate(mode);
        let canon = py.detach(move || builder.build()).map_err(error_to_py)?;
        let mut options = CorpusOptions::default();
        options.write.spans = spans;
        options.max_bytes = max_bytes;
        Ok(PyCanon {
            canon,
            options,
            described,
        })
    }

    /// analyze(text) -> dict
    ///
    /// The record `canon normalize` writes for `{"text": text}`, without the
    /// input's `text`: `lang`, `lang_confidence`, `normalized_text`,
    /// `tokens` (list of str), `token_spans` (with spans=True), `entities`
    /// (list of dicts: id, name, wikidata when known, surface, start, end,
    /// parents), `boilerplate` (unless "off"), and any field the output
    /// contract adds. Offsets are code points of `text` (Python str
    /// indices): text[start:end] == surface.
    ///
    /// Raises RejectedError when canon rejects the text (binary data, more
    /// than max_bytes), with the CLI's reason.
    fn analyze<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let text = text.to_cow()?;
        let text: &str = &text;
        let (canon, options) = (&self.canon, &self.options);
        let line = py.detach(|| {
            let mut line = Vec::new();
            corpus::analyze_text(canon, options, text, &mut line).map(|_| line)
        });
        let line = line.map_err(|reason| rejected(0, &reason))?;
        json::parse(py, &mut json::Strings::new(), &line)
    }

    /// analyze_batch(texts, jobs=None, *, on_reject="raise") -> list[dict]
    ///
    /// `analyze` for every text of `texts` (an iterable of str), run by the
    /// engine of `canon normalize` on `jobs` threads (default: every core)
    /// with the GIL released; one record per text, in input order, the same
    /// for every `jobs`.
    ///
    /// on_reject: "raise" raises RejectedError for the first text canon
    ///     rejects (its .index and .reason say which and why); "none" puts
    ///     None in its place.
    ///
    /// Python's garbage collector (`gc`, process-wide) is paused for the
    /// call and restored when it returns or raises: the records' lists and
    /// dicts are walked once, by the first collection after the call,
    /// instead of by one collection every 700 of them.
    #[pyo3(signature = (texts, jobs=None, *, on_reject="raise"))]
    fn analyze_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        jobs: Option<usize>,
        on_reject: &str,
    ) -> PyResult<Bound<'py, PyList>> {
        let on_reject = self::on_reject(on_reject)?;
        let jobs = job_count(jobs)?;
        let texts = self::texts(texts)?;
        self.batch(py, texts, jobs, on_reject, false)
    }

    /// analyze_batch_json(texts, jobs=None, *, on_reject="raise") -> list[str]
    ///
    /// `analyze_batch`, with each record as the JSON text canon writes (one
    /// line, without its newline) instead of a dict: for writing JSON Lines
    /// or handing records to Spark or Arrow without building dicts.
    #[pyo3(signature = (texts, jobs=None, *, on_reject="raise"))]
    fn analyze_batch_json<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        jobs: Option<usize>,
        on_reject: &str,
    ) -> PyResult<Bound<'py, PyList>> {
        let on_reject = self::on_reject(on_reject)?;
        let jobs = job_count(jobs)?;
        let texts = self::texts(texts)?;
        self.batch(py, texts, jobs, on_reject, true)
    }

    /// lookup(name) -> dict
    ///
    /// What `name` resolves to, as `canon alias lookup --json` writes it:
    /// query, id, name, kind, alias (None for the four when unknown),
    /// ambiguous, candidates (list of dicts: id, name, kind, alias, lang,
    /// needs, matches_case) and suggestions (list of dicts: alias, id).
    fn lookup<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        let table = self.canon.table();
        let json = table.lookup(name).to_json(table).to_string();
        json::parse(py, &mut json::Strings::new(), json.as_bytes())
    }

    /// Problems of the alias tables that do not stop matching (an alias
    /// that normalizes to nothing, ...), as `file:line: message`.
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.canon
            .table()
            .warnings()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn __repr__(&self) -> String {
        self.described.clone()
    }
}

/// canon's pipeline for Python (see the package `canon_nlp`).
#[pymodule]
fn _canon(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCanon>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
