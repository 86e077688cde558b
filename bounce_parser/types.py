"""Typed results of the bounce parser and the raw findings its detectors produce.

A detector (one per standard or MTA family) reads one message and returns a
`Detection`: the report kind, the family name and one `Finding` per failed
recipient, with the fields as the message states them. The classifier then turns
each finding into a `Recipient` with a reason class and the hard-bounce flag.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ReportKind(StrEnum):
    """The kind of a returned message as a whole."""

    DELIVERY_STATUS = "delivery_status"
    FEEDBACK_REPORT = "feedback_report"
    AUTO_REPLY = "auto_reply"
    NOT_BOUNCE = "not_bounce"
    UNPARSEABLE = "unparseable"


class Reason(StrEnum):
    """The failure class of one recipient: the reason classes of the bounce corpus."""

    # Address problems: the only classes that can be hard bounces.
    USERUNKNOWN = "userunknown"
    HOSTUNKNOWN = "hostunknown"
    HASMOVED = "hasmoved"
    NOTACCEPT = "notaccept"
    # Recipient-side conditions that tell nothing final about the address.
    MAILBOXFULL = "mailboxfull"
    EXCEEDLIMIT = "exceedlimit"
    MESGTOOBIG = "mesgtoobig"
    SUSPEND = "suspend"
    EXPIRED = "expired"
    NETWORKERROR = "networkerror"
    SYSTEMERROR = "systemerror"
    SYSTEMFULL = "systemfull"
    TOOMANYCONN = "toomanyconn"
    SPEEDING = "speeding"
    MAILERERROR = "mailererror"
    FILTERED = "filtered"
    # Failures caused by the sender or the message: never suppress the recipient.
    REJECTED = "rejected"
    BLOCKED = "blocked"
    BADREPUTATION = "badreputation"
    REQUIREPTR = "requireptr"
    AUTHFAILURE = "authfailure"
    SPAMDETECTED = "spamdetected"
    VIRUSDETECTED = "virusdetected"
    CONTENTERROR = "contenterror"
    POLICYVIOLATION = "policyviolation"
    SECURITYERROR = "securityerror"
    FAILEDSTARTTLS = "failedstarttls"
    NORELAYING = "norelaying"
    NOTCOMPLIANTRFC = "notcompliantrfc"
    SYNTAXERROR = "syntaxerror"
    # Not failures.
    VACATION = "vacation"
    FEEDBACK = "feedback"
    DELIVERED = "delivered"
    ONHOLD = "onhold"
    UNDEFINED = "undefined"


#: Classes caused by the sender, its IP, its domain or its message. A recipient
#: that fails for one of these is never suppressed; the failure counts against
#: the sending domain instead.
SENDER_FAULT_REASONS: frozenset[Reason] = frozenset(
    {
        Reason.REJECTED,
        Reason.BLOCKED,
        Reason.BADREPUTATION,
        Reason.REQUIREPTR,
        Reason.AUTHFAILURE,
        Reason.SPAMDETECTED,
        Reason.VIRUSDETECTED,
        Reason.CONTENTERROR,
        Reason.POLICYVIOLATION,
        Reason.SECURITYERROR,
        Reason.FAILEDSTARTTLS,
        Reason.NORELAYING,
        Reason.NOTCOMPLIANTRFC,
        Reason.SYNTAXERROR,
    }
)


def is_hard_bounce(reason: Reason, status: str | None, reply_code: str | None) -> bool:
    """Apply the hard-bounce rule: only a permanent address problem is hard.

    `notaccept` (a domain that accepts no mail, such as a null MX) is hard unless
    the status or reply code is a temporary 4xx one.
    """
    if reason in (Reason.USERUNKNOWN, Reason.HOSTUNKNOWN, Reason.HASMOVED):
        return True
    if reason is not Reason.NOTACCEPT:
        return False
    is_temporary = (status or "").startswith("4") or (reply_code or "").startswith("4")
    return not is_temporary


@dataclass(frozen=True, slots=True)
class OriginalMessage:
    """Headers of the returned original message, where the report carries them."""

    message_id: str | None = None
    from_: str | None = None
    to: str | None = None
    subject: str | None = None
    return_path: str | None = None


@dataclass(slots=True)
class Finding:
    """One failed recipient as a detector read it, before classification.

    Every field contains the value as the message states it, stripped of
    surrounding whitespace and angle brackets; `None` when the message does not
    give it. `reason_hint` is set only by detectors whose source names the
    failure class in its own vocabulary (an SES bounce subtype, an ARF report),
    mapped through an explicit table.
    """

    address: str
    original_recipient: str | None = None
    final_recipient: str | None = None
    action: str | None = None
    status: str | None = None
    reply_code: str | None = None
    remote_mta: str | None = None
    diagnostic: str | None = None
    smtp_command: str | None = None
    reason_hint: Reason | None = None
    hint_evidence: str | None = None
    feedback_type: str | None = None
    source_ip: str | None = None
    arrival_date: str | None = None
    reported_domain: str | None = None
    user_agent: str | None = None


@dataclass(slots=True)
class Detection:
    """The findings of one detector in one message."""

    kind: ReportKind
    family: str
    findings: list[Finding] = field(default_factory=list)
    original: OriginalMessage | None = None
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Recipient:
    """One failed recipient with its verdict.

    `evidence` records why the reason was chosen, for example `status=5.1.1`,
    `pattern=mailbox_full`, `provider=ses:Permanent/NoEmail` or `default`.
    """

    address: str
    reason: Reason
    hard_bounce: bool
    evidence: str
    original_recipient: str | None = None
    final_recipient: str | None = None
    action: str | None = None
    status: str | None = None
    reply_code: str | None = None
    remote_mta: str | None = None
    diagnostic: str | None = None
    smtp_command: str | None = None
    feedback_type: str | None = None
    source_ip: str | None = None
    arrival_date: str | None = None
    reported_domain: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """The parser's result for one raw message. Never raised, always returned."""

    kind: ReportKind
    family: str | None
    recipients: tuple[Recipient, ...] = ()
    original: OriginalMessage | None = None
    problems: tuple[str, ...] = ()
