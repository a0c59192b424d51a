//! Stage 4: matching the token stream against the alias table.
//!
//! Matching walks the alias keys' trie term by term, so a multi-word alias
//! matches across tokens and line breaks, and a Chinese alias matches only on
//! token boundaries (阿里 never inside 阿里山). At each position the longest
//! alias whose surface rules hold wins (exact case, blockers).
//!
//! Aliases that are also common words (`needs = "support"`) are then resolved
//! against the rest of the document: they stand only when a confirmed mention
//! of the same or a related entity, or one of the entity's context words, is
//! within [`SUPPORT_WINDOW`] tokens. Confirmed mentions support others in
//! turn, so a list like 阿里（Qwen）、字节（Seed）或小米 resolves as a whole.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::aliases::{AliasRef, AliasTable, KeyTrie, needs_separator, push_term};
use crate::script::is_han;
use crate::segment::Token;

/// How many tokens on either side of an ambiguous mention are searched for support.
pub const SUPPORT_WINDOW: usize = 50;

/// One entity mention in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Index of the entity in the alias table.
    pub entity: u32,
    /// Index of the mention's first token.
    pub first_token: usize,
    /// Index of the mention's last token.
    pub last_token: usize,
    /// Byte offset of the mention in the normalized text.
    pub start: usize,
    /// Byte offset just past the mention in the normalized text.
    pub end: usize,
}

struct Candidate {
    first: usize,
    last: usize,
    /// Byte range in the normalized text: the tokens' extent, or the start of
    /// one Chinese compound token (日本 in 日本政府).
    start: usize,
    end: usize,
    options: Vec<AliasRef>,
    confirmed: Option<u32>,
}

/// Finds the entity mentions among `tokens` of the normalized `text`.
///
/// `is_word` tells whether a string is a Chinese dictionary word: a compound
/// token that starts with a name and ends with a word (日本 + 政府) yields a
/// mention of the name.
pub fn find_mentions(
    table: &AliasTable,
    text: &str,
    tokens: &[Token<'_>],
    is_word: &dyn Fn(&str) -> bool,
) -> Vec<Mention> {
    let mut candidates = candidates(table, text, tokens, is_word);
    if candidates.is_empty() {
        return Vec::new();
    }
    resolve(table, tokens, &mut candidates);
    candidates
        .into_iter()
        .filter_map(|c| {
            c.confirmed.map(|entity| Mention {
                entity,
                first_token: c.first,
                last_token: c.last,
                start: c.start,
                end: c.end,
            })
        })
        .collect()
}

/// Longest-first candidates whose surface rules hold, left to right, not overlapping.
fn candidates(
    table: &AliasTable,
    text: &str,
    tokens: &[Token<'_>],
    is_word: &dyn Fn(&str) -> bool,
) -> Vec<Candidate> {
    let trie = table.trie();
    let mut out = Vec::new();
    let mut ends: Vec<(usize, u32)> = Vec::new();
    let mut i = 0;
    'tokens: while i < tokens.len() {
        // The node after the first token when it is not Han, looked up
        // rather than walked; Han tokens are walked (and may still start a
        // compound prefix when the walk fails).
        let first_node = if let Some(first) = tokens[i].term.chars().next()
            && is_han(first)
        {
            // A Han token that starts no key starts no candidate, and no
            // compound prefix either.
            if !trie.may_start(first) {
                i += 1;
                continue;
            }
            None
        } else if let Some(node) = table.first_term_node(&tokens[i].term) {
            Some(node)
        } else {
            i += 1;
            continue;
        };
        ends.clear();
        let mut node = KeyTrie::ROOT;
        let mut previous: Option<char> = None;
        for (j, token) in tokens.iter().enumerate().skip(i) {
            let Some(first) = token.term.chars().next() else {
                break;
            };
            if j > i && !joins_names(&text[tokens[j - 1].end..token.start]) {
                break;
            }
            if j == i
                && let Some(first_node) = first_node
            {
                node = first_node;
            } else {
                if needs_separator(previous, first) {
                    match trie.step(node, ' ') {
                        Some(next) => node = next,
                        None => break,
                    }
                }
                match trie.walk(node, &token.term) {
                    Some(next) => node = next,
                    None => break,
                }
            }
            previous = token.term.chars().next_back();
            if let Some(key) = trie.key_at(node) {
                ends.push((j, key));
            }
        }
        for &(last, key) in ends.iter().rev() {
            let (start, end) = (tokens[i].start, tokens[last].end);
            let options: Vec<AliasRef> = table
                .aliases_of_key_id(key)
                .iter()
                .copied()
                .filter(|&r| table.surface_allows(r, text, start, end))
                .collect();
            if !options.is_empty() {
                out.push(Candidate {
                    first: i,
                    last,
                    start,
                    end,
                    options,
                    confirmed: None,
                });
                i = last + 1;
                continue 'tokens;
            }
        }
        if let Some(candidate) = compound_prefix(table, text, tokens, i, is_word) {
            out.push(candidate);
        }
        i += 1;
    }
    out
}

/// A name at the start of a Chinese compound token whose rest is a word of
/// its own: jieba's dictionary has 日本政府 and 美国政府, which would hide 日本
/// and 美国. A one-character rest (小米粥, 阿里山) is never split off: those are
/// the words that contain a name but mean something else.
fn compound_prefix(
    table: &AliasTable,
    text: &str,
    tokens: &[Token<'_>],
    index: usize,
    is_word: &dyn Fn(&str) -> bool,
) -> Option<Candidate> {
    let token = &tokens[index];
    if !token.term.starts_with(crate::script::is_han) || token.term.chars().count() < 3 {
        return None;
    }
    let trie = table.trie();
    let mut node = KeyTrie::ROOT;
    let mut best = None;
    for (offset, c) in token.term.char_indices() {
        match trie.step(node, c) {
            Some(next) => node = next,
            None => break,
        }
        let split = offset + c.len_utf8();
        let rest = &token.term[split..];
        if let Some(key) = trie.key_at(node)
            && rest.chars().count() >= 2
            && is_word(rest)
        {
            best = Some((split, key));
        }
    }
    let (split, key) = best?;
    // Terms and surface have the same characters one for one; find the
    // surface byte offset of the split by counting characters.
    let prefix_chars = token.term[..split].chars().count();
    let surface = &text[token.start..token.end];
    let end = token.start
        + surface
            .char_indices()
            .nth(prefix_chars)
            .map_or(surface.len(), |(b, _)| b);
    let options: Vec<AliasRef> = table
        .aliases_of_key_id(key)
        .iter()
        .copied()
        .filter(|&r| table.surface_allows(r, text, token.start, end))
        .collect();
    (!options.is_empty()).then_some(Candidate {
        first: index,
        last: index,
        start: token.start,
        end,
        options,
        confirmed: None,
    })
}

/// Whether the text between two tokens can sit inside a name: whitespace
/// (line breaks included), the dot of an initial, a hyphen, or the middle dot
/// of transliterated names (比尔·盖茨). Anything else, a comma or a
/// parenthesis, separates names: "ByteDance (Seed)" is not "ByteDance Seed".
fn joins_names(gap: &str) -> bool {
    gap.chars()
        .all(|c| c.is_whitespace() || matches!(c, '.' | '-' | '·' | '・' | '\'' | '•'))
}

/// The distinct entities among `options`, in order.
fn entities_of(options: &[AliasRef]) -> Vec<u32> {
    let mut entities: Vec<u32> = options.iter().map(|r| r.entity).collect();
    entities.dedup();
    entities.sort_unstable();
    entities.dedup();
    entities
}

/// An entity an undecided candidate may be, and whether one of its context
/// words is near (`None` until looked up).
type Choice = (u32, Option<bool>);

fn resolve(table: &AliasTable, tokens: &[Token<'_>], candidates: &mut [Candidate]) {
    // Aliases that need no support confirm their entity outright, unless two
    // entities claim the same plain alias: then support has to decide. Each
    // undecided candidate keeps its choices, and for each whether a context
    // word supports it, once that was looked up (the rounds below cannot
    // change it).
    let mut choices: Vec<Option<Vec<Choice>>> = Vec::with_capacity(candidates.len());
    let mut waiting_for: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
    for (index, candidate) in candidates.iter_mut().enumerate() {
        let plain = entities_of(
            &candidate
                .options
                .iter()
                .copied()
                .filter(|&r| !table.alias(r).needs_support)
                .collect::<Vec<_>>(),
        );
        let undecided = match plain.len() {
            1 => {
                candidate.confirmed = Some(plain[0]);
                None
            }
            0 => Some(entities_of(&candidate.options)),
            _ => Some(plain),
        };
        choices.push(undecided.map(|entities| {
            for &entity in &entities {
                waiting_for.entry(entity).or_default().push(index);
            }
            entities.into_iter().map(|entity| (entity, None)).collect()
        }));
    }
    let mut confirmed: FxHashSet<u32> = candidates.iter().filter_map(|c| c.confirmed).collect();
    // Confirmations can enable further confirmations, in rounds over the
    // undecided candidates in text order: a candidate stands when exactly
    // one of its entities is supported. A round looks again only at the
    // candidates whose support may have changed since they were last looked
    // at (the others would decide as before), so that a long document or a
    // long chain of support stays linear: a confirmation can change only
    // the candidates within the support window, and, the first time its
    // entity is confirmed, the candidates that may be that entity.
    let mut this_round: BTreeSet<usize> = (0..candidates.len())
        .filter(|&i| choices[i].is_some())
        .collect();
    let mut next_round = BTreeSet::new();
    while !this_round.is_empty() {
        while let Some(index) = this_round.pop_first() {
            let Some(entities) = &mut choices[index] else {
                continue;
            };
            let mut found = None;
            let mut count = 0;
            for (entity, by_context) in entities.iter_mut() {
                let is_supported = supported(table, candidates, &confirmed, index, *entity)
                    || *by_context.get_or_insert_with(|| {
                        context_nearby(table, tokens, &candidates[index], *entity)
                    });
                if is_supported {
                    found = Some(*entity);
                    count += 1;
                    if count > 1 {
                        break;
                    }
                }
            }
            let (Some(entity), 1) = (found, count) else {
                continue;
            };
            candidates[index].confirmed = Some(entity);
            choices[index] = None;
            let mut wake = |other: usize| {
                if choices[other].is_some() {
                    if other > index {
                        this_round.insert(other);
                    } else {
                        next_round.insert(other);
                    }
                }
            };
            if confirmed.insert(entity) {
                for &other in waiting_for.get(&entity).into_iter().flatten() {
                    wake(other);
                }
            }
            for other in window(candidates, index) {
                wake(other);
            }
        }
        std::mem::swap(&mut this_round, &mut next_round);
    }
}

/// The indices of the candidates within [`SUPPORT_WINDOW`] tokens of
/// `candidates[index]` (itself included). Candidates are in text order and
/// do not overlap, so they are found by binary search.
fn window(candidates: &[Candidate], index: usize) -> std::ops::Range<usize> {
    let candidate = &candidates[index];
    let from = candidates.partition_point(|o| o.last + SUPPORT_WINDOW < candidate.first);
    let to = candidates.partition_point(|o| o.first <= candidate.last + SUPPORT_WINDOW);
    from..to.max(from)
}

/// Whether a confirmed mention supports `entity` for the candidate at
/// `index`: a mention of the same entity anywhere (`confirmed` holds the
/// entities confirmed so far), or of a related one within the window.
fn supported(
    table: &AliasTable,
    candidates: &[Candidate],
    confirmed: &FxHashSet<u32>,
    index: usize,
    entity: u32,
) -> bool {
    confirmed.contains(&entity)
        || window(candidates, index).any(|other| {
            candidates[other]
                .confirmed
                .is_some_and(|other_entity| table.related(entity, other_entity))
        })
}

/// Whether one of `entity`'s context words stands within the support window
/// of `candidate` (outside the candidate itself).
fn context_nearby(
    table: &AliasTable,
    tokens: &[Token<'_>],
    candidate: &Candidate,
    entity: u32,
) -> bool {
    let context = table.context_keys(entity);
    if context.is_empty() {
        return false;
    }
    let before = candidate.first.saturating_sub(SUPPORT_WINDOW)..candidate.first;
    let after = candidate.last + 1..(candidate.last + 1 + SUPPORT_WINDOW).min(tokens.len());
    [before, after].into_iter().any(|range| {
        let window = window_key(&tokens[range]);
        context
            .iter()
            .any(|word| contains_term_sequence(&window, word))
    })
}

/// The tokens joined like an alias key, with a space at both ends so that
/// whole-term containment is a plain substring test.
fn window_key(tokens: &[Token<'_>]) -> String {
    let mut key = String::from(" ");
    let mut previous = None;
    for token in tokens {
        push_term(&mut key, &mut previous, &token.term);
    }
    key.push(' ');
    key
}

/// Whether `word` (a key) occurs in `window` starting and ending on term
/// boundaries; Han text has a boundary between any two characters.
fn contains_term_sequence(window: &str, word: &str) -> bool {
    let boundary_before = |at: usize| {
        window[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c == ' ' || crate::script::is_han(c))
            || word.starts_with(crate::script::is_han)
    };
    let boundary_after = |at: usize| {
        window[at..]
            .chars()
            .next()
            .is_none_or(|c| c == ' ' || crate::script::is_han(c))
            || word.ends_with(crate::script::is_han)
    };
    window
        .match_indices(word)
        .any(|(at, _)| boundary_before(at) && boundary_after(at + word.len()))
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
"#;

    fn table() -> AliasTable {
        AliasTable::from_sources(&[TableSource {
            name: "test.toml".into(),
            text: TABLE.into(),
            jsonl: false,
        }])
        .unwrap()
    }

    fn mentions(text: &str) -> Vec<(String, String)> {
        let table = table();
        let router = Router::new(table.dictionary_words());
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
        find_mentions(&table, normalized.text(), &tokens, &|w| {
            router.is_dictionary_word(w)
        })
        .into_iter()
        .map(|m| {
            (
                table.entity_at(m.entity).id.clone(),
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

    #[test]
    fn ambiguous_aliases_need_support() {
        assert_eq!(
            ids("DeepSeek, Moonshot, and others"),
            ["deepseek", "moonshot-ai"]
        );
        assert!(ids("It was a Moonshot for the city council budget.").is_empty());
        assert!(ids("a moonshot project").is_empty());
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
        assert!(joins_names(" \n. "));
        assert!(!joins_names(" ("));
    }

    /// Resolution as it was first written: every round looks at every
    /// undecided candidate and at every other candidate (quadratic). The
    /// reference for [`resolve`].
    fn resolve_model(table: &AliasTable, tokens: &[Token<'_>], candidates: &mut [Candidate]) {
        let mut pending: Vec<(usize, Vec<u32>)> = Vec::new();
        for (index, candidate) in candidates.iter_mut().enumerate() {
            let plain = entities_of(
                &candidate
                    .options
                    .iter()
                    .copied()
                    .filter(|&r| !table.alias(r).needs_support)
                    .collect::<Vec<_>>(),
            );
            match plain.len() {
                1 => candidate.confirmed = Some(plain[0]),
                0 => pending.push((index, entities_of(&candidate.options))),
                _ => pending.push((index, plain)),
            }
        }
        let supported = |candidates: &[Candidate], index: usize, entity: u32| {
            let candidate = &candidates[index];
            let near = |other: &Candidate| {
                let distance = if other.last < candidate.first {
                    candidate.first - other.last
                } else {
                    other.first.saturating_sub(candidate.last)
                };
                distance <= SUPPORT_WINDOW
            };
            candidates.iter().any(|other| {
                other.confirmed.is_some_and(|confirmed| {
                    confirmed == entity || (near(other) && table.related(entity, confirmed))
                })
            }) || context_nearby(table, tokens, candidate, entity)
        };
        loop {
            let mut progressed = false;
            pending.retain(|(index, choices)| {
                let found: Vec<u32> = choices
                    .iter()
                    .copied()
                    .filter(|&entity| supported(candidates, *index, entity))
                    .collect();
                if found.len() == 1 {
                    candidates[*index].confirmed = Some(found[0]);
                    progressed = true;
                    false
                } else {
                    true
                }
            });
            if !progressed || pending.is_empty() {
                break;
            }
        }
    }

    /// Pieces of documents for the resolution property: ambiguous aliases
    /// of related and unrelated entities, their supporters, context words,
    /// blockers and filler that moves them in and out of the window.
    const RESOLVE_PIECES: [&str; 14] = [
        "Moonshot ",
        "Moonshot AI ",
        "DeepSeek ",
        "Apple ",
        "iPhone ",
        "Apple pie ",
        "苹果",
        "阿里",
        "Qwen ",
        "小米",
        "US ",
        "word ",
        "one two three four five six seven eight nine ten eleven twelve ",
        "。",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        #[test]
        fn resolution_equals_the_model(indices in proptest::collection::vec(0..RESOLVE_PIECES.len(), 0..60)) {
            static SETUP: std::sync::OnceLock<(AliasTable, Router)> = std::sync::OnceLock::new();
            let (table, router) = SETUP.get_or_init(|| {
                let table = table();
                let router = Router::new(table.dictionary_words());
                (table, router)
            });
            let text: String = indices.iter().map(|&i| RESOLVE_PIECES[i]).collect();
            let normalized = normalize(&text);
            let lang = Language { code: "en", confidence: 1.0 };
            let lower = normalized.text().to_ascii_lowercase();
            let tokens = router.segment(normalized.text(), &lower, lang);
            let is_word = |w: &str| router.is_dictionary_word(w);
            let mut expected = candidates(table, normalized.text(), &tokens, &is_word);
            let mut actual = candidates(table, normalized.text(), &tokens, &is_word);
            resolve_model(table, &tokens, &mut expected);
            resolve(table, &tokens, &mut actual);
            let confirmed = |c: &[Candidate]| c.iter().map(|c| c.confirmed).collect::<Vec<_>>();
            proptest::prop_assert_eq!(confirmed(&actual), confirmed(&expected));
        }
    }

    #[test]
    fn context_words_match_whole_terms_only() {
        assert!(contains_term_sequence(" buy the iphone now ", "iphone"));
        assert!(!contains_term_sequence(" iphones ", "iphone"));
        assert!(contains_term_sequence(" 新手机 ", "手机"));
    }
}
