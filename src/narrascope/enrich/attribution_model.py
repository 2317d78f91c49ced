"""The trained attribution tagger: a linear-chain CRF over the parsed regions, stacked on the rules.

Each parsed region (a run of candidate sentences, see ``regions``) is one sequence; every token gets a BIO
label for ``CUE``, ``SRC`` (source) or ``CNT`` (content), as PolNeAR's spans are flat (an attribution's
parts never nest inside another's). The features are cheap reads of the spaCy parse (word, shape, tag,
dependency, head, the dependency path up to the nearest cue verb of ``data/cues.txt``), the quotation
layout (inside a quotation, a quotation mark) and the rules' own prediction for the token (stacking: the
CRF learns where the rules are right and fixes their boundaries). The model is trained on PolNeAR train by
``train/attribution.py`` and shipped as ``data/attribution_crf.txt`` (the CRFsuite model, base64: package
data is text); tagging is python-crfsuite's C code.

Tagged spans become statements: each source and content span joins the nearest cue of its sentence, else
of its region; content in a region without a cue (a quotation continued in a following paragraph) joins
the last cue before it. Where the rules read the same cue, their source and content may replace the
tagged ones (the model file's ``borrow`` setting, chosen on held-out train); a tagged cue without content
borrows the rules' content, else it is dropped. An optional second CRF (``--stages 2`` in training) re-tags
with the first one's cues as features.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from narrascope.enrich.attribution import Attribution, Lexicon
    from narrascope.enrich.regions import Quote, Sentence

__all__ = [
    "MODEL_FILE",
    "CrfAttributionModel",
    "base_features",
    "gold_labels",
    "load_model",
    "rule_labels",
    "sequence_features",
    "with_cue_features",
]

MODEL_FILE = "attribution_crf.txt"
_ROLE = {"cue": "CUE", "source": "SRC", "content": "CNT"}
_QUOTE_MARKS = frozenset({'"', "“", "”", "«", "»", "„", "‘", "’", "''", "``", "'"})
_ANCESTOR_STEPS = 8
_PASSIVE_AUX = frozenset({"been", "was", "were", "is", "are", "be", "being"})
# Where the rules read the same cue, their source and content replace the tagged ones; the model file's
# ``borrow`` setting (chosen on held-out train) decides.
BORROW = True
_EDGE_DEPS = frozenset(
    {
        "nsubj",
        "nsubjpass",
        "csubj",
        "ccomp",
        "xcomp",
        "dobj",
        "pobj",
        "prep",
        "agent",
        "advcl",
        "conj",
        "relcl",
        "appos",
        "oprd",
        "attr",
        "acomp",
        "parataxis",
        "npadvmod",
        "advmod",
        "pcomp",
        "acl",
    }
)
_CLAUSE_DEPS = frozenset({"nsubj", "nsubjpass", "ccomp", "xcomp", "dobj", "agent", "parataxis"})

CharSpans = dict[str, list[tuple[int, int]]]  # role -> character ranges


def _shape(word: str) -> str:
    if word.isdigit():
        return "d"
    if word.isalpha():
        if word.isupper():
            return "X" if len(word) > 1 else "X1"
        if word[0].isupper():
            return "Xx"
        return "x"
    if len(word) == 1:
        return word
    return "mix"


def _labels_from_spans(doc: Doc, offset: int, spans: CharSpans) -> list[str]:
    """BIO labels of the doc's tokens for character spans of the article (later spans win on overlap)."""
    toks = list(doc)
    labels = ["O"] * len(toks)
    owner = [-1] * len(toks)
    starts = [t.idx + offset for t in toks]
    ends = [s + len(t.text) for s, t in zip(starts, toks, strict=True)]
    space = [t.is_space for t in toks]
    lo, hi = offset, offset + len(doc.text)
    n = 0
    for role, ranges in spans.items():
        tag = _ROLE[role]
        for start, end in ranges:
            n += 1
            if end <= lo or start >= hi:
                continue
            for i in range(len(toks)):
                if starts[i] < end and start < ends[i] and not space[i]:
                    labels[i] = tag
                    owner[i] = n
    out = []
    prev = -1
    for i, lab in enumerate(labels):
        if lab == "O":
            out.append("O")
            prev = -1
            continue
        out.append(("I-" if owner[i] == prev else "B-") + lab)
        prev = owner[i]
    return out


def cue_marks(labels: Sequence[str]) -> list[str]:
    """Stage two's view of a labelling: its cue labels, everything else O."""
    return [lab if lab.endswith("CUE") else "O" for lab in labels]


def rule_labels(doc: Doc, offset: int, found: Iterable[Attribution]) -> list[str]:
    spans: CharSpans = {"content": [], "source": [], "cue": []}
    for a in found:
        spans["content"].extend((p.start, p.end) for p in (a.content_parts or (a.content,)))
        if a.source is not None:
            spans["source"].append((a.source.start, a.source.end))
        spans["cue"].append((a.cue.start, a.cue.end))
    return _labels_from_spans(doc, offset, spans)


def gold_labels(doc: Doc, offset: int, spans: CharSpans) -> list[str]:
    return _labels_from_spans(doc, offset, spans)


def sequence_features(
    doc: Doc,
    offset: int,
    quotes: Sequence[Quote],
    rules: Sequence[str],
    lexicon: Lexicon,
    cues: Sequence[str] | None = None,
) -> list[list[str]]:
    """The CRF features of each token of one parsed region; with ``cues`` (stage two: the labels of stage
    one, gold in training) also each token's relation to the nearest cue."""
    feats = base_features(doc, offset, quotes, rules, lexicon)
    return feats if cues is None else with_cue_features(doc, feats, cues)


def base_features(
    doc: Doc, offset: int, quotes: Sequence[Quote], rules: Sequence[str], lexicon: Lexicon
) -> list[list[str]]:
    """The features of stage one, which stage two extends (computed once for both). Token attributes are
    read into lists once: each pass over a ``Doc`` makes a new ``Token`` object per token."""
    forms = lexicon.forms
    lemma_of = lexicon.lemma_of
    lo, hi = offset, offset + len(doc.text)
    local = [q for q in quotes if q.end > lo and q.start < hi]
    toks = list(doc)
    words = [t.lower_ for t in toks]
    tags = [t.tag_ for t in toks]
    deps = [t.dep_ for t in toks]
    heads = [t.head.i for t in toks]
    n = len(toks)
    cands = lexicon.candidates
    cue_tok = [(words[i] in forms or words[i] in cands) and tags[i].startswith("VB") for i in range(n)]
    # subtree edges: which dependents' subtrees start or end at each token (span boundaries)
    left_of: list[list[str]] = [[] for _ in range(n)]
    right_of: list[list[str]] = [[] for _ in range(n)]
    child_deps: list[set[str]] = [set() for _ in range(n)]
    for i, t in enumerate(toks):
        if heads[i] != i:
            child_deps[heads[i]].add(deps[i])
            if deps[i] in _EDGE_DEPS:
                left_of[t.left_edge.i].append(deps[i])
                right_of[t.right_edge.i].append(deps[i])
    quote = []
    for t in toks:
        pos = t.idx + offset
        if t.text in _QUOTE_MARKS:
            quote.append("mark")
        elif any(q.start < pos < q.end - 1 for q in local):
            quote.append("in")
        else:
            quote.append("out")
    sent_start = [t.is_sent_start for t in toks]
    feats: list[list[str]] = []
    for i, t in enumerate(toks):
        w = words[i]
        hi_ = heads[i]
        f = [
            "b",
            "w=" + w,
            "s3=" + w[-3:],
            "sh=" + _shape(t.text),
            "t=" + tags[i],
            "d=" + deps[i],
            "hd=" + deps[hi_],
            "ht=" + tags[hi_],
            "q=" + quote[i],
            "r=" + rules[i],
            "td=" + tags[i] + "|" + deps[i],
            "rq=" + rules[i] + "|" + quote[i],
        ]
        if cue_tok[i]:
            f.append("cue=" + lemma_of.get(w, w))
            f.append("cuev")
            f.extend("cc=" + d for d in child_deps[i] if d in _EDGE_DEPS)
        elif w in forms or w in cands:
            f.append("cueform")
        if tags[i].startswith("VB"):
            f.extend("vc=" + d for d in child_deps[i] if d in _CLAUSE_DEPS)
        f.extend("le=" + d for d in left_of[i])
        f.extend("re=" + d for d in right_of[i])
        f.append("hw=" + words[hi_])
        if cue_tok[hi_] and hi_ != i:
            f.append("hcue=" + lemma_of.get(words[hi_], words[hi_]))
            f.append("hcued=" + deps[i] + ("<" if i < hi_ else ">"))
        # path up to the nearest cue verb: the dependency of the child under it and the side
        node = i
        for step in range(_ANCESTOR_STEPS):
            parent = heads[node]
            if parent == node:
                break
            if cue_tok[parent]:
                side = "<" if i < parent else ">"
                f.append("anc=" + deps[node] + side)
                f.append("ancs=" + side + str(min(step, 3)))
                break
            node = parent
        else:
            f.append("anc=far")
        if sent_start[i]:
            f.append("ss")
        if i + 1 == n or sent_start[i + 1]:
            f.append("se")
        for k in (-2, -1, 1, 2):
            j = i + k
            if 0 <= j < n:
                f.append(f"{k}w={words[j]}")
                if k in (-1, 1):
                    f.append(f"{k}t={tags[j]}")
                    f.append(f"{k}d={deps[j]}")
                    f.append(f"{k}r={rules[j]}")
                    f.append(f"{k}q={quote[j]}")
                    f.append(f"{k}rr={rules[j]}|{rules[i]}")
            else:
                f.append(f"{k}w=<edge>")
        feats.append(f)
    return feats


def with_cue_features(doc: Doc, base: Sequence[list[str]], cues: Sequence[str]) -> list[list[str]]:
    """Stage two's features: stage one's (``base``, left as they are) and each token's relation to the
    nearest cue of ``cues``."""
    toks = list(doc)
    deps = [t.dep_ for t in toks]
    heads = [t.head.i for t in toks]
    sent_of = _sentence_starts(doc)
    cue_pos = [i for i, lab in enumerate(cues) if lab != "O"]
    cue_sents = {sent_of[i] for i in cue_pos}
    out = []
    for i in range(len(toks)):
        f = list(base[i])
        _cue_features(f, i, heads, cues, deps, sent_of[i] in cue_sents, cue_pos)
        out.append(f)
    return out


def _cue_features(
    f: list[str],
    i: int,
    heads: Sequence[int],
    cues: Sequence[str],
    deps: Sequence[str],
    cue_sent: bool,
    cue_pos: list[int],
) -> None:
    lab = cues[i]
    f.append("c=" + lab)
    f.append("c-1=" + (cues[i - 1] if i else "<") + "|" + lab)
    f.append("c+1=" + (cues[i + 1] if i + 1 < len(cues) else ">") + "|" + lab)
    f.append("csent=" + str(cue_sent))
    if not cue_pos:
        f.append("nocue")
        return
    nearest = min(cue_pos, key=lambda j: abs(j - i))
    gap = nearest - i
    f.append("cgap=" + ("<" if gap > 0 else ">" if gap < 0 else "=") + str(min(abs(gap), 6)))
    node = i
    for step in range(_ANCESTOR_STEPS):
        parent = heads[node]
        if parent == node:
            f.append("ca=root")
            return
        if cues[parent] != "O":
            side = "<" if i < parent else ">"
            f.append("ca=" + deps[node] + side)
            f.append("cas=" + side + str(min(step, 3)))
            f.append("cad=" + deps[node] + side + deps[i])
            return
        node = parent
    f.append("ca=far")


def _bridge_spaces(doc: Doc, labels: list[str]) -> list[str]:
    """Whitespace tokens (an NBSP between words) are O in training, so a span they cut goes on after them:
    "X O B-X" becomes one span."""
    out = list(labels)
    for i, t in enumerate(doc):
        if not t.is_space or out[i] != "O" or i == 0 or i + 1 >= len(doc):
            continue
        j = i + 1
        while j < len(doc) and doc[j].is_space:
            j += 1
        if j >= len(doc) or out[i - 1] == "O" or out[j] == "O" or out[i - 1][2:] != out[j][2:]:
            continue
        role = out[j][2:]
        for k in range(i, j + 1):
            out[k] = "I-" + role
    return out


def _sentence_starts(doc: Doc) -> list[int]:
    """The index of the first token of each token's sentence."""
    out = []
    start = 0
    for t in doc:
        if t.is_sent_start:
            start = t.i
        out.append(start)
    return out


def spans_from_labels(labels: Sequence[str]) -> list[tuple[str, int, int]]:
    """(role, first token, last token + 1) of each BIO run; a stray I- starts a new span."""
    out: list[tuple[str, int, int]] = []
    cur: list = []
    for i, lab in enumerate(labels):
        if lab == "O":
            if cur:
                out.append(tuple(cur))  # type: ignore[arg-type]
                cur = []
            continue
        kind, role = lab[0], lab[2:]
        if kind == "B" or not cur or cur[0] != role:
            if cur:
                out.append(tuple(cur))  # type: ignore[arg-type]
            cur = [role, i, i + 1]
        else:
            cur[2] = i + 1
    if cur:
        out.append(tuple(cur))  # type: ignore[arg-type]
    return out


@lru_cache(maxsize=1)
def _model_file() -> tuple[dict[str, str], tuple[bytes, ...]] | None:
    """The model file: ``# key=value`` settings lines, then the CRFsuite models (stage one, then stage
    two where there is one), one base64 line each."""
    path = resources.files("narrascope.data").joinpath(MODEL_FILE)
    if not path.is_file():
        return None
    settings: dict[str, str] = {}
    blobs = []
    for line in path.read_text(encoding="ascii").splitlines():
        if line.startswith("#"):
            key, _, value = line[1:].strip().partition("=")
            settings[key.strip()] = value.strip()
        elif line.strip():
            blobs.append(base64.b64decode(line))
    return settings, tuple(blobs)


def load_model(lexicon: Lexicon) -> CrfAttributionModel | None:
    """The shipped model, or None where the model file or python-crfsuite is missing."""
    found = _model_file()
    if not found or not found[1]:
        return None
    try:
        import pycrfsuite
    except ImportError:
        return None
    settings, blobs = found
    taggers = []
    for blob in blobs:
        tagger = pycrfsuite.Tagger()
        tagger.open_inmemory(blob)
        taggers.append(tagger)
    model = CrfAttributionModel(taggers[0], lexicon, taggers[1] if len(taggers) > 1 else None)
    model.borrow = settings.get("borrow", "1") == "1"
    return model


class CrfAttributionModel:
    """Tags parsed regions and groups the tagged spans into statements."""

    def __init__(self, tagger, lexicon: Lexicon, second=None) -> None:
        self.tagger = tagger
        self.second = second
        self.lexicon = lexicon
        self.borrow = BORROW

    def tag(self, doc: Doc, offset: int, quotes: Sequence[Quote], found: Sequence[Attribution]) -> list[str]:
        if len(doc) == 0:
            return []
        rules = rule_labels(doc, offset, found)
        base = base_features(doc, offset, quotes, rules, self.lexicon)
        labels = self.tagger.tag(base)
        if self.second is not None:
            labels = self.second.tag(with_cue_features(doc, base, cue_marks(labels)))
        return _bridge_spaces(doc, labels)

    def extract(
        self,
        texts: Sequence[str],
        layouts: Sequence[tuple[list[Sentence], list[Quote]]],
        parsed: Sequence[tuple[tuple[int, int, str], Doc]],
        ruled: Sequence[Sequence[Attribution]],
    ) -> list[list[Attribution]]:
        per_text: list[list[tuple[int, Doc, list[tuple[str, int, int]]]]] = [[] for _ in texts]
        for (i, offset, _), doc in parsed:
            lo, hi = offset, offset + len(doc.text)
            found = [a for a in ruled[i] if a.sentence.end > lo and a.sentence.start < hi]
            labels = self.tag(doc, offset, layouts[i][1], found)
            per_text[i].append((offset, doc, spans_from_labels(labels)))
        return [
            _group(text, regions, layout, rules, self.borrow)
            for text, regions, layout, rules in zip(texts, per_text, layouts, ruled, strict=True)
        ]


def _agent_passive(r: Attribution) -> bool:
    words = r.cue.text.lower().split()
    return (
        len(words) > 1 and words[-2] in _PASSIVE_AUX and r.source is not None and r.source.start > r.cue.end
    )


def _group(
    text: str,
    tagged: list[tuple[int, Doc, list[tuple[str, int, int]]]],
    layout: tuple[list[Sentence], list[Quote]],
    ruled: Sequence[Attribution],
    borrow: bool,
) -> list[Attribution]:
    from narrascope.enrich.attribution import LAYOUT_CUES, _Raw, build_attributions

    sentences, quotes = layout
    raws: list[_Raw] = []
    last_cue: _Raw | None = None
    for offset, doc, spans in sorted(tagged, key=lambda r: r[0]):

        def chars(a: int, b: int, doc: Doc = doc, offset: int = offset) -> tuple[int, int]:
            last = doc[b - 1]
            return doc[a].idx + offset, last.idx + len(last.text) + offset

        sent_of = _sentence_starts(doc)
        cues = []
        for s in spans:
            if s[0] == "CUE":
                rng = chars(s[1], s[2])
                according = text[rng[0] : rng[1]].lower().startswith("according")
                cues.append((s, _Raw(rng, [], None, according=according)))
        for role, a, b in spans:
            if role == "CUE":
                continue
            rng = chars(a, b)
            if not cues:
                if role == "CNT" and last_cue is not None:
                    last_cue.parts.append(rng)
                continue
            sent = sent_of[a]
            same = [c for c in cues if sent_of[c[0][1]] == sent] or cues

            def distance(c: tuple[tuple[str, int, int], _Raw], a: int = a, b: int = b) -> int:
                _, ca, cb = c[0]
                return ca - b if b <= ca else a - cb if a >= cb else 0

            raw = min(same, key=distance)[1]
            if role == "CNT":
                raw.parts.append(rng)
            elif raw.source is None:
                raw.source = rng
        raws.extend(raw for _, raw in cues)
        if cues:
            last_cue = cues[-1][1]
    out = []
    for raw in raws:
        rule = next((r for r in ruled if r.cue.start < raw.cue[1] and raw.cue[0] < r.cue.end), None)
        # the rules' reading wins where borrowing was chosen, and where the tagger found no source or no
        # content for a cue whose source and content the rules did read (passives: "branded X by Y")
        missing = not raw.parts or (raw.source is None and rule is not None and rule.source is not None)
        if rule is not None and (borrow or missing):
            raw.parts = [(p.start, p.end) for p in (rule.content_parts or (rule.content,))]
            if rule.source is not None:
                raw.source = (rule.source.start, rule.source.end)
        if raw.parts:
            out.append(raw)
    # passives with their agent ("has been branded X by Y"), quotations signed with a dash ('"..." ― Name')
    # and speaker labels ('PENCE: ...') are rare in training: keep the rules' reading where the tagger saw
    # no cue
    for r in ruled:
        if (
            r.source is not None
            and (_agent_passive(r) or r.cue.text in LAYOUT_CUES)
            and not any(x.cue[0] < r.cue.end and r.cue.start < x.cue[1] for x in out)
        ):
            parts = [(p.start, p.end) for p in (r.content_parts or (r.content,))]
            out.append(_Raw((r.cue.start, r.cue.end), parts, (r.source.start, r.source.end)))
    return build_attributions(text, out, sentences, quotes)
