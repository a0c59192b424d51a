//! Compressed streams read one after another, the way `gzip -d` and
//! `bzip2 -d` read a file: every member (gzip) or stream (bzip2) in turn,
//! zero bytes between and after them skipped.
//!
//! Files written to tape or through tools that round sizes up to a block
//! (tar, some archive copies) end in zero padding; `gzip -d` skips it
//! without a word. flate2's and bzip2's multi-member readers take the
//! padding for the start of another member and fail on its header, which
//! canon reported as a rejected record that did not exist. Here the
//! padding is skipped.
//!
//! A member after zero padding (padded files joined with `cat`) is read.
//! `gzip -d` stops at the padding and drops what follows with a warning
//! ("decompression OK, trailing garbage ignored"), but canon loses no
//! record it can read, and reading on is safe: what follows the padding
//! is a member only if it starts with the format's magic bytes, and is
//! then decoded and checked (header, checksums) like the first member, a
//! damaged one failing as any damaged member does.
//!
//! Anything else after the last member (bytes that are neither a member
//! nor zeros, the padding included when they follow it, or the first bytes
//! of a magic cut short by the end of the file) is a [`TrailingGarbage`]
//! error that says so, which the caller turns into a reject as it does any
//! read error (`gzip -d` too reports "trailing garbage"). Everything before
//! it was read whole, every member checked, so a caller may keep it:
//! [`EndAtTrailingGarbage`] ends the stream there and keeps the error for
//! the caller to report after the records.

use std::io::{self, BufRead, Read};
use std::sync::{Arc, Mutex, PoisonError};

use crate::plural::count;

/// A format whose members follow one another in one file.
pub(crate) trait MemberFormat {
    /// The single-member decoder over a buffered reader.
    type Decoder<R: BufRead>: Read;
    /// The format's name in messages.
    const NAME: &'static str;
    /// The bytes every member starts with (at most [`MAX_MAGIC`] of them).
    const MAGIC: &'static [u8];
    /// A decoder for the member that starts at the reader's position.
    fn decoder<R: BufRead>(reader: R) -> Self::Decoder<R>;
    /// The reader back, positioned just after the member's last byte.
    fn into_inner<R: BufRead>(decoder: Self::Decoder<R>) -> R;
}

/// The longest [`MemberFormat::MAGIC`].
const MAX_MAGIC: usize = 4;

/// gzip members (RFC 1952), decoded by flate2.
pub(crate) struct Gzip;

impl MemberFormat for Gzip {
    type Decoder<R: BufRead> = flate2::bufread::GzDecoder<R>;
    const NAME: &'static str = "gzip";
    const MAGIC: &'static [u8] = &[0x1f, 0x8b];
    fn decoder<R: BufRead>(reader: R) -> Self::Decoder<R> {
        flate2::bufread::GzDecoder::new(reader)
    }
    fn into_inner<R: BufRead>(decoder: Self::Decoder<R>) -> R {
        decoder.into_inner()
    }
}

/// bzip2 streams, decoded by the bzip2 crate (Wikipedia's and Wikidata's
/// dumps are many streams in one file).
pub(crate) struct Bzip2;

impl MemberFormat for Bzip2 {
    type Decoder<R: BufRead> = bzip2::bufread::BzDecoder<R>;
    const NAME: &'static str = "bzip2";
    const MAGIC: &'static [u8] = b"BZh";
    fn decoder<R: BufRead>(reader: R) -> Self::Decoder<R> {
        bzip2::bufread::BzDecoder::new(reader)
    }
    fn into_inner<R: BufRead>(decoder: Self::Decoder<R>) -> R {
        decoder.into_inner()
    }
}

/// Bytes after the last member that are not a member. Returned inside an
/// [`io::Error`] of kind [`io::ErrorKind::InvalidData`]; every byte before
/// them was decoded from members read whole, their checksums checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum TrailingGarbage {
    /// Right after a member, bytes that do not start another.
    #[error("data after the last {format} member is not {format} (trailing garbage)")]
    NotAMember {
        /// The format's name.
        format: &'static str,
    },
    /// Zero padding, then bytes that do not start a member.
    #[error(
        "{} after the last {format} member are followed by data that is not {format} (trailing garbage)",
        count(*zeros, "zero byte", "zero bytes")
    )]
    AfterPadding {
        /// The format's name.
        format: &'static str,
        /// How many zero bytes.
        zeros: u64,
    },
    /// The file ends inside a member's magic bytes: a lone 0x1f after a
    /// gzip member, `BZ` after a bzip2 stream. Too short to be a member,
    /// and no decoder's "unexpected end of file" says what it is.
    #[error("{}", cut_header(format, *zeros, *bytes))]
    CutHeader {
        /// The format's name.
        format: &'static str,
        /// Zero bytes of padding before them.
        zeros: u64,
        /// How many bytes of the magic there are.
        bytes: u64,
    },
}

/// The message of [`TrailingGarbage::CutHeader`].
fn cut_header(format: &str, zeros: u64, bytes: u64) -> String {
    let cut = format!("the start of a {format} header");
    if zeros == 0 {
        let verb = if bytes == 1 { "is" } else { "are" };
        format!(
            "{} after the last {format} member {verb} {cut}, cut short by the end of the file (trailing garbage)",
            count(bytes, "byte", "bytes")
        )
    } else {
        format!(
            "{} after the last {format} member are followed by {}, {cut} cut short by the end of the file (trailing garbage)",
            count(zeros, "zero byte", "zero bytes"),
            count(bytes, "byte", "bytes")
        )
    }
}

impl TrailingGarbage {
    /// The trailing garbage `error` reports, if that is what it is.
    pub(crate) fn of(error: &io::Error) -> Option<&TrailingGarbage> {
        error.get_ref()?.downcast_ref()
    }

    fn into_io_error(self) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, self)
    }
}

/// A reader that can look at the next few bytes even where they straddle
/// the end of the inner reader's buffer: a member's magic split over two
/// reads must be told apart from a file that ends inside it, and
/// [`BufRead`] alone refills only an empty buffer.
struct Peekable<R> {
    /// Bytes taken out of `inner` to look at them, given out before its own.
    held: [u8; MAX_MAGIC],
    start: usize,
    end: usize,
    inner: R,
}

impl<R: BufRead> Peekable<R> {
    fn new(inner: R) -> Self {
        Peekable {
            held: [0; MAX_MAGIC],
            start: 0,
            end: 0,
            inner,
        }
    }

    /// The next `want` bytes (at most [`MAX_MAGIC`]), fewer only at the end
    /// of the input; they stay unread.
    fn peek(&mut self, want: usize) -> io::Result<&[u8]> {
        debug_assert!(want <= MAX_MAGIC);
        if self.start == self.end && self.inner.fill_buf()?.len() >= want {
            return Ok(&self.inner.fill_buf()?[..want]);
        }
        self.held.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        while self.end < want {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                break;
            }
            let n = buf.len().min(want - self.end);
            self.held[self.end..self.end + n].copy_from_slice(&buf[..n]);
            self.inner.consume(n);
            self.end += n;
        }
        Ok(&self.held[..self.end.min(want)])
    }
}

impl<R: Read> Read for Peekable<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.start < self.end {
            let n = buf.len().min(self.end - self.start);
            buf[..n].copy_from_slice(&self.held[self.start..self.start + n]);
            self.start += n;
            return Ok(n);
        }
        self.inner.read(buf)
    }
}

impl<R: BufRead> BufRead for Peekable<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.start < self.end {
            return Ok(&self.held[self.start..self.end]);
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if self.start < self.end {
            // `fill_buf` gave out the held bytes alone.
            self.start += amount.min(self.end - self.start);
        } else {
            self.inner.consume(amount);
        }
    }
}

/// Where the reader is between and inside members.
enum State<F: MemberFormat, R: BufRead> {
    /// Inside a member.
    Member(F::Decoder<Peekable<R>>),
    /// After a member (or at the start): the next bytes decide.
    Between(Peekable<R>),
    /// The end: the input is used up, or an error was returned.
    Done,
}

/// The decompressed bytes of every member of a file in turn; zero padding
/// between and after members is skipped, other trailing bytes are a
/// [`TrailingGarbage`] error.
///
/// An empty input, or one whose first bytes are not a member, is an error
/// (it is not compressed in this format), as it is for `gzip -d`.
pub(crate) struct Members<F: MemberFormat, R: BufRead> {
    state: State<F, R>,
    /// Whether a member has been read: zeros or garbage before the first one
    /// mean the file is not in this format at all.
    seen_member: bool,
}

impl<F: MemberFormat, R: BufRead> Members<F, R> {
    /// Reads the members of `reader` from its current position.
    pub(crate) fn new(reader: R) -> Self {
        const { assert!(F::MAGIC.len() <= MAX_MAGIC) };
        Members {
            state: State::Between(Peekable::new(reader)),
            seen_member: false,
        }
    }

    /// What follows a member: another member, padding, garbage or the end.
    /// Returns whether a new member starts.
    fn next_member(&mut self) -> io::Result<bool> {
        let result = self.look_for_member();
        if !matches!(result, Ok(true)) {
            self.state = State::Done;
        }
        result
    }

    /// [`Self::next_member`]'s search: sets the state only when a member
    /// starts (the caller ends the stream otherwise); the padding it reads
    /// past is consumed either way.
    fn look_for_member(&mut self) -> io::Result<bool> {
        let State::Between(reader) = &mut self.state else {
            return Ok(false);
        };
        let magic = F::MAGIC;
        let mut zeros = 0u64;
        loop {
            let head = reader.peek(magic.len())?;
            if head == magic {
                let State::Between(reader) = std::mem::replace(&mut self.state, State::Done) else {
                    unreachable!("matched above");
                };
                self.state = State::Member(F::decoder(reader));
                self.seen_member = true;
                return Ok(true);
            }
            if !self.seen_member {
                // `gzip -d` fails on an empty file too: it is most often
                // one whose writer died before the first member.
                return Err(if head.is_empty() {
                    io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!("empty file: no {} member", F::NAME),
                    )
                } else {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "not {} data (its first bytes are not a {} header)",
                            F::NAME,
                            F::NAME
                        ),
                    )
                });
            }
            if head.is_empty() {
                return Ok(false);
            }
            if head[0] == 0 {
                match skip_zeros(reader)? {
                    None => return Ok(false),
                    // A member may follow: the next bytes decide.
                    Some(run) => zeros += run,
                }
                continue;
            }
            let format = F::NAME;
            // `head` is short only at the end of the input.
            let garbage = if head.len() < magic.len() && magic.starts_with(head) {
                TrailingGarbage::CutHeader {
                    format,
                    zeros,
                    bytes: head.len() as u64,
                }
            } else if zeros > 0 {
                TrailingGarbage::AfterPadding { format, zeros }
            } else {
                TrailingGarbage::NotAMember { format }
            };
            return Err(garbage.into_io_error());
        }
    }
}

/// Consumes zero bytes: `None` when they run to the end of the input, or
/// how many there were before another byte.
fn skip_zeros<R: BufRead>(reader: &mut R) -> io::Result<Option<u64>> {
    let mut zeros = 0u64;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(None);
        }
        let len = buf.len();
        let run = buf.iter().position(|&b| b != 0).unwrap_or(len);
        reader.consume(run);
        zeros += run as u64;
        if run < len {
            return Ok(Some(zeros));
        }
    }
}

impl<F: MemberFormat, R: BufRead> Read for Members<F, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match &mut self.state {
                State::Member(decoder) => {
                    let n = match decoder.read(buf) {
                        Ok(n) => n,
                        Err(e) => {
                            self.state = State::Done;
                            return Err(e);
                        }
                    };
                    if n > 0 {
                        return Ok(n);
                    }
                    let State::Member(decoder) = std::mem::replace(&mut self.state, State::Done)
                    else {
                        unreachable!("matched above");
                    };
                    self.state = State::Between(F::into_inner(decoder));
                }
                State::Between(_) => {
                    if !self.next_member()? {
                        return Ok(0);
                    }
                }
                State::Done => return Ok(0),
            }
        }
    }
}

/// Trailing garbage an [`EndAtTrailingGarbage`] reader met, if any,
/// shared with the reader (which may sit under others, a UTF-16
/// transcoder or a line splitter, that cannot hand it back).
#[derive(Debug, Clone, Default)]
pub(crate) struct TrailingGarbageMet(Arc<Mutex<Option<io::Error>>>);

impl TrailingGarbageMet {
    /// The error, once: the caller reports it after the records before it.
    pub(crate) fn take(&self) -> Option<io::Error> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// Reads `inner` to the start of trailing garbage and ends there, cleanly,
/// keeping the [`TrailingGarbage`] error in [`TrailingGarbageMet`]: what
/// came before it was read whole, so the records it holds (a last line
/// without its newline, a whole plain-text document) are kept rather than
/// cut by the error. Other errors pass through.
pub(crate) struct EndAtTrailingGarbage<R> {
    inner: R,
    met: TrailingGarbageMet,
}

impl<R: Read> EndAtTrailingGarbage<R> {
    /// `inner`, and where the garbage it meets will be.
    pub(crate) fn new(inner: R) -> (Self, TrailingGarbageMet) {
        let met = TrailingGarbageMet::default();
        let reader = EndAtTrailingGarbage {
            inner,
            met: met.clone(),
        };
        (reader, met)
    }
}

impl<R: Read> Read for EndAtTrailingGarbage<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Err(error) if TrailingGarbage::of(&error).is_some() => {
                *self.met.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(error);
                Ok(0)
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Write};

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn bzip2(data: &[u8]) -> Vec<u8> {
        let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    /// Reads through a small buffer, so that members, padding and magic
    /// bytes straddle buffer ends.
    fn read_all<F: MemberFormat>(file: &[u8], capacity: usize) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        Members::<F, _>::new(BufReader::with_capacity(capacity, file)).read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn members_are_read_in_turn_and_zero_padding_is_skipped() {
        for capacity in [1, 2, 3, 7, 64, 8192] {
            let mut file = gzip(b"one\n");
            file.extend(gzip(b"two\n"));
            assert_eq!(read_all::<Gzip>(&file, capacity).unwrap(), b"one\ntwo\n");
            file.extend([0u8; 512]);
            assert_eq!(read_all::<Gzip>(&file, capacity).unwrap(), b"one\ntwo\n");

            let mut file = bzip2(b"one\n");
            file.extend(bzip2(b"two\n"));
            file.extend([0u8; 100]);
            assert_eq!(read_all::<Bzip2>(&file, capacity).unwrap(), b"one\ntwo\n");
        }
    }

    #[test]
    fn empty_input_is_an_error() {
        let err = read_all::<Gzip>(b"", 16).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert!(err.to_string().contains("empty file"), "{err}");
    }

    #[test]
    fn trailing_garbage_is_an_error_after_the_data() {
        for capacity in [1, 5, 8192] {
            let mut file = gzip(b"one\n");
            file.extend(b"GARBAGE");
            let mut out = Vec::new();
            let mut reader = Members::<Gzip, _>::new(BufReader::with_capacity(capacity, &file[..]));
            let err = reader.read_to_end(&mut out).unwrap_err();
            assert_eq!(out, b"one\n", "the data before the garbage is kept");
            assert_eq!(err.kind(), io::ErrorKind::InvalidData);
            assert!(err.to_string().contains("trailing garbage"), "{err}");

            let mut file = bzip2(b"one\n");
            file.extend([0, 0, 0, 7]);
            let err = read_all::<Bzip2>(&file, capacity).unwrap_err();
            assert!(err.to_string().contains("3 zero bytes"), "{err}");
        }
    }

    #[test]
    fn members_after_zero_padding_are_read() {
        for capacity in [1, 2, 3, 7, 64, 8192] {
            let mut file = gzip(b"one\n");
            file.extend([0u8; 100]);
            file.extend(gzip(b"two\n"));
            file.extend([0u8; 3]);
            assert_eq!(read_all::<Gzip>(&file, capacity).unwrap(), b"one\ntwo\n");

            let mut file = bzip2(b"one\n");
            file.extend([0u8; 100]);
            file.extend(bzip2(b"two\n"));
            assert_eq!(read_all::<Bzip2>(&file, capacity).unwrap(), b"one\ntwo\n");
        }
    }

    /// The error of reading `file` to the end, and the data before it.
    fn read_to_error<F: MemberFormat>(file: &[u8], capacity: usize) -> (Vec<u8>, io::Error) {
        let mut out = Vec::new();
        let mut reader = Members::<F, _>::new(BufReader::with_capacity(capacity, file));
        let err = reader.read_to_end(&mut out).unwrap_err();
        (out, err)
    }

    #[test]
    fn a_magic_cut_short_by_the_end_of_the_file_says_so() {
        for capacity in [1, 2, 3, 7, 8192] {
            let (out, err) =
                read_to_error::<Gzip>(&[gzip(b"one\n"), vec![0x1f]].concat(), capacity);
            assert_eq!(out, b"one\n");
            assert_eq!(
                TrailingGarbage::of(&err),
                Some(&TrailingGarbage::CutHeader {
                    format: "gzip",
                    zeros: 0,
                    bytes: 1
                })
            );
            assert_eq!(
                err.to_string(),
                "1 byte after the last gzip member is the start of a gzip header, cut short by the end of the file (trailing garbage)"
            );
            let file = [bzip2(b"one\n"), vec![0; 5], b"BZ".to_vec()].concat();
            let (out, err) = read_to_error::<Bzip2>(&file, capacity);
            assert_eq!(out, b"one\n");
            assert_eq!(
                err.to_string(),
                "5 zero bytes after the last bzip2 member are followed by 2 bytes, the start of a bzip2 header cut short by the end of the file (trailing garbage)"
            );
            // A byte like the magic's first, followed by others, is garbage.
            let (_, err) =
                read_to_error::<Gzip>(&[gzip(b"one\n"), vec![0x1f, b'x']].concat(), capacity);
            assert_eq!(
                TrailingGarbage::of(&err),
                Some(&TrailingGarbage::NotAMember { format: "gzip" })
            );
        }
    }

    #[test]
    fn trailing_garbage_can_end_the_stream_and_wait_to_be_reported() {
        let file = [gzip(b"one\ntwo"), b"junk".to_vec()].concat();
        let (mut reader, met) =
            EndAtTrailingGarbage::new(Members::<Gzip, _>::new(BufReader::new(&file[..])));
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"one\ntwo", "the last line is whole");
        let err = met.take().expect("the garbage is kept");
        assert!(TrailingGarbage::of(&err).is_some(), "{err}");
        assert!(met.take().is_none(), "taken once");

        // Damage is no trailing garbage: it fails the read as before.
        let file = gzip(b"a line that is long enough to be cut\n");
        let (mut reader, met) = EndAtTrailingGarbage::new(Members::<Gzip, _>::new(BufReader::new(
            &file[..file.len() - 6],
        )));
        let err = reader.read_to_end(&mut Vec::new()).unwrap_err();
        assert!(TrailingGarbage::of(&err).is_none(), "{err}");
        assert!(met.take().is_none());
    }

    #[test]
    fn a_file_that_does_not_start_with_a_member_is_not_this_format() {
        for file in [&b"plain text\n"[..], &[0u8; 10][..]] {
            let err = read_all::<Gzip>(file, 8192).unwrap_err();
            assert!(err.to_string().contains("not gzip data"), "{err}");
        }
    }

    #[test]
    fn a_cut_member_is_an_error() {
        let file = gzip(b"a line that is long enough to be cut\n");
        let err = read_all::<Gzip>(&file[..file.len() - 6], 8192).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "{err}");
    }
}
