//! charabia peer: reads JSON Lines on standard input, tokenizes each record's
//! `text` with charabia's default tokenizer (script and language detection,
//! segmentation, normalization, classification) and writes one line
//! `{"id": ..., "tokens": [lemmas of the word tokens]}` per record.
//!
//! The same end-to-end job as `canon normalize` minus entity aliases.

use std::io::{BufRead, BufWriter, Write};

use charabia::Tokenize;
use serde_json::{Value, json};

fn main() -> std::io::Result<()> {
    let stdin = std::io::stdin().lock();
    let mut out = BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    for (number, line) in stdin.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let record: Value = match serde_json::from_str(&line) {
            Ok(record) => record,
            Err(error) => {
                eprintln!("charabia-peer: line {}: {error}", number + 1);
                continue;
            }
        };
        let text = record.get("text").and_then(Value::as_str).unwrap_or("");
        let tokens: Vec<String> = text
            .tokenize()
            .filter(|token| token.is_word())
            .map(|token| token.lemma().to_string())
            .collect();
        let id = record.get("id").cloned().unwrap_or(Value::Null);
        serde_json::to_writer(&mut out, &json!({ "id": id, "tokens": tokens }))?;
        out.write_all(b"\n")?;
    }
    out.flush()
}
