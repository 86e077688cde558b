"""Yahoo Mail's (and AOL's, on Yahoo's servers) "Failure Notice" bounces.

The notice is one text/plain part: "Sorry, we were unable to deliver your
message to the following address." (older servers: "Unable to deliver message
to the following address(es)."), then for each recipient a line `<address>:`
followed by the remote reply, usually after "Remote host said:" and ending
with the SMTP command in brackets such as `[RCPT_TO]`, and finally
"--- Below this line is a copy of the message.".
"""

from __future__ import annotations

import re

from bounce_parser.message import MessageView
from bounce_parser.providers._common import cut_at, join_lines, make_finding
from bounce_parser.types import Detection, Finding, Reason, ReportKind

FAMILY = "yahoo"

_ORIGINAL_MARKERS = (
    "--- Below this line is a copy of the message",
    "--- Original message follows.",
)
_STARTS = (
    "Sorry, we were unable to deliver your message",
    "Unable to deliver message to the following address",
)
_RECIPIENT_LINE = re.compile(r"^<([^<>\s]+@[^<>\s]+)>:\s*(.*)$")
_COMMAND_TAG = re.compile(r"\s*\[(RCPT_TO|MAIL_FROM|DATA|CONNECT|EHLO|HELO)[^\]]*\]\s*$")
_REMOTE_SAID = re.compile(r"^Remote host said:\s*")

#: Yahoo's own words where it gives no remote reply.
_EXPLANATIONS: tuple[tuple[str, Reason, str], ...] = (
    ("No mx record found for domain", Reason.NOTACCEPT, "no_mx_record"),
)


def detect(view: MessageView) -> Detection | None:
    """Read a Yahoo Mail failure notice."""
    sender = view.from_.lower()
    if "yahoo" not in sender and "@aol." not in sender and view.header("X-YMailISG") is None:
        return None
    notice = cut_at(view.text, _ORIGINAL_MARKERS)
    start = min((i for i in (notice.find(s) for s in _STARTS) if i >= 0), default=-1)
    if start < 0:
        return None

    findings: list[Finding] = []
    for address, reply_lines in _recipient_blocks(notice[start:].split("\n")[1:]):
        finding = _finding(address, reply_lines)
        if finding is not None:
            findings.append(finding)
    if not findings:
        return None
    return Detection(ReportKind.DELIVERY_STATUS, FAMILY, findings)


def _recipient_blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    blocks: list[tuple[str, list[str]]] = []
    for line in lines:
        match = _RECIPIENT_LINE.match(line.strip())
        if match:
            blocks.append((match.group(1), [match.group(2)]))
        elif blocks and line.strip():
            blocks[-1][1].append(line.strip())
    return blocks


def _finding(address: str, reply_lines: list[str]) -> Finding | None:
    reply = _REMOTE_SAID.sub("", join_lines(reply_lines))
    command_tag = _COMMAND_TAG.search(reply)
    command = None
    if command_tag:
        command = command_tag.group(1).split("_")[0]
        reply = reply[: command_tag.start()]
    finding = make_finding(address, reply or None, command=command)
    if finding is None:
        return None
    for text, reason, name in _EXPLANATIONS:
        if text in reply:
            finding.reason_hint, finding.hint_evidence = reason, f"provider=yahoo:{name}"
    return finding
