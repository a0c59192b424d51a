//! Finding candidate matches: the alias keys' trie walked over the tokens,
//! longest first, left to right, not overlapping.
//!
//! A match covers whole tokens, with three exceptions where a name is part of
//! a longer word:
//!
//! * a hyphenated compound (Alibaba-backed, US-based, EU-China, Hong
//!   Kong-based): a match may start after and end before any of its hyphens,
//!   provided the part next to it is not a capitalised word that is not a
//!   name itself (Jean-Claude, Coca-Cola, Sony-Ericsson);
//! * a Korean word that ends in a particle after the name (삼성전자는,
//!   LG전자가): the match ends where the particle starts, when the particle's
//!   form agrees with the name's last syllable (`segment::korean`);
//! * a Chinese word (首都北京, 美国纽约, 法国人, 北京市): a name inside it stands
//!   when the rest on each side is a dictionary word of two or more
//!   characters, another name, or a one-character affix from
//!   `data/matching.toml` (市, 人, 方 after; 驻, 全 before); other one-character
//!   rests make a different word (阿里山, 小米粥), and a rest that ends with an
//!   organisation head makes the name part of an organisation's (中国银行,
//!   武汉大学).

use super::rules::Rules;
use crate::aliases::{
    AliasRef, AliasTable, KeyNode, KeyTrie, Kind, needs_separator, possessive_gap,
};
use crate::normalize::chinese::is_chinese_numeral;
use crate::script::{is_han, is_unspaced};
use crate::segment::{Token, korean};

/// A stretch of text that matched an alias key, and what became of it.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    /// Index of the first token the match touches.
    pub first: usize,
    /// Index of the last token the match touches.
    pub last: usize,
    /// Byte offset of the match in the text.
    pub start: usize,
    /// Byte offset just past the match.
    pub end: usize,
    /// The aliases with the matched key whose surface rules hold.
    pub options: Vec<AliasRef>,
    /// The entity the match resolved to.
    pub confirmed: Option<u32>,
    /// Whether the confirmed entity was matched through a short form only.
    pub via_short: bool,
    /// Whether a rule around the match turned it down after all.
    pub vetoed: bool,
}

impl Candidate {
    fn new(first: usize, last: usize, start: usize, end: usize, options: Vec<AliasRef>) -> Self {
        Candidate {
            first,
            last,
            start,
            end,
            options,
            confirmed: None,
            via_short: false,
            vetoed: false,
        }
    }

    /// Whether the match starts or ends inside a token.
    pub fn inside_word(&self, tokens: &[Token<'_>]) -> bool {
        self.start != tokens[self.first].start || self.end != tokens[self.last].end
    }
}

/// One place a walk can end: token index, byte offset into its term, key id.
type End = (usize, usize, u32);

/// Longest-first candidates whose surface rules hold, left to right, not
/// overlapping.
pub(super) fn candidates(
    table: &AliasTable,
    rules: &Rules,
    text: &str,
    tokens: &[Token<'_>],
    is_word: &dyn Fn(&str) -> bool,
) -> Vec<Candidate> {
    let trie = table.trie();
    let mut out = Vec::new();
    let mut ends: Vec<End> = Vec::new();
    let mut i = 0;
    // Byte offset into `tokens[i].term` where the next match may start:
    // 0, or just after a hyphen of a compound.
    let mut offset = 0;
    while i < tokens.len() {
        let term = tokens[i].term.as_ref();
        // Most terms start with an ASCII byte: no decoding.
        let first = match term.as_bytes().get(offset) {
            Some(&b) if b.is_ascii() => Some(char::from(b)),
            _ => term[offset..].chars().next(),
        };
        let Some(first) = first else {
            (i, offset) = (i + 1, 0);
            continue;
        };
        // The node after the first token when it is a plain term of a
        // spaced script, looked up rather than walked; other tokens are
        // walked. Most tokens start no name and leave here.
        let han = is_unspaced(first);
        let first_node = if han {
            // A Han (kana, Thai, ...) token that starts no key starts no
            // candidate; a name may still stand inside a Han token after
            // its first character.
            if !trie.may_start(first) {
                if term.len() >= 9 {
                    out.extend(compound_names(table, rules, text, tokens, i, is_word));
                }
                (i, offset) = (i + 1, 0);
                continue;
            }
            None
        } else if offset == 0
            && let Some(node) = table.first_term_node(term)
        {
            Some(node)
        } else if offset > 0
            || (term.len() >= 3 && term.bytes().any(|b| b == b'-'))
            || korean::may_end_in_particle(term)
        {
            // Inside, or at the start of, a hyphenated compound, or a Korean
            // word that may end in a particle after a name (삼성전자는).
            None
        } else {
            (i, offset) = (i + 1, 0);
            continue;
        };
        let compound = !han && first_node.is_none();
        walk(trie, text, tokens, i, offset, first_node, &mut ends);
        let mut found = None;
        for &(last, term_end, key) in ends.iter().rev() {
            let Some((start, end)) = surface_range(text, tokens, i, offset, last, term_end) else {
                continue;
            };
            let options: Vec<AliasRef> = table
                .aliases_of_key_id(key)
                .iter()
                .copied()
                .filter(|&r| table.surface_allows(r, text, start, end))
                .collect();
            if options.is_empty() {
                continue;
            }
            let candidate = Candidate::new(i, last, start, end, options);
            if candidate.inside_word(tokens)
                && !stands_in_compound(table, rules, text, tokens, &candidate)
            {
                continue;
            }
            found = Some((candidate, term_end));
            break;
        }
        if let Some((candidate, term_end)) = found {
            let last = candidate.last;
            out.push(candidate);
            // After a name before a hyphen, the next match may start after
            // the hyphen; a particle after a name ends the word.
            if tokens[last].term[term_end..].starts_with('-') {
                (i, offset) = (last, term_end + 1);
            } else {
                (i, offset) = (last + 1, 0);
            }
            continue;
        }
        if offset == 0 && is_han(first) {
            out.extend(compound_names(table, rules, text, tokens, i, is_word));
        }
        // The next start: after the next hyphen of a compound, else the next token.
        match term[offset..].find('-') {
            Some(hyphen) if compound => offset += hyphen + 1,
            _ => (i, offset) = (i + 1, 0),
        }
    }
    out
}

/// Every key that a walk from byte `offset` of token `i` reaches, in order:
/// at the ends of tokens and, inside hyphenated compounds, before a hyphen.
/// A Chinese key must end where a token ends (阿里 never inside 阿里山).
fn walk(
    trie: &KeyTrie,
    text: &str,
    tokens: &[Token<'_>],
    i: usize,
    offset: usize,
    first_node: Option<KeyNode>,
    ends: &mut Vec<End>,
) {
    ends.clear();
    let mut node = trie.root();
    let mut previous: Option<char> = None;
    for (j, token) in tokens.iter().enumerate().skip(i) {
        let term = token.term.as_ref();
        let from = if j == i { offset } else { 0 };
        let Some(first) = term[from..].chars().next() else {
            return;
        };
        if j > i {
            let gap = &text[tokens[j - 1].end..token.start];
            if !joins_names(gap) {
                return;
            }
            if possessive_gap(gap) {
                match trie.walk(node, "'s") {
                    Some(next) => node = next,
                    None => return,
                }
                previous = Some('s');
            }
            if needs_separator(previous, first) {
                match trie.step(node, ' ') {
                    Some(next) => node = next,
                    None => return,
                }
            }
        }
        if j == i
            && let Some(first_node) = first_node
        {
            node = first_node;
        } else {
            let rest = &term[from..];
            let hyphens = !is_han(first) && rest.contains('-');
            // A Korean word's stem before a particle may end a name
            // (삼성전자는): where the particle starts is an end too.
            let stem_ends = korean::stem_ends(term);
            for (at, c) in rest.char_indices() {
                match trie.step(node, c) {
                    Some(next) => node = next,
                    None => return,
                }
                let after = from + at + c.len_utf8();
                if ((hyphens && term[after..].starts_with('-'))
                    || (!stem_ends.is_empty() && stem_ends.contains(&after)))
                    && let Some(key) = trie.key_at(node)
                {
                    ends.push((j, after, key));
                }
            }
        }
        previous = term.chars().next_back();
        if let Some(key) = trie.key_at(node) {
            ends.push((j, term.len(), key));
        }
    }
}

/// The byte range in the text of a match from byte `offset` of token
/// `first`'s term to byte `term_end` of token `last`'s term. Offsets inside a
/// term are next to hyphens, found in the surface by counting hyphens; `None`
/// when the surface has another number of them than the term.
fn surface_range(
    text: &str,
    tokens: &[Token<'_>],
    first: usize,
    offset: usize,
    last: usize,
    term_end: usize,
) -> Option<(usize, usize)> {
    let start = if offset == 0 {
        tokens[first].start
    } else {
        // Just after the n-th hyphen, n counted in the term.
        let n = tokens[first].term[..offset].matches('-').count();
        tokens[first].start + nth_hyphen(text, &tokens[first], n)? + 1
    };
    let last_term = tokens[last].term.as_ref();
    let end = if term_end == last_term.len() {
        tokens[last].end
    } else if !last_term[term_end..].starts_with('-') {
        // Before a Korean particle: the term is the surface, so the
        // particle is as long in both.
        if tokens[last].end - tokens[last].start != last_term.len() {
            return None;
        }
        tokens[last].end - (last_term.len() - term_end)
    } else {
        // At the (n+1)-th hyphen.
        let n = tokens[last].term[..term_end].matches('-').count() + 1;
        tokens[last].start + nth_hyphen(text, &tokens[last], n)?
    };
    Some((start, end))
}

/// The byte offset in `token`'s surface of its `n`-th hyphen (1-based), if
/// the surface has as many hyphens as the term.
fn nth_hyphen(text: &str, token: &Token<'_>, n: usize) -> Option<usize> {
    let surface = &text[token.start..token.end];
    if n == 0 || surface.matches('-').count() != token.term.matches('-').count() {
        return None;
    }
    surface.match_indices('-').nth(n - 1).map(|(at, _)| at)
}

/// Whether a match inside a hyphenated compound stands: the part it covers
/// has two characters or more, and the part on either side of it is not a
/// capitalised word that is not a name itself (Jean-Claude, Coca-Cola); a
/// combining form before it (Sino-US, Pro-Beijing) is fine.
fn stands_in_compound(
    table: &AliasTable,
    rules: &Rules,
    text: &str,
    tokens: &[Token<'_>],
    candidate: &Candidate,
) -> bool {
    if text[candidate.start..candidate.end].chars().count() < 2 {
        return false;
    }
    let first = &tokens[candidate.first];
    if candidate.start > first.start {
        let before = text[first.start..candidate.start - 1]
            .rsplit('-')
            .next()
            .unwrap_or("");
        if capitalised(before) && !rules.before.contains(before) && !is_name(table, before) {
            return false;
        }
    }
    let last = &tokens[candidate.last];
    // A name before a Korean particle stands: the particle says so.
    if candidate.end < last.end && text[candidate.end..].starts_with('-') {
        let after = text[candidate.end + 1..last.end]
            .split('-')
            .next()
            .unwrap_or("");
        if capitalised(after) && !is_name(table, after) {
            return false;
        }
    }
    true
}

/// Whether `word` starts with an uppercase letter.
pub(super) fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// Whether `word` (one word as written) is an alias key of its own.
fn is_name(table: &AliasTable, word: &str) -> bool {
    !table
        .aliases_with_key(&crate::aliases::alias_key(word))
        .is_empty()
}

/// Names inside one Chinese token (see the module documentation), each
/// surrounded by rests that leave it a name; the longest first, not
/// overlapping.
fn compound_names(
    table: &AliasTable,
    rules: &Rules,
    text: &str,
    tokens: &[Token<'_>],
    index: usize,
    is_word: &dyn Fn(&str) -> bool,
) -> Vec<Candidate> {
    let token = &tokens[index];
    let term = token.term.as_ref();
    let trie = table.trie();
    // Characters on the stack: this runs for most Chinese words of three
    // characters or more, and words longer than the buffer hold no name
    // worth splitting out.
    let mut buffer = [(0usize, '\0'); 24];
    let mut count = 0;
    let mut may_hold_name = false;
    for (at, c) in term.char_indices() {
        if count == buffer.len() || !is_han(c) {
            return Vec::new();
        }
        may_hold_name |= trie.may_start(c);
        buffer[count] = (at, c);
        count += 1;
    }
    if count < 3 || !may_hold_name {
        return Vec::new();
    }
    let chars = &buffer[..count];
    let byte_at = |k: usize| chars.get(k).map_or(term.len(), |&(b, _)| b);
    let is_key = |s: &str| {
        trie.walk(trie.root(), s)
            .and_then(|n| trie.key_at(n))
            .is_some()
    };
    let mut found: Vec<(usize, usize, u32)> = Vec::new();
    for a in 0..chars.len() {
        if !trie.may_start(chars[a].1) {
            continue;
        }
        let mut node = trie.root();
        for b in a..chars.len() {
            match trie.step(node, chars[b].1) {
                Some(next) => node = next,
                None => break,
            }
            let Some(key) = trie.key_at(node) else {
                continue;
            };
            if a == 0 && b + 1 == chars.len() {
                continue; // the whole token: matched, or refused, by the walk
            }
            let before = &term[..byte_at(a)];
            let after = &term[byte_at(b + 1)..];
            let before_ok = before.is_empty()
                || words_or_names(before, &|w| is_key(w) || is_word(w))
                || single(before).is_some_and(|c| rules.zh_prefixes.contains(&c))
                || ordinal(before);
            // A place before an organisation's head is part of its name
            // (中国银行, 武汉大学); other names keep theirs (北京大学图书馆).
            let place = table
                .aliases_of_key_id(key)
                .iter()
                .all(|r| table.kind(r.entity) == Kind::Place);
            let heads = rules.zh_heads.iter().chain(&rules.zh_weak_heads);
            let ends_in_head = place && heads.clone().any(|head| after.ends_with(head.as_str()));
            let word_or_name =
                |rest: &str| !ends_in_head && words_or_names(rest, &|w| is_key(w) || is_word(w));
            // A suffix may itself be followed by a word: 北京 + 市 + 人民政府.
            let after_ok = after.is_empty()
                || word_or_name(after)
                || rules.zh_suffixes.contains(after)
                || single(&after[..after.chars().next().map_or(0, char::len_utf8)]).is_some_and(
                    |c| {
                        rules
                            .zh_suffixes
                            .contains(c.encode_utf8(&mut [0; 4]) as &str)
                            && word_or_name(&after[c.len_utf8()..])
                    },
                );
            if before_ok && after_ok {
                found.push((a, b + 1, key));
            }
        }
    }
    // Longest first, then leftmost; keep those that do not overlap.
    found.sort_by_key(|&(a, b, _)| (std::cmp::Reverse(b - a), a));
    let mut kept: Vec<(usize, usize, u32)> = Vec::new();
    for (a, b, key) in found {
        if kept.iter().all(|&(x, y, _)| b <= x || a >= y) {
            kept.push((a, b, key));
        }
    }
    kept.sort_by_key(|&(a, _, _)| a);
    kept.into_iter()
        .filter_map(|(a, b, key)| {
            // Folding keeps byte lengths: term and surface align.
            let (start, end) = (token.start + byte_at(a), token.start + byte_at(b));
            let options: Vec<AliasRef> = table
                .aliases_of_key_id(key)
                .iter()
                .copied()
                .filter(|&r| table.surface_allows(r, text, start, end))
                .collect();
            (!options.is_empty()).then(|| Candidate::new(index, index, start, end, options))
        })
        .collect()
}

/// Whether `rest` is one or more words of two characters or more (or
/// names), end to end: 体育代表团 is 体育 + 代表团, 维吾尔自治区 is 维吾尔 +
/// 自治区. A rest of one character is never one (阿里山, 小米粥).
fn words_or_names(rest: &str, is_word: &dyn Fn(&str) -> bool) -> bool {
    let bounds: Vec<usize> = rest
        .char_indices()
        .map(|(at, _)| at)
        .chain([rest.len()])
        .collect();
    let n = bounds.len() - 1;
    if !(2..=12).contains(&n) {
        return n >= 2 && is_word(rest);
    }
    // reachable[k]: the first k characters split into words.
    let mut reachable = vec![false; n + 1];
    reachable[0] = true;
    for k in 0..n {
        if !reachable[k] {
            continue;
        }
        for m in k + 2..=n {
            if is_word(&rest[bounds[k]..bounds[m]]) {
                reachable[m] = true;
            }
        }
    }
    reachable[n]
}

/// The character of a one-character string.
fn single(s: &str) -> Option<char> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// Numerals and a counter before a name: 九届 in 九届全国人大.
fn ordinal(s: &str) -> bool {
    let count = s.chars().count();
    count >= 2 && s.chars().take(count - 1).all(is_chinese_numeral)
}

/// Whether the text between two tokens can sit inside a name: whitespace
/// (line breaks included), the dot of an initial, a hyphen, the middle dot
/// of transliterated names (比尔·盖茨), an apostrophe, or a possessive `'s`
/// (the Democratic People's Republic of Korea: the possessive is dropped
/// from the term, and the longer name must still win). Anything else, a
/// comma or a parenthesis, separates names: "ByteDance (Seed)" is not
/// "ByteDance Seed".
pub(super) fn joins_names(gap: &str) -> bool {
    let gap = if possessive_gap(gap) { &gap[2..] } else { gap };
    gap.chars()
        .all(|c| c.is_whitespace() || matches!(c, '.' | '-' | '·' | '・' | '\'' | '•'))
}
