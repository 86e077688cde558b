"""Combine scored inputs into one score, range, level, confidence and verdict: pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from reputation.scoring import limits
from reputation.scoring.types import (
    VERDICT_RANK,
    Component,
    ComponentStatus,
    Confidence,
    Level,
    Reputation,
    TargetKind,
    Verdict,
)


def combine(
    target: str,
    kind: TargetKind,
    components: Sequence[Component],
    computed_at: datetime,
    ips: Sequence[Reputation] = (),
) -> Reputation:
    """Add the components' points to 100 and derive the level, confidence and verdict.

    The verdict is the worst of the components' verdicts and of the score's own: an
    evidence score below `THROTTLE_BELOW` throttles, and a range whose best case is
    below `HOLD_BELOW` holds. The evidence score counts each uncertain input (status
    unknown or not enough volume) at its best case, so missing information widens the
    range and lowers `score`, but never throttles or holds on its own.
    """
    score = _clamp(100.0 + sum(c.points for c in components))
    score_low = _clamp(100.0 + sum(c.points_low for c in components))
    score_high = _clamp(100.0 + sum(c.points_high for c in components))

    verdicts = [c.verdict for c in components]
    if evidence_score(components) < limits.THROTTLE_BELOW:
        verdicts.append(Verdict.THROTTLE)
    if score_high < limits.HOLD_BELOW:
        verdicts.append(Verdict.HOLD)
    verdict = max(verdicts, key=VERDICT_RANK.__getitem__, default=Verdict.SEND)

    return Reputation(
        target=target,
        kind=kind,
        score=round(score, 1),
        score_low=round(score_low, 1),
        score_high=round(score_high, 1),
        level=level_of(score),
        verdict=verdict,
        confidence=confidence_of(score_high - score_low),
        components=tuple(components),
        computed_at=computed_at,
        ips=tuple(ips),
    )


def evidence_score(components: Sequence[Component]) -> float:
    """Return 100 plus the points of known inputs and the best case of uncertain ones."""
    total = sum(c.points_high if c.status in _UNCERTAIN else c.points for c in components)
    return _clamp(100.0 + total)


def level_of(score: float) -> Level:
    """Return the Postmaster-style level of a score."""
    for name, floor in limits.LEVEL_FLOORS:
        if score >= floor:
            return Level(name)
    return Level.BAD


def confidence_of(width: float) -> Confidence:
    """Return the confidence for a score range `width` points wide."""
    if width <= limits.HIGH_CONFIDENCE_WIDTH:
        return Confidence.HIGH
    if width <= limits.MEDIUM_CONFIDENCE_WIDTH:
        return Confidence.MEDIUM
    return Confidence.LOW


def _clamp(value: float) -> float:
    return min(100.0, max(0.0, value))


_UNCERTAIN = (ComponentStatus.UNKNOWN, ComponentStatus.NOT_ENOUGH_VOLUME)
