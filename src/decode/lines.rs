//! Cutting an input stream into records: lines of JSON Lines, or the whole
//! input as one plain-text document, never holding more than the byte limit
//! of one record in memory.
//!
//! A record over the limit is kept only as its first
//! [`crate::reject::HEAD_BYTES`] bytes, its full length and the SHA-256 of
//! all its bytes, computed as they stream past: enough to find it again,
//! bounded whatever its size.

use std::io::{self, BufRead, BufReader, Read};

use sha2::{Digest, Sha256};

use crate::ascii;
use crate::reject::HEAD_BYTES;

/// The size and, for a record over the limit, the hash of what was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadRecord {
    /// The record's full length in bytes (without its line terminator).
    pub len_bytes: u64,
    /// Only for a record over the limit (whose bytes were not kept whole):
    /// the SHA-256 of all its bytes.
    pub oversized_sha256: Option<[u8; 32]>,
}

/// Reads lines of at most `max_bytes` bytes; a longer line keeps only its
/// head, with its full length and hash reported.
pub struct LineReader<R> {
    reader: R,
    max_bytes: u64,
}

impl<R: BufRead> LineReader<R> {
    /// A reader over `reader` with a per-line limit.
    pub fn new(reader: R, max_bytes: u64) -> Self {
        LineReader { reader, max_bytes }
    }

    /// Whether no more bytes are buffered: reading on would wait for input.
    pub fn buffer_is_empty(&self) -> bool
    where
        R: BufferedRead,
    {
        self.reader.buffered_len() == 0
    }

    /// Reads the next line into `line` (cleared first, terminator `\n` or
    /// `\r\n` removed). Returns `None` at end of input. A line over the limit
    /// leaves only its first [`HEAD_BYTES`] bytes in `line`.
    pub fn next_line(&mut self, line: &mut Vec<u8>) -> io::Result<Option<ReadRecord>> {
        line.clear();
        // One byte more than the limit is kept: it may be the `\r` of a
        // `\r\n`, which is not part of the record.
        let keep = usize::try_from(self.max_bytes.saturating_add(1)).unwrap_or(usize::MAX);
        let mut len_bytes: u64 = 0;
        let mut digest: Option<StreamDigest> = None;
        let mut saw_any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                if !saw_any {
                    return Ok(None);
                }
                // At the end of input a final `\r` is part of the record.
                return Ok(Some(self.finish(line, len_bytes, digest, false)));
            }
            saw_any = true;
            let (chunk, found_newline) = match memchr_newline(available) {
                Some(i) => (&available[..i], true),
                None => (available, false),
            };
            match &mut digest {
                Some(digest) => {
                    digest.update(chunk);
                    fill_head(line, chunk);
                }
                None if line.len() + chunk.len() <= keep => line.extend_from_slice(chunk),
                None => {
                    let mut started = StreamDigest::default();
                    started.update(line);
                    started.update(chunk);
                    line.truncate(HEAD_BYTES);
                    line.shrink_to(HEAD_BYTES);
                    fill_head(line, chunk);
                    digest = Some(started);
                }
            }
            len_bytes += chunk.len() as u64;
            let consumed = chunk.len() + usize::from(found_newline);
            self.reader.consume(consumed);
            if found_newline {
                return Ok(Some(self.finish(line, len_bytes, digest, true)));
            }
        }
    }

    fn finish(
        &self,
        line: &mut Vec<u8>,
        mut len_bytes: u64,
        digest: Option<StreamDigest>,
        at_newline: bool,
    ) -> ReadRecord {
        if let Some(digest) = digest {
            let (sha256, dropped_cr) = digest.finish(at_newline);
            let len_bytes = len_bytes - u64::from(dropped_cr);
            // The head of a short record may have taken the `\r` of its `\r\n`.
            line.truncate(usize::try_from(len_bytes).unwrap_or(usize::MAX));
            return ReadRecord {
                len_bytes,
                oversized_sha256: Some(sha256),
            };
        }
        if at_newline && line.last() == Some(&b'\r') {
            line.pop();
            len_bytes -= 1;
        }
        if len_bytes > self.max_bytes {
            let sha256 = Sha256::digest(&line[..]).into();
            line.truncate(HEAD_BYTES);
            line.shrink_to(HEAD_BYTES);
            return ReadRecord {
                len_bytes,
                oversized_sha256: Some(sha256),
            };
        }
        shrink_if_wasteful(line);
        ReadRecord {
            len_bytes,
            oversized_sha256: None,
        }
    }
}

/// Appends to a record's head what it still lacks of [`HEAD_BYTES`].
fn fill_head(head: &mut Vec<u8>, bytes: &[u8]) {
    let missing = HEAD_BYTES.saturating_sub(head.len());
    head.extend_from_slice(&bytes[..missing.min(bytes.len())]);
}

/// A buffer grown by doubling can hold up to twice its bytes; a large record
/// stays in memory for its whole trip through the pipeline, so the excess
/// is given back.
fn shrink_if_wasteful(bytes: &mut Vec<u8>) {
    if bytes.capacity() > (1 << 20) && bytes.capacity() > bytes.len() + bytes.len() / 8 {
        bytes.shrink_to_fit();
    }
}

/// SHA-256 over a line that streams past in chunks, holding back a final
/// `\r` until it is known whether a `\n` follows (then it is part of the
/// terminator, not of the record).
#[derive(Default)]
struct StreamDigest {
    hasher: Sha256,
    pending_cr: bool,
}

impl StreamDigest {
    fn update(&mut self, bytes: &[u8]) {
        let Some((&last, rest)) = bytes.split_last() else {
            return;
        };
        if std::mem::take(&mut self.pending_cr) {
            self.hasher.update(b"\r");
        }
        if last == b'\r' {
            self.hasher.update(rest);
            self.pending_cr = true;
        } else {
            self.hasher.update(bytes);
        }
    }

    /// The hash, and whether a held-back `\r` was dropped as part of a `\r\n`.
    fn finish(mut self, at_newline: bool) -> ([u8; 32], bool) {
        let dropped_cr = self.pending_cr && at_newline;
        if self.pending_cr && !at_newline {
            self.hasher.update(b"\r");
        }
        (self.hasher.finalize().into(), dropped_cr)
    }
}

/// Buffered readers that can tell how much they hold.
pub trait BufferedRead: BufRead {
    /// Bytes buffered and not yet consumed.
    fn buffered_len(&self) -> usize;
}

impl<R: Read> BufferedRead for BufReader<R> {
    fn buffered_len(&self) -> usize {
        self.buffer().len()
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    // Eight bytes at a time: the reader thread does little else, and with
    // as many workers as cores its time is taken from them.
    let mut at = 0;
    while let Some(block) = ascii::block_at(bytes, at) {
        if let Some(lane) = ascii::first_lane_equal(block, b'\n') {
            return Some(at + lane);
        }
        at += 8;
    }
    bytes[at..].iter().position(|&b| b == b'\n').map(|i| at + i)
}

/// Whether a JSON Lines line holds no record: only whitespace (Unicode
/// whitespace included) and byte order marks.
pub fn is_blank_line(bytes: &[u8]) -> bool {
    let Some(first) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
        return true;
    };
    // A record starts with an ASCII character; only the rare line that
    // starts with other whitespace is decoded, a little at a time, so that a
    // long record is never validated twice.
    let mut rest = &bytes[first..];
    while !rest.is_empty() {
        let window = &rest[..rest.len().min(64)];
        let valid = match std::str::from_utf8(window) {
            Ok(valid) => valid,
            Err(e) if e.valid_up_to() > 0 => {
                std::str::from_utf8(&window[..e.valid_up_to()]).expect("valid up to here")
            }
            Err(_) => return false,
        };
        if !valid.chars().all(|c| c.is_whitespace() || c == '\u{FEFF}') {
            return false;
        }
        rest = &rest[valid.len()..];
    }
    true
}

/// Reads a whole plain-text input into `bytes` (cleared first), keeping all
/// of it when it has at most `max_bytes` bytes, else only its first
/// [`HEAD_BYTES`] bytes with its hash. `size_hint_bytes` (the file's size,
/// when known) lets the buffer be allocated once.
pub fn read_document(
    reader: &mut dyn Read,
    max_bytes: u64,
    size_hint_bytes: Option<u64>,
    bytes: &mut Vec<u8>,
) -> io::Result<ReadRecord> {
    bytes.clear();
    let keep = max_bytes.saturating_add(1);
    if let Some(hint) = size_hint_bytes {
        bytes.reserve(usize::try_from(hint.min(keep)).unwrap_or(0));
    }
    let kept = reader.take(keep).read_to_end(bytes)? as u64;
    if kept <= max_bytes {
        shrink_if_wasteful(bytes);
        return Ok(ReadRecord {
            len_bytes: kept,
            oversized_sha256: None,
        });
    }
    let mut hasher = Sha256::new();
    hasher.update(&bytes[..]);
    bytes.truncate(HEAD_BYTES);
    bytes.shrink_to(HEAD_BYTES);
    // A limit below the head's size leaves the head to fill from the rest.
    let mut more = Vec::new();
    let filled = reader
        .take(HEAD_BYTES.saturating_sub(bytes.len()) as u64)
        .read_to_end(&mut more)? as u64;
    hasher.update(&more);
    bytes.extend_from_slice(&more);
    let rest = io::copy(reader, &mut HashingSink(&mut hasher))?;
    Ok(ReadRecord {
        len_bytes: kept + filled + rest,
        oversized_sha256: Some(hasher.finalize().into()),
    })
}

struct HashingSink<'a>(&'a mut Sha256);

impl io::Write for HashingSink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newlines_are_found_at_any_position() {
        for len in 0..20 {
            for newline in 0..len {
                let mut bytes = vec![0xE4u8; len];
                bytes[newline] = b'\n';
                if newline + 1 < len {
                    bytes[len - 1] = b'\n';
                }
                // Bytes just around the newline's value must not count.
                if newline > 0 {
                    bytes[newline - 1] = b'\x0B';
                }
                assert_eq!(memchr_newline(&bytes), Some(newline), "{bytes:?}");
            }
            assert_eq!(memchr_newline(&vec![b'\t'; len]), None);
        }
    }

    proptest::proptest! {
        #[test]
        fn newline_search_agrees_with_a_byte_loop(
            bytes in proptest::collection::vec(proptest::sample::select(vec![0x0Au8, 0x0B, 0x09, 0x8A, 0xE4, 0x00, 0xFF]), 0..40)
        ) {
            proptest::prop_assert_eq!(memchr_newline(&bytes), bytes.iter().position(|&b| b == b'\n'));
        }

        /// Whatever the buffer size and the limit, each line comes out with
        /// its length, whole when it fits, else as its head and the hash of
        /// all its bytes (the `\r` of a `\r\n` never counted).
        #[test]
        fn lines_are_whole_or_head_and_hash(
            lines in proptest::collection::vec(proptest::collection::vec(proptest::sample::select(vec![b'a', b'\r', b'x']), 0..40), 1..6),
            crlf in proptest::prelude::any::<bool>(),
            capacity in 1usize..16,
            max_bytes in 1u64..30,
        ) {
            let terminator: &[u8] = if crlf { b"\r\n" } else { b"\n" };
            let input: Vec<u8> = lines.iter().flat_map(|l| l.iter().chain(terminator).copied()).collect();
            let mut reader = LineReader::new(BufReader::with_capacity(capacity, &input[..]), max_bytes);
            let mut line = Vec::new();
            for expected in &lines {
                let mut expected = expected.clone();
                if crlf {
                    // A line's own final `\r` before `\r\n` stays data.
                } else if expected.last() == Some(&b'\r') {
                    expected.pop();
                }
                let read = reader.next_line(&mut line).unwrap().unwrap();
                proptest::prop_assert_eq!(read.len_bytes, expected.len() as u64);
                if expected.len() as u64 <= max_bytes {
                    proptest::prop_assert_eq!(&line, &expected);
                    proptest::prop_assert_eq!(read.oversized_sha256, None);
                } else {
                    proptest::prop_assert_eq!(&line[..], &expected[..HEAD_BYTES.min(expected.len())]);
                    let sha: [u8; 32] = Sha256::digest(&expected).into();
                    proptest::prop_assert_eq!(read.oversized_sha256, Some(sha));
                }
            }
            proptest::prop_assert_eq!(reader.next_line(&mut line).unwrap(), None);
        }
    }

    #[test]
    fn blank_lines_are_whitespace_of_any_kind() {
        let ideographic = "\u{3000}".repeat(100);
        for blank in ["", " \t\r", "\u{3000}\u{FEFF} ", ideographic.as_str()] {
            assert!(is_blank_line(blank.as_bytes()), "{blank:?}");
        }
        let late_text = format!("{ideographic}x");
        for line in ["{\"text\": \"\"}", " \u{3000}月", late_text.as_str()] {
            assert!(!is_blank_line(line.as_bytes()), "{line:?}");
        }
        assert!(!is_blank_line(b" \xff"));
        let mut late_invalid = ideographic.into_bytes();
        late_invalid.push(0xE3);
        assert!(!is_blank_line(&late_invalid));
    }

    #[test]
    fn long_lines_keep_their_head_length_and_hash() {
        let input = b"short\r\nabcdefghij\nlast";
        let mut reader = LineReader::new(BufReader::with_capacity(4, &input[..]), 6);
        let mut line = Vec::new();
        let read = reader.next_line(&mut line).unwrap().unwrap();
        assert_eq!(
            (read.len_bytes, read.oversized_sha256, &line[..]),
            (5, None, &b"short"[..])
        );
        let read = reader.next_line(&mut line).unwrap().unwrap();
        assert_eq!(read.len_bytes, 10);
        assert_eq!(line, b"abcdefghij", "the head is kept (up to HEAD_BYTES)");
        assert_eq!(
            read.oversized_sha256,
            Some(Sha256::digest(b"abcdefghij").into())
        );
        let read = reader.next_line(&mut line).unwrap().unwrap();
        assert_eq!((read.len_bytes, &line[..]), (4, &b"last"[..]));
        assert_eq!(reader.next_line(&mut line).unwrap(), None);
    }

    #[test]
    fn a_huge_line_keeps_only_its_head() {
        let mut input = vec![b'y'; 3 * HEAD_BYTES];
        input.push(b'\n');
        let mut reader = LineReader::new(BufReader::with_capacity(100, &input[..]), 10);
        let mut line = Vec::new();
        let read = reader.next_line(&mut line).unwrap().unwrap();
        assert_eq!(line.len(), HEAD_BYTES);
        assert!(line.capacity() < 2 * HEAD_BYTES);
        assert_eq!(read.len_bytes, 3 * HEAD_BYTES as u64);
    }

    #[test]
    fn documents_are_read_whole_or_as_head_and_hash() {
        let mut bytes = Vec::new();
        let mut input: &[u8] = b"0123";
        let read = read_document(&mut input, 4, Some(4), &mut bytes).unwrap();
        assert_eq!((bytes.as_slice(), read.len_bytes), (&b"0123"[..], 4));
        assert_eq!(read.oversized_sha256, None);
        let mut input: &[u8] = b"0123456789";
        let read = read_document(&mut input, 4, None, &mut bytes).unwrap();
        assert_eq!((bytes.as_slice(), read.len_bytes), (&b"0123456789"[..], 10));
        assert_eq!(
            read.oversized_sha256,
            Some(Sha256::digest(b"0123456789").into())
        );
    }
}
