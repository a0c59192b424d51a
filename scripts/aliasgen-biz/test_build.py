#!/usr/bin/env python3
"""Tests of build.py's evidence rules, in both directions (a rule fires / does not fire).

Run from the worktree root with the generator's venv:

    .venv-aliasgen/bin/python -m unittest discover -s scripts/aliasgen-biz -p 'test_*.py'

They need the pinned packages of requirements.txt (wordfreq, jieba, opencc): the rules are
decided by that data, so the expectations below are facts about it (Zipf of "next" >= 4,
曙光 in jieba's dictionary with frequency >= 100, ...).
"""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build  # noqa: E402

RULES = build.Rules()


def english(text, **flags):
    alias = build.Alias(text, **flags)
    RULES.english(alias)
    return alias


def chinese(text):
    alias = build.Alias(text)
    RULES.chinese(alias, "test")
    return alias


class EnglishRules(unittest.TestCase):
    def test_very_common_word_needs_exact_case_and_support(self):
        a = english("Next")
        self.assertTrue(a.exact and a.support)

    def test_common_name_gets_exact_case_only(self):
        a = english("Tesco")
        self.assertTrue(a.exact)
        self.assertFalse(a.support)

    def test_rare_name_stays_plain(self):
        a = english("Gazprom")
        self.assertFalse(a.exact or a.support)

    def test_name_dominant_word_is_exempt(self):
        a = english("Disney")
        self.assertFalse(a.support)

    def test_acronym_gets_exact_case(self):
        a = english("HSBC")
        self.assertTrue(a.exact)
        self.assertFalse(a.support)

    def test_name_made_of_common_words_gets_exact_case(self):
        # "Indian oil fields" must not match Indian Oil Corporation
        self.assertTrue(english("Indian Oil").exact)
        self.assertTrue(english("Bank of China").exact)

    def test_name_with_a_rare_word_stays_plain(self):
        self.assertFalse(english("Deutsche Boerse").exact)

    def test_possessive_needs_support_but_never_exact_case(self):
        # canon cannot match an exact-case alias written with 's; the bare form is a surname
        a = english("Sainsbury's")
        self.assertTrue(a.support)
        self.assertFalse(a.exact)
        a = english("McDonald's")
        self.assertTrue(a.support)
        self.assertFalse(a.exact)

    def test_possessive_inside_a_longer_name_is_left_alone(self):
        a = english("Moody's Investors Service")
        self.assertFalse(a.support)


class ChineseRules(unittest.TestCase):
    def test_common_word_with_non_name_tag_needs_support(self):
        self.assertTrue(chinese("大众").support)  # n, 1523: "the public"
        self.assertTrue(chinese("东风").support)  # n, 1075: "the east wind"

    def test_frequent_two_character_word_needs_support_whatever_its_tag(self):
        self.assertTrue(chinese("曙光").support)  # tagged nz, means "dawn"
        self.assertTrue(chinese("贝壳").support)  # tagged nr, means "shell"

    def test_reviewed_name_dominant_word_is_exempt(self):
        self.assertFalse(chinese("搜狐").support)

    def test_full_company_name_stays_plain(self):
        self.assertFalse(chinese("中国石化").support)
        self.assertFalse(chinese("沃达丰").support)

    def test_single_character_is_refused(self):
        with self.assertRaises(SystemExit):
            chinese("苹")

    def test_traditional_form_keeps_surnames_and_sound_characters(self):
        self.assertEqual(RULES.hant("范晓", True), "范曉")
        self.assertEqual(RULES.hant("拉里·埃里森", True), "拉里·埃里森")
        self.assertEqual(RULES.hant("台积电", False), "台積電")


class Folding(unittest.TestCase):
    def test_fold_matches_canon_keys(self):
        self.assertEqual(RULES.fold("J.P. Morgan"), "jp morgan")
        self.assertEqual(RULES.fold("Marsh & McLennan"), "marsh mclennan")
        self.assertEqual(RULES.fold("Foster's"), "foster")
        self.assertEqual(RULES.fold("滙豐銀行"), "汇丰银行")


if __name__ == "__main__":
    unittest.main()
