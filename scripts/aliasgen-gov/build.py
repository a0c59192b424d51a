#!/usr/bin/env python3
"""Build data/aliases/gov-*.toml and people-*.toml from the curated input.

The curated input (scripts/aliasgen-gov/curated/*.toml) is typed and
reviewed by hand: ids, names, parents, context words and aliases with the
judgements a person must make (a surname alias, an everyday short form, a
blocker). This script adds what a rule can decide:

  * the frequency rule of issue #16 (rules.py): case/support from wordfreq
    Zipf for English words, support from jieba's dictionary for Chinese
    words, no single-character Chinese aliases;
  * the shared-name rule: an alias that two entities claim (in these files or
    in the default table) needs support in every entity of ours that has it;
    found by `canon alias check`, so canon's own alias keys decide;
  * zh-Hant forms converted from zh-Hans with OpenCC (s2t), with the fix-ups
    for surnames that s2t would turn into the wrong character (范 -> 範);
    an entity can give its zh-Hant list by hand (`hant = [...]`);
  * a report of the jieba dictionary tags of every Chinese name (STATS.md).

Usage (from the worktree root):
    python3 -m venv .venv-aliasgen
    .venv-aliasgen/bin/pip install -r scripts/aliasgen-gov/requirements.txt
    .venv-aliasgen/bin/python scripts/aliasgen-gov/build.py [--canon target/release/canon]

Curated format, one file per output file:

    [meta]
    out = "gov-uk"                      # writes data/aliases/gov-uk.toml
    title = "..."                       # first comment line after the header
    country = "united-kingdom"          # default parent of org entities
    topic = "united-kingdom-politics"   # topic of every entity in the file
    kind = "org"                        # default kind (person files: "person")
    ctx.pm = ["Prime Minister", ...]    # context macros, used as "@pm"

    [[e]]
    id = "uk-home-office"
    name = "Home Office"
    parent = "uk-government"            # "" for none; default meta.country (orgs)
    ctx = ["@home", "immigration"]
    block = ["Cherie Blair"]                # blockers for every alias they contain
    note = "one comment line"           # written above the aliases
    en = ["Home Office", ...]
    zh = ["英国内政部"]                  # zh-Hans; zh-Hant generated unless hant = [...]
    tw = [...]  hk = [...]  ja = [...]  ko = [...]  (and de, fr, ru, ...)

An alias is a string or a table {text, case, needs, blockers}. String
prefixes: "~" surname or short form (needs support, and exact case when
Latin), "=" exact case, "?" needs support; they combine ("=?GOP").
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import opencc

import rules

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT_DIR = os.path.join(ROOT, "data", "aliases")

LANG_KEYS = {
    "en": "en",
    "zh": "zh-Hans",
    "hant": "zh-Hant",
    "tw": "zh-TW",
    "hk": "zh-HK",
    "ja": "ja",
    "ko": "ko",
    "de": "de",
    "fr": "fr",
    "ru": "ru",
    "es": "es",
    "pt": "pt",
    "it": "it",
    "tr": "tr",
    "idn": "id",
    "ar": "ar",
    "hi": "hi",
}
LANG_ORDER = list(LANG_KEYS.values())

S2T = opencc.OpenCC("s2t")
T2S = opencc.OpenCC("t2s")
# s2t is right for words, wrong for some surnames and for 台 (Taiwan texts
# and Hong Kong texts both write 台灣, 台北).
SURNAME_FIXES = {"範": "范", "於": "于", "餘": "余", "薑": "姜", "鐘": "鍾", "穀": "谷", "鬱": "郁", "捨": "舍", "併": "并"}
CHAR_FIXES = {"臺": "台"}


@dataclass
class Alias:
    text: str
    lang: str
    exact: bool = False
    support: bool = False
    blockers: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


@dataclass
class Entity:
    id: str
    name: str
    kind: str
    parent: str | None
    topics: list[str]
    context: list[str]
    notes: list[str]
    aliases: list[Alias]
    source: str


def to_hant(text: str, person: bool) -> str:
    converted = S2T.convert(text)
    converted = "".join(CHAR_FIXES.get(c, c) for c in converted)
    if person and len(converted) == len(text):
        # s2t reads 范/于/余/钟 ... as words (範, 於, 餘, 鐘); in a personal name
        # they are surnames or sounds: 范, 于, 余, 鍾.
        converted = "".join(SURNAME_FIXES.get(t, t) for t in converted)
    return converted


def fold_key(text: str) -> str:
    """An approximation of canon's alias key (case folded), keeping the script: a
    traditional form is listed next to its simplified one on purpose (docs/aliases.md)."""
    return " ".join(text.casefold().split())


def to_hans(text: str) -> str:
    return T2S.convert(text)


def parse_alias(raw, lang: str, where: str) -> Alias:
    if isinstance(raw, dict):
        unknown = set(raw) - {"text", "case", "needs", "blockers"}
        if unknown:
            sys.exit(f"{where}: unknown alias fields {sorted(unknown)}")
        return Alias(
            raw["text"],
            lang,
            exact=raw.get("case") == "exact",
            support=raw.get("needs") == "support",
            blockers=list(raw.get("blockers", [])),
            reasons=["curated"] if raw.get("case") or raw.get("needs") else [],
        )
    text = raw
    exact = support = False
    reasons = []
    while text and text[0] in "~=?":
        mark, text = text[0], text[1:]
        if mark == "~":
            support = True
            exact = exact or not rules.is_han(text)
            reasons.append("surname/short form")
        elif mark == "=":
            exact = True
            reasons.append("curated")
        else:
            support = True
            reasons.append("curated")
    return Alias(text, lang, exact, support, [], reasons)


def expand_context(words, macros, where):
    out = []
    for word in words or []:
        if word.startswith("@"):
            if word[1:] not in macros:
                sys.exit(f"{where}: unknown context macro {word}")
            out.extend(macros[word[1:]])
        else:
            out.append(word)
    seen = set()
    return [w for w in out if not (w in seen or seen.add(w))]


MINISTRY_FORMS = {
    # kind: (id suffix, English forms after the adjective, English forms of the bare name)
    "finance": ("ministry-of-finance", ["Finance Ministry", "Ministry of Finance"]),
    "foreign": ("ministry-of-foreign-affairs", ["Foreign Ministry", "Ministry of Foreign Affairs"]),
    "defence": ("ministry-of-defence", ["Defence Ministry", "Defense Ministry", "Ministry of Defence", "Ministry of Defense"]),
    "interior": ("ministry-of-the-interior", ["Interior Ministry", "Ministry of the Interior", "Ministry of Interior"]),
    "justice": ("ministry-of-justice", ["Justice Ministry", "Ministry of Justice"]),
    "health": ("ministry-of-health", ["Health Ministry", "Ministry of Health"]),
    "education": ("ministry-of-education", ["Education Ministry", "Ministry of Education"]),
    "trade": ("ministry-of-trade", ["Trade Ministry", "Ministry of Trade"]),
    "economy": ("ministry-of-economy", ["Economy Ministry", "Ministry of Economy", "Economics Ministry"]),
}


def ministries(group: dict) -> list[dict]:
    """Entities from a group's `min` table: kind = [display name, [aliases], Chinese bare names].

    The display name is not an alias (official names such as "Ministry of the Interior"
    are every country's). English aliases are the listed ones and "<adjective> <form>" for
    the usual forms of the kind ("French Interior Ministry"); Chinese aliases are the
    country's Chinese name followed by each bare name (法国 + 内政部); bare names
    alone are any country's ministry and are never aliases.
    """
    out = []
    for kind, spec in group.get("min", {}).items():
        suffix, forms = MINISTRY_FORMS[kind]
        official, more, zh_bare = spec[0], spec[1] if len(spec) > 1 else [], spec[2] if len(spec) > 2 else []
        en = list(more)
        for adj in group["adj"]:
            en += [f"{adj} {form}" for form in forms]
        seen = set()
        en = [a for a in en if not (a.lstrip("~=?").lower() in seen or seen.add(a.lstrip("~=?").lower()))]
        entity = {"id": f"{group['prefix']}-{suffix}", "name": official, "en": en,
                  "parent": group.get("gov", group["country"])}
        if zh_bare:
            entity["zh"] = [group["zhc"] + z for z in zh_bare]
        extra = group.get("min_extra", {}).get(kind, {})
        entity.update(extra)
        out.append(entity)
    return out


def provincial_bodies(rows: list[dict]) -> list[dict]:
    """The party committee, government, people's congress, its standing committee and the
    CPPCC committee of each provincial-level division of China, named by the fixed
    pattern every one of them uses (中共广东省委 / 广东省人民政府 / 广东省人大常委会 ...).
    A row: parent (place id), en, zh (full name: 广东省, 北京市, 西藏自治区), kind
    (province | municipality | region)."""
    out = []
    for row in rows:
        en, zh, kind, parent = row["en"], row["zh"], row["kind"], row["parent"]
        slug = row.get("slug", parent)
        adj = {"province": f"{en} Provincial", "municipality": f"{en} Municipal", "region": f"{en} Autonomous Regional"}[kind]
        unit = {"province": "Province", "municipality": "Municipality", "region": "Autonomous Region"}[kind]
        committee = f"{zh}委" if kind != "region" else f"{zh}党委"
        out.append({"id": f"{slug}-party-committee", "name": f"CPC {adj} Committee", "parent": parent,
                    "en": [f"{adj} Party Committee", f"CPC {adj} Committee"],
                    "zh": [f"中共{committee}", committee, f"中国共产党{zh}委员会"]})
        gov_en = {"province": f"{en} Provincial Government", "municipality": f"{en} Municipal Government",
                  "region": f"{en} Autonomous Region Government"}[kind]
        out.append({"id": f"{slug}-government", "name": f"People's Government of {en} {unit}", "parent": parent,
                    "en": [gov_en, f"People's Government of {en} {unit}"],
                    "zh": [f"{zh}人民政府", f"{zh}政府"]})
        out.append({"id": f"{slug}-peoples-congress", "name": f"{adj} People's Congress", "parent": parent,
                    "en": [f"{adj} People's Congress", f"{en} People's Congress"],
                    "zh": [f"{zh}人民代表大会", f"{zh}人大"]})
        out.append({"id": f"{slug}-peoples-congress-standing-committee",
                    "name": f"Standing Committee of the {adj} People's Congress",
                    "parent": f"{slug}-peoples-congress",
                    "en": [f"Standing Committee of the {adj} People's Congress", f"{en} People's Congress Standing Committee"],
                    "zh": [f"{zh}人民代表大会常务委员会", f"{zh}人大常委会"]})
        out.append({"id": f"{slug}-cppcc-committee", "name": f"{en} Committee of the CPPCC", "parent": parent,
                    "en": [f"{en} Committee of the CPPCC", f"{adj} Committee of the Chinese People's Political Consultative Conference"],
                    "zh": [f"政协{zh}委员会", f"{zh}政协"]})
    return out


def load_curated(path: str) -> tuple[dict, list[Entity]]:
    with open(path, "rb") as f:
        data = tomllib.load(f)
    meta = data["meta"]
    groups = [(meta, data.get("e", []) + provincial_bodies(data.get("province", [])))]
    for group in data.get("group", []):
        merged = {**meta, **{k: v for k, v in group.items() if k not in ("e", "min", "min_extra")}}
        merged.setdefault("topic", f"{group['country']}-politics")
        if "topic" not in group:
            merged["topic"] = f"{group['country']}-politics"
        merged["ctx"] = {**meta.get("ctx", {}), **group.get("ctx", {})}
        groups.append((merged, ministries(group) + group.get("e", [])))
    entities = []
    for gmeta, raws in groups:
        entities.extend(load_entities(path, gmeta, raws))
    return meta, entities


def load_entities(path: str, meta: dict, raws: list[dict]) -> list[Entity]:
    macros = meta.get("ctx", {})
    entities = []
    for raw in raws:
        where = f"{os.path.relpath(path, ROOT)}: {raw.get('id')}"
        kind = raw.get("kind", meta.get("kind", "org"))
        person = kind == "person"
        if "parent" in raw:
            parent = raw["parent"] or None
        else:
            parent = None if person else meta.get("country")
        topics = ([meta["topic"]] if meta.get("topic") and not raw.get("no_topic") else []) + raw.get("topics", [])
        aliases: list[Alias] = []
        for key, lang in LANG_KEYS.items():
            for item in raw.get(key, []):
                aliases.append(parse_alias(item, lang, where))
        # `block`: longer names (a relative, a namesake) that contain an alias of ours
        for alias in aliases:
            for blocker in raw.get("block", []):
                if alias.text in blocker and alias.text != blocker and blocker not in alias.blockers:
                    alias.blockers.append(blocker)
        if "hant" not in raw:
            for alias in [a for a in aliases if a.lang == "zh-Hans"]:
                hant = to_hant(alias.text, person)
                if hant != alias.text:
                    aliases.append(Alias(hant, "zh-Hant", alias.exact, alias.support,
                                         [to_hant(b, person) for b in alias.blockers], list(alias.reasons)))
        # one alias per folded text: "French government" / "French Government" are one key
        seen: set[str] = set()
        aliases = [a for a in aliases
                   if not (fold_key(a.text) in seen or seen.add(fold_key(a.text)))]
        unknown = set(raw) - set(LANG_KEYS) - {"id", "name", "kind", "parent", "ctx", "note", "topics", "no_topic", "block"}
        if unknown:
            sys.exit(f"{where}: unknown fields {sorted(unknown)}")
        note = raw.get("note", [])
        entities.append(Entity(
            id=raw["id"],
            name=raw["name"],
            kind=kind,
            parent=parent,
            topics=topics,
            context=expand_context(raw.get("ctx"), macros, where),
            notes=[note] if isinstance(note, str) else list(note),
            aliases=aliases,
            source=os.path.relpath(path, ROOT),
        ))
    return entities


PARTICLES = {"de", "van", "von", "le", "la", "di", "da", "del", "der", "du", "zu", "bin", "al", "el", "dos", "das"}


def surname_rule(entity: Entity) -> None:
    """DATA.md: a surname alone is an alias only with exact case and support. A
    person's alias that is the last part of another of its aliases (布莱尔 of
    托尼·布莱尔, Blair of Tony Blair) is a surname: mark it even where the
    curated input did not."""
    if entity.kind != "person":
        return
    lasts = set()
    for alias in entity.aliases:
        parts = re.split(r"[·・]", alias.text) if rules.is_han(alias.text) else alias.text.split()
        if len(parts) > 1:
            lasts.add(parts[-1])
            if not rules.is_han(alias.text) and len(parts) > 2 and parts[-2].lower() in PARTICLES:
                lasts.add(" ".join(parts[-2:]))  # de Villepin, Le Pen, Van Rompuy
    for alias in entity.aliases:
        if alias.text in lasts and not alias.support:
            alias.support = True
            alias.exact = alias.exact or not rules.is_han(alias.text)
            alias.reasons.append("surname/short form")


SHORT_ACRONYM = re.compile(r"^[A-Z]{2,3}$")


def dominant_acronyms() -> dict[str, str]:
    out = {}
    with open(os.path.join(HERE, "dominant-acronyms.txt"), encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                acronym, _, reason = line.rstrip("\n").partition("\t")
                if not reason:
                    sys.exit(f"dominant-acronyms.txt: {acronym} has no reason")
                out[acronym] = reason
    return out


def acronym_rule(entity: Entity) -> None:
    """A two- or three-letter acronym is shared with unrelated organisations (EFF: the
    Electronic Frontier Foundation; IDS: Incomes Data Services): exact case and support,
    unless dominant-acronyms.txt lists it."""
    dominant = dominant_acronyms()
    for alias in entity.aliases:
        if SHORT_ACRONYM.match(alias.text) and alias.text not in dominant:
            if not (alias.exact and alias.support):
                alias.exact = alias.support = True
                alias.reasons.append("short acronym")


MAX_DICT_BLOCKERS = 25
WORD_TAGS_OF_MODIFIERS = {"v", "vn", "n", "a", "ad", "an", "d", "f", "m", "q", "t", "uj", "ul", "p", "c", "r", "vg", "ng"}


def dictionary_blockers(entity: Entity, all_aliases: set[str]) -> None:
    """A short Chinese alias that needs support (克里, 拉米, 政协) also occurs inside longer
    names: 克里米亚 (Crimea), 拉米雷斯, 北京市政协. Every jieba dict.txt word that contains
    it becomes a blocker, unless it is the alias followed by an ordinary word (赖斯说,
    布什总统, 保守党政府: still a mention) or is itself an alias of some entity (全国政协),
    the 25 most frequent at most."""
    table = rules.jieba_dict()
    for alias in entity.aliases:
        if not (alias.support and rules.is_han(alias.text)):
            continue
        key = to_hans(alias.text)
        if len(key) > 3:
            continue
        found = []
        for word, (freq, _tag) in table.items():
            if key not in word or word == key or to_hans(word) in all_aliases:
                continue
            if word.startswith(key):
                rest = table.get(word[len(key):])
                if rest and rest[1] in WORD_TAGS_OF_MODIFIERS:
                    continue
            found.append((freq, word))
        found.sort(reverse=True)
        convert = (lambda w: w) if alias.lang == "zh-Hans" or alias.text == key else (lambda w: to_hant(w, False))
        for _freq, word in found[:MAX_DICT_BLOCKERS]:
            blocker = convert(word)
            if blocker not in alias.blockers and alias.text in blocker:
                alias.blockers.append(blocker)


def apply_rules(entity: Entity, problems: list[str]) -> None:
    surname_rule(entity)
    acronym_rule(entity)
    for alias in entity.aliases:
        if rules.is_han(alias.text):
            verdict = rules.chinese(to_hans(alias.text))
        elif re.search(r"[A-Za-z]", alias.text) and alias.lang not in ("ja", "ko", "ru", "ar", "hi"):
            verdict = rules.english(alias.text)
        else:
            continue
        if verdict.error:
            problems.append(f"{entity.id}: {alias.text!r}: {verdict.error}")
        marked = False
        if verdict.exact and not alias.exact:
            alias.exact = marked = True
        if verdict.support and not alias.support:
            alias.support = marked = True
        if marked:
            alias.reasons.append(verdict.reason)


def toml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def alias_toml(alias: Alias) -> str:
    if not (alias.exact or alias.support or alias.blockers):
        return toml_str(alias.text)
    parts = [f"text = {toml_str(alias.text)}"]
    if alias.exact:
        parts.append('case = "exact"')
    if alias.support:
        parts.append('needs = "support"')
    if alias.blockers:
        parts.append("blockers = [" + ", ".join(toml_str(b) for b in alias.blockers) + "]")
    return "{ " + ", ".join(parts) + " }"


def wrap(head: str, items: list[str], width: int = 100) -> list[str]:
    """`head` + items joined by ", " + "]", continued on lines indented under the first item."""
    lines, current = [], head
    for i, item in enumerate(items):
        piece = item + ("," if i + 1 < len(items) else "]")
        if current.strip() and len(current) + len(piece) + 1 > width and current != head:
            lines.append(current.rstrip())
            current = " " * len(head)
        current += piece + " "
    lines.append(current.rstrip())
    return lines


def entity_toml(entity: Entity) -> str:
    lines = ["[[entity]]", f"id = {toml_str(entity.id)}", f"name = {toml_str(entity.name)}",
             f"kind = {toml_str(entity.kind)}"]
    if entity.parent:
        lines.append(f"parent = {toml_str(entity.parent)}")
    if entity.topics:
        lines.append("topics = [" + ", ".join(toml_str(t) for t in entity.topics) + "]")
    if entity.context:
        lines.extend(wrap("context = [", [toml_str(c) for c in entity.context]))
    for note in entity.notes:
        lines.append(f"# {note}")
    ruled = sorted({r for a in entity.aliases for r in a.reasons
                    if r not in ("curated", "surname/short form", "short acronym")})
    shared = [r for r in ruled if r.startswith("shared with")]
    freq = [r for r in ruled if not r.startswith("shared with")]
    if freq:
        lines.append("# rule: " + "; ".join(
            f"{a.text} ({', '.join(r for r in a.reasons if r in freq)})"
            for a in entity.aliases if any(r in freq for r in a.reasons)))
    if shared:
        lines.append("# rule: " + "; ".join(shared))
    by_lang = defaultdict(list)
    for alias in entity.aliases:
        by_lang[alias.lang].append(alias)
    for lang in LANG_ORDER:
        if by_lang.get(lang):
            lines.extend(wrap(f"aliases.{lang} = [", [alias_toml(a) for a in by_lang[lang]]))
    return "\n".join(lines) + "\n"


HEADER = """\
# GENERATED by scripts/aliasgen-gov/build.py from {source}: do not edit by hand;
# change the curated input and rerun the script (scripts/aliasgen-gov/README.md).
#
# {title}
#
# Source: typed and reviewed by hand (names, offices and dates are public facts;
# Chinese names are the established forms of Xinhua / People's Daily usage, left out
# where not certain); zh-Hant converted from zh-Hans by OpenCC 1.4.2 (Apache-2.0)
# and reviewed; ambiguity rules from wordfreq 3.1.1 Zipf frequencies (data CC BY-SA
# 4.0) and jieba 0.42.1 dict.txt (MIT). "# rule:" lines say which alias a rule marked.
"""


def write(meta: dict, entities: list[Entity], source: str) -> str:
    path = os.path.join(OUT_DIR, meta["out"] + ".toml")
    body = "\n".join(entity_toml(e) for e in entities)
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER.format(source=source, title=meta["title"]))
        f.write("\n")
        f.write(body)
    return path


WARN = re.compile(r'^(?P<file>[^:]+):(?P<line>\d+): entity "(?P<id>[^"]+)": alias "(?P<text>(?:[^"\\]|\\.)*)" \((?P<key>"[^"]*")\) is also claimed by (?P<others>[^ ]+(?:, [^ ]+)*) without being marked')


FALLBACK_PARENTS = {
    "scotland": "united-kingdom", "wales": "united-kingdom", "northern-ireland": "united-kingdom",
    "england": "united-kingdom",
}


def known_ids() -> set[str]:
    """Entity ids of the tables in data/aliases/ not written here."""
    paths = [os.path.join(ROOT, p) for p in other_tables([])]
    out = set()
    for path in paths:
        with open(path, "rb") as f:
            out.update(e["id"] for e in tomllib.load(f).get("entity", []))
    return out


def other_tables(extra: list[str]) -> list[str]:
    """The tables of data/aliases/ that this script does not write, plus `extra`: the
    shared-name rule must see every name of the merged table."""
    ours = []
    for name in sorted(os.listdir(OUT_DIR)):
        path = os.path.join(OUT_DIR, name)
        if name.endswith(".toml"):
            with open(path, encoding="utf-8") as f:
                if "scripts/aliasgen-gov/build.py" not in f.readline():
                    ours.append(os.path.relpath(path, ROOT))
    return ours + extra


def check(canon: str, paths: list[str]) -> list[str]:
    result = subprocess.run([canon, "alias", "check", *paths], capture_output=True, text=True, cwd=ROOT)
    return [line for line in result.stdout.splitlines() + result.stderr.splitlines() if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--canon", default=os.path.join(ROOT, "target", "release", "canon"))
    parser.add_argument("--extra", nargs="*", default=[],
                        help="more tables to check against (another helper's files before a merge)")
    args = parser.parse_args()
    print(f"ambiguity rule: {rules.source()}", file=sys.stderr)

    curated_dir = os.path.join(HERE, "curated")
    files = sorted(f for f in os.listdir(curated_dir) if f.endswith(".toml"))
    loaded = []
    problems: list[str] = []
    ids = Counter()
    for name in files:
        meta, entities = load_curated(os.path.join(curated_dir, name))
        for e in entities:
            ids[e.id] += 1
            apply_rules(e, problems)
        loaded.append((meta, entities, os.path.relpath(os.path.join(curated_dir, name), ROOT)))
    all_aliases = {to_hans(a.text) for _, es, _ in loaded for e in es for a in e.aliases if rules.is_han(a.text)}
    for _, es, _ in loaded:
        for e in es:
            dictionary_blockers(e, all_aliases)
    for id_, n in ids.items():
        if n > 1:
            problems.append(f"duplicate id {id_}")
    os.makedirs(OUT_DIR, exist_ok=True)

    # Parents that only another helper's tables define (the province and UK-nation places
    # of data-geo) are used once those tables are in this worktree; until then the
    # entity points to the fallback (its country), so the files load on their own.
    known = known_ids() | set(ids)
    for meta, entities, _src in loaded:
        for e in entities:
            if e.parent and e.parent not in known:
                fallback = FALLBACK_PARENTS.get(e.parent) or (meta.get("fallback_parent") if e.kind != "person" else None)
                if not fallback:
                    problems.append(f"{e.id}: unknown parent {e.parent} and no fallback")
                    continue
                e.notes.append(f"parent: {e.parent} once that place entity is in the table (until then {fallback})")
                e.parent = fallback

    # Shared-name rule: mark, rewrite, and check again until nothing changes.
    index = {(e.id): e for _, es, _ in loaded for e in es}
    for _round in range(5):
        paths = [write(meta, entities, src) for meta, entities, src in loaded]
        rel = other_tables(args.extra) + [os.path.relpath(p, ROOT) for p in paths]
        lines = check(args.canon, rel)
        changed = False
        for line in lines:
            m = WARN.match(line)
            if not m or m["id"] not in index:
                continue
            text = json.loads('"' + m["text"] + '"')
            entity = index[m["id"]]
            for alias in entity.aliases:
                if alias.text == text and not alias.support:
                    alias.support = True
                    alias.reasons.append(f"shared with {m['others']}")
                    dictionary_blockers(entity, all_aliases)
                    changed = True
        if not changed:
            break
    lines = [line for line in check(args.canon, rel) if not line.startswith(tuple(args.extra))]
    for line in lines:
        print(line)
    for p in problems:
        print("problem:", p)
    stats(loaded)
    return 1 if problems or any("[error]" in l or "[warning]" in l for l in lines) else 0


def jieba_words(text: str) -> list[str]:
    """jieba's own cut (HMM off): only dictionary words and single characters."""
    import jieba
    jieba.setLogLevel(60)
    return list(jieba.cut(text, HMM=False))


def stats(loaded) -> None:
    """STATS.md: entities and aliases per file and kind, jieba tags of Chinese names."""
    out = ["# scripts/aliasgen-gov: generated figures (build.py writes this file)", ""]
    out.append("| file | entities | org | person | other | aliases | en | zh-Hans | zh-Hant | other langs |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    total = Counter()
    tags = Counter()
    unconfirmed = []
    for meta, entities, _src in loaded:
        c = Counter()
        for e in entities:
            c["entities"] += 1
            c[e.kind if e.kind in ("org", "person") else "other"] += 1
            for a in e.aliases:
                c["aliases"] += 1
                c[a.lang if a.lang in ("en", "zh-Hans", "zh-Hant") else "langs"] += 1
            for a in e.aliases:
                if a.lang != "zh-Hans":
                    continue
                entry = rules.jieba_tag(a.text)
                if entry is None:
                    parts = [w for w in re.split(r"[·・]", a.text) if w]
                    words = [p for part in parts for p in jieba_words(part)]
                    if all(rules.jieba_tag(w) for w in words) and any(
                            rules.jieba_tag(w)[1] in rules.PROPER_TAGS for w in words):
                        tags["not a dict.txt word; every part is one, with a proper-name part"] += 1
                    else:
                        tags["not in dict.txt"] += 1
                        unconfirmed.append((e.id, a.text))
                elif entry[1] in rules.PROPER_TAGS:
                    tags["dict.txt word, proper-name tag (" + ("nr*" if entry[1].startswith("nr") else entry[1]) + ")"] += 1
                else:
                    tags[f"dict.txt word, other tag ({entry[1]})"] += 1
        total.update(c)
        out.append(f"| {meta['out']}.toml | {c['entities']} | {c['org']} | {c['person']} | {c['other']} | "
                   f"{c['aliases']} | {c['en']} | {c['zh-Hans']} | {c['zh-Hant']} | {c['langs']} |")
    out.append(f"| **total** | {total['entities']} | {total['org']} | {total['person']} | {total['other']} | "
               f"{total['aliases']} | {total['en']} | {total['zh-Hans']} | {total['zh-Hant']} | {total['langs']} |")
    out.append("")
    n = sum(tags.values())
    proper = sum(v for k, v in tags.items() if "proper-name tag" in k)
    parts = sum(v for k, v in tags.items() if k.startswith("not a dict.txt word; every part"))
    out.append(f"zh-Hans aliases checked against jieba 0.42.1 dict.txt: {n}; a dict.txt word with a proper-name "
               f"tag (nr/nrt/nrfg/ns/nt/nz): {proper} ({proper / max(n, 1):.1%}); made of dict.txt words with a "
               f"proper-name part (法国 + 财政部, 托尼 + 布莱尔): {parts} ({parts / max(n, 1):.1%}).")
    out.append("")
    for k, v in sorted(tags.items(), key=lambda kv: -kv[1]):
        out.append(f"* {k}: {v}")
    out.append("")
    out.append("Not confirmed by jieba (reviewed by hand; established forms, or left out):")
    out.append("")
    for entity_id, text in unconfirmed:
        out.append(f"* {entity_id}: {text}")
    out.append("")
    with open(os.path.join(HERE, "STATS.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(out))
    try:
        print("\n".join(out[:4 + len(loaded) + 1]))
        print(out[-len(tags) - 3])
    except BrokenPipeError:
        pass


if __name__ == "__main__":
    sys.exit(main())
