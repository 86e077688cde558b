"""`record_check`: store one check of a monitored domain, update its episodes, queue alerts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from blacklist_checks import DomainCheck, ListingStatus, Zone
from reputation.clock import Clock
from reputation.models import Tenant
from reputation.monitoring.alerts import queue_alert
from reputation.monitoring.domains import find_monitors_of
from reputation.monitoring.episodes import EpisodeChange, apply_results
from reputation.monitoring.models import (
    CheckResult,
    CheckRun,
    CheckTrigger,
    ListingAlert,
    MonitoredDomain,
)

#: Checks in a row that must find a listing before it alerts.
DEFAULT_CONFIRMATIONS = 2


@dataclass(frozen=True, slots=True)
class RecordedCheck:
    """The stored run, the episodes it changed and the alerts it queued."""

    run: CheckRun
    changes: tuple[EpisodeChange, ...]
    alerts: tuple[ListingAlert, ...]


def record_check(
    session: Session,
    *,
    monitored: MonitoredDomain,
    check: DomainCheck,
    zones: Mapping[str, Zone],
    started_at: datetime,
    clock: Clock,
    trigger: CheckTrigger,
    worker: str,
    confirmations: int = DEFAULT_CONFIRMATIONS,
) -> RecordedCheck:
    """Store `check` as a run of `monitored`, then apply the episode rule and queue alerts.

    The domain row is locked first (`SELECT ... FOR UPDATE` on PostgreSQL), so a check
    started through the API and a scheduled one never update the same episodes at once.
    """
    session.scalar(
        select(MonitoredDomain.id).where(MonitoredDomain.id == monitored.id).with_for_update()
    )
    finished_at = clock.now()
    results = check.report.results
    run = CheckRun(
        tenant_id=monitored.tenant_id,
        domain_id=monitored.id,
        domain=monitored.domain,
        trigger=trigger.value,
        worker=worker,
        started_at=started_at,
        finished_at=finished_at,
        listed=_count(check, ListingStatus.LISTED),
        not_listed=_count(check, ListingStatus.NOT_LISTED),
        unknown=_count(check, ListingStatus.UNKNOWN),
        sending_ips=[
            {"address": item.address, "sources": list(item.sources)}
            for item in check.sending_ips.addresses
        ],
        spf_status=str(check.spf.status) if check.spf is not None else None,
        results=[
            CheckResult(
                target=result.target,
                zone=result.zone,
                list_type=str(result.list_type),
                status=str(result.status),
                codes=list(result.codes),
                txt=list(result.txt),
                error=result.error,
                reason=result.reason[:200],
                duration_seconds=result.duration,
            )
            for result in results
        ],
    )
    session.add(run)
    monitored.last_checked_at = finished_at

    changes = apply_results(
        session,
        monitored=monitored,
        results=results,
        zones=zones,
        now=finished_at,
        confirmations=confirmations,
    )
    tenant = session.get_one(Tenant, monitored.tenant_id)
    alerts = [
        queue_alert(
            session,
            tenant=tenant,
            monitored=monitored,
            episode=change.episode,
            kind=change.alert,
            clock=clock,
        )
        for change in changes
        if change.alert is not None
    ]
    session.flush()
    return RecordedCheck(run, tuple(changes), tuple(alerts))


def record_check_for_monitors(
    session: Session,
    *,
    check: DomainCheck,
    zones: Mapping[str, Zone],
    started_at: datetime,
    clock: Clock,
    worker: str,
    trigger: CheckTrigger = CheckTrigger.CLI,
    confirmations: int = DEFAULT_CONFIRMATIONS,
) -> list[RecordedCheck]:
    """Record a check made outside the scheduler (e.g. `mailrep check`) for every tenant
    that monitors `check.domain`. Return an empty list when no tenant monitors it.

    Targets the check did not cover (an explicit IP left out of the command) get no
    result, so their episodes stay as they are.
    """
    return [
        record_check(
            session,
            monitored=monitored,
            check=check,
            zones=zones,
            started_at=started_at,
            clock=clock,
            trigger=trigger,
            worker=worker,
            confirmations=confirmations,
        )
        for monitored in find_monitors_of(session, domain=check.domain)
    ]


def _count(check: DomainCheck, status: ListingStatus) -> int:
    return sum(1 for result in check.report.results if result.status is status)
