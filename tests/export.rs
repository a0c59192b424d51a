//! `canon alias export`: synonym files from the alias table, one format per
//! engine, snapshotted on a small table (tests/fixtures/export-table.toml),
//! each checked against its format's documented rules, and the command end
//! to end.

mod common;

use canon::aliases::{AliasTable, TableSource};
use canon::synonyms::{self, SynonymFormat};
use common::{run, stderr, stdout};
use serde_json::Value;

const FIXTURE: &str = "tests/fixtures/export-table.toml";

fn exported(format: SynonymFormat) -> String {
    let source = TableSource::read(std::path::Path::new(FIXTURE)).expect("fixture reads");
    let table = AliasTable::from_sources(&[source]).expect("fixture loads");
    let mut out = Vec::new();
    synonyms::write(&synonyms::rules(&table), format, &mut out).expect("written");
    String::from_utf8(out).unwrap()
}

/// The terms of a Solr synonyms line, as Solr's documented format reads it:
/// `#` starts a comment line, `,` separates terms, `=>` makes a one-way
/// mapping (canon writes none), `\` escapes the next character, terms are
/// trimmed.
fn solr_terms(line: &str) -> Vec<String> {
    let mut terms = vec![String::new()];
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => terms
                .last_mut()
                .unwrap()
                .push(chars.next().expect("an escape escapes something")),
            ',' => terms.push(String::new()),
            '=' if chars.peek() == Some(&'>') => panic!("a mapping in {line:?}"),
            c => terms.last_mut().unwrap().push(c),
        }
    }
    let terms: Vec<String> = terms.into_iter().map(|t| t.trim().to_string()).collect();
    assert!(
        terms.iter().all(|t| !t.is_empty()),
        "empty term in {line:?}"
    );
    terms
}

/// Every rule of a Solr file.
fn solr_rules(file: &str) -> Vec<Vec<String>> {
    file.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(solr_terms)
        .collect()
}

fn zorblax() -> Vec<String> {
    [
        "Zorblax Labs",
        "Zorblax Laboratories",
        "ＺＯＲＢＬＡＸ ＬＡＢＳ",
        "佐布拉克斯实验室",
        "佐布拉克斯實驗室",
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn solr_rules_keep_what_a_synonym_file_can_express() {
    let file = exported(SynonymFormat::Solr);
    insta::assert_snapshot!("export_solr", file);
    let rules = solr_rules(&file);
    // Full-width and traditional spellings are kept (an engine may not fold
    // them as canon does). Exact-case,
    // supported, acronym, blocked and short aliases are out; an entity
    // with one alias left has no rule.
    assert_eq!(
        rules,
        [
            zorblax(),
            vec![
                "Quillfeather, Inc.".to_string(),
                "Quill=>Feather".to_string()
            ]
        ]
    );
}

#[test]
fn elasticsearch_gets_a_synonyms_set_of_solr_rules() {
    let file = exported(SynonymFormat::Elasticsearch);
    insta::assert_snapshot!("export_elasticsearch", file);
    let body: Value = serde_json::from_str(&file).unwrap();
    let set = body["synonyms_set"].as_array().expect("synonyms_set");
    assert_eq!(set.len(), 2);
    assert_eq!(set[0]["id"], "zorblax-labs");
    assert_eq!(solr_terms(set[0]["synonyms"].as_str().unwrap()), zorblax());
    assert!(set.iter().all(|r| r.as_object().unwrap().len() == 2));
}

#[test]
fn opensearch_gets_a_synonym_graph_filter() {
    let file = exported(SynonymFormat::Opensearch);
    insta::assert_snapshot!("export_opensearch", file);
    let filter: Value = serde_json::from_str(&file).unwrap();
    assert_eq!(filter["type"], "synonym_graph");
    let rules: Vec<Vec<String>> = filter["synonyms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| solr_terms(r.as_str().unwrap()))
        .collect();
    assert_eq!(rules[0], zorblax());
    assert_eq!(rules.len(), 2);
}

#[test]
fn meilisearch_gets_every_direction_of_each_rule() {
    let file = exported(SynonymFormat::Meilisearch);
    insta::assert_snapshot!("export_meilisearch", file);
    let object: Value = serde_json::from_str(&file).unwrap();
    let object = object.as_object().unwrap();
    // Meilisearch rules are one-way: b in a's list needs a in b's.
    for (alias, others) in object {
        for other in others.as_array().unwrap() {
            let back = object[other.as_str().unwrap()].as_array().unwrap();
            assert!(back.iter().any(|b| b == alias), "{other} -> {alias}");
            assert_ne!(other, alias);
        }
    }
    assert_eq!(object.len(), 7);
    assert!(!object.contains_key("Zorblax"));
    assert!(!object.contains_key("Lonely Name"));
}

#[test]
fn jsonl_lists_every_entity_with_what_was_left_out() {
    let file = exported(SynonymFormat::Jsonl);
    insta::assert_snapshot!("export_jsonl", file);
    let lines: Vec<Value> = file
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    let reasons: Vec<(&str, &str)> = lines
        .iter()
        .flat_map(|l| l["left_out"].as_array().unwrap())
        .map(|o| (o["alias"].as_str().unwrap(), o["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        reasons,
        [
            ("Zorblax", "exact case"),
            ("ZLB", "acronym"),
            ("Quill", "blockers"),
            ("Vantello", "short form")
        ]
    );
}

#[test]
fn the_command_writes_a_file_counts_and_lists_what_it_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("synonyms.txt");
    let out = out.to_str().unwrap();
    let output = run(&[
        "alias",
        "export",
        "--format",
        "solr",
        "--aliases",
        FIXTURE,
        "-o",
        out,
        "--verbose",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    let file = std::fs::read_to_string(out).unwrap();
    // The fixture's rules beside the default table's.
    let rules = solr_rules(&file);
    assert!(rules.contains(&zorblax()));
    assert!(rules.iter().any(|r| r.contains(&"Moonshot AI".to_string())));
    assert!(rules.iter().flatten().all(|t| t != "Moon Shadow"));
    let messages = stderr(&output);
    assert!(
        messages.contains("left out zorblax-labs: Zorblax (exact case)"),
        "{messages}"
    );
    assert!(
        messages.contains("left out moonshot-ai: Moon Shadow (exact case)"),
        "{messages}"
    );
    assert!(messages.contains("synonym rules with"), "{messages}");

    // Without --verbose, the count only.
    let quiet = run(&[
        "alias",
        "export",
        "--format",
        "meilisearch",
        "--aliases",
        FIXTURE,
    ]);
    assert!(quiet.status.success());
    assert!(!stderr(&quiet).contains("left out zorblax"));
    let object: Value = serde_json::from_str(&stdout(&quiet)).unwrap();
    assert_eq!(object["Zorblax Labs"][0], "Zorblax Laboratories");
}

#[test]
fn the_command_never_writes_over_a_table_it_reads() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("table.toml");
    std::fs::copy(FIXTURE, &table).unwrap();
    let table = table.to_str().unwrap();
    let output = run(&[
        "alias",
        "export",
        "--format",
        "solr",
        "--aliases",
        table,
        "-o",
        table,
    ]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("table.toml"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(table).unwrap(),
        std::fs::read_to_string(FIXTURE).unwrap()
    );
}
