"""Engines, sessions and migrations for SQLite and PostgreSQL.

Transactions: repository and service functions take a `session` keyword-only
argument, flush when they need ids, and never commit. The caller owns the unit of
work: `session_scope` commits when its block ends without an exception and rolls
back otherwise. Only functions that take a `session_factory` (the webhook
dispatcher, batch jobs) open and commit their own sessions.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 5000
ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def create_db_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for a SQLite or PostgreSQL (psycopg 3) URL."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # UTC sessions, so raw timestamps read past the ORM are aware and in UTC.
        # Options already in the URL (such as a search_path) are kept.
        url_options = parsed.query.get("options") or ()
        if isinstance(url_options, str):
            url_options = (url_options,)
        connect_args = {"options": " ".join((*url_options, "-c timezone=UTC"))}
        return create_engine(url, echo=echo, pool_pre_ping=True, connect_args=connect_args)

    engine = create_engine(url, echo=echo)
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT, so SQLAlchemy's
    # documented workaround is used: autocommit at the driver, BEGIN emitted below.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_sqlite_transaction(connection: Any) -> None:
    # Deferred, so read-only sessions never block writers; BEGIN IMMEDIATE would serialise them.
    # NOTE: a writer that read first can fail with "database is locked" under concurrent writes.
    connection.exec_driver_sql("BEGIN")


def create_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory whose objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """Open a session, commit when the block succeeds, roll back when it raises."""
    session = session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(url: str) -> Any:
    """Build the Alembic configuration for the repository's migrations and `url`."""
    from alembic.config import Config

    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(ALEMBIC_INI.parent / "alembic"))
    config.attributes["database_url"] = url
    return config


def upgrade_database(url: str, revision: str = "head") -> None:
    """Run the Alembic migrations on `url` up to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def downgrade_database(url: str, revision: str) -> None:
    """Run the Alembic migrations on `url` down to `revision` (e.g. "base")."""
    from alembic import command

    command.downgrade(alembic_config(url), revision)
