"""Tests of the ambiguity rule in both directions (python3 -m unittest in scripts/aliasgen)."""

import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ambiguity import lint_files, requirement  # noqa: E402


class Rule(unittest.TestCase):
    def test_frequent_words_need_rules(self):
        r = requirement("Reading")
        self.assertTrue(r.case_exact and r.needs_support, r)
        r = requirement("Bayern")  # Zipf 3.7: exact only
        self.assertTrue(r.case_exact and not r.needs_support, r)

    def test_names_and_rare_words_need_none(self):
        for name in ["London", "France", "Kazakhstan", "United States", "Ouagadougou"]:
            self.assertFalse(requirement(name), name)

    def test_acronyms_are_case_exact_only(self):
        for acronym in ["WHO", "US", "U.S.", "NATO"]:
            r = requirement(acronym)
            self.assertTrue(r.case_exact and not r.needs_support, acronym)
        self.assertFalse(requirement("DPRK"))  # a rare letter sequence

    def test_chinese_common_words_need_support(self):
        self.assertTrue(requirement("小米").needs_support)
        self.assertTrue(requirement("蘋果").needs_support)  # folded to 苹果 first
        self.assertFalse(requirement("格鲁吉亚"))  # tagged ns
        self.assertFalse(requirement("约旦"))  # mis-tagged, listed as name-dominant
        self.assertTrue(requirement("美").forbidden)

    def test_lint_reports_file_line_and_shared_names(self):
        text = (
            '[[entity]]\nid = "a"\nname = "A"\nkind = "place"\n'
            'aliases.en = ["Reading", { text = "Georgia", case = "exact", needs = "support" }]\n'
            '[[entity]]\nid = "b"\nname = "B"\nkind = "place"\naliases.en = ["Georgia"]\n'
        )
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "t.toml"
            path.write_text(text, encoding="utf-8")
            messages = lint_files([path])
        self.assertEqual(len(messages), 3, messages)
        self.assertTrue(messages[0].startswith(f"{path}:5: entity 'a': alias 'Reading'"))
        self.assertIn("shared with a", messages[2])
        self.assertIn(":10:", messages[2])


if __name__ == "__main__":
    unittest.main()
