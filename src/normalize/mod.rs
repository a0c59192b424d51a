//! Stage 1: Unicode normalization that remembers where every character came from.
//!
//! Search engines index whatever bytes they are given, so the same word written
//! in full-width letters, with a zero-width space inside or with a curly
//! apostrophe becomes a different term. This stage folds those variants away:
//!
//! * NFKC (full-width Latin and digits, the ideographic space, ligatures ...);
//! * invisible and control characters removed (zero-width space, soft hyphen,
//!   byte order mark, bidi controls, C0/C1 controls other than whitespace);
//! * curly quotes, guillemets and dashes folded to their ASCII forms;
//! * runs of whitespace collapsed to one space, or one `\n` when the run holds a
//!   line break, and trimmed at both ends.
//!
//! Every byte of the normalized text keeps the code-point range of the original
//! text it came from, so later stages can report offsets into the original.
//! Normalizing twice gives the same text as normalizing once.

pub mod chinese;

use unicode_normalization::char::canonical_combining_class;

use crate::ascii;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// Normalized text plus the map back to the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    text: String,
    /// For each byte of `text` that starts a character: the code-point range of
    /// the original text that produced it. Continuation bytes repeat the value.
    origin: Vec<(u32, u32)>,
}

impl Normalized {
    /// The normalized text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Code-point range in the original text covered by the normalized bytes
    /// `start..end` (which must lie on character boundaries of [`Self::text`]).
    ///
    /// An empty range maps to an empty range at the corresponding position.
    pub fn original_range(&self, start: usize, end: usize) -> (usize, usize) {
        debug_assert!(self.text.is_char_boundary(start) && self.text.is_char_boundary(end));
        if start >= end {
            let at = self
                .origin
                .get(start)
                .map_or_else(|| self.origin.last().map_or(0, |o| o.1), |o| o.0);
            return (at as usize, at as usize);
        }
        (
            self.origin[start].0 as usize,
            self.origin[end - 1].1 as usize,
        )
    }
}

/// Normalizes `original` (see the module documentation).
pub fn normalize(original: &str) -> Normalized {
    let mut out = Emitter {
        text: String::with_capacity(original.len()),
        origin: Vec::with_capacity(original.len()),
        pending_space: None,
    };
    // A group is a starter and the non-starters that follow it: NFKC never
    // reorders or composes across a starter that cannot combine backwards, so
    // normalizing group by group equals normalizing the whole text, and every
    // output character can be charged to its group's original range.
    let mut group = String::new();
    let mut group_range = (0u32, 0u32);
    let bytes = original.as_bytes();
    let mut position = 0;
    let mut index = 0u32;
    while position < bytes.len() {
        if bytes[position].is_ascii() {
            // Fast path for ASCII runs: an ASCII character followed by another
            // ASCII character is a group of its own and normalizes to itself.
            // Only the run's last character may take combining marks after it.
            let end = position + ascii_prefix_len(&bytes[position..]);
            // The run's last visible character may take combining marks that
            // follow it (invisible characters in between are dropped first),
            // so it starts a group; everything before it is pushed directly.
            let Some(holder) = (position..end)
                .rev()
                .find(|&i| !is_invisible(char::from(bytes[i])))
            else {
                // Only controls: they vanish, and the open group may still
                // take the combining marks that follow them.
                index += (end - position) as u32;
                position = end;
                continue;
            };
            if !group.is_empty() {
                out.push_group(&group, group_range);
                group.clear();
            }
            let mut at = position;
            while at < holder {
                let b = bytes[at];
                if is_printable_ascii(b) {
                    // Text that normalizes to itself goes in whole stretches;
                    // other spaces and controls one by one.
                    let stretch = unchanged_stretch_len(&bytes[at..holder]);
                    out.push_unchanged_ascii(&original[at..at + stretch], index);
                    index += stretch as u32;
                    at += stretch;
                    continue;
                }
                match b {
                    b' ' | b'\t' => out.push_space(false, (index, index + 1)),
                    b'\n' | b'\r' | 0x0B | 0x0C => out.push_space(true, (index, index + 1)),
                    // The other controls are invisible.
                    _ => debug_assert!(is_invisible(char::from(b))),
                }
                index += 1;
                at += 1;
            }
            group.push(char::from(bytes[holder]));
            group_range = (index, index + 1);
            index += (end - holder) as u32;
            position = end;
            continue;
        }
        let stretch = inert_stretch_len(&bytes[position..]);
        if stretch > 0 {
            // Fast path for Chinese: an ideograph followed by a character
            // that cannot combine backwards is a group of its own and
            // unchanged; so is every character of the stretch.
            if !group.is_empty() {
                out.push_group(&group, group_range);
                group.clear();
            }
            out.push_unchanged_cjk(&original[position..position + stretch], index);
            index += (stretch / 3) as u32;
            position += stretch;
            continue;
        }
        let c = original[position..]
            .chars()
            .next()
            .expect("position is a char boundary");
        position += c.len_utf8();
        let this = index;
        index += 1;
        if let Some(form) = simple_form(c)
            && original[position..]
                .chars()
                .next()
                .is_none_or(|n| n.is_ascii() || is_inert(n) || simple_form(n).is_some())
        {
            // Fast path for full-width forms and typographic punctuation,
            // which Chinese text is full of: a group of their own when
            // nothing combining follows.
            if !group.is_empty() {
                out.push_group(&group, group_range);
                group.clear();
            }
            out.push_char(form, (this, this + 1));
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        if starts_group(c) && !group.is_empty() {
            out.push_group(&group, group_range);
            group.clear();
        }
        if group.is_empty() {
            group_range.0 = this;
        }
        group.push(c);
        group_range.1 = this + 1;
    }
    if !group.is_empty() {
        out.push_group(&group, group_range);
    }
    Normalized {
        text: out.text,
        origin: out.origin,
    }
}

/// The length of the ASCII prefix of `bytes`, eight bytes at a time.
fn ascii_prefix_len(bytes: &[u8]) -> usize {
    let mut at = 0;
    while let Some(block) = ascii::block_at(bytes, at) {
        let high = block & ascii::HIGH_BITS;
        if high != 0 {
            return at + ascii::first_lane(high);
        }
        at += 8;
    }
    at + bytes[at..].iter().take_while(|b| b.is_ascii()).count()
}

fn is_printable_ascii(b: u8) -> bool {
    (0x21..=0x7E).contains(&b)
}

/// The length of the prefix of ASCII `bytes` (which starts with a printable
/// character) that normalization leaves as it is: printable characters, and
/// single spaces and line feeds between two of them. Its origin is one code
/// point per byte. Eight bytes at a time, because a byte loop would
/// mispredict the end of every word.
fn unchanged_stretch_len(bytes: &[u8]) -> usize {
    debug_assert!(is_printable_ascii(bytes[0]));
    let printable = |block: u64| ascii::in_range(block, 0x21, 0x7E);
    let mut at = 0;
    // A space or line feed may stay only when the byte after it is printable:
    // the block at `at + 1` gives each byte's successor.
    while let Some(after) = ascii::block_at(bytes, at + 1) {
        let block = ascii::block_at(bytes, at).expect("shorter than the block after it");
        let spaces = ascii::in_range(block, b' ', b' ') | ascii::in_range(block, b'\n', b'\n');
        let changed = !(printable(block) | spaces & printable(after)) & ascii::HIGH_BITS;
        if changed != 0 {
            return at + ascii::first_lane(changed);
        }
        at += 8;
    }
    while let Some(&b) = bytes.get(at) {
        if is_printable_ascii(b) {
            at += 1;
        } else if matches!(b, b' ' | b'\n')
            && bytes.get(at + 1).is_some_and(|&n| is_printable_ascii(n))
        {
            at += 2;
        } else {
            break;
        }
    }
    at
}

/// The length in bytes of the longest prefix of `bytes` (valid UTF-8 from a
/// character boundary) made of [`is_inert`] characters each followed by an
/// ASCII, inert or [`simple_form`] character or by the end: characters that
/// normalize to themselves, one group each.
fn inert_stretch_len(bytes: &[u8]) -> usize {
    // Every inert character, and every simple form, is three bytes long.
    let three_byte_char = |at: usize| three_byte_char_at(bytes, at);
    let mut at = 0;
    while three_byte_char(at).is_some_and(is_inert) {
        at += 3;
    }
    // The last inert character must not be followed by one that could
    // combine with it.
    if at > 0
        && bytes.get(at).is_some_and(|b| !b.is_ascii())
        && three_byte_char(at).is_none_or(|c| simple_form(c).is_none())
    {
        at -= 3;
    }
    at
}

/// The character at byte `at` of `bytes` (valid UTF-8, `at` a character
/// boundary) if it is three bytes long, decoded without the general UTF-8
/// machinery: CJK text is made of such characters, and the scans over it
/// need only them.
#[inline]
fn three_byte_char_at(bytes: &[u8], at: usize) -> Option<char> {
    let lead = *bytes.get(at)?;
    if lead & 0xF0 != 0xE0 {
        return None;
    }
    let code = (u32::from(lead & 0x0F) << 12)
        | (u32::from(bytes[at + 1] & 0x3F) << 6)
        | u32::from(bytes[at + 2] & 0x3F);
    char::from_u32(code)
}

/// Characters NFKC leaves alone whatever surrounds them: CJK unified
/// ideographs and the common CJK punctuation, which have no decomposition,
/// combining class 0 and no composition with a neighbour.
fn is_inert(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{3001}'..='\u{3002}'
        | '\u{3008}'..='\u{3011}')
}

/// What NFKC and the punctuation fold make of characters that map to one
/// ASCII character and neither combine with the character before them nor
/// decompose into something that could: the full-width forms of ASCII, the
/// ideographic space, and typographic quotes and dashes.
fn simple_form(c: char) -> Option<char> {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        '\u{3000}' => Some(' '),
        '\u{2010}'..='\u{2015}' | '\u{2018}'..='\u{201F}' | '\u{2032}' => Some(fold_punctuation(c)),
        // Apostrophes typed as a modifier letter or an acute accent: NFKC
        // would keep the first and turn the second into a space and a
        // combining mark, so both are folded before it.
        '\u{2BC}' | '\u{B4}' => Some('\''),
        _ => None,
    }
}

/// Whether `c` begins a new normalization group rather than possibly
/// combining with the character before it. Judged on the first character of
/// its compatibility decomposition: half-width ﾞ decomposes to a combining
/// mark and must stay with the kana before it.
fn starts_group(c: char) -> bool {
    if c.is_ascii() {
        return true;
    }
    let first = c.nfkd().next().unwrap_or(c);
    canonical_combining_class(first) == 0
        && is_nfkc_quick(std::iter::once(first)) != IsNormalized::Maybe
}

/// Characters that carry no text: format controls and non-whitespace controls.
///
/// Removed rather than replaced by a space because they usually sit inside a
/// word (soft hyphen, zero-width space) and splitting the word would be wrong.
pub fn is_invisible(c: char) -> bool {
    match c {
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' => false,
        '\u{00}'..='\u{1F}' | '\u{7F}'..='\u{9F}' => c != '\u{85}',
        '\u{AD}'
        | '\u{34F}'
        | '\u{61C}'
        | '\u{115F}'
        | '\u{1160}'
        | '\u{17B4}'
        | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFF8}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}' => true,
        _ => false,
    }
}

/// The ASCII form of typographic quotes and dashes; other characters unchanged.
fn fold_punctuation(c: char) -> char {
    match c {
        // Every apostrophe form folds to ', so that the possessive rule and
        // alias keys see one character (OpenAIʼs, People′s).
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2BC}' | '\u{2032}' | '\u{B4}' => {
            '\''
        }
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{AB}' | '\u{BB}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' => '-',
        _ => c,
    }
}

/// Line-breaking whitespace: a whitespace run holding one becomes `\n`.
fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

struct Emitter {
    text: String,
    origin: Vec<(u32, u32)>,
    /// A whitespace run not yet written: whether it holds a line break, and its
    /// original range. Written only when a non-space follows, which trims the end.
    pending_space: Option<(bool, (u32, u32))>,
}

impl Emitter {
    fn push_group(&mut self, group: &str, range: (u32, u32)) {
        let mut chars = group.chars();
        if let (Some(c), None) = (chars.next(), chars.next())
            && c.is_ascii()
        {
            self.push_char(c, range);
            return;
        }
        for c in group.nfkc() {
            self.push_char(fold_punctuation(c), range);
        }
    }

    fn push_char(&mut self, c: char, range: (u32, u32)) {
        if c.is_whitespace() {
            self.push_space(is_line_break(c), range);
            return;
        }
        if let Some((line_break, space_range)) = self.pending_space.take()
            && !self.text.is_empty()
        {
            self.push_raw(if line_break { '\n' } else { ' ' }, space_range);
        }
        self.push_raw(c, range);
    }

    /// Adds a whitespace character with `range` to the pending run.
    fn push_space(&mut self, line_break: bool, range: (u32, u32)) {
        self.pending_space = Some(match self.pending_space {
            Some((had_break, (start, _))) => (had_break || line_break, (start, range.1)),
            None => (line_break, range),
        });
    }

    /// Appends ASCII that normalizes to itself (see [`unchanged_stretch_len`];
    /// it starts with a printable character) starting at original code point
    /// `index`, one byte per character.
    fn push_unchanged_ascii(&mut self, run: &str, index: u32) {
        if let Some((line_break, space_range)) = self.pending_space.take()
            && !self.text.is_empty()
        {
            self.push_raw(if line_break { '\n' } else { ' ' }, space_range);
        }
        self.text.push_str(run);
        self.origin
            .extend((0..run.len() as u32).map(|k| (index + k, index + k + 1)));
    }

    /// Appends `run`, inert characters (three bytes each) that normalize to
    /// themselves, starting at original code point `index`.
    fn push_unchanged_cjk(&mut self, run: &str, index: u32) {
        if let Some((line_break, space_range)) = self.pending_space.take()
            && !self.text.is_empty()
        {
            self.push_raw(if line_break { '\n' } else { ' ' }, space_range);
        }
        self.text.push_str(run);
        self.origin.extend(
            (0..run.len() as u32)
                .map(|k| index + k / 3)
                .map(|at| (at, at + 1)),
        );
    }

    fn push_raw(&mut self, c: char, range: (u32, u32)) {
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.origin.push(range);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice_chars(s: &str, (start, end): (usize, usize)) -> String {
        s.chars().skip(start).take(end - start).collect()
    }

    #[test]
    fn full_width_latin_digits_and_ideographic_space_become_ascii() {
        let n = normalize("ＤｅｅｐＳｅｅｋ\u{3000}１２３");
        assert_eq!(n.text(), "DeepSeek 123");
    }

    #[test]
    fn invisible_characters_are_removed_inside_words() {
        let n = normalize("Deep\u{200B}Seek co\u{AD}operation\u{FEFF}");
        assert_eq!(n.text(), "DeepSeek cooperation");
    }

    #[test]
    fn curly_quotes_and_dashes_fold_to_ascii() {
        let n = normalize("China\u{2019}s \u{201C}data\u{201D} \u{2014} post\u{2010}training");
        assert_eq!(n.text(), "China's \"data\" - post-training");
    }

    #[test]
    fn every_apostrophe_form_folds_to_ascii() {
        for apostrophe in [
            '\u{2018}', '\u{2019}', '\u{2BC}', '\u{B4}', '\u{FF07}', '\u{2032}',
        ] {
            let text = format!("OpenAI{apostrophe}s People{apostrophe}s");
            assert_eq!(
                normalize(&text).text(),
                "OpenAI's People's",
                "{apostrophe:?}"
            );
            let once = normalize(&text);
            assert_eq!(normalize(once.text()).text(), once.text());
        }
        // A combining mark after the acute still composes with something sane.
        let once = normalize("a\u{B4}\u{301}");
        assert_eq!(normalize(once.text()).text(), once.text());
    }

    #[test]
    fn whitespace_runs_collapse_and_keep_line_breaks() {
        let n = normalize("  Dark Side\t of the \r\n\n  Moon  ");
        assert_eq!(n.text(), "Dark Side of the\nMoon");
    }

    #[test]
    fn offsets_map_back_to_the_original_code_points() {
        let original = "Ｘ\u{200B}y “月之暗面”";
        let n = normalize(original);
        assert_eq!(n.text(), "Xy \"月之暗面\"");
        let start = n.text().find('月').unwrap();
        let end = start + "月之暗面".len();
        let range = n.original_range(start, end);
        assert_eq!(slice_chars(original, range), "月之暗面");
        // The full-width X maps to its own code point, not to the removed space.
        assert_eq!(n.original_range(0, 1), (0, 1));
    }

    #[test]
    fn expansions_map_every_output_byte_to_the_whole_source_character() {
        let original = "a…b";
        let n = normalize(original);
        assert_eq!(n.text(), "a...b");
        assert_eq!(n.original_range(2, 3), (1, 2));
    }

    #[test]
    fn combining_marks_compose_with_their_base() {
        let n = normalize("Cafe\u{301} e\u{200B}\u{301}");
        assert_eq!(n.text(), "Café é");
    }

    #[test]
    fn simple_forms_are_nfkc_and_the_punctuation_fold() {
        for c in ('\u{2000}'..='\u{FFFF}').filter(|&c| simple_form(c).is_some()) {
            let slow: Vec<char> = std::iter::once(c).nfkc().map(fold_punctuation).collect();
            assert_eq!(slow, [simple_form(c).unwrap()], "{c:?}");
            assert!(starts_group(c), "{c:?}");
        }
        assert_eq!(normalize("（Ａ）\u{3000}“好”，").text(), "(A) \"好\",");
        // A combining mark after a full-width letter still composes with it.
        assert_eq!(normalize("ｅ\u{301}").text(), "é");
    }

    #[test]
    fn normalizing_twice_equals_normalizing_once() {
        for s in [
            "  a \u{B4}",
            "\u{3000}\u{301}x",
            "ｶﾞ",
            "\u{1100}\u{1161}\u{11A8}",
            "e\u{AD}\u{301}",
            // found by the fuzzer: controls between a letter and its mark
            "\u{1}e\u{0}\u{0}\u{311}s",
            "\u{FFFD}\u{5C4}\u{0}\u{350}\u{5B2}\u{5B2}",
        ] {
            let once = normalize(s);
            assert_eq!(normalize(once.text()).text(), once.text(), "input {s:?}");
        }
    }

    #[test]
    fn inert_characters_equal_the_general_path() {
        use unicode_normalization::UnicodeNormalization;
        for c in ('\u{3400}'..='\u{4DBF}')
            .chain('\u{4E00}'..='\u{9FFF}')
            .chain('\u{3001}'..='\u{3011}')
        {
            if is_inert(c) {
                let s = c.to_string();
                assert_eq!(s.nfkc().collect::<String>(), s, "{c:?}");
                assert!(starts_group(c), "{c:?}");
            }
        }
    }

    /// Normalization of ASCII text stated directly: controls vanish, each
    /// whitespace run becomes one space (a line feed if it holds a line
    /// break) charged to the whole run, and the ends are trimmed.
    fn ascii_model(text: &str) -> (String, Vec<(usize, usize)>) {
        let mut out = String::new();
        let mut origin = Vec::new();
        let mut pending: Option<(bool, (usize, usize))> = None;
        for (i, b) in text.bytes().enumerate() {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C => {
                    let line_break = !matches!(b, b' ' | b'\t');
                    pending = Some(match pending {
                        Some((had, (start, _))) => (had || line_break, (start, i + 1)),
                        None => (line_break, (i, i + 1)),
                    });
                }
                0x21..=0x7E => {
                    if let Some((line_break, range)) = pending.take()
                        && !out.is_empty()
                    {
                        out.push(if line_break { '\n' } else { ' ' });
                        origin.push(range);
                    }
                    out.push(char::from(b));
                    origin.push((i, i + 1));
                }
                _ => {}
            }
        }
        (out, origin)
    }

    fn check_ascii_model(text: &str) {
        let normalized = normalize(text);
        let (expected, origin) = ascii_model(text);
        assert_eq!(normalized.text(), expected, "{text:?}");
        for (k, &range) in origin.iter().enumerate() {
            assert_eq!(
                normalized.original_range(k, k + 1),
                range,
                "{text:?} byte {k}"
            );
        }
    }

    #[test]
    fn ascii_text_normalizes_like_the_model() {
        for text in [
            "a b\nc  d\n\ne \n f\tg\rh\r\ni\u{1}j \u{1} k\u{7f}",
            "  lead and trail  ",
            "exactly eight bytes then more words here.\nNext paragraph\n\nThird",
            "a\u{b}b\u{c}c\n",
            "x y",
            "\u{0}",
        ] {
            check_ascii_model(text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn generated_ascii_normalizes_like_the_model(
            text in "([a-z.,]{1,9}|[ \n]|[ \t\n\r\u{0}\u{1}\u{b}\u{c}\u{1f}\u{7f}]{1,3}){0,30}"
        ) {
            check_ascii_model(&text);
        }

        #[test]
        fn unchanged_stretches_are_left_as_they_are(text in "[a-c][a-c \n\t\u{1}]{0,40}") {
            let bytes = text.as_bytes();
            let len = unchanged_stretch_len(bytes);
            let mut at = 0;
            while at < bytes.len() {
                if is_printable_ascii(bytes[at]) {
                    at += 1;
                } else if matches!(bytes[at], b' ' | b'\n')
                    && bytes.get(at + 1).is_some_and(|&n| is_printable_ascii(n))
                {
                    at += 2;
                } else {
                    break;
                }
            }
            proptest::prop_assert_eq!(len, at);
        }
    }

    #[test]
    fn empty_and_blank_text_normalize_to_empty() {
        assert_eq!(normalize("").text(), "");
        assert_eq!(normalize(" \u{200B}\n ").text(), "");
        assert_eq!(normalize("").original_range(0, 0), (0, 0));
    }
}
