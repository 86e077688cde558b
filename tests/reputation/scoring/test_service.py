"""Reputation computed from the database, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from blacklist_checks import FakeResolver, load_catalogue
from reputation.models import Tenant
from reputation.scoring.inputs import zone_weights
from reputation.scoring.models import ReputationSnapshot
from reputation.scoring.service import (
    ScoringSetup,
    compute_reputation,
    list_history,
    score_after_check,
    send_check_reputation,
)
from reputation.scoring.types import ComponentKey, ComponentStatus, Confidence, Level, Verdict
from reputation.tenants import create_tenant
from tests.conftest import FixedClock
from tests.reputation.scoring.history import (
    add_events,
    add_listing,
    add_volume,
    good_resolver,
    mark_checked,
)

WEIGHTS = zone_weights(load_catalogue())
DOMAIN = "example.com"


def _setup(resolver: FakeResolver | None = None) -> ScoringSetup:
    return ScoringSetup(WEIGHTS, resolver if resolver is not None else good_resolver())


def _component(result, key: ComponentKey):
    return next(item for item in result.components if item.key is key)


def test_compute_no_volume_is_range_not_100(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    result = compute_reputation(session, tenant=tenant, domain=DOMAIN, setup=_setup(), clock=clock)
    assert result.score < 100
    assert result.score_high == 100
    assert result.score_low < 50
    assert result.confidence is Confidence.LOW
    status = _component(result, ComponentKey.COMPLAINT_RATE).status
    assert status is ComponentStatus.NOT_ENOUGH_VOLUME


def test_compute_clean_volume_is_high_send(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    add_volume(session, tenant, DOMAIN, 50_000, clock.now())
    mark_checked(session, tenant, DOMAIN, clock)
    result = compute_reputation(session, tenant=tenant, domain=DOMAIN, setup=_setup(), clock=clock)
    assert result.level is Level.HIGH
    assert result.verdict is Verdict.SEND
    assert result.confidence is Confidence.HIGH
    assert [ip.target for ip in result.ips] == ["192.0.2.10"]


def test_compute_complaints_over_limit_hold(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    add_volume(session, tenant, DOMAIN, 10_000, clock.now())
    add_events(session, tenant, DOMAIN, 40, clock.now(), kind="feedback_report")
    result = compute_reputation(session, tenant=tenant, domain=DOMAIN, setup=_setup(), clock=clock)
    assert _component(result, ComponentKey.COMPLAINT_RATE).status is ComponentStatus.CRITICAL
    assert result.verdict is Verdict.HOLD


def test_compute_hard_bounces_lower_score(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    add_volume(session, tenant, DOMAIN, 10_000, clock.now())
    clean = compute_reputation(
        session, tenant=tenant, domain=DOMAIN, setup=_setup(), clock=clock, store=False
    )
    add_events(session, tenant, DOMAIN, 600, clock.now(), hard_bounce=True)
    bounced = compute_reputation(
        session, tenant=tenant, domain=DOMAIN, setup=_setup(), clock=clock, store=False
    )
    assert bounced.score < clean.score
    assert bounced.verdict is Verdict.THROTTLE


def test_compute_sender_rejections_lower_score(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    add_volume(session, tenant, DOMAIN, 10_000, clock.now())
    add_events(session, tenant, DOMAIN, 300, clock.now(), sender_fault=True)
    result = compute_reputation(
        session, tenant=tenant, domain=DOMAIN, setup=_setup(), clock=clock, store=False
    )
    assert _component(result, ComponentKey.SENDER_REJECTION_RATE).points < 0


def test_compute_zen_listing_holds(session: Session, tenant: Tenant, clock: FixedClock) -> None:
    add_volume(session, tenant, DOMAIN, 50_000, clock.now())
    add_listing(session, tenant, DOMAIN, "192.0.2.10", "zen.spamhaus.org", clock)
    result = compute_reputation(session, tenant=tenant, domain=DOMAIN, setup=_setup(), clock=clock)
    assert result.verdict is Verdict.HOLD
    assert result.ips[0].verdict is Verdict.HOLD
    assert result.ips[0].target == "192.0.2.10"


def test_compute_other_tenant_events_not_counted(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    other = create_tenant(session, name="other", clock=clock)
    add_volume(session, tenant, DOMAIN, 10_000, clock.now())
    add_volume(session, other, DOMAIN, 10_000, clock.now())
    add_events(session, other, DOMAIN, 100, clock.now(), kind="feedback_report")
    result = compute_reputation(session, tenant=tenant, domain=DOMAIN, setup=_setup(), clock=clock)
    assert _component(result, ComponentKey.COMPLAINT_RATE).status is ComponentStatus.OK


def test_compute_without_resolver_leaves_dns_unknown(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    add_volume(session, tenant, DOMAIN, 50_000, clock.now())
    setup = ScoringSetup(WEIGHTS, None)
    result = compute_reputation(session, tenant=tenant, domain=DOMAIN, setup=setup, clock=clock)
    assert _component(result, ComponentKey.SPF).reason == "dns_not_checked"
    assert result.score_low < result.score < result.score_high


def test_compute_stores_one_snapshot_per_hour(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    for _ in range(3):
        compute_reputation(session, tenant=tenant, domain=DOMAIN, setup=_setup(), clock=clock)
        clock.advance(minutes=20)
    clock.advance(minutes=10)
    compute_reputation(session, tenant=tenant, domain=DOMAIN, setup=_setup(), clock=clock)
    count = session.scalar(select(func.count()).where(ReputationSnapshot.target == DOMAIN))
    assert count == 2
    assert len(list_history(session, tenant=tenant, domain=DOMAIN)) == 2
    assert len(list_history(session, tenant=tenant, domain=DOMAIN, target="192.0.2.10")) == 2


def test_send_check_reputation_reuses_stored_dns(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    add_volume(session, tenant, DOMAIN, 50_000, clock.now())
    bare = send_check_reputation(
        session, tenant=tenant, domain=DOMAIN, zone_weights=WEIGHTS, clock=clock
    )
    assert _component(bare, ComponentKey.SPF).reason == "dns_not_checked_recently"
    full = compute_reputation(session, tenant=tenant, domain=DOMAIN, setup=_setup(), clock=clock)
    reused = send_check_reputation(
        session, tenant=tenant, domain=DOMAIN, zone_weights=WEIGHTS, clock=clock
    )
    assert reused.score == full.score
    assert _component(reused, ComponentKey.SPF).reason == "spf_ok"


def test_score_after_check_stores_snapshot(
    session: Session, session_factory, tenant: Tenant, clock: FixedClock
) -> None:
    session.commit()

    result = score_after_check(
        session_factory, tenant_id=tenant.id, domain=DOMAIN, setup=_setup(), clock=clock
    )

    assert result is not None
    assert len(list_history(session, tenant=tenant, domain=DOMAIN)) == 1
    # End the read so this session no longer holds SQLite's write lock.
    session.commit()
    missing = score_after_check(
        session_factory, tenant_id=tenant.id + 99, domain=DOMAIN, setup=_setup(), clock=clock
    )
    assert missing is None
