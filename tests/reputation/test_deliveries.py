"""Deliveries: soft-bounce counts reset and soft-bounce suppressions lifted, nothing else."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from reputation.audit import list_audit_events
from reputation.deliveries import record_deliveries
from reputation.models import SoftBounceDay, Suppression, SuppressionSource, Tenant
from reputation.settings import Settings
from reputation.suppression_writer import SoftBouncePolicy, count_soft_bounce, suppress_address
from reputation.tenants import create_tenant
from tests.conftest import FixedClock


def _soft_bounce_days(
    session: Session, clock: FixedClock, tenant: Tenant, address: str, days: int
) -> None:
    policy = SoftBouncePolicy(threshold=days, window_days=30)
    for _ in range(days):
        count_soft_bounce(
            session,
            tenant=tenant,
            address=address,
            day=clock.now().date(),
            reason="mailboxfull",
            policy=policy,
            clock=clock,
        )
        clock.advance(days=1)


def _state(session: Session, tenant: Tenant) -> tuple[list[tuple[str, str]], list[str]]:
    suppressions = session.scalars(select(Suppression).where(Suppression.tenant_id == tenant.id))
    days = session.scalars(select(SoftBounceDay).where(SoftBounceDay.tenant_id == tenant.id))
    return (
        sorted((row.address, row.source) for row in suppressions),
        sorted(row.address for row in days),
    )


def test_delivery_lifts_only_soft_bounce_suppressions(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    _soft_bounce_days(session, clock, tenant, "soft@example.org", 3)
    for address, source in [
        ("hard@example.org", SuppressionSource.HARD_BOUNCE),
        ("complained@example.org", SuppressionSource.COMPLAINT),
        ("manual@example.org", SuppressionSource.MANUAL),
    ]:
        suppress_address(
            session,
            tenant=tenant,
            address=address,
            stream="*",
            source=source,
            reason="x",
            clock=clock,
        )
    clock.advance(hours=1)

    report = record_deliveries(
        session,
        tenant=tenant,
        addresses=[
            "soft@EXAMPLE.org",
            "hard@example.org",
            "complained@example.org",
            "manual@example.org",
            "not an address",
        ],
        actor="key:abc",
        clock=clock,
    )

    assert report.outcome.reset == ["soft@example.org"]
    assert [s.address for s in report.outcome.lifted] == ["soft@example.org"]
    assert [address for address, _ in report.invalid] == ["not an address"]
    assert _state(session, tenant) == (
        [
            ("complained@example.org", "complaint"),
            ("hard@example.org", "hard_bounce"),
            ("manual@example.org", "manual"),
        ],
        [],
    )
    lifted = [
        e
        for e in list_audit_events(session, tenant_id=tenant.id)
        if e.action == "suppression_lifted"
    ]
    assert [(e.address, e.actor, e.detail["why"]) for e in lifted] == [
        ("soft@example.org", "key:abc", "delivered")
    ]


def test_late_delivery_keeps_what_came_after(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    delivered_at = clock.now()
    clock.advance(days=1)
    _soft_bounce_days(session, clock, tenant, "soft@example.org", 3)

    report = record_deliveries(
        session,
        tenant=tenant,
        addresses=["soft@example.org"],
        actor="key:abc",
        clock=clock,
        delivered_at=delivered_at,
    )

    assert report.outcome.reset == []
    assert report.outcome.lifted == []
    assert _state(session, tenant) == (
        [("soft@example.org", "soft_bounce")],
        ["soft@example.org"] * 3,
    )


def test_delivery_forgets_days_up_to_its_day(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    _soft_bounce_days(session, clock, tenant, "soft@example.org", 1)
    delivered_at = clock.now()
    clock.advance(days=1)
    _soft_bounce_days(session, clock, tenant, "soft@example.org", 1)

    record_deliveries(
        session,
        tenant=tenant,
        addresses=["soft@example.org"],
        actor="key:abc",
        clock=clock,
        delivered_at=delivered_at,
    )

    days = session.scalars(select(SoftBounceDay.day)).all()
    assert days == [(delivered_at + timedelta(days=1)).date()]


def test_delivery_leaves_other_tenant_alone(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    other = create_tenant(session, name="other", clock=clock)
    _soft_bounce_days(session, clock, other, "soft@example.org", 3)

    report = record_deliveries(
        session, tenant=tenant, addresses=["soft@example.org"], actor="key:abc", clock=clock
    )

    assert (report.outcome.reset, report.outcome.lifted) == ([], [])
    assert _state(session, other) == (
        [("soft@example.org", "soft_bounce")],
        ["soft@example.org"] * 3,
    )
