//! Combining the signals: a logistic score per line with weights fitted on
//! the tuning half of the labelled set (`data/boilerplate/weights.toml`,
//! written by `scripts/fit_boilerplate.py`), and the reason reported for a
//! line the score marks.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Reason;
use super::layout::LayoutSignals;
use super::signals::LineSignals;

const WEIGHTS_FILE: &str = include_str!("../../data/boilerplate/weights.toml");

/// The features of a line, in the order of [`Features::values`].
pub const FEATURE_NAMES: [&str; 23] = [
    "bias",
    "log_units",
    "log_units_cue",
    "very_short",
    "stop_share",
    "ends_sentence",
    "punct_density",
    "link_density",
    "numeric_share",
    "date_line",
    "button",
    "phrase_start",
    "phrase_contains",
    "bullet",
    "body",
    "title",
    "header_zone",
    "after_body",
    "short_run",
    "ticker",
    "tail_section",
    "repeated",
    "no_body",
];

/// One line's feature values, parallel to [`FEATURE_NAMES`].
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    /// The values (booleans as 0 or 1).
    pub values: [f32; FEATURE_NAMES.len()],
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WeightsFile {
    threshold: f32,
    stop_share_unknown: f32,
    weights: BTreeMap<String, f32>,
}

/// The fitted weights and the decision threshold.
#[derive(Debug, Clone)]
pub struct Model {
    weights: [f32; FEATURE_NAMES.len()],
    /// A line whose probability of being furniture reaches this is marked.
    threshold: f32,
    /// The stop-word share assumed for lines without a stop-word list.
    stop_share_unknown: f32,
}

impl Model {
    /// The compiled-in weights (checked by this module's tests, so a broken
    /// file fails the build's tests rather than a user's run).
    pub fn builtin() -> Model {
        let file: WeightsFile = toml::from_str(WEIGHTS_FILE)
            .unwrap_or_else(|e| panic!("data/boilerplate/weights.toml: {e}"));
        let mut weights = [0.0; FEATURE_NAMES.len()];
        for (name, weight) in &file.weights {
            let index = FEATURE_NAMES
                .iter()
                .position(|n| n == name)
                .unwrap_or_else(|| panic!("data/boilerplate/weights.toml: unknown feature {name}"));
            weights[index] = *weight;
        }
        Model {
            weights,
            threshold: file.threshold,
            stop_share_unknown: file.stop_share_unknown,
        }
    }

    /// The features of one line.
    pub fn features(&self, line: &LineSignals, layout: &LayoutSignals, repeated: bool) -> Features {
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        // Length counts for a line without a phrase cue (long lines are
        // paragraphs) and separately for one with a cue (a disclaimer is long).
        let cue = line.phrase_start.is_some() || line.button.is_some();
        let log_units = line.units.ln_1p();
        Features {
            values: [
                1.0,
                if cue { 0.0 } else { log_units },
                if cue { log_units } else { 0.0 },
                flag(line.units <= 3.0),
                line.stop_share.unwrap_or(self.stop_share_unknown),
                flag(line.ends_sentence),
                line.punct_density,
                line.link_density,
                line.numeric_share,
                flag(line.date_line),
                flag(line.button.is_some()),
                flag(line.phrase_start.is_some()),
                flag(line.phrase_contains.is_some()),
                flag(line.bullet),
                flag(layout.body),
                flag(layout.title),
                flag(layout.header_zone),
                flag(layout.after_body),
                layout.short_run,
                flag(layout.ticker),
                flag(layout.tail_section.is_some()),
                flag(repeated),
                flag(layout.no_body),
            ],
        }
    }

    /// The probability that a line with `features` is page furniture.
    pub fn probability(&self, features: &Features) -> f32 {
        let z: f32 = features
            .values
            .iter()
            .zip(&self.weights)
            .map(|(x, w)| x * w)
            .sum();
        1.0 / (1.0 + (-z).exp())
    }

    /// Whether a line of this probability is marked.
    pub fn marks(&self, probability: f32) -> bool {
        probability >= self.threshold
    }
}

/// The reason reported for a marked line: the most specific cue it shows.
pub fn reason(line: &LineSignals, layout: &LayoutSignals, repeated: bool) -> Reason {
    if let Some(reason) = line.phrase_start.or(line.button).or(line.phrase_contains) {
        return reason;
    }
    if layout.ticker {
        return Reason::Ticker;
    }
    if let Some(reason) = layout.tail_section {
        return reason;
    }
    if repeated {
        return Reason::Repeated;
    }
    if line.date_line {
        return Reason::Byline;
    }
    if line.link_density >= 0.3 {
        return Reason::Nav;
    }
    if layout.header_zone {
        return Reason::Header;
    }
    if layout.after_body {
        return Reason::Sidebar;
    }
    Reason::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_weights_name_every_feature() {
        let file: WeightsFile = toml::from_str(WEIGHTS_FILE).unwrap();
        for name in FEATURE_NAMES {
            assert!(file.weights.contains_key(name), "{name} has no weight");
        }
        let model = Model::builtin();
        assert!((0.0..1.0).contains(&model.threshold));
    }
}
