"""Fixtures for the reputation service tests: settings and a tenant in the test database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from reputation.models import Tenant
from reputation.settings import Settings
from reputation.tenants import create_tenant
from tests.conftest import FixedClock


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=db_url, log_format="json")


@pytest.fixture
def tenant(session: Session, clock: FixedClock) -> Tenant:
    return create_tenant(session, name="acme", clock=clock)
