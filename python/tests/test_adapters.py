"""The adapters, run for real: a datatrove pipeline over JSONL shards and a
Hugging Face datasets map over an in-memory Dataset, each checked record by
record against canon_nlp.Canon (itself checked against the CLI in
test_core.py)."""

from __future__ import annotations

import gzip
import json

import pytest
from conftest import SAMPLES

from canon_nlp import AliasTableError, Canon

BINARY = "\x01\x02\x03\x04" * 10


def sample_rows() -> list:
    return [json.loads(line) for line in (SAMPLES / "articles.jsonl").read_text("utf-8").splitlines()]


def test_datatrove_pipeline_over_shards(tmp_path):
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from canon_nlp.datatrove import CanonNormalizer

    rows = sample_rows()
    rows += [{"id": "zh-sample", "text": (SAMPLES / "zh-moonshot.txt").read_text("utf-8")}]
    rows += [{"id": "binary", "text": BINARY}]
    shards = tmp_path / "shards"
    shards.mkdir()
    for shard in range(3):
        with gzip.open(shards / f"{shard:05d}.jsonl.gz", "wt", encoding="utf-8") as out:
            for row in rows[shard::3]:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")

    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(shards)),
            CanonNormalizer(spans=True, batch_size=2, jobs=2, exclusion_writer=JsonlWriter(str(tmp_path / "rejected"), compression=None)),
            JsonlWriter(str(tmp_path / "out"), compression=None),
        ],
        tasks=3,
        workers=2,  # through datatrove's process pool: the step pickles
        logging_dir=str(tmp_path / "logs"),
    ).run()

    out = [json.loads(line) for path in sorted((tmp_path / "out").glob("*.jsonl")) for line in path.read_text("utf-8").splitlines()]
    by_id = {doc["id"]: doc for doc in out}
    assert len(out) == len(rows) - 1 and "binary" not in by_id
    canon = Canon(spans=True)
    for row in rows[:-1]:
        doc = by_id[row["id"]]
        record = canon.analyze(row["text"])
        assert doc["text"] == row["text"]
        meta = doc["metadata"]
        for field in (
            "lang",
            "lang_confidence",
            "tokens",
            "token_positions",
            "token_position_lengths",
            "token_spans",
            "entities",
            "entity_ids",
            "boilerplate",
        ):
            assert meta[field] == record[field], field
    assert "moonshot-ai" in by_id["zh-sample"]["metadata"]["entity_ids"]

    rejected = [json.loads(line) for path in (tmp_path / "rejected").glob("*.jsonl") for line in path.read_text().splitlines()]
    assert [r["id"] for r in rejected] == ["binary"]
    assert rejected[0]["metadata"]["canon_reject"].startswith("binary")

    stats = {s["name"]: s["stats"] for s in json.loads((tmp_path / "logs" / "stats.json").read_text())}
    step = next(v for k, v in stats.items() if "canon" in k)
    total = lambda name: step[name]["total"] if isinstance(step[name], dict) else step[name]
    assert total("documents") == len(rows)
    assert total("rejects") == 1
    assert total("forwarded") == len(rows) - 1
    assert total("entity_mentions") == sum(len(canon.analyze(r["text"])["entities"]) for r in rows[:-1])
    langs = {k[len("lang_"):]: total(k) for k in step if k.startswith("lang_")}
    assert langs == {"en": sum(1 for d in out if d["metadata"]["lang"] == "en"), "zh": sum(1 for d in out if d["metadata"]["lang"] == "zh")}


def test_datatrove_step_fails_early_on_a_broken_table(tmp_path):
    from canon_nlp.datatrove import CanonNormalizer

    table = tmp_path / "broken.toml"
    table.write_text('[[entity]]\nid = "Bad Id"\n')
    with pytest.raises(AliasTableError, match="broken.toml:1:"):
        CanonNormalizer(aliases=table)


@pytest.mark.parametrize("options", [{}, {"spans": True, "search": True}, {"boilerplate": "keep"}, {"boilerplate": "off"}])
def test_datasets_map_on_an_in_memory_dataset(options):
    import datasets

    from canon_nlp.hf import CanonMap, normalize

    rows = sample_rows()
    texts = [r["text"] for r in rows] + ["", BINARY, "no entity here at all"] + [p.read_text("utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    dataset = datasets.Dataset.from_dict({"id": [f"doc-{i}" for i in range(len(texts))], "text": texts})
    # Batches of 2: some have no mention at all, one has only the reject.
    mapped = normalize(dataset, batch_size=2, **options)
    function = CanonMap(**options)
    assert mapped.column_names == ["id", "text", *function.columns()]
    canon = Canon(**options)
    for row, text in zip(mapped, texts):
        assert row["text"] == text
        if text == BINARY:
            assert row["canon_reject"].startswith("binary")
            assert row["tokens"] is None and row["entities"] is None
            continue
        record = canon.analyze(text)
        assert row["canon_reject"] is None
        for field in function.columns()[:-1]:
            if field == "entities":
                for got, want in zip(row["entities"], record["entities"], strict=True):
                    assert {k: v for k, v in got.items() if v is not None and not (k == "boilerplate" and v is False and "boilerplate" not in want)} == want
            else:
                assert row[field] == record[field], field
    assert sum(len(r["entities"] or []) for r in mapped) > 10


def test_datasets_map_with_num_proc_pickles_the_function():
    import datasets

    from canon_nlp.hf import normalize

    texts = [r["text"] for r in sample_rows()] * 2
    dataset = datasets.Dataset.from_dict({"text": texts})
    mapped = normalize(dataset, batch_size=3, num_proc=2, jobs=1)
    assert mapped["tokens"] == [Canon().analyze(t)["tokens"] for t in texts]
