"""Every error is RFC 9457 problem details, and every domain error has a status."""

from __future__ import annotations

import inspect

import httpx
from fastapi import FastAPI

from api.domain_errors import DOMAIN_ERROR_STATUS
from reputation import errors


def test_domain_error_status_covers_every_reputation_error() -> None:
    public = {
        value
        for value in vars(errors).values()
        if inspect.isclass(value)
        and issubclass(value, Exception)
        and value.__module__ == errors.__name__
    }

    missing = public - DOMAIN_ERROR_STATUS.keys()

    assert not missing, f"add these to DOMAIN_ERROR_STATUS: {sorted(e.__name__ for e in missing)}"


async def test_unknown_path_is_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/no-such-thing")
    body = response.json()

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert body["status"] == 404
    assert body["title"] == "Not Found"
    assert body["type"].endswith("/not-found")


async def test_wrong_method_is_405_problem(client: httpx.AsyncClient) -> None:
    response = await client.delete("/healthz")

    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"


async def test_unexpected_exception_is_500_problem(app: FastAPI) -> None:
    def fail() -> None:
        raise RuntimeError("boom with a secret detail")

    app.add_api_route("/boom", fail, include_in_schema=False)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)

    async with httpx.AsyncClient(transport=transport, base_url="http://mailrep.test") as client:
        response = await client.get("/boom")

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret" not in response.text


async def test_domain_error_maps_to_its_status(app: FastAPI, client: httpx.AsyncClient) -> None:
    def conflict() -> None:
        raise errors.ConflictError("stream", "invoices")

    app.add_api_route("/conflict", conflict, include_in_schema=False)

    response = await client.get("/conflict")

    assert response.status_code == 409
    assert response.json()["type"].endswith("/conflict")
    assert response.json()["detail"] == "stream 'invoices' already exists"
