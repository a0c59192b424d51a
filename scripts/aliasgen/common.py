"""Shared pieces of the alias generator: repository paths, Chinese script
conversion, jieba's dictionary, and the TOML writer for canon's table format
(docs/aliases.md).

The writer is deliberately small and deterministic: entities are written in
the order given, aliases in the order given, every string through one quoting
function, so that a rerun of the generator on the same package versions gives
byte-identical files.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ALIASGEN = REPO / "scripts" / "aliasgen"
CURATED = ALIASGEN / "curated"
DATA = REPO / "data"
FREQ = DATA / "freq"
ALIASES = DATA / "aliases"

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def slug(text: str) -> str:
    """A stable id slug (a-z, 0-9, single '-') from an English name."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.lower().replace("&", " and ").replace("'", "").replace("’", "")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    assert SLUG.match(text), text
    return text


# ---------------------------------------------------------------- Chinese scripts

@lru_cache(maxsize=None)
def _converter(config: str):
    from opencc import OpenCC

    return OpenCC(config)


def to_hant(text: str) -> str:
    """Simplified -> traditional characters (OpenCC s2t: characters only, no
    regional vocabulary; regional names come from CLDR or the curated files)."""
    return _converter("s2t").convert(text)


def to_hans(text: str) -> str:
    """Traditional -> simplified characters (OpenCC t2s)."""
    return _converter("t2s").convert(text)


def is_han(c: str) -> bool:
    o = ord(c)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x2FFFF
    )


def is_kana(c: str) -> bool:
    return 0x3040 <= ord(c) <= 0x30FF or 0x31F0 <= ord(c) <= 0x31FF


def all_han(text: str) -> bool:
    """Han characters only, optionally with the middle dot of transliterations."""
    return bool(text) and all(is_han(c) or c in "·・" for c in text) and any(is_han(c) for c in text)


def has_han(text: str) -> bool:
    return any(is_han(c) for c in text)


@lru_cache(maxsize=None)
def jieba_dict() -> dict[str, tuple[int, str]]:
    """jieba 0.42.1's dict.txt: word -> (frequency, part-of-speech tag)."""
    import jieba

    path = Path(os.path.dirname(jieba.__file__)) / "dict.txt"
    table: dict[str, tuple[int, str]] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3:
                table[parts[0]] = (int(parts[1]), parts[2])
    return table


NAME_TAGS = frozenset({"nr", "ns", "nt", "nz", "nrt", "nrfg"})


def jieba_confirms(name: str) -> bool:
    """Whether jieba's dictionary lists the (simplified) name with a proper-name tag."""
    entry = jieba_dict().get(to_hans(name))
    return entry is not None and entry[1] in NAME_TAGS


def key(text: str) -> str:
    """An approximation of canon's alias key (src/aliases/mod.rs alias_key):
    width-folded, lower-cased, traditional folded to simplified, punctuation
    other than dots and hyphens treated as space. Used to find names shared by
    entities; `canon alias check` stays the authority."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").lower()
    text = to_hans(text)
    text = re.sub(r"'s\b", "", text)
    return " ".join(re.sub(r"[^\w.\-·'&+]+", " ", text).split())


# ---------------------------------------------------------------- the table format

@dataclass
class Alias:
    """One alias with its evidence rules (docs/aliases.md)."""

    text: str
    case_exact: bool = False
    needs_support: bool = False
    blockers: list[str] = field(default_factory=list)

    def toml(self) -> str:
        if not (self.case_exact or self.needs_support or self.blockers):
            return q(self.text)
        parts = [f"text = {q(self.text)}"]
        if self.case_exact:
            parts.append('case = "exact"')
        if self.needs_support:
            parts.append('needs = "support"')
        if self.blockers:
            parts.append("blockers = [" + ", ".join(q(b) for b in self.blockers) + "]")
        return "{ " + ", ".join(parts) + " }"


LANG_ORDER = ["en", "zh-Hans", "zh-Hant", "zh-TW", "zh-HK", "ja", "ko", "de", "fr", "es", "ru"]


@dataclass
class Entity:
    id: str
    name: str
    kind: str
    parent: str | None = None
    topics: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    aliases: dict[str, list[Alias]] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)
    source: str = ""

    def add(self, lang: str, alias: Alias | str) -> bool:
        """Adds an alias unless the entity already has one with the same key;
        returns whether it was added."""
        if isinstance(alias, str):
            alias = Alias(alias)
        text = alias.text.strip()
        if not text:
            return False
        alias.text = text
        k = key(text)
        for lst in self.aliases.values():
            for a in lst:
                if a.text == text:
                    return False
                # a plain alias with the same key already matches everywhere this one
                # would (canon reports it as shadowed); Han forms in both scripts are kept
                if not has_han(text) and key(a.text) == k and not (a.case_exact or a.needs_support or a.blockers):
                    return False
        self.aliases.setdefault(lang, []).append(alias)
        return True

    def all_aliases(self):
        for lang in self.langs():
            for a in self.aliases[lang]:
                yield lang, a

    def langs(self) -> list[str]:
        known = [lang for lang in LANG_ORDER if lang in self.aliases]
        other = sorted(lang for lang in self.aliases if lang not in LANG_ORDER)
        return [lang for lang in known + other if self.aliases[lang]]

    def toml(self) -> str:
        lines = ["[[entity]]", f"id = {q(self.id)}", f"name = {q(self.name)}", f"kind = {q(self.kind)}"]
        if self.parent:
            lines.append(f"parent = {q(self.parent)}")
        if self.topics:
            lines.append("topics = [" + ", ".join(q(t) for t in self.topics) + "]")
        if self.context:
            lines.append("context = [" + ", ".join(q(t) for t in self.context) + "]")
        if self.source:
            lines.append(f"# source: {self.source}")
        for c in self.comments:
            lines.append(f"# {c}")
        for lang in self.langs():
            items = [a.toml() for a in self.aliases[lang]]
            lines.append(f"aliases.{lang} = [" + ", ".join(items) + "]")
        return "\n".join(lines) + "\n"


def q(text: str) -> str:
    """A TOML basic string (JSON escapes are valid TOML escapes)."""
    return json.dumps(text, ensure_ascii=False)


def render_file(header: list[str], entities: list[Entity]) -> str:
    out = [f"# {line}".rstrip() for line in header]
    out.append("")
    for e in entities:
        out.append(e.toml())
    return "\n".join(out)


GENERATED = "GENERATED by scripts/aliasgen/generate.py: do not edit; hand corrections go into scripts/aliasgen/curated/."
