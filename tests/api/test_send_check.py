"""`POST /v1/send-check`: allowed, suppressed and invalid recipients, and the volume."""

from __future__ import annotations

import asyncio

import httpx
import orjson
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from api.routes.send_check import MAX_RECIPIENTS
from reputation.db import session_scope
from reputation.models import SendVolume
from tests.api.conftest import KeyFactory


async def test_send_check_sorts_recipients(client: httpx.AsyncClient, make_key: KeyFactory) -> None:
    headers = make_key(scope="write")
    await client.put("/v1/suppressions/b@example.org", json={"reason": "manual"}, headers=headers)
    body = {
        "from_domain": "example.com",
        "recipients": ["a@example.org", "b@example.org", "not an address", "a@example.org"],
    }

    response = await client.post("/v1/send-check", json=body, headers=headers)
    result = response.json()

    assert response.status_code == 200
    assert result["stream"] == "transactional"
    assert result["allowed"] == ["a@example.org"]
    assert [s["address"] for s in result["suppressed"]] == ["b@example.org"]
    assert set(result["suppressed"][0]) == {"address", "reason", "since", "stream", "source"}
    assert result["suppressed"][0]["reason"] == "manual"
    assert result["suppressed"][0]["since"].startswith("2026-03-02T09:30:00")
    assert result["invalid"][0]["address"] == "not an address"
    assert result["invalid"][0]["error"]


async def test_send_check_stream_scoped_suppression(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="write")
    await client.put(
        "/v1/suppressions/b@example.org", json={"stream": "marketing"}, headers=headers
    )
    body = {"from_domain": "example.com", "recipients": ["b@example.org"]}

    transactional = (await client.post("/v1/send-check", json=body, headers=headers)).json()
    marketing = (
        await client.post("/v1/send-check", json=body | {"stream": "marketing"}, headers=headers)
    ).json()

    assert transactional["allowed"] == ["b@example.org"]
    assert marketing["allowed"] == []


async def test_send_check_records_volume(
    client: httpx.AsyncClient, make_key: KeyFactory, app: FastAPI
) -> None:
    headers = make_key(scope="write")
    body = {"from_domain": "Example.COM", "recipients": ["a@example.org", "b@example.org"]}

    await client.post("/v1/send-check", json=body, headers=headers)
    await client.post("/v1/send-check", json=body, headers=headers)

    with session_scope(app.state.session_factory) as session:
        volumes = [
            (v.from_domain, v.stream, v.recipients) for v in session.scalars(select(SendVolume))
        ]
    assert volumes == [("example.com", "transactional", 4)]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"[1, 2]", "JSON object"),
        (b"{not json", "not valid JSON"),
        (orjson.dumps({"recipients": ["a@example.org"]}), "from_domain"),
        (orjson.dumps({"from_domain": "example.com"}), "recipients"),
        (orjson.dumps({"from_domain": "example.com", "recipients": "a@example.org"}), "list"),
        (
            orjson.dumps({"from_domain": "example.com", "recipients": ["a@x.org", 7]}),
            "recipients[1]",
        ),
        (orjson.dumps({"from_domain": "example.com", "recipients": [], "extra": 1}), "extra"),
        (orjson.dumps({"from_domain": "not a domain", "recipients": []}), "from_domain"),
    ],
)
async def test_send_check_bad_body_is_422(
    client: httpx.AsyncClient, make_key: KeyFactory, body: bytes, fragment: str
) -> None:
    headers = make_key(scope="write") | {"Content-Type": "application/json"}

    response = await client.post("/v1/send-check", content=body, headers=headers)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert fragment in response.json()["detail"]


async def test_send_check_too_many_recipients_is_422(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    recipients = [f"u{i}@example.org" for i in range(MAX_RECIPIENTS + 1)]
    body = {"from_domain": "example.com", "recipients": recipients}

    response = await client.post("/v1/send-check", json=body, headers=make_key(scope="write"))

    assert response.status_code == 422
    assert str(MAX_RECIPIENTS) in response.json()["detail"]


async def test_send_check_unknown_stream_is_422(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    body = {"from_domain": "example.com", "stream": "nope", "recipients": []}

    response = await client.post("/v1/send-check", json=body, headers=make_key(scope="write"))

    assert response.status_code == 422


async def test_send_check_form_body_is_415(client: httpx.AsyncClient, make_key: KeyFactory) -> None:
    response = await client.post(
        "/v1/send-check", data={"from_domain": "example.com"}, headers=make_key(scope="write")
    )

    assert response.status_code == 415


async def test_send_check_openapi_documents_body(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    body = schema["paths"]["/v1/send-check"]["post"]["requestBody"]

    assert "recipients" in body["content"]["application/json"]["schema"]["properties"]


async def test_send_check_lists_every_invalid_field(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    body = {"recipients": ["a@example.org", 1], "stream": 5}

    response = await client.post("/v1/send-check", json=body, headers=make_key(scope="write"))
    problem = response.json()

    assert response.status_code == 422
    assert problem["detail"] == "`from_domain`: Field required."
    assert [error["loc"] for error in problem["errors"]] == [
        ["body", "from_domain"],
        ["body", "stream"],
        ["body", "recipients", 1],
    ]


async def test_send_check_concurrent_large_batches(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    """Large batches look up on worker threads; concurrent ones must not mix results."""
    headers = make_key(scope="write")
    batches = [[f"user{i}-{n}@example.org" for i in range(3_000)] for n in range(6)]
    for n, batch in enumerate(batches):
        await client.put(f"/v1/suppressions/{batch[n]}", headers=headers)

    responses = await asyncio.gather(
        *(
            client.post(
                "/v1/send-check",
                json={"from_domain": "example.com", "recipients": batch},
                headers=headers,
            )
            for batch in batches
        )
    )

    for n, (batch, response) in enumerate(zip(batches, responses, strict=True)):
        result = response.json()
        assert response.status_code == 200, result
        assert [s["address"] for s in result["suppressed"]] == [batch[n]]
        assert len(result["allowed"]) == len(batch) - 1
