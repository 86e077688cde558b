"""Detect feedback-loop complaints: RFC 5965 ARF reports, Microsoft JMRP and Apple unsubscribes.

An ARF report is a `multipart/report; report-type=feedback-report` with a
`message/feedback-report` part (RFC 5965 section 3): Feedback-Type,
User-Agent, Version, then optional Original-Mail-From, Original-Rcpt-To (one
per recipient), Arrival-Date, Source-IP, Reported-Domain and Removal-Recipient.
The complaining recipient is each Original-Rcpt-To, else each
Removal-Recipient, else the To of the returned original. Feedback loops often
redact it, so a report can name no address at all. It is still returned,
with an empty address and a problem saying so, because it counts against the
sending domain.

Every report is returned with reason `feedback` and its Feedback-Type, but
only `abuse` and `opt-out` reports come from the recipient. `auth-failure`
(RFC 6591), `fraud` and `virus` reports are about the message, so a
suppression policy should read `feedback_type` before removing anyone.

Microsoft's JMRP reports have no feedback-report part: the recipient and the
source IP are only in headers Hotmail added to the returned original
(X-HmXmrOriginalRecipient, X-Originating-Ip). Apple Mail's unsubscribe
message (X-Apple-Unsubscribe: true) comes from the recipient itself.
"""

from __future__ import annotations

import email.message
import re

from bounce_parser.address import normalise_address
from bounce_parser.fields import (
    FieldBlock,
    all_values,
    first_value,
    part_field_blocks,
    read_field_blocks,
)
from bounce_parser.message import MAX_PARSE_BYTES, MessageView, decode_header_value, part_text
from bounce_parser.original import original_headers
from bounce_parser.types import Detection, Finding, Reason, ReportKind

FAMILY = "arf"

_REPORT_TYPE = re.compile(r"report-type\s*=\s*\"?feedback-report", re.IGNORECASE)
_FEEDBACK_PART_TYPES = ("message/feedback-report",)
_JMRP_HEADER = b"X-HmXmrOriginalRecipient:"
_RECEIVED_IP = re.compile(r"\[(\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:]{2,39})\]")
_IP = re.compile(r"[0-9A-Fa-f:.]{3,45}")
#: Addresses a feedback loop writes in place of the recipient.
_PLACEHOLDERS = ("undisclosed", "redacted")


def detect_arf(view: MessageView) -> Detection | None:
    """Return the complaint findings of a feedback report, or None when `view` is not one."""
    report = _feedback_fields(view)
    if report is not None:
        return _arf_detection(view, report)
    if view.header("X-Apple-Unsubscribe") == "true":
        return _apple_unsubscribe(view)
    return _jmrp_detection(view)


def _feedback_fields(view: MessageView) -> FieldBlock | None:
    for part in view.parts_of_type(*_FEEDBACK_PART_TYPES):
        fields = [field for block in part_field_blocks(part) for field in block]
        if first_value(fields, "feedback-type"):
            return fields
    # A report-type=feedback-report whose fields sit in a mislabelled part.
    if view.content_type == "multipart/report" and _REPORT_TYPE.search(
        str(view.msg.get("Content-Type", ""))
    ):
        for part in view.parts[1:]:
            if part.get_content_maintype() == "text":
                fields = [field for block in read_field_blocks(part_text(part)) for field in block]
                if first_value(fields, "feedback-type"):
                    return fields
    return None


def _arf_detection(view: MessageView, fields: FieldBlock) -> Detection:
    addresses = [normalise_address(value) for value in all_values(fields, "original-rcpt-to")]
    if not any(addresses):
        addresses = [normalise_address(v) for v in all_values(fields, "removal-recipient")]
    if not any(addresses):
        headers = original_headers(view)
        addresses = [_original_recipient(headers)] if headers is not None else []
    recipients = [address for address in addresses if address] or [""]

    feedback_type = (first_value(fields, "feedback-type") or "").split()[0].lower()
    findings = [
        Finding(
            address=address,
            reason_hint=Reason.FEEDBACK,
            hint_evidence=f"feedback_type={feedback_type}",
            feedback_type=feedback_type,
            source_ip=_ip(first_value(fields, "source-ip")),
            arrival_date=first_value(fields, "arrival-date")
            or first_value(fields, "received-date"),
            reported_domain=first_value(fields, "reported-domain"),
            user_agent=first_value(fields, "user-agent"),
        )
        for address in recipients
    ]
    problems = [] if recipients != [""] else ["feedback report names no recipient address"]
    return Detection(ReportKind.FEEDBACK_REPORT, FAMILY, findings, problems=problems)


def _original_recipient(headers: email.message.Message) -> str | None:
    for name in ("X-HmXmrOriginalRecipient", "To", "Delivered-To", "X-Original-To"):
        value = decode_header_value(headers.get(name))
        address = normalise_address(value)
        if address and not address.lower().startswith(_PLACEHOLDERS):
            return address
    return None


def _jmrp_detection(view: MessageView) -> Detection | None:
    # Hotmail spells the header this way; a byte search is much cheaper than
    # a case-insensitive regex over a large message.
    if view.raw.find(_JMRP_HEADER, 0, MAX_PARSE_BYTES) < 0:
        return None
    if view.parts_of_type("message/delivery-status", "message/global-delivery-status"):
        return None
    headers = original_headers(view)
    if headers is None or headers.get("X-HmXmrOriginalRecipient") is None:
        return None
    address = normalise_address(decode_header_value(headers.get("X-HmXmrOriginalRecipient")))
    if address is None:
        return None
    finding = Finding(
        address=address,
        reason_hint=Reason.FEEDBACK,
        hint_evidence="feedback_type=abuse (JMRP)",
        feedback_type="abuse",
        source_ip=_ip(decode_header_value(headers.get("X-Originating-Ip")))
        or _received_ip(headers),
        arrival_date=decode_header_value(headers.get("Date")),
        user_agent="Microsoft JMRP",
    )
    return Detection(ReportKind.FEEDBACK_REPORT, "jmrp", [finding])


def _apple_unsubscribe(view: MessageView) -> Detection | None:
    address = normalise_address(view.from_)
    if address is None:
        return None
    finding = Finding(
        address=address,
        reason_hint=Reason.FEEDBACK,
        hint_evidence="feedback_type=opt-out (X-Apple-Unsubscribe)",
        feedback_type="opt-out",
        arrival_date=view.header("Date"),
        user_agent="Apple Mail",
    )
    return Detection(ReportKind.FEEDBACK_REPORT, FAMILY, [finding])


def _received_ip(headers: email.message.Message) -> str | None:
    """Return the client IP that the topmost Received header (Hotmail's) recorded."""
    match = _RECEIVED_IP.search(str(headers.get("Received", "")))
    return match.group(1) if match else None


def _ip(value: str | None) -> str | None:
    if not value:
        return None
    match = _IP.search(value)
    return match.group(0) if match else None
