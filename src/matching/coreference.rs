//! Surnames of the people a document names in full: "Gordon Brown ... Mr
//! Brown said".
//!
//! The alias table lists a person's bare surname only where news uses it
//! for that person in any document (Blair, Putin, with evidence rules); most
//! surnames are shared by many people or are everyday words (Brown,
//! Sullivan, Dean), and the table leaves them out. Inside one document that
//! names the person in full, a reader takes the bare surname to be that
//! person, and so does canon, unless the document gives a reason to doubt:
//!
//! * two people of the table with that surname are named in full;
//! * the surname follows another capitalised word that is neither a title
//!   nor a sentence opener somewhere in the document (Frank Brown,
//!   Newcastle Brown): someone or something else has the name here;
//! * the document writes the surname in lower case somewhere (may, jobs,
//!   page): it is an everyday word here, and only a title or role right
//!   before it (Mrs May, President Bush) makes it the name.
//!
//! An occurrence is taken only when it is written with a capital, no other
//! candidate of the table touches it (Brown University, The Hague, a short
//! form the evidence turned down), and no capitalised word follows it
//! (Brown Shipley). Names in spaced scripts only: a Chinese name's last part
//! (布朗 in 戈登·布朗) stands inside other words too often for a rule without
//! case.

use super::Mention;
use super::candidates::{Candidate, capitalised};
use super::context::{after_personal_title, word_after, word_before};
use super::rules::Rules;
use crate::aliases::{AliasTable, Kind};
use crate::script::is_unspaced;
use crate::segment::Token;

/// Fewest characters of a surname the rule takes: shorter last terms are
/// initials and suffixes (Jr, II) more often than names.
const MIN_SURNAME_CHARS: usize = 3;

/// The mentions of bare surnames of people that `candidates` (resolved and
/// vetoed) name in full, in text order: one token each, none touching a
/// candidate. Empty when the document names no person in full.
pub(super) fn surname_mentions(
    table: &AliasTable,
    rules: &Rules,
    text: &str,
    tokens: &[Token<'_>],
    candidates: &[Candidate],
) -> Vec<Mention> {
    let mut people = Surnames::default();
    for candidate in candidates {
        let Some(entity) = candidate.confirmed else {
            continue;
        };
        if candidate.vetoed
            || candidate.via_short
            || candidate.first == candidate.last
            || table.kind(entity) != Kind::Person
        {
            continue;
        }
        people.add(tokens[candidate.last].term.as_ref(), entity);
    }
    people.list.retain(|surname| surname.person.is_some());
    if people.list.is_empty() {
        return Vec::new();
    }
    // The tokens that are one of the surnames, in one pass over the
    // document: (token, surname). Most tokens leave at the length test.
    let lengths = people
        .list
        .iter()
        .fold(0u64, |bits, s| bits | 1 << s.term.len().min(63));
    let mut found: Vec<(usize, usize)> = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        let term = token.term.as_ref();
        if lengths & 1 << term.len().min(63) == 0 {
            continue;
        }
        if let Some(which) = people.list.iter().position(|s| s.term == term) {
            found.push((index, which));
        }
    }
    let touched = |index: usize| {
        candidates
            .iter()
            .any(|c| c.first <= index && index <= c.last)
    };
    let capital = |index: usize| {
        let token = &tokens[index];
        text[token.start..token.end].starts_with(char::is_uppercase)
    };
    // Surnames the document also writes in lower case, or after another
    // capitalised word (then doubted everywhere: someone else has it).
    for &(index, which) in &found {
        let surname = &mut people.list[which];
        if !capital(index) {
            surname.lower_case = true;
        } else if !touched(index)
            && word_before(text, tokens[index].start).is_some_and(|(_, word)| {
                capitalised(word) && !rules.before.contains(word) && !rules.common.contains(word)
            })
        {
            surname.person = None;
        }
    }
    let mut out = Vec::new();
    for &(index, which) in &found {
        let surname = &people.list[which];
        let Some(entity) = surname.person else {
            continue;
        };
        let token = &tokens[index];
        if !capital(index)
            || touched(index)
            || word_after(text, token.end).is_some_and(|(_, word)| capitalised(word))
            || (surname.lower_case && !after_title(rules, text, token.start))
        {
            continue;
        }
        out.push(Mention {
            entity,
            first_token: index,
            last_token: index,
            start: token.start,
            end: token.end,
        });
    }
    out
}

/// The surnames of the people a document names in full: a few per
/// document, looked up by a scan.
#[derive(Default)]
struct Surnames<'a> {
    list: Vec<Surname<'a>>,
}

/// One surname of [`Surnames`].
struct Surname<'a> {
    /// The surname as a term (lower case).
    term: &'a str,
    /// The person named in full with it; `None` once the document doubts
    /// it (two people, or another name that ends with it).
    person: Option<u32>,
    /// Whether the document writes it in lower case somewhere.
    lower_case: bool,
}

impl<'a> Surnames<'a> {
    /// Records that `entity` is named in full with the last term `term`:
    /// kept if it is a surname the rule takes (spaced script, letters only,
    /// [`MIN_SURNAME_CHARS`] or more); a second person with it doubts it.
    fn add(&mut self, term: &'a str, entity: u32) {
        if term.chars().count() < MIN_SURNAME_CHARS
            || !term.chars().all(char::is_alphabetic)
            || term.chars().any(is_unspaced)
        {
            return;
        }
        match self.list.iter_mut().find(|s| s.term == term) {
            Some(surname) if surname.person != Some(entity) => surname.person = None,
            Some(_) => {}
            None => self.list.push(Surname {
                term,
                person: Some(entity),
                lower_case: false,
            }),
        }
    }
}

/// Whether a title or role stands right before byte `start`: a personal
/// title (Mr, Mrs, Dr.) or a word of `before` (President, Chancellor).
fn after_title(rules: &Rules, text: &str, start: usize) -> bool {
    after_personal_title(rules, text, start)
        || word_before(text, start).is_some_and(|(_, word)| rules.before.contains(word))
}
