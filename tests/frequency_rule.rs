//! The ambiguity rule (src/aliases/ambiguity.rs): what it demands of aliases
//! in both directions, that it agrees with the Python rule the default table
//! is generated with (per alias on every alias of the default table, and
//! finding for finding on a table that breaks each part of the rule), and
//! that `canon alias check` reports what it demands.

mod common;

use std::path::Path;

use canon::aliases::Kind;
use canon::aliases::ambiguity::requirement;
use common::{run, stdout};

/// The rule's verdict in the fixture's terms: `-`, `case`, `support`,
/// `case+support` or `forbidden`.
fn verdict(text: &str, kind: Kind) -> String {
    let r = requirement(text, kind);
    if r.forbidden {
        return "forbidden".into();
    }
    match (r.case_exact, r.needs_support) {
        (false, false) => "-",
        (true, false) => "case",
        (false, true) => "support",
        (true, true) => "case+support",
    }
    .into()
}

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn frequent_words_need_rules() {
    for (text, expected) in [
        // Short acronyms: letters many bodies share, unless name-dominant.
        ("EFF", "case+support"),
        ("GM", "case+support"),
        ("U.S.", "case"),
        ("US", "case"),
        ("WHO", "case"),
        ("BBC", "case"),
        // Longer ones: exact case when a frequent letter sequence; the word
        // when it is one (SEAT in a heading is the seat).
        ("NATO", "case"),
        ("SEAT", "case+support"),
        // Words: Zipf >= 4 exact case and support, >= 3 exact case.
        ("Trump", "case+support"),
        ("Apple", "case+support"),
        ("Reading", "case+support"),
        ("Jordan", "case+support"),
        ("Seed", "case+support"),
        ("Bloomberg", "case"),
        ("Surge", "case"),
        ("Opec", "case"),
        // A possessive: canon also matches the bare word, a family name;
        // McDonald has Zipf 3.77, Sainsbury 2.58.
        ("McDonald's", "case+support"),
        ("McDonald\u{2019}s", "case+support"),
        ("Sainsbury's", "support"),
        // Chinese words of jieba's dictionary that are not tagged as names.
        ("小米", "support"),
        ("苹果", "support"),
        ("两会", "support"),
        ("兩會", "support"),
        ("昇腾", "support"),
        // Two characters tagged as a name (贝壳 nr, "shell"): an organisation
        // needs support, a place or a person does not (柏林 is only Berlin).
        ("贝壳", "support"),
        ("柏林", "support"),
        // A single Han character is never an alias.
        ("中", "forbidden"),
    ] {
        assert_eq!(verdict(text, Kind::Org), expected, "{text}");
    }
    assert_eq!(verdict("柏林", Kind::Place), "-");
    assert_eq!(verdict("朱德", Kind::Person), "-");
}

#[test]
fn names_need_no_rules() {
    for text in [
        // Name-dominant words (data/freq/name-dominant.txt).
        "China",
        "China's",
        "London",
        "Nato",
        "约旦",
        "amazon.com",
        // Rare words, names of several words (possessive ones too: canon
        // now matches People's Daily with exact case), mixed or other scripts.
        "DeepSeek",
        "Moonshot AI",
        "People's Daily",
        "iPhone",
        "Türkiye",
        "A股",
        "トランプ",
        "삼성",
        // One letter is no acronym; "opec+" is no word; DPRK a rare sequence.
        "G20",
        "OPEC+",
        "DPRK",
        // jieba tags them as names (ns) or abbreviations (j).
        "北京",
        "欧盟",
        // ... even those that are also common words: the rule cannot see them.
        "中山",
        "和平",
    ] {
        assert_eq!(verdict(text, Kind::Place), "-", "{text}");
    }
}

#[test]
fn the_rule_agrees_with_the_python_rule_on_every_alias_of_the_default_table() {
    let text = fixture("frequency-rule.tsv");
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let mut fields = line.splitn(3, '\t');
        let (expected, kind, alias) = (
            fields.next().unwrap(),
            fields.next().expect("verdict TAB kind TAB alias"),
            fields.next().expect("verdict TAB kind TAB alias"),
        );
        let got = verdict(alias, Kind::parse(kind).expect("a kind"));
        if got != expected {
            disagreements.push(format!("{alias} ({kind}): Python {expected}, Rust {got}"));
        }
        compared += 1;
    }
    assert!(compared > 20_000, "{compared}");
    assert!(
        disagreements.is_empty(),
        "{} of {compared} disagree (regenerate with scripts/aliasgen/rule_fixture.py if the rule changed on purpose):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// `canon alias check`'s findings for a table of tests/fixtures, as the
/// fixtures write them (`line: message`).
fn findings(table: &Path) -> Vec<String> {
    let output = run(&["alias", "check", table.to_str().unwrap()]);
    let prefix = format!("{}:", table.display());
    stdout(&output)
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .map(|l| l.trim_end_matches(" [warning]").to_string())
        .collect()
}

#[test]
fn alias_check_reports_every_part_of_the_rule_as_the_python_lint_does() {
    let table = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ambiguity-table.toml");
    let expected: Vec<String> = fixture("ambiguity-table.expected")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(String::from)
        .collect();
    assert_eq!(findings(&table), expected);
}

#[test]
fn alias_check_reports_frequent_words_without_their_rules_and_not_with_them() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("t.toml");
    std::fs::write(
        &table,
        "[[entity]]\nid = \"reading-fc\"\nname = \"Reading FC\"\nkind = \"org\"\n\
         aliases.en = [\"Reading FC\",\n  \"Reading\"]\n\
         aliases.zh-Hans = [\"小米\"]\n\n\
         [[entity]]\nid = \"seed-lab\"\nname = \"Seed\"\nkind = \"org\"\n\
         aliases.en = [{ text = \"Seedling\", case = \"exact\", needs = \"support\" }]\n\
         aliases.zh-Hans = [{ text = \"种子\", needs = \"support\" }]\n",
    )
    .unwrap();
    assert_eq!(
        findings(&table),
        [
            "6: entity \"reading-fc\": alias \"Reading\" lacks case = \"exact\" and needs = \"support\": \"reading\" has Zipf 5.14 >= 4.0",
            "7: entity \"reading-fc\": alias \"小米\" lacks needs = \"support\": 小米 is a jieba word tagged n with frequency 396 (>= 100); also claimed by xiaomi",
        ]
    );
    let output = run(&["alias", "check", table.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn the_default_table_passes_the_rule() {
    let output = run(&["alias", "check"]);
    let out = stdout(&output);
    assert!(out.contains("no problems"), "{out}");
    assert_eq!(output.status.code(), Some(0));
}
