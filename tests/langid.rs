//! Language detection on the labelled short texts (data/eval/langid/) and
//! end to end: accuracy and calibration gates, and mixed-script records
//! through the binary in both directions.

mod common;

use std::collections::BTreeMap;

use serde_json::Value;

use canon::detect::{LOW_CONFIDENCE, detect};
use canon::normalize::normalize;

/// One labelled text, with canon's answer.
struct Judged {
    lang: String,
    kind: String,
    /// Whether the text is in the held-out half (every second text of its
    /// language, as bench/peers/langid splits it).
    held_out: bool,
    right: bool,
    confidence: f64,
}

fn judged() -> Vec<Judged> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/eval/langid/short.jsonl");
    let text = std::fs::read_to_string(path).expect("the labelled set is in the repository");
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    text.lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line).expect("each line is JSON");
            let field = |name: &str| record[name].as_str().expect(name).to_string();
            let lang = field("lang");
            let index = seen.entry(lang.clone()).or_default();
            let held_out = *index % 2 == 1;
            *index += 1;
            let gold = match lang.as_str() {
                "zh-Hans" | "zh-Hant" => "zh",
                other => other,
            };
            let answer = detect(normalize(&field("text")).text());
            Judged {
                right: answer.code == gold,
                confidence: answer.confidence,
                lang,
                kind: field("kind"),
                held_out,
            }
        })
        .collect()
}

fn accuracy<'a>(items: impl Iterator<Item = &'a Judged>) -> (f64, usize) {
    let (right, total) = items.fold((0, 0), |(r, t), j| (r + usize::from(j.right), t + 1));
    (right as f64 / total.max(1) as f64, total)
}

#[test]
fn the_labelled_set_is_detected_right() {
    let judged = judged();
    assert!(judged.len() >= 1200, "{} texts", judged.len());
    let (overall, _) = accuracy(judged.iter());
    assert!(overall >= 0.98, "overall accuracy {overall:.3}");
    let mut groups: Vec<&str> = judged
        .iter()
        .map(|j| {
            if j.kind.starts_with("mixed") {
                j.kind.as_str()
            } else {
                j.lang.as_str()
            }
        })
        .collect();
    groups.sort_unstable();
    groups.dedup();
    assert!(groups.len() >= 19 + 4, "{groups:?}");
    for group in groups {
        let (score, total) = accuracy(judged.iter().filter(|j| j.lang == group || j.kind == group));
        assert!(total >= 15, "{group}: {total} texts");
        assert!(score >= 0.9, "{group}: accuracy {score:.3}");
    }
}

#[test]
fn low_confidence_marks_the_wrong_answers_on_the_held_out_half() {
    let judged = judged();
    let held_out = || judged.iter().filter(|j| j.held_out);
    let (below, below_count) = accuracy(held_out().filter(|j| j.confidence < LOW_CONFIDENCE));
    let (above, _) = accuracy(held_out().filter(|j| j.confidence >= 0.9));
    assert!(below_count > 0, "no held-out text below {LOW_CONFIDENCE}");
    assert!(below < 0.5, "accuracy below {LOW_CONFIDENCE}: {below:.3}");
    assert!(above >= 0.97, "accuracy from 0.9: {above:.3}");
    // Most of the wrong answers are flagged.
    let wrong: Vec<&Judged> = held_out().filter(|j| !j.right).collect();
    let flagged = wrong
        .iter()
        .filter(|j| j.confidence < LOW_CONFIDENCE)
        .count();
    assert!(
        flagged * 2 > wrong.len(),
        "{flagged} of {} wrong answers flagged",
        wrong.len()
    );
}

#[test]
fn mixed_script_records_keep_their_language_end_to_end() {
    let cases = [
        (
            "Microsoft Azure与Amazon Web Services在AI cloud市场竞争",
            "zh",
        ),
        ("Apple Watch Ultra 2的battery life是多久", "zh"),
        (
            "Xi Jinping (习近平) met foreign ministers in Beijing on Monday.",
            "en",
        ),
        ("The novelist 莫言 won the Nobel Prize in 2012.", "en"),
        ("日本銀行は金融政策決定会合で長期金利変動幅拡大を決定", "ja"),
        ("5月 沖縄 格安航空券", "ja"),
        ("市政府批准在市中心新建自行车道", "zh"),
        ("삼성전자 Galaxy S24 Ultra 국내 출시", "ko"),
        ("BTS member Jungkook (정국) tops the charts again", "en"),
    ];
    let input: String = cases
        .iter()
        .map(|(text, _)| serde_json::json!({ "text": text }).to_string() + "\n")
        .collect();
    let output = common::run_with_stdin(&["normalize", "--quiet"], input.into_bytes());
    assert!(output.status.success(), "{}", common::stderr(&output));
    let records = common::records(&output.stdout);
    assert_eq!(records.len(), cases.len());
    for ((text, lang), record) in cases.iter().zip(&records) {
        assert_eq!(record["lang"], *lang, "{text}");
        let confidence = record["lang_confidence"].as_f64().expect("a number");
        assert!((0.0..=1.0).contains(&confidence), "{text}: {confidence}");
    }
}
