"""Fixtures for monitoring tests: an rbldnsd whose listings change between checks, a loopback
SMTP server (aiosmtpd), a loopback webhook receiver, and a `Monitor` pointed at them.

Served zones:

- mon.test   IP blocklist; the test entry 127.0.0.2 plus whatever `listings.set_ip_zone`
             writes (rbldnsd reloads the file on SIGHUP)
- dmon.test  domain blocklist with only its test entry
- mail.test  SPF record authorising 192.0.2.20
"""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import dns.message
import dns.query
import dns.rcode
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session, sessionmaker

from blacklist_checks import DnsPythonResolver, ListType, ReturnCode, Zone, ZoneKind
from reputation.db import session_scope
from reputation.monitoring.alerts import SmtpConfig
from reputation.monitoring.checks import Monitor, ScheduleConfig
from reputation.monitoring.domains import add_domain
from reputation.tenants import create_tenant
from tests.conftest import FixedClock
from tests.support.rbldnsd import LOOPBACK, RbldnsdServer, RbldnsdZone, start_rbldnsd

IP_ZONE_HEADER = ":127.0.0.2:Listed, see https://mon.test/lookup?ip=$\n127.0.0.2\n"
LISTED_IP = "192.0.2.10"
SPF_IP = "192.0.2.20"
MONITORED_DOMAIN = "mail.test"
WEBHOOK_SECRET = "whsec-test-4f1c2a"

ZONE_DATA = (
    RbldnsdZone("mon.test", "ip4set", IP_ZONE_HEADER),
    RbldnsdZone("dmon.test", "dnset", "test :127.0.1.2:test entry\n"),
    RbldnsdZone("mail.test", "generic", f'@ TXT "v=spf1 ip4:{SPF_IP} -all"\n'),
)


def monitor_zones() -> tuple[Zone, ...]:
    """Catalogue entries of the served blocklists."""
    return (
        Zone(
            name="mon.test",
            kind=ZoneKind.IP,
            list_type=ListType.BLOCKLIST,
            lists="test IP blocklist",
            codes={
                "127.0.0.2": ReturnCode("spam source", meaning_pl="źródło spamu"),
                "127.0.0.4": ReturnCode("exploited"),
            },
            delist_url="https://mon.test/removal",
            test_listed="127.0.0.2",
            test_not_listed="127.0.0.1",
        ),
        Zone(
            name="dmon.test",
            kind=ZoneKind.DOMAIN,
            list_type=ListType.BLOCKLIST,
            lists="test domain blocklist",
            codes={"127.0.1.2": ReturnCode("spam domain")},
            test_listed="test",
            test_not_listed="invalid",
        ),
    )


@dataclass
class Listings:
    """Changes what the running rbldnsd lists in mon.test."""

    server: RbldnsdServer
    path: Path
    _version: int = 0

    def set_ip_zone(self, entries: str) -> None:
        """Replace the listed entries of mon.test, e.g. "192.0.2.10 :127.0.0.2:Spam\\n"."""
        self.path.write_text(IP_ZONE_HEADER + entries, encoding="utf-8")
        # rbldnsd compares modification times in whole seconds: step them forward so
        # two rewrites within one second still count as a change.
        self._version += 10
        stamp = time.time() + self._version
        os.utime(self.path, (stamp, stamp))
        os.kill(self.server.process.pid, signal.SIGHUP)
        self._wait_for(entries)

    def _wait_for(self, entries: str) -> None:
        expect_listed = LISTED_IP in entries
        name = ".".join(reversed(LISTED_IP.split("."))) + ".mon.test"
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            query = dns.message.make_query(name, "A")
            response = dns.query.udp(query, LOOPBACK, timeout=0.5, port=self.server.port)
            if (response.rcode() == dns.rcode.NOERROR and bool(response.answer)) == expect_listed:
                return
            time.sleep(0.02)
        raise RuntimeError("rbldnsd did not reload mon.test within 5 seconds")


@pytest.fixture(scope="session")
def _rbldnsd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RbldnsdServer, Path]]:
    directory = tmp_path_factory.mktemp("monitor-rbldnsd")
    with start_rbldnsd(ZONE_DATA, directory) as server:
        yield server, directory / "zone0.txt"


@pytest.fixture
def listings(_rbldnsd: tuple[RbldnsdServer, Path]) -> Iterator[Listings]:
    server, path = _rbldnsd
    changer = Listings(server, path)
    changer.set_ip_zone("")
    yield changer
    changer.set_ip_zone("")


@dataclass
class SmtpSink:
    """Messages an aiosmtpd server on loopback received."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 OK"


@pytest.fixture
def smtp_sink() -> Iterator[tuple[SmtpSink, int]]:
    sink = SmtpSink()
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
    # aiosmtpd's Controller connects to its own port to check startup, so it needs a real one.
    controller = Controller(sink, hostname=LOOPBACK, port=port)
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@dataclass
class WebhookReceiver:
    """Requests a loopback HTTP server received: (headers, body)."""

    url: str
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    def payloads(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.requests]


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    received: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            received.append((dict(self.headers.items()), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        receiver = WebhookReceiver(f"http://{LOOPBACK}:{server.server_address[1]}/hooks")
        receiver.requests = received
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def monitor(_rbldnsd: tuple[RbldnsdServer, Path], smtp_sink: tuple[SmtpSink, int]) -> Monitor:
    server, _ = _rbldnsd
    return Monitor(
        zones=monitor_zones(),
        resolver=DnsPythonResolver([server.address], timeout=0.5),
        smtp=SmtpConfig(LOOPBACK, smtp_sink[1], "mailrep@example.com", timeout=5),
        schedule=ScheduleConfig(interval_seconds=60, confirmations=2),
        worker="test-worker",
    )


def make_monitored_tenant(
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    *,
    language: str = "en",
    webhook_url: str | None = None,
    alert_email: str | None = "ops@example.com",
) -> int:
    """Create tenant `acme` monitoring mail.test with the explicit IP 192.0.2.10; return its id."""
    with session_scope(session_factory) as session:
        tenant = create_tenant(
            session,
            name="acme",
            clock=clock,
            language=language,
            webhook_url=webhook_url,
            webhook_secret=WEBHOOK_SECRET if webhook_url else None,
        )
        add_domain(
            session,
            tenant=tenant,
            domain=MONITORED_DOMAIN,
            ips=[LISTED_IP],
            alert_email=alert_email,
            clock=clock,
        )
        return tenant.id
