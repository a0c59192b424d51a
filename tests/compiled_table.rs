//! End-to-end tests of compiled alias tables: `canon alias compile` writes a
//! `.canonidx` file that `--aliases` maps, with the same results as the
//! tables it was compiled from, and a damaged, truncated or foreign file gets
//! a clear error and exit status 2.

mod common;

use std::path::Path;
use std::process::Output;

use canon::aliases::format::FORMAT_VERSION;
use common::{run, run_with_stdin, stderr, stdout, write_file};

/// A user table with an entity of its own (English and Chinese names), one
/// that overrides a built-in entity, and a shared name.
const TABLE: &str = r#"{"id":"zorblax","name":"Zorblax Labs","kind":"org","aliases":{"en":["Zorblax","Zorblax Labs"],"zh-Hans":["佐布拉克斯"]}}
{"id":"quillon","name":"Quillon","kind":"person","aliases":{"en":["Quillon Varga"]}}
"#;

const DOCUMENTS: &str = "{\"text\":\"佐布拉克斯发布了新模型，Moonshot AI 和 DeepSeek 也是。\"}\n\
{\"text\":\"Zorblax Labs hired Quillon Varga away from OpenAI in Beijing.\"}\n\
{\"text\":\"月之暗面的 Kimi 与华为昇腾。\"}\n";

fn normalize(aliases: &str, input: &str) -> Output {
    run_with_stdin(
        &["normalize", "--quiet", "--spans", "--aliases", aliases],
        input.as_bytes().to_vec(),
    )
}

/// Compiles `tables` into `dir/name` and returns the compiled file's path.
fn compile(dir: &Path, name: &str, tables: &[&str]) -> String {
    let output_path = dir.join(name);
    let output_path = output_path.to_str().unwrap().to_string();
    let mut args = vec!["alias", "compile", "--quiet", "-o", &output_path];
    args.extend_from_slice(tables);
    let output = run(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
    output_path
}

#[test]
fn a_compiled_table_matches_like_its_sources() {
    let dir = tempfile::tempdir().unwrap();
    let table = write_file(dir.path(), "extra.jsonl", TABLE.as_bytes());
    let compiled = compile(dir.path(), "extra.canonidx", &[&table]);
    let bytes = std::fs::read(&compiled).unwrap();
    assert_eq!(&bytes[..8], b"CANONIDX");

    let from_source = normalize(&table, DOCUMENTS);
    let from_compiled = normalize(&compiled, DOCUMENTS);
    assert_eq!(
        from_source.status.code(),
        Some(0),
        "{}",
        stderr(&from_source)
    );
    assert_eq!(
        from_compiled.status.code(),
        Some(0),
        "{}",
        stderr(&from_compiled)
    );
    assert_eq!(stdout(&from_compiled), stdout(&from_source));
    // Not vacuous: the user's entities and the built-in ones are found.
    let out = stdout(&from_compiled);
    for id in [
        "\"zorblax\"",
        "\"quillon\"",
        "\"moonshot-ai\"",
        "\"deepseek\"",
    ] {
        assert!(out.contains(id), "{id} missing from {out}");
    }

    // The samples, with every option that shows entities.
    let samples = |aliases: &str| {
        run(&[
            "normalize",
            "--quiet",
            "--spans",
            "--aliases",
            aliases,
            "data/samples",
        ])
    };
    assert_eq!(stdout(&samples(&compiled)), stdout(&samples(&table)));

    // Every alias command reads the compiled table like the sources.
    for command in [
        vec![
            "alias",
            "lookup",
            "zorblax",
            "佐布拉克斯",
            "Moonshot",
            "zorblux",
        ],
        vec!["alias", "lookup", "--json", "quillon varga", "kimi"],
        vec!["alias", "show", "zorblax"],
        vec!["alias", "show", "--json", "moonshot-ai"],
        vec!["alias", "list", "--kind", "person"],
        vec!["alias", "list", "--lang", "zh-Hans"],
    ] {
        let with = |aliases: &str| {
            let mut args = command.clone();
            args.extend(["--aliases", aliases]);
            run(&args)
        };
        let (a, b) = (with(&table), with(&compiled));
        assert_eq!(a.status.code(), b.status.code(), "{command:?}");
        assert_eq!(stdout(&b), stdout(&a), "{command:?}");
        assert!(!stdout(&a).is_empty(), "{command:?}");
    }
}

/// Han names of every kind the Chinese segmenter treats apart: names jieba
/// lacks, jieba words, names jieba cuts into two long words (emitted as
/// those words), names with a one-character piece, and a blocker.
const HAN_TABLE: &str = r#"{"id":"xingchen","name":"Xingchen","kind":"org","aliases":{"zh-Hans":["星辰国际","星辰"]}}
{"id":"haiyang","name":"Haiyang Tech","kind":"org","aliases":{"zh-Hans":["海洋科技","蓝天政府"]}}
{"id":"yunzhi","name":"Yunzhi","kind":"org","aliases":{"zh-Hans":["云之暗面","青木省"]}}
{"id":"nanyang","name":"Nanyang Assembly","kind":"org","aliases":{"zh-Hans":["南洋国会"]}}
{"id":"zhipu-huazhang","name":"Zhipu Huazhang","kind":"org","aliases":{"zh-Hans":["奇点华章"]}}
{"id":"lanse","name":"Lanse","kind":"org","aliases":{"zh-Hans":["国际贸易机器",{"text":"蓝色巨人","blockers":["蓝色巨人队"]}]}}
{"id":"yangzi","name":"Yangzi","kind":"place","aliases":{"zh-Hans":["扬子江畔","玉带江"]}}
"#;

const HAN_DOCUMENTS: &str = "{\"text\":\"星辰国际发电在北京宣布，蓝天政府和海洋科技回应。\"}\n\
{\"text\":\"南洋国会议长访问青木省，云之暗面表示欢迎。\"}\n\
{\"text\":\"奇点华章、月之暗面与国际贸易机器公司在玉带江边上开会，蓝色巨人队赢了。\"}\n\
{\"text\":\"扬子江畔的星辰和华为都在南京市玉带江大桥附近。\"}\n";

#[test]
fn a_table_with_han_names_cuts_and_matches_alike_compiled_or_from_its_source() {
    // The compiled table carries the segmenter's words computed when it was
    // compiled; the source table is compiled in memory without them, and
    // the segmenter adds the names itself. Same tokens, positions, matches.
    let dir = tempfile::tempdir().unwrap();
    let table = write_file(dir.path(), "han.jsonl", HAN_TABLE.as_bytes());
    let compiled = compile(dir.path(), "han.canonidx", &[&table]);
    let bytes = std::fs::read(&compiled).unwrap();
    let header = sections(&bytes)[canon::aliases::format::Section::SegmenterHeader as usize];
    assert!(header.1 > 0, "the segmenter's sections are written");
    let from_source = normalize(&table, HAN_DOCUMENTS);
    let from_compiled = normalize(&compiled, HAN_DOCUMENTS);
    assert_eq!(
        from_compiled.status.code(),
        Some(0),
        "{}",
        stderr(&from_compiled)
    );
    assert_eq!(stdout(&from_compiled), stdout(&from_source));
    let out = stdout(&from_compiled);
    for id in [
        "\"xingchen\"",
        "\"haiyang\"",
        "\"yunzhi\"",
        "\"nanyang\"",
        "\"zhipu-huazhang\"",
    ] {
        assert!(out.contains(id), "{id} missing from {out}");
    }
    // Names made of jieba's words are emitted as those words.
    assert!(out.contains("\"tokens\":[\"星辰\","), "{out}");
    let output = run(&["alias", "check", &compiled]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn alias_check_reads_a_compiled_table() {
    let dir = tempfile::tempdir().unwrap();
    let table = write_file(dir.path(), "extra.jsonl", TABLE.as_bytes());
    let compiled = compile(dir.path(), "extra.canonidx", &[&table]);
    // A compiled table alone is verified alone: the built-in sources were
    // checked when it was compiled, and their findings are not its own.
    let output = run(&["alias", "check", &compiled]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert!(
        stdout(&output).contains(&format!("compiled table (format {FORMAT_VERSION})"))
            && stdout(&output).contains("built-in table included"),
        "{}",
        stdout(&output)
    );
    assert_eq!(stdout(&output).lines().count(), 1, "{}", stdout(&output));
    // With a source table beside it, the sources are checked as without
    // it, and the compiled table adds its line.
    let sources = run(&["alias", "check", &table]);
    assert_eq!(sources.status.code(), Some(0), "{}", stdout(&sources));
    let both = run(&["alias", "check", &table, &compiled]);
    assert_eq!(both.status.code(), sources.status.code());
    assert_eq!(
        stdout(&both).lines().count(),
        stdout(&sources).lines().count() + 1,
        "{}",
        stdout(&both)
    );

    let mut bytes = std::fs::read(&compiled).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    let damaged = write_file(dir.path(), "damaged.canonidx", &bytes);
    let output = run(&["alias", "check", &damaged]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("damaged.canonidx: checksum mismatch"),
        "{}",
        stdout(&output)
    );
}

/// What `--aliases FILE` says about a file that is not a usable table.
fn load_error(path: &str) -> String {
    let output = run_with_stdin(
        &["normalize", "--aliases", path],
        b"{\"text\":\"x\"}\n".to_vec(),
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    stderr(&output)
}

#[test]
fn damaged_truncated_and_foreign_files_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let table = write_file(dir.path(), "extra.jsonl", TABLE.as_bytes());
    let compiled = compile(dir.path(), "extra.canonidx", &[&table]);
    let good = std::fs::read(&compiled).unwrap();

    // Damage in the body is not looked for at load (that would read the
    // whole file at every start): the table loads and matching runs;
    // `canon alias check` finds it.
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 1;
    let path = write_file(dir.path(), "flipped.canonidx", &flipped);
    let output = normalize(&path, DOCUMENTS);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = run(&["alias", "check", &path]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("flipped.canonidx: checksum mismatch: the file is damaged"),
        "{}",
        stdout(&output)
    );

    let path = write_file(dir.path(), "short.canonidx", &good[..good.len() / 3]);
    let error = load_error(&path);
    assert!(
        error.contains(&format!(
            "short.canonidx: damaged table: truncated: {} bytes of {}",
            good.len() / 3,
            good.len()
        )),
        "{error}"
    );

    let mut newer = good.clone();
    newer[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_ne_bytes());
    let path = write_file(dir.path(), "newer.canonidx", &newer);
    let error = load_error(&path);
    assert!(
        error.contains(&format!(
            "newer.canonidx: built by an incompatible canon (format {}, this canon reads {FORMAT_VERSION})",
            FORMAT_VERSION + 1
        )),
        "{error}"
    );

    let path = write_file(dir.path(), "text.canonidx", TABLE.as_bytes());
    let error = load_error(&path);
    assert!(
        error.contains("text.canonidx: not a canon table"),
        "{error}"
    );
    let path = write_file(dir.path(), "empty.canonidx", b"");
    assert!(load_error(&path).contains("empty.canonidx: not a canon table"));

    // The same file, untouched, loads.
    let output = normalize(&compiled, "{\"text\":\"Zorblax\"}\n");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn a_compiled_table_stands_alone() {
    let dir = tempfile::tempdir().unwrap();
    let table = write_file(dir.path(), "extra.jsonl", TABLE.as_bytes());
    let compiled = compile(dir.path(), "extra.canonidx", &[&table]);
    let output = run_with_stdin(
        &["normalize", "--aliases", &compiled, "--aliases", &table],
        Vec::new(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("a compiled table cannot be combined with other tables"),
        "{}",
        stderr(&output)
    );
    // Compiling a compiled table is refused too.
    let other = dir.path().join("other.canonidx");
    let output = run(&["alias", "compile", "-o", other.to_str().unwrap(), &compiled]);
    assert_eq!(output.status.code(), Some(2));
    assert!(!other.exists());
}

/// The entity ids of every record of `output`, in order.
fn entity_ids(output: &Output) -> Vec<Vec<String>> {
    common::records(&output.stdout)
        .iter()
        .map(|r| {
            r["entity_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|id| id.as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

#[test]
fn the_default_table_left_out_leaves_the_users_entities_alone() {
    let dir = tempfile::tempdir().unwrap();
    let table = write_file(dir.path(), "extra.jsonl", TABLE.as_bytes());
    let without = |aliases: &[&str]| {
        let mut args = vec!["normalize", "--quiet", "--spans", "--no-default-table"];
        for path in aliases {
            args.extend(["--aliases", path]);
        }
        run_with_stdin(&args, DOCUMENTS.as_bytes().to_vec())
    };
    let from_source = without(&[&table]);
    assert_eq!(
        from_source.status.code(),
        Some(0),
        "{}",
        stderr(&from_source)
    );
    // The user's names, in English and Chinese; none of the default
    // table's (Moonshot AI, DeepSeek, OpenAI, Beijing, 月之暗面, 华为), which
    // the default table finds.
    assert_eq!(
        entity_ids(&from_source),
        [vec!["zorblax"], vec!["zorblax", "quillon"], vec![]]
    );
    let with_default = normalize(&table, DOCUMENTS);
    assert!(entity_ids(&with_default)[0].contains(&"deepseek".to_string()));
    assert!(entity_ids(&with_default)[2].contains(&"moonshot-ai".to_string()));
    // The segmenter adds the user's Han names to jieba's dictionary
    // (佐布拉克斯 one term), not the default table's (月之暗面 is then cut
    // as jieba cuts it; with the default table it is one term).
    let terms = |output: &Output, record: usize| -> Vec<String> {
        common::records(&output.stdout)[record]["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect()
    };
    assert!(terms(&from_source, 0).contains(&"佐布拉克斯".to_string()));
    assert!(!terms(&from_source, 2).contains(&"月之暗面".to_string()));
    assert!(terms(&with_default, 2).contains(&"月之暗面".to_string()));

    // Compiled without the default table: the same records, and the file
    // says what it holds.
    let output_path = dir.path().join("alone.canonidx");
    let output_path = output_path.to_str().unwrap();
    let output = run(&[
        "alias",
        "compile",
        "--no-default-table",
        "-o",
        output_path,
        &table,
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).starts_with("compiled 1 table: 2 entities"),
        "{}",
        stderr(&output)
    );
    let from_compiled = normalize(output_path, DOCUMENTS);
    assert_eq!(stdout(&from_compiled), stdout(&from_source));
    let check = run(&["alias", "check", output_path]);
    assert!(
        stdout(&check).contains("without the built-in table"),
        "{}",
        stdout(&check)
    );
    // With the flag it is taken as it is; a compiled table that holds the
    // default table is refused with it (exit 2), and `alias check` with the
    // flag says it cannot be used so (exit 1).
    assert_eq!(stdout(&without(&[output_path])), stdout(&from_source));
    let with_path = dir.path().join("with.canonidx");
    let with_path = with_path.to_str().unwrap();
    let output = run(&["alias", "compile", "--quiet", "-o", with_path, &table]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let refused = without(&[with_path]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("this compiled table holds the default table"),
        "{}",
        stderr(&refused)
    );
    let check = run(&["alias", "check", "--no-default-table", with_path]);
    assert_eq!(check.status.code(), Some(1), "{}", stdout(&check));
    assert!(
        stdout(&check).contains("it holds the default table, which --no-default-table leaves out"),
        "{}",
        stdout(&check)
    );
    let check = run(&["alias", "check", "--no-default-table", output_path]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    // Nothing to compile is a usage error, and writes nothing.
    let nothing = dir.path().join("nothing.canonidx");
    let output = run(&[
        "alias",
        "compile",
        "--no-default-table",
        "-o",
        nothing.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("nothing to compile"),
        "{}",
        stderr(&output)
    );
    assert!(!nothing.exists());

    // Lookups and checks see the user's table alone.
    let lookup = run(&[
        "alias",
        "lookup",
        "--no-default-table",
        "--aliases",
        &table,
        "Zorblax",
        "DeepSeek",
    ]);
    assert_eq!(lookup.status.code(), Some(1));
    let lines: Vec<String> = stdout(&lookup).lines().map(str::to_string).collect();
    assert!(lines[0].starts_with("Zorblax -> zorblax "), "{lines:?}");
    assert_eq!(lines[1], "DeepSeek: unknown");
    let check = run(&["alias", "check", "--no-default-table", &table]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    assert!(
        stdout(&check).ends_with("1 table, 2 entities, 4 aliases: no problems\n"),
        "{}",
        stdout(&check)
    );
    let list = run(&["alias", "list", "--no-default-table", "--aliases", &table]);
    assert_eq!(
        stdout(&list)
            .lines()
            .filter(|l| !l.starts_with(' '))
            .count(),
        2,
        "{}",
        stdout(&list)
    );
    let show = run(&[
        "alias",
        "show",
        "--no-default-table",
        "--aliases",
        &table,
        "deepseek",
    ]);
    assert_ne!(show.status.code(), Some(0));

    // No table at all: terms, and no entity.
    let bare = without(&[]);
    assert_eq!(bare.status.code(), Some(0), "{}", stderr(&bare));
    assert!(entity_ids(&bare).iter().all(Vec::is_empty));
    assert_eq!(entity_ids(&bare).len(), 3);
    assert!(terms(&bare, 0).contains(&"deepseek".to_string()));
}

#[test]
fn compile_writes_nothing_when_a_table_is_broken() {
    let dir = tempfile::tempdir().unwrap();
    let broken = write_file(
        dir.path(),
        "broken.toml",
        b"[[entity]]\nid = \"x\"\nname = \"X\"\nkind = \"org\"\nparent = \"nobody\"\naliases.en = [\"Xq\"]\n",
    );
    let target = dir.path().join("t.canonidx");
    std::fs::write(&target, b"the previous file").unwrap();
    let output = run(&["alias", "compile", "-o", target.to_str().unwrap(), &broken]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("broken.toml:1: entity \"x\" has unknown parent \"nobody\""),
        "{}",
        stderr(&output)
    );
    // The old file is left as it was, and no temporary file stays behind.
    assert_eq!(std::fs::read(&target).unwrap(), b"the previous file");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);

    // An output that is one of the inputs is refused before anything is read.
    let table = write_file(dir.path(), "extra.jsonl", TABLE.as_bytes());
    let output = run(&["alias", "compile", "-o", &table, &table]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(std::fs::read(&table).unwrap(), TABLE.as_bytes());
}

#[test]
fn compile_summarizes_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let table = write_file(dir.path(), "extra.jsonl", TABLE.as_bytes());
    let target = dir.path().join("t.canonidx");
    let output = run(&["alias", "compile", "-o", target.to_str().unwrap(), &table]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary = stderr(&output);
    let size = std::fs::metadata(&target).unwrap().len();
    assert!(summary.starts_with("compiled "), "{summary}");
    assert!(
        summary.contains(&format!("({:.1} MB)", size as f64 / 1e6)),
        "{summary}"
    );
}

/// The sections of a compiled table, as (offset, length) from its section
/// table (see `canon_table::format`).
fn sections(bytes: &[u8]) -> Vec<(usize, usize)> {
    let word = |at: usize| u64::from_ne_bytes(bytes[at..at + 8].try_into().unwrap()) as usize;
    (0..canon::aliases::format::SECTION_COUNT)
        .map(|i| (word(48 + 16 * i), word(48 + 16 * i + 8)))
        .collect()
}

#[test]
fn a_damaged_body_gives_wrong_answers_but_never_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let table = write_file(dir.path(), "extra.jsonl", TABLE.as_bytes());
    let compiled = compile(dir.path(), "extra.canonidx", &[&table]);
    let good = std::fs::read(&compiled).unwrap();
    let texts: Vec<String> = DOCUMENTS
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap()["text"].to_string())
        .collect();
    // A byte of every section (its first, one past its middle or its last,
    // in turn: counts and offsets start a column, strings fill the middle),
    // set to a value that sends offsets, lengths and indices anywhere; the
    // checksum is left as it was (loading does not read it). The unit tests
    // of canon_table::table damage every byte of a small table.
    let mut positions = Vec::new();
    for (i, (offset, len)) in sections(&good).into_iter().enumerate() {
        if len > 0 {
            positions.push([offset, offset + len / 2 + 1, offset + len - 1][i % 3]);
        }
    }
    for (n, &at) in positions.iter().enumerate() {
        if at >= good.len() {
            continue;
        }
        let mut bad = good.clone();
        bad[at] = [0xFF, 0x80, 0x07][n % 3];
        let path = dir.path().join("damaged.canonidx");
        std::fs::write(&path, &bad).unwrap();
        let table = canon::aliases::AliasTable::open(&path).expect("the body is not read at load");
        for name in ["Zorblax", "佐布拉克斯", "Moonshot AI", "Zorblx", "OpenAI"] {
            let _ = table.lookup(name);
        }
        let canon = canon::Canon::new(table.clone());
        for text in &texts {
            let _ = canon.analyze(text);
        }
        assert_eq!(
            table.verify().is_err(),
            bad != good,
            "verify finds the damage at byte {at}"
        );
    }
}

/// A table where `count` entities claim one name without marking it
/// ambiguous: one warning per entity.
fn shared_name_table(count: usize) -> String {
    (0..count)
        .map(|i| {
            format!(
                "{{\"id\":\"zorb-{i}\",\"name\":\"Zorb {i}\",\"kind\":\"org\",\"aliases\":{{\"en\":[\"Zorblin Varga Holdings\"]}}}}\n"
            )
        })
        .collect()
}

/// `canon normalize` prints the first ten of a table's warnings and counts
/// the rest, naming the command that lists them (a large import can carry
/// thousands, printed again at every run); `canon alias check` of the
/// compiled table lists them all, and they do not fail it.
#[test]
fn table_warnings_beyond_ten_are_counted_and_listed_by_alias_check() {
    let root = tempfile::tempdir().unwrap();
    // A folder with a space: the command the count names quotes it.
    let dir = root.path().join("my tables");
    std::fs::create_dir(&dir).unwrap();
    let document = b"{\"text\":\"Zorblin Varga Holdings\"}\n".to_vec();
    for (count, shown) in [(3, 3), (10, 10), (12, 10)] {
        let name = format!("shared{count}");
        let table = write_file(
            &dir,
            &format!("{name}.jsonl"),
            shared_name_table(count).as_bytes(),
        );
        // The source table, loaded at start: the same count, naming it.
        let output = run_with_stdin(&["normalize", "--aliases", &table], document.clone());
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let err = stderr(&output);
        assert_eq!(err.matches("also claimed by").count(), shown, "{err}");
        let more = format!(
            "warning: and {} more about the alias tables (`canon alias check '{table}'` lists them all)",
            count - shown
        );
        assert_eq!(err.lines().any(|l| l == more), count > shown, "{err}");
        // `canon alias compile` prints them all when it makes the table.
        let compiled = dir.join(format!("{name}.canonidx"));
        let compiled = compiled.to_str().unwrap().to_string();
        let made = run(&["alias", "compile", "--quiet", "-o", &compiled, &table]);
        assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
        assert_eq!(
            stderr(&made).matches("also claimed by").count(),
            count,
            "{}",
            stderr(&made)
        );
        let output = run_with_stdin(&["normalize", "--aliases", &compiled], document.clone());
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let err = stderr(&output);
        let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning: ")).collect();
        let claims = warnings.iter().filter(|w| w.contains("also claimed by"));
        assert_eq!(claims.count(), shown, "{err}");
        let more = format!(
            "warning: and {} more about the alias tables (`canon alias check '{compiled}'` lists them all)",
            count - shown
        );
        assert_eq!(warnings.contains(&more.as_str()), count > shown, "{err}");
        assert_eq!(warnings.len(), shown + usize::from(count > shown), "{err}");
        let quiet = run_with_stdin(
            &["normalize", "--quiet", "--aliases", &compiled],
            document.clone(),
        );
        assert!(stderr(&quiet).is_empty(), "{}", stderr(&quiet));

        let check = run(&["alias", "check", &compiled]);
        assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
        let out = stdout(&check);
        let listed: Vec<&str> = out.lines().filter(|l| l.ends_with("[warning]")).collect();
        assert_eq!(listed.len(), count, "{out}");
        // Each named by the compiled table it is kept in.
        let prefix = format!("{compiled}: ");
        assert!(listed.iter().all(|l| l.starts_with(&prefix)), "{out}");
        for i in 0..count {
            let entity = format!("entity \"zorb-{i}\"");
            assert!(listed.iter().any(|l| l.contains(&entity)), "{entity}");
        }
    }
}
