"""Link cost per new article against a small and a large store: does linking slow down as the corpus grows?

    python bench/link.py [--sizes 10000,200000] [--new 200] [--claims 3] [--repeat 1] [--profile]
                         [--keep DIR [--reuse]] [--sqlite-cache-mb MB]

For each size N, each phase in a fresh process (so that peak RSS belongs to that phase alone):
  - generate: a store of N *synthetic* linked articles, written straight to the tables (no NLP): articles,
    enrichments, statements and mentions (places from a pool of 200 place entities, 2,000 speakers),
    article_links (random MinHash signatures, 3 % near-copies, their band rows), stories, claims
    (``--claims`` per article on average, 4 % with a frame such as ``partition:asserts``), narratives
    (per frame and region of places, so frame narratives grow with N as the linker's do; and similarity
    groups of 2-6 claims) with their claims and places. Vectors: a pool of real USE vectors (leads and
    sentences of PolNeAR train articles not linked below) plus noise: an article is its story's vector at
    cosine 0.80-0.95, a story a pool lead at 0.75-0.90, a claim a pool sentence at 0.85-0.97. So a new
    article meets neighbours that look like real ones, not near-orthogonal random vectors.
  - rebuild: open the linker without index files: the HNSW indexes are rebuilt from the tables (and saved).
  - prepare: ``Narrascope.ingest`` + ``enrich`` of the ``--new`` real articles (PolNeAR dev, then train)
    into the same store, for real (spaCy). A copy of the store is kept, so that linking can be repeated.
  - link: ``Narrascope.link()`` over them. The linker's start (opening the saved indexes) and the encoder
    are timed apart: the per-article figure is link time minus both. Each store query, linker step and
    index operation is timed too (inclusive times), so that a step growing with N shows in the table.
Prints per-article link cost at each N, the ratio of the largest N to the smallest, index open/rebuild
times, peak RSS and the per-step breakdown. The machine may be shared: ``--repeat`` links each size
several times (sizes taking turns, the store restored each time) and keeps the fastest; the encoder's
time (constant work) and the load average show how busy the machine was.

Synthetic articles carry ~3 claims; real ones ~20 (PolNeAR: 4,300 claims for 200 articles), so a real
store of N articles holds ~7x the claim vectors and rows.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import hashlib
import io
import json
import os
import pstats
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from narrascope.link.linker import Linker
    from narrascope.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
POLNEAR = SHARED / "eval" / "polnear"
DIM = 512
CHUNK = 5000  # synthetic articles per transaction
START = date(2015, 1, 1)
DAYS = 730  # synthetic articles spread over two years, oldest first
FRAME_SHARE = 0.04
SIMILAR_SHARE = 0.10  # claims without a frame that sit in a similarity narrative (groups of 2-6)
COPY_SHARE = 0.03
REGIONS = 4  # places fall into 4 regions of 50; an article's places come from one region

PLACES = (  # real names first (the new articles name them too), split on |
    "United States|Russia|Syria|China|Mexico|Canada|Iran|Iraq|Israel|Ukraine|United Kingdom|France|"
    "Germany|North Korea|Japan|Turkey|Saudi Arabia|Afghanistan|Cuba|Venezuela|Europe|Libya|Egypt|India|"
    "Pakistan|Brazil|Yemen|Jordan|Lebanon|Qatar|Alabama|Alaska|Arizona|Arkansas|California|Colorado|"
    "Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|"
    "Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|Nebraska|Nevada|"
    "New Hampshire|New Jersey|New Mexico|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|"
    "Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|"
    "West Virginia|Wisconsin|Wyoming|Chicago|Los Angeles|Philadelphia|Cleveland|Detroit|Miami|Baghdad|"
    "Aleppo|Mosul|Kabul"
)
GIVEN = "Anna Ben Carla David Elena Frank Grace Hugo Irene Jack Karen Leo Maria Nick Olga Paul Rita Sam Tara Victor"
SURNAMES = (
    "Adams Baker Clark Davis Evans Foster Grant Hughes Irwin Jones Keller Lewis Moore Nolan Owens Parker "
    "Quinn Reed Stone Turner Upton Vance Walsh Young Zimmer Abbott Bishop Carter Dunn Ellis Fisher Gray "
    "Hayes Ingram Jensen Knight Lane Mason Norris Porter Rhodes Shaw Tucker Wade Webb Wolfe Wright Yates "
    "Barnes Cole"
)


# -- helpers ----------------------------------------------------------------------------------------------
def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-9)


def jitter(base: np.ndarray, low: float, high: float, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors at a cosine drawn from [low, high] to each row of ``base`` (unit rows)."""
    noise = rng.standard_normal(base.shape).astype(np.float32)
    noise = unit(noise - (noise * base).sum(-1, keepdims=True) * base)
    cos = rng.uniform(low, high, size=(len(base), 1)).astype(np.float32)
    return base * cos + noise * np.sqrt(1 - cos**2)


def sources(new: int) -> tuple[list[Path], list[Path]]:
    """(texts for the new articles, texts for the vector pool): disjoint, PolNeAR dev then train."""
    dev = sorted((POLNEAR / "dev" / "text").glob("*.txt"))
    train = sorted((POLNEAR / "train" / "text").glob("*.txt"))
    texts = dev + train
    if not texts:
        demo = ROOT / "src" / "narrascope" / "data" / "demo"
        texts = sorted(demo.rglob("*.txt"))
        return texts, texts
    return texts[:new], texts[new:] or texts


def write_new(folder: Path, files: list[Path], n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        text = files[i % len(files)].read_text(encoding="utf-8")
        if i >= len(files):  # repeated texts must still be distinct articles
            text += f"\n\nCopy {i}."
        (folder / f"new-{i:04d}.txt").write_text(text, encoding="utf-8")


def phase_proc(name: str, **kwargs: object) -> dict:
    """Run one phase in a fresh process; its last stdout line is its JSON result."""
    cmd = [sys.executable, __file__, "--phase", name, json.dumps(kwargs)]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- phase: vector pool -----------------------------------------------------------------------------------
def phase_pool(work: str, new: int) -> dict:
    """Real USE vectors of leads and sentences, shared by every size (about 15 s of encoding)."""
    from narrascope.link.embed import shared_encoder
    from narrascope.link.linker import lead_text
    from narrascope.model import Article
    from narrascope.sentences import split_sentences

    _, pool_files = sources(new)
    rng = random.Random(5)
    leads, sentences = [], []
    for path in pool_files:
        text = path.read_text(encoding="utf-8")
        lines = [line for line in text.splitlines() if line.strip()]
        title = lines[0] if lines else ""
        body = "\n".join(lines[1:])
        leads.append((title, lead_text(Article("x", "x", body, "x", title=title))))
        for s in split_sentences(body):
            piece = body[s.start : s.end].strip()
            if 8 <= len(piece.split()) <= 40 and '"' not in piece:
                sentences.append(piece)
    rng.shuffle(sentences)
    sentences = sentences[:2000]
    start = time.perf_counter()
    encoder = shared_encoder()
    lead_vectors = encoder.encode([lead for _, lead in leads])
    claim_vectors = encoder.encode(sentences)
    np.savez(Path(work) / "pool.npz", leads=lead_vectors, claims=claim_vectors)
    (Path(work) / "pool.json").write_text(
        json.dumps(
            {"titles": [t for t, _ in leads], "leads": [lead for _, lead in leads], "claims": sentences}
        )
    )
    return {"leads": len(leads), "claims": len(sentences), "seconds": time.perf_counter() - start}


# -- phase: synthetic store -------------------------------------------------------------------------------
def _places() -> list[tuple[str, str, str]]:
    """200 (entity id, name, type): real names first (ids as the enricher makes them), then made-up towns."""
    from narrascope.enrich.entities import EntityResolver, entity_id
    from narrascope.enrich.names import name_key

    resolver = EntityResolver()
    names = PLACES.split("|") + [f"Ostvale {k}" for k in range(200 - len(PLACES))]
    out, seen = [], set()
    for name in names:
        found = resolver.lookup(name, "GPE")
        row = (found.id, found.name, found.type) if found else (entity_id("GPE", name_key(name)), name, "GPE")
        if row[0] not in seen:
            seen.add(row[0])
            out.append(row)
    return out


def _speakers() -> list[tuple[str, str, str]]:
    from narrascope.enrich.entities import entity_id
    from narrascope.enrich.names import name_key

    names = [f"{g} {s}" for s in SURNAMES.split() for g in GIVEN.split()][:2000]
    return [(entity_id("PERSON", name_key(n)), n, "PERSON") for n in names]


class _Text:
    """Appends pieces to an article text and answers where each one starts."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def __call__(self, piece: str) -> int:
        self.parts.append(piece)
        self.pos += len(piece)
        return self.pos - len(piece)

    def text(self) -> str:
        return "".join(self.parts)


def _sha(*parts: object, n: int = 16) -> str:
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:n]


class _Narratives:
    """The narratives the synthetic claims form, with the counts the linker would keep."""

    def __init__(self) -> None:
        self.rows: dict[str, dict] = {}
        self.frame_open: dict[tuple[str, int], str] = {}
        self.similar_open: dict[int, tuple[str, int]] = {}

    def _new(self, nid: str, frame: str | None, claim: tuple, now: str) -> dict:
        row = {"frame": frame, "label": claim[0][:300], "label_claim": claim[1], "created": now,
               "claims": 0, "articles": set(), "outlets": set(), "stories": set(), "dates": set(),
               "denials": 0, "places": set()}  # fmt: skip
        self.rows[nid] = row
        return row

    def add(self, nid: str, claim: tuple, stance: str, places: tuple[str, ...], article: tuple) -> None:
        row = self.rows[nid]
        row["claims"] += 1
        root, outlet, story, published = article
        row["articles"].add(root)
        row["outlets"].add(outlet)
        row["stories"].add(story)
        row["dates"].add(published)
        row["denials"] += stance == "denies"
        row["places"].update(places)

    def frame(self, frame: str, region: int, claim: tuple, now: str) -> str:
        key = (frame, region)
        if key not in self.frame_open:
            nid = _sha("narrative", frame, claim[1])
            self.frame_open[key] = nid
            self._new(nid, frame, claim, now)
        return self.frame_open[key]

    def similar(self, pool_index: int, claim: tuple, now: str, rng: random.Random) -> str:
        nid, left = self.similar_open.get(pool_index, ("", 0))
        if left <= 0:
            nid, left = _sha("narrative", "", claim[1]), rng.randint(2, 6)
            self._new(nid, None, claim, now)
        self.similar_open[pool_index] = (nid, left - 1)
        return nid

    def facets(self) -> Iterator[tuple[str, str, str]]:
        """The distinct originals, outlets, stories and dates each narrative reached (``narrative_facets``)."""
        for nid, r in self.rows.items():
            for facet, key in (
                ("article", "articles"),
                ("outlet", "outlets"),
                ("story", "stories"),
                ("date", "dates"),
            ):
                yield from ((nid, facet, value) for value in sorted(v for v in r[key] if v))

    def table(self) -> Iterator[tuple]:
        for nid, r in self.rows.items():
            dates = sorted(d for d in r["dates"] if d)
            articles, outlets, stories = len(r["articles"]), len(r["outlets"]), len(r["stories"])
            recurring = int(articles >= 2 and (outlets >= 2 or stories >= 2 or len(dates) >= 2))
            yield (nid, r["label"], r["label_claim"], r["frame"], dates[0] if dates else None,
                   dates[-1] if dates else None, r["claims"], articles, outlets, stories, r["denials"],
                   recurring, r["created"])  # fmt: skip


def phase_generate(work: str, db: str, n: int, claims: float, seed: int = 11) -> dict:
    """Write ``n`` synthetic linked articles with executemany, ``CHUNK`` articles per transaction."""
    from narrascope.enrich.enricher import Enricher
    from narrascope.enrich.entities import EntityResolver
    from narrascope.link import duplicates as dup
    from narrascope.link import lexical
    from narrascope.link.claims import claim_id
    from narrascope.link.frames import load_frames
    from narrascope.link.linker import pipeline_version
    from narrascope.model import content_hash
    from narrascope.places import load_gazetteer
    from narrascope.store import open_store
    from narrascope.store.migrations import NARRATIVE_SUMMARIES, split_sql

    start = time.perf_counter()
    store = open_store(db)  # creates the schema
    store.close()
    pool = np.load(Path(work) / "pool.npz")
    texts = json.loads((Path(work) / "pool.json").read_text())
    lead_pool, claim_pool = unit(pool["leads"]), unit(pool["claims"])
    frames = [f.name for f in load_frames()]
    frame_weights = [1 / (k + 1) for k in range(len(frames))]
    link_pipeline = pipeline_version(load_frames(), load_gazetteer())
    enrich_pipeline = Enricher(EntityResolver()).pipeline
    places, speakers = _places(), _speakers()
    outlets = [
        line.split(",")[0] for line in (ROOT / "src/narrascope/data/outlets.csv").read_text().splitlines()[1:]
    ]
    rng, nrng = random.Random(seed), np.random.default_rng(seed)
    now = "2017-01-01T00:00:00+00:00"

    conn = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -1000000", "temp_store = MEMORY"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO entities (id, name, type) VALUES (?, ?, ?)", places + speakers)
    conn.execute("COMMIT")

    # Stories: runs of consecutive articles (geometric sizes, mean ~2.8), each around a pool lead.
    sizes = np.minimum(nrng.geometric(0.35, size=n), 12)
    story_of = np.repeat(np.arange(len(sizes)), sizes)[:n]
    n_stories = int(story_of[-1]) + 1
    story_pool = nrng.integers(0, len(lead_pool), size=n_stories)
    story_base = jitter(lead_pool[story_pool], 0.75, 0.90, nrng)
    story_ids = [_sha("story", s) for s in range(n_stories)]
    story_rows: dict[int, list] = {}
    narratives = _Narratives()
    article_seq, claim_seq = 0, 0
    prev: dict[str, object] = {}  # the previous article, for copies within a story
    region_weights = [0.55, 0.2, 0.15, 0.1]
    place_weights = [1 / (k + 1) for k in range(50)]
    counts = Counter()
    words: Counter[str] = Counter()  # the story step's document frequencies (link_terms)

    for lo in range(0, n, CHUNK):
        hi = min(n, lo + CHUNK)
        vectors = jitter(story_base[story_of[lo:hi]], 0.80, 0.95, nrng).astype(np.float16)
        signatures = nrng.integers(0, 2**32 - 1, size=(hi - lo, dup.NUM_PERM), dtype=np.uint32)
        n_claims = [max(1, round(rng.uniform(0.5, 2 * claims - 0.5))) for _ in range(hi - lo)]
        pool_idx = nrng.integers(0, len(claim_pool), size=sum(n_claims))
        claim_vectors = jitter(claim_pool[pool_idx], 0.85, 0.97, nrng).astype(np.float16)
        rows: dict[str, list] = defaultdict(list)
        k = 0
        for j, i in enumerate(range(lo, hi)):
            story = int(story_of[i])
            published = (START + timedelta(days=i * DAYS // n)).isoformat()
            outlet = rng.choice(outlets)
            title = f"{texts['titles'][story_pool[story]][:120]} ({i})"
            region = rng.choices(range(REGIONS), region_weights)[0]
            chosen = sorted(set(rng.choices(range(50), place_weights, k=rng.randint(1, 4))))
            art_places = [places[min(region * 50 + p, len(places) - 1)] for p in chosen]
            put = _Text()
            put(texts["leads"][story_pool[story]] + " ")
            aid_mentions = []
            for pid, pname, _ in art_places:
                for _ in range(rng.randint(1, 3)):
                    put("Officials in ")
                    at = put(pname)
                    put(" were watching closely. ")
                    aid_mentions.append((pid, at, at + len(pname), pname, "GPE"))
            statements, claim_rows = [], []
            for _ in range(n_claims[j]):
                sid_, sname, _ = rng.choice(speakers)
                ctext = texts["claims"][pool_idx[k]]
                s0 = put(sname)
                c_at = put(" said ")
                c0 = put(ctext)
                put(" ")
                statements.append((s0, c_at + 1, c_at + 5, c0, c0 + len(ctext), sid_, sname, ctext))
                claim_rows.append((ctext, k))
                k += 1
            put(f"Reference {i}.")
            text = put.text()
            chash = content_hash(text)
            aid = chash[:16]
            story_id = story_ids[story]
            copy_of, copy_score, story_score = None, None, None
            signature = signatures[j]
            if prev.get("story") == story and rng.random() < COPY_SHARE / 0.6:
                copy_of = prev["copy_of"] or prev["id"]
                signature = prev["signature"].copy()  # type: ignore[union-attr]
                signature[rng.sample(range(dup.NUM_PERM), 10)] = signatures[j][:10]
                copy_score, story_score = 0.92, 1.0
                counts["copies"] += 1
            elif prev.get("story") == story:
                story_score = round(rng.uniform(0.6, 0.9), 4)
            prev = {"id": aid, "story": story, "copy_of": copy_of, "signature": signature}
            article_seq += 1
            rows["articles"].append((aid, chash, text, f"synthetic:{i}", f"https://example.org/{i}", outlet,
                                     title, None, published, "meta", "en", len(text.split()), now))  # fmt: skip
            rows["enrichments"].append((aid, enrich_pipeline, now))
            rows["mentions"] += [(aid, *m) for m in aid_mentions]
            for s0, cue0, cue1, c0, c1, sid_, sname, ctext in statements:
                rows["statements"].append((hashlib.sha1(f"{aid}:{cue0}:{c0}".encode()).hexdigest()[:16], aid,
                                           "indirect", sname, "said", ctext, c0, c1, cue0, cue1, s0, c1, s0,
                                           s0 + len(sname), sid_, sname, None, "asserts", published))  # fmt: skip
            rows["article_links"].append((aid, article_seq, link_pipeline, now, signature.tobytes(),
                                          vectors[j].tobytes(), copy_of, copy_score, story_id, story_score,
                                          None, None))  # fmt: skip
            rows["article_bands"] += [(b, key, aid) for b, key in enumerate(dup.band_keys(signature))]
            words.update(lexical.terms(f"{title}. {text}").keys())
            st = story_rows.setdefault(story, [story_id, title, published, published, 0])
            st[3] = published
            st[4] += 1
            place_ids = tuple(sorted(p[0] for p in art_places[:2]))
            root = copy_of or aid
            for (s0, cue0, _, c0, c1, sid_, sname, ctext), (_, ck) in zip(
                statements, claim_rows, strict=True
            ):
                claim_seq += 1
                cid = claim_id(aid, c0, c1)
                stance = "denies" if rng.random() < 0.05 else "asserts"
                frame = rng.choices(frames, frame_weights)[0] if rng.random() < FRAME_SHARE else None
                sid = hashlib.sha1(f"{aid}:{cue0}:{c0}".encode()).hexdigest()[:16]
                rows["claims"].append((cid, claim_seq, aid, sid, ctext, c0, c1, s0, c1, sname, sid_, stance,
                                       f"{frame}:{stance}" if frame else "", "", " ".join(place_ids),
                                       claim_vectors[ck].tobytes()))  # fmt: skip
                claim = (ctext, cid)
                article = (root, outlet, story_id, published)
                if frame:
                    nid = narratives.frame(frame, region, claim, now)
                    narratives.add(nid, claim, stance, place_ids, article)
                    rows["narrative_claims"].append(
                        (nid, cid, stance, 1.0, f"frame {frame}: “{frame}”", claim_seq)
                    )
                elif rng.random() < SIMILAR_SHARE:
                    nid = narratives.similar(int(pool_idx[ck]), claim, now, rng)
                    narratives.add(nid, claim, stance, (), article)
                    rows["narrative_claims"].append(
                        (nid, cid, stance, 0.85, f"similar 0.85 to “{cid}”", claim_seq)
                    )
        conn.execute("BEGIN")
        for table, values in rows.items():
            marks = ", ".join("?" * len(values[0]))
            columns = _COLUMNS[table]
            conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values)
        conn.execute("COMMIT")
        counts["claims"] += len(rows["claims"])
        print(f"  generated {hi:,} / {n:,} articles ({time.perf_counter() - start:.0f} s)", file=sys.stderr)

    conn.execute("BEGIN")
    conn.executemany("INSERT INTO link_terms (term, articles) VALUES (?, ?)", words.items())
    conn.executemany("INSERT INTO stories (id, label, first_seen, last_seen, article_count) VALUES (?, ?, ?, ?, ?)",
                     story_rows.values())  # fmt: skip
    conn.executemany(
        "INSERT INTO narratives (id, label, label_claim_id, frame, first_seen, last_seen, claim_count,"
        " article_count, outlet_count, story_count, denial_count, recurring, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        narratives.table(),
    )
    conn.executemany(
        "INSERT INTO narrative_places (narrative_id, place_id) VALUES (?, ?)",
        [(nid, p) for nid, r in narratives.rows.items() for p in sorted(r["places"])],
    )
    conn.executemany(
        "INSERT INTO narrative_facets (narrative_id, facet, value) VALUES (?, ?, ?)",
        narratives.facets(),
    )
    conn.execute("COMMIT")
    conn.execute("BEGIN")  # the narratives' day and speaker summaries, as the linker keeps them
    for statement in split_sql(NARRATIVE_SUMMARIES.format(where="TRUE")):
        conn.execute(statement)
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    biggest = max((r["claims"] for r in narratives.rows.values() if r["frame"]), default=0)
    return {
        "articles": n,
        "claims": counts["claims"],
        "copies": counts["copies"],
        "stories": n_stories,
        "narratives": len(narratives.rows),
        "largest_frame_narrative": biggest,
        "seconds": time.perf_counter() - start,
        "db_mb": Path(db).stat().st_size / 2**20,
        "rss_mb": peak_rss_mb(),
    }


_COLUMNS = {
    "articles": "id, content_hash, text, source, url, outlet, title, author, published, date_source, language,"
    " word_count, ingested_at",
    "enrichments": "article_id, pipeline, enriched_at",
    "mentions": "article_id, entity_id, start_char, end_char, text, label",
    "statements": "id, article_id, kind, speaker, cue, content, content_start, content_end, cue_start, cue_end,"
    " sentence_start, sentence_end, speaker_start, speaker_end, speaker_entity_id, speaker_name, role, stance,"
    " published",
    "article_links": "article_id, seq, pipeline, linked_at, signature, vector, copy_of, copy_score, story_id,"
    " story_score, story_via, story_word_score",
    "article_bands": "band, bucket, article_id",
    "claims": "id, seq, article_id, statement_id, text, text_start, text_end, sentence_start, sentence_end,"
    " speaker, speaker_entity_id, stance, frames, entity_ids, place_ids, vector",
    "narrative_claims": "narrative_id, claim_id, stance, score, via, claim_seq",
}


# -- phase: index rebuild ---------------------------------------------------------------------------------
def _linker(store: SQLiteStore) -> Linker:
    """The Linker as ``Narrascope.link()`` builds it."""
    from narrascope.link.citations import load_media
    from narrascope.link.embed import shared_encoder
    from narrascope.link.frames import load_frames
    from narrascope.link.linker import Linker

    return Linker(store, load_frames(None), load_media(None), shared_encoder())


def phase_rebuild(db: str) -> dict:
    """No index files beside the store: the linker rebuilds both HNSW indexes from the tables."""
    from narrascope.store import open_store

    for name in ("articles", "claims", "watch"):
        Path(f"{db}.{name}.usearch").unlink(missing_ok=True)
    store = open_store(db)
    start = time.perf_counter()
    linker = _linker(store)
    seconds = time.perf_counter() - start
    result = {
        "seconds": seconds,
        "article_vectors": len(linker.article_index),
        "claim_vectors": len(linker.claim_index),
        "index_mb": sum(Path(f"{db}.{n}.usearch").stat().st_size for n in ("articles", "claims")) / 2**20,
        "rss_mb": peak_rss_mb(),
    }
    store.close()
    return result


# -- phase: ingest + enrich the new articles ----------------------------------------------------------------
def phase_prepare(db: str, folder: str) -> dict:
    from narrascope.app import Narrascope

    start = time.perf_counter()
    with Narrascope(db) as nar:
        ingested = nar.ingest([folder])
        t_enrich = time.perf_counter()
        report = nar.enrich(processes=2)
    end = time.perf_counter()
    return {
        "stored": ingested.stored,
        "enriched": report.articles,
        "statements": report.statements,
        "ingest_s": t_enrich - start,
        "enrich_s": end - t_enrich,
        "rss_mb": peak_rss_mb(),
    }


# -- phase: link ----------------------------------------------------------------------------------------------
class Timers:
    """Inclusive wall time and calls per wrapped function (nested ones count in their callers too)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()

    def wrap(self, owner: object, name: str, label: str) -> None:
        original: Callable = getattr(owner, name)

        def timed(*args: object, **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - start
                self.calls[label] += 1

        setattr(owner, name, timed)

    @contextlib.contextmanager
    def commit_timer(self, store: SQLiteStore) -> Iterator[None]:
        """``store.transaction`` with the COMMIT timed apart."""
        original = store.transaction

        @contextlib.contextmanager
        def transaction() -> Iterator[sqlite3.Connection]:
            cm = original()
            conn = cm.__enter__()
            try:
                yield conn
            except BaseException:
                if not cm.__exit__(*sys.exc_info()):
                    raise
            else:
                start = time.perf_counter()
                cm.__exit__(None, None, None)
                self.seconds["sql COMMIT"] += time.perf_counter() - start
                self.calls["sql COMMIT"] += 1

        store.transaction = transaction
        yield


def _instrument(timers: Timers, store: SQLiteStore) -> None:
    from narrascope.link import citations, duplicates, linker, watch
    from narrascope.link.embed import shared_encoder
    from narrascope.store.linking import LinkTables
    from narrascope.store.vectors import VectorIndex

    for name, value in vars(LinkTables).items():
        if callable(value) and not name.startswith("_"):
            timers.wrap(type(store), name, f"sql {name}")
    for name in ("_link_article", "_original", "_story", "_link_claim", "_link_by_similarity",
                 "_closest_narrative", "_refresh_narrative"):  # fmt: skip
        timers.wrap(linker.Linker, name, f"Linker.{name}")
    timers.wrap(linker.Linker, "__init__", "index open (Linker start)")
    timers.wrap(watch.Watcher, "match_claim", "Watcher.match_claim")
    for name in ("search", "add", "save"):
        timers.wrap(VectorIndex, name, f"VectorIndex.{name}")
    timers.wrap(linker, "build_claims", "build_claims")
    timers.wrap(duplicates, "signature", "minhash signature")
    timers.wrap(citations, "find_citations", "find_citations")
    timers.wrap(shared_encoder(), "encode", "encoder")


def phase_link(db: str, profile: str | None, cache_mb: int) -> dict:
    from narrascope.app import Narrascope
    from narrascope.link.embed import shared_encoder

    shared_encoder().encode(["warm up"])  # model load is one-off, not linking
    timers = Timers()
    load = os.getloadavg()[0]
    with Narrascope(db) as nar:
        if cache_mb:  # an experiment: the store keeps SQLite's default 2 MB page cache
            nar.store.conn.execute(f"PRAGMA cache_size = -{cache_mb * 1024}")
        _instrument(timers, nar.store)
        profiler = cProfile.Profile() if profile else None
        with timers.commit_timer(nar.store):
            start = time.perf_counter()
            if profiler:
                profiler.enable()
            report = nar.link()
            if profiler:
                profiler.disable()
            total = time.perf_counter() - start
    if profiler and profile:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
        Path(profile).write_text(out.getvalue())
    opened = timers.seconds["index open (Linker start)"]
    encoder = timers.seconds["encoder"]
    return {
        "articles": report.articles,
        "claims": report.claims,
        "copies": report.copies,
        "new_stories": report.new_stories,
        "narratives_touched": len(report.narratives_touched),
        "total_s": total,
        "open_s": opened,
        "encoder_s": encoder,
        "link_s": total - opened - encoder,
        "steps": {k: [v, timers.calls[k]] for k, v in timers.seconds.items()},
        "rss_mb": peak_rss_mb(),
        "load": max(load, os.getloadavg()[0]),
    }


PHASES: dict[str, Callable[..., dict]] = {
    "pool": phase_pool,
    "generate": phase_generate,
    "rebuild": phase_rebuild,
    "prepare": phase_prepare,
    "link": phase_link,
}


# -- driver ----------------------------------------------------------------------------------------------------
def report(sizes: list[int], runs: dict[int, dict], new: int) -> None:
    lo, hi = sizes[0], sizes[-1]
    header = f"{'':<44}" + "".join(f"{f'N={n:,}':>14}" for n in sizes)
    if len(sizes) > 1:
        header += f"{'ratio':>9}"
    print("\n" + header)

    def line(label: str, values: list[float], fmt: str = "{:.1f}", ratio: bool = True) -> None:
        text = f"{label:<44}" + "".join(f"{fmt.format(v):>14}" for v in values)
        if ratio and len(values) > 1 and values[0]:
            text += f"{values[-1] / values[0]:>8.2f}x"
        print(text)

    g = {n: runs[n]["generate"] for n in sizes}
    r = {n: runs[n]["rebuild"] for n in sizes}
    p = {n: runs[n]["prepare"] for n in sizes}
    k = {n: runs[n]["link"] for n in sizes}
    line("stored claims (synthetic)", [g[n]["claims"] for n in sizes], "{:,.0f}")
    line("largest frame narrative (claims)", [g[n]["largest_frame_narrative"] for n in sizes], "{:,.0f}")
    line("database size (MB)", [g[n]["db_mb"] for n in sizes], "{:,.0f}")
    line("generate store (s)", [g[n]["seconds"] for n in sizes])
    line("index rebuild from tables (s)", [r[n]["seconds"] for n in sizes])
    line("index files (MB)", [r[n]["index_mb"] for n in sizes], "{:,.0f}")
    line("  peak RSS of rebuild (MB)", [r[n]["rss_mb"] for n in sizes], "{:,.0f}")
    line(f"ingest {new} new articles (s)", [p[n]["ingest_s"] for n in sizes])
    line(f"enrich {new} new articles (s)", [p[n]["enrich_s"] for n in sizes])
    line("index open from files (s, once per run)", [k[n]["open_s"] for n in sizes], "{:.2f}")
    line("encoder (ms/article, constant)", [1000 * k[n]["encoder_s"] / new for n in sizes])
    line("LINK (ms/article, no encoder, no open)", [1000 * k[n]["link_s"] / new for n in sizes])
    line("  of which index save (ms/article)",
         [1000 * k[n]["steps"].get("VectorIndex.save", [0])[0] / new for n in sizes])  # fmt: skip
    line("  of which articles_to_link (ms/article)",
         [1000 * k[n]["steps"].get("sql articles_to_link", [0])[0] / new for n in sizes])  # fmt: skip
    line("link articles/s (no encoder)", [new / k[n]["link_s"] for n in sizes])
    if len(k[lo]["all_link_s"]) > 1:
        for n in sizes:
            each = ", ".join(f"{1000 * s / new:.0f}" for s in k[n]["all_link_s"])
            print(f"{'':<4}N={n:,}: each link run, ms/article: {each} (the fastest counts)")
    line("peak RSS of link (MB)", [k[n]["rss_mb"] for n in sizes], "{:,.0f}")
    line(f"load average during link (cores: {os.cpu_count()})", [k[n]["load"] for n in sizes],
         "{:.1f}", ratio=False)  # fmt: skip
    line("new claims linked", [k[n]["claims"] for n in sizes], "{:,.0f}", ratio=False)
    line("new stories started", [k[n]["new_stories"] for n in sizes], "{:,.0f}", ratio=False)
    line("narratives touched", [k[n]["narratives_touched"] for n in sizes], "{:,.0f}", ratio=False)

    print(f"\nsteps (inclusive ms per new article; calls at N={hi:,}), largest at N={hi:,} first:")
    steps = k[hi]["steps"]
    for label in sorted(steps, key=lambda s: -steps[s][0])[:30]:
        values = [1000 * k[n]["steps"].get(label, [0, 0])[0] / new for n in sizes]
        text = f"  {label:<42}" + "".join(f"{v:>14.2f}" for v in values)
        if len(sizes) > 1 and values[0] > 0:
            text += f"{values[-1] / values[0]:>8.2f}x"
        print(text + f"   {steps[label][1]:>7,}")
    if len(sizes) > 1:
        ratio = k[hi]["link_s"] / k[lo]["link_s"]
        verdict = "grows with the corpus" if ratio > 1.5 else "roughly flat"
        print(f"\nlink cost per article, N={hi:,} / N={lo:,}: {ratio:.2f}x ({verdict})")
        canary = k[hi]["encoder_s"] / k[lo]["encoder_s"]
        if canary > 1.3 or canary < 0.77:
            print(
                f"warning: the encoder (constant work) ran {canary:.2f}x as long at N={hi:,}: the machine was"
                " busier in one run; compare the steps, or rerun the link phases with --keep DIR --reuse"
            )


def restore(db: Path) -> None:
    """Put the store back as it was before linking (the copy in ``prepared/``)."""
    for path in db.parent.glob("link.db*"):
        path.unlink()
    for path in (db.parent / "prepared").iterdir():
        shutil.copyfile(path, db.parent / path.name)


def build(db: Path, n: int, work: Path, folder: Path, args: argparse.Namespace) -> dict:
    """Generate, rebuild the indexes, ingest + enrich the new articles; keep a copy to link again."""
    if db.parent.exists():
        shutil.rmtree(db.parent)
    db.parent.mkdir(parents=True)
    print(f"\nN={n:,}: generating the synthetic store ...", file=sys.stderr)
    run = {"generate": phase_proc("generate", work=str(work), db=str(db), n=n, claims=args.claims)}
    print(f"N={n:,}: rebuilding the vector indexes ...", file=sys.stderr)
    run["rebuild"] = phase_proc("rebuild", db=str(db))
    print(f"N={n:,}: ingest + enrich {args.new} new articles ...", file=sys.stderr)
    run["prepare"] = phase_proc("prepare", db=str(db), folder=str(folder))
    (db.parent / "prepared").mkdir()
    for path in db.parent.glob("link.db*"):
        shutil.copyfile(path, db.parent / "prepared" / path.name)
    (db.parent / "result.json").write_text(json.dumps(run, indent=1))
    return run


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,200000", help="stored synthetic articles, comma-separated")
    parser.add_argument("--new", type=int, default=200, help="real articles to link at each size")
    parser.add_argument("--claims", type=float, default=3.0, help="claims per synthetic article (mean)")
    parser.add_argument("--repeat", type=int, default=1, help="link this many times per size (sizes taking turns);"
                        " the fastest run counts: other work on the machine only ever adds time")  # fmt: skip
    parser.add_argument(
        "--profile", action="store_true", help="then cProfile one more link at the largest size"
    )
    parser.add_argument(
        "--keep", type=Path, help="keep the stores in this folder (else a temporary one, removed)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: link the stores an earlier run prepared"
    )
    parser.add_argument("--sqlite-cache-mb", type=int, default=0,
                        help="experiment: SQLite page cache while linking (the store keeps the 2 MB default)")  # fmt: skip
    parser.add_argument("--phase", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        name, kwargs = args.phase
        print(json.dumps(PHASES[name](**json.loads(kwargs))))
        return
    sizes = sorted(int(s) for s in args.sizes.split(","))
    work = args.keep or Path(tempfile.mkdtemp(prefix="narrascope-link-"))
    work.mkdir(parents=True, exist_ok=True)
    folder = work / "new"
    try:
        if not args.reuse:
            new_files, _ = sources(args.new)
            write_new(folder, new_files, args.new)
            pool = phase_proc("pool", work=str(work), new=args.new)
            print(f"vector pool: {pool['leads']} leads and {pool['claims']} sentences of PolNeAR train, encoded in"
                  f" {pool['seconds']:.0f} s; {args.new} new articles from {POLNEAR}")  # fmt: skip
        runs: dict[int, dict] = {}
        for n in sizes:
            db = work / f"n{n}" / "link.db"
            if args.reuse:
                runs[n] = json.loads((db.parent / "result.json").read_text())
                runs[n].pop("link", None)
            else:
                runs[n] = build(db, n, work, folder, args)
        for rep in range(args.repeat):
            for n in sizes:
                db = work / f"n{n}" / "link.db"
                print(f"N={n:,}: linking ({rep + 1}/{args.repeat}) ...", file=sys.stderr)
                restore(db)
                found = phase_proc("link", db=str(db), profile=None, cache_mb=args.sqlite_cache_mb)
                found["all_link_s"] = [*runs[n].get("link", {}).get("all_link_s", []), found["link_s"]]
                if "link" not in runs[n] or found["link_s"] < runs[n]["link"]["link_s"]:
                    runs[n]["link"] = found
                else:
                    runs[n]["link"]["all_link_s"] = found["all_link_s"]
        report(sizes, runs, args.new)
        if args.profile:
            db = work / f"n{sizes[-1]}" / "link.db"
            restore(db)
            profile = db.parent / "profile.txt"
            phase_proc("link", db=str(db), profile=str(profile), cache_mb=args.sqlite_cache_mb)
            print(f"\ncProfile of one more link at N={sizes[-1]:,} (top 30 by own time):")
            print(profile.read_text())
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
