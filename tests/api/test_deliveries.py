"""`POST /v1/deliveries`: soft-bounce counts reset, soft-bounce suppressions lifted."""

from __future__ import annotations

import httpx

from tests.api.conftest import KeyFactory
from tests.conftest import FixedClock
from tests.reputation.samples import MAILBOX_FULL, make_dsn

RFC822 = {"Content-Type": "message/rfc822"}


async def _soft_bounce(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    raw = make_dsn("soft@example.org", status="4.2.2", diagnostic=MAILBOX_FULL)
    response = await client.post("/v1/messages", content=raw, headers=headers | RFC822)
    assert response.status_code in (200, 201), response.text


async def test_deliveries_lift_soft_not_hard(
    client: httpx.AsyncClient, make_key: KeyFactory, clock: FixedClock
) -> None:
    headers = make_key(scope="write")
    for _ in range(5):
        await _soft_bounce(client, headers)
        clock.advance(days=1)
    hard = make_dsn("hard@example.org")
    await client.post("/v1/messages", content=hard, headers=headers | RFC822)
    body = {"recipients": ["soft@example.org", "hard@example.org", "nope"]}

    response = await client.post("/v1/deliveries", json=body, headers=headers)
    result = response.json()
    remaining = (await client.get("/v1/suppressions", headers=headers)).json()["items"]

    assert response.status_code == 200, result
    assert result["reset"] == ["soft@example.org"]
    assert [(s["address"], s["stream"]) for s in result["lifted"]] == [("soft@example.org", "*")]
    assert [i["address"] for i in result["invalid"]] == ["nope"]
    assert [s["address"] for s in remaining] == ["hard@example.org"]


async def test_deliveries_reject_future_time(
    client: httpx.AsyncClient, make_key: KeyFactory, clock: FixedClock
) -> None:
    headers = make_key(scope="write")
    future = clock.now().replace(year=clock.now().year + 1).isoformat()
    body = {"recipients": ["a@example.org"], "delivered_at": future}

    response = await client.post("/v1/deliveries", json=body, headers=headers)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "in the future" in response.json()["detail"]
    assert [error["loc"] for error in response.json()["errors"]] == [["body", "delivered_at"]]


async def test_deliveries_need_write_scope(client: httpx.AsyncClient, make_key: KeyFactory) -> None:
    body = {"recipients": ["a@example.org"]}

    response = await client.post("/v1/deliveries", json=body, headers=make_key(scope="read"))

    assert response.status_code == 403
