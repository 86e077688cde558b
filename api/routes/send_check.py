"""`POST /v1/send-check`: which planned recipients may be sent to, in one call of up to 100 000.

The body is decoded by orjson into plain lists, and only the small envelope goes through
pydantic. The recipient list is checked for size and item type in one pass, and orjson
serialises the response from plain objects. Validating or serialising 100 000 items one
pydantic model at a time would cost more than the database lookup itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, NamedTuple

import orjson
from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from api.body import read_limited_body, require_media_type
from api.deps import ClockDep, SessionDep, WriteKey
from api.errors import InvalidRequest
from api.routes.reputation import ReputationBriefOut, ScoringSetupDep, reputation_brief
from reputation.monitoring.domains import InvalidMonitorTargetError, normalise_domain
from reputation.send_check import check_recipients, collection_paused

router = APIRouter(tags=["send-check"])

MAX_RECIPIENTS = 100_000
#: 100 000 addresses of the 320-character maximum, quoted and comma-separated, plus slack.
MAX_BODY_BYTES = 40 * 1024 * 1024


class SendCheckEnvelope(BaseModel):
    """The request without its recipient list, which is checked separately."""

    model_config = ConfigDict(extra="forbid")

    from_domain: str = Field(min_length=1, max_length=255, examples=["example.com"])
    stream: str | None = Field(default=None, description="Defaults to the tenant's default.")

    @field_validator("from_domain")
    @classmethod
    def _check_from_domain(cls, value: str) -> str:
        # The volume is recorded under this name, so it must be the domain the score uses.
        try:
            return normalise_domain(value)
        except InvalidMonitorTargetError as exc:
            raise ValueError(str(exc)) from exc


class SendCheckRequest(SendCheckEnvelope):
    """The request body as documented; only `recipients` bypasses model validation."""

    recipients: list[str] = Field(max_length=MAX_RECIPIENTS)


class SuppressedOut(BaseModel):
    address: str
    reason: str
    since: datetime
    stream: str
    source: str


class InvalidOut(BaseModel):
    address: str
    error: str


class SendCheckOut(BaseModel):
    stream: str
    allowed: list[str]
    suppressed: list[SuppressedOut]
    invalid: list[InvalidOut]
    reputation: ReputationBriefOut


async def _send_check_body(request: Request) -> tuple[SendCheckEnvelope, list[str]]:
    require_media_type(request, frozenset({"application/json"}))
    raw = await read_limited_body(request, MAX_BODY_BYTES)
    try:
        data: Any = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidRequest(f"The body is not valid JSON: {exc}.") from exc
    if not isinstance(data, dict):
        raise InvalidRequest("The body must be a JSON object.")

    recipients = data.pop("recipients", None)
    problems: list[_Problem] = []
    envelope = None
    try:
        envelope = SendCheckEnvelope.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            detail = f"`{where}`: {error['msg'].rstrip('.')}."
            problems.append(_Problem(tuple(error["loc"]), error["msg"], error["type"], detail))
    recipients_problem = _recipients_problem(recipients)
    if recipients_problem is not None:
        problems.append(recipients_problem)
    if envelope is None or problems:
        errors = [{"loc": ["body", *p.loc], "msg": p.msg, "type": p.type} for p in problems]
        raise InvalidRequest(problems[0].detail, errors=errors)
    return envelope, recipients


class _Problem(NamedTuple):
    """One invalid field: where, pydantic-style message and type, and a sentence for `detail`."""

    loc: tuple[str | int, ...]
    msg: str
    type: str
    detail: str


def _recipients_problem(recipients: Any) -> _Problem | None:
    if recipients is None:
        return _Problem(
            ("recipients",), "Field required", "missing", "`recipients`: Field required."
        )
    if not isinstance(recipients, list):
        detail = "`recipients` must be a list of email addresses."
        return _Problem(("recipients",), "Input should be a valid list", "list_type", detail)
    if len(recipients) > MAX_RECIPIENTS:
        detail = (
            f"`recipients` has {len(recipients)} items; split it into calls of at most "
            f"{MAX_RECIPIENTS}."
        )
        message = f"List should have at most {MAX_RECIPIENTS} items"
        return _Problem(("recipients",), message, "too_long", detail)
    if not all(type(item) is str for item in recipients):
        index = next(i for i, item in enumerate(recipients) if type(item) is not str)
        detail = f"`recipients[{index}]` is not a string."
        return _Problem(
            ("recipients", index), "Input should be a valid string", "string_type", detail
        )
    return None


@router.post(
    "/send-check",
    response_model=SendCheckOut,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": SendCheckRequest.model_json_schema()}},
        }
    },
)
def post_send_check(
    principal: WriteKey,
    body: Annotated[tuple[SendCheckEnvelope, list[str]], Depends(_send_check_body)],
    session: SessionDep,
    clock: ClockDep,
    setup: ScoringSetupDep,
) -> Response:
    """Sort planned recipients into allowed, suppressed and invalid; records the volume.

    Each address appears once, as given, in input order; duplicates are dropped.
    """
    envelope, recipients = body
    with collection_paused(len(recipients)):
        result = check_recipients(
            session,
            tenant=principal.tenant,
            addresses=recipients,
            clock=clock,
            stream=envelope.stream,
            from_domain=envelope.from_domain,
        )
        output = {
            "stream": result.stream,
            "allowed": result.allowed,
            "suppressed": result.suppressed,  # dicts with the keys of SuppressedOut
            "invalid": [{"address": i.address, "error": i.problem} for i in result.invalid],
            "reputation": reputation_brief(
                session, principal.tenant, envelope.from_domain, setup, clock
            ),
        }
        # OPT_UTC_Z writes `since` as pydantic does in the other endpoints: ...Z.
        content = orjson.dumps(output, option=orjson.OPT_UTC_Z)
        del result, output
    return Response(content, media_type="application/json")
