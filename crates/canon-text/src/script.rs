//! Which writing system a character belongs to, as far as routing needs to know.

/// The scripts canon routes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Chinese characters (also used in Japanese and traditional Korean).
    Han,
    /// Japanese hiragana and katakana.
    Kana,
    /// Latin letters, with their accented forms.
    Latin,
    /// Everything else: digits, punctuation, spaces and other scripts.
    Other,
}

/// The script of `c`.
pub fn script_of(c: char) -> Script {
    if c.is_ascii() {
        return if c.is_ascii_alphabetic() {
            Script::Latin
        } else {
            Script::Other
        };
    }
    if is_han(c) {
        Script::Han
    } else if is_kana(c) {
        Script::Kana
    } else if matches!(c, '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}') && c != '×' && c != '÷'
    {
        Script::Latin
    } else {
        Script::Other
    }
}

/// Whether `c` is a Han character (CJK ideograph, including the extension
/// blocks, compatibility ideographs, the iteration mark 々 and the zero 〇).
#[inline]
pub fn is_han(c: char) -> bool {
    // Most text asked about is Latin: settle it with one comparison.
    if c < '\u{3005}' {
        return false;
    }
    // Most Han text is in the main block: settle it with one more.
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        return true;
    }
    matches!(c,
        '\u{3005}' | '\u{3007}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2A6DF}'
        | '\u{2A700}'..='\u{2EBEF}'
        | '\u{2F800}'..='\u{2FA1F}'
        | '\u{30000}'..='\u{323AF}')
}

/// Whether `c` is Japanese hiragana or katakana (with the prolonged sound
/// mark ー and the iteration marks), not the katakana middle dot ・, which
/// Chinese writes in transliterated names (比尔・盖茨).
#[inline]
pub fn is_kana(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}') && c != '\u{30FB}'
}

/// Whether `c` belongs to a script of South-East Asia written without
/// spaces between words: Thai, Lao, Burmese (with its extensions) or Khmer
/// (with its symbols), letters, marks and digits alike.
#[inline]
pub fn is_south_east_asian(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}'
        | '\u{1000}'..='\u{109F}'
        | '\u{1780}'..='\u{17FF}'
        | '\u{19E0}'..='\u{19FF}'
        | '\u{A9E0}'..='\u{A9FF}'
        | '\u{AA60}'..='\u{AA7F}')
}

/// Whether `c` is a letter of a script written without spaces between
/// words (Han, kana, Thai, Lao, Burmese, Khmer): alias keys join such
/// characters without a separator, whatever a segmenter makes of them.
#[inline]
pub fn is_unspaced(c: char) -> bool {
    // Most text asked about is Latin: settle it with one comparison.
    c >= '\u{0E00}' && (is_han(c) || is_kana(c) || is_south_east_asian(c))
}

/// Whether `lead` is the first byte of a character from U+5000 to U+9FFF,
/// the heart of the CJK Unified Ideographs: all of them Han, so scans over
/// UTF-8 can settle most Chinese text without decoding it.
#[inline]
pub fn is_common_han_lead_byte(lead: u8) -> bool {
    (0xE5..=0xE9).contains(&lead)
}

/// Whether the character at byte `at` of `bytes` (valid UTF-8, `at` a
/// character boundary) is from U+4000 to U+9FFF but for the Yijing hexagram
/// symbols U+4DC0 to U+4DFF: all of them Han, told by their first two bytes
/// (lead bytes 0xE5 to 0xE9, or 0xE4 with a second byte other than 0xB7).
/// It takes in U+4E00 to U+4FFF, which [`is_common_han_lead_byte`] leaves
/// out though they hold some of the most common characters of Chinese
/// (一, 不, 个, 中, 为, 人, 们, 会, 作); `false` settles nothing.
#[inline]
pub fn is_han_at(bytes: &[u8], at: usize) -> bool {
    match bytes.get(at..at + 2) {
        Some(&[0xE5..=0xE9, _]) => true,
        Some(&[0xE4, second]) => second != 0xB7,
        _ => false,
    }
}

/// A set of characters of the Basic Multilingual Plane, one bit each: a
/// membership test without hashing, for loops that ask about every
/// character of a text. Characters beyond the BMP are never members; each
/// caller decides what that means for it.
#[derive(Debug, Clone)]
pub struct BmpSet {
    /// Of a fixed length, so that a code unit's word needs no bounds check.
    bits: Box<[u64; 0x10000 / 64]>,
}

impl Default for BmpSet {
    fn default() -> BmpSet {
        BmpSet {
            bits: Box::new([0; 0x10000 / 64]),
        }
    }
}

impl BmpSet {
    /// Adds `c`; characters beyond the BMP are left out.
    pub fn insert(&mut self, c: char) {
        let code = c as usize;
        if code < 0x10000 {
            self.bits[code / 64] |= 1 << (code % 64);
        }
    }

    /// Whether `c` is in the set (never for characters beyond the BMP).
    #[inline]
    pub fn contains(&self, c: char) -> bool {
        let code = c as usize;
        code < 0x10000 && self.bits[code / 64] & (1 << (code % 64)) != 0
    }

    /// Whether the character of BMP code point `code` is in the set: for
    /// scans that read code points from UTF-8 themselves and need no `char`
    /// of those they turn away.
    #[inline]
    pub fn contains_code(&self, code: u16) -> bool {
        self.bits[usize::from(code >> 6)] >> (code & 63) & 1 != 0
    }

    /// Whether `c` is in the set or beyond the BMP, where the set cannot
    /// tell: the answer for a filter that must never turn away a member.
    #[inline]
    pub fn may_contain(&self, c: char) -> bool {
        c as usize >= 0x10000 || self.contains(c)
    }
}

/// Whether `c` is in General Punctuation or is CJK punctuation: the
/// separators of Chinese text, none of them a letter or digit. A range test
/// settles them before the Unicode tables are asked about other characters.
#[inline]
pub fn is_common_punctuation(c: char) -> bool {
    matches!(c, '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{3004}' | '\u{3008}'..='\u{3020}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `is_han`'s early answers agree with its list of blocks, on every
    /// character.
    #[test]
    fn han_is_the_listed_blocks() {
        let listed = |c: char| {
            matches!(c,
                '\u{3005}' | '\u{3007}'
                | '\u{3400}'..='\u{4DBF}'
                | '\u{4E00}'..='\u{9FFF}'
                | '\u{F900}'..='\u{FAFF}'
                | '\u{20000}'..='\u{2A6DF}'
                | '\u{2A700}'..='\u{2EBEF}'
                | '\u{2F800}'..='\u{2FA1F}'
                | '\u{30000}'..='\u{323AF}')
        };
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_han(c), listed(c), "{c:?}");
        }
    }

    #[test]
    fn common_han_lead_bytes_start_han_characters_only() {
        for c in '\u{3000}'..='\u{FFFF}' {
            let mut buf = [0u8; 4];
            if is_common_han_lead_byte(c.encode_utf8(&mut buf).as_bytes()[0]) {
                assert!(is_han(c), "{c:?}");
            }
        }
        assert!(is_common_han_lead_byte("国".as_bytes()[0]) && !is_common_han_lead_byte(b'a'));
    }

    /// `is_han_at` says yes to Han characters only, and to every character
    /// from U+4000 to U+9FFF but the hexagrams; at the end of a text it
    /// says no.
    #[test]
    fn han_at_is_two_bytes_of_the_han_block() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let mut buf = [0u8; 4];
            let bytes = c.encode_utf8(&mut buf).as_bytes();
            let expected =
                matches!(c, '\u{4000}'..='\u{9FFF}') && !matches!(c, '\u{4DC0}'..='\u{4DFF}');
            assert_eq!(is_han_at(bytes, 0), expected, "{c:?}");
            assert!(!is_han_at(bytes, 0) || is_han(c), "{c:?}");
        }
        assert!(!is_han_at(b"", 0) && !is_han_at("中".as_bytes(), 3));
    }

    #[test]
    fn bmp_sets_hold_what_was_inserted() {
        let mut set = BmpSet::default();
        set.insert('月');
        set.insert('\u{20000}');
        assert!(set.contains('月') && !set.contains('之'));
        assert!(!set.contains('\u{20000}') && set.may_contain('\u{20000}'));
        assert!(set.contains_code(0x6708) && !set.contains_code(0x4E4B));
    }

    #[test]
    fn common_punctuation_is_neither_letter_nor_digit() {
        for c in ('\u{2000}'..='\u{30FF}').filter(|&c| is_common_punctuation(c)) {
            assert!(!c.is_alphanumeric(), "{c:?}");
        }
        assert!(is_common_punctuation('。') && is_common_punctuation('—'));
        assert!(!is_common_punctuation('々') && !is_common_punctuation('〡'));
    }

    #[test]
    fn classifies_the_scripts_canon_routes_on() {
        assert_eq!(script_of('月'), Script::Han);
        assert_eq!(script_of('〇'), Script::Han);
        assert_eq!(script_of('の'), Script::Kana);
        assert_eq!(script_of('é'), Script::Latin);
        assert_eq!(script_of('D'), Script::Latin);
        assert_eq!(script_of('7'), Script::Other);
        assert_eq!(script_of('，'), Script::Other);
        assert_eq!(script_of('Ж'), Script::Other);
    }

    #[test]
    fn unspaced_scripts() {
        for c in ['月', 'の', 'ソ', 'ー', 'ก', 'ໄ', 'က', 'ក'] {
            assert!(is_unspaced(c), "{c:?}");
        }
        for c in ['・', 'a', '한', '。', 'Ж', '1'] {
            assert!(!is_unspaced(c), "{c:?}");
        }
        assert!(is_kana('ー') && !is_kana('・') && !is_kana('月'));
    }
}
