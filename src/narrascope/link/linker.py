"""Linking one batch of enriched articles into what connects them, incrementally and with evidence.

Per article, in publication order:

1. **Copies**: its MinHash signature is looked up by LSH band in the store; a verified near-duplicate
   makes it a copy of the earliest known publication.
2. **Citations**: media it cites ("Press TV reports:", "according to TASS").
3. **Story**: its vector (title and lead) is searched in the article index; it joins the story of the
   most similar article within ``STORY_WINDOW_DAYS`` if the cosine reaches ``STORY_SIMILARITY`` (in
   another language ``STORY_SIMILARITY_ACROSS_LANGUAGES``; ``UNDATED_STORY_SIMILARITY`` where dates are
   missing) and, in the same language, the two share rare words (``STORY_WORDS``, ``lexical.py``), else
   it starts a story. A copy joins its original's story.
4. **Claims** (``link/claims.py``) join narratives: by frame — same frame, a place in common — and,
   for claims no frame covers, by their nearest neighbours in the claim index (cosine ≥
   ``CLAIM_SIMILARITY``, from another article). Each link stores its evidence (``via``) and score.

Every lookup is an index lookup (LSH buckets, HNSW search, SQL indexes), so the cost of linking an
article does not grow with the corpus. A batch is one transaction; the vector indexes are saved after
it commits (and rebuilt from the database if a crash left them behind).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import NamedTuple

import numpy as np

from narrascope.link import citations as cite
from narrascope.link import duplicates as dup
from narrascope.link import lexical
from narrascope.link.actors import Accused, AccusedResolver
from narrascope.link.claims import build_claims, main_places
from narrascope.link.cues import is_attitude_or_mention_cue, load_cue_words
from narrascope.link.embed import Encoder, encoder_version, from_bytes, to_bytes
from narrascope.link.frames import ASSERTS, DENIES, Frame, cue_denies, frames_digest, negative, opposite
from narrascope.link.watch import Watcher, WatchRecheck, now
from narrascope.model import Article, Claim, Statement
from narrascope.patterns import word_set
from narrascope.places import Gazetteer, load_gazetteer
from narrascope.sentences import split_sentences
from narrascope.store.records import ClaimRef, LinkedArticle
from narrascope.store.vectors import VectorIndex

# Thresholds, calibrated in docs/ARCHITECTURE.md ("Link thresholds"):
STORY_SIMILARITY = (
    0.60  # title+lead cosine for "the same event" (SemEval-2022 pairs: precision 0.84 for Overall ≤ 2)
)
# Across languages the encoder's cosines run lower: this keeps the same precision (SemEval-2022 pairs in
# two languages: 0.87 for Overall ≤ 2, recall 0.55; at 0.60 it would be 0.41)
STORY_SIMILARITY_ACROSS_LANGUAGES = 0.55
# Where the article or the story has no date, nothing keeps the story to its days: the cosine must say it
# alone (SemEval-2022 pairs in one language, "same event" = Overall ≤ 1.5: precision 0.70 at 0.70, 0.60
# at 0.60; the five undated-or-not seed pages, five events from 2016 to 2021, score 0.57–0.70)
UNDATED_STORY_SIMILARITY = 0.70
STORY_WINDOW_DAYS = 4  # a story is open this many days after its last article
# Same-language articles must share rare words too (TF-IDF cosine, ``lexical.py``): on a one-subject corpus
# title-and-lead cosines of 0.60 join different events (PolNeAR 2016: 90 of 184 joins read "same event",
# 94 "same subject only"; linked again with this check, 64 of 90: docs/EVALUATION.md). Published more than
# a day apart, the articles must share more.
STORY_WORDS = 0.12
STORY_WORDS_DAYS_APART = 0.15
# Below this many linked articles, document frequencies say nothing of which words are rare: no word check
STORY_WORDS_MIN_ARTICLES = 50
CLAIM_SIMILARITY = 0.80  # claim cosine for "says the same thing" without a shared frame
# A frame claim sharing no place with the frame's narratives joins the one whose label is this close:
PLACELESS_SIMILARITY = 0.35  # when it names no known place (another language, no entities found)
OTHER_PLACE_SIMILARITY = 0.6  # when its places differ (places are often missed or named differently)
SAME_WORDS_SIMILARITY = 0.92  # this close, claims match even when their named entities differ
# A claim joins (and so merges) a similarity narrative only when its median cosine to the narrative's
# recent claims is this high: one close neighbour does not chain unrelated groups together
NARRATIVE_AGREEMENT = 0.70
AGREEMENT_SAMPLE = 50  # recent claims read for it
NEIGHBOURS = 10
LEAD_SENTENCES = 3
LABEL_SAMPLE = 200  # claims read to choose a narrative's label


def pipeline_version(frames: Sequence[Frame], gazetteer: Gazetteer) -> str:
    words = load_cue_words()
    cues = hashlib.sha256(repr([sorted(getattr(words, k)) for k in words.__slots__]).encode()).hexdigest()[:8]
    return (
        f"link-4+{encoder_version()}+frames-{frames_digest(frames)}+places-{gazetteer.digest()}+cues-{cues}"
    )


def _id(*parts: str) -> str:
    return hashlib.sha256(":".join(parts).encode()).hexdigest()[:16]


def _days(a: str | None, b: str | None) -> int | None:
    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days)  # type: ignore[index]
    except (TypeError, ValueError):
        return None


def _in_window(published: str | None, first: str | None, last: str | None) -> bool:
    """An undated article or story can join; dated ones must fall within the story's days plus the window."""
    if not published or not first or not last:
        return True
    if first[:10] <= published[:10] <= last[:10]:
        return True
    gap = min(_days(published, first) or 0, _days(published, last) or 0)
    return gap <= STORY_WINDOW_DAYS


def _words_needed(published: str | None, other: str | None) -> float:
    days = _days(published, other)
    return STORY_WORDS_DAYS_APART if days is not None and days > 1 else STORY_WORDS


def _words(title: str | None, text: str) -> Counter[str]:
    """The words the story step's check reads of an article: its title and text."""
    return lexical.terms(f"{title or ''}. {text}")


def forget_words(store, article_id: str) -> None:
    """A linked article is being deleted: its words no longer count towards their document frequencies."""
    found = store.titles_and_texts([article_id]).get(article_id)
    if found is not None and store.article_link(article_id) is not None:
        store.count_words(_words(*found), -1)


def story_threshold(language: str | None, other: str | None) -> float:
    """The title-and-lead cosine that makes two articles one story: lower across languages; an unknown
    language counts as the same."""
    if language and other and language != other:
        return STORY_SIMILARITY_ACROSS_LANGUAGES
    return STORY_SIMILARITY


def lead_text(article: Article) -> str:
    """Title and first sentences: what an article's event is."""
    sentences = split_sentences(article.text)[:LEAD_SENTENCES]
    lead = " ".join(article.text[s.start : s.end] for s in sentences)
    return f"{article.title or ''}. {lead}".strip(". ")


@dataclass(slots=True)
class LinkReport:
    articles: int = 0
    copies: int = 0
    citations: int = 0
    claims: int = 0
    new_stories: int = 0
    watch_matches: int = 0
    narratives_touched: set[str] = field(default_factory=set)
    watch_rechecked: WatchRecheck = field(default_factory=WatchRecheck)  # watchlist items read again

    def merge(self, other: LinkReport) -> None:
        self.articles += other.articles
        self.copies += other.copies
        self.citations += other.citations
        self.claims += other.claims
        self.new_stories += other.new_stories
        self.watch_matches += other.watch_matches
        self.narratives_touched |= other.narratives_touched


class StoryJoin(NamedTuple):
    """The story an article is in and the evidence for it (columns of ``article_links``)."""

    story_id: str
    score: float | None  # title-and-lead cosine to ``via``; None when the article started the story
    via: str | None
    word_score: float | None


class Linker:
    def __init__(
        self,
        store,
        frames: tuple[Frame, ...],
        media: cite.MediaList,
        encoder: Encoder,
        gazetteer: Gazetteer | None = None,
    ) -> None:
        self.store = store
        self.frames = frames
        self.media = media
        self.encoder = encoder
        self.gazetteer = gazetteer or load_gazetteer()
        self.pipeline = pipeline_version(frames, self.gazetteer)
        self.watcher = Watcher(store, frames, encoder, self.gazetteer)
        self._countries: dict[str, tuple[str, ...]] = {}
        self.accused = AccusedResolver(self.gazetteer, store.get_entity)
        self.reload()

    def reload(self) -> None:
        """(Re)open the vector indexes from the store (after a failed batch, or ``--redo``)."""
        s = self.store
        self._countries.clear()
        self.watcher.reload()
        self.claim_index = self.watcher.claims
        self.article_index = VectorIndex(
            s.vector_index_path("articles"), s.article_vectors, s.count_article_vectors()
        )

    def link(self, articles: Sequence[Article]) -> LinkReport:
        """Link a batch in one transaction; on failure nothing of it is stored."""
        report = LinkReport()
        inputs = [self.store.link_inputs(a.id) for a in articles]
        claims = [build_claims(a, st, me, self.frames) for a, (st, me) in zip(articles, inputs, strict=True)]
        article_vectors = self.encoder.encode([lead_text(a) for a in articles])
        claim_vectors = self.encoder.encode([c.text for cs in claims for c in cs])
        try:
            with self.store.transaction():
                offset = 0
                for article, vector, found, (statements, mentions) in zip(
                    articles, article_vectors, claims, inputs, strict=True
                ):
                    vectors = claim_vectors[offset : offset + len(found)]
                    offset += len(found)
                    self._link_article(article, vector, found, vectors, main_places(mentions), report)
                    self._mark_bare_denials(statements, found)
                for narrative_id in sorted(report.narratives_touched):
                    self._refresh_narrative(narrative_id)
        except BaseException:
            self.reload()  # the in-memory indexes hold rolled-back rows: reload from the store
            raise
        return report

    def save(self) -> None:
        """Write the vector indexes that changed (``pipeline.link`` calls this once, at the end of a run)."""
        self.article_index.save()
        self.claim_index.save()

    # -- one article ------------------------------------------------------------------------------
    def _link_article(
        self,
        article: Article,
        vector: np.ndarray,
        claims: list[Claim],
        claim_vectors: np.ndarray,
        places: tuple[str, ...],
        report: LinkReport,
    ) -> None:
        """Link one article; the story it joins or starts, and the one it leaves, are recounted as it goes,
        so the next article of the batch sees their days."""
        store = self.store
        old_article_seqs, old_claim_seqs = store.forget_article_links(article.id)
        self.article_index.remove(old_article_seqs)
        self.claim_index.remove(old_claim_seqs)
        report.articles += 1
        signature = dup.signature(article.text)
        keys = dup.band_keys(signature)
        copy_of, copy_score = self._original(article, signature, keys)
        if copy_of:
            report.copies += 1
        words = _words(article.title, article.text)
        if old_article_seqs:  # -1 then +1: a store linked before the counts existed gets them now
            store.count_words(words, -1)
        store.count_words(words, 1)
        story = self._story(article, vector, words, copy_of, report)
        seq = store.next_seq("article_links")
        store.add_article_link(
            LinkedArticle(
                article.id,
                seq,
                self.pipeline,
                now(),
                np.asarray(signature).tobytes(),
                to_bytes(vector),
                copy_of,
                copy_score,
                *story,
            ),
            keys,
        )
        self.article_index.add([seq], vector[None, :])
        store.refresh_stories([story.story_id])
        found = cite.find_citations(article.text, self.media)
        store.add_citations(
            article.id, [(c.outlet, c.cue, c.start, c.end, c.sentence_start, c.sentence_end) for c in found]
        )
        report.citations += len(found)
        root = copy_of or article.id
        for claim, claim_vector in zip(claims, claim_vectors, strict=True):
            self._link_claim(claim, claim_vector, root, story.story_id, report)
            row = (
                claim.id,
                claim.article_id,
                _frames_text(claim),
                claim.stance,
                " ".join(claim.place_ids),
                claim_vector,
            )
            report.watch_matches += self.watcher.match_claim(self.watcher.claim_view(row, places), now())

    def _mark_bare_denials(self, statements: list[Statement], claims: list[Claim]) -> None:
        """A statement too short to claim anything still denies by its cue ("he denied these allegations",
        "isn't recommending an indictment"); not saying or not answering something ("did not respond to")
        denies nothing."""
        claimed = {c.statement_id for c in claims}
        for st in statements:
            if st.id not in claimed and cue_denies(st.cue) and not is_attitude_or_mention_cue(st.cue):
                self.store.set_statement_stance(st.id, DENIES)

    def _original(
        self, article: Article, signature: np.ndarray, keys: list[int]
    ) -> tuple[str | None, float | None]:
        best: tuple[float, str, str | None] | None = None
        for cand in self.store.copy_candidates(keys):
            other = np.frombuffer(cand.signature, dtype=signature.dtype)
            if cand.article_id == article.id or not dup.is_duplicate(signature, other):
                continue
            score = dup.jaccard(signature, other)
            if best is None or score > best[0]:
                best = (score, cand.copy_of or cand.article_id, cand.published)
        if best is None:
            return None, None
        score, root, root_published = best
        if article.published and root_published and article.published < root_published:
            self.store.repoint_copies(root, article.id)  # this one was published first
            return None, None
        return root, round(score, 4)

    def _story(
        self,
        article: Article,
        vector: np.ndarray,
        words: Counter[str],
        copy_of: str | None,
        report: LinkReport,
    ) -> StoryJoin:
        if copy_of:
            link = self.store.article_link(copy_of)
            if link and link[1]:
                return StoryJoin(link[1], 1.0, copy_of, None)
        df: dict[str, int] = {}  # document frequencies read so far, for this article's candidates
        hits = self.article_index.search(vector, NEIGHBOURS)
        rows = self.store.linked_by_seq([seq for seq, _ in hits])
        for seq, score in hits:
            if score < STORY_SIMILARITY_ACROSS_LANGUAGES:
                break
            row = rows.get(seq)
            if row is None or row[1] is None:
                continue
            if score < story_threshold(article.language, row[4]):
                continue
            window = self.store.story_window(row[1])
            if window is None:
                continue
            if not _in_window(article.published, *window):
                continue
            if (not article.published or not window[0]) and score < UNDATED_STORY_SIMILARITY:
                continue  # no dates to keep a story to its days: the text alone must say "same event"
            word_score = self._word_score(article, words, row, df)
            if word_score is not None and word_score < _words_needed(article.published, row[2]):
                continue
            return StoryJoin(row[1], round(score, 4), row[0], word_score)
        story_id = _id("story", article.id)
        self.store.add_story(story_id, article.title or lead_text(article)[:200], article.published)
        report.new_stories += 1
        return StoryJoin(story_id, None, None, None)

    def _word_score(
        self,
        article: Article,
        words: Counter[str],
        row: tuple[str, str | None, str | None, str | None, str | None],
        df: dict[str, int],
    ) -> float | None:
        """Shared-word cosine with a story's article, or ``None`` where it is not checked: another language,
        or too few linked articles to know which words are rare. ``df`` keeps the counts read for earlier
        candidates (the article's own words are read once)."""
        if article.language and row[4] and article.language != row[4]:
            return None
        articles = len(self.article_index) + 1
        if articles < STORY_WORDS_MIN_ARTICLES:
            return None
        found = self.store.titles_and_texts([row[0]]).get(row[0])
        if found is None:
            return None
        other = _words(*found)
        unread = (words.keys() | other.keys()) - df.keys()
        df.update(dict.fromkeys(unread, 0) | self.store.word_counts(unread))
        return round(lexical.cosine(words, other, df, articles), 4)

    def _link_claim(
        self, claim: Claim, vector: np.ndarray, root: str, story_id: str, report: LinkReport
    ) -> None:
        store = self.store
        seq = store.next_seq("claims")
        store.add_claim(claim, seq, to_bytes(vector))
        report.claims += 1
        places = self._place_keys(claim.place_ids) if claim.frames else ()
        for fs in claim.frames:
            accused = self.accused(fs.accused_id) if fs.accused_id else None
            if places:
                shared = store.frame_narratives(fs.frame, places)
                found, why = [n for n, _ in shared], f"; shared place {shared[0][1]}" if shared else ""
            else:  # no place known ("the dam", another language): the frame's narrative in its story
                found, why = store.story_frame_narratives(fs.frame, story_id), "; same story"
            found, target = self._same_accused(found, accused)
            if not found:  # no place in common: the closest label
                found, score = self._closest_narrative(fs.frame, vector, bool(places))
                found, target = self._same_accused(found, accused)
                why = f"; label cosine {score:.2f}" if found else ""
            if found:
                keep = found[0]
                if len(found) > 1:
                    store.merge_narratives(keep, found[1:])
                    report.narratives_touched.difference_update(found[1:])
                named = bool(target) and store.set_narrative_accused(keep, *target)
                # its earlier claims' matches were made not knowing whom it accuses
                if named or len(found) > 1:
                    self.watcher.forget_accusing_others(keep, fs.frame)
            else:
                keep, why = _id("narrative", fs.frame, claim.id), ""
                store.add_narrative(keep, fs.frame, claim.text[:300], claim.id, now(), target)
            store.add_narrative_places(keep, places)
            said_of = f"; accuses {accused.name}" if accused else ""
            store.add_narrative_claim(
                keep, claim.id, fs.stance, 1.0, f"frame {fs.frame}: “{fs.match}”{said_of}{why}"
            )
            report.narratives_touched.add(keep)
        if not claim.frames:
            self._link_by_similarity(claim, vector, root, report)
        self.claim_index.add([seq], vector[None, :])

    def _same_accused(
        self, found: list[str], accused: Accused | None
    ) -> tuple[list[str], tuple[str, str] | None]:
        """Of the frame narratives ``found``, those a claim accusing ``accused`` may join: the ones
        accusing the same or no one. A claim that names no accused takes the first one's accused. Also
        whom the narrative it joins accuses, as (key, name)."""
        known = self.store.narrative_accused(found)
        target = (accused.key, accused.name) if accused else next(filter(None, map(known.get, found)), None)
        if target is None:
            return found, None
        return [n for n in found if known.get(n) is None or known[n][0] == target[0]], target

    def _place_keys(self, place_ids: tuple[str, ...]) -> tuple[str, ...]:
        """The claim's places and the countries they are in (``places.py``)."""
        keys = list(place_ids)
        for place_id in place_ids:
            if place_id not in self._countries:
                self._countries[place_id] = self.gazetteer.country_keys(self.store.place_names([place_id]))
            keys.extend(self._countries[place_id])
        return tuple(dict.fromkeys(keys))

    def _closest_narrative(self, frame: str, vector: np.ndarray, has_places: bool) -> tuple[list[str], float]:
        """The narrative of ``frame`` whose label is closest, if close enough, and the cosine."""
        threshold = OTHER_PLACE_SIMILARITY if has_places else PLACELESS_SIMILARITY
        best: tuple[float, str] | None = None
        for narrative_id, label_vector in self.store.frame_narrative_labels(frame):
            score = float(from_bytes(label_vector) @ vector)
            if score >= threshold and (best is None or score > best[0]):
                best = (score, narrative_id)
        return ([best[1]], best[0]) if best else ([], 0.0)

    def _link_by_similarity(self, claim: Claim, vector: np.ndarray, root: str, report: LinkReport) -> None:
        store = self.store
        hits = [
            (seq, score)
            for seq, score in self.claim_index.search(vector, NEIGHBOURS)
            if score >= CLAIM_SIMILARITY
        ]
        refs = store.claims_by_seq([seq for seq, _ in hits])
        joined: list[str] = []
        for seq, score in hits:
            ref = refs.get(seq)
            if ref is None or ref.root_article_id == root or len(ref.frames) > 1:
                continue
            if not _entities_agree(claim.entity_ids, ref.entity_ids) and score < SAME_WORDS_SIMILARITY:
                continue
            if not _may_be_one_claim(claim, ref, score):
                continue
            via = f"similar {score:.2f} to “{ref.id}”"
            targets = list(ref.narrative_ids)
            ref_negative = negative(ref.text, ref.stance)
            agree = negative(claim.text, claim.stance) == ref_negative
            if not targets:
                new_id = _id("narrative", "", ref.id)
                store.add_narrative(new_id, None, claim.text[:300], claim.id, now())
                # the claim and its negation ("grain is (not) being shipped"): the positive is what is told
                first = ref.stance if agree else (DENIES if ref_negative else ASSERTS)
                store.add_narrative_claim(
                    new_id, ref.id, first, round(score, 4), f"similar {score:.2f} to “{claim.id}”"
                )
                targets = [new_id]
            for narrative_id in targets:
                if narrative_id not in joined and self._agrees(narrative_id, vector):
                    theirs = store.narrative_claim_stance(narrative_id, ref.id) or ref.stance
                    stance = theirs if agree else opposite(theirs)
                    store.add_narrative_claim(narrative_id, claim.id, stance, round(score, 4), via)
                    if stance == DENIES and claim.statement_id:  # the statement denies it too, in every view
                        store.set_statement_stance(claim.statement_id, DENIES)
                    joined.append(narrative_id)
        similarity_only = [n for n in joined if store.narrative_frame(n) is None]
        if len(similarity_only) > 1:
            store.merge_narratives(similarity_only[0], similarity_only[1:])
            joined = [n for n in joined if n not in similarity_only[1:]]
            report.narratives_touched.difference_update(similarity_only[1:])
        report.narratives_touched.update(joined)

    def _agrees(self, narrative_id: str, vector: np.ndarray) -> bool:
        """Whether a claim says what a similarity narrative's claims say (median cosine), not just what one
        of them says; a frame narrative is held together by its frame."""
        if self.store.narrative_frame(narrative_id) is not None:
            return True
        rows = self.store.narrative_claim_vectors(narrative_id, AGREEMENT_SAMPLE)
        if len(rows) < 2:
            return True
        scores = np.vstack([from_bytes(r[3]) for r in rows]) @ vector
        return float(np.median(scores)) >= NARRATIVE_AGREEMENT

    def _refresh_narrative(self, narrative_id: str) -> None:
        relabel(self.store, narrative_id)


def relabel(store, narrative_id: str) -> None:
    """Label a narrative with the asserting claim nearest the centroid of its most recent claims; one that
    stands on its own if any does: a label opening with a pronoun ("he'd build a wall", "“We will …”")
    does not say whom it is about. Where none does, the label says who said it, as a headline would
    ("Hillary Clinton: I did not email any classified material"): such a narrative's claims are one
    speaker's (``_may_be_one_claim``)."""
    rows = store.narrative_claim_vectors(narrative_id, LABEL_SAMPLE)
    if not rows:
        return
    asserting = [r for r in rows if r[2] != "denies"] or rows
    vectors = np.vstack([from_bytes(r[3]) for r in asserting])
    scores = vectors @ vectors.mean(axis=0)
    whole = [i for i, r in enumerate(asserting) if not _leans_on_context(label_text(r[1]))]
    best = asserting[max(whole or range(len(asserting)), key=lambda i: scores[i])]
    label = label_text(best[1])
    if not whole and best[5]:  # a known speaker: its canonical name
        label = f"{best[4]}: {label}"
    store.set_narrative_label(narrative_id, label[:300], best[0])


# a label opening with one of these leans on the sentence before it ("If she wins", "Maybe not"), as
# one opening with a pronoun does ("She's going to win"); ``label_text`` drops "And", "In other words,"
_LEANING = frozenset(("so", "if", "maybe", "say", "says", "because", "then", "also"))


def _leans_on_context(label: str) -> bool:
    """Whether a label opens with a pronoun or a word that leans on the sentence before it."""
    first = next(iter(_first_words(label)), "")
    return first in word_set("pronouns.txt") or first in _LEANING


def _first_words(text: str) -> list[str]:
    """The first words of ``text``, folded, a contraction cut at its apostrophe ("he’d" → "he")."""
    return [re.split(r"[’']", w)[0].casefold() for w in re.findall(r"[\w’']+", text[:60])]


# a complementizer is lower case; a capitalised "That" opens a sentence ("That is a lie")
_LEADING = re.compile(r"^(?:[\"“”‘’'`]|(?:that|whether)\s+(?=\S))+")
_TRAILING = re.compile(r"(?:[\"“”‘’'`,;:]|\s)+$")


@cache
def _openers() -> re.Pattern[str]:
    """Leading words that lean on what was said before (``data/label_openers.txt``), with the
    quotation marks that may come before them."""
    words = sorted(word_set("label_openers.txt"), key=len, reverse=True)
    bare = "|".join(re.escape(w) for w in words if not w.endswith(","))
    marked = "|".join(re.escape(w[:-1]).replace(r"\ ", r"\s+") for w in words if w.endswith(","))
    return re.compile(rf"^(?:[\"“”‘’'`]*(?:(?:{bare})\s+(?=\S)|(?:{marked})\s*,\s*))+", re.IGNORECASE)


def label_text(claim: str) -> str:
    """A claim as a narrative's label: without the complementizer and quotation marks a content is
    reported with ("that the Compact's presence is illegal", "“Their presence is illegal,”") or the
    words that lean on the sentence before it ("And …", "In other words, …"), its first letter a capital.
    The claim's own text is kept as evidence."""
    text = _LEADING.sub("", claim.strip())
    text = _TRAILING.sub("", _LEADING.sub("", _openers().sub("", text)))
    if not text:
        return claim.strip()
    first = text.split()[0]
    if first[0].islower() and not any(c.isupper() for c in first):  # "he’d", not "iPhone"
        text = text[0].upper() + text[1:]
    return text


def _opens_with_pronoun(claim: str) -> bool:
    """Whether a claim's subject is a pronoun ("he will vote for Clinton", "“We need a big change”",
    "And it's going to be completely useless"): someone or something its words do not name."""
    words = _first_words(label_text(claim))
    return bool(words) and words[0] in word_set("pronouns.txt")


def _opens_with_name(claim: str, name: str | None) -> bool:
    """Whether a claim's first word is a word of ``name``: "Donald Trump will build the wall",
    "Trump's proposal", whose subject is that speaker."""
    words = _first_words(label_text(claim))
    return bool(name and words) and words[0] in {w.casefold() for w in re.findall(r"\w+", name)}


def _may_be_one_claim(claim: Claim, ref: ClaimRef, score: float) -> bool:
    """Whether two alike claims may be one. A claim whose subject is a pronoun is about someone its words
    do not name, most often its speaker: "he will vote for Clinton" from Bernie Sanders and "he would never
    vote for Clinton" from Donald Trump are two claims, and "“We need a big change”" from two people says
    nothing in common. So such claims are one only when one speaker made both (or a speaker is not known),
    when the other claim names the speaker ("“We are going to build a wall”" from Trump, "Donald Trump
    will build the wall" from someone else), or when both quote words nearly the same
    (``SAME_WORDS_SIMILARITY``): a remark quoted by two commentators is one remark, whoever is reported
    saying it."""
    ours, theirs = _opens_with_pronoun(claim.text), _opens_with_pronoun(ref.text)
    if not (ours or theirs):
        return True
    speaker, other = claim.speaker_entity_id, ref.speaker_entity_id
    if not speaker or not other or speaker == other:
        return True
    if (ours and _opens_with_name(ref.text, claim.speaker)) or (
        theirs and _opens_with_name(claim.text, ref.speaker)
    ):
        return True
    return claim.quoted and ref.quoted and score >= SAME_WORDS_SIMILARITY


def _entities_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two claims naming entities must share one; a claim naming none (or in an unenriched language) agrees."""
    return not a or not b or bool(set(a) & set(b))


def _frames_text(claim: Claim) -> str:
    return " ".join(f"{f.frame}:{f.stance}" for f in claim.frames)
