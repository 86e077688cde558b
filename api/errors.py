"""Every error the API returns, as RFC 9457 problem details (`application/problem+json`).

Routes and services never build error responses themselves: the API raises `ApiError`
subclasses for protocol faults (auth, media type, size), services raise domain errors
from `reputation`, and `install_error_handlers` maps both here, in one place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.domain_errors import DOMAIN_ERROR_STATUS

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://mailrep.example.com/problems/"

log = structlog.get_logger(__name__)


class Problem(BaseModel):
    """RFC 9457 problem details; validation errors add `errors`, one item per invalid field."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None


def _documented(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": Problem.model_json_schema()}},
    }


#: The error responses every `/v1` operation can return, for the OpenAPI document.
V1_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _documented("Missing, malformed, unknown or revoked API key."),
    403: _documented("The API key lacks the scope this operation needs."),
    422: _documented("The request is invalid; see `detail` and `errors`."),
}


class ApiError(Exception):
    """An error the HTTP layer itself detects; `status` and `slug` name the problem type."""

    status: int = 400
    slug: str = "bad-request"

    def __init__(self, detail: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = dict(headers or {})


class Unauthorized(ApiError):
    status = 401
    slug = "unauthorized"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(ApiError):
    status = 403
    slug = "forbidden"


class NotFound(ApiError):
    status = 404
    slug = "not-found"


class PayloadTooLarge(ApiError):
    status = 413
    slug = "payload-too-large"


class UnsupportedMediaType(ApiError):
    status = 415
    slug = "unsupported-media-type"


class InvalidRequest(ApiError):
    """A request the route validated itself; `errors` lists each invalid field, as
    FastAPI's own validation errors do, and `detail` describes the first."""

    status = 422
    slug = "invalid-request"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.errors = errors


class ServiceUnavailable(ApiError):
    status = 503
    slug = "service-unavailable"


def problem_response(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """Build one problem-details response; `extra` adds RFC 9457 extension members."""
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + (slug or phrase.lower().replace(" ", "-")),
        "title": phrase,
        "status": status,
        "detail": detail,
    }
    body.update(extra or {})
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def _domain_status(exc: Exception) -> int | None:
    for error_type in type(exc).__mro__:
        status = DOMAIN_ERROR_STATUS.get(error_type)
        if status is not None:
            return status
    return None


def _slug(error_type: type[Exception]) -> str:
    name = error_type.__name__.removesuffix("Error")
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


async def _handle_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    errors = getattr(exc, "errors", None)
    extra = {"errors": errors} if errors else None
    return problem_response(exc.status, exc.detail, slug=exc.slug, headers=exc.headers, extra=extra)


async def _handle_http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return problem_response(exc.status_code, str(exc.detail), headers=exc.headers)


async def _handle_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(error.get("loc", ())), "msg": error.get("msg", ""), "type": error.get("type")}
        for error in exc.errors()
    ]
    return problem_response(
        422,
        "The request is invalid; see `errors`.",
        slug="invalid-request",
        extra={"errors": errors},
    )


async def _handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    status = _domain_status(exc)
    if status is not None:
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return problem_response(status, str(exc), slug=_slug(type(exc)), headers=headers)
    log.exception("request_failed", error_type=type(exc).__name__)
    return problem_response(500, "The server failed to handle the request.")


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem details."""
    app.add_exception_handler(ApiError, _handle_api_error)
    app.add_exception_handler(StarletteHTTPException, _handle_http_exception)
    app.add_exception_handler(RequestValidationError, _handle_validation_error)
    for error_type in DOMAIN_ERROR_STATUS:
        app.add_exception_handler(error_type, _handle_unexpected)
    app.add_exception_handler(Exception, _handle_unexpected)
