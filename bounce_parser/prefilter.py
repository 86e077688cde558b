"""Literal prefilters for regexes: substrings that every match must contain.

`required_literals` reads a compiled regex and returns a set of plain strings
such that any match of the regex contains at least one of them. A substring
test (`in`) on a short text costs a fraction of a regex search, so the pattern
table checks these first and runs the regex only when one is present. For
the diagnostic patterns this cuts the table's matching cost several times,
because most of its 40-odd regexes have no chance on a given text.

The set is derived from the regex's parse tree (the stdlib `re._parser`), never
written by hand, so it cannot drift from the regex. Where no such set can be
proven (a branch that starts with a character class, a case-insensitive
flag, a parser this code does not know), the result is None and the caller
must run the regex unconditionally.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

#: Literals shorter than this filter too little to be worth the checks.
_MIN_USEFUL_LENGTH = 2

try:
    # `re._parser` and `re._constants` are private but stable since 3.11; the
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
