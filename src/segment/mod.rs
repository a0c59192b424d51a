//! Stage 3: segmentation into index terms, routed by script.
//!
//! Han runs go to the Chinese segmenter (jieba's dictionary and algorithm,
//! with the alias table's Chinese names as dictionary words); everything else
//! goes to the word segmenter (Unicode word boundaries with rules for
//! English). The routing is per run, so
//! Latin names inside Chinese text are tokenized like English and Han runs
//! inside English text are segmented like Chinese. Japanese documents are the
//! exception: their Han runs are Japanese words, which a Chinese dictionary
//! would split wrongly, so they go to the word segmenter whole.

pub mod chinese;
pub mod dictionary;
mod huge_pages;
pub mod words;

use std::borrow::Cow;

use crate::detect::Language;
use crate::script::{is_common_han_lead_byte, is_common_punctuation, is_han};

pub use chinese::ChineseSegmenter;
pub use words::WordSegmenter;

/// One index term and where it stands in the normalized text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Token<'t> {
    /// The index term: lowercased, possessive dropped, dots of acronyms removed.
    pub term: Cow<'t, str>,
    /// Byte offset of the token's first character in the normalized text.
    pub start: usize,
    /// Byte offset just past the token's last character in the normalized text.
    pub end: usize,
}

/// A segmenter for one kind of run: appends the tokens of `run`, which starts
/// at byte `base` of the normalized text, to `out`.
///
/// `lower` is `run` with ASCII letters lowercased (same length), so that
/// lowercase terms can borrow from it instead of allocating one string per token.
pub trait Segment {
    /// Segments `run` into tokens whose offsets are shifted by `base`.
    fn segment<'t>(&self, run: &'t str, lower: &'t str, base: usize, out: &mut Vec<Token<'t>>);
}

/// Routes runs of a document to the segmenter for their script.
#[derive(Debug, Default)]
pub struct Router {
    words: WordSegmenter,
    chinese: ChineseSegmenter,
}

impl Router {
    /// A router whose Chinese segmenter knows `dictionary_words` (alias names,
    /// blockers) in addition to jieba's own dictionary.
    pub fn new(dictionary_words: Vec<String>) -> Router {
        Router {
            words: WordSegmenter,
            chinese: ChineseSegmenter::new(dictionary_words),
        }
    }

    /// The tokens of normalized `text`, a document in language `lang`;
    /// `lower` is `text` with ASCII letters lowercased.
    pub fn segment<'t>(&self, text: &'t str, lower: &'t str, lang: Language) -> Vec<Token<'t>> {
        debug_assert_eq!(text.len(), lower.len());
        let mut tokens = Vec::with_capacity(text.len() / 4);
        if lang.is_japanese() {
            self.words.segment(text, lower, 0, &mut tokens);
            return tokens;
        }
        // Han characters are three or four bytes with a lead byte of 0xE3 or
        // more; text without one is a single run for the word segmenter.
        if !text.bytes().any(|b| b >= 0xE3) {
            self.words.segment(text, lower, 0, &mut tokens);
            return tokens;
        }
        // Han runs go to the Chinese segmenter together with the punctuation
        // between them (a clause rarely runs past a comma), so that it
        // segments a whole stretch of text at once. Punctuation is safe to
        // hand over: without a letter or digit, a run gives the word
        // segmenter no token, and the Chinese segmenter drops it too.
        let mut han_span: Option<(usize, usize)> = None;
        for (start, end, han) in script_runs(text) {
            if han || (han_span.is_some() && !has_word_character(&text[start..end])) {
                han_span = Some((han_span.map_or(start, |(first, _)| first), end));
                continue;
            }
            if let Some((first, last)) = han_span.take() {
                let (span, lower_span) = (&text[first..last], &lower[first..last]);
                self.chinese.segment(span, lower_span, first, &mut tokens);
            }
            let (run, lower_run) = (&text[start..end], &lower[start..end]);
            self.words.segment(run, lower_run, start, &mut tokens);
        }
        if let Some((first, last)) = han_span {
            let (span, lower_span) = (&text[first..last], &lower[first..last]);
            self.chinese.segment(span, lower_span, first, &mut tokens);
        }
        attach_units_to_numbers(text, &mut tokens);
        tokens
    }

    /// Search mode: the parts of `token` worth indexing on their own, each
    /// with its span: dictionary words of two or three characters inside a
    /// longer Chinese word (jieba's `cut_for_search`), or the pieces of a
    /// hyphenated compound.
    pub fn search_parts<'t>(&self, token: &Token<'t>, out: &mut Vec<Token<'t>>) {
        let term = token.term.as_ref();
        if term.starts_with(is_han) {
            let chars: Vec<(usize, char)> = term.char_indices().collect();
            if chars.len() < 3 || !chars.iter().all(|&(_, c)| is_han(c)) {
                return;
            }
            for width in [2, 3] {
                for first in 0..chars.len().saturating_sub(width - 1) {
                    if width == chars.len() {
                        continue;
                    }
                    let from = chars[first].0;
                    let to = chars.get(first + width).map_or(term.len(), |&(b, _)| b);
                    if self.chinese.has_word(&term[from..to]) {
                        out.push(Token {
                            term: Cow::Owned(term[from..to].to_string()),
                            start: token.start + from,
                            end: token.start + to,
                        });
                    }
                }
            }
        } else if term.contains('-') && term.len() == token.end - token.start {
            let mut offset = 0;
            for piece in term.split('-') {
                if !piece.is_empty() && piece.len() < term.len() {
                    out.push(Token {
                        term: Cow::Owned(piece.to_string()),
                        start: token.start + offset,
                        end: token.start + offset + piece.len(),
                    });
                }
                offset += piece.len() + 1;
            }
        }
    }

    /// Whether `word` is in the Chinese dictionary (loading it if needed).
    pub fn is_dictionary_word(&self, word: &str) -> bool {
        self.chinese.has_word(word)
    }

    /// Whether `word` is in jieba's own dictionary, not only added from the
    /// alias table (loading it if needed).
    pub fn is_common_word(&self, word: &str) -> bool {
        self.chinese.has_common_word(word)
    }

    /// The frequency of `word` in the Chinese dictionary (jieba's counts;
    /// added names get the frequency that keeps them whole), 0 when it is
    /// not a word (loading the dictionary if needed).
    pub fn word_frequency(&self, word: &str) -> u64 {
        self.chinese.word_frequency(word)
    }
}

/// Units that belong to the number written before them: 2001年, 12月, 31日,
/// 90亿. Chinese dictionaries do not know Arabic digits, so the number comes
/// from the word segmenter and its unit from jieba; they are joined here.
const NUMBER_UNITS: [char; 10] = ['年', '月', '日', '号', '时', '亿', '万', '千', '百', '%'];

/// Joins each number token with the unit token right after it, in one pass
/// that compacts the tokens in place (removing joined tokens one by one
/// would shift the rest each time: quadratic on `2001年，` repeated).
fn attach_units_to_numbers(text: &str, tokens: &mut Vec<Token<'_>>) {
    split_names_from_numbers(text, tokens);
    let mut kept = 0;
    let mut i = 0;
    while i < tokens.len() {
        let mut token = std::mem::take(&mut tokens[i]);
        i += 1;
        if let Some(next) = tokens.get_mut(i)
            && token.end == next.start
            && is_number(&token.term)
        {
            let unit_len: usize = text[next.start..next.end]
                .chars()
                .enumerate()
                .take_while(|&(n, c)| {
                    NUMBER_UNITS.contains(&c) && (n == 0 || matches!(c, '万' | '亿'))
                })
                .map(|(_, c)| c.len_utf8())
                .sum();
            if unit_len > 0 {
                token.term = Cow::Owned(format!("{}{}", token.term, &next.term[..unit_len]));
                token.end = next.start + unit_len;
                if token.end == next.end {
                    i += 1; // the unit is used up
                } else {
                    next.start += unit_len;
                    next.term = match std::mem::take(&mut next.term) {
                        Cow::Borrowed(t) => Cow::Borrowed(&t[unit_len..]),
                        Cow::Owned(t) => Cow::Owned(t[unit_len..].to_string()),
                    };
                }
            }
        }
        tokens[kept] = token;
        kept += 1;
    }
    tokens.truncate(kept);
}

/// Whether `term` is a number written with digits (and separators).
fn is_number(term: &str) -> bool {
    term.starts_with(|c: char| c.is_ascii_digit())
        && term
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

/// A Latin word run into a number that a Chinese unit follows (Nvidia3月财报):
/// the script changes twice, and the number belongs to the unit, so the
/// word (a name, here) becomes a token of its own and the number another,
/// which the unit then joins. Words whose digits are part of them (H100芯片,
/// A380客机) are followed by no unit and stay whole.
fn split_names_from_numbers(text: &str, tokens: &mut Vec<Token<'_>>) {
    let splits: Vec<(usize, usize)> = (0..tokens.len().saturating_sub(1))
        .filter_map(|i| name_before_number(text, &tokens[i], &tokens[i + 1]).map(|d| (i, d)))
        .collect();
    if splits.is_empty() {
        return;
    }
    // One pass into a new list: inserting in place would shift the rest of
    // the tokens at every split.
    let mut out = Vec::with_capacity(tokens.len() + splits.len());
    let mut splits = splits.into_iter().peekable();
    for (i, token) in tokens.drain(..).enumerate() {
        let Some((_, digits)) = splits.next_if(|&(at, _)| at == i) else {
            out.push(token);
            continue;
        };
        let (start, end, split) = (token.start, token.end, token.start + digits);
        let (word, number) = match token.term {
            Cow::Borrowed(t) => (Cow::Borrowed(&t[..digits]), Cow::Borrowed(&t[digits..])),
            Cow::Owned(t) => (
                Cow::Owned(t[..digits].to_string()),
                Cow::Owned(t[digits..].to_string()),
            ),
        };
        out.push(Token {
            term: word,
            start,
            end: split,
        });
        out.push(Token {
            term: number,
            start: split,
            end,
        });
    }
    *tokens = out;
}

/// Where the digits start in `token` when it is a Latin word run into a
/// number that a Chinese unit in `next` follows (see
/// [`split_names_from_numbers`]).
fn name_before_number(text: &str, token: &Token<'_>, next: &Token<'_>) -> Option<usize> {
    let term = token.term.as_ref();
    let digits = term.find(|c: char| c.is_ascii_digit())?;
    let name_like = digits >= 2
        && term[..digits].bytes().all(|b| b.is_ascii_alphabetic())
        && term[digits..].bytes().all(|b| b.is_ascii_digit());
    let unit_follows = token.end == next.start
        && text[next.start..]
            .chars()
            .next()
            .is_some_and(|c| NUMBER_UNITS.contains(&c) && c != '%');
    // Terms and surface align: the surface is ASCII of the same length.
    (name_like && unit_follows && token.end - token.start == term.len()).then_some(digits)
}

/// Whether `run` holds a letter or digit: what every token of the word
/// segmenter starts from.
fn has_word_character(run: &str) -> bool {
    run.chars().any(|c| {
        if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            !is_common_punctuation(c) && c.is_alphanumeric()
        }
    })
}

/// Splits `text` into maximal runs of Han and of non-Han characters:
/// `(start, end, is_han)` in bytes.
fn script_runs(text: &str) -> impl Iterator<Item = (usize, usize, bool)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let start = at;
        let (han, len) = han_at(text, at);
        at += len;
        while at < text.len() {
            let (next_han, len) = han_at(text, at);
            if next_han != han {
                break;
            }
            at += len;
        }
        Some((start, at, han))
    })
}

/// Whether the character at byte `at` of `text` is Han, and its length.
#[inline]
fn han_at(text: &str, at: usize) -> (bool, usize) {
    match text.as_bytes()[at] {
        lead if lead < 0x80 => (false, 1),
        lead if is_common_han_lead_byte(lead) => (true, 3),
        _ => {
            let c = text[at..].chars().next().expect("a char boundary");
            (is_han(c), c.len_utf8())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str, code: &'static str) -> Vec<String> {
        let router = Router::new(vec!["月之暗面".to_string()]);
        let lang = Language {
            code,
            confidence: 1.0,
        };
        let lower = text.to_ascii_lowercase();
        router
            .segment(text, &lower, lang)
            .into_iter()
            .map(|t| t.term.into_owned())
            .collect()
    }

    #[test]
    fn latin_runs_in_chinese_text_are_tokenized_like_english() {
        assert_eq!(
            terms("被点名的DeepSeek、月之暗面与Kevin S. Xu", "zh"),
            [
                "被",
                "点名",
                "的",
                "deepseek",
                "月之暗面",
                "与",
                "kevin",
                "s",
                "xu"
            ]
        );
    }

    #[test]
    fn han_runs_in_english_text_are_segmented_like_chinese() {
        assert_eq!(
            terms("Moonshot (月之暗面) said", "en"),
            ["moonshot", "月之暗面", "said"]
        );
    }

    #[test]
    fn punctuation_between_han_runs_gives_no_token() {
        assert_eq!(
            terms("月之暗面,发布。新模型🚀!——“好” 2024年", "zh"),
            ["月之暗面", "发布", "新", "模型", "好", "2024年"]
        );
        assert_eq!(terms("中〇、々", "zh"), ["中", "〇", "々"]);
    }

    proptest::proptest! {
        /// Handing punctuation between Han runs to the Chinese segmenter
        /// changes nothing: the tokens are those of segmenting run by run.
        #[test]
        fn spans_cut_as_runs_one_by_one(indices in proptest::collection::vec(0..SPAN_ALPHABET.len(), 0..40)) {
            let text: String = indices.iter().map(|&i| SPAN_ALPHABET[i]).collect();
            let lower = text.to_ascii_lowercase();
            let router = Router::new(vec!["月之暗面".to_string()]);
            let lang = Language { code: "zh", confidence: 1.0 };
            let mut expected = Vec::new();
            for (start, end, han) in script_runs(&text) {
                let (run, lower_run) = (&text[start..end], &lower[start..end]);
                if han {
                    router.chinese.segment(run, lower_run, start, &mut expected);
                } else {
                    router.words.segment(run, lower_run, start, &mut expected);
                }
            }
            attach_units_to_numbers(&text, &mut expected);
            proptest::prop_assert_eq!(router.segment(&text, &lower, lang), expected);
        }
    }

    /// Pieces of text for the span property: Han words and characters
    /// outside jieba's class, punctuation and symbols of every width, Latin,
    /// digits and spaces.
    const SPAN_ALPHABET: [&str; 24] = [
        "月之暗面",
        "中国",
        "发布",
        "模型",
        "二〇〇一年",
        "々",
        "𠀀",
        ",",
        "。",
        "、",
        "——",
        "“",
        "🚀",
        " ",
        "!",
        "_",
        "Kimi",
        "AI",
        "2024",
        "%",
        "$",
        "é",
        "-",
        "《",
    ];

    #[test]
    fn japanese_han_is_not_cut_with_the_chinese_dictionary() {
        assert_eq!(terms("東京タワー", "ja"), ["東", "京", "タワー"]);
    }

    #[test]
    fn numbers_keep_their_units() {
        assert_eq!(terms("2000年12月31日", "zh"), ["2000年", "12月", "31日"]);
        assert_eq!(
            terms("融资90亿美元,增长10%", "zh"),
            ["融资", "90亿", "美元", "增长", "10%"]
        );
        assert_eq!(terms("1.5万亿元", "zh"), ["1.5万亿", "元"]);
    }

    /// The joining rule stated plainly, one removal at a time (quadratic):
    /// the reference for the one-pass version.
    fn attach_units_model(text: &str, tokens: &mut Vec<Token<'_>>) {
        let mut i = 0;
        while i + 1 < tokens.len() {
            let (end, next_start) = (tokens[i].end, tokens[i + 1].start);
            let unit_len: usize = text[next_start..tokens[i + 1].end]
                .chars()
                .enumerate()
                .take_while(|&(n, c)| {
                    NUMBER_UNITS.contains(&c) && (n == 0 || matches!(c, '万' | '亿'))
                })
                .map(|(_, c)| c.len_utf8())
                .sum();
            if is_number(&tokens[i].term) && end == next_start && unit_len > 0 {
                let term = format!("{}{}", tokens[i].term, &tokens[i + 1].term[..unit_len]);
                tokens[i].term = Cow::Owned(term);
                tokens[i].end = next_start + unit_len;
                if tokens[i].end == tokens[i + 1].end {
                    tokens.remove(i + 1);
                } else {
                    tokens[i + 1].start += unit_len;
                    tokens[i + 1].term = Cow::Owned(tokens[i + 1].term[unit_len..].to_string());
                }
            }
            i += 1;
        }
    }

    proptest::proptest! {
        #[test]
        fn units_join_as_the_model_says(indices in proptest::collection::vec(0..UNIT_ALPHABET.len(), 0..30)) {
            let text: String = indices.iter().map(|&i| UNIT_ALPHABET[i]).collect();
            let mut tokens = Vec::new();
            let mut at = 0;
            for &i in &indices {
                let piece = UNIT_ALPHABET[i];
                tokens.push(Token { term: Cow::Borrowed(piece), start: at, end: at + piece.len() });
                at += piece.len();
            }
            let mut expected = tokens.clone();
            attach_units_model(&text, &mut expected);
            attach_units_to_numbers(&text, &mut tokens);
            proptest::prop_assert_eq!(tokens, expected);
        }
    }

    /// Tokens for the joining property: numbers, units alone and in
    /// words, and others.
    const UNIT_ALPHABET: [&str; 10] = [
        "2001",
        "1.5",
        "3,000",
        "年",
        "万亿元",
        "亿",
        "%",
        "月份",
        "，",
        "美元",
    ];

    #[test]
    fn a_name_run_into_a_number_and_a_unit_splits_at_the_script_change() {
        assert_eq!(terms("Nvidia3月财报", "zh"), ["nvidia", "3月", "财报"]);
        assert_eq!(terms("苹果iPhone15年销量", "zh")[1..3], ["iphone", "15年"]);
        // Digits that belong to the name stay: no unit follows.
        assert_eq!(
            terms("H100芯片和A380客机", "zh"),
            ["h100", "芯片", "和", "a380", "客机"]
        );
        assert_eq!(terms("R1模型", "zh"), ["r1", "模型"]);
    }

    #[test]
    fn word_characters_agree_with_unicode() {
        for c in ('\0'..='\u{7F}').chain('\u{2000}'..='\u{30FF}') {
            let mut buf = [0u8; 4];
            assert_eq!(
                has_word_character(c.encode_utf8(&mut buf)),
                c.is_alphanumeric(),
                "{c:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn runs_split_where_han_starts_and_ends(text in "[a-z 0-9,。、中国〇々丐鿿㐀䷀\u{4DBF}\u{4DC0}\u{3004}\u{3006}豈\u{20000}é]{0,30}") {
            let mut expected: Vec<(usize, usize, bool)> = Vec::new();
            for (at, c) in text.char_indices() {
                let end = at + c.len_utf8();
                match expected.last_mut() {
                    Some(last) if last.2 == is_han(c) => last.1 = end,
                    _ => expected.push((at, end, is_han(c))),
                }
            }
            proptest::prop_assert_eq!(script_runs(&text).collect::<Vec<_>>(), expected);
        }
    }

    #[test]
    fn runs_cover_the_text() {
        let runs: Vec<_> = script_runs("ab中文 c").collect();
        assert_eq!(runs, [(0, 2, false), (2, 8, true), (8, 10, false)]);
    }
}
