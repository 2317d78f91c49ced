"""The Spark job's pure parts, without Spark: file order and filters as ``discover``'s, furniture counted per
outlet and chunk as ingest counts it, entities kept as enrich's batches leave them in the store, and what
``load`` refuses."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from narrascope import pipeline
from narrascope.clean import LineCounter, repetition_group
from narrascope.enrich.enricher import Enricher
from narrascope.enrich.entities import EntityResolver
from narrascope.errors import NarrascopeError
from narrascope.ingest import IngestOptions, discover
from narrascope.model import Article, Document, Entity, article_id, content_hash
from narrascope.pipeline import clean_chunk, clean_one
from narrascope.scale import replay
from narrascope.scale.cleaning import furnish_groups
from narrascope.scale.listing import Listed, plan, seq_of, source_name
from narrascope.scale.load import load
from narrascope.store.sqlite import SQLiteStore


def spark_listing(top: Path) -> list[tuple[str, int]]:
    """What Spark's binaryFile source lists under ``top``: every file, names starting with . or _ left out."""
    found = []
    for folder, dirnames, filenames in os.walk(top):
        dirnames[:] = [d for d in dirnames if not d.startswith((".", "_"))]
        found += [
            (f"file:{os.path.join(folder, n)}", os.path.getsize(os.path.join(folder, n)))
            for n in filenames
            if not n.startswith((".", "_"))
        ]
    return found[::-1]  # Spark's order is no order


def test_files_are_kept_and_ordered_as_discover_does(tmp_path: Path) -> None:
    for name in ("b.txt", "b.txt.json", "a.html", "z.txt", "style.css", "notes.yaml", "sub/c.txt", "sub/x/d.txt",
                 "sub0/e.txt", "A/f.htm", ".hidden/g.txt", "doc.pdf", "big.html", "dump.jsonl"):  # fmt: skip
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x" * (50 if name == "big.html" else 5))
    options = IngestOptions(max_bytes=20)
    files, errors = plan([Listed(str(tmp_path), spark_listing(tmp_path)), Listed("/no/such", None)], options)
    expected, missing = discover([str(tmp_path), "/no/such"])
    read_or_rejected = sorted([*(f.index for f in files), *(seq >> 32 for seq, _ in errors if seq >= 0)])
    assert read_or_rejected == list(range(len(expected)))
    by_index = {f.index: source_name(f.uri) for f in files}
    assert [p for i, p in enumerate(expected) if i in by_index] == [by_index[i] for i in sorted(by_index)]
    assert [e for seq, e in errors if seq < 0] == missing
    rejected = {e.source.rsplit("/", 1)[1]: e.reason for seq, e in errors if seq >= 0}
    assert rejected == {"big.html": "too-large", "doc.pdf": "binary"}
    sidecars = {source_name(f.uri).rsplit("/", 1)[1]: f.sidecar for f in files if f.sidecar}
    assert sidecars == {"b.txt": f"file:{tmp_path}/b.txt.json"}


def test_a_file_named_as_input_is_read_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("text: an article kept in YAML")
    files, errors = plan([Listed(str(path), [(f"file:{path}", 29)])], IngestOptions())
    assert [source_name(f.uri) for f in files] == [str(path)] and not errors


def test_furniture_per_outlet_and_chunk_matches_ingest_chunks() -> None:
    """450 documents of two outlets interleaved, cleaned per outlet (as the job does) and per chunk of 200
    with one counter (as ingest does): the same furniture for every page. A line on two pages of the first
    chunk and one of the second is furniture only from the second chunk on, in both."""
    # no closing full stop: not a prose sentence, so repetition may learn it (``repetition.is_prose``)
    club = "The Tessaly kettle club meets at noon on Fridays in the old harbour hall, its secretary said"
    docs = []
    for i in range(450):
        outlet = "north" if i % 3 else "south"
        town = "".join(chr(ord("k") + int(d)) for d in str(i)).title()  # line keys fold digits, not names
        body = (
            f"The council of {town} met on Tuesday to discuss the {town} plan, which {town} residents oppose."
        )
        lines = [
            f"{outlet.title()} Courier",
            f"{town} plan debated",
            body,
            *([club] if i in (10, 20, 250) else []),
        ]
        docs.append(
            Document(
                f"/corpus/{outlet}/{i}.txt",
                "text",
                "\n\n".join(
                    [*lines, f"Residents of {town} may object to the plan until May, officials said."]
                ),
            )
        )
    counter = LineCounter()
    local = [r for start in range(0, 450, 200) for r in clean_chunk(docs[start : start + 200], counter)]
    keyed = sorted(((repetition_group(d), n), (seq_of(n, 0), d)) for n, d in enumerate(docs))
    replayed = {ordinal: clean_one(doc, furniture) for ordinal, _, doc, furniture in furnish_groups(keyed)}
    assert [replayed[n] for n in range(450)] == local
    assert club in local[10].text and club not in local[250].text


def test_load_refuses_an_unfinished_or_foreign_folder(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    store = SQLiteStore(tmp_path / "x.db")
    try:
        with pytest.raises(NarrascopeError, match="E502"):
            load(store, tmp_path)
    finally:
        store.close()


class CannedEnricher(Enricher):
    """NER by a regex instead of the model: resolution, the part that depends on order, is the real one."""

    NAMES = re.compile(r"Serge[iy] Lavrov")

    def _analyse_chunks(self, chunks):  # type: ignore[no-untyped-def]
        for texts in chunks:
            yield [self.analysis(text) for text in texts]

    @classmethod
    def analysis(cls, text: str):  # type: ignore[no-untyped-def]
        return [(m.start(), m.end(), "PERSON") for m in cls.NAMES.finditer(text)], [], None


def test_entities_are_kept_as_the_store_keeps_them_after_each_enrich_batch(tmp_path, monkeypatch) -> None:
    """Sergey is the canonical name after the first batch, Sergei after the second: the store keeps the name
    last written and every alias ever written, Sergei's included; the ordered pass gives the same."""
    monkeypatch.setattr(pipeline, "ENRICH_BATCH", 2)
    monkeypatch.setattr(replay, "ENRICH_BATCH", 2)
    texts = ["Sergey Lavrov spoke. Later Sergey Lavrov left.", "Sergei Lavrov agreed.",
             "Sergei Lavrov came. Sergei Lavrov went.", "Nobody is named here."]  # fmt: skip
    articles = [
        Article(article_id(content_hash(t)), content_hash(t), t, f"/in/{i}.txt") for i, t in enumerate(texts)
    ]
    store = SQLiteStore(tmp_path / "local.db")
    try:
        store.write_batch(store.start_run([]), articles, [], seen=len(articles))
        pipeline.enrich(store, CannedEnricher(EntityResolver()))
        local = store.known_entities()
    finally:
        store.close()
    stream = [row for i, a in enumerate(articles) for row in
              (((i, replay.READ), (i, a)), ((i, replay.ANALYSED), CannedEnricher.analysis(a.text)))]  # fmt: skip
    rows = list(replay.replay(stream, CannedEnricher(EntityResolver())))
    replayed = [Entity(*row) for name, row in rows if name == "entities"]
    lavrov = [e for e in local if "Lavrov" in e.name]
    assert [(e.name, e.aliases) for e in lavrov] == [("Sergei Lavrov", ("Sergei Lavrov", "Sergey Lavrov"))]
    assert [(e.id, e.name, e.type, tuple(e.aliases)) for e in replayed] == [
        (e.id, e.name, e.type, e.aliases) for e in local
    ]
