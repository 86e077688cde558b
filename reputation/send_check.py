"""The pre-send check: which of a planned batch of recipients may be sent to.

Built for batches of 100 000 recipients against millions of suppressions: plain
ASCII addresses are validated by a precompiled regex and only the rest by
email-validator, and suppressions are looked up in a few set queries (`= ANY`
with one array on PostgreSQL, `IN` chunks on SQLite) over the
(tenant_id, address, stream) unique index. The cleared count is added to the
day's send volume of the sending domain, which scoring divides bounces by.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.types import String

from reputation import metrics
from reputation.addresses import normalise_address, normalise_domain
from reputation.clock import Clock
from reputation.errors import InvalidAddressError, UnknownStreamError
from reputation.models import ALL_STREAMS, SendVolume, Suppression, Tenant
from reputation.tenants import list_streams

#: Addresses per `IN (...)` query on SQLite; below its 32 766 bound-parameter limit.
SQLITE_CHUNK = 5000

_SUPPRESSIONS = Suppression.__table__


@dataclass(frozen=True, slots=True)
class SuppressedRecipient:
    """A planned recipient that is suppressed, with the suppression that blocks it."""

    address: str
    stream: str
    source: str
    reason: str
    since: datetime


@dataclass(frozen=True, slots=True)
class InvalidRecipient:
    """A planned recipient that is not a valid email address."""

    address: str
    problem: str


@dataclass(frozen=True, slots=True)
class SendCheckResult:
    """The verdict on a batch; addresses appear as given, each once, in input order."""

    stream: str
    allowed: tuple[str, ...]
    suppressed: tuple[SuppressedRecipient, ...]
    invalid: tuple[InvalidRecipient, ...]


def check_recipients(
    session: Session,
    *,
    tenant: Tenant,
    addresses: Sequence[str],
    clock: Clock,
    stream: str | None = None,
    from_domain: str | None = None,
) -> SendCheckResult:
    """Sort planned recipients into allowed, suppressed and invalid; record the volume.

    The allowed count is added to `send_volumes` for `from_domain` (when given),
    the stream and the current UTC day. Flushes; the caller commits.

    Raises:
        UnknownStreamError: the tenant has no such stream.
    """
    started = time.perf_counter()
    stream = stream or tenant.default_stream
    if stream not in list_streams(session, tenant=tenant):
        raise UnknownStreamError(stream)

    unique, invalid = _normalise_all(addresses)
    blocked = _lookup(session.connection(), tenant.id, list(unique.values()), stream)
    allowed = tuple(given for given, key in unique.items() if key not in blocked)
    suppressed = tuple(
        SuppressedRecipient(given, *blocked[key]) for given, key in unique.items() if key in blocked
    )
    if from_domain and allowed:
        _add_volume(
            session,
            tenant=tenant,
            from_domain=from_domain,
            stream=stream,
            count=len(allowed),
            clock=clock,
        )

    metrics.observe_send_check(
        time.perf_counter() - started, len(allowed), len(suppressed), len(invalid)
    )
    return SendCheckResult(stream, allowed, suppressed, tuple(invalid))


def _normalise_all(addresses: Iterable[str]) -> tuple[dict[str, str], list[InvalidRecipient]]:
    """Map each distinct valid address (as given) to its normal form; collect the invalid."""
    unique: dict[str, str] = {}
    seen: set[str] = set()
    invalid: list[InvalidRecipient] = []
    for given in addresses:
        if given in unique:
            continue
        try:
            key = normalise_address(given)
        except InvalidAddressError as exc:
            invalid.append(InvalidRecipient(given, exc.problem))
            continue
        if key not in seen:
            seen.add(key)
            unique[given] = key
    return unique, invalid


def _lookup(
    connection: Connection, tenant_id: int, keys: list[str], stream: str
) -> dict[str, tuple[str, str, str, datetime]]:
    """Return (stream, source, reason, since) for each key suppressed on `stream` or on all."""
    columns = (
        _SUPPRESSIONS.c.address,
        _SUPPRESSIONS.c.stream,
        _SUPPRESSIONS.c.source,
        _SUPPRESSIONS.c.reason,
        _SUPPRESSIONS.c.since,
    )
    base = select(*columns).where(
        _SUPPRESSIONS.c.tenant_id == tenant_id,
        _SUPPRESSIONS.c.stream.in_((stream, ALL_STREAMS)),
    )
    if connection.dialect.name == "postgresql":
        query = base.where(_SUPPRESSIONS.c.address == bindparam("keys", type_=ARRAY(String)).any_())
        chunks = [keys]
    else:
        query = base.where(_SUPPRESSIONS.c.address.in_(bindparam("keys", expanding=True)))
        chunks = [keys[i : i + SQLITE_CHUNK] for i in range(0, len(keys), SQLITE_CHUNK)]

    blocked: dict[str, tuple[str, str, str, datetime]] = {}
    for chunk in chunks:
        if not chunk:
            continue
        for address, row_stream, source, reason, since in connection.execute(
            query, {"keys": chunk}
        ):
            blocked.setdefault(address, (row_stream, source, reason, since))
    return blocked


def _add_volume(
    session: Session, *, tenant: Tenant, from_domain: str, stream: str, count: int, clock: Clock
) -> None:
    domain = normalise_domain(from_domain)
    day = clock.now().date()
    key = (
        SendVolume.tenant_id == tenant.id,
        SendVolume.from_domain == domain,
        SendVolume.stream == stream,
        SendVolume.day == day,
    )
    row = session.scalar(select(SendVolume).where(*key))
    if row is None:
        try:
            with session.begin_nested():
                session.add(
                    SendVolume(
                        tenant_id=tenant.id,
                        from_domain=domain,
                        stream=stream,
                        day=day,
                        recipients=count,
                    )
                )
            return
        except IntegrityError:
            row = session.scalar(select(SendVolume).where(*key))
            assert row is not None  # the unique constraint fired, so the row exists
    row.recipients = SendVolume.recipients + count
