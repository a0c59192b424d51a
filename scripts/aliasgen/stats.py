"""scripts/aliasgen/STATS.md: entities and aliases per generated table and kind, the
rules the ambiguity rule set, and how many Chinese names jieba's dictionary confirms
(written by generate.py; checked by --check like every generated file)."""

from __future__ import annotations

import re
from collections import Counter

from common import NAME_TAGS, has_han, jieba_dict

# areas whose Chinese names were typed by hand (places' come from CLDR and GeoNames)
TYPED_AREAS = ("orgs", "gov", "biz")


def jieba_words(text: str) -> list[str]:
    """jieba's own cut (HMM off): only dictionary words and single characters."""
    import jieba

    jieba.setLogLevel(60)
    return list(jieba.cut(text, HMM=False))


def chinese_status(text: str) -> str:
    entry = jieba_dict().get(text)
    if entry is None:
        parts = [w for w in re.split(r"[·・]", text) if w]
        words = [p for part in parts for p in jieba_words(part)]
        if all(w in jieba_dict() for w in words) and any(jieba_dict()[w][1] in NAME_TAGS for w in words):
            return "parts"
        return "absent"
    return "confirmed" if entry[1] in NAME_TAGS else "other"


def render(tables) -> str:
    out = ["# scripts/aliasgen: generated figures (generate.py writes this file)", "",
           "Entities and aliases per table; `exact` and `support` count aliases with `case = \"exact\"` / "
           "`needs = \"support\"`. Chinese names (zh-Hans aliases) checked against jieba 0.42.1 dict.txt: "
           "`confirmed` a dict.txt word with a proper-name tag (nr, nrt, nrfg, ns, nt, nz); `parts` not a "
           "dict.txt word but made of dict.txt words with a proper-name part (法国 + 财政部, 托尼 + 布莱尔); "
           "`other` a dict.txt word with another tag; `absent` neither.", "",
           "| table | entities | org | person | place | other | aliases | en | zh-Hans | zh-Hant | other langs "
           "| exact | support | confirmed | parts | other tag | absent |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
           "| ---: | ---: |"]
    total = Counter()
    unconfirmed = []
    columns = ["entities", "org", "person", "place", "other", "aliases", "en", "zh-Hans", "zh-Hant", "langs",
               "exact", "support", "confirmed", "parts", "otherzh", "absent"]
    for t in tables:
        c = Counter()
        for e in t.entities:
            c["entities"] += 1
            c[e.kind if e.kind in ("org", "person", "place") else "other"] += 1
            for lang, a in e.all_aliases():
                c["aliases"] += 1
                c[lang if lang in ("en", "zh-Hans", "zh-Hant") else "langs"] += 1
                c["exact"] += a.exact
                c["support"] += a.support
                if lang == "zh-Hans" and has_han(a.text):
                    status = chinese_status(a.text)
                    c["otherzh" if status == "other" else status] += 1
                    if status == "absent" and t.area in TYPED_AREAS:
                        unconfirmed.append((t.path, e.id, a.text))
        total.update(c)
        name = t.path.rsplit("/", 1)[-1]
        out.append(f"| {name} | " + " | ".join(str(c[k]) for k in columns) + " |")
    out.append("| **total** | " + " | ".join(str(total[k]) for k in columns) + " |")
    out.append("")
    n = total["zh-Hans"]
    out.append(f"zh-Hans aliases: {n}; confirmed by a proper-name tag: {total['confirmed']} "
               f"({total['confirmed'] / max(n, 1):.1%}); made of dict.txt words with a proper-name part: "
               f"{total['parts']} ({total['parts'] / max(n, 1):.1%}); another tag: {total['otherzh']}; "
               f"absent: {total['absent']}.")
    out.append("")
    out.append("Typed Chinese names (organisations, governments, people, companies) that jieba does not "
               "confirm at all; each was reviewed by hand as the established form (or left out):")
    out.append("")
    for path, eid, text in unconfirmed:
        out.append(f"* {path.rsplit('/', 1)[-1]}: {eid}: {text}")
    out.append("")
    import places

    city_stats = places.build.stats
    gave_way = city_stats.get("gave_way", [])
    out.append(f"Cities under {places.GIVE_WAY_POPULATION:,} people left out because another entity has one of "
               f"their names or their id (places.give_way): {len(gave_way)}.")
    out.append("")
    out += [f"* {line}" for line in gave_way]
    out.append("")
    reviewed = city_stats.get("left_out_by_review", [])
    out.append(f"Cities left out by the review of curated/city-review.tsv: {len(reviewed)}.")
    out.append("")
    out += [f"* {line}" for line in reviewed]
    out.append("")
    return "\n".join(out)
