"""Near-duplicates: copies of each kind are found, distinct articles on one story are not, signatures
are stable, copy groups name the earliest publication, and the evaluation holds on PolNeAR articles."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from narrascope.evaluate.duplicates import KINDS, evaluate_duplicates, format_scores, generate_copies
from narrascope.link.duplicates import (
    BANDS,
    NUM_PERM,
    ROWS,
    THRESHOLD,
    CopyGroup,
    DuplicateIndex,
    band_keys,
    group_copies,
    is_duplicate,
    jaccard,
    shingles,
    signature,
)

# Fictional articles. PORT_A and PORT_B report the same event and share two sentences (a quote and
# the closing background), as two outlets' own stories on one press conference do.
PORT_A = """Harbor officials in Velmora said on Tuesday that the northern container terminal will close
for six weeks while engineers replace the cranes damaged in last month's storm.

"We cannot load ships safely until the new cranes are tested," port director Ilse Brandt told
reporters at a briefing. Shipping lines have been told to divert cargo to the southern terminal,
which is already working near capacity.

Local haulage firms warned that the closure would add two days to deliveries across the region.
The chamber of commerce estimated the cost to exporters at four million euros a week and asked the
city council for emergency support.

The storm, the strongest in thirty years, flooded warehouses along the river and cut power to the
old town for three days."""

PORT_B = """Truck drivers queued for hours outside Velmora's southern terminal on Wednesday, a day after the
port announced that its northern terminal would shut for repairs.

"We cannot load ships safely until the new cranes are tested," port director Ilse Brandt told
reporters at a briefing. Drivers said the southern gates opened late and that only two lanes were
staffed during the morning shift, leaving lorries parked along the ring road.

A spokesman for the drivers' union said members would ask for waiting-time compensation, and the
police closed one exit of the motorway to keep traffic moving. The port promised to hire extra
staff by the weekend and to publish a daily schedule of loading slots online.

The storm, the strongest in thirty years, flooded warehouses along the river and cut power to the
old town for three days."""

ELECTION = """Voters in the coastal district of Arnholt will choose a new mayor on Sunday after the incumbent,
Petra Lind, stepped down citing health reasons. Four candidates are on the ballot, and polls suggest
that none of them will win an outright majority in the first round.

The race has been dominated by housing. Rents in Arnholt have risen by a third in five years, and
every candidate has promised to build more flats, though they disagree on who should pay for them.
The centre-left candidate, Jonas Werth, wants a municipal building company; his conservative rival,
Anke Moll, would cut planning fees for private developers.

Turnout in the last municipal election was just under forty percent. Election officials said that
postal voting requests had doubled this year, which they attributed to a new online application form."""

FLOODS = """Heavy rain caused the Saale river to burst its banks near the village of Kettwig overnight,
forcing the evacuation of around two hundred residents. Firefighters used boats to reach families
trapped on the upper floors of their homes, and a school gymnasium was opened as an emergency shelter.

The regional weather service said more than ninety litres of rain per square metre had fallen in
twelve hours, a record for the month. Farmers reported that fields of wheat and barley were under
water only weeks before the harvest, and the agriculture ministry said it would assess the damage.

Residents complained that flood barriers promised after the last disaster had never been built.
The district administrator said the project had been delayed by a dispute over land purchases and
would now be given priority."""

ARTICLES = [PORT_A, PORT_B, ELECTION, FLOODS]


@pytest.fixture(scope="module")
def index() -> DuplicateIndex:
    index = DuplicateIndex()
    for i, text in enumerate(ARTICLES):
        index.add(f"a{i}", signature(text))
    return index


@pytest.mark.parametrize("kind", KINDS)
def test_copies_of_each_kind_are_found(index: DuplicateIndex, kind: str) -> None:
    for seed in range(3):
        for text, origin, copy_kind in generate_copies(ARTICLES, seed):
            if copy_kind != kind:
                continue
            found = [doc_id for doc_id, _ in index.query(signature(text))]
            assert found == [f"a{origin}"], (kind, seed, origin)


def test_hand_made_copies() -> None:
    original = signature(PORT_A)
    republished = "Sputnik reports:\n\n" + PORT_A.replace("\n", " ").upper() + "\n\nFollow us on Telegram."
    trimmed = PORT_A[: int(len(PORT_A) * 0.7)]
    retouched = (
        PORT_A.replace("six weeks", "two months").replace("Tuesday", "Monday").replace("old town", "city")
    )
    for copy in (republished, trimmed, retouched):
        assert is_duplicate(original, signature(copy))
    assert jaccard(original, signature(PORT_A.replace("“", '"').replace("—", "-"))) == 1.0


def test_distinct_articles_on_one_story_are_not_duplicates(index: DuplicateIndex) -> None:
    assert jaccard(signature(PORT_A), signature(PORT_B)) < THRESHOLD / 2
    assert not is_duplicate(signature(PORT_A), signature(PORT_B))
    for i, text in enumerate(ARTICLES):
        assert [doc_id for doc_id, _ in index.query(signature(text))] == [f"a{i}"]


def test_signature_is_deterministic_across_calls_and_processes() -> None:
    sig = signature(ELECTION)
    assert sig.shape == (NUM_PERM,)
    assert np.array_equal(sig, signature(ELECTION))
    keys = band_keys(sig)
    assert len(keys) == BANDS == NUM_PERM // ROWS
    assert all(-(2**63) <= key < 2**63 for key in keys)
    code = (
        "import sys; from narrascope.link.duplicates import signature, band_keys; "
        "print(band_keys(signature(sys.stdin.read())))"
    )
    other = subprocess.run(
        [sys.executable, "-c", code], input=ELECTION, capture_output=True, text=True, check=True
    )
    assert other.stdout.strip() == str(keys)


def test_folding_ignores_case_punctuation_and_wrapping() -> None:
    assert shingles("The port, it said, will CLOSE.\nFor six weeks!") == shingles(
        "the port it said will close for six weeks"
    )
    assert shingles("don’t stop now, they say, not yet, not today, never") == shingles(
        "don't stop now they say not yet not today never"
    )


def test_empty_and_short_texts_never_match() -> None:
    empty = signature("")
    assert shingles("") == set()
    assert band_keys(empty) == []
    assert jaccard(empty, empty) == 0.0
    short_a, short_b = signature("Read more here"), signature("Read more here")
    assert not is_duplicate(short_a, short_b)
    index = DuplicateIndex()
    index.add("short", short_a)
    index.add("empty", empty)
    assert index.candidates(short_b) == set()
    assert index.query(short_b) == []


def test_group_copies_picks_the_earliest_publication() -> None:
    copies = generate_copies([PORT_A, ELECTION], seed=1)
    port = [signature(text) for text, origin, _ in copies if origin == "0"]
    election = [signature(text) for text, origin, _ in copies if origin == "1"]
    items = [
        ("p1", port[0], "2021-03-05"),
        ("e1", election[0], None),
        ("floods", signature(FLOODS), "2021-01-01"),
        ("p2", port[1], "2021-03-04T22:00:00+00:00"),
        ("e2", election[1], None),
        ("p3", port[2], "2021-03-05T01:00:00+02:00"),  # 2021-03-04 23:00 UTC
        ("e3", election[2], "not a date"),
    ]
    groups = group_copies(items)
    assert groups == [CopyGroup(("p1", "p2", "p3"), "p2"), CopyGroup(("e1", "e2", "e3"), "e1")]


def test_group_copies_breaks_ties_by_input_order() -> None:
    sig = signature(FLOODS)
    assert group_copies([("x", sig, "2020-05-01"), ("y", sig, "2020-05-01")]) == [CopyGroup(("x", "y"), "x")]
    assert group_copies([("x", sig, None), ("y", sig, "2020-05-01")]) == [CopyGroup(("x", "y"), "y")]
    assert group_copies([("x", sig, None)]) == []


def test_evaluation_on_fictional_articles() -> None:
    scores = evaluate_duplicates(ARTICLES, seed=0)
    assert scores.documents == 5 * len(ARTICLES)
    assert scores.precision == 1.0
    assert scores.recall >= 0.9
    assert "precision" in format_scores(scores)


def test_evaluation_on_polnear_articles(shared: Path) -> None:
    files = sorted((shared / "eval/polnear/train/text").glob("*.txt"))[:150]
    if not files:
        pytest.skip("PolNeAR train texts are absent")
    scores = evaluate_duplicates([f.read_text(encoding="utf-8") for f in files], seed=0)
    # measured on these 150: precision 1.000, recall 0.979 (copy-to-copy pairs are the hard ones)
    assert scores.precision >= 0.95
    assert scores.recall >= 0.9
    for kind, (_, recall, _) in scores.by_kind.items():
        assert recall >= 0.95, kind
