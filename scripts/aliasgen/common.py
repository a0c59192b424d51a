"""Shared pieces of the alias generator: repository paths, Chinese script
conversion, jieba's dictionary, canon's alias key, the entity model every area
builds, and the TOML writer of the places and organisations tables
(docs/aliases.md).

Writers are deliberately small and deterministic: entities are written in the
order given, aliases in the order given, every string through one quoting
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


# Latin letters that Unicode does not decompose into a base letter and a mark, spelt as
# English text spells them (Łódź -> Lodz, Malmø -> Malmo, Straße -> Strasse)
UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ß": "ss",
                              "đ": "d", "Đ": "D", "ı": "i", "þ": "th", "Þ": "Th", "ð": "d", "œ": "oe",
                              "Œ": "Oe", "ħ": "h", "Ħ": "H"})


def fold_latin(text: str) -> str:
    """`text` without diacritics, as English news writes foreign names (Curaçao ->
    Curacao, Łódź -> Lodz)."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).translate(UNDECOMPOSED)


def slug(text: str) -> str:
    """A stable id slug (a-z, 0-9, single '-') from an English name."""
    text = fold_latin(text)
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


# OpenCC's s2t reads these characters as words (範 "model", 於 "at", 餘 "rest", 鐘 "bell",
# 瀋 as in 瀋陽); in a person's name they are surnames or sounds and stay as written.
_PERSON_KEEP = {"範": "范", "於": "于", "餘": "余", "薑": "姜", "鐘": "鍾", "穀": "谷", "鬱": "郁",
                "捨": "舍", "併": "并", "瀋": "沈"}


def name_to_hant(text: str, person: bool) -> str:
    """The traditional form of a typed name (organisations and people): OpenCC s2t,
    then 台 for 臺 (names write 台灣, 台北, 台積電 in Taiwan and Hong Kong alike) and 里
    for 裏 (a sound in transliterations: 埃里森, not "inside"); in a person's name the
    surname and sound characters s2t would turn into words stay as written (范, 于, 余,
    鍾 for 钟, 沈)."""
    out = to_hant(text).replace("臺", "台").replace("裏", "里")
    if person and len(out) == len(text):
        out = "".join(_PERSON_KEEP.get(t, t) if t != s else t for s, t in zip(text, out))
    return out


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


# ---------------------------------------------------------------- canon's alias key

_PUNCTUATION = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2212": "-", "\ufe58": "-", "\ufe63": "-", **{chr(c): "-" for c in range(0x2010, 0x2016)},
}


def _char_class(c: str) -> str:
    if c.isalpha() or unicodedata.category(c) in ("Mn", "Mc"):
        return "L"
    if c.isdigit():
        return "D"
    return "J" if c == "_" else "O"


def _word_pieces(run: str) -> list[str]:
    """UAX #29 word pieces as canon's word segmenter cuts them: letters and digits, a
    middle character joining two letters (: . ' ·) or two digits (. ' , ;); every other
    character a piece of its own."""
    out, i, n = [], 0, len(run)
    while i < n:
        if _char_class(run[i]) == "O":
            out.append(run[i])
            i += 1
            continue
        j = i + 1
        while True:
            while j < n and _char_class(run[j]) != "O":
                j += 1
            if j + 1 < n:
                before, middle, after = _char_class(run[j - 1]), run[j], _char_class(run[j + 1])
                if ((middle in ":·" and before == after == "L")
                        or (middle in ".'" and before == after and before in "LD")
                        or (middle in ",;" and before == after == "D")):
                    j += 2
                    continue
            break
        out.append(run[i:j])
        i = j
    return out


def _dotted_acronym(word: str) -> bool:
    parts = word.split(".")
    return len(parts) >= 2 and all(len(p) == 1 and p.isalpha() for p in parts)


def fold_case(word: str) -> str:
    """canon's case folding (src/segment/words.rs `fold_case`): İ to i, full Unicode
    case folding, Greek accents dropped."""
    folded = word.replace("\u0130", "i").casefold()
    if not any("\u0370" <= c <= "\u03ff" or "\u1f00" <= c <= "\u1fff" for c in folded):
        return folded
    out, previous_greek = [], False
    for c in unicodedata.normalize("NFD", folded):
        mark = unicodedata.combining(c) != 0
        if mark and previous_greek:
            continue
        previous_greek = ("\u0370" <= c <= "\u03ff" or "\u1f00" <= c <= "\u1fff") or (mark and previous_greek)
        out.append(c)
    return unicodedata.normalize("NFC", "".join(out))


def _word_terms(run: str) -> list[str]:
    """canon's terms of a run of non-Han text (src/segment/words.rs): hyphenated
    compounds one term, dotted acronyms without their dots, a trailing + or # kept
    (C++), a possessive 's dropped, lower case."""
    pieces = _word_pieces(run)
    terms, i = [], 0
    while i < len(pieces):
        word = pieces[i]
        i += 1
        if not any(c.isalnum() for c in word):
            continue
        while i + 1 < len(pieces) and pieces[i] == "-" and any(c.isalnum() for c in pieces[i + 1]):
            word += "-" + pieces[i + 1]
            i += 2
        acronym = _dotted_acronym(word)
        if acronym and i < len(pieces) and pieces[i] == ".":
            i += 1
        suffix = 0
        while i + suffix < len(pieces) and pieces[i + suffix] in ("+", "#") and suffix < 3:
            suffix += 1
        if 0 < suffix <= 2 and not (i + suffix < len(pieces) and pieces[i + suffix][:1].isalnum()):
            word += "".join(pieces[i:i + suffix])
            i += suffix
        if len(word) > 2 and word[-2:] in ("'s", "'S"):
            word = word[:-2]
        terms.append(fold_case(word.replace(".", "") if acronym else word))
    return terms


def key(text: str) -> str:
    """canon's alias key (src/aliases/mod.rs `alias_key`), ported: NFKC, quotes and
    dashes folded, traditional characters folded to simplified, Han runs kept whole,
    other text cut into canon's terms and joined by spaces. Names with the same key are
    one name to canon. It agrees with canon on all but 41 of the 21,719 alias texts of
    the table at the time of writing (canon's own traditional fold differs from OpenCC
    on a few characters: 阪, and 羣 and 峯 until canon folded them too, data/chinese-variants.txt; kana runs); `canon alias check` stays the
    authority and must report no problems."""
    text = unicodedata.normalize("NFKC", text)
    text = " ".join("".join(_PUNCTUATION.get(c, c) for c in text).split())
    text = to_hans(text)
    terms: list[str] = []
    run, han = "", False
    for c in text:
        if run and is_han(c) != han:
            terms += [run] if han else _word_terms(run)
            run = ""
        run += c
        han = is_han(c)
    if run:
        terms += [run] if han else _word_terms(run)
    out, previous = "", None
    for term in terms:
        if previous is not None and not is_han(previous) and not is_han(term[0]):
            out += " "
        out += term
        previous = term[-1]
    return out


# ---------------------------------------------------------------- the entity model

@dataclass
class Alias:
    """One alias with its evidence rules (docs/aliases.md). `reasons` says which rule
    set a flag (written as "# rule:" comments in some tables, and by --review);
    `full_name` marks a person's name in full that looks like a bare surname (苏铭天);
    `hand` marks an alias typed in a curated file."""

    text: str
    exact: bool = False
    support: bool = False
    blockers: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    full_name: bool = False
    hand: bool = False

    def mark(self, exact: bool, support: bool, reason: str) -> bool:
        """Adds the flags a rule demands (never removes one); returns whether it changed."""
        changed = (exact and not self.exact) or (support and not self.support)
        self.exact |= exact
        self.support |= support
        if changed and reason and reason not in self.reasons:
            self.reasons.append(reason)
        return changed

    def toml(self) -> str:
        if not (self.exact or self.support or self.blockers):
            return q(self.text)
        parts = [f"text = {q(self.text)}"]
        if self.exact:
            parts.append('case = "exact"')
        if self.support:
            parts.append('needs = "support"')
        if self.blockers:
            parts.append("blockers = [" + ", ".join(q(b) for b in self.blockers) + "]")
        return "{ " + ", ".join(parts) + " }"


LANG_ORDER = ["en", "zh-Hans", "zh-Hant", "zh-TW", "zh-HK", "ja", "ko", "de", "fr", "es", "ru"]


@dataclass
class Entity:
    """An entity as every area builds it: aliases by language tag, in order."""

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
                if not has_han(text) and key(a.text) == k and not (a.exact or a.support or a.blockers):
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
        """The entity in the places / organisations tables' layout (one line per language)."""
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


@dataclass
class Table:
    """One generated alias table: its path (relative to the repository), its entities
    and the function that writes them (each area keeps its own layout)."""

    path: str
    entities: list
    render: object
    area: str


GENERATED = "GENERATED by scripts/aliasgen/generate.py: do not edit; hand corrections go into scripts/aliasgen/curated/."
