"""Mail.Ru bounces: an Exim failure report with a Russian preface.

Mail.Ru's servers run Exim and prepend a Russian copy of the report ("Это
письмо создано автоматически сервером Mail.Ru") whose recipient lines may lack
the domain. Only the English block is read: after "The following address(es)
failed:" each address is indented two spaces and its error four, as
``SMTP error from remote mail server after RCPT TO:<...>: host mx.example.com
[192.0.2.1]: 550 5.1.1 ...``, wrapped over several lines. X-Failed-Recipients
lists the same addresses and serves when the block is missing.
"""

from __future__ import annotations

import re

from bounce_parser.message import MessageView
from bounce_parser.providers._common import cut_at, join_lines, make_finding
from bounce_parser.types import Detection, Finding, ReportKind

FAMILY = "mailru"

_SENDER_DOMAINS = re.compile(r"@(?:[\w-]+\.)*(?:mail\.ru|smailru\.net)\b", re.IGNORECASE)
_ORIGINAL_MARKERS = ("------ This is a copy of the message", "------ This is a copy of its headers")
_FAILED_HEADING = re.compile(r"following address(?:\(es\))? failed:\s*\n", re.IGNORECASE)
_ADDRESS_LINE = re.compile(r"^  <?([^\s<>]+@[^\s<>]+?)>?\s*$")
_SMTP_ERROR = re.compile(
    r"SMTP error from remote (?:mail server|server) after ([A-Z ]+?)(?::<[^>]*>)?[^:]*:\s*"
    r"host\s+([\w.-]+)(?:\s+\[[\d.:a-fA-F]+\])?:\s*(.*)",
    re.DOTALL,
)
_COMMANDS = {"RCPT TO": "RCPT", "MAIL FROM": "MAIL", "END OF DATA": "DATA", "DATA": "DATA"}


def detect(view: MessageView) -> Detection | None:
    """Read a Mail.Ru failure report."""
    if not _SENDER_DOMAINS.search(view.from_):
        return None
    notice = cut_at(view.text, _ORIGINAL_MARKERS)
    heading = _FAILED_HEADING.search(notice)
    if heading is None:
        return None

    findings: list[Finding] = []
    for address, lines in _address_blocks(notice[heading.end() :]):
        finding = _finding(address, lines)
        if finding is not None:
            findings.append(finding)
    if not findings:
        findings = _from_failed_header(view)
    if not findings:
        return None
    return Detection(ReportKind.DELIVERY_STATUS, FAMILY, findings)


def _address_blocks(text: str) -> list[tuple[str, list[str]]]:
    blocks: list[tuple[str, list[str]]] = []
    for line in text.split("\n"):
        match = _ADDRESS_LINE.match(line)
        if match:
            blocks.append((match.group(1), []))
        elif blocks and line.startswith("    ") and line.strip():
            blocks[-1][1].append(line.strip())
        elif blocks and line.strip():
            break
    return blocks


def _finding(address: str, lines: list[str]) -> Finding | None:
    text = join_lines(lines)
    error = _SMTP_ERROR.search(text)
    if error is None:
        return make_finding(address, text or None)
    command = _COMMANDS.get(error.group(1).strip().upper())
    return make_finding(address, error.group(3), remote_mta=error.group(2), command=command)


def _from_failed_header(view: MessageView) -> list[Finding]:
    header = view.header("X-Failed-Recipients") or ""
    findings = (make_finding(address, None) for address in header.split(","))
    return [finding for finding in findings if finding is not None]
