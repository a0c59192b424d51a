//! Stage 4: matching the token stream against the alias table.
//!
//! Matching walks the alias keys' trie term by term, so a multi-word alias
//! matches across tokens and line breaks, and a Chinese alias matches only on
//! token boundaries (阿里 never inside 阿里山) or inside a word whose rest is
//! a word or an affix of its own (北京市, 首都北京). At each position the
//! longest alias whose surface rules hold wins (exact case, blockers); a
//! name inside a hyphenated compound (Alibaba-backed) is found too
//! ([`candidates`]).
//!
//! Then the document decides ([`evidence`]): aliases that are also common
//! words need support, short forms of people need the full name, and rules
//! that read the text around a match ([`context`], word lists in
//! `data/matching.toml` read by [`rules`]) turn down names that are part of
//! a longer name (London Stock Exchange, 武汉大学), titles of works
//! (专辑《月之暗面》) and acronyms the document defines as something else.
//! Last, a person the document names in full is also found by the bare
//! surname the table does not list ([`coreference`]: Gordon Brown ... Mr
//! Brown).

mod candidates;
mod context;
mod coreference;
mod evidence;
pub use canon_table::rules;

use crate::aliases::AliasTable;
use crate::segment::Token;

/// How many tokens on either side of an ambiguous mention are searched for support.
pub const SUPPORT_WINDOW: usize = 50;

/// One entity mention in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Index of the entity in the alias table.
    pub entity: u32,
    /// Index of the token the mention starts in.
    pub first_token: usize,
    /// Index of the token the mention ends in (a mention may cover part of
    /// a token: Alibaba in Alibaba-backed, 北京 in 北京市).
    pub last_token: usize,
    /// Byte offset of the mention in the normalized text.
    pub start: usize,
    /// Byte offset just past the mention in the normalized text.
    pub end: usize,
}

/// What the matcher asks the Chinese dictionary.
pub struct Lexicon<'a> {
    /// Whether a string is a dictionary word (jieba's or an added name): a
    /// name inside a Chinese word stands when the rest is one (首都 + 北京).
    pub is_word: &'a dyn Fn(&str) -> bool,
    /// Whether a string is a word of jieba's own dictionary: an alias that
    /// folding to simplified Chinese turns into one (昇腾 → 升腾) needs support.
    pub is_common_word: &'a dyn Fn(&str) -> bool,
    /// A word's frequency in the dictionary (0 for none): a name that runs
    /// across the segmenter's words must leave frequent words around it
    /// (中共|中央政治局常委 leaves 常委; 德|国防部 would leave 防部, a word
    /// jieba saw three times).
    pub word_frequency: &'a dyn Fn(&str) -> u64,
}

/// Finds the entity mentions among `tokens` of the normalized (and folded)
/// `text`, in text order.
pub fn find_mentions(
    table: &AliasTable,
    text: &str,
    tokens: &[Token<'_>],
    lexicon: &Lexicon<'_>,
) -> Vec<Mention> {
    find_mentions_in_page(table, text, tokens, lexicon, "und", &|_| false)
}

/// [`find_mentions`] in a page of language `lang` (a code of
/// [`crate::detect`], `en`, `zh`, ...) whose furniture (the boilerplate
/// stage's marks) `is_furniture` tells by byte offset. In English text a
/// person named in full is also the bare surname elsewhere in the page
/// ([`coreference`]: Scott Sullivan ... Mr Sullivan), unless named only
/// in furniture (a related story's headline); [`find_mentions`], which
/// knows neither, leaves surnames to the table. The mentions in furniture
/// are found as anywhere else; leaving them out is the caller's.
pub fn find_mentions_in_page(
    table: &AliasTable,
    text: &str,
    tokens: &[Token<'_>],
    lexicon: &Lexicon<'_>,
    lang: &str,
    is_furniture: &dyn Fn(usize) -> bool,
) -> Vec<Mention> {
    let rules = rules::rules();
    let mut candidates = candidates::candidates(table, rules, text, tokens, lexicon);
    if candidates.is_empty() {
        return Vec::new();
    }
    // Run again on the names found inside unconfirmed ones.
    let veto_and_resolve = |candidates: &mut Vec<candidates::Candidate>| {
        context::veto_before_resolving(table, rules, text, tokens, candidates);
        evidence::resolve(
            table,
            rules,
            text,
            tokens,
            candidates,
            lexicon.is_common_word,
        );
    };
    veto_and_resolve(&mut candidates);
    if candidates::retry_inside_unconfirmed(table, rules, text, tokens, lexicon, &mut candidates) {
        veto_and_resolve(&mut candidates);
    }
    context::veto_after_resolving(table, rules, text, tokens, &mut candidates, lexicon.is_word);
    context::division_named_like_city(table, rules, text, &mut candidates);
    let surnames = if lang == "en" {
        coreference::surname_mentions(table, rules, text, tokens, &candidates, is_furniture)
    } else {
        Vec::new()
    };
    let mut mentions: Vec<Mention> = candidates
        .into_iter()
        .filter(|c| !c.vetoed)
        .filter_map(|c| {
            c.confirmed.map(|entity| Mention {
                entity,
                first_token: c.first,
                last_token: c.last,
                start: c.start,
                end: c.end,
            })
        })
        .collect();
    if !surnames.is_empty() {
        mentions.extend(surnames);
        mentions.sort_by_key(|m| m.start);
    }
    mentions
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aliases::TableSource;
    use crate::detect::Language;
    use crate::normalize::normalize;
    use crate::segment::Router;

    const TABLE: &str = r#"
[[entity]]
id = "moonshot-ai"
name = "Moonshot AI"
kind = "org"
topics = ["ai"]
aliases.en = ["Moonshot AI", "Dark Side of the Moon", { text = "Moonshot", case = "exact", needs = "support" }]
aliases.zh-Hans = ["月之暗面"]

[[entity]]
id = "deepseek"
name = "DeepSeek"
kind = "org"
topics = ["ai"]
aliases.en = ["DeepSeek"]

[[entity]]
id = "apple"
name = "Apple Inc."
kind = "org"
topics = ["tech"]
context = ["iPhone", "手机"]
aliases.en = ["Apple Inc.", { text = "Apple", case = "exact", needs = "support", blockers = ["Apple pie"] }]
aliases.zh-Hans = ["苹果公司", { text = "苹果", needs = "support", blockers = ["苹果汁"] }]

[[entity]]
id = "alibaba"
name = "Alibaba Group"
kind = "org"
topics = ["tech"]
aliases.zh-Hans = ["阿里巴巴", { text = "阿里", needs = "support", blockers = ["阿里山"] }]

[[entity]]
id = "qwen"
name = "Qwen"
kind = "product"
parent = "alibaba"
aliases.en = ["Qwen"]

[[entity]]
id = "united-states"
name = "United States"
kind = "place"
aliases.en = [{ text = "US", case = "exact" }, { text = "U.S.", case = "exact" }, "United States"]
aliases.zh-Hans = ["美国"]

[[entity]]
id = "xiaomi"
name = "Xiaomi"
kind = "org"
aliases.zh-Hans = [{ text = "小米", blockers = ["小米粥"] }]

[[entity]]
id = "mcdonalds"
name = "McDonald's"
kind = "org"
aliases.en = [{ text = "McDonald's", case = "exact" }]
"#;

    fn table_of(toml: &str) -> AliasTable {
        AliasTable::from_sources(&[TableSource {
            name: "test.toml".into(),
            text: toml.into(),
            jsonl: false,
        }])
        .unwrap()
    }

    fn mentions(text: &str) -> Vec<(String, String)> {
        mentions_with(&table_of(TABLE), text)
    }

    /// The entity ids of [`mentions_with`], in order.
    fn mention_ids(table: &AliasTable, text: &str) -> Vec<String> {
        mentions_with(table, text)
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    }

    fn mentions_with(table: &AliasTable, text: &str) -> Vec<(String, String)> {
        let router = Router::with_table(table);
        let normalized = normalize(text);
        let lang = crate::detect::detect(normalized.text());
        let lang = if lang.code == "und" {
            Language {
                code: "en",
                confidence: 0.0,
            }
        } else {
            lang
        };
        let lower = normalized.text().to_ascii_lowercase();
        let tokens = router.segment(normalized.text(), &lower, lang);
        let lexicon = Lexicon {
            is_word: &|w| router.is_dictionary_word(w),
            is_common_word: &|w| router.is_common_word(w),
            word_frequency: &|w| router.word_frequency(w),
        };
        find_mentions_in_page(
            table,
            normalized.text(),
            &tokens,
            &lexicon,
            lang.code,
            &|_| false,
        )
        .into_iter()
        .map(|m| {
            (
                table.entity_id(m.entity).to_string(),
                normalized.text()[m.start..m.end].to_string(),
            )
        })
        .collect()
    }

    fn ids(text: &str) -> Vec<String> {
        mentions(text).into_iter().map(|(id, _)| id).collect()
    }

    #[test]
    fn multi_word_aliases_match_across_line_breaks_and_longest_wins() {
        assert_eq!(
            mentions("DeepSeek and Dark Side of the\nMoon and Moonshot AI"),
            [
                ("deepseek".into(), "DeepSeek".into()),
                ("moonshot-ai".into(), "Dark Side of the\nMoon".into()),
                ("moonshot-ai".into(), "Moonshot AI".into()),
            ]
        );
    }

    const PEOPLE: &str = r#"
[[entity]]
id = "gordon-brown"
name = "Gordon Brown"
kind = "person"
aliases.en = ["Gordon Brown"]
aliases.zh-Hans = ["戈登·布朗"]
aliases.zh-HK = ["白高敦"]

[[entity]]
id = "scott-sullivan"
name = "Scott Sullivan"
kind = "person"
aliases.en = ["Scott Sullivan"]

[[entity]]
id = "theresa-may"
name = "Theresa May"
kind = "person"
aliases.en = ["Theresa May"]

[[entity]]
id = "nick-brown"
name = "Nick Brown"
kind = "person"
aliases.en = ["Nick Brown"]

[[entity]]
id = "mike-lynch"
name = "Mike Lynch"
kind = "person"
aliases.en = ["Mike Lynch"]

[[entity]]
id = "peter-lynch"
name = "Peter Lynch"
kind = "person"
context = ["Fidelity"]
aliases.en = [{ text = "Peter Lynch", needs = "support" }]

[[entity]]
id = "wang-yi"
name = "Wang Yi"
kind = "person"
aliases.en = ["Wang Yi"]
aliases.zh-Hans = ["王毅"]

[[entity]]
id = "jiang-wei"
name = "Jiang Wei"
kind = "person"
aliases.en = ["Jiang Wei"]
aliases.zh-Hans = ["姜维"]

[[entity]]
id = "alexandr-wang"
name = "Alexandr Wang"
kind = "person"
aliases.en = ["Alexandr Wang"]

[[entity]]
id = "charles-iii"
name = "Charles III"
kind = "person"
aliases.en = ["King Charles III", "Prince Charles"]

[[entity]]
id = "mohammed-bin-salman"
name = "Mohammed bin Salman"
kind = "person"
aliases.en = ["Mohammed bin Salman"]

[[entity]]
id = "brown-university"
name = "Brown University"
kind = "org"
aliases.en = ["Brown University"]

[[entity]]
id = "acme-zorblat"
name = "Acme Zorblat"
kind = "org"
aliases.en = ["Acme Zorblat"]

[[entity]]
id = "lord-quillby"
name = "Lord Quillby"
kind = "person"
aliases.en = ["Lord Quillby"]

[[entity]]
id = "tom-wexley-jnr"
name = "Tom Wexley Jnr"
kind = "person"
aliases.en = ["Tom Wexley Jnr"]

[[entity]]
id = "ben-wallace"
name = "Ben Wallace"
kind = "person"
aliases.en = ["Ben Wallace"]

[[entity]]
id = "joschka-fischer"
name = "Joschka Fischer"
kind = "person"
aliases.en = ["Joschka Fischer"]
aliases.de = ["Joschka Fischer"]

[[entity]]
id = "the-hague"
name = "The Hague"
kind = "place"
aliases.en = ["The Hague"]

[[entity]]
id = "william-hague"
name = "William Hague"
kind = "person"
aliases.en = ["William Hague"]

[[entity]]
id = "united-kingdom"
name = "United Kingdom"
kind = "place"
aliases.en = ["Britain"]
"#;

    /// Must: the bare surname of a person the document names in full, in
    /// a headline above the name too, alone, with a title, possessive,
    /// initial-free; an everyday word (brown, may) after a title.
    #[test]
    fn the_surname_of_a_person_named_in_full_is_that_person() {
        let table = table_of(PEOPLE);
        assert_eq!(
            mentions_with(
                &table,
                "Sullivan admits fraud\n\nScott Sullivan told Britain's court \
                 that Mr Sullivan's boss knew. Sullivan, 42, added: \"No.\""
            ),
            [
                ("scott-sullivan".into(), "Sullivan".into()),
                ("scott-sullivan".into(), "Scott Sullivan".into()),
                ("united-kingdom".into(), "Britain".into()),
                ("scott-sullivan".into(), "Sullivan".into()),
                ("scott-sullivan".into(), "Sullivan".into()),
            ]
        );
        // Brown is also a colour: the name only after a title or office.
        assert_eq!(
            mentions_with(
                &table,
                "Brown backs plan\n\nGordon Brown spoke. Mr Brown's plan, Brown said, \
                 was fair, and Chancellor\nBrown agreed."
            ),
            [
                ("gordon-brown".into(), "Gordon Brown".into()),
                ("gordon-brown".into(), "Brown".into()),
                ("gordon-brown".into(), "Brown".into()),
            ]
        );
        // A Hong Kong name of one's own beside a spelt-out Chinese name is
        // no East Asian name order: the rule holds (above). A person named
        // only in another person's unconfirmed name's absence holds too.
        assert_eq!(
            mention_ids(&table, "Mike Lynch founded Autonomy. Lynch said so."),
            ["mike-lynch", "mike-lynch"]
        );
        // A given name that is also a particle (Ben) is no father's name;
        // a continuation word after the surname names the person's firm.
        assert_eq!(
            mention_ids(
                &table,
                "Ben Wallace spoke. Mr Wallace said so, and Wallace Partners agreed."
            ),
            ["ben-wallace", "ben-wallace"]
        );
    }

    /// Must not: a surname without the full name, in another name, after
    /// another person's given name or an initial, where two people of the
    /// table share it, where an everyday word stands alone, for names that
    /// put the family name first, titles, suffixes and fathers' names.
    #[test]
    fn the_surname_of_a_person_stays_unmatched_when_the_document_doubts_it() {
        let table = table_of(PEOPLE);
        // No full name: no person, though other names are found.
        assert_eq!(
            mention_ids(&table, "Sullivan flew to Britain."),
            ["united-kingdom"]
        );
        // Only people: an organisation's last word is no surname.
        assert_eq!(
            mention_ids(&table, "Acme Zorblat grew. Zorblat said so."),
            ["acme-zorblat"]
        );
        // A title first, a suffix last: no surname.
        assert_eq!(
            mention_ids(&table, "Lord Quillby spoke. Quillby said so."),
            ["lord-quillby"]
        );
        assert_eq!(
            mention_ids(&table, "Tom Wexley Jnr spoke. Jnr said so."),
            ["tom-wexley-jnr"]
        );
        // A firm's name with an ampersand.
        assert_eq!(
            mention_ids(
                &table,
                "Scott Sullivan spoke. Sullivan & Cromwell declined."
            ),
            ["scott-sullivan"]
        );
        // A capitalised word after an occurrence that is no organisation
        // word: another person of the name (Wang Jian beside Alexandr Wang).
        assert_eq!(
            mention_ids(
                &table,
                "Alexandr Wang spoke. Founder Wang Jian said so. Wang said it was months."
            ),
            ["alexandr-wang"]
        );
        // A word for a relative near the name: the family is in the story.
        assert_eq!(
            mention_ids(
                &table,
                "Scott Sullivan and his wife Jane arrived. Mrs Sullivan said so."
            ),
            ["scott-sullivan"]
        );
        // Written in lower case somewhere: the name only after a title.
        assert_eq!(
            mention_ids(
                &table,
                "Scott Sullivan spoke of the sullivan rule. Sullivan said so. Mr Sullivan left."
            ),
            ["scott-sullivan", "scott-sullivan"]
        );
        // English only: German capitalises every noun.
        assert_eq!(
            mention_ids(
                &table,
                "Außenminister Joschka Fischer sprach am Montag in Berlin. Am Hafen \
                 protestierten die Fischer gegen die neuen Fangquoten der Regierung."
            ),
            ["joschka-fischer"]
        );
        // A name of the table that holds the surname stays that name.
        assert_eq!(
            mention_ids(&table, "William Hague flew to The Hague. Hague said so."),
            ["william-hague", "the-hague", "william-hague"]
        );
        // A capitalised word after it, across a line break too.
        assert_eq!(
            mention_ids(
                &table,
                "Scott Sullivan met Sullivan Partners and Sullivan\nHoldings."
            ),
            ["scott-sullivan"]
        );
        // A possessive and a capitalised word: a place's or a body's name.
        assert_eq!(
            mention_ids(
                &table,
                "Scott Sullivan went to Sullivan's Cross on Monday. Mr Sullivan's Budget was \
                 read out in the evening."
            ),
            ["scott-sullivan", "scott-sullivan"]
        );
        // Someone else of the name, after a given name, an initial or a
        // line break: no bare Sullivan is taken, wherever it stands.
        for other in ["Frank Sullivan", "John F. Sullivan", "Frank\nSullivan"] {
            assert_eq!(
                mention_ids(
                    &table,
                    &format!("Sullivan said so. Scott Sullivan met {other} on Monday.")
                ),
                ["scott-sullivan"],
                "{other}"
            );
        }
        // Two people of the table with the surname, or another person's
        // name that holds it, confirmed or not.
        assert_eq!(
            mention_ids(&table, "Gordon Brown and Nick Brown met. Mr Brown spoke."),
            ["gordon-brown", "nick-brown"]
        );
        assert_eq!(
            mention_ids(
                &table,
                "Mike Lynch founded Autonomy. Peter Lynch runs a grocer. Mr Lynch said so."
            ),
            ["mike-lynch"]
        );
        // An everyday word never stands alone, wherever the document writes
        // it in lower case or not.
        assert_eq!(
            mention_ids(&table, "Theresa May said in May that Mrs May would stay."),
            ["theresa-may", "theresa-may"]
        );
        assert_eq!(
            mention_ids(&table, "Gordon Brown wore a brown coat. Brown said so."),
            ["gordon-brown"]
        );
        // Family name first: Wang Yi's last word is his given name, and
        // Alexandr Wang's Wang is doubted by it.
        assert_eq!(
            mention_ids(&table, "Wang Yi met Alexandr Wang. Wang said Yi was right."),
            ["wang-yi", "alexandr-wang"]
        );
        assert_eq!(
            mention_ids(&table, "Jiang Wei spoke. Wei said so."),
            ["jiang-wei"]
        );
        // Titles first, suffixes last, fathers' names.
        assert_eq!(
            mention_ids(
                &table,
                "Prince Charles spoke. Charles de Gaulle airport. King Charles III \
                 spoke. Stage III. Mohammed bin Salman spoke. Salman said so."
            ),
            ["charles-iii", "charles-iii", "mohammed-bin-salman"]
        );
    }

    #[test]
    fn ambiguous_aliases_need_support() {
        assert_eq!(
            ids("DeepSeek, Moonshot, and others"),
            ["deepseek", "moonshot-ai"]
        );
        assert!(ids("It was a Moonshot for the city council budget.").is_empty());
        assert!(ids("a moonshot project").is_empty());
    }

    /// A word in lower case that is the name of one entity only with a
    /// capital (Man) ends no name, but still starts a longer one written in
    /// any case (man group); the same with the table's first terms looked
    /// up in batches.
    #[test]
    fn lower_case_words_that_want_a_capital_still_start_longer_names() {
        let table = table_of(
            r#"
[[entity]]
id = "man-person"
name = "Man"
kind = "person"
aliases.en = [{ text = "Man", case = "exact" }]

[[entity]]
id = "man-group"
name = "Man Group"
kind = "org"
aliases.en = ["Man Group"]
"#,
        );
        for table in [
            table.clone().with_first_term_batches(false),
            table.with_first_term_batches(true),
        ] {
            let ids = |text: &str| mention_ids(&table, text);
            assert_eq!(ids("Shares of man group fell."), ["man-group"]);
            assert_eq!(ids("Shares of Man Group fell."), ["man-group"]);
            assert!(ids("A man said so.").is_empty());
            assert!(ids("He was a man").is_empty());
            assert!(ids("He met the man, group by group.").is_empty());
        }
    }

    /// Two entities claim one name and each needs support from its own
    /// context words: each document supports one of them. The answers of
    /// a candidate's windows are kept by entity, so that one entity's
    /// answer is never taken for another's (both would then stand, and
    /// the name would match neither).
    #[test]
    fn context_words_support_their_own_entity_only() {
        let table = table_of(
            r#"
[[entity]]
id = "mercury-planet"
name = "Mercury (planet)"
kind = "place"
context = ["orbit", "planet"]
aliases.en = [{ text = "Mercury", case = "exact", needs = "support" }]

[[entity]]
id = "mercury-records"
name = "Mercury Records"
kind = "org"
context = ["album", "record label"]
aliases.en = [{ text = "Mercury", case = "exact", needs = "support" }]
"#,
        );
        let ids = |text: &str| mention_ids(&table, text);
        assert_eq!(ids("Mercury is the smallest planet."), ["mercury-planet"]);
        assert_eq!(
            ids("Mercury, her record label, released the album."),
            ["mercury-records"]
        );
        assert!(ids("Mercury rose in the morning.").is_empty());
        // Both supported: the name stays unresolved.
        assert!(ids("Mercury: the planet and the album.").is_empty());
    }

    #[test]
    fn aliases_of_one_key_are_checked_each_against_its_own_exact_text() {
        // Aliases of one exact text share one surface check; one of
        // another exact text between them does not pass on its verdict.
        let table = table_of(
            r#"
[[entity]]
id = "man-a"
name = "Man A"
kind = "org"
aliases.en = [{ text = "Mant", case = "exact" }]

[[entity]]
id = "man-b"
name = "Man B"
kind = "org"
aliases.en = [{ text = "MANT", case = "exact" }]

[[entity]]
id = "man-c"
name = "Man C"
kind = "org"
aliases.en = [{ text = "Mant", case = "exact" }]

[[entity]]
id = "man-d"
name = "Man D"
kind = "org"
aliases.en = [{ text = "Mant", case = "exact" }]
"#,
        );
        let ids = |text: &str| mention_ids(&table, text);
        assert_eq!(ids("MANT said so."), ["man-b"]);
        // Four entities claim Mant (MANT in title case too): support
        // decides, and none has any.
        assert!(ids("Mant said so.").is_empty());
        assert!(ids("mant said so.").is_empty());
    }

    #[test]
    fn an_alias_turned_down_by_its_punctuation_passes_on_no_verdict() {
        // Three exact names of one exact text (﹠ normalizes to &); the
        // second is written with a mark the match across & does not allow,
        // and the third, which shares its exact text, has a verdict of its
        // own, not the first's.
        let table = table_of(
            r#"
[[entity]]
id = "e1"
name = "Zorb & Quix"
kind = "org"
aliases.en = [{ text = "Zorb & Quix", case = "exact" }]

[[entity]]
id = "e2"
name = "Zorb﹠Quix"
kind = "org"
aliases.en = [{ text = "Zorb﹠Quix", case = "exact" }]

[[entity]]
id = "e3"
name = "Zorb&Quix"
kind = "org"
aliases.en = [{ text = "Zorb&Quix", case = "exact" }]
"#,
        );
        let ids: Vec<String> = mentions_with(&table, "Zorb&Quix said so.")
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ids, ["e3"]);
    }

    #[test]
    fn an_entity_with_no_parent_topic_or_context_is_supported_by_itself_or_a_child() {
        // Acme has no parent, topics or context words: only a mention of
        // itself or of a descendant supports its ambiguous name.
        let table = table_of(
            r#"
[[entity]]
id = "acme"
name = "Acme Holdings"
kind = "org"
aliases.en = ["Acme Holdings", { text = "Acme", case = "exact", needs = "support" }]

[[entity]]
id = "acme-robotics"
name = "Acme Robotics Division"
kind = "org"
parent = "acme"
aliases.en = ["Acme Robotics Division"]

[[entity]]
id = "zenith"
name = "Zenith Works"
kind = "org"
aliases.en = ["Zenith Works"]
"#,
        );
        assert!(table.entity_isolated(0));
        assert!(!table.entity_isolated(1));
        let ids = |text: &str| mention_ids(&table, text);
        assert_eq!(
            ids("Acme said the Acme Robotics Division grew."),
            ["acme", "acme-robotics"]
        );
        assert_eq!(ids("Acme Holdings said Acme grew."), ["acme", "acme"]);
        assert_eq!(ids("Acme said Zenith Works grew."), ["zenith"]);
        assert!(ids("Acme said so.").is_empty());
    }

    #[test]
    fn support_confirmed_in_one_round_counts_in_the_next() {
        // Alpha and Beta need support; Gamma Corp is plain, and all three
        // share a topic. Each filler sentence is nine tokens, so Alpha
        // (first) has Beta within the support window but not Gamma Corp.
        let table = table_of(
            r#"
[[entity]]
id = "alpha"
name = "Alpha Systems"
kind = "org"
topics = ["t"]
aliases.en = [{ text = "Alpha", case = "exact", needs = "support" }]

[[entity]]
id = "beta"
name = "Beta Labs"
kind = "org"
topics = ["t"]
aliases.en = [{ text = "Beta", case = "exact", needs = "support" }]

[[entity]]
id = "gamma"
name = "Gamma Corp"
kind = "org"
topics = ["t"]
aliases.en = ["Gamma Corp"]
"#,
        );
        let filler =
            |sentences: usize| "the river ran past the old mill all day. ".repeat(sentences);
        let ids = |text: &str| mention_ids(&table, text);
        // Round one confirms Beta (Gamma Corp is near it), round two Alpha
        // (Beta is near it), round three the second Alpha, near nothing,
        // by Alpha confirmed elsewhere in the document.
        let text = format!(
            "Alpha rose. {}Beta rose. {}Gamma Corp rose. {}Alpha rose.",
            filler(4),
            filler(4),
            filler(12)
        );
        assert_eq!(ids(&text), ["alpha", "beta", "gamma", "alpha"]);
        // Without Beta nothing near either Alpha supports it.
        let text = format!(
            "Alpha rose. {}Gamma Corp rose. {}Alpha rose.",
            filler(9),
            filler(12)
        );
        assert_eq!(ids(&text), ["gamma"]);
    }

    #[test]
    fn exact_case_aliases_ignore_common_words() {
        assert_eq!(
            ids("The US and the U.S. said"),
            ["united-states", "united-states"]
        );
        assert!(ids("let us know").is_empty());
        assert_eq!(ids("ＵＳ exports"), ["united-states"]);
    }

    #[test]
    fn exact_case_aliases_ending_in_a_possessive_match_as_written() {
        // Tokens and their spans never hold a trailing possessive, so the
        // written form is compared without it too.
        assert_eq!(
            ids("Sales at McDonald's rose; McDonald’s said"),
            ["mcdonalds", "mcdonalds"]
        );
        assert!(ids("sales at mcdonald's rose").is_empty());
    }

    #[test]
    fn context_words_support_and_blockers_veto() {
        assert_eq!(ids("Apple sold more iPhone units"), ["apple"]);
        assert!(ids("Apple pie with iPhone photos").is_empty());
        assert_eq!(ids("苹果发布新手机"), ["apple"]);
        assert!(ids("我喜欢喝苹果汁").is_empty());
        assert!(ids("苹果很好吃").is_empty());
    }

    #[test]
    fn chinese_aliases_match_on_token_boundaries_and_support_chains() {
        assert_eq!(ids("背靠阿里(Qwen)的实验室"), ["alibaba", "qwen"]);
        assert!(
            ids("我们去阿里山旅游,看到了 Qwen 的广告")
                .iter()
                .all(|id| id != "alibaba")
        );
    }

    #[test]
    fn names_at_the_start_of_compound_words_are_found() {
        assert_eq!(
            mentions("美国政府宣布"),
            [("united-states".into(), "美国".into())]
        );
        assert!(ids("小米粥").is_empty());
    }

    #[test]
    fn names_do_not_run_across_punctuation() {
        assert_eq!(
            ids("Moonshot AI (Dark Side of the Moon)"),
            ["moonshot-ai", "moonshot-ai"]
        );
        assert!(candidates::joins_names(" \n. "));
        assert!(candidates::joins_names("'s "));
        assert!(!candidates::joins_names(" ("));
    }

    #[test]
    fn context_words_match_whole_terms_only() {
        use evidence::contains_term_sequence;
        assert!(contains_term_sequence(" buy the iphone now ", "iphone"));
        assert!(!contains_term_sequence(" iphones ", "iphone"));
        assert!(contains_term_sequence(" 新手机 ", "手机"));
    }
}
