"""The current blocklist state of every monitored target, for the Prometheus snapshot.

`reputation.metrics` reads deployment-wide state through one `StateSnapshot`;
`read_listings` provides its `listings` field.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from reputation.metrics import DnsblListing
from reputation.monitoring.models import ListingEpisode, MonitoredDomain


def read_listings(session: Session) -> tuple[DnsblListing, ...]:
    """Return one `DnsblListing` per target and zone with an episode, listed or not.

    A target is listed while its confirmed episode is open. An unconfirmed listing reads
    as 0, as in the alerts, so a listing seen by one check fires no Prometheus alert.
    Targets that were never listed are left out, which keeps the series few.
    """
    query = (
        select(
            ListingEpisode.domain,
            ListingEpisode.target,
            ListingEpisode.zone,
            ListingEpisode.delisted_at,
            ListingEpisode.confirmed_at,
        )
        .join(MonitoredDomain, MonitoredDomain.id == ListingEpisode.domain_id)
        .order_by(ListingEpisode.first_seen, ListingEpisode.id)
    )
    state: dict[tuple[str, str, str], bool] = {}
    for row in session.execute(query):
        key = (row.domain, row.target, row.zone)
        is_listed = row.delisted_at is None and row.confirmed_at is not None
        state[key] = state.get(key, False) or is_listed
    return tuple(
        DnsblListing(domain=domain, target=target, zone=zone, is_listed=is_listed)
        for (domain, target, zone), is_listed in sorted(state.items())
    )
