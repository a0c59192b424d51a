//! Tests on eight ASCII bytes at once (SWAR), for the loops that scan
//! English text byte by byte and would otherwise mispredict at the end of
//! every word.
//!
//! A block is eight bytes read little-endian into a `u64`; a mask has the
//! high bit of each byte lane set where the lane passes a test. Every test
//! here is exact only for bytes below 0x80, which callers check first.

/// 0x01 in every lane.
pub const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every lane.
pub const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The eight bytes of `bytes` from `at`, if there are eight.
#[inline]
pub fn block_at(bytes: &[u8], at: usize) -> Option<u64> {
    let block = bytes.get(at..at + 8)?;
    Some(u64::from_le_bytes(block.try_into().expect("eight bytes")))
}

/// The lanes of `block` (ASCII) holding a byte from `low` to `high`.
#[inline]
pub fn in_range(block: u64, low: u8, high: u8) -> u64 {
    // Below 0x80, a byte plus 0x80 - n has its high bit set exactly when the
    // byte is at least n, and never carries into the next lane.
    let at_least = |n: u8| block.wrapping_add(ONES * u64::from(0x80 - n));
    at_least(low) & !at_least(high + 1) & HIGH_BITS
}

/// The lanes of `block` (ASCII) holding a letter.
#[inline]
pub fn letters(block: u64) -> u64 {
    in_range(block | (ONES * 0x20), b'a', b'z')
}

/// How many lanes of `mask` are set (without relying on a popcount
/// instruction, which the baseline x86-64 target lacks).
#[inline]
pub fn count_lanes(mask: u64) -> usize {
    // Each lane becomes 0 or 1; the multiplication sums them into the top lane.
    ((mask >> 7).wrapping_mul(ONES) >> 56) as usize
}

/// The index of the first lane of `block` holding `byte`, if any. Unlike
/// the tests above, exact for any bytes, not only ASCII: a lane is flagged
/// where `block ^ byte` has a zero byte, and while a false flag can follow a
/// true one (the subtraction borrows upwards), the first flag is always true.
#[inline]
pub fn first_lane_equal(block: u64, byte: u8) -> Option<usize> {
    let x = block ^ (ONES * u64::from(byte));
    let zeros = x.wrapping_sub(ONES) & !x & HIGH_BITS;
    (zeros != 0).then(|| first_lane(zeros))
}

/// The lanes of `block` holding a byte of 0xE0 or more: the lead byte of a
/// character of three or four bytes in UTF-8 (Han among them). Exact for
/// any bytes: the three shifted copies meet in a lane's high bit only
/// where that lane's own three high bits are set.
#[inline]
pub fn three_high_bits(block: u64) -> u64 {
    block & block << 1 & block << 2 & HIGH_BITS
}

/// The offset of the first byte of 0xE0 or more in `bytes` from `from`:
/// the next character of three or four bytes in UTF-8 text, found eight
/// bytes at a time across English.
#[inline]
pub fn next_three_byte_lead(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(block) = block_at(bytes, at) {
        let leads = three_high_bits(block);
        if leads != 0 {
            return Some(at + first_lane(leads));
        }
        at += 8;
    }
    bytes
        .get(at..)?
        .iter()
        .position(|&b| b >= 0xE0)
        .map(|offset| at + offset)
}

/// The index of the first lane set in `mask`, which is not zero.
#[inline]
pub fn first_lane(mask: u64) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_byte_leads_are_found_as_a_byte_loop_finds_them() {
        // Every byte value at every lane, among fillers on both sides of
        // the threshold.
        for b in 0..=255u8 {
            for filler in [0u8, b'a', 0x7F, 0x80, 0xBF, 0xC3, 0xDF] {
                for at in 0..19 {
                    let mut bytes = vec![filler; 19];
                    bytes[at] = b;
                    for from in [0, 1, at.min(18), 11] {
                        let expected = bytes[from..]
                            .iter()
                            .position(|&x| x >= 0xE0)
                            .map(|o| from + o);
                        assert_eq!(
                            next_three_byte_lead(&bytes, from),
                            expected,
                            "{bytes:?} from {from}"
                        );
                    }
                }
            }
        }
        assert_eq!(next_three_byte_lead(b"abc", 3), None);
        assert_eq!(next_three_byte_lead(b"abc", 4), None);
    }

    #[test]
    fn masks_agree_with_byte_tests() {
        for b in 0u8..128 {
            for filler in [b' ', b'a', b'Z', b'~', 0x7F, 0] {
                for at in 0..8 {
                    let mut bytes = [filler; 8];
                    bytes[at] = b;
                    let block = block_at(&bytes, 0).unwrap();
                    let digits = in_range(block, b'0', b'9');
                    let expected = bytes.iter().filter(|b| b.is_ascii_digit()).count();
                    assert_eq!(count_lanes(digits), expected);
                    let alphabetic = letters(block);
                    for (k, &byte) in bytes.iter().enumerate() {
                        let lane = |mask: u64| mask >> (8 * k + 7) & 1 == 1;
                        assert_eq!(lane(digits), byte.is_ascii_digit(), "{bytes:?} {k}");
                        assert_eq!(
                            lane(alphabetic),
                            byte.is_ascii_alphabetic(),
                            "{bytes:?} {k}"
                        );
                    }
                }
            }
        }
    }
}
