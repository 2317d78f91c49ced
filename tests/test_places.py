"""Places resolved to their country: the shipped GeoNames table, a user's places file, and what it does to
narratives and watchlist matches (a claim about Aleppo meets one about Syria)."""

from __future__ import annotations

from pathlib import Path

import pytest

from front_matter import write_articles
from narrascope.app import Narrascope
from narrascope.errors import NarrascopeError
from narrascope.places import Gazetteer, fold, load_gazetteer


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Aleppo", "Syria"),
        ("Idlib", "Syria"),
        ("Deir ez-Zor", "Syria"),
        ("Kiev", "Ukraine"),
        ("Kyiv", "Ukraine"),
        ("Donetsk", "Ukraine"),
        ("Texas", "United States"),
        ("the Syria", "Syria"),
        ("SYRIA", "Syria"),
        ("Jordan", "Jordan"),  # a country's name is never a city elsewhere
        ("Georgia", "Georgia"),  # the country, not the US state
        ("São Paulo", "Brazil"),
        ("Sao Paulo", "Brazil"),
    ],
)
def test_the_shipped_gazetteer_resolves_places_to_their_country(name, country):
    assert load_gazetteer().country_of(name) == country


def test_unknown_places_resolve_to_nothing_and_keys_are_sorted_and_unique():
    gazetteer = load_gazetteer()
    assert gazetteer.country_of("Port Arden") is None
    assert gazetteer.country_of("") is None
    assert gazetteer.country_keys(["Kyiv", "Aleppo", "Kiev", "Port Arden"]) == (
        "country:Syria",
        "country:Ukraine",
    )
    assert fold("the U.S.") == "us" and fold("Deir ez-Zor") == "deirezzor"


def test_a_user_places_file_adds_places_and_wins(tmp_path):
    mine = tmp_path / "places.yaml"
    mine.write_text("Veloria: [Port Arden, Tessaly]\nSyria: [al-Tanf]\nUkraine: [Aleppo]\n", encoding="utf-8")
    gazetteer = load_gazetteer(mine)
    assert gazetteer.country_of("port arden") == "Veloria"
    assert gazetteer.country_of("Veloria") == "Veloria"
    assert gazetteer.country_of("Al Tanf") == "Syria"
    assert gazetteer.country_of("Aleppo") == "Ukraine"  # the user's word is the last
    assert gazetteer.country_of("Idlib") == "Syria"  # the shipped table is still there
    assert load_gazetteer().country_of("Port Arden") is None  # and unchanged for the next caller


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("- Veloria\n- Port Arden\n", "expected 'Country: [place, ...]'"),
        ("Veloria: Port Arden\n", "must be a list of names"),
        ("Veloria: [Port Arden, 3]\n", "must be a list of names"),
        ("Veloria: [Port Arden\n", "not a YAML places file"),
        ("'': [Port Arden]\n", "is no country name"),
    ],
)
def test_a_broken_places_file_is_a_clear_error_naming_it(tmp_path, text, reason):
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(NarrascopeError) as caught:
        load_gazetteer(bad)
    assert caught.value.code == "E403" and str(bad) in str(caught.value) and reason in str(caught.value)


def test_a_missing_places_file_is_a_clear_error(tmp_path):
    with pytest.raises(NarrascopeError, match="cannot read places file"):
        load_gazetteer(tmp_path / "nowhere.yaml")


ARTICLES = {
    "aleppo.md": (
        "Outlet One",
        "2025-03-01",
        "Deputy Minister Lena Marsh said on Monday that the illegal presence of foreign troops near Aleppo"
        " had to end before any talks. She spoke to reporters after a cabinet meeting.",
    ),
    "syria.md": (
        "Outlet Two",
        "2025-04-20",
        "The occupation is unlawful, analyst Tomas Weyr said. Weyr said the unlawful occupation of Syria by"
        " foreign forces was the main obstacle to any settlement of the war.",
    ),
}


def _corpus(folder: Path) -> Path:
    return write_articles(folder, ARTICLES)


def _illegal_presence(db: Path, gazetteer: Gazetteer | None, monkeypatch) -> list[set[str]]:
    """The outlets of each illegal-presence narrative after linking the two articles."""
    if gazetteer is not None:
        monkeypatch.setattr("narrascope.places.load_gazetteer", lambda extra=None: gazetteer)
    with Narrascope(db) as nar:
        nar.link()
        found = [n for n in nar.narratives(all_groups=True, limit=100) if n.frame == "illegal_presence"]
        return [{e.outlet for e in nar.narrative(n.id).evidence} for n in found]


def test_a_claim_about_a_city_joins_the_narrative_about_its_country(tmp_path, monkeypatch):
    with Narrascope(tmp_path / "base.db") as nar:
        nar.ingest([str(_corpus(tmp_path / "corpus"))])
        nar.enrich()
    for name in ("with.db", "without.db"):
        (tmp_path / name).write_bytes((tmp_path / "base.db").read_bytes())
    monkeypatch.setenv("NARRASCOPE_INDEX_DIR", str(tmp_path / "index"))
    assert _illegal_presence(tmp_path / "with.db", None, monkeypatch) == [{"Outlet One", "Outlet Two"}]
    monkeypatch.setenv("NARRASCOPE_INDEX_DIR", str(tmp_path / "index-without"))
    alone = _illegal_presence(tmp_path / "without.db", Gazetteer({}), monkeypatch)
    assert sorted(map(sorted, alone)) == [["Outlet One"], ["Outlet Two"]]  # what the gazetteer joins


def test_a_watched_country_matches_a_claim_about_one_of_its_cities(tmp_path):
    with Narrascope(tmp_path / "watch.db") as nar:
        nar.ingest([str(_corpus(tmp_path / "corpus"))])
        nar.enrich()
        nar.link()
        watchlist = tmp_path / "cases.csv"
        watchlist.write_text(
            "date,title,countries,keywords,languages,outlets\n"
            "2025-01-10,The illegal presence of foreign troops in Syria,Syria,illegal presence,en,\n",
            encoding="utf-8",
        )
        nar.watch_import(watchlist)
        matches, _ = nar.watch(all_matches=True)
    outlets = {m["outlet"] for m in matches}
    assert "Outlet One" in outlets  # Aleppo only: in Syria by the gazetteer


def test_a_watch_item_frame_matches_only_claims_about_the_places_it_names():
    import numpy as np

    from narrascope.link.watch import ClaimView, WatchView, gazetteer_places, match
    from narrascope.places import load_gazetteer

    places = gazetteer_places("The US promotes the balkanisation of Mexico", load_gazetteer())
    assert "mexico" in places
    vector = np.ones(4) / 2
    claim = ClaimView("c", "a", {"partition": "asserts"}, "asserts", frozenset({"syria", "us"}), vector)
    mexico = WatchView("i1", frozenset({"partition"}), frozenset({"us"}) | places, vector)
    nowhere = WatchView("i2", frozenset({"partition"}), frozenset(), vector * 0)
    syria = WatchView("i3", frozenset({"partition"}), frozenset({"us", "syria"}), vector)
    assert match(mexico, claim) is None  # the claim is not about Mexico
    assert match(nowhere, claim) is None  # no place: its vector must say it (cosine 0 here)
    assert match(syria, claim).via.startswith("frame partition")
