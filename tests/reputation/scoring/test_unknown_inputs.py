"""Missing information widens the range but never throttles: pure scoring tables."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from blacklist_checks import (
    DnsError,
    DnsRefused,
    DnsServerFailure,
    DnsTimeout,
    FakeResolver,
    load_catalogue,
)
from reputation.scoring import limits
from reputation.scoring.dns_auth import check_dns_auth
from reputation.scoring.inputs import DomainInputs, zone_weights
from reputation.scoring.rates import WindowCounts
from reputation.scoring.service import build_reputation
from reputation.scoring.types import (
    ComponentKey,
    ComponentStatus,
    Confidence,
    Reputation,
    Verdict,
)
from tests.reputation.scoring.history import good_resolver

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
WEIGHTS = zone_weights(load_catalogue())
DNS_KEYS = (ComponentKey.SPF, ComponentKey.DMARC, ComponentKey.MX, ComponentKey.FCRDNS)
RATE_KEYS = (
    ComponentKey.COMPLAINT_RATE,
    ComponentKey.HARD_BOUNCE_RATE,
    ComponentKey.SENDER_REJECTION_RATE,
)


def _inputs(volume: int, *, checked: bool) -> DomainInputs:
    windows = tuple(WindowCounts(days, volume, 0) for days in limits.WINDOWS_DAYS)
    return DomainInputs(
        domain="example.com",
        windows={key: windows for key in RATE_KEYS},
        daily_volume=volume,
        listings=(),
        explicit_ips=(),
        known_ips=(),
        blocklists_checked=checked,
    )


def _by_key(result: Reputation) -> dict[ComponentKey, tuple[ComponentStatus, str]]:
    return {item.key: (item.status, item.reason) for item in result.components}


def test_build_nothing_known_sends_wide_range() -> None:
    result = build_reputation(_inputs(0, checked=False), None, WEIGHTS, NOW)

    assert result.verdict is Verdict.SEND
    assert result.confidence is Confidence.LOW
    assert (result.score_low, result.score_high) == (0.0, 100.0)
    # Each unknown input counts at its midpoint: rates 20 + 17.5 + 10, DNS 5 + 4 + 2.5 + 5,
    # blocklists 30 (the figures docs/scoring.md quotes).
    assert result.score == pytest.approx(6.0)
    reasons = _by_key(result)
    for key in DNS_KEYS:
        assert reasons[key] == (ComponentStatus.UNKNOWN, "dns_not_checked")
    assert reasons[ComponentKey.BLOCKLISTS] == (ComponentStatus.UNKNOWN, "blocklists_not_checked")
    for key in RATE_KEYS:
        assert reasons[key] == (ComponentStatus.NOT_ENOUGH_VOLUME, "not_enough_volume")


def test_clean_volume_without_dns_sends_with_dns_range() -> None:
    result = build_reputation(_inputs(50_000, checked=True), None, WEIGHTS, NOW)

    assert result.verdict is Verdict.SEND
    assert result.score_high == 100.0
    assert result.score_high - result.score_low == pytest.approx(33.0, abs=1.0)


@pytest.mark.parametrize("volume", [0, 100, 499])
def test_below_min_volume_alone_sends(volume: int) -> None:
    result = build_reputation(_inputs(volume, checked=True), None, WEIGHTS, NOW)
    assert result.verdict is Verdict.SEND
    statuses = {status for key, (status, _) in _by_key(result).items() if key in RATE_KEYS}
    assert statuses == {ComponentStatus.NOT_ENOUGH_VOLUME}


_FAILURES: list[type[DnsError]] = [DnsTimeout, DnsServerFailure, DnsRefused]


@pytest.mark.parametrize("error", _FAILURES, ids=lambda error: error.__name__)
async def test_dns_failure_everywhere_is_unknown_and_sends(error: type[DnsError]) -> None:
    resolver = FakeResolver(
        {
            ("example.com", "TXT"): error,
            ("_dmarc.example.com", "TXT"): error,
            ("example.com", "MX"): error,
        }
    )
    facts = await check_dns_auth("example.com", (), resolver)
    result = build_reputation(_inputs(0, checked=False), facts, WEIGHTS, NOW)

    assert result.verdict is Verdict.SEND
    reasons = _by_key(result)
    for key in (ComponentKey.SPF, ComponentKey.DMARC, ComponentKey.MX):
        assert reasons[key] == (ComponentStatus.UNKNOWN, "lookup_failed")


@pytest.mark.parametrize(
    ("spf_answer", "status", "reason", "verdict"),
    [
        pytest.param(
            DnsTimeout, ComponentStatus.UNKNOWN, "lookup_failed", Verdict.SEND, id="timeout"
        ),
        pytest.param(
            DnsServerFailure, ComponentStatus.UNKNOWN, "lookup_failed", Verdict.SEND, id="servfail"
        ),
        pytest.param(None, ComponentStatus.WARNING, "spf_missing", Verdict.THROTTLE, id="nxdomain"),
        pytest.param([], ComponentStatus.WARNING, "spf_missing", Verdict.THROTTLE, id="no-txt"),
        pytest.param(
            ["google-site-verification=abc"],
            ComponentStatus.WARNING,
            "spf_missing",
            Verdict.THROTTLE,
            id="txt-without-spf",
        ),
    ],
)
async def test_spf_absent_penalised_failed_unknown(
    spf_answer: list[str] | type[DnsError] | None,
    status: ComponentStatus,
    reason: str,
    verdict: Verdict,
) -> None:
    resolver = good_resolver()
    answers = dict(resolver.answers)
    if spf_answer is None:
        del answers[("example.com", "TXT")]
    else:
        answers[("example.com", "TXT")] = spf_answer
    facts = await check_dns_auth("example.com", ("192.0.2.10",), FakeResolver(answers))
    result = build_reputation(_inputs(50_000, checked=True), facts, WEIGHTS, NOW)

    spf = next(item for item in result.components if item.key is ComponentKey.SPF)
    assert (spf.status, spf.reason) == (status, reason)
    assert result.verdict is verdict
    if status is ComponentStatus.WARNING:
        assert spf.points == spf.points_low == spf.points_high == -limits.SPF_MISSING_POINTS
    else:
        assert spf.points_low == -limits.SPF_MISSING_POINTS
        assert spf.points_high == 0.0


async def test_dmarc_and_mx_absent_are_penalised() -> None:
    answers = dict(good_resolver().answers)
    del answers[("_dmarc.example.com", "TXT")]
    del answers[("example.com", "MX")]
    facts = await check_dns_auth("example.com", ("192.0.2.10",), FakeResolver(answers))
    result = build_reputation(_inputs(50_000, checked=True), facts, WEIGHTS, NOW)

    reasons = _by_key(result)
    assert reasons[ComponentKey.DMARC] == (ComponentStatus.WARNING, "dmarc_missing_bulk")
    assert reasons[ComponentKey.MX] == (ComponentStatus.WARNING, "mx_missing")
    assert result.verdict is Verdict.THROTTLE
