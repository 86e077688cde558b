"""Verizon Wireless gateway bounces for SMS (vtext.com) and MMS (vzwpix.com).

The MMS gateway (From: sysadmin@*.vzwpix.com) writes "Message could not be
delivered to mobile.", an "Error:" line and the original's From, To and
Subject lines, the failed number being the `To:` address. The SMS gateway
(From: post_master@vtext.com) writes "Error:" and the session, with the
recipient after an indented "RCPT TO:" and the reply as "550 - ...".
"""

from __future__ import annotations

import re

from bounce_parser.message import MessageView
from bounce_parser.providers._common import MAX_NOTICE_CHARS, make_finding
from bounce_parser.types import Detection, Finding, Reason, ReportKind

FAMILY = "verizon"

_MMS_SENDER = re.compile(r"sysadmin@[\w.-]*vzwpix\.com", re.IGNORECASE)
_SMS_SENDER = re.compile(r"post_master@vtext\.com", re.IGNORECASE)
_ERROR_LINE = re.compile(r"^Error:\s*(.+)$", re.MULTILINE)
_MMS_TO = re.compile(r"^To:\s*(.+)$", re.MULTILINE)
_SMS_RCPT = re.compile(r"^[ \t]+RCPT TO:\s*(\S+)", re.MULTILINE)
_SMS_REPLY = re.compile(r"^(\d{3})\s+-\s+(.+)$", re.MULTILINE)

#: The gateways' own messages and the reason each states.
_EXPLANATIONS: tuple[tuple[str, Reason, str], ...] = (
    ("No valid recipients for this MM", Reason.USERUNKNOWN, "no_valid_recipients"),
    ("Requested action not taken: no such user here", Reason.USERUNKNOWN, "no_such_user"),
)


def detect(view: MessageView) -> Detection | None:
    """Read a Verizon Wireless SMS or MMS gateway bounce."""
    if _MMS_SENDER.search(view.from_):
        findings = _read_mms(view.text[:MAX_NOTICE_CHARS])
    elif _SMS_SENDER.search(view.from_):
        findings = _read_sms(view.text[:MAX_NOTICE_CHARS])
    else:
        return None
    if not findings:
        return None
    return Detection(ReportKind.DELIVERY_STATUS, FAMILY, findings)


def _read_mms(text: str) -> list[Finding]:
    if "Message could not be delivered to mobile" not in text:
        return []
    error = _ERROR_LINE.search(text)
    diagnostic = error.group(1).strip() if error else None
    # The first To: line is the original's; later ones belong to quoted text.
    to_line = _MMS_TO.search(text)
    if to_line is None:
        return []
    findings = (make_finding(address, diagnostic) for address in to_line.group(1).split(","))
    return [_with_hint(finding) for finding in findings if finding is not None]


def _read_sms(text: str) -> list[Finding]:
    reply = _SMS_REPLY.search(text)
    diagnostic = f"{reply.group(1)} {reply.group(2).strip()}" if reply else None
    if diagnostic is None:
        error = _ERROR_LINE.search(text)
        diagnostic = error.group(1).strip() if error else None
    findings = (make_finding(m.group(1), diagnostic) for m in _SMS_RCPT.finditer(text))
    return [_with_hint(finding) for finding in findings if finding is not None]


def _with_hint(finding: Finding) -> Finding:
    for text, reason, name in _EXPLANATIONS:
        if text in (finding.diagnostic or ""):
            finding.reason_hint, finding.hint_evidence = reason, f"provider=verizon:{name}"
    return finding
