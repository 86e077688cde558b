"""Check one monitored domain now: DNS lookups, metrics, `record_check`, then alert delivery.

`Monitor` bundles what a check needs from outside (zone catalogue, resolver, SMTP relay,
schedule); `Monitor.from_settings` builds it once per process. Database work runs in a
worker thread, so the event loop keeps serving while a session waits on the database.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
import structlog
from sqlalchemy.orm import Session, sessionmaker

from blacklist_checks import (
    CheckOptions,
    DnsPythonResolver,
    DomainCheck,
    ListingStatus,
    Resolver,
    Zone,
    check_domain,
    enabled_zones,
    load_catalogue,
)
from reputation.clock import Clock
from reputation.db import session_scope
from reputation.metrics import observe_dnsbl_query, record_dnsbl_check_failure
from reputation.models import Tenant
from reputation.monitoring.alerts import EmailSummary, SmtpConfig, send_pending_emails
from reputation.monitoring.domains import get_domain
from reputation.monitoring.models import AlertKind, CheckTrigger
from reputation.monitoring.recording import DEFAULT_CONFIRMATIONS, record_check
from reputation.settings import Settings
from reputation.webhooks import DispatchSummary, deliver_due_webhooks

_log = structlog.get_logger(__name__)


def default_worker_name() -> str:
    """Return `host:pid`, the name a check run records for the process that ran it."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True, slots=True)
class ScheduleConfig:
    """How often domains are checked and how fast the scheduler reacts (seconds).

    `interval_seconds` is raised to the strictest `min_interval_seconds` of the enabled
    zones (see `Monitor.check_interval`). Each domain's next check is pushed back by a
    random share of up to `jitter_fraction` of the interval, so checks spread out.
    """

    interval_seconds: float = 1800.0
    jitter_fraction: float = 0.1
    confirmations: int = DEFAULT_CONFIRMATIONS
    tick_seconds: float = 30.0
    election_seconds: float = 30.0
    max_concurrent_checks: int = 4
    soft_bounce_expiry_seconds: float = 3600.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ScheduleConfig:
        interval = settings.check_interval_minutes * 60.0
        # An election retry of at most a tenth of the interval lets a standby replica take
        # over well within one interval after the leader dies.
        return cls(
            interval_seconds=interval,
            confirmations=settings.dnsbl_listing_confirmations,
            election_seconds=min(30.0, interval / 10),
        )


@dataclass(frozen=True, slots=True)
class Monitor:
    """Everything a domain check takes from outside the database."""

    zones: tuple[Zone, ...]
    resolver: Resolver
    smtp: SmtpConfig
    options: CheckOptions = field(default_factory=CheckOptions)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    worker: str = field(default_factory=default_worker_name)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, schedule: ScheduleConfig | None = None
    ) -> Monitor:
        """Build the monitor from the settings.

        Raises:
            ValueError: no DNS server is configured.
            blacklist_checks.BlacklistCheckError: the zones file or a DNS server is invalid.
        """
        if not settings.dns_servers:
            raise ValueError("no DNS server configured; set MAILREP_DNS_SERVERS to host:port")
        key = settings.spamhaus_dqs_key
        return cls(
            zones=enabled_zones(load_catalogue(settings.dnsbl_zones_file)),
            resolver=DnsPythonResolver(settings.dns_servers),
            smtp=SmtpConfig.from_settings(settings),
            options=CheckOptions(spamhaus_dqs_key=key.get_secret_value() if key else None),
            schedule=schedule or ScheduleConfig.from_settings(settings),
        )

    @property
    def zones_by_name(self) -> dict[str, Zone]:
        return {zone.name: zone for zone in self.zones}

    @property
    def check_interval(self) -> timedelta:
        """The interval between checks of a domain: never shorter than any zone's terms allow."""
        strictest = max((zone.min_interval_seconds for zone in self.zones), default=0)
        return timedelta(seconds=max(self.schedule.interval_seconds, strictest))

    def next_check_at(self, finished_at: datetime) -> datetime:
        """Return when a domain checked at `finished_at` is due again, jitter included."""
        interval = self.check_interval
        jitter = interval * (random.random() * self.schedule.jitter_fraction)
        return finished_at + interval + jitter


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """The findings of one check of a monitored domain and the id of its stored run."""

    run_id: int
    started_at: datetime
    finished_at: datetime
    check: DomainCheck
    alerts: tuple[AlertKind, ...]


async def run_domain_check(
    monitor: Monitor,
    session_factory: sessionmaker[Session],
    clock: Clock,
    *,
    tenant_id: int,
    domain: str,
    trigger: CheckTrigger,
) -> CheckOutcome:
    """Check one monitored domain of a tenant now and record the run.

    Raises:
        reputation.errors.NotFoundError: the tenant does not monitor `domain`.
        InvalidMonitorTargetError: `domain` is not a domain name.
    """
    explicit_ips = await asyncio.to_thread(_explicit_ips, session_factory, tenant_id, domain)
    started_at = clock.now()
    check = await check_domain(
        domain, monitor.zones, monitor.resolver, explicit_ips=explicit_ips, options=monitor.options
    )
    observe_results(check)
    outcome = await asyncio.to_thread(
        _record, monitor, session_factory, clock, tenant_id, domain, check, started_at, trigger
    )
    _log.info(
        "dnsbl_check_recorded",
        domain=domain,
        run_id=outcome.run_id,
        trigger=trigger.value,
        results=len(check.report.results),
        alerts=len(outcome.alerts),
        seconds=round(check.report.duration, 3),
    )
    return outcome


def observe_results(check: DomainCheck) -> None:
    """Count every result of a check in the DNSBL query metrics."""
    for result in check.report.results:
        observe_dnsbl_query(result.zone, result.duration, str(result.status))
        if result.status is ListingStatus.UNKNOWN:
            record_dnsbl_check_failure(result.zone, result.reason)


async def deliver_alerts(
    smtp: SmtpConfig,
    session_factory: sessionmaker[Session],
    clock: Clock,
    http_client: httpx.Client,
    *,
    webhook_max_attempts: int = 8,
    zones: Mapping[str, Zone] | None = None,
) -> tuple[EmailSummary, DispatchSummary]:
    """Send the pending alert emails and post every due webhook of the outbox.

    Pass the monitor's `zones_by_name` as `zones`, so Polish emails show Polish code meanings.
    """
    emails = await send_pending_emails(session_factory, smtp, clock, zones=zones)
    webhooks = await asyncio.to_thread(
        deliver_due_webhooks,
        session_factory,
        http_client,
        clock,
        max_attempts=webhook_max_attempts,
    )
    return emails, webhooks


def _explicit_ips(
    session_factory: sessionmaker[Session], tenant_id: int, domain: str
) -> Sequence[str]:
    with session_scope(session_factory) as session:
        tenant = session.get_one(Tenant, tenant_id)
        monitored = get_domain(session, tenant=tenant, domain=domain)
        return [ip.address for ip in monitored.ips]


def _record(
    monitor: Monitor,
    session_factory: sessionmaker[Session],
    clock: Clock,
    tenant_id: int,
    domain: str,
    check: DomainCheck,
    started_at: datetime,
    trigger: CheckTrigger,
) -> CheckOutcome:
    with session_scope(session_factory) as session:
        tenant = session.get_one(Tenant, tenant_id)
        monitored = get_domain(session, tenant=tenant, domain=domain)
        recorded = record_check(
            session,
            monitored=monitored,
            check=check,
            zones=monitor.zones_by_name,
            started_at=started_at,
            clock=clock,
            trigger=trigger,
            worker=monitor.worker,
            confirmations=monitor.schedule.confirmations,
        )
        monitored.next_check_at = monitor.next_check_at(recorded.run.finished_at)
        return CheckOutcome(
            run_id=recorded.run.id,
            started_at=started_at,
            finished_at=recorded.run.finished_at,
            check=check,
            alerts=tuple(AlertKind(alert.kind) for alert in recorded.alerts),
        )
