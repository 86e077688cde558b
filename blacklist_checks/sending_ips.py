"""Combine explicit sending IPs with the networks of a domain's SPF record.

Pure. A network is checked address by address only when it is small: an IPv4
network of /30 or longer (at most 4 addresses) or a single IPv6 address (/128).
Anything larger is reported as not checkable per address, because a DNSBL lists
addresses and querying a /24 would mean 256 lookups per zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network, ip_network

from blacklist_checks.spf import SpfResult

MIN_CHECKABLE_IPV4_PREFIX = 30
MIN_CHECKABLE_IPV6_PREFIX = 128


@dataclass(frozen=True, slots=True)
class SendingIp:
    """One address to check, with every source that named it (`explicit`, `spf:...`)."""

    address: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UncheckableNetwork:
    """A network too large to check per address, and why."""

    network: str
    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class SendingIps:
    """The addresses to check and the networks left unchecked."""

    addresses: tuple[SendingIp, ...]
    uncheckable: tuple[UncheckableNetwork, ...]


def collect_sending_ips(explicit: Sequence[str], spf: SpfResult | None) -> SendingIps:
    """Return explicit IPs first, then the addresses of small SPF pass networks, deduplicated.

    Only networks a verifier would pass ('+' qualifier) count as sending IPs; '-', '~'
    and '?' networks are ignored.

    Raises:
        ValueError: an explicit entry is not an IP address.
    """
    sources: dict[str, list[str]] = {}
    uncheckable: list[UncheckableNetwork] = []

    for text in explicit:
        network = ip_network(text.strip(), strict=True)
        if network.num_addresses != 1:
            raise ValueError(f"explicit sending IP {text!r} is a network; give single addresses")
        _add(sources, str(network.network_address), "explicit")

    for item in spf.networks if spf is not None else ():
        if not item.is_authorised:
            continue
        limit = (
            MIN_CHECKABLE_IPV4_PREFIX
            if isinstance(item.network, IPv4Network)
            else MIN_CHECKABLE_IPV6_PREFIX
        )
        if item.network.prefixlen < limit:
            reason = (
                f"/{item.network.prefixlen} holds {item.network.num_addresses} addresses; "
                f"only /{limit} or smaller networks are checked per address"
            )
            uncheckable.append(UncheckableNetwork(str(item.network), item.source, reason))
            continue
        for address in item.network:
            _add(sources, str(address), item.source)

    addresses = tuple(SendingIp(address, tuple(names)) for address, names in sources.items())
    return SendingIps(addresses, tuple(uncheckable))


def _add(sources: dict[str, list[str]], address: str, source: str) -> None:
    names = sources.setdefault(address, [])
    if source not in names:
        names.append(source)
