"""Detectors for mailbox providers and sending services with formats of their own.

Each module recognises one provider (or a closely related group) by its own
headers, sender and wording, returns None at once for other mail, and extracts
the failed recipients with the remote server's reply. The classifier decides
the reason; a detector sets `reason_hint` only where the provider names the
failure class in its own vocabulary, through an explicit table.

The registry must try these before the generic RFC 3464 detector: several
providers wrap their own text around, or instead of, a delivery-status part.
"""

from __future__ import annotations

from collections.abc import Callable

from bounce_parser.message import MessageView
from bounce_parser.providers import (
    ezweb,
    gmail,
    gmx,
    googlegroups,
    kddi,
    mailru,
    sendgrid,
    sendgrid_events,
    ses,
    ses_json,
    verizon,
    yahoo,
    zoho,
)
from bounce_parser.types import Detection

Detector = Callable[[MessageView], Detection | None]

#: Tried in this order; the first non-None wins. The JSON detectors come first
#: because no other detector reads a JSON body.
PROVIDER_DETECTORS: tuple[Detector, ...] = (
    ses_json.detect,
    sendgrid_events.detect,
    ses.detect,
    googlegroups.detect,
    gmail.detect,
    yahoo.detect,
    sendgrid.detect,
    mailru.detect,
    gmx.detect,
    zoho.detect,
    verizon.detect,
    ezweb.detect,
    kddi.detect,
)

__all__ = ["PROVIDER_DETECTORS", "Detector"]
