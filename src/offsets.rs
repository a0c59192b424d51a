//! Offset units: every offset canon writes, converted in one place.
//!
//! Inside canon an offset into the original text is a code point
//! ([`CharSpan`]), the unit of Python's `str` slicing. Consumers differ:
//! Rust and tantivy slice UTF-8 bytes, Java, JavaScript and Elasticsearch
//! highlighting count UTF-16 code units. [`OffsetMap`] turns code points
//! into the unit asked for ([`OffsetUnit`]) for one text, for the output
//! writer (`--offsets`) and for the tantivy tokenizer alike.
//!
//! The map walks the text once, lazily, as far as the offsets asked for
//! reach. Offsets asked in order (entity surfaces, terms) are walked to
//! from the last one looked up; an offset behind it is walked to from a
//! checkpoint, kept every [`STRIDE`] code points (8 bytes each: 0.06 bytes
//! per byte of Chinese text) of the text that lookups going back have
//! needed, so offsets may come in any order at a cost of at most [`STRIDE`]
//! characters of walking each beyond the single pass. Code points, and any
//! unit on ASCII text, need no walk at all.

use crate::ascii;

/// A span of the original text in code points (Unicode scalar values):
/// what Python's `text[start:end]` slices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CharSpan {
    /// The code point where the span starts.
    pub start: u32,
    /// The code point just past the span.
    pub end: u32,
}

impl CharSpan {
    /// The span `start..end`, in code points.
    pub fn new(start: usize, end: usize) -> CharSpan {
        CharSpan {
            start: start as u32,
            end: end as u32,
        }
    }
}

/// The unit of the offsets canon writes (`--offsets`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum OffsetUnit {
    /// Unicode code points: Python's `str`, Rust's `chars()`.
    #[default]
    Chars,
    /// Bytes of UTF-8: Rust's `&str[a..b]`, Go, tantivy, Python's `bytes`.
    Bytes,
    /// UTF-16 code units: Java, JavaScript, C#, Elasticsearch and Lucene
    /// highlighting (a character outside the Basic Multilingual Plane, an
    /// emoji or a rare Han character, counts two).
    Utf16,
}

impl OffsetUnit {
    /// The unit's name on the command line and in the output contract.
    pub fn as_str(self) -> &'static str {
        match self {
            OffsetUnit::Chars => "chars",
            OffsetUnit::Bytes => "bytes",
            OffsetUnit::Utf16 => "utf16",
        }
    }
}

impl std::fmt::Display for OffsetUnit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Code points between two checkpoints of an [`OffsetMap`].
pub const STRIDE: u32 = 32;

/// Where a character starts, counted in every unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Place {
    chars: u32,
    bytes: u32,
    utf16: u32,
}

/// Converts code-point offsets of one text into an [`OffsetUnit`].
#[derive(Debug, Clone)]
pub struct OffsetMap<'t> {
    text: &'t [u8],
    unit: OffsetUnit,
    /// Every character is one byte (only looked at for other units than
    /// code points).
    ascii: bool,
    /// Code points are the unit asked for, or the text is ASCII.
    identity: bool,
    /// The place of code point `k * STRIDE`, for every `k` walked so far.
    checkpoints: Vec<(u32, u32)>,
    /// The last place walked to by the checkpoint pass.
    frontier: Place,
    /// The last place looked up.
    cursor: Place,
}

impl<'t> OffsetMap<'t> {
    /// A map for `text`, converting code points into `unit`.
    pub fn new(text: &'t str, unit: OffsetUnit) -> OffsetMap<'t> {
        // Code points need no walk, nor a look at the text.
        let ascii = unit != OffsetUnit::Chars && text.is_ascii();
        OffsetMap {
            text: text.as_bytes(),
            unit,
            ascii,
            identity: ascii || unit == OffsetUnit::Chars,
            checkpoints: vec![(0, 0)],
            frontier: Place::default(),
            cursor: Place::default(),
        }
    }

    /// The unit offsets are converted into.
    pub fn unit(&self) -> OffsetUnit {
        self.unit
    }

    /// Code point `chars` (at most the text's length in code points) in
    /// the map's unit.
    #[inline]
    pub fn convert(&mut self, chars: u32) -> u32 {
        if self.identity {
            return if self.unit == OffsetUnit::Chars {
                chars
            } else {
                chars.min(self.text.len() as u32)
            };
        }
        let place = self.place(chars);
        match self.unit {
            OffsetUnit::Chars => place.chars,
            OffsetUnit::Bytes => place.bytes,
            OffsetUnit::Utf16 => place.utf16,
        }
    }

    /// `span` in the map's unit, as `(start, end)`.
    #[inline]
    pub fn span(&mut self, span: CharSpan) -> (u32, u32) {
        (self.convert(span.start), self.convert(span.end))
    }

    /// The byte offset of code point `chars` whatever the map's unit (for
    /// slicing the text in Rust).
    pub fn byte_offset(&mut self, chars: u32) -> usize {
        if self.ascii {
            return (chars as usize).min(self.text.len());
        }
        self.place(chars).bytes as usize
    }

    /// The place of code point `target`, walking from the cursor when it is
    /// close ahead or when no checkpoint lies past the cursor, else from the
    /// checkpoint below `target`. Offsets asked in order never lay
    /// checkpoints: the walk from one to the next is the single pass, in
    /// whole blocks, without a stop every [`STRIDE`] code points (whose last
    /// few characters were walked one by one).
    fn place(&mut self, target: u32) -> Place {
        let ahead = self.cursor.chars <= target;
        let close = ahead && target - self.cursor.chars < STRIDE;
        let no_checkpoint_past = ahead && self.frontier.chars <= self.cursor.chars;
        if !(close || no_checkpoint_past) {
            let checkpoint = target / STRIDE;
            self.extend_checkpoints(checkpoint);
            let (bytes, utf16) = match self.checkpoints.get(checkpoint as usize) {
                Some(&found) => found,
                // The text ends before `target`: the last checkpoint.
                None => *self.checkpoints.last().expect("the first checkpoint"),
            };
            let chars = (self.checkpoints.len().min(checkpoint as usize + 1) as u32 - 1) * STRIDE;
            let from = Place {
                chars,
                bytes,
                utf16,
            };
            if !(self.cursor.chars <= target && self.cursor.chars >= from.chars) {
                self.cursor = from;
            }
        }
        self.cursor = walk(self.text, self.cursor, target);
        self.cursor
    }

    /// Walks the text (the single pass) until checkpoint `index` is known
    /// or the text ends.
    fn extend_checkpoints(&mut self, index: u32) {
        while self.checkpoints.len() <= index as usize
            && (self.frontier.bytes as usize) < self.text.len()
        {
            let next = self.checkpoints.len() as u32 * STRIDE;
            self.frontier = walk(self.text, self.frontier, next);
            if self.frontier.chars < next {
                break;
            }
            self.checkpoints
                .push((self.frontier.bytes, self.frontier.utf16));
        }
    }
}

/// From `from`, the place of code point `target` (or the text's end).
///
/// While eight code points or more are left, a block of eight bytes is
/// counted at once, ASCII or not: Chinese text has no ASCII stretch to
/// skip, and decoding it character by character was most of what placing
/// an entity's surface cost. A block counts the characters that start in
/// it (every byte but the continuation bytes, `10xxxxxx`), so it never
/// holds more than `target` allows; the last of them may end past the
/// block, whose continuation bytes are then skipped to stand on a
/// character boundary again.
#[inline]
fn walk(text: &[u8], mut at: Place, target: u32) -> Place {
    while at.chars < target {
        if target - at.chars >= 8
            && let Some(block) = ascii::block_at(text, at.bytes as usize)
        {
            if block & ascii::HIGH_BITS == 0 {
                at.chars += 8;
                at.bytes += 8;
                at.utf16 += 8;
                continue;
            }
            // The high bit set and the next one clear.
            let continuation = block & !(block << 1) & ascii::HIGH_BITS;
            // The lead of four bytes, 11110xxx: a character outside the
            // Basic Multilingual Plane, two UTF-16 units.
            let astral = block & block << 1 & block << 2 & block << 3 & ascii::HIGH_BITS;
            let starts = 8 - ascii::count_lanes(continuation) as u32;
            at.chars += starts;
            at.bytes += 8;
            at.utf16 += starts + ascii::count_lanes(astral) as u32;
            while text
                .get(at.bytes as usize)
                .is_some_and(|&b| b & 0xC0 == 0x80)
            {
                at.bytes += 1;
            }
            continue;
        }
        let Some(&lead) = text.get(at.bytes as usize) else {
            break;
        };
        let (bytes, utf16) = match lead {
            0..0x80 => (1, 1),
            0x80..0xE0 => (2, 1),
            0xE0..0xF0 => (3, 1),
            _ => (4, 2),
        };
        at.chars += 1;
        at.bytes += bytes;
        at.utf16 += utf16;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference: each unit counted from scratch with the standard
    /// library, offsets as Python slices strings (code points).
    fn reference(text: &str, chars: usize, unit: OffsetUnit) -> u32 {
        let prefix: String = text.chars().take(chars).collect();
        (match unit {
            OffsetUnit::Chars => chars.min(text.chars().count()),
            OffsetUnit::Bytes => prefix.len(),
            OffsetUnit::Utf16 => prefix.encode_utf16().count(),
        }) as u32
    }

    const UNITS: [OffsetUnit; 3] = [OffsetUnit::Chars, OffsetUnit::Bytes, OffsetUnit::Utf16];

    #[test]
    fn each_unit_counts_as_its_languages_do() {
        // "a", "é" (2 bytes), "月" (3 bytes), "😀" (4 bytes, a surrogate
        // pair in UTF-16), "b".
        let text = "aé月😀b";
        let starts = |unit| -> Vec<u32> {
            let mut map = OffsetMap::new(text, unit);
            (0..=5).map(|c| map.convert(c)).collect()
        };
        assert_eq!(starts(OffsetUnit::Chars), [0, 1, 2, 3, 4, 5]);
        assert_eq!(starts(OffsetUnit::Bytes), [0, 1, 3, 6, 10, 11]);
        assert_eq!(starts(OffsetUnit::Utf16), [0, 1, 2, 3, 5, 6]);
    }

    #[test]
    fn offsets_past_the_end_give_the_end() {
        for unit in [OffsetUnit::Bytes, OffsetUnit::Utf16] {
            let mut map = OffsetMap::new("ab月", unit);
            assert_eq!(map.convert(40), reference("ab月", 3, unit));
            assert_eq!(OffsetMap::new("ab", unit).convert(40), 2);
        }
        assert_eq!(OffsetMap::new("", OffsetUnit::Bytes).convert(5), 0);
    }

    #[test]
    fn long_texts_in_any_order() {
        let text = "月之暗面 Moonshot AI 😀 ".repeat(200);
        let total = text.chars().count();
        for unit in UNITS {
            let mut map = OffsetMap::new(&text, unit);
            // Backwards, far jumps, then forwards in small steps.
            for chars in (0..=total).rev().step_by(37).chain((0..=total).step_by(3)) {
                assert_eq!(map.convert(chars as u32), reference(&text, chars, unit));
            }
            assert_eq!(map.byte_offset(total as u32), text.len());
        }
    }

    /// The place of code point `chars` of `text`, counted with the
    /// standard library.
    fn reference_place(text: &str, chars: u32) -> Place {
        let prefix: String = text.chars().take(chars as usize).collect();
        Place {
            chars: prefix.chars().count() as u32,
            bytes: prefix.len() as u32,
            utf16: prefix.encode_utf16().count() as u32,
        }
    }

    /// From every character boundary to every target: the block walk over
    /// characters of one to four bytes in every order and alignment, ASCII
    /// stretches longer than a block, and past the text's end.
    #[test]
    fn walks_from_every_place_to_every_target() {
        let widths = ["a", "é", "月", "😀"];
        let mut text = String::new();
        for i in 0..24 {
            if i % 5 == 0 {
                text.push_str("plain text");
            }
            for j in 0..4 {
                text.push_str(widths[(i * 7 + j * (i % 3 + 1)) % 4]);
            }
        }
        let total = text.chars().count() as u32;
        for from in 0..=total {
            let start = reference_place(&text, from);
            for target in from..=total + 9 {
                assert_eq!(
                    walk(text.as_bytes(), start, target),
                    reference_place(&text, target),
                    "from {from} to {target}"
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Every unit agrees with counting from scratch (Python slicing for
        /// code points, `encode_utf16` for UTF-16, `len` for bytes), for
        /// offsets asked in any order.
        #[test]
        fn units_match_the_reference(
            text in "([a-z ]{0,40}|é|月之暗面|😀|\u{10FFFF}|\u{7FF}|\u{800}|\u{FFFF}){0,60}",
            offsets in proptest::collection::vec(0usize..400, 0..40),
        ) {
            let total = text.chars().count();
            for unit in UNITS {
                let mut map = OffsetMap::new(&text, unit);
                for &chars in &offsets {
                    let chars = chars.min(total);
                    prop_assert_eq!(map.convert(chars as u32), reference(&text, chars, unit));
                    let prefix: String = text.chars().take(chars).collect();
                    prop_assert_eq!(map.byte_offset(chars as u32), prefix.len());
                }
            }
        }

        /// Slicing by converted offsets gives what Python's slicing gives.
        #[test]
        fn byte_spans_slice_like_python(text in any::<String>(), a in 0usize..64, b in 0usize..64) {
            let chars: Vec<char> = text.chars().collect();
            let (start, end) = (a.min(b).min(chars.len()), a.max(b).min(chars.len()));
            let python: String = chars[start..end].iter().collect();
            let mut map = OffsetMap::new(&text, OffsetUnit::Bytes);
            let (from, to) = map.span(CharSpan::new(start, end));
            prop_assert_eq!(&text[from as usize..to as usize], python.as_str());
            let mut map = OffsetMap::new(&text, OffsetUnit::Utf16);
            let (from, to) = map.span(CharSpan::new(start, end));
            let units: Vec<u16> = text.encode_utf16().collect();
            prop_assert_eq!(String::from_utf16(&units[from as usize..to as usize]).unwrap(), python);
        }
    }
}
