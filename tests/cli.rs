//! End-to-end tests of the `canon` binary: output contract, bad input, exit
//! codes and the alias commands.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use common::{records as parse_records, run_with_stdin, stderr, stdout};

/// Runs canon with `args`, feeding `stdin`.
fn run(args: &[&str], stdin: &str) -> Output {
    run_with_stdin(args, stdin.as_bytes().to_vec())
}

fn records(output: &Output) -> Vec<Value> {
    parse_records(&output.stdout)
}

fn chars(text: &str, start: u64, end: u64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

fn entity_ids(record: &Value) -> Vec<&str> {
    record["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect()
}

#[test]
fn samples_normalize_to_the_documented_contract() {
    let output = run(&["normalize", "--quiet", "data/samples"], "");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("samples", stdout(&output));
}

#[test]
fn every_entity_surface_is_the_original_slice_and_spans_are_in_bounds() {
    let output = run(&["normalize", "--quiet", "--spans", "data/samples"], "");
    for record in records(&output) {
        let text = record["text"].as_str().unwrap();
        let length = text.chars().count() as u64;
        for entity in record["entities"].as_array().unwrap() {
            let (start, end) = (
                entity["start"].as_u64().unwrap(),
                entity["end"].as_u64().unwrap(),
            );
            assert_eq!(chars(text, start, end), entity["surface"].as_str().unwrap());
        }
        let tokens = record["tokens"].as_array().unwrap();
        let spans = record["token_spans"].as_array().unwrap();
        assert_eq!(tokens.len(), spans.len());
        for span in spans {
            let (start, end) = (span[0].as_u64().unwrap(), span[1].as_u64().unwrap());
            assert!(start < end && end <= length, "{span} in a text of {length}");
        }
    }
}

#[test]
fn stdin_records_keep_their_fields_and_order() {
    let input = concat!(
        r#"{"id":"a","meta":{"n":1.50},"text":"Moonshot AI and 月之暗面 are one company."}"#,
        "\n",
        r#"{"text":"","id":"b"}"#,
        "\n",
        r#"{"id":"c","body":"ＤｅｅｐＳｅｅｋ’s model"}"#,
        "\n"
    );
    let output = run(&["normalize", "--quiet"], input);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with(r#"{"id":"a","meta":{"n":1.50},"text":"Moonshot AI and 月之暗面 are one company.","lang":"en""#));
    let first: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(entity_ids(&first), ["moonshot-ai", "moonshot-ai"]);
    let second: Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(second["id"], "b");
    assert_eq!(second["tokens"], serde_json::json!([]));
    assert_eq!(second["lang"], "und");

    let output = run(&["normalize", "--quiet", "--text-field", "body"], input);
    let records = records(&output);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["id"], "c");
    assert_eq!(records[0]["normalized_text"], "DeepSeek's model");
    assert_eq!(entity_ids(&records[0]), ["deepseek"]);
}

#[test]
fn bad_lines_are_reported_counted_and_written_verbatim_to_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("rejects.jsonl");
    let input = concat!(
        "{\"id\":1,\"text\":\"good one\"}\n",
        "not json\n",
        "[1,2]\n",
        "\n",
        "{\"id\":4}\n",
        "{\"id\":5,\"text\":42}\n",
        "{\"id\":6,\"text\":\"good two\"}\n",
    );
    let output = run(
        &["normalize", "--rejects", rejects.to_str().unwrap()],
        input,
    );
    assert_eq!(output.status.code(), Some(1));
    let ids: Vec<i64> = records(&output)
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [1, 6]);
    let err = stderr(&output);
    assert!(err.contains("-:2: invalid JSON"), "{err}");
    assert!(
        err.contains("-:3: not a JSON object (found an array)"),
        "{err}"
    );
    assert!(err.contains("-:5: missing text field \"text\""), "{err}");
    assert!(
        err.contains("-:6: text field \"text\" is not a string (found a number)"),
        "{err}"
    );
    assert!(
        err.contains("canon: 6 records in, 2 out, 4 rejected;")
            && err.contains("1 blank line skipped"),
        "{err}"
    );
    let rejected: Vec<Value> = std::fs::read_to_string(&rejects)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let raws: Vec<&str> = rejected
        .iter()
        .map(|r| r["raw"].as_str().unwrap())
        .collect();
    assert_eq!(
        raws,
        ["not json", "[1,2]", "{\"id\":4}", "{\"id\":5,\"text\":42}"]
    );
    assert_eq!(rejected[0]["line"], 2);
    assert_eq!(rejected[0]["file"], "-");
    assert_eq!(rejected[0]["raw_bytes"], 8);
    assert_eq!(
        rejected[0]["raw_sha256"],
        "7ccfa1fbf3940e6f0c0375d87c0f9235a50514e14cb427bdfaf5077987b26ccf",
        "sha256sum of `not json`"
    );
}

#[test]
fn plain_text_files_are_documents_whose_id_is_the_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(
        dir.path().join("sub/b.txt"),
        "Kevin S. Xu founded Interconnected Capital.",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.md"), "").unwrap();
    std::fs::write(dir.path().join(".hidden"), "skipped").unwrap();
    let output = run(&["normalize", "--quiet", dir.path().to_str().unwrap()], "");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let records = records(&output);
    let ids: Vec<String> = records
        .iter()
        .map(|r| {
            let id = PathBuf::from(r["id"].as_str().unwrap());
            id.strip_prefix(dir.path()).unwrap().display().to_string()
        })
        .collect();
    assert_eq!(ids, ["a.md", "sub/b.txt"]);
    assert_eq!(records[0]["tokens"], serde_json::json!([]));
    assert_eq!(records[1]["tokens"][0], "kevin");
}

#[test]
fn a_missing_path_among_valid_ones_is_reported_and_the_rest_processed() {
    let dir = tempfile::tempdir().unwrap();
    let a = common::write_file(dir.path(), "a.jsonl", b"{\"id\":\"a\",\"text\":\"x\"}\n");
    let b = common::write_file(dir.path(), "b.txt", b"Moonshot AI");
    let missing = dir.path().join("missing.jsonl");
    let missing = missing.to_str().unwrap();
    let out = dir.path().join("out.jsonl");
    let output = run(
        &["normalize", &a, missing, &b, "-o", out.to_str().unwrap()],
        "",
    );
    assert_eq!(
        output.status.code(),
        Some(2),
        "grep's status: something was missing"
    );
    let err = stderr(&output);
    assert!(
        err.contains(&format!("canon: {missing}: No such file or directory")),
        "{err}"
    );
    assert!(
        err.contains("2 records in, 2 out, 0 rejected")
            && err.contains("; 1 unreadable input path")
            && !err.contains("input paths"),
        "{err}"
    );
    let written = parse_records(&std::fs::read(&out).unwrap());
    let ids: Vec<&str> = written.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", b.as_str()], "the rest is processed, in order");

    // Reported even with --quiet; alone, it is still status 2.
    let output = run(&["normalize", "--quiet", missing], "");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains(missing));
}

#[cfg(unix)]
#[test]
fn files_whose_names_differ_only_in_invalid_bytes_get_distinct_ids() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    for name in [&b"caf\xe9.txt"[..], b"caf\xe8.txt"] {
        std::fs::write(dir.path().join(OsStr::from_bytes(name)), "DeepSeek").unwrap();
    }
    std::fs::write(
        dir.path().join(OsStr::from_bytes(b"bad\xff.jsonl")),
        "oops\n",
    )
    .unwrap();
    let output = run(&["normalize", dir.path().to_str().unwrap()], "");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let prefix = format!("{}/", dir.path().display());
    let ids: Vec<String> = records(&output)
        .iter()
        .map(|r| {
            r["id"]
                .as_str()
                .unwrap()
                .strip_prefix(&prefix)
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids, [r"caf\xe8.txt", r"caf\xe9.txt"]);
    assert!(
        stderr(&output).contains(&format!(r"{prefix}bad\xff.jsonl:1: invalid JSON")),
        "{}",
        stderr(&output)
    );
}

#[cfg(unix)]
#[test]
fn symlinked_folders_are_followed_and_every_skip_is_reported() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(root.join("a")).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    common::write_file(&root.join("a"), "1.txt", b"Moonshot AI");
    common::write_file(&elsewhere, "2.txt", b"DeepSeek");
    symlink(&elsewhere, root.join("b")).unwrap();
    symlink(&root, root.join("a/loop")).unwrap();
    symlink(dir.path().join("nowhere"), root.join("c.txt")).unwrap();
    let output = run(&["normalize", root.to_str().unwrap()], "");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let root_prefix = format!("{}/", root.display());
    let ids: Vec<String> = records(&output)
        .iter()
        .map(|r| {
            r["id"]
                .as_str()
                .unwrap()
                .strip_prefix(&root_prefix)
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        ids,
        ["a/1.txt", "b/2.txt"],
        "the linked folder is read, once"
    );
    let err = stderr(&output);
    assert!(
        err.contains(&format!(
            "canon: {root_prefix}a/loop: skipped: symbolic link loop back to"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "canon: {root_prefix}c.txt: skipped: dangling symbolic link"
        )),
        "{err}"
    );
    assert!(err.contains("2 paths skipped"), "{err}");
}

#[test]
fn alias_lookup_resolves_variants_and_flags_unknown_names() {
    let output = run(
        &[
            "alias",
            "lookup",
            "月之暗面",
            "ＤｅｅｐＳｅｅｋ",
            "Moonshot",
            "字節跳動",
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("lookup_known", stdout(&output));

    let output = run(&["alias", "lookup", "--json", "DeepSeak"], "");
    assert_eq!(output.status.code(), Some(1));
    let answer: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(answer["query"], "DeepSeak");
    assert_eq!(answer["id"], Value::Null);
    assert_eq!(answer["suggestions"][0]["id"], "deepseek");
}

#[test]
fn alias_lookup_json_has_the_documented_fields() {
    let output = run(&["alias", "lookup", "--json", "Dark Side of the Moon"], "");
    assert_eq!(output.status.code(), Some(0));
    let answer: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(answer["id"], "moonshot-ai");
    assert_eq!(answer["name"], "Moonshot AI");
    assert!(
        answer["candidates"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );
}

/// A table where one entity has a name in both Chinese scripts (one key
/// once folded) and another has the same Latin name in capitals only.
const ZELKOVA: &str = "[[entity]]\nid = \"zelkova\"\nname = \"Zelkova\"\nkind = \"org\"\n\
    aliases.en = [\"Zelko\"]\naliases.zh-Hans = [\"泽尔科\"]\naliases.zh-Hant = [\"澤爾科\"]\n\n\
    [[entity]]\nid = \"zelko-tv\"\nname = \"ZELKO TV\"\nkind = \"org\"\n\
    aliases.en = [{ text = \"ZELKO\", case = \"exact\" }]\n";

#[test]
fn alias_lookup_names_each_entity_once() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("zelkova.toml");
    std::fs::write(&table, ZELKOVA).unwrap();
    let table = table.to_str().unwrap();
    let lookup = |names: &[&str]| {
        let output = run(
            &[
                &["alias", "lookup", "--no-default-table", "--aliases", table],
                names,
            ]
            .concat(),
            "",
        );
        stdout(&output)
    };
    // The other script's alias names the same entity: no second line.
    assert_eq!(
        lookup(&["澤爾科", "泽尔科"]),
        "澤爾科 -> zelkova (Zelkova, org) via zh-Hant alias \"澤爾科\"\n\
         泽尔科 -> zelkova (Zelkova, org) via zh-Hans alias \"泽尔科\"\n"
    );
    // Another entity the name would be, written otherwise, still is.
    assert_eq!(
        lookup(&["Zelko"]),
        "Zelko -> zelkova (Zelkova, org) via en alias \"Zelko\"\n  \
         also: zelko-tv (ZELKO TV, org) via en alias \"ZELKO\"; needs written exactly \"ZELKO\"\n"
    );
    // Candidates of an ambiguous name: one line per entity, with the
    // alias written like the query.
    let twins = dir.path().join("twins.toml");
    std::fs::write(
        &twins,
        ZELKOVA.replace(
            "id = \"zelko-tv\"",
            "id = \"zelko-tv\"\naliases.zh-Hant = [\"澤爾科\"]",
        ),
    )
    .unwrap();
    let output = run(
        &[
            "alias",
            "lookup",
            "--no-default-table",
            "--aliases",
            twins.to_str().unwrap(),
            "澤爾科",
        ],
        "",
    );
    assert_eq!(
        stdout(&output),
        "澤爾科: ambiguous, candidates:\n  \
         zelkova (Zelkova, org) via zh-Hant alias \"澤爾科\"\n  \
         zelko-tv (ZELKO TV, org) via zh-Hant alias \"澤爾科\"\n"
    );
    // JSON keeps every alias that matched, for programs.
    let output = run(
        &[
            "alias",
            "lookup",
            "--json",
            "--no-default-table",
            "--aliases",
            table,
            "澤爾科",
        ],
        "",
    );
    let answer: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(answer["candidates"].as_array().map(Vec::len), Some(2));
}

#[test]
fn alias_list_takes_language_tags_in_any_case_and_refuses_unknown_ones() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("zelkova.toml");
    std::fs::write(&table, ZELKOVA).unwrap();
    let table = table.to_str().unwrap();
    let list = |lang: &str| {
        run(
            &[
                "alias",
                "list",
                "--no-default-table",
                "--aliases",
                table,
                "--lang",
                lang,
            ],
            "",
        )
    };
    for tag in ["zh-Hant", "zh-hant", "ZH-HANT"] {
        let output = list(tag);
        assert_eq!(output.status.code(), Some(0), "{tag}: {}", stderr(&output));
        assert_eq!(stdout(&output), "zelkova\torg\tZelkova\t澤爾科\n", "{tag}");
    }
    // A primary tag covers its subtags.
    assert_eq!(
        stdout(&list("ZH")),
        "zelkova\torg\tZelkova\t泽尔科 | 澤爾科\n"
    );
    for tag in ["xx", "zh-Hantx", "z"] {
        let output = list(tag);
        assert_eq!(output.status.code(), Some(2), "{tag}");
        assert_eq!(stdout(&output), "", "{tag}");
        assert!(
            stderr(&output).contains(&format!(
                "no alias is in language \"{tag}\"; the tables' aliases are in en, zh-Hans, zh-Hant"
            )),
            "{tag}: {}",
            stderr(&output)
        );
    }
    // The default table's tags, case aside.
    let output = run(&["alias", "list", "--lang", "zh-hant"], "");
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("bytedance\torg\tByteDance\t字節跳動"));
}

#[test]
fn alias_show_and_list() {
    let output = run(&["alias", "show", "moonshot-ai"], "");
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("moonshot-ai (Moonshot AI, org)"), "{text}");
    assert!(text.contains("zh-Hans: 月之暗面"), "{text}");

    let output = run(&["alias", "show", "moonshot"], "");
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("did you mean moonshot-ai?"));

    let output = run(&["alias", "list", "--kind", "place"], "");
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output)
            .lines()
            .all(|l| l.split('\t').nth(1) == Some("place"))
    );
    assert!(stdout(&output).contains("united-states\tplace"));
}

#[test]
fn alias_check_passes_the_default_table_and_reports_file_lines() {
    let output = run(&["alias", "check"], "");
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(stdout(&output).contains("no problems"));

    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("mine.toml");
    std::fs::write(
        &table,
        "[[entity]]\nid = \"acme\"\nname = \"Acme\"\nkind = \"org\"\nparent = \"nobody\"\naliases.en = [\"Acme\"]\n\
         \n[[entity]]\nid = \"acme\"\nname = \"Acme 2\"\nkind = \"org\"\naliases.en = [\"Acme Two\"]\n",
    )
    .unwrap();
    let output = run(&["alias", "check", table.to_str().unwrap()], "");
    assert_eq!(output.status.code(), Some(1));
    let report = stdout(&output);
    let path = table.display();
    assert!(
        report.contains(&format!(
            "{path}:1: entity \"acme\" has unknown parent \"nobody\""
        )),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "{path}:8: duplicate id \"acme\" (first defined on line 1)"
        )),
        "{report}"
    );
}

#[test]
fn user_tables_add_entities_for_normalize_and_lookup() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("extra.jsonl");
    std::fs::write(
        &table,
        r#"{"id":"zorblax","name":"Zorblax Labs","kind":"org","aliases":{"en":["Zorblax"],"zh-Hans":["佐布拉克斯"]}}"#,
    )
    .unwrap();
    let table = table.to_str().unwrap();
    let output = run(
        &["normalize", "--quiet", "--aliases", table],
        "{\"text\":\"佐布拉克斯发布了新模型\"}\n",
    );
    assert_eq!(entity_ids(&records(&output)[0]), ["zorblax"]);
    let output = run(&["alias", "lookup", "--aliases", table, "zorblax"], "");
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).starts_with("zorblax -> zorblax (Zorblax Labs, org)"));

    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[[entity]\n").unwrap();
    let output = run(&["normalize", "--aliases", broken.to_str().unwrap()], "");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("broken.toml:1: invalid TOML"),
        "{}",
        stderr(&output)
    );
}

/// The five real seed pages live outside the repository (../shared/corpus).
#[test]
fn seed_articles_resolve_moonshot_and_languages() {
    let Some(seeds) = common::shared_corpus("seeds") else {
        return;
    };
    let output = run(&["normalize", "--quiet", seeds.to_str().unwrap()], "");
    assert_eq!(output.status.code(), Some(0));
    let records = records(&output);
    assert_eq!(records.len(), 5);
    for record in &records {
        let id = record["id"].as_str().unwrap();
        let name = Path::new(id).file_name().unwrap().to_str().unwrap();
        let expected_lang = if name.starts_with("003") { "zh" } else { "en" };
        assert_eq!(record["lang"], expected_lang, "{name}");
        let names_moonshot = !name.starts_with("004");
        assert_eq!(
            entity_ids(record).contains(&"moonshot-ai"),
            names_moonshot,
            "{name}"
        );
    }
}

/// No worker thread would read anything: `-j 0` is a usage error (exit
/// status 2) that names the option, not a run that writes nothing.
#[test]
fn zero_jobs_is_refused() {
    let input = "{\"id\":1,\"text\":\"Moonshot AI\"}\n";
    let output = run(&["normalize", "-j", "0"], input);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(
        stderr(&output).contains("'--jobs <N>'"),
        "{}",
        stderr(&output)
    );
    let output = run(&["normalize", "--quiet", "-j", "1"], input);
    assert_eq!(records(&output).len(), 1);
}
