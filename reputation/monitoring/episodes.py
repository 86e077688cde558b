"""Turn check results into listing episodes and decide which state changes alert.

The rule, per target and blocklist zone:

- UNKNOWN (timeout, SERVFAIL, refused, untrusted zone) changes nothing: it neither
  opens, extends nor closes an episode, and never alerts.
- LISTED opens an episode, or extends the open one. The episode is confirmed, and
  alerts once, when `confirmations` checks have found it listed; checks with UNKNOWN
  results in between do not reset the count.
- NOT_LISTED closes the open episode. It alerts once when the episode was confirmed;
  an unconfirmed episode closes silently, because its opening raised no alert.

Only blocklist zones make episodes: an entry in an allowlist or score zone is no listing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from blacklist_checks import ListingResult, ListingStatus, ListType, Zone
from reputation.monitoring.models import AlertKind, ListingEpisode, MonitoredDomain


class EpisodeAction(StrEnum):
    """The effect of one result on the episode of its target and zone."""

    NONE = "none"
    OPEN = "open"
    EXTEND = "extend"
    CLOSE = "close"


@dataclass(frozen=True, slots=True)
class OpenEpisode:
    """The part of an open episode the rule reads."""

    listed_checks: int
    is_confirmed: bool


@dataclass(frozen=True, slots=True)
class EpisodeDecision:
    """The rule's verdict for one result: the action, whether it confirms, and the alert."""

    action: EpisodeAction
    confirms: bool = False
    alert: AlertKind | None = None


@dataclass(frozen=True, slots=True)
class EpisodeChange:
    """An episode a check changed, and the alert that change raises, if any."""

    episode: ListingEpisode
    action: EpisodeAction
    alert: AlertKind | None


def decide(
    episode: OpenEpisode | None, status: ListingStatus, confirmations: int
) -> EpisodeDecision:
    """Apply the module's rule to one result, given the open episode of its target and zone."""
    if status is ListingStatus.UNKNOWN:
        return EpisodeDecision(EpisodeAction.NONE)

    if status is ListingStatus.NOT_LISTED:
        if episode is None:
            return EpisodeDecision(EpisodeAction.NONE)
        alert = AlertKind.DELISTED if episode.is_confirmed else None
        return EpisodeDecision(EpisodeAction.CLOSE, alert=alert)

    if episode is None:
        confirms = confirmations <= 1
        return EpisodeDecision(
            EpisodeAction.OPEN, confirms=confirms, alert=AlertKind.LISTED if confirms else None
        )
    confirms = not episode.is_confirmed and episode.listed_checks + 1 >= confirmations
    return EpisodeDecision(
        EpisodeAction.EXTEND, confirms=confirms, alert=AlertKind.LISTED if confirms else None
    )


def apply_results(
    session: Session,
    *,
    monitored: MonitoredDomain,
    results: Iterable[ListingResult],
    zones: Mapping[str, Zone],
    now: datetime,
    confirmations: int,
) -> list[EpisodeChange]:
    """Open, extend or close the domain's episodes for the blocklist results of one check."""
    # NOTE: a target no longer checked (an IP dropped from SPF or from the explicit list)
    # keeps its open episode, so it reads as listed until the domain is removed.
    open_episodes = {
        (episode.target, episode.zone): episode for episode in _open_episodes(session, monitored)
    }
    changes: list[EpisodeChange] = []
    for result in results:
        if result.list_type is not ListType.BLOCKLIST:
            continue
        episode = open_episodes.get((result.target, result.zone))
        state = (
            OpenEpisode(episode.listed_checks, episode.confirmed_at is not None)
            if episode is not None
            else None
        )
        decision = decide(state, result.status, confirmations)
        if decision.action is EpisodeAction.NONE:
            continue

        if decision.action is EpisodeAction.OPEN:
            episode = _open(session, monitored, result, zones.get(result.zone), now)
        elif decision.action is EpisodeAction.EXTEND and episode is not None:
            _extend(episode, result, now)
        elif episode is not None:
            episode.delisted_at = now
        if decision.confirms and episode is not None:
            episode.confirmed_at = now
        if episode is not None:
            changes.append(EpisodeChange(episode, decision.action, decision.alert))
    session.flush()
    return changes


def _open_episodes(session: Session, monitored: MonitoredDomain) -> list[ListingEpisode]:
    query = select(ListingEpisode).where(
        ListingEpisode.domain_id == monitored.id, ListingEpisode.delisted_at.is_(None)
    )
    return list(session.scalars(query))


def _open(
    session: Session,
    monitored: MonitoredDomain,
    result: ListingResult,
    zone: Zone | None,
    now: datetime,
) -> ListingEpisode:
    episode = ListingEpisode(
        tenant_id=monitored.tenant_id,
        domain_id=monitored.id,
        domain=monitored.domain,
        target=result.target,
        zone=result.zone,
        first_seen=now,
        last_seen=now,
        listed_checks=1,
        codes=list(result.codes),
        meanings=list(result.meanings),
        txt=list(result.txt),
        delist_url=zone.delist_url if zone is not None else "",
    )
    session.add(episode)
    return episode


def _extend(episode: ListingEpisode, result: ListingResult, now: datetime) -> None:
    # The operator may change the code or TXT of a standing listing (e.g. SBL to XBL);
    # the episode shows the latest, and the listing stays one episode.
    episode.last_seen = now
    episode.listed_checks += 1
    episode.codes = list(result.codes)
    episode.meanings = list(result.meanings)
    episode.txt = list(result.txt)
