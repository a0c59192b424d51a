//! Lists the built-in alias tables (`data/aliases/*.toml` at the top of the
//! repository) for `src/load.rs` to embed.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out_dir.join("default_tables.rs"), default_tables_source())
        .expect("writing the list of built-in alias tables");
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
