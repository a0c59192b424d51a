"""Governments, parliaments, parties and their people: data/aliases/gov-*.toml and
people-*.toml (the political ones) from the curated input in curated/gov/*.toml.

The curated input is typed and reviewed by hand: ids, names, parents, context
words and aliases with the judgements a person must make (a surname alias, an
everyday short form, a blocker). This module adds what a rule can decide (the
rule of ambiguity.py: frequency, short acronyms, surnames; names shared with
any other table are marked by generate.py in one pass over every table), the
zh-Hant forms (common.name_to_hant, unless the entity lists them: `hant =
[...]`), the ministries and provincial bodies that follow a fixed pattern, and
the figures of STATS.md.

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
    block = ["Cherie Blair"]            # blockers for every alias they contain
    note = "one comment line"           # written above the aliases
    en = ["Home Office", ...]
    zh = ["英国内政部"]                  # zh-Hans; zh-Hant generated unless hant = [...]
    tw = [...]  hk = [...]  ja = [...]  ko = [...]  (and de, fr, ru, ...)

    [[group]]                           # a country's block: country, prefix, adj, zhc,
    min.finance = [...]                 # ministries by the fixed pattern (see `ministries`)
    [[province]]                        # the five bodies of a Chinese province by pattern

An alias is a string or a table {text, case, needs, blockers}. String
prefixes: "~" surname or short form (needs support, and exact case when
Latin), "=" exact case, "?" needs support, "!" a person's name in full that
the surname rule would take for a surname; they combine ("=?GOP").

Topics are one per country (united-kingdom-politics, china-politics, ...), never
the broad `politics`: entities that share a topic support each other, so support
for "Labour" or "Supreme Court" comes from the same country's entities (issue #13,
kind 5). Person context words are offices, parties and colleagues; English country
names are not person context (any namesake's article has them), Chinese ones are.
Bodies whose bare name other countries' bodies share (Supreme Court, Constitutional
Court, National Assembly, 国会) carry their country's words only: a word every such
body has (judges, ruled, lawmakers, 议员) supports all of them, so it decides nothing
and, nearby, hides the country's words that would (generate.py drops any such word
shared by two claimants of a name; `canon alias check` reports one that is left).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections import defaultdict

import ambiguity
from common import ALIASES, CURATED, REPO, Alias, Entity, Table, has_han, key, name_to_hant, q

CURATED_GOV = CURATED / "gov"

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
# reasons that are not written as "# rule:" comments (the curated marks and the
# per-entity rules say so in the README, not on every entity)
UNLISTED = ("curated", "surname/short form", "short acronym")


class CuratedError(Exception):
    """A problem in a curated file, with its place."""


def parse_alias(raw, lang: str, where: str) -> Alias:
    if isinstance(raw, dict):
        unknown = set(raw) - {"text", "case", "needs", "blockers"}
        if unknown:
            raise CuratedError(f"{where}: unknown alias fields {sorted(unknown)}")
        return Alias(
            raw["text"],
            exact=raw.get("case") == "exact",
            support=raw.get("needs") == "support",
            blockers=list(raw.get("blockers", [])),
            reasons=["curated"] if raw.get("case") or raw.get("needs") else [],
            hand=True,
        )
    text = raw
    exact = support = full = False
    reasons = []
    while text and text[0] in "~=?!":
        mark, text = text[0], text[1:]
        if mark == "~":
            support = True
            exact = exact or not has_han(text)
            reasons.append("surname/short form")
        elif mark == "=":
            exact = True
            reasons.append("curated")
        elif mark == "?":
            support = True
            reasons.append("curated")
        else:
            full = True
    return Alias(text, exact, support, [], reasons, full_name=full, hand=True)


def dedupe_key(alias: Alias) -> str:
    """The text under which an entity keeps one alias: case-folded, or as written for an
    exact-case alias (its other cases are other aliases)."""
    text = " ".join(alias.text.split())
    return ("=" + text) if alias.exact else text.casefold()


def expand_context(words, macros, where):
    out = []
    for word in words or []:
        if word.startswith("@"):
            if word[1:] not in macros:
                raise CuratedError(f"{where}: unknown context macro {word}")
            out.extend(macros[word[1:]])
        else:
            out.append(word)
    seen = set()
    return [w for w in out if not (w in seen or seen.add(w))]


MINISTRY_FORMS = {
    # kind: (id suffix, English forms after the adjective)
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


def load_curated(path) -> tuple[dict, list[Entity]]:
    with open(path, "rb") as f:
        data = tomllib.load(f)
    meta = data["meta"]
    # the first context macro of a file or group holds its country's words (ctx.us, ctx.uk, ctx.jp)
    top = {**meta, "country_macro": next(iter(meta.get("ctx", {})), None)}
    groups = [(top, data.get("e", []) + provincial_bodies(data.get("province", [])))]
    for group in data.get("group", []):
        merged = {**meta, **{k: v for k, v in group.items() if k not in ("e", "min", "min_extra")}}
        if "topic" not in group:
            merged["topic"] = f"{group['country']}-politics"
        merged["ctx"] = {**meta.get("ctx", {}), **group.get("ctx", {})}
        merged["country_macro"] = next(iter(group.get("ctx", {})), top["country_macro"])
        groups.append((merged, ministries(group) + group.get("e", [])))
    entities = []
    for gmeta, raws in groups:
        entities.extend(load_entities(path, gmeta, raws))
    return meta, entities


def load_entities(path, meta: dict, raws: list[dict]) -> list[Entity]:
    macros = meta.get("ctx", {})
    rel = os.path.relpath(path, REPO)
    entities = []
    for raw in raws:
        where = f"{rel}: {raw.get('id')}"
        kind = raw.get("kind", meta.get("kind", "org"))
        person = kind == "person"
        if "parent" in raw:
            parent = raw["parent"] or None
        else:
            parent = None if person else meta.get("country")
        topics = ([meta["topic"]] if meta.get("topic") and not raw.get("no_topic") else []) + raw.get("topics", [])
        flat: list[tuple[str, Alias]] = []
        for field_key, lang in LANG_KEYS.items():
            for item in raw.get(field_key, []):
                flat.append((lang, parse_alias(item, lang, where)))
        # `block`: longer names (a relative, a namesake) that contain an alias of ours
        for _lang, alias in flat:
            for blocker in raw.get("block", []):
                if alias.text in blocker and alias.text != blocker and blocker not in alias.blockers:
                    alias.blockers.append(blocker)
        if "hant" not in raw:
            for lang, alias in [(lang, a) for lang, a in flat if lang == "zh-Hans"]:
                hant = name_to_hant(alias.text, person)
                if hant != alias.text:
                    flat.append(("zh-Hant", Alias(hant, alias.exact, alias.support,
                                                  [name_to_hant(b, person) for b in alias.blockers],
                                                  list(alias.reasons), alias.full_name, True)))
        # one alias per case-folded text: "French government" / "French Government" are one key;
        # exact-case aliases are kept per written form (NASA and BBC's Nasa both exact)
        seen: set[str] = set()
        flat = [(lang, a) for lang, a in flat
                if not (dedupe_key(a) in seen or seen.add(dedupe_key(a)))]
        unknown = set(raw) - set(LANG_KEYS) - {"id", "name", "kind", "parent", "ctx", "note", "topics", "no_topic", "block"}
        if unknown:
            raise CuratedError(f"{where}: unknown fields {sorted(unknown)}")
        note = raw.get("note", [])
        context = expand_context(raw.get("ctx"), macros, where)
        if kind == "org" and any(ambiguity.generic_organ(a.text).needs_support for lang, a in flat if lang == "en"):
            # a generic organ name (Prime Minister's Office, Labor Department) needs
            # support, and an organ word is no evidence for it: "Prime Minister Ephraim
            # Inoni" of Cameroon supports nothing British
            context = [w for w in context if not ambiguity.organ_words_only(w)]
            if not context and meta.get("country_macro"):
                # its country's words give it (the number of Americans filing jobless claims)
                context = list(macros[meta["country_macro"]])
        entity = Entity(id=raw["id"], name=raw["name"], kind=kind, parent=parent, topics=topics,
                        context=context,
                        comments=[note] if isinstance(note, str) else list(note), source=rel)
        for lang, alias in flat:
            entity.aliases.setdefault(lang, []).append(alias)
        entities.append(entity)
    return entities


def apply_rules(entity: Entity, problems: list[str]) -> None:
    """The per-alias and per-entity parts of the ambiguity rule."""
    if entity.kind == "person":
        short = ambiguity.surnames([(lang, a.text, a.full_name) for lang, a in entity.all_aliases()])
        for _lang, alias in entity.all_aliases():
            if alias.text in short and not alias.support:
                alias.mark(not has_han(alias.text), True, "surname/short form")
    for lang, alias in entity.all_aliases():
        if not has_han(alias.text) and (not re.search(r"[A-Za-z]", alias.text) or lang in ("ja", "ko", "ru", "ar", "hi")):
            continue
        req = ambiguity.requirement(alias.text, entity.kind)
        if req.forbidden:
            problems.append(f"{entity.id}: {alias.text!r}: {req.reason}")
            continue
        alias.mark(req.case_exact, req.needs_support, "short acronym" if req.rule == "short-acronym" else req.reason)
        if entity.kind == "org" and lang == "en":
            organ = ambiguity.generic_organ(alias.text)
            alias.mark(False, organ.needs_support, organ.reason)


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
    lines = ["[[entity]]", f"id = {q(entity.id)}", f"name = {q(entity.name)}", f"kind = {q(entity.kind)}"]
    if entity.parent:
        lines.append(f"parent = {q(entity.parent)}")
    if entity.topics:
        lines.append("topics = [" + ", ".join(q(t) for t in entity.topics) + "]")
    if entity.context:
        lines.extend(wrap("context = [", [q(c) for c in entity.context]))
    for note in entity.comments:
        lines.append(f"# {note}")
    aliases = [a for _lang, a in flat_order(entity)]
    ruled = sorted({r for a in aliases for r in a.reasons if r not in UNLISTED})
    shared = [r for r in ruled if r.startswith("shared with")]
    freq = [r for r in ruled if not r.startswith("shared with")]
    if freq:
        lines.append("# rule: " + "; ".join(
            f"{a.text} ({', '.join(r for r in a.reasons if r in freq)})"
            for a in aliases if any(r in freq for r in a.reasons)))
    if shared:
        lines.append("# rule: " + "; ".join(shared))
    for lang in LANG_ORDER:
        if entity.aliases.get(lang):
            lines.extend(wrap(f"aliases.{lang} = [", [a.toml() for a in entity.aliases[lang]]))
    return "\n".join(lines) + "\n"


def flat_order(entity: Entity):
    """The aliases in the order they were typed (languages in the curated order)."""
    for lang in LANG_ORDER:
        for a in entity.aliases.get(lang, []):
            yield lang, a


HEADER = """\
# GENERATED by scripts/aliasgen/generate.py from {source}: do not edit by hand;
# change the curated input and rerun the script (scripts/aliasgen/README.md).
#
# {title}
#
# Source: typed and reviewed by hand (names, offices and dates are public facts;
# Chinese names are the established forms of Xinhua / People's Daily usage, left out
# where not certain); zh-Hant converted from zh-Hans by OpenCC 1.4.2 (Apache-2.0)
# and reviewed; ambiguity rules from wordfreq 3.1.1 Zipf frequencies (data CC BY-SA
# 4.0) and jieba 0.42.1 dict.txt (MIT). "# rule:" lines say which alias a rule marked.
"""


def tables(problems: list[str]) -> list[Table]:
    """Every gov-*/people-* table of curated/gov/, with the per-alias rules applied."""
    out = []
    for name in sorted(os.listdir(CURATED_GOV)):
        if not name.endswith(".toml"):
            continue
        path = CURATED_GOV / name
        meta, entities = load_curated(path)
        for e in entities:
            apply_rules(e, problems)
        header = HEADER.format(source=os.path.relpath(path, REPO), title=meta["title"])

        def render(entities=entities, header=header):
            return header + "\n" + "\n".join(entity_toml(e) for e in entities)

        out.append(Table(f"data/aliases/{meta['out']}.toml", entities, render, "gov"))
    return out


def mark_shared(alias: Alias, others: list[str]) -> None:
    """How this area records the shared-name rule: support and a "# rule:" comment."""
    alias.mark(False, True, "shared with " + ", ".join(others))


def stats_rows(table: Table) -> dict:
    """Figures of one table for STATS.md."""
    counts = defaultdict(int)
    for e in table.entities:
        counts["entities"] += 1
        counts[e.kind if e.kind in ("org", "person") else "other"] += 1
        for lang, _a in e.all_aliases():
            counts["aliases"] += 1
            counts[lang if lang in ("en", "zh-Hans", "zh-Hant") else "langs"] += 1
    return counts


__all__ = ["tables", "mark_shared", "entity_toml", "parse_alias", "provincial_bodies", "ALIASES"]
