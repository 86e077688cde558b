"""`/v1/tenant` and `/v1/streams`."""

from __future__ import annotations

import httpx

from tests.api.conftest import KeyFactory


async def test_get_tenant_returns_defaults(client: httpx.AsyncClient, make_key: KeyFactory) -> None:
    body = (await client.get("/v1/tenant", headers=make_key(scope="read"))).json()

    assert body["name"] == "acme"
    assert body["language"] == "en"
    assert body["default_stream"] == "transactional"
    assert body["complaint_scope"] == "stream"
    assert body["streams"] == ["marketing", "transactional"]
    assert body["has_webhook_secret"] is False
    assert body["webhook_secret"] is None


async def test_patch_tenant_changes_given_fields(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key()
    patch = {"language": "pl", "complaint_scope": "all", "webhook_url": "http://127.0.0.1:9/h"}

    response = await client.patch("/v1/tenant", json=patch, headers=headers)
    again = (await client.get("/v1/tenant", headers=headers)).json()

    assert response.status_code == 200
    assert again["language"] == "pl"
    assert again["complaint_scope"] == "all"
    assert again["webhook_url"] == "http://127.0.0.1:9/h"
    assert again["default_stream"] == "transactional"


async def test_patch_tenant_rotate_secret_shows_it_once(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key()

    first = (
        await client.patch("/v1/tenant", json={"rotate_webhook_secret": True}, headers=headers)
    ).json()
    second = (
        await client.patch("/v1/tenant", json={"rotate_webhook_secret": True}, headers=headers)
    ).json()
    later = (await client.get("/v1/tenant", headers=headers)).json()

    assert len(first["webhook_secret"]) >= 32
    assert second["webhook_secret"] != first["webhook_secret"]
    assert later["webhook_secret"] is None
    assert later["has_webhook_secret"] is True


async def test_patch_tenant_unknown_default_stream_is_422(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    response = await client.patch("/v1/tenant", json={"default_stream": "nope"}, headers=make_key())

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_patch_tenant_null_language_is_422(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    response = await client.patch("/v1/tenant", json={"language": None}, headers=make_key())

    assert response.status_code == 422


async def test_patch_tenant_bad_language_is_422_with_errors(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    response = await client.patch("/v1/tenant", json={"language": "de"}, headers=make_key())

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][-1] == "language"


async def test_post_stream_then_default_stream_accepted(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key()

    created = await client.post("/v1/streams", json={"name": "invoices"}, headers=headers)
    patched = await client.patch("/v1/tenant", json={"default_stream": "invoices"}, headers=headers)

    assert created.status_code == 201
    assert "invoices" in created.json()["streams"]
    assert patched.json()["default_stream"] == "invoices"


async def test_post_stream_twice_is_409(client: httpx.AsyncClient, make_key: KeyFactory) -> None:
    headers = make_key()

    await client.post("/v1/streams", json={"name": "invoices"}, headers=headers)
    response = await client.post("/v1/streams", json={"name": "invoices"}, headers=headers)

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"


async def test_post_stream_bad_name_is_422(client: httpx.AsyncClient, make_key: KeyFactory) -> None:
    response = await client.post("/v1/streams", json={"name": "Bad Name"}, headers=make_key())

    assert response.status_code == 422
