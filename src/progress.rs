//! Progress of long library operations (`canon alias import` reading a
//! Wikidata dump), reported through a trait so that the library does not
//! depend on a terminal: the binary shows it as a progress bar (feature
//! `cli`), other callers pass their own reporter or none.

/// Receives the progress of an operation. Every method has a default that
/// ignores it, so a reporter implements only what it shows.
pub trait Progress: Send + Sync {
    /// The operation's total size in bytes, when it is known.
    fn set_length(&self, _bytes: u64) {}
    /// `bytes` more were done.
    fn inc(&self, _bytes: u64) {}
    /// What the operation is doing now (`"writing"`, `"4096 entities read"`).
    fn set_message(&self, _message: String) {}
}

#[cfg(feature = "cli")]
impl Progress for indicatif::ProgressBar {
    fn set_length(&self, bytes: u64) {
        indicatif::ProgressBar::set_length(self, bytes);
    }

    fn inc(&self, bytes: u64) {
        indicatif::ProgressBar::inc(self, bytes);
    }

    fn set_message(&self, message: String) {
        indicatif::ProgressBar::set_message(self, message);
    }
}
