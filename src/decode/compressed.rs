//! Compressed streams read one after another, the way `gzip -d` and
//! `bzip2 -d` read a file: every member (gzip) or stream (bzip2) in turn,
//! then zero bytes after the last one ignored.
//!
//! Files written to tape or through tools that round sizes up to a block
//! (tar, some archive copies) end in zero padding; `gzip -d` skips it
//! without a word. flate2's and bzip2's multi-member readers take the
//! padding for the start of another member and fail on its header, which
//! canon reported as a rejected record that did not exist. Here the
//! padding ends the stream cleanly, and anything else after the last
//! member (bytes that are neither a member nor zeros) is an error that
//! says so, which the caller turns into a reject as it does any read error
//! (`gzip -d` too reports "trailing garbage").

use std::io::{self, BufRead, Read};

/// A format whose members follow one another in one file.
pub(crate) trait MemberFormat {
    /// The single-member decoder over a buffered reader.
    type Decoder<R: BufRead>: Read;
    /// The format's name in messages.
    const NAME: &'static str;
    /// The bytes every member starts with.
    const MAGIC: &'static [u8];
    /// A decoder for the member that starts at the reader's position.
    fn decoder<R: BufRead>(reader: R) -> Self::Decoder<R>;
    /// The reader back, positioned just after the member's last byte.
    fn into_inner<R: BufRead>(decoder: Self::Decoder<R>) -> R;
}

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

/// Where the reader is between and inside members.
enum State<F: MemberFormat, R: BufRead> {
    /// Inside a member.
    Member(F::Decoder<R>),
    /// After a member (or at the start): the next bytes decide.
    Between(R),
    /// The end: the input is used up, or an error was returned.
    Done,
}

/// The decompressed bytes of every member of a file in turn; zero padding
/// after the last member is skipped, other trailing bytes are an
/// [`io::ErrorKind::InvalidData`] error naming the format.
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
        Members {
            state: State::Between(reader),
            seen_member: false,
        }
    }

    /// What follows a member: another member, padding, garbage or the end.
    /// Returns whether a new member starts.
    fn next_member(&mut self) -> io::Result<bool> {
        let State::Between(reader) = &mut self.state else {
            return Ok(false);
        };
        let head = reader.fill_buf()?;
        if head.is_empty() {
            self.state = State::Done;
            if self.seen_member {
                return Ok(false);
            }
            // `gzip -d` fails on an empty file too: it is most often one
            // whose writer died before the first member.
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("empty file: no {} member", F::NAME),
            ));
        }
        if starts_like(head, F::MAGIC) {
            let State::Between(reader) = std::mem::replace(&mut self.state, State::Done) else {
                unreachable!("matched above");
            };
            self.state = State::Member(F::decoder(reader));
            self.seen_member = true;
            return Ok(true);
        }
        let message = if !self.seen_member {
            format!(
                "not {} data (its first bytes are not a {} header)",
                F::NAME,
                F::NAME
            )
        } else if head[0] == 0 {
            match skip_zeros(reader)? {
                None => {
                    self.state = State::Done;
                    return Ok(false);
                }
                Some(zeros) => format!(
                    "{zeros} zero bytes after the last {} member are followed by other data \
                     (trailing garbage)",
                    F::NAME
                ),
            }
        } else {
            format!(
                "data after the last {} member is not {} (trailing garbage)",
                F::NAME,
                F::NAME
            )
        };
        self.state = State::Done;
        Err(io::Error::new(io::ErrorKind::InvalidData, message))
    }
}

/// Whether `head` can be the start of a member: its first bytes agree with
/// `magic` as far as they go (a buffer may end inside the magic).
fn starts_like(head: &[u8], magic: &[u8]) -> bool {
    let n = head.len().min(magic.len());
    head[..n] == magic[..n]
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
