//! Turning a record's bytes into text: UTF-8 as it is, anything else with
//! the encoding detected for it, and never mojibake presented as clean text.
//!
//! Bytes that are not UTF-8 are decoded with the encoding chardetng guesses
//! for the whole record. Then each paragraph (or each line, when there is a
//! single paragraph) with enough evidence of its own, at least
//! [`PART_EVIDENCE_BYTES`] non-ASCII bytes, is checked on its own: when the
//! paragraphs disagree (a GB18030 paragraph and a Big5 one), each is decoded
//! with its own encoding and the record says so: `encoding` is `mixed` and
//! [`EncodingNote::parts`] tells which part of the text came from which
//! encoding. When one encoding decodes the record but the result looks
//! wrong (bytes replaced, or a Latin single-byte encoding chosen for bytes
//! that come in pairs and runs as a multibyte encoding's do), the record
//! carries a [`EncodingNote::warning`].

use std::borrow::Cow;
use std::ops::Range;

use encoding_rs::Encoding;

/// The `encoding` of a record whose paragraphs were decoded with different
/// encodings.
pub const MIXED: &str = "mixed";

/// The `encoding` of UTF-8 text in which a few invalid bytes were replaced.
pub const UTF8_REPLACED: &str = "UTF-8 (invalid bytes replaced)";

/// How many non-ASCII bytes a paragraph needs before its own encoding guess
/// may differ from the whole record's (16 CJK characters, which chardetng
/// guessed right in 1,502 of 1,502 GBK lines of the SIGHAN PKU test set;
/// 12 characters: 1,646 of 1,649).
pub const PART_EVIDENCE_BYTES: usize = 32;

/// How many non-ASCII bytes a paragraph too short to decide on needs for a
/// disagreement of its guess with the record's encoding to be flagged (8
/// CJK characters: right in 1,836 of 1,856 GBK lines).
pub const DOUBT_EVIDENCE_BYTES: usize = 16;

/// How many non-ASCII characters a paragraph that is valid UTF-8 needs to
/// count as UTF-8 among paragraphs in other encodings: two GBK characters
/// can happen to be valid UTF-8, five rarely are.
const PART_UTF8_CHARS: usize = 5;

/// Text decoded from bytes, and what the decoding was.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The text.
    pub text: Cow<'a, str>,
    /// How it was decoded, when the bytes were not UTF-8.
    pub note: EncodingNote,
}

/// How a record's text was decoded, for the `encoding`, `encoding_parts`
/// and `encoding_warning` output fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EncodingNote {
    /// `None` for UTF-8; else the encoding's name (`GBK`, `Big5`,
    /// `windows-1252`, `UTF-16LE`, [`UTF8_REPLACED`], or [`MIXED`]).
    pub encoding: Option<&'static str>,
    /// For [`MIXED`]: which stretch of the text came from which encoding.
    pub parts: Vec<EncodingPart>,
    /// Why the decoded text may not be what was written, when it may not.
    pub warning: Option<String>,
}

impl EncodingNote {
    /// A note for a whole stream in one encoding (UTF-16 transcoded before
    /// its lines were split).
    pub fn whole(encoding: &'static str) -> EncodingNote {
        EncodingNote {
            encoding: Some(encoding),
            ..EncodingNote::default()
        }
    }
}

/// A stretch of decoded text and the encoding it was decoded with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodingPart {
    /// The encoding's name.
    pub encoding: &'static str,
    /// Code-point offset in the decoded text where the stretch starts.
    pub start_char: usize,
    /// Code-point offset just past the stretch.
    pub end_char: usize,
}

/// How a stretch of bytes is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    /// As UTF-8, invalid bytes replaced.
    Utf8,
    /// With a legacy encoding.
    Legacy(&'static Encoding),
}

impl Choice {
    /// Choices that decode the same (GBK is decoded as GB18030).
    fn family(self) -> Option<&'static Encoding> {
        match self {
            Choice::Utf8 => None,
            Choice::Legacy(e) if e == encoding_rs::GBK => Some(encoding_rs::GB18030),
            Choice::Legacy(e) => Some(e),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Choice::Utf8 => "UTF-8",
            Choice::Legacy(encoding) => encoding.name(),
        }
    }
}

/// Decodes `bytes`: UTF-8 (a byte order mark is dropped), UTF-16 with a byte
/// order mark, or else the encodings detected as described in the module
/// docs.
pub fn decode_text(bytes: &[u8]) -> Decoded<'_> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // The same answer as `std::str::from_utf8`, with vector instructions:
    // the one pass over every input byte that nothing else can skip.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Decoded {
            text: Cow::Borrowed(text),
            note: EncodingNote::default(),
        };
    }
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_with_bom_removal(bytes);
        return Decoded {
            note: EncodingNote {
                encoding: Some(encoding.name()),
                parts: Vec::new(),
                warning: had_errors.then(|| replaced_warning(&text, encoding.name())),
            },
            text: Cow::Owned(text.into_owned()),
        };
    }
    let mut choice = whole_choice(bytes);
    let units = units(bytes);
    if units.len() < 2 {
        return decode_whole(bytes, choice);
    }
    let choices: Vec<Option<UnitChoice>> = units
        .iter()
        .map(|unit| unit_choice(&bytes[unit.clone()], choice))
        .collect();
    let mut families: Vec<Option<&'static Encoding>> = choices
        .iter()
        .flatten()
        .map(|c| c.choice.family())
        .collect();
    families.sort_unstable_by_key(|f| f.map(|e| e.name()));
    families.dedup();
    if families.len() > 1 {
        let choices: Vec<Option<Choice>> = choices.iter().map(|c| c.map(|c| c.choice)).collect();
        return decode_parts(bytes, &units, &choices);
    }
    if let Some(only) = choices.iter().flatten().next() {
        choice = only.choice;
    }
    let mut decoded = decode_whole(bytes, choice);
    if decoded.note.warning.is_none() {
        let doubts: Vec<String> = choices
            .iter()
            .zip(&units)
            .filter_map(|(c, unit)| {
                let hint = c.and_then(|c| c.short_hint)?;
                (hint.family() != choice.family()).then(|| {
                    let line = 1 + bytes[..unit.start].iter().filter(|&&b| b == b'\n').count();
                    format!("line {line} looks like {}", hint.name())
                })
            })
            .collect();
        if !doubts.is_empty() {
            decoded.note.warning = Some(format!(
                "decoded as {}, but {} (too short to be sure): parts of the text may be mojibake",
                choice.name(),
                doubts.join(", ")
            ));
        }
    }
    decoded
}

/// The encoding for the whole record, as chardetng guesses it.
fn whole_choice(bytes: &[u8]) -> Choice {
    if mostly_utf8(bytes) {
        // A few broken bytes in otherwise UTF-8 text (a cut multi-byte
        // character, one stray Latin-1 byte) are replaced rather than taken
        // as evidence that the whole record is in another encoding.
        return Choice::Utf8;
    }
    let guess = guess(bytes);
    // A few stray high bytes in ASCII text (English news with a £ as 0xA3)
    // are too little evidence to pick among single-byte encodings:
    // windows-1252 is by far the most common source of them.
    let high = bytes.iter().filter(|b| !b.is_ascii()).count();
    if high * 20 < bytes.len() && !is_multibyte(guess) {
        Choice::Legacy(encoding_rs::WINDOWS_1252)
    } else {
        Choice::Legacy(guess)
    }
}

fn guess(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

/// What one paragraph or line is decoded with.
#[derive(Debug, Clone, Copy)]
struct UnitChoice {
    choice: Choice,
    /// For a paragraph too short to decide on: its own guess, when it has
    /// enough evidence to raise a doubt.
    short_hint: Option<Choice>,
}

/// The encoding of one paragraph or line: `None` when it is ASCII (any
/// encoding will do), its own guess when it has enough evidence, else the
/// whole record's.
fn unit_choice(unit: &[u8], whole: Choice) -> Option<UnitChoice> {
    let high = unit.iter().filter(|b| !b.is_ascii()).count();
    if high == 0 {
        return None;
    }
    let own = |choice| {
        Some(UnitChoice {
            choice,
            short_hint: None,
        })
    };
    if let Ok(text) = std::str::from_utf8(unit)
        && text.chars().filter(|c| !c.is_ascii()).count() >= PART_UTF8_CHARS
    {
        return own(Choice::Utf8);
    }
    if mostly_utf8(unit) {
        return own(if high < PART_EVIDENCE_BYTES {
            whole
        } else {
            Choice::Utf8
        });
    }
    if high < PART_EVIDENCE_BYTES {
        let short_hint = (high >= DOUBT_EVIDENCE_BYTES).then(|| Choice::Legacy(guess(unit)));
        return Some(UnitChoice {
            choice: whole,
            short_hint,
        });
    }
    own(Choice::Legacy(guess(unit)))
}

/// The record cut into paragraphs (ending after a run of blank lines), or
/// into lines when it is one paragraph. The units cover every byte.
fn units(bytes: &[u8]) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let end = match bytes[start..].iter().position(|&b| b == b'\n') {
            Some(i) => start + i + 1,
            None => bytes.len(),
        };
        lines.push(start..end);
        start = end;
    }
    let is_blank = |line: &Range<usize>| bytes[line.clone()].iter().all(u8::is_ascii_whitespace);
    let mut paragraphs: Vec<Range<usize>> = Vec::new();
    let mut previous_blank = false;
    for line in &lines {
        let blank = is_blank(line);
        match paragraphs.last_mut() {
            // A paragraph goes on until a non-blank line follows blank ones.
            Some(last) if blank || !previous_blank => last.end = line.end,
            _ => paragraphs.push(line.clone()),
        }
        previous_blank = blank;
    }
    if paragraphs.len() > 1 {
        paragraphs
    } else {
        lines
    }
}

fn decode_whole(bytes: &[u8], choice: Choice) -> Decoded<'_> {
    match choice {
        Choice::Utf8 => Decoded {
            text: Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
            note: EncodingNote::whole(UTF8_REPLACED),
        },
        Choice::Legacy(encoding) => {
            let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
            let warning = if had_errors {
                Some(replaced_warning(&text, encoding.name()))
            } else {
                looks_multibyte(bytes, encoding)
            };
            Decoded {
                note: EncodingNote {
                    encoding: Some(encoding.name()),
                    parts: Vec::new(),
                    warning,
                },
                text: Cow::Owned(text.into_owned()),
            }
        }
    }
}

/// Decodes each unit with its own choice (an ASCII unit joins its
/// neighbour's part), recording the parts.
fn decode_parts<'a>(
    bytes: &[u8],
    units: &[Range<usize>],
    choices: &[Option<Choice>],
) -> Decoded<'a> {
    let first = choices
        .iter()
        .flatten()
        .next()
        .copied()
        .unwrap_or(Choice::Utf8);
    let mut text = String::with_capacity(bytes.len() * 3 / 2);
    let mut parts: Vec<EncodingPart> = Vec::new();
    let mut chars = 0;
    let mut current = first;
    let mut replaced = 0;
    for (unit, choice) in units.iter().zip(choices) {
        let choice = choice.unwrap_or(current);
        let before = text.len();
        let piece: Cow<'_, str> = match choice {
            Choice::Utf8 => String::from_utf8_lossy(&bytes[unit.clone()]),
            Choice::Legacy(encoding) => {
                encoding.decode_without_bom_handling(&bytes[unit.clone()]).0
            }
        };
        text.push_str(&piece);
        replaced += piece.matches('\u{FFFD}').count();
        let unit_chars = text[before..].chars().count();
        match parts.last_mut() {
            Some(last) if choice.family() == current.family() => last.end_char += unit_chars,
            _ => parts.push(EncodingPart {
                encoding: choice.name(),
                start_char: chars,
                end_char: chars + unit_chars,
            }),
        }
        chars += unit_chars;
        current = choice;
    }
    Decoded {
        text: Cow::Owned(text),
        note: EncodingNote {
            encoding: Some(MIXED),
            parts,
            warning: (replaced > 0).then(|| {
                format!("{replaced} byte sequences that are not valid in their part's encoding were replaced by U+FFFD")
            }),
        },
    }
}

fn replaced_warning(text: &str, encoding: &str) -> String {
    let replaced = text.matches('\u{FFFD}').count();
    format!("{replaced} byte sequences that are not valid {encoding} were replaced by U+FFFD")
}

/// Latin single-byte encodings, in which letters outside ASCII stand
/// alone between ASCII letters (café, Straße).
const LATIN_SINGLE_BYTE: [&Encoding; 14] = [
    encoding_rs::WINDOWS_1252,
    encoding_rs::WINDOWS_1250,
    encoding_rs::WINDOWS_1254,
    encoding_rs::WINDOWS_1257,
    encoding_rs::WINDOWS_1258,
    encoding_rs::ISO_8859_2,
    encoding_rs::ISO_8859_3,
    encoding_rs::ISO_8859_4,
    encoding_rs::ISO_8859_10,
    encoding_rs::ISO_8859_13,
    encoding_rs::ISO_8859_14,
    encoding_rs::ISO_8859_15,
    encoding_rs::ISO_8859_16,
    encoding_rs::MACINTOSH,
];

/// How many non-ASCII bytes a Latin single-byte decoding needs before the
/// pattern of its bytes is judged.
const MOJIBAKE_MIN_HIGH_BYTES: usize = 8;

/// A warning when `bytes`, decoded with the Latin single-byte `encoding`,
/// have most of their non-ASCII bytes next to another non-ASCII byte, as
/// in GBK, Big5, Shift_JIS or EUC-KR, where every character outside ASCII
/// is two bytes: the text is then probably mojibake.
fn looks_multibyte(bytes: &[u8], encoding: &'static Encoding) -> Option<String> {
    if !LATIN_SINGLE_BYTE.contains(&encoding) {
        return None;
    }
    let mut high = 0;
    let mut paired = 0;
    for (i, byte) in bytes.iter().enumerate() {
        if byte.is_ascii() {
            continue;
        }
        high += 1;
        let before = i > 0 && !bytes[i - 1].is_ascii();
        let after = bytes.get(i + 1).is_some_and(|b| !b.is_ascii());
        paired += usize::from(before || after);
    }
    (high >= MOJIBAKE_MIN_HIGH_BYTES && paired * 2 > high).then(|| {
        format!(
            "decoded as {}, but {paired} of its {high} non-ASCII bytes come in runs, as in a multibyte encoding (GBK, Big5, Shift_JIS, EUC-KR): the text is probably mojibake",
            encoding.name()
        )
    })
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

fn is_multibyte(encoding: &'static Encoding) -> bool {
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

    proptest::proptest! {
        /// Text is taken as UTF-8, as it is, exactly when the standard
        /// library's check accepts it: valid text of every width, and the
        /// same text with a byte changed, cut or added anywhere (long
        /// enough to be checked in vector blocks).
        #[test]
        fn utf8_is_recognized_as_the_standard_check_does(
            text in "([a-z ]{0,70}|é|月之暗面|😀|\u{10FFFF}|\u{7FF}|\u{800}|\u{FFFF}){0,40}",
            edit in proptest::option::of((0usize..2000, proptest::num::u8::ANY, 0u8..3)),
        ) {
            let mut bytes = text.into_bytes();
            if let Some((at, byte, how)) = edit {
                let at = at % (bytes.len() + 1);
                match how {
                    0 if at < bytes.len() => bytes[at] = byte,
                    1 => bytes.truncate(at),
                    _ => bytes.insert(at, byte),
                }
            }
            let decoded = decode_text(&bytes);
            let stripped = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
            match std::str::from_utf8(stripped) {
                Ok(text) => {
                    proptest::prop_assert!(matches!(decoded.text, Cow::Borrowed(_)));
                    proptest::prop_assert_eq!(decoded.text.as_ref(), text);
                    proptest::prop_assert_eq!(decoded.note, EncodingNote::default());
                }
                Err(_) => proptest::prop_assert!(matches!(decoded.text, Cow::Owned(_))),
            }
        }
    }

    #[test]
    fn legacy_encodings_are_detected() {
        let (gbk, _, _) = encoding_rs::GBK.encode("月之暗面发布了新的大模型,引起广泛关注。");
        let decoded = decode_text(&gbk);
        assert_eq!(decoded.text, "月之暗面发布了新的大模型,引起广泛关注。");
        assert_eq!(decoded.note, EncodingNote::whole("GBK"));
        let decoded = decode_text(b"Profits rose to \xA3600m");
        assert_eq!(decoded.text, "Profits rose to £600m");
        assert_eq!(decoded.note, EncodingNote::whole("windows-1252"));
        let mut mixed = "中文".as_bytes().to_vec();
        mixed.push(0x80);
        let decoded = decode_text(&mixed);
        assert_eq!(decoded.text, "中文\u{FFFD}");
        assert_eq!(decoded.note, EncodingNote::whole(UTF8_REPLACED));
        let decoded = decode_text("\u{FEFF}plain".as_bytes());
        assert_eq!(
            (decoded.text.as_ref(), decoded.note.encoding),
            ("plain", None)
        );
    }

    const SIMPLIFIED: &str =
        "月之暗面今天发布了新的大模型，字节跳动和阿里巴巴也在加快研发，市场反应热烈。";
    const TRADITIONAL: &str =
        "輝達與台積電宣布擴大合作，字節跳動也在臺灣設立了新的研發中心，業界十分關注。";

    #[test]
    fn paragraphs_in_different_encodings_are_decoded_each_with_its_own() {
        let mut bytes = encoding_rs::GBK.encode(SIMPLIFIED).0.into_owned();
        bytes.extend_from_slice(b"\n\n");
        bytes.extend_from_slice(&encoding_rs::BIG5.encode(TRADITIONAL).0);
        bytes.push(b'\n');
        let decoded = decode_text(&bytes);
        assert_eq!(decoded.text, format!("{SIMPLIFIED}\n\n{TRADITIONAL}\n"));
        assert_eq!(decoded.note.encoding, Some(MIXED));
        let first = SIMPLIFIED.chars().count() + 2;
        assert_eq!(
            decoded.note.parts,
            [
                EncodingPart {
                    encoding: "GBK",
                    start_char: 0,
                    end_char: first
                },
                EncodingPart {
                    encoding: "Big5",
                    start_char: first,
                    end_char: first + TRADITIONAL.chars().count() + 1
                }
            ]
        );
    }

    #[test]
    fn a_utf8_paragraph_beside_a_gbk_one_keeps_both() {
        let mut bytes = "Überblick: 月之暗面发布了新的大模型。\n\n"
            .as_bytes()
            .to_vec();
        bytes.extend_from_slice(&encoding_rs::GBK.encode(SIMPLIFIED).0);
        let decoded = decode_text(&bytes);
        assert_eq!(
            decoded.text,
            format!("Überblick: 月之暗面发布了新的大模型。\n\n{SIMPLIFIED}")
        );
        let encodings: Vec<&str> = decoded.note.parts.iter().map(|p| p.encoding).collect();
        assert_eq!(encodings, ["UTF-8", "GBK"]);
    }

    #[test]
    fn one_legacy_paragraph_in_english_text_is_decoded_with_its_encoding() {
        let mut bytes = b"An English introduction that goes on for a while.\n\n".to_vec();
        bytes.extend_from_slice(&encoding_rs::GBK.encode(SIMPLIFIED).0);
        bytes.extend_from_slice(b"\n\nAnd an English ending.\n");
        let decoded = decode_text(&bytes);
        assert!(decoded.text.contains(SIMPLIFIED), "{}", decoded.text);
        assert_eq!(decoded.note, EncodingNote::whole("GBK"));
    }

    #[test]
    fn a_gbk_document_of_many_paragraphs_is_not_mixed() {
        let text = format!("{SIMPLIFIED}\n\n第二段：月之暗面。\n\n{SIMPLIFIED}\n");
        let bytes = encoding_rs::GBK.encode(&text).0;
        let decoded = decode_text(&bytes);
        assert_eq!(decoded.text, text);
        assert_eq!(decoded.note, EncodingNote::whole("GBK"));
    }

    #[test]
    fn cjk_bytes_decoded_as_latin_are_flagged() {
        let gbk = encoding_rs::GBK.encode(SIMPLIFIED).0;
        let warning = looks_multibyte(&gbk, encoding_rs::WINDOWS_1252).expect("flagged");
        assert!(warning.contains("probably mojibake"), "{warning}");
        let (latin, _, _) = encoding_rs::WINDOWS_1252
            .encode("Ça coûte très cher à Zürich, où l'été est chaud; Straße, naïve, señor, über.");
        assert_eq!(looks_multibyte(&latin, encoding_rs::WINDOWS_1252), None);
        let decoded = decode_text(&latin);
        assert_eq!(decoded.note, EncodingNote::whole("windows-1252"));
        // Cyrillic letters come in runs, and windows-1251 is not flagged.
        let (russian, _, _) = encoding_rs::WINDOWS_1251.encode("Москва и Санкт-Петербург");
        assert_eq!(looks_multibyte(&russian, encoding_rs::WINDOWS_1251), None);
    }

    #[test]
    fn one_line_in_two_encodings_is_not_presented_as_clean() {
        let mut bytes = encoding_rs::GBK.encode(SIMPLIFIED).0.into_owned();
        bytes.extend_from_slice(&encoding_rs::BIG5.encode(TRADITIONAL).0);
        let decoded = decode_text(&bytes);
        assert!(decoded.note.warning.is_some(), "{decoded:?}");
    }

    #[test]
    fn short_paragraphs_that_disagree_are_flagged() {
        // Ten characters each: too short to switch encodings, enough to doubt.
        let mut bytes = encoding_rs::GBK
            .encode("中文新闻今天发布了。")
            .0
            .into_owned();
        bytes.extend_from_slice(b"\n\n");
        bytes.extend_from_slice(&encoding_rs::BIG5.encode("臺灣新聞今天發佈了。").0);
        let decoded = decode_text(&bytes);
        let warning = decoded.note.warning.expect("flagged");
        assert!(warning.contains("may be mojibake"), "{warning}");
    }
}
