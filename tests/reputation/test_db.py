"""Engine setup: concurrent writers through the real ingestion service."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from reputation.db import begin_read_only, session_scope
from reputation.ingestion import ingest_message
from reputation.models import Message, Suppression, Tenant
from reputation.settings import Settings
from reputation.tenants import create_tenant
from tests.conftest import FixedClock
from tests.reputation.samples import make_dsn

WRITERS = 8


def test_ingest_concurrent_writers_all_stored(
    session_factory: sessionmaker[Session], settings: Settings, clock: FixedClock
) -> None:
    """Eight threads, each with its own session, ingest at once; none fails as locked."""
    with session_scope(session_factory) as session:
        tenant_id = create_tenant(session, name="acme", clock=clock).id
    raws = [make_dsn(f"user{index}@example.org") for index in range(WRITERS)]
    # Every thread reads before it writes, the case a deferred SQLite BEGIN fails on.
    barrier = threading.Barrier(WRITERS)

    def ingest(raw: bytes) -> int:
        barrier.wait()
        with session_scope(session_factory) as session:
            tenant = session.get_one(Tenant, tenant_id)
            result = ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)
            return result.message_id

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        message_ids = list(pool.map(ingest, raws))

    assert len(set(message_ids)) == WRITERS
    with session_scope(session_factory) as session:
        messages = session.scalar(select(func.count(Message.id)))
        suppressed = session.scalars(select(Suppression.address)).all()
    assert messages == WRITERS
    assert sorted(suppressed) == sorted(f"user{index}@example.org" for index in range(WRITERS))


def test_begin_read_only_reader_does_not_block_writer(
    session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    """A reader holding its transaction open leaves the write lock to other sessions."""
    with session_factory() as reader:
        begin_read_only(reader)
        assert reader.scalar(select(func.count(Tenant.id))) == 0

        with session_scope(session_factory) as writer:
            create_tenant(writer, name="acme", clock=clock)

    with session_scope(session_factory) as session:
        assert session.scalar(select(func.count(Tenant.id))) == 1
