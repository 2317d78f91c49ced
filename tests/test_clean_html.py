"""HTML extraction: article text in paragraphs, metadata, dates from metadata only, hostile input."""

from __future__ import annotations

import time

import pytest

from narrascope.clean.html import HtmlExtract, extract_html

SENTENCE = "Russian Foreign Minister Sergei Lavrov said the talks would continue next week in Geneva. "
PARA = f"<p>{SENTENCE * 4}</p>"


def page(head: str = "", body: str = "", footer: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head><title>Lavrov on Syria | Example Herald</title>{head}</head><body>"
        '<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>'
        f"<article><h1>Lavrov on Syria</h1>{PARA}{body}{PARA}</article>"
        f"<footer>{footer or '© 2020 Example Herald. All rights reserved.'}</footer></body></html>"
    )


ARTICLE_HEAD = (
    '<meta property="og:title" content="Lavrov says talks on Syria will go on">'
    '<meta property="og:site_name" content="Example Herald">'
    '<meta name="author" content="Jane Doe">'
    '<meta property="article:published_time" content="2018-11-24T15:45:00+03:00">'
    '<meta property="article:modified_time" content="2018-11-26T09:00:00+03:00">'
    '<meta property="article:publisher" content="https://www.facebook.com/exampleherald">'
    '<link rel="canonical" href="https://h.example/world/2018/11/24/lavrov-syria">'
)


def test_article_page_gives_text_and_all_metadata():
    result = extract_html(
        page(ARTICLE_HEAD, "<p>A second, shorter paragraph.</p>"), url="https://h.example/a"
    )
    assert isinstance(result, HtmlExtract)
    assert result.title == "Lavrov says talks on Syria will go on"
    assert result.author == "Jane Doe"
    assert result.published == "2018-11-24"  # published, not modified
    assert result.sitename == "Example Herald"  # not the Facebook URL in article:publisher
    assert result.url == "https://h.example/world/2018/11/24/lavrov-syria"  # its canonical link
    paragraphs = result.text.split("\n\n")
    assert "A second, shorter paragraph." in paragraphs
    assert all(p.strip() == p and p for p in paragraphs)
    assert "Home" not in result.text and "All rights reserved" not in result.text


def test_json_ld_date_published():
    ld = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "WebSite", "name": "Example Herald"},'
        '{"@type": ["NewsArticle"], "headline": "Lavrov on Syria", "datePublished": "2019-05-03T08:00:00Z",'
        ' "dateModified": "2019-05-04T08:00:00Z"}]}</script>'
    )
    assert extract_html(page(ld)).published == "2019-05-03"


@pytest.mark.parametrize(
    "markup",
    [
        '<header><time datetime="2019-05-03T08:00">3 May</time></header>',
        '<p class="byline">By Jane Doe, <span itemprop="datePublished" content="2019-05-03">May 3</span></p>',
        '<p><time class="entry-date published" datetime="2019-05-03T08:00:00+00:00">May 3</time></p>',
    ],
)
def test_time_elements_marked_as_publication(markup):
    assert extract_html(page(body=markup)).published == "2019-05-03"


def test_dates_only_in_the_body_give_no_published_date():
    body = (
        "<p>The US-led coalition began a campaign of airstrikes in September 2014, and on 12 March 2016 "
        "the ministry said so again.</p><p>Updated 2019-05-03. In this photo taken on Tuesday May 23, "
        "2017, a fighter stands on a vehicle.</p>"
    )
    result = extract_html(page(body=body), url="https://h.example/world/lavrov")
    assert result is not None
    assert "September 2014" in result.text
    assert result.published is None  # and the "© 2020" footer is no date either


def test_modified_time_alone_is_no_publication_date():
    head = '<meta property="article:modified_time" content="2018-11-26T09:00:00+03:00">'
    assert extract_html(page(head)).published is None


def test_scripts_styles_comments_and_tables_stay_out():
    body = (
        "<script>alert(1)</script><style>p { color: red }</style>"
        "<table><tr><td>Home</td><td>Most read</td></tr></table>"
        "<p>Middle paragraph<script>alert(1)</script> goes on.</p>"
    )
    comments = '<div id="comments" class="comments"><p class="comment">First!! Great article.</p></div>'
    html = page(body=body).replace("</article>", f"</article>{comments}")
    result = extract_html(html)
    assert result is not None
    assert "alert(1)" not in result.text and "<script>" not in result.text
    assert "color: red" not in result.text and "Most read" not in result.text
    assert "First!!" not in result.text


def test_page_without_article_text_gives_none():
    assert extract_html("<html><head><title>Home</title></head><body><nav>Home</nav></body></html>") is None


def test_ten_thousand_nested_divs_return_quickly_without_raising():
    html = "<html><body>" + "<div>" * 10_000 + PARA * 3 + "</div>" * 10_000 + "</body></html>"
    start = time.perf_counter()
    extract_html(html)  # None or best effort, never an exception
    assert time.perf_counter() - start < 5


def test_deep_but_plausible_nesting_keeps_its_text():
    # libxml2 drops everything below 255 levels by default; 300 levels must not lose the article.
    html = "<html><body>" + "<div>" * 300 + PARA * 3 + "</div>" * 300 + "</body></html>"
    result = extract_html(html)
    assert result is not None and "Sergei Lavrov" in result.text


@pytest.mark.parametrize(
    "html",
    [
        "",
        "\x00\x01\x02",
        "<<<>>>&&&;;",
        "<html>" + "<" * 100_000,
        "<html><body><p>unclosed <b><i><div></span></p></td>" + PARA * 3,
        '<html><body><div class="' + "a" * 5_000_000 + '">' + PARA * 3 + "</div></body></html>",
        '<html><head><script type="application/ld+json">'
        + "[" * 100_000
        + "</script></head><body>"
        + PARA * 3
        + "</body></html>",
        '<html><head><meta property="article:published_time" content="' + "9" * 100_000 + '"></head>'
        "<body>" + PARA * 3 + "</body></html>",
        "<html><body>" + "<span><b>" * 5_000 + PARA * 3 + "</body></html>",
    ],
)
def test_hostile_input_never_raises(html):
    start = time.perf_counter()
    result = extract_html(html)
    assert result is None or isinstance(result, HtmlExtract)
    assert time.perf_counter() - start < 5


def test_text_a_reader_never_sees_is_no_article_text():
    """Cloaked text (a hidden element, a template, an inline display:none) must not feed statements."""
    para = (
        "<p>" + "The minister said the dam would open in May after the inspection was finished. " * 3 + "</p>"
    )
    hidden = (
        "<div hidden>HIDDENPAYLOAD claims the dam is unsafe</div>"
        "<template><p>TEMPLATEPAYLOAD claims the dam is unsafe</p></template>"
        "<p style='display: none'>STYLEPAYLOAD claims the dam is unsafe</p>"
        "<p style='VISIBILITY : hidden'>VISIBILITYPAYLOAD</p>"
    )
    found = extract_html(
        f"<html><body><article><h1>Dam to open</h1>{para}{hidden}{para}</article></body></html>"
    )
    assert found is not None and "inspection was finished" in found.text
    assert "PAYLOAD" not in found.text
