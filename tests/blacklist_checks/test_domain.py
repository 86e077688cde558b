"""End-to-end domain checks against rbldnsd (see conftest.py for the served zones)."""

from collections import Counter
from collections.abc import Sequence

import dns.message
import pytest

from blacklist_checks import (
    CheckOptions,
    DnsPythonResolver,
    HealthVerdict,
    ListingResult,
    ListingStatus,
    SpfStatus,
    Zone,
    check_domain,
    check_targets,
)
from tests.support.rbldnsd import RbldnsdServer, SilentServer


@pytest.fixture
def resolver(rbldnsd_server: RbldnsdServer, silent_server: SilentServer) -> DnsPythonResolver:
    return DnsPythonResolver(
        [rbldnsd_server.address],
        zone_servers={"dead.test": [silent_server.address]},
        timeout=0.3,
    )


def _result(results: Sequence[ListingResult], target: str, zone: str) -> ListingResult:
    (found,) = [item for item in results if item.target == target and item.zone == zone]
    return found


async def test_check_targets_listed_with_txt_substitution(
    resolver: DnsPythonResolver, test_zones: dict[str, Zone]
) -> None:
    report = await check_targets(["192.0.2.10"], [test_zones["bl.test"]], resolver)

    result = report.results[0]
    assert result.status is ListingStatus.LISTED
    assert result.codes == ("127.0.0.4",)
    assert result.meanings == ("exploited host",)
    assert result.txt == ("Exploited host 192.0.2.10",)


async def test_check_targets_two_datasets_give_two_codes(
    resolver: DnsPythonResolver, test_zones: dict[str, Zone]
) -> None:
    report = await check_targets(["192.0.2.11"], [test_zones["bl.test"]], resolver)

    assert report.results[0].codes == ("127.0.0.2", "127.0.0.10")
    assert report.results[0].meanings == ("spam source", "policy range")


async def test_check_targets_unlisted_ip_not_listed(
    resolver: DnsPythonResolver, test_zones: dict[str, Zone]
) -> None:
    report = await check_targets(["192.0.2.99"], [test_zones["bl.test"]], resolver)

    assert report.results[0].status is ListingStatus.NOT_LISTED
    assert report.results[0].reason == "nxdomain"


@pytest.mark.parametrize(
    ("target", "reason"),
    [("192.0.2.12", "refusal_code=127.255.255.254"), ("192.0.2.13", "refusal_code=127.0.0.1")],
)
async def test_check_targets_refusal_answer_unknown(
    resolver: DnsPythonResolver, test_zones: dict[str, Zone], target: str, reason: str
) -> None:
    report = await check_targets([target], [test_zones["bl.test"]], resolver)

    assert report.results[0].status is ListingStatus.UNKNOWN
    assert report.results[0].reason == reason


async def test_check_targets_ipv6_listed(
    resolver: DnsPythonResolver, test_zones: dict[str, Zone]
) -> None:
    report = await check_targets(["2001:db8::10"], [test_zones["bl.test"]], resolver)

    assert report.results[0].status is ListingStatus.LISTED
    assert report.results[0].txt == ("IPv6 sender 2001:db8::10 listed",)


async def test_check_targets_domain_zones(
    resolver: DnsPythonResolver, test_zones: dict[str, Zone]
) -> None:
    zones = [test_zones["dbl.test"], test_zones["uri.test"]]

    report = await check_targets(["spam.example", "both.example"], zones, resolver)

    assert _result(report.results, "spam.example", "dbl.test").txt == (
        "Domain spam.example sends spam",
    )
    assert _result(report.results, "both.example", "uri.test").meanings == ("phishing", "malware")
    assert _result(report.results, "both.example", "dbl.test").status is ListingStatus.NOT_LISTED


async def test_check_targets_allowlist_and_score_zones(
    resolver: DnsPythonResolver, test_zones: dict[str, Zone]
) -> None:
    zones = [test_zones["wl.test"], test_zones["score.test"]]

    report = await check_targets(["192.0.2.10"], zones, resolver)

    assert _result(report.results, "192.0.2.10", "wl.test").score == 2
    assert _result(report.results, "192.0.2.10", "score.test").score == 87


@pytest.mark.parametrize(
    ("zone", "verdict"),
    [
        ("bl.test", HealthVerdict.HEALTHY),
        ("all.test", HealthVerdict.LISTS_EVERYTHING),
        ("refusing.test", HealthVerdict.REFUSING),
        ("empty.test", HealthVerdict.TEST_ENTRY_MISSING),
        ("unserved.test", HealthVerdict.REFUSING),
        ("dead.test", HealthVerdict.DEAD),
    ],
)
async def test_check_targets_health_probe_verdicts(
    resolver: DnsPythonResolver, test_zones: dict[str, Zone], zone: str, verdict: HealthVerdict
) -> None:
    report = await check_targets(["192.0.2.99"], [test_zones[zone]], resolver)

    assert report.health[0].verdict is verdict
    expected = (
        ListingStatus.NOT_LISTED if verdict is HealthVerdict.HEALTHY else ListingStatus.UNKNOWN
    )
    assert report.results[0].status is expected


class _RecordingSilentServer(SilentServer):
    """A silent server that keeps the query name of every datagram, in arrival order."""

    def __init__(self) -> None:
        self.names: list[str] = []
        super().__init__()

    def handle(self, packet: bytes, peer: tuple[str, int]) -> None:
        self.names.append(str(dns.message.from_wire(packet).question[0].name))


async def test_check_targets_dead_zone_queried_concurrently(
    rbldnsd_server: RbldnsdServer, test_zones: dict[str, Zone]
) -> None:
    """Every dead-zone name is sent before any is retried, so the zone costs one timeout.

    Asserted on the order of the queries the dead server receives rather than on the
    wall clock: a checker that serialises lookups retries the first name before it
    sends the second, however fast or busy the machine is.
    """
    targets = [f"192.0.2.{host}" for host in range(100, 116)]
    options = CheckOptions()
    with _RecordingSilentServer() as dead_server:
        resolver = DnsPythonResolver(
            [rbldnsd_server.address],
            zone_servers={"dead.test": [dead_server.address]},
            timeout=0.3,
        )
        report = await check_targets(targets, list(test_zones.values()), resolver, options)
    names = list(dead_server.names)

    dead = [item for item in report.results if item.zone == "dead.test"]
    assert len(dead) == 16
    assert all(item.status is ListingStatus.UNKNOWN for item in dead)
    counts = Counter(names)
    assert len(counts) >= 16  # the targets, plus the health probes
    assert max(counts.values()) <= options.retries + 1
    first_retry = next(
        (index for index, name in enumerate(names) if name in names[:index]), len(names)
    )
    assert set(names[:first_retry]) == set(counts)
    # A generous bound against the sequential sum catches serialisation, not a busy machine.
    assert report.duration < sum(counts.values()) * 0.3 / 2


async def test_check_domain_spf_ips_and_domain(
    resolver: DnsPythonResolver, test_zones: dict[str, Zone]
) -> None:
    zones = [test_zones["bl.test"], test_zones["dbl.test"]]

    check = await check_domain(
        "mail.test", zones, resolver, explicit_ips=["192.0.2.11"], options=CheckOptions()
    )

    assert check.spf is not None
    assert check.spf.status is SpfStatus.VALID
    assert check.spf.lookup_count == 3
    sources = {item.address: item.sources for item in check.sending_ips.addresses}
    assert sources["192.0.2.11"] == ("explicit",)
    assert sources["192.0.2.20"] == ("spf:a:mail.test",)
    assert sources["192.0.2.21"] == ("spf:mx:mail.test",)
    assert sources["203.0.113.5"] == ("spf:include:_spf.mail.test:ip4",)
    assert "203.0.113.99" not in sources
    assert [item.network for item in check.sending_ips.uncheckable] == ["198.51.100.0/24"]
    assert _result(check.report.results, "192.0.2.10", "bl.test").status is ListingStatus.LISTED
    assert _result(check.report.results, "mail.test", "dbl.test").status is (
        ListingStatus.NOT_LISTED
    )


@pytest.mark.parametrize(
    ("domain", "status", "fragment"),
    [
        ("loop.mail.test", SpfStatus.PERMERROR, "loop"),
        ("void.mail.test", SpfStatus.PERMERROR, "void"),
        ("many.mail.test", SpfStatus.PERMERROR, "too many DNS lookups"),
        ("twice.mail.test", SpfStatus.PERMERROR, "2 SPF records"),
    ],
)
async def test_check_domain_spf_errors_from_dns(
    resolver: DnsPythonResolver, domain: str, status: SpfStatus, fragment: str
) -> None:
    check = await check_domain(domain, [], resolver)

    assert check.spf is not None
    assert check.spf.status is status
    assert check.spf.error is not None
    assert fragment in check.spf.error
