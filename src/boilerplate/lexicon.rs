//! The stage's word lists, read from `data/boilerplate/` (compiled in): known
//! phrases per language and reason, stop words, and the words of date and
//! time-ago lines.

use rustc_hash::{FxHashMap, FxHashSet};

use super::Reason;
use super::lines::sample;
use super::phrases::PhraseSet;
use crate::script::is_han;

/// The phrase and date lists, read, normalized and keyed by the build
/// script (`src/boilerplate/phrase_data.rs`).
mod generated {
    include!(concat!(env!("OUT_DIR"), "/boilerplate_lists.rs"));
}

/// Phrase tables, one file per language: `data/boilerplate/LANG.toml`
/// (compiled by the build script; the tests read them again).
#[cfg(test)]
const PHRASE_FILES: [(&str, &str); 2] = [
    ("en.toml", include_str!("../../data/boilerplate/en.toml")),
    ("zh.toml", include_str!("../../data/boilerplate/zh.toml")),
];
#[cfg(test)]
const DATE_FILE: &str = include_str!("../../data/boilerplate/dates.toml");
const STOP_EN: &str = include_str!("../../data/boilerplate/stopwords/en.txt");
const STOP_ZH: &str = include_str!("../../data/boilerplate/stopwords/zh.txt");

/// A phrase found in a line: its reason and the longest line it counts in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhraseHit {
    /// What the phrase says the line is.
    pub reason: Reason,
    /// The phrase counts only in lines of at most this many words.
    pub max_units: f32,
}

/// The CJK Unified Ideographs block, where the Chinese stop list lives.
const CJK_START: u32 = 0x4E00;
const CJK_END: u32 = 0xA000;

/// The longest Han word a vocabulary matches, in characters.
const MAX_HAN_WORD: usize = 8;

/// Words whose sequences make up a line: Latin words lowercased, Han words
/// matched greedily (longest first) inside Han runs.
#[derive(Debug, Default)]
pub struct Vocabulary {
    words: FxHashSet<&'static str>,
    anchors: FxHashSet<&'static str>,
    longest_han: usize,
}

/// How a line is made of a vocabulary's words.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    /// Every word of the line is a number or a vocabulary word.
    pub complete: bool,
    /// Vocabulary words found.
    pub words: usize,
    /// Numbers found.
    pub numbers: usize,
    /// Anchor words found.
    pub anchors: usize,
}

impl Vocabulary {
    /// Adds a word, normalized and lowercased (as the build script's
    /// tables hold it).
    fn insert(&mut self, word: &'static str, anchor: bool) {
        if word.is_empty() {
            return;
        }
        let han = word.chars().filter(|&c| is_han(c)).count();
        self.longest_han = self.longest_han.max(han);
        if anchor {
            self.anchors.insert(word);
        }
        self.words.insert(word);
    }

    /// How `line` is made of this vocabulary's words (numbers allowed).
    /// The counts are of the whole line only when it is
    /// [complete](Coverage::complete): the first word that is not the
    /// vocabulary's ends the reading (most lines asked about are short
    /// lines of an article, with no widget or date word at all).
    pub fn coverage(&self, line: &str) -> Coverage {
        let mut coverage = Coverage {
            complete: true,
            ..Coverage::default()
        };
        let mut word = String::new();
        let mut rest = line;
        while let Some(c) = rest.chars().next() {
            let end = if c.is_ascii_digit() {
                coverage.numbers += 1;
                rest.find(|c: char| !c.is_ascii_digit())
            } else if is_han(c) {
                let end = rest.find(|c: char| !is_han(c)).unwrap_or(rest.len());
                self.cover_han(&rest[..end], &mut coverage);
                if !coverage.complete {
                    return coverage;
                }
                Some(end)
            } else if c.is_alphabetic() {
                // "a.m." and "p.m." are one word.
                let end = rest
                    .find(|c: char| !(c.is_alphabetic() && !is_han(c) || c == '.'))
                    .unwrap_or(rest.len());
                word.clear();
                word.extend(
                    rest[..end]
                        .trim_end_matches('.')
                        .chars()
                        .flat_map(char::to_lowercase),
                );
                self.count(&word, &mut coverage);
                if !coverage.complete {
                    return coverage;
                }
                Some(end)
            } else {
                Some(c.len_utf8())
            };
            rest = &rest[end.unwrap_or(rest.len())..];
        }
        coverage
    }

    /// Covers a run of Han characters greedily, longest word first, until
    /// a character no word covers (then the coverage is not complete).
    fn cover_han(&self, mut run: &str, coverage: &mut Coverage) {
        while !run.is_empty() {
            let mut ends = [0usize; MAX_HAN_WORD];
            let mut count = 0;
            for (i, c) in run.char_indices().take(self.longest_han.min(MAX_HAN_WORD)) {
                ends[count] = i + c.len_utf8();
                count += 1;
            }
            let found = ends[..count]
                .iter()
                .rev()
                .copied()
                .find(|&end| self.words.contains(&run[..end]));
            match found {
                Some(end) => {
                    self.count(&run[..end], coverage);
                    run = &run[end..];
                }
                None => {
                    coverage.complete = false;
                    return;
                }
            }
        }
    }

    fn count(&self, word: &str, coverage: &mut Coverage) {
        if self.words.contains(word) {
            coverage.words += 1;
            if self.anchors.contains(word) {
                coverage.anchors += 1;
            }
        } else {
            coverage.complete = false;
        }
    }
}

/// Everything the signals look words up in.
#[derive(Debug)]
pub struct Lexicon {
    starts: PhraseSet,
    starts_hits: Vec<PhraseHit>,
    contains: PhraseSet,
    contains_hits: Vec<PhraseHit>,
    whole: FxHashMap<&'static str, PhraseHit>,
    opens: FxHashMap<&'static str, Reason>,
    /// Single words of the widget tables, for rows of buttons.
    pub widget_words: Vocabulary,
    /// Words of date-only and time-ago lines.
    pub date_words: Vocabulary,
    /// Packed (see [`Lexicon::pack`]).
    stop_en: PackedWords,
    /// The shapes of the English stop words made of ASCII letters and
    /// digits: for each length (1 to 16) and class of first character
    /// (see [`shape_class`]), one bit per class of last character. Most
    /// words that are not stop words have a shape no stop word has, and are
    /// turned away before they are packed and hashed.
    stop_en_shapes: Vec<u64>,
    /// One bit per character of the CJK Unified Ideographs block
    /// (U+4E00 to U+9FFF), where every Chinese stop character is.
    stop_zh: Vec<u64>,
}

/// Phrases are compared with analyzed text: normalized, simplified.
/// A letter or digit of a script that separates words with spaces (Han
/// characters are words of their own: 来源 starts 来源新华社).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_han(c)
}

impl Lexicon {
    /// The built-in lists of `data/boilerplate/`.
    ///
    /// The build script has read and normalized the phrase and date files
    /// (a file that does not parse fails the build); here only the stop
    /// lists are read and the sets filled. An unknown reason is a bug of
    /// the build, not an input error: it panics with the reason's name
    /// (this module's tests load the lists).
    pub fn builtin() -> Lexicon {
        let hits: Vec<PhraseHit> = generated::TABLES
            .iter()
            .map(|&(name, max_units)| PhraseHit {
                reason: Reason::from_name(name)
                    .unwrap_or_else(|| panic!("data/boilerplate: unknown reason {name:?}")),
                max_units,
            })
            .collect();
        let (starts, starts_hits): (Vec<&str>, Vec<PhraseHit>) = generated::STARTS
            .iter()
            .map(|&(phrase, table)| (phrase, hits[table]))
            .unzip();
        let (contains, contains_hits): (Vec<&str>, Vec<PhraseHit>) = generated::CONTAINS
            .iter()
            .map(|&(phrase, table)| (phrase, hits[table]))
            .unzip();
        let mut whole = FxHashMap::default();
        for &(key, table) in generated::WHOLE {
            whole.entry(key).or_insert(hits[table]);
        }
        let mut opens = FxHashMap::default();
        for &(key, table) in generated::OPENS {
            opens.entry(key).or_insert(hits[table].reason);
        }
        let mut widget_words = Vocabulary::default();
        for word in generated::WIDGET_WORDS {
            widget_words.insert(word, false);
        }
        let mut date_words = Vocabulary::default();
        for &(word, anchor) in generated::DATE_WORDS {
            date_words.insert(word, anchor);
        }
        let entries = |text: &'static str| {
            text.lines()
                .filter(|l| !l.starts_with('#'))
                .flat_map(str::split_whitespace)
        };
        let stop_en = PackedWords::new(
            entries(STOP_EN).filter_map(|w| Lexicon::pack(&w.to_ascii_lowercase())),
        );
        let mut stop_en_shapes = vec![0u64; (MAX_SHAPE_LEN + 1) * SHAPE_CLASSES];
        for word in entries(STOP_EN) {
            let bytes = word.as_bytes();
            if let (Some(first), Some(last)) = (bytes.first(), bytes.last())
                && let (Some(first), Some(last)) = (shape_class(*first), shape_class(*last))
                && bytes.len() <= MAX_SHAPE_LEN
                && bytes.iter().all(u8::is_ascii_alphanumeric)
            {
                stop_en_shapes[bytes.len() * SHAPE_CLASSES + first] |= 1 << last;
            }
        }
        let mut stop_zh = vec![0u64; (CJK_END - CJK_START).div_ceil(64) as usize];
        for word in entries(STOP_ZH).filter(|w| w.chars().count() == 1) {
            let c = word.chars().next().expect("one character") as u32;
            assert!(
                (CJK_START..CJK_END).contains(&c),
                "data/boilerplate/stopwords/zh.txt: {word} is outside U+4E00..U+9FFF"
            );
            let bit = c - CJK_START;
            stop_zh[(bit / 64) as usize] |= 1 << (bit % 64);
        }
        Lexicon {
            starts: PhraseSet::new(&starts),
            starts_hits,
            contains: PhraseSet::new(&contains),
            contains_hits,
            whole,
            opens,
            widget_words,
            date_words,
            stop_en,
            stop_en_shapes,
            stop_zh,
        }
    }

    /// A phrase the line (bullets and spaces stripped) begins with.
    pub fn starts_with(&self, line: &str) -> Option<PhraseHit> {
        let sample = sample(line);
        let found = self.starts.find_anchored(sample)?;
        // Phrases are whole words: "By" (from "By ", trimmed by
        // normalization) starts "By Jane Doe", not "ByteDance".
        let (before, after) = (&sample[..found.end], &sample[found.end..]);
        let inside_word = before.chars().next_back().is_some_and(is_word_char)
            && after.chars().next().is_some_and(is_word_char);
        (!inside_word).then(|| self.starts_hits[found.id])
    }

    /// The first phrase found inside the line's sample.
    pub fn contains(&self, line: &str) -> Option<PhraseHit> {
        self.contains
            .find(sample(line))
            .map(|m| self.contains_hits[m.id])
    }

    /// The phrase the whole line is, compared by [`super::lines::line_key`].
    pub fn whole(&self, key: &str) -> Option<PhraseHit> {
        self.whole.get(key).copied()
    }

    /// The section of furniture a heading line opens ("Related articles").
    pub fn opens(&self, key: &str) -> Option<Reason> {
        self.opens.get(key).copied()
    }

    /// A lowercase ASCII word of 1 to 16 bytes packed into an integer, one
    /// byte after the other (so that stop words are looked up without
    /// building a string).
    pub fn pack(word: &str) -> Option<u128> {
        (word.is_ascii() && (1..=16).contains(&word.len())).then(|| {
            word.bytes()
                .fold(0, |packed, b| packed << 8 | u128::from(b))
        })
    }

    /// Whether a packed lowercase word is an English stop word.
    pub fn is_english_stop_key(&self, packed: u128) -> bool {
        self.stop_en.contains(packed)
    }

    /// Whether a word of `len` ASCII letters and digits (any case) that
    /// starts with `first` and ends with `last` may be an English stop
    /// word: false only if no stop word has that shape (a cheap test before
    /// [`Lexicon::is_english_stop_key`]).
    #[inline]
    pub fn may_be_english_stop_word(&self, first: u8, last: u8, len: usize) -> bool {
        let (first, last) = (
            SHAPE_CLASS[usize::from(first)],
            SHAPE_CLASS[usize::from(last)],
        );
        // Classes are below 64, u8::MAX (no class) is not.
        (first | last) < 64
            && len <= MAX_SHAPE_LEN
            && self.stop_en_shapes[len * SHAPE_CLASSES + usize::from(first)] >> last & 1 != 0
    }

    /// Whether a lowercase ASCII word is an English stop word.
    pub fn is_english_stop_word(&self, lowercase_word: &str) -> bool {
        Lexicon::pack(lowercase_word).is_some_and(|p| self.is_english_stop_key(p))
    }

    /// Whether a Han character is a Chinese function character (的, 了, 是 ...).
    pub fn is_chinese_stop_char(&self, c: char) -> bool {
        let Some(bit) = (c as u32)
            .checked_sub(CJK_START)
            .filter(|&b| b < CJK_END - CJK_START)
        else {
            return false;
        };
        self.stop_zh[(bit / 64) as usize] & (1 << (bit % 64)) != 0
    }
}

/// Words packed by [`Lexicon::pack`] (never 0), in an open-addressing
/// table at most a quarter full: a lookup costs a multiplication and
/// mostly one comparison, less than a general hash set's, for each of the
/// tens of thousands of words the stop list is asked about (on the
/// benchmark corpus, 2.9M instructions down to 2.4M, packing included).
#[derive(Debug)]
struct PackedWords {
    /// A power of two of slots; 0 is an empty slot.
    slots: Vec<u128>,
    /// 64 minus the number of bits of a slot index.
    shift: u32,
}

impl PackedWords {
    fn new(words: impl Iterator<Item = u128>) -> PackedWords {
        let words: Vec<u128> = words.collect();
        let len = (4 * words.len()).next_power_of_two().max(2);
        let mut set = PackedWords {
            slots: vec![0; len],
            shift: 64 - len.trailing_zeros(),
        };
        for word in words {
            assert_ne!(word, 0, "a packed word is never 0");
            let mut slot = set.slot(word);
            while set.slots[slot] != 0 && set.slots[slot] != word {
                slot = (slot + 1) & (len - 1);
            }
            set.slots[slot] = word;
        }
        set
    }

    /// The first slot `word` is looked for in.
    #[inline]
    fn slot(&self, word: u128) -> usize {
        let folded = (word as u64) ^ ((word >> 64) as u64).rotate_left(29);
        (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    #[inline]
    fn contains(&self, word: u128) -> bool {
        let mut slot = self.slot(word);
        loop {
            match self.slots[slot] {
                0 => return false,
                found if found == word => return true,
                _ => slot = (slot + 1) & (self.slots.len() - 1),
            }
        }
    }
}

/// The longest word [`Lexicon::may_be_english_stop_word`] knows the shapes
/// of (as [`Lexicon::pack`]).
const MAX_SHAPE_LEN: usize = 16;

/// Classes of characters in the shapes of stop words: 26 letters and 10 digits.
const SHAPE_CLASSES: usize = 36;

/// The class of an ASCII letter (either case) or digit in the shapes of
/// stop words.
#[inline]
fn shape_class(b: u8) -> Option<usize> {
    let class = SHAPE_CLASS[usize::from(b)];
    (usize::from(class) < SHAPE_CLASSES).then_some(usize::from(class))
}

/// [`shape_class`] of each byte, [`u8::MAX`] for none.
static SHAPE_CLASS: [u8; 256] = {
    let mut table = [u8::MAX; 256];
    let mut b = 0;
    while b < 26 {
        table[b'a' as usize + b] = b as u8;
        table[b'A' as usize + b] = b as u8;
        b += 1;
    }
    while b < 36 {
        table[b'0' as usize + b - 26] = b as u8;
        b += 1;
    }
    table
};

#[cfg(test)]
pub(super) mod tests {
    use proptest::prelude::*;

    use super::super::lines::line_key;
    use super::super::phrase_data::PhraseData;
    use super::*;
    use crate::normalize::normalize;

    /// The lists of `data/boilerplate/` as the build script compiled them.
    pub(in super::super) fn compiled_lists() -> PhraseData {
        let owned = |list: &[(&str, usize)]| -> Vec<(String, usize)> {
            list.iter().map(|&(p, t)| (p.to_string(), t)).collect()
        };
        PhraseData {
            tables: generated::TABLES
                .iter()
                .map(|&(name, max_units)| (name.to_string(), max_units))
                .collect(),
            starts: owned(generated::STARTS),
            contains: owned(generated::CONTAINS),
            whole: owned(generated::WHOLE),
            opens: owned(generated::OPENS),
            widget_words: generated::WIDGET_WORDS
                .iter()
                .map(|w| w.to_string())
                .collect(),
            date_words: generated::DATE_WORDS
                .iter()
                .map(|&(w, anchor)| (w.to_string(), anchor))
                .collect(),
        }
    }

    #[test]
    fn the_compiled_lists_are_what_the_files_say() {
        let read = PhraseData::read(&PHRASE_FILES, DATE_FILE);
        assert!(read.starts.len() > 50 && read.date_words.len() > 20);
        assert_eq!(compiled_lists(), read);
        assert_eq!(
            read.to_rust(),
            include_str!(concat!(env!("OUT_DIR"), "/boilerplate_lists.rs"))
        );
        // A file that does not parse is a panic with its name.
        let broken = std::panic::catch_unwind(|| PhraseData::read(&[("xx.toml", "[a")], ""));
        assert!(broken.is_err());
    }

    #[test]
    fn every_stop_word_has_a_known_shape_and_few_other_words_do() {
        let lexicon = Lexicon::builtin();
        let shape = |w: &str| {
            let b = w.as_bytes();
            lexicon.may_be_english_stop_word(b[0], b[b.len() - 1], b.len())
        };
        let words: Vec<&str> = STOP_EN
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::split_whitespace)
            .collect();
        assert!(words.len() > 100);
        for word in words {
            for form in [
                word.to_string(),
                word.to_ascii_uppercase(),
                word[..1].to_ascii_uppercase() + &word[1..],
            ] {
                assert!(shape(&form), "{form}");
                assert!(lexicon.is_english_stop_word(&form.to_ascii_lowercase()));
            }
        }
        for word in [
            "model",
            "Beijing",
            "2024",
            "chips",
            "x",
            "government",
            "laboratories",
        ] {
            assert!(!shape(word), "{word}");
        }
    }

    fn lexicon() -> Lexicon {
        Lexicon::builtin()
    }

    /// The stop list's table answers as a hash set of the same words does.
    fn check_packed_words(words: &[u128], asked: &[u128]) -> Result<(), TestCaseError> {
        let table = PackedWords::new(words.iter().copied());
        let reference: FxHashSet<u128> = words.iter().copied().collect();
        for &word in words.iter().chain(asked) {
            prop_assert_eq!(
                table.contains(word),
                reference.contains(&word),
                "{:#x}",
                word
            );
        }
        Ok(())
    }

    #[test]
    fn the_stop_list_table_holds_its_words_and_no_other() {
        let words: Vec<u128> = STOP_EN
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::split_whitespace)
            .filter_map(|w| Lexicon::pack(&w.to_ascii_lowercase()))
            .collect();
        // Every stop word, every word one letter away from one, every
        // prefix of one.
        let mut asked = Vec::new();
        for &word in &words {
            for byte in 0..16 {
                for letter in b'a'..=b'z' {
                    let shifted = 8 * byte;
                    asked.push(word & !(0xFF << shifted) | u128::from(letter) << shifted);
                }
                asked.push(word >> (8 * byte));
            }
        }
        check_packed_words(&words, &asked).unwrap();
        check_packed_words(&[], &asked).unwrap();
    }

    proptest::proptest! {
        #[test]
        fn packed_word_tables_agree_with_a_hash_set(
            words in proptest::collection::vec("[a-e0-2]{1,16}", 0..200),
            asked in proptest::collection::vec("[a-e0-2]{1,16}", 0..50),
        ) {
            let pack = |w: &String| Lexicon::pack(w).unwrap();
            let words: Vec<u128> = words.iter().map(pack).collect();
            let asked: Vec<u128> = asked.iter().map(pack).collect();
            check_packed_words(&words, &asked)?;
        }
    }

    #[test]
    fn builtin_lists_load_and_every_reason_is_known() {
        let lexicon = lexicon();
        assert!(lexicon.starts_hits.len() > 50);
        assert!(lexicon.whole.len() > 100);
        assert!(lexicon.is_english_stop_word("the"));
        assert!(!lexicon.is_english_stop_word("model"));
        assert!(lexicon.is_chinese_stop_char('的'));
        assert!(!lexicon.is_chinese_stop_char('模'));
    }

    #[test]
    fn starts_are_anchored_and_ignore_case() {
        let lexicon = lexicon();
        let hit = lexicon.starts_with("DISCLAIMER: contains third-party opinions");
        assert_eq!(hit.map(|h| h.reason), Some(Reason::Disclaimer));
        assert_eq!(
            lexicon.starts_with("责任编辑:张三").map(|h| h.reason),
            Some(Reason::Byline)
        );
        // Full-width colon in the text: phrases are normalized like it.
        assert_eq!(
            lexicon
                .starts_with(normalize("来源：新华社").text())
                .map(|h| h.reason),
            Some(Reason::Byline)
        );
        assert_eq!(lexicon.starts_with("The disclaimer was long"), None);
        // Whole words only: "By " is a byline, "ByteDance" is not.
        assert!(lexicon.starts_with("By Jane Doe").is_some());
        assert_eq!(lexicon.starts_with("ByteDance released a model"), None);
        assert_eq!(lexicon.starts_with("Shareholders met"), None);
    }

    #[test]
    fn contains_finds_phrases_anywhere_in_the_sample() {
        let lexicon = lexicon();
        let hit = lexicon.contains("© 2024 Daily Ledger. All Rights Reserved.");
        assert_eq!(hit.map(|h| h.reason), Some(Reason::Copyright));
        assert_eq!(
            lexicon
                .contains("本文仅供参考,不构成投资建议")
                .map(|h| h.reason),
            Some(Reason::Disclaimer)
        );
        assert_eq!(
            lexicon.contains("The court reserved its judgment on all rights."),
            None
        );
    }

    #[test]
    fn whole_lines_and_section_openers_compare_by_key() {
        let lexicon = lexicon();
        for line in [
            "• Share",
            "Add a comment",
            "分享到:",
            "点赞",
            "View Original",
        ] {
            assert!(lexicon.whole(&line_key(line)).is_some(), "{line}");
        }
        assert_eq!(lexicon.whole(&line_key("Share prices rose")), None);
        assert_eq!(lexicon.opens("related articles"), Some(Reason::Related));
        assert_eq!(lexicon.opens("相关阅读"), Some(Reason::Related));
        assert_eq!(lexicon.opens("related parties agreed"), None);
    }

    #[test]
    fn date_lines_are_covered_by_date_words_and_numbers() {
        let dates = &lexicon().date_words;
        for line in [
            "9 days ago",
            "3小时前",
            "2024-05-01",
            "2024年5月1日 10:32",
            "Updated 10:32 a.m. GMT",
            "May 1, 2024",
            "Yesterday",
            "刚刚",
        ] {
            let coverage = dates.coverage(line);
            assert!(coverage.complete, "{line}: {coverage:?}");
            assert!(coverage.numbers + coverage.anchors > 0, "{line}");
        }
        for line in [
            "May the best model win",
            "9 days of talks ended",
            "3小时前发布的模型",
            "The day after",
        ] {
            assert!(!dates.coverage(line).complete, "{line}");
        }
    }

    /// [`Vocabulary::coverage`] as it was before it stopped at the first
    /// word not in the vocabulary: every word of the line read and counted.
    fn coverage_of_every_word(vocabulary: &Vocabulary, line: &str) -> Coverage {
        let mut coverage = Coverage {
            complete: true,
            ..Coverage::default()
        };
        let mut rest = line;
        while let Some(c) = rest.chars().next() {
            let end = if c.is_ascii_digit() {
                coverage.numbers += 1;
                rest.find(|c: char| !c.is_ascii_digit())
            } else if is_han(c) {
                let end = rest.find(|c: char| !is_han(c)).unwrap_or(rest.len());
                let mut run = &rest[..end];
                while let Some(first) = run.chars().next() {
                    let found = run
                        .char_indices()
                        .take(vocabulary.longest_han.min(MAX_HAN_WORD))
                        .map(|(i, c)| i + c.len_utf8())
                        .filter(|&end| vocabulary.words.contains(&run[..end]))
                        .last();
                    match found {
                        Some(end) => {
                            vocabulary.count(&run[..end], &mut coverage);
                            run = &run[end..];
                        }
                        None => {
                            coverage.complete = false;
                            run = &run[first.len_utf8()..];
                        }
                    }
                }
                Some(end)
            } else if c.is_alphabetic() {
                let end = rest
                    .find(|c: char| !(c.is_alphabetic() && !is_han(c) || c == '.'))
                    .unwrap_or(rest.len());
                let word: String = rest[..end]
                    .trim_end_matches('.')
                    .chars()
                    .flat_map(char::to_lowercase)
                    .collect();
                vocabulary.count(&word, &mut coverage);
                Some(end)
            } else {
                Some(c.len_utf8())
            };
            rest = &rest[end.unwrap_or(rest.len())..];
        }
        coverage
    }

    proptest::proptest! {
        /// Stopping at the first word outside the vocabulary changes no
        /// answer: whether a line is covered, and its counts when it is.
        #[test]
        fn coverage_stops_early_with_the_answer_of_every_word(
            pieces in proptest::collection::vec(
                "(刚刚|小时|前|分钟|昨天|分享|点赞|收藏|评论|发布|模型|[前天日月年分享]|[0-9]{1,4}|days|ago|share|like|model|a\\.m\\.|[ :,.-]|，)",
                0..12,
            ),
        ) {
            let line = pieces.concat();
            for vocabulary in [&lexicon().date_words, &lexicon().widget_words] {
                let fast = vocabulary.coverage(&line);
                let every = coverage_of_every_word(vocabulary, &line);
                proptest::prop_assert_eq!(fast.complete, every.complete, "{}", line);
                if every.complete {
                    proptest::prop_assert_eq!(fast, every, "{}", line);
                }
            }
        }
    }

    #[test]
    fn button_rows_are_covered_by_widget_words() {
        let widgets = &lexicon().widget_words;
        for line in [
            "Reward Comment Repost Share",
            "点赞 收藏 分享",
            "Like 12 Reply",
        ] {
            assert!(widgets.coverage(line).complete, "{line}");
        }
        for line in ["Share the load", "分享经验", "Like many others"] {
            assert!(!widgets.coverage(line).complete, "{line}");
        }
    }
}
