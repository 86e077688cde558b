"""The pre-send check: allowed, suppressed and invalid recipients, and the send volume."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reputation.errors import UnknownStreamError
from reputation.models import SendVolume, Tenant
from reputation.send_check import LOOKUP_CHUNK, check_recipients
from reputation.suppressions import add_suppression
from tests.conftest import FixedClock


def test_check_recipients_sorts_allowed_suppressed_invalid(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    add_suppression(session, tenant=tenant, address="gone@example.com", actor="t", clock=clock)
    result = check_recipients(
        session,
        tenant=tenant,
        addresses=[
            "ok@example.com",
            "Gone@EXAMPLE.com",
            "gone@example.com",
            "broken@",
            "ok@example.com",
        ],
        clock=clock,
    )

    assert result.allowed == ("ok@example.com", "Gone@EXAMPLE.com")
    assert [(s.address, s.source) for s in result.suppressed] == [("gone@example.com", "manual")]
    assert result.suppressed[0].since == clock.now()
    assert result.suppressed[0].since.utcoffset() is not None
    assert [i.address for i in result.invalid] == ["broken@"]
    assert result.stream == "transactional"


def test_check_recipients_reports_every_spelling(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    """A caller that removes suppressed recipients by exact string must see each spelling."""
    add_suppression(session, tenant=tenant, address="gone@example.com", actor="t", clock=clock)
    result = check_recipients(
        session,
        tenant=tenant,
        addresses=["gone@EXAMPLE.com", "ok@example.com", "gone@example.com", "ok@Example.com"],
        clock=clock,
        from_domain="example.com",
    )

    assert [s.address for s in result.suppressed] == ["gone@EXAMPLE.com", "gone@example.com"]
    assert result.allowed == ("ok@example.com", "ok@Example.com")
    volume = session.scalar(select(func.sum(SendVolume.recipients)))
    assert volume == 1


def test_check_recipients_stream_suppression_applies_only_there(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    add_suppression(
        session, tenant=tenant, address="a@example.com", actor="t", clock=clock, stream="marketing"
    )
    marketing = check_recipients(
        session, tenant=tenant, addresses=["a@example.com"], clock=clock, stream="marketing"
    )
    transactional = check_recipients(
        session, tenant=tenant, addresses=["a@example.com"], clock=clock, stream="transactional"
    )
    assert marketing.allowed == ()
    assert transactional.allowed == ("a@example.com",)


def test_check_recipients_unknown_stream_raises(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    with pytest.raises(UnknownStreamError):
        check_recipients(session, tenant=tenant, addresses=[], clock=clock, stream="nope")


def test_check_recipients_other_tenant_suppression_ignored(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    from reputation.tenants import create_tenant

    other = create_tenant(session, name="other", clock=clock)
    add_suppression(session, tenant=other, address="a@example.com", actor="t", clock=clock)
    result = check_recipients(session, tenant=tenant, addresses=["a@example.com"], clock=clock)
    assert result.allowed == ("a@example.com",)


def test_check_recipients_more_than_one_chunk(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    addresses = [f"user{i}@example.com" for i in range(LOOKUP_CHUNK + 10)]
    for address in (addresses[3], addresses[-2]):
        add_suppression(session, tenant=tenant, address=address, actor="t", clock=clock)

    result = check_recipients(session, tenant=tenant, addresses=addresses, clock=clock)

    assert {s.address for s in result.suppressed} == {addresses[3], addresses[-2]}
    assert len(result.allowed) == len(addresses) - 2


def test_check_recipients_records_volume_per_day(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    for _ in range(2):
        check_recipients(
            session,
            tenant=tenant,
            addresses=["a@example.com", "b@example.com", "bad"],
            clock=clock,
            from_domain="Mail.Example.com",
        )
    session.flush()
    clock.advance(days=1)
    check_recipients(
        session,
        tenant=tenant,
        addresses=["a@example.com"],
        clock=clock,
        from_domain="mail.example.com",
    )
    session.flush()

    rows = session.scalars(select(SendVolume).order_by(SendVolume.day)).all()
    session.refresh(rows[0])
    assert [(r.from_domain, r.stream, r.recipients) for r in rows] == [
        ("mail.example.com", "transactional", 4),
        ("mail.example.com", "transactional", 1),
    ]


def test_check_recipients_without_from_domain_records_nothing(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    check_recipients(session, tenant=tenant, addresses=["a@example.com"], clock=clock)
    session.flush()
    assert session.scalars(select(SendVolume)).all() == []
