"""The Alembic migrations: they build exactly the models' schema and run both ways."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from reputation.db import create_db_engine, downgrade_database, upgrade_database
from reputation.models import Base
from tests.conftest import create_postgres_database, drop_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """An empty database that no other test uses."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


def _table_names(url: str) -> set[str]:
    engine = create_db_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_migrations_upgrade_downgrade_upgrade_roundtrip(fresh_url: str) -> None:
    upgrade_database(fresh_url)
    assert _table_names(fresh_url) == set(Base.metadata.tables)

    downgrade_database(fresh_url, "base")
    assert _table_names(fresh_url) == set()

    upgrade_database(fresh_url)
    assert _table_names(fresh_url) == set(Base.metadata.tables)


def test_migrations_head_matches_models(db_url: str) -> None:
    engine = create_db_engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
