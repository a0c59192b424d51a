//! Language runs: the stretches of a document written in one language, for
//! documents that change language (an English article quoting a Chinese
//! paragraph, a Japanese paragraph inside Chinese text).
//!
//! A run is made of whole sentences (cut after `。`, `!`, `?`, a line break,
//! or a `.` before whitespace) and changes only where the *script* changes:
//! a sentence is given a language of its own only when its main script
//! differs from the document's, or it is Han text whose language is in
//! doubt (Japanese in a Chinese document, Chinese in a Japanese one). So a
//! French sentence in an English article stays English (telling Latin-script
//! languages apart sentence by sentence would cost a detection per sentence
//! and be wrong on short ones), while a Chinese paragraph in it becomes a
//! `zh` run. A sentence needs [`MIN_RUN_UNITS`] units of its script (words;
//! characters of Han, kana and Hangul) and a detection of at least
//! [`LOW_CONFIDENCE`](super::LOW_CONFIDENCE) to stand on its own; shorter
//! ones (an English product name on a line of its own in a Chinese article)
//! join the run before them.
//!
//! Japanese and Chinese are told apart by kana: a sentence of a Chinese
//! document is Japanese when a fifth of its CJK characters or more are kana
//! (a Chinese sentence quoting a Japanese title has fewer); a Han sentence of
//! a Japanese document is Chinese when it holds two Chinese grammar
//! characters or more (的, 了, 在, ...) and the detector agrees. Kanji-only
//! Japanese inside Chinese text cannot be told apart and stays Chinese.
//!
//! Cost: a document whose text holds no letter outside Latin, Greek and
//! Cyrillic's neighbours is settled by one vectorized test of its bytes;
//! others get a script census of the whole text, and only those with two
//! scripts of [`MIN_RUN_UNITS`] units or more are cut into sentences.

use super::census::{Alphabet, Census, HAN_LOOKUPS};
use super::lexicon::lexicon;
use super::{LOW_CONFIDENCE, Language, detect};

/// The fewest units of its script (words; Han, kana and Hangul characters;
/// a third of a Thai, Lao, Khmer or Burmese character) a sentence needs to
/// start a run in another language than the document's.
pub const MIN_RUN_UNITS: usize = 5;

/// A stretch of a document in one language, in bytes of the normalized
/// text. Runs returned by [`language_runs`] tile the text, in order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LangRun {
    /// Byte offset where the run starts in the normalized text.
    pub start_byte: usize,
    /// Byte offset just past the run in the normalized text.
    pub end_byte: usize,
    /// The run's language.
    pub lang: Language,
}

/// The language runs of normalized `text`, whose language is `main`: one run
/// covering the whole text unless some sentences are in another language
/// (see the module documentation). Runs tile `text` (one empty run for an
/// empty text) and start on character boundaries; two neighbours never
/// share a language. A single run may be in another language than `main`:
/// when every sentence long enough to tell is (the detector reads a sample
/// and calls a Chinese text quoting a Japanese title Japanese).
pub fn language_runs(text: &str, main: Language) -> Vec<LangRun> {
    let whole = vec![LangRun {
        start_byte: 0,
        end_byte: text.len(),
        lang: main,
    }];
    if text.is_empty() || main.code == "und" || !may_hold_other_scripts(text) {
        return whole;
    }
    let lexicon = lexicon();
    let census = Census::of(text, lexicon);
    if !several_scripts(&census) {
        return whole;
    }
    let main_class = ScriptClass::of(&census);
    let mut runs: Vec<LangRun> = Vec::new();
    for (start, end) in sentences_of(text) {
        let slice = &text[start..end];
        let lang = sentence_language(slice, &Census::of(slice, lexicon), main, main_class);
        match (runs.len(), lang) {
            // Short sentences at the start join the first run that has a
            // language; those after it continue the run before them, and
            // so do sentences in its language.
            (0, None) => {}
            (n, None) => runs[n - 1].end_byte = end,
            (n, Some(lang)) if n > 0 && runs[n - 1].lang.code == lang.code => {
                runs[n - 1].end_byte = end;
            }
            (n, Some(lang)) => runs.push(LangRun {
                start_byte: if n == 0 { 0 } else { start },
                end_byte: end,
                lang,
            }),
        }
    }
    if runs.is_empty() {
        return whole;
    }
    runs
}

/// Whether `text` holds a character whose UTF-8 lead byte is 0xCE or more,
/// other than 0xE2 (General Punctuation, symbols, arrows): the lead bytes of
/// every script but Latin, its accents, and the first Greek letters. Text
/// without one is one run. One pass the compiler vectorizes.
fn may_hold_other_scripts(text: &str) -> bool {
    text.bytes()
        .fold(false, |any, b| any | ((b >= 0xCE) & (b != 0xE2)))
}

/// Whether two scripts of a census have [`MIN_RUN_UNITS`] units each, or
/// Han text comes with kana: only then can a sentence stand as a run in
/// another language than the document's (Han text with kana may be
/// Japanese, or Chinese quoting a Japanese name).
fn several_scripts(census: &Census) -> bool {
    if census.han >= MIN_RUN_UNITS && census.kana > 0 {
        return true;
    }
    let mut counts = vec![census.latin_words(), census.han, census.kana, census.hangul];
    if let Some((alphabet, units)) = census.main_alphabet()
        && alphabet != Alphabet::Latin
    {
        counts.push(units);
    }
    counts
        .iter()
        .filter(|&&units| units >= MIN_RUN_UNITS)
        .count()
        >= 2
}

/// The main script of a text, as far as runs are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScriptClass {
    /// Han characters with few or no kana.
    Han,
    /// Han and kana, a fifth of them kana or more.
    Japanese,
    Hangul,
    /// An alphabet (Latin, Cyrillic, Thai, ...).
    Alphabet(Alphabet),
    /// No letters.
    None,
}

impl ScriptClass {
    fn of(census: &Census) -> ScriptClass {
        let cjk = census.han + census.kana;
        let (alphabet, units) = census.main_alphabet().unwrap_or((Alphabet::Latin, 0));
        let most = cjk.max(census.hangul).max(units);
        if most == 0 {
            ScriptClass::None
        } else if cjk == most {
            if census.kana * 5 >= cjk {
                ScriptClass::Japanese
            } else {
                ScriptClass::Han
            }
        } else if census.hangul == most {
            ScriptClass::Hangul
        } else {
            ScriptClass::Alphabet(alphabet)
        }
    }
}

/// The language of one sentence of a document in language `main`, whose
/// main script is `main_class`; `None` when the sentence is too short or the
/// detector unsure, so that it joins the run before it.
fn sentence_language(
    sentence: &str,
    census: &Census,
    main: Language,
    main_class: ScriptClass,
) -> Option<Language> {
    let class = ScriptClass::of(census);
    let units = match class {
        ScriptClass::None => return None,
        ScriptClass::Han | ScriptClass::Japanese => census.han + census.kana,
        ScriptClass::Hangul => census.hangul,
        ScriptClass::Alphabet(alphabet) => census.units(alphabet),
    };
    if units < MIN_RUN_UNITS {
        return None;
    }
    let same = |code: &'static str| Some(Language { code, ..main });
    match class {
        ScriptClass::Japanese => return same("ja"),
        ScriptClass::Han => {
            // The detector calls a text with two kana Japanese; a sentence
            // with a few (a Japanese title quoted in Chinese, a Japanese
            // headline with a particle) is told by its grammar instead.
            let chinese = chinese_grammar(census);
            if census.kana > 0 || main.code == "ja" {
                return same(if chinese { "zh" } else { "ja" });
            }
            if main.code == "zh" {
                return same("zh");
            }
        }
        _ if class == main_class => return same(main.code),
        _ => {}
    }
    let found = detect(sentence);
    (found.confidence >= LOW_CONFIDENCE).then_some(found)
}

/// Whether the Han characters of a sentence are held together by Chinese
/// grammar: two grammar characters or more (的, 了, 在, 这, 们, ...; see the
/// detector's lexicon), and one in ten of the Han characters looked up.
/// Japanese writes some of them inside words (経済的, 会社), but rarely that
/// many.
fn chinese_grammar(census: &Census) -> bool {
    let looked_up = census.han.min(HAN_LOOKUPS);
    census.han_grammar >= 2 && census.han_grammar * 10 >= looked_up
}

/// The sentences of `text` as byte ranges that tile it: each ends after a
/// line break, `。`, `!` or `?` and the whitespace after it, or after a `.`
/// followed by whitespace.
fn sentences_of(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at < bytes.len() {
        let end = match bytes[at] {
            b'\n' | b'!' | b'?' => at + 1,
            b'.' if bytes.get(at + 1).is_some_and(u8::is_ascii_whitespace) => at + 1,
            // 。 U+3002
            0xE3 if bytes[at..].starts_with("。".as_bytes()) => at + 3,
            _ => {
                at += 1;
                continue;
            }
        };
        let mut end = end;
        while bytes.get(end).is_some_and(u8::is_ascii_whitespace) {
            end += 1;
        }
        out.push((start, end));
        start = end;
        at = end;
    }
    if start < bytes.len() {
        out.push((start, bytes.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(text: &str) -> Vec<(&str, &str)> {
        let main = detect(text);
        language_runs(text, main)
            .into_iter()
            .map(|r| (r.lang.code, &text[r.start_byte..r.end_byte]))
            .collect()
    }

    #[test]
    fn one_language_is_one_run() {
        let text = "The company said profits doubled. 月之暗面 is its Chinese name.";
        assert_eq!(runs(text), [("en", text)]);
        let text = "据 ChainThink 报道,DeepSeek 与 MiniMax 在 GitHub 上开源了新模型。开发者可以通过 API 调用。";
        assert_eq!(runs(text), [("zh", text)]);
        assert_eq!(runs(""), [("und", "")]);
    }

    #[test]
    fn a_chinese_paragraph_in_an_english_article_is_a_run() {
        let english =
            "The minister spoke to reporters on Monday morning. He quoted the statement in full:\n";
        let chinese = "市政府昨天批准了在市中心新建自行车道的计划。该计划将在明年完成。\n";
        let after = "Officials said the work would begin in spring and end next year.";
        let text = format!("{english}{chinese}{after}");
        assert_eq!(
            runs(&text),
            [("en", english), ("zh", chinese), ("en", after)]
        );
    }

    #[test]
    fn a_japanese_paragraph_in_chinese_text_is_a_run() {
        let chinese = "日本首相昨天在东京发表讲话,他说:\n";
        let japanese =
            "私たちは新しい経済対策を実行していきます。国民の皆さまのご理解をお願いします。\n";
        let after = "这番讲话引起了广泛关注。";
        let text = format!("{chinese}{japanese}{after}");
        assert_eq!(
            runs(&text),
            [("zh", chinese), ("ja", japanese), ("zh", after)]
        );
    }

    #[test]
    fn short_foreign_sentences_and_names_are_no_run() {
        // A product name on its own line, a Japanese title quoted in a
        // Chinese sentence: below the minimum, or not Japanese enough.
        let text = "苹果公司今天发布了新手机。\niPhone 16 Pro Max\n这款手机的价格比去年更高。";
        assert_eq!(runs(text), [("zh", text)]);
        let text =
            "宫崎骏的电影《千と千尋の神隠し》在中国上映了,票房很高。观众们都很喜欢这部电影。";
        // The detector says Japanese (two kana); the sentences say Chinese.
        assert_eq!(detect(text).code, "ja");
        assert_eq!(runs(text), [("zh", text)]);
    }

    #[test]
    fn runs_tile_the_text_on_char_boundaries() {
        let text = "Intro line here in English for the readers today.\n한국 정부는 새로운 경제 정책을 발표했다. 시장은 긍정적으로 반응했다.\nThe end of the article is in English again.";
        let found = language_runs(text, detect(text));
        assert_eq!(found.first().map(|r| r.start_byte), Some(0));
        assert_eq!(found.last().map(|r| r.end_byte), Some(text.len()));
        for pair in found.windows(2) {
            assert_eq!(pair[0].end_byte, pair[1].start_byte);
            assert_ne!(pair[0].lang.code, pair[1].lang.code);
        }
        assert!(found.iter().all(|r| text.is_char_boundary(r.start_byte)));
        let codes: Vec<&str> = found.iter().map(|r| r.lang.code).collect();
        assert_eq!(codes, ["en", "ko", "en"]);
    }

    #[test]
    fn the_byte_test_settles_latin_text() {
        assert!(!may_hold_other_scripts("Café, naïve résumé — £5 €3"));
        assert!(may_hold_other_scripts("a 中"));
        assert!(may_hold_other_scripts("Привет"));
    }

    #[test]
    fn sentences_tile_the_text() {
        let text = "First one. Second!  第三。第四?U.S. 3.5 end";
        let cuts = sentences_of(text);
        assert_eq!(
            cuts.iter().map(|&(s, e)| &text[s..e]).collect::<Vec<_>>(),
            [
                "First one. ",
                "Second!  ",
                "第三。",
                "第四?",
                "U.S. ",
                "3.5 end"
            ]
        );
    }
}
