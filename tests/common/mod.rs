//! Running the `canon` binary from integration tests.

#![allow(dead_code)] // each test crate uses a different part

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// The binary under test, started in the crate root (where data/ is).
pub fn canon() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_canon"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// Runs canon with `args`, feeding `stdin` from a thread so that neither
/// pipe can fill up and block the other.
pub fn run_with_stdin(args: &[&str], stdin: Vec<u8>) -> Output {
    let mut child = canon()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("canon starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let output = child.wait_with_output().expect("canon runs");
    writer.join().expect("stdin writer finishes");
    output
}

/// Runs canon with `args` and no input.
pub fn run(args: &[&str]) -> Output {
    canon()
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("canon runs")
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The JSON records of an output stream, one per line.
pub fn records(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8(bytes.to_vec())
        .expect("output is UTF-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each output line is JSON"))
        .collect()
}

/// `relative` inside the shared corpus beside the repository
/// (`../shared/corpus`), which holds real data that stays outside the
/// repository.
///
/// When it is missing: panics if the environment variable `CI` is set (a
/// CI run that skips its real-data tests tests nothing), and otherwise says
/// so on standard error and returns `None`, so the caller skips.
pub fn shared_corpus(relative: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(relative);
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
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

/// Writes `bytes` to `name` in `dir` and returns the path as a string.
pub fn write_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("test file written");
    path.to_str().expect("test paths are UTF-8").to_string()
}

/// `bytes` as one gzip member.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// `bytes` as one bzip2 stream.
pub fn bzip2(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}
