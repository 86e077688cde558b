"""Microsoft Exchange 5.5 to 2003 bounces: "did not reach the following recipient(s)".

The Internet Mail Service writes one block per recipient with an Exchange
diagnostic code in brackets:

    kijitora@example.jp on Thu, 29 Apr 2007 16:51:51 -0500
        The recipient name is not recognized
        MSEXCH:IMS:EXAMPLE:SITE:SERVER 0 (000C05A6) Unknown Recipient

Exchange 2007 and later write RFC 3464 reports, which the standard reader
handles.
"""

from __future__ import annotations

import re

from bounce_parser.lhost import _common
from bounce_parser.message import MessageView
from bounce_parser.types import Detection, Finding, Reason

# Exchange 5.5 Internet Mail Service, and Exchange 2000/2003 SMTP, headings.
_STARTS = (
    "did not reach the following recipient(s):",
    "The following recipient(s) could not be reached:",
)
_RECIPIENT_LINE = re.compile(r"^<?([^<>\s]{1,320}@[^<>\s]{1,255}?)>? on (.+)$")
_EXCHANGE_CODE = re.compile(r"\(([0-9A-F]{8})\)")

# Exchange's own diagnostic codes whose meaning is one class.
_CODES: dict[str, Reason] = {
    "000C05A6": Reason.USERUNKNOWN,  # Unknown Recipient
    "00120270": Reason.NETWORKERROR,  # Too Many Hops
    "000C0595": Reason.FILTERED,  # Ambiguous Recipient
}


def detect(view: MessageView) -> Detection | None:
    """Read an Exchange 2003 non-delivery report; None when the message is not one."""
    sender = view.from_.lower()
    # The string tests come first: they are cheaper than header lookups.
    if not (
        view.subject.startswith("Undeliverable")
        or "postmaster" in sender
        or "administrator" in sender
        or view.msg.get("X-MS-Embedded-Report") is not None
        or (view.header("X-MimeOLE") or "").startswith("Produced By Microsoft Exchange")
    ):
        return None
    text = view.text
    for heading in _STARTS:
        start = text.find(heading)
        if start >= 0:
            break
    if start < 0:
        return None

    findings: list[Finding] = []
    lines: list[str] = []
    address: str | None = None
    for line in text[start + len(heading) : start + _common.MAX_SCAN_CHARS].split("\n"):
        recipient = _RECIPIENT_LINE.match(line.strip())
        if recipient is None and address is not None and line.strip():
            lines.append(line)
            continue
        if address is not None:
            findings.append(_finding(address, lines))
            address, lines = None, []
        if recipient is not None:
            address = _common.address_of(recipient.group(1))
        elif findings:
            break
    if address is not None:
        findings.append(_finding(address, lines))
    return _common.detection("exchange2003", findings, view)


def _finding(address: str, lines: list[str]) -> Finding:
    kept: list[str] = []
    skip_continuation = False
    for line in lines:
        stripped = line.strip()
        # The MTS-ID line wraps onto a line starting at column 0.
        if stripped.startswith("The MTS-ID of the original message is"):
            skip_continuation = True
            continue
        if skip_continuation and ";" in stripped and "=" in stripped:
            continue
        skip_continuation = False
        kept.append(stripped)
    diagnostic = " ".join(kept)
    finding = _common.finding_from_reply(address, diagnostic)
    code = _EXCHANGE_CODE.search(diagnostic)
    if code is not None and code.group(1) in _CODES:
        finding.reason_hint = _CODES[code.group(1)]
        finding.hint_evidence = f"exchange:{code.group(1)}"
    return finding
