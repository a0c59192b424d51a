//! Invariants that must hold for any input: normalization is idempotent,
//! every offset is in bounds and on a character boundary, nothing panics.

use std::sync::OnceLock;

use canon::aliases::AliasTable;
use canon::boilerplate::Mode;
use canon::normalize::normalize;
use canon::{AnalyzeOptions, Canon};
use proptest::prelude::*;

fn canon() -> &'static Canon {
    static CANON: OnceLock<Canon> = OnceLock::new();
    CANON.get_or_init(|| Canon::new(AliasTable::load(&[]).expect("default table loads")))
}

/// Search mode (stacked sub-words and parts) without the boilerplate stage
/// (whose dropped words leave gaps).
fn search_canon() -> &'static Canon {
    static CANON: OnceLock<Canon> = OnceLock::new();
    CANON.get_or_init(|| {
        let mut options = AnalyzeOptions::default();
        options.search = true;
        options.boilerplate = Mode::Off;
        Canon::with_options(AliasTable::load(&[]).expect("default table loads"), options)
    })
}

/// Text built from the characters that stress the pipeline: names from the
/// alias table, full-width forms, invisibles, combining marks, quotes,
/// line breaks, kana, Hangul jamo, emoji sequences, ZWNJ in the scripts
/// that need it, controls between a character and its combining marks, and
/// arbitrary code points.
fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("DeepSeek".to_string()),
        Just("月之暗面".to_string()),
        Just("Dark Side of the\nMoon".to_string()),
        Just("ＵＳ".to_string()),
        Just("U.S.".to_string()),
        Just("China’s".to_string()),
        Just("小米粥".to_string()),
        Just("字節跳動".to_string()),
        Just("$1,841.31".to_string()),
        Just("post-training".to_string()),
        Just("ｶﾞ".to_string()),
        Just("\u{1100}\u{1161}".to_string()),
        "[ \t\n\u{3000}\u{200B}\u{AD}\u{FEFF}\u{301}\u{B4}“”‘’—…,.;()（）、。]{1,3}",
        // controls between a base and its marks, marks of different classes
        "[e中\u{FFFD}][\u{0}\u{1}\u{301}\u{311}\u{316}\u{350}\u{5B2}\u{5C4}]{1,5}",
        // a full-width form or typographic character, controls, then
        // combining marks: the marks must compose as they would without the
        // controls, or a second pass composes them
        "[\u{FF01}-\u{FF5E}\u{3000}’“—][\u{0}-\u{8}\u{E}-\u{1F}\u{7F}-\u{84}\u{86}-\u{9F}]{1,3}[\u{300}-\u{36F}\u{5B0}-\u{5C4}]{1,3}",
        // emoji sequences and the invisibles that hold them together, and
        // ZWNJ in Persian and Devanagari, mixed with controls and marks
        Just("👨\u{200D}👩\u{200D}👧".to_string()),
        Just("❤\u{FE0F} 1\u{FE0F}\u{20E3} 🇺🇸".to_string()),
        Just("🏴\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}".to_string()),
        Just("می\u{200C}خواهم क्\u{200C}ष".to_string()),
        "[\u{200C}\u{200D}\u{FE0E}\u{FE0F}\u{20E3}\u{E0067}\u{E007F}\u{1F3FB}🏴👨❤™1#بﺰ\u{64B}\u{FE70}क\u{94D}\u{1}\u{85}\u{301}]{1,6}",
        "[a-zA-Z0-9]{1,6}",
        "[\u{4E00}-\u{4E2F}]{1,4}",
        // Chinese numerals, times and percentages, whose spans the
        // segmenter keeps whole (7亿百分之万 once made two overlap)
        "[一二十百千万亿〇点分之年月日号7]{1,6}",
        Just("百分之".to_string()),
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(pieces, 0..24).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn normalizing_is_idempotent(text in tricky_text()) {
        let once = normalize(&text);
        let twice = normalize(once.text());
        prop_assert_eq!(twice.text(), once.text());
    }

    #[test]
    fn normalizing_arbitrary_strings_is_idempotent(text in any::<String>()) {
        let once = normalize(&text);
        let twice = normalize(once.text());
        prop_assert_eq!(twice.text(), once.text());
    }

    #[test]
    fn normalized_offsets_map_into_the_original(text in tricky_text()) {
        let normalized = normalize(&text);
        let length = text.chars().count();
        let mut boundaries: Vec<usize> = normalized.text().char_indices().map(|(b, _)| b).collect();
        boundaries.push(normalized.text().len());
        for pair in boundaries.windows(2) {
            let (start, end) = normalized.original_range(pair[0], pair[1]);
            prop_assert!(start < end && end <= length);
        }
    }

    #[test]
    fn analysis_offsets_are_in_bounds_and_surfaces_match(text in tricky_text()) {
        let analysis = canon().analyze(&text);
        let chars: Vec<char> = text.chars().collect();
        prop_assert_eq!(analysis.token_spans().len(), analysis.terms().len());
        for span in analysis.token_spans() {
            let (start, end) = (span.start as usize, span.end as usize);
            prop_assert!(start < end && end <= chars.len(), "span {:?} of {}", (start, end), chars.len());
        }
        for term in analysis.terms() {
            prop_assert!(!term.is_empty());
        }
        for mention in &analysis.entities {
            let slice: String = chars[mention.span.start as usize..mention.span.end as usize].iter().collect();
            prop_assert_eq!(&slice, &mention.surface);
        }
    }

    #[test]
    fn fast_word_boundaries_match_uax29(text in "[a-zA-Z0-9_ .,;:'\"\r\n\t%$#+£é\u{301}—-]{0,40}") {
        use unicode_segmentation::UnicodeSegmentation;
        let expected: Vec<(usize, &str)> = text.split_word_bound_indices().collect();
        prop_assert_eq!(canon::segment::words::word_bound_pieces(&text), expected);
    }

    #[test]
    fn analysis_never_panics_on_arbitrary_strings(text in any::<String>()) {
        let analysis = canon().analyze(&text);
        let length = text.chars().count() as u32;
        prop_assert!(analysis.token_spans().iter().all(|s| s.start < s.end && s.end <= length));
    }

    /// The position graph: positions never decrease; the words (the first
    /// term at each position) take consecutive positions from 0; what is
    /// stacked on a word lies inside it; and every entity id's positions
    /// are exactly its mention's words: the word at its position holds the
    /// mention's start, the last word it spans holds its end.
    #[test]
    fn positions_form_a_synonym_graph(text in tricky_text()) {
        let analysis = search_canon().analyze(&text);
        let terms: Vec<_> = analysis.terms.iter().collect();
        prop_assert_eq!(analysis.terms.positions().len(), terms.len());
        prop_assert!(terms.windows(2).all(|w| w[0].position <= w[1].position));
        // The word at each position.
        let mut words = Vec::new();
        for (i, term) in terms.iter().enumerate() {
            if i == 0 || term.position > terms[i - 1].position {
                prop_assert_eq!(term.position as usize, words.len(), "consecutive words");
                prop_assert_eq!(term.position_length, 1);
                words.push(*term);
            }
        }
        let ids: Vec<&str> = analysis.entity_ids();
        for term in &terms {
            let span = term.span.unwrap();
            let word = words[term.position as usize];
            let word_span = word.span.unwrap();
            if ids.contains(&term.text) && term.position_length >= 1 && *term != word {
                let last = words[(term.position + term.position_length - 1) as usize].span.unwrap();
                prop_assert!(word_span.start <= span.start && span.start < word_span.end,
                    "{:?} starts in its first word {:?}", term, word);
                prop_assert!(last.start < span.end && span.end <= last.end,
                    "{:?} ends in its last word {:?}", term, last);
                if let Some(after) = words.get((term.position + term.position_length) as usize) {
                    prop_assert!(after.span.unwrap().start >= span.end, "{:?} ends before {:?}", term, after);
                }
            } else if *term != word {
                // A sub-word or part: inside its word, one position.
                prop_assert_eq!(term.position_length, 1);
                prop_assert!(word_span.start <= span.start && span.end <= word_span.end,
                    "{:?} inside {:?}", term, word);
            }
        }
        // Every mention has its id among the terms, over its span.
        for mention in &analysis.entities {
            let found = terms.iter().any(|t| t.span == Some(mention.span) && t.text == mention.id);
            prop_assert!(found, "{} at {:?}", mention.id, mention.span);
        }
    }

    /// The same words get the same positions whether page furniture is
    /// dropped or kept, and the output's positions are those of the terms.
    #[test]
    fn dropped_furniture_leaves_positions_unchanged(text in tricky_text()) {
        static KEEP: OnceLock<Canon> = OnceLock::new();
        let keep = KEEP.get_or_init(|| {
            let mut options = AnalyzeOptions::default();
            options.boilerplate = Mode::Keep;
            Canon::with_options(AliasTable::load(&[]).unwrap(), options)
        });
        let kept: Vec<(String, u32)> =
            keep.analyze(&text).terms.iter().map(|t| (t.text.to_string(), t.position)).collect();
        for term in canon().analyze(&text).terms.iter() {
            prop_assert!(kept.contains(&(term.text.to_string(), term.position)), "{:?}", term);
        }
    }
}
