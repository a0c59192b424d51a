//! Answering "what does this name resolve to?" for `canon alias lookup`.

use super::{AliasRef, AliasTable, alias_key, alias_key_in, same_text};
use serde_json::json;

use crate::normalize::normalize;

/// One alias a query matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupCandidate {
    /// The alias.
    pub alias: AliasRef,
    /// False when the alias needs exact case and the query is written otherwise.
    pub matches_case: bool,
}

/// The answer to one lookup.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    /// The name asked about.
    pub query: String,
    /// Its matching key.
    pub key: String,
    /// Every alias with that key.
    pub candidates: Vec<LookupCandidate>,
    /// The entity the name resolves to: the only entity among the candidates
    /// whose case rule the query meets.
    pub resolved: Option<u32>,
    /// For unknown names: close aliases, best first, as (alias text, entity index).
    pub suggestions: Vec<(String, u32)>,
}

impl Lookup {
    /// Whether the name needs context to be resolved in a document: it is
    /// shared by several entities, or every matching alias needs support.
    pub fn is_ambiguous(&self, table: &AliasTable) -> bool {
        let usable: Vec<&LookupCandidate> =
            self.candidates.iter().filter(|c| c.matches_case).collect();
        self.resolved.is_none() && !usable.is_empty()
            || (!usable.is_empty() && usable.iter().all(|c| table.alias(c.alias).needs_support))
    }

    /// The answer as `canon alias lookup --json` writes it: `{"query", "id",
    /// "name", "kind", "alias", "ambiguous", "candidates": [{"id", "name",
    /// "kind", "alias", "lang", "needs", "matches_case"}], "suggestions":
    /// [{"alias", "id"}]}`, with `null` for `id`, `name`, `kind` and `alias`
    /// when the name does not resolve.
    pub fn to_json(&self, table: &AliasTable) -> serde_json::Value {
        let lookup = self;
        let resolved = lookup.resolved.map(|e| table.entity_at(e));
        let matched_alias = lookup.resolved.and_then(|e| {
            lookup
                .candidates
                .iter()
                .find(|c| c.alias.entity == e && c.matches_case)
                .map(|c| table.alias(c.alias).text)
        });
        let candidates: Vec<serde_json::Value> = lookup
            .candidates
            .iter()
            .map(|c| {
                let entity = table.entity_at(c.alias.entity);
                let alias = table.alias(c.alias);
                json!({
                    "id": entity.id,
                    "name": entity.name,
                    "kind": entity.kind.as_str(),
                    "alias": alias.text,
                    "lang": alias.lang,
                    "needs": alias.requirements(),
                    "matches_case": c.matches_case,
                })
            })
            .collect();
        let suggestions: Vec<serde_json::Value> = lookup
            .suggestions
            .iter()
            .map(|(alias, e)| json!({"alias": alias, "id": table.entity_at(*e).id}))
            .collect();
        json!({
            "query": lookup.query,
            "id": resolved.map(|e| e.id),
            "name": resolved.map(|e| e.name),
            "kind": resolved.map(|e| e.kind.as_str()),
            "alias": matched_alias,
            "ambiguous": lookup.is_ambiguous(table),
            "candidates": candidates,
            "suggestions": suggestions,
        })
    }
}

impl AliasTable {
    /// Looks `query` up: normalized like a document (width, quotes, case), then
    /// matched by key; unknown names get suggestions. A name that matches
    /// nothing folded to simplified Chinese is tried as written, the key of
    /// Japanese aliases (三菱UFJ銀行).
    pub fn lookup(&self, query: &str) -> Lookup {
        let mut key = alias_key(query);
        if self.aliases_with_key(&key).is_empty() {
            let as_written = alias_key_in(query, "ja");
            if !self.aliases_with_key(&as_written).is_empty() {
                key = as_written;
            }
        }
        let normalized_query = normalize(query);
        let candidates: Vec<LookupCandidate> = self
            .aliases_with_key(&key)
            .iter()
            .map(|&alias| LookupCandidate {
                alias,
                matches_case: !self.alias(alias).case_exact
                    || same_text(normalized_query.text(), self.exact_text(alias)),
            })
            .collect();
        // The alias written exactly like the query is the one to show first.
        let mut candidates = candidates;
        candidates
            .sort_by_key(|c| normalize(self.alias(c.alias).text).text() != normalized_query.text());
        let mut entities: Vec<u32> = candidates
            .iter()
            .filter(|c| c.matches_case)
            .map(|c| c.alias.entity)
            .collect();
        entities.sort_unstable();
        entities.dedup();
        let resolved = (entities.len() == 1).then(|| entities[0]);
        let suggestions = if candidates.is_empty() {
            self.suggest(&key)
        } else {
            Vec::new()
        };
        Lookup {
            query: query.to_string(),
            key,
            candidates,
            resolved,
            suggestions,
        }
    }

    /// Up to five aliases whose keys are close to `key`.
    fn suggest(&self, key: &str) -> Vec<(String, u32)> {
        if key.is_empty() {
            return Vec::new();
        }
        let query = CharCounts::of(key);
        let mut scratch = query.clone();
        let mut scored: Vec<(f64, &str, AliasRef)> = self
            .keys()
            .filter_map(|(candidate, refs)| {
                let prefix = candidate.starts_with(key) || key.starts_with(candidate);
                // Most keys of a large table are far from the name: their
                // characters say so without computing the distance.
                if !prefix && !scratch.may_score(&query, candidate, SUGGESTION_SCORE) {
                    return None;
                }
                let mut score = strsim::normalized_damerau_levenshtein(key, candidate);
                if prefix {
                    score = score.max(0.75);
                }
                // Every key has an alias; a damaged table may say otherwise.
                let first = *refs.first()?;
                (score >= SUGGESTION_SCORE).then_some((score, candidate, first))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let mut out: Vec<(String, u32)> = Vec::new();
        for (_, _, alias) in scored {
            let text = self.alias(alias).text.to_string();
            if !out.iter().any(|(t, _)| *t == text) {
                out.push((text, alias.entity));
            }
            if out.len() == 5 {
                break;
            }
        }
        out
    }
}

/// The least similarity (`strsim::normalized_damerau_levenshtein`) of a
/// suggested key to the name looked up.
const SUGGESTION_SCORE: f64 = 0.6;

/// Character counts of a key: one per ASCII character, one for all others.
/// The Damerau–Levenshtein distance between two texts is at least what one
/// has more of than the other, counted per character on the side with
/// more (each edit adds or removes at most one character on either side; a
/// transposition none), and merging characters into one count can only
/// lower that bound.
#[derive(Clone)]
struct CharCounts {
    counts: [i32; 129],
    chars: usize,
}

impl CharCounts {
    fn of(text: &str) -> CharCounts {
        let mut counts = CharCounts {
            counts: [0; 129],
            chars: 0,
        };
        for c in text.chars() {
            counts.counts[bucket(c)] += 1;
            counts.chars += 1;
        }
        counts
    }

    /// Whether `candidate` may have a normalized Damerau–Levenshtein
    /// similarity of `least` or more to the text whose counts are `query`:
    /// `false` when the bound above already puts it below. `self` holds
    /// `query`'s counts on entry and on return.
    fn may_score(&mut self, query: &CharCounts, candidate: &str, least: f64) -> bool {
        let (mut chars, mut candidate_more) = (0usize, 0usize);
        for c in candidate.chars() {
            let count = &mut self.counts[bucket(c)];
            if *count > 0 {
                *count -= 1;
            } else {
                candidate_more += 1;
            }
            chars += 1;
        }
        for c in candidate.chars() {
            self.counts[bucket(c)] = query.counts[bucket(c)];
        }
        // What the query has more of: the rest of its characters.
        // (Its count minus the candidate's, plus what the candidate has more
        // of, is never negative.)
        let query_more = candidate_more + query.chars - chars;
        let bound = query_more.max(candidate_more);
        let longest = chars.max(query.chars);
        // As strsim computes the similarity, with the bound for the distance.
        longest == 0 || 1.0 - bound as f64 / longest as f64 >= least
    }
}

fn bucket(c: char) -> usize {
    if c.is_ascii() { c as usize } else { 128 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> AliasTable {
        AliasTable::load(&[]).expect("default table loads")
    }

    #[test]
    fn full_width_and_case_variants_resolve() {
        let table = table();
        let lookup = table.lookup("ＤｅｅｐＳｅｅｋ");
        assert_eq!(table.entity_at(lookup.resolved.unwrap()).id, "deepseek");
        let lookup = table.lookup("月之暗面");
        assert_eq!(table.entity_at(lookup.resolved.unwrap()).id, "moonshot-ai");
    }

    #[test]
    fn exact_case_aliases_do_not_resolve_other_cases() {
        let table = table();
        let lookup = table.lookup("us");
        assert!(lookup.resolved.is_none());
        assert!(!lookup.candidates.is_empty());
        assert!(lookup.candidates.iter().all(|c| !c.matches_case));
        let lookup = table.lookup("US");
        assert_eq!(
            table.entity_at(lookup.resolved.unwrap()).id,
            "united-states"
        );
    }

    /// The bound never turns away a pair as similar as a suggestion must
    /// be: random pairs of keys of the built-in table and their edits.
    #[test]
    fn the_character_bound_keeps_every_close_key() {
        let table = table();
        let keys: Vec<&str> = table.keys().map(|(k, _)| k).collect();
        let mut random = crate::testing::XorShift::new(0x9E37_79B9_7F4A_7C15);
        let mut pick = |n: usize| random.below(n);
        let (mut close, mut turned_away) = (0, 0);
        for _ in 0..10_000 {
            let a = keys[pick(keys.len())];
            let mut b: Vec<char> = keys[pick(keys.len())].chars().collect();
            if pick(2) == 0 {
                // An edit or two of `a` instead of another key.
                b = a.chars().collect();
                for _ in 0..1 + pick(2) {
                    let at = pick(b.len() + 1);
                    match pick(3) {
                        0 if at < b.len() => {
                            b.remove(at);
                        }
                        1 => b.insert(at, ['x', 'e', ' ', '国'][pick(4)]),
                        _ if at + 1 < b.len() => b.swap(at, at + 1),
                        _ => {}
                    }
                }
            }
            let b: String = b.into_iter().collect();
            let query = CharCounts::of(a);
            let mut scratch = query.clone();
            let similar = strsim::normalized_damerau_levenshtein(a, &b) >= SUGGESTION_SCORE;
            let may = scratch.may_score(&query, &b, SUGGESTION_SCORE);
            assert_eq!(scratch.counts, query.counts, "counts restored after {b:?}");
            assert!(may || !similar, "{a:?} and {b:?} turned away");
            close += usize::from(similar);
            turned_away += usize::from(!may);
        }
        assert!(
            close > 500 && turned_away > 2_500,
            "{close} close, {turned_away} turned away"
        );
    }

    #[test]
    fn unknown_names_get_close_suggestions() {
        let table = table();
        let lookup = table.lookup("DeepSeak");
        assert!(lookup.resolved.is_none() && lookup.candidates.is_empty());
        assert_eq!(table.entity_at(lookup.suggestions[0].1).id, "deepseek");
    }
}
