//! Counts in the summary lines canon prints ("1 table", "2 tables"): one
//! helper, so that every summary agrees with its numbers.

use std::fmt;

/// A number and the noun phrase that agrees with it, shown as `{n} {phrase}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count<'a> {
    n: u64,
    phrase: &'a str,
}

/// `n` with `one` when it is 1, else with `many`: `count(1, "row", "rows")`
/// shows as `1 row`, `count(0, "row", "rows")` as `0 rows`.
pub fn count<'a>(n: u64, one: &'a str, many: &'a str) -> Count<'a> {
    Count {
        n,
        phrase: if n == 1 { one } else { many },
    }
}

impl fmt::Display for Count<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.n, self.phrase)
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn one_takes_the_singular_and_every_other_number_the_plural() {
        assert_eq!(count(1, "table", "tables").to_string(), "1 table");
        assert_eq!(count(0, "table", "tables").to_string(), "0 tables");
        assert_eq!(count(2, "entity", "entities").to_string(), "2 entities");
        assert_eq!(count(11, "entity", "entities").to_string(), "11 entities");
    }
}
