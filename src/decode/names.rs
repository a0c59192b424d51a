//! Names of input files as they appear in records (`id`), rejects and
//! messages: the path as text, reversibly, even when it is not UTF-8.
//!
//! A path is bytes on Unix, and two paths that differ only in bytes that are
//! not UTF-8 (`caf\xe9.txt` in Latin-1 and `caf\xe8.txt`) must not get the
//! same name, as they would with a lossy conversion. So each byte that is not
//! part of valid UTF-8 is written `\xNN` (two lowercase hex digits), and a
//! literal backslash is doubled when it would otherwise read as the start of
//! such an escape: when it is followed by `x`, by another backslash, or by an
//! escaped byte. Every other character is written as it is, so a UTF-8 path
//! without `\x` or `\\` in it is its own name (`C:\data\a.txt` too).
//!
//! Reading a name back ([`path_bytes`]): `\\` is one backslash, `\xNN` is
//! the byte NN, and any other character (a lone backslash included) is
//! itself.

use std::path::Path;

/// The name of `path` in records and messages: its bytes as UTF-8 text,
/// with bytes that are not UTF-8 escaped as `\xNN` (see the module docs).
pub fn path_name(path: &Path) -> String {
    escape_bytes(path.as_os_str().as_encoded_bytes())
}

/// Escapes `bytes` as described in the module docs.
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut name = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        let invalid = chunk.invalid();
        let mut chars = valid.chars().peekable();
        while let Some(c) = chars.next() {
            name.push(c);
            if c == '\\' {
                let next_is_escape = match chars.peek() {
                    Some(&next) => next == 'x' || next == '\\',
                    // The end of the valid part: escaped bytes follow, or
                    // nothing (a trailing backslash stays single).
                    None => !invalid.is_empty(),
                };
                if next_is_escape {
                    name.push('\\');
                }
            }
        }
        for byte in invalid {
            name.push_str(&format!("\\x{byte:02x}"));
        }
    }
    name
}

/// The bytes of the path that `name` stands for: the inverse of
/// [`escape_bytes`] (on Unix these bytes are the path).
pub fn path_bytes(name: &str) -> Vec<u8> {
    let bytes = name.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            match bytes.get(i + 1) {
                Some(b'\\') => {
                    out.push(b'\\');
                    i += 2;
                    continue;
                }
                Some(b'x') => {
                    if let Some(byte) = bytes
                        .get(i + 2..i + 4)
                        .and_then(|hex| std::str::from_utf8(hex).ok())
                        .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                    {
                        out.push(byte);
                        i += 4;
                        continue;
                    }
                }
                _ => {}
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_paths_are_their_own_names() {
        for name in ["a/b.txt", "月之暗面.jsonl", r"C:\data\a.txt", r"trailing\"] {
            assert_eq!(escape_bytes(name.as_bytes()), name);
            assert_eq!(path_bytes(name), name.as_bytes());
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_escaped_and_keep_names_apart() {
        let latin1 = escape_bytes(b"caf\xe9.txt");
        let other = escape_bytes(b"caf\xe8.txt");
        assert_eq!(latin1, r"caf\xe9.txt");
        assert_ne!(latin1, other);
        assert_eq!(path_bytes(&latin1), b"caf\xe9.txt");
    }

    #[test]
    fn backslashes_that_would_read_as_escapes_are_doubled() {
        // A UTF-8 name that looks like an escape must not collide with the
        // escaped name of a path that is not UTF-8.
        let literal = escape_bytes(br"caf\xe9.txt");
        assert_eq!(literal, r"caf\\xe9.txt");
        assert_ne!(literal, escape_bytes(b"caf\xe9.txt"));
        for bytes in [
            &br"a\\b"[..],
            br"\x",
            b"a\\\xff",
            b"\\\\\xff\\",
            br"\\server\share",
        ] {
            assert_eq!(path_bytes(&escape_bytes(bytes)), bytes, "{bytes:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn names_are_reversible(bytes in proptest::collection::vec(
            proptest::sample::select(vec![b'\\', b'x', b'a', b'0', b'f', 0xC3, 0xA9, 0xFF, 0xE6, 0x9C, b'/']),
            0..24,
        )) {
            let name = escape_bytes(&bytes);
            proptest::prop_assert_eq!(path_bytes(&name), bytes);
        }

        #[test]
        fn distinct_paths_get_distinct_names(
            a in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..12),
            b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..12),
        ) {
            proptest::prop_assume!(a != b);
            proptest::prop_assert_ne!(escape_bytes(&a), escape_bytes(&b));
        }
    }
}
