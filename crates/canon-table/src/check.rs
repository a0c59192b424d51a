//! Merging tables and validating them: everything `canon alias check` reports.
//!
//! Alias tables are input like any other: a table can come from an export
//! nobody read. [`limits`] bounds what one entry may ask of the matcher, so
//! that matching stays linear in the document whatever the table holds, and
//! every check here is linear in the table (one pass over parent chains,
//! hashing instead of pairwise comparisons).

use rustc_hash::{FxHashMap, FxHashSet};

use super::load::{TableSource, parse};
use super::{AliasEntry, Entity, TableProblem, alias_key_in, same_text};
use crate::normalize::normalize;

/// The most an alias table may ask of the matcher; exceeding one is an
/// error at load and in `canon alias check`, reported at the offending line.
///
/// Matching walks the alias trie from every token that can start an alias,
/// as far as the document keeps matching: the length of an alias bounds
/// each walk. Blockers and context words are searched around every
/// candidate, and each alias of a key is tried at every occurrence of the
/// key. Real tables stay far below these numbers: the default table's
/// longest alias has 49 characters and 7 words, its most blocked alias 17
/// blockers, its entity with most context words 22, with most topics 4.
pub mod limits {
    /// Characters in an alias (after normalization, which only shortens
    /// text or keeps it as long): a name, not a sentence.
    pub const ALIAS_CHARS: usize = 128;
    /// Terms in an alias's key: words, numbers, or runs of Han characters.
    pub const ALIAS_TERMS: usize = 32;
    /// Blockers of one alias. Every candidate match of the alias searches
    /// the text around it for each blocker, at a cost that grows with the
    /// square of the blocker's length: these two limits are the tightest.
    pub const BLOCKERS: usize = 32;
    /// Characters in a blocker, a phrase around the alias.
    pub const BLOCKER_CHARS: usize = 64;
    /// Context words of one entity.
    pub const CONTEXT_WORDS: usize = 128;
    /// Characters in a context word.
    pub const CONTEXT_CHARS: usize = 128;
    /// Topics of one entity (comparing two entities' topics is quadratic in this).
    pub const TOPICS: usize = 16;
    /// Aliases, over all entities, that share one key (normalize to the same
    /// terms): each is tried at every occurrence of the key.
    pub const ALIASES_PER_KEY: usize = 64;
    /// Parents above an entity: `qwen` → `alibaba` is one.
    pub const PARENT_DEPTH: usize = 32;
    /// Bytes in an id, which canon writes as an index term.
    pub const ID_BYTES: usize = 128;
}

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
    merge_and_check_shared(sources, SharedNames::UnmarkedOnly)
}

/// How [`check_shared_aliases`] reports a name claimed by several entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SharedNames {
    /// Every use must be marked ambiguous (`case = "exact"` or `needs =
    /// "support"`): what loading a table warns about.
    UnmarkedOnly,
    /// The ambiguity rule reports them (every use needs support): only the
    /// limit on aliases per key is checked here.
    ByTheRule,
}

fn merge_and_check_shared(sources: &[TableSource], shared: SharedNames) -> (Vec<Entity>, Problems) {
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
        check_entity(entity, &index_of, &mut problems);
    }
    check_parent_chains(&merged, &index_of, &mut problems);
    check_shared_aliases(&merged, shared, &mut problems);
    problems.sort_by(|a, b| (&a.1.file, a.1.line).cmp(&(&b.1.file, b.1.line)));
    (merged, problems)
}

/// What `canon alias check` reports: the merge and its checks
/// (`merge_and_check`) plus the ambiguity rule (`ambiguity.rs`: frequent
/// words, surnames, names several entities claim, broad topics of people,
/// context words that cannot tell entities apart), whose word lists only
/// this command and the importer load (loading a table for matching does
/// not). The rule reports shared names itself, demanding more than loading
/// does (support on every use, not just a mark).
pub fn check_tables(sources: &[TableSource]) -> (Vec<Entity>, Problems) {
    let (merged, mut problems) = merge_and_check_shared(sources, SharedNames::ByTheRule);
    problems.extend(
        super::ambiguity::rule_problems(&merged)
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
pub fn is_valid_lang(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts
            .all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn check_entity(entity: &Entity, index_of: &FxHashMap<String, usize>, problems: &mut Problems) {
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
    if let Some(parent) = &entity.parent
        && !index_of.contains_key(parent)
    {
        problems.push(error(
            file,
            line,
            format!("entity {:?} has unknown parent {parent:?}", entity.id),
        ));
    }
    check_entity_limits(entity, problems);
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
        // No name holds these; an alias that does carries the markup of the
        // list or spreadsheet it came from ("视窗{s}| note: ..." once reached
        // the built-in table, its note read as part of the name).
        if alias.text.contains(['{', '}', '|']) {
            problems.push(warning(
                file,
                alias.line,
                format!(
                    "entity {:?}: alias {:?} holds '{{', '}}' or '|', which no name holds: markup of the list it came from?",
                    entity.id, alias.text
                ),
            ));
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
            if alias_key_in(blocker, &alias.lang) == *key {
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
    check_rules_undone(entity, problems);
}

/// Reports an alias whose key another alias of the same entity shares with
/// looser rules. The matcher tries every alias of a key at each occurrence
/// and keeps the entity when any of them allows it, so the looser alias lets
/// through what the stricter one's support or blockers hold back: 大眾 typed
/// without the blockers of 大众 (both fold to one key) found Volkswagen in
/// 一汽大眾. Shadowed aliases are reported apart and not here; an alias with
/// exact case undoes nothing of a differently written one (the case rule of
/// either may be the point of having both).
fn check_rules_undone(entity: &Entity, problems: &mut Problems) {
    let mut by_key: FxHashMap<&str, Vec<&AliasEntry>> = FxHashMap::default();
    for alias in &entity.aliases {
        if !alias.key.is_empty() {
            by_key.entry(alias.key.as_str()).or_default().push(alias);
        }
    }
    for same in by_key.values().filter(|same| same.len() > 1) {
        for (i, strict) in same.iter().enumerate() {
            for (j, loose) in same.iter().enumerate() {
                // An alias the first of its key covers is reported as
                // shadowed by it (`check_entity`), which says more.
                if i == j || (j == 0 && covers(loose, strict)) {
                    continue;
                }
                if let Some(undone) = rules_undone(strict, loose) {
                    problems.push(warning(
                        &entity.file,
                        loose.line,
                        format!(
                            "entity {:?}: alias {:?} lets through what alias {:?} (line {}) holds back by {undone}: both have the key {:?}, and a key matches when any of its aliases allows it; give {:?} the same rules",
                            entity.id, loose.text, strict.text, strict.line, strict.key, loose.text
                        ),
                    ));
                }
            }
        }
    }
}

/// What of `strict`'s rules `loose` (same key) lets through, in words:
/// its support, its blockers that `loose` lacks (compared by key, so that a
/// blocker in the other script counts), or both; `None` when nothing, or
/// when `loose` is held to an exact case that `strict`'s text does not
/// have.
fn rules_undone(strict: &AliasEntry, loose: &AliasEntry) -> Option<String> {
    if loose.case_exact
        && !same_text(
            normalize(&loose.text).text(),
            normalize(&strict.text).text(),
        )
    {
        return None;
    }
    let loose_blockers: FxHashSet<String> = loose
        .blockers
        .iter()
        .map(|b| alias_key_in(b, &loose.lang))
        .collect();
    // A blocker of the looser alias inside the stricter one's blocks all it
    // blocks (大众汽车 blocks wherever 大众汽车集团 would).
    let missing: Vec<&str> = strict
        .blockers
        .iter()
        .filter(|b| {
            let key = alias_key_in(b, &strict.lang);
            !loose_blockers
                .iter()
                .any(|held| key.contains(held.as_str()))
        })
        .map(String::as_str)
        .collect();
    let support = strict.needs_support && !loose.needs_support;
    let blockers = match missing.as_slice() {
        [] => None,
        [one] => Some(format!("its blocker {one:?}")),
        [first, rest @ ..] => Some(format!(
            "its {} blockers ({first:?} and {} more)",
            missing.len(),
            rest.len()
        )),
    };
    match (support, blockers) {
        (false, None) => None,
        (true, None) => Some("the support it needs".to_owned()),
        (false, Some(blockers)) => Some(blockers),
        (true, Some(blockers)) => Some(format!("the support it needs and {blockers}")),
    }
}

/// Whether `earlier` matches everywhere `later` would (same key assumed), so
/// that `later` adds nothing.
pub fn covers(earlier: &AliasEntry, later: &AliasEntry) -> bool {
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

/// Entity limits other than parents (see [`limits`]).
fn check_entity_limits(entity: &Entity, problems: &mut Problems) {
    let (file, line, id) = (entity.file.as_str(), entity.line, &entity.id);
    if id.len() > limits::ID_BYTES {
        problems.push(error(
            file,
            line,
            format!(
                "id {} is {} bytes long (limit {})",
                abbreviate(id),
                id.len(),
                limits::ID_BYTES
            ),
        ));
    }
    let too_many = |what: &str, count: usize, limit: usize| {
        error(
            file,
            line,
            format!("entity {id:?} has {count} {what} (limit {limit})"),
        )
    };
    if entity.topics.len() > limits::TOPICS {
        problems.push(too_many("topics", entity.topics.len(), limits::TOPICS));
    }
    if entity.context.len() > limits::CONTEXT_WORDS {
        problems.push(too_many(
            "context words",
            entity.context.len(),
            limits::CONTEXT_WORDS,
        ));
    }
    if let Some(word) = entity
        .context
        .iter()
        .find(|w| w.chars().count() > limits::CONTEXT_CHARS)
    {
        problems.push(error(
            file,
            line,
            format!(
                "entity {id:?}: context word {} is longer than {} characters",
                abbreviate(word),
                limits::CONTEXT_CHARS
            ),
        ));
    }
    for alias in &entity.aliases {
        let mut report = |message: String| {
            problems.push(error(file, alias.line, format!("entity {id:?}: {message}")))
        };
        let chars = alias.text.chars().count();
        if chars > limits::ALIAS_CHARS {
            report(format!(
                "alias {} is {chars} characters long (limit {})",
                abbreviate(&alias.text),
                limits::ALIAS_CHARS
            ));
        } else if key_terms(&alias.key) > limits::ALIAS_TERMS {
            report(format!(
                "alias {} has {} terms (limit {})",
                abbreviate(&alias.text),
                key_terms(&alias.key),
                limits::ALIAS_TERMS
            ));
        }
        if alias.blockers.len() > limits::BLOCKERS {
            report(format!(
                "alias {} has {} blockers (limit {})",
                abbreviate(&alias.text),
                alias.blockers.len(),
                limits::BLOCKERS
            ));
        }
        if let Some(blocker) = alias
            .blockers
            .iter()
            .find(|b| b.chars().count() > limits::BLOCKER_CHARS)
        {
            report(format!(
                "blocker {} of alias {} is longer than {} characters",
                abbreviate(blocker),
                abbreviate(&alias.text),
                limits::BLOCKER_CHARS
            ));
        }
    }
}

/// The number of terms in an alias key (what [`limits::ALIAS_TERMS`]
/// bounds): non-Han terms are separated by spaces, a Han run is one term,
/// and a term starts wherever the script changes.
pub fn key_terms(key: &str) -> usize {
    let mut terms = 0;
    let mut previous: Option<char> = None;
    for c in key.chars() {
        let starts = match previous {
            None => c != ' ',
            Some(p) => {
                c != ' ' && (p == ' ' || crate::script::is_han(p) != crate::script::is_han(c))
            }
        };
        terms += usize::from(starts);
        previous = Some(c);
    }
    terms
}

/// `text` for a message, cut to its first 40 characters when longer.
fn abbreviate(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{:?}...", &text[..at]),
        None => format!("{text:?}"),
    }
}

/// Parent cycles and chains deeper than [`limits::PARENT_DEPTH`], in one
/// pass: every entity is walked up to an entity whose depth is known, and
/// the depths are filled in on the way back, so each parent link is
/// followed once.
fn check_parent_chains(
    merged: &[Entity],
    index_of: &FxHashMap<String, usize>,
    problems: &mut Problems,
) {
    /// Depth of an entity on a cycle, or below one.
    const CYCLIC: usize = usize::MAX;
    const UNSEEN: usize = usize::MAX - 1;
    const ON_PATH: usize = usize::MAX - 2;
    let parent_of = |e: usize| {
        merged[e]
            .parent
            .as_ref()
            .and_then(|p| index_of.get(p).copied())
    };
    let mut depth = vec![UNSEEN; merged.len()];
    let mut on_cycle = vec![false; merged.len()];
    let mut path: Vec<usize> = Vec::new();
    for start in 0..merged.len() {
        if depth[start] != UNSEEN {
            continue;
        }
        // Walk up until a root, a known depth, or the path itself.
        let mut current = start;
        let above = loop {
            depth[current] = ON_PATH;
            path.push(current);
            match parent_of(current) {
                None => break None,
                Some(parent) if depth[parent] == ON_PATH => {
                    // The path from `parent` on is a cycle.
                    let from = path
                        .iter()
                        .rposition(|&e| e == parent)
                        .expect("an entity on the path is in it");
                    for &e in &path[from..] {
                        on_cycle[e] = true;
                        depth[e] = CYCLIC;
                    }
                    path.truncate(from);
                    break Some(CYCLIC);
                }
                Some(parent) if depth[parent] != UNSEEN => break Some(depth[parent]),
                Some(parent) => current = parent,
            }
        };
        let mut next = above;
        while let Some(e) = path.pop() {
            let d = match next {
                None => 0,
                Some(CYCLIC) => CYCLIC,
                Some(d) => d + 1,
            };
            depth[e] = d;
            next = Some(d);
        }
    }
    for (e, entity) in merged.iter().enumerate() {
        let parent = entity.parent.as_deref().unwrap_or_default();
        let message = if on_cycle[e] {
            format!(
                "entity {:?} is its own ancestor through parent {parent:?}",
                entity.id
            )
        } else if depth[e] == CYCLIC {
            format!(
                "entity {:?} has a parent cycle above it, through parent {parent:?}",
                entity.id
            )
        } else if depth[e] == limits::PARENT_DEPTH + 1 {
            // Reported where the chain crosses the limit, not below it.
            format!(
                "entity {:?} is {} parents deep through parent {parent:?} (limit {})",
                entity.id,
                depth[e],
                limits::PARENT_DEPTH
            )
        } else {
            continue;
        };
        problems.push(error(&entity.file, entity.line, message));
    }
}

/// An alias key used by two entities is fine only when every use of it is
/// marked ambiguous: otherwise a plain-looking alias silently picks a winner.
/// (`SharedNames::ByTheRule` leaves that to the ambiguity rule and checks
/// only the limit on aliases per key.)
fn check_shared_aliases(merged: &[Entity], names: SharedNames, problems: &mut Problems) {
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
        if list.len() > limits::ALIASES_PER_KEY {
            let (e, a) = list[limits::ALIASES_PER_KEY];
            problems.push(error(
                &merged[e].file,
                merged[e].aliases[a].line,
                format!(
                    "{} aliases normalize to {} (limit {}); this is the first one past the limit",
                    list.len(),
                    abbreviate(&key),
                    limits::ALIASES_PER_KEY
                ),
            ));
        }
        for &(e, a) in &list {
            let alias = &merged[e].aliases[a];
            if alias.is_marked_ambiguous() || names == SharedNames::ByTheRule {
                continue;
            }
            // A few of the others name the problem; listing thousands would
            // make the report quadratic in the table.
            const LISTED: usize = 5;
            let mut others: Vec<&str> = entities
                .iter()
                .filter(|&&o| o != e)
                .take(LISTED)
                .map(|&o| merged[o].id.as_str())
                .collect();
            let more = format!("{} more", entities.len() - 1 - others.len());
            if entities.len() - 1 > LISTED {
                others.push(&more);
            }
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
    fn aliases_holding_list_markup_are_reported_at_their_line() {
        let problems = check(&entity(
            "a",
            None,
            "\"Alpha\",\n  \"视窗{s}| note: a common word\", \"AT&T (US)\"",
        ));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with(
                "t.toml:6: entity \"a\": alias \"视窗{s}| note: a common word\" holds"
            ),
            "{problems:?}"
        );
        for markup in ["\"A{x}\"", "\"A}\"", "\"A | B\""] {
            assert_eq!(check(&entity("a", None, markup)).len(), 1, "{markup}");
        }
    }

    #[test]
    fn an_alias_that_undoes_the_rules_of_another_of_its_key_is_reported_at_its_line() {
        // 大眾 folds to the key of 大众 without its blocker or support.
        let table = "[[entity]]\nid = \"vw\"\nname = \"N\"\nkind = \"org\"\n\
            aliases.zh-Hans = [{ text = \"大众\", needs = \"support\", blockers = [\"大众化\"] }]\n\
            aliases.zh-Hant = [\"大眾\"]\n";
        let problems = check(table);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("t.toml:6: entity \"vw\": alias \"大眾\" lets through what alias \"大众\" (line 5) holds back by the support it needs and its blocker \"大众化\""),
            "{problems:?}"
        );
        // The same rules, the blocker written in either script: nothing to report.
        let same = "[[entity]]\nid = \"vw\"\nname = \"N\"\nkind = \"org\"\n\
            aliases.zh-Hans = [{ text = \"大众\", needs = \"support\", blockers = [\"大众化\"] }]\n\
            aliases.zh-Hant = [{ text = \"大眾\", needs = \"support\", blockers = [\"大眾化\"] }]\n";
        assert!(check(same).is_empty(), "{:?}", check(same));
        // A shorter blocker of the looser alias covers a longer one.
        let covered = "[[entity]]\nid = \"vw\"\nname = \"N\"\nkind = \"org\"\n\
            aliases.zh-Hans = [{ text = \"大众\", blockers = [\"大众汽车\", \"大众汽车集团\"] }]\n\
            aliases.zh-Hant = [{ text = \"大眾\", blockers = [\"大眾汽車\"] }]\n";
        assert!(check(covered).is_empty(), "{:?}", check(covered));
        // A stricter alias after a looser one is shadowed (reported as such,
        // once); an alias of exact case undoes nothing of another writing.
        let shadowed = check(&entity(
            "a",
            None,
            "\"Alpha\", { text = \"ALPHA\", blockers = [\"ALPHA Centauri\"] }",
        ));
        assert_eq!(shadowed.len(), 1, "{shadowed:?}");
        assert!(shadowed[0].contains("shadowed"), "{shadowed:?}");
        let exact = entity(
            "a",
            None,
            "{ text = \"apple\", needs = \"support\" }, { text = \"Apple\", case = \"exact\" }",
        );
        assert!(check(&exact).is_empty(), "{:?}", check(&exact));
        // A looser alias after a stricter one of the same text, in Latin script.
        let latin = check(&entity(
            "a",
            None,
            "{ text = \"Alpha\", blockers = [\"Alpha Centauri\", \"Alpha Romeo\"] }, \"alpha\"",
        ));
        assert_eq!(latin.len(), 1, "{latin:?}");
        assert!(
            latin[0].contains("alias \"alpha\" lets through what alias \"Alpha\" (line 5) holds back by its 2 blockers (\"Alpha Centauri\" and 1 more)"),
            "{latin:?}"
        );
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
    fn parent_chains_deeper_than_the_limit_are_reported_once_where_they_cross_it() {
        let chain = |depth: usize| {
            let mut text = entity("e0", None, "\"E0\"");
            for k in 1..=depth {
                let parent = format!("e{}", k - 1);
                text += &entity(&format!("e{k}"), Some(&parent), &format!("\"E{k}\""));
            }
            check(&text)
        };
        assert!(chain(limits::PARENT_DEPTH).is_empty());
        let problems = chain(limits::PARENT_DEPTH + 5);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].contains("\"e33\" is 33 parents deep through parent \"e32\" (limit 32)"),
            "{problems:?}"
        );
        assert!(problems[0].starts_with("t.toml:198:"), "{problems:?}");
    }

    #[test]
    fn entities_below_a_cycle_are_reported_apart_from_those_on_it() {
        let text = entity("a", Some("b"), "\"A\"")
            + &entity("b", Some("a"), "\"B\"")
            + &entity("c", Some("a"), "\"C\"")
            + &entity("d", Some("c"), "\"D\"")
            + &entity("e", Some("e"), "\"E\"");
        let problems = check(&text);
        assert_eq!(problems.len(), 5, "{problems:?}");
        for (line, id) in [(1, "a"), (7, "b"), (25, "e")] {
            let expected = format!("t.toml:{line}: entity \"{id}\" is its own ancestor");
            assert!(
                problems.iter().any(|p| p.starts_with(&expected)),
                "{problems:?}"
            );
        }
        for id in ["c", "d"] {
            let expected = format!("entity \"{id}\" has a parent cycle above it");
            assert!(
                problems.iter().any(|p| p.contains(&expected)),
                "{problems:?}"
            );
        }
    }

    #[test]
    fn aliases_within_the_limits_pass_and_beyond_them_are_errors_at_their_line() {
        let at_limit = format!(
            "\"{}\", \"{}\", {{ text = \"A\", blockers = [{}] }}",
            "x".repeat(limits::ALIAS_CHARS),
            vec!["w"; limits::ALIAS_TERMS].join(" "),
            vec!["\"A b\""; limits::BLOCKERS].join(", ")
        );
        assert!(check(&entity("a", None, &at_limit)).is_empty());
        let too_long = "字".repeat(limits::ALIAS_CHARS + 1);
        let too_many_terms = vec!["w"; limits::ALIAS_TERMS + 1].join(" ");
        let blockers = vec!["\"A b\""; limits::BLOCKERS + 1].join(", ");
        let long_blocker = format!("B {}", "b".repeat(limits::BLOCKER_CHARS));
        let table = format!(
            "[[entity]]\nid = \"a\"\nname = \"N\"\nkind = \"org\"\naliases.en = [\n  \"{too_long}\",\n  \"{too_many_terms}\",\n  {{ text = \"A\", blockers = [{blockers}] }},\n  {{ text = \"B\", blockers = [\"{long_blocker}\"] }},\n]\n"
        );
        let problems = check(&table);
        let expected = [
            "t.toml:6: entity \"a\": alias \"字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字字\"... is 129 characters long (limit 128)",
            "t.toml:7: entity \"a\": alias \"w w w w w w w w w w w w w w w w w w w w \"... has 33 terms (limit 32)",
            "t.toml:8: entity \"a\": alias \"A\" has 33 blockers (limit 32)",
            "t.toml:9: entity \"a\": blocker \"B bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"... of alias \"B\" is longer than 64 characters",
        ];
        for line in expected {
            assert!(problems.iter().any(|p| p == line), "{line}\n{problems:#?}");
        }
        // Han text is one key term per run, but every character counts.
        assert!(
            check(&entity(
                "b",
                None,
                &format!("\"{}\"", "字".repeat(limits::ALIAS_CHARS))
            ))
            .is_empty()
        );
    }

    #[test]
    fn entity_limits_are_errors() {
        let context: Vec<String> = (0..=limits::CONTEXT_WORDS)
            .map(|k| format!("\"c{k}\""))
            .collect();
        let topics: Vec<String> = (0..=limits::TOPICS).map(|k| format!("\"t{k}\"")).collect();
        let text = format!(
            "[[entity]]\nid = \"{}\"\nname = \"N\"\nkind = \"org\"\ntopics = [{}]\ncontext = [{}, \"{}\"]\naliases.en = [\"A\"]\n",
            "a".repeat(limits::ID_BYTES + 1),
            topics.join(", "),
            context.join(", "),
            "c".repeat(limits::CONTEXT_CHARS + 1),
        );
        let problems = check(&text);
        for expected in [
            "is 129 bytes long (limit 128)",
            "has 17 topics (limit 16)",
            "has 130 context words (limit 128)",
            "is longer than 128 characters",
        ] {
            assert!(
                problems.iter().any(|p| p.contains(expected)),
                "{expected}: {problems:#?}"
            );
        }
    }

    #[test]
    fn too_many_aliases_of_one_key_are_an_error_and_shared_alias_warnings_stay_short() {
        let marked = "{ text = \"Seed\", needs = \"support\" }";
        let table = |count: usize| {
            (0..count)
                .map(|k| entity(&format!("e{k}"), None, marked))
                .collect::<String>()
        };
        assert!(check(&table(limits::ALIASES_PER_KEY)).is_empty());
        let problems = check(&table(limits::ALIASES_PER_KEY + 1));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("65 aliases normalize to \"seed\" (limit 64)"));
        assert!(problems[0].starts_with("t.toml:325:"), "{problems:?}");
        let plain = (0..10)
            .map(|k| entity(&format!("e{k}"), None, "\"Seed\""))
            .collect::<String>();
        let problems = check(&plain);
        assert_eq!(problems.len(), 10);
        assert!(
            problems[0].contains("also claimed by e1, e2, e3, e4, e5, 4 more without"),
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
