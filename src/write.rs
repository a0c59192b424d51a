//! Stage 5: the JSON Lines output record.
//!
//! The input record's fields come first, unchanged and in their order; canon's
//! fields follow: `lang`, `lang_confidence`, `lang_spans` (documents of
//! more than one language run), `normalized_text`, `tokens`,
//! `token_spans` (with `--spans`), `entities`, and `encoding` when the input
//! was not UTF-8. An input field with one of those names is replaced.

use std::io::Write;

use serde_json::{Map, Value};

use crate::pipeline::Analysis;

/// The field names canon adds to every record.
pub const OUTPUT_FIELDS: [&str; 8] = [
    "lang",
    "lang_confidence",
    "lang_spans",
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
    // serde_json's compact form, with strings (the text above all) escaped
    // by `write_str`; canon's fields follow before the closing brace.
    out.push(b'{');
    for (i, (name, value)) in record.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, name);
        out.push(b':');
        match value {
            Value::String(s) => write_str(out, s),
            // Serializing into a Vec cannot fail: every key is a string.
            other => serde_json::to_writer(&mut *out, other).expect("JSON value serializes"),
        }
    }
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
    if !analysis.lang_spans.is_empty() {
        field(out, "lang_spans");
        out.push(b'[');
        for (i, span) in analysis.lang_spans.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let (start, end) = (span.start_char, span.end_char);
            let _ = write!(out, "{{\"start\":{start},\"end\":{end},\"lang\":");
            write_str(out, span.lang);
            out.push(b'}');
        }
        out.push(b']');
    }
    field(out, "normalized_text");
    write_str(out, analysis.normalized.text());
    field(out, "tokens");
    out.push(b'[');
    if needs_escape(analysis.all_terms().as_bytes()) {
        for (i, term) in analysis.terms().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_str(out, term);
        }
    } else {
        // Nothing to escape: each term as it is, in quotes.
        out.reserve(analysis.all_terms().len() + 3 * analysis.terms().len());
        for (i, term) in analysis.terms().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'"');
            out.extend_from_slice(term.as_bytes());
            out.push(b'"');
        }
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
        if let Some(qid) = &mention.wikidata {
            out.extend_from_slice(b",\"wikidata\":");
            write_str(out, qid);
        }
        out.extend_from_slice(b",\"surface\":");
        write_str(out, &mention.surface);
        let _ = write!(out, ",\"start\":{},\"end\":{}", mention.start, mention.end);
        out.extend_from_slice(b",\"parents\":[");
        for (k, parent) in mention.parents.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            write_str(out, parent);
        }
        out.extend_from_slice(b"]}");
    }
    out.push(b']');
    if let Some(encoding) = encoding {
        field(out, "encoding");
        write_str(out, encoding);
    }
    out.extend_from_slice(b"}\n");
}

/// Writes `s` as a JSON string, byte for byte as serde_json writes it.
///
/// serde_json looks up every byte in a table; output is mostly article text
/// with nothing to escape, so this tests a block of bytes at a time and
/// copies clean stretches whole.
fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // Bytes before `clean` are written.
    let mut clean = 0;
    let mut i = 0;
    while i < bytes.len() {
        while let Some(block) = bytes.get(i..i + BLOCK) {
            if needs_escape(block) {
                break;
            }
            i += BLOCK;
        }
        let stop = (i + BLOCK).min(bytes.len());
        while i < stop {
            let escape = ESCAPE[usize::from(bytes[i])];
            if escape != 0 {
                out.extend_from_slice(&bytes[clean..i]);
                push_escape(out, escape, bytes[i]);
                clean = i + 1;
            }
            i += 1;
        }
    }
    out.extend_from_slice(&bytes[clean..]);
    out.push(b'"');
}

const BLOCK: usize = 32;

/// Whether some byte of `bytes` needs escaping: a control character, `"` or
/// `\`. Written without early exit so that the compiler vectorizes it.
fn needs_escape(bytes: &[u8]) -> bool {
    bytes.iter().fold(false, |any, &b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    })
}

/// For each byte, the letter of its escape (`u` for `\u00XX`), or 0: the
/// same choices as serde_json's table.
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0A] = b'n';
    table[0x0C] = b'f';
    table[0x0D] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

fn push_escape(out: &mut Vec<u8>, escape: u8, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    if escape == b'u' {
        out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(byte >> 4)],
            HEX[usize::from(byte & 0xF)],
        ]);
    } else {
        out.extend_from_slice(&[b'\\', escape]);
    }
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

    fn serde_json_string(s: &str) -> Vec<u8> {
        serde_json::to_vec(s).unwrap()
    }

    fn fast_string(s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        write_str(&mut out, s);
        out
    }

    #[test]
    fn strings_are_escaped_like_serde_json() {
        let every_ascii: String = (0u8..128).map(char::from).collect();
        for s in [
            "",
            "plain",
            "a\"b\\c\nd\re\tf\u{8}g\u{c}h\u{0}i\u{1f}j\u{7f}k",
            "exactly8\n",
            "£600m “quoted” 月之暗面\u{2028}\u{FEFF}",
            &every_ascii,
        ] {
            assert_eq!(fast_string(s), serde_json_string(s), "{s:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn generated_strings_are_escaped_like_serde_json(
            s in "([\\x00-\\x7F]|[a-z ]{1,12}|é|中|\u{2028}|\u{10FFFF}){0,40}"
        ) {
            proptest::prop_assert_eq!(fast_string(&s), serde_json_string(&s));
        }

        #[test]
        fn arbitrary_strings_are_escaped_like_serde_json(s in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(fast_string(&s), serde_json_string(&s));
        }
    }

    #[test]
    fn records_with_every_kind_of_field_match_serde_json() {
        let canon = Canon::new(AliasTable::load(&[]).unwrap());
        let line = r#"{"id":"a\"b","n":-1.5e3,"big":123456789012345678901234567890,"t":true,"z":null,"arr":[1,"x\n",{"k":"v"}],"obj":{"a":[]},"text":"x"}"#;
        let record: Map<String, Value> = serde_json::from_str(line).unwrap();
        let mut out = Vec::new();
        write_record(
            &mut out,
            record.clone(),
            &canon.analyze("x"),
            None,
            WriteOptions::default(),
        );
        let expected = serde_json::to_vec(&record).unwrap();
        assert!(
            out.starts_with(&expected[..expected.len() - 1]),
            "{}",
            String::from_utf8_lossy(&out)
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
