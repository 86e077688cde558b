"""Record sent volume reported by a sender that does not use the pre-send check.

The pre-send check adds the recipients it clears to the same `send_volumes` rows, so a
sender should report each batch one way only, or it is counted twice.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reputation.addresses import normalise_domain
from reputation.clock import Clock
from reputation.errors import ReputationError, UnknownStreamError
from reputation.models import SendVolume, Tenant
from reputation.tenants import list_streams

#: How far back a report may be dated; older volume no longer affects any window.
MAX_AGE_DAYS = 31


class InvalidSendDateError(ReputationError):
    """A reported send date is in the future or older than the longest scoring window."""

    def __init__(self, day: date, today: date) -> None:
        super().__init__(
            f"send date {day.isoformat()} must be between "
            f"{(today - timedelta(days=MAX_AGE_DAYS)).isoformat()} and {today.isoformat()} (UTC)"
        )
        self.day = day


def record_sent_volume(
    session: Session,
    *,
    tenant: Tenant,
    from_domain: str,
    count: int,
    clock: Clock,
    stream: str | None = None,
    day: date | None = None,
) -> SendVolume:
    """Add `count` recipients to the domain's volume for `stream` and `day`. Flushes.

    Raises:
        UnknownStreamError: the tenant has no such stream.
        InvalidSendDateError: `day` is in the future or more than 31 days ago.
        ValueError: `count` is not positive.
    """
    if count <= 0:
        raise ValueError(f"count must be positive, got {count}")
    stream = stream or tenant.default_stream
    if stream not in list_streams(session, tenant=tenant):
        raise UnknownStreamError(stream)
    today = clock.now().date()
    day = day or today
    if day > today or day < today - timedelta(days=MAX_AGE_DAYS):
        raise InvalidSendDateError(day, today)

    domain = normalise_domain(from_domain)
    key = (
        SendVolume.tenant_id == tenant.id,
        SendVolume.from_domain == domain,
        SendVolume.stream == stream,
        SendVolume.day == day,
    )
    row = session.scalar(select(SendVolume).where(*key))
    if row is None:
        row = SendVolume(tenant_id=tenant.id, from_domain=domain, stream=stream, day=day)
        row.recipients = count
        try:
            with session.begin_nested():
                session.add(row)
            return row
        except IntegrityError:
            # A concurrent report created the row first; add to it instead.
            row = session.scalars(select(SendVolume).where(*key)).one()
    row.recipients = SendVolume.recipients + count
    session.flush()
    session.refresh(row)
    return row
