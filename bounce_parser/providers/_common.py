"""Helpers shared by the provider detectors: cutting the notice, building findings.

Provider notices are mostly free text with the remote server's reply pasted in.
These helpers cut the notice from the returned original and pull the status
and reply codes out of the pasted reply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bounce_parser.address import normalise_address
from bounce_parser.status import find_reply_code, find_status
from bounce_parser.types import Finding

#: Characters of a notice that detectors read; provider texts are short and the
#: remainder is the returned original.
MAX_NOTICE_CHARS = 16 * 1024

#: Where a reply names the command it replied to: "in reply to RCPT TO command",
#: "after MAIL FROM", or Yahoo's "[RCPT_TO]" tag.
_SMTP_COMMAND = re.compile(
    r"(?:in reply to|after)\s+(HELO|EHLO|MAIL FROM|RCPT TO|DATA|end of data)\b"
    r"|\[(MAIL_FROM|RCPT_TO|DATA)\]",
    re.IGNORECASE,
)
#: A reply code opening a reply, also in the `550: User unknown` form that
#: Yahoo and some gateways print.
_LEADING_REPLY_CODE = re.compile(r"^([245][0-5]\d)(?=[\s:-]|$)")


def cut_at(text: str, markers: Iterable[str]) -> str:
    """Return `text` up to the first of `markers`, at most MAX_NOTICE_CHARS of it."""
    text = text[:MAX_NOTICE_CHARS]
    end = len(text)
    for marker in markers:
        position = text.find(marker)
        if 0 <= position < end:
            end = position
    return text[:end]


def join_lines(lines: Iterable[str]) -> str:
    """Join wrapped lines of one reply into one line with single spaces."""
    return " ".join(" ".join(lines).split())


def smtp_command(text: str | None) -> str | None:
    """Return the SMTP command that a reply names as the one it replied to, or None."""
    if not text:
        return None
    match = _SMTP_COMMAND.search(text)
    if match is None:
        return None
    command = (match.group(1) or match.group(2)).upper().replace("_", " ")
    return "DATA" if command == "END OF DATA" else command.split()[0]


def make_finding(
    address: str | None,
    diagnostic: str | None,
    *,
    status: str | None = None,
    reply_code: str | None = None,
    action: str = "failed",
    remote_mta: str | None = None,
    command: str | None = None,
) -> Finding | None:
    """Build a finding from a recipient and the server's reply, codes read from the reply."""
    normal = normalise_address(address)
    if normal is None or "@" not in normal:
        return None
    text = join_lines([diagnostic]) if diagnostic else None
    return Finding(
        address=normal,
        action=action,
        status=status or find_status(text),
        reply_code=reply_code or find_reply_code(text) or _leading_reply_code(text),
        remote_mta=remote_mta,
        diagnostic=text or None,
        smtp_command=command or smtp_command(text),
    )


def _leading_reply_code(text: str | None) -> str | None:
    match = _LEADING_REPLY_CODE.match(text or "")
    return match.group(1) if match else None
