"""Compute a domain's reputation from the database and DNS, and keep its history.

`compute_reputation` reads the inputs, looks up DNS authentication through the
injected resolver, scores, and stores a snapshot per target at most once per hour.
It runs the DNS lookups with `asyncio.run`, so call it from a thread without a running
event loop (a sync FastAPI route, the CLI, or `asyncio.to_thread` in a job).
`send_check_reputation` answers from the database alone, reusing the DNS results of
the last stored snapshot, so the pre-send check never waits on DNS.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import ip_address
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from blacklist_checks import Resolver
from reputation.addresses import normalise_domain
from reputation.clock import Clock
from reputation.db import session_scope
from reputation.models import Tenant
from reputation.scoring.auth_components import (
    score_dmarc,
    score_fcrdns_domain,
    score_fcrdns_ip,
    score_mx,
    score_spf,
)
from reputation.scoring.combine import combine
from reputation.scoring.dns_auth import AuthFacts, check_dns_auth
from reputation.scoring.inputs import DomainInputs, read_inputs
from reputation.scoring.listings import score_listings
from reputation.scoring.models import ReputationSnapshot
from reputation.scoring.rates import score_rate
from reputation.scoring.types import (
    Component,
    ComponentKey,
    ComponentStatus,
    Reputation,
    TargetKind,
    Verdict,
)

_log = structlog.get_logger(__name__)

#: At most one stored snapshot per target in this interval.
SNAPSHOT_INTERVAL = timedelta(hours=1)
#: Maximum age of the DNS results that the pre-send check reuses.
DNS_REUSE_AGE = timedelta(hours=24)
_DNS_KEYS = (ComponentKey.SPF, ComponentKey.DMARC, ComponentKey.MX, ComponentKey.FCRDNS)


@dataclass(frozen=True, slots=True)
class ScoringSetup:
    """Outside inputs of scoring: zone weights, and the resolver (None: no DNS checks)."""

    zone_weights: Mapping[str, float]
    resolver: Resolver | None


def compute_reputation(
    session: Session,
    *,
    tenant: Tenant,
    domain: str,
    setup: ScoringSetup,
    clock: Clock,
    store: bool = True,
) -> Reputation:
    """Score `domain` and its sending IPs for `tenant`; store snapshots when `store`. Flushes."""
    name = normalise_domain(domain)
    now = clock.now()
    inputs = read_inputs(session, tenant_id=tenant.id, domain=name, now=now)
    facts = None
    if setup.resolver is not None:
        facts = asyncio.run(check_dns_auth(name, inputs.known_ips, setup.resolver))
    reputation = build_reputation(inputs, facts, setup.zone_weights, now)
    _log.info(
        "reputation_computed",
        domain=name,
        score=reputation.score,
        verdict=reputation.verdict.value,
        confidence=reputation.confidence.value,
    )
    if store:
        store_snapshots(session, tenant_id=tenant.id, reputation=reputation)
    return reputation


def score_after_check(
    session_factory: sessionmaker[Session],
    *,
    tenant_id: int,
    domain: str,
    setup: ScoringSetup,
    clock: Clock,
) -> Reputation | None:
    """Score a domain after a scheduled check, in its own transaction, and store a snapshot.

    Returns None when the tenant no longer exists. Call it through `asyncio.to_thread`
    from a job, because it runs its own event loop for the DNS lookups.
    """
    with session_scope(session_factory) as session:
        tenant = session.get(Tenant, tenant_id)
        if tenant is None:
            return None
        return compute_reputation(session, tenant=tenant, domain=domain, setup=setup, clock=clock)


def build_reputation(
    inputs: DomainInputs,
    facts: AuthFacts | None,
    zone_weights: Mapping[str, float],
    now: datetime,
) -> Reputation:
    """Score a domain from its inputs and DNS facts (None: DNS not checked). Pure."""
    components = [score_rate(key, windows) for key, windows in inputs.windows.items()]
    components.append(
        score_listings(inputs.listings, zone_weights, checked=inputs.blocklists_checked)
    )
    components += [
        score_spf(facts.spf if facts else None),
        score_dmarc(facts.dmarc if facts else None, inputs.daily_volume),
        score_mx(facts.mx if facts else None),
        score_fcrdns_domain(facts.fcrdns if facts else None),
    ]
    ips = _ip_reputations(inputs, facts, zone_weights, now)
    return combine(inputs.domain, TargetKind.DOMAIN, components, now, ips)


def _ip_reputations(
    inputs: DomainInputs,
    facts: AuthFacts | None,
    zone_weights: Mapping[str, float],
    now: datetime,
) -> list[Reputation]:
    checked = {item.address: item for item in facts.fcrdns} if facts else {}
    addresses = list(checked) or list(inputs.known_ips)
    for listing in inputs.listings:
        if _is_ip(listing.target) and listing.target not in addresses:
            addresses.append(listing.target)

    results = []
    for address in addresses:
        own = [item for item in inputs.listings if item.target == address]
        components = [score_listings(own, zone_weights, checked=inputs.blocklists_checked)]
        if facts is None:
            components.append(score_fcrdns_ip(None))
        elif address in checked:
            components.append(score_fcrdns_ip(checked[address]))
        results.append(combine(address, TargetKind.IP, components, now))
    return results


def send_check_reputation(
    session: Session,
    *,
    tenant: Tenant,
    domain: str,
    zone_weights: Mapping[str, float],
    clock: Clock,
) -> Reputation:
    """Score `domain` from the database alone, reusing DNS results up to a day old.

    Stores nothing and looks nothing up in DNS, so it costs a few indexed queries.
    """
    name = normalise_domain(domain)
    now = clock.now()
    inputs = read_inputs(session, tenant_id=tenant.id, domain=name, now=now)
    components = [score_rate(key, windows) for key, windows in inputs.windows.items()]
    components.append(
        score_listings(inputs.listings, zone_weights, checked=inputs.blocklists_checked)
    )
    components += _recent_dns_components(session, tenant.id, name, now)
    return combine(name, TargetKind.DOMAIN, components, now)


def _recent_dns_components(
    session: Session, tenant_id: int, domain: str, now: datetime
) -> list[Component]:
    latest = _latest(session, tenant_id, domain, domain)
    if latest is not None and latest.computed_at >= now - DNS_REUSE_AGE:
        stored = [component_from_json(item) for item in latest.components]
        reused = [item for item in stored if item.key in _DNS_KEYS]
        if len(reused) == len(_DNS_KEYS):
            return reused
    missing = [score_spf(None), score_dmarc(None, 0), score_mx(None), score_fcrdns_domain(None)]
    return [dataclasses.replace(item, reason="dns_not_checked_recently") for item in missing]


def store_snapshots(session: Session, *, tenant_id: int, reputation: Reputation) -> int:
    """Store the domain's and each IP's result unless one is under an hour old. Flushes.

    Returns how many snapshots were stored.
    """
    stored = 0
    for result in (reputation, *reputation.ips):
        latest = _latest(session, tenant_id, reputation.target, result.target)
        if latest is not None and latest.computed_at > result.computed_at - SNAPSHOT_INTERVAL:
            continue
        session.add(_snapshot(tenant_id, reputation.target, result))
        stored += 1
    session.flush()
    return stored


def list_history(
    session: Session,
    *,
    tenant: Tenant,
    domain: str,
    target: str | None = None,
    since: datetime | None = None,
    limit: int = 1000,
) -> list[ReputationSnapshot]:
    """Return stored snapshots of the domain (or one of its IPs), oldest first."""
    name = normalise_domain(domain)
    query = select(ReputationSnapshot).where(
        ReputationSnapshot.tenant_id == tenant.id,
        ReputationSnapshot.domain == name,
        ReputationSnapshot.target == (target or name),
    )
    if since is not None:
        query = query.where(ReputationSnapshot.computed_at >= since)
    newest = query.order_by(ReputationSnapshot.computed_at.desc()).limit(limit)
    return sorted(session.scalars(newest), key=lambda row: row.computed_at)


def component_to_json(component: Component) -> dict[str, Any]:
    """Return a component as a JSON-ready dict, as the history table stores it."""
    return {
        "key": component.key.value,
        "status": component.status.value,
        "points": round(component.points, 2),
        "points_low": round(component.points_low, 2),
        "points_high": round(component.points_high, 2),
        "verdict": component.verdict.value,
        "reason": component.reason,
        "params": dict(component.params),
    }


def component_from_json(data: Mapping[str, Any]) -> Component:
    """Rebuild a component stored by `component_to_json`."""
    return Component(
        key=ComponentKey(data["key"]),
        status=ComponentStatus(data["status"]),
        points=float(data["points"]),
        points_low=float(data["points_low"]),
        points_high=float(data["points_high"]),
        verdict=Verdict(data["verdict"]),
        reason=str(data["reason"]),
        params=dict(data.get("params", {})),
    )


def _latest(
    session: Session, tenant_id: int, domain: str, target: str
) -> ReputationSnapshot | None:
    query = (
        select(ReputationSnapshot)
        .where(
            ReputationSnapshot.tenant_id == tenant_id,
            ReputationSnapshot.domain == domain,
            ReputationSnapshot.target == target,
        )
        .order_by(ReputationSnapshot.computed_at.desc(), ReputationSnapshot.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def _snapshot(tenant_id: int, domain: str, result: Reputation) -> ReputationSnapshot:
    return ReputationSnapshot(
        tenant_id=tenant_id,
        domain=domain,
        target=result.target,
        computed_at=result.computed_at,
        score=result.score,
        score_low=result.score_low,
        score_high=result.score_high,
        level=result.level.value,
        verdict=result.verdict.value,
        confidence=result.confidence.value,
        components=[component_to_json(item) for item in result.components],
    )


def _is_ip(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True
