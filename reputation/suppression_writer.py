"""Writes suppressions and soft-bounce day counts; the one place new suppressions are made.

Every new suppression leaves an audit event, a `contact.suppressed` webhook in the
outbox (when the tenant has a webhook URL) and a metric, all in the caller's
transaction. Inserts run inside a savepoint, so a concurrent insert of the same
row is absorbed instead of failing the whole unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

import structlog
from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reputation import metrics
from reputation.addresses import domain_of
from reputation.audit import SYSTEM_ACTOR, record_audit
from reputation.clock import Clock
from reputation.models import ALL_STREAMS, SoftBounceDay, Suppression, SuppressionSource, Tenant
from reputation.settings import Settings
from reputation.webhooks import enqueue_contact_suppressed

_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class SoftBouncePolicy:
    """Suppress after soft bounces on `threshold` different days within `window_days` days."""

    threshold: int
    window_days: int

    @classmethod
    def from_settings(cls, settings: Settings) -> SoftBouncePolicy:
        return cls(settings.soft_bounce_threshold, settings.soft_bounce_window_days)


def find_covering_suppression(
    session: Session, *, tenant_id: int, address: str, stream: str
) -> Suppression | None:
    """Return a suppression that blocks `address` on `stream` (`ALL_STREAMS` matches only `*`)."""
    streams = {ALL_STREAMS, stream}
    query = (
        select(Suppression)
        .where(
            Suppression.tenant_id == tenant_id,
            Suppression.address == address,
            Suppression.stream.in_(streams),
        )
        .order_by(Suppression.id)
    )
    return session.scalars(query).first()


def suppress_address(
    session: Session,
    *,
    tenant: Tenant,
    address: str,
    stream: str,
    source: SuppressionSource,
    reason: str,
    clock: Clock,
    actor: str = SYSTEM_ACTOR,
    message_id: int | None = None,
    note: str | None = None,
) -> Suppression | None:
    """Suppress `address` on `stream` unless a suppression already covers it.

    Returns the new suppression, or None when the address was already suppressed there.
    """
    if find_covering_suppression(session, tenant_id=tenant.id, address=address, stream=stream):
        return None
    suppression = Suppression(
        tenant_id=tenant.id,
        address=address,
        domain=domain_of(address),
        stream=stream,
        source=source.value,
        reason=reason,
        note=note,
        since=clock.now(),
        message_id=message_id,
    )
    try:
        with session.begin_nested():
            session.add(suppression)
    except IntegrityError:
        return None

    detail = {"stream": stream, "source": source.value, "reason": reason, "message_id": message_id}
    record_audit(
        session,
        tenant_id=tenant.id,
        actor=actor,
        action="suppression_added",
        address=address,
        detail=detail,
        clock=clock,
    )
    enqueue_contact_suppressed(session, tenant=tenant, suppression=suppression, clock=clock)
    metrics.record_suppression(source.value)
    _log.info("suppression_added", tenant_id=tenant.id, source=source.value, stream=stream)
    _log.debug("suppression_address", address=address)
    return suppression


def lift_suppression(
    session: Session, *, suppression: Suppression, actor: str, clock: Clock, why: str
) -> None:
    """Delete a suppression and record who lifted it and why."""
    record_audit(
        session,
        tenant_id=suppression.tenant_id,
        actor=actor,
        action="suppression_lifted",
        address=suppression.address,
        detail={
            "stream": suppression.stream,
            "source": suppression.source,
            "reason": suppression.reason,
            "why": why,
        },
        clock=clock,
    )
    session.delete(suppression)
    session.flush()
    _log.info("suppression_lifted", tenant_id=suppression.tenant_id, why=why)


def count_soft_bounce(
    session: Session,
    *,
    tenant: Tenant,
    address: str,
    day: date,
    reason: str,
    policy: SoftBouncePolicy,
    clock: Clock,
    message_id: int | None = None,
) -> Suppression | None:
    """Count one soft bounce for `address` on `day` (once per day) and escalate at the threshold.

    Returns the new soft-bounce suppression when this count reached the threshold.
    """
    _add_soft_day(session, tenant_id=tenant.id, address=address, day=day, message_id=message_id)
    days = count_soft_days(
        session, tenant_id=tenant.id, address=address, until=day, window_days=policy.window_days
    )
    if days < policy.threshold:
        return None
    return suppress_address(
        session,
        tenant=tenant,
        address=address,
        stream=ALL_STREAMS,
        source=SuppressionSource.SOFT_BOUNCE,
        reason=reason,
        clock=clock,
        message_id=message_id,
        note=f"soft bounces on {days} days within {policy.window_days} days",
    )


def _add_soft_day(
    session: Session, *, tenant_id: int, address: str, day: date, message_id: int | None
) -> None:
    query = select(SoftBounceDay.id).where(
        SoftBounceDay.tenant_id == tenant_id,
        SoftBounceDay.address == address,
        SoftBounceDay.day == day,
    )
    if session.scalar(query) is not None:
        return
    row = SoftBounceDay(tenant_id=tenant_id, address=address, day=day, message_id=message_id)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return


def count_soft_days(
    session: Session, *, tenant_id: int, address: str, until: date, window_days: int
) -> int:
    """Return on how many days within the window ending at `until` the address soft-bounced."""
    query = select(func.count(SoftBounceDay.id)).where(
        SoftBounceDay.tenant_id == tenant_id,
        SoftBounceDay.address == address,
        SoftBounceDay.day > until - timedelta(days=window_days),
        SoftBounceDay.day <= until,
    )
    return session.scalar(query) or 0


def reset_soft_bounces(session: Session, *, tenant_id: int, address: str) -> int:
    """Forget every soft-bounce day of the address; returns how many were removed."""
    statement = delete(SoftBounceDay).where(
        SoftBounceDay.tenant_id == tenant_id, SoftBounceDay.address == address
    )
    result = cast("CursorResult[Any]", session.execute(statement))
    return result.rowcount or 0


def expire_soft_bounce_days(session: Session, *, clock: Clock, window_days: int) -> int:
    """Delete soft-bounce days older than the window, for every tenant; returns the count."""
    cutoff = clock.now().date() - timedelta(days=window_days)
    statement = delete(SoftBounceDay).where(SoftBounceDay.day <= cutoff)
    result = cast("CursorResult[Any]", session.execute(statement))
    return result.rowcount or 0
