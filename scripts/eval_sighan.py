#!/usr/bin/env python3
"""Chinese word-segmentation accuracy of canon on the SIGHAN 2005 PKU test set.

    pip install -r scripts/requirements-eval.txt      # jieba, opencc-python-reimplemented
    python3 scripts/eval_sighan.py [--canon PATH] [--sighan DIR] [--limit N] [--out FILE]
                                   [--errors N]

Defaults: --canon target/release/canon (nothing is built: run `cargo build --release`
first), --sighan ../shared/corpus/sighan (both relative to the repository root).

Data.  DIR must hold pku_test.utf8 (test text, one sentence or paragraph a line) and
pku_test_gold.utf8 (the same lines segmented with spaces).  The SIGHAN data is for
research use only: it is read from DIR at run time and never copied into the
repository; the JSON Lines files handed to canon live in a temporary directory that is
removed afterwards.

Systems, all scored in one run against the same gold spans:
  * canon  — `canon normalize --spans --quiet FILE.jsonl`, one record {"line": i,
    "text": <test line>} per test line; the command line is printed;
  * jieba  — Python jieba with its default dictionary, `jieba.cut(line, HMM=True)`;
    spans are found by walking the line piece by piece;
  * both again on a traditional-Chinese version of the test text (see below).

Gold.  Each gold line is split on whitespace (str.split, so U+3000 full-width spaces
separate words too) and every gold word is mapped to its [start, end) code-point span in
the test line by walking the test line, skipping whitespace in it.  The script checks
that the gold words concatenated equal the test line with all whitespace removed, and
stops with an error naming the line otherwise.

Scoring.  Word-span precision, recall and F1 on the original text, micro-averaged over
all lines: a predicted span is correct when the same [start, end) is a gold span.
Words made only of punctuation, symbols and whitespace (Unicode categories P* and S*,
plus str.isspace) are left out on both sides.

canon's tokens.  canon emits index terms only (no punctuation) and, after each
recognized entity mention, an extra token equal to the entity id spanning the mention's
whole surface.  Its primary segmentation is recovered as follows:
  1. entity-id tokens are dropped: a token whose span equals an entry of `entities`
     ([start, end]) and whose term equals that entity's id, provided an earlier token
     lies inside the same span (so a one-token mention whose normalized term happens to
     equal the id, e.g. "Kimi" -> "kimi", keeps its surface token);
  2. the remaining tokens are kept left to right in output order, skipping any token
     that overlaps an already kept token (guards against overlapping sub-word tokens
     such as a future `--search` mode).  The number of tokens skipped this way is
     reported; it is 0 for a plain segmentation.

Traditional Chinese.  The test text is converted with OpenCC's s2t configuration
(opencc-python-reimplemented), line by line so that phrase-level choices such as
头发 -> 頭髮 are made.  A converted line is used only when it has the same length as the
original and every changed character is one of the traditional candidates that OpenCC's
character table (STCharacters) lists for the original character; otherwise that line
is converted character by character (each character alone through s2t, kept unchanged
if the result is not a single character).  Either way the conversion is one character
to one character, so the gold spans carry over unchanged; the traditional gold words are
the traditional line sliced at those spans.  The number of lines converted character by
character is reported.

Output.  A Markdown table (system, script, P, R, F1, F1 delta traditional minus
simplified) on standard output, also written to --out FILE when given, followed by
counts and notes; then the --errors N (default 20, 0 for none) most frequent error
types of canon on the simplified text.  An error type is a minimal group of gold words
and canon tokens whose spans do not agree, e.g. `二○○一年 -> 二 / [○○] / 一年`
(characters in [brackets] are covered by no canon token), with a coarse breakdown by
shape (split, merge, crossing, dropped, spurious) and content (numbers and dates,
person names, Latin letters, other).

Exit status: 0 on success, 2 on missing dependencies, data or binary, or a fatal canon
error.  A canon exit status of 1 (some records rejected) is reported as a warning and
the missing records score as empty predictions.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CANON = ROOT / "target" / "release" / "canon"
DEFAULT_SIGHAN = ROOT.parent / "shared" / "corpus" / "sighan"
TEST_FILE = "pku_test.utf8"
GOLD_FILE = "pku_test_gold.utf8"
REQUIREMENTS = "scripts/requirements-eval.txt"

Span = tuple[int, int]


# --------------------------------------------------------------------------- helpers


def die(msg: str) -> None:
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(2)


def load_deps():
    """Import jieba and opencc, or tell the user how to install them."""
    try:
        import jieba  # noqa: F401
        import opencc  # noqa: F401
    except ImportError as e:
        die(f"{e.name or e} is not installed; run `pip install -r {REQUIREMENTS}`")
    import jieba
    import opencc

    jieba.setLogLevel(60)  # silence "Building prefix dict ..." on stderr
    jieba.initialize()
    return jieba, opencc


def read_lines(path: Path) -> list[str]:
    """Lines of a UTF-8 file without their CR/LF ends (a lone CR stays in the line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        die(f"{path} not found (set --sighan DIR)")
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [l[:-1] if l.endswith("\r") else l for l in lines]


def is_punct_char(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch)[0] in "PS"


def is_punct(word: str) -> bool:
    """True for words made only of punctuation, symbols and whitespace (or empty)."""
    return all(is_punct_char(ch) for ch in word)


def prf(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


# --------------------------------------------------------------------------- gold


def gold_spans(test: str, gold: str, lineno: int) -> list[Span]:
    """Map the whitespace-separated gold words to [start, end) spans in the test line."""
    words = gold.split()
    if "".join(words) != "".join(ch for ch in test if not ch.isspace()):
        die(
            f"line {lineno}: gold words do not concatenate to the test line without whitespace\n"
            f"  test: {test[:80]!r}\n  gold: {gold[:80]!r}"
        )
    spans: list[Span] = []
    pos = 0
    for w in words:
        while pos < len(test) and test[pos].isspace():
            pos += 1
        if test[pos : pos + len(w)] != w:  # cannot happen after the check above
            die(f"line {lineno}: gold word {w!r} not found at offset {pos}")
        spans.append((pos, pos + len(w)))
        pos += len(w)
    return spans


# --------------------------------------------------------------------------- traditional


class Traditional:
    """One-character-to-one-character simplified -> traditional conversion with OpenCC s2t."""

    def __init__(self, opencc_mod) -> None:
        self.cc = opencc_mod.OpenCC("s2t")
        table = Path(opencc_mod.__file__).resolve().parent / "dictionary" / "STCharacters.txt"
        self.candidates: dict[str, set[str]] = {}
        with open(table, encoding="utf-8") as f:
            for row in f:
                row = row.rstrip("\n")
                if "\t" in row:
                    k, v = row.split("\t", 1)
                    self.candidates[k] = set(v.split(" "))
        self.char_cache: dict[str, str] = {}
        self.fallback_lines = 0
        self.changed_chars = 0

    def char(self, ch: str) -> str:
        out = self.char_cache.get(ch)
        if out is None:
            conv = self.cc.convert(ch)
            out = conv if len(conv) == 1 else ch
            self.char_cache[ch] = out
        return out

    def aligned(self, src: str, dst: str) -> bool:
        if len(src) != len(dst):
            return False
        return all(a == b or b in self.candidates.get(a, ()) for a, b in zip(src, dst))

    def line(self, src: str) -> str:
        dst = self.cc.convert(src)
        if not self.aligned(src, dst):
            self.fallback_lines += 1
            dst = "".join(self.char(ch) for ch in src)
        assert len(dst) == len(src)
        self.changed_chars += sum(a != b for a, b in zip(src, dst))
        return dst


# --------------------------------------------------------------------------- systems


def jieba_spans(jieba, line: str) -> list[Span]:
    spans: list[Span] = []
    pos = 0
    for piece in jieba.cut(line, HMM=True):
        if not piece:
            continue
        if line[pos : pos + len(piece)] != piece:
            die(f"jieba piece {piece!r} does not match the line at offset {pos}: {line[:60]!r}")
        spans.append((pos, pos + len(piece)))
        pos += len(piece)
    if pos != len(line):
        die(f"jieba pieces cover {pos} of {len(line)} characters: {line[:60]!r}")
    return spans


def canon_primary_spans(rec: dict, stats: Counter) -> list[Span]:
    """canon's primary, non-overlapping segmentation of one output record."""
    tokens = rec.get("tokens") or []
    spans = rec.get("token_spans")
    if spans is None:
        die("canon output has no token_spans (was --spans passed?)")
    if len(spans) != len(tokens):
        die(f"canon output has {len(tokens)} tokens but {len(spans)} token_spans")
    entity_keys = {(e.get("start"), e.get("end"), e.get("id")) for e in rec.get("entities") or []}

    kept: list[Span] = []
    for i, (term, (s, e)) in enumerate(zip(tokens, spans)):
        if (s, e, term) in entity_keys and any(s <= ps and pe <= e for ps, pe in spans[:i]):
            stats["entity-id tokens dropped"] += 1
            continue
        if any(s < ke and ks < e for ks, ke in kept):
            stats["overlapping tokens skipped"] += 1
            continue
        kept.append((s, e))
    return kept


def run_canon(canon: Path, texts: list[str], name: str, tmpdir: str) -> tuple[list[list[Span]], Counter, list[str]]:
    path = os.path.join(tmpdir, f"sighan-pku-{name}.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"line": i, "text": t}, ensure_ascii=False) + "\n")
    cmd = [str(canon), "normalize", "--spans", "--quiet", path]
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8")
    if proc.returncode not in (0, 1):
        die(f"`{shlex.join(cmd)}` exited with status {proc.returncode}:\n{proc.stderr.strip()}")
    stats: Counter = Counter()
    if proc.returncode == 1 or proc.stderr.strip():
        print(f"warning: canon ({name}) exited {proc.returncode}; stderr:\n  "
              + "\n  ".join(proc.stderr.strip().splitlines()[:10]), file=sys.stderr)
    result: list[list[Span] | None] = [None] * len(texts)
    for raw in proc.stdout.splitlines():
        if not raw.strip():
            continue
        rec = json.loads(raw)
        i = rec.get("line")
        if not isinstance(i, int) or not 0 <= i < len(texts) or result[i] is not None:
            die(f"canon output record with unexpected `line` field: {raw[:120]}")
        if rec.get("text") != texts[i]:
            die(f"canon output record {i} does not echo its input text")
        stats[f"lang={rec.get('lang')}"] += 1
        result[i] = canon_primary_spans(rec, stats)
    missing = sum(r is None for r in result)
    if missing:
        stats["records missing from output"] = missing
        print(f"warning: {missing} record(s) missing from canon's output score as empty", file=sys.stderr)
    return [r or [] for r in result], stats, cmd


# --------------------------------------------------------------------------- scoring


def score(texts: list[str], gold: list[list[Span]], pred: list[list[Span]]) -> tuple[int, int, int]:
    tp = npred = ngold = 0
    for text, g, p in zip(texts, gold, pred):
        gset = {s for s in g if not is_punct(text[s[0] : s[1]])}
        pset = {s for s in p if not is_punct(text[s[0] : s[1]])}
        tp += len(gset & pset)
        npred += len(pset)
        ngold += len(gset)
    return tp, npred, ngold


# --------------------------------------------------------------------------- error analysis

# Characters that make a word a number, date or time in the PKU gold (digits of any
# script are caught by category Nd).
NUMERAL_CHARS = set("〇○零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟点％%．.·／/")
# Common one-character surnames: the PKU standard splits "江 泽民" into surname + name.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦"
    "俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房"
    "滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟"
    "应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)


def show(text: str, s: int, e: int, pieces: list[Span]) -> str:
    """canon's pieces over [s, e) joined by " / ", uncovered non-space characters in [brackets]."""
    out: list[str] = []
    pos = s
    for ps, pe in pieces + [(e, e)]:
        gap = text[pos:ps].strip()
        if gap:
            out.append(f"[{gap}]")
        if pe > ps:
            out.append(text[ps:pe])
        pos = max(pos, pe)
    return " / ".join(out) if out else "∅"


def error_groups(text: str, gold: list[Span], pred: list[Span]):
    """Minimal groups of unmatched gold words and predicted tokens that overlap each other."""
    g = sorted(s for s in gold if not is_punct(text[s[0] : s[1]]))
    p = sorted(s for s in pred if not is_punct(text[s[0] : s[1]]))
    common = set(g) & set(p)
    items = [(s, e, "g") for s, e in g if (s, e) not in common] + [(s, e, "p") for s, e in p if (s, e) not in common]
    items.sort()
    group: list[tuple[int, int, str]] = []
    end = -1
    for s, e, kind in items:
        if group and s >= end:
            yield group
            group, end = [], -1
        group.append((s, e, kind))
        end = max(end, e)
    if group:
        yield group


def classify(words: list[str], npieces: int, dropped: bool) -> tuple[str, str]:
    if not words:
        shape = "spurious"
    elif dropped and npieces == 0:
        shape = "dropped"
    elif len(words) == 1:
        shape = "split" + (" + dropped chars" if dropped else "")
    elif npieces == 1 and not dropped:
        shape = "merge"
    else:
        shape = "crossing" + (" + dropped chars" if dropped else "")
    joined = "".join(words)
    if any(unicodedata.category(ch) == "Nd" or ch in NUMERAL_CHARS for ch in joined) and any(
        unicodedata.category(ch) == "Nd" or ch in "〇○零一二三四五六七八九十百千万亿两" for ch in joined
    ):
        content = "number / date / time"
    elif (
        len(words) >= 2
        and len(words[0]) == 1
        and words[0] in SURNAMES
        and 1 <= len(words[1]) <= 2
    ) or (len(words) == 1 and 2 <= len(joined) <= 3 and joined[0] in SURNAMES and npieces >= 2):
        content = "person name (surname + given name)"
    elif any("LATIN" in unicodedata.name(ch, "") for ch in joined):
        content = "Latin letters"
    else:
        content = "other"
    return shape, content


def error_analysis(texts: list[str], gold: list[list[Span]], pred: list[list[Span]]):
    types: Counter = Counter()
    shapes: Counter = Counter()
    contents: Counter = Counter()
    words_in_errors: Counter = Counter()
    for text, g, p in zip(texts, gold, pred):
        for group in error_groups(text, g, p):
            gw = [(s, e) for s, e, k in group if k == "g"]
            pw = [(s, e) for s, e, k in group if k == "p"]
            if gw:
                s, e = gw[0][0], gw[-1][1]
            else:
                s, e = pw[0][0], pw[-1][1]
            if pw:
                s, e = min(s, pw[0][0]), max(e, pw[-1][1])
            gold_text = " / ".join(text[a:b] for a, b in gw) if gw else "∅"
            dropped = any(
                not text[i].isspace() and not any(ps <= i < pe for ps, pe in pw)
                for a, b in gw
                for i in range(a, b)
            )
            key = f"{gold_text} -> {show(text, s, e, pw)}"
            types[key] += 1
            shape, content = classify([text[a:b] for a, b in gw], len(pw), dropped)
            shapes[shape] += 1
            contents[content] += 1
            words_in_errors[content] += len(gw)
    return types, shapes, contents, words_in_errors


# --------------------------------------------------------------------------- main


def fmt(x: float) -> str:
    return f"{100 * x:.2f}"


def main() -> int:
    ap = argparse.ArgumentParser(
        description="Word-segmentation P/R/F1 of canon and jieba on SIGHAN PKU, simplified and traditional.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="See the module docstring for the scoring rules.",
    )
    ap.add_argument("--canon", type=Path, default=DEFAULT_CANON, help="canon binary (default: target/release/canon)")
    ap.add_argument("--sighan", type=Path, default=DEFAULT_SIGHAN, help="SIGHAN directory (default: ../shared/corpus/sighan)")
    ap.add_argument("--limit", type=int, default=None, metavar="N", help="score only the first N lines")
    ap.add_argument("--out", type=Path, default=None, metavar="FILE", help="also write the Markdown table to FILE")
    ap.add_argument("--errors", type=int, default=20, metavar="N",
                    help="list the N most frequent canon error types on simplified text (default 20; 0: none)")
    args = ap.parse_args()

    canon = args.canon if args.canon.is_absolute() else (Path.cwd() / args.canon)
    if not args.canon.is_absolute() and not canon.exists():
        canon = ROOT / args.canon
    if not (canon.is_file() and os.access(canon, os.X_OK)):
        die(f"canon binary {args.canon} not found or not executable (build it with `cargo build --release` or pass --canon PATH)")
    sighan = args.sighan
    jieba, opencc_mod = load_deps()

    tests = read_lines(sighan / TEST_FILE)
    golds = read_lines(sighan / GOLD_FILE)
    if len(tests) != len(golds):
        die(f"{TEST_FILE} has {len(tests)} lines but {GOLD_FILE} has {len(golds)}")
    if args.limit is not None:
        tests, golds = tests[: args.limit], golds[: args.limit]
    gold = [gold_spans(t, g, i + 1) for i, (t, g) in enumerate(zip(tests, golds))]

    conv = Traditional(opencc_mod)
    trad = [conv.line(t) for t in tests]

    rows: list[tuple[str, str, tuple[int, int, int]]] = []
    canon_stats: dict[str, Counter] = {}
    canon_pred: dict[str, list[list[Span]]] = {}
    commands: list[str] = []
    with tempfile.TemporaryDirectory(prefix="canon-eval-sighan-") as tmpdir:
        for script, texts in (("simplified", tests), ("traditional", trad)):
            pred, stats, cmd = run_canon(canon, texts, script, tmpdir)
            canon_stats[script], canon_pred[script] = stats, pred
            commands.append(shlex.join(cmd))
            rows.append(("canon", script, score(texts, gold, pred)))
    for script, texts in (("simplified", tests), ("traditional", trad)):
        pred = [jieba_spans(jieba, t) for t in texts]
        rows.append((f"jieba {jieba.__version__}", script, score(texts, gold, pred)))
    rows.sort(key=lambda r: (r[0] != "canon", r[0], r[1]))

    f1 = {(name, script): prf(*c)[2] for name, script, c in rows}
    table = ["| system | script | P | R | F1 | ΔF1 trad − simp |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    for name, script, c in rows:
        p, r, f = prf(*c)
        delta = f"{100 * (f - f1[(name, 'simplified')]):+.2f}" if script == "traditional" else "—"
        table.append(f"| {name} | {script} | {fmt(p)} | {fmt(r)} | {fmt(f)} | {delta} |")

    nlines = len(tests)
    ngold_all = sum(len(g) for g in gold)
    notes = [
        "",
        f"SIGHAN 2005 PKU test, {nlines} lines, {rows[0][2][2]} gold words scored "
        f"({ngold_all - rows[0][2][2]} punctuation/symbol words left out); P, R, F1 in %.",
        "Correct / predicted per row: "
        + "; ".join(f"{n} {s[:4]} {c[0]}/{c[1]}" for n, s, c in rows) + ".",
        f"Traditional text: OpenCC s2t, {conv.changed_chars} characters changed, "
        f"{conv.fallback_lines} line(s) converted character by character.",
    ]
    for script in ("simplified", "traditional"):
        st = canon_stats[script]
        langs = ", ".join(f"{k[5:]} {v}" for k, v in sorted(st.items()) if k.startswith("lang="))
        other = ", ".join(f"{k} {v}" for k, v in sorted(st.items()) if not k.startswith("lang="))
        notes.append(f"canon {script}: lang {langs}" + (f"; {other}" if other else "") + ".")
    report = "\n".join(table + notes)
    print(report)
    print("\ncanon command lines (temporary input files, removed after the run):")
    for c in commands:
        print("  " + c)

    if args.out:
        args.out.write_text(report + "\n", encoding="utf-8")
        print(f"\nwrote {args.out}")

    if args.errors > 0:
        types, shapes, contents, words = error_analysis(tests, gold, canon_pred["simplified"])
        total = sum(types.values())
        print(f"\ncanon error groups on simplified text: {total} "
              "(a group is a minimal run of gold words and canon tokens whose spans disagree)")
        print("\n| shape | groups |\n| --- | ---: |")
        for k, v in shapes.most_common():
            print(f"| {k} | {v} |")
        print("\n| content (heuristic) | groups | gold words in them |\n| --- | ---: | ---: |")
        for k, v in contents.most_common():
            print(f"| {k} | {v} | {words[k]} |")
        print(f"\nTop {args.errors} error types (words and tokens separated by ` / `; [x]: covered by no canon token):\n")
        print("| # | count | gold | canon |\n| ---: | ---: | --- | --- |")
        for i, (k, v) in enumerate(types.most_common(args.errors), 1):
            g, c = k.split(" -> ", 1)
            print(f"| {i} | {v} | {g} | {c} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
