"""Sendmail bounces, version 8 and the older V5: "Returned mail: see transcript for details".

Sendmail 8 lists failed addresses under "----- The following addresses had
permanent fatal errors -----" (or "transient non-fatal errors" in a delay
warning) and then replays the SMTP session:

    ... while talking to mx.example.jp.:
    >>> RCPT To:<kijitora@example.jp>
    <<< 550 5.7.1 IP address blacklisted
    550 5.1.1 <kijitora@example.jp>... User unknown

The `<<<` line is the remote server's own reply, so it wins over Sendmail's
summary line and over the Status of the attached RFC 3464 part, which Sendmail
derives from its own mapping (in a real bounce, a remote 5.7.1 became 5.1.1).
V5 Sendmail writes only the transcript. Bounces forwarded back by a person,
quoted with "> ", are read after removing the quoting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bounce_parser.lhost import _common
from bounce_parser.message import MessageView
from bounce_parser.types import Detection, Finding, Reason

_SUBJECT = re.compile(
    r"Returned mail:|Warning: could not send message|Undeliverable mail|DELIVERY FAILURE",
    re.IGNORECASE,
)
_ORIGINAL_MARKERS = (
    "----- Unsent message follows -----",
    "----- Original message follows -----",
    "----- Message header follows -----",
    "----- Returned message follows -----",
    "------- Received message follows",
    "----- Message body suppressed -----",
)
_QUOTED = re.compile(r"^> ?", re.MULTILINE)
_SECTION = re.compile(r"^\s*-{3,} ?(.+?) ?-{3,}\s*$")
_LISTED = re.compile(r"^\s*<?([^<>\s]{1,580}?)>?[.,]?\s*$")
_LOCAL_NAME = re.compile(r"^[\w.+-]{1,64}$")
_REASON = re.compile(r"^\s+\(reason: (.+?)\)?\s*$")
_HOST_LINE = re.compile(r"^[245]\d\d (\S+) \([\w-]{1,20}\)\.\.\. ")
_EXPANDED = re.compile(r"^\s+\(expanded from: <?([^<>\s]+?)>?\)\s*$")
_MAILER_ERROR = re.compile(r"^[45]\d\d(?: [45]\.\d{1,3}\.\d{1,3})? unknown mailer error \d+", re.M)
_TALKING = re.compile(r"^(?:\.\.\. w|W)hile talking to ([^\s:]+?)\.?:\s*$", re.IGNORECASE)
_SENT = re.compile(r"^>>> (.+)$")
_RECEIVED = re.compile(r"^<<< ?(.*)$")
# "550 5.1.1 <user@example.jp>... User unknown"; some versions write "<user@example.jp>: ".
_SUMMARY = re.compile(
    r"^([245]\d\d)(?: ([245]\.\d{1,3}\.\d{1,3}))? <?([^<>\s]{1,320}@[^<>\s]{1,255}?)>?"
    r"(?:\.\.\.|:) (.+)$"
)
_REPLY_LINE = re.compile(r"^[245]\d\d[ -]")
_DSN_FIELD = re.compile(
    r"^(?:Reporting-MTA|Final-Recipient|Original-Envelope-Id|Arrival-Date):", re.I
)

# Sendmail's own summaries that name the class.
_HINTS: tuple[tuple[str, Reason], ...] = (
    ("Host unknown", Reason.HOSTUNKNOWN),
    ("Cannot send message for", Reason.EXPIRED),
    ("Message could not be delivered for", Reason.EXPIRED),
)


@dataclass(slots=True)
class _Attempt:
    """The transcript lines about one recipient."""

    summary: str
    reply: list[str]
    remote_mta: str | None
    command: str | None
    notes: list[str]


def detect(view: MessageView) -> Detection | None:
    """Read a Sendmail bounce or delay warning; None when the message is not one."""
    if not (_SUBJECT.search(view.subject) or view.from_.startswith("Mail Delivery Subsystem")):
        return None
    text = _common.cut_before(view.text, ())
    if "Transcript of session follows" not in text and "had permanent fatal errors" not in text:
        return None
    if "\n> " in text and "\n>    -----" in text:
        text = _QUOTED.sub("", text)
    text = _common.cut_before(text, _ORIGINAL_MARKERS)

    listed, reasons, programs, is_delay = _read_address_list(text)
    transcript = _transcript_lines(text)
    attempts, last_reply = _read_transcript(transcript)
    mailer_error = _MAILER_ERROR.search(text)
    transcript_text = " ".join(" ".join(transcript).split())[:1000]
    findings: list[Finding] = []
    for address in dict.fromkeys([*listed, *attempts]):
        if address in programs:
            summary = mailer_error.group(0) if mailer_error else transcript_text
            finding = _program_finding(address, summary or reasons.get(address, ""))
        elif address in attempts:
            finding = _finding(address, attempts[address], None)
        elif address in reasons:
            finding = _finding(address, None, reasons[address])
        else:
            # Only the session replay names the failure: its last remote reply.
            finding = _finding(address, last_reply, transcript_text)
        if is_delay:
            finding.action = "delayed"
        findings.append(finding)
    return _common.detection("sendmail", findings, view)


def _read_address_list(text: str) -> tuple[list[str], dict[str, str], set[str], bool]:
    """Read the "following addresses had ... errors" sections.

    Returns the addresses, the "(reason: ...)" text of each, the addresses
    delivered to a program ("|/path", named by "expanded from"), and whether
    the section is a delay warning's.
    """
    listed: list[str] = []
    reasons: dict[str, str] = {}
    programs: set[str] = set()
    is_delay = False
    in_list = False
    pending_program = False
    for line in text.split("\n"):
        section = _SECTION.match(line)
        if section is not None:
            title = section.group(1)
            in_list = "addresses had" in title and "Transcript" not in title
            is_delay = is_delay or "non-fatal" in title
            continue
        if not in_list or not line.strip():
            continue
        expanded = _EXPANDED.match(line)
        if expanded is not None:
            address = _common.address_of(expanded.group(1))
            if pending_program and address is not None:
                listed.append(address)
                programs.add(address)
            pending_program = False
            continue
        reason = _REASON.match(line)
        if reason is not None:
            if listed and not pending_program:
                reasons[listed[-1]] = reason.group(1)
            continue
        # Some relays write the reply under the address without "(reason: ...)".
        if listed and _REPLY_LINE.match(line) and listed[-1] not in reasons:
            reasons[listed[-1]] = line.strip()
            continue
        address_line = _LISTED.match(line)
        token = address_line.group(1) if address_line else ""
        address = _common.address_of(token)
        if address is None and _LOCAL_NAME.match(token):
            # A local user without a domain; the RFC 3464 part names it in full.
            address = token
        pending_program = address is None and not line.startswith((" ", "\t"))
        if address is not None:
            listed.append(address)
    return listed, reasons, programs, is_delay


def _transcript_lines(text: str) -> list[str]:
    """Return the lines of the session replay, up to the blank line that ends it."""
    start = text.find("Transcript of session follows")
    if start < 0:
        return []
    lines: list[str] = []
    for line in text[start:].split("\n")[1:]:
        if not line.strip():
            if lines:
                break
            continue
        if _SECTION.match(line) or _DSN_FIELD.match(line):
            break
        lines.append(line)
    return lines


def _read_transcript(lines: list[str]) -> tuple[dict[str, _Attempt], _Attempt | None]:
    """Read each recipient's summary line and the remote reply just before it.

    Also returns the last remote reply of the replay, for listed addresses that
    no summary line names.
    """
    attempts: dict[str, _Attempt] = {}
    remote_mta: str | None = None
    command: str | None = None
    reply: list[str] = []
    notes: list[str] = []
    last: _Attempt | None = None
    last_reply: _Attempt | None = None
    for line in lines:
        talking = _TALKING.match(line.strip())
        if talking is not None:
            remote_mta, command, reply = talking.group(1), None, []
            continue
        sent = _SENT.match(line)
        if sent is not None:
            command, reply, last = _common.command_in(sent.group(1).split(":")[0]), [], None
            continue
        received = _RECEIVED.match(line)
        if received is not None:
            if last is not None and last.command == "DATA" and not reply:
                # With PIPELINING, Sendmail prints ">>> DATA" before the RCPT replies
                # arrive. A reply after a recipient's summary line is then the reply
                # to DATA, and the one before the summary was the reply to RCPT.
                last.command = "RCPT"
            last = None
            reply.append(received.group(1))
            last_reply = _Attempt("", list(reply), remote_mta, command, [])
            continue
        host_line = _HOST_LINE.match(line)
        if host_line is not None:
            # "550 example.org (smtp)... Host unknown" starts another destination,
            # but "421 example.edu (smtp)... Deferred" may close the current one.
            if host_line.group(1).rstrip(".") != (remote_mta or "").rstrip("."):
                remote_mta, command, reply = None, None, []
            continue
        summary = _SUMMARY.match(line.strip())
        if summary is None:
            # Output of a local delivery agent ("mail.local: unknown user: jan").
            if not _REPLY_LINE.match(line.strip()):
                notes.append(line.strip())
            continue
        address = _common.address_of(summary.group(3))
        if address is not None and address not in attempts:
            last = _Attempt(line.strip(), reply, remote_mta, command, notes)
            attempts[address] = last
        reply, notes = [], []
    return attempts, last_reply


def _finding(address: str, attempt: _Attempt | None, reason: str | None) -> Finding:
    if attempt is not None and attempt.reply:
        diagnostic = _common.join_reply(attempt.reply)
    elif attempt is not None:
        summary = _SUMMARY.match(attempt.summary)
        own_text = summary.group(4) if summary else attempt.summary
        diagnostic = own_text if _common.reply_code_at_start(own_text) else attempt.summary
        diagnostic = " ".join([*attempt.notes, diagnostic])
    else:
        diagnostic = reason or ""
    finding = _common.finding_from_reply(
        address,
        diagnostic,
        remote_mta=attempt.remote_mta if attempt else None,
        smtp_command=attempt.command if attempt else None,
    )
    own = attempt.summary if attempt is not None else diagnostic
    for phrase, hint in _HINTS:
        if phrase in own and not (attempt and attempt.reply):
            finding.reason_hint, finding.hint_evidence = hint, f"sendmail:{phrase}"
            break
    return finding


def _program_finding(address: str, summary: str) -> Finding:
    # Delivery to a program ("|/path") failed: the program exited non-zero or
    # could not run ("unknown mailer error 127", "Permission denied").
    finding = _common.finding_from_reply(address, summary)
    finding.reason_hint, finding.hint_evidence = Reason.MAILERERROR, "sendmail:mailer error"
    return finding
