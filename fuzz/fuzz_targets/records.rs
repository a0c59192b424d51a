//! Fuzzes decoding of raw record bytes (any encoding, any JSON) through the
//! writer: whatever comes in, the output line is valid JSON or the record is
//! rejected, and nothing panics.
#![no_main]

use std::sync::OnceLock;

use canon::Canon;
use canon::aliases::AliasTable;
use canon::decode::decode_text;
use canon::write::{WriteOptions, write_record};
use libfuzzer_sys::fuzz_target;

fn canon() -> &'static Canon {
    static CANON: OnceLock<Canon> = OnceLock::new();
    CANON.get_or_init(|| Canon::new(AliasTable::load(&[]).expect("default table loads")))
}

fuzz_target!(|data: &[u8]| {
    let decoded = decode_text(data);
    let Ok(serde_json::Value::Object(mut record)) = serde_json::from_str(&decoded.text) else {
        return;
    };
    let Some(serde_json::Value::String(text)) = record.get("text").cloned() else {
        return;
    };
    let analysis = canon().analyze(&text);
    record.insert("text".into(), serde_json::Value::String(text));
    let mut out = Vec::new();
    write_record(
        &mut out,
        record,
        &analysis,
        decoded.encoding,
        WriteOptions { spans: true },
    );
    let line = std::str::from_utf8(&out).expect("output is UTF-8");
    assert!(line.ends_with('\n') && line.matches('\n').count() == 1);
    serde_json::from_str::<serde_json::Value>(line).expect("output is JSON");
});
