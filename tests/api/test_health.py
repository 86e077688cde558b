"""Liveness, readiness and the Prometheus endpoint, none of which needs an API key."""

from __future__ import annotations

import httpx
from sqlalchemy import Engine

from api.deps import get_engine
from reputation.db import create_db_engine


async def test_healthz_without_key_is_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_database_up_is_ready(client: httpx.AsyncClient) -> None:
    response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_readyz_database_down_is_503_problem(
    client: httpx.AsyncClient, app_dependency_overrides: dict[object, object], free_port: int
) -> None:
    dead: Engine = create_db_engine(
        f"postgresql+psycopg://postgres@127.0.0.1:{free_port}/none?connect_timeout=2"
    )
    app_dependency_overrides[get_engine] = lambda: dead

    response = await client.get("/readyz")
    dead.dispose()

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 503


async def test_metrics_without_key_is_prometheus_text(client: httpx.AsyncClient) -> None:
    response = await client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "mailrep_messages_ingested_total" in response.text
