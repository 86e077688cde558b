"""`/v1/suppressions`: list with filters and cursors, look up, add, lift, export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from reputation.audit import list_audit_events
from reputation.db import session_scope
from reputation.tenants import get_tenant
from tests.api.conftest import KeyFactory
from tests.api.samples import make_dsn
from tests.conftest import FixedClock


async def _suppress(
    client: httpx.AsyncClient, headers: dict[str, str], address: str, **body: object
) -> httpx.Response:
    return await client.put(f"/v1/suppressions/{address}", json=body or None, headers=headers)


async def test_put_suppression_then_get_returns_it(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="write")

    put = await _suppress(client, headers, "jan@Example.ORG", note="asked by phone")
    got = await client.get("/v1/suppressions/jan@example.org", headers=headers)

    assert put.status_code == 200
    assert put.json()["address"] == "jan@example.org"
    assert put.json()["stream"] == "*"
    assert put.json()["source"] == "manual"
    assert got.status_code == 200
    assert got.json()["suppressions"][0]["note"] == "asked by phone"


async def test_put_suppression_twice_is_idempotent(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="write")

    first = await _suppress(client, headers, "jan@example.org")
    second = await _suppress(client, headers, "jan@example.org")
    listing = (await client.get("/v1/suppressions", headers=headers)).json()

    assert first.json() == second.json()
    assert len(listing["items"]) == 1


async def test_put_suppression_one_stream(client: httpx.AsyncClient, make_key: KeyFactory) -> None:
    headers = make_key(scope="write")

    response = await _suppress(client, headers, "jan@example.org", stream="marketing")

    assert response.json()["stream"] == "marketing"


async def test_put_suppression_unknown_stream_is_422(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    response = await _suppress(client, make_key(scope="write"), "jan@example.org", stream="nope")

    assert response.status_code == 422


async def test_put_suppression_invalid_address_is_422(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    response = await _suppress(client, make_key(scope="write"), "not-an-address")

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_get_suppression_absent_is_404(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    response = await client.get("/v1/suppressions/jan@example.org", headers=make_key(scope="read"))

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_delete_suppression_lifts_and_audits(
    client: httpx.AsyncClient, make_key: KeyFactory, app: FastAPI
) -> None:
    headers = make_key(scope="write")
    await _suppress(client, headers, "jan@example.org")

    deleted = await client.delete("/v1/suppressions/jan@example.org", headers=headers)
    again = await client.get("/v1/suppressions/jan@example.org", headers=headers)

    assert deleted.status_code == 200
    assert deleted.json()["lifted"] == 1
    assert again.status_code == 404
    with session_scope(app.state.session_factory) as session:
        tenant = get_tenant(session, name="acme")
        events = list_audit_events(session, tenant_id=tenant.id, address="jan@example.org")
        actions = [event.action for event in events]
    assert actions == ["suppression_lifted", "suppression_added"]


async def test_delete_suppression_absent_is_404(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    response = await client.delete(
        "/v1/suppressions/jan@example.org", headers=make_key(scope="write")
    )

    assert response.status_code == 404


async def test_list_suppressions_cursor_walks_every_row_once(
    client: httpx.AsyncClient, make_key: KeyFactory, clock: FixedClock
) -> None:
    headers = make_key(scope="write")
    for index in range(7):
        clock.at += timedelta(seconds=1)
        await _suppress(client, headers, f"user{index}@example.org")

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/suppressions", params=params, headers=headers)).json()
        seen.extend(item["address"] for item in page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert pages == 3
    assert seen == [f"user{index}@example.org" for index in reversed(range(7))]


async def test_list_suppressions_filters(
    client: httpx.AsyncClient, make_key: KeyFactory, clock: FixedClock
) -> None:
    headers = make_key(scope="write")
    await _suppress(client, headers, "a@example.org", reason="manual")
    clock.at += timedelta(days=2)
    await _suppress(client, headers, "b@example.net", reason="customer_request")
    await client.post(
        "/v1/messages",
        content=make_dsn("c@example.org"),
        headers=headers | {"Content-Type": "message/rfc822"},
    )

    async def addresses(**params: str) -> list[str]:
        page = (await client.get("/v1/suppressions", params=params, headers=headers)).json()
        return sorted(item["address"] for item in page["items"])

    assert await addresses(domain="example.net") == ["b@example.net"]
    assert await addresses(reason="customer_request") == ["b@example.net"]
    assert await addresses(reason="userunknown") == ["c@example.org"]
    assert await addresses(source="hard_bounce") == ["c@example.org"]
    since = (clock.at - timedelta(hours=1)).isoformat()
    assert await addresses(since=since) == ["b@example.net", "c@example.org"]


async def test_list_suppressions_bad_cursor_is_400(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    response = await client.get("/v1/suppressions", params={"cursor": "zzz"}, headers=make_key())

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"


async def test_list_suppressions_naive_since_is_422(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    response = await client.get(
        "/v1/suppressions", params={"since": "2026-01-01T00:00:00"}, headers=make_key()
    )

    assert response.status_code == 422


@pytest.mark.parametrize("url", ["/v1/suppressions.csv", "/v1/suppressions?format=csv"])
async def test_export_suppressions_csv_has_every_row(
    client: httpx.AsyncClient, make_key: KeyFactory, url: str
) -> None:
    headers = make_key(scope="write")
    for index in range(3):
        await _suppress(client, headers, f"user{index}@example.org", reason="manual")

    response = await client.get(url, headers=headers)
    rows = list(csv.DictReader(io.StringIO(response.text)))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert sorted(row["address"] for row in rows) == [f"user{i}@example.org" for i in range(3)]
    assert {row["stream"] for row in rows} == {"*"}
