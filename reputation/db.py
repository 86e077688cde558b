"""Engines, sessions and migrations for SQLite and PostgreSQL.

Transactions: repository and service functions take a `session` keyword-only
argument, flush when they need ids, and never commit. The caller owns the unit of
work: `session_scope` commits when its block ends without an exception and rolls
back otherwise. Only functions that take a `session_factory` (the webhook
dispatcher, batch jobs) open and commit their own sessions.

SQLite: every transaction begins with BEGIN IMMEDIATE, so concurrent writers wait up
to `SQLITE_BUSY_TIMEOUT_MS` for the one write lock instead of failing. A session that
only reads can opt out with `begin_read_only`. A session held open (even one that
only read) blocks every other writer until it commits or rolls back.
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
# Connection execution option read by the SQLite `begin` listener; see `begin_read_only`.
_DEFERRED_OPTION = "mailrep_sqlite_deferred"
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

    if parsed.database not in (None, "", ":memory:"):
        # SQLite creates the file on first connect, but not its directory (the data dir).
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
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
    # IMMEDIATE takes the write lock at BEGIN, where SQLite waits up to busy_timeout for
    # it. A deferred transaction that reads and then writes fails at once with "database
    # is locked" (SQLITE_BUSY) when another writer committed meanwhile, and no wait helps.
    if connection.get_execution_options().get(_DEFERRED_OPTION):
        connection.exec_driver_sql("BEGIN")
        return
    # NOTE: sessions that only read also take the write lock unless they call
    # `begin_read_only`, so on SQLite they wait for writers and writers wait for them.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def begin_read_only(session: Session) -> None:
    """Start the session's transaction as a reader that neither blocks nor waits for writers.

    On SQLite the transaction begins deferred, so a long read (a CSV export) does not
    hold the write lock; a write in it can then fail with "database is locked". No
    effect on PostgreSQL. Call it before the session's first statement.
    """
    session.connection(execution_options={_DEFERRED_OPTION: True})


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
    # alembic.ini's logging section is for the plain `alembic` command; applied here it
    # would replace mailrep's JSON handler and print plain-text lines among JSON ones.
    config.attributes["skip_logging_config"] = True
    return config


def upgrade_database(url: str, revision: str = "head") -> None:
    """Run the Alembic migrations on `url` up to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def downgrade_database(url: str, revision: str) -> None:
    """Run the Alembic migrations on `url` down to `revision` (e.g. "base")."""
    from alembic import command

    command.downgrade(alembic_config(url), revision)
