"""Checks of a monitored domain against a live rbldnsd: runs, episodes, alert mail, webhooks."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from blacklist_checks import DnsPythonResolver
from reputation.db import session_scope
from reputation.errors import NotFoundError
from reputation.monitoring.checks import CheckOutcome, Monitor, deliver_alerts, run_domain_check
from reputation.monitoring.models import (
    AlertKind,
    CheckResult,
    CheckRun,
    CheckTrigger,
    ListingAlert,
    ListingEpisode,
    MonitoredDomain,
)
from tests.conftest import FixedClock
from tests.reputation.monitoring.conftest import (
    LISTED_IP,
    MONITORED_DOMAIN,
    SPF_IP,
    WEBHOOK_SECRET,
    Listings,
    SmtpSink,
    WebhookReceiver,
    make_monitored_tenant,
)
from tests.support.rbldnsd import SilentServer

LISTING = f"{LISTED_IP} :127.0.0.2:Spam from $, see https://mon.test/removal\n"


@pytest.fixture
def http_client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as client:
        yield client


class Scenario:
    """One tenant's domain checked again and again, the clock moving an hour each time."""

    def __init__(
        self,
        monitor: Monitor,
        session_factory: sessionmaker[Session],
        clock: FixedClock,
        http_client: httpx.Client,
        tenant_id: int,
    ) -> None:
        self.monitor = monitor
        self.session_factory = session_factory
        self.clock = clock
        self.http_client = http_client
        self.tenant_id = tenant_id

    async def check(self, monitor: Monitor | None = None) -> CheckOutcome:
        """Check the domain with `monitor` (default the scenario's), then deliver alerts."""
        monitor = monitor or self.monitor
        self.clock.advance(hours=1)
        outcome = await run_domain_check(
            monitor,
            self.session_factory,
            self.clock,
            tenant_id=self.tenant_id,
            domain=MONITORED_DOMAIN,
            trigger=CheckTrigger.SCHEDULE,
        )
        await deliver_alerts(
            monitor.smtp,
            self.session_factory,
            self.clock,
            self.http_client,
            zones=monitor.zones_by_name,
        )
        return outcome

    def episodes(self) -> list[ListingEpisode]:
        with session_scope(self.session_factory) as session:
            query = select(ListingEpisode).order_by(ListingEpisode.id)
            return list(session.scalars(query))


@pytest.fixture
def scenario(
    monitor: Monitor,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    http_client: httpx.Client,
    webhook_receiver: WebhookReceiver,
) -> Scenario:
    tenant_id = make_monitored_tenant(
        session_factory, clock, language="pl", webhook_url=webhook_receiver.url
    )
    return Scenario(monitor, session_factory, clock, http_client, tenant_id)


async def test_check_stores_run_results_and_spf_ips(scenario: Scenario, listings: Listings) -> None:
    outcome = await scenario.check()

    with session_scope(scenario.session_factory) as session:
        run = session.get_one(CheckRun, outcome.run_id)
        results = list(session.scalars(select(CheckResult).where(CheckResult.run_id == run.id)))
        monitored = session.scalars(select(MonitoredDomain)).one()
        assert run.worker == "test-worker"
        assert run.trigger == "schedule"
        assert run.listed == 0
        assert run.not_listed == len(results) == 3
        assert run.unknown == 0
        assert {(item.target, item.zone) for item in results} == {
            (LISTED_IP, "mon.test"),
            (SPF_IP, "mon.test"),
            (MONITORED_DOMAIN, "dmon.test"),
        }
        assert {item["address"]: item["sources"][0] for item in run.sending_ips} == {
            LISTED_IP: "explicit",
            SPF_IP: run.sending_ips[1]["sources"][0],
        }
        assert run.sending_ips[1]["sources"][0].startswith("spf")
        assert monitored.last_checked_at == scenario.clock.now()
        assert monitored.next_check_at is not None
        assert monitored.next_check_at >= scenario.clock.now() + scenario.monitor.check_interval


async def test_listing_alerts_after_second_check_once(
    scenario: Scenario,
    listings: Listings,
    smtp_sink: tuple[SmtpSink, int],
    webhook_receiver: WebhookReceiver,
) -> None:
    sink, _ = smtp_sink
    listings.set_ip_zone(LISTING)

    first = await scenario.check()
    assert first.alerts == ()
    assert sink.messages == []
    assert webhook_receiver.requests == []
    assert scenario.episodes()[0].confirmed_at is None

    second = await scenario.check()
    assert second.alerts == (AlertKind.LISTED,)
    assert len(sink.messages) == 1
    assert len(webhook_receiver.requests) == 1

    third = await scenario.check()
    assert third.alerts == ()
    assert len(sink.messages) == 1
    assert len(webhook_receiver.requests) == 1

    episodes = scenario.episodes()
    assert len(episodes) == 1
    assert episodes[0].listed_checks == 3
    assert episodes[0].last_seen == scenario.clock.now()
    assert episodes[0].first_seen < episodes[0].confirmed_at  # type: ignore[operator]


async def test_delisting_alerts_once(
    scenario: Scenario,
    listings: Listings,
    smtp_sink: tuple[SmtpSink, int],
    webhook_receiver: WebhookReceiver,
) -> None:
    sink, _ = smtp_sink
    listings.set_ip_zone(LISTING)
    await scenario.check()
    await scenario.check()

    listings.set_ip_zone("")
    delisted = await scenario.check()
    delisted_time = scenario.clock.now()
    later = await scenario.check()

    assert delisted.alerts == (AlertKind.DELISTED,)
    assert later.alerts == ()
    assert [message["Subject"] for message in sink.messages] == [
        f"[mailrep] {LISTED_IP} na liście blokującej mon.test ({MONITORED_DOMAIN})",
        f"[mailrep] Koniec wpisu {LISTED_IP} na liście blokującej mon.test ({MONITORED_DOMAIN})",
    ]
    assert [payload["type"] for payload in webhook_receiver.payloads()] == [
        "dnsbl.listed",
        "dnsbl.delisted",
    ]
    assert scenario.episodes()[0].delisted_at == delisted_time


async def test_listed_alert_mail_polish_text(
    scenario: Scenario, listings: Listings, smtp_sink: tuple[SmtpSink, int]
) -> None:
    sink, _ = smtp_sink
    listings.set_ip_zone(LISTING)
    await scenario.check()
    await scenario.check()

    message = sink.messages[0]
    body = message.get_content()
    assert message["To"] == "ops@example.com"
    assert message["From"] == "mailrep@example.com"
    assert message["Content-Language"] == "pl"
    assert f"Adres IP {LISTED_IP} (domena nadawcza {MONITORED_DOMAIN})" in body
    assert "jest na liście blokującej DNS mon.test" in body
    assert "Na liście od:        2026-03-02 10:30 UTC" in body
    assert "Kod odpowiedzi:      127.0.0.2" in body
    assert "Znaczenie kodu:      źródło spamu" in body
    assert f"Spam from {LISTED_IP}, see https://mon.test/removal" in body
    assert "Strona usunięcia:    https://mon.test/removal" in body


async def test_listed_alert_mail_english_text(
    monitor: Monitor,
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    http_client: httpx.Client,
    listings: Listings,
    smtp_sink: tuple[SmtpSink, int],
) -> None:
    sink, _ = smtp_sink
    tenant_id = make_monitored_tenant(session_factory, clock, language="en")
    scenario = Scenario(monitor, session_factory, clock, http_client, tenant_id)
    listings.set_ip_zone(LISTING)
    await scenario.check()
    await scenario.check()
    listings.set_ip_zone("")
    await scenario.check()

    listed, delisted = sink.messages
    assert listed["Subject"] == (
        f"[mailrep] {LISTED_IP} is listed on mon.test ({MONITORED_DOMAIN})"
    )
    body = listed.get_content()
    assert f"Sending IP address {LISTED_IP} (domain {MONITORED_DOMAIN})" in body
    assert "Listed since:    2026-03-02 10:30 UTC" in body
    assert "What it means:   spam source" in body
    assert "Delisting page:  https://mon.test/removal" in body
    assert delisted["Subject"] == (
        f"[mailrep] {LISTED_IP} is no longer listed on mon.test ({MONITORED_DOMAIN})"
    )
    assert "Delisted:        2026-03-02 12:30 UTC" in delisted.get_content()


async def test_webhook_signed_with_tenant_secret(
    scenario: Scenario, listings: Listings, webhook_receiver: WebhookReceiver
) -> None:
    listings.set_ip_zone(LISTING)
    await scenario.check()
    await scenario.check()

    headers, body = webhook_receiver.requests[0]
    signature = dict(part.split("=", 1) for part in headers["X-Mailrep-Signature"].split(","))
    expected = hmac.new(
        WEBHOOK_SECRET.encode(), signature["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    payload = webhook_receiver.payloads()[0]
    assert hmac.compare_digest(signature["v1"], expected)
    assert headers["X-Mailrep-Event"] == "dnsbl.listed"
    assert payload["tenant"] == "acme"
    assert payload["data"]["domain"] == MONITORED_DOMAIN
    assert payload["data"]["target"] == LISTED_IP
    assert payload["data"]["zone"] == "mon.test"
    assert payload["data"]["codes"] == ["127.0.0.2"]
    # The tenant reads Polish, but the webhook is for machines, so it keeps the English meaning.
    assert payload["data"]["meanings"] == ["spam source"]
    assert payload["data"]["delist_url"] == "https://mon.test/removal"
    assert payload["data"]["delisted_at"] is None


async def test_timeouts_neither_alert_nor_close(
    scenario: Scenario,
    listings: Listings,
    smtp_sink: tuple[SmtpSink, int],
    webhook_receiver: WebhookReceiver,
) -> None:
    sink, _ = smtp_sink
    listings.set_ip_zone(LISTING)
    await scenario.check()
    await scenario.check()
    with SilentServer() as silent:
        unreachable = replace(
            scenario.monitor, resolver=DnsPythonResolver([silent.address], timeout=0.1)
        )
        first_unknown = await scenario.check(unreachable)
        second_unknown = await scenario.check(unreachable)

    assert first_unknown.alerts == second_unknown.alerts == ()
    assert len(sink.messages) == 1
    assert len(webhook_receiver.requests) == 1
    episode = scenario.episodes()[0]
    assert episode.delisted_at is None
    assert episode.listed_checks == 2
    with session_scope(scenario.session_factory) as session:
        run = session.get_one(CheckRun, second_unknown.run_id)
        # The SPF lookup timed out too, so only the explicit IP and the domain were checked.
        assert run.unknown == 2
        assert run.listed == run.not_listed == 0


async def test_unknown_between_listed_checks_still_confirms(
    scenario: Scenario, listings: Listings, smtp_sink: tuple[SmtpSink, int]
) -> None:
    sink, _ = smtp_sink
    listings.set_ip_zone(LISTING)
    await scenario.check()
    with SilentServer() as silent:
        unreachable = replace(
            scenario.monitor, resolver=DnsPythonResolver([silent.address], timeout=0.1)
        )
        await scenario.check(unreachable)
    confirmed = await scenario.check()

    assert confirmed.alerts == (AlertKind.LISTED,)
    assert len(sink.messages) == 1


async def test_one_check_blip_never_alerts(
    scenario: Scenario,
    listings: Listings,
    smtp_sink: tuple[SmtpSink, int],
    webhook_receiver: WebhookReceiver,
) -> None:
    sink, _ = smtp_sink
    listings.set_ip_zone(LISTING)
    await scenario.check()
    listings.set_ip_zone("")
    await scenario.check()

    assert sink.messages == []
    assert webhook_receiver.requests == []
    episode = scenario.episodes()[0]
    assert episode.confirmed_at is None
    assert episode.delisted_at is not None


async def test_relisting_opens_new_episode_counted_per_year(
    scenario: Scenario, listings: Listings, smtp_sink: tuple[SmtpSink, int]
) -> None:
    sink, _ = smtp_sink
    for _ in range(2):
        listings.set_ip_zone(LISTING)
        await scenario.check()
        await scenario.check()
        listings.set_ip_zone("")
        await scenario.check()

    year_start = datetime(scenario.clock.now().year, 1, 1, tzinfo=UTC)
    with session_scope(scenario.session_factory) as session:
        this_year = session.scalar(
            select(func.count())
            .select_from(ListingEpisode)
            .where(
                ListingEpisode.domain == MONITORED_DOMAIN,
                ListingEpisode.confirmed_at.is_not(None),
                ListingEpisode.first_seen >= year_start,
            )
        )
        alerts = session.scalar(select(func.count()).select_from(ListingAlert))
    assert this_year == 2
    assert alerts == 4
    assert len(sink.messages) == 4


async def test_alert_email_retried_after_smtp_failure(
    scenario: Scenario, listings: Listings, smtp_sink: tuple[SmtpSink, int]
) -> None:
    sink, _ = smtp_sink
    listings.set_ip_zone(LISTING)
    with SilentServer() as udp_only:
        # Nothing listens on TCP at a UDP-only server's port, so SMTP is refused there.
        refused = replace(scenario.monitor, smtp=replace(scenario.monitor.smtp, port=udp_only.port))
        await scenario.check(refused)
        await scenario.check(refused)
    with session_scope(scenario.session_factory) as session:
        alert = session.scalars(select(ListingAlert)).one()
        assert alert.email_sent_at is None
        assert alert.email_attempts == 1
        assert alert.last_error

    await deliver_alerts(
        scenario.monitor.smtp, scenario.session_factory, scenario.clock, scenario.http_client
    )

    assert len(sink.messages) == 1
    with session_scope(scenario.session_factory) as session:
        alert = session.scalars(select(ListingAlert)).one()
        assert alert.email_sent_at == scenario.clock.now()
        assert alert.email_attempts == 2


async def test_check_unmonitored_domain_raises(
    monitor: Monitor, session_factory: sessionmaker[Session], clock: FixedClock
) -> None:
    tenant_id = make_monitored_tenant(session_factory, clock)

    with pytest.raises(NotFoundError):
        await run_domain_check(
            monitor,
            session_factory,
            clock,
            tenant_id=tenant_id,
            domain="other.example.com",
            trigger=CheckTrigger.API,
        )
