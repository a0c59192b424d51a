//! The word segmenter for everything that is not Han text: Unicode word
//! boundaries (UAX #29) with the rules English news needs on top.
//!
//! * terms are lowercased;
//! * a possessive `'s` is dropped (China's → `china`), and the token's span
//!   stops before it so the entity surface is the name alone;
//! * dotted acronyms keep their final dot in the span and lose their dots in
//!   the term (U.S. → `us`), while a single initial stays a letter
//!   (Kevin S. Xu → `kevin`, `s`, `xu`);
//! * hyphenated compounds stay one term (post-training);
//! * amounts stay one term: a currency sign before a number and a percent
//!   sign after it are kept ($1,841.31, 10%, 15.8m);
//! * punctuation and symbols are not terms.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;

use super::{Segment, Token};

/// Segments non-Han text into words.
#[derive(Debug, Default, Clone, Copy)]
pub struct WordSegmenter;

impl Segment for WordSegmenter {
    fn segment<'t>(&self, run: &'t str, base: usize, out: &mut Vec<Token<'t>>) {
        let pieces: Vec<(usize, &str)> = run.split_word_bound_indices().collect();
        let mut i = 0;
        while i < pieces.len() {
            let first = i;
            let (start, piece) = pieces[i];
            i += 1;
            if !is_wordlike(piece) {
                continue;
            }
            let mut start = start;
            let mut end = start + piece.len();
            // Hyphenated compounds: word-word-word with nothing in between.
            while i + 1 < pieces.len() && pieces[i].1 == "-" && is_wordlike(pieces[i + 1].1) {
                end = pieces[i + 1].0 + pieces[i + 1].1.len();
                i += 2;
            }
            let starts_with_digit = run[start..].starts_with(|c: char| c.is_ascii_digit());
            if starts_with_digit
                && let Some(&(sign_start, sign)) = first.checked_sub(1).map(|p| &pieces[p])
                && is_currency_sign(sign)
            {
                start = sign_start;
            }
            let word = &run[start..end];
            let acronym = is_dotted_acronym(word);
            if i < pieces.len() {
                let next = pieces[i].1;
                if (next == "%" && word.ends_with(|c: char| c.is_ascii_digit()))
                    || (next == "." && acronym)
                {
                    end += 1;
                    i += 1;
                }
            }
            // C++, C#, Face++: a trailing run of + or # not followed by a word
            // is part of the name, and dropping it would turn it into a common word.
            let suffix = run[end..]
                .bytes()
                .take_while(|&b| b == b'+' || b == b'#')
                .count();
            if suffix > 0
                && suffix <= 2
                && !run[end + suffix..].starts_with(|c: char| c.is_alphanumeric())
            {
                while i < pieces.len() && pieces[i].0 < end + suffix {
                    i += 1;
                }
                end += suffix;
            }
            if let Some(stripped) = strip_possessive(&run[start..end]) {
                end = start + stripped.len();
            }
            let surface = &run[start..end];
            let term = if acronym {
                Cow::Owned(
                    surface
                        .chars()
                        .filter(|&c| c != '.')
                        .flat_map(char::to_lowercase)
                        .collect(),
                )
            } else {
                lowercase(surface)
            };
            out.push(Token {
                term,
                start: base + start,
                end: base + end,
            });
        }
    }
}

fn is_wordlike(piece: &str) -> bool {
    piece.chars().any(char::is_alphanumeric)
}

/// A currency sign standing alone as a word-boundary piece.
fn is_currency_sign(piece: &str) -> bool {
    let mut chars = piece.chars();
    matches!(
        (chars.next(), chars.next()),
        (
            Some('$' | '£' | '€' | '¥' | '₩' | '₹' | '₽' | '₺' | '₫' | '฿' | '₿'),
            None
        )
    )
}

/// `U.S`, `e.g`, `U.S.A`: single letters joined by dots (UAX #29 leaves the
/// final dot outside the word).
fn is_dotted_acronym(word: &str) -> bool {
    let mut letters = 0;
    let mut expect_letter = true;
    for c in word.chars() {
        if expect_letter {
            if !c.is_alphabetic() {
                return false;
            }
            letters += 1;
        } else if c != '.' {
            return false;
        }
        expect_letter = !expect_letter;
    }
    letters >= 2 && !expect_letter
}

/// The word without a trailing possessive `'s`, if it has one.
fn strip_possessive(word: &str) -> Option<&str> {
    let stripped = word
        .strip_suffix("'s")
        .or_else(|| word.strip_suffix("'S"))?;
    (!stripped.is_empty()).then_some(stripped)
}

fn lowercase(word: &str) -> Cow<'_, str> {
    if word.chars().any(char::is_uppercase) {
        Cow::Owned(word.to_lowercase())
    } else {
        Cow::Borrowed(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        WordSegmenter.segment(text, 0, &mut out);
        out.into_iter()
            .map(|t| (t.term.into_owned(), &text[t.start..t.end]))
            .collect()
    }

    fn terms(text: &str) -> Vec<String> {
        tokens(text).into_iter().map(|(term, _)| term).collect()
    }

    #[test]
    fn words_are_lowercased_and_punctuation_dropped() {
        assert_eq!(
            terms("Hello, World! (DeepSeek)"),
            ["hello", "world", "deepseek"]
        );
    }

    #[test]
    fn possessive_s_is_dropped_from_term_and_span() {
        assert_eq!(
            tokens("China's lead"),
            [("china".into(), "China"), ("lead".into(), "lead")]
        );
        assert_eq!(terms("students' work"), ["students", "work"]);
        assert_eq!(terms("don't"), ["don't"]);
    }

    #[test]
    fn dotted_acronyms_keep_their_dot_in_the_span() {
        assert_eq!(
            tokens("the U.S. ban"),
            [
                ("the".into(), "the"),
                ("us".into(), "U.S."),
                ("ban".into(), "ban")
            ]
        );
        assert_eq!(terms("U.S.-China talks"), ["us", "china", "talks"]);
    }

    #[test]
    fn initials_stay_single_letters() {
        assert_eq!(
            tokens("Kevin S. Xu"),
            [
                ("kevin".into(), "Kevin"),
                ("s".into(), "S"),
                ("xu".into(), "Xu")
            ]
        );
    }

    #[test]
    fn amounts_and_compounds_are_one_token() {
        assert_eq!(
            terms("$1,841.31 rose 10% to 15.8m after post-training; £600m"),
            [
                "$1,841.31",
                "rose",
                "10%",
                "to",
                "15.8m",
                "after",
                "post-training",
                "£600m"
            ]
        );
    }

    #[test]
    fn plus_and_sharp_suffixes_stay_on_names() {
        assert_eq!(
            terms("C++ and C# beat Face++, but a+b is two"),
            [
                "c++", "and", "c#", "beat", "face++", "but", "a", "b", "is", "two"
            ]
        );
    }

    #[test]
    fn a_lone_hyphen_or_sign_is_not_a_token() {
        assert_eq!(terms("a - b $ % --"), ["a", "b"]);
    }

    #[test]
    fn spans_are_offset_by_base() {
        let mut out = Vec::new();
        WordSegmenter.segment("ab cd", 7, &mut out);
        assert_eq!((out[1].start, out[1].end), (10, 12));
    }
}
