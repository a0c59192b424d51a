#!/usr/bin/env python3
"""canon against an earlier canon or another binary, or against itself
with a large table (Python 3.11+, standard library).

    python3 scripts/bench_baseline.py [--baseline 80f082e] [--canon PATH] [--rounds 30] [--mb 10]
    python3 scripts/bench_baseline.py --aliases TABLE.canonidx [--canon PATH] [--rounds 30]
    python3 scripts/bench_baseline.py --other PATH [--canon PATH] [--rounds 30]

Issue #16 asks canon with its grown default table to keep its end-to-end
throughput on the benchmark corpus within 10% of what it was before the
table grew (80f082e): a time ratio of at most 1/0.9 = 1.11. By default this
script measures that comparison as the README reports it: it builds the
baseline commit as it was, whole, in a temporary git worktree (the build is
kept in target/baseline/COMMIT/ and reused by later runs), and times it
against the current binary. Issue #19 asks a table of a million aliases to
keep at least 0.9 times the built-in table's throughput: with --aliases
TABLE, the current binary with `--aliases TABLE` is timed against itself
with the built-in table instead (no build). With --other PATH, the
current binary is timed against that binary: against the current code
built with 80f082e's 520-entity table (target/table-cost/release/canon,
which scripts/bench_table_cost.py builds), what the grown table costs per
copy apart from the other issues' stages; with that binary as --canon
and the default baseline, what those stages cost with the old table
(that binary is the code of the commit checked out when
bench_table_cost.py last ran, built as it was then). The current binary
is target/release/canon, brought up to date with `cargo build
--release`, or --canon. --baseline, --other and --aliases exclude one
another.

Corpora (from the benchmark corpus, ../shared/corpus/bench-mixed.jsonl by
default, or --corpus):

    bench   the benchmark corpus as it is (2.7 MB of text): what a user who
            runs canon over it once sees, start-up included
    mixed   the benchmark corpus repeated in whole copies until they hold
            --mb MB of text (10.9 MB for 10): its English, Chinese and web
            pages in their proportions; start-up is still part of `cpu`
            and `wall` there (see `copy` below)
    en, zh  the BBC and the PKU records, each repeated to --mb MB (the `en`
            and `zh` corpora of scripts/bench_compare.py)

Measures, per corpus and binary:

    copy    CPU time of one more copy of the corpus: `canon normalize -j1`
            over the corpus written twice in one file, less the CPU time
            over it once, in the same round. Start-up and one-time loads
            (the alias table, jieba's dictionary at the first Chinese
            record) cancel out: what a run over millions of articles pays
            per byte, by which the README judges issues #16 and #19.
    cpu     CPU time (user + system of the child) of `canon normalize -j1`,
            start-up included. The binaries compared start up at different
            costs (the first BBC and the first PKU record of the benchmark
            corpus: about 35 ms of CPU for 80f082e, 12 ms for the binary of
            the fifteenth session, bench/HISTORY.md), so on
            10 MB this ratio understates the current binary's cost per
            byte (×4: 1.13 against 1.22 per copy in that session).
    wall    wall time of `canon normalize` with its default worker count,
            start-up included

Each binary first runs once per corpus and measure untimed (for `copy`,
over both inputs), writing to a file, which must hold one record per
record read. Then come the timed rounds, output to /dev/null: the two
binaries one after the other, in the opposite order every other round, so
that slow spells of a shared machine fall on both alike. Reported: each
binary's median, and the median and quartiles (inclusive method) of the
per-round ratio current / baseline (below 1: the current binary, or the
large table, is faster), with the load average before and after. Exit
status: 0 when measured, 1 on any failure, 2 on a usage error.
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
    "copy": ("CPU time of one more copy, `normalize -j1`", ["-j1"]),
}
CORPORA = ("bench", "mixed", "en", "zh")


class Failure(Exception):
    """A failure reported as one line, without a traceback."""


def git_checked(*args: str) -> str:
    try:
        return bench_table_cost.git(*args)
    except subprocess.CalledProcessError as error:
        raise Failure(f"git {' '.join(args)}: {(error.stderr or '').strip() or error}") from None


def baseline_binary(commit: str, folder: Path) -> Path:
    """target/baseline/COMMIT/release/canon, built from `commit` in a
    worktree under `folder` unless it is there already."""
    try:
        full = git_checked("rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}").strip()
    except Failure:
        raise Failure(f"unknown commit {commit}") from None
    target = REPO / "target" / "baseline" / full[:12]
    binary = target / "release" / "canon"
    if binary.exists():
        bench_compare.log(f"baseline {commit}: {binary} (built before)")
        return binary
    # A worktree left by a run that was killed during its build.
    git_checked("worktree", "prune")
    worktree = folder / "baseline"
    git_checked("worktree", "add", "--detach", str(worktree), full)
    try:
        bench_table_cost.build(worktree, target)
    except subprocess.CalledProcessError as error:
        raise Failure(f"building {commit} failed ({error})") from None
    finally:
        git_checked("worktree", "remove", "--force", str(worktree))
    return binary


def current_binary(given: Path | None) -> Path:
    """--canon as given, or target/release/canon brought up to date."""
    if given is not None:
        if not given.exists():
            raise Failure(f"no canon binary at {given}")
        return given
    try:
        bench_compare.run_checked(["cargo", "build", "--release", "--quiet"], cwd=REPO)
    except subprocess.CalledProcessError as error:
        raise Failure(f"cargo build --release failed ({error})") from None
    return REPO / "target" / "release" / "canon"


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


def twice(path: Path, folder: Path, name: str) -> Path:
    """`path` written twice in one file under `folder`: the `copy`
    measure's second run."""
    doubled = folder / f"{name}-twice.jsonl"
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        data += b"\n"
    doubled.write_bytes(data + data)
    return doubled


def quartiles(values: list[float]) -> tuple[float, float, float]:
    """First quartile, median and third quartile, within the values."""
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def describe(binary: Path) -> str:
    try:
        return subprocess.run([str(binary), "--version"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "version unknown"


def measure(args: argparse.Namespace, measures: list[str], wanted: list[str]) -> None:
    canon = current_binary(args.canon)
    with tempfile.TemporaryDirectory(prefix="canon-baseline-") as tmp:
        folder = Path(tmp)
        # name -> (binary, arguments before the flags of the measure)
        if args.aliases is not None:
            if not args.aliases.exists():
                raise Failure(f"no alias table at {args.aliases}")
            runs = {"current": (canon, ["normalize", "--aliases", str(args.aliases)]),
                    "baseline": (canon, ["normalize"])}
            labels = (f"with {args.aliases.name}", "built-in table")
            head = f"{canon} ({describe(canon)}) with --aliases {args.aliases} against the built-in table"
        else:
            if args.other is not None:
                baseline, name = args.other, str(args.other)
            else:
                baseline, name = baseline_binary(args.baseline, folder), args.baseline
            runs = {"current": (canon, ["normalize"]), "baseline": (baseline, ["normalize"])}
            labels = ("current", name)
            head = (f"{canon} ({describe(canon)}, checkout at {git_checked('rev-parse', '--short', 'HEAD').strip()}) "
                    f"against {name} ({baseline}, {describe(baseline)})")
        made = corpora(args.corpus, folder, args.mb, wanted)
        out = folder / "out.jsonl"
        load = os.getloadavg()
        print(f"{head}; {args.rounds} timed rounds; load average {load[0]:.2f} at the start")
        print()
        print(f"| corpus | measure | {labels[0]}, median s | {labels[1]}, median s "
              f"| ratio: median (quartiles) |")
        print("| --- | --- | ---: | ---: | --- |")
        for name in wanted:
            path, records = made[name]
            for key in measures:
                label, flags = MEASURES[key]
                # (input, records it holds): the corpus, and for `copy` it twice.
                inputs = [(path, records)]
                if key == "copy":
                    inputs.append((twice(path, folder, name), 2 * records))
                for who, (binary, before) in runs.items():
                    for source, expected in inputs:
                        bench_compare.timed([str(binary), *before, *flags, "--quiet", str(source)],
                                            None, out)
                        written, _ = bench_compare.count_output(out)
                        if written != expected:
                            raise Failure(f"{labels[0] if who == 'current' else labels[1]} wrote "
                                          f"{written} of {expected} records of {source.name}")
                times: dict[str, list[float]] = {who: [] for who in runs}
                for round_ in range(args.rounds):
                    order = list(runs.items())
                    if round_ % 2:
                        order.reverse()
                    for who, (binary, before) in order:
                        spent = [bench_compare.timed([str(binary), *before, *flags, "--quiet", str(source)],
                                                     None, Path(os.devnull))
                                 for source, _ in inputs]
                        if key == "wall":
                            times[who].append(spent[0].wall)
                        elif key == "cpu":
                            times[who].append(spent[0].cpu)
                        else:
                            times[who].append(spent[1].cpu - spent[0].cpu)
                if min(times["baseline"]) <= 0:
                    raise Failure(f"{name}: the {labels[1]} run took no time to measure "
                                  f"({label}); give a larger --mb")
                ratios = [c / b for c, b in zip(times["current"], times["baseline"])]
                q1, median, q3 = quartiles(ratios)
                print(f"| {name} | {label} | {statistics.median(times['current']):.3f} | "
                      f"{statistics.median(times['baseline']):.3f} | "
                      f"{median:.2f} ({q1:.2f} to {q3:.2f}) |", flush=True)
        load = os.getloadavg()
        print()
        print(f"load average {load[0]:.2f} at the end")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    against = parser.add_mutually_exclusive_group()
    against.add_argument("--baseline",
                         help="the commit to compare with (default 80f082e, before issue #16)")
    against.add_argument("--other", type=Path,
                         help="instead of a baseline commit: this binary (such as the current code with "
                              "an older table, which scripts/bench_table_cost.py leaves in "
                              "target/table-cost/release/canon)")
    against.add_argument("--aliases", type=Path,
                         help="instead of a baseline commit: the current binary with this alias table "
                              "against the built-in table (issue #19)")
    parser.add_argument("--canon", type=Path,
                        help="the current binary (default target/release/canon, built if out of date)")
    parser.add_argument("--corpus", type=Path, default=bench_compare.DEFAULT_CORPUS)
    parser.add_argument("--mb", type=float, default=10.0,
                        help="MB of text of the repeated corpora (default 10)")
    parser.add_argument("--rounds", type=int, default=30,
                        help="timed rounds per corpus and measure (default 30)")
    parser.add_argument("--measures", default="copy,cpu,wall",
                        help="copy, cpu, wall, comma-separated (default all three)")
    parser.add_argument("--corpora", default=",".join(CORPORA),
                        help=f"which corpora, comma-separated (default {','.join(CORPORA)})")
    args = parser.parse_args()
    if args.baseline is None:
        args.baseline = "80f082e"
    if args.other is not None:
        if not args.other.is_file():
            parser.error(f"--other: no binary at {args.other}")
        # Run by its path, not looked up in PATH.
        args.other = args.other.resolve()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if not args.mb > 0:
        parser.error("--mb must be more than 0")
    measures = list(dict.fromkeys(m for m in args.measures.split(",") if m))
    unknown = [m for m in measures if m not in MEASURES]
    if unknown or not measures:
        parser.error(f"--measures: unknown {', '.join(unknown) or '(none given)'}; cpu, wall or copy")
    wanted = list(dict.fromkeys(c for c in args.corpora.split(",") if c))
    unknown = [c for c in wanted if c not in CORPORA]
    if unknown or not wanted:
        parser.error(f"--corpora: unknown {', '.join(unknown) or '(none given)'}; "
                     f"known: {', '.join(CORPORA)}")
    if not args.corpus.exists():
        print(f"bench_baseline: no benchmark corpus at {args.corpus} (give --corpus)", file=sys.stderr)
        return 1
    try:
        measure(args, measures, wanted)
    except (Failure, RuntimeError, OSError) as error:
        print(f"bench_baseline: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
