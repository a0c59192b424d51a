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
//! Any problem (a malformed row, an unknown kind, a bad id or language tag,
//! rows of one id that disagree) is reported with its line, all of them at
//! once, and nothing is written: a table is the user's own data, better fixed
//! at the source than half imported.

use std::io::BufRead;

use rustc_hash::FxHashMap;

use super::ImportSummary;
use super::collect::{Collector, Draft};
use crate::aliases::check::{is_valid_id, is_valid_lang};
use crate::aliases::load::is_wikidata_id;
use crate::aliases::{Kind, TableProblem};
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
}

/// Reads a CSV (`delimiter` `,`) or TSV (`\t`) file into `collector`, or
/// fails listing every problem.
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
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .from_reader(reader);
    let headers = csv.headers().map_err(|e| csv_error(name, e))?.clone();
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
        problems.push(problem(
            1,
            format!(
                "the header lacks {} (required: {})",
                missing.join(", "),
                REQUIRED.join(", ")
            ),
        ));
        return Err(Error::ImportInput(problems));
    }
    let mut entities: Vec<Gathered> = Vec::new();
    let mut index_of: FxHashMap<String, usize> = FxHashMap::default();
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                let fatal = matches!(error.kind(), csv::ErrorKind::Io(_));
                problems.push(problem(line, describe(&error)));
                summary.records += 1;
                if fatal {
                    break;
                }
                continue;
            }
        }
        summary.records += 1;
        let line = record.position().map_or(0, |p| p.line());
        let field = |name: &str| {
            column
                .get(name)
                .and_then(|&i| record.get(i))
                .map(str::trim)
                .unwrap_or("")
        };
        let mut bad = |message: String| problems.push(problem(line, message));
        let id = field("id");
        if !is_valid_id(id) {
            bad(format!(
                "id {id:?} is not a lowercase slug (a-z, 0-9 and single '-')"
            ));
            continue;
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
            });
            entities.len() - 1
        });
        let entity = &mut entities[at];
        let name = field("name");
        if !name.is_empty() {
            agree(
                &mut entity.name,
                name.to_string(),
                line,
                "name",
                id,
                &mut bad,
            );
        }
        let kind = field("kind");
        if !kind.is_empty() {
            match Kind::parse(kind) {
                Some(kind) => agree(&mut entity.kind, kind, line, "kind", id, &mut bad),
                None => bad(format!(
                    "unknown kind {kind:?} (expected one of {})",
                    Kind::ALL.map(Kind::as_str).join(", ")
                )),
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
                Some(number) => agree(&mut entity.qid, number, line, "wikidata", id, &mut bad),
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
        } else {
            entity.aliases.push((lang.to_string(), alias.to_string()));
        }
    }
    for entity in &entities {
        if entity.name.is_none() {
            problems.push(problem(
                entity.line,
                format!("entity {:?} has no name", entity.id),
            ));
        }
        if entity.kind.is_none() {
            problems.push(problem(
                entity.line,
                format!("entity {:?} has no kind", entity.id),
            ));
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(Error::ImportInput(problems));
    }
    for entity in entities {
        collector.add(
            Draft {
                qid: entity.qid.map(|(q, _)| q),
                id: Some(entity.id),
                slug_label: None,
                name: entity.name.map(|(n, _)| n).unwrap_or_default(),
                kind: entity.kind.map_or(Kind::Other, |(k, _)| k),
                parent_id: entity.parent.map(|(p, _)| p),
                parent_qids: Vec::new(),
                aliases: entity.aliases,
                line: entity.line,
            },
            summary,
        )?;
    }
    Ok(())
}

/// Sets `slot` to `value` from line `line`, or reports that an earlier row of
/// the same id gave another value.
fn agree<T: PartialEq + std::fmt::Debug>(
    slot: &mut Option<(T, u64)>,
    value: T,
    line: u64,
    field: &str,
    id: &str,
    bad: &mut impl FnMut(String),
) {
    match slot {
        None => *slot = Some((value, line)),
        Some((earlier, _)) if *earlier == value => {}
        Some((earlier, earlier_line)) => bad(format!(
            "entity {id:?}: {field} {value:?} differs from {earlier:?} on line {earlier_line}"
        )),
    }
}

/// A CSV error in words, without the position (reported as the line).
fn describe(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields where the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not UTF-8".to_string(),
        csv::ErrorKind::Io(e) => format!("reading failed: {e}"),
        _ => error.to_string(),
    }
}

fn csv_error(name: &str, error: csv::Error) -> Error {
    let line = error.position().map_or(1, |p| p.line()) as usize;
    Error::ImportInput(vec![TableProblem {
        file: name.to_string(),
        line,
        message: describe(&error),
    }])
}
