//! The phrase and date files of `data/boilerplate/` read, normalized and
//! keyed as the stage compares lines with them, and written out as Rust
//! tables. The build script includes this file (`#[path]`) and writes the
//! tables that `lexicon.rs` compiles in, so that no process parses TOML or
//! normalizes a phrase at start-up (that cost each 2.5M instructions); the
//! library's tests include it too, to compare the tables with what the
//! files say.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use canon_text::normalize::chinese::fold;
use canon_text::normalize::normalize;
use serde::Deserialize;

use crate::boilerplate::lines::line_key;

/// One reason's phrases in a phrase file.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PhraseTable {
    /// The reason reported; by default the table's name.
    reason: Option<String>,
    /// Phrases count only in lines of at most this many words.
    max_units: Option<f32>,
    whole: Vec<String>,
    starts: Vec<String>,
    contains: Vec<String>,
    opens: Vec<String>,
}

/// The words of one kind of date line.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct DateWords {
    anchors: Vec<String>,
    words: Vec<String>,
}

/// The lists, in the files' order (tables by name within a file), each
/// phrase with the index of its table in `tables`.
#[derive(Debug, Default, PartialEq)]
pub struct PhraseData {
    /// Each table's reason (by name, checked where [`super::Reason`] is
    /// known) and longest line in words (infinite for none).
    pub tables: Vec<(String, f32)>,
    /// Normalized phrases a line begins with.
    pub starts: Vec<(String, usize)>,
    /// Normalized phrases a line contains.
    pub contains: Vec<(String, usize)>,
    /// Keys of whole lines (equal keys kept: the first counts).
    pub whole: Vec<(String, usize)>,
    /// Keys of headings that open a section (the first of equal keys counts).
    pub opens: Vec<(String, usize)>,
    /// Widget words (single-word keys of widget tables), normalized and
    /// lowercased, in order.
    pub widget_words: Vec<String>,
    /// Words of date lines, normalized and lowercased, and whether each is
    /// an anchor, in the order they are added.
    pub date_words: Vec<(String, bool)>,
}

/// A phrase as lines are compared with it: normalized, simplified.
pub fn normalize_phrase(phrase: &str) -> String {
    fold(normalize(phrase).text()).into_owned()
}

/// A vocabulary word: normalized and lowercased.
pub fn vocabulary_word(word: &str) -> String {
    normalize_phrase(word).to_lowercase()
}

impl PhraseData {
    /// Reads the phrase files (`(name, text)`) and the date file.
    ///
    /// # Panics
    /// On a file that does not parse, with its name and the parser's message
    /// (the files are compiled in: a broken one is a bug of the build).
    pub fn read(phrase_files: &[(&str, &str)], date_file: &str) -> PhraseData {
        let mut data = PhraseData::default();
        for (file, text) in phrase_files {
            let tables: BTreeMap<String, PhraseTable> =
                toml::from_str(text).unwrap_or_else(|e| panic!("data/boilerplate/{file}: {e}"));
            for (name, table) in tables {
                let index = data.tables.len();
                let name = table.reason.clone().unwrap_or(name);
                let widget = name == "widget";
                data.tables
                    .push((name, table.max_units.unwrap_or(f32::INFINITY)));
                for phrase in &table.starts {
                    data.starts.push((normalize_phrase(phrase), index));
                }
                for phrase in &table.contains {
                    data.contains.push((normalize_phrase(phrase), index));
                }
                for phrase in &table.whole {
                    let key = line_key(&normalize_phrase(phrase));
                    if widget && !key.contains(' ') {
                        data.widget_words.push(vocabulary_word(&key));
                    }
                    data.whole.push((key, index));
                }
                for phrase in &table.opens {
                    data.opens
                        .push((line_key(&normalize_phrase(phrase)), index));
                }
            }
        }
        let dates: BTreeMap<String, DateWords> = toml::from_str(date_file)
            .unwrap_or_else(|e| panic!("data/boilerplate/dates.toml: {e}"));
        for words in dates.values() {
            for word in &words.words {
                data.date_words.push((vocabulary_word(word), false));
            }
            for word in &words.anchors {
                for part in word.split(' ') {
                    data.date_words.push((vocabulary_word(part), false));
                }
                data.date_words.push((vocabulary_word(word), true));
            }
        }
        data
    }

    /// The lists as Rust statics (`TABLES`, `STARTS`, `CONTAINS`, `WHOLE`,
    /// `OPENS`, `WIDGET_WORDS`, `DATE_WORDS`) for `include!`.
    pub fn to_rust(&self) -> String {
        let mut out = String::from(
            "// Generated by build.rs from data/boilerplate/ (src/boilerplate/phrase_data.rs).\n",
        );
        out.push_str("pub(super) static TABLES: &[(&str, f32)] = &[\n");
        for (name, max_units) in &self.tables {
            let max_units = if max_units.is_infinite() {
                "f32::INFINITY".to_string()
            } else {
                format!("{max_units:?}_f32")
            };
            writeln!(out, "    ({name:?}, {max_units}),").expect("writing to a string");
        }
        out.push_str("];\n");
        for (name, list) in [
            ("STARTS", &self.starts),
            ("CONTAINS", &self.contains),
            ("WHOLE", &self.whole),
            ("OPENS", &self.opens),
        ] {
            writeln!(out, "pub(super) static {name}: &[(&str, usize)] = &[").expect("writing");
            for (phrase, table) in list {
                writeln!(out, "    ({phrase:?}, {table}),").expect("writing to a string");
            }
            out.push_str("];\n");
        }
        out.push_str("pub(super) static WIDGET_WORDS: &[&str] = &[\n");
        for word in &self.widget_words {
            writeln!(out, "    {word:?},").expect("writing to a string");
        }
        out.push_str("];\n");
        out.push_str("pub(super) static DATE_WORDS: &[(&str, bool)] = &[\n");
        for (word, anchor) in &self.date_words {
            writeln!(out, "    ({word:?}, {anchor}),").expect("writing to a string");
        }
        out.push_str("];\n");
        out
    }
}
