"""Regular-expression helpers shared by the stages, and named groups of patterns kept as data
(``data/frames.yaml``, ``data/walls.yaml``: each name maps to a label and a list of patterns)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from narrascope.errors import NarrascopeError


@cache
def word_set(resource: str) -> frozenset[str]:
    """A shipped word list (``data/<resource>``, one word a line, ``#`` comments), case-folded:
    ``pronouns.txt``, ``generic_heads.txt``, ``common_words.txt`` (entities, watchlist titles),
    ``organisation_nouns.txt`` (what makes "the <noun>" an organisation), ``person_nouns.txt``,
    ``role_noise.txt`` (speakers)."""
    text = resources.files("narrascope").joinpath(f"data/{resource}").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if (w := line.split("#", 1)[0].strip().casefold()))


_END = ""  # marks the end of a word in the trie (no real character is empty)


def trie_regex(words: Iterable[str]) -> str:
    """A regex (without anchors or groups to capture) matching exactly ``words``, longest first,
    factored by common prefixes: hundreds of alternatives then cost microseconds a line, not milliseconds."""
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char != _END]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if _END in node else body

    return build(root)


PatternGroups = dict[str, tuple[str, list[str]]]  # name -> (label, patterns)


def read_groups(text: str, source: str, what: str) -> PatternGroups:
    """The groups of a YAML file's ``text``; ``what`` names a group in errors ("frame", "wall")."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise NarrascopeError("E401", f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise NarrascopeError("E401", f"{source}: expected a mapping of {what} names")
    out: PatternGroups = {}
    for name, body in data.items():
        if not isinstance(body, dict) or not isinstance(body.get("patterns"), list):
            raise NarrascopeError("E401", f"{source}: {what} {name!r} needs a list of patterns")
        for pattern in body["patterns"]:
            if not isinstance(pattern, str):  # "a: b" or a trailing colon reads as a mapping: quote it
                raise NarrascopeError(
                    "E401", f"{source}: {what} {name!r}: {pattern!r} is not a string; quote it"
                )
        out[str(name)] = (str(body.get("label") or name), list(body["patterns"]))
    return out


def compile_group(
    name: str, patterns: list[str], source: str, what: str, prefix: str = "", flags: int = re.IGNORECASE
) -> re.Pattern[str]:
    """One alternation of a group's patterns, each after ``prefix`` (e.g. ``\\b``); case-insensitive unless
    ``flags`` say otherwise."""
    try:
        return re.compile(prefix + "(?:" + "|".join(f"(?:{p})" for p in patterns) + ")", flags)
    except re.error as exc:
        raise NarrascopeError("E401", f"{source}: {what} {name!r} has a bad pattern: {exc}") from exc


@dataclass(frozen=True, slots=True)
class PatternGroup:
    """One named group compiled: a frame, a kind of wall."""

    name: str
    label: str
    pattern: re.Pattern[str]


def compile_groups(
    groups: PatternGroups, source: str, what: str, prefix: str = "", flags: int = re.IGNORECASE
) -> tuple[PatternGroup, ...]:
    """Every group of ``groups`` compiled with ``compile_group``, in file order."""
    return tuple(
        PatternGroup(name, label, compile_group(name, patterns, source, what, prefix, flags))
        for name, (label, patterns) in groups.items()
    )
