#!/usr/bin/env python3
"""Generates a large synthetic alias table for benchmarks (Python 3.9+, standard library).

    python3 scripts/gen_large_table.py --aliases 1000000 -o /tmp/large.csv [--seed 1]
    canon alias import /tmp/large.csv -o /tmp/large.jsonl
    canon alias compile /tmp/large.jsonl -o /tmp/large.canonidx

The table is made up: names are built from syllables, never taken from any
text, so it is free of third-party data (same licence as canon). What it
imitates is the shape of a real table such as a slice of Wikidata:

* entities of several kinds (organisations, people, places, products), about
  3.3 aliases each;
* English names of one to five words, words of one to four syllables
  (organisations often end in Group, Labs, Bank, ...; people have given name
  and surname, with the surname as a short form), acronyms of organisations;
* Chinese names (simplified, and traditional where the characters differ) of
  two to seven characters made from the characters used to transcribe foreign
  names, so that about a third of all aliases are Chinese; some Japanese
  (katakana), Korean (Hangul) and Russian (Cyrillic) names;
* about 1% of entities share an English name with another one, and short
  names (surnames, Chinese names) are shared by chance, at most 8 entities a
  name; 10% of organisations have a parent among the earlier ones.

The output is CSV with the columns `canon alias import` reads (id, name,
kind, lang, alias, parent; one row per alias), and no evidence rules: like
any imported table, the generated one gets them from `canon alias import`,
which applies the ambiguity rule (data/freq/README.md): syllable names that
are everyday words (Man, Sea, Bank) get `case = "exact"` and, when
frequent, `needs = "support"`; surnames of people, exact case and support;
short acronyms, exact case; names several entities share, support. A table
that skipped the rule would match everyday words everywhere and measure a
matcher no real import feeds. The same seed gives the same table.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys

LATIN_ONSETS = ["", "b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "j", "k", "kr", "l",
                "m", "n", "p", "pr", "qu", "r", "s", "sh", "st", "t", "tr", "v", "w", "z"]
LATIN_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y"]
LATIN_CODAS = ["", "", "", "n", "r", "s", "l", "m", "x", "nd", "rt", "st"]
ORG_WORDS = ["Group", "Labs", "Holdings", "Bank", "Motors", "Systems", "Capital", "Energy",
             "Networks", "Foods", "Airlines", "Pharma", "Institute", "University", "Partners",
             "Media", "Robotics", "Semiconductor", "Logistics", "Insurance"]
PRODUCT_WORDS = ["One", "Pro", "Max", "X", "Air", "Mini", "Plus", "Ultra", "Lite", "Studio"]
# Characters Chinese uses to transcribe foreign names (a few hundred of
# them), with their traditional forms where they differ.
HAN = ("阿埃艾爱安奥巴拜班邦保贝本比彼宾波伯布查达戴丹道德登迪蒂丁东杜顿多厄恩尔法凡菲费芬"
       "佛夫福弗盖甘高戈格根古哈海汉豪赫黑亨胡华霍基吉加贾杰金卡凯坎康考柯科克肯库奎拉莱"
       "兰朗劳勒雷蕾黎里利莉林琳隆卢鲁路伦罗洛马玛迈麦曼梅美蒙米敏明莫墨默穆纳娜奈南内尼"
       "宁纽努诺欧帕派潘庞佩彭皮珀普奇齐乔切琴丘萨塞赛桑瑟森沙莎尚舍什施斯苏索塔泰坦汤唐"
       "特提汀图托瓦万旺威韦维温沃乌伍西希夏谢辛休雅亚扬耶伊因英尤于约泽扎詹珍兹佐")
TRADITIONAL = dict(zip("爱贝宾东顿尔费丰盖华霍基贾杰凯坎兰劳莱雷里丽隆卢鲁伦罗洛马玛迈麦梅蒙敏纳娜"
                       "诺欧齐乔琴萨赛桑沙苏汤韦维温乌伍谢辛亚扬约泽扎詹兹",
                       "愛貝賓東頓爾費豐蓋華霍基賈傑凱坎蘭勞萊雷里麗隆盧魯倫羅洛馬瑪邁麥梅蒙敏納娜"
                       "諾歐齊喬琴薩賽桑沙蘇湯韋維溫烏伍謝辛亞揚約澤紮詹茲"))
ZH_SUFFIX = {"org": ["公司", "集团", "银行", "研究所", "大学", "实验室"], "place": ["市", "州", "港"],
             "product": [""], "person": [""]}
KATAKANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
HANGUL_FIRST, HANGUL_VOWEL = 19, 21
CYRILLIC = "абвгдеиклмнопрстуфхцшэюя"


def syllable(rng: random.Random) -> str:
    return rng.choice(LATIN_ONSETS) + rng.choice(LATIN_VOWELS) + rng.choice(LATIN_CODAS)


def word(rng: random.Random) -> str:
    count = rng.choices([1, 2, 3, 4], weights=[25, 45, 22, 8])[0]
    return "".join(syllable(rng) for _ in range(count)).capitalize()


def han_name(rng: random.Random, kind: str) -> str:
    length = rng.choices([2, 3, 4, 5], weights=[30, 40, 20, 10])[0]
    return "".join(rng.choice(HAN) for _ in range(length)) + rng.choice(ZH_SUFFIX[kind])


def traditional(text: str) -> str:
    return "".join(TRADITIONAL.get(c, c) for c in text)


def katakana(rng: random.Random) -> str:
    return "".join(rng.choice(KATAKANA) for _ in range(rng.randint(3, 7)))


def hangul(rng: random.Random) -> str:
    return "".join(chr(0xAC00 + (rng.randrange(HANGUL_FIRST) * HANGUL_VOWEL + rng.randrange(HANGUL_VOWEL)) * 28)
                   for _ in range(rng.randint(2, 4)))


def cyrillic(rng: random.Random) -> str:
    return "".join(rng.choice(CYRILLIC) for _ in range(rng.randint(4, 9))).capitalize()


def entity(rng: random.Random, index: int, orgs: list[str], shared: list[str]) -> dict:
    kind = rng.choices(["org", "person", "place", "product"], weights=[45, 30, 12, 13])[0]
    if kind == "person":
        words = [word(rng) for _ in range(rng.choices([2, 3], weights=[85, 15])[0])]
    else:
        words = [word(rng) for _ in range(rng.choices([1, 2, 3], weights=[40, 45, 15])[0])]
        if kind == "org" and rng.random() < 0.6:
            words.append(rng.choice(ORG_WORDS))
        elif kind == "product" and rng.random() < 0.5:
            words.append(rng.choice(PRODUCT_WORDS))
    name = " ".join(words)
    slug = "-".join(w.lower() for w in words)
    aliases: dict[str, list] = {"en": [name]}
    if kind == "person":
        aliases["en"].append(words[-1])
    elif kind == "org" and len(words) >= 2:
        aliases["en"].append("".join(w[0] for w in words).upper())
    if shared and rng.random() < 0.01:
        aliases["en"].append(rng.choice(shared))
    elif kind != "person" and rng.random() < 0.02:
        shared.append(name)
    zh = han_name(rng, kind)
    aliases["zh-Hans"] = [zh]
    zh_hant = traditional(zh)
    if zh_hant != zh:
        aliases["zh-Hant"] = [zh_hant]
    other = rng.random()
    if other < 0.25:
        aliases["ja"] = [katakana(rng)]
    elif other < 0.40:
        aliases["ko"] = [hangul(rng)]
    elif other < 0.55:
        aliases["ru"] = [cyrillic(rng)]
    record = {"id": f"g{index}-{slug}"[:120].rstrip("-"), "name": name, "kind": kind, "aliases": aliases}
    if kind == "org":
        if orgs and rng.random() < 0.10:
            record["parent"] = rng.choice(orgs)
        orgs.append(record["id"])
    return record


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aliases", type=int, default=1_000_000,
                        help="stop once the table has this many aliases (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", required=True,
                        help="the CSV file to write, for `canon alias import`")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    orgs: list[str] = []
    shared: list[str] = []
    records = []
    # How many entities use each name (lower case; traditional Chinese as
    # simplified, as canon's keys fold it): a name is dropped once
    # MAX_SHARING entities have it, and every shared name needs support.
    users: dict[str, int] = {}
    count = zh = 0
    while count < args.aliases:
        record = entity(rng, len(records), orgs, shared)
        names = set()
        for lang, aliases in list(record["aliases"].items()):
            kept = []
            for alias in aliases:
                name = name_key(alias)
                if name in names:
                    continue
                if users.get(name, 0) >= MAX_SHARING and lang != "zh-Hant":
                    continue
                names.add(name)
                kept.append(alias)
            record["aliases"][lang] = kept
        record["aliases"] = {k: v for k, v in record["aliases"].items() if v}
        if not record["aliases"]:
            continue
        for name in names:
            users[name] = users.get(name, 0) + 1
        records.append(record)
        count += sum(len(v) for v in record["aliases"].values())
        zh += sum(len(v) for k, v in record["aliases"].items() if k.startswith("zh"))
    with open(args.output, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "name", "kind", "lang", "alias", "parent"])
        for record in records:
            for lang, aliases in record["aliases"].items():
                for alias in aliases:
                    writer.writerow([record["id"], record["name"], record["kind"], lang, alias,
                                     record.get("parent", "")])
    shared = sum(1 for n in users.values() if n > 1)
    print(f"{args.output}: {len(records)} entities, {count} aliases ({zh / count:.0%} Chinese, "
          f"{shared} names shared by several entities)", file=sys.stderr)
    return 0


MAX_SHARING = 8


def name_key(alias) -> str:
    text = alias
    return "".join(SIMPLIFIED.get(c, c) for c in text.lower())


SIMPLIFIED = {t: s for s, t in TRADITIONAL.items()}


if __name__ == "__main__":
    sys.exit(main())
