//! The invisible characters that carry meaning in some places and none in
//! others, and the rule that keeps them where they do.
//!
//! * U+200D ZERO WIDTH JOINER is kept between two emoji (👨‍👩‍👧, 🏳️‍🌈,
//!   👩🏽‍💻): without it a family becomes three people;
//! * U+FE0F and U+FE0E, the emoji and text presentation selectors, are kept
//!   right after an emoji (❤️, ☺︎) and, before U+20E3, after the keycap bases
//!   `0`-`9`, `#` and `*` (1️⃣);
//! * tag characters U+E0020-U+E007F are kept as the subdivision flags
//!   define them: right after 🏴, one to seven tag digits or lowercase tag
//!   letters, then CANCEL TAG (🏴 + `gbsct` is Scotland's flag). Elsewhere tags
//!   are hidden text, and are removed;
//! * U+200C ZERO WIDTH NON-JOINER is kept between a letter or mark and a
//!   letter of a script that writes words with it: Arabic (Persian
//!   می‌خواهم) and the Indic scripts, Devanagari to Sinhala (क्‌ष);
//! * everywhere else they are removed like the other invisible characters.
//!
//! The neighbours are judged as they stand in the normalized text (after
//! NFKC, the character before as written out, the one after as the first
//! character of its NFKC form), so that normalizing again makes the same
//! choice: a selector after ™ goes, because ™ becomes `TM`.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategoryGroup, UnicodeEmoji, UnicodeGeneralCategory};

const ZWJ: char = '\u{200D}';
const ZWNJ: char = '\u{200C}';
const KEYCAP: char = '\u{20E3}';
const BLACK_FLAG: char = '\u{1F3F4}';
const CANCEL_TAG: char = '\u{E007F}';
/// The most tag characters a subdivision flag spells before its CANCEL TAG.
const MAX_TAG_SPEC: usize = 7;

/// Whether `c` is one of the characters this module may keep.
#[inline]
pub(super) fn is_conditional(c: char) -> bool {
    matches!(c, ZWJ | ZWNJ | '\u{FE0E}' | '\u{FE0F}') || is_tag(c)
}

/// Whether `c` is a tag character.
#[inline]
pub(super) fn is_tag(c: char) -> bool {
    ('\u{E0020}'..=CANCEL_TAG).contains(&c)
}

/// Whether the joiner or selector `c` stays, between the last character of
/// the normalized text so far and `next`, the next character of the
/// original that is not removed outright (`None` at the end).
///
/// `previous(single_only)` gives that last character (a space for any
/// whitespace, `None` at the start) and whether it is all that one original
/// character became: selectors apply to one character, not to a letter and
/// its marks. With `single_only` it may answer `(None, false)` for anything
/// else. It is asked only when `next` allows `c`, because it may cost an
/// NFKC of the open group.
pub(super) fn keeps(
    c: char,
    previous: impl FnOnce(bool) -> (Option<char>, bool),
    next: Option<char>,
) -> bool {
    let next = next.map(first_normalized);
    match c {
        ZWJ => {
            next.is_some_and(is_emoji)
                && previous(false)
                    .0
                    .is_some_and(|p| is_emoji(p) || p == '\u{FE0F}' || p == CANCEL_TAG)
        }
        ZWNJ => {
            next.is_some_and(|n| needs_zwnj(n) && is_letter(n))
                && previous(false)
                    .0
                    .is_some_and(|p| needs_zwnj(p) && is_letter_or_mark(p))
        }
        _ => match previous(true) {
            (Some(p), true) => {
                is_emoji(p) || (matches!(p, '0'..='9' | '#' | '*') && next == Some(KEYCAP))
            }
            _ => false,
        },
    }
}

/// The length in bytes of the run of tag characters at the start of `rest`,
/// and whether it is a subdivision flag's tag sequence that stays after
/// `previous` (see the module documentation).
pub(super) fn tag_run(
    rest: &str,
    previous: Option<char>,
    previous_is_single: bool,
) -> (usize, bool) {
    let len = rest
        .char_indices()
        .find(|&(_, c)| !is_tag(c))
        .map_or(rest.len(), |(at, _)| at);
    let tags = &rest[..len];
    let spec_len = tags.chars().count().saturating_sub(1);
    let kept = previous == Some(BLACK_FLAG)
        && previous_is_single
        && tags.ends_with(CANCEL_TAG)
        && (1..=MAX_TAG_SPEC).contains(&spec_len)
        && tags
            .chars()
            .take(spec_len)
            .all(|c| matches!(c, '\u{E0030}'..='\u{E0039}' | '\u{E0061}'..='\u{E007A}'));
    (len, kept)
}

/// The first character of the NFKC form of `c` alone: what the normalized
/// text will hold where `c` stood.
fn first_normalized(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    c.nfkc().next().unwrap_or(c)
}

/// Emoji proper: not the digits, `#` and `*`, which Unicode counts as emoji
/// only for keycaps.
fn is_emoji(c: char) -> bool {
    !c.is_ascii() && c.is_emoji_char()
}

/// Arabic (with its supplements and presentation forms) and the Indic
/// blocks from Devanagari to Sinhala.
fn needs_zwnj(c: char) -> bool {
    matches!(c,
        '\u{0600}'..='\u{06FF}'
        | '\u{0750}'..='\u{077F}'
        | '\u{0870}'..='\u{08FF}'
        | '\u{0900}'..='\u{0DFF}'
        | '\u{FB50}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFF}')
}

fn is_letter(c: char) -> bool {
    c.general_category_group() == GeneralCategoryGroup::Letter
}

fn is_letter_or_mark(c: char) -> bool {
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Letter | GeneralCategoryGroup::Mark
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joiners_stay_only_between_emoji() {
        assert!(keeps(ZWJ, |_| (Some('👨'), true), Some('👩')));
        assert!(keeps(ZWJ, |_| (Some('\u{FE0F}'), true), Some('🌈')));
        assert!(!keeps(ZWJ, |_| (Some('a'), true), Some('👩')));
        assert!(!keeps(ZWJ, |_| (Some('👨'), true), Some('1')));
        assert!(!keeps(ZWJ, |_| (Some('👨'), true), Some('™')));
        assert!(!keeps(ZWJ, |_| (None, true), Some('👩')));
    }

    #[test]
    fn selectors_stay_after_one_emoji_or_before_a_keycap() {
        assert!(keeps('\u{FE0F}', |_| (Some('❤'), true), None));
        assert!(!keeps('\u{FE0F}', |_| (Some('❤'), false), None));
        assert!(keeps('\u{FE0F}', |_| (Some('1'), true), Some(KEYCAP)));
        assert!(!keeps('\u{FE0F}', |_| (Some('1'), true), Some('2')));
        assert!(!keeps('\u{FE0F}', |_| (Some('\u{FE0F}'), true), None));
    }

    #[test]
    fn non_joiners_stay_inside_arabic_and_indic_words() {
        assert!(keeps(ZWNJ, |_| (Some('ی'), false), Some('خ')));
        assert!(keeps(ZWNJ, |_| (Some('\u{94D}'), false), Some('ष')));
        assert!(!keeps(ZWNJ, |_| (Some('ی'), false), Some('٣')));
        assert!(!keeps(ZWNJ, |_| (Some('ی'), false), Some('a')));
        assert!(!keeps(ZWNJ, |_| (Some(' '), false), Some('خ')));
        assert!(!keeps(ZWNJ, |_| (Some('ی'), false), Some('\u{FE70}')));
    }

    #[test]
    fn tag_runs_stay_only_as_subdivision_flags() {
        let scotland = "\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}x";
        assert_eq!(tag_run(scotland, Some(BLACK_FLAG), true), (24, true));
        assert!(!tag_run(scotland, Some('😀'), true).1);
        assert!(!tag_run("\u{E0041}\u{E007F}", Some(BLACK_FLAG), true).1);
        assert!(!tag_run("\u{E007F}", Some(BLACK_FLAG), true).1);
        let long = "\u{E0061}".repeat(8) + "\u{E007F}";
        assert_eq!(tag_run(&long, Some(BLACK_FLAG), true), (36, false));
    }
}
