"""The store the API tests read: the demo corpus ingested, enriched and linked, a fact-check watchlist, and
fictional articles whose titles and texts are hostile (markup, SQL, formulas, bidirectional overrides)."""

from __future__ import annotations

import json
import shutil
from importlib.resources import files
from pathlib import Path

from narrascope.app import Narrascope

DEMO = files("narrascope") / "data" / "demo"
HOSTILE_TITLE = (
    "<script>alert('x')</script> \"Quotes\" & 'SQL'; DROP TABLE articles; -- =HYPERLINK(\"http://x\")"
)
HOSTILE_TEXT = (
    "Orvan Delacroix said the harbour levy would double. \u202eReversed text\u202c and \u200bzero width, "
    "emoji 🛳️, a tab\there, <img src=x onerror=alert(1)>, {{ template }} and ${shell}. "
    "Officials in Port Arden declined to comment on the levy on Tuesday."
)
WATCHLIST = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://factcheck.example/compact-partition",
    "claimReviewed": "The Northern Compact plans to divide Veloria",
    "itemReviewed": {"@type": "Claim", "datePublished": "2024-03-11"},
    "reviewRating": {"@type": "Rating", "alternateName": "False"},
    "author": {"@type": "Organization", "name": "Fact Check Example"},
}


def hostile_records(folder: Path) -> Path:
    records = [
        {"title": HOSTILE_TITLE, "text": HOSTILE_TEXT, "url": "https://levy.example/a?x=<b>&y='1'",
         "outlet": "Levy Ledger", "published": "2024-07-01", "language": "en"},
        {"title": "Undated levy note", "text": "A second, undated note on the harbour levy with no date at all "
         "in it, written for the API tests by the Levy Ledger desk in plain words.", "outlet": "Levy Ledger"},
    ]  # fmt: skip
    path = folder / "hostile.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def build(db: str, folder: Path) -> None:
    watchlist = folder / "factcheck.json"
    watchlist.write_text(json.dumps(WATCHLIST), encoding="utf-8")
    with Narrascope(db) as nar:
        nar.ingest([str(DEMO), str(hostile_records(folder))])
        nar.enrich()
        nar.link()
        nar.watch_import(watchlist)


def copy_sqlite(source: str, target: Path) -> str:
    """The database file and its vector index files."""
    for path in Path(source).parent.glob(Path(source).name + "*"):
        shutil.copy(path, target.parent / (target.name + path.name[len(Path(source).name) :]))
    return str(target)
