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
            let end = bytes[position..]
                .iter()
                .position(|b| !b.is_ascii())
                .map_or(bytes.len(), |n| position + n);
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
                // Printable ASCII goes in whole runs; spaces and controls one by one.
                let printable = bytes[at..holder]
                    .iter()
                    .position(|b| !(0x21..=0x7E).contains(b))
                    .unwrap_or(holder - at);
                if printable > 0 {
                    out.push_printable_ascii(&original[at..at + printable], index);
                    index += printable as u32;
                    at += printable;
                    continue;
                }
                let c = char::from(bytes[at]);
                if !is_invisible(c) {
                    out.push_char(c, (index, index + 1));
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
        let c = original[position..]
            .chars()
            .next()
            .expect("position is a char boundary");
        position += c.len_utf8();
        let this = index;
        index += 1;
        if is_inert(c)
            && original[position..]
                .chars()
                .next()
                .is_none_or(|n| n.is_ascii() || is_inert(n))
        {
            // Fast path for Chinese: an ideograph followed by a character that
            // cannot combine backwards is a group of its own and unchanged.
            if !group.is_empty() {
                out.push_group(&group, group_range);
                group.clear();
            }
            out.push_char(c, (this, this + 1));
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
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' => '\'',
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
            let line_break = is_line_break(c);
            self.pending_space = Some(match self.pending_space {
                Some((had_break, (start, _))) => (had_break || line_break, (start, range.1)),
                None => (line_break, range),
            });
            return;
        }
        if let Some((line_break, space_range)) = self.pending_space.take()
            && !self.text.is_empty()
        {
            self.push_raw(if line_break { '\n' } else { ' ' }, space_range);
        }
        self.push_raw(c, range);
    }

    /// Appends printable ASCII (no spaces, no controls) starting at original
    /// code point `index`: it normalizes to itself, one byte per character.
    fn push_printable_ascii(&mut self, run: &str, index: u32) {
        if let Some((line_break, space_range)) = self.pending_space.take()
            && !self.text.is_empty()
        {
            self.push_raw(if line_break { '\n' } else { ' ' }, space_range);
        }
        self.text.push_str(run);
        self.origin
            .extend((index..index + run.len() as u32).map(|i| (i, i + 1)));
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

    #[test]
    fn empty_and_blank_text_normalize_to_empty() {
        assert_eq!(normalize("").text(), "");
        assert_eq!(normalize(" \u{200B}\n ").text(), "");
        assert_eq!(normalize("").original_range(0, 0), (0, 0));
    }
}
