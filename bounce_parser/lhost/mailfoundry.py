"""MailFoundry bounces: "Message delivery has failed".

Unable to deliver message to: <kijitora@example.jp>
Delivery failed for the following reason:
Server mx.example.jp[192.0.2.1] failed with: 550 No such user here
This has been a permanent failure.  No further delivery attempts will be made.
"""

from __future__ import annotations

import re

from bounce_parser.lhost import _common
from bounce_parser.message import MessageView
from bounce_parser.types import Detection, Finding

_RECIPIENT = re.compile(
    r"^Unable to deliver message to:\s*<?([^<>\s]{1,320}@[^<>\s]{1,255}?)>?\s*$"
)
_REMOTE = re.compile(
    r"^(?:Server )?([\w.-]{1,255})\[[^\]]{1,64}\] (?:failed with|responded with failure):\s*"
)
_END = "This has been a permanent failure"


def detect(view: MessageView) -> Detection | None:
    """Read a MailFoundry bounce; None when the message is not one."""
    if view.subject != "Message delivery has failed":
        return None
    text = _common.cut_before(view.text, ())
    if "Delivery failed for the following reason:" not in text:
        return None

    findings: list[Finding] = []
    reason: list[str] = []
    remote_mta: str | None = None
    for line in text.split("\n"):
        stripped = line.strip()
        recipient = _RECIPIENT.match(stripped)
        if recipient is not None:
            address = _common.address_of(recipient.group(1))
            if address is not None:
                findings.append(Finding(address=address, action="failed"))
            reason, remote_mta = [], None
            continue
        if not findings or stripped.startswith((_END, "Delivery failed for the following")):
            continue
        remote = _REMOTE.match(stripped)
        if remote is not None:
            remote_mta, stripped = remote.group(1), stripped[remote.end() :]
        if stripped:
            reason.append(stripped)
            _fill(findings[-1], reason, remote_mta)
    return _common.detection("mailfoundry", findings, view)


def _fill(finding: Finding, reason: list[str], remote_mta: str | None) -> None:
    diagnostic = _common.join_reply(reason)
    finding.diagnostic = diagnostic
    finding.reply_code = _common.reply_code_at_start(diagnostic)
    finding.status = _common.find_status(diagnostic)
    finding.remote_mta = remote_mta
