"""Bounces from MTAs that name no product but use a distinctive template.

- "---The following addresses had delivery errors---" with one
  `address [reason]` line per recipient (seen from Japanese ISP relays).
- "This is an automatically generated Delivery Status Notification." with
  `* address` lines and a "Technical details:" section; an RFC 3464 part,
  when present, adds the status.
- "We had trouble delivering your message. Full details follow:" with the
  reply quoted in one sentence per recipient.
"""

from __future__ import annotations

import re

from bounce_parser.lhost import _common
from bounce_parser.message import MessageView
from bounce_parser.types import Detection, Finding, Reason

_ERRORS_HEADING = "---The following addresses had delivery errors---"
_ADDRESS_AND_REASON = re.compile(r"^<?([^<>\s]{1,320}@[^<>\s]{1,255}?)>?\s+\[(.{1,300})\]\s*$")

_NOTIFICATION = "This is an automatically generated Delivery Status Notification."
_LISTED = re.compile(r"^\s*\*\s+<?([^<>\s]{1,320}@[^<>\s]{1,255}?)>?\s*$", re.MULTILINE)
_ABORTED = re.compile(r"De(?:li|le)very to the following recipients was aborted after")
_TECHNICAL = re.compile(r"Technical details:\s*\n(.{1,2000}?)(?:\n=+|\Z)", re.DOTALL)
_SMTP_DETAIL = re.compile(r"^SMTP:(\w{4}) host (\S+?):\s*", re.MULTILINE)

_TROUBLE = "We had trouble delivering your message. Full details follow:"
_PERMANENT_ERRORS = re.compile(
    r"The following recipients returned permanent errors: (\S+?)\.? Reason: (.{1,2000}?)\n\n",
    re.DOTALL,
)
_REFUSED = re.compile(
    r"SMTP Server <([^>]{1,255})> refused to accept your message \((\w{4})\),"
    r" with the following error message: \[(.{1,1000})\]",
    re.DOTALL,
)


def detect_delivery_errors(view: MessageView) -> Detection | None:
    """Read the "addresses had delivery errors" template; None when absent."""
    if "MAILER-DAEMON" not in view.from_ and not view.subject.startswith("Returned Mail"):
        return None
    text = _common.cut_before(view.text, ())
    start = text.find(_ERRORS_HEADING)
    if start < 0:
        return None
    findings: list[Finding] = []
    for line in text[start + len(_ERRORS_HEADING) :].split("\n"):
        match = _ADDRESS_AND_REASON.match(line.strip())
        address = _common.address_of(match.group(1)) if match else None
        if match is not None and address is not None:
            findings.append(_common.finding_from_reply(address, match.group(2)))
    return _common.detection("x1", findings, view)


def detect_notification(view: MessageView) -> Detection | None:
    """Read the "automatically generated Delivery Status Notification" template."""
    if view.subject != "Delivery status notification":
        return None
    text = _common.cut_before(view.text, ())
    if _NOTIFICATION not in text:
        return None
    technical = _TECHNICAL.search(text)
    details = " ".join(technical.group(1).split()) if technical else None
    command = remote_mta = None
    if details is not None and (smtp := _SMTP_DETAIL.match(details)) is not None:
        command, remote_mta = smtp.group(1).upper(), smtp.group(2)
        details = details[smtp.end() :]

    findings: list[Finding] = []
    for match in _LISTED.finditer(text):
        address = _common.address_of(match.group(1))
        if address is None:
            continue
        finding = _common.finding_from_reply(
            address, details, smtp_command=command, remote_mta=remote_mta
        )
        # "aborted after 5.0 hour(s)" with no remote reply: the retry period ran out.
        if _ABORTED.search(text) and details and finding.reply_code is None:
            finding.reason_hint, finding.hint_evidence = Reason.EXPIRED, "x3:aborted after"
        findings.append(finding)
    return _common.detection("x3", findings, view)


def detect_trouble(view: MessageView) -> Detection | None:
    """Read the "We had trouble delivering your message" template."""
    if _TROUBLE not in view.text or "mailer-daemon" not in view.from_.lower():
        return None
    text = _common.cut_before(view.text, ())
    findings: list[Finding] = []
    for match in _PERMANENT_ERRORS.finditer(text + "\n\n"):
        address = _common.address_of(match.group(1))
        if address is None:
            continue
        reason = " ".join(match.group(2).split())
        refused = _REFUSED.search(reason)
        if refused is None:
            findings.append(_common.finding_from_reply(address, reason))
            continue
        findings.append(
            _common.finding_from_reply(
                address,
                refused.group(3),
                remote_mta=refused.group(1),
                smtp_command=refused.group(2).upper(),
            )
        )
    return _common.detection("x6", findings, view)
