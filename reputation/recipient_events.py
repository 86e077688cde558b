"""Turn a parsed report into recipient events and carry out each event's policy action.

Shared by ingestion and reparse, so both apply exactly the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr

import structlog
from sqlalchemy.orm import Session

from bounce_parser import Recipient, Report, ReportKind
from reputation import metrics
from reputation.addresses import domain_of, normalise_reported_address
from reputation.audit import SYSTEM_ACTOR
from reputation.clock import Clock
from reputation.deliveries import clear_soft_bounces
from reputation.models import (
    ALL_STREAMS,
    ComplaintScope,
    Message,
    RecipientEvent,
    SuppressionSource,
    Tenant,
)
from reputation.policy import Action, Decision, decide
from reputation.suppression_writer import SoftBouncePolicy, count_soft_bounce, suppress_address

_MAX_DIAGNOSTIC = 2000

_log = structlog.get_logger(__name__)
#: Actions that write to the suppression or soft-bounce tables under the address.
_ADDRESS_ACTIONS = frozenset(
    {Action.SUPPRESS_ALL, Action.SUPPRESS_STREAM, Action.COUNT_SOFT, Action.RESET_SOFT}
)


@dataclass(frozen=True, slots=True)
class AppliedAction:
    """Effect of one recipient of a message: the policy action and any suppression it made.

    `skipped` is set when the address is empty or unusable (an ARF report with
    the recipient redacted), so the action was not carried out.
    """

    address: str
    action: Action
    reason: str
    suppressed_stream: str | None = None
    skipped: bool = False


def from_domain_of(report: Report) -> str | None:
    """Return the domain of the returned original's From address, if the report carries it."""
    if report.original is None or not report.original.from_:
        return None
    address = parseaddr(report.original.from_)[1]
    domain = domain_of(normalise_reported_address(address)) if "@" in address else ""
    return domain or None


def build_events(
    *, tenant: Tenant, message: Message, report: Report
) -> list[tuple[RecipientEvent, Decision]]:
    """Create (unsaved) events for every recipient of the report, with the policy's decision."""
    events = []
    for recipient in report.recipients:
        decision = decide(report.kind, recipient)
        events.append((_event(tenant, message, report.kind, recipient, decision), decision))
    return events


def _event(
    tenant: Tenant, message: Message, kind: ReportKind, recipient: Recipient, decision: Decision
) -> RecipientEvent:
    return RecipientEvent(
        tenant_id=tenant.id,
        message_id=message.id,
        address=normalise_reported_address(recipient.address),
        kind=kind.value,
        reason=recipient.reason.value,
        hard_bounce=decision.action is Action.SUPPRESS_ALL,
        sender_fault=decision.action is Action.SENDER_FAULT,
        action=decision.action.value,
        evidence=recipient.evidence,
        status=recipient.status,
        reply_code=recipient.reply_code,
        feedback_type=recipient.feedback_type,
        diagnostic=(recipient.diagnostic or "")[:_MAX_DIAGNOSTIC] or None,
        stream=message.stream,
        from_domain=message.from_domain,
        occurred_at=message.received_at,
    )


def apply_event(
    session: Session,
    *,
    tenant: Tenant,
    event: RecipientEvent,
    decision: Decision,
    policy: SoftBouncePolicy,
    clock: Clock,
) -> AppliedAction:
    """Carry out the decision for one event: suppress, count or reset a soft bounce, or nothing."""
    action = decision.action
    if action in _ADDRESS_ACTIONS and not _is_usable_address(event.address):
        # Feedback loops redact the complained-about recipient (RFC 6590), so
        # the report names no one; an empty key must never become a suppression.
        _log.warning("event_address_unusable", message_id=event.message_id, action=action.value)
        return AppliedAction(event.address, action, event.reason, skipped=True)
    suppression = None
    if action is Action.SUPPRESS_ALL or action is Action.SUPPRESS_STREAM:
        stream = _suppression_stream(tenant, event, action)
        suppression = suppress_address(
            session,
            tenant=tenant,
            address=event.address,
            stream=stream,
            source=decision.source or SuppressionSource.HARD_BOUNCE,
            reason=event.feedback_type or event.reason,
            clock=clock,
            message_id=event.message_id,
        )
    elif action is Action.COUNT_SOFT:
        suppression = count_soft_bounce(
            session,
            tenant=tenant,
            address=event.address,
            day=event.occurred_at.date(),
            reason=event.reason,
            policy=policy,
            clock=clock,
            message_id=event.message_id,
        )
    elif action is Action.RESET_SOFT:
        clear_soft_bounces(
            session,
            tenant_id=tenant.id,
            addresses=[event.address],
            delivered_at=event.occurred_at,
            actor=SYSTEM_ACTOR,
            clock=clock,
        )

    suppressed_stream = suppression.stream if suppression is not None else None
    return AppliedAction(event.address, action, event.reason, suppressed_stream=suppressed_stream)


def _is_usable_address(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return bool(at and local and domain) and not any(char.isspace() for char in address)


def _suppression_stream(tenant: Tenant, event: RecipientEvent, action: Action) -> str:
    if action is Action.SUPPRESS_ALL or tenant.complaint_scope == ComplaintScope.ALL:
        return ALL_STREAMS
    return event.stream or tenant.default_stream


def record_event_metrics(kind: ReportKind, event: RecipientEvent) -> None:
    """Count a bounce or complaint in the Prometheus metrics."""
    if kind is ReportKind.FEEDBACK_REPORT:
        metrics.record_complaint(event.feedback_type or "unknown")
    elif kind is ReportKind.DELIVERY_STATUS and event.action not in ("none", "reset_soft"):
        metrics.record_bounce(event.reason, event.hard_bounce)
