"""Amazon SES bounces mailed as delivery status notifications.

SES's mailed bounces (From: MAILER-DAEMON@...amazonses.com, with an
X-SES-Outgoing or X-AWS-Outgoing header) are RFC 3464 reports, but the first
template, used until about 2012, states SES's own verdict and quotes the
remote reply inside the Diagnostic-Code, with a Status of 5.0.0:
``5.1.0 - Unknown address error 550-'5.2.2 <user@example.com>... Mailbox
Full' (delivery attempts: 0)``. This module reads the remote reply out of
that quote so its code, not SES's summary, reaches the classifier.

Amazon WorkMail sends through SES too but writes its own layout, which the
RFC 3464 detector reads. Its bounces carry `X-Mailer: Amazon WorkMail` and are
left alone here.
"""

from __future__ import annotations

import re

from bounce_parser.dsn import read_dsn_findings
from bounce_parser.message import MessageView
from bounce_parser.status import find_status
from bounce_parser.types import Detection, Finding, ReportKind

FAMILY = "amazonses"

_SENDER = re.compile(r"@(?:[\w-]+\.)*amazonses\.com\b", re.IGNORECASE)
_QUOTED_REPLY = re.compile(
    r"^(?P<ses_status>[245]\.\d{1,3}\.\d{1,3}) - [^']*?(?P<code>[245]\d\d)-'(?P<reply>.*)'"
)


def detect(view: MessageView) -> Detection | None:
    """Read an SES bounce mailed as a delivery status notification."""
    if not _SENDER.search(view.from_):
        return None
    if view.header("X-SES-Outgoing") is None and view.header("X-AWS-Outgoing") is None:
        return None
    if "WorkMail" in (view.header("X-Mailer") or ""):
        return None
    findings = read_dsn_findings(view)
    if not findings:
        return None
    for finding in findings:
        _unquote_remote_reply(finding)
    return Detection(ReportKind.DELIVERY_STATUS, FAMILY, findings)


def _unquote_remote_reply(finding: Finding) -> None:
    quoted = _QUOTED_REPLY.match(finding.diagnostic or "")
    if quoted is None:
        return
    reply = quoted.group("reply").strip()
    finding.diagnostic = f"{quoted.group('code')} {reply}"
    finding.reply_code = quoted.group("code")
    # This template's Status field is always 5.0.0, so the status comes from
    # the remote reply, or else from SES's own code before it.
    finding.status = find_status(reply) or quoted.group("ses_status")
