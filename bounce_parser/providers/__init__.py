"""Detectors for mailbox providers and sending services with formats of their own."""

from __future__ import annotations

from collections.abc import Callable

from bounce_parser.message import MessageView
from bounce_parser.types import Detection

Detector = Callable[[MessageView], Detection | None]

#: Tried in this order; the first non-None wins.
PROVIDER_DETECTORS: tuple[Detector, ...] = ()
