"""Amazon SES notifications mailed as JSON through Amazon SNS.

An SES identity can publish bounce, complaint and delivery notifications to an
SNS topic with an email subscription. The mail body is then either the SES
notification itself or the SNS envelope whose `Message` field contains it
as a JSON string. Both the notification format (`notificationType`) and the event
publishing format (`eventType`, which adds `DeliveryDelay`) are read.

SNS folds long lines in these mails by ending a line with `!` and starting the
next with a space; the fold is undone when the text does not parse as it is.

The same JSON posted by SNS over HTTP(S) is read when passed in as the raw
message. Not covered: SES's `Send`, `Reject`, `Open` and `Click` events, which name no
failed recipient.
"""

from __future__ import annotations

import json
import re
from email.message import Message
from typing import Any

from bounce_parser.address import normalise_address
from bounce_parser.message import MessageView, part_text
from bounce_parser.providers._common import make_finding
from bounce_parser.types import Detection, Finding, OriginalMessage, Reason, ReportKind

FAMILY = "amazonses"

#: Largest body parsed as JSON; a notification with all headers is a few kB.
_MAX_JSON_CHARS = 256 * 1024
_JSON_PART_TYPES = frozenset({"text/plain", "application/json"})
_JSON_START = re.compile(r"\s{0,200}\{")
_SNS_FOLD = re.compile(r"!\n ")
_SIGNATURE = re.compile(r"\n--\s*\n")

#: SES bounceType/bounceSubType pairs whose meaning decides the reason. Other
#: pairs (Permanent/General, Transient/General, ContentRejected,
#: AttachmentRejected, Undetermined) leave the choice to the diagnostic text,
#: which names the failure more precisely than the subtype does.
_BOUNCE_TYPE_REASONS: dict[tuple[str, str], Reason] = {
    ("Permanent", "NoEmail"): Reason.USERUNKNOWN,
    # SES documents Suppressed as "a recent history of bouncing as an invalid
    # address"; OnAccountSuppressionList is left out because an account's own
    # list also contains complaints and manual entries.
    ("Permanent", "Suppressed"): Reason.USERUNKNOWN,
    ("Transient", "MailboxFull"): Reason.MAILBOXFULL,
    ("Transient", "MessageTooLarge"): Reason.MESGTOOBIG,
}


def detect(view: MessageView) -> Detection | None:
    """Read an SES bounce, complaint, delivery or delay notification mailed as JSON."""
    body = _json_body(view)
    if body is None:
        return None
    notification = _load_notification(body)
    if notification is None:
        return None

    kind_name = str(notification.get("notificationType") or notification.get("eventType") or "")
    if kind_name == "Bounce":
        detection = _bounce(notification.get("bounce"))
    elif kind_name == "Complaint":
        detection = _complaint(notification.get("complaint"))
    elif kind_name == "Delivery":
        detection = _delivery(notification.get("delivery"))
    elif kind_name == "DeliveryDelay":
        detection = _delay(notification.get("deliveryDelay"))
    else:
        return None
    if detection is None or not detection.findings:
        return None
    detection.original = _original(notification.get("mail"))
    return detection


def _json_body(view: MessageView) -> str | None:
    # An SNS HTTP(S) delivery passed in as it is: the body with no mail header.
    if view.raw[:64].lstrip().startswith(b"{") and len(view.raw) <= _MAX_JSON_CHARS:
        return view.raw.decode("utf-8", "replace")
    # SNS mails a notification as plain text, never as a delivery or feedback
    # report, and reading the parts of every report costs more than the rest.
    if view.content_type == "multipart/report":
        return None
    # The notification is the whole body or the first text part; a cheap look
    # at the undecoded payload rules out nearly all other mail.
    for part, content_type in zip(view.parts[:4], view.content_types, strict=False):
        if content_type not in _JSON_PART_TYPES:
            continue
        payload = part.get_payload()
        if not isinstance(payload, str) or not _may_be_json(part, payload):
            continue
        text = part_text(part, _MAX_JSON_CHARS).lstrip()
        if text.startswith("{") and ("notificationType" in text or "eventType" in text):
            return text
    return None


def _may_be_json(part: Message, payload: str) -> bool:
    encoding = str(part.get("Content-Transfer-Encoding", "")).lower()
    if encoding != "base64":
        # Quoted-printable leaves "{" as it is.
        return _JSON_START.match(payload) is not None
    # Any base64 text whose first byte is "{" starts with "e", so no base64
    # bounce needs decoding whole only to look at that byte.
    return payload[:256].lstrip()[:1] == "e"


def _load_notification(body: str) -> dict[str, Any] | None:
    end = _SIGNATURE.search(body)
    text = body[: end.start()] if end else body
    loaded = _loads(text)
    if loaded is None:
        loaded = _loads(_SNS_FOLD.sub("", text))
    if loaded is None:
        return None
    message = loaded.get("Message")
    if isinstance(message, str):
        loaded = _loads(message)
    return loaded


def _loads(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _bounce(bounce: Any) -> Detection | None:
    if not isinstance(bounce, dict):
        return None
    bounce_type = str(bounce.get("bounceType") or "")
    subtype = str(bounce.get("bounceSubType") or "")
    hint = _BOUNCE_TYPE_REASONS.get((bounce_type, subtype))
    remote = _strip_type(bounce.get("remoteMtaIp"))
    findings: list[Finding] = []
    for entry in _entries(bounce.get("bouncedRecipients")):
        finding = _recipient_finding(entry, default_action="failed", remote=remote)
        if finding is None:
            continue
        if hint is not None:
            finding.reason_hint = hint
            finding.hint_evidence = f"provider=ses:{bounce_type}/{subtype}"
        findings.append(finding)
    return Detection(ReportKind.DELIVERY_STATUS, FAMILY, findings)


def _delay(delay: Any) -> Detection | None:
    if not isinstance(delay, dict):
        return None
    remote = _strip_type(delay.get("reportingMTA"))
    findings = [
        finding
        for entry in _entries(delay.get("delayedRecipients"))
        if (finding := _recipient_finding(entry, default_action="delayed", remote=remote))
    ]
    for finding in findings:
        finding.action = "delayed"
    return Detection(ReportKind.DELIVERY_STATUS, FAMILY, findings)


def _complaint(complaint: Any) -> Detection | None:
    if not isinstance(complaint, dict):
        return None
    feedback_type = complaint.get("complaintFeedbackType")
    findings: list[Finding] = []
    for entry in _entries(complaint.get("complainedRecipients")):
        address = normalise_address(str(entry.get("emailAddress") or ""))
        if address is None:
            continue
        findings.append(
            Finding(
                address=address,
                reason_hint=Reason.FEEDBACK,
                hint_evidence=f"provider=ses:Complaint/{feedback_type or 'none'}",
                feedback_type=str(feedback_type) if feedback_type else None,
                user_agent=_text(complaint.get("userAgent")),
                arrival_date=_text(complaint.get("arrivalDate") or complaint.get("timestamp")),
            )
        )
    return Detection(ReportKind.FEEDBACK_REPORT, FAMILY, findings)


def _delivery(delivery: Any) -> Detection | None:
    if not isinstance(delivery, dict):
        return None
    response = _text(delivery.get("smtpResponse"))
    remote = _strip_type(delivery.get("reportingMTA"))
    findings: list[Finding] = []
    for recipient in delivery.get("recipients") or []:
        finding = make_finding(str(recipient), response, action="delivered", remote_mta=remote)
        if finding is not None:
            findings.append(finding)
    return Detection(ReportKind.DELIVERY_STATUS, FAMILY, findings)


def _recipient_finding(
    entry: dict[str, Any], *, default_action: str, remote: str | None
) -> Finding | None:
    finding = make_finding(
        _text(entry.get("emailAddress")),
        _strip_type(entry.get("diagnosticCode")),
        status=_text(entry.get("status")),
        action=(_text(entry.get("action")) or default_action).lower(),
        remote_mta=remote,
    )
    if finding is not None:
        finding.final_recipient = finding.address
    return finding


def _entries(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [entry for entry in value if isinstance(entry, dict)]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _strip_type(value: Any) -> str | None:
    """Drop an RFC 3464 type prefix such as `smtp; ` or `dsn; ` from a field value."""
    text = _text(value)
    if text is None:
        return None
    prefix, separator, rest = text.partition(";")
    if separator and len(prefix) <= 20 and " " not in prefix.strip():
        return rest.strip() or None
    return text


def _original(mail: Any) -> OriginalMessage | None:
    if not isinstance(mail, dict):
        return None
    common = mail.get("commonHeaders")
    common = common if isinstance(common, dict) else {}
    return OriginalMessage(
        message_id=_text(common.get("messageId") or mail.get("messageId")),
        from_=_first(common.get("from")),
        to=_first(common.get("to")),
        subject=_text(common.get("subject")),
        return_path=_text(mail.get("source")),
    )


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or None
    return _text(value)
