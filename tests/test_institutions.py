"""State institutions qualified by their country: "the Foreign Ministry" under an ANKARA dateline is
Turkey's, not the Russian one named elsewhere, and a generic name with no country joins no country's."""

from __future__ import annotations

import pytest

from front_matter import write_articles
from narrascope.app import Narrascope
from narrascope.enrich.entities import EntityResolver
from narrascope.enrich.institutions import load_institutions
from narrascope.places import load_gazetteer


def _country(name: str) -> str | None:
    return load_gazetteer().country_of(name)


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("The Foreign Ministry", ("Foreign Ministry", None)),
        ("Ministry of Defense", ("Defence Ministry", None)),
        ("Germany's Defence Ministry", ("Defence Ministry", "Germany")),
        ("Turkish Foreign Ministry", ("Foreign Ministry", "Turkey")),
        ("the French foreign ministry", ("Foreign Ministry", "France")),
        ("Ministry of Foreign Affairs of Ukraine", ("Foreign Ministry", "Ukraine")),
        ("US Army", ("Army", "United States")),
        ("Russian military", ("Armed Forces", "Russia")),
        ("Foreign Ministry spokeswoman", None),  # no institution: a person's role
        ("Syrian Arab Army", None),  # a proper name, not "the army of Syria"
        ("Turkish Airlines", None),
    ],
)
def test_an_institution_is_read_with_or_without_its_country(name, read):
    assert load_institutions().read(name, _country) == read


def test_institutions_after_a_country_are_found_in_any_case_leaving_the_country_its_own_mention():
    text = "The French foreign ministry said so. Ukraine's parliament voted; polish army; Turkish Airlines."
    found = [text[a:b] for a, b in load_institutions().find(text)]
    assert found == ["foreign ministry", "parliament"]
    institutions = load_institutions()
    assert institutions.qualified("Foreign Ministry", "Turkey") == "Turkish Foreign Ministry"
    assert institutions.qualified("Army", "Aruba") == "Army of Aruba"  # no demonym listed


def _resolve(resolver: EntityResolver, text: str, spans: list[tuple[str, str]]) -> list[str]:
    """The canonical names of the given (surface, label) spans, each at its first occurrence."""
    ner = [(text.index(s), text.index(s) + len(s), label) for s, label in spans]
    by_start = {m.start: m.canonical for m in resolver.resolve(text, ner)}
    return [by_start.get(start) for start, _, _ in ner]


def test_the_same_generic_name_is_each_countrys_own_institution():
    resolver = EntityResolver()
    moscow = "MOSCOW — The Foreign Ministry said on Monday that sanctions had failed."
    ankara = "ANKARA, Turkey (Reuters) — The Foreign Ministry said the airspace stays open."
    london = "Britain's Foreign Office said it had summoned the ambassador."
    local = (
        "Turkey's Foreign Ministry said talks would go on. The Foreign Ministry added that it was hopeful."
    )
    assert _resolve(resolver, moscow, [("Foreign Ministry", "ORG")]) == ["Russian Foreign Ministry"]
    assert _resolve(resolver, ankara, [("Foreign Ministry", "ORG")]) == ["Turkish Foreign Ministry"]
    assert _resolve(resolver, london, [("Britain's Foreign Office", "ORG")]) == ["British Foreign Office"]
    # the article named it with its country first: the bare name later is the same ministry
    later = local.index("The Foreign Ministry added")
    mentions = resolver.resolve(
        local, [(0, len("Turkey's Foreign Ministry"), "ORG"), (later + 4, later + 20, "ORG")]
    )
    assert [m.canonical for m in mentions] == ["Turkish Foreign Ministry"] * 2


def test_a_generic_name_with_no_country_found_joins_no_countrys_institution():
    first = EntityResolver()
    _resolve(
        first, "ANKARA — The Foreign Ministry said the airspace stays open.", [("Foreign Ministry", "ORG")]
    )
    # a later run, with what the store knows: "Turkish Foreign Ministry", alias "Foreign Ministry"
    later = EntityResolver(known=first.entities())
    text = "The Foreign Ministry said the report was false."
    assert _resolve(later, text, [("Foreign Ministry", "ORG")]) == ["Foreign Ministry"]
    assert later.lookup("Turkish Foreign Ministry").name == "Turkish Foreign Ministry"
    assert later.lookup("Foreign Ministry").name == "Foreign Ministry"  # the unqualified one, not Turkey's


ARTICLES = {
    "moscow.md": "MOSCOW — The Foreign Ministry said on Monday that Western sanctions had failed.",
    "ankara.md": "ANKARA (Reuters) — The Foreign Ministry said on Tuesday that Turkey would not close its airspace.",
    "paris.md": "The French foreign ministry said on Wednesday that it regretted the decision.",
}


def test_statements_by_each_countrys_ministry_have_their_own_speaker(tmp_path):
    dated = {name: ("Wire", f"2025-03-0{day}", text) for day, (name, text) in enumerate(ARTICLES.items(), 1)}
    folder = write_articles(tmp_path / "corpus", dated)
    with Narrascope(tmp_path / "mfa.db") as nar:
        nar.ingest([str(folder)])
        nar.enrich()
        speakers = {s.content[:20]: s.speaker_name for s in nar.statements()}
    assert speakers == {
        "that Western sanctio": "Russian Foreign Ministry",
        "that Turkey would no": "Turkish Foreign Ministry",
        "that it regretted th": "French Foreign Ministry",
    }
