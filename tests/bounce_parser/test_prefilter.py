"""Literal prefilters: every match contains one of the literals, so skipping is exact."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bounce_parser.patterns import PATTERNS, match_text, normalise_text
from bounce_parser.prefilter import LiteralIndex, required_literals
from tests.bounce_parser.test_patterns import SAMPLES


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"mailbox (is )?full", {"mailbox "}),
        (r"\bspf\b.{0,80}fail", {"fail"}),
        (r"(exceeded|full) quota", {" quota"}),
        (r"over ?quota|disk quota", {"quota"}),
    ],
)
def test_required_literals_simple_regex_expected_set(source: str, expected: set[str]) -> None:
    literals = required_literals(re.compile(source))

    assert literals is not None
    assert set(literals) == expected


@pytest.mark.parametrize("source", [r"[a-z]+ unknown|\d+", r"(?i)user unknown", r"x|yz"])
def test_required_literals_unprovable_regex_is_none(source: str) -> None:
    assert required_literals(re.compile(source)) is None


def test_literal_index_finds_overlapping_and_prefix_literals() -> None:
    index = LiteralIndex([frozenset({"mail"}), frozenset({"mailbox full"}), frozenset({"box"})])

    assert index.candidates("the mailbox full") == {0, 1, 2}
    assert index.candidates("mail box") == {0, 2}
    assert index.candidates("nothing here") == set()


def test_literal_index_unfiltered_set_is_candidate() -> None:
    index = LiteralIndex([None, frozenset({"quota"})])

    assert index.candidates("") == {0}


def _first_match_unfiltered(text: str) -> str | None:
    return next((pattern.name for pattern in PATTERNS if pattern.regex.search(text)), None)


def test_match_text_every_sample_same_as_unfiltered_search() -> None:
    for sample in SAMPLES.values():
        text = normalise_text(sample)
        matched = match_text(text)

        assert (matched.name if matched else None) == _first_match_unfiltered(text)


@given(st.sampled_from(list(SAMPLES.values())), st.integers(0, 60), st.integers(0, 60))
def test_match_text_cut_sample_same_as_unfiltered_search(
    sample: str, start: int, length: int
) -> None:
    text = normalise_text(sample)[start : start + length]
    matched = match_text(text)

    assert (matched.name if matched else None) == _first_match_unfiltered(text)
