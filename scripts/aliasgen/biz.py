"""Companies, media, business people, AI scientists, universities and research
institutes: data/aliases/biz-*.toml, people-business.toml, people-ai.toml and
edu-*.toml from the hand-typed, reviewed lists in curated/biz/*.txt.

Each alias gets the evidence rules of ambiguity.py (frequency, possessives,
names made of common words, short acronyms, two-character Chinese words,
surnames; names shared with any other table are marked by generate.py in one
pass over every table). On top of the rule, this area writes every company
acronym of two to six capitals (HSBC, LVMH) with exact case: companies write
them so, and the lower-case letters are other words or web addresses.
Traditional forms (zh-Hant) are converted with common.name_to_hant unless the
curated line gives them (`hant:`); Taiwan / Hong Kong names that differ are
typed (`tw:`, `hk:`). A flag typed in the lists adds to the rules, never
weakens them.

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
surname rule would otherwise take for a surname, b= blockers.
The display name is the first English alias unless the field is `en=` instead
of `en:` (then only the listed aliases are used). `ctx:` adds context words to
the section's @context, `ctx=` replaces them; `topics:` replaces the section's
topics (left empty: none).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import ambiguity
from common import CURATED, REPO, Alias, Entity, Table, has_han, key, name_to_hant, q

CURATED_BIZ = CURATED / "biz"
KINDS = {"org", "person", "place", "product", "event", "work", "other"}
LANG_FIELDS = {"en": "en", "zh": "zh-Hans", "hant": "zh-Hant", "tw": "zh-TW", "hk": "zh-HK",
               "ja": "ja", "ko": "ko", "de": "de", "fr": "fr", "ru": "ru"}
LANG_ORDER = ["en", "zh-Hans", "zh-Hant", "zh-TW", "zh-HK", "ja", "ko", "de", "fr", "ru"]
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
COMPANY_ACRONYM = re.compile(r"^[A-Z0-9&.\-+]{2,6}$")
POSSESSIVE = re.compile(r"['’]s\b")


class CuratedError(Exception):
    """A problem in a curated list, with its place."""


def split_list(value: str, sep: str = ";") -> list[str]:
    return [v.strip() for v in value.split(sep) if v.strip()]


def parse_alias(raw: str) -> Alias:
    m = re.match(r"^(.*?)\{([^{}]*)\}$", raw)
    text = m.group(1).strip() if m else raw
    # No name holds these: one that does is the list's markup left in the
    # text (a flag group not at the end, a field bar without its spaces).
    if any(mark in text for mark in "{}|"):
        raise ValueError(f"alias {raw!r} holds markup ({{, }} or |): flags go last, fields are split by |")
    if not m:
        return Alias(raw, hand=True)
    alias = Alias(text, hand=True)
    for flag in split_list(m.group(2), ","):
        if flag == "x":
            alias.mark(True, False, "typed")
        elif flag == "s":
            alias.mark(False, True, "typed")
        elif flag == "n":
            alias.full_name = True  # a person's name in full although it looks like a bare surname
        elif flag.startswith("b="):
            alias.blockers += split_list(flag[2:], "/")
        else:
            raise ValueError(f"unknown alias flag {flag!r} in {raw!r}")
    return alias


def parse_curated(path: Path) -> tuple[list[str], list[Entity | str]]:
    """The header lines and the items (entities and section titles) of one list."""
    header: list[str] = []
    items: list[Entity | str] = []
    defaults = {"kind": "org", "topics": [], "parent": None, "context": []}
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.startswith("#") or not raw.strip():
            continue
        if raw[0].isspace() and lines:
            lines[-1] = (lines[-1][0], lines[-1][1] + " " + raw.strip())
        else:
            lines.append((number, raw.rstrip()))
    for number, line in lines:
        where = f"{path.relative_to(REPO)}:{number}"
        if line.startswith("!"):
            header.append(line[1:].strip())
        elif line.startswith("=="):
            items.append(line[2:].strip())
        elif line.startswith("@"):
            directive, _, value = line[1:].partition(" ")
            value = value.strip()
            if directive == "kind":
                defaults["kind"] = value
            elif directive == "topics":
                defaults["topics"] = split_list(value, ",")
            elif directive == "parent":
                defaults["parent"] = None if value in ("", "-", "none") else value
            elif directive == "context":
                defaults["context"] = split_list(value)
            else:
                raise CuratedError(f"{where}: unknown directive @{directive}")
        else:
            items.append(parse_entity(line, defaults, where))
    return header, items


def parse_entity(line: str, defaults: dict, where: str) -> Entity:
    # Fields are split at every bar, spaced or not ("视窗{s}| note: ..." once
    # made the note part of the alias).
    fields = [f.strip() for f in line.split("|")]
    if len(fields) < 2:
        raise CuratedError(f"{where}: need at least `id | Name`")
    eid, name = fields[0], fields[1]
    if not ID_RE.match(eid):
        raise CuratedError(f"{where}: bad id {eid!r}")
    entity = Entity(id=eid, name=name, kind=defaults["kind"], parent=defaults["parent"],
                    topics=list(defaults["topics"]), context=list(defaults["context"]), source=where)
    name_is_alias = True
    for f in fields[2:]:
        m = re.match(r"^([a-z]+)\s*([:=])\s*(.*)$", f)
        if not m:
            raise CuratedError(f"{where}: bad field {f!r}")
        field_key, op, value = m.groups()
        if field_key in LANG_FIELDS:
            if field_key == "en" and op == "=":
                name_is_alias = False
            try:
                entity.aliases.setdefault(LANG_FIELDS[field_key], []).extend(parse_alias(a) for a in split_list(value))
            except ValueError as e:
                raise CuratedError(f"{where}: {e}") from None
        elif field_key == "ctx":
            # `ctx:` adds to the section's @context, `ctx=` replaces it
            # (a name whose support must be narrower than its section's).
            entity.context = (entity.context if op == ":" else []) + split_list(value)
        elif field_key == "parent":
            entity.parent = value or None
        elif field_key == "topics":
            entity.topics = split_list(value, ",")
        elif field_key == "kind":
            entity.kind = value
        elif field_key == "note":
            entity.comments = [value]
        else:
            raise CuratedError(f"{where}: unknown field {field_key!r}")
    if entity.kind not in KINDS:
        raise CuratedError(f"{where}: unknown kind {entity.kind!r}")
    if name_is_alias:
        en = entity.aliases.setdefault("en", [])
        if not any(a.text == name for a in en):
            en.insert(0, Alias(name, hand=True))
    return entity


def covers(earlier: Alias, later: Alias) -> bool:
    """Whether `earlier` (same key) matches everywhere `later` would."""
    if (has_han(earlier.text) or has_han(later.text)) and earlier.text != later.text:
        return False  # simplified and traditional forms are listed on purpose
    case_covered = not earlier.exact or earlier.text == later.text
    support_covered = not earlier.support or later.support
    return case_covered and support_covered and not earlier.blockers


def apply_rules(e: Entity, problems: list[str]) -> None:
    """Traditional forms, then the per-alias and per-entity parts of the rule."""
    zh = e.aliases.get("zh-Hans", [])
    if zh and "zh-Hant" not in e.aliases:
        hant = []
        for a in zh:
            t = name_to_hant(a.text, e.kind == "person")
            if t != a.text:
                hant.append(dataclasses.replace(a, text=t, blockers=[name_to_hant(b, False) for b in a.blockers],
                                                reasons=list(a.reasons)))
        if hant:
            e.aliases["zh-Hant"] = hant
    for lang, a in e.all_aliases():
        if not has_han(a.text) and COMPANY_ACRONYM.match(a.text) and any(c.isalpha() for c in a.text):
            a.mark(True, False, "acronym")
        req = ambiguity.requirement(a.text, e.kind)
        if req.forbidden:
            problems.append(f"{e.source}: {a.text!r}: {req.reason}")
        a.mark(req.case_exact, req.needs_support, req.reason)
        words = ambiguity.common_words_exact(a.text)
        a.mark(words.case_exact, False, words.reason)
    if e.kind == "person":
        short = ambiguity.surnames([(lang, a.text, a.full_name) for lang, a in e.all_aliases()])
        for _lang, a in e.all_aliases():
            if a.text in short:
                a.mark(not has_han(a.text), True, short[a.text])
    # drop aliases that add nothing: the same key as an earlier alias of the entity
    # that already matches everywhere they would (canon alias check calls that shadowing)
    kept: dict[str, list[Alias]] = {}
    for lang in list(e.aliases):
        out = []
        for a in e.aliases[lang]:
            k = key(a.text)
            if any(covers(b, a) for b in kept.get(k, [])):
                continue
            kept.setdefault(k, []).append(a)
            out.append(a)
        e.aliases[lang] = out
    e.aliases = {lang: al for lang, al in e.aliases.items() if al}


def render_list(name: str, values: list[str]) -> str:
    one = f"{name} = [" + ", ".join(values) + "]"
    if len(one) <= 110:
        return one
    pad = " " * (len(name) + 4)
    return f"{name} = [" + (",\n" + pad).join(values) + "]"


def render_entity(e: Entity) -> str:
    lines = ["[[entity]]", f"id = {q(e.id)}", f"name = {q(e.name)}", f"kind = {q(e.kind)}"]
    if e.parent:
        lines.append(f"parent = {q(e.parent)}")
    if e.topics:
        lines.append("topics = [" + ", ".join(q(t) for t in e.topics) + "]")
    if e.context:
        lines.append(render_list("context", [q(c) for c in e.context]))
    for note in e.comments:
        lines.append(f"# {note}")
    for lang in LANG_ORDER:
        if e.aliases.get(lang):
            lines.append(render_list(f"aliases.{lang}", [a.toml() for a in e.aliases[lang]]))
    return "\n".join(lines) + "\n"


def render(stem: str, header: list[str], items: list) -> str:
    out = [f"# GENERATED by scripts/aliasgen/generate.py from scripts/aliasgen/curated/biz/{stem}.txt:",
           "# do not edit; change the curated list (or data/freq/name-dominant.txt) and rerun the script.",
           "#"]
    out += [f"# {h}".rstrip() for h in header]
    out += ["#",
            "# Entities and names typed by hand and reviewed (public facts: names of companies, people,",
            "# institutions). Traditional forms converted with OpenCC s2t (Apache-2.0) unless typed.",
            "# Evidence rules decided by scripts/aliasgen/ambiguity.py from wordfreq 3.1.1 English",
            "# frequencies (data CC BY-SA 4.0), jieba 0.42.1 dict.txt (MIT) and shared names.", ""]
    for item in items:
        if isinstance(item, str):
            out.append(f"# {'=' * 8} {item}\n")
        else:
            out.append(render_entity(item))
    return "\n".join(out).rstrip() + "\n"


def tables(problems: list[str]) -> list[Table]:
    """Every table of curated/biz/, with the per-alias rules applied."""
    out = []
    for path in sorted(CURATED_BIZ.glob("*.txt")):
        header, items = parse_curated(path)
        entities = [i for i in items if isinstance(i, Entity)]
        for e in entities:
            apply_rules(e, problems)
        out.append(Table(f"data/aliases/{path.stem}.toml", entities,
                         lambda stem=path.stem, header=header, items=items: render(stem, header, items), "biz"))
    return out


def mark_shared(alias: Alias, others: list[str]) -> None:
    alias.mark(False, True, "shared with " + ", ".join(others))
