//! The signals of a line's place in the page: the article body (the stretch
//! from the first to the last paragraph-like line), the title before it, the
//! header zone between them, what comes after the body, runs of short lines,
//! tickers of headline and date pairs, and sections opened by a heading such
//! as "Related articles" or 相关阅读.

use super::Reason;
use super::signals::LineSignals;

/// Where a line stands in its page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayoutSignals {
    /// The line is paragraph-like: long, with sentence punctuation, and no
    /// furniture cue.
    pub body: bool,
    /// The line is the page's title: the first substantial line before the body.
    pub title: bool,
    /// The line stands between the title and the body.
    pub header_zone: bool,
    /// The line comes after the body's last paragraph.
    pub after_body: bool,
    /// ln(1 + length) of the run of non-paragraph lines the line is in (0 for
    /// paragraphs).
    pub short_run: f32,
    /// The line is part of a ticker: headlines alternating with dates.
    pub ticker: bool,
    /// The line is in a section opened by a furniture heading after the body
    /// began, and the section's reason.
    pub tail_section: Option<Reason>,
    /// The page has no paragraph-like line at all.
    pub no_body: bool,
}

/// Paragraph-like: a sentence of at least this many words (a Han character
/// counts half), or twice as long with clause punctuation.
const BODY_UNITS: f32 = 10.0;
/// Clause marks (density × length, so a little under three) that make a
/// long first line a paragraph rather than a one-sentence title.
const INSIDE_MARKS: f32 = 2.5;
/// Date lines at most this many lines apart belong to one ticker.
const TICKER_GAP: usize = 4;

fn has_cue(s: &LineSignals) -> bool {
    s.button.is_some() || s.phrase_start.is_some() || s.phrase_contains.is_some() || s.date_line
}

/// The layout signals of every line, given each line's own signals and
/// whether it is known furniture from other pages.
pub fn layout(lines: &[LineSignals], repeated: &[bool]) -> Vec<LayoutSignals> {
    let n = lines.len();
    let mut out = vec![LayoutSignals::default(); n];
    mark_tickers(lines, &mut out);
    let paragraph = |i: usize| {
        let s = &lines[i];
        (s.ends_sentence && s.units >= BODY_UNITS
            || s.units >= 2.0 * BODY_UNITS && s.punct_density >= 0.08)
            && s.link_density < 0.2
            && !has_cue(s)
            && !repeated[i]
            && !out[i].ticker
    };
    let paragraphs: Vec<bool> = (0..n).map(paragraph).collect();
    // The first line is the title's place even when it is a long sentence,
    // but not when it is a paragraph twice the body length with three
    // clause marks or more (a title is one sentence): then the text begins
    // inside an article (a chunk of a newspaper page, a page cut from a
    // larger one) and has no title or header zone of its own; the headlines
    // after that paragraph are the next article's.
    let starts_inside = paragraphs.first().copied().unwrap_or(false)
        && lines[0].ends_sentence
        && lines[0].units >= 2.0 * BODY_UNITS
        && lines[0].punct_density * lines[0].units >= INSIDE_MARKS;
    let body_start = if starts_inside {
        Some(0)
    } else {
        (1..n)
            .find(|&i| paragraphs[i])
            .or_else(|| paragraphs.first().copied().unwrap_or(false).then_some(0))
    };
    let Some(body_start) = body_start else {
        for layout in &mut out {
            layout.no_body = true;
        }
        mark_title(lines, repeated, n, &mut out);
        mark_runs(&paragraphs, &mut out);
        return out;
    };
    // A furniture heading after the body began opens a tail section, unless
    // paragraphs go on after it (then it was the article's own heading).
    let mut tail_start = None;
    for i in body_start + 1..n {
        if let Some(reason) = lines[i].opens {
            let after = n - i - 1;
            let later_paragraphs = paragraphs[i + 1..].iter().filter(|&&p| p).count();
            if later_paragraphs * 2 <= after {
                tail_start = Some((i, reason));
                break;
            }
        }
    }
    let body_limit = tail_start.map_or(n, |(i, _)| i);
    let mut body_end = (body_start..body_limit)
        .rev()
        .find(|&i| paragraphs[i])
        .unwrap_or(body_start);
    mark_title(lines, repeated, body_start, &mut out);
    // Short sentences next to the body belong to it (a list of clauses
    // after "as follows:", a salutation before a speech): furniture seldom
    // ends like a sentence.
    let prose = |i: usize, out: &[LayoutSignals]| {
        let s = &lines[i];
        s.ends_sentence && s.units >= 3.0 && !has_cue(s) && !repeated[i] && !out[i].ticker
    };
    while body_end + 1 < body_limit && prose(body_end + 1, &out) {
        body_end += 1;
    }
    // One headline-like line left at the very end of the text, after the
    // article's last paragraph, is the next article's headline in a chunk
    // of a newspaper page (whose text continues in the next record), not a
    // sidebar: a sidebar is a run of lines, or shows a cue.
    if tail_start.is_none() && body_end + 2 == n {
        let s = &lines[n - 1];
        if s.units >= 3.0 && !has_cue(s) && !repeated[n - 1] && !out[n - 1].ticker && !s.bullet {
            body_end = n - 1;
        }
    }
    let mut body_start = body_start;
    while body_start > 0 && prose(body_start - 1, &out) && !out[body_start - 1].title {
        body_start -= 1;
    }
    for (i, layout) in out.iter_mut().enumerate() {
        layout.body = paragraphs[i] && i < body_limit;
        layout.header_zone = i < body_start && !layout.title;
        layout.after_body = i > body_end;
        if let Some((start, reason)) = tail_start
            && i >= start
        {
            layout.tail_section = Some(reason);
        }
    }
    mark_runs(&paragraphs, &mut out);
    out
}

/// The title: the longest line before `limit` that shows no furniture cue
/// and is not repeated on other pages (a site name or a tagline before it is
/// shorter or repeated), with a subtitle or standfirst of four words or
/// more right before or after it.
fn mark_title(lines: &[LineSignals], repeated: &[bool], limit: usize, out: &mut [LayoutSignals]) {
    let candidate = |i: usize, out: &[LayoutSignals]| {
        let s = &lines[i];
        s.units >= 3.0
            && !has_cue(s)
            && s.link_density < 0.3
            && s.numeric_share < 0.5
            && !out[i].ticker
            && !s.bullet
            && !repeated[i]
    };
    let limit = limit.min(lines.len());
    let Some(title) = (0..limit)
        .filter(|&i| candidate(i, out))
        .max_by(|&a, &b| lines[a].units.total_cmp(&lines[b].units).then(b.cmp(&a)))
    else {
        return;
    };
    out[title].title = true;
    for neighbour in [title.wrapping_sub(1), title + 1] {
        if neighbour < limit && candidate(neighbour, out) && lines[neighbour].units >= 4.0 {
            out[neighbour].title = true;
        }
    }
}

fn mark_runs(paragraphs: &[bool], out: &mut [LayoutSignals]) {
    let mut i = 0;
    while i < paragraphs.len() {
        if paragraphs[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < paragraphs.len() && !paragraphs[i] {
            i += 1;
        }
        let run = ((i - start) as f32).ln_1p();
        for layout in &mut out[start..i] {
            layout.short_run = run;
        }
    }
}

/// Clusters of two or more date lines, each within [`TICKER_GAP`] lines of
/// the next, with the lines between them; plus the headline on the open
/// side: before the first date when dates follow their headlines, after the
/// last one when they precede them.
fn mark_tickers(lines: &[LineSignals], out: &mut [LayoutSignals]) {
    let dates: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].date_line).collect();
    let mut k = 0;
    while k < dates.len() {
        let mut end = k;
        while end + 1 < dates.len() && dates[end + 1] - dates[end] <= TICKER_GAP {
            end += 1;
        }
        if end > k {
            let (first, last) = (dates[k], dates[end]);
            // Headlines are short and rarely end like a sentence; the
            // article's last paragraph before a ticker does.
            let headline = |i: usize| {
                let s = &lines[i];
                s.units < 40.0 && !s.date_line && !(s.ends_sentence && s.units >= BODY_UNITS)
            };
            let dates_follow = first > 0 && headline(first - 1);
            let from = if dates_follow { first - 1 } else { first };
            let to = if !dates_follow && last + 1 < lines.len() && headline(last + 1) {
                last + 1
            } else {
                last
            };
            for layout in &mut out[from..=to] {
                layout.ticker = true;
            }
        }
        k = end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexicon::Lexicon;
    use super::super::signals::{StopLists, line_signals};
    use super::*;

    fn page(text: &str) -> Vec<LayoutSignals> {
        let lexicon = Lexicon::builtin();
        let signals: Vec<LineSignals> = text
            .lines()
            .map(|l| line_signals(l, &lexicon, StopLists::for_language("en"), false))
            .collect();
        layout(&signals, &vec![false; signals.len()])
    }

    const PARAGRAPH: &str = "The lab said on Tuesday that its new model had been trained on a \
                             cluster of chips it designed itself, a first for the company.";

    #[test]
    fn title_header_body_and_after() {
        let text = format!(
            "Lab trains model on its own chips\nicon\n{PARAGRAPH}\nA heading\n{PARAGRAPH}\nMore headlines here\nAnd more"
        );
        let layout = page(&text);
        assert!(layout[0].title && !layout[0].header_zone);
        assert!(layout[1].header_zone && !layout[1].title);
        assert!(layout[2].body && layout[4].body);
        assert!(!layout[3].body && !layout[3].header_zone && !layout[3].after_body);
        assert!(layout[5].after_body && layout[6].after_body);
        assert!(layout[5].short_run > layout[3].short_run);
    }

    #[test]
    fn the_title_is_the_longest_unrepeated_line_with_its_subtitle() {
        let text = format!(
            "SITE NAME\nLab trains its model on chips of its own\nA subtitle that says a little more\n{PARAGRAPH}"
        );
        let found = page(&text);
        assert!(!found[0].title && found[0].header_zone);
        assert!(found[1].title && found[2].title);
        // A repeated tagline is not the title, however long.
        let lexicon = Lexicon::builtin();
        let lines: Vec<LineSignals> = [
            "We read every paper on the subject and send the best ones to you",
            "A short title",
            PARAGRAPH,
        ]
        .iter()
        .map(|l| line_signals(l, &lexicon, StopLists::for_language("en"), false))
        .collect();
        let signals = layout(&lines, &[true, false, false]);
        assert!(!signals[0].title && signals[1].title);
    }

    #[test]
    fn short_sentences_next_to_the_body_belong_to_it() {
        let text = format!(
            "Title of the page\nLadies and gentlemen, friends:\n{PARAGRAPH}\nThe ages are as follows:\n(1) platoon, thirty;\n(2) company, forty.\nOther headline\nAnd another"
        );
        let layout = page(&text);
        assert!(!layout[1].header_zone);
        assert!((3..=5).all(|i| !layout[i].after_body), "{layout:?}");
        assert!(layout[6].after_body && layout[7].after_body);
    }

    #[test]
    fn a_text_that_begins_inside_an_article_has_no_header_zone() {
        let inside = "and the lab said on Tuesday that the model, trained on its own chips, \
                      had beaten the others; it will sell access to them next year.";
        let text = format!("{inside}\n(From our correspondent)\nNext story headline\n{PARAGRAPH}");
        let layout = page(&text);
        assert!(
            layout.iter().all(|l| !l.header_zone && !l.title),
            "{layout:?}"
        );
        // A short first line is still the title, with a header zone after
        // it, and so is a long one-sentence title.
        let layout = page(&format!("Lab trains model\nicon\n{PARAGRAPH}"));
        assert!(layout[0].title && layout[1].header_zone);
        let title = "The effect of the new export rules on the labs that train large models \
                     is smaller than their authors hoped, a study finds.";
        let layout = page(&format!("{title}\nicon\n{PARAGRAPH}"));
        assert!(layout[0].title && layout[1].header_zone, "{layout:?}");
    }

    #[test]
    fn one_headline_at_the_end_is_the_next_article_not_a_sidebar() {
        let layout = page(&format!(
            "Title of the page\n{PARAGRAPH}\nLab opens a second chip plant"
        ));
        assert!(!layout[2].after_body, "{layout:?}");
        // Two lines are a run, and a line with a cue is furniture.
        let layout = page(&format!(
            "Title of the page\n{PARAGRAPH}\nOther headline\nAnd another"
        ));
        assert!(layout[2].after_body && layout[3].after_body);
        let layout = page(&format!("Title of the page\n{PARAGRAPH}\n9 days ago"));
        assert!(layout[2].after_body);
    }

    #[test]
    fn a_page_without_paragraphs_has_no_body() {
        let layout = page("Home\nNews\nSome headline of the day");
        assert!(layout.iter().all(|l| l.no_body && !l.after_body));
        assert!(layout[2].title);
    }

    #[test]
    fn tickers_pair_headlines_with_dates() {
        let text = format!(
            "{PARAGRAPH}\n{PARAGRAPH}\nBitcoin rises\n9 days ago\nEther falls\n9 days ago\nThe end"
        );
        let layout = page(&text);
        assert!(!layout[1].ticker);
        assert!((2..=5).all(|i| layout[i].ticker));
        assert!(!layout[6].ticker);
        // Dates leading their headlines.
        let text = format!("{PARAGRAPH}\n10:32\nBitcoin rises\n10:45\nEther falls");
        let layout = page(&text);
        assert!((1..=4).all(|i| layout[i].ticker), "{layout:?}");
        // One date line is a dateline, not a ticker.
        let text = format!("Title here now\n2024-05-01\n{PARAGRAPH}");
        assert!(!page(&text)[1].ticker);
    }

    #[test]
    fn furniture_headings_open_tail_sections_only_after_the_body() {
        let text =
            format!("Title of the page\n{PARAGRAPH}\nRelated articles\nOne headline\nAnother one");
        let layout = page(&text);
        assert_eq!(layout[2].tail_section, Some(Reason::Related));
        assert_eq!(layout[4].tail_section, Some(Reason::Related));
        assert_eq!(layout[1].tail_section, None);
        // Paragraphs go on after it: the article's own heading.
        let text = format!("Title of the page\n{PARAGRAPH}\nComments\n{PARAGRAPH}\n{PARAGRAPH}");
        assert!(page(&text).iter().all(|l| l.tail_section.is_none()));
    }
}
