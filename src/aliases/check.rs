//! Merging tables and validating them: everything `canon alias check` reports.

use rustc_hash::{FxHashMap, FxHashSet};

use super::load::{TableSource, parse};
use super::{AliasEntry, Entity, TableProblem, alias_key, same_text};
use crate::normalize::normalize;

/// How bad a table problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The table cannot be used as it is (a parse error, a duplicate id, an
    /// unknown parent): loading fails.
    Error,
    /// The table can be used, but an alias will not behave as its author
    /// expects (it normalizes to nothing, is shadowed, or is shared with
    /// another entity without being marked ambiguous).
    Warning,
}

type Problems = Vec<(Severity, TableProblem)>;

/// Parses `sources` in order, lets later entities replace earlier ones with
/// the same id, and validates the result.
pub fn merge_and_check(sources: &[TableSource]) -> (Vec<Entity>, Problems) {
    let mut problems: Problems = Vec::new();
    let mut merged: Vec<Entity> = Vec::new();
    let mut index_of: FxHashMap<String, usize> = FxHashMap::default();
    // The built-in tables are one table split into files: an id they define
    // twice is a mistake, not an override.
    let mut builtin_ids: FxHashMap<String, (String, usize)> = FxHashMap::default();
    for source in sources {
        let (entities, parse_problems) = parse(source);
        problems.extend(parse_problems.into_iter().map(|p| (Severity::Error, p)));
        let mut seen_here: FxHashMap<String, usize> = FxHashMap::default();
        for entity in entities {
            if let Some(first_line) = seen_here.get(&entity.id) {
                problems.push(error(
                    &entity.file,
                    entity.line,
                    format!(
                        "duplicate id {:?} (first defined on line {first_line})",
                        entity.id
                    ),
                ));
                continue;
            }
            seen_here.insert(entity.id.clone(), entity.line);
            if source.is_builtin() {
                if let Some((file, line)) = builtin_ids.get(&entity.id) {
                    problems.push(error(
                        &entity.file,
                        entity.line,
                        format!(
                            "duplicate id {:?} (first defined at {file}:{line})",
                            entity.id
                        ),
                    ));
                    continue;
                }
                builtin_ids.insert(entity.id.clone(), (entity.file.clone(), entity.line));
            }
            match index_of.get(&entity.id) {
                Some(&i) => merged[i] = entity,
                None => {
                    index_of.insert(entity.id.clone(), merged.len());
                    merged.push(entity);
                }
            }
        }
    }
    for entity in &merged {
        check_entity(entity, &index_of, &merged, &mut problems);
    }
    check_shared_aliases(&merged, &mut problems);
    problems.sort_by(|a, b| (&a.1.file, a.1.line).cmp(&(&b.1.file, b.1.line)));
    (merged, problems)
}

/// What `canon alias check` reports: the merge and its checks
/// (`merge_and_check`) plus the frequency rule (`ambiguity.rs`), whose word
/// lists only this command and the importer load (loading a table for
/// matching does not).
pub fn check_tables(sources: &[TableSource]) -> (Vec<Entity>, Problems) {
    let (merged, mut problems) = merge_and_check(sources);
    problems.extend(
        super::ambiguity::frequency_problems(&merged)
            .into_iter()
            .map(|p| (Severity::Warning, p)),
    );
    problems.sort_by(|a, b| (&a.1.file, a.1.line).cmp(&(&b.1.file, b.1.line)));
    (merged, problems)
}

fn error(file: &str, line: usize, message: String) -> (Severity, TableProblem) {
    problem(Severity::Error, file, line, message)
}

fn warning(file: &str, line: usize, message: String) -> (Severity, TableProblem) {
    problem(Severity::Warning, file, line, message)
}

fn problem(
    severity: Severity,
    file: &str,
    line: usize,
    message: String,
) -> (Severity, TableProblem) {
    (
        severity,
        TableProblem {
            file: file.to_string(),
            line,
            message,
        },
    )
}

/// Ids are lowercase slugs: `a-z`, `0-9`, single hyphens inside.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Language tags look like `en`, `zh-Hans`, `zh-TW`.
pub(super) fn is_valid_lang(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts
            .all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn check_entity(
    entity: &Entity,
    index_of: &FxHashMap<String, usize>,
    merged: &[Entity],
    problems: &mut Problems,
) {
    let (file, line) = (entity.file.as_str(), entity.line);
    if !is_valid_id(&entity.id) {
        problems.push(error(
            file,
            line,
            format!(
                "id {:?} is not a lowercase slug (a-z, 0-9 and single '-')",
                entity.id
            ),
        ));
    }
    if entity.name.trim().is_empty() {
        problems.push(error(
            file,
            line,
            format!("entity {:?} has an empty name", entity.id),
        ));
    }
    if entity.aliases.is_empty() {
        problems.push(error(
            file,
            line,
            format!("entity {:?} has no aliases", entity.id),
        ));
    }
    if let Some(parent) = &entity.parent {
        match index_of.get(parent) {
            None => problems.push(error(
                file,
                line,
                format!("entity {:?} has unknown parent {parent:?}", entity.id),
            )),
            Some(_) if has_parent_cycle(entity, index_of, merged) => problems.push(error(
                file,
                line,
                format!(
                    "entity {:?} is its own ancestor through parent {parent:?}",
                    entity.id
                ),
            )),
            Some(_) => {}
        }
    }
    let mut keys: FxHashMap<String, (&AliasEntry, usize)> = FxHashMap::default();
    let mut langs_reported = FxHashSet::default();
    for alias in &entity.aliases {
        if !is_valid_lang(&alias.lang) && langs_reported.insert(alias.lang.as_str()) {
            problems.push(error(
                file,
                alias.line,
                format!(
                    "entity {:?}: {:?} is not a language tag like en, zh-Hans, zh-TW",
                    entity.id, alias.lang
                ),
            ));
        }
        let key = &alias.key;
        if key.is_empty() {
            problems.push(warning(
                file,
                alias.line,
                format!(
                    "entity {:?}: alias {:?} normalizes to nothing and can never match",
                    entity.id, alias.text
                ),
            ));
            continue;
        }
        if alias.case_exact
            && !alias
                .text
                .chars()
                .any(|c| c.is_uppercase() || c.is_lowercase())
        {
            problems.push(warning(
                file,
                alias.line,
                format!(
                    "entity {:?}: alias {:?} has case = \"exact\" but no letters with case",
                    entity.id, alias.text
                ),
            ));
        }
        match keys.get(key) {
            Some(&(earlier, earlier_line)) if covers(earlier, alias) => problems.push(warning(
                file,
                alias.line,
                format!(
                    "entity {:?}: alias {:?} is shadowed by alias {:?} (line {earlier_line}): both normalize to {key:?}",
                    entity.id, alias.text, earlier.text
                ),
            )),
            Some(_) => {}
            None => {
                keys.insert(key.clone(), (alias, alias.line));
            }
        }
        let lowered = normalize(&alias.text).text().to_lowercase();
        for blocker in &alias.blockers {
            let blocker_norm = normalize(blocker).text().to_lowercase();
            if alias_key(blocker) == *key {
                problems.push(warning(
                    file,
                    alias.line,
                    format!(
                        "entity {:?}: alias {:?} is shadowed by its own blocker {blocker:?}",
                        entity.id, alias.text
                    ),
                ));
            } else if !blocker_norm.contains(&lowered) {
                problems.push(warning(
                    file,
                    alias.line,
                    format!(
                        "entity {:?}: blocker {blocker:?} does not contain alias {:?}",
                        entity.id, alias.text
                    ),
                ));
            }
        }
    }
}

/// Whether `earlier` matches everywhere `later` would (same key assumed), so
/// that `later` adds nothing.
pub(super) fn covers(earlier: &AliasEntry, later: &AliasEntry) -> bool {
    let has_han = |a: &AliasEntry| a.text.chars().any(crate::script::is_han);
    if (has_han(earlier) || has_han(later))
        && normalize(&earlier.text).text() != normalize(&later.text).text()
    {
        // 字节跳动 and 字節跳動 share a key once folded; tables list both scripts
        // on purpose, so that is not shadowing.
        return false;
    }
    let case_covered = !earlier.case_exact
        || same_text(
            normalize(&earlier.text).text(),
            normalize(&later.text).text(),
        );
    let support_covered = !earlier.needs_support || later.needs_support;
    case_covered && support_covered && earlier.blockers.is_empty()
}

fn has_parent_cycle(
    entity: &Entity,
    index_of: &FxHashMap<String, usize>,
    merged: &[Entity],
) -> bool {
    let mut current = entity.parent.as_deref();
    for _ in 0..=merged.len() {
        match current {
            None => return false,
            Some(id) if id == entity.id => return true,
            Some(id) => current = index_of.get(id).and_then(|&i| merged[i].parent.as_deref()),
        }
    }
    true
}

/// An alias key used by two entities is fine only when every use of it is
/// marked ambiguous: otherwise a plain-looking alias silently picks a winner.
fn check_shared_aliases(merged: &[Entity], problems: &mut Problems) {
    let mut users: FxHashMap<String, Vec<(usize, usize)>> = FxHashMap::default();
    for (e, entity) in merged.iter().enumerate() {
        for (a, alias) in entity.aliases.iter().enumerate() {
            if !alias.key.is_empty() {
                users.entry(alias.key.clone()).or_default().push((e, a));
            }
        }
    }
    let mut shared: Vec<_> = users.into_iter().collect();
    shared.sort();
    for (key, list) in shared {
        let mut entities: Vec<usize> = list.iter().map(|&(e, _)| e).collect();
        entities.dedup();
        if entities.len() < 2 {
            continue;
        }
        for &(e, a) in &list {
            let alias = &merged[e].aliases[a];
            if alias.is_marked_ambiguous() {
                continue;
            }
            let others: Vec<&str> = entities
                .iter()
                .filter(|&&o| o != e)
                .map(|&o| merged[o].id.as_str())
                .collect();
            problems.push(warning(
                &merged[e].file,
                alias.line,
                format!(
                    "entity {:?}: alias {:?} ({key:?}) is also claimed by {} without being marked ambiguous (case = \"exact\" or needs = \"support\")",
                    merged[e].id,
                    alias.text,
                    others.join(", ")
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Vec<String> {
        let source = TableSource {
            name: "t.toml".into(),
            text: text.into(),
            jsonl: false,
        };
        merge_and_check(&[source])
            .1
            .into_iter()
            .map(|(_, p)| p.to_string())
            .collect()
    }

    fn entity(id: &str, parent: Option<&str>, aliases: &str) -> String {
        let parent = parent
            .map(|p| format!("parent = \"{p}\"\n"))
            .unwrap_or_default();
        format!(
            "[[entity]]\nid = \"{id}\"\nname = \"N\"\nkind = \"org\"\n{parent}aliases.en = [{aliases}]\n"
        )
    }

    #[test]
    fn a_clean_table_has_no_problems() {
        let problems =
            check(&(entity("a", None, "\"Alpha\"") + &entity("b", Some("a"), "\"Beta\"")));
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn duplicate_ids_and_unknown_parents_are_reported_with_lines() {
        let problems =
            check(&(entity("a", None, "\"Alpha\"") + &entity("a", Some("zzz"), "\"A2\"")));
        assert_eq!(
            problems,
            ["t.toml:6: duplicate id \"a\" (first defined on line 1)"]
        );
        let problems = check(&entity("a", Some("zzz"), "\"Alpha\""));
        assert_eq!(
            problems,
            ["t.toml:1: entity \"a\" has unknown parent \"zzz\""]
        );
    }

    #[test]
    fn unmarked_shared_aliases_are_reported_but_marked_ones_are_not() {
        let problems = check(&(entity("a", None, "\"Seed\"") + &entity("b", None, "\"Seed\"")));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("also claimed by b"));
        let marked = "{ text = \"Seed\", needs = \"support\" }";
        assert!(check(&(entity("a", None, marked) + &entity("b", None, marked))).is_empty());
    }

    #[test]
    fn empty_shadowed_and_self_blocked_aliases_are_reported() {
        let problems = check(&entity(
            "a",
            None,
            "\"!!\", \"Alpha\", \"ALPHA\", { text = \"Beta\", blockers = [\"beta\", \"gamma\"] }",
        ));
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].contains("normalizes to nothing"));
        assert!(problems[1].contains("shadowed by alias \"Alpha\""));
        let distinct = "{ text = \"US\", case = \"exact\" }, { text = \"U.S.\", case = \"exact\" }";
        assert!(check(&entity("a", None, distinct)).is_empty());
        assert!(problems[2].contains("shadowed by its own blocker"));
        assert!(problems[3].contains("does not contain alias"));
    }

    #[test]
    fn bad_ids_and_parent_cycles_are_errors() {
        let problems = check(&entity("Bad_Id", None, "\"X\""));
        assert!(problems[0].contains("not a lowercase slug"));
        let problems = check(&(entity("a", Some("b"), "\"A\"") + &entity("b", Some("a"), "\"B\"")));
        assert!(
            problems.iter().all(|p| p.contains("its own ancestor")),
            "{problems:?}"
        );
    }

    #[test]
    fn later_sources_override_entities_by_id() {
        let first = TableSource {
            name: "1.toml".into(),
            text: entity("a", None, "\"Alpha\""),
            jsonl: false,
        };
        let second = TableSource {
            name: "2.toml".into(),
            text: entity("a", None, "\"Aleph\""),
            jsonl: false,
        };
        let (merged, problems) = merge_and_check(&[first, second]);
        assert!(problems.is_empty());
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].aliases[0].text, "Aleph");
    }
}
