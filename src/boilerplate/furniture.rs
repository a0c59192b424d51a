//! Repetition across documents: lines that recur on many pages of one
//! source are that source's furniture ("Add a comment", a site's disclaimer).
//!
//! `canon boilerplate learn` counts, in one pass, in how many documents each
//! line occurs (per value of the source field when records have one) and
//! writes the lines found in at least `min_docs` documents to a furniture
//! file; `canon normalize --boilerplate-from FILE` reads it back as a
//! [`Furniture`] set, the `repeated` signal.
//!
//! Memory is bounded whatever the corpus size: document counts live in a
//! count-min sketch (4 rows of 2^20 32-bit counters, 16 MiB, conservative
//! update, so counts are over-estimated only when lines collide in all four
//! rows), and only lines whose count reaches `min_docs` enter a candidate
//! table capped at [`LearnOptions::max_candidates`] entries of at most
//! [`EXAMPLE_BYTES`] bytes of text each (about 40 MB at the default cap);
//! when it is full the less frequent half is dropped (a dropped line comes
//! back the next time it is seen, with its count intact in the sketch).
//!
//! The file is JSON Lines: a header `{"format": "canon-furniture",
//! "version": 1, "documents": N, "min_docs": K}`, then one line per repeated
//! line, most frequent first: `{"hash", "docs", "source", "text"}`. `hash`
//! is canon's hash of the line's key (see [`super::lines::line_key`]);
//! `text` is one occurrence of the line, for people. A line written by hand
//! needs only `text`. At normalize time a line matches whatever its record's
//! source: the source is kept for the reader.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::{Value, json};

use super::lines::{key_hash, line_key, line_ranges, mix};
use crate::decode::Input;
use crate::normalize::chinese::fold;
use crate::normalize::normalize;
use crate::{Error, Result};

/// The `format` value of a furniture file's header.
pub const FORMAT: &str = "canon-furniture";
/// The version of the furniture file format this canon writes and reads.
pub const VERSION: u64 = 1;
/// Bytes of a line kept as its example `text` in the file.
pub const EXAMPLE_BYTES: usize = 300;

const SKETCH_DEPTH: usize = 4;
const SKETCH_WIDTH_BITS: u32 = 20;

/// A set of furniture lines, by the hash of their key.
#[derive(Debug, Clone, Default)]
pub struct Furniture {
    hashes: FxHashSet<u64>,
}

impl Furniture {
    /// Reads a furniture file (see the module documentation).
    ///
    /// # Errors
    /// [`Error::Furniture`] with the file and line for an unreadable file, a
    /// line that is not a JSON object, a header of another format or
    /// version, or an entry with neither `hash` nor `text`.
    pub fn load(path: &Path) -> Result<Furniture> {
        let file = std::fs::File::open(path).map_err(|cause| Error::Io {
            path: path.to_path_buf(),
            cause,
        })?;
        Self::read(BufReader::new(file), path)
    }

    /// Reads and merges several furniture files.
    pub fn load_all(paths: &[PathBuf]) -> Result<Furniture> {
        let mut furniture = Furniture::default();
        for path in paths {
            furniture.hashes.extend(Self::load(path)?.hashes);
        }
        Ok(furniture)
    }

    /// Reads a furniture file from `reader`; `path` names it in errors.
    pub fn read(reader: impl BufRead, path: &Path) -> Result<Furniture> {
        let problem = |line: usize, message: String| Error::Furniture {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut furniture = Furniture::default();
        for (index, line) in reader.lines().enumerate() {
            let number = index + 1;
            let line = line.map_err(|e| problem(number, e.to_string()))?;
            if line.trim().is_empty() {
                continue;
            }
            let value: Value = serde_json::from_str(&line)
                .map_err(|e| problem(number, format!("invalid JSON: {e}")))?;
            let Value::Object(entry) = value else {
                return Err(problem(number, "not a JSON object".into()));
            };
            if let Some(format) = entry.get("format") {
                if format != FORMAT || entry.get("version").and_then(Value::as_u64) != Some(VERSION)
                {
                    return Err(problem(
                        number,
                        format!(
                            "not a {FORMAT} file of version {VERSION} (found {format} version {})",
                            entry.get("version").unwrap_or(&Value::Null)
                        ),
                    ));
                }
                continue;
            }
            let hash = match (entry.get("hash"), entry.get("text")) {
                (Some(Value::String(hex)), _) => u64::from_str_radix(hex, 16)
                    .map_err(|_| problem(number, format!("hash {hex:?} is not hexadecimal")))?,
                (None, Some(Value::String(text))) => key_hash(&key_of(text)),
                _ => {
                    return Err(problem(
                        number,
                        "an entry needs a string \"hash\" or \"text\"".into(),
                    ));
                }
            };
            furniture.hashes.insert(hash);
        }
        Ok(furniture)
    }

    /// Number of lines in the set.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// Whether a line with this key (see [`line_key`]) is furniture.
    pub fn contains_key(&self, key: &str) -> bool {
        !self.hashes.is_empty() && !key.is_empty() && self.hashes.contains(&key_hash(key))
    }
}

/// The key of a line of raw text, as the detector computes it on analyzed text.
fn key_of(text: &str) -> String {
    let normalized = normalize(text);
    line_key(&fold(normalized.text()))
}

/// Options of `canon boilerplate learn`.
#[derive(Debug, Clone)]
pub struct LearnOptions {
    /// The JSON field holding the text.
    pub text_field: String,
    /// The JSON field naming the record's source or site; records without it
    /// are counted together.
    pub source_field: String,
    /// A line is furniture when it occurs in at least this many documents of
    /// one source.
    pub min_docs: u32,
    /// Write at most this many lines (the most frequent).
    pub max_lines: usize,
    /// Cap of the candidate table (see the module documentation).
    pub max_candidates: usize,
    /// Records larger than this are skipped.
    pub max_bytes: u64,
}

impl Default for LearnOptions {
    fn default() -> Self {
        LearnOptions {
            text_field: "text".into(),
            source_field: "source".into(),
            min_docs: 5,
            max_lines: 10_000,
            max_candidates: 100_000,
            max_bytes: crate::corpus::DEFAULT_MAX_BYTES,
        }
    }
}

/// What a learning pass saw and wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LearnSummary {
    /// Documents counted.
    pub documents: u64,
    /// Records skipped (not JSON, no text field, too large, unreadable).
    pub skipped: u64,
    /// Lines written to the furniture file.
    pub written: usize,
}

/// A count-min sketch of document counts with conservative update.
struct Sketch {
    counters: Vec<u32>,
    mask: u64,
}

impl Sketch {
    fn new() -> Sketch {
        Sketch {
            counters: vec![0; SKETCH_DEPTH << SKETCH_WIDTH_BITS],
            mask: (1 << SKETCH_WIDTH_BITS) - 1,
        }
    }

    fn slots(&self, hash: u64) -> [usize; SKETCH_DEPTH] {
        let (a, b) = (hash & 0xffff_ffff, (hash >> 32) | 1);
        std::array::from_fn(|row| {
            let column = a.wrapping_add((row as u64).wrapping_mul(b)) & self.mask;
            (row << SKETCH_WIDTH_BITS) + column as usize
        })
    }

    /// Adds one and returns the new estimate.
    fn add(&mut self, hash: u64) -> u32 {
        let slots = self.slots(hash);
        let estimate = slots.iter().map(|&s| self.counters[s]).min().unwrap_or(0);
        for slot in slots {
            if self.counters[slot] == estimate {
                self.counters[slot] = estimate.saturating_add(1);
            }
        }
        estimate.saturating_add(1)
    }

    fn estimate(&self, hash: u64) -> u32 {
        self.slots(hash)
            .iter()
            .map(|&s| self.counters[s])
            .min()
            .unwrap_or(0)
    }
}

struct Candidate {
    key_hash: u64,
    source: Option<String>,
    text: String,
}

/// Counts repeated lines over documents, in bounded memory.
pub struct Learner {
    options: LearnOptions,
    sketch: Sketch,
    candidates: FxHashMap<u64, Candidate>,
    seen_in_document: FxHashSet<u64>,
    summary: LearnSummary,
}

impl Learner {
    /// An empty learner.
    pub fn new(options: LearnOptions) -> Learner {
        Learner {
            options,
            sketch: Sketch::new(),
            candidates: FxHashMap::default(),
            seen_in_document: FxHashSet::default(),
            summary: LearnSummary::default(),
        }
    }

    /// Counts the lines of one document (each line once per document).
    pub fn add_document(&mut self, text: &str, source: Option<&str>) {
        self.summary.documents += 1;
        let normalized = normalize(text);
        let analyzed = fold(normalized.text());
        let source_hash = source.map_or(0, |s| mix(key_hash(s) ^ 0x5bd1_e995));
        self.seen_in_document.clear();
        for range in line_ranges(&analyzed) {
            let line = &analyzed[range];
            let key = line_key(line);
            if key.is_empty() {
                continue;
            }
            let key_hash = key_hash(&key);
            let counted = mix(key_hash ^ source_hash);
            if !self.seen_in_document.insert(counted) {
                continue;
            }
            let docs = self.sketch.add(counted);
            if docs >= self.options.min_docs && !self.candidates.contains_key(&counted) {
                if self.candidates.len() >= self.options.max_candidates.max(2) {
                    self.evict();
                }
                let mut end = line.len().min(EXAMPLE_BYTES);
                while !line.is_char_boundary(end) {
                    end -= 1;
                }
                self.candidates.insert(
                    counted,
                    Candidate {
                        key_hash,
                        source: source.map(str::to_string),
                        text: line[..end].to_string(),
                    },
                );
            }
        }
    }

    /// Drops the less frequent half of the candidates.
    fn evict(&mut self) {
        let mut counts: Vec<u32> = self
            .candidates
            .keys()
            .map(|&h| self.sketch.estimate(h))
            .collect();
        let middle = counts.len() / 2;
        let (_, &mut median, _) = counts.select_nth_unstable(middle);
        let sketch = &self.sketch;
        self.candidates.retain(|&h, _| sketch.estimate(h) > median);
        if self.candidates.len() > middle {
            // Many equal counts: drop arbitrary ones down to half.
            let drop: Vec<u64> = self.candidates.keys().skip(middle).copied().collect();
            for h in drop {
                self.candidates.remove(&h);
            }
        }
    }

    /// Writes the furniture file to `out`.
    pub fn write(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        let mut entries: Vec<(u32, &Candidate)> = self
            .candidates
            .iter()
            .map(|(&h, c)| (self.sketch.estimate(h), c))
            .filter(|&(docs, _)| docs >= self.options.min_docs)
            .collect();
        entries.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| a.1.source.cmp(&b.1.source))
                .then_with(|| a.1.text.cmp(&b.1.text))
        });
        entries.truncate(self.options.max_lines);
        let header = json!({
            "format": FORMAT,
            "version": VERSION,
            "documents": self.summary.documents,
            "min_docs": self.options.min_docs,
        });
        writeln!(out, "{header}")?;
        for (docs, candidate) in &entries {
            let entry = json!({
                "hash": format!("{:016x}", candidate.key_hash),
                "docs": docs,
                "source": candidate.source,
                "text": candidate.text,
            });
            writeln!(out, "{entry}")?;
        }
        self.summary.written = entries.len();
        Ok(())
    }

    /// What was counted and written so far.
    pub fn summary(&self) -> &LearnSummary {
        &self.summary
    }
}

/// `canon boilerplate learn`: counts repeated lines over `inputs` and writes
/// the furniture file to `output` atomically (a temporary file in the same
/// folder, renamed when complete). Records that cannot be read are reported
/// to `problems` as `file:line: reason` and counted as skipped; a file read
/// as plain text by its name that looks like JSON Lines gets a `warning:`
/// line there too, not counted.
pub fn learn(
    inputs: &[Input],
    options: &LearnOptions,
    output: &Path,
    problems: &mut dyn FnMut(&str),
) -> Result<LearnSummary> {
    let mut learner = Learner::new(options.clone());
    let reading = super::records::ReadOptions {
        text_field: options.text_field.clone(),
        source_field: options.source_field.clone(),
        max_bytes: options.max_bytes,
    };
    let skipped = super::records::read_records(
        inputs,
        &reading,
        &mut |record| learner.add_document(&record.text, record.source.as_deref()),
        problems,
    );
    learner.summary.skipped += skipped;
    // Like every output: beside its final name, renamed when complete, and
    // never over an input (the caller checks that first).
    let mut out = crate::output::Output::create(output)?;
    learner.write(&mut out).map_err(|cause| Error::Io {
        path: output.to_path_buf(),
        cause,
    })?;
    crate::output::commit(vec![out])?;
    Ok(learner.summary().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learner(min_docs: u32) -> Learner {
        Learner::new(LearnOptions {
            min_docs,
            ..LearnOptions::default()
        })
    }

    fn written(learner: &mut Learner) -> Vec<Value> {
        let mut out = Vec::new();
        learner.write(&mut out).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn lines_in_enough_documents_are_learned_once_per_document() {
        let mut learner = learner(3);
        for topic in ["chips", "models", "robots", "phones"] {
            learner.add_document(
                &format!("A story about {topic}\nShare\nShare\nAdd a comment"),
                Some("site"),
            );
        }
        // Twice in one document counts once: "Share" is in 4 documents.
        learner.add_document("Once\nOnce\nOnce\nOnce", Some("site"));
        let lines = written(&mut learner);
        assert_eq!(lines[0]["format"], FORMAT);
        assert_eq!(lines[0]["documents"], 5);
        let texts: Vec<&str> = lines[1..]
            .iter()
            .map(|l| l["text"].as_str().unwrap())
            .collect();
        assert_eq!(texts, ["Add a comment", "Share"]);
        assert_eq!(lines[1]["docs"], 4);
        assert_eq!(lines[1]["source"], "site");
    }

    #[test]
    fn counts_are_per_source() {
        let mut learner = learner(3);
        for source in ["a", "b", "c"] {
            learner.add_document("Share", Some(source));
        }
        assert_eq!(written(&mut learner).len(), 1, "only the header");
    }

    #[test]
    fn written_files_read_back_and_hand_written_entries_work() {
        let mut learner = learner(2);
        for _ in 0..2 {
            learner.add_document("Ｓｈａｒｅ　this!\nBody", None);
        }
        let mut out = Vec::new();
        learner.write(&mut out).unwrap();
        out.extend_from_slice("{\"text\": \"扫码关注我们\"}\n".as_bytes());
        let furniture = Furniture::read(&out[..], Path::new("f.jsonl")).unwrap();
        assert_eq!(furniture.len(), 3);
        assert!(furniture.contains_key(&line_key("Share this")));
        assert!(furniture.contains_key(&line_key("扫码关注我们")));
        assert!(!furniture.contains_key(&line_key("Share that")));
    }

    #[test]
    fn bad_files_are_errors_with_their_line() {
        for (text, message) in [
            (
                "{\"format\":\"canon-furniture\",\"version\":1}\nnot json\n",
                "f.jsonl:2: invalid JSON",
            ),
            (
                "{\"format\":\"other\",\"version\":1}\n",
                "f.jsonl:1: not a canon-furniture file",
            ),
            ("[1]\n", "f.jsonl:1: not a JSON object"),
            ("{\"docs\": 3}\n", "f.jsonl:1: an entry needs"),
            ("{\"hash\": \"xyz\"}\n", "f.jsonl:1: hash \"xyz\""),
        ] {
            let error = Furniture::read(text.as_bytes(), Path::new("f.jsonl")).unwrap_err();
            assert!(error.to_string().starts_with(message), "{error}");
        }
    }

    #[test]
    fn the_candidate_table_stays_within_its_cap() {
        let mut learner = Learner::new(LearnOptions {
            min_docs: 1,
            max_candidates: 10,
            ..LearnOptions::default()
        });
        for i in 0..100 {
            learner.add_document(&format!("line {}", "x".repeat(i + 1)), None);
            assert!(learner.candidates.len() <= 10);
        }
        // A frequent line survives the evictions.
        for round in 0..5 {
            learner.add_document("Share", None);
            for i in 0..30 {
                learner.add_document(&format!("filler {}", "y".repeat(round * 30 + i + 1)), None);
            }
        }
        let lines = written(&mut learner);
        assert_eq!(lines[1]["text"], "Share");
        assert_eq!(lines[1]["docs"], 5);
    }

    #[test]
    fn the_sketch_counts_exactly_without_collisions_and_never_undercounts() {
        let mut sketch = Sketch::new();
        for i in 0..1000u64 {
            for _ in 0..(i % 7) {
                sketch.add(mix(i));
            }
        }
        for i in 0..1000u64 {
            assert!(sketch.estimate(mix(i)) >= (i % 7) as u32);
        }
        assert_eq!(sketch.estimate(mix(6)), 6);
    }
}
