//! The blocks the stage decides on: the lines of the normalized text, and the
//! key under which a line is compared with phrase lists and with other pages.

use std::ops::Range;

/// How many bytes of a line the phrase lists and the key read. Page
/// furniture is short; a longer line is an article paragraph or a long
/// notice, and its start tells which, so the stage costs O(1) per long line.
pub const SAMPLE_BYTES: usize = 256;

/// How many bytes of a line the counts of words, stop words and punctuation
/// read (about fifteen words: enough for shares, and most of the stage's time
/// is spent here).
pub const COUNT_BYTES: usize = 96;

/// The non-empty lines of `text` as byte ranges, each trimmed of spaces.
///
/// Normalization already collapsed blank lines and runs of spaces, so a line
/// is what the page showed as one line or paragraph.
pub fn line_ranges(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    while start <= bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let mut first = start;
        let mut last = end;
        while first < last && bytes[first] == b' ' {
            first += 1;
        }
        while last > first && bytes[last - 1] == b' ' {
            last -= 1;
        }
        if first < last {
            lines.push(first..last);
        }
        start = end + 1;
    }
    lines
}

/// The blocks the stage decides on: the lines of `text`, except that the
/// lines of hard-wrapped text (plain-text files wrapped at 70 or 80 columns)
/// are joined into their paragraphs.
///
/// Text counts as hard-wrapped when it has at least [`WRAPPED_MIN_LINES`]
/// lines, none longer than [`WRAPPED_MAX_CHARS`] characters, and at least
/// half of them fill three quarters of the longest; a line that fills three
/// quarters then continues on the next line, unless it ends a sentence
/// (normalization has removed the blank lines between paragraphs, so that is
/// the only sign of a paragraph's end; a paragraph cut at a sentence end
/// inside it still gives two blocks of prose).
pub fn blocks(text: &str) -> Vec<Range<usize>> {
    let lines = line_ranges(text);
    if lines.len() < WRAPPED_MIN_LINES || lines.iter().any(|r| r.len() > 4 * WRAPPED_MAX_CHARS) {
        return lines;
    }
    let widths: Vec<usize> = lines
        .iter()
        .map(|r| text[r.clone()].chars().count())
        .collect();
    let width = widths.iter().copied().max().unwrap_or(0);
    let full = |w: usize| 4 * w >= 3 * width;
    if width > WRAPPED_MAX_CHARS || 2 * widths.iter().filter(|&&w| full(w)).count() < widths.len() {
        return lines;
    }
    let mut blocks: Vec<Range<usize>> = Vec::new();
    let mut continues = false;
    for (range, &w) in lines.into_iter().zip(&widths) {
        match blocks.last_mut() {
            Some(last) if continues => last.end = range.end,
            _ => blocks.push(range),
        }
        continues = full(w)
            && !text[..range_end(&blocks)]
                .trim_end_matches(['"', '\'', ')', '”', '’', '」'])
                .ends_with(['.', '!', '?', '。', '！', '？', '…']);
    }
    blocks
}

fn range_end(blocks: &[Range<usize>]) -> usize {
    blocks.last().map_or(0, |b| b.end)
}

/// Hard-wrapped text has at least this many lines ...
pub const WRAPPED_MIN_LINES: usize = 5;
/// ... and none longer than this many characters.
pub const WRAPPED_MAX_CHARS: usize = 100;

/// The first [`SAMPLE_BYTES`] of `line`, cut on a character boundary.
pub fn sample(line: &str) -> &str {
    prefix(line, SAMPLE_BYTES)
}

/// The first `bytes` bytes of `line` at most, cut on a character boundary.
pub fn prefix(line: &str, bytes: usize) -> &str {
    if line.len() <= bytes {
        return line;
    }
    let mut end = bytes;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    &line[..end]
}

/// `line` as a comparison key: letters only (lowercase), words separated by
/// one space, no space next to a Han character. Digits, bullets, counts and
/// punctuation go, so `• Share`, `Comments (12)` and `分享到:` become `share`,
/// `comments` and `分享到`, and `9 days ago` and `3 days ago` share a key.
pub fn line_key(line: &str) -> String {
    let sample = sample(line);
    let mut key = String::with_capacity(line.len().min(SAMPLE_BYTES));
    if sample.is_ascii() {
        push_ascii_key(sample.as_bytes(), &mut key);
    } else {
        push_key(sample, &mut key);
    }
    while key.ends_with('\'') {
        key.pop();
    }
    if line.len() > SAMPLE_BYTES {
        // Long lines compare by their first bytes and their length.
        key.push_str(&format!(" …{}", line.len() / 64));
    }
    key
}

/// The key of `sample` (see [`line_key`]) before its trailing apostrophes
/// are dropped, character by character.
fn push_key(sample: &str, key: &mut String) {
    let mut gap = false;
    for c in sample.chars() {
        if c.is_ascii_alphabetic() {
            if gap && !key.is_empty() && !key.ends_with(crate::script::is_han) {
                key.push(' ');
            }
            gap = false;
            key.push(c.to_ascii_lowercase());
        } else if c.is_ascii() && c != '\'' {
            gap = true;
        } else if crate::script::is_han(c) {
            gap = false;
            key.push(c);
        } else if c.is_alphabetic() {
            let han = crate::script::is_han(c);
            if gap && !key.is_empty() && !han && !key.ends_with(crate::script::is_han) {
                key.push(' ');
            }
            gap = false;
            key.extend(c.to_lowercase());
        } else if c == '\'' && !gap && !key.is_empty() {
            // don't, editor's: one word
            key.push(c);
        } else {
            gap = true;
        }
    }
}

/// [`push_key`] for an ASCII sample (most lines of English pages), byte by
/// byte: no Han character can end the key, and no letter needs Unicode
/// lowercasing.
fn push_ascii_key(sample: &[u8], key: &mut String) {
    let mut gap = false;
    for &b in sample {
        if b.is_ascii_alphabetic() {
            if gap && !key.is_empty() {
                key.push(' ');
            }
            gap = false;
            key.push(char::from(b.to_ascii_lowercase()));
        } else if b == b'\'' && !gap && !key.is_empty() {
            key.push('\'');
        } else {
            gap = true;
        }
    }
}

/// A 64-bit hash of a line key, the same in every run and on every machine
/// (so that a learned furniture file can be read back by hash).
pub fn key_hash(key: &str) -> u64 {
    // FNV-1a, then a splitmix64 finalizer so that every bit depends on
    // every byte (the sketch takes its row indices from different bits).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in key.as_bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    mix(hash)
}

/// splitmix64's finalizer.
pub fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_trimmed_and_empty_ones_skipped() {
        let text = "Title\n\n • Share \n  \nlast";
        let lines: Vec<&str> = line_ranges(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(lines, ["Title", "• Share", "last"]);
        assert!(line_ranges("").is_empty());
        assert!(line_ranges("\n \n").is_empty());
    }

    #[test]
    fn hard_wrapped_lines_join_into_paragraphs() {
        let text = "A title\nThe lab said on Tuesday that its new model had been\ntrained on chips it designed itself, a first for\nthe company.\nIt plans to sell access to the chips next year, the\ncompany said in a statement on its website.\nShare";
        let joined: Vec<&str> = blocks(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(joined.len(), 4, "{joined:#?}");
        assert!(joined[1].starts_with("The lab") && joined[1].ends_with("the company."));
        assert_eq!(joined[3], "Share");
        // Lines of unwrapped text stay lines.
        let text = "Title\nShare\nA paragraph that is long enough to be one on its own, as most are.\nRelated\nAnother headline\nThird";
        assert_eq!(blocks(text), line_ranges(text));
    }

    #[test]
    fn keys_drop_bullets_counts_and_punctuation() {
        assert_eq!(line_key("• Share"), "share");
        assert_eq!(line_key("Comments (12)"), "comments");
        assert_eq!(line_key("分享到:"), "分享到");
        assert_eq!(line_key("9 days ago"), line_key("10 days ago"));
        assert_eq!(line_key("Editor's picks"), "editor's picks");
        assert_eq!(line_key("扫码 关注 Kimi 公众号"), "扫码关注kimi公众号");
        // Different words keep different keys.
        assert_ne!(line_key("Share"), line_key("Shares"));
        assert_ne!(line_key("add a comment"), line_key("add comment"));
    }

    proptest::proptest! {
        #[test]
        fn ascii_keys_are_the_keys_character_by_character(
            sample in "([a-zA-Z]{1,6}|[ '0-9.,:(•)-]{1,3}|[ -~]){0,60}"
        ) {
            let (mut fast, mut general) = (String::new(), String::new());
            push_ascii_key(sample.as_bytes(), &mut fast);
            push_key(&sample, &mut general);
            proptest::prop_assert_eq!(fast, general);
        }
    }

    #[test]
    fn long_lines_are_keyed_by_their_start_and_length() {
        let long = "word ".repeat(200);
        let longer = "word ".repeat(220);
        assert_ne!(line_key(&long), line_key(&longer));
        assert!(line_key(&long).len() < 600);
    }

    #[test]
    fn key_hashes_are_stable() {
        // The furniture file stores these: they must not change between runs.
        assert_eq!(key_hash("share"), key_hash("share"));
        assert_ne!(key_hash("share"), key_hash("shares"));
        assert_eq!(key_hash(""), mix(0xcbf2_9ce4_8422_2325));
    }

    #[test]
    fn samples_end_on_character_boundaries() {
        let text = "月".repeat(400);
        let cut = sample(&text);
        assert!(cut.len() <= SAMPLE_BYTES && cut.len() > SAMPLE_BYTES - 3);
        assert_eq!(sample("short"), "short");
    }
}
