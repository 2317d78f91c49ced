"""Narratives as schema.org ClaimReview JSON-LD: what fact-checkers publish and search engines and
watchlists (``narrascope watch --import`` among them) read.

One ClaimReview per narrative, authored by the organisation the user names: ``claimReviewed`` is the
narrative's label; ``itemReviewed`` is the Claim with its first appearance, its author (the speaker there)
and every article asserting it (``appearance``; an article denying the claim is not one; its URL only
when it is a plain http(s) URL, ``display.safe_url``). A verdict (``reviewRating``) is written only where
the user gives one: narrascope finds where claims travel, it does not judge them. The document is streamed, appearances included, so a narrative carried by thousands of
articles costs no more memory than one carried by two. ``<``, ``>`` and ``&`` are written as JSON escapes,
so the document can be pasted into a ``<script type="application/ld+json">`` block as it is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, BinaryIO

from narrascope.serve.display import safe_url
from narrascope.serve.sink import TextSink
from narrascope.store.dumps import DumpFilter, DumpTables

ORGANISATION_TYPES = frozenset({"ORG", "NORP", "GPE", "FAC"})  # entity types that speak as organisations
_SCRIPT_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


@dataclass(frozen=True, slots=True)
class Reviewer:
    """Who publishes the reviews. ``review_url`` is a URL template: ``{id}`` becomes the narrative id;
    ``ratings`` maps narrative ids to the textual rating the reviewer gives (e.g. "False")."""

    name: str
    url: str | None = None
    review_url: str | None = None
    ratings: Mapping[str, str] = field(default_factory=dict)
    date: str = field(default_factory=lambda: datetime.now(timezone.utc).date().isoformat())


def write_claimreviews(store: DumpTables, f: DumpFilter, reviewer: Reviewer, out: BinaryIO) -> int:
    """Write one JSON-LD document (``@graph`` of ClaimReviews) for the narratives ``f`` picks; return
    how many reviews it holds."""
    sink = TextSink(out)
    sink.write('{"@context": "https://schema.org", "@graph": [')
    written = 0
    for page in store.dump_narratives(f):
        for narrative in page:
            sink.write(",\n" if written else "\n")
            _write_review(store, narrative, reviewer, sink)
            written += 1
    sink.write("\n]}\n")
    sink.flush()
    return written


def _write_review(
    store: DumpTables, narrative: Mapping[str, Any], reviewer: Reviewer, sink: TextSink
) -> None:
    nid = narrative["id"]
    review: dict[str, Any] = {
        "@type": "ClaimReview",
        "identifier": nid,
        "url": reviewer.review_url.replace("{id}", nid) if reviewer.review_url else None,
        "claimReviewed": narrative["label"],
        "datePublished": reviewer.date,
        "author": _compact({"@type": "Organization", "name": reviewer.name, "url": reviewer.url}),
    }
    if nid in reviewer.ratings:
        review["reviewRating"] = {"@type": "Rating", "alternateName": reviewer.ratings[nid]}
    claim: dict[str, Any] = {"@type": "Claim"}
    first = store.first_assertion(nid)
    if first is not None:
        organisation = first["statement_id"] is None or first["entity_type"] in ORGANISATION_TYPES
        claim["author"] = (
            _compact({"@type": "Organization" if organisation else "Person", "name": first["speaker"]})
            if first["speaker"]
            else None
        )
        claim["datePublished"] = first["published"]
        claim["firstAppearance"] = _appearance(first)
    # the Claim's appearances are streamed into its object: '{..., "appearance": [' ... ']}}'
    sink.write(_json(_compact(review))[:-1] + ', "itemReviewed": ' + _json(_compact(claim))[:-1])
    sink.write(', "appearance": [')
    count = 0
    for page in store.appearances(nid):
        for row in page:
            sink.write((", " if count else "") + _json(_appearance(row)))
            count += 1
        sink.flush()
    sink.write("]}}")


def _appearance(row: Mapping[str, Any]) -> dict[str, Any]:
    return _compact(
        {
            "@type": "CreativeWork",
            "url": safe_url(row["url"]),  # as on the pages: a CMS or search engine may make it a link
            "headline": row["title"],
            "datePublished": row["published"],
            "author": {"@type": "Person", "name": row["author"]} if row["author"] else None,
            "publisher": {"@type": "Organization", "name": row["outlet"]} if row["outlet"] else None,
        }
    )


def _compact(node: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in node.items() if value is not None}


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False).translate(_SCRIPT_SAFE)
