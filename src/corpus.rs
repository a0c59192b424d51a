//! Running the pipeline over a corpus: streaming, parallel, in input order,
//! and without losing a record.
//!
//! A reader thread cuts the inputs into batches of records; `jobs` workers
//! analyze batches; the calling thread writes results in batch order. Channels
//! between them are bounded, so memory stays flat however large the corpus.
//! A batch is closed early whenever the reader would otherwise wait for input,
//! so a pipe sees each line's output as soon as it is computed.
//!
//! Every record read ends as exactly one output line or one [`Reject`].

use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufReader, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender, bounded};
use serde_json::{Map, Value};

use crate::decode::{
    InputFile, Layout, LineReader, RawRecord, decode_text, is_blank_line, read_document,
};
use crate::pipeline::Canon;
use crate::write::{WriteOptions, write_record};
use crate::{Error, Result};

/// How to run over a corpus.
#[derive(Debug, Clone)]
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

/// A record that produced no output, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// The input it came from.
    pub file: Arc<str>,
    /// 1-based line (for plain-text documents, 1; for an unreadable input, 0).
    pub line: u64,
    /// Why it was rejected.
    pub reason: String,
    /// The record's bytes as read (a prefix when `truncated`).
    pub raw: Vec<u8>,
    /// Whether `raw` is only the first `--max-bytes` bytes.
    pub truncated: bool,
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

impl Reject {
    /// The reject as one JSON line for a rejects file: where it came from,
    /// why, and the record itself.
    pub fn to_json_line(&self) -> Vec<u8> {
        let raw = String::from_utf8_lossy(&self.raw);
        let mut value = serde_json::json!({
            "file": &*self.file,
            "line": self.line,
            "reason": self.reason,
            "raw": raw,
        });
        if self.truncated {
            value["truncated"] = Value::Bool(true);
        }
        let mut line = serde_json::to_vec(&value).expect("reject serializes");
        line.push(b'\n');
        line
    }
}

/// What a run did, for the summary line and the exit status.
#[derive(Debug, Clone, Default, PartialEq)]
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
    /// Bytes of normalized text marked as page furniture.
    pub boilerplate_bytes: u64,
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
            "canon: {} records in, {} out, {} rejected; {:.1} MB in {:.2} s ({:.1} MB/s); languages: {}; {} entity mentions",
            self.records_in,
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
            self.mentions
        )?;
        if self.blank_lines > 0 {
            write!(f, "; {} blank lines skipped", self.blank_lines)?;
        }
        if self.boilerplate_bytes > 0 {
            write!(
                f,
                "; {} bytes marked as boilerplate",
                self.boilerplate_bytes
            )?;
        }
        Ok(())
    }
}

/// Observes a run as it goes: rejects as they are found (in input order) and
/// progress after every batch.
pub trait Observer {
    /// A record was rejected.
    fn reject(&mut self, reject: &Reject) -> Result<()>;
    /// A batch was written; `summary` holds the totals so far.
    fn progress(&mut self, _summary: &Summary) {}
}

enum Item {
    Record(RawRecord),
    Reject(Reject),
    Blank,
}

struct Batch {
    seq: u64,
    items: Vec<Item>,
}

#[derive(Default)]
struct BatchResult {
    seq: u64,
    output: Vec<u8>,
    rejects: Vec<Reject>,
    records_out: u64,
    blank_lines: u64,
    bytes_in: u64,
    languages: Vec<&'static str>,
    mentions: u64,
    boilerplate_bytes: u64,
}

const BATCH_BYTES: usize = 512 * 1024;
const BATCH_RECORDS: usize = 1024;
/// The largest output buffer kept for reuse: a few times an ordinary
/// batch's output.
const MAX_SPARE_BUFFER: usize = 16 * BATCH_BYTES;

/// Runs `canon` over `inputs`, writing output lines to `out` in input order.
///
/// Rejects go to `observer`; I/O errors on the output stop the run. Input
/// errors do not: an unreadable file or a read error mid-file becomes a reject.
pub fn run(
    canon: &Canon,
    inputs: &[InputFile],
    options: &CorpusOptions,
    out: &mut dyn Write,
    observer: &mut dyn Observer,
) -> Result<Summary> {
    let started = Instant::now();
    let jobs = options.jobs.max(1);
    let (batch_tx, batch_rx) = bounded::<Batch>(jobs * 2);
    let (result_tx, result_rx) = bounded::<BatchResult>(jobs * 2);
    // Output buffers written out go back to the workers: a fresh buffer of a
    // few MB per batch would cost page faults and zeroing every time.
    let (spare_tx, spare_rx) = bounded::<Vec<u8>>(jobs * 4);
    let mut summary = Summary::default();
    let outcome = std::thread::scope(|scope| {
        scope.spawn(move || read_batches(inputs, options.max_bytes, batch_tx));
        for _ in 0..jobs {
            let batch_rx = batch_rx.clone();
            let result_tx = result_tx.clone();
            let spare_rx = spare_rx.clone();
            scope.spawn(move || analyze_batches(canon, options, batch_rx, result_tx, spare_rx));
        }
        drop(batch_rx);
        drop(result_tx);
        drop(spare_rx);
        // On an output error `result_rx` is dropped on return, which makes the
        // workers and then the reader stop, so the scope can end.
        write_in_order(result_rx, spare_tx, out, observer, &mut summary, started)
    });
    summary.elapsed = started.elapsed();
    outcome.map(|()| summary)
}

fn write_in_order(
    results: Receiver<BatchResult>,
    spare_buffers: Sender<Vec<u8>>,
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
            // A full pool, or workers that are gone, just drop the buffer;
            // so is the buffer of an exceptionally large batch, which would
            // otherwise hold its memory for the rest of the run.
            if result.output.capacity() <= MAX_SPARE_BUFFER {
                let _ = spare_buffers.try_send(result.output);
            }
            for reject in &result.rejects {
                observer.reject(reject)?;
            }
            summary.records_out += result.records_out;
            summary.rejected += result.rejects.len() as u64;
            summary.records_in += result.records_out + result.rejects.len() as u64;
            summary.blank_lines += result.blank_lines;
            summary.bytes_in += result.bytes_in;
            summary.mentions += result.mentions;
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
fn read_batches(inputs: &[InputFile], max_bytes: u64, batches: Sender<Batch>) {
    let mut batcher = Batcher {
        tx: batches,
        seq: 0,
        items: Vec::new(),
        bytes: 0,
    };
    for input in inputs {
        if !read_input(input, max_bytes, &mut batcher) {
            return;
        }
    }
    batcher.flush();
}

struct Batcher {
    tx: Sender<Batch>,
    seq: u64,
    items: Vec<Item>,
    bytes: usize,
}

impl Batcher {
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
        let batch = Batch {
            seq: self.seq,
            items: std::mem::take(&mut self.items),
        };
        self.seq += 1;
        self.bytes = 0;
        self.tx.send(batch).is_ok()
    }
}

fn read_input(input: &InputFile, max_bytes: u64, batcher: &mut Batcher) -> bool {
    let reject = |line: u64, reason: String| {
        Item::Reject(Reject {
            file: input.name.clone(),
            line,
            reason,
            raw: Vec::new(),
            truncated: false,
        })
    };
    let mut reader = match input.open() {
        Ok(reader) => reader,
        Err(error) => return batcher.push(reject(0, format!("cannot read input: {error}")), true),
    };
    match input.layout {
        Layout::PlainText => {
            let item = match read_document(&mut reader, max_bytes) {
                Ok((bytes, size)) => Item::Record(RawRecord {
                    file: input.name.clone(),
                    line: 1,
                    layout: Layout::PlainText,
                    oversized: (size > max_bytes).then_some(size),
                    bytes,
                }),
                Err(error) => reject(1, format!("cannot read input: {error}")),
            };
            batcher.push(item, false)
        }
        Layout::JsonLines => {
            let mut lines =
                LineReader::new(BufReader::with_capacity(256 * 1024, reader), max_bytes);
            let mut line_no = 0;
            loop {
                line_no += 1;
                let mut bytes = Vec::new();
                let item = match lines.next_line(&mut bytes) {
                    Ok(None) => return true,
                    Ok(Some(_)) if is_blank_line(&bytes) => Item::Blank,
                    Ok(Some(size)) => Item::Record(RawRecord {
                        file: input.name.clone(),
                        line: line_no,
                        layout: Layout::JsonLines,
                        oversized: (size > max_bytes).then_some(size),
                        bytes,
                    }),
                    Err(error) => {
                        return batcher.push(reject(line_no, format!("read error: {error}")), true);
                    }
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
        // Output runs about four times the input (the text twice, tokens,
        // entities); reserving it up front saves copying it while it grows.
        let input_bytes: usize = batch
            .items
            .iter()
            .map(|item| match item {
                Item::Record(record) => record.bytes.len(),
                _ => 0,
            })
            .sum();
        let mut output = spare_buffers.try_recv().unwrap_or_default();
        output.clear();
        output.reserve(input_bytes * 4);
        let mut result = BatchResult {
            seq: batch.seq,
            output,
            ..BatchResult::default()
        };
        for item in batch.items {
            match item {
                Item::Blank => result.blank_lines += 1,
                Item::Reject(reject) => result.rejects.push(reject),
                Item::Record(record) => {
                    result.bytes_in += record.oversized.unwrap_or(record.bytes.len() as u64);
                    if let Err(reject) = analyze_record(canon, options, record, &mut result) {
                        result.rejects.push(reject);
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
    let reject = |record: RawRecord, reason: String| Reject {
        file: record.file,
        line: record.line,
        reason,
        truncated: record.oversized.is_some(),
        raw: record.bytes,
    };
    if let Some(size) = record.oversized {
        let reason = format!(
            "record of {size} bytes exceeds --max-bytes {}",
            options.max_bytes
        );
        return Err(reject(record, reason));
    }
    let decoded = decode_text(&record.bytes);
    let encoding = decoded.encoding;
    let (fields, text) = match record.layout {
        Layout::PlainText => {
            let mut fields = Map::new();
            fields.insert("id".into(), Value::String(record.file.to_string()));
            let text = decoded.text.into_owned();
            (fields, text)
        }
        Layout::JsonLines => match parse_record(&decoded.text, &options.text_field) {
            Ok(parsed) => parsed,
            Err(reason) => {
                drop(decoded);
                return Err(reject(record, reason));
            }
        },
    };
    let analysis = canon.analyze(&text);
    let mut fields = fields;
    let text_field = match record.layout {
        Layout::PlainText => "text".to_string(),
        Layout::JsonLines => options.text_field.clone(),
    };
    fields.insert(text_field, Value::String(text));
    write_record(
        &mut result.output,
        fields,
        &analysis,
        encoding,
        options.write,
    );
    result.records_out += 1;
    result.languages.push(analysis.lang.code);
    result.mentions += analysis.entities.len() as u64;
    result.boilerplate_bytes += analysis
        .boilerplate
        .iter()
        .flatten()
        .map(|s| s.normalized_bytes.len() as u64)
        .sum::<u64>();
    Ok(())
}

/// Parses a JSON Lines record and takes its text out (it is put back, in its
/// place, when the record is written).
fn parse_record(line: &str, text_field: &str) -> Result<(Map<String, Value>, String), String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(mut fields) = value else {
        return Err(format!("not a JSON object (found {})", json_type(&value)));
    };
    match fields.get_mut(text_field) {
        None => Err(format!("missing text field {text_field:?}")),
        Some(Value::String(text)) => Ok({
            let text = std::mem::take(text);
            (fields, text)
        }),
        Some(other) => Err(format!(
            "text field {text_field:?} is not a string (found {})",
            json_type(other)
        )),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
