import time

import pytest

from blacklist_checks import (
    CheckOptions,
    DnsError,
    DnsNameNotFound,
    DnsProtocolError,
    DnsRefused,
    DnsServerFailure,
    DnsTimeout,
    FakeResolver,
    HealthVerdict,
    ListingStatus,
    ListType,
    LookupOutcome,
    ReturnCode,
    Zone,
    ZoneKind,
    answer_from_error,
    check_targets,
)

NO_PROBES = CheckOptions(probe_health=False)


def _zone(name: str, **options: object) -> Zone:
    return Zone(  # type: ignore[arg-type]
        name, ZoneKind.IP, ListType.BLOCKLIST, "test", **options
    )


BL = _zone("bl.example.com", codes={"127.0.0.2": ReturnCode("spam source")})


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (DnsNameNotFound, LookupOutcome.NXDOMAIN),
        (DnsTimeout, LookupOutcome.TIMEOUT),
        (DnsServerFailure, LookupOutcome.SERVFAIL),
        (DnsRefused, LookupOutcome.REFUSED),
        (DnsProtocolError, LookupOutcome.ERROR),
    ],
)
def test_answer_from_error_maps_every_dns_error(
    error: type[DnsError], outcome: LookupOutcome
) -> None:
    assert answer_from_error(error("x.example.com", "A")).outcome is outcome


def test_answer_from_error_covers_all_subclasses() -> None:
    """Guard: a new DnsError subclass must be mapped on purpose, not fall through by accident."""
    mapped = {DnsNameNotFound, DnsTimeout, DnsServerFailure, DnsRefused, DnsProtocolError}

    assert set(DnsError.__subclasses__()) == mapped


async def test_check_targets_listed_fetches_txt() -> None:
    resolver = FakeResolver(
        {
            ("10.2.0.192.bl.example.com", "A"): ["127.0.0.2"],
            ("10.2.0.192.bl.example.com", "TXT"): ["Listed, see https://bl.example.com"],
        }
    )

    report = await check_targets(["192.0.2.10"], [BL], resolver, NO_PROBES)

    (result,) = report.results
    assert result.status is ListingStatus.LISTED
    assert result.meanings == ("spam source",)
    assert result.txt == ("Listed, see https://bl.example.com",)
    assert result.zone == "bl.example.com"


async def test_check_targets_not_listed_skips_txt() -> None:
    resolver = FakeResolver()

    report = await check_targets(["192.0.2.10"], [BL], resolver, NO_PROBES)

    assert report.results[0].status is ListingStatus.NOT_LISTED
    assert resolver.calls == [("10.2.0.192.bl.example.com", "A")]


async def test_check_targets_txt_failure_keeps_listing() -> None:
    resolver = FakeResolver(
        {
            ("10.2.0.192.bl.example.com", "A"): ["127.0.0.2"],
            ("10.2.0.192.bl.example.com", "TXT"): DnsServerFailure,
        }
    )

    report = await check_targets(["192.0.2.10"], [BL], resolver, NO_PROBES)

    assert report.results[0].status is ListingStatus.LISTED
    assert report.results[0].txt == ()


async def test_check_timeout_retried_once_then_unknown() -> None:
    resolver = FakeResolver({("10.2.0.192.bl.example.com", "A"): DnsTimeout})

    report = await check_targets(["192.0.2.10"], [BL], resolver, NO_PROBES)

    assert report.results[0].status is ListingStatus.UNKNOWN
    assert report.results[0].reason == "timeout"
    assert resolver.calls.count(("10.2.0.192.bl.example.com", "A")) == 2


async def test_check_refused_not_retried() -> None:
    resolver = FakeResolver({("10.2.0.192.bl.example.com", "A"): DnsRefused})

    report = await check_targets(["192.0.2.10"], [BL], resolver, NO_PROBES)

    assert report.results[0].status is ListingStatus.UNKNOWN
    assert len(resolver.calls) == 1


async def test_check_targets_noerror_without_records_not_listed() -> None:
    resolver = FakeResolver({("10.2.0.192.bl.example.com", "A"): []})

    report = await check_targets(["192.0.2.10"], [BL], resolver, NO_PROBES)

    assert report.results[0].status is ListingStatus.NOT_LISTED
    assert report.results[0].reason == "no_data"


async def test_check_targets_skips_disabled_and_mismatched_zones() -> None:
    disabled = _zone("off.example.com", enabled=False)
    domain_zone = Zone("dbl.example.com", ZoneKind.DOMAIN, ListType.BLOCKLIST, "test")

    report = await check_targets(
        ["192.0.2.10", "2001:db8::1", "example.com"],
        [BL, disabled, domain_zone],
        FakeResolver(),
        NO_PROBES,
    )

    pairs = {(result.target, result.zone) for result in report.results}
    assert pairs == {("192.0.2.10", "bl.example.com"), ("example.com", "dbl.example.com")}


async def test_check_targets_dqs_key_queries_dqs_zone() -> None:
    zone = _zone("zen.example.com", dqs_zone="zen.dq.example.net")
    resolver = FakeResolver()

    await check_targets(["192.0.2.10"], [zone], resolver, CheckOptions(spamhaus_dqs_key="k3y"))

    assert ("10.2.0.192.k3y.zen.dq.example.net", "A") in resolver.calls


async def test_check_targets_unhealthy_zone_results_unknown() -> None:
    zone = _zone("wild.example.com", test_listed="127.0.0.2", test_not_listed="127.0.0.1")
    resolver = FakeResolver(
        {
            ("2.0.0.127.wild.example.com", "A"): ["127.0.0.2"],
            ("1.0.0.127.wild.example.com", "A"): ["127.0.0.2"],
            ("10.2.0.192.wild.example.com", "A"): ["127.0.0.2"],
        }
    )

    report = await check_targets(["192.0.2.10"], [zone], resolver)

    assert report.health[0].verdict is HealthVerdict.LISTS_EVERYTHING
    assert report.results[0].status is ListingStatus.UNKNOWN
    assert report.results[0].reason == "zone_lists_everything"


async def test_check_targets_healthy_zone_results_kept() -> None:
    zone = _zone("bl.example.com", test_listed="127.0.0.2", test_not_listed="127.0.0.1")
    resolver = FakeResolver(
        {
            ("2.0.0.127.bl.example.com", "A"): ["127.0.0.2"],
            ("10.2.0.192.bl.example.com", "A"): ["127.0.0.2"],
        }
    )

    report = await check_targets(["192.0.2.10"], [zone], resolver)

    assert report.health[0].verdict is HealthVerdict.HEALTHY
    assert report.results[0].status is ListingStatus.LISTED


async def test_check_targets_runs_lookups_concurrently() -> None:
    """16 IPs x 20 zones with 50 ms per lookup take about one lookup, not 320."""
    zones = [_zone(f"z{index}.example.com") for index in range(20)]
    targets = [f"192.0.2.{host}" for host in range(1, 17)]
    names = [f"{host}.2.0.192.{zone.name}" for zone in zones for host in range(1, 17)]
    resolver = FakeResolver(delays=dict.fromkeys(names, 0.05))

    started = time.perf_counter()
    report = await check_targets(targets, zones, resolver, CheckOptions(max_concurrency=400))
    elapsed = time.perf_counter() - started

    assert len(report.results) == 320
    assert elapsed < 0.05 * 320 / 10


async def test_check_targets_semaphore_bounds_concurrency() -> None:
    zones = [_zone(f"z{index}.example.com") for index in range(4)]
    names = [f"1.2.0.192.{zone.name}" for zone in zones]
    resolver = FakeResolver(delays=dict.fromkeys(names, 0.05))

    report = await check_targets(
        ["192.0.2.1"], zones, resolver, CheckOptions(max_concurrency=1, probe_health=False)
    )

    assert report.duration >= 0.05 * 4
