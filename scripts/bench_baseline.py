#!/usr/bin/env python3
"""canon against an earlier canon, end to end (Python 3.11+, standard library).

    python3 scripts/bench_baseline.py [--baseline 80f082e] [--canon PATH] [--rounds 30] [--mb 10]

Issue #16 asks canon with its grown default table to keep its end-to-end
throughput on the benchmark corpus within 10% of what it was before the
table grew (80f082e). This script measures that comparison as the README
reports it: it builds the baseline commit as it was, whole (in a temporary
git worktree, into target/baseline/, kept between runs so that a second run
only checks it), and times it against the current binary (target/release/
canon, built if missing, or --canon).

Corpora (from the benchmark corpus, ../shared/corpus/bench-mixed.jsonl by
default, or --corpus):

    bench   the benchmark corpus as it is (2.8 MB of text): what a user who
            runs canon over it once sees, start-up included
    mixed   the benchmark corpus repeated to --mb MB of text (its English,
            Chinese and web pages in their proportions): start-up is a few
            percent of a run, so this is close to the cost per byte
    en, zh  the BBC and the PKU records, each repeated to --mb MB (the `en`
            and `zh` corpora of scripts/bench_compare.py)

Measures, per corpus and binary:

    cpu     CPU time (user + system of the child) of `canon normalize -j1`
    wall    wall time of `canon normalize` with its default worker count

Runs go in rounds, the two binaries one after the other, in the opposite
order every other round, so that slow spells of a shared machine fall on
both alike. Reported: each binary's median, and the median and quartiles
of the per-round ratio current / baseline (below 1: the current canon is
faster; the goal of issue #16 is at most 1.11, a throughput of at least
0.9 times the baseline's). The first run of each binary on each corpus must
write one record per record read. Exit status: 0 when measured, 1 on any
failure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_compare  # noqa: E402  (the en and zh corpora, the timed run)
import bench_large_table  # noqa: E402  (the repeated benchmark corpus)
import bench_table_cost  # noqa: E402  (git and cargo in a worktree)

REPO = Path(__file__).resolve().parent.parent

MEASURES = {
    "cpu": ("CPU time, `normalize -j1`", ["-j1"]),
    "wall": ("wall time, `normalize` (default workers)", []),
}


def baseline_binary(commit: str, folder: Path) -> Path:
    """target/baseline/COMMIT/release/canon, built from `commit` in a
    worktree under `folder` unless it is there already."""
    full = bench_table_cost.git("rev-parse", "--verify", f"{commit}^{{commit}}").strip()
    target = REPO / "target" / "baseline" / full[:12]
    binary = target / "release" / "canon"
    if binary.exists():
        bench_compare.log(f"baseline {commit}: {binary} (built before)")
        return binary
    worktree = folder / "baseline"
    bench_table_cost.git("worktree", "add", "--detach", str(worktree), full)
    try:
        bench_table_cost.build(worktree, target)
    finally:
        bench_table_cost.git("worktree", "remove", "--force", str(worktree))
    return binary


CORPORA = ("bench", "mixed", "en", "zh")


def records_in(path: Path) -> int:
    with path.open(encoding="utf-8") as handle:
        return sum(1 for line in handle if line.strip())


def corpora(corpus: Path, folder: Path, mb: float, wanted: list[str]) -> dict[str, tuple[Path, int]]:
    """name -> (path, records) for the `wanted` corpora of the module
    docstring, written to `folder` (but `bench`, the corpus itself)."""
    out: dict[str, tuple[Path, int]] = {}
    if "bench" in wanted:
        out["bench"] = (corpus, records_in(corpus))
    if "mixed" in wanted:
        mixed = folder / "mixed.jsonl"
        bench_large_table.build_corpus(corpus, None, mb, mixed)
        out["mixed"] = (mixed, records_in(mixed))
    single = [name for name in ("en", "zh") if name in wanted]
    if single:
        for name, (path, _mb, records) in bench_compare.build_corpora(
                corpus, folder, mb, {}, single).items():
            out[name] = (path, records)
    return out


def quartiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4)
    return q1, q2, q3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default="80f082e",
                        help="the commit to compare with (default 80f082e, before issue #16)")
    parser.add_argument("--canon", type=Path, help="the current binary (default target/release/canon)")
    parser.add_argument("--corpus", type=Path, default=bench_compare.DEFAULT_CORPUS)
    parser.add_argument("--mb", type=float, default=10.0,
                        help="MB of text of the repeated corpora (default 10)")
    parser.add_argument("--rounds", type=int, default=30, help="rounds per corpus and measure (default 30)")
    parser.add_argument("--measures", default="cpu,wall", help="cpu, wall or both (default cpu,wall)")
    parser.add_argument("--corpora", default="bench,mixed,en,zh",
                        help="which corpora, comma-separated (default bench,mixed,en,zh)")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    measures = [m for m in args.measures.split(",") if m]
    unknown = [m for m in measures if m not in MEASURES]
    if unknown or not measures:
        parser.error(f"--measures: unknown {', '.join(unknown) or '(none given)'}; cpu or wall")
    wanted = [c for c in args.corpora.split(",") if c]
    unknown = [c for c in wanted if c not in CORPORA]
    if unknown or not wanted:
        parser.error(f"--corpora: unknown {', '.join(unknown) or '(none given)'}; "
                     f"known: {', '.join(CORPORA)}")
    if not args.corpus.exists():
        sys.exit(f"bench_baseline: no benchmark corpus at {args.corpus} (give --corpus)")

    canon = args.canon or REPO / "target" / "release" / "canon"
    if not canon.exists():
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    with tempfile.TemporaryDirectory(prefix="canon-baseline-") as tmp:
        folder = Path(tmp)
        baseline = baseline_binary(args.baseline, folder)
        made = corpora(args.corpus, folder, args.mb, wanted)
        binaries = {"current": canon, args.baseline: baseline}
        out = folder / "out.jsonl"
        print(f"canon ({canon}) against {args.baseline} ({baseline}), {args.rounds} rounds")
        print()
        print("| corpus | measure | current, median s | " + args.baseline
              + ", median s | ratio current / baseline: median (quartiles) |")
        print("| --- | --- | ---: | ---: | --- |")
        for name in wanted:
            path, records = made[name]
            for measure in measures:
                label, flags = MEASURES[measure]
                times: dict[str, list[float]] = {b: [] for b in binaries}
                for round_ in range(args.rounds):
                    order = list(binaries.items())
                    if round_ % 2:
                        order.reverse()
                    for key, binary in order:
                        sink = out if round_ == 0 else Path(os.devnull)
                        run = bench_compare.timed(
                            [str(binary), "normalize", *flags, "--quiet", str(path)], None, sink)
                        times[key].append(run.cpu if measure == "cpu" else run.wall)
                        if round_ == 0:
                            written, _ = bench_compare.count_output(out)
                            if written != records:
                                sys.exit(f"bench_baseline: {key} wrote {written} of {records} "
                                         f"records of {name}")
                ratios = [c / b for c, b in zip(times["current"], times[args.baseline])]
                q1, median, q3 = quartiles(ratios)
                print(f"| {name} | {label} | {statistics.median(times['current']):.3f} | "
                      f"{statistics.median(times[args.baseline]):.3f} | "
                      f"{median:.2f} ({q1:.2f} to {q3:.2f}) |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
