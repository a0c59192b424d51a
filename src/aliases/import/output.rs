//! Writing alias tables in canon's two formats (`docs/aliases.md`): TOML laid
//! out like the default table's files (one `aliases.LANG = [...]` line per
//! language), or JSON Lines (one entity per line). Written to a temporary file
//! next to the output and renamed over it at the end, so a failed import never
//! leaves half a table behind and readers never see one.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};
use tempfile::NamedTempFile;

use crate::aliases::{AliasEntry, Entity};
use crate::{Error, Result};

/// The two table formats canon reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// `.toml`: an array of tables named `entity`.
    Toml,
    /// `.jsonl` / `.ndjson`: one entity object per line.
    Jsonl,
}

impl TableFormat {
    /// The format canon's loader reads a file of this name in, if it is a table name.
    pub fn from_path(path: &Path) -> Option<TableFormat> {
        match path.extension()?.to_str()? {
            "toml" => Some(TableFormat::Toml),
            "jsonl" | "ndjson" => Some(TableFormat::Jsonl),
            _ => None,
        }
    }
}

/// Appends `entity` to `out` in `format`: every field canon reads, aliases
/// grouped by language in the order the languages first appear.
pub fn write_entity(out: &mut String, entity: &Entity, format: TableFormat) {
    let mut langs: Vec<&str> = Vec::new();
    for alias in &entity.aliases {
        if !langs.contains(&alias.lang.as_str()) {
            langs.push(&alias.lang);
        }
    }
    let of_lang = |lang| {
        entity
            .aliases
            .iter()
            .filter(move |a: &&AliasEntry| a.lang == lang)
    };
    match format {
        TableFormat::Toml => {
            out.push_str("[[entity]]\n");
            let _ = writeln!(out, "id = {}", toml_string(&entity.id));
            let _ = writeln!(out, "name = {}", toml_string(&entity.name));
            let _ = writeln!(out, "kind = {}", toml_string(entity.kind.as_str()));
            if let Some(parent) = &entity.parent {
                let _ = writeln!(out, "parent = {}", toml_string(parent));
            }
            if let Some(qid) = &entity.wikidata {
                let _ = writeln!(out, "wikidata = {}", toml_string(qid));
            }
            for (field, list) in [("topics", &entity.topics), ("context", &entity.context)] {
                if !list.is_empty() {
                    let items: Vec<String> = list.iter().map(|s| toml_string(s)).collect();
                    let _ = writeln!(out, "{field} = [{}]", items.join(", "));
                }
            }
            for lang in langs {
                let items: Vec<String> = of_lang(lang).map(toml_alias).collect();
                let _ = writeln!(out, "aliases.{} = [{}]", toml_key(lang), items.join(", "));
            }
            out.push('\n');
        }
        TableFormat::Jsonl => {
            let mut object = Map::new();
            object.insert("id".into(), json!(entity.id));
            object.insert("name".into(), json!(entity.name));
            object.insert("kind".into(), json!(entity.kind.as_str()));
            if let Some(parent) = &entity.parent {
                object.insert("parent".into(), json!(parent));
            }
            if let Some(qid) = &entity.wikidata {
                object.insert("wikidata".into(), json!(qid));
            }
            if !entity.topics.is_empty() {
                object.insert("topics".into(), json!(entity.topics));
            }
            if !entity.context.is_empty() {
                object.insert("context".into(), json!(entity.context));
            }
            let mut aliases = Map::new();
            for lang in langs {
                let items: Vec<Value> = of_lang(lang).map(json_alias).collect();
                aliases.insert(lang.to_string(), Value::Array(items));
            }
            object.insert("aliases".into(), Value::Object(aliases));
            out.push_str(&Value::Object(object).to_string());
            out.push('\n');
        }
    }
}

fn toml_alias(alias: &AliasEntry) -> String {
    if !alias.case_exact && !alias.needs_support && alias.blockers.is_empty() {
        return toml_string(&alias.text);
    }
    let mut fields = vec![format!("text = {}", toml_string(&alias.text))];
    if alias.case_exact {
        fields.push("case = \"exact\"".into());
    }
    if alias.needs_support {
        fields.push("needs = \"support\"".into());
    }
    if !alias.blockers.is_empty() {
        let blockers: Vec<String> = alias.blockers.iter().map(|b| toml_string(b)).collect();
        fields.push(format!("blockers = [{}]", blockers.join(", ")));
    }
    format!("{{ {} }}", fields.join(", "))
}

fn json_alias(alias: &AliasEntry) -> Value {
    if !alias.case_exact && !alias.needs_support && alias.blockers.is_empty() {
        return json!(alias.text);
    }
    let mut object = Map::new();
    object.insert("text".into(), json!(alias.text));
    if alias.case_exact {
        object.insert("case".into(), json!("exact"));
    }
    if alias.needs_support {
        object.insert("needs".into(), json!("support"));
    }
    if !alias.blockers.is_empty() {
        object.insert("blockers".into(), json!(alias.blockers));
    }
    Value::Object(object)
}

/// A TOML basic string: quotes, backslashes and control characters escaped,
/// everything else as is.
fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c < ' ' || c == '\u{7F}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML key: bare when it may be (language tags always are), else quoted.
fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        key.to_string()
    } else {
        toml_string(key)
    }
}

/// A table being written: entities go to a temporary file in the output's
/// folder, which [`TableWriter::finish`] renames to the output.
pub(super) struct TableWriter {
    file: BufWriter<NamedTempFile>,
    format: TableFormat,
    path: PathBuf,
    buffer: String,
}

impl TableWriter {
    /// Starts a table that will become `path`, with a header comment naming
    /// `source` (TOML only: JSON Lines has no comments).
    pub(super) fn create(path: &Path, format: TableFormat, source: &str) -> Result<TableWriter> {
        let temporary =
            NamedTempFile::new_in(folder_of(path)).map_err(|cause| Error::CreateOutput {
                path: path.to_path_buf(),
                cause,
            })?;
        let mut writer = TableWriter {
            file: BufWriter::with_capacity(1 << 16, temporary),
            format,
            path: path.to_path_buf(),
            buffer: String::new(),
        };
        if format == TableFormat::Toml {
            let header = format!(
                "# Imported by `canon alias import` from {source}.\n\
                 # Format: docs/aliases.md. Check with `canon alias check FILE`.\n\n"
            );
            writer.write(&header)?;
        }
        Ok(writer)
    }

    /// Appends one entity.
    pub(super) fn entity(&mut self, entity: &Entity) -> Result<()> {
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.clear();
        write_entity(&mut buffer, entity, self.format);
        let result = self.write(&buffer);
        self.buffer = buffer;
        result
    }

    fn write(&mut self, text: &str) -> Result<()> {
        self.file
            .write_all(text.as_bytes())
            .map_err(|cause| Error::Io {
                path: self.path.clone(),
                cause,
            })
    }

    /// Flushes the table and renames it to its path, replacing what was there.
    pub(super) fn finish(self) -> Result<()> {
        let path = self.path;
        let io_error = |cause| Error::Io {
            path: path.clone(),
            cause,
        };
        let temporary = self
            .file
            .into_inner()
            .map_err(|e| io_error(e.into_error()))?;
        temporary
            .as_file()
            .set_permissions(table_permissions(&path))
            .map_err(io_error)?;
        temporary.as_file().sync_all().map_err(io_error)?;
        temporary.persist(&path).map_err(|e| io_error(e.error))?;
        Ok(())
    }
}

/// The permissions a table written to `path` gets: those of the file it
/// replaces, else read for all and write for the owner (a temporary file
/// starts private to its owner, which a table is not).
fn table_permissions(path: &Path) -> std::fs::Permissions {
    if let Ok(metadata) = std::fs::metadata(path) {
        return metadata.permissions();
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::Permissions::from_mode(0o644)
    }
    #[cfg(not(unix))]
    {
        let mut permissions = std::fs::metadata(folder_of(path))
            .map(|m| m.permissions())
            .expect("the output folder exists: the temporary file was made in it");
        permissions.set_readonly(false);
        permissions
    }
}

/// The folder a file is (to be) in; `.` for a bare file name.
pub(super) fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// An anonymous temporary file next to `path` (removed when closed).
pub(super) fn spill_file(path: &Path) -> Result<File> {
    tempfile::tempfile_in(folder_of(path)).map_err(|cause| Error::CreateOutput {
        path: path.to_path_buf(),
        cause,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::aliases::load::{TableSource, parse};
    use crate::aliases::{Kind, alias_key_in};

    fn alias(lang: &str, text: &str, case_exact: bool, needs_support: bool) -> AliasEntry {
        AliasEntry {
            lang: lang.into(),
            text: text.into(),
            case_exact,
            needs_support,
            blockers: Vec::new(),
            key: alias_key_in(text, lang),
            line: 0,
            form: None,
        }
    }

    fn entity(name: &str, aliases: Vec<AliasEntry>) -> Entity {
        Entity {
            id: "x-1".into(),
            name: name.into(),
            kind: Kind::Org,
            parent: Some("p".into()),
            topics: vec!["ai".into()],
            context: vec!["chip".into()],
            wikidata: Some("Q7".into()),
            aliases,
            file: String::new(),
            line: 0,
        }
    }

    fn read_back(text: String, format: TableFormat) -> Entity {
        let source = TableSource {
            name: "t".into(),
            text,
            jsonl: format == TableFormat::Jsonl,
        };
        let (mut entities, problems) = parse(&source);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(entities.len(), 1);
        entities.remove(0)
    }

    #[test]
    fn toml_is_laid_out_like_the_default_table() {
        let mut out = String::new();
        let e = entity(
            "Apple",
            vec![
                alias("en", "Apple Inc.", false, false),
                alias("en", "Apple", true, true),
                alias("zh-Hans", "苹果公司", false, false),
            ],
        );
        write_entity(&mut out, &e, TableFormat::Toml);
        assert_eq!(
            out,
            "[[entity]]\nid = \"x-1\"\nname = \"Apple\"\nkind = \"org\"\nparent = \"p\"\n\
             wikidata = \"Q7\"\ntopics = [\"ai\"]\ncontext = [\"chip\"]\n\
             aliases.en = [\"Apple Inc.\", { text = \"Apple\", case = \"exact\", needs = \"support\" }]\n\
             aliases.zh-Hans = [\"苹果公司\"]\n\n"
        );
    }

    proptest! {
        /// Whatever the names, a written entity reads back the same, in both formats.
        #[test]
        fn written_tables_read_back(
            name in "\\PC{1,12}|[\"\\\\\t\u{7f}\u{1}a]{1,5}",
            texts in proptest::collection::vec("\\PC{1,10}|[\"\\\\'\u{7f}\u{2028}b]{1,4}", 1..4),
            case_exact in any::<bool>(),
        ) {
            let aliases: Vec<AliasEntry> = texts
                .iter()
                .map(|t| alias("zh-Hant", t, case_exact, !case_exact))
                .collect();
            let written = entity(&name, aliases);
            for format in [TableFormat::Toml, TableFormat::Jsonl] {
                let mut out = String::new();
                write_entity(&mut out, &written, format);
                let read = read_back(out, format);
                prop_assert_eq!(&read.name, &written.name);
                prop_assert_eq!(&read.wikidata, &written.wikidata);
                prop_assert_eq!(&read.parent, &written.parent);
                let pairs = |e: &Entity| -> Vec<(String, String, bool, bool)> {
                    e.aliases
                        .iter()
                        .map(|a| (a.lang.clone(), a.text.clone(), a.case_exact, a.needs_support))
                        .collect()
                };
                prop_assert_eq!(pairs(&read), pairs(&written));
            }
        }
    }

    #[test]
    fn a_finished_table_replaces_the_old_one_and_an_abandoned_one_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.toml");
        std::fs::write(&path, "old").unwrap();
        let mut writer = TableWriter::create(&path, TableFormat::Toml, "in.csv").unwrap();
        writer
            .entity(&entity("A", vec![alias("en", "A", false, false)]))
            .unwrap();
        drop(writer);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let mut writer = TableWriter::create(&path, TableFormat::Toml, "in.csv").unwrap();
        writer
            .entity(&entity("A", vec![alias("en", "A", false, false)]))
            .unwrap();
        writer.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# Imported by `canon alias import` from in.csv."));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            // The replaced file's permissions are kept; a new table is readable by all.
            let fresh = dir.path().join("new.toml");
            TableWriter::create(&fresh, TableFormat::Toml, "x")
                .unwrap()
                .finish()
                .unwrap();
            assert_eq!(mode(&fresh), 0o644);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
            TableWriter::create(&path, TableFormat::Toml, "x")
                .unwrap()
                .finish()
                .unwrap();
            assert_eq!(mode(&path), 0o640);
        }
        assert_eq!(read_back(text, TableFormat::Toml).name, "A");
    }
}
