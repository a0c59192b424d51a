#!/usr/bin/env python3
"""Entity audit of canon on real news text (Python 3.11+, standard library for scoring).

The audit measures canon's entity mentions on text nobody on the team wrote: BBC
English news, PKU Chinese newswire and the seed pages in
../shared/corpus/bench-mixed.jsonl.  The repository keeps only record ids, offsets,
entity ids and labels (data/eval/audit/); the text is re-read from ../shared at run
time and checked against the SHA-256 stored for every sampled record.

    python3 scripts/audit_entities.py score [--canon PATH] [--list-errors]
                                            [--min-strict-precision X] [--min-recall Y]
        Run canon over the sampled documents and score its mentions against the
        judgements: strict and lenient precision, recall on names the table knows,
        and the number of canon mentions nobody has judged yet, per language; errors
        counted by kind.  With the --min-* options it exits 1 when a language is below.

    python3 scripts/audit_entities.py pending [--canon PATH] [--candidates] [--template FILE]
        (alias: judge)  List canon mentions (and with --candidates, every alias
        occurrence; needs opencc) that have no judgement yet, with their context, so
        that a changed matcher or a bigger table can be judged incrementally.
        --template writes them as JSON Lines to judge (fill in `label`); it refuses a
        path inside the repository because the file holds third-party text.

    python3 scripts/audit_entities.py add FILE [--relabel]
        Validate judged lines (from a --template file) and append them to
        data/eval/audit/judgements.jsonl without their text fields.  With --relabel,
        lines for candidates already judged replace those judgements in place (labels
        follow the table: after it grows, a name inside a longer name it now knows is
        re-judged, GUIDELINES.md rule 24).

    python3 scripts/audit_entities.py sample
        Rebuild data/eval/audit/sample.json: all PKU records, all seed pages and a
        seeded random sample of BBC records stratified by category.

    python3 scripts/audit_entities.py unknown-names [--write]
        The most frequent proper names in BBC and PKU that the alias table does not
        know (needs jieba: pip install -r scripts/requirements-eval.txt).

    python3 scripts/audit_entities.py selftest
        Check the scorer's logic on synthetic documents and judgements (no corpus).

Offsets are Unicode code points into a record's original `text` (canon's own
`entities[].start/end`), so in Python text[start:end] is the surface.  The labels and
how they were decided are in data/eval/audit/GUIDELINES.md.

Scoring rules:
  * a canon mention is judged when a judgement has the same (doc, start, end, entity);
    unjudged mentions are counted and listed, never scored as right or wrong;
  * strict precision = correct / judged mentions; lenient precision also counts
    `part-of-longer-name` (a known name inside a longer name the table does not know)
    as right;
  * recall: every `correct` judgement is a gold mention; overlapping `correct`
    judgements of the same entity in one document are one gold occurrence (北京 and
    北京市 are two acceptable spans of one mention), found when canon emits any of them;
  * candidates (every alias occurrence and every canon mention) are judged, so gold
    includes the names canon misses.

Missing corpus: every command but `selftest` and `add` needs ../shared/corpus; when it is
missing the command says so and exits 0 (skipped), or 2 when the environment variable
CI is set.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AUDIT_DIR = ROOT / "data" / "eval" / "audit"
SAMPLE = AUDIT_DIR / "sample.json"
JUDGEMENTS = AUDIT_DIR / "judgements.jsonl"
UNKNOWN_NAMES = AUDIT_DIR / "unknown-names.md"
STOPWORDS_EN = AUDIT_DIR / "title-case-stopwords.txt"
NOT_NAMES = AUDIT_DIR / "unknown-names-not-names.txt"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_FILE = "bench-mixed.jsonl"
DEFAULT_CANON = ROOT / "target" / "release" / "canon"

LANGS = ("en", "zh")
LABELS = ("correct", "wrong-entity", "not-a-name", "part-of-longer-name")
# Why a candidate is hard (the kinds of issue #13); optional on a judgement, used to
# group errors.  `common-word` is an alias used as an ordinary word (us, apple, 和平).
KINDS = (
    "compound",
    "nested",
    "case-apostrophe",
    "longer-name",
    "support",
    "short-form",
    "folding",
    "work-title",
    "routing",
    "common-word",
    "other",
)
JUDGEMENT_KEYS = {"doc", "start", "end", "entity", "label", "correct_entity", "kind", "note"}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# BBC sample: records per category, drawn with this seed (see `sample`).
SAMPLE_SEED = 13
BBC_SAMPLE_SIZE = 100

# Apostrophe and dash forms folded before matching candidates (issue #13, kind 3).
APOSTROPHES = "\u2018\u2019\u02bc\u0060\u00b4\uff07\u2032"
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"


class AuditError(Exception):
    """A problem with the audit's data or inputs, reported without a traceback."""


class CorpusMissing(AuditError):
    """../shared/corpus (or a sampled record in it) is not there."""


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Doc:
    """A sampled record: its id, language (en or zh) and source."""

    id: str
    lang: str
    source: str


@dataclass(frozen=True)
class Mention:
    """One entity mention: code-point span [start, end) of `doc`'s text."""

    doc: str
    start: int
    end: int
    entity: str

    @property
    def key(self) -> tuple[str, int, int, str]:
        return (self.doc, self.start, self.end, self.entity)


def load_sample(path: Path = SAMPLE) -> tuple[list[Doc], dict[str, str]]:
    """The sampled documents in order, and the SHA-256 of each one's text."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    docs = [Doc(d["id"], d["lang"], d["source"]) for d in raw["docs"]]
    for d in docs:
        if d.lang not in LANGS:
            raise AuditError(f"{path}: record {d.id} has language {d.lang!r}, expected one of {LANGS}")
    return docs, {d["id"]: d["sha256"] for d in raw["docs"]}


def sample_files(path: Path = SAMPLE) -> dict[str, str]:
    """Record id -> file under the corpus folder that holds the same text (the seed pages)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {d["id"]: d["file"] for d in raw["docs"] if d.get("file")}


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def corpus_file(corpus: Path) -> Path:
    path = corpus / CORPUS_FILE
    if not path.is_file():
        raise CorpusMissing(f"corpus file {path} not found (the audit re-reads its text from ../shared/corpus)")
    return path


def read_corpus(corpus: Path) -> list[dict]:
    """Every record of bench-mixed.jsonl (id, source, text)."""
    with corpus_file(corpus).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_texts(corpus: Path, hashes: dict[str, str], files: dict[str, str] | None = None) -> dict[str, str]:
    """The text of every sampled record, checked against its stored hash; records that
    `files` maps to a file (the seed pages in seeds/) are checked against it too."""
    texts = {}
    for rec in read_corpus(corpus):
        rid = rec.get("id")
        if rid in hashes:
            texts[rid] = rec["text"]
    missing = sorted(hashes.keys() - texts.keys())
    if missing:
        raise CorpusMissing(f"{len(missing)} sampled record(s) not in {corpus / CORPUS_FILE}: {', '.join(missing[:5])}")
    changed = sorted(rid for rid, text in texts.items() if sha256(text) != hashes[rid])
    if changed:
        raise AuditError(
            f"{len(changed)} sampled record(s) differ from the audited text (SHA-256 mismatch): "
            f"{', '.join(changed[:5])}; the judgements' offsets no longer apply"
        )
    for rid, rel in (files or {}).items():
        path = corpus / rel
        if not path.is_file():
            raise CorpusMissing(f"{path} (the text of {rid}) not found")
        if sha256(path.read_text(encoding="utf-8")) != hashes[rid]:
            raise AuditError(f"{path} no longer holds the audited text of {rid}")
    return texts


def load_judgements(path: Path = JUDGEMENTS) -> dict[tuple[str, int, int, str], dict]:
    """Judgements keyed by (doc, start, end, entity); raises AuditError on bad lines."""
    out: dict[tuple[str, int, int, str], dict] = {}
    if not path.exists():
        return out
    errors = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{lineno}"
        try:
            j = json.loads(line)
            problem = judgement_problem(j)
        except json.JSONDecodeError as e:
            problem = f"not JSON ({e})"
        if problem:
            errors.append(f"{where}: {problem}")
            continue
        key = (j["doc"], j["start"], j["end"], j["entity"])
        if key in out:
            errors.append(f"{where}: duplicate judgement for {key}")
            continue
        out[key] = j
    if errors:
        raise AuditError("bad judgements:\n  " + "\n  ".join(errors))
    return out


def judgement_problem(j: object) -> str | None:
    """Why `j` is not a valid judgement line, or None."""
    if not isinstance(j, dict):
        return "not a JSON object"
    extra = set(j) - JUDGEMENT_KEYS
    if extra:
        return f"unexpected field(s) {sorted(extra)} (judgements hold ids, offsets and labels only, no text)"
    for k in ("doc", "start", "end", "entity", "label"):
        if k not in j:
            return f"missing field {k!r}"
    if not (isinstance(j["start"], int) and isinstance(j["end"], int) and 0 <= j["start"] < j["end"]):
        return f"bad span {j['start']!r}-{j['end']!r}"
    if not ID_RE.match(str(j["entity"])):
        return f"bad entity id {j['entity']!r}"
    if j["label"] not in LABELS:
        return f"label {j['label']!r} is not one of {', '.join(LABELS)}"
    ce = j.get("correct_entity")
    if ce is not None:
        if j["label"] not in ("wrong-entity", "part-of-longer-name"):
            return "correct_entity is only for wrong-entity and part-of-longer-name"
        if not ID_RE.match(str(ce)):
            return f"bad correct_entity {ce!r}"
    if j.get("kind") is not None and j["kind"] not in KINDS:
        return f"kind {j['kind']!r} is not one of {', '.join(KINDS)}"
    if j.get("note") is not None and (not isinstance(j["note"], str) or len(j["note"]) > 200):
        return "note must be a short string"
    return None


# --------------------------------------------------------------------------- canon


def run_canon(canon: Path, docs: list[Doc], texts: dict[str, str], extra: list[str]) -> dict[str, list[Mention]]:
    """canon's mentions per document, from `canon normalize` over the sampled records."""
    if not (canon.is_file() and os.access(canon, os.X_OK)):
        raise AuditError(f"canon binary {canon} not found or not executable (build it with `cargo build --release`)")
    payload = "".join(json.dumps({"id": d.id, "text": texts[d.id]}, ensure_ascii=False) + "\n" for d in docs)
    cmd = [str(canon), "normalize", "-q", *extra]
    proc = subprocess.run(cmd, check=False, input=payload, capture_output=True, text=True, encoding="utf-8")
    if proc.returncode != 0:
        raise AuditError(f"`{' '.join(cmd)}` exited with {proc.returncode}:\n{proc.stderr.strip()}")
    out: dict[str, list[Mention]] = {}
    for line in proc.stdout.splitlines():
        rec = json.loads(line)
        rid = rec["id"]
        text = texts[rid]
        ms = []
        for e in rec.get("entities") or []:
            m = Mention(rid, int(e["start"]), int(e["end"]), str(e["id"]))
            if text[m.start : m.end] != e.get("surface"):
                raise AuditError(f"{rid}: canon's surface {e.get('surface')!r} is not text[{m.start}:{m.end}]")
            ms.append(m)
        out[rid] = ms
    lost = [d.id for d in docs if d.id not in out]
    if lost:
        raise AuditError(f"canon wrote no output for {len(lost)} record(s): {', '.join(lost[:5])}")
    return out


def aliases_arguments(extra: list[str]) -> list[str]:
    """The --aliases arguments among extra `canon normalize` arguments, for `canon alias`."""
    out = []
    it = iter(extra)
    for a in it:
        if a == "--aliases":
            out += [a, next(it, "")]
        elif a.startswith("--aliases="):
            out.append(a)
    return out


def canon_resolves(canon: Path, extra: list[str], names: list[str]) -> set[str]:
    """The names of `names` that `canon alias lookup` resolves (to one entity or to several),
    with canon's own key: the dots of initials, widths, scripts and case as documents fold
    them (George W Bush is George W. Bush)."""
    aliases_args = aliases_arguments(extra)
    resolved = set()
    for i in range(0, len(names), 500):
        batch = names[i:i + 500]
        cmd = [str(canon), "alias", "lookup", "--json", *aliases_args, "--", *batch]
        proc = subprocess.run(cmd, check=False, capture_output=True, text=True, encoding="utf-8")
        if proc.returncode not in (0, 1):
            raise AuditError(f"`canon alias lookup` exited with {proc.returncode}:\n{proc.stderr.strip()}")
        for line in proc.stdout.splitlines():
            r = json.loads(line)
            if r["id"] is not None or r["ambiguous"]:
                resolved.add(r["query"])
    return resolved


def canon_aliases(canon: Path, extra: list[str]) -> dict[str, list[str]]:
    """Entity id -> aliases, from `canon alias list --json` (with the same --aliases)."""
    aliases_args = aliases_arguments(extra)
    cmd = [str(canon), "alias", "list", "--json", *aliases_args]
    proc = subprocess.run(cmd, check=False, capture_output=True, text=True, encoding="utf-8")
    if proc.returncode != 0:
        raise AuditError(f"`{' '.join(cmd)}` exited with {proc.returncode}:\n{proc.stderr.strip()}")
    table = {}
    for line in proc.stdout.splitlines():
        e = json.loads(line)
        table[e["id"]] = list(e["aliases"])
    return table


# --------------------------------------------------------------------------- scoring


@dataclass
class Tally:
    """Counts for one row of the score table."""

    docs: int = 0
    mentions: int = 0
    judged: int = 0
    labels: Counter = field(default_factory=Counter)
    gold: int = 0
    found: int = 0

    def add(self, other: Tally) -> None:
        self.docs += other.docs
        self.mentions += other.mentions
        self.judged += other.judged
        self.labels.update(other.labels)
        self.gold += other.gold
        self.found += other.found

    @property
    def unjudged(self) -> int:
        return self.mentions - self.judged

    @property
    def strict(self) -> float | None:
        return self.labels["correct"] / self.judged if self.judged else None

    @property
    def lenient(self) -> float | None:
        ok = self.labels["correct"] + self.labels["part-of-longer-name"]
        return ok / self.judged if self.judged else None

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None


@dataclass
class Result:
    """The outcome of scoring: tallies per language and the mentions behind them."""

    tallies: dict[str, Tally]
    false_hits: list[tuple[Mention, dict]]  # canon mention and its non-correct judgement
    misses: list[tuple[list[dict], list[Mention]]]  # gold occurrence, canon mentions overlapping it
    unjudged: list[Mention]

    def overall(self) -> Tally:
        t = Tally()
        for lang in LANGS:
            t.add(self.tallies[lang])
        return t


def gold_occurrences(judgements: dict[tuple, dict]) -> dict[str, list[list[dict]]]:
    """Per document, the `correct` judgements grouped into occurrences: overlapping spans of one entity."""
    by_doc_entity: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for j in judgements.values():
        if j["label"] == "correct":
            by_doc_entity[(j["doc"], j["entity"])].append(j)
    out: dict[str, list[list[dict]]] = defaultdict(list)
    for (doc, _), js in sorted(by_doc_entity.items()):
        js.sort(key=lambda j: (j["start"], j["end"]))
        group: list[dict] = []
        group_end = -1
        for j in js:
            if group and j["start"] < group_end:
                group.append(j)
                group_end = max(group_end, j["end"])
            else:
                if group:
                    out[doc].append(group)
                group, group_end = [j], j["end"]
        if group:
            out[doc].append(group)
    for groups in out.values():
        groups.sort(key=lambda g: (g[0]["start"], g[0]["entity"]))
    return out


def score(docs: list[Doc], mentions: dict[str, list[Mention]], judgements: dict[tuple, dict]) -> Result:
    """Score canon's mentions of the sampled `docs` against `judgements` (see module doc)."""
    tallies = {lang: Tally() for lang in LANGS}
    false_hits: list[tuple[Mention, dict]] = []
    misses: list[tuple[list[dict], list[Mention]]] = []
    unjudged: list[Mention] = []
    gold = gold_occurrences(judgements)
    for d in docs:
        t = tallies[d.lang]
        t.docs += 1
        ms = mentions.get(d.id, [])
        emitted = {m.key for m in ms}
        for m in ms:
            t.mentions += 1
            j = judgements.get(m.key)
            if j is None:
                unjudged.append(m)
                continue
            t.judged += 1
            t.labels[j["label"]] += 1
            if j["label"] != "correct":
                false_hits.append((m, j))
        for occ in gold.get(d.id, []):
            t.gold += 1
            if any((j["doc"], j["start"], j["end"], j["entity"]) in emitted for j in occ):
                t.found += 1
            else:
                lo, hi = min(j["start"] for j in occ), max(j["end"] for j in occ)
                near = [m for m in ms if m.start < hi and lo < m.end]
                misses.append((occ, near))
    return Result(tallies, false_hits, misses, unjudged)


def fmt(x: float | None) -> str:
    return "   -  " if x is None else f"{x:6.3f}"


def print_table(res: Result, out=sys.stdout) -> None:
    """The score table: counts, strict/lenient precision and recall per language."""
    head = (
        f"{'lang':<8} {'docs':>5} {'canon':>6} {'judged':>6} {'unjudg':>6} {'correct':>7} {'wrong':>5} "
        f"{'notname':>7} {'partof':>6} {'strictP':>7} {'lenP':>6} {'gold':>5} {'found':>5} {'recall':>6}"
    )
    print(head, file=out)
    print("-" * len(head), file=out)
    rows = [(lang, res.tallies[lang]) for lang in LANGS] + [("overall", res.overall())]
    for name, t in rows:
        print(
            f"{name:<8} {t.docs:>5} {t.mentions:>6} {t.judged:>6} {t.unjudged:>6} {t.labels['correct']:>7} "
            f"{t.labels['wrong-entity']:>5} {t.labels['not-a-name']:>7} {t.labels['part-of-longer-name']:>6} "
            f"{fmt(t.strict):>7} {fmt(t.lenient):>6} {t.gold:>5} {t.found:>5} {fmt(t.recall):>6}",
            file=out,
        )


# --------------------------------------------------------------------------- context


def context(text: str, start: int, end: int, width: int = 40) -> str:
    """The text around [start, end) with the span bracketed; line breaks and invisibles made visible."""
    left = text[max(0, start - width) : start]
    right = text[end : end + width]

    def vis(s: str) -> str:
        return "".join(
            "⏎" if c == "\n" else c if c.isprintable() and c not in "\u200b\u00ad" else f"<U+{ord(c):04X}>" for c in s
        )

    return f"{vis(left)}⟦{vis(text[start:end])}⟧{vis(right)}"


def describe(j: dict) -> str:
    extra = []
    if j.get("correct_entity"):
        extra.append(f"→ {j['correct_entity']}")
    if j.get("note"):
        extra.append(j["note"])
    return f"[{j['label']}{' ' + ' '.join(extra) if extra else ''}]"


def kind_counts(res: Result, lang_of: dict[str, str]) -> dict[str, Counter]:
    """Per kind (issue #13's kinds; `unclassified` when the judgement has none), the number
    of false hits and misses per language: keys like `false en`, `miss zh`."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for m, j in res.false_hits:
        counts[j.get("kind") or "unclassified"][f"false {lang_of[m.doc]}"] += 1
    for occ, _ in res.misses:
        kind = next((o["kind"] for o in occ if o.get("kind")), None) or "unclassified"
        counts[kind][f"miss {lang_of[occ[0]['doc']]}"] += 1
    return counts


def print_kinds(res: Result, lang_of: dict[str, str], out=sys.stdout) -> None:
    counts = kind_counts(res, lang_of)
    if not counts:
        return
    head = f"{'errors by kind':<16} {'false en':>8} {'false zh':>8} {'miss en':>8} {'miss zh':>8}"
    print(head, file=out)
    print("-" * len(head), file=out)
    for kind in sorted(counts, key=lambda k: (-sum(counts[k].values()), k)):
        c = counts[kind]
        print(f"{kind:<16} {c['false en']:>8} {c['false zh']:>8} {c['miss en']:>8} {c['miss zh']:>8}", file=out)


def print_errors(res: Result, texts: dict[str, str], out=sys.stdout) -> None:
    """False hits and misses with context, grouped by kind (then by label)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for m, j in res.false_hits:
        kind = j.get("kind") or "unclassified"
        groups[f"false hits · {kind}"].append(
            f"{m.doc:<18} {m.entity:<24} {context(texts[m.doc], m.start, m.end)}  {describe(j)}"
        )
    for occ, near in res.misses:
        j = occ[0]
        kind = next((o["kind"] for o in occ if o.get("kind")), None) or "unclassified"
        instead = "; ".join(f"{m.entity} {texts[m.doc][m.start : m.end]!r}" for m in near)
        groups[f"misses · {kind}"].append(
            f"{j['doc']:<18} {j['entity']:<24} {context(texts[j['doc']], j['start'], j['end'])}"
            + (f"  [canon instead: {instead}]" if instead else "")
            + (f"  ({j['note']})" if j.get("note") else "")
        )
    for title in sorted(groups, key=lambda g: (not g.startswith("false"), g)):
        items = groups[title]
        print(f"\n{title} ({len(items)})", file=out)
        for it in items:
            print("  " + it, file=out)
    if res.unjudged:
        print(f"\nunjudged canon mentions ({len(res.unjudged)}; not counted; run `pending`)", file=out)
        for m in res.unjudged:
            print(f"  {m.doc:<18} {m.entity:<24} {context(texts[m.doc], m.start, m.end)}", file=out)


# --------------------------------------------------------------------------- candidates


class Folder:
    """Folds text for broad candidate search: NFKC, full case folding, apostrophe and dash
    forms, whitespace runs, traditional to simplified (OpenCC's t2s, character by
    character), keeping a map from folded to original code-point offsets."""

    def __init__(self) -> None:
        try:
            from opencc import OpenCC  # type: ignore[import-not-found]
        except ImportError as e:
            raise AuditError(
                "candidate search needs opencc (traditional → simplified fold): "
                "pip install -r scripts/requirements-eval.txt"
            ) from e
        self._t2s = OpenCC("t2s")
        self._cache: dict[str, str] = {}

    def char(self, c: str) -> str:
        r = self._cache.get(c)
        if r is None:
            s = unicodedata.normalize("NFKC", c)
            s = "".join("'" if ch in APOSTROPHES else "-" if ch in DASHES else " " if ch.isspace() else ch for ch in s)
            # Full case folding; İ folds to i + U+0307, whose dot is dropped so that
            # TÜRKİYE meets Türkiye.
            s = s.casefold().replace("i\u0307", "i")
            t = self._t2s.convert(s)
            if len(t) == len(s):
                s = t
            r = self._cache[c] = s
        return r

    def fold(self, text: str) -> tuple[str, list[int]]:
        """The folded text and, for each of its code points, the offset in `text` it came from."""
        out: list[str] = []
        index: list[int] = []
        prev_space = False
        for i, c in enumerate(text):
            f = self.char(c)
            if f == " ":
                if prev_space:
                    continue
                prev_space = True
            else:
                prev_space = False
            for ch in f:
                out.append(ch)
                index.append(i)
        return "".join(out), index


def is_word_char(c: str) -> bool:
    """A letter or digit of a script that separates words with spaces (not Han, kana, Hangul)."""
    if not c or c in APOSTROPHES or c == "'":
        return False
    if not (c.isalpha() or c.isdigit()):
        return False
    name = unicodedata.name(c, "")
    return not any(s in name for s in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "IDEOGRAPH"))


def find_candidates(folder: Folder, docs: list[Doc], texts: dict[str, str], table: dict[str, list[str]]) -> list[dict]:
    """Every occurrence of every alias as a folded substring, with the word around it."""
    by_alias: dict[str, set[str]] = defaultdict(set)
    for ent, aliases in table.items():
        for a in aliases:
            fa = folder.fold(a)[0].strip()
            if fa:
                by_alias[fa].add(ent)
    out = []
    for d in docs:
        text = texts[d.id]
        ft, index = folder.fold(text)
        for a, ents in by_alias.items():
            k = ft.find(a)
            while k >= 0:
                s, e = index[k], index[k + len(a) - 1] + 1
                inside = (s > 0 and is_word_char(text[s - 1]) and is_word_char(text[s])) or (
                    e < len(text) and is_word_char(text[e]) and is_word_char(text[e - 1])
                )
                for ent in sorted(ents):
                    out.append({"doc": d.id, "start": s, "end": e, "entity": ent, "inside_word": inside})
                k = ft.find(a, k + 1)
    return out


# --------------------------------------------------------------------------- commands


def corpus_guard(fn):
    """Run a command; a missing corpus skips loudly (exit 0), or fails (exit 2) under CI."""

    def wrapped(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except CorpusMissing as e:
            if os.environ.get("CI"):
                print(f"error: {e}; CI is set, so the audit fails", file=sys.stderr)
                return 2
            print(f"SKIPPED: {e}; the entity audit did not run (set CI to make this an error)", file=sys.stderr)
            return 0

    return wrapped


def extra_canon_args(args: argparse.Namespace) -> list[str]:
    extra = []
    for a in args.aliases or []:
        extra += ["--aliases", a]
    return extra + list(args.canon_arg or [])


@corpus_guard
def cmd_score(args: argparse.Namespace) -> int:
    docs, hashes = load_sample(Path(args.sample))
    texts = load_texts(Path(args.corpus), hashes, sample_files(Path(args.sample)))
    judgements = load_judgements(Path(args.judgements))
    extra = extra_canon_args(args)
    mentions = run_canon(Path(args.canon), docs, texts, extra)
    res = score(docs, mentions, judgements)
    print(f"entity audit: {len(docs)} documents, {len(judgements)} judgements; canon {args.canon} {' '.join(extra)}\n")
    print_table(res)
    by_source: dict[str, Tally] = {}
    for src in sorted({d.source for d in docs}):
        sub = [d for d in docs if d.source == src]
        r = score(sub, mentions, judgements)
        by_source[src] = r.overall()
    print(
        "\nby source: "
        + "; ".join(
            f"{s} strict {fmt(t.strict).strip()} lenient {fmt(t.lenient).strip()} recall {fmt(t.recall).strip()} "
            f"({t.judged} judged, {t.unjudged} unjudged, {t.gold} gold)"
            for s, t in by_source.items()
        )
    )
    print()
    print_kinds(res, {d.id: d.lang for d in docs})
    if args.list_errors:
        print_errors(res, texts)
    unj = res.overall().unjudged
    if unj:
        print(
            f"\nWARNING: {unj} canon mention(s) have no judgement and are not counted; "
            "judge them with `pending --template FILE` and `add FILE`."
        )
    failures = gate_failures(res, args.min_strict_precision, args.min_recall)
    if failures:
        print("\nFAIL: " + "; ".join(failures))
        return 1
    return 0


def gate_failures(res: Result, min_strict: float | None, min_recall: float | None) -> list[str]:
    """Languages whose strict precision or recall is below the given minimum (None: no gate)."""
    failures = []
    for lang in LANGS:
        t = res.tallies[lang]
        if min_strict is not None and (t.strict or 0.0) < min_strict:
            failures.append(f"{lang} strict precision {fmt(t.strict).strip()} < {min_strict}")
        if min_recall is not None and (t.recall or 0.0) < min_recall:
            failures.append(f"{lang} recall {fmt(t.recall).strip()} < {min_recall}")
    return failures


@corpus_guard
def cmd_pending(args: argparse.Namespace) -> int:
    docs, hashes = load_sample(Path(args.sample))
    texts = load_texts(Path(args.corpus), hashes, sample_files(Path(args.sample)))
    judgements = load_judgements(Path(args.judgements))
    extra = extra_canon_args(args)
    canon = Path(args.canon)
    mentions = run_canon(canon, docs, texts, extra)
    todo: dict[tuple, dict] = {}
    for d in docs:
        for m in mentions[d.id]:
            if m.key not in judgements:
                todo[m.key] = {"doc": m.doc, "start": m.start, "end": m.end, "entity": m.entity, "_canon": True}
    if args.candidates:
        folder = Folder()
        for c in find_candidates(folder, docs, texts, canon_aliases(canon, extra)):
            key = (c["doc"], c["start"], c["end"], c["entity"])
            if key not in judgements and key not in todo:
                todo[key] = {k: c[k] for k in ("doc", "start", "end", "entity")} | {
                    "_canon": False,
                    "_inside_word": c["inside_word"],
                }
    rows = sorted(todo.values(), key=lambda r: (r["doc"], r["start"], r["end"], r["entity"]))
    for r in rows:
        text = texts[r["doc"]]
        r["_surface"] = text[r["start"] : r["end"]]
        r["_context"] = context(text, r["start"], r["end"], args.width)
        r["label"] = None
    if args.template:
        tpl = Path(args.template).resolve()
        if tpl.is_relative_to(ROOT):
            raise AuditError(f"{tpl} is inside the repository; templates hold third-party text, write them elsewhere")
        with tpl.open("w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"wrote {len(rows)} unjudged item(s) to {tpl}; fill in `label` and run `add {tpl}`")
    else:
        for r in rows:
            tag = "canon" if r["_canon"] else ("in-word" if r.get("_inside_word") else "alias")
            print(f"{tag:<7} {r['doc']:<18} {r['start']:>6} {r['end']:>6} {r['entity']:<24} {r['_context']}")
        print(f"\n{len(rows)} unjudged item(s)")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    existing = load_judgements(Path(args.judgements))
    new = []
    replaced: dict[tuple, dict] = {}
    errors = []
    for lineno, line in enumerate(Path(args.file).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        j = {k: v for k, v in json.loads(line).items() if not k.startswith("_") and v is not None}
        if "label" not in j:
            errors.append(f"{args.file}:{lineno}: no label")
            continue
        problem = judgement_problem(j)
        key = (j.get("doc"), j.get("start"), j.get("end"), j.get("entity"))
        if problem is None and key in existing and not (args.relabel and key not in replaced):
            problem = "already judged" + ("" if args.relabel else " (a re-judgement needs --relabel)")
        if problem:
            errors.append(f"{args.file}:{lineno}: {problem}")
            continue
        if key in existing:
            replaced[key] = j
        else:
            new.append(j)
        existing[key] = j
    if errors:
        print("error: nothing appended:\n  " + "\n  ".join(errors), file=sys.stderr)
        return 1
    path = Path(args.judgements)
    if replaced:
        # re-judged lines keep their place in the file; the others are unchanged
        lines = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                j = json.loads(line)
                j = replaced.get((j["doc"], j["start"], j["end"], j["entity"]), j)
                lines.append(dump_judgement(j))
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    with path.open("a", encoding="utf-8") as f:
        for j in new:
            f.write(dump_judgement(j) + "\n")
    print(f"appended {len(new)} and replaced {len(replaced)} judgement(s) in {args.judgements}")
    return 0


def dump_judgement(j: dict) -> str:
    order = ["doc", "start", "end", "entity", "label", "correct_entity", "kind", "note"]
    return json.dumps({k: j[k] for k in order if j.get(k) is not None}, ensure_ascii=False)


def bbc_category(rid: str) -> str:
    """bbc-business-001 -> business."""
    return rid.split("-")[1]


@corpus_guard
def cmd_sample(args: argparse.Namespace) -> int:
    records = read_corpus(Path(args.corpus))
    rng = random.Random(SAMPLE_SEED)
    bbc = defaultdict(list)
    for r in records:
        if r["source"] == "bbc":
            bbc[bbc_category(r["id"])].append(r)
    total = sum(len(v) for v in bbc.values())
    chosen: set[str] = set()
    # Largest remainder allocation of BBC_SAMPLE_SIZE over the categories.
    quotas = {c: BBC_SAMPLE_SIZE * len(v) / total for c, v in sorted(bbc.items())}
    take = {c: int(q) for c, q in quotas.items()}
    for c in sorted(quotas, key=lambda c: quotas[c] - take[c], reverse=True)[: BBC_SAMPLE_SIZE - sum(take.values())]:
        take[c] += 1
    for c in sorted(bbc):
        chosen.update(r["id"] for r in rng.sample(bbc[c], take[c]))
    docs = []
    for r in records:
        src = r["source"]
        if src == "sighan-pku":
            lang = "zh"
        elif src == "seed":
            lang = "zh" if han_share(r["text"]) > 0.2 else "en"
        elif r["id"] in chosen:
            lang = "en"
        else:
            continue
        doc = {"id": r["id"], "source": src, "lang": lang, "sha256": sha256(r["text"])}
        if src == "seed":
            doc["file"] = seed_file(Path(args.corpus), r)
        docs.append(doc)
    doc = {
        "about": (
            "Documents of the entity audit (scripts/audit_entities.py): record ids in "
            "../shared/corpus/bench-mixed.jsonl, the language they are scored under, and the "
            "SHA-256 of their text. All PKU records and all seed pages (identical to "
            "../shared/corpus/seeds/), and a random sample of BBC records stratified by category."
        ),
        "seed": SAMPLE_SEED,
        "bbc_per_category": take,
        "docs": docs,
    }
    Path(args.sample).write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"wrote {len(docs)} documents to {args.sample}: "
        + ", ".join(f"{k} {v}" for k, v in Counter(d["source"] for d in docs).items())
    )
    return 0


def seed_file(corpus: Path, rec: dict) -> str:
    """The file under seeds/ holding the same text as seed record `rec` (seed-003 ->
    seeds/003_*.txt), relative to the corpus folder; AuditError when there is none."""
    number = rec["id"].removeprefix("seed-")
    for path in sorted((corpus / "seeds").glob(f"{number}_*.txt")):
        if path.read_text(encoding="utf-8") == rec["text"]:
            return str(path.relative_to(corpus))
    raise AuditError(f"no file in {corpus / 'seeds'} holds the text of {rec['id']}")


def han_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    han = sum(1 for c in letters if "CJK" in unicodedata.name(c, ""))
    return han / len(letters) if letters else 0.0


# --------------------------------------------------------------------------- unknown names

# A word of a title-case run: capitalised (Yukos, McDonald's, Coca-Cola, G7) or an acronym.
TITLE_WORD_RE = re.compile(r"[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*|&")
TOKEN_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9'’.&-]*[A-Za-z0-9])?|&|[^\sA-Za-z0-9]+")
CONNECTORS = {"of", "the", "de", "for", "&"}
# Standard affixes after a Chinese name (北京市, 法国人): such a word counts as the bare name.
CHINESE_AFFIXES = ("市", "省", "县", "区", "人", "方", "籍", "国")
JIEBA_NAME_TAGS = ("nr", "ns", "nt")
DEMONYM_ENDINGS = {"", "n", "an", "ian", "ean", "ese", "i", "ish", "ic"}


def english_name_runs(text: str, words: Counter) -> list[str]:
    """Maximal title-case runs of `text` (of/the/for/de/& allowed inside), possessive
    's dropped.  A sentence's first word starts a run only when the corpus (`words`: token
    counts, case kept) writes it in lower case less than a tenth as often as capitalised,
    so However and It's do not count while Yukos does."""
    runs = []
    for sentence in re.split(r"(?<=[.!?:;\"”])\s+|\n+", text):
        tokens = TOKEN_RE.findall(sentence)
        run: list[str] = []
        for i, tok in enumerate(tokens + [""]):
            bare = tok.rstrip(".")
            word = re.sub(r"['’]s$", "", bare)
            title = bool(word) and TITLE_WORD_RE.fullmatch(word) is not None
            if title and i == 0 and word != "&":
                lower = words[word.lower()]
                title = lower == 0 or lower * 10 < words[word]
            if title or (run and word.lower() in CONNECTORS):
                run.append(word)
                if word == bare:
                    continue
                # A possessive ends the name: China's Lenovo is two names.
            while run and run[-1].lower() in CONNECTORS:
                run.pop()
            while run and run[0].lower() in CONNECTORS:
                run.pop(0)
            if run:
                runs.append(" ".join(run))
            run = []
    return runs


def derived_from_known(word: str, known_words: set[str]) -> bool:
    """True when `word` looks like an adjective or demonym made from a known one-word name:
    the two share a prefix of at least four letters that lacks at most one of the name's
    letters, and the rest of `word` is a demonym ending (European from Europe, German
    from Germany, Chinese from China; not Eurostar)."""
    w = word.lower()
    for k in known_words:
        n = 0
        for a, b in zip(w, k):
            if a != b:
                break
            n += 1
        if n >= 4 and n >= len(k) - 1 and w != k and w[n:] in DEMONYM_ENDINGS:
            return True
    return False


def read_word_list(path: Path) -> set[str]:
    return {
        line.split("#", 1)[0].strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.split("#", 1)[0].strip()
    }


def cmd_unknown_names(args: argparse.Namespace) -> int:
    return _unknown_names(args)


@corpus_guard
def _unknown_names(args: argparse.Namespace) -> int:
    try:
        import jieba  # type: ignore[import-not-found]
        import jieba.posseg  # type: ignore[import-not-found]
    except ImportError:
        raise AuditError("unknown-names needs jieba: pip install -r scripts/requirements-eval.txt")
    records = read_corpus(Path(args.corpus))
    canon = Path(args.canon)
    extra = extra_canon_args(args)
    table = canon_aliases(canon, extra)
    folder = Folder()
    known = {folder.fold(a)[0].strip() for aliases in table.values() for a in aliases}
    known_words = {k for k in known if k.isalpha() and k.isascii()}
    stop = read_word_list(STOPWORDS_EN)
    not_names = read_word_list(NOT_NAMES)

    def folds_to_alias(name: str) -> bool:
        f = folder.fold(name)[0].strip()
        return f in known or f.removeprefix("the ") in known

    def chinese_stem(word: str) -> str:
        for a in CHINESE_AFFIXES:
            if word.endswith(a) and len(word) > 2:
                return word[: -len(a)]
        return word

    bbc = [r for r in records if r["source"] == "bbc"]
    pku = [r for r in records if r["source"] == "sighan-pku"]
    words = Counter(w for r in bbc for w in TOKEN_RE.findall(r["text"]))
    en_runs = []
    for r in bbc:
        for run in english_name_runs(r["text"], words):
            parts = run.split()
            while parts and parts[0] in stop:
                parts.pop(0)
            en_runs.append((" ".join(parts), parts))
    jieba.setLogLevel(60)
    zh_words = [(w, tag) for r in pku for w, tag in jieba.posseg.cut(r["text"])
                if tag.startswith(JIEBA_NAME_TAGS) and len(w) >= 2]
    # What the folded aliases do not answer, canon's lookup does, with its own key.
    asked = sorted({run for run, _ in en_runs if run and not folds_to_alias(run)}
                   | {x for w, _ in zh_words for x in (w, chinese_stem(w)) if not folds_to_alias(x)})
    resolved = canon_resolves(canon, extra, asked)

    def is_known(name: str) -> bool:
        return folds_to_alias(name) or name in resolved

    en: Counter = Counter()
    en_left_out: Counter = Counter()
    for run, parts in en_runs:
        if not run or run in stop or is_known(run):
            continue
        if run in not_names or (len(parts) == 1 and derived_from_known(run, known_words)):
            en_left_out[run] += 1
            continue
        en[run] += 1
    zh: Counter = Counter()
    zh_tags: dict[str, Counter] = defaultdict(Counter)
    zh_left_out: Counter = Counter()
    for w, tag in zh_words:
        stem = chinese_stem(w)
        if is_known(w) or is_known(stem):
            continue
        if w in not_names or stem in not_names:
            zh_left_out[w] += 1
            continue
        zh[stem] += 1
        zh_tags[stem][tag] += 1
    top = args.top
    rel = canon.relative_to(ROOT) if canon.is_relative_to(ROOT) else canon
    lines = [
        "# Frequent names the alias table does not know",
        "",
        "Generated by `python3 scripts/audit_entities.py unknown-names --write` (needs",
        "`pip install -r scripts/requirements-eval.txt`) from",
        f"`../shared/corpus/{CORPUS_FILE}`: all {len(bbc)} BBC records and all {len(pku)} PKU records,",
        f"against the alias table of `{rel}` ({len(table)} entities). Names and counts only.",
        "Issue #16 uses it: rerun after the table grows and compare.",
        "",
        "## Method",
        "",
        "* English: maximal runs of title-case words (a capital letter first: Yukos, G7, BBC;",
        "  `of`, `the`, `for`, `de` and `&` allowed between them), possessive `'s`",
        "  dropped. A sentence's first word starts a run only when the corpus writes it in",
        "  lower case less than a tenth as often as capitalised (so `However` does not count).",
        "  Leading honorifics, titles and calendar words are stripped",
        "  (`data/eval/audit/title-case-stopwords.txt`).",
        "* Chinese: words that jieba 0.42.1 (`jieba.posseg.cut`, default dictionary, HMM on)",
        "  tags `nr*` (person), `ns*` (place) or `nt*` (organisation), two characters or more;",
        "  a word ending in a standard affix (市 省 县 区 人 方 籍 国) counts as its stem",
        "  (黑龙江省 → 黑龙江).",
        "* Known: the folded form (NFKC, full case folding, traditional → simplified) equals an",
        "  alias of the table, optionally after `the`, or `canon alias lookup` resolves it with",
        "  canon's own key (George W Bush is George W. Bush); Chinese also after removing the affix.",
        "* Left out by hand (`data/eval/audit/unknown-names-not-names.txt`): common nouns that",
        "  jieba's dictionary tags as names (城市 ns, 滑雪 nr, 多云 nr) and capitalised common",
        "  nouns and acronyms (TV, PC, DVD); and English one-word adjectives made from a known",
        "  one-word name (European, Japanese: a shared prefix of four letters or more that",
        "  lacks at most one letter of the name, then a demonym ending such as -an, -ese, -i).",
        "  Counted below the tables.",
        "* Counts are runs, not entities: `Tony Blair` and `Blair` are counted apart, and a run",
        "  is not split at a known name inside it (`BBC News`).",
        "",
        f"## BBC (English), top {top}",
        "",
        "| rank | name | count |",
        "| ---: | --- | ---: |",
    ]
    lines += [f"| {i} | {n} | {c} |" for i, (n, c) in enumerate(en.most_common(top), 1)]
    lines += [
        "",
        f"Left out: {sum(en_left_out.values())} runs; most frequent: "
        + ", ".join(f"{n} {c}" for n, c in en_left_out.most_common(12))
        + ".",
        "",
        f"## PKU (Chinese), top {top}",
        "",
        "| rank | name | jieba tags | count |",
        "| ---: | --- | --- | ---: |",
    ]
    lines += [
        f"| {i} | {w} | {', '.join(t for t, _ in zh_tags[w].most_common())} | {c} |"
        for i, (w, c) in enumerate(zh.most_common(top), 1)
    ]
    lines += [
        "",
        f"Left out: {sum(zh_left_out.values())} words; most frequent: "
        + ", ".join(f"{n} {c}" for n, c in zh_left_out.most_common(12))
        + ".",
    ]
    text = "\n".join(lines) + "\n"
    if args.write:
        UNKNOWN_NAMES.write_text(text, encoding="utf-8")
        print(f"wrote {UNKNOWN_NAMES.relative_to(ROOT)}")
    else:
        print(text)
    return 0


# --------------------------------------------------------------------------- selftest


def selftest() -> int:
    """Scorer logic on synthetic documents and judgements; returns the number of failures."""
    import unittest

    def j(doc, s, e, ent, label, **kw):
        return {"doc": doc, "start": s, "end": e, "entity": ent, "label": label, **kw}

    def keyed(js):
        return {(x["doc"], x["start"], x["end"], x["entity"]): x for x in js}

    docs = [Doc("a", "en", "bbc"), Doc("b", "zh", "sighan-pku")]

    class Scorer(unittest.TestCase):
        def test_precision_recall_and_unjudged(self):
            judgements = keyed(
                [
                    j("a", 0, 2, "united-states", "correct"),
                    j("a", 10, 16, "london", "part-of-longer-name"),
                    j("a", 20, 22, "united-states", "not-a-name"),
                    j("a", 30, 35, "apple", "correct"),  # missed by canon
                    j("b", 0, 2, "china", "correct"),
                    j("b", 5, 7, "beijing", "correct"),
                    j("b", 5, 8, "beijing", "correct"),  # 北京 / 北京市: one occurrence
                    j("b", 9, 11, "south-korea", "wrong-entity", correct_entity="north-korea"),
                ]
            )
            mentions = {
                "a": [
                    Mention("a", 0, 2, "united-states"),
                    Mention("a", 10, 16, "london"),
                    Mention("a", 20, 22, "united-states"),
                    Mention("a", 40, 44, "bbc"),
                ],
                "b": [Mention("b", 0, 2, "china"), Mention("b", 5, 8, "beijing"), Mention("b", 9, 11, "south-korea")],
            }
            res = score(docs, mentions, judgements)
            en, zh, all_ = res.tallies["en"], res.tallies["zh"], res.overall()
            self.assertEqual((en.mentions, en.judged, en.unjudged), (4, 3, 1))
            self.assertAlmostEqual(en.strict, 1 / 3)
            self.assertAlmostEqual(en.lenient, 2 / 3)
            self.assertEqual((en.gold, en.found), (2, 1))
            self.assertEqual((zh.gold, zh.found), (2, 2))
            self.assertAlmostEqual(zh.strict, 2 / 3)
            self.assertAlmostEqual(zh.lenient, 2 / 3)  # wrong-entity is wrong in both
            self.assertEqual((all_.judged, all_.unjudged, all_.gold, all_.found), (6, 1, 4, 3))
            self.assertEqual([m.entity for m in res.unjudged], ["bbc"])
            self.assertEqual(
                sorted(x[1]["label"] for x in res.false_hits), ["not-a-name", "part-of-longer-name", "wrong-entity"]
            )
            self.assertEqual([(o[0]["entity"], len(near)) for o, near in res.misses], [("apple", 0)])

        def test_span_or_entity_mismatch_is_unjudged_not_right(self):
            judgements = keyed([j("a", 0, 2, "united-states", "correct")])
            for m in (Mention("a", 0, 3, "united-states"), Mention("a", 0, 2, "china")):
                res = score(docs, {"a": [m], "b": []}, judgements)
                t = res.overall()
                self.assertEqual((t.judged, t.unjudged, t.found), (0, 1, 0))
                self.assertIsNone(t.strict)
                self.assertEqual(len(res.misses), 1)
                self.assertEqual(len(res.misses[0][1]), 1)  # the overlapping mention is shown

        def test_gold_occurrences_group_overlaps_per_entity_only(self):
            occ = gold_occurrences(
                keyed(
                    [
                        j("b", 5, 7, "beijing", "correct"),
                        j("b", 5, 8, "beijing", "correct"),
                        j("b", 7, 9, "beijing", "correct"),  # overlaps the second: same occurrence
                        j("b", 9, 11, "beijing", "correct"),  # touches, does not overlap
                        j("b", 5, 7, "china", "correct"),  # other entity: its own occurrence
                        j("b", 20, 22, "beijing", "not-a-name"),
                    ]
                )
            )
            self.assertEqual(
                [(g[0]["entity"], len(g)) for g in occ["b"]], [("beijing", 3), ("china", 1), ("beijing", 1)]
            )

        def test_gate(self):
            judgements = keyed(
                [
                    j("a", 0, 2, "united-states", "correct"),
                    j("b", 0, 2, "china", "correct"),
                    j("b", 5, 7, "beijing", "correct"),
                ]
            )
            res = score(
                docs, {"a": [Mention("a", 0, 2, "united-states")], "b": [Mention("b", 0, 2, "china")]}, judgements
            )
            self.assertEqual(gate_failures(res, 0.98, None), [])
            self.assertEqual(gate_failures(res, None, 0.98), ["zh recall 0.500 < 0.98"])

        def test_no_mentions_means_no_precision_and_zero_recall(self):
            res = score(docs, {"a": [], "b": []}, keyed([j("b", 0, 2, "china", "correct")]))
            t = res.overall()
            self.assertIsNone(t.strict)
            self.assertEqual(t.recall, 0.0)

        def test_judgement_validation(self):
            ok = j("a", 0, 2, "united-states", "correct")
            self.assertIsNone(judgement_problem(ok))
            self.assertIn("label", judgement_problem(ok | {"label": "right"}))
            self.assertIn("no text", judgement_problem(ok | {"surface": "US"}))
            self.assertIn("span", judgement_problem(ok | {"end": 0}))
            self.assertIn("correct_entity", judgement_problem(ok | {"correct_entity": "china"}))
            self.assertIsNone(judgement_problem(j("a", 0, 2, "x", "wrong-entity", correct_entity="y", kind="nested")))
            self.assertIn("kind", judgement_problem(ok | {"kind": "weird"}))

        def test_duplicate_judgements_are_rejected(self):
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                p = Path(tmp) / "j.jsonl"
                line = json.dumps(j("a", 0, 2, "united-states", "correct"))
                p.write_text(line + "\n" + line + "\n", encoding="utf-8")
                with self.assertRaisesRegex(AuditError, "duplicate"):
                    load_judgements(p)

        def test_add_appends_and_relabels_only_when_asked(self):
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                judged = Path(tmp) / "j.jsonl"
                judged.write_text(json.dumps(j("a", 0, 2, "united-states", "correct")) + "\n", encoding="utf-8")
                todo = Path(tmp) / "todo.jsonl"
                relabel = j("a", 0, 2, "united-states", "part-of-longer-name", correct_entity="us-gov", kind="nested")
                todo.write_text(
                    json.dumps(relabel | {"_context": "x"}) + "\n" + json.dumps(j("a", 3, 5, "uk", "correct")) + "\n",
                    encoding="utf-8",
                )

                def add(*extra):
                    ns = argparse.Namespace(file=str(todo), judgements=str(judged), relabel=bool(extra))
                    return cmd_add(ns)

                self.assertEqual(add(), 1)  # already judged, nothing written
                self.assertEqual(len(load_judgements(judged)), 1)
                self.assertEqual(add("--relabel"), 0)
                after = load_judgements(judged)
                self.assertEqual(len(after), 2)
                self.assertEqual(after[("a", 0, 2, "united-states")]["label"], "part-of-longer-name")
                self.assertNotIn("_context", after[("a", 0, 2, "united-states")])

        def test_context_marks_span_and_line_breaks(self):
            self.assertEqual(context("ab\nUS-based", 3, 5, 3), "ab⏎⟦US⟧-ba")

        def test_title_case_runs(self):
            lower = Counter({"the": 5, "The": 1, "Shares": 1, "shares": 3, "Profits": 1, "profits": 2})
            runs = english_name_runs("Shares in France Telecom rose. The Bank of England said so", lower)
            self.assertEqual(runs, ["France Telecom", "Bank of England"])
            self.assertEqual(
                english_name_runs("Profits at China's Lenovo and G7 rose", lower), ["China", "Lenovo", "G7"]
            )
            self.assertTrue(derived_from_known("European", {"europe"}))
            self.assertTrue(derived_from_known("German", {"germany"}))
            self.assertFalse(derived_from_known("Eurostar", {"europe"}))
            self.assertFalse(derived_from_known("Europe", {"europe"}))

        def test_word_char(self):
            self.assertTrue(is_word_char("a"))
            self.assertFalse(is_word_char("中"))
            self.assertFalse(is_word_char("\u02bc"))
            self.assertFalse(is_word_char("-"))

    suite = unittest.defaultTestLoader.loadTestsFromTestCase(Scorer)
    result = unittest.TextTestRunner(verbosity=1).run(suite)
    return 0 if result.wasSuccessful() else 1


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, canon: bool = True) -> None:
        p.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="folder holding bench-mixed.jsonl")
        p.add_argument("--sample", default=str(SAMPLE))
        p.add_argument("--judgements", default=str(JUDGEMENTS))
        if canon:
            p.add_argument("--canon", default=str(DEFAULT_CANON), help="canon binary (nothing is built)")
            p.add_argument("--aliases", action="append", help="extra alias table passed to canon (repeatable)")
            p.add_argument("--canon-arg", action="append", help="extra argument for `canon normalize`, e.g. --search")

    p = sub.add_parser("score", help="score canon against the judgements")
    common(p)
    p.add_argument("--list-errors", action="store_true", help="print every false hit, miss and unjudged mention")
    p.add_argument("--min-strict-precision", type=float, help="exit 1 when a language's strict precision is lower")
    p.add_argument("--min-recall", type=float, help="exit 1 when a language's recall is lower")
    p.set_defaults(fn=cmd_score)

    p = sub.add_parser("pending", aliases=["judge"], help="list unjudged canon mentions (and candidates)")
    common(p)
    p.add_argument("--candidates", action="store_true", help="also every unjudged alias occurrence (needs opencc)")
    p.add_argument("--template", help="write the items as JSON Lines to judge (outside the repository)")
    p.add_argument("--width", type=int, default=40, help="context characters on each side")
    p.set_defaults(fn=cmd_pending)

    p = sub.add_parser("add", help="append judged lines from a template file")
    p.add_argument("file")
    p.add_argument("--judgements", default=str(JUDGEMENTS))
    p.add_argument(
        "--relabel",
        action="store_true",
        help="lines for candidates already judged replace those judgements (after the table grew: "
        "GUIDELINES.md, rule 2 and 24)",
    )
    p.set_defaults(fn=cmd_add)

    p = sub.add_parser("sample", help="rebuild sample.json")
    common(p, canon=False)
    p.set_defaults(fn=cmd_sample)

    p = sub.add_parser("unknown-names", help="frequent names the table does not know")
    common(p)
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--write", action="store_true", help=f"write {UNKNOWN_NAMES.relative_to(ROOT)}")
    p.set_defaults(fn=cmd_unknown_names)

    p = sub.add_parser("selftest", help="test the scorer on synthetic data")
    p.set_defaults(fn=lambda a: selftest())

    args = ap.parse_args(argv)
    try:
        return args.fn(args)
    except AuditError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # `score | head`: the reader has what it wanted.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
