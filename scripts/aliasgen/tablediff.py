#!/usr/bin/env python3
"""What changed in the alias tables between a git revision and the working tree,
entity by entity and alias by alias (not line by line), so that every change a
generator run makes can be reviewed and explained:

    python3 scripts/aliasgen/tablediff.py [--rev HEAD] [--summary] [FILE ...]

Changes are grouped by kind: entities added or removed; aliases added or removed;
case = "exact", needs = "support" gained or lost; blockers added or removed;
topics, context, parent, name or kind changed. Without FILE, every table of
data/aliases/. Standard library only.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def load(text: str) -> dict[str, dict]:
    return {e["id"]: e for e in tomllib.loads(text).get("entity", [])}


def aliases(entity: dict) -> dict[tuple[str, str], dict]:
    out = {}
    for lang, items in entity.get("aliases", {}).items():
        for item in items:
            if isinstance(item, str):
                item = {"text": item}
            out[(lang, item["text"])] = item
    return out


def compare(old: dict[str, dict], new: dict[str, dict], path: str, changes: dict) -> None:
    for eid in sorted(old.keys() - new.keys()):
        changes["entity removed"].append(f"{path}: {eid}")
    for eid in sorted(new.keys() - old.keys()):
        changes["entity added"].append(f"{path}: {eid}")
    for eid in [e for e in new if e in old]:
        o, n = old[eid], new[eid]
        for field in ("name", "kind", "parent", "topics", "context"):
            if o.get(field) != n.get(field):
                changes[f"{field} changed"].append(f"{path}: {eid}: {o.get(field)} -> {n.get(field)}")
        oa, na = aliases(o), aliases(n)
        for k in oa.keys() - na.keys():
            changes["alias removed"].append(f"{path}: {eid}: {k[0]} {k[1]!r}")
        for k in na.keys() - oa.keys():
            flags = {x: na[k][x] for x in ("case", "needs") if x in na[k]}
            changes["alias added"].append(f"{path}: {eid}: {k[0]} {k[1]!r} {flags or ''}".rstrip())
        for k in oa.keys() & na.keys():
            a, b = oa[k], na[k]
            for flag, value, word in (("case", "exact", "case = exact"), ("needs", "support", "needs = support")):
                if a.get(flag) != value and b.get(flag) == value:
                    changes[f"{word} gained"].append(f"{path}: {eid}: {k[0]} {k[1]!r}")
                if a.get(flag) == value and b.get(flag) != value:
                    changes[f"{word} lost"].append(f"{path}: {eid}: {k[0]} {k[1]!r}")
            ob, nb = set(a.get("blockers", [])), set(b.get("blockers", []))
            if nb - ob:
                changes["blockers added"].append(f"{path}: {eid}: {k[1]!r} +{len(nb - ob)}: {', '.join(sorted(nb - ob))}")
            if ob - nb:
                changes["blockers removed"].append(f"{path}: {eid}: {k[1]!r} -{len(ob - nb)}: {', '.join(sorted(ob - nb))}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--summary", action="store_true", help="counts only")
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    files = args.files or sorted(str(p.relative_to(REPO)) for p in (REPO / "data" / "aliases").glob("*.toml"))
    changes: dict[str, list[str]] = defaultdict(list)
    for rel in files:
        shown = subprocess.run(["git", "-C", str(REPO), "show", f"{args.rev}:{rel}"], capture_output=True, text=True)
        old = load(shown.stdout) if shown.returncode == 0 else {}
        new_path = REPO / rel
        new = load(new_path.read_text(encoding="utf-8")) if new_path.exists() else {}
        compare(old, new, Path(rel).name, changes)
    for kind in sorted(changes):
        print(f"== {kind}: {len(changes[kind])}")
        if not args.summary:
            for line in changes[kind]:
                print("   " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
