"""Postfix bounces and delay notices: "Undelivered Mail Returned to Sender".

Postfix writes one paragraph per recipient after its "This is the Postfix
program at host ..." introduction:

    <kijitora@example.jp>: host mx.example.jp[192.0.2.1] said: 550 5.1.1
        <kijitora@example.jp>: User unknown (in reply to RCPT TO command)

Postfix normally adds a `message/delivery-status` part. Its Diagnostic-Code
is then the full reply, so the paragraph only adds what the part lacks: the
SMTP command ("in reply to RCPT TO command") and the remote host. A relay or
an old version sometimes leaves the part out, and the paragraph is all there is.
"""

from __future__ import annotations

import re

from bounce_parser.lhost import _common
from bounce_parser.message import MessageView
from bounce_parser.types import Detection, Finding, Reason

_INTRODUCTION = re.compile(r"This is the (?:[\w-]+ )?(?:Postfix program|mail system) at host")
_RECIPIENT_LINE = re.compile(
    r"^<([^<>\s]{1,320}@[^<>\s]{1,255})>(?: \(expanded from <[^>]*>\))?:\s*(.*)$"
)
_HOST_SAID = re.compile(r"^host (\S+?)\[[^\]]{1,64}\] said:\s*")
_IN_REPLY_TO = re.compile(r"\s*\(in reply to (.{1,40}?)\)\s*$")

# Postfix's own texts that name the class.
_HINTS: tuple[tuple[str, Reason], ...] = (
    # "Host or domain name not found. Name service error for name=... type=A: Host not
    # found" is permanent; the same lookup ending in "try again" is temporary.
    ("Host not found, try again", Reason.NETWORKERROR),
    ("Host or domain name not found", Reason.HOSTUNKNOWN),
    # pipe(8) and local(8): the delivery command exited non-zero or ran too long.
    ("Command died with status", Reason.MAILERERROR),
    ("Command time limit exceeded", Reason.MAILERERROR),
)
_SUBJECTS = ("Undelivered Mail Returned to Sender", "Delayed Mail (still being retried)")
_REPORT_TYPES = ("message/delivery-status", "message/global-delivery-status")


def detect(view: MessageView) -> Detection | None:
    """Read a Postfix bounce or delay notice; None when the message is not one."""
    if not view.subject.startswith(_SUBJECTS):
        return None
    text = _common.cut_before(view.text, ())
    introduction = _INTRODUCTION.search(text)
    if introduction is None:
        return None

    has_report = bool(view.parts_of_type(*_REPORT_TYPES))
    findings: list[Finding] = []
    address: str | None = None
    lines: list[str] = []
    for line in text[introduction.end() :].split("\n"):
        recipient = _RECIPIENT_LINE.match(line)
        if recipient is None and address is not None and line.startswith((" ", "\t")):
            lines.append(line)
            continue
        if address is not None:
            findings.append(_finding(address, lines, has_report))
            address, lines = None, []
        if recipient is not None:
            address = _common.address_of(recipient.group(1))
            lines = [recipient.group(2)]
    if address is not None:
        findings.append(_finding(address, lines, has_report))
    if view.subject.startswith("Delayed Mail"):
        for finding in findings:
            finding.action = "delayed"
    return _common.detection("postfix", findings, view)


def _finding(address: str, lines: list[str], has_report: bool) -> Finding:
    text = " ".join(" ".join(lines).split())
    command: str | None = None
    in_reply_to = _IN_REPLY_TO.search(text)
    if in_reply_to is not None:
        command = _common.command_in(in_reply_to.group(1))
        text = text[: in_reply_to.start()]
    remote_mta: str | None = None
    host_said = _HOST_SAID.match(text)
    if host_said is not None:
        remote_mta, text = host_said.group(1), text[host_said.end() :]

    finding = _common.finding_from_reply(address, text, remote_mta=remote_mta, smtp_command=command)
    if host_said is None:
        for phrase, reason in _HINTS:
            if phrase in text:
                finding.reason_hint, finding.hint_evidence = reason, f"postfix:{phrase}"
                break
    if has_report:
        # The report part's Diagnostic-Code is the full text that this paragraph
        # summarises ("temporary failure" for a local "Disk quota exceeded").
        finding.diagnostic = finding.status = finding.reply_code = None
    return finding
