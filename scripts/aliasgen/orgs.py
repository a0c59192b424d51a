"""Typed and reviewed entities outside governments and companies, one table per curated file
of `AREAS` (curated/NAME.toml -> data/aliases/NAME.toml): international organisations,
movements and charities, sport and culture. Written with their traditional Chinese forms
(OpenCC) and the rules of the ambiguity rule added (never removed)."""

from __future__ import annotations

from functools import lru_cache

import ambiguity
from common import GENERATED, Alias, Table, render_file, to_hans, to_hant
from places import read_curated, to_entity


# The areas: name -> what the table holds, for its header.
AREAS = {
    "orgs-international": "International organisations (UN bodies and agencies, courts, regional organisations and\n"
    "banks, EU institutions not in data/aliases.toml)",
    "orgs-society": "Movements, armed groups and parties outside governments, charities and campaign groups\n"
    "(non-governmental organisations that world news names)",
    "sport-culture": "Sport (governing bodies, leagues, competitions, clubs), awards, and landmarks and places of\n"
    "culture that news names",
    "places-features": "Physical geography that news names: rivers, lakes, mountains and volcanoes, seas, gulfs,\n"
    "straits and canals, deserts, plateaus and basins, islands and peninsulas",
    "history-health": "History (former states and dynasties, wars, revolutions, movements, disasters, treaties and\n"
    "policies) and health (named diseases and epidemics) that news names",
    "tech-venues": "Technology standards and networks, software, web services and video games, malware, technology\n"
    "trade shows, and venues and streets that stand for an institution or a sport",
    "business-tech": "Companies, trade bodies and research groups of business and technology news, digital broadcasting\n"
    "standards and the James Bond films (gaps a held-out audit of BBC business and tech articles found)",
}


@lru_cache(maxsize=None)
def build(area: str):
    out = []
    for data, comments in read_curated(f"{area}.toml").values():
        e = to_entity(data, comments)
        e.source = f"typed and reviewed (scripts/aliasgen/curated/{area}.toml)"
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
    out = []
    for area, what in AREAS.items():
        header = [
            GENERATED,
            "",
            *f"{what}: typed and reviewed in".split("\n"),
            f"scripts/aliasgen/curated/{area}.toml; traditional forms by OpenCC (Apache-2.0);",
            "evidence rules from scripts/aliasgen/ambiguity.py.",
        ]
        out.append(
            Table(f"data/aliases/{area}.toml", build(area), lambda area=area, header=header: render_file(header, build(area)), "orgs")
        )
    return out
