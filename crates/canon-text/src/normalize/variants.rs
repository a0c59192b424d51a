//! canon's own fold of variant Han characters (`data/chinese-variants.txt`),
//! which fast2s leaves or folds to outdated forms. Shared, through `#[path]`,
//! by this crate's build script, which marks the characters convertible.

/// `data/chinese-variants.txt`: characters canon folds itself, before
/// fast2s, because fast2s leaves them or gives an outdated form.
pub const VARIANTS: &str = include_str!("../../../../data/chinese-variants.txt");

/// The pairs of [`VARIANTS`]: the character as written and its simplified
/// form (both three bytes in UTF-8, and no character twice: checked by the
/// tests of `chinese.rs`).
///
/// # Panics
///
/// On a line that is not one character, a tab and one character: the build
/// script reads the file first, so such a file fails the build.
pub fn variant_pairs() -> impl Iterator<Item = (char, char)> {
    VARIANTS
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#') && !line.trim().is_empty())
        .map(|(index, line)| {
            let mut chars = line.chars();
            match (chars.next(), chars.next(), chars.next(), chars.next()) {
                (Some(from), Some('\t'), Some(to), None) => (from, to),
                _ => panic!(
                    "data/chinese-variants.txt:{}: {line:?} is not a character, a tab and a character",
                    index + 1
                ),
            }
        })
}
