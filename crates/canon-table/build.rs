//! Lists the built-in alias tables (`data/aliases/*.toml` at the top of the
//! repository) for `src/load.rs` to embed, and sorts the word-frequency
//! lists (`data/freq/en.tsv`, `zh.tsv`) by word for `src/ambiguity.rs`
//! and the idioms (`zh-idioms.txt`) for `src/rules.rs`, which look words
//! up in them by binary search instead of building a hash map of 30,000 to
//! 50,000 entries at their first lookup in every process.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out_dir.join("default_tables.rs"), default_tables_source())
        .expect("writing the list of built-in alias tables");
    for name in ["en.tsv", "zh.tsv", "zh-idioms.txt"] {
        fs::write(out_dir.join(name), sorted_list(name)).expect("writing a sorted word list");
    }
}

/// `data/freq/NAME` as `word TAB rest` lines sorted by word (bytes), without
/// comments and lines without a tab, a repeated word keeping its last line:
/// the entries a map built from the file in order would hold. A list of
/// one column (`zh-idioms.txt`) gives its words alone, sorted.
fn sorted_list(name: &str) -> String {
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let path = root.join("../../data/freq").join(name);
    println!("cargo::rerun-if-changed={}", path.display());
    let text =
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let lines = text
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty());
    if !text
        .lines()
        .any(|line| !line.starts_with('#') && line.contains('\t'))
    {
        let words: std::collections::BTreeSet<&str> = lines.collect();
        return words.into_iter().flat_map(|w| [w, "\n"]).collect();
    }
    let entries: std::collections::BTreeMap<&str, &str> =
        lines.filter_map(|line| line.split_once('\t')).collect();
    let mut sorted = String::with_capacity(text.len());
    for (word, rest) in entries {
        sorted.push_str(word);
        sorted.push('\t');
        sorted.push_str(rest);
        sorted.push('\n');
    }
    sorted
}

/// Rust source for `DEFAULT_TABLES`: `(name, text)` of every `.toml` file in
/// `data/aliases/`, sorted by name, each embedded with `include_str!`.
///
/// Listing the folder here means a new table file is built in without
/// touching the code.
fn default_tables_source() -> String {
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let folder = root.join("../../data/aliases");
    println!("cargo::rerun-if-changed={}", folder.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("reading {}: {e}", folder.display()))
        .map(|entry| entry.expect("reading data/aliases").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut source = String::from("&[\n");
    for path in &files {
        println!("cargo::rerun-if-changed={}", path.display());
        let name = path.file_name().expect("a file").to_string_lossy();
        source.push_str(&format!(
            "    (\"data/aliases/{name}\", include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    source.push(']');
    source
}
