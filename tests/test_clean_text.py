"""Plain-text cleaning: the seeds' furniture and teasers go, their statements stay; fictional pages; LineCounter."""

from __future__ import annotations

import pytest
import yaml

from narrascope.clean.repetition import LineCounter
from narrascope.clean.text import TextExtract, clean_plain_text, line_key
from seed_expectations import STATEMENT_PHRASES

# Page furniture in the seeds that GOLD does not list but that is no article text either.
MORE_SEED_FURNITURE = {
    "001_7f10563c03b5c748.txt": ["Users are obliged abide by national and international laws."],
    "002_2ff34fa1bdc5f02b.txt": ["About Niamh Harris", "alternative health practitioner"],
    "003_d163a95aeccb179b.txt": ["Leave a Reply", "Nikki Haley"],
    "004_39fbe9eb1b5aa74b.txt": ["Skip to main content", "reader-owned co-operative", "Donate today"],
}
SEED_TITLES = {
    "002_2ff34fa1bdc5f02b.txt": "Russia Warns Against US Strikes On Assad Government",
    "003_d163a95aeccb179b.txt": "United States Is Saving The Rebel Groups In Syria: Russia",
}


def flat(text: str) -> str:
    """Whitespace collapsed: the seeds hold no-break spaces inside sentences."""
    return " ".join(text.split())


@pytest.fixture
def seeds(shared):
    gold = yaml.safe_load((shared / "seeds" / "GOLD.yaml").read_text(encoding="utf-8"))
    pages = {name: (shared / "seeds" / name).read_text(encoding="utf-8") for name in gold["articles"]}
    return gold["articles"], pages


def test_seed_furniture_and_teasers_are_removed(seeds):
    gold, pages = seeds
    for name, expected in gold.items():
        cleaned = clean_plain_text(pages[name])
        for line in expected.get("boilerplate_lines", []) + expected.get("embedded_teasers", []):
            assert flat(line) not in flat(cleaned.text), f"{name}: {line!r} survived"
        for fragment in MORE_SEED_FURNITURE.get(name, []):
            assert fragment not in cleaned.text, f"{name}: {fragment!r} survived"


def test_seed_teasers_are_removed_as_teasers(seeds):
    gold, pages = seeds
    name = "001_7f10563c03b5c748.txt"
    reasons = dict(clean_plain_text(pages[name]).removed)
    for teaser in gold[name]["embedded_teasers"]:
        assert reasons[teaser] == "teaser"


def test_seed_statements_are_kept_verbatim(seeds):
    _, pages = seeds
    for name, phrases in STATEMENT_PHRASES.items():
        cleaned = clean_plain_text(pages[name])
        for phrase in phrases:
            assert phrase in flat(cleaned.text), f"{name}: lost {phrase!r}"
        source_lines = {line.strip() for line in pages[name].splitlines()}
        assert all(p in source_lines for p in cleaned.text.split("\n\n")), "kept lines must be verbatim"


def test_seed_titles(seeds):
    _, pages = seeds
    for name, title in SEED_TITLES.items():
        cleaned = clean_plain_text(pages[name])
        assert cleaned.title == title
        assert title not in cleaned.text
    assert clean_plain_text(pages["000_c89ed354730683c8.txt"]).title is None  # "Sergey Lavrov" is a caption


# Fictional pages ------------------------------------------------------------------------------------

P1 = (
    "The harbour authority said on Tuesday that the northern pier would close for repairs until the end "
    "of the year, after inspectors found cracks in three of its supporting columns."
)
P2 = (
    "“We cannot take any risk with the safety of passengers,” the authority’s director, Mara Velt, told "
    "reporters at a briefing in the port office."
)
P3 = (
    "Ferry operators will move their services to the southern pier, which the authority says can take "
    "the extra traffic with a new timetable starting next month."
)
P4 = (
    "Local traders fear the closure will cut the number of visitors to the old town, where most of the "
    "shops rely on passengers arriving by ferry in the summer."
)
BODY = [P1, P2, P3, P4]

NAV = ["Home", "News", "World", "Sport", "Opinion", "Log inRegister", "Search", "Menu"]
FOOTER = [
    "Share this article on WhatsApp:",
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "Privacy Policy",
    "© 2021 Harbour Gazette. All rights reserved.",
]


def page(*blocks: list[str]) -> str:
    return "\n\n".join(line for block in blocks for line in block)


def test_text_without_furniture_is_returned_intact():
    cleaned = clean_plain_text(page(BODY))
    assert cleaned.text == "\n\n".join(BODY)
    assert cleaned.removed == ()


def test_empty_input():
    for text in ("", "\n\n  \n\t\n"):
        assert clean_plain_text(text) == TextExtract(text="", title=None, removed=())


def test_navigation_and_footer_furniture_are_removed_with_reasons():
    title = "Northern Pier To Close For Repairs Until End Of Year"
    cleaned = clean_plain_text(page(NAV, [title], BODY, FOOTER))
    assert cleaned.text == "\n\n".join(BODY)
    assert cleaned.title == title
    reasons = dict(cleaned.removed)
    assert reasons["Share this article on WhatsApp:"] == "furniture-phrase"
    assert reasons["Log inRegister"] == "furniture-phrase"  # labels glued together by the rendering
    assert reasons[title] == "title"
    assert set(reasons) == {*NAV, title, *FOOTER}


def test_navigation_bar_sentence_case_title_and_source_lead_in():
    nav_bar = "Home | World | Politics | Energy | Contact"
    title = "Harbour authority closes northern pier for repairs"
    lead_in = "Harbour Gazette reports:"
    cleaned = clean_plain_text(page([nav_bar, title, lead_in], BODY, FOOTER))
    assert cleaned.title == title
    assert cleaned.text == "\n\n".join([lead_in, *BODY])  # the media citation stays with the article
    assert dict(cleaned.removed)[nav_bar] == "navigation"


def test_teaser_after_photo_credit_and_caption_are_removed():
    caption = "Passengers wait for a ferry at the northern pier in the old town"
    credit = "© AP Photo / File"
    teaser = "Harbour Workers Threaten Strike Over New Shift Rota - Union"
    read_more = "Read more: Southern Pier Timetable Changes Explained"
    cleaned = clean_plain_text(page([P1, P2, caption, credit, teaser, P3, read_more, P4]))
    assert cleaned.text == "\n\n".join(BODY)
    reasons = dict(cleaned.removed)
    assert reasons[caption] == "caption"
    assert reasons[credit] == "credit"
    assert reasons[teaser] == "teaser"
    assert reasons[read_more] == "teaser"


def test_subheads_and_short_quotes_inside_the_body_are_kept():
    subhead = "Traders worried"
    quote = "“It is a disaster,” one said."
    cleaned = clean_plain_text(page(NAV, [P1, P2, subhead, P3, quote, P4], FOOTER))
    assert cleaned.text == "\n\n".join([P1, P2, subhead, P3, quote, P4])


def test_markup_typed_into_a_paragraph_is_its_text_and_leaves_it_prose():
    lead = (
        "The Northern Compact wants to partition Veloria along the Tessaly river, Foreign Minister Anya "
        "Korvin said on Monday. <script>alert(1)</script>"
    )
    body = [
        lead,
        "“The Compact plans a partition of our country,” Korvin told reporters in Port Arden.",
        "Compact envoy Mark Ellison denied the accusation. “We have no plans,” Ellison said.",
    ]
    cleaned = clean_plain_text(page(body))
    assert (cleaned.text, cleaned.title) == ("\n\n".join(body), None)


def test_a_line_held_up_by_one_huge_token_does_not_end_the_article():
    body = [
        "Foreign Minister Anya Korvin said on Monday that the Compact wants a partition of Veloria.",
        "Supercalifragilistic" * 250,
        "The end of the story about the dam, which matters a lot to everyone here.",
    ]
    assert clean_plain_text(page(body)).text == "\n\n".join(body)
    at_the_end = clean_plain_text(page([P1, P2, P3, "https://x.example/" + "a" * 200])).text
    assert at_the_end == "\n\n".join([P1, P2, P3])


def test_comments_and_related_teasers_after_a_closing_heading_are_not_body():
    comments = [
        "3 Comments",
        "harbourfan",
        "I have taken that ferry every summer for twenty years and never saw a crack anywhere.",
        "Reply",
        "oldsalt",
        "The authority has known about the columns since the storm and did nothing until now.",
        "Reply",
        "You may also like",
        "Council Approves New Cycle Lane Along The Seafront",
        "The plan adds two kilometres of protected lanes between the marina and the beach by next spring.",
        "Lighthouse Museum Reopens After Two-Year Restoration",
        "Visitors can climb the tower again from Saturday, with tickets sold only at the door this year.",
    ]
    cleaned = clean_plain_text(page(NAV, BODY, comments, FOOTER))
    assert cleaned.text == "\n\n".join(BODY)


def test_self_promotion_and_author_box_at_the_end_are_removed():
    tail = [
        "Mara Quist",
        "About Mara Quist 2310 Articles",
        "OWNED BY OUR READERS",
        "We're a reader-owned newspaper, which means you can become part of the paper too by buying shares.",
        "Become a supporter",
        "Donate today",
    ]
    cleaned = clean_plain_text(page(BODY, tail))
    assert cleaned.text == "\n\n".join(BODY)


def test_link_cards_glued_to_their_blurb_are_teasers():
    cards = [
        "Ferry Fares To Rise In SpringThe operator said higher fuel costs left it no choice but to raise prices.",
        "Old Lighthouse Gets A New LampA volunteer crew fitted the lamp last week, the first in forty years.",
    ]
    cleaned = clean_plain_text(page(NAV, cards, BODY))
    assert {dict(cleaned.removed)[card] for card in cards} == {"teaser"}
    assert cleaned.text == "\n\n".join(BODY)


def test_camel_cased_names_in_prose_are_no_link_cards():
    prose = (
        "Because Twitter, Facebook and YouTube carry so much video, the harbour authority said it would "
        "post its safety briefings there as well as on its own website."
    )
    cleaned = clean_plain_text(page([P1, prose, P2]))
    assert cleaned.text == "\n\n".join([P1, prose, P2])


def test_hard_wrapped_paragraphs_are_joined():
    wrapped = "The harbour authority said on Tuesday that the northern pier would close\nfor repairs until the end of the year."
    cleaned = clean_plain_text(page([wrapped, P2, P3]))
    assert cleaned.text.split("\n\n")[0] == wrapped.replace("\n", " ")


def test_outlet_furniture_lines_are_removed():
    promo = "Harbour Gazette is the independent voice of the coast since 1911, read by thousands every week."
    cleaned = clean_plain_text(page(BODY, [promo]), furniture=frozenset({line_key(promo)}))
    assert cleaned.text == "\n\n".join(BODY)
    assert dict(cleaned.removed)[promo] == "repeated"


def test_line_key_folds_case_spaces_digits_and_bullets():
    assert line_key("  Get  short URL ") == line_key("get short url")
    assert line_key("2173 views") == line_key("45 views")
    assert line_key("* Privacy Policy") == line_key("Privacy Policy")


# LineCounter -----------------------------------------------------------------------------------------

SITE = [
    "Harbour Gazette",
    "Home",
    "Sign up for our morning briefing",
    "Harbour Gazette is owned by its readers.",
]


TOPICS = ["parking fees", "the library budget", "a new bus depot", "school meals"]


def article(n: int) -> list[str]:
    """A different article for each ``n`` (digits alone would not do: line keys fold them)."""
    topic = TOPICS[n]
    return [
        f"The council voted on {topic} after a long debate in the chamber that ran late into the night.",
        f"Councillors from both groups said {topic} would be reviewed again before the summer recess.",
        f"The mayor's office said it would publish the minutes on {topic} on its website very soon.",
    ]


def test_line_counter_learns_an_outlets_furniture():
    counter = LineCounter()
    for n in (1, 2, 3):
        counter.add("gazette.example", page(SITE, article(n)))
    found = counter.furniture("gazette.example")
    assert {line_key(line) for line in SITE} <= found
    assert not any(line_key(line) in found for n in (1, 2, 3) for line in article(n))
    assert counter.furniture("other.example") == frozenset()


def test_syndicated_copies_do_not_make_their_body_furniture():
    counter = LineCounter()
    for _ in range(3):  # the same article three times: its lines are shared, but by one article
        counter.add("gazette.example", page(SITE, BODY))
    assert counter.furniture("gazette.example") == frozenset()
    for n in (1, 2):  # two more articles: the site lines now appear in three different articles
        counter.add("gazette.example", page(SITE, article(n)))
    found = counter.furniture("gazette.example")
    assert {line_key(line) for line in SITE} <= found
    assert not any(line_key(line) in found for line in BODY)


def test_line_counter_folds_counters_and_keeps_groups_apart():
    counter = LineCounter(min_docs=2)
    counter.add("a", page(["Views: 2173"], article(1)))
    counter.add("a", page(["Views: 17"], article(2)))
    counter.add("b", page(["Views: 5"], article(3)))
    assert counter.furniture("a") == frozenset({line_key("Views: 0")})
    assert counter.furniture("b") == frozenset()
    with pytest.raises(ValueError):
        LineCounter(min_docs=1)


LEAD = (
    "\n\nIn our last report from the capital, we described the ambitions of three hopefuls in some detail. "
    "Each of them says the dam question will decide the vote.\n\nNothing much changed in last night's debate.\n"
)


@pytest.mark.parametrize(
    "headline",
    [
        "Is the Tessaly Dam safe for the villages below?",
        "Velmora accuses Ostmark of seeking a partition of the valley.",
        "Fact-check: If the minister says it, it's true!",
        "Velmora accuses Ostmark of seeking a partition of the valley",
    ],
)
def test_a_short_first_line_set_apart_is_the_headline_whatever_ends_it(headline):
    cleaned = clean_plain_text(headline + LEAD)
    assert cleaned.title == headline
    assert cleaned.text.startswith("In our last report")


def test_a_first_line_run_into_the_next_is_no_headline():
    cleaned = clean_plain_text("Is the Tessaly Dam safe for the villages below?\n" + LEAD.lstrip())
    assert cleaned.title is None


def test_a_short_opening_sentence_that_reports_speech_is_the_lead_not_a_headline():
    lead = "Foreign Minister Anya Korvin said on Monday that the dam would open."
    cleaned = clean_plain_text(lead + LEAD)
    assert cleaned.title is None
    assert cleaned.text.startswith(lead)  # the statement stays in the text, where enrich finds it
