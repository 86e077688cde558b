"""Zoho Mail bounces.

The notice is plain text: "This message was created automatically by mail
delivery software." and then one line per recipient, the address followed by
Zoho's summary and the remote reply, as ``user@example.com Invalid Address,
ERROR_CODE :550, ERROR_CODE :5.1.1 <user@example.com>... User Unknown``. A
delay notice writes ``[Status: Error, Address: <user@example.com>,
ResponseCode 421, , Host not reachable.]`` instead. The returned headers follow
directly in the same part, from a `Received:` line on.
"""

from __future__ import annotations

import re

from bounce_parser.message import MessageView
from bounce_parser.providers._common import MAX_NOTICE_CHARS, make_finding
from bounce_parser.types import Detection, Finding, Reason, ReportKind

FAMILY = "zoho"

_START = "This message was created automatically by mail delivery software"
_RECIPIENT_LINE = re.compile(r"^<?([^\s<>@]+@[\w.-]+\w)>?\s+(.+)$")
_STATUS_LINE = re.compile(
    r"^\[Status:\s*([^,]*),\s*Address:\s*<([^<>\s]+@[^<>\s]+)>,"
    r"\s*ResponseCode\s*(\d{3})?[, ]*(.*?)\]?$"
)
_ERROR_CODE = re.compile(r"ERROR_CODE\s*:\s*")
_REPLY_CODE = re.compile(r"ERROR_CODE\s*:\s*([245]\d\d)\b")

#: Zoho's own words in a delay notice: it kept retrying a host it could not
#: reach, the case the reference parser Sisimai also counts as `expired`.
_EXPLANATIONS: tuple[tuple[str, Reason, str], ...] = (
    ("Host not reachable", Reason.EXPIRED, "host_not_reachable"),
)


def detect(view: MessageView) -> Detection | None:
    """Read a Zoho Mail failure or delay notice."""
    if "zoho" not in view.from_.lower() and not _has_zoho_header(view):
        return None
    text = view.text[:MAX_NOTICE_CHARS]
    start = text.find(_START)
    if start < 0:
        return None

    findings: list[Finding] = []
    for line in text[start:].split("\n")[1:]:
        if line.startswith("Received:"):
            break
        finding = _read_line(line.strip())
        if finding is not None:
            findings.append(finding)
    if not findings:
        return None
    return Detection(ReportKind.DELIVERY_STATUS, FAMILY, findings)


def _has_zoho_header(view: MessageView) -> bool:
    return view.header("X-ZohoMail") is not None or "Zoho" in (view.header("X-Mailer") or "")


def _read_line(line: str) -> Finding | None:
    status_line = _STATUS_LINE.match(line)
    if status_line:
        reply_code = status_line.group(3)
        action = "delayed" if (reply_code or "").startswith("4") else "failed"
        finding = make_finding(
            status_line.group(2), status_line.group(4), reply_code=reply_code, action=action
        )
        if finding is not None:
            for text, reason, name in _EXPLANATIONS:
                if text in (finding.diagnostic or ""):
                    finding.reason_hint, finding.hint_evidence = reason, f"provider=zoho:{name}"
        return finding
    recipient = _RECIPIENT_LINE.match(line)
    if recipient is None or "ERROR_CODE" not in recipient.group(2):
        return None
    summary = recipient.group(2)
    reply_code = _REPLY_CODE.search(summary)
    # The remote server's words follow the last ERROR_CODE label.
    reply = _ERROR_CODE.split(summary)[-1]
    return make_finding(
        recipient.group(1), reply, reply_code=reply_code.group(1) if reply_code else None
    )
