"""`/v1/contacts`: import and upsert contacts, list them by status, show one, export CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from api.body import media_type, read_limited_body, require_media_type
from api.deps import ClockDep, ReadKey, SessionDep, SessionFactoryDep, WriteKey
from api.errors import InvalidRequest, NotFound, PayloadTooLarge
from api.routes.suppressions import SuppressionOut
from api.streaming import stream_csv
from reputation.contacts import (
    CSV_COLUMNS,
    MAX_PAGE_SIZE,
    ContactStatus,
    get_bounce_history,
    get_contact_state,
    import_contacts_csv,
    list_contacts,
    upsert_contact,
)
from reputation.models import Tenant

router = APIRouter(tags=["contacts"])

#: Largest accepted CSV import, about a million rows of address, id and name.
MAX_IMPORT_BYTES = 64 * 1024 * 1024
#: Row errors listed in an import response; `error_count` still counts them all.
MAX_LISTED_ERRORS = 1000
IMPORT_MEDIA_TYPES = frozenset({"text/csv", "application/octet-stream", "multipart/form-data"})


class ContactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    address: str
    external_id: str | None
    name: str | None
    created_at: datetime
    updated_at: datetime


class ContactPageOut(BaseModel):
    items: list[ContactOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    external_id: str | None = Field(default=None, max_length=200)
    name: str | None = Field(default=None, max_length=200)


class BounceEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    occurred_at: datetime
    kind: str
    reason: str
    hard_bounce: bool
    action: str
    status: str | None
    reply_code: str | None
    feedback_type: str | None
    diagnostic: str | None
    stream: str | None
    message_id: int


class ContactDetailOut(BaseModel):
    address: str
    status: ContactStatus
    contact: ContactOut | None = Field(description="Null when the address is not a contact.")
    suppressions: list[SuppressionOut]
    bounce_history: list[BounceEventOut] = Field(description="Newest first, at most 100.")


class ImportErrorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    line: int
    value: str
    problem: str


class ImportOut(BaseModel):
    created: int
    updated: int
    error_count: int
    errors: list[ImportErrorOut]


async def _csv_text(request: Request) -> str:
    require_media_type(request, IMPORT_MEDIA_TYPES)
    if media_type(request) == "multipart/form-data":
        data = await _multipart_file(request)
    else:
        data = await read_limited_body(request, MAX_IMPORT_BYTES)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidRequest("The CSV is not UTF-8; export it as UTF-8 and retry.") from exc


async def _multipart_file(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_IMPORT_BYTES:
        raise PayloadTooLarge(f"The body exceeds the limit of {MAX_IMPORT_BYTES} bytes.")
    async with request.form(max_files=1, max_fields=10) as form:
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise InvalidRequest("The multipart body needs a `file` part with the CSV.")
        data = await upload.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise PayloadTooLarge(f"The CSV file exceeds the limit of {MAX_IMPORT_BYTES} bytes.")
    return data


@router.post(
    "/contacts/import",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                },
            },
        }
    },
)
def import_contacts(
    principal: WriteKey,
    text: Annotated[str, Depends(_csv_text)],
    session: SessionDep,
    clock: ClockDep,
) -> ImportOut:
    """Import contacts from CSV (address, optional external_id and name); bad rows are listed."""
    report = import_contacts_csv(
        session, tenant=principal.tenant, lines=text.splitlines(), clock=clock
    )
    listed = [ImportErrorOut.model_validate(e) for e in report.errors[:MAX_LISTED_ERRORS]]
    return ImportOut(
        created=report.created,
        updated=report.updated,
        error_count=len(report.errors),
        errors=listed,
    )


@router.put(
    "/contacts/{address}", responses={201: {"model": ContactOut, "description": "Created."}}
)
def put_contact(
    principal: WriteKey,
    session: SessionDep,
    clock: ClockDep,
    address: str,
    response: Response,
    contact: Annotated[ContactIn | None, Body()] = None,
) -> ContactOut:
    """Create or update a contact; null fields keep their stored values."""
    requested = contact or ContactIn()
    row, created = upsert_contact(
        session,
        tenant=principal.tenant,
        address=address,
        clock=clock,
        external_id=requested.external_id,
        name=requested.name,
    )
    response.status_code = 201 if created else 200
    return ContactOut.model_validate(row)


@router.get("/contacts")
def get_contact_list(
    principal: ReadKey,
    session: SessionDep,
    status: ContactStatus | None = None,
    stream: Annotated[str | None, Query(description="Status on this stream only.")] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 100,
) -> ContactPageOut:
    """List contacts newest first, optionally only the active or the suppressed ones."""
    page = list_contacts(
        session, tenant=principal.tenant, status=status, stream=stream, cursor=cursor, limit=limit
    )
    items = [ContactOut.model_validate(row) for row in page.items]
    return ContactPageOut(items=items, next_cursor=page.next_cursor)


@router.get("/contacts.csv", response_class=StreamingResponse)
def export_contacts(
    principal: ReadKey,
    factory: SessionFactoryDep,
    status: ContactStatus = ContactStatus.ACTIVE,
    stream: str | None = None,
) -> StreamingResponse:
    """Stream contacts as CSV (address, external_id, name); by default the clean list."""
    tenant = principal.tenant
    return stream_csv(
        factory,
        lambda session: _contacts_csv(session, tenant, status, stream),
        f"contacts-{status.value}.csv",
    )


def _contacts_csv(
    session: Session, tenant: Tenant, status: ContactStatus, stream: str | None
) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    cursor: str | None = None
    while True:
        page = list_contacts(
            session, tenant=tenant, status=status, stream=stream, cursor=cursor, limit=1000
        )
        for row in page.items:
            writer.writerow((row.address, row.external_id or "", row.name or ""))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


@router.get("/contacts/{address}")
def get_contact_detail(
    principal: ReadKey,
    session: SessionDep,
    address: str,
    stream: Annotated[str | None, Query(description="Status on this stream only.")] = None,
) -> ContactDetailOut:
    """Return an address's status, suppressions and bounce history.

    404 when the address is neither a contact nor suppressed nor ever bounced.
    """
    state = get_contact_state(session, tenant=principal.tenant, address=address, stream=stream)
    history = get_bounce_history(session, tenant=principal.tenant, address=address)
    if state.contact is None and not state.suppressions and not history:
        raise NotFound(f"{state.address} is not a contact and has no suppression or bounce.")
    return ContactDetailOut(
        address=state.address,
        status=state.status,
        contact=ContactOut.model_validate(state.contact) if state.contact else None,
        suppressions=[SuppressionOut.model_validate(row) for row in state.suppressions],
        bounce_history=[BounceEventOut.model_validate(event) for event in history],
    )
