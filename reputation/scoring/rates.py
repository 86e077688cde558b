"""Score the complaint, hard-bounce and sender-rejection rates of a domain: pure functions.

A rate measured on few recipients is uncertain, so each rate is bounded by its 95 %
Wilson score interval and the points are given as a range. Below `MIN_VOLUME`
recipients the component is "not enough volume" and its best estimate is the middle of
that range, never zero: no data is not good data. Its verdict stays `send` unless even
the interval's lower bound reaches the warning limit, which is evidence, not missing
data: then it throttles (never holds, because the count is small).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from reputation.scoring import limits
from reputation.scoring.types import (
    VERDICT_RANK,
    Component,
    ComponentKey,
    ComponentStatus,
    Param,
    Verdict,
)


@dataclass(frozen=True, slots=True)
class WindowCounts:
    """Recipients sent to and events counted in one rolling window of `days` days."""

    days: int
    volume: int
    events: int


@dataclass(frozen=True, slots=True)
class _RateRule:
    curve: tuple[tuple[float, float], ...]
    warn: float
    limit: float


_RULES = {
    ComponentKey.COMPLAINT_RATE: _RateRule(
        limits.COMPLAINT_CURVE, limits.COMPLAINT_RATE_TARGET, limits.COMPLAINT_RATE_LIMIT
    ),
    ComponentKey.HARD_BOUNCE_RATE: _RateRule(
        limits.HARD_BOUNCE_CURVE, limits.BOUNCE_RATE_REVIEW, limits.BOUNCE_RATE_PAUSE
    ),
    ComponentKey.SENDER_REJECTION_RATE: _RateRule(
        limits.SENDER_REJECTION_CURVE,
        limits.SENDER_REJECTION_RATE_WARN,
        limits.SENDER_REJECTION_RATE_LIMIT,
    ),
}


def wilson_interval(events: int, volume: int, z: float = limits.WILSON_Z) -> tuple[float, float]:
    """Return the Wilson score interval of the rate events/volume; (0, 1) when volume is 0."""
    if volume <= 0:
        return 0.0, 1.0
    rate = events / volume
    denominator = 1 + z * z / volume
    centre = (rate + z * z / (2 * volume)) / denominator
    spread = z * math.sqrt(rate * (1 - rate) / volume + z * z / (4 * volume * volume))
    spread /= denominator
    return max(0.0, centre - spread), min(1.0, centre + spread)


def score_rate(key: ComponentKey, windows: Sequence[WindowCounts]) -> Component:
    """Score one rate over its windows: the worst window with enough volume decides.

    When no window has enough volume, the longest window gives a range.

    Raises:
        ValueError: `windows` is empty or `key` is not a rate.
    """
    if not windows:
        raise ValueError("give at least one window")
    rule = _RULES[key]
    scored = [_score_window(key, rule, window) for window in windows]
    measured = [c for c, w in zip(scored, windows, strict=True) if w.volume >= limits.MIN_VOLUME]
    if not measured:
        return scored[max(range(len(windows)), key=lambda i: windows[i].days)]
    return min(measured, key=lambda c: (c.points, -VERDICT_RANK[c.verdict]))


def _score_window(key: ComponentKey, rule: _RateRule, window: WindowCounts) -> Component:
    params: dict[str, Param] = {
        "days": window.days,
        "volume": window.volume,
        "events": window.events,
    }
    if window.events > window.volume:
        # More events than recorded recipients means the volume was never reported.
        return _uncertain(key, rule, ComponentStatus.UNKNOWN, (0.0, 1.0), "volume_missing", params)

    interval = wilson_interval(window.events, window.volume)
    low_rate, high_rate = interval
    if window.volume < limits.MIN_VOLUME:
        params["min_volume"] = limits.MIN_VOLUME
        status = ComponentStatus.NOT_ENOUGH_VOLUME
        if low_rate >= rule.warn:
            params |= {"lowest_rate": low_rate, "limit": rule.warn}
            reason = "rate_high_on_little_volume"
            return _uncertain(key, rule, status, interval, reason, params, Verdict.THROTTLE)
        return _uncertain(key, rule, status, interval, "not_enough_volume", params)

    rate = window.events / window.volume
    params["rate"] = rate
    points = -limits.points_for(rate, rule.curve)
    best = -limits.points_for(low_rate, rule.curve)
    worst = -limits.points_for(high_rate, rule.curve)
    status, verdict = _judge(rate, rule)
    params["limit"] = rule.limit if status is ComponentStatus.CRITICAL else rule.warn
    return Component(key, status, points, worst, best, verdict, f"rate_{status.value}", params)


def _uncertain(
    key: ComponentKey,
    rule: _RateRule,
    status: ComponentStatus,
    interval: tuple[float, float],
    reason: str,
    params: dict[str, Param],
    verdict: Verdict = Verdict.SEND,
) -> Component:
    """Return a component whose best estimate is the middle of the interval's points."""
    best = -limits.points_for(interval[0], rule.curve)
    worst = -limits.points_for(interval[1], rule.curve)
    return Component(
        key=key,
        status=status,
        points=(best + worst) / 2,
        points_low=worst,
        points_high=best,
        verdict=verdict,
        reason=reason,
        params=params,
    )


def _judge(rate: float, rule: _RateRule) -> tuple[ComponentStatus, Verdict]:
    if rate >= rule.limit:
        return ComponentStatus.CRITICAL, Verdict.HOLD
    if rate >= rule.warn:
        return ComponentStatus.WARNING, Verdict.THROTTLE
    return ComponentStatus.OK, Verdict.SEND
