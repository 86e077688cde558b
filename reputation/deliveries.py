"""Deliveries: proof that a mailbox which soft-bounced accepts mail again.

A delivery deletes the recipient's soft-bounce days up to the day of the delivery
and lifts a suppression that soft bounces alone made before it, each lift leaving
an audit event. Hard bounces, complaints, opt-outs and manual suppressions stay:
a delivery does not withdraw a complaint, and a hard bounce or a manual entry is
lifted only by hand. Deliveries reach mailrep as delivered DSNs or as reports
from the sender (`POST /v1/deliveries`), which finds them in its MTA's logs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from reputation.addresses import normalise_many
from reputation.clock import Clock
from reputation.models import SoftBounceDay, Suppression, SuppressionSource, Tenant
from reputation.suppression_writer import lift_suppression

#: Addresses per statement, well under SQLite's limit of bound parameters.
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """The changes deliveries made: addresses whose soft-bounce count was reset, and the
    soft-bounce suppressions lifted."""

    reset: list[str]
    lifted: list[Suppression]


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """The outcome of a sender's report, with the recipients that are not valid addresses."""

    outcome: DeliveryOutcome
    invalid: list[tuple[str, str]]


def clear_soft_bounces(
    session: Session,
    *,
    tenant_id: int,
    addresses: Sequence[str],
    delivered_at: datetime,
    actor: str,
    clock: Clock,
) -> DeliveryOutcome:
    """Reset the soft bounces of normalised `addresses`, delivered to at `delivered_at`.

    Soft-bounce days after the delivery's day, and soft-bounce suppressions made
    after `delivered_at`, stay, so a delivery reported late does not undo what came later.
    """
    reset: list[str] = []
    lifted: list[Suppression] = []
    for start in range(0, len(addresses), _CHUNK):
        chunk = list(addresses[start : start + _CHUNK])
        forget = (
            delete(SoftBounceDay)
            .where(
                SoftBounceDay.tenant_id == tenant_id,
                SoftBounceDay.address.in_(chunk),
                SoftBounceDay.day <= delivered_at.date(),
            )
            .returning(SoftBounceDay.address)
            .execution_options(synchronize_session=False)
        )
        reset.extend(dict.fromkeys(session.scalars(forget)))
        soft = select(Suppression).where(
            Suppression.tenant_id == tenant_id,
            Suppression.address.in_(chunk),
            Suppression.source == SuppressionSource.SOFT_BOUNCE.value,
            Suppression.since <= delivered_at,
        )
        for suppression in session.scalars(soft).all():
            lift_suppression(
                session, suppression=suppression, actor=actor, clock=clock, why="delivered"
            )
            lifted.append(suppression)
    return DeliveryOutcome(reset, lifted)


def record_deliveries(
    session: Session,
    *,
    tenant: Tenant,
    addresses: Sequence[str],
    actor: str,
    clock: Clock,
    delivered_at: datetime | None = None,
) -> DeliveryReport:
    """Apply a sender's report that mail to `addresses` was delivered (now, by default).

    Invalid addresses are returned, not raised, so one typo does not void the report.
    """
    by_key, invalid = normalise_many(addresses)
    outcome = clear_soft_bounces(
        session,
        tenant_id=tenant.id,
        addresses=list(by_key),
        delivered_at=delivered_at or clock.now(),
        actor=actor,
        clock=clock,
    )
    return DeliveryReport(outcome, invalid)
