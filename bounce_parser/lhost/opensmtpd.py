"""OpenSMTPD bounces and delay notices: "Delivery status notification: error".

OpenSMTPD indents its prose and writes one unindented line per
recipient, the address and the error:

        An error has occurred while attempting to deliver a message for
        the following list of recipients:

    kijitora@example.jp: 550 5.1.1 User unknown

Newer versions also attach an RFC 3464 part, whose Status is often the
generic 5.0.0; the reply in the text carries the precise code.
"""

from __future__ import annotations

import re

from bounce_parser.lhost import _common
from bounce_parser.message import MessageView
from bounce_parser.types import Detection, Finding, Reason

_GREETING = re.compile(r"This is the MAILER-DAEMON, please DO NOT REPLY to this e-?mail")
_ORIGINAL_MARKERS = ("Below is a copy of the original message:",)
_RECIPIENT_LINE = re.compile(r"^([^\s:]{1,320}@[^\s:]{1,255}): (.+)$")
_DELAYED = "A message is delayed for more than"

# OpenSMTPD's own errors that name the class.
_HINTS: tuple[tuple[str, Reason], ...] = (
    ("Envelope expired", Reason.EXPIRED),
    ("Invalid domain name", Reason.HOSTUNKNOWN),
    ("Domain does not exist", Reason.HOSTUNKNOWN),
    ("Destination seem to reject all mails", Reason.NOTACCEPT),
    ("No MX found for domain", Reason.NOTACCEPT),
    ("No valid route to remote MX", Reason.NETWORKERROR),
    ("Network error on destination MXs", Reason.NETWORKERROR),
)


def detect(view: MessageView) -> Detection | None:
    """Read an OpenSMTPD bounce or delay notice; None when the message is not one."""
    if not view.subject.startswith("Delivery status notification"):
        return None
    text = _common.cut_before(view.text, _ORIGINAL_MARKERS)
    if _GREETING.search(text) is None:
        return None

    is_delay = _DELAYED in text
    findings: list[Finding] = []
    for line in text.split("\n"):
        recipient = _RECIPIENT_LINE.match(line)
        address = _common.address_of(recipient.group(1)) if recipient else None
        if recipient is None or address is None:
            continue
        finding = _common.finding_from_reply(address, recipient.group(2).strip())
        if is_delay:
            finding.action = "delayed"
        _add_hint(finding)
        findings.append(finding)
    return _common.detection("opensmtpd", findings, view)


def _add_hint(finding: Finding) -> None:
    if finding.reply_code is not None or finding.diagnostic is None:
        return
    for phrase, reason in _HINTS:
        if finding.diagnostic.startswith(phrase):
            finding.reason_hint, finding.hint_evidence = reason, f"opensmtpd:{phrase}"
            return
