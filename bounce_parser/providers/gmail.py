"""Gmail's own bounce notices (mailer-daemon@googlemail.com) without a DSN part.

Two templates are read. The one Gmail used until about 2016 is a single
text/plain part: "Delivery to the following recipient failed permanently:"
(or "has been delayed:"), the addresses indented, then "Technical details of
permanent failure:" with Gmail's explanation and, after "The error that the
other server returned was:", the remote reply. The newer template opens with a
banner such as "** Address not found **" and "The response from the remote
server was:". It normally comes with a message/delivery-status part, which the
RFC 3464 detector reads, so this module only takes it when that part is missing.

Gmail's explanation decides the reason only when the remote reply carries no
specific status code of its own. The "(state N)" markers of the old template
are Gmail's internal session states. No documented mapping to SMTP commands
exists, so they stay in the diagnostic and are not turned into a command.
"""

from __future__ import annotations

import re

from bounce_parser.message import MessageView
from bounce_parser.providers._common import cut_at, join_lines, make_finding
from bounce_parser.status import find_status, is_generic_status
from bounce_parser.types import Detection, Finding, Reason, ReportKind

FAMILY = "gmail"

_ORIGINAL_MARKERS = ("----- Original message -----", "----- Message header follows -----")
_OLD_START = re.compile(
    r"^Delivery to the following recipients? (failed permanently|has been delayed)"
)
_INDENTED_ADDRESS = re.compile(r"^[ \t]+<?([^\s<>@]+@[^\s<>@]+?)>?\s*$")
_DETAILS = re.compile(r"Technical details of (?:permanent|temporary) failure:\s*(.*)", re.DOTALL)
_SERVER_REPLY = re.compile(r"The error that the other server returned was:\s*(.*)", re.DOTALL)
_REMOTE_HOST = re.compile(r"\bby ([\w.-]+?)\.? \[(\d{1,3}(?:\.\d{1,3}){3})\]")

# "Address not found", "Recipient inbox full", "Message blocked" and delay banners.
_NEW_RECIPIENT = re.compile(
    r"(?:wasn't delivered to|couldn't be delivered to|problem delivering your message to"
    r"|[Yy]our message to)\s+<?([^\s<>@]+@[\w.-]+\w)"
)
_NEW_RESPONSE = re.compile(r"The response(?: from the remote server)? was:\s*(.*)", re.DOTALL)

#: Gmail's own explanations and the reason each states.
_EXPLANATIONS: tuple[tuple[str, Reason, str], ...] = (
    ("DNS Error: Domain name not found", Reason.HOSTUNKNOWN, "dns_domain_not_found"),
    ("DNS Error: DNS server returned answer with no data", Reason.HOSTUNKNOWN, "dns_no_data"),
    ("DNS Error: Could not contact DNS servers", Reason.EXPIRED, "dns_unreachable"),
    ("did not accept our requests to connect", Reason.EXPIRED, "connect_refused"),
    ("Storage quota exceeded", Reason.MAILBOXFULL, "storage_quota_exceeded"),
    ("inbox is out of storage space", Reason.MAILBOXFULL, "out_of_storage"),
    ("tried to reach does not exist", Reason.USERUNKNOWN, "no_such_user"),
    ("tried to reach is disabled", Reason.SUSPEND, "disabled_user"),
)


def detect(view: MessageView) -> Detection | None:
    """Read a Gmail bounce notice in either text template."""
    sender = view.from_.lower()
    if "mailer-daemon@googlemail.com" not in sender and "mailer-daemon@google.com" not in sender:
        return None
    if not view.subject.startswith("Delivery Status Notification"):
        return None
    notice = cut_at(view.text, _ORIGINAL_MARKERS)
    findings = _read_old_template(notice)
    if not findings and not view.parts_of_type("message/delivery-status"):
        findings = _read_new_template(notice, view.subject)
    if not findings:
        return None
    return Detection(ReportKind.DELIVERY_STATUS, FAMILY, findings)


def _read_old_template(notice: str) -> list[Finding]:
    lines = notice.split("\n")
    start = next((i for i, line in enumerate(lines) if _OLD_START.match(line)), None)
    if start is None:
        return []
    action = "delayed" if "delayed" in lines[start] else "failed"
    addresses: list[str] = []
    for line in lines[start + 1 :]:
        if line.startswith("Technical details"):
            break
        match = _INDENTED_ADDRESS.match(line)
        if match:
            addresses.append(match.group(1))

    details_match = _DETAILS.search(notice)
    details = join_lines(details_match.group(1).split("\n")) if details_match else ""
    reply_match = _SERVER_REPLY.search(details)
    diagnostic = reply_match.group(1) if reply_match else details
    return _findings(addresses, diagnostic, details, action)


def _read_new_template(notice: str, subject: str) -> list[Finding]:
    addresses = [match.group(1) for match in _NEW_RECIPIENT.finditer(notice)]
    response = _NEW_RESPONSE.search(notice)
    diagnostic = join_lines(response.group(1).split("\n")) if response else ""
    action = "delayed" if "(Delay)" in subject else "failed"
    return _findings(addresses, diagnostic, notice, action)


def _findings(addresses: list[str], diagnostic: str, details: str, action: str) -> list[Finding]:
    host = _REMOTE_HOST.search(details)
    hint = _explanation_hint(details, diagnostic)
    if hint is None and action == "delayed" and not find_status(diagnostic):
        # "Message will be retried for 2 more day(s)" with no reply: Gmail
        # could not reach the recipient's server at all so far.
        hint = Reason.EXPIRED, "provider=gmail:delayed"
    findings: list[Finding] = []
    for address in addresses:
        finding = make_finding(
            address,
            diagnostic or None,
            action=action,
            remote_mta=host.group(1) if host else None,
        )
        if finding is None:
            continue
        if hint is not None:
            finding.reason_hint, finding.hint_evidence = hint
        findings.append(finding)
    return findings


def _explanation_hint(details: str, diagnostic: str) -> tuple[Reason, str] | None:
    # A specific code from the remote server (4.2.2, 5.1.1) outranks Gmail's
    # summary of it.
    if not is_generic_status(find_status(diagnostic)):
        return None
    for text, reason, name in _EXPLANATIONS:
        if text in details:
            return reason, f"provider=gmail:{name}"
    return None
