//! Folding Chinese text for segmentation and matching: traditional characters
//! to simplified (jieba's dictionary is simplified, and so should the index
//! terms be) by fast2s, with canon's own fold of variant characters that
//! fast2s leaves or folds to outdated forms (`data/chinese-variants.txt`:
//! 羣 → 群, 諮 → 咨, 瀋 → 沈), and the circle ○ that Chinese text uses as a zero (二○○一年) to
//! the ideographic zero 〇.
//!
//! Folding replaces characters one for one with characters of the same UTF-8
//! length, so every byte offset into the folded text is also an offset into
//! the normalized text: tokens come out simplified while their spans still
//! point at the original characters. `normalized_text` itself is not folded.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::script::{BmpSet, is_han};

/// The text with traditional Han characters folded to simplified and ○ used
/// as a numeral folded to 〇; byte offsets are unchanged.
pub fn fold(text: &str) -> Cow<'_, str> {
    // Han characters and ○ are three or four bytes in UTF-8 (a lead byte of
    // 0xE0 or more); text without such characters (English with a £ or an
    // é) has nothing to fold. They are looked for eight bytes at a time:
    // English with curly quotes has a few per line.
    let bytes = text.as_bytes();
    let Some(first) = crate::ascii::next_three_byte_lead(bytes, 0) else {
        return Cow::Borrowed(text);
    };
    // fast2s converts each character by itself and the characters on either
    // side of it (the neighbours of a text's ends are '0'), so only the
    // characters it may convert are handed to it, with their neighbours;
    // most Chinese text is simplified already and has none or few.
    // Only three-byte characters convert: the scan decodes nothing else.
    let convertible = convertible_characters();
    let mut folded: Option<String> = None;
    let mut position = first;
    while let Some(&lead) = bytes.get(position) {
        // Chinese text is three-byte characters one after the other: each
        // is tested where the one before ends, and only a stretch of other
        // characters is scanned eight bytes at a time.
        if lead < 0xE0 {
            match crate::ascii::next_three_byte_lead(bytes, position) {
                Some(next) => position = next,
                None => break,
            }
            continue;
        }
        if lead >= 0xF0 {
            // A four-byte character.
            position += 4;
            continue;
        }
        let (start, at) = (position, position + 3);
        let Some(&[_, second, third]) = bytes.get(start..at) else {
            break;
        };
        position = at;
        // The code point, not yet a `char`: most characters are not
        // convertible, and need no more.
        let code =
            u16::from(lead & 0x0F) << 12 | u16::from(second & 0x3F) << 6 | u16::from(third & 0x3F);
        if !convertible.contains_code(code) {
            continue;
        }
        let c = char::from_u32(u32::from(code)).expect("three bytes of UTF-8 make a char");
        let previous = text[..start].chars().next_back();
        let next = text[at..].chars().next();
        let simplified = simplify(previous, c, next);
        // Folding keeps byte offsets: a replacement of another length is
        // left out (fast2s has none).
        if simplified != c && simplified.len_utf8() == c.len_utf8() {
            let mut buf = [0u8; 4];
            folded
                .get_or_insert_with(|| text.to_string())
                .replace_range(start..at, simplified.encode_utf8(&mut buf));
        }
    }
    match folded {
        Some(folded) if folded.contains('○') => Cow::Owned(fold_circle_zero(&folded)),
        Some(folded) => Cow::Owned(folded),
        None if text.contains('○') => {
            let circles_folded = fold_circle_zero(text);
            if circles_folded == text {
                Cow::Borrowed(text)
            } else {
                Cow::Owned(circles_folded)
            }
        }
        None => Cow::Borrowed(text),
    }
}

/// The words of `data/chinese-zhu.txt`: 著 stays 著 inside them.
const ZHU_WORDS: &str = include_str!("../../../../data/chinese-zhu.txt");

/// 著 between `previous` and `next`: 著 in the words where it is zhù
/// (著名, 显著, 名著), otherwise 着, the particle and verb of simplified
/// Chinese (很著急 → 很着急, 著手 → 着手), which fast2s converts only in 看著.
/// Traditional text writes both with 著; simplified text writes 著 only in
/// the zhù words, which stay.
fn zhe_or_zhu(previous: Option<char>, next: Option<char>) -> char {
    static PAIRS: OnceLock<Vec<[char; 2]>> = OnceLock::new();
    let pairs = PAIRS.get_or_init(|| {
        ZHU_WORDS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|word| {
                // Only the characters right next to 著 matter.
                let chars: Vec<char> = word.chars().collect();
                let at = chars.iter().position(|&c| c == '著')?;
                Some(if at == 0 {
                    ['著', *chars.get(1)?]
                } else {
                    [chars[at - 1], '著']
                })
            })
            .collect()
    });
    let zhu = pairs
        .iter()
        .any(|&[a, b]| (a == '著' && Some(b) == next) || (b == '著' && Some(a) == previous));
    if zhu { '著' } else { '着' }
}

/// The simplified form of a character canon may convert
/// ([`convertible_characters`]) between `previous` and `next`: canon's own
/// variants first (`data/chinese-variants.txt`: 羣 → 群, 瀋 → 沈), then 著 by
/// its words, then fast2s.
fn simplify(previous: Option<char>, c: char, next: Option<char>) -> char {
    if let Some(simplified) = variant_of(c) {
        simplified
    } else if c == '著' {
        zhe_or_zhu(previous, next)
    } else {
        convert_in_context(previous, c, next)
    }
}

/// The simplified form `data/chinese-variants.txt` gives `c`, if any.
fn variant_of(c: char) -> Option<char> {
    static SORTED: OnceLock<Vec<(char, char)>> = OnceLock::new();
    let sorted = SORTED.get_or_init(|| {
        let mut pairs: Vec<(char, char)> = super::variants::variant_pairs().collect();
        pairs.sort_unstable();
        pairs
    });
    sorted
        .binary_search_by_key(&c, |&(from, _)| from)
        .ok()
        .map(|i| sorted[i].1)
}

/// fast2s's conversion of `c` between `previous` and `next`.
fn convert_in_context(previous: Option<char>, c: char, next: Option<char>) -> char {
    let window: String = previous.into_iter().chain([c]).chain(next).collect();
    let converted = fast2s::convert(&window);
    converted
        .chars()
        .nth(usize::from(previous.is_some()))
        .unwrap_or(c)
}

/// The characters the fold may convert: those fast2s converts alone, those
/// it converts only next to certain others, and canon's variants
/// (`data/chinese-variants.txt`), computed by the build script
/// (`src/normalize/convertible.rs`).
fn convertible_characters() -> &'static BmpSet {
    static CONVERTIBLE: OnceLock<BmpSet> = OnceLock::new();
    static WORDS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/convertible.bin"));
    CONVERTIBLE.get_or_init(|| {
        let mut convertible = BmpSet::default();
        for (index, word) in WORDS.chunks_exact(8).enumerate() {
            let mut word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
            while word != 0 {
                let bit = word.trailing_zeros();
                word &= word - 1;
                let c = char::from_u32(index as u32 * 64 + bit).expect("written from chars");
                convertible.insert(c);
            }
        }
        convertible
    })
}

/// Chinese numerals, the characters a ○ used as zero stands between.
pub fn is_chinese_numeral(c: char) -> bool {
    matches!(
        c,
        '〇' | '零'
            | '一'
            | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '百'
            | '千'
            | '万'
            | '亿'
            | '两'
    )
}

/// ○ (U+25CB, a geometric shape) becomes 〇 (U+3007, a Han numeral) when it
/// stands in a run of numerals; both are three bytes in UTF-8.
fn fold_circle_zero(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let numeral_like = |c: char| c == '○' || is_chinese_numeral(c);
    (0..chars.len())
        .map(|i| {
            let c = chars[i];
            if c != '○' {
                return c;
            }
            // Walk over neighbouring circles to the nearest other character.
            let before = chars[..i].iter().rev().find(|&&p| p != '○');
            let after = chars[i + 1..].iter().find(|&&n| n != '○');
            let numeric = [before, after]
                .into_iter()
                .flatten()
                .any(|&n| numeral_like(n) && is_han(n));
            if numeric { '〇' } else { c }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_set_is_what_the_fold_may_convert() {
        let words = crate::normalize::convertible::convertible_words();
        let set = convertible_characters();
        for c in (0..0x10000u32).filter_map(char::from_u32) {
            let listed = words[c as usize / 64] >> (c as usize % 64) & 1 == 1;
            assert_eq!(set.contains(c), listed, "{c:?}");
        }
        assert!(set.contains('們') && set.contains('著') && !set.contains('们'));
        assert!(set.contains('羣') && set.contains('瀋'));
    }

    #[test]
    fn variants_fold_to_the_standard_simplified_characters() {
        assert_eq!(fold("羣眾 峯巒 諮詢 瀋陽 重疊"), "群众 峰峦 咨询 沈阳 重叠");
        // Simplified text and characters fast2s folds are as before.
        assert_eq!(fold("群众 沈阳 發展"), "群众 沈阳 发展");
        let pairs: Vec<(char, char)> = crate::normalize::variants::variant_pairs().collect();
        assert!(pairs.len() >= 40, "{}", pairs.len());
        let mut sources: Vec<char> = pairs.iter().map(|&(from, _)| from).collect();
        sources.sort_unstable();
        sources.dedup();
        assert_eq!(sources.len(), pairs.len(), "a character is listed twice");
        for (from, to) in pairs {
            // Folding keeps byte offsets; a folded character folds no further.
            assert_eq!((from.len_utf8(), to.len_utf8()), (3, 3), "{from}");
            assert_ne!(from, to);
            assert_eq!(fold(&to.to_string()), to.to_string(), "{from} → {to}");
            assert_eq!(fold(&from.to_string()), to.to_string(), "{from}");
        }
    }

    /// [`fold`] character by character: every character fast2s may
    /// convert is converted between its neighbours in the text as it was,
    /// then ○ folded; the reference for the scan by lead bytes.
    fn fold_by_chars(text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut folded = String::with_capacity(text.len());
        for (i, &c) in chars.iter().enumerate() {
            let previous = i.checked_sub(1).map(|p| chars[p]);
            let next = chars.get(i + 1).copied();
            let simplified = if convertible_characters().contains(c) {
                simplify(previous, c, next)
            } else {
                c
            };
            folded.push(if simplified.len_utf8() == c.len_utf8() {
                simplified
            } else {
                c
            });
        }
        if folded.contains('○') {
            fold_circle_zero(&folded)
        } else {
            folded
        }
    }

    proptest::proptest! {
        /// Stretches of Han (traditional, simplified, 著 and its words),
        /// ○ between numerals, ASCII, Latin with accents, CJK punctuation
        /// and characters beyond the BMP, in any order.
        #[test]
        fn the_scan_by_lead_bytes_folds_as_a_character_loop(
            text in "([發們著名看臺灣二○一年的羣瀋疊]{1,12}|[a-z0-9 .,]{1,12}|[éß£]|[，。“”]|[𠀀😀]){0,12}"
        ) {
            let (folded, expected) = (fold(&text), fold_by_chars(&text));
            proptest::prop_assert_eq!(folded.as_ref(), expected.as_str());
        }
    }

    #[test]
    fn traditional_folds_to_simplified_with_the_same_byte_offsets() {
        let text = "字節跳動與輝達在臺灣的發展";
        let folded = fold(text);
        assert_eq!(folded, "字节跳动与辉达在台湾的发展");
        assert_eq!(folded.len(), text.len());
    }

    #[test]
    fn simplified_and_latin_text_is_left_alone() {
        assert!(matches!(fold("月之暗面发布了著名的模型"), Cow::Borrowed(_)));
        assert!(matches!(fold("Moonshot AI"), Cow::Borrowed(_)));
        assert_eq!(
            fold("ＤｅｅｐＳｅｅｋ與月之暗面"),
            "ＤｅｅｐＳｅｅｋ与月之暗面"
        );
    }

    #[test]
    fn words_converted_only_in_context_still_convert() {
        assert_eq!(fold("看著"), "看着");
        assert_eq!(fold("苧麻"), "苎麻");
        for word in ["藉口", "憑藉", "乾隆", "乾淨", "著名"] {
            assert_eq!(fold(word), fast2s::convert(word), "{word}");
        }
    }

    #[test]
    fn zhe_folds_to_the_particle_outside_zhu_words() {
        assert_eq!(fold("他很著急"), "他很着急");
        assert_eq!(fold("著手準備,沉著應對,穿著"), "着手准备,沉着应对,穿着");
        assert_eq!(fold("著"), "着");
        // zhù words keep 著, in either script.
        for (text, folded) in [
            ("著名", "著名"),
            ("顯著", "显著"),
            ("显著", "显著"),
            ("名著", "名著"),
            ("魯迅所著", "鲁迅所著"),
            ("著作權", "著作权"),
        ] {
            assert_eq!(fold(text), folded, "{text}");
        }
    }

    proptest::proptest! {
        /// Skipping conversion for text without convertible characters
        /// changes nothing: fold equals fast2s on every text, but for 著
        /// and the variants of `data/chinese-variants.txt`, which fold
        /// decides itself (the alphabet has none of the variants).
        #[test]
        fn fold_equals_fast2s(indices in proptest::collection::vec(0usize..56, 1..40)) {
            // Runs of ASCII, two- and four-byte characters between them
            // (the scan for Han goes eight bytes at a time).
            let alphabet: Vec<char> =
                "藉口看著苧麻乾隆坤覆答兒寬發展台灣中国的○一a闔家鍾書讎定計畫於樊幺麽瞭望0bcdefghij k.é£𠀀𠀁ĀÀ“”"
                    .chars()
                    .collect();
            let i = |k: usize| k % alphabet.len();
            let indices: Vec<usize> = indices.into_iter().map(i).collect();
            let text: String = indices.into_iter().map(|i| alphabet[i]).collect();
            let expected: String = fast2s::convert(&text)
                .chars()
                .zip(fold(&text).chars())
                .map(|(fast, ours)| if ours == '着' || ours == '著' { ours } else { fast })
                .collect();
            let folded = fold(&text).replace('〇', "○");
            proptest::prop_assert_eq!(folded, expected);
        }
    }

    #[test]
    fn fast2s_keeps_utf8_lengths() {
        // Folding relies on it to keep byte offsets.
        let three_byte: String = (0x800u32..0x10000).filter_map(char::from_u32).collect();
        let converted = fast2s::convert(&three_byte);
        assert!(
            three_byte
                .chars()
                .zip(converted.chars())
                .all(|(a, b)| a.len_utf8() == b.len_utf8())
        );
        assert_eq!(three_byte.len(), converted.len());
    }

    #[test]
    fn circle_zero_folds_only_among_numerals() {
        assert_eq!(fold("二○○一年"), "二〇〇一年");
        assert_eq!(fold("○ 选项"), "○ 选项");
    }
}
