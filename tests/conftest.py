"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, and a fixed clock.

`db_url` is parametrized over both backends, so every test that uses it runs
twice. Each backend's database is created and migrated with Alembic once per
test session; every table is emptied after each test. On PostgreSQL the tables
live in a fresh schema with a random name in the database at
MAILREP_TEST_POSTGRES_URL (selected through the connection's search_path) and
dropped at the end, so parallel runs do not clash. A schema is used rather than a
database because dropping a database forces a checkpoint that takes seconds.
When that server is unreachable the PostgreSQL cases are skipped, or fail when
MAILREP_TEST_REQUIRE_POSTGRES=1 (CI).
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from reputation.db import create_db_engine, create_session_factory, upgrade_database
from reputation.models import Base

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
#: The moment `FixedClock` starts at: a Monday morning, UTC.
START = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


class FixedClock:
    """A clock that does not move until a test advances it."""

    def __init__(self, at: datetime = START) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        """Move the clock forward, e.g. `advance(days=1)`."""
        self.at += timedelta(**delta)


@pytest.fixture(autouse=True)
def _restore_root_logging() -> Iterator[None]:
    # `configure_logging` points the root handler at the sys.stderr of the moment, which
    # is a capture stream that pytest closes after the test.
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers, root.level = handlers, level


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'mailrep.db'}"
    upgrade_database(url)
    return url


def _postgres_admin_url() -> str:
    return os.environ.get("MAILREP_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_postgres_schema() -> str:
    """Create an empty schema with a random name on the test server; return a URL that uses it.

    Skips the test, or fails it when MAILREP_TEST_REQUIRE_POSTGRES=1, if the server
    cannot be reached.
    """
    admin_url = _postgres_admin_url()
    name = f"mailrep_test_{secrets.token_hex(6)}"
    try:
        with psycopg.connect(_libpq(admin_url), autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL at {make_url(admin_url).host} is unreachable: {exc}"
        if os.environ.get("MAILREP_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    url = make_url(admin_url).update_query_dict({"options": f"-csearch_path={name}"})
    return url.render_as_string(hide_password=False)


def drop_postgres_schema(url: str) -> None:
    """Drop a schema made by `create_postgres_schema` with everything in it."""
    options = make_url(url).query["options"]
    assert isinstance(options, str)
    name = options.removeprefix("-csearch_path=")
    with psycopg.connect(_libpq(_postgres_admin_url()), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def create_postgres_database() -> str:
    """Create an empty database with a random name on the test server; return its URL.

    For tests that need a whole database to themselves, such as one whose
    advisory locks no other run may share. Slower than `create_postgres_schema`.
    """
    admin_url = _postgres_admin_url()
    name = f"mailrep_test_{secrets.token_hex(6)}"
    try:
        with psycopg.connect(_libpq(admin_url), autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL at {make_url(admin_url).host} is unreachable: {exc}"
        if os.environ.get("MAILREP_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    """Drop a database made by `create_postgres_database`, closing its open connections."""
    name = make_url(url).database
    with psycopg.connect(_libpq(_postgres_admin_url()), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgresql_database() -> Iterator[str]:
    url = create_postgres_schema()
    try:
        upgrade_database(url)
        yield url
    finally:
        drop_postgres_schema(url)


@pytest.fixture(scope="session")
def _engines() -> Iterator[dict[str, Engine]]:
    engines: dict[str, Engine] = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, _engines: dict[str, Engine]) -> Iterator[str]:
    """URL of a migrated, empty database; parametrized over SQLite and PostgreSQL."""
    url: str = request.getfixturevalue(f"{request.param}_database")
    yield url
    engine = _engines.setdefault(url, create_db_engine(url))
    _empty_tables(engine)


def _empty_tables(engine: Engine) -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{name}"' for name in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        for name in tables:
            connection.execute(text(f'DELETE FROM "{name}"'))


@pytest.fixture
def engine(db_url: str, _engines: dict[str, Engine]) -> Engine:
    return _engines.setdefault(db_url, create_db_engine(db_url))


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    return create_session_factory(engine)


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session the test uses like a service caller would; rolled back if left open."""
    session = session_factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()
