"""Matching claims to a watchlist of known narratives (EUvsDisinfo cases, ClaimReview fact checks).

A claim matches an item in one of two ways, and the match keeps its evidence:

- **frame**: they share a claim frame (``data/frames.yaml``) and every place the item names is among the
  claim's places, its article's main places or the countries they are in (``places.py``) ("US wants to divide Syria" ↔ "a de facto partition of
  Syria" in an article about the US and Syria). Score 0.5 + 0.5 × cosine.
- **similarity**: their sentence vectors reach ``WATCH_SIMILARITY`` (paraphrases, translations) and the
  places agree as above. Score = cosine.

Neither way joins an item and a claim that accuse different actors: where the item's title names whom it
accuses (the subjects before its frame's words: "US wants to divide Syria", ``actors.subject_names``) and
the frame narrative the claim joined names its accused too, the two must agree, states compared by
country ("The US has created Daesh" is not "the Syrian government was responsible for Daesh").

The stance is the claim's: a denial of a watched narrative is reported as such, not as a repetition.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass, field
from datetime import datetime, timezone

import numpy as np

from narrascope.link.actors import AccusedResolver, subject_names
from narrascope.link.embed import Encoder, from_bytes, to_bytes
from narrascope.link.frames import Frame, FrameHit, find_frames
from narrascope.link.watchlist import WatchItem, WatchlistError
from narrascope.patterns import word_set
from narrascope.places import COUNTRY_KEY, Gazetteer, load_gazetteer
from narrascope.store.vectors import VectorIndex

WATCH_SIMILARITY = 0.75
_LED = re.compile(r"^([\w.]+)-(?:led|backed)\b", re.IGNORECASE)
MATCHES_PER_CLAIM = 5  # a claim reports its best few items, not every case sharing its frame


def now() -> str:
    """Match and run times to the microsecond: "new since the last run" must not lose a same-second match."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


@dataclass(frozen=True, slots=True)
class WatchImport:
    read: int
    added: int
    matches: int
    problems: list[WatchlistError]


def fold(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold().replace(".", "").strip()


@dataclass(frozen=True, slots=True)
class WatchView:
    id: str
    frames: frozenset[str]
    places: frozenset[str]  # folded place names
    vector: np.ndarray
    accused: frozenset[str] = frozenset()  # whom its title accuses (``accused_key``); empty: no one named


@dataclass(frozen=True, slots=True)
class ClaimView:
    id: str
    article_id: str
    frames: dict[str, str]  # frame → stance
    stance: str
    places: frozenset[str]  # folded names and aliases of its places and its article's main places
    vector: np.ndarray
    accused: dict[str, str] = field(default_factory=dict)  # frame → whom its narrative accuses


@dataclass(frozen=True, slots=True)
class WatchMatch:
    item_id: str
    claim_id: str
    article_id: str
    score: float
    stance: str
    via: str


def match(item: WatchView, claim: ClaimView) -> WatchMatch | None:
    """A claim matches a watch item by a frame they share, where every place the item names is among the
    claim's (score 0.5 + 0.5 × cosine), or by its vector alone (cosine ≥ ``WATCH_SIMILARITY``). An item
    naming no place ("Merkel is going to divide Europe") matches by its vector only: a frame alone is a
    whole class of narratives."""
    if item.places and not item.places <= claim.places:
        return None
    both = item.frames & claim.frames.keys()
    if any(_accuses_another(item, claim, frame) for frame in both):
        return None
    cosine = float(item.vector @ claim.vector)
    shared = sorted(both) if item.places else []  # a frame needs its places
    if shared:
        frame = shared[0]
        via = f"frame {frame}; places {', '.join(sorted(item.places)) or '-'}; cosine {cosine:.2f}"
        score = 0.5 + 0.5 * max(cosine, 0.0)
        return WatchMatch(item.id, claim.id, claim.article_id, round(score, 4), claim.frames[frame], via)
    if cosine >= WATCH_SIMILARITY:
        return WatchMatch(
            item.id, claim.id, claim.article_id, round(cosine, 4), claim.stance, f"cosine {cosine:.2f}"
        )
    return None


def _accuses_another(item: WatchView, claim: ClaimView, frame: str) -> bool:
    """Whether the item and the claim's narrative of ``frame`` both name whom they accuse, and not the same
    one: "The US has created Daesh" is not "the Syrian government was responsible for Daesh"."""
    theirs = claim.accused.get(frame)
    return bool(item.accused) and theirs is not None and theirs not in item.accused


def accused_key(key: str, name: str) -> str:
    """How accused are compared: a state by its country key, anything else by its folded name."""
    return key if key.startswith(COUNTRY_KEY) else "name:" + fold(name)


def place_names_in(text: str, known: Iterable[str]) -> set[str]:
    """Known place names (folded) that occur in ``text`` as whole words."""
    words = f" {fold(text)} "
    for ch in ",;:!?()\"'“”«»":
        words = words.replace(ch, " ")
    return {name for name in known if name and f" {name} " in words}


_TITLE_WORD = re.compile(r"[^\W\d_][\w.’'-]*")


def gazetteer_places(title: str, gazetteer: Gazetteer) -> set[str]:
    """The places a title names that the gazetteer knows, with their countries (folded): capitalised runs
    of one to three words ("balkanisation of Mexico" → mexico; "Aleppo" → aleppo, syria)."""
    words = [(m.group(0).strip(".’'-"), m.group(0)[0].isupper()) for m in _TITLE_WORD.finditer(title)]
    found: set[str] = set()
    for size in (1, 2, 3):
        for i in range(len(words) - size + 1):
            run = words[i : i + size]
            if not all(upper for _, upper in run):
                continue
            name = " ".join(w for w, _ in run)
            country = gazetteer.country_of(name)
            if country:
                found |= {fold(name), fold(country)}
    return found


class Watcher:
    """Matches new claims against the stored watchlist and new items against the stored claims."""

    def __init__(
        self, store, frames: tuple[Frame, ...], encoder: Encoder, gazetteer: Gazetteer | None = None
    ) -> None:
        self.store = store
        self.frames = frames
        self.encoder = encoder
        self.gazetteer = gazetteer or load_gazetteer()
        self.states = AccusedResolver(self.gazetteer, store.get_entity)
        self._title_accused: dict[str, frozenset[str]] = {}
        self.reload()

    def reload(self) -> None:
        s = self.store
        self.index = VectorIndex(s.vector_index_path("watch"), s.watch_vectors, s.count_watch_items())
        self.claims = VectorIndex(s.vector_index_path("claims"), s.claim_vectors, s.count_claims())
        self._places: dict[str, frozenset[str]] = {}

    def claim_view(
        self,
        row: tuple,
        main_place_ids: Iterable[str] = (),
        accused: dict[str, tuple[str, str]] | None = None,
    ) -> ClaimView:
        """A claim row as matching reads it; ``accused`` (``store.claim_accused``'s, for many claims at once)
        is read here when not given."""
        claim_id, article_id, frames, stance, place_ids, vector = row
        ids = tuple(place_ids.split()) + tuple(main_place_ids)
        if accused is None:
            accused = self.store.claim_accused([claim_id]).get(claim_id, {})
        return ClaimView(
            claim_id,
            article_id,
            dict(f.split(":", 1) for f in frames.split()),
            stance,
            self._place_names(ids),
            from_bytes(vector) if isinstance(vector, bytes) else vector,
            {f: accused_key(*who) for f, who in accused.items()},
        )

    def title_accused(self, title: str, hits: Sequence[FrameHit] | None = None) -> frozenset[str]:
        """Whom a watch item's title accuses, as ``accused_key``s: the subjects before each frame's words
        ("US wants to divide Syria" → country:United States; "USA / NATO created ISIS" → the United
        States and NATO). ``hits``: the title's frames, where already found."""
        if title not in self._title_accused:
            common = word_set("common_words.txt")
            names = {
                name
                for hit in (find_frames(title, self.frames) if hits is None else hits)
                for name in subject_names(title, hit.start, common, self._is_state)
            }
            self._title_accused[title] = frozenset(self._key(n) for n in names)
        return self._title_accused[title]

    def _is_state(self, name: str) -> bool:
        return self.states.country_of(name) is not None

    def _key(self, name: str) -> str:
        led = _LED.match(name)  # "US-led Coalition": the United States
        country = self.states.country_of(name) or (led and self.states.country_of(led.group(1)))
        return COUNTRY_KEY + country if country else accused_key("", name)

    def _place_names(self, ids: tuple[str, ...]) -> frozenset[str]:
        key = " ".join(sorted(set(ids)))
        if key not in self._places:
            names = self.store.place_names(ids)
            countries = self.gazetteer.countries_of(names)  # "Damascus": Syria too
            self._places[key] = frozenset(fold(n) for n in names | countries)
        return self._places[key]

    def match_claim(self, claim: ClaimView, now: str) -> int:
        """Store the matches of one new claim; return how many."""
        if not len(self.index):  # no watchlist: skip the lookups (was a COUNT(*) per claim)
            return 0
        hits = [seq for seq, score in self.index.search(claim.vector, 5) if score >= WATCH_SIMILARITY]
        found = 0
        for item_id, title, frames, places, vector in self.store.watch_items_for(sorted(claim.frames), hits):
            view = WatchView(
                item_id,
                frozenset(frames.split()),
                frozenset(places.split("|")) - {""},
                from_bytes(vector),
                self.title_accused(title),
            )
            m = match(view, claim)
            if m is not None:
                self.store.add_watch_match(astuple(m), now)
                found += 1
        return found

    def add_items(self, items: list[WatchItem], now: str) -> tuple[int, int]:
        """Store new items and match them against the claims already linked: (items added, matches)."""
        store = self.store
        known = {fold(n) for n in store.known_place_names()}
        vectors = self.encoder.encode([i.title for i in items])
        added = 0
        per_claim: dict[str, list[WatchMatch]] = {}
        with store.transaction():
            seq = store.next_seq("watch_items")
            for item, vector in zip(items, vectors, strict=True):
                hits = find_frames(item.title, self.frames)
                frames = sorted({h.frame for h in hits})
                places = sorted(
                    {fold(c) for c in item.countries}
                    | place_names_in(item.title, known)
                    | gazetteer_places(item.title, self.gazetteer)
                )
                row = (item.id, seq, item.kind, item.title, item.published, item.url, "|".join(item.countries),
                       "|".join(item.keywords), "|".join(item.languages), "|".join(item.outlets), item.rating,
                       item.claimant, item.reviewer, " ".join(frames), "|".join(places), to_bytes(vector), now)  # fmt: skip
                if not store.add_watch_item(row, frames):
                    continue
                self.index.add([seq], vector[None, :])
                seq += 1
                added += 1
                view = WatchView(
                    item.id,
                    frozenset(frames),
                    frozenset(places),
                    vector,
                    self.title_accused(item.title, hits),
                )
                candidates = {s for s, score in self.claims.search(vector, 20) if score >= WATCH_SIMILARITY}
                for frame in frames:
                    candidates.update(store.frame_claims(frame))
                rows = store.claim_views(sorted(candidates))
                accused = store.claim_accused([r[0] for r in rows])
                for claim_row in rows:
                    places = store.article_main_places(claim_row[1])
                    m = match(view, self.claim_view(claim_row, places, accused.get(claim_row[0], {})))
                    if m is not None:
                        per_claim.setdefault(m.claim_id, []).append(m)
            matches = 0
            for found in per_claim.values():
                for m in sorted(found, key=lambda m: (-m.score, m.item_id))[:MATCHES_PER_CLAIM]:
                    store.add_watch_match(astuple(m), now)
                    matches += 1
        self.index.save()
        return added, matches
