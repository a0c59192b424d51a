//! jieba's segmentation algorithm over a precompiled dictionary.
//!
//! The algorithm is jieba's, reproduced exactly (a test compares it with
//! jieba-rs on every sentence it is given): the best route through the words
//! of the dictionary by frequency, then the HMM for runs of single characters
//! that do not form a word. What differs is the data structure: jieba-rs
//! parses its dictionary text into a trie in every process (a fifth of a
//! second) and walks a trie of hash maps; here `build.rs` compiles the same
//! dictionary into a double-array trie that loads in milliseconds (onto huge
//! pages), and all blocks of a text are routed together: the words starting
//! at a window of positions are found one character level at a time, so
//! that the cache misses of the trie overlap instead of following each
//! other, and the route is computed backwards from them without building a
//! graph of them.
//!
//! Words added at run time (the alias table's Chinese names) live in a small
//! overlay trie, consulted only at characters that start an added word. A
//! table compiled by `canon alias compile` carries that overlay, computed
//! once ([`Dictionary::derive_table_words`]): the segmenter then reads it in
//! place ([`Dictionary::with_compiled_overlay`]) instead of adding the
//! words one by one, which for a million-alias table is two seconds of
//! work per run. canon's `build.rs` does the same for the built-in table,
//! which is why this is a crate of its own: the build script runs this
//! code.

mod frequencies;
mod huge_pages;

use rustc_hash::{FxHashMap, FxHashSet};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout};

use canon_table::format::pair_bit;
use canon_table::prefetch;
use canon_text::script::BmpSet;
use frequencies::Frequencies;
use huge_pages::HugePageArray;

/// Bytes aligned to 8, so that the compiled tables are read in place.
#[repr(C, align(8))]
struct Aligned<T: ?Sized>(T);

/// The compiled dictionary written by this crate's `build.rs` (its layout
/// is described there, in `compile_dictionary`).
static DICTIONARY: &Aligned<[u8]> =
    &Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/jieba_dict.bin")));
/// The compiled HMM model written by `build.rs`.
static HMM_MODEL: &Aligned<[u8]> =
    &Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/jieba_hmm.bin")));

const FORMAT_VERSION: u32 = 2;
const NO_WORD: u32 = u32::MAX;
/// jieba's log probability for what the model never saw.
const MIN_FLOAT: f64 = -3.14e100;
const HMM_FIRST: u32 = 0x4E00;
const HMM_LAST: u32 = 0x9FD5;

/// One slot of the double array, with the log frequency of the word that
/// ends at it (NaN if none): segmentation is bound by memory latency, and
/// keeping the frequency in the same cache line as the transition saves a
/// second random access per word. Stored so by `build.rs`, and copied as
/// bytes.
#[derive(Clone, Copy, FromBytes, IntoBytes, Immutable, KnownLayout)]
#[repr(C)]
struct Unit {
    base: i32,
    check: u32,
    log_freq: f64,
}

/// The best step from a character: the word that starts there.
#[derive(Debug, Clone, Copy)]
struct RouteStep {
    /// Log probability of the rest of the block from this character.
    prob: f64,
    /// Index of the character after the chosen word.
    end: u32,
}

/// HMM states, in jieba's order.
const BEGIN: usize = 0;
const END: usize = 1;
const MIDDLE: usize = 2;
const SINGLE: usize = 3;
/// The states that may precede each state, lower index first: on a tie the
/// second wins, as in jieba.
const ALLOWED_PREVIOUS: [[usize; 2]; 4] = [
    [END, SINGLE],
    [BEGIN, MIDDLE],
    [BEGIN, MIDDLE],
    [END, SINGLE],
];

/// The dictionary, the added words and the HMM: everything segmentation reads.
pub struct Dictionary {
    /// Character → code, for the Basic Multilingual Plane (0: not in any
    /// dictionary word), read in place. The dictionary has no other
    /// characters; added words outside it go to the overlay only.
    codes: &'static [u16],
    /// A copy (on huge pages): adding a jieba word changes its log
    /// frequency here.
    units: HugePageArray<Unit>,
    /// The word id of each state ([`NO_WORD`] if none), read in place.
    word_of_state: &'static [u32],
    /// Frequency per word id: dictionary words first (read in place),
    /// added words after them.
    freqs: Frequencies,
    /// The natural log of the frequency of each added word, by word id
    /// less `jieba_words` (the units hold those of jieba's words).
    added_log_freqs: Vec<f64>,
    total: u64,
    log_total: f64,
    /// The number of jieba's own words and their total frequency, before
    /// any word is added: part of [`Self::fingerprint`].
    jieba_words: usize,
    jieba_total: u64,
    /// Added words that are not dictionary words.
    overlay: Overlay,
    /// The fingerprint's CRC-32, computed by `build.rs`.
    checksum: u32,
    hmm_initial: [f64; 4],
    hmm_transitions: [[f64; 4]; 4],
    /// Read in place.
    hmm_emissions: &'static [[f64; 4]],
}

/// The words added to jieba's dictionary that it lacks.
enum Overlay {
    /// Added one by one ([`Dictionary::add_word`]), as a trie of
    /// (node, char) → (node, id of the word that ends there or
    /// [`NO_WORD`]); node 0 is the root. One map read per character: with
    /// the 330,000 Han names of a million-alias table the map is tens of
    /// megabytes and every read misses the cache, so the word id travels
    /// with the edge.
    Added {
        edges: FxHashMap<(u32, char), (u32, u32)>,
        nodes: u32,
        /// The first two characters of overlay words, so that most
        /// positions never touch the overlay: with the 11,800 Han names of
        /// the built-in table nearly every common character starts one, and
        /// a filter of first characters let most positions of Chinese text
        /// probe the map.
        starts: PairFilter,
    },
    /// Computed when the alias table was compiled and read in place from it
    /// (word indices are those of the table's dictionary words).
    Compiled(canon_table::SegmenterOverlay),
}

impl Overlay {
    fn is_empty(&self) -> bool {
        match self {
            Overlay::Added { edges, .. } => edges.is_empty(),
            Overlay::Compiled(_) => false,
        }
    }

    /// Whether an added word may start at `chars[start]`: by its first
    /// character, or for a compiled overlay by its first two and then its
    /// first three (a block's end, or the text's, stands as a third
    /// character no word has).
    #[inline(always)]
    fn may_start(&self, chars: &[char], start: usize) -> bool {
        match self {
            Overlay::Added { starts, .. } => starts.may_start(chars, start),
            Overlay::Compiled(compiled) => chars.get(start + 1).is_some_and(|&second| {
                compiled.may_start(chars[start], second)
                    && compiled.may_go_on(chars[start], second, chars.get(start + 2).copied())
            }),
        }
    }
}

/// The first two characters of the words added at run time, one bit per
/// pair in a table grown with the words (a false positive only costs a
/// probe of the overlay), and the first characters of one-character words.
#[derive(Debug, Default)]
struct PairFilter {
    /// A power of two of words, at least [`PAIR_BITS_PER_WORD`] bits per
    /// distinct pair; empty before the first word.
    bits: Vec<u64>,
    /// Every distinct pair, to fill the bits again when they grow.
    pairs: FxHashSet<(char, char)>,
    singles: BmpSet,
}

/// Bits of [`PairFilter`] per pair: about one in eight other pairs passes.
const PAIR_BITS_PER_WORD: usize = 8;

impl PairFilter {
    fn insert(&mut self, word: &str) {
        let mut chars = word.chars();
        let Some(first) = chars.next() else {
            return;
        };
        let Some(second) = chars.next() else {
            self.singles.insert(first);
            return;
        };
        if !self.pairs.insert((first, second)) {
            return;
        }
        let wanted = (self.pairs.len() * PAIR_BITS_PER_WORD)
            .div_ceil(64)
            .next_power_of_two();
        if wanted > self.bits.len() {
            // Doubling at least: each pair is set again a bounded number of
            // times on average.
            self.bits = vec![0; wanted.max(2 * self.bits.len())];
            for &(a, b) in &self.pairs {
                let (word, mask) = pair_bit(a, b, self.bits.len());
                self.bits[word] |= mask;
            }
        } else {
            let (word, mask) = pair_bit(first, second, self.bits.len());
            self.bits[word] |= mask;
        }
    }

    /// Whether an added word may start at `chars[start]`.
    #[inline(always)]
    fn may_start(&self, chars: &[char], start: usize) -> bool {
        let first = chars[start];
        if let Some(&second) = chars.get(start + 1)
            && !self.bits.is_empty()
        {
            let (word, mask) = pair_bit(first, second, self.bits.len());
            if self.bits[word] & mask != 0 {
                return true;
            }
        }
        self.singles.may_contain(first)
    }
}

/// Bumped whenever what [`Dictionary::derive_table_words`] computes changes
/// (how `add_word` rounds, how pieces are chosen): part of the fingerprint,
/// so that tables compiled before are not read with new meaning.
const DERIVATION_VERSION: u64 = 1;

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dictionary")
            .field("words", &self.freqs.len())
            .field("states", &self.units.len())
            .field("total", &self.total)
            .finish()
    }
}

/// Splits the compiled tables into their sections, each read in place and
/// checked for size and alignment.
struct Sections {
    bytes: &'static [u8],
}

impl Sections {
    /// The next `count` values of `T`; the section is padded to 8 bytes.
    fn take<T: FromBytes + Immutable + KnownLayout>(&mut self, count: usize) -> &'static [T] {
        let len = (count * std::mem::size_of::<T>()).next_multiple_of(8);
        let (head, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        let (values, _padding) = <[T]>::ref_from_prefix_with_elems(head, count)
            .expect("the compiled tables are aligned and whole");
        values
    }
}

impl Dictionary {
    /// jieba's default dictionary and HMM model: the tables `build.rs`
    /// compiled, read in place, and the double array copied onto huge
    /// pages. Nothing is computed per word or per state.
    pub fn jieba() -> Dictionary {
        let mut sections = Sections {
            bytes: &DICTIONARY.0,
        };
        let &[version, states, words, checksum] = sections.take::<u32>(4) else {
            unreachable!("four values")
        };
        assert_eq!(version, FORMAT_VERSION, "compiled dictionary format");
        let (states, words) = (states as usize, words as usize);
        let total = sections.take::<u64>(1)[0];
        let codes = sections.take::<u16>(0x10000);
        assert_eq!(
            codes[BLOCK_END as usize], 0,
            "no dictionary word holds BLOCK_END"
        );
        let units = HugePageArray::new(sections.take::<Unit>(states));
        let word_of_state = sections.take::<u32>(states);
        let freqs = Frequencies::new(sections.take::<u32>(words));

        let mut hmm = Sections {
            bytes: &HMM_MODEL.0,
        };
        let hmm_initial: [f64; 4] = hmm.take::<f64>(4).try_into().expect("four values");
        let hmm_transitions: [[f64; 4]; 4] = hmm.take::<[f64; 4]>(4).try_into().expect("four rows");
        let hmm_emissions = hmm.take::<[f64; 4]>((HMM_LAST - HMM_FIRST + 1) as usize);

        Dictionary {
            codes,
            units,
            word_of_state,
            freqs,
            added_log_freqs: Vec::new(),
            total,
            log_total: (total as f64).ln(),
            jieba_words: words,
            jieba_total: total,
            overlay: Overlay::Added {
                edges: FxHashMap::default(),
                nodes: 1,
                starts: PairFilter::default(),
            },
            checksum,
            hmm_initial,
            hmm_transitions,
            hmm_emissions,
        }
    }

    /// Adds `word` with the frequency jieba's `suggest_freq` gives it, so
    /// that segmentation keeps it whole; as jieba's `add_word(word,
    /// Some(suggest_freq(word)))`, including its effect on the total.
    ///
    /// # Panics
    ///
    /// On a dictionary made by [`Self::with_compiled_overlay`], whose added
    /// words are read-only (it already holds the table's words).
    pub fn add_word(&mut self, word: &str) {
        self.add_word_with(word, &mut Scratch::default());
    }

    /// [`Self::add_word`] with `scratch` reused from one word to the next:
    /// a table adds thousands, and each one's cut allocating its buffers
    /// anew cost more than the cut.
    ///
    /// # Panics
    ///
    /// As [`Self::add_word`].
    pub fn add_word_with(&mut self, word: &str, scratch: &mut Scratch) {
        if word.is_empty() {
            return;
        }
        let freq = self.suggest_freq(word, scratch);
        match self.word_id(word) {
            Some(id) => {
                let old = self.freqs.get(id).expect("a word id has a frequency");
                self.freqs.set(id, freq);
                if (id as usize) < self.jieba_words {
                    if let Some(state) = self.state_of(word) {
                        self.units[state as usize].log_freq = (freq as f64).ln();
                    }
                } else {
                    self.added_log_freqs[id as usize - self.jieba_words] = (freq as f64).ln();
                }
                self.total = self.total + freq - old;
            }
            None => {
                let id = self.freqs.push(freq);
                self.added_log_freqs.push((freq as f64).ln());
                self.total += freq;
                self.insert_overlay(word, id);
            }
        }
        self.log_total = (self.total as f64).ln();
    }

    fn insert_overlay(&mut self, word: &str, id: u32) {
        let Overlay::Added {
            edges,
            nodes,
            starts,
        } = &mut self.overlay
        else {
            unreachable!("words are added only to a dictionary without a compiled overlay")
        };
        let mut node = 0;
        let mut chars = word.chars().peekable();
        while let Some(c) = chars.next() {
            let last = chars.peek().is_none();
            let next_node = *nodes;
            let edge = edges.entry((node, c)).or_insert((next_node, NO_WORD));
            if edge.0 == next_node {
                *nodes += 1;
            }
            if last {
                edge.1 = id;
            }
            node = edge.0;
        }
        starts.insert(word);
    }

    #[inline(always)]
    fn overlay_may_start(&self, chars: &[char], start: usize) -> bool {
        self.overlay.may_start(chars, start)
    }

    /// Whether `word` is a word, in the dictionary or added.
    pub fn contains(&self, word: &str) -> bool {
        match &self.overlay {
            Overlay::Compiled(compiled) => {
                self.state_of(word).is_some() || compiled.word(word).is_some()
            }
            Overlay::Added { .. } => self.word_id(word).is_some(),
        }
    }

    /// The frequency of `word`, in the dictionary or added (0 when it is
    /// not a word): how much evidence the dictionary has for it.
    pub fn frequency(&self, word: &str) -> u64 {
        if let Overlay::Compiled(compiled) = &self.overlay
            && self.state_of(word).is_none()
        {
            return compiled.word(word).map_or(0, |w| compiled.freq(w));
        }
        self.word_id(word)
            .and_then(|id| self.freqs.get(id))
            .unwrap_or(0)
    }

    /// The fingerprint of jieba's compiled dictionary: what a compiled alias
    /// table's segmenter sections were computed with
    /// ([`canon_table::SegmenterWords::fingerprint`]), compared whole
    /// before they are used. The derivation's version, the number of words,
    /// the total frequency and the CRC-32 of the compiled dictionary in
    /// the layout of its format 1 (computed by `build.rs`, so that tables
    /// compiled since then stay current).
    pub fn fingerprint(&self) -> [u64; 4] {
        [
            DERIVATION_VERSION,
            self.jieba_words as u64,
            self.jieba_total,
            u64::from(self.checksum),
        ]
    }

    /// What the Chinese segmenter derives from an alias table's dictionary
    /// words `words` (sorted, distinct), computed on jieba's own dictionary
    /// exactly as [`Self::add_word`] for every word in order and
    /// [`Self::word_pieces`] before any is added would: for
    /// `canon alias compile` to store in the table.
    pub fn derive_table_words(words: &[String]) -> canon_table::SegmenterWords {
        let mut dictionary = Dictionary::jieba();
        let fingerprint = dictionary.fingerprint();
        let mut scratch = Scratch::default();
        let piece_ends: Vec<Vec<u32>> = words
            .iter()
            .map(|word| {
                // As the segmenter: four characters at least.
                if word.chars().nth(3).is_none() {
                    return Vec::new();
                }
                dictionary
                    .word_pieces(word, &mut scratch)
                    .map(|ends| ends.into_iter().map(|end| end as u32).collect())
                    .unwrap_or_default()
            })
            .collect();
        for word in words {
            dictionary.add_word_with(word, &mut scratch);
        }
        let derived = words
            .iter()
            .zip(piece_ends)
            .map(|(word, piece_ends)| canon_table::DerivedWord {
                freq: dictionary.freq_or(word, 0),
                jieba_state: dictionary.state_of(word),
                piece_ends,
            })
            .collect();
        canon_table::SegmenterWords {
            fingerprint,
            total: dictionary.total,
            words: derived,
        }
    }

    /// jieba's dictionary with an alias table's words added as
    /// [`Self::derive_table_words`] computed them when the table was
    /// compiled, read in place from the table; `None` when they were
    /// computed with another jieba dictionary (the fingerprints differ), for
    /// the caller to add the words one by one instead.
    ///
    /// A damaged table gives wrong frequencies, never a panic: the states of
    /// jieba words are checked here, the rest by the overlay's reads.
    pub fn with_compiled_overlay(compiled: canon_table::SegmenterOverlay) -> Option<Dictionary> {
        let mut dictionary = Dictionary::jieba();
        if compiled.fingerprint() != dictionary.fingerprint() {
            return None;
        }
        for (index, state) in compiled.jieba_words() {
            let Some(&id) = dictionary.word_of_state.get(state as usize) else {
                continue;
            };
            if id == NO_WORD {
                continue;
            }
            let log_freq = compiled.log_freq(index);
            dictionary.freqs.set(id, compiled.freq(index));
            dictionary.units[state as usize].log_freq = log_freq;
        }
        dictionary.total = compiled.total();
        dictionary.log_total = (dictionary.total as f64).ln();
        dictionary.overlay = Overlay::Compiled(compiled);
        Some(dictionary)
    }

    /// Where the pieces of `word` end (byte offsets) when it is no word of
    /// jieba's dictionary and jieba (without its HMM) cuts it into two or
    /// more of its own words of two characters or more: 华能国际 (华能|国际),
    /// 日本政府, 首相官邸. `None` for a word with a one-character piece
    /// (月|之|暗面, 厚生|省), characters jieba does not know, or a jieba word.
    /// The Chinese segmenter emits such names as their pieces.
    ///
    /// `scratch` is reused from one call to the next (a large table asks
    /// this of hundreds of thousands of names).
    pub fn word_pieces(&self, word: &str, scratch: &mut Scratch) -> Option<Vec<usize>> {
        if !self.starts_with_long_word(word) || self.in_jieba(word) {
            return None;
        }
        let mut ends = Vec::new();
        let mut all_words = true;
        self.cut(word, false, scratch, |start, end| {
            let piece = &word[start..end];
            ends.push(end);
            all_words &= piece.chars().nth(1).is_some() && self.in_jieba(piece);
        });
        (ends.len() >= 2 && all_words).then_some(ends)
    }

    /// Whether a jieba word of two characters or more starts `word`: what
    /// the first of [`Self::word_pieces`]'s pieces must be, checked by one
    /// walk of the trie before any cut.
    fn starts_with_long_word(&self, word: &str) -> bool {
        let mut state = 0u32;
        for (depth, c) in word.chars().enumerate() {
            let Some(next) = self.child(state, c) else {
                return false;
            };
            state = next;
            if depth >= 1 && self.word_of_state[state as usize] != NO_WORD {
                return true;
            }
        }
        false
    }

    /// Whether `word` is in jieba's own dictionary (not only added).
    pub fn in_jieba(&self, word: &str) -> bool {
        self.state_of(word).is_some()
    }

    /// The double-array state `word` leads to, if it is a dictionary word.
    fn state_of(&self, word: &str) -> Option<u32> {
        let mut state = 0u32;
        for c in word.chars() {
            state = self.child(state, c)?;
        }
        (self.word_of_state[state as usize] != NO_WORD).then_some(state)
    }

    /// The id in `freqs` of `word`, a jieba word or one added by
    /// [`Self::add_word`] (the words of a compiled overlay have none).
    fn word_id(&self, word: &str) -> Option<u32> {
        if let Some(state) = self.state_of(word) {
            return Some(self.word_of_state[state as usize]);
        }
        let Overlay::Added { edges, .. } = &self.overlay else {
            return None;
        };
        let mut node = 0;
        let mut id = NO_WORD;
        for c in word.chars() {
            (node, id) = *edges.get(&(node, c))?;
        }
        (id != NO_WORD).then_some(id)
    }

    /// The double-array transition from `state` on `c`.
    #[inline(always)]
    fn child(&self, state: u32, c: char) -> Option<u32> {
        let code = *self.codes.get(c as usize)?;
        if code == 0 {
            return None;
        }
        let next = (self.units[state as usize].base as u32).wrapping_add(u32::from(code));
        match self.units.get(next as usize) {
            Some(unit) if unit.check == state => Some(next),
            _ => None,
        }
    }

    /// Calls `found(end, log_freq)` for every word of `chars` that starts at
    /// `start`; `end` is exclusive. Dictionary words come first, then added
    /// words (an added word that was already in the dictionary is not in the
    /// overlay, so no word is reported twice).
    #[inline(always)]
    fn words_at(&self, chars: &[char], start: usize, mut found: impl FnMut(usize, f64)) {
        let mut state = 0u32;
        for (offset, &c) in chars[start..].iter().enumerate() {
            let Some(next) = self.child(state, c) else {
                break;
            };
            state = next;
            let log_freq = self.units[state as usize].log_freq;
            if !log_freq.is_nan() {
                found(start + offset + 1, log_freq);
            }
        }
        if !self.overlay.is_empty() && self.overlay_may_start(chars, start) {
            self.overlay_words_at(chars, start, found);
        }
    }

    /// Calls `found(end, log_freq)` for every added word of `chars` that
    /// starts at `start`.
    #[inline(always)]
    fn overlay_words_at(&self, chars: &[char], start: usize, mut found: impl FnMut(usize, f64)) {
        match &self.overlay {
            Overlay::Added { edges, .. } => {
                let mut node = 0;
                for (offset, &c) in chars[start..].iter().enumerate() {
                    if c == BLOCK_END {
                        break;
                    }
                    let Some(&(next, id)) = edges.get(&(node, c)) else {
                        break;
                    };
                    node = next;
                    if id != NO_WORD {
                        found(
                            start + offset + 1,
                            self.added_log_freqs[id as usize - self.jieba_words],
                        );
                    }
                }
            }
            Overlay::Compiled(compiled) => {
                let mut node = compiled.root();
                compiled.prefetch_steps(
                    node,
                    chars[start..]
                        .iter()
                        .copied()
                        .take_while(|&c| c != BLOCK_END),
                );
                for (offset, &c) in chars[start..].iter().enumerate() {
                    if c == BLOCK_END {
                        break;
                    }
                    let Some((next, word)) = compiled.step(node, c) else {
                        break;
                    };
                    node = next;
                    if let Some(word) = word {
                        found(start + offset + 1, compiled.log_freq(word));
                    }
                }
            }
        }
    }

    /// The dictionary words starting at positions `from..to` of `chars`,
    /// level by level: `walk.found[l * (to - from) + i - from]` is the log
    /// frequency of `chars[i..=i + l]` (NaN if that is a prefix but not a
    /// word) for every `l < walk.depth[i - from]`. Walks stop at [`BLOCK_END`].
    ///
    /// Walking the trie is a chain of cache misses (the table is larger than
    /// the L2 cache), one per character of a word, and a word-by-word walk
    /// waits for each in turn. Advancing every position by one character per
    /// pass makes the loads of a pass independent of each other, so the CPU
    /// overlaps them, and each pass prefetches the slots the next one reads.
    fn walk(&self, chars: &[char], from: usize, to: usize, walk: &mut WalkScratch) {
        let width = to - from;
        let WalkScratch {
            found,
            depth,
            states,
            active,
            next_active,
        } = walk;
        found.clear();
        found.resize(width, f64::NAN);
        depth.clear();
        depth.resize(width, 0);
        states.clear();
        states.resize(width, 0);
        active.clear();
        for i in from..to {
            if let Some(state) = self.child(0, chars[i]) {
                let k = i - from;
                found[k] = self.units[state as usize].log_freq;
                depth[k] = 1;
                states[k] = state;
                active.push(k as u32);
                self.prefetch_child(state, chars[i + 1]);
            }
        }
        let mut level = 1;
        while !active.is_empty() {
            found.resize((level + 1) * width, f64::NAN);
            next_active.clear();
            for &k in active.iter() {
                let k = k as usize;
                let next_char = from + k + level;
                let Some(state) = self.child(states[k], chars[next_char]) else {
                    continue;
                };
                found[level * width + k] = self.units[state as usize].log_freq;
                depth[k] = level as u8 + 1;
                if level + 1 < u8::MAX as usize {
                    states[k] = state;
                    next_active.push(k as u32);
                    self.prefetch_child(state, chars[next_char + 1]);
                }
            }
            std::mem::swap(active, next_active);
            level += 1;
        }
    }

    /// Asks the CPU to fetch the slot of `state`'s child for `c` without
    /// waiting for it.
    #[inline(always)]
    fn prefetch_child(&self, state: u32, c: char) {
        let Some(&code) = self.codes.get(c as usize) else {
            return;
        };
        let slot = (self.units[state as usize].base as u32).wrapping_add(u32::from(code));
        if let Some(unit) = self.units.get(slot as usize) {
            prefetch(unit);
        }
    }

    /// jieba's best route through every block of `chars` (blocks end with
    /// [`BLOCK_END`], which ends the last one too): `route[i]` is the step
    /// to take from character `i`.
    fn route(&self, chars: &[char], route: &mut Vec<RouteStep>, walk: &mut WalkScratch) {
        let n = chars.len();
        route.clear();
        route.resize(
            n,
            RouteStep {
                prob: 0.0,
                end: n as u32,
            },
        );
        let log_total = self.log_total;
        let check_overlay = !self.overlay.is_empty();
        // Windows from the last: a word starting in one ends at most at the
        // end of its block, whose route is known by then. Windows bound the
        // walk's memory however long a block is.
        let mut to = n;
        while to > 0 {
            let from = to.saturating_sub(WALK_WINDOW);
            self.walk(chars, from, to, walk);
            let width = to - from;
            for start in (from..to).rev() {
                if chars[start] == BLOCK_END {
                    // Nothing of the block is left after its end.
                    route[start] = RouteStep {
                        prob: 0.0,
                        end: start as u32 + 1,
                    };
                    continue;
                }
                let mut best: Option<RouteStep> = None;
                let mut consider = |end: usize, log_freq: f64| {
                    let prob = log_freq - log_total + route[end].prob;
                    let better = match best {
                        None => true,
                        Some(b) => prob > b.prob || (prob == b.prob && end as u32 > b.end),
                    };
                    if better {
                        best = Some(RouteStep {
                            prob,
                            end: end as u32,
                        });
                    }
                };
                let k = start - from;
                for level in 0..walk.depth[k] as usize {
                    let log_freq = walk.found[level * width + k];
                    if !log_freq.is_nan() {
                        consider(start + level + 1, log_freq);
                    }
                }
                // The best step is the maximum of (probability, end), so
                // the order in which candidates arrive does not matter; an
                // added word is never also a dictionary word.
                if check_overlay && self.overlay_may_start(chars, start) {
                    self.overlay_words_at(chars, start, &mut consider);
                }
                route[start] = best.unwrap_or(RouteStep {
                    prob: (0.0 - log_total) + route[start + 1].prob,
                    end: start as u32 + 1,
                });
            }
            to = from;
        }
    }

    /// Segments `text` as jieba's `cut(text, hmm)` does, for text made of
    /// Han characters and separators (canon hands the segmenter nothing
    /// else): calls `word(start, end)` with the byte range of each word, in
    /// order.
    pub fn cut(
        &self,
        text: &str,
        hmm: bool,
        scratch: &mut Scratch,
        mut word: impl FnMut(usize, usize),
    ) {
        let Scratch {
            chars,
            offsets,
            block_ends,
            route,
            walk,
            hmm: hmm_scratch,
        } = scratch;
        // jieba cuts its own Han class into blocks; any other character is
        // a word by itself. All blocks of the text are routed together, one
        // after the other, each closed by BLOCK_END (whose offset is where
        // the block ends), so that the trie walks of the whole text overlap.
        chars.clear();
        offsets.clear();
        block_ends.clear();
        let mut in_block = false;
        for (i, c) in text.char_indices() {
            let han = is_jieba_han(c);
            if in_block && !han {
                block_ends.push(chars.len());
                chars.push(BLOCK_END);
                offsets.push(i);
            }
            if han {
                chars.push(c);
                offsets.push(i);
            }
            in_block = han;
        }
        if in_block {
            block_ends.push(chars.len());
            chars.push(BLOCK_END);
            offsets.push(text.len());
        }
        self.route(chars, route, walk);

        let mut rest = 0;
        let mut block_start = 0;
        for &index in block_ends.iter() {
            let start = offsets[block_start];
            for (i, c) in text[rest..start].char_indices() {
                word(rest + i, rest + i + c.len_utf8());
            }
            self.emit_route(
                &chars[..index],
                &offsets[..=index],
                block_start,
                route,
                hmm,
                hmm_scratch,
                &mut word,
            );
            rest = offsets[index];
            block_start = index + 1;
        }
        for (i, c) in text[rest..].char_indices() {
            word(rest + i, rest + i + c.len_utf8());
        }
    }

    /// Walks the route of a block, handing runs of single characters to the
    /// HMM, as jieba's `cut_route`.
    #[allow(clippy::too_many_arguments)]
    fn emit_route(
        &self,
        chars: &[char],
        offsets: &[usize],
        first: usize,
        route: &[RouteStep],
        hmm: bool,
        hmm_scratch: &mut HmmScratch,
        word: &mut impl FnMut(usize, usize),
    ) {
        let n = chars.len();
        let mut x = first;
        let mut singles_from: Option<usize> = None;
        while x < n {
            let y = route[x].end as usize;
            if y - x == 1 && (hmm || chars[x].is_ascii_alphanumeric()) {
                singles_from.get_or_insert(x);
            } else {
                if let Some(from) = singles_from.take() {
                    self.emit_singles(chars, offsets, from, x, hmm, hmm_scratch, word);
                }
                word(offsets[x], offsets[y]);
            }
            x = y;
        }
        if let Some(from) = singles_from {
            self.emit_singles(chars, offsets, from, n, hmm, hmm_scratch, word);
        }
    }

    /// Characters `x..y` that the route left as single characters: one word
    /// without the HMM (they are ASCII alphanumerics then), each character
    /// alone when together they form a dictionary word, else the HMM's cut.
    #[allow(clippy::too_many_arguments)]
    fn emit_singles(
        &self,
        chars: &[char],
        offsets: &[usize],
        x: usize,
        y: usize,
        hmm: bool,
        hmm_scratch: &mut HmmScratch,
        word: &mut impl FnMut(usize, usize),
    ) {
        if !hmm || y - x == 1 {
            word(offsets[x], offsets[y]);
            return;
        }
        let is_word = {
            let mut found = false;
            self.words_at(&chars[..y], x, |end, _| found |= end == y);
            found
        };
        if is_word {
            for i in x..y {
                word(offsets[i], offsets[i + 1]);
            }
        } else {
            self.hmm_cut(chars, offsets, x, y, hmm_scratch, word);
        }
    }

    /// jieba's HMM cut of characters `x..y`: runs of the characters the
    /// model covers go through Viterbi; a run of other characters is one
    /// word (jieba splits it at ASCII alphanumerics, which Han text lacks).
    fn hmm_cut(
        &self,
        chars: &[char],
        offsets: &[usize],
        x: usize,
        y: usize,
        scratch: &mut HmmScratch,
        word: &mut impl FnMut(usize, usize),
    ) {
        let mut i = x;
        while i < y {
            let covered = is_hmm_han(chars[i]);
            let mut j = i + 1;
            while j < y && is_hmm_han(chars[j]) == covered {
                j += 1;
            }
            if covered && j - i > 1 {
                self.viterbi(&chars[i..j], scratch);
                let mut begin = i;
                let mut next = i;
                for (k, &state) in scratch.path.iter().enumerate() {
                    let at = i + k;
                    match state as usize {
                        BEGIN => begin = at,
                        END => {
                            word(offsets[begin], offsets[at + 1]);
                            next = at + 1;
                        }
                        SINGLE => {
                            word(offsets[at], offsets[at + 1]);
                            next = at + 1;
                        }
                        _ => {}
                    }
                }
                if next < j {
                    word(offsets[next], offsets[j]);
                }
            } else {
                word(offsets[i], offsets[j]);
            }
            i = j;
        }
    }

    fn emissions(&self, c: char) -> [f64; 4] {
        let c = c as u32;
        if (HMM_FIRST..=HMM_LAST).contains(&c) {
            self.hmm_emissions[(c - HMM_FIRST) as usize]
        } else {
            [MIN_FLOAT; 4]
        }
    }

    /// The most likely B/E/M/S labelling of `chars` (two or more), left in
    /// `scratch.path`; jieba's recurrence and tie-breaking.
    fn viterbi(&self, chars: &[char], scratch: &mut HmmScratch) {
        let n = chars.len();
        scratch.previous.clear();
        scratch.previous.resize(n * 4, 0);
        let first = self.emissions(chars[0]);
        let mut scores: [f64; 4] = std::array::from_fn(|s| self.hmm_initial[s] + first[s]);
        for (t, &c) in chars.iter().enumerate().skip(1) {
            let emission = self.emissions(c);
            let mut next = [0.0; 4];
            for state in 0..4 {
                let [a, b] = ALLOWED_PREVIOUS[state];
                let score_a = scores[a] + self.hmm_transitions[a][state] + emission[state];
                let score_b = scores[b] + self.hmm_transitions[b][state] + emission[state];
                let (score, from) = if score_a > score_b {
                    (score_a, a)
                } else {
                    (score_b, b)
                };
                next[state] = score;
                scratch.previous[t * 4 + state] = from as u8;
            }
            scores = next;
        }
        let mut state = if scores[END] > scores[SINGLE] {
            END
        } else {
            SINGLE
        };
        scratch.path.clear();
        scratch.path.resize(n, 0);
        scratch.path[n - 1] = state as u8;
        for t in (1..n).rev() {
            state = scratch.previous[t * 4 + state] as usize;
            scratch.path[t - 1] = state as u8;
        }
    }

    /// jieba's `suggest_freq`: the frequency at which `word` beats its own
    /// split into dictionary words.
    fn suggest_freq(&self, word: &str, scratch: &mut Scratch) -> u64 {
        let mut log_freq = 0.0f64;
        self.cut(word, false, scratch, |start, end| {
            // jieba's order of operations, for the same rounding.
            log_freq = log_freq + (self.freq_or(&word[start..end], 1) as f64).ln() - self.log_total;
        });
        (((log_freq + self.log_total).exp() as u64) + 1).max(self.freq_or(word, 1))
    }

    fn freq_or(&self, word: &str, default: u64) -> u64 {
        self.word_id(word)
            .and_then(|id| self.freqs.get(id))
            .unwrap_or(default)
    }
}

/// Closes every block in the characters routed together: no dictionary word
/// contains it, so every walk of the trie stops there.
const BLOCK_END: char = '\0';

/// How many positions are walked together: enough for the loads of a pass
/// to overlap, few enough for the walk's tables to stay in the L1 cache.
const WALK_WINDOW: usize = 128;

/// Buffers reused from one cut to the next.
#[derive(Debug, Default)]
pub struct Scratch {
    chars: Vec<char>,
    offsets: Vec<usize>,
    /// Where each block ends in `chars` (at its BLOCK_END).
    block_ends: Vec<usize>,
    route: Vec<RouteStep>,
    walk: WalkScratch,
    hmm: HmmScratch,
}

/// The words found by [`Dictionary::walk`].
#[derive(Debug, Default)]
struct WalkScratch {
    /// Log frequencies, level-major: entry `l * n + i` for `chars[i..=i + l]`.
    found: Vec<f64>,
    /// How many levels of `found` hold a prefix, per position.
    depth: Vec<u8>,
    /// The trie state each active position has reached.
    states: Vec<u32>,
    /// Positions whose walk goes on to the next level.
    active: Vec<u32>,
    next_active: Vec<u32>,
}

#[derive(Debug, Default)]
struct HmmScratch {
    previous: Vec<u8>,
    path: Vec<u8>,
}

/// jieba's Han class for text without ASCII: the CJK Unified Ideographs and
/// their extensions and compatibility block.
fn is_jieba_han(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2A6DF}'
        | '\u{2A700}'..='\u{2EBEF}'
        | '\u{2F800}'..='\u{2FA1F}')
}

/// The characters jieba's HMM model covers.
fn is_hmm_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FD5}').contains(&c)
}

#[cfg(test)]
mod tests {
    //! Invariants of the compiled tables and the overlay's filter; the
    //! comparison with jieba-rs is in canon (`src/segment/dictionary.rs`),
    //! which has the SIGHAN test set beside it.

    use super::*;

    /// Tables compiled before the dictionary's layout changed carry the
    /// CRC-32 of format 1 in their fingerprint; `build.rs` computes it for
    /// the current layout, and it must be the CRC of the same dictionary
    /// serialized as format 1 was (else those tables would be read as
    /// stale, or worse, the fingerprint would not follow the data).
    #[test]
    fn the_fingerprint_is_the_checksum_of_the_dictionary_in_format_1() {
        let dictionary = Dictionary::jieba();
        let mut code_chars = vec![0u32; 0x10000];
        let mut code_count = 0;
        for (c, &code) in dictionary.codes.iter().enumerate() {
            if code != 0 {
                code_chars[code as usize] = c as u32;
                code_count = code_count.max(code as usize);
            }
        }
        let mut v1 = Vec::new();
        let mut push = |v: u32| v1.extend_from_slice(&v.to_le_bytes());
        push(1);
        push(dictionary.units.len() as u32);
        push(dictionary.jieba_words as u32);
        push(code_count as u32 + 1);
        for &c in &code_chars[..=code_count] {
            push(c);
        }
        for unit in dictionary.units.iter() {
            push(unit.base as u32);
            push(unit.check);
        }
        for &word in dictionary.word_of_state {
            push(word);
        }
        for freq in dictionary.freqs.iter() {
            push(u32::try_from(freq).expect("jieba's frequencies are u32"));
        }
        assert_eq!(dictionary.fingerprint()[3], u64::from(crc32fast::hash(&v1)));
        // Per state, the log frequency of the word that ends there.
        for (unit, &word) in dictionary.units.iter().zip(dictionary.word_of_state) {
            match dictionary.freqs.get(word) {
                Some(freq) => assert_eq!(unit.log_freq, (freq as f64).ln()),
                None => assert!(unit.log_freq.is_nan()),
            }
        }
        assert_eq!(dictionary.total, dictionary.freqs.iter().sum::<u64>());
    }

    #[test]
    fn the_pair_filter_passes_every_added_word_as_it_grows() {
        let mut filter = PairFilter::default();
        let chars: Vec<char> = ('\u{4E00}'..='\u{4FFF}').collect();
        let mut words: Vec<String> = vec!["字".into(), "𠀀".into(), "𠀀字".into()];
        // Enough distinct pairs to grow the bits several times.
        for (i, &a) in chars.iter().enumerate().take(120) {
            for &b in chars.iter().skip(i).take(40) {
                words.push([a, b, '国'].iter().collect());
            }
        }
        for (n, word) in words.iter().enumerate() {
            filter.insert(word);
            // Every word added so far still passes after each growth.
            if n % 997 == 0 || n + 1 == words.len() {
                for earlier in &words[..=n] {
                    let text: Vec<char> = earlier.chars().collect();
                    assert!(filter.may_start(&text, 0), "{earlier}");
                }
            }
        }
        assert!(filter.bits.len() * 64 >= filter.pairs.len() * PAIR_BITS_PER_WORD);
        // Most other pairs do not pass; a character alone passes only as a
        // one-character word.
        let others = ('\u{6000}'..'\u{6400}')
            .filter(|&c| filter.may_start(&[c, '国'], 0))
            .count();
        assert!(others < 200, "{others}");
        assert!(filter.may_start(&['字'], 0) && !filter.may_start(&['国'], 0));
    }
}
