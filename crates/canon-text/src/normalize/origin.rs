//! The map from normalized bytes back to code points of the original text,
//! kept compact.
//!
//! Most normalized text is the original shifted: character after character
//! of the same UTF-8 width, each from the next original code point. Such a
//! stretch is stored as one [`Run`] (where it starts in both texts, and the
//! width); only where the mapping breaks (a whitespace run collapsed, a
//! character removed, a ligature expanded, letters composed, ASCII after
//! Chinese) does a new run start. A run whose bytes all come from one
//! original range (the expansion of `…`, a collapsed whitespace run, a letter
//! and its marks) says so instead.
//!
//! Lookups are O(1): an index per [`BLOCK`] bytes of normalized text gives the
//! few runs to search, and the character's place in its run is one division.
//! Memory: 12 bytes per run and 4 per block: about 0.1 bytes per normalized
//! byte for English news and 0.7 for Chinese news (where a run ends at every
//! switch between Han characters and ASCII digits or punctuation), against
//! 8 for a range per byte.

/// Bytes of normalized text per block of the index.
const BLOCK: usize = 64;

/// `origin_end` of a run whose characters map one for one onto consecutive
/// code points, plus the run's character width in bytes (1 to 4). No text
/// has that many code points.
const ONE_FOR_ONE: u32 = u32::MAX - 4;

/// A stretch of normalized text and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    /// Byte offset in the normalized text where the run starts.
    start: u32,
    /// The original code point of the run's first character.
    origin_start: u32,
    /// Above [`ONE_FOR_ONE`]: character k of the run comes from code point
    /// `origin_start + k`, and every character is `origin_end - ONE_FOR_ONE`
    /// bytes long. Otherwise every byte of the run comes from the code
    /// points `origin_start..origin_end`.
    origin_end: u32,
}

/// Where the last lookup in a map ended: a run, and when it maps one for one,
/// what a range inside it needs, so that the next range in text order is
/// found without searching.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Cursor {
    run: usize,
    /// The run's bytes in the normalized text (empty unless it maps one
    /// for one), ...
    start: usize,
    end: usize,
    /// ... the code point of its first character and the width of every
    /// character.
    origin: u32,
    width: u32,
}

/// Code-point ranges of the original text for every byte of a normalized text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct OriginMap {
    runs: Vec<Run>,
    /// For each block of normalized text, the index of the run holding the
    /// block's first byte.
    blocks: Vec<u32>,
    /// The code point a character appended to the last run must come from
    /// to continue it (when that run maps one for one), or [`ONE_FOR_ONE`].
    next_origin: u32,
}

impl OriginMap {
    /// A map with room for about `bytes` of normalized text.
    pub(super) fn with_capacity(bytes: usize) -> OriginMap {
        OriginMap {
            runs: Vec::with_capacity(bytes / 256 + 8),
            blocks: Vec::new(),
            next_origin: ONE_FOR_ONE,
        }
    }

    /// Records that the character of `len` bytes at byte `at` came from the
    /// original code points `range`.
    #[inline]
    pub(super) fn push_char(&mut self, at: usize, len: usize, range: (u32, u32)) {
        if range.1 == range.0 + 1 {
            self.push_one_for_one(at, at + len, range.0, len);
            return;
        }
        self.next_origin = ONE_FOR_ONE;
        if let Some(last) = self.runs.last()
            && (last.origin_start, last.origin_end) == range
        {
            return;
        }
        self.runs.push(Run {
            start: at as u32,
            origin_start: range.0,
            origin_end: range.1,
        });
    }

    /// Records that the bytes `at..end`, characters of `width` bytes each,
    /// came one for one from the code points starting at `origin`.
    #[inline]
    pub(super) fn push_one_for_one(&mut self, at: usize, end: usize, origin: u32, width: usize) {
        let mark = ONE_FOR_ONE + width as u32;
        let continues = self.next_origin == origin
            && self.runs.last().is_some_and(|last| last.origin_end == mark);
        if !continues {
            self.runs.push(Run {
                start: at as u32,
                origin_start: origin,
                origin_end: mark,
            });
        }
        self.next_origin = origin + ((end - at) / width) as u32;
    }

    /// Builds the block index once the normalized text, `len` bytes, is complete.
    pub(super) fn finish(&mut self, len: usize) {
        let mut blocks = Vec::with_capacity(len / BLOCK + 1);
        let mut run = 0;
        for block in 0..len.div_ceil(BLOCK) {
            let first_byte = (block * BLOCK) as u32;
            while run + 1 < self.runs.len() && self.runs[run + 1].start <= first_byte {
                run += 1;
            }
            blocks.push(run as u32);
        }
        self.blocks = blocks;
        self.runs.shrink_to_fit();
    }

    /// The index of the run holding byte `at` (which must be in the text).
    #[inline]
    fn run_index(&self, at: usize) -> usize {
        let block = at / BLOCK;
        let first = self.blocks[block] as usize;
        let last = self
            .blocks
            .get(block + 1)
            .map_or(self.runs.len(), |&r| r as usize + 1);
        first + self.runs[first..last].partition_point(|r| r.start as usize <= at) - 1
    }

    /// The index of the run holding byte `at`, looking from run `hint` on
    /// first: lookups in text order find their run there or just after it.
    #[inline]
    fn run_index_from(&self, hint: usize, at: usize) -> usize {
        if let Some(run) = self.runs.get(hint)
            && run.start as usize <= at
        {
            let mut index = hint;
            for _ in 0..4 {
                match self.runs.get(index + 1) {
                    Some(next) if next.start as usize <= at => index += 1,
                    _ => return index,
                }
            }
        }
        self.run_index(at)
    }

    /// [`Self::range`] of `start..end` (character boundaries, `start <
    /// end`), found from `cursor`, which is moved to where the range ends.
    #[inline(always)]
    pub(super) fn range_from(&self, cursor: &mut Cursor, start: usize, end: usize) -> (u32, u32) {
        if start >= cursor.start && end <= cursor.end {
            let in_run = |at: usize| chars_in((at - cursor.start) as u32, cursor.width);
            return (cursor.origin + in_run(start), cursor.origin + in_run(end));
        }
        self.range_moving(cursor, start, end)
    }

    /// [`Self::range_from`] outside the cursor's run.
    #[inline(never)]
    fn range_moving(&self, cursor: &mut Cursor, start: usize, end: usize) -> (u32, u32) {
        let (range, run) = self.range(cursor.run, start, end);
        *cursor = self.cursor_at(run);
        range
    }

    /// A cursor on run `index`.
    fn cursor_at(&self, index: usize) -> Cursor {
        let run = self.runs[index];
        match run.origin_end.checked_sub(ONE_FOR_ONE) {
            Some(width @ 1..) => Cursor {
                run: index,
                start: run.start as usize,
                end: self
                    .runs
                    .get(index + 1)
                    .map_or(usize::MAX, |next| next.start as usize),
                origin: run.origin_start,
                width,
            },
            _ => Cursor {
                run: index,
                ..Cursor::default()
            },
        }
    }

    /// The original code points of the normalized bytes `start..end`
    /// (character boundaries, `start < end`), and the index of the run
    /// holding the last byte, for the next lookup's `hint`.
    #[inline]
    pub(super) fn range(&self, hint: usize, start: usize, end: usize) -> ((u32, u32), usize) {
        let first = self.run_index_from(hint, start);
        let run = self.runs[first];
        let width = run.origin_end.wrapping_sub(ONE_FOR_ONE);
        let in_run = |at: usize| chars_in((at - run.start as usize) as u32, width);
        // Most ranges are words inside one stretch of unchanged text.
        let run_end = self
            .runs
            .get(first + 1)
            .map_or(usize::MAX, |next| next.start as usize);
        if end <= run_end {
            return match width {
                1..=4 => (
                    (
                        run.origin_start + in_run(start),
                        run.origin_start + in_run(end),
                    ),
                    first,
                ),
                _ => ((run.origin_start, run.origin_end), first),
            };
        }
        let origin_start = match width {
            1..=4 => run.origin_start + in_run(start),
            _ => run.origin_start,
        };
        let (origin_end, last) = self.end_of(first, end);
        ((origin_start, origin_end), last)
    }

    /// The first original code point of the character at byte `at` (a
    /// character boundary inside the text).
    pub(super) fn start_of(&self, at: usize) -> u32 {
        let run = self.runs[self.run_index(at)];
        match run.origin_end.checked_sub(ONE_FOR_ONE) {
            Some(width @ 1..) => run.origin_start + chars_in(at as u32 - run.start, width),
            _ => run.origin_start,
        }
    }

    /// The original code point just past the character that ends at byte
    /// `end` (a character boundary after the text's start), and the index
    /// of its run.
    #[inline]
    pub(super) fn end_of(&self, hint: usize, end: usize) -> (u32, usize) {
        let index = self.run_index_from(hint, end - 1);
        let run = self.runs[index];
        let origin = match run.origin_end.checked_sub(ONE_FOR_ONE) {
            Some(width @ 1..) => run.origin_start + chars_in(end as u32 - run.start, width),
            _ => run.origin_end,
        };
        (origin, index)
    }
}

/// The number of characters of `width` bytes in `bytes` bytes, dividing by
/// a constant in each arm (a multiplication) rather than by a variable.
#[inline]
fn chars_in(bytes: u32, width: u32) -> u32 {
    match width {
        1 => bytes,
        2 => bytes / 2,
        3 => bytes / 3,
        _ => bytes / 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The map of `pieces`, each a character or stretch with its origin.
    fn build(pieces: &[(&str, (u32, u32))]) -> (String, OriginMap) {
        let mut text = String::new();
        let mut map = OriginMap::with_capacity(0);
        for &(piece, range) in pieces {
            let at = text.len();
            text.push_str(piece);
            let chars = piece.chars().count() as u32;
            if range.1 - range.0 == chars && chars > 1 {
                let width = piece.len() / chars as usize;
                map.push_one_for_one(at, text.len(), range.0, width);
            } else {
                let mut offset = at;
                for c in piece.chars() {
                    map.push_char(offset, c.len_utf8(), range);
                    offset += c.len_utf8();
                }
            }
        }
        map.finish(text.len());
        (text, map)
    }

    #[test]
    fn one_for_one_runs_cross_blocks_and_widths() {
        let ascii = "a".repeat(200);
        let han = "中".repeat(100);
        let (text, map) = build(&[(&ascii, (0, 200)), (&han, (200, 300)), ("x", (300, 301))]);
        for (k, (at, c)) in text.char_indices().enumerate() {
            let end = at + c.len_utf8();
            assert_eq!(map.start_of(at), k as u32, "at {at}");
            assert_eq!(map.end_of(0, end).0, k as u32 + 1, "end {end}");
        }
        // One run per block touched, not one per character.
        assert!(
            map.runs.len() <= text.len() / BLOCK + 3,
            "{}",
            map.runs.len()
        );
    }

    #[test]
    fn ranges_and_gaps_map_to_their_origin() {
        // "a", an expansion "..." of code point 1, a gap (2..5 removed), "b",
        // then a space for a whitespace run 6..9 and "c".
        let (text, map) = build(&[
            ("a", (0, 1)),
            ("...", (1, 2)),
            ("b", (5, 6)),
            (" ", (6, 9)),
            ("c", (9, 10)),
        ]);
        assert_eq!(text, "a...b c");
        let expected = [(0, 1), (1, 2), (1, 2), (1, 2), (5, 6), (6, 9), (9, 10)];
        for (at, &(start, end)) in expected.iter().enumerate() {
            assert_eq!((map.start_of(at), map.end_of(0, at + 1).0), (start, end));
        }
    }

    proptest::proptest! {
        /// The compact map answers exactly what a range per byte would.
        #[test]
        fn the_map_equals_a_range_per_byte(
            pieces in proptest::collection::vec((0..4usize, 1..90usize, 0..3u32, 0..3u32), 0..40)
        ) {
            let mut text = String::new();
            let mut map = OriginMap::with_capacity(0);
            let mut reference: Vec<(u32, u32)> = Vec::new();
            let mut origin = 0u32;
            for (kind, len, gap, extra) in pieces {
                origin += gap;
                let at = text.len();
                match kind {
                    // a stretch of ASCII or of CJK, one for one
                    0 | 1 => {
                        let (c, width) = if kind == 0 { ('a', 1) } else { ('中', 3) };
                        text.extend(std::iter::repeat_n(c, len));
                        map.push_one_for_one(at, text.len(), origin, width);
                        for k in 0..len as u32 {
                            reference.extend(std::iter::repeat_n((origin + k, origin + k + 1), width));
                        }
                        origin += len as u32;
                    }
                    // characters of mixed widths, each from its own code point
                    2 => {
                        for (k, c) in "é中a𠀀".chars().cycle().take(len).enumerate() {
                            let range = (origin + k as u32, origin + k as u32 + 1);
                            map.push_char(text.len(), c.len_utf8(), range);
                            text.push(c);
                            reference.extend(std::iter::repeat_n(range, c.len_utf8()));
                        }
                        origin += len as u32;
                    }
                    // an expansion or a group: every character from one range
                    _ => {
                        let range = (origin, origin + 1 + extra);
                        for c in "ffi".chars().cycle().take(len.min(5)) {
                            map.push_char(text.len(), c.len_utf8(), range);
                            text.push(c);
                            reference.push(range);
                        }
                        origin = range.1;
                    }
                }
            }
            map.finish(text.len());
            let mut boundaries: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
            boundaries.push(text.len());
            for pair in boundaries.windows(2) {
                proptest::prop_assert_eq!(map.start_of(pair[0]), reference[pair[0]].0);
                proptest::prop_assert_eq!(map.end_of(0, pair[1]).0, reference[pair[1] - 1].1);
            }
            // Ranges of several characters, in order and out of order.
            let mut cursor = Cursor::default();
            for (k, pair) in boundaries.windows(2).enumerate() {
                let end = boundaries[(k + 1 + k % 3).min(boundaries.len() - 1)];
                let expected = (reference[pair[0]].0, reference[end - 1].1);
                proptest::prop_assert_eq!(map.range_from(&mut cursor, pair[0], end), expected);
                if k % 5 == 4 {
                    cursor = Cursor::default();
                }
            }
        }
    }
}
