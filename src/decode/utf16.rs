//! UTF-16 input streams, transcoded to UTF-8 before they are cut into
//! lines: in UTF-16 a byte 0x0A is half of many characters (U+0A00 to
//! U+0AFF, U+xx0A), so splitting first would invent and break records.
//!
//! A stream is UTF-16 when it starts with a UTF-16 byte order mark, or,
//! without one, when its first [`SNIFF_UNITS`] code units (or all of them,
//! if it is shorter, but at least two) are ASCII characters other than NUL
//! with their zero byte on the same side: `{\0"\0` is UTF-16LE, `\0{\0"`
//! UTF-16BE. UTF-8 text never has those zero bytes, and a record of JSON
//! Lines starts with ASCII (`{`), so the pattern is unambiguous there;
//! BOM-less UTF-16 text that starts with other characters is not recognized.

use std::io::{self, Cursor, Read};

use encoding_rs::Encoding;

/// How many leading UTF-16 code units must show the zero-byte pattern.
pub const SNIFF_UNITS: usize = 4;

/// A stream, transcoded to UTF-8 when it is UTF-16, and the encoding it
/// was transcoded from.
pub type Transcoded = (Box<dyn Read + Send>, Option<&'static Encoding>);

/// Looks at the start of `reader` and, when it is UTF-16 (see the module
/// docs), wraps it in a transcoder to UTF-8 (byte order mark removed,
/// invalid code units replaced by U+FFFD).
pub fn transcode_utf16(mut reader: Box<dyn Read + Send>) -> io::Result<Transcoded> {
    let mut start = Vec::with_capacity(2 * SNIFF_UNITS);
    (&mut reader)
        .take(2 * SNIFF_UNITS as u64)
        .read_to_end(&mut start)?;
    let encoding = sniff(&start);
    let reader: Box<dyn Read + Send> = Box::new(Cursor::new(start).chain(reader));
    Ok(match encoding {
        None => (reader, None),
        Some(encoding) => (
            Box::new(
                encoding_rs_io::DecodeReaderBytesBuilder::new()
                    .encoding(Some(encoding))
                    .strip_bom(true)
                    .build(reader),
            ),
            Some(encoding),
        ),
    })
}

/// The UTF-16 encoding the stream starting with `start` is in, if any.
pub fn sniff(start: &[u8]) -> Option<&'static Encoding> {
    match start {
        [0xFF, 0xFE, ..] => return Some(encoding_rs::UTF_16LE),
        [0xFE, 0xFF, ..] => return Some(encoding_rs::UTF_16BE),
        _ => {}
    }
    let units: Vec<[u8; 2]> = start
        .chunks_exact(2)
        .take(SNIFF_UNITS)
        .map(|pair| [pair[0], pair[1]])
        .collect();
    if units.len() < 2 {
        return None;
    }
    let ascii = |byte: u8| byte != 0 && byte.is_ascii();
    if units.iter().all(|&[low, high]| ascii(low) && high == 0) {
        Some(encoding_rs::UTF_16LE)
    } else if units.iter().all(|&[high, low]| high == 0 && ascii(low)) {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, little_endian: bool, bom: bool) -> Vec<u8> {
        let mut bytes = Vec::new();
        let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
        for unit in units {
            bytes.extend_from_slice(&if little_endian {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        bytes
    }

    fn transcoded(bytes: Vec<u8>) -> (String, Option<&'static str>) {
        let (mut reader, encoding) = transcode_utf16(Box::new(Cursor::new(bytes))).unwrap();
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        (text, encoding.map(|e| e.name()))
    }

    #[test]
    fn utf16_with_or_without_a_bom_is_transcoded() {
        // U+0A0A holds the byte 0x0A twice.
        let text = "{\"text\":\"\u{0A0A}ਊ 月\"}\n{\"text\":\"b\"}\n";
        for (little_endian, name) in [(true, "UTF-16LE"), (false, "UTF-16BE")] {
            for bom in [true, false] {
                let bytes = utf16(text, little_endian, bom);
                assert_eq!(transcoded(bytes), (text.to_string(), Some(name)));
            }
        }
    }

    #[test]
    fn utf8_and_short_inputs_pass_through() {
        for text in ["{\"text\":\"x\"}\n", "", "a", "\u{FEFF}{}", "月之暗面"] {
            assert_eq!(
                transcoded(text.as_bytes().to_vec()),
                (text.to_string(), None)
            );
        }
        // Binary with NUL bytes but not in the pattern.
        assert_eq!(sniff(b"\x00\x00\x00\x01"), None);
        assert_eq!(sniff(b"a\x00\x00b"), None);
    }
}
