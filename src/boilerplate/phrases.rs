//! Sets of phrases looked for in a line, without ASCII case: a trie of the
//! phrases, and a table of how far a search may skip ahead after a pair of
//! bytes (Wu and Manber's multi-pattern search).
//!
//! The stage looks for a few hundred short phrases in the first bytes of
//! each line. Aho-Corasick automata (the `aho-corasick` crate) took every
//! process about 6M instructions to build; the two sets' tries take under
//! 1M together. A search moves a window as long as the shortest phrase
//! along the line, by a shift looked up for the pair of bytes it ends
//! with, and walks the trie only where a phrase may start (on the benchmark
//! corpus, 6.8M instructions of searching down to 1.7M). The searches
//! report what the crate's leftmost-longest search with ASCII case folding
//! reports, pattern ids included (`tests` compare them with the crate).

/// No phrase ends at a node.
const NO_PHRASE: u32 = u32::MAX;

/// A node of the trie: its children, `edges[first_edge..][..edge_count]`
/// (sorted by byte), and the phrase that ends there.
#[derive(Debug, Clone, Copy)]
struct Node {
    first_edge: u32,
    edge_count: u32,
    /// The first phrase (by id) that ends here, or [`NO_PHRASE`].
    phrase: u32,
}

/// A phrase found: where it starts and ends in the haystack (bytes), and
/// its id (its index in the list the set was built from).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseMatch {
    /// Byte offset of the phrase's first byte.
    pub start: usize,
    /// Byte offset just past the phrase's last byte.
    pub end: usize,
    /// The phrase's index in the list given to [`PhraseSet::new`].
    pub id: usize,
}

/// Phrases compared with text without ASCII case (other bytes exactly).
#[derive(Debug, Clone)]
pub struct PhraseSet {
    /// Node 0 is the root.
    nodes: Vec<Node>,
    /// Each edge's (lowercased) byte and target node.
    edges: Vec<(u8, u32)>,
    /// The root's children by (lowercased) byte, 0 for none (the root is
    /// no node's child): the root has most children.
    root: [u32; 256],
    /// The length of the shortest phrase in bytes (at most 255; `usize::MAX`
    /// for no phrase): the window of [`PhraseSet::find`].
    shortest: usize,
    /// For each pair of lowercased bytes (`first << 8 | second`), how far
    /// a window of [`PhraseSet::shortest`] bytes that ends with it may move
    /// on without skipping the start of a phrase (Wu and Manber's shift
    /// table): 0 where a phrase may start at the window's first byte.
    shifts: Vec<u8>,
}

impl PhraseSet {
    /// The set of `phrases`; a phrase's id is its index. Of equal phrases
    /// (without ASCII case) the first is reported.
    ///
    /// # Panics
    /// On an empty phrase (it would match everywhere): the lists are
    /// compiled in and checked by tests.
    pub fn new<S: AsRef<str>>(phrases: &[S]) -> PhraseSet {
        // Children by byte while building; flattened below.
        let mut children: Vec<Vec<(u8, u32)>> = vec![Vec::new()];
        let mut ends: Vec<u32> = vec![NO_PHRASE];
        for (id, phrase) in phrases.iter().enumerate() {
            let bytes = phrase.as_ref().as_bytes();
            assert!(!bytes.is_empty(), "an empty phrase matches everywhere");
            let mut node = 0usize;
            for &b in bytes {
                let b = b.to_ascii_lowercase();
                node = match children[node].iter().find(|&&(c, _)| c == b) {
                    Some(&(_, next)) => next as usize,
                    None => {
                        let next = children.len();
                        children[node].push((b, next as u32));
                        children.push(Vec::new());
                        ends.push(NO_PHRASE);
                        next
                    }
                };
            }
            if ends[node] == NO_PHRASE {
                ends[node] = id as u32;
            }
        }
        // Longer windows would not fit a shift in a byte; they would gain
        // little on lines of a few hundred bytes.
        let shortest = phrases
            .iter()
            .map(|p| p.as_ref().len())
            .min()
            .map_or(usize::MAX, |len| len.min(usize::from(u8::MAX)));
        let shifts = shift_table(phrases, shortest);
        let mut root = [0u32; 256];
        for &(b, next) in &children[0] {
            root[usize::from(b)] = next;
        }
        let mut nodes = Vec::with_capacity(children.len());
        let mut edges = Vec::new();
        for (mut node_children, phrase) in children.into_iter().zip(ends) {
            node_children.sort_unstable();
            nodes.push(Node {
                first_edge: edges.len() as u32,
                edge_count: node_children.len() as u32,
                phrase,
            });
            edges.extend(node_children);
        }
        PhraseSet {
            nodes,
            edges,
            root,
            shortest,
            shifts,
        }
    }

    /// The longest phrase that starts at `haystack[start]`.
    #[inline]
    fn longest_at(&self, haystack: &[u8], start: usize) -> Option<PhraseMatch> {
        let first = *haystack.get(start)?;
        let next = self.root[usize::from(first.to_ascii_lowercase())];
        if next == 0 {
            return None;
        }
        let mut node = &self.nodes[next as usize];
        let mut found = None;
        let mut at = start + 1;
        loop {
            if node.phrase != NO_PHRASE {
                found = Some(PhraseMatch {
                    start,
                    end: at,
                    id: node.phrase as usize,
                });
            }
            let Some(&b) = haystack.get(at) else {
                break;
            };
            let b = b.to_ascii_lowercase();
            let edges = &self.edges[node.first_edge as usize..][..node.edge_count as usize];
            let Some(&(_, next)) = edges.iter().find(|&&(c, _)| c == b) else {
                break;
            };
            node = &self.nodes[next as usize];
            at += 1;
        }
        found
    }

    /// The longest phrase `haystack` begins with.
    pub fn find_anchored(&self, haystack: &str) -> Option<PhraseMatch> {
        self.longest_at(haystack.as_bytes(), 0)
    }

    /// The phrase that starts first in `haystack`, the longest of those
    /// that start there.
    ///
    /// A window as long as the shortest phrase moves along the haystack by
    /// the shift of the pair of bytes it ends with; where the shift is 0, a
    /// phrase may start at the window's first byte, and the trie is walked
    /// from there. Starts are tried in order, so the first phrase found
    /// starts first.
    pub fn find(&self, haystack: &str) -> Option<PhraseMatch> {
        let bytes = haystack.as_bytes();
        if self.shortest < 2 {
            return (0..bytes.len()).find_map(|start| self.longest_at(bytes, start));
        }
        let mut end = self.shortest - 1;
        while end < bytes.len() {
            let pair = pair_index(
                bytes[end - 1].to_ascii_lowercase(),
                bytes[end].to_ascii_lowercase(),
            );
            match self.shifts[pair] {
                0 => {
                    if let Some(found) = self.longest_at(bytes, end + 1 - self.shortest) {
                        return Some(found);
                    }
                    end += 1;
                }
                shift => end += usize::from(shift),
            }
        }
        None
    }
}

/// Wu and Manber's shift table for phrases of at least `window` (2 to 255)
/// bytes: for each pair of lowercased bytes, the least distance from where
/// it ends in the first `window` bytes of a phrase to the end of those
/// bytes; `window - 1` for a pair in none. Empty for a shorter window (every
/// start is tried) or no phrase.
fn shift_table<S: AsRef<str>>(phrases: &[S], window: usize) -> Vec<u8> {
    if !(2..=usize::from(u8::MAX)).contains(&window) {
        return Vec::new();
    }
    let mut shifts = vec![(window - 1) as u8; 0x10000];
    for phrase in phrases {
        let head = &phrase.as_ref().as_bytes()[..window];
        for (end, pair) in (1..).zip(head.windows(2)) {
            let pair = pair_index(pair[0].to_ascii_lowercase(), pair[1].to_ascii_lowercase());
            shifts[pair] = shifts[pair].min((window - 1 - end) as u8);
        }
    }
    shifts
}

#[inline]
fn pair_index(first: u8, second: u8) -> usize {
    usize::from(first) << 8 | usize::from(second)
}

#[cfg(test)]
mod tests {
    use aho_corasick::{AhoCorasick, Anchored, Input, MatchKind, StartKind};
    use proptest::prelude::*;

    use super::*;

    /// The general search the set replaces.
    fn reference(phrases: &[String], start: StartKind) -> AhoCorasick {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(start)
            .build(phrases)
            .unwrap()
    }

    fn check(phrases: &[String], haystack: &str) -> Result<(), TestCaseError> {
        let set = PhraseSet::new(phrases);
        let as_match = |m: aho_corasick::Match| PhraseMatch {
            start: m.start(),
            end: m.end(),
            id: m.pattern().as_usize(),
        };
        let unanchored = reference(phrases, StartKind::Unanchored);
        prop_assert_eq!(
            set.find(haystack),
            unanchored.find(haystack).map(as_match),
            "find in {:?}",
            haystack
        );
        let anchored = reference(phrases, StartKind::Anchored);
        prop_assert_eq!(
            set.find_anchored(haystack),
            anchored
                .find(Input::new(haystack).anchored(Anchored::Yes))
                .map(as_match),
            "find_anchored in {:?}",
            haystack
        );
        Ok(())
    }

    /// Phrases and text from a small alphabet, so that phrases overlap,
    /// repeat (in other cases too) and occur in the text.
    fn piece() -> impl Strategy<Value = String> {
        "[abAB 的了é:]{1,4}"
    }

    /// The pieces, then each chosen phrase followed by the pieces again.
    fn haystack(
        phrases: &[String],
        pieces: &[String],
        from_phrases: &[prop::sample::Index],
    ) -> String {
        let mut haystack = pieces.concat();
        for index in from_phrases {
            haystack.push_str(&phrases[index.index(phrases.len())]);
            haystack.push_str(&pieces.concat());
        }
        haystack
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn searches_agree_with_aho_corasick(
            phrases in proptest::collection::vec(piece(), 1..12),
            pieces in proptest::collection::vec(piece(), 0..8),
            from_phrases in proptest::collection::vec(any::<prop::sample::Index>(), 0..4),
        ) {
            check(&phrases, &haystack(&phrases, &pieces, &from_phrases))?;
        }

        /// Phrases of two bytes or more: the search skips by its shifts.
        #[test]
        fn skipping_searches_agree_with_aho_corasick(
            phrases in proptest::collection::vec("[abAB 的é:]{2,6}", 1..12),
            pieces in proptest::collection::vec(piece(), 0..8),
            from_phrases in proptest::collection::vec(any::<prop::sample::Index>(), 0..4),
        ) {
            check(&phrases, &haystack(&phrases, &pieces, &from_phrases))?;
        }
    }

    #[test]
    fn the_builtin_lists_agree_with_aho_corasick_on_their_own_phrases() {
        let lists = super::super::lexicon::tests::compiled_lists();
        let phrases = |list: &[(String, usize)]| -> Vec<String> {
            list.iter().map(|(p, _)| p.clone()).collect()
        };
        for phrases in [&phrases(&lists.starts), &phrases(&lists.contains)] {
            for (i, phrase) in phrases.iter().enumerate() {
                let upper = phrase.to_ascii_uppercase();
                for haystack in [
                    phrase.clone(),
                    format!("x {phrase} y"),
                    format!("{upper}{}", phrases[(i + 1) % phrases.len()]),
                    phrase[..phrase.len() - phrase.chars().last().unwrap().len_utf8()].to_string(),
                ] {
                    check(phrases, &haystack).unwrap();
                }
            }
        }
    }

    #[test]
    fn equal_phrases_report_the_first_and_short_texts_are_searched() {
        let set = PhraseSet::new(&["Share", "share", "a", "hare"]);
        assert_eq!(
            set.find("SHARE"),
            Some(PhraseMatch {
                start: 0,
                end: 5,
                id: 0
            })
        );
        assert_eq!(set.find("xa").map(|m| m.id), Some(2));
        assert_eq!(set.find(""), None);
        assert_eq!(set.find_anchored("xhare"), None);
    }
}
