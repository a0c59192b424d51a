#!/usr/bin/env python3
"""Peak memory of `canon normalize` on huge records (Python 3.9+, standard library).

    python3 scripts/bench_memory.py [--canon PATH] [--sizes 10,30,60] [--jobs 1,2]
                                    [--records 4] [--langs en,zh] [--out FILE]

For each language, record size S (MiB of UTF-8 text) and job count J, a JSON
Lines file of --records records of S MiB each is normalized with
`canon normalize FILE --jobs J --quiet -o /dev/null`, and the peak resident
memory of the process (GNU time's %M) is taken. Also measured: one
plain-text file of S MiB without a newline (the whole file is one record),
and the same JSON Lines file with `--max-bytes` below S and `--rejects`
(every record rejected: what a reject costs).

The text is built from the benchmark corpus (../shared/corpus/bench-mixed.jsonl:
BBC news for en, PKU news for zh) when it exists, else from a built-in
English/Chinese pattern, repeated until the record reaches S MiB. Digits are
left out of the Chinese text: joining numbers with their units (2001年) is
still quadratic in the tokens of a record (issue 12, linear time), which
would make a 10 MiB record take hours; this script measures memory.

The report gives, for each run, the peak RSS, the baseline (canon on a
one-line input) and the bytes per byte of record held per in-flight record:

    factor = (peak - baseline) / (S * in_flight),   in_flight = min(J, records)

Target (issue 12): factor <= 8. At -j2 two records are analyzed at once and
one more is read, so the factor counts the reader's record too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "bench-mixed.jsonl"
SOURCES = {"en": "bbc", "zh": "sighan-pku"}
FALLBACK = {
    "en": "Moonshot AI shipped a new model on Tuesday, and DeepSeek's rival rose 10%. ",
    "zh": "月之暗面今天发布了新的大模型，字节跳动和阿里巴巴也在加快研发。",
}
MIB = 1 << 20
TIME = "/usr/bin/time"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def peak_rss(cmd: list[str]) -> tuple[int, int]:
    """Runs `cmd` under GNU time; returns (exit status, peak RSS in bytes).

    Not wait4's ru_maxrss: Linux carries the high-water RSS of the process
    that execs into the new program, so a child of this (large) Python
    process would report at least Python's own size.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        with open(os.devnull, "wb") as null:
            subprocess.run([TIME, "-f", "%x %M", "-o", report.name, *cmd],
                           stdin=subprocess.DEVNULL, stdout=null, stderr=null)
        status, kib = report.read().split()[-2:]
    return int(status), int(kib) * 1024


def text_of(lang: str, corpus: Path) -> str:
    pieces: list[str] = []
    if corpus.exists():
        with corpus.open(encoding="utf-8") as f:
            for line in f:
                record = json.loads(line)
                if record.get("source") == SOURCES[lang]:
                    pieces.append(record["text"])
                if sum(map(len, pieces)) > 2 * MIB:
                    break
    if not pieces:
        log(f"bench_memory: {corpus} has no {lang} text; using a built-in pattern")
        pieces = [FALLBACK[lang]]
    text = "\n\n".join(pieces)
    if lang == "zh":
        text = "".join(c for c in text if not c.isdigit() and c not in "〇一二三四五六七八九十百千万亿○")
    return text


def record_text(seed: str, size_bytes: int) -> str:
    """`seed` repeated to exactly `size_bytes` bytes of UTF-8 (cut at a character)."""
    encoded = seed.encode("utf-8")
    repeated = encoded * (size_bytes // len(encoded) + 1)
    return repeated[:size_bytes].decode("utf-8", "ignore")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--canon", type=Path, default=REPO / "target" / "release" / "canon")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--sizes", default="10,30,60", help="record sizes in MiB")
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--records", type=int, default=4)
    parser.add_argument("--langs", default="en,zh")
    parser.add_argument("--out", type=Path, help="also write the Markdown report here")
    args = parser.parse_args()
    if not args.canon.exists():
        sys.exit(f"bench_memory: no canon binary at {args.canon} (cargo build --release)")
    if not Path(TIME).exists():
        sys.exit(f"bench_memory: needs GNU time at {TIME} (apt-get install time)")
    canon = str(args.canon)
    sizes = [int(s) for s in args.sizes.split(",")]
    jobs_list = [int(j) for j in args.jobs.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tiny = folder / "tiny.jsonl"
        tiny.write_text('{"text":"Moonshot AI 月之暗面"}\n', encoding="utf-8")
        for lang in args.langs.split(","):
            seed = text_of(lang, args.corpus)
            _, baseline = peak_rss([canon, "normalize", "--quiet", str(tiny), "-o", "/dev/null"])
            for size in sizes:
                text = record_text(seed, size * MIB)
                jsonl = folder / f"{lang}-{size}.jsonl"
                with jsonl.open("w", encoding="utf-8") as f:
                    for i in range(args.records):
                        f.write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")
                plain = folder / f"{lang}-{size}.txt"
                plain.write_text(text.replace("\n", " "), encoding="utf-8")
                del text
                cases = []
                for jobs in jobs_list:
                    cases.append((f"jsonl x{args.records}", jobs, min(jobs, args.records),
                                  [str(jsonl), "--jobs", str(jobs)]))
                cases.append(("plain text", 1, 1, [str(plain), "--jobs", "1"]))
                cases.append((f"rejected x{args.records}", max(jobs_list), 0,
                               [str(jsonl), "--jobs", str(max(jobs_list)), "--max-bytes",
                                str(size * MIB // 2), "--rejects", "/dev/null"]))
                for label, jobs, in_flight, extra in cases:
                    cmd = [canon, "normalize", "--quiet", "-o", "/dev/null", *extra]
                    log("$ " + " ".join(cmd))
                    status, peak = peak_rss(cmd)
                    factor = (peak - baseline) / (size * MIB * in_flight) if in_flight else None
                    rows.append((lang, size, label, jobs, status, peak, baseline, factor))
                    log(f"  status {status}, peak {peak / MIB:.0f} MiB"
                        + (f", factor {factor:.1f}" if factor is not None else ""))
                jsonl.unlink()
                plain.unlink()
    lines = [
        f"canon: {canon}",
        "",
        "| lang | record MiB | input | jobs | exit | peak RSS MiB | baseline MiB | bytes per record byte in flight |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for lang, size, label, jobs, status, peak, baseline, factor in rows:
        shown = f"{factor:.1f}" if factor is not None else "—"
        lines.append(f"| {lang} | {size} | {label} | {jobs} | {status} | {peak / MIB:.0f} "
                     f"| {baseline / MIB:.0f} | {shown} |")
    report = "\n".join(lines)
    print(report)
    if args.out:
        args.out.write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
