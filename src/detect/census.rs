//! A census of the scripts of a text: the first thing detection decides by.
//!
//! Scripts are counted in units that carry about as much as one another: a
//! word for alphabets written with spaces (Latin, Cyrillic, Arabic,
//! Devanagari, ...), a character for Han, kana and Hangul syllables, and a
//! third of a character for Thai, Lao, Khmer and Burmese, which write words
//! without spaces between them.

use super::lexicon::Lexicon;
use crate::ascii;
use crate::script::{is_common_han_lead_byte, is_common_punctuation, is_han, is_han_at};

/// An alphabet (or abugida) whose letters canon counts in words. Each is
/// either one language's (Greek, Georgian, ...) or shared by several
/// (Latin, Cyrillic, Arabic, Devanagari), which later stages tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alphabet {
    Latin,
    Cyrillic,
    Greek,
    Armenian,
    Hebrew,
    Arabic,
    Devanagari,
    Bengali,
    Gurmukhi,
    Gujarati,
    Oriya,
    Tamil,
    Telugu,
    Kannada,
    Malayalam,
    Sinhala,
    Georgian,
    Ethiopic,
    /// Scripts written without spaces, counted a third per character.
    Thai,
    Lao,
    Myanmar,
    Khmer,
}

/// How many alphabets [`Census::words`] counts.
pub(crate) const ALPHABETS: usize = Alphabet::Khmer as usize + 1;

impl Alphabet {
    /// The alphabet of a non-ASCII letter, if canon counts it in words.
    fn of(c: char) -> Option<Alphabet> {
        use Alphabet::*;
        Some(match c {
            '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' => Latin,
            '\u{370}'..='\u{3FF}' | '\u{1F00}'..='\u{1FFF}' => Greek,
            '\u{400}'..='\u{52F}' => Cyrillic,
            '\u{530}'..='\u{58F}' => Armenian,
            '\u{590}'..='\u{5FF}' => Hebrew,
            '\u{600}'..='\u{6FF}' | '\u{750}'..='\u{77F}' | '\u{FB50}'..='\u{FDFF}' => Arabic,
            '\u{900}'..='\u{97F}' => Devanagari,
            '\u{980}'..='\u{9FF}' => Bengali,
            '\u{A00}'..='\u{A7F}' => Gurmukhi,
            '\u{A80}'..='\u{AFF}' => Gujarati,
            '\u{B00}'..='\u{B7F}' => Oriya,
            '\u{B80}'..='\u{BFF}' => Tamil,
            '\u{C00}'..='\u{C7F}' => Telugu,
            '\u{C80}'..='\u{CFF}' => Kannada,
            '\u{D00}'..='\u{D7F}' => Malayalam,
            '\u{D80}'..='\u{DFF}' => Sinhala,
            '\u{E00}'..='\u{E7F}' => Thai,
            '\u{E80}'..='\u{EFF}' => Lao,
            '\u{1000}'..='\u{109F}' => Myanmar,
            '\u{10A0}'..='\u{10FF}' => Georgian,
            '\u{1200}'..='\u{139F}' => Ethiopic,
            '\u{1780}'..='\u{17FF}' => Khmer,
            _ => return None,
        })
    }

    /// Whether the script writes words without spaces between them.
    fn unspaced(self) -> bool {
        matches!(
            self,
            Alphabet::Thai | Alphabet::Lao | Alphabet::Myanmar | Alphabet::Khmer
        )
    }

    /// The language of a script only one language canon knows writes, or
    /// `None` for scripts shared by several.
    pub(crate) fn only_language(self) -> Option<&'static str> {
        use Alphabet::*;
        Some(match self {
            Latin | Cyrillic | Arabic | Devanagari => return None,
            Greek => "el",
            Armenian => "hy",
            Hebrew => "he",
            Bengali => "bn",
            Gurmukhi => "pa",
            Gujarati => "gu",
            Oriya => "or",
            Tamil => "ta",
            Telugu => "te",
            Kannada => "kn",
            Malayalam => "ml",
            Sinhala => "si",
            Georgian => "ka",
            Ethiopic => "am",
            Thai => "th",
            Lao => "lo",
            Myanmar => "my",
            Khmer => "km",
        })
    }

    fn all() -> [Alphabet; ALPHABETS] {
        use Alphabet::*;
        [
            Latin, Cyrillic, Greek, Armenian, Hebrew, Arabic, Devanagari, Bengali, Gurmukhi,
            Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam, Sinhala, Georgian, Ethiopic, Thai,
            Lao, Myanmar, Khmer,
        ]
    }
}

/// How many Han characters are looked up (grammar characters, Japanese
/// forms): the rules that need them decide short, mixed text, and a long
/// Chinese text is settled by its count of Han characters alone.
pub(crate) const HAN_LOOKUPS: usize = 64;

/// How much of each script a text holds.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Census {
    /// Han characters.
    pub han: usize,
    /// Han characters that are Chinese function words (see
    /// [`Lexicon::is_han_grammar`]), among the first [`HAN_LOOKUPS`].
    pub han_grammar: usize,
    /// Han characters in forms only Japanese writes (see
    /// [`Lexicon::is_japanese_kanji`]), among the first [`HAN_LOOKUPS`].
    pub japanese_kanji: usize,
    /// Hiragana and katakana.
    pub kana: usize,
    /// Hangul syllables and jamo.
    pub hangul: usize,
    /// Words per alphabet, indexed by `Alphabet as usize`; for the unspaced
    /// scripts, characters (see [`Census::units`]).
    words: [usize; ALPHABETS],
    /// Latin letters outside ASCII.
    pub accented_latin: usize,
}

impl Census {
    /// Counts the scripts of `text`, with the Han characters `lexicon`
    /// knows.
    pub(crate) fn of(text: &str, lexicon: &Lexicon) -> Census {
        let mut census = Census::default();
        // The alphabet of the word being read, if a word is being read.
        let mut in_word: Option<Alphabet> = None;
        // English is mostly or only ASCII: its bytes are counted eight at a
        // time, and only the other characters are decoded.
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let byte = bytes[at];
            // Two blocks at a time, with one count (see below). A block
            // starting with a byte outside ASCII is no ASCII block: Chinese
            // text skips both tests.
            if byte.is_ascii()
                && let (Some(first), Some(second)) =
                    (ascii::block_at(bytes, at), ascii::block_at(bytes, at + 8))
                && (first | second) & ascii::HIGH_BITS == 0
            {
                let letters = (ascii::letters(first), ascii::letters(second));
                let alphanumeric = (
                    letters.0 | ascii::in_range(first, b'0', b'9'),
                    letters.1 | ascii::in_range(second, b'0', b'9'),
                );
                let after_alphanumeric = (
                    alphanumeric.0 << 8 | u64::from(in_word == Some(Alphabet::Latin)) << 7,
                    // The last lane of the first block goes before the second.
                    alphanumeric.1 << 8 | alphanumeric.0 >> 56,
                );
                let starts = (
                    (letters.0 & !after_alphanumeric.0) >> 7,
                    (letters.1 & !after_alphanumeric.1) >> 7,
                );
                // At most two starts a lane: the sum of the lanes fits a lane.
                census.words[Alphabet::Latin as usize] +=
                    ((starts.0 + starts.1).wrapping_mul(ascii::ONES) >> 56) as usize;
                in_word = (alphanumeric.1 >> 63 != 0).then_some(Alphabet::Latin);
                at += 16;
                continue;
            }
            if byte.is_ascii()
                && let Some(block) = ascii::block_at(bytes, at)
                && block & ascii::HIGH_BITS == 0
            {
                // A word starts at a letter after neither a letter nor a
                // digit: model numbers (285K, 9950X) are not words.
                let letters = ascii::letters(block);
                let alphanumeric = letters | ascii::in_range(block, b'0', b'9');
                let after_alphanumeric =
                    alphanumeric << 8 | u64::from(in_word == Some(Alphabet::Latin)) << 7;
                census.words[Alphabet::Latin as usize] +=
                    ascii::count_lanes(letters & !after_alphanumeric);
                in_word = (alphanumeric >> 63 != 0).then_some(Alphabet::Latin);
                at += 8;
                continue;
            }
            if byte.is_ascii() {
                let letter = byte.is_ascii_alphabetic();
                census.words[Alphabet::Latin as usize] +=
                    usize::from(letter && in_word != Some(Alphabet::Latin));
                in_word = byte.is_ascii_alphanumeric().then_some(Alphabet::Latin);
                at += 1;
                continue;
            }
            if is_common_han_lead_byte(byte) && census.han >= HAN_LOOKUPS {
                // No more lookups: the rest of the run of such characters
                // is counted without the test for an ASCII block before each.
                let run = bytes[at..]
                    .iter()
                    .step_by(3)
                    .take_while(|&&b| is_common_han_lead_byte(b))
                    .count();
                census.han += run;
                in_word = None;
                at += 3 * run;
                continue;
            }
            if is_han_at(bytes, at)
                && let [_, second, third, ..] = bytes[at..]
            {
                // Most Chinese text: three-byte Han characters, decoded here
                // without the checks a general decoder makes (U+4000 to
                // U+4FFF too, which the run above leaves to this path: they
                // are looked up whatever the count).
                let code = u32::from(byte & 0x0F) << 12
                    | u32::from(second & 0x3F) << 6
                    | u32::from(third & 0x3F);
                let c = char::from_u32(code).expect("a Han lead byte starts a BMP character");
                census.count_han(c, lexicon);
                in_word = None;
                at += 3;
                continue;
            }
            // Chinese punctuation (，。、“” 《》) and the rest of the BMP from
            // U+0800: three bytes, decoded without the general decoder.
            let c = match bytes[at..] {
                [lead @ 0xE0..=0xEF, second, third, ..] => char::from_u32(
                    u32::from(lead & 0x0F) << 12
                        | u32::from(second & 0x3F) << 6
                        | u32::from(third & 0x3F),
                )
                .expect("valid UTF-8 of three bytes is a char"),
                _ => text[at..].chars().next().expect("at is a char boundary"),
            };
            at += c.len_utf8();
            census.count_other(c, lexicon, &mut in_word);
        }
        census
    }

    /// Counts a character that is neither ASCII nor taken by the fast
    /// paths of [`Census::of`]; `in_word` is the alphabet of the word being
    /// read.
    #[inline]
    fn count_other(&mut self, c: char, lexicon: &Lexicon, in_word: &mut Option<Alphabet>) {
        if is_han(c) {
            self.count_han(c, lexicon);
            *in_word = None;
            return;
        }
        if is_common_punctuation(c) {
            *in_word = None;
            return;
        }
        if matches!(c, '\u{3040}'..='\u{30FA}' | '\u{30FC}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}')
        {
            self.kana += 1;
            *in_word = None;
            return;
        }
        if matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
        {
            self.hangul += 1;
            *in_word = None;
            return;
        }
        match Alphabet::of(c) {
            // Combining marks and signs of these blocks continue a word.
            // Inside a word the slow Unicode lookup is not needed.
            Some(alphabet) if *in_word == Some(alphabet) || c.is_alphabetic() => {
                if alphabet.unspaced() || *in_word != Some(alphabet) {
                    self.words[alphabet as usize] += 1;
                }
                self.accented_latin += usize::from(alphabet == Alphabet::Latin);
                *in_word = Some(alphabet);
            }
            _ => *in_word = None,
        }
    }

    #[inline]
    fn count_han(&mut self, c: char, lexicon: &Lexicon) {
        self.han += 1;
        self.han_grammar += usize::from(lexicon.is_han_grammar(c));
        self.japanese_kanji += usize::from(lexicon.is_japanese_kanji(c));
    }

    /// The weight of `alphabet` in the text: words, or a third of the
    /// characters of the scripts written without spaces.
    pub(crate) fn units(&self, alphabet: Alphabet) -> usize {
        let count = self.words[alphabet as usize];
        if alphabet.unspaced() {
            count.div_ceil(3)
        } else {
            count
        }
    }

    /// Latin words.
    pub(crate) fn latin_words(&self) -> usize {
        self.words[Alphabet::Latin as usize]
    }

    /// The alphabet with the most units, and its units (ties go to the
    /// earlier alphabet, Latin first); `None` when the text has none.
    pub(crate) fn main_alphabet(&self) -> Option<(Alphabet, usize)> {
        Alphabet::all()
            .into_iter()
            .map(|a| (a, self.units(a)))
            .filter(|&(_, units)| units > 0)
            .fold(
                None,
                |best: Option<(Alphabet, usize)>, (a, units)| match best {
                    Some((_, best_units)) if best_units >= units => best,
                    _ => Some((a, units)),
                },
            )
    }

    /// All units of the text, of every script.
    pub(crate) fn total_units(&self) -> usize {
        let alphabets: usize = Alphabet::all().into_iter().map(|a| self.units(a)).sum();
        alphabets + self.han + self.kana + self.hangul
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn census(text: &str) -> Census {
        Census::of(text, super::super::lexicon::lexicon())
    }

    /// The census taken character by character, without the ASCII blocks
    /// and Han runs of [`Census::of`]: the general path it must agree with.
    fn census_by_chars(text: &str) -> Census {
        let lexicon = super::super::lexicon::lexicon();
        let mut census = Census::default();
        let mut in_word = None;
        for c in text.chars() {
            let mut utf8 = [0; 4];
            let lead = c.encode_utf8(&mut utf8).as_bytes()[0];
            if c.is_ascii() {
                census.words[Alphabet::Latin as usize] +=
                    usize::from(c.is_ascii_alphabetic() && in_word != Some(Alphabet::Latin));
                in_word = c.is_ascii_alphanumeric().then_some(Alphabet::Latin);
            } else if is_common_han_lead_byte(lead) && census.han >= HAN_LOOKUPS {
                census.han += 1;
                in_word = None;
            } else {
                census.count_other(c, lexicon, &mut in_word);
            }
        }
        census
    }

    proptest::proptest! {
        #[test]
        fn the_census_agrees_with_a_character_loop(
            text in "([a-zA-Z0-9 ,.]{1,40}|[的是了月國与一䷀]{1,90}|[们𠀀ㄱ가あé\u{300}ไ]|[\u{2014}“\u{207F}\u{2080}、々〆〇\u{303F}\u{3040}，ｱ\u{FFFD}]|[\x00-\x7F]){0,30}"
        ) {
            proptest::prop_assert_eq!(census(&text), census_by_chars(&text));
        }

        #[test]
        fn the_census_agrees_on_any_text(text in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(census(&text), census_by_chars(&text));
        }
    }

    #[test]
    fn latin_is_counted_in_words_han_in_characters() {
        let c = census("DeepSeek 与 MiniMax 的 model 发布");
        assert_eq!((c.latin_words(), c.han, c.han_grammar), (3, 4, 2));
        assert_eq!(census("5月 沖縄 格安航空券").japanese_kanji, 1);
    }

    #[test]
    fn han_characters_are_looked_up_only_at_first() {
        let c = census(&"的".repeat(HAN_LOOKUPS + 10));
        assert_eq!((c.han, c.han_grammar), (HAN_LOOKUPS + 10, HAN_LOOKUPS));
    }

    #[test]
    fn letters_after_digits_are_no_words() {
        assert_eq!(
            census("Intel Core Ultra 9 285K vs AMD 9950X").latin_words(),
            5
        );
        assert_eq!(census("H100 3nm GPT-4o").latin_words(), 2);
    }

    #[test]
    fn words_continue_across_the_ascii_blocks_and_accents() {
        // Eight-byte blocks split "information"; é stays inside "café".
        let c = census("the information about a café, naïve résumé");
        assert_eq!(c.latin_words(), 7);
        assert_eq!(c.accented_latin, 4);
    }

    #[test]
    fn each_script_has_its_unit() {
        let c = census("삼성전자 Galaxy 출시 Привет мир ไทยไทยไทย 東京で");
        assert_eq!(c.hangul, 6);
        assert_eq!(c.latin_words(), 1);
        assert_eq!(c.units(Alphabet::Cyrillic), 2);
        assert_eq!(c.units(Alphabet::Thai), 3);
        assert_eq!((c.han, c.kana), (2, 1));
    }

    #[test]
    fn combining_marks_do_not_start_words() {
        // Devanagari vowel signs and viramas are marks, not letters.
        let c = census("नमस्ते दुनिया");
        assert_eq!(c.units(Alphabet::Devanagari), 2);
    }

    #[test]
    fn the_main_alphabet_has_most_units() {
        assert_eq!(
            census("Привет мир hello").main_alphabet(),
            Some((Alphabet::Cyrillic, 2))
        );
        assert_eq!(census("12 345 !").main_alphabet(), None);
    }
}
