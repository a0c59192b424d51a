//! The per-document pipeline: normalize → detect → boilerplate → segment →
//! match, with every result expressed in offsets into the original text.

use crate::aliases::AliasTable;
use crate::ascii;
use crate::boilerplate::{self, Detector, MarkedSpan};
use crate::detect::{Language, detect};
use crate::matching::find_mentions;
use std::borrow::Cow;

use crate::normalize::chinese::fold;
use crate::normalize::{Normalized, normalize};
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
    /// The mention as written in the original text.
    pub surface: String,
    /// Code-point offset of the mention in the original text.
    pub start: usize,
    /// Code-point offset just past the mention in the original text.
    pub end: usize,
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
        let mut mentions = find_mentions(&self.table, &text, &tokens, &|word| {
            self.router.is_dictionary_word(word)
        });
        // A mention that reaches into furniture goes too, so that every
        // mention kept ends on a kept token.
        mentions.retain(|m| !drop(m.start) && !drop(tokens[m.last_token].start));

        let mut term_buffer = String::with_capacity(text.len() + mentions.len() * 16);
        let mut parts = Vec::new();
        let capacity = tokens.len() + mentions.len();
        let mut term_ends = Vec::with_capacity(capacity);
        let mut token_spans = Vec::with_capacity(capacity);
        let mut next_mention = mentions.iter().peekable();
        for (index, token) in tokens.iter().enumerate() {
            if drop(token.start) {
                continue;
            }
            term_buffer.push_str(&token.term);
            term_ends.push(term_buffer.len() as u32);
            token_spans.push(normalized.original_range(token.start, token.end));
            if self.options.search {
                parts.clear();
                self.router.search_parts(token, &mut parts);
                for part in &parts {
                    term_buffer.push_str(&part.term);
                    term_ends.push(term_buffer.len() as u32);
                    token_spans.push(normalized.original_range(part.start, part.end));
                }
            }
            while let Some(mention) = next_mention.next_if(|m| m.last_token == index) {
                let id = &self.table.entity_at(mention.entity).id;
                if mention.first_token == index && token.term == id.as_str() {
                    continue; // the surface already is the id's term
                }
                term_buffer.push_str(id);
                term_ends.push(term_buffer.len() as u32);
                token_spans.push(normalized.original_range(mention.start, mention.end));
            }
        }

        let mut entities: Vec<EntityMention> = mentions
            .iter()
            .map(|m| {
                let entity = self.table.entity_at(m.entity);
                let (start, end) = normalized.original_range(m.start, m.end);
                EntityMention {
                    id: entity.id.clone(),
                    name: entity.name.clone(),
                    surface: String::new(),
                    start,
                    end,
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
            boilerplate,
        }
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
    fn empty_text_gives_no_tokens() {
        let analysis = canon().analyze("");
        assert_eq!(analysis.terms().len(), 0);
        assert_eq!(analysis.lang.code, "und");
    }
}
