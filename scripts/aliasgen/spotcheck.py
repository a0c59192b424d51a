#!/usr/bin/env python3
"""Spot-check generated alias tables on real text: which of their entities canon finds
in a JSON Lines corpus, how often, through which surface form, and each mention in
context, for reading by eye (false hits are fixed by a rule in the generator, not one
alias at a time).

    python3 scripts/aliasgen/spotcheck.py ../shared/corpus/bench-mixed.jsonl \\
        [--tables 'data/aliases/gov-*.toml' ...] [--show ID[,ID...]] [--surface TEXT]
        [--canon target/release/canon] [--top 60] [--width 60]

canon runs with every table of data/aliases/ given as --aliases, so the tables as they
are in the working tree (just regenerated) replace the ones compiled into the binary.
Counts cover the entities of --tables (default: every generated table). Corpus text is
printed to the terminal only; nothing is written.
"""

from __future__ import annotations

import argparse
import collections
import glob
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--canon", default=str(REPO / "target" / "release" / "canon"))
    ap.add_argument("--tables", nargs="*", default=[], help="globs of the tables whose entities to count")
    ap.add_argument("--show", help="comma-separated entity ids whose mentions to print in context")
    ap.add_argument("--surface", help="only mentions with this surface text")
    ap.add_argument("--width", type=int, default=60, help="context characters on each side")
    ap.add_argument("--top", type=int, default=60)
    args = ap.parse_args()

    all_tables = sorted(glob.glob(str(REPO / "data" / "aliases" / "*.toml")))
    counted = sorted({p for g in args.tables for p in glob.glob(g)}) if args.tables else [
        p for p in all_tables if Path(p).name != "core.toml"]
    wanted = set()
    for path in counted:
        with open(path, "rb") as f:
            wanted.update(e["id"] for e in tomllib.load(f).get("entity", []))
    show = set(args.show.split(",")) if args.show else None

    with tempfile.NamedTemporaryFile(suffix=".jsonl") as out:
        cmd = [args.canon, "normalize", "-q", "-o", out.name]
        for table in all_tables:
            cmd += ["--aliases", table]
        subprocess.run(cmd + [args.corpus], check=True, stderr=subprocess.DEVNULL)
        records = [json.loads(line) for line in open(out.name, encoding="utf-8")]

    by_entity = collections.Counter()
    by_surface = collections.Counter()
    docs = collections.defaultdict(set)
    for record in records:
        source = record.get("source", "?")
        text = record["text"]  # entity offsets are code points into the original text
        for m in record.get("entities", []):
            if m["id"] not in wanted or (args.surface and m["surface"] != args.surface):
                continue
            if show is not None:
                if m["id"] in show:
                    s, e = m["start"], m["end"]
                    left = text[max(0, s - args.width):s].replace("\n", " ")
                    right = text[e:e + args.width].replace("\n", " ")
                    print(f"{record['id']}\t{m['id']}\t…{left}[[{text[s:e]}]]{right}…")
                continue
            by_entity[(source, m["id"])] += 1
            by_surface[(source, m["id"], m["surface"])] += 1
            docs[(source, m["id"])].add(record["id"])
    if show is not None:
        return 0
    print(f"{len(records)} records; entities of {len(counted)} tables ({len(wanted)} entities)")
    for source in sorted({s for s, _ in by_entity}):
        rows = [(n, i) for (s, i), n in by_entity.items() if s == source]
        print(f"== {source}: {sum(n for n, _ in rows)} mentions of {len(rows)} entities")
        for n, i in sorted(rows, reverse=True)[: args.top]:
            forms = sorted(((c, f) for (s, j, f), c in by_surface.items() if s == source and j == i), reverse=True)
            print(f"{n:5d} {len(docs[(source, i)]):4d} docs  {i}: " + ", ".join(f"{f} {c}" for c, f in forms[:6]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
