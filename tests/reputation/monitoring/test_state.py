"""What monitoring feeds to Prometheus: per-query metrics and the listed state per target."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session

from blacklist_checks import (
    CheckReport,
    DomainCheck,
    ListingResult,
    ListingStatus,
    ListType,
    SendingIps,
)
from reputation.metrics import DnsblListing, render_metrics
from reputation.models import Tenant
from reputation.monitoring.checks import observe_results
from reputation.monitoring.domains import add_domain
from reputation.monitoring.models import CheckTrigger
from reputation.monitoring.recording import record_check
from reputation.monitoring.state import read_listings
from tests.conftest import FixedClock
from tests.reputation.monitoring.conftest import monitor_zones


def _check(*statuses: tuple[str, ListingStatus]) -> DomainCheck:
    results = tuple(
        ListingResult(
            target=target,
            zone="mon.test",
            list_type=ListType.BLOCKLIST,
            status=status,
            codes=("127.0.0.2",) if status is ListingStatus.LISTED else (),
            reason="timeout" if status is ListingStatus.UNKNOWN else "nxdomain",
            duration=0.01,
        )
        for target, status in statuses
    )
    report = CheckReport(results=results, health=(), duration=0.02)
    return DomainCheck("example.com", "example.com", None, SendingIps((), ()), report)


def _sample(name: str, labels: dict[str, str]) -> float:
    body, _ = render_metrics()
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def test_observe_results_counts_outcomes_and_failures() -> None:
    listed = {"zone": "mon.test", "outcome": "listed"}
    timeouts = {"zone": "mon.test", "error": "timeout"}
    listed_before = _sample("mailrep_dnsbl_queries_total", listed)
    failures_before = _sample("mailrep_dnsbl_check_failures_total", timeouts)

    observe_results(
        _check(("192.0.2.10", ListingStatus.LISTED), ("192.0.2.11", ListingStatus.UNKNOWN))
    )

    assert _sample("mailrep_dnsbl_queries_total", listed) == listed_before + 1
    assert _sample("mailrep_dnsbl_check_failures_total", timeouts) == failures_before + 1


def test_read_listings_confirmed_open_episode_is_listed(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    monitored = add_domain(session, tenant=tenant, domain="example.com", clock=clock)
    zones = {zone.name: zone for zone in monitor_zones()}
    checks = [
        _check(("192.0.2.10", ListingStatus.LISTED), ("192.0.2.11", ListingStatus.LISTED)),
        _check(("192.0.2.10", ListingStatus.LISTED), ("192.0.2.11", ListingStatus.NOT_LISTED)),
    ]
    for check in checks:
        clock.advance(minutes=30)
        record_check(
            session,
            monitored=monitored,
            check=check,
            zones=zones,
            started_at=clock.now() - timedelta(seconds=1),
            clock=clock,
            trigger=CheckTrigger.SCHEDULE,
            worker="test",
        )

    assert read_listings(session) == (
        DnsblListing("example.com", "192.0.2.10", "mon.test", is_listed=True),
        # Listed once, then gone: never confirmed, so it never read as listed.
        DnsblListing("example.com", "192.0.2.11", "mon.test", is_listed=False),
    )


def test_read_listings_empty_without_episodes(session: Session) -> None:
    assert read_listings(session) == ()
