"""Combining components: score, range, level, confidence and verdict."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reputation.scoring.combine import combine, confidence_of, level_of
from reputation.scoring.types import (
    Component,
    ComponentKey,
    ComponentStatus,
    Confidence,
    Level,
    TargetKind,
    Verdict,
)

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _component(points: float, low: float, high: float, verdict: Verdict = Verdict.SEND):
    return Component(ComponentKey.SPF, ComponentStatus.OK, points, low, high, verdict, "spf_ok")


@pytest.mark.parametrize(
    ("score", "level"),
    [(100, Level.HIGH), (80, Level.HIGH), (79.9, Level.MEDIUM), (30, Level.LOW), (0, Level.BAD)],
)
def test_level_of_score_follows_floors(score: float, level: Level) -> None:
    assert level_of(score) is level


def test_confidence_of_wide_range_is_low() -> None:
    assert confidence_of(80) is Confidence.LOW
    assert confidence_of(5) is Confidence.HIGH


def test_combine_nothing_wrong_is_100_send() -> None:
    result = combine("example.com", TargetKind.DOMAIN, [_component(0, 0, 0)], NOW)
    assert (result.score, result.score_low, result.score_high) == (100, 100, 100)
    assert result.verdict is Verdict.SEND


def test_combine_worst_component_verdict_wins() -> None:
    parts = [_component(0, 0, 0), _component(-5, -5, -5, Verdict.HOLD)]
    assert combine("example.com", TargetKind.DOMAIN, parts, NOW).verdict is Verdict.HOLD


def test_combine_low_score_throttles() -> None:
    parts = [_component(-50, -50, -50)]
    assert combine("example.com", TargetKind.DOMAIN, parts, NOW).verdict is Verdict.THROTTLE


def test_combine_uncertain_low_score_does_not_hold() -> None:
    parts = [_component(-50, -90, 0)]
    result = combine("example.com", TargetKind.DOMAIN, parts, NOW)
    assert result.verdict is Verdict.THROTTLE
    assert result.confidence is Confidence.LOW


def test_combine_clamps_to_zero() -> None:
    parts = [_component(-80, -80, -80), _component(-80, -80, -80)]
    result = combine("example.com", TargetKind.DOMAIN, parts, NOW)
    assert result.score == 0
    assert result.verdict is Verdict.HOLD
