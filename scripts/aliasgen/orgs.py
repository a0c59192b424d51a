"""International organisations: typed and reviewed entities (curated/orgs-international.toml)
written to data/aliases/orgs-international.toml with their traditional Chinese forms
(OpenCC) and the rules of the ambiguity rule added (never removed)."""

from __future__ import annotations

from functools import lru_cache

import ambiguity
from common import GENERATED, Alias, Table, render_file, to_hans, to_hant
from places import read_curated, to_entity


@lru_cache(maxsize=None)
def build():
    out = []
    for data, comments in read_curated("orgs-international.toml").values():
        e = to_entity(data, comments)
        e.source = "typed and reviewed (scripts/aliasgen/curated/orgs-international.toml)"
        written = {to_hans(a.text) for lang, a in e.all_aliases() if lang.startswith("zh-Hant") or lang in ("zh-TW", "zh-HK")}
        for a in list(e.aliases.get("zh-Hans", [])):
            trad = to_hant(a.text)
            if trad != a.text and a.text not in written:
                e.add("zh-Hant", Alias(trad, a.exact, a.support, [to_hant(b) for b in a.blockers]))
        for _, a in e.all_aliases():
            req = ambiguity.requirement(a.text, e.kind)
            a.mark(req.case_exact, req.needs_support, req.reason)
        out.append(e)
    return out


def tables() -> list[Table]:
    header = [
        GENERATED,
        "",
        "International organisations (UN bodies and agencies, courts, regional organisations and",
        "banks, EU institutions not in data/aliases.toml): typed and reviewed in",
        "scripts/aliasgen/curated/orgs-international.toml; traditional forms by OpenCC (Apache-2.0);",
        "evidence rules from scripts/aliasgen/ambiguity.py.",
    ]
    return [Table("data/aliases/orgs-international.toml", build(), lambda: render_file(header, build()), "orgs")]
