"""Datelines: where a report was filed is no speaker, role or content."""

from __future__ import annotations

import pytest

from narrascope.enrich.attribution import Attribution, _outside_datelines
from narrascope.enrich.datelines import dateline_ends
from narrascope.model import Span


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("TESSEN — Kaldor's Foreign Ministry accused Vestria.", len("TESSEN — ")),
        (
            "FLINT, Mich., Oct. 4 (UPI) — Former President Bill Clinton said.",
            len("FLINT, Mich., Oct. 4 (UPI) — "),
        ),
        ("LOS ANGELES, Sept. 28 (UPI) -- In a clip, Blige sings.", len("LOS ANGELES, Sept. 28 (UPI) -- ")),
        ("MOSCOW (Reuters) - Russia said on Monday.", len("MOSCOW (Reuters) - ")),
        ('ROME — "We will not pay," the minister said.', len("ROME — ")),
        ("RT — the channel said it would appeal.", None),  # an outlet, and no sentence starts after the dash
        ("NATO — the alliance said.", None),
        ("US — Russia talks resumed.", None),  # two letters: an abbreviation, no place
        ("The minister — who spoke first — said so.", None),
    ],
)
def test_datelines_are_found_and_names_before_a_dash_are_not(text, end):
    found = dateline_ends(text)
    assert (found[0][1] if found else None) == end


def _span(text: str, part: str) -> Span:
    start = text.index(part)
    return Span(start, start + len(part), part)


def test_a_dateline_is_cut_off_and_a_subject_it_hid_is_found():
    text = "TESSEN — Kaldor's Foreign Ministry on Monday accused Vestria of running laboratories."

    def parsed_with_source(source: str) -> Attribution:
        return Attribution(
            cue=_span(text, "accused"),
            content=_span(text, "Vestria of running laboratories"),
            source=_span(text, source),
            kind="indirect",
            sentence=Span(0, len(text), text),
        )

    # the parser read "TESSEN" as the subject, or glued it to the subject
    for source in ("TESSEN", "TESSEN — Kaldor's Foreign Ministry"):
        (found,) = _outside_datelines(text, [parsed_with_source(source)])
        assert found.source is not None and found.source.text == "Kaldor's Foreign Ministry"
