//! canon as a tantivy analyzer against `canon normalize`'s own analysis, one
//! thread (issue: the analyzer must index at least 0.8× as fast).
//!
//!     cargo bench --features tantivy --bench tantivy
//!
//! Documents come from `CANON_BENCH_CORPUS` (default
//! `../shared/corpus/bench-mixed.jsonl`): its `bbc` (English) and
//! `sighan-pku` (Chinese) records, up to `CANON_BENCH_BYTES` (default 128
//! KiB) per language; without the corpus a built-in text stands in (named
//! `tantivy/*-builtin/...`). Benchmarks, in bytes of text per second:
//!
//! * `analyze`: [`Canon::analyze`], what `canon normalize` runs per record
//!   before writing it (so an upper bound on its speed);
//! * `tokenize`: the index-side [`CanonTokenizer`]'s token stream, consumed;
//! * `index`: the documents added to an in-RAM tantivy index through the
//!   tokenizer (one indexing thread) and committed: the analyzer plus
//!   tantivy's own indexing.

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use canon::Canon;
use canon::aliases::AliasTable;
use canon::tantivy::{CanonTokenizer, TOKENIZER_NAME};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use serde_json::Value;
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{TextAnalyzer, TokenStream, Tokenizer};
use tantivy::{Index, IndexWriter, TantivyDocument};

/// Stand-in text, written for this benchmark.
const BUILTIN: &str = "Moonshot AI said on Tuesday that its new model had passed an \
internal review. 月之暗面周二表示，公司新发布的大模型已经通过内部评测，预计将在未来几周内向\
美国用户开放。DeepSeek, a rival lab, declined to comment; 字節跳動 did not reply.\n";

fn sample(source: &str) -> (Vec<String>, bool) {
    let path = std::env::var_os("CANON_BENCH_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/bench-mixed.jsonl"),
        PathBuf::from,
    );
    let limit: usize = std::env::var("CANON_BENCH_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(128 * 1024);
    let mut docs = Vec::new();
    let mut bytes = 0;
    if let Ok(text) = std::fs::read_to_string(&path) {
        for line in text.lines() {
            if bytes >= limit {
                break;
            }
            let Ok(record) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if record["source"] != source {
                continue;
            }
            if let Some(doc) = record["text"].as_str() {
                bytes += doc.len();
                docs.push(doc.to_string());
            }
        }
    }
    if docs.is_empty() {
        eprintln!(
            "tantivy bench: {} not found or without {source:?} records; built-in text",
            path.display()
        );
        return (
            vec![BUILTIN.to_string(); limit.div_ceil(BUILTIN.len())],
            true,
        );
    }
    (docs, false)
}

fn bench(c: &mut Criterion) {
    let canon = Arc::new(Canon::new(AliasTable::load(&[]).expect("default table")));
    for (lang, source) in [("en", "bbc"), ("zh", "sighan-pku")] {
        let (docs, builtin) = sample(source);
        let name = if builtin {
            format!("tantivy/{lang}-builtin")
        } else {
            format!("tantivy/{lang}")
        };
        let bytes: usize = docs.iter().map(String::len).sum();
        let mut group = c.benchmark_group(name);
        group.sampling_mode(SamplingMode::Flat);
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(5));
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function("analyze", |b| {
            b.iter(|| {
                for doc in &docs {
                    black_box(canon.analyze(doc));
                }
            })
        });
        let mut tokenizer = CanonTokenizer::for_index(canon.clone());
        group.bench_function("tokenize", |b| {
            b.iter(|| {
                for doc in &docs {
                    let mut stream = tokenizer.token_stream(doc);
                    while stream.advance() {
                        black_box(stream.token());
                    }
                }
            })
        });
        group.bench_function("index", |b| {
            b.iter(|| {
                let mut schema = Schema::builder();
                let indexing = TextFieldIndexing::default()
                    .set_tokenizer(TOKENIZER_NAME)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions);
                let body = schema.add_text_field(
                    "body",
                    TextOptions::default().set_indexing_options(indexing),
                );
                let index = Index::create_in_ram(schema.build());
                index.tokenizers().register(
                    TOKENIZER_NAME,
                    TextAnalyzer::from(CanonTokenizer::for_index(canon.clone())),
                );
                let mut writer: IndexWriter = index.writer_with_num_threads(1, 50_000_000).unwrap();
                for doc in &docs {
                    let mut document = TantivyDocument::default();
                    document.add_text(body, doc);
                    writer.add_document(document).unwrap();
                }
                writer.commit().unwrap();
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
