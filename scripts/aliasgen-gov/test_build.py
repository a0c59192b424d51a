"""Tests of the generator's rules (standard library unittest; needs the packages of
requirements.txt):

    .venv-aliasgen/bin/python -m unittest discover -s scripts/aliasgen-gov -p 'test_*.py'
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import build  # noqa: E402
import rules  # noqa: E402
from build import Alias, Entity  # noqa: E402


def person(*aliases: str, lang: str = "en") -> Entity:
    return Entity("p", "P", "person", None, [], [], [], [build.parse_alias(a, lang, "test") for a in aliases], "test")


def org(*aliases: str) -> Entity:
    return Entity("o", "O", "org", None, [], [], [], [build.parse_alias(a, "en", "test") for a in aliases], "test")


def flags(entity: Entity) -> dict[str, tuple[bool, bool]]:
    return {a.text: (a.exact, a.support) for a in entity.aliases}


class AliasMarks(unittest.TestCase):
    def test_prefixes(self):
        self.assertEqual(flags(org("=?GOP", "~Blair", "=Home Office", "?Treasury", "Ofcom")),
                         {"GOP": (True, True), "Blair": (True, True), "Home Office": (True, False),
                          "Treasury": (False, True), "Ofcom": (False, False)})

    def test_a_surname_marked_in_han_is_support_without_case(self):
        self.assertEqual(flags(person("~布莱尔", lang="zh-Hans")), {"布莱尔": (False, True)})


class SurnameRule(unittest.TestCase):
    def test_last_word_of_another_alias_is_a_surname(self):
        entity = person("Tony Blair", "Blair")
        build.surname_rule(entity)
        self.assertEqual(flags(entity)["Blair"], (True, True))
        self.assertEqual(flags(entity)["Tony Blair"], (False, False))

    def test_last_two_words_only_after_a_particle(self):
        entity = person("General Colin Powell", "Colin Powell", "Dominique de Villepin", "de Villepin")
        build.surname_rule(entity)
        self.assertEqual(flags(entity)["Colin Powell"], (False, False))
        self.assertEqual(flags(entity)["de Villepin"], (True, True))

    def test_chinese_surname_after_the_middle_dot(self):
        entity = person("托尼·布莱尔", "布莱尔", lang="zh-Hans")
        build.surname_rule(entity)
        self.assertEqual(flags(entity)["布莱尔"], (False, True))

    def test_organisations_are_left_alone(self):
        entity = org("Bank of England", "England")
        build.surname_rule(entity)
        self.assertEqual(flags(entity)["England"], (False, False))


class AcronymRule(unittest.TestCase):
    def test_short_acronyms_need_support_unless_dominant(self):
        entity = org("EFF", "FBI", "HMRC")
        build.acronym_rule(entity)
        self.assertEqual(flags(entity), {"EFF": (True, True), "FBI": (False, False), "HMRC": (False, False)})


class TraditionalForms(unittest.TestCase):
    def test_surnames_keep_their_character(self):
        self.assertEqual(build.to_hant("范长龙", person=True), "范長龍")
        self.assertEqual(build.to_hant("钟山", person=True), "鍾山")

    def test_words_are_converted_and_taiwan_written_with_tai(self):
        self.assertEqual(build.to_hant("国务院台湾事务办公室", person=False), "國務院台灣事務辦公室")


class DictionaryBlockers(unittest.TestCase):
    def test_longer_names_block_but_the_alias_followed_by_a_word_does_not(self):
        kerry = person("~克里", lang="zh-Hans")
        rice = person("~赖斯", lang="zh-Hans")
        build.dictionary_blockers(kerry, set())
        build.dictionary_blockers(rice, set())
        self.assertIn("克里米亚", kerry.aliases[0].blockers)
        self.assertNotIn("赖斯说", rice.aliases[0].blockers)

    def test_aliases_of_any_entity_are_not_blockers(self):
        cppcc = person("?政协", lang="zh-Hans")
        build.dictionary_blockers(cppcc, {"全国政协"})
        self.assertNotIn("全国政协", cppcc.aliases[0].blockers)
        self.assertIn("省政协", cppcc.aliases[0].blockers)

    def test_plain_aliases_get_no_blockers(self):
        entity = person("克里", lang="zh-Hans")
        build.dictionary_blockers(entity, set())
        self.assertEqual(entity.aliases[0].blockers, [])


class FrequencyRule(unittest.TestCase):
    def test_english(self):
        self.assertEqual((rules.english("Labour").exact, rules.english("Labour").support), (True, True))
        self.assertEqual((rules.english("Bundestag").exact, rules.english("Bundestag").support), (False, False))
        self.assertEqual((rules.english("Bank of England").exact, rules.english("Bank of England").support), (False, False))

    def test_chinese(self):
        self.assertTrue(rules.chinese("政治局").support)
        self.assertFalse(rules.chinese("江泽民").support)
        self.assertTrue(rules.chinese("党").error)


class ProvincialBodies(unittest.TestCase):
    def test_the_five_bodies_follow_the_pattern(self):
        rows = build.provincial_bodies([{"parent": "guangdong", "en": "Guangdong", "zh": "广东省", "kind": "province"}])
        self.assertEqual([r["id"] for r in rows],
                         ["guangdong-party-committee", "guangdong-government", "guangdong-peoples-congress",
                          "guangdong-peoples-congress-standing-committee", "guangdong-cppcc-committee"])
        self.assertIn("广东省委", rows[0]["zh"])
        self.assertIn("广东省人大常委会", rows[3]["zh"])
        self.assertEqual(rows[3]["parent"], "guangdong-peoples-congress")

    def test_autonomous_regions_have_a_party_committee_not_a_provincial_one(self):
        rows = build.provincial_bodies([{"parent": "tibet", "en": "Tibet", "zh": "西藏自治区", "kind": "region"}])
        self.assertIn("西藏自治区党委", rows[0]["zh"])


if __name__ == "__main__":
    unittest.main()
