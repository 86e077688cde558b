"""Lotus Notes bounces without an RFC 3464 part: "Undeliverable message".

    ------- Failure Reasons  --------
    User  not listed in public Name & Address Book
    kijitora@example.jp
    ------- Returned Message --------

Text in Japanese installations comes in ISO-2022-JP, which the message view
decodes.
"""

from __future__ import annotations

import re

from bounce_parser.lhost import _common
from bounce_parser.message import MessageView
from bounce_parser.types import Detection, Finding, Reason

_START = "------- Failure Reasons"
_ORIGINAL_MARKERS = ("------- Returned Message",)
_ADDRESS_LINE = re.compile(r"^<?([^<>\s]{1,320}@[^<>\s]{1,255}?)>?$")
# Notes' own text for a recipient missing from its directory.
_NOT_LISTED = re.compile(r"User\s+not\s+listed\s+in\s+(?:public\s+)?Name\s+&\s+Address\s+Book")


def detect(view: MessageView) -> Detection | None:
    """Read a Lotus Notes bounce; None when the message is not one."""
    if not view.subject.startswith("Undeliverable message"):
        return None
    text = _common.cut_before(view.text, _ORIGINAL_MARKERS)
    start = text.find(_START)
    if start < 0:
        return None

    findings: list[Finding] = []
    reason: list[str] = []
    for line in text[start:].split("\n")[1:]:
        stripped = line.strip()
        address_line = _ADDRESS_LINE.match(stripped)
        address = _common.address_of(address_line.group(1)) if address_line else None
        if address is None:
            if stripped:
                reason.append(stripped)
            continue
        findings.append(_finding(address, " ".join(reason)))
        reason = []
    return _common.detection("notes", findings, view)


def _finding(address: str, reason: str) -> Finding:
    finding = _common.finding_from_reply(address, reason)
    if _NOT_LISTED.search(reason):
        finding.reason_hint, finding.hint_evidence = Reason.USERUNKNOWN, "notes:not listed"
    return finding
