"""DragonFly Mail Agent (dma) bounces: "This is the DragonFly Mail Agent ... at ...".

dma writes one bounce per failed recipient:

    There was an error delivering your mail to <kijitora@example.jp>.

    mx.example.jp [192.0.2.1] did not like our RCPT TO:
    550 5.1.1 <kijitora@example.jp>: Recipient address rejected: User unknown

    Message headers follow.
"""

from __future__ import annotations

import re

from bounce_parser.lhost import _common
from bounce_parser.message import MessageView
from bounce_parser.types import Detection

_ORIGINAL_MARKERS = ("Message headers follow.", "Original message follows.")
_RECIPIENT = re.compile(r"There was an error delivering your mail to <([^<>\s]{1,320})>\.?")
_DID_NOT_LIKE = re.compile(
    r"^(\S+)(?: \[[^\]]{1,64}\])? did not like our ([^:\n]{1,40}):\s*$", re.MULTILINE
)


def detect(view: MessageView) -> Detection | None:
    """Read a dma bounce; None when the message is not one."""
    if not view.subject.startswith("Mail delivery failed"):
        return None
    text = _common.cut_before(view.text, _ORIGINAL_MARKERS)
    if "This is the DragonFly Mail Agent" not in text:
        return None
    recipient = _RECIPIENT.search(text)
    address = _common.address_of(recipient.group(1)) if recipient else None
    if recipient is None or address is None:
        return None

    error = text[recipient.end() :]
    remote_mta: str | None = None
    command: str | None = None
    stage = _DID_NOT_LIKE.search(error)
    if stage is not None:
        remote_mta, command = stage.group(1), _common.command_in(stage.group(2))
        error = error[stage.end() :]
    diagnostic = _common.join_reply(error.split("\n"))
    finding = _common.finding_from_reply(
        address, diagnostic, remote_mta=remote_mta, smtp_command=command
    )
    return _common.detection("dragonfly", [finding], view)
