"""Detect standard delivery status notifications (RFC 3464, RFC 6533).

Reads the `message/delivery-status` part of a `multipart/report` (or the RFC
6533 `message/global-delivery-status` part): the per-message field block, then
one per-recipient block each with Final-Recipient, Original-Recipient, Action,
Status, Remote-MTA and Diagnostic-Code. Two broken shapes seen in real mail are
also read: the delivery-status fields in a part labelled text/plain, and the
fields written straight into the message text (old Sendmail, some gateways).
Fields in plain text count only when the message itself looks like a bounce
(see `has_bounce_signal`): a list digest or a forwarded discussion that quotes
a DSN must not report the quoted recipient as failed.

When a recipient block has no Diagnostic-Code, the human-readable text next to
the recipient's address (Postfix writes "<addr>: host ... said: 550 ...")
stands in for it.

Not covered: RFC 3464 X-Display-Name and extension fields other than the
recipient ones named above are ignored.
"""

from __future__ import annotations

import copy
import re

from bounce_parser import status as _status
from bounce_parser.address import normalise_address
from bounce_parser.fields import FieldBlock, first_value, part_field_blocks, read_field_blocks
from bounce_parser.message import MessageView
from bounce_parser.types import Detection, Finding, ReportKind

FAMILY = "rfc3464"
_MEMO_KEY = "dsn.findings"

_STATUS_PART_TYPES = ("message/delivery-status", "message/global-delivery-status")
_RECIPIENT_FIELDS = ("final-recipient", "original-recipient")
_FIELDS_IN_TEXT = re.compile(
    r"^(?:Final-Recipient|Original-Recipient|Reporting-MTA)[ \t]*:", re.IGNORECASE | re.MULTILINE
)
_HAS_RECIPIENT_FIELD = re.compile(r"^(?:Final|Original)-Recipient[ \t]*:", re.I | re.M)
_TYPE_PREFIX = re.compile(r"^\s*[\w.+-]{1,30}\s*;\s*")
_STATUS_CODE = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
#: Characters of human-readable text taken as a recipient's diagnostic.
_MAX_TEXT_DIAGNOSTIC = 1000
_MAX_MENTIONS = 20
_STATUS_COMMENT = re.compile(r"\(([^()]{3,300})\)")
_PLAIN_COMMENTS = frozenset(
    {"permanent failure", "temporary failure", "persistent transient failure"}
)
_FILLED_FIELDS = (
    "original_recipient",
    "final_recipient",
    "action",
    "status",
    "reply_code",
    "remote_mta",
    "diagnostic",
)
_FIELD_LINE = re.compile(r"[ \t]*[A-Za-z][\w-]{0,40}:")
_MARKER_LINE = re.compile(r"^\s*-{3,}.*-{3,}\s*$")
_TRANSCRIPT = re.compile(r"^[ \t-]*Transcript of session follows[ \t-]*$", re.I | re.M)
_REPORT_TYPES = frozenset({"multipart/report", *_STATUS_PART_TYPES})
# Local parts and display names that MTAs send their bounces from.
_DAEMON_SENDER = re.compile(
    r"mailer[-_ ]?daemon|mail[-_ ]?daemon|postmaster|mail delivery (?:subsystem|system|service)"
    r"|mail administrator|delivery status notification",
    re.IGNORECASE,
)
# Subjects of bounces in the languages of the corpus and the first users. A
# reply or forward prefix is excluded: "Fwd: Undelivered Mail" is a person
# passing a bounce on, and the recipient it names is not this message's.
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|not (?:be )?delivered|delivery (?:status|fail|notification|report|problem)"
    r"|returned mail|mail delivery fail|failure notice|delivery has failed|bounce"
    r"|niedostarcz|nie (?:może|mogła|można|zosta\w+) (?:zosta\w+ )?dostarcz|zwrot"
    r"|unzustellbar|nicht zugestellt|non remis|non distribu|no entregad|non recapitat",
    re.IGNORECASE,
)
_REPLY_PREFIX = re.compile(r"^\s*(?:re|fw|fwd|aw|wg|odp|pd|tr|rv|sv|vs)\s*(?:\[\d+\])?\s*:", re.I)


def detect_dsn(view: MessageView) -> Detection | None:
    """Return the findings of an RFC 3464 or RFC 6533 report, or None when `view` is not one."""
    findings = read_dsn_findings(view)
    if not findings:
        return None
    return Detection(kind=ReportKind.DELIVERY_STATUS, family=FAMILY, findings=findings)


def read_dsn_findings(view: MessageView) -> list[Finding]:
    """Return one finding per recipient block of the message's delivery-status fields.

    The fields are read once per view (an MTA detector's merge, the final fill
    and the standard detector all ask); each call returns fresh copies, since
    callers complete or rewrite the findings they get.
    """
    cached = view.memo.get(_MEMO_KEY)
    if not isinstance(cached, list):
        cached = _read_findings(view)
        view.memo[_MEMO_KEY] = cached
    return [copy.copy(finding) for finding in cached]


def _read_findings(view: MessageView) -> list[Finding]:
    blocks = _delivery_status_blocks(view)
    if not blocks:
        return []

    findings = [
        finding
        for finding in (finding_from_block(block) for block in split_recipient_blocks(blocks))
        if finding is not None
    ]
    text = view.text
    for finding in findings:
        if not finding.diagnostic:
            finding.diagnostic = diagnostic_from_text(text, finding.address)
        if finding.reply_code is None:
            finding.reply_code = _status.find_reply_code(finding.diagnostic)
    return findings


def fill_from_dsn(findings: list[Finding], view: MessageView) -> None:
    """Fill fields another detector left empty from the message's delivery-status fields.

    MTA-specific detectors read the human-readable text. When the same message
    also carries RFC 3464 fields for a recipient, its Status, Action and
    Remote-MTA complete the finding. Values the detector found are kept.
    """
    by_address = {_key(finding.address): finding for finding in read_dsn_findings(view)}
    for finding in findings:
        standard = by_address.get(_key(finding.address))
        if standard is None:
            continue
        for name in _FILLED_FIELDS:
            if getattr(finding, name) is None and getattr(standard, name) is not None:
                setattr(finding, name, getattr(standard, name))


def _key(address: str) -> str:
    return (normalise_address(address) or address).lower()


def _delivery_status_blocks(view: MessageView) -> list[FieldBlock]:
    for part in view.parts_of_type(*_STATUS_PART_TYPES):
        blocks = part_field_blocks(part)
        if _has_recipient(blocks):
            return blocks

    # A delivery-status part mislabelled as text/plain, or the fields written
    # into the message text itself.
    if not has_bounce_signal(view):
        return []
    text = view.text
    start = _FIELDS_IN_TEXT.search(text)
    if start is None or _HAS_RECIPIENT_FIELD.search(text, start.start()) is None:
        return []
    blocks = read_field_blocks(text[start.start() :], stop_at_other_text=True)
    return blocks if _has_recipient(blocks) and _has_action_or_status(blocks) else []


def has_bounce_signal(view: MessageView) -> bool:
    """Return whether `view` announces itself as a bounce, not a message quoting one.

    Any one of: a report content type (RFC 6522) or delivery-status part, a
    mailer-daemon or postmaster sender, a null Return-Path, `Auto-Submitted: auto-generated` or
    `auto-replied` (RFC 3834 section 5), or a bounce subject that is not a
    reply or forward.
    """
    if any(content_type in _REPORT_TYPES for content_type in view.content_types):
        return True
    if _DAEMON_SENDER.search(view.from_):
        return True
    # Bounces go out with the null reverse-path (RFC 5321 section 4.5.5).
    if (view.header("Return-Path") or "").replace(" ", "") == "<>":
        return True
    if (view.header("Auto-Submitted") or "").lower().startswith(("auto-generated", "auto-replied")):
        return True
    subject = view.subject
    return bool(_BOUNCE_SUBJECT.search(subject)) and not _REPLY_PREFIX.match(subject)


def _has_recipient(blocks: list[FieldBlock]) -> bool:
    return any(name in _RECIPIENT_FIELDS for block in blocks for name, _ in block)


def _has_action_or_status(blocks: list[FieldBlock]) -> bool:
    return any(name in ("action", "status") for block in blocks for name, _ in block)


def split_recipient_blocks(blocks: list[FieldBlock]) -> list[FieldBlock]:
    """Return one field block per recipient, dropping the per-message fields.

    A new recipient starts at each block holding a recipient field, and inside
    a block when Final-Recipient or Original-Recipient repeats: some MTAs omit
    the blank line between recipients.
    """
    recipients: list[FieldBlock] = []
    for block in blocks:
        # Fields before the first recipient field of a block (some MTAs write
        # Action first) belong to that recipient.
        current: FieldBlock | None = None
        leading: FieldBlock = []
        for name, value in block:
            if name in _RECIPIENT_FIELDS and (
                current is None or any(seen == name for seen, _ in current)
            ):
                current = leading if current is None else []
                recipients.append(current)
            if current is None:
                leading.append((name, value))
            else:
                current.append((name, value))
    return recipients


def finding_from_block(block: FieldBlock) -> Finding | None:
    """Build a finding from one per-recipient block, or None when it names no address."""
    final = normalise_address(first_value(block, "final-recipient"))
    original = normalise_address(first_value(block, "original-recipient"))
    address = final or original
    if address is None:
        return None

    # Without a Diagnostic-Code, a comment after the Status code is the only
    # explanation some MTAs give: "Status: 4.0.0 (host name lookup failure)".
    diagnostic = _strip_type(first_value(block, "diagnostic-code")) or _status_comment(
        first_value(block, "status")
    )
    status = _status_code(first_value(block, "status"))
    in_text = _status.find_status(diagnostic)
    # Some MTAs write a bare x.0.0 Status beside a specific code in the
    # diagnostic ("550 #5.1.0 Address rejected"), so the specific code wins.
    if status is None or (status.endswith(".0.0") and in_text and in_text[0] == status[0]):
        status = in_text or status
    action = first_value(block, "action")
    return Finding(
        address=address,
        original_recipient=original,
        final_recipient=final,
        action=action.split()[0].lower() if action else None,
        status=status,
        reply_code=_status.find_reply_code(diagnostic),
        remote_mta=_strip_type(first_value(block, "remote-mta")),
        diagnostic=diagnostic,
    )


def diagnostic_from_text(text: str, address: str) -> str | None:
    """Return the paragraph of `text` that explains why `address` failed, as its diagnostic.

    Skips mentions in field lines (the DSN fields themselves, pasted headers)
    and paragraphs holding nothing but the address. Falls back to a Sendmail
    session transcript, which names the recipient the way the MTA saw it.
    """
    if not address:
        return None
    lowered = text.lower()
    needle = address.lower()
    position = lowered.find(needle)
    for _ in range(_MAX_MENTIONS):
        if position < 0:
            break
        paragraph = _paragraph_around(text, position)
        line_start = text.rfind("\n", 0, position) + 1
        is_field_line = _FIELD_LINE.match(text, line_start) is not None
        if not is_field_line and len(paragraph) > len(address) + 4:
            return paragraph
        position = lowered.find(needle, position + len(needle))

    transcript = _TRANSCRIPT.search(text)
    if transcript is not None:
        return _paragraph_around(text, transcript.end() + 1) or None
    return None


def _paragraph_around(text: str, position: int) -> str:
    start = max(text.rfind("\n\n", 0, position) + 2, position - _MAX_TEXT_DIAGNOSTIC // 2)
    end = text.find("\n\n", position)
    if end < 0:
        end = len(text)
    end = min(end, start + _MAX_TEXT_DIAGNOSTIC)
    lines = [line for line in text[start:end].split("\n") if not _MARKER_LINE.match(line)]
    return " ".join(" ".join(lines).split())


def _strip_type(value: str | None) -> str | None:
    if not value:
        return None
    stripped = _TYPE_PREFIX.sub("", value, count=1).strip()
    return stripped or None


def _status_comment(value: str | None) -> str | None:
    match = _STATUS_COMMENT.search(value or "")
    if match is None or match.group(1).strip().lower() in _PLAIN_COMMENTS:
        return None
    return match.group(1).strip()


def _status_code(value: str | None) -> str | None:
    if not value:
        return None
    match = _STATUS_CODE.search(value)
    return match.group(1) if match else None
