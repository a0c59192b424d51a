//! `lang_confidence`: the probability that a detected language is right.

use super::Evidence;

/// Below this confidence most detected languages are wrong (see the
/// reliability table in the README).
pub const LOW_CONFIDENCE: f64 = 0.5;

/// The confidence of an answer decided on `evidence`.
pub(super) fn of(evidence: Evidence) -> f64 {
    let p = match evidence {
        Evidence::Script { share } => share,
        Evidence::ChineseGrammar => 0.9,
        Evidence::UsualLanguage { share } => share * 0.95,
        Evidence::Lexicon { .. } => 0.99,
        Evidence::Whichlang { support, .. } => {
            if support > 0.0 {
                0.95
            } else {
                0.8
            }
        }
        Evidence::LexiconOverWhichlang { .. } => 0.8,
        Evidence::Whatlang { confidence } => confidence * 0.8,
        Evidence::EnglishByDefault => 0.5,
    };
    (p * 1000.0).round() / 1000.0
}
