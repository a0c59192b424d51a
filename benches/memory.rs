//! Heap bytes per input byte of normalizing and analyzing one document.
//!
//!     cargo bench --bench memory
//!
//! The document is the English (`source: "bbc"`) or Chinese (`source:
//! "sighan-pku"`) records of the benchmark corpus, 128 KiB of each joined into
//! one text (`CANON_BENCH_CORPUS`, by default
//! `../shared/corpus/bench-mixed.jsonl`; without it the bench says so and
//! stops). A counting allocator records the peak of live heap bytes while
//! each stage runs, and what the result keeps afterwards.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use canon::Canon;
use canon::aliases::AliasTable;
use canon::normalize::normalize;
use serde_json::Value;

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Relaxed) + bytes;
    PEAK.fetch_max(live, Relaxed);
}

// SAFETY: every call is passed on to the system allocator unchanged; the
// counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: the caller's contract is passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: the caller's contract is passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            grew(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Relaxed);
        }
        // SAFETY: the caller's contract is passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const SAMPLE_BYTES: usize = 128 * 1024;

/// The text of the corpus records of `source`, about [`SAMPLE_BYTES`] joined.
fn document(source: &str) -> Option<String> {
    let path = std::env::var_os("CANON_BENCH_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/bench-mixed.jsonl"),
        PathBuf::from,
    );
    let Ok(corpus) = std::fs::read_to_string(&path) else {
        eprintln!("memory: no corpus at {}; nothing measured", path.display());
        return None;
    };
    let mut text = String::new();
    for line in corpus.lines() {
        if text.len() >= SAMPLE_BYTES {
            break;
        }
        if let Ok(Value::Object(record)) = serde_json::from_str::<Value>(line)
            && record.get("source").and_then(Value::as_str) == Some(source)
            && let Some(Value::String(doc)) = record.get("text")
        {
            text.push_str(doc);
            text.push('\n');
        }
    }
    Some(text)
}

/// Runs `stage`, and returns its result with the peak of live bytes above
/// what was live before, and the bytes still live after it.
fn measure<T>(stage: impl FnOnce() -> T) -> (T, usize, usize) {
    let before = LIVE.load(Relaxed);
    PEAK.store(before, Relaxed);
    let result = black_box(stage());
    let peak = PEAK.load(Relaxed) - before;
    let kept = LIVE.load(Relaxed) - before;
    (result, peak, kept)
}

fn main() {
    let canon = Canon::new(AliasTable::load(&[]).expect("default table loads"));
    // Loads the Chinese dictionary before measuring.
    black_box(canon.analyze("月之暗面发布了新模型"));
    for (lang, source) in [("en", "bbc"), ("zh", "sighan-pku")] {
        let Some(text) = document(source) else {
            return;
        };
        let bytes = text.len() as f64;
        let (normalized, peak, kept) = measure(|| normalize(&text));
        drop(normalized);
        println!(
            "{lang} normalize: {:>6.2} bytes per input byte at peak, {:>6.2} kept ({} input bytes)",
            peak as f64 / bytes,
            kept as f64 / bytes,
            text.len()
        );
        let (analysis, peak, kept) = measure(|| canon.analyze(&text));
        drop(analysis);
        println!(
            "{lang} analyze:   {:>6.2} bytes per input byte at peak, {:>6.2} kept",
            peak as f64 / bytes,
            kept as f64 / bytes
        );
    }
}
