"""TransWARE Active!hunter bounces: "FAILURE NOTICE :" with an X-AHMAILID header.

The layout imitates Sendmail's, but each address line starts with ">>> " and
the transcript holds only the reply:

      ----- The following addresses had permanent fatal errors -----
    >>> kijitora@example.jp <kijitora@example.jp>
      ----- Transcript of session follows -----
    550 sorry, no mailbox here by that name (#5.1.1 - chkusr)
"""

from __future__ import annotations

import re

from bounce_parser.lhost import _common
from bounce_parser.message import MessageView
from bounce_parser.types import Detection

_ADDRESS_LINE = re.compile(r"^>>> (\S+@\S+)", re.MULTILINE)
_TRANSCRIPT = "----- Transcript of session follows -----"


def detect(view: MessageView) -> Detection | None:
    """Read an Active!hunter bounce; None when the message is not one."""
    if view.msg.get("X-AHMAILID") is None and not view.subject.startswith("FAILURE NOTICE :"):
        return None
    text = _common.cut_before(view.text, ())
    transcript_at = text.find(_TRANSCRIPT)
    if transcript_at < 0:
        return None

    addresses = [
        address
        for match in _ADDRESS_LINE.finditer(text[:transcript_at])
        if (address := _common.address_of(match.group(1))) is not None
    ]
    transcript = text[transcript_at + len(_TRANSCRIPT) :].split("\n")
    diagnostic = _common.join_reply(line for line in transcript if line.strip())
    findings = [_common.finding_from_reply(address, diagnostic) for address in addresses]
    return _common.detection("activehunter", findings, view)
