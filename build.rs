//! Compiles the built-in alias table (`data/aliases/*.toml`) into
//! `default.canonidx` in `OUT_DIR`, which `src/aliases.rs` embeds: the same
//! compiled form `canon alias compile` writes, with what the Chinese
//! segmenter derives from its names (computed here by `canon-jieba`, the
//! segmenter's own code), so that start-up parses nothing and the first
//! Chinese text adds no name to the dictionary. An error in the built-in
//! table fails the build with its `file:line`. Beside it goes
//! `default.cjkidx`, the index of its key trie's edges by East Asian
//! characters (`canon_table::AliasTable::east_asian_index_bytes`), which
//! every process would otherwise make at its first Han character. It also
//! tabulates the character classes of the binary-data test for the Basic
//! Multilingual Plane (`src/decode/char_classes.rs`), and writes the phrase
//! and date lists of the boilerplate stage read and normalized
//! (`src/boilerplate/phrase_data.rs`).
//!
//! jieba's dictionary and HMM model are compiled by `canon-jieba`'s own
//! build script.

#[path = "src/decode/char_classes.rs"]
mod char_classes;

/// What `src/boilerplate/phrase_data.rs` and the `lines.rs` it keys with
/// find at `crate::` in the library.
mod script {
    pub use canon_text::script::*;
}
#[allow(dead_code)]
#[path = "src/boilerplate/lines.rs"]
mod lines;
#[path = "src/boilerplate/phrase_data.rs"]
mod phrase_data;
mod boilerplate {
    pub(crate) use super::lines;
}

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));

    let table = compile_default_table();
    // The key trie's East Asian index, made here once rather than at the
    // first Han character of every process (src/aliases.rs embeds both).
    // A table too large for one gets none at run time either: empty bytes,
    // which the reader ignores.
    let index = canon_table::AliasTable::from_bytes(&table)
        .expect("the built-in table just compiled loads")
        .east_asian_index_bytes()
        .unwrap_or_else(|| {
            println!("cargo::warning=the built-in table is too large for an East Asian index");
            Vec::new()
        });
    fs::write(out_dir.join("default.canonidx"), table)
        .expect("writing the compiled built-in alias table");
    fs::write(out_dir.join("default.cjkidx"), index)
        .expect("writing the built-in table's East Asian index");

    println!("cargo::rerun-if-changed=src/decode/char_classes.rs");
    fs::write(
        out_dir.join("bmp_suspicious.bin"),
        char_classes::bmp_bits(char_classes::is_suspicious),
    )
    .expect("writing the suspicious-character table");
    fs::write(
        out_dir.join("bmp_whitespace.bin"),
        char_classes::bmp_bits(char::is_whitespace),
    )
    .expect("writing the whitespace table");

    for file in [
        "src/boilerplate/phrase_data.rs",
        "src/boilerplate/lines.rs",
        "data/boilerplate/en.toml",
        "data/boilerplate/zh.toml",
        "data/boilerplate/dates.toml",
    ] {
        println!("cargo::rerun-if-changed={file}");
    }
    let read = |file: &str| fs::read_to_string(file).expect("reading data/boilerplate/");
    let lists = phrase_data::PhraseData::read(
        &[
            ("en.toml", &read("data/boilerplate/en.toml")),
            ("zh.toml", &read("data/boilerplate/zh.toml")),
        ],
        &read("data/boilerplate/dates.toml"),
    );
    fs::write(out_dir.join("boilerplate_lists.rs"), lists.to_rust())
        .expect("writing the boilerplate lists");
}

/// The built-in alias table, checked and compiled with the segmenter's
/// sections, as `canon alias compile` compiles a table
/// (`AliasTable::compile_file_sources`). Its sources are the files of
/// `data/aliases/` that canon-table embeds (its build script lists them and
/// asks Cargo to rebuild when they change).
fn compile_default_table() -> Vec<u8> {
    println!("cargo::rerun-if-changed=data/aliases");
    let sources = canon_table::TableSource::default_tables();
    let provenance = canon_table::compile::Provenance {
        builtin: true,
        builtin_checksum: 0,
    };
    let derive = |words: &[String]| canon_jieba::Dictionary::derive_table_words(words);
    match canon_table::compile_sources_with(&sources, provenance, Some(&derive)) {
        Ok(bytes) => bytes,
        Err(problems) => {
            for problem in &problems {
                println!("cargo::warning={problem}");
            }
            panic!(
                "the built-in alias table has {} errors:\n{}",
                problems.len(),
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
}
