"""Article text with spans marked: character offsets → escaped HTML with ``<mark>`` elements.

Offsets come from the store (statement source, cue and content, claims, entity mentions) and may
overlap, nest, be empty, negative or run past the text; none of that may break the page or let text
through unescaped. The text is cut at every span boundary into flat segments, each escaped on its own
and wrapped in one ``<mark>`` carrying the classes of every span covering it, so overlapping spans
never produce badly nested tags.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True, slots=True)
class Mark:
    """A span to mark, in the offsets of the text it was cut from. ``cls``: a CSS class (one word);
    ``title``: its tooltip; ``href``: an internal link (``/…``) the marked text leads to; ``anchor``:
    an element id placed where the span starts, for links to ``#anchor``."""

    start: int | None
    end: int | None
    cls: str
    title: str = ""
    href: str | None = None
    anchor: str | None = None


def highlight(text: str, marks: Iterable[Mark], offset: int = 0) -> Markup:
    """``text`` (which starts at character ``offset`` of the article) as HTML with ``marks`` marked."""
    size = len(text)
    spans: list[tuple[int, int, Mark]] = []
    for mark in marks:
        if not isinstance(mark.start, int) or not isinstance(mark.end, int):
            continue
        start = min(max(mark.start - offset, 0), size)
        end = min(max(mark.end - offset, 0), size)
        if end > start or (mark.anchor and end == start):
            spans.append((start, end, mark))
    cuts = sorted({0, size, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    starts: dict[int, list[tuple[int, int, Mark]]] = {}
    for span in sorted(spans, key=lambda s: (s[0], -s[1])):
        starts.setdefault(span[0], []).append(span)
    out: list[str] = []
    active: list[tuple[int, int, Mark]] = []
    anchors: set[str] = set()
    for left, right in zip(cuts, [*cuts[1:], size], strict=True):
        opened = starts.get(left, [])
        for _, _, mark in opened:
            if mark.anchor and mark.anchor not in anchors:
                anchors.add(mark.anchor)
                out.append(f'<span class="anchor" id="{escape(mark.anchor)}"></span>')
        active = [s for s in active if s[1] > left] + [s for s in opened if s[1] > s[0]]
        if right <= left:
            continue
        out.append(_segment(text[left:right], [m for _, _, m in active]))
    return Markup("".join(out))


def _segment(piece: str, covering: list[Mark]) -> str:
    if not covering:
        return str(escape(piece))
    classes = " ".join(dict.fromkeys(m.cls for m in covering))
    titles = " · ".join(dict.fromkeys(m.title for m in covering if m.title))
    href = next((m.href for m in reversed(covering) if _internal(m.href)), None)
    inner = str(escape(piece))
    if href:
        inner = f'<a href="{escape(href)}">{inner}</a>'
    title = f' title="{escape(titles)}"' if titles else ""
    return f'<mark class="{escape(classes)}"{title}>{inner}</mark>'


def _internal(href: str | None) -> bool:
    """A path on this site: ``/x``, never ``//host`` or ``/\\host`` (which browsers read as another site)."""
    return bool(href) and href[0] == "/" and href[1:2] not in ("/", "\\")
