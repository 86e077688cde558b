"""Detect automatic replies (RFC 3834): vacation and out-of-office messages.

An auto-reply is recognised by `Auto-Submitted: auto-replied` (RFC 3834
section 5.1), the older X-Autoreply / X-Autorespond headers,
`Precedence: auto_reply`, or a subject prefix that mail clients put on such
replies ("Automatic reply:", "Out of Office", "Autoodpowiedź:",
"Odpowiedź automatyczna", "自動応答", ...). Subjects that merely start with
an absence word ("Urlop", "Vacation") also need a header marking automatic
mail. The recipient is the replying address, the message's From.

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
# Subject prefixes that mail clients and servers put on automatic replies, in
# the languages of the first users (English, Polish) and the forms Outlook,
# Thunderbird and webmail write in other European and Asian languages. A
# person rarely starts a subject this way, so the prefix alone is enough.
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:"
    r"automatic reply|auto(?:matic)?[- ]?(?:reply|response|answer)|auto\s*:|out of (?:the )?office"
    r"|auto-?odpowied[źz]|odpowied[źz] automatyczna|automatyczna odpowied[źz]"
    r"|abwesenheitsnotiz|automatische antwort|r[ée]ponse automatique"
    r"|respuesta autom[áa]tica|risposta automatica|automatisch antwoord|resposta autom[áa]tica"
    r"|automatisk svar|automatiskt svar|automaattinen vastaus|automatick[áa] odpov[ěe][ďd]"
    r"|automatikus v[áa]lasz|automatski odgovor|samodejni odgovor|r[ăa]spuns automat"
    r"|otomatik yan[\u0131i]t|automaatne vastus|autom[āa]tisk[āa] atbilde|automatinis atsakymas"
    r"|автоматический ответ|автоматична відповідь|автоматичен отговор|αυτόματη απάντηση"
    r"|自動応答|自動返信|自動送信|自动回复|自動回覆|자동 회신|자동 응답"
    r")",
    re.IGNORECASE,
)
# Words that vacation subjects start with but people also write ("Urlop w
# sierpniu"), so they count only beside a header that marks automatic mail.
_ABSENCE_SUBJECT = re.compile(
    r"^\s*(?:"
    r"away from (?:the )?office|on vacation|vacation|away until|i am away|absence|absent"
    r"|nieobecno[śs][ćc]|poza biurem|urlop"
    r"|fuera de la oficina|fuori sede|afwezig"
    r"|不在|休暇"
    r")",
    re.IGNORECASE,
)
#: Headers that Exchange and list software put on automatic mail of any kind.
_AUTOMATIC_MAIL_HEADERS = ("X-Auto-Response-Suppress", "X-MS-Exchange-Inbox-Rules-Loop")
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
    if _AUTO_SUBJECT.match(view.subject):
        return "subject"
    if _ABSENCE_SUBJECT.match(view.subject) and _is_automatic_mail(view):
        return "subject+header"
    return None


def _is_automatic_mail(view: MessageView) -> bool:
    if any(view.header(name) is not None for name in _AUTOMATIC_MAIL_HEADERS):
        return True
    return (view.header("Precedence") or "").lower() in ("bulk", "junk", "list")
