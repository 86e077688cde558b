"""Detectors for bounces that MTAs write in their own, non-RFC 3464 formats."""

from __future__ import annotations

from collections.abc import Callable

from bounce_parser.message import MessageView
from bounce_parser.types import Detection

Detector = Callable[[MessageView], Detection | None]

#: Tried in this order after the standard formats; the first non-None wins.
LHOST_DETECTORS: tuple[Detector, ...] = ()
