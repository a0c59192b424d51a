//! Stage 5: the JSON Lines output record.
//!
//! The input record's fields come first, unchanged and in their order; canon's
//! fields follow: `lang`, `lang_confidence`, `normalized_text`, `tokens`,
//! `token_spans` (with `--spans`), `entities`, and `encoding` when the input
//! was not UTF-8. An input field with one of those names is replaced.

use std::io::Write;

use serde_json::{Map, Value};

use crate::pipeline::Analysis;

/// The field names canon adds to every record.
pub const OUTPUT_FIELDS: [&str; 7] = [
    "lang",
    "lang_confidence",
    "normalized_text",
    "tokens",
    "token_spans",
    "entities",
    "encoding",
];

/// What to write besides the contract's fixed fields.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// Write `token_spans`.
    pub spans: bool,
}

/// Appends one output line (with its `\n`) for `record` and its analysis to `out`.
pub fn write_record(
    out: &mut Vec<u8>,
    mut record: Map<String, Value>,
    analysis: &Analysis,
    encoding: Option<&str>,
    options: WriteOptions,
) {
    for field in OUTPUT_FIELDS {
        record.shift_remove(field);
    }
    // Serializing into a Vec cannot fail: every key is a string.
    serde_json::to_writer(&mut *out, &record).expect("JSON map serializes");
    out.pop(); // the closing brace; canon's fields follow
    let mut first = record.is_empty();
    let mut field = |out: &mut Vec<u8>, name: &str| {
        if !first {
            out.push(b',');
        }
        first = false;
        write_str(out, name);
        out.push(b':');
    };
    field(out, "lang");
    write_str(out, analysis.lang.code);
    field(out, "lang_confidence");
    let _ = write!(out, "{}", analysis.lang.confidence);
    field(out, "normalized_text");
    write_str(out, analysis.normalized.text());
    field(out, "tokens");
    out.push(b'[');
    for (i, term) in analysis.terms().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, term);
    }
    out.push(b']');
    if options.spans {
        field(out, "token_spans");
        out.push(b'[');
        for (i, (start, end)) in analysis.token_spans.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let _ = write!(out, "[{start},{end}]");
        }
        out.push(b']');
    }
    field(out, "entities");
    out.push(b'[');
    for (i, mention) in analysis.entities.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"id\":");
        write_str(out, &mention.id);
        out.extend_from_slice(b",\"name\":");
        write_str(out, &mention.name);
        out.extend_from_slice(b",\"surface\":");
        write_str(out, &mention.surface);
        let _ = write!(
            out,
            ",\"start\":{},\"end\":{}}}",
            mention.start, mention.end
        );
    }
    out.push(b']');
    if let Some(encoding) = encoding {
        field(out, "encoding");
        write_str(out, encoding);
    }
    out.extend_from_slice(b"}\n");
}

/// Writes `s` as a JSON string.
fn write_str(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(&mut *out, s).expect("a string serializes");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aliases::AliasTable;
    use crate::pipeline::Canon;

    #[test]
    fn input_fields_pass_through_and_canon_fields_follow() {
        let canon = Canon::new(AliasTable::load(&[]).unwrap());
        let record: Map<String, Value> =
            serde_json::from_str(r#"{"id":7,"big":1.10,"text":"DeepSeek’s model is the one that the lab released","lang":"xx"}"#).unwrap();
        let analysis = canon.analyze("DeepSeek’s model is the one that the lab released");
        let mut out = Vec::new();
        write_record(
            &mut out,
            record,
            &analysis,
            None,
            WriteOptions { spans: true },
        );
        let line = String::from_utf8(out).unwrap();
        assert!(line.starts_with(r#"{"id":7,"big":1.10,"text":"DeepSeek’s model is the one that the lab released","lang":"en","#), "{line}");
        assert!(line.ends_with("}\n"));
        let value: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["tokens"][0], "deepseek");
        assert_eq!(value["token_spans"][0], serde_json::json!([0, 8]));
        assert_eq!(value["entities"][0]["surface"], "DeepSeek");
        assert_eq!(
            value["normalized_text"],
            "DeepSeek's model is the one that the lab released"
        );
    }

    #[test]
    fn an_empty_record_gets_only_canon_fields() {
        let canon = Canon::new(AliasTable::load(&[]).unwrap());
        let mut out = Vec::new();
        write_record(
            &mut out,
            Map::new(),
            &canon.analyze(""),
            Some("GBK"),
            WriteOptions::default(),
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"lang\":\"und\",\"lang_confidence\":0,\"normalized_text\":\"\",\"tokens\":[],\"entities\":[],\"encoding\":\"GBK\"}\n"
        );
    }
}
