"""The alias table: names no rule derives (Daesh = ISIS, Washington = United States), shipped in
``data/aliases.yaml`` and extensible with a user file of the same format (documented in that file).

Aliases are matched on folded keys (:mod:`narrascope.enrich.names`), and looked for in the text itself
through a trie of key words, so names the NER model misses still become mentions; one pass over the
words of an article costs well under a millisecond.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from narrascope.enrich.names import PARTICLES, SUN_PARTICLES, TOKEN, fold_token, name_key, trim_text
from narrascope.errors import NarrascopeError
from narrascope.patterns import trie_regex

__all__ = ["LABELS", "AliasEntry", "AliasTable", "load_aliases"]

LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)
FIELDS = frozenset({"canonical", "type", "aliases"})
# What may separate the words of one name in running text: a space, a hyphen, an apostrophe.
_GAP = re.compile(r"[ \t\-‐‑'’]{1,3}")
_END = "#"  # trie key marking the end of a name (no folded word holds "#")


@dataclass(frozen=True, slots=True)
class AliasEntry:
    """One entity of the table: its canonical name, spaCy type and the other names it goes by."""

    canonical: str
    type: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.canonical, *self.aliases)


class AliasTable:
    """Entries read in order; an entry repeating an earlier one's canonical name and type extends it,
    and an alias belongs to the last entry that lists it."""

    def __init__(self, entries: Iterable[AliasEntry] = ()) -> None:
        merged: dict[tuple[str, str], list[Any]] = {}  # (type, key) -> [canonical, type, names]
        owner: dict[str, tuple[str, str]] = {}  # alias key -> (type, key) of the entry it belongs to
        for entry in entries:
            ident = (entry.type, name_key(entry.canonical))
            slot = merged.setdefault(ident, [entry.canonical, entry.type, []])
            slot[0] = entry.canonical
            for name in entry.names:
                key = name_key(name)
                if key:
                    slot[2].append(name)
                    owner[key] = ident
        self._entries: list[AliasEntry] = []
        self._by_key: dict[str, AliasEntry] = {}
        self._acronym_only: dict[str, bool] = {}
        for ident, (canonical, type_, names) in merged.items():
            mine = [n for n in dict.fromkeys(names) if owner[name_key(n)] == ident]
            entry = AliasEntry(canonical, type_, tuple(n for n in mine if n != canonical))
            self._entries.append(entry)
            for name in mine:
                key = name_key(name)
                self._by_key[key] = entry
                self._acronym_only[key] = self._acronym_only.get(key, True) and _capitals(name)
        self._trie: dict[str, Any] = {}
        for key in self._by_key:
            node = self._trie
            for word in key.split():
                node = node.setdefault(word, {})
            node[_END] = key
        # Where an alias may start, found by one regex; the trie walk then runs only there.
        self._starts = _starts_pattern({_first_word(name) for entry in self._entries for name in entry.names})

    @property
    def entries(self) -> tuple[AliasEntry, ...]:
        return tuple(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def entry_for(self, name: str) -> AliasEntry | None:
        """The entry ``name`` is an alias of, if any ("the Kremlin", "Isis", "al Nusra")."""
        key = name_key(name)
        entry = self._by_key.get(key)
        return entry if entry is not None and self._case_fits(key, trim_text(name)) else None

    def find(self, text: str) -> list[tuple[int, int, AliasEntry]]:
        """Every alias occurring in ``text`` as whole words, longest at each start, as (start, end, entry).

        Matches may overlap each other; the caller picks among them and the NER spans.
        """
        found = []
        for hit in self._starts.finditer(text):
            start = hit.start()
            if start and (text[start - 1].isalnum() or text[start - 1] == "_"):
                continue  # inside a word
            node = self._trie.get(fold_token(hit.group()))
            end = hit.end()
            ends = []
            while node is not None:
                if _END in node:
                    ends.append((end, node[_END]))
                node, end = self._next(text, end, node)
            start = _particle_before(text, start)  # "al-Nusra": the article belongs to the name
            for end, key in reversed(ends):
                if self._case_fits(key, text[start:end]):
                    found.append((start, end, self._by_key[key]))
                    break
        return found

    @staticmethod
    def _next(text: str, pos: int, node: dict[str, Any]) -> tuple[dict[str, Any] | None, int]:
        """The trie node reached by the word after ``pos`` (skipping Arabic articles), and its end."""
        while True:
            gap = _GAP.match(text, pos)
            word = TOKEN.match(text, gap.end()) if gap else None
            if word is None:
                return None, pos
            child = node.get(fold_token(word.group()))
            if child is not None:
                return child, word.end()
            if not _particle(text, word):
                return None, pos
            pos = word.end()

    def _case_fits(self, key: str, surface: str) -> bool:
        """An alias in capitals matches capitals only ("US" is not "us", "SANA" not "Sana"); others need
        a capital somewhere ("isis" and "america" in lowercase prose are no names)."""
        if self._acronym_only.get(key, False):
            return not any(ch.islower() for ch in surface)
        return any(ch.isupper() for ch in surface)


def _capitals(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _particle(text: str, word: re.Match[str]) -> bool:
    """An Arabic article, skipped inside names as in keys ("Jabhat al Fateh al Sham")."""
    return _is_particle(word.group(), text[word.end() : word.end() + 1])


def _is_particle(word: str, after: str) -> bool:
    lowered = word.casefold()
    if lowered in PARTICLES:
        return True
    return after in ("-", "‐", "‑") and lowered in SUN_PARTICLES and not word.isupper()


_WORD_BEFORE = re.compile(r"(?<![^\W_])([^\W\d_]{2,3})([ \t\-‐‑'’]{1,3})$")


def _particle_before(text: str, start: int) -> int:
    """Where a name starting at ``start`` really starts: before an Arabic article glued to it."""
    if start < 3 or text[start - 2] not in "lLdDnNrRsStThHzZ":
        return start  # no article ends there ("al", "ash-", "at-"...): the usual case, checked fast
    match = _WORD_BEFORE.search(text, max(0, start - 8), start)
    if match and _is_particle(match.group(1), match.group(2)[0]):
        return match.start()
    return start


def _first_word(name: str) -> str:
    """The first word of a name as written, past a determiner and Arabic articles."""
    name = trim_text(name)
    for word in TOKEN.finditer(name):
        if not _particle(name, word):
            return word.group()
    return name


def _starts_pattern(words: set[str]) -> re.Pattern[str]:
    """A regex finding the first words of aliases: words in capitals exactly ("US", not "us"), others
    with a capital first letter and any case after it ("Washington", "WASHINGTON"). Each branch starts
    with its literal first letter, so the regex engine skips ahead on that letter set."""
    exact: dict[str, set[str]] = {}
    loose: dict[str, set[str]] = {}
    for word in words:
        if _capitals(word):
            exact.setdefault(word[0], set()).add(word[1:])
        else:
            loose.setdefault(word[0].upper(), set()).add(word[1:].casefold())
    branches = []
    for first in sorted(exact.keys() | loose.keys()):
        rests = [trie_regex(exact[first])] if first in exact else []
        if first in loose:
            rests.append(f"(?i:{trie_regex(loose[first])})")
        branches.append(re.escape(first) + (rests[0] if len(rests) == 1 else f"(?:{'|'.join(rests)})"))
    return re.compile(f"(?:{'|'.join(branches)})(?![^\\W_])" if branches else "(?!)")


def load_aliases(extra: Path | str | None = None) -> AliasTable:
    """The shipped alias table, extended (and overridden) by the user file ``extra`` if given.

    A file that cannot be read or does not follow the format raises ``NarrascopeError`` naming the file
    and the reason.
    """
    if extra is None:
        return _shipped_table()
    return AliasTable((*_shipped_entries(), *read_alias_file(extra)))


@cache
def _shipped_table() -> AliasTable:
    return AliasTable(_shipped_entries())


@cache
def _shipped_entries() -> tuple[AliasEntry, ...]:
    resource = resources.files("narrascope").joinpath("data/aliases.yaml")
    return _parse(resource.read_text(encoding="utf-8"), "narrascope/data/aliases.yaml")


def read_alias_file(path: Path | str) -> tuple[AliasEntry, ...]:
    """The entries of one alias file; ``NarrascopeError`` (E310) with the path and reason if it is bad."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NarrascopeError("E310", f"alias file {path}: not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise NarrascopeError("E310", f"alias file {path}: cannot be read ({exc})") from exc
    return _parse(text, str(path))


def _parse(text: str, where: str) -> tuple[AliasEntry, ...]:
    try:
        data = yaml.load(text, Loader=yaml.BaseLoader)  # every scalar a string: "NO" stays Norway's code
    except yaml.YAMLError as exc:
        raise NarrascopeError("E310", f"alias file {where}: not valid YAML ({_one_line(exc)})") from exc
    if data is None:
        return ()
    if not isinstance(data, list):
        raise NarrascopeError(
            "E310", f"alias file {where}: expected a list of entries (canonical, type, aliases)"
        )
    return tuple(_entry(item, number, where) for number, item in enumerate(data, 1))


def _entry(item: object, number: int, where: str) -> AliasEntry:
    def bad(reason: str) -> NarrascopeError:
        return NarrascopeError("E310", f"alias file {where}: entry {number}: {reason}")

    if not isinstance(item, dict):
        raise bad("expected a mapping with canonical, type and aliases")
    unknown = sorted(set(item) - FIELDS)
    if unknown:
        raise bad(f"unknown field {unknown[0]!r} (fields are canonical, type, aliases)")
    canonical = item.get("canonical")
    if not isinstance(canonical, str) or not name_key(canonical):
        raise bad("'canonical' must be a name")
    type_ = item.get("type")
    if not isinstance(type_, str) or type_ not in LABELS:
        raise bad(f"'type' must be one of {', '.join(sorted(LABELS))}, not {type_!r}")
    aliases = item.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and name_key(a) for a in aliases):
        raise bad("'aliases' must be a list of names")
    return AliasEntry(canonical.strip(), type_, tuple(a.strip() for a in aliases))


def _one_line(exc: yaml.YAMLError) -> str:
    return " ".join(str(exc).split())
