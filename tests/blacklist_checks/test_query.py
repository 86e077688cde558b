from ipaddress import ip_address

import pytest

from blacklist_checks import (
    ListType,
    Zone,
    ZoneKind,
    build_query_name,
    query_zone,
    registered_domain,
    reverse_ip,
    zone_accepts,
)

IP_ZONE = Zone("bl.example.com", ZoneKind.IP, ListType.BLOCKLIST, "test")
IP6_ZONE = Zone("bl6.example.com", ZoneKind.IP, ListType.BLOCKLIST, "test", supports_ipv6=True)
DOMAIN_ZONE = Zone("dbl.example.com", ZoneKind.DOMAIN, ListType.BLOCKLIST, "test")
DQS_ZONE = Zone(
    "zen.example.com", ZoneKind.IP, ListType.BLOCKLIST, "test", dqs_zone="zen.dq.example.net"
)


def test_reverse_ip_ipv4_reverses_octets() -> None:
    assert reverse_ip(ip_address("192.0.2.99")) == "99.2.0.192"


def test_reverse_ip_ipv6_uses_32_nibbles() -> None:
    # The example of RFC 5782 section 2.4.
    name = reverse_ip(ip_address("2001:db8:1:2:3:4:567:89ab"))

    assert name == "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2"


def test_build_query_name_ip_zone() -> None:
    assert build_query_name(IP_ZONE, "192.0.2.10") == "10.2.0.192.bl.example.com"


def test_build_query_name_domain_zone_lowercases() -> None:
    assert build_query_name(DOMAIN_ZONE, "Example.COM.") == "example.com.dbl.example.com"


def test_build_query_name_dqs_key_prefixes_dqs_zone() -> None:
    name = build_query_name(DQS_ZONE, "192.0.2.10", dqs_key="abc123")

    assert name == "10.2.0.192.abc123.zen.dq.example.net"


def test_query_zone_without_key_uses_public_name() -> None:
    assert query_zone(DQS_ZONE, None) == "zen.example.com"
    assert query_zone(IP_ZONE, "abc123") == "bl.example.com"


def test_build_query_name_kind_mismatch_raises() -> None:
    with pytest.raises(ValueError, match="not an IP address"):
        build_query_name(IP_ZONE, "example.com")
    with pytest.raises(ValueError, match="is an IP address"):
        build_query_name(DOMAIN_ZONE, "192.0.2.1")


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("mail.example.com", "example.com"),
        ("a.b.example.co.uk", "example.co.uk"),
        ("Example.COM.", "example.com"),
        ("faktury.example.com.pl", "example.com.pl"),
        ("com", "com"),
    ],
)
def test_registered_domain_uses_public_suffix_list(domain: str, expected: str) -> None:
    assert registered_domain(domain) == expected


def test_zone_accepts_matches_kind_and_ipv6_support() -> None:
    assert zone_accepts(IP_ZONE, "192.0.2.1")
    assert not zone_accepts(IP_ZONE, "2001:db8::1")
    assert zone_accepts(IP6_ZONE, "2001:db8::1")
    assert not zone_accepts(IP_ZONE, "example.com")
    assert zone_accepts(DOMAIN_ZONE, "example.com")
    assert not zone_accepts(DOMAIN_ZONE, "192.0.2.1")
