//! `lang_confidence`: the probability that a detected language is right,
//! looked up by the kind of evidence it was decided on.
//!
//! The table (`data/langid/calibration.toml`) is fitted on one half of the
//! labelled short texts (`data/eval/langid/short.jsonl`) by
//! `bench/peers/langid` (`--calibrate`): each bucket's confidence is the
//! share of its texts detected right, smoothed towards one half (one right
//! and one wrong text added), so a bucket seen rarely stays near 0.5. The
//! README's reliability table checks it on the other half.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::Evidence;

/// Below this confidence most detected languages are wrong (see the
/// reliability table in the README).
pub const LOW_CONFIDENCE: f64 = 0.5;

/// Script shares from which a text counts as written in one script.
const SINGLE_SCRIPT_SHARE: f64 = 0.9;

/// whatlang confidences from which its answer counts as sure.
const WHATLANG_SURE: f64 = 0.5;

/// The calibration bucket of `evidence`.
pub(super) fn bucket(evidence: Evidence) -> &'static str {
    match evidence {
        Evidence::Script { share } if share >= SINGLE_SCRIPT_SHARE => "script",
        Evidence::Script { .. } => "script-mixed",
        Evidence::ChineseGrammar => "chinese-grammar",
        Evidence::UsualLanguage => "usual-language",
        Evidence::Lexicon => "lexicon",
        Evidence::LexiconOverWhichlang => "lexicon-over-whichlang",
        Evidence::Whichlang { support } if support >= 1.0 => "whichlang-confirmed",
        Evidence::Whichlang { .. } => "whichlang",
        Evidence::Whatlang { confidence } if confidence >= WHATLANG_SURE => "whatlang-sure",
        Evidence::Whatlang { .. } => "whatlang-unsure",
        Evidence::EnglishWords => "english-words",
        Evidence::EnglishByDefault => "english-by-default",
    }
}

/// Every bucket [`bucket`] returns, for checking the table.
pub(super) const BUCKETS: [&str; 12] = [
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

/// The confidence of an answer from `bucket`.
pub(super) fn of(bucket: &str) -> f64 {
    static TABLE: OnceLock<FxHashMap<String, f64>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        parse(include_str!("../../data/langid/calibration.toml"))
            .unwrap_or_else(|problem| panic!("data/langid/calibration.toml: {problem}"))
    });
    table.get(bucket).copied().unwrap_or(LOW_CONFIDENCE)
}

/// The `[confidence]` table of a calibration file: every bucket, each a
/// number between 0 and 1.
fn parse(text: &str) -> Result<FxHashMap<String, f64>, String> {
    let file: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let table = file
        .get("confidence")
        .and_then(toml::Value::as_table)
        .ok_or("no [confidence] table")?;
    let mut out = FxHashMap::default();
    for (bucket, value) in table {
        if !BUCKETS.contains(&bucket.as_str()) {
            return Err(format!("unknown bucket {bucket:?}"));
        }
        let value = value
            .as_float()
            .filter(|v| (0.0..=1.0).contains(v))
            .ok_or_else(|| format!("{bucket}: not a number between 0 and 1"))?;
        out.insert(bucket.clone(), value);
    }
    if let Some(missing) = BUCKETS.iter().find(|b| !out.contains_key(**b)) {
        return Err(format!("bucket {missing:?} missing"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_table_has_every_bucket() {
        parse(include_str!("../../data/langid/calibration.toml")).expect("the table parses");
        for bucket in BUCKETS {
            assert!((0.0..=1.0).contains(&of(bucket)), "{bucket}");
        }
    }

    #[test]
    fn bad_tables_are_refused_with_the_reason() {
        assert!(
            parse("[confidence]\nscript = 1.5\n")
                .unwrap_err()
                .contains("script")
        );
        assert!(
            parse("[confidence]\nnonsense = 0.5\n")
                .unwrap_err()
                .contains("unknown")
        );
        assert!(
            parse("[confidence]\nscript = 0.9\n")
                .unwrap_err()
                .contains("missing")
        );
    }

    #[test]
    fn evidence_falls_in_its_bucket() {
        assert_eq!(bucket(Evidence::Script { share: 1.0 }), "script");
        assert_eq!(bucket(Evidence::Script { share: 0.6 }), "script-mixed");
        assert_eq!(bucket(Evidence::Whichlang { support: 0.5 }), "whichlang");
        assert_eq!(
            bucket(Evidence::Whichlang { support: 2.0 }),
            "whichlang-confirmed"
        );
        assert_eq!(
            bucket(Evidence::Whatlang { confidence: 0.2 }),
            "whatlang-unsure"
        );
    }
}
