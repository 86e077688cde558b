"""Classify one detector finding: choose its reason class and record why.

Evidence is weighed in this order:

1. The action: a success DSN (delivered, relayed, expanded) is `delivered`.
2. A detector's `reason_hint`, mapped from the source's own vocabulary
   (made soft only when the action is `delayed`).
3. A diagnostic-text pattern (`patterns.PATTERNS`). Wording beats the codes
   because servers put address-looking codes on unrelated failures: a 5.7.1
   naming a blocklist is `blocked`, a 550 5.1.1 saying "mailbox full" is
   `mailboxfull`.
4. The SMTP stage: a rejection of MAIL FROM is about the envelope sender, one
   at connection or HELO time is about the sending host.
5. A specific enhanced status code, then weak wording, then a specific reply
   code.
6. A generic code (5.0.0, 5.5.0, 5.7.1, a bare 550) with no telling wording
   gives `onhold` or a sender-side class, never an address problem. Nothing
   at all gives `undefined`.

Then the verdict is made safe. A user-unknown after DATA is a content
filter's doing (`filtered`). A temporary code, retry wording or a delayed
action never yields a hard bounce, although a null MX keeps `notaccept`
because the hard-bounce rule already makes it soft under a 4xx code. A
sender-stage rejection never blames the recipient address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bounce_parser import patterns as _patterns
from bounce_parser import status as _status
from bounce_parser.types import Finding, Reason

_SUCCESS_ACTIONS = frozenset({"delivered", "relayed", "expanded"})
_ADDRESS_REASONS = frozenset(
    {Reason.USERUNKNOWN, Reason.HOSTUNKNOWN, Reason.HASMOVED, Reason.NOTACCEPT}
)

# Wording that names the SMTP command a reply was sent for, as Postfix ("in reply
# to RCPT TO command"), Exim ("after MAIL FROM:"), qmail ("does not like
# recipient") and Sendmail ("503 need RCPT" after a pipelined refusal) write it.
_STAGE_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "rcpt",
        re.compile(
            r"in reply to rcpt|after rcpt|>>> rcpt to|\[rcpt_to\]|does not like recipient"
            r"|need rcpt|rcpt first|valid rcpt command must precede|no valid recipients"
        ),
    ),
    (
        "mail",
        re.compile(r"in reply to mail from|after mail from|sender was rejected|\[mail_from\]"),
    ),
    (
        "connect",
        re.compile(
            r"refused to talk to me|after initial connection|my name was rejected"
            r"|in reply to (helo|ehlo)|after (helo|ehlo)"
        ),
    ),
    ("data", re.compile(r"in reply to (end of )?data|after (end of )?data\b|\(data\)")),
)
_COMMAND_STAGES = {
    "CONN": "connect",
    "HELO": "connect",
    "EHLO": "connect",
    "MAIL": "mail",
    "RCPT": "rcpt",
    "DATA": "data",
    "BDAT": "data",
}

# A reply that requests a retry gives no final verdict on the address,
# whatever code it carries.
_TEMPORARY_WORDING_RE = re.compile(r"try again later|temporar(il)?y|please retry")

#: Generic codes with no telling wording: the class of the code decides.
_GENERIC_FALLBACKS: dict[str, Reason] = {
    "7": Reason.SECURITYERROR,
}


@dataclass(frozen=True, slots=True)
class _Facts:
    """Finding fields the classifier reads, normalised once."""

    text: str
    status: str | None
    reply_code: str | None
    stage: str | None
    action: str


def classify(finding: Finding) -> tuple[Reason, str]:
    """Return the reason class of `finding` and the evidence that decided it."""
    action = (finding.action or "").strip().lower()
    if action in _SUCCESS_ACTIONS:
        return Reason.DELIVERED, f"action={action}"

    text = _patterns.normalise_text(finding.diagnostic)
    facts = _Facts(
        text=text,
        status=_status.normalise_status(finding.status) or _status.find_status(text),
        reply_code=_reply_code(finding.reply_code) or _status.find_reply_code(text),
        stage=_stage(finding.smtp_command, text),
        action=action,
    )
    if finding.reason_hint is not None:
        hint = f"hint={finding.hint_evidence or finding.reason_hint}"
        return _make_delay_safe(finding.reason_hint, hint, facts)

    reason, evidence, needs_confirmation = _decide(facts)
    return _make_safe(reason, evidence, needs_confirmation, facts)


def _decide(facts: _Facts) -> tuple[Reason, str, bool]:
    pattern = _patterns.match_text(facts.text)
    if pattern is not None and not pattern.is_weak:
        return pattern.reason, f"pattern={pattern.name}", pattern.needs_confirmation
    if facts.stage == "mail":
        return Reason.REJECTED, "stage=MAIL", False
    if facts.stage == "connect":
        return Reason.BLOCKED, "stage=CONNECT", False

    status = facts.status
    if not _status.is_generic_status(status):
        by_status = _status.reason_for_status(status)
        if by_status is not None:
            return by_status, f"status={status}", False
    if pattern is not None:
        return pattern.reason, f"pattern={pattern.name}", pattern.needs_confirmation
    # A reply code decides only where no status code does (X.0.0 is no verdict).
    is_status_silent = status is None or status.endswith(".0.0")
    by_reply = _status.reason_for_reply_code(facts.reply_code) if is_status_silent else None
    if by_reply is not None:
        return by_reply, f"reply_code={facts.reply_code}", False
    reason, evidence = _fallback(status, facts.reply_code)
    return reason, evidence, False


def _fallback(status: str | None, reply_code: str | None) -> tuple[Reason, str]:
    if status is not None:
        subject = status.split(".")[1]
        return _GENERIC_FALLBACKS.get(subject, Reason.ONHOLD), f"status={status}"
    if reply_code is not None:
        return Reason.ONHOLD, f"reply_code={reply_code}"
    return Reason.UNDEFINED, "default"


def _make_safe(
    reason: Reason, evidence: str, needs_confirmation: bool, facts: _Facts
) -> tuple[Reason, str]:
    if reason not in _ADDRESS_REASONS:
        return reason, evidence
    # A server that rejects the envelope sender or the connection gave no
    # verdict on the recipient, even when it words it as "user unknown".
    if facts.stage == "mail":
        return Reason.REJECTED, f"{evidence},stage=MAIL"
    if facts.stage == "connect":
        return Reason.BLOCKED, f"{evidence},stage=CONNECT"
    if reason is Reason.USERUNKNOWN and needs_confirmation and not _is_address_status(facts.status):
        # An address accepted at RCPT TO and refused after the content was
        # sent was refused by a content filter (Japanese mobile carriers do this).
        # Wording only a mailbox directory writes is believed at any stage:
        # Yahoo refuses unknown users after DATA.
        if facts.stage == "data":
            return Reason.FILTERED, f"{evidence},stage=DATA"
        if not _confirms_address(facts.status, facts.stage):
            return Reason.FILTERED, f"{evidence},unconfirmed"
    reason, evidence = _make_delay_safe(reason, evidence, facts)
    is_still_hard = reason in _ADDRESS_REASONS and reason is not Reason.NOTACCEPT
    is_temporary = _is_temporary(facts.status, facts.reply_code)
    if is_still_hard and (is_temporary or _TEMPORARY_WORDING_RE.search(facts.text)):
        soft = Reason.NETWORKERROR if reason is Reason.HOSTUNKNOWN else Reason.ONHOLD
        return soft, f"{evidence},temporary"
    return reason, evidence


def _make_delay_safe(reason: Reason, evidence: str, facts: _Facts) -> tuple[Reason, str]:
    # Delivery is still being retried, so no verdict on the address is final.
    # A null MX under a temporary code is already soft by the hard-bounce rule.
    if facts.action != "delayed" or reason not in _ADDRESS_REASONS:
        return reason, evidence
    if reason is Reason.NOTACCEPT and _is_temporary(facts.status, facts.reply_code):
        return reason, evidence
    return Reason.EXPIRED, f"{evidence},action=delayed"


def _is_address_status(status: str | None) -> bool:
    return status is not None and status.split(".")[1] == "1"


def _confirms_address(status: str | None, stage: str | None) -> bool:
    # A security or policy status (X.7.x) on a user-unknown text means a
    # filter spoke, even at RCPT TO.
    if status is not None and status.split(".")[1] == "7":
        return False
    return stage == "rcpt"


def _is_temporary(status: str | None, reply_code: str | None) -> bool:
    if status is not None:
        return status.startswith("4")
    return reply_code is not None and reply_code.startswith("4")


def _stage(smtp_command: str | None, text: str) -> str | None:
    # The text is read first: detectors often report the last command of a
    # pipelined session (DATA) when the refusal came at RCPT TO.
    for stage, marker in _STAGE_MARKERS:
        if marker.search(text):
            return stage
    words = (smtp_command or "").split()
    return _COMMAND_STAGES.get(words[0].upper()) if words else None


def _reply_code(reply_code: str | None) -> str | None:
    code = (reply_code or "").strip()
    return code if len(code) == 3 and code.isdigit() else None
