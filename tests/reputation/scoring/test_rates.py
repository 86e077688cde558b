"""Rate scoring: direction, the published limits, and ranges on little data."""

from __future__ import annotations

import pytest

from reputation.scoring import limits
from reputation.scoring.rates import WindowCounts, score_rate, wilson_interval
from reputation.scoring.types import ComponentKey, ComponentStatus, Verdict

COMPLAINTS = ComponentKey.COMPLAINT_RATE
BOUNCES = ComponentKey.HARD_BOUNCE_RATE
REJECTIONS = ComponentKey.SENDER_REJECTION_RATE
VOLUME = 100_000


def _one_window(key: ComponentKey, rate: float, volume: int = VOLUME):
    return score_rate(key, [WindowCounts(7, volume, round(rate * volume))])


@pytest.mark.parametrize("key", [COMPLAINTS, BOUNCES, REJECTIONS])
def test_score_rate_higher_rate_costs_more_points(key: ComponentKey) -> None:
    rates = [0.0, 0.001, 0.002, 0.004, 0.01, 0.03, 0.06, 0.2]
    points = [_one_window(key, rate).points for rate in rates]
    assert points == sorted(points, reverse=True)
    assert points[0] == 0
    assert points[-1] < 0


@pytest.mark.parametrize(
    ("key", "rate", "verdict"),
    [
        (COMPLAINTS, 0.0009, Verdict.SEND),
        (COMPLAINTS, limits.COMPLAINT_RATE_TARGET, Verdict.THROTTLE),
        (COMPLAINTS, 0.0029, Verdict.THROTTLE),
        (COMPLAINTS, limits.COMPLAINT_RATE_LIMIT, Verdict.HOLD),
        (BOUNCES, 0.049, Verdict.SEND),
        (BOUNCES, limits.BOUNCE_RATE_REVIEW, Verdict.THROTTLE),
        (BOUNCES, 0.099, Verdict.THROTTLE),
        (BOUNCES, limits.BOUNCE_RATE_PAUSE, Verdict.HOLD),
        (REJECTIONS, 0.019, Verdict.SEND),
        (REJECTIONS, limits.SENDER_REJECTION_RATE_LIMIT, Verdict.HOLD),
    ],
)
def test_score_rate_published_limits_set_verdict(
    key: ComponentKey, rate: float, verdict: Verdict
) -> None:
    assert _one_window(key, rate).verdict is verdict


def test_published_limits_match_provider_documents() -> None:
    assert limits.COMPLAINT_RATE_TARGET == 0.001
    assert limits.COMPLAINT_RATE_LIMIT == 0.003
    assert limits.COMPLAINT_RATE_PAUSE == 0.005
    assert limits.BOUNCE_RATE_REVIEW == 0.05
    assert limits.BOUNCE_RATE_PAUSE == 0.10


@pytest.mark.parametrize("volume", [0, 10, limits.MIN_VOLUME - 1])
def test_score_rate_little_volume_is_range_not_zero(volume: int) -> None:
    component = score_rate(COMPLAINTS, [WindowCounts(30, volume, 0)])
    assert component.status is ComponentStatus.NOT_ENOUGH_VOLUME
    assert component.points_low < component.points < 0
    assert component.points_high == 0
    assert component.verdict is Verdict.SEND


@pytest.mark.parametrize(("key", "events"), [(COMPLAINTS, 1), (COMPLAINTS, 40), (BOUNCES, 60)])
def test_score_rate_little_volume_clear_excess_throttles(key: ComponentKey, events: int) -> None:
    volume = 1 if events == 1 else limits.MIN_VOLUME - 100
    component = score_rate(key, [WindowCounts(30, volume, events)])
    assert component.status is ComponentStatus.NOT_ENOUGH_VOLUME
    assert component.reason == "rate_high_on_little_volume"
    assert component.verdict is Verdict.THROTTLE
    assert float(component.params["lowest_rate"]) >= float(component.params["limit"])


@pytest.mark.parametrize(("key", "events"), [(COMPLAINTS, 1), (BOUNCES, 20)])
def test_score_rate_little_volume_plausible_rate_sends(key: ComponentKey, events: int) -> None:
    component = score_rate(key, [WindowCounts(30, limits.MIN_VOLUME - 100, events)])
    assert component.reason == "not_enough_volume"
    assert component.verdict is Verdict.SEND


def test_score_rate_more_events_than_volume_is_unknown() -> None:
    component = score_rate(BOUNCES, [WindowCounts(7, 3, 40)])
    assert component.status is ComponentStatus.UNKNOWN
    assert component.reason == "volume_missing"
    assert component.points_low < component.points_high


def test_score_rate_worst_measured_window_decides() -> None:
    windows = [WindowCounts(1, 10_000, 50), WindowCounts(7, 70_000, 60)]
    component = score_rate(COMPLAINTS, windows)
    assert component.params["days"] == 1
    assert component.verdict is Verdict.HOLD


def test_score_rate_small_window_ignored() -> None:
    windows = [WindowCounts(1, 100, 5), WindowCounts(7, 50_000, 10)]
    component = score_rate(COMPLAINTS, windows)
    assert component.params["days"] == 7
    assert component.status is ComponentStatus.OK


def test_score_rate_range_narrows_with_volume() -> None:
    small = score_rate(BOUNCES, [WindowCounts(7, 1_000, 30)])
    large = score_rate(BOUNCES, [WindowCounts(7, 1_000_000, 30_000)])
    assert large.points_high - large.points_low < small.points_high - small.points_low


def test_wilson_interval_contains_rate() -> None:
    low, high = wilson_interval(30, 1000)
    assert low < 0.03 < high


def test_wilson_interval_no_volume_is_everything() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_score_rate_warning_names_the_limit_reached() -> None:
    component = _one_window(BOUNCES, 0.052)
    assert component.params["limit"] == limits.BOUNCE_RATE_REVIEW
    assert _one_window(BOUNCES, 0.12).params["limit"] == limits.BOUNCE_RATE_PAUSE
