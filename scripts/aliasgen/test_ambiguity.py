"""Tests of the ambiguity rule in both directions (a rule fires / does not fire).

    python -m unittest discover -s scripts/aliasgen

They need the pinned packages of requirements.txt (jieba, OpenCC) and data/freq/: the
rule is decided by that data, so the expectations are facts about it (Zipf of "reading"
>= 4, 曙光 a jieba word of frequency >= 100, ...).
"""

import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ambiguity  # noqa: E402
from ambiguity import common_words_exact, dictionary_blockers, lint_files, requirement, surnames  # noqa: E402
from common import REPO, key  # noqa: E402


def flags(text, kind="org"):
    r = requirement(text, kind)
    return r.case_exact, r.needs_support


class English(unittest.TestCase):
    def test_frequent_words_need_case_and_support(self):
        self.assertEqual(flags("Reading", "place"), (True, True))
        self.assertEqual(flags("Next"), (True, True))
        self.assertEqual(flags("Bayern", "place"), (True, False))  # Zipf 3.7: exact only

    def test_names_and_rare_words_need_nothing(self):
        for name in ["London", "France", "Kazakhstan", "United States", "Ouagadougou", "Gazprom"]:
            self.assertFalse(requirement(name, "place"), name)

    def test_name_dominant_words_are_exempt(self):
        self.assertFalse(requirement("Disney"))
        self.assertFalse(requirement("Nintendo"))

    def test_short_acronyms_need_support_unless_name_dominant(self):
        self.assertEqual(flags("EFF"), (True, True))  # also South Africa's Economic Freedom Fighters
        self.assertEqual(flags("GM"), (True, True))  # also genetically modified
        for acronym in ["US", "U.S.", "WHO", "FBI", "BBC", "IMF", "PKU"]:  # PKU: Zipf < 3, still exact
            self.assertEqual(flags(acronym), (True, False), acronym)

    def test_longer_acronyms_are_case_exact_when_frequent_only(self):
        self.assertEqual(flags("NATO"), (True, False))
        self.assertFalse(requirement("DPRK", "place"))  # a rare letter sequence

    def test_a_word_in_capitals_is_the_word(self):
        self.assertEqual(flags("SEAT"), (True, True))
        self.assertEqual(flags("LINE"), (True, True))

    def test_possessives_need_support_and_what_the_bare_word_needs(self):
        # canon matches McDonald's on "McDonald" too (a family name, Zipf 3.77), and an
        # exact-case possessive as written (src/matching: exact_case_aliases_ending_in_a_possessive)
        self.assertEqual(flags("McDonald's"), (True, True))
        self.assertEqual(flags("McDonald’s"), (True, True))
        self.assertEqual(flags("Sainsbury's"), (False, True))  # sainsbury: Zipf 2.58
        self.assertFalse(requirement("China's", "place"))  # the bare word is name-dominant
        # a possessive inside a name of several words is part of a name
        self.assertFalse(requirement("Moody's Investors Service"))
        self.assertFalse(requirement("People's Daily"))

    def test_names_of_several_words_are_names(self):
        self.assertFalse(requirement("Indian Oil"))
        self.assertFalse(requirement("UK government"))

    def test_common_words_exact_for_fixed_capitals(self):
        self.assertTrue(common_words_exact("Indian Oil").case_exact)
        self.assertTrue(common_words_exact("Bank of China").case_exact)
        self.assertFalse(common_words_exact("Deutsche Boerse"))
        # a place's stock exchange is written with a lower-case head as often as not
        self.assertFalse(common_words_exact("London Stock Exchange"))
        self.assertFalse(common_words_exact("New York Stock Exchange"))
        self.assertTrue(common_words_exact("Stock Exchange"))
        self.assertFalse(common_words_exact("Moody's Investors Service"))
        self.assertFalse(common_words_exact("Société Générale"))  # words with accents are words


    def test_generic_organ_names_need_support(self):
        # names any country's body has (issue #16: Japan's Cabinet Office)
        for name in ("Cabinet Office", "Prime Minister's Office", "Justice Department",
                     "Ministry of Foreign Affairs", "Department for Work and Pensions"):
            self.assertTrue(ambiguity.generic_organ(name).needs_support, name)
        # a country, demonym, place or distinctive word says whose body it is
        for name in ("German Foreign Office", "House of Lords", "HM Treasury", "US Department of Labor",
                     "Federal Bureau of Investigation", "Labour Party", "Treasury", "外交部"):
            self.assertFalse(ambiguity.generic_organ(name), name)
        # context words made of organ words are any country's too
        self.assertTrue(ambiguity.organ_words_only("Prime Minister"))
        self.assertTrue(ambiguity.organ_words_only("ministers"))
        self.assertFalse(ambiguity.organ_words_only("Whitehall"))
        self.assertFalse(ambiguity.organ_words_only("首相"))


class Chinese(unittest.TestCase):
    def test_names_that_are_also_ordinary_words_need_support(self):
        # [zh-word]: jieba tags 大庆 as a place only; 值得大庆 is "worth a great celebration"
        self.assertTrue(requirement("大庆", "place").needs_support)
        self.assertTrue(requirement("大慶", "place").needs_support)
        self.assertFalse(requirement("大庆市", "place"))
        self.assertFalse(requirement("北京", "place"))

    def test_idioms_are_blockers(self):
        self.assertEqual(set(ambiguity.idiom_blockers("万象", "zh-Hans")),
                         {"万象更新", "包罗万象", "森罗万象", "万象森罗"})
        self.assertIn("东躲西藏", ambiguity.idiom_blockers("西藏", "zh-Hans"))
        self.assertIn("萬象更新", ambiguity.idiom_blockers("萬象", "zh-Hant"))
        self.assertEqual(ambiguity.idiom_blockers("北京", "zh-Hans"), [])
        self.assertEqual(ambiguity.idiom_blockers("Vientiane", "en"), [])

    def test_common_words_need_support(self):
        self.assertTrue(requirement("小米").needs_support)
        self.assertTrue(requirement("蘋果").needs_support)  # folded to 苹果 first
        self.assertTrue(requirement("大众").needs_support)  # n: "the public"

    def test_names_need_nothing(self):
        self.assertFalse(requirement("格鲁吉亚", "place"))  # tagged ns
        self.assertFalse(requirement("约旦", "place"))  # mis-tagged, listed as name-dominant
        self.assertFalse(requirement("中国石化"))

    def test_two_character_words_of_organisations_need_support_whatever_their_tag(self):
        self.assertTrue(requirement("曙光").needs_support)  # nz, "dawn"
        self.assertTrue(requirement("贝壳").needs_support)  # nr, "shell"
        self.assertFalse(requirement("搜狐"))  # reviewed as name-dominant

    def test_but_not_of_places_and_people(self):
        self.assertFalse(requirement("柏林", "place"))  # nr, only the city
        self.assertFalse(requirement("朱德", "person"))
        self.assertTrue(requirement("柏林", "org").needs_support)

    def test_abbreviations_are_names(self):
        self.assertFalse(requirement("中石化"))  # j, three characters

    def test_a_single_character_is_never_an_alias(self):
        self.assertTrue(requirement("美", "place").forbidden)


class Surnames(unittest.TestCase):
    def test_last_parts_of_full_names(self):
        short = surnames([("en", "Tony Blair", False), ("en", "Blair", False), ("zh-Hans", "托尼·布莱尔", False),
                          ("zh-Hans", "布莱尔", False), ("en", "Dominique de Villepin", False),
                          ("en", "de Villepin", False), ("en", "Colin Powell", False)])
        self.assertEqual(set(short), {"Blair", "布莱尔", "de Villepin"})

    def test_single_words_and_bare_transliterations(self):
        short = surnames([("en", "Lula", False), ("zh-Hans", "沃伦·巴菲特", False), ("zh-TW", "巴菲特", False),
                          ("en", "Suharto", True), ("zh-HK", "白高敦", True)])
        self.assertEqual(set(short), {"Lula", "巴菲特"})

    def test_lint_checks_only_the_certain_part(self):
        self.assertEqual(surnames([("en", "Suharto", False)], single_words=False), {})


class Blockers(unittest.TestCase):
    def test_words_that_contain_a_short_alias(self):
        self.assertIn("克里米亚", dictionary_blockers("克里", "zh-Hans", set(), "person"))
        self.assertIn("沿海地区", dictionary_blockers("海地", "zh-Hans", set(), "place"))
        self.assertIn("人民大众", dictionary_blockers("大众", "zh-Hans", set(), "org"))

    def test_words_that_still_name_the_entity(self):
        self.assertNotIn("赖斯说", dictionary_blockers("赖斯", "zh-Hans", set(), "person"))
        self.assertNotIn("大众汽车公司", dictionary_blockers("大众", "zh-Hans", set(), "org"))
        self.assertNotIn("德国科隆", dictionary_blockers("科隆", "zh-Hans", set(), "place"))
        self.assertNotIn("突尼斯共和国", dictionary_blockers("突尼斯", "zh-Hans", set(), "place"))

    def test_a_place_before_a_government_body_names_another_body(self):
        blockers = dictionary_blockers("政协", "zh-Hans", {"全国政协"}, "org")
        self.assertIn("北京市政协", blockers)
        self.assertNotIn("全国政协", blockers)  # an alias itself: the longest name wins

    def test_traditional_aliases_get_traditional_blockers(self):
        self.assertIn("索馬里人", dictionary_blockers("馬里", "zh-Hant", set(), "place"))
        self.assertIn("索马里人", dictionary_blockers("马里", "zh-Hans", set(), "place"))

    def test_long_aliases_get_none(self):
        self.assertEqual(dictionary_blockers("格鲁吉亚", "zh-Hans", set(), "place"), [])


class CanonKey(unittest.TestCase):
    def test_agrees_with_canon(self):
        # pairs printed by `canon alias check` (alias, canon's key)
        pairs = [("01.AI", "01 ai"), ("A.K. Antony", "ak antony"), ("AT&T", "at t"), ("Amazon.com", "amazon.com"),
                 ("Bao'an", "bao'an"), ("Bank of China (Hong Kong)", "bank of china hong kong"),
                 ("Carnegie–Tsinghua Center", "carnegie-tsinghua center"), ("Foster's", "foster"),
                 ("C++", "c++"), ("滙豐銀行", "汇丰银行"), ("特里斯坦-達庫尼亞", "特里斯坦达库尼亚"),
                 ("U.S.", "us"), ("NTT Docomo", "ntt docomo")]
        for text, expected in pairs:
            self.assertEqual(key(text), expected, text)


class Lint(unittest.TestCase):
    def lint(self, text):
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "t.toml"
            path.write_text(text, encoding="utf-8")
            return path, lint_files([path])

    def test_reports_file_line_and_shared_names(self):
        path, messages = self.lint(
            '[[entity]]\nid = "a"\nname = "A"\nkind = "place"\n'
            'aliases.en = ["Reading", { text = "Georgia", case = "exact", needs = "support" }]\n'
            '[[entity]]\nid = "b"\nname = "B"\nkind = "place"\naliases.en = [{ text = "Georgia", case = "exact" }]\n'
        )
        self.assertEqual(messages, [
            f'{path}:5: entity "a": alias "Reading" lacks case = "exact" and needs = "support": '
            '"reading" has Zipf 5.14 >= 4.0',
            f'{path}:10: entity "b": alias "Georgia" lacks needs = "support": "georgia" has Zipf 4.46 >= 4.0; '
            'also claimed by a',
        ])

    def test_surnames_need_case_and_support_unless_marked_full(self):
        _, messages = self.lint(
            '[[entity]]\nid = "p"\nname = "P"\nkind = "person"\n'
            'aliases.en = ["Zorvan Quellhart", "Quellhart", "Mira Tolvane", { text = "Tolvane", form = "full" },'
            ' "Ivo Brannick", { text = "Brannick", form = "short", case = "exact" }]\n'
            'aliases.zh-Hans = ["托尼·布莱尔", "布莱尔"]\n'
        )
        self.assertEqual(len(messages), 2, messages)
        self.assertIn('"Quellhart" lacks case = "exact" and needs = "support": surname', messages[0])
        self.assertIn('"布莱尔" lacks needs = "support": surname', messages[1])

    def test_people_with_aliases_that_need_support_carry_no_broad_topic(self):
        table = ('[[entity]]\nid = "p"\nname = "P"\nkind = "{kind}"\ntopics = ["politics", "uk-politics"]\n'
                 'aliases.en = ["Tony Blair", {{ text = "Blair", case = "exact", needs = "support" }}]\n')
        _, messages = self.lint(table.format(kind="person"))
        self.assertEqual(len(messages), 1, messages)
        self.assertIn("broad topic(s) politics:", messages[0])
        _, messages = self.lint(table.format(kind="org"))  # places and bodies: the matcher's design
        self.assertEqual(messages, [])

    def test_context_words_another_claimant_has_are_reported(self):
        court = ('[[entity]]\nid = "{id}"\nname = "N"\nkind = "org"\ncontext = [{context}]\n'
                 'aliases.en = [{{ text = "Supreme Court", case = "exact", needs = "support" }}]\n')
        _, messages = self.lint(court.format(id="a", context='"ruled", "Oslo"')
                                + court.format(id="b", context='"Ruled", "Ottawa"'))
        self.assertEqual(len(messages), 2, messages)
        self.assertIn('"a": context word "ruled" is also a context word of b', messages[0])
        _, messages = self.lint(court.format(id="a", context='"Oslo"') + court.format(id="b", context='"Ottawa"'))
        self.assertEqual(messages, [])

    def test_a_clean_table_has_no_messages(self):
        _, messages = self.lint(
            '[[entity]]\nid = "p"\nname = "P"\nkind = "person"\ntopics = ["united-kingdom-politics"]\n'
            'aliases.en = ["Tony Blair", { text = "Blair", case = "exact", needs = "support" }]\n'
        )
        self.assertEqual(messages, [])

    def test_agrees_with_canon_on_the_fixture_table(self):
        # tests/fixtures/ambiguity-table.toml breaks every part of the rule; canon's
        # `alias check` must report the same (tests/frequency_rule.rs), with the default table
        fixtures = REPO / "tests" / "fixtures"
        table = fixtures / "ambiguity-table.toml"
        default = sorted((REPO / "data" / "aliases").glob("*.toml"))
        prefix = f"{table}:"
        got = [m[len(prefix):] for m in lint_files(default + [table]) if m.startswith(prefix)]
        expected = [line for line in (fixtures / "ambiguity-table.expected").read_text(encoding="utf-8").splitlines()
                    if not line.startswith("#")]
        self.assertEqual(got, expected)


class Fixture(unittest.TestCase):
    def test_the_parity_fixture_is_up_to_date(self):
        # tests/frequency_rule.rs compares canon's verdicts with this file: a stale one
        # would compare canon with an older rule, or miss the table's new aliases
        import rule_fixture

        self.assertEqual(rule_fixture.FIXTURE.read_text(encoding="utf-8"), rule_fixture.fixture(),
                         "rerun python3 scripts/aliasgen/rule_fixture.py")


class NameDominant(unittest.TestCase):
    def test_every_line_has_a_section_and_a_reason(self):
        for section in ambiguity.SECTIONS:
            words = ambiguity.name_dominant(section)
            self.assertTrue(words, section)
            self.assertTrue(all(reason for reason in words.values()), section)


if __name__ == "__main__":
    unittest.main()
