"""The watchlist reader: EUvsDisinfo CSV, ClaimReview JSON-LD (files and pages), Fact Check API exports.

Fixtures are fictional and written under ``tmp_path``; the real EUvsDisinfo export is read in place.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from narrascope.errors import REASONS
from narrascope.link import watchlist
from narrascope.link.watchlist import WatchItem, WatchlistError, read_watchlist

HEADER = "date,id,title,countries,keywords,languages,outlets\n"


def write(tmp_path: Path, name: str, content: object) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    return path


def by_title(items: list[WatchItem]) -> dict[str, WatchItem]:
    return {item.title: item for item in items}


def assert_known_reasons(errors: list[WatchlistError]) -> None:
    assert all(error.reason in REASONS for error in errors), errors


# --- CSV -------------------------------------------------------------------------------------------------


def test_csv_by_header_name_with_bom_extra_columns_and_date_formats(tmp_path: Path) -> None:
    content = (
        "title,notes,date,outlets,countries,id,keywords\n"
        '"The moon base is secret, officials say",ignored,2019-09-24,Outlet One+Outlet Two,Atlantis+Lemuria,'
        "https://example.org/report/moon-base/,Space+Secrets\n"
        "Rivers flow uphill in Lemuria,x,24.09.2019,Outlet Three,Lemuria,https://example.org/report/rivers/,\n"
        'Clouds are painted,x,"September 24, 2019","Outlet Four\r\nOutlet Five+Show more",,,\n'
    )
    path = write(tmp_path, "list.csv", b"\xef\xbb\xbf" + content.encode("utf-8"))
    items, errors = read_watchlist(path)
    assert errors == []
    found = by_title(items)
    moon = found["The moon base is secret, officials say"]
    assert moon.kind == "euvsdisinfo"
    assert moon.published == "2019-09-24"
    assert moon.url == "https://example.org/report/moon-base/"
    assert moon.countries == ("Atlantis", "Lemuria")
    assert moon.keywords == ("Space", "Secrets")
    assert moon.outlets == ("Outlet One", "Outlet Two")
    assert moon.languages == ()
    assert (moon.rating, moon.claimant, moon.reviewer) == (None, None, None)
    assert found["Rivers flow uphill in Lemuria"].published == "2019-09-24"
    clouds = found["Clouds are painted"]
    assert clouds.published == "2019-09-24"
    assert clouds.outlets == (
        "Outlet Four",
        "Outlet Five",
    )  # line breaks separate too; "Show more" is not one
    assert clouds.url is None


def test_csv_ids_are_stable_and_follow_the_url(tmp_path: Path) -> None:
    row = "2020-01-02,https://example.org/report/a/,Claim A,,,,\n"
    first, _ = read_watchlist(write(tmp_path, "a.csv", HEADER + row))
    again, _ = read_watchlist(write(tmp_path, "b.csv", HEADER + row.replace("Claim A", "Claim A, edited")))
    assert len(first[0].id) == 16 and int(first[0].id, 16) >= 0
    assert first[0].id == again[0].id
    no_url, _ = read_watchlist(write(tmp_path, "c.csv", HEADER + "2020-01-02,,Claim A,,,,\n"))
    assert no_url[0].id != first[0].id and no_url[0].url is None


def test_csv_in_cp1252_detected(tmp_path: Path) -> None:
    titles = [
        "Les élites européennes préparent la guerre contre la Russie",
        "Le président français a été élu grâce aux États-Unis",
        "La presse étrangère ment sur les événements à Kiev",
    ]
    rows = [
        f"2018-03-0{i},https://example.org/report/{i}/,{t},France,Politique,French,Le Journal"
        for i, t in enumerate(titles, 1)
    ]
    path = write(tmp_path, "cp1252.csv", (HEADER + "\n".join(rows) + "\n").encode("cp1252"))
    items, errors = read_watchlist(path)
    assert errors == []
    assert [item.title for item in items] == titles


def test_csv_in_cp1252_declared(tmp_path: Path) -> None:
    # Short English text with typographic quotes: detection alone reads it as a Baltic code page.
    title = "The café’s owners are “foreign agents” – déjà vu, says Señor Gómez"
    path = write(tmp_path, "cp1252.csv", f'{HEADER}2018-03-05,,"{title}",,,,\n'.encode("cp1252"))
    items, errors = read_watchlist(path, encoding="windows-1252")
    assert errors == []
    assert [item.title for item in items] == [title]


def test_csv_bad_rows_are_reported_by_line_and_skipped(tmp_path: Path) -> None:
    content = (
        HEADER
        + '2019-01-01,https://example.org/1/,"A claim whose outlets\nspan two lines",X,,,"One\nTwo"\n'  # lines 2-4
        + "2019-01-02,https://example.org/2/,   ,X,,,\n"  # line 5: empty title
        + "03/04/2019,https://example.org/3/,Ambiguous date,X,,,\n"  # line 6: day or month first?
        + "\n"  # line 7: blank, ignored
        + "2019,https://example.org/4/,Year only,X,,,\n"  # line 8
        + ",https://example.org/5/,No date at all,X,,,\n"  # line 9: fine, date unknown
        + "2019-01-03,https://example.org/6/,Still read,X,,,\n"
    )
    path = write(tmp_path, "bad.csv", content)
    items, errors = read_watchlist(path)
    assert sorted(by_title(items)) == ["A claim whose outlets span two lines", "No date at all", "Still read"]
    assert by_title(items)["No date at all"].published is None
    assert [(e.source, e.reason) for e in errors] == [
        (f"{path}:5", "empty"),
        (f"{path}:6", "malformed"),
        (f"{path}:8", "malformed"),
    ]
    assert "03/04/2019" in errors[1].detail


def test_csv_without_title_column_is_one_error(tmp_path: Path) -> None:
    path = write(tmp_path, "notitle.csv", "date,id,claim\n2019-01-01,https://example.org/1/,Something\n")
    items, errors = read_watchlist(path)
    assert items == []
    assert len(errors) == 1
    assert errors[0].source == str(path) and errors[0].reason == "malformed"
    assert "title" in errors[0].detail and "claim" in errors[0].detail
    path = write(tmp_path, "header-only.csv", HEADER)
    assert read_watchlist(path) == ([], [WatchlistError(str(path), "empty", "no rows after the header")])


def test_csv_semicolons_duplicates_and_hostile_text(tmp_path: Path) -> None:
    long_title = "word " * 400
    content = (
        "Title;Date;URL\n"
        "Bidi\u202etrick and\x00 control\x07 chars\t here;2020-05-05;https://example.org/x/\n"
        "Bidi\u202etrick and\x00 control\x07 chars\t here;2020-05-05;https://example.org/x/\n"
        f"{long_title};2020-05-06;javascript:alert(1)\n"
    )
    items, errors = read_watchlist(write(tmp_path, "semi.txt", content))
    assert errors == []
    assert len(items) == 2  # the same item twice is kept once
    assert items[0].title == "Bidi trick and control chars here"
    assert items[0].url == "https://example.org/x/"
    assert len(items[1].title) <= 1_000 and items[1].title.startswith("word word")
    assert items[1].url is None  # only http(s) URLs are kept


# --- ClaimReview JSON-LD -----------------------------------------------------------------------------------


def claim_review(claim: str, url: str = "https://factcheck.example/1", **extra: object) -> dict[str, object]:
    node: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim,
        "datePublished": "2021-06-02",
        "author": {"@type": "Organization", "name": "Fictional Fact Desk"},
        "reviewRating": {"@type": "Rating", "ratingValue": 1, "alternateName": "False"},
        "itemReviewed": {
            "@type": "Claim",
            "datePublished": "2021-05-30",
            "author": {"@type": "Person", "name": "Sen. Jane Placeholder"},
        },
        "inLanguage": "en",
    }
    node.update(extra)
    return node


def test_claimreview_object(tmp_path: Path) -> None:
    items, errors = read_watchlist(write(tmp_path, "one.json", claim_review("Lemuria sank in a week")))
    assert errors == []
    (item,) = items
    assert item.kind == "claimreview"
    assert item.title == "Lemuria sank in a week"
    assert item.published == "2021-05-30"  # the claim's date first
    assert item.url == "https://factcheck.example/1"
    assert (item.rating, item.claimant, item.reviewer) == (
        "False",
        "Sen. Jane Placeholder",
        "Fictional Fact Desk",
    )
    assert item.languages == ("en",)


def test_claimreview_list_with_shared_url_and_variant_fields(tmp_path: Path) -> None:
    data = [
        claim_review("First claim of the roundup"),
        claim_review(
            "Second claim of the roundup",
            itemReviewed={"@type": "Claim", "author": ["Anonymous blog", {"name": "Second Author"}]},
            author=[{"@type": "Person", "name": "A. Checker"}],
            reviewRating={"@type": "Rating", "name": "Mostly false"},
            datePublished="June 3, 2021",
            inLanguage={"@type": "Language", "name": "English", "alternateName": "en-GB"},
        ),
        {"@type": "NewsArticle", "headline": "Not a claim review"},
    ]
    items, errors = read_watchlist(write(tmp_path, "list.jsonld", data))
    assert errors == []
    first, second = items
    assert first.url == second.url and first.id != second.id  # one fact-check page, two claims
    assert second.published == "2021-06-03"
    assert (second.claimant, second.reviewer, second.rating) == (
        "Anonymous blog",
        "A. Checker",
        "Mostly false",
    )
    assert second.languages == ("en-GB",)


def test_claimreview_graph_and_namespaced_types(tmp_path: Path) -> None:
    data = {
        "@context": {"schema": "http://schema.org/"},
        "@graph": [
            {"@type": "schema:WebPage", "schema:name": "A page"},
            {
                "@type": "schema:ClaimReview",
                "schema:claimReviewed": "Namespaced claim",
                "schema:url": "https://factcheck.example/ns",
                "schema:datePublished": "2020-02-02",
            },
            {
                "@type": ["http://schema.org/ClaimReview", "http://schema.org/Review"],
                "http://schema.org/claimReviewed": [{"@value": "Expanded claim"}],
                "http://schema.org/reviewRating": [
                    {"http://schema.org/alternateName": [{"@value": "Pants on fire"}]}
                ],
            },
        ],
    }
    items, errors = read_watchlist(write(tmp_path, "graph.json", data))
    assert errors == []
    found = by_title(items)
    assert found["Namespaced claim"].url == "https://factcheck.example/ns"
    assert found["Namespaced claim"].published == "2020-02-02"
    assert found["Expanded claim"].rating == "Pants on fire"
    assert found["Expanded claim"].published is None


def test_claimreview_records_without_claim_or_with_bad_date_are_reported(tmp_path: Path) -> None:
    data = [
        claim_review("Fine claim"),
        claim_review("", url="https://factcheck.example/2"),
        claim_review(
            "Undated claim",
            url="https://factcheck.example/3",
            datePublished="sometime in spring",
            itemReviewed={"datePublished": "2021"},
        ),
    ]
    path = write(tmp_path, "mixed.json", data)
    items, errors = read_watchlist(path)
    assert [item.title for item in items] == ["Fine claim"]
    assert [(e.source, e.reason) for e in errors] == [(f"{path}#2", "empty"), (f"{path}#3", "malformed")]


def test_json_without_claimreview(tmp_path: Path) -> None:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Only news here"}
    path = write(tmp_path, "news.json", data)
    assert read_watchlist(path) == ([], [WatchlistError(str(path), "empty", "no ClaimReview found")])


def test_broken_json_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.json", '{\n  "@type": "ClaimReview",\n  "claimReviewed": \n}')
    items, errors = read_watchlist(path)
    assert items == []
    assert [(e.source, e.reason) for e in errors] == [(f"{path}:4", "malformed")]


def test_hostile_nesting_is_an_error_or_nothing_never_a_crash(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    items, errors = read_watchlist(write(tmp_path, "deep.json", deep))
    assert items == [] and errors[0].reason in ("malformed", "empty")
    nested: object = "text"
    for _ in range(500):
        nested = [nested]
    items, errors = read_watchlist(write(tmp_path, "nested.json", claim_review("Nested", author=nested)))
    assert [item.title for item in items] == ["Nested"] and items[0].reviewer is None


# --- HTML pages --------------------------------------------------------------------------------------------


def test_html_blocks_one_broken(tmp_path: Path) -> None:
    good = json.dumps({"@context": "https://schema.org", "@graph": [claim_review("Page claim")]})
    page = (
        "<!doctype html>\n<html><head><meta charset='utf-8'>\n"
        '<script type="application/ld+json">{"@type": "ClaimReview", "claimReviewed": "broken",</script>\n'
        '<script type="text/javascript">var x = {"@type": "ClaimReview"};</script>\n'
        f'<script type="application/ld+json; charset=utf-8">\n<!--\n{good}\n-->\n</script>\n'
        "</head><body><p>Article text.</p></body></html>\n"
    )
    path = write(tmp_path, "article.html", page)
    items, errors = read_watchlist(path)
    assert [item.title for item in items] == ["Page claim"]
    assert [(e.source, e.reason) for e in errors] == [(f"{path}:3", "malformed")]
    assert "ld+json" in errors[0].detail


def test_html_without_claimreview(tmp_path: Path) -> None:
    page = '<html><head><script type="application/ld+json">{"@type": "NewsArticle"}</script></head></html>'
    path = write(tmp_path, "page.htm", page)
    assert read_watchlist(path) == ([], [WatchlistError(str(path), "empty", "no ClaimReview found")])


# --- Fact Check Tools API ---------------------------------------------------------------------------------


def test_fact_check_api_export(tmp_path: Path) -> None:
    data = {
        "claims": [
            {
                "text": "Ruritania banned bicycles",
                "claimant": "Viral post",
                "claimDate": "2022-01-10T08:00:00Z",
                "claimReview": [
                    {
                        "publisher": {"name": "Checkers Weekly", "site": "checkers.example"},
                        "url": "https://checkers.example/bicycles",
                        "title": "No, Ruritania did not ban bicycles",
                        "reviewDate": "2022-01-12T00:00:00Z",
                        "textualRating": "False",
                        "languageCode": "en",
                    },
                    {
                        "publisher": {"site": "verificado.example"},
                        "url": "https://verificado.example/bicis",
                        "textualRating": "Falso",
                        "languageCode": "es",
                    },
                ],
            },
            {
                "text": "Claim with only a review date",
                "claimReview": [{"url": "https://checkers.example/2", "reviewDate": "2022-02-01T00:00:00Z"}],
            },
        ],
        "nextPageToken": "abc",
    }
    items, errors = read_watchlist(write(tmp_path, "export.json", data))
    assert errors == []
    first, second = items
    assert first.kind == "claimreview"
    assert first.title == "Ruritania banned bicycles"
    assert first.published == "2022-01-10"
    assert first.url == "https://checkers.example/bicycles"
    assert (first.rating, first.claimant, first.reviewer) == ("False", "Viral post", "Checkers Weekly")
    assert first.languages == ("en", "es")
    assert second.published == "2022-02-01" and second.rating is None and second.reviewer is None


# --- files -------------------------------------------------------------------------------------------------


def test_unreadable_inputs_are_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = {
        tmp_path / "missing.csv": "not-found",
        tmp_path: "unsupported",
        write(tmp_path, "empty.csv", ""): "empty",
        write(tmp_path, "image.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256))): "binary",
    }
    for path, reason in cases.items():
        items, errors = read_watchlist(path)
        assert items == [] and [(e.source, e.reason) for e in errors] == [(str(path), reason)]
    monkeypatch.setattr(watchlist, "MAX_BYTES", 100)
    big = write(tmp_path, "big.csv", HEADER + "2020-01-01,,x,,,,\n" * 10)
    assert [e.reason for e in read_watchlist(big)[1]] == ["too-large"]


# --- the real EUvsDisinfo export -------------------------------------------------------------------------


def test_real_euvsdisinfo_export(shared: Path) -> None:
    path = shared / "eval" / "euvsdisinfo" / "posts.csv"
    started = time.perf_counter()
    items, errors = read_watchlist(path)
    elapsed = time.perf_counter() - started
    # 10,920 lines after the header; 18 records hold line breaks inside quoted cells, so 10,892 records.
    assert len(items) == 10_892
    assert len(errors) <= 10
    assert all(error.source.startswith(f"{path}:") for error in errors)
    assert_known_reasons(errors)
    (syria,) = [item for item in items if item.title == "US wants to divide Syria"]
    assert syria.published == "2019-09-24"
    assert syria.url == "https://euvsdisinfo.eu/report/us-wants-to-divide-syria/"
    assert syria.countries == ("US", "Syria")
    assert syria.keywords == ("Sphere of influence", "West", "European Union", "Middle East", "Syrian War")
    assert syria.languages == ("German",)
    assert syria.outlets == ("Sputnik Germany",)
    assert len({item.id for item in items}) == len(items)
    assert elapsed < 10
