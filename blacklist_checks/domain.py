"""Check one domain: its organisational domain in domain zones, its sending IPs in IP zones."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from blacklist_checks.checker import CheckOptions, CheckReport, check_targets
from blacklist_checks.query import registered_domain
from blacklist_checks.resolver import Resolver
from blacklist_checks.sending_ips import SendingIps, collect_sending_ips
from blacklist_checks.spf import SpfResult, evaluate_spf
from blacklist_checks.types import Zone


@dataclass(frozen=True, slots=True)
class DomainCheck:
    """Everything one domain check found; `report.results` holds one entry per target and zone."""

    domain: str
    registered_domain: str
    spf: SpfResult | None
    sending_ips: SendingIps
    report: CheckReport


async def check_domain(
    domain: str,
    zones: Sequence[Zone],
    resolver: Resolver,
    *,
    explicit_ips: Sequence[str] = (),
    use_spf: bool = True,
    options: CheckOptions | None = None,
) -> DomainCheck:
    """Derive the sending IPs (explicit plus SPF), then check them and the domain concurrently.

    Raises:
        ValueError: an explicit IP is not a single IP address.
    """
    name = domain.strip().rstrip(".").lower()
    organisational = registered_domain(name)
    spf = await evaluate_spf(name, resolver) if use_spf else None
    sending_ips = collect_sending_ips(explicit_ips, spf)

    targets = [organisational, *(item.address for item in sending_ips.addresses)]
    report = await check_targets(targets, zones, resolver, options)
    return DomainCheck(name, organisational, spf, sending_ips, report)


def run_check_domain(
    domain: str,
    zones: Sequence[Zone],
    resolver: Resolver,
    *,
    explicit_ips: Sequence[str] = (),
    use_spf: bool = True,
    options: CheckOptions | None = None,
) -> DomainCheck:
    """Run `check_domain` in a new event loop, for synchronous callers such as the CLI."""
    return asyncio.run(
        check_domain(
            domain, zones, resolver, explicit_ips=explicit_ips, use_spf=use_spf, options=options
        )
    )
