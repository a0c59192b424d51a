#!/usr/bin/env python3
"""The ambiguity rule of canon's alias tables: which evidence rules an alias
must carry because it is also an ordinary word, a letter sequence many bodies
share, a bare surname, or a name of several entities. Decided by data
(data/freq/), not one alias at a time. Every area of the generator (places,
organisations, governments, people, companies) applies this one module, and
`lint` checks any table against it, the hand-made ones included.

data/freq/README.md states the rule in full; canon implements the same rule in
Rust (src/aliases/ambiguity.rs: `canon alias check`, `canon alias import`) from
the same data files: data/freq/en.tsv, zh.tsv, name-dominant.txt, the parameters
in data/freq/rule.toml and the broad topics of data/matching.toml.
tests/fixtures/frequency-rule.tsv (rule_fixture.py) holds this module's verdict
on every alias of the default table and tests/fixtures/ambiguity-table.toml the
findings of the whole rule on a table made to break every part of it; the Rust
tests check that canon agrees with both. In short:

Per alias (`requirement(text, kind)`):

* Chinese (any alias with a Han character; mixed-script aliases are names),
  folded to simplified: a single Han character is never an alias; a jieba word
  of frequency >= 100 tagged other than as a name or abbreviation needs
  support; for kinds other than places and people any two-character jieba word
  of frequency >= 100 needs support whatever its tag; unless listed in [zh] of
  name-dominant.txt.
* English script (an alias with a Latin letter), judged on canon's key (the
  term canon matches, lower-cased): a name of several words needs nothing; a
  word with a possessive (McDonald's) needs support (canon also matches the bare
  form, the founder's family name) and what the bare word needs by its
  frequency; an acronym of two or three capitals needs exact case and support,
  or exact case only when listed in [acronym]; another word in capitals is
  judged like the word with exact case (SEAT: Zipf >= 4 needs support too; a
  frequent letter sequence exact case); any other word: Zipf >= 4 exact case
  and support, >= 3 exact case, unless listed in [en].

Per entity (`lint_entities`):

* a person's surname (the last part of another of its aliases, with its
  particle: de Villepin; the part after the middle dot: 布莱尔) needs exact case
  (Latin) and support, unless marked `form = "full"` (a surname that names one
  person in news: Trump, Putin);
* a name (canon key) claimed by several entities needs support on every one;
* an organisation of a country (an ancestor is a place) whose English alias is
  made only of organ words (data/freq/organ-words.txt: Cabinet Office, Justice
  Department) needs support on it: any country has a body so called;
* a person with an alias that needs support carries no broad topic: the matcher
  lets broad topics support only between entities without a parent, and people
  have none in the table though they belong to a country;
* a context word is no evidence between entities that claim the same alias
  needing support when another of them has it too: it supports both and hides
  the words that tell them apart (the Supreme Courts' "ruled").

"Needs support" is satisfied by `needs = "support"` or by `form = "short"`
(a short form needs the full name or support, which is more).

Importable (`requirement`, `surnames`, `dictionary_blockers`, `lint_files`)
and a CLI:

    python3 scripts/aliasgen/ambiguity.py lint FILE.toml ...
    python3 scripts/aliasgen/ambiguity.py explain ALIAS ...   # [--kind place|person|org]

`lint` prints `file:line: message` for every alias or entity that lacks what
the rule requires (names shared between the given files included: give it
data/aliases/*.toml) and exits 1 if there are any. Its messages are canon's
(`canon alias check` prints the same findings for the same tables).
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DATA, FREQ, has_han, is_han, key, name_to_hant, to_hans  # noqa: E402

# The rule's parameters and the matcher's broad topics: data, read by canon too.
RULE = tomllib.loads((FREQ / "rule.toml").read_text(encoding="utf-8"))
EXACT_ZIPF: float = RULE["english"]["exact_zipf"]
SUPPORT_ZIPF: float = RULE["english"]["support_zipf"]
ZH_SUPPORT_FREQ: int = RULE["chinese"]["support_frequency"]
# jieba's proper-name tags and j (abbreviations: for aliases, abbreviated names 欧盟, 央视)
EXEMPT_TAGS = frozenset(RULE["chinese"]["name_tags"])
# kinds whose two-character names are tagged reliably enough by jieba (柏林 nr is the city)
TAGGED_KINDS = frozenset(RULE["chinese"]["tagged_kinds"])
PARTICLES = frozenset(RULE["surnames"]["particles"])
# topics shared by entities of every country: the matcher lets them support only between
# two entities without a parent (data/matching.toml)
BROAD_TOPICS = frozenset(tomllib.loads((DATA / "matching.toml").read_text(encoding="utf-8"))["support"]["broad_topics"])

SHORT_ACRONYM = re.compile(r"^[A-Z]{2,3}$")
FUNCTION_WORDS = frozenset({"of", "the", "and", "for", "de", "du", "la", "le", "des", "y", "a", "an", "in", "on",
                            "at", "to", "&"})
POSSESSIVE = re.compile(r"['’]s$")
ANY_POSSESSIVE = re.compile(r"['’]s\b")
MAX_DICT_BLOCKERS = 25
# canon's limit of blockers per alias (docs/aliases.md, "Limits")
MAX_BLOCKERS = 32
# jieba's tag for idioms (chengyu): 大同小异 is one word, never the name followed by another
# word ("l", fixed expressions, also tags 布什总统)
IDIOM_TAGS = frozenset({"i"})
# a word that follows a name and leaves it a mention (赖斯说, 布什总统, 保守党政府)
MODIFIER_TAGS = frozenset({"v", "vn", "n", "a", "ad", "an", "d", "f", "m", "q", "t", "uj", "ul", "p", "c", "r",
                           "vg", "ng", "zg"})


def dq(text: str) -> str:
    """A string as canon's messages quote it (Rust's `{:?}`)."""
    return json.dumps(text, ensure_ascii=False)


@dataclass(frozen=True)
class Requirement:
    """What the rule demands of one alias, and why."""

    case_exact: bool = False
    needs_support: bool = False
    forbidden: bool = False
    reason: str = ""
    # which part of the rule: chinese-word, two-character, single-character, possessive,
    # short-acronym, acronym, frequency, common-words
    rule: str = ""

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


SECTIONS = ("en", "zh", "acronym", "zh-word")


@lru_cache(maxsize=None)
def name_dominant(section: str) -> dict[str, str]:
    """One list of data/freq/name-dominant.txt: word -> reason. Sections: `[en]` English
    words (lower case), `[zh]` Chinese words (simplified), `[acronym]` short acronyms
    (as written), and the reverse judgement `[zh-word]`: Chinese names jieba tags as
    names that news also writes as ordinary words (大庆 "a great celebration"), which
    need support. Every line needs a reason."""
    out: dict[str, dict[str, str]] = {s: {} for s in SECTIONS}
    current = None
    with open(FREQ / "name-dominant.txt", encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("#") or not line.strip():
                continue
            header = re.fullmatch(r"\[([\w-]+)\]", line.strip())
            if header:
                current = header.group(1)
                if current not in SECTIONS:
                    raise ValueError(f"name-dominant.txt:{number}: unknown section [{current}]")
                continue
            word, _, reason = line.partition("\t")
            if current is None or not reason.strip():
                raise ValueError(f"name-dominant.txt:{number}: {word!r} needs a section and a reason")
            word = word.strip()
            out[current][word.lower() if current == "en" else word] = reason.strip()
    return out[section]


def _has_latin(text: str) -> bool:
    return any(c.isalpha() and c.isascii() or unicodedata.name(c, "").startswith("LATIN") for c in text)


ACRONYM = re.compile(r"^(?:[A-Z]\.?){2,}$|^[A-Z][A-Z0-9&+]*[A-Z0-9+]$")


def is_acronym(text: str) -> bool:
    """Capitals only (dots, digits, & and + allowed): NATO, U.S., G7, OPEC+."""
    return bool(ACRONYM.match(text)) and sum(c.isalpha() for c in text) >= 2 and text.upper() == text


def content_words(text: str) -> list[str]:
    """The lower-cased words of a multi-word name other than function words."""
    return [w for w in re.findall(r"[^\W\d_]+", key(text)) if w not in FUNCTION_WORDS]


def requirement(text: str, kind: str = "org") -> Requirement:
    """The evidence rules the rule demands of alias `text` of an entity of `kind`."""
    text = unicodedata.normalize("NFKC", text).strip()
    han = [c for c in text if is_han(c)]
    if han:
        if len(text) == 1:
            return Requirement(forbidden=True, rule="single-character", reason="a single Han character is never an alias")
        if len(han) != len(text):
            return NONE
        simplified = to_hans(text)
        if simplified in name_dominant("zh") or text in name_dominant("zh"):
            return NONE
        if simplified in name_dominant("zh-word"):
            return Requirement(
                needs_support=True, rule="chinese-word",
                reason=f"{simplified} is also an ordinary word ([zh-word] of name-dominant.txt)",
            )
        entry = zh_freq().get(simplified)
        if not entry or entry[0] < ZH_SUPPORT_FREQ:
            return NONE
        if entry[1] not in EXEMPT_TAGS:
            return Requirement(
                needs_support=True, rule="chinese-word",
                reason=f"{simplified} is a jieba word tagged {entry[1]} with frequency {entry[0]} (>= {ZH_SUPPORT_FREQ})",
            )
        if len(simplified) == 2 and kind not in TAGGED_KINDS:
            return Requirement(
                needs_support=True, rule="two-character",
                reason=f"{simplified} is a two-character jieba word with frequency {entry[0]} "
                       f"(tagged {entry[1]}: tags of short words are unreliable)",
            )
        return NONE
    if not _has_latin(text):
        return NONE
    lower = key(text)  # the term canon matches: U.S. -> us, Yahoo! -> yahoo, McDonald's -> mcdonald
    if " " in lower:
        return NONE  # a name of several words
    zipf = en_zipf().get(lower, 0.0)
    if POSSESSIVE.search(text):
        if lower in name_dominant("en"):
            return NONE
        return Requirement(
            case_exact=zipf >= EXACT_ZIPF, needs_support=True, rule="possessive",
            reason=f"{dq(text)} is a possessive: canon also matches {dq(lower)}, a family name as often as not"
                   + (f", of Zipf {zipf:.2f} >= {EXACT_ZIPF:.1f}" if zipf >= EXACT_ZIPF else ""),
        )
    if is_acronym(text):
        stripped = text.replace(".", "")
        if SHORT_ACRONYM.match(stripped):
            if stripped in name_dominant("acronym"):
                return Requirement(case_exact=True, rule="acronym",
                                   reason=f"acronym {text}: a letter sequence (name-dominant: exact case only)")
            return Requirement(case_exact=True, needs_support=True, rule="short-acronym",
                               reason=f"acronym {text}: a short letter sequence many bodies share")
        if zipf >= SUPPORT_ZIPF and len(stripped) >= 4 and lower not in name_dominant("en"):
            # a word typeset in capitals (SEAT, MINI, LINE): in a heading or a shouted line
            # it is the word
            return Requirement(case_exact=True, needs_support=True, rule="frequency",
                               reason=f"{dq(lower)} in capitals has Zipf {zipf:.2f} >= {SUPPORT_ZIPF:.1f}")
        if zipf >= EXACT_ZIPF:
            return Requirement(case_exact=True, rule="acronym",
                               reason=f"acronym {text} is a frequent letter sequence (Zipf {zipf:.2f})")
        return NONE
    if lower in name_dominant("en"):
        return NONE
    if zipf >= SUPPORT_ZIPF:
        return Requirement(case_exact=True, needs_support=True, rule="frequency",
                           reason=f"{dq(lower)} has Zipf {zipf:.2f} >= {SUPPORT_ZIPF:.1f}")
    if zipf >= EXACT_ZIPF:
        return Requirement(case_exact=True, rule="frequency", reason=f"{dq(lower)} has Zipf {zipf:.2f} >= {EXACT_ZIPF:.1f}")
    return NONE


def common_words_exact(text: str) -> Requirement:
    """A name of several words all of Zipf >= 3.0 (function words aside: Indian Oil, Bank
    of China, Standard Life) -> case = "exact", so that "Indian oil fields" and "the
    central bank of China" stay plain text. For names written with fixed capitals
    (companies, media, universities: the biz area), not for descriptive names whose
    capitals vary in news (the UK government / UK Government, the European parliament,
    the Indian Government: of 699 occurrences in the bench corpus, 21 are written
    with other capitals, all of them the entity), places or
    people, whose lower-case forms mean the same; so not part of `requirement` and not
    linted."""
    if len(key(text).split(" ")) < 2 or ANY_POSSESSIVE.search(text):
        return NONE
    words = content_words(text)
    # A market named for its place (London Stock Exchange, the Frankfurt stock
    # exchange): BBC writes the head in lower case as often as not (Lisbon,
    # Milan, Shenzhen, Irish stock exchange in the benchmark corpus), and in
    # any case "<place> stock exchange" is that exchange.
    if words[-2:] in (["stock", "exchange"], ["securities", "exchange"]) and len(words) > 2:
        return NONE
    if words and all(en_zipf().get(w, 0.0) >= EXACT_ZIPF for w in words):
        return Requirement(case_exact=True, rule="common-words", reason=f"{text!r} is made of common words only")
    return NONE


@lru_cache(maxsize=None)
def organ_words() -> frozenset[str]:
    """data/freq/organ-words.txt: the words of generic government-organ names (reviewed)."""
    with open(FREQ / "organ-words.txt", encoding="utf-8") as f:
        return frozenset(w.strip() for w in f if w.strip() and not w.startswith("#"))


def organ_words_only(text: str) -> bool:
    """Whether every content word of a Latin-script `text` is an organ word (Prime
    Minister, ministers, Cabinet): such a context word is any country's too."""
    words = [POSSESSIVE.sub("", w) for w in content_words(text)] if not has_han(text) else []
    return bool(words) and all(w in organ_words() for w in words)


def generic_organ(text: str) -> Requirement:
    """A name of several words made only of organ words (data/freq/organ-words.txt,
    function words aside: Cabinet Office, Prime Minister's Office, Justice Department)
    locates nothing: every country has a body so called, and in an article about Japan
    "the government's Cabinet Office" is Japan's -> needs = "support", so that the
    document's other entities of the same country decide. Demanded of the organisations
    of a country (an ancestor is a place: `lint_entities`, and canon's check); not part
    of `requirement`, which knows the alias and its kind only."""
    if has_han(text) or len(key(text).split(" ")) < 2:
        return NONE
    if organ_words_only(text):
        return Requirement(needs_support=True, rule="generic-organ",
                           reason=f"{dq(text)} is a generic organ name (organ words only): any country's body")
    return NONE


def surnames(aliases: list[tuple[str, str, bool]], single_words: bool = True) -> dict[str, str]:
    """A person's aliases that are a surname or short form, with the reason: from
    (lang, text, typed as a full name) triples. Those need case = "exact" (Latin) and
    needs = "support": the document must name the person in full or give context.
    The last part of another alias is certain (the rule: `lint_entities`, and canon);
    a single Latin word and a Han alias without a middle dot beside a dotted one
    (`single_words`) are so unless the curated input marks them as a full name
    (Suharto, 苏铭天, the Hong Kong name 白高敦, the title form 法赫德国王), which the
    generator does on top of the rule. An alias typed as a full name (`form = "full"`
    in a table) is never a surname."""
    lasts: set[str] = set()
    dotted = False
    for lang, text, _full in aliases:
        if has_han(text):
            parts = [p for p in re.split(r"[·・]", text) if p]
            dotted |= len(parts) > 1 and lang == "zh-Hans"
        else:
            parts = text.split()
            if len(parts) > 2 and parts[-2].lower() in PARTICLES:
                lasts.add(" ".join(parts[-2:]))  # de Villepin, Le Pen, Van Rompuy
        if len(parts) > 1:
            lasts.add(parts[-1])
    out = {}
    for lang, text, full in aliases:
        if full:
            continue
        if text in lasts:
            out[text] = "surname (the last part of another alias)"
        elif not single_words:
            continue
        elif not has_han(text) and " " not in text.strip() and _has_latin(text):
            out[text] = "surname or short form (a single word)"
        elif has_han(text) and dotted and not re.search(r"[·・]", text):
            out[text] = "surname or short form (no given name beside a transliteration in full)"
    return out


# a word that ends in one of these after the name is the name's own full or state name
# (大众汽车公司, 突尼斯共和国, 大连市人民政府): still the entity, never a blocker
ENTITY_SUFFIXES = ("公司", "集团", "共和国", "政府")
# after a place's name: a facility or a standard affix, which the place's name locates
# (烟台港, 科隆大教堂, 金边王宫, 华盛顿国家动物园: GUIDELINES.md of the entity audit, rule 16)
PLACE_SUFFIXES = ("港", "机场", "站", "宫", "教堂", "动物园", "市", "省")


def freq_tag(word: str) -> str:
    from common import jieba_dict

    return jieba_dict().get(word, (0, ""))[1]


def _place_prefix(prefix: str) -> bool:
    """Whether `prefix` is one place name of jieba's dictionary (德国, 山西, 美国)."""
    from common import jieba_dict

    entry = jieba_dict().get(prefix)
    return entry is not None and entry[1] == "ns" and len(prefix) >= 2


def dictionary_blockers(text: str, lang: str, alias_keys: set[str], kind: str = "org") -> list[str]:
    """The blockers a short Chinese alias that needs support gets: every jieba word that
    contains it (克里米亚 for 克里, 省政协 for 政协, 安然无恙 for 安然), the most frequent
    first, at most MAX_DICT_BLOCKERS, except the words that still name the entity:
    the alias followed by an ordinary word (赖斯说, 布什总统; an idiom such as 大同小异 is
    no such pair), by its own full or state
    name (大众汽车公司, 突尼斯共和国, 大连市人民政府, also after a place: 美国波音公司),
    a place written before a place (德国科隆, 山西大同; before a government body it
    names another body: 美国国会, 北京市政协) or a facility after it (烟台港,
    科隆大教堂), and words that are aliases of some entity
    (全国政协: the longest name wins anyway). Written in traditional characters for a
    traditional alias."""
    from common import jieba_dict

    simplified = to_hans(text)
    if not has_han(text) or len(simplified) > 3:
        return []
    table = jieba_dict()
    found = []
    for word, (freq, _tag) in table.items():
        if simplified not in word or word == simplified or to_hans(word) in alias_keys:
            continue
        start = word.find(simplified)
        prefix, suffix = word[:start], word[start + len(simplified):]
        if not prefix and freq_tag(word) not in IDIOM_TAGS:
            rest = table.get(suffix)
            if rest and rest[1] in MODIFIER_TAGS:
                continue
        if suffix.endswith(ENTITY_SUFFIXES) and (not prefix or _place_prefix(prefix)):
            continue
        if kind == "place" and ((not suffix and _place_prefix(prefix)) or (not prefix and suffix.endswith(PLACE_SUFFIXES))):
            continue
        found.append((freq, word))
    found.sort(reverse=True)
    traditional = not (lang == "zh-Hans" or text == simplified)
    out = []
    for _freq, word in found[:MAX_DICT_BLOCKERS]:
        blocker = name_to_hant(word, False) if traditional else word
        if blocker not in out and text in blocker:
            out.append(blocker)
    return out


@lru_cache(maxsize=None)
def zh_idioms() -> tuple[str, ...]:
    """data/freq/zh-idioms.txt: Chinese idioms (chengyu), simplified."""
    return tuple(row[0] for row in _read_tsv(FREQ / "zh-idioms.txt"))


def idiom_blockers(text: str, lang: str) -> list[str]:
    """The idioms that contain Han alias `text` (万象更新 and 包罗万象 for 万象, 东躲西藏
    for 西藏, 实事求是 for 求是): inside one the characters are words of the idiom, never
    the name, whatever jieba tags the idiom (万象更新 is nr in its dictionary). Written
    in traditional characters for a traditional alias."""
    simplified = to_hans(text)
    if not has_han(text) or len(simplified) < 2:
        return []
    traditional = not (lang == "zh-Hans" or text == simplified)
    out = []
    for idiom in zh_idioms():
        if simplified in idiom and idiom != simplified:
            blocker = name_to_hant(idiom, False) if traditional else idiom
            if text in blocker and blocker not in out:
                out.append(blocker)
    return out


def narrow_topics(topics: list[str]) -> list[str]:
    return [t for t in topics if t not in BROAD_TOPICS]


# ---------------------------------------------------------------- lint

@dataclass
class TableAlias:
    """One alias as a table writes it, with its line."""

    lang: str
    text: str
    case_exact: bool = False
    needs_support: bool = False
    form: str | None = None
    line: int = 0

    @property
    def needs_evidence(self) -> bool:
        """Support or the full name: `needs = "support"`, or a short form (which needs
        the full name or support, docs/aliases.md)."""
        return self.needs_support or self.form == "short"


@dataclass
class TableEntity:
    """One entity as a table writes it, with its file and line."""

    file: str
    line: int
    id: str
    kind: str
    parent: str | None = None
    topics: list[str] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    aliases: list[TableAlias] = field(default_factory=list)


def read_table(path: Path) -> list[TableEntity]:
    """The entities of a TOML table, each alias with its line (the first line of its
    entity block that quotes it, other than an id/name/kind/parent/topics/context line,
    as canon's loader finds it)."""
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    lines = text.splitlines()
    headers = [i + 1 for i, line in enumerate(lines) if line.lstrip().startswith("[[entity]]")]
    fields = re.compile(r"^\s*(id|name|kind|parent|topics|context|wikidata)\s*=")
    out = []
    for index, raw in enumerate(data.get("entity", [])):
        first = headers[index] if index < len(headers) else 1
        last = headers[index + 1] if index + 1 < len(headers) else len(lines) + 1
        entity = TableEntity(str(path), first, raw["id"], raw.get("kind", ""), raw.get("parent"),
                             list(raw.get("topics", [])), list(raw.get("context", [])))
        for lang, items in raw.get("aliases", {}).items():
            for item in items:
                if isinstance(item, str):
                    alias = TableAlias(lang, item)
                else:
                    alias = TableAlias(lang, item["text"], item.get("case") == "exact",
                                       item.get("needs") == "support", item.get("form"))
                quoted = _toml_quoted(alias.text)
                alias.line = next(
                    (n for n in range(first, last) if quoted in lines[n - 1] and not fields.match(lines[n - 1])),
                    first,
                )
                entity.aliases.append(alias)
        out.append(entity)
    return out


def _toml_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _want(case: bool, support: bool) -> str:
    return " and ".join(x for x, on in (('case = "exact"', case), ('needs = "support"', support)) if on)


LISTED = 5


def _ids(ids: list[str]) -> str:
    """At most LISTED ids, then how many more (as canon lists them)."""
    shown = ids[:LISTED]
    if len(ids) > LISTED:
        shown.append(f"{len(ids) - LISTED} more")
    return ", ".join(shown)


def lint_entities(entities: list[TableEntity]) -> list[tuple[str, int, str]]:
    """(file, line, message) for every alias and entity of `entities` (one table: later
    entities replace earlier ones with the same id, as canon merges tables) that lacks
    what the rule demands, sorted by file and line."""
    merged: dict[str, TableEntity] = {}
    for e in entities:
        merged[e.id] = e
    entities = list(merged.values())
    claims: dict[str, list[int]] = {}  # key -> entity indices, in table order
    for i, e in enumerate(entities):
        for a in e.aliases:
            k = key(a.text)
            if k and i not in claims.setdefault(k, []):
                claims[k].append(i)
    context_keys = [{key(w) for w in e.context} - {""} for e in entities]
    by_id = {e.id: e for e in entities}

    def of_a_country(e: TableEntity) -> bool:
        """Whether an ancestor of `e` is a place (a country's body, not the UN's)."""
        seen = {e.id}
        while e.parent and e.parent in by_id and e.parent not in seen:
            e = by_id[e.parent]
            if e.kind == "place":
                return True
            seen.add(e.id)
        return False

    out: list[tuple[str, int, str]] = []
    for i, e in enumerate(entities):
        organ_of_country = e.kind == "org" and of_a_country(e)
        short = {}
        if e.kind == "person":
            short = surnames([(a.lang, a.text, a.form == "full") for a in e.aliases], single_words=False)
        for a in e.aliases:
            req = requirement(a.text, e.kind)
            if req.forbidden:
                out.append((e.file, a.line, f"entity {dq(e.id)}: alias {dq(a.text)} is not allowed: {req.reason}"))
                continue
            parts: list[tuple[bool, bool, str]] = []
            if req:
                parts.append((req.case_exact, req.needs_support, req.reason))
            if a.text in short:
                parts.append((not has_han(a.text), True, short[a.text] + '; form = "full" if it names one person'))
            if organ_of_country:
                organ = generic_organ(a.text)
                if organ:
                    parts.append((False, True, organ.reason))
            others = [entities[o].id for o in claims.get(key(a.text), []) if o != i]
            if others:
                parts.append((False, True, f"also claimed by {_ids(others)}"))
            missing_case = any(c for c, _s, _r in parts) and not a.case_exact
            missing_support = any(s for _c, s, _r in parts) and not a.needs_evidence
            if missing_case or missing_support:
                reasons = "; ".join(r for c, s, r in parts if (c and missing_case) or (s and missing_support))
                out.append((e.file, a.line, f"entity {dq(e.id)}: alias {dq(a.text)} lacks "
                                            f"{_want(missing_case, missing_support)}: {reasons}"))
        needing = [a for a in e.aliases if a.needs_evidence]
        broad = [t for t in e.topics if t in BROAD_TOPICS]
        if e.kind == "person" and needing and broad:
            out.append((e.file, e.line, f"entity {dq(e.id)}: a person with aliases that need support has the broad "
                                        f"topic(s) {', '.join(broad)}: every entity without a parent that has it "
                                        "supports them (give it its country's topic, such as united-states-politics)"))
        # context words shared with another entity claiming an alias of ours that needs support
        reported: set[str] = set()
        for a in needing:
            rivals = [o for o in claims.get(key(a.text), []) if o != i]
            for word in e.context:
                w = key(word)
                if not w or w in reported:
                    continue
                sharing = [entities[o].id for o in rivals if w in context_keys[o]]
                if sharing:
                    reported.add(w)
                    out.append((e.file, e.line, f"entity {dq(e.id)}: context word {dq(word)} is also a context word "
                                                f"of {_ids(sharing)}, claiming {dq(a.text)} too: it supports each of "
                                                "them and tells none apart"))
    out.sort(key=lambda m: (m[0], m[1]))
    return out


def lint_files(paths: list[Path]) -> list[str]:
    """Messages `file:line: message` for the entities of the TOML tables `paths` (one
    table, in order) that lack what the rule demands."""
    entities = [e for p in paths for e in read_table(p)]
    return [f"{file}:{line}: {message}" for file, line, message in lint_entities(entities)]


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "lint":
        messages = lint_files([Path(p) for p in argv[1:]])
        for m in messages:
            print(m)
        print(f"{len(messages)} problem(s)", file=sys.stderr)
        return 1 if messages else 0
    if len(argv) >= 2 and argv[0] == "explain":
        kind = "org"
        names = list(argv[1:])
        if "--kind" in names:
            i = names.index("--kind")
            kind = names[i + 1]
            del names[i:i + 2]
        for t in names:
            r = requirement(t, kind)
            print(f"{t}\tcase_exact={r.case_exact}\tneeds_support={r.needs_support}\tforbidden={r.forbidden}"
                  f"\t{r.reason}")
        return 0
    print("usage: ambiguity.py lint FILE.toml... | explain [--kind KIND] ALIAS...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
