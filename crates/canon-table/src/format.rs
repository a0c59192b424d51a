//! The compiled alias table (`.canonidx`): one layout for the built-in table
//! (compiled by canon's `build.rs` and embedded in the binary), for tables
//! written by `canon alias compile`, and for TOML/JSONL tables compiled in
//! memory at start-up. [`crate::AliasTable`] reads all three in place.
//!
//! ## Layout
//!
//! All integers are in the byte order of the machine that compiled the
//! table, which the header records (a table compiled on a little-endian
//! machine is refused on a big-endian one, and the other way round).
//!
//! * Header, [`HEADER_BYTES`] bytes: the magic `CANONIDX`, the format version
//!   ([`FORMAT_VERSION`]), the byte-order mark `0x01020304`, flags
//!   ([`FLAG_BUILTIN`]: the table holds the built-in table), the number of
//!   sections, the CRC-32 of the whole file read with this field as zeros
//!   ([`file_checksum`]; header and section table included, so flags and
//!   provenance cannot change unseen; checked by
//!   [`crate::AliasTable::verify`], not at load), the CRC-32 of the
//!   built-in table it was compiled with (0 if none), the file's length,
//!   and eight reserved bytes that must be zero.
//! * Section table: per [`Section`], its offset from the start of the file and
//!   its length in bytes, as two `u64`. Every section starts on an 8-byte
//!   boundary, so that it can be read as `u32` or `u64` values in place.
//! * The sections, in the order of [`Section`].
//!
//! Records are columns: `EntityKind[i]` is entity `i`'s kind, and so on. A
//! string is a pair of `u32` (offset, length in bytes) into [`Section::Strings`],
//! the UTF-8 string pool; a list per entity or alias is a column of `n + 1`
//! offsets (CSR) into the column holding the items. Fixed-size columns and
//! one pool keep loading free of parsing: a section is used where it lies.
//!
//! ## Keys
//!
//! Key ids are the keys' ranks in byte order (see [`crate::alias_key`]).
//! Format 4 also held the keys as an FST (the `fst` crate), read by nothing
//! but the structural check and 3% of the file; format 5 dropped it.
//!
//! The matcher asks, millions of times per run: after every character of a
//! document's term, whether a key goes on and whether one ends here.
//! Walking an FST for that decodes a node per byte (three per Han
//! character), which made matching 15% (English) to 25% (Chinese) costlier
//! per byte than a hash trie. So the keys are stored as a character trie
//! whose edges are an open-addressing hash table ([`Section::KeyEdges`]):
//! one step is one hash and, mostly, one
//! slot read, as before, but read in place. A node *is* the slot of the edge
//! that leads to it, so a slot holds the edge (parent node, character) and
//! the key id that ends at its node, and no node table is needed. This costs
//! 12 bytes per slot, two slots per edge (one per character of the table's
//! distinct key prefixes); it is the price of matching at full speed, paid
//! in file size and, for the pages a run touches, in memory.
//!
//! An edge's home slot is [`edge_hash`] of its parent's *hash* and its
//! character, and a node's hash is the edge hash that placed it: it follows
//! from the characters walked, not from the slots the walk found, so that a
//! walk that knows the characters ahead (the rest of a document's term)
//! computes the home slots of its steps at once and has the processor
//! fetch them together (up to the first boundary it crosses: see below).
//! Stepping slot after slot, each waiting for the last, a walk through a
//! table larger than the L2 cache waited for one miss per character
//! (format 9 and before hashed the parent's slot). The exception
//! are the nodes [`Section::FirstTermSlots`] leads to, *boundaries* (flag
//! [`EDGE_BOUNDARY`] on their edge): the matcher reaches them by a term's
//! lookup, not by a walk, and knows their slot, not a hash, so a
//! boundary's hash is its slot (the root's, the slot count).
//!
//! A reader may gather some of these edges elsewhere without a change to
//! the format: canon's steps by East Asian characters probe a compact copy
//! of those edges, made from this section at the first such step for
//! tables of up to 2^20 edge slots (the built-in table has 2^18; the
//! largest go without), because they are scattered over the whole section
//! (see `cjk_edges.rs`). `verify` still reads this section by its probes.
//!
//! The first terms of keys that start with a term of a spaced script map to
//! the node they lead to through a second hash table
//! ([`Section::FirstTermSlots`]), so that the matcher looks up a document's
//! word with one hash instead of one per character: most words of a document
//! are looked up, few go on.
//!
//! ## The Chinese segmenter's added words
//!
//! The Han words of aliases and blockers ([`Section::DictionaryWords`]) are
//! added to jieba's dictionary by the Chinese segmenter, each with the
//! frequency jieba's `suggest_freq` gives it at the time it is added (which
//! depends on the words added before it). For a million-alias table that is
//! a third of a million cuts, two seconds of work at the first Han text of
//! every run. `canon alias compile` and canon's `build.rs` for the built-in
//! table (which have the segmenter, `canon-jieba`; the table crate does
//! not) do that work once and store its result in the
//! `Segmenter*` sections: every word's final frequency, the dictionary's
//! final total, the words jieba lacks as a character trie read in place
//! (the layout of [`Section::KeyEdges`]), and the pieces names made of
//! jieba's words are emitted as. The result is only valid for the jieba
//! dictionary it was computed with, whose fingerprint
//! ([`Section::SegmenterHeader`]) the segmenter compares with its own
//! before it uses the sections; tables compiled in memory (`--aliases` given
//! TOML or JSON Lines) leave them empty, and the segmenter then adds the
//! words itself.

/// The first eight bytes of every compiled table.
pub const MAGIC: [u8; 8] = *b"CANONIDX";
/// The version of the layout described above; bumped whenever it changes,
/// and whenever the normalization that makes the keys does (13: Chinese
/// variant characters folded, `data/chinese-variants.txt`, and HTML
/// character references decoded), so that a table compiled before is
/// refused with a clear error rather than missing names written with them.
pub const FORMAT_VERSION: u32 = 13;
/// Written in the machine's byte order: read back, it tells whether the
/// reader has the same one.
pub const BYTE_ORDER_MARK: u32 = 0x0102_0304;
/// Bytes of the fixed header, before the section table.
pub const HEADER_BYTES: usize = 48;
/// Header flag: the table holds the built-in table (with the user's tables
/// compiled on top of it), so it replaces the built-in table when loaded.
pub const FLAG_BUILTIN: u32 = 1;
/// No entity, key or node: a parent that is absent, an alias whose key is empty.
pub const NONE: u32 = u32::MAX;

/// Bits of an alias's flags column.
pub mod alias_flags {
    /// `case = "exact"`.
    pub const CASE_EXACT: u32 = 1;
    /// `needs = "support"`.
    pub const NEEDS_SUPPORT: u32 = 1 << 1;
    /// Folding to simplified Chinese turns the alias into a text no alias of
    /// its entity is written as (昇腾 → 升腾).
    pub const FOLD_CHANGES: u32 = 1 << 2;
    /// The form the matcher uses (given or inferred), two bits: 0 full,
    /// 1 short, 2 acronym.
    pub const FORM_SHIFT: u32 = 4;
    /// The form as the table gives it, two bits: 0 none, then 1 + the form.
    pub const GIVEN_FORM_SHIFT: u32 = 6;
    /// The bits of an alias's flags column (the rest are
    /// [`Section::KeyRefFlags`](super::Section::KeyRefFlags)'s own).
    pub const ALIAS_BITS: u32 = 0xFF;
    /// In [`Section::KeyRefFlags`](super::Section::KeyRefFlags): the alias
    /// has blockers.
    pub const HAS_BLOCKERS: u32 = 1 << 8;
    /// In [`Section::KeyRefFlags`](super::Section::KeyRefFlags): the alias
    /// and the one before it in the key's list are both exact-case without
    /// blockers and have the same exact text, so every surface is allowed
    /// by both or by neither. A key of a large table is often the exact
    /// name of many entities (a surname, an everyday word): its surface is
    /// checked once.
    pub const SAME_SURFACE_AS_PREVIOUS: u32 = 1 << 9;
    /// In [`Section::KeyRefFlags`](super::Section::KeyRefFlags): the key is
    /// one word of ASCII letters and digits, and the alias's exact text is
    /// the key with its first byte in upper case (In, Man, Smith; a key
    /// that starts with a digit is its own title case), as most exact-case
    /// aliases of a large table are: a surface of ASCII letters and digits
    /// that matched the key is then the exact text if its first byte is no
    /// lower-case letter and no capital follows it, known without reading
    /// the alias ([`exact_shape_allows`]).
    pub const EXACT_IS_TITLE_OF_KEY: u32 = 1 << 10;
    /// In [`Section::KeyRefFlags`](super::Section::KeyRefFlags): the key is
    /// one word of ASCII letters and digits, and the alias's exact text is
    /// the key in upper case (GE, TV, 3M), as acronyms are.
    pub const EXACT_IS_UPPER_OF_KEY: u32 = 1 << 11;
    /// [`EXACT_IS_TITLE_OF_KEY`] and [`EXACT_IS_UPPER_OF_KEY`] of an alias
    /// of `key` whose exact text is `exact`.
    pub fn exact_shape(key: &str, exact: &str) -> u32 {
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return 0;
        }
        let (first, rest) = key.split_at(1);
        let title = exact.len() == key.len()
            && exact.as_bytes()[0] == first.as_bytes()[0].to_ascii_uppercase()
            && &exact[1..] == rest;
        // The key is ASCII: its upper case is the text equal to it but for
        // case with no lower-case letter.
        let upper =
            exact.eq_ignore_ascii_case(key) && !exact.bytes().any(|b| b.is_ascii_lowercase());
        (u32::from(title) * EXACT_IS_TITLE_OF_KEY) | (u32::from(upper) * EXACT_IS_UPPER_OF_KEY)
    }
    /// For an alias whose [`Section::KeyRefFlags`](super::Section::KeyRefFlags)
    /// word `ref_flags` says exact case, no blockers and an
    /// [`exact_shape`], whether `surface`, which matched the alias's key
    /// (so that it folds to it), is its exact text; `None` when the flags
    /// or a surface of other characters than ASCII letters and digits
    /// leave that to [`AliasTable::surface_allows`](crate::AliasTable::surface_allows).
    /// Folding lowers ASCII letters and changes nothing else of such a
    /// surface, so it is the key with some letters in upper case: the exact
    /// text if those are the first (title) or all (upper) of them.
    #[inline]
    pub fn exact_shape_allows(ref_flags: u32, surface: &[u8]) -> Option<bool> {
        let shape = ref_flags & (EXACT_IS_TITLE_OF_KEY | EXACT_IS_UPPER_OF_KEY);
        if shape == 0
            || !exact_without_blockers(ref_flags)
            || surface.is_empty()
            || !surface.iter().all(u8::is_ascii_alphanumeric)
        {
            return None;
        }
        let title = shape & EXACT_IS_TITLE_OF_KEY != 0
            && !surface[0].is_ascii_lowercase()
            && !surface[1..].iter().any(u8::is_ascii_uppercase);
        let upper =
            shape & EXACT_IS_UPPER_OF_KEY != 0 && !surface.iter().any(u8::is_ascii_lowercase);
        Some(title || upper)
    }
    /// Whether an alias with this [`Section::KeyRefFlags`](super::Section::KeyRefFlags)
    /// word allows a surface by its exact text alone (exact case, no blockers).
    #[inline]
    pub const fn exact_without_blockers(ref_flags: u32) -> bool {
        ref_flags & CASE_EXACT != 0 && ref_flags & HAS_BLOCKERS == 0
    }
    /// In [`Section::KeyRefFlags`](super::Section::KeyRefFlags): where the
    /// first byte of the alias's exact text (0 when it has none) starts.
    pub const EXACT_FIRST_SHIFT: u32 = 16;
}

/// `u32` words per slot of [`Section::FirstTermSlots`]: 32 bytes, which one
/// or two cache lines hold (sections start on 8-byte boundaries).
pub const SLOT_WORDS: usize = 8;
/// `u32` words per slot of [`Section::KeyEdges`] and [`Section::SegmenterEdges`].
pub const EDGE_WORDS: usize = 3;
/// `u64` words of [`Section::SegmenterHeader`] when it is present.
pub const SEGMENTER_HEADER_WORDS: usize = 6;

/// The hash of the edge by `c` from a node whose hash is `parent`, in
/// [`Section::KeyEdges`] and [`Section::SegmenterEdges`]: its low bits are
/// the edge's home slot, and it is the hash of the node the edge leads to
/// unless that node is a boundary ([`EDGE_BOUNDARY`]), whose hash is its
/// slot. The root's hash is the slot count. Part of the format, like
/// [`term_hash`].
#[inline(always)]
pub fn edge_hash(parent: u32, c: char) -> u32 {
    let mixed = (u64::from(parent) << 21 | c as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed ^ mixed >> 29) as u32
}

/// In the character word of a slot of [`Section::KeyEdges`]: the node the
/// edge leads to is a boundary, whose hash is its slot (see
/// [`edge_hash`]): a node [`Section::FirstTermSlots`] leads to. A free bit
/// (characters are at most `0x10FFFF`); readers mask it off before they
/// compare characters.
pub const EDGE_BOUNDARY: u32 = 1 << 31;

/// The first term of `key` as a document's term, and as the key writes it
/// (with a possessive marker `'s`, which a document's term drops), when the
/// key starts with a term of a spaced script: the key up to a separator or
/// a character of a script without spaces. What
/// [`Section::FirstTermSlots`] maps to a node, a boundary of the key trie;
/// part of the format.
pub(crate) fn first_term(key: &str) -> Option<(&str, &str)> {
    if key.starts_with(crate::script::is_unspaced) {
        return None;
    }
    let written = key
        .split(|c: char| c == ' ' || crate::script::is_unspaced(c))
        .next()
        .unwrap_or("");
    Some((written.strip_suffix("'s").unwrap_or(written), written))
}

/// The sections of a compiled table, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum Section {
    /// The UTF-8 string pool every string points into.
    Strings,
    /// Names of the tables the entities came from (strings).
    Files,
    /// Language tags of aliases (strings).
    Langs,
    /// Topic tags (strings).
    TopicNames,
    /// Per entity: id (string).
    EntityId,
    /// Per entity: display name (string).
    EntityName,
    /// Per entity: Wikidata item id (string, empty for none).
    EntityWikidata,
    /// Per entity: kind (index in `Kind::ALL`).
    EntityKind,
    /// Per entity: index in `Files`.
    EntityFile,
    /// Per entity: line in its table.
    EntityLine,
    /// Per entity: parent entity, or [`NONE`].
    EntityParent,
    /// CSR: each entity's aliases (entity `i` has aliases `EntityAliases[i]..EntityAliases[i+1]`).
    EntityAliases,
    /// CSR into `TopicIds`.
    EntityTopics,
    /// Topic ids (indices in `TopicNames`).
    TopicIds,
    /// CSR into `ContextText`.
    EntityContext,
    /// Context words as written (strings).
    ContextText,
    /// CSR into `ContextKeys`.
    EntityContextKeys,
    /// Keys of the context words that have one (strings).
    ContextKeys,
    /// CSR into `Ancestors`.
    EntityAncestors,
    /// Ancestors, parent first (entity ids).
    Ancestors,
    /// Per alias: text as written (string).
    AliasText,
    /// Per alias: the normalized text `case = "exact"` compares with (string).
    AliasExact,
    /// Per alias: index in `Langs`.
    AliasLang,
    /// Per alias: key id, or [`NONE`] when the key is empty.
    AliasKey,
    /// Per alias: [`alias_flags`].
    AliasFlags,
    /// Per alias: line in its table.
    AliasLine,
    /// CSR into `BlockerText` and `BlockerMatch`.
    AliasBlockers,
    /// Blockers as written (strings).
    BlockerText,
    /// Blockers normalized, folded and lowercased, as matching compares them (strings).
    BlockerMatch,
    /// Per key id: the key (string).
    KeyText,
    /// CSR into `KeyRefs`.
    KeyAliases,
    /// (entity, alias index within the entity) pairs, each key's aliases in table order.
    KeyRefs,
    /// One `u32` per pair of `KeyRefs`: its alias's [`Section::AliasFlags`],
    /// [`alias_flags::HAS_BLOCKERS`], [`alias_flags::SAME_SURFACE_AS_PREVIOUS`],
    /// the shape of its exact text against the key
    /// ([`alias_flags::EXACT_IS_TITLE_OF_KEY`],
    /// [`alias_flags::EXACT_IS_UPPER_OF_KEY`]), and the first byte of its exact text at
    /// [`alias_flags::EXACT_FIRST_SHIFT`]. A key's aliases are read together
    /// at every match of the key; their flags there cost one read, where
    /// each alias's own flags, blockers and text are apart in a large table
    /// (several cache misses per alias).
    KeyRefFlags,
    /// One bit per key id (`u64` words, bit `id % 64` of word `id / 64`):
    /// every alias of the key is `case = "exact"` and written with an ASCII
    /// capital first ([`AliasTable::key_needs_capital`](crate::AliasTable::key_needs_capital)).
    /// A few bits per key stay in the cache where the aliases of the key,
    /// read at every match of it, do not.
    KeyNeedsCapital,
    /// One bit per entity (`u64` words, bit `e % 64` of word `e / 64`): the
    /// entity has no parent, no topics and no context keys
    /// ([`AliasTable::entity_isolated`](crate::AliasTable::entity_isolated)),
    /// so nothing but a mention of itself or of a descendant can support an
    /// ambiguous name of it. Most entities of a large table are such, and resolution asks
    /// about each entity of each ambiguous everyday word of a document:
    /// one bit in the cache instead of three lists far apart in the table.
    EntityIsolated,
    /// The key trie ([`Keys`](self#keys)): an open-addressing hash table (a
    /// power of two of slots, [`edge_hash`], linear probing),
    /// [`EDGE_WORDS`] `u32` per slot: the parent node (the slot count for the
    /// root), the character ([`NONE`] for an empty slot; with
    /// [`EDGE_BOUNDARY`] set when the node it leads to is a boundary), and
    /// the id of the key that ends at the node this edge leads to, or
    /// [`NONE`]. The node an edge leads to is the index of its slot; the
    /// edge's home slot is [`edge_hash`] of its parent's hash and its
    /// character (linear probing).
    KeyEdges,
    /// An open-addressing hash table (a power of two of slots, [`term_hash`],
    /// linear probing) from a key's first term of a spaced script to the
    /// node of [`Section::KeyEdges`] it leads to, [`SLOT_WORDS`] `u32` per
    /// slot: the term (string; length [`NONE`] for an empty slot), the node,
    /// the id of the key that ends at the node (or [`NONE`]), the node
    /// after a separator `' '` from it (or [`NONE`]), the continuation bits
    /// (a `u64` as two `u32`, low word first: bit [`continuation_bit`] of every pair
    /// of ASCII letters or digits that some key has right after the term
    /// and a separator) and the term's first four bytes (little-endian,
    /// zero-padded). All but the first two are what the matcher asks next
    /// about a document's word that starts a key; kept here, they cost no
    /// read of [`Section::KeyEdges`] or of the string pool, which in a large
    /// table miss the cache at every read. Most words that start a key in a
    /// large table start no longer key with the word after them, and the
    /// continuation bits say so before any step through the key trie.
    FirstTermSlots,
    /// 1,024 `u64`: the quick-reject bits of the first terms
    /// ([`quick_reject_slot`]); then a blocked Bloom filter of their
    /// [`term_hash`]es, a power of two of `u64` words (two bits per term in
    /// one word, [`bloom_bits`]), about 8 bits per term. The quick-reject
    /// bits hash a term's first eight bytes and length: with the built-in
    /// table's 5,333 first terms 8% of the bits are set, and seven in ten
    /// words of BBC news are turned away (most of the rest are first
    /// terms); with a million-alias table's 350,000 almost nothing is
    /// (99.5% of the bits are set). The Bloom filter still turns away most
    /// of them, so that
    /// they never reach [`Section::FirstTermSlots`], whose every probe
    /// misses the cache in a large table.
    FirstTermFilter,
    /// A blocked Bloom filter (a power of two of `u64` words, three bits per
    /// entry in one word, about [`SECOND_TERM_BITS_PER_TERM`] bits per
    /// entry) of the second terms of
    /// keys: the node after a first term and a separator, and the ASCII
    /// letters and digits that follow it in a key, up to anything else, at
    /// [`second_term_bits`] (in a window that starts where the first term
    /// says). A document's word of ASCII letters
    /// and digits after a word that starts a key goes on with some key only
    /// if it is one of these; in a large table most do not, and the filter
    /// says so where the walk through the key trie would read a slot that
    /// misses the cache for each of their characters.
    SecondTermFilter,
    /// 1,024 `u64`: the first characters of keys, one bit per BMP character.
    FirstChars,
    /// 1,024 `u64`: the keys of one BMP character, one bit per character;
    /// then a bit set of a power of two of `u64` words (about
    /// [`PAIR_BITS_PER_WORD`] bits per pair), bit [`pair_bit`] set for every
    /// two characters `a`, `b` that stand next to each other in a key, `b`
    /// not ASCII. A step through the key trie by such a `b` after `a` can
    /// only succeed if the bit is set ([`crate::KeyTrie::may_step`]): a
    /// walk asks this set, which stays in the L2 cache, before each step
    /// after its first pair (the first pair asks
    /// [`Section::KeyStartPairs`]), where each step would read a slot of
    /// [`Section::KeyEdges`] that misses it. In Chinese text most words
    /// start with a character that starts some key, and most of those go
    /// on with one that no key has after it (nine in ten on PKU news with
    /// the built-in table).
    KeyPairs,
    /// A bit set of a power of two of `u64` words (about
    /// [`PAIR_BITS_PER_WORD`] bits per pair), bit [`pair_bit`] set for the
    /// first two characters `a`, `b` of every key, `b` not ASCII. A walk
    /// that starts at `a` before `b` ends no key unless the bit is set or
    /// `a` alone is a key ([`crate::KeyTrie::may_start_with`]). The matcher
    /// asks it before it walks from a character of Chinese text: a third of
    /// the walks that [`Section::KeyPairs`] lets start there (pairs that
    /// stand inside keys but start none) stop after one step on PKU news
    /// with the built-in table, with reads of [`Section::KeyEdges`] that
    /// miss the L2 cache.
    KeyStartPairs,
    /// Han words of aliases and blockers for the Chinese segmenter (strings, sorted).
    DictionaryWords,
    /// Empty when the segmenter's sections are absent; else
    /// [`SEGMENTER_HEADER_WORDS`] `u64`: the fingerprint of the jieba
    /// dictionary the sections were computed with (four words, compared
    /// whole), the dictionary's total frequency once every word is added,
    /// and the length in bytes of the shortest word of
    /// [`Section::SegmenterPieces`] with pieces (`u64::MAX` if none).
    SegmenterHeader,
    /// Per word of [`Section::DictionaryWords`], two `u64`: its frequency
    /// once every word is added, and the bits of that frequency's natural
    /// log as an `f64` (what segmentation compares, computed once).
    SegmenterFreqs,
    /// The words of [`Section::DictionaryWords`] that are not jieba words,
    /// as a character trie laid out as [`Section::KeyEdges`] (the third
    /// word of a slot is the index of the word that ends at its node, or
    /// [`NONE`]; no node is a boundary).
    SegmenterEdges,
    /// A bit set of a power of two of `u64` words (about
    /// [`PAIR_BITS_PER_WORD`] bits per pair), bit [`pair_bit`] set for the
    /// first two characters of every word of [`Section::SegmenterEdges`]
    /// (every bit, should a word have fewer). Segmentation asks it at
    /// every character before it probes the trie: the first characters of
    /// a large table's names are most characters, their first pairs a few
    /// hundred thousand of the billions, and a probe of a 25 MB trie is a
    /// cache miss where this filter stays in the L2 cache.
    SegmenterPairs,
    /// A bit set of a power of two of `u64` words (at least
    /// [`PAIR_BITS_PER_WORD`] bits per distinct entry), bit [`triple_bit`] set for the
    /// first three characters of every word of [`Section::SegmenterEdges`]
    /// of three or more, and for the two characters and [`TWO_CHARACTERS`]
    /// of every word of two (every bit, should a word have fewer).
    /// Segmentation asks it where [`Section::SegmenterPairs`] let a
    /// character through: a pair that starts some name mostly starts none
    /// where it stands (中国 starts hundreds of names, 中国的 none), and
    /// over PKU news 99% of the walks those pairs let start found no word.
    SegmenterTriples,
    /// The words of [`Section::DictionaryWords`] that are jieba words, whose
    /// frequency adding them changed: pairs of `u32`, (word index, the
    /// word's state in the compiled jieba dictionary).
    SegmenterJieba,
    /// CSR per word of [`Section::DictionaryWords`] into
    /// [`Section::SegmenterPieceEnds`]: where the word's pieces end, for
    /// names made of jieba's words that are emitted as those words.
    SegmenterPieces,
    /// Byte offsets, in the word, where its pieces end (the last is its length).
    SegmenterPieceEnds,
    /// Problems that did not stop the table from compiling: per problem the
    /// file (string), the line and the message (string), five `u32`.
    Warnings,
}

/// The number of sections.
pub const SECTION_COUNT: usize = Section::Warnings as usize + 1;

/// Every section, in file order.
pub const SECTIONS: [Section; SECTION_COUNT] = [
    Section::Strings,
    Section::Files,
    Section::Langs,
    Section::TopicNames,
    Section::EntityId,
    Section::EntityName,
    Section::EntityWikidata,
    Section::EntityKind,
    Section::EntityFile,
    Section::EntityLine,
    Section::EntityParent,
    Section::EntityAliases,
    Section::EntityTopics,
    Section::TopicIds,
    Section::EntityContext,
    Section::ContextText,
    Section::EntityContextKeys,
    Section::ContextKeys,
    Section::EntityAncestors,
    Section::Ancestors,
    Section::AliasText,
    Section::AliasExact,
    Section::AliasLang,
    Section::AliasKey,
    Section::AliasFlags,
    Section::AliasLine,
    Section::AliasBlockers,
    Section::BlockerText,
    Section::BlockerMatch,
    Section::KeyText,
    Section::KeyAliases,
    Section::KeyRefs,
    Section::KeyRefFlags,
    Section::KeyNeedsCapital,
    Section::EntityIsolated,
    Section::KeyEdges,
    Section::FirstTermSlots,
    Section::FirstTermFilter,
    Section::SecondTermFilter,
    Section::FirstChars,
    Section::KeyPairs,
    Section::KeyStartPairs,
    Section::DictionaryWords,
    Section::SegmenterHeader,
    Section::SegmenterFreqs,
    Section::SegmenterEdges,
    Section::SegmenterPairs,
    Section::SegmenterTriples,
    Section::SegmenterJieba,
    Section::SegmenterPieces,
    Section::SegmenterPieceEnds,
    Section::Warnings,
];

/// Bits of [`Section::SegmenterPairs`], [`Section::KeyPairs`] and
/// [`Section::KeyStartPairs`] per distinct pair, and of
/// [`Section::SegmenterTriples`] per distinct triple, at least (rounded up
/// to a power of two of words): one bit each, at most about 12% of others
/// pass.
pub const PAIR_BITS_PER_WORD: usize = 8;

/// The bit of [`Section::SegmenterPairs`], [`Section::KeyPairs`] or
/// [`Section::KeyStartPairs`] for the characters `first`, `second`, in a
/// set of `words` words (a power of two): (word, mask).
#[inline]
pub fn pair_bit(first: char, second: char, words: usize) -> (usize, u64) {
    let mixed = (u64::from(first) << 21 | u64::from(second)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let bit = (mixed >> 20) as usize & (words * 64 - 1);
    (bit / 64, 1 << (bit % 64))
}

/// What stands for the third character of a word of two in
/// [`Section::SegmenterTriples`]: no Han text holds it.
pub const TWO_CHARACTERS: char = '\0';

/// The bit of [`Section::SegmenterTriples`] (`words` words, a power of two)
/// for the characters `first`, `second`, `third` that a word starts with
/// ([`TWO_CHARACTERS`] as `third` for a word of two): part of the format.
#[inline]
pub fn triple_bit(first: char, second: char, third: char, words: usize) -> (usize, u64) {
    let mixed = (u64::from(first) << 42 | u64::from(second) << 21 | u64::from(third))
        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    // The top bits: a bit of the product depends only on the bits of
    // `mixed` at or below it, and `first` starts at bit 42.
    let bit = (mixed >> (64 - (words * 64).trailing_zeros())) as usize;
    (bit / 64, 1 << (bit % 64))
}

/// Words of the quick-reject filter and of the first-character set.
pub const BITSET_WORDS: usize = 1024;

/// The bit of a [`Section::FirstTermSlots`] slot's continuation bits that
/// stands for the two bytes `first`, `second` (ASCII letters or digits) right
/// after a term and a separator: part of the format, like [`term_hash`].
#[inline]
pub fn continuation_bit(first: u8, second: u8) -> u32 {
    (u32::from(first) << 8 | u32::from(second)).wrapping_mul(0x9E37_79B1) >> 26
}

/// The first four bytes of `term`, little-endian, zero-padded: how a
/// [`Section::FirstTermSlots`] slot holds them.
#[inline]
pub fn term_prefix(term: &str) -> u32 {
    let bytes = term.as_bytes();
    load_padded(&bytes[..bytes.len().min(4)]) as u32
}

/// Up to eight bytes as a little-endian `u64`, zero-padded: what copying
/// them into a zeroed `[u8; 8]` gives, without the call to `memcpy` a copy
/// of a length known only at run time compiles to (the matcher hashes
/// every word of a document). Overlapping loads of the ends give the same
/// bytes at the same places: the first, middle and last byte (all of a
/// string shorter than four bytes) and two four-byte windows (all of a
/// longer one; read from zeros for a shorter one). No branch depends on the
/// length: whether a word has four bytes cannot be foreseen in English
/// text, and the branch this had was mispredicted at about one word asked
/// in three (cachegrind's model, BBC news).
#[inline]
fn load_padded(bytes: &[u8]) -> u64 {
    const ZEROS: [u8; 8] = [0; 8];
    let n = bytes.len();
    debug_assert!(n <= 8);
    if n == 0 {
        return 0;
    }
    let short = u64::from(bytes[0])
        | u64::from(bytes[n / 2]) << (8 * (n / 2))
        | u64::from(bytes[n - 1]) << (8 * (n - 1));
    let (from, m): (&[u8], usize) =
        std::hint::select_unpredictable(n >= 4, (bytes, n), (&ZEROS[..4], 4));
    let low = u32::from_le_bytes(from[..4].try_into().expect("four bytes"));
    let high = u32::from_le_bytes(from[m - 4..m].try_into().expect("four bytes"));
    short | u64::from(low) | u64::from(high) << (8 * (m - 4))
}

/// Bits of the first terms' Bloom filter per term (rounded up to a power of
/// two of words): with two bits per term in a word of 64, about one in
/// twenty other terms passes (at 16 bits per term, format 7, one in fifty:
/// but a filter twice the size, which for a million-alias table is larger
/// than the L2 cache and missed it at most words, made the 1M table's
/// English run 6 to 10% slower).
pub const BLOOM_BITS_PER_TERM: usize = 8;

/// The word of a Bloom filter of `words` words (a power of two) that a term
/// with [`term_hash`] `hash` sets or tests, and the two bits it sets there.
#[inline]
pub fn bloom_bits(hash: u64, words: usize) -> (usize, u64) {
    let word = (hash >> 32) as usize & (words - 1);
    let bits = 1u64 << (hash & 63) | 1u64 << ((hash >> 6) & 63);
    (word, bits)
}

/// The hash of a term in [`Section::FirstTermSlots`]: defined here, not
/// taken from a crate, because it is part of the format.
#[inline]
pub fn term_hash(term: &str) -> u64 {
    term_hash_and_prefix(term).0
}

/// [`term_hash`] and [`term_prefix`] of `term` at once: the prefix is the
/// low half of the first word the hash reads, so a caller that wants both
/// (the first-term lookups, batched for every word of a document or word
/// by word) loads the term's first bytes once.
#[inline]
pub fn term_hash_and_prefix(term: &str) -> (u64, u32) {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let bytes = term.as_bytes();
    let mut hash = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        hash = (hash.rotate_left(5) ^ word).wrapping_mul(K);
    }
    let tail = load_padded(chunks.remainder());
    hash = (hash.rotate_left(5) ^ tail).wrapping_mul(K);
    let prefix = match bytes.first_chunk::<4>() {
        Some(head) if bytes.len() >= 8 => u32::from_le_bytes(*head),
        _ => tail as u32,
    };
    (hash ^ hash >> 32, prefix)
}

/// Bits of [`Section::SecondTermFilter`] per entry (rounded up to a power
/// of two of words), three of them set: about one in a hundred other terms
/// passes. Twice the first terms' filter (1 MiB for a million-alias table,
/// more than the L2 cache), which costs little here: the lookups that
/// repeat in running text read a few windows ([`SECOND_TERM_WINDOW_WORDS`])
/// that stay in the cache whatever the filter's size, and each term that
/// passes wrongly costs a walk through the key trie, a read that misses the
/// cache per character; at eight bits and two set, one frequent pair of
/// words let through by chance (the us) cost 500 walks per copy of the BBC
/// sample.
pub const SECOND_TERM_BITS_PER_TERM: usize = 16;

/// Words of [`Section::SecondTermFilter`] that hold the second terms after
/// one first term: 2 KiB (32 cache lines). Small enough that the windows of
/// the few dozen first terms running text asks most about stay in the L2
/// cache together; large enough that a first term with a thousand or two
/// second terms (new, the in a table of Wikidata's size) still turns most
/// other terms away. In a test, after a first term with 2,000 second terms
/// 8% of other terms pass (windows of 64 words: half; of 512 words: 4%,
/// but the 1M table's English run spent 4.2% of its samples on the
/// filter, against 3.7% with 256 words and 2.8% with 64).
pub const SECOND_TERM_WINDOW_WORDS: usize = 256;

/// The word of [`Section::SecondTermFilter`] (`words` words, a power of two)
/// that `term` after `space`, the node after a first term and a separator,
/// sets or tests, and the three bits it sets there. Part of the format, like
/// [`term_hash`].
///
/// The word is chosen inside a window of [`SECOND_TERM_WINDOW_WORDS`]
/// words that starts where `space` alone says: every lookup after one first
/// term reads the same window. A document asks the filter after a few
/// dozen everyday words (the, to, a, and) tens of thousands of times; their
/// windows stay in the cache, where words spread over the whole filter by a
/// hash of both terms missed it at nearly every lookup in a large table
/// (format 8). The word inside the window and the bits hash both terms, so
/// that a second term of one first term is no more likely to pass after
/// another whose window overlaps (the words after *the* in running text are
/// often second terms of other keys). The windows overlap, so each word
/// holds as many entries on average as if they were spread.
#[inline]
pub fn second_term_bits(space: u32, term: &str, words: usize) -> (usize, u64) {
    let mixed = (u64::from(space) + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let home = (mixed >> 32) as usize;
    let hash = (term_hash(term) ^ mixed).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    let hash = hash ^ hash >> 33;
    let word = home.wrapping_add((hash >> 40) as usize % SECOND_TERM_WINDOW_WORDS) & (words - 1);
    let bits = 1u64 << (hash & 63) | 1u64 << ((hash >> 6) & 63) | 1u64 << ((hash >> 12) & 63);
    (word, bits)
}

/// Whether two byte strings are equal, compared in at most two loads of
/// eight bytes each when they are 16 bytes or shorter (most terms), where
/// `==` on slices calls `memcmp`.
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n <= 8 {
        load_padded(a) == load_padded(b)
    } else if n <= 16 {
        let word =
            |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("8 bytes"));
        word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8)
    } else {
        a == b
    }
}

/// The quick-reject slot of a string: one bit per hash of its first eight
/// bytes and its length. A clear bit says a string is certainly not a first
/// term, for the price of one multiplication, where the Bloom filter would
/// hash the whole string. Most English words are short, so the bytes hashed
/// are the whole word: on BBC news with the built-in table, 30% of the
/// tokens asked get through, where format 7's hash of the first byte, the
/// last and the length let 68% through (the frequent short words of a
/// language share these with some first term).
#[inline]
pub fn quick_reject_slot(s: &str) -> usize {
    const SLOT_BITS: u32 = 16;
    let bytes = s.as_bytes();
    let head = load_padded(&bytes[..bytes.len().min(8)]);
    let mixed = (head ^ (bytes.len() as u64).rotate_right(8)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> (64 - SLOT_BITS)) as usize
}

/// Where the checksum sits in the header.
pub(crate) const CHECKSUM_AT: usize = 24;

/// The CRC-32 of a whole compiled table with its checksum field read as
/// zeros: what the header's checksum holds. Format 3 covered the body only,
/// so a flipped flag (whether the table holds the built-in one) went unseen.
pub(crate) fn file_checksum(bytes: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&bytes[..CHECKSUM_AT]);
    hasher.update(&[0; 4]);
    hasher.update(&bytes[CHECKSUM_AT + 4..]);
    hasher.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `same_bytes` answers as `==` over strings of up to 20 bytes from a
    /// small alphabet and every string that differs from one in one byte or
    /// in length.
    #[test]
    fn same_bytes_answers_as_equality() {
        let mut compared = 0;
        for n in 0..=20usize {
            let base: Vec<u8> = (0..n).map(|i| b"ab\xe4c"[i % 4]).collect();
            assert!(same_bytes(&base, &base.clone()));
            for at in 0..n {
                for b in [b'a', b'b', b'z', 0, 0xe4] {
                    let mut other = base.clone();
                    other[at] = b;
                    assert_eq!(
                        same_bytes(&base, &other),
                        base == other,
                        "{base:?} {other:?}"
                    );
                    compared += 1;
                }
            }
            for m in 0..=20usize {
                let other: Vec<u8> = base
                    .iter()
                    .copied()
                    .chain(std::iter::repeat(b'a'))
                    .take(m)
                    .collect();
                assert_eq!(
                    same_bytes(&base, &other),
                    base == other,
                    "{base:?} {other:?}"
                );
            }
        }
        assert!(compared > 900);
    }

    /// The hash and prefix as they were written before `load_padded`, with
    /// copies into zeroed arrays: a compiled table depends on their values.
    fn term_hash_reference(term: &str) -> u64 {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let bytes = term.as_bytes();
        let mut hash = bytes.len() as u64;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            hash = (hash.rotate_left(5) ^ word).wrapping_mul(K);
        }
        let mut tail = [0u8; 8];
        tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(tail)).wrapping_mul(K);
        hash ^ hash >> 32
    }

    fn term_prefix_reference(term: &str) -> u32 {
        let mut bytes = [0u8; 4];
        let n = term.len().min(4);
        bytes[..n].copy_from_slice(&term.as_bytes()[..n]);
        u32::from_le_bytes(bytes)
    }

    #[test]
    fn padded_loads_are_zero_padded_copies() {
        let mut random = crate::testing::XorShift::new(0x2545_F491_4F6C_DD1D);
        for _ in 0..20_000 {
            let bytes: Vec<u8> = (0..8).map(|_| random.below(256) as u8).collect();
            for n in 0..=8 {
                let mut padded = [0u8; 8];
                padded[..n].copy_from_slice(&bytes[..n]);
                assert_eq!(load_padded(&bytes[..n]), u64::from_le_bytes(padded), "{n}");
            }
        }
    }

    /// Terms of every length to 44 bytes, ASCII and not.
    #[test]
    fn term_hashes_and_prefixes_keep_their_values() {
        let mut random = crate::testing::XorShift::new(0x9E37_79B9_7F4A_7C15);
        let pieces = ["a", "Z", "9", "-", "é", "月", "𠀀", " "];
        for _ in 0..20_000 {
            let term: String = (0..random.below(12))
                .map(|_| pieces[random.below(pieces.len())])
                .collect();
            assert_eq!(term_hash(&term), term_hash_reference(&term), "{term:?}");
            assert_eq!(term_prefix(&term), term_prefix_reference(&term), "{term:?}");
            assert_eq!(
                term_hash_and_prefix(&term),
                (term_hash_reference(&term), term_prefix_reference(&term)),
                "{term:?}"
            );
        }
    }

    /// The second terms after one first term fall in one window, and a
    /// filter filled at the compiler's bits per entry (exactly: 32,768
    /// entries, 8,192 words) lets through few other terms: about one in a
    /// hundred after first terms of 1 to 12 second terms (0.9%), less than
    /// one in ten after one of 2,000 (8.3%; new, the in a table of
    /// Wikidata's size). With windows of 64 words, half passed after that
    /// one; with 8 bits per entry, 3.8% after the others.
    #[test]
    fn second_terms_of_one_first_term_share_a_window_and_few_others_pass() {
        let mut random = crate::testing::XorShift::new(0x2545_F491_4F6C_DD1D);
        let word = |random: &mut crate::testing::XorShift| -> String {
            (0..2 + random.below(8))
                .map(|_| char::from(b'a' + random.below(26) as u8))
                .collect()
        };
        const ENTRIES: usize = 32_768;
        const HUB: usize = 2_000;
        let mut firsts: Vec<(u32, Vec<String>)> = Vec::new();
        let mut entries = 0;
        while entries < ENTRIES {
            let count = if firsts.is_empty() {
                HUB
            } else {
                1 + random.below(12)
            };
            let count = count.min(ENTRIES - entries);
            let seconds = (0..count).map(|_| word(&mut random)).collect();
            firsts.push((random.below(1 << 30) as u32, seconds));
            entries += count;
        }
        let words = (ENTRIES * SECOND_TERM_BITS_PER_TERM / 64).next_power_of_two();
        assert_eq!(words * 64, ENTRIES * SECOND_TERM_BITS_PER_TERM);
        let mut filter = vec![0u64; words];
        for (space, seconds) in &firsts {
            let at: Vec<usize> = seconds
                .iter()
                .map(|second| second_term_bits(*space, second, words).0)
                .collect();
            // Positions from one window before the first's (words wrap
            // round the filter's end): they span less than a window.
            let from = at[0].wrapping_sub(SECOND_TERM_WINDOW_WORDS);
            let distances: Vec<usize> = at
                .iter()
                .map(|a| a.wrapping_sub(from) & (words - 1))
                .collect();
            let spread = distances.iter().max().unwrap() - distances.iter().min().unwrap();
            assert!(spread < SECOND_TERM_WINDOW_WORDS, "{at:?}");
            for second in seconds {
                let (w, bits) = second_term_bits(*space, second, words);
                filter[w] |= bits;
            }
        }
        let passes = |space: u32, term: &str| {
            let (w, bits) = second_term_bits(space, term, words);
            filter[w] & bits == bits
        };
        let (mut asked, mut passed) = (0, 0);
        for (space, seconds) in &firsts[1..] {
            for second in seconds {
                assert!(passes(*space, second), "{second} after {space}");
            }
            for _ in 0..20 {
                asked += 1;
                passed += usize::from(passes(*space, &format!("{}0", word(&mut random))));
            }
        }
        let rate = passed as f64 / asked as f64;
        assert!(rate < 0.012, "{passed} of {asked} other terms passed");
        let hub = firsts[0].0;
        let passed = (0..20_000)
            .filter(|_| passes(hub, &format!("{}0", word(&mut random))))
            .count();
        assert!(
            passed < 20_000 * 12 / 100,
            "{passed} of 20,000 passed after the hub"
        );
    }

    /// The word inside the window and the bits hash the first term too: a
    /// term gets other bits after another first term, so that a second term
    /// of one key is no likelier to pass after a first term whose window
    /// overlaps (with bits of the term alone, one that shared a window
    /// start let every such term through).
    #[test]
    fn second_term_bits_depend_on_both_terms() {
        let words = 1 << 16;
        let mut random = crate::testing::XorShift::new(0x9E37_79B9_7F4A_7C15);
        let mut same = 0;
        for i in 0..10_000 {
            let term = format!("t{i}");
            let (a, b) = (random.below(1 << 30) as u32, random.below(1 << 30) as u32);
            let (wa, ba) = second_term_bits(a, &term, words);
            let (wb, bb) = second_term_bits(b, &term, words);
            let home = |space: u32| second_term_bits(space, "", words).0;
            let offset = |w: usize, space: u32| w.wrapping_sub(home(space)) & (words - 1);
            same += usize::from(ba == bb || offset(wa, a) == offset(wb, b));
        }
        assert!(same < 200, "{same} of 10,000");
    }

    /// Where the shape flags of an exact text decide a surface alone, they
    /// decide as comparing it with the exact text would: nine keys of one
    /// to four letters and digits, every way of writing each in upper and lower
    /// case as surface, against exact texts in title case, upper case, as
    /// the key, mixed and other; never for an alias with blockers or
    /// without exact case, or a surface with other characters.
    #[test]
    fn exact_shapes_decide_as_the_exact_text() {
        use alias_flags::*;
        let mut decided = 0;
        for key in ["a", "in", "ge", "3m", "man", "b52", "abcd", "4x4x", "z"] {
            let upper = key.to_ascii_uppercase();
            let title = format!("{}{}", &upper[..1], &key[1..]);
            let mixed = format!("{}{}", &key[..1], &upper[1..]);
            let surfaces: Vec<String> = (0..1u32 << key.len())
                .map(|mask| {
                    key.bytes()
                        .enumerate()
                        .map(|(i, b)| {
                            char::from(if mask & 1 << i != 0 {
                                b.to_ascii_uppercase()
                            } else {
                                b
                            })
                        })
                        .collect()
                })
                .collect();
            for exact in [&title, &upper, key, &mixed, "Other", "I-N"] {
                let shape = exact_shape(key, exact);
                for flags in [CASE_EXACT, CASE_EXACT | HAS_BLOCKERS, 0] {
                    for surface in &surfaces {
                        let answer = exact_shape_allows(flags | shape, surface.as_bytes());
                        if let Some(allows) = answer {
                            assert_eq!(allows, surface == exact, "{surface:?} {exact:?}");
                            decided += 1;
                        }
                        if flags != CASE_EXACT {
                            assert_eq!(answer, None);
                        }
                    }
                    let hyphened = format!("{key}-");
                    assert_eq!(exact_shape_allows(flags | shape, hyphened.as_bytes()), None);
                }
            }
            assert_eq!(
                exact_shape(key, &title) & EXACT_IS_TITLE_OF_KEY,
                EXACT_IS_TITLE_OF_KEY
            );
            assert_eq!(
                exact_shape(key, &upper) & EXACT_IS_UPPER_OF_KEY,
                EXACT_IS_UPPER_OF_KEY
            );
        }
        assert_eq!(exact_shape("new york", "New york"), 0);
        assert_eq!(exact_shape("iphone", "iPhone"), 0);
        assert!(decided > 100, "{decided}");
    }
}
