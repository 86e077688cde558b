"""Look up a domain's mail authentication in DNS through an injected `Resolver`.

Checks SPF (present, and within the 10-lookup limit of RFC 7208 section 4.6.4, through
`blacklist_checks.evaluate_spf`), the DMARC policy (RFC 7489 section 6.1: the
`_dmarc.` TXT record, falling back to the organisational domain), MX (RFC 5321
section 5.1, with the null MX of RFC 7505) and forward-confirmed reverse DNS of each
sending IP (PTR, then A or AAAA of each PTR name back to the address).

Not covered: DKIM, whose keys sit under selectors that only the signer knows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv6Address, ip_address

import dns.reversename
import structlog

from blacklist_checks import (
    DnsError,
    DnsNameNotFound,
    Resolver,
    SpfResult,
    collect_sending_ips,
    evaluate_spf,
    registered_domain,
)

_log = structlog.get_logger(__name__)

#: PTR names followed per IP; a host with more is misconfigured anyway.
MAX_PTR_NAMES = 5
#: Sending IPs whose FCrDNS is checked per domain; the rest are skipped and logged.
MAX_IPS = 16


class LookupState(StrEnum):
    """Outcome of one authentication lookup."""

    PRESENT = "present"
    MISSING = "missing"
    INVALID = "invalid"
    FAILED = "failed"  # the lookup failed (timeout, SERVFAIL): state unknown


@dataclass(frozen=True, slots=True)
class DmarcFacts:
    """The DMARC record found and its `p=` policy (none, quarantine or reject)."""

    state: LookupState
    policy: str | None = None
    record_domain: str | None = None


@dataclass(frozen=True, slots=True)
class MxFacts:
    """The MX hosts; `is_null` marks a null MX ("0 ."), a domain that accepts no mail."""

    state: LookupState
    hosts: tuple[str, ...] = ()
    is_null: bool = False


@dataclass(frozen=True, slots=True)
class FcrdnsFacts:
    """Forward-confirmed reverse DNS of one IP: PRESENT when a PTR name resolves back."""

    address: str
    state: LookupState
    ptr_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AuthFacts:
    """Everything the DNS side of the score needs about one domain and its sending IPs."""

    domain: str
    spf: SpfResult
    dmarc: DmarcFacts
    mx: MxFacts
    fcrdns: tuple[FcrdnsFacts, ...]


async def check_dns_auth(
    domain: str, known_ips: Sequence[str], resolver: Resolver, *, max_ips: int = MAX_IPS
) -> AuthFacts:
    """Look up SPF, DMARC and MX, then the FCrDNS of the known and SPF-listed IPs.

    Never raises on DNS errors: a failed lookup is reported in the facts.
    """
    name = domain.strip().rstrip(".").lower()
    spf, dmarc, mx = await asyncio.gather(
        evaluate_spf(name, resolver), check_dmarc(name, resolver), check_mx(name, resolver)
    )
    ips = [item.address for item in collect_sending_ips(known_ips, spf).addresses]
    if len(ips) > max_ips:
        _log.info("fcrdns_ips_capped", domain=name, found=len(ips), checked=max_ips)
    fcrdns = await asyncio.gather(*(check_fcrdns(address, resolver) for address in ips[:max_ips]))
    return AuthFacts(name, spf, dmarc, mx, tuple(fcrdns))


async def check_dmarc(domain: str, resolver: Resolver) -> DmarcFacts:
    """Find the DMARC policy of `domain`, or of its organisational domain when it has none."""
    facts = await _dmarc_at(domain, resolver)
    organisational = registered_domain(domain)
    if facts.state is LookupState.MISSING and organisational != domain:
        return await _dmarc_at(organisational, resolver)
    return facts


async def _dmarc_at(domain: str, resolver: Resolver) -> DmarcFacts:
    try:
        texts = await resolver.resolve(f"_dmarc.{domain}", "TXT")
    except DnsNameNotFound:
        return DmarcFacts(LookupState.MISSING)
    except DnsError as exc:
        _log.warning("dmarc_lookup_failed", domain=domain, error=type(exc).__name__)
        return DmarcFacts(LookupState.FAILED)

    records = [text for text in texts if text.strip().lower().startswith("v=dmarc1")]
    if not records:
        return DmarcFacts(LookupState.MISSING)
    # RFC 7489 section 6.6.3: more than one record means no DMARC policy applies.
    if len(records) > 1:
        return DmarcFacts(LookupState.INVALID, record_domain=domain)
    policy = parse_dmarc_policy(records[0])
    if policy is None:
        return DmarcFacts(LookupState.INVALID, record_domain=domain)
    return DmarcFacts(LookupState.PRESENT, policy, domain)


def parse_dmarc_policy(record: str) -> str | None:
    """Return the `p=` value of a DMARC record (none, quarantine, reject), else None."""
    for tag in record.split(";"):
        key, _, value = tag.partition("=")
        if key.strip().lower() == "p":
            policy = value.strip().lower()
            return policy if policy in ("none", "quarantine", "reject") else None
    return None


async def check_mx(domain: str, resolver: Resolver) -> MxFacts:
    """Look up the MX hosts of `domain`; a null MX (RFC 7505) is reported as such."""
    try:
        answers = await resolver.resolve(domain, "MX")
    except DnsNameNotFound:
        return MxFacts(LookupState.MISSING)
    except DnsError as exc:
        _log.warning("mx_lookup_failed", domain=domain, error=type(exc).__name__)
        return MxFacts(LookupState.FAILED)

    hosts = tuple(answer.split()[-1].rstrip(".").lower() for answer in answers if answer.split())
    if not hosts:
        return MxFacts(LookupState.MISSING)
    if hosts == ("",):
        return MxFacts(LookupState.MISSING, is_null=True)
    return MxFacts(LookupState.PRESENT, tuple(host for host in hosts if host))


async def check_fcrdns(address: str, resolver: Resolver) -> FcrdnsFacts:
    """Check that a PTR name of `address` resolves back to `address` (A or AAAA)."""
    ip = ip_address(address)
    try:
        names = await resolver.resolve(dns.reversename.from_address(str(ip)).to_text(), "PTR")
    except DnsNameNotFound:
        return FcrdnsFacts(str(ip), LookupState.MISSING)
    except DnsError as exc:
        _log.warning("ptr_lookup_failed", ip=str(ip), error=type(exc).__name__)
        return FcrdnsFacts(str(ip), LookupState.FAILED)

    ptr_names = tuple(name.rstrip(".").lower() for name in names[:MAX_PTR_NAMES])
    if not ptr_names:
        return FcrdnsFacts(str(ip), LookupState.MISSING)
    rdtype = "AAAA" if isinstance(ip, IPv6Address) else "A"
    failed = False
    for name in ptr_names:
        try:
            forward = await resolver.resolve(name, rdtype)
        except DnsNameNotFound:
            continue
        except DnsError:
            failed = True
            continue
        if any(_same_address(ip, text) for text in forward):
            return FcrdnsFacts(str(ip), LookupState.PRESENT, ptr_names)
    state = LookupState.FAILED if failed else LookupState.INVALID
    return FcrdnsFacts(str(ip), state, ptr_names)


def _same_address(ip: object, text: str) -> bool:
    try:
        return ip_address(text) == ip
    except ValueError:
        return False
