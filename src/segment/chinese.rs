//! The Chinese segmenter: jieba's dictionary and algorithm (see
//! [`super::dictionary`]), with the HMM for words not in the dictionary.
//!
//! jieba cuts 月之暗面 into 月/之/暗面 because the company is not in its
//! dictionary. Every Chinese alias of the alias table is therefore added as a
//! dictionary word with the frequency jieba needs to keep it whole, and so is
//! every blocker (小米粥, 阿里山), so that a word containing an alias but meaning
//! something else stays one token and never lines up with the alias.
//!
//! Loading the dictionary and adding the alias names takes a few
//! milliseconds and some memory, so it happens on first use: commands and
//! documents without Han text never pay for it. The names are read from the
//! compiled alias table then, not copied out of it when the segmenter is
//! made, so that a table of a million aliases costs nothing at start-up.
//! A table compiled by `canon alias compile`, and the built-in table
//! (compiled by `build.rs` with the same code), also holds what adding its
//! names gives (their frequencies, the pieces of names made of jieba's
//! words), computed once when it was compiled: the segmenter reads that in
//! place ([`Dictionary::with_compiled_overlay`]) and adds no name itself,
//! unless it was computed with another jieba dictionary. Tables given as
//! TOML or JSON Lines (compiled in memory at start-up) have their names
//! added on first use.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::dictionary::{Dictionary, Scratch};
use super::{Segment, Token};
use crate::script::{is_han, is_han_at};

/// Segments runs of Han characters into words.
#[derive(Default)]
pub struct ChineseSegmenter {
    extra_words: ExtraWords,
    loaded: OnceLock<Loaded>,
}

/// The dictionary with the extra words, built on first use.
struct Loaded {
    dictionary: Dictionary,
    /// Extra words made of jieba's own words (华能国际 is 华能|国际), with the
    /// byte offsets where their pieces end. The dictionary keeps them whole
    /// so that the text around them is cut right (印尼国会|议长, where jieba
    /// alone reads 印尼|国|会议|长), and they are emitted as their pieces, as
    /// PKU's standard and a search for one of the words want; the matcher
    /// finds the name across the pieces.
    composed: Composed,
    /// The shortest word of `composed` in bytes: shorter words skip the lookup.
    composed_min_bytes: usize,
}

/// Where the pieces of names made of jieba's words are.
enum Composed {
    /// Found when the dictionary was built: name → where its pieces end.
    Found(FxHashMap<String, Vec<u32>>),
    /// Read from the compiled table that the dictionary's overlay reads too.
    Compiled(canon_table::SegmenterOverlay),
}

impl Composed {
    /// Where the pieces of `word` end (byte offsets in it), if it is a name
    /// emitted as pieces.
    fn piece_ends(&self, word: &str) -> Option<&[u32]> {
        match self {
            Composed::Found(map) => map.get(word).map(Vec::as_slice),
            Composed::Compiled(compiled) => compiled
                .word(word)
                .and_then(|index| compiled.piece_ends(index, word)),
        }
    }
}

/// Where the words added to jieba's dictionary come from.
enum ExtraWords {
    /// Given as a list.
    List(Vec<String>),
    /// The Han words of an alias table's aliases and blockers
    /// ([`canon_table::AliasTable::dictionary_word_list`]), read when the
    /// dictionary is built.
    Table(Box<canon_table::AliasTable>),
}

impl Default for ExtraWords {
    fn default() -> ExtraWords {
        ExtraWords::List(Vec::new())
    }
}

impl ExtraWords {
    /// Calls `f` with every word, in order.
    fn for_each(&self, mut f: impl FnMut(&str)) {
        match self {
            ExtraWords::List(words) => words.iter().for_each(|w| f(w)),
            ExtraWords::Table(table) => table.dictionary_word_list().iter().for_each(f),
        }
    }

    fn len(&self) -> usize {
        match self {
            ExtraWords::List(words) => words.len(),
            ExtraWords::Table(table) => table.dictionary_word_list().len(),
        }
    }
}

impl std::fmt::Debug for ChineseSegmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChineseSegmenter")
            .field("extra_words", &self.extra_words.len())
            .field("loaded", &self.is_loaded())
            .finish()
    }
}

impl ChineseSegmenter {
    /// A segmenter that also knows `extra_words` as dictionary words.
    pub fn new(extra_words: Vec<String>) -> ChineseSegmenter {
        ChineseSegmenter {
            extra_words: ExtraWords::List(extra_words),
            loaded: OnceLock::new(),
        }
    }

    /// A segmenter that also knows the Han words of `table`'s aliases and
    /// blockers as dictionary words, read from the table on first use.
    pub fn with_table(table: &canon_table::AliasTable) -> ChineseSegmenter {
        ChineseSegmenter {
            extra_words: ExtraWords::Table(Box::new(table.clone())),
            loaded: OnceLock::new(),
        }
    }

    /// Whether the dictionary has been built yet.
    pub fn is_loaded(&self) -> bool {
        self.loaded.get().is_some()
    }

    /// Whether `word` is in the dictionary.
    pub fn has_word(&self, word: &str) -> bool {
        self.dictionary().contains(word)
    }

    /// Whether `word` is in jieba's own dictionary, not only added from the
    /// alias table: a common word.
    pub fn has_common_word(&self, word: &str) -> bool {
        self.dictionary().in_jieba(word)
    }

    /// The frequency of `word` in the dictionary (0 when it is not a word).
    pub fn word_frequency(&self, word: &str) -> u64 {
        self.dictionary().frequency(word)
    }

    fn dictionary(&self) -> &Dictionary {
        &self.loaded().dictionary
    }

    /// For a compiled table with the segmenter's sections, whether they
    /// were computed with this canon's jieba dictionary (their fingerprints
    /// agree), so that Chinese text reads them in place; `None` for a table
    /// without them. Compares fingerprints only: nothing is added.
    pub fn table_words_current(table: &canon_table::AliasTable) -> Option<bool> {
        let compiled = table.segmenter_overlay()?;
        Some(compiled.fingerprint() == Dictionary::jieba().fingerprint())
    }

    /// Whether the dictionary reads the alias table's words as compiled
    /// with it (rather than adding them one by one); builds it if needed.
    pub fn uses_compiled_words(&self) -> bool {
        matches!(self.loaded().composed, Composed::Compiled(_))
    }

    fn loaded(&self) -> &Loaded {
        self.loaded.get_or_init(|| {
            if let ExtraWords::Table(table) = &self.extra_words
                && let Some(compiled) = table.segmenter_overlay()
                && let Some(dictionary) = Dictionary::with_compiled_overlay(compiled.clone())
            {
                return Loaded {
                    dictionary,
                    composed_min_bytes: compiled.min_piece_bytes(),
                    composed: Composed::Compiled(compiled),
                };
            }
            let mut dictionary = Dictionary::jieba();
            // Decided on jieba's own dictionary, before any word is added,
            // so that the order of the table does not change the answer.
            let mut composed: FxHashMap<String, Vec<u32>> = FxHashMap::default();
            let mut scratch = Scratch::default();
            self.extra_words.for_each(|word| {
                // Two pieces of two characters or more: four characters at
                // least, which spares most of a large table's names a cut.
                if word.chars().nth(3).is_none() {
                    return;
                }
                if let Some(ends) = dictionary.word_pieces(word, &mut scratch) {
                    let ends = ends.into_iter().map(|end| end as u32).collect();
                    composed.insert(word.to_string(), ends);
                }
            });
            self.extra_words
                .for_each(|word| dictionary.add_word_with(word, &mut scratch));
            let composed_min_bytes = composed.keys().map(String::len).min().unwrap_or(usize::MAX);
            Loaded {
                dictionary,
                composed: Composed::Found(composed),
                composed_min_bytes,
            }
        })
    }
}

impl Segment for ChineseSegmenter {
    fn segment<'t>(&self, run: &'t str, _lower: &'t str, base: usize, out: &mut Vec<Token<'t>>) {
        let mut rest = 0;
        for (start, end) in numeral_spans(run) {
            if start > rest {
                self.cut(&run[rest..start], base + rest, out);
            }
            out.push(Token {
                term: Cow::Borrowed(&run[start..end]),
                start: base + start,
                end: base + end,
            });
            rest = end;
        }
        if rest < run.len() {
            self.cut(&run[rest..], base + rest, out);
        }
    }
}

impl ChineseSegmenter {
    fn cut<'t>(&self, text: &'t str, base: usize, out: &mut Vec<Token<'t>>) {
        thread_local! {
            static SCRATCH: RefCell<Scratch> = RefCell::default();
        }
        let loaded = self.loaded();
        let mut push = |word: &'t str, start: usize| {
            out.push(Token {
                term: Cow::Borrowed(word),
                start: base + start,
                end: base + start + word.len(),
            })
        };
        SCRATCH.with_borrow_mut(|scratch| {
            loaded.dictionary.cut(text, true, scratch, |start, end| {
                // Punctuation between Han runs (see `Router::segment`) comes
                // back as words of one character; it is not a term. Most
                // words start with a common ideograph: no decoding for them.
                let word = &text[start..end];
                if !is_han_at(word.as_bytes(), 0) && is_one_character_but_han(word) {
                    return;
                }
                if word.len() >= loaded.composed_min_bytes
                    && let Some(ends) = loaded.composed.piece_ends(word)
                {
                    let mut from = 0;
                    for &piece_end in ends {
                        let piece_end = piece_end as usize;
                        push(&word[from..piece_end], start + from);
                        from = piece_end;
                    }
                    return;
                }
                push(word, start);
            });
        });
    }
}

/// Whether `word` is one character, not Han: punctuation or a symbol that
/// jieba gives back as a word of its own.
fn is_one_character_but_han(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if !is_han(c))
}

/// Numbers written in Chinese numerals, kept whole: years (二〇〇一年), months
/// (十二月), days after a month (十二月三十一日), percentages (百分之十) and other
/// numbers of two or more numerals (三十五, 一千二百). jieba cuts these into
/// single characters or glues them to neighbours. Pairs that are words
/// rather than numbers (万一 "in case", 一一 "one by one") are left to jieba.
///
/// 点 is a decimal point between numerals (一点七八万亿 is one number) unless
/// minutes follow (十二点三十分 is 十二点 and 三十分); after a time of day
/// (下午十二点) it is the hour.
fn numeral_spans(run: &str) -> Vec<(usize, usize)> {
    use crate::normalize::chinese::is_chinese_numeral;
    const PERCENT: &str = "百分之";
    const TIMES_OF_DAY: [&str; 11] = [
        "上午", "下午", "早上", "晚上", "凌晨", "中午", "傍晚", "夜间", "深夜", "清晨", "早晨",
    ];
    let numerals_end = |from: usize| {
        from + run[from..]
            .chars()
            .take_while(|&n| is_chinese_numeral(n))
            .map(char::len_utf8)
            .sum::<usize>()
    };
    let mut spans: Vec<(usize, usize)> = Vec::new();
    // Everything before `at` is settled; the text between numerals is
    // skipped by `next_numeral` without decoding it.
    let mut at = 0;
    while let Some(first) = next_numeral(run.as_bytes(), at) {
        // Hours, minutes and decimals: numerals, 点, and what follows.
        let end = numerals_end(first);
        if run[end..].starts_with('点') {
            let after = end + '点'.len_utf8();
            let minutes_end = numerals_end(after);
            let minutes = minutes_end > after && run[minutes_end..].starts_with('分');
            let hour = minutes || TIMES_OF_DAY.iter().any(|t| run[..first].ends_with(t));
            let decimal = !minutes
                && minutes_end > after
                && !(run[first..end] == *"一" && run[after..minutes_end] == *"一");
            let span_end = if hour {
                Some(after)
            } else if decimal {
                Some(minutes_end)
            } else {
                None
            };
            if let Some(span_end) = span_end {
                spans.push((first, span_end));
                if minutes {
                    spans.push((after, minutes_end + '分'.len_utf8()));
                }
                at = spans.last().map_or(span_end, |&(_, e)| e);
                continue;
            }
        }
        let after_month = run[..first].ends_with('月');
        let numerals = &run[first..end];
        let count = numerals.chars().count();
        let wordlike = numerals.chars().all(|n| matches!(n, '一' | '万'));
        let unit = run[end..].chars().next();
        let takes_unit = match unit {
            Some('年') => count >= 2,
            Some('月') => true,
            Some('日' | '号') => after_month,
            _ => false,
        };
        // 百分之 before the numerals, unless its 百 ends numerals already
        // taken (二百分之五): spans never overlap, since the tokens made of
        // them must not.
        let settled = spans.last().map_or(0, |&(_, e)| e);
        let percent = run[..first].ends_with(PERCENT) && first - PERCENT.len() >= settled;
        let start = if percent {
            first - PERCENT.len()
        } else {
            first
        };
        at = end;
        if let (true, Some(u)) = (takes_unit, unit) {
            at = end + u.len_utf8();
            spans.push((start, at));
        } else if percent || (count >= 2 && !wordlike) {
            spans.push((start, end));
        }
    }
    spans
}

/// Where the first Chinese numeral of `bytes` (valid UTF-8) at or after
/// byte `from` (a character boundary) starts. Numerals are rare in Chinese
/// text, and decoding every character with the general UTF-8 machinery to
/// ask was most of the Chinese segmenter's own time: this steps over
/// characters by their lead byte and looks each three-byte one up in a bit
/// table (whether a character is a numeral is a bit read, not a chain of
/// comparisons).
fn next_numeral(bytes: &[u8], mut from: usize) -> Option<usize> {
    loop {
        // Three-byte characters are stepped over by a branch, not by a
        // length computed from the byte: a predicted branch lets the next
        // character's load start before this one's arrives. Their three
        // bytes are had with one bounds check (valid UTF-8 holds both
        // continuation bytes of a lead byte of three).
        if let Some(&[lead, second, third]) = bytes.get(from..from + 3)
            && lead & 0xF0 == 0xE0
        {
            let code = (usize::from(lead & 0x0F) << 12)
                | (usize::from(second & 0x3F) << 6)
                | usize::from(third & 0x3F);
            if NUMERAL_BITS[code >> 6] >> (code & 63) & 1 == 1 {
                return Some(from);
            }
            from += 3;
            continue;
        }
        let &lead = bytes.get(from)?;
        // The length of a character from its lead byte: its leading ones,
        // none for ASCII.
        from += (lead.leading_ones() as usize).max(1);
    }
}

/// The Chinese numerals (〇零一二三四五六七八九十百千万亿两, all in the Basic
/// Multilingual Plane), one bit per code point of the plane: 8 KiB that
/// [`next_numeral`] reads (a test checks every character against
/// `is_chinese_numeral`).
static NUMERAL_BITS: [u64; 1024] = {
    let numerals = "〇零一二三四五六七八九十百千万亿两".as_bytes();
    let mut bits = [0u64; 1024];
    let mut k = 0;
    while k < numerals.len() {
        let code = ((numerals[k] as usize & 0x0F) << 12)
            | ((numerals[k + 1] as usize & 0x3F) << 6)
            | (numerals[k + 2] as usize & 0x3F);
        bits[code / 64] |= 1 << (code % 64);
        k += 3;
    }
    bits
};

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(segmenter: &ChineseSegmenter, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        segmenter.segment(text, text, 0, &mut out);
        out.into_iter().map(|t| t.term.into_owned()).collect()
    }

    #[test]
    fn added_words_stay_whole() {
        let plain = ChineseSegmenter::default();
        assert_ne!(cut(&plain, "月之暗面发布新模型")[0], "月之暗面");
        let with_alias = ChineseSegmenter::new(vec!["月之暗面".into()]);
        assert_eq!(cut(&with_alias, "月之暗面发布新模型")[0], "月之暗面");
    }

    #[test]
    fn names_made_of_dictionary_words_are_emitted_as_those_words() {
        // Seen failing before: 华能国际 and 首相官邸 were one word each where
        // PKU's standard (and a search for 国际 or 官邸) has two; the matcher
        // finds such names across the segmenter's cuts.
        let segmenter = ChineseSegmenter::new(vec![
            "华能国际".into(),
            "首相官邸".into(),
            "月之暗面".into(),
        ]);
        assert_eq!(cut(&segmenter, "华能国际发电"), ["华能", "国际", "发电"]);
        assert_eq!(cut(&segmenter, "首相官邸发表"), ["首相", "官邸", "发表"]);

        // A name with a one-character piece or no dictionary word in it
        // stays whole.
        assert_eq!(cut(&segmenter, "月之暗面发布新模型")[0], "月之暗面");
        // Kept whole while the text is cut, so the words around it are
        // right: jieba alone reads 印尼|国|会议|长.
        let segmenter = ChineseSegmenter::new(vec!["印尼国会".into()]);
        assert_eq!(cut(&segmenter, "印尼国会议长"), ["印尼", "国会", "议长"]);
    }

    #[test]
    fn hours_minutes_and_decimals_are_cut_as_jieba_keeps_them() {
        let segmenter = ChineseSegmenter::default();
        assert_eq!(
            cut(&segmenter, "下午十二点三十分开会"),
            ["下午", "十二点", "三十分", "开会"]
        );
        assert_eq!(cut(&segmenter, "一点七八万亿元"), ["一点七八万亿", "元"]);
        assert_eq!(cut(&segmenter, "晚上八点出发"), ["晚上", "八点", "出发"]);
        // Not numbers: 一点一点 (bit by bit), 两点意见 (two points), 十分 (very).
        for text in ["一点一点地", "提出两点意见", "十分重要", "有一点累"] {
            assert!(numeral_spans(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn chinese_numbers_and_dates_stay_whole() {
        let segmenter = ChineseSegmenter::default();
        assert_eq!(
            cut(&segmenter, "二〇〇一年十二月三十一日"),
            ["二〇〇一年", "十二月", "三十一日"]
        );
        assert_eq!(cut(&segmenter, "增长百分之十五"), ["增长", "百分之十五"]);
        // The 百 of 百分之 ends numerals already: the percent is not taken
        // again over it.
        assert_eq!(cut(&segmenter, "二百分之五"), ["二百", "分之五"]);
        assert_eq!(cut(&segmenter, "万一下雨"), ["万一", "下雨"]);
    }

    /// The spans computed over a table of the characters, the plainest
    /// statement of the rules, for the property below.
    fn numeral_spans_by_table(run: &str) -> Vec<(usize, usize)> {
        use crate::normalize::chinese::is_chinese_numeral;
        let chars: Vec<(usize, char)> = run.char_indices().collect();
        let byte_at = |i: usize| chars.get(i).map_or(run.len(), |&(b, _)| b);
        let mut spans = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if !is_chinese_numeral(chars[i].1) {
                i += 1;
                continue;
            }
            let first = i;
            while i < chars.len() && is_chinese_numeral(chars[i].1) {
                i += 1;
            }
            let numerals = &chars[first..i];
            let count = numerals.len();
            let unit = chars.get(i).map(|&(_, c)| c);
            let after_month = first > 0 && chars[first - 1].1 == '月';
            let takes_unit = match unit {
                Some('年') => count >= 2,
                Some('月') => true,
                Some('日' | '号') => after_month,
                _ => false,
            };
            let wordlike = numerals.iter().all(|&(_, c)| matches!(c, '一' | '万'));
            let settled = spans.last().map_or(0, |&(_, e)| e);
            let percent = first >= 3
                && run[..chars[first].0].ends_with("百分之")
                && byte_at(first - 3) >= settled;
            let start = if percent {
                byte_at(first - 3)
            } else {
                byte_at(first)
            };
            if takes_unit {
                spans.push((start, byte_at(i + 1)));
                i += 1;
            } else if percent || (count >= 2 && !wordlike) {
                spans.push((start, byte_at(i)));
            }
        }
        spans
    }

    /// [`numeral_spans`] as it was written before numerals were looked for
    /// with [`next_numeral`]: every character decoded and asked, the char
    /// before a numeral kept as it goes. The reference the skipping scan is
    /// tested against.
    fn numeral_spans_by_chars(run: &str) -> Vec<(usize, usize)> {
        use crate::normalize::chinese::is_chinese_numeral;
        const PERCENT: &str = "百分之";
        const TIMES_OF_DAY: [&str; 11] = [
            "上午", "下午", "早上", "晚上", "凌晨", "中午", "傍晚", "夜间", "深夜", "清晨", "早晨",
        ];
        let numerals_end = |from: usize| {
            from + run[from..]
                .chars()
                .take_while(|&n| is_chinese_numeral(n))
                .map(char::len_utf8)
                .sum::<usize>()
        };
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut previous: Option<char> = None;
        let mut chars = run.char_indices().peekable();
        while let Some((first, c)) = chars.next() {
            if !is_chinese_numeral(c) {
                previous = Some(c);
                continue;
            }
            // Hours, minutes and decimals: numerals, 点, and what follows.
            let end = numerals_end(first);
            if run[end..].starts_with('点') {
                let after = end + '点'.len_utf8();
                let minutes_end = numerals_end(after);
                let minutes = minutes_end > after && run[minutes_end..].starts_with('分');
                let hour = minutes || TIMES_OF_DAY.iter().any(|t| run[..first].ends_with(t));
                let decimal = !minutes
                    && minutes_end > after
                    && !(run[first..end] == *"一" && run[after..minutes_end] == *"一");
                let span_end = if hour {
                    Some(after)
                } else if decimal {
                    Some(minutes_end)
                } else {
                    None
                };
                if let Some(span_end) = span_end {
                    spans.push((first, span_end));
                    if minutes {
                        spans.push((after, minutes_end + '分'.len_utf8()));
                    }
                    let resume = spans.last().map_or(span_end, |&(_, e)| e);
                    while chars.peek().is_some_and(|&(at, _)| at < resume) {
                        previous = chars.next().map(|(_, p)| p);
                    }
                    continue;
                }
            }
            let after_month = previous == Some('月');
            let mut count = 1;
            let mut wordlike = matches!(c, '一' | '万');
            let mut end = first + c.len_utf8();
            previous = Some(c);
            while let Some(&(at, n)) = chars.peek() {
                if !is_chinese_numeral(n) {
                    break;
                }
                count += 1;
                wordlike &= matches!(n, '一' | '万');
                end = at + n.len_utf8();
                previous = Some(n);
                chars.next();
            }
            let unit = chars.peek().copied();
            let takes_unit = match unit.map(|(_, u)| u) {
                Some('年') => count >= 2,
                Some('月') => true,
                Some('日' | '号') => after_month,
                _ => false,
            };
            let settled = spans.last().map_or(0, |&(_, e)| e);
            let percent = run[..first].ends_with(PERCENT) && first - PERCENT.len() >= settled;
            let start = if percent {
                first - PERCENT.len()
            } else {
                first
            };
            if let (true, Some((at, u))) = (takes_unit, unit) {
                spans.push((start, at + u.len_utf8()));
                previous = Some(u);
                chars.next();
            } else if percent || (count >= 2 && !wordlike) {
                spans.push((start, end));
            }
        }
        spans
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Skipping to the next numeral finds the spans the character loop
        /// finds, among characters of every UTF-8 length, characters whose
        /// second byte a numeral shares (丁 and 乙 share 一's), times of
        /// day, 点, 分 and the units.
        #[test]
        fn numeral_spans_equal_the_character_loop(indices in proptest::collection::vec(0usize..32, 0..40)) {
            let alphabet = [
                "一", "二", "三", "十", "百", "千", "万", "亿", "两", "〇", "零", "九",
                "点", "分", "年", "月", "日", "号", "百分之", "上午", "晚上", "丁", "乙",
                "的", "a", "7", " ", "，", "é", "😀", "○", "中",
            ];
            let text: String = indices.into_iter().map(|i| alphabet[i]).collect();
            proptest::prop_assert_eq!(numeral_spans(&text), numeral_spans_by_chars(&text));
        }
    }

    /// Every character alone, between others and after one of each UTF-8
    /// length is found a numeral exactly when it is one.
    #[test]
    fn next_numeral_finds_every_numeral_and_nothing_else() {
        use crate::normalize::chinese::is_chinese_numeral;
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for before in ["", "a", "é", "中", "😀"] {
                let text = format!("{before}{c}一");
                let expected = if is_chinese_numeral(c) {
                    before.len()
                } else {
                    before.len() + c.len_utf8()
                };
                assert_eq!(
                    next_numeral(text.as_bytes(), 0),
                    Some(expected),
                    "{c:?} after {before:?}"
                );
                let alone = format!("{before}{c}");
                assert_eq!(
                    next_numeral(alone.as_bytes(), 0),
                    is_chinese_numeral(c).then_some(before.len()),
                    "{c:?} after {before:?}"
                );
            }
        }
    }

    proptest::proptest! {
        /// Spans are in order, not empty, on character boundaries and never
        /// overlap: each becomes a token, and the matcher reads the text
        /// between two tokens (two overlapping ones made it panic, and a
        /// whole run's records were lost, on 7亿百分之万).
        #[test]
        fn numeral_spans_are_ordered_and_apart(indices in proptest::collection::vec(0usize..18, 0..30)) {
            let alphabet = [
                "一", "二", "十", "百", "千", "万", "亿", "〇", "点", "分", "之", "百分之",
                "年", "月", "日", "上午", "的", "7",
            ];
            let text: String = indices.into_iter().map(|i| alphabet[i]).collect();
            let mut settled = 0;
            for (start, end) in numeral_spans(&text) {
                proptest::prop_assert!(settled <= start && start < end, "{:?} in {:?}", (start, end), text);
                proptest::prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
                settled = end;
            }
        }

        #[test]
        fn numeral_spans_follow_the_rules(indices in proptest::collection::vec(0usize..16, 0..24)) {
            let alphabet: Vec<char> = "一二三十百万〇零年月日号分之中的".chars().collect();
            let text: String = indices.into_iter().map(|i| alphabet[i]).collect();
            proptest::prop_assert_eq!(numeral_spans(&text), numeral_spans_by_table(&text));
        }
    }

    /// Han names of every kind the segmenter treats apart: names jieba
    /// lacks (月之暗面, with one-character pieces), jieba words whose
    /// frequency adding them changes (中国, 北京), names jieba cuts into two
    /// long words (华能国际, 日本政府, 首相官邸, 印尼国会), a name with a
    /// one-character piece (厚生省), a blocker (小米粥), and characters
    /// outside the BMP.
    const NAMES: [&str; 16] = [
        "月之暗面",
        "字节跳动",
        "智谱华章",
        "中国",
        "北京",
        "华能国际",
        "日本政府",
        "首相官邸",
        "印尼国会",
        "厚生省",
        "小米",
        "国际商业机器",
        "中国人民银行",
        "长江",
        "𠀀字节",
        "华为",
    ];

    /// Texts around the names, where the cut depends on their frequencies.
    const TEXTS: [&str; 10] = [
        "月之暗面发布了新的大模型，字节跳动和智谱华章也是",
        "华能国际发电在北京宣布，日本政府和首相官邸回应",
        "印尼国会议长访问中国人民银行",
        "厚生省表示小米粥很好吃",
        "国际商业机器公司在长江边上",
        "南京市长江大桥",
        "中国国际华能国际华为首相官邸日本政府",
        "𠀀字节跳动的华为",
        "二〇〇一年十二月三十一日，中国",
        "我来到北京清华大学",
    ];

    fn table_of(names: &[&str]) -> canon_table::TableSource {
        let mut text = String::new();
        for (i, name) in names.iter().enumerate() {
            text.push_str(&format!(
                "[[entity]]\nid = \"e{i}\"\nname = \"{name}\"\nkind = \"org\"\naliases.zh-Hans = [\"{name}\"]\n"
            ));
        }
        // A blocker is a dictionary word too.
        text.push_str(
            "[[entity]]\nid = \"xiaomi\"\nname = \"Xiaomi\"\nkind = \"org\"\n\
             aliases.zh-Hans = [{ text = \"小米\", blockers = [\"小米粥\"] }]\n",
        );
        canon_table::TableSource {
            name: "t.toml".into(),
            text,
            jsonl: false,
        }
    }

    /// `names` compiled as `canon alias compile` does, the segmenter's
    /// view of them included (its fingerprint changed by `tamper`).
    fn compiled(names: &[&str], tamper: impl Fn(&mut [u64; 4])) -> canon_table::AliasTable {
        let derive = |words: &[String]| {
            let mut derived = Dictionary::derive_table_words(words);
            tamper(&mut derived.fingerprint);
            derived
        };
        let bytes = canon_table::compile_sources_with(
            &[table_of(names)],
            canon_table::compile::Provenance::default(),
            Some(&derive),
        )
        .expect("the test table compiles");
        let table = canon_table::AliasTable::from_bytes(&bytes).unwrap();
        table.verify().unwrap();
        table
    }

    fn spans(segmenter: &ChineseSegmenter, text: &str) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        segmenter.segment(text, text, 3, &mut out);
        out.into_iter()
            .map(|t| (t.term.into_owned(), t.start, t.end))
            .collect()
    }

    /// Asserts that the segmenter reading `table`'s compiled words cuts
    /// `texts` and answers about `words` as one that adds them itself.
    fn assert_same_as_added(table: &canon_table::AliasTable, texts: &[&str], words: &[&str]) {
        let compiled = ChineseSegmenter::with_table(table);
        let added = ChineseSegmenter::new(table.dictionary_words());
        for text in texts {
            assert_eq!(spans(&compiled, text), spans(&added, text), "{text}");
        }
        for word in words
            .iter()
            .copied()
            .chain(table.dictionary_word_list().iter())
        {
            assert_eq!(compiled.has_word(word), added.has_word(word), "{word}");
            assert_eq!(
                compiled.has_common_word(word),
                added.has_common_word(word),
                "{word}"
            );
            assert_eq!(
                compiled.word_frequency(word),
                added.word_frequency(word),
                "{word}"
            );
        }
    }

    #[test]
    fn words_compiled_with_the_table_cut_as_words_added_at_run_time() {
        let table = compiled(&NAMES, |_| {});
        let segmenter = ChineseSegmenter::with_table(&table);
        assert!(segmenter.uses_compiled_words());
        assert_same_as_added(&table, &TEXTS, &["国际", "华能", "官邸", "暗面", "小米粥"]);
        // Not vacuous: the names are kept whole or cut into their pieces.
        assert_eq!(
            cut(&segmenter, "华能国际发电和月之暗面"),
            ["华能", "国际", "发电", "和", "月之暗面"]
        );
        assert!(segmenter.has_word("智谱华章") && !segmenter.has_common_word("智谱华章"));
        assert!(
            segmenter.word_frequency("中国") != ChineseSegmenter::default().word_frequency("中国")
        );
    }

    #[test]
    fn the_builtin_tables_words_were_derived_at_build_time_as_at_run_time() {
        // build.rs derives them with the segmenter's crate, so the first
        // Chinese text reads them in place; they must cut and answer
        // exactly as adding the table's names at run time does.
        let table = crate::aliases::AliasTable::builtin();
        let table = table.compiled();
        assert_eq!(ChineseSegmenter::table_words_current(table), Some(true));
        assert!(ChineseSegmenter::with_table(table).uses_compiled_words());
        assert!(table.dictionary_word_list().len() > 1_000);
        let mut texts: Vec<String> = TEXTS.iter().map(ToString::to_string).collect();
        // Every name of the table in one text, where the cut depends on
        // every name's frequency and the total.
        texts.push(
            table
                .dictionary_word_list()
                .iter()
                .collect::<Vec<_>>()
                .join("的"),
        );
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        assert_same_as_added(table, &texts, &NAMES);
    }

    #[test]
    fn each_word_gets_the_frequency_of_its_turn() {
        // A name's frequency depends on the total after the names added
        // before it. Names made of two frequent words get frequencies in
        // the hundreds, so 1,600 of them move the total enough for the
        // order to show in the frequencies (seen failing with each name's
        // frequency computed on jieba's dictionary alone: 国家委员 got 13
        // where its turn gives 12).
        const FREQUENT: [&str; 40] = [
            "中国", "人民", "政府", "国际", "日本", "银行", "北京", "科技", "发展", "经济", "公司",
            "集团", "大学", "社会", "工作", "文化", "市场", "国家", "世界", "企业", "美国", "上海",
            "技术", "中心", "服务", "管理", "建设", "工业", "农业", "教育", "研究", "历史", "电力",
            "能源", "交通", "委员", "新闻", "电视", "体育", "医院",
        ];
        let names: Vec<String> = FREQUENT
            .iter()
            .flat_map(|a| FREQUENT.iter().map(move |b| format!("{a}{b}")))
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let table = compiled(&names, |_| {});
        assert!(ChineseSegmenter::with_table(&table).uses_compiled_words());
        assert_same_as_added(&table, &TEXTS, &[]);
    }

    #[test]
    fn words_compiled_with_another_jieba_dictionary_are_added_again() {
        let table = compiled(&NAMES, |fingerprint| fingerprint[2] += 1);
        assert_eq!(ChineseSegmenter::table_words_current(&table), Some(false));
        assert_eq!(
            ChineseSegmenter::table_words_current(&compiled(&NAMES, |_| {})),
            Some(true)
        );
        let segmenter = ChineseSegmenter::with_table(&table);
        assert!(!segmenter.uses_compiled_words());
        assert_same_as_added(&table, &TEXTS, &["国际", "华能"]);
        assert_eq!(cut(&segmenter, "月之暗面发布")[0], "月之暗面");
    }

    #[test]
    fn damaged_compiled_words_give_wrong_cuts_but_never_a_crash() {
        let table = compiled(&NAMES, |_| {});
        let good = table.as_bytes().to_vec();
        let ranges: Vec<std::ops::Range<usize>> = canon_table::format::SECTIONS
            .iter()
            .filter(|s| format!("{s:?}").starts_with("Segmenter"))
            .map(|&s| {
                let at = canon_table::format::HEADER_BYTES + s as usize * 16;
                let word =
                    |at: usize| u64::from_ne_bytes(good[at..at + 8].try_into().unwrap()) as usize;
                word(at)..word(at) + word(at + 8)
            })
            .collect();
        assert_eq!(ranges.len(), 8);
        // Sixteen bytes or so of each section, spread over it (the first
        // are counts and offsets); a dictionary is loaded per byte, which
        // bounds how many. canon_table's tests damage every byte of a
        // small table's sections without a segmenter.
        let mut positions: Vec<usize> = Vec::new();
        for range in ranges {
            let step = (range.len() / 16).max(1);
            positions.extend(range.step_by(step));
        }
        for (n, at) in positions.into_iter().enumerate() {
            let mut bad = good.clone();
            bad[at] = [0xFF, 0x80, 0x01][n % 3];
            let table =
                canon_table::AliasTable::from_bytes(&bad).expect("the body is not read at load");
            let segmenter = ChineseSegmenter::with_table(&table);
            for text in TEXTS {
                let _ = spans(&segmenter, text);
            }
            for word in NAMES {
                let _ = segmenter.has_word(word) || segmenter.word_frequency(word) > 0;
            }
        }
    }

    /// Characters that make names jieba knows, cuts into jieba words, or
    /// does not know.
    const NAME_ALPHABET: &str =
        "中国华能际日本政府首相官邸印尼会月之暗面字节跳动智谱章人民银行长江大桥北京小米粥厚生省";

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        #[test]
        fn random_names_cut_the_same_compiled_or_added(
            names in proptest::collection::vec(proptest::collection::vec(0usize..43, 2..7), 1..30),
            texts in proptest::collection::vec(proptest::collection::vec(0usize..43, 1..40), 1..6),
        ) {
            let alphabet: Vec<char> = NAME_ALPHABET.chars().collect();
            let spell = |indices: &Vec<usize>| -> String {
                indices.iter().map(|&i| alphabet[i % alphabet.len()]).collect()
            };
            let names: Vec<String> = names.iter().map(spell).collect();
            let mut texts: Vec<String> = texts.iter().map(spell).collect();
            // The names themselves, and two of them run together.
            texts.extend(names.iter().cloned());
            texts.push(names.concat());
            let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let table = compiled(&name_refs, |_| {});
            proptest::prop_assert!(ChineseSegmenter::with_table(&table).uses_compiled_words());
            let text_refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            assert_same_as_added(&table, &text_refs, &text_refs);
        }
    }

    #[test]
    fn offsets_are_shifted_by_the_run_base() {
        let segmenter = ChineseSegmenter::default();
        let mut out = Vec::new();
        segmenter.segment("中国", "中国", 10, &mut out);
        assert_eq!((out[0].start, out[0].end), (10, 16));
    }
}
