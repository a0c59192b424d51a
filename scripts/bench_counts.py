#!/usr/bin/env python3
"""Instruction, branch and cache-miss counts of canon against an earlier
canon, under cachegrind (Python 3.11+, standard library, valgrind).

    python3 scripts/bench_counts.py [--baseline 80f082e | --other PATH] [--canon PATH]
        [--corpus FILE] [--corpora en,zh] [--mb 2] [--i1 32768] [--ll 1048576] [--top 12]

Times of the same binary on a shared virtual machine vary by several
percent from run to run (the quartiles of twenty interleaved rounds of
scripts/bench_baseline.py lay 8 to 21% apart in the twelfth session,
bench/HISTORY.md), so a change of a percent or
less cannot be told from noise by timing. cachegrind counts instead: it
runs the program on a simulated processor and counts the instructions
executed (Ir), the conditional and indirect branches its predictor missed
(Bcm, Bim), and the misses of simulated caches: first-level instruction
and data caches (I1mr; D1mr and D1mw, reads and writes) and a last level
(ILmr, DLmr, DLmw). The caches are set here, not taken from the host (this
virtual machine reports a 320 MB last-level cache, which cachegrind would
simulate as 256 MB, direct-mapped): 32 KiB first-level caches of 8 ways
(`--i1` changes the instruction cache's size) and, as the last level, a
1 MiB cache of 8 ways (`--ll` changes its size), the L2 of each core of
the machine the twelfth session's figures come from (bench/HISTORY.md); a last-level
miss is then roughly a miss of that L2. Sizes must be powers of two.
Runs are made with address-space randomization off (`setarch -R`, where
util-linux has it): otherwise the heap lands elsewhere in every run, and
two runs of one binary on 2 MB of BBC news differed by up to 5% in
first-level and 18% in last-level data misses; with it, by up to 1% and
3% (what is left: the order of the reader's, worker's and writer's
turns), and by 0.1% or less in instructions, mispredicted branches and
instruction-cache misses, whatever else the machine is doing.

The counts are not time. A rough cost, `cycles`, weighs them as

    Ir + 15 * (Bcm + Bim) + 10 * (I1mr + D1mr + D1mw) + 50 * (ILmr + DLmr + DLmw)

and misses what cachegrind does not simulate: instructions that wait on
the one before (a walk from one trie slot to the next), the TLBs, the
branch target buffer, a real predictor. On 2 MB of BBC news 8f1dc9e
executes 0.90 times 80f082e's instructions with fewer first-level data
and last-level data misses, yet takes about 1.20 times its CPU time (on
10 MB), and a trial that cut the simulated instruction-cache misses by
63% and the mispredicted branches by 16% took the same time within the
noise (bench/HISTORY.md, twelfth session). Read the counts for where a
change lands (the functions listed) and which counts move, and time what
they suggest with scripts/bench_baseline.py.

Compared: the current binary (target/release/canon, brought up to date
with `cargo build --release`, or --canon) against --baseline COMMIT, built
whole as scripts/bench_baseline.py builds it (kept in
target/baseline/COMMIT/; the first build takes a few minutes), or against
the binary --other PATH. Corpora: those of scripts/bench_baseline.py, from
the benchmark corpus (../shared/corpus/bench-mixed.jsonl, or --corpus):

    en      the BBC records, repeated to --mb MB of text
    zh      the PKU records, repeated to --mb MB of text

Each binary runs `canon normalize -j1` once per corpus under cachegrind,
output to a file that must hold one record per record read. Reported: the
simulated caches, the totals of both binaries and their ratio current /
baseline, then the functions whose rough cost changed most. Exit status:
0 when measured, 1 on a failure (valgrind missing, a missing binary or
corpus, a failed build or run, a wrong record count), 2 on a usage error
(argparse's, and a size, count or corpus list out of range).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_baseline  # noqa: E402  (the builds, one-line failures)
import bench_compare  # noqa: E402  (the default corpus)

Failure = bench_baseline.Failure

# The weights of the rough cost (see the module docs).
WEIGHTS = {
    "Ir": 1,
    "Bcm": 15,
    "Bim": 15,
    "I1mr": 10,
    "D1mr": 10,
    "D1mw": 10,
    "ILmr": 50,
    "DLmr": 50,
    "DLmw": 50,
}
SHOWN = ("Ir", "Bcm", "I1mr", "D1mr", "D1mw", "DLmr", "DLmw")
# The corpora of scripts/bench_baseline.py this script measures.
CORPORA = ("en", "zh")
# Without address randomization the heap lands at the same addresses in
# every run, and so do the data-cache misses (see the module docs).
NO_ASLR = ["setarch", "-R"] if shutil.which("setarch") else []


def cycles(counts: dict[str, int]) -> int:
    """The rough cost of `counts` (event name to count)."""
    return sum(weight * counts.get(event, 0) for event, weight in WEIGHTS.items())


def parse(path: Path) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """The totals and the per-function counts of a cachegrind output file."""
    events: list[str] = []
    function = "?"
    per_function: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("fn="):
                function = line[3:].strip()
            elif line[:1].isdigit():
                values = line.split()[1:]
                counts = per_function[function]
                for event, value in zip(events, values):
                    counts[event] += int(value)
    if not events:
        raise Failure(f"{path}: not a cachegrind output file")
    totals: dict[str, int] = defaultdict(int)
    for counts in per_function.values():
        for event, value in counts.items():
            totals[event] += value
    return totals, per_function


def measure(canon: Path, corpus: Path, records: int, folder: Path, name: str,
            caches: list[str]):
    """cachegrind's counts of `canon normalize -j1` over `corpus`."""
    out_file = folder / f"{name}.cachegrind"
    log_file = folder / f"{name}.valgrind.log"
    output = folder / f"{name}.jsonl"
    command = [
        *NO_ASLR,
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=yes",
        "--branch-sim=yes",
        *caches,
        f"--cachegrind-out-file={out_file}",
        f"--log-file={log_file}",
        str(canon),
        "normalize",
        "-j1",
    ]
    with open(corpus, "rb") as stdin, open(output, "wb") as stdout:
        run = subprocess.run(command, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE)
    if run.returncode != 0:
        # canon's own message is on stderr; valgrind's went to its log.
        lines = run.stderr.decode(errors="replace").strip().splitlines()
        if not lines and log_file.exists():
            lines = [line for line in log_file.read_text(errors="replace").splitlines()
                     if "error" in line.lower()]
        raise Failure(f"{canon} under cachegrind failed (exit {run.returncode}): "
                      f"{lines[-1] if lines else 'no message'}")
    written = bench_baseline.records_in(output)
    if written != records:
        raise Failure(f"{canon}: {written} records written for {records} read")
    return parse(out_file)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--baseline",
        default="80f082e",
        help="the commit to compare with, built whole (default 80f082e, before issue #16)",
    )
    group.add_argument("--other", type=Path, help="instead of a commit: this canon binary")
    parser.add_argument(
        "--canon",
        type=Path,
        help="the current binary (default target/release/canon, built if out of date)",
    )
    parser.add_argument("--corpus", type=Path, default=bench_compare.DEFAULT_CORPUS,
                        help="the benchmark corpus (JSON Lines)")
    parser.add_argument("--corpora", default="en,zh", help="en, zh or both (default en,zh)")
    parser.add_argument("--mb", type=float, default=2.0, help="MB of text per corpus (default 2)")
    parser.add_argument("--i1", type=int, default=32768,
                        help="bytes of the simulated first-level instruction cache, a power of "
                             "two (default 32768)")
    parser.add_argument("--ll", type=int, default=1 << 20,
                        help="bytes of the simulated last-level cache, a power of two "
                             "(default 1048576)")
    parser.add_argument("--top", type=int, default=12, help="functions listed per corpus")
    args = parser.parse_args()
    if args.mb <= 0:
        parser.error("--mb must be above 0")
    if args.top < 0:
        parser.error("--top must be 0 or more")
    for name, size, ways in (("--i1", args.i1, 8), ("--ll", args.ll, 8)):
        # cachegrind wants a power of two of sets of `ways` 64-byte lines.
        if size < ways * 64 or size & (size - 1):
            parser.error(f"{name} must be a power of two of at least {ways * 64} bytes")
    corpora = [c.strip() for c in args.corpora.split(",") if c.strip()]
    if not corpora:
        parser.error("--corpora names no corpus (en, zh)")
    for corpus in corpora:
        if corpus not in CORPORA:
            parser.error(f"unknown corpus {corpus!r} (en, zh)")
    try:
        if shutil.which("valgrind") is None:
            raise Failure("valgrind is not installed (Debian: apt-get install valgrind)")
        if not args.corpus.exists():
            raise Failure(f"no benchmark corpus at {args.corpus}")
        if args.other is not None and not args.other.exists():
            raise Failure(f"no canon binary at {args.other}")
        caches = [f"--I1={args.i1},8,64", "--D1=32768,8,64", f"--LL={args.ll},8,64"]
        canon = bench_baseline.current_binary(args.canon)
        with tempfile.TemporaryDirectory(prefix="canon-counts-") as tmp:
            folder = Path(tmp)
            if args.other is not None:
                baseline, baseline_name = args.other, str(args.other)
            else:
                baseline = bench_baseline.baseline_binary(args.baseline, folder)
                baseline_name = args.baseline
            print(f"{canon} against {baseline_name} ({baseline}), `normalize -j1` under "
                  f"cachegrind with {' '.join(caches)}")
            built = bench_baseline.corpora(args.corpus, folder, args.mb, corpora)
            for corpus in corpora:
                path, records = built[corpus]
                current, current_fns = measure(canon, path, records, folder,
                                               f"current-{corpus}", caches)
                base, base_fns = measure(baseline, path, records, folder,
                                         f"baseline-{corpus}", caches)
                print(f"\n{corpus} ({records} records, {path.stat().st_size / 1e6:.1f} MB file)\n")
                print("| count | current | baseline | ratio |")
                print("| --- | ---: | ---: | ---: |")
                for event in (*SHOWN, "cycles"):
                    a = cycles(current) if event == "cycles" else current.get(event, 0)
                    b = cycles(base) if event == "cycles" else base.get(event, 0)
                    ratio = f"{a / b:.3f}" if b else "-"
                    print(f"| {event} | {a:,} | {b:,} | {ratio} |")
                if args.top == 0:
                    continue
                print(f"\nfunctions whose rough cost changed most (cycles, current - baseline; "
                      f"total {cycles(current) - cycles(base):+,}):\n")
                names = set(current_fns) | set(base_fns)
                change = {n: cycles(current_fns.get(n, {})) - cycles(base_fns.get(n, {}))
                          for n in names}
                for name in sorted(names, key=lambda n: -abs(change[n]))[: args.top]:
                    print(f"  {change[name]:+14,}  {name[:100]}")
    except Failure as failure:
        print(f"bench_counts: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
