"""`POST /v1/sends`: report how many recipients a domain sent to, for senders that skip
the pre-send check.

Scoring divides bounces and complaints by this volume. The pre-send check already
records the recipients it clears, so report each batch one way only.
"""

from __future__ import annotations

from datetime import date as Date

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ClockDep, SessionDep, WriteKey
from reputation.scoring.volume import record_sent_volume

router = APIRouter(tags=["sends"])

#: Recipients per report; larger batches are reported in several calls.
MAX_COUNT = 10_000_000


class SendsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_domain: str = Field(min_length=1, max_length=255, examples=["example.com"])
    stream: str | None = Field(default=None, description="Defaults to the tenant's default.")
    count: int = Field(ge=1, le=MAX_COUNT, description="Recipients the batch was sent to.")
    date: Date | None = Field(default=None, description="UTC day of sending; today if unset.")


class SendsOut(BaseModel):
    from_domain: str
    stream: str
    date: Date
    recipients: int = Field(description="The day's total for the domain and stream.")


@router.post("/sends", response_model=SendsOut)
def post_sends(
    body: SendsIn, principal: WriteKey, session: SessionDep, clock: ClockDep
) -> SendsOut:
    """Add a batch's recipients to the domain's daily volume."""
    row = record_sent_volume(
        session,
        tenant=principal.tenant,
        from_domain=body.from_domain,
        count=body.count,
        clock=clock,
        stream=body.stream,
        day=body.date,
    )
    return SendsOut(
        from_domain=row.from_domain, stream=row.stream, date=row.day, recipients=row.recipients
    )
