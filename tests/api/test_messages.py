"""`POST /v1/messages`: store, parse and act on one returned message."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from reputation.settings import Settings
from tests.api.conftest import KeyFactory
from tests.api.samples import make_dsn
from tests.reputation.samples import make_arf

RFC822 = {"Content-Type": "message/rfc822"}


async def test_post_message_hard_bounce_is_201_and_suppresses(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="write") | RFC822

    response = await client.post(
        "/v1/messages", content=make_dsn("jan@example.org"), headers=headers
    )
    body = response.json()

    assert response.status_code == 201
    assert body["duplicate"] is False
    assert body["kind"] == "delivery_status"
    assert body["stream"] == "transactional"
    assert body["report"]["recipients"][0]["address"] == "jan@example.org"
    assert body["report"]["recipients"][0]["hard_bounce"] is True
    assert body["actions"] == [
        {
            "address": "jan@example.org",
            "action": "suppress_all",
            "reason": "userunknown",
            "suppressed_stream": "*",
            "skipped": False,
        }
    ]


async def test_post_message_twice_is_200_duplicate(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="write") | RFC822
    raw = make_dsn("jan@example.org")

    first = await client.post("/v1/messages", content=raw, headers=headers)
    second = await client.post("/v1/messages", content=raw, headers=headers)

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["duplicate"] is True
    assert second.json()["message_id"] == first.json()["message_id"]
    assert second.json()["actions"] == []


async def test_post_message_octet_stream_accepted(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="write") | {"Content-Type": "application/octet-stream"}

    response = await client.post("/v1/messages", content=make_dsn("a@example.org"), headers=headers)

    assert response.status_code == 201


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", None])
async def test_post_message_other_media_type_is_415(
    client: httpx.AsyncClient, make_key: KeyFactory, content_type: str | None
) -> None:
    headers = make_key(scope="write")
    if content_type:
        headers["Content-Type"] = content_type

    response = await client.post("/v1/messages", content=b"x", headers=headers)

    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"


async def test_post_message_redacted_complaint_is_skipped_not_suppressed(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    """A feedback loop that redacts the recipient (RFC 6590) names no one to suppress."""
    headers = make_key(scope="write") | RFC822

    response = await client.post("/v1/messages", content=make_arf(""), headers=headers)
    listed = await client.get("/v1/suppressions", headers=headers)

    assert response.status_code == 201
    assert response.json()["kind"] == "feedback_report"
    assert [
        (a["address"], a["skipped"], a["suppressed_stream"]) for a in response.json()["actions"]
    ] == [("", True, None)]
    assert listed.json()["items"] == []


@pytest.mark.parametrize(("how", "value"), [("query", "marketing"), ("header", "marketing")])
async def test_post_message_stream_from_request_is_used(
    client: httpx.AsyncClient, make_key: KeyFactory, how: str, value: str
) -> None:
    headers = make_key(scope="write") | RFC822
    params = {"stream": value} if how == "query" else {}
    if how == "header":
        headers["X-Mailrep-Stream"] = value
    raw = make_dsn("ola@example.org", status="5.7.1", diagnostic="550 5.7.1 spam complaint")

    response = await client.post("/v1/messages", content=raw, headers=headers, params=params)

    assert response.json()["stream"] == "marketing"


async def test_post_message_unknown_stream_is_422(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="write") | RFC822

    response = await client.post(
        "/v1/messages", content=make_dsn("a@example.org"), headers=headers, params={"stream": "x"}
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_post_message_unparseable_is_stored(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="write") | RFC822

    response = await client.post("/v1/messages", content=b"\x00\xff garbage", headers=headers)

    assert response.status_code == 201
    assert response.json()["kind"] in {"unparseable", "not_bounce"}


async def test_post_message_read_scope_is_403(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="read") | RFC822

    response = await client.post("/v1/messages", content=make_dsn("a@example.org"), headers=headers)

    assert response.status_code == 403


@pytest.fixture
def small_limit_app(app: FastAPI, api_settings: Settings) -> FastAPI:
    app.state.settings = api_settings.model_copy(update={"max_message_bytes": 1000})
    return app


async def test_post_message_declared_too_large_is_413(
    small_limit_app: FastAPI, client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="write") | RFC822

    response = await client.post("/v1/messages", content=b"x" * 1001, headers=headers)

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


async def test_post_message_streamed_too_large_stops_reading(
    small_limit_app: FastAPI, client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    """A chunked body with no Content-Length is cut off once it passes the limit."""
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for index in range(100):
            sent.append(index)
            yield b"x" * 400

    headers = make_key(scope="write") | RFC822

    response = await client.post("/v1/messages", content=chunks(), headers=headers)

    assert response.status_code == 413
    assert len(sent) < 10


async def test_post_message_at_limit_is_accepted(
    small_limit_app: FastAPI, client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="write") | RFC822

    response = await client.post("/v1/messages", content=b"x" * 1000, headers=headers)

    assert response.status_code == 201


async def test_post_message_no_key_is_401_first(
    small_limit_app: FastAPI, client: httpx.AsyncClient
) -> None:
    """Authentication runs before the body is read, so an oversized anonymous upload gets 401."""
    response = await client.post("/v1/messages", content=b"x" * 5000, headers=RFC822)

    assert response.status_code == 401


async def test_post_message_concurrent_writes_all_succeed(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    """More requests than pooled connections (or SQLite's one writer) wait, not fail."""
    headers = make_key(scope="write") | RFC822

    responses = await asyncio.gather(
        *(
            client.post("/v1/messages", content=make_dsn(f"u{i}@example.org"), headers=headers)
            for i in range(100)
        )
    )

    assert [r.status_code for r in responses] == [201] * 100
