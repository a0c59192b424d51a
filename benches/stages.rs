//! Per-stage costs of canon's pipeline on English and Chinese documents (and
//! on built-in Japanese and Thai text, for ICU4X's segmenter).
//!
//!     cargo bench --bench stages                        # all stages, under a minute
//!     cargo bench --bench stages -- stages/zh/segment   # one benchmark (a filter)
//!
//! Documents come from the benchmark corpus at run time: the JSON Lines file
//! named by `CANON_BENCH_CORPUS`, by default `../shared/corpus/bench-mixed.jsonl`
//! relative to the crate root. English documents are its `source: "bbc"`
//! records, Chinese ones its `source: "sighan-pku"` records, taken in file
//! order until `CANON_BENCH_BYTES` bytes (default 128 KiB) per language.
//! Without the corpus, a small built-in text stands in (and says so; its
//! benchmarks are named `stages/en-builtin/...` and `stages/zh-builtin/...`).
//!
//! Two more samples are made from the same English documents, as records
//! are in titles, captions and one-line corpora (`stages/en-sentences/...`,
//! `stages/en-tiny/...`): the articles split into sentences (after `.`, `!`
//! or `?` followed by a space and a capital letter or quote, and at line
//! breaks), and the first 30 bytes of each sentence cut at a word boundary,
//! each one a document of its own, up to the same number of bytes. They are
//! never stored; scripts/bench_compare.py makes its short-record corpora the
//! same way.
//!
//! Every benchmark runs over the whole sample, one document at a time, and
//! reports bytes of original text per second. Stages:
//!
//! * `normalize`: NFKC and friends, with the offset map;
//! * `detect`: language detection on the normalized text;
//! * `boilerplate`: marking page furniture in the normalized text;
//! * `runs`: the language runs of the normalized text (`lang_spans`);
//! * `segment`: tokenization of the normalized text (jieba for Han runs, ICU4X
//!   for Japanese and Thai),
//!   including the ASCII-lowercased copy the segmenter reads;
//! * `analyze`: [`Canon::analyze`], i.e. normalize + detect + segment + alias
//!   matching (so matching costs about analyze minus the other three);
//! * `write`: the output line of each analyzed document
//!   ([`canon::write::write_analysis`]: canon's fields, JSON escaping
//!   included), into a buffer reused as `canon normalize` reuses its own.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use serde_json::Value;

use canon::Canon;
use canon::aliases::AliasTable;
use canon::detect::{Language, detect, language_runs};
use canon::normalize::normalize;
use canon::segment::Router;
use canon::write::{WriteOptions, write_analysis};

/// Stand-in Japanese news text, written for this benchmark (there is no
/// Japanese in the benchmark corpus): ICU4X's dictionary segmenter.
const BUILTIN_JA: &str = "東京都の小池百合子知事は記者会見で、新しい経済対策を発表した。\
トヨタ自動車は2024年3月期の決算で、過去最高の営業利益を記録したと発表しました。\
日本銀行の植田和男総裁は、金融政策の現状維持を決めたと述べた。\
ソフトバンクグループの孫正義会長は、人工知能への投資を拡大する方針を示した。\
ソニーグループは、ゲーム事業の売上高が前年より増えたと明らかにした。\
任天堂は新しいゲーム機を来年発売すると発表し、株価が大きく上昇した。\
岸田文雄首相は国会で、少子化対策の財源について説明した。\
日産自動車とホンダは、電気自動車の開発で協力することで合意した。\
三菱UFJ銀行は、海外の銀行との提携を強化すると発表しました。\
大阪府では、週末に激しい雨が降る見込みで、気象庁は注意を呼びかけている。\
政府は来月から、電気料金とガス料金の負担を軽減する補助金を再開する。\
円相場は一時1ドル＝150円台まで下落し、輸入物価の上昇が懸念されている。\
東京証券取引所では、半導体関連株を中心に買い注文が広がった。\
北海道の観光地には、海外からの旅行客が多く訪れている。\
新型の半導体工場が熊本県で稼働を始め、地元の雇用が増えると期待されている。";

/// Stand-in Thai news text, written for this benchmark: ICU4X's Thai
/// dictionary.
const BUILTIN_TH: &str = "รัฐบาลไทยประกาศมาตรการกระตุ้นเศรษฐกิจใหม่ \
ราคาไข่ไก่พุ่งสูงสุดเป็นประวัติการณ์ \
ธนาคารแห่งประเทศไทยตัดสินใจคงอัตราดอกเบี้ยนโยบายไว้ที่ระดับเดิม \
นายกรัฐมนตรีเดินทางไปเยือนประเทศญี่ปุ่นเพื่อหารือเรื่องการค้าและการลงทุน \
กรุงเทพมหานครเตรียมเปิดเส้นทางรถไฟฟ้าสายใหม่ในปีหน้า \
บริษัทผู้ผลิตรถยนต์ไฟฟ้าจากจีนประกาศลงทุนสร้างโรงงานในจังหวัดระยอง \
นักท่องเที่ยวต่างชาติเดินทางเข้าประเทศไทยเพิ่มขึ้นอย่างต่อเนื่อง \
กรมอุตุนิยมวิทยาเตือนประชาชนให้ระวังฝนตกหนักในภาคใต้ \
ตลาดหลักทรัพย์แห่งประเทศไทยปิดตลาดวันนี้ปรับตัวลดลงเล็กน้อย \
ผู้ว่าราชการจังหวัดเชียงใหม่สั่งการให้เร่งแก้ปัญหาหมอกควัน";

/// Default bytes of text per language.
const DEFAULT_SAMPLE_BYTES: usize = 128 * 1024;

/// Stand-in English text, written for this benchmark.
const BUILTIN_EN: &str = "Moonshot AI said on Tuesday that its new model had passed \
an internal review, and that the U.S. release would follow within weeks. Analysts \
expect the start-up's revenue to grow 40% this year, to roughly $120m, although \
rising chip prices could squeeze margins. \"We're not in a hurry,\" a spokeswoman \
said. DeepSeek, a rival lab, declined to comment on the report.\n\n\
Shares of cloud providers rose 2.5% in early trading as investors bet on higher \
demand for computing power. The company's chief executive told reporters that the \
team had doubled since January.";

/// Stand-in Chinese text, written for this benchmark.
const BUILTIN_ZH: &str = "月之暗面周二表示，公司新发布的大模型已经通过内部评测，\
预计将在未来几周内向美国用户开放。分析人士认为，今年该公司的收入有望增长百分之四十，\
但芯片价格上涨可能会压缩利润空间。深度求索对此未予置评。\n\n\
早盘交易中，云计算服务商的股价普遍上涨，投资者看好算力需求继续增长。\
公司负责人在接受采访时说，研发团队的规模自一月以来已经翻了一番，\
新的数据中心也将在年底前投入使用。";

struct Sample {
    docs: Vec<String>,
    bytes: u64,
    origin: String,
    /// Whether this is the built-in stand-in (benchmarked under another name,
    /// so criterion never compares it with corpus runs).
    builtin: bool,
}

fn corpus_path() -> PathBuf {
    std::env::var_os("CANON_BENCH_CORPUS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/bench-mixed.jsonl"),
        PathBuf::from,
    )
}

fn sample_bytes() -> usize {
    std::env::var("CANON_BENCH_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(DEFAULT_SAMPLE_BYTES)
}

/// Documents of `source` from the corpus, up to `limit` bytes in total
/// (at least one), or `None` when the corpus cannot be read or has none.
fn from_corpus(source: &str, limit: usize) -> Option<Sample> {
    let path = corpus_path();
    let text = std::fs::read_to_string(&path).ok()?;
    let mut docs = Vec::new();
    let mut bytes = 0;
    for line in text.lines() {
        if bytes >= limit {
            break;
        }
        let Ok(Value::Object(record)) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if record.get("source").and_then(Value::as_str) != Some(source) {
            continue;
        }
        if let Some(Value::String(doc)) = record.get("text") {
            bytes += doc.len();
            docs.push(doc.clone());
        }
    }
    (!docs.is_empty()).then(|| Sample {
        bytes: bytes as u64,
        origin: format!(
            "{} docs of source {source:?} from {}",
            docs.len(),
            path.display()
        ),
        docs,
        builtin: false,
    })
}

/// The built-in text repeated as documents up to `limit` bytes.
fn builtin(text: &str, limit: usize) -> Sample {
    let count = limit.div_ceil(text.len()).clamp(1, 64);
    Sample {
        docs: vec![text.to_string(); count],
        bytes: (text.len() * count) as u64,
        origin: format!(
            "built-in text x{count} (corpus not found at {})",
            corpus_path().display()
        ),
        builtin: true,
    }
}

/// A sample of built-in text for a language the corpus does not hold.
fn written(text: &str, limit: usize) -> Sample {
    let sample = builtin(text, limit);
    let count = sample.docs.len();
    Sample {
        origin: format!("built-in text x{count} (written for this benchmark)"),
        ..sample
    }
}

/// The sentences of `text`: cut at line breaks and after `.`, `!` or `?`
/// followed by whitespace and an uppercase letter or a quote.
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut start = 0;
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        for window in chars.windows(3) {
            let [(_, end_mark), (space_at, space), (next_at, next)] = window else {
                continue;
            };
            if matches!(end_mark, '.' | '!' | '?')
                && space.is_whitespace()
                && (next.is_uppercase() || matches!(next, '"' | '\''))
            {
                out.push(line[start..*space_at].trim());
                start = *next_at;
            }
        }
        out.push(line[start..].trim());
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The first `limit` bytes of `sentence`, cut after the last whole word.
fn head(sentence: &str, limit: usize) -> &str {
    if sentence.len() <= limit {
        return sentence;
    }
    let mut end = limit;
    while !sentence.is_char_boundary(end) {
        end -= 1;
    }
    match sentence[..end].rfind(' ') {
        Some(space) if space > 0 => &sentence[..space],
        _ => &sentence[..end],
    }
}

/// Short records made from the documents of `sample`: each sentence (or
/// its head of `head_bytes`) a document, up to `limit` bytes.
fn short_records(sample: &Sample, head_bytes: Option<usize>, limit: usize, what: &str) -> Sample {
    let mut docs = Vec::new();
    let mut bytes = 0;
    'fill: loop {
        for doc in &sample.docs {
            for sentence in sentences(doc) {
                let record = head_bytes.map_or(sentence, |n| head(sentence, n));
                bytes += record.len();
                docs.push(record.to_string());
                if bytes >= limit {
                    break 'fill;
                }
            }
        }
    }
    Sample {
        origin: format!("{} {what} of {}", docs.len(), sample.origin),
        docs,
        bytes: bytes as u64,
        builtin: sample.builtin,
    }
}

fn samples() -> [(&'static str, Sample); 6] {
    let limit = sample_bytes();
    let en = from_corpus("bbc", limit).unwrap_or_else(|| builtin(BUILTIN_EN, limit));
    let zh = from_corpus("sighan-pku", limit).unwrap_or_else(|| builtin(BUILTIN_ZH, limit));
    let sentences = short_records(&en, None, limit, "sentences");
    let tiny = short_records(&en, Some(30), limit, "30-byte sentence heads");
    [
        ("en", en),
        ("en-sentences", sentences),
        ("en-tiny", tiny),
        ("zh", zh),
        ("ja", written(BUILTIN_JA, limit)),
        ("th", written(BUILTIN_TH, limit)),
    ]
}

fn stages(c: &mut Criterion) {
    let load = || AliasTable::load(&[]).expect("default alias table loads");
    let router = Router::with_table(&load());
    let canon = Canon::new(load());

    // Loads the Chinese dictionaries now rather than inside a measurement.
    black_box(canon.analyze(BUILTIN_ZH));
    black_box(router.segment(BUILTIN_ZH, BUILTIN_ZH, detect(BUILTIN_ZH)));

    for (lang, sample) in samples() {
        eprintln!("stages/{lang}: {} bytes: {}", sample.bytes, sample.origin);
        let docs = &sample.docs;
        let normalized: Vec<_> = docs.iter().map(|d| normalize(d)).collect();
        let languages: Vec<Language> = normalized.iter().map(|n| detect(n.text())).collect();

        let suffix = if sample.builtin { "-builtin" } else { "" };
        let (lang, kind) = lang.split_once('-').unwrap_or((lang, ""));
        let kind = if kind.is_empty() {
            String::new()
        } else {
            format!("-{kind}")
        };
        let mut group = c.benchmark_group(format!("stages/{lang}{suffix}{kind}"));
        group.throughput(Throughput::Bytes(sample.bytes));
        // Each iteration runs over the whole sample (tens of milliseconds).
        group.sampling_mode(SamplingMode::Flat);

        group.bench_function("normalize", |b| {
            b.iter(|| {
                for doc in docs {
                    black_box(normalize(black_box(doc)));
                }
            })
        });
        group.bench_function("detect", |b| {
            b.iter(|| {
                for n in &normalized {
                    black_box(detect(black_box(n.text())));
                }
            })
        });
        let detector = canon::boilerplate::Detector::new();
        group.bench_function("boilerplate", |b| {
            b.iter(|| {
                for (n, l) in normalized.iter().zip(&languages) {
                    black_box(detector.mark(black_box(n.text()), l.code));
                }
            })
        });
        group.bench_function("runs", |b| {
            b.iter(|| {
                for (n, &l) in normalized.iter().zip(&languages) {
                    black_box(language_runs(black_box(n.text()), l));
                }
            })
        });
        group.bench_function("segment", |b| {
            b.iter(|| {
                for (n, &l) in normalized.iter().zip(&languages) {
                    // The segmenter reads an ASCII-lowercased copy too, as
                    // in `Canon::analyze`; making it is part of the stage.
                    let text = black_box(n.text());
                    let lower = text.to_ascii_lowercase();
                    black_box(router.segment(text, &lower, l));
                }
            })
        });
        group.bench_function("analyze", |b| {
            b.iter(|| {
                for doc in docs {
                    black_box(canon.analyze(black_box(doc)));
                }
            })
        });
        let analyses: Vec<_> = docs.iter().map(|doc| canon.analyze(doc)).collect();
        let mut line = Vec::new();
        group.bench_function("write", |b| {
            b.iter(|| {
                for (doc, analysis) in docs.iter().zip(&analyses) {
                    line.clear();
                    write_analysis(&mut line, doc, black_box(analysis), WriteOptions::default());
                    black_box(&line);
                }
            })
        });
        group.finish();
    }
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .without_plots()
}

criterion_group! {
    name = benches;
    config = config();
    targets = stages
}
criterion_main!(benches);
