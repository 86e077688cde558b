"""The suppression policy: what one recipient verdict does to the address. Pure.

| report kind     | verdict                                   | action            |
|-----------------|-------------------------------------------|-------------------|
| delivery status | reason in `SENDER_FAULT_REASONS`          | `SENDER_FAULT`    |
| delivery status | Action `delayed` (RFC 3464 section 2.3.3) | `NONE`            |
| delivery status | `delivered`                               | `RESET_SOFT`      |
| delivery status | hard bounce                               | `SUPPRESS_ALL`    |
| delivery status | other recipient-side failure              | `COUNT_SOFT`      |
| delivery status | vacation, feedback, on hold               | `NONE`            |
| feedback report | abuse, fraud, virus, other, unknown type  | `SUPPRESS_STREAM` |
| feedback report | opt-out, unsubscribe                      | `SUPPRESS_STREAM` |
| feedback report | not-spam                                  | `NONE`            |
| feedback report | auth-failure (RFC 6591)                   | `SENDER_FAULT`    |
| anything else   | auto-reply, not a bounce, unparseable     | `NONE`            |

A sender-caused failure never suppresses the recipient: it is recorded against
the sending domain. A delayed DSN is only a warning that delivery is still being
tried, so it counts neither as hard nor as soft. `reputation.suppression_writer`
counts soft bounces at most once per address and day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bounce_parser import SENDER_FAULT_REASONS, Reason, Recipient, ReportKind
from reputation.models import SuppressionSource


class Action(StrEnum):
    """Effect of one recipient event on its address."""

    NONE = "none"
    SUPPRESS_ALL = "suppress_all"
    SUPPRESS_STREAM = "suppress_stream"
    COUNT_SOFT = "count_soft"
    RESET_SOFT = "reset_soft"
    SENDER_FAULT = "sender_fault"


@dataclass(frozen=True, slots=True)
class Decision:
    """The policy's decision for one recipient: the action and, for a suppression, its source."""

    action: Action
    source: SuppressionSource | None = None


_NOTHING = Decision(Action.NONE)
_SENDER_FAULT = Decision(Action.SENDER_FAULT)
_SOFT = Decision(Action.COUNT_SOFT)
_COMPLAINT = Decision(Action.SUPPRESS_STREAM, SuppressionSource.COMPLAINT)
_OPT_OUT = Decision(Action.SUPPRESS_STREAM, SuppressionSource.OPT_OUT)

#: Action of a failed (not delayed, not hard) DSN recipient, by reason. Every
#: `Reason` is listed; a test checks that.
DSN_REASON_ACTIONS: Mapping[Reason, Decision] = {
    **{reason: _SENDER_FAULT for reason in SENDER_FAULT_REASONS},
    # A soft address problem: `notaccept` with a 4xx code, or a hard class the
    # parser did not flag as permanent.
    Reason.USERUNKNOWN: _SOFT,
    Reason.HOSTUNKNOWN: _SOFT,
    Reason.HASMOVED: _SOFT,
    Reason.NOTACCEPT: _SOFT,
    Reason.MAILBOXFULL: _SOFT,
    Reason.EXCEEDLIMIT: _SOFT,
    Reason.MESGTOOBIG: _SOFT,
    Reason.SUSPEND: _SOFT,
    Reason.EXPIRED: _SOFT,
    Reason.NETWORKERROR: _SOFT,
    Reason.SYSTEMERROR: _SOFT,
    Reason.SYSTEMFULL: _SOFT,
    Reason.TOOMANYCONN: _SOFT,
    Reason.SPEEDING: _SOFT,
    Reason.MAILERERROR: _SOFT,
    Reason.FILTERED: _SOFT,
    # An unclassified failure still needs soft bounces on several days to suppress.
    Reason.UNDEFINED: _SOFT,
    Reason.VACATION: _NOTHING,
    Reason.FEEDBACK: _NOTHING,
    Reason.ONHOLD: _NOTHING,
    Reason.DELIVERED: Decision(Action.RESET_SOFT),
}

#: Action of a complaint by ARF Feedback-Type (RFC 5965 section 7.3, RFC 6591).
FEEDBACK_TYPE_ACTIONS: Mapping[str, Decision] = {
    "abuse": _COMPLAINT,
    "fraud": _COMPLAINT,
    "virus": _COMPLAINT,
    "other": _COMPLAINT,
    "not-spam": _NOTHING,
    "auth-failure": _SENDER_FAULT,
    "opt-out": _OPT_OUT,
    "unsubscribe": _OPT_OUT,
}


def decide(kind: ReportKind, recipient: Recipient) -> Decision:
    """Return what the verdict on one recipient of a report of `kind` does to the address."""
    if kind is ReportKind.FEEDBACK_REPORT:
        feedback_type = (recipient.feedback_type or "").strip().lower()
        return FEEDBACK_TYPE_ACTIONS.get(feedback_type, _COMPLAINT)
    if kind is not ReportKind.DELIVERY_STATUS:
        return _NOTHING

    if recipient.reason in SENDER_FAULT_REASONS:
        return _SENDER_FAULT
    if (recipient.action or "").strip().lower() == "delayed":
        return _NOTHING
    if recipient.hard_bounce:
        return Decision(Action.SUPPRESS_ALL, SuppressionSource.HARD_BOUNCE)
    return DSN_REASON_ACTIONS[recipient.reason]
