//! Running the pipeline over a corpus: streaming, parallel, in input order,
//! and without losing a record.
//!
//! A reader thread cuts the inputs into batches of records; `jobs` workers
//! analyze batches; the calling thread writes results in batch order. Channels
//! between them are bounded, and so are the bytes of the batches in flight
//! (read and not yet written): a batch larger than the budget (one huge
//! record) is let in only while fewer than `jobs` batches are in flight, so
//! memory stays flat however large the corpus and its records. A batch is
//! closed early whenever the reader would otherwise wait for input, so a pipe
//! sees each line's output as soon as it is computed.
//!
//! Every record read ends as exactly one output line or one [`Reject`].
//!
//! The same engine runs over texts held in memory ([`run_texts`], what the
//! Python package's `analyze_batch` calls): each text is a record of its
//! own, written as canon's fields only ([`analyze_text`]).

use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufReader, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded};

use crate::decode::compressed::EndAtTrailingGarbage;
use crate::decode::record::first_line_is_json_object;
use crate::decode::utf16::transcode_utf16;
use crate::decode::{
    EncodingNote, Input, InputFile, Layout, LineReader, ReadRecord, Record, SkippedPath,
    binary_reason, decode_text, is_blank_line, parse_json_record, read_document,
};
use crate::pipeline::{Analysis, Canon};
use crate::plural::count;
use crate::write::{WriteOptions, write_analysis, write_record};
use crate::{Error, Result};

/// How to run over a corpus.
///
/// More choices will come; build it from [`Default`] and set fields.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CorpusOptions {
    /// The JSON field holding the text (`text` by default).
    pub text_field: String,
    /// Output options.
    pub write: WriteOptions,
    /// Worker threads.
    pub jobs: usize,
    /// Largest record, in bytes, that is processed; larger ones are rejected.
    pub max_bytes: u64,
}

impl Default for CorpusOptions {
    fn default() -> Self {
        CorpusOptions {
            text_field: "text".to_string(),
            write: WriteOptions::default(),
            jobs: 1,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// The default `--max-bytes`: far above any real article, low enough that a
/// runaway line cannot exhaust memory.
pub const DEFAULT_MAX_BYTES: u64 = 64 * 1024 * 1024;

pub use crate::reject::Reject;

/// What a run did, for the summary line and the exit status.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Summary {
    /// Records read (output plus rejected).
    pub records_in: u64,
    /// Records written.
    pub records_out: u64,
    /// Records rejected.
    pub rejected: u64,
    /// Blank lines in JSON Lines input, which are not records.
    pub blank_lines: u64,
    /// Bytes of input read (after decompression).
    pub bytes_in: u64,
    /// Output records per language code.
    pub languages: BTreeMap<&'static str, u64>,
    /// Entity mentions found.
    pub mentions: u64,
    /// Terms longer than [`crate::pipeline::MAX_TERM_BYTES`], written as pieces.
    pub split_terms: u64,
    /// Input paths that could not be read (their data is missing).
    pub unreadable_paths: u64,
    /// Paths skipped without loss: symbolic link loops, dangling links,
    /// files that are not regular files inside walked folders.
    pub skipped_paths: u64,
    /// Output records whose text was decoded from several encodings.
    pub mixed_encodings: u64,
    /// Output records with an `encoding_warning`.
    pub doubtful_encodings: u64,
    /// Bytes of normalized text marked as page furniture.
    pub boilerplate_bytes: u64,
    /// Files read as one plain-text document by their name whose first
    /// line is a JSON object: most likely JSON Lines under another name.
    pub text_files_like_json_lines: u64,
    /// Wall-clock time.
    pub elapsed: Duration,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.elapsed.as_secs_f64();
        let mb = self.bytes_in as f64 / 1e6;
        let languages: Vec<String> = self
            .languages
            .iter()
            .map(|(l, n)| format!("{l} {n}"))
            .collect();
        write!(
            f,
            "canon: {} in, {} out, {} rejected; {:.1} MB in {:.2} s ({:.1} MB/s); languages: {}; {}",
            count(self.records_in, "record", "records"),
            self.records_out,
            self.rejected,
            mb,
            seconds,
            if seconds > 0.0 { mb / seconds } else { 0.0 },
            if languages.is_empty() {
                "none".to_string()
            } else {
                languages.join(", ")
            },
            count(self.mentions, "entity mention", "entity mentions")
        )?;
        let split = (
            format!("term over {} bytes split", crate::pipeline::MAX_TERM_BYTES),
            format!("terms over {} bytes split", crate::pipeline::MAX_TERM_BYTES),
        );
        let extras = [
            (
                self.blank_lines,
                "blank line skipped",
                "blank lines skipped",
            ),
            (
                self.unreadable_paths,
                "unreadable input path",
                "unreadable input paths",
            ),
            (
                self.skipped_paths,
                "path skipped (links or special files)",
                "paths skipped (links or special files)",
            ),
            (
                self.mixed_encodings,
                "record with mixed encodings",
                "records with mixed encodings",
            ),
            (
                self.doubtful_encodings,
                "record with doubtful encodings",
                "records with doubtful encodings",
            ),
            (
                self.text_files_like_json_lines,
                "plain-text file that looks like JSON Lines",
                "plain-text files that look like JSON Lines",
            ),
            (self.split_terms, &split.0, &split.1),
            (
                self.boilerplate_bytes,
                "byte marked as boilerplate",
                "bytes marked as boilerplate",
            ),
        ];
        for (n, one, many) in extras {
            if n > 0 {
                write!(f, "; {}", count(n, one, many))?;
            }
        }
        Ok(())
    }
}

/// Observes a run as it goes: rejects, skipped paths and files that look
/// like JSON Lines though read as plain text, as they are met (in input
/// order), and progress after every batch.
pub trait Observer {
    /// A record was rejected.
    fn reject(&mut self, reject: &Reject) -> Result<()>;
    /// An input path was skipped.
    fn skipped(&mut self, _skipped: &SkippedPath) {}
    /// A file read as one plain-text document by its name (not by
    /// `--format`) has a JSON object as its first line: it is most likely
    /// JSON Lines, which `--format jsonl` would read record by record. Its
    /// document is analyzed as plain text all the same.
    fn text_like_json_lines(&mut self, _file: &str) {}
    /// A batch was written; `summary` holds the totals so far.
    fn progress(&mut self, _summary: &Summary) {}
}

/// One record's bytes as read, before decoding.
#[derive(Debug, Clone)]
struct RawRecord {
    /// The input it came from.
    file: Arc<str>,
    /// 1-based line number (1 for a plain-text document; the position for
    /// a text given in memory).
    line: u64,
    /// How to read the bytes; `None` for a text given in memory (UTF-8,
    /// analyzed as it is and written without an input record).
    layout: Option<Layout>,
    /// The bytes, without the line terminator; only the head when `oversized`.
    bytes: Vec<u8>,
    /// What was read: the full length, and the hash when it was too large.
    read: ReadRecord,
    /// The encoding the whole stream was transcoded from (UTF-16).
    stream_encoding: Option<&'static str>,
}

enum Item {
    Record(RawRecord),
    Reject(Reject),
    Skipped(SkippedPath),
    Blank,
    /// The file named reads as plain text by its name but looks like JSON
    /// Lines ([`Observer::text_like_json_lines`]).
    TextLikeJsonLines(Arc<str>),
}

/// What the writer reports, in input order.
enum Event {
    Reject(Reject),
    Skipped(SkippedPath),
    TextLikeJsonLines(Arc<str>),
}

struct Batch {
    seq: u64,
    /// Record bytes, as counted against the in-flight budget.
    bytes: usize,
    items: Vec<Item>,
}

#[derive(Default)]
struct BatchResult {
    seq: u64,
    bytes: usize,
    output: Vec<u8>,
    events: Vec<Event>,
    records_out: u64,
    rejected: u64,
    blank_lines: u64,
    bytes_in: u64,
    languages: Vec<&'static str>,
    mentions: u64,
    split_terms: u64,
    mixed_encodings: u64,
    doubtful_encodings: u64,
    boilerplate_bytes: u64,
}

const BATCH_BYTES: usize = 512 * 1024;
const BATCH_RECORDS: usize = 1024;
/// The largest output buffer kept for reuse: a few times an ordinary
/// batch's output.
const MAX_SPARE_BUFFER: usize = 16 * BATCH_BYTES;

/// The output bytes reserved per input byte of a batch: what news needs
/// (4.6), with room to spare.
const OUTPUT_PER_INPUT: usize = 5;
/// Bytes of batches in flight per worker: room for ordinary batches to
/// queue up on both sides of the workers.
const IN_FLIGHT_BYTES_PER_JOB: usize = 6 * BATCH_BYTES;

/// Counts the batches read and not yet written, and holds the reader back
/// while they are over budget.
struct InFlight {
    gate: Mutex<Gate>,
    changed: Condvar,
    budget_bytes: usize,
    jobs: usize,
}

#[derive(Default)]
struct Gate {
    bytes: usize,
    batches: usize,
    closed: bool,
}

impl InFlight {
    fn new(jobs: usize) -> InFlight {
        InFlight {
            gate: Mutex::default(),
            changed: Condvar::new(),
            budget_bytes: jobs * IN_FLIGHT_BYTES_PER_JOB,
            jobs,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Gate> {
        self.gate.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until a batch of `bytes` may go: it fits the budget, or fewer
    /// batches than workers are in flight (so no worker starves behind a
    /// huge record). False when the run is being stopped.
    fn admit(&self, bytes: usize) -> bool {
        let mut gate = self.lock();
        while !gate.closed && gate.batches >= self.jobs && gate.bytes + bytes > self.budget_bytes {
            gate = self.changed.wait(gate).unwrap_or_else(|e| e.into_inner());
        }
        if gate.closed {
            return false;
        }
        gate.bytes += bytes;
        gate.batches += 1;
        true
    }

    /// Waits while the batches in flight are over budget, so that the reader
    /// does not read a record ahead (which may be huge) before it could go.
    /// False when the run is being stopped.
    fn wait_for_room(&self) -> bool {
        let mut gate = self.lock();
        while !gate.closed && gate.batches >= self.jobs && gate.bytes >= self.budget_bytes {
            gate = self.changed.wait(gate).unwrap_or_else(|e| e.into_inner());
        }
        !gate.closed
    }

    fn release(&self, bytes: usize) {
        let mut gate = self.lock();
        gate.bytes -= bytes;
        gate.batches -= 1;
        self.changed.notify_all();
    }

    fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }
}

/// Closes the gate when the writer stops, however it stops.
struct CloseOnDrop<'a>(&'a InFlight);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Runs `canon` over `inputs`, writing output lines to `out` in input order.
///
/// Rejects and skipped paths go to `observer`; I/O errors on the output stop
/// the run. Input errors do not: a read error mid-file becomes a reject
/// (trailing garbage after the last member of a compressed file a reject
/// after the records before it, which are kept), an input that cannot be
/// opened a skipped path. Returns the totals of what
/// was written, also when an error stopped the run, and the error.
///
/// ```
/// use canon::corpus::{self, CorpusOptions, Observer, Reject};
/// use canon::decode::expand_inputs;
///
/// struct Rejects(Vec<String>);
/// impl Observer for Rejects {
///     fn reject(&mut self, reject: &Reject) -> canon::Result<()> {
///         self.0.push(reject.to_string());
///         Ok(())
///     }
/// }
///
/// let canon = canon::Canon::builder().build()?;
/// let inputs = expand_inputs(&["data/samples/articles.jsonl".into()], None);
/// let mut options = CorpusOptions::default();
/// options.jobs = 2; // output is the same for every number of jobs
/// let (mut out, mut rejects) = (Vec::new(), Rejects(Vec::new()));
/// let (summary, outcome) = corpus::run(&canon, &inputs, &options, &mut out, &mut rejects);
/// outcome?;
/// assert_eq!(summary.records_in, summary.records_out + summary.rejected);
/// assert_eq!(out.iter().filter(|&&b| b == b'\n').count() as u64, summary.records_out);
/// assert!(rejects.0.is_empty());
/// # Ok::<(), canon::Error>(())
/// ```
pub fn run(
    canon: &Canon,
    inputs: &[Input],
    options: &CorpusOptions,
    out: &mut dyn Write,
    observer: &mut dyn Observer,
) -> (Summary, Result<()>) {
    run_records(canon, options, out, observer, |batcher| {
        read_batches(inputs, options.max_bytes, batcher)
    })
}

/// Runs `canon` over `texts`, documents held in memory, with the engine of
/// [`run`]: the same batches, workers and order. Each text is one record;
/// its output line holds canon's fields only (see [`analyze_text`]), one
/// line per text that is not rejected, in order. A rejected text (binary
/// data, over [`CorpusOptions::max_bytes`]) goes to `observer` as a reject
/// of file `name`, line = its 1-based position in `texts`.
///
/// ```
/// use canon::corpus::{self, CorpusOptions, Observer, Reject};
///
/// struct Positions(Vec<u64>);
/// impl Observer for Positions {
///     fn reject(&mut self, reject: &Reject) -> canon::Result<()> {
///         self.0.push(reject.line);
///         Ok(())
///     }
/// }
///
/// let canon = canon::Canon::builder().build()?;
/// let texts = vec!["月之暗面发布了Kimi".to_string(), "\u{1}".repeat(20), "DeepSeek released a model.".into()];
/// let (mut out, mut rejected) = (Vec::new(), Positions(Vec::new()));
/// let (summary, outcome) =
///     corpus::run_texts(&canon, texts, "texts", &CorpusOptions::default(), &mut out, &mut rejected);
/// outcome?;
/// assert_eq!((summary.records_out, summary.rejected), (2, 1));
/// assert_eq!(rejected.0, [2]);
/// let lines: Vec<&str> = std::str::from_utf8(&out).unwrap().lines().collect();
/// assert!(lines[0].starts_with(r#"{"lang":"zh","#));
/// assert!(lines[1].starts_with(r#"{"lang":"en","#));
/// # Ok::<(), canon::Error>(())
/// ```
pub fn run_texts<I>(
    canon: &Canon,
    texts: I,
    name: &str,
    options: &CorpusOptions,
    out: &mut dyn Write,
    observer: &mut dyn Observer,
) -> (Summary, Result<()>)
where
    I: IntoIterator<Item = String>,
    I::IntoIter: Send,
{
    let texts = texts.into_iter();
    let name: Arc<str> = name.into();
    run_records(canon, options, out, observer, move |batcher| {
        read_texts(texts, name, batcher)
    })
}

/// Analyzes `text`, a document given by itself, as [`run_texts`] does each
/// of its texts: rejected, with the reason `canon normalize` gives, when it
/// is larger than `options.max_bytes` or binary data, or when analyzing it
/// panics (a bug: the panic's message is the reason); otherwise analyzed and
/// its output line (canon's fields, see [`crate::write::write_analysis`])
/// appended to `out`.
pub fn analyze_text(
    canon: &Canon,
    options: &CorpusOptions,
    text: &str,
    out: &mut Vec<u8>,
) -> Result<Analysis, String> {
    if text.len() as u64 > options.max_bytes {
        return Err(oversized_reason(text.len() as u64, options.max_bytes));
    }
    if let Some(reason) = binary_reason(text) {
        return Err(reason);
    }
    let analysis = analyze_guarded(canon, text)?;
    write_analysis(out, text, &analysis, options.write);
    Ok(analysis)
}

/// [`Canon::analyze`], with a panic turned into the record's reject reason:
/// a bug that one record's text runs into must cost that record, not every
/// record of the run (the worker thread would die with the batch, and the
/// run with it). The panic's message is printed by the panic hook as well.
fn analyze_guarded(canon: &Canon, text: &str) -> Result<Analysis, String> {
    guarded(|| canon.analyze(text))
}

/// Runs `f`, or says what it panicked with.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_string());
        format!("internal error while analyzing the text (a bug; please report it): {message}")
    })
}

fn oversized_reason(len_bytes: u64, max_bytes: u64) -> String {
    format!("record of {len_bytes} bytes exceeds --max-bytes {max_bytes}")
}

/// The engine behind [`run`] and [`run_texts`]: `read` sends the records
/// (on a thread of its own) through the batcher it is given.
fn run_records(
    canon: &Canon,
    options: &CorpusOptions,
    out: &mut dyn Write,
    observer: &mut dyn Observer,
    read: impl FnOnce(&mut Batcher) + Send,
) -> (Summary, Result<()>) {
    let started = Instant::now();
    let jobs = options.jobs.max(1);
    let (batch_tx, batch_rx) = bounded::<Batch>(jobs * 2);
    let (result_tx, result_rx) = bounded::<BatchResult>(jobs * 2);
    // Output buffers written out go back to the workers: a fresh buffer of a
    // few MB per batch would cost page faults and zeroing every time.
    let (spare_tx, spare_rx) = bounded::<Vec<u8>>(jobs * 4);
    let in_flight = InFlight::new(jobs);
    let mut summary = Summary::default();
    let outcome = std::thread::scope(|scope| {
        let in_flight = &in_flight;
        scope.spawn(move || {
            let mut batcher = Batcher {
                tx: batch_tx,
                in_flight,
                seq: 0,
                items: Vec::new(),
                bytes: 0,
            };
            read(&mut batcher);
        });
        for _ in 0..jobs {
            let batch_rx = batch_rx.clone();
            let result_tx = result_tx.clone();
            let spare_rx = spare_rx.clone();
            scope.spawn(move || analyze_batches(canon, options, batch_rx, result_tx, spare_rx));
        }
        drop(batch_rx);
        drop(result_tx);
        drop(spare_rx);
        // On an output error `result_rx` is dropped on return and the gate
        // closed, which makes the workers and then the reader stop, so the
        // scope can end.
        let _close = CloseOnDrop(in_flight);
        write_in_order(
            result_rx,
            spare_tx,
            in_flight,
            out,
            observer,
            &mut summary,
            started,
        )
    });
    summary.elapsed = started.elapsed();
    (summary, outcome)
}

fn write_in_order(
    results: Receiver<BatchResult>,
    spare_buffers: Sender<Vec<u8>>,
    in_flight: &InFlight,
    out: &mut dyn Write,
    observer: &mut dyn Observer,
    summary: &mut Summary,
    started: Instant,
) -> Result<()> {
    let mut waiting: BTreeMap<u64, BatchResult> = BTreeMap::new();
    let mut next = 0;
    for result in results {
        waiting.insert(result.seq, result);
        while let Some(result) = waiting.remove(&next) {
            next += 1;
            out.write_all(&result.output).map_err(Error::Output)?;
            out.flush().map_err(Error::Output)?;
            in_flight.release(result.bytes);
            // A full pool, or workers that are gone, just drop the buffer;
            // so is the buffer of an exceptionally large batch, which would
            // otherwise hold its memory for the rest of the run.
            if result.output.capacity() <= MAX_SPARE_BUFFER {
                let _ = spare_buffers.try_send(result.output);
            }
            for event in &result.events {
                match event {
                    Event::Reject(reject) => observer.reject(reject)?,
                    Event::Skipped(skipped) => {
                        if skipped.kind.is_error() {
                            summary.unreadable_paths += 1;
                        } else {
                            summary.skipped_paths += 1;
                        }
                        observer.skipped(skipped);
                    }
                    Event::TextLikeJsonLines(file) => {
                        summary.text_files_like_json_lines += 1;
                        observer.text_like_json_lines(file);
                    }
                }
            }
            summary.records_out += result.records_out;
            summary.rejected += result.rejected;
            summary.records_in += result.records_out + result.rejected;
            summary.blank_lines += result.blank_lines;
            summary.bytes_in += result.bytes_in;
            summary.mentions += result.mentions;
            summary.split_terms += result.split_terms;
            summary.mixed_encodings += result.mixed_encodings;
            summary.doubtful_encodings += result.doubtful_encodings;
            summary.boilerplate_bytes += result.boilerplate_bytes;
            for lang in result.languages {
                *summary.languages.entry(lang).or_default() += 1;
            }
            summary.elapsed = started.elapsed();
            observer.progress(summary);
        }
    }
    Ok(())
}

/// Sends batches of records read from `inputs`; stops early if nobody listens.
fn read_batches(inputs: &[Input], max_bytes: u64, batcher: &mut Batcher) {
    for input in inputs {
        let going_on = match input {
            Input::File(file) => read_input(file, max_bytes, batcher),
            Input::Skipped(skipped) => batcher.push(Item::Skipped(skipped.clone()), false),
        };
        if !going_on {
            return;
        }
    }
    batcher.flush();
}

/// Sends batches of the texts, each a record named `name` with its 1-based
/// position as line; stops early if nobody listens.
fn read_texts(texts: impl Iterator<Item = String>, name: Arc<str>, batcher: &mut Batcher) {
    for (index, text) in texts.enumerate() {
        if !batcher.ready() {
            return;
        }
        let record = RawRecord {
            file: name.clone(),
            line: index as u64 + 1,
            layout: None,
            read: ReadRecord {
                len_bytes: text.len() as u64,
                oversized_sha256: None,
            },
            bytes: text.into_bytes(),
            stream_encoding: None,
        };
        if !batcher.push(Item::Record(record), false) {
            return;
        }
    }
    batcher.flush();
}

struct Batcher<'a> {
    tx: Sender<Batch>,
    in_flight: &'a InFlight,
    seq: u64,
    items: Vec<Item>,
    bytes: usize,
}

impl Batcher<'_> {
    /// Called before a record is read: when a new batch would start, waits
    /// until there is room for it. False when the run is being stopped.
    fn ready(&self) -> bool {
        !self.items.is_empty() || self.in_flight.wait_for_room()
    }

    /// Adds an item; returns false when the run is being stopped.
    fn push(&mut self, item: Item, input_drained: bool) -> bool {
        if let Item::Record(record) = &item {
            self.bytes += record.bytes.len();
        }
        self.items.push(item);
        if input_drained || self.bytes >= BATCH_BYTES || self.items.len() >= BATCH_RECORDS {
            return self.flush();
        }
        true
    }

    fn flush(&mut self) -> bool {
        if self.items.is_empty() {
            return true;
        }
        if !self.in_flight.admit(self.bytes) {
            return false;
        }
        let batch = Batch {
            seq: self.seq,
            bytes: std::mem::take(&mut self.bytes),
            items: std::mem::take(&mut self.items),
        };
        self.seq += 1;
        self.tx.send(batch).is_ok()
    }
}

fn read_input(input: &InputFile, max_bytes: u64, batcher: &mut Batcher) -> bool {
    // A record cut by a read error (a damaged or cut compressed file)
    // keeps the bytes read of it in its reject, so that none is lost.
    let read_error = |line: u64, error: std::io::Error, read: &[u8]| {
        Item::Reject(Reject::of_record(
            input.name.clone(),
            line,
            format!("read error: {error}"),
            read,
        ))
    };
    let reader = match input.open() {
        Ok(reader) => reader,
        Err(error) => {
            let skipped = SkippedPath {
                name: input.name.clone(),
                reason: error.to_string(),
                kind: crate::decode::SkipKind::Unreadable,
            };
            return batcher.push(Item::Skipped(skipped), true);
        }
    };
    // Trailing garbage after the last member of a compressed file ends the
    // stream there: every byte before it was read whole, so its records
    // (a plain-text document, a last line without a newline) are kept, and
    // the garbage becomes a reject of its own after them.
    let (reader, trailing_garbage) = EndAtTrailingGarbage::new(reader);
    let (mut reader, stream_encoding) = match transcode_utf16(Box::new(reader)) {
        Ok((reader, encoding)) => (reader, encoding.map(|e| e.name())),
        Err(error) => return batcher.push(read_error(1, error, b""), true),
    };
    let record = |line: u64, layout: Option<Layout>, bytes: Vec<u8>, read: ReadRecord| {
        Item::Record(RawRecord {
            file: input.name.clone(),
            line,
            layout,
            bytes,
            read,
            stream_encoding,
        })
    };
    match input.layout {
        Layout::PlainText => {
            // The size on disk is the document's size only when the bytes
            // are read as they are.
            let size_hint = input
                .size()
                .filter(|_| input.compression == crate::decode::Compression::None)
                .filter(|_| stream_encoding.is_none());
            if !batcher.ready() {
                return false;
            }
            let mut bytes = Vec::new();
            let item = match read_document(&mut reader, max_bytes, size_hint, &mut bytes) {
                Ok(read) => {
                    if !input.layout_given
                        && first_line_is_json_object(&bytes, read.oversized_sha256.is_some())
                        && !batcher.push(Item::TextLikeJsonLines(input.name.clone()), false)
                    {
                        return false;
                    }
                    record(1, Some(Layout::PlainText), bytes, read)
                }
                Err(error) => read_error(1, error, &bytes),
            };
            if !batcher.push(item, false) {
                return false;
            }
            match trailing_garbage.take() {
                // Line 2: after the document, which is line 1.
                Some(error) => batcher.ready() && batcher.push(read_error(2, error, b""), true),
                None => true,
            }
        }
        Layout::JsonLines => {
            let mut lines =
                LineReader::new(BufReader::with_capacity(256 * 1024, reader), max_bytes);
            let mut line_no = 0;
            loop {
                line_no += 1;
                if !batcher.ready() {
                    return false;
                }
                let mut bytes = Vec::new();
                let item = match lines.next_line(&mut bytes) {
                    Ok(None) => {
                        return match trailing_garbage.take() {
                            Some(error) => batcher.push(read_error(line_no, error, b""), true),
                            None => true,
                        };
                    }
                    Ok(Some(read)) if read.oversized_sha256.is_none() && is_blank_line(&bytes) => {
                        Item::Blank
                    }
                    Ok(Some(read)) => record(line_no, Some(Layout::JsonLines), bytes, read),
                    Err(error) => return batcher.push(read_error(line_no, error, &bytes), true),
                };
                if !batcher.push(item, lines.buffer_is_empty()) {
                    return false;
                }
            }
        }
    }
}

fn analyze_batches(
    canon: &Canon,
    options: &CorpusOptions,
    batches: Receiver<Batch>,
    results: Sender<BatchResult>,
    spare_buffers: Receiver<Vec<u8>>,
) {
    for batch in batches {
        // Output runs 4.6 times the input on news in English and Chinese
        // alike (the text twice, tokens, positions, entities); reserving it
        // up front saves copying it while it grows, and the fresh pages of a
        // buffer twice as large. A huge record reserves its own line when it
        // is written.
        let mut output = spare_buffers.try_recv().unwrap_or_default();
        output.clear();
        output.reserve((batch.bytes * OUTPUT_PER_INPUT).min(MAX_SPARE_BUFFER));
        let mut result = BatchResult {
            seq: batch.seq,
            bytes: batch.bytes,
            output,
            ..BatchResult::default()
        };
        for item in batch.items {
            match item {
                Item::Blank => result.blank_lines += 1,
                Item::Reject(reject) => {
                    result.rejected += 1;
                    result.events.push(Event::Reject(reject));
                }
                Item::Skipped(skipped) => result.events.push(Event::Skipped(skipped)),
                Item::TextLikeJsonLines(file) => {
                    result.events.push(Event::TextLikeJsonLines(file));
                }
                Item::Record(record) => {
                    result.bytes_in += record.read.len_bytes;
                    if let Err(reject) = analyze_record(canon, options, record, &mut result) {
                        result.rejected += 1;
                        result.events.push(Event::Reject(reject));
                    }
                }
            }
        }
        if results.send(result).is_err() {
            return;
        }
    }
}

fn analyze_record(
    canon: &Canon,
    options: &CorpusOptions,
    record: RawRecord,
    result: &mut BatchResult,
) -> Result<(), Reject> {
    let RawRecord {
        file,
        line,
        layout,
        bytes,
        read,
        stream_encoding,
    } = record;
    let reject = |reason: String| Reject::of_record(file.clone(), line, reason, &bytes);
    if let Some(sha256) = read.oversized_sha256 {
        let reason = oversized_reason(read.len_bytes, options.max_bytes);
        return Err(Reject::of_head(
            file,
            line,
            reason,
            bytes,
            read.len_bytes,
            sha256,
        ));
    }
    let Some(layout) = layout else {
        // A text given in memory: a Rust string before it was bytes.
        let text =
            std::str::from_utf8(&bytes).map_err(|e| reject(format!("invalid UTF-8: {e}")))?;
        let analysis = analyze_text(canon, options, text, &mut result.output).map_err(&reject)?;
        result.count(&analysis, &EncodingNote::default());
        return Ok(());
    };
    let decoded = decode_text(&bytes);
    let mut note = decoded.note;
    if let (None, Some(stream)) = (note.encoding, stream_encoding) {
        note = EncodingNote::whole(stream);
    }
    let parsed = match layout {
        Layout::PlainText => Record::plain_text(&file, &decoded.text),
        Layout::JsonLines => {
            parse_json_record(&decoded.text, &options.text_field).map_err(&reject)?
        }
    };
    if let Some(reason) = binary_reason(&parsed.text) {
        return Err(reject(reason));
    }
    let analysis = analyze_guarded(canon, &parsed.text).map_err(&reject)?;
    write_record(&mut result.output, &parsed, &analysis, &note, options.write);
    result.count(&analysis, &note);
    Ok(())
}

impl BatchResult {
    /// Counts a record written.
    fn count(&mut self, analysis: &Analysis, note: &EncodingNote) {
        self.records_out += 1;
        self.languages.push(analysis.lang.code);
        self.mentions += analysis.entities.len() as u64;
        self.split_terms += analysis.split_terms as u64;
        self.mixed_encodings += u64::from(!note.parts.is_empty());
        self.doubtful_encodings += u64::from(note.warning.is_some());
        self.boilerplate_bytes += analysis
            .boilerplate
            .iter()
            .flatten()
            .map(|s| s.normalized_bytes.len() as u64)
            .sum::<u64>();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A panic becomes a reason that carries its message, whether it
    /// panicked with a literal or a formatted string; no panic passes the
    /// value through.
    #[test]
    fn a_panic_becomes_a_reject_reason() {
        assert_eq!(guarded(|| 7), Ok(7));
        let literal = guarded(|| -> u8 { panic!("boom") }).unwrap_err();
        assert!(
            literal.starts_with("internal error") && literal.ends_with(": boom"),
            "{literal}"
        );
        let formatted = guarded(|| -> u8 { panic!("byte {} is out of range", 9) }).unwrap_err();
        assert!(
            formatted.ends_with(": byte 9 is out of range"),
            "{formatted}"
        );
    }
    /// Every count of the summary line agrees with its number: one record,
    /// two records.
    #[test]
    fn the_summary_agrees_with_its_counts() {
        let summary = |n: u64| {
            Summary {
                records_in: n,
                records_out: n,
                mentions: n,
                blank_lines: n,
                unreadable_paths: n,
                skipped_paths: n,
                mixed_encodings: n,
                doubtful_encodings: n,
                text_files_like_json_lines: n,
                split_terms: n,
                boilerplate_bytes: n,
                ..Summary::default()
            }
            .to_string()
        };
        let one = summary(1);
        for phrase in [
            "canon: 1 record in, 1 out, 0 rejected",
            "; 1 entity mention;",
            "; 1 blank line skipped;",
            "; 1 unreadable input path;",
            "; 1 path skipped (links or special files);",
            "; 1 record with mixed encodings;",
            "; 1 record with doubtful encodings;",
            "; 1 plain-text file that looks like JSON Lines;",
            "; 1 term over 255 bytes split;",
            "; 1 byte marked as boilerplate",
        ] {
            assert!(one.contains(phrase), "{phrase:?} in {one}");
        }
        let two = summary(2);
        for phrase in [
            "canon: 2 records in, 2 out, 0 rejected",
            "; 2 entity mentions;",
            "; 2 blank lines skipped;",
            "; 2 unreadable input paths;",
            "; 2 paths skipped (links or special files);",
            "; 2 records with mixed encodings;",
            "; 2 records with doubtful encodings;",
            "; 2 plain-text files that look like JSON Lines;",
            "; 2 terms over 255 bytes split;",
            "; 2 bytes marked as boilerplate",
        ] {
            assert!(two.contains(phrase), "{phrase:?} in {two}");
        }
    }
}
