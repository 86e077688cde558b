"""Request ids and the access log line."""

from __future__ import annotations

import httpx
import structlog
from structlog.testing import capture_logs

from tests.api.conftest import KeyFactory


async def test_request_id_generated_when_absent(client: httpx.AsyncClient) -> None:
    first = await client.get("/healthz")
    second = await client.get("/healthz")

    assert len(first.headers["x-request-id"]) == 32
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_request_id_from_caller_is_echoed(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})

    assert response.headers["x-request-id"] == "abc-123"


async def test_request_id_unsafe_from_caller_is_replaced(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "a b\tc" * 20})

    assert response.headers["x-request-id"] != "a b\tc" * 20


async def test_access_log_one_line_per_request(client: httpx.AsyncClient) -> None:
    with capture_logs() as logs:
        response = await client.get("/healthz", headers={"X-Request-ID": "req-1"})

    lines = [entry for entry in logs if entry["event"] == "http_request"]
    assert len(lines) == 1
    assert lines[0]["status"] == response.status_code
    assert lines[0]["path"] == "/healthz"
    assert lines[0]["method"] == "GET"
    assert lines[0]["request_id"] == "req-1"


async def test_request_id_bound_for_route_logs(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    """Lines that services log while handling a request carry its id."""
    headers = make_key(scope="write") | {"X-Request-ID": "req-2"}

    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        await client.put("/v1/suppressions/jan@example.org", headers=headers)

    added = [entry for entry in logs if entry["event"] == "suppression_added"]
    assert len(added) == 1
    assert added[0]["request_id"] == "req-2"
