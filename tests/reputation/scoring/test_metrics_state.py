"""The Prometheus state snapshot read from the database."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session, sessionmaker

from blacklist_checks import load_catalogue
from reputation import metrics
from reputation.models import Tenant
from reputation.scoring.inputs import zone_weights
from reputation.scoring.metrics_state import make_state_source, read_state
from reputation.scoring.service import ScoringSetup, compute_reputation
from tests.conftest import FixedClock
from tests.reputation.scoring.history import add_events, add_volume, good_resolver, mark_checked

WEIGHTS = zone_weights(load_catalogue())


def test_read_state_domain_totals_and_score(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    add_volume(session, tenant, "example.com", 20_000, clock.now())
    add_events(session, tenant, "example.com", 7, clock.now(), hard_bounce=True)
    add_events(session, tenant, "example.com", 2, clock.now(), kind="feedback_report")
    mark_checked(session, tenant, "example.com", clock)
    result = compute_reputation(
        session,
        tenant=tenant,
        domain="example.com",
        setup=ScoringSetup(WEIGHTS, good_resolver()),
        clock=clock,
    )
    state = read_state(session, WEIGHTS)
    (domain,) = state.domains
    assert (domain.sent_recipients, domain.hard_bounces, domain.complaints) == (20_000, 7, 2)
    assert domain.reputation_score == result.score
    assert state.last_message_ingested_at == clock.now()
    assert state.zone_weights["zen.spamhaus.org"] == 10


def test_state_source_feeds_reputation_gauge(
    session: Session,
    session_factory: sessionmaker[Session],
    tenant: Tenant,
    clock: FixedClock,
) -> None:
    add_volume(session, tenant, "example.com", 20_000, clock.now())
    mark_checked(session, tenant, "example.com", clock)
    compute_reputation(
        session,
        tenant=tenant,
        domain="example.com",
        setup=ScoringSetup(WEIGHTS, good_resolver()),
        clock=clock,
    )
    session.commit()
    metrics.register_state_source(make_state_source(session_factory, WEIGHTS))
    try:
        body, _ = metrics.render_metrics()
    finally:
        metrics.register_state_source(None)
    samples = {
        (sample.name, sample.labels.get("domain")): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }
    assert samples[("mailrep_reputation_score", "example.com")] > 80
    assert samples[("mailrep_domain_sent_recipients_total", "example.com")] == 20_000


def test_read_state_omits_low_confidence_score(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    """A new domain with no volume is scored, but its score is not exported."""
    add_events(session, tenant, "example.com", 1, clock.now(), hard_bounce=True)
    result = compute_reputation(
        session,
        tenant=tenant,
        domain="example.com",
        setup=ScoringSetup(WEIGHTS, good_resolver()),
        clock=clock,
    )

    state = read_state(session, WEIGHTS)

    assert result.confidence.value == "low"
    assert [domain.reputation_score for domain in state.domains] == [None]
