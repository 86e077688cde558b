"""Detectors for bounces that MTAs write in their own, non-RFC 3464 formats.

Each module reads one MTA family's template and returns None quickly, on a
header or subject check, when the message is not of its family. The registry
tries these before the generic RFC 3464 reader, so a detector whose family
also attaches a `message/delivery-status` part either reads more than that
part gives or steps aside (see each module's docstring).
"""

from __future__ import annotations

from collections.abc import Callable

from bounce_parser.lhost import (
    activehunter,
    apachejames,
    dragonfly,
    exchange2003,
    exchange2007,
    exim,
    fml,
    imailserver,
    mailfoundry,
    mfilter,
    notes,
    opensmtpd,
    postfix,
    qmail,
    sendmail,
    unidentified,
)
from bounce_parser.message import MessageView
from bounce_parser.types import Detection

Detector = Callable[[MessageView], Detection | None]

#: Tried in this order; more specific templates come before broader ones.
LHOST_DETECTORS: tuple[Detector, ...] = (
    dragonfly.detect,
    mfilter.detect,
    mailfoundry.detect,
    activehunter.detect,
    apachejames.detect,
    fml.detect,
    notes.detect,
    unidentified.detect_delivery_errors,
    unidentified.detect_notification,
    unidentified.detect_trouble,
    imailserver.detect,
    exchange2007.detect,
    exchange2003.detect,
    opensmtpd.detect,
    postfix.detect,
    qmail.detect,
    exim.detect,
    sendmail.detect,
)

__all__ = ["LHOST_DETECTORS", "Detector"]
