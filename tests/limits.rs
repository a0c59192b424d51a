//! Limits on hostile input, end to end: terms longer than the cap are split
//! and counted in the summary, and alias tables beyond the table limits are
//! refused with `file:line`.

mod common;

use common::{records, run, run_with_stdin, stderr, stdout};

#[test]
fn a_seventy_thousand_character_word_never_reaches_the_output_whole() {
    let word = "x".repeat(70_000);
    let input = format!("{{\"text\":\"short words and {word}\"}}\n");
    let output = run_with_stdin(&["normalize"], input.into_bytes());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let records = records(&output.stdout);
    let tokens: Vec<&str> = records[0]["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(
        tokens.iter().all(|t| t.len() <= 255),
        "a term over 255 bytes"
    );
    assert_eq!(tokens[..3], ["short", "words", "and"]);
    assert_eq!(tokens[3..].concat(), word);
    // The text itself is untouched.
    let normalized = records[0]["normalized_text"].as_str().unwrap();
    assert!(normalized.ends_with(&word));
    assert!(
        stderr(&output).contains("; 1 term over 255 bytes split"),
        "{}",
        stderr(&output)
    );
    let output = run_with_stdin(&["normalize"], b"{\"text\":\"short words\"}\n".to_vec());
    assert!(!stderr(&output).contains("split"), "{}", stderr(&output));
}

#[test]
fn alias_tables_beyond_the_limits_are_refused_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("long.toml");
    let long = "Moon ".repeat(40);
    std::fs::write(
        &table,
        format!(
            "[[entity]]\nid = \"long\"\nname = \"Long\"\nkind = \"org\"\naliases.en = [\n  \"Short\",\n  \"{long}\",\n]\n"
        ),
    )
    .unwrap();
    let table = table.to_str().unwrap();
    let output = run(&["normalize", "--quiet", "--aliases", table]);
    assert_eq!(output.status.code(), Some(2));
    let expected = format!(
        "{table}:7: entity \"long\": alias \"Moon Moon Moon Moon Moon Moon Moon Moon \"... is 200 characters long (limit 128)"
    );
    assert!(stderr(&output).contains(&expected), "{}", stderr(&output));
    let output = run(&["alias", "check", table]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains(&format!("{expected} [error]")),
        "{}",
        stdout(&output)
    );
}
