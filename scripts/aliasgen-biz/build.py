#!/usr/bin/env python3
"""Build data-biz's alias tables (data/aliases/biz-*.toml, people-*.toml, edu-*.toml).

What: reads the hand-typed, reviewed entity lists in curated/*.txt (companies,
exchanges, banks, airlines, car makers, telecoms, media, business people, AI
scientists, universities) and writes one TOML alias table per list in the
format of docs/aliases.md, deciding each alias's evidence rules by data:

* English (rule of issue #16 / team DATA.md): a single-word alias whose
  lowercase form is among wordfreq's top 50,000 English words with Zipf >= 3.0
  gets `case = "exact"`; Zipf >= 4.0 also gets `needs = "support"`, unless the
  word is listed in curated/name-dominant.txt (everyday use is overwhelmingly
  the name). Acronyms (all capitals, 2-6 characters) get `case = "exact"`.
  Multi-word aliases are not words of the list; one made only of words of the
  list with Zipf >= 3.0 (function words aside: Indian Oil, Bank of China) gets
  `case = "exact"`, so "Indian oil fields" and "the central bank of China" do
  not match. A single word written with a possessive 's (Sainsbury's,
  McDonald's), which canon matches on its bare form, a family name as often as
  not, gets `needs = "support"`; it never gets `case = "exact"`, which canon
  cannot match on a possessive (the matched tokens lack the 's).
* Chinese: a single character is refused; a word of jieba's dictionary whose
  tag is not a proper-name tag (nr, ns, nt, nz, nrt, nrfg) and whose frequency
  is >= 100 gets `needs = "support"`. Stricter than the team rule, because
  jieba's tags on short words are unreliable (贝壳 "shell" is tagged nr, 曙光
  "dawn" nz, 荣耀 "glory" nr): any two-character dictionary word with frequency
  >= 100 needs support too, unless listed in curated/name-dominant.txt.
* Shared names: an alias (folded: lowercase, traditional to simplified) claimed
  by two or more entities, here or in the default table, needs support in
  every entity of this build that has it.
* Flags typed in the curated input ({x} exact, {s} support, {b=...} blockers)
  are added on top; a rule is never weakened by hand.

Traditional forms (zh-Hant) are converted from the simplified names with
OpenCC s2t unless the curated line gives them (`hant:`); Taiwan / Hong Kong
names that differ are typed (`tw:`, `hk:`).

Why a script: the frequency rules must hold at scale and be rerun when the
lists change; hand corrections go into curated/*.txt, never into the output.

Usage (from the worktree root, after `pip install -r scripts/aliasgen-biz/requirements.txt`
in .venv-aliasgen):

    .venv-aliasgen/bin/python scripts/aliasgen-biz/build.py [--canon target/release/canon]

`--check` writes nothing and exits 1 when a generated table is stale. It prints per-file statistics (entities by kind, aliases, rules applied, Chinese
names confirmed by jieba's proper-name tags) and the review lists.

Curated format (one entity per line; a line starting with whitespace continues
the previous one):

    # comment                      ignored
    ! text                         header comment copied to the output file
    == Section                     section comment in the output
    @kind org | @topics a, b | @parent id | @context w1; w2   defaults for the lines after
    id | Display Name | en: alias; alias{x,s,n,b=blocker/blocker} | zh: 简体; 简称{s} | hant: 繁體 |
         tw: 臺灣 | hk: 香港 | ja: 日本語 | ko: 한국어 | ctx: word; word | parent: id |
         topics: a, b | kind: person | note: comment written above the entity

Flags: x exact case, s needs support, n a person's name in full (苏铭天) that the
bare-surname rule would otherwise take for a surname, b= blockers.
The display name is the first English alias unless the field is `en=` instead
of `en:` (then only the listed aliases are used).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import jieba  # noqa: F401  (the package's dict.txt is read directly)
import opencc
from wordfreq import top_n_list, zipf_frequency

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CURATED = HERE / "curated"
OUT = ROOT / "data" / "aliases"

PROPER_TAGS = {"nr", "ns", "nt", "nz", "nrt", "nrfg"}
ZH_SUPPORT_FREQ = 100
EN_EXACT_ZIPF = 3.0
EN_SUPPORT_ZIPF = 4.0
EN_LIST_SIZE = 50_000
KINDS = {"org", "person", "place", "product", "event", "work", "other"}
LANG_FIELDS = {"en": "en", "zh": "zh-Hans", "hant": "zh-Hant", "tw": "zh-TW", "hk": "zh-HK",
               "ja": "ja", "ko": "ko", "de": "de", "fr": "fr", "ru": "ru"}
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
BROAD_TOPICS = {"media", "tech"}
# canon compares an exact-case alias with the matched tokens, which never include a
# trailing possessive: an exact-case alias written "McDonald's" would never match
POSSESSIVE_RE = re.compile(r"['’]s\b")
FUNCTION_WORDS = {"of", "the", "and", "for", "de", "du", "la", "le", "des", "y", "a", "an", "in", "on", "at", "to", "&"}
ACRONYM_RE = re.compile(r"^[A-Z0-9&.\-+]{2,6}$")
HAN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# OpenCC converts these surname characters to their non-surname traditional forms
SURNAME_KEEP = {"范": "範", "于": "於", "余": "餘", "沈": "瀋", "姜": "薑"}


@dataclass
class Alias:
    text: str
    exact: bool = False
    support: bool = False
    blockers: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    full_name: bool = False


@dataclass
class Entity:
    id: str
    name: str
    kind: str
    topics: list[str]
    parent: str | None
    context: list[str]
    aliases: dict[str, list[Alias]]
    note: str | None
    source: str
    line: int
    section: str | None


def split_list(value: str, sep: str = ";") -> list[str]:
    return [v.strip() for v in value.split(sep) if v.strip()]


def parse_alias(raw: str) -> Alias:
    m = re.match(r"^(.*?)\{([^{}]*)\}$", raw)
    if not m:
        return Alias(raw)
    alias = Alias(m.group(1).strip())
    for flag in split_list(m.group(2), ","):
        if flag == "x":
            alias.exact = True
            alias.why.append("typed")
        elif flag == "s":
            alias.support = True
            alias.why.append("typed")
        elif flag == "n":
            alias.full_name = True  # a person's name in full although it looks like a bare surname
        elif flag.startswith("b="):
            alias.blockers += split_list(flag[2:], "/")
        else:
            raise ValueError(f"unknown alias flag {flag!r} in {raw!r}")
    return alias


def parse_curated(path: Path) -> tuple[list[str], list[Entity | str]]:
    header: list[str] = []
    items: list[Entity | str] = []
    defaults = {"kind": "org", "topics": [], "parent": None, "context": []}
    section = None
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.startswith("#") or not raw.strip():
            continue
        if raw[0].isspace() and lines:
            lines[-1] = (lines[-1][0], lines[-1][1] + " " + raw.strip())
        else:
            lines.append((number, raw.rstrip()))
    for number, line in lines:
        where = f"{path.name}:{number}"
        if line.startswith("!"):
            header.append(line[1:].strip())
        elif line.startswith("=="):
            section = line[2:].strip()
            items.append(section)
        elif line.startswith("@"):
            key, _, value = line[1:].partition(" ")
            value = value.strip()
            if key == "kind":
                defaults["kind"] = value
            elif key == "topics":
                defaults["topics"] = split_list(value, ",")
            elif key == "parent":
                defaults["parent"] = None if value in ("", "-", "none") else value
            elif key == "context":
                defaults["context"] = split_list(value)
            else:
                raise SystemExit(f"{where}: unknown directive @{key}")
        else:
            fields = [f.strip() for f in line.split(" | ")]
            if len(fields) < 2:
                raise SystemExit(f"{where}: need at least `id | Name`")
            eid, name = fields[0], fields[1]
            if not ID_RE.match(eid):
                raise SystemExit(f"{where}: bad id {eid!r}")
            entity = Entity(eid, name, defaults["kind"], list(defaults["topics"]), defaults["parent"],
                            list(defaults["context"]), {}, None, path.name, number, section)
            name_is_alias = True
            for f in fields[2:]:
                m = re.match(r"^([a-z]+)\s*([:=])\s*(.*)$", f)
                if not m:
                    raise SystemExit(f"{where}: bad field {f!r}")
                key, op, value = m.groups()
                if key in LANG_FIELDS:
                    if key == "en" and op == "=":
                        name_is_alias = False
                    try:
                        entity.aliases.setdefault(LANG_FIELDS[key], []).extend(
                            parse_alias(a) for a in split_list(value))
                    except ValueError as e:
                        raise SystemExit(f"{where}: {e}")
                elif key == "ctx":
                    entity.context += split_list(value)
                elif key == "parent":
                    entity.parent = value or None
                elif key == "topics":
                    entity.topics = split_list(value, ",")
                elif key == "kind":
                    entity.kind = value
                elif key == "note":
                    entity.note = value
                else:
                    raise SystemExit(f"{where}: unknown field {key!r}")
            if entity.kind not in KINDS:
                raise SystemExit(f"{where}: unknown kind {entity.kind!r}")
            if name_is_alias:
                en = entity.aliases.setdefault("en", [])
                if not any(a.text == name for a in en):
                    en.insert(0, Alias(name))
            items.append(entity)
    return header, items


class Rules:
    def __init__(self) -> None:
        words = top_n_list("en", EN_LIST_SIZE)
        self.en_zipf = {w: zipf_frequency(w, "en") for w in words}
        self.name_dominant = {}
        for raw in (CURATED / "name-dominant.txt").read_text(encoding="utf-8").splitlines():
            if raw.strip() and not raw.startswith("#"):
                word, _, reason = raw.partition("\t")
                if not reason.strip():
                    raise SystemExit(f"name-dominant.txt: {word!r} has no reason")
                self.name_dominant[word.strip().lower()] = reason.strip()
        self.zh_dict: dict[str, tuple[int, str]] = {}
        dict_path = Path(jieba.__file__).parent / "dict.txt"
        for raw in dict_path.read_text(encoding="utf-8").splitlines():
            parts = raw.split(" ")
            if len(parts) == 3:
                self.zh_dict[parts[0]] = (int(parts[1]), parts[2])
        self.t2s = opencc.OpenCC("t2s")
        self.s2t = opencc.OpenCC("s2t")

    def fold(self, text: str) -> str:
        """An approximation of canon's alias key: lowercase, traditional folded to
        simplified, and (outside Han) possessives, dots, '&', '!', '/' dropped."""
        text = text.lower().replace("’", "'")
        if HAN_RE.search(text):
            text = self.t2s.convert(text)
        else:
            text = re.sub(r"'s\b", "", text)
            text = re.sub(r"[&!/']", " ", text.replace(".", ""))
        return " ".join(text.split())

    def hant(self, text: str, person: bool) -> str:
        out = self.s2t.convert(text)
        out = out.replace("臺", "台")  # names use 台 (台積電, 台灣)
        out = out.replace("裏", "里")  # 里 in transliterations (埃里森) is a sound, not "inside"
        if person:
            chars = list(out)
            for i, c in enumerate(text):
                if c in SURNAME_KEEP and (i == 0 or text[i - 1] in "·・ "):
                    chars[i] = c
            out = "".join(chars)
        return out

    def english(self, alias: Alias) -> None:
        text = alias.text
        if ACRONYM_RE.match(text) and any(c.isalpha() for c in text):
            if not alias.exact:
                alias.exact = True
                alias.why.append("acronym")
        key = self.fold(text)  # what canon matches: "Foster's" is looked up as "foster"
        words = re.findall(r"[a-z]+", key)
        if " " in key and not POSSESSIVE_RE.search(text):
            # a name made only of everyday words (Indian Oil, Bank of China, Standard Life)
            # matches only as written: "Indian oil fields", "the central bank of China"
            content = [w for w in words if w not in FUNCTION_WORDS]
            if (content and not alias.exact and all(self.en_zipf.get(w, 0) >= EN_EXACT_ZIPF for w in content)):
                alias.exact = True
                alias.why.append("words all common")
            return
        if " " not in key and POSSESSIVE_RE.search(text) and not alias.support and key not in self.name_dominant:
            # canon matches "Sainsbury's" on its bare form, which is usually a family name
            # (Lord Sainsbury, Trevor McDonald): support
            alias.support = True
            alias.why.append("possessive of a family name")
        if key in self.name_dominant:
            return
        z = self.en_zipf.get(key)
        if z is None:
            return
        if z >= EN_EXACT_ZIPF and not alias.exact:
            alias.exact = True
            alias.why.append(f"zipf {z:.2f}")
        if z >= EN_SUPPORT_ZIPF and not alias.support:
            alias.support = True
            alias.why.append(f"zipf {z:.2f}")
        if alias.exact and POSSESSIVE_RE.search(text):
            alias.exact = False  # see POSSESSIVE_RE: support carries the evidence instead
            alias.why.append("possessive: exact case dropped (canon cannot match it)")

    def chinese(self, alias: Alias, where: str) -> None:
        simplified = self.t2s.convert(alias.text)
        if len(simplified) == 1:
            raise SystemExit(f"{where}: single-character alias {alias.text!r}")
        hit = self.zh_dict.get(simplified)
        if hit and hit[1] not in PROPER_TAGS and hit[0] >= ZH_SUPPORT_FREQ and not alias.support:
            alias.support = True
            alias.why.append(f"jieba {hit[1]} {hit[0]}")
        # jieba's tags on two-character words are unreliable (贝壳 nr, 曙光 nz, 荣耀 nr):
        # a frequent two-character word needs support whatever its tag, unless reviewed
        # as name-dominant
        if (hit and len(simplified) == 2 and hit[0] >= ZH_SUPPORT_FREQ and not alias.support
                and simplified not in self.name_dominant):
            alias.support = True
            alias.why.append(f"jieba two-character {hit[1]} {hit[0]}")

    def zh_status(self, text: str) -> str:
        hit = self.zh_dict.get(self.t2s.convert(text))
        if not hit:
            return "absent"
        return "confirmed" if hit[1] in PROPER_TAGS else ("abbreviation" if hit[1] == "j" else "other")


def covers(earlier: Alias, later: Alias) -> bool:
    """Whether `earlier` (same folded key) matches everywhere `later` would."""
    if (HAN_RE.search(earlier.text) or HAN_RE.search(later.text)) and earlier.text != later.text:
        return False  # simplified and traditional forms are listed on purpose
    case_covered = not earlier.exact or earlier.text == later.text
    support_covered = not earlier.support or later.support
    return case_covered and support_covered and not earlier.blockers


def default_table(canon: Path) -> tuple[set[str], dict[str, list[str]]]:
    out = subprocess.run([str(canon), "alias", "list", "--json"], check=True, capture_output=True, text=True)
    ids, keys = set(), collections.defaultdict(list)
    for line in out.stdout.splitlines():
        e = json.loads(line)
        ids.add(e["id"])
        for a in e["aliases"]:
            keys[a].append(e["id"])
    return ids, keys


def toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def render_alias(a: Alias) -> str:
    if not (a.exact or a.support or a.blockers):
        return toml_str(a.text)
    parts = [f"text = {toml_str(a.text)}"]
    if a.exact:
        parts.append('case = "exact"')
    if a.support:
        parts.append('needs = "support"')
    if a.blockers:
        parts.append("blockers = [" + ", ".join(toml_str(b) for b in a.blockers) + "]")
    return "{ " + ", ".join(parts) + " }"


def render_list(key: str, values: list[str]) -> str:
    one = f"{key} = [" + ", ".join(values) + "]"
    if len(one) <= 110:
        return one
    pad = " " * (len(key) + 4)
    return f"{key} = [" + (",\n" + pad).join(values) + "]"


LANG_ORDER = ["en", "zh-Hans", "zh-Hant", "zh-TW", "zh-HK", "ja", "ko", "de", "fr", "ru"]


def render_entity(e: Entity) -> str:
    lines = ["[[entity]]", f"id = {toml_str(e.id)}", f"name = {toml_str(e.name)}", f"kind = {toml_str(e.kind)}"]
    if e.parent:
        lines.append(f"parent = {toml_str(e.parent)}")
    if e.topics:
        lines.append("topics = [" + ", ".join(toml_str(t) for t in e.topics) + "]")
    if e.context:
        lines.append(render_list("context", [toml_str(c) for c in e.context]))
    if e.note:
        lines.append(f"# {e.note}")
    for lang in LANG_ORDER:
        if e.aliases.get(lang):
            lines.append(render_list(f"aliases.{lang}", [render_alias(a) for a in e.aliases[lang]]))
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--canon", default=str(ROOT / "target" / "release" / "canon"))
    ap.add_argument("--only", help="build only this curated file (stem)")
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 if a generated table differs from what the curated lists give")
    ap.add_argument("--review", help="write every alias a rule changed, with the reason, to this TSV file")
    args = ap.parse_args()
    rules = Rules()
    default_ids, default_keys = default_table(Path(args.canon))
    folded_default = collections.defaultdict(set)
    for text, owners in default_keys.items():
        folded_default[rules.fold(text)].update(owners)

    files = sorted(p for p in CURATED.glob("*.txt") if p.name != "name-dominant.txt")
    parsed = {p.stem: parse_curated(p) for p in files}
    entities = [e for _, items in parsed.values() for e in items if isinstance(e, Entity)]

    problems = []
    seen = {}
    for e in entities:
        if e.id in default_ids:
            problems.append(f"{e.source}:{e.line}: id {e.id!r} already in the default table")
        if e.id in seen:
            problems.append(f"{e.source}:{e.line}: duplicate id {e.id!r} (also {seen[e.id]})")
        seen[e.id] = f"{e.source}:{e.line}"
    all_ids = default_ids | set(seen)
    for e in entities:
        if e.parent and e.parent not in all_ids:
            problems.append(f"{e.source}:{e.line}: unknown parent {e.parent!r}")

    # traditional forms, then the rules
    for e in entities:
        zh = e.aliases.get("zh-Hans", [])
        if zh and "zh-Hant" not in e.aliases:
            hant = []
            for a in zh:
                t = rules.hant(a.text, e.kind == "person")
                if t != a.text:
                    hant.append(dataclasses.replace(a, text=t, blockers=[rules.hant(b, False) for b in a.blockers],
                                                    why=list(a.why)))
            if hant:
                e.aliases["zh-Hant"] = hant
        for lang, aliases in e.aliases.items():
            for a in aliases:
                where = f"{e.source}:{e.line}"
                if HAN_RE.search(a.text):
                    rules.chinese(a, where)
                elif lang == "en" or not HAN_RE.search(a.text):
                    rules.english(a)

    # people: a bare surname (a single English word, or a transliterated Chinese name
    # without its given name: 巴菲特 beside 沃伦·巴菲特) is exact case and needs support
    # (team rule: the document must name the person in full or give context)
    for e in entities:
        if e.kind != "person":
            continue
        dotted = any("·" in a.text for a in e.aliases.get("zh-Hans", []))
        for lang, aliases in e.aliases.items():
            for a in aliases:
                han = HAN_RE.search(a.text)
                bare = (not han and lang == "en" and " " not in a.text.strip()) or (
                    han and dotted and "·" not in a.text and "・" not in a.text)
                if bare and not a.full_name:
                    if not han and not a.exact:
                        a.exact = True
                        a.why.append("surname")
                    if not a.support:
                        a.support = True
                        a.why.append("surname")

    # an exact-case alias with a possessive never matches (see POSSESSIVE_RE)
    for e in entities:
        for aliases in e.aliases.values():
            for a in aliases:
                if a.exact and POSSESSIVE_RE.search(a.text):
                    a.exact = False
                    a.why.append("possessive: exact case dropped (canon cannot match it)")

    # drop aliases that add nothing: the same folded key as an earlier alias of the entity
    # that already matches everywhere they would (canon alias check calls that shadowing)
    for e in entities:
        kept: dict[str, list[Alias]] = {}
        for lang in list(e.aliases):
            out = []
            for a in e.aliases[lang]:
                key = rules.fold(a.text)
                earlier = [b for b in kept.get(key, [])]
                if any(covers(b, a) for b in earlier):
                    continue
                kept.setdefault(key, []).append(a)
                out.append(a)
            e.aliases[lang] = out
        e.aliases = {lang: al for lang, al in e.aliases.items() if al}

    # shared names: across this build and the default table
    owners = collections.defaultdict(set)
    for e in entities:
        for aliases in e.aliases.values():
            for a in aliases:
                owners[rules.fold(a.text)].add(e.id)
    shared_default = []
    for e in entities:
        for aliases in e.aliases.values():
            for a in aliases:
                key = rules.fold(a.text)
                others = (owners[key] | folded_default.get(key, set())) - {e.id}
                if others and not a.support:
                    a.support = True
                    a.why.append("shared with " + ", ".join(sorted(others)))
                if folded_default.get(key, set()) - {e.id}:
                    shared_default.append(f"{e.source}:{e.line}: {a.text!r} also in default table: "
                                          + ", ".join(sorted(folded_default[key])))

    # an entity whose aliases need support does not take a broad topic that most
    # documents of a news corpus carry anyway (the BBC names itself on most of its
    # pages, so "media" would support The Times or Sky everywhere; "tech" is on
    # every page of BBC technology news): it keeps its
    # narrower topics (newspapers, broadcasting, ...)
    for e in entities:
        if any(a.support for al in e.aliases.values() for a in al):
            narrow = [t for t in e.topics if t not in BROAD_TOPICS]
            if narrow and len(narrow) < len(e.topics):
                e.topics = narrow
            elif e.kind == "person" and e.topics and not narrow:
                # a surname is supported by the person's full name or context words, not by
                # any technology company on the page (Jobs, Brin, Grove)
                e.topics = []
            elif e.topics and not narrow:
                print(f"BROAD-ONLY {e.source}:{e.line}: {e.id} needs support but has only broad topics "
                      f"{e.topics}: give it a narrower one", file=sys.stderr)

    # support needs a source of support
    for e in entities:
        if any(a.support for al in e.aliases.values() for a in al) and not (e.context or e.parent or e.topics):
            problems.append(f"{e.source}:{e.line}: {e.id} has aliases needing support but no context, parent or topics")

    for p in problems:
        print("PROBLEM", p, file=sys.stderr)
    for s in shared_default:
        print("SHARED-DEFAULT", s, file=sys.stderr)
    if problems:
        raise SystemExit(1)

    if args.review:
        with open(args.review, "w", encoding="utf-8") as f:
            for e in entities:
                for lang, aliases in e.aliases.items():
                    for a in aliases:
                        if a.why:
                            f.write(f"{e.id}\t{lang}\t{a.text}\t{'; '.join(a.why)}\n")

    OUT.mkdir(parents=True, exist_ok=True)
    totals = collections.Counter()
    stale: list[str] = []
    for stem, (header, items) in parsed.items():
        if args.only and stem != args.only:
            continue
        out = [f"# GENERATED by scripts/aliasgen-biz/build.py from scripts/aliasgen-biz/curated/{stem}.txt:",
               "# do not edit; change the curated list (or curated/name-dominant.txt) and rerun the script.",
               "#"]
        out += [f"# {h}".rstrip() for h in header]
        out += ["#",
                "# Entities and names typed by hand and reviewed (public facts: names of companies, people,",
                "# institutions). Traditional forms converted with OpenCC s2t (Apache-2.0) unless typed.",
                "# Evidence rules decided by scripts/aliasgen-biz/build.py from wordfreq 3.1.1 English",
                "# frequencies (data CC BY-SA 4.0), jieba 0.42.1 dict.txt (MIT) and shared names.", ""]
        stats = collections.Counter()
        for item in items:
            if isinstance(item, str):
                out.append(f"# {'=' * 8} {item}\n")
                continue
            out.append(render_entity(item))
            stats["entities"] += 1
            stats[f"kind:{item.kind}"] += 1
            for lang, aliases in item.aliases.items():
                for a in aliases:
                    stats["aliases"] += 1
                    stats["exact"] += a.exact
                    stats["support"] += a.support
                    if HAN_RE.search(a.text) and lang == "zh-Hans":
                        stats["zh-Hans"] += 1
                        stats["zh:" + rules.zh_status(a.text)] += 1
        text = "\n".join(out).rstrip() + "\n"
        target = OUT / f"{stem}.toml"
        if args.check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(str(target.relative_to(ROOT)))
        else:
            target.write_text(text, encoding="utf-8")
        print(f"{stem}.toml: " + ", ".join(f"{k}={v}" for k, v in sorted(stats.items())))
        totals.update(stats)
    print("TOTAL: " + ", ".join(f"{k}={v}" for k, v in sorted(totals.items())))
    if stale:
        raise SystemExit("stale (rerun build.py): " + ", ".join(stale))


if __name__ == "__main__":
    main()
