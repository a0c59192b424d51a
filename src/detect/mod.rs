//! Stage 2: language detection, fast and right on short text.
//!
//! Detection decides by script first (`census`): Han, kana and Hangul
//! settle Chinese, Japanese and Korean, and scripts that one language writes
//! (Thai, Greek, Georgian, ...) settle that language. Chinese sentences full
//! of Latin product names stay Chinese when Chinese grammar characters (的,
//! 与, 在, ...) hold them together; Japanese is recognised by its kana, even
//! a single particle among kanji.
//!
//! Latin-script text goes to canon's fast detector first, function words
//! and letters (`lexicon`, read from `data/langid/lexicon.toml`), which
//! settles running text of a dozen words and more; shorter text (headlines, product names, queries) goes to whichlang,
//! a linear model over character n-grams about fifty times faster than
//! whatlang, unless the lexicon has evidence for a language whichlang does
//! not know (Polish, Indonesian, ...). Only text neither can vouch for goes
//! to whatlang, restricted to the languages of its script. Cyrillic, Arabic
//! and Devanagari text is Russian, Arabic or Hindi unless it holds letters
//! or words those languages do not use, and then whatlang decides among the
//! script's languages.
//!
//! [`detect`] answers for any slice of text: a document, a paragraph or a
//! run of one script inside a document (what a per-run router will ask).
//! It reads text up to [`SAMPLE_BYTES`] in place, and its cost grows with
//! the length read: a microsecond or two for a headline. Longer text is
//! sampled from its start, middle and end.
//!
//! `confidence` is calibrated: see [`Language::confidence`].
//!
//! [`language_runs`] (`spans`) cuts a document that changes language into
//! runs of sentences, each with the language the detector gives it.

mod census;
mod codes;
mod confidence;
mod lexicon;
mod spans;

use std::sync::OnceLock;

use census::{Alphabet, Census};
use lexicon::{Lexicon, ScriptUsage, lexicon};

pub use confidence::LOW_CONFIDENCE;
pub use spans::{LangRun, MIN_RUN_UNITS, language_runs};

/// The most bytes of a document that detection reads.
pub const SAMPLE_BYTES: usize = 3 * 1024;

/// Latin text of fewer words is short (headlines, titles, queries): too
/// short for character n-grams to be sure.
const SHORT_TEXT_WORDS: usize = 8;

/// The most bytes of Latin text whose words are looked up in the lexicon:
/// plenty to see a language's function words, and the rest of a long
/// sample would only cost time.
const LEXICON_BYTES: usize = 1024;

/// The detected language of a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Language {
    /// ISO 639-1 code where one exists (`en`, `zh`, `ja`), else ISO 639-3;
    /// `und` when the text has no letters to judge by. Chinese is `zh` in
    /// both simplified and traditional characters.
    pub code: &'static str,
    /// The estimated probability, between 0 and 1, that `code` is right,
    /// calibrated on canon's labelled short texts
    /// (`data/eval/langid/short.jsonl`): of the texts detected with
    /// confidence around 0.8, about 80% are right. Below
    /// [`LOW_CONFIDENCE`] most answers are wrong.
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

/// How a language was decided, and how strongly: what its confidence is
/// looked up by (see [`confidence`]).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Evidence {
    /// The script decided; `share` of the text's units are in the
    /// language's script.
    Script { share: f64 },
    /// Chinese grammar characters held Latin names together.
    ChineseGrammar,
    /// The usual language of a shared script (Cyrillic → Russian).
    UsualLanguage,
    /// The lexicon's function words and letters, beyond doubt.
    Lexicon,
    /// The lexicon's best language where whichlang answered another.
    LexiconOverWhichlang,
    /// whichlang's answer; `support` is the lexicon's score for it.
    Whichlang { support: f32 },
    /// whatlang, restricted to the script's languages, with its confidence.
    Whatlang { confidence: f64 },
    /// A short Latin text without accents whose words are English words
    /// (`Lexicon::is_english_vocabulary`).
    EnglishWords,
    /// Latin text without accents that nothing else vouched for.
    EnglishByDefault,
}

/// Detects the language of (normalized) `text`.
pub fn detect(text: &str) -> Language {
    detect_with_evidence(text).0
}

/// [`detect`], with the name of the evidence the language was decided on
/// (`script`, `lexicon`, `whichlang`, ...): for calibrating
/// `lang_confidence` (bench/peers/langid), not a stable interface.
#[doc(hidden)]
pub fn detect_with_evidence(text: &str) -> (Language, &'static str) {
    let sample = sample(text);
    let lexicon = lexicon();
    let census = Census::of(&sample, lexicon);
    match decide(&sample, &census, lexicon) {
        Some((code, evidence)) => {
            let bucket = confidence::bucket(evidence);
            (
                Language {
                    code,
                    confidence: confidence::of(bucket),
                },
                bucket,
            )
        }
        None => (Language::UNDETERMINED, "none"),
    }
}

fn decide(sample: &str, census: &Census, lexicon: &Lexicon) -> Option<(&'static str, Evidence)> {
    let total = census.total_units();
    if total == 0 {
        return None;
    }
    let share = |units: usize| units as f64 / total as f64;
    let latin = census.latin_words();
    let (alphabet, units) = census.main_alphabet().unwrap_or((Alphabet::Latin, 0));
    let other = if alphabet == Alphabet::Latin {
        0
    } else {
        units
    };
    let cjk = census.han + census.kana;

    // Japanese writes its particles and endings in kana: two kana, or one
    // among fewer than twenty kanji, are Japanese, which Chinese never
    // writes.
    if census.kana > 0
        && (census.kana >= 2 || census.kana * 20 >= census.han)
        && census.kana >= census.hangul
        && cjk >= latin
        && cjk >= other
    {
        return Some(("ja", Evidence::Script { share: share(cjk) }));
    }
    // Hangul syllables weigh as much as Latin words: Korean with English
    // brand names (삼성전자 Galaxy S24 Ultra 국내 출시) stays Korean.
    if census.hangul > 0
        && census.hangul * 2 >= census.han
        && census.hangul >= latin
        && census.hangul >= other
    {
        return Some((
            "ko",
            Evidence::Script {
                share: share(census.hangul + census.han),
            },
        ));
    }
    if census.han > 0 && census.han >= other {
        // Kanji in forms Chinese does not write: Japanese without kana.
        if census.japanese_kanji > 0
            && census.japanese_kanji >= census.han_grammar
            && census.han >= latin
        {
            return Some(("ja", Evidence::Script { share: share(cjk) }));
        }
        if census.han >= latin {
            return Some(("zh", Evidence::Script { share: share(cjk) }));
        }
        // Latin names may outnumber the Han characters of a Chinese
        // sentence, but its grammar stays Chinese; an English sentence
        // quoting a Chinese name has few Han characters and fewer grammar
        // characters among them.
        if census.han_grammar > 0 && census.han + 2 * census.han_grammar >= latin {
            return Some(("zh", Evidence::ChineseGrammar));
        }
    }
    if units == 0 {
        // Only Han or kana, outweighed by nothing: decided above unless the
        // text has no letters at all.
        return (cjk > 0).then(|| ("zh", Evidence::Script { share: share(cjk) }));
    }
    match alphabet {
        Alphabet::Latin => Some(latin_language(sample, census, lexicon)),
        Alphabet::Cyrillic => Some(shared_script(
            sample,
            &lexicon.cyrillic,
            whatlang::Script::Cyrillic,
        )),
        Alphabet::Arabic => Some(shared_script(
            sample,
            &lexicon.arabic,
            whatlang::Script::Arabic,
        )),
        Alphabet::Devanagari => Some(shared_script(
            sample,
            &lexicon.devanagari,
            whatlang::Script::Devanagari,
        )),
        other => other.only_language().map(|code| {
            (
                code,
                Evidence::Script {
                    share: share(units),
                },
            )
        }),
    }
}

/// The language of a text in a script that several languages share: the
/// usual one, unless the text holds what that language does not write.
fn shared_script(
    sample: &str,
    usage: &ScriptUsage,
    script: whatlang::Script,
) -> (&'static str, Evidence) {
    if usage.is_foreign(sample)
        && let Some(found) = whatlang_in(script, sample)
    {
        return found;
    }
    (usage.usual, Evidence::UsualLanguage)
}

/// The language of a text mostly in Latin script.
fn latin_language(sample: &str, census: &Census, lexicon: &Lexicon) -> (&'static str, Evidence) {
    let head = &sample[..floor_char_boundary(sample, LEXICON_BYTES)];
    let scores = lexicon.score_latin(head);
    let (best, score, second) = scores.best();
    if score >= 2.0 && score >= 2.0 * second {
        return (best, Evidence::Lexicon);
    }
    let latin_text = latin_only(sample, census);
    if let Some(code) = codes::whichlang_latin_code(whichlang::detect_language(&latin_text)) {
        let support = scores.of(code);
        let short = scores.words < SHORT_TEXT_WORDS;
        // whichlang's character n-grams, and function words English
        // shares with others (as, in), weigh less than a headline's words
        // being English ones; a function word of other languages only
        // (door, y, aan) keeps their answer.
        let english_words = |answer: &str| {
            answer != "en"
                && short
                && census.accented_latin == 0
                && lexicon.is_english_vocabulary(&latin_text)
        };
        // whichlang knows ten Latin-script languages and answers one of
        // them whatever the text: the lexicon's words and letters overrule
        // it when they clearly say otherwise.
        if score >= 1.0 && score > 2.0 * support {
            if english_words(best) {
                return ("en", Evidence::EnglishWords);
            }
            return (best, Evidence::LexiconOverWhichlang);
        }
        if english_words(code) {
            return ("en", Evidence::EnglishWords);
        }
        let whichlang = Evidence::Whichlang { support };
        if support >= 1.0 {
            return (code, whichlang);
        }
        if short {
            // Headlines and one-line records are too short for character
            // n-grams ("A common technical definition" scores as Italian).
            // Text without one accented letter that whichlang takes for
            // French, German, Polish, ... with no function word of theirs,
            // is far more likely English, unless it is in a language
            // whichlang does not know (Indonesian writes no accents either).
            // When the text has no English word form either, or the lexicon
            // has evidence for such a language, whatlang chooses between
            // whichlang's answer and those.
            let english_by_default =
                support == 0.0 && census.accented_latin == 0 && lexicon.is_rarely_unaccented(code);
            // Evidence for such a language: at least a whole word or letter
            // of its own (English `to` is also Polish, and short English
            // text would call whatlang all the time).
            let unknown = scores.best_unknown_to_whichlang();
            let suspect_unknown = (unknown >= 1.0 && unknown > support)
                || (english_by_default && scores.of("en") == 0.0);
            if suspect_unknown
                && let Some(found @ (other, Evidence::Whatlang { confidence })) =
                    whatlang_against(code, &latin_text)
                && other != code
                && confidence >= OVERRULE_WHICHLANG
            {
                return found;
            }
            if english_by_default {
                return ("en", Evidence::EnglishByDefault);
            }
            return (code, whichlang);
        }
        // A sentence in one of whichlang's languages nearly always holds
        // one of its function words; a long text with none is more likely
        // in a language whichlang does not know.
        if support > 0.0 {
            return (code, whichlang);
        }
    }
    match whatlang_in(whatlang::Script::Latin, sample) {
        // Headlines and one-line records are too short for trigram scores
        // ("Ad sales boost Time Warner profit" scores as French). Latin
        // text without a single accented letter is then far more likely
        // English than French, Spanish or German, which rarely go a line
        // without one.
        Some((_, Evidence::Whatlang { confidence }))
            if confidence < WHATLANG_UNSURE && census.accented_latin == 0 =>
        {
            ("en", Evidence::EnglishByDefault)
        }
        Some(found) => found,
        None => ("en", Evidence::EnglishByDefault),
    }
}

/// `sample` with the letters of other scripts blanked out when it has any,
/// so that a Chinese name in an English sentence does not sway whichlang's
/// character features.
fn latin_only<'a>(sample: &'a str, census: &Census) -> std::borrow::Cow<'a, str> {
    if census.total_units() == census.latin_words() {
        return sample.into();
    }
    sample
        .chars()
        .map(|c| {
            if c.is_alphabetic()
                && !c.is_ascii()
                && !matches!(c, '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}')
            {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .into()
}

/// Below this whatlang confidence, unaccented Latin text is taken as English.
const WHATLANG_UNSURE: f64 = 0.7;

/// The whatlang confidence from which it overrules an unconfirmed whichlang
/// answer (chosen on the fit half of the labelled set: below it whatlang was
/// wrong more often than right).
const OVERRULE_WHICHLANG: f64 = 0.5;

/// The Latin-script languages whichlang does not know and the lexicon does:
/// what a short text whichlang answers without support may be instead.
const UNKNOWN_TO_WHICHLANG: [whatlang::Lang; 6] = [
    whatlang::Lang::Pol,
    whatlang::Lang::Ind,
    whatlang::Lang::Ces,
    whatlang::Lang::Ron,
    whatlang::Lang::Dan,
    whatlang::Lang::Nob,
];

/// whatlang's answer between whichlang's answer `code` and the languages
/// whichlang does not know.
fn whatlang_against(code: &str, text: &str) -> Option<(&'static str, Evidence)> {
    static DETECTORS: OnceLock<Vec<(&'static str, whatlang::Detector)>> = OnceLock::new();
    let detectors = DETECTORS.get_or_init(|| {
        whatlang::Script::Latin
            .langs()
            .iter()
            .filter(|lang| codes::whichlang_latin_code_of(**lang).is_some())
            .map(|&lang| {
                let mut allow = UNKNOWN_TO_WHICHLANG.to_vec();
                allow.push(lang);
                (
                    codes::whatlang_code(lang),
                    whatlang::Detector::with_allowlist(allow),
                )
            })
            .collect()
    });
    let (_, detector) = detectors.iter().find(|(c, _)| *c == code)?;
    let info = detector.detect(text)?;
    Some((
        codes::whatlang_code(info.lang()),
        Evidence::Whatlang {
            confidence: info.confidence(),
        },
    ))
}

/// whatlang's answer among the languages of `script`.
fn whatlang_in(script: whatlang::Script, sample: &str) -> Option<(&'static str, Evidence)> {
    static DETECTORS: OnceLock<[whatlang::Detector; 4]> = OnceLock::new();
    let detectors = DETECTORS.get_or_init(|| {
        [
            whatlang::Script::Latin,
            whatlang::Script::Cyrillic,
            whatlang::Script::Arabic,
            whatlang::Script::Devanagari,
        ]
        .map(|s| whatlang::Detector::with_allowlist(s.langs().to_vec()))
    });
    let detector = match script {
        whatlang::Script::Latin => &detectors[0],
        whatlang::Script::Cyrillic => &detectors[1],
        whatlang::Script::Arabic => &detectors[2],
        _ => &detectors[3],
    };
    let info = detector.detect(sample)?;
    Some((
        codes::whatlang_code(info.lang()),
        Evidence::Whatlang {
            confidence: info.confidence(),
        },
    ))
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

    fn code(text: &str) -> &'static str {
        detect(text).code
    }

    #[test]
    fn chinese_grammar_keeps_latin_heavy_chinese_chinese() {
        // Latin words outnumber the Han characters in each; 与, 和, 在, 上,
        // 的 are Chinese grammar (issue #13, kind 10).
        for text in [
            "Microsoft Azure与Amazon Web Services在AI cloud市场竞争",
            "Intel Core Ultra 9 285K和AMD Ryzen 9 9950X谁更强",
            "Claude Sonnet和Gemini Pro在coding benchmark上的得分",
            "Microsoft Teams與Zoom Workplace在企業市場的競爭",
        ] {
            assert_eq!(code(text), "zh", "{text}");
        }
    }

    #[test]
    fn english_quoting_chinese_names_stays_english() {
        for text in [
            "Interview with director Zhang Yimou (张艺谋) about his new film",
            "Xi Jinping (习近平) met foreign ministers in Beijing on Monday.",
            "The shop at 上海 Road sells fresh dumplings every morning.",
            "The phrase 和平 means peace, and it appears on the banner.",
        ] {
            assert_eq!(code(text), "en", "{text}");
        }
    }

    #[test]
    fn kana_particles_and_japanese_kanji_forms_make_japanese() {
        for text in [
            "日経平均株価終値三万円台回復の見通し",
            "国内自動車大手三社の決算発表",
            "衆議院予算委員会で集中審議",
            "5月 沖縄 格安航空券",
        ] {
            assert_eq!(code(text), "ja", "{text}");
        }
    }

    #[test]
    fn chinese_without_kana_is_not_japanese() {
        for text in [
            "市政府批准在市中心新建自行车道",
            "晶片製造商股價週二重挫",
            // 発 is a Japanese form, but Chinese grammar outweighs it.
            "这家公司的新产品発布会在上海举行了",
        ] {
            assert_eq!(code(text), "zh", "{text}");
        }
    }

    #[test]
    fn hangul_outweighs_english_brand_names() {
        for text in [
            "삼성전자 Galaxy S24 Ultra 국내 출시",
            "LG OLED evo TV 할인 행사",
            "Google은 Gemini를 Android에 기본 탑재한다고 밝혔다",
        ] {
            assert_eq!(code(text), "ko", "{text}");
        }
        assert_eq!(
            code("BTS member Jungkook (정국) tops the charts again"),
            "en"
        );
    }

    #[test]
    fn languages_whichlang_does_not_know_are_found() {
        assert_eq!(code("Akcje producenta chipów mocno w dół"), "pl");
        assert_eq!(code("Ceny jajek biją rekord"), "pl");
        assert_eq!(code("Perusahaan itu mengatakan bahwa labanya naik"), "id");
        assert_eq!(code("Harga telur pecahkan rekor hari ini"), "id");
    }

    #[test]
    fn short_headlines_in_whichlangs_languages() {
        assert_eq!(code("Scholen gaan volgende week weer open"), "nl");
        assert_eq!(code("Stadtrat beschließt neue Radwege"), "de");
        assert_eq!(code("Le prix des œufs atteint un record"), "fr");
        // Unaccented, no function word, and whichlang says French.
        assert_eq!(code("Ad sales boost Time Warner profit"), "en");
    }

    #[test]
    fn short_headlines_of_english_words_are_english() {
        // Headlines of BBC news that whichlang took for Dutch.
        assert_eq!(code("Markets signal Brazilian recovery"), "en");
        assert_eq!(code("Gangsters dominate gaming chart"), "en");
        // Acronyms and initials are not function words: the Italian ai,
        // the French sa and j'.
        assert_eq!(code("Moonshot AI bets"), "en");
        assert_eq!(code("Nvidia AI chips"), "en");
        assert_eq!(code("SA unveils new budget"), "en");
        assert_eq!(code("J&J agrees $25bn Guidant deal"), "en");
        // The other direction: short texts whose words are not English, or
        // that hold another language's function word, keep their language,
        // names and loanwords however English (Messi, Miami, premier).
        assert_eq!(code("Scholen gaan volgende week weer open"), "nl");
        assert_eq!(code("Open brief aan premier"), "nl");
        assert_eq!(code("Alerte canicule pour le week-end"), "fr");
        assert_eq!(code("Il governo taglia le tasse"), "it");
        assert_eq!(code("Sinner vince a Miami"), "it");
        assert_eq!(code("Messi y Ronaldo en Miami"), "es");
        assert_eq!(code("Crisis total en Argentina"), "es");
        assert_eq!(code("Harga telur pecahkan rekor hari ini"), "id");
        assert_eq!(code("L'euro recule face au dollar"), "fr");
        // One capital first is a word (Portuguese O, Polish W), not an
        // initial.
        assert_eq!(code("O governo aprova reforma"), "pt");
        assert_eq!(code("W Polsce rosnie bezrobocie"), "pl");
        // A text in capitals counts its words as words.
        assert_eq!(code("LE PRIX DES OEUFS ATTEINT UN RECORD"), "fr");
        assert_eq!(code("MESSI Y RONALDO EN MIAMI"), "es");
    }

    #[test]
    fn shared_scripts_go_to_their_usual_language_unless_foreign_letters_say_otherwise() {
        assert_eq!(code("Цены на яйца достигли рекорда"), "ru");
        assert_eq!(code("Ціни на яйця досягли рекорду в Києві"), "uk");
        assert_eq!(code("أسعار البيض تسجل رقما قياسيا"), "ar");
        assert_eq!(code("अंडों के दाम रिकॉर्ड स्तर पर"), "hi");
        assert_eq!(code("ราคาไข่ไก่พุ่งสูงสุดเป็นประวัติการณ์"), "th");
        assert_eq!(code("Οι τιμές των αυγών σε ρεκόρ"), "el");
    }

    #[test]
    fn confidence_is_low_where_nothing_vouched_for_the_language() {
        let unsure = detect("Botol minum baja tahan karat 750 ml");
        assert!(unsure.confidence < LOW_CONFIDENCE, "{unsure:?}");
        let sure = detect("市政府批准在市中心新建自行车道");
        assert!(sure.confidence > 0.9, "{sure:?}");
        let sure = detect("The company said profits had doubled in the last quarter.");
        assert!(sure.confidence > 0.9, "{sure:?}");
    }

    #[test]
    fn detection_reads_any_slice() {
        // A later per-run router asks about parts of a document.
        let text = "The report said: 市政府批准在市中心新建自行车道。 Then it went on in English.";
        let start = text.find('市').expect("Han run");
        let end = text.find('。').expect("full stop");
        assert_eq!(code(&text[start..end]), "zh");
        assert_eq!(code(&text[end + '。'.len_utf8()..]), "en");
    }
}
