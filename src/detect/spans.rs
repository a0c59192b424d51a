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

use super::census::{Census, HAN_LOOKUPS};
use super::lexicon::lexicon;
use super::{LOW_CONFIDENCE, Language, detect};
use crate::ascii;

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

/// The language runs of normalized `text`, whose language is `main`, when
/// it has more than one (see the module documentation); empty when the
/// whole text is one run in `main`, the common case, which allocates
/// nothing. Runs tile `text`, start on character boundaries, and two
/// neighbours never share a language. A single run may be returned, in
/// another language than `main`: when every sentence long enough to tell is
/// in that language (the detector reads a sample, and calls a Chinese text
/// quoting a Japanese title Japanese).
pub fn language_runs(text: &str, main: Language) -> Vec<LangRun> {
    if main.code == "und" || !may_hold_other_scripts(text) {
        return Vec::new();
    }
    if !may_hold_several_scripts(text) {
        return Vec::new();
    }
    let counts = Counts::of(text);
    if !counts.several_scripts() {
        return Vec::new();
    }
    let main_class = counts.class();
    let mut runs: Vec<LangRun> = Vec::new();
    for (start, end) in sentences_of(text) {
        let lang = sentence_language(&text[start..end], main, main_class);
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
    if let [only] = runs.as_slice()
        && only.lang.code == main.code
    {
        return Vec::new();
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

/// Whether `text` may hold two scripts of [`MIN_RUN_UNITS`] units each, or
/// Han and kana, by counts of UTF-8 lead bytes that overcount (CJK
/// punctuation counts as Han, Hangul's lead bytes hold other scripts too):
/// one vectorized pass per script, before [`Counts::of`] decodes anything.
/// Most Chinese text has too few Latin letters to hold an English sentence.
fn may_hold_several_scripts(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some((&first, rest)) = bytes.split_first() else {
        return false;
    };
    // Byte counters summed per chunk, so that the compiler vectorizes the
    // inner loop (a chunk cannot overflow them). Each byte is looked at
    // with the one before it, for kana (0xE3 then 0x81 to 0x83 or 0x87).
    let (mut latin, mut cjk, mut hangul, mut alphabets, mut kana) = (0, 0, 0, 0, 0);
    let count = |b: u8, previous: u8, sums: &mut [u8; 5]| {
        let lower = b | 0x20;
        sums[0] += u8::from((lower.wrapping_sub(b'a') < 26) | (b.wrapping_sub(0xC3) < 0x0B));
        sums[1] += u8::from((b.wrapping_sub(0xE3) < 7) | (b == 0xEF) | (b == 0xF0));
        sums[2] += u8::from(b.wrapping_sub(0xEA) < 4);
        sums[3] += u8::from(b.wrapping_sub(0xCE) < 0x14);
        sums[4] += u8::from((previous == 0xE3) & ((b.wrapping_sub(0x81) < 3) | (b == 0x87)));
    };
    // The first byte has no byte before it; the others pair with theirs.
    let mut sums = [0u8; 5];
    count(first, 0, &mut sums);
    for (chunk, previous) in rest.chunks(254).zip(bytes.chunks(254)) {
        for (&b, &p) in chunk.iter().zip(previous) {
            count(b, p, &mut sums);
        }
        latin += usize::from(sums[0]);
        cjk += usize::from(sums[1]);
        hangul += usize::from(sums[2]);
        alphabets += usize::from(sums[3]);
        kana += usize::from(sums[4]);
        sums = [0; 5];
    }
    let (latin, alphabets) = (latin / 4, alphabets / 3);
    let several = [latin, cjk, hangul, alphabets]
        .iter()
        .filter(|&&units| units >= MIN_RUN_UNITS)
        .count()
        >= 2;
    several || (cjk >= MIN_RUN_UNITS && kana > 0)
}

/// A cheap census of a text's scripts, read from UTF-8 lead bytes (and the
/// second byte where a lead byte covers several scripts) without decoding
/// characters: what decides whether a text may hold runs, and the script of
/// most sentences. Units as [`MIN_RUN_UNITS`] counts them, approximately:
/// Latin words are a quarter of the Latin letters, other alphabets' words a
/// fifth of their letters.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    latin_letters: usize,
    han: usize,
    kana: usize,
    hangul: usize,
    /// Letters of the other alphabets written with spaces (Greek to Arabic,
    /// Indic scripts, Georgian, ...).
    alphabet_letters: usize,
    /// Thai, Lao, Burmese and Khmer characters.
    unspaced: usize,
}

impl Counts {
    fn of(text: &str) -> Counts {
        let mut counts = Counts::default();
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let lead = bytes[at];
            if lead < 0x80 {
                if let Some(block) = ascii::block_at(bytes, at)
                    && block & ascii::HIGH_BITS == 0
                {
                    counts.latin_letters += ascii::count_lanes(ascii::letters(block));
                    at += 8;
                } else {
                    counts.latin_letters += usize::from(lead.is_ascii_alphabetic());
                    at += 1;
                }
                continue;
            }
            // Most of Chinese and Japanese text: U+4000 to U+9FFF.
            if (0xE4..=0xE9).contains(&lead) {
                counts.han += 1;
                at += 3;
                continue;
            }
            let second = bytes.get(at + 1).copied().unwrap_or(0);
            let len = match lead {
                0..0x80 => 1,    // handled above
                0x80..0xC0 => 1, // not a lead byte: cannot happen in a str
                // U+0080 to U+00BF: symbols and spaces (£, ©).
                0xC0..0xC3 => 2,
                0xC3..0xCE => {
                    counts.latin_letters += 1;
                    2
                }
                0xCE..0xE0 => {
                    counts.alphabet_letters += 1;
                    2
                }
                0xE0..0xF0 => {
                    match (lead, second) {
                        (0xE0, 0xB8..=0xBB) | (0xE1, 0x80..=0x81 | 0x9E..=0x9F) => {
                            counts.unspaced += 1;
                        }
                        // U+1080 to U+109F: Burmese; Georgian follows.
                        (0xE1, 0x82) if bytes.get(at + 2).is_some_and(|&b| b < 0xA0) => {
                            counts.unspaced += 1;
                        }
                        (0xE0 | 0xE1, _) => counts.alphabet_letters += 1,
                        (0xE3, 0x81..=0x83 | 0x87) => counts.kana += 1,
                        (0xE3, 0x90..) | (0xE4..=0xE9, _) | (0xEF, 0xA4..=0xAB) => counts.han += 1,
                        (0xEA, 0xB0..) | (0xEB..=0xEC, _) | (0xED, ..=0x9E) => counts.hangul += 1,
                        _ => {}
                    }
                    3
                }
                _ => {
                    // Four bytes: the Han extensions from U+20000 on.
                    counts.han += usize::from(matches!(second, 0xA0..=0xB3));
                    4
                }
            };
            at += len;
        }
        counts
    }

    fn latin_units(&self) -> usize {
        self.latin_letters / 4
    }

    fn alphabet_units(&self) -> usize {
        self.alphabet_letters / 5 + self.unspaced / 3
    }

    /// Whether two scripts have [`MIN_RUN_UNITS`] units each, or Han text
    /// comes with kana: only then can a sentence stand as a run in another
    /// language than the document's (Han text with kana may be Japanese, or
    /// Chinese quoting a Japanese name).
    fn several_scripts(&self) -> bool {
        if self.han >= MIN_RUN_UNITS && self.kana > 0 {
            return true;
        }
        [
            self.latin_units(),
            self.han + self.kana,
            self.hangul,
            self.alphabet_units(),
        ]
        .iter()
        .filter(|&&units| units >= MIN_RUN_UNITS)
        .count()
            >= 2
    }

    /// The main script, and its units.
    fn class_and_units(&self) -> (ScriptClass, usize) {
        let cjk = self.han + self.kana;
        let (latin, other) = (self.latin_units(), self.alphabet_units());
        let most = cjk.max(self.hangul).max(latin).max(other);
        let class = if most == 0 {
            ScriptClass::None
        } else if cjk == most {
            if self.kana * 5 >= cjk {
                ScriptClass::Japanese
            } else {
                ScriptClass::Han
            }
        } else if self.hangul == most {
            ScriptClass::Hangul
        } else if latin == most {
            ScriptClass::Latin
        } else {
            ScriptClass::OtherAlphabet
        };
        (class, most)
    }

    fn class(&self) -> ScriptClass {
        self.class_and_units().0
    }
}

/// The main script of a text, as far as runs are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScriptClass {
    /// Han characters with few or no kana.
    Han,
    /// Han and kana, a fifth of them kana or more.
    Japanese,
    Hangul,
    Latin,
    /// Another alphabet (Cyrillic, Arabic, Thai, ...).
    OtherAlphabet,
    /// No letters.
    None,
}

/// The language of one sentence of a document in language `main`, whose
/// main script is `main_class`; `None` when the sentence is too short or the
/// detector unsure, so that it joins the run before it.
fn sentence_language(sentence: &str, main: Language, main_class: ScriptClass) -> Option<Language> {
    let counts = Counts::of(sentence);
    let (class, units) = counts.class_and_units();
    if class == ScriptClass::None || units < MIN_RUN_UNITS {
        return None;
    }
    let same = |code: &'static str| Some(Language { code, ..main });
    match class {
        ScriptClass::Japanese => return same("ja"),
        ScriptClass::Han if counts.kana == 0 && main.code == "zh" => return same("zh"),
        ScriptClass::Han if counts.kana > 0 || main.code == "ja" => {
            // The detector calls a text with two kana Japanese; a sentence
            // with a few (a Japanese title quoted in Chinese, a Japanese
            // headline with a particle) is told by its grammar instead.
            let chinese = chinese_grammar(&Census::of(sentence, lexicon()));
            return same(if chinese { "zh" } else { "ja" });
        }
        ScriptClass::Han => {}
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
/// or `:` followed by whitespace; a quotation opened after whitespace (`"`,
/// `“`, `「`, `『`, `«`) also starts a sentence of its own. Quotations and
/// colons are where an article switches language inside a sentence (`... in
/// the original: "中华人民共和国..."`): without these cuts the English words
/// before the quote would join the quote's run.
fn sentences_of(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at < bytes.len() {
        let end = match bytes[at] {
            b'\n' | b'!' | b'?' => at + 1,
            b'.' | b':' if bytes.get(at + 1).is_some_and(u8::is_ascii_whitespace) => at + 1,
            // 。 U+3002
            0xE3 if bytes[at..].starts_with("。".as_bytes()) => at + 3,
            _ if at > start
                && opens_quotation(&bytes[at..])
                && bytes[at - 1].is_ascii_whitespace() =>
            {
                // The quotation starts the next sentence.
                out.push((start, at));
                start = at;
                at += 1;
                continue;
            }
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

/// Whether `rest` starts with an opening quotation mark.
fn opens_quotation(rest: &[u8]) -> bool {
    ["\"", "“", "「", "『", "«"]
        .iter()
        .any(|mark| rest.starts_with(mark.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runs of `text`, with the whole text as one run in the detected
    /// language when `language_runs` finds none.
    fn runs(text: &str) -> Vec<(&str, &str)> {
        let main = detect(text);
        let found = language_runs(text, main);
        if found.is_empty() {
            return vec![(main.code, text)];
        }
        found
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
    fn a_chinese_quotation_inside_an_english_sentence_is_a_run() {
        let english = "The minister read a short passage from the report in the original: ";
        let chinese = "\"中华人民共和国成立以来,经济发展迅速,人民生活水平不断提高。";
        let after = "\" After the reading, the delegates asked about tariffs and talks.";
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
    fn byte_counts_agree_with_the_scripts_of_characters() {
        use crate::script::{is_han, is_kana, is_south_east_asian};
        for c in ('\u{80}'..='\u{FFFF}').chain('\u{20000}'..='\u{20010}') {
            let counts = Counts::of(c.encode_utf8(&mut [0; 4]));
            // 々 and 〇 sit among the CJK punctuation; the Yijing symbols
            // and CJK strokes among Han and kana: a census may miss or add
            // them.
            if matches!(c, '\u{3005}' | '\u{3007}' | '\u{4DC0}'..='\u{4DFF}' | '\u{31C0}'..='\u{31EF}')
            {
                continue;
            }
            assert_eq!(counts.han == 1, is_han(c), "{c:?}");
            assert_eq!(counts.kana == 1, is_kana(c) || c == '\u{30FB}', "{c:?}");
            assert_eq!(
                counts.unspaced == 1,
                is_south_east_asian(c) && c < '\u{A900}' && !('\u{19E0}'..='\u{19FF}').contains(&c),
                "{c:?}"
            );
            if matches!(c, '\u{AC00}'..='\u{D7A3}') {
                assert_eq!(counts.hangul, 1, "{c:?}");
            }
        }
        let counts = Counts::of("Hello wörld, Привет 東京 で 한국 ไทย");
        assert_eq!(
            (
                counts.latin_letters,
                counts.alphabet_letters,
                counts.han,
                counts.kana,
                counts.hangul,
                counts.unspaced
            ),
            (10, 6, 2, 1, 2, 3)
        );
    }

    proptest::proptest! {
        /// The byte test before the census never turns away a text the
        /// census would cut into runs.
        #[test]
        fn the_quick_test_overcounts(text in "[a-zé £。、東京中国のソ한국ไทยПр\\n. ]{0,80}") {
            if Counts::of(&text).several_scripts() {
                proptest::prop_assert!(may_hold_several_scripts(&text));
            }
        }
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
        // Quotations opened after whitespace and colons before whitespace
        // cut; a closing quote, a colon in 10:30 and a quote inside a word
        // do not.
        let text = "He said: \"第一。\" Then «non» at 10:30 it\"s 「東京」 ok";
        let cuts = sentences_of(text);
        assert_eq!(
            cuts.iter().map(|&(s, e)| &text[s..e]).collect::<Vec<_>>(),
            [
                "He said: ",
                "\"第一。",
                "\" Then ",
                "«non» at 10:30 it\"s ",
                "「東京」 ok"
            ]
        );
    }
}
