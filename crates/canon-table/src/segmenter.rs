//! What the Chinese segmenter derives from a table's dictionary words,
//! stored in the table by `canon alias compile` and read in place (the
//! layout and why are in [`crate::format`]).
//!
//! This crate has no segmenter: [`SegmenterWords`] is what the compiler is
//! handed (by canon, through [`crate::compile_sources_with`]), and
//! [`SegmenterOverlay`] what the segmenter reads back. Every read is
//! bounds-checked and a probe stops after one pass over its slots, so a
//! damaged section gives wrong answers, never a panic (see
//! [`crate::AliasTable`]'s module docs); [`crate::AliasTable::verify`]
//! checks the sections' structure.

use crate::format::{
    EDGE_WORDS, NONE, SEGMENTER_HEADER_WORDS, Section, TWO_CHARACTERS, edge_hash, pair_bit,
    triple_bit,
};
use crate::table::{AliasTable, prefetch, step_hashes};

/// What the segmenter derived from the dictionary words, for the compiler.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SegmenterWords {
    /// The fingerprint of the jieba dictionary the words were derived with;
    /// a segmenter uses the stored result only if its own is the same.
    pub fingerprint: [u64; 4],
    /// The dictionary's total frequency once every word is added.
    pub total: u64,
    /// Per dictionary word, in the order of [`AliasTable::dictionary_word_list`].
    pub words: Vec<DerivedWord>,
}

/// What the segmenter derived from one dictionary word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DerivedWord {
    /// The word's frequency once every word is added.
    pub freq: u64,
    /// The word's state in the compiled jieba dictionary when it is a jieba
    /// word (adding it changed its frequency); `None` for a word jieba lacks.
    pub jieba_state: Option<u32>,
    /// Where the pieces the word is emitted as end (byte offsets in the
    /// word, the last its length); empty when it is emitted whole.
    pub piece_ends: Vec<u32>,
}

/// Derives [`SegmenterWords`] from the table's dictionary words (sorted,
/// distinct): given to the compiler by whoever has the segmenter.
pub type DeriveSegmenterWords<'a> = dyn Fn(&[String]) -> SegmenterWords + 'a;

/// The segmenter's sections of a compiled table, read in place. Cloning is
/// cheap (the table's bytes are shared).
#[derive(Clone)]
pub struct SegmenterOverlay {
    /// Boxed: a table's section list is 600 bytes, and the segmenter keeps
    /// this beside its own small fields.
    table: Box<AliasTable>,
    /// Slots of [`Section::SegmenterEdges`], a power of two; also the root.
    slot_count: u32,
    /// Dictionary words (word indices are below it).
    words: u32,
}

impl std::fmt::Debug for SegmenterOverlay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SegmenterOverlay")
            .field("words", &self.words)
            .field("slots", &self.slot_count)
            .finish()
    }
}

/// A node of [`SegmenterOverlay`]'s trie of added words: its slot, and its
/// hash (see [`edge_hash`]: the trie has no boundaries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverlayNode {
    node: u32,
    hash: u32,
}

impl SegmenterOverlay {
    /// The table's segmenter sections, if it has them (sizes were checked
    /// at load).
    pub(crate) fn of(table: &AliasTable) -> Option<SegmenterOverlay> {
        if table.section(Section::SegmenterHeader).is_empty() {
            return None;
        }
        Some(SegmenterOverlay {
            table: Box::new(table.clone()),
            slot_count: (table.u32s(Section::SegmenterEdges).len() / EDGE_WORDS) as u32,
            words: table.dictionary_word_list().len() as u32,
        })
    }

    fn header(&self, i: usize) -> u64 {
        debug_assert!(i < SEGMENTER_HEADER_WORDS);
        self.table
            .u64s(Section::SegmenterHeader)
            .get(i)
            .copied()
            .unwrap_or(0)
    }

    /// The fingerprint of the jieba dictionary the sections were computed with.
    pub fn fingerprint(&self) -> [u64; 4] {
        std::array::from_fn(|i| self.header(i))
    }

    /// The dictionary's total frequency once every word is added.
    pub fn total(&self) -> u64 {
        self.header(4)
    }

    /// The length in bytes of the shortest word with pieces
    /// (`usize::MAX` if none): shorter words need no lookup.
    pub fn min_piece_bytes(&self) -> usize {
        usize::try_from(self.header(5)).unwrap_or(usize::MAX)
    }

    /// The number of dictionary words (word indices are below it).
    pub fn word_count(&self) -> usize {
        self.words as usize
    }

    /// Word `index`'s frequency once every word is added (0 past the end).
    pub fn freq(&self, index: u32) -> u64 {
        self.freqs(index).0
    }

    /// The natural log of [`Self::freq`], as stored (NaN past the end).
    #[inline]
    pub fn log_freq(&self, index: u32) -> f64 {
        self.freqs(index).1
    }

    #[inline]
    fn freqs(&self, index: u32) -> (u64, f64) {
        let at = 2 * index as usize;
        match self.table.u64s(Section::SegmenterFreqs).get(at..at + 2) {
            Some(pair) => (pair[0], f64::from_bits(pair[1])),
            None => (0, f64::NAN),
        }
    }

    /// The jieba words among the dictionary words: (word index, state in
    /// the compiled jieba dictionary), both to be checked by the reader.
    pub fn jieba_words(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.table
            .u32s(Section::SegmenterJieba)
            .chunks_exact(2)
            .map(|pair| (pair[0], pair[1]))
    }

    /// Whether an added word may start with `first`, `second` (no means
    /// none does; yes, that one may).
    #[inline(always)]
    pub fn may_start(&self, first: char, second: char) -> bool {
        let bits = self.table.u64s(Section::SegmenterPairs);
        // A power of two of words, checked at load.
        if bits.is_empty() {
            return false;
        }
        let (word, mask) = pair_bit(first, second, bits.len());
        bits.get(word).is_some_and(|w| w & mask != 0)
    }

    /// Whether an added word may start with `first`, `second` where
    /// `third` follows them (`None`: nothing does), asked where
    /// [`Self::may_start`] said yes ([`Section::SegmenterTriples`]: no
    /// means no word of two is `first`, `second` and none longer starts
    /// with the three).
    #[inline(always)]
    pub fn may_go_on(&self, first: char, second: char, third: Option<char>) -> bool {
        let bits = self.table.u64s(Section::SegmenterTriples);
        // A power of two of words, checked at load.
        if bits.is_empty() {
            return false;
        }
        let has = |third: char| {
            let (word, mask) = triple_bit(first, second, third, bits.len());
            bits.get(word).is_some_and(|w| w & mask != 0)
        };
        has(TWO_CHARACTERS) || third.is_some_and(has)
    }

    /// The root of the trie of added words.
    #[inline]
    pub fn root(&self) -> OverlayNode {
        OverlayNode {
            node: self.slot_count,
            hash: self.slot_count,
        }
    }

    /// Asks the processor for the home slots that steps from `node` by
    /// `chars` read (of the second to the eighth step), without waiting, as
    /// [`crate::KeyTrie::prefetch_steps`] does for the key trie. Only a
    /// hint, no effect on results.
    #[inline(always)]
    pub fn prefetch_steps(&self, node: OverlayNode, chars: impl Iterator<Item = char>) {
        if self.slot_count == 0 {
            return;
        }
        let edges = self.table.u32s(Section::SegmenterEdges);
        let mask = self.slot_count as usize - 1;
        for (hash, _) in step_hashes(node.hash, chars).skip(1) {
            if let Some(slot) = edges.get((hash as usize & mask) * EDGE_WORDS) {
                prefetch(slot);
            }
        }
    }

    /// The node `c` leads to from `node`, and the index of the added word
    /// that ends there, if one does.
    #[inline(always)]
    pub fn step(&self, node: OverlayNode, c: char) -> Option<(OverlayNode, Option<u32>)> {
        if self.slot_count == 0 {
            return None;
        }
        let edges = self.table.u32s(Section::SegmenterEdges);
        let mask = self.slot_count as usize - 1;
        let hash = edge_hash(node.hash, c);
        let mut slot = hash as usize & mask;
        // At most one pass: a damaged table may have no empty slot.
        for _ in 0..=mask {
            let entry = edges.get(slot * EDGE_WORDS..slot * EDGE_WORDS + EDGE_WORDS)?;
            if entry[1] == c as u32 && entry[0] == node.node {
                let word = entry[2];
                return Some((
                    OverlayNode {
                        node: slot as u32,
                        hash,
                    },
                    (word != NONE && word < self.words).then_some(word),
                ));
            }
            if entry[1] == NONE {
                return None;
            }
            slot = (slot + 1) & mask;
        }
        None
    }

    /// The index of `word` if it is an added word (not a jieba word). The
    /// first pair and the first three characters are asked first
    /// ([`Self::may_start`], [`Self::may_go_on`]): the matcher asks
    /// about many strings of Chinese text, most of them no added word, and
    /// each step through the trie of a large table misses the cache.
    pub fn word(&self, word: &str) -> Option<u32> {
        let mut chars = word.chars();
        if let (Some(first), Some(second)) = (chars.next(), chars.next())
            && !(self.may_start(first, second) && self.may_go_on(first, second, chars.next()))
        {
            return None;
        }
        let mut node = self.root();
        let mut found = None;
        for c in word.chars() {
            (node, found) = self.step(node, c)?;
        }
        found
    }

    /// Where the pieces of word `index` end, if it is emitted as pieces:
    /// byte offsets in `word` (the word's text), rising, on character
    /// boundaries, the last at its end; `None` for a word emitted whole, and
    /// for stored pieces that do not fit `word` (a damaged table).
    pub fn piece_ends(&self, index: u32, word: &str) -> Option<&[u32]> {
        let offsets = self.table.u32s(Section::SegmenterPieces);
        let i = index as usize;
        let (start, end) = match offsets.get(i..i + 2) {
            Some(&[start, end]) if start < end => (start as usize, end as usize),
            _ => return None,
        };
        let ends = self
            .table
            .u32s(Section::SegmenterPieceEnds)
            .get(start..end)?;
        let mut previous = 0;
        for &end in ends {
            let end = end as usize;
            if end <= previous || !word.is_char_boundary(end) {
                return None;
            }
            previous = end;
        }
        (previous == word.len()).then_some(ends)
    }
}

impl AliasTable {
    /// What the Chinese segmenter derived from the table's dictionary
    /// words when it was compiled by `canon alias compile` (or, for the
    /// built-in table, by canon's `build.rs`); `None` for a table compiled
    /// without the segmenter (in memory).
    pub fn segmenter_overlay(&self) -> Option<SegmenterOverlay> {
        SegmenterOverlay::of(self)
    }
}

/// What a segmenter might derive, made up for tests (this crate has no
/// segmenter): a word's frequency is 10 plus its index, 艾克 is a jieba
/// word (state 7) and 艾克斯 is emitted as 艾|克斯.
#[cfg(test)]
pub(crate) fn made_up(words: &[String]) -> SegmenterWords {
    SegmenterWords {
        fingerprint: [1, 2, 3, 4],
        total: 1_000,
        words: words
            .iter()
            .enumerate()
            .map(|(i, word)| DerivedWord {
                freq: 10 + i as u64,
                jieba_state: (word == "艾克").then_some(7),
                piece_ends: if word == "艾克斯" {
                    vec![3, 9]
                } else {
                    Vec::new()
                },
            })
            .collect(),
    }
}

/// The test table of [`crate::table`]'s tests compiled with [`made_up`].
#[cfg(test)]
pub(crate) fn compiled_with_made_up(text: &str) -> Vec<u8> {
    crate::compile_sources_with(
        &[crate::TableSource {
            name: "t.toml".into(),
            text: text.into(),
            jsonl: false,
        }],
        crate::compile::Provenance::default(),
        Some(&made_up),
    )
    .expect("the test table compiles")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{HEADER_BYTES, Section};
    use crate::table::FormatError;

    const TABLE: &str = r#"
[[entity]]
id = "acme"
name = "Acme Corp"
kind = "org"
aliases.en = ["Acme"]
aliases.zh-Hans = ["艾克米", { text = "艾克", blockers = ["艾克斯"] }, "中国𠀀字", "艾米"]
"#;

    fn overlay() -> (AliasTable, SegmenterOverlay) {
        let table = AliasTable::from_bytes(&compiled_with_made_up(TABLE)).unwrap();
        table.verify().expect("a table just compiled verifies");
        let overlay = table
            .segmenter_overlay()
            .expect("compiled with a segmenter");
        (table, overlay)
    }

    /// `word` answers as a walk of the whole trie does, for every word,
    /// every prefix and extension of one, and strings of their characters.
    #[test]
    fn the_first_characters_never_change_which_words_are_added() {
        let (table, overlay) = overlay();
        let walked = |word: &str| {
            let mut node = overlay.root();
            let mut found = None;
            for c in word.chars() {
                (node, found) = overlay.step(node, c)?;
            }
            found
        };
        let words = table.dictionary_words();
        let chars: Vec<char> = words.iter().flat_map(|w| w.chars()).collect();
        let mut asked = words.clone();
        for a in &chars {
            asked.push(a.to_string());
            for b in &chars {
                asked.push(format!("{a}{b}"));
                for c in &chars {
                    asked.push(format!("{a}{b}{c}"));
                }
            }
        }
        asked.extend(words.iter().map(|w| format!("{w}米")));
        let found = asked.iter().filter(|w| overlay.word(w).is_some()).count();
        for word in &asked {
            assert_eq!(overlay.word(word), walked(word), "{word}");
        }
        assert!(found >= 4, "{found}");
    }

    #[test]
    fn derived_words_read_back_as_written() {
        let (table, overlay) = overlay();
        let words = table.dictionary_words();
        assert_eq!(words, ["中国𠀀字", "艾克", "艾克斯", "艾克米", "艾米"]);
        assert_eq!(overlay.fingerprint(), [1, 2, 3, 4]);
        assert_eq!((overlay.total(), overlay.word_count()), (1_000, 5));
        for (i, word) in words.iter().enumerate() {
            assert_eq!(overlay.freq(i as u32), 10 + i as u64, "{word}");
            assert_eq!(overlay.log_freq(i as u32), ((10 + i) as f64).ln(), "{word}");
        }
        // The jieba word is not in the trie of added words; the others are,
        // and their prefixes are nodes without a word.
        assert_eq!(overlay.jieba_words().collect::<Vec<_>>(), [(1, 7)]);
        assert_eq!(overlay.word("艾克"), None);
        assert_eq!(overlay.word("艾克斯"), Some(2));
        assert_eq!(overlay.word("艾克米"), Some(3));
        assert_eq!(overlay.word("艾米"), Some(4));
        assert_eq!(overlay.word("中国𠀀字"), Some(0));
        assert_eq!(overlay.word("中国"), None);
        assert_eq!(overlay.word("艾克斯坦"), None);
        let (node, word) = overlay.step(overlay.root(), '艾').unwrap();
        assert_eq!(word, None);
        assert_eq!(overlay.step(node, '克').map(|(_, w)| w), Some(None));
        assert_eq!(overlay.step(node, '米').map(|(_, w)| w), Some(Some(4)));
        assert!(overlay.step(node, '国').is_none());
        // First pairs of added words pass (characters beyond the BMP too);
        // of a thousand other pairs, few do.
        assert!(overlay.may_start('艾', '克') && overlay.may_start('中', '国'));
        let others = ('一'..='\u{4FFF}')
            .take(1_000)
            .filter(|&c| overlay.may_start(c, '克') || overlay.may_start('艾', c))
            .count();
        assert!(others <= 3, "{others}");
        // The first three characters of added words of three or more, and
        // the two of a word of two followed by anything or nothing, pass.
        for (first, second, third) in [
            ('艾', '克', Some('斯')),
            ('艾', '克', Some('米')),
            ('中', '国', Some('𠀀')),
            ('艾', '米', None),
            ('艾', '米', Some('克')),
        ] {
            assert!(overlay.may_go_on(first, second, third), "{first}{second}");
        }
        // Each of the three characters counts: another in any one place
        // mostly does not pass (four bits of this small table's 64 are set,
        // and each question asks two: about one in eight passes; with the
        // first character left out of the hash, 512 passed in place 0).
        let others = |place: usize| {
            ('一'..='\u{4FFF}')
                .take(1_000)
                .filter(|&c| match place {
                    0 => overlay.may_go_on(c, '克', Some('斯')),
                    1 => overlay.may_go_on('艾', c, Some('斯')),
                    _ => overlay.may_go_on('中', '国', Some(c)),
                })
                .count()
        };
        for place in 0..3 {
            assert!(others(place) <= 200, "{place}: {}", others(place));
        }
        assert!(!overlay.may_go_on('中', '国', None));
        // Pieces, and only where they fit the word they are asked for.
        assert_eq!(overlay.piece_ends(2, "艾克斯"), Some(&[3, 9][..]));
        assert_eq!(overlay.piece_ends(2, "艾克斯坦"), None);
        assert_eq!(overlay.piece_ends(2, "艾克"), None);
        assert_eq!(overlay.piece_ends(3, "艾克米"), None);
        assert_eq!(overlay.piece_ends(99, "艾克米"), None);
        assert_eq!(overlay.min_piece_bytes(), "艾克斯".len());
        // Past the end: nothing.
        assert_eq!(overlay.freq(99), 0);
        assert!(overlay.log_freq(99).is_nan());
    }

    #[test]
    fn tables_compiled_without_a_segmenter_have_no_overlay() {
        let table = AliasTable::from_sources(&[crate::TableSource {
            name: "t.toml".into(),
            text: TABLE.into(),
            jsonl: false,
        }])
        .unwrap();
        assert!(table.segmenter_overlay().is_none());
        assert_eq!(table.verify(), Ok(()));
    }

    fn reseal(bytes: &mut [u8]) {
        let checksum = crate::format::file_checksum(bytes);
        let at = crate::compile::CHECKSUM_AT;
        bytes[at..at + 4].copy_from_slice(&checksum.to_ne_bytes());
    }

    fn section(bytes: &[u8], section: Section) -> std::ops::Range<usize> {
        let at = HEADER_BYTES + section as usize * 16;
        let word = |at: usize| u64::from_ne_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
        word(at)..word(at) + word(at + 8)
    }

    #[test]
    fn sections_of_the_wrong_size_are_refused_at_load() {
        let good = compiled_with_made_up(TABLE);
        // Frequencies for one word less than the dictionary has.
        let at = HEADER_BYTES + Section::SegmenterFreqs as usize * 16 + 8;
        let mut short = good.clone();
        let len = u64::from_ne_bytes(short[at..at + 8].try_into().unwrap());
        short[at..at + 8].copy_from_slice(&(len - 16).to_ne_bytes());
        assert!(matches!(
            AliasTable::from_bytes(&short).unwrap_err(),
            FormatError::Damaged(m) if m.contains("SegmenterFreqs has the wrong size")
        ));
        // An empty bit set: no power of two of words.
        let at = HEADER_BYTES + Section::SegmenterTriples as usize * 16 + 8;
        let mut ragged = good.clone();
        ragged[at..at + 8].copy_from_slice(&0u64.to_ne_bytes());
        assert!(matches!(
            AliasTable::from_bytes(&ragged).unwrap_err(),
            FormatError::Damaged(m) if m.contains("SegmenterTriples has the wrong size")
        ));
        // A section without the header that says the sections are there.
        let at = HEADER_BYTES + Section::SegmenterHeader as usize * 16 + 8;
        let mut headless = good;
        headless[at..at + 8].copy_from_slice(&0u64.to_ne_bytes());
        assert!(matches!(
            AliasTable::from_bytes(&headless).unwrap_err(),
            FormatError::Damaged(m) if m.contains("without SegmenterHeader")
        ));
    }

    #[test]
    fn sealed_damage_to_the_sections_is_found_by_the_structure_check() {
        let good = compiled_with_made_up(TABLE);
        let verified = |bytes: &[u8]| AliasTable::from_bytes(bytes).and_then(|t| t.verify());
        // A piece that ends inside a character.
        let ends = section(&good, Section::SegmenterPieceEnds);
        let mut bad = good.clone();
        bad[ends.start..ends.start + 4].copy_from_slice(&2u32.to_ne_bytes());
        reseal(&mut bad);
        assert!(matches!(
            verified(&bad).unwrap_err(),
            FormatError::Damaged(m) if m.contains("SegmenterPieceEnds")
        ));
        // An edge to a word past the dictionary.
        let edges = section(&good, Section::SegmenterEdges);
        let mut bad = good.clone();
        let slot = bad[edges.clone()]
            .chunks_exact(4 * EDGE_WORDS)
            .position(|slot| slot[4..8] != NONE.to_ne_bytes())
            .unwrap();
        let at = edges.start + slot * 4 * EDGE_WORDS + 8;
        bad[at..at + 4].copy_from_slice(&99u32.to_ne_bytes());
        reseal(&mut bad);
        assert!(matches!(
            verified(&bad).unwrap_err(),
            FormatError::Damaged(m) if m.contains("SegmenterEdges")
        ));
        // A jieba word past the dictionary.
        let jieba = section(&good, Section::SegmenterJieba);
        let mut bad = good.clone();
        bad[jieba.start..jieba.start + 4].copy_from_slice(&99u32.to_ne_bytes());
        reseal(&mut bad);
        assert!(matches!(
            verified(&bad).unwrap_err(),
            FormatError::Damaged(m) if m.contains("SegmenterJieba")
        ));
        // First pairs, or first three characters, that turn the added
        // words away.
        for (filter, message) in [
            (Section::SegmenterPairs, "SegmenterPairs turns"),
            (Section::SegmenterTriples, "SegmenterTriples turns"),
        ] {
            let bits = section(&good, filter);
            let mut bad = good.clone();
            bad[bits].fill(0);
            reseal(&mut bad);
            assert!(matches!(
                verified(&bad).unwrap_err(),
                FormatError::Damaged(m) if m.contains(message)
            ));
        }
        // Piece offsets that go down.
        let pieces = section(&good, Section::SegmenterPieces);
        let mut bad = good;
        bad[pieces.start..pieces.start + 4].copy_from_slice(&1u32.to_ne_bytes());
        reseal(&mut bad);
        assert!(matches!(
            verified(&bad).unwrap_err(),
            FormatError::Damaged(m) if m.contains("SegmenterPieces")
        ));
    }
}
