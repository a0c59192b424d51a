#!/usr/bin/env python3
"""Line-level quality of canon's boilerplate stage, next to jusText.

    pip install -r scripts/requirements-eval.txt
    python3 scripts/eval_boilerplate.py score [--canon PATH] [--out FILE]
    python3 scripts/eval_boilerplate.py fit   [--canon PATH]

Data (data/eval/boilerplate/, see its README): pages written for this project,
one file per page, one `label | text` line per page line (label `content` or
the reason the line is page furniture), each page in the `tune` or the `test`
split; and line labels for the five seed pages of ../shared/corpus/seeds (their
text stays there; they are skipped with a notice when the folder is missing).

`score` runs, on the same lines:

* canon: `canon normalize` over all pages; a line counts as marked when at
  least half of its characters lie in the record's `boilerplate` spans;
* canon + learn: the same after `canon boilerplate learn` over all pages
  (unsupervised: it sees text and site, never labels; --min-docs 2, since a
  site has two or three pages here) with `--boilerplate-from`;
* jusText 3.0.2, each line given as one `<p>` paragraph; a line is
  boilerplate unless jusText classes it `good`. English pages use jusText's
  English stoplist. jusText has no Chinese stoplist and counts words by
  spaces, so Chinese pages are segmented with jieba 0.42.1 (words joined by
  spaces) and given the word list of data/boilerplate/stopwords/zh.txt as
  their stoplist. Once with its default parameters (tuned by its authors
  for long paragraphs of full web pages), once with the length and
  stop-word thresholds that do best on the tune split (grid search).

and reports precision and recall of the boilerplate decision (is a furniture
line marked?) and of the content kept (is an article line kept?) on the
held-out `test` pages, on the seeds, and on the `tune` pages for reference.

`fit` fits the weights of data/boilerplate/weights.toml on the `tune` pages
only: features from `canon boilerplate explain` (once without and once with
the learned furniture), logistic regression by Newton's method with an L2
penalty, content lines weighted 3x (losing article text is the worse error);
the threshold is the lowest one that keeps at least 99.5% of the tune split's
content lines. Rebuild canon afterwards (the weights are compiled in).
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data" / "eval" / "boilerplate"
SEEDS = REPO.parent / "shared" / "corpus" / "seeds"
WEIGHTS = REPO / "data" / "boilerplate" / "weights.toml"
ZH_STOPWORDS = REPO / "data" / "boilerplate" / "stopwords" / "zh.txt"
CONTENT_WEIGHT = 3.0
L2 = 0.3
KEEP_CONTENT = 0.995


@dataclass
class Line:
    label: str  # "content" or a furniture reason
    start: int  # code points into the page text
    end: int

    @property
    def boilerplate(self) -> bool:
        return self.label != "content"


@dataclass
class Page:
    id: str
    lang: str
    split: str  # tune, test, seed
    site: str
    text: str
    lines: list[Line] = field(default_factory=list)


def parse_page(path: Path) -> Page:
    meta = {}
    texts: list[tuple[str | None, str]] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.startswith("# "):
            key, _, value = raw[2:].partition(":")
            meta[key.strip()] = value.strip()
            continue
        if not raw.strip():
            texts.append((None, ""))
            continue
        label, sep, text = raw.partition(" | ")
        if not sep or not text.strip():
            sys.exit(f"{path}:{number}: expected 'label | text'")
        texts.append((label.strip(), text))
    page = Page(path.stem, path.stem.split("-")[0], meta["split"], meta["site"], "")
    offset = 0
    parts = []
    for label, text in texts:
        if label is not None:
            page.lines.append(Line(label, offset, offset + len(text)))
        parts.append(text)
        offset += len(text) + 1
    page.text = "\n".join(parts)
    return page


def load_pages() -> list[Page]:
    pages = [parse_page(p) for p in sorted((DATA / "pages").glob("*.txt"))]
    for page in pages:
        if page.split not in ("tune", "test"):
            sys.exit(f"{page.id}: split must be tune or test")
    return pages


def load_seeds() -> list[Page]:
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            sys.exit(f"{SEEDS} is missing (required when CI is set)")
        print(f"notice: {SEEDS} not found; seeds left out", file=sys.stderr)
        return []
    labels: dict[str, dict[int, str]] = {}
    for raw in (DATA / "seeds.tsv").read_text(encoding="utf-8").splitlines():
        if raw.startswith("#") or not raw.strip():
            continue
        name, number, label = raw.split("\t")
        labels.setdefault(name, {})[int(number)] = label
    pages = []
    for name, by_line in sorted(labels.items()):
        text = (SEEDS / name).read_text(encoding="utf-8")
        page = Page(name, "zh" if name.startswith("003") else "en", "seed", name, text)
        offset = 0
        for number, line in enumerate(text.split("\n"), 1):
            if line.strip():
                if number not in by_line:
                    sys.exit(f"seeds.tsv: {name} line {number} has no label")
                page.lines.append(Line(by_line[number], offset, offset + len(line)))
            offset += len(line) + 1
        pages.append(page)
    return pages


def canon_binary(arg: Path | None) -> Path:
    if arg:
        return arg
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    return REPO / "target" / "release" / "canon"


def write_corpus(pages: list[Page], folder: Path) -> Path:
    path = folder / "pages.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for page in pages:
            out.write(json.dumps({"id": page.id, "source": page.site, "text": page.text}, ensure_ascii=False) + "\n")
    return path


def learn(canon: Path, corpus: Path, folder: Path) -> Path:
    furniture = folder / "furniture.jsonl"
    subprocess.run([str(canon), "boilerplate", "learn", "--quiet", "--min-docs", "2", str(corpus), "-o", str(furniture)],
                   check=True)
    return furniture


def canon_marks(canon: Path, pages: list[Page], corpus: Path, furniture: Path | None) -> dict[str, list[bool]]:
    cmd = [str(canon), "normalize", "--quiet", "--jobs", "1", str(corpus)]
    if furniture:
        cmd += ["--boilerplate-from", str(furniture)]
    output = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    records = {r["id"]: r for r in map(json.loads, output.splitlines())}
    marks = {}
    for page in pages:
        spans = [(s["start"], s["end"]) for s in records[page.id]["boilerplate"]]
        marks[page.id] = [covered(line, spans, page.text) for line in page.lines]
    return marks


def covered(line: Line, spans: list[tuple[int, int]], text: str) -> bool:
    chars = [i for i in range(line.start, line.end) if not text[i].isspace()]
    inside = sum(1 for i in chars if any(s <= i < e for s, e in spans))
    return inside * 2 >= len(chars) > 0


JUSTEXT_DEFAULTS = {"length_low": 70, "length_high": 200, "stopwords_low": 0.30, "stopwords_high": 0.32}
JUSTEXT_GRID = [
    {"length_low": lo, "length_high": hi, "stopwords_low": slo, "stopwords_high": shi}
    for lo in (10, 20, 30, 50, 70) for hi in (40, 60, 100, 150, 200) if lo <= hi
    for slo in (0.1, 0.2, 0.3) for shi in (0.2, 0.3, 0.4) if slo <= shi
]


class JusText:
    """jusText over lines given as paragraphs (Chinese segmented by jieba)."""

    def __init__(self, pages: list[Page]):
        import jieba
        import justext

        jieba.setLogLevel(60)
        self.justext = justext
        english = justext.get_stoplist("English")
        chinese = frozenset(w for raw in ZH_STOPWORDS.read_text(encoding="utf-8").splitlines()
                            if not raw.startswith("#") for w in raw.split())
        self.documents = {}
        for page in pages:
            texts = [page.text[line.start:line.end].strip() for line in page.lines]
            if page.lang == "zh":
                texts = [" ".join(w for w in jieba.cut(t) if w.strip()) for t in texts]
            document = "<html><body>" + "".join(f"<p>{html.escape(t)}</p>" for t in texts) + "</body></html>"
            self.documents[page.id] = (document.encode("utf-8"), chinese if page.lang == "zh" else english,
                                       len(texts))

    def marks(self, pages: list[Page], parameters: dict) -> dict[str, list[bool]]:
        marks = {}
        for page in pages:
            document, stoplist, count = self.documents[page.id]
            paragraphs = self.justext.justext(document, stoplist, encoding="utf-8", **parameters)
            if len(paragraphs) != count:
                sys.exit(f"{page.id}: jusText returned {len(paragraphs)} paragraphs for {count} lines")
            marks[page.id] = [p.class_type != "good" for p in paragraphs]
        return marks

    def tune(self, pages: list[Page]) -> dict:
        """The grid point with the best boilerplate recall + content recall on `pages`."""
        def balanced(parameters):
            _, _, br, _, cr = scores(pages, self.marks(pages, parameters))
            return br + cr
        return max(JUSTEXT_GRID, key=balanced)


def scores(pages: list[Page], marks: dict[str, list[bool]]) -> tuple[int, float, float, float, float]:
    tp = fp = fn = tn = 0  # positive: boilerplate
    for page in pages:
        for line, marked in zip(page.lines, marks[page.id]):
            if line.boilerplate and marked:
                tp += 1
            elif line.boilerplate:
                fn += 1
            elif marked:
                fp += 1
            else:
                tn += 1
    ratio = lambda a, b: a / b if b else float("nan")
    lines = tp + fp + fn + tn
    return lines, ratio(tp, tp + fp), ratio(tp, tp + fn), ratio(tn, tn + fn), ratio(tn, tn + fp)


def score(args) -> int:
    canon = canon_binary(args.canon)
    pages = load_pages() + load_seeds()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus = write_corpus(pages, folder)
        furniture = learn(canon, corpus, folder)
        jus = JusText(pages)
        tuned = jus.tune([p for p in pages if p.split == "tune"])
        systems = {
            "canon": canon_marks(canon, pages, corpus, None),
            "canon + learn": canon_marks(canon, pages, corpus, furniture),
            "jusText": jus.marks(pages, JUSTEXT_DEFAULTS),
            "jusText (tuned)": jus.marks(pages, tuned),
        }
    sets = [("held-out pages (test)", [p for p in pages if p.split == "test"]),
            ("seeds", [p for p in pages if p.split == "seed"]),
            ("tuning pages (tune)", [p for p in pages if p.split == "tune"])]
    rows = ["| lines | system | n | boilerplate P | boilerplate R | content P | content R |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    results = {}
    for set_name, subset in sets:
        if not subset:
            continue
        for system, marks in systems.items():
            n, bp, br, cp, cr = scores(subset, marks)
            results[(set_name, system)] = (br, cr)
            rows.append(f"| {set_name} | {system} | {n} | {bp:.3f} | {br:.3f} | {cp:.3f} | {cr:.3f} |")
    counts = {s: sum(1 for p in pages if p.split == s) for s in ("tune", "test", "seed")}
    report = [f"jusText (tuned): {tuned}, chosen on the tune split", "",
              f"{counts['tune']} tuning pages, {counts['test']} held-out pages, {counts['seed']} seeds "
              f"({sum(1 for p in pages if p.lang == 'en')} English, {sum(1 for p in pages if p.lang == 'zh')} Chinese)",
              "", *rows, ""]
    failed = False
    for set_name in ("held-out pages (test)", "seeds"):
        if (set_name, "canon") not in results:
            continue
        br, cr = results[(set_name, "canon")]
        checks = [(f"content kept {cr:.3f} >= 0.99", cr >= 0.99),
                  (f"boilerplate caught {br:.3f} >= 0.90", br >= 0.90)]
        for peer in ("jusText", "jusText (tuned)"):
            jbr, jcr = results[(set_name, peer)]
            checks.append((f"better than {peer} (content {cr:.3f} vs {jcr:.3f}, boilerplate {br:.3f} vs {jbr:.3f})",
                           cr >= jcr and br >= jbr and (cr, br) != (jcr, jbr)))
        for what, ok in checks:
            report.append(f"{'PASS' if ok else 'MISS'} {set_name}: {what}")
            failed |= not ok
    text = "\n".join(report)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 1 if failed else 0


def explain(canon: Path, corpus: Path, furniture: Path | None) -> list[dict]:
    cmd = [str(canon), "boilerplate", "explain", str(corpus)]
    if furniture:
        cmd += ["--boilerplate-from", str(furniture)]
    return [json.loads(l) for l in subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.splitlines()]


def samples(pages: list[Page], reports: list[dict]) -> list[tuple[list[float], int]]:
    by_id = {p.id: p for p in pages}
    out = []
    for report in reports:
        page = by_id[report["id"]]
        line = next(l for l in page.lines if l.start <= report["start"] < l.end + 1)
        out.append((list(report["features"].values()), 1 if line.boilerplate else 0))
    return out


def solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    n = len(vector)
    a = [row[:] + [v] for row, v in zip(matrix, vector)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(n):
            if r != col and a[col][col]:
                f = a[r][col] / a[col][col]
                a[r] = [x - f * y for x, y in zip(a[r], a[col])]
    return [a[i][n] / a[i][i] for i in range(n)]


def fit_logistic(data: list[tuple[list[float], int]]) -> list[float]:
    n = len(data[0][0])
    w = [0.0] * n
    for _ in range(30):
        grad = [L2 * x for x in w]
        grad[0] -= L2 * w[0]  # no penalty on the bias
        hess = [[(L2 if i == j and i else 0.0) for j in range(n)] for i in range(n)]
        for x, y in data:
            z = max(-30.0, min(30.0, sum(a * b for a, b in zip(x, w))))
            p = 1 / (1 + math.exp(-z))
            weight = 1.0 if y else CONTENT_WEIGHT
            for i in range(n):
                grad[i] += weight * (p - y) * x[i]
                s = weight * p * (1 - p) * x[i]
                if s:
                    row = hess[i]
                    for j in range(n):
                        row[j] += s * x[j]
        for i in range(n):
            hess[i][i] += 1e-6
        step = solve(hess, grad)
        w = [a - b for a, b in zip(w, step)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return w


def fit(args) -> int:
    canon = canon_binary(args.canon)
    pages = load_pages()
    tune = [p for p in pages if p.split == "tune"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus = write_corpus(pages, folder)
        furniture = learn(canon, corpus, folder)
        tune_path = folder / "tune.jsonl"
        with tune_path.open("w", encoding="utf-8") as out:
            for page in tune:
                out.write(json.dumps({"id": page.id, "source": page.site, "text": page.text}, ensure_ascii=False) + "\n")
        reports = explain(canon, tune_path, None) + explain(canon, tune_path, furniture)
    names = list(reports[0]["features"].keys())
    data = samples(tune, reports)
    w = fit_logistic(data)
    probabilities = []
    for x, y in data:
        z = max(-30.0, min(30.0, sum(a * b for a, b in zip(x, w))))
        probabilities.append((1 / (1 + math.exp(-z)), y))
    content = sorted(p for p, y in probabilities if y == 0)
    # The lowest threshold that keeps KEEP_CONTENT of the content lines.
    keep = math.ceil(KEEP_CONTENT * len(content))
    threshold = content[keep - 1] + 1e-4 if keep <= len(content) else 0.5
    threshold = max(threshold, 0.5)
    caught = sum(1 for p, y in probabilities if y == 1 and p >= threshold) / max(1, sum(y for _, y in probabilities))
    kept = sum(1 for p, y in probabilities if y == 0 and p < threshold) / max(1, len(content))
    stop_index = names.index("stop_share")
    stop = [x[stop_index] for x, _ in data]
    lines = [
        "# Weights of the boilerplate score (see src/boilerplate/model.rs), written by",
        "# `python3 scripts/eval_boilerplate.py fit` from the tune split of data/eval/boilerplate",
        f"# ({len(tune)} pages, {len(data) // 2} lines, each seen without and with learned furniture).",
        f"# On that split: boilerplate caught {caught:.3f}, content kept {kept:.3f}.",
        f"threshold = {threshold:.4f}",
        "# Stop-word share assumed where no list applies: the tune split's mean.",
        f"stop_share_unknown = {sum(stop) / len(stop):.4f}",
        "",
        "[weights]",
        *[f"{name} = {weight:.4f}" for name, weight in zip(names, w)],
    ]
    WEIGHTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["score", "fit"])
    parser.add_argument("--canon", type=Path, help="canon binary (default: build target/release/canon)")
    parser.add_argument("--out", type=Path, help="also write the score report here")
    args = parser.parse_args()
    return score(args) if args.command == "score" else fit(args)


if __name__ == "__main__":
    sys.exit(main())
