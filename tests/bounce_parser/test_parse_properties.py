"""Property tests: mutated corpus messages never make parse_message raise."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bounce_parser import Report, ReportKind, parse_message

CORPUS = Path(__file__).resolve().parents[2] / "../shared/corpus/bounces"
_SAMPLES = sorted((CORPUS / "eml").glob("*.eml"))[::7] if CORPUS.is_dir() else []
_CHARSETS = ["utf-8", "iso-8859-2", "windows-1250", "shift_jis", "iso-2022-jp", "x-bogus", ""]

pytestmark = pytest.mark.skipif(not _SAMPLES, reason="corpus directory not found")
_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_total(report: Report) -> None:
    assert isinstance(report, Report)
    assert report.kind in ReportKind
    if report.kind is ReportKind.UNPARSEABLE:
        # The catch-all branch must stay for programming errors only.
        assert report.problems == ("empty message",)


def _sample(index: int) -> bytes:
    return _SAMPLES[index % len(_SAMPLES)].read_bytes()


@_SETTINGS
@given(
    st.integers(min_value=0), st.lists(st.tuples(st.integers(0), st.integers(0, 255)), max_size=40)
)
def test_parse_message_byte_flips_never_raise(index: int, flips: list[tuple[int, int]]) -> None:
    raw = bytearray(_sample(index))
    for position, value in flips:
        raw[position % len(raw)] = value
    _assert_total(parse_message(bytes(raw)))


@_SETTINGS
@given(st.integers(min_value=0), st.floats(min_value=0.0, max_value=1.0))
def test_parse_message_truncation_never_raises(index: int, fraction: float) -> None:
    raw = _sample(index)
    _assert_total(parse_message(raw[: int(len(raw) * fraction)] or b"x"))


@_SETTINGS
@given(st.integers(min_value=0), st.integers(min_value=0), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_parse_message_splicing_never_raises(
    first: int, second: int, cut: float, start: float
) -> None:
    head, tail = _sample(first), _sample(second)
    raw = head[: int(len(head) * cut)] + tail[int(len(tail) * start) :]
    _assert_total(parse_message(raw or b"x"))


@_SETTINGS
@given(st.integers(min_value=0), st.lists(st.booleans(), min_size=1, max_size=64))
def test_parse_message_mixed_line_ends_never_raise(index: int, pattern: list[bool]) -> None:
    lines = _sample(index).split(b"\n")
    ends = [b"\r\n" if pattern[i % len(pattern)] else b"\n" for i in range(len(lines))]
    _assert_total(
        parse_message(b"".join(line + end for line, end in zip(lines, ends, strict=True)))
    )


@_SETTINGS
@given(st.integers(min_value=0), st.sampled_from(_CHARSETS), st.binary(max_size=200))
def test_parse_message_random_charsets_never_raise(index: int, charset: str, noise: bytes) -> None:
    raw = _sample(index).replace(b"us-ascii", charset.encode()).replace(b"utf-8", charset.encode())
    raw = raw.replace(b"\n\n", b"\n\n" + noise, 1)
    _assert_total(parse_message(raw))
