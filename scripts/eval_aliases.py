#!/usr/bin/env python3
"""Labelled evaluation of canon's alias matching (standard library only, Python 3.11+).

    python3 scripts/eval_aliases.py build
        Compile data/eval/aliases-labelled.src.txt into data/eval/aliases-labelled.jsonl.

    python3 scripts/eval_aliases.py score [--canon PATH] [--aliases FILE ...]
        Run `canon normalize data/eval/aliases-labelled.jsonl` (default binary:
        target/release/canon; nothing is built) and compare its entities with the
        gold labels by exact (id, start, end).  Prints precision / recall / F1 and
        false hits on traps per language, lists every miss and false hit, and exits
        non-zero when overall recall < 0.97 or trap false hits > 1 per 100 traps.

Source format (one sentence per line):

    en | [[moonshot-ai|Moonshot]]’s [[kimi|Kimi]] ... an {{apple}} pie
    zh-Hans | ...        zh-Hant | ...        # comment

`[[id|surface]]` is a gold mention, `{{surface}}` a trap (an alias used as a common
word, which must not be matched), `\\u{200B}` an escaped code point.  Offsets are
Unicode code points into the decoded text, so in Python text[start:end] == surface.

Scoring rules:
  * a prediction is a true positive when (id, start, end) equals a gold mention;
  * predictions whose id is not in KNOWN_IDS cannot be judged (the gold set only
    labels KNOWN_IDS) and are listed separately, not counted in precision, unless
    --strict-ids is given;
  * a trap is hit when any prediction overlaps its span, except a prediction with
    an unknown id whose span strictly contains the trap (for example a separate
    "George Washington" entity covering the trap "Washington");
  * a record missing from canon's output counts all its gold mentions as misses.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "data" / "eval" / "aliases-labelled.src.txt"
OUT = ROOT / "data" / "eval" / "aliases-labelled.jsonl"
DEFAULT_CANON = ROOT / "target" / "release" / "canon"

LANGS = ("en", "zh-Hans", "zh-Hant")
MIN_RECALL = 0.97
MAX_TRAP_HITS_PER_100 = 1.0

# Entity ids the default alias table is guaranteed to contain.  Gold labels use
# only these ids.
KNOWN_IDS = frozenset(
    """
    deepseek moonshot-ai kimi minimax alibaba qwen bytedance bytedance-seed xiaomi
    google apple anthropic claude openai github interconnected-capital scale-ai
    surge-ai nvidia huawei kucoin gate binance chainthink amazon spacex ethereum
    tencent baidu microsoft meta tsmc samsung intel amd zhipu-ai stepfun iflytek
    sensetime chatgpt gemini llama doubao ernie hunyuan tesla coinbase okx bitcoin
    kevin-s-xu sebastian-mallaby donald-trump united-states china washington
    missouri strait-of-hormuz elon-musk sam-altman jensen-huang xi-jinping joe-biden
    japan taiwan hong-kong beijing shanghai shenzhen hangzhou new-york london tokyo
    singapore european-union united-kingdom russia india liang-wenfeng yang-zhilin
    lei-jun jack-ma dario-amodei tsinghua-university peking-university
    stanford-university mit
    us-federal-government us-commerce-department japanese-government
    chinese-government beijing-government hm-treasury
    """.split()
)

LINE_RE = re.compile(r"^(en|zh-Hans|zh-Hant) \| (.+)$")
ESCAPE_RE = re.compile(r"\\u\{([0-9A-Fa-f]{1,6})\}")
MARKUP_RE = re.compile(r"\[\[([^\[\]|]+)\|([^\[\]]+?)\]\]|\{\{([^{}]+?)\}\}")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class SourceError(Exception):
    pass


# --------------------------------------------------------------------------- build


def parse_line(raw: str, where: str) -> tuple[str, str, list[dict], list[dict]]:
    m = LINE_RE.match(raw)
    if not m:
        raise SourceError(f"{where}: expected `en | ...`, `zh-Hans | ...` or `zh-Hant | ...`")
    lang, body = m.group(1), m.group(2)
    body = ESCAPE_RE.sub(lambda e: chr(int(e.group(1), 16)), body)

    text_parts: list[str] = []
    pos = 0  # code points emitted so far
    gold: list[dict] = []
    traps: list[dict] = []
    last = 0
    for mm in MARKUP_RE.finditer(body):
        plain = body[last : mm.start()]
        text_parts.append(plain)
        pos += len(plain)
        if mm.group(1) is not None:
            ent_id, surface = mm.group(1).strip(), mm.group(2)
            if not ID_RE.match(ent_id):
                raise SourceError(f"{where}: malformed entity id {ent_id!r}")
            if ent_id not in KNOWN_IDS:
                raise SourceError(f"{where}: id {ent_id!r} is not in KNOWN_IDS")
            gold.append({"id": ent_id, "surface": surface, "start": pos, "end": pos + len(surface)})
        else:
            surface = mm.group(3)
            traps.append({"surface": surface, "start": pos, "end": pos + len(surface)})
        if surface != surface.strip() or not surface:
            raise SourceError(f"{where}: surface {surface!r} has leading/trailing space or is empty")
        text_parts.append(surface)
        pos += len(surface)
        last = mm.end()
    text_parts.append(body[last:])
    text = "".join(text_parts)

    for token in ("[[", "]]", "{{", "}}"):
        if token in text:
            raise SourceError(f"{where}: unbalanced markup {token!r} left in text")
    for span in gold + traps:
        assert text[span["start"] : span["end"]] == span["surface"], (where, span)
    spans = sorted(
        [(g["start"], g["end"], "gold") for g in gold] + [(t["start"], t["end"], "trap") for t in traps]
    )
    for (s1, e1, k1), (s2, e2, k2) in zip(spans, spans[1:]):
        if s2 < e1:
            raise SourceError(f"{where}: overlapping {k1} and {k2} spans at {s1}-{e1} / {s2}-{e2}")
    return lang, text, gold, traps


def read_source(path: Path) -> list[dict]:
    records: list[dict] = []
    counters: Counter[str] = Counter()
    seen: dict[str, str] = {}
    errors: list[str] = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.rstrip(" \t\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{path.name}:{lineno}"
        try:
            lang, text, gold, traps = parse_line(line, where)
        except SourceError as e:
            errors.append(str(e))
            continue
        if text in seen:
            errors.append(f"{where}: duplicate of sentence {seen[text]}")
            continue
        counters[lang] += 1
        rec_id = f"{lang.lower()}-{counters[lang]:03d}"
        seen[text] = rec_id
        records.append(
            {"id": rec_id, "lang": lang, "text": text, "gold": gold, "traps": traps, "_line": lineno}
        )
    if errors:
        raise SourceError("\n".join(errors))
    return records


def cmd_build(args: argparse.Namespace) -> int:
    src = Path(args.src)
    out = Path(args.out)
    try:
        records = read_source(src)
    except SourceError as e:
        print(f"error:\n{e}", file=sys.stderr)
        return 2
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as f:
        for r in records:
            rec = {k: r[k] for k in ("id", "lang", "text", "gold", "traps")}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")

    # Re-read and re-check what was written.
    for line in out.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        for span in rec["gold"] + rec["traps"]:
            assert rec["text"][span["start"] : span["end"]] == span["surface"], (rec["id"], span)

    print(f"wrote {len(records)} records to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    print_stats(records)
    return 0


def print_stats(records: list[dict]) -> None:
    total = len(records)
    print(f"\n{'lang':<8} {'sentences':>9} {'share':>6} {'gold':>5} {'traps':>5} {'trap-sent':>9}")
    for lang in LANGS + ("all",):
        rs = [r for r in records if lang == "all" or r["lang"] == lang]
        g = sum(len(r["gold"]) for r in rs)
        t = sum(len(r["traps"]) for r in rs)
        ts = sum(1 for r in rs if r["traps"])
        share = f"{100 * len(rs) / total:.0f}%" if total else "-"
        print(f"{lang:<8} {len(rs):>9} {share:>6} {g:>5} {t:>5} {ts:>9}")

    trap_words: Counter[str] = Counter()
    for r in records:
        for t in r["traps"]:
            trap_words[t["surface"].lower()] += 1
    print("\ntraps by surface: " + ", ".join(f"{w} {n}" for w, n in sorted(trap_words.items(), key=lambda x: (-x[1], x[0]))))

    ids = Counter(g["id"] for r in records for g in r["gold"])
    unused = sorted(KNOWN_IDS - set(ids))
    print(f"\nids used: {len(ids)}/{len(KNOWN_IDS)}" + (f"; never used: {', '.join(unused)}" if unused else ""))
    rare = sorted(i for i, n in ids.items() if n < 2)
    if rare:
        print(f"ids with a single mention: {', '.join(rare)}")


# --------------------------------------------------------------------------- score


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def prf(tp: int, pred: int, gold: int) -> tuple[float, float, float]:
    p = tp / pred if pred else (1.0 if gold == 0 else 0.0)
    r = tp / gold if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def show(text: str, start: int, end: int, width: int = 30) -> str:
    """The text around a span with the span bracketed, invisible characters made visible."""
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    s = f"{left}⟦{text[start:end]}⟧{right}"
    return "".join(c if c.isprintable() and c not in "\u200b\u00ad" else f"<U+{ord(c):04X}>" for c in s)


def cmd_score(args: argparse.Namespace) -> int:
    data = Path(args.data)
    canon = Path(args.canon)
    if not data.exists():
        print(f"error: {data} not found; run `python3 scripts/eval_aliases.py build` first", file=sys.stderr)
        return 2
    if not (canon.is_file() and os.access(canon, os.X_OK)):
        print(f"error: canon binary {canon} not found or not executable (build it with `cargo build --release`)", file=sys.stderr)
        return 2

    records = load_jsonl(data)
    cmd = [str(canon), "normalize", str(data)]
    for a in args.aliases or []:
        cmd += ["--aliases", a]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    if proc.stderr.strip():
        print("canon stderr:\n" + "\n".join("  " + l for l in proc.stderr.strip().splitlines()) + "\n")
    if proc.returncode != 0:
        print(f"note: canon exited with status {proc.returncode}\n")

    outputs: dict[str, dict] = {}
    bad_lines = 0
    for line in proc.stdout.splitlines():
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            bad_lines += 1
            continue
        if isinstance(rec, dict) and "id" in rec:
            outputs[str(rec["id"])] = rec
        else:
            bad_lines += 1
    if bad_lines:
        print(f"warning: {bad_lines} output line(s) were not JSON objects with the input `id`\n")

    strict = args.strict_ids
    stats = {lang: Counter() for lang in LANGS}
    misses: list[str] = []
    false_hits: list[str] = []
    trap_hits: list[str] = []
    unjudged: list[str] = []
    bad_offsets: list[str] = []
    missing_records: list[str] = []

    for rec in records:
        lang, text, rid = rec["lang"], rec["text"], rec["id"]
        st = stats[lang]
        st["sentences"] += 1
        st["gold"] += len(rec["gold"])
        st["traps"] += len(rec["traps"])
        gold = {(g["id"], g["start"], g["end"]) for g in rec["gold"]}

        out = outputs.get(rid)
        if out is None:
            missing_records.append(rid)
            st["missing"] += 1
            for g in rec["gold"]:
                misses.append(f"{rid}  {g['id']:<22} {g['surface']!r} {g['start']}-{g['end']}  (record missing from output)")
            continue

        preds: dict[tuple[str, int, int], dict] = {}
        for e in out.get("entities") or []:
            try:
                key = (str(e["id"]), int(e["start"]), int(e["end"]))
            except (KeyError, TypeError, ValueError):
                bad_offsets.append(f"{rid}  malformed entity {e!r}")
                continue
            if text[key[1] : key[2]] != e.get("surface"):
                bad_offsets.append(
                    f"{rid}  {key[0]} {key[1]}-{key[2]} surface {e.get('surface')!r} but text[start:end] is {text[key[1]:key[2]]!r}"
                )
            preds.setdefault(key, e)

        judged = {}
        for key, e in preds.items():
            if key[0] in KNOWN_IDS or strict:
                judged[key] = e
            else:
                unjudged.append(f"{rid}  {key[0]:<22} {show(text, key[1], key[2])}")

        tp = gold & judged.keys()
        st["pred"] += len(judged)
        st["tp"] += len(tp)

        for g in rec["gold"]:
            key = (g["id"], g["start"], g["end"])
            if key in tp:
                continue
            near = [
                f"{p[0]} {p[1]}-{p[2]} {text[p[1]:p[2]]!r}"
                for p in preds
                if overlaps(p[1], p[2], g["start"], g["end"])
            ]
            hint = f"  [predicted instead: {'; '.join(near)}]" if near else ""
            misses.append(f"{rid}  {g['id']:<22} {show(text, g['start'], g['end'])}{hint}")

        for key in sorted(judged.keys() - gold, key=lambda k: k[1]):
            in_trap = any(overlaps(key[1], key[2], t["start"], t["end"]) for t in rec["traps"])
            tag = " (on a trap)" if in_trap else ""
            false_hits.append(f"{rid}  {key[0]:<22} {show(text, key[1], key[2])}{tag}")

        for t in rec["traps"]:
            hitters = []
            for p in preds:
                if not overlaps(p[1], p[2], t["start"], t["end"]):
                    continue
                strictly_contains = p[1] <= t["start"] and p[2] >= t["end"] and (p[1], p[2]) != (t["start"], t["end"])
                if p[0] not in KNOWN_IDS and not strict and strictly_contains:
                    continue
                hitters.append(f"{p[0]} {p[1]}-{p[2]} {text[p[1]:p[2]]!r}")
            if hitters:
                st["trap_hits"] += 1
                trap_hits.append(f"{rid}  trap {t['surface']!r} {show(text, t['start'], t['end'])}  <- {'; '.join(hitters)}")

    # ----------------------------------------------------------------- report
    header = f"{'lang':<8} {'sent':>5} {'gold':>5} {'pred':>5} {'tp':>5} {'prec':>6} {'recall':>6} {'f1':>6} {'traps':>5} {'hits':>5} {'hit/100':>7}"
    print(header)
    print("-" * len(header))
    total = Counter()
    for lang in LANGS:
        total.update(stats[lang])
    rows = [(lang, stats[lang]) for lang in LANGS] + [("overall", total)]
    for name, st in rows:
        p, r, f = prf(st["tp"], st["pred"], st["gold"])
        rate = 100 * st["trap_hits"] / st["traps"] if st["traps"] else 0.0
        print(
            f"{name:<8} {st['sentences']:>5} {st['gold']:>5} {st['pred']:>5} {st['tp']:>5} "
            f"{p:>6.3f} {r:>6.3f} {f:>6.3f} {st['traps']:>5} {st['trap_hits']:>5} {rate:>7.2f}"
        )

    def listing(title: str, items: list[str]) -> None:
        print(f"\n{title} ({len(items)})")
        for it in items:
            print("  " + it)

    if missing_records:
        listing("records missing from canon output", missing_records)
    listing("misses (gold not predicted with exact id and span)", misses)
    listing("false hits (predicted, not gold)", false_hits)
    listing("trap hits", trap_hits)
    if bad_offsets:
        listing("predictions whose surface does not equal text[start:end]", bad_offsets)
    if unjudged:
        listing("predictions with ids outside the labelled set (not scored; use --strict-ids to count them)", unjudged)

    _, recall, _ = prf(total["tp"], total["pred"], total["gold"])
    rate = 100 * total["trap_hits"] / total["traps"] if total["traps"] else 0.0
    failures = []
    if recall < args.min_recall:
        failures.append(f"overall recall {recall:.3f} < {args.min_recall}")
    if rate > args.max_trap_rate:
        failures.append(f"trap false hits {rate:.2f} per 100 traps > {args.max_trap_rate}")
    print()
    if failures:
        print("FAIL: " + "; ".join(failures))
        return 1
    print(f"PASS: recall {recall:.3f} >= {args.min_recall}, trap false hits {rate:.2f}/100 <= {args.max_trap_rate}")
    return 0


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)

    b = sub.add_parser("build", help="compile the .src.txt into the .jsonl")
    b.add_argument("--src", default=str(SRC))
    b.add_argument("--out", default=str(OUT))
    b.set_defaults(func=cmd_build)

    s = sub.add_parser("score", help="run canon on the .jsonl and score it")
    s.add_argument("--canon", default=str(DEFAULT_CANON), help="path to the canon binary (default: target/release/canon)")
    s.add_argument("--data", default=str(OUT))
    s.add_argument("--aliases", action="append", metavar="FILE", help="extra alias table passed to canon (repeatable)")
    s.add_argument("--strict-ids", action="store_true", help="count predictions with ids outside the labelled set as false hits")
    s.add_argument("--min-recall", type=float, default=MIN_RECALL)
    s.add_argument("--max-trap-rate", type=float, default=MAX_TRAP_HITS_PER_100, help="max trap false hits per 100 traps")
    s.set_defaults(func=cmd_score)

    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
