//! What the detector knows about languages besides their scripts, read from
//! `data/langid/lexicon.toml` (compiled into the binary): function words and
//! letters of the Latin-script languages, letters foreign to a script's usual
//! language, and Chinese grammar characters.
//!
//! The function words are canon's fast detector for Latin text: a sentence of
//! a dozen words nearly always holds a few of its language's function words,
//! and looking words up costs far less than scoring character n-grams.

use std::ops::Range;
use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;

use crate::script::BmpSet;
use canon_text::ascii;

/// The most Latin-script languages the lexicon can hold (one bit each).
const MAX_LANGUAGES: usize = 32;

/// Affixes count only on words of at least this many bytes: shorter ones
/// are too often stems of other languages.
const AFFIXED_WORD_BYTES: usize = 6;

/// A letter counts for this much of a word.
const LETTER_WEIGHT: f32 = 1.0;

/// The lexicon, parsed once.
#[derive(Debug)]
pub(crate) struct Lexicon {
    /// The Latin-script languages, in the file's order; bit `i` of a mask
    /// stands for `latin[i]`.
    latin: Vec<&'static str>,
    /// Lowercased function word (its UTF-8 bytes as a [`word_key`]) → the
    /// languages that use it.
    words: FxHashMap<u128, u32>,
    /// Lowercased letter → the languages that write it.
    letters: FxHashMap<char, u32>,
    /// Word beginnings and endings typical of one language (Indonesian
    /// meng-, -kan), with the languages they count for.
    prefixes: Vec<(Box<str>, u32)>,
    suffixes: Vec<(Box<str>, u32)>,
    /// The languages whose sentences seldom go without one of their
    /// accented letters.
    rarely_unaccented: u32,
    /// Per shared script, its usual language and what takes a text out of it.
    pub cyrillic: ScriptUsage,
    pub arabic: ScriptUsage,
    pub devanagari: ScriptUsage,
    han_grammar: BmpSet,
    japanese_kanji: BmpSet,
    /// Bit of English in the masks of `words`.
    english: u32,
    short_text: ShortText,
    /// The [`word_key`]s of the English words of at least
    /// `short_text.english_word_zipf`, made when a short text first asks.
    frequent_english: OnceLock<FxHashSet<u128>>,
}

/// The usual language of a script shared by several languages, and the
/// letters and words that say a text is in one of the others.
#[derive(Debug)]
pub(crate) struct ScriptUsage {
    pub usual: &'static str,
    foreign_letters: Vec<char>,
    foreign_words: Vec<Box<str>>,
}

impl ScriptUsage {
    /// Whether `text` holds a letter or word the usual language does not use.
    pub(crate) fn is_foreign(&self, text: &str) -> bool {
        text.chars().any(|c| self.foreign_letters.contains(&c))
            || (!self.foreign_words.is_empty()
                && text
                    .split(|c: char| !c.is_alphanumeric() && !is_mark(c))
                    .any(|w| self.foreign_words.iter().any(|f| **f == *w)))
    }
}

/// Combining marks of the Indic scripts (vowel signs, viramas), which
/// `char::is_alphanumeric` does not always count as part of a word.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{900}'..='\u{903}' | '\u{93A}'..='\u{94F}' | '\u{951}'..='\u{957}' | '\u{962}'..='\u{963}')
}

/// Scores of the Latin-script languages for one text.
#[derive(Debug, Clone)]
pub(crate) struct LatinScores {
    scores: [f32; MAX_LANGUAGES],
    languages: usize,
    /// Words read.
    pub words: usize,
}

impl LatinScores {
    /// Adds `weight`, shared between the languages of `mask`.
    #[inline]
    fn add(&mut self, mask: u32, weight: f32) {
        let share = weight / mask.count_ones() as f32;
        let mut bits = mask;
        while bits != 0 {
            self.scores[bits.trailing_zeros() as usize] += share;
            bits &= bits - 1;
        }
    }

    /// Whether one language leads so far that more words cannot change the
    /// decision: 8 points, three times the runner-up's.
    fn is_beyond_doubt(&self) -> bool {
        let (_, score, second) = self.best();
        score >= 8.0 && score >= 3.0 * second
    }

    /// The score of language `code` (0 when the lexicon does not know it).
    pub(crate) fn of(&self, code: &str) -> f32 {
        lexicon()
            .latin
            .iter()
            .position(|&l| l == code)
            .map_or(0.0, |i| self.scores[i])
    }

    /// The best score of a language whichlang does not know.
    pub(crate) fn best_unknown_to_whichlang(&self) -> f32 {
        lexicon().latin[..self.languages]
            .iter()
            .zip(&self.scores)
            .filter(|(code, _)| !super::codes::whichlang_knows(code))
            .map(|(_, &score)| score)
            .fold(0.0, f32::max)
    }

    /// The best language with its score, and the runner-up's score.
    pub(crate) fn best(&self) -> (&'static str, f32, f32) {
        let latin = &lexicon().latin;
        let mut best = 0;
        let mut second = 0.0f32;
        for i in 1..self.languages {
            if self.scores[i] > self.scores[best] {
                second = self.scores[best];
                best = i;
            } else {
                second = second.max(self.scores[i]);
            }
        }
        (latin[best], self.scores[best], second)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    latin: toml::Table,
    short_text: ShortText,
    scripts: Scripts,
    han: Han,
}

/// When a short text counts as English by its vocabulary.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShortText {
    /// The least Zipf frequency (wordfreq, `data/freq/en.tsv`) of an
    /// English word.
    english_word_zipf: f64,
    /// The least share of a text's words that are English words.
    english_share: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scripts {
    cyrillic: ScriptEntry,
    arabic: ScriptEntry,
    devanagari: ScriptEntry,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScriptEntry {
    usual: String,
    #[serde(default)]
    foreign: String,
    #[serde(default)]
    foreign_words: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LatinEntry {
    words: String,
    letters: String,
    /// `meng-` is a prefix, `-kan` a suffix.
    #[serde(default)]
    affixes: String,
    #[serde(default)]
    rarely_unaccented: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Han {
    grammar: String,
    japanese: String,
}

/// The built-in lexicon.
pub(crate) fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        Lexicon::parse(include_str!("../../data/langid/lexicon.toml"))
            .unwrap_or_else(|problem| panic!("data/langid/lexicon.toml: {problem}"))
    })
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

impl Lexicon {
    /// Parses the lexicon file; the error says what is wrong with it.
    fn parse(text: &str) -> Result<Lexicon, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        if file.latin.len() > MAX_LANGUAGES {
            return Err(format!("more than {MAX_LANGUAGES} Latin-script languages"));
        }
        let mut latin = Vec::new();
        let mut words: FxHashMap<u128, u32> = FxHashMap::default();
        let mut letters: FxHashMap<char, u32> = FxHashMap::default();
        let mut prefixes: Vec<(Box<str>, u32)> = Vec::new();
        let mut suffixes: Vec<(Box<str>, u32)> = Vec::new();
        let mut rarely_unaccented = 0;
        for (index, (code, entry)) in file.latin.into_iter().enumerate() {
            let entry: LatinEntry = entry
                .try_into()
                .map_err(|e: toml::de::Error| format!("latin.{code}: {e}"))?;
            let bit = 1u32 << index;
            if entry.rarely_unaccented {
                rarely_unaccented |= bit;
            }
            for word in entry.words.split_whitespace() {
                if word.chars().any(|c| c.is_uppercase()) {
                    return Err(format!("latin.{code}: {word:?} is not lowercase"));
                }
                if word.len() > MAX_WORD_BYTES {
                    return Err(format!(
                        "latin.{code}: {word:?} is longer than {MAX_WORD_BYTES} bytes"
                    ));
                }
                *words.entry(word_key(word.as_bytes())).or_default() |= bit;
            }
            for letter in entry.letters.chars().filter(|c| !c.is_whitespace()) {
                *letters.entry(letter).or_default() |= bit;
            }
            for affix in entry.affixes.split_whitespace() {
                let (list, bare) = match (affix.strip_prefix('-'), affix.strip_suffix('-')) {
                    (Some(suffix), None) => (&mut suffixes, suffix),
                    (None, Some(prefix)) => (&mut prefixes, prefix),
                    _ => {
                        return Err(format!(
                            "latin.{code}: affix {affix:?} is neither x- nor -x"
                        ));
                    }
                };
                match list.iter_mut().find(|(a, _)| **a == *bare) {
                    Some((_, mask)) => *mask |= bit,
                    None => list.push((bare.into(), bit)),
                }
            }
            latin.push(leak(code));
        }
        let usage = |entry: ScriptEntry| ScriptUsage {
            usual: leak(entry.usual),
            foreign_letters: entry
                .foreign
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect(),
            foreign_words: entry
                .foreign_words
                .split_whitespace()
                .map(Into::into)
                .collect(),
        };
        let set = |chars: &str| {
            let mut set = BmpSet::default();
            for c in chars.chars().filter(|c| !c.is_whitespace()) {
                set.insert(c);
            }
            set
        };
        let english = latin
            .iter()
            .position(|&code| code == "en")
            .map(|i| 1u32 << i)
            .ok_or("no latin.en")?;
        let short_text = file.short_text;
        if !(0.0..=1.0).contains(&short_text.english_share) {
            return Err("short_text.english_share is not between 0 and 1".into());
        }
        Ok(Lexicon {
            english,
            short_text,
            frequent_english: OnceLock::new(),
            latin,
            words,
            letters,
            prefixes,
            suffixes,
            rarely_unaccented,
            cyrillic: usage(file.scripts.cyrillic),
            arabic: usage(file.scripts.arabic),
            devanagari: usage(file.scripts.devanagari),
            han_grammar: set(&file.han.grammar),
            japanese_kanji: set(&file.han.japanese),
        })
    }

    /// Whether `c` is a Chinese function character.
    #[inline]
    pub(crate) fn is_han_grammar(&self, c: char) -> bool {
        self.han_grammar.contains(c)
    }

    /// Whether a short text is English by its vocabulary: none of its words
    /// is a function word of other languages only (`y`, `en`, `aan`, even
    /// `door`: names and quotations give wordfreq's English `de` and `la`
    /// too), and of the words that count, at least two and at least
    /// `english_share` are English words, with a wordfreq Zipf frequency of
    /// `english_word_zipf` or more (`data/freq/en.tsv`). Names do not count:
    /// in a text mostly in lower case, a capitalised word after the first
    /// and a word in capitals are left out (Messi, Miami and Roma are
    /// frequent English tokens), as are the function words English shares
    /// with others (`in`, `a`). Headlines carry few function words, and
    /// character n-grams read "Markets signal Brazilian recovery" as Dutch;
    /// its words are plainly English. For texts without accented letters,
    /// which the caller checks.
    pub(crate) fn is_english_vocabulary(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        let capitals = Capitals::of(bytes);
        let frequent = self.frequent_english.get_or_init(|| {
            canon_table::ambiguity::english_words()
                .filter(|&(word, zipf)| {
                    zipf >= self.short_text.english_word_zipf && word.len() <= 16
                })
                .map(|(word, _)| word_key(word.as_bytes()))
                .collect()
        });
        let (mut words, mut english) = (0usize, 0usize);
        let mut first = true;
        let mut at = 0;
        while at < bytes.len() {
            if !bytes[at].is_ascii_alphabetic() {
                at += 1;
                continue;
            }
            let start = at;
            while at < bytes.len() && bytes[at].is_ascii_alphabetic() {
                at += 1;
            }
            let word = start..at;
            let is_first = std::mem::replace(&mut first, false);
            // Letters glued to digits are a code (2D, 3G, MP3), not a word.
            let digit =
                |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(u8::is_ascii_digit);
            if digit(start.checked_sub(1)) || digit(Some(at)) {
                while at < bytes.len() && bytes[at].is_ascii_alphanumeric() {
                    at += 1;
                }
                continue;
            }
            // A hyphenated compound (e-mail, wi-fi, start-up, check-in) is
            // left out whole: its pieces are no function words (the e of
            // e-mail is no Portuguese `e`), and as a word it says little,
            // for other languages borrow such compounds from English
            // (Start-ups brasileiras, Virus usa e-mail falso).
            if bytes.get(at) == Some(&b'-')
                && bytes.get(at + 1).is_some_and(u8::is_ascii_alphabetic)
            {
                while bytes.get(at) == Some(&b'-')
                    && bytes.get(at + 1).is_some_and(u8::is_ascii_alphabetic)
                {
                    at += 1;
                    while at < bytes.len() && bytes[at].is_ascii_alphabetic() {
                        at += 1;
                    }
                }
                continue;
            }
            if word.len() > 16 {
                words += 1;
                continue;
            }
            // A name or an acronym (AI is no Italian `ai`), an initial.
            let name = capitals.mostly_lower
                && (capitals.is_acronym(bytes, word.clone())
                    || (!is_first && bytes[start].is_ascii_uppercase()));
            if name {
                continue;
            }
            let key = lowercase_ascii_key(bytes, word.clone());
            match self.words.get(&key) {
                Some(&mask) if mask & self.english == 0 => return false,
                Some(&mask) if mask != self.english => continue,
                _ => {}
            }
            if word.len() < 2 {
                continue;
            }
            words += 1;
            english += usize::from(frequent.contains(&key));
        }
        english >= 2 && english as f64 >= self.short_text.english_share * words as f64
    }

    /// Whether sentences of the Latin-script language `code` seldom go
    /// without an accented letter.
    pub(crate) fn is_rarely_unaccented(&self, code: &str) -> bool {
        self.latin
            .iter()
            .position(|&l| l == code)
            .is_some_and(|i| self.rarely_unaccented & 1 << i != 0)
    }

    /// Whether `c` is a kanji form that only Japanese writes.
    #[inline]
    pub(crate) fn is_japanese_kanji(&self, c: char) -> bool {
        self.japanese_kanji.contains(c)
    }

    /// The Latin-script languages the lexicon knows.
    #[cfg(test)]
    fn latin_languages(&self) -> &[&'static str] {
        &self.latin
    }

    /// Scores the Latin-script languages on the words and letters of `text`.
    /// A word or letter that `k` languages share adds `1/k` (letters
    /// [`LETTER_WEIGHT`]`/k`) to each of them. Reading stops early once one
    /// language leads beyond doubt.
    pub(crate) fn score_latin(&self, text: &str) -> LatinScores {
        let mut scores = LatinScores {
            scores: [0.0; MAX_LANGUAGES],
            languages: self.latin.len(),
            words: 0,
        };
        let bytes = text.as_bytes();
        // Read only when a word in capitals asks.
        let mut capitals = None;
        let mut at = 0;
        while at < bytes.len() {
            // Words are runs of ASCII letters and non-ASCII characters, so
            // that English is split without decoding; a run with non-ASCII
            // characters is split again on the ones that are not letters.
            if !is_word_byte(bytes[at]) {
                at += 1;
                continue;
            }
            let start = at;
            let (end, ascii) = word_end(bytes, at);
            at = end;
            if ascii {
                if is_in_capitals(&bytes[start..at])
                    && capitals
                        .get_or_insert_with(|| Capitals::of(bytes))
                        .is_acronym(bytes, start..at)
                {
                    scores.words += 1;
                    continue;
                }
                self.score_ascii_word(bytes, start..at, &mut scores);
            } else {
                for word in text[start..at].split(|c: char| !c.is_alphabetic()) {
                    if !word.is_empty() {
                        self.score_word(word, &mut scores);
                    }
                }
            }
            if scores.words.is_multiple_of(8) && scores.is_beyond_doubt() {
                break;
            }
        }
        scores
    }

    /// Scores the word `bytes[word]`, ASCII letters only.
    fn score_ascii_word(&self, bytes: &[u8], word: Range<usize>, scores: &mut LatinScores) {
        scores.words += 1;
        if word.len() > MAX_WORD_BYTES {
            return;
        }
        self.score_key(lowercase_ascii_key(bytes, word.clone()), word.len(), scores);
    }

    /// A word with non-ASCII letters: its letters count too.
    fn score_word(&self, word: &str, scores: &mut LatinScores) {
        let mut lower = String::with_capacity(word.len());
        for c in word.chars() {
            let c = lower_char(c);
            lower.push(c);
            if !c.is_ascii()
                && let Some(&mask) = self.letters.get(&c)
            {
                scores.add(mask, LETTER_WEIGHT);
            }
        }
        scores.words += 1;
        if lower.len() <= MAX_WORD_BYTES {
            self.score_key(word_key(lower.as_bytes()), lower.len(), scores);
        }
    }

    /// Looks up a lowercased word of `len` bytes, at most
    /// [`MAX_WORD_BYTES`], given as its [`word_key`].
    #[inline]
    fn score_key(&self, key: u128, len: usize, scores: &mut LatinScores) {
        if let Some(&mask) = self.words.get(&key) {
            scores.add(mask, 1.0);
            return;
        }
        if len < AFFIXED_WORD_BYTES || (self.prefixes.is_empty() && self.suffixes.is_empty()) {
            return;
        }
        let bytes = key.to_le_bytes();
        let word = &bytes[..len];
        let equal = |a: &[u8], b: &[u8]| a.iter().zip(b).all(|(x, y)| x == y);
        for (prefix, mask) in &self.prefixes {
            if equal(prefix.as_bytes(), word) {
                scores.add(*mask, 1.0);
            }
        }
        for (suffix, mask) in &self.suffixes {
            let suffix = suffix.as_bytes();
            if equal(suffix, &word[word.len() - suffix.len()..]) {
                scores.add(*mask, 1.0);
            }
        }
    }
}

/// How a text writes capitals, which says whether a word in capitals is an
/// acronym. In running text and headlines AI, SA, IT and US are acronyms,
/// not the Italian `ai`, the French `sa` or the English `it` and `us`, and a
/// lone capital beside an ampersand or before a full stop (the J of J&J) is
/// an initial, not the French `j'`; in a text mostly in capitals every word
/// is written so and counts as itself.
#[derive(Debug, Clone, Copy)]
struct Capitals {
    /// More ASCII letters are lower case than upper case.
    mostly_lower: bool,
}

impl Capitals {
    fn of(bytes: &[u8]) -> Capitals {
        let (mut lower, mut upper) = (0usize, 0usize);
        for &b in bytes {
            lower += usize::from(b.is_ascii_lowercase());
            upper += usize::from(b.is_ascii_uppercase());
        }
        Capitals {
            mostly_lower: lower > upper,
        }
    }

    /// Whether the ASCII word `bytes[word]` is an acronym or an initial: all
    /// capitals in a text mostly in lower case, and for one letter, not
    /// elided before an apostrophe (`L'euro`).
    fn is_acronym(self, bytes: &[u8], word: Range<usize>) -> bool {
        if !self.mostly_lower || !is_in_capitals(&bytes[word.clone()]) {
            return false;
        }
        // One capital is an initial only beside an ampersand or before a
        // full stop (J&J, S&N, J. Smith): at the start of a sentence it is
        // a word (Portuguese O, Polish W, Czech V).
        word.len() >= 2
            || matches!(bytes.get(word.end), Some(b'&' | b'.'))
            || (word.start > 0 && bytes[word.start - 1] == b'&')
    }
}

/// Whether every byte of `word` (ASCII letters) is a capital.
#[inline]
fn is_in_capitals(word: &[u8]) -> bool {
    word.iter().all(u8::is_ascii_uppercase)
}

/// Function words are short: longer words are not looked up (their
/// letters still count).
const MAX_WORD_BYTES: usize = 12;

/// A word of at most 16 bytes as one number, its bytes little-endian and
/// zeros after them (words hold no zero bytes): hashed and compared in a
/// few instructions.
#[inline]
fn word_key(word: &[u8]) -> u128 {
    let mut bytes = [0u8; 16];
    bytes[..word.len()].copy_from_slice(word);
    u128::from_le_bytes(bytes)
}

/// The [`word_key`] of `bytes[word]` (1 to 16 ASCII letters) in lower
/// case: the sixteen bytes from the word's start read as one number (or
/// fewer, near the end of `bytes`), cut after the word, with bit 5 of
/// each byte set (a letter's case bit). One load instead of a shift and
/// an or per byte.
#[inline]
fn lowercase_ascii_key(bytes: &[u8], word: Range<usize>) -> u128 {
    const LOWERCASE: u128 = u128::from_le_bytes([0x20; 16]);
    let window = match bytes.get(word.start..word.start + 16) {
        Some(window) => u128::from_le_bytes(window.try_into().expect("16 bytes")),
        None => word_key(&bytes[word.clone()]),
    };
    (window | LOWERCASE) & (u128::MAX >> (8 * (16 - word.len())))
}

/// The end of the run of [`is_word_byte`] bytes from `at` on, and whether
/// they are all ASCII. Eight bytes at a time: a byte loop mispredicts the
/// end of nearly every word.
#[inline]
fn word_end(bytes: &[u8], mut at: usize) -> (usize, bool) {
    // The high bits of the bytes outside ASCII passed so far.
    let mut high = 0;
    while let Some(block) = ascii::block_at(bytes, at) {
        let others = !word_byte_lanes(block) & ascii::HIGH_BITS;
        if others != 0 {
            let lane = ascii::first_lane(others);
            high |= block & ascii::HIGH_BITS & ((1 << (8 * lane)) - 1);
            return (at + lane, high == 0);
        }
        high |= block & ascii::HIGH_BITS;
        at += 8;
    }
    let mut all_ascii = high == 0;
    while at < bytes.len() && is_word_byte(bytes[at]) {
        all_ascii &= bytes[at].is_ascii();
        at += 1;
    }
    (at, all_ascii)
}

/// The lanes of `block` (any eight bytes) holding an [`is_word_byte`], as
/// the high bit of each: every byte outside ASCII, and ASCII letters, told
/// by their low seven bits (the test for letters is exact on ASCII lanes
/// only; the lanes outside ASCII are set whatever it says).
#[inline]
fn word_byte_lanes(block: u64) -> u64 {
    (ascii::letters(block & !ascii::HIGH_BITS) | block) & ascii::HIGH_BITS
}

/// Whether `b` may be part of a word: an ASCII letter, or any byte of a
/// non-ASCII character.
#[inline]
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphabetic() || !b.is_ascii()
}

/// `c` in lower case, when that is one character (as for every letter the
/// lexicon lists); otherwise `c` itself.
fn lower_char(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word bytes' lanes for every byte in every lane, among fillers
    /// inside and outside ASCII.
    #[test]
    fn word_byte_lanes_are_is_word_byte_for_every_byte() {
        for b in 0..=u8::MAX {
            for filler in [b' ', b'a', b'Z', b'9', 0x7F, 0x80, 0xC3, 0xFF] {
                for lane in 0..8 {
                    let mut block = [filler; 8];
                    block[lane] = b;
                    let lanes = word_byte_lanes(u64::from_le_bytes(block));
                    for (k, &byte) in block.iter().enumerate() {
                        let set = lanes >> (8 * k + 7) & 1 == 1;
                        assert_eq!(set, is_word_byte(byte), "{block:?} at {k}");
                    }
                    assert_eq!(lanes & !ascii::HIGH_BITS, 0, "{block:?}");
                }
            }
        }
    }

    /// Keys read as one number are the keys packed byte by byte, for every
    /// length of word up to 16 at every place of a text near and far from
    /// its end, in both cases.
    #[test]
    fn lowercase_keys_are_the_bytes_lowercased_and_packed() {
        let text = b"AbCdEfGhIjKlMnOpQrStUvWxYzabcdefghijklmnopqrstuvwxyzQ";
        for start in 0..text.len() {
            for len in 1..=16.min(text.len() - start) {
                let word = &text[start..start + len];
                let lower: Vec<u8> = word.iter().map(u8::to_ascii_lowercase).collect();
                assert_eq!(
                    lowercase_ascii_key(text, start..start + len),
                    word_key(&lower),
                    "{start} {len}"
                );
            }
        }
    }

    /// [`word_end`] as a byte loop: the general path.
    fn word_end_by_bytes(bytes: &[u8], mut at: usize) -> (usize, bool) {
        let mut all_ascii = true;
        while at < bytes.len() && is_word_byte(bytes[at]) {
            all_ascii &= bytes[at].is_ascii();
            at += 1;
        }
        (at, all_ascii)
    }

    proptest::proptest! {
        /// Word ends and ASCII-ness found by blocks are the byte loop's,
        /// from every start, over words of every length around a block
        /// with bytes outside ASCII anywhere in them.
        #[test]
        fn word_ends_by_blocks_are_the_byte_loop_s(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    4 => proptest::prelude::Just(b'e'),
                    1 => proptest::prelude::Just(b' '),
                    1 => proptest::prelude::Just(b'.'),
                    1 => proptest::prelude::Just(b'7'),
                    1 => 0x80u8..=0xFF,
                    1 => proptest::prelude::any::<u8>(),
                ],
                0..40,
            ),
        ) {
            for at in 0..=bytes.len() {
                proptest::prop_assert_eq!(word_end(&bytes, at), word_end_by_bytes(&bytes, at), "from {}", at);
            }
        }
    }

    #[test]
    fn the_built_in_lexicon_parses() {
        let lexicon = lexicon();
        for code in [
            "en", "de", "fr", "es", "pt", "it", "nl", "pl", "tr", "id", "vi",
        ] {
            assert!(lexicon.latin_languages().contains(&code), "{code}");
        }
        assert!(lexicon.is_han_grammar('与') && lexicon.is_han_grammar('與'));
        assert!(!lexicon.is_han_grammar('微'));
        assert_eq!(lexicon.cyrillic.usual, "ru");
        assert!(lexicon.is_rarely_unaccented("fr") && !lexicon.is_rarely_unaccented("nl"));
    }

    #[test]
    fn function_words_score_their_languages() {
        let scores = lexicon().score_latin("The minister said that the plan was on track");
        let (best, score, second) = scores.best();
        assert_eq!(best, "en");
        assert!(score >= 4.0 && second < score / 2.0, "{score} {second}");
        let scores = lexicon().score_latin("Właśnie skończyłem swój pierwszy półmaraton");
        assert_eq!(scores.best().0, "pl");
    }

    #[test]
    fn affixes_count_on_long_words_only() {
        let scores = lexicon().score_latin("Harga telur pecahkan rekor");
        assert_eq!(scores.best().0, "id");
        assert_eq!(lexicon().score_latin("ikan").best().1, 0.0);
    }

    #[test]
    fn text_without_function_words_scores_nothing() {
        let scores = lexicon().score_latin("Ad sales boost Time Warner profit");
        assert_eq!(scores.best().1, 0.0);
        assert_eq!(scores.words, 6);
    }

    #[test]
    fn acronyms_and_initials_are_not_function_words() {
        // AI is not Italian, SA not French, J of J&J not the French j'.
        for text in ["Nvidia AI chips", "SA unveils budget", "J&J agrees deal"] {
            let scores = lexicon().score_latin(text);
            assert_eq!(scores.best().1, 0.0, "{text}");
        }
        // Elided before an apostrophe, first in a sentence, or in a text in
        // capitals, they are.
        assert_eq!(lexicon().score_latin("L'euro recule").best().0, "fr");
        assert_eq!(lexicon().score_latin("W Polsce rosnie").best().0, "pl");
        assert_eq!(lexicon().score_latin("LE PRIX DES OEUFS").best().0, "fr");
    }

    #[test]
    fn english_vocabulary_is_told_by_english_words_that_are_no_foreign_function_words() {
        let lexicon = lexicon();
        assert!(lexicon.is_english_vocabulary("Markets signal Brazilian recovery"));
        assert!(lexicon.is_english_vocabulary("Moonshot AI bets big on chips"));
        // wordfreq's English holds pour, le and de; they are French here.
        assert!(!lexicon.is_english_vocabulary("Alerte canicule pour le week-end"));
        assert!(!lexicon.is_english_vocabulary("Scholen gaan volgende week weer open"));
        // Names are no English words, however frequent in English text.
        assert!(!lexicon.is_english_vocabulary("Sinner vince a Miami"));
        assert!(!lexicon.is_english_vocabulary("Premier Conte in Senato"));
        // Another language's one-letter function word says it is not English.
        assert!(!lexicon.is_english_vocabulary("Real Madrid y Barcelona empatan"));
        // One word is no vocabulary.
        assert!(!lexicon.is_english_vocabulary("Recovery"));
        // The pieces of a compound and letters beside digits are no function
        // words: the e of e-mail is no Portuguese `e`, the D of 2D no `d'`.
        assert!(lexicon.is_english_vocabulary("Virus poses as Christmas e-mail"));
        assert!(lexicon.is_english_vocabulary("2D Metal Slug offers retro fun"));
        // A compound counts for neither side: other languages borrow them.
        assert!(!lexicon.is_english_vocabulary("Virus usa e-mail falso"));
        assert!(!lexicon.is_english_vocabulary("Start-ups brasileiras atraem investidores"));
        assert!(!lexicon.is_english_vocabulary("Gemeente opent e-loket voor burgers"));
    }

    #[test]
    fn foreign_letters_and_words_leave_the_usual_language() {
        let lexicon = lexicon();
        assert!(lexicon.cyrillic.is_foreign("Київ і Львів"));
        assert!(!lexicon.cyrillic.is_foreign("Москва и Петербург"));
        assert!(lexicon.arabic.is_foreign("این یک کتاب است"));
        assert!(!lexicon.arabic.is_foreign("هذا كتاب جديد"));
        assert!(lexicon.devanagari.is_foreign("हे पुस्तक चांगले आहे"));
        assert!(!lexicon.devanagari.is_foreign("यह किताब अच्छी है"));
    }

    #[test]
    fn malformed_lexicons_are_refused_with_the_reason() {
        let good = include_str!("../../data/langid/lexicon.toml");
        let bad = good.replace("words = \"\"\"the ", "words = \"\"\"The ");
        assert!(Lexicon::parse(&bad).unwrap_err().contains("lowercase"));
        let bad = good.replace("affixes = \"", "affixes = \"kan ");
        assert!(Lexicon::parse(&bad).unwrap_err().contains("affix"));
    }
}
