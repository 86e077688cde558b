"""Walk a domain's SPF record through include and redirect to list its authorised networks.

This is not an SPF verifier (RFC 7208 check_host): there is no sender IP, so every
term is expanded, as lookup-count tools do. It enforces the limits a verifier would:
at most 10 DNS-querying terms (include, a, mx, ptr, exists, redirect), at most 10 MX
names per mx term, at most 2 void lookups (RFC 7208 section 4.6.4), and it reports
include loops. Breaking a limit is a permerror; a DNS failure is a temperror. The
networks found up to that point are kept, so blocklist checks can still use them.
ptr and exists terms are counted but not expanded: both depend on the sender.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from ipaddress import IPv4Network, IPv6Network, ip_network

from blacklist_checks.errors import DnsError, DnsNameNotFound
from blacklist_checks.resolver import Resolver
from blacklist_checks.spf_record import (
    Mechanism,
    SpfSyntaxError,
    expand_domain_spec,
    is_spf_record,
    parse_spf_record,
)
from blacklist_checks.types import IPNetwork

MAX_DNS_LOOKUPS = 10
MAX_VOID_LOOKUPS = 2
MAX_MX_NAMES = 10


class SpfStatus(StrEnum):
    """Outcome of walking a domain's SPF record."""

    NONE = "none"  # the domain publishes no SPF record
    VALID = "valid"
    PERMERROR = "permerror"
    TEMPERROR = "temperror"


@dataclass(frozen=True, slots=True)
class SpfNetwork:
    """One network named by the record; `source` is the path to it, e.g. `spf:include:x:ip4`."""

    network: IPNetwork
    source: str
    qualifier: str

    @property
    def is_authorised(self) -> bool:
        """True when a verifier would return pass for addresses in it (qualifier '+')."""
        return self.qualifier == "+"


@dataclass(frozen=True, slots=True)
class SpfResult:
    """The SPF facts of one domain: the record, lookup counts, networks and problems."""

    domain: str
    status: SpfStatus
    record: str | None
    lookup_count: int
    void_lookup_count: int
    networks: tuple[SpfNetwork, ...]
    problems: tuple[str, ...]
    error: str | None = None

    @property
    def has_record(self) -> bool:
        return self.record is not None

    @property
    def is_within_lookup_limit(self) -> bool:
        return self.lookup_count <= MAX_DNS_LOOKUPS


class _Stop(Exception):
    """Ends the walk with a permerror or temperror."""

    def __init__(self, status: SpfStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class _Walk:
    resolver: Resolver
    top_domain: str
    lookups: int = 0
    void_lookups: int = 0
    networks: list[SpfNetwork] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    temperror: str | None = None
    failed_lookups: int = 0

    def count_lookup(self, term: str) -> None:
        self.lookups += 1
        if self.lookups > MAX_DNS_LOOKUPS:
            raise _Stop(SpfStatus.PERMERROR, f"too many DNS lookups (over 10) at {term}")

    def count_void(self, name: str) -> None:
        self.void_lookups += 1
        if self.void_lookups > MAX_VOID_LOOKUPS:
            raise _Stop(SpfStatus.PERMERROR, f"too many void lookups (over 2) at {name}")

    async def query(self, name: str, rdtype: str) -> list[str]:
        """Return records; NXDOMAIN gives []. Other DNS failures are noted as temperror."""
        try:
            return await self.resolver.resolve(name, rdtype)
        except DnsNameNotFound:
            return []
        except DnsError as exc:
            self.failed_lookups += 1
            self.temperror = self.temperror or f"{rdtype} lookup of {name} failed: {exc}"
            self.problems.append(f"temperror: {exc}")
            return []

    async def fetch_record(self, domain: str) -> str | None:
        try:
            answers = await self.resolver.resolve(domain, "TXT")
        except DnsNameNotFound:
            return None
        except DnsError as exc:
            # Without the record nothing below it can be walked (RFC 7208 section 4.4).
            raise _Stop(SpfStatus.TEMPERROR, f"TXT lookup of {domain} failed: {exc}") from exc
        records = [text for text in answers if is_spf_record(text)]
        if len(records) > 1:
            raise _Stop(SpfStatus.PERMERROR, f"{domain} publishes {len(records)} SPF records")
        return records[0] if records else None

    async def walk(self, domain: str, chain: tuple[str, ...], path: str, qualifier: str) -> None:
        record = await self.fetch_record(domain)
        if record is None:
            self.count_void(domain)
            raise _Stop(SpfStatus.PERMERROR, f"{path} points to {domain}, which has no SPF record")
        await self.walk_record(domain, record, (*chain, domain), path, qualifier)

    async def walk_record(
        self, domain: str, text: str, chain: tuple[str, ...], path: str, qualifier: str
    ) -> None:
        try:
            record = parse_spf_record(text)
        except SpfSyntaxError as exc:
            raise _Stop(SpfStatus.PERMERROR, f"{domain}: {exc}") from exc

        for mechanism in record.mechanisms:
            if mechanism.name == "all":
                return  # RFC 7208 section 6.1: redirect is ignored when "all" is present
            effective = qualifier if qualifier != "+" else mechanism.qualifier
            await self.walk_mechanism(domain, mechanism, chain, path, effective)

        if record.redirect is not None:
            self.count_lookup(f"redirect={record.redirect}")
            target = self.expand(record.redirect, domain)
            if target is None:
                return
            self.check_loop(target, chain)
            await self.walk(target, chain, f"{path}:redirect:{target}", qualifier)

    async def walk_mechanism(
        self, domain: str, mechanism: Mechanism, chain: tuple[str, ...], path: str, qualifier: str
    ) -> None:
        if mechanism.name in ("ip4", "ip6"):
            self.add_literal(mechanism, path, qualifier)
            return

        self.count_lookup(f"{mechanism.name}:{mechanism.argument or domain}")
        if mechanism.name in ("ptr", "exists"):
            self.problems.append(
                f"{mechanism.name} in {domain} depends on the sender; not expanded"
            )
            return
        target = self.expand(mechanism.argument or domain, domain)
        if target is None:
            return

        if mechanism.name == "include":
            self.check_loop(target, chain)
            await self.walk(target, chain, f"{path}:include:{target}", qualifier)
        elif mechanism.name == "a":
            failures = self.failed_lookups
            found = await self.add_host(target, mechanism, f"{path}:a:{target}", qualifier)
            # A failed lookup is a temperror, not a void lookup (RFC 7208 section 4.6.4).
            if not found and self.failed_lookups == failures:
                self.count_void(target)
        else:
            await self.add_mx(target, mechanism, f"{path}:mx:{target}", qualifier)

    def expand(self, spec: str, domain: str) -> str | None:
        target = expand_domain_spec(spec, domain, self.top_domain)
        if target is None:
            self.problems.append(f"{spec} in {domain} needs the sender's details; not expanded")
        return target

    def check_loop(self, target: str, chain: tuple[str, ...]) -> None:
        if target in chain:
            loop = " -> ".join((*chain, target))
            raise _Stop(SpfStatus.PERMERROR, f"include loop: {loop}")

    def add_literal(self, mechanism: Mechanism, path: str, qualifier: str) -> None:
        try:
            network = ip_network(mechanism.argument or "", strict=False)
        except ValueError as exc:
            raise _Stop(SpfStatus.PERMERROR, f"invalid {mechanism.name}: {exc}") from exc
        expected = IPv4Network if mechanism.name == "ip4" else IPv6Network
        if not isinstance(network, expected):
            raise _Stop(
                SpfStatus.PERMERROR, f"{mechanism.name}:{mechanism.argument} is wrong family"
            )
        self.networks.append(SpfNetwork(network, f"{path}:{mechanism.name}", qualifier))

    async def add_host(self, host: str, mechanism: Mechanism, source: str, qualifier: str) -> bool:
        found = False
        for rdtype, prefix in (("A", mechanism.cidr4 or 32), ("AAAA", mechanism.cidr6 or 128)):
            for address in await self.query(host, rdtype):
                network = ip_network(f"{address}/{prefix}", strict=False)
                self.networks.append(SpfNetwork(network, source, qualifier))
                found = True
        return found

    async def add_mx(self, target: str, mechanism: Mechanism, source: str, qualifier: str) -> None:
        failures = self.failed_lookups
        exchanges = [answer.split()[-1].rstrip(".") for answer in await self.query(target, "MX")]
        exchanges = [name for name in exchanges if name]  # "0 ." is a null MX (RFC 7505)
        if not exchanges:
            if self.failed_lookups == failures:
                self.count_void(target)
            return
        if len(exchanges) > MAX_MX_NAMES:
            raise _Stop(SpfStatus.PERMERROR, f"mx:{target} has more than 10 MX names")
        for exchange in exchanges:
            await self.add_host(exchange, mechanism, source, qualifier)


async def evaluate_spf(domain: str, resolver: Resolver) -> SpfResult:
    """Fetch and walk the SPF record of `domain`. DNS failures give TEMPERROR, never raise."""
    name = domain.strip().rstrip(".").lower()
    walk = _Walk(resolver, name)
    record: str | None = None
    status, error = SpfStatus.VALID, None
    try:
        record = await walk.fetch_record(name)
        if record is None:
            status = SpfStatus.NONE
        else:
            await walk.walk_record(name, record, (name,), "spf", "+")
    except _Stop as stop:
        status, error = stop.status, stop.message
    if status is SpfStatus.VALID and walk.temperror:
        status, error = SpfStatus.TEMPERROR, walk.temperror

    return SpfResult(
        domain=name,
        status=status,
        record=record,
        lookup_count=walk.lookups,
        void_lookup_count=walk.void_lookups,
        networks=tuple(walk.networks),
        problems=tuple(walk.problems),
        error=error,
    )
