//! Stage 0: finding input files and turning bytes into records of text.
//!
//! Inputs are files, folders (walked recursively, hidden entries skipped, in
//! sorted order so runs are reproducible) or standard input. `.jsonl` and
//! `.ndjson` files and standard input hold one JSON record per line; any other
//! file is one plain-text document. Any of them may be compressed with gzip
//! (`.gz`) or zstd (`.zst`).
//!
//! Text that is not valid UTF-8 is decoded with the encoding chardetng guesses
//! (GB18030, Big5, Shift_JIS, windows-1252, ...), and the record says which.
//! Lines and files larger than the byte limit are never held in memory whole:
//! the excess is skipped and the record becomes a reject.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::{Error, Result, ascii};

/// How a file's records are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One JSON object per line.
    JsonLines,
    /// The whole file is one document.
    PlainText,
}

/// How a file is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Not compressed.
    None,
    /// gzip (`.gz`), including concatenated members.
    Gzip,
    /// zstd (`.zst`).
    Zstd,
}

/// One input: a file or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// The file, or `None` for standard input.
    pub path: Option<PathBuf>,
    /// The name used in records and messages (`-` for standard input).
    pub name: Arc<str>,
    /// How its records are laid out.
    pub layout: Layout,
    /// How it is compressed.
    pub compression: Compression,
}

impl InputFile {
    /// Standard input, read as JSON Lines.
    pub fn stdin() -> InputFile {
        InputFile {
            path: None,
            name: Arc::from("-"),
            layout: Layout::JsonLines,
            compression: Compression::None,
        }
    }

    /// A file, with layout and compression taken from its name
    /// (`a.jsonl.gz` is gzip-compressed JSON Lines).
    pub fn from_path(path: &Path) -> InputFile {
        let name = path.to_string_lossy();
        let (compression, inner) = if let Some(inner) = name.strip_suffix(".gz") {
            (Compression::Gzip, inner)
        } else if let Some(inner) = name.strip_suffix(".zst") {
            (Compression::Zstd, inner)
        } else {
            (Compression::None, name.as_ref())
        };
        let layout = if inner.ends_with(".jsonl") || inner.ends_with(".ndjson") {
            Layout::JsonLines
        } else {
            Layout::PlainText
        };
        InputFile {
            path: Some(path.to_path_buf()),
            name: Arc::from(name.as_ref()),
            layout,
            compression,
        }
    }

    /// The size on disk, when known (for progress).
    pub fn size(&self) -> Option<u64> {
        self.path
            .as_ref()
            .and_then(|p| p.metadata().ok())
            .map(|m| m.len())
    }

    /// Opens the input, decompressing as needed.
    pub fn open(&self) -> io::Result<Box<dyn Read + Send>> {
        let raw: Box<dyn Read + Send> = match &self.path {
            None => Box::new(io::stdin()),
            Some(path) => Box::new(File::open(path)?),
        };
        Ok(match self.compression {
            Compression::None => raw,
            Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(raw))),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(raw)?),
        })
    }
}

/// Expands command-line arguments into input files: `-` is standard input,
/// folders are walked recursively in sorted order, skipping hidden entries.
/// No arguments means standard input. `layout` overrides the layout the
/// names suggest (Spark's `part-00000` shards have no extension).
pub fn expand_inputs(arguments: &[PathBuf], layout: Option<Layout>) -> Result<Vec<InputFile>> {
    let mut files = expand_paths(arguments)?;
    if let Some(layout) = layout {
        for file in &mut files {
            file.layout = layout;
        }
    }
    Ok(files)
}

fn expand_paths(arguments: &[PathBuf]) -> Result<Vec<InputFile>> {
    if arguments.is_empty() {
        return Ok(vec![InputFile::stdin()]);
    }
    let mut files = Vec::new();
    for argument in arguments {
        if argument.as_os_str() == "-" {
            files.push(InputFile::stdin());
            continue;
        }
        let metadata = std::fs::metadata(argument).map_err(|source| Error::Io {
            path: argument.clone(),
            cause: source,
        })?;
        if metadata.is_dir() {
            walk(argument, &mut files)?;
        } else {
            files.push(InputFile::from_path(argument));
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<InputFile>) -> Result<()> {
    let io_error = |source| Error::Io {
        path: dir.to_path_buf(),
        cause: source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io_error)?
        .collect::<io::Result<Vec<_>>>()
        .map_err(io_error)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let file_type = entry.file_type().map_err(io_error)?;
        if file_type.is_dir() {
            walk(&path, files)?;
        } else if file_type.is_file() || (file_type.is_symlink() && path.is_file()) {
            files.push(InputFile::from_path(&path));
        }
    }
    Ok(())
}

/// One record's bytes as read, before decoding.
#[derive(Debug, Clone)]
pub struct RawRecord {
    /// The input it came from.
    pub file: Arc<str>,
    /// 1-based line number (1 for a plain-text document).
    pub line: u64,
    /// How to read the bytes.
    pub layout: Layout,
    /// The bytes, without the line terminator; only a prefix when `oversized`.
    pub bytes: Vec<u8>,
    /// The full size in bytes when it exceeded the limit.
    pub oversized: Option<u64>,
}

/// Reads lines of at most `max_bytes` bytes; longer lines are cut at the limit
/// and the rest is skipped, with their full length reported.
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

    /// Reads the next line into `line` (cleared first, terminator removed).
    /// Returns `None` at end of input, else the line's full length in bytes.
    pub fn next_line(&mut self, line: &mut Vec<u8>) -> io::Result<Option<u64>> {
        line.clear();
        let mut total: u64 = 0;
        let mut saw_any = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok(saw_any.then_some(total));
            }
            saw_any = true;
            let (chunk, found_newline) = match memchr_newline(available) {
                Some(i) => (&available[..i], true),
                None => (available, false),
            };
            let room = self.max_bytes.saturating_sub(line.len() as u64) as usize;
            line.extend_from_slice(&chunk[..chunk.len().min(room)]);
            total += chunk.len() as u64;
            let consumed = chunk.len() + usize::from(found_newline);
            self.reader.consume(consumed);
            if found_newline {
                if line.last() == Some(&b'\r') && total <= self.max_bytes {
                    line.pop();
                    total -= 1;
                }
                return Ok(Some(total));
            }
        }
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

/// Reads a whole plain-text input, keeping at most `max_bytes` bytes.
/// Returns the bytes and the full size.
pub fn read_document(reader: &mut dyn Read, max_bytes: u64) -> io::Result<(Vec<u8>, u64)> {
    let mut bytes = Vec::new();
    let kept = reader.take(max_bytes).read_to_end(&mut bytes)? as u64;
    let rest = io::copy(reader, &mut io::sink())?;
    Ok((bytes, kept + rest))
}

/// Text decoded from bytes, and the encoding used when it was not UTF-8.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text.
    pub text: Cow<'a, str>,
    /// The encoding's name (`GBK`, `Big5`, `windows-1252`, ...) when the bytes
    /// were not UTF-8.
    pub encoding: Option<&'static str>,
}

/// Decodes `bytes`: UTF-8 (a byte order mark is dropped), UTF-16 with a byte
/// order mark, or else the encoding chardetng guesses.
pub fn decode_text(bytes: &[u8]) -> Decoded<'_> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(text),
            encoding: None,
        };
    }
    if mostly_utf8(bytes) {
        // A few broken bytes in otherwise UTF-8 text (a cut multi-byte
        // character, one stray Latin-1 byte) are replaced rather than taken
        // as evidence that the whole record is in another encoding.
        return Decoded {
            text: Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
            encoding: Some("UTF-8 (invalid bytes replaced)"),
        };
    }
    let encoding = if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        encoding
    } else {
        let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
        detector.feed(bytes, true);
        let guess = detector.guess(None, chardetng::Utf8Detection::Deny);
        // A few stray high bytes in ASCII text (English news with a £ as 0xA3)
        // are too little evidence to pick among single-byte encodings:
        // windows-1252 is by far the most common source of them.
        let high = bytes.iter().filter(|b| !b.is_ascii()).count();
        if high * 20 < bytes.len() && !is_multibyte(guess) {
            encoding_rs::WINDOWS_1252
        } else {
            guess
        }
    };
    let (text, _, _) = encoding.decode(bytes);
    Decoded {
        text: Cow::Owned(text.into_owned()),
        encoding: Some(encoding.name()),
    }
}

/// Whether `bytes` (not valid UTF-8) hold more valid multi-byte UTF-8
/// characters than invalid bytes.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut valid_multibyte = 0usize;
    let mut invalid = 0usize;
    for chunk in bytes.utf8_chunks() {
        valid_multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += chunk.invalid().len();
    }
    valid_multibyte > invalid
}

fn is_multibyte(encoding: &'static encoding_rs::Encoding) -> bool {
    [
        encoding_rs::GBK,
        encoding_rs::GB18030,
        encoding_rs::BIG5,
        encoding_rs::SHIFT_JIS,
        encoding_rs::EUC_JP,
        encoding_rs::EUC_KR,
        encoding_rs::UTF_16LE,
        encoding_rs::UTF_16BE,
    ]
    .contains(&encoding)
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
    fn layout_and_compression_come_from_the_name() {
        let f = InputFile::from_path(Path::new("a/b.jsonl.gz"));
        assert_eq!(
            (f.layout, f.compression),
            (Layout::JsonLines, Compression::Gzip)
        );
        let f = InputFile::from_path(Path::new("b.ndjson"));
        assert_eq!(
            (f.layout, f.compression),
            (Layout::JsonLines, Compression::None)
        );
        let f = InputFile::from_path(Path::new("b.txt.zst"));
        assert_eq!(
            (f.layout, f.compression),
            (Layout::PlainText, Compression::Zstd)
        );
    }

    #[test]
    fn long_lines_are_cut_but_counted() {
        let input = b"short\r\nabcdefghij\nlast";
        let mut reader = LineReader::new(BufReader::with_capacity(4, &input[..]), 6);
        let mut line = Vec::new();
        assert_eq!(reader.next_line(&mut line).unwrap(), Some(5));
        assert_eq!(line, b"short");
        assert_eq!(reader.next_line(&mut line).unwrap(), Some(10));
        assert_eq!(line, b"abcdef");
        assert_eq!(reader.next_line(&mut line).unwrap(), Some(4));
        assert_eq!(line, b"last");
        assert_eq!(reader.next_line(&mut line).unwrap(), None);
    }

    #[test]
    fn documents_are_read_up_to_the_limit() {
        let mut input: &[u8] = b"0123456789";
        let (bytes, size) = read_document(&mut input, 4).unwrap();
        assert_eq!((bytes.as_slice(), size), (&b"0123"[..], 10));
    }

    #[test]
    fn legacy_encodings_are_detected() {
        let (gbk, _, _) = encoding_rs::GBK.encode("月之暗面发布了新的大模型,引起广泛关注。");
        let decoded = decode_text(&gbk);
        assert_eq!(decoded.text, "月之暗面发布了新的大模型,引起广泛关注。");
        assert_eq!(decoded.encoding, Some("GBK"));
        let decoded = decode_text(b"Profits rose to \xA3600m");
        assert_eq!(decoded.text, "Profits rose to £600m");
        assert_eq!(decoded.encoding, Some("windows-1252"));
        let mut mixed = "中文".as_bytes().to_vec();
        mixed.push(0x80);
        let decoded = decode_text(&mixed);
        assert_eq!(decoded.text, "中文\u{FFFD}");
        assert_eq!(decoded.encoding, Some("UTF-8 (invalid bytes replaced)"));
        let decoded = decode_text("\u{FEFF}plain".as_bytes());
        assert_eq!((decoded.text.as_ref(), decoded.encoding), ("plain", None));
    }
}
