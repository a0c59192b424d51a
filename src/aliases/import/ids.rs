//! Ids for imported entities and the parent links between them.
//!
//! An id is a slug of the entity's English label (`Zürich` -> `zurich`,
//! `People's Bank of China` -> `peoples-bank-of-china`). When several
//! entities share a slug, the one with the lowest QID keeps it and the others
//! get `-q` and their QID (`mercury-q308`); an entity without a Latin label,
//! `q` and its QID. New Wikidata items get higher QIDs, so an entity keeps its
//! id when a later dump adds a namesake. A slug that is an id of the default
//! table is suffixed too: the import never replaces a default entity by
//! accident (a CSV file, whose ids are given, can, as `--aliases` does).

use rustc_hash::{FxHashMap, FxHashSet};

use crate::script::{Script, script_of};

/// Slugs are cut at a hyphen to at most this many bytes.
const MAX_SLUG: usize = 60;

/// The slug of `label`: ASCII transliteration, lower case, runs of anything
/// but letters and digits as one hyphen, apostrophes dropped. Empty when the
/// label has no Latin letter (a slug of a transliterated Chinese or Japanese
/// label would read as another name) or nothing left.
pub(super) fn slug(label: &str) -> String {
    if !label.chars().any(|c| script_of(c) == Script::Latin) {
        return String::new();
    }
    let ascii = deunicode::deunicode(label);
    let mut out = String::with_capacity(ascii.len());
    let mut gap = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else if c != '\'' {
            gap = true;
        }
    }
    if out.len() > MAX_SLUG {
        let cut = out[..=MAX_SLUG].rfind('-').unwrap_or(MAX_SLUG);
        out.truncate(cut);
    }
    out
}

/// Final ids for entities given as `(slug, qid)` in input order: the lowest
/// QID of a slug keeps it unless `taken` has it; the others get
/// `{slug}-q{qid}` (or `q{qid}` for an empty slug), with `-2`, `-3`, ...
/// in the unlikely case that is taken too. Returns the ids and how many were
/// suffixed.
pub(super) fn assign(entries: &[(&str, u64)], taken: &FxHashSet<String>) -> (Vec<String>, u64) {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| entries[i]);
    let mut ids: Vec<Option<String>> = vec![None; entries.len()];
    let mut used: FxHashSet<String> = FxHashSet::default();
    let mut previous: Option<&str> = None;
    for &i in &order {
        let (slug, _) = entries[i];
        if previous != Some(slug) && !slug.is_empty() && !taken.contains(slug) {
            ids[i] = Some(slug.to_string());
            used.insert(slug.to_string());
        }
        previous = Some(slug);
    }
    let mut suffixed = 0;
    for &i in &order {
        if ids[i].is_some() {
            continue;
        }
        let (slug, qid) = entries[i];
        let base = if slug.is_empty() {
            format!("q{qid}")
        } else {
            format!("{slug}-q{qid}")
        };
        let mut id = base.clone();
        let mut n = 1;
        while used.contains(&id) || taken.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        used.insert(id.clone());
        ids[i] = Some(id);
        suffixed += 1;
    }
    (
        ids.into_iter().map(|id| id.unwrap_or_default()).collect(),
        suffixed,
    )
}

/// Removes parent links that close a cycle (Wikidata has companies that own
/// each other through P127), cutting each cycle at the member with the
/// lowest `rank`. Returns the entities whose parent was removed.
pub(super) fn cut_cycles(parents: &mut [Option<u32>], rank: impl Fn(u32) -> u64) -> Vec<u32> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    let mut state = vec![State::New; parents.len()];
    let mut cut = Vec::new();
    let mut path: Vec<u32> = Vec::new();
    let mut position: FxHashMap<u32, usize> = FxHashMap::default();
    for start in 0..parents.len() as u32 {
        if state[start as usize] != State::New {
            continue;
        }
        path.clear();
        position.clear();
        let mut node = Some(start);
        while let Some(n) = node {
            match state[n as usize] {
                State::Done => break,
                State::OnPath => {
                    let cycle = &path[position[&n]..];
                    let weakest = *cycle.iter().min_by_key(|&&m| rank(m)).expect("a cycle");
                    parents[weakest as usize] = None;
                    cut.push(weakest);
                    break;
                }
                State::New => {
                    state[n as usize] = State::OnPath;
                    position.insert(n, path.len());
                    path.push(n);
                    node = parents[n as usize];
                }
            }
        }
        for &n in &path {
            state[n as usize] = State::Done;
        }
    }
    cut.sort_unstable();
    cut
}

/// Removes the parent links that would put an entity more than `limit`
/// parents deep (the loader refuses deeper chains), so that the entity
/// below such a link starts a chain of its own. `parents` must be free of
/// cycles ([`cut_cycles`] first). Returns the entities whose parent was
/// removed.
pub(super) fn cut_deep(parents: &mut [Option<u32>], limit: usize) -> Vec<u32> {
    const UNSEEN: usize = usize::MAX;
    let mut depth = vec![UNSEEN; parents.len()];
    let mut path: Vec<usize> = Vec::new();
    let mut cut = Vec::new();
    for start in 0..parents.len() {
        // Up to a root or to an entity whose depth is known; the path's
        // length bounds the walk should a cycle be left.
        let mut current = start;
        let mut above = loop {
            if depth[current] != UNSEEN {
                break Some(depth[current]);
            }
            path.push(current);
            match parents[current] {
                Some(parent) if path.len() <= parents.len() => current = parent as usize,
                _ => break None,
            }
        };
        // Depths filled in downwards, cutting where the limit is crossed,
        // so the entities below count from the cut.
        while let Some(e) = path.pop() {
            let d = match above {
                None => 0,
                Some(d) if d >= limit => {
                    parents[e] = None;
                    cut.push(e as u32);
                    0
                }
                Some(d) => d + 1,
            };
            depth[e] = d;
            above = Some(d);
        }
    }
    cut.sort_unstable();
    cut
}

/// Where an entity of a parent graph stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Chain {
    /// This many parents above it (0 for a root).
    Depth(usize),
    /// On a cycle.
    OnCycle,
    /// Below a cycle.
    BelowCycle,
}

/// Per entity of `parents` (each entity's parent, by index), its depth or
/// its place with respect to a cycle. Each link is followed once: an
/// entity is walked up to one whose place is known, and the places are
/// filled in on the way back.
pub(super) fn chains(parents: &[Option<usize>]) -> Vec<Chain> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Unseen,
        OnPath,
        Known(Chain),
    }
    let mut state = vec![State::Unseen; parents.len()];
    let mut path: Vec<usize> = Vec::new();
    for start in 0..parents.len() {
        let mut current = start;
        let mut above = loop {
            match state[current] {
                State::Known(chain) => break Some(chain),
                State::OnPath => {
                    // The path from `current` on is a cycle.
                    let from = path
                        .iter()
                        .rposition(|&e| e == current)
                        .expect("an entity on the path is in it");
                    for &e in &path[from..] {
                        state[e] = State::Known(Chain::OnCycle);
                    }
                    path.truncate(from);
                    break Some(Chain::OnCycle);
                }
                State::Unseen => {
                    state[current] = State::OnPath;
                    path.push(current);
                    match parents[current] {
                        Some(parent) => current = parent,
                        None => break None,
                    }
                }
            }
        };
        while let Some(e) = path.pop() {
            let chain = match above {
                None => Chain::Depth(0),
                Some(Chain::Depth(d)) => Chain::Depth(d + 1),
                Some(Chain::OnCycle | Chain::BelowCycle) => Chain::BelowCycle,
            };
            state[e] = State::Known(chain);
            above = Some(chain);
        }
    }
    state
        .into_iter()
        .map(|s| match s {
            State::Known(chain) => chain,
            _ => unreachable!("every entity is walked"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_ascii_lowercase_with_single_hyphens() {
        assert_eq!(slug("Zürich"), "zurich");
        assert_eq!(slug("People's Bank of China"), "peoples-bank-of-china");
        assert_eq!(slug("People’s Daily"), "peoples-daily");
        assert_eq!(slug("  AT&T Inc. "), "at-t-inc");
        assert_eq!(slug("Łódź"), "lodz");
        assert_eq!(slug("3M"), "3m");
        assert_eq!(slug("北京"), "");
        assert_eq!(slug("..."), "");
        let long = slug(&"word ".repeat(30));
        assert!(long.len() <= MAX_SLUG && !long.ends_with('-'), "{long}");
        assert!(crate::aliases::check::is_valid_id(&long));
    }

    #[test]
    fn the_lowest_qid_keeps_a_shared_slug() {
        let taken: FxHashSet<String> = ["apple".to_string()].into_iter().collect();
        let entries = [
            ("mercury", 308),
            ("mercury", 925),
            ("mercury", 17),
            ("", 42),
            ("apple", 312),
            ("mercury-q925", 5),
        ];
        let (ids, suffixed) = assign(&entries, &taken);
        assert_eq!(
            ids,
            [
                "mercury-q308",
                "mercury-q925-2",
                "mercury",
                "q42",
                "apple-q312",
                "mercury-q925"
            ]
        );
        assert_eq!(suffixed, 4);
        // The same ids whatever the input order.
        let mut reversed = entries;
        reversed.reverse();
        let (mut again, _) = assign(&reversed, &taken);
        again.reverse();
        assert_eq!(again, ids);
    }

    #[test]
    fn cycles_are_cut_at_their_lowest_rank() {
        // 0 -> 1 -> 2 -> 0, 3 -> 1, 4 -> 4, 5 -> none
        let mut parents = vec![Some(1), Some(2), Some(0), Some(1), Some(4), None];
        let ranks = [30, 10, 20, 5, 1, 0];
        let cut = cut_cycles(&mut parents, |n| ranks[n as usize]);
        assert_eq!(cut, [1, 4]);
        assert_eq!(parents, [Some(1), None, Some(0), Some(1), None, None]);
        let mut acyclic = vec![None, Some(0), Some(1)];
        assert!(cut_cycles(&mut acyclic, |n| n as u64).is_empty());
    }

    #[test]
    fn chains_deeper_than_the_limit_are_cut_where_they_cross_it() {
        // 0 <- 1 <- ... <- 9 (each the parent of the next), and 10 under 4.
        let mut parents: Vec<Option<u32>> = (0..10).map(|e: u32| e.checked_sub(1)).collect();
        parents.push(Some(4));
        // Limit 3: depths 0 to 3, a cut, 0 to 3 again, a cut.
        assert_eq!(cut_deep(&mut parents, 3), [4, 8]);
        assert_eq!((parents[4], parents[8]), (None, None));
        assert_eq!((parents[5], parents[10]), (Some(4), Some(4)));
        // Numbered the other way, walks start at the deepest entity.
        let mut reversed: Vec<Option<u32>> = (0..10).map(|e| (e < 9).then_some(e + 1)).collect();
        assert_eq!(cut_deep(&mut reversed, 3), [1, 5]);
        // Within the limit nothing is cut.
        let mut short: Vec<Option<u32>> = vec![None, Some(0), Some(1), Some(2)];
        assert!(cut_deep(&mut short, 3).is_empty());
        assert_eq!(short, [None, Some(0), Some(1), Some(2)]);
    }

    #[test]
    fn chains_tell_depths_cycles_and_what_hangs_below_them() {
        // 0 <- 1 <- 2; 3 -> 4 -> 5 -> 3 (a cycle); 6 under 4; 7 its own parent.
        let parents = [
            None,
            Some(0),
            Some(1),
            Some(4),
            Some(5),
            Some(3),
            Some(4),
            Some(7),
        ];
        use Chain::*;
        assert_eq!(
            chains(&parents),
            [
                Depth(0),
                Depth(1),
                Depth(2),
                OnCycle,
                OnCycle,
                OnCycle,
                BelowCycle,
                OnCycle
            ]
        );
    }
}
