//! Stage 2: language detection.
//!
//! whatlang decides between languages of one script well, but a Chinese news
//! page full of English names (DeepSeek, GitHub, API) or followed by an English
//! sidebar often has more Latin letters than Han characters, and whatlang then
//! calls it English. canon therefore first takes a census of scripts: a text
//! with as many Han characters as Latin words is Chinese (unless kana marks it
//! as Japanese). Only the rest goes to whatlang.
//!
//! whatlang's Latin scoring runs at a few MB/s, so long documents are sampled:
//! detection looks at no more than [`SAMPLE_BYTES`] taken from the start,
//! the middle and the end of the text.

use crate::ascii;
use crate::script::{Script, is_common_han_lead_byte, is_common_punctuation, script_of};

/// The most bytes of a document that detection reads.
pub const SAMPLE_BYTES: usize = 3 * 1024;

/// The detected language of a document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Language {
    /// ISO 639-1 code where one exists (`en`, `zh`, `ja`), else ISO 639-3;
    /// `und` when the text has no letters to judge by.
    pub code: &'static str,
    /// Confidence between 0 and 1.
    pub confidence: f64,
}

impl Language {
    /// The language of a text with nothing to judge by.
    pub const UNDETERMINED: Language = Language {
        code: "und",
        confidence: 0.0,
    };

    /// Whether this is Japanese, whose Han runs are not Chinese words.
    pub fn is_japanese(&self) -> bool {
        self.code == "ja"
    }
}

/// Detects the language of (normalized) `text`.
pub fn detect(text: &str) -> Language {
    let sample = sample(text);
    let census = Census::of(&sample);
    let cjk = census.han + census.kana;
    if census.kana > 0 && census.kana * 10 >= cjk && cjk >= census.latin_words {
        let confidence = cjk as f64 / (cjk + census.latin_words + census.other_letters) as f64;
        return Language {
            code: "ja",
            confidence: round(confidence),
        };
    }
    if census.han > 0 && census.han >= census.latin_words && census.han >= census.other_letters {
        let confidence =
            census.han as f64 / (cjk + census.latin_words + census.other_letters) as f64;
        return Language {
            code: "zh",
            confidence: round(confidence),
        };
    }
    if let Some(confidence) = english_by_function_words(&sample, &census) {
        return Language {
            code: "en",
            confidence,
        };
    }
    match whatlang::detect(&sample) {
        // Headlines and one-line records are too short for trigram scores
        // ("Ad sales boost Time Warner profit" scores as French). Latin text
        // without a single accented letter is then far more likely English
        // than French, Spanish or German, which rarely go a line without one.
        Some(info)
            if info.confidence() < LOW_CONFIDENCE
                && info.script() == whatlang::Script::Latin
                && census.accented_latin == 0 =>
        {
            Language {
                code: "en",
                confidence: LOW_CONFIDENCE,
            }
        }
        Some(info) => Language {
            code: iso_639_1(info.lang()),
            confidence: round(info.confidence()),
        },
        None => Language::UNDETERMINED,
    }
}

/// Below this whatlang confidence, unaccented Latin text is taken as English
/// (and reported with this confidence: a default, not a measurement).
const LOW_CONFIDENCE: f64 = 0.7;

/// English recognised by its function words, which make up a third or more
/// of running English text and are rare in other Latin-script languages.
/// whatlang's trigram scoring costs more than the rest of the pipeline put
/// together on English news, so the common case is settled here.
fn english_by_function_words(sample: &str, census: &Census) -> Option<f64> {
    if census.latin_words < 12
        || census.han + census.kana + census.other_letters > 0
        || census.accented_latin * 50 > census.latin_words
    {
        return None;
    }
    let mut words = 0usize;
    let mut function_words = 0usize;
    // The first few hundred bytes are plenty to see a third of the words are
    // function words; reading the whole sample would double the cost.
    let head = &sample[..floor_char_boundary(sample, 800)];
    // Other characters only separate words, so the bytes can be split as
    // they are.
    for word in head
        .as_bytes()
        .split(|b| !b.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
    {
        words += 1;
        if word.len() <= 5 && is_english_function_word(word) {
            function_words += 1;
        }
    }
    let ratio = function_words as f64 / words.max(1) as f64;
    (ratio >= 0.2).then(|| round((ratio / 0.3).min(1.0)))
}

fn is_english_function_word(word: &[u8]) -> bool {
    let mut lower = [0u8; 5];
    for (slot, byte) in lower.iter_mut().zip(word) {
        *slot = byte.to_ascii_lowercase();
    }
    matches!(
        &lower[..word.len()],
        b"the"
            | b"of"
            | b"and"
            | b"to"
            | b"is"
            | b"was"
            | b"that"
            | b"for"
            | b"with"
            | b"on"
            | b"as"
            | b"by"
            | b"it"
            | b"its"
            | b"are"
            | b"from"
            | b"at"
            | b"be"
            | b"this"
            | b"have"
            | b"has"
            | b"had"
            | b"which"
            | b"said"
            | b"were"
            | b"been"
            | b"their"
            | b"will"
            | b"would"
            | b"not"
            | b"but"
            | b"they"
            | b"he"
            | b"she"
            | b"his"
            | b"her"
            | b"an"
            | b"or"
            | b"we"
            | b"you"
            | b"also"
            | b"more"
            | b"than"
            | b"after"
            | b"who"
            | b"there"
            | b"about"
            | b"into"
            | b"could"
            | b"should"
    )
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Up to [`SAMPLE_BYTES`] of `text`: all of a short text, otherwise three
/// windows from its start, middle and end, cut on character boundaries.
fn sample(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= SAMPLE_BYTES {
        return text.into();
    }
    let window = SAMPLE_BYTES / 3;
    let mut out = String::with_capacity(SAMPLE_BYTES + 8);
    for start in [0, text.len() / 2 - window / 2, text.len() - window] {
        let start = floor_char_boundary(text, start);
        let end = floor_char_boundary(text, start + window);
        out.push_str(&text[start..end]);
        out.push('\n');
    }
    out.into()
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// How much of each script a text holds. Latin is counted in words because a
/// Han character carries about as much as a Latin word.
#[derive(Debug, Default)]
struct Census {
    han: usize,
    kana: usize,
    latin_words: usize,
    accented_latin: usize,
    other_letters: usize,
}

impl Census {
    fn of(text: &str) -> Census {
        let mut census = Census::default();
        let mut in_latin_word = false;
        // English news is mostly or only ASCII: its bytes are counted as
        // they are, and only the other characters are decoded.
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            if let Some(block) = ascii::block_at(bytes, at)
                && block & ascii::HIGH_BITS == 0
            {
                // A word starts at a letter after a non-letter.
                let letters = ascii::letters(block);
                let after_letter = letters << 8 | u64::from(in_latin_word) << 7;
                census.latin_words += ascii::count_lanes(letters & !after_letter);
                in_latin_word = letters >> 63 != 0;
                at += 8;
                continue;
            }
            let byte = bytes[at];
            if byte.is_ascii() {
                let letter = byte.is_ascii_alphabetic();
                census.latin_words += usize::from(letter && !in_latin_word);
                in_latin_word = letter;
                at += 1;
                continue;
            }
            if is_common_han_lead_byte(byte) {
                census.han += 1;
                in_latin_word = false;
                at += 3;
                continue;
            }
            let c = text[at..].chars().next().expect("at is a char boundary");
            at += c.len_utf8();
            if is_common_punctuation(c) {
                in_latin_word = false;
                continue;
            }
            let script = script_of(c);
            match script {
                Script::Han => census.han += 1,
                Script::Kana => census.kana += 1,
                Script::Latin => {
                    census.latin_words += usize::from(!in_latin_word);
                    census.accented_latin += usize::from(!c.is_ascii());
                }
                Script::Other if c.is_alphabetic() => census.other_letters += 1,
                _ => {}
            }
            in_latin_word = script == Script::Latin;
        }
        census
    }
}

/// The ISO 639-1 code of a whatlang language, or its ISO 639-3 code when the
/// language has no two-letter code.
fn iso_639_1(lang: whatlang::Lang) -> &'static str {
    use whatlang::Lang::*;
    match lang {
        Epo => "eo",
        Eng => "en",
        Rus => "ru",
        Cmn => "zh",
        Spa => "es",
        Por => "pt",
        Ita => "it",
        Ben => "bn",
        Fra => "fr",
        Deu => "de",
        Ukr => "uk",
        Kat => "ka",
        Ara => "ar",
        Hin => "hi",
        Jpn => "ja",
        Heb => "he",
        Yid => "yi",
        Pol => "pl",
        Amh => "am",
        Jav => "jv",
        Kor => "ko",
        Nob => "nb",
        Dan => "da",
        Swe => "sv",
        Fin => "fi",
        Tur => "tr",
        Nld => "nl",
        Hun => "hu",
        Ces => "cs",
        Ell => "el",
        Bul => "bg",
        Bel => "be",
        Mar => "mr",
        Kan => "kn",
        Ron => "ro",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Mkd => "mk",
        Lit => "lt",
        Lav => "lv",
        Est => "et",
        Tam => "ta",
        Vie => "vi",
        Urd => "ur",
        Tha => "th",
        Guj => "gu",
        Uzb => "uz",
        Pan => "pa",
        Aze => "az",
        Ind => "id",
        Tel => "te",
        Pes => "fa",
        Mal => "ml",
        Ori => "or",
        Mya => "my",
        Nep => "ne",
        Sin => "si",
        Khm => "km",
        Tuk => "tk",
        Aka => "ak",
        Zul => "zu",
        Sna => "sn",
        Afr => "af",
        Lat => "la",
        Slk => "sk",
        Cat => "ca",
        Tgl => "tl",
        Hye => "hy",
        Cym => "cy",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_news_is_english() {
        let lang = detect(
            "The chip maker said on Friday that its quarterly revenue rose sharply \
             as demand for data centre hardware kept growing.",
        );
        assert_eq!(lang.code, "en");
        assert!(lang.confidence > 0.5);
    }

    #[test]
    fn chinese_full_of_english_names_is_chinese() {
        let lang = detect(
            "据 ChainThink 报道,DeepSeek 与 MiniMax 在 GitHub 上开源了新模型,\
             开发者可以通过 API 调用。",
        );
        assert_eq!(lang.code, "zh");
    }

    #[test]
    fn japanese_with_kana_is_japanese() {
        assert_eq!(detect("東京で新しいモデルが発表されました。").code, "ja");
    }

    #[test]
    fn other_languages_get_two_letter_codes() {
        let lang = detect(
            "Die Regierung hat am Freitag neue Regeln für den Export von Chips beschlossen.",
        );
        assert_eq!(lang.code, "de");
    }

    #[test]
    fn short_unaccented_latin_defaults_to_english() {
        assert_eq!(detect("Ad sales boost Time Warner profit").code, "en");
        assert_eq!(
            detect("Le président a parlé à la télévision hier soir.").code,
            "fr"
        );
    }

    #[test]
    fn text_without_letters_is_undetermined() {
        assert_eq!(detect("").code, "und");
        assert_eq!(detect("12345 !!!").code, "und");
    }

    #[test]
    fn long_documents_are_sampled_on_char_boundaries() {
        let text = "中文".repeat(10_000);
        assert!(sample(&text).len() <= SAMPLE_BYTES + 3);
        assert_eq!(detect(&text).code, "zh");
    }
}
