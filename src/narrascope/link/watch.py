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
from narrascope.link.embed import Encoder, encoder_version, from_bytes, to_bytes
from narrascope.link.frames import Frame, FrameHit, find_frames, frames_digest
from narrascope.link.watchlist import WatchItem, WatchlistError
from narrascope.patterns import word_set
from narrascope.places import COUNTRY_KEY, Gazetteer, load_gazetteer
from narrascope.store.vectors import VectorIndex

# Raise when the matching code, or the shipped data it reads (the gazetteer, the subject words), changes
# what it matches: items read under older rules are read again (``Watcher.recheck``).
# 2: an item and a claim accusing different actors never match.
WATCH_RULES = "watch-2"
WATCH_SIMILARITY = 0.75
_LED = re.compile(r"^([\w.]+)-(?:led|backed)\b", re.IGNORECASE)
MATCHES_PER_CLAIM = 5  # a claim reports its best few items, not every case sharing its frame
NEIGHBOURS = 20  # nearest vectors read from either side (a claim's items, an item's claims): the same pairs
Pair = tuple[str, str]  # (item id, claim id): a match


def now() -> str:
    """Match and run times to the microsecond: "new since the last run" must not lose a same-second match."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


@dataclass(frozen=True, slots=True)
class WatchRecheck:
    """Items read again under new matching rules, and how their matches changed."""

    items: int = 0
    added: int = 0  # matches the new rules make that the old did not
    removed: int = 0  # matches the new rules no longer make
    kept: int = 0


@dataclass(frozen=True, slots=True)
class WatchImport:
    read: int
    added: int
    matches: int
    problems: list[WatchlistError]
    rechecked: WatchRecheck = WatchRecheck()


def rules_version(frames: Sequence[Frame]) -> str:
    """The matching rules an item is read under: the matching code's version, the frames and the encoder
    its title's vector was made with (it ends the string). (Not the gazetteer: ``watch --import`` reads no
    user places file, and ``link --places`` would have every import read the items again.)"""
    return f"{WATCH_RULES}+frames-{frames_digest(frames)}+{encoder_version()}"


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
    if any(accuses_another(item.accused, claim.accused.get(frame)) for frame in both):
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


def accuses_another(item_accused: frozenset[str], theirs: str | None) -> bool:
    """Whether an item's title and a claim's frame narrative both name whom they accuse (``accused_key``s),
    and not the same one: "The US has created Daesh" is not "the Syrian government was responsible for
    Daesh"."""
    return bool(item_accused) and theirs is not None and theirs not in item_accused


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
        self.rules = rules_version(frames)
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
        """Store the matches of one new claim, its ``MATCHES_PER_CLAIM`` best as on import; return how many."""
        if not len(self.index):  # no watchlist: skip the lookups (was a COUNT(*) per claim)
            return 0
        hits = [
            seq for seq, score in self.index.search(claim.vector, NEIGHBOURS) if score >= WATCH_SIMILARITY
        ]
        found = []
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
                found.append(m)
        return len(self._store_best(found, now)[0])

    def forget_accusing_others(self, narrative_id: str, frame: str) -> int:
        """Remove the matches of a frame narrative's claims to items accusing another actor. Whom the
        narrative accuses may be learnt after its first claims were matched (a later claim names them, or
        a merge brings them in); returns how many were removed."""
        accused = self.store.narrative_accused([narrative_id]).get(narrative_id)
        if accused is None:
            return 0
        key = accused_key(*accused)
        gone = [
            (item_id, claim_id)
            for item_id, claim_id, title, frames in self.store.narrative_watch_matches(narrative_id)
            if frame in frames.split() and accuses_another(self.title_accused(title), key)
        ]
        self.store.delete_watch_matches(gone)
        return len(gone)

    def read_item(
        self, item_id: str, title: str, countries: Iterable[str], vector: np.ndarray, known: set[str]
    ) -> WatchView:
        """An item as matching reads it: the frames of its title, its folded places (the countries it was
        filed under, the corpus's places ``known``, folded, and the gazetteer's names in its title) and
        whom its title accuses."""
        hits = find_frames(title, self.frames)
        places = (
            {fold(c) for c in countries}
            | place_names_in(title, known)
            | gazetteer_places(title, self.gazetteer)
        )
        return WatchView(
            item_id,
            frozenset(h.frame for h in hits),
            frozenset(places),
            vector,
            self.title_accused(title, hits),
        )

    def item_matches(self, view: WatchView) -> list[WatchMatch]:
        """The stored claims an item matches: its nearest claims by vector and the claims of its frames."""
        store = self.store
        candidates = {
            s for s, score in self.claims.search(view.vector, NEIGHBOURS) if score >= WATCH_SIMILARITY
        }
        for frame in sorted(view.frames):
            candidates.update(store.frame_claims(frame))
        rows = store.claim_views(sorted(candidates))
        accused = store.claim_accused([r[0] for r in rows])
        out = []
        for row in rows:
            places = store.article_main_places(row[1])
            m = match(view, self.claim_view(row, places, accused.get(row[0], {})))
            if m is not None:
                out.append(m)
        return out

    def add_items(self, items: list[WatchItem], now: str) -> tuple[int, int]:
        """Store new items and match them against the claims already linked: (items added, matches)."""
        store = self.store
        known = {fold(n) for n in store.known_place_names()}
        vectors = self.encoder.encode([i.title for i in items])
        added = 0
        found: list[WatchMatch] = []
        with store.transaction():
            seq = store.next_seq("watch_items")
            for item, vector in zip(items, vectors, strict=True):
                view = self.read_item(item.id, item.title, item.countries, vector, known)
                frames, places = sorted(view.frames), sorted(view.places)
                row = (item.id, seq, item.kind, item.title, item.published, item.url, "|".join(item.countries),
                       "|".join(item.keywords), "|".join(item.languages), "|".join(item.outlets), item.rating,
                       item.claimant, item.reviewer, " ".join(frames), "|".join(places), to_bytes(vector), now,
                       self.rules)  # fmt: skip
                if not store.add_watch_item(row, frames):
                    continue
                self.index.add([seq], vector[None, :])
                seq += 1
                added += 1
                found.extend(self.item_matches(view))
            stored, _ = self._store_best(found, now)
        self.index.save()
        return added, len(stored)

    def recheck(self, now: str, *, every: bool = False) -> WatchRecheck:
        """Read again the items read under other matching rules (an upgrade, another frames file), or
        ``every`` item: their frames and places, then their matches. A title whose vector another encoder
        made (an upgrade: the claims are encoded again as their articles are linked again) is encoded
        again. A match the rules still make keeps the time it was first made (``watch`` does not report it
        as new); one they no longer make is removed. One transaction: a run stopped midway leaves every
        item as it was."""
        store = self.store
        stale = store.stale_watch_items(self.rules, every=every)
        if not stale:
            return WatchRecheck()
        ids = [row[0] for row in stale]
        known = {fold(n) for n in store.known_place_names()}
        found: list[WatchMatch] = []
        vectors = self._vectors_now(stale)
        if vectors:  # a run stopped before the index's save rebuilds it from the table
            self.index.forget()
        with store.transaction():
            for item_id, seq, title, countries, blob, _ in stale:
                vector = vectors.get(seq)
                if vector is None:
                    vector = from_bytes(blob)
                else:
                    store.set_watch_vector(item_id, to_bytes(vector))
                view = self.read_item(item_id, title, filter(None, countries.split("|")), vector, known)
                store.reread_watch_item(
                    item_id, sorted(view.frames), "|".join(sorted(view.places)), self.rules
                )
                found.extend(self.item_matches(view))
            before = {(r[0], r[1]) for r in store.watch_matches_of("item_id", ids)}
            gone = before - {(m.item_id, m.claim_id) for m in found}
            store.delete_watch_matches(sorted(gone))
            stored, pushed_out = self._store_best(found, now)
        if vectors:
            seqs = sorted(vectors)
            self.index.remove(seqs)
            self.index.add(seqs, np.vstack([vectors[seq] for seq in seqs]))
            self.index.save()
        rechecked = set(ids)
        after = {pair for pair in stored if pair[0] in rechecked}
        return WatchRecheck(len(stale), len(after - before), len(gone | pushed_out), len(after & before))

    def _vectors_now(self, stale: list[tuple]) -> dict[int, np.ndarray]:
        """By seq, the titles of ``stale`` items encoded again where another encoder made their vector."""
        current = "+" + encoder_version()
        older = [(seq, title) for _, seq, title, _, _, rules in stale if not rules.endswith(current)]
        if not older:
            return {}
        encoded = self.encoder.encode([title for _, title in older])
        return {seq: vector for (seq, _), vector in zip(older, encoded, strict=True)}

    def _store_best(self, found: Sequence[WatchMatch], now: str) -> tuple[set[Pair], set[Pair]]:
        """Store the matches ``found`` that are among their claim's ``MATCHES_PER_CLAIM`` best, the matches
        it already has counted; a stored match pushed out of them is removed. Returns the (item, claim)
        pairs of ``found`` stored (new or updated), and those removed."""
        store = self.store
        per_claim: dict[str, dict[str, WatchMatch]] = {}
        for m in found:
            per_claim.setdefault(m.claim_id, {})[m.item_id] = m
        had = store.watch_matches_of("claim_id", sorted(per_claim))
        for row in had:
            per_claim[row[1]].setdefault(row[0], WatchMatch(*row))  # a new reading wins
        fresh = {(m.item_id, m.claim_id) for m in found}
        stored: set[Pair] = set()
        removed: set[Pair] = set()
        for by_item in per_claim.values():
            ranked = sorted(by_item.values(), key=lambda m: (-m.score, m.item_id))
            for m in ranked[:MATCHES_PER_CLAIM]:
                if (m.item_id, m.claim_id) in fresh:  # one it had and keeps is left as it is
                    store.add_watch_match(astuple(m), now)
                    stored.add((m.item_id, m.claim_id))
            removed.update((m.item_id, m.claim_id) for m in ranked[MATCHES_PER_CLAIM:])
        removed &= {(row[0], row[1]) for row in had}
        store.delete_watch_matches(sorted(removed))
        return stored, removed
