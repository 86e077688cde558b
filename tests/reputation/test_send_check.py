"""The pre-send check: allowed, suppressed and invalid recipients, and the send volume."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reputation import send_check
from reputation.errors import UnknownStreamError
from reputation.models import ALL_STREAMS, SendVolume, Suppression, Tenant
from reputation.send_check import OVERLAP_MIN, check_recipients
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

    assert result.allowed == ["ok@example.com", "Gone@EXAMPLE.com"]
    assert [(s["address"], s["source"]) for s in result.suppressed] == [
        ("gone@example.com", "manual")
    ]
    assert result.suppressed[0]["since"] == clock.now()
    assert result.suppressed[0]["since"].utcoffset() is not None
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

    assert [s["address"] for s in result.suppressed] == ["gone@EXAMPLE.com", "gone@example.com"]
    assert result.allowed == ["ok@example.com", "ok@Example.com"]
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
    assert marketing.allowed == []
    assert transactional.allowed == ["a@example.com"]


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
    assert result.allowed == ["a@example.com"]


def test_check_recipients_more_than_one_chunk(
    session: Session, tenant: Tenant, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(send_check, "SQLITE_CHUNK", 4)
    monkeypatch.setattr(send_check, "POSTGRESQL_CHUNK", 4)
    addresses = _large_batch()
    for address in (addresses[3], addresses[-2]):
        add_suppression(session, tenant=tenant, address=address, actor="t", clock=clock)

    result = check_recipients(session, tenant=tenant, addresses=addresses, clock=clock)
    short = check_recipients(session, tenant=tenant, addresses=addresses[:9], clock=clock)

    assert [s["address"] for s in result.suppressed] == [addresses[3], addresses[-2]]
    assert len(result.allowed) == len(addresses) - 2
    assert [s["address"] for s in short.suppressed] == [addresses[3]]


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


def _large_batch(*addresses: str) -> list[str]:
    """`addresses` among enough unsuppressed ones to take the background lookup."""
    filler = [f"fill{i}@example.net" for i in range(OVERLAP_MIN)]
    return [*filler[:7], *addresses, *filler[7:]]


def test_large_batch_finds_spellings_the_background_lookup_misses(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    """The batch is looked up as given while it is validated; a recipient whose
    normal form differs from its spelling must still be found afterwards."""
    add_suppression(session, tenant=tenant, address="Gone@example.com", actor="t", clock=clock)
    add_suppression(session, tenant=tenant, address="left@example.org", actor="t", clock=clock)

    result = check_recipients(
        session,
        tenant=tenant,
        addresses=_large_batch("Gone@EXAMPLE.com", "left@example.org", "gone@example.com"),
        clock=clock,
    )

    assert [s["address"] for s in result.suppressed] == ["Gone@EXAMPLE.com", "left@example.org"]
    assert "gone@example.com" in result.allowed
    assert len(result.allowed) == OVERLAP_MIN + 1


def test_large_batch_keeps_invalid_addresses_out_of_suppressed(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    """A bounce can suppress an address that is not valid; given again in a batch,
    it is reported invalid, not suppressed, whichever lookup saw it."""
    session.add(
        Suppression(
            tenant_id=tenant.id,
            address="a..b@example.com",
            domain="example.com",
            stream=ALL_STREAMS,
            source="hard_bounce",
            reason="userunknown",
            since=clock.now(),
        )
    )
    session.flush()

    result = check_recipients(
        session, tenant=tenant, addresses=_large_batch("a..b@example.com"), clock=clock
    )

    assert result.suppressed == []
    assert [i.address for i in result.invalid] == ["a..b@example.com"]


def test_large_batch_applies_stream_suppressions_only_there(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    for address, stream in [("news@example.com", "marketing"), ("both@example.com", None)]:
        add_suppression(
            session, tenant=tenant, address=address, actor="t", clock=clock, stream=stream
        )
    add_suppression(
        session,
        tenant=tenant,
        address="both@example.com",
        actor="t",
        clock=clock,
        stream="marketing",
    )
    batch = _large_batch("news@example.com", "both@example.com")

    transactional = check_recipients(session, tenant=tenant, addresses=batch, clock=clock)
    marketing = check_recipients(
        session, tenant=tenant, addresses=batch, clock=clock, stream="marketing"
    )

    assert [s["address"] for s in transactional.suppressed] == ["both@example.com"]
    assert "news@example.com" in transactional.allowed
    assert [s["address"] for s in marketing.suppressed] == ["news@example.com", "both@example.com"]


def test_failed_background_lookup_raises_in_the_caller(
    session: Session, tenant: Tenant, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = "SELECT * FROM no_such_table WHERE {0} AND {0}"
    monkeypatch.setattr(send_check, "SQLITE_LOOKUP", broken.format("?"))
    monkeypatch.setattr(send_check, "POSTGRESQL_LOOKUP", broken.format("%s"))

    with pytest.raises(Exception, match="no_such_table"):
        check_recipients(session, tenant=tenant, addresses=_large_batch(), clock=clock)


@pytest.mark.parametrize(("size", "paused"), [(OVERLAP_MIN - 1, False), (OVERLAP_MIN, True)])
def test_collection_paused_only_for_large_batches(size: int, paused: bool) -> None:
    with send_check.collection_paused(size):
        enabled_inside = gc.isenabled()

    assert enabled_inside is not paused
    assert gc.isenabled()
