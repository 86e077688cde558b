"""`/v1/contacts`: import, upsert, list by status, detail with history, CSV export."""

from __future__ import annotations

import csv
import io

import httpx

from tests.api.conftest import KeyFactory
from tests.api.samples import make_dsn
from tests.conftest import FixedClock

CSV_HEADERS = {"Content-Type": "text/csv"}


async def _import(client: httpx.AsyncClient, headers: dict[str, str], text: str) -> httpx.Response:
    return await client.post(
        "/v1/contacts/import", content=text.encode(), headers=headers | CSV_HEADERS
    )


async def test_import_contacts_counts_and_reports_bad_rows(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    text = (
        "email,external_id,name\n"
        "jan@example.org,c-1,Jan Kowalski\n"
        "not-an-address,c-2,X\n"
        "ola@example.org,,\n"
    )

    response = await _import(client, make_key(scope="write"), text)
    body = response.json()

    assert response.status_code == 200
    assert body["created"] == 2
    assert body["updated"] == 0
    assert body["error_count"] == 1
    assert body["errors"][0]["line"] == 3
    assert body["errors"][0]["value"] == "not-an-address"


async def test_import_contacts_again_updates(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="write")
    await _import(client, headers, "jan@example.org,c-1,Jan\n")

    body = (await _import(client, headers, "jan@example.org,c-9,\n")).json()
    contact = (await client.get("/v1/contacts/jan@example.org", headers=headers)).json()

    assert body["created"] == 0
    assert body["updated"] == 1
    assert contact["contact"]["external_id"] == "c-9"
    assert contact["contact"]["name"] == "Jan"


async def test_import_contacts_utf8_bom_and_polish_names(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="write")
    data = "\ufeffaddress,name\nzofia@example.org,Zofia Łęcka\n".encode()

    await client.post("/v1/contacts/import", content=data, headers=headers | CSV_HEADERS)
    contact = (await client.get("/v1/contacts/zofia@example.org", headers=headers)).json()

    assert contact["contact"]["name"] == "Zofia Łęcka"


async def test_import_contacts_multipart_file(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    files = {"file": ("contacts.csv", b"jan@example.org\nola@example.org\n", "text/csv")}

    response = await client.post(
        "/v1/contacts/import", files=files, headers=make_key(scope="write")
    )

    assert response.status_code == 200
    assert response.json()["created"] == 2


async def test_import_contacts_not_utf8_is_422(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    data = "jan@example.org,Łukasz\n".encode("cp1250")

    response = await client.post(
        "/v1/contacts/import", content=data, headers=make_key(scope="write") | CSV_HEADERS
    )

    assert response.status_code == 422
    assert "UTF-8" in response.json()["detail"]


async def test_import_contacts_json_is_415(client: httpx.AsyncClient, make_key: KeyFactory) -> None:
    response = await client.post(
        "/v1/contacts/import", json=["jan@example.org"], headers=make_key(scope="write")
    )

    assert response.status_code == 415


async def test_put_contact_creates_then_updates(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="write")

    created = await client.put(
        "/v1/contacts/jan@example.org", json={"name": "Jan"}, headers=headers
    )
    updated = await client.put(
        "/v1/contacts/jan@example.org", json={"external_id": "c-1"}, headers=headers
    )

    assert created.status_code == 201
    assert updated.status_code == 200
    assert updated.json()["name"] == "Jan"
    assert updated.json()["external_id"] == "c-1"


async def test_put_contact_invalid_address_is_422(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    response = await client.put("/v1/contacts/nobody", json={}, headers=make_key(scope="write"))

    assert response.status_code == 422


async def test_list_contacts_by_status(
    client: httpx.AsyncClient, make_key: KeyFactory, clock: FixedClock
) -> None:
    headers = make_key(scope="write")
    for address in ("a@example.org", "b@example.org", "c@example.org"):
        clock.advance(seconds=1)
        await client.put(f"/v1/contacts/{address}", json={}, headers=headers)
    await client.put("/v1/suppressions/b@example.org", headers=headers)

    async def addresses(**params: str) -> list[str]:
        page = (await client.get("/v1/contacts", params=params, headers=headers)).json()
        return [item["address"] for item in page["items"]]

    assert await addresses() == ["c@example.org", "b@example.org", "a@example.org"]
    assert await addresses(status="active") == ["c@example.org", "a@example.org"]
    assert await addresses(status="suppressed") == ["b@example.org"]


async def test_list_contacts_cursor_pages(
    client: httpx.AsyncClient, make_key: KeyFactory, clock: FixedClock
) -> None:
    headers = make_key(scope="write")
    for index in range(5):
        clock.advance(seconds=1)
        await client.put(f"/v1/contacts/u{index}@example.org", json={}, headers=headers)

    first = (await client.get("/v1/contacts", params={"limit": 2}, headers=headers)).json()
    second = (
        await client.get(
            "/v1/contacts", params={"limit": 2, "cursor": first["next_cursor"]}, headers=headers
        )
    ).json()

    assert [item["address"] for item in first["items"]] == ["u4@example.org", "u3@example.org"]
    assert [item["address"] for item in second["items"]] == ["u2@example.org", "u1@example.org"]


async def test_get_contact_shows_suppression_and_history(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="write")
    await client.put("/v1/contacts/jan@example.org", json={"name": "Jan"}, headers=headers)
    await client.post(
        "/v1/messages",
        content=make_dsn("jan@example.org"),
        headers=headers | {"Content-Type": "message/rfc822"},
    )

    body = (await client.get("/v1/contacts/jan@example.org", headers=headers)).json()

    assert body["status"] == "suppressed"
    assert body["suppressions"][0]["reason"] == "userunknown"
    assert body["suppressions"][0]["since"].startswith("2026-03-02")
    assert body["bounce_history"][0]["status"] == "5.1.1"
    assert body["bounce_history"][0]["hard_bounce"] is True


async def test_get_contact_unknown_is_404(client: httpx.AsyncClient, make_key: KeyFactory) -> None:
    response = await client.get("/v1/contacts/ghost@example.org", headers=make_key(scope="read"))

    assert response.status_code == 404


async def test_export_contacts_active_only_by_default(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="write")
    await _import(
        client, headers, "address,external_id,name\na@example.org,1,A\nb@example.org,2,B\n"
    )
    await client.put("/v1/suppressions/b@example.org", headers=headers)

    active = await client.get("/v1/contacts.csv", headers=headers)
    suppressed = await client.get(
        "/v1/contacts.csv", params={"status": "suppressed"}, headers=headers
    )

    assert active.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(active.text))) == [
        ["address", "external_id", "name"],
        ["a@example.org", "1", "A"],
    ]
    assert list(csv.reader(io.StringIO(suppressed.text)))[1] == ["b@example.org", "2", "B"]
