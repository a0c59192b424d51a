//! Reading documents for the `canon boilerplate` commands: the same inputs
//! as `canon normalize` (files, folders, JSON Lines or plain text, compressed
//! or not, any encoding), one record at a time, on one thread.

use std::io::{BufReader, Read};

use crate::decode::compressed::EndAtTrailingGarbage;
use crate::decode::record::{first_line_is_json_object, text_like_json_lines_warning};
use crate::decode::{
    Input, InputFile, Layout, LineReader, decode_text, is_blank_line, parse_json_record,
    read_document, utf16::transcode_utf16,
};

/// Which fields to read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The JSON field holding the text.
    pub text_field: String,
    /// The JSON field naming the record's source or site.
    pub source_field: String,
    /// Records larger than this are skipped.
    pub max_bytes: u64,
}

/// One document.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Its `id` field (as text), or `FILE:LINE` (`FILE` for a plain-text document).
    pub id: String,
    /// Its text.
    pub text: String,
    /// Its source field, when it has one.
    pub source: Option<String>,
}

/// Calls `on_record` for every document of `inputs` in order; records that
/// cannot be read, and paths that are not read, are reported to `problems`
/// as `file:line: reason` (or `path: reason`), and so is a file read as
/// plain text by its name that looks like JSON Lines, as `warning: file:
/// ...` (not counted as skipped). Returns the number of records and
/// unreadable paths skipped.
pub fn read_records(
    inputs: &[Input],
    options: &ReadOptions,
    on_record: &mut dyn FnMut(Record),
    problems: &mut dyn FnMut(&str),
) -> u64 {
    let mut skipped = 0;
    for input in inputs {
        let input = match input {
            Input::File(file) => file,
            Input::Skipped(path) => {
                problems(&format!("{}: {}", path.name, path.reason));
                if path.kind == crate::decode::SkipKind::Unreadable {
                    skipped += 1;
                }
                continue;
            }
        };
        let reader = match input.open() {
            Ok(reader) => reader,
            Err(error) => {
                // Nothing was read: the file has no line to name.
                skipped += 1;
                problems(&format!("{}: cannot read input: {error}", input.name));
                continue;
            }
        };
        let mut skip = |line: u64, reason: &str| {
            skipped += 1;
            problems(&format!("{}:{line}: {reason}", input.name));
        };
        // As `canon normalize` reads it: what came before trailing garbage
        // was read whole and is kept, the garbage reported after it.
        let (reader, trailing_garbage) = EndAtTrailingGarbage::new(reader);
        let reader = match transcode_utf16(Box::new(reader)) {
            Ok((reader, _)) => reader,
            Err(error) => {
                skip(1, &format!("cannot read input: {error}"));
                continue;
            }
        };
        let (like_json_lines, next_line) = match input.layout {
            Layout::PlainText => (
                read_plain_text(reader, input, options, on_record, &mut skip),
                2,
            ),
            Layout::JsonLines => (
                false,
                read_json_lines(reader, input, options, on_record, &mut skip),
            ),
        };
        if let Some(error) = trailing_garbage.take() {
            skip(next_line, &format!("read error: {error}"));
        }
        if like_json_lines && !input.layout_given {
            problems(&text_like_json_lines_warning(&input.name));
        }
    }
    skipped
}

/// Reads `input` as one document; returns whether its first line is a JSON
/// object ([`first_line_is_json_object`]), which the caller reports.
fn read_plain_text(
    mut reader: Box<dyn Read + Send>,
    input: &InputFile,
    options: &ReadOptions,
    on_record: &mut dyn FnMut(Record),
    skip: &mut dyn FnMut(u64, &str),
) -> bool {
    let mut bytes = Vec::new();
    match read_document(&mut reader, options.max_bytes, None, &mut bytes) {
        Ok(read) if read.len_bytes > options.max_bytes => {
            skip(
                1,
                &format!("document of {} bytes exceeds --max-bytes", read.len_bytes),
            );
            // `bytes` holds the document's head.
            first_line_is_json_object(&bytes, true)
        }
        Ok(_) => {
            let like_json_lines = first_line_is_json_object(&bytes, false);
            on_record(Record {
                id: input.name.to_string(),
                text: decode_text(&bytes).text.into_owned(),
                source: None,
            });
            like_json_lines
        }
        Err(error) => {
            skip(1, &format!("cannot read input: {error}"));
            false
        }
    }
}

/// Reads `input` as JSON Lines; returns the number of the line after the
/// last read.
fn read_json_lines(
    reader: Box<dyn Read + Send>,
    input: &InputFile,
    options: &ReadOptions,
    on_record: &mut dyn FnMut(Record),
    skip: &mut dyn FnMut(u64, &str),
) -> u64 {
    let mut lines = LineReader::new(
        BufReader::with_capacity(256 * 1024, reader),
        options.max_bytes,
    );
    let mut number = 0;
    let mut bytes = Vec::new();
    loop {
        number += 1;
        match lines.next_line(&mut bytes) {
            Ok(None) => return number,
            Ok(Some(_)) if is_blank_line(&bytes) => {}
            Ok(Some(read)) if read.len_bytes > options.max_bytes => skip(
                number,
                &format!("record of {} bytes exceeds --max-bytes", read.len_bytes),
            ),
            Ok(Some(_)) => {
                let decoded = decode_text(&bytes);
                match parse_json_record(&decoded.text, &options.text_field) {
                    Ok(record) => {
                        // A string field as its text, any other value as written.
                        let field = |name: &str| {
                            let value = &record.fields.iter().find(|f| f.name == name)?.value_json;
                            match serde_json::from_str::<serde_json::Value>(value) {
                                Ok(serde_json::Value::String(s)) => Some(s),
                                Ok(serde_json::Value::Null) => None,
                                _ => Some(value.to_string()),
                            }
                        };
                        on_record(Record {
                            id: field("id").unwrap_or_else(|| format!("{}:{number}", input.name)),
                            text: record.text.into_owned(),
                            source: field(&options.source_field),
                        });
                    }
                    Err(reason) => skip(number, &reason),
                }
            }
            Err(error) => {
                skip(number, &format!("read error: {error}"));
                return number + 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_file_that_holds_json_lines_is_warned_about_unless_format_says_text() {
        let dir = tempfile::tempdir().unwrap();
        let shard = dir.path().join("part-00000");
        std::fs::write(&shard, "{\"text\":\"a\"}\n{\"text\":\"b\"}\n").unwrap();
        let prose = dir.path().join("notes.txt");
        std::fs::write(&prose, "{Braces} open this note.\n").unwrap();
        let options = ReadOptions {
            text_field: "text".into(),
            source_field: "source".into(),
            max_bytes: 1 << 20,
        };
        let read = |layout| {
            let inputs = crate::decode::expand_inputs(&[shard.clone(), prose.clone()], layout);
            let (mut records, mut problems) = (0, Vec::new());
            let skipped = read_records(&inputs, &options, &mut |_| records += 1, &mut |p| {
                problems.push(p.to_string())
            });
            (skipped, records, problems)
        };
        let (skipped, records, problems) = read(None);
        assert_eq!((skipped, records), (0, 2), "read as the names say");
        let name = crate::decode::path_name(&shard);
        assert_eq!(problems, [text_like_json_lines_warning(&name)]);
        assert!(problems[0].starts_with(&format!("warning: {name}: ")));
        assert_eq!(read(Some(Layout::PlainText)), (0, 2, Vec::new()));

        // A document over --max-bytes: its head, cut inside the first
        // record, is enough to tell.
        let long = dir.path().join("part-00001");
        let article = "word ".repeat(2_000);
        std::fs::write(&long, format!("{{\"text\":\"{article}\"}}\n")).unwrap();
        let small = ReadOptions {
            max_bytes: 5_000,
            ..options.clone()
        };
        let mut problems = Vec::new();
        let inputs = crate::decode::expand_inputs(std::slice::from_ref(&long), None);
        let skipped = read_records(&inputs, &small, &mut |_| {}, &mut |p| {
            problems.push(p.to_string())
        });
        let name = crate::decode::path_name(&long);
        assert_eq!(skipped, 1);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("exceeds --max-bytes"), "{problems:?}");
        assert_eq!(problems[1], text_like_json_lines_warning(&name));
    }

    #[test]
    fn records_and_problems_are_reported_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.jsonl");
        std::fs::write(
            &path,
            "{\"id\":7,\"text\":\"a\",\"source\":\"s\"}\n\nnot json\n{\"body\":\"b\"}\n{\"text\":\"c\"}\n",
        )
        .unwrap();
        let inputs = crate::decode::expand_inputs(&[path], None);
        let mut records = Vec::new();
        let mut problems = Vec::new();
        let options = ReadOptions {
            text_field: "text".into(),
            source_field: "source".into(),
            max_bytes: 1 << 20,
        };
        let skipped = read_records(&inputs, &options, &mut |r| records.push(r), &mut |p| {
            problems.push(p.to_string())
        });
        assert_eq!(skipped, 2);
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].id, "7");
        assert_eq!(records[0].source.as_deref(), Some("s"));
        assert!(records[1].id.ends_with("in.jsonl:5"), "{}", records[1].id);
        assert!(
            problems[0].contains("in.jsonl:3: invalid JSON"),
            "{problems:?}"
        );
        assert!(
            problems[1].ends_with("in.jsonl:4: missing text field \"text\""),
            "{problems:?}"
        );
    }
}
