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
//!
//! Tables are used compiled ([`format`]): [`compile`] writes the form that
//! [`AliasTable`] reads in place, whether the bytes are embedded in a binary
//! (canon's built-in table, compiled by its `build.rs`), mapped from a
//! `.canonidx` file ([`AliasTable::open`]) or compiled in memory from TOML or
//! JSON Lines ([`AliasTable::from_sources`]).

pub mod ambiguity;
pub mod check;
mod cjk_edges;
pub mod compile;
pub mod error;
pub mod format;
pub mod load;
mod lookup;
pub mod rules;
pub mod segmenter;
mod table;
#[cfg(test)]
mod testing;
mod validate;

use std::fmt;

pub use check::{Severity, check_tables as check_sources, limits};
pub use error::{Error, Result};
pub use load::TableSource;
pub use lookup::{Lookup, LookupCandidate};
pub use segmenter::{DerivedWord, SegmenterOverlay, SegmenterWords};
pub use table::{
    AliasTable, AliasView, EntityView, FormatError, KeyNode, KeyTrie, StrList, form_of_flags,
    prefetch,
};

use canon_text::{normalize, script, segment};

use crate::normalize::chinese::fold;
use crate::normalize::normalize;
use crate::script::{is_han, is_unspaced};
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

/// What an alias with these evidence rules needs to match, for people: the
/// one wording of [`AliasEntry::requirements`] and of a compiled table's
/// alias views.
pub(crate) fn describe_requirements(
    case_exact: bool,
    needs_support: bool,
    has_blockers: bool,
) -> Vec<&'static str> {
    let mut needs = Vec::new();
    if case_exact {
        needs.push("exact case");
    }
    if needs_support {
        needs.push("support in the document");
    }
    if has_blockers {
        needs.push("not inside a blocker");
    }
    needs
}

impl AliasEntry {
    /// Whether the alias is marked as possibly a common word.
    pub fn is_marked_ambiguous(&self) -> bool {
        self.case_exact || self.needs_support
    }

    /// A short description of what the alias needs to match, for people.
    pub fn requirements(&self) -> Vec<&'static str> {
        describe_requirements(
            self.case_exact,
            self.needs_support,
            !self.blockers.is_empty(),
        )
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
///
/// Compiled tables store lists of these as pairs of `u32` and hand them out
/// as slices in place, hence the fixed layout.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    zerocopy::FromBytes,
    zerocopy::IntoBytes,
    zerocopy::KnownLayout,
    zerocopy::Immutable,
)]
#[repr(C)]
pub struct AliasRef {
    /// Index of the entity in [`AliasTable::entities`].
    pub entity: u32,
    /// Index of the alias in that entity's `aliases`.
    pub alias: u32,
}

impl AliasTable {
    /// The built-in table's sources (`data/aliases/*.toml`, embedded as
    /// text) plus `extra` tables, later ones adding entities or replacing
    /// earlier entities with the same id, parsed, checked and compiled in
    /// memory.
    ///
    /// This parses the whole built-in table (a fifth of a second); canon
    /// itself embeds the built-in table compiled (`canon::aliases::AliasTable`)
    /// and uses this only when user tables are given as TOML or JSON Lines.
    ///
    /// Fails with every error found; problems that do not stop matching
    /// (an alias that normalizes to nothing, an unmarked shared alias) are kept
    /// as [`Self::warnings`].
    pub fn load(extra: &[TableSource]) -> Result<AliasTable, Vec<TableProblem>> {
        let mut sources = TableSource::default_tables();
        sources.extend_from_slice(extra);
        Self::from_sources(&sources)
    }

    /// Builds a table from exactly `sources` (no built-in table), compiled in
    /// memory.
    pub fn from_sources(sources: &[TableSource]) -> Result<AliasTable, Vec<TableProblem>> {
        let builtin = sources.iter().any(TableSource::is_builtin);
        let bytes = compile_sources(
            sources,
            compile::Provenance {
                builtin,
                builtin_checksum: 0,
            },
        )?;
        Ok(AliasTable::from_vec(bytes).expect("a table just compiled is valid"))
    }
}

/// Parses, merges and checks `sources` (later ones replacing entities of
/// earlier ones by id) and compiles them: the bytes of a `.canonidx` file.
/// Fails with every error found.
pub fn compile_sources(
    sources: &[TableSource],
    provenance: compile::Provenance,
) -> Result<Vec<u8>, Vec<TableProblem>> {
    compile_sources_with(sources, provenance, None)
}

/// [`compile_sources`], storing what `segmenter` derives from the table's
/// dictionary words (see [`segmenter`]): what `canon alias compile` does,
/// which has the Chinese segmenter this crate lacks.
pub fn compile_sources_with(
    sources: &[TableSource],
    provenance: compile::Provenance,
    segmenter: Option<&segmenter::DeriveSegmenterWords<'_>>,
) -> Result<Vec<u8>, Vec<TableProblem>> {
    let (entities, problems) = check::merge_and_check(sources);
    let (errors, warnings): (Vec<_>, Vec<_>) = problems
        .into_iter()
        .partition(|(s, _)| *s == Severity::Error);
    if !errors.is_empty() {
        return Err(errors.into_iter().map(|(_, p)| p).collect());
    }
    let warnings: Vec<TableProblem> = warnings.into_iter().map(|(_, p)| p).collect();
    compile::compile(entities, &warnings, provenance, segmenter).map_err(|e| {
        vec![TableProblem {
            file: sources.last().map_or_else(String::new, |s| s.name.clone()),
            line: 1,
            message: e.to_string(),
        }]
    })
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
#[inline]
pub fn same_text(a: &str, b: &str) -> bool {
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
    if text.as_bytes()[from..to].is_ascii() && blocker.is_ascii() {
        return inside_ascii_blocker(text.as_bytes(), start, end, blocker.as_bytes());
    }
    if !blocker.is_empty() && blocker.chars().all(is_han) {
        return inside_han_blocker(text.as_bytes(), from, start, end, blocker.as_bytes());
    }
    text[from..to].char_indices().any(|(offset, _)| {
        let at = from + offset;
        at <= start && starts_with_caseless(&text[at..], blocker).is_some_and(|len| at + len >= end)
    })
}

/// The dots that join the parts of a transliterated name (格雷丝·穆加贝).
const NAME_DOTS: [char; 4] = ['·', '・', '‧', '•'];

/// Lower-case particles of names written in Latin letters (Turki al-Maliki,
/// Ursula von der Leyen), which stand between capitalised words.
const NAME_PARTICLES: [&str; 20] = [
    "al", "el", "bin", "ibn", "abu", "bint", "de", "van", "von", "da", "di", "le", "la", "du",
    "der", "den", "ter", "dos", "das", "del",
];

/// Whether `blocker` names another person who goes by `alias` (both as
/// written): a relative or namesake ("Grace Mugabe" for Mugabe,
/// "Turki al-Maliki" for Maliki, 格雷丝·穆加贝 for 穆加贝), not a place, body
/// or word that contains the alias (Harris Poll, Xi'an, Rabin Square,
/// 汪洋大海, 克里斯·墨菲 for 克里). Latin: the blocker ends with the alias
/// after a space or hyphen, and each word before it is capitalised or a
/// name particle. Han: the alias is one of the blocker's parts between
/// middle dots.
pub(crate) fn names_a_namesake(alias: &str, blocker: &str) -> bool {
    if alias.chars().any(is_han) {
        return blocker.contains(NAME_DOTS) && blocker.split(NAME_DOTS).any(|part| part == alias);
    }
    let blocker: Vec<char> = blocker.chars().collect();
    let alias: Vec<char> = alias.chars().collect();
    let Some(cut) = blocker.len().checked_sub(alias.len() + 1) else {
        return false;
    };
    let lower = |c: &char| c.to_lowercase().collect::<String>();
    let same_end = blocker[cut + 1..]
        .iter()
        .map(lower)
        .eq(alias.iter().map(lower));
    if !same_end || !matches!(blocker[cut], ' ' | '-') {
        return false;
    }
    let before: String = blocker[..cut].iter().collect();
    let mut words = before
        .split([' ', '-'])
        .filter(|w| !w.is_empty())
        .peekable();
    words.peek().is_some()
        && words.all(|w| {
            w.chars().next().is_some_and(char::is_uppercase) || NAME_PARTICLES.contains(&w)
        })
}

/// Whether `blocker` (lowercased) occurs anywhere in `text`, compared as
/// [`inside_blocker`] compares: ignoring case, any whitespace equal to any.
pub(crate) fn occurs_caseless(text: &str, blocker: &str) -> bool {
    let Some(first) = blocker.chars().next() else {
        return false;
    };
    if blocker.chars().all(is_han) {
        return text.contains(blocker);
    }
    // Only a character that may lowercase to the blocker's first one
    // starts a comparison: for ASCII, that is known from the byte.
    text.char_indices().any(|(at, c)| {
        (!c.is_ascii()
            || c.to_ascii_lowercase() == first
            || (c.is_whitespace() && first.is_whitespace()))
            && starts_with_caseless(&text[at..], blocker).is_some()
    })
}

/// [`inside_blocker`] where the text around the match and the blocker are
/// ASCII, so that case folding keeps byte offsets: an occurrence covering
/// the match holds the text's byte at `start` at some offset `k` of the
/// blocker, and only offsets whose byte agrees are tried, instead of every
/// position before the match (English blockers were 1,300 instructions a
/// call, a fifth of the exact-case check).
fn inside_ascii_blocker(text: &[u8], start: usize, end: usize, blocker: &[u8]) -> bool {
    // Whitespace as `char::is_whitespace` has it (vertical tab included),
    // as the general search compares.
    let space = |b: u8| char::from(b).is_whitespace();
    let same = |a: u8, b: u8| a.to_ascii_lowercase() == b || (space(a) && space(b));
    let Some(&at_start) = text.get(start) else {
        return false;
    };
    (0..blocker.len().min(start + 1)).any(|k| {
        let at = start - k;
        same(at_start, blocker[k])
            && at + blocker.len() >= end
            && text
                .get(at..at + blocker.len())
                .is_some_and(|window| window.iter().zip(blocker).all(|(&a, &b)| same(a, b)))
    })
}

/// [`inside_blocker`] for a blocker of Han characters (most Chinese ones),
/// starting no earlier than `from`: Han has no case and no whitespace, and
/// no other character lowercases to Han, so the caseless comparison is
/// byte equality, and a match of its bytes starts on a character (a Han
/// lead byte is no continuation byte).
fn inside_han_blocker(text: &[u8], from: usize, start: usize, end: usize, blocker: &[u8]) -> bool {
    (from..=start)
        .any(|at| at + blocker.len() >= end && text.get(at..at + blocker.len()) == Some(blocker))
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
#[inline]
pub fn possessive_gap(gap: &str) -> bool {
    let bytes = gap.as_bytes();
    matches!(bytes, [b'\'' | b'`', b's' | b'S', ..])
        && !bytes.get(2).is_some_and(|b| b.is_ascii_alphanumeric())
}

/// Appends the possessive marker `'s` to a key under construction: keys keep
/// it where a name has one inside (the Democratic People's Republic of
/// Korea), so that such a name matches through it and "ByteDance's Seed"
/// does not match "ByteDance Seed".
#[inline]
pub fn push_possessive(key: &mut String, previous: &mut Option<char>) {
    key.push_str("'s");
    *previous = Some('s');
}

/// Appends `term` to a key under construction, with a space when both the
/// previous term's last character and this term's first are not Han.
#[inline]
pub fn push_term(key: &mut String, previous: &mut Option<char>, term: &str) {
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
#[inline]
pub fn needs_separator(previous: Option<char>, first: char) -> bool {
    previous.is_some_and(|p| !is_unspaced(p) && !is_unspaced(first))
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
            let e = table.entity_index(id).unwrap();
            let a = table
                .entity_at(e)
                .aliases()
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
        let id = |id: &str| table.entity_index(id).unwrap();
        // Both "politics": no longer related.
        assert!(!table.related(id("us-supreme-court"), id("kamala-harris")));
        // Parent and sibling.
        assert!(table.related(id("us-treasury"), id("united-states")));
        assert!(table.related(id("us-treasury"), id("us-supreme-court")));
        // A narrow topic (ai).
        assert!(table.related(id("moonshot-ai"), id("deepseek")));
        assert_eq!(table.ancestors(id("kimi")), [id("moonshot-ai")]);
    }

    /// [`inside_blocker`]'s general path, forced: the caseless search at
    /// every character position.
    fn general(text: &str, start: usize, end: usize, blocker: &str) -> bool {
        let from = floor_boundary(text, start.saturating_sub(blocker.len()));
        let to = ceil_boundary(text, (end + blocker.len()).min(text.len()));
        text[from..to].char_indices().any(|(offset, _)| {
            let at = from + offset;
            at <= start
                && starts_with_caseless(&text[at..], blocker).is_some_and(|len| at + len >= end)
        })
    }

    #[test]
    fn the_ascii_blocker_path_agrees_with_the_general_one() {
        // Texts and blockers over a small alphabet (case, five kinds of
        // whitespace, the vertical tab among them), so that near misses and
        // repeats are frequent.
        let alphabet = b"abAB \n\t\x0b\r";
        let mut random = crate::testing::XorShift::new(0x2545_f491_4f6c_dd1d);
        let mut next = |n: usize| random.below(n);
        for _ in 0..20_000 {
            let text: String = (0..1 + next(12))
                .map(|_| alphabet[next(alphabet.len())] as char)
                .collect();
            let blocker: String = (0..1 + next(6))
                .map(|_| alphabet[next(alphabet.len())].to_ascii_lowercase() as char)
                .collect();
            let start = next(text.len());
            let end = start + 1 + next(text.len() - start);
            assert_eq!(
                inside_ascii_blocker(text.as_bytes(), start, end, blocker.as_bytes()),
                general(&text, start, end, &blocker),
                "{text:?} {start}..{end} {blocker:?}"
            );
        }
    }

    #[test]
    fn the_han_blocker_path_agrees_with_the_general_one() {
        // Han with case, width and whitespace around it, so that near misses
        // and repeats are frequent.
        let text_alphabet = ["小", "米", "粥", "苹", "a", "A", " ", "\n", "é", "Ａ", "𠀀"];
        let han = ["小", "米", "粥", "苹", "𠀀"];
        let mut random = crate::testing::XorShift::new(0x9e37_79b9_7f4a_7c15);
        let mut checked = 0;
        for _ in 0..20_000 {
            let text: String = (0..1 + random.below(10))
                .map(|_| text_alphabet[random.below(text_alphabet.len())])
                .collect();
            let blocker: String = (0..1 + random.below(4))
                .map(|_| han[random.below(han.len())])
                .collect();
            let bounds: Vec<usize> = text.char_indices().map(|(at, _)| at).collect();
            let start = bounds[random.below(bounds.len())];
            let ends: Vec<usize> = text
                .char_indices()
                .map(|(at, c)| at + c.len_utf8())
                .filter(|&e| e > start)
                .collect();
            let end = ends[random.below(ends.len())];
            let found = general(&text, start, end, &blocker);
            assert_eq!(
                inside_blocker(&text, start, end, &blocker),
                found,
                "{text:?} {start}..{end} {blocker:?}"
            );
            checked += usize::from(found);
        }
        assert!(checked > 200, "{checked} blocked");
    }

    #[test]
    fn namesakes_are_other_people_of_the_name_not_what_contains_it() {
        for (alias, blocker) in [
            ("Mugabe", "Grace Mugabe"),
            ("Maliki", "Turki al-Maliki"),
            ("al-Maliki", "Turki al-Maliki"),
            ("Zuma", "Dlamini-Zuma"),
            ("Talabani", "Lahur Sheikh Jangi Talabani"),
            ("穆加贝", "格雷丝·穆加贝"),
            ("萨达姆", "萨达姆·哈夫塔尔"),
        ] {
            assert!(names_a_namesake(alias, blocker), "{blocker} for {alias}");
        }
        for (alias, blocker) in [
            ("Harris", "Harris Poll"),
            ("Harris", "Harris County"),
            ("Xi", "Xi'an"),
            ("Rabin", "Rabin Square"),
            ("Cook", "Cook Islands"),
            ("Mubarak", "Mubarak Al-Kabeer"),
            ("Abu Alaa", "Abu Alaa al-Walai"),
            ("Bush", "the Bush administration"),
            ("Mugabe", "Mugabe"),
            ("汪洋", "汪洋大海"),
            ("克里", "克里斯·墨菲"),
            ("特拉斯", "斯特拉斯堡"),
        ] {
            assert!(!names_a_namesake(alias, blocker), "{blocker} for {alias}");
        }
    }

    #[test]
    fn blockers_occur_anywhere_caselessly() {
        assert!(occurs_caseless(
            "Zimbabwe's first lady AUXILLIA Mnangagwa said",
            "auxillia mnangagwa"
        ));
        assert!(occurs_caseless(
            "İstanbul'da Auxillia\nMnangagwa",
            "auxillia mnangagwa"
        ));
        assert!(!occurs_caseless(
            "Auxillia said Mnangagwa",
            "auxillia mnangagwa"
        ));
        assert!(occurs_caseless("他说格雷丝·穆加贝出席", "格雷丝·穆加贝"));
        assert!(!occurs_caseless("穆加贝出席", "格雷丝·穆加贝"));
        assert!(!occurs_caseless("anything", ""));
        // Agrees with the covering test wherever the blocker stands.
        for text in [
            "eat apple pie now",
            "Apple Pie",
            "eat Apple\nPIE",
            "apple pi",
        ] {
            let found = (0..text.len()).any(|start| {
                text.is_char_boundary(start)
                    && (start..=text.len())
                        .filter(|&end| text.is_char_boundary(end) && end > start)
                        .any(|end| inside_blocker(text, start, end, "apple pie"))
            });
            assert_eq!(occurs_caseless(text, "apple pie"), found, "{text}");
        }
    }

    #[test]
    fn blockers_cover_matches_caselessly() {
        assert!(inside_blocker("eat apple pie now", 4, 9, "apple pie"));
        assert!(inside_blocker("eat Apple\nPIE now", 4, 9, "apple pie"));
        assert!(!inside_blocker("eat apple pi", 4, 9, "apple pie"));
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
    fn caseless_lowercase_agrees_with_unicode() {
        for c in ('\0'..='\u{7F}').chain('\u{3000}'..='\u{9FFF}') {
            let unicode: Vec<char> = c.to_lowercase().collect();
            assert_eq!(caseless_lower(c).map(|l| vec![l]), Some(unicode), "{c:?}");
        }
        assert_eq!(caseless_lower('Ä'), None);
    }
}
