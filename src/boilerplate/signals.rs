//! The signals of one line taken by itself: length, stop words, punctuation,
//! links, dates, buttons, bullets and known phrases. The signals of a line's
//! place in the page (before or after the article, in a run of short lines,
//! in a ticker) are in [`super::layout`].

use super::Reason;
use super::lexicon::{Lexicon, PhraseHit};
use super::lines::{SAMPLE_BYTES, line_key};
use crate::script::{Script, is_han, script_of};

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
    /// The line contains a known phrase.
    pub phrase_contains: Option<Reason>,
    /// The line is a heading that opens a section of furniture.
    pub opens: Option<Reason>,
    /// The line begins with a bullet or a list number.
    pub bullet: bool,
    /// The line's key (see [`line_key`]).
    pub key: String,
}

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
pub fn line_signals(line: &str, lexicon: &Lexicon, stop_lists: StopLists) -> LineSignals {
    let sample = super::lines::sample(line);
    let mut latin_words = 0u32;
    let mut numbers = 0u32;
    let mut other_words = 0u32;
    let mut han = 0u32;
    let mut han_stop = 0u32;
    let mut latin_stop = 0u32;
    let mut marks = 0u32;
    let mut links = 0u32;
    let mut word = [0u8; 16];
    let mut word_len = 0usize;
    let mut in_word = false;
    let mut word_ascii = true;
    let mut previous = ' ';
    let mut last_three = [' '; 3];
    let mut chars = sample.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied().unwrap_or(' ');
        if is_han(c) {
            han += 1;
            if stop_lists.chinese && lexicon.is_chinese_stop_char(c) {
                han_stop += 1;
            }
        }
        let letter = c.is_alphanumeric() && !is_han(c);
        if letter {
            if !in_word {
                in_word = true;
                word_len = 0;
                word_ascii = true;
                if c.is_ascii_digit() {
                    numbers += 1;
                    latin_words += 1;
                } else if script_of(c) == Script::Latin {
                    latin_words += 1;
                } else {
                    other_words += 1;
                }
            }
            if c.is_ascii() && word_len < word.len() {
                word[word_len] = c.to_ascii_lowercase() as u8;
                word_len += 1;
            } else {
                word_ascii = false;
            }
        } else if in_word && c == '\'' && next.is_alphabetic() {
            word_ascii = false; // don't, China's: not a stop-list entry
        } else {
            if in_word
                && stop_lists.english
                && word_ascii
                && word_len > 0
                && word_len < word.len()
                && lexicon.is_english_stop_word(
                    std::str::from_utf8(&word[..word_len]).expect("ASCII letters"),
                )
            {
                latin_stop += 1;
            }
            in_word = false;
        }
        if is_clause_mark(c) && (!c.is_ascii() || next == ' ' || chars.peek().is_none()) {
            marks += 1;
        }
        match c {
            '|' | '»' | '«' | '›' | '→' => links += 1,
            // @handles and e-mail addresses; #tags but not "No. #1".
            '@' if next.is_alphanumeric() => links += 1,
            '#' if next.is_alphabetic() && !previous.is_alphanumeric() => links += 1,
            ':' if next == '/' => links += 1, // https://
            '.' if last_three == ['w', 'w', 'w'] => links += 1, // www.
            _ => {}
        }
        last_three = [last_three[1], last_three[2], c];
        previous = c;
    }
    if in_word
        && stop_lists.english
        && word_ascii
        && word_len > 0
        && word_len < word.len()
        && lexicon.is_english_stop_word(std::str::from_utf8(&word[..word_len]).expect("ASCII"))
    {
        latin_stop += 1;
    }
    let mut units = latin_words as f32 + other_words as f32 + han as f32 / 2.0;
    if line.len() > sample.len() {
        units *= line.len() as f32 / sample.len() as f32;
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
    let ends_sentence = line
        .chars()
        .rev()
        .find(|&c| !is_closing(c) && c != ' ')
        .is_some_and(is_sentence_end);

    let stripped = line.trim_start_matches(|c: char| is_bullet(c) || c == ' ');
    let bullet = stripped.len() < line.len() || starts_with_list_number(line);
    let key = line_key(line);
    let short = units <= 12.0;
    let within = |hit: Option<PhraseHit>| hit.filter(|h| units <= h.max_units).map(|h| h.reason);
    let mut button = within(lexicon.whole(&key));
    if button.is_none() && short && !key.is_empty() {
        let coverage = lexicon.widget_words.coverage(stripped);
        if coverage.complete && coverage.words > 0 {
            button = Some(Reason::Widget);
        }
    }
    let date_line = short && !key.is_empty() && {
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
        phrase_start: within(lexicon.starts_with(stripped)),
        phrase_contains: if line.len() <= 2 * SAMPLE_BYTES {
            within(lexicon.contains(line))
        } else {
            None
        },
        opens: if short { lexicon.opens(&key) } else { None },
        bullet,
        key,
    }
}

/// "1. ", "2) ", "3、" at the start of a line (but not "3.5 billion").
fn starts_with_list_number(line: &str) -> bool {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=2).contains(&digits) {
        return false;
    }
    let mut rest = line[digits..].chars();
    matches!(rest.next(), Some('.' | ')' | '、'))
        && !rest.next().is_some_and(|c| c.is_ascii_digit())
}

/// A line of digits and date separators only: 2024-05-01, 2024/5/1 10:32, 05.01.2024.
fn is_numeric_date(line: &str) -> bool {
    let digits = line.bytes().filter(u8::is_ascii_digit).count();
    digits >= 4
        && line.len() <= 24
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
        )
    }

    #[test]
    fn length_counts_words_and_half_han_characters() {
        assert_eq!(signals("one two three").units, 3.0);
        assert_eq!(signals("月之暗面发布").units, 3.0);
        assert_eq!(signals("Kimi 模型").units, 2.0);
        // Long lines are measured from their sample.
        let long = "word ".repeat(400);
        let units = signals(&long).units;
        assert!((390.0..=410.0).contains(&units), "{units}");
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
        );
        assert_eq!(none.stop_share, None);
    }

    #[test]
    fn sentence_punctuation() {
        assert!(signals("It rained.").ends_sentence);
        assert!(signals("他说:“好。”").ends_sentence);
        assert!(!signals("Hot Memes").ends_sentence);
        assert!(signals("First, second; third.").punct_density > 0.5);
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
