"""Statement and claim cards: who said it, how, with what stance, and the sentence in its context with
the source, cue, content (and claim) marked; search snippets with the query's words marked."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from narrascope.model import Statement, content_pieces
from narrascope.serve.display import isolate
from narrascope.serve.highlight import Mark, highlight
from narrascope.store.query import fts_terms
from narrascope.store.records import StatementRow
from narrascope.store.views import CONTEXT_CHARS, ClaimCard, Window

SNIPPET_CHARS = 240


@dataclass(frozen=True, slots=True)
class Card:
    key: str  # the statement's or claim's id
    article_id: str
    anchor: str | None  # the statement's anchor on the article page
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    speaker: str | None  # canonical when resolved, else as written
    speaker_entity_id: str | None
    written: str | None  # the source as written, when it differs from ``speaker``
    role: str | None
    cue: str | None
    kind: str | None
    stance: str | None
    context: Markup
    via: str | None = None
    score: float | None = None


def statement_marks(st: Statement, *, anchor: bool = False) -> list[Mark]:
    """The sentence(s), source, cue and content of a statement, as marks: the content's pieces where its
    attribution interrupts it."""
    return [
        Mark(st.sentence_start, st.sentence_end, "sentence", anchor=f"s-{st.id}" if anchor else None),
        Mark(st.speaker_start, st.speaker_end, "source", "source: " + isolate(st.speaker_name or st.speaker)),
        Mark(st.cue_start, st.cue_end, "cue", "cue"),
        *(Mark(a, b, "content", f"{st.kind} statement") for a, b in content_pieces(st)),
    ]


def context_html(
    window: Window | None, marks: Sequence[Mark], keep: tuple[int, int], more_after: bool | None = None
) -> Markup:
    """The window's text with ``marks``, cut to whole words outside ``keep`` (article offsets) where the
    article goes on beyond it; ``more_after`` defaults to whether the store's window was cut short."""
    if window is None:
        return Markup("")
    text, start = window.text.replace("\n", " "), window.start  # same length: offsets still hold
    if more_after is None:
        more_after = len(text) >= keep[1] + CONTEXT_CHARS - start
    lo, hi = max(keep[0] - start, 0), max(keep[1] - start, 0)
    head = text.find(" ", 0, lo) if start > 0 else -1
    tail = text.rfind(" ", hi) if more_after else -1
    cut_from = head + 1 if head >= 0 else 0
    cut_to = tail if tail >= hi and tail > cut_from else len(text)
    body = highlight(text[cut_from:cut_to], marks, start + cut_from)
    return Markup("{}{}{}").format("… " if start + cut_from > 0 else "", body, " …" if more_after else "")


def _as_written(written: str | None, speaker: str | None) -> str | None:
    """The source as written when it says more than the speaker's name ("he", "the envoy")."""
    if not written or (speaker and speaker.casefold() in written.casefold()):
        return None
    return written


def _words(query: str | None) -> re.Pattern[str] | None:
    """The search's words and phrases, as literal text, any case."""
    terms = [t for t in fts_terms(query or "") if t.strip()]
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE) if terms else None


def query_marks(window: Window | None, query: str | None) -> list[Mark]:
    """The search's words where they occur in the window."""
    pattern = _words(query)
    if window is None or pattern is None:
        return []
    return [
        Mark(window.start + m.start(), window.start + m.end(), "hit") for m in pattern.finditer(window.text)
    ]


def statement_card(row: StatementRow, window: Window | None, query: str | None = None) -> Card:
    speaker = row.speaker_name or row.speaker
    return Card(
        key=row.id,
        article_id=row.article_id,
        anchor=f"s-{row.id}",
        title=row.title,
        outlet=row.outlet,
        published=row.published,
        url=row.url,
        speaker=speaker,
        speaker_entity_id=row.speaker_entity_id,
        written=_as_written(row.speaker, speaker),
        role=row.role,
        cue=row.cue,
        kind=row.kind,
        stance=row.stance,
        context=context_html(
            window, statement_marks(row) + query_marks(window, query), (row.sentence_start, row.sentence_end)
        ),
    )


def statement_cards(
    rows: Iterable[StatementRow], windows: dict[str, Window], query: str | None = None
) -> list[Card]:
    """Cards for one page of statements; ``query``'s words marked where they occur."""
    return [statement_card(r, windows.get(r.id), query) for r in rows]


def claim_card(c: ClaimCard) -> Card:
    marks = [
        Mark(c.sentence_start, c.sentence_end, "sentence"),
        Mark(c.speaker_start, c.speaker_end, "source", f"source: {isolate(c.speaker or c.written)}"),
        Mark(c.cue_start, c.cue_end, "cue", "cue"),
        Mark(c.content_start, c.content_end, "content", f"{c.kind} statement" if c.kind else ""),
        Mark(c.claim_start, c.claim_end, "claim", f"claim ({c.stance})"),
    ]
    own = c.statement_id is None  # a claim the article makes itself: its outlet is the speaker
    return Card(
        key=c.claim_id,
        article_id=c.article_id,
        anchor=f"s-{c.statement_id}" if c.statement_id else None,
        title=c.title,
        outlet=c.outlet,
        published=c.published,
        url=c.url,
        speaker=None if own else c.speaker,
        speaker_entity_id=c.speaker_entity_id,
        written=_as_written(c.written, c.speaker),
        role=c.role,
        cue=c.cue,
        kind=c.kind or ("the article's own text" if own else None),
        stance=c.stance,
        context=context_html(c.window, marks, (c.sentence_start, c.sentence_end)),
        via=c.via,
        score=c.score,
    )


def snippet(text: str, query: str | None, size: int = SNIPPET_CHARS) -> Markup:
    """About ``size`` characters of ``text`` around the first of the query's words found, each
    occurrence marked; the opening of the text when none is found."""
    pattern = _words(query)
    first = pattern.search(text) if pattern else None
    keep = (first.start(), first.end()) if first else (0, 0)
    lo = max(keep[0] - size // 3, 0)
    window = Window(lo, text[lo : lo + size])
    return context_html(window, query_marks(window, query), keep, more_after=lo + size < len(text))
