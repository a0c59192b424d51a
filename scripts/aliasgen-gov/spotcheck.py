#!/usr/bin/env python3
"""Spot-check the gov-* and people-* tables on real text.

Runs `canon normalize` with the generated tables over a JSON Lines corpus
(../shared/corpus/bench-mixed.jsonl: BBC English, PKU Chinese) and prints,
for the entities of these tables only:

  * mentions per entity and source, most frequent first;
  * for each entity, a few mentions in context (keyword in context), so a
    reader can judge false hits. Ambiguous aliases (those with a rule) are
    listed first.

The corpus text is printed to the terminal only; nothing of it is written to
the repository.

    .venv-aliasgen/bin/python scripts/aliasgen-gov/spotcheck.py ../shared/corpus/bench-mixed.jsonl \
        [--canon target/release/canon] [--top 40] [--kwic 3] [--entity ID ...]
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def our_tables() -> list[str]:
    paths = []
    for path in sorted(glob.glob(os.path.join(ROOT, "data", "aliases", "*.toml"))):
        with open(path, encoding="utf-8") as f:
            if "scripts/aliasgen-gov/build.py" in f.readline():
                paths.append(path)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--canon", default=os.path.join(ROOT, "target", "release", "canon"))
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--kwic", type=int, default=3, help="mentions shown per entity")
    parser.add_argument("--entity", nargs="*", default=[], help="show only these ids, with all mentions")
    parser.add_argument("--extra", nargs="*", default=[], help="more tables to load (other helpers' files)")
    args = parser.parse_args()

    tables = our_tables()
    ours = set()
    for path in tables:
        with open(path, "rb") as f:
            ours.update(e["id"] for e in tomllib.load(f)["entity"])
    with tempfile.NamedTemporaryFile(suffix=".jsonl") as out:
        cmd = [args.canon, "normalize", "-q", "-o", out.name]
        for table in args.extra + tables:
            cmd += ["--aliases", table]
        subprocess.run(cmd + [args.corpus], check=True)
        records = [json.loads(line) for line in open(out.name, encoding="utf-8")]

    counts: dict[str, Counter] = defaultdict(Counter)
    surfaces: dict[str, Counter] = defaultdict(Counter)
    samples: dict[str, list[str]] = defaultdict(list)
    for record in records:
        text = record["text"]  # entity offsets are code points into the original text
        for m in record.get("entities", []):
            if m["id"] not in ours:
                continue
            counts[m["id"]][record.get("source", "?")] += 1
            surfaces[m["id"]][m["surface"]] += 1
            start, end = m["start"], m["end"]
            width = 25 if any("\u4e00" <= c <= "\u9fff" for c in m["surface"]) else 60
            left = text[max(0, start - width):start].replace("\n", " ")
            right = text[end:end + width].replace("\n", " ")
            samples[m["id"]].append(f"{record['id']}: …{left}[[{m['surface']}]]{right}…")

    ranked = sorted(counts, key=lambda e: -sum(counts[e].values()))
    if args.entity:
        for entity in args.entity:
            print(f"== {entity}: {dict(counts[entity])} {dict(surfaces[entity])}")
            for line in samples[entity]:
                print("   ", line)
        return 0
    total = sum(sum(c.values()) for c in counts.values())
    print(f"{total} mentions of {len(counts)} of our {len(ours)} entities in {len(records)} records")
    for entity in ranked[: args.top]:
        print(f"{sum(counts[entity].values()):5d}  {entity:40s} {dict(counts[entity])}  {dict(surfaces[entity].most_common(4))}")
    if args.kwic:
        print()
        for entity in ranked:
            for line in samples[entity][: args.kwic]:
                print(f"{entity}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
