"""Attributed statements: who said what, with which cue, as character spans into the article text.

Design (speed decides it): the text is split into paragraphs, sentences and quotations with regular
expressions (``regions``); only paragraphs with a sentence holding a quotation mark, a cue verb form from
``data/cues.txt``, a phrase cue or a candidate word from ``data/attribution_patterns.txt`` are parsed, each
as its own small doc, with NER, the attribute ruler and the lemmatizer disabled (cue lemmas come from the word
forms of ``data/cues.txt``). ``parse="all"`` parses every paragraph instead, for comparison.

The statements come from a trained tagger (``attribution_model``: a CRF over the parsed paragraphs that
takes the rules below as features) where its model file and python-crfsuite are there
(``model=True``, the default), else from the rules alone.

The rules read each cue over the dependency parse:

- a cue verb's subject is the source (``nsubj``; the ``by``-agent of a passive: "was branded an occupation by
  Assad"); without one, a coordinated or participial cue ("..., adding that") borrows its head's subject;
- its complements are the content: the ``that``-clause or other clausal complement, or the object with the
  prepositional phrase that carries the claim ("accused Y of ..."); an addressee ("told CNN") is not content;
- a quotation touched by the content becomes the content, marks included; a quotation that follows
  directly ("A," he said. "B.") or continues in the next paragraph is added as a further content part;
- "according to X": X is the source, the clause the phrase modifies is the content.

Span conventions follow PolNeAR (the corpus the rules are measured on): the cue keeps its auxiliaries and
particles ("has said", "pointed out", "said in a statement", "said:"), the content keeps "that" and a
quotation's marks but not the sentence's final period, and the source is the whole subject phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from narrascope.enrich import datelines
from narrascope.enrich.regions import Quote, Sentence, find_quotes, regions, split_sentences
from narrascope.errors import NarrascopeError
from narrascope.model import Span

if TYPE_CHECKING:
    import spacy
    from spacy.tokens import Doc, Token

__all__ = ["Attribution", "AttributionExtractor", "Lexicon", "load_lexicon"]

_TELLING = frozenset(
    {"tell", "assure", "inform", "remind", "notify", "advise", "reassure", "warn", "brief", "ask", "promise"}
)
_CUE_AUX = frozenset({"aux", "auxpass", "neg"})
_CUE_ADVERBS = frozenset({"also", "reportedly", "repeatedly", "previously", "later", "again", "often"})
_CONTENT_DEPS = frozenset({"ccomp", "xcomp", "dobj", "oprd", "attr", "acomp"})
_SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
_INHERIT_DEPS = frozenset({"conj", "advcl", "xcomp", "pcomp"})
_EDGE_PUNCT = frozenset(",;:.—–-()")


@dataclass(frozen=True, slots=True)
class Attribution:
    """One attributed statement.

    ``content`` covers the whole statement; ``content_parts`` lists its pieces when it is interrupted
    ('"A," he said. "B."' has two parts), else it holds ``content`` alone.
    """

    cue: Span
    content: Span
    source: Span | None
    kind: str  # direct | indirect | mixed | according_to
    sentence: Span
    content_parts: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Cue verbs (lemmas and their word forms) and the phrase patterns, read from the data files."""

    verbs: frozenset[str]
    forms: frozenset[str]
    lemma_of: dict[str, str]
    phrases: tuple[tuple[str, ...], ...]
    preps: frozenset[tuple[str, str]]
    content_preps: frozenset[str]
    speech_nouns: frozenset[str]
    colon_skip: frozenset[str]
    colon_label_words: frozenset[str]
    candidates: frozenset[str] = frozenset()

    def cue_pattern(self) -> re.Pattern[str]:
        """Words that make a sentence worth parsing: cue forms, phrase cues and the other candidate words."""
        words = sorted(
            self.forms | self.candidates | {" ".join(p) for p in self.phrases}, key=len, reverse=True
        )
        return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


def _data_lines(name: str) -> Iterable[list[str]]:
    text = resources.files("narrascope.data").joinpath(name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    verbs, forms, lemma_of = set(), set(), {}
    for lemma, *rest in _data_lines("cues.txt"):
        verbs.add(lemma)
        for form in rest[0].split() if rest else ():
            forms.add(form)
            lemma_of.setdefault(form, lemma)
    groups: dict[str, list[str]] = {}
    for kind, words in _data_lines("attribution_patterns.txt"):
        groups.setdefault(kind, []).append(words)
    return Lexicon(
        verbs=frozenset(verbs),
        forms=frozenset(forms),
        lemma_of=lemma_of,
        phrases=tuple(tuple(p.split()) for p in groups.get("phrase", [])),
        preps=frozenset(tuple(p.split()) for p in groups.get("prep", [])),  # type: ignore[misc]
        content_preps=frozenset(groups.get("content_prep", [])),
        speech_nouns=frozenset(groups.get("speech_noun", [])),
        colon_skip=frozenset(groups.get("colon_skip", [])),
        colon_label_words=frozenset(groups.get("colon_label_word", [])),
        candidates=frozenset(groups.get("candidate", [])),
    )


_Job = tuple[int, int, str]  # text index, region start, region text


@dataclass(slots=True)
class _Raw:
    """An attribution under construction, as (start, end) character ranges."""

    cue: tuple[int, int]
    parts: list[tuple[int, int]]
    source: tuple[int, int] | None
    according: bool = False


READERS = ("selective", "all", "tagger")  # how statements are read (see ``AttributionExtractor``)
_SAY_TELL = re.compile(r"\b(?:say|says|said|saying|tell|tells|told|telling)\b", re.IGNORECASE)


class AttributionExtractor:
    """Finds attributed statements in raw article texts (see the module docstring)."""

    def __init__(self, nlp: spacy.Language, *, parse: str = "selective", model: bool = True) -> None:
        if parse not in READERS:
            raise ValueError(f"parse must be one of {', '.join(READERS)}, not {parse!r}")
        self.nlp = nlp
        self.parse = parse
        self.lexicon = load_lexicon()
        self.model = None
        self.tagger = None
        if parse == "tagger":
            from narrascope.enrich.attribution_tagger import load_tagger

            self.tagger = load_tagger()
            if self.tagger is None:
                raise NarrascopeError(
                    "E311", "--parse tagger: the tagger's files or the tokenizers package are missing"
                )
        if model:
            from narrascope.enrich.attribution_model import load_model

            self.model = load_model(self.lexicon)
        self._cue_pattern = self.lexicon.cue_pattern()
        # the rules and the model read tags and dependencies only: no lemmas, no coarse POS
        self._disable = [n for n in ("ner", "attribute_ruler", "lemmatizer") if n in nlp.pipe_names]

    def extract(self, texts: Sequence[str], *, batch_size: int = 16) -> list[list[Attribution]]:
        layouts, jobs = self.layout(texts)
        docs = self.nlp.pipe((job[2] for job in jobs), batch_size=batch_size * 8, disable=self._disable)
        parsed = list(zip(jobs, docs, strict=True))
        found = self.rules(texts, layouts, parsed)
        if self.model is not None:
            found = self.model.extract(texts, layouts, parsed, found)
        if self.tagger is not None:
            found = self._tagged(texts, layouts, found)
        return [_outside_datelines(text, atts) for text, atts in zip(texts, found, strict=True)]

    def _tagged(
        self,
        texts: Sequence[str],
        layouts: Sequence[tuple[list[Sentence], list[Quote]]],
        parsed: Sequence[Sequence[Attribution]],
    ) -> list[list[Attribution]]:
        """The tagger's statements, with the parse's help where one label per token cannot say it all: a
        statement without a source takes the one the parse reads for the same cue (a participle's subject:
        "said ..., accusing the US"), and a cue the tagger missed is kept from the parse where it is a
        say/tell verb with a source (an attribution inside another: "X said, according to Y"), a speaker
        label or a signed quotation."""
        from narrascope.enrich.attribution_tagger import group_spans

        out = []
        for text, spans, (sentences, quotes), found in zip(
            texts, self.tagger.spans(texts), layouts, parsed, strict=True
        ):
            raws = []
            for cue, parts, source in group_spans(text, spans, sentences):
                if source is None:
                    same = next(
                        (a for a in found if a.source and _overlaps(cue, (a.cue.start, a.cue.end))), None
                    )
                    source = (same.source.start, same.source.end) if same else None
                according = text[cue[0] : cue[1]].lower().startswith("according")
                raws.append(_Raw(cue, parts, source, according=according))
            for a in found:
                cue = (a.cue.start, a.cue.end)
                keep = a.source is not None and (_SAY_TELL.search(a.cue.text) or a.cue.text in LAYOUT_CUES)
                if keep and not any(_overlaps(cue, r.cue) for r in raws):
                    parts = [(p.start, p.end) for p in (a.content_parts or (a.content,))]
                    raws.append(_Raw(cue, parts, (a.source.start, a.source.end)))
            out.append(build_attributions(text, raws, sentences, quotes))
        return out

    def layout(self, texts: Sequence[str]) -> tuple[list[tuple[list[Sentence], list[Quote]]], list[_Job]]:
        """Sentences and quotations of each text, and the regions to parse as (text index, offset, str)."""
        layouts = []
        jobs: list[_Job] = []
        for i, text in enumerate(texts):
            sentences = split_sentences(text)
            quotes = find_quotes(text)
            layouts.append((sentences, quotes))
            for start, end in regions(
                text, sentences, quotes, self._cue_pattern, parse_all=self.parse == "all"
            ):
                jobs.append((i, start, text[start:end]))
        return layouts, jobs

    def rules(
        self,
        texts: Sequence[str],
        layouts: Sequence[tuple[list[Sentence], list[Quote]]],
        parsed: Iterable[tuple[_Job, Doc]],
    ) -> list[list[Attribution]]:
        """The rule-based statements of each text, from its parsed regions."""
        raws: list[list[_Raw]] = [[] for _ in texts]
        for (i, offset, _), doc in parsed:
            raws[i].extend(_Rules(doc, offset, texts[i], layouts[i][1], self.lexicon).run())
        for i, text in enumerate(texts):
            raws[i].extend(_colon_lines(text, self.lexicon, self._cue_pattern))
            raws[i].extend(dash_signed(text))
        return [
            _finish(text, raw, sentences, quotes)
            for text, raw, (sentences, quotes) in zip(texts, raws, layouts, strict=True)
        ]


class _Rules:
    """The rules for one parsed region (``offset`` is the region's start in the article text)."""

    def __init__(self, doc: Doc, offset: int, text: str, quotes: list[Quote], lexicon: Lexicon) -> None:
        self.doc, self.offset, self.text, self.lex = doc, offset, text, lexicon
        lo, hi = offset, offset + len(doc.text)
        self.quotes = [q for q in quotes if q.end > lo and q.start < hi]

    def run(self) -> list[_Raw]:
        out = []
        for tok in self.doc:
            if self._in_quote(tok):
                continue
            raw = self._phrase_cue(tok) or self._verb_cue(tok)
            if raw is not None:
                out.append(raw)
        return out

    def _lemma(self, tok: Token) -> str:
        """A cue verb's lemma from the lexicon's word forms (the parse pass runs without the lemmatizer)."""
        return self.lex.lemma_of.get(tok.lower_, tok.lower_)

    # -- offsets -------------------------------------------------------------------------------------
    def _chars(self, first: Token, last: Token) -> tuple[int, int]:
        return first.idx + self.offset, last.idx + len(last.text) + self.offset

    def _in_quote(self, tok: Token) -> bool:
        pos = tok.idx + self.offset
        return any(q.start < pos < q.end - 1 for q in self.quotes)

    def _trimmed(self, tokens: list[Token], *, keep_quotes: bool = True) -> tuple[int, int] | None:
        """Character range of a token run with edge punctuation removed, widened to whole quotations."""
        tokens = sorted(tokens, key=lambda t: t.i)
        while tokens and (tokens[0].text in _EDGE_PUNCT or tokens[0].is_space):
            tokens.pop(0)
        while tokens and (tokens[-1].text in _EDGE_PUNCT or tokens[-1].is_space):
            tokens.pop()
        if not tokens:
            return None
        start, end = self._chars(tokens[0], tokens[-1])
        if keep_quotes:
            for q in self.quotes:
                if q.start < end and start < q.end:
                    inside = start >= q.start and end <= q.end
                    crosses_start = start < q.start < end
                    crosses_end = start < q.end <= end or (start >= q.start and end < q.end)
                    if inside or crosses_start or crosses_end:
                        start, end = min(start, q.start), max(end, q.end)
        return start, end

    # -- cues ------------------------------------------------------------------------------------------
    def _phrase_cue(self, tok: Token) -> _Raw | None:
        doc = self.doc
        for words in self.lex.phrases:
            n = len(words)
            if tok.i + n > len(doc) or tok.lower_ != words[0]:
                continue
            if any(doc[tok.i + k].lower_ != w for k, w in enumerate(words)):
                continue
            last = doc[tok.i + n - 1]
            objects = [c for c in last.children if c.dep_ == "pobj"] or [
                c for c in tok.children if c.dep_ == "pobj"
            ]
            if not objects:
                continue
            source = self._trimmed(list(objects[0].subtree), keep_quotes=False)
            phrase = {t.i for t in tok.subtree} | {t.i for t in last.subtree} | set(range(tok.i, tok.i + n))
            head = tok.head
            while head.dep_ not in ("ROOT",) and not head.tag_.startswith(("VB", "MD")):
                head = head.head
            clause = [t for t in head.subtree if t.i not in phrase]
            parts = self._parts(clause)
            if not parts or source is None:
                continue
            return _Raw(self._chars(tok, last), parts, source, according=True)
        return None

    def _verb_cue(self, tok: Token) -> _Raw | None:
        if not tok.tag_.startswith("VB") or self._lemma(tok) not in self.lex.verbs:
            return None
        if self._lemma(tok) == "accord" or (tok.i > 0 and tok.nbor(-1).text in ("<", "</")):
            return None
        content_tokens, passive_subject = self._content_tokens(tok)
        source_tok = self._source(tok)
        if passive_subject is not None:
            by = self._by_phrase(tok)
            pobj = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
            if by is None or pobj is None:
                return None
            source = self._trimmed(list(pobj.subtree), keep_quotes=False)
            phrase = {t.i for t in by.subtree}
            content_tokens = [t for t in list(passive_subject.subtree) + content_tokens if t.i not in phrase]
        else:
            source = self._source_span(source_tok) if source_tok is not None else None
        if not content_tokens:
            quote = self._adjacent_quote(tok, source)
            if quote is None:
                return None
            return _Raw(self._cue_span(tok), [quote], source)
        parts = self._parts(content_tokens)
        if not parts:
            return None
        if source is not None and any(p[0] < source[1] and source[0] < p[1] for p in parts):
            return None
        return _Raw(self._cue_span(tok), parts, source)

    def _by_phrase(self, tok: Token) -> Token | None:
        """The agent of a passive cue: 'by X' under the verb or, as the parser often has it, its object."""
        for c in tok.children:
            if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
                return c
            if c.dep_ in ("dobj", "oprd", "attr"):
                by = next((g for g in c.children if g.dep_ == "prep" and g.lower_ == "by"), None)
                if by is not None:
                    return by
        return None

    def _adjacent_quote(self, tok: Token, source: tuple[int, int] | None) -> tuple[int, int] | None:
        """A quotation right before the source or cue ('"...," he said') or right after the cue."""
        lo = self._chars(tok, tok)[0] if source is None else min(source[0], tok.idx + self.offset)
        hi = tok.idx + len(tok.text) + self.offset
        if source is not None:
            hi = max(hi, source[1])
        for q in self.quotes:
            if 0 <= lo - q.end <= 2 and not self.text[q.end : lo].strip(" ,"):
                return q.start, q.end
            if 0 <= q.start - hi <= 3 and not self.text[hi : q.start].strip(" ,:"):
                return q.start, q.end
        return None

    def _cue_span(self, tok: Token) -> tuple[int, int]:
        first = last = tok
        for child in reversed(list(tok.lefts)):
            if child.i != first.i - 1:
                break
            if child.dep_ in _CUE_AUX or child.lower_ in _CUE_ADVERBS:
                first = child
            else:
                break
        doc = self.doc
        nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
        if (nxt is not None and nxt.dep_ == "prt" and nxt.head.i == tok.i) or (
            nxt is not None and nxt.head.i == tok.i and (self._lemma(tok), nxt.lower_) in self.lex.preps
        ):
            last = nxt
        elif nxt is not None and nxt.head.i == tok.i and nxt.lower_ == "in" and nxt.dep_ == "prep":
            pobj = next((c for c in nxt.children if c.dep_ == "pobj"), None)
            if pobj is not None and _singular(pobj.lower_) in self.lex.speech_nouns:
                last = max(pobj.subtree, key=lambda t: t.i)
        after = doc[last.i + 1] if last.i + 1 < len(doc) else None
        if after is not None and after.text == ":":
            last = after
        return self._chars(first, last)

    def _content_tokens(self, tok: Token) -> tuple[list[Token], Token | None]:
        lemma = self._lemma(tok)
        children = list(tok.children)
        passive = next((c for c in children if c.dep_ == "nsubjpass"), None)
        has_agent = self._by_phrase(tok) is not None
        clausal = [c for c in children if c.dep_ in ("ccomp", "xcomp")]
        chosen: list[Token] = []
        for c in children:
            if c.dep_ in _CONTENT_DEPS:
                if c.dep_ == "dobj" and clausal and lemma in _TELLING:
                    continue
                if c.dep_ == "dobj" and lemma == "tell" and not clausal:
                    continue
                chosen.append(c)
            elif c.dep_ == "prep" and c.lower_ in self.lex.content_preps and c.i > tok.i:
                if (lemma, c.lower_) in self.lex.preps and c.i == tok.i + 1:
                    chosen.extend(g for g in c.children if g.dep_ in ("pobj", "pcomp"))
                elif any(x.dep_ == "dobj" for x in children) or c.lower_ in ("of", "as", "about"):
                    chosen.append(c)
        if passive is not None and not has_agent:
            passive = None
        if not chosen and tok.dep_ == "parataxis":
            own = {t.i for t in tok.subtree}
            return [t for t in tok.head.subtree if t.i not in own], None
        tokens: list[Token] = []
        for c in chosen:
            tokens.extend(c.subtree)
        if tokens and not passive:
            # content on both sides of the cue: keep the side that carries a clause or a quote
            right = [t for t in tokens if t.i > tok.i]
            left = [t for t in tokens if t.i < tok.i]
            if right and left:
                tokens = right
        return tokens, passive

    def _source(self, tok: Token) -> Token | None:
        for c in tok.children:
            if c.dep_ in _SUBJECT_DEPS:
                return c
        head = tok
        for _ in range(3):
            if head.dep_ in _INHERIT_DEPS and head.head.i != head.i:
                head = head.head
                for c in head.children:
                    if c.dep_ in _SUBJECT_DEPS:
                        return c
            elif head.dep_ == "relcl" and head.head.tag_.startswith("NN"):
                return head.head
            else:
                break
        return None

    def _source_span(self, tok: Token) -> tuple[int, int] | None:
        if tok.dep_ in _SUBJECT_DEPS:
            span = self._trimmed(list(tok.subtree), keep_quotes=False)
            if (
                span is not None
                and "," in self.text[span[0] : span[1]]
                and self.text[span[1] : span[1] + 1] == ","
            ):
                span = (span[0], span[1] + 1)
            return span
        # an antecedent of a relative clause: the noun phrase without the clause
        tokens = [tok] + [t for c in tok.lefts for t in c.subtree]
        return self._trimmed(tokens, keep_quotes=False)

    def _parts(self, tokens: list[Token]) -> list[tuple[int, int]]:
        """Contiguous runs of the content tokens, each trimmed and widened to whole quotations."""
        if not tokens:
            return []
        ids = sorted({t.i for t in tokens})
        runs: list[list[int]] = [[ids[0]]]
        for i in ids[1:]:
            if i == runs[-1][-1] + 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        out: list[tuple[int, int]] = []
        for run in runs:
            span = self._trimmed([self.doc[i] for i in run])
            if span is None:
                continue
            if out and span[0] <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], span[1]))
            else:
                out.append(span)
        return out


def _singular(word: str) -> str:
    if word.endswith("es") and word[:-2].endswith(("ch", "sh", "ss")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


_COLON_LINE = re.compile(
    r"^[ \t]*([\"“]?)([A-Z][\w.’'&-]*(?:[ \t]+[\w.’'&-]+){0,4}):[ \t]+(\S[^\n]*?)[ \t]*$", re.M
)


def _colon_lines(text: str, lexicon: Lexicon, cue_pattern: re.Pattern[str]) -> list[_Raw]:
    """Headline and transcript style: 'Lavrov: US wants to divide Syria', 'TAPPER: Good evening.'

    A line whose rest holds a cue of its own ('Moscow: Lavrov has told media ...') has a dateline instead,
    unless the line opens with a quotation mark (a quoted transcript: '"PENCE: I want to say ...').
    """
    out = []
    for m in _COLON_LINE.finditer(text):
        label, rest = m.group(2), m.group(3)
        words = label.split()
        if label.lower() in lexicon.colon_skip or any(c.isdigit() for c in label):
            continue
        if sum(1 for w in words if not w[0].isupper()) > 1 or len(rest.split()) < 3:
            continue
        if any(w[0].isupper() and w.lower() in lexicon.colon_label_words for w in words[1:]):
            continue  # "Stealth Over Health: …" is a headline phrase, not a speaker
        if not m.group(1) and cue_pattern.search(rest):
            continue
        end = m.end(3)
        if text[end - 1] == "." and not any(q in text[m.start(3) : end] for q in "”’\"'"):
            end -= 1
        out.append(_Raw((m.end(2), m.end(2) + 1), [(m.start(3), end)], (m.start(2), m.end(2))))
    return out


_DASHES = ("―", "—", "–", "--")
# cues read from the layout alone (a speaker label's colon, a signing dash): the tagger rarely saw them
LAYOUT_CUES = frozenset({":", *_DASHES})
_GAP = r"[^\S\n]*"  # spaces on one line, NBSP included
_NAME = r"[A-Z][\w.’'-]*(?:[^\S\n]+(?:[A-Z][\w.’'-]*|de|van|von|al|bin|la|le)){0,4}"
_DASH_SIGNED = re.compile(
    rf"^{_GAP}([\"“”«„‘][^\n]*[\"”“»’']){_GAP}({'|'.join(_DASHES)}){_GAP}({_NAME})(?={_GAP}(?:[.,;(]|$))",
    re.M,
)


def dash_signed(text: str) -> list[_Raw]:
    """A quotation signed on its line with a dash and a name: '“He represents our greatest shame.” ― Sonya
    Herridge' (the dash is the cue, the quotation with its marks the content)."""
    out = []
    for m in _DASH_SIGNED.finditer(text):
        name_end = m.end(3)
        if text[name_end - 1] == "." and not re.search(r"\b[A-Z]\.$", m.group(3)):
            name_end -= 1
        out.append(_Raw((m.start(2), m.end(2)), [(m.start(1), m.end(1))], (m.start(3), name_end)))
    return out


def _outside_datelines(text: str, attributions: list[Attribution]) -> list[Attribution]:
    """Attributions with the datelines cut off their sources and contents ("TESSEN — Kaldor's ministry
    said"); one whose cue is inside a dateline is none."""
    lines = datelines.dateline_ends(text)
    if not lines:
        return attributions
    out = []
    for att in attributions:
        content = datelines.trim(att.content, text, lines)
        if content is None or datelines.trim(att.cue, text, lines) != att.cue:
            continue
        parts = tuple(p for p in (datelines.trim(q, text, lines) for q in att.content_parts) if p)
        source = datelines.trim(att.source, text, lines)
        if source is None and att.source is not None:  # the parser took the dateline for the subject
            end = datelines.end_of(lines, att.source.start)
            source = (
                datelines.subject_after(text, end, att.cue.start) if end and att.cue.start >= end else None
            )
        out.append(replace(att, source=source, content=content, content_parts=parts))
    return out


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _finish(text: str, raws: list[_Raw], sentences: list[Sentence], quotes: list[Quote]) -> list[Attribution]:
    """Adds following quotations to quoted statements, drops duplicates, builds the records."""
    raws.sort(key=lambda r: r.cue[0])
    unique: list[_Raw] = []
    seen: set[tuple[int, int]] = set()
    for raw in raws:
        if raw.cue not in seen:
            seen.add(raw.cue)
            unique.append(raw)
    _cut_nested(text, unique, quotes)
    _link_following_quotes(text, unique, sentences, quotes)
    return build_attributions(text, unique, sentences, quotes)


def build_attributions(
    text: str, raws: Iterable[_Raw], sentences: list[Sentence], quotes: list[Quote]
) -> list[Attribution]:
    """The records of finished statements, in cue order."""
    out = []
    for raw in sorted(raws, key=lambda r: r.cue[0]):
        parts = sorted(set(raw.parts))
        kind = _kind(parts, quotes, raw.according)
        lo = min([raw.cue[0], parts[0][0]] + ([raw.source[0]] if raw.source else []))
        hi = max([raw.cue[1], parts[-1][1]] + ([raw.source[1]] if raw.source else []))
        sent_lo = max((s.start for s in sentences if s.start <= lo), default=0)
        sent_hi = min((s.end for s in sentences if s.end >= hi), default=len(text))
        content = _span(text, (parts[0][0], parts[-1][1]))
        out.append(
            Attribution(
                cue=_span(text, raw.cue),
                content=content,
                source=_span(text, raw.source) if raw.source else None,
                kind=kind,
                sentence=_span(text, (sent_lo, sent_hi)),
                content_parts=tuple(_span(text, p) for p in parts),
            )
        )
    return out


_TRAILING = re.compile(r"(?:[\s,;:—–-]|\b(?:and|but|while|as|or)\b)+$")
TRAILING_WINDOW = 40  # characters before an inner statement searched for its separator (", and" ...)


def _cut_nested(text: str, raws: list[_Raw], quotes: list[Quote]) -> None:
    """A statement's content stops where another statement inside it begins ('A said X, and B said Y').

    PolNeAR gives each token to one attribution, and the inner one is its own record anyway.
    """
    for raw in raws:
        parts = []
        for start, end in raw.parts:
            if any(q.start <= start and end <= q.end for q in quotes):
                parts.append((start, end))
                continue
            for other in raws:
                if other is raw or not start < other.cue[0] < end:
                    continue
                first = other.cue[0]
                if other.source and start < other.source[0] < first:
                    first = other.source[0]
                if first - start < 3 or any(q.start < first < q.end for q in quotes):
                    continue
                # a bounded window: searching all of [start, first) is quadratic on long paragraphs
                m = _TRAILING.search(text, max(start, first - TRAILING_WINDOW), first)
                if m is None or not any(c in m.group() for c in ",;—–"):
                    continue
                end = m.start()
            if end > start:
                parts.append((start, end))
        if parts:
            raw.parts = parts


def _link_following_quotes(
    text: str, raws: list[_Raw], sentences: list[Sentence], quotes: list[Quote]
) -> None:
    """A quotation that directly follows a quoted statement, with nothing but space between, continues it."""
    claimed = (
        [p for r in raws for p in r.parts] + [r.cue for r in raws] + [r.source for r in raws if r.source]
    )
    free = [q for q in quotes if not any(_overlaps((q.start, q.end), c) for c in claimed)]
    for raw in raws:
        if not any(_overlaps(p, (q.start, q.end)) for p in raw.parts for q in quotes):
            continue
        end = max(max(p[1] for p in raw.parts), raw.cue[1], raw.source[1] if raw.source else 0)
        end = _sentence_end(sentences, end)
        while free:
            nxt = next((q for q in free if q.start >= end), None)
            if nxt is None or text[end : nxt.start].strip():
                break
            if "\n" in text[end : nxt.start] and not _continues(text, raw, quotes):
                break
            raw.parts.append((nxt.start, nxt.end))
            free.remove(nxt)
            end = _sentence_end(sentences, nxt.end)


def _continues(text: str, raw: _Raw, quotes: list[Quote]) -> bool:
    """Whether the statement's last quotation was left open at the paragraph end (it goes on below)."""
    last = max(raw.parts, key=lambda p: p[1])
    return any(q.open_end and _overlaps((q.start, q.end), last) for q in quotes)


def _sentence_end(sentences: list[Sentence], pos: int) -> int:
    for s in sentences:
        if s.start <= pos <= s.end:
            return s.end
    return pos


def _kind(parts: list[tuple[int, int]], quotes: list[Quote], according: bool) -> str:
    if according:
        return "according_to"
    quoted = [q for q in quotes if any(_overlaps(p, (q.start, q.end)) for p in parts)]
    if not quoted:
        return "indirect"
    if all(any(q.start <= p[0] and p[1] <= q.end for q in quoted) for p in parts):
        return "direct"
    return "mixed"


def _span(text: str, rng: tuple[int, int]) -> Span:
    return Span(rng[0], rng[1], text[rng[0] : rng[1]])
