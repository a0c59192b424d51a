#!/usr/bin/env python3
"""The ambiguity rule of canon's alias tables: which evidence rules an alias
must carry because it is also an ordinary word or a name shared by several
entities. Decided by data (data/freq/), not one alias at a time.

Rule (the one in data/freq/README.md; keep the two in step):

* English script (any alias with a Latin letter), on the alias lower-cased,
  single words only (a multi-word name is a name):
  - an acronym (letters in capitals, dots allowed: NATO, U.S.) that is a
    frequent letter sequence (Zipf >= 3.0, or two letters) -> case = "exact";
    nothing more, even when the letters are also a word (WHO, IT, US);
  - otherwise Zipf >= 4.0 -> case = "exact" and needs = "support";
    Zipf >= 3.0 -> case = "exact";
  - unless the word is listed in data/freq/name-dominant.txt (its everyday use
    is the name: china, france, london ...), which lifts both.
* Chinese (any alias with a Han character), folded to simplified: a word of
  jieba's dictionary whose tag is not a proper-name tag (nr, ns, nt, nz, nrt,
  nrfg, and j: jieba's abbreviations are abbreviated names) and whose frequency is >= 100 -> needs = "support", unless listed in
  name-dominant.txt (jieba mis-tags a few names, e.g. 约旦 as an adverb).
  A single Han character is never an alias.
* A name claimed by several entities (same key) -> needs = "support" on every
  entity that has it (canon then decides by the document's other entities).

Importable (`requirement`, `Requirement`, `lint_files`) and a CLI:

    python3 scripts/aliasgen/ambiguity.py lint FILE.toml ...
    python3 scripts/aliasgen/ambiguity.py explain ALIAS ...

`lint` prints `file:line: message` for every alias that lacks what the rule
requires (also for names shared between the given files; add
data/aliases/*.toml to include the default table) and exits 1 if there are any.
Standard library only, apart from opencc for the traditional -> simplified fold
(falls back to no fold with a warning when opencc is not installed).
"""

from __future__ import annotations

import re
import sys
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FREQ = Path(__file__).resolve().parents[2] / "data" / "freq"

EXACT_ZIPF = 3.0
SUPPORT_ZIPF = 4.0
ZH_SUPPORT_FREQ = 100
NAME_TAGS = frozenset({"nr", "ns", "nt", "nz", "nrt", "nrfg"})
# jieba tags abbreviations j; nearly all of them that are aliases are abbreviated names
# (欧盟, 东盟, 央视, 美联储, 证监会, 两会), so j counts as a proper-name tag here.
EXEMPT_TAGS = NAME_TAGS | {"j"}


@dataclass(frozen=True)
class Requirement:
    """What the rule demands of one alias, and why."""

    case_exact: bool = False
    needs_support: bool = False
    forbidden: bool = False
    reason: str = ""

    def satisfied_by(self, case_exact: bool, needs_support: bool) -> bool:
        if self.forbidden:
            return False
        return (case_exact or not self.case_exact) and (needs_support or not self.needs_support)

    def __bool__(self) -> bool:
        return self.case_exact or self.needs_support or self.forbidden


NONE = Requirement()


def _read_tsv(path: Path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            yield line.rstrip("\n").split("\t")


@lru_cache(maxsize=None)
def en_zipf() -> dict[str, float]:
    """data/freq/en.tsv: lower-cased word -> Zipf frequency (wordfreq)."""
    return {row[0]: float(row[1]) for row in _read_tsv(FREQ / "en.tsv")}


@lru_cache(maxsize=None)
def zh_freq() -> dict[str, tuple[int, str]]:
    """data/freq/zh.tsv: word -> (jieba frequency, jieba tag), words with frequency >= 100."""
    return {row[0]: (int(row[1]), row[2]) for row in _read_tsv(FREQ / "zh.tsv")}


@lru_cache(maxsize=None)
def name_dominant() -> dict[str, str]:
    """data/freq/name-dominant.txt: word -> reason. English words lower-cased."""
    out = {}
    for row in _read_tsv(FREQ / "name-dominant.txt"):
        out[row[0].strip()] = row[1].strip() if len(row) > 1 else ""
    return out


@lru_cache(maxsize=None)
def _t2s():
    try:
        from opencc import OpenCC

        return OpenCC("t2s").convert
    except ImportError:  # pragma: no cover - reported once
        print("ambiguity.py: opencc not installed; traditional aliases are not folded", file=sys.stderr)
        return lambda s: s


def _is_han(c: str) -> bool:
    o = ord(c)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF


def _has_latin(text: str) -> bool:
    return any(c.isalpha() and c.isascii() or unicodedata.name(c, "").startswith("LATIN") for c in text)


ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,}$|^[A-Z][A-Z0-9&+]*[A-Z0-9+]$")


def is_acronym(text: str) -> bool:
    """Capitals only (dots, digits, & and + allowed): NATO, U.S., G7, OPEC+."""
    return bool(ACRONYM.match(text)) and sum(c.isalpha() for c in text) >= 2 and text.upper() == text


def requirement(text: str) -> Requirement:
    """The evidence rules the frequency rule demands of alias `text`."""
    text = unicodedata.normalize("NFKC", text).strip()
    han = [c for c in text if _is_han(c)]
    if han:
        if len(text) == 1:
            return Requirement(forbidden=True, reason="a single Han character is never an alias")
        if len(han) != len(text):
            return NONE
        simplified = _t2s()(text)
        nd = name_dominant()
        if text in nd or simplified in nd:
            return NONE
        entry = zh_freq().get(simplified)
        if entry and entry[1] not in EXEMPT_TAGS and entry[0] >= ZH_SUPPORT_FREQ:
            return Requirement(
                needs_support=True,
                reason=f"{simplified} is a jieba word tagged {entry[1]} with frequency {entry[0]} (>= {ZH_SUPPORT_FREQ})",
            )
        return NONE
    if not _has_latin(text) or " " in text:
        return NONE
    stripped = text.replace(".", "")
    lower = stripped.lower().replace("’", "'")
    zipf = en_zipf().get(lower, 0.0)
    if is_acronym(text):
        if zipf >= EXACT_ZIPF or (len(stripped) == 2 and stripped.isalpha()):
            return Requirement(case_exact=True, reason=f"acronym {text} is a frequent letter sequence (Zipf {zipf:.2f})")
        return NONE
    if lower in name_dominant():
        return NONE
    if zipf >= SUPPORT_ZIPF:
        return Requirement(case_exact=True, needs_support=True, reason=f"{lower!r} has Zipf {zipf:.2f} >= {SUPPORT_ZIPF}")
    if zipf >= EXACT_ZIPF:
        return Requirement(case_exact=True, reason=f"{lower!r} has Zipf {zipf:.2f} >= {EXACT_ZIPF}")
    return NONE


def shared_key(text: str) -> str:
    """A name's identity across entities: NFKC, lower case, simplified, possessive and
    punctuation other than dots/hyphens dropped (an approximation of canon's key)."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").lower()
    text = _t2s()(text)
    return " ".join(re.sub(r"[^\w.\-·'&+]+", " ", text).split())


# ---------------------------------------------------------------- lint

@dataclass
class Found:
    file: str
    line: int
    entity: str
    text: str
    case_exact: bool
    needs_support: bool


def _aliases_of(path: Path):
    """Yields Found for every alias of a TOML table, with its line (the first line
    of its entity block that quotes it, as canon's loader does)."""
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    lines = text.splitlines()
    headers = [i + 1 for i, l in enumerate(lines) if l.lstrip().startswith("[[entity]]")]
    field = re.compile(r"^\s*(id|name|kind|parent|topics|context)\s*=")
    for index, entity in enumerate(data.get("entity", [])):
        first = headers[index] if index < len(headers) else 1
        last = headers[index + 1] if index + 1 < len(headers) else len(lines) + 1
        for lang, items in entity.get("aliases", {}).items():
            for item in items:
                if isinstance(item, str):
                    t, case, needs = item, False, False
                else:
                    t = item["text"]
                    case = item.get("case") == "exact"
                    needs = item.get("needs") == "support"
                quoted = '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'
                line = next(
                    (l for l in range(first, last) if quoted in lines[l - 1] and not field.match(lines[l - 1])),
                    first,
                )
                yield Found(str(path), line, entity["id"], t, case, needs)


def lint_files(paths: list[Path]) -> list[str]:
    """Messages `file:line: message` for aliases that lack what the rule demands."""
    messages = []
    found = [f for p in paths for f in _aliases_of(p)]
    by_key: dict[str, set[str]] = {}
    for f in found:
        by_key.setdefault(shared_key(f.text), set()).add(f.entity)
    for f in found:
        req = requirement(f.text)
        if req and not req.satisfied_by(f.case_exact, f.needs_support):
            want = "not allowed" if req.forbidden else " and ".join(
                x for x, on in (('case = "exact"', req.case_exact), ('needs = "support"', req.needs_support)) if on
            )
            messages.append(f"{f.file}:{f.line}: entity {f.entity!r}: alias {f.text!r} needs {want}: {req.reason}")
        owners = by_key[shared_key(f.text)]
        if len(owners) > 1 and not f.needs_support:
            others = ", ".join(sorted(owners - {f.entity}))
            messages.append(
                f"{f.file}:{f.line}: entity {f.entity!r}: alias {f.text!r} is shared with {others}: needs = \"support\""
            )
    return messages


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "lint":
        messages = lint_files([Path(p) for p in argv[1:]])
        for m in messages:
            print(m)
        print(f"{len(messages)} problem(s)", file=sys.stderr)
        return 1 if messages else 0
    if len(argv) >= 2 and argv[0] == "explain":
        for t in argv[1:]:
            r = requirement(t)
            print(f"{t}\tcase_exact={r.case_exact}\tneeds_support={r.needs_support}\tforbidden={r.forbidden}\t{r.reason}")
        return 0
    print("usage: ambiguity.py lint FILE.toml... | explain ALIAS...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
