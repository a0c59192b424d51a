//! Rejected records: where they came from, why, and enough of them to find
//! and recognize them, in bounded memory whatever their size.
//!
//! A reject keeps the first [`HEAD_BYTES`] bytes of the record, its full
//! length and the SHA-256 of all its bytes, never the whole record: a
//! rejects file stays small and a run's memory flat even when every record
//! is a gigabyte of garbage.

use std::fmt;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::write::write_str;

/// How many bytes of a rejected record a reject keeps (4 KiB).
pub const HEAD_BYTES: usize = 4096;

/// A record that produced no output, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// The input it came from (see [`crate::decode::names`]).
    pub file: Arc<str>,
    /// 1-based line (for plain-text documents, 1).
    pub line: u64,
    /// Why it was rejected.
    pub reason: String,
    /// The first [`HEAD_BYTES`] bytes of the record as read (after
    /// decompression and UTF-16 transcoding, before other decoding).
    pub head: Vec<u8>,
    /// The record's full length in bytes, without its line terminator.
    pub len_bytes: u64,
    /// The SHA-256 of all the record's bytes.
    pub sha256: [u8; 32],
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

impl Reject {
    /// A reject for a record whose bytes are all at hand.
    pub fn of_record(file: Arc<str>, line: u64, reason: String, bytes: &[u8]) -> Reject {
        Reject {
            file,
            line,
            reason,
            head: bytes[..bytes.len().min(HEAD_BYTES)].to_vec(),
            len_bytes: bytes.len() as u64,
            sha256: Sha256::digest(bytes).into(),
        }
    }

    /// A reject for a record of which only the `head` was kept, with the
    /// length and hash of all of it.
    pub fn of_head(
        file: Arc<str>,
        line: u64,
        reason: String,
        head: Vec<u8>,
        len_bytes: u64,
        sha256: [u8; 32],
    ) -> Reject {
        debug_assert!(head.len() <= HEAD_BYTES);
        Reject {
            file,
            line,
            reason,
            head,
            len_bytes,
            sha256,
        }
    }

    /// Whether [`Self::head`] is only the start of the record.
    pub fn truncated(&self) -> bool {
        (self.head.len() as u64) < self.len_bytes
    }

    /// The reject as one JSON line for a rejects file:
    /// `{"file", "line", "reason", "raw", "raw_bytes", "raw_sha256"}` and
    /// `"truncated": true` when `raw` is only the start of the record.
    /// `raw` is the head as text (bytes that are not UTF-8 replaced by
    /// U+FFFD; a character cut by the head's end left out).
    pub fn to_json_line(&self) -> Vec<u8> {
        let mut line = Vec::with_capacity(self.head.len() + 200);
        line.extend_from_slice(b"{\"file\":");
        write_str(&mut line, &self.file);
        line.extend_from_slice(format!(",\"line\":{},\"reason\":", self.line).as_bytes());
        write_str(&mut line, &self.reason);
        line.extend_from_slice(b",\"raw\":");
        write_str(&mut line, &head_text(&self.head, self.truncated()));
        line.extend_from_slice(
            format!(",\"raw_bytes\":{},\"raw_sha256\":\"", self.len_bytes).as_bytes(),
        );
        for byte in self.sha256 {
            line.extend_from_slice(format!("{byte:02x}").as_bytes());
        }
        line.push(b'"');
        if self.truncated() {
            line.extend_from_slice(b",\"truncated\":true");
        }
        line.extend_from_slice(b"}\n");
        line
    }
}

/// The head as text: invalid bytes replaced, except an incomplete character
/// at the end of a cut head, which is the cut's doing, not the record's.
fn head_text(head: &[u8], truncated: bool) -> String {
    let mut end = head.len();
    if truncated
        && let Err(error) = std::str::from_utf8(head)
        && error.error_len().is_none()
    {
        end = error.valid_up_to();
    }
    let head = &head[..end];
    let mut text = String::with_capacity(head.len());
    for chunk in head.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            text.push('\u{FFFD}');
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn parse(reject: &Reject) -> Value {
        let line = reject.to_json_line();
        assert!(line.ends_with(b"}\n"));
        serde_json::from_slice(&line).unwrap()
    }

    #[test]
    fn a_small_record_is_kept_whole_with_length_and_hash() {
        let reject = Reject::of_record(Arc::from("-"), 2, "invalid JSON".into(), b"not json");
        let value = parse(&reject);
        assert_eq!(value["raw"], "not json");
        assert_eq!(value["raw_bytes"], 8);
        // sha256sum of the same bytes.
        assert_eq!(
            value["raw_sha256"],
            "7ccfa1fbf3940e6f0c0375d87c0f9235a50514e14cb427bdfaf5077987b26ccf"
        );
        assert!(value.get("truncated").is_none());
    }

    #[test]
    fn a_large_record_keeps_only_its_head() {
        let record = "月".repeat(3000); // 9,000 bytes
        let reject = Reject::of_record(Arc::from("a.jsonl"), 1, "r".into(), record.as_bytes());
        assert_eq!(reject.head.len(), HEAD_BYTES);
        let value = parse(&reject);
        // 4,096 bytes cut one character short: 1,365 whole characters.
        assert_eq!(value["raw"].as_str().unwrap(), "月".repeat(1365));
        assert_eq!(value["raw_bytes"], 9000);
        assert_eq!(value["truncated"], true);
    }

    #[test]
    fn broken_bytes_and_line_separators_are_written_safely() {
        let reject = Reject::of_record(Arc::from("-"), 1, "r".into(), b"a\xffb\xe2\x80\xa8c");
        let line = reject.to_json_line();
        assert!(!line.windows(3).any(|w| w == "\u{2028}".as_bytes()));
        assert_eq!(parse(&reject)["raw"], "a\u{FFFD}b\u{2028}c");
    }
}
