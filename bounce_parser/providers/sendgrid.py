"""SendGrid's mailed bounce notices.

SendGrid writes "This is an automatically generated message from SendGrid."
and one line per recipient, fields separated by " : ", for example
``user:959479146:<user@example.com> : 192.0.2.250 : mx.example.com:[192.0.2.1]
: 550 5.1.1 <user@example.com>... User Unknown  in RCPT TO`` or, without a
remote reply, ``user:00000:<user@example.com> : Connection timed out in
connect``. A delivery-status part follows whose Action (SendGrid writes
`expired` for a timed-out message) completes the finding.
"""

from __future__ import annotations

import re

from bounce_parser.message import MessageView
from bounce_parser.providers._common import MAX_NOTICE_CHARS, make_finding
from bounce_parser.types import Detection, Finding, ReportKind

FAMILY = "sendgrid"

_START = "This is an automatically generated message from SendGrid."
_RECIPIENT_LINE = re.compile(r"^[^\s:]*:\d+:<([^<>\s]+@[^<>\s]+)>\s*:\s*(.+)$", re.MULTILINE)
_REMOTE_HOST = re.compile(r"^([\w.-]+):\[[\d.:a-fA-F]+\]$")
_COMMAND_SUFFIX = re.compile(r"\s+in (RCPT TO|MAIL FROM|DATA|connect|CONNECT)\s*$")


def detect(view: MessageView) -> Detection | None:
    """Read a SendGrid bounce notice."""
    return_path = view.header("Return-Path") or ""
    text = view.text[:MAX_NOTICE_CHARS]
    if "sendgrid.net" not in return_path and _START not in text:
        return None

    findings: list[Finding] = []
    for match in _RECIPIENT_LINE.finditer(text):
        finding = _finding(match.group(1), match.group(2))
        if finding is not None:
            findings.append(finding)
    if not findings:
        return None
    return Detection(ReportKind.DELIVERY_STATUS, FAMILY, findings)


def _finding(address: str, rest: str) -> Finding | None:
    fields = [field.strip() for field in rest.split(" : ")]
    reply = fields[-1]
    host = next((m.group(1) for f in fields[:-1] if (m := _REMOTE_HOST.match(f))), None)

    command = None
    suffix = _COMMAND_SUFFIX.search(reply)
    if suffix:
        command = suffix.group(1).split()[0].upper()
        command = "CONN" if command == "CONNECT" else command
        reply = reply[: suffix.start()]
    finding = make_finding(address, reply, remote_mta=host, command=command)
    if finding is not None:
        # The delivery-status part states the action; keep it open for it.
        finding.action = None
    return finding
