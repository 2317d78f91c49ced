"""Statements and an article's own assertions → claims: one per sentence of content, with frames,
stance, the entities named and the places the claim is about.

An article's own sentences become claims only where they carry a frame: that is where an outlet asserts
a narrative in its own voice ("… without any authorization from Damascus or a UN mandate"); the rest of
its prose is reporting, and the statements already hold what its sources said.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import replace

from narrascope.link.actors import accused_mention
from narrascope.link.cues import is_attitude_or_mention_cue, is_intention_cue, is_proposition
from narrascope.link.frames import ASSERTS, Frame, claim_stance, find_frames, is_quotation, stance
from narrascope.model import QUOTED_KINDS, Article, Claim, FrameStance, Mention, Statement, content_pieces
from narrascope.sentences import split_sentences

PLACE_LABELS = frozenset({"GPE", "LOC"})
MIN_WORDS = 4  # shorter pieces ("he said") join the previous sentence; a shorter content is no claim
# unless it names a frame
_WORD = re.compile(r"\w{2,}")
MAX_CLAIMS_PER_STATEMENT = 4
MAIN_PLACES = 2  # a claim naming no place is about the article's two most-named places


def claim_id(article_id: str, start: int, end: int) -> str:
    return hashlib.sha256(f"{article_id}:{start}:{end}".encode()).hexdigest()[:16]


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of ``text[start:end]`` as absolute offsets, short ones merged into their neighbour."""
    pieces: list[tuple[int, int]] = []
    for s in split_sentences(text[start:end]):
        a, b = start + s.start, start + s.end
        if pieces and len(text[a:b].split()) < MIN_WORDS:
            pieces[-1] = (pieces[-1][0], b)
        else:
            pieces.append((a, b))
    if len(pieces) > 1 and len(text[pieces[0][0] : pieces[0][1]].split()) < MIN_WORDS:
        pieces[0:2] = [(pieces[0][0], pieces[1][1])]
    return pieces


MAX_REPORTING_CHARS = 400  # a longer content is a run-on (a transcript read as one sentence), no report
# "asked about the bombs": a question put to someone claims nothing
_QUESTION_CUE = re.compile(r"(?:when\s+|was\s+|were\s+)?ask(?:ed|ing|s)?\b", re.IGNORECASE)


def _reported_within(st: Statement, statements: list[Statement]) -> bool:
    """Whether ``st`` is said inside another statement's content ("Lavrov said the US wants to save
    al-Nusra"): the claim is that speaker's, made by the outer statement, not the US's own."""
    return any(
        o is not st
        and any(a <= st.cue_start < b for a, b in content_pieces(o))  # not the attribution between pieces
        and o.sentence_start <= st.sentence_start
        and st.sentence_end <= o.sentence_end  # in one sentence: a run-on content swallows no one
        and o.content_end - o.content_start <= MAX_REPORTING_CHARS
        and o.speaker != st.speaker
        for o in statements
    )


_COMPLEMENT_BEFORE = re.compile(r"\bthat\s+(?:the\s+)?$", re.IGNORECASE)


def _intention_told_of(text: str, st: Statement) -> bool:
    """Whether ``st`` is an intention someone else puts to its subject ("we are sure that [the US] wants
    …"): the other's claim about them, not theirs."""
    if st.speaker_start is None or not is_intention_cue(st.cue):
        return False
    return bool(
        _COMPLEMENT_BEFORE.search(text, max(st.sentence_start, st.speaker_start - 40), st.speaker_start)
    )


def _claims_nothing(text: str, st: Statement, statements: list[Statement]) -> bool:
    """Whether a statement makes no claim of its speaker's: said inside another's statement, a question,
    an intention put to its subject, or an attitude to or a mention of something ("condemned the ban",
    "talked about Trump": the critic does not assert what they condemn)."""
    if _reported_within(st, statements) or _QUESTION_CUE.match(st.cue) or _intention_told_of(text, st):
        return True
    return is_attitude_or_mention_cue(st.cue) and not is_proposition(
        st.cue, text[st.content_start : st.content_end]
    )


def _claim_end(text: str, st: Statement) -> int:
    """Where a statement's claims end: a content the parser ran on past a paragraph break ("Trump has
    refused to disclose his records [¶] He's been pilloried for years …") ends at the break, unless a
    quotation is open there or a colon announces the next paragraph ("on both sides: [¶] “There's only
    one …”"). A direct quotation keeps its end: it may go on in the next paragraph."""
    if st.kind == "direct":
        return st.content_end
    cut = text.find("\n", st.content_start, st.content_end)
    if cut <= st.content_start:
        return st.content_end
    before = text[st.content_start : cut]
    if before.rstrip().endswith(":") or _quote_open(before):
        return st.content_end
    return cut


def _said(text: str, st: Statement) -> list[tuple[int, int]]:
    """The claim pieces of a statement: sentences of what was said, without the attribution that
    interrupts a quotation ("“CNN has done an awful job,” Barkley said. “They have followed …”"). Only
    quotations are taken apart so: the pieces of other contents are halves of one sentence ("The
    front-runner … isn’t expected to attend"), or the parser's reach past the cue ("“…,” Trump said on
    NBC’s Meet the Press")."""
    end = _claim_end(text, st)
    said = content_pieces(st)
    if len(said) > 1 and not all(is_quotation(text[a:b]) for a, b in said):
        said = [(st.content_start, st.content_end)]
    pieces = [p for a, b in said if a < end for p in _pieces(text, a, min(b, end))]
    return pieces[:MAX_CLAIMS_PER_STATEMENT]


def _quote_open(text: str) -> bool:
    """Whether a quotation opened in ``text`` is still open at its end."""
    return text.count("“") > text.count("”") or text.count('"') % 2 == 1


def _frame_stances(
    text: str, start: int, end: int, cue: str, frames: tuple[Frame, ...], mentions: list[Mention]
) -> tuple[FrameStance, ...]:
    """The frames ``text[start:end]`` names, with its stance to each and whom it accuses."""
    piece = text[start:end]
    inside = [m for m in mentions if start <= m.start and m.end <= end]
    out = []
    for h in find_frames(piece, frames):
        accused = accused_mention(text, start, start + h.start, start + h.end, inside)
        out.append(
            FrameStance(
                h.frame, stance(piece, h.start, cue), piece[h.start : h.end], accused and accused.entity_id
            )
        )
    return tuple(out)


def main_places(mentions: list[Mention]) -> tuple[str, ...]:
    """The article's most-named places: what a claim naming none is about."""
    counts = Counter(m.entity_id for m in mentions if m.label in PLACE_LABELS)
    return tuple(sorted(e for e, _ in counts.most_common(MAIN_PLACES)))


def build_claims(
    article: Article, statements: list[Statement], mentions: list[Mention], frames: tuple[Frame, ...]
) -> list[Claim]:
    """The claims in one article, in text order."""
    text = article.text
    main = main_places(mentions)

    def named(a: int, b: int, labels: frozenset[str] | None = None) -> tuple[str, ...]:
        inside = (m for m in mentions if a <= m.start and m.end <= b)
        return tuple(sorted({m.entity_id for m in inside if labels is None or m.label in labels}))

    claims: list[Claim] = []
    covered: list[tuple[int, int]] = []
    for st in statements:
        covered.append((st.content_start, st.content_end))
        if _claims_nothing(text, st, statements):
            continue
        proposition = is_proposition(st.cue, text[st.content_start : st.content_end])
        for a, b in _said(text, st):
            piece = text[a:b]
            frame_stances = _frame_stances(text, a, b, st.cue, frames, mentions)
            if (not proposition or len(_WORD.findall(piece)) < MIN_WORDS) and not frame_stances:
                continue  # "that", "Trump", "the same of Sanders": no proposition, unless it names a
                # frame ("rejects partition charge" denies the partition narrative)
            inside = st.sentence_start <= a and b <= st.sentence_end  # else the piece is its own evidence
            polarity = frame_stances[0].stance if frame_stances else claim_stance(piece, st.cue)
            places = named(st.sentence_start, st.sentence_end, PLACE_LABELS) or main
            claims.append(
                Claim(
                    id=claim_id(article.id, a, b),
                    article_id=article.id,
                    statement_id=st.id,
                    text=piece,
                    start=a,
                    end=b,
                    sentence_start=st.sentence_start if inside else a,
                    sentence_end=st.sentence_end if inside else b,
                    speaker=st.speaker_name or st.speaker,
                    speaker_entity_id=st.speaker_entity_id,
                    stance=polarity,
                    frames=frame_stances,
                    entity_ids=named(a, b),
                    place_ids=places,
                    quoted=st.kind in QUOTED_KINDS,
                )
            )
    for s in split_sentences(text):
        if any(a < s.end and s.start < b for a, b in covered):
            continue
        sentence = text[s.start : s.end]
        frame_stances = _frame_stances(text, s.start, s.end, "", frames, mentions)
        if not frame_stances:
            continue
        claims.append(
            Claim(
                id=claim_id(article.id, s.start, s.end),
                article_id=article.id,
                statement_id=None,
                text=sentence,
                start=s.start,
                end=s.end,
                sentence_start=s.start,
                sentence_end=s.end,
                speaker=article.outlet,
                speaker_entity_id=None,
                stance=frame_stances[0].stance if frame_stances else ASSERTS,
                frames=frame_stances,
                entity_ids=named(s.start, s.end),
                place_ids=named(s.start, s.end, PLACE_LABELS) or main,
            )
        )
    unique = {c.id: c for c in claims}  # two statements can share a content span
    return _accused_carried(sorted(unique.values(), key=lambda c: (c.start, c.end)))


def _accused_carried(claims: list[Claim]) -> list[Claim]:
    """A frame claim naming no accused accuses whom the article's last claim of that frame did: "the
    United States plans to partition Syria" … "We have no plans to break Syria apart"."""
    last: dict[str, str] = {}
    out = []
    for c in claims:
        frames = []
        for fs in c.frames:
            if fs.accused_id is None and fs.frame in last:
                fs = replace(fs, accused_id=last[fs.frame])
            elif fs.accused_id is not None:
                last[fs.frame] = fs.accused_id
            frames.append(fs)
        out.append(replace(c, frames=tuple(frames)) if frames else c)
    return out
