//! HTML character references left in text (`Jos&#233;`, `AT&amp;T`,
//! `&eacute;`): decoded, so that a name written through one is the name
//! (José Manuel Barroso, not the city of Jos and a stray `233`) and a term is
//! not `amp`.
//!
//! Text taken from web pages and feeds often keeps references its HTML
//! layer should have decoded. A reference is `&#` decimal digits `;`, `&#x`
//! hexadecimal digits `;`, or `&` one of the names of [`NAMED`] `;` (the
//! Latin-1 letters and symbols and the typographic punctuation of HTML 4,
//! which is what such text holds; not its Greek, arrows or mathematics); the
//! `;` is required, as HTML requires it everywhere but in legacy attribute
//! values. Numbers 128 to 159 are read as HTML reads them, as the
//! Windows-1252 characters (`&#146;` is ’). A reference to something that
//! is no Unicode scalar value (`&#xD800;`, `&#1114112;`) stays as written,
//! and so does one longer than `&#x10FFFF;` (leading zeros).
//!
//! The references of the normalized text are replaced by their characters
//! and the result normalized again, so that a decoded character is
//! normalized with its neighbours like any other (`&rsquo;` becomes `'`,
//! `&nbsp;` beside a space one space, `e&#769;` é); each character's range
//! is composed back onto the original text, so a decoded character maps to
//! its whole reference. Double escaping (`&amp;amp;eacute;`) is read as one
//! reference; NFKC can still make a new one (a full-width `＆` before
//! `lt;`): the two steps repeat until the text holds no reference, which
//! keeps normalization idempotent. Text written about HTML loses its
//! escapes in `normalized_text` (`&lt;b&gt;` is `<b>`), as any HTML reader
//! would show it.

use super::Normalized;
use super::origin::{Cursor, OriginMap};

/// The named references decoded, sorted by name (the test checks it).
const NAMED: &[(&str, char)] = &[
    ("AElig", 'Æ'),
    ("Aacute", 'Á'),
    ("Acirc", 'Â'),
    ("Agrave", 'À'),
    ("Aring", 'Å'),
    ("Atilde", 'Ã'),
    ("Auml", 'Ä'),
    ("Ccedil", 'Ç'),
    ("Dagger", '‡'),
    ("ETH", 'Ð'),
    ("Eacute", 'É'),
    ("Ecirc", 'Ê'),
    ("Egrave", 'È'),
    ("Euml", 'Ë'),
    ("Iacute", 'Í'),
    ("Icirc", 'Î'),
    ("Igrave", 'Ì'),
    ("Iuml", 'Ï'),
    ("Ntilde", 'Ñ'),
    ("OElig", 'Œ'),
    ("Oacute", 'Ó'),
    ("Ocirc", 'Ô'),
    ("Ograve", 'Ò'),
    ("Oslash", 'Ø'),
    ("Otilde", 'Õ'),
    ("Ouml", 'Ö'),
    ("Prime", '″'),
    ("Scaron", 'Š'),
    ("THORN", 'Þ'),
    ("Uacute", 'Ú'),
    ("Ucirc", 'Û'),
    ("Ugrave", 'Ù'),
    ("Uuml", 'Ü'),
    ("Yacute", 'Ý'),
    ("Yuml", 'Ÿ'),
    ("aacute", 'á'),
    ("acirc", 'â'),
    ("acute", '´'),
    ("aelig", 'æ'),
    ("agrave", 'à'),
    ("amp", '&'),
    ("apos", '\''),
    ("aring", 'å'),
    ("atilde", 'ã'),
    ("auml", 'ä'),
    ("bdquo", '„'),
    ("brvbar", '¦'),
    ("bull", '•'),
    ("ccedil", 'ç'),
    ("cedil", '¸'),
    ("cent", '¢'),
    ("circ", 'ˆ'),
    ("copy", '©'),
    ("curren", '¤'),
    ("dagger", '†'),
    ("deg", '°'),
    ("divide", '÷'),
    ("eacute", 'é'),
    ("ecirc", 'ê'),
    ("egrave", 'è'),
    ("emsp", '\u{2003}'),
    ("ensp", '\u{2002}'),
    ("eth", 'ð'),
    ("euml", 'ë'),
    ("euro", '€'),
    ("fnof", 'ƒ'),
    ("frac12", '½'),
    ("frac14", '¼'),
    ("frac34", '¾'),
    ("gt", '>'),
    ("hellip", '…'),
    ("iacute", 'í'),
    ("icirc", 'î'),
    ("iexcl", '¡'),
    ("igrave", 'ì'),
    ("iquest", '¿'),
    ("iuml", 'ï'),
    ("laquo", '«'),
    ("ldquo", '“'),
    ("lsaquo", '‹'),
    ("lsquo", '‘'),
    ("lt", '<'),
    ("macr", '¯'),
    ("mdash", '—'),
    ("micro", 'µ'),
    ("middot", '·'),
    ("nbsp", '\u{A0}'),
    ("ndash", '–'),
    ("not", '¬'),
    ("ntilde", 'ñ'),
    ("oacute", 'ó'),
    ("ocirc", 'ô'),
    ("oelig", 'œ'),
    ("ograve", 'ò'),
    ("ordf", 'ª'),
    ("ordm", 'º'),
    ("oslash", 'ø'),
    ("otilde", 'õ'),
    ("ouml", 'ö'),
    ("para", '¶'),
    ("permil", '‰'),
    ("plusmn", '±'),
    ("pound", '£'),
    ("prime", '′'),
    ("quot", '"'),
    ("raquo", '»'),
    ("rdquo", '”'),
    ("reg", '®'),
    ("rsaquo", '›'),
    ("rsquo", '’'),
    ("sbquo", '‚'),
    ("scaron", 'š'),
    ("sect", '§'),
    ("shy", '\u{AD}'),
    ("sup1", '¹'),
    ("sup2", '²'),
    ("sup3", '³'),
    ("szlig", 'ß'),
    ("thinsp", '\u{2009}'),
    ("thorn", 'þ'),
    ("tilde", '˜'),
    ("times", '×'),
    ("trade", '™'),
    ("uacute", 'ú'),
    ("ucirc", 'û'),
    ("ugrave", 'ù'),
    ("uml", '¨'),
    ("uuml", 'ü'),
    ("yacute", 'ý'),
    ("yen", '¥'),
    ("yuml", 'ÿ'),
];

/// The text of `normalized` with its references replaced by their
/// characters, and for each character of it (in order) the range of the
/// original text it comes from: a decoded character's is its whole
/// reference's. `None` when the text holds no reference.
pub(super) fn decode(normalized: &Normalized) -> Option<(String, Vec<(u32, u32)>)> {
    let text = normalized.text.as_str();
    let bytes = text.as_bytes();
    let first = memchr::memchr(b'&', bytes)?;
    let mut references = memchr::memchr_iter(b'&', &bytes[first..])
        .map(|i| first + i)
        .filter_map(|amp| reference_at(&text[amp..]).map(|(c, len)| (amp, c, len)))
        .peekable();
    references.peek()?;
    let mut decoded = String::with_capacity(text.len());
    let mut ranges = Vec::with_capacity(text.len());
    let mut cursor = Cursor::default();
    let mut copied = 0;
    let mut push = |decoded: &mut String, c: char, start: usize, end: usize| {
        ranges.push(normalized.origin.range_from(&mut cursor, start, end));
        decoded.push(c);
    };
    for (amp, c, len) in references {
        // References do not overlap: `&` ends none.
        for (i, ch) in text[copied..amp].char_indices() {
            let at = copied + i;
            push(&mut decoded, ch, at, at + ch.len_utf8());
        }
        push(&mut decoded, c, amp, amp + len);
        copied = amp + len;
    }
    for (i, ch) in text[copied..].char_indices() {
        let at = copied + i;
        push(&mut decoded, ch, at, at + ch.len_utf8());
    }
    Some((decoded, ranges))
}

/// `again`, the normalization of a decoded text, with its ranges (code
/// points of the decoded text) composed with `ranges` (for each of those
/// code points, its range of the original text).
pub(super) fn compose(again: Normalized, ranges: &[(u32, u32)]) -> Normalized {
    let mut origin = OriginMap::with_capacity(again.text.len());
    let mut lookup = again.original_ranges();
    for (at, ch) in again.text.char_indices() {
        let (start, end) = lookup.range(at, at + ch.len_utf8());
        let range = match (
            ranges.get(start),
            end.checked_sub(1).and_then(|e| ranges.get(e)),
        ) {
            (Some(first), Some(last)) if start < end => (first.0, last.1),
            // Every normalized character comes from at least one code point;
            // an empty range would stand where it was found.
            _ => {
                debug_assert!(false, "an empty range for {ch:?}");
                let at = ranges.get(start).or(ranges.last()).map_or(0, |r| r.0);
                (at, at)
            }
        };
        origin.push_char(at, ch.len_utf8(), range);
    }
    origin.finish(again.text.len());
    Normalized {
        text: again.text,
        origin,
    }
}

/// The character of the reference at the start of `text` (which starts
/// with `&`) and the reference's length in bytes, if it is one. A
/// reference to `&` followed by the rest of another (`&amp;amp;eacute;`,
/// double escaping) is read as one reference to that one's character, so
/// that a chain of any depth is decoded in one round and in linear time.
fn reference_at(text: &str) -> Option<(char, usize)> {
    let (mut c, mut len) = reference_body(&text[1..]).map(|(c, body)| (c, body + 1))?;
    while c == '&' {
        let Some((next, body)) = reference_body(&text[len..]) else {
            break;
        };
        (c, len) = (next, len + body);
    }
    Some((c, len))
}

/// The longest reference read, in bytes from the `&`: `&#x10FFFF;`. A
/// longer one (a number with leading zeros) stays as written.
const MAX_REFERENCE_LEN: usize = 10;

/// A reference's character and the length of its body (what follows its
/// `&`, up to and with its `;`), at the start of `body`.
fn reference_body(body: &str) -> Option<(char, usize)> {
    let semicolon = body
        .bytes()
        .take(MAX_REFERENCE_LEN - 1)
        .position(|b| b == b';')?;
    let name = &body[..semicolon];
    let c = if let Some(number) = name.strip_prefix('#') {
        let value = match number.strip_prefix(['x', 'X']) {
            Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                u32::from_str_radix(hex, 16).ok()?
            }
            _ if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => {
                number.parse().ok()?
            }
            _ => return None,
        };
        numeric(value)?
    } else {
        let i = NAMED.binary_search_by(|&(n, _)| n.cmp(name)).ok()?;
        NAMED[i].1
    };
    Some((c, semicolon + 1))
}

/// The character a numeric reference stands for, as HTML reads it: 128 to
/// 159 are the Windows-1252 characters pages written in that code page
/// meant (`&#146;` is ’, not a control), 0 is the replacement character.
fn numeric(value: u32) -> Option<char> {
    const WINDOWS_1252: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match value {
        0 => Some(char::REPLACEMENT_CHARACTER),
        128..=159 => Some(WINDOWS_1252[(value - 128) as usize]),
        _ => char::from_u32(value),
    }
}

#[cfg(test)]
mod tests {
    use super::super::normalize;
    use super::*;

    #[test]
    fn named_references_are_sorted_and_short() {
        assert!(NAMED.windows(2).all(|pair| pair[0].0 < pair[1].0));
        assert!(
            NAMED
                .iter()
                .all(|(name, _)| name.len() + 2 <= MAX_REFERENCE_LEN)
        );
    }

    fn chars_of(text: &str, (start, end): (usize, usize)) -> String {
        text.chars().skip(start).take(end - start).collect()
    }

    #[test]
    fn references_decode_and_map_back_to_the_whole_reference() {
        let original = "EC President Jos&#233; Manuel Barroso met AT&amp;T &lt;bosses&gt;";
        let n = normalize(original);
        assert_eq!(
            n.text(),
            "EC President José Manuel Barroso met AT&T <bosses>"
        );
        let at = n.text().find('é').unwrap();
        assert_eq!(
            chars_of(original, n.original_range(at, at + 'é'.len_utf8())),
            "&#233;"
        );
        let word = n.text().find("José").unwrap();
        assert_eq!(
            chars_of(original, n.original_range(word, word + "José".len())),
            "Jos&#233;"
        );
        let barroso = n.text().find("Barroso").unwrap();
        assert_eq!(
            chars_of(original, n.original_range(barroso, barroso + 7)),
            "Barroso"
        );
        assert_eq!(normalize("caf&#xE9; &eacute;t&eacute;").text(), "café été");
        // Punctuation folds as written punctuation does.
        assert_eq!(
            normalize("it&rsquo;s &ldquo;new&rdquo; &mdash; 5&hellip;").text(),
            "it's \"new\" - 5..."
        );
    }

    #[test]
    fn spaces_from_references_never_double_whitespace() {
        assert_eq!(normalize("a&nbsp;b").text(), "a b");
        assert_eq!(normalize("a &nbsp; b").text(), "a b");
        assert_eq!(normalize("a&nbsp;&nbsp;b").text(), "a b");
        assert_eq!(normalize("&nbsp;a&#32;").text(), "a");
    }

    #[test]
    fn malformed_references_stay_and_decoded_ones_normalize_with_their_neighbours() {
        for kept in [
            "&eacute",
            "&unknown;",
            "&#;",
            "&#x;",
            "&#1114112;",
            "& amp;",
            "&#xD800;",
            "&#12345678901;",
        ] {
            assert_eq!(normalize(kept).text(), kept, "{kept}");
        }
        assert_eq!(normalize("R&amp;D").text(), "R&D");
        // Decoded characters normalize with their neighbours, and a
        // reference made by decoding or by NFKC is decoded too.
        assert_eq!(normalize("e&#769;t&#xE9;").text(), "été");
        assert_eq!(normalize("\u{1100}&#4449;").text(), "\u{AC00}");
        assert_eq!(
            normalize("&amp;eacute; &#38;#233; &#65286;lt;").text(),
            "é é <"
        );
        assert_eq!(normalize("a&shy;b").text(), "ab");
        // Double escaping of any depth, in one round.
        assert_eq!(normalize("&amp;amp;amp;amp;amp;amp;eacute;").text(), "é");
        assert_eq!(normalize("&amp;amp;amp;amp;amp;amp;").text(), "&");
        // Windows-1252 numbers, as HTML reads them.
        assert_eq!(
            normalize("Sainsbury&#146;s &#147;deal&#148; &#151; &#133;").text(),
            "Sainsbury's \"deal\" - ..."
        );
        assert_eq!(normalize("&#x10FFFF;").text().chars().count(), 1);
    }

    proptest::proptest! {
        /// Decoding keeps normalization idempotent, whatever references,
        /// marks, jamo and spaces stand around one another.
        #[test]
        fn normalizing_text_with_references_twice_equals_once(
            text in "(&(amp|eacute|nbsp|#233|#x301|#4449|#38|#32|rsquo|lt|#65|x);?|amp;|[a-z#; ]|\u{1100}|\u{301}|\u{200B}|é){0,16}"
        ) {
            let once = normalize(&text);
            let twice = normalize(once.text());
            proptest::prop_assert_eq!(once.text(), twice.text());
        }
    }
}
