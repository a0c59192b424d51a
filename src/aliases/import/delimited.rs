//! Reading CSV and TSV files with one row per alias, the shape spreadsheets
//! and SPARQL exports give:
//!
//! ```text
//! id,name,kind,lang,alias
//! zhipu-ai,Zhipu AI,org,en,Zhipu AI
//! zhipu-ai,Zhipu AI,org,zh-Hans,智谱
//! ```
//!
//! A header row is required; columns are found by name (any order, any
//! case). `id`, `name`, `kind`, `lang` and `alias` are required; `parent` (an
//! id) and `wikidata` (`Q42` or an entity URL) are read when present; other
//! columns are ignored and named in the summary. Rows with the same id make
//! one entity, in the order ids first appear; `name`, `kind`, `parent` and
//! `wikidata` may be left empty on all rows of an entity but its first, and
//! must agree where given. Both formats follow RFC 4180 quoting (a field in
//! double quotes may hold the delimiter, quotes doubled, line breaks), which
//! is what spreadsheets write for TSV too.
//!
//! Any problem (a malformed row, a quote never closed, an unknown kind, a bad
//! id or language tag, rows of one id that disagree, and the parents'
//! problems the collector finds) is reported with its line, all of them at
//! once, and nothing is written: a table is the user's own data, better fixed
//! at the source than half imported.

use std::io::{BufRead, Read};

use rustc_hash::FxHashMap;

use super::ImportSummary;
use super::collect::{Collector, Draft, over_limits};
use crate::aliases::check::{is_valid_id, is_valid_lang, limits};
use crate::aliases::load::is_wikidata_id;
use crate::aliases::{Kind, TableProblem, alias_key_in};
use crate::{Error, Result};

const REQUIRED: [&str; 5] = ["id", "name", "kind", "lang", "alias"];
const OPTIONAL: [&str; 2] = ["parent", "wikidata"];

/// One entity being gathered from its rows.
struct Gathered {
    id: String,
    name: Option<(String, u64)>,
    kind: Option<(Kind, u64)>,
    parent: Option<(String, u64)>,
    qid: Option<(u64, u64)>,
    aliases: Vec<(String, String)>,
    line: u64,
    /// A row of it could not be read whole (wrong number of fields, not
    /// UTF-8, an unclosed quote), or gave a kind canon does not know: a
    /// missing name or kind is then that row's problem, already reported.
    partial: bool,
    /// Some row of it has a problem (see [`Draft::troubled`]).
    troubled: bool,
}

/// Reads a CSV (`delimiter` `,`) or TSV (`\t`) file into `collector`, with
/// every problem of its rows handed to the collector too (which reports
/// them with its own, nothing written); only a header without the required
/// columns fails here, as no row can be read without them.
pub(super) fn read(
    reader: Box<dyn BufRead + '_>,
    name: &str,
    delimiter: u8,
    collector: &mut Collector,
    summary: &mut ImportSummary,
) -> Result<()> {
    let mut problems: Vec<TableProblem> = Vec::new();
    let problem = |line: u64, message: String| TableProblem {
        file: name.to_string(),
        line: line as usize,
        message,
    };
    // Flexible: a row with too few or too many fields still gives its id,
    // so that the rows naming it as their parent are checked as usual.
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(QuoteTracker::new(reader, delimiter));
    let headers = match csv.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => return Err(csv_error(name, error, csv.get_ref().line())),
    };
    let mut column: FxHashMap<&str, usize> = FxHashMap::default();
    for (index, header) in headers.iter().enumerate() {
        let header = header
            .trim()
            .trim_start_matches('\u{FEFF}')
            .to_ascii_lowercase();
        match REQUIRED.iter().chain(&OPTIONAL).find(|c| **c == header) {
            Some(known) => {
                if column.insert(known, index).is_some() {
                    problems.push(problem(1, format!("column {known:?} appears twice")));
                }
            }
            None => summary.ignored_columns.push(header),
        }
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|c| !column.contains_key(c))
        .collect();
    if !missing.is_empty() {
        // A quote left open in the header swallows the file into it: that
        // is the problem to name, not the columns it hid.
        match csv.get_ref().unclosed_quote() {
            Some(opened) => problems.push(problem(opened, unclosed_quote())),
            None => problems.push(problem(
                1,
                format!(
                    "the header lacks {} (required: {}), so no row was read",
                    missing.join(", "),
                    REQUIRED.join(", ")
                ),
            )),
        }
        return Err(Error::ImportInput(problems));
    }
    let mut entities: Vec<Gathered> = Vec::new();
    let mut index_of: FxHashMap<String, usize> = FxHashMap::default();
    let mut record = csv::ByteRecord::new();
    // The start line and entity of the last row read: a quote left open
    // is in it.
    let mut last_row: Option<(u64, Option<usize>)> = None;
    let mut read_failed = false;
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                // Only reading itself fails here (flexible rows of bytes):
                // what follows cannot be read. A read error has no
                // position in the csv crate: the line is the one the bytes
                // stopped in.
                let line = error
                    .position()
                    .map_or_else(|| csv.get_ref().line(), |p| p.line());
                problems.push(problem(line, describe(&error)));
                summary.records += 1;
                collector.rows_unread(format!(
                    "line {line} and the rows after it, which could not be read,"
                ));
                read_failed = true;
                break;
            }
        }
        summary.records += 1;
        let line = record.position().map_or(0, |p| p.line());
        let problems_before = problems.len();
        let mut bad = |message: String| problems.push(problem(line, message));
        let text = |name: &str| -> Option<&str> {
            let bytes = column.get(name).and_then(|&i| record.get(i))?;
            std::str::from_utf8(bytes).ok().map(str::trim)
        };
        let not_utf8: Vec<&str> = REQUIRED
            .iter()
            .chain(&OPTIONAL)
            .copied()
            .filter(|c| {
                column
                    .get(c)
                    .and_then(|&i| record.get(i))
                    .is_some_and(|bytes| std::str::from_utf8(bytes).is_err())
            })
            .collect();
        let whole = record.len() == headers.len() && not_utf8.is_empty();
        if record.len() != headers.len() {
            bad(format!(
                "{} where the header has {}",
                plural(record.len(), "field", "fields"),
                headers.len()
            ));
        }
        if !not_utf8.is_empty() {
            bad(format!("not UTF-8 (column {})", not_utf8.join(", ")));
        }
        let id = text("id").unwrap_or("");
        if !is_valid_id(id) {
            if whole {
                bad(format!(
                    "id {id:?} is not a lowercase slug (a-z, 0-9 and single '-')"
                ));
            } else {
                // A row read in part may have its id anywhere: whether
                // a parent named elsewhere is this row's cannot be told.
                collector.rows_unread(format!("line {line}, which could not be read whole,"));
            }
            last_row = Some((line, None));
            continue;
        }
        if id.len() > limits::ID_BYTES && whole {
            bad(format!(
                "id {} is {} bytes long (limit {})",
                abbreviate(id),
                id.len(),
                limits::ID_BYTES
            ));
        }
        let at = *index_of.entry(id.to_string()).or_insert_with(|| {
            entities.push(Gathered {
                id: id.to_string(),
                name: None,
                kind: None,
                parent: None,
                qid: None,
                aliases: Vec::new(),
                line,
                partial: false,
                troubled: false,
            });
            entities.len() - 1
        });
        last_row = Some((line, Some(at)));
        let entity = &mut entities[at];
        if !whole {
            // Fields may be shifted: only the id is taken.
            entity.partial = true;
            entity.troubled = true;
            continue;
        }
        let field = |name: &str| text(name).unwrap_or("");
        let name = field("name");
        if !name.is_empty() {
            agree(
                &mut entity.name,
                name.to_string(),
                line,
                "name",
                id,
                |n| format!("{n:?}"),
                &mut bad,
            );
        }
        let kind = field("kind");
        if !kind.is_empty() {
            // Spreadsheets capitalise (Org, PERSON): a kind is a kind in any
            // case here, as canon's tables write it in lower case.
            match Kind::parse(&kind.to_ascii_lowercase()) {
                Some(kind) => agree(
                    &mut entity.kind,
                    kind,
                    line,
                    "kind",
                    id,
                    |k| format!("{:?}", k.as_str()),
                    &mut bad,
                ),
                None => {
                    entity.partial = true;
                    bad(format!(
                        "unknown kind {kind:?} (expected one of {})",
                        Kind::ALL.map(Kind::as_str).join(", ")
                    ))
                }
            }
        }
        let parent = field("parent");
        if !parent.is_empty() {
            if is_valid_id(parent) {
                agree(
                    &mut entity.parent,
                    parent.to_string(),
                    line,
                    "parent",
                    id,
                    |p| format!("{p:?}"),
                    &mut bad,
                );
            } else {
                bad(format!("parent {parent:?} is not an id"));
            }
        }
        let qid = field("wikidata");
        if !qid.is_empty() {
            let item = qid.rsplit(['/', ':']).next().unwrap_or("");
            match is_wikidata_id(item)
                .then(|| item[1..].parse::<u64>().ok())
                .flatten()
            {
                Some(number) => agree(
                    &mut entity.qid,
                    number,
                    line,
                    "wikidata",
                    id,
                    |q| format!("\"Q{q}\""),
                    &mut bad,
                ),
                None => bad(format!("wikidata {qid:?} is not a Wikidata item like Q42")),
            }
        }
        let lang = field("lang");
        let alias = field("alias");
        if !is_valid_lang(lang) {
            bad(format!(
                "{lang:?} is not a language tag like en, zh-Hans, zh-TW"
            ));
        } else if alias.is_empty() {
            bad("the alias is empty".into());
        } else if let Some(reason) = over_limits(alias, &alias_key_in(alias, lang)) {
            bad(format!(
                "alias {} is over the limits of a table: {reason}",
                abbreviate(alias)
            ));
        } else {
            entity.aliases.push((lang.to_string(), alias.to_string()));
        }
        entity.troubled |= problems.len() > problems_before;
    }
    // After a failed read the quote may close in the bytes never read.
    if !read_failed && let Some(opened) = csv.get_ref().unclosed_quote() {
        // The field runs to the end of the file, so it is the last row's:
        // that row's other complaints (too few fields, a bad last column)
        // are this one.
        if let Some((line, entity)) = last_row {
            problems.retain(|p| p.line as u64 != line);
            if let Some(e) = entity {
                entities[e].partial = true;
                entities[e].troubled = true;
            }
        }
        problems.push(problem(opened, unclosed_quote()));
        collector.rows_unread(format!(
            "the rows after line {opened}, left unread by an unclosed quote,"
        ));
    }
    for entity in &mut entities {
        if entity.partial {
            continue;
        }
        if entity.name.is_none() {
            entity.troubled = true;
            problems.push(problem(
                entity.line,
                format!("entity {:?} has no name", entity.id),
            ));
        }
        if entity.kind.is_none() {
            entity.troubled = true;
            problems.push(problem(
                entity.line,
                format!("entity {:?} has no kind", entity.id),
            ));
        }
    }
    // Every entity goes on, problems or not, so that the parents naming
    // it are checked against it in the same run.
    for entity in entities {
        collector.add(
            Draft {
                qid: entity.qid.map(|(q, _)| q),
                id: Some(entity.id),
                slug_label: None,
                name: entity.name.map(|(n, _)| n).unwrap_or_default(),
                kind: entity.kind.map_or(Kind::Other, |(k, _)| k),
                parent_id: entity.parent,
                parent_qids: Vec::new(),
                aliases: entity.aliases,
                line: entity.line,
                troubled: entity.troubled,
            },
            summary,
        )?;
    }
    collector.report(problems);
    Ok(())
}

/// `text` for a message, cut to its first 40 characters when longer.
fn abbreviate(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{:?}...", &text[..at]),
        None => format!("{text:?}"),
    }
}

fn unclosed_quote() -> String {
    "a quoted field starts here and its quote is never closed: the rest of the file was read into it"
        .to_string()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    crate::plural::count(n as u64, one, many).to_string()
}

/// Sets `slot` to `value` from line `line`, or reports that an earlier row of
/// the same id gave another value, both values shown by `show` as the file
/// writes them (a kind is `"org"`, a Wikidata item `"Q42"`).
fn agree<T: PartialEq>(
    slot: &mut Option<(T, u64)>,
    value: T,
    line: u64,
    field: &str,
    id: &str,
    show: impl Fn(&T) -> String,
    bad: &mut impl FnMut(String),
) {
    match slot {
        None => *slot = Some((value, line)),
        Some((earlier, _)) if *earlier == value => {}
        Some((earlier, earlier_line)) => bad(format!(
            "entity {id:?}: {field} {} differs from {} on line {earlier_line}",
            show(&value),
            show(earlier)
        )),
    }
}

/// A CSV error in words, without the position (reported as the line).
fn describe(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { .. } => "not UTF-8".to_string(),
        csv::ErrorKind::Io(e) => format!("reading failed: {e}"),
        _ => error.to_string(),
    }
}

/// Where a field is in RFC 4180 quoting, as [`QuoteTracker`] follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    /// At the start of a field (or of a row): a quote here opens one.
    FieldStart,
    /// Inside a field that did not start with a quote: quotes are text.
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// A quote inside a quoted field: it closes the field, unless another
    /// follows (a doubled quote is one quote of text).
    QuoteInQuoted,
}

/// Passes the input through to the CSV reader, following its quoting as
/// the `csv` crate reads it (a quote opens a field only at its start).
///
/// The crate reads a field whose quote is never closed to the end of the
/// input without saying so: the row then has too few fields, or a last
/// field holding the rest of the file. Only the bytes tell the cause,
/// and the line where the quote opened.
struct QuoteTracker<R> {
    inner: R,
    delimiter: u8,
    state: Quoting,
    /// The current line, from 1.
    line: u64,
    /// The line of the quote that opened the current quoted field.
    opened: u64,
}

impl<R> QuoteTracker<R> {
    fn new(inner: R, delimiter: u8) -> QuoteTracker<R> {
        QuoteTracker {
            inner,
            delimiter,
            state: Quoting::FieldStart,
            line: 1,
            opened: 0,
        }
    }

    /// The line the next byte read is on: where a failed read stopped.
    fn line(&self) -> u64 {
        self.line
    }

    /// After the whole input was read: the line of a quote never closed.
    fn unclosed_quote(&self) -> Option<u64> {
        (self.state == Quoting::Quoted).then_some(self.opened)
    }

    fn track(&mut self, bytes: &[u8]) {
        for &b in bytes {
            let ends_field = b == self.delimiter || b == b'\n' || b == b'\r';
            self.state = match self.state {
                Quoting::FieldStart if b == b'"' => {
                    self.opened = self.line;
                    Quoting::Quoted
                }
                Quoting::FieldStart | Quoting::Unquoted | Quoting::QuoteInQuoted if ends_field => {
                    Quoting::FieldStart
                }
                Quoting::FieldStart | Quoting::Unquoted => Quoting::Unquoted,
                Quoting::Quoted if b == b'"' => Quoting::QuoteInQuoted,
                Quoting::Quoted => Quoting::Quoted,
                Quoting::QuoteInQuoted if b == b'"' => Quoting::Quoted,
                // Text after a closing quote joins the field, as the crate reads it.
                Quoting::QuoteInQuoted => Quoting::Unquoted,
            };
            self.line += u64::from(b == b'\n');
        }
    }
}

impl<R: Read> Read for QuoteTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.track(&buf[..n]);
        Ok(n)
    }
}

/// `error`, met reading the header; `reading_line` is the line the input
/// stopped in (a read error has no position of its own).
fn csv_error(name: &str, error: csv::Error, reading_line: u64) -> Error {
    let line = error.position().map_or(reading_line, |p| p.line()) as usize;
    Error::ImportInput(vec![TableProblem {
        file: name.to_string(),
        line,
        message: describe(&error),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unclosed(text: &str, delimiter: u8) -> Option<u64> {
        let mut tracker = QuoteTracker::new(text.as_bytes(), delimiter);
        std::io::copy(&mut tracker, &mut std::io::sink()).unwrap();
        tracker.unclosed_quote()
    }

    #[test]
    fn quotes_left_open_are_told_with_their_line() {
        // Closed ones, over lines, doubled, or followed by text as the csv
        // crate reads them: nothing open.
        assert_eq!(unclosed("a,b\n\"x\ny\",\"say \"\"hi\"\"\"\n", b','), None);
        assert_eq!(unclosed("a,\"b\"c,d\n", b','), None);
        // A quote inside an unquoted field is text.
        assert_eq!(unclosed("a,5\" disk,c\n", b','), None);
        assert_eq!(unclosed("a\tb \"c\n", b'\t'), None);
        // Open at the end: the line where it opened.
        assert_eq!(unclosed("a,b\nc,\"d,e\nf,g\n", b','), Some(2));
        assert_eq!(unclosed("a\tb\n\"x\ny\"\tz\n\"w\n", b'\t'), Some(4));
        assert_eq!(unclosed("a,\"b\"\"\n", b','), Some(1));
        // The delimiter decides where fields start.
        assert_eq!(unclosed("a\t\"b\n", b','), None);
    }
}
