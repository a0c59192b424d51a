//! Rules that read the text around a match and turn it down: the name is
//! part of a longer name the table does not know, the title of a work, or
//! letters the document defines as something else. The word lists are in
//! `data/matching.toml`; docs/aliases.md ("Rules around a match") states
//! each rule with examples both ways.

use super::candidates::{Candidate, capitalised};
use super::rules::Rules;
use crate::aliases::{AliasForm, AliasTable, Kind, alias_key};
use crate::normalize::chinese::is_chinese_numeral;
use crate::script::is_han;
use crate::segment::Token;

/// Before resolution: titles of works and redefined acronyms.
pub(super) fn veto_before_resolving(
    table: &AliasTable,
    rules: &Rules,
    text: &str,
    tokens: &[Token<'_>],
    candidates: &mut [Candidate],
) {
    for candidate in candidates.iter_mut() {
        let place_or_person = || {
            candidate
                .options
                .iter()
                .all(|r| matches!(table.kind(r.entity), Kind::Place | Kind::Person))
        };
        if in_work_title(rules, text, tokens, candidate)
            || (in_book_title(text, candidate) && place_or_person())
        {
            candidate.vetoed = true;
        }
    }
    // Each distinct acronym is looked for once: a document may hold it
    // thousands of times.
    let mut checked: Vec<String> = Vec::new();
    for index in 0..candidates.len() {
        let candidate = &candidates[index];
        if candidate.vetoed
            || !candidate
                .options
                .iter()
                .all(|&r| table.form(r) == AliasForm::Acronym)
        {
            continue;
        }
        let letters = &text[candidate.start..candidate.end];
        if checked.iter().any(|c| c == letters) {
            continue;
        }
        checked.push(letters.to_string());
        if redefined_acronym(table, text, candidate, letters) {
            for other in candidates.iter_mut() {
                if text[other.start..other.end].eq_ignore_ascii_case(letters) {
                    other.vetoed = true;
                }
            }
        }
    }
}

/// After resolution: known names inside longer names (London Stock
/// Exchange, Lycos Europe, 武汉大学, 中国成都人才市场) and short names next to
/// another capitalised name (Maury Harris, Claude Errera).
pub(super) fn veto_after_resolving(
    table: &AliasTable,
    rules: &Rules,
    text: &str,
    tokens: &[Token<'_>],
    candidates: &mut [Candidate],
) {
    // Candidates are in text order and do not overlap: both lists are sorted.
    let ends: Vec<usize> = candidates.iter().map(|c| c.end).collect();
    let starts: Vec<usize> = candidates.iter().map(|c| c.start).collect();
    let mut vetoes = Vec::new();
    for (index, candidate) in candidates.iter().enumerate() {
        let Some(entity) = candidate.confirmed else {
            continue;
        };
        if candidate.vetoed {
            continue;
        }
        let kind = table.kind(entity);
        let surface = &text[candidate.start..candidate.end];
        if surface.starts_with(is_han) {
            if kind == Kind::Place
                && let Some(head) = chinese_head_after(rules, tokens, candidate.last)
            {
                // Every mention from here to the head is part of the name.
                for (other, c) in candidates.iter().enumerate().skip(index) {
                    if c.first <= head {
                        vetoes.push(other);
                    }
                }
            }
            continue;
        }
        let single_word = !surface.contains(char::is_whitespace);
        // A person's short form, or a product named like a person (Claude:
        // the table marks such names exact-case and needing support).
        let person_like = single_word
            && match kind {
                Kind::Person => {
                    candidate.via_short
                        || candidate
                            .options
                            .iter()
                            .any(|&r| table.form(r) == AliasForm::Short)
                }
                Kind::Product => candidate
                    .options
                    .iter()
                    .any(|&r| table.case_exact(r) && table.needs_support(r)),
                _ => false,
            };
        // In a line written in title case, capitals say nothing; read the
        // line only when a capitalised neighbour asks for it.
        let not_title_case = || !title_case_line(text, candidate.start);
        let checks_before = kind == Kind::Place || person_like;
        let checks_after = kind == Kind::Place;
        // A given name followed by a surname: people and products named like
        // people, not companies (Apple Mac, Intel Celeron).
        let someone_else_after = person_like;
        if checks_before
            && name_before(rules, text, candidate.start, |at| {
                ends.binary_search(&at).is_ok()
            })
            && not_title_case()
        {
            vetoes.push(index);
            continue;
        }
        if checks_after
            && continues_into_name(rules, text, candidate.end, |at| {
                starts.binary_search(&at).is_ok()
            })
        {
            vetoes.push(index);
            continue;
        }
        if someone_else_after
            && name_after(rules, text, candidate.end, |at| {
                starts.binary_search(&at).is_ok()
            })
            && not_title_case()
        {
            vetoes.push(index);
        }
    }
    for index in vetoes {
        candidates[index].vetoed = true;
    }
}

/// How far, in bytes, the rules look back and ahead of a match for the
/// marks and the line around it: titles and headlines are short, and a
/// document written on one line must not make every match read all of it.
const REACH: usize = 400;

/// The start of the line holding byte `at`, or of the [`REACH`] before it.
fn line_start(text: &str, at: usize) -> usize {
    let from = floor_boundary(text, at.saturating_sub(REACH));
    text[from..at].rfind('\n').map_or(from, |i| from + i + 1)
}

/// The end of the line holding byte `at`, or of the [`REACH`] after it.
fn line_end(text: &str, at: usize) -> usize {
    let to = ceil_boundary(text, (at + REACH).min(text.len()));
    text[at..to].find('\n').map_or(to, |i| at + i)
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// The word that ends right before byte `at` (a space before it), with its
/// start: letters, digits, hyphens, apostrophes, ampersands.
/// A word that ends a sentence (with a full stop) is not returned: what
/// follows starts afresh.
fn word_before(text: &str, at: usize) -> Option<(usize, &str)> {
    let before = text[..at].strip_suffix(' ')?;
    let start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphanumeric() || matches!(c, '-' | '\'' | '&'))
        .last()
        .map(|(i, _)| i)?;
    Some((start, &before[start..]))
}

/// The word that starts right after byte `at` (a space after it).
fn word_after(text: &str, at: usize) -> Option<(usize, &str)> {
    let after = text[at..].strip_prefix(' ')?;
    let start = at + 1;
    let len: usize = after
        .chars()
        .take_while(|&c| c.is_alphanumeric() || matches!(c, '-' | '&'))
        .map(char::len_utf8)
        .sum();
    (len > 0).then(|| (start, &text[start..start + len]))
}

/// Whether a capitalised word that is not a known name, a title or
/// qualifier, or a common sentence opener stands right before byte `start`:
/// Lycos Europe, Agence France Presse, T-Mobile USA, Maury Harris.
/// `is_name_end` tells whether a known name ends at a byte offset. Also
/// "University of California": an organisation word and "of".
fn name_before(
    rules: &Rules,
    text: &str,
    start: usize,
    is_name_end: impl Fn(usize) -> bool,
) -> bool {
    let Some((word_start, word)) = word_before(text, start) else {
        return false;
    };
    if word == "of"
        && let Some((_, head)) = word_before(text, word_start)
    {
        return rules.continuations.contains(head) && !rules.roles.contains(head);
    }
    let name_like = capitalised(word)
        && word.chars().count() >= 2
        && !word.ends_with("'s")
        && !word.ends_with('\'')
        // Moscow-based, UK-published: a compound ending in a lowercase word.
        && word.rsplit('-').next().is_some_and(capitalised);
    name_like
        && !rules.before.contains(word)
        && !rules.common.contains(word)
        && !is_name_end(word_start + word.len())
}

/// Whether the title-case run after byte `end` makes the name before it part
/// of a longer name: it holds an organisation or place word (Exchange,
/// Airways, Club, City) and no role word (Minister, Department, Court).
fn continues_into_name(
    rules: &Rules,
    text: &str,
    end: usize,
    is_name_start: impl Fn(usize) -> bool,
) -> bool {
    let mut at = end;
    let mut continued = false;
    while let Some((start, word)) = word_after(text, at) {
        if is_name_start(start) {
            // Another known name: "Spain and United States" is a list.
            break;
        }
        if capitalised(word) {
            if rules.roles.contains(word) {
                return false;
            }
            continued |= rules.continuations.contains(word);
        } else if !(rules.connectors.contains(word)
            && word_after(text, start + word.len()).is_some_and(|(_, w)| capitalised(w)))
        {
            break;
        }
        at = start + word.len();
    }
    continued
}

/// Whether the line around byte `at` is written in title case (a headline:
/// "Restrictions Fail to Halt China's Model Development", "ETH, BNB, SOL Hot
/// Memes"): of its words of three letters or more, at most one in five
/// starts in lowercase.
fn title_case_line(text: &str, at: usize) -> bool {
    let (start, end) = (line_start(text, at), line_end(text, at));
    let (mut upper, mut lower) = (0, 0);
    for word in text[start..end].split(|c: char| !c.is_alphabetic()) {
        if word.chars().count() < 3 {
            continue;
        }
        if capitalised(word) {
            upper += 1;
        } else {
            lower += 1;
        }
    }
    upper >= 3 && lower * 5 <= upper + lower
}

/// Whether a capitalised word that is not a known name, a role or a common
/// word follows byte `end`: Claude Errera, Hinton Lecture.
fn name_after(
    rules: &Rules,
    text: &str,
    end: usize,
    is_name_start: impl Fn(usize) -> bool,
) -> bool {
    let Some((start, word)) = word_after(text, end) else {
        return false;
    };
    capitalised(word)
        && word.chars().count() >= 2
        && !rules.roles.contains(word)
        && !rules.common.contains(word)
        && !is_name_start(start)
}

/// The index of an organisation head (大学, 协会, 交响乐团) that follows token
/// `last` in the same clause, with at most three words between that are not
/// grammar words or linking verbs; weak heads (市场) need two words between.
fn chinese_head_after(rules: &Rules, tokens: &[Token<'_>], last: usize) -> Option<usize> {
    for (between, j) in (last + 1..tokens.len().min(last + 5)).enumerate() {
        let token = &tokens[j];
        if tokens[j - 1].end != token.start || !token.term.starts_with(is_han) {
            return None;
        }
        let term = token.term.as_ref();
        let head = rules.zh_heads.contains(term)
            || rules
                .zh_heads
                .iter()
                .any(|h| term.len() > h.len() && term.ends_with(h.as_str()));
        if head || (rules.zh_weak_heads.contains(term) && between >= 2) {
            return Some(j);
        }
        // Grammar words, linking verbs and counts (二十所) end the phrase.
        if rules.zh_breaks.contains(term) || term.starts_with(is_chinese_numeral) {
            return None;
        }
    }
    None
}

/// Whether the candidate stands inside 《》 or quotation marks that follow a
/// word for a work (专辑《月之暗面》, the album "Dark Side of the Moon", a film
/// called "Moonshot"). Only the nearest mark within [`REACH`] before the
/// candidate is read, and the rest only when a work word stands before it:
/// news is full of quotation marks.
fn in_work_title(rules: &Rules, text: &str, tokens: &[Token<'_>], candidate: &Candidate) -> bool {
    let from = floor_boundary(text, candidate.start.saturating_sub(REACH));
    let reach = &text[from..candidate.start];
    let (quote, title) = (reach.rfind('"'), reach.rfind('《'));
    let (open, is_title) = match (quote, title) {
        (None, None) => return false,
        (Some(q), Some(t)) if t > q => (from + t, true),
        (None, Some(t)) => (from + t, true),
        (Some(q), _) => (from + q, false),
    };
    if text[open..candidate.start].contains('\n') {
        return false;
    }
    // The tokens right before the opening mark: a work word, or a work word
    // and a link word (called, 名为). Tokens are in text order.
    let Some(previous) = tokens.partition_point(|t| t.end <= open).checked_sub(1) else {
        return false;
    };
    if !text[tokens[previous].end..open]
        .chars()
        .all(char::is_whitespace)
    {
        return false;
    }
    let term = tokens[previous].term.as_ref();
    let after_work_word = rules.work_words.contains(term)
        || (rules.work_links.contains(term)
            && previous > 0
            && rules
                .work_words
                .contains(tokens[previous - 1].term.as_ref()));
    if !after_work_word {
        return false;
    }
    let after = &text[candidate.end..line_end(text, candidate.end)];
    if is_title {
        return !text[open..candidate.start].contains('》') && after.contains('》');
    }
    // The quote opens (an odd number of quotes before it on the line) and
    // closes after the candidate.
    let line = &text[line_start(text, open)..open];
    line.matches('"').count().is_multiple_of(2) && after.contains('"')
}

/// Whether the candidate is the whole of a title in Chinese title marks 《》
/// and a place or a person: a title that is only a country's name is a
/// work's (比才的《西班牙》, a piece of music). A whole title that is an
/// organisation stands (《人民日报》 is the newspaper), and so do names inside
/// longer titles, which name laws and documents as often as works
/// (《中国人民解放军现役军官服役条例》); a work word before the title decides
/// those ([`in_work_title`]).
fn in_book_title(text: &str, candidate: &Candidate) -> bool {
    // A whole title: the marks right around the name.
    let before = text[..candidate.start].trim_end();
    let after = text[candidate.end..].trim_start();
    before.ends_with('《') && after.starts_with('》')
}

/// Whether the document defines the letters `letters` of an acronym
/// candidate as words that are not a name of its entity: "Drink Or Die
/// (DOD)" for DoD, the Department of Defense.
fn redefined_acronym(table: &AliasTable, text: &str, candidate: &Candidate, letters: &str) -> bool {
    let wanted: Vec<char> = letters
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if wanted.len() < 2 {
        return false;
    }
    // Parentheses are few; the letters are looked for right after each.
    let defined = text.match_indices('(').map(|(at, _)| at).filter(|&at| {
        text[at + 1..]
            .strip_prefix(letters)
            .is_some_and(|rest| rest.starts_with(')'))
    });
    defined.into_iter().any(|at| {
        let before = text[..at].trim_end();
        // The last words before the parenthesis, whose initials spell the letters.
        let words: Vec<&str> = before.split_whitespace().rev().take(wanted.len()).collect();
        if words.len() < wanted.len() {
            return false;
        }
        let initials: Vec<char> = words
            .iter()
            .rev()
            .filter_map(|w| w.chars().next())
            .flat_map(char::to_lowercase)
            .collect();
        if initials != wanted {
            return false;
        }
        // The document's own expansion of the letters is this entity's
        // when most of its words are in one of the entity's names
        // (Securities Exchange Commission, North Atlantic Treaty
        // Organisation): spellings and small words differ.
        let expansion: Vec<String> = words.iter().rev().map(|w| alias_key(w)).collect();
        !candidate.options.iter().any(|o| {
            let entity = table.entity_at(o.entity);
            std::iter::once(entity.name)
                .chain(entity.aliases().map(|a| a.text))
                .any(|name| {
                    let name_words: Vec<String> = name.split_whitespace().map(alias_key).collect();
                    let shared = expansion.iter().filter(|w| name_words.contains(w)).count();
                    shared * 2 >= expansion.len()
                })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::rules::rules;

    #[test]
    fn title_case_lines_are_recognised() {
        let headline = "U.S. AI Restrictions Fail to Halt China's Model Development";
        assert!(title_case_line(headline, 40));
        assert!(title_case_line("ETH,BNB,SOL Hot Memes", 8));
        assert!(!title_case_line(
            "UBS economist Maury Harris told Reuters.",
            20
        ));
        // Only the line around the position counts.
        let text = "Fail To Halt Growth Now\nthe economist said that prices rose";
        assert!(!title_case_line(text, text.len() - 3));
    }

    #[test]
    fn continuation_runs_need_an_organisation_word_and_no_role() {
        let never = |_: usize| false;
        let after = |text: &str| continues_into_name(rules(), text, 0, never);
        assert!(after(" Stock Exchange said"));
        assert!(after(" Telecom shares"));
        assert!(after(" International Airlines"));
        assert!(!after(" Prime Minister Tony Blair"));
        assert!(!after(" Court of Appeals"));
        assert!(!after(" economy grew"));
        assert!(!after(" and United States"));
        // A known name ends the run.
        let text = " Construction Bank";
        assert!(!continues_into_name(rules(), text, 0, |at| at == 1));
    }

    #[test]
    fn capitalised_words_before_a_name_are_read_with_their_context() {
        let never = |_: usize| false;
        let before = |text: &str| name_before(rules(), text, text.len(), never);
        assert!(before("Web portal Lycos "));
        assert!(before("economist Maury "));
        assert!(before("the University of "));
        assert!(!before("Mr "));
        assert!(!before("growth in Western "));
        assert!(!before("The "));
        assert!(!before("said Mr Spindler. "));
        assert!(!before("the Moscow-based "));
        assert!(!before("the Mayor of "));
    }
}
