//! Reading alias tables (TOML or JSON Lines) into entities, with the file and
//! line of every entity and alias so that problems can be reported as
//! `file:line: message`.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Deserialize;

use super::{AliasEntry, AliasForm, Entity, Kind, TableProblem};

/// An alias table's text and the name it is reported under.
#[derive(Debug, Clone)]
pub struct TableSource {
    /// The name used in messages: a path, or `<default>` for the built-in table.
    pub name: String,
    /// The file's text.
    pub text: String,
    /// Whether the text is JSON Lines rather than TOML.
    pub jsonl: bool,
}

/// `(name, text)` of every built-in table: the files of `data/aliases/`,
/// sorted by name, listed by `build.rs`.
const DEFAULT_TABLES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/default_tables.rs"));

/// The prefix of the names of built-in tables in messages.
const BUILTIN_PREFIX: &str = "<default>/";

impl TableSource {
    /// The default table compiled into the binary: every file of
    /// `data/aliases/`, in name order, reported as `<default>/data/aliases/FILE`.
    pub fn default_tables() -> Vec<TableSource> {
        DEFAULT_TABLES
            .iter()
            .map(|(name, text)| TableSource {
                name: format!("{BUILTIN_PREFIX}{name}"),
                text: (*text).to_string(),
                jsonl: false,
            })
            .collect()
    }

    /// Whether this is one of the built-in tables: they form one table, so
    /// an id defined in two of them is an error rather than an override.
    pub fn is_builtin(&self) -> bool {
        self.name.starts_with(BUILTIN_PREFIX)
    }

    /// Reads a user table; `.jsonl` and `.ndjson` files are JSON Lines, any other is TOML.
    pub fn read(path: &std::path::Path) -> crate::Result<TableSource> {
        let text = std::fs::read_to_string(path).map_err(|source| crate::Error::Io {
            path: path.to_path_buf(),
            cause: source,
        })?;
        let jsonl = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("jsonl" | "ndjson")
        );
        Ok(TableSource {
            name: path.display().to_string(),
            text,
            jsonl,
        })
    }
}

#[derive(Debug, Deserialize)]
struct TomlFile {
    #[serde(default)]
    entity: Vec<RawEntity>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntity {
    id: String,
    name: String,
    kind: String,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    context: Vec<String>,
    #[serde(default)]
    wikidata: Option<String>,
    aliases: BTreeMap<String, Vec<RawAlias>>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawAlias {
    Plain(String),
    Detailed(DetailedAlias),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DetailedAlias {
    text: String,
    #[serde(default)]
    case: Option<String>,
    #[serde(default)]
    needs: Option<String>,
    #[serde(default)]
    blockers: Vec<String>,
    #[serde(default)]
    form: Option<String>,
}

/// Parses one table into entities. Problems that make an entry unusable are
/// returned alongside the entities that could be read.
pub fn parse(source: &TableSource) -> (Vec<Entity>, Vec<TableProblem>) {
    let mut problems = Vec::new();
    let mut entities = Vec::new();
    let problem = |line: usize, message: String| TableProblem {
        file: source.name.clone(),
        line,
        message,
    };
    if source.jsonl {
        for (index, line) in source.text.lines().enumerate() {
            let line_no = index + 1;
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<RawEntity>(line) {
                Ok(raw) => match convert(raw, line_no, |_| line_no) {
                    Ok(entity) => entities.push(entity),
                    Err(message) => problems.push(problem(line_no, message)),
                },
                Err(error) => problems.push(problem(line_no, format!("invalid entity: {error}"))),
            }
        }
    } else {
        match toml::from_str::<TomlFile>(&source.text) {
            Ok(file) => {
                let headers = entity_header_lines(&source.text);
                let lines: Vec<&str> = source.text.lines().collect();
                for (index, raw) in file.entity.into_iter().enumerate() {
                    let first = headers.get(index).copied().unwrap_or(1);
                    let last = headers.get(index + 1).copied().unwrap_or(lines.len() + 1);
                    let quoted = quoted_strings(&lines, first, last);
                    let alias_line = |text: &str| {
                        quoted
                            .get(format!("\"{text}\"").as_str())
                            .copied()
                            .unwrap_or(first)
                    };
                    match convert(raw, first, alias_line) {
                        Ok(entity) => entities.push(entity),
                        Err(message) => problems.push(problem(first, message)),
                    }
                }
            }
            Err(error) => {
                let line = error
                    .span()
                    .map_or(1, |span| line_of(&source.text, span.start));
                let message = error.message().trim().to_string();
                problems.push(problem(line, format!("invalid TOML: {message}")));
            }
        }
    }
    for entity in &mut entities {
        entity.file = source.name.clone();
    }
    (entities, problems)
}

/// Line numbers (1-based) of the `[[entity]]` headers, in order.
fn entity_header_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[entity]]"))
        .map(|(i, _)| i + 1)
        .collect()
}

/// Every quoted string (quotes included) on lines `first..last` (1-based)
/// of `lines`, with the first line it is on; lines that set an entity field
/// other than aliases are left out, so that an alias equal to the name is
/// found on its own line. One pass over the lines, so that locating every
/// alias of an entity is linear in the entity's size.
fn quoted_strings<'a>(lines: &[&'a str], first: usize, last: usize) -> FxHashMap<&'a str, usize> {
    let mut quoted = FxHashMap::default();
    for line_no in first..last {
        let Some(&line) = lines.get(line_no - 1) else {
            break;
        };
        if is_entity_field_line(line) {
            continue;
        }
        // Between any two consecutive quotes: the strings, and the gaps
        // between them, which no alias text equals.
        let quotes: Vec<usize> = line.match_indices('"').map(|(at, _)| at).collect();
        for pair in quotes.windows(2) {
            quoted.entry(&line[pair[0]..=pair[1]]).or_insert(line_no);
        }
    }
    quoted
}

/// Lines that set an entity field other than aliases (`name = "Apple"`), so
/// that an alias equal to the name is located on its own line.
fn is_entity_field_line(line: &str) -> bool {
    let line = line.trim_start();
    ["id", "name", "kind", "parent", "topics", "context"]
        .iter()
        .any(|field| {
            line.strip_prefix(field)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
}

/// 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn convert(
    raw: RawEntity,
    line: usize,
    alias_line: impl Fn(&str) -> usize,
) -> Result<Entity, String> {
    let kind = Kind::parse(&raw.kind).ok_or_else(|| {
        format!(
            "entity {:?}: unknown kind {:?} (expected one of {})",
            raw.id,
            raw.kind,
            Kind::ALL.map(Kind::as_str).join(", ")
        )
    })?;
    if let Some(qid) = &raw.wikidata
        && !is_wikidata_id(qid)
    {
        return Err(format!(
            "entity {:?}: wikidata {qid:?} is not a Wikidata item id like \"Q42\"",
            raw.id
        ));
    }
    let mut aliases = Vec::new();
    for (lang, list) in raw.aliases {
        for alias in list {
            let (text, case, needs, blockers, form) = match alias {
                RawAlias::Plain(text) => (text, None, None, Vec::new(), None),
                RawAlias::Detailed(d) => (d.text, d.case, d.needs, d.blockers, d.form),
            };
            let line = alias_line(&text);
            let case_exact = match case.as_deref() {
                None | Some("any") => false,
                Some("exact") => true,
                Some(other) => {
                    return Err(format!(
                        "alias {text:?}: unknown case rule {other:?} (expected \"exact\" or \"any\")"
                    ));
                }
            };
            let needs_support = match needs.as_deref() {
                None | Some("none") => false,
                Some("support") => true,
                Some(other) => {
                    return Err(format!(
                        "alias {text:?}: unknown requirement {other:?} (expected \"support\" or \"none\")"
                    ));
                }
            };
            let form = match form.as_deref() {
                None => None,
                Some(name) => Some(AliasForm::parse(name).ok_or_else(|| {
                    format!(
                        "alias {text:?}: unknown form {name:?} (expected \"full\", \"short\" or \"acronym\")"
                    )
                })?),
            };
            aliases.push(AliasEntry {
                form,
                lang: lang.clone(),
                key: super::alias_key_in(&text, &lang),
                text,
                case_exact,
                needs_support,
                blockers,
                line,
            });
        }
    }
    Ok(Entity {
        id: raw.id,
        name: raw.name,
        kind,
        parent: raw.parent,
        topics: raw.topics,
        context: raw.context,
        wikidata: raw.wikidata,
        aliases,
        file: String::new(),
        line,
    })
}

/// Whether `text` is a Wikidata item id: `Q` and a number without leading zeros.
pub fn is_wikidata_id(text: &str) -> bool {
    text.strip_prefix('Q').is_some_and(|digits| {
        !digits.is_empty() && !digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toml_source(text: &str) -> TableSource {
        TableSource {
            name: "t.toml".into(),
            text: text.into(),
            jsonl: false,
        }
    }

    #[test]
    fn toml_entities_carry_their_lines() {
        let (entities, problems) = parse(&toml_source(
            "# comment\n[[entity]]\nid = \"a\"\nname = \"A\"\nkind = \"org\"\n\
             aliases.en = [\"Alpha\",\n  { text = \"AL\", case = \"exact\" }]\n",
        ));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(entities[0].line, 2);
        assert_eq!(entities[0].aliases[1].line, 7);
        assert!(entities[0].aliases[1].case_exact);
    }

    #[test]
    fn toml_syntax_errors_report_the_line() {
        let (_, problems) = parse(&toml_source("[[entity]]\nid = \"a\"\nname = \n"));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 3);
        assert!(
            problems[0]
                .to_string()
                .starts_with("t.toml:3: invalid TOML")
        );
    }

    #[test]
    fn jsonl_lines_are_entities() {
        let source = TableSource {
            name: "t.jsonl".into(),
            text: "{\"id\":\"a\",\"name\":\"A\",\"kind\":\"org\",\"aliases\":{\"en\":[\"Alpha\"]}}\n\nnot json\n"
                .into(),
            jsonl: true,
        };
        let (entities, problems) = parse(&source);
        assert_eq!(entities.len(), 1);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 3);
    }

    #[test]
    fn wikidata_ids_are_read_and_checked() {
        let entity = |qid: &str| {
            format!(
                "[[entity]]\nid = \"a\"\nname = \"A\"\nkind = \"org\"\nwikidata = \"{qid}\"\naliases.en = [\"A\"]\n"
            )
        };
        let (entities, problems) = parse(&toml_source(&entity("Q42")));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(entities[0].wikidata.as_deref(), Some("Q42"));
        for bad in ["42", "Q", "Q042", "q42", "Q4x", "P31"] {
            let (_, problems) = parse(&toml_source(&entity(bad)));
            assert!(
                problems[0].message.contains("not a Wikidata item id"),
                "{bad}"
            );
        }
    }

    #[test]
    fn unknown_kinds_and_rules_are_problems() {
        let (_, problems) = parse(&toml_source(
            "[[entity]]\nid = \"a\"\nname = \"A\"\nkind = \"planet\"\naliases.en = [\"A\"]\n",
        ));
        assert!(problems[0].message.contains("unknown kind"));
        let (_, problems) = parse(&toml_source(
            "[[entity]]\nid = \"a\"\nname = \"A\"\nkind = \"org\"\naliases.en = [{ text = \"A\", needs = \"luck\" }]\n",
        ));
        assert!(problems[0].message.contains("unknown requirement"));
        let (_, problems) = parse(&toml_source(
            "[[entity]]\nid = \"a\"\nname = \"A\"\nkind = \"org\"\naliases.en = [{ text = \"A\", form = \"nickname\" }]\n",
        ));
        assert!(problems[0].message.contains("unknown form"));
    }

    #[test]
    fn alias_forms_are_read() {
        let (entities, problems) = parse(&toml_source(
            "[[entity]]\nid = \"a\"\nname = \"A B\"\nkind = \"person\"\n\
             aliases.en = [{ text = \"B\", form = \"full\" }, { text = \"AB\", form = \"acronym\" }, \"A B\"]\n",
        ));
        assert!(problems.is_empty(), "{problems:?}");
        let forms: Vec<Option<AliasForm>> = entities[0].aliases.iter().map(|a| a.form).collect();
        assert_eq!(
            forms,
            [Some(AliasForm::Full), Some(AliasForm::Acronym), None]
        );
    }
}
