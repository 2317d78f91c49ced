"""Outlets: metadata name, then URL host through the shipped table, then the page naming itself."""

from __future__ import annotations

import pytest

from narrascope.clean.outlets import find_outlet, outlet_table

SEED_OUTLETS = {
    "000": "JNi.Media",  # "JNi.Media provides editors and publishers…" in the closing furniture
    "001": "Sputnik",  # "Comment via Sputnik", "a Sputniknews.com account", push notifications
    "002": "The People's Voice",  # "Fact checked by The People's Voice Community"; "Press TV reports:" is a citation
    "003": None,
    "004": "Morning Star",  # "People's Press Printing Society"
}
KINDS = {"agency", "state-media", "newspaper", "broadcaster", "website", "magazine", "fact-checker"}


@pytest.mark.parametrize("prefix", sorted(SEED_OUTLETS))
def test_seed_outlets_match_gold(shared, prefix):
    (path,) = (shared / "seeds").glob(f"{prefix}_*.txt")
    text = path.read_text(encoding="utf-8")
    assert find_outlet(outlet=None, url=None, text=text) == SEED_OUTLETS[prefix]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://sputniknews.com/20181124/lavrov.html", "Sputnik"),
        ("https://de.sputniknews.com/politik/x", "Sputnik"),
        ("https://www.rt.com/news/x/", "RT"),
        ("https://francais.rt.com/international/x", "RT"),
        ("http://www.presstv.ir/Detail/2016/06/18/x", "Press TV"),
        ("https://edition.cnn.com/2019/11/18/x", "CNN"),
        ("https://www.bbc.co.uk/news/world-1", "BBC"),
        ("https://newspunch.com/russia-warns/", "The People's Voice"),
        ("https://www.morningstaronline.co.uk/article/w/x", "Morning Star"),
        ("https://web.archive.org/web/20191118123456/https://www.globalresearch.ca/x", "Global Research"),
        ("https://www.example-news.org/world/story", "example-news.org"),
        ("https://news.example-herald.co.uk/a", "example-herald.co.uk"),
        ("http://127.0.0.1:8000/page", None),
        ("file:///tmp/page.html", None),
    ],
)
def test_url_hosts(url, expected):
    assert find_outlet(outlet=None, url=url, text=None) == expected


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        ("sputniknews.com", "Sputnik"),
        ("Sputnik International", "Sputnik"),
        ("SputnikInt", "Sputnik"),
        ("Sputnik Poland", "Sputnik"),  # an edition of a known outlet
        ("TASS - Russian", "TASS"),
        ("RT Germany (old)", "RT"),
        ("the guardian", "The Guardian"),
        ("People’s Voice", "The People's Voice"),
        ("www.zerohedge.com", "ZeroHedge"),
        ("Example Herald", "Example Herald"),  # unknown names are kept as the page gives them
        # slugs as corpora name outlets: separators between words do not matter
        ("huff-post", "HuffPost"),
        ("usa_today", "USA Today"),
        ("the-guardian", "The Guardian"),
        ("RIA-Novosti", "RIA Novosti"),
        ("wash-post", "The Washington Post"),
        ("west-journal", "The Western Journal"),
    ],
)
def test_metadata_hints_are_normalised(hint, expected):
    assert find_outlet(outlet=hint, url=None, text=None) == expected


def test_metadata_hint_comes_first_but_unknown_text_yields_to_a_known_host():
    assert find_outlet(outlet="Sputnik International", url="https://example.org/a", text=None) == "Sputnik"
    assert (
        find_outlet(outlet="Nj", url="https://www.nytimes.com/2019/a.html", text=None) == "The New York Times"
    )
    assert (
        find_outlet(outlet="Example Herald", url="https://exampleherald.com/a", text=None) == "Example Herald"
    )
    assert find_outlet(outlet="https://www.facebook.com/x", url=None, text=None) is None


def test_the_url_wins_over_the_text():
    text = "Body.\nComment via Sputnik\n"
    assert find_outlet(outlet=None, url="https://www.example-news.org/a", text=text) == "example-news.org"


def test_outlets_cited_in_the_body_are_not_the_page_outlet():
    body = "\n\n".join(
        [
            "Lavrov Says Talks Will Go On",
            "Press TV reports:",
            "Kerry told Reuters during a visit that the memo was important, Reuters reported.",
            "According to TASS, the minister said the talks would go on.",
            "A US military official told CNN the attack was coordinated.",
            "Officials told Reuters the plan was ready; Reuters could not verify it.",
            "Reuters contributed to this report.",
        ]
    )
    assert find_outlet(outlet=None, url=None, text=body) is None
    footer = body + "\n\nShare this article\n© 2020 Example Herald. All rights reserved.\n"
    assert find_outlet(outlet=None, url=None, text=footer) == "Example Herald"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Body text.\n© 2018 Sputnik\n", "Sputnik"),
        ("Body text.\n© Autonomous Nonprofit Organization “TV-Novosti”, 2005–2018\n", "RT"),
        ("Body text.\nCopyright © 2021 Example Media Group, Inc.\n", "Example Media Group"),
        ("Body text.\nDownload the Al Jazeera app\n", "Al Jazeera"),
        ("Headline\n© AP Photo / File\nBody text.\n", None),  # a photo credit, not the page's outlet
        ("Headline\nSubscribe to independent journalism\nBody text.\n", None),  # not The Independent
        ("Headline\nBody text.\nContact us: editors@morningstaronline.co.uk\n", "Morning Star"),
    ],
)
def test_self_references_in_furniture(text, expected):
    assert find_outlet(outlet=None, url=None, text=text) == expected


def test_self_references_in_the_middle_of_long_prose_do_not_count():
    prose = "This sentence is ordinary article prose that runs on for quite a few words here. "
    lines = (
        ["Headline"] + [prose] * 15 + [f"{prose} Comment via Sputnik on the story, {prose}"] + [prose] * 15
    )
    assert find_outlet(outlet=None, url=None, text="\n".join(lines)) is None


def test_outlet_table_is_well_formed():
    table = outlet_table()
    assert len(table) >= 150
    names = [o.name for o in table]
    assert len(names) == len(set(names))
    domains = [d for o in table for d in o.domains]
    assert len(domains) == len(set(domains))
    assert all(o.kind in KINDS and o.country for o in table)
    for outlet in table:
        assert find_outlet(outlet=outlet.name, url=None, text=None) == outlet.name
        for alias in outlet.aliases:
            assert find_outlet(outlet=alias, url=None, text=None) == outlet.name, alias
        for domain in outlet.domains:
            assert find_outlet(outlet=None, url=f"https://{domain}/a", text=None) == outlet.name, domain
