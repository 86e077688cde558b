"""Literal prefilters for regexes: substrings that every match must contain.

`required_literals` reads a compiled regex and returns a set of plain strings
such that any match of the regex contains at least one of them.
`LiteralIndex` finds, in one regex pass over a text, which of many such sets
have a member in the text. The pattern table uses both to search only the few
alternatives that can match a diagnostic. On the corpus diagnostics that cut
matching from about 100 to about 14 microseconds each (a timed loop on a
shared 2-core machine, so an estimate).

The sets are derived from the regex's parse tree (the stdlib `re._parser`),
never written by hand, so they cannot drift from the regex. Where no such set
can be proven (a branch that starts with a character class, a
case-insensitive flag, a parser this code does not know), the result is None
and the caller must run the regex unconditionally.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any

#: Literals shorter than this filter too little to be worth the checks.
_MIN_USEFUL_LENGTH = 2

try:
    # `re._parser` and `re._constants` are private but stable since 3.11, and the
    # public `sre_parse` alias warns on import. Any failure disables the filter.
    _PARSER: Any = importlib.import_module("re._parser")
    _CONSTANTS: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - another interpreter's regex internals
    _PARSER = None
    _CONSTANTS = None


def required_literals(regex: re.Pattern[str]) -> frozenset[str] | None:
    """Return substrings one of which every match of `regex` contains, or None."""
    if _PARSER is None or regex.flags & re.IGNORECASE:
        return None
    try:
        tree = _PARSER.parse(regex.pattern, regex.flags)
        literals = _sequence_literals(list(tree))
    except Exception:  # an unknown parse tree shape means no filter, not an error
        return None
    if not literals or min(len(literal) for literal in literals) < _MIN_USEFUL_LENGTH:
        return None
    # A literal that contains another one adds nothing: the shorter is present too.
    return frozenset(
        literal
        for literal in literals
        if not any(other != literal and other in literal for other in literals)
    )


def _sequence_literals(items: list[tuple[Any, Any]]) -> set[str] | None:
    """Return the best necessary literal set of a sequence of parse-tree items."""
    candidates: list[set[str]] = []
    run: list[str] = []
    for op, argument in items:
        if op is _CONSTANTS.LITERAL:
            run.append(chr(argument))
            continue
        if op in (_CONSTANTS.AT, _CONSTANTS.ASSERT, _CONSTANTS.ASSERT_NOT):
            # Zero-width: the literals on both sides stay adjacent in the text.
            continue
        if run:
            candidates.append({"".join(run)})
            run = []
        inner = _item_literals(op, argument)
        if inner:
            candidates.append(inner)
    if run:
        candidates.append({"".join(run)})
    if not candidates:
        return None
    return max(candidates, key=_selectivity)


def _item_literals(op: Any, argument: Any) -> set[str] | None:
    if op is _CONSTANTS.SUBPATTERN:
        return _sequence_literals(list(argument[-1]))
    if op is _CONSTANTS.BRANCH:
        union: set[str] = set()
        for branch in argument[1]:
            literals = _sequence_literals(list(branch))
            if not literals:
                return None
            union |= literals
        return union
    if op in (_CONSTANTS.MAX_REPEAT, _CONSTANTS.MIN_REPEAT) and argument[0] >= 1:
        return _sequence_literals(list(argument[2]))
    return None


def _selectivity(literals: set[str]) -> tuple[int, int]:
    # Longer literals reject more texts; fewer literals cost fewer checks.
    return min(min(len(literal) for literal in literals), 6), -len(literals)


class LiteralIndex:
    """Tell, in one regex pass over a text, which literal sets have a member in it.

    The literals are compiled into one trie-shaped alternation, and repeated
    searches, each starting one character after the last match began, stop at
    every position where some literal starts and report the longest one there.
    Every other literal starting at that position is a prefix of the reported
    one, so mapping each literal to the sets that contain it or any of its
    prefixes makes the answer exact.
    """

    def __init__(self, literal_sets: Sequence[frozenset[str] | None]) -> None:
        self._always = frozenset(
            index for index, literals in enumerate(literal_sets) if literals is None
        )
        every = sorted({literal for literals in literal_sets if literals for literal in literals})
        self._owners: dict[str, frozenset[int]] = {
            literal: frozenset(
                index
                for index, literals in enumerate(literal_sets)
                if literals and any(literal.startswith(member) for member in literals)
            )
            for literal in every
        }
        # No lookahead around the trie: a pattern that starts with a plain
        # alternation lets the regex engine skip positions by first character.
        self._regex = re.compile(_trie_source(_build_trie(every)) if every else "(?!)")

    def candidates(self, text: str) -> set[int]:
        """Return the indexes of the sets with a member in `text`, and of the None sets."""
        found = set(self._always)
        owners = self._owners
        search = self._regex.search
        match = search(text)
        while match is not None:
            found |= owners[match.group()]
            match = search(text, match.start() + 1)
        return found


_Trie = dict[str, "_Trie"]
_END = ""


def _build_trie(literals: Sequence[str]) -> _Trie:
    root: _Trie = {}
    for literal in literals:
        node = root
        for char in literal:
            node = node.setdefault(char, {})
        node[_END] = {}
    return root


def _trie_source(node: _Trie) -> str:
    # Longer continuations come first and the end of a literal last, so the
    # regex prefers the longest literal at each position.
    branches = [re.escape(char) + _trie_source(child) for char, child in node.items() if char]
    if _END in node:
        branches.append("")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"
