//! The characters canon's fold may convert (fast2s's and canon's own
//! variants), as one bit per code point of the
//! Basic Multilingual Plane. Shared, through `#[path]`, by this crate's
//! build script, which computes the set once into `OUT_DIR`, and by the
//! tests that check the embedded set against fast2s itself: asking fast2s
//! about all 63,000 three-byte characters cost every process 21M
//! instructions, half of its start-up.

/// Characters fast2s converts only within certain words (藉口 → 借口,
/// 看著 → 看着): a conversion of the character alone does not show them.
pub const ONLY_IN_CONTEXT: [char; 3] = ['藉', '著', '苧'];

/// The set as 1,024 words of 64 bits, bit `c % 64` of word `c / 64` for
/// code point `c`. fast2s converts only three-byte characters; each is
/// converted between ASCII characters, the context fast2s sees for a
/// character alone, in one call for them all.
pub fn convertible_words() -> Vec<u64> {
    let three_byte = || (0x800u32..0x10000).filter_map(char::from_u32);
    let spaced: String = three_byte().flat_map(|c| [c, '0']).collect();
    let converted = fast2s::convert(&spaced);
    let mut words = vec![0u64; 0x10000 / 64];
    let mut set = |c: char| words[c as usize / 64] |= 1 << (c as usize % 64);
    for (original, result) in three_byte().zip(converted.chars().step_by(2)) {
        if original != result {
            set(original);
        }
    }
    ONLY_IN_CONTEXT.into_iter().for_each(&mut set);
    super::variants::variant_pairs().for_each(|(from, _)| set(from));
    words
}
