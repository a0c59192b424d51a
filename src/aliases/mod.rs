//! The alias table: entities, their names in every language and script, and
//! the rules that keep common words (Apple the fruit, 小米 the grain) from
//! matching. The format is documented in `docs/aliases.md`.
//!
//! Every alias is reduced to a *key*: the terms the segmenters produce for it,
//! joined by a space between two terms of spaced scripts (Latin, Hangul, ...)
//! and by nothing next to text of a script written without spaces (Han,
//! kana, Thai, Lao, Khmer, Burmese). Keys do not depend on how jieba or ICU
//! happen to cut a Chinese or Japanese name, so the same key is computed
//! from a document's tokens and from a query typed at the command line,
//! without loading a dictionary. Japanese aliases are keyed as written,
//! other aliases folded to simplified Chinese ([`alias_key_in`]).

pub mod ambiguity;
mod check;
pub mod import;
mod load;
mod lookup;

use std::fmt;

use rustc_hash::FxHashMap;

pub use check::{Severity, check_tables as check_sources, limits};
pub use load::TableSource;
pub use lookup::{Lookup, LookupCandidate};

use crate::normalize::chinese::fold;
use crate::normalize::normalize;
use crate::script::{BmpSet, is_han, is_unspaced};
use crate::segment::{Segment, Token, WordSegmenter};

/// What an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Companies, labs, governments, universities, media.
    Org,
    /// People.
    Person,
    /// Countries, cities, regions, waterways.
    Place,
    /// Models, services, chips, currencies and other things made.
    Product,
    /// Wars, summits, conferences.
    Event,
    /// Books, films, albums.
    Work,
    /// Anything else.
    Other,
}

impl Kind {
    /// Every kind, in documentation order.
    pub const ALL: [Kind; 7] = [
        Kind::Org,
        Kind::Person,
        Kind::Place,
        Kind::Product,
        Kind::Event,
        Kind::Work,
        Kind::Other,
    ];

    /// The kind named `name` in a table.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The kind's name in tables and output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Org => "org",
            Kind::Person => "person",
            Kind::Place => "place",
            Kind::Product => "product",
            Kind::Event => "event",
            Kind::Work => "work",
            Kind::Other => "other",
        }
    }
}

/// What kind of name an alias is, which decides the evidence it needs
/// (docs/aliases.md, "Alias forms").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AliasForm {
    /// A name that says who or what it is by itself (Geoffrey Hinton, DeepSeek).
    Full,
    /// A surname or given name on its own (Hinton, Kamala): it stands only
    /// when a full name of the same entity is in the same document, and
    /// never next to another capitalised name (Maury Harris).
    Short,
    /// Letters standing for a name (IMF, DoD): it does not stand in a
    /// document that defines the same letters as something else
    /// (Drink Or Die (DOD)).
    Acronym,
}

impl AliasForm {
    /// The form named `name` in a table (`full`, `short`, `acronym`).
    pub fn parse(name: &str) -> Option<AliasForm> {
        match name {
            "full" => Some(AliasForm::Full),
            "short" => Some(AliasForm::Short),
            "acronym" => Some(AliasForm::Acronym),
            _ => None,
        }
    }

    /// The form's name in tables and output.
    pub fn as_str(self) -> &'static str {
        match self {
            AliasForm::Full => "full",
            AliasForm::Short => "short",
            AliasForm::Acronym => "acronym",
        }
    }
}

/// One canonical entity as written in a table.
#[derive(Debug, Clone)]
pub struct Entity {
    /// Stable identifier, also emitted as an index term for every mention.
    pub id: String,
    /// Display name.
    pub name: String,
    /// What the entity is.
    pub kind: Kind,
    /// The id of the owning or containing entity, if any.
    pub parent: Option<String>,
    /// Topic tags: entities sharing one support each other's ambiguous aliases.
    pub topics: Vec<String>,
    /// Words whose presence nearby supports this entity's ambiguous aliases.
    pub context: Vec<String>,
    /// The entity's Wikidata item id (`Q42`), if the table gives one; written
    /// in every output mention of the entity.
    pub wikidata: Option<String>,
    /// Every alias, in table order.
    pub aliases: Vec<AliasEntry>,
    /// The table the entity was read from.
    pub file: String,
    /// The line of the entity in that table.
    pub line: usize,
}

/// One alias of an entity, with its controls.
#[derive(Debug, Clone)]
pub struct AliasEntry {
    /// Language tag (`en`, `zh-Hans`, `zh-Hant`, `zh-TW`, ...).
    pub lang: String,
    /// The alias as written.
    pub text: String,
    /// Matches only when written exactly so (after width and quote folding).
    pub case_exact: bool,
    /// Matches only with support from the document.
    pub needs_support: bool,
    /// Longer phrases containing the alias that mean something else.
    pub blockers: Vec<String>,
    /// The matching key ([`alias_key`] of `text`), computed once when read.
    pub key: String,
    /// The line of the alias in its table.
    pub line: usize,
    /// The form given in the table, if any; [`AliasTable::form`] also
    /// infers it (a person's surname, an all-capitals alias).
    pub form: Option<AliasForm>,
}

impl AliasEntry {
    /// Whether the alias is marked as possibly a common word.
    pub fn is_marked_ambiguous(&self) -> bool {
        self.case_exact || self.needs_support
    }

    /// A short description of what the alias needs to match, for people.
    pub fn requirements(&self) -> Vec<&'static str> {
        let mut needs = Vec::new();
        if self.case_exact {
            needs.push("exact case");
        }
        if self.needs_support {
            needs.push("support in the document");
        }
        if !self.blockers.is_empty() {
            needs.push("not inside a blocker");
        }
        needs
    }
}

/// A problem found in an alias table, reported as `file:line: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableProblem {
    /// The table's name.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for TableProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// A reference to one alias: entity index and alias index within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AliasRef {
    /// Index of the entity in [`AliasTable::entities`].
    pub entity: u32,
    /// Index of the alias in that entity's `aliases`.
    pub alias: u32,
}

/// Per-alias data compiled for matching.
#[derive(Debug, Clone)]
struct CompiledAlias {
    /// The alias text, normalized, for `case = "exact"` comparisons.
    normalized: String,
    /// Blockers, normalized and lowercased.
    blockers: Vec<String>,
    /// The alias's form, as given or inferred.
    form: AliasForm,
    /// Folding to simplified Chinese changes the alias into a text that no
    /// alias of its entity is written as (昇腾 → 升腾): if that text is a
    /// common word, the alias needs support.
    fold_changes: bool,
}

/// The loaded, merged and compiled alias tables.
#[derive(Debug, Clone)]
pub struct AliasTable {
    entities: Vec<Entity>,
    by_id: FxHashMap<String, u32>,
    compiled: Vec<Vec<CompiledAlias>>,
    by_key: FxHashMap<String, u32>,
    /// The first term of every key that starts with a non-Han term, with the
    /// trie node it leads to: a non-Han token that is not here starts no match.
    first_terms: FxHashMap<String, u32>,
    /// Turns away most tokens that are not first terms without hashing them.
    first_term_filter: QuickReject,
    key_aliases: Vec<Vec<AliasRef>>,
    trie: KeyTrie,
    /// Each entity's ancestors, parent first.
    ancestors: Vec<Vec<u32>>,
    /// Each entity's topics that are narrow enough to support (see
    /// `broad_topics` in data/matching.toml), as indices into one list.
    supporting_topics: Vec<Vec<u32>>,
    context_keys: Vec<Vec<String>>,
    warnings: Vec<TableProblem>,
}

impl AliasTable {
    /// The default table plus `extra` tables, later ones adding entities or
    /// replacing earlier entities with the same id.
    ///
    /// Fails with every error found; problems that do not stop matching
    /// (an alias that normalizes to nothing, an unmarked shared alias) are kept
    /// as [`Self::warnings`].
    pub fn load(extra: &[TableSource]) -> Result<AliasTable, Vec<TableProblem>> {
        let mut sources = TableSource::default_tables();
        sources.extend_from_slice(extra);
        Self::from_sources(&sources)
    }

    /// The default table plus the tables in `paths` (TOML, or JSON Lines by
    /// extension), later ones adding entities or replacing earlier entities
    /// with the same id: what `--aliases FILE` loads.
    ///
    /// Errors: [`crate::Error::Io`] for a file that cannot be read,
    /// [`crate::Error::AliasTable`] listing every problem of the tables as
    /// `file:line: message`.
    pub fn load_files<P: AsRef<std::path::Path>>(paths: &[P]) -> crate::Result<AliasTable> {
        let sources = paths
            .iter()
            .map(|path| TableSource::read(path.as_ref()))
            .collect::<crate::Result<Vec<_>>>()?;
        Self::load(&sources).map_err(crate::Error::AliasTable)
    }

    /// Builds a table from exactly `sources` (no default table).
    pub fn from_sources(sources: &[TableSource]) -> Result<AliasTable, Vec<TableProblem>> {
        let (entities, problems) = check::merge_and_check(sources);
        let (errors, warnings): (Vec<_>, Vec<_>) = problems
            .into_iter()
            .partition(|(s, _)| *s == Severity::Error);
        if !errors.is_empty() {
            return Err(errors.into_iter().map(|(_, p)| p).collect());
        }
        Ok(Self::compile(
            entities,
            warnings.into_iter().map(|(_, p)| p).collect(),
        ))
    }

    fn compile(entities: Vec<Entity>, warnings: Vec<TableProblem>) -> AliasTable {
        let by_id: FxHashMap<String, u32> = entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i as u32))
            .collect();
        let mut by_key: FxHashMap<String, u32> = FxHashMap::default();
        let mut key_aliases: Vec<Vec<AliasRef>> = Vec::new();
        let mut compiled = Vec::with_capacity(entities.len());
        for (e, entity) in entities.iter().enumerate() {
            let mut list = Vec::with_capacity(entity.aliases.len());
            let written: Vec<String> = entity
                .aliases
                .iter()
                .map(|a| normalize(&a.text).text().to_string())
                .collect();
            for (a, alias) in entity.aliases.iter().enumerate() {
                let normalized = &written[a];
                let folded = fold(normalized);
                let fold_changes = folded.as_ref() != normalized.as_str()
                    && !written.iter().any(|w| *w == folded.as_ref());
                if !alias.key.is_empty() {
                    let next = key_aliases.len() as u32;
                    let id = *by_key.entry(alias.key.clone()).or_insert(next);
                    if id == next {
                        key_aliases.push(Vec::new());
                    }
                    key_aliases[id as usize].push(AliasRef {
                        entity: e as u32,
                        alias: a as u32,
                    });
                }
                list.push(CompiledAlias {
                    normalized: exact_form(normalized, &alias.key),
                    form: alias.form.unwrap_or_else(|| inferred_form(entity, alias)),
                    fold_changes,
                    blockers: alias
                        .blockers
                        .iter()
                        .map(|b| fold(normalize(b).text()).to_lowercase())
                        .collect(),
                });
            }
            compiled.push(list);
        }
        let mut trie = KeyTrie::default();
        for (key, &id) in &by_key {
            trie.insert(key, id);
        }
        let first_terms: FxHashMap<String, u32> = by_key
            .keys()
            .filter(|k| !k.starts_with(is_unspaced))
            .map(|k| {
                let term = k
                    .split(|c: char| c == ' ' || is_unspaced(c))
                    .next()
                    .unwrap_or("");
                // A possessive marker is not part of the document's term.
                let term = term.strip_suffix("'s").unwrap_or(term);
                // A prefix of a key, so the walk succeeds.
                let node = trie.walk(KeyTrie::ROOT, term).expect("key prefix in trie");
                (term.to_string(), node)
            })
            .collect();
        let mut first_term_filter = QuickReject::default();
        for term in first_terms.keys() {
            first_term_filter.insert(term);
        }
        let parents: Vec<Option<u32>> = entities
            .iter()
            .map(|e| e.parent.as_ref().and_then(|p| by_id.get(p).copied()))
            .collect();
        let ancestors = (0..entities.len())
            .map(|e| {
                let mut chain = Vec::new();
                let mut current = parents[e];
                // Parent cycles are rejected when the table is checked; the
                // bound keeps this finite regardless.
                while let Some(p) = current
                    && chain.len() < entities.len()
                    && p as usize != e
                {
                    chain.push(p);
                    current = parents[p as usize];
                }
                chain
            })
            .collect();
        let broad = &crate::matching::rules::rules().broad_topics;
        let mut topic_ids: FxHashMap<&str, u32> = FxHashMap::default();
        let supporting_topics = entities
            .iter()
            .map(|e| {
                e.topics
                    .iter()
                    .filter(|t| !broad.contains(t.as_str()))
                    .map(|t| {
                        let next = topic_ids.len() as u32;
                        *topic_ids.entry(t.as_str()).or_insert(next)
                    })
                    .collect()
            })
            .collect();
        let context_keys = entities
            .iter()
            .map(|e| {
                e.context
                    .iter()
                    .map(|c| alias_key(c))
                    .filter(|k| !k.is_empty())
                    .collect()
            })
            .collect();
        AliasTable {
            entities,
            by_id,
            compiled,
            by_key,
            first_terms,
            first_term_filter,
            key_aliases,
            trie,
            ancestors,
            supporting_topics,
            context_keys,
            warnings,
        }
    }

    /// The form of alias `r`: as the table gives it, or inferred (see
    /// [`AliasForm`] and docs/aliases.md).
    pub fn form(&self, r: AliasRef) -> AliasForm {
        self.compiled[r.entity as usize][r.alias as usize].form
    }

    /// Whether folding to simplified Chinese turns alias `r` into a text no
    /// alias of its entity is written as (昇腾 → 升腾).
    pub(crate) fn fold_changes(&self, r: AliasRef) -> bool {
        self.compiled[r.entity as usize][r.alias as usize].fold_changes
    }

    /// The ancestors of `entity` (parent, its parent, ...), nearest first:
    /// the ids a mention of it also makes findable.
    pub fn ancestors(&self, entity: u32) -> &[u32] {
        &self.ancestors[entity as usize]
    }

    /// Every entity, in table order (default table first).
    pub fn entities(&self) -> &[Entity] {
        &self.entities
    }

    /// The entity with id `id`.
    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.by_id.get(id).map(|&i| &self.entities[i as usize])
    }

    /// The entity at `index`.
    pub fn entity_at(&self, index: u32) -> &Entity {
        &self.entities[index as usize]
    }

    /// The alias `r` refers to.
    pub fn alias(&self, r: AliasRef) -> &AliasEntry {
        &self.entities[r.entity as usize].aliases[r.alias as usize]
    }

    /// Problems that did not stop the table from loading.
    pub fn warnings(&self) -> &[TableProblem] {
        &self.warnings
    }

    /// The aliases whose key is `key`.
    pub fn aliases_with_key(&self, key: &str) -> &[AliasRef] {
        self.by_key
            .get(key)
            .map_or(&[], |&id| self.key_aliases[id as usize].as_slice())
    }

    /// Every key with its aliases (for suggestions).
    pub fn keys(&self) -> impl Iterator<Item = (&str, &[AliasRef])> {
        self.by_key
            .iter()
            .map(|(k, &id)| (k.as_str(), self.key_aliases[id as usize].as_slice()))
    }

    /// The aliases of the key that ends at trie node `key_id`.
    pub(crate) fn aliases_of_key_id(&self, key_id: u32) -> &[AliasRef] {
        &self.key_aliases[key_id as usize]
    }

    /// Han words of every alias and blocker: the Chinese segmenter's extra
    /// dictionary, so that names and blockers stay whole.
    pub fn dictionary_words(&self) -> Vec<String> {
        let mut words: Vec<String> = self
            .entities
            .iter()
            .flat_map(|e| e.aliases.iter())
            .flat_map(|a| std::iter::once(&a.text).chain(a.blockers.iter()))
            .flat_map(|text| han_runs(&fold(normalize(text).text())))
            .filter(|run| run.chars().count() >= 2)
            .collect();
        words.sort();
        words.dedup();
        words
    }

    /// Whether the text of `tokens[first..=last]` (a key match) satisfies the
    /// surface rules of alias `r`: exact case and blockers.
    pub(crate) fn surface_allows(
        &self,
        r: AliasRef,
        normalized: &str,
        start: usize,
        end: usize,
    ) -> bool {
        let alias = self.alias(r);
        let compiled = &self.compiled[r.entity as usize][r.alias as usize];
        if alias.case_exact && !same_text(&normalized[start..end], &compiled.normalized) {
            return false;
        }
        !compiled
            .blockers
            .iter()
            .any(|blocker| inside_blocker(normalized, start, end, blocker))
    }

    /// For a non-Han term that some key starts with, the trie node reached by
    /// walking it from the root; `None` for other non-Han terms, which start
    /// no match.
    #[inline]
    pub(crate) fn first_term_node(&self, term: &str) -> Option<u32> {
        if !self.first_term_filter.may_contain(term) {
            return None;
        }
        self.first_terms.get(term).copied()
    }

    pub(crate) fn trie(&self) -> &KeyTrie {
        &self.trie
    }

    pub(crate) fn context_keys(&self, entity: u32) -> &[String] {
        &self.context_keys[entity as usize]
    }

    /// Whether a confirmed mention of `other` supports an ambiguous mention of
    /// `entity` nearby: the same entity, an ancestor or descendant, an entity
    /// with a common ancestor (same parent, same country), or a shared topic
    /// that is not broad (politics, geo and the like say nothing about which
    /// country a text is about), or any shared topic between two entities
    /// that belong to nobody (two countries).
    pub(crate) fn related(&self, entity: u32, other: u32) -> bool {
        let (ours, theirs) = (self.ancestors(entity), self.ancestors(other));
        if entity == other
            || ours.contains(&other)
            || theirs.contains(&entity)
            || ours.iter().any(|a| theirs.contains(a))
        {
            return true;
        }
        let narrow = &self.supporting_topics;
        if narrow[entity as usize]
            .iter()
            .any(|t| narrow[other as usize].contains(t))
        {
            return true;
        }
        // Entities that belong to nobody (countries, international bodies)
        // still support each other through a broad topic: Turkey next to
        // Russia is the country. Whatever belongs to a country or an
        // organisation needs evidence about its owner.
        ours.is_empty()
            && theirs.is_empty()
            && self.entities[entity as usize]
                .topics
                .iter()
                .any(|t| self.entities[other as usize].topics.contains(t))
    }
}

/// The form of an alias the table gives none: a person's alias that is one
/// word of their (several-word) name is a short form (Hinton, Kamala); an
/// alias of one word, mostly capitals, is an acronym (IMF, DoD); anything
/// else is a full name.
fn inferred_form(entity: &Entity, alias: &AliasEntry) -> AliasForm {
    let one_word = !alias.key.is_empty() && !alias.key.contains(' ') && !alias.key.contains(is_han);
    if entity.kind == Kind::Person && one_word {
        let name_words: Vec<String> = entity.name.split_whitespace().map(alias_key).collect();
        if name_words.len() >= 2 && name_words.contains(&alias.key) {
            return AliasForm::Short;
        }
    }
    let letters = alias.text.chars().filter(|c| c.is_alphabetic()).count();
    let capitals = alias.text.chars().filter(|c| c.is_uppercase()).count();
    let acronym_shaped = alias
        .text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '&'));
    if one_word && acronym_shaped && capitals >= 2 && capitals * 2 > letters && letters <= 6 {
        return AliasForm::Acronym;
    }
    AliasForm::Full
}

/// The written form a `case = "exact"` alias is compared with: its
/// normalized text without a trailing possessive `'s` when its key dropped
/// one, since a token's span never holds it (McDonald's is matched on the
/// surface `McDonald`).
fn exact_form(normalized: &str, key: &str) -> String {
    match normalized
        .strip_suffix("'s")
        .or_else(|| normalized.strip_suffix("'S"))
    {
        Some(stripped) if !stripped.is_empty() && !key.ends_with("'s") => stripped.to_string(),
        _ => normalized.to_string(),
    }
}

/// Whether two normalized texts are the same, treating any whitespace as equal.
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let mut a = a.chars().map(|c| if c.is_whitespace() { ' ' } else { c });
    let mut b = b.chars().map(|c| if c.is_whitespace() { ' ' } else { c });
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (x, y) if x != y => return false,
            _ => {}
        }
    }
}

/// Whether an occurrence of `blocker` (lowercased) in `text` covers the byte
/// range `start..end`.
fn inside_blocker(text: &str, start: usize, end: usize, blocker: &str) -> bool {
    let from = floor_boundary(text, start.saturating_sub(blocker.len()));
    let to = ceil_boundary(text, (end + blocker.len()).min(text.len()));
    text[from..to].char_indices().any(|(offset, _)| {
        let at = from + offset;
        at <= start && starts_with_caseless(&text[at..], blocker).is_some_and(|len| at + len >= end)
    })
}

/// If `text` starts with `prefix` ignoring case and treating whitespace as
/// equal, the byte length of the matching part of `text`.
fn starts_with_caseless(text: &str, prefix: &str) -> Option<usize> {
    let mut wanted = prefix.chars().peekable();
    let mut used = 0;
    for c in text.chars() {
        if wanted.peek().is_none() {
            break;
        }
        if let Some(lower) = caseless_lower(c) {
            let want = wanted.next()?;
            if lower != want && !(lower.is_whitespace() && want.is_whitespace()) {
                return None;
            }
            used += c.len_utf8();
            continue;
        }
        for lower in c.to_lowercase() {
            let want = wanted.next()?;
            let equal = lower == want || (lower.is_whitespace() && want.is_whitespace());
            if !equal {
                return None;
            }
        }
        used += c.len_utf8();
    }
    wanted.peek().is_none().then_some(used)
}

/// The lowercase of `c` without a table search, for the characters most
/// text is made of: ASCII, and CJK punctuation, kana and ideographs, which
/// have no case. `None` for the others.
#[inline]
fn caseless_lower(c: char) -> Option<char> {
    if c.is_ascii() {
        Some(c.to_ascii_lowercase())
    } else if ('\u{3000}'..='\u{9FFF}').contains(&c) {
        Some(c)
    } else {
        None
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

fn han_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if is_han(c) {
            current.push(c);
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// The matching key of a name: normalized, folded to simplified Chinese,
/// segmented into terms like a document would be (text of the scripts
/// written without spaces, Han, kana, Thai, ..., kept whole), and joined
/// (see the module docs).
pub fn alias_key(name: &str) -> String {
    key_of(name, true)
}

/// The matching key of an alias in language `lang`: [`alias_key`], except
/// that Japanese names (`ja`, `ja-...`) are not folded to simplified Chinese,
/// because Japanese text is matched as written (東京 is not 东京 there).
pub fn alias_key_in(name: &str, lang: &str) -> String {
    key_of(name, !is_japanese_tag(lang))
}

/// Whether a language tag is Japanese.
pub fn is_japanese_tag(lang: &str) -> bool {
    lang == "ja" || lang.starts_with("ja-")
}

fn key_of(name: &str, fold_to_simplified: bool) -> String {
    let normalized = normalize(name);
    let folded = if fold_to_simplified {
        fold(normalized.text())
    } else {
        std::borrow::Cow::Borrowed(normalized.text())
    };
    let text: &str = &folded;
    let lower = text.to_ascii_lowercase();
    let mut tokens: Vec<Token<'_>> = Vec::new();
    let mut run_start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        let han = is_unspaced(c);
        let next_differs = chars.peek().is_none_or(|&(_, n)| is_unspaced(n) != han);
        if next_differs {
            let end = index + c.len_utf8();
            let run = &text[run_start..end];
            if han {
                tokens.push(Token {
                    term: run.into(),
                    start: run_start,
                    end,
                });
            } else {
                WordSegmenter.segment(run, &lower[run_start..end], run_start, &mut tokens);
            }
            run_start = end;
        }
    }
    let mut key = String::with_capacity(name.len());
    let mut previous: Option<char> = None;
    for (k, token) in tokens.iter().enumerate() {
        if k > 0 && possessive_gap(&text[tokens[k - 1].end..token.start]) {
            push_possessive(&mut key, &mut previous);
        }
        push_term(&mut key, &mut previous, &token.term);
    }
    key
}

/// Whether the text between two terms starts with a possessive `'s` that
/// the word segmenter dropped from the first (People's Republic).
pub(crate) fn possessive_gap(gap: &str) -> bool {
    let bytes = gap.as_bytes();
    matches!(bytes, [b'\'' | b'`', b's' | b'S', ..])
        && !bytes.get(2).is_some_and(|b| b.is_ascii_alphanumeric())
}

/// Appends the possessive marker `'s` to a key under construction: keys keep
/// it where a name has one inside (the Democratic People's Republic of
/// Korea), so that such a name matches through it and "ByteDance's Seed"
/// does not match "ByteDance Seed".
pub(crate) fn push_possessive(key: &mut String, previous: &mut Option<char>) {
    key.push_str("'s");
    *previous = Some('s');
}

/// Appends `term` to a key under construction, with a space when both the
/// previous term's last character and this term's first are not Han.
pub(crate) fn push_term(key: &mut String, previous: &mut Option<char>, term: &str) {
    let Some(first) = term.chars().next() else {
        return;
    };
    if needs_separator(*previous, first) {
        key.push(' ');
    }
    key.push_str(term);
    *previous = term.chars().next_back();
}

/// Whether a space separates a term ending in `previous` from one starting
/// with `first`: only between two characters of spaced scripts.
pub(crate) fn needs_separator(previous: Option<char>, first: char) -> bool {
    previous.is_some_and(|p| !is_unspaced(p) && !is_unspaced(first))
}

/// A set of strings reduced to one bit per hash of (first byte, last byte,
/// length): a clear bit says a string is certainly not in the set, for the
/// price of one multiplication, where a hash set would hash the whole string
/// and compare it. Nine in ten English tokens are turned away here.
#[derive(Debug, Clone)]
struct QuickReject {
    bits: Vec<u64>,
}

impl Default for QuickReject {
    fn default() -> Self {
        QuickReject {
            bits: vec![0; (1 << QuickReject::SLOT_BITS) / 64],
        }
    }
}

impl QuickReject {
    const SLOT_BITS: u32 = 16;

    #[inline]
    fn slot(s: &str) -> usize {
        let bytes = s.as_bytes();
        let first = u32::from(bytes.first().copied().unwrap_or(0));
        let last = u32::from(bytes.last().copied().unwrap_or(0));
        let length = bytes.len().min(0xFFFF) as u32;
        let mixed = (first | last << 8 | length << 16).wrapping_mul(0x9E37_79B1);
        (mixed >> (32 - Self::SLOT_BITS)) as usize
    }

    fn insert(&mut self, s: &str) {
        let slot = Self::slot(s);
        self.bits[slot / 64] |= 1 << (slot % 64);
    }

    #[inline]
    fn may_contain(&self, s: &str) -> bool {
        let slot = Self::slot(s);
        self.bits[slot / 64] & (1 << (slot % 64)) != 0
    }
}

/// A character trie over alias keys, walked term by term over a document.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyTrie {
    edges: FxHashMap<(u32, char), u32>,
    /// For each node, the id of the key ending there, or `NO_KEY`.
    terminal: Vec<u32>,
    /// The first characters of keys. Most Chinese tokens start no key, and
    /// this turns them away without hashing.
    first_chars: BmpSet,
}

const NO_KEY: u32 = u32::MAX;

impl KeyTrie {
    /// The root node.
    pub(crate) const ROOT: u32 = 0;

    fn insert(&mut self, key: &str, id: u32) {
        if self.terminal.is_empty() {
            self.terminal.push(NO_KEY);
        }
        if let Some(first) = key.chars().next() {
            self.first_chars.insert(first);
        }
        let mut node = Self::ROOT;
        for c in key.chars() {
            let next = self.terminal.len() as u32;
            node = *self.edges.entry((node, c)).or_insert(next);
            if node == next {
                self.terminal.push(NO_KEY);
            }
        }
        self.terminal[node as usize] = id;
    }

    /// Whether some key may start with `c` (always yes outside the BMP).
    pub(crate) fn may_start(&self, c: char) -> bool {
        self.first_chars.may_contain(c)
    }

    /// The node reached from `node` by `c`.
    pub(crate) fn step(&self, node: u32, c: char) -> Option<u32> {
        self.edges.get(&(node, c)).copied()
    }

    /// The node reached from `node` by every character of `s`.
    pub(crate) fn walk(&self, mut node: u32, s: &str) -> Option<u32> {
        for c in s.chars() {
            node = self.step(node, c)?;
        }
        Some(node)
    }

    /// The id of the key that ends at `node`, if one does.
    pub(crate) fn key_at(&self, node: u32) -> Option<u32> {
        self.terminal
            .get(node as usize)
            .copied()
            .filter(|&id| id != NO_KEY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_case_width_quotes_and_possessives() {
        assert_eq!(alias_key("Moonshot AI"), "moonshot ai");
        assert_eq!(alias_key("ＭＯＯＮＳＨＯＴ  ａｉ"), "moonshot ai");
        assert_eq!(alias_key("Kevin S. Xu"), "kevin s xu");
        assert_eq!(alias_key("U.S."), "us");
        assert_eq!(alias_key("China’s"), "china");
        assert_eq!(
            alias_key("Democratic People’s Republic of Korea"),
            "democratic people's republic of korea"
        );
        assert_eq!(alias_key("Lloyd`s of London"), "lloyd's of london");
        assert_eq!(alias_key("月之暗面"), "月之暗面");
        assert_eq!(alias_key("阿里 Qwen"), "阿里qwen");
        assert_eq!(alias_key("字節跳動"), "字节跳动");
        assert_eq!(alias_key(" !! "), "");
    }

    #[test]
    fn forms_are_inferred_for_surnames_and_acronyms() {
        let table = AliasTable::load(&[]).unwrap();
        let form_of = |id: &str, text: &str| {
            let e = table.by_id[id];
            let a = table.entities[e as usize]
                .aliases
                .iter()
                .position(|a| a.text == text)
                .unwrap_or_else(|| panic!("{id} has no alias {text}"));
            table.form(AliasRef {
                entity: e,
                alias: a as u32,
            })
        };
        assert_eq!(form_of("geoffrey-hinton", "Hinton"), AliasForm::Short);
        assert_eq!(form_of("kamala-harris", "Kamala"), AliasForm::Short);
        assert_eq!(
            form_of("geoffrey-hinton", "Geoffrey Hinton"),
            AliasForm::Full
        );
        assert_eq!(form_of("geoffrey-hinton", "辛顿"), AliasForm::Full);
        assert_eq!(form_of("deepseek", "DeepSeek"), AliasForm::Full);
        assert_eq!(form_of("imf", "IMF"), AliasForm::Acronym);
    }

    #[test]
    fn broad_topics_do_not_relate_entities_but_parents_and_narrow_topics_do() {
        let table = AliasTable::load(&[]).unwrap();
        let id = |id: &str| table.by_id[id];
        // Both "politics": no longer related.
        assert!(!table.related(id("us-supreme-court"), id("kamala-harris")));
        // Parent and sibling.
        assert!(table.related(id("us-treasury"), id("united-states")));
        assert!(table.related(id("us-treasury"), id("us-supreme-court")));
        // A narrow topic (ai).
        assert!(table.related(id("moonshot-ai"), id("deepseek")));
        assert_eq!(table.ancestors(id("kimi")), [id("moonshot-ai")]);
    }

    #[test]
    fn blockers_cover_matches_caselessly() {
        assert!(inside_blocker("eat apple pie now", 4, 9, "apple pie"));
        assert!(inside_blocker("Apple Pie", 0, 5, "apple pie"));
        assert!(!inside_blocker("Apple said pie", 0, 5, "apple pie"));
        assert!(inside_blocker("喝小米粥", 3, 9, "小米粥"));
        assert!(!inside_blocker("小米手机", 0, 6, "小米粥"));
    }

    #[test]
    fn exact_case_compares_whole_surfaces() {
        assert!(same_text("Dark Side\nof", "Dark Side of"));
        assert!(!same_text("us", "US"));
    }

    #[test]
    fn quick_reject_never_rejects_a_member() {
        let mut filter = QuickReject::default();
        let words = ["the", "deepseek", "u", "", "é", "moonshot", "a-b"];
        for word in words {
            filter.insert(word);
        }
        assert!(words.iter().all(|w| filter.may_contain(w)));
        let rejected = ["of", "and", "model", "said", "deepseeks", "thé"]
            .iter()
            .filter(|w| !filter.may_contain(w))
            .count();
        assert!(rejected >= 5, "{rejected}");
    }

    #[test]
    fn first_terms_lead_to_their_trie_nodes() {
        let table = AliasTable::load(&[]).unwrap();
        for (term, &node) in &table.first_terms {
            assert_eq!(table.trie.walk(KeyTrie::ROOT, term), Some(node), "{term}");
            assert_eq!(table.first_term_node(term), Some(node));
        }
        assert_eq!(table.first_term_node("zzzz-not-a-name"), None);
    }

    #[test]
    fn caseless_lowercase_agrees_with_unicode() {
        for c in ('\0'..='\u{7F}').chain('\u{3000}'..='\u{9FFF}') {
            let unicode: Vec<char> = c.to_lowercase().collect();
            assert_eq!(caseless_lower(c).map(|l| vec![l]), Some(unicode), "{c:?}");
        }
        assert_eq!(caseless_lower('Ä'), None);
    }

    #[test]
    fn first_characters_of_keys_may_start_a_key() {
        let mut trie = KeyTrie::default();
        trie.insert("月之暗面", 0);
        trie.insert("moonshot", 1);
        assert!(trie.may_start('月') && trie.may_start('m'));
        assert!(!trie.may_start('之') && !trie.may_start('的'));
        assert!(trie.may_start('\u{20000}'));
    }

    #[test]
    fn trie_walks_keys() {
        let mut trie = KeyTrie::default();
        trie.insert("moonshot ai", 0);
        trie.insert("moonshot", 1);
        let node = trie.walk(KeyTrie::ROOT, "moonshot").unwrap();
        assert_eq!(trie.key_at(node), Some(1));
        let node = trie.walk(node, " ai").unwrap();
        assert_eq!(trie.key_at(node), Some(0));
        assert!(trie.walk(KeyTrie::ROOT, "moon x").is_none());
    }
}
