"""The scheduler: due domains are checked once per interval, and one replica leads.

The election test runs two real scheduler processes against PostgreSQL, kills the
leader with SIGKILL and measures how long the standby takes to run the next check.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import structlog.testing
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from blacklist_checks import ListType, Zone, ZoneKind
from reputation.db import (
    create_db_engine,
    create_session_factory,
    session_scope,
    upgrade_database,
)
from reputation.models import WebhookDelivery
from reputation.monitoring import scheduler as scheduler_module
from reputation.monitoring.alerts import SmtpConfig
from reputation.monitoring.checks import Monitor, ScheduleConfig
from reputation.monitoring.leader import LeaderLease
from reputation.monitoring.models import CheckRun
from reputation.monitoring.scheduler import MonitorScheduler
from reputation.scoring.models import ReputationSnapshot
from tests.conftest import FixedClock, create_postgres_database, drop_postgres_database
from tests.reputation.monitoring.conftest import (
    LISTED_IP,
    MONITORED_DOMAIN,
    Listings,
    SmtpSink,
    WebhookReceiver,
    make_monitored_tenant,
)
from tests.support.rbldnsd import RbldnsdServer

REPO_ROOT = Path(__file__).resolve().parents[3]
ZONES_TOML = """\
[[zone]]
name = "mon.test"
kind = "ip"
list_type = "blocklist"
lists = "test IP blocklist"
test_listed = "127.0.0.2"
test_not_listed = "127.0.0.1"
[zone.codes]
"127.0.0.2" = "spam source"
"""
#: Test-sized schedule of the election test (seconds).
INTERVAL = 1.0
TICK = 0.1
ELECTION = 0.2


def _runs(session_factory: sessionmaker[Session]) -> list[CheckRun]:
    with session_scope(session_factory) as session:
        return list(session.scalars(select(CheckRun).order_by(CheckRun.started_at)))


async def _wait_for_runs(
    session_factory: sessionmaker[Session], count: int, timeout: float = 5.0
) -> list[CheckRun]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = await asyncio.to_thread(_runs, session_factory)
        if len(runs) >= count:
            return runs
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} check runs after {timeout} s")


def _fast(monitor: Monitor) -> Monitor:
    schedule = ScheduleConfig(interval_seconds=60, tick_seconds=0.05, election_seconds=0.05)
    return replace(monitor, schedule=schedule)


async def test_scheduler_checks_due_domain_once_per_interval(
    monitor: Monitor,
    engine: Engine,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    listings: Listings,
) -> None:
    make_monitored_tenant(session_factory, clock, alert_email=None)
    scheduler = MonitorScheduler(_fast(monitor), engine, session_factory, clock)
    scheduler.start()
    try:
        first = await _wait_for_runs(session_factory, 1)
        # The test clock does not move, so the domain is not due again however often ticks run.
        await asyncio.sleep(0.5)
        unchanged = await asyncio.to_thread(_runs, session_factory)
        clock.advance(seconds=scheduler.monitor.check_interval.total_seconds() * 1.2)
        second = await _wait_for_runs(session_factory, 2)
    finally:
        await scheduler.shutdown()

    assert len(first) == 1
    assert len(unchanged) == 1
    assert [run.trigger for run in second] == ["schedule", "schedule"]
    assert second[1].started_at > second[0].started_at


async def test_scheduler_tick_alert_mail_in_polish(
    monitor: Monitor,
    engine: Engine,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    listings: Listings,
    smtp_sink: tuple[SmtpSink, int],
) -> None:
    """The tick delivers alerts with the monitor's catalogue, so the meaning is Polish."""
    sink, _ = smtp_sink
    schedule = ScheduleConfig(interval_seconds=60, confirmations=1, tick_seconds=0.05)
    make_monitored_tenant(session_factory, clock, language="pl")
    listings.set_ip_zone(f"{LISTED_IP} :127.0.0.2:Spam from $\n")
    scheduler = MonitorScheduler(
        replace(monitor, schedule=schedule), engine, session_factory, clock
    )
    try:
        await scheduler.tick()
    finally:
        await scheduler.shutdown()

    assert len(sink.messages) == 1
    assert "Znaczenie kodu:      źródło spamu" in sink.messages[0].get_content()


def test_check_interval_never_below_strictest_zone(monitor: Monitor) -> None:
    strict = Zone(
        name="strict.test",
        kind=ZoneKind.IP,
        list_type=ListType.BLOCKLIST,
        lists="zone asking for 15 minutes between queries",
        min_interval_seconds=900,
    )
    fast = replace(monitor, schedule=ScheduleConfig(interval_seconds=60))
    slow = replace(monitor, schedule=ScheduleConfig(interval_seconds=3600))

    assert replace(fast, zones=(*monitor.zones, strict)).check_interval.total_seconds() == 900
    assert replace(slow, zones=(*monitor.zones, strict)).check_interval.total_seconds() == 3600
    assert fast.check_interval.total_seconds() == 60


def test_next_check_at_jitter_stays_within_fraction(monitor: Monitor, clock: FixedClock) -> None:
    jittered = replace(monitor, schedule=ScheduleConfig(interval_seconds=1000, jitter_fraction=0.1))

    delays = {
        (jittered.next_check_at(clock.now()) - clock.now()).total_seconds() for _ in range(50)
    }

    assert min(delays) >= 1000
    assert max(delays) <= 1100
    assert len(delays) > 1


def test_leader_lease_one_holder_on_postgresql(engine: Engine) -> None:
    first = LeaderLease(engine, key=4242)
    second = LeaderLease(engine, key=4242)
    try:
        first_won = first.try_acquire()
        second_won = second.try_acquire()
        first_still = first.try_acquire()
        first.release()
        second_after_release = second.try_acquire()
    finally:
        first.release()
        second.release()

    assert first_won is True
    assert first_still is True
    if engine.dialect.name == "sqlite":
        # One process owns a SQLite file, so every caller leads.
        assert second_won is True
        return
    assert second_won is False
    assert second_after_release is True


@pytest.fixture
def election_database() -> Iterator[str]:
    url = create_postgres_database()
    try:
        upgrade_database(url)
        yield url
    finally:
        drop_postgres_database(url)


def _start_runner(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "tests.reputation.monitoring.scheduler_runner"]
    command += ["--interval", str(INTERVAL), "--tick", str(TICK), "--election", str(ELECTION)]
    with log.open("wb") as output:
        return subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )


def _worker_pids(runs: list[CheckRun]) -> set[int]:
    return {int(run.worker.rpartition(":")[2]) for run in runs}


async def test_election_one_leader_and_takeover_after_sigkill(
    election_database: str,
    _rbldnsd: tuple[RbldnsdServer, Path],
    listings: Listings,
    clock: FixedClock,
    tmp_path: Path,
) -> None:
    server, _ = _rbldnsd
    zones_file = tmp_path / "zones.toml"
    zones_file.write_text(ZONES_TOML, encoding="utf-8")
    engine = create_db_engine(election_database)
    session_factory = create_session_factory(engine)
    make_monitored_tenant(session_factory, clock, alert_email=None)
    env = {
        **os.environ,
        "MAILREP_DATABASE_URL": election_database,
        "MAILREP_DNS_SERVERS": server.address,
        "MAILREP_DNSBL_ZONES_FILE": str(zones_file),
        "MAILREP_DATA_DIR": str(tmp_path / "data"),
    }
    first = _start_runner(env, tmp_path / "first.log")
    second: subprocess.Popen[bytes] | None = None
    try:
        await _wait_for_runs(session_factory, 1, timeout=20)
        second = _start_runner(env, tmp_path / "second.log")
        # Both run for several intervals; only the leader may check.
        await asyncio.sleep(4 * INTERVAL)
        both_alive = await asyncio.to_thread(_runs, session_factory)

        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at = time.time()
        deadline = time.monotonic() + 10
        taken_over: list[CheckRun] = []
        while time.monotonic() < deadline and not taken_over:
            runs = await asyncio.to_thread(_runs, session_factory)
            taken_over = [run for run in runs if run.worker.endswith(f":{second.pid}")]
            await asyncio.sleep(0.05)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
        engine.dispose()

    logs = (tmp_path / "first.log").read_text() + (tmp_path / "second.log").read_text()
    assert _worker_pids(both_alive) == {first.pid}, logs
    # A check every INTERVAL: over four intervals one leader makes about five runs, and
    # two schedulers both checking would make about ten.
    assert 2 <= len(both_alive) <= 6, logs
    assert taken_over, logs
    takeover_delay = taken_over[0].started_at.timestamp() - killed_at
    assert takeover_delay <= INTERVAL + ELECTION + TICK + 0.5, logs


async def test_scheduler_without_dns_still_delivers_webhooks(
    engine: Engine,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    webhook_receiver: WebhookReceiver,
    smtp_sink: tuple[SmtpSink, int],
) -> None:
    tenant_id = make_monitored_tenant(session_factory, clock, webhook_url=webhook_receiver.url)
    with session_scope(session_factory) as session:
        session.add(
            WebhookDelivery(
                tenant_id=tenant_id,
                event_type="contact.suppressed",
                payload={"type": "contact.suppressed"},
                attempts=0,
                created_at=clock.now(),
                next_attempt_at=clock.now(),
            )
        )
    scheduler = MonitorScheduler(
        None,
        engine,
        session_factory,
        clock,
        smtp=SmtpConfig("127.0.0.1", smtp_sink[1], "mailrep@example.com"),
        schedule=ScheduleConfig(tick_seconds=0.05, election_seconds=0.05),
    )
    scheduler.start()
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not webhook_receiver.requests:
            await asyncio.sleep(0.05)
    finally:
        await scheduler.shutdown()

    assert webhook_receiver.payloads() == [{"type": "contact.suppressed"}]
    assert _runs(session_factory) == []


def _snapshot_targets(session_factory: sessionmaker[Session]) -> list[str]:
    with session_scope(session_factory) as session:
        return list(session.scalars(select(ReputationSnapshot.target)))


async def test_scheduler_tick_stores_reputation_snapshot(
    monitor: Monitor,
    engine: Engine,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    listings: Listings,
) -> None:
    make_monitored_tenant(session_factory, clock, alert_email=None)
    scheduler = MonitorScheduler(_fast(monitor), engine, session_factory, clock)
    try:
        await scheduler.tick()
    finally:
        await scheduler.shutdown()

    assert len(await asyncio.to_thread(_runs, session_factory)) == 1
    assert MONITORED_DOMAIN in await asyncio.to_thread(_snapshot_targets, session_factory)


async def test_scheduler_tick_snapshot_failure_keeps_check(
    monitor: Monitor,
    engine: Engine,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    listings: Listings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A failing snapshot is logged and counted; the check it follows is kept."""

    def fail(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("scoring failed")

    monkeypatch.setattr(scheduler_module, "score_after_check", fail)
    make_monitored_tenant(session_factory, clock, alert_email=None)
    scheduler = MonitorScheduler(_fast(monitor), engine, session_factory, clock)
    try:
        with structlog.testing.capture_logs() as logs:
            await scheduler.tick()
    finally:
        await scheduler.shutdown()

    assert len(await asyncio.to_thread(_runs, session_factory)) == 1
    assert await asyncio.to_thread(_snapshot_targets, session_factory) == []
    events = {entry["event"]: entry for entry in logs}
    assert "reputation_snapshot_failed" in events
    assert events["monitor_tick_done"]["snapshots_failed"] == 1
    assert events["monitor_tick_done"]["checked"] == 1
