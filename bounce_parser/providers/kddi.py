"""Bounces from KDDI's au one net and DION mail servers (auone-net.jp, dion.ne.jp).

The notice is short English text: "Your mail sent on: <date>" (or "Your mail
attempted to be delivered on:"), an indented "Could not be delivered to:
<user@example.jp>" per recipient and KDDI's explanation, such as "As their
mailbox is full.".
"""

from __future__ import annotations

import re

from bounce_parser.message import MessageView
from bounce_parser.providers._common import MAX_NOTICE_CHARS, join_lines, make_finding
from bounce_parser.types import Detection, Finding, Reason, ReportKind

FAMILY = "kddi"

_SENDER = re.compile(r"no-reply@[\w.-]*(?:dion\.ne\.jp|auone-net\.jp)", re.IGNORECASE)
_START = re.compile(r"^Your mail (?:sent on|attempted to be delivered on):?\s", re.MULTILINE)
_RECIPIENT = re.compile(r"^\s+Could not be delivered to:\s*<([^\s<>]+@[^\s<>]+)>", re.MULTILINE)

#: KDDI's own explanations and the reason each states.
_EXPLANATIONS: tuple[tuple[str, Reason, str], ...] = (
    ("As their mailbox is full", Reason.MAILBOXFULL, "mailbox_full"),
    ("As the remote domain doesnt exist", Reason.HOSTUNKNOWN, "no_such_domain"),
    ("Due to the following SMTP relay error", Reason.NORELAYING, "relay_error"),
)


def detect(view: MessageView) -> Detection | None:
    """Read a KDDI (au one net, DION) bounce notice."""
    reply_to = view.header("Reply-To") or ""
    if not _SENDER.search(view.from_) and "no-reply@app.auone-net.jp" not in reply_to:
        return None
    text = view.text[:MAX_NOTICE_CHARS]
    start = _START.search(text)
    if start is None:
        return None
    notice = text[start.start() :]

    explanation = join_lines(
        line
        for line in notice.split("\n")[1:]
        if line.strip() and "Could not be delivered" not in line
    )
    hint = next(
        (
            (reason, f"provider=kddi:{name}")
            for key, reason, name in _EXPLANATIONS
            if key in explanation
        ),
        None,
    )
    findings: list[Finding] = []
    for match in _RECIPIENT.finditer(notice):
        finding = make_finding(match.group(1), explanation or None)
        if finding is None:
            continue
        if hint is not None:
            finding.reason_hint, finding.hint_evidence = hint
        findings.append(finding)
    if not findings:
        return None
    return Detection(ReportKind.DELIVERY_STATUS, FAMILY, findings)
