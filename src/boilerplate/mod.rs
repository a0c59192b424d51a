//! Stage 2b: boilerplate, the page furniture around an article.
//!
//! Text taken from web pages carries the page with it: share and comment
//! widgets, bylines, disclaimers, tickers of unrelated headlines with dates,
//! related-article lists, cookie and newsletter notices, copyright lines. An
//! index that takes their terms and entities returns the article for names it
//! never mentions. This stage marks such lines; it never changes the text.
//! The pipeline then leaves the terms and entities inside marked lines out of
//! its output (or keeps them, flagged, with [`Mode::Keep`]).
//!
//! It decides line by line (normalization has made every line of the page
//! one line of text), in three steps:
//!
//! 1. [`signals`]: what a line shows by itself: length, share of stop words
//!    (English and Chinese lists; other languages do without), sentence
//!    punctuation, link/@/# density, date-only and time-ago lines, buttons,
//!    list bullets, and known phrases per language (`data/boilerplate/`);
//! 2. [`layout`]: where it stands: title, header zone before the article's
//!    first paragraph, after its last paragraph, runs of short lines, tickers
//!    of headline and date pairs, sections opened by "Related articles" or
//!    相关阅读; and [`furniture`]: whether other pages of the corpus repeat it
//!    (`canon boilerplate learn`);
//! 3. [`model`]: a logistic score over those features with weights fitted on
//!    the tuning half of the labelled set in `data/eval/boilerplate/`; a line
//!    over the threshold is marked, with the reason of its most specific cue.
//!    A line that other pages of its source repeat (learned furniture) is
//!    marked whatever its score, unless the page repeats most of its
//!    paragraphs too (then it is a copy of another page).
//!
//! Cost: one pass to find lines, and per line at most [`lines::SAMPLE_BYTES`]
//! read (an article paragraph is recognized from its start); a long line's
//! key is only computed when learned furniture is loaded.

pub mod furniture;
pub mod layout;
mod lexicon;
pub mod lines;
pub mod model;
#[cfg(test)]
mod phrase_data;
mod phrases;
pub mod records;
pub mod signals;

use std::fmt;
use std::ops::Range;

use furniture::Furniture;
use lexicon::Lexicon;
use model::{Features, Model};
use signals::{LineSignals, StopLists, line_signals};

/// Whether the stage runs and what the pipeline does with what it marks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// Mark furniture and leave its terms and entities out of the output.
    #[default]
    On,
    /// Mark furniture, keep its terms, and flag its entity mentions.
    Keep,
    /// Do not run the stage.
    Off,
}

/// Why a line is page furniture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// Legal and financial disclaimers, "views expressed", 免责声明.
    Disclaimer,
    /// Buttons and widgets: Share, Reward, Add a comment, 分享到, 点赞.
    Widget,
    /// Headlines of other stories alternating with dates ("9 days ago").
    Ticker,
    /// A related-articles list: "Related", "You may also like", 相关阅读.
    Related,
    /// Author, editor, source, date and photo credits: "By ...", 责任编辑, 来源.
    Byline,
    /// A line that recurs across many pages of the corpus (see [`furniture`]).
    Repeated,
    /// Copyright lines and site licences: ©, All rights reserved, ICP备.
    Copyright,
    /// Cookie notices.
    Cookie,
    /// Newsletter and follow prompts: Sign up, 扫码关注.
    Newsletter,
    /// Site navigation: section names, breadcrumbs, link rows.
    Nav,
    /// A comment section after the article.
    Comments,
    /// Short lines between the title and the article (site names, icons).
    Header,
    /// Short lines after the article with no more specific cue (sidebars).
    Sidebar,
    /// Marked by the score with no specific cue.
    Other,
}

impl Reason {
    /// Every reason, in output order.
    pub const ALL: [Reason; 14] = [
        Reason::Disclaimer,
        Reason::Widget,
        Reason::Ticker,
        Reason::Related,
        Reason::Byline,
        Reason::Repeated,
        Reason::Copyright,
        Reason::Cookie,
        Reason::Newsletter,
        Reason::Nav,
        Reason::Comments,
        Reason::Header,
        Reason::Sidebar,
        Reason::Other,
    ];

    /// The name used in output and in the phrase files.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Disclaimer => "disclaimer",
            Reason::Widget => "widget",
            Reason::Ticker => "ticker",
            Reason::Related => "related",
            Reason::Byline => "byline",
            Reason::Repeated => "repeated",
            Reason::Copyright => "copyright",
            Reason::Cookie => "cookie",
            Reason::Newsletter => "newsletter",
            Reason::Nav => "nav",
            Reason::Comments => "comments",
            Reason::Header => "header",
            Reason::Sidebar => "sidebar",
            Reason::Other => "other",
        }
    }

    /// The reason named `name` (as written by [`Reason::as_str`]).
    pub fn from_name(name: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stretch of the analyzed text marked as furniture: one line, or
/// consecutive lines with the same reason (the line breaks between them
/// included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkedSpan {
    /// Byte range in the text given to [`Detector::mark`].
    pub bytes: Range<usize>,
    /// Why it is furniture.
    pub reason: Reason,
}

/// What the stage saw in one line, for `canon boilerplate explain` and for
/// fitting the weights.
#[derive(Debug, Clone)]
pub struct LineReport {
    /// Byte range of the line in the analyzed text.
    pub bytes: Range<usize>,
    /// Its feature values, parallel to [`model::FEATURE_NAMES`].
    pub features: Features,
    /// The probability that it is furniture.
    pub probability: f32,
    /// The reason it is marked with, if it is.
    pub marked: Option<Reason>,
}

/// The boilerplate detector: word lists, fitted weights, and optionally the
/// repeated lines learned from a corpus. Build one per process; it is `Sync`.
#[derive(Debug)]
pub struct Detector {
    lexicon: Lexicon,
    model: Model,
    furniture: Furniture,
}

impl Default for Detector {
    fn default() -> Self {
        Detector::new()
    }
}

/// When at least this share of a page's paragraphs are repeated elsewhere,
/// the page is a copy of another page, not a page sharing furniture, and
/// repetition is ignored for it.
const DUPLICATE_PAGE_SHARE: f32 = 0.8;

impl Detector {
    /// The detector with the built-in lists and weights and no learned furniture.
    pub fn new() -> Detector {
        Detector {
            lexicon: Lexicon::builtin(),
            model: Model::builtin(),
            furniture: Furniture::default(),
        }
    }

    /// The same detector using `furniture` as the repetition signal.
    pub fn with_furniture(mut self, furniture: Furniture) -> Detector {
        self.furniture = furniture;
        self
    }

    /// The furniture spans of `text` (normalized; Chinese folded to
    /// simplified) of a document in language `lang` (ISO 639 code), in text
    /// order.
    pub fn mark(&self, text: &str, lang: &str) -> Vec<MarkedSpan> {
        let mut spans: Vec<MarkedSpan> = Vec::new();
        for report in self.explain(text, lang) {
            let Some(reason) = report.marked else {
                continue;
            };
            match spans.last_mut() {
                Some(last)
                    if last.reason == reason
                        && text[last.bytes.end..report.bytes.start].trim().is_empty() =>
                {
                    last.bytes.end = report.bytes.end;
                }
                _ => spans.push(MarkedSpan {
                    bytes: report.bytes,
                    reason,
                }),
            }
        }
        spans
    }

    /// Every line of `text` with its features, score and decision.
    pub fn explain(&self, text: &str, lang: &str) -> Vec<LineReport> {
        let ranges = lines::blocks(text);
        if ranges.is_empty() {
            return Vec::new();
        }
        let stop_lists = StopLists::for_language(lang);
        let signals: Vec<LineSignals> = ranges
            .iter()
            .map(|r| {
                line_signals(
                    &text[r.clone()],
                    &self.lexicon,
                    stop_lists,
                    !self.furniture.is_empty(),
                )
            })
            .collect();
        let mut repeated: Vec<bool> = signals
            .iter()
            .map(|s| self.furniture.contains_key(&s.key))
            .collect();
        if repeated.iter().any(|&r| r) && is_copy(&signals, &repeated) {
            repeated.iter_mut().for_each(|r| *r = false);
        }
        let layout = layout::layout(&signals, &repeated);
        ranges
            .into_iter()
            .enumerate()
            .map(|(i, bytes)| {
                let features = self.model.features(&signals[i], &layout[i], repeated[i]);
                let probability = self.model.probability(&features);
                // A line other pages of the source repeat is furniture by
                // definition, whatever its score (a copied page was excluded
                // above).
                let marked = (repeated[i] || self.model.marks(probability))
                    .then(|| model::reason(&signals[i], &layout[i], repeated[i]));
                LineReport {
                    bytes,
                    features,
                    probability,
                    marked,
                }
            })
            .collect()
    }
}

/// Whether most paragraph-length lines of a page recur in other pages.
fn is_copy(signals: &[LineSignals], repeated: &[bool]) -> bool {
    let long: Vec<bool> = signals
        .iter()
        .zip(repeated)
        .filter(|(s, _)| s.units >= 12.0)
        .map(|(_, &r)| r)
        .collect();
    !long.is_empty()
        && long.iter().filter(|&&r| r).count() as f32 >= DUPLICATE_PAGE_SHARE * long.len() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARAGRAPH: &str = "The lab said on Tuesday that its new model had been trained on a \
                             cluster of chips it designed itself, a first for the company.";

    fn marked(text: &str, lang: &str) -> Vec<(String, Reason)> {
        Detector::new()
            .mark(text, lang)
            .into_iter()
            .map(|s| (text[s.bytes].to_string(), s.reason))
            .collect()
    }

    #[test]
    fn reasons_round_trip_through_their_names() {
        for reason in Reason::ALL {
            assert_eq!(Reason::from_name(reason.as_str()), Some(reason));
        }
        assert_eq!(Reason::from_name("furniture"), None);
    }

    #[test]
    fn an_article_alone_is_not_marked() {
        let text = format!("Lab trains model on own chips\n{PARAGRAPH}\n{PARAGRAPH}");
        assert_eq!(marked(&text, "en"), []);
        assert_eq!(marked("", "und"), []);
        assert_eq!(marked(PARAGRAPH, "en"), []);
    }

    #[test]
    fn repeated_lines_are_marked_unless_the_page_is_a_copy() {
        let page = format!("Title of the story\n{PARAGRAPH}\nFollow our desk\n{PARAGRAPH} Again.");
        let furniture = |lines: &[&str]| {
            let file: String = lines
                .iter()
                .map(|l| serde_json::json!({ "text": l }).to_string() + "\n")
                .collect();
            furniture::Furniture::read(file.as_bytes(), std::path::Path::new("f")).unwrap()
        };
        let detector = Detector::new().with_furniture(furniture(&["Follow our desk"]));
        let spans = detector.mark(&page, "en");
        assert_eq!(spans.len(), 1);
        assert_eq!(&page[spans[0].bytes.clone()], "Follow our desk");
        assert_eq!(spans[0].reason, Reason::Repeated);
        // Every paragraph repeated too: a copy of another page, not furniture.
        let copy = furniture(&["Follow our desk", PARAGRAPH, &format!("{PARAGRAPH} Again.")]);
        assert_eq!(Detector::new().with_furniture(copy).mark(&page, "en"), []);
    }

    #[test]
    fn consecutive_lines_with_one_reason_make_one_span() {
        let text = format!("Title of the story\n{PARAGRAPH}\n{PARAGRAPH}\nShare\nTweet\nEmail");
        assert_eq!(
            marked(&text, "en"),
            [("Share\nTweet\nEmail".to_string(), Reason::Widget)]
        );
    }
}
