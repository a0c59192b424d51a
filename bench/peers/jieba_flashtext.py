#!/usr/bin/env python3
"""Python peer for canon's benchmark: the pipeline users write by hand.

    python bench/peers/jieba_flashtext.py [--aliases data/aliases] < in.jsonl > out.jsonl

Reads JSON Lines on standard input and writes one line per record:

    {"id": ..., "tokens": [...], "entities": [{"id": ..., "start": ..., "end": ...}]}

* text containing a Han character: jieba.cut (HMM on, default dictionary);
  tokens without a letter or digit (spaces, punctuation) are dropped, the rest
  lowercased;
* other text: lowercased, then a regex word tokenizer (letters/digits, with
  inner hyphens and apostrophes kept);
* entities: one flashtext KeywordProcessor (case-insensitive) loaded with every
  alias of canon's alias table, each mapped to its entity id; offsets are code
  points into the text.

Needs the `jieba` and `flashtext` packages (scripts/bench_compare.py installs
them in a virtual environment).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from pathlib import Path

import jieba
from flashtext import KeywordProcessor

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
WORD = re.compile(r"\w+(?:[-'’]\w+)*")
HAS_WORD_CHAR = re.compile(r"\w")

DEFAULT_ALIASES = Path(__file__).resolve().parents[2] / "data" / "aliases"


def load_aliases(path: Path) -> KeywordProcessor:
    """Every alias of every entity in canon's TOML tables (a file, or every
    .toml file of a folder), mapped to the entity id."""
    files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
    entities = []
    for file in files:
        with file.open("rb") as handle:
            entities.extend(tomllib.load(handle).get("entity", []))
    processor = KeywordProcessor(case_sensitive=False)
    for entity in entities:
        aliases = entity.get("aliases", {})
        groups = aliases.values() if isinstance(aliases, dict) else [aliases]
        for group in groups:
            for alias in group if isinstance(group, list) else [group]:
                text = alias.get("text") if isinstance(alias, dict) else alias
                if isinstance(text, str) and text.strip():
                    processor.add_keyword(text, entity["id"])
    return processor


def tokenize(text: str) -> list[str]:
    if HAN.search(text):
        return [t.lower() for t in jieba.cut(text, HMM=True) if HAS_WORD_CHAR.search(t)]
    return WORD.findall(text.lower())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aliases", type=Path, default=DEFAULT_ALIASES)
    args = parser.parse_args()
    jieba.setLogLevel(60)  # no "Building prefix dict" chatter on stderr
    processor = load_aliases(args.aliases)

    out = sys.stdout
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            print(f"jieba_flashtext: line {number}: {error}", file=sys.stderr)
            continue
        text = record.get("text") or ""
        entities = [
            {"id": entity, "start": start, "end": end}
            for entity, start, end in processor.extract_keywords(text, span_info=True)
        ]
        result = {"id": record.get("id"), "tokens": tokenize(text), "entities": entities}
        out.write(json.dumps(result, ensure_ascii=False))
        out.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
