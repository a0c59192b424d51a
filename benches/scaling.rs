//! Does canon take linear time on hostile input? Each case times an input
//! of size n, 2n, 4n and 8n and prints the time ratio of every doubling,
//! which should stay near 2 (near 4 would be quadratic).
//!
//!     cargo bench --bench scaling               # every case, about a minute
//!     cargo bench --bench scaling -- units      # cases whose name contains "units"
//!
//! Cases:
//!
//! * `units`: a document of `2001年，` repeated (every number joined with its
//!   unit by the segmenter);
//! * `match-han`, `match-words`: the longest alias the table limits allow
//!   (128 Han characters, 32 words), one character or word repeated then
//!   another, against a document of the repeated one, so that matching
//!   walks as far as the alias goes at every position;
//! * `blockers`: an alias with the most and longest blockers allowed (none
//!   matching), mentioned over and over;
//! * `ambiguous`: a document of an ambiguous alias that needs support and
//!   never gets it, repeated (every mention looks for support);
//! * `parent-chain`: checking a table whose entities form one parent chain
//!   (rejected past the depth limit, but the check must stay linear);
//! * `aliases-per-entity`: checking a table with one entity of n aliases,
//!   one per line (every alias is located by its line).
//!
//! Times are the best of three runs (of one when it takes seconds); the
//! machine's noise shows in ratios
//! between 1.6 and 2.5, a quadratic cost as 4 or more.

use std::hint::black_box;
use std::time::{Duration, Instant};

use canon::Canon;
use canon::aliases::{AliasTable, TableSource, check_sources, limits};

/// One scaling case: a name, the base size, and a run over input of size n.
struct Case {
    name: &'static str,
    base: usize,
    run: Box<dyn Fn(usize) -> Duration>,
}

fn table(text: String) -> AliasTable {
    AliasTable::from_sources(&[TableSource {
        name: "bench.toml".into(),
        text,
        jsonl: false,
    }])
    .expect("the bench table loads")
}

/// Times `analyze` of `text` with a pipeline on `table` (its setup not timed).
fn time_analyze(canon: &Canon, text: &str) -> Duration {
    let started = Instant::now();
    black_box(canon.analyze(black_box(text)));
    started.elapsed()
}

fn time_check(text: String) -> Duration {
    let source = TableSource {
        name: "bench.toml".into(),
        text,
        jsonl: false,
    };
    let started = Instant::now();
    black_box(check_sources(black_box(&[source])));
    started.elapsed()
}

fn entity(id: &str, parent: Option<&str>, aliases: &str) -> String {
    let parent = parent.map_or(String::new(), |p| format!("parent = \"{p}\"\n"));
    format!(
        "[[entity]]\nid = \"{id}\"\nname = \"N\"\nkind = \"org\"\n{parent}aliases.en = [{aliases}]\n"
    )
}

/// The longest alias the table accepts, in Han characters and in words.
const HAN_ALIAS_CHARS: usize = limits::ALIAS_CHARS;
const WORD_ALIAS_WORDS: usize = limits::ALIAS_TERMS;
/// The most blockers an alias may have, and their longest length.
const BLOCKERS: usize = limits::BLOCKERS;
const BLOCKER_CHARS: usize = limits::BLOCKER_CHARS;

fn cases() -> Vec<Case> {
    let default = || Canon::new(AliasTable::load(&[]).expect("default table loads"));
    let units = default();
    // The longest alias allowed, one character or word repeated and a
    // different one at the end, against a document of the repeated one: at
    // every position matching walks as far as the alias goes and fails.
    let han = "\u{4E00}".repeat(HAN_ALIAS_CHARS - 1) + "\u{4E8C}";
    let han_canon = Canon::new(table(entity("long-han", None, &format!("\"{han}\""))));
    let word_alias = "w ".repeat(WORD_ALIAS_WORDS - 1) + "x";
    let word_canon = Canon::new(table(entity(
        "long-words",
        None,
        &format!("\"{word_alias}\""),
    )));
    let ambiguous = default();
    // An alias with as many blockers as allowed, each as long as allowed,
    // none of which matches: every mention searches the text around it for
    // each one.
    let blockers: Vec<String> = (0..BLOCKERS)
        .map(|k| {
            format!(
                "\"{} a {}\"",
                "b".repeat(31),
                "c".repeat(BLOCKER_CHARS - 34 - k % 8)
            )
        })
        .collect();
    let blocked = Canon::new(table(entity(
        "blocked",
        None,
        &format!("{{ text = \"a\", blockers = [{}] }}", blockers.join(", ")),
    )));
    vec![
        Case {
            name: "blockers",
            base: 1_000,
            run: Box::new(move |n| {
                time_analyze(&blocked, &format!("{} a ", "b".repeat(60)).repeat(n))
            }),
        },
        Case {
            name: "units",
            base: 20_000,
            run: Box::new(move |n| time_analyze(&units, &"2001年，".repeat(n))),
        },
        Case {
            name: "match-han",
            base: 20_000,
            run: Box::new(move |n| time_analyze(&han_canon, &"\u{4E00}".repeat(n))),
        },
        Case {
            name: "match-words",
            base: 20_000,
            run: Box::new(move |n| time_analyze(&word_canon, &"w ".repeat(n))),
        },
        Case {
            name: "ambiguous",
            base: 5_000,
            run: Box::new(move |n| time_analyze(&ambiguous, &"Moonshot said. ".repeat(n))),
        },
        Case {
            name: "parent-chain",
            base: 4_000,
            run: Box::new(|n| {
                let mut text = entity("e0", None, "\"E0\"");
                for k in 1..n {
                    let parent = format!("e{}", k - 1);
                    text += &entity(&format!("e{k}"), Some(&parent), &format!("\"E{k}\""));
                }
                time_check(text)
            }),
        },
        Case {
            name: "aliases-per-entity",
            base: 4_000,
            run: Box::new(|n| {
                let aliases: Vec<String> = (0..n).map(|k| format!("\"Alias {k}\"")).collect();
                time_check(entity("many", None, &aliases.join(",\n  ")))
            }),
        },
    ]
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument filters cases.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    for case in cases() {
        if !filters.is_empty() && !filters.iter().any(|f| case.name.contains(f.as_str())) {
            continue;
        }
        let mut line = format!("{:<20}", case.name);
        let mut previous: Option<Duration> = None;
        for step in 0..4 {
            let n = case.base << step;
            // The best of three runs, or of fewer when one takes seconds.
            let mut best = (case.run)(n);
            let mut total = best;
            while total < Duration::from_secs(2) && total < best * 3 {
                let time = (case.run)(n);
                best = best.min(time);
                total += time;
            }
            line += &format!("  n={n}: {:>9.2} ms", best.as_secs_f64() * 1e3);
            if let Some(previous) = previous {
                line += &format!(" (x{:.1})", best.as_secs_f64() / previous.as_secs_f64());
            }
            previous = Some(best);
        }
        println!("{line}");
    }
}
