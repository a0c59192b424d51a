//! Resolving candidates to entities with the evidence the document holds.
//!
//! Each option of a candidate (an entity whose alias matched) needs one of:
//!
//! * nothing: a plain full name confirms its entity outright, unless two
//!   entities claim it (then support decides);
//! * support: an alias marked `needs = "support"`, or whose folded form is
//!   a common word (昇腾 folds to the verb 升腾), stands when a related entity
//!   is confirmed within [`SUPPORT_WINDOW`] tokens (ancestor, descendant,
//!   sibling, or a shared topic that is not broad), one of its context words
//!   is there, the same entity is confirmed anywhere in the document, or (a
//!   place in English) it stands in a list next to a confirmed mention of
//!   another place (`listed_beside_a_place`: London and Sydney); but
//!   never right after a place that is not one of its ancestors ("the UK
//!   Treasury", "Norway's Supreme Court"), unless it is a company or
//!   product of no place and no body of state after the place's possessive
//!   ("Spain's Iberia": the table does not say whose it is, so the place
//!   says nothing against it); an organisation's Chinese name is also
//!   supported by a company word right after it (松下公司: `company_word_after`);
//! * the full name: a short form (a person's surname or given name on its
//!   own) stands when the same entity is confirmed through a name that is
//!   not short, anywhere in the document (headlines come first, so
//!   "earlier" would miss "Putin backs ..." above "Vladimir Putin said"), or
//!   with support as above (Musk next to Tesla, Trump next to tariffs and
//!   the White House); a surname alone with neither is someone else's
//!   (the 2004 Hinton Lecture, UBS economist Maury Harris);
//! * the full name only: a person's alias that needs support or the full
//!   name, in a document that names one of its blockers that is another
//!   person of the name (a relative or namesake: "Auxillia Mnangagwa",
//!   "Kyrylo Tymoshenko"; not Harris Poll or Xi'an), stands only when
//!   the person is named in full in it: "the president" near a bare
//!   "Mnangagwa" then says nothing about which Mnangagwa is meant.
//!
//! When two entities claim a candidate and both have support, the one the
//! document confirms elsewhere wins (LSE after "the London Stock Exchange");
//! otherwise nothing is matched.
//!
//! Confirmations enable others, so resolution repeats until nothing changes.

use super::SUPPORT_WINDOW;
use super::candidates::{Candidate, Choice};
use super::context;
use super::rules::Rules;
use crate::aliases::{AliasForm, AliasRef, AliasTable, Kind, StrList, push_term};
use crate::script::is_unspaced;
use crate::segment::Token;
use rustc_hash::FxHashSet;
use std::cell::{OnceCell, RefCell};

/// What an option needs before its entity is confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Need {
    Nothing,
    Support,
    /// The full name anywhere, or support.
    FullName,
    /// The full name anywhere, support not enough: a person's alias that
    /// needs support, in a document that also names a relative or namesake
    /// listed among its blockers ("Auxillia Mnangagwa ... Mnangagwa").
    FullNameOnly,
}

/// The entities of a candidate's options, each with the least it needs:
/// inline up to two, as the options are ([`super::candidates::Options`]).
type Needs = smallvec::SmallVec<[(u32, Need); 2]>;

/// The options of one candidate, by entity, with the least each needs.
/// `namesake_named` answers whether a blocker of an alias that names
/// another person of the name occurs in the document
/// ([`AliasTable::namesake_named`]).
fn needs(
    table: &AliasTable,
    options: &[Choice],
    is_common_word: &dyn Fn(&str) -> bool,
    namesake_named: &mut dyn FnMut(AliasRef) -> bool,
) -> Needs {
    // Inline while the options name at most two entities, however many
    // options there are.
    let mut out = Needs::new();
    for &choice in options {
        let mut need = if choice.form() == AliasForm::Short {
            Need::FullName
        } else if choice.needs_support()
            || (choice.fold_changes() && is_common_word(table.alias_key_text(choice.alias)))
        {
            Need::Support
        } else {
            Need::Nothing
        };
        // Context words say a person of this office or country is meant,
        // not which of the family: once a relative or namesake is named,
        // only the person's own full name says it is them.
        if need != Need::Nothing
            && table.kind(choice.entity()) == Kind::Person
            && table.has_blockers(choice.alias)
            && namesake_named(choice.alias)
        {
            need = Need::FullNameOnly;
        }
        match out.iter_mut().find(|(e, _)| *e == choice.entity()) {
            Some((_, existing)) => *existing = (*existing).min(need),
            None => out.push((choice.entity(), need)),
        }
    }
    out.sort_unstable();
    out
}

/// Confirms the candidates the evidence allows (see the module documentation).
pub(super) fn resolve(
    table: &AliasTable,
    rules: &Rules,
    text: &str,
    tokens: &[Token<'_>],
    candidates: &mut [Candidate],
    is_common_word: &dyn Fn(&str) -> bool,
) {
    let mut pending: Vec<(usize, Needs)> = Vec::new();
    // A document names the same surname many times: each alias's blockers
    // are searched for once.
    let mut blocker_answers: Vec<(AliasRef, bool)> = Vec::new();
    let mut namesake_named = |alias: AliasRef| {
        if let Some(&(_, found)) = blocker_answers.iter().find(|(a, _)| *a == alias) {
            return found;
        }
        let found = table.namesake_named(alias, text);
        blocker_answers.push((alias, found));
        found
    };
    for (index, candidate) in candidates.iter_mut().enumerate() {
        // Confirmed already: this is a second resolution, after the names
        // inside an unconfirmed one were searched again.
        if candidate.vetoed || candidate.confirmed.is_some() {
            continue;
        }
        let choices = needs(
            table,
            &candidate.options,
            is_common_word,
            &mut namesake_named,
        );
        let plain = || {
            choices
                .iter()
                .filter(|(_, need)| *need == Need::Nothing)
                .map(|&(e, _)| e)
        };
        let mut entities = plain();
        match (entities.next(), entities.next()) {
            (Some(entity), None) => candidate.confirmed = Some(entity),
            (None, _) => pending.push((index, choices)),
            // Two entities claim the same plain alias: support decides.
            _ => {
                let supported = plain().map(|e| (e, Need::Support)).collect();
                pending.push((index, supported));
            }
        }
    }
    if pending.is_empty() {
        return;
    }
    // The windows of a pending candidate are read again at each round and
    // for each entity that claims it: joined once, on first use.
    let windows: Vec<OnceCell<Windows>> = (0..candidates.len()).map(|_| OnceCell::new()).collect();
    // The options of a pending candidate that have what they need, reused.
    let mut satisfied: Vec<(u32, Need)> = Vec::new();
    // What the document has confirmed before a round: every entity, and
    // those named by a name that is not short; and what they reach (which a
    // round grows with each confirmation in it, for the candidates after
    // it). Candidates are only ever confirmed here, never turned down, so
    // each round's sets are the last round's and its confirmations.
    let mut confirmed: FxHashSet<u32> = FxHashSet::default();
    let mut named_in_full: FxHashSet<u32> = FxHashSet::default();
    let mut reach = Reach::default();
    for c in candidates.iter().filter(|c| !c.vetoed) {
        if let Some(entity) = c.confirmed {
            confirmed.insert(entity);
            if !c.via_short {
                named_in_full.insert(entity);
            }
        }
    }
    for &entity in &confirmed {
        reach.add(table, entity);
    }
    // The confirmations of the round: (entity, named in full).
    let mut newly: Vec<(u32, bool)> = Vec::new();
    // Each round confirms at least one mention or stops, so this ends.
    loop {
        for (entity, in_full) in newly.drain(..) {
            confirmed.insert(entity);
            if in_full {
                named_in_full.insert(entity);
            }
        }
        let mut progressed = false;
        pending.retain(|(index, choices)| {
            let evidence = Evidence {
                table,
                rules,
                text,
                tokens,
                candidates,
                confirmed: &confirmed,
                reach: &reach,
                windows: &windows,
            };
            satisfied.clear();
            satisfied.extend(
                choices
                    .iter()
                    .copied()
                    .filter(|&(entity, need)| match need {
                        Need::Nothing => true,
                        Need::Support => evidence.supported(*index, entity),
                        Need::FullName => {
                            named_in_full.contains(&entity) || evidence.supported(*index, entity)
                        }
                        Need::FullNameOnly => named_in_full.contains(&entity),
                    }),
            );
            // Two entities with support: the one the document names
            // elsewhere wins over one that is only related to something
            // nearby (LSE after the London Stock Exchange, in a story that
            // also names the UK, which the school belongs to).
            let chosen = match satisfied[..] {
                [one] => Some(one),
                [] => None,
                _ => {
                    let mut named = satisfied.iter().filter(|(e, _)| confirmed.contains(e));
                    match (named.next(), named.next()) {
                        (Some(&one), None) => Some(one),
                        _ => None,
                    }
                }
            };
            if let Some((entity, need)) = chosen {
                // The sets above rely on it: only resolution confirms a
                // pending candidate, once.
                debug_assert!(candidates[*index].confirmed.is_none());
                candidates[*index].confirmed = Some(entity);
                candidates[*index].via_short = matches!(need, Need::FullName | Need::FullNameOnly);
                newly.push((entity, !candidates[*index].via_short));
                // Later candidates of this round see it in their window.
                reach.add(table, entity);
                progressed = true;
                false
            } else {
                true
            }
        });
        if !progressed || pending.is_empty() {
            break;
        }
    }
}

/// What a round of resolution knows.
struct Evidence<'a, 't, 'w> {
    table: &'a AliasTable,
    rules: &'a Rules,
    text: &'a str,
    tokens: &'w [Token<'t>],
    candidates: &'a [Candidate],
    /// Entities confirmed anywhere in the document (not vetoed).
    confirmed: &'a FxHashSet<u32>,
    /// What those entities can relate to.
    reach: &'a Reach,
    /// Per candidate, the terms before and after it within the support
    /// window ([`Windows`]).
    windows: &'a [OnceCell<Windows>],
}

/// What the entities confirmed in a document can relate to (see
/// [`AliasTable::related`]): themselves and their ancestors, and their
/// topics. An entity that shares none of these with them is related to no
/// confirmed mention, near or far, so the window around its candidate need
/// not be searched: in a table of a million names most everyday words that
/// are names need support (The, Man, Sea) and most such entities have no
/// parent and no topic, and searching the window for each of them cost as
/// much as the rest of matching. Filled before the first round of resolution
/// and grown with each confirmation.
#[derive(Default)]
struct Reach {
    /// Confirmed entities and their ancestors.
    entities: FxHashSet<u32>,
    /// Topics of confirmed entities.
    topics: FxHashSet<u32>,
}

impl Reach {
    /// Adds a confirmed entity.
    fn add(&mut self, table: &AliasTable, entity: u32) {
        self.entities.insert(entity);
        self.entities.extend(table.ancestors(entity));
        self.topics.extend(table.topic_ids(entity));
    }

    /// Whether some confirmed entity may be related to `entity`: false
    /// means none is (a necessary condition of [`AliasTable::related`]:
    /// the same entity, an ancestor or descendant, a common ancestor, or a
    /// shared topic).
    fn may_relate(&self, table: &AliasTable, entity: u32) -> bool {
        self.entities.contains(&entity)
            || table
                .ancestors(entity)
                .iter()
                .any(|a| self.entities.contains(a))
            || table
                .topic_ids(entity)
                .iter()
                .any(|t| self.topics.contains(t))
    }
}

impl Evidence<'_, '_, '_> {
    /// Whether the document supports `entity` for candidate `index`: the
    /// same entity confirmed anywhere, a related one within the window, or
    /// a context word within it; never after a place that is not its own
    /// ([`belongs_to_a_place`]).
    fn supported(&self, index: usize, entity: u32) -> bool {
        let (table, candidates) = (self.table, self.candidates);
        let candidate = &candidates[index];
        if let Some((place, possessive)) = place_in_front(table, self.text, candidates, index)
            && !table.ancestors(entity).contains(&place)
            && (!possessive || belongs_to_a_place(table, entity))
        {
            return false;
        }
        if self.confirmed.contains(&entity) {
            return true;
        }
        if table.kind(entity) == Kind::Org && company_word_after(self.rules, self.tokens, candidate)
        {
            return true;
        }
        if listed_beside_a_place(table, self.rules, self.text, candidates, index, entity) {
            return true;
        }
        // No topics, no context words, no ancestors (so no place of its
        // own: one in front turned it down above): only a mention of a
        // descendant nearby can support it, and only when some confirmed
        // entity has it as an ancestor. Most entities of a large table,
        // known by one bit instead of three reads far apart in it.
        if table.entity_isolated(entity) && !self.reach.entities.contains(&entity) {
            return false;
        }
        let context_nearby = || {
            // Most entities have no context words: no window to join.
            let context = table.context_keys(entity);
            !context.is_empty() && {
                let windows =
                    self.windows[index].get_or_init(|| Windows::of(self.tokens, candidate));
                windows.has_context_of(entity, context)
            }
        };
        if !self.reach.may_relate(table, entity) {
            return context_nearby();
        }
        // Candidates are in text order and do not overlap: the ones within
        // the window are a contiguous range.
        let from = candidates.partition_point(|c| c.last + SUPPORT_WINDOW < candidate.first);
        let to = candidates.partition_point(|c| c.first <= candidate.last + SUPPORT_WINDOW);
        let by_mention = candidates[from..to.max(from)].iter().any(|other| {
            !other.vetoed
                && other
                    .confirmed
                    .is_some_and(|confirmed| table.related(entity, confirmed))
        });
        by_mention || context_nearby()
    }
}

/// Whether a company word (`zh.company_words` of data/matching.toml: 公司,
/// 集团, 有限公司) follows `candidate` directly, as the whole rest of the
/// Chinese word the name ends in (松下公司 as one word) or as the next word,
/// with no determiner (`zh.determiners`: 一家, 这家, 该) right before the
/// name. Such a word says the name is a company's, which the name alone (松下
/// is a surname too) cannot. A word between (通用|航空公司, 大众|保险公司)
/// makes the company another's or a trade's, and a determiner makes the name
/// a description (一家|航空工业|公司, "an aviation-industry company").
fn company_word_after(rules: &Rules, tokens: &[Token<'_>], candidate: &Candidate) -> bool {
    let (first, last) = (&tokens[candidate.first], &tokens[candidate.last]);
    // Terms, not the text: company words are compared folded, as aliases
    // are (集團 is 集团), and folding keeps the byte length of Han text.
    let word = if candidate.end < last.end {
        last.term.get(candidate.end - last.start..)
    } else {
        tokens
            .get(candidate.last + 1)
            .filter(|next| next.start == last.end)
            .map(|next| next.term.as_ref())
    };
    let determined = candidate.start == first.start
        && candidate.first > 0
        && tokens[candidate.first - 1].end == first.start
        && rules
            .zh_determiners
            .contains(tokens[candidate.first - 1].term.as_ref());
    !determined && word.is_some_and(|word| rules.zh_company_words.iter().any(|w| w == word))
}

/// What joins the last two items of a list in English: "London and
/// Sydney", "Paris, Tokyo and Sydney", "London or Sydney". A comma alone is
/// no join: it also ends an opening phrase ("In Melbourne, Jordan scored");
/// nor is ", and", which also joins two clauses ("lost in Boston, and
/// Jordan scored").
const LIST_JOINS: [&str; 2] = [" and ", " or "];

/// Whether candidate `index`, a place in text written with spaces, stands
/// in a list right next to a confirmed mention of another place, joined by
/// "and" or "or" ([`LIST_JOINS`]): a list names things of one kind, so
/// "cities such as London and Sydney" make Sydney the city. Only when
/// `entity` is the candidate's only entity (Georgia after Ukraine may be the
/// country or the US state: the kind does not say which), and only when
/// both names stand as names of their own, with no capitalised word right
/// after either (Sydney Pollack, London Zoo, Chicago Bulls) and no
/// capitalised word or personal title right before the neighbour (in
/// "Whitney Houston and Sydney" Houston is a surname, vetoed only after
/// resolution). Not for people: a
/// surname next to another person ("Tony Blair and Cook") is anyone's, and
/// the full name decides. Not for companies: a list of airlines (Delta,
/// Continental and American) names airlines the table may lack, and kinds
/// do not tell industries apart (shared topics do, and support already
/// reads them). Not in Chinese: 小米和苹果 is also millet and apples.
fn listed_beside_a_place(
    table: &AliasTable,
    rules: &Rules,
    text: &str,
    candidates: &[Candidate],
    index: usize,
    entity: u32,
) -> bool {
    let candidate = &candidates[index];
    if table.kind(entity) != Kind::Place
        || text[candidate.start..].starts_with(is_unspaced)
        || candidate
            .options
            .iter()
            .any(|option| option.entity() != entity)
    {
        return false;
    }
    let joined = |first: &Candidate, second: &Candidate| {
        first.end <= second.start && LIST_JOINS.contains(&&text[first.end..second.start])
    };
    let previous = index
        .checked_sub(1)
        .map(|p| &candidates[p])
        .filter(|previous| joined(previous, candidate));
    let next = candidates
        .get(index + 1)
        .filter(|next| joined(candidate, next));
    // Most places that need support stand in no list: the words around
    // them are read only for one that does.
    if previous.is_none() && next.is_none() {
        return false;
    }
    let is_name_end = |at: usize| candidates.binary_search_by_key(&at, |c| c.end).is_ok();
    let is_name_start = |at: usize| candidates.binary_search_by_key(&at, |c| c.start).is_ok();
    // The name goes on into a longer one the table does not know.
    let goes_on = |c: &Candidate| context::name_after(rules, text, c.end, is_name_start);
    let stands_as_place = |other: &Candidate| {
        !other.vetoed
            && other
                .confirmed
                .is_some_and(|e| e != entity && table.kind(e) == Kind::Place)
            && !context::name_before(rules, text, other.start, is_name_end)
            && !context::after_personal_title(rules, text, other.start)
            && !goes_on(other)
    };
    !goes_on(candidate)
        && (previous.is_some_and(stands_as_place) || next.is_some_and(stands_as_place))
}

/// Whether a place's possessive right before `entity` can say that
/// another's is meant: a place itself, a person, anything with a place among
/// its ancestors (a country's institution: "Norway's Supreme Court" is not
/// the US one), and bodies of state and international bodies, told by a
/// topic of `no_division_topics` or a party's topic on the entity or an
/// ancestor ("Lebanon's Council of Ministers" is not the EU's, "Russia's
/// Security Council" not the UN's). A company or product the table gives no
/// country ("Spain's Iberia", "Italy's TIM") is only told where it is from:
/// the possessive says nothing against it, and its support is looked for as
/// anywhere else. (A place and a space before it still turn it down:
/// "SYRIA IS KEY" is a verb.)
fn belongs_to_a_place(table: &AliasTable, entity: u32) -> bool {
    if !matches!(table.kind(entity), Kind::Org | Kind::Product) {
        return true;
    }
    let rules = super::rules::rules();
    let of_state = |e: u32| {
        table
            .entity_at(e)
            .topics()
            .any(|topic| rules.is_state_topic(topic))
    };
    of_state(entity)
        || table
            .ancestors(entity)
            .iter()
            .any(|&a| table.kind(a) == Kind::Place || of_state(a))
}

/// The place confirmed right before candidate `index`, joined to it by a
/// space or a possessive (true): "UK" in "the UK Treasury", "Norway" in
/// "Norway's Supreme Court". Such a place says whose institution is meant.
fn place_in_front(
    table: &AliasTable,
    text: &str,
    candidates: &[Candidate],
    index: usize,
) -> Option<(u32, bool)> {
    let previous = candidates[..index].last()?;
    let place = previous.confirmed.filter(|_| !previous.vetoed)?;
    if table.kind(place) != Kind::Place {
        return None;
    }
    let gap = &text[previous.end..candidates[index].start];
    let possessive = gap.strip_prefix("'s");
    (possessive.unwrap_or(gap) == " ").then_some((place, possessive.is_some()))
}

/// The terms within [`SUPPORT_WINDOW`] tokens before and after a candidate
/// (outside the candidate itself), made on the first search for a context
/// word around it and kept for the rounds of resolution after.
struct Windows {
    /// Each side joined by [`window_key`].
    keys: [String; 2],
    /// The pairs of adjacent bytes in either key ([`BytePairs`]): a context
    /// word with a pair outside them stands in neither window, and is not
    /// searched for.
    pairs: BytePairs,
    /// What [`Windows::has_context_of`] answered, by entity: rounds of
    /// resolution ask again for a candidate still pending.
    answers: RefCell<Vec<(u32, bool)>>,
}

impl Windows {
    fn of(tokens: &[Token<'_>], candidate: &Candidate) -> Windows {
        let before = &tokens[candidate.first.saturating_sub(SUPPORT_WINDOW)..candidate.first];
        let after =
            &tokens[candidate.last + 1..(candidate.last + 1 + SUPPORT_WINDOW).min(tokens.len())];
        let keys = [window_key(before), window_key(after)];
        let mut pairs = BytePairs::default();
        for key in &keys {
            pairs.add(key.as_bytes());
        }
        Windows {
            keys,
            pairs,
            answers: RefCell::new(Vec::new()),
        }
    }

    /// Whether one of `entity`'s context words (keys), `context`, stands in
    /// the windows.
    fn has_context_of(&self, entity: u32, context: StrList<'_>) -> bool {
        if let Some(&(_, found)) = self.answers.borrow().iter().find(|(e, _)| *e == entity) {
            return found;
        }
        let found = context.iter().any(|word| {
            if !self.pairs.may_hold(word.as_bytes()) {
                return false;
            }
            let finder = finder(word);
            self.keys
                .iter()
                .any(|window| contains_term_sequence_with(window, word, &finder))
        });
        self.answers.borrow_mut().push((entity, found));
        found
    }
}

/// A set of byte pairs, hashed into 1,024 bits: the pairs of adjacent
/// bytes of a window's text, against which a context word is checked before
/// it is searched for. A word that occurs in the text has all its pairs in
/// the set; most context words of an entity stand nowhere near its
/// candidate, and a word of a few letters has some pair outside the few
/// hundred of a window. (Building a searcher for each context word of each
/// entity near each candidate was 1% of the CPU time on English news.)
#[derive(Default)]
struct BytePairs([u64; 16]);

impl BytePairs {
    /// The bit of the pair `a`, `b`: the top ten bits of a multiplicative
    /// hash.
    fn bit(a: u8, b: u8) -> usize {
        (u32::from(u16::from_le_bytes([a, b])).wrapping_mul(0x9E37_79B1) >> 22) as usize
    }

    /// Adds the pairs of adjacent bytes of `bytes`.
    fn add(&mut self, bytes: &[u8]) {
        for pair in bytes.windows(2) {
            let bit = Self::bit(pair[0], pair[1]);
            self.0[bit / 64] |= 1 << (bit % 64);
        }
    }

    /// Whether every pair of adjacent bytes of `bytes` is in the set: true
    /// where `bytes` occurs in what was added (and for fewer than two
    /// bytes), false for most other words.
    fn may_hold(&self, bytes: &[u8]) -> bool {
        bytes.windows(2).all(|pair| {
            let bit = Self::bit(pair[0], pair[1]);
            self.0[bit / 64] & (1 << (bit % 64)) != 0
        })
    }
}

/// The tokens joined like an alias key, with a space at both ends so that
/// whole-term containment is a plain substring test.
fn window_key(tokens: &[Token<'_>]) -> String {
    let terms: usize = tokens.iter().map(|t| t.term.len() + 1).sum();
    let mut key = String::with_capacity(terms + 2);
    key.push(' ');
    let mut previous = None;
    for token in tokens {
        push_term(&mut key, &mut previous, &token.term);
    }
    key.push(' ');
    key
}

/// [`contains_term_sequence_with`], building the searcher.
#[cfg(test)]
pub(super) fn contains_term_sequence(window: &str, word: &str) -> bool {
    contains_term_sequence_with(window, word, &finder(word))
}

/// A searcher for `word` in windows of a few hundred bytes, built once for
/// both windows of a candidate: without memchr's prefilter, whose set-up
/// (ranking the needle's bytes, a vector searcher for a rare pair) cost
/// more than the searches of such short windows it speeds up.
fn finder(word: &str) -> memchr::memmem::Finder<'_> {
    memchr::memmem::FinderBuilder::new()
        .prefilter(memchr::memmem::Prefilter::None)
        .build_forward(word.as_bytes())
}

/// Whether `word` (a key) occurs in `window` starting and ending on term
/// boundaries, found with `finder`, `word`'s searcher ([`finder`]); Han
/// text has a boundary between any two characters.
fn contains_term_sequence_with(
    window: &str,
    word: &str,
    finder: &memchr::memmem::Finder<'_>,
) -> bool {
    let boundary_before = |at: usize| {
        window[..at]
            .chars()
            .next_back()
            .is_none_or(|c| c == ' ' || crate::script::is_han(c))
            || word.starts_with(crate::script::is_han)
    };
    let boundary_after = |at: usize| {
        window[at..]
            .chars()
            .next()
            .is_none_or(|c| c == ' ' || crate::script::is_han(c))
            || word.ends_with(crate::script::is_han)
    };
    // Keys are never empty; an empty word would occur inside characters.
    !word.is_empty()
        && occurrences(window.as_bytes(), finder)
            .any(|at| boundary_before(at) && boundary_after(at + word.len()))
}

/// Where `finder`'s needle starts in `haystack`, left to right, overlapping
/// ones included: `memchr::memmem::find_iter`, used before, skips those, and
/// in `xab ab ab` found `ab ab` only where a term boundary fails. memchr's
/// searcher: the windows are a few hundred bytes, searched for each context
/// word of each entity that needs support (a search for the needle's first
/// byte and a compare cost more, tried: frequent letters start many).
fn occurrences<'h>(
    haystack: &'h [u8],
    finder: &'h memchr::memmem::Finder<'_>,
) -> impl Iterator<Item = usize> + 'h {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + finder.find(haystack.get(from..)?)?;
        from = at + 1;
        Some(at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `occurrences` finds every start of the needle, overlapping ones
    /// included (a naive search is the reference), over random haystacks
    /// and needles of a small alphabet (so that they repeat and overlap),
    /// some needles cut from the haystack.
    #[test]
    fn occurrences_are_every_start_of_the_needle() {
        let alphabet = ["a", "b", " ", "中", "ab"];
        let mut pick = crate::test_support::xorshift(0x2545_F491_4F6C_DD1D);
        let mut found = 0;
        for _ in 0..5_000 {
            let haystack: String = (0..pick(40)).map(|_| alphabet[pick(5)]).collect();
            let needle: String = if pick(2) == 0 && !haystack.is_empty() {
                let from = pick(haystack.len());
                let to = from + pick(haystack.len() - from + 1);
                String::from_utf8_lossy(&haystack.as_bytes()[from..to]).into_owned()
            } else {
                (0..1 + pick(4)).map(|_| alphabet[pick(5)]).collect()
            };
            let (h, n) = (haystack.as_bytes(), needle.as_bytes());
            let expected: Vec<usize> = (0..=h.len()).filter(|&at| h[at..].starts_with(n)).collect();
            let finder = finder(&needle);
            let got: Vec<usize> = occurrences(h, &finder).collect();
            assert_eq!(got, expected, "{needle:?} in {haystack:?}");
            found += got.len();
        }
        assert!(found > 5_000, "{found} occurrences");
    }

    /// The byte pairs of a text hold every word that occurs in it (random
    /// texts and words of a small alphabet, many cut from the text), and
    /// turn away most words of a real window that do not occur in it.
    #[test]
    fn byte_pairs_hold_every_word_of_the_text() {
        let alphabet = ["a", "b", " ", "中", "x", "é"];
        let mut pick = crate::test_support::xorshift(0x9E37_79B9_7F4A_7C15);
        let mut held = 0;
        for _ in 0..5_000 {
            let text: String = (0..pick(60)).map(|_| alphabet[pick(6)]).collect();
            let mut pairs = BytePairs::default();
            pairs.add(text.as_bytes());
            let word = if pick(2) == 0 && !text.is_empty() {
                let from = pick(text.len());
                let to = from + pick(text.len() - from + 1);
                text.as_bytes()[from..to].to_vec()
            } else {
                (0..1 + pick(5))
                    .flat_map(|_| alphabet[pick(6)].bytes())
                    .collect()
            };
            let occurs = text
                .as_bytes()
                .windows(word.len().max(1))
                .any(|w| w == word);
            if occurs {
                assert!(pairs.may_hold(&word), "{word:?} in {text:?}");
                held += 1;
            }
        }
        assert!(held > 1_000, "{held} words held");
        let window = " the prime minister said on tuesday that the talks in tbilisi would \
                      go on next week despite protests outside parliament ";
        let mut pairs = BytePairs::default();
        pairs.add(window.as_bytes());
        for word in ["tbilisi", "prime minister", "parliament", "the"] {
            assert!(pairs.may_hold(word.as_bytes()), "{word}");
        }
        let absent = [
            "atlanta", "peach", "savannah", "georgia", "kutaisi", "caucasus",
        ];
        let turned_away = absent
            .iter()
            .filter(|w| !pairs.may_hold(w.as_bytes()))
            .count();
        assert!(
            turned_away >= 5,
            "{turned_away} of {} absent words turned away",
            absent.len()
        );
    }

    /// A context word stands in a window where an overlapping occurrence
    /// of it sits on term boundaries and the first does not.
    #[test]
    fn a_context_word_is_found_where_it_overlaps_a_false_start() {
        assert!(contains_term_sequence(" xab ab ab ", "ab ab"));
        assert!(!contains_term_sequence(" xab abx ", "ab ab"));
        assert!(contains_term_sequence(" 中国中国 ", "国中"));
    }
}
