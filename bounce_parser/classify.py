"""Classify one detector finding: choose its reason class and record why.

The order of evidence is: the action (a success DSN is `delivered`), a
detector's `reason_hint`, then the diagnostic text, the enhanced status code
and the reply code together. Text wins over a code that real servers use for
unrelated failures (a 5.7.1 naming a blocklist is `blocked`, not an address
problem), and a code wins over text that names no known failure. A finding
with action `delayed` never gets a hard-bounce reason.
"""

from __future__ import annotations

from bounce_parser import status as _status
from bounce_parser.types import Finding, Reason

_SUCCESS_ACTIONS = frozenset({"delivered", "relayed", "expanded"})


def classify(finding: Finding) -> tuple[Reason, str]:
    """Return the reason class of `finding` and the evidence that decided it."""
    action = (finding.action or "").strip().lower()
    if action in _SUCCESS_ACTIONS:
        return Reason.DELIVERED, f"action={action}"
    if finding.reason_hint is not None:
        return finding.reason_hint, f"hint={finding.hint_evidence or finding.reason_hint}"

    status = _status.normalise_status(finding.status) or _status.find_status(finding.diagnostic)
    reason = _status.reason_for_status(status)
    if reason is not None:
        return reason, f"status={status}"
    return Reason.UNDEFINED, "default"
