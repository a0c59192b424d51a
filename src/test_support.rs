//! Helpers for unit tests.

use std::path::PathBuf;

/// A seeded xorshift generator of numbers below `n`, so that a randomized
/// test fails the same way every run.
pub(crate) fn xorshift(seed: u64) -> impl FnMut(usize) -> usize {
    let mut state = seed;
    move |n| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    }
}

/// `relative` inside the shared corpus beside the repository
/// (`../shared/corpus`), which holds real data that stays outside the
/// repository; the twin of `tests/common`'s `shared_corpus`.
///
/// When it is missing: panics if the environment variable `CI` is set (a
/// CI run that skips its real-data tests tests nothing), and otherwise says
/// so on standard error and returns `None`, so the caller skips.
pub(crate) fn shared_corpus(relative: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(relative);
    present_or_skip(path, std::env::var_os("CI").is_some())
}

/// `path` if it exists; otherwise a panic in CI, or `None` said out loud.
fn present_or_skip(path: PathBuf, ci: bool) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    if ci {
        panic!(
            "{} is missing, and CI is set: real-data tests must run in CI",
            path.display()
        );
    }
    eprintln!(
        "SKIPPED: {} is missing (set CI to make this fail)",
        path.display()
    );
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn present_paths_are_returned_and_missing_ones_skipped_outside_ci() {
        let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        assert_eq!(present_or_skip(here.clone(), true), Some(here));
        assert_eq!(
            present_or_skip(PathBuf::from("/no/such/corpus"), false),
            None
        );
    }

    #[test]
    #[should_panic(expected = "CI is set")]
    fn missing_paths_fail_in_ci() {
        present_or_skip(PathBuf::from("/no/such/corpus"), true);
    }
}
