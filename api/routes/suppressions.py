"""`/v1/suppressions`: list, look up, add and lift suppressions, and export them as CSV.

Manual additions and removals are audited by `reputation.suppressions` under the
calling key's prefix.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Query
from fastapi.responses import StreamingResponse
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.deps import ClockDep, ReadKey, SessionDep, SessionFactoryDep, WriteKey
from api.streaming import stream_csv
from reputation.models import SuppressionSource
from reputation.suppressions import (
    MAX_PAGE_SIZE,
    add_suppression,
    get_suppressions,
    iter_suppressions_csv,
    list_suppressions,
    remove_suppression,
)

router = APIRouter(tags=["suppressions"])


class SuppressionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    address: str
    domain: str
    stream: str = Field(description="`*` means every stream of the tenant.")
    source: SuppressionSource
    reason: str
    note: str | None
    since: datetime


class SuppressionPageOut(BaseModel):
    items: list[SuppressionOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")


class AddressSuppressionsOut(BaseModel):
    address: str
    suppressions: list[SuppressionOut]


class SuppressionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stream: str | None = Field(default=None, description="Omit to suppress on every stream.")
    reason: str = Field(default="manual", min_length=1, max_length=64)
    note: str | None = Field(default=None, max_length=2000)


class LiftedOut(BaseModel):
    address: str
    lifted: int


def _export(factory: SessionFactoryDep, principal: ReadKey) -> StreamingResponse:
    tenant = principal.tenant
    return stream_csv(
        factory,
        lambda session: iter_suppressions_csv(session, tenant=tenant),
        "suppressions.csv",
    )


@router.get(
    "/suppressions",
    response_model=SuppressionPageOut,
    responses={200: {"content": {"text/csv": {}}, "description": "JSON page, or CSV."}},
)
def get_suppression_list(
    principal: ReadKey,
    session: SessionDep,
    factory: SessionFactoryDep,
    reason: str | None = None,
    source: SuppressionSource | None = None,
    domain: str | None = None,
    stream: str | None = None,
    since: Annotated[AwareDatetime | None, Query(description="ISO 8601 with offset.")] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 100,
    output_format: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
) -> SuppressionPageOut | StreamingResponse:
    """List suppressions newest first; `format=csv` streams the whole list instead."""
    if output_format == "csv":
        # NOTE: the CSV export ignores the filters and the cursor, so it always holds every row.
        return _export(factory, principal)
    page = list_suppressions(
        session,
        tenant=principal.tenant,
        reason=reason,
        source=source,
        domain=domain,
        since=since,
        stream=stream,
        cursor=cursor,
        limit=limit,
    )
    items = [SuppressionOut.model_validate(row) for row in page.items]
    return SuppressionPageOut(items=items, next_cursor=page.next_cursor)


@router.get("/suppressions.csv", response_class=StreamingResponse)
def export_suppressions(principal: ReadKey, factory: SessionFactoryDep) -> StreamingResponse:
    """Stream the whole suppression list as CSV: address, stream, source, reason, since."""
    return _export(factory, principal)


@router.get("/suppressions/{address}")
def get_address_suppressions(
    principal: ReadKey, session: SessionDep, address: str
) -> AddressSuppressionsOut:
    """Return every suppression of one address; 404 when it is not suppressed anywhere."""
    rows = get_suppressions(session, tenant=principal.tenant, address=address)
    return AddressSuppressionsOut(
        address=rows[0].address, suppressions=[SuppressionOut.model_validate(r) for r in rows]
    )


@router.put("/suppressions/{address}")
def put_suppression(
    principal: WriteKey,
    session: SessionDep,
    clock: ClockDep,
    address: str,
    suppression: Annotated[SuppressionIn | None, Body()] = None,
) -> SuppressionOut:
    """Suppress an address by hand; idempotent, returns the covering suppression."""
    requested = suppression or SuppressionIn()
    row = add_suppression(
        session,
        tenant=principal.tenant,
        address=address,
        actor=principal.actor,
        clock=clock,
        stream=requested.stream,
        reason=requested.reason,
        note=requested.note,
    )
    return SuppressionOut.model_validate(row)


@router.delete("/suppressions/{address}")
def delete_suppression(
    principal: WriteKey,
    session: SessionDep,
    clock: ClockDep,
    address: str,
    stream: Annotated[str | None, Query(description="Lift only this stream's row.")] = None,
) -> LiftedOut:
    """Lift an address's suppressions and reset its soft-bounce count; 404 when none."""
    lifted = remove_suppression(
        session,
        tenant=principal.tenant,
        address=address,
        actor=principal.actor,
        clock=clock,
        stream=stream,
    )
    return LiftedOut(address=address, lifted=lifted)
