"""The ambiguity rule of issue #16 (DATA.md), applied to one alias at a time.

data-geo owns the shared implementation (scripts/aliasgen/ambiguity.py with
data/freq/); it was not committed when these files were generated, so this
module implements the written rule itself, on the same sources: wordfreq's
English Zipf frequencies and jieba 0.42.1's dict.txt. Swap it for data-geo's
module once that lands; the decisions must stay the same.

English (Latin-script aliases, judged on the alias lowercased):
  * a single word with Zipf >= 3.0 that is not name-dominant -> case = "exact";
  * Zipf >= 4.0 and not name-dominant -> case = "exact" and needs = "support";
  * an acronym (all capitals, at most six letters, dots allowed) -> case =
    "exact"; one that is also a frequent word (Zipf >= 4.0: WHO, IT) keeps
    the support rule above;
  * multi-word aliases are not judged by frequency (wordfreq's phrase
    estimate is the rarest word's frequency, not the phrase's): they get
    rules from the curated input and from the shared-name rule only.
Chinese (judged on the simplified form):
  * a single character is never an alias (error);
  * a jieba dictionary word whose tag is not a proper-name tag (nr, ns, nt,
    nz, nrt, nrfg) with frequency >= 100 -> needs = "support".
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

import jieba
from wordfreq import zipf_frequency

HERE = os.path.dirname(os.path.abspath(__file__))
PROPER_TAGS = {"nr", "ns", "nt", "nz", "nrt", "nrfg"}
EXACT_ZIPF = 3.0
SUPPORT_ZIPF = 4.0
CHINESE_SUPPORT_FREQ = 100

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,6}$")


@dataclass
class Verdict:
    """What the rule asks of one alias, and why (for the generated comments)."""

    exact: bool = False
    support: bool = False
    reason: str = ""
    error: str = ""


@lru_cache(maxsize=1)
def name_dominant() -> dict[str, str]:
    """Words whose everyday use is overwhelmingly the name, with the reason."""
    words: dict[str, str] = {}
    with open(os.path.join(HERE, "name-dominant.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            word, _, reason = line.partition("\t")
            if not reason.strip():
                raise ValueError(f"name-dominant.txt: {word!r} has no reason")
            words[word.lower()] = reason.strip()
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
    words = text.split()
    if len(words) != 1:
        return Verdict()
    lower = text.lower()
    zipf = zipf_frequency(lower, "en")
    dominant = lower in name_dominant()
    if ACRONYM.match(text):
        support = zipf >= SUPPORT_ZIPF and not dominant
        return Verdict(True, support, f"acronym, Zipf {zipf:.1f}")
    if dominant:
        return Verdict(reason=f"Zipf {zipf:.1f}, name-dominant")
    if zipf >= SUPPORT_ZIPF:
        return Verdict(True, True, f"Zipf {zipf:.1f} >= {SUPPORT_ZIPF}")
    if zipf >= EXACT_ZIPF:
        return Verdict(True, False, f"Zipf {zipf:.1f} >= {EXACT_ZIPF}")
    return Verdict()


def chinese(simplified: str) -> Verdict:
    """The frequency rule for one Chinese alias, given in simplified form."""
    han = HAN.findall(simplified)
    if len(simplified) == 1 or (len(han) == 1 and len(simplified.strip()) == 1):
        return Verdict(error="single-character Chinese alias")
    entry = jieba_dict().get(simplified)
    if simplified in name_dominant():
        return Verdict(reason="name-dominant")
    if entry and entry[1] not in PROPER_TAGS and entry[0] >= CHINESE_SUPPORT_FREQ:
        return Verdict(False, True, f"jieba {entry[1]} {entry[0]}")
    return Verdict()


def jieba_tag(simplified: str) -> tuple[int, str] | None:
    """jieba's (frequency, tag) of a word, or None when it is not in dict.txt."""
    return jieba_dict().get(simplified)
