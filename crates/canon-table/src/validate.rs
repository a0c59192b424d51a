//! The structural check of a compiled table's contents, part of
//! [`AliasTable::verify`] (not of loading, which checks sizes only; see
//! [`crate::table`]): every column has the length its counts demand, every
//! offset list rises and stays inside the column it points into, every index
//! names something that exists, every string lies inside the pool on
//! character boundaries, and the pool is UTF-8. One pass over the columns,
//! no parsing. The checksum catches damage; this catches a file that was not
//! written by canon's compiler. Accessors stay safe without it, giving
//! wrong answers on such a file. What the compiler derives for speed is
//! checked against what it is derived from ([`validate_derived`]): the key
//! references' flags, the keys' capital bits and the isolated entities'
//! bits exactly, and the first characters, the character pairs, the first
//! pairs, the first terms' slots, continuation bits and second terms'
//! filter for every key (a filter may let more through than the keys need,
//! which costs speed only; one that turned a key away would lose its
//! matches).

use crate::format::{EDGE_WORDS, NONE, SLOT_WORDS, Section, alias_flags, first_term};
use crate::table::{AliasTable, FormatError, KeyNode};

/// Checks `table`'s sections (see the module docs).
pub(crate) fn validate(table: &AliasTable) -> Result<(), FormatError> {
    use Section::*;
    let words = |section: Section| -> Result<&[u32], FormatError> {
        zerocopy::FromBytes::ref_from_bytes(table.section(section))
            .map_err(|_| damaged(format!("{section:?} is not 32-bit words")))
    };
    let pool = simdutf8::compat::from_utf8(table.section(Strings))
        .map_err(|e| damaged(format!("string pool is not UTF-8: {e}")))?;
    let strings = |section: Section, expected: Option<usize>| -> Result<usize, FormatError> {
        let refs = words(section)?;
        if refs.len() % 2 != 0 || expected.is_some_and(|n| refs.len() != 2 * n) {
            return Err(damaged(format!("{section:?} has the wrong length")));
        }
        for pair in refs.chunks_exact(2) {
            let (start, end) = (pair[0] as usize, pair[0] as usize + pair[1] as usize);
            if pool.get(start..end).is_none() {
                return Err(damaged(format!("{section:?}: a string outside the pool")));
            }
        }
        Ok(refs.len() / 2)
    };
    let below = |section: Section, limit: usize, allow_none: bool| -> Result<(), FormatError> {
        let bad = words(section)?
            .iter()
            .any(|&v| (v as usize) >= limit && !(allow_none && v == NONE));
        if bad {
            return Err(damaged(format!("{section:?}: an index out of range")));
        }
        Ok(())
    };
    let exactly = |section: Section, n: usize| -> Result<(), FormatError> {
        if words(section)?.len() != n {
            return Err(damaged(format!("{section:?} has the wrong length")));
        }
        Ok(())
    };
    // Offsets `n + 1` long, from 0, rising, ending at `items`.
    let offsets = |section: Section, n: usize, items: usize| -> Result<(), FormatError> {
        let list = words(section)?;
        let rising = list.windows(2).all(|w| w[0] <= w[1]);
        if list.len() != n + 1 || list[0] != 0 || !rising || list[n] as usize != items {
            return Err(damaged(format!(
                "{section:?}: offsets out of order or range"
            )));
        }
        Ok(())
    };

    let files = strings(Files, None)?;
    let langs = strings(Langs, None)?;
    let topics = strings(TopicNames, None)?;
    let entities = words(EntityKind)?.len();
    strings(EntityId, Some(entities))?;
    strings(EntityName, Some(entities))?;
    strings(EntityWikidata, Some(entities))?;
    below(EntityKind, crate::Kind::ALL.len(), false)?;
    exactly(EntityFile, entities)?;
    below(EntityFile, files, false)?;
    exactly(EntityLine, entities)?;
    exactly(EntityParent, entities)?;
    below(EntityParent, entities, true)?;
    let aliases = words(AliasFlags)?.len();
    offsets(EntityAliases, entities, aliases)?;
    let topic_ids = words(TopicIds)?.len();
    offsets(EntityTopics, entities, topic_ids)?;
    below(TopicIds, topics, false)?;
    let context = strings(ContextText, None)?;
    offsets(EntityContext, entities, context)?;
    let context_keys = strings(ContextKeys, None)?;
    offsets(EntityContextKeys, entities, context_keys)?;
    offsets(EntityAncestors, entities, words(Ancestors)?.len())?;
    below(Ancestors, entities, false)?;

    strings(AliasText, Some(aliases))?;
    strings(AliasExact, Some(aliases))?;
    exactly(AliasLang, aliases)?;
    below(AliasLang, langs, false)?;
    exactly(AliasLine, aliases)?;
    let blockers = strings(BlockerText, None)?;
    if strings(BlockerMatch, None)? != blockers {
        return Err(damaged("blocker columns differ in length".into()));
    }
    offsets(AliasBlockers, aliases, blockers)?;

    let keys = strings(KeyText, None)?;
    exactly(AliasKey, aliases)?;
    below(AliasKey, keys, true)?;
    let refs = words(KeyRefs)?;
    if refs.len() % 2 != 0 {
        return Err(damaged("KeyRefs has the wrong length".into()));
    }
    offsets(KeyAliases, keys, refs.len() / 2)?;
    let alias_offsets = words(EntityAliases)?;
    for pair in refs.chunks_exact(2) {
        let (entity, alias) = (pair[0] as usize, pair[1] as usize);
        if entity >= entities
            || alias_offsets[entity] as usize + alias >= alias_offsets[entity + 1] as usize
        {
            return Err(damaged("KeyRefs: an alias out of range".into()));
        }
    }
    let dictionary_words = strings(DictionaryWords, None)?;
    validate_segmenter(table, dictionary_words)?;
    let slots = words(FirstTermSlots)?;
    let slot_count = slots.len() / SLOT_WORDS;
    if slots.len() % SLOT_WORDS != 0 || !slot_count.is_power_of_two() {
        return Err(damaged(
            "FirstTermSlots is not a power of two of slots".into(),
        ));
    }
    let edges = words(KeyEdges)?;
    let edge_slots = edges.len() / EDGE_WORDS;
    if edges.len() % EDGE_WORDS != 0 || !edge_slots.is_power_of_two() {
        return Err(damaged("KeyEdges is not a power of two of slots".into()));
    }
    // The key trie's slots are not read here: a step compares parent and
    // character only, stops after one pass over the slots, and
    // `KeyTrie::key_at` checks the key id, so a damaged slot can only give
    // a wrong answer.
    let mut empty = 0;
    for slot in slots.chunks_exact(SLOT_WORDS) {
        if slot[1] == NONE {
            empty += 1;
            continue;
        }
        let (start, end) = (slot[0] as usize, slot[0] as usize + slot[1] as usize);
        let key_ok = slot[3] == NONE || (slot[3] as usize) < keys;
        let space_ok = slot[4] == NONE || (slot[4] as usize) < edge_slots;
        if pool.get(start..end).is_none() || slot[2] as usize > edge_slots || !key_ok || !space_ok {
            return Err(damaged(
                "FirstTermSlots: a term or node out of range".into(),
            ));
        }
    }
    // Probing stops at an empty slot: without one, it would never stop.
    if empty == 0 {
        return Err(damaged("FirstTermSlots has no empty slot".into()));
    }
    validate_derived(table)?;
    let warnings = words(Warnings)?;
    if warnings.len() % 5 != 0 {
        return Err(damaged("Warnings has the wrong length".into()));
    }
    for w in warnings.chunks_exact(5) {
        for (offset, len) in [(w[0], w[1]), (w[3], w[4])] {
            let (start, end) = (offset as usize, offset as usize + len as usize);
            if pool.get(start..end).is_none() {
                return Err(damaged("Warnings: a string outside the pool".into()));
            }
        }
    }
    Ok(())
}

/// The data the compiler derives from the aliases and keys, against them
/// (see the module docs). Runs after the structural checks, whose bounds
/// its accessors rely on for meaningful answers.
fn validate_derived(table: &AliasTable) -> Result<(), FormatError> {
    for key_id in 0..table.key_count() as u32 {
        let refs = table.aliases_of_key_id(key_id);
        let flags = table.key_ref_flags(key_id);
        if refs.len() != flags.len() {
            return Err(damaged("KeyRefFlags has the wrong length".into()));
        }
        let mut capital = !refs.is_empty();
        let mut previous: Option<(u32, &str)> = None;
        for (&r, &word) in refs.iter().zip(flags) {
            let exact = table.exact_text(r);
            let first = exact.as_bytes().first().copied().unwrap_or(0);
            let mut expected = (table.flags_of(r) & alias_flags::ALIAS_BITS)
                | u32::from(first) << alias_flags::EXACT_FIRST_SHIFT;
            if table.has_blockers(r) {
                expected |= alias_flags::HAS_BLOCKERS;
            }
            expected |= alias_flags::exact_shape(table.alias_key_text(r), exact);
            if let Some((previous_word, previous_exact)) = previous
                && alias_flags::exact_without_blockers(previous_word)
                && alias_flags::exact_without_blockers(expected)
                && previous_exact == exact
            {
                expected |= alias_flags::SAME_SURFACE_AS_PREVIOUS;
            }
            previous = Some((expected, exact));
            if word != expected {
                return Err(damaged(format!(
                    "KeyRefFlags: key {key_id} disagrees with its alias {r:?}"
                )));
            }
            capital &= table.case_exact(r) && first.is_ascii_uppercase();
        }
        if table.key_needs_capital(key_id) != capital {
            return Err(damaged(format!("KeyNeedsCapital: key {key_id} is wrong")));
        }
    }
    for entity in 0..table.entity_count() as u32 {
        let isolated = table.ancestors(entity).is_empty()
            && table.topic_ids(entity).is_empty()
            && table.context_keys(entity).is_empty();
        if table.entity_isolated(entity) != isolated {
            return Err(damaged(format!("EntityIsolated: entity {entity} is wrong")));
        }
    }
    let trie = table.trie();
    for (key, _) in table.keys() {
        let mut chars = key.chars();
        let Some(first) = chars.next() else {
            continue;
        };
        if !trie.may_start(first) {
            return Err(damaged(format!("FirstChars turns {key:?} away")));
        }
        let mut previous = first;
        let mut alone = true;
        for c in chars {
            if alone && !trie.may_start_with(first, c) {
                return Err(damaged(format!("KeyStartPairs turns {key:?} away")));
            }
            if !trie.may_step(previous, c) {
                return Err(damaged(format!("KeyPairs turns {key:?} away")));
            }
            alone = false;
            previous = c;
        }
        if alone && !trie.may_be_key_alone(first) {
            return Err(damaged(format!("KeyPairs turns {key:?} away")));
        }
    }
    for (id, (key, _)) in table.keys().enumerate() {
        let Some((term, written)) = first_term(key) else {
            continue;
        };
        let Some(node) = table.first_term_node(term) else {
            return Err(damaged(format!(
                "FirstTermSlots: no slot leads to the first term of {key:?}"
            )));
        };
        // The matcher trusts the slot's node, key and node after a
        // separator as it would the trie's (parts of hyphenated compounds
        // are looked up there, not walked).
        let walked = trie.walk_probing(trie.root(), term);
        let slot = |n: Option<KeyNode<'_>>| n.map(|n| n.slot());
        if slot(walked) != Some(node.slot())
            || walked.and_then(|w| trie.key_at(w)) != trie.key_at(node)
            || slot(walked.and_then(|w| trie.step(w, ' '))) != slot(trie.step(node, ' '))
        {
            return Err(damaged(format!(
                "FirstTermSlots: the slot of {term:?} disagrees with the key trie"
            )));
        }
        // A walk on from the slot's node takes the node's hash to be its
        // slot, and so does a walk from the root once it reaches the node
        // if the key trie marks the node a boundary: both must reach the key.
        let reaches = |from: KeyNode<'_>, rest: &str| {
            trie.walk_probing(from, rest)
                .and_then(|end| trie.key_at(end))
                == Some(id as u32)
        };
        if !reaches(node, &key[term.len()..]) || !reaches(trie.root(), key) {
            return Err(damaged(format!(
                "KeyEdges: {key:?} is not reached from the node of its first term"
            )));
        }
        if term.len() != written.len() {
            continue;
        }
        let Some(rest) = key[written.len()..].strip_prefix(' ') else {
            continue;
        };
        if !node.may_go_on_with(rest) {
            return Err(damaged(format!(
                "FirstTermSlots: the continuation bits turn {key:?} away"
            )));
        }
        let end = rest
            .bytes()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let space = trie.step(node, ' ');
        if end > 0 && !space.is_some_and(|space| table.second_term_may_follow(space, &rest[..end]))
        {
            return Err(damaged(format!("SecondTermFilter turns {key:?} away")));
        }
    }
    Ok(())
}

/// The segmenter's sections, when present (their sizes were checked at
/// load): word indices that name dictionary words, a trie with an empty
/// slot, pieces that rise inside their words and end at their ends. The
/// jieba states are checked by the segmenter, which has the dictionary.
fn validate_segmenter(table: &AliasTable, dictionary_words: usize) -> Result<(), FormatError> {
    use Section::*;
    if table.section(SegmenterHeader).is_empty() {
        return Ok(());
    }
    let words = |section: Section| -> &[u32] {
        zerocopy::FromBytes::ref_from_bytes(table.section(section))
            .expect("sizes checked at load: 32-bit words")
    };
    let edges = words(SegmenterEdges);
    let mut empty = false;
    for slot in edges.chunks_exact(EDGE_WORDS) {
        empty |= slot[1] == NONE;
        if slot[1] != NONE && slot[2] != NONE && slot[2] as usize >= dictionary_words {
            return Err(damaged("SegmenterEdges: a word out of range".into()));
        }
    }
    if !empty {
        return Err(damaged("SegmenterEdges has no empty slot".into()));
    }
    if words(SegmenterJieba)
        .chunks_exact(2)
        .any(|pair| pair[0] as usize >= dictionary_words)
    {
        return Err(damaged("SegmenterJieba: a word out of range".into()));
    }
    let offsets = words(SegmenterPieces);
    let ends = words(SegmenterPieceEnds);
    if offsets.first() != Some(&0)
        || offsets.last().map(|&n| n as usize) != Some(ends.len())
        || offsets.windows(2).any(|w| w[0] > w[1])
    {
        return Err(damaged(
            "SegmenterPieces: offsets out of order or range".into(),
        ));
    }
    let list = table.dictionary_word_list();
    let overlay = table.segmenter_overlay().expect("the header is present");
    // The first pairs and first three characters of the added words (those
    // jieba lacks), which `SegmenterOverlay::word` and the segmenter ask
    // before the trie.
    let mut in_jieba = vec![false; dictionary_words];
    for pair in words(SegmenterJieba).chunks_exact(2) {
        in_jieba[pair[0] as usize] = true;
    }
    for (i, word) in list.iter().enumerate() {
        let mut chars = word.chars();
        if let (false, Some(first), Some(second)) = (in_jieba[i], chars.next(), chars.next()) {
            if !overlay.may_start(first, second) {
                return Err(damaged(format!("SegmenterPairs turns {word:?} away")));
            }
            if !overlay.may_go_on(first, second, chars.next()) {
                return Err(damaged(format!("SegmenterTriples turns {word:?} away")));
            }
        }
    }
    for (i, range) in offsets.windows(2).enumerate() {
        let pieces = &ends[range[0] as usize..range[1] as usize];
        if !pieces.is_empty() && overlay.piece_ends(i as u32, list.get(i)) != Some(pieces) {
            return Err(damaged(format!(
                "SegmenterPieceEnds: the pieces of word {i} do not fit it"
            )));
        }
    }
    Ok(())
}

fn damaged(message: String) -> FormatError {
    FormatError::Damaged(message)
}
