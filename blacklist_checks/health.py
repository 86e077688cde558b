"""Judge a zone from its RFC 5782 section 5 test entries.

An IP zone must list 127.0.0.2 and must not list 127.0.0.1; a domain zone must list
`test` and must not list `invalid` (the catalogue can name other probe entries). A
zone that fails these probes is not trusted, and the checker reports its answers of
that run as UNKNOWN: a dead zone times out, a zone that blocks the resolver answers
REFUSED or a refusal code, and a zone whose domain expired is often parked on a
wildcard that "lists" every address.
"""

from __future__ import annotations

from blacklist_checks.interpret import interpret_answer
from blacklist_checks.types import (
    DnsAnswer,
    HealthVerdict,
    ListingStatus,
    LookupOutcome,
    Zone,
    ZoneHealth,
)

_DEAD_OUTCOMES = (LookupOutcome.TIMEOUT, LookupOutcome.SERVFAIL, LookupOutcome.ERROR)


def probe_targets(zone: Zone) -> tuple[str | None, str | None]:
    """Return the (must be listed, must not be listed) probe entries of `zone`; None skips."""
    return zone.test_listed or None, zone.test_not_listed or None


def judge_zone_health(
    zone: Zone, listed_probe: DnsAnswer | None, unlisted_probe: DnsAnswer | None
) -> ZoneHealth:
    """Decide whether `zone` can be trusted from the answers to its two probes.

    `listed_probe` answers the entry that must be listed, `unlisted_probe` the one
    that must not; None means the probe was not run.
    """
    probes = [probe for probe in (listed_probe, unlisted_probe) if probe is not None]
    if not probes:
        return ZoneHealth(zone.name, HealthVerdict.UNTESTED, "no test entries configured")

    for probe in probes:
        if probe.outcome is LookupOutcome.REFUSED:
            return ZoneHealth(zone.name, HealthVerdict.REFUSING, "probe answered REFUSED")
        if probe.outcome in _DEAD_OUTCOMES:
            return ZoneHealth(zone.name, HealthVerdict.DEAD, f"probe failed: {probe.outcome}")

    for probe in probes:
        decision = interpret_answer(zone, probe)
        if decision.status is ListingStatus.UNKNOWN:
            verdict = (
                HealthVerdict.REWRITES_NXDOMAIN
                if decision.reason == "answer_outside_127"
                else HealthVerdict.REFUSING
            )
            return ZoneHealth(zone.name, verdict, decision.error or decision.reason)

    if unlisted_probe is not None:
        decision = interpret_answer(zone, unlisted_probe)
        if decision.status is ListingStatus.LISTED:
            detail = f"{zone.test_not_listed} is listed ({', '.join(decision.codes)})"
            return ZoneHealth(zone.name, HealthVerdict.LISTS_EVERYTHING, detail)

    if listed_probe is not None:
        decision = interpret_answer(zone, listed_probe)
        if decision.status is not ListingStatus.LISTED:
            detail = f"{zone.test_listed} is not listed ({listed_probe.outcome})"
            return ZoneHealth(zone.name, HealthVerdict.TEST_ENTRY_MISSING, detail)

    return ZoneHealth(zone.name, HealthVerdict.HEALTHY)
