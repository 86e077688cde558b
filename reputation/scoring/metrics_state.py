"""Read the deployment-wide state that `/metrics` exposes, as one `StateSnapshot`.

`make_state_source` returns the callable that `reputation.metrics.register_state_source`
takes: each scrape opens one session and reads suppressions by source, blocklist
listings (`reputation.monitoring.state`), per-domain totals with the newest stored
reputation score, the zone weights and the time of the newest ingested message.

The per-domain totals are summed over tenants sending from the same domain.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bounce_parser import ReportKind
from reputation.metrics import DomainState, StateSnapshot, StateSource
from reputation.models import Message, RecipientEvent, SendVolume, Suppression
from reputation.monitoring.state import read_listings
from reputation.scoring.models import ReputationSnapshot


def make_state_source(
    session_factory: sessionmaker[Session], zone_weights: Mapping[str, float]
) -> StateSource:
    """Return a callable that reads a fresh `StateSnapshot` from the database."""
    weights = dict(zone_weights)

    def read() -> StateSnapshot:
        with session_factory() as session:
            return read_state(session, weights)

    return read


def read_state(session: Session, zone_weights: Mapping[str, float]) -> StateSnapshot:
    """Read one `StateSnapshot` in `session`."""
    suppressions = session.execute(
        select(Suppression.source, func.count()).group_by(Suppression.source)
    ).all()
    return StateSnapshot(
        suppressions_by_source={source: int(count) for source, count in suppressions},
        listings=read_listings(session),
        domains=read_domain_states(session),
        zone_weights=dict(zone_weights),
        last_message_ingested_at=session.scalar(select(func.max(Message.received_at))),
    )


def read_domain_states(session: Session) -> tuple[DomainState, ...]:
    """Return the sent, hard-bounce and complaint totals and the newest score per domain.

    NOTE: deleting old events or reparsing can lower a total, which Prometheus reads as a
    counter reset.
    """
    volumes = session.execute(
        select(SendVolume.from_domain, func.sum(SendVolume.recipients)).group_by(
            SendVolume.from_domain
        )
    ).all()
    sent: dict[str, int] = {domain: int(total or 0) for domain, total in volumes}
    events = session.execute(
        select(
            RecipientEvent.from_domain,
            func.count().filter(RecipientEvent.hard_bounce.is_(True)),
            func.count().filter(RecipientEvent.kind == ReportKind.FEEDBACK_REPORT.value),
        )
        .where(RecipientEvent.from_domain.is_not(None))
        .group_by(RecipientEvent.from_domain)
    ).all()
    bounced: dict[str, tuple[int, int]] = {
        domain: (int(hard), int(complaints)) for domain, hard, complaints in events if domain
    }
    scores = _latest_scores(session)

    states = []
    for domain in sorted(set(sent) | set(bounced) | set(scores)):
        hard, complaints = bounced.get(domain, (0, 0))
        states.append(
            DomainState(domain, sent.get(domain, 0), hard, complaints, scores.get(domain))
        )
    return tuple(states)


def _latest_scores(session: Session) -> dict[str, float]:
    is_domain_row = ReputationSnapshot.target == ReputationSnapshot.domain
    newest = (
        select(ReputationSnapshot.domain, func.max(ReputationSnapshot.computed_at).label("at"))
        .where(is_domain_row)
        .group_by(ReputationSnapshot.domain)
        .subquery()
    )
    query = (
        select(ReputationSnapshot.domain, ReputationSnapshot.score)
        .join(
            newest,
            (newest.c.domain == ReputationSnapshot.domain)
            & (newest.c.at == ReputationSnapshot.computed_at),
        )
        .where(is_domain_row)
        # A low-confidence score (a new domain, no volume, blocklists not yet checked) is
        # mostly its unknown inputs; exporting it would fire the low-score alert falsely.
        .where(ReputationSnapshot.confidence != "low")
        .order_by(ReputationSnapshot.id)
    )
    # Several tenants may score the same domain at the same moment; the last row wins.
    return {domain: float(score) for domain, score in session.execute(query)}
