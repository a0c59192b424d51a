//! The term stream of a document, with positions as Lucene's synonym graph
//! has them.
//!
//! Every term has a **position**. The words of the text (base terms) take
//! consecutive positions 0, 1, 2, ...; a term that stands for a word it
//! comes from (a search-mode sub-word or compound part, a stem) is
//! *stacked* on that word: same position, position length 1; an entity id
//! (and its ancestors' ids) takes the position of its mention's first word
//! with a **position length** spanning the mention's words, like a
//! multi-word synonym in Lucene's `SynonymGraphFilter`. Terms come in
//! position order (positions never decrease), a word first, then what is
//! stacked on it, then the ids of the mentions that start at it; so a
//! positional index built from them still matches the phrase "ai bets" in
//! `Moonshot AI bets` (`moonshot`@0, `moonshot-ai`@0 spanning 2, `ai`@1,
//! `bets`@2).
//!
//! A word left out as page furniture keeps its position(s): the positions
//! after it do not move up, so a phrase never matches across removed
//! furniture, and the article's terms have the same positions whether
//! furniture is dropped or kept.
//!
//! A word longer than [`MAX_TERM_BYTES`] is written as pieces, each a base
//! term with a position of its own (as Lucene's standard tokenizer splits
//! at its maximum token length).

use crate::normalize::OriginalRanges;
use crate::offsets::CharSpan;

/// The longest term canon writes, in bytes of UTF-8.
///
/// Search engines refuse longer terms outright (Lucene above 32,766 bytes,
/// tantivy above 65,530), and a "word" of thousands of characters is a
/// base64 blob or a run of symbols, not something anyone searches for. A
/// longer term is written as consecutive pieces of at most this many bytes,
/// cut on character boundaries, each with the span of the characters it
/// holds (or the whole word's span when the term is not its text character
/// for character, as for a dotted acronym): nothing of the word is lost to
/// prefix search, and no piece breaks an index. 255 is the limit Lucene's
/// and Elasticsearch's standard tokenizers use, in characters; no word of a
/// language comes near it. The text itself (`normalized_text`, entity
/// surfaces) is never cut.
pub const MAX_TERM_BYTES: usize = 255;

/// The terms of one document, in position order.
///
/// Memory per term: its bytes, 4 bytes for its end, 4 for its position, 8
/// for its span when spans are kept; position lengths only for the terms
/// whose length is not 1 (multi-word entity mentions).
#[derive(Debug, Clone, Default)]
pub struct Terms {
    /// Every term, concatenated (one allocation per document, not per term).
    buffer: String,
    ends: Vec<u32>,
    positions: Vec<u32>,
    /// `(term index, position length)` of each term whose position length
    /// is not 1, in term order.
    lengths: Vec<(u32, u32)>,
    /// Code-point spans in the original text, parallel to the terms; `None`
    /// when the analysis was asked not to keep them.
    spans: Option<Vec<CharSpan>>,
    /// How many words were longer than [`MAX_TERM_BYTES`] and written as
    /// pieces.
    split: usize,
}

/// One term with everything an index needs about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term<'a> {
    /// The term's text.
    pub text: &'a str,
    /// Its position (see the module documentation).
    pub position: u32,
    /// How many positions it spans: 1 but for entity ids of multi-word
    /// mentions.
    pub position_length: u32,
    /// Its span in the original text, in code points, when spans are kept.
    pub span: Option<CharSpan>,
}

impl Terms {
    /// How many terms there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there is no term.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The terms' texts, in order.
    pub fn texts(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let term = &self.buffer[start..end as usize];
            start = end as usize;
            term
        })
    }

    /// The terms with their positions, lengths and spans, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Term<'_>> + '_ {
        let mut lengths = self.lengths.iter().peekable();
        self.texts()
            .zip(&self.positions)
            .enumerate()
            .map(move |(index, (text, &position))| {
                let position_length = lengths
                    .next_if(|&&(at, _)| at as usize == index)
                    .map_or(1, |&(_, length)| length);
                Term {
                    text,
                    position,
                    position_length,
                    span: self.spans.as_ref().map(|spans| spans[index]),
                }
            })
    }

    /// Every term, concatenated in order (for a writer that checks once
    /// whether any term needs escaping).
    pub fn concatenated(&self) -> &str {
        &self.buffer
    }

    /// Where each term ends in [`Self::concatenated`], in bytes, parallel
    /// to the terms (each starts where the one before it ends).
    pub fn ends(&self) -> &[u32] {
        &self.ends
    }

    /// The position of each term, parallel to the terms.
    pub fn positions(&self) -> &[u32] {
        &self.positions
    }

    /// `(term index, position length)` of each term whose position length
    /// is not 1, in term order.
    pub fn position_lengths(&self) -> &[(u32, u32)] {
        &self.lengths
    }

    /// Code-point spans in the original text, parallel to the terms, when
    /// the analysis kept them ([`crate::AnalyzeOptions::term_spans`]).
    pub fn spans(&self) -> Option<&[CharSpan]> {
        self.spans.as_deref()
    }

    /// How many words were longer than [`MAX_TERM_BYTES`] and written as
    /// pieces instead.
    pub fn split_count(&self) -> usize {
        self.split
    }
}

/// How many pieces of at most [`MAX_TERM_BYTES`] `term` is written as.
pub fn piece_count(term: &str) -> u32 {
    if term.len() <= MAX_TERM_BYTES {
        return 1;
    }
    let mut count = 0;
    let mut start = 0;
    while start < term.len() {
        start = piece_end(term, start);
        count += 1;
    }
    count
}

/// Where the piece of `term` that starts at byte `start` ends.
fn piece_end(term: &str, start: usize) -> usize {
    let mut end = (start + MAX_TERM_BYTES).min(term.len());
    while !term.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// Builds a document's [`Terms`] in position order.
///
/// Words go in with [`Self::push_word`], which gives them the next
/// position; what belongs at a word's position (sub-words, stems, entity
/// ids) goes in right after it with [`Self::push_stacked`] or
/// [`Self::push_spanning`], before the next word. Offsets are bytes of the
/// normalized text; the writer maps them to the original text.
pub(crate) struct TermWriter<'n> {
    terms: Terms,
    /// Maps normalized bytes to original code points; `None` when spans
    /// are not kept.
    ranges: Option<OriginalRanges<'n>>,
    next_position: u32,
    /// The pieces of the last word after its first (a word over the cap):
    /// they are written when the next word comes, after whatever is
    /// stacked on the first piece.
    pending: Vec<Pending>,
}

struct Pending {
    term: String,
    start: usize,
    end: usize,
    position: u32,
}

impl<'n> TermWriter<'n> {
    /// A writer with room for `terms` terms of `bytes` bytes in all; spans
    /// are kept when `ranges` is given.
    pub(crate) fn new(
        terms: usize,
        bytes: usize,
        ranges: Option<OriginalRanges<'n>>,
    ) -> TermWriter<'n> {
        TermWriter {
            terms: Terms {
                buffer: String::with_capacity(bytes),
                ends: Vec::with_capacity(terms),
                positions: Vec::with_capacity(terms),
                lengths: Vec::new(),
                spans: ranges.is_some().then(|| Vec::with_capacity(terms)),
                split: 0,
            },
            ranges,
            next_position: 0,
            pending: Vec::new(),
        }
    }

    /// Adds a word of the text, `term`, found at bytes `start..end` of the
    /// normalized `text`, at the next position (positions, when it is split
    /// into pieces); returns its (first) position.
    #[inline(always)]
    pub(crate) fn push_word(&mut self, term: &str, text: &str, start: usize, end: usize) -> u32 {
        if !self.pending.is_empty() {
            self.flush_pending();
        }
        let position = self.next_position;
        if term.len() <= MAX_TERM_BYTES {
            self.push_piece(term, start, end, position);
            self.next_position += 1;
        } else {
            self.push_split_word(term, text, start, end, position);
        }
        position
    }

    /// Leaves out a word of the text (page furniture) but keeps its
    /// position(s), so that no phrase matches across it.
    pub(crate) fn skip_word(&mut self, term: &str) {
        if !self.pending.is_empty() {
            self.flush_pending();
        }
        self.next_position += piece_count(term);
    }

    /// Adds `term`, found at bytes `start..end` of the normalized `text`,
    /// at `position`, the position of the word it comes from (a search-mode
    /// sub-word, a compound part, a stem). Pieces of a term over the cap
    /// all take `position`.
    #[inline]
    pub(crate) fn push_stacked(
        &mut self,
        term: &str,
        text: &str,
        start: usize,
        end: usize,
        position: u32,
    ) {
        if term.len() <= MAX_TERM_BYTES {
            self.push_piece(term, start, end, position);
        } else {
            self.terms.split += 1;
            for (piece, from, to) in pieces(term, text, start, end) {
                self.push_piece(piece, from, to, position);
            }
        }
    }

    /// Adds `term` (an entity id: short, never split) over a mention at
    /// bytes `start..end`, at `position` with position length `length`.
    #[inline]
    pub(crate) fn push_spanning(
        &mut self,
        term: &str,
        start: usize,
        end: usize,
        position: u32,
        length: u32,
    ) {
        if length != 1 {
            self.terms
                .lengths
                .push((self.terms.ends.len() as u32, length));
        }
        self.push_piece(term, start, end, position);
    }

    /// The terms written.
    pub(crate) fn finish(mut self) -> Terms {
        self.flush_pending();
        self.terms
    }

    #[cold]
    #[inline(never)]
    fn push_split_word(&mut self, term: &str, text: &str, start: usize, end: usize, first: u32) {
        self.terms.split += 1;
        let mut position = first;
        for (piece, from, to) in pieces(term, text, start, end) {
            if position == first {
                self.push_piece(piece, from, to, position);
            } else {
                self.pending.push(Pending {
                    term: piece.to_string(),
                    start: from,
                    end: to,
                    position,
                });
            }
            position += 1;
        }
        self.next_position = position;
    }

    #[cold]
    fn flush_pending(&mut self) {
        for pending in std::mem::take(&mut self.pending) {
            self.push_piece(&pending.term, pending.start, pending.end, pending.position);
        }
    }

    #[inline(always)]
    fn push_piece(&mut self, term: &str, start: usize, end: usize, position: u32) {
        debug_assert!(self.terms.positions.last().is_none_or(|&p| p <= position));
        append_term(&mut self.terms.buffer, term);
        self.terms.ends.push(self.terms.buffer.len() as u32);
        self.terms.positions.push(position);
        if let (Some(ranges), Some(spans)) = (&mut self.ranges, &mut self.terms.spans) {
            let (from, to) = ranges.range(start, end);
            spans.push(CharSpan::new(from, to));
        }
    }
}

/// Appends `term` to `buffer`, as `String::push_str` does. A term of 1 to
/// 16 bytes (nearly every one) is copied without a branch on its length:
/// three single bytes (the first, the middle one and the last: all of a
/// term shorter than four bytes) and four overlapping four-byte windows
/// (all of a longer one), the windows of a short term going from zeros to
/// scratch. `push_str` calls `memcpy`, whose choice of a copy by length is
/// a branch that cannot be foreseen from word to word (cachegrind's model
/// counts 0.7 mispredictions per term of BBC news there); with this copy
/// and [`canon_table`]'s branch-free hashing of short words, English and
/// Chinese news took 2 to 4% less CPU time (BBC and PKU records of
/// `../shared/corpus/bench-mixed.jsonl` repeated to 10 MB, fastest of 9 to
/// 25 interleaved runs, four rounds), for 3% more instructions in English,
/// 0.4% in Chinese.
#[inline(always)]
fn append_term(buffer: &mut String, term: &str) {
    const ZEROS: [u8; 16] = [0; 16];
    let n = term.len();
    if n == 0 || n > 16 {
        buffer.push_str(term);
        return;
    }
    buffer.reserve(n);
    let mut scratch = [0u8; 16];
    // SAFETY: `reserve` leaves room for `n` more bytes after `len`; every
    // read is inside `term` (offsets below `n`, windows ending at `n` at
    // most) or inside `ZEROS`, every write inside the room or `scratch`;
    // the bytes written are `term`'s, so the buffer stays UTF-8 when its
    // length takes them in.
    unsafe {
        let bytes = buffer.as_mut_vec();
        let len = bytes.len();
        let src = term.as_ptr();
        let dst = bytes.as_mut_ptr().add(len);
        for at in [0, n / 2, n - 1] {
            *dst.add(at) = *src.add(at);
        }
        let long = n >= 4;
        let (from, to, m) = std::hint::select_unpredictable(
            long,
            (src, dst, n),
            (ZEROS.as_ptr(), scratch.as_mut_ptr(), 4),
        );
        // Starts at most four bytes apart for `m` up to 16: every byte is
        // in some window.
        for at in [0, (m - 4) / 3, 2 * (m - 4) / 3, m - 4] {
            to.add(at)
                .cast::<u32>()
                .write_unaligned(from.add(at).cast::<u32>().read_unaligned());
        }
        bytes.set_len(len + n);
    }
}

/// The pieces of `term` (longer than [`MAX_TERM_BYTES`]), found at bytes
/// `start..end` of `text`, each with its bytes in `text`.
fn pieces<'a>(
    term: &'a str,
    text: &str,
    start: usize,
    end: usize,
) -> impl Iterator<Item = (&'a str, usize, usize)> {
    let surface = &text[start..end];
    // Character k of the term stands for character k of the surface when
    // both have as many characters (a lowercased word); otherwise every
    // piece gets the whole word's span.
    let one_for_one = term.chars().count() == surface.chars().count();
    // Where each character of the surface starts, then its end.
    let mut offsets = surface
        .char_indices()
        .map(move |(at, _)| start + at)
        .chain(std::iter::once(end));
    let mut from = offsets.next().unwrap_or(end);
    let mut piece_start = 0;
    std::iter::from_fn(move || {
        if piece_start >= term.len() {
            return None;
        }
        let piece_stop = piece_end(term, piece_start);
        let piece = &term[piece_start..piece_stop];
        piece_start = piece_stop;
        if one_for_one {
            let to = offsets.nth(piece.chars().count() - 1).unwrap_or(end);
            let span = (piece, from, to);
            from = to;
            Some(span)
        } else {
            Some((piece, start, end))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(build: impl FnOnce(&mut TermWriter<'_>)) -> Terms {
        let mut writer = TermWriter::new(0, 0, None);
        build(&mut writer);
        writer.finish()
    }

    #[test]
    fn words_take_consecutive_positions_and_stacked_terms_share_them() {
        let text = "moonshot ai bets";
        let terms = written(|w| {
            let first = w.push_word("moonshot", text, 0, 8);
            w.push_spanning("moonshot-ai", 0, 11, first, 2);
            w.push_word("ai", text, 9, 11);
            let bets = w.push_word("bets", text, 12, 16);
            w.push_stacked("bet", text, 12, 16, bets);
        });
        let all: Vec<(&str, u32, u32)> = terms
            .iter()
            .map(|t| (t.text, t.position, t.position_length))
            .collect();
        assert_eq!(
            all,
            [
                ("moonshot", 0, 1),
                ("moonshot-ai", 0, 2),
                ("ai", 1, 1),
                ("bets", 2, 1),
                ("bet", 2, 1)
            ]
        );
        assert_eq!(terms.position_lengths(), [(1, 2)]);
        assert!(terms.spans().is_none());
    }

    #[test]
    fn skipped_words_keep_their_positions() {
        let text = "a b c";
        let terms = written(|w| {
            w.push_word("a", text, 0, 1);
            w.skip_word("b");
            w.push_word("c", text, 4, 5);
        });
        assert_eq!(terms.positions(), [0, 2]);
    }

    #[test]
    fn pieces_of_a_long_word_follow_what_is_stacked_on_its_first() {
        let word = "x".repeat(MAX_TERM_BYTES * 2 + 1);
        let text = format!("{word} y");
        let terms = written(|w| {
            let at = w.push_word(&word, &text, 0, word.len());
            w.push_stacked("part", &text, 0, 4, at);
            w.skip_word(&word);
            w.push_word("y", &text, word.len() + 1, word.len() + 2);
        });
        let all: Vec<(usize, u32)> = terms.iter().map(|t| (t.text.len(), t.position)).collect();
        assert_eq!(all, [(255, 0), (4, 0), (255, 1), (1, 2), (1, 6)]);
        assert_eq!(piece_count(&word), 3);
        assert_eq!(terms.split_count(), 1);
    }

    #[test]
    fn terms_are_appended_like_push_str() {
        let mut next = crate::test_support::xorshift(0x2545_F491_4F6C_DD1D);
        let alphabet = ['a', 'z', '-', 'é', '中', '𝔸', '0'];
        for _ in 0..20_000 {
            let chars = next(12);
            let term: String = (0..chars).map(|_| alphabet[next(alphabet.len())]).collect();
            let before: String = (0..next(5)).map(|_| 'x').collect();
            let mut fast = before.clone();
            fast.shrink_to_fit();
            append_term(&mut fast, &term);
            let mut reference = before;
            reference.push_str(&term);
            assert_eq!(fast, reference, "{term:?}");
        }
    }

    #[test]
    fn piece_count_cuts_on_character_boundaries() {
        assert_eq!(piece_count(""), 1);
        assert_eq!(piece_count(&"a".repeat(MAX_TERM_BYTES)), 1);
        assert_eq!(piece_count(&"a".repeat(MAX_TERM_BYTES + 1)), 2);
        // 127 two-byte characters fit in a piece: 300 make three.
        assert_eq!(piece_count(&"é".repeat(300)), 3);
    }
}
