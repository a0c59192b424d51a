"""Japanese names (aliases.ja) for the generated tables: the forms Japanese news
writes that canon cannot reach through the Chinese names.

canon keys Japanese aliases as written and matches Japanese text without folding
traditional characters to simplified (src/aliases/mod.rs `alias_key_in`), so 東京
in a Japanese article matches only an alias written 東京 in `ja`: Tokyo's Chinese
names 东京 / 東京 are keyed 东京. This module adds, after every area has built its
tables and before the rules over all tables run (so a Japanese name shared by two
entities gets support like any other):

- CLDR's Japanese territory names written in kanji (韓国, 北朝鮮, 南極), which
  places.py leaves out (it takes the kana ones); babel, Unicode License v3;
- the typed names of curated/japanese-names.toml (prefectures with 県/府/都,
  cities, katakana capitals, companies), keyed by entity id.

A name is skipped when the entity already has it as a Japanese alias, or in a
form Japanese text already matches (the same text, written in simplified
characters: 大阪, 京都, 日本). An id the file names that no generated table holds
is an error, so a renamed entity cannot silently lose its Japanese names.
"""

from __future__ import annotations

import re
import tomllib

from common import CURATED, Alias, has_han, is_kana, to_hans

NAMES_FILE = "japanese-names.toml"


def cldr_kanji_names() -> dict[str, str]:
    """ISO 3166 code -> CLDR's Japanese territory name, for names without kana."""
    from babel import Locale

    out = {}
    for code, name in Locale.parse("ja").territories.items():
        if re.fullmatch(r"[A-Z]{2}", code) and has_han(name) and not any(is_kana(c) for c in name):
            out[code] = name
    return out


def curated_names() -> dict[str, list[str]]:
    return tomllib.loads((CURATED / NAMES_FILE).read_text(encoding="utf-8"))["names"]


def already_matched(entity, name: str) -> bool:
    """Whether Japanese text holding `name` already finds `entity`: a Japanese alias
    with that text, or any alias with that text in characters that folding to
    simplified leaves as they are (canon keys those the same in every language)."""
    for lang, a in entity.all_aliases():
        if a.text == name and (lang == "ja" or to_hans(name) == name):
            return True
    return False


def add_names(tables, problems: list[str]) -> None:
    """Adds the Japanese names to the entities of `tables` (in place); unknown ids
    in the curated file go to `problems`."""
    by_id = {e.id: e for t in tables for e in t.entities}
    wanted: dict[str, list[tuple[str, str]]] = {}
    for t in tables:
        if t.path.endswith("places-countries.toml"):
            kanji = cldr_kanji_names()
            for e in t.entities:
                iso = getattr(e, "iso", None)
                if iso in kanji:
                    wanted.setdefault(e.id, []).append((kanji[iso], f"CLDR ja territory {iso} (babel)"))
    for eid, names in curated_names().items():
        if eid not in by_id:
            problems.append(f"scripts/aliasgen/curated/{NAMES_FILE}: unknown id {eid!r}")
            continue
        wanted.setdefault(eid, []).extend((n, "curated/japanese-names.toml") for n in names)
    for eid, names in wanted.items():
        e = by_id[eid]
        sources = []
        for name, source in names:
            if already_matched(e, name):
                continue
            # Not Entity.add: it skips a text the entity has in any language,
            # and 東京 in zh-Hant is keyed 东京, which Japanese text never is.
            if any(a.text == name for a in e.aliases.get("ja", [])):
                continue
            e.aliases.setdefault("ja", []).append(Alias(name))
            if source not in sources:
                sources.append(source)
        if sources:
            note = "ja: " + "; ".join(sources)
            if note not in e.comments:
                e.comments.append(note)
