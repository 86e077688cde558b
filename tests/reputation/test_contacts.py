"""The contact base: CSV import, status, history, listing and the clean-list export."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reputation.contacts import (
    ContactStatus,
    get_bounce_history,
    get_contact,
    get_contact_state,
    import_contacts_csv,
    iter_clean_contacts_csv,
    list_contacts,
    upsert_contact,
)
from reputation.errors import InvalidAddressError, NotFoundError
from reputation.ingestion import ingest_message
from reputation.models import Contact, Tenant
from reputation.settings import Settings
from reputation.suppressions import add_suppression
from tests.conftest import FixedClock
from tests.reputation.samples import make_dsn

CSV = """address,external_id,name
jan@example.com,c-1,Jan Kowalski
Anna@EXAMPLE.org,c-2,Anna Nowak
not-an-address,c-3,Broken
,c-4,Empty
piotr@example.net,,
"""


def test_import_contacts_csv_reports_bad_rows_without_aborting(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    report = import_contacts_csv(session, tenant=tenant, lines=io.StringIO(CSV), clock=clock)

    assert (report.created, report.updated) == (3, 0)
    assert [(e.line, e.value) for e in report.errors] == [(4, "not-an-address"), (5, "")]
    anna = get_contact(session, tenant=tenant, address="Anna@example.org")
    assert (anna.address, anna.name) == ("Anna@example.org", "Anna Nowak")


def test_import_contacts_csv_without_header_uses_column_order(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    lines = io.StringIO("jan@example.com,c-1,Jan\n")
    report = import_contacts_csv(session, tenant=tenant, lines=lines, clock=clock)

    assert report.created == 1
    contact = get_contact(session, tenant=tenant, address="jan@example.com")
    assert (contact.external_id, contact.name) == ("c-1", "Jan")


def test_import_contacts_csv_header_with_byte_order_mark(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    lines = io.StringIO("\ufeffname,email\nJan,jan@example.com\n")
    report = import_contacts_csv(session, tenant=tenant, lines=lines, clock=clock)

    assert (report.created, report.errors) == (1, ())
    assert get_contact(session, tenant=tenant, address="jan@example.com").name == "Jan"


def test_import_contacts_csv_again_updates_and_keeps_blank_fields(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    import_contacts_csv(session, tenant=tenant, lines=io.StringIO(CSV), clock=clock)
    clock.advance(hours=1)
    again = "address,name\njan@example.com,Jan K.\n"
    report = import_contacts_csv(session, tenant=tenant, lines=io.StringIO(again), clock=clock)

    assert (report.created, report.updated) == (0, 1)
    contact = get_contact(session, tenant=tenant, address="jan@example.com")
    assert (contact.external_id, contact.name) == ("c-1", "Jan K.")
    assert contact.updated_at == clock.now()
    assert contact.created_at < contact.updated_at


def test_upsert_contact_invalid_address_raises(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    with pytest.raises(InvalidAddressError):
        upsert_contact(session, tenant=tenant, address="a@@example.com", clock=clock)


def test_get_contact_unknown_raises(session: Session, tenant: Tenant) -> None:
    with pytest.raises(NotFoundError):
        get_contact(session, tenant=tenant, address="nobody@example.com")


def test_get_contact_state_suppressed_contact_is_marked_not_deleted(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    upsert_contact(session, tenant=tenant, address="jan@example.org", clock=clock)
    ingest_message(
        session, tenant=tenant, raw=make_dsn("jan@example.org"), clock=clock, settings=settings
    )

    state = get_contact_state(session, tenant=tenant, address="jan@example.org")
    assert state.status is ContactStatus.SUPPRESSED
    assert [(s.source, s.reason) for s in state.suppressions] == [("hard_bounce", "userunknown")]
    assert state.contact is not None
    assert session.scalar(select(func.count(Contact.id))) == 1
    history = get_bounce_history(session, tenant=tenant, address="jan@example.org")
    assert [(e.reason, e.hard_bounce) for e in history] == [("userunknown", True)]


def test_get_contact_state_stream_suppression_only_on_that_stream(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    add_suppression(
        session, tenant=tenant, address="a@example.com", actor="t", clock=clock, stream="marketing"
    )
    on_marketing = get_contact_state(
        session, tenant=tenant, address="a@example.com", stream="marketing"
    )
    on_transactional = get_contact_state(
        session, tenant=tenant, address="a@example.com", stream="transactional"
    )
    assert on_marketing.status is ContactStatus.SUPPRESSED
    assert on_transactional.status is ContactStatus.ACTIVE


def _seed(session: Session, tenant: Tenant, clock: FixedClock) -> None:
    for index in range(6):
        upsert_contact(session, tenant=tenant, address=f"user{index}@example.com", clock=clock)
        clock.advance(seconds=1)
    add_suppression(session, tenant=tenant, address="user1@example.com", actor="t", clock=clock)
    add_suppression(
        session,
        tenant=tenant,
        address="user2@example.com",
        actor="t",
        clock=clock,
        stream="marketing",
    )


def test_list_contacts_active_filter_excludes_suppressed(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    _seed(session, tenant, clock)

    active = list_contacts(session, tenant=tenant, status="active")
    suppressed = list_contacts(session, tenant=tenant, status="suppressed")
    active_transactional = list_contacts(
        session, tenant=tenant, status="active", stream="transactional"
    )

    assert {c.address for c in suppressed.items} == {"user1@example.com", "user2@example.com"}
    assert len(active.items) == 4
    assert len(active_transactional.items) == 5


def test_list_contacts_cursor_pages(session: Session, tenant: Tenant, clock: FixedClock) -> None:
    _seed(session, tenant, clock)
    first = list_contacts(session, tenant=tenant, limit=4)
    assert first.next_cursor is not None
    second = list_contacts(session, tenant=tenant, limit=4, cursor=first.next_cursor)

    assert second.next_cursor is None
    addresses = [c.address for c in (*first.items, *second.items)]
    assert addresses == [f"user{i}@example.com" for i in reversed(range(6))]


def test_iter_clean_contacts_csv_lists_only_active(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    _seed(session, tenant, clock)
    text = "".join(iter_clean_contacts_csv(session, tenant=tenant, batch_size=2))
    rows = list(csv.reader(io.StringIO(text)))

    assert rows[0] == ["address", "external_id", "name"]
    assert sorted(row[0] for row in rows[1:]) == [
        "user0@example.com",
        "user3@example.com",
        "user4@example.com",
        "user5@example.com",
    ]
