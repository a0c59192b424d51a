//! The boilerplate stage end to end: the seeds, the three modes, learning
//! repeated lines, and the invariants of the spans.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{records, run, run_with_stdin, shared_corpus, stderr, stdout};
use serde_json::Value;

fn entity_ids(record: &Value) -> Vec<&str> {
    record["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect()
}

/// Whether most of the characters of `chars` lie in the record's boilerplate spans.
fn marked(record: &Value, chars: std::ops::Range<usize>) -> bool {
    let spans: Vec<(usize, usize)> = record["boilerplate"]
        .as_array()
        .expect("boilerplate field")
        .iter()
        .map(|s| {
            (
                s["start"].as_u64().unwrap() as usize,
                s["end"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    let inside = chars
        .clone()
        .filter(|&i| spans.iter().any(|&(s, e)| s <= i && i < e))
        .count();
    inside * 2 >= chars.len()
}

/// Code-point ranges of the lines of `text`, by 1-based line number.
fn line_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        let len = line.chars().count();
        ranges.push(start..start + len);
        start += len + 1;
    }
    ranges
}

#[test]
fn seeds_lose_their_furniture_and_keep_every_article_line() {
    let Some(seeds) = shared_corpus("seeds") else {
        return;
    };
    let labels = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/eval/boilerplate/seeds.tsv"),
    )
    .unwrap();
    let mut by_file: BTreeMap<&str, Vec<(usize, &str)>> = BTreeMap::new();
    for line in labels.lines().filter(|l| !l.starts_with('#')) {
        let fields: Vec<&str> = line.split('\t').collect();
        by_file
            .entry(fields[0])
            .or_default()
            .push((fields[1].parse().unwrap(), fields[2]));
    }
    let output = run(&[
        "normalize",
        "--quiet",
        "--format",
        "text",
        seeds.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let seed_records = records(&output.stdout);
    assert_eq!(seed_records.len(), 5);
    let mut checked = 0;
    for record in &seed_records {
        let name = Path::new(record["id"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        let ranges = line_ranges(record["text"].as_str().unwrap());
        for &(number, label) in &by_file[name] {
            let is_marked = marked(record, ranges[number - 1].clone());
            match label {
                "content" => assert!(!is_marked, "{name}:{number} is article text"),
                "ticker" | "sidebar" | "disclaimer" | "widget" => {
                    assert!(is_marked, "{name}:{number} is {label}")
                }
                _ => continue,
            }
            checked += 1;
        }
    }
    assert!(checked > 60, "{checked} seed lines checked");

    // Seed 003 is about model distillation; its ticker names other things.
    let seed = seeds.join("003_05a61f459e6106b0.txt");
    let ticker = [
        "donald-trump",
        "strait-of-hormuz",
        "binance",
        "spacex",
        "nvidia",
        "amazon",
    ];
    let ids = |mode: &str| {
        let output = run(&[
            "normalize",
            "--quiet",
            "--format",
            "text",
            "--boilerplate",
            mode,
            seed.to_str().unwrap(),
        ]);
        records(&output.stdout).remove(0)
    };
    let on = ids("on");
    for id in ticker {
        assert!(!entity_ids(&on).contains(&id), "{id} is in the ticker only");
    }
    for id in ["moonshot-ai", "deepseek", "anthropic", "kevin-s-xu"] {
        assert!(entity_ids(&on).contains(&id), "{id} is in the article");
    }
    let tokens: Vec<&str> = on["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(!tokens.contains(&"hormuz") && tokens.contains(&"蒸馏"));
    let keep = ids("keep");
    for mention in keep["entities"].as_array().unwrap() {
        let in_ticker = ticker.contains(&mention["id"].as_str().unwrap());
        let flagged = mention.get("boilerplate") == Some(&Value::Bool(true));
        if in_ticker {
            assert!(flagged, "{mention}");
        }
        if mention["id"] == "moonshot-ai" {
            assert!(!flagged, "{mention}");
        }
    }
    assert_eq!(keep["tokens"], ids("off")["tokens"]);
    assert!(ids("off").get("boilerplate").is_none());
}

const PAGE: &str = "Lab trains its model on chips of its own\nShare\nThe lab said on Tuesday that its new model, built with DeepSeek engineers, had been trained on a cluster of chips it designed itself.\nIt plans to sell access to the chips next year, the company said in a statement.\nDisclaimer: this page does not constitute financial advice.\nBinance lists a new token\n2 hours ago\nSpaceX launches more satellites\n5 hours ago";

fn normalize_page(extra: &[&str]) -> Value {
    let mut args = vec!["normalize", "--quiet"];
    args.extend_from_slice(extra);
    let input = serde_json::json!({ "id": 1, "text": PAGE }).to_string() + "\n";
    let output = run_with_stdin(&args, input.into_bytes());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    records(&output.stdout).remove(0)
}

#[test]
fn modes_drop_keep_or_skip_the_furniture() {
    let on = normalize_page(&[]);
    let spans = on["boilerplate"].as_array().unwrap();
    let reasons: Vec<&str> = spans
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["widget", "disclaimer", "ticker"]);
    let chars: Vec<char> = PAGE.chars().collect();
    let first = &spans[0];
    let slice: String = chars
        [first["start"].as_u64().unwrap() as usize..first["end"].as_u64().unwrap() as usize]
        .iter()
        .collect();
    assert_eq!(slice, "Share");
    assert_eq!(entity_ids(&on), ["deepseek"]);
    let tokens = on["tokens"].as_array().unwrap();
    assert!(
        !tokens.contains(&Value::from("share")) && !tokens.contains(&Value::from("satellites"))
    );
    assert!(tokens.contains(&Value::from("chips")));

    let keep = normalize_page(&["--boilerplate", "keep", "--spans"]);
    assert_eq!(keep["boilerplate"], on["boilerplate"]);
    assert_eq!(entity_ids(&keep), ["deepseek", "binance", "spacex"]);
    assert!(keep["entities"][0].get("boilerplate").is_none());
    assert_eq!(keep["entities"][1]["boilerplate"], true);
    assert!(
        keep["tokens"]
            .as_array()
            .unwrap()
            .contains(&Value::from("satellites"))
    );

    let off = normalize_page(&["--boilerplate", "off"]);
    assert!(off.get("boilerplate").is_none());
    assert_eq!(off["tokens"], keep["tokens"]);
    assert_eq!(off["normalized_text"], on["normalized_text"]);
}

#[test]
fn the_summary_counts_bytes_marked() {
    let input = serde_json::json!({ "text": PAGE }).to_string() + "\n";
    let output = run_with_stdin(&["normalize"], input.clone().into_bytes());
    assert!(
        stderr(&output).contains("bytes marked as boilerplate"),
        "{}",
        stderr(&output)
    );
    let output = run_with_stdin(&["normalize", "--boilerplate", "off"], input.into_bytes());
    assert!(
        !stderr(&output).contains("boilerplate"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn learned_furniture_marks_repeated_lines() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus.jsonl");
    let footer = "Follow Binance Daily for more market stories";
    let mut lines = String::new();
    for (i, topic) in ["bonds", "copper", "rice", "steel"].iter().enumerate() {
        lines += &serde_json::json!({
            "id": i,
            "source": "daily",
            "text": format!("Prices of {topic} rose\nTraders said prices of {topic} rose sharply this week as demand from builders recovered.\n{footer}\nAnalysts expect {topic} prices to stay high until the summer, when new supply arrives."),
        })
        .to_string();
        lines.push('\n');
    }
    lines += "not json\n";
    std::fs::write(&corpus, lines).unwrap();
    let furniture = dir.path().join("furniture.jsonl");
    let output = run(&[
        "boilerplate",
        "learn",
        "--min-docs",
        "3",
        corpus.to_str().unwrap(),
        "-o",
        furniture.to_str().unwrap(),
    ]);
    // The bad line is reported and makes the status 1; the rest is learned.
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("corpus.jsonl:5: invalid JSON"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("4 documents read, 1 skipped; 1 line "),
        "{}",
        stderr(&output)
    );
    let written = records(&std::fs::read(&furniture).unwrap());
    assert_eq!(written[0]["format"], "canon-furniture");
    assert_eq!(written.len(), 2);
    assert_eq!(written[1]["text"], footer);
    assert_eq!(written[1]["docs"], 4);
    assert_eq!(written[1]["source"], "daily");
    // No temporary file is left beside it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);

    let page = serde_json::json!({
        // The line stands between paragraphs: only its repetition tells.
        "text": format!("Wheat prices fell\nFarmers said wheat prices fell for a third week as the harvest came in early.\n{footer}\nMillers expect the price to settle once the harvest is stored."),
    })
    .to_string() + "\n";
    let without = run_with_stdin(&["normalize", "--quiet"], page.clone().into_bytes());
    let record = records(&without.stdout).remove(0);
    assert!(entity_ids(&record).contains(&"binance"), "{record}");
    let with = run_with_stdin(
        &[
            "normalize",
            "--quiet",
            "--boilerplate-from",
            furniture.to_str().unwrap(),
        ],
        page.into_bytes(),
    );
    let record = records(&with.stdout).remove(0);
    assert_eq!(record["boilerplate"][0]["reason"], "repeated", "{record}");
    assert!(!entity_ids(&record).contains(&"binance"), "{record}");
}

#[test]
fn bad_furniture_files_and_outputs_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"text\": \"Share\"}\n{\"docs\": 2}\n").unwrap();
    let output = run_with_stdin(
        &["normalize", "--boilerplate-from", bad.to_str().unwrap()],
        b"{\"text\":\"x\"}\n".to_vec(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("bad.jsonl:2: an entry needs"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());

    let missing = dir.path().join("no/such/folder/f.jsonl");
    let output = run(&[
        "boilerplate",
        "learn",
        bad.to_str().unwrap(),
        "-o",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!missing.exists());
}

#[test]
fn unreadable_inputs_name_their_line_and_text_before_trailing_garbage_is_learned() {
    let dir = tempfile::tempdir().unwrap();
    let not_gzip = dir.path().join("bad.jsonl.gz");
    std::fs::write(&not_gzip, "not gzip\n").unwrap();
    // A document followed by bytes that are not gzip: it was read whole.
    let mut document = common::gzip(b"Share this article");
    document.extend(b"junk");
    let text = dir.path().join("doc.txt.gz");
    std::fs::write(&text, document).unwrap();
    let output = run(&[
        "boilerplate",
        "learn",
        not_gzip.to_str().unwrap(),
        text.to_str().unwrap(),
        "-o",
        dir.path().join("f.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("bad.jsonl.gz:1: cannot read input: not gzip data"),
        "{err}"
    );
    assert!(
        err.contains("doc.txt.gz:2: read error: data after the last gzip member is not gzip (trailing garbage)"),
        "{err}"
    );
    assert!(!err.contains(":0:"), "{err}");
    assert!(err.contains("1 document read, 2 skipped"), "{err}");
}

#[test]
fn explain_prints_every_line_with_its_features() {
    let input = serde_json::json!({ "id": "p", "text": PAGE }).to_string() + "\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("page.jsonl");
    std::fs::write(&path, input).unwrap();
    let output = run(&["boilerplate", "explain", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = records(&output.stdout);
    assert_eq!(lines.len(), PAGE.lines().count());
    assert_eq!(lines[1]["text"], "Share");
    assert_eq!(lines[1]["reason"], "widget");
    assert_eq!(lines[2]["reason"], Value::Null);
    assert!(lines[1]["features"]["button"] == 1.0);
}

/// A newspaper page in the style of a Chinese daily (sentences written for
/// this test): an article whose paragraphs and photo caption end with their
/// author or photographer in brackets, an interview question, numbered
/// rules; then a bare photo credit and a weather line, which are furniture.
const NEWSPAPER_PAGE: &str = "江城举办冬季长跑比赛
本报武汉1月5日电记者王明报道：今天上午，三千多名市民在江边参加冬季长跑比赛，赛道全长十公里。
比赛分为成人组和少年组，组委会为每位完赛者准备了纪念奖牌。（李华）
记者：您为什么每年都来参加这项比赛？
（一）参赛选手须年满十六岁；
2、选手须在2001年1月3日前报名。
图为选手们从江滩公园出发。（本报记者李华摄）
（新华社记者张强摄）
武汉晴－2℃／6℃";

#[test]
fn newspaper_captions_list_items_and_questions_are_kept_credits_and_weather_marked() {
    let analysis = pipelines()[0].analyze(NEWSPAPER_PAGE);
    let spans = analysis.boilerplate.expect("the stage ran");
    let lines = line_ranges(NEWSPAPER_PAGE);
    let is_marked = |line: &std::ops::Range<usize>| {
        spans.iter().any(|s| {
            s.original_chars.start as usize <= line.start
                && line.end <= s.original_chars.end as usize
        })
    };
    let text: Vec<&str> = NEWSPAPER_PAGE.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let expected = i >= 7;
        assert_eq!(is_marked(line), expected, "line {}: {}", i + 1, text[i]);
    }
}

/// The pipelines with the stage on and in keep mode, built once (the
/// Chinese dictionary takes a while to load).
fn pipelines() -> &'static [canon::Canon; 2] {
    use canon::{AnalyzeOptions, Canon, boilerplate::Mode};
    static PIPELINES: std::sync::OnceLock<[Canon; 2]> = std::sync::OnceLock::new();
    PIPELINES.get_or_init(|| {
        [Mode::On, Mode::Keep].map(|boilerplate| {
            let table = canon::aliases::AliasTable::load(&[]).expect("default table loads");
            let mut options = AnalyzeOptions::default();
            options.boilerplate = boilerplate;
            Canon::with_options(table, options)
        })
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Spans are in order, within the text, and whole lines; dropping
    /// furniture only removes terms that keeping it flags.
    #[test]
    fn spans_are_whole_lines_and_on_keeps_a_subset_of_the_terms(
        lines in proptest::collection::vec(
            "(Share|9 days ago|Disclaimer: not advice|Related articles|责任编辑:张三|分享到|The lab said the model was trained on its own chips, and it works\\.|月之暗面发布了新的模型，并表示将开放接口。|[a-z ]{0,30}|Binance lists a token)",
            0..12,
        )
    ) {
        let text = lines.join("\n");
        let [on, keep] = pipelines().each_ref().map(|canon| canon.analyze(&text));
        let spans = on.boilerplate.clone().unwrap();
        proptest::prop_assert_eq!(&spans, keep.boilerplate.as_ref().unwrap());
        let chars: Vec<char> = text.chars().collect();
        let mut previous = 0;
        for span in &spans {
            let (start, end) = (span.original_chars.start as usize, span.original_chars.end as usize);
            proptest::prop_assert!(previous <= start && start < end && end <= chars.len());
            // Only spaces between a span and the line breaks around it.
            let before = chars[..start].iter().rev().take_while(|&&c| c != '\n');
            let after = chars[end..].iter().take_while(|&&c| c != '\n');
            proptest::prop_assert!(before.chain(after).all(|c| c.is_whitespace()));
            previous = end;
        }
        let kept: Vec<&str> = keep.terms().collect();
        let dropped: Vec<&str> = on.terms().collect();
        proptest::prop_assert!(dropped.len() <= kept.len());
        let inside = |start: u32| {
            spans
                .iter()
                .any(|s| s.original_chars.start <= start && start < s.original_chars.end)
        };
        let expected: Vec<&str> = kept
            .iter()
            .zip(keep.token_spans())
            .filter(|(_, span)| !inside(span.start))
            .map(|(t, _)| *t)
            .collect();
        proptest::prop_assert_eq!(dropped, expected);
        for mention in &keep.entities {
            proptest::prop_assert_eq!(mention.boilerplate, inside(mention.span.start));
        }
    }
}
