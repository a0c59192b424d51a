//! Corpus-scale behaviour of `canon normalize`: identical output for every
//! `--jobs`, legacy encodings, compressed input and output, size limits, and
//! streaming. Every bad-input case asserts the counts and the reason.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Output, Stdio};

use serde_json::Value;

use common::{bzip2, canon, gzip, records, run, run_with_stdin, stderr, write_file};

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
    // bzip2 as two concatenated streams, as pbzip2 writes it.
    let half = corpus.len() / 2;
    let half = (half..).find(|&at| corpus.is_char_boundary(at)).unwrap();
    let mut bz2 = Vec::new();
    for part in [&corpus[..half], &corpus[half..]] {
        let mut encoder = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        encoder.write_all(part.as_bytes()).unwrap();
        bz2.extend(encoder.finish().unwrap());
    }
    std::fs::write(dir.path().join("c.jsonl.bz2"), bz2).unwrap();
    std::fs::write(
        dir.path().join("doc.txt.gz"),
        gzip("月之暗面 and Moonshot AI".as_bytes()),
    )
    .unwrap();

    let expected = run(&["normalize", "--quiet", plain.to_str().unwrap()]).stdout;
    for name in ["c.jsonl.gz", "c.jsonl.zst", "c.jsonl.bz2"] {
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

    for name in [
        "out.jsonl.gz",
        "out.jsonl.zst",
        "out.jsonl.bz2",
        "out.jsonl",
    ] {
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
            Some("bz2") => bzip2::read::MultiBzDecoder::new(file)
                .read_to_end(&mut written)
                .unwrap(),
            _ => BufReader::new(file).read_to_end(&mut written).unwrap(),
        };
        assert_eq!(written, expected, "{name}");
    }
}

/// Standard input has no name to say it is compressed: its first bytes do
/// (`cat dump.jsonl.gz | canon normalize`), and plain JSON Lines, even one
/// that starts like a bzip2 header, stay plain.
#[test]
fn compressed_standard_input_is_recognised_by_its_first_bytes() {
    let corpus = mixed_corpus(40);
    let plain = run_with_stdin(&["normalize", "--quiet"], corpus.clone().into_bytes());
    assert!(plain.status.success(), "{}", stderr(&plain));
    assert_eq!(records(&plain.stdout).len(), 40);
    for (format, bytes) in [
        ("gzip", gzip(corpus.as_bytes())),
        ("zstd", zstd::encode_all(corpus.as_bytes(), 3).unwrap()),
        ("bzip2", bzip2(corpus.as_bytes())),
    ] {
        let output = run_with_stdin(&["normalize", "--quiet"], bytes);
        assert!(output.status.success(), "{format}: {}", stderr(&output));
        assert_eq!(output.stdout, plain.stdout, "{format}");
    }
    // Shorter than any magic, and text that starts as bzip2's header does
    // without its block magic: read as the JSON Lines they are (and
    // rejected as JSON), where the whole magic is read as bzip2.
    let empty = run_with_stdin(&["normalize", "--quiet"], Vec::new());
    assert_eq!(empty.status.code(), Some(0), "{}", stderr(&empty));
    for (text, reason) in [
        ("{", "-:1: invalid JSON"),
        ("BZh91AY is no record\n", "-:1: invalid JSON"),
        ("BZh91AY&SY is no record\n", "-:1: read error: bzip2"),
    ] {
        let output = run_with_stdin(&["normalize", "--quiet"], text.as_bytes().to_vec());
        assert_eq!(
            output.status.code(),
            Some(1),
            "{text:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).starts_with(reason),
            "{text:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn a_truncated_gzip_file_keeps_what_was_read_and_reports_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = mixed_corpus(2000);
    let compressed = gzip(corpus.as_bytes());
    let path = dir.path().join("cut.jsonl.gz");
    std::fs::write(&path, &compressed[..compressed.len() / 2]).unwrap();
    let rejects = dir.path().join("rejects.jsonl");
    let output = run(&[
        "normalize",
        path.to_str().unwrap(),
        "--rejects",
        rejects.to_str().unwrap(),
    ]);
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
    // The cut record's reject holds the bytes read of it: the start of
    // that line of the corpus, so that nothing read is lost.
    let reject = records(&std::fs::read(&rejects).unwrap())
        .into_iter()
        .find(|r| r["reason"].as_str().unwrap().starts_with("read error"))
        .expect("the read error's reject");
    let line = reject["line"].as_u64().unwrap() as usize;
    let original = corpus.lines().nth(line - 1).unwrap();
    // A cut inside a character shows as U+FFFD at the end of `raw`.
    let raw = reject["raw"].as_str().unwrap().trim_end_matches('\u{FFFD}');
    assert!(!raw.is_empty(), "{reject}");
    assert!(
        original.starts_with(raw),
        "{raw:?} is not the start of line {line}"
    );
    let read = reject["raw_bytes"].as_u64().unwrap() as usize;
    assert!(read >= raw.len() && read < original.len(), "{reject}");
}

#[test]
fn zero_padding_after_the_last_member_is_skipped_and_other_trailing_bytes_are_a_reject() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = mixed_corpus(50);
    let expected = {
        let plain = dir.path().join("plain.jsonl");
        std::fs::write(&plain, &corpus).unwrap();
        run(&["normalize", "--quiet", plain.to_str().unwrap()]).stdout
    };
    let mut bz2 = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    bz2.write_all(corpus.as_bytes()).unwrap();
    let bz2 = bz2.finish().unwrap();

    // Padded to a tar block, as `gzip -d` and `bzip2 -d` read without an error.
    for (name, mut file) in [
        ("p.jsonl.gz", gzip(corpus.as_bytes())),
        ("p.jsonl.bz2", bz2),
    ] {
        file.extend([0u8; 10240 - 100]);
        let path = dir.path().join(name);
        std::fs::write(&path, &file).unwrap();
        let output = run(&["normalize", path.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(output.stdout, expected, "{name}");
        let err = stderr(&output);
        assert!(err.contains("50 records in, 50 out, 0 rejected"), "{err}");
    }

    // Anything else after the last member is reported, and the records
    // before it are kept.
    let mut file = gzip(corpus.as_bytes());
    file.extend(b"not gzip at all\n");
    let path = dir.path().join("g.jsonl.gz");
    std::fs::write(&path, &file).unwrap();
    let output = run(&["normalize", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(output.stdout, expected);
    let err = stderr(&output);
    assert!(
        err.contains("g.jsonl.gz:51: read error: data after the last gzip member is not gzip (trailing garbage)"),
        "{err}"
    );

    // An empty or uncompressed file named .gz is not gzip.
    for (name, bytes) in [("e.jsonl.gz", &b""[..]), ("t.jsonl.gz", corpus.as_bytes())] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let output = run(&["normalize", path.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(1), "{name}");
        assert!(records(&output.stdout).is_empty(), "{name}");
        let err = stderr(&output);
        assert!(err.contains(&format!("{name}:1: read error:")), "{err}");
    }
}

/// What `canon normalize` writes for `corpus` read as plain JSON Lines.
fn normalized(dir: &Path, corpus: &str) -> Vec<u8> {
    let plain = write_file(dir, "plain.jsonl", corpus.as_bytes());
    run(&["normalize", "--quiet", &plain]).stdout
}

#[test]
fn a_header_cut_short_after_the_last_member_is_trailing_garbage_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = mixed_corpus(50);
    let expected = normalized(dir.path(), &corpus);
    let padded_then_cut = {
        let mut file = gzip(corpus.as_bytes());
        file.extend([0u8; 100]);
        file.push(0x1f);
        file
    };
    for (name, file, message) in [
        (
            "g.jsonl.gz",
            [gzip(corpus.as_bytes()), vec![0x1f]].concat(),
            "1 byte after the last gzip member is the start of a gzip header, cut short by the end of the file (trailing garbage)",
        ),
        (
            "b.jsonl.bz2",
            [bzip2(corpus.as_bytes()), b"BZ".to_vec()].concat(),
            "2 bytes after the last bzip2 member are the start of a bzip2 header, cut short by the end of the file (trailing garbage)",
        ),
        (
            "z.jsonl.gz",
            padded_then_cut,
            "100 zero bytes after the last gzip member are followed by 1 byte, the start of a gzip header cut short by the end of the file (trailing garbage)",
        ),
    ] {
        let path = write_file(dir.path(), name, &file);
        let output = run(&["normalize", &path]);
        assert_eq!(output.status.code(), Some(1), "{name}");
        assert_eq!(output.stdout, expected, "{name}: every record is kept");
        let err = stderr(&output);
        assert!(
            err.contains(&format!("{name}:51: read error: {message}\n")),
            "{err}"
        );
        assert!(err.contains("51 records in, 50 out, 1 rejected"), "{err}");
    }

    // A whole magic starts a member: cut after it, that member is cut, not
    // garbage.
    let file = [gzip(corpus.as_bytes()), gzip(b"{}\n")[..5].to_vec()].concat();
    let path = write_file(dir.path(), "cut.jsonl.gz", &file);
    let output = run(&["normalize", &path]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(output.stdout, expected);
    let err = stderr(&output);
    assert!(err.contains("cut.jsonl.gz:51: read error: "), "{err}");
    assert!(!err.contains("trailing garbage"), "{err}");
}

#[test]
fn members_after_zero_padding_are_read_and_other_bytes_after_it_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = mixed_corpus(50);
    let expected = normalized(dir.path(), &corpus);
    // Two padded files one after the other, as `cat` of two tape copies
    // leaves them, split inside a record (members are one byte stream).
    let (head, tail) = corpus.as_bytes().split_at(corpus.len() / 2);
    let padding = [0u8; 512];
    for (name, file) in [
        (
            "p.jsonl.gz",
            [gzip(head), padding.to_vec(), gzip(tail), padding.to_vec()].concat(),
        ),
        (
            "p.jsonl.bz2",
            [bzip2(head), padding.to_vec(), bzip2(tail), padding.to_vec()].concat(),
        ),
    ] {
        let path = write_file(dir.path(), name, &file);
        let output = run(&["normalize", &path]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(output.stdout, expected, "{name}");
        let err = stderr(&output);
        assert!(err.contains("50 records in, 50 out, 0 rejected"), "{err}");
    }

    // Padding followed by anything but a member is trailing garbage, the
    // records before it kept.
    let file = [
        gzip(corpus.as_bytes()),
        padding.to_vec(),
        b"not gzip".to_vec(),
    ]
    .concat();
    let path = write_file(dir.path(), "g.jsonl.gz", &file);
    let output = run(&["normalize", &path]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(output.stdout, expected);
    let err = stderr(&output);
    assert!(
        err.contains("g.jsonl.gz:51: read error: 512 zero bytes after the last gzip member are followed by data that is not gzip (trailing garbage)\n"),
        "{err}"
    );
}

#[test]
fn data_read_whole_before_trailing_garbage_is_kept_and_the_garbage_rejected_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("rejects.jsonl");
    let normalize = |path: &str| run(&["normalize", path, "--rejects", rejects.to_str().unwrap()]);
    let garbage = "read error: data after the last gzip member is not gzip (trailing garbage)";

    // A plain-text document: all of it was read, every checksum checked,
    // so it is written, and the garbage is a reject of its own after it.
    let document = "Moonshot AI released Kimi K2 on Friday.\n\nDeepSeek answered the next week.";
    let path = write_file(
        dir.path(),
        "doc.txt.gz",
        &[gzip(document.as_bytes()), b"junk".to_vec()].concat(),
    );
    let output = normalize(&path);
    assert_eq!(output.status.code(), Some(1));
    let written = records(&output.stdout);
    assert_eq!(written.len(), 1, "the document is kept");
    assert_eq!(written[0]["text"], document);
    let err = stderr(&output);
    assert!(err.contains(&format!("doc.txt.gz:2: {garbage}\n")), "{err}");
    assert!(err.contains("2 records in, 1 out, 1 rejected"), "{err}");
    let reject = &records(&std::fs::read(&rejects).unwrap())[0];
    assert_eq!(
        (reject["line"].as_u64(), reject["reason"].as_str()),
        (Some(2), Some(garbage))
    );
    assert_eq!(reject["raw_bytes"], 0, "{reject}");

    // A document too short for the UTF-16 sniffer's first read, too.
    let path = write_file(
        dir.path(),
        "short.txt.gz",
        &[gzip(b"Kimi"), b"junk".to_vec()].concat(),
    );
    let output = normalize(&path);
    assert_eq!(records(&output.stdout)[0]["text"], "Kimi");
    assert!(stderr(&output).contains(&format!("short.txt.gz:2: {garbage}\n")));

    // JSON Lines whose last record has no newline: that record was read
    // whole too.
    let lines = "{\"text\":\"one\"}\n{\"text\":\"two\"}";
    let path = write_file(
        dir.path(),
        "nl.jsonl.gz",
        &[gzip(lines.as_bytes()), b"junk".to_vec()].concat(),
    );
    let output = normalize(&path);
    let texts: Vec<Value> = records(&output.stdout)
        .iter()
        .map(|r| r["text"].clone())
        .collect();
    assert_eq!(texts, ["one", "two"]);
    let err = stderr(&output);
    assert!(
        err.contains(&format!("nl.jsonl.gz:3: {garbage}\n")),
        "{err}"
    );
    assert!(err.contains("3 records in, 2 out, 1 rejected"), "{err}");

    // A damaged document is not read whole: it is still rejected, at its
    // line, with the bytes read of it.
    let compressed = gzip(document.repeat(50).as_bytes());
    let path = write_file(
        dir.path(),
        "cut.txt.gz",
        &compressed[..compressed.len() - 8],
    );
    let output = normalize(&path);
    assert_eq!(output.status.code(), Some(1));
    assert!(records(&output.stdout).is_empty());
    let err = stderr(&output);
    assert!(err.contains("cut.txt.gz:1: read error: "), "{err}");
    assert!(err.contains("1 record in, 0 out, 1 rejected"), "{err}");
    let reject = &records(&std::fs::read(&rejects).unwrap())[0];
    assert!(
        document
            .repeat(50)
            .starts_with(reject["raw"].as_str().unwrap()),
        "{reject}"
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
    // A reject keeps up to 4 KiB of the record, whatever --max-bytes is.
    assert!(reject.get("truncated").is_none());
    assert_eq!(reject["raw_bytes"], 2018);
    assert_eq!(reject["raw"].as_str().unwrap().len(), 2018);

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
fn a_file_read_as_text_by_its_name_that_holds_json_lines_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, contents: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_string()
    };
    let shard = write(
        "part-00000",
        b"\xEF\xBB\xBF\r\n{\"id\":1,\"text\":\"DeepSeek\"}\r\n{\"id\":2,\"text\":\"Kimi\"}\r\n",
    );
    let dump = write("dump.json", b"{\"text\":\"one record, no newline\"}");
    let prose = write(
        "notes.txt",
        b"{Braces} open this note.\nDeepSeek said so.\n",
    );
    let pretty = write("object.json", b"{\n  \"text\": \"pretty\"\n}\n");
    let lines = write("shard.jsonl", b"{\"text\":\"DeepSeek\"}\n");

    let output = run(&["normalize", &shard, &dump, &prose, &pretty, &lines]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let err = stderr(&output);
    let warned: Vec<&str> = err.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(
        warned,
        [
            format!(
                "warning: {shard}: read as one plain-text document (by its name), but its \
                 first line is a JSON object; give --format jsonl to read it as JSON Lines"
            ),
            format!(
                "warning: {dump}: read as one plain-text document (by its name), but its \
                 first line is a JSON object; give --format jsonl to read it as JSON Lines"
            ),
        ],
        "{err}"
    );
    assert!(
        err.contains("; 2 plain-text files that look like JSON Lines"),
        "{err}"
    );
    // Nothing is lost or changed: each file is still read as its name says.
    assert_eq!(records(&output.stdout).len(), 5);

    // --format decides, and then there is nothing to report.
    for format in ["text", "jsonl"] {
        let output = run(&["normalize", "--format", format, &shard, &dump]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let err = stderr(&output);
        assert!(!err.contains("warning"), "{format}: {err}");
        assert!(!err.contains("look like JSON Lines"), "{format}: {err}");
    }
    // --quiet keeps it to itself, as it does the summary.
    let output = run(&["normalize", "--quiet", &shard]);
    assert!(output.stderr.is_empty(), "{}", stderr(&output));

    // Over --max-bytes only the document's head is kept, cut inside a long
    // first record: that is enough to tell, and the document is rejected.
    let article = "word ".repeat(2_000);
    let long = write(
        "part-00001",
        format!("{{\"text\":\"{article}\"}}\n{{\"text\":\"b\"}}\n").as_bytes(),
    );
    let output = run(&["normalize", "--max-bytes", "5000", &long]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("warning: {long}: read as one plain-text document")),
        "{err}"
    );
    assert!(err.contains("exceeds --max-bytes"), "{err}");
    let output = run(&[
        "normalize",
        "--max-bytes",
        "5000",
        "--format",
        "jsonl",
        &long,
    ]);
    assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));
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

fn utf16(text: &str, little_endian: bool, bom: bool) -> Vec<u8> {
    let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
    units
        .flat_map(|unit| {
            if little_endian {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            }
        })
        .collect()
}

#[test]
fn utf16_json_lines_are_decoded_before_lines_are_split() {
    // U+0A0A and U+310A hold the byte 0x0A, which must not end a line.
    let corpus =
        "{\"id\":1,\"text\":\"ਊ Moonshot AI 月之暗面 ㄊ\"}\n{\"id\":2,\"text\":\"DeepSeek\"}\n";
    let dir = tempfile::tempdir().unwrap();
    for (little_endian, bom, name) in [
        (true, true, "UTF-16LE"),
        (false, true, "UTF-16BE"),
        (true, false, "UTF-16LE"),
        (false, false, "UTF-16BE"),
    ] {
        let path = write_file(dir.path(), "u.jsonl", &utf16(corpus, little_endian, bom));
        let output = run(&["normalize", &path]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{name} {bom}: {}",
            stderr(&output)
        );
        assert!(stderr(&output).contains("2 records in, 2 out, 0 rejected"));
        let written = records(&output.stdout);
        assert_eq!(
            written[0]["text"], "ਊ Moonshot AI 月之暗面 ㄊ",
            "{name} {bom}"
        );
        assert_eq!(written[0]["encoding"], name);
        assert_eq!(written[1]["entities"][0]["id"], "deepseek");
        // Standard input and gzip too.
        let output = run_with_stdin(&["normalize", "--quiet"], utf16(corpus, little_endian, bom));
        assert_eq!(records(&output.stdout).len(), 2, "{name} {bom} on stdin");
    }
    let path = write_file(dir.path(), "u.jsonl.gz", &gzip(&utf16(corpus, true, true)));
    assert_eq!(
        records(&run(&["normalize", "--quiet", &path]).stdout).len(),
        2
    );
    // A plain-text document in UTF-16.
    let doc = "Moonshot AI\n月之暗面\n";
    let path = write_file(dir.path(), "doc.txt", &utf16(doc, true, false));
    let records = records(&run(&["normalize", "--quiet", &path]).stdout);
    assert_eq!(
        (records[0]["text"].as_str(), records[0]["encoding"].as_str()),
        (Some(doc), Some("UTF-16LE"))
    );
}

const SIMPLIFIED: &str =
    "月之暗面今天发布了新的大模型，字节跳动和阿里巴巴也在加快研发，市场反应热烈。";
const TRADITIONAL: &str =
    "輝達與台積電宣布擴大合作，字節跳動也在臺灣設立了新的研發中心，業界十分關注。";

#[test]
fn paragraphs_in_different_encodings_are_decoded_each_and_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = encoding_rs::GB18030.encode(SIMPLIFIED).0.into_owned();
    bytes.extend_from_slice(b"\n\n");
    bytes.extend_from_slice(&encoding_rs::BIG5.encode(TRADITIONAL).0);
    let path = write_file(dir.path(), "mixed.txt", &bytes);
    let output = run(&["normalize", &path]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let record = &records(&output.stdout)[0];
    assert_eq!(record["text"], format!("{SIMPLIFIED}\n\n{TRADITIONAL}"));
    assert_eq!(record["lang"], "zh");
    assert_eq!(record["encoding"], "mixed");
    let split = SIMPLIFIED.chars().count() + 2;
    assert_eq!(
        record["encoding_parts"],
        serde_json::json!([
            {"encoding": "GBK", "start": 0, "end": split},
            {"encoding": "Big5", "start": split, "end": split + TRADITIONAL.chars().count()},
        ])
    );
    assert!(
        stderr(&output).contains("1 record with mixed encodings"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_doubtful_decoding_is_flagged_not_presented_as_clean() {
    let dir = tempfile::tempdir().unwrap();
    // One line in two encodings: no single encoding fits it.
    let mut bytes = encoding_rs::GB18030.encode(SIMPLIFIED).0.into_owned();
    bytes.extend_from_slice(&encoding_rs::BIG5.encode(TRADITIONAL).0);
    let path = write_file(dir.path(), "one-line.txt", &bytes);
    let output = run(&["normalize", &path]);
    let record = &records(&output.stdout)[0];
    assert!(record["encoding_warning"].is_string(), "{record}");
    assert!(
        stderr(&output).contains("1 record with doubtful encodings"),
        "{}",
        stderr(&output)
    );
}

/// Deterministic pseudo-random bytes.
fn noise(len: usize, mut state: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[test]
fn random_bytes_are_rejected_as_binary() {
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("rejects.jsonl");
    for seed in 1..=5 {
        write_file(dir.path(), &format!("noise{seed}.bin"), &noise(3000, seed));
    }
    write_file(dir.path(), "zeros.dat", &[0u8; 5000]);
    write_file(dir.path(), "text.txt", b"Real text about Moonshot AI.");
    let output = run(&[
        "normalize",
        dir.path().to_str().unwrap(),
        "--rejects",
        rejects.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let records = records(&output.stdout);
    assert_eq!(records.len(), 1, "only the text is a document");
    let err = stderr(&output);
    assert!(err.contains("noise1.bin:1: binary: "), "{err}");
    assert!(err.contains("7 records in, 1 out, 6 rejected"), "{err}");
    let reasons = std::fs::read_to_string(&rejects).unwrap();
    assert_eq!(reasons.lines().count(), 6);
}

#[test]
fn rejects_are_bounded_whatever_the_record_size() {
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("rejects.jsonl");
    // A gzip of 20 MiB of NUL bytes: one line of garbage over --max-bytes.
    let path = write_file(dir.path(), "zeros.jsonl.gz", &gzip(&vec![0u8; 20 << 20]));
    // And a line of bad JSON under the limit but far over the head.
    let long = format!("{{\"text\": {}}}\n", "1".repeat(100_000));
    let long_path = write_file(dir.path(), "long.jsonl", long.as_bytes());
    let output = run(&[
        "normalize",
        "--max-bytes",
        "1M",
        &path,
        &long_path,
        "--rejects",
        rejects.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let size = std::fs::metadata(&rejects).unwrap().len();
    assert!(size < 64 * 1024, "rejects file of {size} bytes");
    let rejected: Vec<Value> = records(&std::fs::read(&rejects).unwrap());
    assert_eq!(rejected[0]["raw_bytes"], 20 << 20);
    assert_eq!(rejected[0]["truncated"], true);
    assert_eq!(rejected[0]["raw"].as_str().unwrap().chars().count(), 4096);
    assert_eq!(rejected[1]["raw_bytes"], long.len() - 1);
    assert_eq!(rejected[1]["raw"].as_str().unwrap(), &long[..4096]);
    let sha: String = rejected[1]["raw_sha256"].as_str().unwrap().to_string();
    assert_eq!(sha.len(), 64);
    assert!(
        rejected[1]["reason"]
            .as_str()
            .unwrap()
            .starts_with("text field")
    );
}

#[test]
fn metadata_passes_through_byte_for_byte() {
    let input = concat!(
        r#"{"n":1E5,"s":"\u00e9","big":123456789012345678901234567890.50,"k":{"a" : [1.50, -0]},"text":"DeepSeek","after":true}"#,
        "\n",
        r#"{"dup":1,"dup":2,"text":"Kimi"}"#,
        "\n",
        r#"{"text":"one","text":"two"}"#,
        "\n"
    );
    let output = run_with_stdin(&["normalize"], input.as_bytes().to_vec());
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let out = String::from_utf8(output.stdout.clone()).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with(r#"{"n":1E5,"s":"\u00e9","big":123456789012345678901234567890.50,"k":{"a" : [1.50, -0]},"text":"DeepSeek","after":true,"lang":"#),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with(r#"{"dup":1,"dup":2,"text":"Kimi","#),
        "{}",
        lines[1]
    );
    assert_eq!(lines.len(), 2);
    assert!(stderr(&output).contains("-:3: duplicate text field \"text\""));
}

#[test]
fn line_separators_are_escaped_in_every_string() {
    let text = "Moonshot\u{2028}AI\u{2029}月之暗面";
    let input = format!(
        "{}\n",
        serde_json::json!({"meta": "a\u{2028}b", "text": text})
    );
    let output = run_with_stdin(&["normalize", "--quiet", "--spans"], input.into_bytes());
    assert_eq!(output.status.code(), Some(0));
    let out = String::from_utf8(output.stdout.clone()).unwrap();
    assert!(!out.contains(['\u{2028}', '\u{2029}']), "{out}");
    // What Python's splitlines() sees: one record.
    assert_eq!(
        out.split(['\n', '\u{2028}', '\u{2029}'])
            .filter(|l| !l.is_empty())
            .count(),
        1
    );
    let record = &records(&output.stdout)[0];
    assert_eq!(record["text"], text);
    assert_eq!(record["meta"], "a\u{2028}b");
    // Rejects too.
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("r.jsonl");
    run_with_stdin(
        &[
            "normalize",
            "--quiet",
            "--rejects",
            rejects.to_str().unwrap(),
        ],
        "bad\u{2028}line\n".as_bytes().to_vec(),
    );
    let written = std::fs::read_to_string(&rejects).unwrap();
    assert!(
        !written.contains('\u{2028}') && written.contains("\\u2028"),
        "{written}"
    );
}

/// However inputs go wrong, every record read is written or rejected, and
/// the summary says so.
#[test]
fn records_in_equal_out_plus_rejected_on_every_path() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = vec![
        write_file(dir.path(), "a.jsonl", mixed_corpus(700).as_bytes()),
        write_file(dir.path(), "b.jsonl", &utf16(&mixed_corpus(20), true, true)),
        write_file(dir.path(), "c.bin", &noise(2000, 9)),
        write_file(
            dir.path(),
            "d.txt",
            &encoding_rs::BIG5.encode(TRADITIONAL).0,
        ),
        write_file(
            dir.path(),
            "e.jsonl",
            b"{\"text\": \"x\"}\n\n{\"text\":\"y\"\n",
        ),
    ];
    files.push(dir.path().join("missing.txt").to_str().unwrap().to_string());
    let mut args = vec!["normalize", "--max-bytes", "2K", "--jobs", "2"];
    args.extend(files.iter().map(String::as_str));
    let output = run(&args);
    assert_eq!(output.status.code(), Some(2), "a path was missing");
    let err = stderr(&output);
    let summary = err.lines().find(|l| l.contains("records in")).unwrap();
    let numbers: Vec<u64> = summary
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .take(3)
        .collect();
    let (records_in, out, rejected) = (numbers[0], numbers[1], numbers[2]);
    assert_eq!(records_in, out + rejected, "{summary}");
    assert_eq!(records(&output.stdout).len() as u64, out);
    assert_eq!(records_in, 700 + 20 + 1 + 1 + 2, "{summary}");
    assert_eq!(
        err.lines()
            .filter(|l| l.contains(".jsonl:") || l.contains(".bin:"))
            .count() as u64,
        rejected,
        "{err}"
    );
}

/// Collects rejects as `(line, reason)`.
#[derive(Default)]
struct Rejects(Vec<(u64, String)>);

impl canon::corpus::Observer for Rejects {
    fn reject(&mut self, reject: &canon::corpus::Reject) -> canon::Result<()> {
        self.0.push((reject.line, reject.reason.clone()));
        Ok(())
    }
}

/// Texts run in memory (what the Python package does) give, for each text,
/// the record `canon normalize` writes for `{"text": ...}` without the
/// input's field, in order, with every job count; binary texts are rejected
/// with the CLI's reason, at their position.
#[test]
fn texts_in_memory_give_the_records_of_the_cli() {
    let mut texts: Vec<String> = mixed_corpus(1500)
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .map(|r| r["text"].as_str().unwrap().to_string())
        .collect();
    texts.insert(7, "\u{1}".repeat(40));
    let jsonl: String = texts
        .iter()
        .map(|t| serde_json::json!({ "text": t }).to_string() + "\n")
        .collect();
    let cli = run_with_stdin(&["normalize", "--spans", "--jobs", "2"], jsonl.into_bytes());
    assert_eq!(cli.status.code(), Some(1), "{}", stderr(&cli));
    let mut expected = records(&cli.stdout);
    for record in &mut expected {
        record.as_object_mut().unwrap().shift_remove("text");
    }
    let canon = canon::Canon::builder().build().unwrap();
    for jobs in [1, 3] {
        let mut options = canon::corpus::CorpusOptions::default();
        options.jobs = jobs;
        options.write.spans = true;
        let (mut out, mut rejects) = (Vec::new(), Rejects::default());
        let (summary, outcome) = canon::corpus::run_texts(
            &canon,
            texts.clone(),
            "texts",
            &options,
            &mut out,
            &mut rejects,
        );
        outcome.unwrap();
        assert_eq!(summary.records_in, texts.len() as u64);
        assert_eq!(records(&out), expected, "jobs {jobs}");
        assert_eq!(rejects.0.len(), 1);
        assert_eq!(rejects.0[0].0, 8, "the 1-based position");
        assert!(
            stderr(&cli).contains(&format!("-:8: {}", rejects.0[0].1)),
            "the CLI's reason: {}",
            stderr(&cli)
        );
    }
}
