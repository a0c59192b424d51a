//! An input record as canon passes it through: every field exactly as
//! written (key and value bytes), in order, and the text field's value
//! decoded for analysis.
//!
//! The JSON is validated by serde_json but never built into a tree: keys and
//! values are slices of the line (`RawValue`), so `1E5` stays `1E5`, `"\u00e9"`
//! stays escaped, and a text without escapes is not even copied.
//!
//! Duplicate keys: every field other than the text field is passed through as
//! written, duplicates included, so nothing of the record is lost or chosen
//! for the reader; a record whose text field appears more than once is
//! rejected, because which text canon analyzed would be ambiguous.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

/// One field of an input record as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<'a> {
    /// The key as written, quotes and escapes included (`"t\u0065xt"`).
    pub key_json: Cow<'a, str>,
    /// The key's value as a string (`text`), for comparisons.
    pub name: Cow<'a, str>,
    /// The value as written (`1E5`, `"\u00e9"`, `{"a": [1]}`).
    pub value_json: Cow<'a, str>,
}

/// A record: its fields other than the text, the text, and where the text
/// field stood among the fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    /// The fields other than the text field, in input order.
    pub fields: Vec<Field<'a>>,
    /// The text field's key as written.
    pub text_key_json: Cow<'a, str>,
    /// The text field's name (`text`).
    pub text_name: Cow<'a, str>,
    /// How many of `fields` come before the text field.
    pub text_position: usize,
    /// The text (escapes decoded).
    pub text: Cow<'a, str>,
}

impl<'a> Record<'a> {
    /// A plain-text document: `{"id": NAME, "text": TEXT}`.
    pub fn plain_text(name: &str, text: &'a str) -> Record<'a> {
        let mut id = Vec::with_capacity(name.len() + 2);
        crate::write::write_str(&mut id, name);
        Record {
            fields: vec![Field {
                key_json: Cow::Borrowed("\"id\""),
                name: Cow::Borrowed("id"),
                value_json: Cow::Owned(String::from_utf8(id).expect("JSON is UTF-8")),
            }],
            text_key_json: Cow::Borrowed("\"text\""),
            text_name: Cow::Borrowed("text"),
            text_position: 1,
            text: Cow::Borrowed(text),
        }
    }
}

/// Whether the first line of a document that is read as plain text because
/// of its file's name is a JSON object: the file most likely holds JSON
/// Lines under a name that does not say so (Spark's `part-00000`,
/// `dump.json`), which `--format jsonl` reads record by record. A UTF-8
/// byte order mark and whitespace before the line are skipped; the line
/// must parse whole as an object (a paragraph that opens with a brace does
/// not). `cut` says that `bytes` is only the head of a document over the
/// size limit: a first line that runs past the head then needs only to
/// be valid JSON as far as it goes (a news article's record is often
/// longer than the head).
///
/// ```
/// use canon::decode::record::first_line_is_json_object;
///
/// assert!(first_line_is_json_object(b"{\"id\": 1, \"text\": \"a\"}\n{\"id\": 2}\n", false));
/// assert!(!first_line_is_json_object(b"{Braces} open this article.\n", false));
/// assert!(!first_line_is_json_object(b"{\n  \"pretty\": true\n}\n", false));
/// // The head of a document over the limit, cut inside its first line:
/// assert!(first_line_is_json_object(b"{\"id\": 1, \"text\": \"It was", true));
/// assert!(!first_line_is_json_object(b"{\"id\": 1, \"text\": \"It was", false));
/// ```
pub fn first_line_is_json_object(bytes: &[u8], cut: bool) -> bool {
    let rest = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(bytes)
        .trim_ascii_start();
    if rest.first() != Some(&b'{') {
        return false;
    }
    let (line, whole) = match memchr::memchr(b'\n', rest) {
        Some(end) => (&rest[..end], true),
        None => (rest, !cut),
    };
    // It opens with a brace: it is an object if it parses whole, or, cut
    // short, if nothing but its end is missing.
    match serde_json::from_slice::<serde::de::IgnoredAny>(line) {
        Ok(_) => true,
        Err(error) => !whole && error.is_eof(),
    }
}

/// The warning for a file that [`first_line_is_json_object`] says holds
/// JSON Lines though its name made it one plain-text document:
/// `warning: FILE: read as one plain-text document (by its name), but its
/// first line is a JSON object; give --format jsonl to read it as JSON
/// Lines`. Printed by `canon normalize` (not with `--quiet`) and by the
/// `canon boilerplate` commands.
pub(crate) fn text_like_json_lines_warning(file: &str) -> String {
    format!(
        "warning: {file}: read as one plain-text document (by its name), but its first line \
         is a JSON object; give --format jsonl to read it as JSON Lines"
    )
}

/// Parses one JSON Lines record, taking out the string field `text_field`.
/// Errors are reject reasons: `invalid JSON: ...`, `not a JSON object (found
/// an array)`, `missing text field "text"`, `text field "text" is not a
/// string (found a number)`, `duplicate text field "text"`.
pub fn parse_json_record<'a>(line: &'a str, text_field: &str) -> Result<Record<'a>, String> {
    let mut deserializer = serde_json::Deserializer::from_str(line);
    let parsed = RecordSeed { text_field }
        .deserialize(&mut deserializer)
        .and_then(|parsed| deserializer.end().map(|()| parsed));
    match parsed {
        Ok(Parsed {
            text: None,
            duplicate_text: false,
            ..
        }) => Err(format!("missing text field {text_field:?}")),
        Ok(Parsed {
            duplicate_text: true,
            ..
        }) => Err(format!("duplicate text field {text_field:?}")),
        Ok(Parsed {
            fields,
            text: Some((text_key_json, text_position, text)),
            ..
        }) => Ok(Record {
            fields,
            text_name: unescape_key(text_key_json),
            text_key_json: Cow::Borrowed(text_key_json),
            text_position,
            text,
        }),
        Err(error) => Err(diagnose(line, text_field, error)),
    }
}

/// Why a line that did not parse as a record with a string text field is
/// rejected (a second, rare pass that keeps no tree either).
fn diagnose(line: &str, text_field: &str, error: serde_json::Error) -> String {
    let value: &RawValue = match serde_json::from_str(line) {
        Ok(value) => value,
        Err(syntax) => return format!("invalid JSON: {syntax}"),
    };
    if !value.get().starts_with('{') {
        return format!("not a JSON object (found {})", json_type(value.get()));
    }
    let mut deserializer = serde_json::Deserializer::from_str(line);
    match (FindField { name: text_field }).deserialize(&mut deserializer) {
        Ok(Some(raw)) => format!(
            "text field {text_field:?} is not a string (found {})",
            json_type(raw)
        ),
        _ => format!("invalid JSON: {error}"),
    }
}

/// The kind of JSON value `raw` (valid JSON) is, as a reason says it.
fn json_type(raw: &str) -> &'static str {
    match raw.as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// The unescaped value of a JSON string as written (`raw` is valid JSON).
fn unescape_key(raw: &str) -> Cow<'_, str> {
    let inner = &raw[1..raw.len() - 1];
    if inner.contains('\\') {
        Cow::Owned(serde_json::from_str(raw).expect("a key parsed as a JSON string"))
    } else {
        Cow::Borrowed(inner)
    }
}

struct Parsed<'a> {
    fields: Vec<Field<'a>>,
    text: Option<(&'a str, usize, Cow<'a, str>)>,
    duplicate_text: bool,
}

struct RecordSeed<'t> {
    text_field: &'t str,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = Parsed<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Parsed<'de>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = Parsed<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed<'de>, A::Error> {
        let mut parsed = Parsed {
            fields: Vec::new(),
            text: None,
            duplicate_text: false,
        };
        while let Some(key) = map.next_key::<&'de RawValue>()? {
            let key_json = key.get();
            let name = unescape_key(key_json);
            if name == self.text_field {
                let text = map.next_value::<Text<'de>>()?.0;
                if parsed.text.is_some() {
                    parsed.duplicate_text = true;
                } else {
                    parsed.text = Some((key_json, parsed.fields.len(), text));
                }
            } else {
                let value = map.next_value::<&'de RawValue>()?;
                parsed.fields.push(Field {
                    key_json: Cow::Borrowed(key_json),
                    name,
                    value_json: Cow::Borrowed(value.get()),
                });
            }
        }
        Ok(parsed)
    }
}

/// A JSON string, borrowed from the line when it has no escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de> de::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

/// Finds the raw value of the first field called `name` whose value is not
/// a string.
struct FindField<'n> {
    name: &'n str,
}

impl<'de> DeserializeSeed<'de> for FindField<'_> {
    type Value = Option<&'de str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FindField<'_> {
    type Value = Option<&'de str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<&'de RawValue>()? {
            if found.is_none() && unescape_key(key.get()) == self.name {
                let value = map.next_value::<&'de RawValue>()?.get();
                found = (!value.starts_with('"')).then_some(value);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names<'a>(record: &'a Record<'_>) -> Vec<(&'a str, &'a str)> {
        record
            .fields
            .iter()
            .map(|f| (f.key_json.as_ref(), f.value_json.as_ref()))
            .collect()
    }

    #[test]
    fn a_first_line_that_is_a_json_object_says_json_lines() {
        for yes in [
            &b"{\"id\":1,\"text\":\"a\"}\n{\"id\":2}\n"[..],
            b"{\"text\":\"no newline at the end\"}",
            b"\xEF\xBB\xBF\r\n  \n{\"text\":\"after a BOM and blank lines\"}\r\nmore",
            b"{\"caf\\u00e9\": {\"nested\": [1, 2.5e3, null]}}\nnot JSON at all",
            b"{}\n",
        ] {
            assert!(
                first_line_is_json_object(yes, false),
                "{}",
                String::from_utf8_lossy(yes)
            );
        }
        for no in [
            &b""[..],
            b"   \n\n",
            b"Plain prose.\n{\"text\":\"a JSON line later\"}\n",
            b"{Braces} open this article.\n",
            b"{\n  \"pretty\": true\n}\n",
            b"[{\"text\":\"an array\"}]\n",
            b"{\"text\":\"a\"} and then words\n",
            b"{\"text\":\"cut short\n",
            b"\xFF{\"text\":\"a\"}\n",
        ] {
            assert!(
                !first_line_is_json_object(no, false),
                "{}",
                String::from_utf8_lossy(no)
            );
        }
        // The head of a document over the size limit, cut inside its first
        // line: valid as far as it goes is enough, a syntax error is not.
        for yes in [
            &b"{\"id\":1,\"text\":\"a long article that goes on"[..],
            b"{\"id\":1,\"te",
            b"{",
            b"\xEF\xBB\xBF{\"nested\": {\"a\": [1, 2,",
        ] {
            let lossy = String::from_utf8_lossy(yes);
            assert!(first_line_is_json_object(yes, true), "{lossy}");
            assert!(!first_line_is_json_object(yes, false), "{lossy}");
        }
        for no in [
            &b"{Braces} open this article, which goes on"[..],
            b"{\"Hello,\" she said, and went on",
            b"{\"text\":\"a\"} and then words that go on",
            b"Plain prose that goes on",
        ] {
            let lossy = String::from_utf8_lossy(no);
            assert!(!first_line_is_json_object(no, true), "{lossy}");
        }
        // A first line that ends within the head is judged whole, cut or not.
        assert!(!first_line_is_json_object(
            b"{\"text\":\"cut short\n{\"more",
            true
        ));
    }

    #[test]
    fn fields_are_kept_as_written_and_the_text_is_taken_out() {
        let line = r#" {"id" : 1E5, "s":"\u00e9", "t\u0065xt":"a\nb", "n":[1, 2.50]} "#;
        let record = parse_json_record(line, "text").unwrap();
        assert_eq!(
            names(&record),
            [
                (r#""id""#, "1E5"),
                (r#""s""#, r#""\u00e9""#),
                (r#""n""#, "[1, 2.50]")
            ]
        );
        assert_eq!(record.text_key_json, r#""t\u0065xt""#);
        assert_eq!(record.text_position, 2);
        assert_eq!(record.text, "a\nb");
    }

    #[test]
    fn a_text_without_escapes_is_borrowed() {
        let record = parse_json_record(r#"{"text":"月之暗面"}"#, "text").unwrap();
        assert!(matches!(record.text, Cow::Borrowed("月之暗面")));
    }

    #[test]
    fn duplicate_keys_pass_through_but_a_duplicate_text_is_rejected() {
        let record = parse_json_record(r#"{"a":1,"a":2,"text":""}"#, "text").unwrap();
        assert_eq!(names(&record), [(r#""a""#, "1"), (r#""a""#, "2")]);
        assert_eq!(
            parse_json_record(r#"{"text":"x","text":"y"}"#, "text"),
            Err("duplicate text field \"text\"".to_string())
        );
    }

    #[test]
    fn bad_records_get_their_reason() {
        let reason = |line: &str| parse_json_record(line, "text").unwrap_err();
        assert!(reason("not json").starts_with("invalid JSON: expected"));
        assert!(reason(r#"{"text":"x"} trailing"#).starts_with("invalid JSON: trailing"));
        assert!(reason(r#"{"text":"x""#).starts_with("invalid JSON: EOF"));
        assert_eq!(reason("[1,2]"), "not a JSON object (found an array)");
        assert_eq!(reason("\"s\""), "not a JSON object (found a string)");
        assert_eq!(reason(r#"{"id":4}"#), "missing text field \"text\"");
        for (value, kind) in [
            ("42", "a number"),
            ("null", "null"),
            ("[\"x\"]", "an array"),
            ("{}", "an object"),
            ("true", "a boolean"),
        ] {
            assert_eq!(
                reason(&format!(r#"{{"id":5,"text":{value}}}"#)),
                format!("text field \"text\" is not a string (found {kind})")
            );
        }
    }

    proptest::proptest! {
        /// Any JSON object serde_json reads is read with the same fields and
        /// text, each value equal to serde_json's.
        #[test]
        fn records_agree_with_serde_json(
            fields in proptest::collection::vec(("[a-z\u{e9}\\\\\"]{0,3}", proptest::prelude::any::<i32>()), 0..5),
            text in "\\PC{0,12}",
        ) {
            let mut line = String::from("{");
            for (key, value) in &fields {
                line.push_str(&serde_json::to_string(key).unwrap());
                line.push_str(&format!(":{value},"));
            }
            line.push_str(&format!("\"text\":{}}}", serde_json::to_string(&text).unwrap()));
            let parsed = parse_json_record(&line, "text");
            if fields.iter().any(|(k, _)| k == "text") {
                proptest::prop_assert!(parsed.is_err());
            } else {
                let record = parsed.unwrap();
                proptest::prop_assert_eq!(&record.text, &text);
                proptest::prop_assert_eq!(record.fields.len(), fields.len());
                for (field, (key, value)) in record.fields.iter().zip(&fields) {
                    proptest::prop_assert_eq!(&field.name, key);
                    proptest::prop_assert_eq!(&field.value_json, &value.to_string());
                }
            }
        }
    }
}
