#!/usr/bin/env python3
"""canon_nlp.Canon.analyze_batch against the CLI pipe on the same records.

    python scripts/bench_python.py [../shared/corpus/bench-mixed.jsonl] [--jobs 1 2] [--repeat 5] [--copies 4]

Needs canon_nlp installed (pip install ./python) and the CLI built
(cargo build --release, or CANON_BIN). Prints a Markdown table: for each
job count, the best of --repeat runs of

* `canon normalize --quiet --jobs N < FILE > /dev/null` (reads and writes
  JSON Lines, input fields passed through);
* `analyze_batch(texts, jobs=N)` (texts already in memory; records built as
  Python dicts);
* `analyze_batch_json(texts, jobs=N)` (records as JSON strings);

in records/s and MB/s of input text (UTF-8). A benchmark, not a test: the
numbers depend on the machine and its load.
"""

import argparse
import json
import os
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def best(runs, action):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(REPO.parent / "shared" / "corpus" / "bench-mixed.jsonl"))
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--copies", type=int, default=4, help="the corpus this many times over, so that start-up weighs less")
    args = parser.parse_args()

    from canon_nlp import Canon

    binary = os.environ.get("CANON_BIN", str(REPO / "target" / "release" / "canon"))
    data = Path(args.corpus).read_bytes() * args.copies
    texts = [json.loads(line)["text"] for line in data.splitlines() if line.strip()]
    text_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    canon = Canon()
    canon.analyze_batch(texts[:50])  # the dictionary loads on first use

    def cli(jobs):
        subprocess.run([binary, "normalize", "--quiet", "--jobs", str(jobs)], input=data, stdout=subprocess.DEVNULL, check=True)

    startup = best(args.repeat, lambda: subprocess.run([binary, "normalize", "--quiet"], input=b"", check=True))
    print(f"{len(texts)} records, {text_mb:.2f} MB of text, best of {args.repeat}; CLI start and exit on empty input: {startup * 1000:.0f} ms\n")
    print("| jobs | CLI pipe | analyze_batch | analyze_batch_json | analyze_batch / CLI |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for jobs in args.jobs:
        t_cli = best(args.repeat, lambda: cli(jobs))
        t_dict = best(args.repeat, lambda: canon.analyze_batch(texts, jobs))
        t_json = best(args.repeat, lambda: canon.analyze_batch_json(texts, jobs))
        cell = lambda t: f"{len(texts) / t:,.0f} rec/s, {text_mb / t:.1f} MB/s"
        print(f"| {jobs} | {cell(t_cli)} | {cell(t_dict)} | {cell(t_json)} | {t_cli / t_dict:.2f}× |")


if __name__ == "__main__":
    main()
