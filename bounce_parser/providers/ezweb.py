"""Bounces from au by KDDI's mobile mail (ezweb.ne.jp, au.com).

The notice opens with Japanese lines (declared ISO-2022-JP, often EUC-JP in
fact) followed by English ones, which are what this module reads: the failed
addresses as `<user@ezweb.ne.jp>` alone, `<user@...>: reply` or an indented
"Recipient: <user@...>", an optional session transcript (">>> RCPT TO:",
"<<< 550 ..."), and au's own explanation such as "The user(s) account is
disabled.". A header `X-SPASIGN: NG` marks a rejection by the recipient's
spam and domain filter.
"""

from __future__ import annotations

import re

from bounce_parser.message import MessageView
from bounce_parser.providers._common import cut_at, join_lines, make_finding
from bounce_parser.types import Detection, Finding, Reason, ReportKind

FAMILY = "ezweb"

_SENDER = re.compile(r"postmaster@(?:ezweb\.ne\.jp|au\.com)", re.IGNORECASE)
_MESSAGE_ID = re.compile(r"[.@](?:ezweb\.ne\.jp|au\.com)>\s*$", re.IGNORECASE)
_SUBJECT = "Mail System Error - Returned Mail"
_ORIGINAL_MARKERS = ("-" * 50,)
_RECIPIENT = re.compile(r"^(?:Recipient:\s*)?<([^\s<>]+@[^\s<>]+)>:?\s*(.*)$")
_COMMAND = re.compile(r"^>>>\s+([A-Z]{4})")
_REPLY = re.compile(r"^<<<\s+(.*)$")

#: au's own explanations and the reason each states.
_EXPLANATIONS: tuple[tuple[str, Reason, str], ...] = (
    ("account is temporarily over quota", Reason.MAILBOXFULL, "over_quota"),
    ("account is disabled", Reason.SUSPEND, "account_disabled"),
    ("account is temporarily limited", Reason.SUSPEND, "account_limited"),
    ("Your message was not delivered within", Reason.EXPIRED, "not_delivered_within"),
)


def detect(view: MessageView) -> Detection | None:
    """Read an au (EZweb) mobile mail bounce."""
    if not _has_ezweb_signals(view):
        return None
    notice = cut_at(view.text, _ORIGINAL_MARKERS)
    recipients, explanation = _read_notice(notice)
    if not recipients:
        return None

    hint = _hint(view, explanation)
    findings: list[Finding] = []
    for address, command, reply in recipients:
        finding = make_finding(address, reply or explanation or None, command=command)
        if finding is None:
            continue
        if hint is not None:
            finding.reason_hint, finding.hint_evidence = hint
        findings.append(finding)
    if not findings:
        return None
    return Detection(ReportKind.DELIVERY_STATUS, FAMILY, findings)


def _has_ezweb_signals(view: MessageView) -> bool:
    # Two of four signals are required because au's relays rewrite some of
    # them. The sender or the subject must be one, so other mail costs no
    # header lookup.
    signals = int(bool(_SENDER.search(view.from_))) + int(view.subject == _SUBJECT)
    if signals >= 2:
        return True
    if signals == 0:
        return False
    signals += int(bool(_MESSAGE_ID.search(view.header("Message-ID") or "")))
    signals += int("(EZweb Mail) with" in (view.header("Received") or ""))
    return signals >= 2


def _read_notice(notice: str) -> tuple[list[tuple[str, str | None, str]], str]:
    recipients: list[tuple[str, str | None, str]] = []
    english: list[str] = []
    for raw in notice.split("\n"):
        line = raw.strip()
        if not line or not line.isascii():
            continue
        recipient = _RECIPIENT.match(line)
        command = _COMMAND.match(line)
        reply = _REPLY.match(line)
        if recipient:
            recipients.append((recipient.group(1), None, recipient.group(2)))
        elif command and recipients:
            address, _, text = recipients[-1]
            recipients[-1] = (address, command.group(1), text)
        elif reply and recipients:
            address, verb, text = recipients[-1]
            recipients[-1] = (address, verb, join_lines([text, reply.group(1)]))
        elif not recipients or not line.startswith(("Received:", "From:", "To:")):
            english.append(line)
    return recipients, join_lines(english)


def _hint(view: MessageView, explanation: str) -> tuple[Reason, str] | None:
    if (view.header("X-SPASIGN") or "").strip().upper() == "NG":
        return Reason.FILTERED, "provider=ezweb:x-spasign"
    for text, reason, name in _EXPLANATIONS:
        if text in explanation:
            return reason, f"provider=ezweb:{name}"
    return None
