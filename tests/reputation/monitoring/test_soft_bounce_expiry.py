"""The scheduler's soft-bounce expiry job: old days go, days in the window stay."""

from __future__ import annotations

import asyncio
import secrets
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from structlog.testing import capture_logs

from reputation.db import session_scope
from reputation.models import SoftBounceDay
from reputation.monitoring.alerts import SmtpConfig
from reputation.monitoring.checks import ScheduleConfig
from reputation.monitoring.leader import LeaderLease
from reputation.monitoring.scheduler import MonitorScheduler
from reputation.tenants import create_tenant
from tests.conftest import FixedClock

WINDOW_DAYS = 30


def _scheduler(
    engine: Engine,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    *,
    expiry_seconds: float = 3600.0,
    lock_key: int | None = None,
) -> MonitorScheduler:
    scheduler = MonitorScheduler(
        None,
        engine,
        session_factory,
        clock,
        # Nothing is sent: no alert or webhook is pending in these tests.
        smtp=SmtpConfig("127.0.0.1", 25, "mailrep@example.com"),
        schedule=ScheduleConfig(
            tick_seconds=3600, election_seconds=0.05, soft_bounce_expiry_seconds=expiry_seconds
        ),
        soft_bounce_window_days=WINDOW_DAYS,
    )
    # A lock key of its own, so parallel runs on one PostgreSQL server do not compete.
    scheduler.lease = LeaderLease(engine, key=lock_key or secrets.randbits(63))
    return scheduler


def _add_days(session_factory: sessionmaker[Session], clock: FixedClock, ages: list[int]) -> None:
    today = clock.now().date()
    with session_scope(session_factory) as session:
        tenant = create_tenant(session, name="acme", clock=clock)
        for age in ages:
            day = today - timedelta(days=age)
            session.add(SoftBounceDay(tenant_id=tenant.id, address="jan@example.org", day=day))


def _stored_days(session_factory: sessionmaker[Session]) -> list[date]:
    with session_scope(session_factory) as session:
        return list(session.scalars(select(SoftBounceDay.day).order_by(SoftBounceDay.day)))


async def test_expire_soft_bounces_deletes_days_outside_window(
    engine: Engine, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    _add_days(session_factory, clock, [0, WINDOW_DAYS - 1, WINDOW_DAYS, WINDOW_DAYS + 5])
    scheduler = _scheduler(engine, session_factory, clock)

    with capture_logs() as logs:
        await scheduler.expire_soft_bounces()
    await asyncio.to_thread(scheduler.lease.release)

    today = clock.now().date()
    assert _stored_days(session_factory) == [today - timedelta(days=WINDOW_DAYS - 1), today]
    summary = [entry for entry in logs if entry["event"] == "soft_bounce_days_expired"]
    assert len(summary) == 1
    assert summary[0]["removed"] == 2
    assert summary[0]["window_days"] == WINDOW_DAYS


async def test_scheduler_runs_soft_bounce_expiry_job(
    engine: Engine, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    _add_days(session_factory, clock, [1, WINDOW_DAYS + 1])
    scheduler = _scheduler(engine, session_factory, clock, expiry_seconds=0.05)

    scheduler.start()
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(_stored_days(session_factory)) > 1:
            await asyncio.sleep(0.05)
    finally:
        await scheduler.shutdown()

    assert _stored_days(session_factory) == [clock.now().date() - timedelta(days=1)]


async def test_expire_soft_bounces_skipped_when_not_leader(
    engine: Engine, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("on SQLite the one process is always the leader")
    _add_days(session_factory, clock, [WINDOW_DAYS + 1])
    lock_key = secrets.randbits(63)
    scheduler = _scheduler(engine, session_factory, clock, lock_key=lock_key)
    leader = LeaderLease(engine, key=lock_key)
    assert await asyncio.to_thread(leader.try_acquire)

    try:
        await scheduler.expire_soft_bounces()
    finally:
        await asyncio.to_thread(leader.release)

    assert len(_stored_days(session_factory)) == 1
