#!/usr/bin/env python3
"""What the built-in alias table costs per byte (Python 3.11+, standard library).

    python3 scripts/bench_table_cost.py [--table-from 80f082e] [--mb 10] [--runs 9]

Issue #16 asks the grown default table (5,199 entities) to keep throughput
within 10% of what canon had with its former 520-entity table. Between
then and now other issues added stages (boilerplate, index fields), so a
comparison with an old binary mixes the table's cost with theirs. This
script isolates the table: it builds the current checkout (HEAD, in a
temporary git worktree) a second time with the alias table of another
commit (`--table-from`, default 80f082e: the 520 entities before issue
#16), and times both binaries on the same corpora.

Corpora: the `en` and `zh` corpora of scripts/bench_compare.py (the BBC and
PKU records of the benchmark corpus repeated to --mb MB of text).

Measure: CPU time (user + system of the child) of `canon normalize -j1`,
runs taken round-robin over the binaries so that slow spells of a shared
machine fall on both alike; the fastest and the median run are reported,
with their ratio. Each run must write one record per record read.

The current binary is target/release/canon (built with `cargo build
--release` if missing, or --canon); the other is built in
target/table-cost/ (kept between runs so that only canon itself is
rebuilt). Exit status: 0 when measured, 1 on any failure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_compare  # noqa: E402  (the corpora and the timed run)

REPO = Path(__file__).resolve().parent.parent


def git(*args: str, cwd: Path = REPO) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def put_table(worktree: Path, commit: str) -> int:
    """Replaces the worktree's data/aliases/ with the table of `commit`;
    returns how many entities it has. Before the table was split into
    files (issue #16) it was data/aliases.toml."""
    aliases = worktree / "data" / "aliases"
    shutil.rmtree(aliases)
    aliases.mkdir()
    listing = git("ls-tree", "--name-only", commit, "data/aliases/", "data/aliases.toml")
    paths = [p for p in listing.split("\n") if p.endswith(".toml")]
    if not paths:
        sys.exit(f"bench_table_cost: {commit} has no data/aliases.toml or data/aliases/*.toml")
    entities = 0
    for path in paths:
        text = git("show", f"{commit}:{path}")
        entities += sum(1 for line in text.split("\n") if line.strip() == "[[entity]]")
        name = "core.toml" if path == "data/aliases.toml" else Path(path).name
        (aliases / name).write_text(text, encoding="utf-8")
    return entities


def build(worktree: Path, target: Path) -> Path:
    bench_compare.log(f"building {worktree} (target {target})")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=worktree, check=True,
                   env=dict(os.environ, CARGO_TARGET_DIR=str(target)))
    return target / "release" / "canon"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--table-from", default="80f082e",
                        help="the commit whose alias table the second build gets (default 80f082e)")
    parser.add_argument("--canon", type=Path, help="the current binary (default target/release/canon)")
    parser.add_argument("--corpus", type=Path, default=bench_compare.DEFAULT_CORPUS)
    parser.add_argument("--mb", type=float, default=10.0, help="MB of text per corpus (default 10)")
    parser.add_argument("--runs", type=int, default=9, help="runs per binary and corpus (default 9)")
    args = parser.parse_args()

    canon = args.canon or REPO / "target" / "release" / "canon"
    if not canon.exists():
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    with tempfile.TemporaryDirectory(prefix="canon-table-cost-") as tmp:
        folder = Path(tmp)
        worktree = folder / "worktree"
        git("worktree", "add", "--detach", str(worktree), "HEAD")
        try:
            entities = put_table(worktree, args.table_from)
            bench_compare.log(f"table of {args.table_from}: {entities} entities")
            other = build(worktree, REPO / "target" / "table-cost")
            corpora = bench_compare.build_corpora(args.corpus, folder, args.mb, {}, ["en", "zh"])
            binaries = {"HEAD": canon, f"HEAD with the table of {args.table_from}": other}
            print(f"CPU ms of `canon normalize -j1`, fastest / median of {args.runs} runs")
            print()
            print("| corpus | MB | " + " | ".join(binaries) + " | ratio (fastest) |")
            print("| --- | ---: | ---: | ---: | ---: |")
            for name, (path, mb, records) in corpora.items():
                times: dict[str, list[float]] = {label: [] for label in binaries}
                for round_ in range(args.runs):
                    for label, binary in binaries.items():
                        run = bench_compare.timed(
                            [str(binary), "normalize", "-j1", "--quiet", str(path)],
                            None, folder / "out.jsonl")
                        times[label].append(run.cpu * 1000)
                        if round_ > 0:
                            continue
                        written, _ = bench_compare.count_output(folder / "out.jsonl")
                        if written != records:
                            sys.exit(f"bench_table_cost: {label} wrote {written} of {records} records")
                cells = [f"{min(t):.0f} / {statistics.median(t):.0f}" for t in times.values()]
                ratio = min(times["HEAD"]) / min(times[list(binaries)[1]])
                print(f"| {name} | {mb:.1f} | " + " | ".join(cells) + f" | {ratio:.2f} |")
        finally:
            git("worktree", "remove", "--force", str(worktree))
    return 0


if __name__ == "__main__":
    sys.exit(main())
