//! The frequency rule: which evidence rules (`case = "exact"`, `needs =
//! "support"`) an alias must carry because it is also an everyday word.
//! Decided by word-frequency data, not one alias at a time, so that tables of
//! thousands of names (the default table, imports from Wikidata) stay safe
//! against common words. The rule, its data and their sources are described in
//! `data/freq/README.md`; `scripts/aliasgen/ambiguity.py` is the same rule in
//! Python (the generator of the default table uses it), and
//! `tests/frequency_rule.rs` checks that the two agree on every alias of the
//! default table.
//!
//! The data (`data/freq/*`, about 1.2 MB) is compiled into the binary and
//! parsed the first time [`requirement`] is called: `canon alias check` and
//! `canon alias import` pay for it, `canon normalize` never does.
//!
//! Where the Python rule has a quirk, this one follows it (the point is one
//! rule): an acronym is judged by its letters even when they spell a
//! name-dominant word; a possessive is looked up as written (`China’s` is the
//! wordfreq token `china's`, which is not name-dominant, so it needs exact
//! case); a word with a character wordfreq never keeps (`OPEC+`) is rare; a
//! Han alias with any other character (`A股`) needs nothing; and a word jieba
//! tags as a name needs nothing even when it is also a common word (和平,
//! 长安, 中山 are tagged `nz`, `ns`, `ns`: the rule cannot see those, `blockers` and the
//! shared-name check have to). It departs only where the Python side
//! approximates canon's own behaviour:
//!
//! * traditional characters are folded to simplified ones with canon's fold
//!   (the one matching uses) rather than OpenCC;
//! * "a Han character" and "a Latin letter" are canon's
//!   [`is_han`] and [`script_of`] rather than the Python's code-point ranges
//!   and Unicode names.
//!
//! Shared names (an alias claimed by several entities) are not this module's
//! business: `check.rs` reports them and the importer marks them.

use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};
use unicode_normalization::UnicodeNormalization;

use super::{Entity, TableProblem};
use crate::normalize::chinese::fold;
use crate::script::{Script, is_han, script_of};

/// Zipf frequency from which an English word needs `case = "exact"`.
pub const EXACT_ZIPF: f64 = 3.0;
/// Zipf frequency from which an English word also needs `needs = "support"`.
pub const SUPPORT_ZIPF: f64 = 4.0;
/// jieba frequency from which a Chinese word needs `needs = "support"`.
pub const ZH_SUPPORT_FREQ: u32 = 100;
/// jieba's part-of-speech tags for proper names (person, place, organisation,
/// other, transliterated person, foreign person) and abbreviations (`j`:
/// nearly every abbreviation that is an alias is an abbreviated name, such as
/// 欧盟, 央视, 证监会). Words with these tags are names, not common words.
pub const EXEMPT_TAGS: [&str; 7] = ["nr", "ns", "nt", "nz", "nrt", "nrfg", "j"];

/// What the frequency rule demands of one alias, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requirement {
    /// The alias must be `case = "exact"`.
    pub case_exact: bool,
    /// The alias must be `needs = "support"`.
    pub needs_support: bool,
    /// The alias must not be an alias at all (a single Han character).
    pub forbidden: bool,
    /// Why, for people (the word and its frequency); empty when nothing is demanded.
    pub reason: String,
}

impl Requirement {
    /// Whether the rule demands nothing.
    pub fn is_none(&self) -> bool {
        !(self.case_exact || self.needs_support || self.forbidden)
    }

    /// Whether an alias with these rules satisfies the requirement.
    pub fn satisfied_by(&self, case_exact: bool, needs_support: bool) -> bool {
        !self.forbidden
            && (case_exact || !self.case_exact)
            && (needs_support || !self.needs_support)
    }

    /// The rules demanded, as table syntax: `case = "exact" and needs = "support"`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.case_exact {
            parts.push("case = \"exact\"");
        }
        if self.needs_support {
            parts.push("needs = \"support\"");
        }
        parts.join(" and ")
    }
}

/// The frequency lists of `data/freq/`, parsed once.
struct FrequencyData {
    /// English word (lower case) -> Zipf frequency.
    english: FxHashMap<&'static str, f64>,
    /// Chinese word (simplified) -> (jieba frequency, jieba tag).
    chinese: FxHashMap<&'static str, (u32, &'static str)>,
    /// Words whose everyday use is the name (English lower case, Chinese simplified).
    name_dominant: FxHashSet<&'static str>,
}

const EN_TSV: &str = include_str!("../../../data/freq/en.tsv");
const ZH_TSV: &str = include_str!("../../../data/freq/zh.tsv");
const NAME_DOMINANT: &str = include_str!("../../../data/freq/name-dominant.txt");

static DATA: LazyLock<FrequencyData> = LazyLock::new(|| {
    // The files are compiled in and a unit test parses every line, so a
    // malformed line is a build that never passed its tests.
    FrequencyData {
        english: rows(EN_TSV)
            .map(|row| (row[0], row[1].parse().expect("Zipf frequency in en.tsv")))
            .collect(),
        chinese: rows(ZH_TSV)
            .map(|row| {
                let freq = row[1].parse().expect("jieba frequency in zh.tsv");
                (row[0], (freq, row[2]))
            })
            .collect(),
        name_dominant: rows(NAME_DOMINANT).map(|row| row[0].trim()).collect(),
    }
});

/// The tab-separated fields of the lines of `text` that are neither blank nor comments.
fn rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| line.split('\t').collect())
}

/// The evidence rules the frequency rule demands of alias `text`:
///
/// * a single Han character is never an alias;
/// * an alias of Han characters only, folded to simplified, that is a word of
///   jieba's dictionary with frequency >= 100 and a tag other than a name tag
///   needs support, unless it is listed as name-dominant;
/// * a single-word alias with a Latin letter: an acronym (NATO, U.S., OPEC+)
///   that is a frequent letter sequence (Zipf >= 3, or any two letters) needs
///   exact case and nothing more; any other word with Zipf >= 4 needs exact
///   case and support, with Zipf >= 3 exact case, unless it is name-dominant;
/// * anything else (names of several words, mixed scripts, other scripts)
///   needs nothing.
pub fn requirement(text: &str) -> Requirement {
    let text: String = text.nfkc().collect();
    let text = text.trim();
    let data = &*DATA;
    if text.chars().any(is_han) {
        if text.chars().count() == 1 {
            return Requirement {
                forbidden: true,
                reason: "a single Han character is never an alias".into(),
                ..Requirement::default()
            };
        }
        if !text.chars().all(is_han) {
            return Requirement::default();
        }
        let simplified = fold(text);
        if data.name_dominant.contains(text) || data.name_dominant.contains(&*simplified) {
            return Requirement::default();
        }
        return match data.chinese.get(&*simplified) {
            Some(&(freq, tag)) if !EXEMPT_TAGS.contains(&tag) && freq >= ZH_SUPPORT_FREQ => {
                Requirement {
                    needs_support: true,
                    reason: format!(
                        "{simplified} is a jieba word tagged {tag} with frequency {freq} (>= {ZH_SUPPORT_FREQ})"
                    ),
                    ..Requirement::default()
                }
            }
            _ => Requirement::default(),
        };
    }
    if !text.chars().any(|c| script_of(c) == Script::Latin) || text.contains(' ') {
        return Requirement::default();
    }
    let stripped = text.replace('.', "");
    let lower = stripped.to_lowercase().replace('\u{2019}', "'");
    let zipf = data.english.get(lower.as_str()).copied().unwrap_or(0.0);
    if is_acronym(text) {
        let two_letters =
            stripped.chars().count() == 2 && stripped.chars().all(char::is_alphabetic);
        if zipf >= EXACT_ZIPF || two_letters {
            return Requirement {
                case_exact: true,
                reason: format!("acronym {text} is a frequent letter sequence (Zipf {zipf:.2})"),
                ..Requirement::default()
            };
        }
        return Requirement::default();
    }
    if data.name_dominant.contains(lower.as_str()) {
        return Requirement::default();
    }
    if zipf >= SUPPORT_ZIPF {
        Requirement {
            case_exact: true,
            needs_support: true,
            reason: format!("{lower:?} has Zipf {zipf:.2} >= {SUPPORT_ZIPF:.1}"),
            ..Requirement::default()
        }
    } else if zipf >= EXACT_ZIPF {
        Requirement {
            case_exact: true,
            reason: format!("{lower:?} has Zipf {zipf:.2} >= {EXACT_ZIPF:.1}"),
            ..Requirement::default()
        }
    } else {
        Requirement::default()
    }
}

/// Capitals only, at least two letters: `NATO`, `U.S.`, `U.S`, `AT&T`,
/// `OPEC+`, `G20` is not one (one letter). The same as the Python rule's
/// `^(?:[A-Z]\.?){2,}$|^[A-Z][A-Z0-9&+]*[A-Z0-9+]$`.
fn is_acronym(text: &str) -> bool {
    let bytes = text.as_bytes();
    let dotted = {
        // ([A-Z]\.?){2,}
        let mut letters = 0;
        let mut i = 0;
        while i < bytes.len() && bytes[i].is_ascii_uppercase() {
            letters += 1;
            i += 1;
            if i < bytes.len() && bytes[i] == b'.' {
                i += 1;
            }
        }
        letters >= 2 && i == bytes.len()
    };
    let compact = bytes.len() >= 2
        && bytes[0].is_ascii_uppercase()
        && bytes[1..bytes.len() - 1]
            .iter()
            .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'&' || b == b'+')
        && bytes
            .last()
            .is_some_and(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'+');
    (dotted || compact) && bytes.iter().filter(|b| b.is_ascii_alphabetic()).count() >= 2
}

/// `canon alias check`'s frequency findings: every alias of `entities` that
/// lacks what [`requirement`] demands, as `file:line` problems.
pub fn frequency_problems(entities: &[Entity]) -> Vec<TableProblem> {
    let mut problems = Vec::new();
    for entity in entities {
        for alias in &entity.aliases {
            let required = requirement(&alias.text);
            if required.satisfied_by(alias.case_exact, alias.needs_support) {
                continue;
            }
            let what = if required.forbidden {
                "is not allowed".to_string()
            } else {
                format!("is a frequent word without {}", required.describe())
            };
            problems.push(TableProblem {
                file: entity.file.clone(),
                line: alias.line,
                message: format!(
                    "entity {:?}: alias {:?} {what}: {}",
                    entity.id, alias.text, required.reason
                ),
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_of_the_data_parses() {
        for row in rows(EN_TSV) {
            assert_eq!(row.len(), 2, "{row:?}");
            assert!(row[1].parse::<f64>().is_ok(), "{row:?}");
        }
        for row in rows(ZH_TSV) {
            assert_eq!(row.len(), 3, "{row:?}");
            assert!(row[1].parse::<u32>().is_ok(), "{row:?}");
        }
        for row in rows(NAME_DOMINANT) {
            assert!(!row[0].trim().is_empty(), "{row:?}");
        }
        assert!(DATA.english.len() > 40_000 && DATA.chinese.len() > 30_000);
    }

    #[test]
    fn acronyms() {
        for yes in ["NATO", "U.S.", "U.S", "US", "AT&T", "OPEC+", "G7S", "WHO"] {
            assert!(is_acronym(yes), "{yes}");
        }
        for no in [
            "G7", "G20", "Nato", "U", "A.", "", "N-A", "5G", "iPhone", "A&",
        ] {
            assert!(!is_acronym(no), "{no}");
        }
    }

    #[test]
    fn requirements_describe_themselves() {
        let both = Requirement {
            case_exact: true,
            needs_support: true,
            ..Requirement::default()
        };
        assert_eq!(both.describe(), "case = \"exact\" and needs = \"support\"");
        assert!(both.satisfied_by(true, true));
        assert!(!both.satisfied_by(true, false));
        assert!(Requirement::default().satisfied_by(false, false));
        let forbidden = Requirement {
            forbidden: true,
            ..Requirement::default()
        };
        assert!(!forbidden.satisfied_by(true, true));
    }
}
