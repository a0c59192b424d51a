"""Tests of the Japanese names (japanese.py): added where Japanese text would miss
the entity, skipped where it already matches, unknown ids reported
(python -m unittest discover -s scripts/aliasgen). Synthetic tables."""

import sys
import unittest
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))

import japanese  # noqa: E402
from common import Alias, Entity, Table  # noqa: E402


def table(path: str, *entities: Entity) -> Table:
    return Table(path, list(entities), lambda: "", "places")


class JapaneseNames(unittest.TestCase):
    def add(self, names: dict, *tables: Table) -> list[str]:
        problems: list[str] = []
        with mock.patch.object(japanese, "curated_names", return_value=names):
            japanese.add_names(list(tables), problems)
        return problems

    def test_a_kanji_name_chinese_folds_away_is_added_in_japanese(self):
        # 東京 in zh-Hant is keyed 东京: Japanese text, matched as written, needs a ja alias.
        tokyo = Entity("tokyo", "Tokyo", "place", aliases={"zh-Hans": [Alias("东京")], "zh-Hant": [Alias("東京")]})
        self.assertEqual(self.add({"tokyo": ["東京"]}, table("data/aliases/places-cities.toml", tokyo)), [])
        self.assertEqual([a.text for a in tokyo.aliases["ja"]], ["東京"])
        self.assertIn("ja: curated/japanese-names.toml", tokyo.comments)

    def test_a_name_japanese_text_already_matches_is_not_added(self):
        # 大阪 is the same in simplified Chinese; ソニー is already Japanese.
        osaka = Entity("osaka", "Osaka", "place", aliases={"zh-Hans": [Alias("大阪")]})
        sony = Entity("sony", "Sony", "org", aliases={"ja": [Alias("ソニー")]})
        self.add({"osaka": ["大阪"], "sony": ["ソニー"]}, table("data/aliases/places-cities.toml", osaka, sony))
        self.assertNotIn("ja", osaka.aliases)
        self.assertEqual([a.text for a in sony.aliases["ja"]], ["ソニー"])
        self.assertEqual(osaka.comments, [])

    def test_cldr_kanji_territory_names_are_added_by_iso_code(self):
        korea = Entity("north-korea", "North Korea", "place", aliases={"zh-Hans": [Alias("朝鲜")]})
        korea.iso = "KP"
        france = Entity("france", "France", "place", aliases={"ja": [Alias("フランス")]})
        france.iso = "FR"
        self.add({}, table("data/aliases/places-countries.toml", korea, france))
        self.assertEqual([a.text for a in korea.aliases["ja"]], ["北朝鮮"])
        # CLDR's kana names are places.py's; nothing else is added here.
        self.assertEqual([a.text for a in france.aliases["ja"]], ["フランス"])

    def test_an_unknown_id_is_a_problem(self):
        problems = self.add({"no-such-entity": ["東京"]}, table("data/aliases/places-cities.toml"))
        self.assertEqual(len(problems), 1)
        self.assertIn("no-such-entity", problems[0])


if __name__ == "__main__":
    unittest.main()
