"""The audit trail: who changed which address's state, and why."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reputation.clock import Clock
from reputation.models import AuditEvent

#: Actor of changes that mailrep makes by itself, such as an automatic suppression.
SYSTEM_ACTOR = "system"


def record_audit(
    session: Session,
    *,
    tenant_id: int,
    actor: str,
    action: str,
    clock: Clock,
    address: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event; `action` is a short stable name such as `suppression_added`."""
    event = AuditEvent(
        tenant_id=tenant_id,
        actor=actor,
        action=action,
        address=address,
        detail=detail or {},
        at=clock.now(),
    )
    session.add(event)
    return event


def list_audit_events(
    session: Session, *, tenant_id: int, address: str | None = None, limit: int = 100
) -> list[AuditEvent]:
    """Return the tenant's newest audit events, optionally for one address."""
    query = select(AuditEvent).where(AuditEvent.tenant_id == tenant_id)
    if address is not None:
        query = query.where(AuditEvent.address == address)
    query = query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    return list(session.scalars(query))
