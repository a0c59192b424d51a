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
//!   武汉大学). The same holds for a name that starts or ends inside a word
//!   and runs across the words next to it, which the segmenter cut elsewhere
//!   (中共|中央政治局常委 holds 中共中央政治局, 中国|西南航空公司 holds
//!   中国西南航空, 韩国现代|汽车 holds 现代汽车): the longest name wins.
//!   A frequent four-character word is an idiom: a name in its second half
//!   does not stand after an ordinary word (实事求是 holds no 求是).

use super::Lexicon;
use super::rules::Rules;
use crate::aliases::format::alias_flags;
use crate::aliases::{
    AliasForm, AliasRef, AliasTable, KeyNode, KeyTrie, Kind, form_of_flags, needs_separator,
    possessive_gap,
};
use crate::normalize::chinese::is_chinese_numeral;
use crate::script::{is_han, is_han_at, is_unspaced};
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
    pub options: Options,
    /// The entity the match resolved to.
    pub confirmed: Option<u32>,
    /// Whether the confirmed entity was matched through a short form only.
    pub via_short: bool,
    /// Whether a rule around the match turned it down after all.
    pub vetoed: bool,
}

/// The options of a candidate: inline up to two (most keys have one or
/// two aliases), so that a candidate costs no heap block.
pub(super) type Options = smallvec::SmallVec<[Choice; 2]>;

/// An alias a candidate may be, with its key reference's flags word
/// ([`alias_flags`]): its form, case and support flags are known without
/// reading the alias, which in a large table is a cache miss or two for
/// each of the many entities that share an everyday word as a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Choice {
    /// The alias.
    pub alias: AliasRef,
    /// Its [`alias_flags`] word, as `AliasTable::key_ref_flags` gives it.
    pub flags: u32,
}

impl Choice {
    /// The entity of the alias.
    pub fn entity(self) -> u32 {
        self.alias.entity
    }

    /// The alias's form ([`AliasTable::form`]).
    pub fn form(self) -> AliasForm {
        form_of_flags(self.flags)
    }

    /// Whether the alias is `case = "exact"`.
    pub fn case_exact(self) -> bool {
        self.flags & alias_flags::CASE_EXACT != 0
    }

    /// Whether the alias is `needs = "support"`.
    pub fn needs_support(self) -> bool {
        self.flags & alias_flags::NEEDS_SUPPORT != 0
    }

    /// Whether folding to simplified Chinese changes the alias ([`AliasTable::fold_changes`]).
    pub fn fold_changes(self) -> bool {
        self.flags & alias_flags::FOLD_CHANGES != 0
    }
}

impl Candidate {
    fn new(first: usize, last: usize, start: usize, end: usize, options: Options) -> Self {
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

/// One place a walk can end: token index, byte offset into its term, key
/// id, and the punctuation the walk crossed on its way ([`PunctuationGap`]).
type End = (usize, usize, u32, PunctuationGap);

/// Whether the matcher asks the compiled table's filters (continuation
/// bits, second terms, character pairs) before stepping through the key
/// trie. Always on when matching; the tests match without them too, which
/// must find the same candidates.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Filters {
    On,
    #[cfg(test)]
    Off,
}

/// Punctuation between two terms of a match that keys do not hold: a comma
/// or an ampersand is part of some names (State Administration of Radio,
/// Film and Television; Standard & Poor's) and of no others, so a match
/// across one stands only for an alias written with it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct PunctuationGap {
    comma: bool,
    ampersand: bool,
}

impl PunctuationGap {
    /// What a gap between two terms adds; `None` when it separates names.
    fn of(gap: &str) -> Option<PunctuationGap> {
        if joins_names(gap) {
            return Some(PunctuationGap::default());
        }
        let mut marks = PunctuationGap::default();
        for c in gap.chars() {
            match c {
                ',' if !marks.comma => marks.comma = true,
                '&' if !marks.ampersand => marks.ampersand = true,
                c if c.is_whitespace() => {}
                _ => return None,
            }
        }
        Some(marks)
    }

    fn join(self, other: PunctuationGap) -> PunctuationGap {
        PunctuationGap {
            comma: self.comma || other.comma,
            ampersand: self.ampersand || other.ampersand,
        }
    }

    /// Whether alias text `written` has the punctuation the match crossed.
    fn allowed_by(self, written: &str) -> bool {
        (!self.comma || written.contains([',', '，']))
            && (!self.ampersand || written.contains(['&', '＆']))
    }
}

/// Longest-first candidates whose surface rules hold, left to right, not
/// overlapping.
pub(super) fn candidates(
    table: &AliasTable,
    rules: &Rules,
    text: &str,
    tokens: &[Token<'_>],
    lexicon: &Lexicon<'_>,
) -> Vec<Candidate> {
    candidates_with(table, rules, text, tokens, lexicon, Filters::On)
}

/// Replaces each candidate of two words or more of a spaced script that
/// resolution left unconfirmed (a name that needs support and found none)
/// by the candidates that start inside it, searched again from its second
/// word up to the next candidate: a longer name that is no name here hides
/// none that is. "The Sun Grid" holds Sun the company once The Sun the
/// newspaper finds no support; "the Information Technology University of
/// Copenhagen" the university once "the Information" finds none. Returns
/// whether any was replaced; the list stays in text order without overlaps.
pub(super) fn retry_inside_unconfirmed(
    table: &AliasTable,
    rules: &Rules,
    text: &str,
    tokens: &[Token<'_>],
    lexicon: &Lexicon<'_>,
    candidates: &mut Vec<Candidate>,
) -> bool {
    let unconfirmed = |c: &Candidate| {
        c.confirmed.is_none()
            && !c.vetoed
            && c.last > c.first
            && !text[c.start..c.end].chars().any(is_unspaced)
    };
    if !candidates.iter().any(unconfirmed) {
        return false;
    }
    let limits: Vec<usize> = candidates
        .iter()
        .skip(1)
        .map(|c| c.first)
        .chain([tokens.len()])
        .collect();
    let mut replaced = false;
    let mut out = Vec::with_capacity(candidates.len());
    for (candidate, limit) in std::mem::take(candidates).into_iter().zip(limits) {
        if unconfirmed(&candidate) {
            let from = candidate.first + 1;
            let inside: Vec<Candidate> = candidates_with(
                table,
                rules,
                text,
                &tokens[from..limit.max(from)],
                lexicon,
                Filters::On,
            )
            .into_iter()
            .map(|mut c| {
                (c.first, c.last) = (c.first + from, c.last + from);
                c
            })
            .filter(|c| c.first <= candidate.last)
            .collect();
            if !inside.is_empty() {
                replaced = true;
                out.extend(inside);
                continue;
            }
        }
        out.push(candidate);
    }
    *candidates = out;
    replaced
}

/// [`candidates`], asking the table's filters or not.
fn candidates_with(
    table: &AliasTable,
    rules: &Rules,
    text: &str,
    tokens: &[Token<'_>],
    lexicon: &Lexicon<'_>,
    filters: Filters,
) -> Vec<Candidate> {
    let trie = table.trie();
    // A name that runs across the segmenter's words leaves frequent words
    // or names around it.
    let frequent =
        |w: &str| is_key(trie, w, filters) || (lexicon.word_frequency)(w) >= rules.zh_frequent_word;
    let mut out = Vec::new();
    let mut ends: Vec<End> = Vec::new();
    // The first terms of a large table looked up all at once (see
    // `AliasTable::first_term_nodes`); empty for other tables, looked up
    // word by word below.
    let mut first_terms = Vec::new();
    let batched = table.batches_first_terms();
    if batched {
        table.first_term_nodes(
            tokens.len(),
            |i| first_term_to_batch(tokens[i].term.as_ref()),
            &mut first_terms,
        );
    }
    let mut i = 0;
    // Byte offset into `tokens[i].term` where the next match may start: 0,
    // just after a hyphen of a compound, or inside a Chinese word right
    // after a name that ended there.
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
        let chinese = is_han(first);
        let first_node = if han {
            // A Han (kana, Thai, ...) token that starts no key starts no
            // candidate; a name may still stand inside a Han token after
            // its first character.
            if !trie.may_start(first)
                || (filters == Filters::On && !walk_may_go_on(trie, tokens, i, offset, first))
            {
                if chinese && term.len() - offset >= 9 {
                    let inside =
                        compound_names(table, rules, text, tokens, i, offset, lexicon, filters);
                    (i, offset) = resume_after(tokens, &inside, i);
                    out.extend(inside);
                } else {
                    (i, offset) = (i + 1, 0);
                }
                continue;
            }
            None
        } else if offset == 0
            && let Some(node) = if batched {
                first_terms[i]
            } else {
                table.first_term_node(term)
            }
        {
            Some(node)
        } else if offset > 0
            || (term.len() >= 3 && holds_hyphen(term))
            || korean::may_end_in_particle(term)
        {
            // Inside, or at the start of, a hyphenated compound, or a Korean
            // word that may end in a particle after a name (삼성전자는).
            None
        } else {
            (i, offset) = (i + 1, 0);
            continue;
        };
        if let Some(node) = first_node
            && filters == Filters::On
            && !goes_on_after_first_term(table, text, tokens, i, node)
        {
            (i, offset) = (i + 1, 0);
            continue;
        }
        let compound = !han && first_node.is_none();
        walk(
            table, text, tokens, i, offset, first_node, &mut ends, filters,
        );
        let mut found = None;
        for &(last, term_end, key, marks) in ends.iter().rev() {
            let Some((start, end)) = surface_range(text, tokens, i, offset, last, term_end) else {
                continue;
            };
            // A name written in lower case where every alias of the key
            // wants a capital (the everyday words of a large table) has no
            // option: neither exact case nor title case can hold.
            if text.as_bytes()[start].is_ascii_lowercase() && table.key_needs_capital(key) {
                continue;
            }
            // The verdict of the previous alias's surface check, which an
            // alias with the same exact text shares (many entities of a
            // large table have the same surname or everyday word as a name).
            let mut previous_allows: Option<bool> = None;
            let options: Options = table
                .aliases_of_key_id(key)
                .iter()
                .zip(table.key_ref_flags(key))
                .filter(|&(&r, &flags)| {
                    if marks != PunctuationGap::default() && !marks.allowed_by(table.alias_text(r))
                    {
                        // The marks are read in the written text, which
                        // aliases of one exact text may write differently
                        // (﹠ and &): the next alias's verdict is its own.
                        previous_allows = None;
                        return false;
                    }
                    let allows = match previous_allows {
                        Some(allows) if flags & alias_flags::SAME_SURFACE_AS_PREVIOUS != 0 => {
                            allows
                        }
                        _ => table.surface_allows_by_key(r, flags, text, start, end),
                    };
                    previous_allows = Some(allows);
                    allows
                        || in_title_case(table, r, flags, &text[start..end])
                        || article_opens_sentence(table, r, flags, text, start, end)
                        || capital_opens_sentence(table, r, flags, text, start, end)
                })
                .map(|(&alias, &flags)| Choice { alias, flags })
                .collect();
            if options.is_empty() {
                continue;
            }
            let candidate = Candidate::new(i, last, start, end, options);
            let stands = if chinese {
                // A Chinese name that ends inside a word: the rest of that
                // word must leave it standing (a name that starts inside
                // one follows the name before it).
                let rest = &tokens[last].term[term_end..];
                // A name inside an idiom is a word of it (泰山压顶).
                let in_idiom = || {
                    (!rest.is_empty() && rules.is_zh_idiom(&tokens[last].term))
                        || (offset > 0 && rules.is_zh_idiom(&tokens[i].term))
                };
                rest_after_stands(table, rules, key, rest, &frequent)
                    && !cuts_word_at_end(rules, text, end)
                    && !in_idiom()
            } else {
                !candidate.inside_word(tokens)
                    || stands_in_compound(table, rules, text, tokens, &candidate)
            };
            if !stands {
                continue;
            }
            found = Some((candidate, term_end));
            break;
        }
        if let Some((candidate, term_end)) = found {
            let last = candidate.last;
            out.push(candidate);
            // After a name before a hyphen, the next match may start after
            // the hyphen; a Chinese word goes on right after the name; a
            // particle after a name ends the word.
            if tokens[last].term[term_end..].starts_with('-') {
                (i, offset) = (last, term_end + 1);
            } else if chinese && term_end < tokens[last].term.len() {
                (i, offset) = (last, term_end);
            } else {
                (i, offset) = (last + 1, 0);
            }
            continue;
        }
        if chinese {
            let inside = compound_names(table, rules, text, tokens, i, offset, lexicon, filters);
            (i, offset) = resume_after(tokens, &inside, i);
            out.extend(inside);
            continue;
        }
        // The next start: after the next hyphen of a compound, else the next
        // token (a term that starts a key is no compound here: its walk
        // went through its hyphens).
        match compound.then(|| memchr::memchr(b'-', &term.as_bytes()[offset..])) {
            Some(Some(hyphen)) => offset += hyphen + 1,
            _ => (i, offset) = (i + 1, 0),
        }
    }
    out
}

/// `term` if the batch of first-term lookups asks for it: a term whose
/// first character is not [`is_unspaced`] (letters of scripts written with
/// spaces, digits, symbols). Han and the other scripts without spaces start
/// no first term (their keys are walked character by character). Most tokens are ASCII or common Han, told by their first
/// bytes without decoding: the batch reads every token of a document,
/// Chinese ones too.
#[inline]
fn first_term_to_batch(term: &str) -> Option<&str> {
    let bytes = term.as_bytes();
    if bytes.first()?.is_ascii() {
        Some(term)
    } else if is_han_at(bytes, 0) {
        None
    } else {
        (!is_unspaced(term.chars().next()?)).then_some(term)
    }
}

/// Whether `term` holds a hyphen: asked of every word that is no first
/// term (most words of English text). Terms of up to 16 bytes, nearly all,
/// are read as two overlapping words of four or eight bytes and tested in
/// one go instead of byte by byte.
#[inline]
fn holds_hyphen(term: &str) -> bool {
    const EACH: u64 = 0x0101_0101_0101_0101;
    // Exact for whether some byte of `word` is a hyphen (which byte the
    // test flags may be off, never whether one is).
    let any_hyphen = |word: u64| {
        let x = word ^ (EACH * u64::from(b'-'));
        x.wrapping_sub(EACH) & !x & (EACH << 7) != 0
    };
    let bytes = term.as_bytes();
    let n = bytes.len();
    let u32_at = |at: usize| u64::from(u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()));
    let u64_at = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
    match n {
        0..4 => bytes.contains(&b'-'),
        4..8 => any_hyphen(u32_at(0) | u32_at(n - 4) << 32),
        8..=16 => any_hyphen(u64_at(0)) || any_hyphen(u64_at(n - 8)),
        _ => memchr::memchr(b'-', bytes).is_some(),
    }
}

/// Where matching goes on after the names found inside Chinese token `i`:
/// the next token, or, when the last of them runs into a later token, right
/// after it (in that token or the next).
fn resume_after(tokens: &[Token<'_>], inside: &[Candidate], i: usize) -> (usize, usize) {
    match inside.last() {
        Some(c) if c.last > i => {
            let last = &tokens[c.last];
            if c.end == last.end {
                (c.last + 1, 0)
            } else {
                // Folding keeps the byte length of Han text: term and
                // surface align.
                (c.last, c.end - last.start)
            }
        }
        _ => (i + 1, 0),
    }
}

/// Whether `s` is an alias key.
fn is_key(trie: &KeyTrie, s: &str, filters: Filters) -> bool {
    match filters {
        Filters::On => trie.is_key(s),
        #[cfg(test)]
        Filters::Off => trie
            .walk(trie.root(), s)
            .and_then(|n| trie.key_at(n))
            .is_some(),
    }
}

/// Whether a [`walk`] from `node`, the node after token `i`'s whole term (a
/// first term), may reach a key: `false` when that term is no key alone, a
/// single space leads to the next token, and no key goes on with the next
/// term after the space ([`KeyNode::may_go_on_with`],
/// [`AliasTable::second_term_may_follow`]), which is what the walk would
/// find at its second step. Most first terms of running text are everyday
/// words that start a few names (the, new, bank): they leave here, before
/// the walk is set up. Any other gap is left to the walk.
#[inline]
fn goes_on_after_first_term(
    table: &AliasTable,
    text: &str,
    tokens: &[Token<'_>],
    i: usize,
    node: KeyNode<'_>,
) -> bool {
    let trie = table.trie();
    // A word in lower case ends no key whose every alias wants a capital
    // (a large table's everyday words: The, In, Man), and then starts a
    // name only if a key goes on after it.
    if let Some(key) = trie.key_at(node)
        && !(text.as_bytes()[tokens[i].start].is_ascii_lowercase() && table.key_needs_capital(key))
    {
        return true;
    }
    let Some(next) = tokens.get(i + 1) else {
        return false;
    };
    if text.as_bytes().get(tokens[i].end..next.start) != Some(b" ") {
        return true;
    }
    let next_term = next.term.as_ref();
    let (Some(previous), Some(first)) =
        (tokens[i].term.chars().next_back(), next_term.chars().next())
    else {
        return true;
    };
    if !node.may_go_on_with(next_term) {
        return false;
    }
    if !needs_separator(Some(previous), first) {
        return true;
    }
    match trie.step(node, ' ') {
        Some(space) => table.second_term_may_follow(space, next_term),
        None => false,
    }
}

/// Whether a [`walk`] from `first`, the character at byte `offset` of token
/// `i`'s term (of a script written without spaces), may reach a key:
/// `false` when `first` is no key alone and no key starts with `first`
/// followed by the character after it in the term, or by the first of the
/// next token when nothing stands between them
/// ([`KeyTrie::may_start_with`]). The walk
/// would then step by `first`, perhaps by the next character too (a pair
/// that stands inside some key), and end no key, with reads of the key
/// trie that miss the cache: it ends one inside a term only after a
/// character that is a key's end. Most Chinese words start with a
/// character that starts some key and leave here.
fn walk_may_go_on(
    trie: &KeyTrie,
    tokens: &[Token<'_>],
    i: usize,
    offset: usize,
    first: char,
) -> bool {
    if trie.may_be_key_alone(first) {
        return true;
    }
    let rest = &tokens[i].term[offset + first.len_utf8()..];
    let second = match rest.chars().next() {
        Some(c) => c,
        None => match tokens.get(i + 1) {
            Some(next) if next.start == tokens[i].end => match next.term.chars().next() {
                Some(c) => c,
                None => return true,
            },
            _ => return true,
        },
    };
    trie.may_start_with(first, second)
}

/// Every key that a walk from byte `offset` of token `i` reaches, in order:
/// at the ends of tokens, before a hyphen inside hyphenated compounds, and
/// inside a Chinese word after the first (中共|中央政治局常委: the key
/// 中共中央政治局 ends before 常委; whether such a rest leaves the name
/// standing is the caller's to decide). A Chinese key must otherwise end
/// where a token ends (阿里 never inside 阿里山).
#[allow(clippy::too_many_arguments)]
fn walk(
    table: &AliasTable,
    text: &str,
    tokens: &[Token<'_>],
    i: usize,
    offset: usize,
    first_node: Option<KeyNode>,
    ends: &mut Vec<End>,
    filters: Filters,
) {
    ends.clear();
    let trie = table.trie();
    let mut node = trie.root();
    let mut previous: Option<char> = None;
    // The character of the last step, for the pairs filter.
    let mut last: Option<char> = None;
    let mut marks = PunctuationGap::default();
    for (j, token) in tokens.iter().enumerate().skip(i) {
        let term = token.term.as_ref();
        let from = if j == i { offset } else { 0 };
        let Some(first) = term[from..].chars().next() else {
            return;
        };
        if j > i {
            let gap = &text[tokens[j - 1].end..token.start];
            match PunctuationGap::of(gap) {
                Some(more) => marks = marks.join(more),
                None => return,
            }
            let possessive = possessive_gap(gap);
            if possessive {
                match trie.walk(node, "'s") {
                    Some(next) => node = next,
                    None => return,
                }
                previous = Some('s');
                last = Some('s');
            } else if filters == Filters::On && j == i + 1 && !node.may_go_on_with(&term[from..]) {
                // No key goes on from the first term through a separator
                // and this term's first two characters, ASCII letters or
                // digits: no key ends after the first of them either (this
                // walk ends a key inside a term only before a hyphen, inside
                // a Chinese word or at a Korean stem's end), so the walk is
                // over. In a large table
                // this spares a read of the key trie that misses the cache.
                return;
            }
            if needs_separator(previous, first) {
                match trie.step(node, ' ') {
                    Some(next) => node = next,
                    None => return,
                }
                last = Some(' ');
                // The same after the whole term, by the second terms'
                // filter (a walk would read a slot per character).
                if filters == Filters::On
                    && j == i + 1
                    && first_node.is_some()
                    && !possessive
                    && !table.second_term_may_follow(node, term)
                {
                    return;
                }
            }
        }
        if j == i
            && let Some(first_node) = first_node
        {
            node = first_node;
            last = term.chars().next_back();
        } else if j == i
            && filters == Filters::On
            && term[from..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            // A term of ASCII letters, digits and hyphens that is no first
            // term as a whole (a hyphenated compound, or its rest after a
            // hyphen): a key can end in it only before a hyphen, and go on
            // after it only if the whole rest is a key's first term. Either
            // is a key whose first term (up to a space, a script without
            // spaces or a possessive, none of which such a term holds) is
            // that part of the term, so the first terms' table answers,
            // where stepping through the key trie would read a slot per
            // character. (A term with an apostrophe is walked: the
            // segmenter keeps some, `o's`, and a first term drops a final
            // `'s`.)
            let rest = &term[from..];
            for (hyphen, _) in rest.match_indices('-') {
                if hyphen > 0
                    && let Some(part) = table.first_term_node(&rest[..hyphen])
                    && let Some(key) = trie.key_at(part)
                {
                    ends.push((j, from + hyphen, key, marks));
                }
            }
            match table.first_term_node(rest) {
                Some(whole) => node = whole,
                None => return,
            }
            last = rest.chars().next_back();
        } else {
            let rest = &term[from..];
            let han = is_han(first);
            // Inside a Chinese word after the first, with nothing between.
            let han_inside = han && j > i && tokens[j - 1].end == token.start;
            // A Korean word's stem before a particle may end a name
            // (삼성전자는): where the particle starts is an end too. Looked
            // up only when a key ends inside the term: most walks stop at
            // the first character of the next term.
            let mut stem_ends: Option<Vec<usize>> = None;
            prefetch_walk(trie, node, last, rest.chars());
            for (at, c) in rest.char_indices() {
                if filters == Filters::On
                    && let Some(last) = last
                    && !trie.may_step(last, c)
                {
                    return;
                }
                match trie.step(node, c) {
                    Some(next) => node = next,
                    None => return,
                }
                last = Some(c);
                let after = from + at + c.len_utf8();
                if after < term.len()
                    && let Some(key) = trie.key_at(node)
                    && (han_inside
                        || (!han && term[after..].starts_with('-'))
                        || stem_ends
                            .get_or_insert_with(|| korean::stem_ends(term))
                            .contains(&after))
                {
                    ends.push((j, after, key, marks));
                }
            }
        }
        previous = term.chars().next_back();
        if let Some(key) = trie.key_at(node) {
            ends.push((j, term.len(), key, marks));
        }
    }
}

/// Asks the processor for the slots of the key trie that a walk from
/// `node` by `chars` reads ([`KeyTrie::prefetch_steps`]), up to the first
/// character that the pairs say no step reaches after the one before it
/// (`previous` before the first): the walk stops there, and fetching slots
/// past it would only push other data out of the cache. Most walks in
/// Chinese text stop after a step or two; a walk through a second term of
/// English text goes on to its end. The walk asks the pairs again at each
/// step: a bit of a set that stays in the L2 cache, cheaper than keeping
/// this answer for it.
#[inline]
fn prefetch_walk(
    trie: &KeyTrie,
    node: KeyNode<'_>,
    previous: Option<char>,
    chars: impl Iterator<Item = char>,
) {
    let mut last = previous;
    trie.prefetch_steps(
        node,
        chars.take_while(move |&c| {
            let may = last.is_none_or(|l| trie.may_step(l, c));
            last = Some(c);
            may
        }),
    );
}

/// The byte range in the text of a match from byte `offset` of token
/// `first`'s term to byte `term_end` of token `last`'s term. Offsets inside a
/// Chinese term are the same in its surface (folding keeps the byte length
/// of Han text); others are next to hyphens, found in the surface by
/// counting hyphens. `None` when the surface does not align with the term.
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
    } else if let Some(at) = han_offset(&tokens[first], offset) {
        at
    } else {
        // Just after the n-th hyphen, n counted in the term.
        let n = tokens[first].term[..offset].matches('-').count();
        tokens[first].start + nth_hyphen(text, &tokens[first], n)? + 1
    };
    let last_term = tokens[last].term.as_ref();
    let end = if term_end == last_term.len() {
        tokens[last].end
    } else if let Some(at) = han_offset(&tokens[last], term_end) {
        at
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

/// The text offset of byte `at` of a Chinese token's term, when the term is
/// Han text as long as its surface.
fn han_offset(token: &Token<'_>, at: usize) -> Option<usize> {
    (token.term.starts_with(is_han) && token.end - token.start == token.term.len())
        .then_some(token.start + at)
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
/// combining form before it (Sino-US, Pro-Beijing) and a nationality
/// adjective on either side (US-German, German-US) are fine.
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
        if capitalised(before)
            && !rules.before.contains(before)
            && !rules.demonyms.contains(before)
            && !is_name(table, before)
        {
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
        if capitalised(after) && !rules.demonyms.contains(after) && !is_name(table, after) {
            return false;
        }
    }
    true
}

/// Whether `surface` is exact-case alias `r`, a coined word written with
/// capitals inside (SEPA, iTunes, PlayStation), in the title case some
/// newspapers write such names in (Sepa, Itunes, Playstation). An acronym's
/// title case passes only when it is no frequent English word (the
/// frequency rule asks nothing of it: not Line for LINE, Fair for FAIR);
/// an alias with blockers never passes this way.
fn in_title_case(table: &AliasTable, r: AliasRef, ref_flags: u32, surface: &str) -> bool {
    // The key's flags of the alias first: most options that get here are
    // exact-case aliases of everyday words written in lower case (no title
    // case starts so), and reading the text and the blockers of each would
    // cost more than the rest of the check.
    if ref_flags & alias_flags::CASE_EXACT == 0
        || ref_flags & alias_flags::HAS_BLOCKERS != 0
        || surface
            .as_bytes()
            .first()
            .is_none_or(u8::is_ascii_lowercase)
    {
        return false;
    }
    // What the title case below implies of the surface, known without
    // reading the alias: four ASCII letters or digits at least, no capital
    // after the first (Man, THE and most names fail here).
    if surface.len() < 4
        || !surface.bytes().all(|b| b.is_ascii_alphanumeric())
        || surface.as_bytes()[1..].iter().any(u8::is_ascii_uppercase)
    {
        return false;
    }
    let written = table.alias_text(r);
    if written.len() != surface.len()
        || written.len() < 4
        || !written.bytes().all(|b| b.is_ascii_alphanumeric())
        || written.bytes().filter(u8::is_ascii_alphabetic).count() < 4
        || !written[1..].bytes().any(|b| b.is_ascii_uppercase())
    {
        return false;
    }
    let mut title = written[..1].to_ascii_uppercase();
    title.push_str(&written[1..].to_ascii_lowercase());
    if surface != title {
        return false;
    }
    let acronym = !written.bytes().any(|b| b.is_ascii_lowercase());
    let kind = table.kind(r.entity);
    !acronym || crate::aliases::ambiguity::requirement(surface, kind).is_none()
}

/// Whether `text[start..end]` is exact-case alias `r`, a name written with
/// a lower-case article (the Fed, the Pacific, the States), with the
/// article capitalised because it opens a sentence or a line (The Fed
/// raised rates): the capital says nothing of the name. Blockers still
/// hold. Mid-sentence, "The" stays a different name's (The Atlantic, the
/// magazine, beside the Atlantic, the ocean).
fn article_opens_sentence(
    table: &AliasTable,
    r: AliasRef,
    ref_flags: u32,
    text: &str,
    start: usize,
    end: usize,
) -> bool {
    // The key's flags first, as in `in_title_case`: only an exact-case alias
    // whose exact text starts with a lower-case t gets further.
    if ref_flags & alias_flags::CASE_EXACT == 0
        || (ref_flags >> alias_flags::EXACT_FIRST_SHIFT) as u8 != b't'
        || !text[start..end].starts_with("The ")
    {
        return false;
    }
    let written = table.alias_text(r);
    let Some(rest) = written.strip_prefix("the ") else {
        return false;
    };
    if !canon_table::same_text(&text[start + 4..end], rest) || !opens_sentence(text, start) {
        return false;
    }
    table.blockers_allow(r, text, start, end)
}

/// Whether `text[start..end]` is exact-case alias `r`, a coined name that
/// starts with a small letter before a capital (iTunes, iPod, eBay), with
/// that first letter capitalised because the name opens a sentence or a
/// line, as headlines write it (ITunes user sues Apple, EBay profits jump):
/// the capital says nothing of the name. Blockers still hold. A surface in
/// capitals throughout (IOS for iOS: Cisco's IOS too) does not pass, nor
/// does one mid-sentence.
fn capital_opens_sentence(
    table: &AliasTable,
    r: AliasRef,
    ref_flags: u32,
    text: &str,
    start: usize,
    end: usize,
) -> bool {
    // The key's flags first, as in `in_title_case`: only an exact-case alias
    // whose exact text starts with a small ASCII letter gets further.
    let surface = text.as_bytes();
    if ref_flags & alias_flags::CASE_EXACT == 0
        || !((ref_flags >> alias_flags::EXACT_FIRST_SHIFT) as u8).is_ascii_lowercase()
        || !surface[start].is_ascii_uppercase()
    {
        return false;
    }
    let written = table.alias_text(r).as_bytes();
    let surface = &surface[start..end];
    let coined = written.len() == surface.len()
        && written.len() >= 3
        && written[1].is_ascii_uppercase()
        && surface[0] == written[0].to_ascii_uppercase()
        && surface[1..] == written[1..]
        && surface[1..].iter().any(u8::is_ascii_lowercase);
    coined && opens_sentence(text, start) && table.blockers_allow(r, text, start, end)
}

/// Whether the word at `at` opens a sentence or a line: nothing but spaces
/// and opening quotes or brackets stands between it and the start of the
/// text, a line break, the punctuation that ends a sentence or introduces a
/// quotation (`. ! ? : ;`, a closing quote after them too), a bullet, or a
/// dash set off by a space, as after a wire dateline (WASHINGTON — The Fed,
/// LONDON (Reuters) - The Fed).
pub(super) fn opens_sentence(text: &str, at: usize) -> bool {
    let before = text[..at].trim_end_matches([' ', '\t', '"', '\'', '(', '[']);
    let mut chars = before.chars().rev();
    match chars.next() {
        None => true,
        Some('\n' | '.' | '!' | '?' | ':' | ';' | '•') => true,
        Some('—' | '–' | '-') => {
            before.len() < at && chars.next().is_none_or(char::is_whitespace)
        }
        Some(_) => false,
    }
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

/// Names inside Chinese token `index` from byte `from` of its term on (see
/// the module documentation), each surrounded by rests that leave it a name;
/// a name that starts inside the token may run on into the words after it
/// (韩国现代|汽车 holds 现代汽车). The longest first, not overlapping, in text
/// order. Names that start at `from` and end past the token are the walk's.
#[allow(clippy::too_many_arguments)]
fn compound_names(
    table: &AliasTable,
    rules: &Rules,
    text: &str,
    tokens: &[Token<'_>],
    index: usize,
    from: usize,
    lexicon: &Lexicon<'_>,
    filters: Filters,
) -> Vec<Candidate> {
    let token = &tokens[index];
    let term = &token.term[from..];
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
    let is_word_or_name = |w: &str| is_key(trie, w, filters) || (lexicon.is_word)(w);
    // A four-character word the dictionary has seen often is an idiom or a
    // fixed phrase (实事求是, 1,011 times in jieba's counts): a name in its
    // second half stands after another name or an affix, not after an
    // ordinary word (求是 there is no magazine). Rare compounds split (首都北京,
    // 美国纽约: 3 times), and rests after a name are not concerned (山东半岛).
    // Asked once a name ends inside the word, which few do.
    let idiom = std::cell::OnceCell::new();
    let idiom = || {
        *idiom.get_or_init(|| {
            from == 0
                && chars.len() == 4
                && (lexicon.word_frequency)(term) >= rules.zh_frequent_word
        })
    };
    let stands_after = |w: &str| is_key(trie, w, filters) || (!idiom() && (lexicon.is_word)(w));
    // Across the segmenter's words: names or prefixes before, frequent
    // words or names after (韩国现代|汽车 holds 现代汽车; 秘书长|和 holds no 长和).
    let is_name = |w: &str| is_key(trie, w, filters);
    let frequent = |w: &str| is_name(w) || (lexicon.word_frequency)(w) >= rules.zh_frequent_word;
    // (first character, characters, last token, byte offset in its term, key)
    let mut found: Vec<(usize, usize, usize, usize, u32)> = Vec::new();
    for a in 0..chars.len() {
        if !trie.may_start(chars[a].1) {
            continue;
        }
        // No key alone, and none goes on with the next character: the walk
        // from here would end no key (see `walk_may_go_on`).
        if filters == Filters::On
            && a + 1 < chars.len()
            && !trie.may_be_key_alone(chars[a].1)
            && !trie.may_start_with(chars[a].1, chars[a + 1].1)
        {
            continue;
        }
        let before = &term[..byte_at(a)];
        // Asked once a name ends inside the word: most starts find none.
        let mut before_stands = None;
        let mut node = trie.root();
        let mut alive = true;
        prefetch_walk(trie, node, None, chars[a..].iter().map(|&(_, c)| c));
        for b in a..chars.len() {
            if filters == Filters::On && b > a && !trie.may_step(chars[b - 1].1, chars[b].1) {
                alive = false;
                break;
            }
            match trie.step(node, chars[b].1) {
                Some(next) => node = next,
                None => {
                    alive = false;
                    break;
                }
            }
            let Some(key) = trie.key_at(node) else {
                continue;
            };
            if a == 0 && b + 1 == chars.len() {
                continue; // the whole rest of the token: matched, or refused, by the walk
            }
            if !*before_stands
                .get_or_insert_with(|| rest_before_stands(rules, before, &stands_after))
            {
                break;
            }
            let after = &term[byte_at(b + 1)..];
            if rest_after_stands(table, rules, key, after, &is_word_or_name) {
                found.push((a, b + 1 - a, index, from + byte_at(b + 1), key));
            }
        }
        // Names alone before a name that runs on (which implies the rule
        // above).
        if !alive || a == 0 || !rest_before_stands(rules, before, &is_name) {
            continue;
        }
        // On into the Chinese words right after this one.
        let mut length = chars.len() - a;
        let mut last = chars[chars.len() - 1].1;
        for (j, next) in tokens.iter().enumerate().skip(index + 1) {
            let next_term = next.term.as_ref();
            if tokens[j - 1].end != next.start || !next_term.starts_with(is_han) {
                break;
            }
            for (at, c) in next_term.char_indices() {
                if filters == Filters::On && !trie.may_step(last, c) {
                    alive = false;
                    break;
                }
                match trie.step(node, c) {
                    Some(n) => node = n,
                    None => {
                        alive = false;
                        break;
                    }
                }
                last = c;
                length += 1;
                let Some(key) = trie.key_at(node) else {
                    continue;
                };
                let end = at + c.len_utf8();
                if rest_after_stands(table, rules, key, &next_term[end..], &frequent) {
                    found.push((a, length, j, end, key));
                }
            }
            if !alive {
                break;
            }
        }
    }
    // A name inside an idiom is a word of it (重于泰山, 东躲西藏), whatever
    // the rests around it: asked once a name was found, which few words do.
    if !found.is_empty() && from == 0 && rules.is_zh_idiom(&token.term) {
        return Vec::new();
    }
    // Longest first, then leftmost; keep those that do not overlap.
    found.sort_by_key(|&(a, length, ..)| (std::cmp::Reverse(length), a));
    let mut kept: Vec<(usize, usize, usize, usize, u32)> = Vec::new();
    for f in found {
        let (a, length) = (f.0, f.1);
        if kept.iter().all(|&(x, l, ..)| a + length <= x || a >= x + l) {
            kept.push(f);
        }
    }
    kept.sort_by_key(|&(a, ..)| a);
    kept.into_iter()
        .filter_map(|(a, _, last, end, key)| {
            let start = han_offset(token, from + byte_at(a))?;
            let end = han_offset(&tokens[last], end)?;
            let options: Options = table
                .aliases_of_key_id(key)
                .iter()
                .zip(table.key_ref_flags(key))
                .filter(|&(&r, _)| table.surface_allows(r, text, start, end))
                .map(|(&alias, &flags)| Choice { alias, flags })
                .collect();
            (!options.is_empty() && !cuts_word_at_end(rules, text, end))
                .then(|| Candidate::new(index, last, start, end, options))
        })
        .collect()
}

/// Whether a Chinese name ending at byte `end` cuts a word in two: its last
/// character and the one after it make a title or a word of their own
/// (国家安全部|长 is 国家安全 + 部长, a minister; 天津市|长 is 天津 + 市长).
fn cuts_word_at_end(rules: &Rules, text: &str, end: usize) -> bool {
    let (Some(last), Some(next)) = (text[..end].chars().next_back(), text[end..].chars().next())
    else {
        return false;
    };
    is_han(last) && is_han(next) && rules.zh_cut_words.contains(&[last, next])
}

/// Whether `before`, the rest of a Chinese word before a name inside it,
/// leaves the name standing: nothing, words of two characters or more or
/// names (首都 + 北京), a prefix (驻, 全), or numerals and a counter (九届).
fn rest_before_stands(rules: &Rules, before: &str, is_word_or_name: &dyn Fn(&str) -> bool) -> bool {
    before.is_empty()
        || words_or_names(before, is_word_or_name)
        || single(before).is_some_and(|c| rules.zh_prefixes.contains(&c))
        || ordinal(before)
}

/// Whether `after`, the rest of a Chinese word after a name with key `key`
/// inside it, leaves the name standing: nothing, words or names (北京 +
/// 人民政府), a suffix (北京 + 市, 法国 + 人), a suffix and words (北京 + 市 +
/// 人民政府), or a link that says the rest is the name's (中国 + 驻南使馆). A
/// place before an organisation's head is part of its name instead
/// (中国银行, 武汉大学); other names keep theirs (北京大学图书馆).
fn rest_after_stands(
    table: &AliasTable,
    rules: &Rules,
    key: u32,
    after: &str,
    is_word_or_name: &dyn Fn(&str) -> bool,
) -> bool {
    if after.is_empty() {
        return true;
    }
    let place = || {
        table
            .aliases_of_key_id(key)
            .iter()
            .all(|r| table.kind(r.entity) == Kind::Place)
    };
    let ends_in_head = || {
        let mut heads = rules.zh_heads.iter().chain(&rules.zh_weak_heads);
        // A one-character head (报) is a word of its own, not an ending.
        heads.any(|head| {
            after.ends_with(head.as_str()) && (after == head || head.chars().nth(1).is_some())
        }) && place()
    };
    let word_or_name = |rest: &str| words_or_names(rest, is_word_or_name) && !ends_in_head();
    if word_or_name(after) {
        return true;
    }
    // Administrative suffixes and links are for places: 天津市南开区 holds no
    // Nankai University, while 共和党人 and 人民日报社 hold their names.
    let suffix =
        |s: &str| rules.zh_suffixes.contains(s) || (rules.zh_place_suffixes.contains(s) && place());
    let Some(c) = after.chars().next() else {
        return true;
    };
    let rest = &after[c.len_utf8()..];
    let mut buffer = [0; 4];
    let c: &str = c.encode_utf8(&mut buffer);
    // Last, as it makes the rest's key: the whole rest is a known
    // organisation's name, and the place is its locator (美国|康奈尔大学), as
    // a known name between a place and its head makes it in
    // `context::chinese_head_after` (瑞典沃尔沃汽车公司). A name the place
    // starts is an alias of its own and the longer match (中国人民大学, 中国银行).
    let is_organisation = |name: &str| {
        table
            .aliases_with_key(&crate::aliases::alias_key(name))
            .iter()
            .any(|r| table.kind(r.entity) != Kind::Place)
    };
    // The same for a known name and its head in one word, after a place
    // abroad (美国|微软公司, 德国|西门子公司, 日本|丰田汽车公司), as
    // `context::chinese_head_after` reads them when the segmenter splits
    // them; a place of the home country starts the registered names of its
    // organisations (`zh.home`), so there the rest is the name's.
    let known_organisation_and_head =
        || {
            after.char_indices().skip(2).any(|(at, _)| {
                rules.zh_heads.contains(&after[at..]) && is_organisation(&after[..at])
            }) && place_abroad(table, rules, key)
        };
    suffix(after)
        || (suffix(c) && word_or_name(rest))
        || (rules.zh_links.contains(c) && place())
        || is_organisation(after)
        || known_organisation_and_head()
}

/// Whether every entity of key `key` is a place abroad
/// ([`super::context::is_abroad`]).
fn place_abroad(table: &AliasTable, rules: &Rules, key: u32) -> bool {
    table.aliases_of_key_id(key).iter().all(|r| {
        table.kind(r.entity) == Kind::Place && super::context::is_abroad(table, rules, r.entity)
    })
}

/// Whether `rest` is one or more words of two characters or more (or
/// names), end to end: 体育代表团 is 体育 + 代表团, 维吾尔自治区 is 维吾尔 +
/// 自治区. A rest of one character is never one (阿里山, 小米粥).
fn words_or_names(rest: &str, is_word: &dyn Fn(&str) -> bool) -> bool {
    // The characters' offsets on the stack (this runs for the rests of most
    // Chinese words with a name inside): n is their count, 13 for more
    // than 12, which are not split.
    let mut bounds = [0usize; 13];
    let mut n = 0;
    for (at, _) in rest.char_indices() {
        if n == 12 {
            n = 13;
            break;
        }
        bounds[n] = at;
        n += 1;
    }
    if !(2..=12).contains(&n) {
        return n >= 2 && is_word(rest);
    }
    bounds[n] = rest.len();
    // reachable[k]: the first k characters split into words.
    let mut reachable = [false; 13];
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aliases::TableSource;
    use crate::detect::Language;
    use crate::segment::Router;
    use crate::test_support::xorshift;

    /// `words_or_names` as it was before its offsets moved to the stack.
    fn words_or_names_reference(rest: &str, is_word: &dyn Fn(&str) -> bool) -> bool {
        let bounds: Vec<usize> = rest
            .char_indices()
            .map(|(at, _)| at)
            .chain([rest.len()])
            .collect();
        let n = bounds.len() - 1;
        if !(2..=12).contains(&n) {
            return n >= 2 && is_word(rest);
        }
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

    #[test]
    fn sentences_open_after_their_ends_and_at_lines() {
        for (text, at) in [
            ("The Fed", 0),
            ("Rates rose. The Fed", 12),
            ("He said: \"The Fed", 10),
            ("It fell.\" The Fed", 10),
            ("Rates\n(The Fed", 7),
        ] {
            assert!(opens_sentence(text, at), "{text:?}");
        }
        for (text, at) in [
            ("WASHINGTON — The Fed", 15),
            ("LONDON (Reuters) - The Fed", 19),
            ("• The Fed", 4),
        ] {
            assert!(opens_sentence(text, at), "{text:?}");
        }
        for (text, at) in [
            ("watched The Fed", 8),
            ("U.S.-led The Fed", 9),
            ("a, The Fed", 3),
            ("pro-The Fed", 4),
        ] {
            assert!(!opens_sentence(text, at), "{text:?}");
        }
    }

    /// Rests of every length to 15 characters, split into words of a small
    /// dictionary or not, as before.
    #[test]
    fn holds_hyphen_answers_as_a_byte_search() {
        // Every length up to 24, a hyphen at every place or none, amid
        // bytes next to it in value and UTF-8 continuation bytes.
        for n in 0..=24 {
            for filler in ["a", ",", ".", "é"] {
                let plain: String = filler.repeat(n);
                assert!(!holds_hyphen(&plain), "{plain:?}");
                for at in 0..n.min(plain.len()) {
                    if !plain.is_char_boundary(at) {
                        continue;
                    }
                    let with = format!("{}-{}", &plain[..at], &plain[at..]);
                    assert!(holds_hyphen(&with), "{with:?}");
                }
            }
        }
        let mut next = xorshift(7);
        for _ in 0..20_000 {
            let n = next(30);
            let term: String = (0..n).map(|_| char::from(b"-,.az\x7f/"[next(7)])).collect();
            assert_eq!(holds_hyphen(&term), term.contains('-'), "{term:?}");
        }
    }

    #[test]
    fn rests_split_into_words_as_before() {
        let words = [
            "北京",
            "大学",
            "北京大学",
            "市长",
            "长江",
            "江大桥",
            "大桥",
            "京大",
        ];
        let is_word = |w: &str| words.contains(&w);
        let chars = ["北", "京", "大", "学", "市", "长", "江", "桥"];
        let mut below = xorshift(0x2545_F491_4F6C_DD1D);
        let mut split = 0;
        for _ in 0..20_000 {
            let rest: String = (0..below(16)).map(|_| chars[below(chars.len())]).collect();
            let expected = words_or_names_reference(&rest, &is_word);
            assert_eq!(words_or_names(&rest, &is_word), expected, "{rest:?}");
            split += usize::from(expected);
        }
        for rest in [
            "北京大学",
            "北京大学北京大学市长",
            "北京大学北京大学北京",
            "北京大学北京大学北京大",
            "北京大学北京大学北京大学",
            "北京大学北京大学北京大学市",
        ] {
            assert_eq!(
                words_or_names(rest, &is_word),
                words_or_names_reference(rest, &is_word),
                "{rest:?}"
            );
        }
        assert!(split > 100, "{split} split");
    }

    /// `in_title_case` as it was before its checks of the surface alone.
    fn in_title_case_reference(
        table: &AliasTable,
        r: AliasRef,
        ref_flags: u32,
        surface: &str,
    ) -> bool {
        if ref_flags & alias_flags::CASE_EXACT == 0
            || ref_flags & alias_flags::HAS_BLOCKERS != 0
            || surface
                .as_bytes()
                .first()
                .is_none_or(u8::is_ascii_lowercase)
        {
            return false;
        }
        let written = table.alias_text(r);
        if written.len() != surface.len()
            || written.len() < 4
            || !written.bytes().all(|b| b.is_ascii_alphanumeric())
            || written.bytes().filter(u8::is_ascii_alphabetic).count() < 4
            || !written[1..].bytes().any(|b| b.is_ascii_uppercase())
        {
            return false;
        }
        let mut title = written[..1].to_ascii_uppercase();
        title.push_str(&written[1..].to_ascii_lowercase());
        if surface != title {
            return false;
        }
        let acronym = !written.bytes().any(|b| b.is_ascii_lowercase());
        !acronym || crate::aliases::ambiguity::requirement(surface, table.kind(r.entity)).is_none()
    }

    /// The title-case check answers as without its surface checks, for
    /// every alias of the built-in table and of names of four bytes, with
    /// digits and with capitals inside, in the cases a text writes them.
    #[test]
    fn the_title_case_check_answers_as_its_reference() {
        let extra = AliasTable::from_sources(&[TableSource {
            name: "names.toml".into(),
            text: r#"
[[entity]]
id = "sepa"
name = "SEPA"
kind = "org"
aliases.en = [{ text = "SEPA", case = "exact" }, { text = "iPod", case = "exact" }, { text = "MP3Pro", case = "exact" }, { text = "X9Ab", case = "exact" }]
"#
            .into(),
            jsonl: false,
        }])
        .unwrap();
        let (mut checked, mut titles) = (0, 0);
        for table in [AliasTable::builtin(), extra] {
            for key in 0..table.key_count() as u32 {
                for (&r, &flags) in table
                    .aliases_of_key_id(key)
                    .iter()
                    .zip(table.key_ref_flags(key))
                {
                    let written = table.alias_text(r);
                    let title = match written.get(..1) {
                        Some(first) => {
                            first.to_ascii_uppercase() + &written[1..].to_ascii_lowercase()
                        }
                        None => String::new(),
                    };
                    for surface in [
                        written.to_string(),
                        written.to_ascii_lowercase(),
                        written.to_ascii_uppercase(),
                        title.clone(),
                        format!("{title}s"),
                        title
                            .get(..title.len().saturating_sub(1))
                            .unwrap_or("")
                            .to_string(),
                    ] {
                        let expected = in_title_case_reference(&table, r, flags, &surface);
                        assert_eq!(
                            in_title_case(&table, r, flags, &surface),
                            expected,
                            "{surface:?} for {written:?}"
                        );
                        checked += 1;
                        titles += usize::from(expected);
                    }
                }
            }
        }
        assert!(
            checked > 100_000 && titles >= 4,
            "{checked} checked, {titles} title cases"
        );
    }

    /// A choice answers from its key reference's flags as the table does
    /// from the alias, for every alias of every key of the built-in table.
    #[test]
    fn choices_answer_as_their_aliases() {
        let table = AliasTable::builtin();
        let mut forms = [0usize; 3];
        for key in 0..table.key_count() as u32 {
            for (&alias, &flags) in table
                .aliases_of_key_id(key)
                .iter()
                .zip(table.key_ref_flags(key))
            {
                let choice = Choice { alias, flags };
                assert_eq!(choice.entity(), alias.entity);
                assert_eq!(choice.form(), table.form(alias), "{alias:?}");
                assert_eq!(choice.case_exact(), table.case_exact(alias), "{alias:?}");
                assert_eq!(
                    choice.needs_support(),
                    table.needs_support(alias),
                    "{alias:?}"
                );
                assert_eq!(
                    choice.fold_changes(),
                    table.fold_changes(alias),
                    "{alias:?}"
                );
                forms[choice.form() as usize] += 1;
            }
        }
        assert!(forms.iter().all(|&n| n > 0), "{forms:?}");
    }

    /// The batch's shortcut on first bytes answers as the character's
    /// script does, for every character first (and for the empty term).
    #[test]
    fn terms_batched_are_those_of_spaced_scripts() {
        assert_eq!(first_term_to_batch(""), None);
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for rest in ["", "a", "中"] {
                let term = format!("{c}{rest}");
                assert_eq!(
                    first_term_to_batch(&term),
                    (!is_unspaced(c)).then_some(term.as_str()),
                    "{c:?} U+{:04X}",
                    c as u32
                );
            }
        }
    }

    /// Candidates with the table's filters and without them, over texts
    /// made by `text_of` and segmented as Chinese, and names inside the Han
    /// characters of each text taken as one word; (candidates found, names
    /// found inside the one word).
    fn same_candidates_with_and_without_filters(
        table: &AliasTable,
        texts: usize,
        text_of: impl FnMut() -> String,
    ) -> (usize, usize) {
        same_candidates_in("zh", table, texts, text_of)
    }

    /// [`same_candidates_with_and_without_filters`] with text segmented as
    /// language `code`.
    fn same_candidates_in(
        code: &'static str,
        table: &AliasTable,
        texts: usize,
        mut text_of: impl FnMut() -> String,
    ) -> (usize, usize) {
        let router = Router::with_table(table);
        let lexicon = Lexicon {
            is_word: &|w| router.is_dictionary_word(w),
            is_common_word: &|w| router.is_common_word(w),
            word_frequency: &|w| router.word_frequency(w),
        };
        let lang = Language {
            code,
            confidence: 1.0,
        };
        let rules = super::super::rules::rules();
        // The same table, its first terms looked up in a batch (see
        // `AliasTable::first_term_nodes`), as large tables' are.
        let batched = table.clone().with_first_term_batches(true);
        let (mut found, mut inside) = (0, 0);
        for _ in 0..texts {
            let text = text_of();
            let lower = text.to_lowercase();
            let tokens = router.segment(&text, &lower, lang);
            let with = candidates_with(table, rules, &text, &tokens, &lexicon, Filters::On);
            let without = candidates_with(table, rules, &text, &tokens, &lexicon, Filters::Off);
            assert_eq!(format!("{with:?}"), format!("{without:?}"), "{text:?}");
            let batched = candidates_with(&batched, rules, &text, &tokens, &lexicon, Filters::On);
            assert_eq!(
                format!("{with:?}"),
                format!("{batched:?}"),
                "{text:?}, first terms in a batch"
            );
            found += with.len();
            // One word, as the segmenter gives few: names inside it of
            // every length, at every place.
            let han: String = text.chars().filter(|&c| is_han(c)).collect();
            let word = [Token {
                term: han.as_str().into(),
                start: 0,
                end: han.len(),
            }];
            let names = |filters| {
                let names = compound_names(table, rules, &han, &word, 0, 0, &lexicon, filters);
                format!("{names:?}")
            };
            let with = names(Filters::On);
            assert_eq!(with, names(Filters::Off), "{han:?} as one word");
            inside += with.matches("Candidate").count();
        }
        (found, inside)
    }

    /// The character pairs never change the candidates in Chinese text:
    /// random names of one to three pieces (words of jieba's dictionary
    /// and single characters, so that names share pairs, prefixes and
    /// characters, and stand inside the segmenter's words and across them)
    /// and an ending that starts no name (so that some pairs stand inside
    /// names only),
    /// in random texts of the same pieces with spaces, commas and Latin
    /// between them.
    #[test]
    fn the_pairs_never_change_chinese_candidates() {
        let pieces = [
            "中国", "银行", "人民", "大学", "北京", "上海", "华为", "科技", "中", "国", "人", "学",
            "京", "华",
        ];
        // Endings that start no name: pairs inside names that are no first
        // pair of any.
        let tails = ["集团", "公司", "委员会", ""];
        let mut pick = xorshift(0x9E37_79B9_7F4A_7C15);
        let mut source = String::new();
        for e in 0..150 {
            let mut name: String = (0..1 + pick(3))
                .map(|_| pieces[pick(pieces.len())])
                .collect();
            name.push_str(tails[pick(tails.len())]);
            source.push_str(&format!(
                "[[entity]]\nid = \"e{e}\"\nname = \"{name}\"\nkind = \"org\"\naliases.zh-Hans = [\"{name}\"]\n\n"
            ));
        }
        let table = AliasTable::from_sources(&[TableSource {
            name: "random.toml".into(),
            text: source,
            jsonl: false,
        }])
        .unwrap();
        let gaps = ["", "", "", "", " ", "，", "ab"];
        let (found, inside) = same_candidates_with_and_without_filters(&table, 600, || {
            let mut text = String::new();
            for _ in 0..2 + pick(12) {
                text.push_str(gaps[pick(gaps.len())]);
                text.push_str(pieces[pick(pieces.len())]);
                if pick(4) == 0 {
                    text.push_str(tails[pick(tails.len())]);
                }
            }
            text
        });
        assert!(
            found > 1000 && inside > 100,
            "{found} candidates, {inside} inside words"
        );
    }

    /// The filters and the first terms' shortcut
    /// ([`goes_on_after_first_term`]) over English text: names of the
    /// built-in table of two words or more among everyday words.
    #[test]
    fn the_filters_never_change_english_candidates_of_the_builtin_table() {
        // Names of the built-in table written as they are, in lower case and
        // in capitals, between everyday words (some of which start names:
        // the, new, bank) and gaps of every kind a walk reads.
        let table = AliasTable::builtin();
        // Its quick-reject bits turn away most words: looked up word by
        // word (and in a batch too, below).
        assert!(!table.batches_first_terms());
        let mut names: Vec<String> = table
            .keys()
            .map(|(key, _)| key)
            .filter(|key| key.is_ascii() && key.contains(' '))
            .map(str::to_string)
            .collect();
        assert!(names.len() > 1000, "{} names", names.len());
        // Names of ASCII letters or digits then Han (SK集团, 21世纪经济报道),
        // written with a space between, as news does: the walk goes on
        // from the first term with no separator between the two scripts.
        let mixed: Vec<String> = table
            .keys()
            .map(|(key, _)| key)
            .filter(|key| {
                key.starts_with(|c: char| c.is_ascii_alphanumeric()) && key.chars().any(is_han)
            })
            .filter_map(|key| {
                let at = key.find(is_han)?;
                key[..at]
                    .is_ascii()
                    .then(|| format!("{} {}", &key[..at], &key[at..]))
            })
            .collect();
        assert!(mixed.len() > 10, "{} mixed names", mixed.len());
        names.extend(mixed.iter().cycle().take(names.len() / 4).cloned());
        let words = [
            "the", "The", "a", "new", "New", "bank", "Bank", "of", "said", "people", "US", "at",
            "world", "in", "and", "Mr", "state", "union", "group", "China", "UK", "2004",
        ];
        let gaps = [
            " ", " ", " ", " ", "  ", ", ", "'s ", "-", "\n", " & ", ". ",
        ];
        let mut pick = xorshift(0x2545_F491_4F6C_DD1D);
        let (found, _) = same_candidates_in("en", &table, 2_000, || {
            let mut text = String::new();
            for k in 0..2 + pick(10) {
                if k > 0 {
                    text.push_str(gaps[pick(gaps.len())]);
                }
                match pick(3) {
                    0 => {
                        let name = &names[pick(names.len())];
                        match pick(3) {
                            0 => text.push_str(name),
                            1 => text.push_str(&name.to_uppercase()),
                            _ => text.extend(name.split(' ').map(|w| {
                                let mut w = w.to_string();
                                if let Some(first) = w.get_mut(..1) {
                                    first.make_ascii_uppercase();
                                }
                                w + " "
                            })),
                        }
                    }
                    _ => text.push_str(words[pick(words.len())]),
                }
            }
            text
        });
        assert!(found > 1_000, "{found} candidates");
    }

    /// The same with the built-in table, over texts of its Chinese keys
    /// between everyday characters and words.
    #[test]
    fn the_pairs_never_change_chinese_candidates_of_the_builtin_table() {
        let table = AliasTable::builtin();
        let keys: Vec<&str> = table
            .keys()
            .map(|(key, _)| key)
            .filter(|key| key.chars().all(is_han))
            .collect();
        assert!(keys.len() > 1000, "{} Chinese keys", keys.len());
        let others = [
            "的", "在", "和", "年", "中", "国", "人", "发展", "经济", "，", "。", " ",
        ];
        let mut pick = xorshift(0xD1B5_4A32_D192_ED03);
        let (found, inside) = same_candidates_with_and_without_filters(&table, 300, || {
            let mut text = String::new();
            for _ in 0..3 + pick(12) {
                match pick(3) {
                    0 => text.push_str(keys[pick(keys.len())]),
                    _ => text.push_str(others[pick(others.len())]),
                }
            }
            text
        });
        assert!(
            found > 500 && inside > 20,
            "{found} candidates, {inside} inside words"
        );
    }

    /// The walk reaches the same keys with the compiled table's filters as
    /// without them, on random names and texts made of the pieces that put
    /// the filters' reasoning to the test: hyphens, possessives, digits,
    /// Han and Hangul (with particles) next to Latin, a first term that is
    /// a whole key, words that are prefixes of others; from the start of
    /// each term and from after each of its hyphens.
    #[test]
    fn the_filters_never_change_what_a_walk_reaches() {
        let pieces = [
            "ab",
            "abc",
            "ab1",
            "a",
            "b9",
            "x-ray",
            "o's",
            "ab中",
            "中文",
            "삼성",
            "삼성은",
            "zz",
            "abc-d",
            "c",
            "ab-c-",
            "x-ab1-zz",
            "a--b",
            "ab-o's",
            "x-ray's",
        ];
        let mut pick = xorshift(0xD1B5_4A32_D192_ED03);
        let mut source = String::new();
        for e in 0..300 {
            let words: Vec<&str> = (0..1 + pick(3))
                .map(|_| pieces[pick(pieces.len())])
                .collect();
            let name = words.join(" ");
            source.push_str(&format!(
                "[[entity]]\nid = \"e{e}\"\nname = \"{name}\"\nkind = \"org\"\naliases.en = [\"{name}\"]\n\n"
            ));
        }
        let table = AliasTable::from_sources(&[TableSource {
            name: "random.toml".into(),
            text: source,
            jsonl: false,
        }])
        .unwrap();
        let router = Router::with_table(&table);
        let gaps = [" ", " ", " ", "'s ", "-", ", ", " — "];
        let (mut walks, mut reached) = (0, 0);
        for _ in 0..300 {
            let mut text = String::new();
            for w in 0..2 + pick(8) {
                if w > 0 {
                    text.push_str(gaps[pick(gaps.len())]);
                }
                text.push_str(pieces[pick(pieces.len())]);
            }
            let lower = text.to_lowercase();
            let lang = Language {
                code: "en",
                confidence: 1.0,
            };
            let tokens = router.segment(&text, &lower, lang);
            let (mut with, mut without) = (Vec::new(), Vec::new());
            for i in 0..tokens.len() {
                let term = tokens[i].term.as_ref();
                // From the start, as the matcher does, with the first
                // term's node when it is one, and from after each hyphen.
                let starts = [(0, table.first_term_node(term)), (0, None)]
                    .into_iter()
                    .chain(term.match_indices('-').map(|(at, _)| (at + 1, None)));
                for (offset, first_node) in starts {
                    walk(
                        &table,
                        &text,
                        &tokens,
                        i,
                        offset,
                        first_node,
                        &mut with,
                        Filters::On,
                    );
                    walk(
                        &table,
                        &text,
                        &tokens,
                        i,
                        offset,
                        first_node,
                        &mut without,
                        Filters::Off,
                    );
                    assert_eq!(with, without, "{text:?} from token {i}, byte {offset}");
                    walks += 1;
                    reached += with.len();
                }
            }
        }
        assert!(
            walks > 1000 && reached > 100,
            "{walks} walks, {reached} ends"
        );
    }
}
