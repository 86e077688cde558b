"""Fixtures for the API tests: an app over a migrated database, clients and API keys."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from api.app import create_app
from reputation.db import session_scope
from reputation.errors import NotFoundError
from reputation.settings import Settings
from reputation.tenants import create_api_key, create_tenant, get_tenant
from tests.conftest import FixedClock


@pytest.fixture
def api_settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=db_url, log_format="json")


@pytest.fixture
def app(api_settings: Settings, clock: FixedClock, engine: Engine) -> FastAPI:
    return create_app(api_settings, clock=clock, engine=engine)


@pytest.fixture
def app_dependency_overrides(app: FastAPI) -> dict[object, object]:
    return app.dependency_overrides  # type: ignore[return-value]


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://mailrep.test") as client:
        yield client


@pytest.fixture
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class KeyFactory:
    """Creates tenants and API keys straight in the database, returning auth headers."""

    def __init__(self, app: FastAPI, clock: FixedClock) -> None:
        self._factory = app.state.session_factory
        self._clock = clock

    def __call__(self, tenant: str = "acme", scope: str = "admin") -> dict[str, str]:
        with session_scope(self._factory) as session:
            try:
                record = get_tenant(session, name=tenant)
            except NotFoundError:
                record = create_tenant(session, name=tenant, clock=self._clock)
            created = create_api_key(session, tenant=record, scopes=[scope], clock=self._clock)
        return {"Authorization": f"Bearer {created.plaintext}"}


@pytest.fixture
def make_key(app: FastAPI, clock: FixedClock) -> KeyFactory:
    return KeyFactory(app, clock)
