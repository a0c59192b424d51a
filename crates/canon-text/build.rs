//! Computes at build time what would otherwise cost every process at its
//! first Chinese fold: the set of characters the fold may convert (fast2s's
//! and canon's variants)
//! (`src/normalize/convertible.rs`, shared with the tests that check it),
//! written to `OUT_DIR/convertible.bin` as 1,024 little-endian `u64` words.

#[path = "src/normalize/convertible.rs"]
mod convertible;
#[path = "src/normalize/variants.rs"]
mod variants;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/normalize/convertible.rs");
    println!("cargo::rerun-if-changed=src/normalize/variants.rs");
    println!("cargo::rerun-if-changed=../../data/chinese-variants.txt");
    let out_dir =
        std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let bytes: Vec<u8> = convertible::convertible_words()
        .iter()
        .flat_map(|word| word.to_le_bytes())
        .collect();
    std::fs::write(out_dir.join("convertible.bin"), bytes).expect("writing convertible.bin");
}
