//! The ambiguity rule: which evidence rules (`case = "exact"`, `needs =
//! "support"`) an alias must carry because it is also an everyday word, a
//! letter sequence many bodies share, a bare surname or a name of several
//! entities, and which context words and topics cannot be evidence. Decided
//! by data, not one alias at a time, so that tables of thousands of names
//! (the default table, imports from Wikidata) stay safe against common words.
//!
//! `data/freq/README.md` states the rule in full; this is one of its two
//! implementations. `scripts/aliasgen/ambiguity.py` is the other (the
//! generator of the default table applies it, its `lint` checks tables);
//! both read the same files, compiled in here: the word lists `data/freq/*`
//! (about 1.2 MB; the two frequency lists sorted by word by the build script
//! and searched in place, the shorter lists parsed the first time the rule
//! is asked, which `canon normalize` does only for the title case of an
//! acronym), the rule's parameters in `data/freq/rule.toml`, and the broad
//! topics of `data/matching.toml`, where the matcher reads them.
//! `tests/frequency_rule.rs` checks that the two agree: on the verdict for
//! every alias of the default table (`tests/fixtures/frequency-rule.tsv`)
//! and on every finding for a table made to break each part of the rule
//! (`tests/fixtures/ambiguity-table.toml`).
//!
//! The two differ only where the Python side approximates canon itself:
//! traditional characters fold to simplified ones with canon's fold (the
//! one matching uses) rather than OpenCC, a name's key is canon's
//! [`alias_key`], and "a Han character" and "a Latin letter" are canon's
//! [`is_han`] and [`script_of`].

use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use super::{AliasEntry, AliasForm, Entity, Kind, TableProblem, alias_key};
use crate::normalize::chinese::fold;
use crate::script::{Script, is_han, script_of};

/// What the rule demands of one alias, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requirement {
    /// The alias must be `case = "exact"`.
    pub case_exact: bool,
    /// The alias must need support: `needs = "support"` (or be a short
    /// form, which needs the full name or support).
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
        want(self.case_exact, self.needs_support)
    }
}

/// `case = "exact"`, `needs = "support"` or both, as the table writes them.
fn want(case_exact: bool, needs_support: bool) -> String {
    let mut parts = Vec::new();
    if case_exact {
        parts.push("case = \"exact\"");
    }
    if needs_support {
        parts.push("needs = \"support\"");
    }
    parts.join(" and ")
}

/// The rule's parameters (`data/freq/rule.toml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Parameters {
    english: EnglishParameters,
    chinese: ChineseParameters,
    surnames: SurnameParameters,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnglishParameters {
    /// Zipf frequency from which a word needs `case = "exact"`.
    exact_zipf: f64,
    /// Zipf frequency from which a word also needs support.
    support_zipf: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChineseParameters {
    /// jieba frequency from which a word needs support.
    support_frequency: u32,
    /// jieba tags of names (and abbreviations): words so tagged are names.
    name_tags: Vec<String>,
    /// Kinds whose two-character names jieba tags reliably.
    tagged_kinds: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SurnameParameters {
    /// Particles that belong to the surname after them (de Villepin).
    particles: Vec<String>,
}

/// The rule's data, parsed once, but for the two frequency lists, which are
/// read in place.
struct RuleData {
    /// English word (lower case) -> its Zipf frequency, as written in the
    /// file ([`english_zipf`] parses it).
    english: SortedList,
    /// Chinese word (simplified) -> `jieba frequency TAB jieba tag`, as
    /// written in the file ([`chinese_entry`] parses it).
    chinese: SortedList,
    /// `[en]` of name-dominant.txt, lower-cased.
    dominant_english: FxHashSet<String>,
    /// `[zh]` of name-dominant.txt.
    dominant_chinese: FxHashSet<&'static str>,
    /// `[acronym]` of name-dominant.txt, as written.
    dominant_acronyms: FxHashSet<&'static str>,
    /// `[zh-word]` of name-dominant.txt: names jieba tags as names that news
    /// also writes as ordinary words (大庆 "a great celebration").
    ordinary_chinese: FxHashSet<&'static str>,
    /// organ-words.txt: the words of generic government-organ names.
    organ_words: FxHashSet<&'static str>,
    parameters: Parameters,
}

/// The files as they are, which the tests compare with the sorted lists.
#[cfg(test)]
const EN_TSV: &str = include_str!("../../../data/freq/en.tsv");
#[cfg(test)]
const ZH_TSV: &str = include_str!("../../../data/freq/zh.tsv");
const NAME_DOMINANT: &str = include_str!("../../../data/freq/name-dominant.txt");
const RULE_TOML: &str = include_str!("../../../data/freq/rule.toml");
const ORGAN_WORDS: &str = include_str!("../../../data/freq/organ-words.txt");

static DATA: LazyLock<RuleData> = LazyLock::new(|| {
    // The files are compiled in and a unit test parses every line, so a
    // malformed line is a build that never passed its tests.
    let sections = name_dominant_sections(NAME_DOMINANT).expect("data/freq/name-dominant.txt");
    let section = |name: &'static str| {
        sections
            .iter()
            .filter(move |(s, _)| *s == name)
            .map(|&(_, w)| w)
    };
    RuleData {
        english: SortedList(include_str!(concat!(env!("OUT_DIR"), "/en.tsv"))),
        chinese: SortedList(include_str!(concat!(env!("OUT_DIR"), "/zh.tsv"))),
        dominant_english: section("en").map(str::to_lowercase).collect(),
        dominant_chinese: section("zh").collect(),
        dominant_acronyms: section("acronym").collect(),
        ordinary_chinese: section("zh-word").collect(),
        organ_words: rows(ORGAN_WORDS).map(|row| row[0].trim()).collect(),
        parameters: toml::from_str(RULE_TOML).expect("data/freq/rule.toml"),
    }
});

/// A frequency list as `word TAB rest` lines sorted by word (bytes), made
/// from a file of `data/freq/` by canon-table's build script: a word is
/// found by binary search over the lines, in place. A hash map of the
/// English list's 50,000 words cost 22M instructions to build at the first
/// title-case check of every process; a lookup here is about 16 line
/// comparisons, and a process looks up a handful of words.
pub(crate) struct SortedList(pub(crate) &'static str);

impl SortedList {
    /// The rest of the line of `word`, if the list has it.
    pub(crate) fn get(&self, word: &str) -> Option<&'static str> {
        let text = self.0;
        let bytes = text.as_bytes();
        // `lo` is always the start of a line; `hi` the end of one (past its
        // newline) or of the text.
        let (mut lo, mut hi) = (0, text.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let start = bytes[lo..mid]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(lo, |at| lo + at + 1);
            let end = bytes[start..hi]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(hi, |at| start + at);
            // Newlines and tabs are ASCII: both ends are character boundaries.
            let (key, rest) = text[start..end]
                .split_once('\t')
                .unwrap_or((&text[start..end], ""));
            match word.cmp(key) {
                std::cmp::Ordering::Less => hi = start,
                std::cmp::Ordering::Greater => lo = end + 1,
                std::cmp::Ordering::Equal => return Some(rest),
            }
        }
        None
    }
}

/// The Zipf frequency (log10 of occurrences per 10^9 words) of a lower-case
/// English word in `data/freq/en.tsv`, wordfreq's 50,000 most frequent
/// words; 0 for a word the list does not have. A binary search over the
/// compiled-in list: no set-up cost.
///
/// ```
/// assert!(canon_table::ambiguity::english_zipf_frequency("may") > 5.0);
/// assert_eq!(canon_table::ambiguity::english_zipf_frequency("qwzx"), 0.0);
/// ```
pub fn english_zipf_frequency(word: &str) -> f64 {
    english_zipf(&DATA, word)
}

/// Every word of `data/freq/en.tsv` (lower case) with its Zipf frequency,
/// in alphabetical order: for callers that build a set of their own (the
/// language detector's English vocabulary) rather than search the list
/// word by word.
pub fn english_words() -> impl Iterator<Item = (&'static str, f64)> {
    DATA.english.0.lines().filter_map(|line| {
        let (word, zipf) = line.split_once('\t')?;
        Some((word, zipf.parse().ok()?))
    })
}

/// The Zipf frequency of a lower-case English word (0 for a word the list
/// does not have).
fn english_zipf(data: &RuleData, word: &str) -> f64 {
    data.english.get(word).map_or(0.0, |zipf| {
        zipf.parse().expect("Zipf frequency in en.tsv (tested)")
    })
}

/// The jieba frequency and tag of a simplified Chinese word.
fn chinese_entry(data: &RuleData, word: &str) -> Option<(u32, &'static str)> {
    let entry = data.chinese.get(word)?;
    let (freq, tag) = entry.split_once('\t').unwrap_or((entry, ""));
    Some((
        freq.parse().expect("jieba frequency in zh.tsv (tested)"),
        tag,
    ))
}

/// The tab-separated fields of the lines of `text` that are neither blank nor comments.
fn rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| line.split('\t').collect())
}

/// The `(section, name)` pairs of name-dominant.txt: names one a line, `name
/// TAB reason`, under `[en]`, `[zh]`, `[acronym]` or `[zh-word]` (the
/// reverse judgement: ordinary words too); every name needs a section and a
/// reason.
fn name_dominant_sections(text: &'static str) -> Result<Vec<(&'static str, &'static str)>, String> {
    let mut out = Vec::new();
    let mut current: Option<&str> = None;
    for (number, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let trimmed = line.trim();
        if let Some(name) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            if !["en", "zh", "acronym", "zh-word"].contains(&name) {
                return Err(format!("line {}: unknown section [{name}]", number + 1));
            }
            current = Some(name);
            continue;
        }
        let (word, reason) = line.split_once('\t').unwrap_or((line, ""));
        match current {
            Some(section) if !reason.trim().is_empty() => out.push((section, word.trim())),
            _ => {
                return Err(format!(
                    "line {}: {word:?} needs a section and a reason",
                    number + 1
                ));
            }
        }
    }
    Ok(out)
}

/// The evidence rules the rule demands of alias `text` of an entity of
/// `kind`, on its own (the parts that look at the whole table are
/// [`rule_problems`]'s):
///
/// * a single Han character is never an alias;
/// * an alias of Han characters only, folded to simplified, that is a word
///   of jieba's dictionary with frequency >= 100 and a tag other than a
///   name's needs support; for kinds other than places and people, so does
///   any such word of two characters whatever its tag; unless name-dominant;
///   a name listed as an ordinary word too (`[zh-word]`: 大庆) needs support;
/// * an English-script alias is judged on its key (the term canon matches):
///   several words need nothing; a word with a possessive (McDonald's)
///   needs support (canon also matches the bare word, a family name) and
///   exact case when the bare word has Zipf >= 3; an acronym of two or
///   three capitals needs exact case and support, exact case only when
///   name-dominant; another word in capitals is the word with exact case
///   (SEAT: Zipf >= 4 also support; a frequent letter sequence exact case);
///   any other word with Zipf >= 4 needs exact case and support, with Zipf
///   >= 3 exact case, unless it is name-dominant;
/// * anything else (mixed or other scripts) needs nothing.
pub fn requirement(text: &str, kind: Kind) -> Requirement {
    let text: String = text.nfkc().collect();
    let text = text.trim();
    let data = &*DATA;
    let params = &data.parameters;
    if text.chars().any(is_han) {
        return chinese_requirement(text, kind, data);
    }
    if !text.chars().any(|c| script_of(c) == Script::Latin) {
        return Requirement::default();
    }
    // The term canon matches: U.S. -> us, McDonald's -> mcdonald.
    let lower = alias_key(text);
    if lower.contains(' ') {
        return Requirement::default();
    }
    let zipf = english_zipf(data, &lower);
    let (exact_zipf, support_zipf) = (params.english.exact_zipf, params.english.support_zipf);
    let demand = |case_exact, needs_support, reason: String| Requirement {
        case_exact,
        needs_support,
        forbidden: false,
        reason,
    };
    if text.ends_with("'s") || text.ends_with("\u{2019}s") {
        if data.dominant_english.contains(&lower) {
            return Requirement::default();
        }
        let frequent = zipf >= exact_zipf;
        let mut reason = format!(
            "{text:?} is a possessive: canon also matches {lower:?}, a family name as often as not"
        );
        if frequent {
            reason += &format!(", of Zipf {zipf:.2} >= {exact_zipf:.1}");
        }
        return demand(frequent, true, reason);
    }
    if is_acronym(text) {
        let stripped = text.replace('.', "");
        let short =
            (2..=3).contains(&stripped.len()) && stripped.bytes().all(|b| b.is_ascii_uppercase());
        if short {
            if data.dominant_acronyms.contains(stripped.as_str()) {
                let reason =
                    format!("acronym {text}: a letter sequence (name-dominant: exact case only)");
                return demand(true, false, reason);
            }
            let reason = format!("acronym {text}: a short letter sequence many bodies share");
            return demand(true, true, reason);
        }
        if zipf >= support_zipf && stripped.len() >= 4 && !data.dominant_english.contains(&lower) {
            // A word typeset in capitals (SEAT, MINI, LINE): in a heading or
            // a shouted line it is the word.
            let reason = format!("{lower:?} in capitals has Zipf {zipf:.2} >= {support_zipf:.1}");
            return demand(true, true, reason);
        }
        if zipf >= exact_zipf {
            let reason = format!("acronym {text} is a frequent letter sequence (Zipf {zipf:.2})");
            return demand(true, false, reason);
        }
        return Requirement::default();
    }
    if data.dominant_english.contains(&lower) {
        Requirement::default()
    } else if zipf >= support_zipf {
        demand(
            true,
            true,
            format!("{lower:?} has Zipf {zipf:.2} >= {support_zipf:.1}"),
        )
    } else if zipf >= exact_zipf {
        demand(
            true,
            false,
            format!("{lower:?} has Zipf {zipf:.2} >= {exact_zipf:.1}"),
        )
    } else {
        Requirement::default()
    }
}

/// [`requirement`] of an alias with a Han character.
fn chinese_requirement(text: &str, kind: Kind, data: &RuleData) -> Requirement {
    let params = &data.parameters.chinese;
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
    if data.dominant_chinese.contains(text) || data.dominant_chinese.contains(&*simplified) {
        return Requirement::default();
    }
    if data.ordinary_chinese.contains(&*simplified) {
        return Requirement {
            needs_support: true,
            reason: format!(
                "{simplified} is also an ordinary word ([zh-word] of name-dominant.txt)"
            ),
            ..Requirement::default()
        };
    }
    let Some((freq, tag)) = chinese_entry(data, &simplified) else {
        return Requirement::default();
    };
    let threshold = params.support_frequency;
    if freq < threshold {
        return Requirement::default();
    }
    let reason = if !params.name_tags.iter().any(|t| t == tag) {
        format!("{simplified} is a jieba word tagged {tag} with frequency {freq} (>= {threshold})")
    } else if simplified.chars().count() == 2
        && !params.tagged_kinds.iter().any(|k| k == kind.as_str())
    {
        format!(
            "{simplified} is a two-character jieba word with frequency {freq} (tagged {tag}: tags of short words are unreliable)"
        )
    } else {
        return Requirement::default();
    };
    Requirement {
        needs_support: true,
        reason,
        ..Requirement::default()
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

/// Which of a person's aliases are surnames, by position in `aliases`
/// (`(text, marked form = "full")`): the last part of another alias (the
/// last word, with a particle before it: de Villepin; the part after the
/// middle dot of a transliteration: 布莱尔 of 托尼·布莱尔), unless marked
/// `form = "full"` (a surname that names one person in news: Trump, 普京).
pub fn surnames(aliases: &[(&str, bool)]) -> Vec<bool> {
    let particles = &DATA.parameters.surnames.particles;
    let mut lasts: FxHashSet<String> = FxHashSet::default();
    for &(text, _) in aliases {
        let parts: Vec<&str> = if text.chars().any(is_han) {
            text.split(['·', '・']).filter(|p| !p.is_empty()).collect()
        } else {
            let words: Vec<&str> = text.split_whitespace().collect();
            if words.len() > 2 && particles.contains(&words[words.len() - 2].to_lowercase()) {
                lasts.insert(words[words.len() - 2..].join(" "));
            }
            words
        };
        if parts.len() > 1 {
            lasts.insert(parts[parts.len() - 1].to_string());
        }
    }
    aliases
        .iter()
        .map(|&(text, full)| !full && lasts.contains(text))
        .collect()
}

/// Gives the aliases of an imported entity what the rule's surname part
/// demands (the per-alias part is [`requirement`]'s, shared names the
/// importer's): a person's surname needs exact case (Latin) and support.
pub fn mark_surnames(kind: Kind, aliases: &mut [AliasEntry]) {
    if kind != Kind::Person {
        return;
    }
    let texts: Vec<(&str, bool)> = aliases
        .iter()
        .map(|a| (a.text.as_str(), a.form == Some(AliasForm::Full)))
        .collect();
    let flags = surnames(&texts);
    for (alias, surname) in aliases.iter_mut().zip(flags) {
        if surname {
            alias.case_exact |= !alias.text.chars().any(is_han);
            alias.needs_support = true;
        }
    }
}

/// Words of a name that carry no meaning of their own (the Python rule's
/// function words).
const FUNCTION_WORDS: [&str; 16] = [
    "of", "the", "and", "for", "de", "du", "la", "le", "des", "y", "a", "an", "in", "on", "at",
    "to",
];

/// Why an alias of a country's organisation is a generic organ name, if it
/// is one: several words, all of them (function words aside) words of
/// data/freq/organ-words.txt (Cabinet Office, Prime Minister's Office,
/// Justice Department). Every country has a body so called, so it needs
/// support: in an article about Japan "the government's Cabinet Office" is
/// Japan's. A country, demonym, place or distinctive word says whose body it
/// is (German Foreign Office, House of Lords, HM Treasury).
pub fn generic_organ(text: &str) -> Option<String> {
    if text.chars().any(is_han) {
        return None;
    }
    let key = alias_key(text);
    if !key.contains(' ') {
        return None;
    }
    let organ_words = &DATA.organ_words;
    // The key keeps a possessive ('s), which is no word of its own: judged
    // on the word it ends (minister's is minister), as the Python rule does.
    let mut words = key
        .split(' ')
        .map(|w| w.strip_suffix("'s").unwrap_or(w))
        .flat_map(|w| w.split(|c: char| !c.is_alphabetic()))
        .filter(|w| !w.is_empty() && !FUNCTION_WORDS.contains(w))
        .peekable();
    (words.peek().is_some() && words.all(|w| organ_words.contains(w)))
        .then(|| format!("{text:?} is a generic organ name (organ words only): any country's body"))
}

/// Whether an alias needs evidence beyond itself: `needs = "support"`, or a
/// short form (which needs the full name or support, docs/aliases.md).
fn needs_evidence(alias: &AliasEntry) -> bool {
    alias.needs_support || alias.form == Some(AliasForm::Short)
}

/// How many other entities a finding names before "N more".
const LISTED: usize = 5;

/// At most [`LISTED`] ids, then how many more.
fn listed(ids: &[&str]) -> String {
    let mut shown: Vec<String> = ids.iter().take(LISTED).map(|id| id.to_string()).collect();
    if ids.len() > LISTED {
        shown.push(format!("{} more", ids.len() - LISTED));
    }
    shown.join(", ")
}

/// `canon alias check`'s ambiguity findings for the merged `entities`, as
/// `file:line` problems: every alias that lacks what the rule demands (the
/// frequency rule of [`requirement`]; a person's surname, unless `form =
/// "full"`; a name several entities claim, on each of them; a generic organ
/// name of a country's organisation, [`generic_organ`]), every person
/// with an alias that needs support and a broad topic (`data/matching.toml`:
/// broad topics support only between entities without a parent, and people
/// have none in a table though they belong to a country), and every context
/// word of an entity that another entity claiming one of its aliases that
/// need support has too (it supports both and so hides the evidence that
/// would tell them apart).
pub fn rule_problems(entities: &[Entity]) -> Vec<TableProblem> {
    let mut claims: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (e, entity) in entities.iter().enumerate() {
        for alias in entity.aliases.iter().filter(|a| !a.key.is_empty()) {
            let owners = claims.entry(alias.key.as_str()).or_default();
            if owners.last() != Some(&e) {
                owners.push(e);
            }
        }
    }
    let context_keys: Vec<FxHashSet<String>> = entities
        .iter()
        .map(|e| {
            e.context
                .iter()
                .map(|w| alias_key(w))
                .filter(|k| !k.is_empty())
                .collect()
        })
        .collect();
    let broad_topics = &crate::rules::rules().broad_topics;
    let by_id: FxHashMap<&str, &Entity> = entities.iter().map(|e| (e.id.as_str(), e)).collect();
    // Whether an ancestor of the entity is a place: a country's body (not the UN's).
    let of_a_country = |entity: &Entity| {
        let mut seen: FxHashSet<&str> = FxHashSet::default();
        let mut current = entity;
        seen.insert(current.id.as_str());
        while let Some(parent) = current.parent.as_deref().and_then(|p| by_id.get(p)) {
            if !seen.insert(parent.id.as_str()) {
                return false;
            }
            if parent.kind == Kind::Place {
                return true;
            }
            current = parent;
        }
        false
    };
    let mut problems = Vec::new();
    for (e, entity) in entities.iter().enumerate() {
        let id = &entity.id;
        let organ_of_country = entity.kind == Kind::Org && of_a_country(entity);
        let mut report = |line: usize, message: String| {
            problems.push(TableProblem {
                file: entity.file.clone(),
                line,
                message: format!("entity {id:?}: {message}"),
            })
        };
        let rivals = |alias: &AliasEntry| -> Vec<usize> {
            claims
                .get(alias.key.as_str())
                .map(|owners| owners.iter().copied().filter(|&o| o != e).collect())
                .unwrap_or_default()
        };
        let surname = if entity.kind == Kind::Person {
            let texts: Vec<(&str, bool)> = entity
                .aliases
                .iter()
                .map(|a| (a.text.as_str(), a.form == Some(AliasForm::Full)))
                .collect();
            surnames(&texts)
        } else {
            vec![false; entity.aliases.len()]
        };
        for (alias, &is_surname) in entity.aliases.iter().zip(&surname) {
            let required = requirement(&alias.text, entity.kind);
            if required.forbidden {
                report(
                    alias.line,
                    format!("alias {:?} is not allowed: {}", alias.text, required.reason),
                );
                continue;
            }
            // (case, support, why) for each part of the rule that demands something.
            let mut parts: Vec<(bool, bool, String)> = Vec::new();
            if !required.is_none() {
                parts.push((required.case_exact, required.needs_support, required.reason));
            }
            if is_surname {
                let latin = !alias.text.chars().any(is_han);
                let why = "surname (the last part of another alias); form = \"full\" if it names one person";
                parts.push((latin, true, why.to_string()));
            }
            if let Some(why) = organ_of_country
                .then(|| generic_organ(&alias.text))
                .flatten()
            {
                parts.push((false, true, why));
            }
            let others = rivals(alias);
            if !others.is_empty() {
                let ids: Vec<&str> = others.iter().map(|&o| entities[o].id.as_str()).collect();
                parts.push((false, true, format!("also claimed by {}", listed(&ids))));
            }
            let missing_case = parts.iter().any(|p| p.0) && !alias.case_exact;
            let missing_support = parts.iter().any(|p| p.1) && !needs_evidence(alias);
            if missing_case || missing_support {
                let reasons: Vec<&str> = parts
                    .iter()
                    .filter(|p| (p.0 && missing_case) || (p.1 && missing_support))
                    .map(|p| p.2.as_str())
                    .collect();
                report(
                    alias.line,
                    format!(
                        "alias {:?} lacks {}: {}",
                        alias.text,
                        want(missing_case, missing_support),
                        reasons.join("; ")
                    ),
                );
            }
        }
        let needing: Vec<&AliasEntry> = entity
            .aliases
            .iter()
            .filter(|a| needs_evidence(a))
            .collect();
        let broad: Vec<&str> = entity
            .topics
            .iter()
            .filter(|t| broad_topics.contains(t.as_str()))
            .map(String::as_str)
            .collect();
        if entity.kind == Kind::Person && !needing.is_empty() && !broad.is_empty() {
            report(
                entity.line,
                format!(
                    "a person with aliases that need support has the broad topic(s) {}: every entity without a parent that has it supports them (give it its country's topic, such as united-states-politics)",
                    broad.join(", ")
                ),
            );
        }
        let mut reported: FxHashSet<String> = FxHashSet::default();
        for alias in needing {
            let others = rivals(alias);
            for word in &entity.context {
                let key = alias_key(word);
                if key.is_empty() || reported.contains(&key) {
                    continue;
                }
                let sharing: Vec<&str> = others
                    .iter()
                    .filter(|&&o| context_keys[o].contains(&key))
                    .map(|&o| entities[o].id.as_str())
                    .collect();
                if !sharing.is_empty() {
                    report(
                        entity.line,
                        format!(
                            "context word {word:?} is also a context word of {}, claiming {:?} too: it supports each of them and tells none apart",
                            listed(&sharing),
                            alias.text
                        ),
                    );
                    reported.insert(key);
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sorted lists answer as a map built from the files in order
    /// would (a repeated word keeping its last line): for every word, and
    /// for words next to them in sort order that the files lack.
    #[test]
    fn sorted_lists_answer_as_maps_of_the_files() {
        for (file, list) in [(EN_TSV, &DATA.english), (ZH_TSV, &DATA.chinese)] {
            let map: FxHashMap<&str, &str> = file
                .lines()
                .filter(|line| !line.starts_with('#'))
                .filter_map(|line| line.split_once('\t'))
                .collect();
            assert!(map.len() > 10_000);
            for (&word, &rest) in &map {
                assert_eq!(list.get(word), Some(rest), "{word}");
                for near in [
                    format!("{word}a"),
                    format!("{word}\u{1}"),
                    word[..word.len() - word.chars().last().unwrap().len_utf8()].to_string(),
                    format!("{word}{word}"),
                ] {
                    assert_eq!(list.get(&near), map.get(near.as_str()).copied(), "{near}");
                }
            }
            for absent in ["", "\u{0}", "\u{10FFFF}", "zzzzzzzz", "no such word"] {
                assert_eq!(list.get(absent), map.get(absent).copied(), "{absent:?}");
            }
        }
        // A list of one line and an empty list.
        assert_eq!(SortedList("a\t1\n").get("a"), Some("1"));
        assert_eq!(SortedList("a\t1\n").get("b"), None);
        assert_eq!(SortedList("").get("a"), None);
    }

    #[test]
    fn every_line_of_the_data_parses() {
        // Every line parses, and the maps give back what the line says.
        for row in rows(EN_TSV) {
            assert_eq!(row.len(), 2, "{row:?}");
            let zipf: f64 = row[1].parse().unwrap();
            assert_eq!(english_zipf(&DATA, row[0]), zipf, "{row:?}");
        }
        for row in rows(ZH_TSV) {
            assert_eq!(row.len(), 3, "{row:?}");
            let freq: u32 = row[1].parse().unwrap();
            assert_eq!(
                chinese_entry(&DATA, row[0]),
                Some((freq, row[2])),
                "{row:?}"
            );
        }
        assert_eq!(english_zipf(&DATA, "no-such-word-here"), 0.0);
        assert_eq!(chinese_entry(&DATA, "没有这个词语"), None);
        let sections = name_dominant_sections(NAME_DOMINANT).unwrap();
        for section in ["en", "zh", "acronym"] {
            assert!(
                sections.iter().filter(|(s, _)| *s == section).count() > 40,
                "{section}"
            );
        }
        assert!(DATA.english.0.lines().count() > 40_000 && DATA.chinese.0.lines().count() > 30_000);
        assert_eq!(DATA.parameters.english.exact_zipf, 3.0);
        assert!(DATA.parameters.chinese.name_tags.iter().any(|t| t == "nr"));
    }

    #[test]
    fn name_dominant_lines_need_a_section_and_a_reason() {
        assert!(name_dominant_sections("[en]\nchina\tthe country\n").is_ok());
        assert!(name_dominant_sections("china\tthe country\n").is_err());
        assert!(name_dominant_sections("[en]\nchina\n").is_err());
        assert!(name_dominant_sections("[fr]\nchine\tle pays\n").is_err());
        assert!(name_dominant_sections("[zh-word]\n大庆\tthe city, a celebration\n").is_ok());
    }

    #[test]
    fn names_that_are_also_ordinary_words_need_support() {
        // jieba tags 大庆 as a place only; 值得大庆 is "worth a great celebration".
        assert!(DATA.ordinary_chinese.contains("大庆"));
        assert!(requirement("大庆", Kind::Place).needs_support);
        assert!(requirement("大慶", Kind::Place).needs_support);
        assert!(!requirement("大庆市", Kind::Place).needs_support);
        assert!(!requirement("北京", Kind::Place).needs_support);
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
    fn surnames_are_last_parts_of_other_aliases_unless_marked_full() {
        let flags = surnames(&[
            ("Tony Blair", false),
            ("Blair", false),
            ("托尼·布莱尔", false),
            ("布莱尔", false),
            ("Dominique de Villepin", false),
            ("de Villepin", false),
            ("Villepin", true),
            ("Tony", false),
        ]);
        assert_eq!(flags, [false, true, false, true, false, true, false, false]);
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

    #[test]
    fn generic_organ_names_are_organ_words_only_possessives_included() {
        // Seen failing before: the possessive's s was read as a word, so
        // Prime Minister's Office passed as a distinctive name.
        for name in [
            "Prime Minister's Office",
            "Prime Minister’s Department",
            "Cabinet Office",
            "Ministry of Finance",
        ] {
            assert!(generic_organ(name).is_some(), "{name}");
        }
        for name in [
            "German Foreign Office",
            "HM Treasury",
            "Cabinet",
            "Bank of England",
        ] {
            assert!(generic_organ(name).is_none(), "{name}");
        }
    }
}
