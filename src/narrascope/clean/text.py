"""Plain-text cleaner: the article body of a page saved as text with all its furniture.

Trafilatura cannot read plain text, and justext misses login and comment blocks, so this is ours:

1. Every line gets features (length, sentence ending, title case, glued link labels) and, when it
   matches the shipped furniture vocabulary (``data/furniture.txt``: UI labels, closing headings,
   self-promotion, credits, dates, counters...) or the outlet's repeated lines, a reason to drop it.
   Photo credits mark the caption beside them and the teaser headline under them.
2. Lines are scored like tokens in BTE (body text extraction): prose earns its word count, every other
   line costs a little and furniture costs more; prose isolated between non-prose lines (the blurb of
   a teaser, a comment) earns less. The best contiguous run (maximum subarray) holds the body.
3. The run can bridge a widget to reach prose beyond it: the article going on after a "Most read"
   box, but also community rules or a list of teasers. It is split at gaps and closing headings
   ("You may also like"); parts that share few words with the main part, or that are lists of
   one-paragraph items after a closing heading, are dropped.
4. Inside the body, furniture goes and short lines that are not furniture stay (subheads, quotes).
   The headline is taken from just before the body.

Pure Python with precompiled regular expressions: no model, thousands of pages a minute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from narrascope.clean.dates import DATE_PATTERN
from narrascope.clean.teasers import MAX_HEADLINE_WORDS, ends_sentence, glued_card, headline_like

__all__ = ["TextExtract", "Vocabulary", "clean_plain_text", "line_key", "load_vocabulary"]


@dataclass(frozen=True, slots=True)
class TextExtract:
    """What the cleaner kept, the headline it saw, and every dropped line with the reason."""

    text: str
    title: str | None
    removed: tuple[tuple[str, str], ...]


_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NON_WORD = re.compile(r"[\W_]+")
_BULLET = re.compile(r"^[*+•·▪►◦○]\s+")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?:])\s+")
_TOPIC_WORD = re.compile(r"[^\W\d_]{4,}")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")

# Scores of the body search, in words of prose: a prose line earns its length, anything else costs.
SHORT_COST = 2.0
FURNITURE_COST = 8.0
UNPUNCTUATED_FACTOR = 0.5  # a long line without a sentence ending (caption, teaser blurb) earns half
ISOLATED_FACTOR = 0.3  # prose between two non-prose lines (a teaser's blurb, a comment) earns less...
ISOLATED_COST = 5.0  # ... and pays for the line break: a short blurb costs more than it earns
INLINE_COST = 2.0  # furniture that sits inside articles costs like any short line
_INLINE_REASONS = frozenset({"caption", "credit", "teaser", "list-marker"})
PROSE_MIN_WORDS = 7  # a line ending as a sentence with at least this many words is prose
LONG_MIN_WORDS = 15  # a line at least this long is prose-like even without a sentence ending
SHORT_LINE_WORDS = 12  # furniture labels and credits are at most this long
PROMO_MAX_WORDS = 40  # a self-promotion blurb is at most this long; longer lines are article prose
CARD_MAX_WORDS = 80  # a link card (headline and blurb on one line) is at most this long
PATTERN_MAX_WORDS = 80  # the [regex] patterns describe lines no longer than a caption
TITLE_LOOKBACK = 12  # lines before the body searched for the headline
HEADING_MAX_WORDS = 14  # a page's first line, set apart by a blank line, is its headline up to this long
# ... unless it is a lead: a finished sentence that reports speech in the past ("Lavrov said on Monday …")
_REPORTED = re.compile(r"\b(?:said|told|added|according\s+to|announced|reported|stated)\b", re.IGNORECASE)
DATELINE_MAX_WORDS = 6  # a line this short holding a full date is a dateline
CLOSING_MAX_WORDS = 5  # a closing heading ("More from Reuters", "3 Comments") is at most this long
GAP_LINES = 4  # this many non-prose lines in a row split the best run into parts
COHESION_MIN = 0.25  # a part stays when this share of its words occur in the main part
PART_MIN_WORDS = 20  # ... and it holds at least this much prose
BLOB_TOKEN_CHARS = 100  # longer than any word: a short line holding such a token is pasted data, not layout


def line_key(line: str) -> str:
    """The key repeated lines are counted by: bullet dropped, case folded, spaces collapsed, digits to 0."""
    return _SPACES.sub(" ", _DIGITS.sub("0", _BULLET.sub("", line.strip()).casefold())).strip()


def _fold(line: str) -> str:
    """Folded form for vocabulary matching: glued labels split, case folded, punctuation to spaces."""
    return _NON_WORD.sub(" ", _CAMEL.sub(" ", line).casefold()).strip()


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The furniture vocabulary, compiled (see ``data/furniture.txt`` for what each part means)."""

    ui: frozenset[str]
    ui_longest: int
    start: re.Pattern[str]
    contains: re.Pattern[str]
    mentions: re.Pattern[str]
    end: frozenset[str]
    promo: re.Pattern[str]
    promo_start: re.Pattern[str]
    credit: re.Pattern[str]
    caption: re.Pattern[str]
    teaser: re.Pattern[str]
    minor: frozenset[str]
    patterns: tuple[tuple[str, re.Pattern[str]], ...]


def _phrases_regex(phrases: list[str], anchored: bool) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(("^" if anchored else r"(?<!\S)") + f"(?:{alternatives})" + r"(?!\S)")


def _parse(text: str) -> dict[str, list[str]]:
    """Sections of the vocabulary file: ``[name]`` headers, one entry a line, ``#`` comments."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        else:
            current.append(line)
    return sections


def _compile(text: str) -> Vocabulary:
    s = _parse(text)
    fold = [_fold(p) for p in s.get("ui", [])]
    patterns = []
    for row in s.get("regex", []):
        reason, pattern = row.split(None, 1)
        patterns.append((reason, re.compile(pattern.strip(), re.IGNORECASE)))
    return Vocabulary(
        ui=frozenset(fold),
        ui_longest=max((len(p.split()) for p in fold), default=1),
        start=_phrases_regex([_fold(p) for p in s.get("start", [])], anchored=True),
        contains=_phrases_regex([_fold(p) for p in s.get("contains", [])], anchored=False),
        mentions=_phrases_regex([_fold(p) for p in s.get("mentions", [])], anchored=False),
        end=frozenset(_fold(p) for p in s.get("end", [])),
        promo=_phrases_regex([_fold(p) for p in s.get("promo", [])], anchored=False),
        promo_start=_phrases_regex([_fold(p) for p in s.get("promo", [])], anchored=True),
        credit=_phrases_regex([_fold(p) for p in s.get("credit", [])], anchored=False),
        caption=re.compile("|".join(f"(?:{p})" for p in s.get("caption", [])), re.IGNORECASE),
        teaser=_phrases_regex([_fold(p) for p in s.get("teaser", [])], anchored=True),
        minor=frozenset(s.get("minor", [])),
        patterns=tuple(patterns),
    )


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """The shipped furniture vocabulary, compiled once per process."""
    return _compile(resources.files("narrascope").joinpath("data", "furniture.txt").read_text("utf-8"))


def _only_labels(folded: str, vocab: Vocabulary) -> bool:
    """Whether a short line is nothing but UI labels (and numbers): "Log in Privacy Policy 12"."""
    words = folded.split()
    if not words or len(words) > SHORT_LINE_WORDS:
        return False
    if all(word.isdigit() for word in words):
        return False
    reach = [True] + [False] * len(words)
    for i in range(1, len(words) + 1):
        if words[i - 1].isdigit() and reach[i - 1]:
            reach[i] = True
            continue
        for j in range(max(0, i - vocab.ui_longest), i):
            if reach[j] and " ".join(words[j:i]) in vocab.ui:
                reach[i] = True
                break
    return reach[-1]


def _units(line: str) -> int:
    """Length in words; scripts written without spaces count two characters as a word."""
    words = len(line.split())
    cjk = len(_CJK.findall(line)) if not line.isascii() else 0
    return max(words, cjk // 2)


@dataclass(slots=True)
class _Line:
    text: str
    words: int
    sentence: bool
    reason: str = ""  # why the line goes whatever its place; "" when it is not furniture
    closing: bool = False  # a heading that closes the article ("Leave a Reply")

    @property
    def prose(self) -> bool:
        return not self.reason and (
            (self.sentence and self.words >= PROSE_MIN_WORDS) or self.words >= LONG_MIN_WORDS
        )

    @property
    def blob(self) -> bool:
        """Not prose, and held up by a token longer than any word (a long URL, pasted data)."""
        return not self.prose and max(map(len, self.text.split())) > BLOB_TOKEN_CHARS


def _scores(lines: list[_Line]) -> list[float]:
    """Per-line score: prose earns its words (less when isolated between non-prose lines), the rest costs.

    Photo captions, credits and teaser links sit inside articles: they cost like a short line, and
    paragraphs on either side of them are not isolated by them. Nor are they by a blob (a line held up by
    one huge token), which is no layout.
    """
    prose = [line.prose for line in lines]
    flow = [i for i, line in enumerate(lines) if line.reason not in _INLINE_REASONS and not line.blob]
    isolated = [False] * len(lines)
    for n, i in enumerate(flow):
        before = n > 0 and prose[flow[n - 1]]
        after = n + 1 < len(flow) and prose[flow[n + 1]]
        isolated[i] = prose[i] and not before and not after
    scores = []
    for i, line in enumerate(lines):
        if line.reason:
            scores.append(-(INLINE_COST if line.reason in _INLINE_REASONS else FURNITURE_COST))
        elif line.prose:
            value = line.words * (1.0 if line.sentence else UNPUNCTUATED_FACTOR)
            scores.append(value * ISOLATED_FACTOR - ISOLATED_COST if isolated[i] else value)
        else:
            scores.append(-SHORT_COST)
    return scores


def _classify(text: str, furniture: frozenset[str], vocab: Vocabulary) -> _Line:
    words = _units(text)
    line = _Line(text, words, ends_sentence(text))
    folded = _fold(text)
    short = words <= SHORT_LINE_WORDS
    full_stop = text.endswith(".") and not text.endswith("..")
    line.closing = not full_stop and _closing(folded, vocab)
    if furniture and line_key(text) in furniture:
        line.reason = "repeated"
    elif short and (vocab.credit.search(folded) or vocab.caption.match(text) or text[0] in "©Ⓒ"):
        line.reason = "credit"
    elif vocab.caption.match(text):
        line.reason = "caption"
    elif line.closing or vocab.contains.search(folded) or _labels(folded, line, vocab):
        line.reason = "furniture-phrase"
    elif not line.sentence and short and vocab.teaser.match(folded):
        line.reason = "teaser"
    else:
        line.reason = _self_talk(text, folded, words, vocab) or _pattern(text, words, vocab)
    return line


def _labels(folded: str, line: _Line, vocab: Vocabulary) -> bool:
    """A line that is not a long sentence and is made of UI labels, or opens like one ("Previous article")."""
    if line.sentence and line.words > SHORT_LINE_WORDS:
        return False
    return _only_labels(folded, vocab) or bool(vocab.start.match(folded))


def _self_talk(text: str, folded: str, words: int, vocab: Vocabulary) -> str:
    """The site talking about itself: its policies, calls to subscribe or donate ("" when not).

    A short line needs one phrase; a longer one two, or one opening a sentence ("Subscribe to our
    newsletter"): news prose mentions donations and sign-ups, but rarely tells the reader to make them.
    """
    if words > PROMO_MAX_WORDS:
        return ""
    promo = len(vocab.promo.findall(folded))
    mentions = len(vocab.mentions.findall(folded))
    if promo + mentions >= 2 or (promo + mentions and words <= SHORT_LINE_WORDS):
        return "promo" if promo else "furniture-phrase"
    if promo and any(vocab.promo_start.match(_fold(s)) for s in _SENTENCE_BREAK.split(text)):
        return "promo"
    return ""


def _pattern(text: str, words: int, vocab: Vocabulary) -> str:
    """The reason of the first [regex] pattern the line matches (bylines, dates, counters, credits)."""
    if words <= PATTERN_MAX_WORDS:
        for reason, pattern in vocab.patterns:
            if pattern.search(text):
                return reason
    return ""


def _closing(folded: str, vocab: Vocabulary) -> bool:
    """A short heading opening with a closing phrase: "Comments (12)", "More from CNBC", "Related"."""
    words = [w for w in folded.split() if not w.isdigit()]
    if not words or len(words) > CLOSING_MAX_WORDS:
        return False
    return any(" ".join(words[:n]) in vocab.end for n in range(1, len(words) + 1))


def _unwrap(lines: list[str]) -> list[str]:
    """Join hard-wrapped prose (a long unterminated line, then one starting in lower case); drop blanks."""
    out: list[str] = []
    after_blank = True
    for raw in lines:
        line = _BULLET.sub("", raw.strip())
        if not line:
            after_blank = True
            continue
        if (
            not after_blank
            and line[:1].islower()
            and len(out[-1]) >= 40
            and out[-1][-1:].isalpha()
            and not _BULLET.match(raw.strip())
        ):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        after_blank = False
    return out


def _best_run(scores: list[float]) -> tuple[int, int]:
    """Maximum-sum contiguous run (Kadane); (start, end) inclusive, (0, -1) when nothing is positive."""
    best, best_span = 0.0, (0, -1)
    total, start = 0.0, 0
    for i, value in enumerate(scores):
        if total <= 0:
            total, start = value, i
        else:
            total += value
        if total > best:
            best, best_span = total, (start, i)
    return best_span


class _Part(NamedTuple):
    first: int
    last: int
    after_closing: bool  # a closing heading ("You may also like") comes before it
    prose_lines: int
    prose_words: int
    joined_words: int  # prose words in lines next to another prose line: paragraphs, not blurbs


def _body(lines: list[_Line]) -> list[bool]:
    """Which lines belong to the article body: the best run, less its parts that stray off topic.

    The best run can bridge a widget to reach prose beyond it: the article going on after a
    "Most read" box, but also a cookie notice, community rules or teaser blurbs. Gaps (runs of
    non-prose lines, or a closing heading) split the run into parts. The core is the part with the
    most prose that is not a list of one-paragraph items past a closing heading (teasers, comments);
    another part stays when it is long enough, is no such list, and enough of its words occur in the
    core.
    """
    body = [False] * len(lines)
    start, end = _best_run(_scores(lines))
    if end < start:  # nothing scores: a short page, one paragraph between furniture; keep its best line
        best = max(range(len(lines)), key=lambda i: lines[i].words if lines[i].prose else -1, default=None)
        if best is not None and lines[best].prose:
            body[best] = True
        return body
    parts = _parts(lines, start, end)
    eligible = [p for p in parts if not _items(p)]
    core = max(eligible or parts, key=lambda p: p.prose_words)
    core_words = _topic_words(lines, core.first, core.last)
    for part in parts:
        if part != core:
            words = _topic_words(lines, part.first, part.last)
            share = sum(n for w, n in words.items() if w in core_words) / max(1, sum(words.values()))
            if share < COHESION_MIN or part.prose_words < PART_MIN_WORDS or _items(part):
                continue
        for i in range(part.first, part.last + 1):
            body[i] = True
    first = body.index(True)
    lead_in = lines[first - 1] if first else None
    if lead_in and not lead_in.reason and lead_in.words <= SHORT_LINE_WORDS and lead_in.text.endswith(":"):
        body[first - 1] = True  # "Press TV reports:" introduces the article (and names its source)
    return body


def _items(part: _Part) -> bool:
    """Past a closing heading, one-paragraph items (teasers, comments) rather than running paragraphs."""
    return part.after_closing and part.prose_lines > 1 and part.joined_words < part.prose_words / 2


def _parts(lines: list[_Line], start: int, end: int) -> list[_Part]:
    """Split ``start..end`` at gaps: GAP_LINES non-prose lines in a row, or a closing heading."""
    spans: list[tuple[int, int, bool]] = []
    first = start
    run_start, run = start, 0
    closing = seen_closing = False
    for i in range(start, end + 1):
        if lines[i].prose:
            if (run >= GAP_LINES or closing) and run_start > first:
                spans.append((first, run_start - 1, seen_closing))
                first = i
                seen_closing = seen_closing or closing
            run, closing = 0, False
        else:
            if run == 0:
                run_start = i
            run += 1
            closing = closing or lines[i].closing
    spans.append((first, end, seen_closing))
    parts = []
    for first, last, after_closing in spans:
        count = prose = joined = 0
        for i in range(first, last + 1):
            if lines[i].prose:
                count += 1
                prose += lines[i].words
                if (i > first and lines[i - 1].prose) or (i < last and lines[i + 1].prose):
                    joined += lines[i].words
        parts.append(_Part(first, last, after_closing, count, prose, joined))
    return parts


def _topic_words(lines: list[_Line], first: int, last: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in lines[first : last + 1]:
        if line.prose:
            for word in _TOPIC_WORD.findall(line.text.casefold()):
                counts[word] = counts.get(word, 0) + 1
    return counts


def _find_title(lines: list[_Line], start: int, vocab: Vocabulary, heading: bool) -> int | None:
    """Index of the headline: a headline-shaped line shortly before the body, else None.

    Title-case lines come first (a repeated one before others), then sentence-case lines that do not
    end as a sentence; the nearest to the body wins. The body's own first line counts when it does not
    end as a sentence and prose follows it. Last, the page's first line when it is set apart by a blank
    line (``heading``), short, and followed by longer prose, whatever ends it ("Is the dam safe?").
    """
    counts: dict[str, int] = {}
    for line in lines[: start + 1]:
        key = line_key(line.text)
        counts[key] = counts.get(key, 0) + 1
    window = range(max(0, start - TITLE_LOOKBACK), min(start + 1, len(lines)))
    shaped = [
        i
        for i in window
        if not lines[i].reason and 4 <= lines[i].words <= MAX_HEADLINE_WORDS and not _dateline(lines[i])
    ]
    title_case = [i for i in shaped if headline_like(lines[i].text, lines[i].words, vocab.minor)]
    repeated = [i for i in title_case if counts[line_key(lines[i].text)] > 1]
    unpunctuated = [i for i in shaped if not lines[i].sentence]
    before = [i for i in unpunctuated if i < start]
    opening = [i for i in unpunctuated if i == start and i + 1 < len(lines) and lines[i + 1].prose]
    first = [0] if heading and shaped[:1] == [0] and _heading(lines) else []
    for found in (repeated, title_case, before, opening, first):
        if found:
            return found[-1]
    return None


def _heading(lines: list[_Line]) -> bool:
    """Whether the first line is short and followed by longer prose, and is no lead reporting speech."""
    top = lines[0]
    return (
        top.words <= HEADING_MAX_WORDS
        and len(lines) > 1
        and lines[1].prose
        and lines[1].words > top.words
        and not (top.sentence and _REPORTED.search(top.text))
    )


def _set_apart(text: str) -> bool:
    """The page's first line is followed by a blank line."""
    head = text.lstrip().split("\n", 2)
    return len(head) == 3 and not head[1].strip()


def _dateline(line: _Line) -> bool:
    """A short line that carries a full date ("Published: 12 March 2024") is a dateline, not a headline."""
    return line.words <= DATELINE_MAX_WORDS and DATE_PATTERN.search(line.text) is not None


def _captions_and_teasers(lines: list[_Line], vocab: Vocabulary) -> None:
    """Unpunctuated lines beside a photo credit are its caption; a headline right after one is a teaser."""
    for i, line in enumerate(lines):
        if line.reason != "credit":
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(lines) and not lines[j].reason and not lines[j].sentence:
                neighbour = lines[j]
                headline = headline_like(neighbour.text, neighbour.words, vocab.minor)
                if j > i and headline:
                    neighbour.reason = "teaser"
                elif j < i and not headline:
                    neighbour.reason = "caption"


def _link_cards(lines: list[_Line], vocab: Vocabulary) -> None:
    """Runs of link cards flattened to one line each ("Headline TextBlurb sentence...") are teasers.

    One such line alone is more likely prose with a camel-cased name in it ("... on YouTube ...").
    """
    cards = [
        not line.reason and line.words <= CARD_MAX_WORDS and glued_card(line.text, vocab.minor)
        for line in lines
    ]
    for i, card in enumerate(cards):
        if card and ((i > 0 and cards[i - 1]) or (i + 1 < len(cards) and cards[i + 1])):
            lines[i].reason = "teaser"


def clean_plain_text(text: str, furniture: frozenset[str] = frozenset()) -> TextExtract:
    """Keep the article body of a plain-text page, one paragraph a line, lines as they were (stripped).

    ``furniture`` holds ``line_key``s of lines repeated across the outlet's pages (``LineCounter``).
    Hard-wrapped prose is joined first, so a ``removed`` entry may span several source lines.
    """
    vocab = load_vocabulary()
    lines = [_classify(t, furniture, vocab) for t in _unwrap(text.splitlines())]
    _captions_and_teasers(lines, vocab)
    _link_cards(lines, vocab)
    body = _body(lines)
    start = body.index(True) if True in body else len(lines)
    title_at = _find_title(lines, start, vocab, _set_apart(text)) if body[start:] else None
    kept: list[str] = []
    removed: list[tuple[str, str]] = []
    title_key = line_key(lines[title_at].text) if title_at is not None else None
    seen: set[str] = set()
    for i, line in enumerate(lines):
        key = line_key(line.text)
        if i == title_at or key == title_key:
            reason = "title"
        elif line.reason:
            reason = line.reason
        elif not body[i]:
            reason = "outside-body" if line.prose else "short-outside-body"
        elif key in seen:
            reason = "repeated-in-page"
        else:
            kept.append(line.text)
            seen.add(key)
            continue
        removed.append((line.text, reason))
    title = lines[title_at].text if title_at is not None else None
    return TextExtract(text="\n\n".join(kept), title=title, removed=tuple(removed))
