//! Surnames of the people a document names in full: "Gordon Brown ... Mr
//! Brown said".
//!
//! The alias table lists a person's bare surname only where news uses it
//! for that person in any document (Blair, Putin, with evidence rules); most
//! surnames are shared by many people or are everyday words (Brown,
//! Sullivan, Snow), and the table leaves them out. Inside one document that
//! names the person in full, a reader takes the bare surname to be that
//! person, and so does canon, within limits:
//!
//! * A full name is a person's multi-word match outside page furniture,
//!   confirmed by the evidence, that starts with no title (Prince Charles,
//!   Lord Rose, President Jiang say nothing of a surname); its last word is
//!   the surname: letters (and apostrophes: O'Leary), three or more, not a
//!   suffix (Jr, III), not a father's name after bin or ben. People with a
//!   Chinese, Japanese or Korean name of their own in the table (and none
//!   spelt out from another language, as 戈登·布朗 is) are left out: their
//!   English names put the family name first (Wang Yi, Lee Jae-myung) or
//!   are read both ways.
//! * The document doubts a surname, and then none of its bare occurrences
//!   is taken, when two people of the table with it are named, when another
//!   person's name of the table holds it anywhere (Peter Lynch beside Mike
//!   Lynch, whether or not that name was confirmed; Wang in Wang Yi), or
//!   when it follows another capitalised word or an initial that is no
//!   title, office or sentence opener anywhere (Frank Brown, John F.
//!   Kennedy, Prince George, Newcastle Brown) or is followed by one that is
//!   no organisation, place or office word (Wang Jian, beside Alexandr
//!   Wang; not Gates Foundation), or when a word for a relative stands near
//!   it (Gordon Brown and his wife Sarah ... Mrs Brown; Ed and David
//!   Miliband, the Miliband brothers).
//! * An occurrence is taken when it is written with a capital, no candidate
//!   of the table touches it (Brown University, The Hague, a short form the
//!   evidence turned down), and no capitalised word or ampersand follows it
//!   (Brown Shipley, Sullivan & Cromwell). It needs a title or office right
//!   before it (Mr Brown, President Castro, Mrs May) when the surname is
//!   also an everyday word (wordfreq Zipf from `surname_word_zipf` in
//!   data/matching.toml: may, page, brown, snow), when the document writes
//!   it in lower case, or when a possessive and a capitalised word follow
//!   it (King's Cross).
//!
//! English documents only: German capitalises every noun (die Fischer, the
//! fishermen) and French writes titles in lower case (le roi Philippe).
//! Names in spaced scripts only: a Chinese name's last part (布朗 in 戈登·布朗)
//! stands inside other words too often for a rule without case.

use super::Mention;
use super::candidates::{Candidate, capitalised};
use super::context::after_personal_title;
use super::rules::Rules;
use crate::aliases::{AliasTable, Kind};
use crate::script::{is_han, is_unspaced};
use crate::segment::{Token, korean};
use canon_table::ambiguity::english_zipf_frequency;

/// Fewest characters of a surname the rule takes: shorter last terms are
/// initials and suffixes (Jr, II) more often than names.
const MIN_SURNAME_CHARS: usize = 3;

/// How many words before and after a surname are read for a word for a
/// relative (`kin_words` in data/matching.toml): "his wife Sarah" after
/// "Gordon Brown and", "her husband Philip" after "Theresa May arrived
/// with".
const KIN_BEFORE: usize = 3;
const KIN_AFTER: usize = 6;

/// The mentions of bare surnames of people that `candidates` (resolved and
/// vetoed, in text order, not overlapping) name in full, in text order: one
/// token each, none touching a candidate. `is_furniture` says whether a
/// byte offset lies in page furniture, which neither names nor doubts
/// anyone here. Empty when the document names no person in full.
pub(super) fn surname_mentions(
    table: &AliasTable,
    rules: &Rules,
    text: &str,
    tokens: &[Token<'_>],
    candidates: &[Candidate],
    is_furniture: &dyn Fn(usize) -> bool,
) -> Vec<Mention> {
    let mut people = Surnames::default();
    // People already read (a person is named in full many times), with
    // whether their names are in the order the rule reads.
    let mut seen: Vec<(u32, bool)> = Vec::new();
    for candidate in candidates {
        let Some(entity) = candidate.confirmed else {
            continue;
        };
        if !full_name(rules, text, tokens, candidate) || table.kind(entity) != Kind::Person {
            continue;
        }
        let western = match seen.iter().find(|&&(e, _)| e == entity) {
            Some(&(_, western)) => western,
            None => {
                let western = western_order(table, entity);
                seen.push((entity, western));
                western
            }
        };
        if western && !is_furniture(candidate.start) {
            people.add(rules, tokens, candidate, entity);
        }
    }
    if people.list.is_empty() {
        return Vec::new();
    }
    // Another person's name of the table that holds a surname, confirmed
    // or not (Peter Lynch beside Mike Lynch, Wang Yi beside Alexandr Wang).
    for candidate in candidates {
        if candidate.first == candidate.last || is_furniture(candidate.start) {
            continue;
        }
        let mut persons = candidate
            .confirmed
            .into_iter()
            .chain(candidate.options.iter().map(|c| c.entity()))
            .filter(|&e| table.kind(e) == Kind::Person);
        let Some(person) = persons.next() else {
            continue;
        };
        for token in &tokens[candidate.first..=candidate.last] {
            if let Some(surname) = people.find_mut(&token.term)
                && surname.person != Some(person)
            {
                surname.person = None;
            }
        }
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
        if lengths & 1 << term.len().min(63) != 0
            && let Some(which) = people.list.iter().position(|s| s.term == term)
            && !is_furniture(token.start)
        {
            found.push((index, which));
        }
    }
    let touched = |index: usize| {
        // Candidates are in text order and do not overlap.
        let after = candidates.partition_point(|c| c.first <= index);
        after > 0 && candidates[after - 1].last >= index
    };
    let capital = |index: usize| {
        let token = &tokens[index];
        text[token.start..token.end].starts_with(char::is_uppercase)
    };
    // Relatives named near a surname: in full or bare.
    let kin_near = |first: usize, last: usize| {
        tokens[first.saturating_sub(KIN_BEFORE)..tokens.len().min(last + 1 + KIN_AFTER)]
            .iter()
            .any(|t| rules.kin_words.contains(t.term.as_ref()))
    };
    for candidate in candidates {
        if let Some(surname) = people.find_mut(&tokens[candidate.last].term)
            && surname.person.is_some()
            && candidate.confirmed == surname.person
            && !is_furniture(candidate.start)
            && kin_near(candidate.first, candidate.last)
        {
            surname.person = None;
        }
    }
    for &(index, which) in &found {
        let surname = &mut people.list[which];
        if !capital(index) {
            surname.lower_case = true;
        } else if (!touched(index)
            && (other_name_before(rules, text, tokens, index)
                || other_name_after(rules, text, tokens, index)))
            || kin_near(index, index)
        {
            surname.person = None;
        }
    }
    let mut out = Vec::new();
    for &(index, which) in &found {
        let surname = &mut people.list[which];
        let Some(entity) = surname.person else {
            continue;
        };
        if !capital(index) || touched(index) {
            continue;
        }
        let token = &tokens[index];
        let (possessive, next) = word_after_possessive(text, token.end);
        if next.is_some_and(|word| capitalised(word) && !possessive)
            || text[token.end..].trim_start().starts_with('&')
        {
            continue;
        }
        // The word list is read last, once per surname: a binary search.
        if !after_title(rules, text, tokens, index)
            && (surname.lower_case
                || next.is_some_and(|word| capitalised(word) && possessive)
                || *surname.everyday_word.get_or_insert_with(|| {
                    english_zipf_frequency(surname.term) >= rules.surname_word_zipf
                }))
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

/// Whether `candidate` names someone in full in a way the surname rule
/// reads: several tokens, no short form, not turned down, no title first.
fn full_name(rules: &Rules, text: &str, tokens: &[Token<'_>], candidate: &Candidate) -> bool {
    // Most multi-word matches of Chinese text leave at the first test.
    let spaced = |c: char| c.is_alphabetic() && !is_unspaced(c);
    if !tokens[candidate.last].term.starts_with(spaced)
        || candidate.vetoed
        || candidate.via_short
        || candidate.first == candidate.last
    {
        return false;
    }
    let first = &tokens[candidate.first];
    let word = &text[first.start..first.end];
    !is_title(rules, word) && !rules.before.contains(word)
}

/// Whether the person `entity` has no name of their own in Chinese,
/// Japanese or Korean script in the table, or also one spelt out from
/// another language: else their English names put the family name first
/// (Wang Yi, Lee Jae-myung) or are read both ways.
fn western_order(table: &AliasTable, entity: u32) -> bool {
    // A name of one's own in these scripts, and none spelt out from another
    // language (戈登·布朗 beside Gordon Brown's Hong Kong name 白高敦; 卢拉 is
    // only Lula's short form). The texts alone are read: the rest of an
    // alias lies elsewhere in the table.
    let (mut native, mut spelt) = (false, false);
    for alias in table.alias_texts(entity) {
        if !alias.chars().any(east_asian_letter) {
            continue;
        }
        native |= native_east_asian(alias);
        spelt |= alias.contains(['·', '・', '•', ' ']);
    }
    !native || spelt
}

/// Whether `c` is a Han, kana or Hangul letter.
fn east_asian_letter(c: char) -> bool {
    is_han(c) || is_unspaced(c) || korean::is_syllable(c)
}

/// Whether `name` is written as a Chinese, Japanese or Korean person's own
/// name is: two to four Han, kana or Hangul characters, with no middle dot
/// or space between given name and surname (汪滔, 이재용, 岩田聡; not
/// 戈登·布朗 or 빌 게이츠).
fn native_east_asian(name: &str) -> bool {
    let count = name.chars().count();
    (2..=4).contains(&count) && name.chars().all(east_asian_letter)
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
    /// it.
    person: Option<u32>,
    /// Whether the document writes it in lower case somewhere.
    lower_case: bool,
    /// Whether it is also an everyday English word: read from the word
    /// list once, when an occurrence without a title first asks.
    everyday_word: Option<bool>,
}

impl<'a> Surnames<'a> {
    /// Records the surname of `candidate`, a full name of `entity`: its last
    /// term, if that is a surname the rule takes (letters and apostrophes,
    /// [`MIN_SURNAME_CHARS`] or more, no suffix, no father's name); a second
    /// person with it doubts it.
    fn add(&mut self, rules: &Rules, tokens: &'a [Token<'_>], candidate: &Candidate, entity: u32) {
        let term = tokens[candidate.last].term.as_ref();
        // A particle first is a given name (Ben Wallace).
        let before = (candidate.last - 1 > candidate.first)
            .then(|| tokens[candidate.last - 1].term.as_ref());
        if term.chars().filter(|c| c.is_alphabetic()).count() < MIN_SURNAME_CHARS
            || !term.chars().all(|c| c.is_alphabetic() || c == '\'')
            || term.chars().any(is_unspaced)
            || rules.surname_suffixes.contains(term)
            || before.is_some_and(|b| rules.patronymic_particles.contains(b))
        {
            return;
        }
        match self.find_mut(term) {
            Some(surname) if surname.person != Some(entity) => surname.person = None,
            Some(_) => {}
            None => self.list.push(Surname {
                term,
                person: Some(entity),
                lower_case: false,
                everyday_word: None,
            }),
        }
    }

    fn find_mut(&mut self, term: &str) -> Option<&mut Surname<'a>> {
        self.list.iter_mut().find(|s| s.term == term)
    }
}

/// Whether `word`, as written, is a personal title or an office that may
/// stand before a bare surname (Mr, Dr, President).
fn is_title(rules: &Rules, word: &str) -> bool {
    rules.personal_titles.contains(word) || rules.office_titles.contains(word)
}

/// Whether a title or office stands right before token `index`: a personal
/// title (Mr, Mrs, Dr.) or an office (President, Chancellor), with white
/// space between.
fn after_title(rules: &Rules, text: &str, tokens: &[Token<'_>], index: usize) -> bool {
    after_personal_title(rules, text, tokens[index].start)
        || previous_word(rules, text, tokens, index).is_some_and(|(word, _)| is_title(rules, word))
}

/// Whether another name ends right before token `index`: a capitalised
/// word, or an initial and its full stop (John F. Kennedy), with only white
/// space between (line breaks too), that is no title, office or sentence
/// opener.
fn other_name_before(rules: &Rules, text: &str, tokens: &[Token<'_>], index: usize) -> bool {
    previous_word(rules, text, tokens, index).is_some_and(|(word, initial)| {
        initial || (capitalised(word) && !is_title(rules, word) && !rules.common.contains(word))
    })
}

/// Whether another name goes on right after token `index`, which is no
/// possessive: a capitalised word follows it with only white space between
/// (Wang Jian, Brown Sugar)
/// that is no organisation or place word (`continuations`: Sullivan
/// Partners, Gates Foundation name the person's firm or foundation) and no
/// office or role (`roles`).
fn other_name_after(rules: &Rules, text: &str, tokens: &[Token<'_>], index: usize) -> bool {
    let Some(next) = tokens.get(index + 1) else {
        return false;
    };
    let gap = &text[tokens[index].end..next.start];
    let word = &text[next.start..next.end];
    // A possessive is the person's own (Mr Sullivan's Budget), or a place
    // named after someone (King's Cross), which only that occurrence
    // leaves out.
    let own = &text[tokens[index].start..tokens[index].end];
    !own.ends_with("'s")
        && !own.ends_with("’s")
        && !gap.is_empty()
        && gap.chars().all(char::is_whitespace)
        && capitalised(word)
        && !rules.continuations.contains(word)
        && !rules.roles.contains(word)
        && !rules.common.contains(word)
}

/// The word of the token before token `index` as written, when only white
/// space stands between them (then `false`), or a full stop and white
/// space after an initial (a single capital letter: then `true`) or after a
/// title (Dr.); after any other word a full stop ends a sentence.
fn previous_word<'t>(
    rules: &Rules,
    text: &'t str,
    tokens: &[Token<'_>],
    index: usize,
) -> Option<(&'t str, bool)> {
    let previous = tokens.get(index.checked_sub(1)?)?;
    let word = &text[previous.start..previous.end];
    let gap = &text[previous.end..tokens[index].start];
    if !gap.is_empty() && gap.chars().all(char::is_whitespace) {
        return Some((word, false));
    }
    let after_stop = gap
        .strip_prefix('.')
        .is_some_and(|rest| !rest.is_empty() && rest.chars().all(char::is_whitespace));
    let initial = word.chars().count() == 1 && word.starts_with(char::is_uppercase);
    (after_stop && (initial || is_title(rules, word))).then_some((word, initial))
}

/// The word after byte `end` (the end of a token), past a possessive ('s)
/// and white space (line breaks too): whether a possessive came first, and
/// the word of letters, digits and hyphens, if any.
fn word_after_possessive(text: &str, end: usize) -> (bool, Option<&str>) {
    let rest = &text[end..];
    let (possessive, rest) = match rest
        .strip_prefix("'s")
        .or_else(|| rest.strip_prefix("’s"))
        .or_else(|| rest.strip_prefix('\''))
    {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let trimmed = rest.trim_start();
    if trimmed.len() == rest.len() {
        return (possessive, None);
    }
    let len: usize = trimmed
        .chars()
        .take_while(|&c| c.is_alphanumeric() || c == '-')
        .map(char::len_utf8)
        .sum();
    (possessive, (len > 0).then(|| &trimmed[..len]))
}
