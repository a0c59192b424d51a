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
    fn segment<'t>(&self, run: &'t str, lower: &'t str, base: usize, out: &mut Vec<Token<'t>>) {
        let pieces = word_bound_pieces(run);
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
            } else if surface.is_ascii() || !surface.chars().any(char::is_uppercase) {
                Cow::Borrowed(&lower[start..end])
            } else {
                Cow::Owned(surface.to_lowercase())
            };
            out.push(Token {
                term,
                start: base + start,
                end: base + end,
            });
        }
    }
}

/// The text cut at Unicode word boundaries (UAX #29): words, and every
/// other character on its own (runs of spaces together).
pub fn word_bound_pieces(run: &str) -> Vec<(usize, &str)> {
    if run.is_ascii() {
        return ascii_word_bound_pieces(run);
    }
    // Mostly-ASCII text with a few other characters (£, é, —): cut it after
    // spaces that precede an ASCII character, where UAX #29 always breaks,
    // and take the fast path for every chunk that is pure ASCII.
    let mut pieces = Vec::with_capacity(run.len() / 3);
    let bytes = run.as_bytes();
    let mut chunk_start = 0;
    for i in 0..bytes.len() {
        let cut = bytes[i] == b' ' && bytes.get(i + 1).is_some_and(|&b| b.is_ascii() && b != b' ');
        if cut || i + 1 == bytes.len() {
            let chunk = &run[chunk_start..=i];
            let base = chunk_start;
            if chunk.is_ascii() {
                pieces.extend(
                    ascii_word_bound_pieces(chunk)
                        .into_iter()
                        .map(|(o, p)| (base + o, p)),
                );
            } else {
                pieces.extend(chunk.split_word_bound_indices().map(|(o, p)| (base + o, p)));
            }
            chunk_start = i + 1;
        }
    }
    pieces
}

/// UAX #29 word boundaries restricted to ASCII, which is most of English news
/// and several times faster than the general tables. Equal to
/// `split_word_bound_indices` on every ASCII string (a property test checks).
fn ascii_word_bound_pieces(run: &str) -> Vec<(usize, &str)> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Class {
        Letter,
        Digit,
        Joiner,
        Other,
    }
    let bytes = run.as_bytes();
    let class = |i: usize| match bytes.get(i) {
        Some(b) if b.is_ascii_alphabetic() => Class::Letter,
        Some(b) if b.is_ascii_digit() => Class::Digit,
        Some(b'_') => Class::Joiner,
        _ => Class::Other,
    };
    let mut pieces = Vec::with_capacity(run.len() / 3);
    let mut start = 0;
    while start < bytes.len() {
        let mut end = start + 1;
        match class(start) {
            Class::Other => {
                let b = bytes[start];
                if b == b'\r' && bytes.get(end) == Some(&b'\n') {
                    end += 1;
                } else if b == b' ' {
                    while bytes.get(end) == Some(&b' ') {
                        end += 1;
                    }
                }
            }
            _ => loop {
                let (previous, next) = (class(end - 1), class(end));
                if next != Class::Other {
                    end += 1;
                    continue;
                }
                // A middle character joins two letters (: . ') or two digits (, ; . ').
                let middle = bytes.get(end).copied();
                let after = class(end + 1);
                let joins = match middle {
                    Some(b':') => previous == Class::Letter && after == Class::Letter,
                    Some(b'.' | b'\'') => {
                        (previous == Class::Letter && after == Class::Letter)
                            || (previous == Class::Digit && after == Class::Digit)
                    }
                    Some(b',' | b';') => previous == Class::Digit && after == Class::Digit,
                    _ => false,
                };
                if joins {
                    end += 2;
                } else {
                    break;
                }
            },
        }
        pieces.push((start, &run[start..end]));
        start = end;
    }
    pieces
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

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        let lower = text.to_ascii_lowercase();
        WordSegmenter.segment(text, &lower, 0, &mut out);
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
    fn ascii_boundaries_equal_unicode_boundaries() {
        for text in [
            "U.S. ban: a:b 1,841.31 don't rock'n'roll e.g. 15.8m R1 snake_case _x a__b",
            "end. 3.5.  x.y.z 1;2 a;b 'quoted' a' 'b 1'000 \r\n\n  \t-%$#",
            "a.1 1.a a:1 1:2 ..a a.. ''",
        ] {
            let unicode: Vec<(usize, &str)> = text.split_word_bound_indices().collect();
            assert_eq!(ascii_word_bound_pieces(text), unicode, "{text:?}");
        }
    }

    #[test]
    fn a_lone_hyphen_or_sign_is_not_a_token() {
        assert_eq!(terms("a - b $ % --"), ["a", "b"]);
    }

    #[test]
    fn spans_are_offset_by_base() {
        let mut out = Vec::new();
        WordSegmenter.segment("ab cd", "ab cd", 7, &mut out);
        assert_eq!((out[1].start, out[1].end), (10, 12));
    }
}
