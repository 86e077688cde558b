"""Webhook outbox and dispatcher, against receivers on loopback that the tests start."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from reputation.db import session_scope
from reputation.ingestion import ingest_message
from reputation.models import WebhookDelivery
from reputation.settings import Settings
from reputation.tenants import create_tenant
from reputation.webhooks import (
    FIRST_BACKOFF,
    SIGNATURE_HEADER,
    deliver_due_webhooks,
    sign_payload,
    verify_signature,
)
from tests.conftest import FixedClock
from tests.reputation.samples import make_dsn

SECRET = "whsec-test-0123456789"


class Receiver:
    """A loopback HTTP server that records each POST and responds with `status`."""

    def __init__(self, status: int) -> None:
        self.status = status
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver(200)
    yield server
    server.close()


@pytest.fixture
def failing_receiver() -> Iterator[Receiver]:
    server = Receiver(503)
    yield server
    server.close()


@pytest.fixture
def http_client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as client:
        yield client


def _suppress_one(
    session_factory: sessionmaker[Session], url: str, clock: FixedClock, settings: Settings
) -> None:
    with session_scope(session_factory) as session:
        tenant = create_tenant(
            session, name="acme", clock=clock, webhook_url=url, webhook_secret=SECRET
        )
        raw = make_dsn("jan@example.org")
        ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)


def test_deliver_due_webhooks_posts_signed_contact_suppressed(
    session_factory: sessionmaker[Session],
    receiver: Receiver,
    http_client: httpx.Client,
    clock: FixedClock,
    settings: Settings,
) -> None:
    _suppress_one(session_factory, receiver.url, clock, settings)

    summary = deliver_due_webhooks(session_factory, http_client, clock)

    assert (summary.delivered, summary.failed) == (1, 0)
    headers, body = receiver.requests[0]
    assert verify_signature(SECRET, headers[SIGNATURE_HEADER], body)
    payload = json.loads(body)
    assert payload["type"] == "contact.suppressed"
    assert payload["data"]["address"] == "jan@example.org"
    assert payload["data"]["source"] == "hard_bounce"
    again = deliver_due_webhooks(session_factory, http_client, clock)
    assert again.delivered == 0
    assert len(receiver.requests) == 1


def test_deliver_due_webhooks_failing_receiver_retries_with_backoff(
    session_factory: sessionmaker[Session],
    failing_receiver: Receiver,
    http_client: httpx.Client,
    clock: FixedClock,
    settings: Settings,
) -> None:
    _suppress_one(session_factory, failing_receiver.url, clock, settings)

    first = deliver_due_webhooks(session_factory, http_client, clock, max_attempts=3)
    early = deliver_due_webhooks(session_factory, http_client, clock, max_attempts=3)
    clock.advance(seconds=FIRST_BACKOFF.total_seconds())
    second = deliver_due_webhooks(session_factory, http_client, clock, max_attempts=3)
    clock.advance(seconds=2 * FIRST_BACKOFF.total_seconds())
    third = deliver_due_webhooks(session_factory, http_client, clock, max_attempts=3)
    clock.advance(days=1)
    after = deliver_due_webhooks(session_factory, http_client, clock, max_attempts=3)

    assert (first.failed, early.failed, second.failed, third.given_up, after.failed) == (
        1,
        0,
        1,
        1,
        0,
    )
    assert len(failing_receiver.requests) == 3
    with session_scope(session_factory) as session:
        delivery = session.scalars(select(WebhookDelivery)).one()
        assert (delivery.attempts, delivery.delivered_at) == (3, None)
        assert delivery.last_error == "HTTP 503"


def test_suppression_rolled_back_leaves_no_webhook(
    session_factory: sessionmaker[Session], clock: FixedClock, settings: Settings
) -> None:
    with pytest.raises(RuntimeError), session_scope(session_factory) as session:
        tenant = create_tenant(
            session, name="acme", clock=clock, webhook_url="http://127.0.0.1:9/x"
        )
        ingest_message(
            session, tenant=tenant, raw=make_dsn("jan@example.org"), clock=clock, settings=settings
        )
        raise RuntimeError("abort the unit of work")
    with session_scope(session_factory) as session:
        assert session.scalars(select(WebhookDelivery)).all() == []


def test_verify_signature_rejects_changed_body() -> None:
    header = sign_payload(SECRET, 1_700_000_000, b'{"a":1}')
    assert verify_signature(SECRET, header, b'{"a":1}')
    assert not verify_signature(SECRET, header, b'{"a":2}')
    assert not verify_signature("other-secret", header, b'{"a":1}')
    assert not verify_signature(SECRET, "garbage", b'{"a":1}')
