"""The pre-send check: which of a planned batch of recipients may be sent to.

Built for batches of 100 000 recipients against millions of suppressions. Plain
ASCII addresses are validated by one regex pass over the whole batch and only the
rest by email-validator. Suppressions are looked up in one query per 100 000
addresses (`= ANY(array)` on PostgreSQL, `IN (SELECT value FROM json_each(?))` on
SQLite) over the (tenant_id, address, stream) unique index. The cleared count is added to the
day's send volume of the sending domain, which scoring divides bounces by.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reputation import metrics
from reputation.addresses import normalise_address, normalise_domain, normalise_many
from reputation.clock import Clock
from reputation.errors import InvalidAddressError, UnknownStreamError
from reputation.models import ALL_STREAMS, SendVolume, Tenant
from reputation.tenants import list_streams

#: Addresses per lookup query; bounds the size of one parameter and of one result.
LOOKUP_CHUNK = 100_000


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

    with _collection_paused():
        by_key, problems = normalise_many(addresses)
        blocked = _lookup(session.connection(), tenant.id, by_key, stream)
        allowed, suppressed = _partition(by_key, blocked)
        distinct_allowed = len(allowed)
        if len(by_key) + len(problems) < len(addresses):
            _add_other_spellings(addresses, by_key, blocked, allowed, suppressed)
    invalid = tuple(InvalidRecipient(given, problem) for given, problem in problems)
    if from_domain and allowed:
        _add_volume(
            session,
            tenant=tenant,
            from_domain=from_domain,
            stream=stream,
            count=distinct_allowed,
            clock=clock,
        )

    metrics.observe_send_check(
        time.perf_counter() - started, len(allowed), len(suppressed), len(invalid)
    )
    return SendCheckResult(stream, tuple(allowed), tuple(suppressed), invalid)


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block, unless it is already off.

    A batch allocates tens of thousands of containers (row tuples, results) that form
    no cycles, and every 700 of them would start a collection. In a server process the
    full collections walk the whole heap: about 60 ms a request in bench/send_check.py.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _partition(
    by_key: dict[str, str], blocked: dict[str, SuppressedRecipient]
) -> tuple[list[str], list[SuppressedRecipient]]:
    """Split the recipients, in input order, into allowed addresses and suppressions."""
    allowed: list[str] = []
    suppressed: list[SuppressedRecipient] = []
    # One pass with bound methods: this loop runs once per recipient.
    allow, suppress, find = allowed.append, suppressed.append, blocked.get
    for key, given in by_key.items():
        suppression = find(key)
        if suppression is None:
            allow(given)
        else:
            suppress(suppression)
    return allowed, suppressed


def _add_other_spellings(
    addresses: Sequence[str],
    by_key: dict[str, str],
    blocked: dict[str, SuppressedRecipient],
    allowed: list[str],
    suppressed: list[SuppressedRecipient],
) -> None:
    """Report each further spelling of a recipient given more than once (`a@EXAMPLE.com`
    beside `a@example.com`), so a caller that drops suppressed recipients by exact string
    drops every spelling. Repeats of the same string are reported once."""
    reported = set(by_key.values())
    for given in addresses:
        if given in reported:
            continue
        try:
            key = normalise_address(given)
        except InvalidAddressError:
            continue  # already listed as invalid
        reported.add(given)
        suppression = blocked.get(key)
        if suppression is None:
            allowed.append(given)
        else:
            suppressed.append(replace(suppression, address=given))


# Written for each driver directly: SQLAlchemy's per-row type processing would
# cost more than the query itself on a batch of 100 000 addresses.
_POSTGRESQL_LOOKUP = (
    "SELECT address, stream, source, reason, since FROM suppressions"
    " WHERE tenant_id = %(tenant_id)s AND stream IN (%(stream)s, %(all)s)"
    " AND address = ANY(%(keys)s)"
)
# One JSON array parameter: SQLite plans `IN (SELECT value FROM json_each(?))` as a
# lookup per element on the unique index, and parses no statement with thousands
# of placeholders.
_SQLITE_LOOKUP = (
    "SELECT address, stream, source, reason, since FROM suppressions"
    " WHERE tenant_id = ? AND stream IN (?, ?)"
    " AND address IN (SELECT value FROM json_each(?))"
)


def _lookup(
    connection: Connection, tenant_id: int, by_key: dict[str, str], stream: str
) -> dict[str, SuppressedRecipient]:
    """Return the suppression of each key blocked on `stream` or on all streams.

    Reads through a plain driver cursor inside the session's transaction, so no
    SQLAlchemy row objects are built for the tens of thousands of rows.
    """
    is_postgresql = connection.dialect.name == "postgresql"
    keys = list(by_key)
    blocked: dict[str, SuppressedRecipient] = {}
    cursor = connection.connection.cursor()
    try:
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[start : start + LOOKUP_CHUNK]
            if is_postgresql:
                params: Any = {"tenant_id": tenant_id, "stream": stream, "all": ALL_STREAMS}
                cursor.execute(_POSTGRESQL_LOOKUP, {**params, "keys": chunk})
                _collect(cursor.fetchall(), by_key, blocked, sqlite_text=False)
            else:
                params = (tenant_id, stream, ALL_STREAMS, orjson.dumps(chunk).decode())
                cursor.execute(_SQLITE_LOOKUP, params)
                _collect(cursor.fetchall(), by_key, blocked, sqlite_text=True)
    finally:
        cursor.close()
    return blocked


def _collect(
    rows: Sequence[Any],
    by_key: dict[str, str],
    blocked: dict[str, SuppressedRecipient],
    *,
    sqlite_text: bool,
) -> None:
    """Add a `SuppressedRecipient` per looked-up row to `blocked`, keyed by normal form.

    An address suppressed on its stream and on all streams has two rows, and the
    first one read is kept. This loop runs once per suppressed recipient, so the
    backend's `since` type is decided once per batch rather than once per row.
    """
    if not sqlite_text:
        # PostgreSQL sessions run in UTC (see reputation.db), so `since` is aware and in UTC.
        for address, row_stream, source, reason, since in rows:
            if address not in blocked:
                blocked[address] = SuppressedRecipient(
                    by_key[address], row_stream, source, reason, since
                )
        return
    # SQLite returns the naive UTC text that UTCDateTime wrote. Parsing it with the
    # offset appended is several times faster than `.replace(tzinfo=UTC)`.
    parse = datetime.fromisoformat
    for address, row_stream, source, reason, since in rows:
        if address not in blocked:
            blocked[address] = SuppressedRecipient(
                by_key[address], row_stream, source, reason, parse(since + "+00:00")
            )


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
