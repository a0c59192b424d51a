//! Outputs never destroy or fake data: an output that is an input is
//! refused, outputs appear only complete (atomic rename, also on a signal),
//! write errors fail the run, and a closed pipe ends it quietly.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Stdio};

use common::{canon, run, stderr, write_file};

const RECORDS: &str = "{\"id\":1,\"text\":\"Moonshot AI\"}\n{\"id\":2,\"text\":\"月之暗面\"}\n";

/// Runs canon and checks that it refused: status 2, a message, and every
/// file in `untouched` still holding `RECORDS`.
fn assert_refused(args: &[&str], untouched: &[&str]) {
    let output = run(args);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{args:?}: {}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("refusing to write"),
        "{args:?}: {}",
        stderr(&output)
    );
    for path in untouched {
        assert_eq!(std::fs::read_to_string(path).unwrap(), RECORDS, "{path}");
    }
}

#[test]
fn an_output_that_is_an_input_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_file(dir.path(), "x.jsonl", RECORDS.as_bytes());
    let other = dir.path().join("other.jsonl");
    let other = other.to_str().unwrap();
    assert_refused(&["normalize", &input, "-o", &input], &[&input]);
    assert_refused(
        &["normalize", &input, "-o", other, "--rejects", &input],
        &[&input],
    );
    assert!(!Path::new(other).exists(), "nothing was written");

    // The same file under other names: a symbolic link, a hard link, and
    // the path through `./`.
    #[cfg(unix)]
    {
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        assert_refused(
            &["normalize", &input, "-o", link.to_str().unwrap()],
            &[&input],
        );
    }
    let hard = dir.path().join("hard.jsonl");
    std::fs::hard_link(&input, &hard).unwrap();
    assert_refused(
        &["normalize", &input, "-o", hard.to_str().unwrap()],
        &[&input],
    );
    let dotted = dir.path().join(".").join("x.jsonl");
    assert_refused(
        &["normalize", &input, "-o", dotted.to_str().unwrap()],
        &[&input],
    );

    // An input found by walking a folder.
    let folder = dir.path().join("corpus");
    std::fs::create_dir(&folder).unwrap();
    let walked = write_file(&folder, "a.jsonl", RECORDS.as_bytes());
    assert_refused(
        &["normalize", folder.to_str().unwrap(), "--rejects", &walked],
        &[&walked],
    );
}

#[test]
fn the_output_and_the_rejects_cannot_be_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_file(dir.path(), "x.jsonl", RECORDS.as_bytes());
    let out = dir.path().join("out.jsonl");
    let out = out.to_str().unwrap();
    let output = run(&["normalize", &input, "-o", out, "--rejects", out]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("refusing to write both"),
        "{}",
        stderr(&output)
    );
    assert!(!Path::new(out).exists());
    // Also when the file exists already.
    std::fs::write(out, "keep").unwrap();
    let output = run(&["normalize", &input, "-o", out, "--rejects", out]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(out).unwrap(), "keep");
    // Devices are not files that could be destroyed.
    let bad = write_file(dir.path(), "bad.jsonl", b"oops\n");
    let output = run(&[
        "normalize",
        &bad,
        "-o",
        "/dev/null",
        "--rejects",
        "/dev/null",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
}

#[test]
fn standard_streams_redirected_to_an_output_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_file(dir.path(), "x.jsonl", RECORDS.as_bytes());
    // `canon normalize x.jsonl >> x.jsonl` would read its own output forever.
    let appended = std::fs::OpenOptions::new()
        .append(true)
        .open(&input)
        .unwrap();
    let output = canon()
        .args(["normalize", &input])
        .stdin(Stdio::null())
        .stdout(appended)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("refusing to write standard output"));
    assert_eq!(std::fs::read_to_string(&input).unwrap(), RECORDS);
    // And the other way round: `canon normalize -o x.jsonl < x.jsonl`.
    let output = canon()
        .args(["normalize", "-o", &input])
        .stdin(std::fs::File::open(&input).unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("it is the input -"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read_to_string(&input).unwrap(), RECORDS);
}

#[test]
fn an_existing_output_is_replaced_only_by_a_complete_one() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_file(dir.path(), "x.jsonl", RECORDS.as_bytes());
    for name in ["out.jsonl", "out.jsonl.gz", "out.jsonl.zst"] {
        let out = write_file(dir.path(), name, b"old");
        let output = run(&["normalize", "--quiet", &input, "-o", &out]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_ne!(std::fs::read(&out).unwrap(), b"old");
    }
    let leftovers: Vec<String> = names_in(dir.path())
        .into_iter()
        .filter(|n| n.ends_with(".canon-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_output_that_cannot_be_created_fails_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_file(dir.path(), "x.jsonl", RECORDS.as_bytes());
    let out = dir.path().join("no/such/folder/out.jsonl");
    let output = run(&["normalize", &input, "-o", out.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        format!(
            "canon: cannot create output {}: No such file or directory (os error 2)",
            out.display()
        )
    );
    let output = run(&["normalize", &input, "-o", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is a folder"),
        "{}",
        stderr(&output)
    );
}

/// `-o out.jsonl.xz` would be plain JSON under a name every tool reads as
/// xz: refused before the run, as are the other compressions canon does
/// not write, for records and rejects alike; nothing is written.
#[test]
fn outputs_named_for_a_compression_canon_does_not_write_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_file(dir.path(), "x.jsonl", RECORDS.as_bytes());
    for (flag, name) in [
        ("-o", "out.jsonl.xz"),
        ("-o", "out.jsonl.lz4"),
        ("-o", "out.jsonl.XZ"),
        ("-o", "out.jsonl.GZ"),
        ("-o", "out.tgz"),
        ("--rejects", "bad.jsonl.zip"),
    ] {
        let out = dir.path().join(name);
        let output = run(&["normalize", "--quiet", &input, flag, out.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2), "{name}");
        let suffix = &name[name.rfind('.').unwrap()..];
        assert_eq!(
            stderr(&output).trim(),
            format!(
                "canon: refusing to write {}: canon compresses outputs named .gz, .zst or .bz2, not {suffix}; give one of those or a plain name; nothing was written",
                out.display()
            )
        );
        assert!(output.stdout.is_empty(), "{name}");
        assert!(!out.exists(), "{name}");
    }
    // A name that merely ends in such letters is plain, and the names
    // canon compresses are written.
    for name in [
        "index.lz4json",
        "out.jsonl.gz",
        "out.jsonl.zst",
        "out.jsonl.bz2",
        "out.jsonl",
    ] {
        let out = dir.path().join(name);
        let output = run(&["normalize", "--quiet", &input, "-o", out.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
        assert!(out.exists(), "{name}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_device_fails_the_run_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_file(dir.path(), "x.jsonl", RECORDS.as_bytes());
    // Compressed: the error may only come when the stream is finished.
    for name in ["full.jsonl", "full.jsonl.gz", "full.jsonl.zst"] {
        let link = dir.path().join(name);
        std::os::unix::fs::symlink("/dev/full", &link).unwrap();
        let output = run(&["normalize", "--quiet", &input, "-o", link.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(2), "{name}: {}", stderr(&output));
        assert!(
            stderr(&output).contains("No space left on device"),
            "{name}: {}",
            stderr(&output)
        );
    }
    let output = run(&["normalize", "--quiet", &input, "-o", "/dev/full"]);
    assert_eq!(output.status.code(), Some(2));
    // Rejects too.
    let output = run(&["normalize", "--quiet", &input, "--rejects", "/dev/full"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "no rejects, nothing to write"
    );
    let bad = write_file(dir.path(), "bad.jsonl", b"not json\n");
    let output = run(&["normalize", "--quiet", &bad, "--rejects", "/dev/full"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("/dev/full"), "{}", stderr(&output));
}

/// Starts canon reading a pipe that the test keeps open, waits until it
/// has written some records and reported a reject, sends `signal` and
/// returns the child.
#[cfg(unix)]
fn interrupted_run(dir: &Path, out: &Path, signal: &str) -> Child {
    let mut child = canon()
        .args(["normalize", "-o", out.to_str().unwrap()])
        .args(["--rejects", dir.join("rejects.jsonl").to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    for i in 0..50 {
        writeln!(input, "{{\"id\":{i},\"text\":\"DeepSeek line {i}\"}}").unwrap();
        writeln!(input, "not json {i}").unwrap();
    }
    input.flush().unwrap();
    // The first reject on standard error: records before it are written.
    let mut messages = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("invalid JSON") {
        line.clear();
        assert_ne!(messages.read_line(&mut line).unwrap(), 0, "canon ended");
    }
    let status = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    // Keep the pipe open until canon is gone: the signal, not the end of
    // input, must end the run.
    let _ = child.wait();
    drop(input);
    child
}

#[cfg(unix)]
#[test]
fn a_signal_mid_run_leaves_no_output_under_the_final_name() {
    use std::os::unix::process::ExitStatusExt;
    for (signal, number) in [("TERM", 15), ("INT", 2)] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.jsonl.zst");
        let mut child = interrupted_run(dir.path(), &out, signal);
        let status = child.wait().unwrap();
        let left = names_in(dir.path());
        assert!(left.is_empty(), "SIG{signal} left {left:?}");
        // Dead by the signal: a shell shows 128 + its number.
        assert_eq!(status.signal(), Some(number), "SIG{signal}: {status:?}");
    }
}

/// The names of the files in `dir`, sorted: what a run left there.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// With writes limited to `limit_bytes` per file, and SIGXFSZ at its
/// default (the process ends), as a shell's `ulimit -f` leaves it: canon
/// catches the signal itself, so that a write over the limit fails with
/// EFBIG instead of killing it.
#[cfg(target_os = "linux")]
fn with_file_size_limit(command: &mut std::process::Command, limit_bytes: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec, only async-signal-safe calls.
    unsafe {
        command.pre_exec(move || {
            // As a shell leaves it: SIGXFSZ would end the process, and canon
            // must turn it into a write error itself.
            libc::signal(libc::SIGXFSZ, libc::SIG_DFL);
            let limit = libc::rlimit {
                rlim_cur: limit_bytes,
                rlim_max: limit_bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// The disk fills just as the compressed stream is finished: canon must
/// fail and leave nothing, not a cut file with status 0.
#[cfg(target_os = "linux")]
#[test]
fn a_write_error_when_finishing_a_compressed_output_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_file(dir.path(), "x.jsonl", RECORDS.repeat(50).as_bytes());
    for name in ["out.jsonl.gz", "out.jsonl.zst"] {
        let out = dir.path().join(name);
        let args = ["normalize", "--quiet", &input, "-o", out.to_str().unwrap()];
        assert_eq!(run(&args).status.code(), Some(0));
        let size = std::fs::metadata(&out).unwrap().len();
        std::fs::remove_file(&out).unwrap();
        // One byte short: only the very end of the stream cannot be written.
        let mut command = canon();
        command.args(args).stdin(Stdio::null());
        with_file_size_limit(&mut command, size - 1);
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{name}: {}", stderr(&output));
        assert!(
            stderr(&output).contains("File too large"),
            "{name}: {}",
            stderr(&output)
        );
        let left: Vec<String> = names_in(dir.path())
            .into_iter()
            .filter(|n| n != "x.jsonl")
            .collect();
        assert!(left.is_empty(), "{name}: {left:?}");
    }
}

/// A file size limit (`ulimit -f`, a batch scheduler's) under a plain
/// output: canon must not die by SIGXFSZ with its temporary file left, but
/// fail as on any write error, keep the old output and leave nothing else.
#[cfg(target_os = "linux")]
#[test]
fn a_file_size_limit_fails_the_run_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_file(dir.path(), "x.jsonl", RECORDS.repeat(500).as_bytes());
    let out = write_file(dir.path(), "out.jsonl", b"old\n");
    let mut command = canon();
    command
        .args(["normalize", "--quiet", &input, "-o", &out])
        .stdin(Stdio::null());
    with_file_size_limit(&mut command, 4096);
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("File too large"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"old\n");
    assert_eq!(names_in(dir.path()), ["out.jsonl", "x.jsonl"]);
}

/// A corpus big enough that canon is still writing when the reader leaves.
fn big_corpus(dir: &Path) -> String {
    let mut corpus = String::new();
    for i in 0..20_000 {
        corpus.push_str(&format!(
            "{{\"id\":{i},\"text\":\"Record {i}: DeepSeek and Moonshot AI shipped models.\"}}\n"
        ));
    }
    write_file(dir, "big.jsonl", corpus.as_bytes())
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let input = big_corpus(dir.path());
    for args in [
        vec!["normalize", input.as_str()],
        vec!["normalize", "--jobs", "2", input.as_str()],
        vec!["alias", "list"],
    ] {
        // `canon ... | head -1`
        let mut child = canon()
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(!first.is_empty());
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        assert_eq!(stderr(&output), "", "{args:?}: no message");
    }
}
