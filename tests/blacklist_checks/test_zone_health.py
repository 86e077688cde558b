import pytest

from blacklist_checks import (
    DnsAnswer,
    HealthVerdict,
    ListType,
    LookupOutcome,
    Zone,
    ZoneKind,
    judge_zone_health,
    probe_targets,
)

ZONE = Zone(
    "bl.example.com",
    ZoneKind.IP,
    ListType.BLOCKLIST,
    "test",
    error_codes={"127.255.255.254": "refused"},
    test_listed="127.0.0.2",
    test_not_listed="127.0.0.1",
)
LISTED = DnsAnswer(LookupOutcome.ANSWER, ("127.0.0.2",))
NXDOMAIN = DnsAnswer(LookupOutcome.NXDOMAIN)


def test_probe_targets_empty_entry_skipped() -> None:
    zone = Zone("x.example.com", ZoneKind.DOMAIN, ListType.SCORE, "t", test_not_listed="invalid")

    assert probe_targets(zone) == (None, "invalid")


def test_judge_zone_health_rfc5782_answers_healthy() -> None:
    health = judge_zone_health(ZONE, LISTED, NXDOMAIN)

    assert health.verdict is HealthVerdict.HEALTHY
    assert health.is_trusted


def test_judge_zone_health_no_probes_untested_but_trusted() -> None:
    health = judge_zone_health(ZONE, None, None)

    assert health.verdict is HealthVerdict.UNTESTED
    assert health.is_trusted


@pytest.mark.parametrize(
    ("listed", "unlisted", "verdict"),
    [
        (DnsAnswer(LookupOutcome.TIMEOUT), NXDOMAIN, HealthVerdict.DEAD),
        (LISTED, DnsAnswer(LookupOutcome.SERVFAIL), HealthVerdict.DEAD),
        (DnsAnswer(LookupOutcome.REFUSED), NXDOMAIN, HealthVerdict.REFUSING),
        (
            DnsAnswer(LookupOutcome.ANSWER, ("127.255.255.254",)),
            DnsAnswer(LookupOutcome.ANSWER, ("127.255.255.254",)),
            HealthVerdict.REFUSING,
        ),
        (LISTED, LISTED, HealthVerdict.LISTS_EVERYTHING),
        (NXDOMAIN, NXDOMAIN, HealthVerdict.TEST_ENTRY_MISSING),
        (
            LISTED,
            DnsAnswer(LookupOutcome.ANSWER, ("198.51.100.7",)),
            HealthVerdict.REWRITES_NXDOMAIN,
        ),
    ],
    ids=["timeout", "servfail", "refused", "refusal_code", "wildcard", "empty", "rewritten"],
)
def test_judge_zone_health_failed_probe_untrusted(
    listed: DnsAnswer, unlisted: DnsAnswer, verdict: HealthVerdict
) -> None:
    health = judge_zone_health(ZONE, listed, unlisted)

    assert health.verdict is verdict
    assert not health.is_trusted
    assert health.detail
