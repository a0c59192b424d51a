"""canon_nlp.Canon against the `canon` CLI: the same records for the same
input (sample articles, seed pages, the benchmark corpus), the same lookups,
the same error messages; and the batch engine's order, rejects and GIL."""

from __future__ import annotations

import json
import threading
import time

import pytest
from conftest import SAMPLES, canon_fields, cli_records, jsonl, run_canon, shared_corpus

from canon_nlp import AliasTableError, Canon, CanonError, RejectedError

# One pipeline per option set: construction loads the tables.
_CANONS: dict = {}


def canon(**options) -> Canon:
    key = tuple(sorted(options.items()))
    if key not in _CANONS:
        _CANONS[key] = Canon(**options)
    return _CANONS[key]


def sample_texts() -> list:
    texts = [json.loads(line)["text"] for line in (SAMPLES / "articles.jsonl").read_text("utf-8").splitlines()]
    texts += [p.read_text("utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    return texts


# Each CLI option set and the constructor arguments that mean the same.
OPTION_SETS = [
    ([], {}),
    (["--spans"], {"spans": True}),
    (["--search", "--spans"], {"search": True, "spans": True}),
    (["--boilerplate", "keep"], {"boilerplate": "keep"}),
    (["--boilerplate", "off", "--spans"], {"boilerplate": "off", "spans": True}),
]


@pytest.mark.parametrize("args,options", OPTION_SETS, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_samples_give_the_cli_records(args, options):
    texts = sample_texts()
    assert len(texts) >= 9
    expected = [canon_fields(r) for r in cli_records(texts, args)]
    analyzer = canon(**options)
    for text, want in zip(texts, expected):
        got = analyzer.analyze(text)
        assert got == want
        assert list(got) == list(want), "fields in the CLI's order"
    assert analyzer.analyze_batch(texts, jobs=2) == expected


def test_sample_records_have_the_contract_fields_and_offsets():
    text = (SAMPLES / "zh-moonshot.txt").read_text("utf-8")
    record = canon(spans=True).analyze(text)
    assert list(record) == [
        "lang",
        "lang_confidence",
        "normalized_text",
        "tokens",
        "token_positions",
        "token_position_lengths",
        "token_spans",
        "entities",
        "entity_ids",
        "boilerplate",
    ]
    assert len(record["token_positions"]) == len(record["tokens"])
    assert record["lang"] == "zh"
    assert len(record["token_spans"]) == len(record["tokens"])
    assert record["entities"], "the sample names entities"
    for mention in record["entities"]:
        assert text[mention["start"] : mention["end"]] == mention["surface"]
    assert "moonshot-ai" in {m["id"] for m in record["entities"]}


def test_plain_text_files_give_the_cli_records():
    # The CLI reads a .txt file as one document whose id is its path.
    paths = sorted(SAMPLES.glob("*.txt"))
    records = jsonl(run_canon(["normalize", "--quiet", *map(str, paths)]).stdout)
    assert len(records) == len(paths)
    for path, record in zip(paths, records):
        assert record["text"] == path.read_text("utf-8")
        assert canon().analyze(path.read_text("utf-8")) == canon_fields(record, ("id", "text"))


def test_seed_pages_give_the_cli_records():
    seeds = sorted(shared_corpus("seeds").glob("*.txt"))
    assert len(seeds) == 5
    for args, options in [([], {}), (["--spans", "--search", "--boilerplate", "keep"], {"spans": True, "search": True, "boilerplate": "keep"})]:
        records = jsonl(run_canon(["normalize", "--quiet", *args, *map(str, seeds)]).stdout)
        texts = [path.read_text("utf-8") for path in seeds]
        for text, record in zip(texts, records):
            assert record["text"] == text
        expected = [canon_fields(r, ("id", "text")) for r in records]
        assert [canon(**options).analyze(t) for t in texts] == expected
        assert canon(**options).analyze_batch(texts, jobs=3) == expected


def test_benchmark_corpus_gives_the_cli_records():
    path = shared_corpus("bench-mixed.jsonl")
    lines = path.read_bytes().splitlines()[::7]
    inputs = [json.loads(line) for line in lines]
    cli = jsonl(run_canon(["normalize", "--quiet", "--spans", "--jobs", "2"], b"\n".join(lines) + b"\n").stdout)
    assert len(cli) == len(inputs) > 100
    expected = [canon_fields(r, list(i)) for r, i in zip(cli, inputs)]
    got = canon(spans=True).analyze_batch([i["text"] for i in inputs], jobs=2)
    assert got == expected
    assert {r["lang"] for r in got} >= {"en", "zh"}


def test_batch_keeps_input_order_for_every_job_count():
    texts = sample_texts() * 40
    one = canon().analyze_batch(texts, jobs=1)
    assert one == [canon().analyze(t) for t in texts]
    assert canon().analyze_batch(iter(texts), jobs=4) == one
    assert canon().analyze_batch(texts) == one


def test_batch_json_is_the_cli_line():
    texts = sample_texts()
    lines = run_canon(["normalize", "--quiet"], "".join(json.dumps({"text": t}) + "\n" for t in texts).encode()).stdout
    for line, got in zip(lines.decode("utf-8").splitlines(), canon().analyze_batch_json(texts, jobs=2)):
        # The CLI line is {"text":...,<canon's fields>}: ours is its tail.
        assert line.endswith(got[1:])
        assert json.loads(got) == canon_fields(json.loads(line))


def test_empty_batch_and_empty_text():
    assert canon().analyze_batch([]) == []
    assert canon().analyze("") == canon_fields(cli_records([""])[0])


def test_lookup_gives_the_cli_json():
    names = ["月之暗面", "ＤｅｅｐＳｅｅｋ", "字節跳動", "Moonshot", "no such entity anywhere", "apple"]
    cli = jsonl(run_canon(["alias", "lookup", "--json", *names], expect=None).stdout)
    assert len(cli) == len(names)
    assert [canon().lookup(n) for n in names] == cli
    assert canon().lookup("月之暗面")["id"] == "moonshot-ai"
    assert canon().lookup("no such entity anywhere")["id"] is None


def test_extra_alias_table_matches_and_looks_up(tmp_path):
    table = tmp_path / "mine.toml"
    table.write_text('[[entity]]\nid = "acme-robotics"\nname = "Acme Robotics"\nkind = "org"\naliases.en = ["Acme Robotics"]\n')
    text = "Acme Robotics hired engineers from DeepSeek."
    mine = Canon(aliases=[table])
    record = mine.analyze(text)
    assert [m["id"] for m in record["entities"]] == ["acme-robotics", "deepseek"]
    assert record == canon_fields(cli_records([text], ["--aliases", str(table)])[0])
    assert Canon(aliases=str(table)).analyze(text) == record
    cli = jsonl(run_canon(["alias", "lookup", "--json", "--aliases", str(table), "acme robotics"]).stdout)
    assert mine.lookup("acme robotics") == cli[0]
    # Without the table, the name is unknown.
    assert canon().analyze(text)["entities"][0]["id"] == "deepseek"


def test_compiled_alias_table_loads_like_its_source(tmp_path):
    # `canon alias compile` writes the built-in table with the user's on top;
    # the package maps it instead of parsing the sources at every start.
    table = tmp_path / "mine.toml"
    table.write_text('[[entity]]\nid = "acme-robotics"\nname = "Acme Robotics"\nkind = "org"\naliases.en = ["Acme Robotics"]\n')
    compiled = tmp_path / "mine.canonidx"
    run_canon(["alias", "compile", "--quiet", str(table), "-o", str(compiled)])
    text = "Acme Robotics hired engineers from DeepSeek and 月之暗面."
    record = Canon(aliases=compiled).analyze(text)
    assert [m["id"] for m in record["entities"]] == ["acme-robotics", "deepseek", "moonshot-ai"]
    assert record == Canon(aliases=[table]).analyze(text)
    assert record == canon_fields(cli_records([text], ["--aliases", str(compiled)])[0])
    assert Canon(aliases=compiled).lookup("acme robotics")["id"] == "acme-robotics"


def test_default_table_left_out_gives_the_users_entities_alone(tmp_path):
    table = tmp_path / "mine.toml"
    table.write_text('[[entity]]\nid = "acme-robotics"\nname = "Acme Robotics"\nkind = "org"\naliases.en = ["Acme Robotics"]\n')
    text = "Acme Robotics hired engineers from DeepSeek."
    mine = Canon(aliases=[table], default_table=False)
    record = mine.analyze(text)
    assert [m["id"] for m in record["entities"]] == ["acme-robotics"]
    assert record == canon_fields(cli_records([text], ["--no-default-table", "--aliases", str(table)])[0])
    assert mine.lookup("deepseek")["id"] is None
    # Compiled without the default table, the same, with default_table=False
    # or not; a compiled table that holds it is refused with False, as by
    # the CLI.
    alone = tmp_path / "alone.canonidx"
    run_canon(["alias", "compile", "--quiet", "--no-default-table", str(table), "-o", str(alone)])
    assert Canon(aliases=alone).analyze(text) == record
    assert Canon(aliases=alone, default_table=False).analyze(text) == record
    both = tmp_path / "both.canonidx"
    run_canon(["alias", "compile", "--quiet", str(table), "-o", str(both)])
    cli = run_canon(["normalize", "--no-default-table", "--aliases", str(both)], expect=2).stderr.decode()
    with pytest.raises(CanonError) as raised:
        Canon(aliases=both, default_table=False)
    assert "holds the default table" in str(raised.value)
    assert cli.strip() == f"canon: {raised.value}"
    # No table at all: terms, no entities.
    bare = Canon(default_table=False).analyze(text)
    assert bare["entities"] == [] and "deepseek" in bare["tokens"]


def test_cut_compiled_alias_table_raises_the_cli_message(tmp_path):
    table = tmp_path / "mine.toml"
    table.write_text('[[entity]]\nid = "acme-robotics"\nname = "Acme Robotics"\nkind = "org"\naliases.en = ["Acme Robotics"]\n')
    compiled = tmp_path / "cut.canonidx"
    run_canon(["alias", "compile", "--quiet", str(table), "-o", str(compiled)])
    data = compiled.read_bytes()
    compiled.write_bytes(data[: len(data) // 2])
    cli = run_canon(["normalize", "--aliases", str(compiled)], expect=2).stderr.decode()
    with pytest.raises(AliasTableError) as raised:
        Canon(aliases=compiled)
    assert str(compiled) in str(raised.value)
    assert cli.strip() == f"canon: {raised.value}"


def test_broken_alias_table_raises_the_cli_message(tmp_path):
    table = tmp_path / "broken.toml"
    table.write_text('[[entity]]\nid = "ok"\nname = "OK"\nkind = "org"\naliases.en = ["OK Corp"]\n\n[[entity]]\nid = "Bad Id"\n')
    cli = run_canon(["normalize", "--aliases", str(table)], expect=2).stderr.decode()
    with pytest.raises(AliasTableError) as raised:
        Canon(aliases=[table])
    message = str(raised.value)
    assert message.startswith(f"{table}:")
    assert cli.strip() == f"canon: {message}"
    assert isinstance(raised.value, ValueError)


def test_missing_alias_table_raises_the_cli_message(tmp_path):
    missing = tmp_path / "missing.toml"
    cli = run_canon(["normalize", "--aliases", str(missing)], expect=2).stderr.decode()
    with pytest.raises(CanonError) as raised:
        Canon(aliases=missing)
    assert cli.strip() == f"canon: {raised.value}"


def test_rejected_texts_raise_or_give_none_with_the_cli_reason(tmp_path):
    binary = "\x01\x02\x03\x04" * 10
    good = "DeepSeek released a model."
    rejects = tmp_path / "rejects.jsonl"
    stdin = "".join(json.dumps({"text": t}) + "\n" for t in [good, binary, good]).encode()
    run_canon(["normalize", "--quiet", "--rejects", str(rejects)], stdin, expect=1)
    reason = json.loads(rejects.read_text())["reason"]
    assert reason.startswith("binary")

    with pytest.raises(RejectedError) as raised:
        canon().analyze(binary)
    assert raised.value.reason == reason
    with pytest.raises(RejectedError) as raised:
        canon().analyze_batch([good, binary, good], jobs=2)
    assert (raised.value.index, raised.value.reason) == (1, reason)
    assert str(raised.value) == f"texts[1]: {reason}"

    records = canon().analyze_batch([good, binary, good], jobs=2, on_reject="none")
    assert records[1] is None
    assert records[0] == records[2] == canon().analyze(good)


def test_oversized_text_is_rejected_like_the_cli(tmp_path):
    small = Canon(max_bytes=16)
    text = "月之暗面发布了Kimi"  # 24 bytes of UTF-8
    rejects = tmp_path / "rejects.jsonl"
    run_canon(["normalize", "--quiet", "--max-bytes", "16", "--format", "text", "--rejects", str(rejects)], text.encode(), expect=1)
    reason = json.loads(rejects.read_text())["reason"]
    with pytest.raises(RejectedError) as raised:
        small.analyze(text)
    assert raised.value.reason == reason
    assert small.analyze("Kimi") == canon().analyze("Kimi")
    assert small.analyze_batch(["Kimi", text], on_reject="none")[1] is None


def test_bad_arguments_raise_type_and_value_errors():
    with pytest.raises(TypeError, match="not a str"):
        canon().analyze_batch("one text")
    with pytest.raises(TypeError, match=r"texts\[1\] must be a str"):
        canon().analyze_batch(["a", 2])
    with pytest.raises(ValueError, match=r"texts\[1\] is not valid Unicode"):
        canon().analyze_batch(["a", "lone \ud800 surrogate"])
    with pytest.raises(UnicodeEncodeError):
        canon().analyze("lone \ud800 surrogate")
    with pytest.raises(ValueError, match="jobs"):
        canon().analyze_batch(["a"], jobs=0)
    with pytest.raises(ValueError, match="on_reject"):
        canon().analyze_batch(["a"], on_reject="skip")
    with pytest.raises(ValueError, match="boilerplate"):
        Canon(boilerplate="maybe")
    with pytest.raises(ValueError, match="offsets"):
        Canon(offsets="bytes")
    with pytest.raises(TypeError, match="aliases"):
        Canon(aliases=3)


def test_batch_pauses_the_garbage_collector_and_restores_it():
    import gc

    seen = []

    def watch(phase, info):
        seen.append(phase)

    texts = ["DeepSeek released a model. 月之暗面发布了Kimi。"] * 1000
    pipeline = canon()
    assert gc.isenabled()
    gc.callbacks.append(watch)
    try:
        # Made while paused: the records' lists and dicts (thousands of
        # containers, a collection every 700 without the pause) are walked
        # once, by the collection that runs as the call returns.
        gc.collect()
        seen.clear()
        records = pipeline.analyze_batch(texts, jobs=1)
        assert seen.count("start") <= 1
        assert gc.isenabled()
        # Restored when the call raises too.
        with pytest.raises(RejectedError):
            pipeline.analyze_batch(texts + ["\x01\x02\x03\x04" * 10], jobs=1)
        assert gc.isenabled()
        # Left paused when the caller paused it.
        gc.disable()
        try:
            pipeline.analyze_batch_json(texts[:2], jobs=1)
            assert not gc.isenabled()
        finally:
            gc.enable()
    finally:
        gc.callbacks.remove(watch)
    assert len(records) == len(texts)


def _longest_pause_during_batch(texts):
    """(longest pause this thread saw, the batch's wall time) while
    analyze_batch_json runs ``texts`` on another thread."""
    finished = []
    worker = threading.Thread(target=lambda: finished.append(canon().analyze_batch_json(texts, jobs=1)))
    start = time.perf_counter()
    worker.start()
    last, longest = time.perf_counter(), 0.0
    while worker.is_alive():
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
    took = time.perf_counter() - start
    worker.join()
    assert len(finished[0]) == len(texts)
    return longest, took


def test_batch_releases_the_gil():
    # While the batch runs on other threads, this thread keeps running
    # Python: the longest pause it sees is a small part of the batch's time.
    # (The JSON variant: making dicts of the records needs the GIL, for a
    # time that grows with the records; analysis does not.) The batch grows
    # until it is long enough to tell, whatever the machine's speed.
    for copies in (400, 1600, 6400, 25600):
        longest, took = _longest_pause_during_batch(sample_texts() * copies)
        if took > 0.2:
            break
    assert took > 0.2, "the batch is long enough to tell"
    assert longest < took / 4, (longest, took)


def test_repr_names_the_options():
    assert repr(Canon(search=True)).startswith("Canon(aliases=[], default_table=True, search=True, boilerplate=\"on\"")


def test_package_docstring_examples_run():
    import doctest

    import canon_nlp

    result = doctest.testmod(canon_nlp, verbose=False)
    assert result.attempted >= 3
    assert result.failed == 0
