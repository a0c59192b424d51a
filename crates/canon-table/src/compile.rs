//! Writing the compiled form of merged, checked entities (the layout is in
//! [`crate::format`]): everything matching and the `alias` commands need is
//! computed here once (normalized and folded forms, keys, inferred forms,
//! ancestors, the key trie, the segmenter's dictionary words and, when the
//! caller has the segmenter, what it derives from them), so that loading
//! computes nothing.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::format::{
    BITSET_WORDS, BLOOM_BITS_PER_TERM, BYTE_ORDER_MARK, EDGE_BOUNDARY, EDGE_WORDS, FLAG_BUILTIN,
    FORMAT_VERSION, HEADER_BYTES, MAGIC, NONE, PAIR_BITS_PER_WORD, SECOND_TERM_BITS_PER_TERM,
    SECTION_COUNT, SECTIONS, Section, TWO_CHARACTERS, alias_flags, bloom_bits, continuation_bit,
    edge_hash, first_term, pair_bit, quick_reject_slot, second_term_bits, term_hash, term_prefix,
    triple_bit,
};
use crate::normalize::chinese::fold;
use crate::normalize::normalize;
use crate::segmenter::{DeriveSegmenterWords, SegmenterWords};
use crate::{
    AliasForm, Entity, Kind, TableProblem, alias_key, exact_form, han_runs, inferred_form,
};

/// Why a table could not be compiled although it passed its checks: it is
/// too large for the format's 32-bit offsets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the table is too large to compile: {0}")]
pub struct TooLarge(String);

/// What a compiled table says about where it came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The table holds the built-in table (user tables compiled on top of it).
    pub builtin: bool,
    /// The checksum of the built-in table it holds (0 if none): a later
    /// canon whose built-in table differs can say that this one is stale.
    pub builtin_checksum: u32,
}

/// Compiles merged, checked `entities` (later tables already merged over
/// earlier ones, parents known) with the `warnings` their checks gave.
/// With `segmenter`, the Chinese segmenter's view of the dictionary words
/// it derives is stored too (see [`crate::format`]); without, those
/// sections are empty.
///
/// Memory: with a million aliases the entities, the sections and the file
/// are each hundreds of megabytes, and they are not all held at once. The
/// entities are dropped once the loop over them has written their sections
/// (before the key trie and the filters are built), and so are the maps
/// that only that loop asks (keys by text, entities by id); each key's
/// aliases go once written, the key trie's builder once its section is.
pub fn compile(
    entities: Vec<Entity>,
    warnings: &[TableProblem],
    provenance: Provenance,
    segmenter: Option<&DeriveSegmenterWords<'_>>,
) -> Result<Vec<u8>, TooLarge> {
    write_sections(entities, warnings, segmenter)?.finish(provenance)
}

/// The sections of [`compile`]'s file: a function of its own so that what
/// only writing them needs (the keys, the dictionary words, the interners)
/// is freed before [`Writer::finish`] allocates the file.
fn write_sections(
    entities: Vec<Entity>,
    warnings: &[TableProblem],
    segmenter: Option<&DeriveSegmenterWords<'_>>,
) -> Result<Writer, TooLarge> {
    let mut w = Writer::default();
    let by_id: FxHashMap<&str, u32> = entities
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i as u32))
        .collect();

    // Keys in byte order; a key's id is its rank.
    let mut keys: Vec<&str> = entities
        .iter()
        .flat_map(|e| e.aliases.iter())
        .map(|a| a.key.as_str())
        .filter(|k| !k.is_empty())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let key_id: FxHashMap<&str, u32> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (*k, i as u32))
        .collect();
    // Per key: (entity, alias, KeyRefFlags word, pool offset and length of
    // the exact text) of each of its aliases.
    let mut key_refs: Vec<Vec<[u32; 5]>> = vec![Vec::new(); keys.len()];

    let mut files: Interner = Interner::default();
    let mut langs: Interner = Interner::default();
    let mut topics: Interner = Interner::default();
    let mut dictionary: Vec<String> = Vec::new();
    let mut alias_count: u32 = 0;
    w.u32(Section::EntityAliases, 0);
    w.u32(Section::EntityTopics, 0);
    w.u32(Section::EntityContext, 0);
    w.u32(Section::EntityContextKeys, 0);
    w.u32(Section::EntityAncestors, 0);
    w.u32(Section::AliasBlockers, 0);
    let (mut topic_items, mut context_items, mut context_keys, mut ancestor_items, mut blockers) =
        (0u32, 0u32, 0u32, 0u32, 0u32);
    let parents: Vec<u32> = entities
        .iter()
        .map(|e| {
            e.parent
                .as_ref()
                .and_then(|p| by_id.get(p.as_str()).copied())
                .unwrap_or(NONE)
        })
        .collect();

    let mut isolated = vec![0u64; entities.len().div_ceil(64)];
    for (e, entity) in entities.iter().enumerate() {
        w.string(Section::EntityId, &entity.id);
        w.string(Section::EntityName, &entity.name);
        w.string(
            Section::EntityWikidata,
            entity.wikidata.as_deref().unwrap_or(""),
        );
        let kind = Kind::ALL
            .iter()
            .position(|k| *k == entity.kind)
            .expect("every kind is in Kind::ALL");
        w.u32(Section::EntityKind, kind as u32);
        w.u32(Section::EntityFile, files.id(&entity.file));
        w.u32(Section::EntityLine, entity.line as u32);
        w.u32(Section::EntityParent, parents[e]);

        // No topics, context keys or ancestors added for this entity.
        let isolated_counts = (topic_items, context_keys, ancestor_items);
        for topic in &entity.topics {
            let id = topics.id(topic);
            w.u32(Section::TopicIds, id);
            topic_items += 1;
        }
        w.u32(Section::EntityTopics, topic_items);
        for word in &entity.context {
            w.string(Section::ContextText, word);
            context_items += 1;
            let key = alias_key(word);
            if !key.is_empty() {
                w.string(Section::ContextKeys, &key);
                context_keys += 1;
            }
        }
        w.u32(Section::EntityContext, context_items);
        w.u32(Section::EntityContextKeys, context_keys);

        // Parent cycles are rejected when the table is checked; the bound
        // keeps this finite regardless.
        let mut current = parents[e];
        let mut depth = 0;
        while current != NONE && depth < entities.len() && current as usize != e {
            w.u32(Section::Ancestors, current);
            ancestor_items += 1;
            depth += 1;
            current = parents[current as usize];
        }
        w.u32(Section::EntityAncestors, ancestor_items);
        if (topic_items, context_keys, ancestor_items) == isolated_counts {
            isolated[e / 64] |= 1 << (e % 64);
        }

        let written: Vec<String> = entity
            .aliases
            .iter()
            .map(|a| normalize(&a.text).text().to_string())
            .collect();
        for (a, alias) in entity.aliases.iter().enumerate() {
            let normalized = &written[a];
            let folded = fold(normalized);
            let fold_changes = folded.as_ref() != normalized.as_str()
                && !written.iter().any(|w| *w == folded.as_ref());
            let key = if alias.key.is_empty() {
                NONE
            } else {
                key_id[alias.key.as_str()]
            };
            let form = alias.form.unwrap_or_else(|| inferred_form(entity, alias));
            let mut flags = form_bits(form) << alias_flags::FORM_SHIFT;
            if let Some(given) = alias.form {
                flags |= (1 + form_bits(given)) << alias_flags::GIVEN_FORM_SHIFT;
            }
            if alias.case_exact {
                flags |= alias_flags::CASE_EXACT;
            }
            if alias.needs_support {
                flags |= alias_flags::NEEDS_SUPPORT;
            }
            if fold_changes {
                flags |= alias_flags::FOLD_CHANGES;
            }
            let text = w.pool(&alias.text);
            w.str_ref(Section::AliasText, text);
            let exact = exact_form(normalized, &alias.key);
            let exact_ref = if exact == alias.text {
                text
            } else {
                w.pool(&exact)
            };
            w.str_ref(Section::AliasExact, exact_ref);
            w.u32(Section::AliasLang, langs.id(&alias.lang));
            w.u32(Section::AliasKey, key);
            w.u32(Section::AliasFlags, flags);
            w.u32(Section::AliasLine, alias.line as u32);
            if key != NONE {
                let mut ref_flags = flags
                    | u32::from(exact.as_bytes().first().copied().unwrap_or(0))
                        << alias_flags::EXACT_FIRST_SHIFT;
                if !alias.blockers.is_empty() {
                    ref_flags |= alias_flags::HAS_BLOCKERS;
                }
                ref_flags |= alias_flags::exact_shape(&alias.key, &exact);
                let [offset, len] = exact_ref;
                key_refs[key as usize].push([e as u32, a as u32, ref_flags, offset, len]);
            }
            dictionary.extend(
                han_runs(&fold(normalized))
                    .into_iter()
                    .filter(|run| run.chars().count() >= 2),
            );
            for blocker in &alias.blockers {
                w.string(Section::BlockerText, blocker);
                let folded = fold(normalize(blocker).text()).into_owned();
                w.string(Section::BlockerMatch, &folded.to_lowercase());
                dictionary.extend(
                    han_runs(&folded)
                        .into_iter()
                        .filter(|run| run.chars().count() >= 2),
                );
                blockers += 1;
            }
            w.u32(Section::AliasBlockers, blockers);
            alias_count += 1;
        }
        w.u32(Section::EntityAliases, alias_count);
    }

    // Only the loop above asks keys by text or entities by id. The keys,
    // read from the entities, are copied into one buffer (in the same
    // order) so that the entities can go.
    drop(key_id);
    drop(by_id);
    let mut key_bytes = String::with_capacity(keys.iter().map(|k| k.len()).sum());
    let key_ends: Vec<usize> = keys
        .iter()
        .map(|k| {
            key_bytes.push_str(k);
            key_bytes.len()
        })
        .collect();
    drop(keys);
    drop(entities);
    let keys: Vec<&str> = key_ends
        .iter()
        .scan(0, |start, &end| {
            let key = &key_bytes[*start..end];
            *start = end;
            Some(key)
        })
        .collect();
    drop(key_ends);
    let mut refs = 0u32;
    let mut needs_capital = vec![0u64; keys.len().div_ceil(64)];
    for (id, list) in key_refs.iter().enumerate() {
        let capital = |&[_, _, flags, _, _]: &[u32; 5]| {
            flags & alias_flags::CASE_EXACT != 0
                && ((flags >> alias_flags::EXACT_FIRST_SHIFT) as u8).is_ascii_uppercase()
        };
        if !list.is_empty() && list.iter().all(capital) {
            needs_capital[id / 64] |= 1 << (id % 64);
        }
    }
    for word in needs_capital {
        w.u64(Section::KeyNeedsCapital, word);
    }
    for word in isolated {
        w.u64(Section::EntityIsolated, word);
    }
    w.u32(Section::KeyAliases, 0);
    for (key, list) in keys.iter().zip(&key_refs) {
        w.string(Section::KeyText, key);
        let mut previous: Option<[u32; 3]> = None;
        for &[entity, alias, mut ref_flags, offset, len] in list {
            if let Some([previous_flags, previous_offset, previous_len]) = previous
                && alias_flags::exact_without_blockers(previous_flags)
                && alias_flags::exact_without_blockers(ref_flags)
                && w.pool_bytes(previous_offset, previous_len) == w.pool_bytes(offset, len)
            {
                ref_flags |= alias_flags::SAME_SURFACE_AS_PREVIOUS;
            }
            previous = Some([ref_flags, offset, len]);
            w.u32(Section::KeyRefs, entity);
            w.u32(Section::KeyRefs, alias);
            w.u32(Section::KeyRefFlags, ref_flags);
        }
        refs += list.len() as u32;
        w.u32(Section::KeyAliases, refs);
    }
    drop(key_refs);

    let boundaries: FxHashSet<&str> = keys
        .iter()
        .filter_map(|key| first_term(key).map(|(term, _)| term))
        .collect();
    let edges = KeyEdges::build(keys.iter().copied().enumerate(), |prefix| {
        boundaries.contains(prefix)
    })?;
    drop(boundaries);
    first_terms(&mut w, &edges, &keys);
    edges.write(&mut w, Section::KeyEdges);
    drop(edges);

    let mut first_chars = vec![0u64; BITSET_WORDS];
    for key in &keys {
        if let Some(c) = key.chars().next()
            && (c as usize) < 0x10000
        {
            first_chars[c as usize / 64] |= 1 << (c as usize % 64);
        }
    }
    for word in first_chars {
        w.u64(Section::FirstChars, word);
    }
    for word in key_pairs(&keys) {
        w.u64(Section::KeyPairs, word);
    }
    for word in key_start_pairs(&keys) {
        w.u64(Section::KeyStartPairs, word);
    }

    dictionary.sort_unstable();
    dictionary.dedup();
    for word in &dictionary {
        w.string(Section::DictionaryWords, word);
    }
    if let Some(derive) = segmenter {
        let derived = derive(&dictionary);
        write_segmenter(&mut w, &dictionary, &derived)?;
    }
    for name in &files.names {
        w.string(Section::Files, name);
    }
    for name in &langs.names {
        w.string(Section::Langs, name);
    }
    for name in &topics.names {
        w.string(Section::TopicNames, name);
    }
    for problem in warnings {
        let file = w.pool(&problem.file);
        w.str_ref(Section::Warnings, file);
        w.u32(Section::Warnings, problem.line as u32);
        let message = w.pool(&problem.message);
        w.str_ref(Section::Warnings, message);
    }
    Ok(w)
}

/// [`Section::KeyPairs`] of `keys`: the one-character keys' bits, then the
/// pairs' bit set.
fn key_pairs(keys: &[&str]) -> Vec<u64> {
    let mut single = vec![0u64; BITSET_WORDS];
    let mut pairs: Vec<(char, char)> = Vec::new();
    for key in keys {
        let mut chars = key.chars();
        let Some(mut previous) = chars.next() else {
            continue;
        };
        let mut alone = true;
        for c in chars {
            alone = false;
            if !c.is_ascii() {
                pairs.push((previous, c));
            }
            previous = c;
        }
        if alone && (previous as usize) < 0x10000 {
            single[previous as usize / 64] |= 1 << (previous as usize % 64);
        }
    }
    single.extend(pair_bits(pairs, BITSET_WORDS));
    single
}

/// [`Section::KeyStartPairs`] of `keys`: the first two characters of every
/// key whose second character is not ASCII.
fn key_start_pairs(keys: &[&str]) -> Vec<u64> {
    let pairs = keys
        .iter()
        .filter_map(|key| {
            let mut chars = key.chars();
            let first = chars.next()?;
            chars.next().filter(|c| !c.is_ascii()).map(|c| (first, c))
        })
        .collect();
    pair_bits(pairs, 1)
}

/// A bit set of at least `fewest_words` words, a power of two of them, with
/// the bit of every one of `pairs` ([`pair_bit`]).
fn pair_bits(pairs: Vec<(char, char)>, fewest_words: usize) -> Vec<u64> {
    entry_bits(pairs, fewest_words, |(first, second), words| {
        pair_bit(first, second, words)
    })
}

/// A bit set of at least `fewest_words` words, a power of two of them and
/// at least [`PAIR_BITS_PER_WORD`] bits per distinct entry, with the bit
/// `bit` gives every one of `entries` (given the set's size in words).
fn entry_bits<T: Ord>(
    mut entries: Vec<T>,
    fewest_words: usize,
    bit: impl Fn(T, usize) -> (usize, u64),
) -> Vec<u64> {
    entries.sort_unstable();
    entries.dedup();
    let words = (entries.len() * PAIR_BITS_PER_WORD)
        .div_ceil(64)
        .next_power_of_two()
        .max(fewest_words);
    let mut bits = vec![0u64; words];
    for entry in entries {
        let (word, mask) = bit(entry, words);
        bits[word] |= mask;
    }
    bits
}

fn form_bits(form: AliasForm) -> u32 {
    match form {
        AliasForm::Full => 0,
        AliasForm::Short => 1,
        AliasForm::Acronym => 2,
    }
}

/// The segmenter's sections (see [`crate::format`]) for `dictionary`, the
/// table's dictionary words, from what the segmenter `derived` of them.
fn write_segmenter(
    w: &mut Writer,
    dictionary: &[String],
    derived: &SegmenterWords,
) -> Result<(), TooLarge> {
    assert_eq!(
        derived.words.len(),
        dictionary.len(),
        "the segmenter derives one entry per dictionary word"
    );
    let mut min_piece_bytes = u64::MAX;
    let mut piece_ends = 0u32;
    w.u32(Section::SegmenterPieces, 0);
    let mut pairs: Vec<(char, char)> = Vec::new();
    let mut triples: Vec<(char, char, char)> = Vec::new();
    let mut short_words = false;
    for (i, (word, entry)) in dictionary.iter().zip(&derived.words).enumerate() {
        w.u64(Section::SegmenterFreqs, entry.freq);
        w.u64(Section::SegmenterFreqs, (entry.freq as f64).ln().to_bits());
        match entry.jieba_state {
            Some(state) => {
                w.u32(Section::SegmenterJieba, i as u32);
                w.u32(Section::SegmenterJieba, state);
            }
            None => {
                let mut chars = word.chars();
                match (chars.next(), chars.next()) {
                    (Some(first), Some(second)) => {
                        pairs.push((first, second));
                        let third = chars.next().unwrap_or(TWO_CHARACTERS);
                        triples.push((first, second, third));
                    }
                    _ => short_words = true,
                }
            }
        }
        if !entry.piece_ends.is_empty() {
            min_piece_bytes = min_piece_bytes.min(word.len() as u64);
        }
        for &end in &entry.piece_ends {
            w.u32(Section::SegmenterPieceEnds, end);
        }
        piece_ends += entry.piece_ends.len() as u32;
        w.u32(Section::SegmenterPieces, piece_ends);
    }
    let mut bits = pair_bits(pairs, BITSET_WORDS);
    let mut triple_bits = entry_bits(triples, 1, |(first, second, third), words| {
        triple_bit(first, second, third, words)
    });
    if short_words {
        bits.fill(u64::MAX);
        triple_bits.fill(u64::MAX);
    }
    for word in bits {
        w.u64(Section::SegmenterPairs, word);
    }
    for word in triple_bits {
        w.u64(Section::SegmenterTriples, word);
    }
    let added = dictionary
        .iter()
        .zip(&derived.words)
        .enumerate()
        .filter(|(_, (_, entry))| entry.jieba_state.is_none())
        .map(|(i, (word, _))| (i, word.as_str()));
    KeyEdges::build(added, |_| false)?.write(w, Section::SegmenterEdges);
    for word in derived.fingerprint {
        w.u64(Section::SegmenterHeader, word);
    }
    w.u64(Section::SegmenterHeader, derived.total);
    w.u64(Section::SegmenterHeader, min_piece_bytes);
    Ok(())
}

/// A character trie laid out as [`Section::KeyEdges`] (see
/// [`crate::format`]): the key trie, and the segmenter's added words.
struct KeyEdges {
    /// [`EDGE_WORDS`] words per slot.
    slots: Vec<u32>,
    /// Per slot, the hash of the node there ([`edge_hash`]); not written:
    /// the reader computes it as it walks.
    hashes: Vec<u32>,
}

impl KeyEdges {
    /// The trie of `keys`, (id, key) pairs sorted by key, keys distinct;
    /// a node whose prefix `boundary_prefix` accepts is a boundary (see
    /// [`EDGE_BOUNDARY`]).
    fn build<'k>(
        keys: impl Iterator<Item = (usize, &'k str)> + Clone,
        boundary_prefix: impl Fn(&str) -> bool,
    ) -> Result<KeyEdges, TooLarge> {
        // One edge per distinct prefix: a key adds the characters after the
        // prefix it shares with the key before it.
        let mut edges = 0usize;
        let mut previous = "";
        for (_, key) in keys.clone() {
            let shared = previous
                .char_indices()
                .zip(key.chars())
                .take_while(|((_, a), b)| a == b)
                .count();
            edges += key.chars().count() - shared;
            previous = key;
        }
        // At most half full: an absent edge, the commonest question, is
        // answered after a probe or two.
        let slot_count = (edges * 2).next_power_of_two().max(16);
        if slot_count >= NONE as usize {
            return Err(TooLarge(format!("{edges} edges in the key trie")));
        }
        let mut trie = KeyEdges {
            slots: [0, NONE, NONE].repeat(slot_count),
            hashes: vec![0; slot_count],
        };
        let root = slot_count as u32;
        for (id, key) in keys {
            let mut node = root;
            for (at, c) in key.char_indices() {
                // Parents come before children: a boundary's mark is there
                // before the hashes of its children are taken from it.
                node = trie.child_or_insert(node, c, || boundary_prefix(&key[..at + c.len_utf8()]));
            }
            trie.slots[node as usize * EDGE_WORDS + 2] = id as u32;
        }
        Ok(trie)
    }

    fn slot_count(&self) -> usize {
        self.slots.len() / EDGE_WORDS
    }

    /// The root's id, the slot count: a boundary, its hash its id.
    fn root(&self) -> u32 {
        self.slot_count() as u32
    }

    /// The hash of `node` (see [`edge_hash`]).
    fn hash(&self, node: u32) -> u32 {
        if node == self.root() {
            node
        } else {
            self.hashes[node as usize]
        }
    }

    /// The node `c` leads to from `parent`, inserted if absent (a
    /// boundary if `boundary` says so).
    fn child_or_insert(&mut self, parent: u32, c: char, boundary: impl FnOnce() -> bool) -> u32 {
        let mask = self.slot_count() - 1;
        let hash = edge_hash(self.hash(parent), c);
        let mut slot = hash as usize & mask;
        loop {
            let entry = &mut self.slots[slot * EDGE_WORDS..(slot + 1) * EDGE_WORDS];
            if entry[1] == NONE {
                let boundary = boundary();
                entry[0] = parent;
                entry[1] = c as u32 | if boundary { EDGE_BOUNDARY } else { 0 };
                self.hashes[slot] = if boundary { slot as u32 } else { hash };
                return slot as u32;
            }
            if entry[0] == parent && entry[1] & !EDGE_BOUNDARY == c as u32 {
                return slot as u32;
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The id of the key that ends at `node` (not the root), or [`NONE`].
    fn key_at(&self, node: u32) -> u32 {
        self.slots[node as usize * EDGE_WORDS + 2]
    }

    /// The node `c` leads to from `parent`, or [`NONE`].
    fn child(&self, parent: u32, c: char) -> u32 {
        let mask = self.slot_count() - 1;
        let mut slot = edge_hash(self.hash(parent), c) as usize & mask;
        loop {
            let entry = &self.slots[slot * EDGE_WORDS..(slot + 1) * EDGE_WORDS];
            if entry[1] == NONE {
                return NONE;
            }
            if entry[0] == parent && entry[1] & !EDGE_BOUNDARY == c as u32 {
                return slot as u32;
            }
            slot = (slot + 1) & mask;
        }
    }

    /// The node `s` leads to from the root (`s` is a prefix of a key).
    fn walk(&self, s: &str) -> u32 {
        let mut node = self.root();
        for c in s.chars() {
            node = self.child(node, c);
            assert_ne!(node, NONE, "a prefix of a key is in the key trie");
        }
        node
    }

    /// Whether `node` is a boundary (the root is one).
    fn is_boundary(&self, node: u32) -> bool {
        node == self.root() || self.slots[node as usize * EDGE_WORDS + 1] & EDGE_BOUNDARY != 0
    }

    fn write(&self, w: &mut Writer, section: Section) {
        // In one copy, native-endian as `Writer::u32` writes: the key trie's
        // edges are a large table's largest section, which growing word by
        // word would hold twice while it doubles.
        w.section(section)
            .extend_from_slice(zerocopy::IntoBytes::as_bytes(self.slots.as_slice()));
    }
}

/// The first terms of keys that start with a term of a spaced script, each
/// with the node of the key trie it leads to, its continuation bits and
/// first bytes ([`Section::FirstTermSlots`]), their quick-reject and Bloom
/// filters, and the second terms' filter ([`Section::SecondTermFilter`]).
fn first_terms(w: &mut Writer, edges: &KeyEdges, keys: &[&str]) {
    // Each first term with its continuation bits and the ASCII letters and
    // digits that follow it and a separator in keys (its second terms).
    let mut continuations: FxHashMap<&str, (u64, Vec<&str>)> = FxHashMap::default();
    for key in keys {
        let Some((term, written)) = first_term(key) else {
            continue;
        };
        let (bits, seconds) = continuations.entry(term).or_default();
        // The matcher asks the bits and the second terms only where a
        // separator follows the term in the document (no possessive marker).
        if term.len() != written.len() {
            continue;
        }
        let Some(rest) = key[written.len()..].strip_prefix(' ') else {
            continue;
        };
        let end = rest
            .bytes()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if let [first, second, ..] = rest.as_bytes()[..end] {
            *bits |= 1 << continuation_bit(first, second);
        }
        if end > 0 {
            seconds.push(&rest[..end]);
        }
    }
    let mut terms: Vec<(&str, (u64, Vec<&str>))> = continuations.into_iter().collect();
    terms.sort_unstable();
    for (_, (_, seconds)) in &mut terms {
        seconds.sort_unstable();
        seconds.dedup();
    }
    let second_count: usize = terms.iter().map(|(_, (_, seconds))| seconds.len()).sum();
    let second_words = (second_count * SECOND_TERM_BITS_PER_TERM / 64)
        .next_power_of_two()
        .max(1);
    let mut second_bloom = vec![0u64; second_words];
    let mut filter = vec![0u64; BITSET_WORDS];
    let bloom_words = (terms.len() * BLOOM_BITS_PER_TERM / 64)
        .next_power_of_two()
        .max(1);
    let mut bloom = vec![0u64; bloom_words];
    let slot_count = (terms.len() * 2).next_power_of_two().max(16);
    // Per slot: term offset, term length (NONE: empty), node, key at the
    // node, node after a separator, continuation bits (low, high), the
    // term's first bytes.
    let mut slots = vec![[0, NONE, NONE, NONE, NONE, 0, 0, 0]; slot_count];
    for (term, (continuation, seconds)) in terms {
        let node = edges.walk(term);
        // The matcher takes the node's hash to be its slot.
        assert!(edges.is_boundary(node), "a first term's node is a boundary");
        let space = edges.child(node, ' ');
        for second in seconds {
            let (word, bits) = second_term_bits(space, second, second_words);
            second_bloom[word] |= bits;
        }
        let [offset, len] = w.pool(term);
        let mut slot = term_hash(term) as usize & (slot_count - 1);
        while slots[slot][1] != NONE {
            slot = (slot + 1) & (slot_count - 1);
        }
        slots[slot] = [
            offset,
            len,
            node,
            edges.key_at(node),
            space,
            continuation as u32,
            (continuation >> 32) as u32,
            term_prefix(term),
        ];
        let bit = quick_reject_slot(term);
        filter[bit / 64] |= 1 << (bit % 64);
        let (word, bits) = bloom_bits(term_hash(term), bloom_words);
        bloom[word] |= bits;
    }
    for slot in slots {
        for word in slot {
            w.u32(Section::FirstTermSlots, word);
        }
    }
    for word in filter.into_iter().chain(bloom) {
        w.u64(Section::FirstTermFilter, word);
    }
    for word in second_bloom {
        w.u64(Section::SecondTermFilter, word);
    }
}

/// Gives each distinct name an index, in first-seen order.
#[derive(Default)]
struct Interner {
    names: Vec<String>,
    ids: FxHashMap<String, u32>,
}

impl Interner {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), id);
        id
    }
}

/// The sections under construction and the string pool.
struct Writer {
    sections: Vec<Vec<u8>>,
    too_large: bool,
}

impl Default for Writer {
    fn default() -> Writer {
        Writer {
            sections: vec![Vec::new(); SECTION_COUNT],
            too_large: false,
        }
    }
}

impl Writer {
    fn section(&mut self, section: Section) -> &mut Vec<u8> {
        &mut self.sections[section as usize]
    }

    fn u32(&mut self, section: Section, value: u32) {
        self.section(section)
            .extend_from_slice(&value.to_ne_bytes());
    }

    fn u64(&mut self, section: Section, value: u64) {
        self.section(section)
            .extend_from_slice(&value.to_ne_bytes());
    }

    /// Adds `s` to the pool: (offset, length).
    fn pool(&mut self, s: &str) -> [u32; 2] {
        let pool = self.section(Section::Strings);
        let offset = pool.len();
        pool.extend_from_slice(s.as_bytes());
        if pool.len() > u32::MAX as usize {
            self.too_large = true;
        }
        [offset as u32, s.len() as u32]
    }

    /// The bytes of a pooled string.
    /// (Empty past the pool: a pool past 4 GiB wraps offsets, and is
    /// refused when the table is finished.)
    fn pool_bytes(&self, offset: u32, len: u32) -> &[u8] {
        let start = offset as usize;
        self.sections[Section::Strings as usize]
            .get(start..start + len as usize)
            .unwrap_or(&[])
    }

    fn str_ref(&mut self, section: Section, [offset, len]: [u32; 2]) {
        self.u32(section, offset);
        self.u32(section, len);
    }

    fn string(&mut self, section: Section, s: &str) {
        let r = self.pool(s);
        self.str_ref(section, r);
    }

    /// The file: header, section table, sections (each 8-aligned).
    fn finish(mut self, provenance: Provenance) -> Result<Vec<u8>, TooLarge> {
        if self.too_large {
            return Err(TooLarge("more than 4 GiB of strings".into()));
        }
        let table_bytes = SECTION_COUNT * 16;
        let mut offset = HEADER_BYTES + table_bytes;
        let mut ranges = Vec::with_capacity(SECTION_COUNT);
        for section in SECTIONS {
            let len = self.sections[section as usize].len();
            ranges.push((offset as u64, len as u64));
            offset = (offset + len).next_multiple_of(8);
        }
        let mut out = Vec::with_capacity(offset);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_ne_bytes());
        out.extend_from_slice(&BYTE_ORDER_MARK.to_ne_bytes());
        let flags = if provenance.builtin { FLAG_BUILTIN } else { 0 };
        out.extend_from_slice(&flags.to_ne_bytes());
        out.extend_from_slice(&(SECTION_COUNT as u32).to_ne_bytes());
        out.extend_from_slice(&0u32.to_ne_bytes()); // checksum, below
        out.extend_from_slice(&provenance.builtin_checksum.to_ne_bytes());
        out.extend_from_slice(&(offset as u64).to_ne_bytes());
        out.extend_from_slice(&0u64.to_ne_bytes());
        debug_assert_eq!(out.len(), HEADER_BYTES);
        for (start, len) in &ranges {
            out.extend_from_slice(&start.to_ne_bytes());
            out.extend_from_slice(&len.to_ne_bytes());
        }
        for (section, (start, _)) in SECTIONS.iter().zip(&ranges) {
            out.resize(*start as usize, 0);
            // Each section is freed once copied, so that the memory in use
            // (resident pages, where the allocator returns freed ones) does
            // not hold every section and the whole file at the end.
            let bytes = std::mem::take(&mut self.sections[*section as usize]);
            out.extend_from_slice(&bytes);
        }
        out.resize(offset, 0);
        let checksum = crate::format::file_checksum(&out);
        out[CHECKSUM_AT..CHECKSUM_AT + 4].copy_from_slice(&checksum.to_ne_bytes());
        Ok(out)
    }
}

pub(crate) use crate::format::CHECKSUM_AT;
