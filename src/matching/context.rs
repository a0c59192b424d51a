//! Rules that read the text around a match and turn it down: the name is
//! part of a longer name the table does not know, the title of a work, or
//! letters the document defines as something else. The word lists are in
//! `data/matching.toml`; docs/aliases.md ("Rules around a match") states
//! each rule with examples both ways.

use super::candidates::{Candidate, capitalised};
use super::rules::Rules;
use crate::aliases::{AliasForm, AliasTable, Kind, alias_key, possessive_gap};
use crate::normalize::chinese::is_chinese_numeral;
use crate::script::is_han;
use crate::segment::Token;
use std::borrow::Cow;

/// Before resolution: titles of works and redefined acronyms.
pub(super) fn veto_before_resolving(
    table: &AliasTable,
    rules: &Rules,
    text: &str,
    tokens: &[Token<'_>],
    candidates: &mut [Candidate],
) {
    if candidates.is_empty() {
        return;
    }
    let marks = Marks::of(text);
    for candidate in candidates.iter_mut() {
        let place_or_person = || {
            candidate
                .options
                .iter()
                .all(|c| matches!(table.kind(c.entity()), Kind::Place | Kind::Person))
        };
        if in_work_title(rules, text, tokens, &marks, candidate)
            || (in_book_title(text, candidate) && place_or_person())
        {
            candidate.vetoed = true;
        }
    }
    // Each distinct acronym is looked for once: a document may hold it
    // thousands of times.
    let mut checked: Vec<String> = Vec::new();
    // Where the document opens parentheses, found once it has an acronym.
    let mut parens: Option<Vec<usize>> = None;
    for index in 0..candidates.len() {
        let candidate = &candidates[index];
        if candidate.vetoed
            || !candidate
                .options
                .iter()
                .all(|c| c.form() == AliasForm::Acronym)
        {
            continue;
        }
        let letters = &text[candidate.start..candidate.end];
        if checked.iter().any(|c| c == letters) {
            continue;
        }
        checked.push(letters.to_string());
        let parens =
            parens.get_or_insert_with(|| memchr::memchr_iter(b'(', text.as_bytes()).collect());
        if redefined_acronym(table, text, parens, candidate, letters) {
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
    is_word: &dyn Fn(&str) -> bool,
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
        if foreign_organ(table, text, candidates, index) {
            vetoes.push(index);
            continue;
        }
        if surface.starts_with(is_han) {
            if kind != Kind::Place {
                continue;
            }
            if let Some(head) =
                chinese_head_after(rules, table, text, tokens, candidates, index, is_word)
            {
                // Every mention from here to the head is part of the name.
                for (other, c) in candidates.iter().enumerate().skip(index) {
                    if c.first <= head {
                        vetoes.push(other);
                    }
                }
            } else if in_company_name(rules, text, tokens, candidate)
                || names_people_or_person(rules, text, tokens, candidate)
            {
                vetoes.push(index);
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
                            .any(|c| c.form() == AliasForm::Short)
                }
                Kind::Product => candidate
                    .options
                    .iter()
                    .any(|c| c.case_exact() && c.needs_support()),
                _ => false,
            };
        // In a line written in title case, capitals say nothing; read the
        // line only when a capitalised neighbour asks for it.
        let not_title_case = || !title_case_line(text, candidate.start);
        // A company whose name is also a family name (Nielsen, Ford: exact
        // case and support) is a person's after a given name (Jakob
        // Nielsen); not a party or a body of state, where the word before is
        // a qualifier (House Democrats, Scottish Labour).
        let surname_like_org = single_word
            && kind == Kind::Org
            && candidate
                .options
                .iter()
                .any(|c| c.case_exact() && c.needs_support())
            && !table
                .entity_at(entity)
                .topics()
                .any(|topic| rules.is_state_topic(topic));
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
        // The word before a company's name is a given name only mid-sentence
        // and not in capitals: "Buying MCI", "Developer Valve" and "1300 GMT
        // Carnival's shares" keep the company.
        if surname_like_org
            && name_before(rules, text, candidate.start, |at| {
                ends.binary_search(&at).is_ok()
            })
            && given_name_before(rules, text, candidate.start)
            && not_title_case()
        {
            vetoes.push(index);
            continue;
        }
        if checks_after
            && (continues_into_name(rules, text, candidate.end, |at| {
                starts.binary_search(&at).is_ok()
            }) || names_an_agreement(rules, text, candidate.end))
        {
            vetoes.push(index);
            continue;
        }
        if kind == Kind::Person
            && names_a_thing_after_person(rules, text, candidate.end)
            && not_title_case()
        {
            vetoes.push(index);
            continue;
        }
        // After a title a place or a company is a person's name (Mr
        // Cartagena, Dr Nielsen, Lord Sainsbury).
        if (kind == Kind::Place || (kind == Kind::Org && single_word))
            && after_personal_title(rules, text, candidate.start)
        {
            vetoes.push(index);
            continue;
        }
        if kind == Kind::Place
            && names_a_division(
                table,
                rules,
                text,
                candidates,
                index,
                vetoes.last() == Some(&(index.wrapping_sub(1))),
            )
            && not_title_case()
        {
            vetoes.push(index);
            continue;
        }
        if someone_else_after
            && name_after(rules, text, candidate.end, |at| {
                starts.binary_search(&at).is_ok()
            })
            && not_title_case()
            && !(kind == Kind::Product && product_line_after(text, candidate.end))
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

/// Where a document's straight quotes, opening title marks (《) and line
/// breaks are, found once per document: the title rules ask for the nearest
/// mark before every candidate, and a search back through [`REACH`] bytes
/// for each of them cost a tenth of English matching.
struct Marks {
    quotes: Vec<usize>,
    titles: Vec<usize>,
    newlines: Vec<usize>,
}

impl Marks {
    fn of(text: &str) -> Marks {
        let bytes = text.as_bytes();
        Marks {
            quotes: memchr::memchr_iter(b'"', bytes).collect(),
            titles: memchr::memmem::find_iter(bytes, "《".as_bytes()).collect(),
            newlines: memchr::memchr_iter(b'\n', bytes).collect(),
        }
    }

    /// [`line_start`] from the index.
    fn line_start(&self, text: &str, at: usize) -> usize {
        let from = floor_boundary(text, at.saturating_sub(REACH));
        last_in(&self.newlines, from, at).map_or(from, |i| i + 1)
    }

    /// [`line_end`] from the index.
    fn line_end(&self, text: &str, at: usize) -> usize {
        let to = ceil_boundary(text, (at + REACH).min(text.len()));
        first_in(&self.newlines, at, to).unwrap_or(to)
    }
}

/// The last of the sorted `positions` in `from..to`.
fn last_in(positions: &[usize], from: usize, to: usize) -> Option<usize> {
    let end = positions.partition_point(|&p| p < to);
    end.checked_sub(1)
        .map(|i| positions[i])
        .filter(|&p| p >= from)
}

/// The first of the sorted `positions` in `from..to`.
fn first_in(positions: &[usize], from: usize, to: usize) -> Option<usize> {
    let start = positions.partition_point(|&p| p < from);
    positions.get(start).copied().filter(|&p| p < to)
}

/// How many of the sorted `positions` are in `from..to`.
fn count_in(positions: &[usize], from: usize, to: usize) -> usize {
    positions.partition_point(|&p| p < to) - positions.partition_point(|&p| p < from)
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

/// The word that starts right after byte `at` (a space after it), with a
/// possessive it ends in (People's).
fn word_after(text: &str, at: usize) -> Option<(usize, &str)> {
    let after = text[at..].strip_prefix(' ')?;
    let start = at + 1;
    let mut len: usize = after
        .chars()
        .take_while(|&c| c.is_alphanumeric() || matches!(c, '-' | '&'))
        .map(char::len_utf8)
        .sum();
    if len > 0 && possessive_gap(&after[len..]) {
        len += 2;
    }
    (len > 0).then(|| (start, &text[start..start + len]))
}

/// Whether a capitalised word that is not a known name, a title or
/// qualifier, or a common sentence opener stands right before byte `start`:
/// Lycos Europe, Agence France Presse, T-Mobile USA, Maury Harris.
/// `is_name_end` tells whether a known name ends at a byte offset. Also
/// "University of California", "Movie Association for America": an
/// organisation word and "of" or "for", unless that word is a company's
/// (`company_heads`: Telecom, Electronics, Motors) and ends a known name
/// before "of": the place is then the company's locator ("SK Telecom of
/// South Korea", "LG Electronics of South Korea"; a company named so is in
/// the table whole, as "Bank of Korea" is).
pub(super) fn name_before(
    rules: &Rules,
    text: &str,
    start: usize,
    is_name_end: impl Fn(usize) -> bool,
) -> bool {
    let Some((word_start, word)) = word_before(text, start) else {
        return false;
    };
    if (word == "of" || word == "for")
        && let Some((head_start, head)) = word_before(text, word_start)
    {
        // Only after a company's word: parties, universities, agencies
        // and other bodies are named "X of Place" by the dozen with a
        // shorter name the table knows (the Socialist Party of Serbia, the
        // Open University of Israel, Associated Press of Pakistan); and
        // only after "of" (the Motion Picture Association for America is
        // a misspelt name, not a locator).
        let locator = word == "of"
            && rules.company_heads.contains(head)
            && is_name_end(head_start + head.len());
        return (rules.continuations.contains(head) || rules.agreements.contains(head))
            && !rules.roles.contains(head)
            && !locator;
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

/// Whether the word right before byte `start` may be a given name: it is
/// not written in capitals (GMT, NYSE), is no nationality adjective
/// (Japanese Nomura) nor hyphenated (Anglo-Dutch Shell), and does not open
/// a sentence or a line, where any word is capitalised (Buying MCI would
/// ...).
fn given_name_before(rules: &Rules, text: &str, start: usize) -> bool {
    word_before(text, start).is_some_and(|(word_start, word)| {
        !word.bytes().all(|b| !b.is_ascii_lowercase())
            && !word.contains('-')
            && !rules.demonyms.contains(word)
            && !super::candidates::opens_sentence(text, word_start)
    })
}

/// The whole word of letters that ends one space before byte `start`, with
/// whether a full stop follows it (`Dr. Lyon`): `None` when there is none,
/// or when letters, digits, apostrophes or hyphens run on before it (KiMr,
/// O'Mr, ex-Mr: not a word of its own).
fn letters_right_before(text: &str, start: usize) -> Option<(&str, bool)> {
    let before = text[..start].strip_suffix(' ')?;
    let (before, full_stop) = match before.strip_suffix('.') {
        Some(before) => (before, true),
        None => (before, false),
    };
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphabetic())
        .last()
        .map(|(i, _)| i)?;
    let whole = before[..word_start]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric() && c != '\'' && c != '-');
    whole.then(|| (&before[word_start..], full_stop))
}

/// Whether a title of a person stands right before byte `start`, in its
/// case, with one space between ([`letters_right_before`]): one of
/// `personal_titles` (Mr, Lord, Miss) without a full stop, or one of
/// `personal_title_abbreviations` (Mr, Dr, Prof) with one or without. A
/// place there is a person's name (Mr Cartagena, Mr Shiga's appointment,
/// Dr. Lyon, Lord Sheffield); after "the Lord." a sentence ends.
pub(super) fn after_personal_title(rules: &Rules, text: &str, start: usize) -> bool {
    letters_right_before(text, start).is_some_and(|(word, full_stop)| {
        rules.personal_title_abbreviations.contains(word)
            || (!full_stop && rules.personal_titles.contains(word))
    })
}

/// Whether the title-case run after byte `end` makes the name before it part
/// of a longer name: it holds an organisation or place word (Exchange,
/// Airways, Club, City) and no role word (Minister, Department, Court),
/// with no event word after it (`event_words`: the Sydney Marathon, the
/// Detroit Motor Show, the Athens Olympics are held there, and the place
/// is their locator) unless another such word follows the event's (the
/// Adelaide Festival Centre, London Film Festival Ltd).
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
            if rules.event_words.contains(word) {
                // The event's words so far (Motor Show) are its name; a
                // continuation after it names a body of the event's
                // (Festival Centre, Film Festival Ltd, Marathon Trust).
                continued = false;
            } else {
                continued |= rules.continuations.contains(word);
            }
        } else if !(rules.connectors.contains(word)
            && word_after(text, start + word.len()).is_some_and(|(_, w)| capitalised(w)))
        {
            break;
        }
        at = start + word.len();
    }
    continued
}

/// Whether one of `person_things` (Foundation, Lecture, Airport) is the
/// word right after byte `end`, the end of a person's name, or the word after
/// it and one more capitalised word that is no role (the Ronald Reagan
/// Presidential Library): the name is part of the thing's. The possessive
/// keeps the person (Reagan's library).
fn names_a_thing_after_person(rules: &Rules, text: &str, end: usize) -> bool {
    let Some((start, word)) = word_after(text, end) else {
        return false;
    };
    if rules.person_things.contains(word) {
        return true;
    }
    capitalised(word)
        && !word.ends_with("'s")
        && !rules.roles.contains(word)
        && word_after(text, start + word.len())
            .is_some_and(|(_, next)| rules.person_things.contains(next))
}

/// Whether the word right after byte `end` is a named agreement's word
/// (`agreements`: the Lisbon Agenda, the Kyoto Protocol's targets): the name
/// before it is part of the agreement's. Only that word, so that a place at
/// the start of a headline keeps its sense ("China Signs Climate Agreement").
fn names_an_agreement(rules: &Rules, text: &str, end: usize) -> bool {
    word_after(text, end).is_some_and(|(_, word)| {
        let word = word
            .strip_suffix("'s")
            .or_else(|| word.strip_suffix("`s"))
            .unwrap_or(word);
        rules.agreements.contains(word)
    })
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
pub(super) fn name_after(
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

/// Whether the capitalised word after a product named like a person is a
/// letter code of its line or of the things it runs on rather than a
/// surname, in the singular or the plural: Windows PC, Windows PCs, Windows
/// XP, Mac OS, where Claude Errera is someone. (An everyday word says
/// nothing either way: Windows Media Center is Windows, Mac Format is a
/// magazine.)
fn product_line_after(text: &str, end: usize) -> bool {
    word_after(text, end).is_some_and(|(_, word)| {
        let code = word.strip_suffix('s').unwrap_or(word);
        code.len() >= 2
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    })
}

/// The index of an organisation head (大学, 协会, 交响乐团) that follows the
/// place of candidate `index` in the same clause, with at most three words
/// between that are not grammar words, linking verbs, counts or
/// determiners; weak heads (市场) need two words between. Another known name
/// between that is not a place makes the place its locator and the head
/// that name's (瑞典沃尔沃汽车公司, 美国冠群公司, 安徽马鞍山举办国际奥委会).
/// So, for a place abroad, does a place inside it (波兰华沙大学,
/// 日本东京大丸百货公司) or a word the dictionary does not know, which is a
/// name the table does not know (新西兰梅西大学, 多伦多塞尼卡学院); places of
/// the home country (`zh.home`) start the registered names of its
/// organisations (四川光友薯业有限公司, 中国成都人才市场), so there they do not.
/// After a place of the home country a head in parentheses right after the
/// words ends the name as one written without them would, and nothing after
/// it is read (中国通用技术（集团）控股有限责任公司); there, too, a
/// word of a trade among the breaks (`zh.trade_breaks`: 发展, 投资, 建设)
/// leaves only a registered form to end the name (北京高校科技创业发展有限公司),
/// and any known name or word of one character after it ends the phrase.
#[allow(clippy::too_many_arguments)]
fn chinese_head_after(
    rules: &Rules,
    table: &AliasTable,
    text: &str,
    tokens: &[Token<'_>],
    candidates: &[Candidate],
    index: usize,
    is_word: &dyn Fn(&str) -> bool,
) -> Option<usize> {
    let candidate = &candidates[index];
    let place = candidate.confirmed?;
    let abroad = is_abroad(table, rules, place);
    let mut next = index + 1;
    let last = candidate.last;
    // After a place of the home country a registered form
    // (`zh.registered_forms`) may stand up to seven words on.
    let window = if abroad { 5 } else { 8 };
    // A trade word has been read: only a registered form may end the name.
    let mut forms_only = false;
    for (between, j) in (last + 1..tokens.len().min(last + window)).enumerate() {
        let token = &tokens[j];
        if !token.term.starts_with(is_han) {
            return None;
        }
        // After a place of the home country, a head in parentheses right
        // after the words (（集团）: NFKC made the marks ASCII) is read as one
        // written without them, the way mainland companies register their
        // names; any other gap ends the clause (韩国三星（集团）公司 keeps
        // Korea, Samsung's locator).
        let in_parentheses = !abroad
            && tokens[j - 1].end != token.start
            && &text[tokens[j - 1].end..token.start] == "("
            && text[token.end..].starts_with(')');
        if tokens[j - 1].end != token.start && !in_parentheses {
            return None;
        }
        // Another known name in or right before this token. After a trade
        // word any name ends the phrase: 中国建设德国汉堡港口有限公司 is China
        // building a German port company's works, not one name.
        while next < candidates.len() && candidates[next].end <= tokens[j - 1].start {
            next += 1;
        }
        if let Some(other) = candidates[next..]
            .iter()
            .take_while(|c| c.start < token.end)
            .filter(|c| !c.vetoed)
            .find_map(|c| c.confirmed)
        {
            let inside = abroad && table.ancestors(other).contains(&place);
            if table.kind(other) != Kind::Place || inside || forms_only {
                return None;
            }
        }
        let term = token.term.as_ref();
        let registered_form = || {
            rules
                .zh_registered_forms
                .iter()
                .any(|form| term.ends_with(form.as_str()))
        };
        if in_parentheses {
            let head = if forms_only || between >= 4 {
                registered_form()
            } else {
                is_head(rules, term)
            };
            return head.then_some(j);
        }
        if forms_only {
            if registered_form() {
                return Some(j);
            }
            // A word of one character after a trade word is a function word
            // (中国投资项目多由有限公司承担: "mostly by"), not a word of a name.
            if (rules.zh_breaks.contains(term) && !rules.zh_trade_breaks.contains(term))
                || term.starts_with(is_chinese_numeral)
                || is_head(rules, term)
                || term.chars().nth(1).is_none()
            {
                return None;
            }
            continue;
        }
        if between >= 4 {
            if registered_form() {
                return Some(j);
            }
            if rules.zh_breaks.contains(term)
                || term.starts_with(is_chinese_numeral)
                || is_head(rules, term)
            {
                return None;
            }
            continue;
        }
        if is_head(rules, term) {
            return Some(j);
        }
        // A weak head needs two words between (中国成都人才市场, not 中国市场);
        // a word that ends in one counts as one of them (中国少年儿童活动中心).
        let weak = rules.zh_weak_heads.iter().any(|h| {
            (term == h && between >= 2)
                || (term.len() > h.len() && term.ends_with(h.as_str()) && between >= 1)
        });
        if weak {
            return Some(j);
        }
        // A number right before a head is part of the name (武汉市三医院).
        if term.chars().all(is_chinese_numeral)
            && tokens
                .get(j + 1)
                .is_some_and(|t| t.start == token.end && is_head(rules, &t.term))
        {
            continue;
        }
        if !abroad && rules.zh_trade_breaks.contains(term) {
            forms_only = true;
            continue;
        }
        // Grammar words, linking verbs, determiners and counts (二十所) end
        // the phrase; so does a name the dictionary does not know.
        if rules.zh_breaks.contains(term)
            || term.starts_with(is_chinese_numeral)
            || (abroad && term.len() >= 6 && !is_word(term))
        {
            return None;
        }
    }
    None
}

/// Makes the mention of a city named like the state or province it lies in
/// the division's where the text says the division is meant: an office of
/// it follows the name, after a possessive or not (`division_offices` of
/// data/matching.toml: New York attorney general Eliot Spitzer, New York
/// Senator Charles Schumer), or a word such as "upstate" or "governor of"
/// comes right before it (`division_before`). The city's parent must be a
/// place whose display name starts with the mention's text as a whole word
/// (New York (state) for New York); text of scripts without spaces is left
/// alone (纽约州 is written out).
pub(super) fn division_named_like_city(
    table: &AliasTable,
    rules: &Rules,
    text: &str,
    candidates: &mut [Candidate],
) {
    for candidate in candidates.iter_mut().filter(|c| !c.vetoed) {
        let Some(city) = candidate.confirmed else {
            continue;
        };
        // The words around it first: they stand around few mentions.
        if !office_after(rules, text, candidate.end)
            && !division_word_before(rules, text, candidate.start)
        {
            continue;
        }
        let surface = &text[candidate.start..candidate.end];
        if table.kind(city) != Kind::Place || surface.starts_with(is_han) {
            continue;
        }
        if let Some(&division) = table.ancestors(city).first()
            && table.kind(division) == Kind::Place
            && named_like(table.entity_name(division), surface)
        {
            candidate.confirmed = Some(division);
        }
    }
}

/// Whether display name `name` starts with `surface` (in any case) as a
/// whole word: New York (state) with New York, not Newark with New.
fn named_like(name: &str, surface: &str) -> bool {
    let lower = |s: &str| s.chars().flat_map(char::to_lowercase).collect::<String>();
    name.get(..surface.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(surface) || lower(head) == lower(surface))
        && !name[surface.len()..].starts_with(char::is_alphanumeric)
}

/// Whether one of `division_offices` follows byte `end`: a space, or a
/// possessive and a space, then the office as a whole word, in any case.
fn office_after(rules: &Rules, text: &str, end: usize) -> bool {
    let rest = &text[end..];
    let rest = rest.strip_prefix("'s").unwrap_or(rest);
    let Some(rest) = rest.strip_prefix(' ') else {
        return false;
    };
    rules.division_offices.iter().any(|office| {
        rest.get(..office.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(office))
            && !rest[office.len()..].starts_with(char::is_alphanumeric)
    })
}

/// Whether one of `division_before` and a space stand right before byte
/// `start`, the word starting a word of the text, in any case.
fn division_word_before(rules: &Rules, text: &str, start: usize) -> bool {
    let Some(head) = text[..start].strip_suffix(' ') else {
        return false;
    };
    rules.division_before.iter().any(|word| {
        head.len() >= word.len()
            && head.is_char_boundary(head.len() - word.len())
            && head[head.len() - word.len()..].eq_ignore_ascii_case(word)
            && !head[..head.len() - word.len()].ends_with(char::is_alphanumeric)
    })
}

/// Whether `entity` is outside the home country of Chinese text (`zh.home`
/// of data/matching.toml): neither that country nor one of its divisions.
pub(super) fn is_abroad(table: &AliasTable, rules: &Rules, entity: u32) -> bool {
    let home = |e: u32| table.entity_id(e) == rules.zh_home;
    !home(entity) && !table.ancestors(entity).iter().any(|&a| home(a))
}

/// Whether a Chinese word is an organisation head: one of the heads, a word
/// that ends in one of two characters or more (电力公司, 西南航空公司), or
/// such a word followed by a title (商会会长, 协会主席).
fn is_head(rules: &Rules, term: &str) -> bool {
    // A one-character head stands only as a word of its own: 天气预报 is no
    // newspaper. Terms are short and the heads many, so the term's endings
    // are looked up rather than every head compared.
    let ends_in_head = |t: &str| {
        rules.zh_heads.contains(t)
            || t.char_indices().skip(1).any(|(at, _)| {
                let ending = &t[at..];
                ending.chars().nth(1).is_some() && rules.zh_heads.contains(ending)
            })
    };
    ends_in_head(term)
        || term
            .char_indices()
            .skip(1)
            .any(|(at, _)| rules.zh_titles.contains(&term[at..]) && ends_in_head(&term[..at]))
}

/// Whether a Chinese place name in parentheses is part of a company's name:
/// 联合利华食品（中国）有限公司.
fn in_company_name(rules: &Rules, text: &str, tokens: &[Token<'_>], candidate: &Candidate) -> bool {
    text[..candidate.start].ends_with('(')
        && text[candidate.end..].starts_with(')')
        && tokens
            .get(candidate.last + 1)
            .is_some_and(|t| t.start == candidate.end + 1 && is_head(rules, &t.term))
}

/// Whether a Chinese place name names a people or is part of a person's
/// name: followed by 族, 民族 or an autonomous county or prefecture
/// (朝鲜民族, 塔吉克自治县: the ethnic group, not the country), or a
/// two-character place right after a one-character surname at the end of a
/// name (刘磊朱桂林）, 陈昆明）: people named 桂林 and 昆明 in a photo credit).
fn names_people_or_person(
    rules: &Rules,
    text: &str,
    tokens: &[Token<'_>],
    candidate: &Candidate,
) -> bool {
    let after = &text[candidate.end..];
    if rules
        .zh_peoples
        .iter()
        .any(|m| after.starts_with(m.as_str()))
    {
        return true;
    }
    let (first, last) = (candidate.first, candidate.last);
    if first != last
        || first == 0
        || candidate.start != tokens[first].start
        || candidate.end != tokens[first].end
        || text[candidate.start..candidate.end].chars().count() != 2
        || after.starts_with(is_han)
    {
        return false;
    }
    let previous = &tokens[first - 1];
    previous.end == candidate.start
        && single_char(&previous.term).is_some_and(|c| rules.zh_surnames.contains(&c))
}

/// The character of a one-character string.
fn single_char(s: &str) -> Option<char> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// Whether the place of candidate `index` follows the name of a company with
/// one space between and makes with it the name of the company's division
/// there (AOL UK, GM Europe, Nintendo Europe): the company stands, the place
/// is part of a longer name. Only with evidence of a name: a role word of
/// `division_roles` right after the place, or one of two words after a
/// possessive (GM Europe president, Nintendo Europe's general manager), or
/// one of `, . ; : ) "` or the end of the text right after it (chief
/// executive of AOL UK, a stake in AOL Europe.). Otherwise the place is where
/// the company does something (the Boeing China order, the IMF Greece
/// bailout, a BBC Delhi-based reporter), or the possessive is the country's
/// (Vodafone Britain's chief rival). Never after the bodies of
/// `no_division_topics` (states' organs, international bodies: the UN Iraq
/// chief). `previous_vetoed` tells whether this pass has vetoed the
/// candidate before (its veto is applied after the pass).
fn names_a_division(
    table: &AliasTable,
    rules: &Rules,
    text: &str,
    candidates: &[Candidate],
    index: usize,
    previous_vetoed: bool,
) -> bool {
    let Some(previous) = index.checked_sub(1).map(|p| &candidates[p]) else {
        return false;
    };
    let Some(company) = previous
        .confirmed
        .filter(|_| !previous.vetoed && !previous_vetoed)
    else {
        return false;
    };
    let place = &candidates[index];
    if table.kind(company) != Kind::Org
        || text.get(previous.end..place.start) != Some(" ")
        || table
            .entity_at(company)
            .topics()
            .any(|topic| rules.no_division_topics.contains(topic))
    {
        return false;
    }
    let rest = &text[place.end..];
    let possessive = possessive_gap(rest);
    let after = if possessive {
        // `'s` and a space: at the end of the text or before a mark, a
        // possessive is no evidence.
        match rest.get(2..) {
            Some(after) if after.starts_with(' ') => after,
            _ => return false,
        }
    } else {
        rest
    };
    let Some(words) = after.strip_prefix(' ') else {
        return !possessive
            && after
                .chars()
                .next()
                .is_none_or(|c| matches!(c, ',' | '.' | ';' | ':' | ')' | '"'));
    };
    let mut words = words
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .map(str::to_ascii_lowercase);
    let first = words.next().unwrap_or_default();
    let second = words.next().unwrap_or_default();
    let two_words = (rules.division_role_modifiers.contains(&first)
        || rules.division_roles.contains(&first))
        && rules.division_roles.contains(&second);
    two_words || (!possessive && rules.division_roles.contains(&first))
}

/// Whether candidate `index`, an organ of a country (an organisation with a
/// place among its ancestors), follows right after a place of another
/// country, which says whose organ it is: 俄罗斯自然资源部 is Russia's
/// ministry, not China's; Japan's Cabinet Office is not the UK's.
fn foreign_organ(table: &AliasTable, text: &str, candidates: &[Candidate], index: usize) -> bool {
    let candidate = &candidates[index];
    let Some(entity) = candidate.confirmed else {
        return false;
    };
    let ancestors = table.ancestors(entity);
    if table.kind(entity) != Kind::Org || !ancestors.iter().any(|&a| table.kind(a) == Kind::Place) {
        return false;
    }
    let Some(previous) = index.checked_sub(1).map(|p| &candidates[p]) else {
        return false;
    };
    let Some(place) = previous.confirmed.filter(|_| !previous.vetoed) else {
        return false;
    };
    if table.kind(place) != Kind::Place || previous.end > candidate.start {
        return false;
    }
    let gap = &text[previous.end..candidate.start];
    let gap = gap.strip_prefix("'s").unwrap_or(gap);
    let adjacent = if text[candidate.start..].starts_with(is_han) {
        gap.is_empty()
    } else {
        gap == " "
    };
    adjacent
        && !std::iter::once(place)
            .chain(table.ancestors(place).iter().copied())
            .any(|p| ancestors.contains(&p))
}

/// Whether the candidate stands inside 《》 or quotation marks that follow a
/// word for a work (专辑《月之暗面》, the album "Dark Side of the Moon", a film
/// called "Moonshot"). Only the nearest mark within [`REACH`] before the
/// candidate is read, and the rest only when a work word stands before it:
/// news is full of quotation marks.
fn in_work_title(
    rules: &Rules,
    text: &str,
    tokens: &[Token<'_>],
    marks: &Marks,
    candidate: &Candidate,
) -> bool {
    let from = floor_boundary(text, candidate.start.saturating_sub(REACH));
    let quote = last_in(&marks.quotes, from, candidate.start);
    let title = last_in(&marks.titles, from, candidate.start);
    let (open, is_title) = match (quote, title) {
        (None, None) => return false,
        (Some(q), Some(t)) if t > q => (t, true),
        (None, Some(t)) => (t, true),
        (Some(q), _) => (q, false),
    };
    if first_in(&marks.newlines, open, candidate.start).is_some() {
        return false;
    }
    // The mark opens before the candidate and closes after it.
    let after_end = marks.line_end(text, candidate.end);
    let after = &text[candidate.end..after_end];
    let (mark, close) = if is_title {
        if text[open..candidate.start].contains('》') {
            return false;
        }
        ('》', after.find('》').map(|at| candidate.end + at))
    } else {
        // An odd number of quotes before it on the line opens a quote.
        let line_start = marks.line_start(text, open);
        if !count_in(&marks.quotes, line_start, open).is_multiple_of(2) {
            return false;
        }
        ('"', first_in(&marks.quotes, candidate.end, after_end))
    };
    let Some(close) = close else {
        return false;
    };
    // A work word before the title, or before the first title of a list
    // (新增栏目《百姓关注》、……、《WTO与法》).
    let mut first = open;
    while is_title && candidate.start - first < 4 * REACH {
        let before = text[..first].trim_end();
        let Some(before) = before
            .strip_suffix('、')
            .or_else(|| before.strip_suffix(','))
        else {
            break;
        };
        let before = before.trim_end();
        if !before.ends_with('》') {
            break;
        }
        let from = floor_boundary(text, before.len().saturating_sub(REACH));
        match text[from..before.len()].rfind('《') {
            Some(at) => first = from + at,
            None => break,
        }
    }
    if work_word_before(rules, text, tokens, first) {
        return true;
    }
    // A word for a work or a plan right after the closing mark, with the
    // name inside a longer title: “欧洲之旅”摄制组, “连接加拿大”计划.
    let opening = if is_title { '《'.len_utf8() } else { 1 };
    let whole = text[open + opening..candidate.start].trim().is_empty()
        && text[candidate.end..close].trim().is_empty();
    let after_close = close + mark.len_utf8();
    !whole
        && tokens
            .get(tokens.partition_point(|t| t.start < after_close))
            .is_some_and(|t| {
                text[after_close..t.start].chars().all(char::is_whitespace)
                    && rules.work_after.contains(t.term.as_ref())
            })
}

/// Whether the tokens right before byte `open` (an opening mark) are a work
/// word, or a work word and a link word (called, 名为).
fn work_word_before(rules: &Rules, text: &str, tokens: &[Token<'_>], open: usize) -> bool {
    // Tokens are in text order.
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
    rules.work_words.contains(term)
        || (rules.work_links.contains(term)
            && previous > 0
            && rules
                .work_words
                .contains(tokens[previous - 1].term.as_ref()))
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
/// (DOD)" for DoD, the Department of Defense. `parens` are the byte offsets
/// of the document's opening parentheses.
fn redefined_acronym(
    table: &AliasTable,
    text: &str,
    parens: &[usize],
    candidate: &Candidate,
    letters: &str,
) -> bool {
    let wanted: Vec<char> = letters
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if wanted.len() < 2 {
        return false;
    }
    // Parentheses are few; the letters are looked for right after each.
    let defined = parens.iter().copied().filter(|&at| {
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
        let expansion: Vec<Cow<'_, str>> = words.iter().rev().map(|w| word_key(w)).collect();
        let mut found = vec![false; expansion.len()];
        !candidate.options.iter().any(|o| {
            std::iter::once(table.entity_name(o.entity()))
                .chain(table.alias_texts(o.entity()))
                .any(|name| shared_words(&expansion, name, &mut found) * 2 >= expansion.len())
        })
    })
}

/// How many of `expansion` (word keys, [`word_key`]) are the key of some
/// word of `name`; `found` is room for one flag per expansion word. A word
/// of ASCII letters is compared without making its key: with a large table
/// an acronym has many options, each with a few names, and a key made for
/// each of their words was 1% of a million-alias table's English run.
fn shared_words(expansion: &[Cow<'_, str>], name: &str, found: &mut [bool]) -> usize {
    debug_assert_eq!(found.len(), expansion.len());
    found.fill(false);
    for word in name.split_whitespace() {
        if word.bytes().all(|b| b.is_ascii_alphabetic()) {
            // Its key is the word in lower case, which no key holding an
            // ASCII capital can be.
            for (w, f) in expansion.iter().zip(found.iter_mut()) {
                *f |= word.eq_ignore_ascii_case(w) && !w.bytes().any(|b| b.is_ascii_uppercase());
            }
        } else {
            let key = word_key(word);
            for (w, f) in expansion.iter().zip(found.iter_mut()) {
                *f |= *w == key;
            }
        }
    }
    found.iter().filter(|&&f| f).count()
}

/// [`alias_key`] of one word. A word of ASCII letters, most words of names,
/// is its own key in lower case: with a large table an acronym has many
/// options, each with a few names, and normalizing each of their words
/// cost more than the rest of matching the document.
fn word_key(word: &str) -> Cow<'_, str> {
    if word.is_empty() || !word.bytes().all(|b| b.is_ascii_alphabetic()) {
        Cow::Owned(alias_key(word))
    } else if word.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(word.to_ascii_lowercase())
    } else {
        Cow::Borrowed(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::rules::rules;

    /// What `redefined_acronym` counted before [`shared_words`]: the keys
    /// of the name's words, then the expansion's words among them.
    fn shared_words_reference(expansion: &[Cow<'_, str>], name: &str) -> usize {
        let name_words: Vec<Cow<'_, str>> = name.split_whitespace().map(word_key).collect();
        expansion.iter().filter(|w| name_words.contains(w)).count()
    }

    /// The words around a city that say its state is meant: whole words in
    /// any case, after a possessive or not; never part of a longer word.
    #[test]
    fn division_words_are_whole_words() {
        let rules = rules();
        assert!(named_like("New York (state)", "New York"));
        assert!(named_like("New York (state)", "NEW YORK"));
        assert!(!named_like("Newark", "New"));
        assert!(!named_like("New", "New York"));
        let after = |text: &str| office_after(rules, text, 8);
        assert!(after("New York attorney general Eliot Spitzer"));
        assert!(after("New York's Governor said"));
        assert!(after("New York SENATOR Schumer"));
        assert!(!after("New York governors met"));
        assert!(!after("New York assembly plant"));
        assert!(!after("New York governorship race"));
        assert!(!after("New York comptroller William Thompson"));
        let before = |text: &str| division_word_before(rules, text, text.find("New York").unwrap());
        assert!(before("He moved to upstate New York"));
        assert!(before("the Governor of New York"));
        assert!(before("the state of New York"));
        assert!(!before("farmhouses in pupstate New York"));
        assert!(!before("He moved to New York"));
    }

    proptest::proptest! {
        #[test]
        fn shared_words_are_counted_as_by_their_keys(
            expansion in proptest::collection::vec(
                "([A-Za-z]{1,6}|[a-z]{1,3}|Co\\.|&|Ｓｅｃ|İnc|ß|银行)", 0..6),
            name in proptest::collection::vec(
                "([A-Za-z]{1,6}|[a-z]{1,3}|Co\\.|&|Ｓｅｃ|İnc|ß|银行|SEC|sec)", 0..6),
        ) {
            // Expansion words are keys, as redefined_acronym makes them;
            // some keys hold capitals (a key of `alias_key` may).
            let mut expansion: Vec<Cow<'_, str>> = expansion.iter().map(|w| word_key(w)).collect();
            expansion.push(Cow::Borrowed("Sec"));
            let name = name.join(" ");
            let mut found = vec![false; expansion.len()];
            proptest::prop_assert_eq!(
                shared_words(&expansion, &name, &mut found),
                shared_words_reference(&expansion, &name)
            );
        }

        #[test]
        fn a_word_key_is_the_alias_key(
            word in "([A-Za-z]{1,8}|[A-Za-z0-9'.&-]{1,8}|Ｍｏｏｎ|İstanbul|ß|月之暗面)"
        ) {
            proptest::prop_assert_eq!(word_key(&word), alias_key(&word));
        }
    }

    #[test]
    fn the_mark_index_answers_as_the_searches_it_replaces() {
        // Lines longer than REACH, quotes, title marks and line breaks.
        let long = "x".repeat(REACH + 37);
        let text = format!(
            "He said \"Moonshot\" {long} and《月之暗面》ok\n\"a\" b \"c{long}\nend《x》\"",
        );
        let marks = Marks::of(&text);
        for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            assert_eq!(marks.line_start(&text, at), line_start(&text, at), "{at}");
            assert_eq!(marks.line_end(&text, at), line_end(&text, at), "{at}");
            let from = floor_boundary(&text, at.saturating_sub(REACH));
            let reach = &text[from..at];
            assert_eq!(
                last_in(&marks.quotes, from, at),
                reach.rfind('"').map(|q| from + q)
            );
            assert_eq!(
                last_in(&marks.titles, from, at),
                reach.rfind('《').map(|t| from + t)
            );
            assert_eq!(
                count_in(&marks.quotes, from, at),
                reach.matches('"').count()
            );
            let ahead = &text[at..line_end(&text, at)];
            assert_eq!(
                first_in(&marks.quotes, at, line_end(&text, at)),
                ahead.find('"').map(|q| at + q)
            );
        }
    }

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
    fn a_title_of_a_person_is_a_whole_word_one_space_before() {
        let titled = |text: &str| after_personal_title(rules(), text, text.len());
        assert!(titled("said Mr "));
        assert!(titled("said Dr. "));
        assert!(titled("Lord "));
        assert!(titled("(Ms "));
        assert!(!titled("said Mr  "));
        assert!(!titled("said Mr"));
        assert!(!titled("KiMr "));
        assert!(!titled("O'Mr "));
        assert!(!titled("DR "));
        assert!(!titled("said mr "));
        assert!(!titled("the Lords "));
        assert!(titled("said Prof. "));
        assert!(!titled("Praise the Lord. "));
        assert!(!titled("a Miss. "));
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
