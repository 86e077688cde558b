"""The current blocklist state of a monitored domain, per target and zone, from its last check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reputation.monitoring.domains import last_run
from reputation.monitoring.models import CheckResult, ListingEpisode, MonitoredDomain


@dataclass(frozen=True, slots=True)
class TargetState:
    """One target in one zone: the last check's status and, while listed, since when.

    `listed_since` and `is_confirmed` come from the open episode, which an UNKNOWN
    result keeps open, so `status` may be `unknown` while `listed_since` is set.
    """

    target: str
    zone: str
    list_type: str
    status: str
    codes: tuple[str, ...]
    txt: tuple[str, ...]
    error: str | None
    checked_at: datetime
    listed_since: datetime | None
    is_confirmed: bool
    confirmed_listings: int = 0


def current_state(
    session: Session, *, monitored: MonitoredDomain, counted_since: datetime
) -> list[TargetState]:
    """Return the state of each target and zone of the last check, with open episodes.

    `confirmed_listings` counts the confirmed episodes first seen at or after
    `counted_since`, e.g. the start of the year.
    """
    run = last_run(session, monitored=monitored)
    if run is None:
        return []
    counts = count_confirmed_listings(session, monitored=monitored, since=counted_since)
    open_episodes = {
        (episode.target, episode.zone): episode
        for episode in session.scalars(
            select(ListingEpisode).where(
                ListingEpisode.domain_id == monitored.id, ListingEpisode.delisted_at.is_(None)
            )
        )
    }
    results = session.scalars(
        select(CheckResult)
        .where(CheckResult.run_id == run.id)
        .order_by(CheckResult.target, CheckResult.zone)
    )
    states: list[TargetState] = []
    for result in results:
        episode = open_episodes.get((result.target, result.zone))
        states.append(
            TargetState(
                target=result.target,
                zone=result.zone,
                list_type=result.list_type,
                status=result.status,
                codes=tuple(result.codes),
                txt=tuple(result.txt),
                error=result.error,
                checked_at=run.finished_at,
                listed_since=episode.first_seen if episode is not None else None,
                is_confirmed=episode is not None and episode.confirmed_at is not None,
                confirmed_listings=counts.get((result.target, result.zone), 0),
            )
        )
    return states


def count_confirmed_listings(
    session: Session, *, monitored: MonitoredDomain, since: datetime
) -> dict[tuple[str, str], int]:
    """Count the confirmed episodes per (target, zone) first seen at or after `since`."""
    query = (
        select(ListingEpisode.target, ListingEpisode.zone, func.count())
        .where(
            ListingEpisode.domain_id == monitored.id,
            ListingEpisode.confirmed_at.is_not(None),
            ListingEpisode.first_seen >= since,
        )
        .group_by(ListingEpisode.target, ListingEpisode.zone)
    )
    return {(target, zone): count for target, zone, count in session.execute(query)}
