#!/usr/bin/env python3
"""canon_nlp.Canon.analyze_batch against the CLI pipe on the same records.

    python scripts/bench_python.py [../shared/corpus/bench-mixed.jsonl] [--jobs 1 2] [--repeat 5] [--copies 4] [--peers]

Needs canon_nlp installed (pip install ./python) and the CLI built
(cargo build --release, or CANON_BIN). Prints a Markdown table: for each
job count, the best of --repeat runs of

* `canon normalize --quiet --jobs N < FILE > /dev/null` (reads and writes
  JSON Lines, input fields passed through);
* `analyze_batch(texts, jobs=N)` (texts already in memory; records built as
  Python dicts);
* `analyze_batch_json(texts, jobs=N)` (records as JSON strings);

in records/s and MB/s of input text (UTF-8), by wall-clock time and by CPU
time (user + system, every thread: on a loaded machine the steadier of the
two). A benchmark, not a test: the numbers depend on the machine and its load.

--peers adds a second table, one thread, same texts in memory: what Python
users run today, each giving per text a dict of its tokens and entity
mentions (id, start, end), against analyze_batch(texts, jobs=1):

* jieba + flashtext: bench/peers/jieba_flashtext.py (the peer of
  scripts/bench_compare.py), its tokenizer and its flashtext processor loaded
  with every alias of data/aliases;
* rjieba + flashtext: the same with rjieba.cut (jieba-rs) for Han text.

The peers' versions are pinned in bench/requirements-python.txt.
"""

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def cpu_seconds():
    """User + system CPU seconds of this process and its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def best(runs, action):
    """(wall seconds, CPU seconds), each the best of `runs` runs of `action`."""
    walls, cpus = [], []
    for _ in range(runs):
        cpu = cpu_seconds()
        start = time.perf_counter()
        action()
        walls.append(time.perf_counter() - start)
        cpus.append(cpu_seconds() - cpu)
    return min(walls), min(cpus)


def peers(python_peer_path):
    """The peers' analyze functions (texts -> list of dicts), by name."""
    spec = importlib.util.spec_from_file_location("jieba_flashtext", python_peer_path)
    peer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(peer)
    import jieba
    import rjieba

    jieba.setLogLevel(60)
    jieba.initialize()
    processor = peer.load_aliases(peer.DEFAULT_ALIASES)

    def rjieba_tokenize(text):
        # bench/peers/jieba_flashtext.py's tokenize, with jieba-rs cutting.
        if peer.HAN.search(text):
            return [t.lower() for t in rjieba.cut(text, hmm=True) if peer.HAS_WORD_CHAR.search(t)]
        return peer.WORD.findall(text.lower())

    def run(tokenize):
        def analyze(texts):
            return [
                {
                    "tokens": tokenize(text),
                    "entities": [
                        {"id": entity, "start": start, "end": end}
                        for entity, start, end in processor.extract_keywords(text, span_info=True)
                    ],
                }
                for text in texts
            ]

        return analyze

    from importlib.metadata import version

    flashtext = f"flashtext {version('flashtext')}"
    return {
        f"jieba {version('jieba')} + {flashtext}": run(peer.tokenize),
        f"rjieba {version('rjieba')} + {flashtext}": run(rjieba_tokenize),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(REPO.parent / "shared" / "corpus" / "bench-mixed.jsonl"))
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--copies", type=int, default=4, help="the corpus this many times over, so that start-up weighs less")
    parser.add_argument("--peers", action="store_true", help="also time the Python peers (bench/requirements-python.txt), one thread")
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

    startup, startup_cpu = best(args.repeat, lambda: subprocess.run([binary, "normalize", "--quiet"], input=b"", check=True))
    print(f"{len(texts)} records, {text_mb:.2f} MB of text, best of {args.repeat}; CLI start and exit on empty input: {startup * 1000:.0f} ms, {startup_cpu * 1000:.0f} ms CPU\n")
    cell = lambda t: f"{len(texts) / t:,.0f} rec/s, {text_mb / t:.1f} MB/s"
    cpu_cell = lambda t: f"{len(texts) / t:,.0f} rec/s"
    print("| jobs | CLI pipe | analyze_batch | analyze_batch_json | analyze_batch / CLI | CPU time: CLI | analyze_batch | / CLI | / CLI less its start |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for jobs in args.jobs:
        (t_cli, c_cli) = best(args.repeat, lambda: cli(jobs))
        (t_dict, c_dict) = best(args.repeat, lambda: canon.analyze_batch(texts, jobs))
        (t_json, _) = best(args.repeat, lambda: canon.analyze_batch_json(texts, jobs))
        print(
            f"| {jobs} | {cell(t_cli)} | {cell(t_dict)} | {cell(t_json)} | {t_cli / t_dict:.2f}× "
            f"| {cpu_cell(c_cli)} | {cpu_cell(c_dict)} | {c_cli / c_dict:.2f}× | {(c_cli - startup_cpu) / c_dict:.2f}× |"
        )

    if args.peers:
        print("\nOne thread, texts in memory, per text a dict of tokens and entity mentions:\n")
        print("| tool | wall clock | CPU time | CPU time / canon_nlp's |")
        print("| --- | ---: | ---: | ---: |")
        (t_canon, c_canon) = best(args.repeat, lambda: canon.analyze_batch(texts, 1))
        print(f"| canon_nlp {canon_version()} `analyze_batch(texts, jobs=1)` | {cell(t_canon)} | {cpu_cell(c_canon)} | 1.00× |")
        for name, analyze in peers(REPO / "bench" / "peers" / "jieba_flashtext.py").items():
            analyze(texts[:50])  # warm: dictionaries loaded, regexes compiled
            (t_peer, c_peer) = best(args.repeat, lambda: analyze(texts))
            print(f"| {name} | {cell(t_peer)} | {cpu_cell(c_peer)} | {c_peer / c_canon:.2f}× |")


def canon_version():
    import canon_nlp

    return canon_nlp.__version__


if __name__ == "__main__":
    main()
