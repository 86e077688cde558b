"""Bearer API keys and the read < write < admin scope order."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import KeyFactory


async def test_auth_missing_key_is_401_with_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/tenant")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    "header",
    ["Bearer mr_00000000_" + "a" * 43, "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer "],
)
async def test_auth_bad_key_is_401_with_challenge(
    client: httpx.AsyncClient, make_key: KeyFactory, header: str
) -> None:
    make_key()

    response = await client.get("/v1/tenant", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


async def test_auth_tampered_key_is_401(client: httpx.AsyncClient, make_key: KeyFactory) -> None:
    good = make_key()["Authorization"]
    tampered = good[:-1] + ("A" if good[-1] != "A" else "B")

    response = await client.get("/v1/tenant", headers={"Authorization": tampered})

    assert response.status_code == 401


@pytest.mark.parametrize(("scope", "expected"), [("read", 403), ("write", 403), ("admin", 201)])
async def test_auth_admin_route_needs_admin_scope(
    client: httpx.AsyncClient, make_key: KeyFactory, scope: str, expected: int
) -> None:
    headers = make_key(scope=scope)

    response = await client.post("/v1/streams", json={"name": "invoices"}, headers=headers)

    assert response.status_code == expected
    if expected == 403:
        assert response.headers["content-type"] == "application/problem+json"
        assert "admin" in response.json()["detail"]


@pytest.mark.parametrize("scope", ["read", "write", "admin"])
async def test_auth_read_route_accepts_every_scope(
    client: httpx.AsyncClient, make_key: KeyFactory, scope: str
) -> None:
    response = await client.get("/v1/tenant", headers=make_key(scope=scope))

    assert response.status_code == 200
