//! Folding Chinese text for segmentation and matching: traditional characters
//! to simplified (jieba's dictionary is simplified, and so should the index
//! terms be), and the circle ○ that Chinese text uses as a zero (二○○一年) to
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
    let mut next = Some(first);
    while let Some(position) = next {
        let Some(c) = super::three_byte_char_at(bytes, position) else {
            // A four-byte character.
            next = crate::ascii::next_three_byte_lead(bytes, position + 4);
            continue;
        };
        let at = position + 3;
        next = crate::ascii::next_three_byte_lead(bytes, at);
        if !convertible.contains(c) {
            continue;
        }
        let previous = text[..position].chars().next_back();
        let next = text[at..].chars().next();
        let simplified = if c == '著' {
            zhe_or_zhu(previous, next)
        } else {
            convert_in_context(previous, c, next)
        };
        // Folding keeps byte offsets: a replacement of another length is
        // left out (fast2s has none).
        if simplified != c && simplified.len_utf8() == c.len_utf8() {
            let mut buf = [0u8; 4];
            folded
                .get_or_insert_with(|| text.to_string())
                .replace_range(position..at, simplified.encode_utf8(&mut buf));
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

/// fast2s's conversion of `c` between `previous` and `next`.
fn convert_in_context(previous: Option<char>, c: char, next: Option<char>) -> char {
    let window: String = previous.into_iter().chain([c]).chain(next).collect();
    let converted = fast2s::convert(&window);
    converted
        .chars()
        .nth(usize::from(previous.is_some()))
        .unwrap_or(c)
}

/// The characters fast2s may convert: those it converts alone, and those it
/// converts only next to certain others, computed by the build script
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
    fn the_embedded_set_is_what_fast2s_converts() {
        let words = crate::normalize::convertible::convertible_words();
        let set = convertible_characters();
        for c in (0..0x10000u32).filter_map(char::from_u32) {
            let listed = words[c as usize / 64] >> (c as usize % 64) & 1 == 1;
            assert_eq!(set.contains(c), listed, "{c:?}");
        }
        assert!(set.contains('們') && set.contains('著') && !set.contains('们'));
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
        /// changes nothing: fold equals fast2s on every text, but for 著,
        /// which fold decides itself.
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
