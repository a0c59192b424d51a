//! [`AliasTable`]: a view over a compiled table's bytes (see
//! [`crate::format`]), wherever they are: embedded in the binary, mapped
//! from a `.canonidx` file, or compiled in memory from TOML or JSON Lines.
//!
//! ## What is checked where
//!
//! Loading costs the same for a table of a hundred aliases and one of a
//! million: it reads the header (magic, format version, byte order, the
//! file's length) and the section table, and checks that every section lies
//! inside the bytes on an 8-byte boundary and has the size the table's
//! counts demand (entities, aliases, keys; hash tables a power of two of
//! slots). It reads no section's contents: the pages of a mapped file are
//! touched only when a lookup or a document needs them, and are shared
//! with every other process mapping the same file.
//!
//! The checksum of the body and the structure of the contents (offsets that
//! rise and stay inside their columns, indices that name something, strings
//! inside the pool on character boundaries, the segmenter's pieces inside
//! their words) are checked by [`AliasTable::verify`], which reads every
//! byte: `canon alias compile` runs it on what it wrote and `canon alias
//! check t.canonidx` on the file.
//!
//! Between the two, every accessor reads the body with bounds-checked reads
//! and treats what it cannot use as absent: an offset past its column gives
//! an empty list, an index past its column no entity, alias or key (an
//! empty string, the first kind), a string outside the pool or not UTF-8 an
//! empty string, and a hash probe stops after one pass over its slots. So a
//! table damaged after it was verified (or never verified) may give wrong
//! answers but never reads out of bounds, panics or loops forever
//! (`damaged_bodies_give_wrong_answers_but_never_crash` flips bytes of the
//! body and runs every accessor).

use std::marker::PhantomData;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use zerocopy::FromBytes;

use crate::cjk_edges::{self, CjkEdges};
use crate::format::{
    BITSET_WORDS, BYTE_ORDER_MARK, EDGE_BOUNDARY, EDGE_WORDS, FLAG_BUILTIN, FORMAT_VERSION,
    HEADER_BYTES, MAGIC, NONE, SECTION_COUNT, SECTIONS, SEGMENTER_HEADER_WORDS, SLOT_WORDS,
    Section, alias_flags, bloom_bits, continuation_bit, edge_hash, pair_bit, quick_reject_slot,
    same_bytes, second_term_bits, term_hash_and_prefix,
};
use crate::{AliasEntry, AliasForm, AliasRef, Entity, Kind, TableProblem};

/// Advises Linux to use huge pages for a mapped table (`MADV_HUGEPAGE`):
/// where the kernel and the filesystem cache files in large folios (ext4
/// on Linux 6.18 here), pages of the table that are not yet in the page
/// cache are then read in as 2 MiB folios, which a page fault maps whole.
/// Elsewhere the advice changes nothing.
///
/// A large table is read at random all over: one run over 2.8 MB of news
/// touches nearly every 64 KiB of a 403 MB table (the key trie's 201 MB edge
/// table above all). In 4 KiB pages each of those reads costs a page fault
/// that maps 16 pages, a TLB miss, and at exit the unmapping of 100,000
/// page-table entries: about 5,600 more faults and 70 ms more system time
/// than the built-in table on that corpus. In 2 MiB folios the table costs
/// 100 to 250 faults. The advice changes how pages are read in, not pages
/// already cached: a table written by `canon alias compile` (one large
/// write) is cached in large folios anyway, one copied with `cp` (small
/// writes) only once its pages have left the cache. Failure is ignored: it
/// is a hint.
fn advise_huge_pages(map: &memmap2::Mmap) {
    #[cfg(target_os = "linux")]
    let _ = map.advise(memmap2::Advice::HugePage);
    #[cfg(not(target_os = "linux"))]
    let _ = map;
}

/// Where a compiled table's bytes are.
enum Storage {
    /// Embedded in the binary (the built-in table).
    Static(&'static [u8]),
    /// Compiled in memory; `u64` words keep the sections 8-aligned.
    Owned(Vec<u64>, usize),
    /// Compiled in memory and kept as the compiler returned them, their
    /// allocation found 8-aligned ([`AliasTable::from_vec`]).
    OwnedBytes(Vec<u8>),
    /// A `.canonidx` file mapped into memory, shared with other processes
    /// through the page cache.
    Mapped(memmap2::Mmap),
}

impl Storage {
    #[inline]
    fn bytes(&self) -> &[u8] {
        match self {
            Storage::Static(bytes) => bytes,
            Storage::Owned(words, len) => &zerocopy::IntoBytes::as_bytes(words.as_slice())[..*len],
            Storage::OwnedBytes(bytes) => bytes,
            Storage::Mapped(map) => map,
        }
    }
}

/// A section of a table's bytes shared with the table's storage: the key
/// trie's edge table, read in place without a copy.
#[derive(Clone)]
pub struct SharedBytes {
    storage: Arc<Storage>,
    range: Range<usize>,
}

impl AsRef<[u8]> for SharedBytes {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        &self.storage.bytes()[self.range.clone()]
    }
}

/// Why a compiled table cannot be used. Shown after the file's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The bytes do not start like a compiled table.
    #[error("not a canon table (compile one with `canon alias compile`)")]
    NotATable,
    /// Written by a canon whose layout differs.
    #[error(
        "built by an incompatible canon (format {found}, this canon reads {FORMAT_VERSION}); compile it again with this canon"
    )]
    Version {
        /// The file's format version.
        found: u32,
    },
    /// Compiled on a machine of the other byte order.
    #[error("compiled on a machine of another byte order; compile it again on this one")]
    ByteOrder,
    /// The bytes are not those that were written (found by
    /// [`AliasTable::verify`], not at load).
    #[error("checksum mismatch: the file is damaged or was changed after it was compiled")]
    Checksum,
    /// A section out of bounds or of the wrong size (at load), or, with a
    /// checksum that holds, contents that do not fit together (found by
    /// [`AliasTable::verify`]): written by something other than canon.
    #[error("damaged table: {0}")]
    Damaged(String),
}

/// A view over one alias's record in a compiled table.
#[derive(Clone, Copy)]
pub struct AliasView<'t> {
    table: &'t AliasTable,
    index: usize,
    /// Language tag (`en`, `zh-Hans`, `zh-Hant`, `zh-TW`, ...).
    pub lang: &'t str,
    /// The alias as written.
    pub text: &'t str,
    /// Matches only when written exactly so (after width and quote folding).
    pub case_exact: bool,
    /// Matches only with support from the document.
    pub needs_support: bool,
    /// The matching key ([`crate::alias_key`] of `text`).
    pub key: &'t str,
    /// The line of the alias in its table.
    pub line: usize,
    /// The form given in the table, if any; [`AliasTable::form`] also
    /// infers it.
    pub form: Option<AliasForm>,
}

impl std::fmt::Debug for AliasView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AliasView")
            .field("lang", &self.lang)
            .field("text", &self.text)
            .field("key", &self.key)
            .finish()
    }
}

impl std::fmt::Debug for EntityView<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntityView")
            .field("index", &self.index)
            .field("id", &self.id)
            .finish()
    }
}

impl<'t> AliasView<'t> {
    /// Longer phrases containing the alias that mean something else, as written.
    pub fn blockers(&self) -> StrList<'t> {
        let range = self.table.csr(Section::AliasBlockers, self.index);
        self.table.str_list(Section::BlockerText, range)
    }

    /// Whether the alias is marked as possibly a common word.
    pub fn is_marked_ambiguous(&self) -> bool {
        self.case_exact || self.needs_support
    }

    /// A short description of what the alias needs to match, for people.
    pub fn requirements(&self) -> Vec<&'static str> {
        crate::describe_requirements(
            self.case_exact,
            self.needs_support,
            !self.blockers().is_empty(),
        )
    }

    /// The alias as an owned entry, as a table would give it.
    pub fn to_entry(&self) -> AliasEntry {
        AliasEntry {
            lang: self.lang.to_string(),
            text: self.text.to_string(),
            case_exact: self.case_exact,
            needs_support: self.needs_support,
            blockers: self.blockers().iter().map(str::to_string).collect(),
            key: self.key.to_string(),
            line: self.line,
            form: self.form,
        }
    }
}

/// A view over one entity's record in a compiled table: what matching and
/// output ask of an entity, without building an [`Entity`].
#[derive(Clone, Copy)]
pub struct EntityView<'t> {
    table: &'t AliasTable,
    /// The entity's index in the table.
    pub index: u32,
    /// Stable identifier, also emitted as an index term for every mention.
    pub id: &'t str,
    /// Display name.
    pub name: &'t str,
    /// What the entity is.
    pub kind: Kind,
    /// The entity's Wikidata item id (`Q42`), if the table gives one.
    pub wikidata: Option<&'t str>,
    /// The table the entity was read from.
    pub file: &'t str,
    /// The line of the entity in that table.
    pub line: usize,
}

impl<'t> EntityView<'t> {
    /// The parent's index, if the entity has one.
    pub fn parent(&self) -> Option<u32> {
        let parent = self
            .table
            .u32_at(Section::EntityParent, self.index as usize);
        (parent != NONE).then_some(parent)
    }

    /// Topic tags.
    pub fn topics(&self) -> impl Iterator<Item = &'t str> + 't {
        let table = self.table;
        let range = table.csr(Section::EntityTopics, self.index as usize);
        table
            .items(Section::TopicIds, range)
            .iter()
            .map(move |&t| table.str_at(Section::TopicNames, t as usize))
    }

    /// Context words as written.
    pub fn context(&self) -> StrList<'t> {
        let range = self.table.csr(Section::EntityContext, self.index as usize);
        self.table.str_list(Section::ContextText, range)
    }

    /// The entity's aliases, in table order.
    pub fn aliases(&self) -> impl Iterator<Item = AliasView<'t>> + 't {
        let table = self.table;
        table.alias_refs(self.index).map(move |r| table.alias(r))
    }

    /// The entity as an owned record, as a table would give it.
    pub fn to_entity(&self) -> Entity {
        Entity {
            id: self.id.to_string(),
            name: self.name.to_string(),
            kind: self.kind,
            parent: self
                .parent()
                .map(|p| self.table.entity_at(p).id.to_string()),
            topics: self.topics().map(str::to_string).collect(),
            context: self.context().iter().map(str::to_string).collect(),
            wikidata: self.wikidata.map(str::to_string),
            aliases: self.aliases().map(|a| a.to_entry()).collect(),
            file: self.file.to_string(),
            line: self.line,
        }
    }
}

/// A list of strings of a compiled table, used like a slice of them.
#[derive(Debug, Clone)]
pub struct StrList<'t> {
    table: &'t AliasTable,
    section: Section,
    range: Range<usize>,
}

impl<'t> StrList<'t> {
    /// The number of strings.
    pub fn len(&self) -> usize {
        self.range.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.range.is_empty()
    }

    /// String `i`.
    pub fn get(&self, i: usize) -> &'t str {
        assert!(i < self.len(), "index {i} out of a list of {}", self.len());
        self.table.str_at(self.section, self.range.start + i)
    }

    /// The strings, in order.
    pub fn iter(&self) -> impl Iterator<Item = &'t str> + 't {
        let (table, section) = (self.table, self.section);
        self.range.clone().map(move |i| table.str_at(section, i))
    }
}

/// A node of the key trie: where a walk over a key's characters stands.
/// [`KeyTrie::root`] starts every walk; [`AliasTable::first_term_node`]
/// starts one after a whole term.
#[derive(Clone, Copy)]
pub struct KeyNode<'t> {
    /// The node's slot in [`Section::KeyEdges`] (the slot count for the root).
    node: u32,
    /// The key that ends here, or [`NONE`], when known without reading
    /// `KeyEdges` again (a node from [`Section::FirstTermSlots`], or one a
    /// step reached: its slot's value as stored, which [`KeyTrie::key_at`]
    /// checks); else [`UNKNOWN`].
    key: u32,
    /// The node after a separator `' '`, or [`NONE`], when so known; else
    /// [`UNKNOWN`].
    space: u32,
    /// The continuation bits of a node from [`Section::FirstTermSlots`]
    /// (see there); all set for other nodes, which know nothing.
    continuations: u64,
    /// The node's hash, from which the slots of its children's edges
    /// follow (see [`edge_hash`]).
    hash: u32,
    trie: PhantomData<&'t KeyTrie>,
}

impl KeyNode<'_> {
    /// The node's slot in [`Section::KeyEdges`]: what identifies it.
    #[inline]
    pub(crate) fn slot(&self) -> u32 {
        self.node
    }
}

impl KeyNode<'_> {
    /// Whether a key may go on from this node with a separator `' '` and
    /// then the first two bytes of `term`: `false` only when both are ASCII
    /// letters or digits and no key goes on so, which a node after a first
    /// term ([`AliasTable::first_term_node`]) knows without reading the key
    /// trie. A walk that would step a separator and then `term` from here
    /// can then stop at once.
    #[inline]
    pub fn may_go_on_with(&self, term: &str) -> bool {
        match *term.as_bytes() {
            [first, second, ..]
                if first.is_ascii_alphanumeric() && second.is_ascii_alphanumeric() =>
            {
                self.continuations & 1 << continuation_bit(first, second) != 0
            }
            _ => true,
        }
    }
}

/// What a [`KeyNode`] does not know yet.
const UNKNOWN: u32 = NONE - 1;

/// The most steps whose slots [`KeyTrie::prefetch_steps`] and
/// `SegmenterOverlay::prefetch_steps` ask for (the first step's left out):
/// a bound on the slots fetched for a long term that a walk leaves early at
/// an absent edge. Not tuned.
pub(crate) const PREFETCH_STEPS: usize = 8;

/// The hashes of the nodes that steps from a node of hash `hash` by
/// `chars` reach (at most [`PREFETCH_STEPS`]) when they cross no boundary
/// (see [`edge_hash`]): their low bits are the home slots the prefetches
/// ask for.
#[inline(always)]
pub(crate) fn step_hashes(
    hash: u32,
    chars: impl Iterator<Item = char>,
) -> impl Iterator<Item = (u32, char)> {
    chars.take(PREFETCH_STEPS).scan(hash, |hash, c| {
        *hash = edge_hash(*hash, c);
        Some((*hash, c))
    })
}

impl PartialEq for KeyNode<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl Eq for KeyNode<'_> {}

impl std::fmt::Debug for KeyNode<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyNode({})", self.node)
    }
}

/// The alias keys as a character trie the matcher walks term by term, one
/// character at a time (see [`crate::format`] for its layout and why). Whole
/// keys are looked up in it too.
pub struct KeyTrie {
    /// [`Section::KeyEdges`].
    edges: SharedBytes,
    /// The number of slots of `edges`, a power of two; also the root's id.
    slot_count: u32,
    /// The number of keys (key ids are below it).
    keys: u32,
    /// The first characters of keys, one bit per BMP character: most
    /// Chinese tokens start no key, and this turns them away at once.
    first_chars: Vec<u64>,
    /// The keys of one BMP character, one bit per character: the first
    /// 1,024 words of [`Section::KeyPairs`].
    single_chars: Vec<u64>,
    /// The pairs' bit set of [`Section::KeyPairs`], after the one-character
    /// keys: a power of two of `u64` words (checked at load). A copy, like
    /// the other bit sets: 16 KiB for the built-in table, a few hundred KiB
    /// for a table of a million aliases with names in Chinese, asked at
    /// most characters of Chinese text.
    pairs: Vec<u64>,
    /// [`Section::KeyStartPairs`], a power of two of `u64` words (checked
    /// at load); a copy, as `pairs`.
    start_pairs: Vec<u64>,
    /// The edges by East Asian characters gathered in a table of their own
    /// (see [`CjkEdges`]): derived at the first step by such a character,
    /// `None` inside for a table too large to derive it from.
    cjk: OnceLock<Option<CjkEdges>>,
}

/// Whether more than half of `bits` are set: quick-reject bits that pass
/// most words.
fn passes_most(bits: &[u64]) -> bool {
    let set: usize = bits.iter().map(|word| word.count_ones() as usize).sum();
    set * 2 > bits.len() * 64
}

/// Asks the processor to bring the cache line that holds `value` closer,
/// without waiting for it (nothing elsewhere than on x86-64); no effect on
/// results. Used by the batched first-term lookups and by the Chinese
/// segmenter's walk of its trie (`canon-jieba`).
#[inline(always)]
pub fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch has no effect the program can see and does not
    // fault; `value` is a reference, so its address is a valid one anyway.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            (value as *const T).cast::<i8>(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

impl std::fmt::Debug for KeyTrie {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyTrie")
            .field("keys", &self.keys)
            .field("slots", &self.slot_count)
            .finish()
    }
}

impl KeyTrie {
    /// The root node, where every walk starts.
    #[inline]
    pub fn root(&self) -> KeyNode<'_> {
        self.node(self.slot_count, self.slot_count)
    }

    /// Node `node` of hash `hash`, nothing else known.
    #[inline]
    fn node(&self, node: u32, hash: u32) -> KeyNode<'_> {
        KeyNode {
            node,
            key: UNKNOWN,
            space: UNKNOWN,
            continuations: u64::MAX,
            hash,
            trie: PhantomData,
        }
    }

    #[inline]
    fn edges(&self) -> &[u32] {
        <[u32]>::ref_from_bytes(self.edges.as_ref()).expect("validated at load")
    }

    /// Whether some key may start with `c` (always yes outside the BMP).
    #[inline]
    pub fn may_start(&self, c: char) -> bool {
        let code = c as usize;
        code >= 0x10000 || self.first_chars[code / 64] & (1 << (code % 64)) != 0
    }

    /// Whether some key has `c` right after `previous`: `false` only when
    /// `c` is not ASCII and no key does ([`Section::KeyPairs`]), so that no
    /// step by `c` from a node reached by `previous` can succeed. Asked
    /// before a step that would read a slot of the key trie, which misses
    /// the cache in all but the smallest tables.
    #[inline(always)]
    pub fn may_step(&self, previous: char, c: char) -> bool {
        if c.is_ascii() {
            return true;
        }
        let (word, mask) = pair_bit(previous, c, self.pairs.len());
        self.pairs[word] & mask != 0
    }

    /// Whether some key starts with `first` and then `c`: `false` only when
    /// `c` is not ASCII and no key does ([`Section::KeyStartPairs`]). A walk
    /// from the root by `first` before `c` ends no key unless this says yes
    /// or `first` alone is a key ([`Self::may_be_key_alone`]); asked before
    /// such a walk reads the key trie. Sharper than [`Self::may_step`] for
    /// the first step, which lets through the pairs inside keys too.
    #[inline]
    pub fn may_start_with(&self, first: char, c: char) -> bool {
        if c.is_ascii() {
            return true;
        }
        let (word, mask) = pair_bit(first, c, self.start_pairs.len());
        self.start_pairs[word] & mask != 0
    }

    /// Whether `c` alone may be a key: `false` only for a BMP character
    /// that is no key by itself ([`Section::KeyPairs`]).
    #[inline]
    pub fn may_be_key_alone(&self, c: char) -> bool {
        let code = c as usize;
        code >= 0x10000 || self.single_chars[code / 64] & (1 << (code % 64)) != 0
    }

    /// Whether `s` is a key. The character pairs of `s` are asked first
    /// ([`Self::may_start_with`], [`Self::may_step`],
    /// [`Self::may_be_key_alone`]): most strings the
    /// matcher asks about in Chinese text are no key, and the pairs say so
    /// without a read of the key trie.
    #[inline]
    pub fn is_key(&self, s: &str) -> bool {
        let mut chars = s.chars();
        let Some(first) = chars.next() else {
            return false;
        };
        if !self.may_start(first) {
            return false;
        }
        let mut previous = first;
        let mut alone = true;
        for c in chars {
            let may = if alone {
                self.may_start_with(first, c)
            } else {
                self.may_step(previous, c)
            };
            if !may {
                return false;
            }
            alone = false;
            previous = c;
        }
        if alone && !self.may_be_key_alone(first) {
            return false;
        }
        self.walk(self.root(), s)
            .and_then(|node| self.key_at(node))
            .is_some()
    }

    /// The node reached from `node` by `c`, with the key that ends there: a
    /// probe of [`Section::KeyEdges`] from [`edge_hash`] of `node`'s hash
    /// and `c`, or for a character from U+2E80 on (Han, kana, Hangul) a
    /// probe of the compact index of such edges ([`CjkEdges`], made at the
    /// first such step), which finds the same node.
    ///
    /// Earlier versions asked a per-thread cache of the last 4,096 steps
    /// (80 KiB) first. Measured again after the changes that spare walks
    /// before they start (a first term that no key goes on from, lower-case
    /// words, the second terms' windows), it cost the built-in table's runs
    /// 2 to 10% of their CPU time and gained a million-alias table nothing
    /// beyond the noise; why (fewer steps left to save, the other stages'
    /// data pushed out of the L1 and L2 caches) was not measured.
    #[inline(always)]
    pub fn step<'t>(&'t self, node: KeyNode<'t>, c: char) -> Option<KeyNode<'t>> {
        let hash = edge_hash(node.hash, c);
        if c == ' ' && node.space != UNKNOWN {
            // A node after a separator is never a boundary.
            return (node.space != NONE).then(|| self.node(node.space, hash));
        }
        if cjk_edges::is_indexed(c)
            && let Some(cjk) = self.cjk()
        {
            return cjk.step(self.edges(), node.node, c).map(|edge| KeyNode {
                node: edge.node,
                key: edge.key,
                space: UNKNOWN,
                continuations: u64::MAX,
                hash: if edge.boundary { edge.node } else { hash },
                trie: PhantomData,
            });
        }
        self.probe(node, c, hash)
    }

    /// [`Self::step`] by a probe of [`Section::KeyEdges`] from `hash`, the
    /// [`edge_hash`] of `node`'s hash and `c`.
    #[inline(always)]
    fn probe<'t>(&'t self, node: KeyNode<'t>, c: char, hash: u32) -> Option<KeyNode<'t>> {
        let edges = self.edges();
        let mask = self.slot_count as usize - 1;
        let mut slot = hash as usize & mask;
        // At most one pass: a table without an empty slot (damaged, since
        // the compiler leaves half of them empty) must not loop forever.
        for _ in 0..=mask {
            let entry = &edges[slot * EDGE_WORDS..slot * EDGE_WORDS + EDGE_WORDS];
            if entry[1] & !EDGE_BOUNDARY == c as u32 && entry[0] == node.node {
                // The slot just read holds the key that ends at the node.
                return Some(KeyNode {
                    node: slot as u32,
                    key: entry[2],
                    space: UNKNOWN,
                    continuations: u64::MAX,
                    hash: if entry[1] & EDGE_BOUNDARY != 0 {
                        slot as u32
                    } else {
                        hash
                    },
                    trie: PhantomData,
                });
            }
            if entry[1] == NONE {
                return None;
            }
            slot = (slot + 1) & mask;
        }
        None
    }

    /// The node reached from `node` by every character of `s`. The slots
    /// of the steps are asked for all at once first ([`Self::prefetch_steps`]).
    #[inline]
    pub fn walk<'t>(&'t self, mut node: KeyNode<'t>, s: &str) -> Option<KeyNode<'t>> {
        self.prefetch_steps(node, s.chars());
        for c in s.chars() {
            node = self.step(node, c)?;
        }
        Some(node)
    }

    /// [`Self::walk`] with every step by an East Asian character a probe of
    /// [`Section::KeyEdges`], not of the index made from it ([`CjkEdges`]):
    /// how [`AliasTable::verify`] reads the section, as the format lays it
    /// out, so that a misplaced edge there is found even where the index
    /// would find it.
    pub(crate) fn walk_probing<'t>(
        &'t self,
        mut node: KeyNode<'t>,
        s: &str,
    ) -> Option<KeyNode<'t>> {
        for c in s.chars() {
            node = if cjk_edges::is_indexed(c) {
                self.probe(node, c, edge_hash(node.hash, c))?
            } else {
                self.step(node, c)?
            };
        }
        Some(node)
    }

    /// Asks the processor for the home slots of [`Section::KeyEdges`] that
    /// steps from `node` by `chars` read first (of the second to the
    /// eighth step), without waiting for any: a walk that knows the
    /// characters ahead then waits for the cache misses of its steps
    /// together rather than one after the other (see [`edge_hash`]). The
    /// first step's slot is not asked for: the step that follows reads it
    /// at once. Only a hint: a boundary on the way (a walk from the root
    /// through a first term) makes the slots past it wrong, and an absent
    /// edge the rest useless; no effect on results.
    #[inline(always)]
    pub fn prefetch_steps(&self, node: KeyNode<'_>, chars: impl Iterator<Item = char>) {
        let edges = self.edges();
        let mask = self.slot_count as usize - 1;
        // Steps by East Asian characters read the index instead, once made.
        let indexed = self.cjk.get().is_some_and(Option::is_some);
        for (hash, c) in step_hashes(node.hash, chars).skip(1) {
            if !(indexed && cjk_edges::is_indexed(c)) {
                prefetch(&edges[(hash as usize & mask) * EDGE_WORDS]);
            }
        }
    }

    /// The index of the edges by East Asian characters, made at the first
    /// call; `None` for a table too large (see [`CjkEdges`]).
    #[inline(always)]
    fn cjk(&self) -> Option<&CjkEdges> {
        self.cjk
            .get_or_init(|| CjkEdges::build(self.edges()))
            .as_ref()
    }

    /// The id of the key that ends at `node`, if one does.
    #[inline]
    pub fn key_at(&self, node: KeyNode<'_>) -> Option<u32> {
        let key = if node.key != UNKNOWN {
            node.key
        } else {
            *self.edges().get(node.node as usize * EDGE_WORDS + 2)?
        };
        // Slots are not validated at load (see `validate`): a key id past
        // the keys is no key.
        (key != NONE && key < self.keys).then_some(key)
    }
}

/// The alias table, compiled: entities, aliases, keys and everything the
/// matcher and the `alias` commands ask, read in place from compiled bytes.
///
/// Get one with [`AliasTable::open`] (a `.canonidx` file, mapped),
/// [`AliasTable::from_sources`] (TOML or JSON Lines, compiled in memory),
/// [`AliasTable::from_vec`] (compiled bytes, taken) or
/// [`AliasTable::from_bytes`] (compiled bytes, copied). Cloning is cheap:
/// the bytes are shared.
#[derive(Clone)]
pub struct AliasTable {
    storage: Arc<Storage>,
    /// Where `storage`'s bytes start, taken once: the matcher reads columns
    /// hundreds of thousands of times per megabyte, and going through the
    /// storage's kind and the sections' checks each time cost it 10%.
    base: Base,
    sections: [Range<usize>; SECTION_COUNT],
    trie: Arc<KeyTrie>,
    first_term_filter: Arc<Vec<u64>>,
    /// See [`AliasTable::batches_first_terms`].
    batch_first_terms: bool,
    /// Per topic id: too broad to support (see `broad_topics` in
    /// data/matching.toml). Decided at load, so that a compiled table does
    /// not depend on the rules of the canon that compiled it.
    broad_topics: Arc<Vec<bool>>,
    /// Read from [`Section::Warnings`] when first asked (only the commands
    /// that report them do).
    warnings: Arc<OnceLock<Vec<TableProblem>>>,
    /// Whether the whole string pool was checked to be UTF-8 at load: for
    /// the built-in table and tables compiled in memory, whose pools are in
    /// memory anyway (a mapped file's is not, and is checked string by
    /// string; checking each string read cost 3% of English matching).
    pool_is_utf8: bool,
    flags: u32,
    builtin_checksum: u32,
    checksum: u32,
}

/// The address and length of a table's bytes, which `AliasTable::storage`
/// keeps alive and never moves or changes (a static, an owned buffer behind
/// an `Arc`, or a read-only map).
#[derive(Clone, Copy)]
struct Base {
    ptr: *const u8,
    len: usize,
}

// SAFETY: `Base` points into bytes that are never written after the table
// is made and live as long as the `Arc<Storage>` beside it; reading them
// from several threads is what `&[u8]` does.
unsafe impl Send for Base {}
// SAFETY: as above.
unsafe impl Sync for Base {}

impl std::fmt::Debug for AliasTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AliasTable")
            .field("entities", &self.entity_count())
            .field("aliases", &self.alias_count())
            .field("keys", &self.key_count())
            .finish()
    }
}

impl AliasTable {
    /// Maps the compiled table at `path` (written by `canon alias compile`)
    /// and checks it. The file is read in place: processes that open the
    /// same file share its pages. It must not be changed while mapped
    /// (`canon alias compile` replaces a file by renaming a new one over it,
    /// which is safe).
    pub fn open(path: &Path) -> crate::Result<AliasTable> {
        let io = |cause| crate::Error::Io {
            path: path.to_path_buf(),
            cause,
        };
        let file = std::fs::File::open(path).map_err(io)?;
        // SAFETY: the mapping is read-only; canon never writes a table in
        // place (it renames a new file over the old one), and a table changed
        // by someone else while mapped is documented as unsupported. Every
        // offset is checked against the mapping's length before use.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
        advise_huge_pages(&map);
        AliasTable::from_storage(Storage::Mapped(map)).map_err(|cause| crate::Error::Format {
            path: path.to_path_buf(),
            cause,
        })
    }

    /// A table over compiled bytes in memory.
    pub fn from_bytes(bytes: &[u8]) -> Result<AliasTable, FormatError> {
        let mut words = vec![0u64; bytes.len().div_ceil(8)];
        zerocopy::IntoBytes::as_mut_bytes(words.as_mut_slice())[..bytes.len()]
            .copy_from_slice(bytes);
        AliasTable::from_storage(Storage::Owned(words, bytes.len()))
    }

    /// A table over compiled bytes in memory that it takes: without a copy
    /// when their allocation is 8-aligned (the system allocator and
    /// mimalloc align every allocation to 16 bytes), else copied as by
    /// [`Self::from_bytes`]. A table of a million aliases is some 400 MB,
    /// which a copy would hold twice.
    ///
    /// # Errors
    ///
    /// As [`Self::from_bytes`]: bytes that are not a whole compiled table
    /// of this format.
    pub fn from_vec(bytes: Vec<u8>) -> Result<AliasTable, FormatError> {
        if bytes.as_ptr().align_offset(8) != 0 {
            return AliasTable::from_bytes(&bytes);
        }
        AliasTable::from_storage(Storage::OwnedBytes(bytes))
    }

    /// A table over compiled bytes that live as long as the program (the
    /// built-in table, embedded 8-aligned with `include_bytes!`).
    pub fn from_static(bytes: &'static [u8]) -> Result<AliasTable, FormatError> {
        if bytes.as_ptr().align_offset(8) != 0 {
            return AliasTable::from_bytes(bytes);
        }
        AliasTable::from_storage(Storage::Static(bytes))
    }

    fn from_storage(storage: Storage) -> Result<AliasTable, FormatError> {
        let storage = Arc::new(storage);
        let bytes = storage.bytes();
        let header = Header::read(bytes)?;
        if bytes.as_ptr().align_offset(8) != 0 {
            return Err(damaged("the table's bytes are not 8-byte aligned".into()));
        }
        let mut sections: [Range<usize>; SECTION_COUNT] = std::array::from_fn(|_| 0..0);
        let table_end = HEADER_BYTES + SECTION_COUNT * 16;
        for (i, range) in sections.iter_mut().enumerate() {
            let at = HEADER_BYTES + i * 16;
            let start = u64::from_ne_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
            let len = u64::from_ne_bytes(bytes[at + 8..at + 16].try_into().expect("8 bytes"));
            let end = start.saturating_add(len);
            if start % 8 != 0 || start < table_end as u64 || end > bytes.len() as u64 {
                return Err(damaged(format!("section {:?} out of bounds", SECTIONS[i])));
            }
            *range = start as usize..end as usize;
        }
        let sizes = check_sizes(&sections)?;
        let bitset = |section: Section| -> Vec<u64> {
            let range = sections[section as usize].start..;
            <[u64]>::ref_from_bytes(&bytes[range][..8 * BITSET_WORDS])
                .expect("sizes checked: 8-aligned, at least BITSET_WORDS words")
                .to_vec()
        };
        let edges = SharedBytes {
            storage: storage.clone(),
            range: sections[Section::KeyEdges as usize].clone(),
        };
        let base = Base {
            ptr: bytes.as_ptr(),
            len: bytes.len(),
        };
        let first_chars = bitset(Section::FirstChars);
        let single_chars = bitset(Section::KeyPairs);
        let pairs = <[u64]>::ref_from_bytes(&bytes[sections[Section::KeyPairs as usize].clone()])
            .expect("sizes checked: 8-aligned, whole words")[BITSET_WORDS..]
            .to_vec();
        let start_pairs =
            <[u64]>::ref_from_bytes(&bytes[sections[Section::KeyStartPairs as usize].clone()])
                .expect("sizes checked: 8-aligned, whole words")
                .to_vec();
        let first_term_filter = bitset(Section::FirstTermFilter);
        let mut table = AliasTable {
            storage: storage.clone(),
            base,
            sections,
            trie: Arc::new(KeyTrie {
                edges,
                slot_count: sizes.edge_slots,
                keys: sizes.keys,
                first_chars,
                single_chars,
                pairs,
                start_pairs,
                cjk: OnceLock::new(),
            }),
            batch_first_terms: passes_most(&first_term_filter),
            first_term_filter: Arc::new(first_term_filter),
            broad_topics: Arc::new(Vec::new()),
            warnings: Arc::new(OnceLock::new()),
            pool_is_utf8: false,
            flags: header.flags,
            builtin_checksum: header.builtin_checksum,
            checksum: header.checksum,
        };
        if !matches!(*storage, Storage::Mapped(_)) {
            table.pool_is_utf8 =
                simdutf8::basic::from_utf8(table.section(Section::Strings)).is_ok();
        }
        // A few topic names (the table's topic tags, not one per entity).
        let broad = &crate::rules::rules().broad_topics;
        let topics = table.u32s(Section::TopicNames).len() / 2;
        table.broad_topics = Arc::new(
            (0..topics)
                .map(|t| broad.contains(table.str_at(Section::TopicNames, t)))
                .collect(),
        );
        Ok(table)
    }

    /// Checks what loading does not (see the [module docs](self)): the
    /// checksum of the body, then the structure of every section's
    /// contents. Reads every byte of the table:
    /// `canon alias compile` and `canon alias check` ask for it, loading
    /// does not.
    ///
    /// Errors: [`FormatError::Checksum`] when the body is not what was
    /// written, [`FormatError::Damaged`] naming the first section whose
    /// contents do not fit.
    pub fn verify(&self) -> Result<(), FormatError> {
        let bytes = self.storage.bytes();
        if crate::format::file_checksum(bytes) != self.checksum {
            return Err(FormatError::Checksum);
        }
        crate::validate::validate(self)
    }

    /// The bytes of `section`.
    #[inline]
    pub(crate) fn section(&self, section: Section) -> &[u8] {
        let range = &self.sections[section as usize];
        debug_assert!(range.end <= self.base.len);
        // SAFETY: the section's range was checked at load to lie inside the
        // bytes, which `self.storage` keeps alive and unchanged (see `Base`).
        unsafe { std::slice::from_raw_parts(self.base.ptr.add(range.start), range.len()) }
    }

    /// `section` as `u32` values (validated at load).
    #[inline]
    pub(crate) fn u32s(&self, section: Section) -> &[u32] {
        let range = &self.sections[section as usize];
        // SAFETY: as in `section`; the bytes start 8-aligned and every
        // section on an 8-byte boundary (checked at load), and any bit
        // pattern is a `u32`.
        unsafe {
            std::slice::from_raw_parts(
                self.base.ptr.add(range.start).cast::<u32>(),
                range.len() / 4,
            )
        }
    }

    /// `section` as `u64` values.
    #[inline]
    pub(crate) fn u64s(&self, section: Section) -> &[u64] {
        let range = &self.sections[section as usize];
        // SAFETY: as in `u32s` (sections start on an 8-byte boundary).
        unsafe {
            std::slice::from_raw_parts(
                self.base.ptr.add(range.start).cast::<u64>(),
                range.len() / 8,
            )
        }
    }

    /// The pool string at `offset`, `len` bytes; empty when it is not
    /// inside the pool or not UTF-8 (a damaged table: see the module docs).
    /// Checked at each read rather than once at load, which would read the
    /// whole pool; the strings the matcher reads are a few bytes.
    #[inline]
    pub(crate) fn pool_str(&self, offset: u32, len: u32) -> &str {
        let (start, end) = (offset as usize, offset as usize + len as usize);
        let pool = self.section(Section::Strings);
        if self.pool_is_utf8 {
            // SAFETY: the whole pool was checked to be UTF-8 at load and
            // never changes (static or owned bytes); `str::get` checks the
            // bounds and that both ends fall on character boundaries.
            return unsafe { std::str::from_utf8_unchecked(pool) }
                .get(start..end)
                .unwrap_or("");
        }
        Self::checked_pool_str(pool, start, end)
    }

    /// [`Self::pool_str`] of a mapped table, whose pool is checked string
    /// by string: kept out of line, so that `pool_str` stays small enough to
    /// be inlined where the pool was checked at load (the built-in table).
    #[inline(never)]
    fn checked_pool_str(pool: &[u8], start: usize, end: usize) -> &str {
        match pool.get(start..end) {
            // Names and ids are mostly ASCII, which is UTF-8; `is_ascii`
            // reads a word at a time where `from_utf8` goes byte by byte
            // through short strings (1.5% of a million-alias table's English
            // run was spent in `from_utf8` here).
            // SAFETY: ASCII bytes are UTF-8.
            Some(bytes) if bytes.is_ascii() => unsafe { std::str::from_utf8_unchecked(bytes) },
            Some(bytes) => std::str::from_utf8(bytes).unwrap_or(""),
            None => "",
        }
    }

    /// The pool bytes at `offset`, `len` bytes (empty when not inside the
    /// pool): what a comparison with a string needs, without the UTF-8
    /// check [`Self::pool_str`] makes of a mapped table's strings (5% of
    /// English matching with a million aliases, for the first-term probe
    /// at every token).
    #[inline]
    pub(crate) fn pool_bytes(&self, offset: u32, len: u32) -> &[u8] {
        let start = offset as usize;
        self.section(Section::Strings)
            .get(start..start + len as usize)
            .unwrap_or(&[])
    }

    /// String `i` of a string column (empty past its end).
    #[inline]
    pub(crate) fn str_at(&self, section: Section, i: usize) -> &str {
        match self.u32s(section).get(2 * i..2 * i + 2) {
            Some(pair) => self.pool_str(pair[0], pair[1]),
            None => "",
        }
    }

    /// Value `i` of a `u32` column, [`NONE`] past its end.
    #[inline]
    fn u32_at(&self, section: Section, i: usize) -> u32 {
        self.u32s(section).get(i).copied().unwrap_or(NONE)
    }

    /// Items `offsets[i]..offsets[i + 1]` of a CSR column: empty past its
    /// end, when the offsets go down or when they go past the items (so
    /// that no damaged offset makes a list of billions).
    #[inline]
    pub(crate) fn csr(&self, offsets: Section, i: usize) -> Range<usize> {
        let (items, words) = match offsets {
            Section::EntityAliases => (Section::AliasFlags, 1),
            Section::EntityTopics => (Section::TopicIds, 1),
            Section::EntityAncestors => (Section::Ancestors, 1),
            Section::EntityContext => (Section::ContextText, 2),
            Section::EntityContextKeys => (Section::ContextKeys, 2),
            Section::AliasBlockers => (Section::BlockerText, 2),
            Section::KeyAliases => (Section::KeyRefs, 2),
            _ => unreachable!("{offsets:?} is not a CSR column"),
        };
        let count = self.u32s(items).len() / words;
        match self.u32s(offsets).get(i..i + 2) {
            Some(&[start, end]) if start <= end && end as usize <= count => {
                start as usize..end as usize
            }
            _ => 0..0,
        }
    }

    /// `range` of the `u32` column `section` (empty when out of bounds).
    #[inline]
    fn items(&self, section: Section, range: Range<usize>) -> &[u32] {
        self.u32s(section).get(range).unwrap_or(&[])
    }

    fn str_list(&self, section: Section, range: Range<usize>) -> StrList<'_> {
        StrList {
            table: self,
            section,
            range,
        }
    }

    /// The language tags of the table's aliases, each once (as the tables
    /// write them: `en`, `zh-Hans`, ...).
    pub fn langs(&self) -> StrList<'_> {
        let count = self.u32s(Section::Langs).len() / 2;
        self.str_list(Section::Langs, 0..count)
    }

    /// The number of entities.
    pub fn entity_count(&self) -> usize {
        self.u32s(Section::EntityKind).len()
    }

    /// The number of aliases.
    pub fn alias_count(&self) -> usize {
        self.u32s(Section::AliasFlags).len()
    }

    /// The number of distinct keys.
    pub fn key_count(&self) -> usize {
        self.u32s(Section::KeyText).len() / 2
    }

    /// Whether the table holds the built-in table (user tables compiled on
    /// top of it), so that it replaces the built-in table when loaded.
    pub fn includes_builtin(&self) -> bool {
        self.flags & FLAG_BUILTIN != 0
    }

    /// The checksum of the built-in table this table holds (0 if none).
    pub fn builtin_checksum(&self) -> u32 {
        self.builtin_checksum
    }

    /// The checksum of this table's body: two tables with the same one are
    /// the same table.
    pub fn checksum(&self) -> u32 {
        self.checksum
    }

    /// The index of the key trie's edges by East Asian characters (see
    /// `cjk_edges`), made now if it was not, as bytes: the table's
    /// checksum and the key trie's slot count (two little-endian `u64`),
    /// then the index's packed words (little-endian `u64` each). `None` for
    /// a table too large to have one. A build script that compiles a table
    /// to embed writes these beside it, so that
    /// [`Self::set_east_asian_index`] spares each process the index's
    /// making: about 1.5 ms for the built-in table, at the first step by
    /// a Han character.
    pub fn east_asian_index_bytes(&self) -> Option<Vec<u8>> {
        let index = self.trie.cjk()?;
        let header = [u64::from(self.checksum), u64::from(self.trie.slot_count)];
        Some(
            header
                .iter()
                .chain(index.words())
                .flat_map(|word| word.to_le_bytes())
                .collect(),
        )
    }

    /// Reads the East Asian index in place from `bytes`, as
    /// [`Self::east_asian_index_bytes`] wrote them for this table: 8-aligned
    /// and `'static` because they are read where they lie (an embedded
    /// file). Returns whether they were taken. Bytes made for another table
    /// (checksum or slot count differ), misaligned, malformed, or on a
    /// big-endian target are not, nor are any once the index exists (made
    /// by a step, or read before); the index is then made at the first step
    /// as usual. Every clone of this table shares the key trie, and so the
    /// index. The words themselves are not checked (that would cost what
    /// they spare), and [`Self::verify`] reads `KeyEdges`, not the index:
    /// words other than those `east_asian_index_bytes` wrote for this table
    /// give wrong steps, never a panic or an endless probe.
    pub fn set_east_asian_index(&self, bytes: &'static [u8]) -> bool {
        if cfg!(target_endian = "little")
            && let Ok(words) = <[u64]>::ref_from_bytes(bytes)
            && let [checksum, slot_count, words @ ..] = words
            && *checksum == u64::from(self.checksum)
            && *slot_count == u64::from(self.trie.slot_count)
            && let Some(index) = CjkEdges::from_words(words, self.trie.slot_count as usize)
        {
            self.trie.cjk.set(Some(index)).is_ok()
        } else {
            false
        }
    }

    /// Whether the East Asian index exists yet (made at a step, or read by
    /// [`Self::set_east_asian_index`]): for tests and diagnostics.
    pub fn east_asian_index_ready(&self) -> bool {
        self.trie.cjk.get().is_some_and(Option::is_some)
    }

    /// The compiled bytes (what `canon alias compile` writes).
    pub fn as_bytes(&self) -> &[u8] {
        self.storage.bytes()
    }

    /// The index of alias `r` in the alias columns (past them for a
    /// reference that names no alias, which reads as no alias).
    #[inline]
    fn global_alias(&self, r: AliasRef) -> usize {
        self.u32_at(Section::EntityAliases, r.entity as usize) as usize + r.alias as usize
    }

    #[inline]
    pub(crate) fn flags_of(&self, r: AliasRef) -> u32 {
        self.u32s(Section::AliasFlags)
            .get(self.global_alias(r))
            .copied()
            .unwrap_or(0)
    }

    /// The form of alias `r`: as the table gives it, or inferred (see
    /// [`AliasForm`] and docs/aliases.md).
    #[inline]
    pub fn form(&self, r: AliasRef) -> AliasForm {
        form_of((self.flags_of(r) >> alias_flags::FORM_SHIFT) & 3)
    }

    /// Whether folding to simplified Chinese turns alias `r` into a text no
    /// alias of its entity is written as (昇腾 → 升腾).
    #[inline]
    pub fn fold_changes(&self, r: AliasRef) -> bool {
        self.flags_of(r) & alias_flags::FOLD_CHANGES != 0
    }

    /// The ancestors of `entity` (parent, its parent, ...), nearest first:
    /// the ids a mention of it also makes findable.
    #[inline]
    pub fn ancestors(&self, entity: u32) -> &[u32] {
        let range = self.csr(Section::EntityAncestors, entity as usize);
        self.items(Section::Ancestors, range)
    }

    /// Every entity, in table order (built-in table first), as owned records
    /// (for listing and exporting; matching reads single fields:
    /// [`Self::entity_id`], [`Self::kind`], [`Self::entity_name`]).
    pub fn entities(&self) -> impl Iterator<Item = Entity> + '_ {
        (0..self.entity_count() as u32).map(|e| self.entity_at(e).to_entity())
    }

    /// The entity with id `id`, as an owned record.
    pub fn entity(&self, id: &str) -> Option<Entity> {
        self.entity_index(id).map(|e| self.entity_at(e).to_entity())
    }

    /// The index of the entity with id `id`.
    pub fn entity_index(&self, id: &str) -> Option<u32> {
        // Ids are unique and entity ids are aliases' neighbours in no
        // order, so a binary search needs an index the format does not
        // keep; a scan over the id column is a few milliseconds even for a
        // million entities, and only `alias show` asks.
        let ids = self.u32s(Section::EntityId);
        let pool = self.section(Section::Strings);
        ids.chunks_exact(2)
            .position(|pair| {
                let (offset, len) = (pair[0] as usize, pair[1] as usize);
                pool.get(offset..offset + len) == Some(id.as_bytes())
            })
            .map(|e| e as u32)
    }

    /// The entity at `index`.
    #[inline]
    pub fn entity_at(&self, index: u32) -> EntityView<'_> {
        let e = index as usize;
        EntityView {
            table: self,
            index,
            id: self.entity_id(index),
            name: self.entity_name(index),
            kind: self.kind(index),
            wikidata: self.entity_wikidata(index),
            file: self.str_at(Section::Files, self.u32_at(Section::EntityFile, e) as usize),
            line: self.u32s(Section::EntityLine).get(e).copied().unwrap_or(0) as usize,
        }
    }

    /// The id of the entity at `index` (what [`Self::entity_at`] gives as
    /// `id`, without reading the rest).
    #[inline]
    pub fn entity_id(&self, index: u32) -> &str {
        self.str_at(Section::EntityId, index as usize)
    }

    /// The name of the entity at `index` (what [`Self::entity_at`] gives
    /// as `name`, without reading the rest: each string read from a mapped
    /// table is checked to be UTF-8).
    #[inline]
    pub fn entity_name(&self, index: u32) -> &str {
        self.str_at(Section::EntityName, index as usize)
    }

    /// The Wikidata id of the entity at `index`, if it has one (what
    /// [`Self::entity_at`] gives as `wikidata`).
    #[inline]
    pub fn entity_wikidata(&self, index: u32) -> Option<&str> {
        let wikidata = self.str_at(Section::EntityWikidata, index as usize);
        (!wikidata.is_empty()).then_some(wikidata)
    }

    /// Whether alias `r` is `case = "exact"`.
    #[inline]
    pub fn case_exact(&self, r: AliasRef) -> bool {
        self.flags_of(r) & alias_flags::CASE_EXACT != 0
    }

    /// Whether alias `r` is `needs = "support"`.
    #[inline]
    pub fn needs_support(&self, r: AliasRef) -> bool {
        self.flags_of(r) & alias_flags::NEEDS_SUPPORT != 0
    }

    /// The key of alias `r` (empty when it has none).
    #[inline]
    pub fn alias_key_text(&self, r: AliasRef) -> &str {
        let key = self.u32_at(Section::AliasKey, self.global_alias(r));
        self.str_at(Section::KeyText, key as usize)
    }

    /// The kind of the entity at `index` (the first kind for an index or a
    /// kind that names none).
    #[inline]
    pub fn kind(&self, index: u32) -> Kind {
        let kind = self.u32_at(Section::EntityKind, index as usize);
        Kind::ALL
            .get(kind as usize)
            .copied()
            .unwrap_or(Kind::ALL[0])
    }

    /// The alias `r` refers to.
    #[inline]
    pub fn alias(&self, r: AliasRef) -> AliasView<'_> {
        let a = self.global_alias(r);
        let flags = self.flags_of(r);
        let key = self.u32_at(Section::AliasKey, a);
        let given = (flags >> alias_flags::GIVEN_FORM_SHIFT) & 3;
        AliasView {
            table: self,
            index: a,
            lang: self.str_at(Section::Langs, self.u32_at(Section::AliasLang, a) as usize),
            text: self.str_at(Section::AliasText, a),
            case_exact: flags & alias_flags::CASE_EXACT != 0,
            needs_support: flags & alias_flags::NEEDS_SUPPORT != 0,
            // NONE (no key) is past the key column: empty.
            key: self.str_at(Section::KeyText, key as usize),
            line: self.u32s(Section::AliasLine).get(a).copied().unwrap_or(0) as usize,
            form: (given != 0).then(|| form_of(given - 1)),
        }
    }

    /// The text of alias `r` as written ([`Self::alias`]'s `text`, without
    /// reading the rest of the record).
    #[inline]
    pub fn alias_text(&self, r: AliasRef) -> &str {
        self.str_at(Section::AliasText, self.global_alias(r))
    }

    /// The texts of the aliases of the entity at `index`, as written, in
    /// table order: what [`EntityView::aliases`] gives as `text`, without
    /// reading the rest of each alias (its exact text, language, key, flags
    /// and line are apart in the file, each a likely cache miss in a large
    /// table).
    pub fn alias_texts(&self, index: u32) -> impl Iterator<Item = &str> + '_ {
        self.alias_refs(index).map(|r| self.alias_text(r))
    }

    /// References to the aliases of the entity at `index`, in table order.
    fn alias_refs(&self, index: u32) -> impl Iterator<Item = AliasRef> + use<> {
        let count = self.csr(Section::EntityAliases, index as usize).len() as u32;
        (0..count).map(move |alias| AliasRef {
            entity: index,
            alias,
        })
    }

    /// Whether alias `r` has blockers.
    #[inline]
    pub fn has_blockers(&self, r: AliasRef) -> bool {
        !self
            .csr(Section::AliasBlockers, self.global_alias(r))
            .is_empty()
    }

    /// Whether every alias of key `key_id` is `case = "exact"` and written
    /// with an ASCII capital first: then no text that starts with a
    /// lowercase ASCII letter matches any of them, which the matcher asks
    /// before it reads each alias. In a large table most everyday words are
    /// some entity's name (To, In, Man), each carrying exact case and
    /// shared by several entities; reading every alias of every such word
    /// of a document (four reads far apart in the table per alias) cost
    /// more than the rest of matching. Decided by `canon alias compile`
    /// ([`Section::KeyNeedsCapital`]); `false` for a key id past the keys.
    #[inline]
    pub fn key_needs_capital(&self, key_id: u32) -> bool {
        if key_id as usize >= self.key_count() {
            return false;
        }
        let key = key_id as usize;
        self.u64s(Section::KeyNeedsCapital)
            .get(key / 64)
            .is_some_and(|word| word & 1 << (key % 64) != 0)
    }

    /// Whether `entity` has no parent, no topics and no context keys
    /// ([`Section::EntityIsolated`], decided by the compiler): then only a
    /// mention of the entity itself, or of one of its descendants, can
    /// support an ambiguous name of it ([`Self::related`]). `false` for an
    /// index past the entities.
    #[inline]
    pub fn entity_isolated(&self, entity: u32) -> bool {
        let e = entity as usize;
        e < self.entity_count()
            && self
                .u64s(Section::EntityIsolated)
                .get(e / 64)
                .is_some_and(|word| word & 1 << (e % 64) != 0)
    }

    /// The normalized text a `case = "exact"` alias is compared with.
    #[inline]
    pub fn exact_text(&self, r: AliasRef) -> &str {
        self.str_at(Section::AliasExact, self.global_alias(r))
    }

    /// Problems that did not stop the table from loading.
    pub fn warnings(&self) -> &[TableProblem] {
        self.warnings.get_or_init(|| {
            self.u32s(Section::Warnings)
                .chunks_exact(5)
                .map(|w| TableProblem {
                    file: self.pool_str(w[0], w[1]).to_string(),
                    line: w[2] as usize,
                    message: self.pool_str(w[3], w[4]).to_string(),
                })
                .collect()
        })
    }

    /// The id of key `key`, if some alias has it.
    pub fn key_id(&self, key: &str) -> Option<u32> {
        if key.is_empty() {
            return None;
        }
        let trie = self.trie();
        trie.key_at(trie.walk(trie.root(), key)?)
    }

    /// The aliases whose key is `key`.
    pub fn aliases_with_key(&self, key: &str) -> &[AliasRef] {
        self.key_id(key)
            .map_or(&[], |id| self.aliases_of_key_id(id))
    }

    /// Every key with its aliases (for suggestions), in byte order.
    pub fn keys(&self) -> impl Iterator<Item = (&str, &[AliasRef])> {
        (0..self.key_count()).map(|k| {
            (
                self.str_at(Section::KeyText, k),
                self.aliases_of_key_id(k as u32),
            )
        })
    }

    /// The aliases of the key with id `key_id` (as [`KeyTrie::key_at`] gives it).
    #[inline]
    pub fn aliases_of_key_id(&self, key_id: u32) -> &[AliasRef] {
        let range = self.csr(Section::KeyAliases, key_id as usize);
        let words = self.items(Section::KeyRefs, range.start * 2..range.end * 2);
        <[AliasRef]>::ref_from_bytes(zerocopy::IntoBytes::as_bytes(words))
            .expect("pairs of u32 are alias references")
    }

    /// The [`Section::KeyRefFlags`] words of the aliases of the key with id
    /// `key_id`, one per alias of [`Self::aliases_of_key_id`], in its order:
    /// what [`Self::surface_allows_by_key`] and the matcher ask of each
    /// without reading the alias.
    #[inline]
    pub fn key_ref_flags(&self, key_id: u32) -> &[u32] {
        let range = self.csr(Section::KeyAliases, key_id as usize);
        self.items(Section::KeyRefFlags, range)
    }

    /// [`Self::surface_allows`] for alias `r` of a key, with its
    /// [`Self::key_ref_flags`] word `ref_flags`, where `start..end` of
    /// `normalized` is a match of that key: an alias that is not exact-case
    /// and has no blockers allows every surface, an exact-case one whose
    /// first byte differs from the surface's (an everyday word in lower
    /// case) allows none, and one whose exact text is the key in title or
    /// upper case allows a surface of ASCII letters and digits written so
    /// ([`alias_flags::exact_shape_allows`]), all known without reading the
    /// alias.
    #[inline]
    pub fn surface_allows_by_key(
        &self,
        r: AliasRef,
        ref_flags: u32,
        normalized: &str,
        start: usize,
        end: usize,
    ) -> bool {
        let exact = ref_flags & alias_flags::CASE_EXACT != 0;
        if !exact && ref_flags & alias_flags::HAS_BLOCKERS == 0 {
            return true;
        }
        if exact {
            let first = (ref_flags >> alias_flags::EXACT_FIRST_SHIFT) as u8;
            if let Some(&s) = normalized.as_bytes().get(start)
                && s != first
                && s.is_ascii_graphic()
                && first.is_ascii_graphic()
            {
                return false;
            }
            if let Some(allows) = normalized
                .as_bytes()
                .get(start..end)
                .and_then(|surface| alias_flags::exact_shape_allows(ref_flags, surface))
            {
                return allows;
            }
        }
        self.surface_allows(r, normalized, start, end)
    }

    /// Han words of every alias and blocker: the Chinese segmenter's extra
    /// dictionary, so that names and blockers stay whole. Computed when the
    /// table was compiled; read in place.
    pub fn dictionary_word_list(&self) -> StrList<'_> {
        let count = self.u32s(Section::DictionaryWords).len() / 2;
        self.str_list(Section::DictionaryWords, 0..count)
    }

    /// [`Self::dictionary_word_list`] as owned strings.
    pub fn dictionary_words(&self) -> Vec<String> {
        self.dictionary_word_list()
            .iter()
            .map(str::to_string)
            .collect()
    }

    /// Whether one of alias `r`'s blockers that names another person of the
    /// name (a relative or namesake: "Grace Mugabe" for Mugabe, see
    /// [`crate::names_a_namesake`]) occurs anywhere in `normalized`
    /// (caselessly, as [`Self::surface_allows`] compares blockers): then
    /// the alias alone may mean that person. Blockers that are places,
    /// bodies or words containing the alias (Harris Poll, Xi'an, 汪洋大海)
    /// say nothing about who is meant and are not asked. `false` for an
    /// alias without blockers.
    pub fn namesake_named(&self, r: AliasRef, normalized: &str) -> bool {
        let a = self.global_alias(r);
        let blockers = self.csr(Section::AliasBlockers, a);
        if blockers.is_empty() {
            return false;
        }
        let alias = self.alias(r).text;
        blockers.into_iter().any(|b| {
            crate::names_a_namesake(alias, self.str_at(Section::BlockerText, b))
                && crate::occurs_caseless(normalized, self.str_at(Section::BlockerMatch, b))
        })
    }

    /// Whether the text of `tokens[first..=last]` (a key match) satisfies the
    /// surface rules of alias `r`: exact case and blockers.
    pub fn surface_allows(&self, r: AliasRef, normalized: &str, start: usize, end: usize) -> bool {
        let a = self.global_alias(r);
        if self.flags_of(r) & alias_flags::CASE_EXACT != 0 {
            let surface = &normalized[start..end];
            // Most exact-case aliases that get here are everyday words
            // (Man, Sea) written in lower case: their first bytes differ,
            // which says so before the string is read and checked.
            let differ = |a: u8, b: u8| a != b && a.is_ascii_graphic() && b.is_ascii_graphic();
            let first = self
                .u32s(Section::AliasExact)
                .get(2 * a)
                .and_then(|&offset| self.section(Section::Strings).get(offset as usize).copied());
            if let (Some(&s), Some(e)) = (surface.as_bytes().first(), first)
                && differ(s, e)
            {
                return false;
            }
            // Written exactly as the alias, byte for byte (most matches):
            // no need to read the alias as text.
            let exact = self
                .u32s(Section::AliasExact)
                .get(2 * a..2 * a + 2)
                .is_some_and(|pair| self.pool_bytes(pair[0], pair[1]) == surface.as_bytes());
            // `same_text` differs from byte equality only where whitespace
            // differs: a surface of ASCII graphic characters (one word, as
            // most are) that is not the alias byte for byte is not it, and
            // the alias need not be read as text (MAN against Man).
            let plain = || surface.bytes().all(|b| b.is_ascii_graphic());
            if !exact
                && (plain() || !crate::same_text(surface, self.str_at(Section::AliasExact, a)))
            {
                return false;
            }
        }
        self.blockers_allow(r, normalized, start, end)
    }

    /// Whether no blocker of alias `r` holds `start..end` of `normalized`
    /// (the blocker half of [`Self::surface_allows`], for a caller that
    /// decided the case itself).
    pub fn blockers_allow(&self, r: AliasRef, normalized: &str, start: usize, end: usize) -> bool {
        let blockers = self.csr(Section::AliasBlockers, self.global_alias(r));
        !blockers.into_iter().any(|b| {
            crate::inside_blocker(
                normalized,
                start,
                end,
                self.str_at(Section::BlockerMatch, b),
            )
        })
    }

    /// For a non-Han term that some key starts with, the trie node reached by
    /// walking it from the root; `None` for other non-Han terms, which start
    /// no match.
    #[inline(always)]
    pub fn first_term_node(&self, term: &str) -> Option<KeyNode<'_>> {
        // The quick-reject bits turn most words away: asked where the
        // matcher calls, so that those words cost no call.
        let slot = quick_reject_slot(term);
        if self.first_term_filter[slot / 64] & (1 << (slot % 64)) == 0 {
            return None;
        }
        self.first_term_node_after_quick_reject(term)
    }

    /// [`Self::first_term_node`] for a term the quick-reject bits let through.
    #[inline(never)]
    fn first_term_node_after_quick_reject(&self, term: &str) -> Option<KeyNode<'_>> {
        let (hash, prefix) = term_hash_and_prefix(term);
        let (word, bits) = Self::bloom_word(self.first_term_bloom(), hash);
        if *word & bits != bits {
            return None;
        }
        self.first_term_probe(self.u32s(Section::FirstTermSlots), term, hash, prefix)
    }

    /// The first terms' Bloom filter: the words after the quick-reject
    /// bits, a power of two of them (checked at load).
    #[inline(always)]
    fn first_term_bloom(&self) -> &[u64] {
        &self.u64s(Section::FirstTermFilter)[BITSET_WORDS..]
    }

    /// The word of the first terms' Bloom filter `bloom` that a term of
    /// [`term_hash`](crate::format::term_hash) `hash` is tested against,
    /// and the bits it must have.
    #[inline(always)]
    fn bloom_word(bloom: &[u64], hash: u64) -> (&u64, u64) {
        let (word, bits) = bloom_bits(hash, bloom.len());
        (&bloom[word], bits)
    }

    /// The slot of [`Section::FirstTermSlots`] (`slots`, a power of two of
    /// them: checked at load) where the probe for a term of
    /// [`term_hash`](crate::format::term_hash) `hash` starts.
    #[inline(always)]
    fn slot_home(slots: &[u32], hash: u64) -> usize {
        hash as usize & (slots.len() / SLOT_WORDS - 1)
    }

    /// The probe of `slots` ([`Section::FirstTermSlots`]) for `term`, of
    /// [`term_hash`](crate::format::term_hash) `hash` and
    /// [`term_prefix`](crate::format::term_prefix) `prefix`, past the
    /// filters.
    #[inline(always)]
    fn first_term_probe<'t>(
        &'t self,
        slots: &'t [u32],
        term: &str,
        hash: u64,
        prefix: u32,
    ) -> Option<KeyNode<'t>> {
        let mask = slots.len() / SLOT_WORDS - 1;
        let mut slot = Self::slot_home(slots, hash);
        // At most one pass, as in `KeyTrie::step`.
        for _ in 0..=mask {
            let entry = &slots[slot * SLOT_WORDS..(slot + 1) * SLOT_WORDS];
            if entry[1] == NONE {
                return None;
            }
            // The slot holds a term's first four bytes: the pool (another
            // cache miss) is read only for longer terms.
            if entry[1] as usize == term.len()
                && entry[7] == prefix
                && (term.len() <= 4
                    || same_bytes(self.pool_bytes(entry[0], entry[1]), term.as_bytes()))
            {
                // A damaged slot that says UNKNOWN is read from KeyEdges.
                return Some(KeyNode {
                    node: entry[2],
                    key: entry[3],
                    space: entry[4],
                    continuations: u64::from(entry[5]) | u64::from(entry[6]) << 32,
                    // The node is a boundary.
                    hash: entry[2],
                    trie: PhantomData,
                });
            }
            slot = (slot + 1) & mask;
        }
        None
    }

    /// Whether the matcher looks up a document's first terms in one batch
    /// ([`Self::first_term_nodes`]) rather than word by word: decided at
    /// load, true when the quick-reject bits pass most words (a large table,
    /// whose first terms include most everyday words), unless changed with
    /// [`Self::with_first_term_batches`].
    #[inline]
    pub fn batches_first_terms(&self) -> bool {
        self.batch_first_terms
    }

    /// This table with [`Self::batches_first_terms`] set to `on`: an
    /// expert knob (both ways give the same nodes), for tests and
    /// benchmarks.
    pub fn with_first_term_batches(mut self, on: bool) -> AliasTable {
        self.batch_first_terms = on;
        self
    }

    /// [`Self::first_term_node`] of terms `0..count` (`term(i)`; `None`:
    /// not looked up, as a Han term is not), into `out` (`count` entries).
    ///
    /// The same nodes as one call per term, found in three passes over
    /// the terms (hash and filter, slot, comparison), each of which first
    /// asks the processor for the memory the next pass reads; the
    /// comparison asks for the start of each found key's alias list
    /// (`KeyAliases`), which the matcher reads next. In a table of
    /// hundreds of megabytes, a term's filter word and slot are each likely
    /// to miss the cache; looked up one word at a time, every miss is
    /// waited for in turn, while the passes wait for many at once.
    /// The quick-reject bits are not asked: a table whose bits pass most
    /// words is what batches are for.
    pub fn first_term_nodes<'t, 's>(
        &'t self,
        count: usize,
        term: impl Fn(usize) -> Option<&'s str>,
        out: &mut Vec<Option<KeyNode<'t>>>,
    ) {
        out.clear();
        out.resize(count, None);
        // Read once: each pass reads them for every term.
        let bloom = self.first_term_bloom();
        let slots = self.u32s(Section::FirstTermSlots);
        let key_aliases = self.u32s(Section::KeyAliases);
        // The terms still in the running: (term index, first bytes, hash).
        let mut pending: Vec<(u32, u32, u64)> = Vec::with_capacity(count);
        for i in 0..count {
            if let Some(t) = term(i) {
                let (hash, prefix) = term_hash_and_prefix(t);
                prefetch(Self::bloom_word(bloom, hash).0);
                pending.push((i as u32, prefix, hash));
            }
        }
        pending.retain(|&(_, _, hash)| {
            let (word, bits) = Self::bloom_word(bloom, hash);
            let passes = *word & bits == bits;
            if passes {
                prefetch(&slots[Self::slot_home(slots, hash) * SLOT_WORDS]);
            }
            passes
        });
        for &(i, prefix, hash) in &pending {
            let t = term(i as usize).expect("looked up in the first pass");
            let node = self.first_term_probe(slots, t, hash, prefix);
            // The matcher reads the alias list of a first term that is a
            // key when it goes on with it: where the list starts is asked
            // for now (the list itself needs that answer first).
            if let Some(start) = node.and_then(|n| key_aliases.get(n.key as usize)) {
                prefetch(start);
            }
            out[i as usize] = node;
        }
    }

    /// Whether a key may go on with the whole of `term` from `space`, the
    /// node after a first term ([`Self::first_term_node`], not followed by a
    /// possessive) and a separator `' '`: `false` only when `term` is made
    /// of ASCII letters and digits and no key has exactly these after that
    /// first term and a separator (followed by anything else or nothing),
    /// which [`Section::SecondTermFilter`] says without reading the key trie.
    /// A walk through such a term could then reach no key: the matcher ends
    /// a key inside a term only before a hyphen, inside a Chinese word or
    /// at a Korean stem's end, none of which an all-ASCII-alphanumeric term
    /// has, and no key ends at its end or goes on after it.
    #[inline]
    pub fn second_term_may_follow(&self, space: KeyNode<'_>, term: &str) -> bool {
        if term.is_empty() || !term.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return true;
        }
        let bloom = self.u64s(Section::SecondTermFilter);
        if bloom.is_empty() {
            return true;
        }
        let (word, bits) = second_term_bits(space.node, term, bloom.len());
        bloom[word] & bits == bits
    }

    /// The key automaton the matcher walks.
    #[inline]
    pub fn trie(&self) -> &KeyTrie {
        &self.trie
    }

    /// The keys of `entity`'s context words.
    #[inline]
    pub fn context_keys(&self, entity: u32) -> StrList<'_> {
        let range = self.csr(Section::EntityContextKeys, entity as usize);
        self.str_list(Section::ContextKeys, range)
    }

    /// The topic ids of `entity` (indices of the table's topic tags): what
    /// [`Self::related`] compares.
    #[inline]
    pub fn topic_ids(&self, entity: u32) -> &[u32] {
        let range = self.csr(Section::EntityTopics, entity as usize);
        self.items(Section::TopicIds, range)
    }

    /// Whether a confirmed mention of `other` supports an ambiguous mention of
    /// `entity` nearby: the same entity, an ancestor or descendant, an entity
    /// with a common ancestor (same parent, same country), or a shared topic
    /// that is not broad (politics, geo and the like say nothing about which
    /// country a text is about), or any shared topic between two entities
    /// that belong to nobody (two countries).
    pub fn related(&self, entity: u32, other: u32) -> bool {
        let (ours, theirs) = (self.ancestors(entity), self.ancestors(other));
        if entity == other
            || ours.contains(&other)
            || theirs.contains(&entity)
            || ours.iter().any(|a| theirs.contains(a))
        {
            return true;
        }
        let broad = &self.broad_topics;
        let (our_topics, their_topics) = (self.topic_ids(entity), self.topic_ids(other));
        if our_topics
            .iter()
            .filter(|&&t| !broad.get(t as usize).copied().unwrap_or(true))
            .any(|t| their_topics.contains(t))
        {
            return true;
        }
        // Entities that belong to nobody (countries, international bodies)
        // still support each other through a broad topic: Turkey next to
        // Russia is the country. Whatever belongs to a country or an
        // organisation needs evidence about its owner.
        ours.is_empty() && theirs.is_empty() && our_topics.iter().any(|t| their_topics.contains(t))
    }
}

/// The form of an alias from its flags ([`Section::AliasFlags`] or a
/// [`Section::KeyRefFlags`] word, which holds them).
#[inline]
pub fn form_of_flags(flags: u32) -> AliasForm {
    form_of((flags >> alias_flags::FORM_SHIFT) & 3)
}

fn form_of(bits: u32) -> AliasForm {
    match bits {
        1 => AliasForm::Short,
        2 => AliasForm::Acronym,
        _ => AliasForm::Full,
    }
}

fn damaged(message: String) -> FormatError {
    FormatError::Damaged(message)
}

/// What loading learns from the sections' sizes.
struct Sizes {
    keys: u32,
    edge_slots: u32,
}

/// Checks that every section has the size the table's counts demand (see
/// the [module docs](self)): a look at the section table, not at the
/// sections' contents.
fn check_sizes(sections: &[Range<usize>; SECTION_COUNT]) -> Result<Sizes, FormatError> {
    use Section::*;
    let len = |section: Section| sections[section as usize].len();
    let entities = len(EntityKind) / 4;
    let aliases = len(AliasFlags) / 4;
    let keys = len(KeyText) / 8;
    let mut expected: Vec<(Section, usize)> = vec![
        (EntityKind, 4 * entities),
        (AliasFlags, 4 * aliases),
        (KeyText, 8 * keys),
        (FirstChars, 8 * BITSET_WORDS),
        (BlockerMatch, len(BlockerText)),
    ];
    for section in [EntityId, EntityName, EntityWikidata] {
        expected.push((section, 8 * entities));
    }
    for section in [EntityFile, EntityLine, EntityParent] {
        expected.push((section, 4 * entities));
    }
    for section in [
        EntityAliases,
        EntityTopics,
        EntityContext,
        EntityContextKeys,
        EntityAncestors,
    ] {
        expected.push((section, 4 * (entities + 1)));
    }
    for section in [AliasText, AliasExact] {
        expected.push((section, 8 * aliases));
    }
    for section in [AliasLang, AliasKey, AliasLine] {
        expected.push((section, 4 * aliases));
    }
    expected.push((AliasBlockers, 4 * (aliases + 1)));
    expected.push((KeyAliases, 4 * (keys + 1)));
    expected.push((KeyRefFlags, len(KeyRefs) / 2));
    expected.push((KeyNeedsCapital, 8 * keys.div_ceil(64)));
    expected.push((EntityIsolated, 8 * entities.div_ceil(64)));
    for (section, bytes) in expected {
        if len(section) != bytes {
            return Err(damaged(format!("section {section:?} has the wrong size")));
        }
    }
    // Columns of string references and of (entity, alias) pairs.
    for section in [
        Files,
        Langs,
        TopicNames,
        ContextText,
        ContextKeys,
        BlockerText,
        KeyRefs,
        DictionaryWords,
    ] {
        if len(section) % 8 != 0 {
            return Err(damaged(format!("section {section:?} has the wrong size")));
        }
    }
    for section in [TopicIds, Ancestors] {
        if len(section) % 4 != 0 {
            return Err(damaged(format!("section {section:?} has the wrong size")));
        }
    }
    if len(Warnings) % 20 != 0 {
        return Err(damaged("section Warnings has the wrong size".into()));
    }
    // Hash tables: a power of two of slots, so that a hash masks to a slot.
    let slots = |section: Section, words: usize| {
        let bytes = len(section);
        let slots = bytes / (4 * words);
        (bytes % (4 * words) == 0 && slots.is_power_of_two() && slots < NONE as usize)
            .then_some(slots as u32)
            .ok_or_else(|| damaged(format!("{section:?} is not a power of two of slots")))
    };
    slots(FirstTermSlots, SLOT_WORDS)?;
    // Bit sets of a power of two of whole words; in FirstTermFilter and
    // KeyPairs after a block of BITSET_WORDS words (the quick-reject bits,
    // the one-character keys).
    let words = |bytes: usize| bytes.is_multiple_of(8) && (bytes / 8).is_power_of_two();
    let bitsets = |bytes: usize| bytes > 8 * BITSET_WORDS && words(bytes - 8 * BITSET_WORDS);
    for (section, fits) in [
        (FirstTermFilter, bitsets(len(FirstTermFilter))),
        (KeyPairs, bitsets(len(KeyPairs))),
        (KeyStartPairs, words(len(KeyStartPairs))),
        (SecondTermFilter, words(len(SecondTermFilter))),
    ] {
        if !fits {
            return Err(damaged(format!("section {section:?} has the wrong size")));
        }
    }
    let edge_slots = slots(KeyEdges, EDGE_WORDS)?;
    check_segmenter_sizes(sections)?;
    let keys = u32::try_from(keys).map_err(|_| damaged("more keys than key ids".into()))?;
    Ok(Sizes { keys, edge_slots })
}

/// The segmenter's sections: all empty, or all of the sizes the dictionary
/// words demand.
fn check_segmenter_sizes(sections: &[Range<usize>; SECTION_COUNT]) -> Result<(), FormatError> {
    use Section::*;
    let len = |section: Section| sections[section as usize].len();
    let ours = [
        SegmenterHeader,
        SegmenterFreqs,
        SegmenterEdges,
        SegmenterPairs,
        SegmenterTriples,
        SegmenterJieba,
        SegmenterPieces,
        SegmenterPieceEnds,
    ];
    if len(SegmenterHeader) == 0 {
        return match ours.iter().find(|&&s| len(s) != 0) {
            Some(section) => Err(damaged(format!(
                "section {section:?} without SegmenterHeader"
            ))),
            None => Ok(()),
        };
    }
    let words = len(DictionaryWords) / 8;
    let edge_bytes = len(SegmenterEdges);
    let edge_slots = edge_bytes / (4 * EDGE_WORDS);
    let expected = [
        (
            SegmenterHeader,
            len(SegmenterHeader) == 8 * SEGMENTER_HEADER_WORDS,
        ),
        (SegmenterFreqs, len(SegmenterFreqs) == 16 * words),
        (
            SegmenterEdges,
            edge_bytes % (4 * EDGE_WORDS) == 0
                && edge_slots.is_power_of_two()
                && edge_slots < NONE as usize,
        ),
        (
            SegmenterPairs,
            len(SegmenterPairs) % 8 == 0 && (len(SegmenterPairs) / 8).is_power_of_two(),
        ),
        (
            SegmenterTriples,
            len(SegmenterTriples) % 8 == 0 && (len(SegmenterTriples) / 8).is_power_of_two(),
        ),
        (SegmenterJieba, len(SegmenterJieba) % 8 == 0),
        (SegmenterPieces, len(SegmenterPieces) == 4 * (words + 1)),
        (SegmenterPieceEnds, len(SegmenterPieceEnds) % 4 == 0),
    ];
    for (section, ok) in expected {
        if !ok {
            return Err(damaged(format!("section {section:?} has the wrong size")));
        }
    }
    Ok(())
}

/// The fixed header's fields.
struct Header {
    flags: u32,
    checksum: u32,
    builtin_checksum: u32,
}

impl Header {
    fn read(bytes: &[u8]) -> Result<Header, FormatError> {
        if bytes.len() < HEADER_BYTES || bytes[..8] != MAGIC {
            return Err(FormatError::NotATable);
        }
        let word = |at: usize| u32::from_ne_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        let order = word(12);
        if order != BYTE_ORDER_MARK {
            return Err(if order.swap_bytes() == BYTE_ORDER_MARK {
                FormatError::ByteOrder
            } else {
                FormatError::NotATable
            });
        }
        let version = word(8);
        if version != FORMAT_VERSION {
            return Err(FormatError::Version { found: version });
        }
        let sections = word(20) as usize;
        let length = u64::from_ne_bytes(bytes[32..40].try_into().expect("8 bytes"));
        if length > bytes.len() as u64 {
            return Err(damaged(format!(
                "truncated: {} bytes of {length}",
                bytes.len()
            )));
        }
        if length < bytes.len() as u64 {
            return Err(damaged(format!(
                "{} bytes after the table's end ({length} bytes expected)",
                bytes.len() as u64 - length
            )));
        }
        if sections != SECTION_COUNT {
            return Err(damaged(format!(
                "the header lists {sections} sections, this canon reads {SECTION_COUNT}"
            )));
        }
        if bytes[40..HEADER_BYTES].iter().any(|&b| b != 0) {
            return Err(damaged("reserved header bytes are not zero".into()));
        }
        if bytes.len() < HEADER_BYTES + SECTION_COUNT * 16 {
            return Err(damaged("truncated section table".into()));
        }
        Ok(Header {
            flags: word(16),
            checksum: word(crate::compile::CHECKSUM_AT),
            builtin_checksum: word(28),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TableSource;

    const TABLE: &str = r#"
[[entity]]
id = "acme"
name = "Acme Corp"
kind = "org"
wikidata = "Q42"
topics = ["ai", "geo"]
context = ["rockets", "火箭"]
aliases.en = ["Acme", { text = "ACME", case = "exact", needs = "support", blockers = ["acme pie"] }]
aliases.zh-Hans = ["艾克米", { text = "艾克", blockers = ["艾克斯"] }]

[[entity]]
id = "acme-labs"
name = "Acme Labs"
kind = "org"
parent = "acme"
topics = ["ai"]
aliases.en = ["Acme Labs", "Roadrunner's Lab"]
"#;

    fn table() -> AliasTable {
        AliasTable::from_sources(&[TableSource {
            name: "t.toml".into(),
            text: TABLE.into(),
            jsonl: false,
        }])
        .expect("the test table compiles")
    }

    fn entities() -> Vec<Entity> {
        let (entities, problems) = crate::load::parse(&TableSource {
            name: "t.toml".into(),
            text: TABLE.into(),
            jsonl: false,
        });
        assert!(problems.is_empty(), "{problems:?}");
        entities
    }

    #[test]
    fn entities_read_back_as_written() {
        let table = table();
        let written = entities();
        let read: Vec<Entity> = table.entities().collect();
        assert_eq!(read.len(), written.len());
        for (r, w) in read.iter().zip(&written) {
            assert_eq!(format!("{r:?}"), format!("{w:?}"));
        }
        let acme = table.entity_at(0);
        assert_eq!(
            (acme.id, acme.name, acme.kind),
            ("acme", "Acme Corp", Kind::Org)
        );
        assert_eq!(
            (acme.wikidata, acme.line, acme.file),
            (Some("Q42"), 2, "t.toml")
        );
        for index in 0..table.entity_count() as u32 {
            let texts: Vec<&str> = table.entity_at(index).aliases().map(|a| a.text).collect();
            assert_eq!(table.alias_texts(index).collect::<Vec<_>>(), texts);
            assert!(!texts.is_empty());
        }
        assert_eq!(table.entity_index("acme-labs"), Some(1));
        assert_eq!(table.entity_index("acme-lab"), None);
        assert_eq!(table.ancestors(1), [0]);
        assert!(table.ancestors(0).is_empty());
    }

    #[test]
    fn keys_lead_to_their_aliases() {
        let table = table();
        let refs = table.aliases_with_key("acme");
        assert_eq!(refs.len(), 2);
        assert!(refs.iter().all(|r| r.entity == 0));
        assert_eq!(table.alias(refs[1]).text, "ACME");
        assert!(table.alias(refs[1]).case_exact && table.alias(refs[1]).needs_support);
        assert!(table.aliases_with_key("acm").is_empty());
        assert!(table.aliases_with_key("acme labsx").is_empty());
        let keys: Vec<&str> = table.keys().map(|(k, _)| k).collect();
        let mut sorted = keys.clone();
        sorted.sort_unstable();
        assert_eq!(keys, sorted);
        assert_eq!(keys.len(), table.key_count());
        assert_eq!(
            table.context_keys(0).iter().collect::<Vec<_>>(),
            ["rockets", "火箭"]
        );
        assert!(table.context_keys(1).is_empty());
    }

    #[test]
    fn the_trie_walks_keys_term_by_term() {
        let table = table();
        let trie = table.trie();
        let node = trie.walk(trie.root(), "acme").unwrap();
        let acme = trie.key_at(node).unwrap();
        assert_eq!(
            table.aliases_of_key_id(acme),
            table.aliases_with_key("acme")
        );
        let node = trie.step(node, ' ').unwrap();
        assert_eq!(trie.key_at(node), None);
        let node = trie.walk(node, "labs").unwrap();
        assert_eq!(
            table.aliases_of_key_id(trie.key_at(node).unwrap()),
            table.aliases_with_key("acme labs")
        );
        assert!(trie.walk(trie.root(), "acme x").is_none());
        assert!(trie.may_start('a') && trie.may_start('艾') && !trie.may_start('b'));
        assert!(!trie.may_start('克') && trie.may_start('\u{20000}'));
    }

    #[test]
    fn the_key_trie_and_the_key_list_agree_on_every_key_and_prefix() {
        let table = table();
        let trie = table.trie();
        let keys: Vec<String> = table.keys().map(|(key, _)| key.to_string()).collect();
        assert!(keys.len() >= 3, "{keys:?}");
        for (id, key) in keys.iter().enumerate() {
            let node = trie
                .walk(trie.root(), key)
                .unwrap_or_else(|| panic!("{key}"));
            assert_eq!(trie.key_at(node), Some(id as u32), "{key}");
            assert_eq!(table.key_id(key), Some(id as u32), "{key}");
            // Every proper prefix is a node; it ends a key only if it is a key.
            for (at, _) in key.char_indices().skip(1) {
                let prefix = &key[..at];
                let node = trie.walk(trie.root(), prefix).unwrap();
                assert_eq!(trie.key_at(node), table.key_id(prefix), "{prefix}");
            }
            // A character no key continues with leads nowhere.
            assert_eq!(trie.walk(node, "\u{E000}"), None, "{key}");
        }
        assert_eq!(trie.key_at(trie.root()), None);
        assert_eq!(trie.walk(trie.root(), "no such name"), None);
    }

    #[test]
    fn first_terms_lead_to_their_nodes_and_nothing_else_does() {
        let table = table();
        for term in ["acme", "roadrunner"] {
            let node = table
                .first_term_node(term)
                .unwrap_or_else(|| panic!("{term}"));
            assert_eq!(
                Some(node),
                table.trie().walk(table.trie().root(), term),
                "{term}"
            );
        }
        // What the slot says of the node is what the decoded node says.
        let trie = table.trie();
        for term in ["acme", "roadrunner"] {
            let first = table.first_term_node(term).unwrap();
            let walked = trie.walk(trie.root(), term).unwrap();
            assert_eq!(trie.key_at(first), trie.key_at(walked), "{term}");
            assert_eq!(trie.step(first, ' '), trie.step(walked, ' '), "{term}");
            assert_eq!(trie.step(first, 'x'), trie.step(walked, 'x'), "{term}");
        }
        let acme = table.first_term_node("acme").unwrap();
        assert!(trie.key_at(acme).is_some());
        let labs = trie.walk(acme, " labs").unwrap();
        assert_eq!(
            table.aliases_of_key_id(trie.key_at(labs).unwrap()),
            table.aliases_with_key("acme labs")
        );
        let roadrunner = table.first_term_node("roadrunner").unwrap();
        assert_eq!(trie.key_at(roadrunner), None);
        assert_eq!(trie.step(roadrunner, ' '), None);
        let lab = trie.walk(roadrunner, "'s lab").unwrap();
        assert!(trie.key_at(lab).is_some());
        // Prefixes of first terms are not first terms, and the possessive
        // is not part of the term.
        for term in ["acm", "ac", "roadrunner's", "labs", "艾克米", ""] {
            assert_eq!(table.first_term_node(term), None, "{term}");
        }
    }

    /// First terms looked up in a batch are those looked up one by one,
    /// node, key, separator node and continuation bits alike (the batch
    /// skips the quick-reject bits, the one-by-one lookup asks them): the
    /// pieces of random names, their prefixes and extensions, other words,
    /// terms not asked (`None`). Which tables batch: those whose
    /// quick-reject bits pass most words.
    #[test]
    fn first_terms_in_a_batch_are_those_found_one_by_one() {
        let pieces = [
            "acme",
            "ab",
            "labs",
            "road-runner",
            "o'neil",
            "x9",
            "longer-than-sixteen",
            "β",
            "zeta",
        ];
        let mut random = crate::testing::XorShift::new(0x2545_F491_4F6C_DD1D);
        let (table, _) = crate::testing::random_table(&mut random, &pieces, 80);
        let mut terms: Vec<Option<String>> = Vec::new();
        for _ in 0..3_000 {
            let piece = pieces[random.below(pieces.len())];
            terms.push(match random.below(5) {
                0 => None,
                1 => {
                    let last = piece.char_indices().last().map_or(0, |(at, _)| at);
                    Some(piece[..last].to_string())
                }
                2 => Some(format!("{piece}s")),
                3 => Some(["the", "labs's", "", "中国", "ac"][random.below(5)].to_string()),
                _ => Some(piece.to_string()),
            });
        }
        let mut nodes = Vec::new();
        table.first_term_nodes(terms.len(), |i| terms[i].as_deref(), &mut nodes);
        assert_eq!(nodes.len(), terms.len());
        let mut found = 0;
        for (term, node) in terms.iter().zip(&nodes) {
            let one = term.as_deref().and_then(|t| table.first_term_node(t));
            let fields =
                |n: &Option<KeyNode<'_>>| n.map(|n| (n.node, n.key, n.space, n.continuations));
            assert_eq!(fields(node), fields(&one), "{term:?}");
            found += usize::from(node.is_some());
        }
        assert!(found > 400, "{found} first terms found");
        assert!(!passes_most(&[u64::MAX, 0]));
        assert!(passes_most(&[u64::MAX, 1]));
    }

    /// Steps through the key trie reach exactly the prefixes of keys, with
    /// the id of the key that ends at each node (read from the slot the
    /// step found), for random strings over the keys' characters.
    #[test]
    fn steps_reach_the_prefixes_of_keys_with_their_ids() {
        let pieces = [
            "a", "ab", "ba", "b9", "ac", "中国", "中", "国人", "x-ray", "o's",
        ];
        let mut random = crate::testing::XorShift::new(0x9E37_79B9_7F4A_7C15);
        let alphabet: Vec<char> = "ab9cx-o's 中国人".chars().collect();
        let (mut steps, mut taken, mut keys_found) = (0, 0, 0);
        for _ in 0..3 {
            let table = crate::testing::random_table(&mut random, &pieces, 60).0;
            let trie = table.trie();
            // Key ids are the keys' places in `KeyText` (not the trie's
            // answer, which `key_id` is).
            let keys: Vec<&str> = table.keys().map(|(key, _)| key).collect();
            let id_of = |s: &str| keys.iter().position(|k| *k == s).map(|i| i as u32);
            for _ in 0..5_000 {
                let mut node = trie.root();
                let mut walked = String::new();
                for _ in 0..1 + random.below(8) {
                    let c = alphabet[random.below(alphabet.len())];
                    walked.push(c);
                    let got = trie.step(node, c);
                    steps += 1;
                    let is_prefix = keys.iter().any(|k| k.starts_with(walked.as_str()));
                    assert_eq!(got.is_some(), is_prefix, "{walked:?}");
                    let Some(next) = got else { break };
                    taken += 1;
                    // The step read the key with the slot: `key_at` need
                    // not read it again.
                    assert_ne!(next.key, UNKNOWN, "{walked:?}");
                    assert_eq!(trie.key_at(next), id_of(&walked), "{walked:?}");
                    keys_found += usize::from(trie.key_at(next).is_some());
                    node = next;
                }
            }
            // Every key is reached by its own characters.
            for key in &keys {
                let node = trie.walk(trie.root(), key).expect("a key is in its trie");
                assert_eq!(trie.key_at(node), id_of(key), "{key:?}");
            }
        }
        assert!(
            steps > 15_000 && taken > 5_000 && keys_found > 1_000,
            "{steps} steps, {taken} taken, {keys_found} at keys"
        );
    }

    /// A walk from the node a first term's lookup gives (a boundary, whose
    /// hash is its slot) reaches the same nodes as a walk from the root:
    /// every key of random tables whose first term is of a spaced script,
    /// walked on from its first term's node (through the separator that
    /// node knows, or a possessive, or Han characters), reaches the key.
    /// Fails if the compiler leaves boundaries unmarked, or the reader
    /// takes a boundary's hash from the walk.
    #[test]
    fn walks_from_first_terms_reach_what_walks_from_the_root_reach() {
        let pieces = [
            "a", "ab", "ba", "b9", "ac", "中国", "x-ray", "o's", "a中", "ab's",
        ];
        let mut random = crate::testing::XorShift::new(0x5851_F42D_4C95_7F2D);
        let mut walked = 0;
        for _ in 0..3 {
            let table = crate::testing::random_table(&mut random, &pieces, 200).0;
            let trie = table.trie();
            for (id, (key, _)) in table.keys().enumerate() {
                let Some((term, _)) = crate::format::first_term(key) else {
                    continue;
                };
                let first = table.first_term_node(term).expect("a first term");
                assert_eq!(Some(first), trie.walk(trie.root(), term), "{key:?}");
                let end = trie.walk(first, &key[term.len()..]);
                assert_eq!(end.and_then(|n| trie.key_at(n)), Some(id as u32), "{key:?}");
                walked += usize::from(term.len() < key.len());
            }
        }
        assert!(walked > 300, "{walked} keys walked on from a first term");
    }

    /// Steps by East Asian characters, which read the index of their edges
    /// (`CjkEdges`) rather than `KeyEdges`, find what a probe of `KeyEdges`
    /// finds: the same node, key and hash along every key of random tables
    /// (Han, kana, Hangul and Latin names) and of the fixture table, and no
    /// node where the probe finds none, by characters of names and others.
    #[test]
    fn steps_by_the_cjk_index_find_what_the_probe_finds() {
        let pieces = [
            "中国",
            "中",
            "国人",
            "人民银行",
            "ab",
            "東京",
            "삼성전자",
            "ソニー",
            "x中",
            "𠮷野家",
        ];
        let mut random = crate::testing::XorShift::new(0x9C4E_11D2_5A3B_0F67);
        let mut tables: Vec<AliasTable> = (0..3)
            .map(|_| crate::testing::random_table(&mut random, &pieces, 80).0)
            .collect();
        tables.push(AliasTable::from_bytes(&compiled()).unwrap());
        let strays: Vec<char> = "的一是不了人中国銀東京삼성ソ艾克\u{20000}"
            .chars()
            .collect();
        let seen = |node: Option<KeyNode<'_>>| node.map(|n| (n.node, n.key, n.hash));
        let (mut found, mut absent, mut boundaries) = (0, 0, 0);
        for table in &tables {
            let trie = table.trie();
            let before = (found, absent);
            let keys: Vec<String> = table.keys().map(|(k, _)| k.to_string()).collect();
            for key in &keys {
                let mut node = trie.root();
                for c in key.chars() {
                    for d in strays.iter().copied().chain([c]) {
                        if !cjk_edges::is_indexed(d) {
                            continue;
                        }
                        let probed = trie.probe(node, d, edge_hash(node.hash, d));
                        assert_eq!(seen(trie.step(node, d)), seen(probed), "{key:?}, {d:?}");
                        match probed {
                            // A boundary's hash is its node (see `edge_hash`).
                            Some(next) if next.hash == next.node => boundaries += 1,
                            Some(_) => found += 1,
                            None => absent += 1,
                        }
                    }
                    node = trie.step(node, c).expect("a key's prefix is in the trie");
                }
            }
            assert!(
                trie.cjk.get().is_some_and(Option::is_some),
                "the index was made"
            );
            assert!(found > before.0, "no edge by an East Asian character found");
            assert!(absent > before.1, "no absent edge asked for");
        }
        // Boundaries after Hangul first terms (삼성전자 and a word after it).
        assert!(boundaries > 0, "no boundary reached through the index");
        assert!(
            found > 200 && absent > 1_000,
            "{found} found, {absent} absent"
        );
    }

    /// An East Asian index written by `east_asian_index_bytes` and read
    /// back by `set_east_asian_index` is there before any step and steps
    /// as the one a step makes: the same node, key and hash along every
    /// key, by every character of it. Bytes of another table, with another
    /// checksum or slot count, cut short or misaligned are not taken (the
    /// index is made at the first step), nor are any once it exists.
    #[test]
    fn an_east_asian_index_written_and_read_back_steps_as_one_made() {
        let pieces = [
            "中国",
            "中",
            "国人",
            "人民银行",
            "東京",
            "삼성전자",
            "𠮷野家",
            "ab",
        ];
        let mut random = crate::testing::XorShift::new(0x51A7_1C0E_D6E5_7A11);
        let (one, _) = crate::testing::random_table(&mut random, &pieces, 80);
        let (other, _) = crate::testing::random_table(&mut random, &pieces, 80);
        // 8-aligned bytes that live as long as the process, as an embedded
        // index does.
        let leak = |bytes: Vec<u8>| -> &'static [u8] {
            let mut words = vec![0u64; bytes.len().div_ceil(8)];
            zerocopy::IntoBytes::as_mut_bytes(words.as_mut_slice())[..bytes.len()]
                .copy_from_slice(&bytes);
            &zerocopy::IntoBytes::as_bytes(Box::leak(words.into_boxed_slice()))[..bytes.len()]
        };
        let written = one.east_asian_index_bytes().expect("a small table");
        let fresh = || AliasTable::from_bytes(one.as_bytes()).unwrap();
        let read = fresh();
        assert!(read.set_east_asian_index(leak(written.clone())));
        assert!(read.east_asian_index_ready(), "read before any step");
        assert!(
            !read.set_east_asian_index(leak(written.clone())),
            "once only"
        );
        assert_eq!(read.east_asian_index_bytes().as_deref(), Some(&written[..]));
        let seen = |node: Option<KeyNode<'_>>| node.map(|n| (n.node, n.key, n.hash));
        let made = fresh();
        let mut steps = 0;
        for (key, _) in one.keys() {
            let (mut a, mut b) = (read.trie().root(), made.trie().root());
            for c in key.chars() {
                let (x, y) = (read.trie().step(a, c), made.trie().step(b, c));
                assert_eq!(seen(x), seen(y), "{key:?} {c:?}");
                (a, b) = (x.unwrap(), y.unwrap());
                steps += usize::from(cjk_edges::is_indexed(c));
            }
        }
        assert!(steps > 100, "{steps} steps through the index");
        let ignored = |bytes: &'static [u8]| {
            let table = fresh();
            !table.set_east_asian_index(bytes) && !table.east_asian_index_ready()
        };
        let with_word = |at: usize, word: u64| {
            let mut bytes = written.clone();
            bytes[at..at + 8].copy_from_slice(&word.to_le_bytes());
            leak(bytes)
        };
        assert!(
            ignored(leak(other.east_asian_index_bytes().unwrap())),
            "another table's"
        );
        assert!(
            ignored(with_word(0, u64::from(one.checksum()) ^ 1)),
            "another checksum"
        );
        let slots = u64::from(one.trie().slot_count);
        assert!(ignored(with_word(8, slots * 2)), "another slot count");
        assert!(
            ignored(leak(written[..written.len() - 8].to_vec())),
            "cut short"
        );
        assert!(ignored(leak(written[..16].to_vec())), "a header alone");
        assert!(
            ignored(&leak([&[0u8][..], &written].concat())[1..]),
            "misaligned"
        );
    }

    /// The hashes the prefetches take their slots from are those of the
    /// nodes the steps reach, up to the first boundary: for random walks
    /// from the root of random tables, `step_hashes` gives each step's
    /// node's hash until a step reaches a boundary.
    #[test]
    fn prefetched_slots_are_those_the_steps_read() {
        let pieces = ["a", "ab", "ba", "b9", "中国", "中", "国人", "o's"];
        let mut random = crate::testing::XorShift::new(0x1405_7B7E_F767_814F);
        let alphabet: Vec<char> = "ab9o's 中国人".chars().collect();
        let mut compared = 0;
        for _ in 0..3 {
            let table = crate::testing::random_table(&mut random, &pieces, 60).0;
            let trie = table.trie();
            for _ in 0..3_000 {
                let walk: String = (0..1 + random.below(8))
                    .map(|_| alphabet[random.below(alphabet.len())])
                    .collect();
                let mut node = trie.root();
                for (hash, c) in step_hashes(node.hash, walk.chars()) {
                    let Some(next) = trie.step(node, c) else {
                        break;
                    };
                    if trie.edges()[next.node as usize * EDGE_WORDS + 1] & EDGE_BOUNDARY != 0 {
                        break;
                    }
                    assert_eq!(next.hash, hash, "{walk:?}");
                    compared += 1;
                    node = next;
                }
            }
        }
        assert!(compared > 3_000, "{compared} steps compared");
    }

    /// The continuation bits of first terms never turn away a walk that the
    /// key trie would let go on: for random multi-word names (letters,
    /// digits, hyphens, possessives) and every pair of ASCII letters or
    /// digits, a pair the bits refuse is one the trie has no node for.
    #[test]
    fn continuation_bits_refuse_only_what_no_key_continues_with() {
        let pieces = [
            "a", "ab", "ba", "b9", "9a", "ac", "ca", "c", "x-ray", "o's", "ab1",
        ];
        let mut random = crate::testing::XorShift::new(0x2545_F491_4F6C_DD1D);
        let (table, names) = crate::testing::random_table(&mut random, &pieces, 400);
        let terms: Vec<&str> = names
            .iter()
            .map(|words| words[0].trim_end_matches("'s"))
            .collect();
        let trie = table.trie();
        let alphabet: Vec<u8> = (b'a'..=b'z').chain(b'0'..=b'9').collect();
        let (mut refused, mut let_through) = (0, 0);
        for &term in &terms {
            let Some(first) = table.first_term_node(term) else {
                continue;
            };
            for &a in &alphabet {
                for &b in &alphabet {
                    let pair = String::from_utf8(vec![a, b]).unwrap();
                    let goes_on = trie.walk(first, &format!(" {pair}")).is_some();
                    if first.may_go_on_with(&pair) {
                        let_through += 1;
                    } else {
                        refused += 1;
                        assert!(!goes_on, "{term} + {pair}");
                    }
                }
            }
            // Other terms are not asked about.
            assert!(first.may_go_on_with("a-"));
            assert!(first.may_go_on_with("a"));
            assert!(first.may_go_on_with("é1"));
        }
        // The bits do turn most pairs away.
        assert!(
            refused > let_through,
            "{refused} refused, {let_through} let through"
        );
        // A node not from a first term's slot knows nothing.
        assert!(trie.root().may_go_on_with("zz"));
    }

    /// The second terms' filter never turns away a word some key goes on
    /// with: for random multi-word names (letters, digits, hyphens,
    /// possessives, a Han word), every first term and every word of ASCII
    /// letters and digits, a word the filter refuses is one no key has right
    /// after that first term and a separator, followed by anything but a
    /// letter or digit.
    #[test]
    fn second_terms_refused_are_in_no_key() {
        let pieces = [
            "a", "ab", "ba", "b9", "9a", "abc", "c", "x-ray", "o's", "ab1", "ab中文", "7",
        ];
        let mut random = crate::testing::XorShift::new(0x9E37_79B9_7F4A_7C15);
        let (table, _) = crate::testing::random_table(&mut random, &pieces, 500);
        let trie = table.trie();
        let keys: Vec<String> = table.keys().map(|(k, _)| k.to_string()).collect();
        let words = [
            "a", "ab", "ba", "b9", "9a", "abc", "c", "x", "o", "ab1", "7", "zz", "abcd", "b",
        ];
        let (mut refused, mut let_through) = (0, 0);
        for first in pieces.iter().map(|p| p.trim_end_matches("'s")) {
            let Some(node) = table.first_term_node(first) else {
                continue;
            };
            let Some(space) = trie.step(node, ' ') else {
                continue;
            };
            for word in words {
                let prefix = format!("{first} {word}");
                let goes_on = keys.iter().any(|k| {
                    k.strip_prefix(&prefix)
                        .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_alphanumeric()))
                });
                if table.second_term_may_follow(space, word) {
                    let_through += 1;
                } else {
                    refused += 1;
                    assert!(!goes_on, "{prefix:?}");
                }
            }
            // Words with anything but ASCII letters and digits are not asked about.
            assert!(table.second_term_may_follow(space, "zz-top"));
            assert!(table.second_term_may_follow(space, "zé"));
        }
        assert!(
            refused > 0 && let_through > 0,
            "{refused} refused, {let_through} let through"
        );
    }

    /// A key's flags of its aliases say what each alias's own columns say
    /// (and whether every alias wants a capital), and the surface check
    /// made with them answers as the full one, on
    /// every key of the built-in table (exact-case aliases, blockers, all
    /// scripts) in five cases and inside blockers.
    #[test]
    fn key_ref_flags_agree_with_the_aliases_and_their_surface_checks() {
        let table = AliasTable::from_sources(&TableSource::default_tables()).unwrap();
        let (mut checked, mut same_surfaces, mut shapes) = (0, 0, 0);
        for key_id in 0..table.key_count() as u32 {
            let refs = table.aliases_of_key_id(key_id);
            let flags = table.key_ref_flags(key_id);
            assert_eq!(refs.len(), flags.len(), "key {key_id}");
            let capital = !refs.is_empty()
                && refs.iter().all(|&r| {
                    table.case_exact(r)
                        && table
                            .exact_text(r)
                            .starts_with(|c: char| c.is_ascii_uppercase())
                });
            assert_eq!(table.key_needs_capital(key_id), capital, "key {key_id}");
            for (k, (&r, &f)) in refs.iter().zip(flags).enumerate() {
                let same = k > 0
                    && alias_flags::exact_without_blockers(flags[k - 1])
                    && alias_flags::exact_without_blockers(f)
                    && table.exact_text(refs[k - 1]) == table.exact_text(r);
                assert_eq!(
                    f & alias_flags::SAME_SURFACE_AS_PREVIOUS != 0,
                    same,
                    "key {key_id}"
                );
                same_surfaces += usize::from(same);
                assert_eq!(f & alias_flags::ALIAS_BITS, table.flags_of(r));
                assert_eq!(f & alias_flags::HAS_BLOCKERS != 0, table.has_blockers(r));
                let first = table.exact_text(r).bytes().next().unwrap_or(0);
                assert_eq!((f >> alias_flags::EXACT_FIRST_SHIFT) as u8, first);
                let shape = alias_flags::exact_shape(table.alias_key_text(r), table.exact_text(r));
                assert_eq!(
                    f & (alias_flags::EXACT_IS_TITLE_OF_KEY | alias_flags::EXACT_IS_UPPER_OF_KEY),
                    shape
                );
                shapes += usize::from(shape != 0 && alias_flags::exact_without_blockers(f));
                let exact = table.exact_text(r).to_string();
                let mut surfaces = vec![
                    exact.clone(),
                    // A name across a line break.
                    exact.replace(' ', "\n"),
                    exact.to_lowercase(),
                    exact.to_uppercase(),
                    format!(
                        "{}{}",
                        exact.get(..1).unwrap_or("").to_uppercase(),
                        exact.get(1..).unwrap_or("")
                    ),
                    // Upper case after the first letter (iN, gE).
                    format!(
                        "{}{}",
                        exact.get(..1).unwrap_or("").to_lowercase(),
                        exact.get(1..).unwrap_or("").to_uppercase()
                    ),
                ];
                surfaces.extend(table.alias(r).blockers().iter().map(str::to_string));
                for surface in surfaces {
                    let text = format!("« {surface} »");
                    let (start, end) = ("« ".len(), "« ".len() + surface.len());
                    assert_eq!(
                        table.surface_allows_by_key(r, f, &text, start, end),
                        table.surface_allows(r, &text, start, end),
                        "{surface:?} for {:?}",
                        table.alias_text(r)
                    );
                    if alias_flags::exact_without_blockers(f) {
                        assert_eq!(
                            table.surface_allows(r, &text, start, end),
                            crate::same_text(&surface, table.exact_text(r)),
                            "{surface:?} for {:?}",
                            table.alias_text(r)
                        );
                    }
                    if same {
                        assert_eq!(
                            table.surface_allows(refs[k - 1], &text, start, end),
                            table.surface_allows(r, &text, start, end),
                            "{surface:?} for {:?}",
                            table.alias_text(r)
                        );
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 50_000, "{checked}");
        assert!(shapes > 1_000, "{shapes}");
        assert!(
            same_surfaces > 0,
            "no key has two aliases of one exact text"
        );
    }

    #[test]
    fn surface_rules_and_forms_are_compiled() {
        let table = table();
        let exact = table.aliases_with_key("acme")[1];
        assert!(table.surface_allows(exact, "ACME said", 0, 4));
        assert!(!table.surface_allows(exact, "Acme said", 0, 4));
        assert!(!table.surface_allows(exact, "ACME PIE", 0, 4));
        let short = table.aliases_with_key("艾克")[0];
        assert!(table.surface_allows(short, "艾克说", 0, 6));
        assert!(!table.surface_allows(short, "艾克斯", 0, 6));
        assert_eq!(table.form(exact), AliasForm::Acronym);
        assert_eq!(table.alias(exact).form, None);
        let words = table.dictionary_words();
        assert_eq!(words, ["艾克", "艾克斯", "艾克米"]);
    }

    #[test]
    fn keys_whose_every_alias_wants_a_capital_are_known() {
        let table = AliasTable::from_sources(&[TableSource {
            name: "t.toml".into(),
            text: r#"
[[entity]]
id = "to-a"
name = "To"
kind = "org"
aliases.en = [{ text = "To", case = "exact", needs = "support" }]

[[entity]]
id = "to-b"
name = "TO"
kind = "product"
aliases.en = [{ text = "TO", case = "exact" }, { text = "Sea", case = "exact" }, "sea", { text = "iPod", case = "exact" }]
"#
            .into(),
            jsonl: false,
        }])
        .unwrap();
        let key = |k: &str| table.key_id(k).unwrap();
        // Asked twice: decided, then remembered.
        for _ in 0..2 {
            assert!(table.key_needs_capital(key("to")));
            assert!(
                !table.key_needs_capital(key("sea")),
                "one alias has any case"
            );
            assert!(
                !table.key_needs_capital(key("ipod")),
                "written lower case first"
            );
        }
        assert!(!table.key_needs_capital(u32::MAX));
    }

    #[test]
    fn related_entities_share_ancestors_or_narrow_topics() {
        let table = table();
        assert!(table.related(0, 1) && table.related(1, 0) && table.related(1, 1));
    }

    /// The test table with the segmenter's sections (made up: this crate
    /// has no segmenter), so that damage tests reach them too.
    fn compiled() -> Vec<u8> {
        crate::segmenter::compiled_with_made_up(TABLE)
    }

    /// A table that takes the compiler's bytes keeps their allocation (the
    /// allocators canon runs with align it to 16 bytes) and reads as one
    /// over a copy; damaged bytes are refused either way.
    #[test]
    fn a_table_taken_from_a_vec_keeps_it_and_reads_as_one_over_a_copy() {
        let bytes = compiled();
        let copied = AliasTable::from_bytes(&bytes).unwrap();
        let address = bytes.as_ptr();
        assert_eq!(address.align_offset(8), 0, "the allocator's alignment");
        let taken = AliasTable::from_vec(bytes).unwrap();
        assert_eq!(taken.as_bytes().as_ptr(), address, "kept, not copied");
        assert_eq!(taken.as_bytes(), copied.as_bytes());
        assert_eq!(taken.verify(), Ok(()));
        let mut cut = copied.as_bytes().to_vec();
        cut.truncate(cut.len() / 2);
        assert!(AliasTable::from_vec(cut.clone()).is_err());
        assert!(AliasTable::from_bytes(&cut).is_err());
    }

    fn reseal(bytes: &mut [u8]) {
        let checksum = crate::format::file_checksum(bytes);
        let at = crate::compile::CHECKSUM_AT;
        bytes[at..at + 4].copy_from_slice(&checksum.to_ne_bytes());
    }

    #[test]
    fn the_checksum_covers_the_header_and_reserved_bytes_must_be_zero() {
        // Seen failing before (format 3): the CRC covered the body only, so
        // a flipped flag (whether the table holds the built-in one) passed.
        let good = compiled();
        let mut flipped = good.clone();
        flipped[16] ^= 1;
        let table = AliasTable::from_bytes(&flipped).expect("the header still reads");
        assert!(matches!(table.verify(), Err(FormatError::Checksum)));
        let mut reserved = good.clone();
        reserved[44] = 7;
        reseal(&mut reserved);
        let error = AliasTable::from_bytes(&reserved).unwrap_err().to_string();
        assert!(error.contains("reserved header bytes"), "{error}");
        let mut longer = good;
        longer.extend_from_slice(&[0; 8]);
        let error = AliasTable::from_bytes(&longer).unwrap_err().to_string();
        assert!(error.contains("8 bytes after the table's end"), "{error}");
    }

    /// `verify` checks what the compiler derives for speed against what it
    /// is derived from: a sealed file whose key flags, capital bits,
    /// isolated entities' bits, first characters, character pairs, first
    /// pairs, continuation bits or second terms' filter
    /// disagree with what they come from is refused, each with its section
    /// named.
    #[test]
    fn verify_checks_the_derived_sections() {
        let good = compiled();
        AliasTable::from_bytes(&good).unwrap().verify().unwrap();
        let sections = AliasTable::from_bytes(&good).unwrap().sections.clone();
        let tampered = |section: Section, change: &dyn Fn(&mut [u8])| {
            let mut bytes = good.clone();
            change(&mut bytes[sections[section as usize].clone()]);
            reseal(&mut bytes);
            AliasTable::from_bytes(&bytes)
                .unwrap()
                .verify()
                .unwrap_err()
                .to_string()
        };
        let error = tampered(Section::KeyRefFlags, &|b| b[1] ^= 1);
        assert!(error.contains("KeyRefFlags"), "{error}");
        let error = tampered(Section::KeyNeedsCapital, &|b| {
            b.iter_mut().for_each(|b| *b = !*b)
        });
        assert!(error.contains("KeyNeedsCapital"), "{error}");
        let error = tampered(Section::EntityIsolated, &|b| {
            b.iter_mut().for_each(|b| *b = !*b)
        });
        assert!(error.contains("EntityIsolated"), "{error}");
        let error = tampered(Section::SecondTermFilter, &|b| b.fill(0));
        assert!(error.contains("SecondTermFilter"), "{error}");
        let error = tampered(Section::FirstChars, &|b| b.fill(0));
        assert!(error.contains("FirstChars turns"), "{error}");
        let error = tampered(Section::KeyPairs, &|b| b[8 * BITSET_WORDS..].fill(0));
        assert!(error.contains("KeyPairs turns"), "{error}");
        let error = tampered(Section::KeyStartPairs, &|b| b.fill(0));
        assert!(error.contains("KeyStartPairs turns"), "{error}");
        let error = tampered(Section::FirstTermSlots, &|b| {
            for slot in b.chunks_exact_mut(4 * SLOT_WORDS) {
                slot[20..28].fill(0);
            }
        });
        assert!(error.contains("continuation bits"), "{error}");
        let error = tampered(Section::FirstTermSlots, &|b| {
            for slot in b.chunks_exact_mut(4 * SLOT_WORDS) {
                slot[28] ^= 0x20;
            }
        });
        assert!(error.contains("no slot leads"), "{error}");
        // A slot whose key is another key than its node's.
        let error = tampered(Section::FirstTermSlots, &|b| {
            for slot in b.chunks_exact_mut(4 * SLOT_WORDS) {
                if slot[4..8] != NONE.to_ne_bytes() {
                    let key = u32::from_ne_bytes(slot[12..16].try_into().unwrap());
                    slot[12..16].copy_from_slice(&key.wrapping_add(1).to_ne_bytes());
                }
            }
        });
        assert!(error.contains("disagrees with the key trie"), "{error}");
        // A first term's node no longer marked a boundary: a walk on from
        // it looks for its children at other slots. (`roadrunner` goes on
        // with a possessive only, which the check of the node after a
        // separator above does not reach.)
        let node = AliasTable::from_bytes(&good)
            .unwrap()
            .first_term_node("roadrunner")
            .unwrap()
            .slot() as usize;
        let error = tampered(Section::KeyEdges, &|b| {
            let at = (node * EDGE_WORDS + 1) * 4;
            let c = u32::from_ne_bytes(b[at..at + 4].try_into().unwrap());
            assert_ne!(c & EDGE_BOUNDARY, 0, "a boundary");
            b[at..at + 4].copy_from_slice(&(c & !EDGE_BOUNDARY).to_ne_bytes());
        });
        assert!(
            error.contains("\"roadrunner's lab\" is not reached from the node of its first term"),
            "{error}"
        );
    }

    /// The quick-reject bits turn away most of a language's frequent words
    /// that are no first term, though a table has as many first terms as
    /// the built-in one (8,000 of wordfreq's next most frequent English
    /// words): a hash of a word's first byte, last byte and length let
    /// 1,756 of the 2,000 most frequent through (format 7); the hash of its
    /// first eight bytes and length lets 259 through, about the share of
    /// the bits set.
    #[test]
    fn the_quick_reject_bits_turn_away_frequent_words() {
        let words: Vec<&str> = include_str!("../../../data/freq/en.tsv")
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| line.split('\t').next())
            .filter(|word| word.bytes().all(|b| b.is_ascii_lowercase()))
            .take(10_000)
            .collect();
        assert_eq!(words.len(), 10_000);
        let (frequent, names) = words.split_at(2_000);
        let mut text = String::new();
        for (e, name) in names.iter().enumerate() {
            text.push_str(&format!(
                "[[entity]]\nid = \"e{e}\"\nname = \"{name}\"\nkind = \"org\"\naliases.en = [{{ text = \"{name}\", case = \"exact\" }}]\n\n"
            ));
        }
        let table = AliasTable::from_sources(&[TableSource {
            name: "words.toml".into(),
            text,
            jsonl: false,
        }])
        .unwrap();
        let through = frequent
            .iter()
            .filter(|word| {
                let slot = quick_reject_slot(word);
                table.first_term_filter[slot / 64] & (1 << (slot % 64)) != 0
            })
            .count();
        assert!(
            through < 400,
            "{through} of 2,000 frequent words let through"
        );
    }

    /// The character pairs answer for every key of a table with keys of
    /// one character, of Han, of Latin and Han, and with spaces, and the
    /// first pairs for the start of every key but not for pairs inside
    /// keys only; a key of one character whose bit is cleared is refused
    /// by `verify`.
    #[test]
    fn key_pairs_hold_every_key() {
        let source = r#"
[[entity]]
id = "cloud"
name = "Cloud"
kind = "org"
aliases.zh-Hans = ["云", "云计算中心", "ab中文", "中国 移动", "Sea 云"]
"#;
        let table = AliasTable::from_sources(&[TableSource {
            name: "p.toml".into(),
            text: source.into(),
            jsonl: false,
        }])
        .unwrap();
        let trie = table.trie();
        let keys: Vec<&str> = table.keys().map(|(key, _)| key).collect();
        assert_eq!(keys.len(), 5, "{keys:?}");
        for key in keys {
            assert!(trie.is_key(key), "{key}");
        }
        for no in ["中", "云计", "计算中心", "中文", "", "云云"] {
            assert!(!trie.is_key(no), "{no}");
        }
        assert!(trie.may_be_key_alone('云'));
        assert!(!trie.may_be_key_alone('中'));
        assert!(trie.may_step('b', '中') && trie.may_step('a', '云') && trie.may_step('国', '移'));
        assert!(trie.may_step('x', 'y'), "ASCII is never turned away");
        // The first two characters of keys, and no pair that stands only
        // inside them.
        assert!(trie.may_start_with('云', '计') && trie.may_start_with('中', '国'));
        assert!(trie.may_start_with('q', 'r'), "ASCII is never turned away");
        assert!(trie.may_step('计', '算') && !trie.may_start_with('计', '算'));
        assert!(trie.may_step('国', '移') && !trie.may_start_with('国', '移'));
        assert!(trie.may_step('b', '中') && !trie.may_start_with('b', '中'));
        let range = table.sections[Section::KeyPairs as usize].clone();
        let mut cleared = table.as_bytes().to_vec();
        cleared[range.start + 8 * ('云' as usize / 64)..][..8].fill(0);
        reseal(&mut cleared);
        let error = AliasTable::from_bytes(&cleared)
            .unwrap()
            .verify()
            .unwrap_err()
            .to_string();
        assert!(error.contains("KeyPairs turns \"云\""), "{error}");
    }

    #[test]
    fn damaged_key_edges_give_no_key_and_never_loop() {
        let good = compiled();
        let edges =
            AliasTable::from_bytes(&good).unwrap().sections[Section::KeyEdges as usize].clone();
        // Every slot taken (no empty slot to stop a probe) by an edge whose
        // key id is past the keys.
        let mut bytes = good.clone();
        for (i, slot) in bytes[edges].chunks_exact_mut(4 * EDGE_WORDS).enumerate() {
            slot[..4].copy_from_slice(&(i as u32).to_ne_bytes());
            slot[4..8].copy_from_slice(&u32::from('x').to_ne_bytes());
            slot[8..12].copy_from_slice(&(NONE - 1).to_ne_bytes());
        }
        reseal(&mut bytes);
        let table = AliasTable::from_bytes(&bytes).expect("slots are not validated at load");
        let trie = table.trie();
        assert_eq!(trie.walk(trie.root(), "acme"), None);
        let x = trie
            .step(trie.node(0, 0), 'x')
            .expect("slot 0 has the edge (0, x)");
        assert_eq!(trie.key_at(x), None);
    }

    #[test]
    fn bad_bytes_get_clear_errors() {
        let good = compiled();
        assert!(AliasTable::from_bytes(&good).is_ok());
        assert_eq!(
            AliasTable::from_bytes(b"[[entity]]\nid = 1").unwrap_err(),
            FormatError::NotATable
        );
        assert_eq!(
            AliasTable::from_bytes(b"").unwrap_err(),
            FormatError::NotATable
        );

        let mut version = good.clone();
        version[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_ne_bytes());
        let error = AliasTable::from_bytes(&version).unwrap_err();
        assert_eq!(
            error,
            FormatError::Version {
                found: FORMAT_VERSION + 1
            }
        );
        assert_eq!(
            error.to_string(),
            format!(
                "built by an incompatible canon (format {}, this canon reads {FORMAT_VERSION}); compile it again with this canon",
                FORMAT_VERSION + 1
            )
        );

        // Tables of format 4 (with the key FST, without the segmenter's
        // sections), 5 (first-term slots without continuation bits), 6
        // (key references without the shared-surface bit, no EntityIsolated)
        // 7 (no KeyPairs) and 8 (second terms spread over the whole
        // filter) are refused with the same advice.
        for old in [4u32, 5, 6, 7, 8] {
            let mut older = good.clone();
            older[8..12].copy_from_slice(&old.to_ne_bytes());
            assert_eq!(
                AliasTable::from_bytes(&older).unwrap_err().to_string(),
                format!(
                    "built by an incompatible canon (format {old}, this canon reads {FORMAT_VERSION}); compile it again with this canon"
                )
            );
        }

        let mut order = good.clone();
        order[12..16].copy_from_slice(&BYTE_ORDER_MARK.swap_bytes().to_ne_bytes());
        assert_eq!(
            AliasTable::from_bytes(&order).unwrap_err(),
            FormatError::ByteOrder
        );

        // Loading does not read the body; verifying does.
        let mut flipped = good.clone();
        let last = flipped.len() - 20;
        flipped[last] ^= 1;
        let table = AliasTable::from_bytes(&flipped).expect("the body is not read at load");
        assert_eq!(table.verify().unwrap_err(), FormatError::Checksum);
        assert_eq!(AliasTable::from_bytes(&good).unwrap().verify(), Ok(()));

        let truncated = &good[..good.len() - 8];
        assert!(matches!(
            AliasTable::from_bytes(truncated).unwrap_err(),
            FormatError::Damaged(m) if m.contains("truncated")
        ));

        // A section table that disagrees with the counts: the alias text
        // column one reference short.
        let at = HEADER_BYTES + Section::AliasText as usize * 16 + 8;
        let mut short = good.clone();
        let len = u64::from_ne_bytes(short[at..at + 8].try_into().unwrap());
        short[at..at + 8].copy_from_slice(&(len - 8).to_ne_bytes());
        assert!(matches!(
            AliasTable::from_bytes(&short).unwrap_err(),
            FormatError::Damaged(m) if m.contains("AliasText has the wrong size")
        ));
        // Bit sets that are not whole words, though the rest would do: no
        // panic, an error (seen panicking at load before the check).
        for section in [
            Section::KeyPairs,
            Section::KeyStartPairs,
            Section::FirstTermFilter,
        ] {
            let at = HEADER_BYTES + section as usize * 16 + 8;
            let mut ragged = good.clone();
            let len = u64::from_ne_bytes(ragged[at..at + 8].try_into().unwrap());
            ragged[at..at + 8].copy_from_slice(&(len + 4).to_ne_bytes());
            let error = AliasTable::from_bytes(&ragged).unwrap_err().to_string();
            assert!(
                error.contains(&format!("{section:?} has the wrong size")),
                "{error}"
            );
        }
        // An empty pair set, whose bit for a pair could not be computed.
        let at = HEADER_BYTES + Section::KeyStartPairs as usize * 16 + 8;
        let mut empty = good.clone();
        empty[at..at + 8].copy_from_slice(&0u64.to_ne_bytes());
        let error = AliasTable::from_bytes(&empty).unwrap_err().to_string();
        assert!(
            error.contains("KeyStartPairs has the wrong size"),
            "{error}"
        );
        // A section past the end of the bytes.
        let at = HEADER_BYTES + Section::Warnings as usize * 16;
        let mut outside = good.clone();
        outside[at..at + 8].copy_from_slice(&(good.len() as u64).to_ne_bytes());
        outside[at + 8..at + 16].copy_from_slice(&8u64.to_ne_bytes());
        assert!(matches!(
            AliasTable::from_bytes(&outside).unwrap_err(),
            FormatError::Damaged(m) if m.contains("Warnings out of bounds")
        ));
    }

    /// Runs every accessor over every entity, alias and key, and the
    /// lookups the matcher makes, on `table`: what a damaged table must
    /// survive.
    fn exercise(table: &AliasTable) -> usize {
        let mut seen = 0;
        for e in 0..table.entity_count() as u32 + 2 {
            let entity = table.entity_at(e);
            seen += entity.id.len() + entity.name.len() + entity.file.len();
            seen += entity.to_entity().aliases.len();
            seen += entity.topics().count() + entity.context().len();
            seen += table.ancestors(e).len() + table.context_keys(e).iter().count();
            seen += usize::from(table.related(e, 0)) + usize::from(table.related(1, e));
            seen += table.entity_id(e).len() + usize::from(table.kind(e) == Kind::Org);
            for alias in 0..4 {
                let r = AliasRef { entity: e, alias };
                let view = table.alias(r);
                seen += view.text.len() + view.key.len() + view.lang.len();
                seen += view.blockers().iter().count() + view.requirements().len();
                seen += table.exact_text(r).len() + table.alias_key_text(r).len();
                seen += usize::from(table.surface_allows(r, "ACME said 艾克斯", 0, 4));
                seen += usize::from(table.fold_changes(r)) + table.form(r) as usize;
            }
        }
        let keys: Vec<String> = table.keys().map(|(k, _)| k.to_string()).collect();
        for key in keys
            .iter()
            .map(String::as_str)
            .chain(["acme", "艾克", "", "x y"])
        {
            for &r in table.aliases_with_key(key) {
                seen += table.alias(r).text.len() + table.entity_at(r.entity).id.len();
            }
            let trie = table.trie();
            if let Some(node) = trie.walk(trie.root(), key) {
                seen += trie
                    .key_at(node)
                    .map_or(0, |k| table.aliases_of_key_id(k).len());
                seen += usize::from(trie.step(node, ' ').is_some());
            }
            if let Some(node) = table.first_term_node(key) {
                seen += usize::from(trie.key_at(node).is_some());
            }
            seen += table.entity_index(key).map_or(0, |e| e as usize);
            seen += table.lookup(key).candidates.len();
        }
        seen += table.dictionary_words().len() + table.warnings().len();
        if let Some(overlay) = table.segmenter_overlay() {
            seen += overlay.fingerprint().len() + overlay.total() as usize % 7;
            seen += overlay.min_piece_bytes() % 7 + overlay.word_count();
            seen += overlay.jieba_words().count();
            for word in
                table
                    .dictionary_words()
                    .iter()
                    .map(String::as_str)
                    .chain(["艾克斯坦", "", "x"])
            {
                if let Some(index) = overlay.word(word) {
                    seen += overlay.freq(index) as usize % 7;
                    seen += usize::from(overlay.log_freq(index) > 0.0);
                    seen += overlay.piece_ends(index, word).map_or(0, <[u32]>::len);
                }
                let mut chars = word.chars();
                if let (Some(first), Some(second)) = (chars.next(), chars.next()) {
                    seen += usize::from(overlay.may_start(first, second));
                }
            }
            for (index, _) in overlay.jieba_words() {
                seen += overlay.freq(index) as usize % 7;
                seen += overlay.piece_ends(index, "艾克斯").map_or(0, <[u32]>::len);
            }
            // A walk from every node, as the segmenter steps from a node it reached.
            let mut node = overlay.root();
            for c in "艾克斯米中国".chars() {
                match overlay.step(node, c) {
                    Some((next, word)) => {
                        node = next;
                        seen += word.map_or(0, |w| overlay.freq(w) as usize % 7);
                    }
                    None => node = overlay.root(),
                }
            }
        }
        seen + table.entities().count()
    }

    #[test]
    fn damaged_bodies_give_wrong_answers_but_never_crash() {
        let good = compiled();
        let table = AliasTable::from_bytes(&good).unwrap();
        assert!(table.segmenter_overlay().is_some());
        assert!(exercise(&table) > 0);
        let body = HEADER_BYTES + SECTION_COUNT * 16;
        // Every byte of the body in turn set to a value that makes offsets,
        // lengths and indices point anywhere, and UTF-8 invalid; the
        // checksum is not checked (loading never does).
        for at in body..good.len() {
            let mut bad = good.clone();
            bad[at] = [0xFF, 0x80, 0x01][at % 3];
            let table = AliasTable::from_bytes(&bad).expect("the body is not read at load");
            exercise(&table);
        }
    }

    /// `verify` reads the edges by East Asian characters as `KeyEdges` lays
    /// them out, not through the index made from them (which finds an edge
    /// wherever it lies): an edge moved off its probe sequence is damage.
    #[test]
    fn verify_probes_east_asian_edges_the_index_would_find_anyway() {
        let text =
            "[[entity]]\nid = \"x\"\nname = \"x中\"\nkind = \"org\"\naliases.en = [\"x中\"]\n";
        let good = crate::segmenter::compiled_with_made_up(text);
        AliasTable::from_bytes(&good).unwrap().verify().unwrap();
        let table = AliasTable::from_bytes(&good).unwrap();
        let edges = table.sections[Section::KeyEdges as usize].clone();
        let word = |bytes: &[u8], slot: usize, k: usize| {
            let at = edges.start + 4 * (slot * EDGE_WORDS + k);
            u32::from_ne_bytes(bytes[at..at + 4].try_into().unwrap())
        };
        let slots = edges.len() / (4 * EDGE_WORDS);
        let from = (0..slots)
            .find(|&s| word(&good, s, 1) & !EDGE_BOUNDARY == '中' as u32)
            .expect("the edge by 中");
        // Its parent, the node of the first term "x", is a boundary: its
        // hash is its slot. The free slot nearest before the probe's start
        // is never reached by the probe (which stops at a free slot first).
        let home = edge_hash(word(&good, from, 0), '中') as usize & (slots - 1);
        let to = (1..slots)
            .map(|back| (home + slots - back) % slots)
            .find(|&s| word(&good, s, 1) == NONE)
            .unwrap();
        let mut bad = good.clone();
        let (from_at, to_at) = (
            edges.start + 4 * from * EDGE_WORDS,
            edges.start + 4 * to * EDGE_WORDS,
        );
        bad.copy_within(from_at..from_at + 4 * EDGE_WORDS, to_at);
        bad[from_at..from_at + 4 * EDGE_WORDS]
            .copy_from_slice(&[0u32, NONE, NONE].map(u32::to_ne_bytes).concat());
        reseal(&mut bad);
        let moved = AliasTable::from_bytes(&bad).unwrap();
        let trie = moved.trie();
        let x = moved.first_term_node("x").expect("the first term");
        assert!(
            trie.walk(x, "中").and_then(|n| trie.key_at(n)).is_some(),
            "the index finds it"
        );
        assert!(trie.walk_probing(x, "中").is_none(), "the probe does not");
        assert!(matches!(
            moved.verify().unwrap_err(),
            FormatError::Damaged(m) if m.contains("KeyEdges")
        ));
    }

    #[test]
    fn sealed_damage_is_found_by_the_structure_check() {
        let good = compiled();
        // An alias key past the key list, with a checksum that matches.
        let table = AliasTable::from_bytes(&good).unwrap();
        let verified = |bytes: &[u8]| AliasTable::from_bytes(bytes).and_then(|t| t.verify());
        let at = table.sections[Section::AliasKey as usize].start;
        let mut bad = good.clone();
        bad[at..at + 4].copy_from_slice(&1000u32.to_ne_bytes());
        reseal(&mut bad);
        assert!(matches!(
            verified(&bad).unwrap_err(),
            FormatError::Damaged(m) if m.contains("AliasKey")
        ));
        // A string past the end of the pool.
        let at = table.sections[Section::EntityName as usize].start;
        let mut bad = good.clone();
        bad[at + 4..at + 8].copy_from_slice(&u32::MAX.to_ne_bytes());
        reseal(&mut bad);
        assert!(matches!(
            verified(&bad).unwrap_err(),
            FormatError::Damaged(m) if m.contains("EntityName")
        ));
        // A pool that is not UTF-8.
        let at = table.sections[Section::Strings as usize].start;
        let mut bad = good.clone();
        bad[at] = 0xFF;
        reseal(&mut bad);
        assert!(matches!(
            verified(&bad).unwrap_err(),
            FormatError::Damaged(m) if m.contains("not UTF-8")
        ));
        // Offsets that go down.
        let at = table.sections[Section::EntityAliases as usize].start;
        let mut bad = good;
        bad[at + 4..at + 8].copy_from_slice(&0u32.to_ne_bytes());
        bad[at..at + 4].copy_from_slice(&1u32.to_ne_bytes());
        reseal(&mut bad);
        assert!(verified(&bad).is_err());
    }

    /// The `VmFlags` line of this process's mapping of `path`
    /// (`/proc/self/smaps`; `hg` is `MADV_HUGEPAGE`).
    #[cfg(target_os = "linux")]
    fn mapping_flags(path: &Path) -> String {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        // The kernel names the file by its resolved path (a temporary
        // folder may be a link).
        let path = std::fs::canonicalize(path).unwrap();
        let name = path.to_str().unwrap();
        let mut inside = false;
        for line in smaps.lines() {
            let is_header = line
                .split_whitespace()
                .next()
                .is_some_and(|range| range.contains('-') && !range.ends_with(':'));
            if is_header {
                inside = line.ends_with(name);
            } else if inside && let Some(flags) = line.strip_prefix("VmFlags:") {
                return flags.to_string();
            }
        }
        panic!("{name} is not mapped");
    }

    #[test]
    fn files_are_mapped_and_errors_name_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.canonidx");
        std::fs::write(&path, compiled()).unwrap();
        let table = AliasTable::open(&path).unwrap();
        assert_eq!(table.entity_at(1).id, "acme-labs");
        assert!(!table.includes_builtin());
        // (A kernel built without transparent huge pages refuses the advice.)
        #[cfg(target_os = "linux")]
        assert!(
            !Path::new("/sys/kernel/mm/transparent_hugepage").exists()
                || mapping_flags(&path)
                    .split_whitespace()
                    .any(|flag| flag == "hg"),
            "the table's mapping is not advised to use huge pages: {}",
            mapping_flags(&path)
        );
        std::fs::write(&path, b"not a table at all").unwrap();
        let error = AliasTable::open(&path).unwrap_err().to_string();
        assert_eq!(
            error,
            format!(
                "{}: not a canon table (compile one with `canon alias compile`)",
                path.display()
            )
        );
    }
}
