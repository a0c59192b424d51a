//! Language identification on short texts: canon against whatlang, whichlang
//! and lingua, on the labelled set `data/eval/langid/short.jsonl`.
//!
//!     cargo run --release -- [--set FILE] [--passes N] [--dump FILE] [--calibrate FILE]
//!
//! Prints Markdown: accuracy per language and per mixed-text kind for each
//! detector, their speed (texts per second and microseconds per text over the
//! whole set, best of `--passes` passes, models loaded beforehand), and the
//! reliability table of canon's `lang_confidence` on the held-out half of
//! the set (see [`Split`]). `--dump FILE` writes every text's gold label,
//! canon's code, confidence and evidence as JSON Lines. `--calibrate FILE`
//! writes canon's confidence table (`data/langid/calibration.toml`) fitted
//! on the fit half: per evidence bucket, (right + 1) / (texts + 2); rebuild
//! canon and run again to see the reliability table with the new table.
//!
//! Every detector is scored on canon's code contract: `zh-Hans` and `zh-Hant`
//! are both `zh`; a detector that answers a language outside the set (or
//! nothing) is wrong. canon sees the text as the pipeline does: normalized
//! first, then detected. lingua is built with the set's languages only (its
//! strongest setting: fewer languages to confuse), in high-accuracy mode with
//! its models preloaded; whatlang and whichlang run as shipped.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use lingua::{Language as Lingua, LanguageDetector, LanguageDetectorBuilder};
use serde_json::{Value, json};

/// One labelled text.
struct Item {
    text: String,
    /// The label as stored (`zh-Hans`, `zh-Hant`, `en`, ...).
    lang: String,
    kind: String,
    split: Split,
}

/// Which half of the set a text belongs to. Texts alternate within each
/// language in file order: the first, third, ... are `Fit` (for choosing
/// thresholds and calibration), the second, fourth, ... are `Test` (for
/// reporting them).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Split {
    Fit,
    Test,
}

impl Item {
    /// The label in canon's code contract.
    fn code(&self) -> &str {
        match self.lang.as_str() {
            "zh-Hans" | "zh-Hant" => "zh",
            other => other,
        }
    }
}

fn load(path: &PathBuf) -> Vec<Item> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read the labelled set {}: {e}", path.display()));
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let record: Value = serde_json::from_str(line).expect("each line is JSON");
            let field = |name: &str| record[name].as_str().expect(name).to_string();
            let lang = field("lang");
            let index = seen.entry(lang.clone()).or_default();
            let split = if index.is_multiple_of(2) {
                Split::Fit
            } else {
                Split::Test
            };
            *index += 1;
            Item {
                text: field("text"),
                lang,
                kind: field("kind"),
                split,
            }
        })
        .collect()
}

const LINGUA_LANGUAGES: [Lingua; 18] = [
    Lingua::Arabic,
    Lingua::Chinese,
    Lingua::Dutch,
    Lingua::English,
    Lingua::French,
    Lingua::German,
    Lingua::Hindi,
    Lingua::Indonesian,
    Lingua::Italian,
    Lingua::Japanese,
    Lingua::Korean,
    Lingua::Polish,
    Lingua::Portuguese,
    Lingua::Russian,
    Lingua::Spanish,
    Lingua::Thai,
    Lingua::Turkish,
    Lingua::Vietnamese,
];

fn whichlang_code(lang: whichlang::Lang) -> &'static str {
    use whichlang::Lang::*;
    match lang {
        Ara => "ar",
        Cmn => "zh",
        Deu => "de",
        Eng => "en",
        Fra => "fr",
        Hin => "hi",
        Ita => "it",
        Jpn => "ja",
        Kor => "ko",
        Nld => "nl",
        Por => "pt",
        Rus => "ru",
        Spa => "es",
        Swe => "sv",
        Tur => "tr",
        Vie => "vi",
    }
}

fn whatlang_code(lang: whatlang::Lang) -> String {
    // whatlang's codes are ISO 639-3; the set's languages map as below.
    let code = lang.code();
    match code {
        "eng" => "en",
        "cmn" => "zh",
        "jpn" => "ja",
        "kor" => "ko",
        "deu" => "de",
        "fra" => "fr",
        "spa" => "es",
        "rus" => "ru",
        "por" => "pt",
        "ita" => "it",
        "ara" => "ar",
        "tha" => "th",
        "vie" => "vi",
        "nld" => "nl",
        "pol" => "pl",
        "tur" => "tr",
        "ind" => "id",
        "hin" => "hi",
        other => other,
    }
    .to_string()
}

/// A detector under test: a name and a function from text to code.
struct System<'a> {
    name: &'static str,
    detect: Box<dyn Fn(&str) -> String + 'a>,
}

fn systems(lingua: &LanguageDetector) -> Vec<System<'_>> {
    vec![
        System {
            name: "canon",
            detect: Box::new(|text| {
                let normalized = canon::normalize::normalize(text);
                canon::detect::detect(normalized.text()).code.to_string()
            }),
        },
        System {
            name: "whatlang",
            detect: Box::new(|text| {
                whatlang::detect_lang(text).map_or_else(|| "und".to_string(), whatlang_code)
            }),
        },
        System {
            name: "whichlang",
            detect: Box::new(|text| whichlang_code(whichlang::detect_language(text)).to_string()),
        },
        System {
            name: "lingua",
            detect: Box::new(move |text| {
                lingua
                    .detect_language_of(text)
                    .map_or_else(|| "und".to_string(), |l| l.iso_code_639_1().to_string())
            }),
        },
    ]
}

fn main() {
    let mut set =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../data/eval/langid/short.jsonl");
    let mut passes = 5usize;
    let mut dump: Option<PathBuf> = None;
    let mut calibrate: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--set" => set = args.next().expect("--set FILE").into(),
            "--passes" => passes = args.next().expect("--passes N").parse().expect("a number"),
            "--dump" => dump = Some(args.next().expect("--dump FILE").into()),
            "--calibrate" => calibrate = Some(args.next().expect("--calibrate FILE").into()),
            other => panic!("unknown argument {other:?}"),
        }
    }
    let items = load(&set);
    let lingua = LanguageDetectorBuilder::from_languages(&LINGUA_LANGUAGES)
        .with_preloaded_language_models()
        .build();
    let systems = systems(&lingua);

    // Answers, and the fastest pass over the whole set, per system.
    let mut answers: Vec<Vec<String>> = Vec::new();
    let mut seconds: Vec<f64> = Vec::new();
    for system in &systems {
        let mut best = f64::INFINITY;
        let mut out = Vec::new();
        for _ in 0..passes.max(1) {
            let start = Instant::now();
            out = items.iter().map(|i| (system.detect)(&i.text)).collect();
            best = best.min(start.elapsed().as_secs_f64());
        }
        answers.push(out);
        seconds.push(best);
    }

    let names: Vec<&str> = systems.iter().map(|s| s.name).collect();
    println!(
        "## Language identification on {} ({} texts)\n",
        set.file_name().unwrap().to_string_lossy(),
        items.len()
    );
    accuracy_table(
        "lang",
        &items,
        &answers,
        &names,
        |i| i.lang.clone(),
        |i| !i.kind.starts_with("mixed"),
    );
    accuracy_table(
        "mixed kind",
        &items,
        &answers,
        &names,
        |i| i.kind.clone(),
        |i| i.kind.starts_with("mixed"),
    );
    // Every text, and each half: canon's thresholds and confidence table
    // were chosen on the fit half.
    println!("| texts | count | {} |", names.join(" | "));
    println!("| --- | ---: |{}", " ---: |".repeat(names.len()));
    for (label, keep) in [
        ("all", None),
        ("fit half", Some(Split::Fit)),
        ("held-out half", Some(Split::Test)),
    ] {
        let chosen: Vec<usize> = (0..items.len())
            .filter(|&i| keep.is_none_or(|k| items[i].split == k))
            .collect();
        let cells: Vec<String> = answers
            .iter()
            .map(|a| {
                let right = chosen.iter().filter(|&&i| a[i] == items[i].code()).count();
                format!("{:.3}", right as f64 / chosen.len() as f64)
            })
            .collect();
        println!("| {label} | {} | {} |", chosen.len(), cells.join(" | "));
    }
    println!();

    let bytes: usize = items.iter().map(|i| i.text.len()).sum();
    println!("| detector | texts/s | µs/text | MB/s |\n| --- | ---: | ---: | ---: |");
    for (name, s) in names.iter().zip(&seconds) {
        println!(
            "| {name} | {:.0} | {:.2} | {:.1} |",
            items.len() as f64 / s,
            s * 1e6 / items.len() as f64,
            bytes as f64 / s / 1e6
        );
    }
    // canon's detector alone, on text normalized beforehand.
    let normalized: Vec<canon::normalize::Normalized> = items
        .iter()
        .map(|i| canon::normalize::normalize(&i.text))
        .collect();
    let mut best = f64::INFINITY;
    for _ in 0..passes.max(1) {
        let start = Instant::now();
        for n in &normalized {
            std::hint::black_box(canon::detect::detect(std::hint::black_box(n.text())));
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "| canon, detection only | {:.0} | {:.2} | {:.1} |",
        items.len() as f64 / best,
        best * 1e6 / items.len() as f64,
        bytes as f64 / best / 1e6
    );
    println!(
        "\nBest of {passes} passes over the set ({bytes} bytes), one thread; `canon` includes \
         normalization (as in the pipeline), `canon, detection only` runs on text normalized \
         beforehand.\n"
    );

    reliability(&items, &answers[0]);

    if let Some(path) = calibrate {
        write_calibration(&items, &path);
    }

    if let Some(path) = dump {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("dump file"));
        for item in &items {
            let normalized = canon::normalize::normalize(&item.text);
            let (lang, evidence) = canon::detect::detect_with_evidence(normalized.text());
            let line = json!({
                "text": item.text, "gold": item.code(), "kind": item.kind,
                "split": if item.split == Split::Fit { "fit" } else { "test" },
                "lang": lang.code, "confidence": lang.confidence, "evidence": evidence,
            });
            writeln!(out, "{line}").expect("dump written");
        }
    }
}

/// One Markdown table: accuracy of each system per group of the items
/// `keep` selects, then over all of them.
fn accuracy_table(
    title: &str,
    items: &[Item],
    answers: &[Vec<String>],
    names: &[&str],
    group: impl Fn(&Item) -> String,
    keep: impl Fn(&Item) -> bool,
) {
    let mut groups: Vec<String> = Vec::new();
    for item in items.iter().filter(|i| keep(i)) {
        let g = group(item);
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    println!("| {title} | texts | {} |", names.join(" | "));
    println!("| --- | ---: |{}", " ---: |".repeat(names.len()));
    let row = |label: &str, selected: &dyn Fn(&Item) -> bool| {
        let indices: Vec<usize> = (0..items.len())
            .filter(|&i| keep(&items[i]) && selected(&items[i]))
            .collect();
        let cells: Vec<String> = answers
            .iter()
            .map(|a| {
                let right = indices.iter().filter(|&&i| a[i] == items[i].code()).count();
                format!("{:.3}", right as f64 / indices.len().max(1) as f64)
            })
            .collect();
        println!("| {label} | {} | {} |", indices.len(), cells.join(" | "));
    };
    for g in &groups {
        row(g, &|i: &Item| &group(i) == g);
    }
    row("**all**", &|_| true);
    println!();
}

/// Accuracy of canon's answers by confidence bin, on the held-out half.
fn reliability(items: &[Item], canon: &[String]) {
    const BINS: [f64; 6] = [0.0, 0.3, 0.5, 0.7, 0.9, 1.0001];
    let mut right = [0usize; 5];
    let mut total = [0usize; 5];
    let mut confidence_sum = [0f64; 5];
    for (item, answer) in items.iter().zip(canon) {
        if item.split != Split::Test {
            continue;
        }
        let normalized = canon::normalize::normalize(&item.text);
        let confidence = canon::detect::detect(normalized.text()).confidence;
        let bin = BINS
            .windows(2)
            .position(|w| confidence >= w[0] && confidence < w[1])
            .unwrap_or(4);
        total[bin] += 1;
        confidence_sum[bin] += confidence;
        right[bin] += usize::from(answer == item.code());
    }
    println!(
        "Reliability of canon's `lang_confidence` on the held-out half ({} texts):\n",
        total.iter().sum::<usize>()
    );
    println!("| confidence | texts | mean confidence | accuracy |\n| --- | ---: | ---: | ---: |");
    for b in 0..5 {
        let hi = if b == 4 {
            "1.0]".to_string()
        } else {
            format!("{:.1})", BINS[b + 1])
        };
        let n = total[b].max(1) as f64;
        println!(
            "| [{:.1}, {hi} | {} | {:.3} | {} |",
            BINS[b],
            total[b],
            confidence_sum[b] / n,
            if total[b] == 0 {
                "—".to_string()
            } else {
                format!("{:.3}", right[b] as f64 / n)
            }
        );
    }
    let wrong: Vec<f64> = items
        .iter()
        .zip(canon)
        .filter(|(item, answer)| item.split == Split::Test && *answer != item.code())
        .map(|(item, _)| {
            canon::detect::detect(canon::normalize::normalize(&item.text).text()).confidence
        })
        .collect();
    let below = wrong
        .iter()
        .filter(|&&c| c < canon::detect::LOW_CONFIDENCE)
        .count();
    println!(
        "{below} of canon's {} wrong answers on the held-out half have a confidence below {}.\n",
        wrong.len(),
        canon::detect::LOW_CONFIDENCE
    );
}

/// Writes canon's confidence table fitted on the fit half of `items`.
fn write_calibration(items: &[Item], path: &PathBuf) {
    // bucket -> (texts, right), in the order first seen.
    let mut buckets: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for item in items.iter().filter(|i| i.split == Split::Fit) {
        let normalized = canon::normalize::normalize(&item.text);
        let (lang, evidence) = canon::detect::detect_with_evidence(normalized.text());
        let entry = buckets.entry(evidence).or_default();
        entry.0 += 1;
        entry.1 += usize::from(lang.code == item.code());
    }
    let all = [
        "script",
        "script-mixed",
        "chinese-grammar",
        "usual-language",
        "lexicon",
        "lexicon-over-whichlang",
        "whichlang-confirmed",
        "whichlang",
        "whatlang-sure",
        "whatlang-unsure",
        "english-words",
        "english-by-default",
    ];
    let mut out = String::from(
        "# canon's lang_confidence per kind of evidence (src/detect/confidence.rs).\n\
         # Written by bench/peers/langid --calibrate from the fit half of\n\
         # data/eval/langid/short.jsonl (every other text of each language):\n\
         # (right + 1) / (texts + 2). Do not edit by hand; refit after changing\n\
         # the detector or the labelled set.\n\n[confidence]\n",
    );
    for bucket in all {
        let (texts, right) = buckets.get(bucket).copied().unwrap_or_default();
        let value = (right as f64 + 1.0) / (texts as f64 + 2.0);
        out.push_str(&format!(
            "{bucket} = {value:.3}  # {right} of {texts} right\n"
        ));
    }
    std::fs::write(path, out).expect("calibration written");
    eprintln!("wrote {}", path.display());
}
