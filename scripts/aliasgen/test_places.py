"""Tests of the cities' rules in places.py and generate.py: small cities give way to other
entities' names and ids, capitals are found however GeoNames spells them, the reviewed
decisions of curated/city-review.tsv are read strictly, and Latin letters fold as English
news writes them (python -m unittest discover -s scripts/aliasgen). Synthetic entities;
the real tables are checked by `generate.py --check`."""

import sys
import tempfile
import unittest
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402
import places  # noqa: E402
from common import Alias, Entity, Table, fold_latin, slug  # noqa: E402


def city(eid: str, *names: str, gives_way=True, lang="en") -> Entity:
    e = Entity(id=eid, name=names[0], kind="place", parent="x", source=f"GeoNames 1 ({eid}), population 1",
               aliases={lang: [Alias(n) for n in names]})
    e.gives_way = gives_way
    return e


class GiveWay(unittest.TestCase):
    def test_a_small_city_with_another_entitys_name_or_id_is_left_out(self):
        london = city("london", "London", gives_way=False)
        london_ontario = city("london-canada", "London")
        toyota_city = city("toyota", "Toyota City")
        halifax_ns = city("halifax-canada", "Halifax")
        glasgow = city("glasgow", "Glasgow")
        cities = [london, london_ontario, toyota_city, halifax_ns, glasgow]
        others = [Entity(id="toyota", name="Toyota", kind="org", aliases={"en": [Alias("Toyota")]}),
                  Entity(id="halifax", name="Halifax", kind="org", aliases={"en": [Alias("Halifax")]})]
        stats = {}
        dropped = places.give_way(cities, others, stats)
        self.assertEqual(dropped, ["london-canada", "toyota", "halifax-canada"])
        self.assertEqual([c.id for c in cities], ["london", "glasgow"])
        self.assertEqual(len(stats["gave_way"]), 3)

    def test_a_city_that_does_not_give_way_keeps_a_shared_name(self):
        # A capital (or a curated city, or one over a million) keeps its name even when a
        # more populous small city came first: the name is then shared and needs support.
        small = city("hamilton-canada", "Hamilton")
        capital = city("hamilton", "Hamilton", gives_way=False)
        cities = [small, capital]
        places.give_way(cities, [], {})
        self.assertEqual([c.id for c in cities], ["hamilton"])

    def test_of_two_small_cities_with_one_name_the_first_keeps_it(self):
        first, second = city("a", "Springfield"), city("b", "Springfield")
        cities = [first, second]
        places.give_way(cities, [], {})
        self.assertEqual([c.id for c in cities], ["a"])

    def test_chinese_names_are_compared_by_key(self):
        # 德州 (Dezhou) is also the Chinese short name of Texas; 黃石 and 黄石 are one key.
        dezhou = city("dezhou", "德州", lang="zh-Hans")
        texas = Entity(id="texas", name="Texas", kind="place", aliases={"zh-Hans": [Alias("德州")]})
        huangshi = city("huangshi", "黃石", lang="zh-Hant")
        other = Entity(id="other", name="Other", kind="place", aliases={"zh-Hans": [Alias("黄石")]})
        cities = [dezhou, huangshi]
        places.give_way(cities, [texas, other], {})
        self.assertEqual(cities, [])

    def test_generate_makes_cities_give_way_to_every_other_table_and_to_core(self):
        kept, toyota_city, suez = city("kept", "Kept"), city("toyota", "Toyota"), city("suez", "Suez")
        cities = Table("data/aliases/places-cities.toml", [kept, toyota_city, suez], lambda: "", "places")
        engie = Entity(id="engie", name="Engie", kind="org", aliases={"en": [Alias("Suez")]})
        biz = Table("data/aliases/biz-test.toml", [engie], lambda: "", "biz")
        core = [{"id": "toyota", "name": "Toyota", "kind": "org", "aliases": {"en": [{"text": "Toyota"}]}}]
        with mock.patch.object(places.build, "stats", {}, create=True):
            generate.cities_give_way([cities, biz], core)
        self.assertEqual([c.id for c in cities.entities], ["kept"])


class Capitals(unittest.TestCase):
    def test_country_and_city_records_spell_a_capital_alike(self):
        for country_record, city_record in [("Bogota", "Bogotá"), ("San Jose", "San José"), ("Lome", "Lomé"),
                                            ("St. John's", "Saint John’s"), ("Port Vila", "Port-Vila"),
                                            ("Nuku'alofa", "Nuku‘alofa"), (" Willemstad", "Willemstad"),
                                            ("Reykjavik", "Reykjavík")]:
            self.assertEqual(places.capital_key(country_record), places.capital_key(city_record), country_record)
        self.assertNotEqual(places.capital_key("San Jose"), places.capital_key("San Juan"))
        self.assertNotEqual(places.capital_key("Stanley"), places.capital_key("Saint Anley"))


class Reviews(unittest.TestCase):
    def read(self, text: str):
        with tempfile.TemporaryDirectory() as d:
            (Path(d) / "city-review.tsv").write_text(text, encoding="utf-8")
            with mock.patch.object(places, "CURATED", Path(d)):
                return places.city_reviews()

    def test_decisions_are_read_by_geonames_id(self):
        reviews = self.read("# comment\n"
                            "5392171\tSan Jose\tzh-Hans\t圣何塞\tTW form\n"
                            "2925533\tFrankfurt am Main\ten\t+Frankfurt\tEnglish form\n"
                            "2925533\tFrankfurt am Main\ten\t-Frankfurt am Main\tunused\n"
                            "1006984\tEast London\tentity\t-\teast London\n")
        self.assertEqual(reviews[5392171], {"zh-Hans": ("圣何塞", "TW form")})
        self.assertEqual(reviews[2925533]["en"], [("+Frankfurt", "English form"), ("-Frankfurt am Main", "unused")])
        self.assertEqual(reviews[1006984], {"entity": ("-", "east London")})

    def test_a_malformed_line_is_an_error_with_its_line(self):
        for bad in ["1\tX\tfr\tY\tz\n", "1\tX\ten\tFrankfurt\tno sign\n", "1\tX\tentity\t-\n",
                    "x1\tX\tentity\t-\tnot an id\n", "1\tX\ten\t+\tno alias\n",
                    "1\tX\tentity\tkeep\tnot a dash\n", "1\tX\tzh-Hans\t圣何塞\t\n"]:
            with self.assertRaisesRegex(ValueError, r"city-review\.tsv:2:"):
                self.read("# header\n" + bad)

    def test_a_second_decision_of_one_kind_is_an_error(self):
        with self.assertRaisesRegex(ValueError, r"city-review\.tsv:2: a second zh-Hans line"):
            self.read("1\tX\tzh-Hans\t甲乙\tone\n1\tX\tzh-Hans\t-\tanother\n")
        reviews = self.read("1\tX\ten\t+A\tone\n1\tX\ten\t-B\ttwo\n")
        self.assertEqual(len(reviews[1]["en"]), 2)

    def test_a_reviewed_city_that_gives_way_is_an_error(self):
        # Its review would do nothing: the file must not say what the table does not do.
        reviewed = city("kochi-india", "Kochi")
        reviewed.reviewed = True
        prefecture = Entity(id="kochi", name="Kochi", kind="place", aliases={"en": [Alias("Kochi")]})
        with self.assertRaisesRegex(ValueError, "is reviewed but gives way"):
            places.give_way([reviewed], [prefecture], {})


class Folding(unittest.TestCase):
    def test_letters_without_a_decomposition_fold_as_english_writes_them(self):
        self.assertEqual(fold_latin("Łódź"), "Lodz")
        self.assertEqual(fold_latin("Diyarbakır"), "Diyarbakir")
        self.assertEqual(fold_latin("Tórshavn"), "Torshavn")
        self.assertEqual(slug("Wrocław"), "wroclaw")
        self.assertEqual(places.en_variants("Łódź"), ["Łódź", "Lodz"])


if __name__ == "__main__":
    unittest.main()
