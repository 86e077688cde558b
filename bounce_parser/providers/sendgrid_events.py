"""SendGrid Event Webhook payloads: a JSON array of delivery events.

SendGrid posts these over HTTP rather than by mail, so the input is the raw
request body, not a message. Only events about a recipient's delivery are
read: `bounce` (with `type` `bounce` or `blocked`), `deferred`, `delivered` and
`spamreport`. Engagement events (`open`, `click`), `processed`, unsubscribes
and `dropped` (SendGrid's own suppression lists) name no new failure and are
skipped. A payload may mix events; the report kind follows the first event
read, and complaints are reported only when no bounce is in the payload.
"""

from __future__ import annotations

import json
from typing import Any

from bounce_parser.address import normalise_address
from bounce_parser.message import MessageView
from bounce_parser.providers._common import make_finding
from bounce_parser.types import Detection, Finding, Reason, ReportKind

FAMILY = "sendgrid"

_MAX_PAYLOAD_BYTES = 1024 * 1024

#: SendGrid's `bounce_classification` values whose meaning decides the reason.
#: "Mailbox Unavailable", "Technical" and "Unclassified" cover several causes
#: and leave the choice to the reply text.
_CLASSIFICATION_REASONS: dict[str, Reason] = {
    "Invalid Address": Reason.USERUNKNOWN,
    "Reputation": Reason.BADREPUTATION,
    "Content": Reason.CONTENTERROR,
    "Frequency or Volume Too High": Reason.SPEEDING,
}
_ACTIONS = {"bounce": "failed", "deferred": "delayed", "delivered": "delivered"}


def detect(view: MessageView) -> Detection | None:
    """Read a SendGrid Event Webhook payload passed in as the raw message."""
    events = _load_events(view.raw)
    if not events:
        return None

    bounces: list[Finding] = []
    complaints: list[Finding] = []
    for event in events:
        name = str(event.get("event") or "")
        if name == "spamreport":
            complaint = _complaint(event)
            if complaint is not None:
                complaints.append(complaint)
        elif name in _ACTIONS:
            finding = _delivery_event(event, _ACTIONS[name])
            if finding is not None:
                bounces.append(finding)
    if bounces:
        return Detection(ReportKind.DELIVERY_STATUS, FAMILY, bounces)
    if complaints:
        return Detection(ReportKind.FEEDBACK_REPORT, FAMILY, complaints)
    return None


def _load_events(raw: bytes) -> list[dict[str, Any]]:
    head = raw[:64].lstrip()
    if not head.startswith(b"[") or len(raw) > _MAX_PAYLOAD_BYTES:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        return []
    if not isinstance(value, list):
        return []
    return [event for event in value if isinstance(event, dict) and "event" in event]


def _delivery_event(event: dict[str, Any], action: str) -> Finding | None:
    reply = str(event.get("reason") or event.get("response") or "") or None
    finding = make_finding(
        str(event.get("email") or ""),
        reply,
        status=str(event.get("status") or "") or None,
        action=action,
    )
    if finding is None:
        return None
    classification = str(event.get("bounce_classification") or "")
    hint = _CLASSIFICATION_REASONS.get(classification) if action == "failed" else None
    if hint is not None:
        finding.reason_hint = hint
        finding.hint_evidence = f"provider=sendgrid:{classification}"
    return finding


def _complaint(event: dict[str, Any]) -> Finding | None:
    address = normalise_address(str(event.get("email") or ""))
    if address is None:
        return None
    return Finding(
        address=address,
        reason_hint=Reason.FEEDBACK,
        hint_evidence="provider=sendgrid:spamreport",
        feedback_type="abuse",
    )
