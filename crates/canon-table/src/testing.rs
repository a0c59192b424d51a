//! Helpers of this crate's tests: a seeded generator, and tables of random
//! names for the tests that pin a compiled table's filters to its keys.

use crate::{AliasTable, TableSource};

/// A xorshift generator: the same seed gives the same draws, so that a
/// randomized test fails the same way every run.
pub(crate) struct XorShift(u64);

impl XorShift {
    /// A generator from `seed` (not zero).
    pub(crate) fn new(seed: u64) -> XorShift {
        XorShift(seed)
    }

    /// A number below `n` (`n` > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// A table of `count` organisations, each named by one to three of
/// `pieces` joined by spaces (its only alias, English), and the words of
/// each name.
pub(crate) fn random_table(
    random: &mut XorShift,
    pieces: &[&'static str],
    count: usize,
) -> (AliasTable, Vec<Vec<&'static str>>) {
    let mut text = String::new();
    let mut names = Vec::new();
    for e in 0..count {
        let words: Vec<&str> = (0..1 + random.below(3))
            .map(|_| pieces[random.below(pieces.len())])
            .collect();
        let name = words.join(" ");
        text.push_str(&format!(
            "[[entity]]\nid = \"e{e}\"\nname = \"{name}\"\nkind = \"org\"\naliases.en = [\"{name}\"]\n\n"
        ));
        names.push(words);
    }
    let table = AliasTable::from_sources(&[TableSource {
        name: "random.toml".into(),
        text,
        jsonl: false,
    }])
    .expect("random names make a sound table");
    (table, names)
}
