"""Signed webhooks through a transactional outbox, and the dispatcher that delivers them.

An event is written to `webhook_deliveries` in the same transaction as the change
it reports, so a rolled-back suppression never produces a webhook and a committed
one always does. `deliver_due_webhooks` posts due rows and retries failures with
exponential backoff until `max_attempts`.

Signature: header `X-Mailrep-Signature: t=<unix seconds>,v1=<hex>`, where `<hex>`
is HMAC-SHA256 with the tenant's webhook secret over `<t>.<body>`. A receiver
recomputes it and rejects timestamps older than a few minutes to stop replays.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import timedelta

import httpx
import structlog
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from reputation.clock import Clock
from reputation.db import session_scope
from reputation.models import Suppression, Tenant, WebhookDelivery

SIGNATURE_HEADER = "X-Mailrep-Signature"
CONTACT_SUPPRESSED = "contact.suppressed"
#: Delay before the second attempt; it doubles with each failure up to `MAX_BACKOFF`.
FIRST_BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=6)

_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class DispatchSummary:
    """Outcome of one dispatcher run."""

    delivered: int
    failed: int
    given_up: int


def enqueue_contact_suppressed(
    session: Session, *, tenant: Tenant, suppression: Suppression, clock: Clock
) -> WebhookDelivery | None:
    """Queue a `contact.suppressed` event when the tenant has a webhook URL; else return None."""
    if not tenant.webhook_url:
        return None
    now = clock.now()
    payload = {
        "type": CONTACT_SUPPRESSED,
        "created_at": now.isoformat(),
        "tenant": tenant.name,
        "data": {
            "address": suppression.address,
            "stream": suppression.stream,
            "source": suppression.source,
            "reason": suppression.reason,
            "since": suppression.since.isoformat(),
        },
    }
    delivery = WebhookDelivery(
        tenant_id=tenant.id,
        event_type=CONTACT_SUPPRESSED,
        payload=payload,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )
    session.add(delivery)
    return delivery


def sign_payload(secret: str, timestamp: int, body: bytes) -> str:
    """Return the `X-Mailrep-Signature` header value for `body` sent at `timestamp`."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(secret: str, header: str, body: bytes) -> bool:
    """Check a signature header against `body` (for receivers and tests)."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if not fields.get("t", "").isdigit() or "v1" not in fields:
        return False
    expected = sign_payload(secret, int(fields["t"]), body)
    return hmac.compare_digest(expected, header)


def deliver_due_webhooks(
    session_factory: sessionmaker[Session],
    http_client: httpx.Client,
    clock: Clock,
    *,
    max_attempts: int = 8,
    batch_size: int = 100,
) -> DispatchSummary:
    """Post every due outbox row once, committing each outcome; never raises on HTTP errors."""
    with session_scope(session_factory) as session:
        due_ids = list(session.scalars(_due_query(clock, max_attempts).limit(batch_size)))

    delivered = failed = given_up = 0
    for delivery_id in due_ids:
        with session_scope(session_factory) as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            tenant = session.get(Tenant, delivery.tenant_id) if delivery else None
            if delivery is None or tenant is None or delivery.delivered_at is not None:
                continue
            error = _post(http_client, tenant, delivery, clock)
            if error is None:
                delivery.delivered_at = clock.now()
                delivery.attempts += 1
                delivered += 1
                continue
            _schedule_retry(delivery, error, clock, max_attempts)
            failed += 1
            given_up += delivery.next_attempt_at is None
    return DispatchSummary(delivered=delivered, failed=failed, given_up=given_up)


def _due_query(clock: Clock, max_attempts: int) -> Select[int]:
    return (
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.next_attempt_at.is_not(None),
            WebhookDelivery.next_attempt_at <= clock.now(),
            WebhookDelivery.attempts < max_attempts,
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
    )


def _post(
    http_client: httpx.Client, tenant: Tenant, delivery: WebhookDelivery, clock: Clock
) -> str | None:
    """Post one delivery; return None on a 2xx response, else a short error text."""
    if not tenant.webhook_url:
        return "tenant has no webhook URL"
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    headers = {"Content-Type": "application/json", "X-Mailrep-Event": delivery.event_type}
    if tenant.webhook_secret:
        timestamp = int(clock.now().timestamp())
        headers[SIGNATURE_HEADER] = sign_payload(tenant.webhook_secret, timestamp, body)
    try:
        response = http_client.post(tenant.webhook_url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    if response.is_success:
        return None
    return f"HTTP {response.status_code}"


def _schedule_retry(delivery: WebhookDelivery, error: str, clock: Clock, max_attempts: int) -> None:
    delivery.attempts += 1
    delivery.last_error = error[:1000]
    if delivery.attempts >= max_attempts:
        delivery.next_attempt_at = None
        _log.error(
            "webhook_given_up", delivery_id=delivery.id, attempts=delivery.attempts, error=error
        )
        return
    backoff = min(FIRST_BACKOFF * 2 ** (delivery.attempts - 1), MAX_BACKOFF)
    delivery.next_attempt_at = clock.now() + backoff
    _log.warning("webhook_failed", delivery_id=delivery.id, attempts=delivery.attempts, error=error)
