"""`POST /v1/deliveries`: report recipients the sender's MTA delivered to.

A delivery resets the recipient's soft-bounce count and lifts a suppression that
soft bounces alone made; see `reputation.deliveries` for what stays.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from api.deps import ClockDep, SessionDep, WriteKey
from api.errors import InvalidRequest
from api.routes.send_check import InvalidOut
from reputation.deliveries import record_deliveries

router = APIRouter(tags=["deliveries"])

#: Recipients per report; larger reports are split into several calls.
MAX_RECIPIENTS = 10_000
#: How far `delivered_at` may lie ahead of this server's clock, for clock skew.
MAX_CLOCK_SKEW = timedelta(minutes=5)


class DeliveriesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipients: list[str] = Field(min_length=1, max_length=MAX_RECIPIENTS)
    delivered_at: AwareDatetime | None = Field(
        default=None,
        description="When the mail was delivered; now if unset. Soft bounces after it stay.",
    )


class LiftedSuppressionOut(BaseModel):
    address: str
    stream: str
    reason: str
    since: datetime


class DeliveriesOut(BaseModel):
    reset: list[str] = Field(description="Recipients whose soft-bounce count was reset.")
    lifted: list[LiftedSuppressionOut] = Field(description="Soft-bounce suppressions lifted.")
    invalid: list[InvalidOut]


@router.post("/deliveries", response_model=DeliveriesOut)
def post_deliveries(
    body: DeliveriesIn, principal: WriteKey, session: SessionDep, clock: ClockDep
) -> DeliveriesOut:
    """Reset the soft-bounce counts of delivered recipients and lift soft-bounce suppressions.

    Hard bounces, complaints, opt-outs and manual suppressions are not lifted.
    """
    if body.delivered_at is not None and body.delivered_at > clock.now() + MAX_CLOCK_SKEW:
        message = "is in the future; send the time the MTA logged the delivery"
        raise InvalidRequest(
            f"`delivered_at` ({body.delivered_at.isoformat()}) {message}.",
            errors=[{"loc": ["body", "delivered_at"], "msg": message, "type": "value_error"}],
        )
    report = record_deliveries(
        session,
        tenant=principal.tenant,
        addresses=body.recipients,
        actor=principal.actor,
        clock=clock,
        delivered_at=body.delivered_at,
    )
    return DeliveriesOut(
        reset=report.outcome.reset,
        lifted=[
            LiftedSuppressionOut(address=s.address, stream=s.stream, reason=s.reason, since=s.since)
            for s in report.outcome.lifted
        ],
        invalid=[InvalidOut(address=a, error=e) for a, e in report.invalid],
    )
