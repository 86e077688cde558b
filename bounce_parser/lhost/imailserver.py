"""Ipswitch IMail Server bounces: "Undeliverable Mail" from X-Mailer `<SMTP32 v...>`.

IMail writes one line per failed address, a phrase and the address:

    Unknown user: kijitora@example.jp
    User mailbox exceeds allowed size: kijitora@example.jp
    Delivery failed 20 attempts: kijitora@example.jp

or, for a remote rejection, "undeliverable to ADDRESS" followed by a line
naming the SMTP stage ("Body of message generated response:") and the reply.
"""

from __future__ import annotations

import re

from bounce_parser.lhost import _common
from bounce_parser.message import MessageView
from bounce_parser.types import Detection, Finding, Reason

_ORIGINAL_MARKERS = ("Original message follows.",)
_PHRASE_LINE = re.compile(r"^([A-Z][^:\n]{2,80}):\s*<?([^<>\s]{1,320}@[^<>\s]{1,255}?)>?\s*$")
_UNDELIVERABLE = re.compile(r"^undeliverable to\s+<?([^<>\s]{1,320}@[^<>\s]{1,255}?)>?\s*$")

# IMail's stage phrases before a remote reply.
_STAGES: tuple[tuple[str, str], ...] = (
    ("SMTP connection failed", "CONN"),
    ("Unexpected connection response from server", "CONN"),
    ("Unexpected response to EHLO/HELO", "HELO"),
    ("Server response to MAIL FROM", "MAIL"),
    ("Additional RCPT TO generated following response", "RCPT"),
    ("DATA command generated response", "DATA"),
    ("Body of message generated response", "DATA"),
)

# IMail's own phrases, each naming the class.
_HINTS: tuple[tuple[re.Pattern[str], Reason], ...] = (
    (re.compile(r"^(?:Unknown user|Invalid final delivery userid)"), Reason.USERUNKNOWN),
    (re.compile(r"^Unknown host"), Reason.HOSTUNKNOWN),
    (re.compile(r"^User mailbox exceeds allowed size"), Reason.MAILBOXFULL),
    (re.compile(r"^Delivery failed \d+ attempts"), Reason.EXPIRED),
)


def detect(view: MessageView) -> Detection | None:
    """Read an IMail bounce; None when the message is not one."""
    is_imail = (view.header("X-Mailer") or "").startswith("<SMTP32 v")
    if not is_imail and not view.subject.startswith("Undeliverable Mail"):
        return None
    text = _common.cut_before(view.text, _ORIGINAL_MARKERS)

    findings: list[Finding] = []
    remote: list[str] | None = None
    command: str | None = None
    for line in text.split("\n"):
        stripped = line.strip()
        phrase = _PHRASE_LINE.match(stripped)
        undeliverable = _UNDELIVERABLE.match(stripped)
        if phrase is not None and not stripped.startswith(("To:", "CC:", "From:")):
            findings.append(_own_finding(phrase.group(2), phrase.group(1)))
            remote = None
        elif undeliverable is not None:
            address = _common.address_of(undeliverable.group(1))
            if address is not None:
                findings.append(_common.finding_from_reply(address, None))
            remote = None
        elif findings and remote is None and (stage := _stage_of(stripped)) is not None:
            command, remote = stage, []
        elif findings and remote is not None and stripped:
            remote.append(stripped)
            finding = findings[-1]
            finding.diagnostic = _common.join_reply(remote)
            finding.reply_code = _common.reply_code_at_start(finding.diagnostic)
            finding.status = _common.find_status(finding.diagnostic)
            finding.smtp_command = command
    return _common.detection("imailserver", findings, view)


def _stage_of(line: str) -> str | None:
    for phrase, command in _STAGES:
        if line.startswith(phrase):
            return command
    return None


def _own_finding(address_text: str, phrase: str) -> Finding:
    address = _common.address_of(address_text) or address_text
    finding = _common.finding_from_reply(address, phrase)
    for pattern, reason in _HINTS:
        if pattern.match(phrase):
            finding.reason_hint, finding.hint_evidence = reason, f"imail:{phrase}"
            break
    return finding
