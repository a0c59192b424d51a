//! A compact index of the key trie's edges by East Asian characters, made
//! from [`Section::KeyEdges`](crate::format::Section::KeyEdges) the first
//! time a walk steps by one, or read from bytes a build script made (the
//! built-in table's, see below).
//!
//! The matcher's walks through Chinese text step by Han characters: on PKU
//! news (10 MB) with the built-in table, about 880,000 steps, most of
//! them within a few characters of the root (names are short). Each step
//! probes `KeyEdges` at a slot its hash picks. The built-in table's
//! `KeyEdges` is 3 MiB (262,144 slots), more than a core's L2 cache, and
//! its 21,778 edges by East Asian characters are spread over all of it, so
//! a step is likely to read a cache line from farther than L2 (inferred
//! from the sizes: the machines measured have no hardware counters).
//! Gathered here at a load of at most 5/8 (65,536 slots), the same edges
//! took 1 MiB at 16 bytes each, which the steps of a document keep warmer:
//! a run over PKU news took 0.983 of the CPU time without the index (40
//! interleaved rounds; bench/HISTORY.md, the fifteenth session, which
//! gave 20,335 edges and 512 KiB). Each is now one 64-bit word (character,
//! parent, child, two flags; the key word stays in `KeyEdges`, read there
//! only for a child that has one, at a key's end): 512 KiB, 0.987 to 0.988
//! of the CPU time of the 16-byte entries on PKU news (30, 40 and 40
//! interleaved rounds; the sixteenth session), since Chinese text keeps
//! jieba's 13 MB dictionary streaming through the same L2.
//!
//! The index is derived, not stored: `KeyEdges` stays the one layout that
//! `canon alias compile` writes and every reader shares, and a format
//! change is not needed. Deriving it reads every slot of `KeyEdges` twice
//! (a count, then the copy), which the first step by an East Asian
//! character pays (a run that never steps by one, English text without such
//! a name, never does): for the built-in table about 1.5 ms of CPU (the
//! first PKU record of the benchmark corpus alone, medians of 60
//! interleaved runs: 11.2 ms without the index, 12.8 with 16-byte entries,
//! 12.9 packed; the fifteenth session read 0.4 ms in a run of two
//! binaries). The built-in table's index is made by canon's `build.rs`
//! and embedded beside the table (`AliasTable::east_asian_index_bytes`,
//! `AliasTable::set_east_asian_index`): a process with the built-in table
//! reads it in place and pays nothing (13.2 → 11.3 ms on that record, 60
//! interleaved runs, twice). A table
//! whose `KeyEdges` has more than [`MAX_SCANNED_SLOTS`] slots (the 1M-alias
//! benchmark table has 16.8 million, 201 MB) goes without: reading it whole
//! would cost more than it saves, and its East Asian edges alone (1.1
//! million there) would not fit a cache either.

use std::borrow::Cow;

use crate::format::{EDGE_BOUNDARY, EDGE_WORDS, NONE};

/// The first character whose edges the index holds: U+2E80, where the CJK
/// blocks start (radicals, kana, Han, Hangul, CJK punctuation and
/// full-width forms lie above it, and every character past the BMP).
pub(crate) const FIRST_INDEXED: u32 = 0x2E80;

/// Whether steps by `c` go through the index (a character from
/// [`FIRST_INDEXED`] on) rather than a probe of `KeyEdges`.
#[inline(always)]
pub(crate) fn is_indexed(c: char) -> bool {
    c as u32 >= FIRST_INDEXED
}

/// The most slots of `KeyEdges` the index is derived from (12 MiB of edges).
pub(crate) const MAX_SCANNED_SLOTS: usize = 1 << 20;

/// The edges of `KeyEdges` by characters from [`FIRST_INDEXED`] on, in an
/// open-addressing table of their own keyed by (parent node, character).
pub(crate) struct CjkEdges {
    /// Per slot, one word: the character (bits 0 to 20), the parent node
    /// (21 to 41), the child's node (42 to 61), whether the child is a
    /// boundary (62) and whether a key word is stored with it (63); all
    /// ones marks an empty slot (no parent node reaches 2^21 - 1).
    slots: Cow<'static, [u64]>,
    /// The slot count less one (a power of two of slots).
    mask: usize,
    /// The slot count of the `KeyEdges` the index was made from, which
    /// [`Self::step`] reads key words from.
    slot_count: usize,
}

/// Bits of a packed word for the character (up to `char::MAX`).
const CHAR_BITS: u32 = 21;
/// Bits for the parent node: up to the root's id, the slot count, which is
/// at most [`MAX_SCANNED_SLOTS`].
const PARENT_BITS: u32 = 21;
/// Where the child's node starts: after the character and the parent,
/// which together are what a probe compares.
const CHILD_SHIFT: u32 = CHAR_BITS + PARENT_BITS;
/// The child's node, below [`MAX_SCANNED_SLOTS`].
const CHILD_MASK: u64 = MAX_SCANNED_SLOTS as u64 - 1;
/// Set when the child is a boundary ([`EDGE_BOUNDARY`]).
const BOUNDARY_BIT: u64 = 1 << 62;
/// Set when the child's slot holds a key word other than [`NONE`].
const KEY_BIT: u64 = 1 << 63;
/// An empty slot: its parent field, 2^21 - 1, is no node's id.
const EMPTY: u64 = u64::MAX;

const _: () = assert!(
    MAX_SCANNED_SLOTS.is_power_of_two()
        && MAX_SCANNED_SLOTS < 1 << PARENT_BITS
        && CHILD_MASK << CHILD_SHIFT < BOUNDARY_BIT
        && char::MAX as u64 >> CHAR_BITS == 0,
    "the fields of a packed edge must hold the root's id, every slot and every character"
);

/// What a step by an indexed character finds: the child's node (its slot in
/// `KeyEdges`), the key word stored with it, and whether it is a boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Edge {
    /// The child's node: its slot in `KeyEdges`.
    pub(crate) node: u32,
    /// The key word of the child's slot in `KeyEdges` (a key id, or
    /// [`NONE`]).
    pub(crate) key: u32,
    /// Whether the child is a boundary ([`EDGE_BOUNDARY`]), whose hash is
    /// its node.
    pub(crate) boundary: bool,
}

impl CjkEdges {
    /// The index of `edges` ([`EDGE_WORDS`] words per slot, as `KeyEdges`
    /// holds them), or `None` when `edges` has more than
    /// [`MAX_SCANNED_SLOTS`] slots.
    pub(crate) fn build(edges: &[u32]) -> Option<CjkEdges> {
        let slot_count = edges.len() / EDGE_WORDS;
        if slot_count > MAX_SCANNED_SLOTS {
            return None;
        }
        // Left out: empty slots (their character word is NONE), and edges
        // from a parent past the root's id or by no character, which only
        // a damaged table holds (slots are not validated at load) and
        // which could spill into the packed word's other fields. A walk
        // that reaches such a parent (from a damaged first-term slot) may
        // then find through `KeyEdges` an edge the index lacks: as with
        // duplicate edges, the two lookups differ only in damaged tables,
        // and `verify` reads `KeyEdges`.
        let indexed = |entry: &[u32]| {
            (FIRST_INDEXED..=char::MAX as u32).contains(&(entry[1] & !EDGE_BOUNDARY))
                && entry[0] as usize <= slot_count
        };
        let count = edges
            .chunks_exact(EDGE_WORDS)
            .filter(|e| indexed(e))
            .count();
        // At most 5/8 full, so that a probe for an absent edge (most steps
        // from the root of a word that starts no name end there) stops
        // within a cache line or two.
        let size = (count * 8 / 5 + 1).next_power_of_two().max(16);
        let mask = size - 1;
        let mut slots = vec![EMPTY; size];
        for (node, entry) in edges.chunks_exact(EDGE_WORDS).enumerate() {
            if !indexed(entry) {
                continue;
            }
            let c = entry[1] & !EDGE_BOUNDARY;
            let mut slot = home(entry[0], c) & mask;
            while slots[slot] != EMPTY {
                slot = (slot + 1) & mask;
            }
            // `indexed` kept the parent and the character within their
            // fields; the child, a slot, is below the slot count.
            let mut word =
                u64::from(c) | u64::from(entry[0]) << CHAR_BITS | (node as u64) << CHILD_SHIFT;
            if entry[1] & EDGE_BOUNDARY != 0 {
                word |= BOUNDARY_BIT;
            }
            if entry[2] != NONE {
                word |= KEY_BIT;
            }
            slots[slot] = word;
        }
        Some(CjkEdges {
            slots: Cow::Owned(slots),
            mask,
            slot_count,
        })
    }

    /// The packed words, one per slot: what [`Self::from_words`] takes
    /// back (a build script writes them beside the table it compiles).
    pub(crate) fn words(&self) -> &[u64] {
        &self.slots
    }

    /// The index whose slots are `words`, as [`Self::words`] gave them for a
    /// `KeyEdges` of `slot_count` slots; `None` unless `words` is a power of
    /// two of at least 16 words and `slot_count` is within the bound. The
    /// words are taken as they are: the caller vouches that they were made
    /// from this very `KeyEdges` (see `AliasTable::set_east_asian_index`).
    pub(crate) fn from_words(words: &'static [u64], slot_count: usize) -> Option<CjkEdges> {
        (words.len().is_power_of_two() && words.len() >= 16 && slot_count <= MAX_SCANNED_SLOTS)
            .then(|| CjkEdges {
                slots: Cow::Borrowed(words),
                mask: words.len() - 1,
                slot_count,
            })
    }

    /// The edge by `c` (at least [`FIRST_INDEXED`]) from node `parent`:
    /// what a probe of `KeyEdges` finds in a table `canon alias compile`
    /// wrote, where each (parent, character) has one edge. (A damaged
    /// table may hold two, or edges the index leaves out: see `build`; the
    /// two lookups may then differ.) `edges` is the `KeyEdges` the index
    /// was made from: the key word of a child that has one is read there.
    #[inline(always)]
    pub(crate) fn step(&self, edges: &[u32], parent: u32, c: char) -> Option<Edge> {
        debug_assert_eq!(
            edges.len() / EDGE_WORDS,
            self.slot_count,
            "another KeyEdges"
        );
        let c = c as u32;
        let wanted = u64::from(c) | u64::from(parent) << CHAR_BITS;
        let mut slot = home(parent, c) & self.mask;
        // An index from `build` is never full, so an empty slot ends every
        // probe; words given to `from_words` may fill it, and the bound
        // then ends the probe after one pass.
        for _ in 0..=self.mask {
            let entry = self.slots[slot];
            if entry & ((1 << CHILD_SHIFT) - 1) == wanted {
                let node = (entry >> CHILD_SHIFT & CHILD_MASK) as u32;
                let key = if entry & KEY_BIT != 0 {
                    edges
                        .get(node as usize * EDGE_WORDS + 2)
                        .copied()
                        .unwrap_or(NONE)
                } else {
                    NONE
                };
                return Some(Edge {
                    node,
                    key,
                    boundary: entry & BOUNDARY_BIT != 0,
                });
            }
            if entry == EMPTY {
                return None;
            }
            slot = (slot + 1) & self.mask;
        }
        None
    }

    /// The index's size in bytes.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        std::mem::size_of_val(&*self.slots)
    }

    /// How many edges the index holds.
    #[cfg(test)]
    pub(crate) fn edges(&self) -> usize {
        self.slots.iter().filter(|&&slot| slot != EMPTY).count()
    }
}

/// The home slot (before the mask) of the edge by `c` from `parent`: the
/// top bits of a multiplicative hash of both.
#[inline(always)]
fn home(parent: u32, c: u32) -> usize {
    let mixed = (u64::from(parent) << 21 | u64::from(c)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> 40) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_past_the_bound_go_without_and_the_index_stays_small() {
        let empty = |slots: usize| [0, NONE, NONE].repeat(slots);
        assert!(CjkEdges::build(&empty(MAX_SCANNED_SLOTS + 1)).is_none());
        let index = CjkEdges::build(&empty(MAX_SCANNED_SLOTS)).expect("at the bound");
        assert_eq!(index.bytes(), 16 * 8, "no edges: the smallest index");
        assert_eq!(
            index.step(&empty(MAX_SCANNED_SLOTS), MAX_SCANNED_SLOTS as u32, '中'),
            None
        );
        // One edge by 中 from the root (slot count 16) to slot 3, a key's end
        // and a boundary; an edge by `a` is left to `KeyEdges`.
        let mut edges = empty(16);
        edges[3 * EDGE_WORDS..4 * EDGE_WORDS].copy_from_slice(&[
            16,
            '中' as u32 | EDGE_BOUNDARY,
            7,
        ]);
        edges[5 * EDGE_WORDS..6 * EDGE_WORDS].copy_from_slice(&[16, 'a' as u32, NONE]);
        let index = CjkEdges::build(&edges).unwrap();
        assert_eq!(index.edges(), 1, "the edge by `a` is left out");
        let edge = Edge {
            node: 3,
            key: 7,
            boundary: true,
        };
        assert_eq!(index.step(&edges, 16, '中'), Some(edge));
        assert_eq!(index.step(&edges, 3, '中'), None);
        assert_eq!(index.step(&edges, 16, '国'), None);
    }

    /// The packed words hold the largest values a table within the bound
    /// has: the root's id (the slot count, 2^20), the last slot as child
    /// and parent, the last character; the key word comes from `KeyEdges`
    /// whatever it holds, and a word of `NONE` is no key.
    /// Words read back by `from_words` are taken as they are: a table of
    /// them with no empty slot still ends every probe (after one pass), and
    /// a key flag on a child past `KeyEdges` gives no key; lengths other
    /// than a power of two of at least 16 words are refused.
    #[test]
    fn words_read_back_end_every_probe() {
        let edges = [0, NONE, NONE].repeat(16);
        let full: &'static [u64] = Box::leak(vec![0u64; 16].into_boxed_slice());
        let index = CjkEdges::from_words(full, 16).unwrap();
        assert_eq!(index.step(&edges, 16, '中'), None);
        // Every slot the edge by 中 from the root (16) to child 1,000.
        let word = u64::from('中') | 16 << CHAR_BITS | 1_000 << CHILD_SHIFT | KEY_BIT;
        let keyed: &'static [u64] = Box::leak(vec![word; 16].into_boxed_slice());
        let index = CjkEdges::from_words(keyed, 16).unwrap();
        let edge = Edge {
            node: 1_000,
            key: NONE,
            boundary: false,
        };
        assert_eq!(index.step(&edges, 16, '中'), Some(edge));
        for len in [0, 8, 24] {
            let words: &'static [u64] = Box::leak(vec![EMPTY; len].into_boxed_slice());
            assert!(CjkEdges::from_words(words, 16).is_none(), "{len} words");
        }
        assert!(CjkEdges::from_words(full, MAX_SCANNED_SLOTS + 1).is_none());
    }

    #[test]
    fn the_largest_nodes_and_characters_pack_and_unpack() {
        let slots = MAX_SCANNED_SLOTS;
        let root = slots as u32;
        let last = slots - 1;
        let top = char::MAX;
        let mut edges = [0, NONE, NONE].repeat(slots);
        edges[last * EDGE_WORDS..][..EDGE_WORDS].copy_from_slice(&[
            root,
            top as u32 | EDGE_BOUNDARY,
            u32::MAX - 2,
        ]);
        edges[5 * EDGE_WORDS..][..EDGE_WORDS].copy_from_slice(&[last as u32, '中' as u32, NONE]);
        edges[6 * EDGE_WORDS..][..EDGE_WORDS].copy_from_slice(&[5, top as u32, 0]);
        let index = CjkEdges::build(&edges).unwrap();
        assert_eq!(index.edges(), 3);
        let edge = |node, key, boundary| {
            Some(Edge {
                node,
                key,
                boundary,
            })
        };
        assert_eq!(
            index.step(&edges, root, top),
            edge(last as u32, u32::MAX - 2, true)
        );
        assert_eq!(index.step(&edges, last as u32, '中'), edge(5, NONE, false));
        assert_eq!(index.step(&edges, 5, top), edge(6, 0, false));
        for (parent, c) in [(root, '中'), (last as u32, top), (0, top), (6, '中')] {
            assert_eq!(index.step(&edges, parent, c), None, "{parent} {c:?}");
        }
        // A parent id past the parent field (a damaged first-term slot can
        // hand a walk one) finds nothing, whatever its low bits.
        assert_eq!(index.step(&edges, root | 1 << 21, top), None);
        assert_eq!(index.step(&edges, 5 | 1 << 21, top), None);
        // Damaged slots, a parent past the root's id and a character past
        // char::MAX, are left out: packed they could spill into the other
        // fields.
        edges[7 * EDGE_WORDS..][..EDGE_WORDS].copy_from_slice(&[root + 1, '中' as u32, 0]);
        edges[8 * EDGE_WORDS..][..EDGE_WORDS].copy_from_slice(&[5, 0x20_0000 | '中' as u32, 0]);
        let index = CjkEdges::build(&edges).unwrap();
        assert_eq!(index.edges(), 3);
        assert_eq!(index.step(&edges, root + 1, '中'), None);
        assert_eq!(index.step(&edges, 5, '中'), None);
        assert_eq!(index.step(&edges, 5, top), edge(6, 0, false));
    }
}
