"""Helpers shared by the provider detectors: text cutting, findings, RFC 3464 fields.

Provider notices are mostly free text with the remote server's reply pasted in.
These helpers cut the notice from the returned original, pull the status and
reply codes out of the pasted reply and read RFC 3464 per-recipient fields
where a provider copies them into plain text.
"""

from __future__ import annotations

import email.message
import re
from collections.abc import Iterable

from bounce_parser.address import normalise_address
from bounce_parser.message import MessageView
from bounce_parser.status import find_reply_code, find_status
from bounce_parser.types import Finding

#: Characters of a notice that detectors read; provider texts are short and the
#: remainder is the returned original.
MAX_NOTICE_CHARS = 16 * 1024

_FIELD_LINE = re.compile(r"^([A-Za-z][A-Za-z-]{1,40})\s*:\s*(.*)$")
_SMTP_COMMAND = re.compile(
    r"\b(HELO|EHLO|MAIL FROM|RCPT TO|DATA|RSET|STARTTLS|AUTH)\b|\[(MAIL_FROM|RCPT_TO|DATA)\]",
    re.IGNORECASE,
)
_TYPED_VALUE = re.compile(r"^\s*[\w.-]{1,20}\s*;\s*")
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
    """Return the SMTP command a notice says the failure followed, or None."""
    if not text:
        return None
    match = _SMTP_COMMAND.search(text)
    if match is None:
        return None
    command = (match.group(1) or match.group(2)).upper().replace("_", " ")
    return command.split()[0] if command != "MAIL FROM" else "MAIL"


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


def delivery_status_text(view: MessageView) -> str:
    """Return the text of the message/delivery-status parts, blocks separated by blank lines."""
    blocks: list[str] = []
    for part in view.parts_of_type("message/delivery-status"):
        payload = part.get_payload()
        if isinstance(payload, list):
            blocks.extend(
                _block_text(block) for block in payload if isinstance(block, email.message.Message)
            )
        elif isinstance(payload, str):
            blocks.append(payload)
    return "\n\n".join(blocks).replace("\r\n", "\n")


def _block_text(block: email.message.Message) -> str:
    return "\n".join(f"{name}: {value}" for name, value in block.items())


def read_dsn_fields(text: str) -> list[Finding]:
    """Read RFC 3464 per-recipient fields (section 2.3) from `text`, one finding each.

    A group starts at Final-Recipient, or at Action when a sender writes Action
    first (Amazon SES does); continuation lines of Diagnostic-Code are joined.
    """
    groups: list[dict[str, str]] = []
    current: dict[str, str] = {}
    last_name = ""
    for line in text.split("\n"):
        if line[:1] in (" ", "\t") and last_name and line.strip():
            current[last_name] = current.get(last_name, "") + " " + line.strip()
            continue
        match = _FIELD_LINE.match(line.strip())
        if match is None:
            last_name = ""
            continue
        name, value = match.group(1).lower(), match.group(2).strip()
        opens_group = name == "final-recipient" or (name == "action" and "action" in current)
        if opens_group and "final-recipient" in current:
            groups.append(current)
            current = {}
        current[name] = value
        last_name = name
    if "final-recipient" in current:
        groups.append(current)
    findings = (_finding_from_fields(group) for group in groups)
    return [finding for finding in findings if finding is not None]


def _finding_from_fields(fields: dict[str, str]) -> Finding | None:
    diagnostic = _TYPED_VALUE.sub("", fields.get("diagnostic-code", "")) or None
    remote = _TYPED_VALUE.sub("", fields.get("remote-mta", "")) or None
    finding = make_finding(
        fields.get("final-recipient"),
        diagnostic,
        status=find_status(fields.get("status")),
        action=(fields.get("action") or "failed").lower(),
        remote_mta=remote,
    )
    if finding is not None:
        finding.final_recipient = finding.address
        finding.original_recipient = normalise_address(fields.get("original-recipient"))
    return finding
