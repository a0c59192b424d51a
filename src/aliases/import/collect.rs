//! The two passes of an import (see the module documentation of
//! [`super`]): [`Collector::add`] takes drafts as the readers produce them,
//! [`Collector::finish`] writes the table.

use std::collections::hash_map::Entry;
use std::fs::File;
use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
use std::io::{BufRead, BufReader, BufWriter, Seek, Write};
use std::path::Path;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::output::{TableFormat, TableWriter, spill_file};
use super::{ImportSummary, ids};
use crate::aliases::ambiguity::{generic_organ, mark_surnames, requirement};
use crate::aliases::check::{covers, key_terms, limits};
use crate::aliases::load::{TableSource, parse};
use crate::aliases::{AliasEntry, Entity, Kind, TableProblem, alias_key_in};
use crate::{Error, Result};

/// An entity as an input gives it, before the table-wide rules.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    /// The Wikidata item number (42 for Q42), if known.
    pub qid: Option<u64>,
    /// The id as given (CSV/TSV); `None` derives one from `slug_label`.
    pub id: Option<String>,
    /// The label the id is derived from when none is given.
    pub slug_label: Option<String>,
    /// Display name.
    pub name: String,
    /// What the entity is.
    pub kind: Kind,
    /// The parent's id as given (CSV/TSV), and the line that gives it.
    pub parent_id: Option<(String, u64)>,
    /// Wikidata items that may be the parent, best first; the first one
    /// that is imported becomes the parent.
    pub parent_qids: Vec<u64>,
    /// `(language tag, alias)` in input order.
    pub aliases: Vec<(String, String)>,
    /// Where the entity starts in the input (first row, dump line).
    pub line: u64,
    /// Whether the input has problems of its own with this entity (a row
    /// that could not be read, a bad language tag), already reported: an
    /// entity left without aliases by them is not the problem of the
    /// entities naming it as their parent.
    pub troubled: bool,
}

/// An entity spilled between the passes: everything but its id and parent.
#[derive(Debug, Serialize, Deserialize)]
struct Spilled {
    name: String,
    kind: String,
    qid: Option<u64>,
    aliases: Vec<SpilledAlias>,
}

#[derive(Debug, Serialize, Deserialize)]
struct SpilledAlias {
    lang: String,
    text: String,
    case_exact: bool,
    needs_support: bool,
    /// Hash of the alias key (see [`key_hash`]).
    key: u64,
}

/// An entity spilled, as the pass that finds widely shared names reads it
/// back: its aliases' texts and keys.
#[derive(Debug, Deserialize)]
struct SpilledKeys {
    aliases: Vec<SpilledKey>,
}

#[derive(Debug, Deserialize)]
struct SpilledKey {
    text: String,
    key: u64,
}

/// What stays in memory of an entity between the passes.
#[derive(Debug)]
struct Registered {
    /// The given id, or the slug the id is made from.
    base: Box<str>,
    given_id: bool,
    qid: u64,
    line: u64,
    /// Whether the entity is an organisation: with a place among its
    /// ancestors, its generic organ names need support.
    org: bool,
    /// Whether the entity is a place.
    place: bool,
}

/// A parent named by the input, resolved after the first pass.
#[derive(Debug)]
enum ParentRef {
    Qid(u64),
    /// An id, and the line that gives it.
    Id(Box<str>, u64),
}

/// Why an alias of `text` with key `key` is more than a table may hold
/// ([`limits`]), if it is.
pub(super) fn over_limits(text: &str, key: &str) -> Option<&'static str> {
    if text.chars().count() > limits::ALIAS_CHARS {
        Some("longer than 128 characters")
    } else if key_terms(key) > limits::ALIAS_TERMS {
        Some("more than 32 terms")
    } else {
        None
    }
}

/// A key owned by several entities.
const SHARED: u32 = u32::MAX;

/// How the imported entities use an alias key, counted by the first pass.
#[derive(Debug, Clone, Copy)]
struct KeyUse {
    /// The entity that has the key, or [`SHARED`] once several have it.
    owner: u32,
    /// Aliases with the key over all entities. The loader's limit
    /// ([`limits::ALIASES_PER_KEY`]) counts aliases, not entities, so an
    /// entity's script variants (王偉, 王伟) count apiece.
    aliases: u32,
}

/// Why an entity of the input with a given id is not imported, for the
/// entities that name it as their parent.
#[derive(Debug)]
enum LeftOut {
    /// The input has problems with it ([`Draft::troubled`]), already
    /// reported: a child's parent link is not a problem of its own.
    Troubled,
    /// None of its aliases can be used (single Han characters, no letters
    /// or digits).
    NoAlias,
    /// Each of its aliases is too widely shared
    /// ([`Collector::widely_shared`]); the first of them.
    WidelyShared(Box<str>),
}

/// Why entities left without aliases by widely shared names are skipped
/// (the summary's reason).
const ONLY_WIDELY_SHARED: &str = "whose names are all too widely shared";

/// An error of the temporary file the entities wait in between the passes.
fn spill_error(cause: std::io::Error) -> Error {
    Error::Io {
        path: "(the temporary file beside the output)".into(),
        cause,
    }
}

/// The spilled entities, from the first: `spill` flushed and rewound.
fn reread(spill: &mut BufWriter<File>) -> Result<BufReader<&mut File>> {
    spill.flush().map_err(spill_error)?;
    let file = spill.get_mut();
    file.rewind().map_err(spill_error)?;
    Ok(BufReader::with_capacity(1 << 16, file))
}

/// The next spilled entity of `reader`, read through `line`.
fn next_spilled<T: DeserializeOwned>(
    reader: &mut BufReader<&mut File>,
    line: &mut String,
) -> Result<T> {
    line.clear();
    reader.read_line(line).map_err(spill_error)?;
    serde_json::from_str(line).map_err(|e| spill_error(std::io::Error::other(e)))
}

/// A 64-bit hash standing for an alias key, so that the first pass keeps 16
/// bytes per alias instead of the key. Two keys with the same hash would make
/// their aliases look shared (and need support): with SipHash, for five
/// million keys about one chance in a million per import.
fn key_hash(key: &str) -> u64 {
    BuildHasherDefault::<DefaultHasher>::default().hash_one(key)
}

/// Collects drafts (first pass) and writes the table (second pass).
pub(super) struct Collector {
    spill: BufWriter<File>,
    input: String,
    entities: Vec<Registered>,
    by_qid: FxHashMap<u64, u32>,
    keys: FxHashMap<u64, KeyUse>,
    parent_refs: Vec<(u32, ParentRef)>,
    line: String,
    /// Problems of the input: the readers' and the parents'. Any of them
    /// stops the import before anything is written.
    problems: Vec<TableProblem>,
    /// Given ids of entities that are not imported, and why.
    left_out: FxHashMap<Box<str>, LeftOut>,
    /// Per entity, whether it is skipped after the first pass: every alias
    /// it has is too widely shared ([`Collector::widely_shared`]). Such an
    /// entity keeps its ordinal and its place in the spill, but is no
    /// parent and is not written.
    skipped: Vec<bool>,
    /// Why some rows could not be read, when they could not: an id they
    /// hold is not known, so an unknown parent may be theirs.
    unread: Option<String>,
}

impl Collector {
    /// A collector spilling next to `output` (the output's disk has room for
    /// the output, and the spill is smaller than it).
    pub(super) fn new(output: &Path, input: &str) -> Result<Collector> {
        Ok(Collector {
            spill: BufWriter::with_capacity(1 << 16, spill_file(output)?),
            input: input.to_string(),
            entities: Vec::new(),
            by_qid: FxHashMap::default(),
            keys: FxHashMap::default(),
            parent_refs: Vec::new(),
            line: String::new(),
            problems: Vec::new(),
            left_out: FxHashMap::default(),
            skipped: Vec::new(),
            unread: None,
        })
    }

    /// Problems the reader found in the input: reported by
    /// [`Collector::finish`] with those of the parents, nothing written.
    pub(super) fn report(&mut self, problems: Vec<TableProblem>) {
        self.problems.extend(problems);
    }

    /// Some rows could not be read: `which` says which and why, to be
    /// followed by "may define it" (`the rows after line 8, left unread by
    /// an unclosed quote,`), with every unknown parent, which may be one of
    /// theirs. The first is kept.
    pub(super) fn rows_unread(&mut self, which: String) {
        self.unread.get_or_insert(which);
    }

    /// First pass for one draft: the ambiguity rule (per alias, and a
    /// person's surnames), aliases that cannot
    /// match or add nothing left out, the entity registered and spilled.
    /// A draft left without aliases is skipped.
    pub(super) fn add(&mut self, draft: Draft, summary: &mut ImportSummary) -> Result<()> {
        let mut kept: Vec<AliasEntry> = Vec::with_capacity(draft.aliases.len());
        for (lang, text) in draft.aliases {
            let text = text.trim().to_string();
            let required = requirement(&text, draft.kind);
            if required.forbidden {
                summary.drop_alias("single Han character");
                continue;
            }
            let key = alias_key_in(&text, &lang);
            if key.is_empty() {
                summary.drop_alias("no letters or digits");
                continue;
            }
            // The loader refuses a table with such an alias (a CSV/TSV
            // reader has reported it already).
            if let Some(reason) = over_limits(&text, &key) {
                summary.drop_alias(reason);
                continue;
            }
            let alias = AliasEntry {
                lang,
                text,
                case_exact: required.case_exact,
                needs_support: required.needs_support,
                blockers: Vec::new(),
                key,
                line: 0,
                // Inferred from the entity's kind and name, as for any table
                // that does not say.
                form: None,
            };
            if kept.iter().any(|k| k.key == alias.key && covers(k, &alias)) {
                summary.drop_alias("repeated");
                continue;
            }
            kept.push(alias);
        }
        mark_surnames(draft.kind, &mut kept);
        if kept.is_empty() {
            summary.skip("without a usable alias");
            if let Some(id) = draft.id {
                let why = if draft.troubled {
                    LeftOut::Troubled
                } else {
                    LeftOut::NoAlias
                };
                self.left_out.insert(id.into(), why);
            }
            return Ok(());
        }
        let ordinal = self.entities.len() as u32;
        if ordinal == SHARED {
            return Err(Error::ImportOptions(format!(
                "{}: more than {} entities",
                self.input, SHARED
            )));
        }
        let qid = draft.qid.unwrap_or(0);
        let (base, given_id) = match draft.id {
            Some(id) => (id, true),
            None => (
                draft
                    .slug_label
                    .as_deref()
                    .map(ids::slug)
                    .unwrap_or_default(),
                false,
            ),
        };
        self.entities.push(Registered {
            base: base.into(),
            given_id,
            qid,
            line: draft.line,
            org: draft.kind == Kind::Org,
            place: draft.kind == Kind::Place,
        });
        if let Some(qid) = draft.qid {
            self.by_qid.entry(qid).or_insert(ordinal);
        }
        if let Some((parent, line)) = draft.parent_id {
            self.parent_refs
                .push((ordinal, ParentRef::Id(parent.into(), line)));
        }
        for parent in draft.parent_qids {
            self.parent_refs.push((ordinal, ParentRef::Qid(parent)));
        }
        let mut aliases = Vec::with_capacity(kept.len());
        for alias in kept {
            let key = key_hash(&alias.key);
            match self.keys.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert(KeyUse {
                        owner: ordinal,
                        aliases: 1,
                    });
                }
                Entry::Occupied(mut slot) => {
                    let used = slot.get_mut();
                    if used.owner != ordinal {
                        used.owner = SHARED;
                    }
                    used.aliases = used.aliases.saturating_add(1);
                }
            }
            aliases.push(SpilledAlias {
                lang: alias.lang,
                text: alias.text,
                case_exact: alias.case_exact,
                needs_support: alias.needs_support,
                key,
            });
        }
        let spilled = Spilled {
            name: draft.name,
            kind: draft.kind.as_str().to_string(),
            qid: draft.qid,
            aliases,
        };
        serde_json::to_writer(&mut self.spill, &spilled).map_err(|e| spill_error(e.into()))?;
        self.spill.write_all(b"\n").map_err(spill_error)?;
        Ok(())
    }

    /// Second pass: widely shared names, ids, parents, shared names; the
    /// table written to `output`.
    ///
    /// A name more aliases normalize to than a table may hold
    /// ([`Collector::widely_shared`]) is left out of every imported
    /// entity, and an entity left without aliases by that is skipped.
    /// Parents are checked against what the table will be loaded with: the
    /// imported entities, and the default table's unless `default_table`
    /// leaves it out. Parent cycles and chains deeper than the loader takes
    /// are cut for Wikidata (whose data has them); in a CSV/TSV file, whose
    /// parents are given by id, they are problems, as is a parent that is
    /// not there. Problems (the reader's, [`Collector::report`], and these)
    /// fail the import with all of them listed, before anything is written.
    pub(super) fn finish(
        mut self,
        format: TableFormat,
        output: &Path,
        default_table: crate::aliases::DefaultTable,
        summary: &mut ImportSummary,
    ) -> Result<()> {
        // Without the default table (`--no-default-table`), no name is
        // shared with it and no id taken by it.
        let default = match default_table {
            crate::aliases::DefaultTable::Included => BuiltinNames::load(),
            crate::aliases::DefaultTable::Excluded => BuiltinNames::default(),
        };
        let widely_shared = self.widely_shared(&default);
        self.skip_widely_shared(&widely_shared, summary)?;
        let ids = self.assign_ids(&default, summary);
        let parents = self.resolve_parents(&ids, &default, default_table, summary);
        if !self.problems.is_empty() {
            let mut problems = std::mem::take(&mut self.problems);
            problems.sort_by_key(|p| p.line);
            return Err(Error::ImportInput(problems));
        }
        let country_bodies = self.country_bodies(&parents, &default);
        let parents = parents.ids(&ids);
        let source = Path::new(&self.input)
            .file_name()
            .map_or_else(|| self.input.clone(), |n| n.to_string_lossy().into_owned());
        let mut writer = TableWriter::create(output, format, &source)?;
        let mut reader = reread(&mut self.spill)?;
        for (ordinal, id) in ids.iter().enumerate() {
            // Skipped entities are read all the same: the spill holds every
            // registered entity, in order.
            let spilled: Spilled = next_spilled(&mut reader, &mut self.line)?;
            if self.skipped[ordinal] {
                continue;
            }
            let mut aliases = Vec::with_capacity(spilled.aliases.len());
            for alias in spilled.aliases {
                if widely_shared.contains_key(&alias.key) {
                    continue;
                }
                summary.rule_case += u64::from(alias.case_exact);
                summary.rule_support += u64::from(alias.needs_support);
                let shared = self.keys.get(&alias.key).is_some_and(|k| k.owner == SHARED)
                    || default.shares(alias.key, id);
                // The rule `alias check` applies to a country's bodies
                // (crate::aliases::ambiguity::rule_problems), applied here
                // because only here are the parents known.
                let organ =
                    !shared && country_bodies[ordinal] && generic_organ(&alias.text).is_some();
                let needs_support = alias.needs_support || shared || organ;
                if needs_support && !alias.needs_support {
                    if organ {
                        summary.organ_support += 1;
                    } else {
                        summary.shared_support += 1;
                    }
                }
                aliases.push(AliasEntry {
                    lang: alias.lang,
                    text: alias.text,
                    case_exact: alias.case_exact,
                    needs_support,
                    blockers: Vec::new(),
                    key: String::new(),
                    line: 0,
                    form: None,
                });
            }
            summary.aliases += aliases.len() as u64;
            let parent = parents[ordinal].clone();
            summary.parents += u64::from(parent.is_some());
            let entity = Entity {
                id: id.clone(),
                name: spilled.name,
                kind: Kind::parse(&spilled.kind).expect("spilled kinds are kind names"),
                parent,
                topics: Vec::new(),
                context: Vec::new(),
                wikidata: spilled.qid.map(|q| format!("Q{q}")),
                aliases,
                file: String::new(),
                line: 0,
            };
            writer.entity(&entity)?;
            summary.entities += 1;
        }
        writer.finish()
    }

    /// The alias keys that more aliases normalize to than a table may hold
    /// ([`limits::ALIASES_PER_KEY`]), over the imported entities and the
    /// default table's (unless it is left out), with how many do. Those
    /// names are left out of every imported entity: a name that many
    /// share tells none of them apart (each would need the document's
    /// support anyway), and keeping it for some would pick them by the
    /// order of the input. The loader refuses such a key only when two
    /// entities or more have it, and so does this.
    ///
    /// Every default entity counts, also one that an imported entity with
    /// its id replaces: which of those are still replaced once this has
    /// skipped entities is known only after, and a count a few aliases too
    /// high near the limit leaves out a name that had room, never writes
    /// one the loader refuses.
    fn widely_shared(&self, default: &BuiltinNames) -> FxHashMap<u64, u64> {
        self.keys
            .iter()
            .filter_map(|(&key, used)| {
                let of_default = default.keys.get(&key).map_or(0, Vec::len) as u64;
                let several = used.owner == SHARED || of_default > 0;
                let total = u64::from(used.aliases) + of_default;
                (several && total > limits::ALIASES_PER_KEY as u64).then_some((key, total))
            })
            .collect()
    }

    /// Marks the entities that `widely_shared` leaves without aliases as
    /// skipped, and counts what it leaves out. Reads the spill once more,
    /// only when there is such a name: the texts of the names are there.
    fn skip_widely_shared(
        &mut self,
        widely_shared: &FxHashMap<u64, u64>,
        summary: &mut ImportSummary,
    ) -> Result<()> {
        self.skipped = vec![false; self.entities.len()];
        if widely_shared.is_empty() {
            return Ok(());
        }
        let mut texts: FxHashMap<u64, String> = FxHashMap::default();
        let mut reader = reread(&mut self.spill)?;
        for (ordinal, entity) in self.entities.iter().enumerate() {
            let spilled: SpilledKeys = next_spilled(&mut reader, &mut self.line)?;
            let mut kept = 0;
            for alias in &spilled.aliases {
                if widely_shared.contains_key(&alias.key) {
                    summary.widely_shared_aliases += 1;
                    texts.entry(alias.key).or_insert_with(|| alias.text.clone());
                } else {
                    kept += 1;
                }
            }
            if kept == 0 {
                self.skipped[ordinal] = true;
                summary.skip(ONLY_WIDELY_SHARED);
                if entity.given_id {
                    let first = spilled
                        .aliases
                        .into_iter()
                        .next()
                        .map_or_else(Default::default, |a| a.text.into());
                    self.left_out
                        .insert(entity.base.clone(), LeftOut::WidelyShared(first));
                }
            }
        }
        summary.widely_shared += widely_shared.len() as u64;
        // The most shared first, as the user will look for those.
        let mut names: Vec<(String, u64)> = texts
            .into_iter()
            .map(|(key, text)| (text, widely_shared[&key]))
            .collect();
        names.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        names.truncate(super::WIDELY_SHARED_LISTED);
        summary.widely_shared_names = names;
        Ok(())
    }

    /// Every entity's id. Skipped entities take part: a name too widely
    /// shared now may not be in the next dump, and ids should not change
    /// then; nor should the one namesake with another name have the plain
    /// slug of a name a hundred entities share.
    fn assign_ids(&self, default: &BuiltinNames, summary: &mut ImportSummary) -> Vec<String> {
        let derived: Vec<(&str, u64)> = self
            .entities
            .iter()
            .filter(|e| !e.given_id)
            .map(|e| (&*e.base, e.qid))
            .collect();
        let (mut assigned, _) = ids::assign(&derived, &default.ids);
        assigned.reverse();
        let ids: Vec<String> = self
            .entities
            .iter()
            .map(|e| {
                if e.given_id {
                    e.base.to_string()
                } else {
                    assigned.pop().expect("one id per derived entity")
                }
            })
            .collect();
        // Counted over the entities written.
        summary.ids_suffixed += self
            .entities
            .iter()
            .zip(&ids)
            .zip(&self.skipped)
            .filter(|&((e, id), &skipped)| !e.given_id && !skipped && id.as_str() != &*e.base)
            .count() as u64;
        ids
    }

    /// Per entity, whether it is an organisation with a place among its
    /// ancestors (a country's ministry, directly or through its
    /// government), following imported parents and then the default
    /// table's. An imported entity that overrides a default id further up
    /// a default chain is not seen there (`alias check` follows it).
    fn country_bodies(&self, parents: &Parents, default: &BuiltinNames) -> Vec<bool> {
        // Per entity, whether it is a place or has one among its ancestors;
        // each chain is walked once, its results kept for the entities on it.
        let mut under_place: Vec<Option<bool>> = vec![None; self.entities.len()];
        let mut path = Vec::new();
        for e in 0..self.entities.len() {
            let mut current = e;
            let found = loop {
                if let Some(known) = under_place[current] {
                    break known;
                }
                if self.entities[current].place {
                    break true;
                }
                path.push(current);
                // Imported chains are free of cycles after `cut_cycles`;
                // the path's length bounds the walk regardless.
                match parents.imported[current] {
                    Some(p) if path.len() <= self.entities.len() => current = p as usize,
                    Some(_) => break false,
                    None => {
                        break parents.named[current]
                            .as_deref()
                            .is_some_and(|id| default.under_a_place(id));
                    }
                }
            };
            for walked in path.drain(..) {
                under_place[walked] = Some(found);
            }
        }
        self.entities
            .iter()
            .zip(under_place)
            .map(|(entity, under)| entity.org && under == Some(true))
            .collect()
    }

    fn resolve_parents(
        &mut self,
        ids: &[String],
        default: &BuiltinNames,
        default_table: crate::aliases::DefaultTable,
        summary: &mut ImportSummary,
    ) -> Parents {
        // A skipped entity is not imported: no parent.
        let by_id: FxHashMap<&str, u32> = ids
            .iter()
            .enumerate()
            .filter(|&(i, _)| !self.skipped[i])
            .map(|(i, id)| (id.as_str(), i as u32))
            .collect();
        let mut imported: Vec<Option<u32>> = vec![None; ids.len()];
        let mut named: Vec<Option<String>> = vec![None; ids.len()];
        // The line that gives each entity's parent (CSV/TSV).
        let mut lines: Vec<u64> = vec![0; ids.len()];
        let mut given = false;
        let mut left_out_ids = None;
        // Per entity, whether a parent candidate was skipped for its
        // widely shared names (Wikidata), to count the links lost so.
        let mut parent_skipped = vec![false; ids.len()];
        for (child, parent) in std::mem::take(&mut self.parent_refs) {
            let slot = child as usize;
            if imported[slot].is_some() || named[slot].is_some() || self.skipped[slot] {
                continue;
            }
            match parent {
                ParentRef::Qid(qid) => {
                    // Only an imported item: the default table has no
                    // QIDs to find one by, and another would be unknown.
                    // A skipped one is not imported; the next candidate
                    // may be.
                    if let Some(&p) = self.by_qid.get(&qid)
                        && p != child
                    {
                        if self.skipped[p as usize] {
                            parent_skipped[slot] = true;
                        } else {
                            imported[slot] = Some(p);
                        }
                    }
                }
                ParentRef::Id(id, line) => {
                    given = true;
                    lines[slot] = line;
                    if let Some(&p) = by_id.get(&*id) {
                        imported[slot] = Some(p);
                    } else if default.ids.contains(&*id) {
                        named[slot] = Some(id.into());
                    } else if let Some(message) =
                        self.unknown_parent(&ids[slot], &id, default_table, &mut left_out_ids)
                    {
                        self.problems.push(self.problem(line, message));
                    }
                }
            }
        }
        summary.parents_widely_shared += (0..ids.len())
            .filter(|&e| parent_skipped[e] && imported[e].is_none())
            .count() as u64;
        if given {
            self.check_given_chains(ids, &by_id, &imported, &named, &lines, default);
        } else {
            let cut = ids::cut_cycles(&mut imported, |e| self.entities[e as usize].qid);
            summary.cycles_cut += cut.len() as u64;
            let cut = ids::cut_deep(&mut imported, limits::PARENT_DEPTH);
            summary.deep_cut += cut.len() as u64;
        }
        Parents { imported, named }
    }

    fn problem(&self, line: u64, message: String) -> TableProblem {
        TableProblem {
            file: self.input.clone(),
            line: line as usize,
            message,
        }
    }

    /// What is wrong with `child`'s parent `parent`, which is neither
    /// imported nor a default id: `None` when the parent is an entity of
    /// the input left out for problems already reported.
    ///
    /// `left_out_ids` holds the default table's ids once read, when
    /// `default_table` leaves it out.
    fn unknown_parent(
        &self,
        child: &str,
        parent: &str,
        default_table: crate::aliases::DefaultTable,
        left_out_ids: &mut Option<FxHashSet<String>>,
    ) -> Option<String> {
        match self.left_out.get(parent) {
            Some(LeftOut::Troubled) => return None,
            Some(LeftOut::NoAlias) => {
                return Some(format!(
                    "entity {child:?}: parent {parent:?} is not imported: none of its aliases can be kept (each is a single Han character or has no letters or digits)"
                ));
            }
            // A problem rather than a parent quietly lost: the file says
            // the link, the rules for a country's bodies follow it, and
            // the fix is the user's (an alias of the parent's own).
            Some(LeftOut::WidelyShared(name)) => {
                return Some(format!(
                    "entity {child:?}: parent {parent:?} is not imported: more than {} aliases normalize to each of its names ({name:?}), too many to tell their entities apart; give it a name of its own",
                    limits::ALIASES_PER_KEY
                ));
            }
            None => {}
        }
        let mut message = format!("entity {child:?} has unknown parent {parent:?}: ");
        if default_table == crate::aliases::DefaultTable::Excluded {
            // Read only now, for the message: whether the id is one the
            // user left out with the default table.
            let ids = left_out_ids.get_or_insert_with(|| BuiltinNames::load().ids);
            if ids.contains(parent) {
                message.push_str("an id of the default table, which --no-default-table leaves out");
            } else {
                message.push_str("not an id of this file");
            }
        } else {
            message.push_str("not an id of this file or of the default table");
        }
        if let Some(why) = &self.unread {
            message.push_str(&format!(" ({why} may define it)"));
        }
        Some(message)
    }

    /// The problems of parents given by id, over the graph the loader will
    /// see (the default table's entities under and above the imported
    /// ones, imported ids replacing default ones): cycles, once per cycle
    /// at its member whose parent comes first in the input, and chains
    /// deeper than the loader takes, where they cross the limit.
    fn check_given_chains(
        &mut self,
        ids: &[String],
        by_id: &FxHashMap<&str, u32>,
        imported: &[Option<u32>],
        named: &[Option<String>],
        lines: &[u64],
        default: &BuiltinNames,
    ) {
        // Nodes: the imported entities (by ordinal), then the default
        // entities no imported one replaces.
        let mut node_ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let mut node_of: FxHashMap<&str, usize> = by_id
            .iter()
            .map(|(&id, &ordinal)| (id, ordinal as usize))
            .collect();
        let mut default_ids: Vec<&str> = default
            .entities
            .keys()
            .map(String::as_str)
            .filter(|id| !by_id.contains_key(id))
            .collect();
        default_ids.sort_unstable();
        for id in default_ids {
            node_of.insert(id, node_ids.len());
            node_ids.push(id);
        }
        let imported_count = ids.len();
        let parent_of: Vec<Option<usize>> = (0..node_ids.len())
            .map(|node| {
                if node < imported_count {
                    imported[node].map(|p| p as usize).or_else(|| {
                        named[node]
                            .as_deref()
                            .and_then(|id| node_of.get(id).copied())
                    })
                } else {
                    // A default parent that is not there is the default
                    // table's problem, which `alias check` reports.
                    default.entities[node_ids[node]]
                        .1
                        .as_deref()
                        .and_then(|id| node_of.get(id).copied())
                }
            })
            .collect();
        let chains = ids::chains(&parent_of);
        let line_of = |node: usize| {
            if lines[node] > 0 {
                lines[node]
            } else {
                self.entities[node].line
            }
        };
        let mut problems = Vec::new();
        let mut reported = vec![false; node_ids.len()];
        for start in 0..imported_count {
            if chains[start] != ids::Chain::OnCycle || reported[start] {
                continue;
            }
            let mut cycle = vec![start];
            let mut node = parent_of[start].expect("a node on a cycle has a parent");
            while node != start {
                cycle.push(node);
                node = parent_of[node].expect("a node on a cycle has a parent");
            }
            for &member in &cycle {
                reported[member] = true;
            }
            let first = *cycle
                .iter()
                .filter(|&&m| m < imported_count)
                .min_by_key(|&&m| line_of(m))
                .expect("the cycle has the imported entity it was found from");
            let at = cycle.iter().position(|&m| m == first).unwrap_or(0);
            cycle.rotate_left(at);
            cycle.push(first);
            const SHOWN: usize = 8;
            let mut path: Vec<&str> = cycle.iter().take(SHOWN).map(|&m| node_ids[m]).collect();
            let more = format!("... ({} in all)", cycle.len() - 1);
            if cycle.len() > SHOWN {
                path.push(&more);
            }
            // The user may not know the default table's parents.
            let defaults: Vec<&str> = cycle[..cycle.len() - 1]
                .iter()
                .filter(|&&m| m >= imported_count)
                .map(|&m| node_ids[m])
                .collect();
            let defaults = match defaults.as_slice() {
                [] => String::new(),
                [one] => format!("; {one} is the default table's"),
                many => format!("; {} are the default table's", many.join(", ")),
            };
            problems.push(self.problem(
                line_of(first),
                format!(
                    "entity {:?}: its parents form a cycle ({}{defaults})",
                    node_ids[first],
                    path.join(" -> ")
                ),
            ));
        }
        for (node, chain) in chains.iter().enumerate() {
            if *chain != ids::Chain::Depth(limits::PARENT_DEPTH + 1) {
                continue;
            }
            let parent = node_ids[parent_of[node].expect("a deep entity has a parent")];
            if node < imported_count {
                problems.push(self.problem(
                    line_of(node),
                    format!(
                        "entity {:?} is {} parents deep through parent {parent:?} (limit {})",
                        node_ids[node],
                        limits::PARENT_DEPTH + 1,
                        limits::PARENT_DEPTH
                    ),
                ));
                continue;
            }
            // A default entity made deeper by an imported one above it
            // (one that replaces a default entity): said at the nearest.
            let mut above = parent_of[node];
            while let Some(a) = above
                && a >= imported_count
            {
                above = parent_of[a];
            }
            if let Some(a) = above {
                problems.push(self.problem(
                    line_of(a),
                    format!(
                        "entity {:?}: the default table's {:?} below it would be {} parents deep (limit {})",
                        node_ids[a],
                        node_ids[node],
                        limits::PARENT_DEPTH + 1,
                        limits::PARENT_DEPTH
                    ),
                ));
            }
        }
        self.problems.extend(problems);
    }
}

/// Each entity's parent after the first pass: an imported entity (by
/// ordinal), or an id the input names that is not imported (a default
/// entity's, or an error `alias check` reports).
struct Parents {
    imported: Vec<Option<u32>>,
    named: Vec<Option<String>>,
}

impl Parents {
    /// The parent ids to write.
    fn ids(self, ids: &[String]) -> Vec<Option<String>> {
        self.imported
            .into_iter()
            .zip(self.named)
            .map(|(imported, named)| named.or_else(|| imported.map(|p| ids[p as usize].clone())))
            .collect()
    }
}

/// The ids and alias keys of the default table: an imported entity does not
/// take a default id by accident, and a name it shares with a default entity
/// needs support.
#[derive(Default)]
struct BuiltinNames {
    ids: FxHashSet<String>,
    keys: FxHashMap<u64, Vec<Box<str>>>,
    /// id -> (whether a place, parent id).
    entities: FxHashMap<String, (bool, Option<String>)>,
}

impl BuiltinNames {
    fn load() -> BuiltinNames {
        let mut table = BuiltinNames {
            ids: FxHashSet::default(),
            keys: FxHashMap::default(),
            entities: FxHashMap::default(),
        };
        for source in TableSource::default_tables() {
            // The default table's problems are `alias check`'s business; an
            // entity it cannot read has no names to share.
            for entity in parse(&source).0 {
                for alias in &entity.aliases {
                    if !alias.key.is_empty() {
                        table
                            .keys
                            .entry(key_hash(&alias.key))
                            .or_default()
                            .push(entity.id.as_str().into());
                    }
                }
                table.entities.insert(
                    entity.id.clone(),
                    (entity.kind == Kind::Place, entity.parent.clone()),
                );
                table.ids.insert(entity.id);
            }
        }
        table
    }

    /// Whether default entity `id` is a place or has one among its
    /// ancestors.
    fn under_a_place(&self, id: &str) -> bool {
        let mut current = id;
        for _ in 0..=self.entities.len() {
            match self.entities.get(current) {
                Some((true, _)) => return true,
                Some((false, Some(parent))) => current = parent,
                _ => return false,
            }
        }
        false
    }

    /// Whether a default entity other than `id` has the key with hash `key`.
    fn shares(&self, key: u64, id: &str) -> bool {
        self.keys
            .get(&key)
            .is_some_and(|owners| owners.iter().any(|owner| &**owner != id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_widely_shared_as_the_loader_counts_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut collector = Collector::new(&dir.path().join("t.toml"), "t.csv").unwrap();
        let limit = limits::ALIASES_PER_KEY as u32;
        let uses = [
            // (key, owner, aliases)
            (1, SHARED, limit),
            (2, SHARED, limit + 1),
            // The loader takes any number of one entity's aliases of a key.
            (3, 0, limit + 1),
            // With the default table's, these are over the limit.
            (4, SHARED, limit),
            (5, 0, limit),
        ];
        for (key, owner, aliases) in uses {
            collector.keys.insert(key, KeyUse { owner, aliases });
        }
        let mut default = BuiltinNames::default();
        assert_eq!(
            sorted(collector.widely_shared(&default)),
            [(2, u64::from(limit) + 1)]
        );
        default.keys.insert(4, vec!["acme".into()]);
        default.keys.insert(5, vec!["acme".into()]);
        assert_eq!(
            sorted(collector.widely_shared(&default)),
            [
                (2, u64::from(limit) + 1),
                (4, u64::from(limit) + 1),
                (5, u64::from(limit) + 1)
            ]
        );
    }

    fn sorted(map: FxHashMap<u64, u64>) -> Vec<(u64, u64)> {
        let mut pairs: Vec<(u64, u64)> = map.into_iter().collect();
        pairs.sort_unstable();
        pairs
    }
}
