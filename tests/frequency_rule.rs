//! The frequency rule (src/aliases/ambiguity.rs): what it demands of aliases
//! in both directions, that it agrees with the Python rule the default table
//! is generated with, and that `canon alias check` reports what it demands.

mod common;

use std::path::Path;

use canon::aliases::ambiguity::requirement;
use common::{run, stdout};

/// The rule's verdict in the fixture's terms: `-`, `case`, `support`,
/// `case+support` or `forbidden`.
fn verdict(text: &str) -> String {
    let r = requirement(text);
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

#[test]
fn frequent_words_need_rules() {
    for (text, expected) in [
        // Acronyms that are frequent letter sequences: exact case, nothing more.
        ("NATO", "case"),
        ("U.S.", "case"),
        ("US", "case"),
        ("WHO", "case"),
        // Words: Zipf >= 4 exact case and support, >= 3 exact case.
        ("Trump", "case+support"),
        ("Apple", "case+support"),
        ("Reading", "case+support"),
        ("Jordan", "case+support"),
        ("Seed", "case+support"),
        ("Nato", "case+support"),
        ("Bloomberg", "case"),
        ("Surge", "case"),
        ("Opec", "case"),
        // A possessive is looked up as written: "china's" is a frequent token.
        ("China\u{2019}s", "case"),
        // Chinese words of jieba's dictionary that are not tagged as names.
        ("小米", "support"),
        ("苹果", "support"),
        ("两会", "support"),
        ("兩會", "support"),
        ("昇腾", "support"),
        // A single Han character is never an alias.
        ("中", "forbidden"),
    ] {
        assert_eq!(verdict(text), expected, "{text}");
    }
}

#[test]
fn names_need_no_rules() {
    for text in [
        // Name-dominant words (data/freq/name-dominant.txt).
        "China",
        "London",
        "约旦",
        // Rare words, names of several words, mixed or other scripts.
        "DeepSeek",
        "Moonshot AI",
        "iPhone",
        "Türkiye",
        "A股",
        "トランプ",
        "삼성",
        // One letter is no acronym; "opec+" is no word.
        "G20",
        "OPEC+",
        // jieba tags them as names (ns) or abbreviations (j).
        "北京",
        "欧盟",
        // ... even those that are also common words: the rule cannot see them.
        "中山",
        "和平",
    ] {
        assert_eq!(verdict(text), "-", "{text}");
    }
}

#[test]
fn the_rule_agrees_with_the_python_rule_on_the_default_table() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/frequency-rule.tsv");
    let text = std::fs::read_to_string(&fixture).expect("tests/fixtures/frequency-rule.tsv");
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (expected, alias) = line.split_once('\t').expect("verdict TAB alias");
        let got = verdict(alias);
        if got != expected {
            disagreements.push(format!("{alias}: Python {expected}, Rust {got}"));
        }
        compared += 1;
    }
    assert!(compared > 5000, "{compared}");
    assert!(
        disagreements.is_empty(),
        "{} of {compared} disagree (regenerate with scripts/aliasgen/rule_fixture.py if the rule changed on purpose):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

#[test]
fn alias_check_reports_frequent_words_without_their_rules() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("t.toml");
    std::fs::write(
        &table,
        "[[entity]]\nid = \"reading-fc\"\nname = \"Reading FC\"\nkind = \"org\"\n\
         aliases.en = [\"Reading FC\",\n  \"Reading\"]\n\
         aliases.zh-Hans = [{ text = \"小米\", case = \"exact\" }]\n\n\
         [[entity]]\nid = \"seed-lab\"\nname = \"Seed\"\nkind = \"org\"\n\
         aliases.en = [{ text = \"Seed\", case = \"exact\", needs = \"support\" }]\n\
         aliases.zh-Hans = [{ text = \"种子\", needs = \"support\" }]\n",
    )
    .unwrap();
    let output = run(&["alias", "check", table.to_str().unwrap()]);
    let out = stdout(&output);
    let path = table.display();
    let findings: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("frequent word"))
        .collect();
    assert_eq!(
        findings,
        [
            format!(
                "{path}:6: entity \"reading-fc\": alias \"Reading\" is a frequent word without case = \"exact\" and needs = \"support\": \"reading\" has Zipf 5.14 >= 4.0 [warning]"
            ),
            format!(
                "{path}:7: entity \"reading-fc\": alias \"小米\" is a frequent word without needs = \"support\": 小米 is a jieba word tagged n with frequency 396 (>= 100) [warning]"
            ),
        ],
        "{out}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn the_default_table_passes_the_frequency_rule() {
    let output = run(&["alias", "check"]);
    let out = stdout(&output);
    assert!(!out.contains("frequent word"), "{out}");
    assert!(!out.contains("is not allowed"), "{out}");
}
