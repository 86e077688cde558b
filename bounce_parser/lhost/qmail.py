"""qmail and qmail-derived bounces: "Hi. This is the qmail-send program at ...".

qmail-send writes one block per address:

    <kijitora@example.jp>:
    192.0.2.1 does not like recipient.
    Remote host said: 550 5.1.1 User unknown
    Giving up on 192.0.2.1.

Local failures carry qmail's own text with a status in `(#5.1.1)` form. The
phrase before "Remote host said:" names the SMTP stage, and "I'm not going to
try again; this message has been in the queue too long." is appended to any
error once the queue lifetime ended, so it says nothing about the cause.

Two qmail-derived templates share the block layout: "Unable to deliver message
to the following address(es)." (old Yahoo! Mail and ISP relays, where the
queue-lifetime sentence is kept because no status names another cause) and
"Your mail message to the following address(es) could not be delivered."
"""

from __future__ import annotations

import re

from bounce_parser.lhost import _common
from bounce_parser.message import MessageView
from bounce_parser.types import Detection, Finding, Reason

_ORIGINAL_MARKERS = (
    "--- Below this line is a copy of the message",
    "--- Below this line is the original",
    "--- Enclosed are the original headers",
    "--- Enclosed is a copy of the message",
    "--- Undelivered message follows",
    # "--- Original message follows." (Yahoo!), "= Original message follows" (Yahoo! JAPAN).
    "Original message follows",
)
_INTRODUCTIONS = (
    "This is the qmail",
    "wasn't able to deliver your message",
    "Your mail message to the following address(es) could not be delivered",
)
_RELAY_INTRODUCTION = "Unable to deliver message to the following address(es)."
_RECIPIENT_LINE = re.compile(r"^<([^<>\s]{1,320}@[^<>\s]{1,255})>:\s*(.*)$")
_QUEUE_TOO_LONG = re.compile(
    r"I'm not going to try again; this\s+message has been in the queue too long\.?"
)
_REMOTE_SAID = re.compile(r"Remote host said:\s*")
_GIVING_UP = re.compile(r"\s*Giving up on (\S+?)\.?(?:\s|$)")
_PATCH_PREFIX = re.compile(r"^From: <[^>]*> RCPT: <[^>]*>\s*")

# qmail-remote's phrases for the stage at which the remote server refused.
_STAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Connected to (\S+) but greeting failed"), "CONN"),
    (re.compile(r"Connected to (\S+) but my name was rejected"), "HELO"),
    (re.compile(r"Connected to (\S+) but sender was rejected"), "MAIL"),
    (re.compile(r"(\S+) does not like recipient"), "RCPT"),
    (re.compile(r"(\S+) failed on DATA command"), "DATA"),
    (re.compile(r"(\S+) failed after I sent the message"), "DATA"),
)

# qmail's own messages that name the class.
_HINTS: tuple[tuple[str, Reason], ...] = (
    ("Sorry, I couldn't find any host named", Reason.HOSTUNKNOWN),
    ("Sorry, I couldn't find any host by that name", Reason.HOSTUNKNOWN),
    ("Sorry, I couldn't find a mail exchanger or IP address", Reason.NOTACCEPT),
    ("Sorry, I wasn't able to establish an SMTP connection", Reason.NETWORKERROR),
)
_ADDRESS_REASONS = frozenset({Reason.HOSTUNKNOWN, Reason.NOTACCEPT})


def detect(view: MessageView) -> Detection | None:
    """Read a qmail bounce; None when the message is not one."""
    if "failure" not in view.subject.lower() and "mailer-daemon" not in view.from_.lower():
        return None
    text = view.text
    is_relay = _RELAY_INTRODUCTION in text
    if not is_relay and not any(introduction in text for introduction in _INTRODUCTIONS):
        return None

    body = _common.cut_before(text, _ORIGINAL_MARKERS)
    findings: list[Finding] = []
    address: str | None = None
    lines: list[str] = []
    for line in body.split("\n"):
        recipient = _RECIPIENT_LINE.match(line)
        if recipient is None:
            lines.append(line)
            continue
        if address is not None:
            findings.append(_read_block(address, lines, is_relay))
        address = _common.address_of(recipient.group(1))
        lines = [recipient.group(2)]
    if address is not None:
        findings.append(_read_block(address, lines, is_relay))
    return _common.detection("qmail", findings, view)


def _read_block(address: str, lines: list[str], is_relay: bool) -> Finding:
    # Lines stay separate so that a multi-line reply ("550-5.7.1 ...") joins cleanly.
    text = "\n".join(line.strip().lstrip("/") for line in lines if line.strip())
    if not is_relay:
        text = _QUEUE_TOO_LONG.sub(" ", text)
    text = _PATCH_PREFIX.sub("", text).strip()

    remote_mta: str | None = None
    command: str | None = None
    for pattern, stage in _STAGES:
        match = pattern.search(text)
        if match is not None:
            remote_mta, command = match.group(1).rstrip("."), stage
            break
    giving_up = _GIVING_UP.search(text)
    if giving_up is not None:
        remote_mta = remote_mta or giving_up.group(1)
        text = text[: giving_up.start()]

    said = _REMOTE_SAID.search(text)
    if said is not None:
        diagnostic = _common.join_reply(text[said.end() :].split("\n"))
    else:
        diagnostic = " ".join(text.split())
    finding = _common.finding_from_reply(
        address, diagnostic, remote_mta=remote_mta, smtp_command=command
    )
    # The relay template keeps the queue-lifetime sentence: that, not the last
    # attempt's error, is then the cause.
    gave_up = is_relay and _QUEUE_TOO_LONG.search(diagnostic) is not None
    # "(#4.1.2)": a temporary lookup failure is not a missing domain.
    is_temporary = (finding.status or "").startswith("4")
    if said is None and not gave_up:
        for phrase, reason in _HINTS:
            if reason in _ADDRESS_REASONS and is_temporary:
                continue
            if phrase in diagnostic:
                finding.reason_hint, finding.hint_evidence = reason, f"qmail:{phrase}"
                break
    return finding
