"""Soft-bounce day counts: one per day, a rolling window, expiry and escalation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reputation.models import ALL_STREAMS, SoftBounceDay, SuppressionSource, Tenant
from reputation.suppression_writer import (
    SoftBouncePolicy,
    count_soft_bounce,
    count_soft_days,
    expire_soft_bounce_days,
    suppress_address,
)
from tests.conftest import FixedClock

POLICY = SoftBouncePolicy(threshold=3, window_days=10)


def test_count_soft_bounce_same_day_counts_once(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    today = clock.now().date()
    for _ in range(3):
        created = count_soft_bounce(
            session,
            tenant=tenant,
            address="a@example.com",
            day=today,
            reason="mailboxfull",
            policy=POLICY,
            clock=clock,
        )
        assert created is None
    days = count_soft_days(
        session, tenant_id=tenant.id, address="a@example.com", until=today, window_days=10
    )
    assert days == 1


def test_count_soft_bounce_threshold_suppresses_all_streams(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    start = clock.now().date()
    results = [
        count_soft_bounce(
            session,
            tenant=tenant,
            address="a@example.com",
            day=start + timedelta(days=offset),
            reason="mailboxfull",
            policy=POLICY,
            clock=clock,
        )
        for offset in (0, 4, 9)
    ]
    assert results[:2] == [None, None]
    assert results[2] is not None
    assert (results[2].stream, results[2].source) == (ALL_STREAMS, "soft_bounce")
    assert results[2].note == "soft bounces on 3 days within 10 days"


def test_count_soft_bounce_days_beyond_window_do_not_count(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    start = clock.now().date()
    results = [
        count_soft_bounce(
            session,
            tenant=tenant,
            address="a@example.com",
            day=start + timedelta(days=offset),
            reason="mailboxfull",
            policy=POLICY,
            clock=clock,
        )
        for offset in (0, 5, 10)
    ]
    assert results == [None, None, None]


def test_expire_soft_bounce_days_deletes_only_old_days(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    today = clock.now().date()
    for offset in (0, 9, 10, 30):
        session.add(
            SoftBounceDay(
                tenant_id=tenant.id, address="a@example.com", day=today - timedelta(days=offset)
            )
        )
    session.flush()

    removed = expire_soft_bounce_days(session, clock=clock, window_days=10)

    assert removed == 2
    assert session.scalar(select(func.count(SoftBounceDay.id))) == 2


def test_suppress_address_covered_by_all_streams_returns_none(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    first = suppress_address(
        session,
        tenant=tenant,
        address="a@example.com",
        stream=ALL_STREAMS,
        source=SuppressionSource.HARD_BOUNCE,
        reason="userunknown",
        clock=clock,
    )
    again = suppress_address(
        session,
        tenant=tenant,
        address="a@example.com",
        stream="marketing",
        source=SuppressionSource.COMPLAINT,
        reason="abuse",
        clock=clock,
    )
    assert first is not None
    assert again is None
