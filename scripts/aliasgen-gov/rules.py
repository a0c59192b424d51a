"""The ambiguity rule of issue #16 (DATA.md, data/freq/README.md), per alias.

The rule is data-geo's: scripts/aliasgen/ambiguity.py with data/freq/. This
module loads that module when it is present (in this worktree after the merge,
or at the path in $ALIASGEN_AMBIGUITY, e.g. data-geo's worktree before it) and
otherwise applies the same rule itself, from the same sources (wordfreq's
English Zipf frequencies, jieba 0.42.1's dict.txt), so that the generated
files do not depend on which one ran:

English (aliases with a Latin letter, judged lower-cased, single words only;
a multi-word name is a name):
  * an acronym that is a frequent letter sequence (Zipf >= 3.0, or two
    letters) -> case = "exact";
  * otherwise Zipf >= 4.0 -> case = "exact" and needs = "support";
    Zipf >= 3.0 -> case = "exact";
  * unless the word is name-dominant (data/freq/name-dominant.txt).
Chinese (aliases of Han characters only, folded to simplified):
  * a single character is never an alias (error);
  * a jieba dictionary word with frequency >= 100 whose tag is not a
    proper-name tag (nr, ns, nt, nz, nrt, nrfg, and j for abbreviations)
    -> needs = "support", unless name-dominant.
The generator is stricter than the rule where a person decided so in the
curated input (a surname, a common given name, an everyday short form).
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache

import importlib.util

import jieba
from wordfreq import zipf_frequency

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROPER_TAGS = {"nr", "ns", "nt", "nz", "nrt", "nrfg"}
EXEMPT_TAGS = PROPER_TAGS | {"j"}
EXACT_ZIPF = 3.0
SUPPORT_ZIPF = 4.0
CHINESE_SUPPORT_FREQ = 100

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,}$|^[A-Z][A-Z0-9&+]*[A-Z0-9+]$")
@lru_cache(maxsize=1)
def shared_rule():
    """data-geo's ambiguity module, or None when it is not available."""
    candidates = [os.environ.get("ALIASGEN_AMBIGUITY", ""),
                  os.path.join(ROOT, "scripts", "aliasgen", "ambiguity.py")]
    for path in candidates:
        if path and os.path.exists(path):
            spec = importlib.util.spec_from_file_location("aliasgen_ambiguity", path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module  # dataclasses look their module up
            spec.loader.exec_module(module)
            return module
    return None


def source() -> str:
    module = shared_rule()
    return module.__file__ if module else "scripts/aliasgen-gov/rules.py (own implementation)"


@dataclass
class Verdict:
    """What the rule asks of one alias, and why (for the generated comments)."""

    exact: bool = False
    support: bool = False
    reason: str = ""
    error: str = ""


@lru_cache(maxsize=1)
def name_dominant() -> dict[str, str]:
    """data/freq/name-dominant.txt (data-geo's reviewed list): word -> reason; empty
    when the file is not there (then data-geo's module is not either)."""
    words: dict[str, str] = {}
    path = os.path.join(ROOT, "data", "freq", "name-dominant.txt")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    word, _, reason = line.rstrip("\n").partition("\t")
                    words[word.strip().lower()] = reason.strip()
    return words


@lru_cache(maxsize=1)
def jieba_dict() -> dict[str, tuple[int, str]]:
    """jieba's dict.txt: word -> (frequency, part-of-speech tag)."""
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    table: dict[str, tuple[int, str]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                table[parts[0]] = (int(parts[1]), parts[2])
    return table


def is_han(text: str) -> bool:
    return bool(HAN.search(text))


def english(text: str) -> Verdict:
    """The frequency rule for one Latin-script alias."""
    if len(text.split()) != 1:
        return Verdict()
    lower = text.replace(".", "").lower().replace("\u2019", "'")
    if lower in name_dominant():
        return Verdict(reason="name-dominant")
    module = shared_rule()
    if module:
        return from_requirement(module.requirement(text))
    zipf = zipf_frequency(lower, "en")
    stripped = text.replace(".", "")
    if ACRONYM.match(text) and text.upper() == text and sum(c.isalpha() for c in text) >= 2:
        if zipf >= EXACT_ZIPF or (len(stripped) == 2 and stripped.isalpha()):
            return Verdict(True, False, f"acronym {text} is a frequent letter sequence (Zipf {zipf:.2f})")
        return Verdict()
    if zipf >= SUPPORT_ZIPF:
        return Verdict(True, True, f"{lower!r} has Zipf {zipf:.2f} >= {SUPPORT_ZIPF}")
    if zipf >= EXACT_ZIPF:
        return Verdict(True, False, f"{lower!r} has Zipf {zipf:.2f} >= {EXACT_ZIPF}")
    return Verdict()


def chinese(simplified: str) -> Verdict:
    """The frequency rule for one Chinese alias, given in simplified form."""
    if len(simplified.strip()) == 1:
        return Verdict(error="single-character Chinese alias")
    if simplified in name_dominant():
        return Verdict(reason="name-dominant")
    module = shared_rule()
    if module:
        return from_requirement(module.requirement(simplified))
    entry = jieba_dict().get(simplified)
    if entry and entry[1] not in EXEMPT_TAGS and entry[0] >= CHINESE_SUPPORT_FREQ:
        return Verdict(False, True, f"{simplified} is a jieba word tagged {entry[1]} with frequency {entry[0]} (>= {CHINESE_SUPPORT_FREQ})")
    return Verdict()


def from_requirement(req) -> Verdict:
    if req.forbidden:
        return Verdict(error=req.reason)
    return Verdict(req.case_exact, req.needs_support, req.reason if (req.case_exact or req.needs_support) else "")


def jieba_tag(simplified: str) -> tuple[int, str] | None:
    """jieba's (frequency, tag) of a word, or None when it is not in dict.txt."""
    return jieba_dict().get(simplified)
