#!/usr/bin/env python3
"""The ambiguity rule of canon's alias tables: which evidence rules an alias
must carry because it is also an ordinary word, a letter sequence many bodies
share, a bare surname, or a name of several entities. Decided by data
(data/freq/), not one alias at a time. Every area of the generator (places,
organisations, governments, people, companies) applies this one module, and
`lint` checks any table against it, the hand-made ones included.

The rule (data/freq/README.md states it too; keep the two in step):

Per alias (`requirement(text, kind)`):

* Chinese (any alias with a Han character; mixed-script aliases are names),
  folded to simplified:
  - a single Han character is never an alias;
  - a word of jieba's dictionary with frequency >= 100 whose tag is not a
    proper-name tag (nr, ns, nt, nz, nrt, nrfg, and j: jieba's abbreviations
    are abbreviated names) -> needs = "support";
  - for organisations, products and other coined names (not places, not
    people) a two-character jieba word with frequency >= 100 needs support
    whatever its tag: jieba's tags on short words are unreliable (贝壳 "shell"
    nr, 曙光 "dawn" nz, 荣耀 "glory" nr). Places and people keep the tag rule:
    柏林 and 桂林 are tagged nr and are only the cities; 朱德 is the man;
  - unless the word is listed in the [zh] section of name-dominant.txt.
* English script (an alias with a Latin letter), judged lower-cased:
  - a single word with a possessive (McDonald's, Sainsbury's) -> needs =
    "support" and never case = "exact": canon matches it on its bare form, a
    family name as often as not, and cannot match an exact-case alias written
    with 's; unless the bare word is name-dominant;
  - an acronym of two or three capital letters (dots allowed: EFF, U.S.)
    -> case = "exact" and needs = "support": a letter sequence many bodies
    share (EFF is the Electronic Frontier Foundation and South Africa's
    Economic Freedom Fighters, GM also genetically modified), unless listed in
    the [acronym] section of name-dominant.txt;
  - any other word in capitals (dots, digits, & and + allowed: NATO, G7,
    OPEC+, SEAT) is judged like the word with exact case: Zipf >= 4.0 ->
    case = "exact" and needs = "support" (SEAT, LINE, MINI: in a heading it is
    the word) unless name-dominant; a frequent letter sequence (Zipf >= 3.0)
    -> case = "exact";
  - another single word: Zipf >= 4.0 -> case = "exact" and needs = "support";
    Zipf >= 3.0 -> case = "exact"; unless listed in the [en] section of
    name-dominant.txt (its everyday use is the name: china, france, london);
  - a name of several words is a name (the words of a name of companies made
    only of common words get exact case where names have fixed capitals:
    `common_words_exact`, applied by the biz area).

Per entity:

* a person's surname or short form (`surnames`): a single Latin word, the
  last word of another alias (the last two after a particle: de Villepin), the
  part after the middle dot of another alias (布莱尔 of 托尼·布莱尔), or a Han
  alias without a middle dot beside a dotted one (盖茨 beside 比尔·盖茨) ->
  case = "exact" (Latin) and needs = "support", unless typed as a full name;
* a name claimed by several entities (same canon key, in any table) ->
  needs = "support" on every entity that claims it;
* a short Chinese alias (at most three characters) that needs support gets the
  jieba words that contain it as blockers (`dictionary_blockers`: 克里 in
  克里米亚, 政协 in 省政协, 安然 in 安然无恙), except those that still name the
  entity (大众汽车公司, 突尼斯共和国, 德国科隆);
* an entity with an alias that needs support carries no broad topic
  (`BROAD_TOPICS`: geo, politics, media, tech): entities that share a topic
  support each other, and support must come from the same country or field
  (its parent, siblings, narrow topics such as united-kingdom-politics or
  newspapers, context words), not from any political or technology name.

Importable (`requirement`, `surnames`, `dictionary_blockers`, `lint_files`)
and a CLI:

    python3 scripts/aliasgen/ambiguity.py lint FILE.toml ...
    python3 scripts/aliasgen/ambiguity.py explain ALIAS ...   # [--kind place|person|org]

`lint` prints `file:line: message` for every alias or entity that lacks what
the rule requires (names shared between the given files included: give it
data/aliases/*.toml) and exits 1 if there are any.
"""

from __future__ import annotations

import re
import sys
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import FREQ, has_han, is_han, key, name_to_hant, to_hans  # noqa: E402

EXACT_ZIPF = 3.0
SUPPORT_ZIPF = 4.0
ZH_SUPPORT_FREQ = 100
NAME_TAGS = frozenset({"nr", "ns", "nt", "nz", "nrt", "nrfg"})
# jieba tags abbreviations j; nearly all of them that are aliases are abbreviated names
# (欧盟, 东盟, 央视, 美联储, 证监会, 两会), so j counts as a proper-name tag here.
EXEMPT_TAGS = NAME_TAGS | {"j"}
# kinds whose two-character names are tagged reliably enough by jieba (柏林 nr is the city)
TAGGED_KINDS = frozenset({"place", "person"})
SHORT_ACRONYM = re.compile(r"^[A-Z]{2,3}$")
FUNCTION_WORDS = frozenset({"of", "the", "and", "for", "de", "du", "la", "le", "des", "y", "a", "an", "in", "on",
                            "at", "to", "&"})
POSSESSIVE = re.compile(r"['’]s$")
ANY_POSSESSIVE = re.compile(r"['’]s\b")
# topics that entities all over a news corpus carry: they must not support an alias
BROAD_TOPICS = ("geo", "politics", "media", "tech")
MAX_DICT_BLOCKERS = 25
# jieba's tag for idioms (chengyu): 大同小异 is one word, never the name followed by another
# word ("l", fixed expressions, also tags 布什总统)
IDIOM_TAGS = frozenset({"i"})
# a word that follows a name and leaves it a mention (赖斯说, 布什总统, 保守党政府)
MODIFIER_TAGS = frozenset({"v", "vn", "n", "a", "ad", "an", "d", "f", "m", "q", "t", "uj", "ul", "p", "c", "r",
                           "vg", "ng", "zg"})
PARTICLES = frozenset({"de", "van", "von", "le", "la", "di", "da", "del", "der", "du", "zu", "bin", "al", "el",
                       "dos", "das"})


@dataclass(frozen=True)
class Requirement:
    """What the rule demands of one alias, and why."""

    case_exact: bool = False
    needs_support: bool = False
    forbidden: bool = False
    never_exact: bool = False
    reason: str = ""
    # which part of the rule: chinese-word, two-character, single-character, possessive,
    # short-acronym, acronym, frequency, common-words
    rule: str = ""

    def satisfied_by(self, case_exact: bool, needs_support: bool) -> bool:
        if self.forbidden or (self.never_exact and case_exact):
            return False
        return (case_exact or not self.case_exact) and (needs_support or not self.needs_support)

    def __bool__(self) -> bool:
        return self.case_exact or self.needs_support or self.forbidden or self.never_exact


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


SECTIONS = ("en", "zh", "acronym")


@lru_cache(maxsize=None)
def name_dominant(section: str) -> dict[str, str]:
    """One list of data/freq/name-dominant.txt: word -> reason. Sections: `[en]` English
    words (lower case), `[zh]` Chinese words (simplified), `[acronym]` short acronyms
    (as written). Every line needs a reason."""
    out: dict[str, dict[str, str]] = {s: {} for s in SECTIONS}
    current = None
    with open(FREQ / "name-dominant.txt", encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("#") or not line.strip():
                continue
            header = re.fullmatch(r"\[(\w+)\]", line.strip())
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
    if len(key(text).split(" ")) > 1:
        if ANY_POSSESSIVE.search(text):
            return Requirement(never_exact=True, rule="possessive",
                               reason=f"{text!r} has a possessive: canon cannot match it with exact case")
        return NONE
    if POSSESSIVE.search(text):
        bare = text[:-2].replace(".", "").lower()
        if bare in name_dominant("en"):
            return NONE
        return Requirement(needs_support=True, never_exact=True, rule="possessive",
                           reason=f"{text!r} is a possessive: canon matches its bare form, often a family name")
    stripped = text.replace(".", "")
    lower = key(text)  # the term canon matches: U.S. -> us, Yahoo! -> yahoo
    zipf = en_zipf().get(lower, 0.0)
    if is_acronym(text):
        if SHORT_ACRONYM.match(stripped) and stripped not in name_dominant("acronym"):
            return Requirement(case_exact=True, needs_support=True, rule="short-acronym",
                               reason=f"acronym {text}: a short letter sequence many bodies share")
        if zipf >= SUPPORT_ZIPF and len(stripped) >= 4 and lower not in name_dominant("en"):
            # a word typeset in capitals (SEAT, MINI, LINE): in a heading or a shouted line
            # it is the word
            return Requirement(case_exact=True, needs_support=True, rule="frequency",
                               reason=f"{lower!r} in capitals has Zipf {zipf:.2f} >= {SUPPORT_ZIPF}")
        if zipf >= EXACT_ZIPF or (len(stripped) == 2 and stripped.isalpha()):
            return Requirement(case_exact=True, rule="acronym",
                               reason=f"acronym {text} is a frequent letter sequence (Zipf {zipf:.2f})")
        return NONE
    if lower in name_dominant("en"):
        return NONE
    if zipf >= SUPPORT_ZIPF:
        return Requirement(case_exact=True, needs_support=True, rule="frequency",
                           reason=f"{lower!r} has Zipf {zipf:.2f} >= {SUPPORT_ZIPF}")
    if zipf >= EXACT_ZIPF:
        return Requirement(case_exact=True, rule="frequency", reason=f"{lower!r} has Zipf {zipf:.2f} >= {EXACT_ZIPF}")
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
    if words and all(en_zipf().get(w, 0.0) >= EXACT_ZIPF for w in words):
        return Requirement(case_exact=True, rule="common-words", reason=f"{text!r} is made of common words only")
    return NONE


def surnames(aliases: list[tuple[str, str, bool]], single_words: bool = True) -> dict[str, str]:
    """A person's aliases that are a surname or short form, with the reason: from
    (lang, text, typed as a full name) triples. Those need case = "exact" (Latin) and
    needs = "support": the document must name the person in full or give context.
    The last part of another alias is certain; a single Latin word and a Han alias
    without a middle dot beside a dotted one (`single_words`) are so unless the curated
    input marks them as a full name (Suharto, 苏铭天, the Hong Kong name 白高敦, the
    title form 法赫德国王), which a table does not record: lint checks the certain part."""
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
            out[text] = "surname (the last part of a full name)"
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


def narrow_topics(topics: list[str]) -> list[str]:
    return [t for t in topics if t not in BROAD_TOPICS]


# ---------------------------------------------------------------- lint

@dataclass
class Found:
    file: str
    line: int
    entity: str
    kind: str
    lang: str
    text: str
    case_exact: bool
    needs_support: bool


def _aliases_of(path: Path):
    """Yields (entity, [Found...]) for every entity of a TOML table, each alias with its
    line (the first line of its entity block that quotes it, as canon's loader does)."""
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    lines = text.splitlines()
    headers = [i + 1 for i, l in enumerate(lines) if l.lstrip().startswith("[[entity]]")]
    field = re.compile(r"^\s*(id|name|kind|parent|topics|context)\s*=")
    for index, entity in enumerate(data.get("entity", [])):
        first = headers[index] if index < len(headers) else 1
        last = headers[index + 1] if index + 1 < len(headers) else len(lines) + 1
        found = []
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
                found.append(Found(str(path), line, entity["id"], entity.get("kind", ""), lang, t, case, needs))
        yield entity, first, found


def _want(exact: bool, support: bool) -> str:
    return " and ".join(x for x, on in (('case = "exact"', exact), ('needs = "support"', support)) if on)


def lint_files(paths: list[Path]) -> list[str]:
    """Messages `file:line: message` for aliases and entities that lack what the rule demands."""
    messages = []
    entities = [(p, e, first, found) for p in paths for e, first, found in _aliases_of(p)]
    seen: set[str] = set()
    by_key: dict[str, set[str]] = {}
    for _p, e, _first, found in entities:
        if e["id"] in seen:  # the same table given twice (the default table and a file)
            continue
        seen.add(e["id"])
        for f in found:
            by_key.setdefault(key(f.text), set()).add(f.entity)
    for path, e, first, found in entities:
        if e.get("kind") == "person":
            short = surnames([(f.lang, f.text, False) for f in found], single_words=False)
        else:
            short = {}
        for f in found:
            req = requirement(f.text, f.kind)
            if req and not req.satisfied_by(f.case_exact, f.needs_support):
                if req.forbidden:
                    want = "is not allowed"
                elif req.never_exact and f.case_exact:
                    want = 'must not be case = "exact"'
                else:
                    want = "needs " + _want(req.case_exact, req.needs_support)
                messages.append(f"{f.file}:{f.line}: entity {f.entity!r}: alias {f.text!r} {want}: {req.reason}")
            if f.text in short and not (f.needs_support and (f.case_exact or has_han(f.text))):
                want = _want(not has_han(f.text) and not f.case_exact, not f.needs_support)
                messages.append(f"{f.file}:{f.line}: entity {f.entity!r}: alias {f.text!r} needs {want}: {short[f.text]}")
            owners = by_key[key(f.text)]
            if len(owners) > 1 and not f.needs_support:
                others = ", ".join(sorted(owners - {f.entity}))
                messages.append(
                    f"{f.file}:{f.line}: entity {f.entity!r}: alias {f.text!r} is shared with {others}: needs = \"support\""
                )
        broad = [t for t in e.get("topics", []) if t in BROAD_TOPICS]
        if broad and any(f.needs_support for f in found):
            messages.append(f"{path}:{first}: entity {e['id']!r}: has aliases that need support and the broad "
                            f"topic(s) {', '.join(broad)}: any entity with them would support those aliases")
    return messages


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
                  f"\tnever_exact={r.never_exact}\t{r.reason}")
        return 0
    print("usage: ambiguity.py lint FILE.toml... | explain [--kind KIND] ALIAS...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
