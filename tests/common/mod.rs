//! Running the `canon` binary from integration tests.

#![allow(dead_code)] // each test crate uses a different part

use std::io::Write;
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

/// A path under the shared corpus beside the repository (`../shared/corpus`),
/// for tests on real data that cannot live in the repository. When it is
/// missing, fails if the environment variable `CI` is set (CI must run these
/// tests) and otherwise returns `None` after saying so on standard error.
pub fn shared_corpus(relative: &str) -> Option<std::path::PathBuf> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(relative);
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!("{} is missing and CI is set", path.display());
    }
    eprintln!("SKIPPED: {} is not present", path.display());
    None
}
