"""Tests of the companies, media and universities area (biz.py): the list format and the
rules it applies on top of ambiguity.py (python -m unittest discover -s scripts/aliasgen)."""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import biz  # noqa: E402
from common import Entity, name_to_hant  # noqa: E402


def built(kind: str, line: str) -> Entity:
    e = biz.parse_entity(line, {"kind": kind, "topics": [], "parent": None, "context": []}, "test")
    biz.apply_rules(e, [])
    return e


def flags(e: Entity) -> dict[str, tuple[bool, bool]]:
    return {a.text: (a.exact, a.support) for _, a in e.all_aliases()}


class Format(unittest.TestCase):
    def test_fields_flags_and_display_name(self):
        e = built("org", "tesco | Tesco | en: Tesco plc{b=Tesco Bank} | zh: 乐购 | ctx: supermarket | topics: retail")
        self.assertEqual([a.text for a in e.aliases["en"]], ["Tesco", "Tesco plc"])
        self.assertEqual(e.aliases["en"][1].blockers, ["Tesco Bank"])
        self.assertEqual((e.context, e.topics), (["supermarket"], ["retail"]))
        self.assertIn("zh-Hant", e.aliases)

    def test_bad_lines_are_errors(self):
        with self.assertRaises(biz.CuratedError):
            built("org", "Bad Id | Name")
        with self.assertRaises(biz.CuratedError):
            built("org", "x | X | en: X{q}")
        # Markup left in an alias's text: flags not at the end.
        with self.assertRaises(biz.CuratedError):
            built("org", "x | X | en: X{s} Y")

    def test_ctx_adds_to_the_section_context_and_ctx_equals_replaces_it(self):
        section = {"kind": "org", "topics": ["autos"], "parent": None, "context": ["car"]}
        added = biz.parse_entity("x | X | ctx: BMW", section, "test")
        replaced = biz.parse_entity("x | X | ctx= BMW | topics:", section, "test")
        self.assertEqual((added.context, added.topics), (["car", "BMW"], ["autos"]))
        self.assertEqual((replaced.context, replaced.topics), (["BMW"], []))

    def test_a_bar_without_spaces_still_splits_fields(self):
        e = built("product", 'x | X | zh: 视窗{s}| note: "windows" is a common word')
        self.assertEqual([a.text for a in e.aliases["zh-Hans"]], ["视窗"])
        self.assertTrue(e.aliases["zh-Hans"][0].support)
        self.assertEqual(e.comments, ['"windows" is a common word'])


class Rules(unittest.TestCase):
    def test_company_acronyms_and_common_words_get_exact_case(self):
        e = built("org", "x | Indian Oil | en: IOCL; Deutsche Boerse")
        self.assertEqual(flags(e), {"Indian Oil": (True, False), "IOCL": (True, False),
                                    "Deutsche Boerse": (False, False)})

    def test_possessives_need_support(self):
        self.assertEqual(flags(built("org", "x | Sainsbury's")), {"Sainsbury's": (False, True)})

    def test_bare_surnames_of_people_need_support_full_names_do_not(self):
        e = built("person", "warren-buffett | Warren Buffett | en: Buffett | zh: 沃伦·巴菲特; 巴菲特; 苏铭天{n}")
        f = flags(e)
        self.assertEqual(f["Buffett"], (True, True))
        self.assertEqual(f["巴菲特"], (False, True))
        self.assertEqual(f["苏铭天"], (False, False))
        self.assertEqual(f["沃伦·巴菲特"], (False, False))

    def test_two_character_words_need_support(self):
        self.assertEqual(flags(built("org", "x | Sugon | zh: 曙光"))["曙光"], (False, True))

    def test_an_alias_that_adds_nothing_is_dropped(self):
        e = built("org", "x | Gazprom | en: gazprom; GAZPROM{x}; Gazprom{s}")
        self.assertEqual([a.text for a in e.aliases["en"]], ["gazprom"])


class TraditionalForms(unittest.TestCase):
    def test_surnames_and_sound_characters(self):
        self.assertEqual(name_to_hant("范晓", True), "范曉")
        self.assertEqual(name_to_hant("拉里·埃里森", True), "拉里·埃里森")
        self.assertEqual(name_to_hant("台积电", False), "台積電")


if __name__ == "__main__":
    unittest.main()
