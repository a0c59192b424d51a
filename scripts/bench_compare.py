#!/usr/bin/env python3
"""End-to-end throughput of canon against two peers (Python 3.11+, standard library).

    python3 scripts/bench_compare.py [--canon PATH] [--mb 30] [--runs 3] [--out FILE]

Tools, each reading JSON Lines and writing JSON Lines to a file:

    canon -j1     canon normalize FILE --jobs 1 --quiet
    canon -j2     canon normalize FILE --jobs 2 --quiet
    charabia      bench/peers/charabia (Meilisearch's tokenizer; built here if needed)
    python        bench/peers/jieba_flashtext.py (jieba + regex + flashtext, in a venv
                  with jieba and flashtext, created here if needed)

Corpora, built in a temporary folder from the benchmark corpus
(/work/shared/corpus/bench-mixed.jsonl by default, or --corpus):

    en            the `bbc` records, repeated until their text reaches --mb MB
    zh            the `sighan-pku` records, repeated likewise
    en-sentences  the `bbc` articles split into sentences, one record each,
                  repeated until there are --sentences records (50,000)
    en-tiny       the first 30 bytes of each of those sentences, cut after the
                  last whole word, until there are --tiny records (1,000,000)

Sentences end at line breaks and after `.`, `!` or `?` followed by
whitespace and a capital letter or a quote (as in benches/stages.rs); they
are made at run time and never stored.

MB means 10^6 bytes of UTF-8 text in the records' `text` fields (not of the
JSON Lines file). Each tool runs --runs times per corpus and the fastest run is
reported; runs go round-robin over the tools (run 1 of each, then run 2,
...), so that slow spells of a shared machine fall on every tool alike.
Also measured: `canon alias lookup 月之暗面`, median of --lookup-runs.

The Markdown report (also written to --out) ends with PASS/MISS for the
performance targets:

    zh: canon -j1 >= 15 MB/s and >= 5x charabia
    en: canon -j1 >= 40 MB/s and >= 2x charabia
    canon -j2 >= 1.8x canon -j1 (en and zh)
    en-sentences: canon -j1 >= 2x charabia
    en-tiny: canon -j2 >= 200,000 records/s
    alias lookup < 50 ms

Timings are wall-clock; the report also gives CPU seconds (user + system of
the child) and peak memory, and the load average before and after, because on
a shared machine wall-clock time includes waiting for a core.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PEERS = REPO / "bench" / "peers"
CHARABIA_DIR = PEERS / "charabia"
CHARABIA_BIN = CHARABIA_DIR / "target" / "release" / "charabia-peer"
PYTHON_PEER = PEERS / "jieba_flashtext.py"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "bench-mixed.jsonl"
DEFAULT_VENV = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "canon-bench" / "venv"
LOOKUP_NAME = "月之暗面"

CORPORA = {"en": "bbc", "zh": "sighan-pku"}
# Short-record corpora: name -> (source, bytes each record keeps or None).
SHORT_CORPORA = {"en-sentences": ("bbc", None), "en-tiny": ("bbc", 30)}
ALL_CORPORA = [*CORPORA, *SHORT_CORPORA]
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
TOOLS = ["canon -j1", "canon -j2", "charabia", "python"]


@dataclass
class Run:
    wall: float
    cpu: float
    max_rss_mb: float


@dataclass
class Result:
    corpus: str
    tool: str
    mb: float
    records_in: int = 0
    runs: list[Run] = field(default_factory=list)
    records_out: int = 0
    tokens_out: int = 0
    error: str | None = None

    @property
    def best(self) -> Run | None:
        return min(self.runs, key=lambda r: r.wall) if self.runs else None

    @property
    def mbps(self) -> float | None:
        best = self.best
        return self.mb / best.wall if best else None

    @property
    def records_per_s(self) -> float | None:
        best = self.best
        return self.records_in / best.wall if best else None

    @property
    def mb_per_cpu_s(self) -> float | None:
        """MB per CPU second of the run that used least CPU: for a one-thread
        tool, its speed on a core of its own, whatever else the machine ran."""
        cpu = min((r.cpu for r in self.runs), default=None)
        return self.mb / cpu if cpu else None


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_checked(cmd: list[str], **kwargs) -> None:
    log("$ " + " ".join(str(c) for c in cmd))
    subprocess.run(cmd, check=True, **kwargs)


# --- setup ---------------------------------------------------------------


def ensure_venv(venv: Path) -> Path:
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import jieba, flashtext"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    if not python.exists():
        run_checked([sys.executable, "-m", "venv", str(venv)])
    run_checked([str(python), "-m", "pip", "install", "--quiet", "jieba", "flashtext"])
    return python


def ensure_charabia() -> Path:
    # A no-op when the build is up to date.
    run_checked(["cargo", "build", "--release", "--quiet"], cwd=CHARABIA_DIR)
    return CHARABIA_BIN


def ensure_canon(path: Path | None) -> Path:
    if path is not None:
        if not path.exists():
            sys.exit(f"bench_compare: no canon binary at {path}")
        return path
    run_checked(["cargo", "build", "--release", "--quiet"], cwd=REPO)
    return REPO / "target" / "release" / "canon"


def sentences(text: str) -> list[str]:
    """The sentences of `text`, as benches/stages.rs cuts them."""
    out = []
    for line in text.splitlines():
        out.extend(part.strip() for part in SENTENCE_END.split(line))
    return [s for s in out if s]


def head(sentence: str, limit: int) -> str:
    """The first `limit` bytes of `sentence`, cut after the last whole word."""
    data = sentence.encode("utf-8")
    if len(data) <= limit:
        return sentence
    cut = data[:limit].decode("utf-8", "ignore")
    space = cut.rfind(" ")
    return cut[:space] if space > 0 else cut


def build_short_corpus(records: list[dict], path: Path, keep: int | None, count: int) -> tuple[float, int]:
    """Writes `count` short records made from `records`; returns (MB of text, records)."""
    pieces = [s if keep is None else head(s, keep)
              for record in records for s in sentences(record.get("text", ""))]
    text_bytes = 0
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            piece = pieces[n % len(pieces)]
            out.write(json.dumps({"id": f"s{n}", "text": piece}, ensure_ascii=False) + "\n")
            text_bytes += len(piece.encode("utf-8"))
    return text_bytes / 1e6, count


def build_corpora(corpus: Path, folder: Path, mb: float, short_counts: dict[str, int],
                  wanted: list[str]) -> dict[str, tuple[Path, float, int]]:
    """Writes NAME.jsonl for each wanted corpus; returns name -> (path, MB of text, records)."""
    by_source: dict[str, list[dict]] = {source: [] for source in CORPORA.values()}
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                if record.get("source") in by_source:
                    by_source[record["source"]].append(record)
    target = int(mb * 1e6)
    built = {}
    for name, (source, keep) in SHORT_CORPORA.items():
        if name not in wanted:
            continue
        path = folder / f"{name}.jsonl"
        text_mb, count = build_short_corpus(by_source[source], path, keep, short_counts[name])
        built[name] = (path, text_mb, count)
        log(f"corpus {name}: {count} records, {text_mb:.1f} MB of text, "
            f"{path.stat().st_size / 1e6:.1f} MB file")
    for name, source in CORPORA.items():
        if name not in wanted:
            continue
        records = by_source[source]
        if not records:
            sys.exit(f"bench_compare: no records with source {source!r} in {corpus}")
        path = folder / f"{name}.jsonl"
        text_bytes = 0
        count = 0
        with path.open("w", encoding="utf-8") as out:
            copy = 0
            while text_bytes < target:
                for record in records:
                    if text_bytes >= target:
                        break
                    line = dict(record, id=f"{record.get('id')}#{copy}")
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")
                    text_bytes += len(record.get("text", "").encode("utf-8"))
                    count += 1
                copy += 1
        built[name] = (path, text_bytes / 1e6, count)
        log(f"corpus {name}: {count} records, {text_bytes / 1e6:.1f} MB of text, "
            f"{path.stat().st_size / 1e6:.1f} MB file")
    return built


# --- measuring -----------------------------------------------------------


def timed(cmd: list[str], stdin: Path | None, stdout: Path) -> Run:
    """Runs cmd to completion; wall time, child CPU time and peak RSS."""
    with (
        open(stdin or os.devnull, "rb") as source,
        open(stdout, "wb") as sink,
        tempfile.TemporaryFile() as errors,
    ):
        start = time.perf_counter()
        process = subprocess.Popen(cmd, stdin=source, stdout=sink, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = code = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        message = errors.read().decode("utf-8", "replace").strip()[-500:]
    if code != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {code}: {message}")
    # ru_maxrss is in KiB on Linux.
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def count_output(path: Path) -> tuple[int, int]:
    records = tokens = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                records += 1
                tokens += len(json.loads(line).get("tokens") or [])
    return records, tokens


def commands(tool: str, canon: Path, charabia: Path, python: Path, corpus: Path,
             aliases: Path | None):
    """(argv, stdin file) for `tool` on `corpus`."""
    canon_aliases = ["--aliases", str(aliases)] if aliases else []
    if tool in ("canon -j1", "canon -j2"):
        jobs = tool[-1]
        return [str(canon), "normalize", str(corpus), "--jobs", jobs, "--quiet", *canon_aliases], None
    if tool == "charabia":
        return [str(charabia)], corpus
    if tool == "python":
        return [str(python), str(PYTHON_PEER), *(["--aliases", str(aliases)] if aliases else [])], corpus
    raise ValueError(tool)


def measure_lookup(canon: Path, runs: int, aliases: Path | None) -> list[float]:
    cmd = [str(canon), "alias", "lookup", LOOKUP_NAME, *(["--aliases", str(aliases)] if aliases else [])]
    subprocess.run(cmd, capture_output=True, check=True)  # warm the page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return times


# --- report --------------------------------------------------------------


def fmt(value: float | None, digits: int = 2, suffix: str = "") -> str:
    return "—" if value is None else f"{value:.{digits}f}{suffix}"


def report(results: list[Result], lookup: list[float], header: list[str]) -> str:
    lines = list(header)
    lines += [
        "",
        "| corpus | tool | MB | records | seconds | MB/s | records/s | canon -j1 speed-up | -j2/-j1 | CPU s | MB/CPU-s | peak RSS MB | tokens/record |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    by_key = {(r.corpus, r.tool): r for r in results}
    for r in results:
        base = by_key.get((r.corpus, "canon -j1"))
        speedup = scaling = None
        if r.error is None and base and base.mbps and r.mbps:
            if not r.tool.startswith("canon"):
                speedup = base.mbps / r.mbps
            elif r.tool == "canon -j2":
                scaling = r.mbps / base.mbps
        best = r.best
        if r.error:
            lines.append(f"| {r.corpus} | {r.tool} | {r.mb:.1f} | {r.records_in} | failed: {r.error[:80]} | | | | | | | | |")
            continue
        per_record = r.tokens_out / r.records_out if r.records_out else None
        lines.append(
            f"| {r.corpus} | {r.tool} | {r.mb:.1f} | {r.records_in} | {fmt(best.wall)} | {fmt(r.mbps, 1)} "
            f"| {fmt(r.records_per_s, 0)} "
            f"| {fmt(speedup, 2, 'x')} | {fmt(scaling, 2, 'x')} | {fmt(best.cpu)} "
            f"| {fmt(r.mb_per_cpu_s, 1)} | {fmt(best.max_rss_mb, 0)} | {fmt(per_record, 0)} |"
        )
    if lookup:
        lines += [
            "",
            f"`canon alias lookup {LOOKUP_NAME}`: median {statistics.median(lookup) * 1000:.1f} ms, "
            f"min {min(lookup) * 1000:.1f} ms, max {max(lookup) * 1000:.1f} ms over {len(lookup)} runs.",
        ]

    def speed(corpus: str, tool: str, on_cpu: bool = False) -> float | None:
        r = by_key.get((corpus, tool))
        if r is None or r.error is not None:
            return None
        return r.mb_per_cpu_s if on_cpu else r.mbps

    def records_per_s(corpus: str, tool: str) -> float | None:
        r = by_key.get((corpus, tool))
        return None if r is None or r.error is not None else r.records_per_s

    def verdict(value: float | None, ok) -> str:
        return "n/a" if value is None else ("PASS" if ok(value) else "MISS")

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a and b else None

    # Each target judged on wall-clock speed (the target's own terms) and, where
    # it means something, on CPU time, which load on the machine does not inflate.
    rows = []
    for corpus, floor, factor in [("zh", 15, 5), ("en", 40, 2)]:
        wall, cpu = speed(corpus, "canon -j1"), speed(corpus, "canon -j1", True)
        rows.append((f"{corpus}: canon -j1 >= {floor} MB/s",
                     wall, cpu, lambda v, f=floor: v >= f, " MB/s", 1))
        wall_ratio = ratio(wall, speed(corpus, "charabia"))
        cpu_ratio = ratio(cpu, speed(corpus, "charabia", True))
        rows.append((f"{corpus}: canon -j1 >= {factor}x charabia",
                     wall_ratio, cpu_ratio, lambda v, f=factor: v >= f, "x", 2))
    for corpus in CORPORA:
        scaling = ratio(speed(corpus, "canon -j2"), speed(corpus, "canon -j1"))
        rows.append((f"{corpus}: canon -j2 >= 1.8x canon -j1", scaling, None,
                     lambda v: v >= 1.8, "x", 2))
    rows.append(("en-sentences: canon -j1 >= 2x charabia",
                 ratio(speed("en-sentences", "canon -j1"), speed("en-sentences", "charabia")),
                 ratio(speed("en-sentences", "canon -j1", True), speed("en-sentences", "charabia", True)),
                 lambda v: v >= 2, "x", 2))
    rows.append(("en-tiny: canon -j2 >= 200,000 records/s", records_per_s("en-tiny", "canon -j2"), None,
                 lambda v: v >= 200_000, " records/s", 0))
    median = statistics.median(lookup) * 1000 if lookup else None
    rows.append(("alias lookup median < 50 ms", median, None, lambda v: v < 50, " ms", 1))

    lines += ["", "| target | wall clock | on CPU time |", "| --- | --- | --- |"]
    for label, wall, cpu, ok, unit, digits in rows:
        on_cpu = "—" if cpu is None else f"{verdict(cpu, ok)} ({fmt(cpu, digits, unit)})"
        lines.append(f"| {label} | {verdict(wall, ok)} ({fmt(wall, digits, unit)}) | {on_cpu} |")
    return "\n".join(lines) + "\n"


def version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[2:]),
    )
    parser.add_argument("--canon", type=Path, help="canon binary (default: build target/release/canon)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="benchmark corpus (JSON Lines)")
    parser.add_argument("--mb", type=float, default=30, help="MB of text per corpus (default 30)")
    parser.add_argument("--runs", type=int, default=3, help="runs per tool and corpus, best kept (default 3)")
    parser.add_argument("--lookup-runs", type=int, default=20, help="alias lookup runs (default 20)")
    parser.add_argument("--tools", default=",".join(TOOLS),
                        help=f"comma-separated subset of: {', '.join(TOOLS)}")
    parser.add_argument("--corpora", default=",".join(ALL_CORPORA),
                        help=f"comma-separated subset of: {', '.join(ALL_CORPORA)} (default: all)")
    parser.add_argument("--sentences", type=int, default=50_000,
                        help="records of the en-sentences corpus (default 50,000)")
    parser.add_argument("--tiny", type=int, default=1_000_000,
                        help="records of the en-tiny corpus (default 1,000,000)")
    parser.add_argument("--aliases", type=Path,
                        help="extra alias table given to canon (--aliases) and to the Python peer "
                             "(default: canon's built-in table; the Python peer reads data/aliases/)")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV,
                        help=f"virtual environment for the Python peer (default {DEFAULT_VENV})")
    parser.add_argument("--workdir", type=Path, help="keep corpora and outputs here (default: a temp dir, removed)")
    parser.add_argument("--out", type=Path, help="also write the Markdown report here")
    parser.add_argument("--json", type=Path, help="also write every run's timings here (JSON)")
    args = parser.parse_args()

    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    corpora = [c.strip() for c in args.corpora.split(",") if c.strip()]
    for tool in tools:
        if tool not in TOOLS:
            parser.error(f"unknown tool {tool!r}")
    for corpus in corpora:
        if corpus not in ALL_CORPORA:
            parser.error(f"unknown corpus {corpus!r}")
    if not args.corpus.exists():
        parser.error(f"no corpus at {args.corpus}")

    canon = ensure_canon(args.canon)
    charabia = ensure_charabia() if "charabia" in tools else CHARABIA_BIN
    python = ensure_venv(args.venv) if "python" in tools else Path(sys.executable)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="canon-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        load_before = os.getloadavg()
        started = datetime.datetime.now().astimezone()
        built = build_corpora(args.corpus, workdir, args.mb,
                              {"en-sentences": args.sentences, "en-tiny": args.tiny}, corpora)
        results = []
        for corpus in corpora:
            path, mb, records_in = built[corpus]
            corpus_results = [Result(corpus, tool, mb, records_in) for tool in tools]
            results.extend(corpus_results)
            outputs = {tool: workdir / f"out-{corpus}-{tool.replace(' ', '')}.jsonl" for tool in tools}
            # Round-robin: run 1 of every tool, then run 2, ... A shared
            # machine has slow and fast spells; interleaving lets them fall on
            # every tool alike instead of on whichever ran at the time, which
            # matters most for ratios such as -j2/-j1.
            for attempt in range(args.runs):
                for tool, result in zip(tools, corpus_results):
                    if result.error is not None:
                        continue
                    cmd, stdin = commands(tool, canon, charabia, python, path, args.aliases)
                    try:
                        run = timed(cmd, stdin, outputs[tool])
                    except RuntimeError as error:
                        result.error = str(error)
                        log(f"{corpus} {tool}: FAILED: {error}")
                        continue
                    result.runs.append(run)
                    log(f"{corpus} {tool} run {attempt + 1}: {run.wall:.2f} s wall, "
                        f"{run.cpu:.2f} s CPU, {mb / run.wall:.1f} MB/s, "
                        f"{records_in / run.wall:,.0f} records/s")
            for tool, result in zip(tools, corpus_results):
                if result.error is None:
                    result.records_out, result.tokens_out = count_output(outputs[tool])
                outputs[tool].unlink(missing_ok=True)
        lookup = measure_lookup(canon, args.lookup_runs, args.aliases) if args.lookup_runs > 0 else []
        load_after = os.getloadavg()
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)

    header = [
        f"## canon vs peers, {started:%Y-%m-%d %H:%M %Z}",
        "",
        f"* machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()} {platform.release()}; "
        f"load average (1/5/15 min) before {' '.join(f'{x:.2f}' for x in load_before)}, "
        f"after {' '.join(f'{x:.2f}' for x in load_after)}",
        f"* canon: `{canon}` ({version([str(canon), '--version'])}), alias table: "
        f"{table_summary(canon, args.aliases)}",
        f"* charabia peer: charabia {charabia_version()} (features: see bench/README.md)",
        f"* python peer: {version([str(python), '--version'])}, jieba + flashtext",
        f"* best of {args.runs} runs (wall clock); MB = 10^6 bytes of `text`; "
        "speed-up = canon -j1 MB/s / tool MB/s; MB/CPU-s = MB / least CPU seconds of a run "
        "(user + system; for one-thread tools, the speed on an idle core)",
    ]
    text = report(results, lookup, header)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if args.json:
        raw = {
            "started": started.isoformat(),
            "load_before": load_before,
            "load_after": load_after,
            "canon": str(canon),
            "lookup_seconds": lookup,
            "results": [
                {"corpus": r.corpus, "tool": r.tool, "mb": r.mb, "records_in": r.records_in,
                 "error": r.error,
                 "records_out": r.records_out, "tokens_out": r.tokens_out,
                 "runs": [vars(run) for run in r.runs]}
                for r in results
            ],
        }
        args.json.write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")
    return 0


def table_summary(canon: Path, aliases: Path | None) -> str:
    """Entity count of the table canon uses, and the Python peer's table."""
    cmd = [str(canon), "alias", "list", *(["--aliases", str(aliases)] if aliases else [])]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        entities = f"{len(out.stdout.splitlines())} entities"
    except (OSError, subprocess.SubprocessError):
        entities = "?"
    extra = f"built-in + {aliases}" if aliases else "built-in"
    python = aliases or PYTHON_PEER.parents[2] / "data" / "aliases"
    return f"{extra} ({entities}); Python peer: {python}"


def charabia_version() -> str:
    lock = CHARABIA_DIR / "Cargo.lock"
    try:
        lines = lock.read_text().splitlines()
    except OSError:
        return "?"
    for i, line in enumerate(lines):
        if line == 'name = "charabia"' and i + 1 < len(lines):
            return lines[i + 1].split('"')[1]
    return "?"


if __name__ == "__main__":
    sys.exit(main())
