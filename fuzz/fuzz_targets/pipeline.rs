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
    for canon in pipelines() {
        let analysis = canon.analyze(&text);
        assert_eq!(analysis.terms().len(), analysis.token_spans.len());
        for &(start, end) in &analysis.token_spans {
            assert!(start < end && end <= length);
        }
        for mention in &analysis.entities {
            let surface: String = text
                .chars()
                .skip(mention.start)
                .take(mention.end - mention.start)
                .collect();
            assert_eq!(surface, mention.surface);
        }
        let mut previous_end = 0;
        for span in analysis.boilerplate.iter().flatten() {
            let (start, end) = (span.original_chars.start, span.original_chars.end);
            assert!(previous_end <= start && start < end && end <= length);
            previous_end = end;
        }
    }
});
