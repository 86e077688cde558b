"""Queue listing alerts (webhook and email) with the check, and send the pending emails.

`queue_alert` runs inside the check's transaction: it writes the webhook into the shared
outbox (`reputation.webhooks` signs and delivers it) and an alert row carrying the email
state. `send_pending_emails` sends each unsent alert email through SMTP with aiosmtplib
and records the outcome, so a failed send is retried on the next run until `max_attempts`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import aiosmtplib
import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from blacklist_checks import Zone
from reputation.clock import Clock
from reputation.db import session_scope
from reputation.models import Tenant, WebhookDelivery
from reputation.monitoring.models import AlertKind, ListingAlert, ListingEpisode, MonitoredDomain
from reputation.monitoring.texts import render_alert
from reputation.settings import Settings

#: Webhook event types; the payload's `data` describes the episode.
EVENT_TYPES = {AlertKind.LISTED: "dnsbl.listed", AlertKind.DELISTED: "dnsbl.delisted"}

_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """The SMTP relay for alert emails, the From address, the timeout (s) and security.

    `start_tls` None upgrades with STARTTLS when the relay offers it, True requires it
    and False never sends it. `use_tls` opens TLS on connect instead (port 465).
    Without `username` no AUTH is sent.
    """

    host: str
    port: int
    sender: str
    timeout: float = 10.0
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    start_tls: bool | None = None
    use_tls: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig:
        password = settings.smtp_password
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_from,
            username=settings.smtp_username,
            password=password.get_secret_value() if password else None,
            start_tls=settings.smtp_starttls,
            use_tls=settings.smtp_tls,
        )


@dataclass(frozen=True, slots=True)
class EmailSummary:
    """Outcome of one `send_pending_emails` run."""

    sent: int
    failed: int


@dataclass(frozen=True, slots=True)
class _PendingEmail:
    alert_id: int
    message: EmailMessage


def queue_alert(
    session: Session,
    *,
    tenant: Tenant,
    monitored: MonitoredDomain,
    episode: ListingEpisode,
    kind: AlertKind,
    clock: Clock,
) -> ListingAlert:
    """Write the alert row and, when the tenant has a webhook URL, the outbox row."""
    now = clock.now()
    alert = ListingAlert(
        tenant_id=tenant.id,
        episode=episode,
        kind=kind.value,
        created_at=now,
        email_to=monitored.alert_email,
        email_attempts=0,
    )
    session.add(alert)
    if tenant.webhook_url:
        session.add(
            WebhookDelivery(
                tenant_id=tenant.id,
                event_type=EVENT_TYPES[kind],
                payload=_webhook_payload(tenant, episode, kind, now.isoformat()),
                attempts=0,
                created_at=now,
                next_attempt_at=now,
            )
        )
    _log.info(
        "dnsbl_alert_queued",
        kind=kind.value,
        domain=episode.domain,
        target=episode.target,
        zone=episode.zone,
        tenant_id=tenant.id,
        has_email=monitored.alert_email is not None,
        has_webhook=bool(tenant.webhook_url),
    )
    return alert


def _webhook_payload(
    tenant: Tenant, episode: ListingEpisode, kind: AlertKind, created_at: str
) -> dict[str, object]:
    return {
        "type": EVENT_TYPES[kind],
        "created_at": created_at,
        "tenant": tenant.name,
        "data": {
            "domain": episode.domain,
            "target": episode.target,
            "zone": episode.zone,
            "codes": list(episode.codes),
            "meanings": list(episode.meanings),
            "txt": list(episode.txt),
            "delist_url": episode.delist_url,
            "first_seen": episode.first_seen.isoformat(),
            "confirmed_at": episode.confirmed_at.isoformat() if episode.confirmed_at else None,
            "delisted_at": episode.delisted_at.isoformat() if episode.delisted_at else None,
        },
    }


async def send_pending_emails(
    session_factory: sessionmaker[Session],
    smtp: SmtpConfig,
    clock: Clock,
    *,
    max_attempts: int = 5,
    batch_size: int = 100,
    zones: Mapping[str, Zone] | None = None,
) -> EmailSummary:
    """Send every unsent alert email once and record each outcome.

    `zones` (zone name to catalogue entry) gives Polish alerts their Polish code meanings.
    Without it they quote the English ones stored on the episode.
    SMTP and connection errors (`aiosmtplib.SMTPException`, `OSError`) are recorded on
    the alert row and logged, not raised.
    """
    pending = await asyncio.to_thread(
        _load_pending, session_factory, smtp, clock, max_attempts, batch_size, zones
    )
    sent = failed = 0
    for item in pending:
        error = await _send(item.message, smtp)
        await asyncio.to_thread(_record_outcome, session_factory, item.alert_id, error, clock)
        if error is None:
            sent += 1
            continue
        failed += 1
        _log.warning("dnsbl_alert_email_failed", alert_id=item.alert_id, error=error)
    return EmailSummary(sent=sent, failed=failed)


def _load_pending(
    session_factory: sessionmaker[Session],
    smtp: SmtpConfig,
    clock: Clock,
    max_attempts: int,
    batch_size: int,
    zones: Mapping[str, Zone] | None,
) -> list[_PendingEmail]:
    query = (
        select(ListingAlert, Tenant)
        .join(Tenant, Tenant.id == ListingAlert.tenant_id)
        .where(
            ListingAlert.email_sent_at.is_(None),
            ListingAlert.email_to.is_not(None),
            ListingAlert.email_attempts < max_attempts,
        )
        .order_by(ListingAlert.id)
        .limit(batch_size)
    )
    with session_scope(session_factory) as session:
        rows = session.execute(query).all()
        return [
            _PendingEmail(alert.id, _build_message(alert, tenant, smtp, clock, zones))
            for alert, tenant in rows
        ]


def _build_message(
    alert: ListingAlert,
    tenant: Tenant,
    smtp: SmtpConfig,
    clock: Clock,
    zones: Mapping[str, Zone] | None,
) -> EmailMessage:
    text = render_alert(AlertKind(alert.kind), tenant.language, alert.episode, zones)
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = alert.email_to or ""
    message["Subject"] = text.subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain=smtp.sender.rpartition("@")[2] or None)
    message.set_content(text.body)
    # After set_content, which replaces every Content-* header.
    message["Content-Language"] = tenant.language
    return message


async def _send(message: EmailMessage, smtp: SmtpConfig) -> str | None:
    """Send one message; return None on success, else a short error text."""
    try:
        await aiosmtplib.send(
            message,
            hostname=smtp.host,
            port=smtp.port,
            timeout=smtp.timeout,
            username=smtp.username,
            password=smtp.password,
            start_tls=smtp.start_tls,
            use_tls=smtp.use_tls,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _record_outcome(
    session_factory: sessionmaker[Session], alert_id: int, error: str | None, clock: Clock
) -> None:
    with session_scope(session_factory) as session:
        alert = session.get(ListingAlert, alert_id)
        if alert is None:
            return
        alert.email_attempts += 1
        if error is None:
            alert.email_sent_at = clock.now()
            alert.last_error = None
            return
        alert.last_error = error[:1000]
