//! The signals of one line taken by itself: length, stop words, punctuation,
//! links, dates, buttons, bullets and known phrases. The signals of a line's
//! place in the page (before or after the article, in a run of short lines,
//! in a ticker) are in [`super::layout`].

use super::Reason;
use super::lexicon::{Lexicon, PhraseHit};
use super::lines::line_key;
use crate::script::{Script, is_han, script_of};
use canon_text::ascii;

/// Which stop-word list applies to the lines of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopLists {
    /// Latin-script lines use the English list.
    pub english: bool,
    /// Han lines use the Chinese list.
    pub chinese: bool,
}

impl StopLists {
    /// The lists for a document in language `code`: English and Chinese
    /// pages get both (Chinese pages carry English furniture and the other
    /// way round); other languages get none, only the language-independent
    /// signals.
    pub fn for_language(code: &str) -> StopLists {
        let known = matches!(code, "en" | "zh");
        StopLists {
            english: known,
            chinese: known,
        }
    }
}

/// What one line shows by itself.
#[derive(Debug, Clone, PartialEq)]
pub struct LineSignals {
    /// Length in words: Latin (and other) words plus Han characters / 2.
    pub units: f32,
    /// Share of the words that are stop words, when a list applies.
    pub stop_share: Option<f32>,
    /// The line ends like a sentence (. ! ? : 。 ！ ？ …, before closing quotes).
    pub ends_sentence: bool,
    /// Sentence and clause punctuation marks per word (capped at 1).
    pub punct_density: f32,
    /// Links, @handles, e-mail addresses, #tags and `|`/`»` separators per
    /// word (capped at 1).
    pub link_density: f32,
    /// Share of the words that are numbers (quotes, scores, tables).
    pub numeric_share: f32,
    /// The line is only a date, a time or a time-ago expression.
    pub date_line: bool,
    /// The whole line is a known phrase, or a row of button words.
    pub button: Option<Reason>,
    /// The line begins with a known phrase.
    pub phrase_start: Option<Reason>,
    /// The line contains a known phrase (looked for in lines of at most
    /// [`CONTAINS_MAX_UNITS`] words).
    pub phrase_contains: Option<Reason>,
    /// The line is a heading that opens a section of furniture.
    pub opens: Option<Reason>,
    /// The line begins with a bullet or a list number.
    pub bullet: bool,
    /// The line's key (see [`line_key`]); empty for a long line unless asked for.
    pub key: String,
}

/// Lines longer than this many words are not searched for phrases inside them.
const CONTAINS_MAX_UNITS: f32 = 25.0;

/// Characters that begin a list item.
fn is_bullet(c: char) -> bool {
    matches!(
        c,
        '•' | '·'
            | '●'
            | '○'
            | '◦'
            | '▪'
            | '▫'
            | '■'
            | '□'
            | '◆'
            | '◇'
            | '►'
            | '▶'
            | '▸'
            | '›'
            | '»'
            | '>'
            | '-'
            | '*'
            | '+'
            | '✓'
            | '✔'
            | '☆'
            | '★'
            | '◎'
            | '【'
    )
}

fn is_sentence_end(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | ':' | '。' | '！' | '？' | '…' | '；' | ';'
    )
}

fn is_clause_mark(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '!' | '?' | '。' | '，' | '、' | '；' | '：' | '！' | '？' | '…'
    )
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | ')' | ']' | '”' | '’' | '」' | '』' | '）' | '》'
    )
}

/// Computes the signals of `line` (a line of the analyzed text).
///
/// The line's key is computed for short lines (the only ones compared with
/// whole-line phrases) and, with `need_key`, for every line (to look it up in
/// learned furniture); otherwise it is left empty.
pub fn line_signals(
    line: &str,
    lexicon: &Lexicon,
    stop_lists: StopLists,
    need_key: bool,
) -> LineSignals {
    let sample = super::lines::sample(line);
    let counted = super::lines::prefix(line, super::lines::COUNT_BYTES);
    let Counts {
        latin_words,
        numbers,
        other_words,
        han,
        han_stop,
        latin_stop,
        marks,
        links,
    } = count(counted, lexicon, stop_lists);
    let mut units = latin_words as f32 + other_words as f32 + han as f32 / 2.0;
    if line.len() > counted.len() {
        units *= line.len() as f32 / counted.len() as f32;
    }
    let sample_units = (latin_words + other_words) as f32 + han as f32 / 2.0;
    let stop_share = if han as f32 / 2.0 > latin_words as f32 {
        stop_lists
            .chinese
            .then(|| han_stop as f32 / han.max(1) as f32)
    } else if latin_words > 0 {
        stop_lists
            .english
            .then(|| latin_stop as f32 / latin_words as f32)
    } else {
        None
    };
    let ends_sentence = ends_like_sentence(line);

    let stripped = line.trim_start_matches(|c: char| is_bullet(c) || c == ' ');
    let bullet = stripped.len() < line.len() || starts_with_list_number(line);
    let short = units <= 12.0;
    let key = if short || need_key {
        line_key(line)
    } else {
        String::new()
    };
    let within = |hit: Option<PhraseHit>| hit.filter(|h| units <= h.max_units).map(|h| h.reason);
    let mut button = within(lexicon.whole(&key));
    // Rows of buttons have a few words; date lines a number or an anchor
    // word ("yesterday", 刚刚), so they are short too.
    if button.is_none() && units <= 6.0 && !key.is_empty() {
        let coverage = lexicon.widget_words.coverage(stripped);
        if coverage.complete && coverage.words > 0 {
            button = Some(Reason::Widget);
        }
    }
    let date_line = short && !key.is_empty() && (numbers > 0 || units <= 3.0) && {
        let coverage = lexicon.date_words.coverage(stripped);
        coverage.complete && coverage.numbers + coverage.anchors > 0
    } || is_numeric_date(stripped);
    LineSignals {
        units,
        stop_share,
        ends_sentence,
        punct_density: (marks as f32 / sample_units.max(1.0)).min(1.0),
        link_density: (links as f32 / sample_units.max(1.0)).min(1.0),
        numeric_share: (numbers as f32 / sample_units.max(1.0)).min(1.0),
        date_line,
        button,
        // "记者:" before a question is an interview's turn, not a byline:
        // a credit line never asks.
        phrase_start: within(lexicon.starts_with(stripped))
            .filter(|&r| !(r == Reason::Byline && ends_sentence && ends_with_question(line))),
        // A phrase inside a paragraph-length line says little, and looking
        // for one there would cost a scan of most article text.
        phrase_contains: if units <= CONTAINS_MAX_UNITS {
            within(lexicon.contains(sample))
        } else {
            None
        },
        opens: if short { lexicon.opens(&key) } else { None },
        bullet,
        key,
    }
}

/// The counts of words, stop words and marks in the start of a line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    /// Words that start with a Latin letter or an ASCII digit.
    latin_words: u32,
    /// Words that start with an ASCII digit.
    numbers: u32,
    /// Words that start with a letter of another script (not Han).
    other_words: u32,
    /// Han characters.
    han: u32,
    /// Han characters of the Chinese stop list (when it applies).
    han_stop: u32,
    /// Words of the English stop list (when it applies).
    latin_stop: u32,
    /// Sentence and clause marks (see [`is_clause_mark`]).
    marks: u32,
    /// Links, handles, tags and separators.
    links: u32,
}

/// Counts the words, stop words, marks and links of `counted`.
///
/// A word is a run of letters and digits (`don't` and `China's` are one
/// word); a Han character is counted by itself. Runs of ASCII letters and
/// digits, most of English text, are skipped over in one go: only a word
/// that ends up one such run, with the shape of some stop word (length,
/// first and last character), is read again to be looked up in the stop
/// list. `tests::counts_by_chars` is the same count character by character.
fn count(counted: &str, lexicon: &Lexicon, stop_lists: StopLists) -> Counts {
    let mut counts = Counts::default();
    // Whether the current word may be on the English stop list (the list
    // applies, and the word is one run of ASCII letters and digits of a
    // stop word's shape), and where that run is.
    let mut may_be_stop = false;
    let mut word = 0..0;
    let mut in_word = false;
    let bytes = counted.as_bytes();
    let ends_stop_word = |word: &std::ops::Range<usize>| is_stop_word(lexicon, bytes, word);
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        if ASCII_WORD[usize::from(b)] {
            let start = at;
            at = ascii_word_end(bytes, at + 1);
            if in_word {
                // After a letter of another script or an apostrophe.
                may_be_stop = false;
            } else {
                in_word = true;
                counts.latin_words += 1;
                counts.numbers += u32::from(b.is_ascii_digit());
                may_be_stop = stop_lists.english
                    && lexicon.may_be_english_stop_word(b, bytes[at - 1], at - start);
                word = start..at;
            }
            continue;
        }
        if b == b' ' {
            // Between words: a space only ends the word before it.
            if in_word && may_be_stop && ends_stop_word(&word) {
                counts.latin_stop += 1;
            }
            in_word = false;
            at += 1;
            continue;
        }
        at += 1;
        let c = if b < 0x80 {
            char::from(b)
        } else if (0xE0..0xF0).contains(&b) && at + 1 < bytes.len() {
            // Three bytes: all of CJK, decoded by hand (the hot path of
            // Chinese text).
            let code = u32::from(b & 0x0F) << 12
                | u32::from(bytes[at] & 0x3F) << 6
                | u32::from(bytes[at + 1] & 0x3F);
            at += 2;
            char::from_u32(code).expect("valid UTF-8")
        } else {
            let c = counted[at - 1..]
                .chars()
                .next()
                .expect("a character boundary");
            at += c.len_utf8() - 1;
            c
        };
        if b >= 0x80 && is_han(c) {
            // Counted by itself, a Han character only ends the word before
            // it: it is no mark and no link, and what follows it does not
            // matter (most of Chinese text takes this way).
            counts.han += 1;
            if stop_lists.chinese && lexicon.is_chinese_stop_char(c) {
                counts.han_stop += 1;
            }
            if in_word && may_be_stop && ends_stop_word(&word) {
                counts.latin_stop += 1;
            }
            in_word = false;
            continue;
        }
        let next = match bytes.get(at) {
            Some(&b) if b < 0x80 => char::from(b),
            Some(_) => counted[at..].chars().next().unwrap_or(' '),
            None => ' ',
        };
        let letter = !c.is_ascii() && c.is_alphanumeric();
        if letter {
            if !in_word {
                in_word = true;
                if script_of(c) == Script::Latin {
                    counts.latin_words += 1;
                } else {
                    counts.other_words += 1;
                }
            }
            may_be_stop = false;
            continue;
        }
        if in_word && c == '\'' && next.is_alphabetic() {
            may_be_stop = false; // don't, China's: not a stop-list entry
            continue;
        }
        if in_word && may_be_stop && ends_stop_word(&word) {
            counts.latin_stop += 1;
        }
        in_word = false;
        // An ASCII mark counts before a space, at the end, or before a
        // non-ASCII letter: normalization turns Chinese "，" into ",", with
        // no space after it ("3.5" and "a.b" stay unmarked).
        if is_clause_mark(c)
            && (!c.is_ascii() || next == ' ' || at == bytes.len() || !next.is_ascii())
        {
            counts.marks += 1;
        }
        let before = |back: usize| at.checked_sub(back).and_then(|i| bytes.get(i)).copied();
        match c {
            '|' | '»' | '«' | '›' | '→' => counts.links += 1,
            // @handles and e-mail addresses; #tags but not "No. #1".
            '@' if next.is_alphanumeric() => counts.links += 1,
            '#' if next.is_alphabetic()
                && !before(2).is_some_and(|p| p.is_ascii_alphanumeric()) =>
            {
                counts.links += 1
            }
            ':' if next == '/' => counts.links += 1, // https://
            '.' if at >= 4 && &bytes[at - 4..at - 1] == b"www" => counts.links += 1,
            _ => {}
        }
    }
    if in_word && may_be_stop && ends_stop_word(&word) {
        counts.latin_stop += 1;
    }
    counts
}

/// ASCII letters and digits: the bytes whose runs [`count`] skips in one go.
static ASCII_WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// The end of the run of [`ASCII_WORD`] bytes from `at` on. Eight bytes at
/// a time: a byte loop mispredicts the end of nearly every word. The
/// English tokenizer has its own (`alphanumeric_end` in canon-text's
/// `segment::words`): its text is all ASCII, which spares two operations
/// a block; sharing this one cost it 0.5% of English analysis.
#[inline]
fn ascii_word_end(bytes: &[u8], mut at: usize) -> usize {
    while let Some(block) = ascii::block_at(bytes, at) {
        let others = !ascii_word_lanes(block) & ascii::HIGH_BITS;
        if others != 0 {
            return at + ascii::first_lane(others);
        }
        at += 8;
    }
    while at < bytes.len() && ASCII_WORD[usize::from(bytes[at])] {
        at += 1;
    }
    at
}

/// The lanes of `block` (any eight bytes) holding an ASCII letter or
/// digit, as the high bit of each. The tests of [`ascii`] are for ASCII
/// lanes: they see the low seven bits of each byte, and the lanes of bytes
/// outside ASCII are cleared after (a test checks every byte in every
/// lane).
#[inline]
fn ascii_word_lanes(block: u64) -> u64 {
    let low = block & !ascii::HIGH_BITS;
    (ascii::letters(low) | ascii::in_range(low, b'0', b'9')) & !block & ascii::HIGH_BITS
}

/// Whether `bytes[word]` (1 to 16 ASCII letters and digits) is a word of
/// the English stop list, in any case.
// Not inlined: inlined, the compiler prepares the packing at the start of
// every word, stop word or not.
#[inline(never)]
fn is_stop_word(lexicon: &Lexicon, bytes: &[u8], word: &std::ops::Range<usize>) -> bool {
    lexicon.is_english_stop_key(pack_lowercase(bytes, word.clone()))
}

/// The word `bytes[word]` (1 to 16 ASCII letters and digits), lowercased
/// and packed as [`Lexicon::pack`] packs a word: read as one big-endian
/// number (with the bytes before it, then cut off), lowercased by setting
/// bit 5 of each byte (which digits have set already).
#[inline]
fn pack_lowercase(bytes: &[u8], word: std::ops::Range<usize>) -> u128 {
    const LOWERCASE: u128 = u128::from_be_bytes([0x20; 16]);
    let window = match bytes.get(word.end.wrapping_sub(16)..word.end) {
        Some(window) => window.try_into().expect("16 bytes"),
        None => {
            let mut window = [0; 16];
            window[16 - word.end..].copy_from_slice(&bytes[..word.end]);
            window
        }
    };
    (u128::from_be_bytes(window) | LOWERCASE) & (u128::MAX >> (8 * (16 - word.len())))
}

/// Whether the line ends like a sentence (. ! ? : 。 ！ ？ …, before closing
/// quotes), looking through one trailing parenthesis: newspapers end a
/// paragraph or a photo caption with its source or author in brackets
/// ("…奖牌。(李华)", "…出发。(新华社记者张强摄)"), and that does not make
/// the sentence before it furniture. A line that is only a parenthesis
/// does not end like a sentence.
fn ends_like_sentence(line: &str) -> bool {
    let trimmed = line.trim_end();
    let body = match trimmed.strip_suffix(')') {
        Some(inner) => match inner.rfind('(') {
            Some(open) if !inner[open + 1..].contains(')') => trimmed[..open].trim_end(),
            _ => trimmed,
        },
        None => trimmed,
    };
    body.chars()
        .rev()
        .find(|&c| !is_closing(c) && c != ' ')
        .is_some_and(is_sentence_end)
}

/// Whether the line's last sentence mark (before closing quotes) is a question mark.
fn ends_with_question(line: &str) -> bool {
    line.chars()
        .rev()
        .find(|&c| !is_closing(c) && c != ' ')
        .is_some_and(|c| matches!(c, '?' | '？'))
}

/// "1. ", "2) ", "3、", "4、2000年…" at the start of a line (but not "3.5
/// billion"), and the list numbers of Chinese documents: "(一)", "一、", "①".
fn starts_with_list_number(line: &str) -> bool {
    let mut chars = line.chars();
    match chars.next() {
        Some('①'..='⑳') => return true,
        Some('(') => {
            let numerals = chars.clone().take_while(|&c| is_chinese_numeral(c)).count();
            return (1..=3).contains(&numerals) && chars.nth(numerals) == Some(')');
        }
        Some(c) if is_chinese_numeral(c) => {
            let numerals = 1 + chars.clone().take_while(|&c| is_chinese_numeral(c)).count();
            return numerals <= 3 && line.chars().nth(numerals) == Some('、');
        }
        _ => {}
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&digits) {
        return false;
    }
    let mut rest = line[digits..].chars();
    match rest.next() {
        // "、" never sits inside a number; "." and ")" may ("3.5", "1)2").
        Some('、') => true,
        Some('.' | ')') => !rest.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

fn is_chinese_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十'
    )
}

/// A line of digits and date separators only: 2024-05-01, 2024/5/1 10:32, 05.01.2024.
fn is_numeric_date(line: &str) -> bool {
    line.len() <= 24
        && line.bytes().filter(u8::is_ascii_digit).count() >= 4
        && line
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'/' | b'.' | b':' | b' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signals(line: &str) -> LineSignals {
        line_signals(
            line,
            &Lexicon::builtin(),
            StopLists {
                english: true,
                chinese: true,
            },
            true,
        )
    }

    /// The counts of `counted` taken character by character, without the
    /// skips of [`count`]: the general path it must agree with.
    fn counts_by_chars(counted: &str, lexicon: &Lexicon, stop_lists: StopLists) -> Counts {
        let chars: Vec<(usize, char)> = counted.char_indices().collect();
        let mut counts = Counts::default();
        let mut word = String::new();
        let mut in_word = false;
        let mut word_ascii = true;
        for (k, &(i, c)) in chars.iter().enumerate() {
            let next = chars.get(k + 1).map_or(' ', |&(_, n)| n);
            let last = k + 1 == chars.len();
            if c.is_ascii_alphanumeric() {
                if !in_word {
                    in_word = true;
                    word.clear();
                    word_ascii = true;
                    counts.latin_words += 1;
                    counts.numbers += u32::from(c.is_ascii_digit());
                }
                word.push(c.to_ascii_lowercase());
                continue;
            }
            let letter = if c.is_ascii() {
                false
            } else if is_han(c) {
                counts.han += 1;
                counts.han_stop += u32::from(stop_lists.chinese && lexicon.is_chinese_stop_char(c));
                false
            } else {
                c.is_alphanumeric()
            };
            if letter {
                if !in_word {
                    in_word = true;
                    if script_of(c) == Script::Latin {
                        counts.latin_words += 1;
                    } else {
                        counts.other_words += 1;
                    }
                }
                word_ascii = false;
                continue;
            }
            if in_word && c == '\'' && next.is_alphabetic() {
                word_ascii = false;
                continue;
            }
            if in_word && stop_lists.english && word_ascii && lexicon.is_english_stop_word(&word) {
                counts.latin_stop += 1;
            }
            in_word = false;
            if is_clause_mark(c) && (!c.is_ascii() || next == ' ' || last || !next.is_ascii()) {
                counts.marks += 1;
            }
            let after_letter = counted[..i]
                .chars()
                .next_back()
                .is_some_and(|p| p.is_ascii_alphanumeric());
            counts.links += u32::from(match c {
                '|' | '»' | '«' | '›' | '→' => true,
                '@' => next.is_alphanumeric(),
                '#' => next.is_alphabetic() && !after_letter,
                ':' => next == '/',
                '.' => counted[..i].ends_with("www"),
                _ => false,
            });
        }
        if in_word && stop_lists.english && word_ascii && lexicon.is_english_stop_word(&word) {
            counts.latin_stop += 1;
        }
        counts
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The counts skipping ASCII runs are the counts character by
        /// character: words at and around the 16 bytes of a stop-list key,
        /// stop words in any case, apostrophes, marks before every kind of
        /// character, links, Han stop characters, letters of other scripts.
        #[test]
        fn counts_are_the_counts_character_by_character(
            line in "([a-zA-Z0-9]{1,3}|[a-z]{15,17}|the|The|OF|and|don|t|s|www|[ .,;:!?'#@|/\"()-]|»|«|›|→|é|ü|ß|中|的|了|是|。|，|、|…|Ж|ж|ا|١|²|😀|\u{3000}){0,40}",
            english: bool,
            chinese: bool,
        ) {
            let lexicon = Lexicon::builtin();
            let stop_lists = StopLists { english, chinese };
            proptest::prop_assert_eq!(
                count(&line, &lexicon, stop_lists),
                counts_by_chars(&line, &lexicon, stop_lists)
            );
        }
    }

    /// Every byte in every lane of a block, among fillers inside and
    /// outside ASCII, is a word lane exactly when the table says so.
    #[test]
    fn word_lanes_are_the_table_s_for_every_byte() {
        for b in 0..=u8::MAX {
            for filler in [b' ', b'a', b'9', 0x7F, 0x80, 0xE4, 0xFF] {
                for lane in 0..8 {
                    let mut block = [filler; 8];
                    block[lane] = b;
                    let lanes = ascii_word_lanes(u64::from_le_bytes(block));
                    for (k, &byte) in block.iter().enumerate() {
                        let set = lanes >> (8 * k + 7) & 1 == 1;
                        assert_eq!(set, ASCII_WORD[usize::from(byte)], "{block:?} at {k}");
                    }
                    assert_eq!(lanes & !ascii::HIGH_BITS, 0, "{block:?}");
                }
            }
        }
    }

    #[test]
    fn counts_of_known_lines() {
        let lexicon = Lexicon::builtin();
        let both = StopLists::for_language("en");
        let counts = count(
            "The model's, at www.example.com #ai 2024: it's 的了",
            &lexicon,
            both,
        );
        // the, model's, at, www, example, com, ai, 2024, it's
        assert_eq!(counts.latin_words, 9, "{counts:?}");
        assert_eq!(counts.numbers, 1);
        assert_eq!(counts.latin_stop, 2, "the, at: {counts:?}");
        assert_eq!(counts.links, 2, "www., #ai: {counts:?}");
        assert_eq!((counts.han, counts.han_stop), (2, 2));
        assert_eq!(
            counts,
            counts_by_chars(
                "The model's, at www.example.com #ai 2024: it's 的了",
                &lexicon,
                both
            )
        );
    }

    #[test]
    fn length_counts_words_and_half_han_characters() {
        assert_eq!(signals("one two three").units, 3.0);
        assert_eq!(signals("月之暗面发布").units, 3.0);
        assert_eq!(signals("Kimi 模型").units, 2.0);
        // Long lines are measured from their sample.
        let long = "word ".repeat(400);
        let units = signals(&long).units;
        assert!((380.0..=420.0).contains(&units), "{units}");
    }

    #[test]
    fn stop_word_share_by_script() {
        let article = signals("The model was trained on the outputs of the leading labs.");
        assert!(article.stop_share.unwrap() > 0.4);
        let headline = signals("Ethereum Surges Over 10% Amid ETF Inflows");
        assert!(headline.stop_share.unwrap() < 0.2);
        let chinese = signals("他说这是中国的模型在训练中遇到的问题");
        assert!(chinese.stop_share.unwrap() > 0.2);
        let none = line_signals(
            "Le modèle est entraîné sur les sorties",
            &Lexicon::builtin(),
            StopLists::for_language("fr"),
            false,
        );
        assert_eq!(none.stop_share, None);
    }

    #[test]
    fn sentence_punctuation() {
        assert!(signals("It rained.").ends_sentence);
        assert!(signals("他说:“好。”").ends_sentence);
        assert!(!signals("Hot Memes").ends_sentence);
        assert!(signals("First, second; third.").punct_density > 0.5);
        // Chinese clause marks after normalization (half-width, no space).
        assert!(
            signals("新德里警方连日来一直处于警戒状态,街上可见巡逻的警车,市民照常出行")
                .punct_density
                > 0.1
        );
        // Dots and commas inside numbers are not marks.
        assert_eq!(signals("priced at $1,841.31 now").punct_density, 0.0);
    }

    #[test]
    fn link_density() {
        assert!(signals("Home | World | Business").link_density > 0.3);
        assert!(signals("@canon #nlp https://example.com").link_density > 0.5);
        assert!(signals("Jordan Reyes, press@example.com").link_density >= 0.2);
        assert_eq!(signals("Email me at the office").link_density, 0.0);
    }

    #[test]
    fn numeric_share() {
        assert!(signals("上证指数 3089.26 +0.45%").numeric_share > 0.5);
        assert!(signals("NVDA 912.40 +2.1%").numeric_share > 0.5);
        assert!(signals("The index rose 2% in 2024 as profits grew.").numeric_share < 0.3);
    }

    #[test]
    fn date_and_time_ago_lines() {
        for line in [
            "9 days ago",
            "3小时前",
            "2024-05-01",
            "2024/5/1 10:32",
            "Yesterday",
        ] {
            assert!(signals(line).date_line, "{line}");
        }
        for line in [
            "9 days of talks",
            "2024 was a year of models.",
            "May Day parade",
        ] {
            assert!(!signals(line).date_line, "{line}");
        }
    }

    #[test]
    fn buttons_and_bullets() {
        assert_eq!(signals("  • Reward").button, Some(Reason::Widget));
        assert!(signals("• Reward").bullet);
        assert_eq!(signals("分享到:").button, Some(Reason::Widget));
        assert_eq!(signals("Like 12 Reply").button, Some(Reason::Widget));
        assert_eq!(signals("Share prices fell").button, None);
        assert!(signals("1. First item").bullet);
        assert!(!signals("In 2024 prices rose.").bullet);
    }

    #[test]
    fn a_trailing_source_in_brackets_keeps_the_sentence_end() {
        assert!(signals("比赛分为成人组和少年组,组委会准备了纪念奖牌。(李华)").ends_sentence);
        assert!(signals("图为选手们从江滩公园出发。(本报记者李华摄)").ends_sentence);
        assert!(signals("The fund grew again. (Reuters)").ends_sentence);
        assert!(!signals("(新华社记者张强摄)").ends_sentence);
        assert!(!signals("Comments (12)").ends_sentence);
        assert!(!signals("长跑比赛(图片)").ends_sentence);
    }

    #[test]
    fn chinese_list_numbers_are_bullets() {
        for line in [
            "(一)参赛选手须年满十六岁;",
            "二、报名时间",
            "③终点合影",
            "4、2001年1月3日,选手合影。",
        ] {
            assert!(signals(line).bullet, "{line}");
        }
        for line in [
            "一月三日选手报名。",
            "(新华社记者张强摄)",
            "3.5 billion",
            "十分寒冷",
        ] {
            assert!(!signals(line).bullet, "{line}");
        }
    }

    #[test]
    fn an_interview_question_is_not_a_byline() {
        assert_eq!(
            signals("记者:您为什么每年都来参加这项比赛?").phrase_start,
            None
        );
        assert_eq!(signals("记者:王明").phrase_start, Some(Reason::Byline));
    }

    #[test]
    fn phrases_respect_their_line_length() {
        assert_eq!(signals("By Jane Doe").phrase_start, Some(Reason::Byline));
        let paragraph = "By 2030 the lab expects to train models that are ten times larger than \
                         today's, its chief scientist said in an interview on Tuesday.";
        assert_eq!(signals(paragraph).phrase_start, None);
        let disclaimer = format!("Disclaimer: {}", "this is not advice. ".repeat(30));
        assert_eq!(signals(&disclaimer).phrase_start, Some(Reason::Disclaimer));
        assert_eq!(signals("Related articles").opens, Some(Reason::Related));
    }
}
