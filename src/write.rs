//! Stage 5: the JSON Lines output record.
//!
//! The input record's fields come first, in their order, each key and value
//! exactly as written (see [`crate::decode::record`]); the text field is
//! written from the text canon analyzed. canon's fields follow: `lang`,
//! `lang_confidence`, `lang_spans` (documents of more than one language
//! run), `normalized_text`, `tokens`, `token_positions`,
//! `token_position_lengths`, `token_spans` (with `--spans`), `entities`,
//! `entity_ids`, `boilerplate` (unless the stage is off), and `encoding`,
//! `encoding_parts`, `encoding_warning` when the input was not UTF-8. An
//! input field with one of those names is replaced.
//!
//! Every offset (token spans, entity, language-run and boilerplate spans,
//! encoding parts) goes through one [`OffsetMap`] per record, in the unit
//! of [`WriteOptions::offsets`].
//!
//! Every string canon writes escapes U+2028 and U+2029 (`\u2028`,
//! `\u2029`), which JSON allows raw but which tools that split lines on
//! them (Python's `splitlines`, JavaScript before ES2019) take for line
//! ends; so do passed-through values, the only bytes of them that change
//! (the JSON value is the same).

use std::io::Write;

use crate::decode::{EncodingNote, Record};
use crate::offsets::{OffsetMap, OffsetUnit};
use crate::pipeline::Analysis;

/// The field names canon adds to records.
pub const OUTPUT_FIELDS: [&str; 14] = [
    "lang",
    "lang_confidence",
    "lang_spans",
    "normalized_text",
    "tokens",
    "token_positions",
    "token_position_lengths",
    "token_spans",
    "entities",
    "entity_ids",
    "boilerplate",
    "encoding",
    "encoding_parts",
    "encoding_warning",
];

/// What to write besides the contract's fixed fields, and how.
///
/// More choices will come; build it from [`Default`] and set fields.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct WriteOptions {
    /// Write `token_spans` (the analysis must have kept them:
    /// [`crate::AnalyzeOptions::term_spans`]).
    pub spans: bool,
    /// The unit of every offset written (`--offsets`).
    pub offsets: OffsetUnit,
}

/// Appends one output line (with its `\n`) for `record`, its analysis and
/// how it was decoded to `out`.
pub fn write_record(
    out: &mut Vec<u8>,
    record: &Record<'_>,
    analysis: &Analysis,
    encoding: &EncodingNote,
    options: WriteOptions,
) {
    // One reservation of about the line's size: a huge record's output is
    // neither reserved four times over nor grown by doubling.
    out.reserve(estimated_len(record, analysis, options));
    out.push(b'{');
    let mut first = true;
    let mut field = |out: &mut Vec<u8>, key_json: &[u8]| {
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(key_json);
        out.push(b':');
    };
    let is_ours = |name: &str| OUTPUT_FIELDS.contains(&name);
    for (i, input) in record.fields.iter().enumerate() {
        if i == record.text_position {
            write_text_field(out, record, &mut field);
        }
        if is_ours(&input.name) {
            continue;
        }
        field(out, input.key_json.as_bytes());
        write_raw(out, &input.value_json);
    }
    if record.text_position >= record.fields.len() {
        write_text_field(out, record, &mut field);
    }
    write_analysis_fields(out, first, &record.text, analysis, encoding, options);
}

/// Appends the output line (with its `\n`) of a text analyzed by itself,
/// outside any input record: a JSON object with canon's fields only, exactly
/// as [`write_record`] writes them after an input record's fields (so no
/// `text`: the caller has it). This is what the Python package returns.
///
/// ```
/// use canon::write::{WriteOptions, write_analysis};
///
/// let canon = canon::Canon::builder().build()?;
/// let mut line = Vec::new();
/// let text = "月之暗面发布了Kimi";
/// write_analysis(&mut line, text, &canon.analyze(text), WriteOptions::default());
/// let line = String::from_utf8(line).unwrap();
/// assert!(line.starts_with(r#"{"lang":"zh","lang_confidence":"#));
/// assert!(line.contains(r#""tokens":["月之暗面","moonshot-ai","发布","了","kimi","moonshot-ai"]"#));
/// assert!(line.ends_with(r#""surface":"Kimi","start":7,"end":11,"parents":["moonshot-ai"]}],"entity_ids":["moonshot-ai","kimi"],"boilerplate":[]}
/// "#));
/// # Ok::<(), canon::Error>(())
/// ```
pub fn write_analysis(
    out: &mut Vec<u8>,
    original: &str,
    analysis: &Analysis,
    options: WriteOptions,
) {
    out.reserve(estimated_analysis_len(analysis, options));
    out.push(b'{');
    write_analysis_fields(
        out,
        true,
        original,
        analysis,
        &EncodingNote::default(),
        options,
    );
}

/// canon's fields and the closing `}\n` of a record; `first` when no field
/// was written before them.
fn write_analysis_fields(
    out: &mut Vec<u8>,
    first: bool,
    original: &str,
    analysis: &Analysis,
    encoding: &EncodingNote,
    options: WriteOptions,
) {
    let mut first = first;
    let mut field = |out: &mut Vec<u8>, key_json: &[u8]| {
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(key_json);
        out.push(b':');
    };
    field(out, b"\"lang\"");
    write_str(out, analysis.lang.code);
    field(out, b"\"lang_confidence\"");
    let _ = write!(out, "{}", analysis.lang.confidence);
    let mut offsets = OffsetMap::new(original, options.offsets);
    if !analysis.lang_spans.is_empty() {
        field(out, b"\"lang_spans\"");
        out.push(b'[');
        for (i, run) in analysis.lang_spans.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let (start, end) = offsets.span(run.span);
            let _ = write!(out, "{{\"start\":{start},\"end\":{end},\"lang\":");
            write_str(out, run.lang);
            out.push(b'}');
        }
        out.push(b']');
    }
    field(out, b"\"normalized_text\"");
    write_str(out, analysis.normalized.text());
    field(out, b"\"tokens\"");
    out.push(b'[');
    let terms = &analysis.terms;
    if needs_escape(terms.concatenated().as_bytes()) {
        for (i, term) in terms.texts().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_str(out, term);
        }
    } else {
        write_plain_terms(out, terms.concatenated().as_bytes(), terms.ends());
    }
    out.push(b']');
    let mut numbers = itoa::Buffer::new();
    field(out, b"\"token_positions\"");
    write_positions(out, terms.positions());
    field(out, b"\"token_position_lengths\"");
    out.push(b'[');
    for (i, &(index, length)) in terms.position_lengths().iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.push(b'[');
        out.extend_from_slice(numbers.format(index).as_bytes());
        out.push(b',');
        out.extend_from_slice(numbers.format(length).as_bytes());
        out.push(b']');
    }
    out.push(b']');
    if options.spans {
        field(out, b"\"token_spans\"");
        out.push(b'[');
        for (i, &chars) in analysis.token_spans().iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let (start, end) = offsets.span(chars);
            out.push(b'[');
            out.extend_from_slice(numbers.format(start).as_bytes());
            out.push(b',');
            out.extend_from_slice(numbers.format(end).as_bytes());
            out.push(b']');
        }
        out.push(b']');
    }
    let mut span = |out: &mut Vec<u8>, start: u32, end: u32| {
        let (start, end) = (offsets.convert(start), offsets.convert(end));
        out.extend_from_slice(b"\"start\":");
        out.extend_from_slice(numbers.format(start).as_bytes());
        out.extend_from_slice(b",\"end\":");
        out.extend_from_slice(numbers.format(end).as_bytes());
    };
    field(out, b"\"entities\"");
    out.push(b'[');
    for (i, mention) in analysis.entities.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"id\":");
        write_str(out, &mention.id);
        out.extend_from_slice(b",\"name\":");
        write_str(out, &mention.name);
        if let Some(qid) = &mention.wikidata {
            out.extend_from_slice(b",\"wikidata\":");
            write_str(out, qid);
        }
        out.extend_from_slice(b",\"surface\":");
        write_str(out, &mention.surface);
        out.push(b',');
        span(out, mention.span.start, mention.span.end);
        out.extend_from_slice(b",\"parents\":[");
        for (k, parent) in mention.parents.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            write_str(out, parent);
        }
        out.push(b']');
        if mention.boilerplate {
            out.extend_from_slice(b",\"boilerplate\":true");
        }
        out.push(b'}');
    }
    out.push(b']');
    field(out, b"\"entity_ids\"");
    out.push(b'[');
    for (i, id) in analysis.entity_ids().into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, id);
    }
    out.push(b']');
    if let Some(spans) = &analysis.boilerplate {
        field(out, b"\"boilerplate\"");
        out.push(b'[');
        for (i, furniture) in spans.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'{');
            let chars = furniture.original_chars;
            span(out, chars.start, chars.end);
            let _ = write!(out, ",\"reason\":\"{}\"}}", furniture.reason);
        }
        out.push(b']');
    }
    if let Some(name) = encoding.encoding {
        field(out, b"\"encoding\"");
        write_str(out, name);
    }
    if !encoding.parts.is_empty() {
        field(out, b"\"encoding_parts\"");
        out.push(b'[');
        for (i, part) in encoding.parts.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"encoding\":");
            write_str(out, part.encoding);
            out.push(b',');
            span(out, part.start_char as u32, part.end_char as u32);
            out.push(b'}');
        }
        out.push(b']');
    }
    if let Some(warning) = &encoding.warning {
        field(out, b"\"encoding_warning\"");
        write_str(out, warning);
    }
    out.extend_from_slice(b"}\n");
}

/// How many bytes the writers of terms and positions copy at once: a term
/// (most are shorter) or a position with its comma goes into a buffer on
/// the stack as one fixed-size copy, and what it writes past its end is
/// overwritten by what comes next, instead of a copy of variable length
/// and a check of the output's capacity for each.
const COPY: usize = 16;

/// The size of that buffer; it goes into the output whenever it may not
/// have room for one more copy.
const STAGE: usize = 2048;

/// Appends `"t1","t2",...` for the terms in `buffer` (concatenated, term
/// `i` ending at byte `ends[i]`), none of which needs escaping.
fn write_plain_terms(out: &mut Vec<u8>, buffer: &[u8], ends: &[u32]) {
    if ends.is_empty() {
        return;
    }
    let mut stage = [0u8; STAGE];
    let mut at = 0;
    let mut from = 0;
    for &end in ends {
        let end = end as usize;
        let len = end - from;
        if at > STAGE - (COPY + 3) {
            out.extend_from_slice(&stage[..at]);
            at = 0;
        }
        if len <= COPY && from + COPY <= buffer.len() {
            stage[at] = b'"';
            stage[at + 1..at + 1 + COPY].copy_from_slice(&buffer[from..from + COPY]);
            stage[at + 1 + len..at + 3 + len].copy_from_slice(b"\",");
            at += len + 3;
        } else {
            // A long term, or one of the last bytes of the buffer.
            out.extend_from_slice(&stage[..at]);
            at = 0;
            out.push(b'"');
            out.extend_from_slice(&buffer[from..end]);
            out.extend_from_slice(b"\",");
        }
        from = end;
    }
    out.extend_from_slice(&stage[..at]);
    // Without the last comma.
    out.pop();
}

/// Appends the JSON list of `positions`.
fn write_positions(out: &mut Vec<u8>, positions: &[u32]) {
    let start = out.len();
    let mut stage = [0u8; STAGE];
    let mut at = 0;
    let mut position = DecimalCounter::default();
    for &next in positions {
        if at > STAGE - COPY {
            out.extend_from_slice(&stage[..at]);
            at = 0;
        }
        position.set(next);
        stage[at..at + COPY].copy_from_slice(&position.bytes());
        at += position.len;
    }
    out.extend_from_slice(&stage[..at]);
    // Each position was written after a comma; the first comma becomes `[`.
    match out.get_mut(start) {
        Some(first) => *first = b'[',
        None => out.push(b'['),
    }
    out.push(b']');
}

/// A number kept in decimal, for writing positions: each is the last one
/// or one more (a word, or a term stacked on it), so the digits are updated
/// in place far more often than formatted anew, and written with a copy of
/// fixed size.
///
/// The text is held as two numbers, not as bytes: a step that only raises the
/// last digit is one addition in a register, and the copy stores the
/// registers. Bytes changed one at a time and then read back as sixteen stall
/// the load until the stores retire, which cost about half of writing the
/// output's positions.
#[derive(Debug, Clone, Copy)]
struct DecimalCounter {
    value: u32,
    /// `,` then the digits, then unused bytes, as the bytes of two
    /// little-endian numbers: bytes 0 to 7, then 8 to 15 (byte `k` of each
    /// is its bits `8k..8k + 8`). Positions below ten million have all
    /// their digits in the first.
    text: [u64; 2],
    /// Bytes of `text` used.
    len: usize,
}

impl Default for DecimalCounter {
    fn default() -> DecimalCounter {
        DecimalCounter {
            value: 0,
            text: [u64::from_le_bytes(*b",0\0\0\0\0\0\0"), 0],
            len: 2,
        }
    }
}

impl DecimalCounter {
    /// Sets the counter to `value`.
    #[inline]
    fn set(&mut self, value: u32) {
        if value == self.value.wrapping_add(1) && value != 0 {
            // The bit where the last digit starts, in its word.
            let last = 8 * (self.len - 1);
            let word = &mut self.text[last / 64];
            if (*word >> (last % 64)) as u8 != b'9' {
                *word += 1 << (last % 64);
            } else {
                self.carry();
            }
        } else if value != self.value {
            let mut buffer = itoa::Buffer::new();
            let digits = buffer.format(value).as_bytes();
            let mut text = self.bytes();
            text[1..=digits.len()].copy_from_slice(digits);
            self.set_bytes(text);
            self.len = 1 + digits.len();
        }
        self.value = value;
    }

    /// One more, when the last digit is a 9: the nines become zeros and the
    /// digit before them goes up, or a 1 goes in front (99 + 1).
    ///
    /// Worked out on the text as one 128-bit number, as [`Self::set`] works
    /// on the last digit: changing the bytes one at a time and reading them
    /// back as two words stalled on every tenth position.
    #[cold]
    #[inline(never)]
    fn carry(&mut self) {
        const ONES: u128 = u128::from_le_bytes([1; 16]);
        let text = u128::from(self.text[0]) | u128::from(self.text[1]) << 64;
        // A zero byte for each '9'; with the last digit moved to the top
        // byte, the trailing nines are the zero bytes it starts with (the
        // comma in byte 0 is no nine, so they end before it).
        let nine_bytes = text ^ (ONES * u128::from(b'9'));
        let nines = ((nine_bytes << (8 * (16 - self.len))).leading_zeros() / 8) as usize;
        let first_nine = self.len - nines;
        // '9' - '0' is 9 in every byte of the run: no borrow crosses bytes.
        let mut text = text - 9 * ((ONES >> (8 * (16 - nines))) << (8 * first_nine));
        if first_nine == 1 {
            // Every digit was a nine: a 1 in front, and one more 0.
            text += 1 << 8;
            text = text & !(0xFF << (8 * self.len)) | u128::from(b'0') << (8 * self.len);
            self.len += 1;
        } else {
            text += 1 << (8 * (first_nine - 1));
        }
        self.text = [text as u64, (text >> 64) as u64];
    }

    /// The text to copy: `,`, the digits, then unused bytes.
    #[inline]
    fn bytes(&self) -> [u8; COPY] {
        let mut bytes = [0; COPY];
        bytes[..8].copy_from_slice(&self.text[0].to_le_bytes());
        bytes[8..].copy_from_slice(&self.text[1].to_le_bytes());
        bytes
    }

    fn set_bytes(&mut self, bytes: [u8; COPY]) {
        let word = |k: usize| u64::from_le_bytes(bytes[8 * k..8 * k + 8].try_into().expect("8"));
        self.text = [word(0), word(1)];
    }

    /// `,` and the digits.
    #[cfg(test)]
    fn after_comma(&self) -> Vec<u8> {
        self.bytes()[..self.len].to_vec()
    }

    /// The digits.
    #[cfg(test)]
    fn digits(&self) -> Vec<u8> {
        self.bytes()[1..self.len].to_vec()
    }
}

fn write_text_field(
    out: &mut Vec<u8>,
    record: &Record<'_>,
    field: &mut impl FnMut(&mut Vec<u8>, &[u8]),
) {
    if OUTPUT_FIELDS.contains(&record.text_name.as_ref()) {
        return;
    }
    field(out, record.text_key_json.as_bytes());
    write_str(out, &record.text);
}

/// About the length of the output line: every part but the escapes.
fn estimated_len(record: &Record<'_>, analysis: &Analysis, options: WriteOptions) -> usize {
    let fields: usize = record
        .fields
        .iter()
        .map(|f| f.key_json.len() + f.value_json.len() + 2)
        .sum();
    fields
        + record.text_key_json.len()
        + record.text.len()
        + estimated_analysis_len(analysis, options)
}

/// About the length of canon's fields of a record.
fn estimated_analysis_len(analysis: &Analysis, options: WriteOptions) -> usize {
    let terms = analysis.terms.len();
    let entities: usize = analysis
        .entities
        .iter()
        .map(|m| m.id.len() + m.name.len() + m.surface.len() + 60)
        .sum();
    analysis.normalized.text().len()
        + analysis.terms.concatenated().len()
        + 3 * terms
        + 5 * terms
        + if options.spans { 16 * terms } else { 0 }
        + entities
        + 256
}

/// Writes a passed-through JSON value as written, except that a raw U+2028
/// or U+2029 (which can only stand inside a string) is escaped.
fn write_raw(out: &mut Vec<u8>, json: &str) {
    let bytes = json.as_bytes();
    let mut clean = 0;
    for at in memchr::memchr_iter(0xE2, bytes) {
        if let Some(escape) = line_separator_escape(&bytes[at..]) {
            out.extend_from_slice(&bytes[clean..at]);
            out.extend_from_slice(escape);
            clean = at + 3;
        }
    }
    out.extend_from_slice(&bytes[clean..]);
}

/// The escape of U+2028 or U+2029 when `bytes` start with one.
#[inline]
fn line_separator_escape(bytes: &[u8]) -> Option<&'static [u8]> {
    match bytes {
        [0xE2, 0x80, 0xA8, ..] => Some(b"\\u2028"),
        [0xE2, 0x80, 0xA9, ..] => Some(b"\\u2029"),
        _ => None,
    }
}

/// Writes `s` as a JSON string the way canon writes every string: as
/// serde_json writes it, and with U+2028 and U+2029 escaped.
///
/// serde_json looks up every byte in a table; output is mostly article text
/// with nothing to escape, so this tests a block of bytes at a time, copies
/// clean stretches whole, and in a block that holds something to escape
/// goes straight from one such byte to the next (newlines, quotes and the
/// 0xE2 of curly quotes and dashes come every few dozen bytes of news).
/// What is left after the blocks (all of a short string: an id, a name) is
/// looked at eight bytes at a time.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // Bytes before `clean` are written.
    let mut clean = 0;
    let mut blocks = bytes.chunks_exact(BLOCK);
    let mut offset = 0;
    for block in blocks.by_ref() {
        if needs_escape(block) {
            for (k, word) in block.chunks_exact(8).enumerate() {
                let marks = escape_candidates(word_at(word));
                escape_marked(out, bytes, offset + 8 * k, marks, &mut clean);
            }
        }
        offset += BLOCK;
    }
    let mut words = blocks.remainder().chunks_exact(8);
    for word in words.by_ref() {
        escape_marked(
            out,
            bytes,
            offset,
            escape_candidates(word_at(word)),
            &mut clean,
        );
        offset += 8;
    }
    let rest = words.remainder().len();
    if rest > 0 {
        if bytes.len() >= 8 {
            // The last eight bytes, less those looked at already.
            let last = bytes.len() - 8;
            let marks = escape_candidates(word_at(&bytes[last..])) & (u64::MAX << (8 * (8 - rest)));
            escape_marked(out, bytes, last, marks, &mut clean);
        } else {
            for at in offset..bytes.len() {
                if ESCAPE[usize::from(bytes[at])] != 0 {
                    escape_marked(out, bytes, at, 0x80, &mut clean);
                }
            }
        }
    }
    out.extend_from_slice(&bytes[clean..]);
    out.push(b'"');
}

const BLOCK: usize = 32;

/// The eight bytes `word` as a number, the first one lowest.
#[inline]
fn word_at(word: &[u8]) -> u64 {
    u64::from_le_bytes(word[..8].try_into().expect("eight bytes"))
}

/// Writes the escapes of the bytes marked in `marks` (as
/// [`escape_candidates`] marks them) of the eight bytes of `bytes` from
/// `offset`, each after the clean bytes before it, and moves `clean` past it.
#[inline(always)]
fn escape_marked(out: &mut Vec<u8>, bytes: &[u8], offset: usize, marks: u64, clean: &mut usize) {
    // Most words have nothing marked: only the test is inlined.
    if marks != 0 {
        escape_marked_slow(out, bytes, offset, marks, clean);
    }
}

/// [`escape_marked`] when something is marked.
#[inline(never)]
fn escape_marked_slow(
    out: &mut Vec<u8>,
    bytes: &[u8],
    offset: usize,
    mut marks: u64,
    clean: &mut usize,
) {
    while marks != 0 {
        let at = offset + marks.trailing_zeros() as usize / 8;
        marks &= marks - 1;
        let byte = bytes[at];
        match ESCAPE[usize::from(byte)] {
            // Most 0xE2 bytes start punctuation (“ ” … —), left as it is.
            LINE_SEPARATOR_LEAD => {
                if let Some(escape) = line_separator_escape(&bytes[at..]) {
                    out.extend_from_slice(&bytes[*clean..at]);
                    out.extend_from_slice(escape);
                    *clean = at + 3;
                }
            }
            0 => {}
            escape => {
                out.extend_from_slice(&bytes[*clean..at]);
                push_escape(out, escape, byte);
                *clean = at + 1;
            }
        }
    }
}

/// Whether some byte of `bytes` may need escaping: a control character,
/// `"`, `\`, or 0xE2, the first byte of U+2028 and U+2029. Written without
/// early exit so that the compiler vectorizes it.
fn needs_escape(bytes: &[u8]) -> bool {
    bytes.iter().fold(false, |any, &b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\') | (b == 0xE2)
    })
}

/// The bytes of `word` (eight bytes, the first one lowest) that
/// [`needs_escape`] looks for, as the high bit of each such byte and no
/// other bit: exact for every byte (no carry runs from one byte into the
/// next), so each set bit is one byte to escape or to look at.
#[inline]
fn escape_candidates(word: u64) -> u64 {
    const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const EACH: u64 = 0x0101_0101_0101_0101;
    // The high bit of each zero byte: the low seven bits are added apart
    // from the high one, so no carry leaves its byte.
    let zero = |v: u64| !(((v & LOW) + LOW) | v) & HIGH;
    // Below 0x20: the high bit clear, and the low seven bits plus 0x60
    // still below 0x80.
    let control = !(((word & LOW) + 0x60 * EACH) | word) & HIGH;
    control
        | zero(word ^ (u64::from(b'"') * EACH))
        | zero(word ^ (u64::from(b'\\') * EACH))
        | zero(word ^ (0xE2 * EACH))
}

/// The mark in [`ESCAPE`] of 0xE2, which starts U+2028 and U+2029.
const LINE_SEPARATOR_LEAD: u8 = 1;

/// For each byte, the letter of its escape (`u` for `\u00XX`), or 0: the
/// same choices as serde_json's table; 0xE2 is marked for a closer look.
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0A] = b'n';
    table[0x0C] = b'f';
    table[0x0D] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table[0xE2] = LINE_SEPARATOR_LEAD;
    table
};

fn push_escape(out: &mut Vec<u8>, escape: u8, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    if escape == b'u' {
        out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(byte >> 4)],
            HEX[usize::from(byte & 0xF)],
        ]);
    } else {
        out.extend_from_slice(&[b'\\', escape]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aliases::AliasTable;
    use crate::decode::{EncodingPart, parse_json_record};
    use crate::pipeline::Canon;
    use serde_json::Value;

    fn canon() -> Canon {
        Canon::new(AliasTable::load(&[]).unwrap())
    }

    fn line_for(json: &str, note: &EncodingNote) -> String {
        let record = parse_json_record(json, "text").unwrap();
        let analysis = canon().analyze(&record.text);
        let mut out = Vec::new();
        write_record(
            &mut out,
            &record,
            &analysis,
            note,
            WriteOptions {
                spans: true,
                ..WriteOptions::default()
            },
        );
        String::from_utf8(out).unwrap()
    }

    /// The output of `text` as a plain-text record, offsets in `unit`.
    fn value_with_offsets(text: &str, unit: OffsetUnit) -> Value {
        let mut out = Vec::new();
        write_record(
            &mut out,
            &Record::plain_text("doc", text),
            &canon().analyze(text),
            &EncodingNote::default(),
            WriteOptions {
                spans: true,
                offsets: unit,
            },
        );
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn positions_lengths_and_entity_ids_are_written() {
        let value = value_with_offsets("Moonshot AI bets on Kimi", OffsetUnit::Chars);
        assert_eq!(
            value["tokens"],
            serde_json::json!([
                "moonshot",
                "moonshot-ai",
                "ai",
                "bets",
                "on",
                "kimi",
                "moonshot-ai"
            ])
        );
        assert_eq!(
            value["token_positions"],
            serde_json::json!([0, 0, 1, 2, 3, 4, 4])
        );
        // Only the terms spanning more than one position: [index, length].
        assert_eq!(value["token_position_lengths"], serde_json::json!([[1, 2]]));
        assert_eq!(
            value["entity_ids"],
            serde_json::json!(["moonshot-ai", "kimi"])
        );
    }

    #[test]
    fn every_offset_field_follows_the_unit() {
        // 😀 is one code point, four bytes, two UTF-16 code units.
        let text = "😀 月之暗面 said\nShare\nend";
        let slice = |unit: OffsetUnit, start: &Value, end: &Value| -> String {
            let (start, end) = (
                start.as_u64().unwrap() as usize,
                end.as_u64().unwrap() as usize,
            );
            match unit {
                OffsetUnit::Chars => text.chars().skip(start).take(end - start).collect(),
                OffsetUnit::Bytes => text[start..end].to_string(),
                OffsetUnit::Utf16 => {
                    String::from_utf16(&text.encode_utf16().collect::<Vec<_>>()[start..end])
                        .unwrap()
                }
            }
        };
        for unit in [OffsetUnit::Chars, OffsetUnit::Bytes, OffsetUnit::Utf16] {
            let value = value_with_offsets(text, unit);
            let mention = &value["entities"][0];
            assert_eq!(
                slice(unit, &mention["start"], &mention["end"]),
                "月之暗面",
                "{unit}"
            );
            let spans = value["token_spans"].as_array().unwrap();
            let at = |term: &str| {
                let i = value["tokens"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .position(|t| t == term);
                spans[i.unwrap_or_else(|| panic!("{term}"))].clone()
            };
            assert_eq!(
                slice(unit, &at("said")[0], &at("said")[1]),
                "said",
                "{unit}"
            );
            assert_eq!(
                slice(unit, &at("moonshot-ai")[0], &at("moonshot-ai")[1]),
                "月之暗面"
            );
            let furniture = &value["boilerplate"][0];
            assert_eq!(
                slice(unit, &furniture["start"], &furniture["end"]),
                "Share",
                "{unit}"
            );
        }
        let starts = |unit| value_with_offsets(text, unit)["entities"][0]["start"].clone();
        assert_eq!(starts(OffsetUnit::Chars), 2);
        assert_eq!(starts(OffsetUnit::Bytes), 5);
        assert_eq!(starts(OffsetUnit::Utf16), 3);
    }

    #[test]
    fn encoding_parts_follow_the_unit() {
        let note = EncodingNote {
            encoding: Some("mixed"),
            parts: vec![
                EncodingPart {
                    encoding: "GBK",
                    start_char: 0,
                    end_char: 2,
                },
                EncodingPart {
                    encoding: "Big5",
                    start_char: 2,
                    end_char: 4,
                },
            ],
            warning: None,
        };
        let record = parse_json_record(r#"{"text":"中文繁體"}"#, "text").unwrap();
        let mut out = Vec::new();
        let options = WriteOptions {
            spans: false,
            offsets: OffsetUnit::Bytes,
        };
        write_record(
            &mut out,
            &record,
            &canon().analyze(&record.text),
            &note,
            options,
        );
        let value: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            value["encoding_parts"],
            serde_json::json!([{"encoding":"GBK","start":0,"end":6},{"encoding":"Big5","start":6,"end":12}])
        );
    }

    #[test]
    fn input_fields_pass_through_and_canon_fields_follow() {
        let line = line_for(
            r#"{"id":7,"big":1.10,"text":"DeepSeek’s model is the one that the lab released","lang":"xx"}"#,
            &EncodingNote::default(),
        );
        assert!(line.starts_with(r#"{"id":7,"big":1.10,"text":"DeepSeek’s model is the one that the lab released","lang":"en","#), "{line}");
        assert!(line.ends_with("}\n"));
        let value: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["tokens"][0], "deepseek");
        assert_eq!(value["token_spans"][0], serde_json::json!([0, 8]));
        assert_eq!(value["entities"][0]["surface"], "DeepSeek");
        assert_eq!(
            value["normalized_text"],
            "DeepSeek's model is the one that the lab released"
        );
    }

    #[test]
    fn fields_are_written_byte_for_byte() {
        let fields =
            r#"{"n":1E5,"s":"\u00e9","d":"x","d":"y","deep":{"a" : [1.50, -0]},"sep":"a|b"}"#
                .replace('|', "\u{2028}");
        let json = format!("{},\"text\":\"t\"}}", &fields[..fields.len() - 1]);
        let line = line_for(&json, &EncodingNote::default());
        let expected = fields[..fields.len() - 1].replace('\u{2028}', "\\u2028");
        assert!(line.starts_with(&expected), "{line}");
        assert!(!line.contains('\u{2028}'));
    }

    fn serde_json_string(s: &str) -> Vec<u8> {
        // serde_json leaves U+2028 and U+2029 raw; canon escapes them.
        serde_json::to_string(s)
            .unwrap()
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029")
            .into_bytes()
    }

    fn fast_string(s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        write_str(&mut out, s);
        out
    }

    #[test]
    fn strings_are_escaped_like_serde_json_and_line_separators_too() {
        let every_ascii: String = (0u8..128).map(char::from).collect();
        for s in [
            "",
            "plain",
            "a\"b\\c\nd\re\tf\u{8}g\u{c}h\u{0}i\u{1f}j\u{7f}k",
            "exactly8\n",
            "£600m “quoted” 月之暗面\u{2028}\u{FEFF}",
            "\u{2029}",
            "…—\u{2028}“",
            &every_ascii,
        ] {
            assert_eq!(fast_string(s), serde_json_string(s), "{s:?}");
        }
        assert_eq!(fast_string("a\u{2028}b\u{2029}"), br#""a\u2028b\u2029""#);
    }

    #[test]
    fn escapes_are_found_at_every_place_of_a_block() {
        // Each kind of byte to escape or to look at, at every offset
        // around the 8-byte words and 32-byte blocks, and in a short tail.
        for before in 0..=2 * BLOCK + 9 {
            for special in [
                "\u{2028}",
                "\u{2029}z",
                "\n",
                "\"",
                "\\",
                "\u{1f}",
                "…",
                "\u{7f}é",
            ] {
                for after in [0, 1, 7, 40] {
                    let s = format!("{}{special}{}", "a".repeat(before), "b".repeat(after));
                    assert_eq!(fast_string(&s), serde_json_string(&s), "{s:?}");
                }
            }
        }
    }

    /// The bytes of `word` whose [`ESCAPE`] entry is set, as
    /// [`escape_candidates`] marks them.
    fn candidates_by_table(word: [u8; 8]) -> u64 {
        word.iter()
            .enumerate()
            .filter(|&(_, &b)| ESCAPE[usize::from(b)] != 0)
            .map(|(k, _)| 0x80u64 << (8 * k))
            .sum()
    }

    #[test]
    fn escape_candidates_are_the_bytes_the_table_marks() {
        // Every byte value at every place, among neighbours of every kind
        // (a borrow or carry from one byte into the next would show here).
        let neighbours = [
            0x00, 0x1F, 0x20, b'"', b'\\', 0x5B, 0x7F, 0x80, 0xE1, 0xE2, 0xFF,
        ];
        for value in 0..=255u8 {
            for place in 0..8 {
                for &neighbour in &neighbours {
                    let mut word = [neighbour; 8];
                    word[place] = value;
                    assert_eq!(
                        escape_candidates(u64::from_le_bytes(word)),
                        candidates_by_table(word),
                        "{word:?}"
                    );
                }
            }
        }
    }

    /// Counting up one by one, every carry (9 to 10, 99 to 100, ...) up to
    /// seven digits and at the top of `u32`, after a jump and from zero.
    #[test]
    fn the_decimal_counter_counts_up_like_formatting() {
        let mut counter = DecimalCounter::default();
        for start in [0, 4_294_967_000] {
            counter.set(start);
            for value in start..=start.saturating_add(1_100_000) {
                counter.set(value);
                assert_eq!(counter.after_comma(), format!(",{value}").as_bytes());
            }
        }
    }

    proptest::proptest! {
        /// The counter writes what formatting writes, whatever the steps.
        #[test]
        fn the_decimal_counter_writes_every_value(
            steps in proptest::collection::vec((0u32..3, 0u32..2_000_000_000), 0..200),
        ) {
            let mut counter = DecimalCounter::default();
            let mut value = 0u32;
            counter.set(0);
            proptest::prop_assert_eq!(counter.digits(), b"0");
            for (kind, jump) in steps {
                value = match kind {
                    0 => value,
                    1 => value.saturating_add(1),
                    _ => jump,
                };
                counter.set(value);
                let expected = value.to_string();
                proptest::prop_assert_eq!(counter.digits(), expected.as_bytes());
                let expected = format!(",{value}");
                proptest::prop_assert_eq!(counter.after_comma(), expected.as_bytes());
            }
        }
    }

    /// Terms written one by one, as the general path does.
    fn terms_one_by_one(terms: &[String]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, term) in terms.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_str(&mut out, term);
        }
        out
    }

    proptest::proptest! {
        /// Plain terms written with fixed-size copies read as the terms one
        /// by one, whatever their lengths (around and above the copy's size)
        /// and wherever in the buffer they stand.
        #[test]
        fn plain_terms_are_written_like_terms_one_by_one(
            terms in proptest::collection::vec("[a-z0-9]{0,3}|[a-z]{14,18}|[a-z]{30,40}|月之暗面|-", 0..300),
            before in "[a-z]{0,3}",
        ) {
            let mut buffer = String::new();
            let mut ends = Vec::new();
            for term in &terms {
                buffer.push_str(term);
                ends.push(buffer.len() as u32);
            }
            let mut out = before.clone().into_bytes();
            write_plain_terms(&mut out, buffer.as_bytes(), &ends);
            let mut expected = before.into_bytes();
            expected.extend(terms_one_by_one(&terms));
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(expected).unwrap());
        }

        /// Many short terms in a row fill the stage buffer more than once.
        #[test]
        fn many_short_terms_are_written_like_terms_one_by_one(
            terms in proptest::collection::vec("[a-z0-9]{1,16}", 100..1000),
        ) {
            let buffer = terms.concat();
            let ends: Vec<u32> = terms
                .iter()
                .scan(0, |end, term| {
                    *end += term.len() as u32;
                    Some(*end)
                })
                .collect();
            let mut out = Vec::new();
            write_plain_terms(&mut out, buffer.as_bytes(), &ends);
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(terms_one_by_one(&terms)).unwrap());
        }

        /// Positions read as JSON numbers, each written in full.
        #[test]
        fn positions_are_written_as_a_json_list(
            steps in proptest::collection::vec((0u32..3, 0u32..=u32::MAX), 0..400),
        ) {
            let mut value = 0u32;
            let positions: Vec<u32> = steps
                .into_iter()
                .map(|(kind, jump)| {
                    value = match kind {
                        0 => value,
                        1 => value.wrapping_add(1),
                        _ => jump,
                    };
                    value
                })
                .collect();
            let mut out = b"x".to_vec();
            write_positions(&mut out, &positions);
            let expected = format!("x{}", serde_json::to_string(&positions).unwrap());
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), expected);
        }
    }

    #[test]
    fn the_decimal_counter_carries() {
        let mut counter = DecimalCounter::default();
        for value in (0..=100_000u32).chain([999_999_999, 1_000_000_000, u32::MAX - 1, u32::MAX]) {
            counter.set(value);
            assert_eq!(counter.digits(), value.to_string().as_bytes());
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn generated_strings_are_escaped_like_serde_json(
            s in "([\\x00-\\x7F]|[a-z ]{1,12}|é|中|…|\u{2028}|\u{2029}|\u{10FFFF}){0,40}"
        ) {
            proptest::prop_assert_eq!(fast_string(&s), serde_json_string(&s));
        }

        #[test]
        fn arbitrary_strings_are_escaped_like_serde_json(s in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(fast_string(&s), serde_json_string(&s));
        }

        #[test]
        fn escape_candidates_of_any_word_are_the_table_s(word in proptest::prelude::any::<[u8; 8]>()) {
            proptest::prop_assert_eq!(
                escape_candidates(u64::from_le_bytes(word)),
                candidates_by_table(word)
            );
        }
    }

    #[test]
    fn records_with_every_kind_of_field_keep_them() {
        let json = r#"{"id":"a\"b","n":-1.5e3,"big":123456789012345678901234567890,"t":true,"z":null,"arr":[1,"x\n",{"k":"v"}],"obj":{"a":[]},"text":"x"}"#;
        let line = line_for(json, &EncodingNote::default());
        assert!(line.starts_with(&json[..json.len() - 1]), "{line}");
    }

    #[test]
    fn an_empty_record_gets_only_canon_fields() {
        let record = parse_json_record(r#"{"text":""}"#, "text").unwrap();
        let mut out = Vec::new();
        write_record(
            &mut out,
            &record,
            &canon().analyze(""),
            &EncodingNote::whole("GBK"),
            WriteOptions::default(),
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"text\":\"\",\"lang\":\"und\",\"lang_confidence\":0,\"normalized_text\":\"\",\"tokens\":[],\"token_positions\":[],\"token_position_lengths\":[],\"entities\":[],\"entity_ids\":[],\"boilerplate\":[],\"encoding\":\"GBK\"}\n"
        );
    }

    #[test]
    fn mixed_encodings_and_warnings_are_written() {
        let note = EncodingNote {
            encoding: Some("mixed"),
            parts: vec![
                EncodingPart {
                    encoding: "GBK",
                    start_char: 0,
                    end_char: 1,
                },
                EncodingPart {
                    encoding: "Big5",
                    start_char: 1,
                    end_char: 2,
                },
            ],
            warning: Some("careful".into()),
        };
        let line = line_for(r#"{"encoding":"x","text":"ab"}"#, &note);
        let value: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["encoding"], "mixed");
        assert_eq!(
            value["encoding_parts"],
            serde_json::json!([{"encoding":"GBK","start":0,"end":1},{"encoding":"Big5","start":1,"end":2}])
        );
        assert_eq!(value["encoding_warning"], "careful");
        assert_eq!(
            line.matches("\"encoding\":").count(),
            3,
            "the input's is replaced"
        );
    }

    #[test]
    fn boilerplate_spans_and_flagged_mentions_are_written() {
        use crate::boilerplate::Mode;
        let text = "DeepSeek released a model today, the lab said in a statement.\nShare\nBinance lists a token";
        let write = |mode: Mode| {
            let options = crate::pipeline::AnalyzeOptions {
                boilerplate: mode,
                ..Default::default()
            };
            let canon = Canon::with_options(AliasTable::load(&[]).unwrap(), options);
            let mut out = Vec::new();
            write_record(
                &mut out,
                &Record::plain_text("page", text),
                &canon.analyze(text),
                &EncodingNote::default(),
                WriteOptions::default(),
            );
            serde_json::from_slice::<Value>(&out).unwrap()
        };
        let keep = write(Mode::Keep);
        let share = text.chars().position(|c| c == '\n').unwrap() + 1;
        assert_eq!(
            keep["boilerplate"][0],
            serde_json::json!({"start": share, "end": share + 5, "reason": "widget"})
        );
        assert!(keep["entities"][0].get("boilerplate").is_none());
        assert_eq!(keep["entities"][1]["id"], "binance");
        assert_eq!(keep["entities"][1]["boilerplate"], true);
        let off = write(Mode::Off);
        assert!(off.get("boilerplate").is_none());
        assert!(off["entities"][1].get("boilerplate").is_none());
    }
}
