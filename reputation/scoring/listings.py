"""Score current blocklist listings by their zones' catalogue weights: a pure function.

A confirmed listing (found by as many consecutive checks as monitoring requires) costs
its full points. An unconfirmed one may still be a one-off DNS glitch, so it only widens
the range towards the worse end. A target that no blocklist check has ever covered is
unknown, neither clean nor listed: its range spans every possible listing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reputation.scoring import limits
from reputation.scoring.types import Component, ComponentKey, ComponentStatus, Param, Verdict

#: Weight of a zone missing from the catalogue, e.g. one a user's old catalogue had.
DEFAULT_ZONE_WEIGHT = 1.0


@dataclass(frozen=True, slots=True)
class Listing:
    """One open listing of a target (the domain or an IP) in a blocklist zone."""

    target: str
    zone: str
    is_confirmed: bool


def score_listings(
    listings: Iterable[Listing], zone_weights: Mapping[str, float], *, checked: bool
) -> Component:
    """Score the listings of one domain (with its IPs) or one IP.

    `checked` is False when no blocklist check has run for the domain yet.
    """
    listings = list(listings)
    key = ComponentKey.BLOCKLISTS
    if not checked and not listings:
        worst, reason = -limits.MAX_BLOCKLIST_POINTS, "blocklists_not_checked"
        return Component(key, ComponentStatus.UNKNOWN, worst / 2, worst, 0.0, Verdict.SEND, reason)
    confirmed = sorted(
        (item for item in listings if item.is_confirmed), key=lambda item: (item.zone, item.target)
    )
    unconfirmed = [item for item in listings if not item.is_confirmed]

    def points(items: Iterable[Listing]) -> float:
        weight = sum(zone_weights.get(item.zone, DEFAULT_ZONE_WEIGHT) for item in items)
        return -min(limits.MAX_BLOCKLIST_POINTS, weight * limits.POINTS_PER_ZONE_WEIGHT)

    sure = points(confirmed)
    worst = points([*confirmed, *unconfirmed])
    if not confirmed:
        if not unconfirmed:
            return Component(key, ComponentStatus.OK, 0.0, 0.0, 0.0, Verdict.SEND, "not_listed")
        params: dict[str, Param] = {"zones": _names(unconfirmed)}
        return Component(
            key, ComponentStatus.UNKNOWN, 0.0, worst, 0.0, Verdict.SEND, "unconfirmed", params
        )

    heaviest = max(zone_weights.get(item.zone, DEFAULT_ZONE_WEIGHT) for item in confirmed)
    if heaviest >= limits.HOLD_ZONE_WEIGHT:
        status, verdict = ComponentStatus.CRITICAL, Verdict.HOLD
    elif heaviest >= limits.THROTTLE_ZONE_WEIGHT:
        status, verdict = ComponentStatus.WARNING, Verdict.THROTTLE
    else:
        status, verdict = ComponentStatus.WARNING, Verdict.SEND
    listed: dict[str, Param] = {"zones": _names(confirmed), "count": len(confirmed)}
    return Component(key, status, sure, worst, sure, verdict, "listed", listed)


def _names(items: Iterable[Listing]) -> str:
    return ", ".join(sorted({f"{item.target} @ {item.zone}" for item in items}))
