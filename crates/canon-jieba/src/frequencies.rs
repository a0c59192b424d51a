//! Word frequencies by word id: jieba's own read in place from the compiled
//! dictionary, with the changes that added words make beside them.
//!
//! jieba's 349,000 frequencies were once widened into a `Vec<u64>` when the
//! dictionary was made, so that an added word's frequency (which may pass
//! `u32`) could replace a jieba word's: 2.8 MB written and about 680 pages
//! first touched by every process at its first Chinese text, for the few
//! thousand words an alias table changes. Here only those are stored.

use rustc_hash::FxHashMap;

/// Frequency per word id: jieba's words first (ids below `jieba.len()`),
/// added words after them.
pub(crate) struct Frequencies {
    /// jieba's frequencies, read in place.
    jieba: &'static [u32],
    /// One bit per jieba word: set when `changed` holds its frequency, so
    /// that most reads test a bit instead of probing the map.
    is_changed: Vec<u64>,
    /// The frequencies of jieba words that adding words changed.
    changed: FxHashMap<u32, u64>,
    /// The frequencies of added words, by id less `jieba.len()`.
    added: Vec<u64>,
}

impl Frequencies {
    /// jieba's frequencies, unchanged, with no added word.
    pub(crate) fn new(jieba: &'static [u32]) -> Frequencies {
        Frequencies {
            jieba,
            is_changed: vec![0; jieba.len().div_ceil(64)],
            changed: FxHashMap::default(),
            added: Vec::new(),
        }
    }

    /// How many words have a frequency: jieba's and the added ones.
    pub(crate) fn len(&self) -> usize {
        self.jieba.len() + self.added.len()
    }

    /// The frequency of word `id`; `None` past the last word.
    #[inline]
    pub(crate) fn get(&self, id: u32) -> Option<u64> {
        let i = id as usize;
        match self.jieba.get(i) {
            Some(&freq) if self.is_changed[i / 64] & 1 << (i % 64) == 0 => Some(u64::from(freq)),
            Some(_) => self.changed.get(&id).copied(),
            None => self.added.get(i - self.jieba.len()).copied(),
        }
    }

    /// Sets the frequency of word `id`, a jieba word or an added one.
    ///
    /// # Panics
    ///
    /// When `id` is past the last word.
    pub(crate) fn set(&mut self, id: u32, freq: u64) {
        let i = id as usize;
        if i < self.jieba.len() {
            self.is_changed[i / 64] |= 1 << (i % 64);
            self.changed.insert(id, freq);
        } else {
            self.added[i - self.jieba.len()] = freq;
        }
    }

    /// Adds a word of frequency `freq`; returns its id.
    pub(crate) fn push(&mut self, freq: u64) -> u32 {
        self.added.push(freq);
        u32::try_from(self.len() - 1).expect("word ids fit u32")
    }

    /// Every frequency, by id.
    #[cfg(test)]
    pub(crate) fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        (0..self.len()).map(|id| self.get(id as u32).expect("an id below len"))
    }
}

#[cfg(test)]
mod tests {
    use super::Frequencies;

    #[test]
    fn reads_in_place_what_is_unchanged_and_the_changes_beside_it() {
        static JIEBA: [u32; 130] = {
            let mut freqs = [0u32; 130];
            let mut i = 0;
            while i < freqs.len() {
                freqs[i] = i as u32 * 10;
                i += 1;
            }
            freqs
        };
        let mut freqs = Frequencies::new(&JIEBA);
        assert_eq!(freqs.len(), 130);
        assert_eq!(freqs.get(0), Some(0));
        assert_eq!(freqs.get(129), Some(1290));
        assert_eq!(freqs.get(130), None);
        // A change past u32, in the second and third words of bits.
        freqs.set(64, 1 << 40);
        freqs.set(129, 7);
        assert_eq!(freqs.get(64), Some(1 << 40));
        assert_eq!(freqs.get(63), Some(630));
        assert_eq!(freqs.get(65), Some(650));
        assert_eq!(freqs.get(129), Some(7));
        let id = freqs.push(5);
        assert_eq!((id, freqs.len()), (130, 131));
        assert_eq!(freqs.get(130), Some(5));
        freqs.set(130, 9);
        assert_eq!(freqs.get(130), Some(9));
        assert_eq!(freqs.get(131), None);
        let all: Vec<u64> = freqs.iter().collect();
        assert_eq!(all.len(), 131);
        assert_eq!(
            (all[64], all[100], all[129], all[130]),
            (1 << 40, 1000, 7, 9)
        );
    }
}
