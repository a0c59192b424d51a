#!/usr/bin/env python3
"""Writes a synthetic Wikidata JSON dump for measuring `canon alias import`:
the layout of Wikidata's dump (a JSON array, one entity per line) with entities of
a realistic size (about 13 KB of JSON each, like the full dump's average: labels,
descriptions and aliases in 60 languages, a few dozen statements, sitelinks).
Names are made up from syllables (Latin, Han, kana); a third of the items are
businesses (P31 Q4830453) or humans (Q5), the rest scholarly articles and such,
which the import skips.

    python3 scripts/synthetic_wikidata_dump.py 20000 > /tmp/dump.json
    canon alias import /tmp/dump.json -o /tmp/t.toml --kind org=Q4830453 --kind person=Q5

Deterministic for a given count (seeded). Standard library only.
"""

import json
import random
import sys

LANGS = ["en", "de", "fr", "es", "it", "nl", "pl", "pt", "ru", "sv", "uk", "ca", "cs", "da", "fi",
         "hu", "id", "ko", "ja", "zh", "zh-hans", "zh-hant", "zh-cn", "zh-tw", "zh-hk", "ar", "fa",
         "he", "tr", "vi", "ro", "no", "sr", "hr", "bg", "el", "et", "lt", "lv", "sk", "sl", "eo",
         "eu", "gl", "hy", "ka", "ms", "th", "hi", "bn", "ta", "te", "ur", "mul", "sq", "mk", "be",
         "kk", "uz", "az"]
SYLLABLES = ["ka", "lo", "mi", "ran", "tes", "vor", "quel", "bri", "dun", "sha", "pel", "tor", "nia",
             "gru", "ve", "zan", "hol", "mer", "cas", "fin"]
HAN = "安北成达东方丰光海华嘉金康蓝龙明南鹏奇瑞山盛泰天同万祥新兴阳易永圆正中"
KANA = "アイカキクサシタチナニハヒマミラリルレロン"


def name(rng):
    return " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title()
                    for _ in range(rng.randint(1, 3)))


def item_value(q):
    return {"entity-type": "item", "numeric-id": q, "id": f"Q{q}"}


def statement(rng, qid, prop, value, kind="wikibase-entityid"):
    return {"mainsnak": {"snaktype": "value", "property": prop, "hash": "%040x" % rng.getrandbits(160),
                         "datavalue": {"value": value, "type": kind}, "datatype": "wikibase-item"},
            "type": "statement", "id": f"{qid}${rng.getrandbits(128):032x}", "rank": "normal",
            "references": [{"hash": "%040x" % rng.getrandbits(160), "snaks": {"P248": [{"snaktype": "value",
                            "property": "P248", "datavalue": {"value": item_value(rng.randint(1, 10**7)),
                            "type": "wikibase-entityid"}, "datatype": "wikibase-item"}]}, "snaks-order": ["P248"]}]}


def entity(rng, n, count):
    qid = f"Q{n}"
    roll = rng.random()
    cls = 4830453 if roll < 0.2 else 5 if roll < 0.33 else 13442814
    en = name(rng)
    labels = {}
    for lang in rng.sample(LANGS, 60):
        if lang.startswith("zh"):
            value = "".join(rng.choice(HAN) for _ in range(rng.randint(2, 4)))
        elif lang == "ja":
            value = "".join(rng.choice(KANA) for _ in range(rng.randint(3, 6)))
        else:
            value = en
        labels[lang] = {"language": lang, "value": value}
    labels["en"] = {"language": "en", "value": en}
    descriptions = {lang: {"language": lang, "value": f"{name(rng)} {name(rng)}".lower()} for lang in rng.sample(LANGS, 40)}
    aliases = {lang: [{"language": lang, "value": name(rng)} for _ in range(rng.randint(1, 3))] for lang in rng.sample(LANGS, 8)}
    claims = {"P31": [statement(rng, qid, "P31", item_value(cls))]}
    if cls == 4830453 and rng.random() < 0.3:
        claims["P749"] = [statement(rng, qid, "P749", item_value(rng.randint(1, count)))]
    for p in rng.sample(range(100, 3000), 20):
        claims[f"P{p}"] = [statement(rng, qid, f"P{p}", item_value(rng.randint(1, 10**7)))]
    sitelinks = {f"{lang}wiki": {"site": f"{lang}wiki", "title": en, "badges": []} for lang in rng.sample(LANGS, 15) if "-" not in lang}
    return {"type": "item", "id": qid, "labels": labels, "descriptions": descriptions, "aliases": aliases,
            "claims": claims, "sitelinks": sitelinks, "pageid": n, "ns": 0, "title": qid,
            "lastrevid": 2000000000 + n, "modified": "2025-01-06T12:00:00Z"}


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    rng = random.Random(count)
    out = sys.stdout
    out.write("[\n")
    for n in range(1, count + 1):
        out.write(json.dumps(entity(rng, n, count), ensure_ascii=False, separators=(",", ":")))
        out.write(",\n" if n < count else "\n")
    out.write("]\n")


if __name__ == "__main__":
    main()
