"""The pre-send check: which of a planned batch of recipients may be sent to.

Built for batches of 100 000 recipients against millions of suppressions, where the
database lookup is the one cost that cannot be cut. Everything else is kept small or
run while the database works:

* Plain ASCII addresses are validated by one regex pass over the whole batch, and
  only the rest by email-validator.
* Most batches arrive already in normal form, so a large batch is looked up as given
  on a worker thread while it is validated; the drivers release the GIL while the
  database runs the query. Only addresses whose normal form differs from what was
  given are looked up afterwards.
* The lookup matches addresses alone and drops the rows of other streams in Python:
  on SQLite that is one probe of the (tenant_id, address, stream) unique index per
  address rather than one per stream, and PostgreSQL plans it as one hashed scan.
* On SQLite the batch is queried in chunks, and the rows of one chunk become results
  while the next is queried.
* Rows are read through the driver's cursor and become plain dicts, which orjson
  serialises without help.

The cleared count is added to the day's send volume of the sending domain, which
scoring divides bounces by.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from queue import SimpleQueue
from threading import Event
from typing import Any, TypedDict

import orjson
from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.pool import SingletonThreadPool

from reputation import metrics
from reputation.addresses import normalise_address, normalise_domain, normalise_many
from reputation.clock import Clock
from reputation.errors import InvalidAddressError, UnknownStreamError
from reputation.models import ALL_STREAMS, SendVolume, Tenant
from reputation.tenants import list_streams

#: Addresses per lookup query on SQLite: the rows of one are handled while the next runs.
SQLITE_CHUNK = 20_000
#: Addresses per lookup query on PostgreSQL. It plans a large array as one hashed scan of
#: the table, and several smaller arrays would each scan it.
POSTGRESQL_CHUNK = 100_000
#: Batches from this size on are looked up while they are validated.
OVERLAP_MIN = 2_000

# The lookup statements, written for each driver: SQLAlchemy's per-row type processing
# would cost more than the query itself on a batch of 100 000 addresses. Both select
# the rows of every stream of an address, and the caller keeps those of the checked
# stream and of all streams. bench/send_check.py times these
# same statements as its bare-SQL baseline.
POSTGRESQL_LOOKUP = (
    "SELECT address, stream, source, reason, since FROM suppressions"
    " WHERE tenant_id = %s AND address = ANY(%s)"
)
# The JSON array is one parameter, so no statement has thousands of placeholders,
# and the join makes SQLite probe the index once per element, in the order given.
# The rows come back as one JSON array, built in C in one step of the statement. The
# driver takes the GIL only to hand over one string, so the lookup runs beside the
# validation on the other thread. orjson also reads the array faster than the driver
# builds rows one at a time.
SQLITE_LOOKUP = (
    "SELECT json_group_array(json_array(s.address, s.stream, s.source, s.reason, s.since))"
    " FROM json_each(?) AS j CROSS JOIN suppressions AS s"
    " WHERE s.tenant_id = ? AND s.address = j.value"
)

#: address, stream, source, reason, since: a tuple from psycopg, a list from SQLite's JSON.
Row = Sequence[Any]


class SuppressedRecipient(TypedDict):
    """A planned recipient that is suppressed, with the suppression that blocks it.

    A dict, not a class: a batch can hold tens of thousands of them, and orjson
    writes plain dicts several times faster than dataclasses.
    """

    address: str
    reason: str
    since: datetime
    stream: str
    source: str


@dataclass(frozen=True, slots=True)
class InvalidRecipient:
    """A planned recipient that is not a valid email address."""

    address: str
    problem: str


@dataclass(frozen=True, slots=True)
class SendCheckResult:
    """The verdict on a batch; addresses appear as given, each once, in input order."""

    stream: str
    allowed: list[str]
    suppressed: list[SuppressedRecipient]
    invalid: list[InvalidRecipient]


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

    with collection_paused(len(addresses)):
        lookup = _Lookup(session.connection(), tenant.id)
        early = lookup.start(addresses) if len(addresses) >= OVERLAP_MIN else None
        blocked: dict[str, SuppressedRecipient] = {}
        try:
            by_key, problems = normalise_many(addresses)
            for rows in lookup.run(list(by_key)) if early is None else early.batches():
                _add_blocked(blocked, rows, by_key, stream, sqlite_text=not lookup.postgresql)
        finally:
            if early is not None:
                early.stop()  # waits while the worker still uses the connection
        if early is not None:
            # Keys whose normal form differs from what was given were not looked up yet.
            renamed = [key for key, given in by_key.items() if key != given]
            for rows in lookup.run(renamed):
                _add_blocked(blocked, rows, by_key, stream, sqlite_text=not lookup.postgresql)
        allowed = [given for key, given in by_key.items() if key not in blocked]
        suppressed = [blocked[key] for key in by_key if key in blocked] if blocked else []
        distinct_allowed = len(allowed)
        if len(by_key) + len(problems) < len(addresses):
            _add_other_spellings(addresses, by_key, blocked, allowed, suppressed)
    invalid = [InvalidRecipient(given, problem) for given, problem in problems]
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
    return SendCheckResult(stream, allowed, suppressed, invalid)


@contextmanager
def collection_paused(batch_size: int) -> Iterator[None]:
    """Pause the cyclic garbage collector for a batch of `OVERLAP_MIN` addresses or more,
    unless it is already off.

    A large batch allocates tens of thousands of containers (rows, results) that form
    no cycles, and every 700 of them would start a collection that walks the batch's
    lists of 100 000 addresses. A caller that serialises the result should keep the
    pause until it drops the result. The allocation count then falls back, so no
    collection starts when the collector resumes. Small batches never pause it, so a
    steady flow of them cannot keep the collector off.
    """
    if batch_size < OVERLAP_MIN or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class _Lookup:
    """Runs the lookup statement over a session's connection, inline or on a worker."""

    def __init__(self, connection: Connection, tenant_id: int) -> None:
        self._dbapi = connection.connection
        self._tenant_id = tenant_id
        self.postgresql = connection.dialect.name == "postgresql"
        # An in-memory SQLite database lives in one thread's connection.
        self._threads_allowed = not isinstance(connection.engine.pool, SingletonThreadPool)

    def start(self, addresses: Sequence[str]) -> _Background | None:
        """Start looking up `addresses` as given on a worker thread, where allowed.

        The caller must not use the session until the lookup has ended.
        """
        if not self._threads_allowed:
            return None
        return _Background(self, addresses)

    def run(self, keys: Sequence[str]) -> Generator[list[Row], None, None]:
        """Yield the suppression rows, of every stream, of `keys`, one chunk at a time."""
        cursor = self._dbapi.cursor()
        try:
            size = POSTGRESQL_CHUNK if self.postgresql else SQLITE_CHUNK
            for start in range(0, len(keys), size):
                chunk = list(keys[start : start + size])
                if self.postgresql:
                    cursor.execute(POSTGRESQL_LOOKUP, (self._tenant_id, chunk))
                    yield list(cursor.fetchall())
                else:
                    cursor.execute(SQLITE_LOOKUP, (orjson.dumps(chunk).decode(), self._tenant_id))
                    (rows,) = cursor.fetchone() or ("[]",)  # an aggregate gives one row
                    yield orjson.loads(rows)
        finally:
            cursor.close()


class _Background:
    """A lookup running on a worker thread that hands over its rows chunk by chunk,
    so the caller turns one chunk's rows into results while the next is queried."""

    def __init__(self, lookup: _Lookup, addresses: Sequence[str]) -> None:
        self._results: SimpleQueue[list[Row] | None] = SimpleQueue()
        self._stopping = Event()
        self._future = _lookup_executor().submit(self._work, lookup, addresses)

    def _work(self, lookup: _Lookup, addresses: Sequence[str]) -> None:
        try:
            # closing() ends the cursor before the end is signalled, even on a stop.
            with closing(lookup.run(addresses)) as chunks:
                for rows in chunks:
                    if self._stopping.is_set():
                        break
                    self._results.put(rows)
        finally:
            self._results.put(None)

    def batches(self) -> Iterator[list[Row]]:
        """Yield the rows of each chunk as it arrives; raise what the worker raised."""
        while (rows := self._results.get()) is not None:
            yield rows
        self._future.result()

    def stop(self) -> None:
        """Ask the worker to stop after its current chunk and wait until it has ended."""
        self._stopping.set()
        if not self._future.cancel():  # a lookup that has not started never will
            wait([self._future])


@cache
def _lookup_executor() -> ThreadPoolExecutor:
    # A few workers suffice: each request waits for its own lookup, so the pool bounds
    # how many batches query at once, not how many requests are served.
    return ThreadPoolExecutor(max_workers=4, thread_name_prefix="send-check-lookup")


def _add_blocked(
    blocked: dict[str, SuppressedRecipient],
    rows: list[Row],
    by_key: dict[str, str],
    stream: str,
    *,
    sqlite_text: bool,
) -> None:
    """Add each key in `rows` that is suppressed on `stream` or on all streams.

    Rows of keys not in `by_key` (an address looked up as given that turned out
    invalid or not in normal form) are skipped. An address suppressed on its stream
    and on all streams has two rows; the first one read is reported.
    """
    # SQLite returns the naive UTC text that UTCDateTime wrote; parsing it with the
    # offset appended is several times faster than `.replace(tzinfo=UTC)`. PostgreSQL
    # sessions run in UTC (see reputation.db), so there `since` is aware already.
    parse = _parse_sqlite_since if sqlite_text else _aware
    find = by_key.get
    for address, row_stream, source, reason, since in rows:
        if address in blocked or (row_stream != stream and row_stream != ALL_STREAMS):
            continue
        given = find(address)
        if given is not None:
            blocked[address] = {
                "address": given,
                "reason": reason,
                "since": parse(since),
                "stream": row_stream,
                "source": source,
            }


def _parse_sqlite_since(text: str) -> datetime:
    return datetime.fromisoformat(text + "+00:00")


def _aware(since: datetime) -> datetime:
    return since


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
            suppressed.append({**suppression, "address": given})


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
