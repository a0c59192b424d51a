//! Compiles jieba's dictionary and HMM model into binary tables in
//! `OUT_DIR`, which `src/lib.rs` embeds with `include_bytes!`, laid out as
//! the segmenter reads them.
//!
//! Parsing the 349,000-word dictionary text and building a trie from it cost
//! every process a fifth of a second; a double-array trie built here loads in
//! a few milliseconds. The data comes from the jieba-rs and jieba-macros
//! packages that Cargo.toml pins (as build dependencies, so their sources are
//! always downloaded before this script runs); nothing of it is stored in
//! this repository. `cargo metadata` says where their sources are, which also
//! works for vendored or mirrored sources; `CANON_JIEBA_DICT` and
//! `CANON_JIEBA_HMM` override the two files.

use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Bumped whenever the layout written here changes; the reader checks it.
const FORMAT_VERSION: u32 = 2;
const NO_WORD: u32 = u32::MAX;
const FREE: u32 = u32::MAX;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=CANON_JIEBA_DICT");
    println!("cargo::rerun-if-env-changed=CANON_JIEBA_HMM");
    let (dict_path, hmm_path) = locate_data();
    println!("cargo::rerun-if-changed={}", dict_path.display());
    println!("cargo::rerun-if-changed={}", hmm_path.display());
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));

    let dict = fs::read_to_string(&dict_path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dict_path.display()));
    fs::write(out_dir.join("jieba_dict.bin"), compile_dictionary(&dict))
        .expect("writing the compiled dictionary");

    let hmm = fs::read_to_string(&hmm_path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", hmm_path.display()));
    fs::write(out_dir.join("jieba_hmm.bin"), compile_hmm(&hmm)).expect("writing the HMM tables");
}

/// Paths of jieba's `dict.txt` and `hmm.model`.
fn locate_data() -> (PathBuf, PathBuf) {
    let overridden = |name: &str| env::var_os(name).map(PathBuf::from);
    if let (Some(dict), Some(hmm)) = (
        overridden("CANON_JIEBA_DICT"),
        overridden("CANON_JIEBA_HMM"),
    ) {
        return (dict, hmm);
    }
    let jieba = package_dir("jieba-rs");
    let macros = package_dir("jieba-macros");
    (
        overridden("CANON_JIEBA_DICT").unwrap_or_else(|| jieba.join("src/data/dict.txt")),
        overridden("CANON_JIEBA_HMM").unwrap_or_else(|| macros.join("src/hmm.model")),
    )
}

/// The source folder of dependency `name`, from `cargo metadata`.
fn package_dir(name: &str) -> PathBuf {
    let manifest =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it")).join("Cargo.toml");
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // Offline first: the build dependencies are downloaded already, and a
    // build should not need the network for this. Online is the fallback for
    // a checkout whose development dependencies were never fetched.
    for offline in [true, false] {
        let mut command = Command::new(&cargo);
        command.args(["metadata", "--format-version", "1", "--manifest-path"]);
        command.arg(&manifest);
        if offline {
            command.arg("--offline");
        }
        let Ok(output) = command.output() else {
            continue;
        };
        if !output.status.success() {
            continue;
        }
        let metadata: serde_json::Value =
            serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
        let packages = metadata["packages"].as_array().expect("packages array");
        if let Some(manifest_path) = packages
            .iter()
            .find(|p| p["name"] == name)
            .and_then(|p| p["manifest_path"].as_str())
        {
            return Path::new(manifest_path)
                .parent()
                .expect("a manifest path has a parent")
                .to_path_buf();
        }
    }
    panic!(
        "cannot locate the sources of {name} with `cargo metadata`; set CANON_JIEBA_DICT and CANON_JIEBA_HMM"
    )
}

/// The dictionary as a double-array trie over character codes, laid out
/// as the segmenter reads it, so that loading it is a copy and reads in
/// place rather than per-state work (jieba's 349,000 words and their
/// states took tens of millions of instructions to load).
///
/// Layout, in the target's byte order, every section on an 8-byte
/// boundary: a header of four `u32` (version, number of states, number of
/// words, the fingerprint's CRC-32, see [`v1_checksum`]) and the total
/// frequency as a `u64`; the code of every character of the Basic
/// Multilingual Plane as a `u16` (0 for characters in no word); per state
/// its unit: `base` (an `i32`), `check` (a `u32`) and the natural log of
/// the frequency of the word that ends there as `f64` bits (NaN if none);
/// per state the id of the word ending there as a `u32` (`NO_WORD` if
/// none); per word its frequency as a `u32`, padded to 8 bytes. Codes are
/// given by character weight (the total frequency of the words a character
/// is in), heaviest first, so that the transitions used most sit close
/// together in memory.
fn compile_dictionary(text: &str) -> Vec<u8> {
    // jieba loads every line as a record, a repeated word keeping its last
    // frequency while every line counts towards the total; the same here.
    let mut entries: Vec<(&str, u32)> = Vec::new();
    for line in text.lines() {
        let mut fields = line.split_ascii_whitespace();
        let Some(word) = fields.next() else { continue };
        let freq = fields.next().map_or(0, |f| {
            f.parse::<u32>().expect("numeric frequency in dict.txt")
        });
        entries.push((word, freq));
    }

    // A character's weight: how often text is expected to hold it, by the
    // frequencies of the words it is in (plus one, so that words of
    // frequency 0 still rank their characters).
    let mut char_counts: BTreeMap<char, u64> = BTreeMap::new();
    for (word, freq) in &entries {
        for c in word.chars() {
            *char_counts.entry(c).or_default() += u64::from(*freq) + 1;
        }
    }
    let mut by_count: Vec<(char, u64)> = char_counts.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let code_chars: Vec<char> = by_count.iter().map(|&(c, _)| c).collect();
    let code_of: BTreeMap<char, u32> = code_chars
        .iter()
        .enumerate()
        .map(|(i, &c)| (c, i as u32 + 1))
        .collect();
    assert!(
        code_chars.len() < usize::from(u16::MAX)
            && code_chars.iter().all(|&c| (c as u32) < 0x10000),
        "jieba's dictionary holds only characters of the Basic Multilingual Plane"
    );

    // Words as code sequences, sorted, with the id of their last occurrence.
    let mut keyed: BTreeMap<Vec<u32>, u32> = BTreeMap::new();
    for (id, (word, _)) in entries.iter().enumerate() {
        keyed.insert(word.chars().map(|c| code_of[&c]).collect(), id as u32);
    }
    let keys: Vec<(Vec<u32>, u32)> = keyed.into_iter().collect();
    let weights: Vec<u64> = keys
        .iter()
        .map(|(_, id)| u64::from(entries[*id as usize].1) + 1)
        .collect();

    let mut builder = DoubleArrayBuilder::new();
    builder.build(&keys, &weights);

    let states = builder.base.len();
    let total: u64 = entries.iter().map(|&(_, freq)| u64::from(freq)).sum();
    let mut out = Out::new();
    out.u32(FORMAT_VERSION);
    out.u32(states as u32);
    out.u32(entries.len() as u32);
    out.u32(v1_checksum(&builder, &entries, &code_chars));
    out.u64(total);
    let mut codes = vec![0u16; 0x10000];
    for (&c, &code) in &code_of {
        codes[c as usize] = code as u16;
    }
    for code in codes {
        out.u16(code);
    }
    for state in 0..states {
        out.u32(builder.base[state] as u32);
        out.u32(builder.check[state]);
        let word = builder.word[state];
        // The reader's own `ln`, computed here once: the same function of
        // the same frequency on the same platform.
        let log_freq = if word == NO_WORD {
            f64::NAN
        } else {
            (f64::from(entries[word as usize].1)).ln()
        };
        out.u64(log_freq.to_bits());
    }
    for &word in &builder.word {
        out.u32(word);
    }
    out.pad();
    for &(_, freq) in &entries {
        out.u32(freq);
    }
    out.pad();
    out.bytes
}

/// The CRC-32 of the dictionary in the layout of format 1 (little-endian
/// `u32` words: version 1, states, words, codes, the character of each
/// code, `base` and `check` per state, the word per state, the frequency
/// per word): the fingerprint that compiled alias tables were given since
/// format 1, kept so that they stay current while the layout changes, and
/// computed here so that no process reads the whole dictionary for it.
fn v1_checksum(builder: &DoubleArrayBuilder, entries: &[(&str, u32)], code_chars: &[char]) -> u32 {
    let mut crc = crc32fast::Hasher::new();
    let mut push = |v: u32| crc.update(&v.to_le_bytes());
    push(1);
    push(builder.base.len() as u32);
    push(entries.len() as u32);
    push(code_chars.len() as u32 + 1);
    push(0);
    for &c in code_chars {
        push(c as u32);
    }
    for (&base, &check) in builder.base.iter().zip(&builder.check) {
        push(base as u32);
        push(check);
    }
    for &word in &builder.word {
        push(word);
    }
    for &(_, freq) in entries {
        push(freq);
    }
    crc.finalize()
}

/// Bytes written in the byte order of the target (which the reader reads
/// in place), in sections that start on 8-byte boundaries.
struct Out {
    bytes: Vec<u8>,
    /// The target's order, which may not be this script's (cross builds).
    big_endian: bool,
}

impl Out {
    fn new() -> Out {
        Out {
            bytes: Vec::new(),
            big_endian: env::var("CARGO_CFG_TARGET_ENDIAN").is_ok_and(|e| e == "big"),
        }
    }

    fn put<const N: usize>(&mut self, mut bytes: [u8; N]) {
        if self.big_endian {
            bytes.reverse();
        }
        self.bytes.extend_from_slice(&bytes);
    }

    fn u16(&mut self, v: u16) {
        self.put(v.to_le_bytes());
    }

    fn u32(&mut self, v: u32) {
        self.put(v.to_le_bytes());
    }

    fn u64(&mut self, v: u64) {
        self.put(v.to_le_bytes());
    }

    /// Zeros up to the next multiple of 8 bytes.
    fn pad(&mut self) {
        self.bytes.resize(self.bytes.len().next_multiple_of(8), 0);
    }
}

/// Builds a double array: state `t = base[s] + code` is the child of `s` for
/// `code` when `check[t] == s`. State 0 is the root. A base may be negative;
/// the reader computes `base + code` with wrapping arithmetic and a bounds
/// check.
struct DoubleArrayBuilder {
    base: Vec<i32>,
    check: Vec<u32>,
    word: Vec<u32>,
    /// Where the search for free slots starts. Everything before it is
    /// nearly full; skipping it (as darts does) keeps the build linear.
    scan_start: usize,
}

impl DoubleArrayBuilder {
    fn new() -> DoubleArrayBuilder {
        DoubleArrayBuilder {
            base: vec![0],
            check: vec![0],
            word: vec![NO_WORD],
            scan_start: 1,
        }
    }

    fn is_free(&self, index: usize) -> bool {
        index >= self.check.len() || self.check[index] == FREE
    }

    fn occupy(&mut self, slot: usize, parent: u32) {
        if self.check.len() <= slot {
            self.base.resize(slot + 1, 0);
            self.check.resize(slot + 1, FREE);
            self.word.resize(slot + 1, NO_WORD);
        }
        self.check[slot] = parent;
    }

    /// Places the trie of the sorted `keys` below the root, the children of
    /// the heaviest states first (a state's weight is the total weight of
    /// the keys below it): segmentation probes those states' children most,
    /// and placing them first packs them together at the start of the
    /// array, where they share cache lines and pages.
    fn build(&mut self, keys: &[(Vec<u32>, u32)], weights: &[u64]) {
        let mut prefix_weight = vec![0u64; keys.len() + 1];
        for (i, w) in weights.iter().enumerate() {
            prefix_weight[i + 1] = prefix_weight[i] + w;
        }
        let weight = |lo: usize, hi: usize| prefix_weight[hi] - prefix_weight[lo];
        // (weight, state, depth, key range sharing the state's prefix); ties
        // go to the lower state, so the build is deterministic.
        let mut queue = std::collections::BinaryHeap::from([(
            weight(0, keys.len()),
            std::cmp::Reverse(0usize),
            0usize,
            0usize,
            keys.len(),
        )]);
        let mut children: Vec<(u32, usize, usize)> = Vec::new();
        while let Some((_, std::cmp::Reverse(state), depth, lo, hi)) = queue.pop() {
            let mut lo = lo;
            if keys[lo].0.len() == depth {
                self.word[state] = keys[lo].1;
                lo += 1;
            }
            if lo == hi {
                continue;
            }
            children.clear();
            let mut i = lo;
            while i < hi {
                let code = keys[i].0[depth];
                let mut j = i + 1;
                while j < hi && keys[j].0[depth] == code {
                    j += 1;
                }
                children.push((code, i, j));
                i = j;
            }
            let base = self.find_base(&children);
            self.base[state] = base as i32;
            for &(code, _, _) in &children {
                self.occupy((base + code as i64) as usize, state as u32);
            }
            for &(code, from, to) in &children {
                queue.push((
                    weight(from, to),
                    std::cmp::Reverse((base + code as i64) as usize),
                    depth + 1,
                    from,
                    to,
                ));
            }
        }
    }

    /// The first base from `scan_start` on whose slots for all `children`
    /// codes are free.
    fn find_base(&mut self, children: &[(u32, usize, usize)]) -> i64 {
        let first_code = children[0].0 as i64;
        let mut slot = self.scan_start;
        let mut occupied = 0usize;
        loop {
            if !self.is_free(slot) {
                occupied += 1;
            } else {
                let base = slot as i64 - first_code;
                let fits = children.iter().all(|&(code, _, _)| {
                    let child = base + code as i64;
                    child >= 1 && self.is_free(child as usize)
                });
                if fits {
                    let visited = slot - self.scan_start + 1;
                    if occupied * 100 >= visited * 95 {
                        self.scan_start = slot;
                    }
                    return base;
                }
            }
            slot += 1;
        }
    }
}

/// The HMM model as tables: 4 initial log probabilities, 16 transition log
/// probabilities (from × to), then for every character from U+4E00 to U+9FD5
/// its 4 emission log probabilities (states B, E, M, S), as f64 bits in the
/// target's byte order (read in place).
/// Characters the model lacks, and states it gives no emission for a
/// character, get jieba's floor of -3.14e100.
fn compile_hmm(text: &str) -> Vec<u8> {
    const MIN_FLOAT: f64 = -3.14e100;
    const FIRST: u32 = 0x4E00;
    const LAST: u32 = 0x9FD5;
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let floats = |line: &str| -> Vec<f64> {
        line.split_whitespace()
            .map(|v| v.parse::<f64>().expect("numeric HMM probability"))
            .collect()
    };
    let initial = floats(lines.next().expect("initial probabilities"));
    let mut transitions = Vec::new();
    for _ in 0..4 {
        transitions.extend(floats(lines.next().expect("transition row")));
    }
    assert_eq!(
        (initial.len(), transitions.len()),
        (4, 16),
        "HMM model shape"
    );
    let mut emissions = vec![[MIN_FLOAT; 4]; (LAST - FIRST + 1) as usize];
    let mut rows = 0;
    for (state, line) in lines.take(4).enumerate() {
        rows += 1;
        for pair in line.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let colon = pair.rfind(':').expect("char:prob pair");
            let c = pair[..colon].chars().next().expect("emission char") as u32;
            if (FIRST..=LAST).contains(&c) {
                emissions[(c - FIRST) as usize][state] = pair[colon + 1..]
                    .parse()
                    .expect("numeric emission probability");
            }
        }
    }
    assert_eq!(rows, 4, "one emission row per HMM state");
    let mut out = Out::new();
    for value in initial
        .iter()
        .chain(&transitions)
        .chain(emissions.iter().flatten())
    {
        out.u64(value.to_bits());
    }
    out.bytes
}
