"""Text helpers shared by the MTA detectors: cutting, joining and SMTP reply fields.

MTA bounces quote the remote server's reply inside their own prose, wrapped at
70-80 columns and often as an SMTP multi-line reply (RFC 5321 section 4.2,
`550-...` lines ending with `550 ...`). These helpers turn such a block into one
diagnostic string and read the reply code, the enhanced status code (RFC 3463)
and the SMTP command from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bounce_parser.address import normalise_address
from bounce_parser.dsn import detect_dsn
from bounce_parser.message import MessageView
from bounce_parser.types import Detection, Finding, ReportKind

#: Characters of bounce text a detector scans; the prose sits at the top.
MAX_SCAN_CHARS = 64 * 1024

_STATUS = re.compile(r"(?<![\w.])([245]\.\d{1,3}\.\d{1,3})(?!\.?\d)")
_REPLY_AT_START = re.compile(r"^([245]\d\d)(?:[ -]|$)")
_CONTINUATION = re.compile(r"^([245]\d\d)[ -](?:([245]\.\d{1,3}\.\d{1,3})\s)?\s*")
_SPACES = re.compile(r"\s+")

# SMTP commands as MTAs name them in their prose, mapped to RFC 3464 style names.
_COMMANDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bRCPT\b|\brecipient\b", re.IGNORECASE), "RCPT"),
    (re.compile(r"\bMAIL\b|\bsender\b", re.IGNORECASE), "MAIL"),
    (re.compile(r"\bDATA\b|end of data|after I sent the message", re.IGNORECASE), "DATA"),
    (re.compile(r"\b(?:EHLO|HELO|LHLO)\b|my name", re.IGNORECASE), "HELO"),
    (re.compile(r"initial connection|greeting|\bconnect", re.IGNORECASE), "CONN"),
    (re.compile(r"\bSTARTTLS\b", re.IGNORECASE), "STARTTLS"),
)


def cut_before(text: str, markers: Iterable[str]) -> str:
    """Return `text` up to the first of `markers` (case-sensitive), capped in size."""
    text = text[:MAX_SCAN_CHARS]
    end = len(text)
    for marker in markers:
        index = text.find(marker, 0, end)
        if index >= 0:
            end = index
    return text[:end]


def join_reply(lines: Iterable[str]) -> str:
    """Join wrapped or multi-line SMTP reply lines into one diagnostic string.

    Repeated `550-5.7.1` prefixes of continuation lines are dropped, so the
    result reads `550 5.7.1 first line second line`.
    """
    words: list[str] = []
    first_code: str | None = None
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        match = _CONTINUATION.match(line)
        if match and first_code is None:
            first_code = match.group(1)
            status = f"{match.group(2)} " if match.group(2) else ""
            line = f"{first_code} {status}{line[match.end() :]}"
        elif match and match.group(1) == first_code:
            line = line[match.end() :]
        words.append(line)
    return _SPACES.sub(" ", " ".join(words)).strip()


def find_status(text: str | None) -> str | None:
    """Return the first RFC 3463 status code in `text`."""
    if not text:
        return None
    match = _STATUS.search(text)
    return match.group(1) if match else None


def reply_code_at_start(text: str | None) -> str | None:
    """Return the SMTP reply code that `text` starts with."""
    if not text:
        return None
    match = _REPLY_AT_START.match(text.lstrip())
    return match.group(1) if match else None


def command_in(text: str | None) -> str | None:
    """Return the SMTP command that `text` (an MTA's "after X" phrase) names."""
    if not text:
        return None
    for pattern, command in _COMMANDS:
        if pattern.search(text):
            return command
    return None


def address_of(text: str | None) -> str | None:
    """Return the address in `text` in normal form (domain lower-cased)."""
    return normalise_address(text)


def finding_from_reply(address: str, diagnostic: str | None, **fields: str | None) -> Finding:
    """Build a finding whose reply code and status are read from `diagnostic`.

    Values in `fields` win over the ones read from the text.
    """
    diagnostic = diagnostic or None
    finding = Finding(
        address=address,
        action="failed",
        status=find_status(diagnostic),
        reply_code=reply_code_at_start(diagnostic),
        diagnostic=diagnostic,
    )
    for name, value in fields.items():
        if value is not None:
            setattr(finding, name, value)
    return finding


def detection(family: str, findings: list[Finding], view: MessageView) -> Detection | None:
    """Wrap `findings` in a delivery-status detection, or None when there are none.

    When the bounce also carries an RFC 3464 part, its fields fill the ones the
    text left empty (Exim writes Status only there), and its Action: delayed
    wins. Recipients that only the part names are not added, because they are
    aliases or forwards of the ones the text lists. A finding whose address has
    no domain and that the part does not qualify is dropped.
    """
    if not findings:
        return None
    # Some bounces carry the RFC 3464 fields in a part labelled otherwise, or in a
    # body whose MIME structure is broken. The standard reader finds those too.
    has_fields = "final-recipient:" in view.text_lower
    if has_fields or view.parts_of_type(*_STATUS_PART_TYPES):
        _merge_dsn(findings, view)
    findings = [finding for finding in findings if "@" in finding.address]
    if not findings:
        return None
    return Detection(kind=ReportKind.DELIVERY_STATUS, family=family, findings=findings)


_STATUS_PART_TYPES = ("message/delivery-status", "message/global-delivery-status")
_MERGED_FIELDS = (
    "status",
    "reply_code",
    "remote_mta",
    "diagnostic",
    "smtp_command",
    "original_recipient",
    "final_recipient",
    "arrival_date",
)


def _merge_dsn(findings: list[Finding], view: MessageView) -> None:
    standard = detect_dsn(view)
    if standard is None:
        return
    by_address = {finding.address.lower(): finding for finding in findings}
    is_one_each = len(findings) == 1 and len(standard.findings) == 1
    for other in standard.findings:
        own = by_address.get(other.address.lower())
        # One recipient on each side is the same failure even when an alias, a
        # forward or a Sendmail "Postmaster notify" makes the text name another
        # address. Final-Recipient is the address the sender used, so it wins.
        if own is None and is_one_each:
            own = findings[0]
            own.address = other.address
        if own is None:
            continue
        for name in _MERGED_FIELDS:
            if getattr(own, name) is None:
                setattr(own, name, getattr(other, name))
        if (other.action or "").lower() == "delayed":
            own.action = "delayed"
        # The remote server's code in the diagnostic is more precise than the
        # Status the reporting MTA derived from it (OpenSMTPD writes 5.0.0).
        quoted = find_status(own.diagnostic)
        if quoted is not None and own.status == other.status:
            own.status = quoted
