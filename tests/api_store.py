"""The store the API tests read: the demo corpus ingested, enriched and linked, a fact-check watchlist, and
fictional articles whose titles and texts are hostile (markup, SQL, formulas, bidirectional overrides); and
media citations from and of hostile names, for the citation listings."""

from __future__ import annotations

import json
import shutil
from importlib.resources import files
from pathlib import Path

from narrascope.app import Narrascope
from narrascope.model import Article, content_hash
from narrascope.store import ArticleQuery

DEMO = files("narrascope") / "data" / "demo"
HOSTILE_TITLE = (
    "<script>alert('x')</script> \"Quotes\" & 'SQL'; DROP TABLE articles; -- =HYPERLINK(\"http://x\")"
)
HOSTILE_TEXT = (
    "Orvan Delacroix said the harbour levy would double. \u202eReversed text\u202c and \u200bzero width, "
    "emoji 🛳️, a tab\there, <img src=x onerror=alert(1)>, {{ template }} and ${shell}. "
    "Officials in Port Arden declined to comment on the levy on Tuesday."
)
HOSTILE_OUTLET = "<script>alert('o')</script> \u202eWire"
HOSTILE_MEDIUM = "<img src=x onerror=alert(1)> Post"
CITING_TEXT = (
    "TASS reported that the dam was shut. Talks failed, according to TASS. "
    f"{HOSTILE_MEDIUM} reports: all is well."
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


def add_citations(db: str, outlet: str = HOSTILE_OUTLET) -> Article:
    """An article from ``outlet`` citing TASS in two sentences and ``HOSTILE_MEDIUM`` in a third, and the
    Levy Ledger's articles (when stored) citing TASS and themselves (an edge the graph leaves out)."""
    hash_ = content_hash(CITING_TEXT)
    article = Article(hash_[:16], hash_, CITING_TEXT, "citing.txt", outlet=outlet, title=HOSTILE_TITLE,
                      published="2024-08-01", language="en", word_count=len(CITING_TEXT.split()))  # fmt: skip
    sentences = CITING_TEXT.split(". ")
    cited = []
    for n, (name, cue) in enumerate(
        (("TASS", "reported"), ("TASS", "according to"), (HOSTILE_MEDIUM, "reports"))
    ):
        first = len(". ".join(sentences[:n])) + (2 if n else 0)
        start = CITING_TEXT.index(name, first)
        cited.append((name, cue, start, start + len(name), first, first + len(sentences[n])))
    with Narrascope(db) as nar:
        nar.store.write_batch(nar.store.start_run(["citations"]), [article], [], 1)
        with nar.store.transaction():
            nar.store.add_citations(article.id, cited)
            for ledger in nar.articles(ArticleQuery(outlet="Levy Ledger")):
                nar.store.add_citations(ledger.id, [("TASS", "according to", 0, 4, 0, 12), ("Levy Ledger", "reports", 5, 9, 0, 12)])  # fmt: skip
    return article
