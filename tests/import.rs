//! `canon alias import` end to end: small files written for canon in the
//! real formats (tests/fixtures/import/: a Wikidata dump, a CSV and a TSV
//! file; README.md there says what each entity is for), through the binary,
//! with the produced tables as insta snapshots.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use common::{bzip2, gzip, records};

const DUMP: &str = "tests/fixtures/import/wikidata-dump.json";
const CSV: &str = "tests/fixtures/import/entities.csv";
const TSV: &str = "tests/fixtures/import/entities.tsv";
const KINDS: [&str; 6] = [
    "--kind",
    "org=Q4830453,Q43229",
    "--kind",
    "person=Q5",
    "--kind",
    "place=Q515",
];

fn canon() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_canon"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// Runs `canon alias import INPUT -o OUTPUT ARGS...`.
fn import(input: &str, output: &Path, args: &[&str]) -> Output {
    canon()
        .args(["alias", "import", input, "-o"])
        .arg(output)
        .args(args)
        .output()
        .expect("canon runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The summary with the temporary output path replaced by `OUT`.
fn summary(output: &Output, path: &Path) -> String {
    stderr(output).replace(&path.display().to_string(), "OUT")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(name)
}

#[test]
fn a_wikidata_dump_becomes_a_table_safe_against_common_words() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("wd.toml");
    let output = import(DUMP, &out, &KINDS);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let table = read(&out);
    insta::assert_snapshot!("wikidata_table", table);
    insta::assert_snapshot!("wikidata_summary", summary(&output, &out));
    // Both directions: a label that is a common word gets the rule, and so
    // do three capitals many bodies share; a plain name does not.
    assert!(
        table.contains(
            "aliases.en = [{ text = \"Reading\", case = \"exact\", needs = \"support\" }]"
        )
    );
    assert!(table.contains(
        "aliases.en = [\"Harbor Lantern Holdings\", \"Harbor Lantern\", { text = \"HLH\", case = \"exact\", needs = \"support\" }]"
    ));
}

#[test]
fn an_imported_persons_surname_needs_exact_case_and_support() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("people.csv");
    fs::write(
        &input,
        "id,name,kind,lang,alias\n\
         zorvan-quellhart,Zorvan Quellhart,person,en,Zorvan Quellhart\n\
         zorvan-quellhart,,,en,Quellhart\n\
         zorvan-quellhart,,,zh-Hans,佐尔万·奎尔哈特\n\
         zorvan-quellhart,,,zh-Hans,奎尔哈特\n\
         quellhart-tools,Quellhart Tools,org,en,Quellhart Tools\n\
         quellhart-tools,,,en,Tools of Quellhart\n",
    )
    .unwrap();
    let out = dir.path().join("people.toml");
    let output = import(input.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let table = read(&out);
    // The surname alone is someone else's as often as his; the full names,
    // and an organisation's last word, are names.
    assert!(
        table.contains(
            "aliases.en = [\"Zorvan Quellhart\", { text = \"Quellhart\", case = \"exact\", needs = \"support\" }]"
        ),
        "{table}"
    );
    assert!(
        table.contains(
            "aliases.zh-Hans = [\"佐尔万·奎尔哈特\", { text = \"奎尔哈特\", needs = \"support\" }]"
        ),
        "{table}"
    );
    assert!(
        table.contains("aliases.en = [\"Quellhart Tools\", \"Tools of Quellhart\"]"),
        "{table}"
    );
    // What the import applies, the check accepts.
    let output = canon().args(["alias", "check"]).arg(&out).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn compressed_dumps_and_standard_input_give_the_same_table() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.toml");
    assert!(import(DUMP, &plain, &KINDS).status.success());
    let expected = read(&plain).replace("wikidata-dump.json", "INPUT");
    let text = fs::read(fixture(DUMP)).unwrap();
    let gz = dir.path().join("dump.json.gz");
    let mut encoder =
        flate2::write::GzEncoder::new(fs::File::create(&gz).unwrap(), Default::default());
    encoder.write_all(&text).unwrap();
    encoder.finish().unwrap();
    let bz2 = dir.path().join("dump.json.bz2");
    let mut encoder = bzip2::write::BzEncoder::new(
        fs::File::create(&bz2).unwrap(),
        bzip2::Compression::default(),
    );
    encoder.write_all(&text).unwrap();
    encoder.finish().unwrap();
    for input in [&gz, &bz2] {
        let out = dir.path().join("c.toml");
        let output = import(input.to_str().unwrap(), &out, &KINDS);
        assert!(output.status.success(), "{}", stderr(&output));
        let name = input.file_name().unwrap().to_str().unwrap();
        assert_eq!(read(&out).replace(name, "INPUT"), expected, "{name}");
    }
    let out = dir.path().join("stdin.toml");
    let output = canon()
        .args(["alias", "import", "-", "--format", "wikidata", "-o"])
        .arg(&out)
        .args(KINDS)
        .write_stdin(fs::read(&bz2).unwrap())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(read(&out).replace("from -.", "from INPUT."), expected);
}

#[test]
fn an_imported_table_loads_and_its_mentions_carry_the_qid() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("wd.jsonl");
    assert!(import(DUMP, &out, &KINDS).status.success());
    let output = canon()
        .args(["normalize", "--quiet", "--aliases"])
        .arg(&out)
        .write_stdin(
            "{\"text\":\"Harbor Lantern said its unit Lantern Seed will list in Reading. 港燈控股。\"}\n",
        )
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let record = &records(&output.stdout)[0];
    let mentions: Vec<(&str, &str, &str)> = record["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap(),
                m["wikidata"].as_str().unwrap_or("-"),
                m["surface"].as_str().unwrap(),
            )
        })
        .collect();
    // Reading needs support and has none here: left alone.
    assert_eq!(
        mentions,
        [
            ("harbor-lantern-holdings", "Q900001", "Harbor Lantern"),
            ("lantern-seed", "Q900002", "Lantern Seed"),
            ("harbor-lantern-holdings", "Q900001", "港燈控股"),
        ]
    );
    // What the rules could not decide: the default table's own DeepSeek and
    // Alibaba aliases are now shared with an imported entity and unmarked.
    let output = canon().args(["alias", "check"]).arg(&out).output().unwrap();
    let report = String::from_utf8(output.stdout).unwrap();
    let problems: Vec<&str> = report.lines().filter(|l| l.contains("[warning]")).collect();
    assert_eq!(problems.len(), 3, "{report}");
    assert!(
        problems
            .iter()
            .all(|p| p.starts_with("<default>/") && p.contains("also claimed by deepseek-q900011")),
        "{report}"
    );
    assert!(!report.contains("[error]"), "{report}");
}

#[test]
fn malformed_dump_lines_are_rejected_with_their_line_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = read(&fixture(DUMP)).lines().map(String::from).collect();
    let mut broken = lines[..3].to_vec();
    broken.push("{\"type\":\"item\",\"id\":\"Q1\",\"labels\":{\"en\":".into());
    broken.push("[1, 2],".into());
    broken.extend_from_slice(&lines[3..]);
    let input = dir.path().join("broken.json");
    fs::write(&input, broken.join("\n")).unwrap();
    let out = dir.path().join("t.toml");
    let output = import(input.to_str().unwrap(), &out, &KINDS);
    assert_eq!(output.status.code(), Some(1));
    let report = stderr(&output);
    let name = input.display();
    assert!(
        report.contains(&format!(
            "{name}:4: not a Wikidata entity: EOF while parsing"
        )),
        "{report}"
    );
    assert!(
        report.contains(&format!(
            "{name}:5: not a Wikidata entity: invalid type: sequence"
        )),
        "{report}"
    );
    // In = imported + skipped + rejected.
    assert!(
        report.contains("read 15 entities: 9 entities imported, 4 skipped (1 no label in the chosen languages, 2 no matching class, 1 not an item), 2 rejected"),
        "{report}"
    );
    assert!(read(&out).contains("id = \"harbor-lantern-holdings\""));
}

#[test]
fn wikidata_imports_need_kinds_and_known_languages() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.toml");
    let output = import(DUMP, &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--kind KIND=QID"),
        "{}",
        stderr(&output)
    );
    let output = import(DUMP, &out, &["--kind", "planet=Q5"]);
    assert!(stderr(&output).contains("unknown kind \"planet\""));
    let output = import(DUMP, &out, &["--kind", "org=Q5", "--langs", "en,Chinese"]);
    assert!(stderr(&output).contains("\"Chinese\" is not a Wikidata language code"));
    assert!(!out.exists());
}

#[test]
fn languages_choose_aliases_and_their_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.toml");
    let output = import(
        DUMP,
        &out,
        &[&KINDS[..], &["--langs", "zh-hant,zh-hans"]].concat(),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let table = read(&out);
    // English is read for names and ids only; traditional comes first.
    assert!(table.contains(
        "id = \"harbor-lantern-holdings\"\nname = \"Harbor Lantern Holdings\"\nkind = \"org\"\nwikidata = \"Q900001\"\naliases.zh-Hant = [\"港燈控股\"]\naliases.zh-Hans = [\"港灯控股\"]\n"
    ), "{table}");
    assert!(!table.contains("aliases.en"), "{table}");
    // Entities without a name in the chosen languages are still named by English or mul.
    assert!(
        table.contains("id = \"reading\"\nname = \"Reading\""),
        "{table}"
    );
}

#[test]
fn csv_and_tsv_files_become_tables() {
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("csv.toml");
    let output = import(CSV, &toml, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("csv_table", read(&toml));
    insta::assert_snapshot!("csv_summary", summary(&output, &toml));
    let jsonl = dir.path().join("tsv.jsonl");
    let output = import(TSV, &jsonl, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("tsv_table", read(&jsonl));
    // Kinds come from the kind column, not from --kind.
    let output = import(CSV, &dir.path().join("k.toml"), &["--kind", "org=Q5"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--kind applies to Wikidata dumps"));
    // The two tables hold the same entities.
    let show = |table: &Path| {
        let output = canon()
            .args(["alias", "list", "--json", "--aliases"])
            .arg(table)
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    assert_eq!(show(&toml), show(&jsonl));
}

#[test]
fn csv_problems_are_reported_with_their_lines_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.csv");
    fs::write(
        &input,
        "id,name,kind,lang,alias\n\
         good,Good,org,en,Good\n\
         Bad_Id,Bad,org,en,Bad\n\
         good,Other Name,org,en,Goodie\n\
         planet-x,Planet X,planet,en,Planet X\n\
         short,Short,org,en\n\
         lang-x,Lang X,org,English,Lang X\n\
         loop-a,Loop A,org,en,Loop A,\n",
    )
    .unwrap();
    let out = dir.path().join("t.toml");
    let output = import(input.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    let name = input.display();
    let expected = [
        format!("{name}:3: id \"Bad_Id\" is not a lowercase slug (a-z, 0-9 and single '-')"),
        format!("{name}:4: entity \"good\": name \"Other Name\" differs from \"Good\" on line 2"),
        format!(
            "{name}:5: unknown kind \"planet\" (expected one of org, person, place, product, event, work, other)"
        ),
        format!("{name}:6: 4 fields where the header has 5"),
        format!("{name}:7: \"English\" is not a language tag like en, zh-Hans, zh-TW"),
        format!("{name}:8: 6 fields where the header has 5"),
    ];
    let report = stderr(&output);
    for line in &expected {
        assert!(report.contains(line.as_str()), "{line}\n{report}");
    }
    // An unknown kind is not also a missing one.
    assert!(!report.contains("has no kind"), "{report}");
    assert!(!out.exists());
    // Parents given by id must not form a cycle.
    fs::write(
        &input,
        "id,name,kind,lang,alias,parent\na,A,org,en,Alpha,b\nb,B,org,en,Beta,a\n",
    )
    .unwrap();
    let output = import(input.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains(&format!(
        "{name}:2: entity \"a\": its parents form a cycle (a -> b -> a)"
    )));
    assert!(!out.exists());
}

#[test]
fn the_output_is_never_the_input_and_must_be_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("t.csv");
    fs::copy(fixture(CSV), &input).unwrap();
    let before = read(&input);
    let output = canon()
        .args(["alias", "import"])
        .arg(&input)
        .arg("-o")
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("the output must be a .toml or .jsonl table"));
    let output = import(CSV, &fixture(CSV), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(read(&input), before);
    // A .toml input cannot be imported, so cannot be replaced either.
    let table = dir.path().join("t.toml");
    fs::write(&table, "").unwrap();
    let output = canon()
        .args(["alias", "import", "--format", "csv"])
        .arg(&table)
        .arg("-o")
        .arg(&table)
        .output()
        .unwrap();
    assert!(
        stderr(&output).contains("would replace the input"),
        "{}",
        stderr(&output)
    );
    assert_eq!(read(&table), "");
}

#[test]
fn generic_organ_names_of_a_countrys_bodies_need_support() {
    // A ministry under a government under a country (imported chain), a
    // ministry under a default-table country, an office under a default
    // organisation of a country (uk-cabinet-office, under uk-government,
    // under the United Kingdom), and a committee of a body that belongs to
    // no place.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("organs.csv");
    fs::write(
        &input,
        "id,name,kind,lang,alias,parent\n\
         ruritania,Ruritania,place,en,Ruritania,\n\
         ruritania-government,Government of Ruritania,org,en,Government of Ruritania,ruritania\n\
         ruritania-finance,Ruritanian Ministry of Finance,org,en,Ruritanian Ministry of Finance,ruritania-government\n\
         ruritania-finance,,,en,Ministry of Finance,\n\
         japan-tourism,Japanese Ministry of Tourism,org,en,Japanese Ministry of Tourism,japan\n\
         japan-tourism,,,en,Ministry of Tourism,\n\
         uk-tourism,Cabinet Office Tourism Unit,org,en,Cabinet Office Tourism Unit,uk-cabinet-office\n\
         uk-tourism,,,en,Office of Tourism,\n\
         brewers-guild,Guild of Brewers,org,en,Guild of Brewers,\n\
         brewers-finance,Guild of Brewers Finance Committee,org,en,Guild of Brewers Finance Committee,brewers-guild\n\
         brewers-finance,,,en,Finance Committee,\n",
    )
    .unwrap();
    let table = dir.path().join("organs.toml");
    let output = import(input.to_str().unwrap(), &table, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("generic organ names of a country's bodies: 3 needs = \"support\""),
        "{}",
        stderr(&output)
    );
    let written = read(&table);
    for organ in [
        "Ministry of Finance",
        "Ministry of Tourism",
        "Office of Tourism",
    ] {
        assert!(
            written.contains(&format!("{{ text = \"{organ}\", needs = \"support\" }}")),
            "{organ}: {written}"
        );
    }
    // Not a country's body: the name stands alone; a full name is no
    // generic organ name.
    assert!(
        written.contains("\"Finance Committee\"")
            && !written.contains("text = \"Finance Committee\""),
        "{written}"
    );
    assert!(
        written.contains("\"Ruritanian Ministry of Finance\"")
            && !written.contains("text = \"Ruritanian Ministry of Finance\""),
        "{written}"
    );
    // `alias check` finds nothing the rule wants of them.
    let check = canon()
        .args(["alias", "check"])
        .arg(&table)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&check.stdout).into_owned();
    assert_eq!(check.status.code(), Some(0), "{report}");
    assert!(!report.contains("generic organ"), "{report}");
}

#[test]
fn without_the_default_table_an_import_ignores_its_names() {
    // A catalogue whose product is also called DeepSeek (no common word, so
    // only a name shared with the default table asks for support).
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("catalogue.csv");
    fs::write(
        &csv,
        "id,name,kind,lang,alias\nacme-pear,Pear,product,en,Pear Phone\nacme-pear,,,en,DeepSeek\n",
    )
    .unwrap();
    let input = csv.to_str().unwrap();
    let alone = dir.path().join("alone.toml");
    let output = import(input, &alone, &["--quiet", "--no-default-table"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let alone_table = read(&alone);
    let with = dir.path().join("with.toml");
    let output = import(input, &with, &["--quiet"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let with_table = read(&with);
    // With the default table "DeepSeek" is shared and needs support;
    // without it, it is the catalogue's alone.
    assert!(
        with_table.contains(r#"{ text = "DeepSeek", needs = "support" }"#),
        "{with_table}"
    );
    assert!(!alone_table.contains("needs"), "{alone_table}");
    assert!(alone_table.contains(r#""DeepSeek""#), "{alone_table}");
    // The table used alone matches "DeepSeek" as the catalogue's.
    let normalize = canon()
        .args(["normalize", "--quiet", "--no-default-table", "--aliases"])
        .arg(&alone)
        .write_stdin(&b"{\"text\":\"DeepSeek raised the price of the Pear Phone.\"}\n"[..])
        .output()
        .unwrap();
    let out = String::from_utf8(normalize.stdout).unwrap();
    assert!(out.contains(r#""entity_ids":["acme-pear"]"#), "{out}");
}

/// Writes `text` to `name` in `dir`, for an import.
fn input(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

/// Runs canon with `args` and `table` last, on no input: the status of
/// loading (or compiling) the table.
fn loads(args: &[&str], table: &Path) -> Output {
    canon()
        .args(args)
        .arg(table)
        .write_stdin("")
        .output()
        .expect("canon runs")
}

#[test]
fn a_parent_must_be_an_id_the_table_is_loaded_with() {
    let dir = tempfile::tempdir().unwrap();
    let csv = input(
        dir.path(),
        "np.csv",
        "id,name,kind,lang,alias,parent\n\
         zelkova,Zelkova Group,org,en,Zelkova Group,\n\
         zelkova-labs,Zelkova Labs,org,en,Zelkova Labs,zelkova\n\
         np,Norbert Pax,org,en,Norbert Pax Group,nonexistent-parent\n",
    );
    let out = dir.path().join("np.toml");
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let name = csv.display();
    assert!(
        stderr(&output).contains(&format!(
            "{name}:4: entity \"np\" has unknown parent \"nonexistent-parent\": not an id of this file or of the default table"
        )),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists());

    // A default id is a parent with the default table, and what is
    // imported loads; without the default table it is not there.
    let csv = input(
        dir.path(),
        "qwen-lab.csv",
        "id,name,kind,lang,alias,parent\nzelkova-qwen-lab,Zelkova Qwen Lab,org,en,Zelkova Qwen Lab,alibaba\n",
    );
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(read(&out).contains("parent = \"alibaba\""));
    let normalize = loads(&["normalize", "--quiet", "--aliases"], &out);
    assert_eq!(normalize.status.code(), Some(0), "{}", stderr(&normalize));
    fs::remove_file(&out).unwrap();
    let output = import(csv.to_str().unwrap(), &out, &["--no-default-table"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!(
            "{}:2: entity \"zelkova-qwen-lab\" has unknown parent \"alibaba\": an id of the default table, which --no-default-table leaves out",
            csv.display()
        )),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists());
    // Parents of the file itself are enough for a table used alone.
    let csv = input(
        dir.path(),
        "alone.csv",
        "id,name,kind,lang,alias,parent\n\
         zelkova,Zelkova Group,org,en,Zelkova Group,\n\
         zelkova-labs,Zelkova Labs,org,en,Zelkova Labs,zelkova\n",
    );
    let output = import(csv.to_str().unwrap(), &out, &["--no-default-table"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let normalize = loads(
        &["normalize", "--quiet", "--no-default-table", "--aliases"],
        &out,
    );
    assert_eq!(normalize.status.code(), Some(0), "{}", stderr(&normalize));
    let compiled = dir.path().join("alone.canonidx");
    let compile = canon()
        .args(["alias", "compile", "--quiet", "--no-default-table", "-o"])
        .arg(&compiled)
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(compile.status.code(), Some(0), "{}", stderr(&compile));
}

#[test]
fn a_parent_left_out_for_want_of_aliases_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    // 港 alone is a single Han character, which the import leaves out.
    let rows = |alias: &str| {
        format!(
            "id,name,kind,lang,alias,parent\n\
             hong-kong-x,Hong Kong,place,zh-Hant,{alias},\n\
             hong-kong-x-gov,Hong Kong X Government,org,en,Hong Kong X Government,hong-kong-x\n"
        )
    };
    let csv = input(dir.path(), "hk.csv", &rows("港"));
    let out = dir.path().join("hk.toml");
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!(
            "{}:3: entity \"hong-kong-x-gov\": parent \"hong-kong-x\" is not imported: none of its aliases can be kept",
            csv.display()
        )),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists());
    let csv = input(dir.path(), "hk.csv", &rows("港岛特区"));
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let normalize = loads(&["normalize", "--quiet", "--aliases"], &out);
    assert_eq!(normalize.status.code(), Some(0), "{}", stderr(&normalize));
}

#[test]
fn parent_cycles_through_the_default_table_and_deep_chains_are_problems() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.toml");
    // The default table's qwen has alibaba as its parent: an alibaba
    // under qwen closes a cycle the loader would refuse.
    let csv = input(
        dir.path(),
        "alibaba.csv",
        "id,name,kind,lang,alias,parent\nalibaba,Alibaba Group,org,en,Alibaba Group,qwen\n",
    );
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!(
            "{}:2: entity \"alibaba\": its parents form a cycle (alibaba -> qwen -> alibaba; qwen is the default table's)",
            csv.display()
        )),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists());
    // A chain of 33 entities (32 parents above the last) loads; one more
    // is refused where the chain crosses the limit.
    let chain = |n: usize| {
        let mut text = String::from("id,name,kind,lang,alias,parent\n");
        for k in 0..n {
            let parent = k
                .checked_sub(1)
                .map(|p| format!("zel-{p}"))
                .unwrap_or_default();
            text += &format!("zel-{k},Zelkova {k},org,en,Zelkova Unit {k},{parent}\n");
        }
        text
    };
    let csv = input(dir.path(), "chain.csv", &chain(33));
    let output = import(csv.to_str().unwrap(), &out, &["--no-default-table"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let normalize = loads(
        &["normalize", "--quiet", "--no-default-table", "--aliases"],
        &out,
    );
    assert_eq!(normalize.status.code(), Some(0), "{}", stderr(&normalize));
    fs::remove_file(&out).unwrap();
    let csv = input(dir.path(), "chain.csv", &chain(35));
    let output = import(csv.to_str().unwrap(), &out, &["--no-default-table"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let report = stderr(&output);
    assert!(
        report.contains(&format!(
            "{}:35: entity \"zel-33\" is 33 parents deep through parent \"zel-32\" (limit 32)",
            csv.display()
        )),
        "{report}"
    );
    assert_eq!(report.lines().count(), 1, "{report}");
    assert!(!out.exists());
}

#[test]
fn every_problem_of_a_csv_file_is_reported_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    // A kind that disagrees, a cycle, an unknown parent and a bad language
    // tag, each independent of the others.
    let csv = input(
        dir.path(),
        "k.csv",
        "id,name,kind,lang,alias,parent\n\
         zel-a,Zel A,org,en,Zelkova Alpha,zel-b\n\
         zel-b,Zel B,person,en,Zelkova Beta,zel-a\n\
         zel-b,,org,en,Zelkova Bee,\n\
         zel-c,Zel C,org,en,Zelkova Gamma,nobody-here\n\
         zel-d,Zel D,org,english,Zelkova Delta,\n",
    );
    let out = dir.path().join("k.toml");
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let name = csv.display();
    let report = stderr(&output);
    let expected = [
        format!("{name}:2: entity \"zel-a\": its parents form a cycle (zel-a -> zel-b -> zel-a)"),
        // The kinds as the file writes them.
        format!("{name}:4: entity \"zel-b\": kind \"org\" differs from \"person\" on line 3"),
        format!(
            "{name}:5: entity \"zel-c\" has unknown parent \"nobody-here\": not an id of this file or of the default table"
        ),
        format!("{name}:6: \"english\" is not a language tag like en, zh-Hans, zh-TW"),
    ];
    let lines: Vec<&str> = report
        .lines()
        .map(|l| l.strip_prefix("canon: ").unwrap_or(l))
        .collect();
    assert_eq!(lines, expected, "{report}");
    assert!(!out.exists());
    // The Wikidata column as written too.
    let csv = input(
        dir.path(),
        "q.csv",
        "id,name,kind,lang,alias,wikidata\nzel-a,Zel A,org,en,Zelkova Alpha,Q1\nzel-a,,,en,Zelkova A,Q2\n",
    );
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert!(
        stderr(&output).contains(&format!(
            "{}:3: entity \"zel-a\": wikidata \"Q2\" differs from \"Q1\" on line 2",
            csv.display()
        )),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_quote_never_closed_is_reported_where_it_opens() {
    let dir = tempfile::tempdir().unwrap();
    let rows = |quoted: &str| {
        format!(
            "id,name,kind,lang,alias,parent\n\
             zel-a,Zel A,org,en,Zelkova Alpha,\n\
             zel-b,\"Zel B, of two\nlines\",org,en,Zelkova Beta,\n\
             zel-c,Zel C,org,en,Zelkova Gamma,\n\
             zel-d,Zel D,org,en,Zelkova Delta,\n\
             zel-e,Zel E,org,en,Zelkova Epsilon,zel-g\n\
             {quoted}\n\
             zel-g,Zel G,org,en,Zelkova Eta,\n"
        )
    };
    let out = dir.path().join("bad.toml");
    // A field quoted over two lines is one field; the quote that opens
    // on line 8 is never closed and swallows the rest of the file.
    let csv = input(
        dir.path(),
        "bad.csv",
        &rows("zel-f,\"Zel F,org,en,Zelkova Zeta,"),
    );
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let report = stderr(&output);
    let name = csv.display();
    assert!(
        report.contains(&format!(
            "{name}:8: a quoted field starts here and its quote is never closed: the rest of the file was read into it"
        )),
        "{report}"
    );
    assert!(!report.contains("fields where the header has"), "{report}");
    // The parent defined after it cannot be found, and the report says why.
    assert!(
        report.contains(&format!(
            "{name}:7: entity \"zel-e\" has unknown parent \"zel-g\": not an id of this file or of the default table (the rows after line 8, left unread by an unclosed quote, may define it)"
        )),
        "{report}"
    );
    assert!(!out.exists());
    // In the last column, the row has as many fields as the header.
    let csv = input(
        dir.path(),
        "bad.csv",
        &rows("zel-f,Zel F,org,en,Zelkova Zeta,\"zel-a"),
    );
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!("{name}:8: a quoted field starts here")),
        "{}",
        stderr(&output)
    );
    // Closed, the same rows import.
    let csv = input(
        dir.path(),
        "good.csv",
        &rows("zel-f,\"Zel F\",org,en,Zelkova Zeta,"),
    );
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(read(&out).contains("name = \"Zel B, of two\\nlines\""));
}

#[test]
fn wikidata_parents_are_imported_items_in_chains_the_loader_takes() {
    // A chain of 35 organisations, each owned (P749) by the one before,
    // and one whose parent is an item not imported.
    let item = |qid: u64, label: &str, parent: Option<u64>| {
        let class = r#"{"mainsnak":{"snaktype":"value","property":"P31","datavalue":{"value":{"entity-type":"item","numeric-id":43229,"id":"Q43229"},"type":"wikibase-entityid"}},"rank":"normal"}"#;
        let parent = parent.map_or(String::new(), |p| {
            format!(
                r#","P749":[{{"mainsnak":{{"snaktype":"value","property":"P749","datavalue":{{"value":{{"entity-type":"item","numeric-id":{p},"id":"Q{p}"}},"type":"wikibase-entityid"}}}},"rank":"normal"}}]"#
            )
        });
        format!(
            r#"{{"type":"item","id":"Q{qid}","labels":{{"en":{{"language":"en","value":"{label}"}}}},"aliases":[],"claims":{{"P31":[{class}]{parent}}}}}"#
        )
    };
    let mut lines: Vec<String> = (0..35u64)
        .map(|k| {
            item(
                910_000 + k,
                &format!("Zelkova Unit {k}"),
                k.checked_sub(1).map(|p| 910_000 + p),
            )
        })
        .collect();
    lines.push(item(920_000, "Zelkova Orphan", Some(42)));
    let dir = tempfile::tempdir().unwrap();
    let dump = input(
        dir.path(),
        "chain.json",
        &format!("[\n{}\n]\n", lines.join(",\n")),
    );
    let out = dir.path().join("chain.toml");
    let output = import(
        dump.to_str().unwrap(),
        &out,
        &["--kind", "org=Q43229", "--no-default-table"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("33 parents (1 more left out: chains of parents over 32 deep)"),
        "{}",
        stderr(&output)
    );
    let table = read(&out);
    assert!(
        table.contains(
            "id = \"zelkova-orphan\"\nname = \"Zelkova Orphan\"\nkind = \"org\"\nwikidata"
        ),
        "{table}"
    );
    // Cut where the chain crosses the limit: unit 33 starts a chain.
    assert!(
        table.contains(
            "id = \"zelkova-unit-33\"\nname = \"Zelkova Unit 33\"\nkind = \"org\"\nwikidata"
        ),
        "{table}"
    );
    assert!(table.contains("parent = \"zelkova-unit-33\""), "{table}");
    let normalize = loads(
        &["normalize", "--quiet", "--no-default-table", "--aliases"],
        &out,
    );
    assert_eq!(normalize.status.code(), Some(0), "{}", stderr(&normalize));
}

#[test]
fn quiet_imports_still_list_what_they_reject() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = read(&fixture(DUMP)).lines().map(String::from).collect();
    let mut broken = lines[..3].to_vec();
    broken.push("{\"type\":\"item\",\"id\":\"Q1\",\"labels\":{\"en\":".into());
    broken.extend_from_slice(&lines[3..]);
    let dump = dir.path().join("broken.json");
    fs::write(&dump, broken.join("\n")).unwrap();
    let out = dir.path().join("t.toml");
    let output = import(
        dump.to_str().unwrap(),
        &out,
        &[&KINDS[..], &["-q"]].concat(),
    );
    assert_eq!(output.status.code(), Some(1));
    let report = stderr(&output);
    assert!(
        report.contains(&format!(
            "{}:4: not a Wikidata entity: EOF while parsing",
            dump.display()
        )),
        "{report}"
    );
    // The summary is what --quiet leaves out.
    assert!(!report.contains("entities imported"), "{report}");
    assert_eq!(report.lines().count(), 1, "{report}");
    // Problems of a CSV file are listed too, and a clean import says nothing.
    let csv = input(
        dir.path(),
        "lang.csv",
        "id,name,kind,lang,alias\nnp,NP,org,English,Norbert Pax Group\n",
    );
    let output = import(csv.to_str().unwrap(), &out, &["-q"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("lang.csv:2: \"English\" is not a language tag"),
        "{}",
        stderr(&output)
    );
    let output = import(CSV, &out, &["-q"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stderr(&output), "");
}

#[test]
fn summaries_agree_with_their_counts() {
    let dir = tempfile::tempdir().unwrap();
    let csv = input(
        dir.path(),
        "one.csv",
        "id,name,kind,lang,alias,parent\nzelkova-qwen-lab,Zelkova Qwen Lab,org,en,Zelkova Qwen Lab,alibaba\n",
    );
    let out = dir.path().join("one.toml");
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = summary(&output, &out);
    assert!(
        report.starts_with(
            "read 1 row: 1 entity imported, 0 skipped, 0 rejected\n1 alias; by the ambiguity rule"
        ),
        "{report}"
    );
    assert!(report.contains("\n1 parent\n"), "{report}");
    // And the plural where there are several.
    let output = import(CSV, &out, &[]);
    let report = summary(&output, &out);
    assert!(
        report.starts_with("read 13 rows: 5 entities imported") && report.contains("\n3 parents\n"),
        "{report}"
    );
}

#[test]
fn aliases_and_ids_over_a_tables_limits_are_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let long_alias = ["Zelkova"; 30].join(" ");
    let long_id = format!("zel-{}", "a".repeat(130));
    let csv = input(
        dir.path(),
        "long.csv",
        &format!(
            "id,name,kind,lang,alias\n\
             zel-long,Zel Long,org,en,{long_alias}\n\
             {long_id},Zel Id,org,en,Zelkova Idlong\n\
             zel-terms,Zel Terms,org,en,{}\n",
            ["z"; 33].join(" ")
        ),
    );
    let out = dir.path().join("long.toml");
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let report = stderr(&output);
    let name = csv.display();
    for expected in [
        format!(
            "{name}:2: alias \"Zelkova Zelkova Zelkova Zelkova Zelkova \"... is over the limits of a table: longer than 128 characters"
        ),
        format!(
            "{name}:3: id \"zel-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"... is 134 bytes long (limit 128)"
        ),
        format!(
            "{name}:4: alias \"{}\"... is over the limits of a table: more than 32 terms",
            ["z"; 20].join(" ") + " "
        ),
    ] {
        assert!(report.contains(&expected), "{expected}\n{report}");
    }
    assert!(!out.exists());
    // From a dump, such an alias is left out and counted; the rest loads.
    let dump = input(
        dir.path(),
        "long.json",
        &format!(
            "[\n{{\"type\":\"item\",\"id\":\"Q930001\",\"labels\":{{\"en\":{{\"language\":\"en\",\"value\":\"Zelkova Holdings\"}}}},\"aliases\":{{\"en\":[{{\"language\":\"en\",\"value\":\"{long_alias}\"}}]}},\"claims\":{{\"P31\":[{{\"mainsnak\":{{\"snaktype\":\"value\",\"property\":\"P31\",\"datavalue\":{{\"value\":{{\"entity-type\":\"item\",\"numeric-id\":43229,\"id\":\"Q43229\"}},\"type\":\"wikibase-entityid\"}}}},\"rank\":\"normal\"}}]}}}}\n]\n"
        ),
    );
    let output = import(dump.to_str().unwrap(), &out, &["--kind", "org=Q43229"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("1 left out (1 longer than 128 characters)"),
        "{}",
        stderr(&output)
    );
    assert!(read(&out).contains("aliases.en = [\"Zelkova Holdings\"]"));
    let normalize = loads(&["normalize", "--quiet", "--aliases"], &out);
    assert_eq!(normalize.status.code(), Some(0), "{}", stderr(&normalize));
}

/// A CSV file of `count` entities (`zelkova-1`, ...) of `kind`, each with
/// the aliases `rows(k)` gives as `(lang, alias)`.
fn namesakes(count: usize, kind: &str, rows: impl Fn(usize) -> Vec<(String, String)>) -> String {
    let mut text = String::from("id,name,kind,lang,alias\n");
    for k in 1..=count {
        for (lang, alias) in rows(k) {
            text += &format!("zelkova-{k},Zelkova {k},{kind},{lang},{alias}\n");
        }
    }
    text
}

#[test]
fn a_name_more_than_64_aliases_share_is_left_out_and_the_table_loads() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("z.toml");
    // 65 people called Zelkova Common, and Common for short (a surname,
    // which the ambiguity rule marks); one is also Zelkova Prime.
    let rows = |k: usize| {
        let mut rows = vec![
            ("en".to_string(), "Zelkova Common".to_string()),
            ("en".into(), "Common".into()),
        ];
        if k == 1 {
            rows.push(("en".into(), "Zelkova Prime".into()));
        }
        rows
    };
    let csv = input(dir.path(), "z.csv", &namesakes(65, "person", rows));
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = summary(&output, &out);
    assert!(
        report.starts_with(
            "read 131 rows: 1 entity imported, 64 skipped (64 whose names are all too widely shared), 0 rejected\n\
             1 alias; by the ambiguity rule: 0 case = \"exact\", 0 needs = \"support\"; shared names: 0 needs = \"support\"\n\
             2 names left out of every entity, 130 aliases: more than 64 aliases normalize to each (the limit of a table), too many to tell their entities apart: \"Common\" (65 aliases), \"Zelkova Common\" (65 aliases)\n"
        ),
        "{report}"
    );
    let table = read(&out);
    assert!(
        table.contains("id = \"zelkova-1\"\nname = \"Zelkova 1\"\nkind = \"person\"\naliases.en = [\"Zelkova Prime\"]\n"),
        "{table}"
    );
    assert!(
        !table.contains("Common") && !table.contains("zelkova-2"),
        "{table}"
    );
    let normalize = loads(&["normalize", "--quiet", "--aliases"], &out);
    assert_eq!(normalize.status.code(), Some(0), "{}", stderr(&normalize));
    // 64 namesakes are within the limit: the name stays, shared.
    let csv = input(dir.path(), "z.csv", &namesakes(64, "person", rows));
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(
            "129 aliases; by the ambiguity rule: 64 case = \"exact\", 64 needs = \"support\"; shared names: 64 needs = \"support\"\n0 parents"
        ),
        "{}",
        stderr(&output)
    );
    let table = read(&out);
    assert_eq!(
        table
            .matches("{ text = \"Zelkova Common\", needs = \"support\" }")
            .count(),
        64,
        "{table}"
    );
    let normalize = loads(&["normalize", "--quiet", "--aliases"], &out);
    assert_eq!(normalize.status.code(), Some(0), "{}", stderr(&normalize));
}

#[test]
fn the_limit_counts_aliases_so_script_variants_count_apiece() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("z.toml");
    // 泽尔科瓦 and 澤爾科瓦 normalize to one key, and an entity keeps both
    // (tables list both scripts on purpose): two aliases per entity.
    let rows = |k: usize| {
        vec![
            ("en".to_string(), format!("Zelkova Unit {k}")),
            ("zh-Hans".into(), "泽尔科瓦".into()),
            ("zh-Hant".into(), "澤爾科瓦".into()),
        ]
    };
    let csv = input(dir.path(), "z.csv", &namesakes(32, "org", rows));
    let output = import(csv.to_str().unwrap(), &out, &["--no-default-table"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let table = read(&out);
    assert_eq!(table.matches("泽尔科瓦").count(), 32, "{table}");
    assert_eq!(table.matches("澤爾科瓦").count(), 32, "{table}");
    let csv = input(dir.path(), "z.csv", &namesakes(33, "org", rows));
    let output = import(csv.to_str().unwrap(), &out, &["--no-default-table"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(
            "1 name left out of every entity, 66 aliases: more than 64 aliases normalize to it (the limit of a table), too many to tell their entities apart: \"泽尔科瓦\" (66 aliases)"
        ),
        "{}",
        stderr(&output)
    );
    let table = read(&out);
    assert!(
        !table.contains("泽尔科瓦") && !table.contains("澤爾科瓦"),
        "{table}"
    );
    assert_eq!(table.matches("[[entity]]").count(), 33, "{table}");
    let normalize = loads(
        &["normalize", "--quiet", "--no-default-table", "--aliases"],
        &out,
    );
    assert_eq!(normalize.status.code(), Some(0), "{}", stderr(&normalize));
}

#[test]
fn the_default_tables_aliases_count_towards_the_limit_unless_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("z.toml");
    // The default table's alibaba is "Alibaba Group": with it, 64 more
    // are one too many.
    let rows = |k: usize| {
        vec![
            ("en".to_string(), format!("Zelkova Unit {k}")),
            ("en".into(), "Alibaba Group".into()),
        ]
    };
    let csv = input(dir.path(), "z.csv", &namesakes(64, "org", rows));
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(
            "1 name left out of every entity, 64 aliases: more than 64 aliases normalize to it (the limit of a table), too many to tell their entities apart: \"Alibaba Group\" (65 aliases)"
        ),
        "{}",
        stderr(&output)
    );
    assert!(!read(&out).contains("Alibaba"));
    let normalize = loads(&["normalize", "--quiet", "--aliases"], &out);
    assert_eq!(normalize.status.code(), Some(0), "{}", stderr(&normalize));
    // A table used alone keeps the name.
    let output = import(csv.to_str().unwrap(), &out, &["--no-default-table"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&out).matches("\"Alibaba Group\"").count(), 64);
    let normalize = loads(
        &["normalize", "--quiet", "--no-default-table", "--aliases"],
        &out,
    );
    assert_eq!(normalize.status.code(), Some(0), "{}", stderr(&normalize));
}

#[test]
fn a_csv_parent_skipped_for_widely_shared_names_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("z.toml");
    // 65 ministries called Ministry of Zelkova; an agency under the 7th.
    let file = |own_name: bool| {
        let rows = |k: usize| {
            let mut rows = vec![("en".to_string(), "Ministry of Zelkova".to_string())];
            if own_name && k == 7 {
                rows.push(("en".into(), "Zelkova Seventh Ministry".into()));
            }
            rows
        };
        let mut text = namesakes(65, "org", rows).replace(
            "id,name,kind,lang,alias\n",
            "id,name,kind,lang,alias,parent\n",
        );
        text = text.replace('\n', ",\n");
        text = text.replacen(",\n", "\n", 1);
        text + "zelkova-agency,Zelkova Agency,org,en,Zelkova Agency,zelkova-7\n"
    };
    let csv = input(dir.path(), "z.csv", &file(false));
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(&format!(
            "{}:67: entity \"zelkova-agency\": parent \"zelkova-7\" is not imported: more than 64 aliases normalize to each of its names (\"Ministry of Zelkova\"), too many to tell their entities apart; give it a name of its own",
            csv.display()
        )),
        "{}",
        stderr(&output)
    );
    assert!(!out.exists());
    // With a name of its own, the parent is imported without the shared one.
    let csv = input(dir.path(), "z.csv", &file(true));
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let table = read(&out);
    assert!(
        table.contains(
            "id = \"zelkova-7\"\nname = \"Zelkova 7\"\nkind = \"org\"\naliases.en = [\"Zelkova Seventh Ministry\"]\n"
        ),
        "{table}"
    );
    assert!(table.contains("parent = \"zelkova-7\""), "{table}");
    let normalize = loads(&["normalize", "--quiet", "--aliases"], &out);
    assert_eq!(normalize.status.code(), Some(0), "{}", stderr(&normalize));
}

/// A line of a Wikidata dump: organisation (Q43229) `qid` with `label`,
/// English `aliases`, and parent organisation (P749) `parent`.
fn org_item(qid: u64, label: &str, aliases: &[&str], parent: Option<u64>) -> String {
    let class = r#"{"mainsnak":{"snaktype":"value","property":"P31","datavalue":{"value":{"entity-type":"item","numeric-id":43229,"id":"Q43229"},"type":"wikibase-entityid"}},"rank":"normal"}"#;
    let parent = parent.map_or(String::new(), |p| {
        format!(
            r#","P749":[{{"mainsnak":{{"snaktype":"value","property":"P749","datavalue":{{"value":{{"entity-type":"item","numeric-id":{p},"id":"Q{p}"}},"type":"wikibase-entityid"}}}},"rank":"normal"}}]"#
        )
    });
    let aliases: Vec<String> = aliases
        .iter()
        .map(|a| format!(r#"{{"language":"en","value":"{a}"}}"#))
        .collect();
    format!(
        r#"{{"type":"item","id":"Q{qid}","labels":{{"en":{{"language":"en","value":"{label}"}}}},"aliases":{{"en":[{}]}},"claims":{{"P31":[{class}]{parent}}}}}"#,
        aliases.join(",")
    )
}

#[test]
fn wikidata_items_whose_names_are_all_widely_shared_are_no_parents() {
    // 65 organisations labelled Zelkova Common, the last also Zelkova
    // Prime; one child under a skipped namesake, one under the last.
    let mut lines: Vec<String> = (1..=65u64)
        .map(|k| {
            let own: &[&str] = if k == 65 { &["Zelkova Prime"] } else { &[] };
            org_item(940_000 + k, "Zelkova Common", own, None)
        })
        .collect();
    lines.push(org_item(940_100, "Zelkova Common Labs", &[], Some(940_002)));
    lines.push(org_item(940_101, "Zelkova Prime Labs", &[], Some(940_065)));
    let dir = tempfile::tempdir().unwrap();
    let dump = input(
        dir.path(),
        "z.json",
        &format!("[\n{}\n]\n", lines.join(",\n")),
    );
    let out = dir.path().join("z.toml");
    let output = import(dump.to_str().unwrap(), &out, &["--kind", "org=Q43229"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = summary(&output, &out);
    for expected in [
        "read 67 entities: 3 entities imported, 64 skipped (64 whose names are all too widely shared), 0 rejected\n",
        "\n1 name left out of every entity, 65 aliases: more than 64 aliases normalize to it",
        "\n1 parent (1 more left out: the parent skipped, its names all too widely shared); 1 id suffixed with its QID (slug taken)\n",
    ] {
        assert!(report.contains(expected), "{expected}\n{report}");
    }
    let table = read(&out);
    // The skipped namesakes keep the slug from the one written, as they
    // would with a name of their own.
    assert!(
        table.contains(
            "id = \"zelkova-common-q940065\"\nname = \"Zelkova Common\"\nkind = \"org\"\nwikidata = \"Q940065\"\naliases.en = [\"Zelkova Prime\"]\n"
        ),
        "{table}"
    );
    assert!(
        table.contains(
            "id = \"zelkova-common-labs\"\nname = \"Zelkova Common Labs\"\nkind = \"org\"\nwikidata"
        ),
        "{table}"
    );
    assert!(
        table.contains("parent = \"zelkova-common-q940065\""),
        "{table}"
    );
    assert!(!table.contains("\"Zelkova Common\"]"), "{table}");
    let normalize = loads(&["normalize", "--quiet", "--aliases"], &out);
    assert_eq!(normalize.status.code(), Some(0), "{}", stderr(&normalize));
}

#[test]
fn kinds_of_a_csv_file_are_read_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    let csv = input(
        dir.path(),
        "kinds.csv",
        "id,name,kind,lang,alias\nzelkova-labs,Zelkova Labs,Org,en,Zelkova Labs\n\
         zelkova-smith,Zelkova Smith,PERSON,en,Zelkova Smith\n",
    );
    let out = dir.path().join("kinds.toml");
    let output = import(csv.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let table = read(&out);
    assert!(table.contains("kind = \"org\""), "{table}");
    assert!(table.contains("kind = \"person\""), "{table}");
    // An unknown kind stays one, in any case.
    let bad = input(
        dir.path(),
        "bad.csv",
        "id,name,kind,lang,alias\nzelkova-x,Zelkova X,Planet,en,Zelkova X\n",
    );
    let output = import(bad.to_str().unwrap(), &dir.path().join("bad.toml"), &[]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("unknown kind \"Planet\""),
        "{}",
        stderr(&output)
    );
}

#[test]
fn read_errors_name_the_line_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.toml");
    // A gzip member whose header is damaged (compression method 7) and a
    // bzip2 stream whose data is: nothing after them can be read.
    let damaged_gzip = b"\x1f\x8b\x07\0\0\0\0\0\0\xffgarbage".to_vec();
    let damaged_bzip2 = b"BZh9garbagegarbage".to_vec();
    let dump = read(&fixture(DUMP));
    assert_eq!(dump.lines().count(), 15);
    let dump_head: String = dump.lines().take(10).map(|l| format!("{l}\n")).collect();
    let csv = read(&fixture(CSV));
    assert_eq!(csv.lines().count(), 14);
    let csv_head = "id,name,kind,lang,alias,parent\nchild-co,Child Co,org,en,Child Co,parent-co\n";
    let cases = [
        (
            "head.json.gz",
            [gzip(dump_head.as_bytes()), damaged_gzip.clone()],
            11,
        ),
        (
            "head.json.bz2",
            [bzip2(dump_head.as_bytes()), damaged_bzip2.clone()],
            11,
        ),
        ("head.csv.gz", [gzip(csv_head.as_bytes()), damaged_gzip], 3),
        (
            "head.csv.bz2",
            [bzip2(csv_head.as_bytes()), damaged_bzip2],
            3,
        ),
        // Trailing garbage after a whole file: the line after its last.
        (
            "whole.json.gz",
            [gzip(dump.as_bytes()), b"junk".to_vec()],
            16,
        ),
        ("whole.csv.gz", [gzip(csv.as_bytes()), b"junk".to_vec()], 15),
    ];
    for (name, file, line) in cases {
        let path = dir.path().join(name);
        fs::write(&path, file.concat()).unwrap();
        let kinds: &[&str] = if name.contains(".json") { &KINDS } else { &[] };
        let output = import(path.to_str().unwrap(), &out, kinds);
        assert_eq!(output.status.code(), Some(2), "{name}");
        let report = stderr(&output);
        assert!(
            report.contains(&format!("{}:{line}: reading failed: ", path.display())),
            "{name}: {report}"
        );
        assert!(!report.contains(":0:"), "{report}");
        assert!(!out.exists(), "{name}");
    }
    // An unknown parent may be defined in the rows the damage hid.
    let path = dir.path().join("head.csv.gz");
    let report = stderr(&import(path.to_str().unwrap(), &out, &[]));
    assert!(
        report.contains("(line 3 and the rows after it, which could not be read, may define it)"),
        "{report}"
    );
    // A read that fails inside a quoted field leaves no quote unclosed:
    // the rest of the file was not read into it, it was not read at all.
    let quoted = "id,name,kind,lang,alias\nquote-co,\"Quote\nCo\",org,en,Quote Co\n";
    let cut = quoted.find("Co\"").unwrap();
    let path = dir.path().join("quoted.csv.gz");
    let file = [gzip(&quoted.as_bytes()[..cut]), b"junk".to_vec()].concat();
    fs::write(&path, file).unwrap();
    let report = stderr(&import(path.to_str().unwrap(), &out, &[]));
    assert!(
        report.contains(&format!("{}:3: reading failed: ", path.display())),
        "{report}"
    );
    assert!(!report.contains("never closed"), "{report}");

    // An input that fails at its first byte has no line to show.
    let folder = dir.path().join("folder.csv");
    fs::create_dir(&folder).unwrap();
    let output = import(folder.to_str().unwrap(), &out, &[]);
    assert_eq!(output.status.code(), Some(2));
    let report = stderr(&output);
    let after = report
        .strip_prefix(&format!("canon: {}:", folder.display()))
        .unwrap_or_else(|| panic!("{report}"));
    assert!(after.starts_with(' '), "no line number: {report}");
}
