"""The Alembic migrations: they build exactly the models' schema and run both ways."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from reputation.db import ALEMBIC_INI, create_db_engine, downgrade_database, upgrade_database
from reputation.models import Base


@pytest.fixture(params=["sqlite", "postgresql"])
def roundtrip_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database the test may take down to base: a new SQLite file, or the session's
    PostgreSQL database, which is brought back to head afterwards (creating and
    dropping another PostgreSQL database costs seconds of checkpointing)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    url: str = request.getfixturevalue("postgresql_database")
    try:
        yield url
    finally:
        upgrade_database(url)


def _table_names(url: str) -> set[str]:
    engine = create_db_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_migrations_upgrade_downgrade_upgrade_roundtrip(roundtrip_url: str) -> None:
    upgrade_database(roundtrip_url)
    assert _table_names(roundtrip_url) == set(Base.metadata.tables)

    downgrade_database(roundtrip_url, "base")
    assert _table_names(roundtrip_url) == set()

    upgrade_database(roundtrip_url)
    assert _table_names(roundtrip_url) == set(Base.metadata.tables)


def test_migrations_head_matches_models(db_url: str) -> None:
    engine = create_db_engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_alembic_command_line_takes_url_from_settings(tmp_path: Path) -> None:
    """`alembic upgrade head` run by hand migrates the database MAILREP_DATABASE_URL names."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "MAILREP_DATABASE_URL": url, "MAILREP_DATA_DIR": str(tmp_path)}
    alembic = Path(sys.executable).parent / "alembic"
    completed = subprocess.run(
        [str(alembic), "-c", str(ALEMBIC_INI), "upgrade", "head"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert _table_names(url) == set(Base.metadata.tables)
