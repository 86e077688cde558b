"""Apache James bounces: "Error message below:" with the envelope under "Message details:".

Error: Invalid user address
Error message below:
550 - Requested action not taken: no such user here
Message details:
  MAIL FROM: sender@example.org
  RCPT TO: kijitora@example.jp
"""

from __future__ import annotations

import re

from bounce_parser.lhost import _common
from bounce_parser.message import MessageView
from bounce_parser.types import Detection

_ERROR_START = "Error message below:"
_DETAILS_START = "Message details:"
_RCPT_TO = re.compile(r"^\s*RCPT TO:\s*(.+)$", re.MULTILINE)
_DASHED_REPLY = re.compile(r"^([245]\d\d) - ")


def detect(view: MessageView) -> Detection | None:
    """Read an Apache James bounce; None when the message is not one."""
    if _ERROR_START not in view.text:
        return None
    is_james = view.subject == "[BOUNCE]" or ".JavaMail." in (view.header("Message-ID") or "")
    if not is_james:
        received = view.msg.get_all("Received") or []
        is_james = any("JAMES SMTP Server" in str(value) for value in received)
    if not is_james:
        return None
    text = _common.cut_before(view.text, ())
    error_at = text.find(_ERROR_START)
    details_at = text.find(_DETAILS_START, error_at + 1)
    if error_at < 0 or details_at < 0:
        return None

    error = text[error_at + len(_ERROR_START) : details_at].split("\n")
    # James writes the reply as "550 - text"; the dash is not part of the reply.
    diagnostic = _DASHED_REPLY.sub(r"\1 ", _common.join_reply(error))
    findings = []
    for match in _RCPT_TO.finditer(text[details_at:]):
        for candidate in match.group(1).split(","):
            address = _common.address_of(candidate)
            if address is not None:
                findings.append(_common.finding_from_reply(address, diagnostic))
    return _common.detection("apachejames", findings, view)
