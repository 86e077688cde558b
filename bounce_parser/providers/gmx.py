"""Bounces from United Internet's mail systems: GMX, mail.com, WEB.DE and 1&1.

They share one plain-text template: "The following address failed:" (the
heading may wrap), each address alone on a line (GMX quotes it and appends a
colon), then the error: GMX writes "SMTP error from remote server after RCPT
command:", "host: mx.example.com" and the reply; 1&1 writes "For the
following reason:" and its own explanation. The notice ends at "--- The
header of the original message is following. ---".
"""

from __future__ import annotations

import re

from bounce_parser.message import MessageView
from bounce_parser.providers._common import cut_at, join_lines, make_finding
from bounce_parser.types import Detection, Finding, ReportKind

FAMILY = "gmx"
FAMILY_EINSUNDEINS = "einsundeins"

_ORIGINAL_MARKER = "--- The header of the original message is following. ---"
_SENDERS = re.compile(
    r"@(?:[\w-]+\.)*(?:gmx\.\w+|mail\.com|web\.de|kundenserver\.\w+|1and1\.\w+|ionos\.\w+)\b",
    re.IGNORECASE,
)
_FAILED_HEADING = re.compile(r"following\s+address(?:\(es\)|es)?\s+failed:\s*\n", re.IGNORECASE)
_ADDRESS_LINE = re.compile(r"^\"?<?([^\s<>\"]+@[^\s<>\"]+?)>?\"?:?$")
_COMMAND_LINE = re.compile(
    r"^SMTP error from remote server (?:after|in reply to) (\w+)", re.IGNORECASE
)
_HOST_LINE = re.compile(r"^host:\s*([\w.-]+)", re.IGNORECASE)
#: 1&1 puts the whole error on one line: "SMTP error from remote server for
#: TEXT command, host: mx.example.com (192.0.2.1) reason: 550 5.2.0 ...".
_ONE_LINE_ERROR = re.compile(
    r"^SMTP error from remote server for (\w+) command,\s*host:\s*([\w.-]+)[^:]*?reason:\s*(.*)$",
    re.IGNORECASE,
)
#: 1&1 names the message transfer "TEXT"; it is the DATA phase.
_COMMAND_NAMES = {"TEXT": "DATA"}
_EINSUNDEINS = re.compile(r"@(?:[\w-]+\.)*(?:kundenserver|1and1|ionos)\.", re.IGNORECASE)
_SKIPPED = re.compile(r"^For the following reason:$", re.IGNORECASE)


def detect(view: MessageView) -> Detection | None:
    """Read a GMX, WEB.DE, mail.com or 1&1 failure notice."""
    if not _SENDERS.search(view.from_) and _ORIGINAL_MARKER not in view.text[:16384]:
        return None
    notice = cut_at(view.text, (_ORIGINAL_MARKER,))
    heading = _FAILED_HEADING.search(notice)
    if heading is None:
        return None

    findings: list[Finding] = []
    for address, lines in _address_blocks(notice[heading.end() :]):
        finding = _finding(address, lines)
        if finding is not None:
            findings.append(finding)
    if not findings:
        return None
    family = FAMILY_EINSUNDEINS if _EINSUNDEINS.search(view.from_) else FAMILY
    return Detection(ReportKind.DELIVERY_STATUS, family, findings)


def _address_blocks(text: str) -> list[tuple[str, list[str]]]:
    blocks: list[tuple[str, list[str]]] = []
    for raw in text.split("\n"):
        line = raw.strip()
        match = _ADDRESS_LINE.match(line)
        if match:
            blocks.append((match.group(1), []))
        elif blocks and line and not _SKIPPED.match(line):
            blocks[-1][1].append(line)
    return blocks


def _finding(address: str, lines: list[str]) -> Finding | None:
    command: str | None = None
    host: str | None = None
    reply: list[str] = []
    for line in lines:
        one_line = _ONE_LINE_ERROR.match(line)
        if one_line:
            command = one_line.group(1).upper()
            host = one_line.group(2)
            reply.append(one_line.group(3))
            continue
        command_match = _COMMAND_LINE.match(line)
        host_match = _HOST_LINE.match(line)
        if command_match:
            command = command_match.group(1).upper()
        elif host_match:
            host = host_match.group(1)
        else:
            reply.append(line)
    if command is not None:
        command = _COMMAND_NAMES.get(command, command)
    return make_finding(address, join_lines(reply) or None, remote_mta=host, command=command)
