"""Tests of the governments and people area (gov.py): the curated marks, the rules it
applies, the traditional forms and the patterns (python -m unittest discover -s
scripts/aliasgen)."""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gov  # noqa: E402
from common import Entity, name_to_hant  # noqa: E402


def entity(kind: str, *aliases: str, lang: str = "en") -> Entity:
    e = Entity(id="x", name="X", kind=kind)
    e.aliases[lang] = [gov.parse_alias(a, lang, "test") for a in aliases]
    return e


def flags(e: Entity) -> dict[str, tuple[bool, bool]]:
    return {a.text: (a.exact, a.support) for _, a in e.all_aliases()}


class Marks(unittest.TestCase):
    def test_prefixes(self):
        e = entity("org", "=?GOP", "~Blair", "=Home Office", "?Treasury", "Ofcom")
        self.assertEqual(flags(e), {"GOP": (True, True), "Blair": (True, True), "Home Office": (True, False),
                                    "Treasury": (False, True), "Ofcom": (False, False)})

    def test_one_alias_per_case_folded_text_unless_exact(self):
        # plain aliases that differ only in case are one key; exact-case ones are kept per
        # written form (NASA and BBC's Nasa, UKIP and Ukip)
        keys = [gov.dedupe_key(gov.parse_alias(a, "en", "test"))
                for a in ["French government", "French Government", "=NASA", "=Nasa"]]
        self.assertEqual(keys[0], keys[1])
        self.assertNotEqual(keys[2], keys[3])
        self.assertEqual(gov.dedupe_key(gov.parse_alias("=NASA", "en", "test")),
                         gov.dedupe_key(gov.parse_alias({"text": "NASA", "case": "exact"}, "en", "test")))

    def test_a_surname_marked_in_han_is_support_without_case(self):
        self.assertEqual(flags(entity("person", "~布莱尔", lang="zh-Hans")), {"布莱尔": (False, True)})

    def test_full_name_mark(self):
        self.assertTrue(entity("person", "!Suharto").aliases["en"][0].full_name)

    def test_unknown_fields_are_errors(self):
        with self.assertRaises(gov.CuratedError):
            gov.parse_alias({"text": "X", "cases": "exact"}, "en", "test")


class Rules(unittest.TestCase):
    def test_surnames_need_case_and_support_full_names_do_not(self):
        e = entity("person", "Tony Blair", "Blair", "!Suharto", "Lula")
        gov.apply_rules(e, [])
        self.assertEqual(flags(e), {"Tony Blair": (False, False), "Blair": (True, True),
                                    "Suharto": (False, False), "Lula": (True, True)})

    def test_organisations_have_no_surnames(self):
        e = entity("org", "Bank of England", "England")
        gov.apply_rules(e, [])
        self.assertEqual(flags(e)["England"], (False, False))

    def test_short_acronyms_need_support_unless_dominant_and_descriptions_keep_their_case(self):
        e = entity("org", "EFF", "FBI", "HMRC", "UK government", "Labour")
        gov.apply_rules(e, [])
        self.assertEqual(flags(e), {"EFF": (True, True), "FBI": (True, False), "HMRC": (False, False),
                                    "UK government": (False, False), "Labour": (True, True)})

    def test_a_single_han_character_is_a_problem(self):
        problems = []
        gov.apply_rules(entity("org", "党", lang="zh-Hans"), problems)
        self.assertEqual(len(problems), 1)


class TraditionalForms(unittest.TestCase):
    def test_surnames_keep_their_character(self):
        self.assertEqual(name_to_hant("范长龙", person=True), "范長龍")
        self.assertEqual(name_to_hant("钟山", person=True), "鍾山")

    def test_transliterations_use_li_and_taiwan_is_written_with_tai(self):
        self.assertEqual(name_to_hant("里希·苏纳克", person=True), "里希·蘇納克")
        self.assertEqual(name_to_hant("国务院台湾事务办公室", person=False), "國務院台灣事務辦公室")


class Patterns(unittest.TestCase):
    def test_the_five_bodies_of_a_province(self):
        rows = gov.provincial_bodies([{"parent": "guangdong", "en": "Guangdong", "zh": "广东省", "kind": "province"}])
        self.assertEqual([r["id"] for r in rows],
                         ["guangdong-party-committee", "guangdong-government", "guangdong-peoples-congress",
                          "guangdong-peoples-congress-standing-committee", "guangdong-cppcc-committee"])
        self.assertIn("广东省委", rows[0]["zh"])
        self.assertEqual(rows[3]["parent"], "guangdong-peoples-congress")

    def test_autonomous_regions_have_a_party_committee_not_a_provincial_one(self):
        rows = gov.provincial_bodies([{"parent": "tibet", "en": "Tibet", "zh": "西藏自治区", "kind": "region"}])
        self.assertIn("西藏自治区党委", rows[0]["zh"])

    def test_ministries_by_adjective_and_chinese_country_name(self):
        rows = gov.ministries({"prefix": "france", "country": "france", "adj": ["French"], "zhc": "法国",
                               "min": {"interior": ["Ministry of the Interior", [], ["内政部"]]}})
        self.assertIn("French Interior Ministry", rows[0]["en"])
        self.assertNotIn("Ministry of the Interior", rows[0]["en"])
        self.assertEqual(rows[0]["zh"], ["法国内政部"])


if __name__ == "__main__":
    unittest.main()
