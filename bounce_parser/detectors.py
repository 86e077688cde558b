"""The detector registry: every detector, in the order `parse_message` tries them.

The first detector that returns a detection with at least one finding wins.
Feedback reports come first because their Feedback-Type field is unambiguous.
Provider and MTA detectors come before the generic RFC 3464 reader because
they know their sender's vocabulary (an SES bounce subtype, a Postfix
transcript). Auto-replies come last: bounces also carry Auto-Submitted.
"""

from __future__ import annotations

from collections.abc import Callable

from bounce_parser.arf import detect_arf
from bounce_parser.autoreply import detect_autoreply
from bounce_parser.dsn import detect_dsn
from bounce_parser.lhost import LHOST_DETECTORS
from bounce_parser.message import MessageView
from bounce_parser.providers import PROVIDER_DETECTORS
from bounce_parser.types import Detection

Detector = Callable[[MessageView], Detection | None]

DETECTORS: tuple[Detector, ...] = (
    detect_arf,
    *PROVIDER_DETECTORS,
    *LHOST_DETECTORS,
    detect_dsn,
    detect_autoreply,
)
