//! Telling binary data from text, so that a random-bytes file is rejected
//! instead of becoming a document in whatever language its noise resembles.
//!
//! A text is binary when at least [`BINARY_MIN_CHARS`] of its characters,
//! and more than [`BINARY_SHARE_PERCENT`] % of its characters other than
//! whitespace, are suspicious: control characters other than whitespace
//! (C0, DEL, C1), private-use characters, unassigned code points
//! (noncharacters included) or U+FFFD, the replacement character that
//! decoding leaves for bytes no encoding could read. Real text, even
//! damaged, stays far below the share (random bytes decoded as
//! windows-1252 have about 15 %); the count keeps a short record with a
//! stray control character or two from being called binary.

#[cfg(test)]
use super::char_classes::bmp_bits;
use super::char_classes::is_suspicious;
use crate::ascii;

/// The share of suspicious characters, in percent of the characters other
/// than whitespace, above which a text is binary.
pub const BINARY_SHARE_PERCENT: usize = 10;

/// The fewest suspicious characters that make a text binary.
pub const BINARY_MIN_CHARS: usize = 8;

/// The reject reason when `text` is binary (see the module docs), starting
/// with `binary`.
pub fn binary_reason(text: &str) -> Option<String> {
    let (suspicious, counted) = census(text);
    (suspicious >= BINARY_MIN_CHARS && suspicious * 100 > counted * BINARY_SHARE_PERCENT).then(
        || {
            format!(
                "binary: {suspicious} of {counted} characters are control, private-use, unassigned or replacement characters"
            )
        },
    )
}

/// Suspicious characters, and characters other than whitespace, in `text`.
fn census(text: &str) -> (usize, usize) {
    let bytes = text.as_bytes();
    let classes = &BMP_CLASSES;
    let mut suspicious = 0;
    let mut counted = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(spaces) = clean_ascii_16_spaces(bytes, i) {
            counted += 16 - spaces;
            i += 16;
            continue;
        }
        if let Some(block) = ascii::block_at(bytes, i)
            && block & ascii::HIGH_BITS == 0
        {
            // Most blocks of text are printable characters and spaces:
            // no byte below 0x20 (control or other whitespace) or 0x7F.
            let below_space = !block.wrapping_add(ascii::ONES * 0x60);
            let delete = block.wrapping_add(ascii::ONES);
            if (below_space | delete) & ascii::HIGH_BITS == 0 {
                counted += 8 - ascii::count_lanes(ascii::in_range(block, b' ', b' '));
                i += 8;
                continue;
            }
            let printable = ascii::in_range(block, 0x21, 0x7E);
            let controls = ascii::in_range(block, 0x00, 0x08)
                | ascii::in_range(block, 0x0E, 0x1F)
                | ascii::in_range(block, 0x7F, 0x7F);
            suspicious += ascii::count_lanes(controls);
            counted += ascii::count_lanes(printable | controls);
            i += 8;
            continue;
        }
        // `text` is valid UTF-8: the lead byte gives the length.
        let lead = bytes[i];
        let (is_suspicious, is_whitespace) = match lead {
            // U+4000 to U+9FFF, most of Chinese text, are all assigned ideographs.
            0xE4..=0xE9 => {
                // The rest of the run of such characters, without the
                // test for an ASCII block before each.
                let run = bytes[i..]
                    .iter()
                    .step_by(3)
                    .take_while(|&&b| (0xE4..=0xE9).contains(&b))
                    .count();
                counted += run;
                i += 3 * run;
                continue;
            }
            0x00..0xE0 => {
                let unit = if lead < 0x80 {
                    u16::from(lead)
                } else {
                    u16::from(lead & 0x1F) << 6 | u16::from(bytes[i + 1] & 0x3F)
                };
                i += if lead < 0x80 { 1 } else { 2 };
                (classes.suspicious.get(unit), classes.whitespace.get(unit))
            }
            0xE0..0xF0 => {
                let unit = u16::from(lead & 0x0F) << 12
                    | u16::from(bytes[i + 1] & 0x3F) << 6
                    | u16::from(bytes[i + 2] & 0x3F);
                i += 3;
                (classes.suspicious.get(unit), classes.whitespace.get(unit))
            }
            _ => {
                let c = text[i..].chars().next().expect("a character starts here");
                i += c.len_utf8();
                (is_suspicious(c), false)
            }
        };
        if !is_whitespace {
            counted += 1;
            suspicious += usize::from(is_suspicious);
        }
    }
    (suspicious, counted)
}

/// For the 16 bytes of `bytes` from `at`, when they are all printable ASCII
/// or spaces (most of a news text), how many are spaces; `None` when fewer
/// than 16 bytes are left or some byte is anything else. Three SSE2
/// comparisons instead of the two eight-byte blocks of the loop above (a
/// third fewer instructions for the binary check of English news: 8.9M to
/// 6.2M per copy of the BBC sample); x86-64 only.
#[inline(always)]
fn clean_ascii_16_spaces(bytes: &[u8], at: usize) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8,
            _mm_set1_epi8,
        };
        let block = bytes.get(at..at + 16)?;
        // SAFETY: SSE2 is part of every x86-64 processor; `block` holds 16
        // bytes, and the load needs no alignment.
        let (below_space, delete, spaces) = unsafe {
            let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
            // Signed: bytes from 0x80 (not ASCII) are below zero, so below ' '.
            (
                _mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20))),
                _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F))),
                _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x20))),
            )
        };
        (below_space | delete == 0).then(|| spaces.count_ones() as usize)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (bytes, at);
        None
    }
}

/// A bit per code point of the Basic Multilingual Plane (see
/// `char_classes::bmp_bits`).
struct BmpSet(&'static [u8; 0x10000 / 8]);

impl BmpSet {
    #[inline]
    fn get(&self, unit: u16) -> bool {
        self.0[usize::from(unit >> 3)] >> (unit & 7) & 1 == 1
    }
}

struct BmpClasses {
    suspicious: BmpSet,
    whitespace: BmpSet,
}

/// The classes of every BMP character, tabulated by the build script (16
/// KiB in the binary): a general category search per character of Chinese
/// text would cost a few per cent of the whole run, and building the tables
/// at run time cost each process 8M instructions.
static BMP_CLASSES: BmpClasses = BmpClasses {
    suspicious: BmpSet(include_bytes!(concat!(
        env!("OUT_DIR"),
        "/bmp_suspicious.bin"
    ))),
    whitespace: BmpSet(include_bytes!(concat!(
        env!("OUT_DIR"),
        "/bmp_whitespace.bin"
    ))),
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_tables_are_the_classes() {
        assert_eq!(&BMP_CLASSES.suspicious.0[..], &bmp_bits(is_suspicious)[..]);
        assert_eq!(
            &BMP_CLASSES.whitespace.0[..],
            &bmp_bits(char::is_whitespace)[..]
        );
        for (unit, suspicious) in [
            (0x07, true),
            (b'a'.into(), false),
            (0xE000, true),
            (0xFFFD, true),
        ] {
            assert_eq!(BMP_CLASSES.suspicious.get(unit), suspicious, "{unit:#x}");
        }
        assert!(BMP_CLASSES.whitespace.get(0x3000) && !BMP_CLASSES.whitespace.get(0x4E00));
    }

    /// The same census one character at a time.
    fn slow_census(text: &str) -> (usize, usize) {
        let counted: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
        let suspicious = counted.iter().filter(|&&c| is_suspicious(c)).count();
        (suspicious, counted.len())
    }

    #[test]
    fn text_is_not_binary() {
        for text in [
            "",
            "Plain English text, with a tab\tand a form feed\u{c}.",
            "月之暗面发布了新的大模型。２０２５年，ＤｅｅｐＳｅｅｋ。",
            "Hello\u{7}, with one stray control character or two\u{1}.",
            "👨‍👩‍👧 emoji and Ελληνικά and עברית",
        ] {
            assert_eq!(binary_reason(text), None, "{text:?}");
        }
    }

    #[test]
    fn noise_is_binary() {
        let controls: String = (0u8..32).map(char::from).cycle().take(200).collect();
        assert!(binary_reason(&controls).unwrap().starts_with("binary: "));
        let private_use = "\u{E000}\u{F8FF}\u{10FFFD}".repeat(4);
        assert!(binary_reason(&private_use).is_some());
        let replaced = format!("{}{}", "\u{FFFD}".repeat(10), "x".repeat(80));
        assert!(binary_reason(&replaced).is_some());
        let unassigned = "\u{0378}\u{FFFF}\u{E0080}".repeat(3);
        assert!(binary_reason(&unassigned).is_some());
        // Pseudo-random bytes decoded as windows-1252.
        let mut state = 0x2545F491_u32;
        let bytes: Vec<u8> = (0..4000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as u8
            })
            .collect();
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
        assert!(binary_reason(&text).is_some());
    }

    #[test]
    fn the_fast_census_agrees_on_every_ascii_byte_in_every_lane() {
        // Blocks of printable characters and spaces take a shortcut: each
        // ASCII byte in each lane of such a block, next to a Han run.
        for b in 0u8..0x80 {
            for lane in 0..8 {
                for filler in [b'a', b' ', b'~', b'!'] {
                    let mut block = [filler; 8];
                    block[lane] = b;
                    let ascii = std::str::from_utf8(&block).expect("ASCII");
                    for text in [
                        ascii.to_string(),
                        format!("月的{ascii}的月"),
                        ascii.repeat(3),
                    ] {
                        assert_eq!(census(&text), slow_census(&text), "{text:?}");
                    }
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn the_fast_census_agrees_with_a_character_loop(
            text in "([\\x00-\\x7F]|[a-z ]{1,12}|[ -~]{8,20}|[月的]{1,8}|月|é|\u{E000}|\u{FFFD}|\u{0378}|\u{3000}|\u{85}){0,40}"
        ) {
            proptest::prop_assert_eq!(census(&text), slow_census(&text));
        }

        #[test]
        fn the_fast_census_agrees_on_any_text(text in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(census(&text), slow_census(&text));
        }
    }
}
