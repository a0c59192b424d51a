//! Corpus-scale behaviour of `canon normalize`: identical output for every
//! `--jobs`, legacy encodings, compressed input and output, size limits, and
//! streaming. Every bad-input case asserts the counts and the reason.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Output, Stdio};

use serde_json::Value;

use common::{canon, records, run, run_with_stdin, stderr};

/// A corpus of `n` records in English and Chinese (several batches' worth),
/// with a bad line every 500 records.
fn mixed_corpus(n: usize) -> String {
    let mut corpus = String::new();
    for i in 0..n {
        if i % 500 == 499 {
            corpus.push_str("{\"id\": broken\n");
            continue;
        }
        let text = match i % 3 {
            0 => format!("Record {i}: DeepSeek and Moonshot AI shipped models; the U.S. reacted."),
            1 => format!("第{i}条:月之暗面与字節跳動发布了新模型,涨幅达１０％。"),
            _ => format!("Mixed {i}: Kimi 来自月之暗面, and ＤｅｅｐＳｅｅｋ’s R1 too."),
        };
        corpus.push_str(&serde_json::json!({"id": i, "text": text}).to_string());
        corpus.push('\n');
    }
    corpus
}

#[test]
fn output_is_byte_identical_for_every_job_count() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("corpus.jsonl");
    std::fs::write(&input, mixed_corpus(3000)).unwrap();
    let input = input.to_str().unwrap();
    let outputs: Vec<Output> = ["1", "2", "4"]
        .iter()
        .map(|jobs| run(&["normalize", "--jobs", jobs, input]))
        .collect();
    for output in &outputs {
        assert_eq!(output.status.code(), Some(1), "bad lines make the status 1");
        assert!(
            stderr(output).contains("canon: 3000 records in, 2994 out, 6 rejected"),
            "{}",
            stderr(output)
        );
    }
    assert!(outputs[0].stdout == outputs[1].stdout && outputs[1].stdout == outputs[2].stdout);
    let ids: Vec<u64> = records(&outputs[0].stdout)
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = (0..3000u64).filter(|i| i % 500 != 499).collect();
    assert_eq!(ids, expected, "input order is kept");
}

#[test]
fn legacy_encodings_are_detected_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &'static encoding_rs::Encoding, &str, &str); 4] = [
        (
            "gbk.txt",
            encoding_rs::GBK,
            "月之暗面今天发布了新的大模型，字节跳动和阿里巴巴也在加快研发。",
            "GBK",
        ),
        (
            "big5.txt",
            encoding_rs::BIG5,
            "輝達與台積電宣布擴大合作，字節跳動也在臺灣設立了新的研發中心。",
            "Big5",
        ),
        (
            "sjis.txt",
            encoding_rs::SHIFT_JIS,
            "東京でソニーが新しい半導体工場の建設を発表しました。",
            "Shift_JIS",
        ),
        (
            "latin1.txt",
            encoding_rs::WINDOWS_1252,
            "Profits at the café chain rose to £600m, Nvidia said.",
            "windows-1252",
        ),
    ];
    for (name, encoding, text, _) in &cases {
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable);
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    std::fs::write(
        dir.path().join("utf8.txt"),
        "Plain UTF-8 text about DeepSeek.",
    )
    .unwrap();
    let output = run(&["normalize", "--quiet", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let records = records(&output.stdout);
    assert_eq!(records.len(), 5);
    for (name, _, text, label) in &cases {
        let record = records
            .iter()
            .find(|r| r["id"].as_str().unwrap().ends_with(name))
            .unwrap();
        assert_eq!(record["text"], *text, "{name}");
        assert_eq!(record["encoding"], *label, "{name}");
    }
    let utf8 = records
        .iter()
        .find(|r| r["id"].as_str().unwrap().ends_with("utf8.txt"))
        .unwrap();
    assert!(utf8.get("encoding").is_none());
    let gbk = records
        .iter()
        .find(|r| r["id"].as_str().unwrap().ends_with("gbk.txt"))
        .unwrap();
    assert!(
        gbk["entities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == "moonshot-ai")
    );
}

#[test]
fn jsonl_lines_in_a_legacy_encoding_are_decoded_per_line() {
    let (gbk, _, _) =
        encoding_rs::GBK.encode("{\"id\":1,\"text\":\"月之暗面与深度求索都是独立实验室。\"}\n");
    let mut input = b"{\"id\":0,\"text\":\"plain\"}\n".to_vec();
    input.extend_from_slice(&gbk);
    let output = run_with_stdin(&["normalize", "--quiet"], input);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let records = records(&output.stdout);
    assert_eq!(records[1]["text"], "月之暗面与深度求索都是独立实验室。");
    assert_eq!(records[1]["encoding"], "GBK");
    assert!(records[0].get("encoding").is_none());
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn compressed_inputs_and_outputs_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = mixed_corpus(300);
    let plain = dir.path().join("plain.jsonl");
    std::fs::write(&plain, &corpus).unwrap();
    std::fs::write(dir.path().join("c.jsonl.gz"), gzip(corpus.as_bytes())).unwrap();
    std::fs::write(
        dir.path().join("c.jsonl.zst"),
        zstd::encode_all(corpus.as_bytes(), 3).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("doc.txt.gz"),
        gzip("月之暗面 and Moonshot AI".as_bytes()),
    )
    .unwrap();

    let expected = run(&["normalize", "--quiet", plain.to_str().unwrap()]).stdout;
    for name in ["c.jsonl.gz", "c.jsonl.zst"] {
        let path = dir.path().join(name);
        let output = run(&["normalize", "--quiet", path.to_str().unwrap()]);
        assert_eq!(output.stdout, expected, "{name}");
    }
    let doc = run(&[
        "normalize",
        "--quiet",
        dir.path().join("doc.txt.gz").to_str().unwrap(),
    ]);
    let record = &records(&doc.stdout)[0];
    assert_eq!(record["text"], "月之暗面 and Moonshot AI");

    for name in ["out.jsonl.gz", "out.jsonl.zst", "out.jsonl"] {
        let out = dir.path().join(name);
        run(&[
            "normalize",
            "--quiet",
            plain.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        let file = std::fs::File::open(&out).unwrap();
        let mut written = Vec::new();
        match name.rsplit('.').next() {
            Some("gz") => flate2::read::MultiGzDecoder::new(file)
                .read_to_end(&mut written)
                .unwrap(),
            Some("zst") => zstd::Decoder::new(file)
                .unwrap()
                .read_to_end(&mut written)
                .unwrap(),
            _ => BufReader::new(file).read_to_end(&mut written).unwrap(),
        };
        assert_eq!(written, expected, "{name}");
    }
}

#[test]
fn a_truncated_gzip_file_keeps_what_was_read_and_reports_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let compressed = gzip(mixed_corpus(2000).as_bytes());
    let path = dir.path().join("cut.jsonl.gz");
    std::fs::write(&path, &compressed[..compressed.len() / 2]).unwrap();
    let output = run(&["normalize", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("cut.jsonl.gz:") && err.contains("read error"),
        "{err}"
    );
    let out = records(&output.stdout).len();
    assert!(out > 100, "records before the damage are kept ({out})");
    // One bad line every 500 records in the corpus, plus the read error.
    let rejected = out / 499 + 1;
    assert!(
        err.contains(&format!(
            "{} records in, {out} out, {rejected} rejected",
            out + rejected
        )),
        "{err}"
    );
}

#[test]
fn records_over_the_size_limit_are_rejected_with_their_size() {
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("rejects.jsonl");
    let big_text = "word ".repeat(400);
    let input = format!(
        "{{\"id\":1,\"text\":\"small\"}}\n{{\"id\":2,\"text\":\"{big_text}\"}}\n{{\"id\":3,\"text\":\"small again\"}}\n"
    );
    let output = run_with_stdin(
        &[
            "normalize",
            "--max-bytes",
            "1K",
            "--rejects",
            rejects.to_str().unwrap(),
        ],
        input.into_bytes(),
    );
    assert_eq!(output.status.code(), Some(1));
    let ids: Vec<u64> = records(&output.stdout)
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [1, 3]);
    let err = stderr(&output);
    assert!(
        err.contains("-:2: record of 2018 bytes exceeds --max-bytes 1024"),
        "{err}"
    );
    assert!(err.contains("3 records in, 2 out, 1 rejected"), "{err}");
    let reject: Value =
        serde_json::from_str(std::fs::read_to_string(&rejects).unwrap().trim()).unwrap();
    assert_eq!(reject["truncated"], true);
    assert_eq!(reject["raw"].as_str().unwrap().len(), 1024);

    let doc = dir.path().join("big.txt");
    std::fs::write(&doc, big_text).unwrap();
    let output = run(&["normalize", "--max-bytes", "1K", doc.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("big.txt:1: record of 2000 bytes exceeds --max-bytes 1024"));
}

#[test]
fn a_hundred_megabyte_line_is_rejected_cleanly_by_default() {
    let mut input = Vec::with_capacity(101 << 20);
    input.extend_from_slice(b"{\"id\":1,\"text\":\"");
    input.resize(100 << 20, b'a');
    input.extend_from_slice(b"\"}\n{\"id\":2,\"text\":\"after the huge line\"}\n");
    let output = run_with_stdin(&["normalize"], input);
    assert_eq!(output.status.code(), Some(1));
    let ids: Vec<u64> = records(&output.stdout)
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [2]);
    let err = stderr(&output);
    assert!(
        err.contains("-:1: record of 104857602 bytes exceeds --max-bytes 67108864"),
        "{err}"
    );
}

#[test]
fn a_large_document_within_the_limit_is_processed() {
    let text = "月之暗面发布了新模型。Moonshot AI shipped Kimi. ".repeat(40_000);
    let record = serde_json::json!({"id": "big", "text": text}).to_string() + "\n";
    let output = run_with_stdin(&["normalize", "--quiet"], record.into_bytes());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let records = records(&output.stdout);
    assert_eq!(records[0]["entities"].as_array().unwrap().len(), 40_000 * 3);
}

#[test]
fn stdin_is_a_streaming_filter_one_line_out_per_line_in() {
    let mut child = canon()
        .args(["normalize", "--quiet", "--jobs", "2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let mut output = BufReader::new(child.stdout.take().unwrap());
    for i in 0..3 {
        writeln!(input, "{{\"id\":{i},\"text\":\"DeepSeek line {i}\"}}").unwrap();
        input.flush().unwrap();
        // The answer arrives while stdin is still open: canon does not wait
        // for a full batch.
        let mut line = String::new();
        output.read_line(&mut line).unwrap();
        let record: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(record["id"], i);
    }
    drop(input);
    assert!(child.wait().unwrap().success());
}

#[test]
fn an_unreadable_input_file_is_a_reject_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.jsonl");
    std::fs::write(&good, "{\"text\":\"fine\"}\n").unwrap();
    let bad_gzip = dir.path().join("bad.jsonl.gz");
    std::fs::write(&bad_gzip, b"this is not gzip").unwrap();
    let output = run(&[
        "normalize",
        good.to_str().unwrap(),
        bad_gzip.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(records(&output.stdout).len(), 1);
    let err = stderr(&output);
    assert!(err.contains("bad.jsonl.gz:1: read error"), "{err}");
    assert!(err.contains("2 records in, 1 out, 1 rejected"), "{err}");
    assert!(Path::new(&good).exists());
}

#[test]
fn format_overrides_the_layout_the_file_name_suggests() {
    let dir = tempfile::tempdir().unwrap();
    let shard = dir.path().join("part-00000");
    std::fs::write(
        &shard,
        "{\"id\":1,\"text\":\"DeepSeek\"}\n{\"id\":2,\"text\":\"Kimi\"}\n",
    )
    .unwrap();
    let output = run(&[
        "normalize",
        "--quiet",
        "--format",
        "jsonl",
        shard.to_str().unwrap(),
    ]);
    assert_eq!(records(&output.stdout).len(), 2);
    let output = run(&["normalize", "--quiet", shard.to_str().unwrap()]);
    assert_eq!(
        records(&output.stdout).len(),
        1,
        "without --format it is one plain-text document"
    );
    let output = run_with_stdin(
        &["normalize", "--quiet", "--format", "text"],
        b"Moonshot AI\nand more".to_vec(),
    );
    let records = records(&output.stdout);
    assert_eq!(records[0]["id"], "-");
    assert_eq!(records[0]["entities"][0]["id"], "moonshot-ai");
}

#[test]
fn quiet_runs_with_a_rejects_file_keep_standard_error_clean() {
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("r.jsonl");
    let output = run_with_stdin(
        &[
            "normalize",
            "--quiet",
            "--rejects",
            rejects.to_str().unwrap(),
        ],
        b"oops\n\xc2\xa0\n{\"text\":\"ok\"}\n".to_vec(),
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stderr.is_empty(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(&rejects).unwrap().lines().count(),
        1,
        "a no-break space line is blank"
    );
}
