"""Text and links taken from data, made safe to show: links only when they are plain http(s) URLs, and
bidi isolation, so an unterminated right-to-left override in an outlet name or title cannot reverse
the date, the counts or the names shown beside it.

In HTML the pages isolate a field with ``<bdi>`` (the ``bdi`` template filter); where no markup can go
(a document title, a tooltip, SVG text) ``isolate`` wraps it in FIRST STRONG ISOLATE ... POP
DIRECTIONAL ISOLATE, the same isolation as plain text.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from markupsafe import Markup

FSI, PDI = "\u2068", "\u2069"


def safe_url(url: object) -> str | None:
    """``url`` when it is an absolute http(s) URL with a host and no spaces or controls, else None."""
    if (
        not isinstance(url, str)
        or len(url) > 4000
        or any(c.isspace() or ord(c) < 32 or 127 <= ord(c) < 160 for c in url)
    ):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def isolate(text: object) -> str:
    """``text`` as an isolated run of plain text (its direction its own, its neighbours untouched)."""
    return f"{FSI}{text}{PDI}"


def bdi(value: object) -> Markup:
    """``value`` escaped inside ``<bdi>``: an isolated run in HTML."""
    return Markup("<bdi>{}</bdi>").format(value)
