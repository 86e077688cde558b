"""Every error is RFC 9457 problem details, and every domain error has a status."""

from __future__ import annotations

import inspect

import httpx

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
