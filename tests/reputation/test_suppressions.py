"""The suppression list service: manual changes, listing with cursors, CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reputation.audit import list_audit_events
from reputation.errors import (
    InvalidAddressError,
    InvalidCursorError,
    NotFoundError,
    UnknownStreamError,
)
from reputation.ingestion import ingest_message
from reputation.models import ALL_STREAMS, SoftBounceDay, Tenant
from reputation.settings import Settings
from reputation.suppressions import (
    add_suppression,
    get_suppressions,
    iter_suppressions_csv,
    list_suppressions,
    remove_suppression,
)
from tests.conftest import FixedClock
from tests.reputation.samples import MAILBOX_FULL, make_dsn


def test_add_suppression_manual_all_streams_with_audit(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    row = add_suppression(
        session, tenant=tenant, address="Jan@Example.com", actor="api_key:ab", clock=clock
    )

    assert (row.address, row.stream, row.source) == ("Jan@example.com", ALL_STREAMS, "manual")
    audit = list_audit_events(session, tenant_id=tenant.id)
    assert [(e.action, e.actor) for e in audit] == [("suppression_added", "api_key:ab")]


def test_add_suppression_twice_returns_existing(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    first = add_suppression(session, tenant=tenant, address="a@example.com", actor="t", clock=clock)
    second = add_suppression(
        session, tenant=tenant, address="a@example.com", actor="t", clock=clock, stream="marketing"
    )
    assert second.id == first.id


def test_add_suppression_unknown_stream_raises(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    with pytest.raises(UnknownStreamError):
        add_suppression(
            session, tenant=tenant, address="a@example.com", actor="t", clock=clock, stream="x"
        )


def test_add_suppression_invalid_address_raises(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    with pytest.raises(InvalidAddressError):
        add_suppression(session, tenant=tenant, address="not-an-address", actor="t", clock=clock)


def test_remove_suppression_lifts_and_resets_soft_count(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    raw = make_dsn("jan@example.org", status="4.2.2", diagnostic=MAILBOX_FULL)
    ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)
    add_suppression(session, tenant=tenant, address="jan@example.org", actor="t", clock=clock)

    lifted = remove_suppression(
        session, tenant=tenant, address="jan@example.org", actor="ops", clock=clock
    )

    assert lifted == 1
    assert session.scalar(select(func.count(SoftBounceDay.id))) == 0
    with pytest.raises(NotFoundError):
        get_suppressions(session, tenant=tenant, address="jan@example.org")
    actions = [e.action for e in list_audit_events(session, tenant_id=tenant.id)]
    assert actions[0] == "suppression_lifted"


def test_remove_suppression_of_invalid_bounced_address_works(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    """A bounce can suppress an address email-validator rejects; it must stay removable."""
    raw = make_dsn("jan@mail.test")
    ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)
    assert [
        r.address for r in get_suppressions(session, tenant=tenant, address="jan@MAIL.test")
    ] == ["jan@mail.test"]

    lifted = remove_suppression(
        session, tenant=tenant, address="jan@mail.test", actor="ops", clock=clock
    )
    assert lifted == 1


def test_remove_suppression_not_suppressed_raises(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    with pytest.raises(NotFoundError):
        remove_suppression(session, tenant=tenant, address="a@example.com", actor="t", clock=clock)


def test_remove_suppression_one_stream_keeps_others(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    for stream in ("marketing", "transactional"):
        add_suppression(
            session, tenant=tenant, address="a@example.com", actor="t", clock=clock, stream=stream
        )
    remove_suppression(
        session, tenant=tenant, address="a@example.com", actor="t", clock=clock, stream="marketing"
    )
    rows = get_suppressions(session, tenant=tenant, address="a@example.com")
    assert [row.stream for row in rows] == ["transactional"]


def _add_many(session: Session, tenant: Tenant, clock: FixedClock, count: int) -> None:
    for index in range(count):
        domain = "example.com" if index % 2 else "example.org"
        add_suppression(
            session, tenant=tenant, address=f"user{index}@{domain}", actor="t", clock=clock
        )
        if index % 3 == 0:
            clock.advance(minutes=1)


def test_list_suppressions_cursor_pages_cover_all_once(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    _add_many(session, tenant, clock, 25)
    seen: list[str] = []
    cursor = None
    while True:
        page = list_suppressions(session, tenant=tenant, cursor=cursor, limit=7)
        seen.extend(row.address for row in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert len(seen) == 25
    assert len(set(seen)) == 25
    assert seen[0] == "user24@example.org"


def test_list_suppressions_filters_domain_and_since(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    start = clock.now()
    _add_many(session, tenant, clock, 10)

    by_domain = list_suppressions(session, tenant=tenant, domain="EXAMPLE.com")
    assert {row.domain for row in by_domain.items} == {"example.com"}
    assert len(by_domain.items) == 5
    later = list_suppressions(session, tenant=tenant, since=start + timedelta(minutes=1))
    earlier = list_suppressions(session, tenant=tenant, since=start)
    assert 0 < len(later.items) < len(earlier.items) == 10


def test_list_suppressions_bad_cursor_raises(session: Session, tenant: Tenant) -> None:
    with pytest.raises(InvalidCursorError):
        list_suppressions(session, tenant=tenant, cursor="not-a-cursor")


def test_iter_suppressions_csv_has_header_and_every_row(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    _add_many(session, tenant, clock, 12)
    text = "".join(iter_suppressions_csv(session, tenant=tenant, batch_size=5))
    rows = list(csv.reader(io.StringIO(text)))

    assert rows[0] == ["address", "stream", "source", "reason", "since"]
    assert len(rows) == 13
    assert {row[2] for row in rows[1:]} == {"manual"}
