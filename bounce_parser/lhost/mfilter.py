"""Digital Arts m-FILTER bounces, written in Japanese ("X-Mailer: m-FILTER").

m-FILTER lists the failed addresses after a Japanese sentence and then the
remote reply and the SMTP command under dashed section lines:

    以下のメールアドレスへの送信に失敗しました。
    kijitora@example.jp
    -------server message
    550 unknown user <kijitora@example.jp>
    -------SMTP command
    DATA
"""

from __future__ import annotations

import re

from bounce_parser.lhost import _common
from bounce_parser.message import MessageView
from bounce_parser.types import Detection

_START = "以下のメールアドレスへの送信に失敗しました"
_ORIGINAL_MARKERS = ("-------original message", "-------original mail info")
_SECTION = re.compile(r"^-{7}(server message|SMTP command)\s*$")
_ADDRESS_LINE = re.compile(r"^<?([^<>\s]{1,320}@[^<>\s]{1,255}?)>?$")


def detect(view: MessageView) -> Detection | None:
    """Read an m-FILTER bounce; None when the message is not one."""
    if view.header("X-Mailer") != "m-FILTER" and "m-FILTER" not in view.subject:
        return None
    text = _common.cut_before(view.text, _ORIGINAL_MARKERS)
    start = text.find(_START)
    if start < 0:
        return None

    addresses: list[str] = []
    sections: dict[str, list[str]] = {"server message": [], "SMTP command": []}
    current: list[str] | None = None
    for line in text[start:].split("\n")[1:]:
        stripped = line.strip()
        section = _SECTION.match(stripped)
        if section is not None:
            current = sections[section.group(1)]
        elif current is not None:
            current.append(stripped)
        elif (address_line := _ADDRESS_LINE.match(stripped)) is not None:
            address = _common.address_of(address_line.group(1))
            if address is not None:
                addresses.append(address)

    diagnostic = _common.join_reply(sections["server message"])
    command = _common.command_in(" ".join(sections["SMTP command"]))
    findings = [
        _common.finding_from_reply(address, diagnostic, smtp_command=command)
        for address in addresses
    ]
    return _common.detection("mfilter", findings, view)
