"""Tests of the one pass over every table (generate.py): names shared between areas,
their context words, blockers, broad topics, ids and parents (python -m unittest discover -s
scripts/aliasgen). Synthetic tables; the real ones are checked by `generate.py --check`."""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402
from common import Alias, Entity, Table  # noqa: E402


def table(area: str, *entities: Entity) -> Table:
    return Table(f"data/aliases/{area}-test.toml", list(entities), lambda: "", area)


def ent(eid: str, kind: str, lang: str, *aliases: Alias, topics=(), parent=None) -> Entity:
    return Entity(id=eid, name=eid, kind=kind, parent=parent, topics=list(topics), aliases={lang: list(aliases)})


class SharedNames(unittest.TestCase):
    def test_a_name_of_two_areas_needs_support_on_both(self):
        cayenne = ent("cayenne", "place", "zh-Hans", Alias("开云"))
        kering = ent("kering", "org", "zh-Hans", Alias("開雲", support=True), Alias("开云集团"))
        eff = ent("eff", "org", "en", Alias("EFF", exact=True))
        generate.mark_shared_names([table("places", cayenne), table("biz", kering, eff)],
                                   [{"id": "economic-freedom-fighters", "aliases": {"en": ["EFF"]}}])
        self.assertTrue(cayenne.aliases["zh-Hans"][0].support)
        self.assertFalse(kering.aliases["zh-Hans"][1].support)
        self.assertTrue(eff.aliases["en"][0].support)
        self.assertIn("shared with economic-freedom-fighters", eff.aliases["en"][0].reasons)

    def test_names_of_one_entity_are_not_shared(self):
        e = ent("x", "org", "en", Alias("Foo Corp"), Alias("FOO CORP", exact=True))
        generate.mark_shared_names([table("biz", e)], [])
        self.assertFalse(any(a.support for _, a in e.all_aliases()))


class Finishing(unittest.TestCase):
    def test_context_words_another_claimant_has_leave_the_generated_entities(self):
        court = lambda eid, *context: Entity(  # noqa: E731
            id=eid, name=eid, kind="org", context=list(context),
            aliases={"en": [Alias("Supreme Court", exact=True, support=True), Alias(f"{eid} court")]})
        a, b = court("a", "ruled", "Oslo"), court("b", "Ruled", "judges", "Ottawa")
        c = court("c", "ruled", "Ottawa")  # no shared name of its own: keeps its words
        c.aliases["en"] = c.aliases["en"][1:]
        hand = [{"id": "d", "context": ["judges", "Canberra"],
                 "aliases": {"en": [{"text": "Supreme Court", "case": "exact", "needs": "support"}]}}]
        generate.drop_shared_context([table("gov", a, b, c)], hand)
        self.assertEqual((a.context, b.context, c.context), (["Oslo"], ["Ottawa"], ["ruled", "Ottawa"]))

    def test_an_exact_name_with_its_article_also_matches_the_lower_case_article(self):
        e = ent("x", "org", "en", Alias("The Beijing News", exact=True), Alias("The Times", exact=True, support=True),
                Alias("The Sun"))
        generate.lower_case_articles([table("biz", e)])
        self.assertEqual([(a.text, a.exact, a.support) for _, a in e.all_aliases()],
                         [("The Beijing News", True, False), ("the Beijing News", True, False),
                          ("The Times", True, True), ("the Times", True, True), ("The Sun", False, False)])

    def test_names_with_ization_also_match_their_british_spelling(self):
        e = ent("x", "org", "en", Alias("North Atlantic Treaty Organization"),
                Alias("World Health Organization", exact=True, blockers=["World Health Organization Act"]),
                Alias("Organisation of Islamic Cooperation"), Alias("Horizon Zero"))
        generate.british_spellings([table("orgs", e)])
        self.assertEqual([(a.text, a.exact, a.blockers) for _, a in e.all_aliases()],
                         [("North Atlantic Treaty Organization", False, []),
                          ("North Atlantic Treaty Organisation", False, []),
                          ("World Health Organization", True, ["World Health Organization Act"]),
                          ("World Health Organisation", True, ["World Health Organisation Act"]),
                          ("Organisation of Islamic Cooperation", False, []), ("Horizon Zero", False, [])])

    def test_broad_topics_go_only_where_an_alias_needs_support(self):
        a = ent("a", "org", "en", Alias("Apple", exact=True, support=True), topics=["tech", "consumer-electronics"])
        b = ent("b", "org", "en", Alias("Foxconn"), topics=["tech"])
        generate.drop_broad_topics(a)
        generate.drop_broad_topics(b)
        self.assertEqual((a.topics, b.topics), (["consumer-electronics"], ["tech"]))

    def test_people_lose_every_broad_topic_of_the_matcher(self):
        banker = ent("x", "person", "en", Alias("Dimon", exact=True, support=True), topics=["finance", "banking"])
        bank = ent("y", "org", "en", Alias("Chase", exact=True, support=True), topics=["finance", "banking"])
        generate.drop_broad_topics(banker)
        generate.drop_broad_topics(bank)
        self.assertEqual((banker.topics, bank.topics), (["banking"], ["finance", "banking"]))

    def test_the_broad_politics_topic_becomes_the_countrys(self):
        dc = ent("washington", "place", "en", Alias("Washington", exact=True, support=True),
                 topics=["politics", "geo"], parent="united-states")
        country = generate.country_of("washington", {"washington": "united-states", "united-states": None},
                                      {"united-states"})
        generate.drop_broad_topics(dc, country)
        self.assertEqual(dc.topics, ["united-states-politics"])

    def test_blockers_for_short_chinese_aliases_that_need_support(self):
        e = ent("kerry", "person", "zh-Hans", Alias("克里", support=True), Alias("约翰·克里"))
        generate.add_dictionary_blockers(e, set())
        self.assertIn("克里米亚", e.aliases["zh-Hans"][0].blockers)
        self.assertEqual(e.aliases["zh-Hans"][1].blockers, [])


class Ids(unittest.TestCase):
    def test_duplicate_ids_and_unknown_parents(self):
        problems = []
        generate.check_ids([table("gov", ent("china", "place", "en", Alias("China")),
                                  ent("x", "org", "en", Alias("X"), parent="nowhere"))],
                           [{"id": "china", "aliases": {}}], problems)
        self.assertEqual(len(problems), 2, problems)


if __name__ == "__main__":
    unittest.main()
