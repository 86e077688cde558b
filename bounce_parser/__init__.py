"""Parse returned mail (bounces, complaints, auto-replies) into typed reports.

Pure: no I/O, no clock, no settings. `parse_message` takes the raw bytes of one
message and always returns a `Report`, never raising on bad input.
"""

from bounce_parser.mbox import is_mbox, iter_mbox, split_mbox
from bounce_parser.parse import parse_message, recipient_from_finding
from bounce_parser.types import (
    SENDER_FAULT_REASONS,
    Detection,
    Finding,
    OriginalMessage,
    Reason,
    Recipient,
    Report,
    ReportKind,
    is_hard_bounce,
)

__all__ = [
    "SENDER_FAULT_REASONS",
    "Detection",
    "Finding",
    "OriginalMessage",
    "Reason",
    "Recipient",
    "Report",
    "ReportKind",
    "is_hard_bounce",
    "is_mbox",
    "iter_mbox",
    "parse_message",
    "recipient_from_finding",
    "split_mbox",
]
