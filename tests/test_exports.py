"""Exports (``narrascope export`` and ``narrascope.serve.exports``): every export in every format read back
and compared with the store, on the demo corpus and on small fictional data full of hostile text; paging
that loses and repeats nothing; GEXF that is well formed; ClaimReview that reads back as a watchlist;
files that appear whole or not at all; both back ends."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
import textwrap
from collections import Counter
from importlib.resources import files
from pathlib import Path

import lxml.etree
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from narrascope.app import Narrascope
from narrascope.cli import app
from narrascope.errors import NarrascopeError
from narrascope.link.watchlist import read_watchlist
from narrascope.model import Article, Claim, Enrichment, Entity, FrameStance, Mention, Statement, content_hash
from narrascope.serve import exports
from narrascope.serve.exports import EXPORTS, export, file_name, media_type
from narrascope.serve.tables import COLUMNS
from narrascope.store import ArticleQuery, dumps
from narrascope.store.query import EntityQuery, StatementQuery

DEMO = files("narrascope") / "data" / "demo"
GEXF = "{http://gexf.net/1.3}"
TABLES = tuple(COLUMNS)
SRC = str(Path(__file__).resolve().parents[1] / "src")
runner = CliRunner()
ALL = 10**6


# -- fictional data: hostile text in every field an export writes ------------------------------------------
ANA = Entity("e_ana000000001", '<script>Ana</script> "Vex"\x0b', "PERSON", ("Ana Vex", '=HYPERLINK("x")'))
ORG = Entity("e_org000000001", "@Org ]]> & Co", "ORG")
PLACE = Entity("e_place0000001", "Tessia\x1b]]>", "GPE")
OUTLETS = ('Harbor "Gazette" <b>\x01', "=Wire|cmd", "Plain Post")
LABEL = 'The <b>plan</b> to split "Tessia" ]]> =cmd|x\x01\x0b\nagain'
CONTENTS = (
    "=cmd|' /C calc'!A0 the dam <script>alert(1)</script> will be split ]]>",
    'Tessia is "occupied",\nsays the note, and \x07bells ring',
    "+SUM(A1) no partition of Tessia is planned",
    "-1 quiet words about the harbour " + "and more " * 400,  # long: exported whole
    "@everyone the river will be divided",
)
# (outlet, published, language, [(speaker, entity, cue, content index, stance)], own-voice claim?)
ARTICLES = (
    (OUTLETS[0], "2024-03-01", "en", [("Ana Vex", ANA, "said", 0, "asserts")], True),
    (OUTLETS[1], "2024-03-05", "en", [("the Org", ORG, "says", 1, "asserts"), ("an official", None, "said", 4, "asserts")], False),
    (OUTLETS[2], None, "fr", [("an official", None, "said", 3, "asserts")], False),
    (None, "2024-04-01", "en", [("Vex", ANA, "denied", 2, "denies")], False),
)  # fmt: skip
URLS = ("https://ex.example/0?a=1&b=<2>", "data:text/html,<script>alert(1)</script>", None,
        "//evil.example/protocol-relative")  # fmt: skip
OWN_VOICE = "The partition of Tessia is near, <i>we</i> report."
CITATIONS = (
    (1, OUTLETS[0], 0),
    (1, OUTLETS[0], 40),
    (0, OUTLETS[1], 0),
    (2, OUTLETS[2], 0),
    (3, OUTLETS[0], 0),
)


def build_fictional(db: str) -> dict[str, list]:
    """Four articles with statements, claims, two narratives (one recurring) and citations, written
    through the store's own methods; returns the ids made, by kind."""
    made: dict[str, list] = {"articles": [], "statements": [], "claims": []}
    with Narrascope(db) as nar:
        store = nar.store
        run = store.start_run(["fictional"])
        articles, enrichments, claims = [], [], []
        for i, (outlet, published, language, said, own) in enumerate(ARTICLES):
            text, spans = "", []
            for speaker, entity, cue, content, stance in said:
                s0 = len(text)
                text += f'{speaker} {cue} "'
                c0 = len(text)
                text += CONTENTS[content] + '". '
                spans.append((speaker, entity, cue, content, stance, s0, c0, c0 + len(CONTENTS[content])))
            own_at = len(text)
            if own:
                text += OWN_VOICE
            text += f" Article {i}."
            hash_ = content_hash(text)
            aid = hash_[:16]
            articles.append(Article(aid, hash_, text, f"fictional/{i}.txt", url=URLS[i],
                                    outlet=outlet, title=f'Title {i}: "{LABEL}"', author='=Author "x"\n',
                                    published=published, date_source="metadata" if published else None,
                                    language=language, word_count=len(text.split())))  # fmt: skip
            statements, mentions = [], []
            for n, (speaker, entity, cue, content, stance, s0, c0, c1) in enumerate(spans):
                sid = f"s{i}{n}0000000000000"
                cue0 = s0 + len(speaker) + 1
                statements.append(Statement(sid, aid, "direct", speaker, cue, CONTENTS[content], c0, c1, cue0,
                                            cue0 + len(cue), s0, c1 + 2, s0, s0 + len(speaker),
                                            entity.id if entity else None, entity.name if entity else None,
                                            "official" if entity else None, stance))  # fmt: skip
                if entity:
                    mentions.append(Mention(aid, entity.id, s0, s0 + len(speaker), speaker, entity.type))
                claims.append((Claim(f"c{i}{n}00000000000000", aid, sid, CONTENTS[content], c0, c1, s0, c1 + 2,
                                     entity.name if entity else speaker, entity.id if entity else None, stance,
                                     (FrameStance("partition", stance),), (PLACE.id,), (PLACE.id,)), i))  # fmt: skip
                made["statements"].append(sid)
            if own:
                end = own_at + len(OWN_VOICE)
                claims.append((Claim(f"c{i}900000000000000", aid, None, OWN_VOICE, own_at, end, own_at, end,
                                     outlet, None, "asserts", (FrameStance("partition", "asserts"),)), i))  # fmt: skip
            enrichments.append(Enrichment(aid, mentions, statements))
            made["articles"].append(aid)
        store.write_batch(run, articles, [], len(articles))
        store.write_enrichments(enrichments, [ANA, ORG, PLACE], "fictional")
        with store.transaction():
            for seq, (claim, _) in enumerate(claims, 1):
                store.add_claim(claim, seq, b"\x00\x01")
                made["claims"].append(claim.id)
            store.add_narrative(
                "n1recurring00000", "partition", LABEL, claims[0][0].id, "2024-05-01T00:00:00+00:00"
            )
            store.add_narrative(
                "n2lone0000000000", None, "Lone <claim>", claims[4][0].id, "2024-05-01T00:00:00+00:00"
            )
            for claim, i in claims:
                nid = "n2lone0000000000" if i == 2 else "n1recurring00000"
                store.add_narrative_claim(nid, claim.id, claim.stance, 1.0, "frame partition")
            store.add_narrative_places("n1recurring00000", [PLACE.id])
            store.set_narrative_label("n1recurring00000", LABEL, claims[0][0].id)
            store.set_narrative_label("n2lone0000000000", "Lone <claim>", claims[4][0].id)
            for i, cited, at in CITATIONS:
                store.add_citations(articles[i].id, [(cited, "according to", at, at + 5, at, at + 9)])
    return made


# -- reading exports back ------------------------------------------------------------------------------------
def dump(db: str, what: str, fmt: str | None = None, **options: object) -> bytes:
    out = io.BytesIO()
    with Narrascope(db, readonly=True) as nar:
        written = export(nar, what, fmt or EXPORTS[what].formats[0], out, **options)
    data = out.getvalue()
    if fmt in ("csv", "jsonl", "parquet"):
        assert written == len(read_rows(fmt, data))
    return data


def read_rows(fmt: str, data: bytes) -> list[dict]:
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
    if fmt == "jsonl":
        return [json.loads(line) for line in data.split(b"\n") if line]
    return pq.read_table(io.BytesIO(data)).to_pylist()


def as_csv(value: object, kind: str) -> str:
    """A JSON Lines value as the CSV cell holding it (formulas defused)."""
    if value is None:
        return ""
    if kind == "list":
        value = " | ".join(value)
    elif kind == "boolean":
        return "true" if value else "false"
    text = str(value)
    return (
        "'" + text if isinstance(value, str) and text.startswith(("=", "+", "-", "@", "\t", "\r")) else text
    )


def read_gexf(data: bytes) -> tuple[dict[str, dict], list[dict]]:
    """Nodes by id and edges, checked structurally: namespace and version, unique node and edge ids,
    every edge's ends among the nodes, every value for a declared attribute."""
    root = lxml.etree.fromstring(data, lxml.etree.XMLParser(resolve_entities=False, no_network=True))
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.3"
    graph = root.find(f"{GEXF}graph")
    declared = {
        block.get("class"): {a.get("id"): a.get("title") for a in block.iter(f"{GEXF}attribute")}
        for block in graph.iter(f"{GEXF}attributes")
    }

    def values(element: lxml.etree._Element, cls: str) -> dict[str, str]:
        found = {}
        for value in element.iter(f"{GEXF}attvalue"):
            assert value.get("for") in declared[cls]
            found[declared[cls][value.get("for")]] = value.get("value")
        return found

    nodes = {}
    for node in graph.iter(f"{GEXF}node"):
        assert node.get("id") not in nodes, f"node id {node.get('id')!r} twice"
        nodes[node.get("id")] = {"label": node.get("label"), **values(node, "node")}
    edges = [
        {"id": e.get("id"), "source": e.get("source"), "target": e.get("target"),
         "weight": float(e.get("weight")), **values(e, "edge")}
        for e in graph.iter(f"{GEXF}edge")
    ]  # fmt: skip
    assert len({e["id"] for e in edges}) == len(edges)
    for edge in edges:
        assert edge["source"] in nodes and edge["target"] in nodes, edge
    return nodes, edges


# -- fixtures ---------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> str:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    with Narrascope(db) as nar:
        nar.ingest([str(DEMO)])
        nar.enrich()
        nar.link()
    return str(db)


@pytest.fixture(scope="module")
def fictional(tmp_path_factory) -> tuple[str, dict[str, list]]:
    db = str(tmp_path_factory.mktemp("fictional") / "fictional.db")
    return db, build_fictional(db)


@pytest.fixture
def small_pages(monkeypatch) -> list[int]:
    """Pages of 2 rows everywhere; records the size of every page read."""
    monkeypatch.setattr(dumps, "PAGE_ROWS", 2)
    monkeypatch.setattr(dumps, "TEXT_PAGE_ROWS", 2)
    sizes: list[int] = []

    def spy(read):
        def reading(self, *args, **kwargs):
            for page in read(self, *args, **kwargs):
                sizes.append(len(page))
                yield page

        return reading

    for name in ("_pages", "_stream"):  # keyset pages of tables, cursor pages of graph aggregates
        monkeypatch.setattr(dumps.DumpTables, name, spy(getattr(dumps.DumpTables, name)))
    return sizes


# -- the list of exports -----------------------------------------------------------------------------------------
def test_exports_formats_media_types_and_file_names():
    assert set(EXPORTS) == {"articles", "statements", "entities", "narratives", "claims", "speaker-graph",
                            "citation-graph", "claimreview"}  # fmt: skip
    for what in TABLES:
        assert EXPORTS[what].formats == ("csv", "jsonl", "parquet")
    assert EXPORTS["speaker-graph"].formats == EXPORTS["citation-graph"].formats == ("gexf",)
    assert EXPORTS["claimreview"].formats == ("jsonld",)
    assert media_type("parquet") == "application/vnd.apache.parquet"
    assert media_type("jsonld") == "application/ld+json"
    assert file_name("speaker-graph", "gexf") == "narrascope-speaker-graph.gexf"
    with pytest.raises(ValueError):
        file_name("../../etc/passwd", "csv")
    assert exports.default_format("statements", "out/said.parquet") == "parquet"
    assert exports.default_format("statements", "out/said.txt") == "csv"  # no format's suffix: the first
    with pytest.raises(NarrascopeError, match="E151"):
        exports.default_format("statements", "out/said.json")  # never CSV under a .json name


# -- every table in every format, against the store ------------------------------------------------------------
def _store_ids(nar: Narrascope, what: str) -> list[str]:
    if what == "articles":
        return [a.id for a in nar.articles(ArticleQuery(limit=ALL))]
    if what == "statements":
        return [s.id for s in nar.statements(StatementQuery(limit=ALL))]
    if what == "entities":
        return [e.id for e in nar.entities(EntityQuery(limit=ALL))]
    if what == "narratives":
        return [n.id for n in nar.narratives(limit=ALL)]
    return [r[0] for r in nar.store.conn.execute("SELECT id FROM claims")]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
@pytest.mark.parametrize("what", TABLES)
def test_tables_hold_every_row_whole(demo, what, fmt):
    rows = read_rows(fmt, dump(demo, what, fmt))
    with Narrascope(demo, readonly=True) as nar:
        expected = _store_ids(nar, what)
        assert expected, f"the demo corpus has no {what}"
        assert sorted(r["id"] for r in rows) == sorted(expected)
        assert list(rows[0]) == [c.name for c in COLUMNS[what]]
        if what == "articles":
            for row in rows:  # text whole, not shortened as listings show it
                text = nar.article(row["id"]).text
                assert row["text"] == (as_csv(text, "text") if fmt == "csv" else text)
        if what == "narratives" and fmt != "csv":
            detail = nar.narrative(rows[0]["id"])
            assert rows[0]["article_count"] == detail.narrative.article_count
            assert rows[0]["recurring"] is True


def test_formats_agree_and_hostile_text_survives_or_is_defused(fictional):
    db, made = fictional
    for what in TABLES:
        jsonl = read_rows("jsonl", dump(db, what, "jsonl"))
        assert read_rows("parquet", dump(db, what, "parquet")) == jsonl
        cells = read_rows("csv", dump(db, what, "csv"))
        kinds = {c.name: c.type for c in COLUMNS[what]}
        assert cells == [{k: as_csv(v, kinds[k]) for k, v in row.items()} for row in jsonl]
        for row in cells:
            for value in row.values():
                assert not value.startswith(("=", "+", "-", "@")), f"{what}: a formula cell {value!r}"
    articles = {r["id"]: r for r in read_rows("jsonl", dump(db, "articles", "jsonl"))}
    assert sorted(articles) == sorted(made["articles"])
    assert {a["outlet"] for a in articles.values()} == {*OUTLETS, None}  # control characters kept
    statements = {r["content"] for r in read_rows("parquet", dump(db, "statements", "parquet"))}
    assert statements == set(CONTENTS)  # quotes, newlines, <script>, ]]>, whole long text
    entities = {r["id"]: r for r in read_rows("jsonl", dump(db, "entities", "jsonl"))}
    assert entities[ANA.id]["name"] == ANA.name
    assert sorted(entities[ANA.id]["aliases"]) == sorted(ANA.aliases)
    assert entities[ANA.id]["statements"] == 2
    [recurring] = read_rows("jsonl", dump(db, "narratives", "jsonl"))
    assert (recurring["label"], recurring["places"], recurring["recurring"]) == (LABEL, [PLACE.name], True)
    claims = read_rows("jsonl", dump(db, "claims", "jsonl"))
    assert [c["id"] for c in claims] == made["claims"]  # in the order linked
    assert {c["narrative_ids"][0] for c in claims} == {"n1recurring00000", "n2lone0000000000"}
    assert claims[0]["frames"] == ["partition:asserts"] and claims[0]["place_ids"] == [PLACE.id]
    raw = dump(db, "statements", "csv").decode()
    assert "'=cmd|' /C calc'" in raw and '""occupied"",\nsays' in raw  # defused; quoted, line kept


def test_gexf_escapes_hostile_names_and_counts_the_fictional_graph(fictional):
    db, made = fictional
    data = dump(db, "speaker-graph")
    assert b"<script" not in data and b"<b>" not in data and b"\x01" not in data and b"\x0b" not in data
    nodes, edges = read_gexf(data)
    assert nodes["narrative:n1recurring00000"]["label"] == LABEL.replace("\x01", "").replace("\x0b", "")
    assert nodes[f"speaker:{ANA.id}"]["label"] == ANA.name.replace("\x0b", "")
    assert nodes["outlet:=Wire|cmd"]["label"] == "=Wire|cmd"
    assert 'outlet:Harbor "Gazette" <b>\\u0001' in nodes  # an id keeps an illegal character, escaped
    found = {
        (e["source"], e["target"]): (e["kind"], e["weight"], e["stance"], e.get("own_voice")) for e in edges
    }
    assert found == {
        (f"speaker:{ANA.id}", "narrative:n1recurring00000"): ("says", 2.0, "mixed", None),
        (f"speaker:{ORG.id}", "narrative:n1recurring00000"): ("says", 1.0, "asserts", None),
        (f"speaker:{made['articles'][1]}/an official", "narrative:n1recurring00000"): ("says", 1.0, "asserts", None),
        ('outlet:Harbor "Gazette" <b>\\u0001', "narrative:n1recurring00000"): ("carries", 2.0, "asserts", "1"),
        ("outlet:=Wire|cmd", "narrative:n1recurring00000"): ("carries", 2.0, "asserts", "0"),
    }  # fmt: skip
    every, _ = read_gexf(dump(db, "speaker-graph", all_narratives=True))
    assert set(every) - set(nodes) == {"narrative:n2lone0000000000", "outlet:Plain Post",
                                       f"speaker:{made['articles'][2]}/an official"}  # fmt: skip
    nodes, edges = read_gexf(dump(db, "citation-graph"))
    assert {(e["source"], e["target"], e["weight"]) for e in edges} == {
        (
            "=Wire|cmd",
            'Harbor "Gazette" <b>\\u0001',
            2.0,
        ),  # self-citation and an outlet-less article left out
        ('Harbor "Gazette" <b>\\u0001', "=Wire|cmd", 1.0),
    }
    assert nodes["=Wire|cmd"] == {"label": "=Wire|cmd", "cites": "2", "cited": "1"}


def test_claimreview_json_ld_is_script_safe_and_reads_back(fictional, tmp_path):
    db, _ = fictional
    data = dump(
        db, "claimreview", publisher="Fact <Desk>", narratives=["n1rec"], ratings={"n1rec": " False "}
    )
    assert b"<" not in data and b">" not in data and b"&" not in data  # pasteable into <script> as it is
    [review] = json.loads(data)["@graph"]
    assert review["claimReviewed"] == LABEL
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "False"}
    assert review["author"] == {"@type": "Organization", "name": "Fact <Desk>"}
    claim = review["itemReviewed"]
    assert claim["author"] == {"@type": "Person", "name": ANA.name}  # the speaker of the first appearance
    assert claim["firstAppearance"]["datePublished"] == "2024-03-01"
    # the article that only denies the claim is no appearance of it
    assert [a["publisher"]["name"] for a in claim["appearance"]] == [OUTLETS[0], OUTLETS[1]]
    # a URL the pages would not link (data:, protocol-relative, spaces) is left out, as on the pages
    assert [a.get("url") for a in claim["appearance"]] == [URLS[0], None]
    assert claim["firstAppearance"]["url"] == URLS[0]
    path = tmp_path / "review.jsonld"
    path.write_bytes(data)
    [item], problems = read_watchlist(path)
    assert not problems
    assert (item.title, item.rating, item.reviewer) == (
        " ".join(LABEL.replace("\x01", " ").split()),
        "False",
        "Fact <Desk>",
    )
    assert (item.published, item.claimant) == ("2024-03-01", ANA.name.replace("\x0b", "").strip())


# -- the demo corpus: graphs and reviews against the store's own views -------------------------------------------
def test_speaker_and_citation_graphs_match_the_store(demo):
    with Narrascope(demo, readonly=True) as nar:
        details = [nar.narrative(n.id) for n in nar.narratives(limit=ALL)]
        citations = nar.citations()
    speakers, outlets = Counter(), Counter()
    for detail in details:
        for e in detail.evidence:
            target = f"narrative:{detail.narrative.id}"
            if e.statement_id and e.speaker:
                speakers[(f"speaker:{e.speaker_entity_id or e.article_id + '/' + e.speaker}", target)] += 1
            if e.outlet:
                outlets[(f"outlet:{e.outlet}", target)] += 1
    nodes, edges = read_gexf(dump(demo, "speaker-graph"))
    assert {(e["source"], e["target"]): e["weight"] for e in edges if e["kind"] == "says"} == speakers
    assert {(e["source"], e["target"]): e["weight"] for e in edges if e["kind"] == "carries"} == outlets
    assert {n for n in nodes if n.startswith("narrative:")} == {
        f"narrative:{d.narrative.id}" for d in details
    }
    assert {n for n in nodes if not n.startswith("narrative:")} == {s for s, _ in speakers} | {
        o for o, _ in outlets
    }
    assert sum(1 for n in nodes.values() if n["kind"] == "speaker" and n.get("entity_type") == "PERSON") >= 2
    nodes, edges = read_gexf(dump(demo, "citation-graph"))
    assert citations and sorted((e["source"], e["target"], int(e["weight"])) for e in edges) == sorted(
        citations
    )
    assert set(nodes) == {name for a, b, _ in citations for name in (a, b)}


def test_claimreview_round_trip_gives_the_narratives(demo, tmp_path):
    path = tmp_path / "reviews.jsonld"
    result = runner.invoke(app, ["export", "claimreview", "--db", demo, "-o", str(path), "--publisher",
                                 "Port Arden Fact Desk", "--publisher-url", "https://factdesk.example"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "reviewRating" not in path.read_text()  # no verdict unless the user gives one
    items, problems = read_watchlist(path)
    assert not problems
    with Narrascope(demo, readonly=True) as nar:
        found = nar.narratives(limit=ALL)
        details = {d.narrative.label: d for d in (nar.narrative(n.id) for n in found)}
    assert sorted(i.title for i in items) == sorted(" ".join(label.split()) for label in details)
    reviews = {r["claimReviewed"]: r for r in json.loads(path.read_text())["@graph"]}
    for item in items:
        assert (item.reviewer, item.rating) == ("Port Arden Fact Desk", None)
        detail = next(d for label, d in details.items() if " ".join(label.split()) == item.title)
        claim = reviews[detail.narrative.label]["itemReviewed"]
        asserting = {e.article_id for e in detail.evidence if e.stance != "denies"}
        assert len(claim["appearance"]) == len(asserting)
        if detail.first and detail.first.stance != "denies":
            assert item.claimant == detail.first.speaker
            assert item.published == detail.first.published == claim["firstAppearance"]["datePublished"]
    narrative = found[0].id
    rated = runner.invoke(app, ["export", "claimreview", "--db", demo, "--publisher", "Desk", "--narrative",
                                narrative[:6], "--rating", f"{narrative[:6]}=Misleading", "--review-url",
                                "https://factdesk.example/n/{id}"])  # fmt: skip
    assert rated.exit_code == 0, rated.output
    [review] = json.loads(rated.stdout)["@graph"]
    assert review["reviewRating"]["alternateName"] == "Misleading"
    assert review["url"] == f"https://factdesk.example/n/{narrative}"


# -- paging, filters, checks -----------------------------------------------------------------------------------
def test_pages_of_two_lose_and_repeat_nothing(demo, fictional, monkeypatch, small_pages):
    whole = {}
    for db in (demo, fictional[0]):
        for what, kind in EXPORTS.items():
            options = {"publisher": "Desk", "all_narratives": True} if what == "claimreview" else {}
            whole[(db, what)] = dump(db, what, kind.formats[-1] if what in TABLES else None, **options)
    assert max(small_pages) == 2 and len(small_pages) > 100
    monkeypatch.setattr(dumps, "PAGE_ROWS", 10_000)
    monkeypatch.setattr(dumps, "TEXT_PAGE_ROWS", 1_000)
    for (db, what), data in whole.items():
        options = {"publisher": "Desk", "all_narratives": True} if what == "claimreview" else {}
        expected = dump(db, what, EXPORTS[what].formats[-1] if what in TABLES else None, **options)
        if what in TABLES:  # Parquet row groups differ with the page size; the rows must not
            assert read_rows("parquet", data) == read_rows("parquet", expected), what
        else:
            assert data == expected, what


def test_filters_pick_the_same_records_as_the_listings(demo):
    with Narrascope(demo, readonly=True) as nar:
        for query in (ArticleQuery(outlet="the harbor gazette"), ArticleQuery(since="2024-03-12", until="2024-05-02"),
                      ArticleQuery(language="ru")):  # fmt: skip
            options = {
                "outlet": query.outlet,
                "since": query.since,
                "until": query.until,
                "language": query.language,
            }
            rows = read_rows("jsonl", dump(demo, "articles", "jsonl", **options))
            expected = [a.id for a in nar.articles(ArticleQuery(**options, limit=ALL))]
            assert expected and sorted(r["id"] for r in rows) == sorted(expected)
        said = read_rows("jsonl", dump(demo, "statements", "jsonl", outlet="The Harbor Gazette"))
        assert sorted(r["id"] for r in said) == sorted(
            s.id for s in nar.statements(StatementQuery(outlet="The Harbor Gazette", limit=ALL))
        )
        # a month is a whole month; narratives are those carried by at least one matching article
        march = read_rows(
            "jsonl", dump(demo, "narratives", "jsonl", since="2024-03", until="2024-03", all_narratives=True)
        )
        for row in march:
            assert any(
                e.published and e.published.startswith("2024-03") for e in nar.narrative(row["id"]).evidence
            )
        assert len(march) < nar.count_narratives(all_groups=True)
        gazette = read_rows("jsonl", dump(demo, "entities", "jsonl", outlet="The Harbor Gazette"))
        assert 0 < len(gazette) < len(nar.entities(EntityQuery(limit=ALL)))


@pytest.mark.parametrize(
    ("what", "fmt", "options", "code"),
    [
        ("tweets", "csv", {}, "E150"),
        ("statements", "gexf", {}, "E151"),
        ("claimreview", "csv", {"publisher": "Desk"}, "E151"),
        ("articles", "csv", {"all_narratives": True}, "E152"),
        ("statements", "csv", {"publisher": "Desk"}, "E152"),
        ("articles", "csv", {"since": "2024-13"}, "E153"),
        ("articles", "csv", {"until": "yesterday"}, "E153"),
        ("articles", "csv", {"since": "2024-02-30"}, "E153"),
        ("articles", "csv", {"since": "2024-06", "until": "2024-05-31"}, "E153"),
        ("claimreview", "jsonld", {}, "E154"),
        ("claimreview", "jsonld", {"publisher": "Desk", "narratives": ["ffff0000"]}, "E155"),
        ("claimreview", "jsonld", {"publisher": "Desk", "ratings": {"n1recurring00000": "False"}}, "E156"),
        ("claimreview", "jsonld", {"publisher": "Desk", "publisher_url": "javascript:alert(1)"}, "E158"),
    ],
)
def test_bad_requests_fail_before_writing_anything(fictional, what, fmt, options, code):
    out = io.BytesIO()
    with Narrascope(fictional[0], readonly=True) as nar, pytest.raises(NarrascopeError) as caught:
        export(nar, what, fmt, out, **options)
    assert caught.value.code == code
    assert out.getvalue() == b""


# -- the command line: whole files or none -----------------------------------------------------------------------
def test_cli_writes_whole_files_and_leaves_none_when_it_fails(demo, tmp_path, monkeypatch):
    path = tmp_path / "said.parquet"
    result = runner.invoke(
        app, ["export", "statements", "--db", demo, "-o", str(path), "--outlet", "The Harbor Gazette"]
    )
    assert result.exit_code == 0, result.output
    assert "statements records (parquet)" in result.output  # the format from the suffix
    assert pq.read_table(path).num_rows == len(
        read_rows("jsonl", dump(demo, "statements", "jsonl", outlet="The Harbor Gazette"))
    )
    piped = runner.invoke(app, ["export", "articles", "--db", demo, "-f", "parquet"])  # stdout is no terminal
    assert piped.exit_code == 0 and pq.read_table(io.BytesIO(piped.stdout_bytes)).num_rows == 10
    stdout = runner.invoke(app, ["export", "entities", "--db", demo, "-f", "jsonl"])
    assert stdout.exit_code == 0 and len(stdout.stdout.rstrip("\n").split("\n")) == len(
        read_rows("jsonl", dump(demo, "entities", "jsonl"))
    )

    def broken(pages, columns, out):
        out.write(b"id,text\r\nhalf a row")
        raise RuntimeError("disk gone")

    monkeypatch.setattr(exports, "write_csv", broken)
    path.write_bytes(b"the earlier export")
    failed = runner.invoke(app, ["export", "articles", "--db", demo, "-o", str(path), "-f", "csv"])
    assert isinstance(failed.exception, RuntimeError)
    assert path.read_bytes() == b"the earlier export"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
    bad = runner.invoke(
        app, ["export", "articles", "--db", demo, "-o", str(tmp_path / "no" / "such" / "dir.csv")]
    )
    assert bad.exit_code == 1 and "E159" in bad.output


def test_killed_export_leaves_no_partial_file(demo, tmp_path):
    path = tmp_path / "said.csv"
    path.write_text("the earlier export")
    script = textwrap.dedent(f"""
        import os, signal, sys
        from narrascope.serve import sink
        from narrascope.store import dumps
        dumps.PAGE_ROWS = 2
        flush, pages = sink.TextSink.flush, []
        def killing_flush(self):
            flush(self)
            pages.append(1)
            if len(pages) == 3:  # three pages are in the temporary file
                self.out.flush()
                os.kill(os.getpid(), signal.SIGKILL)
        sink.TextSink.flush = killing_flush
        from narrascope.cli import app
        app(["export", "statements", "--db", {demo!r}, "-o", {str(path)!r}])
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": SRC}, capture_output=True
    )
    assert done.returncode == -9, done.stderr.decode()
    assert path.read_text() == "the earlier export"
    [partial] = [p for p in tmp_path.iterdir() if p != path]
    assert partial.name.startswith(".said.csv.") and partial.read_bytes().count(b"\r\n") >= 3  # it was midway


def test_binary_format_refuses_a_terminal(demo):
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "narrascope", "export", "statements", "-f", "parquet", "--db", demo],
            stdout=follower, stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": SRC}, timeout=120,
        )  # fmt: skip
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 1
    assert b"E157" in done.stderr


# -- both back ends ----------------------------------------------------------------------------------------------
def test_exports_on_both_back_ends(db_url, small_pages):
    made = build_fictional(db_url)
    for what in TABLES:
        rows = read_rows("jsonl", dump(db_url, what, "jsonl"))
        assert read_rows("parquet", dump(db_url, what, "parquet")) == rows
        if what in made:
            assert sorted(r["id"] for r in rows) == sorted(made[what])
    claims = read_rows("jsonl", dump(db_url, "claims", "jsonl"))
    assert [c["id"] for c in claims] == made["claims"]
    nodes, edges = read_gexf(dump(db_url, "speaker-graph", all_narratives=True))
    assert (len(nodes), len(edges)) == (9, 7)
    nodes, edges = read_gexf(dump(db_url, "citation-graph"))
    assert (len(nodes), len(edges)) == (2, 2)
    reviews = json.loads(dump(db_url, "claimreview", publisher="Desk", all_narratives=True))["@graph"]
    assert sorted(r["claimReviewed"] for r in reviews) == sorted([LABEL, "Lone <claim>"])
    assert max(small_pages) == 2
