"""The periodic DNSBL checks: an APScheduler `AsyncIOScheduler` inside the serving process.

Without DNS servers (`MAILREP_DNS_SERVERS`) no domain is checked, but the leader still
delivers alert emails and every webhook of the shared outbox.

Two jobs run in every replica. Every `election_seconds`, `elect` takes the leader lock
or confirms that it still holds it. Every `tick_seconds`, `tick` runs in the leader only:
it checks each monitored domain whose `next_check_at` has passed, stores a reputation
snapshot of each domain checked, then delivers pending alert emails and webhooks. Every
`soft_bounce_expiry_seconds` (an hour by default), `expire_soft_bounces` runs in the
leader only and deletes soft-bounce days that fell out of the soft-bounce window. All
logic lives in `reputation.monitoring.checks`, `reputation.scoring.service` and
`reputation.suppression_writer`; the jobs only bind a `job_run_id`, call it, and log one
summary line.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime

import httpx
import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import Engine, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from blacklist_checks import BlacklistCheckError
from reputation.clock import Clock
from reputation.db import session_scope
from reputation.errors import ReputationError
from reputation.monitoring.alerts import SmtpConfig
from reputation.monitoring.checks import (
    Monitor,
    ScheduleConfig,
    default_worker_name,
    deliver_alerts,
    run_domain_check,
)
from reputation.monitoring.leader import LeaderLease
from reputation.monitoring.models import CheckTrigger, MonitoredDomain
from reputation.scoring.inputs import zone_weights
from reputation.scoring.service import ScoringSetup, score_after_check
from reputation.settings import Settings
from reputation.suppression_writer import expire_soft_bounce_days

#: Domains checked per tick at most; the rest wait for the next tick.
MAX_DOMAINS_PER_TICK = 500

_log = structlog.get_logger(__name__)


class MonitorScheduler:
    """Runs the election, check and soft-bounce expiry jobs of one process until `shutdown`."""

    def __init__(
        self,
        monitor: Monitor | None,
        engine: Engine,
        session_factory: sessionmaker[Session],
        clock: Clock,
        *,
        smtp: SmtpConfig | None = None,
        schedule: ScheduleConfig | None = None,
        webhook_timeout: float = 10.0,
        webhook_max_attempts: int = 8,
        soft_bounce_window_days: int = 30,
    ) -> None:
        """Prepare the jobs; `smtp` and `schedule` default to the monitor's.

        Raises:
            ValueError: `monitor` is None and `smtp` or `schedule` is missing.
        """
        if monitor is not None:
            smtp = smtp or monitor.smtp
            schedule = schedule or monitor.schedule
        if smtp is None or schedule is None:
            raise ValueError("a scheduler without a monitor needs smtp and schedule")
        self.monitor = monitor
        self.smtp = smtp
        self.schedule = schedule
        self.worker = monitor.worker if monitor is not None else default_worker_name()
        self.lease = LeaderLease(engine)
        self._session_factory = session_factory
        self._clock = clock
        self._http = httpx.Client(timeout=webhook_timeout)
        self._webhook_max_attempts = webhook_max_attempts
        self._soft_bounce_window_days = soft_bounce_window_days
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        # Held while a tick runs, so `shutdown` can wait for it to finish.
        self._ticking = asyncio.Lock()

    def start(self) -> None:
        """Add the jobs and start; call from inside the running event loop."""
        schedule = self.schedule
        now = datetime.now(UTC)
        for job, seconds in (
            (self.elect, schedule.election_seconds),
            (self.tick, schedule.tick_seconds),
            (self.expire_soft_bounces, schedule.soft_bounce_expiry_seconds),
        ):
            self._scheduler.add_job(
                job,
                "interval",
                seconds=seconds,
                next_run_time=now,
                max_instances=1,
                coalesce=True,
                id=f"monitor_{job.__name__}",
            )
        self._scheduler.start()
        _log.info(
            "monitor_scheduler_started",
            worker=self.worker,
            checks_enabled=self.monitor is not None,
            interval_seconds=self.monitor.check_interval.total_seconds() if self.monitor else None,
            zones=len(self.monitor.zones) if self.monitor else 0,
        )

    async def shutdown(self) -> None:
        """Stop the jobs, give up leadership and close the webhook client."""
        # Tests run a job once without `start`, then shut down the same way.
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        async with self._ticking:
            await asyncio.to_thread(self.lease.release)
        self._http.close()
        _log.info("monitor_scheduler_stopped", worker=self.worker)

    async def elect(self) -> None:
        """Try to become (or stay) the leader."""
        await asyncio.to_thread(self.lease.try_acquire)

    async def tick(self) -> None:
        """In the leader, check every due domain, then deliver pending alerts."""
        if not self.lease.is_leader and not await asyncio.to_thread(self.lease.try_acquire):
            return
        async with self._ticking:
            try:
                await self._run_tick()
            except SQLAlchemyError as exc:
                # The database is unreachable or failing; the next tick tries again.
                _log.error("monitor_tick_failed", error=repr(exc))

    async def expire_soft_bounces(self) -> None:
        """In the leader, delete the soft-bounce days older than the soft-bounce window."""
        if not self.lease.is_leader and not await asyncio.to_thread(self.lease.try_acquire):
            return
        with structlog.contextvars.bound_contextvars(job_run_id=uuid.uuid4().hex[:16]):
            started = time.perf_counter()
            try:
                removed = await asyncio.to_thread(self._expire_soft_bounce_days)
            except SQLAlchemyError as exc:
                # The database is unreachable or failing; the next run tries again.
                _log.error("soft_bounce_expiry_failed", error=repr(exc))
                return
            _log.info(
                "soft_bounce_days_expired",
                removed=removed,
                window_days=self._soft_bounce_window_days,
                seconds=round(time.perf_counter() - started, 3),
            )

    def _expire_soft_bounce_days(self) -> int:
        with session_scope(self._session_factory) as session:
            return expire_soft_bounce_days(
                session, clock=self._clock, window_days=self._soft_bounce_window_days
            )

    async def _run_tick(self) -> None:
        with structlog.contextvars.bound_contextvars(job_run_id=uuid.uuid4().hex[:16]):
            due = await asyncio.to_thread(self._due_domains) if self.monitor else []
            semaphore = asyncio.Semaphore(self.schedule.max_concurrent_checks)
            results = await asyncio.gather(
                *(self._check(semaphore, tenant_id, domain) for tenant_id, domain in due)
            )
            outcomes = [checked for checked, _ in results]
            snapshots = [stored for _, stored in results]
            emails, webhooks = await deliver_alerts(
                self.smtp,
                self._session_factory,
                self._clock,
                self._http,
                webhook_max_attempts=self._webhook_max_attempts,
                zones=self.monitor.zones_by_name if self.monitor else None,
            )
            if due or emails.sent or emails.failed or webhooks.delivered or webhooks.failed:
                _log.info(
                    "monitor_tick_done",
                    checked=sum(outcomes),
                    failed=len(outcomes) - sum(outcomes),
                    snapshots_failed=sum(outcome is False for outcome in snapshots),
                    emails_sent=emails.sent,
                    emails_failed=emails.failed,
                    webhooks_delivered=webhooks.delivered,
                    webhooks_failed=webhooks.failed,
                )

    async def _check(
        self, semaphore: asyncio.Semaphore, tenant_id: int, domain: str
    ) -> tuple[bool, bool | None]:
        """Check one domain; return whether the check and its snapshot (None: not tried) worked."""
        assert self.monitor is not None, "domains are only due when checks are enabled"
        async with semaphore:
            try:
                await run_domain_check(
                    self.monitor,
                    self._session_factory,
                    self._clock,
                    tenant_id=tenant_id,
                    domain=domain,
                    trigger=CheckTrigger.SCHEDULE,
                )
            except (ReputationError, SQLAlchemyError, BlacklistCheckError, ValueError) as exc:
                _log.error(
                    "dnsbl_check_failed", domain=domain, tenant_id=tenant_id, error=repr(exc)
                )
                # Postponed by a whole interval, so a failing domain is not retried every tick.
                await asyncio.to_thread(self._postpone, tenant_id, domain)
                return False, None
            return True, await self._store_snapshot(tenant_id, domain)

    async def _store_snapshot(self, tenant_id: int, domain: str) -> bool:
        assert self.monitor is not None, "domains are only checked when checks are enabled"
        setup = ScoringSetup(zone_weights(self.monitor.zones), self.monitor.resolver)
        try:
            await asyncio.to_thread(
                score_after_check,
                self._session_factory,
                tenant_id=tenant_id,
                domain=domain,
                setup=setup,
                clock=self._clock,
            )
        # The check itself is stored; a failed snapshot only leaves a gap in the history,
        # so any error is logged and counted rather than ending the tick.
        except Exception as exc:
            _log.error(
                "reputation_snapshot_failed", domain=domain, tenant_id=tenant_id, error=repr(exc)
            )
            return False
        return True

    def _due_domains(self) -> list[tuple[int, str]]:
        # NOTE: two tenants monitoring the same domain get separate checks, so its DNS
        # queries are sent twice per interval.
        now = self._clock.now()
        query = (
            select(MonitoredDomain.tenant_id, MonitoredDomain.domain)
            .where(
                or_(MonitoredDomain.next_check_at.is_(None), MonitoredDomain.next_check_at <= now)
            )
            .order_by(MonitoredDomain.next_check_at.nulls_first(), MonitoredDomain.id)
            .limit(MAX_DOMAINS_PER_TICK)
        )
        with session_scope(self._session_factory) as session:
            return [(row.tenant_id, row.domain) for row in session.execute(query)]

    def _postpone(self, tenant_id: int, domain: str) -> None:
        assert self.monitor is not None, "domains are only checked when checks are enabled"
        try:
            with session_scope(self._session_factory) as session:
                session.execute(
                    update(MonitoredDomain)
                    .where(MonitoredDomain.tenant_id == tenant_id, MonitoredDomain.domain == domain)
                    .values(next_check_at=self.monitor.next_check_at(self._clock.now()))
                )
        except SQLAlchemyError as exc:
            _log.error("dnsbl_check_postpone_failed", domain=domain, error=repr(exc))


def start_monitor_scheduler(
    settings: Settings, engine: Engine, session_factory: sessionmaker[Session], clock: Clock
) -> MonitorScheduler:
    """Start the scheduler of a serving process; without DNS servers it only delivers alerts.

    Raises:
        blacklist_checks.BlacklistCheckError: the zones file or a DNS server is invalid.
    """
    monitor = Monitor.from_settings(settings) if settings.dns_servers else None
    if monitor is None:
        _log.warning("monitor_checks_disabled", reason="MAILREP_DNS_SERVERS is not set")
    scheduler = MonitorScheduler(
        monitor,
        engine,
        session_factory,
        clock,
        smtp=SmtpConfig.from_settings(settings),
        schedule=ScheduleConfig.from_settings(settings),
        webhook_timeout=settings.webhook_timeout_seconds,
        webhook_max_attempts=settings.webhook_max_attempts,
        soft_bounce_window_days=settings.soft_bounce_window_days,
    )
    scheduler.start()
    return scheduler
