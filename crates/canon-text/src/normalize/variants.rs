//! canon's own fold of variant Han characters (`data/chinese-variants.txt`),
//! which fast2s leaves or folds to outdated forms. Shared, through `#[path]`,
//! by this crate's build script, which marks the characters convertible.

/// `data/chinese-variants.txt`: characters canon folds itself, before
/// fast2s, because fast2s leaves them or gives an outdated form.
pub const VARIANTS: &str = include_str!("../../../../data/chinese-variants.txt");

/// The pairs of [`VARIANTS`]: the character as written and its simplified
/// form, both three bytes in UTF-8 (checked by the tests of `chinese.rs`).
pub fn variant_pairs() -> impl Iterator<Item = (char, char)> {
    VARIANTS
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .filter_map(|line| {
            let (from, to) = line.split_once('\t')?;
            Some((from.chars().next()?, to.chars().next()?))
        })
}
