#!/usr/bin/env python3
"""Spot-check data-biz's tables on real text: which of their entities canon finds, how often,
through which surface form, and each mention in context, for reading by eye.

Usage (worktree root):

    target/release/canon normalize $(for f in data/aliases/*.toml; do echo --aliases $f; done) \\
        ../shared/corpus/bench-mixed.jsonl > /tmp/out.jsonl
    python3 scripts/aliasgen-biz/spotcheck.py /tmp/out.jsonl [--ids-from data/aliases/biz-*.toml ...]
        [--show ID[,ID...]] [--surface TEXT] [--width 60]

Without --show it prints mention counts by entity and by (entity, surface) per source; with
--show it prints every mention of those entities with `width` characters either side.
Reads only canon's output; writes nothing.
"""

import argparse
import collections
import json
import re
import sys


def ids_in(paths):
    ids = set()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            ids.update(re.findall(r'^id = "([^"]+)"', f.read(), re.M))
    return ids


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("output", help="canon normalize output (JSON Lines)")
    ap.add_argument("--ids-from", nargs="*", default=[], help="alias tables whose entities to count")
    ap.add_argument("--show", help="comma-separated entity ids whose mentions to print in context")
    ap.add_argument("--surface", help="only mentions with this surface text")
    ap.add_argument("--width", type=int, default=60)
    ap.add_argument("--top", type=int, default=80)
    args = ap.parse_args()
    wanted = ids_in(args.ids_from) if args.ids_from else None
    show = set(args.show.split(",")) if args.show else None
    by_entity = collections.Counter()
    by_surface = collections.Counter()
    docs = collections.defaultdict(set)
    for line in open(args.output, encoding="utf-8"):
        record = json.loads(line)
        source = record.get("source", "?")
        for m in record.get("entities", []):
            if wanted is not None and m["id"] not in wanted:
                continue
            if args.surface and m["surface"] != args.surface:
                continue
            if show is not None:
                if m["id"] in show:
                    # start/end are code-point offsets into the original text (README)
                    original = record["text"]
                    s, e = m["start"], m["end"]
                    left = original[max(0, s - args.width):s].replace("\n", " ")
                    right = original[e:e + args.width].replace("\n", " ")
                    print(f"{record['id']}\t{m['id']}\t{left}[[{original[s:e]}]]{right}")
                continue
            by_entity[(source, m["id"])] += 1
            by_surface[(source, m["id"], m["surface"])] += 1
            docs[(source, m["id"])].add(record["id"])
    if show is not None:
        return
    for source in sorted({s for s, _ in by_entity}):
        rows = [(n, i) for (s, i), n in by_entity.items() if s == source]
        total = sum(n for n, _ in rows)
        print(f"== {source}: {total} mentions of {len(rows)} entities")
        for n, i in sorted(rows, reverse=True)[: args.top]:
            forms = sorted(((c, f) for (s, j, f), c in by_surface.items() if s == source and j == i), reverse=True)
            print(f"{n:5d} {len(docs[(source, i)]):4d} docs  {i}: " + ", ".join(f"{f} {c}" for c, f in forms[:6]))


if __name__ == "__main__":
    sys.exit(main())
