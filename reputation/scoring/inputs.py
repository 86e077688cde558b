"""Read the scoring inputs of one tenant's domain from the database.

Rates count distinct recipient addresses per window, because a recipient whose
bounce was received twice still failed once. A window of N days starts at 00:00 UTC
N days ago and runs to now, so the 1-day window always covers at least 24 hours.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, distinct, func, select
from sqlalchemy.orm import Session

from blacklist_checks import ListType, Zone
from bounce_parser import ReportKind
from reputation.models import RecipientEvent, SendVolume
from reputation.monitoring.domains import sending_ips
from reputation.monitoring.models import ListingEpisode, MonitoredDomain
from reputation.scoring.limits import WINDOWS_DAYS
from reputation.scoring.listings import Listing
from reputation.scoring.rates import WindowCounts
from reputation.scoring.types import ComponentKey


@dataclass(frozen=True, slots=True)
class DomainInputs:
    """What the database knows about a domain's sending, for one tenant."""

    domain: str
    windows: Mapping[ComponentKey, tuple[WindowCounts, ...]]
    daily_volume: int
    listings: tuple[Listing, ...]
    explicit_ips: tuple[str, ...]
    known_ips: tuple[str, ...]
    #: False until a blocklist check has run for the domain: its listings are then unknown.
    blocklists_checked: bool


def read_inputs(session: Session, *, tenant_id: int, domain: str, now: datetime) -> DomainInputs:
    """Read the rate windows, listings and sending IPs of `domain` for one tenant."""
    windows: dict[ComponentKey, list[WindowCounts]] = {
        ComponentKey.COMPLAINT_RATE: [],
        ComponentKey.HARD_BOUNCE_RATE: [],
        ComponentKey.SENDER_REJECTION_RATE: [],
    }
    for days in WINDOWS_DAYS:
        first_day = now.date() - timedelta(days=days)
        volume = _volume(session, tenant_id, domain, first_day)
        complaints, hard, sender = _event_counts(session, tenant_id, domain, first_day)
        windows[ComponentKey.COMPLAINT_RATE].append(WindowCounts(days, volume, complaints))
        windows[ComponentKey.HARD_BOUNCE_RATE].append(WindowCounts(days, volume, hard))
        windows[ComponentKey.SENDER_REJECTION_RATE].append(WindowCounts(days, volume, sender))

    explicit, known, checked = _sending_ips(session, tenant_id, domain)
    return DomainInputs(
        domain=domain,
        windows={key: tuple(value) for key, value in windows.items()},
        daily_volume=_daily_volume(session, tenant_id, domain, now.date()),
        listings=_listings(session, tenant_id, domain),
        explicit_ips=explicit,
        known_ips=known,
        blocklists_checked=checked,
    )


def zone_weights(zones: Sequence[Zone]) -> dict[str, float]:
    """Map each blocklist zone to its catalogue weight; allowlist and score zones are left out."""
    return {zone.name: zone.weight for zone in zones if zone.list_type is ListType.BLOCKLIST}


def _volume(session: Session, tenant_id: int, domain: str, first_day: date) -> int:
    query = select(func.coalesce(func.sum(SendVolume.recipients), 0)).where(
        SendVolume.tenant_id == tenant_id,
        SendVolume.from_domain == domain,
        SendVolume.day >= first_day,
    )
    return int(session.scalar(query) or 0)


def _daily_volume(session: Session, tenant_id: int, domain: str, today: date) -> int:
    """Return the larger of yesterday's and today's volume, summed over the streams."""
    query = (
        select(func.sum(SendVolume.recipients))
        .where(
            SendVolume.tenant_id == tenant_id,
            SendVolume.from_domain == domain,
            SendVolume.day >= today - timedelta(days=1),
        )
        .group_by(SendVolume.day)
    )
    return max((int(total or 0) for total in session.scalars(query)), default=0)


def _event_counts(
    session: Session, tenant_id: int, domain: str, first_day: date
) -> tuple[int, int, int]:
    address = RecipientEvent.address
    is_complaint = RecipientEvent.kind == ReportKind.FEEDBACK_REPORT.value
    query = select(
        func.count(distinct(case((is_complaint, address)))),
        func.count(distinct(case((RecipientEvent.hard_bounce, address)))),
        func.count(distinct(case((RecipientEvent.sender_fault, address)))),
    ).where(
        RecipientEvent.tenant_id == tenant_id,
        RecipientEvent.from_domain == domain,
        RecipientEvent.occurred_at >= datetime.combine(first_day, time(), tzinfo=UTC),
    )
    complaints, hard, sender = session.execute(query).one()
    return int(complaints), int(hard), int(sender)


def _listings(session: Session, tenant_id: int, domain: str) -> tuple[Listing, ...]:
    query = select(ListingEpisode).where(
        ListingEpisode.tenant_id == tenant_id,
        ListingEpisode.domain == domain,
        ListingEpisode.delisted_at.is_(None),
    )
    return tuple(
        Listing(episode.target, episode.zone, episode.confirmed_at is not None)
        for episode in session.scalars(query)
    )


def _sending_ips(
    session: Session, tenant_id: int, domain: str
) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """Return the explicitly monitored IPs, those plus the last check's SPF-derived IPs,
    and whether a blocklist check has run for the domain."""
    query = select(MonitoredDomain).where(
        MonitoredDomain.tenant_id == tenant_id, MonitoredDomain.domain == domain
    )
    monitored = session.scalar(query)
    if monitored is None:
        return (), (), False
    explicit = tuple(ip.address for ip in monitored.ips)
    known = tuple(view.address for view in sending_ips(session, monitored=monitored))
    return explicit, known, monitored.last_checked_at is not None
