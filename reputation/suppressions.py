"""The suppression list service for the API: list, look up, add and remove by hand, export.

Manual changes leave an audit event naming the actor. Removing an address also
forgets its soft-bounce days, so it starts again from zero.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from reputation.addresses import normalise_address, normalise_domain, normalise_lookup_address
from reputation.clock import Clock
from reputation.errors import NotFoundError, UnknownStreamError
from reputation.models import ALL_STREAMS, Suppression, SuppressionSource, Tenant
from reputation.pagination import decode_cursor, encode_cursor
from reputation.suppression_writer import lift_suppression, reset_soft_bounces, suppress_address
from reputation.tenants import list_streams

CSV_COLUMNS = ("address", "stream", "source", "reason", "since")
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class SuppressionPage:
    """One page of suppressions, newest first; `next_cursor` is None on the last page."""

    items: tuple[Suppression, ...]
    next_cursor: str | None


def list_suppressions(
    session: Session,
    *,
    tenant: Tenant,
    reason: str | None = None,
    source: SuppressionSource | str | None = None,
    domain: str | None = None,
    since: datetime | None = None,
    stream: str | None = None,
    cursor: str | None = None,
    limit: int = 100,
) -> SuppressionPage:
    """List the tenant's suppressions, newest first, filtered and paginated by cursor.

    Raises:
        InvalidCursorError: `cursor` is damaged.
    """
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    query = select(Suppression).where(Suppression.tenant_id == tenant.id)
    if reason is not None:
        query = query.where(Suppression.reason == reason)
    if source is not None:
        query = query.where(Suppression.source == SuppressionSource(source).value)
    if domain is not None:
        query = query.where(Suppression.domain == normalise_domain(domain))
    if since is not None:
        query = query.where(Suppression.since >= since)
    if stream is not None:
        query = query.where(Suppression.stream == stream)
    if cursor is not None:
        at, row_id = decode_cursor(cursor)
        query = query.where(
            or_(Suppression.since < at, and_(Suppression.since == at, Suppression.id < row_id))
        )
    query = query.order_by(Suppression.since.desc(), Suppression.id.desc()).limit(limit + 1)

    rows = list(session.scalars(query))
    if len(rows) <= limit:
        return SuppressionPage(tuple(rows), None)
    last = rows[limit - 1]
    return SuppressionPage(tuple(rows[:limit]), encode_cursor(last.since, last.id))


def get_suppressions(session: Session, *, tenant: Tenant, address: str) -> list[Suppression]:
    """Return every suppression of one address (one per stream), oldest first.

    Raises:
        NotFoundError: the address is not suppressed on any stream.
    """
    normalised = normalise_lookup_address(address)
    query = (
        select(Suppression)
        .where(Suppression.tenant_id == tenant.id, Suppression.address == normalised)
        .order_by(Suppression.since, Suppression.id)
    )
    rows = list(session.scalars(query))
    if not rows:
        raise NotFoundError("suppression", normalised)
    return rows


def add_suppression(
    session: Session,
    *,
    tenant: Tenant,
    address: str,
    actor: str,
    clock: Clock,
    stream: str | None = None,
    reason: str = "manual",
    note: str | None = None,
) -> Suppression:
    """Suppress an address by hand on one stream or, when `stream` is None, on all streams.

    Idempotent: when a suppression already covers the address there, that one is returned.

    Raises:
        InvalidAddressError: the address is not valid.
        UnknownStreamError: the tenant has no such stream.
    """
    normalised = normalise_address(address)
    target = _target_stream(session, tenant=tenant, stream=stream)
    created = suppress_address(
        session,
        tenant=tenant,
        address=normalised,
        stream=target,
        source=SuppressionSource.MANUAL,
        reason=reason,
        clock=clock,
        actor=actor,
        note=note,
    )
    if created is not None:
        return created
    covering = [
        s
        for s in get_suppressions(session, tenant=tenant, address=normalised)
        if s.stream in (ALL_STREAMS, target)
    ]
    return covering[0]


def remove_suppression(
    session: Session,
    *,
    tenant: Tenant,
    address: str,
    actor: str,
    clock: Clock,
    stream: str | None = None,
) -> int:
    """Lift an address's suppressions (on one stream, or all when `stream` is None).

    Also resets the address's soft-bounce count. Returns how many suppressions were lifted.

    Raises:
        NotFoundError: nothing to lift.
    """
    rows = get_suppressions(session, tenant=tenant, address=address)
    if stream is not None:
        rows = [row for row in rows if row.stream == stream]
        if not rows:
            raise NotFoundError("suppression", f"{address} on stream {stream}")
    for row in rows:
        lift_suppression(session, suppression=row, actor=actor, clock=clock, why="manual removal")
    reset_soft_bounces(session, tenant_id=tenant.id, address=rows[0].address)
    return len(rows)


def iter_suppressions_csv(
    session: Session, *, tenant: Tenant, batch_size: int = 1000
) -> Iterator[str]:
    """Yield the tenant's suppression list as CSV text, header first, in batches of rows."""
    yield _csv_line(CSV_COLUMNS)
    cursor: str | None = None
    while True:
        page = list_suppressions(session, tenant=tenant, cursor=cursor, limit=batch_size)
        yield "".join(
            _csv_line((s.address, s.stream, s.source, s.reason, s.since.isoformat()))
            for s in page.items
        )
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _target_stream(session: Session, *, tenant: Tenant, stream: str | None) -> str:
    if stream is None or stream == ALL_STREAMS:
        return ALL_STREAMS
    if stream not in list_streams(session, tenant=tenant):
        raise UnknownStreamError(stream)
    return stream


def _csv_line(values: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()
