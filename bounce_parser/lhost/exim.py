"""Exim and MX Logic bounces and delay warnings: "Mail delivery failed".

Exim lists each failed address indented by two spaces, with the error
indented by four below it:

      kijitora@example.jp
        SMTP error from remote mail server after RCPT TO:<kijitora@example.jp>:
        host mx.example.jp [192.0.2.1]: 550 5.1.1 User unknown

A delay warning ("Warning: message X delayed 24 hours") has the same blocks
after "has not yet been delivered", each error prefixed with "Delay reason:".
Exim 4.x may add an RFC 3464 part, whose fields fill what the text leaves out.
"""

from __future__ import annotations

import re

from bounce_parser.lhost import _common
from bounce_parser.message import MessageView
from bounce_parser.types import Detection, Finding, Reason

_SUBJECT = re.compile(
    r"Mail delivery failed|Warning: message \S+ delayed|Mail failure|Message frozen"
    r"|returning message to sender",
    re.IGNORECASE,
)
# NOTE: Exim's "Message frozen" notices name no failed address, so they yield no finding.
_LIST_START = re.compile(
    r"address\(es\) failed:|following address failed:"
    r"|address(?:es)? to which the message has not yet been delivered (?:is|are):"
    r"|incorrectly constructed:"
)
_ORIGINAL_MARKERS = (
    "------ This is a copy of",
    "----- This is a copy of",
    "------ This is a copy of the message's headers",
    "Included is a copy of the message header:",
)
# MX Logic (McAfee's hosted filter) writes Exim's template and marks its bounces.
_MXLOGIC_HEADERS = ("X-MX-Bounce", "X-MXL-NoteHash", "X-MXL-Hash")
# "  user@example.jp", "  user@example.jp <orig@example.jp>: error", "  user" (a local
# address that X-Failed-Recipients qualifies), "  pipe to |/path", "  save to /path".
_RECIPIENT_LINE = re.compile(
    r"^  (?! )(\S+@\S+?|pipe to \|.*|save to .*|[\w.+=-]{1,64})(?: <[^<>\s]{1,320}>)?(?::\s+(.*))?$"
)
_GENERATED = re.compile(r"\(?(?:ultimately )?generated (?:from|by) (\S+@[^\s)]+)\)?")
_SMTP_ERROR = re.compile(
    r"(?:SMTP error from remote (?:mail server|mailer)|LMTP error) after"
    r" (.{1,300}?):(?:\s+|$)(?=host\s|[245]\d\d[\s-]|$)"
)
_HOST = re.compile(r"\bhost\s+(\S+)\s+\[([^\]]{1,64})\]:?\s*")
_TRANSCRIPT_HEADER = re.compile(r"^------ (.+?)(?: ------)?$")

# Exim's own texts that name the class.
_HINTS: tuple[tuple[re.Pattern[str], Reason], ...] = (
    (re.compile(r"retry timeout exceeded"), Reason.EXPIRED),
    (re.compile(r"retry time not reached for any host after a long failure"), Reason.EXPIRED),
    (
        re.compile(r"all hosts(?: for '[^']{0,255}')? have been failing for a long time"),
        Reason.EXPIRED,
    ),
    (re.compile(r"Unrouteable (?:address|mail domain)", re.IGNORECASE), Reason.HOSTUNKNOWN),
    (re.compile(r'unknown local-part "[^"]{0,320}" in domain'), Reason.USERUNKNOWN),
    (re.compile(r"all host address lookups failed permanently"), Reason.HOSTUNKNOWN),
    (re.compile(r"all relevant MX records point to non-existent hosts"), Reason.HOSTUNKNOWN),
    (re.compile(r"an MX or SRV record indicated no SMTP service"), Reason.NOTACCEPT),
    (re.compile(r"a TLS session is required"), Reason.FAILEDSTARTTLS),
    (re.compile(r"malformed address:"), Reason.SYNTAXERROR),
    (re.compile(r"angle-brackets nested too deep"), Reason.SYNTAXERROR),
    (re.compile(r"domain missing in source-routed address"), Reason.SYNTAXERROR),
)


def detect(view: MessageView) -> Detection | None:
    """Read an Exim bounce or delay warning; None when the message is not one."""
    if not (view.from_.startswith("Mail Delivery System") or _SUBJECT.search(view.subject)):
        return None
    # Mail.Ru writes Exim's template with its own additions; its provider detector reads it.
    if "mail.ru" in view.from_.lower():
        return None
    text = _common.cut_before(view.text, _ORIGINAL_MARKERS)
    start = _LIST_START.search(text)
    if start is None:
        return None

    is_delay = "has not yet been delivered" in start.group(0)
    blocks, transcripts = _split_blocks(text[start.end() :])
    failed = [
        address
        for value in (view.header("X-Failed-Recipients") or "").split(",")
        if (address := _common.address_of(value)) is not None
    ]
    findings: list[Finding] = []
    for head, body in blocks:
        finding = _read_block(head, body, transcripts, failed)
        if finding is None:
            continue
        if is_delay:
            finding.action = "delayed"
        findings.append(finding)
    is_mxlogic = "mxlogic" in view.from_.lower() or any(
        view.msg.get(name) is not None for name in _MXLOGIC_HEADERS
    )
    return _common.detection("mxlogic" if is_mxlogic else "exim", findings, view)


def _split_blocks(text: str) -> tuple[list[tuple[str, list[str]]], dict[str, list[str]]]:
    """Split the address list into (address line, error lines) blocks.

    Also collects the "The following text was generated during the delivery
    attempt" transcripts, keyed by the address line they name.
    """
    blocks: list[tuple[str, list[str]]] = []
    transcripts: dict[str, list[str]] = {}
    transcript: list[str] | None = None
    in_list = False
    for line in text.split("\n"):
        header = _TRANSCRIPT_HEADER.match(line)
        if header is not None:
            transcript = transcripts.setdefault(header.group(1).strip(), [])
            continue
        if transcript is not None:
            if line.strip() and not line.rstrip().endswith("------"):
                transcript.append(line)
            continue
        # Some Exim versions indent the "host" line by two spaces only.
        if line.startswith(("    ", "\t", "  host ")):
            if blocks and in_list:
                blocks[-1][1].append(line)
            continue
        in_list = bool(_RECIPIENT_LINE.match(line))
        if in_list:
            blocks.append((line, []))
    return blocks, transcripts


def _read_block(
    head: str, body: list[str], transcripts: dict[str, list[str]], failed: list[str]
) -> Finding | None:
    head_match = _RECIPIENT_LINE.match(head)
    if head_match is None:
        return None
    target, inline_error = head_match.group(1), head_match.group(2)
    text = _common.join_reply([inline_error or "", *body])

    generated = _GENERATED.search(text)
    address = _common.address_of(target)
    if address is None or target.startswith(("pipe to ", "save to ")):
        address = _common.address_of(generated.group(1)) if generated else None
    if address is None:
        address = _qualify(target, failed)
    if address is None:
        return None
    text = _GENERATED.sub("", text)

    transcript = transcripts.get(target.strip())
    is_pipe = target.startswith("pipe to ")
    if transcript and not text.strip():
        text = _common.join_reply(transcript)
    return _finding(address, text, is_pipe)


def _qualify(local: str, failed: list[str]) -> str | None:
    """Return the X-Failed-Recipients address whose local part is `local`."""
    matches = [address for address in failed if address.rpartition("@")[0] == local]
    return matches[0] if len(matches) == 1 else None


def _finding(address: str, text: str, is_pipe: bool) -> Finding:
    command: str | None = None
    smtp_error = _SMTP_ERROR.search(text)
    if smtp_error is not None:
        command = _common.command_in(smtp_error.group(1))
        text = text[: smtp_error.start()] + " " + text[smtp_error.end() :]
    remote_mta: str | None = None
    host = _HOST.search(text)
    if host is not None:
        remote_mta = host.group(1)
        text = text[: host.start()] + " " + text[host.end() :]
    diagnostic = text.replace("Delay reason:", " ").strip().strip('"').strip()

    finding = _common.finding_from_reply(
        address, diagnostic, remote_mta=remote_mta, smtp_command=command
    )
    for pattern, reason in _HINTS:
        match = pattern.search(diagnostic)
        # "mailbox is full: retry timeout exceeded": the earlier error is the cause.
        if match is not None and not diagnostic[: match.start()].strip(" :"):
            finding.reason_hint, finding.hint_evidence = reason, f"exim:{match.group(0)}"
            break
    # A failed pipe delivery is the local delivery program's failure.
    if is_pipe and finding.reason_hint is None and finding.reply_code is None:
        finding.reason_hint, finding.hint_evidence = Reason.MAILERERROR, "exim:pipe"
    return finding
