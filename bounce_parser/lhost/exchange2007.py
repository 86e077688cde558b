"""The text of Exchange 2007 to 2019 and Exchange Online non-delivery reports.

These reports normally carry a `message/delivery-status` part, which the
RFC 3464 reader handles, so this detector steps aside when one is present. It
reads the text when a gateway dropped that part or a client re-sent the
report as plain text. After the user-facing explanation, the section for
administrators lists each recipient with the remote server's reply:

    Generating server: AM0PR01MB1234.eurprd01.prod.exchangelabs.com

    user@example.net
    Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; ...'

Exchange 2007 and 2010 write the reply as `#550 5.1.1 RESOLVER... ##` instead.
The headings are read in English, Polish, German and French, the languages
of the first users and of the corpus senders.
"""

from __future__ import annotations

import re

from bounce_parser.lhost import _common
from bounce_parser.message import MessageView
from bounce_parser.types import Detection, Finding

_SUBJECTS = ("Undeliverable:", "Niedostarczalne:", "Unzustellbar:", "Non remis :", "Non remis:")
# NOTE: the Polish, German and French headings follow the localised templates
# without a real sample to check them against, so a wording drift misses the report.
_GENERATING_SERVER = re.compile(
    r"^(?:Generating server|Serwer generujący|Generierender Server|Serveur de génération)\s*:",
    re.MULTILINE,
)
_ORIGINAL_MARKERS = (
    "Original message headers:",
    "Nagłówki oryginalnej wiadomości:",
    "Ursprüngliche Nachrichtenkopfzeilen:",
    "En-têtes de message d'origine :",
)
_ADDRESS_LINE = re.compile(r"^<?([^<>\s@]{1,320}@[^<>\s@]{1,255}?)>?$")
_REMOTE_RETURNED = re.compile(
    r"^(?:Remote Server returned|Serwer zdalny zwrócił|Vom Remoteserver wurde Folgendes"
    r" zurückgegeben|Le serveur distant a retourné)\s*:?\s*'(.*)'\s*$",
    re.IGNORECASE,
)
_HASH_REPLY = re.compile(r"^#\s*(.+?)\s*##")
_STATUS_PART_TYPES = ("message/delivery-status", "message/global-delivery-status")


def detect(view: MessageView) -> Detection | None:
    """Read an Exchange 2007+ report that lacks its delivery-status part."""
    if not view.subject.startswith(_SUBJECTS):
        return None
    if view.parts_of_type(*_STATUS_PART_TYPES):
        return None
    text = _common.cut_before(view.text, _ORIGINAL_MARKERS)
    start = _GENERATING_SERVER.search(text)
    if start is None:
        return None

    findings: list[Finding] = []
    address: str | None = None
    for raw in text[start.end() :].split("\n")[1:]:
        line = raw.strip()
        recipient = _ADDRESS_LINE.match(line)
        if recipient is not None:
            address = _common.address_of(recipient.group(1))
            continue
        reply = _reply(line)
        if address is not None and reply is not None:
            findings.append(_common.finding_from_reply(address, reply))
            address = None
    return _common.detection("exchange2007", findings, view)


def _reply(line: str) -> str | None:
    for pattern in (_REMOTE_RETURNED, _HASH_REPLY):
        match = pattern.match(line)
        if match is not None:
            return match.group(1).strip() or None
    return None
