"""Alert mail: SMTP settings, authentication against a loopback relay, confirmations."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from reputation.db import session_scope
from reputation.monitoring.alerts import SmtpConfig
from reputation.monitoring.checks import Monitor, ScheduleConfig, deliver_alerts, run_domain_check
from reputation.monitoring.models import CheckTrigger, ListingAlert
from reputation.settings import Settings
from tests.conftest import FixedClock
from tests.reputation.monitoring.conftest import (
    LISTED_IP,
    MONITORED_DOMAIN,
    Listings,
    SmtpSink,
    make_monitored_tenant,
)
from tests.support.rbldnsd import LOOPBACK

USERNAME = "alerts@example.com"
PASSWORD = "relay-pass-7d2e"
LISTING = f"{LISTED_IP} :127.0.0.2:Spam from $\n"
# aiosmtpd warns about AUTH without TLS, which the loopback relay uses on purpose.
AUTH_WITHOUT_TLS = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    is_valid = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USERNAME.encode(),
        PASSWORD.encode(),
    )
    # handled=False, so aiosmtpd itself replies 535 to a failed AUTH.
    return AuthResult(success=is_valid, handled=False)


@pytest.fixture
def auth_smtp_sink() -> Iterator[tuple[SmtpSink, int]]:
    """An aiosmtpd relay on loopback that accepts mail only after AUTH (no TLS)."""
    sink = SmtpSink()
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
    controller = Controller(
        sink,
        hostname=LOOPBACK,
        port=port,
        authenticator=_authenticate,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


def test_smtp_config_from_settings_carries_auth_and_tls() -> None:
    settings = Settings(
        smtp_host="192.0.2.25",
        smtp_port=465,
        smtp_username=USERNAME,
        smtp_password=SecretStr(PASSWORD),
        smtp_tls=True,
    )

    smtp = SmtpConfig.from_settings(settings)

    assert (smtp.host, smtp.port) == ("192.0.2.25", 465)
    assert smtp.username == USERNAME
    assert smtp.password == PASSWORD
    assert smtp.use_tls is True
    assert smtp.start_tls is None
    assert PASSWORD not in repr(smtp)


def test_smtp_config_defaults_send_no_auth() -> None:
    smtp = SmtpConfig.from_settings(Settings())

    assert smtp.username is None
    assert smtp.password is None
    assert smtp.start_tls is None
    assert smtp.use_tls is False


def test_schedule_config_confirmations_from_settings() -> None:
    assert ScheduleConfig.from_settings(Settings()).confirmations == 2
    settings = Settings(dnsbl_listing_confirmations=3)
    assert ScheduleConfig.from_settings(settings).confirmations == 3


async def _check_and_deliver(
    monitor: Monitor, session_factory: sessionmaker[Session], clock: FixedClock, tenant_id: int
) -> None:
    clock.advance(hours=1)
    await run_domain_check(
        monitor,
        session_factory,
        clock,
        tenant_id=tenant_id,
        domain=MONITORED_DOMAIN,
        trigger=CheckTrigger.SCHEDULE,
    )
    with httpx.Client(timeout=5) as http_client:
        await deliver_alerts(monitor.smtp, session_factory, clock, http_client)


@AUTH_WITHOUT_TLS
async def test_alert_mail_authenticates_and_alerts_after_one_confirmation(
    monitor: Monitor,
    listings: Listings,
    auth_smtp_sink: tuple[SmtpSink, int],
    session_factory: sessionmaker[Session],
    clock: FixedClock,
) -> None:
    """With one confirmation the first listed check alerts; the relay requires AUTH."""
    sink, port = auth_smtp_sink
    smtp = SmtpConfig(LOOPBACK, port, "mailrep@example.com", 5, USERNAME, PASSWORD)
    schedule = ScheduleConfig(interval_seconds=60, confirmations=1)
    monitor = replace(monitor, smtp=smtp, schedule=schedule)
    tenant_id = make_monitored_tenant(session_factory, clock)
    listings.set_ip_zone(LISTING)

    await _check_and_deliver(monitor, session_factory, clock, tenant_id)

    assert len(sink.messages) == 1
    assert sink.messages[0]["To"] == "ops@example.com"
    with session_scope(session_factory) as session:
        alert = session.scalars(select(ListingAlert)).one()
        assert alert.email_sent_at == clock.now()
        assert alert.last_error is None


@AUTH_WITHOUT_TLS
async def test_alert_mail_wrong_password_recorded_as_error(
    monitor: Monitor,
    listings: Listings,
    auth_smtp_sink: tuple[SmtpSink, int],
    session_factory: sessionmaker[Session],
    clock: FixedClock,
) -> None:
    sink, port = auth_smtp_sink
    smtp = SmtpConfig(LOOPBACK, port, "mailrep@example.com", 5, USERNAME, "wrong-pass-1")
    schedule = ScheduleConfig(interval_seconds=60, confirmations=1)
    monitor = replace(monitor, smtp=smtp, schedule=schedule)
    tenant_id = make_monitored_tenant(session_factory, clock)
    listings.set_ip_zone(LISTING)

    await _check_and_deliver(monitor, session_factory, clock, tenant_id)

    assert sink.messages == []
    with session_scope(session_factory) as session:
        alert = session.scalars(select(ListingAlert)).one()
        assert alert.email_sent_at is None
        assert alert.email_attempts == 1
        assert alert.last_error is not None
        assert "SMTPAuthenticationError" in alert.last_error
