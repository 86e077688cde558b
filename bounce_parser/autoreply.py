"""Detect automatic replies (RFC 3834): vacation and out-of-office messages.

An auto-reply is recognised by `Auto-Submitted: auto-replied` (RFC 3834
section 5.1), the older X-Autoreply / X-Autorespond headers,
`Precedence: auto_reply`, or a subject that mail clients put on such replies
("Automatic reply:", "Out of Office", "Odpowiedź automatyczna", "自動応答", ...).
The recipient is the replying address, the message's From.

Bounces carry `Auto-Submitted: auto-replied` too, so this detector runs after
every bounce detector and rejects messages from a mailer daemon or postmaster,
delivery reports, and subjects that announce a delivery failure.
"""

from __future__ import annotations

import re

from bounce_parser.address import normalise_address
from bounce_parser.message import MessageView
from bounce_parser.types import Detection, Finding, Reason, ReportKind

FAMILY = "rfc3834"

_AUTO_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Vacation")
# Subjects mail clients and servers put on automatic replies, in the
# languages of the first users (English, Polish) and of the corpus senders
# (German, French, Spanish, Italian, Dutch, Japanese).
_VACATION_SUBJECT = re.compile(
    r"^\s*(?:"
    r"automatic reply|auto(?:matic)?[- ]?(?:reply|response|answer)|auto\s*:|out of (?:the )?office"
    r"|away from (?:the )?office|on vacation|vacation|away until|i am away|absence"
    r"|odpowied[źz] automatyczna|automatyczna odpowied[źz]|nieobecno[śs][ćc]|poza biurem|urlop"
    r"|abwesenheitsnotiz|automatische antwort|r[ée]ponse automatique|absent"
    r"|respuesta autom[áa]tica|fuera de la oficina|risposta automatica|fuori sede"
    r"|automatisch antwoord|afwezig"
    r"|自動応答|自動返信|自動送信|不在|休暇"
    r")",
    re.IGNORECASE,
)
_DAEMON_SENDER = re.compile(
    r"^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon|bounces?|no-?reply)@", re.IGNORECASE
)
_FAILURE_SUBJECT = re.compile(
    r"undeliver|delivery (?:status|failure|notification|report)|returned mail|bounce"
    r"|failure notice|could not be delivered|niedostarcz|zwrot",
    re.IGNORECASE,
)


def detect_autoreply(view: MessageView) -> Detection | None:
    """Return the replying recipient of an automatic reply, or None when `view` is not one."""
    evidence = _auto_reply_evidence(view)
    if evidence is None:
        return None

    address = normalise_address(view.from_)
    if address is None or _DAEMON_SENDER.match(address):
        return None
    if view.content_type == "multipart/report" or _FAILURE_SUBJECT.search(view.subject):
        return None

    finding = Finding(
        address=address,
        reason_hint=Reason.VACATION,
        hint_evidence=evidence,
        diagnostic=view.subject or None,
    )
    return Detection(kind=ReportKind.AUTO_REPLY, family=FAMILY, findings=[finding])


def _auto_reply_evidence(view: MessageView) -> str | None:
    auto_submitted = (view.header("Auto-Submitted") or "").lower()
    if auto_submitted.startswith("auto-replied"):
        return "header=Auto-Submitted:auto-replied"
    for name in _AUTO_HEADERS:
        if view.header(name) is not None:
            return f"header={name}"
    if (view.header("Precedence") or "").lower().startswith("auto_reply"):
        return "header=Precedence:auto_reply"
    if _VACATION_SUBJECT.match(view.subject):
        return "subject"
    return None
