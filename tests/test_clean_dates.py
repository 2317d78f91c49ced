"""Publication dates: metadata, then URL, then an explicit date in the text; never a guess."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from narrascope.clean.dates import date_from_text, find_date, parse_date

SEED_DATES = {
    "000": (None, None),  # only "on Wednesday"
    "001": ("2018-11-24", "text"),  # " date 2018-11-24 Register" in the furniture at the top
    "002": (None, None),  # only "since September 2014", "on Friday"
    "003": (None, None),
    "004": (None, None),  # 2021 by its content, never stated
}


@pytest.mark.parametrize("prefix", sorted(SEED_DATES))
def test_seed_dates_match_gold(shared, prefix):
    (path,) = (shared / "seeds").glob(f"{prefix}_*.txt")
    text = path.read_text(encoding="utf-8")
    assert find_date(published=None, url=None, text=text) == SEED_DATES[prefix]


def test_seed_001_caption_and_policy_dates_are_not_publication_dates(shared):
    (path,) = (shared / "seeds").glob("001_*.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    # Without its first line (the labelled date), 001 still holds "Tuesday May 23, 2017" in a photo
    # caption near the top, "Sunday, May 4, 2014" in another and "May 25, 2018" in a privacy notice.
    assert date_from_text("\n".join(lines[1:])) is None


@pytest.mark.parametrize(
    "value",
    [
        "2018-11-24",
        "2018-11-24T15:45:00+03:00",
        "2018-11-24T23:30:00-05:00",  # the outlet's local date, not converted to UTC
        "2018-11-24 15:45:00",
        "20181124",
        "Sat, 24 Nov 2018 15:45:00 GMT",
        "24 November 2018",
        "November 24, 2018",
        "Nov. 24th, 2018",
        "Saturday, November 24, 2018",
        "24.11.2018",
        "11/24/2018",
        "24/11/2018",
        "24 ноября 2018",
        "1543074300",  # Unix time, as JSON dumps give it
    ],
)
def test_metadata_dates_in_common_formats(value):
    assert find_date(published=value, url=None, text=None) == ("2018-11-24", "metadata")


@pytest.mark.parametrize(
    "value",
    [
        "2018-11",  # no day: a day is never invented
        "2018",
        "2018-02-30",
        "2018-13-01",
        (date.today() + timedelta(days=30)).isoformat(),
        "1970-01-01T00:00:00Z",  # CMS placeholder
        "03/04/2018",  # day-month or month-day: unknown
        "last Wednesday",
        "",
        "garbage",
    ],
)
def test_impossible_future_partial_or_ambiguous_metadata_gives_nothing(value):
    assert parse_date(value) is None
    assert find_date(published=value, url=None, text=None) == (None, None)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/2019/11/18/some-story/",
        "https://example.org/news/2019-11-18-some-story",
        "https://example.org/world/20191118/123456.html",
        "https://example.org/2019/11/18",
    ],
)
def test_url_dates(url):
    assert find_date(published=None, url=url, text=None) == ("2019-11-18", "url")


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/2019/11/some-story/",  # year and month only
        "https://example.org/news/123456789",
        "https://example.org/2019/13/40/x",
        "https://web.archive.org/web/20191118123456/https://example.org/story",  # capture time, not pub date
        "not a url at all",
    ],
)
def test_urls_without_a_full_date(url):
    assert find_date(published=None, url=url, text=None) == (None, None)


def test_unparseable_metadata_falls_through_to_url_then_text():
    assert find_date(published="soon", url="https://x.org/2019/11/18/a", text=None) == ("2019-11-18", "url")
    text = "Headline\nPublished: 3 May 2019\n\nBody."
    assert find_date(published=None, url="https://x.org/a", text=text) == ("2019-05-03", "text")
    assert find_date(published="2018-01-02", url="https://x.org/2019/11/18/a", text=text) == (
        "2018-01-02",
        "metadata",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Published: Saturday, 24 November 2018\nBody text.", "2018-11-24"),
        ("Headline\nBy Jane Doe | Published 3 May 2019\n\nBody.", "2019-05-03"),
        ("Headline\nPosted on November 24, 2018 by admin\nBody.", "2018-11-24"),
        ("Headline\nJane Doe\n24 November 2018 15:45 GMT\nBody.", "2018-11-24"),
        (
            "Headline\nMOSCOW, 24 November 2018 — Russia's foreign minister said on Saturday that talks "
            "would go on for as long as they needed to.",
            "2018-11-24",
        ),
        ("Body.\n" * 40 + "24.11.2018\n", "2018-11-24"),  # a date standing as its own short line
        ("Headline\nLast updated 5 May 2019\nPosted on 3 May 2019\nBody.", "2019-05-03"),
    ],
)
def test_explicit_publication_dates_in_text(text, expected):
    assert find_date(published=None, url=None, text=text) == (expected, "text")


@pytest.mark.parametrize(
    "text",
    [
        "Headline\nThe coalition began a campaign of airstrikes in September 2014.",
        "Headline\nLavrov said on Wednesday that talks would resume.",
        "Headline\nThe report, published on 12 March 2016, said the strikes were illegal.",
        "Headline\nIn this photo taken on Tuesday May 23, 2017, provided by an activist group, a fighter "
        "stands on a vehicle at the Tanf border crossing, south Syria",
        "Syria talks set for 12 March 2016\nBody.",
        "Body.\n" * 40 + "The regulation went into effect on May 25, 2018.\n",
        "Body.\n" * 40 + "The ceasefire took effect on 24 November 2018 after talks in Geneva.\n",
    ],
)
def test_dates_in_prose_are_events_not_publication_dates(text):
    assert find_date(published=None, url=None, text=text) == (None, None)


@pytest.mark.parametrize(
    "text",
    [
        "Headline\nUpdated: March 5, 2024 10:32\n\nBody.",
        "Headline\nBy Jane Doe | Last updated 5 May 2019\nBody.",
        "Body.\n" * 40 + "Last modified: 5 May 2019\n",
    ],
)
def test_an_update_date_alone_is_no_publication_date(text):
    assert find_date(published=None, url=None, text=text) == (None, None)
