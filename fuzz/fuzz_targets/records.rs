//! Fuzzes decoding of raw record bytes (any encoding, any JSON) through the
//! writer: whatever comes in, the output line is valid JSON, one line (no
//! raw U+2028/U+2029 either), with every passed-through field as written,
//! or the record is rejected; and nothing panics.
#![no_main]

use std::sync::OnceLock;

use canon::Canon;
use canon::aliases::AliasTable;
use canon::decode::{binary_reason, decode_text, parse_json_record};
use canon::write::{OUTPUT_FIELDS, WriteOptions, write_record};
use libfuzzer_sys::fuzz_target;

fn canon() -> &'static Canon {
    static CANON: OnceLock<Canon> = OnceLock::new();
    CANON.get_or_init(|| Canon::new(AliasTable::load(&[]).expect("default table loads")))
}

fuzz_target!(|data: &[u8]| {
    let decoded = decode_text(data);
    let _ = binary_reason(&decoded.text);
    let Ok(record) = parse_json_record(&decoded.text, "text") else {
        return;
    };
    let analysis = canon().analyze(&record.text);
    let mut out = Vec::new();
    let mut options = WriteOptions::default();
    options.spans = true;
    write_record(&mut out, &record, &analysis, &decoded.note, options);
    let line = std::str::from_utf8(&out).expect("output is UTF-8");
    assert!(line.ends_with('\n') && line.matches('\n').count() == 1);
    assert!(!line.contains(['\u{2028}', '\u{2029}']));
    serde_json::from_str::<serde_json::Value>(line).expect("output is JSON");
    for field in &record.fields {
        if OUTPUT_FIELDS.contains(&field.name.as_ref()) {
            continue;
        }
        let written = format!(
            "{}:{}",
            field.key_json,
            field
                .value_json
                .replace('\u{2028}', "\\u2028")
                .replace('\u{2029}', "\\u2029")
        );
        assert!(line.contains(&written), "{written} passed through");
    }
});
