//! The character classes the binary-data test counts, one definition shared
//! (through `#[path]`) by `src/decode/binary.rs` and the build script, which
//! tabulates them for the Basic Multilingual Plane once: computing the two
//! tables cost every process 8M instructions at its first record.

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Whether `c` counts against a text: a control character (whitespace is
/// counted apart), private use, unassigned, or U+FFFD, the replacement
/// character decoding leaves for bytes no encoding could read.
pub fn is_suspicious(c: char) -> bool {
    c == '\u{FFFD}'
        || matches!(
            c.general_category(),
            GeneralCategory::Control | GeneralCategory::PrivateUse | GeneralCategory::Unassigned
        )
}

/// One bit per code point of the Basic Multilingual Plane for which `test`
/// holds: bit `u % 8` of byte `u / 8` (8 KiB). Surrogates are never in it.
// The library reads the build script's tables; only tests call this there.
#[allow(dead_code)]
pub fn bmp_bits(test: impl Fn(char) -> bool) -> Vec<u8> {
    let mut bits = vec![0u8; 0x10000 / 8];
    for unit in 0..=u16::MAX {
        if char::from_u32(u32::from(unit)).is_some_and(&test) {
            bits[usize::from(unit >> 3)] |= 1 << (unit & 7);
        }
    }
    bits
}
