"""Literal prefilters: every match contains one of the literals, so skipping is exact."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bounce_parser.patterns import PATTERNS
from bounce_parser.prefilter import required_literals
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


def test_patterns_every_sample_passes_its_own_prefilter() -> None:
    by_name = {pattern.name: pattern for pattern in PATTERNS}
    for name, sample in SAMPLES.items():
        pattern = by_name[name]
        text = sample.lower()
        match = pattern.regex.search(text)

        assert match is not None, name
        assert pattern.literals is None or any(lit in match.group() for lit in pattern.literals)


@given(st.sampled_from(list(SAMPLES.values())), st.integers(0, 60), st.integers(0, 60))
def test_prefilter_cut_sample_never_hides_a_match(sample: str, start: int, length: int) -> None:
    text = sample.lower()[start : start + length]
    for pattern in PATTERNS:
        if pattern.literals is None or not pattern.regex.search(text):
            continue

        assert any(literal in text for literal in pattern.literals), pattern.name
