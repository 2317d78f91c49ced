"""Media citations: every cue shape, no citation from a bare name or from letters inside words, one per
outlet and sentence, linear time on hostile input, a user's list extending the shipped one."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.link.citations import MediaCitation, MediaList, citation_edges, find_citations, load_media


@pytest.fixture(scope="module")
def media() -> MediaList:
    return load_media()


def cited(text: str, media: MediaList) -> list[tuple[str, str]]:
    return [(c.outlet, c.cue) for c in find_citations(text, media)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Press TV reports: Iran has tested a new missile.", [("Press TV", "reports")]),
        ("The talks failed, according to TASS.", [("TASS", "according to")]),
        ("According to Russia's state news agency TASS, the talks failed.", [("TASS", "According to")]),
        ("The minister told CNN on Sunday that he would resign.", [("CNN", "told")]),
        ('"We will win," the general told CNN Sunday.', [("CNN", "told")]),
        ("TASS reported that the convoy had crossed the border.", [("TASS", "reported")]),
        ("TASS news agency has also reported the crossing.", [("TASS", "has also reported")]),
        ("TASS, the state news agency, reported the crossing.", [("TASS", "reported")]),
        ("The statement was cited by RIA Novosti on Friday.", [("RIA Novosti", "cited by")]),
        ("Reuters quoted a senior official as saying the deal was off.", [("Reuters", "quoted")]),
        (
            "In an interview with Al Jazeera, the president denied the claims.",
            [("Al Jazeera", "In an interview with")],
        ),
        ("PARIS (AFP) — France recalled its ambassador.", [("Agence France-Presse", "(AFP) —")]),
        ("MOSCOW, March 3 (Reuters) - Russia said on Tuesday.", [("Reuters", "(Reuters) -")]),
        ("BEIJING, Jan. 5 (Xinhua) -- China said on Friday.", [("Xinhua", "(Xinhua) --")]),
        ("MOSCOW, May 5. /TASS/. The minister arrived.", [("TASS", "/TASS/")]),
        ("Sputnik has learned that the flight was cancelled.", [("Sputnik", "has learned")]),
        ("RIA Novosti, citing a source, said the plane landed.", [("RIA Novosti", "citing")]),
        ("The deal collapsed, the agency said, citing Interfax.", [("Interfax", "citing")]),
        ("He said so in an interview to RT.", [("RT", "in an interview to")]),
        ("The official told Russian broadcaster RT that talks would resume.", [("RT", "told")]),
        ("He spoke to the BBC and Deutsche Welle.", [("BBC", "spoke to"), ("Deutsche Welle", "spoke to")]),
        (
            "The plan was first reported by The Washington Post.",
            [("The Washington Post", "first reported by")],
        ),
        (
            "According to a new report by The New York Times, the envoy resigned.",
            [("The New York Times", "report by")],
        ),
        ("A document seen by Reuters shows the payments.", [("Reuters", "seen by")]),
        ("Source: Sputnik", [("Sputnik", "Source:")]),
        ("This article originally appeared on RT.", [("RT", "originally appeared on")]),
        ("He wrote in Der Spiegel that the sanctions had failed.", [("Der Spiegel", "wrote in")]),
    ],
)
def test_cue_patterns(media: MediaList, text: str, expected: list[tuple[str, str]]) -> None:
    assert cited(text, media) == expected


@pytest.mark.parametrize(
    "text",
    [
        "TASS and RIA Novosti are state media.",  # names without a cue
        "Reuters. CNN. BBC. Al Jazeera.",
        "The map shows part of the art collection; the cap was apt.",  # "ap", "rt" inside words
        "The story was told by a rapt art critic in a trap.",
        "He told CAP members and RTE viewers.",  # AP and RT inside longer names
        "A protester holds a sign. (AP Photo/Evan Vucci)",  # a photo credit
        "(FABRICE COFFRINI/AFP/Getty Images)",
        "Clinton leads in the NBC/WSJ/Marist poll.",
        "according to the Reuters Institute, trust in news is falling.",  # a longer name that is no medium
        "Michael Bloomberg wrote an op-ed on guns.",  # the man, not the agency
        "He told reporters that the ap was down.",
        "The rate was 5 per cent, according to officials.",
        "",
    ],
)
def test_no_citation(media: MediaList, text: str) -> None:
    assert cited(text, media) == []


def test_offsets_and_sentence(media: MediaList) -> None:
    text = "Prices rose again. The minister told the state news agency TASS on Monday that Mr. Ivanov had left. Nothing else."
    [citation] = find_citations(text, media)
    assert isinstance(citation, MediaCitation)
    assert text[citation.start : citation.end] == "TASS"
    assert text[citation.sentence_start : citation.sentence_end] == (
        "The minister told the state news agency TASS on Monday that Mr. Ivanov had left."
    )


def test_one_citation_per_outlet_and_sentence(media: MediaList) -> None:
    text = (
        "According to TASS, the convoy left, TASS reported, and TASS quoted a source. "
        "RIA Novosti said nothing. Later, TASS reported that it had arrived."
    )
    citations = find_citations(text, media)
    assert [(c.outlet, c.cue) for c in citations] == [("TASS", "According to"), ("TASS", "reported")]
    assert citations[0].sentence_start == 0
    assert text[citations[1].sentence_start :].startswith("Later")


@pytest.mark.parametrize(
    "hostile",
    [
        "according to " * 80_000,
        "TASS reported " * 80_000,
        "told the state news agency " * 40_000,
        "told CNN" + " " * 1_000_000 + "x",
        "(AFP" * 250_000,
        "." * 1_000_000,
        "according to " + "A" * 1_000_000,
    ],
)
def test_hostile_input_is_linear(media: MediaList, hostile: str) -> None:
    assert len(find_citations(hostile, media)) <= 1


def test_user_media_file_extends_the_list(tmp_path: Path) -> None:
    extra = tmp_path / "media.csv"
    extra.write_text(
        "name,aliases\nHarbor Gazette,The Harbor Gazette|HG Daily\nTASS,TASS News\n", encoding="utf-8"
    )
    media = load_media(extra)
    assert "Harbor Gazette" in media.names
    assert media.canonical("HG Daily") == "Harbor Gazette"
    assert "Harbor Gazette" not in load_media().names
    text = "The mayor told The Harbor Gazette that the ferry would run. TASS News reported the same."
    assert cited(text, media) == [("Harbor Gazette", "told"), ("TASS", "reported")]


def test_media_list_without_name_column(tmp_path: Path) -> None:
    extra = tmp_path / "media.csv"
    extra.write_text("outlet\nHarbor Gazette\n", encoding="utf-8")
    with pytest.raises(ValueError, match="name,aliases"):
        load_media(extra)


def test_shipped_list_has_the_common_agencies(media: MediaList) -> None:
    assert len(media) >= 150
    for name in ("TASS", "RIA Novosti", "Press TV", "Xinhua", "Reuters", "Associated Press", "Al Jazeera"):
        assert name in media.names
    assert media.canonical("AFP") == "Agence France-Presse"


def test_citation_edges() -> None:
    pairs = [
        ("Sputnik", "TASS"),
        ("Sputnik", "TASS"),
        (None, "TASS"),
        ("RT", "RT"),
        ("RT", "Reuters"),
        ("Press TV", "TASS"),
        ("Press TV", "TASS"),
    ]
    assert citation_edges(pairs) == [("Press TV", "TASS", 2), ("Sputnik", "TASS", 2), ("RT", "Reuters", 1)]
