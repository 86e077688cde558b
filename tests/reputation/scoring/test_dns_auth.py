"""DNS authentication lookups, against a FakeResolver and a real loopback DNS server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from blacklist_checks import (
    DnsPythonResolver,
    DnsServerFailure,
    DnsTimeout,
    FakeResolver,
    SpfStatus,
)
from reputation.scoring.auth_components import (
    score_dmarc,
    score_fcrdns_domain,
    score_fcrdns_ip,
    score_mx,
    score_spf,
)
from reputation.scoring.dns_auth import (
    DmarcFacts,
    LookupState,
    check_dmarc,
    check_dns_auth,
    check_fcrdns,
    check_mx,
    parse_dmarc_policy,
)
from reputation.scoring.types import ComponentStatus, Verdict
from tests.reputation.scoring.zone_server import ZoneServer

GOOD_ZONE = """
$TTL 300
@ SOA ns.example.com. admin.example.com. 1 3600 600 86400 300
@ NS ns.example.com.
@ MX 10 mx.example.com.
@ TXT "v=spf1 ip4:192.0.2.10 ip4:192.0.2.11 -all"
_dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"
mx A 192.0.2.25
mail A 192.0.2.10
other A 192.0.2.99
"""
# Eleven includes: one over the SPF limit of ten DNS-querying terms.
_INCLUDES = " ".join(f"include:{label}.example.net" for label in "abcdefghijk")
BAD_ZONE = f"""
$TTL 300
@ SOA ns.example.net. admin.example.net. 1 3600 600 86400 300
@ NS ns.example.net.
@ TXT "v=spf1 {_INCLUDES} -all"
""" + "".join(f'{label} TXT "v=spf1 -all"\n' for label in "abcdefghijk")
REVERSE_ZONE = """
$TTL 300
@ SOA ns.example.com. admin.example.com. 1 3600 600 86400 300
@ NS ns.example.com.
10 PTR mail.example.com.
11 PTR other.example.com.
"""


@pytest.fixture(scope="module")
def dns_server() -> Iterator[ZoneServer]:
    zones = {
        "example.com.": GOOD_ZONE,
        "example.net.": BAD_ZONE,
        "2.0.192.in-addr.arpa.": REVERSE_ZONE,
    }
    with ZoneServer(zones) as server:
        yield server


@pytest.fixture
def resolver(dns_server: ZoneServer) -> DnsPythonResolver:
    return DnsPythonResolver([dns_server.address], timeout=1.0)


async def test_check_dns_auth_good_domain_on_loopback_server(resolver: DnsPythonResolver) -> None:
    facts = await check_dns_auth("example.com", [], resolver)
    assert facts.spf.status is SpfStatus.VALID
    assert facts.dmarc.policy == "reject"
    assert facts.mx.hosts == ("mx.example.com",)
    states = {item.address: item.state for item in facts.fcrdns}
    assert states == {"192.0.2.10": LookupState.PRESENT, "192.0.2.11": LookupState.INVALID}


async def test_check_dns_auth_bad_domain_on_loopback_server(resolver: DnsPythonResolver) -> None:
    facts = await check_dns_auth("example.net", [], resolver)
    assert facts.spf.status is SpfStatus.PERMERROR
    assert not facts.spf.is_within_lookup_limit
    assert facts.dmarc.state is LookupState.MISSING
    assert facts.mx.state is LookupState.MISSING
    assert score_spf(facts.spf).verdict is Verdict.THROTTLE


async def test_check_fcrdns_no_ptr_on_loopback_server(resolver: DnsPythonResolver) -> None:
    facts = await check_fcrdns("192.0.2.77", resolver)
    assert facts.state is LookupState.MISSING
    assert score_fcrdns_ip(facts).verdict is Verdict.THROTTLE


async def test_check_dmarc_falls_back_to_organisational_domain() -> None:
    resolver = FakeResolver({("_dmarc.example.com", "TXT"): ["v=DMARC1; p=quarantine"]})
    facts = await check_dmarc("mail.example.com", resolver)
    assert facts.policy == "quarantine"
    assert facts.record_domain == "example.com"


async def test_check_dmarc_two_records_is_invalid() -> None:
    records = ["v=DMARC1; p=reject", "v=DMARC1; p=none"]
    facts = await check_dmarc("example.com", FakeResolver({("_dmarc.example.com", "TXT"): records}))
    assert facts.state is LookupState.INVALID


async def test_check_dmarc_timeout_is_failed() -> None:
    resolver = FakeResolver({("_dmarc.example.com", "TXT"): DnsTimeout})
    assert (await check_dmarc("example.com", resolver)).state is LookupState.FAILED


async def test_check_mx_null_mx_is_missing() -> None:
    facts = await check_mx("example.com", FakeResolver({("example.com", "MX"): ["0 ."]}))
    assert facts.state is LookupState.MISSING
    assert facts.is_null


async def test_check_fcrdns_servfail_is_failed() -> None:
    resolver = FakeResolver({("10.2.0.192.in-addr.arpa", "PTR"): DnsServerFailure})
    facts = await check_fcrdns("192.0.2.10", resolver)
    assert facts.state is LookupState.FAILED
    assert score_fcrdns_ip(facts).status is ComponentStatus.UNKNOWN


async def test_check_fcrdns_ipv6_matches_aaaa() -> None:
    reverse = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
    resolver = FakeResolver(
        {
            (reverse, "PTR"): ["mail.example.com."],
            ("mail.example.com", "AAAA"): ["2001:db8::1"],
        }
    )
    assert (await check_fcrdns("2001:db8::1", resolver)).state is LookupState.PRESENT


@pytest.mark.parametrize(
    ("record", "policy"),
    [
        ("v=DMARC1; p=reject", "reject"),
        ("v=DMARC1;p=Quarantine; pct=50", "quarantine"),
        ("v=DMARC1; rua=mailto:x@example.com", None),
        ("v=DMARC1; p=bogus", None),
    ],
)
def test_parse_dmarc_policy_reads_p_tag(record: str, policy: str | None) -> None:
    assert parse_dmarc_policy(record) == policy


async def test_score_dmarc_missing_throttles_only_bulk() -> None:
    facts = await check_dmarc("example.com", FakeResolver())
    assert score_dmarc(facts, daily_volume=100).verdict is Verdict.SEND
    assert score_dmarc(facts, daily_volume=20_000).verdict is Verdict.THROTTLE
    assert score_dmarc(facts, daily_volume=100).points < 0


def test_score_dmarc_none_costs_less_than_missing() -> None:
    none = score_dmarc(DmarcFacts(LookupState.PRESENT, "none"), 0)
    missing = score_dmarc(DmarcFacts(LookupState.MISSING), 0)
    reject = score_dmarc(DmarcFacts(LookupState.PRESENT, "reject"), 0)
    assert missing.points < none.points < reject.points == 0


def test_score_not_checked_gives_range() -> None:
    for component in (score_spf(None), score_dmarc(None, 0), score_mx(None)):
        assert component.status is ComponentStatus.UNKNOWN
        assert component.points_low < component.points_high == 0
    assert score_fcrdns_domain(None).points_low < 0
