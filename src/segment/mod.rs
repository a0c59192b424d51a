//! Stage 3: segmentation into index terms, routed by script and language.
//!
//! A document is segmented run by run: each language run
//! ([`crate::detect::language_runs`]) by its language's rules, and inside it
//! each stretch of one script by the segmenter for that script:
//!
//! * Han text goes to the Chinese segmenter (jieba's dictionary and
//!   algorithm, with the alias table's Chinese names as dictionary words),
//!   except in a Japanese run;
//! * Japanese (kana and kanji together, in a Japanese run; anywhere, a word
//!   of Han and kana that holds kana) and the South-East Asian scripts
//!   written without spaces (Thai, Lao, Khmer, Burmese) go to ICU4X's
//!   dictionary segmenter ([`icu`]);
//! * everything else goes to the word segmenter (Unicode word boundaries
//!   with rules for English), so Latin names inside Chinese text are
//!   tokenized like English, and Korean words are cut at spaces.
//!
//! Text handed to the Japanese segmenter is not folded to simplified
//! Chinese: [`Router::japanese_ranges`] says where that is, for the caller
//! that folds the rest.

pub mod chinese;
pub mod dictionary;
pub mod icu;
pub mod korean;

use std::borrow::Cow;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::detect::{LangRun, Language};
use crate::script::{is_common_punctuation, is_han, is_han_at, is_kana, is_south_east_asian};

pub use canon_text::segment::{Segment, Token, WordSegmenter, words};
pub use chinese::ChineseSegmenter;
pub use icu::IcuSegmenter;

/// Routes runs of a document to the segmenter for their script.
#[derive(Debug, Default)]
pub struct Router {
    words: WordSegmenter,
    chinese: ChineseSegmenter,
    icu: IcuSegmenter,
}

/// Which segmenter a stretch of CJK or South-East Asian text goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Chinese,
    Icu,
}

impl Router {
    /// A router whose Chinese segmenter knows `dictionary_words` (alias names,
    /// blockers) in addition to jieba's own dictionary.
    pub fn new(dictionary_words: Vec<String>) -> Router {
        Router {
            words: WordSegmenter,
            chinese: ChineseSegmenter::new(dictionary_words),
            icu: IcuSegmenter::default(),
        }
    }

    /// A router whose Chinese segmenter knows the Han words of `table`'s
    /// aliases and blockers, read from the table when the first Han text
    /// comes (nothing is copied at start-up).
    pub fn with_table(table: &canon_table::AliasTable) -> Router {
        Router {
            words: WordSegmenter,
            chinese: ChineseSegmenter::with_table(table),
            icu: IcuSegmenter::default(),
        }
    }

    /// The tokens of normalized `text`, a document in language `lang`
    /// throughout; `lower` is `text` with ASCII letters lowercased.
    pub fn segment<'t>(&self, text: &'t str, lower: &'t str, lang: Language) -> Vec<Token<'t>> {
        let whole = LangRun {
            start_byte: 0,
            end_byte: text.len(),
            lang,
        };
        self.segment_runs(text, lower, &[whole])
    }

    /// The tokens of normalized `text`, each of its language `runs` (which
    /// tile it) segmented by its language's rules; `lower` is `text` with
    /// ASCII letters lowercased.
    pub fn segment_runs<'t>(
        &self,
        text: &'t str,
        lower: &'t str,
        runs: &[LangRun],
    ) -> Vec<Token<'t>> {
        self.segment_runs_routed(text, lower, runs, needs_routing(text))
    }

    /// [`Self::segment_runs`] for a caller that has asked [`needs_routing`]
    /// of `text` already (`routed`), since that check reads the whole text.
    pub(crate) fn segment_runs_routed<'t>(
        &self,
        text: &'t str,
        lower: &'t str,
        runs: &[LangRun],
        routed: bool,
    ) -> Vec<Token<'t>> {
        debug_assert_eq!(text.len(), lower.len());
        debug_assert_eq!(routed, needs_routing(text));
        let mut tokens = Vec::with_capacity(text.len() / 4);
        if !routed {
            self.words.segment(text, lower, 0, &mut tokens);
            return tokens;
        }
        for run in runs {
            let (from, to) = (run.start_byte, run.end_byte);
            self.segment_run(text, lower, from, to, run.lang.is_japanese(), &mut tokens);
        }
        attach_units_to_numbers(text, &mut tokens);
        detach_cluster_extenders(text, &mut tokens);
        tokens
    }

    /// Segments bytes `from..to` of `text`, a run in Japanese or not.
    fn segment_run<'t>(
        &self,
        text: &'t str,
        lower: &'t str,
        from: usize,
        to: usize,
        japanese: bool,
        out: &mut Vec<Token<'t>>,
    ) {
        // Runs of CJK or South-East Asian text go to their segmenter
        // together with the punctuation between them (a clause rarely runs
        // past a comma), so that it segments a whole stretch at once.
        // Punctuation is safe to hand over: without a letter or digit, a run
        // gives the word segmenter no token, and the others drop it too.
        let mut group: Option<(usize, usize, Target)> = None;
        let flush = |group: Option<(usize, usize, Target)>, out: &mut Vec<Token<'t>>| {
            if let Some((first, last, target)) = group {
                let (span, lower_span) = (&text[first..last], &lower[first..last]);
                match target {
                    Target::Chinese => self.chinese.segment(span, lower_span, first, out),
                    Target::Icu => self.icu.segment(span, lower_span, first, out),
                }
            }
        };
        for (start, end, kind) in script_runs(&text[from..to]) {
            let (start, end) = (from + start, from + end);
            let target = match kind {
                RunKind::Han if japanese => Some(Target::Icu),
                RunKind::Han => Some(Target::Chinese),
                RunKind::Japanese | RunKind::SouthEastAsian => Some(Target::Icu),
                RunKind::Other => None,
            };
            match (target, group) {
                (Some(target), Some((first, _, open))) if target == open => {
                    group = Some((first, end, target));
                }
                (Some(target), _) => {
                    flush(group.take(), out);
                    group = Some((start, end, target));
                }
                (None, Some((first, _, open)))
                    if !has_word_character(&text[start..end])
                        && (open == Target::Chinese || !joins_words(&text[start..end])) =>
                {
                    group = Some((first, end, open));
                }
                (None, _) => {
                    flush(group.take(), out);
                    let (run, lower_run) = (&text[start..end], &lower[start..end]);
                    self.words.segment(run, lower_run, start, out);
                }
            }
        }
        flush(group, out);
    }

    /// The byte ranges of normalized `text`, cut into language `runs`, that
    /// go to the Japanese segmenter: Japanese runs whole, and elsewhere the
    /// words of Han and kana that hold kana. They must not be folded to
    /// simplified Chinese (Japanese kanji are not traditional Chinese).
    pub fn japanese_ranges(text: &str, runs: &[LangRun]) -> Vec<(usize, usize)> {
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        let japanese_run = runs.iter().any(|r| r.lang.is_japanese());
        if !japanese_run && !may_hold_kana(text) {
            return ranges;
        }
        for run in runs {
            let (from, to) = (run.start_byte, run.end_byte);
            if run.lang.is_japanese() {
                ranges.push((from, to));
                continue;
            }
            for (start, end, kind) in script_runs(&text[from..to]) {
                if kind == RunKind::Japanese {
                    ranges.push((from + start, from + end));
                }
            }
        }
        ranges
    }

    /// Search mode: the parts of `token` worth indexing on their own, each
    /// with its span: dictionary words of two or three characters inside a
    /// longer Chinese word (jieba's `cut_for_search`), or the pieces of a
    /// hyphenated compound.
    pub fn search_parts<'t>(&self, token: &Token<'t>, out: &mut Vec<Token<'t>>) {
        let term = token.term.as_ref();
        if term.starts_with(is_han) {
            let chars: Vec<(usize, char)> = term.char_indices().collect();
            if chars.len() < 3 || !chars.iter().all(|&(_, c)| is_han(c)) {
                return;
            }
            for width in [2, 3] {
                for first in 0..chars.len().saturating_sub(width - 1) {
                    if width == chars.len() {
                        continue;
                    }
                    let from = chars[first].0;
                    let to = chars.get(first + width).map_or(term.len(), |&(b, _)| b);
                    if self.chinese.has_word(&term[from..to]) {
                        out.push(Token {
                            term: Cow::Owned(term[from..to].to_string()),
                            start: token.start + from,
                            end: token.start + to,
                        });
                    }
                }
            }
        } else if term.contains('-') && term.len() == token.end - token.start {
            let mut offset = 0;
            for piece in term.split('-') {
                if !piece.is_empty() && piece.len() < term.len() {
                    out.push(Token {
                        term: Cow::Owned(piece.to_string()),
                        start: token.start + offset,
                        end: token.start + offset + piece.len(),
                    });
                }
                offset += piece.len() + 1;
            }
        }
    }

    /// Whether `word` is in the Chinese dictionary (loading it if needed).
    pub fn is_dictionary_word(&self, word: &str) -> bool {
        self.chinese.has_word(word)
    }

    /// Whether `word` is in jieba's own dictionary, not only added from the
    /// alias table (loading it if needed).
    pub fn is_common_word(&self, word: &str) -> bool {
        self.chinese.has_common_word(word)
    }

    /// The frequency of `word` in the Chinese dictionary (jieba's counts;
    /// added names get the frequency that keeps them whole), 0 when it is
    /// not a word (loading the dictionary if needed).
    pub fn word_frequency(&self, word: &str) -> u64 {
        self.chinese.word_frequency(word)
    }
}

/// Units that belong to the number written before them: 2001年, 12月, 31日,
/// 90亿. Chinese dictionaries do not know Arabic digits, so the number comes
/// from the word segmenter and its unit from jieba; they are joined here.
const NUMBER_UNITS: [char; 10] = ['年', '月', '日', '号', '时', '亿', '万', '千', '百', '%'];

/// Joins each number token with the unit token right after it, in place; a
/// unit used up is marked and the marked tokens leave in one pass at the
/// end, when there are any (removing joined tokens one by one would shift
/// the rest each time: quadratic on `2001年，` repeated; moving every token
/// after the first join, as a compaction does, cost Chinese news a pass
/// over most of its tokens).
fn attach_units_to_numbers(text: &str, tokens: &mut Vec<Token<'_>>) {
    split_names_from_numbers(text, tokens);
    // The start of a token used up by the number before it: no token
    // starts there.
    const USED_UP: usize = usize::MAX;
    let mut any_used_up = false;
    let mut i = 0;
    while i + 1 < tokens.len() {
        let (token, next) = match &mut tokens[i..i + 2] {
            [token, next] => (token, next),
            _ => unreachable!("a slice of two"),
        };
        if token.end == next.start && is_number(&token.term) {
            let unit_len: usize = text[next.start..next.end]
                .chars()
                .enumerate()
                .take_while(|&(n, c)| {
                    NUMBER_UNITS.contains(&c) && (n == 0 || matches!(c, '万' | '亿'))
                })
                .map(|(_, c)| c.len_utf8())
                .sum();
            if unit_len > 0 {
                token.term = Cow::Owned(format!("{}{}", token.term, &next.term[..unit_len]));
                token.end = next.start + unit_len;
                if token.end == next.end {
                    next.start = USED_UP;
                    any_used_up = true;
                    // The token after the unit is the next one looked at.
                    i += 2;
                    continue;
                }
                next.start += unit_len;
                next.term = match std::mem::take(&mut next.term) {
                    Cow::Borrowed(t) => Cow::Borrowed(&t[unit_len..]),
                    Cow::Owned(t) => Cow::Owned(t[unit_len..].to_string()),
                };
            }
        }
        i += 1;
    }
    if any_used_up {
        tokens.retain(|token| token.start != USED_UP);
    }
}

/// Detaches from a token glued to the one before it what it starts with
/// that extends that token's last grapheme cluster: combining marks, emoji
/// modifiers, the zero-width joiner, variation selectors and tags after a
/// Han character (月之暗面 + U+064B), which the Chinese segmenter's run stops
/// before and the word segmenter would make a term of. They belong to that
/// cluster, whose span in the original text the token before already
/// covers; a term starting inside it would overlap that term and break the
/// order of positions. A token that is nothing else is dropped; one that
/// goes on keeps the rest, from its first character of its own.
fn detach_cluster_extenders(text: &str, tokens: &mut Vec<Token<'_>>) {
    let may_extend = |previous_end: usize, token: &Token<'_>| {
        token.start == previous_end
            && text
                .as_bytes()
                .get(token.start)
                .is_some_and(|&lead| may_start_cluster_extender(lead))
    };
    // Most texts have no token to look at: no pass that moves them then.
    if !tokens
        .windows(2)
        .any(|pair| may_extend(pair[0].end, &pair[1]))
    {
        return;
    }
    let mut previous_end = usize::MAX;
    tokens.retain_mut(|token| {
        let glued_extender = may_extend(previous_end, token);
        previous_end = token.end;
        if !glued_extender {
            return true;
        }
        let surface = &text[token.start..token.end];
        let extended = surface
            .char_indices()
            .find(|&(_, c)| !extends_cluster(c))
            .map_or(surface.len(), |(at, _)| at);
        if extended == surface.len() {
            return false;
        }
        // The term is the surface transformed (lowercased, ...), which
        // leaves uncased extenders as they are; a term that does not start
        // with them is left whole.
        if extended > 0 && token.term.starts_with(&surface[..extended]) {
            token.term = match std::mem::take(&mut token.term) {
                Cow::Borrowed(term) => Cow::Borrowed(&term[extended..]),
                Cow::Owned(term) => Cow::Owned(term[extended..].to_string()),
            };
            token.start += extended;
        }
        true
    });
}

/// Whether a character whose UTF-8 encoding starts with byte `lead` may
/// [extend a cluster](extends_cluster): every extender is outside ASCII,
/// the common ones from U+0300 (lead byte 0xCC), and none is from U+4000 to
/// U+9FFF (lead bytes 0xE4 to 0xE9: Han ideographs and the Yijing symbols),
/// where nearly every Chinese token starts, or from U+B000 to U+D7FF (0xEB
/// to 0xED: Hangul syllables and jamo), where Korean words do (a test checks
/// every character).
#[inline]
fn may_start_cluster_extender(lead: u8) -> bool {
    lead >= 0xCC && !matches!(lead, 0xE4..=0xE9 | 0xEB..=0xED)
}

/// Whether `c` extends the grapheme cluster before it (Grapheme_Cluster_Break
/// Extend or ZWJ): combining marks, emoji modifiers, the zero-width joiner,
/// variation selectors and tag characters.
fn extends_cluster(c: char) -> bool {
    // Han ideographs and Hangul syllables, most characters of Chinese and
    // Korean text, are no marks: no lookup in the category tables, which was
    // most of this stage's cost on Chinese text (a test checks that the
    // ranges hold no mark).
    if matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7A3}') {
        return false;
    }
    c.general_category_group() == GeneralCategoryGroup::Mark
        || matches!(c, '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Whether `term` is a number written with digits (and separators).
fn is_number(term: &str) -> bool {
    term.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && term
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

/// A Latin word run into a number that a Chinese unit follows (Nvidia3月财报):
/// the script changes twice, and the number belongs to the unit, so the
/// word (a name, here) becomes a token of its own and the number another,
/// which the unit then joins. Words whose digits are part of them (H100芯片,
/// A380客机) are followed by no unit and stay whole.
fn split_names_from_numbers(text: &str, tokens: &mut Vec<Token<'_>>) {
    let splits: Vec<(usize, usize)> = (0..tokens.len().saturating_sub(1))
        .filter_map(|i| name_before_number(text, &tokens[i], &tokens[i + 1]).map(|d| (i, d)))
        .collect();
    if splits.is_empty() {
        return;
    }
    // One pass into a new list: inserting in place would shift the rest of
    // the tokens at every split.
    let mut out = Vec::with_capacity(tokens.len() + splits.len());
    let mut splits = splits.into_iter().peekable();
    for (i, token) in tokens.drain(..).enumerate() {
        let Some((_, digits)) = splits.next_if(|&(at, _)| at == i) else {
            out.push(token);
            continue;
        };
        let (start, end, split) = (token.start, token.end, token.start + digits);
        let (word, number) = match token.term {
            Cow::Borrowed(t) => (Cow::Borrowed(&t[..digits]), Cow::Borrowed(&t[digits..])),
            Cow::Owned(t) => (
                Cow::Owned(t[..digits].to_string()),
                Cow::Owned(t[digits..].to_string()),
            ),
        };
        out.push(Token {
            term: word,
            start,
            end: split,
        });
        out.push(Token {
            term: number,
            start: split,
            end,
        });
    }
    *tokens = out;
}

/// Where the digits start in `token` when it is a Latin word run into a
/// number that a Chinese unit in `next` follows (see
/// [`split_names_from_numbers`]).
fn name_before_number(text: &str, token: &Token<'_>, next: &Token<'_>) -> Option<usize> {
    let term = token.term.as_ref();
    // What the rule needs and most tokens lack, tested first: a last digit
    // and the next token right after.
    if !term.as_bytes().last().is_some_and(u8::is_ascii_digit) || token.end != next.start {
        return None;
    }
    let digits = term.find(|c: char| c.is_ascii_digit())?;
    let name_like = digits >= 2
        && term[..digits].bytes().all(|b| b.is_ascii_alphabetic())
        && term[digits..].bytes().all(|b| b.is_ascii_digit());
    let unit_follows = token.end == next.start
        && text[next.start..]
            .chars()
            .next()
            .is_some_and(|c| NUMBER_UNITS.contains(&c) && c != '%');
    // Terms and surface align: the surface is ASCII of the same length.
    (name_like && unit_follows && token.end - token.start == term.len()).then_some(digits)
}

/// Whether `run` holds a letter or digit: what every token of the word
/// segmenter starts from.
fn has_word_character(run: &str) -> bool {
    run.chars().any(|c| {
        if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            !is_common_punctuation(c) && c.is_alphanumeric()
        }
    })
}

/// What a stretch of text is, for routing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RunKind {
    /// Han characters only.
    Han,
    /// Han characters and kana, at least one of them kana.
    Japanese,
    /// Thai, Lao, Burmese or Khmer.
    SouthEastAsian,
    /// Anything else: Latin, Hangul, digits, spaces, punctuation.
    Other,
}

/// The class of one character: Han and kana are one class (a Japanese word
/// mixes them), told apart by `kana`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharClass {
    Cjk { kana: bool },
    SouthEastAsian,
    Other,
}

impl CharClass {
    fn same_run(self, other: CharClass) -> bool {
        matches!(
            (self, other),
            (CharClass::Cjk { .. }, CharClass::Cjk { .. })
                | (CharClass::SouthEastAsian, CharClass::SouthEastAsian)
                | (CharClass::Other, CharClass::Other)
        )
    }
}

/// Whether `run` holds connector punctuation (the underscore and its
/// kin), which Unicode word boundaries never break around: handed to ICU
/// between two words, it would join them (ソニー_ソニー), where the word
/// segmenter, seeing one word at a time, does not.
fn joins_words(run: &str) -> bool {
    run.chars()
        .any(|c| matches!(c, '_' | '\u{203F}' | '\u{2040}' | '\u{2054}'))
}

/// Splits `text` into maximal runs of one [`RunKind`]: `(start, end, kind)`
/// in bytes. Han and kana next to each other make one run, Japanese if any
/// of it is kana.
fn script_runs(text: &str) -> impl Iterator<Item = (usize, usize, RunKind)> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= text.len() {
            return None;
        }
        let start = at;
        let (class, len) = class_at(text, at);
        let mut kana = matches!(class, CharClass::Cjk { kana: true });
        at += len;
        loop {
            // Most of a run is Han characters or ASCII: they are passed over
            // without classifying each (see `class_at`).
            match class {
                CharClass::Cjk { .. } => {
                    while is_han_at(bytes, at) {
                        at += 3;
                    }
                }
                CharClass::Other => {
                    while bytes.get(at).is_some_and(u8::is_ascii) {
                        at += 1;
                    }
                }
                CharClass::SouthEastAsian => {}
            }
            if at >= text.len() {
                break;
            }
            let (next, len) = class_at(text, at);
            if !next.same_run(class) {
                break;
            }
            kana |= matches!(next, CharClass::Cjk { kana: true });
            at += len;
        }
        let kind = match class {
            CharClass::Cjk { .. } if kana => RunKind::Japanese,
            CharClass::Cjk { .. } => RunKind::Han,
            CharClass::SouthEastAsian => RunKind::SouthEastAsian,
            CharClass::Other => RunKind::Other,
        };
        Some((start, at, kind))
    })
}

/// The class of the character at byte `at` of `text`, and its length.
#[inline(always)]
fn class_at(text: &str, at: usize) -> (CharClass, usize) {
    match text.as_bytes()[at] {
        lead if lead < 0x80 => (CharClass::Other, 1),
        _ if is_han_at(text.as_bytes(), at) => (CharClass::Cjk { kana: false }, 3),
        // The punctuation of Chinese text, told by its bytes: General
        // Punctuation (“” —), CJK symbols (、。《》) but the Han 々 and 〇,
        // and the full-width forms (，：（）！), none of them Han, kana or
        // South-East Asian.
        0xE2 | 0xE3 | 0xEF
            if matches!(
                text.as_bytes()[at..],
                [0xE2, 0x80 | 0x81, ..] | [0xE3, 0x80, 0x80..=0x84 | 0x86 | 0x88..=0xBF, ..] | [0xEF, 0xBC..=0xBF, ..]
            ) =>
        {
            (CharClass::Other, 3)
        }
        _ => {
            let c = text[at..].chars().next().expect("a char boundary");
            let class = if is_han(c) {
                CharClass::Cjk { kana: false }
            } else if is_kana(c) {
                CharClass::Cjk { kana: true }
            } else if is_south_east_asian(c) {
                CharClass::SouthEastAsian
            } else {
                CharClass::Other
            };
            (class, c.len_utf8())
        }
    }
}

/// Whether `text` may hold a character that is not segmented as English
/// words: Han, kana and the rest of the CJK blocks have a lead byte of 0xE3
/// or more, Thai and Lao 0xE0, Burmese and Khmer 0xE1. Text without one
/// (English with a £, an é or a dash) is one run for the word segmenter,
/// and holds no Hangul syllable either (lead bytes 0xEA to 0xED: a test
/// checks), so none of its words has a Korean stem.
pub(crate) fn needs_routing(text: &str) -> bool {
    text.bytes().fold(false, |any, b| {
        any | (b >= 0xE3) | (b == 0xE0) | (b == 0xE1)
    })
}

/// Whether `text` may hold kana (U+3040 to U+30FF, U+31F0 to U+31FF): a
/// lead byte 0xE3 followed by 0x81 to 0x83 or 0x87.
fn may_hold_kana(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Without early exit, so that the compiler vectorizes it.
    bytes
        .iter()
        .zip(bytes.iter().skip(1))
        .fold(false, |any, (&lead, &second)| {
            any | ((lead == 0xE3) & ((second.wrapping_sub(0x81) < 3) | (second == 0x87)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text the pieces `indices` of `alphabet` make, with a token for
    /// each piece at its bytes, whose term `term` gives (`None`: the piece
    /// is text only): the input of the property tests against a model.
    fn pieces_as_tokens(
        alphabet: &[&'static str],
        indices: &[usize],
        term: impl Fn(&'static str) -> Option<Cow<'static, str>>,
    ) -> (String, Vec<Token<'static>>) {
        let mut text = String::new();
        let mut tokens = Vec::new();
        for &i in indices {
            let piece = alphabet[i];
            if let Some(term) = term(piece) {
                tokens.push(Token {
                    term,
                    start: text.len(),
                    end: text.len() + piece.len(),
                });
            }
            text.push_str(piece);
        }
        (text, tokens)
    }

    fn terms(text: &str, code: &'static str) -> Vec<String> {
        let router = Router::new(vec!["月之暗面".to_string()]);
        let lang = Language {
            code,
            confidence: 1.0,
        };
        let lower = text.to_ascii_lowercase();
        router
            .segment(text, &lower, lang)
            .into_iter()
            .map(|t| t.term.into_owned())
            .collect()
    }

    /// The ranges `extends_cluster` answers without the category tables
    /// hold no mark, and the tables' answer elsewhere is unchanged.
    #[test]
    fn han_and_hangul_ranges_extend_no_cluster() {
        for c in ('\u{3400}'..='\u{9FFF}').chain('\u{AC00}'..='\u{D7A3}') {
            assert_ne!(
                c.general_category_group(),
                GeneralCategoryGroup::Mark,
                "{c:?}"
            );
            assert!(!extends_cluster(c));
        }
        for c in [
            '\u{0301}',
            '\u{302A}',
            '\u{3099}',
            '\u{200D}',
            '\u{FE0F}',
            '\u{1F3FB}',
        ] {
            assert!(extends_cluster(c), "{c:?}");
        }
    }

    /// Every character that extends a cluster starts with a byte that
    /// `may_start_cluster_extender` lets through to the full test.
    #[test]
    fn cluster_extenders_pass_the_lead_byte_test() {
        let mut extenders = 0;
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if extends_cluster(c) {
                let mut buf = [0u8; 4];
                let lead = c.encode_utf8(&mut buf).as_bytes()[0];
                assert!(may_start_cluster_extender(lead), "{c:?}");
                extenders += 1;
            }
        }
        assert!(extenders > 2000, "{extenders}");
    }

    /// `detach_cluster_extenders` as first written: every token looked at
    /// by its character, without the early return or the lead-byte test.
    fn detach_cluster_extenders_model(text: &str, tokens: &mut Vec<Token<'_>>) {
        let mut previous_end = usize::MAX;
        tokens.retain_mut(|token| {
            let glued = token.start == previous_end;
            previous_end = token.end;
            if !glued || text.as_bytes().get(token.start).is_none_or(|&b| b < 0x80) {
                return true;
            }
            let surface = &text[token.start..token.end];
            let extended = surface
                .char_indices()
                .find(|&(_, c)| !extends_cluster(c))
                .map_or(surface.len(), |(at, _)| at);
            if extended == surface.len() {
                return false;
            }
            if extended > 0 && token.term.starts_with(&surface[..extended]) {
                token.term = Cow::Owned(token.term[extended..].to_string());
                token.start += extended;
            }
            true
        });
    }

    proptest::proptest! {
        /// Extenders are detached as the model says from tokens of every
        /// kind, glued to the one before or not (a space piece is no token).
        #[test]
        fn cluster_extenders_detach_as_the_model_says(indices in proptest::collection::vec(0..EXTENDER_ALPHABET.len(), 0..20)) {
            let (text, mut tokens) = pieces_as_tokens(&EXTENDER_ALPHABET, &indices, |piece| {
                (piece != " ").then(|| Cow::Owned(piece.to_lowercase()))
            });
            let mut expected = tokens.clone();
            detach_cluster_extenders_model(&text, &mut expected);
            detach_cluster_extenders(&text, &mut tokens);
            proptest::prop_assert_eq!(tokens, expected);
        }
    }

    /// Tokens for the extender property: marks, modifiers, joiners and
    /// selectors alone and before letters, Han (common and not), Hangul,
    /// Latin with and without accents, a Yijing symbol, and a space.
    const EXTENDER_ALPHABET: [&str; 16] = [
        "\u{64b}",
        "\u{301}x",
        "\u{1f3fb}",
        "\u{200d}",
        "\u{fe0f}好",
        "\u{302a}",
        "\u{a66f}",
        "北京",
        "一",
        "月之暗面",
        "서울",
        "Café",
        "É",
        "\u{4dc0}",
        "ab",
        " ",
    ];

    /// `name_before_number` as first written, without its early exits: the
    /// reference it is tested against.
    fn name_before_number_model(text: &str, token: &Token<'_>, next: &Token<'_>) -> Option<usize> {
        let term = token.term.as_ref();
        let digits = term.find(|c: char| c.is_ascii_digit())?;
        let name_like = digits >= 2
            && term[..digits].bytes().all(|b| b.is_ascii_alphabetic())
            && term[digits..].bytes().all(|b| b.is_ascii_digit());
        let unit_follows = token.end == next.start
            && text[next.start..]
                .chars()
                .next()
                .is_some_and(|c| NUMBER_UNITS.contains(&c) && c != '%');
        (name_like && unit_follows && token.end - token.start == term.len()).then_some(digits)
    }

    proptest::proptest! {
        /// Names run into numbers split as the rule says, on tokens of
        /// every kind next to each other (the tokens are cut where the
        /// pieces join, so that every pair of pieces is tried).
        #[test]
        fn names_split_from_numbers_as_the_model_says(indices in proptest::collection::vec(0..NAME_ALPHABET.len(), 0..30)) {
            let (text, tokens) = pieces_as_tokens(&NAME_ALPHABET, &indices, |piece| {
                Some(if piece == " " { Cow::Borrowed(" ") } else { Cow::Owned(piece.to_lowercase()) })
            });
            for pair in tokens.windows(2) {
                proptest::prop_assert_eq!(
                    name_before_number(&text, &pair[0], &pair[1]),
                    name_before_number_model(&text, &pair[0], &pair[1])
                );
            }
        }
    }

    /// Tokens for the name-splitting property: names with and without
    /// digits, numbers, units (and % and 元, which are not units here),
    /// Han words and a space.
    const NAME_ALPHABET: [&str; 16] = [
        "Nvidia3", "H100", "iPhone15", "A380", "R1", "AB12", "x9", "2024", "1.5", "年", "月份",
        "%", "元", "芯片", " ", "Ünï7",
    ];

    #[test]
    fn latin_runs_in_chinese_text_are_tokenized_like_english() {
        assert_eq!(
            terms("被点名的DeepSeek、月之暗面与Kevin S. Xu", "zh"),
            [
                "被",
                "点名",
                "的",
                "deepseek",
                "月之暗面",
                "与",
                "kevin",
                "s",
                "xu"
            ]
        );
    }

    #[test]
    fn han_runs_in_english_text_are_segmented_like_chinese() {
        assert_eq!(
            terms("Moonshot (月之暗面) said", "en"),
            ["moonshot", "月之暗面", "said"]
        );
    }

    #[test]
    fn a_combining_mark_after_han_is_no_term_of_its_own() {
        // Seen failing before: 北京 + U+064B gave the terms 北京 and U+064B,
        // whose spans overlapped (the mark is in 京's cluster).
        assert_eq!(terms("北京\u{64b}", "zh"), ["北京"]);
        assert_eq!(terms("月之暗面\u{64b}发布", "zh"), ["月之暗面", "发布"]);
        // A mark on a letter stays in the letter's word.
        assert_eq!(terms("北京cafe\u{301}", "zh"), ["北京", "cafe\u{301}"]);
        // Seen failing before (found by the property test): a mark and an
        // emoji modifier after Han made one term that started inside 面's
        // cluster; what extends the cluster is detached, the rest kept.
        assert_eq!(terms("月之暗面\u{64b}\u{1f3fb}", "zh"), ["月之暗面"]);
        assert_eq!(terms("北京\u{64b}\u{1f3fb}好", "zh"), ["北京", "好"]);
    }

    #[test]
    fn punctuation_between_han_runs_gives_no_token() {
        assert_eq!(
            terms("月之暗面,发布。新模型🚀!——“好” 2024年", "zh"),
            ["月之暗面", "发布", "新", "模型", "好", "2024年"]
        );
        assert_eq!(terms("中〇、々", "zh"), ["中", "〇", "々"]);
    }

    proptest::proptest! {
        /// Handing punctuation between Han runs to the Chinese segmenter
        /// (and between Japanese or Thai runs to ICU) changes nothing: the
        /// tokens are those of segmenting run by run.
        #[test]
        fn spans_cut_as_runs_one_by_one(indices in proptest::collection::vec(0..SPAN_ALPHABET.len(), 0..40)) {
            let text: String = indices.iter().map(|&i| SPAN_ALPHABET[i]).collect();
            let lower = text.to_ascii_lowercase();
            let router = Router::new(vec!["月之暗面".to_string()]);
            let lang = Language { code: "zh", confidence: 1.0 };
            let mut expected = Vec::new();
            for (start, end, kind) in script_runs(&text) {
                let (run, lower_run) = (&text[start..end], &lower[start..end]);
                match kind {
                    RunKind::Han => router.chinese.segment(run, lower_run, start, &mut expected),
                    RunKind::Japanese | RunKind::SouthEastAsian => {
                        router.icu.segment(run, lower_run, start, &mut expected)
                    }
                    RunKind::Other => router.words.segment(run, lower_run, start, &mut expected),
                }
            }
            attach_units_to_numbers(&text, &mut expected);
            proptest::prop_assert_eq!(router.segment(&text, &lower, lang), expected);
        }
    }

    /// Pieces of text for the span property: kana, Thai, Han words and
    /// characters outside jieba's class, punctuation and symbols of every width, Latin,
    /// digits and spaces.
    const SPAN_ALPHABET: [&str; 28] = [
        "ソニー",
        "の",
        "ไทย",
        "ภาษา",
        "月之暗面",
        "中国",
        "发布",
        "模型",
        "二〇〇一年",
        "々",
        "𠀀",
        ",",
        "。",
        "、",
        "——",
        "“",
        "🚀",
        " ",
        "!",
        "_",
        "Kimi",
        "AI",
        "2024",
        "%",
        "$",
        "é",
        "-",
        "《",
    ];

    #[test]
    fn japanese_is_cut_by_icu_not_the_chinese_dictionary() {
        assert_eq!(terms("東京タワー", "ja"), ["東京", "タワー"]);
        // Kanji-only Japanese in a Japanese run goes to ICU too.
        assert_eq!(terms("日本銀行総裁", "ja"), ["日本", "銀行", "総裁"]);
        assert_eq!(
            terms("2024年3月期の決算", "ja"),
            ["2024年", "3月", "期", "の", "決算"]
        );
    }

    #[test]
    fn kana_words_in_chinese_text_go_to_icu_and_han_stays_with_jieba() {
        assert_eq!(
            terms("索尼(ソニー)发布了新款相机", "zh"),
            ["索尼", "ソニー", "发布", "了", "新款", "相机"]
        );
    }

    #[test]
    fn thai_lao_khmer_and_burmese_are_cut_into_words() {
        assert_eq!(
            terms("ราคาไข่ไก่พุ่งสูงสุด 2024", "th"),
            ["ราคา", "ไข่", "ไก่", "พุ่ง", "สูงสุด", "2024"]
        );
        // In an English document too: routing is by script.
        assert_eq!(
            terms("The word รัฐบาลไทย means Thai government", "en")[2..4],
            ["รัฐบาล", "ไทย"]
        );
        for (text, code) in [
            ("ປະເທດລາວມີປະຊາກອນຫຼາຍ", "lo"),
            ("ប្រទេសកម្ពុជាមានប្រជាជនច្រើន", "km"),
            ("မြန်မာနိုင်ငံသည်အာရှတွင်ရှိသည်", "my"),
        ] {
            let words = terms(text, code);
            assert!(words.len() >= 3, "{text}: {words:?}");
            assert_eq!(words.concat(), text);
        }
    }

    #[test]
    fn numbers_keep_their_units() {
        assert_eq!(terms("2000年12月31日", "zh"), ["2000年", "12月", "31日"]);
        assert_eq!(
            terms("融资90亿美元,增长10%", "zh"),
            ["融资", "90亿", "美元", "增长", "10%"]
        );
        assert_eq!(terms("1.5万亿元", "zh"), ["1.5万亿", "元"]);
    }

    /// The joining rule stated plainly, one removal at a time (quadratic):
    /// the reference for the one-pass version.
    fn attach_units_model(text: &str, tokens: &mut Vec<Token<'_>>) {
        let mut i = 0;
        while i + 1 < tokens.len() {
            let (end, next_start) = (tokens[i].end, tokens[i + 1].start);
            let unit_len: usize = text[next_start..tokens[i + 1].end]
                .chars()
                .enumerate()
                .take_while(|&(n, c)| {
                    NUMBER_UNITS.contains(&c) && (n == 0 || matches!(c, '万' | '亿'))
                })
                .map(|(_, c)| c.len_utf8())
                .sum();
            if is_number(&tokens[i].term) && end == next_start && unit_len > 0 {
                let term = format!("{}{}", tokens[i].term, &tokens[i + 1].term[..unit_len]);
                tokens[i].term = Cow::Owned(term);
                tokens[i].end = next_start + unit_len;
                if tokens[i].end == tokens[i + 1].end {
                    tokens.remove(i + 1);
                } else {
                    tokens[i + 1].start += unit_len;
                    tokens[i + 1].term = Cow::Owned(tokens[i + 1].term[unit_len..].to_string());
                }
            }
            i += 1;
        }
    }

    proptest::proptest! {
        #[test]
        fn units_join_as_the_model_says(indices in proptest::collection::vec(0..UNIT_ALPHABET.len(), 0..30)) {
            let (text, mut tokens) =
                pieces_as_tokens(&UNIT_ALPHABET, &indices, |piece| Some(Cow::Borrowed(piece)));
            let mut expected = tokens.clone();
            attach_units_model(&text, &mut expected);
            attach_units_to_numbers(&text, &mut tokens);
            proptest::prop_assert_eq!(tokens, expected);
        }
    }

    /// Tokens for the joining property: numbers (of one digit too), units
    /// alone and in words, and others.
    const UNIT_ALPHABET: [&str; 12] = [
        "2001",
        "7",
        "x",
        "1.5",
        "3,000",
        "年",
        "万亿元",
        "亿",
        "%",
        "月份",
        "，",
        "美元",
    ];

    #[test]
    fn a_name_run_into_a_number_and_a_unit_splits_at_the_script_change() {
        assert_eq!(terms("Nvidia3月财报", "zh"), ["nvidia", "3月", "财报"]);
        assert_eq!(terms("苹果iPhone15年销量", "zh")[1..3], ["iphone", "15年"]);
        // Digits that belong to the name stay: no unit follows.
        assert_eq!(
            terms("H100芯片和A380客机", "zh"),
            ["h100", "芯片", "和", "a380", "客机"]
        );
        assert_eq!(terms("R1模型", "zh"), ["r1", "模型"]);
    }

    #[test]
    fn word_characters_agree_with_unicode() {
        for c in ('\0'..='\u{7F}').chain('\u{2000}'..='\u{30FF}') {
            let mut buf = [0u8; 4];
            assert_eq!(
                has_word_character(c.encode_utf8(&mut buf)),
                c.is_alphanumeric(),
                "{c:?}"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn runs_split_where_scripts_change(text in "[a-z 0-9,。、中国〇々丐鿿㐀䷀\u{4DBF}\u{4DC0}\u{3004}\u{3006}\u{3040}\u{303F}豈\u{20000}éのソー・กข한“—\u{207F}\u{2080}（，ｱ\u{FFFD}]{0,30}") {
            // (start, end, class: 0 Han/kana, 1 Thai, 2 other, kana seen)
            let mut expected: Vec<(usize, usize, u8, bool)> = Vec::new();
            for (at, c) in text.char_indices() {
                let end = at + c.len_utf8();
                let class = if is_han(c) || is_kana(c) { 0 } else if is_south_east_asian(c) { 1 } else { 2 };
                match expected.last_mut() {
                    Some(last) if last.2 == class => {
                        last.1 = end;
                        last.3 |= is_kana(c);
                    }
                    _ => expected.push((at, end, class, is_kana(c))),
                }
            }
            let expected: Vec<(usize, usize, RunKind)> = expected
                .into_iter()
                .map(|(start, end, class, kana)| {
                    let kind = match (class, kana) {
                        (0, true) => RunKind::Japanese,
                        (0, false) => RunKind::Han,
                        (1, _) => RunKind::SouthEastAsian,
                        _ => RunKind::Other,
                    };
                    (start, end, kind)
                })
                .collect();
            proptest::prop_assert_eq!(script_runs(&text).collect::<Vec<_>>(), expected);
        }
    }

    #[test]
    fn runs_cover_the_text() {
        let runs: Vec<_> = script_runs("ab中文 cの東京ไทย").collect();
        assert_eq!(
            runs,
            [
                (0, 2, RunKind::Other),
                (2, 8, RunKind::Han),
                (8, 10, RunKind::Other),
                (10, 19, RunKind::Japanese),
                (19, 28, RunKind::SouthEastAsian)
            ]
        );
    }

    /// A word that may end in a Korean particle is only ever in text that
    /// needs routing: the pipeline asks no word of any other text.
    #[test]
    fn words_that_may_end_in_a_particle_need_routing() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for word in [format!("가{c}"), format!("ab{c}"), format!("{c}{c}")] {
                if korean::may_end_in_particle(&word) {
                    assert!(needs_routing(&format!("x {word} y")), "{word:?}");
                }
            }
        }
    }

    #[test]
    fn routing_checks_agree_with_the_characters() {
        for c in ['中', 'の', 'ก', 'ໄ', 'က', 'ក', '한', 'ー'] {
            assert!(needs_routing(&c.to_string()), "{c:?}");
        }
        assert!(!needs_routing("Café — £5, €3 • naïve"));
        for c in ['\u{3040}', 'の', 'ソ', 'ー', '\u{31F0}'] {
            assert!(may_hold_kana(&c.to_string()), "{c:?}");
        }
        assert!(!may_hold_kana("中文。、「」"));
    }
}
