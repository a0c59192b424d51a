//! The alias table (the `canon-table` crate, re-exported here so that
//! `canon::aliases::...` paths keep working) and the importers that make
//! tables from the data users have (`canon alias import`).

pub use canon_table::*;

pub mod import;
