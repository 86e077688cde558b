"""The OpenAPI page must work on a host that reaches nothing outside its own network."""

from __future__ import annotations

import re

import httpx

_URL = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\s*:\s*["']([^"']+)["']""")


async def test_docs_html_references_no_external_host(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")
    urls = [a or b for a, b in _URL.findall(response.text)]

    assert response.status_code == 200
    assert urls
    assert "//" not in response.text.replace("http://www.w3.org", "")
    for url in urls:
        assert url.startswith("/"), url


async def test_docs_assets_are_served_locally(client: httpx.AsyncClient) -> None:
    page = (await client.get("/docs")).text

    for url in re.findall(r"/docs/assets/[\w.-]+", page):
        asset = await client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 100, url


async def test_openapi_lists_v1_routes(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()

    assert schema["info"]["title"] == "mailrep"
    assert "/healthz" in schema["paths"]


async def test_openapi_documents_problem_responses(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    responses = schema["paths"]["/v1/suppressions"]["get"]["responses"]

    for status in ("401", "403", "422"):
        assert "application/problem+json" in responses[status]["content"], status
