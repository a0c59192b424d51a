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
    } else if matches!(c, '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}') && c != '\u{30FB}' {
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
}
