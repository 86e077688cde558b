"""The contact base: import and upsert contacts, show their status and history, export.

Contacts are never deleted. Their status is derived from the suppression list
when asked, so it is never stale: `suppressed` when a suppression covers the
address on the stream asked about (or on any stream when none is named), else
`active`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Exists, and_, exists, or_, select
from sqlalchemy.orm import Session

from reputation.addresses import normalise_address, normalise_lookup_address
from reputation.clock import Clock
from reputation.errors import InvalidAddressError, NotFoundError
from reputation.models import ALL_STREAMS, Contact, RecipientEvent, Suppression, Tenant
from reputation.pagination import decode_cursor, encode_cursor

CSV_COLUMNS = ("address", "external_id", "name")
_ADDRESS_HEADERS = ("address", "email", "e-mail")
MAX_PAGE_SIZE = 1000


class ContactStatus(StrEnum):
    """Whether mail may go to a contact."""

    ACTIVE = "active"
    SUPPRESSED = "suppressed"


@dataclass(frozen=True, slots=True)
class ContactState:
    """A contact (None when the address is not in the contact base) and its suppressions."""

    address: str
    status: ContactStatus
    contact: Contact | None
    suppressions: tuple[Suppression, ...]


@dataclass(frozen=True, slots=True)
class RowError:
    """A CSV row that was not imported: its line number and the reason."""

    line: int
    value: str
    problem: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    """Outcome of a CSV import; bad rows are reported and skipped, never fatal."""

    created: int
    updated: int
    errors: tuple[RowError, ...]


@dataclass(frozen=True, slots=True)
class ContactPage:
    """One page of contacts, newest first; `next_cursor` is None on the last page."""

    items: tuple[Contact, ...]
    next_cursor: str | None


def upsert_contact(
    session: Session,
    *,
    tenant: Tenant,
    address: str,
    clock: Clock,
    external_id: str | None = None,
    name: str | None = None,
) -> tuple[Contact, bool]:
    """Create the contact or update its external id and name; returns (contact, created).

    A None `external_id` or `name` leaves the stored value as it is.

    Raises:
        InvalidAddressError: the address is not valid.
    """
    normalised = normalise_address(address.strip())
    now = clock.now()
    query = select(Contact).where(Contact.tenant_id == tenant.id, Contact.address == normalised)
    contact = session.scalar(query)
    if contact is None:
        contact = Contact(
            tenant_id=tenant.id,
            address=normalised,
            external_id=external_id,
            name=name,
            created_at=now,
            updated_at=now,
        )
        session.add(contact)
        session.flush()
        return contact, True
    if external_id is not None:
        contact.external_id = external_id
    if name is not None:
        contact.name = name
    contact.updated_at = now
    return contact, False


def import_contacts_csv(
    session: Session, *, tenant: Tenant, lines: Iterable[str], clock: Clock
) -> ImportReport:
    """Import contacts from CSV text: columns address, external_id, name.

    A header row naming an `address` (or `email`) column is recognised; without
    one, the columns are taken in that order. Empty optional cells leave stored
    values unchanged.
    """
    reader = csv.reader(lines)
    created = updated = 0
    errors: list[RowError] = []
    columns: dict[str, int] = {name: index for index, name in enumerate(CSV_COLUMNS)}
    for row in reader:
        if not row or not any(cell.strip() for cell in row):
            continue
        if reader.line_num == 1 and _is_header(row):
            columns = _header_columns(row)
            continue
        address = _cell(row, columns.get("address"))
        try:
            _, is_new = upsert_contact(
                session,
                tenant=tenant,
                address=address or "",
                clock=clock,
                external_id=_cell(row, columns.get("external_id")),
                name=_cell(row, columns.get("name")),
            )
        except InvalidAddressError as exc:
            errors.append(RowError(reader.line_num, address or "", exc.problem))
            continue
        created += is_new
        updated += not is_new
    return ImportReport(created, updated, tuple(errors))


def _is_header(row: list[str]) -> bool:
    return any(_header_name(cell) in _ADDRESS_HEADERS for cell in row)


def _header_name(cell: str) -> str:
    # Spreadsheet programs (Excel among them) start UTF-8 CSV exports with a byte order mark.
    return cell.strip().lstrip("\ufeff").strip().lower()


def _header_columns(row: list[str]) -> dict[str, int]:
    columns = {}
    for index, cell in enumerate(row):
        name = _header_name(cell)
        if name in _ADDRESS_HEADERS:
            columns["address"] = index
        elif name in ("external_id", "name"):
            columns[name] = index
    return columns


def _cell(row: list[str], index: int | None) -> str | None:
    if index is None or index >= len(row):
        return None
    return row[index].strip() or None


def get_contact_state(
    session: Session, *, tenant: Tenant, address: str, stream: str | None = None
) -> ContactState:
    """Return an address's status and suppressions, whether or not it is a contact."""
    normalised = normalise_lookup_address(address)
    contact = session.scalar(
        select(Contact).where(Contact.tenant_id == tenant.id, Contact.address == normalised)
    )
    rows = tuple(
        session.scalars(
            select(Suppression)
            .where(Suppression.tenant_id == tenant.id, Suppression.address == normalised)
            .order_by(Suppression.since, Suppression.id)
        )
    )
    blocking = [s for s in rows if stream is None or s.stream in (ALL_STREAMS, stream)]
    status = ContactStatus.SUPPRESSED if blocking else ContactStatus.ACTIVE
    return ContactState(normalised, status, contact, rows)


def get_bounce_history(
    session: Session, *, tenant: Tenant, address: str, limit: int = 100
) -> list[RecipientEvent]:
    """Return the newest bounce and complaint events of an address."""
    normalised = normalise_lookup_address(address)
    query = (
        select(RecipientEvent)
        .where(RecipientEvent.tenant_id == tenant.id, RecipientEvent.address == normalised)
        .order_by(RecipientEvent.occurred_at.desc(), RecipientEvent.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def get_contact(session: Session, *, tenant: Tenant, address: str) -> Contact:
    """Return one contact.

    Raises:
        NotFoundError: the address is not in the contact base.
    """
    state = get_contact_state(session, tenant=tenant, address=address)
    if state.contact is None:
        raise NotFoundError("contact", state.address)
    return state.contact


def list_contacts(
    session: Session,
    *,
    tenant: Tenant,
    status: ContactStatus | str | None = None,
    stream: str | None = None,
    cursor: str | None = None,
    limit: int = 100,
) -> ContactPage:
    """List contacts newest first, optionally only active or only suppressed ones.

    Raises:
        InvalidCursorError: `cursor` is damaged.
    """
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    query = select(Contact).where(Contact.tenant_id == tenant.id)
    if status is not None:
        blocked = _is_suppressed(tenant, stream)
        query = query.where(~blocked if ContactStatus(status) is ContactStatus.ACTIVE else blocked)
    if cursor is not None:
        at, row_id = decode_cursor(cursor)
        query = query.where(
            or_(Contact.created_at < at, and_(Contact.created_at == at, Contact.id < row_id))
        )
    query = query.order_by(Contact.created_at.desc(), Contact.id.desc()).limit(limit + 1)

    rows = list(session.scalars(query))
    if len(rows) <= limit:
        return ContactPage(tuple(rows), None)
    last = rows[limit - 1]
    return ContactPage(tuple(rows[:limit]), encode_cursor(last.created_at, last.id))


def _is_suppressed(tenant: Tenant, stream: str | None) -> Exists:
    condition = and_(
        Suppression.tenant_id == tenant.id,
        Suppression.address == Contact.address,
    )
    if stream is not None:
        condition = and_(condition, Suppression.stream.in_((ALL_STREAMS, stream)))
    return exists().where(condition)


def iter_clean_contacts_csv(
    session: Session, *, tenant: Tenant, stream: str | None = None, batch_size: int = 1000
) -> Iterator[str]:
    """Yield the active contacts (the clean list) as CSV text, header first."""
    yield _csv_line(CSV_COLUMNS)
    cursor: str | None = None
    while True:
        page = list_contacts(
            session,
            tenant=tenant,
            status=ContactStatus.ACTIVE,
            stream=stream,
            cursor=cursor,
            limit=batch_size,
        )
        yield "".join(_csv_line((c.address, c.external_id or "", c.name or "")) for c in page.items)
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _csv_line(values: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()
