//! The per-document pipeline: normalize → detect → boilerplate → segment →
//! match, with every result expressed in offsets into the original text.

use crate::aliases::AliasTable;
use crate::ascii;
use crate::boilerplate::{self, Detector, MarkedSpan};
use crate::detect::{Language, detect};
use crate::matching::{Lexicon, find_mentions};
use std::borrow::Cow;

use crate::normalize::chinese::fold;
use crate::normalize::{Normalized, OriginalRanges, normalize};
use crate::segment::Router;

/// canon's core type: the alias table and the segmenters built from it.
///
/// Build one per process and share it between threads: it is `Sync`, and the
/// Chinese dictionary inside is loaded once, on first use.
#[derive(Debug)]
pub struct Canon {
    table: AliasTable,
    router: Router,
    options: AnalyzeOptions,
    /// The boilerplate stage; `None` with [`boilerplate::Mode::Off`].
    boilerplate: Option<Detector>,
}

/// Choices that change the tokens canon emits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnalyzeOptions {
    /// Search mode: after each long Chinese word, also emit the dictionary
    /// words inside it (中国农业发展银行 → 中国, 农业, 发展, 银行, ...), and after
    /// a hyphenated compound its parts, each with its own span; in the manner
    /// of jieba's `cut_for_search`, for index-side recall.
    pub search: bool,
    /// Whether the boilerplate stage runs, and whether the terms and
    /// entities of the furniture it marks are dropped or kept (flagged).
    pub boilerplate: boilerplate::Mode,
}

/// An entity mention, in the output contract's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityMention {
    /// The entity's canonical id.
    pub id: String,
    /// The entity's display name.
    pub name: String,
    /// The entity's Wikidata item id (`Q42`), when its table gives one.
    pub wikidata: Option<String>,
    /// The mention as written in the original text.
    pub surface: String,
    /// Code-point offset of the mention in the original text.
    pub start: usize,
    /// Code-point offset just past the mention in the original text.
    pub end: usize,
    /// The ids of the entity's ancestors, parent first (DeepSeek-V3 →
    /// `deepseek`): each is also emitted as a term after the entity's id.
    pub parents: Vec<String>,
    /// The mention is inside page furniture (only with
    /// [`boilerplate::Mode::Keep`]; otherwise such mentions are left out).
    pub boilerplate: bool,
}

/// A stretch of the document marked as page furniture by the boilerplate stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoilerplateSpan {
    /// Byte range in the normalized text.
    pub normalized_bytes: std::ops::Range<usize>,
    /// Code-point range in the original text (the output's `start`, `end`).
    pub original_chars: std::ops::Range<usize>,
    /// Why it is furniture.
    pub reason: boilerplate::Reason,
}

/// Everything canon derives from one document.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The detected language.
    pub lang: Language,
    /// The normalized text.
    pub normalized: Normalized,
    /// All terms, concatenated; [`Self::terms`] slices it (one allocation per
    /// document instead of one per token).
    term_buffer: String,
    term_ends: Vec<u32>,
    /// Code-point spans in the original text, parallel to the terms.
    pub token_spans: Vec<(usize, usize)>,
    /// Entity mentions in text order.
    pub entities: Vec<EntityMention>,
    /// How many terms were longer than [`MAX_TERM_BYTES`] and written as
    /// pieces instead.
    pub split_terms: usize,
    /// Page furniture, in text order; `None` when the stage is off.
    pub boilerplate: Option<Vec<BoilerplateSpan>>,
}

impl Analysis {
    /// The index terms, in order; each entity mention adds its id right after
    /// the terms of its surface.
    pub fn terms(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        let mut start = 0;
        self.term_ends.iter().map(move |&end| {
            let term = &self.term_buffer[start..end as usize];
            start = end as usize;
            term
        })
    }

    /// Every term, concatenated in order (for a writer that checks once
    /// whether any term needs escaping).
    pub(crate) fn all_terms(&self) -> &str {
        &self.term_buffer
    }
}

impl Canon {
    /// A pipeline matching against `table`.
    pub fn new(table: AliasTable) -> Canon {
        Self::with_options(table, AnalyzeOptions::default())
    }

    /// A pipeline matching against `table`, with `options`.
    pub fn with_options(table: AliasTable, options: AnalyzeOptions) -> Canon {
        let router = Router::new(table.dictionary_words());
        let boilerplate = (options.boilerplate != boilerplate::Mode::Off).then(Detector::new);
        Canon {
            table,
            router,
            options,
            boilerplate,
        }
    }

    /// The same pipeline with `furniture` (lines learned by `canon
    /// boilerplate learn`) as the boilerplate stage's repetition signal.
    pub fn with_furniture(mut self, furniture: boilerplate::furniture::Furniture) -> Canon {
        self.boilerplate = self.boilerplate.map(|d| d.with_furniture(furniture));
        self
    }

    /// The alias table in use.
    pub fn table(&self) -> &AliasTable {
        &self.table
    }

    /// Runs the whole pipeline on `original`.
    pub fn analyze(&self, original: &str) -> Analysis {
        let normalized = normalize(original);
        let lang = detect(normalized.text());
        // Segmentation and matching read the folded text (simplified Chinese);
        // it has the same byte offsets as the normalized text. Japanese kanji
        // are not traditional Chinese and stay as they are.
        let text: Cow<'_, str> = if lang.is_japanese() {
            Cow::Borrowed(normalized.text())
        } else {
            fold(normalized.text())
        };
        let marked: Vec<MarkedSpan> = match &self.boilerplate {
            Some(detector) => detector.mark(&text, lang.code),
            None => Vec::new(),
        };
        // Terms and mentions in furniture are left out unless kept.
        let drop = |byte: usize| {
            self.options.boilerplate == boilerplate::Mode::On && in_marked(&marked, byte)
        };
        let lower = text.to_ascii_lowercase();
        let tokens = self.router.segment(&text, &lower, lang);
        let lexicon = Lexicon {
            is_word: &|word| self.router.is_dictionary_word(word),
            is_common_word: &|word| self.router.is_common_word(word),
            word_frequency: &|word| self.router.word_frequency(word),
        };
        let mentions = find_mentions(&self.table, &text, &tokens, &lexicon);
        // A mention that reaches into furniture goes too, so that every
        // mention kept ends on a kept token.
        let mut mentions = mentions;
        mentions.retain(|m| !drop(m.start) && !drop(tokens[m.last_token].start));

        let capacity = tokens.len() + mentions.len();
        let mut terms = TermWriter {
            buffer: String::with_capacity(text.len() + mentions.len() * 16),
            ends: Vec::with_capacity(capacity),
            spans: Vec::with_capacity(capacity),
            ranges: normalized.original_ranges(),
            split_terms: 0,
        };
        let mut parts = Vec::new();
        let mut next_mention = mentions.iter().peekable();
        for (index, token) in tokens.iter().enumerate() {
            if drop(token.start) {
                continue;
            }
            terms.push(&token.term, &text, token.start, token.end);
            if self.options.search {
                parts.clear();
                self.router.search_parts(token, &mut parts);
                for part in &parts {
                    terms.push(&part.term, &text, part.start, part.end);
                }
            }
            // After the terms of a mention's last token (a compound's whole
            // term, and its parts in search mode): the entity's id, then
            // its ancestors' ids, all with the mention's span.
            while let Some(mention) = next_mention.next_if(|m| m.last_token == index) {
                let id = &self.table.entity_at(mention.entity).id;
                let whole_token = mention.first_token == index
                    && (mention.start, mention.end) == (token.start, token.end);
                // Ids are short (the table limits them), so never split.
                if !(whole_token && token.term == id.as_str()) {
                    terms.push_piece(id, mention.start, mention.end);
                }
                for &ancestor in self.table.ancestors(mention.entity) {
                    let ancestor = &self.table.entity_at(ancestor).id;
                    terms.push_piece(ancestor, mention.start, mention.end);
                }
            }
        }
        let TermWriter {
            buffer: term_buffer,
            ends: term_ends,
            spans: token_spans,
            split_terms,
            ..
        } = terms;

        let mut ranges = normalized.original_ranges();
        let mut entities: Vec<EntityMention> = mentions
            .iter()
            .map(|m| {
                let entity = self.table.entity_at(m.entity);
                let (start, end) = ranges.range(m.start, m.end);
                EntityMention {
                    id: entity.id.clone(),
                    name: entity.name.clone(),
                    wikidata: entity.wikidata.clone(),
                    surface: String::new(),
                    start,
                    end,
                    parents: self
                        .table
                        .ancestors(m.entity)
                        .iter()
                        .map(|&a| self.table.entity_at(a).id.clone())
                        .collect(),
                    boilerplate: in_marked(&marked, m.start),
                }
            })
            .collect();
        fill_surfaces(original, &mut entities);
        let boilerplate = self.boilerplate.as_ref().map(|_| {
            marked
                .into_iter()
                .map(|m| {
                    let (start, end) = normalized.original_range(m.bytes.start, m.bytes.end);
                    BoilerplateSpan {
                        normalized_bytes: m.bytes,
                        original_chars: start..end,
                        reason: m.reason,
                    }
                })
                .collect()
        });

        Analysis {
            lang,
            normalized,
            term_buffer,
            term_ends,
            token_spans,
            entities,
            split_terms,
            boilerplate,
        }
    }
}

/// The longest term canon writes, in bytes of UTF-8.
///
/// Search engines refuse longer terms outright (Lucene above 32,766 bytes,
/// tantivy above 65,530), and a "word" of thousands of characters is a
/// base64 blob or a run of symbols, not something anyone searches for. A
/// longer term is written as consecutive pieces of at most this many bytes,
/// cut on character boundaries, each with the span of the characters it
/// holds (or the whole word's span when the term is not its text character
/// for character, as for a dotted acronym): nothing of the word is lost to
/// prefix search, and no piece breaks an index. 255 is the limit Lucene's
/// and Elasticsearch's standard tokenizers use, in characters; no word of a
/// language comes near it. The text itself (`normalized_text`, entity
/// surfaces) is never cut.
pub const MAX_TERM_BYTES: usize = 255;

/// The terms of a document as they are written: one buffer, the end of each
/// term in it, and the span of each in the original text.
struct TermWriter<'n> {
    buffer: String,
    ends: Vec<u32>,
    spans: Vec<(usize, usize)>,
    ranges: OriginalRanges<'n>,
    split_terms: usize,
}

impl TermWriter<'_> {
    /// Adds `term`, found at bytes `start..end` of the normalized `text`,
    /// split into pieces if it is longer than [`MAX_TERM_BYTES`].
    #[inline(always)]
    fn push(&mut self, term: &str, text: &str, start: usize, end: usize) {
        if term.len() <= MAX_TERM_BYTES {
            self.push_piece(term, start, end);
        } else {
            self.push_split(term, text, start, end);
        }
    }

    /// [`Self::push`] of a term longer than [`MAX_TERM_BYTES`].
    #[cold]
    #[inline(never)]
    fn push_split(&mut self, term: &str, text: &str, start: usize, end: usize) {
        self.split_terms += 1;
        let surface = &text[start..end];
        // Character k of the term stands for character k of the surface
        // when both have as many characters (a lowercased word); otherwise
        // every piece gets the whole word's span.
        let one_for_one = term.chars().count() == surface.chars().count();
        // Where each character of the surface starts, then its end.
        let mut offsets = surface
            .char_indices()
            .map(|(at, _)| start + at)
            .chain(std::iter::once(end));
        let mut from = offsets.next().unwrap_or(end);
        let mut piece_start = 0;
        while piece_start < term.len() {
            let mut piece_end = (piece_start + MAX_TERM_BYTES).min(term.len());
            while !term.is_char_boundary(piece_end) {
                piece_end -= 1;
            }
            let piece = &term[piece_start..piece_end];
            if one_for_one {
                let to = offsets.nth(piece.chars().count() - 1).unwrap_or(end);
                self.push_piece(piece, from, to);
                from = to;
            } else {
                self.push_piece(piece, start, end);
            }
            piece_start = piece_end;
        }
    }

    #[inline(always)]
    fn push_piece(&mut self, term: &str, start: usize, end: usize) {
        self.buffer.push_str(term);
        self.ends.push(self.buffer.len() as u32);
        self.spans.push(self.ranges.range(start, end));
    }
}

/// Whether normalized byte `byte` lies in one of `spans` (sorted, disjoint).
fn in_marked(spans: &[MarkedSpan], byte: usize) -> bool {
    if spans.is_empty() {
        return false;
    }
    let after = spans.partition_point(|s| s.bytes.start <= byte);
    after > 0 && byte < spans[after - 1].bytes.end
}

/// Sets each mention's surface from its code-point span, in one pass over the
/// original text.
fn fill_surfaces(original: &str, mentions: &mut [EntityMention]) {
    let mut wanted: Vec<usize> = mentions.iter().flat_map(|m| [m.start, m.end]).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut walker = CharWalker {
        bytes: original.as_bytes(),
        byte: 0,
        chars: 0,
    };
    let bytes: Vec<usize> = wanted.iter().map(|&target| walker.seek(target)).collect();
    let byte_of = |position: usize| bytes[wanted.binary_search(&position).unwrap_or(0)];
    for mention in mentions.iter_mut() {
        mention.surface = original[byte_of(mention.start)..byte_of(mention.end)].to_string();
    }
}

/// Converts increasing code-point offsets of a text to byte offsets in one
/// pass, skipping ASCII eight bytes at a time.
struct CharWalker<'a> {
    bytes: &'a [u8],
    /// A character boundary ...
    byte: usize,
    /// ... and the number of characters before it.
    chars: usize,
}

impl CharWalker<'_> {
    /// The byte offset of character `target` (not before the last one
    /// asked for); the text's length when it has no more characters.
    fn seek(&mut self, target: usize) -> usize {
        while self.chars < target {
            if target - self.chars >= 8
                && let Some(block) = ascii::block_at(self.bytes, self.byte)
                && block & ascii::HIGH_BITS == 0
            {
                self.byte += 8;
                self.chars += 8;
                continue;
            }
            let Some(&lead) = self.bytes.get(self.byte) else {
                return self.bytes.len();
            };
            self.byte += match lead {
                0..0x80 => 1,
                0x80..0xE0 => 2,
                0xE0..0xF0 => 3,
                _ => 4,
            };
            self.chars += 1;
        }
        self.byte
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_walker_finds_byte_offsets() {
        let text = "ab£c defghijklmnop月之暗面 qrstuvwxyz0123456789é";
        let mut offsets: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        offsets.push(text.len());
        for step in 1..12 {
            let mut walker = CharWalker {
                bytes: text.as_bytes(),
                byte: 0,
                chars: 0,
            };
            for target in (0..offsets.len() + 20).step_by(step) {
                let expected = offsets.get(target).copied().unwrap_or(text.len());
                assert_eq!(walker.seek(target), expected, "step {step} target {target}");
            }
        }
    }

    fn canon() -> Canon {
        Canon::new(AliasTable::load(&[]).expect("default table loads"))
    }

    #[test]
    fn surfaces_are_slices_of_the_original_by_code_points() {
        let original = "“ＤｅｅｐＳｅｅｋ” and 月之暗面\u{200B}’s model";
        let analysis = canon().analyze(original);
        let chars: Vec<char> = original.chars().collect();
        assert!(!analysis.entities.is_empty());
        for mention in &analysis.entities {
            let slice: String = chars[mention.start..mention.end].iter().collect();
            assert_eq!(slice, mention.surface);
        }
        assert_eq!(analysis.entities[0].surface, "ＤｅｅｐＳｅｅｋ");
    }

    #[test]
    fn entity_ids_follow_the_terms_of_their_surface() {
        let analysis = canon().analyze("Dark Side of the Moon released a model.");
        let terms: Vec<&str> = analysis.terms().collect();
        assert_eq!(
            terms,
            [
                "dark",
                "side",
                "of",
                "the",
                "moon",
                "moonshot-ai",
                "released",
                "a",
                "model"
            ]
        );
        assert_eq!(analysis.token_spans[5], (0, 21));
        assert_eq!(analysis.token_spans.len(), terms.len());
    }

    #[test]
    fn traditional_text_gives_simplified_tokens_and_original_offsets() {
        let original = "字節跳動與輝達合作";
        let analysis = canon().analyze(original);
        let terms: Vec<&str> = analysis.terms().collect();
        assert_eq!(&terms[..2], ["字节跳动", "bytedance"]);
        assert_eq!(analysis.entities[0].surface, "字節跳動");
        assert_eq!(analysis.entities[1].surface, "輝達");
        assert_eq!(analysis.normalized.text(), original);
    }

    #[test]
    fn search_mode_adds_sub_words_with_their_spans() {
        let table = AliasTable::load(&[]).unwrap();
        let canon = Canon::with_options(
            table,
            AnalyzeOptions {
                search: true,
                ..AnalyzeOptions::default()
            },
        );
        let analysis = canon.analyze("中华人民共和国和post-training");
        let terms: Vec<&str> = analysis.terms().collect();
        assert_eq!(terms[0], "中华人民共和国");
        for (word, span) in [("中华", (0, 2)), ("人民", (2, 4)), ("共和国", (4, 7))] {
            let at = terms
                .iter()
                .position(|t| *t == word)
                .unwrap_or_else(|| panic!("{word} in {terms:?}"));
            assert_eq!(analysis.token_spans[at], span);
        }
        let at = terms.iter().position(|t| *t == "post-training").unwrap();
        assert_eq!(&terms[at + 1..at + 3], ["post", "training"]);
        assert_eq!(analysis.token_spans[at + 2], (13, 21));
    }

    #[test]
    fn a_child_mention_emits_its_ancestors_after_its_id() {
        let analysis =
            canon().analyze("DeepSeek-V3 and the Kimi chatbot and Qwen, but DeepSeek alone.");
        let terms: Vec<&str> = analysis.terms().collect();
        let after = |id: &str| {
            let at = terms
                .iter()
                .position(|t| *t == id)
                .unwrap_or_else(|| panic!("{id} in {terms:?}"));
            terms[at + 1]
        };
        assert_eq!(after("deepseek-v3"), "deepseek");
        assert_eq!(after("kimi"), "moonshot-ai");
        assert_eq!(after("qwen"), "alibaba");
        assert_eq!(analysis.token_spans.len(), terms.len());
        let parents: Vec<(&str, Vec<String>)> = analysis
            .entities
            .iter()
            .map(|m| (m.id.as_str(), m.parents.clone()))
            .collect();
        assert_eq!(
            parents,
            [
                ("deepseek-v3", vec!["deepseek".to_string()]),
                ("kimi", vec!["moonshot-ai".to_string()]),
                ("qwen", vec!["alibaba".to_string()]),
                ("deepseek", vec![]),
            ]
        );
        // The id and the parent carry the mention's span.
        let at = terms.iter().position(|t| *t == "deepseek-v3").unwrap();
        assert_eq!(analysis.token_spans[at], (0, 11));
        assert_eq!(analysis.token_spans[at + 1], (0, 11));
    }

    #[test]
    fn names_inside_compounds_keep_the_compound_term_and_add_their_id() {
        let analysis = canon().analyze("an Alibaba-backed start-up and the US-based fund");
        let terms: Vec<&str> = analysis.terms().collect();
        assert_eq!(
            terms,
            [
                "an",
                "alibaba-backed",
                "alibaba",
                "start-up",
                "and",
                "the",
                "us-based",
                "united-states",
                "fund"
            ]
        );
        assert_eq!(analysis.token_spans[2], (3, 10));
        let surfaces: Vec<&str> = analysis
            .entities
            .iter()
            .map(|m| m.surface.as_str())
            .collect();
        assert_eq!(surfaces, ["Alibaba", "US"]);
    }

    #[test]
    fn a_removed_control_never_joins_two_words_into_a_name() {
        let ids = |text: &str| -> Vec<String> {
            canon()
                .analyze(text)
                .entities
                .into_iter()
                .map(|m| m.id)
                .collect()
        };
        assert_eq!(ids("the UK said"), ["united-kingdom"]);
        assert!(ids("the U\u{4}\u{16}K said").is_empty());
        let analysis = canon().analyze("U\u{4}\u{16}K");
        assert_eq!(analysis.terms().collect::<Vec<_>>(), ["u", "k"]);
        assert_eq!(analysis.token_spans, [(0, 1), (3, 4)]);
    }

    #[test]
    fn terms_longer_than_the_cap_are_split_on_character_boundaries() {
        let word = "Ab".repeat(35_000);
        let analysis = canon().analyze(&format!("x {word} y"));
        let terms: Vec<&str> = analysis.terms().collect();
        assert!(terms.iter().all(|t| t.len() <= MAX_TERM_BYTES));
        assert_eq!(terms.len(), 2 + 70_000usize.div_ceil(MAX_TERM_BYTES));
        assert_eq!(terms[1..terms.len() - 1].concat(), word.to_lowercase());
        // The pieces' spans tile the word's span.
        let spans = &analysis.token_spans[1..terms.len() - 1];
        assert_eq!(spans[0].0, 2);
        assert_eq!(spans[spans.len() - 1].1, 70_002);
        assert!(spans.windows(2).all(|w| w[0].1 == w[1].0));
        assert_eq!(spans[0], (2, 2 + MAX_TERM_BYTES));
        assert_eq!(analysis.split_terms, 1);
        // The text itself is untouched.
        assert_eq!(analysis.normalized.text(), format!("x {word} y"));
    }

    #[test]
    fn terms_up_to_the_cap_stay_whole() {
        let word = "a".repeat(MAX_TERM_BYTES);
        let analysis = canon().analyze(&word);
        assert_eq!(analysis.terms().collect::<Vec<_>>(), [word.as_str()]);
        assert_eq!(analysis.split_terms, 0);
        let analysis = canon().analyze(&(word + "b"));
        assert_eq!(analysis.terms().len(), 2);
        assert_eq!(analysis.token_spans, [(0, 255), (255, 256)]);
        assert_eq!(analysis.split_terms, 1);
    }

    #[test]
    fn pieces_of_multibyte_and_acronym_terms() {
        // 300 characters of two bytes: pieces of 127 characters (254 bytes).
        let word = "é".repeat(300);
        let analysis = canon().analyze(&word);
        let terms: Vec<&str> = analysis.terms().collect();
        assert_eq!(
            terms.iter().map(|t| t.chars().count()).collect::<Vec<_>>(),
            [127, 127, 46]
        );
        assert_eq!(analysis.token_spans, [(0, 127), (127, 254), (254, 300)]);
        // A dotted acronym's term drops the dots: every piece gets the
        // whole word's span.
        let acronym = "A.".repeat(300);
        let analysis = canon().analyze(&acronym);
        let terms: Vec<&str> = analysis.terms().collect();
        assert_eq!(terms.concat(), "a".repeat(300));
        assert!(terms.iter().all(|t| t.len() <= MAX_TERM_BYTES));
        assert!(analysis.token_spans.iter().all(|&s| s == (0, 600)));
    }

    #[test]
    fn empty_text_gives_no_tokens() {
        let analysis = canon().analyze("");
        assert_eq!(analysis.terms().len(), 0);
        assert_eq!(analysis.lang.code, "und");
    }
}
