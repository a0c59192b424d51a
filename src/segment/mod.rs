//! Stage 3: segmentation into index terms, routed by script.
//!
//! Han runs go to the Chinese segmenter (jieba with the alias table's Chinese
//! names as dictionary words); everything else goes to the word segmenter
//! (Unicode word boundaries with rules for English). The routing is per run, so
//! Latin names inside Chinese text are tokenized like English and Han runs
//! inside English text are segmented like Chinese. Japanese documents are the
//! exception: their Han runs are Japanese words, which a Chinese dictionary
//! would split wrongly, so they go to the word segmenter whole.

pub mod chinese;
pub mod words;

use std::borrow::Cow;

use crate::detect::Language;
use crate::script::is_han;

pub use chinese::ChineseSegmenter;
pub use words::WordSegmenter;

/// One index term and where it stands in the normalized text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'t> {
    /// The index term: lowercased, possessive dropped, dots of acronyms removed.
    pub term: Cow<'t, str>,
    /// Byte offset of the token's first character in the normalized text.
    pub start: usize,
    /// Byte offset just past the token's last character in the normalized text.
    pub end: usize,
}

/// A segmenter for one kind of run: appends the tokens of `run`, which starts
/// at byte `base` of the normalized text, to `out`.
pub trait Segment {
    /// Segments `run` into tokens whose offsets are shifted by `base`.
    fn segment<'t>(&self, run: &'t str, base: usize, out: &mut Vec<Token<'t>>);
}

/// Routes runs of a document to the segmenter for their script.
#[derive(Debug, Default)]
pub struct Router {
    words: WordSegmenter,
    chinese: ChineseSegmenter,
}

impl Router {
    /// A router whose Chinese segmenter knows `dictionary_words` (alias names,
    /// blockers) in addition to jieba's own dictionary.
    pub fn new(dictionary_words: Vec<String>) -> Router {
        Router {
            words: WordSegmenter,
            chinese: ChineseSegmenter::new(dictionary_words),
        }
    }

    /// The tokens of normalized `text`, a document in language `lang`.
    pub fn segment<'t>(&self, text: &'t str, lang: Language) -> Vec<Token<'t>> {
        let mut tokens = Vec::with_capacity(text.len() / 4);
        if lang.is_japanese() {
            self.words.segment(text, 0, &mut tokens);
            return tokens;
        }
        for (start, end, han) in script_runs(text) {
            let run = &text[start..end];
            if han {
                self.chinese.segment(run, start, &mut tokens);
            } else {
                self.words.segment(run, start, &mut tokens);
            }
        }
        tokens
    }

    /// Whether `word` is in the Chinese dictionary (loading it if needed).
    pub fn is_dictionary_word(&self, word: &str) -> bool {
        self.chinese.has_word(word)
    }

    /// Whether the Chinese dictionary has been loaded (it is loaded on first use).
    pub fn chinese_loaded(&self) -> bool {
        self.chinese.is_loaded()
    }
}

/// Splits `text` into maximal runs of Han and of non-Han characters:
/// `(start, end, is_han)` in bytes.
fn script_runs(text: &str) -> impl Iterator<Item = (usize, usize, bool)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (start, first) = chars.next()?;
        let han = is_han(first);
        let mut end = start + first.len_utf8();
        while let Some(&(index, c)) = chars.peek() {
            if is_han(c) != han {
                break;
            }
            end = index + c.len_utf8();
            chars.next();
        }
        Some((start, end, han))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str, code: &'static str) -> Vec<String> {
        let router = Router::new(vec!["月之暗面".to_string()]);
        let lang = Language {
            code,
            confidence: 1.0,
        };
        router
            .segment(text, lang)
            .into_iter()
            .map(|t| t.term.into_owned())
            .collect()
    }

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
    fn japanese_han_is_not_cut_with_the_chinese_dictionary() {
        assert_eq!(terms("東京タワー", "ja"), ["東", "京", "タワー"]);
    }

    #[test]
    fn runs_cover_the_text() {
        let runs: Vec<_> = script_runs("ab中文 c").collect();
        assert_eq!(runs, [(0, 2, false), (2, 8, true), (8, 10, false)]);
    }
}
