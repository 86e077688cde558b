"""fml mailing-list manager notices (X-MLServer: fml) that reject a posting.

fml replies to a post from a non-member or a detected loop with a notice to the
sender. The failed "recipient" is the list address: the sender is at fault,
never the list, so these findings are never hard bounces.
"""

from __future__ import annotations

import re

from bounce_parser.lhost import _common
from bounce_parser.message import MessageView
from bounce_parser.types import Detection, Reason

_LIST_ADDRESS = re.compile(r"<([^<>\s]{1,320}@[^<>\s]{1,255})>")
_ORIGINAL_MARKERS = ("Original mail as follows:",)

# fml's own notice texts, each naming the class.
_NOTICES: tuple[tuple[re.Pattern[str], Reason], ...] = (
    (
        re.compile(
            r"NOT MEMBER article from|You are not a member of this mailing list"
            r"|reject mail from|Spam mail from a spammer is rejected",
            re.IGNORECASE,
        ),
        Reason.REJECTED,
    ),
    (re.compile(r"Security alert", re.IGNORECASE), Reason.SECURITYERROR),
    (
        re.compile(r"Duplicated Message-ID|has detected a loop condition|Loop Back Warning"),
        Reason.SYSTEMERROR,
    ),
)


def detect(view: MessageView) -> Detection | None:
    """Read an fml rejection notice; None when the message is not one."""
    if view.msg.get("X-MLServer") is None or "-admin@" not in view.from_:
        return None
    text = _common.cut_before(view.text, _ORIGINAL_MARKERS)
    for pattern, reason in _NOTICES:
        notice = pattern.search(text)
        if notice is None:
            continue
        line_end = text.find("\n", notice.start())
        line = text[notice.start() : line_end if line_end >= 0 else len(text)].strip()
        list_address = _LIST_ADDRESS.search(text) or _LIST_ADDRESS.search(view.from_)
        address = _common.address_of(list_address.group(1)) if list_address else None
        if address is None:
            return None
        finding = _common.finding_from_reply(address, line)
        finding.reason_hint, finding.hint_evidence = reason, f"fml:{notice.group(0)}"
        return _common.detection("fml", [finding], view)
    return None
