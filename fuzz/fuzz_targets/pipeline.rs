//! Fuzzes the whole per-document pipeline (normalize, detect, segment, match)
//! on arbitrary text, with and without search mode, checking the invariants
//! the output contract promises.
#![no_main]

use std::sync::OnceLock;

use canon::aliases::AliasTable;
use canon::normalize::normalize;
use canon::{AnalyzeOptions, Canon};
use libfuzzer_sys::fuzz_target;

fn pipelines() -> &'static [Canon; 2] {
    static PIPELINES: OnceLock<[Canon; 2]> = OnceLock::new();
    PIPELINES.get_or_init(|| {
        let table = || AliasTable::load(&[]).expect("default table loads");
        [
            Canon::new(table()),
            Canon::with_options(table(), {
                let mut options = AnalyzeOptions::default();
                options.search = true;
                options.boilerplate = canon::boilerplate::Mode::Keep;
                options
            }),
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let once = normalize(&text);
    assert_eq!(
        normalize(once.text()).text(),
        once.text(),
        "normalization is idempotent"
    );
    let length = text.chars().count();
    for (k, canon) in pipelines().iter().enumerate() {
        let analysis = canon.analyze(&text);
        assert_eq!(analysis.terms().len(), analysis.token_spans().len());
        for span in analysis.token_spans() {
            assert!(span.start < span.end && span.end as usize <= length);
        }
        // Positions never decrease, and the words take consecutive ones
        // (with furniture kept, the second pipeline, nothing leaves a gap).
        let positions = analysis.terms.positions();
        assert_eq!(positions.len(), analysis.terms().len());
        assert!(positions.windows(2).all(|w| w[0] <= w[1]));
        let mut next_word = 0;
        for (i, &position) in positions.iter().enumerate() {
            if k == 1 && (i == 0 || position > positions[i - 1]) {
                assert_eq!(position, next_word, "words take consecutive positions");
                next_word += 1;
            }
        }
        for mention in &analysis.entities {
            let surface: String = text
                .chars()
                .skip(mention.span.start as usize)
                .take((mention.span.end - mention.span.start) as usize)
                .collect();
            assert_eq!(surface, mention.surface);
        }
        let mut previous_end = 0;
        for span in analysis.boilerplate.iter().flatten() {
            let (start, end) = (
                span.original_chars.start as usize,
                span.original_chars.end as usize,
            );
            assert!(previous_end <= start && start < end && end <= length);
            previous_end = end;
        }
    }
});
