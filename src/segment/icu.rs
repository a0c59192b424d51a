//! The segmenter for Japanese and for the scripts of South-East Asia written
//! without spaces (Thai, Lao, Khmer, Burmese): ICU4X's word segmenter, the
//! Unicode Consortium's own implementation, with its dictionaries compiled
//! into the binary (the `icu_segmenter` crate's `compiled_data`: nothing is
//! read or downloaded at run time or build time).
//!
//! ICU4X offers a dictionary model for all five and an LSTM model for the
//! South-East Asian scripts. canon uses the dictionaries: on Thai news
//! sentences the LSTM was about 160 times slower (0.5 MB/s against 87 MB/s
//! on one core) for cuts that differ in a few compounds (see the README's
//! segmentation section).
//!
//! The router hands this segmenter runs of those scripts only (kana and
//! kanji with the punctuation between them; Thai letters and marks; ...),
//! never Latin letters or digits, which keep canon's English rules. Terms are
//! the runs' text as normalized: none of these scripts has case, and
//! Japanese kanji are not folded to simplified Chinese.

use std::borrow::Cow;

use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::{WordSegmenter, WordSegmenterBorrowed};

use super::{Segment, Token};

/// Segments Japanese, Thai, Lao, Khmer and Burmese runs into words with
/// ICU4X's dictionaries.
#[derive(Debug, Clone, Copy)]
pub struct IcuSegmenter {
    segmenter: WordSegmenterBorrowed<'static>,
}

impl Default for IcuSegmenter {
    fn default() -> IcuSegmenter {
        IcuSegmenter {
            // Compiled data: building it costs nothing at run time.
            segmenter: WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()),
        }
    }
}

impl Segment for IcuSegmenter {
    fn segment<'t>(&self, run: &'t str, _lower: &'t str, base: usize, out: &mut Vec<Token<'t>>) {
        let mut breaks = self.segmenter.segment_str(run);
        let Some(mut start) = breaks.next() else {
            return;
        };
        while let Some(end) = breaks.next() {
            // Word-like segments are words and numbers; the others are
            // spaces and punctuation, which are no terms.
            if breaks.word_type().is_word_like() {
                out.push(Token {
                    term: Cow::Borrowed(&run[start..end]),
                    start: base + start,
                    end: base + end,
                });
            }
            start = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        IcuSegmenter::default().segment(text, text, 0, &mut out);
        out.iter().map(|t| &text[t.start..t.end]).collect()
    }

    #[test]
    fn japanese_is_cut_into_dictionary_words() {
        assert_eq!(
            words("東京都の知事は記者会見で、新しい経済対策を発表した。"),
            [
                "東京",
                "都",
                "の",
                "知事",
                "は",
                "記者",
                "会見",
                "で",
                "新しい",
                "経済",
                "対策",
                "を",
                "発表",
                "した"
            ]
        );
        assert_eq!(
            words("ソフトバンクグループの孫正義会長"),
            ["ソフトバンクグループ", "の", "孫", "正義", "会長"]
        );
    }

    #[test]
    fn thai_is_cut_into_words_not_letters() {
        assert_eq!(
            words("รัฐบาลไทยประกาศมาตรการกระตุ้นเศรษฐกิจใหม่"),
            [
                "รัฐบาล",
                "ไทย",
                "ประกาศ",
                "มาตรการ",
                "กระตุ้น",
                "เศรษฐกิจ",
                "ใหม่"
            ]
        );
    }

    #[test]
    fn offsets_are_shifted_by_the_base_and_punctuation_gives_no_token() {
        let text = "「東京」、";
        let mut out = Vec::new();
        IcuSegmenter::default().segment(text, text, 10, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!((out[0].start, out[0].end), (10 + 3, 10 + 9));
        assert_eq!(out[0].term, "東京");
    }
}
