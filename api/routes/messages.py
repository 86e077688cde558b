"""`POST /v1/messages`: hand mailrep one returned message (bounce, complaint, auto-reply).

The body is the raw message. It is read with the size limit enforced while it arrives,
then stored, parsed and acted on by `reputation.ingestion` in the request's transaction.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from api.body import read_limited_body, require_media_type
from api.deps import ClockDep, SessionDep, SettingsDep, WriteKey
from bounce_parser import Reason, ReportKind
from reputation.ingestion import IngestResult, ingest_message
from reputation.policy import Action

router = APIRouter(tags=["messages"])

MESSAGE_MEDIA_TYPES = frozenset({"message/rfc822", "application/octet-stream"})


class RecipientOut(BaseModel):
    """One recipient the message reports on, with the parser's verdict."""

    model_config = ConfigDict(from_attributes=True)

    address: str
    reason: Reason
    hard_bounce: bool
    evidence: str
    status: str | None
    reply_code: str | None
    diagnostic: str | None
    feedback_type: str | None


class ReportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    kind: ReportKind
    family: str | None
    recipients: list[RecipientOut]
    problems: list[str]


class ActionOut(BaseModel):
    """The suppression policy's action for one recipient."""

    model_config = ConfigDict(from_attributes=True)

    address: str
    action: Action
    reason: str
    suppressed_stream: str | None
    skipped: bool = Field(
        description="The address is empty or unusable (a feedback report with the recipient "
        "redacted), so the action was not carried out and nothing was suppressed."
    )


class IngestOut(BaseModel):
    message_id: int
    duplicate: bool
    kind: ReportKind
    stream: str | None
    report: ReportOut | None
    actions: list[ActionOut]
    parse_error: str | None


async def _raw_message(request: Request, settings: SettingsDep) -> bytes:
    require_media_type(request, MESSAGE_MEDIA_TYPES)
    return await read_limited_body(request, settings.max_message_bytes)


@router.post(
    "/messages",
    status_code=201,
    responses={
        200: {"model": IngestOut, "description": "The same bytes were stored before."},
        413: {"description": "The message exceeds `max_message_bytes`."},
        415: {"description": "Content-Type is not message/rfc822 or application/octet-stream."},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}}
                for media in sorted(MESSAGE_MEDIA_TYPES)
            },
        }
    },
)
def post_message(
    principal: WriteKey,
    raw: Annotated[bytes, Depends(_raw_message)],
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    response: Response,
    stream: Annotated[str | None, Query(description="Stream the message belongs to.")] = None,
    x_mailrep_stream: Annotated[str | None, Header(description="Same as `?stream=`.")] = None,
) -> IngestOut:
    """Store, parse and act on one message; 201 when new, 200 with `duplicate` when seen."""
    result = ingest_message(
        session,
        tenant=principal.tenant,
        raw=raw,
        clock=clock,
        stream=stream or x_mailrep_stream,
        settings=settings,
    )
    if result.duplicate:
        response.status_code = 200
    return _ingest_out(result)


def _ingest_out(result: IngestResult) -> IngestOut:
    return IngestOut(
        message_id=result.message_id,
        duplicate=result.duplicate,
        kind=result.kind,
        stream=result.stream,
        report=ReportOut.model_validate(result.report) if result.report else None,
        actions=[ActionOut.model_validate(action) for action in result.actions],
        parse_error=result.parse_error,
    )
