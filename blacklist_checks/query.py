"""Build DNSBL query names (RFC 5782 section 2) and pick the name a domain zone is asked about."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv4Address, IPv6Address, ip_address

from publicsuffixlist import PublicSuffixList

from blacklist_checks.types import IPAddress, Zone, ZoneKind


def parse_ip(text: str) -> IPAddress | None:
    """Return the IP address in `text`, or None when it is not one (then it is a domain)."""
    try:
        return ip_address(text.strip())
    except ValueError:
        return None


def reverse_ip(address: IPAddress) -> str:
    """Return the reversed form used as a DNSBL prefix.

    IPv4 gives the octets in reverse order (192.0.2.1 -> 1.2.0.192); IPv6 gives the
    32 nibbles of the full address in reverse order (RFC 5782 section 2.4).
    """
    if isinstance(address, IPv4Address):
        return ".".join(reversed(str(address).split(".")))
    return ".".join(reversed(address.exploded.replace(":", "")))


@lru_cache(maxsize=1)
def _suffix_list() -> PublicSuffixList:
    # The package ships a copy of the Public Suffix List, so this reads no network.
    return PublicSuffixList()


def registered_domain(domain: str) -> str:
    """Return the organisational domain of `domain` (mail.example.co.uk -> example.co.uk).

    A name that is itself a public suffix, or under an unknown suffix, is returned as
    given (lower case, no trailing dot): domain DNSBLs list registered domains.
    """
    name = domain.strip().rstrip(".").lower()
    registered = _suffix_list().privatesuffix(name)
    return registered if isinstance(registered, str) and registered else name


def query_zone(zone: Zone, dqs_key: str | None = None) -> str:
    """Return the zone name to query: `<key>.<dqs_zone>` when a Spamhaus DQS key applies."""
    if dqs_key and zone.dqs_zone:
        return f"{dqs_key}.{zone.dqs_zone}"
    return zone.name


def zone_accepts(zone: Zone, target: str) -> bool:
    """Tell whether `target` (an IP address or a domain) can be looked up in `zone`."""
    address = parse_ip(target)
    if zone.kind is ZoneKind.DOMAIN:
        return address is None
    if address is None:
        return False
    return isinstance(address, IPv4Address) or zone.supports_ipv6


def build_query_name(zone: Zone, target: str, dqs_key: str | None = None) -> str:
    """Return the name whose A and TXT records say whether `target` is listed in `zone`.

    IP targets are reversed; domain targets are used as given, so callers pass the
    organisational domain (see `registered_domain`) or a probe name like `test`.

    Raises:
        ValueError: the target's kind does not match the zone's kind.
    """
    address = parse_ip(target)
    suffix = query_zone(zone, dqs_key)
    if zone.kind is ZoneKind.IP:
        if address is None:
            raise ValueError(f"{target!r} is not an IP address; zone {zone.name} lists IPs")
        return f"{reverse_ip(address)}.{suffix}"
    if address is not None:
        raise ValueError(f"{target!r} is an IP address; zone {zone.name} lists domains")
    return f"{target.strip().rstrip('.').lower()}.{suffix}"


def is_ipv6(target: str) -> bool:
    """Tell whether `target` is an IPv6 address."""
    return isinstance(parse_ip(target), IPv6Address)
