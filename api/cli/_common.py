"""Helpers shared by the service-side commands: settings, sessions and error reporting."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.orm import Session

from reputation.db import create_db_engine, create_session_factory, session_scope
from reputation.logging import configure_logging
from reputation.settings import Settings, get_settings


@dataclass(frozen=True, slots=True)
class Outcome:
    """Result of ingesting one message, from the local database or a remote server."""

    duplicate: bool
    kind: str
    suppressed: int


#: sysexits.h EX_TEMPFAIL. An MTA that pipes mail into `mailrep ingest -` (Postfix pipe(8),
#: Exim's pipe transport, sendmail's prog mailer) defers the message and retries on it.
EXIT_TEMPFAIL = 75


class CommandError(Exception):
    """A command failed for a reason the user can fix; the message is printed as is."""

    def __init__(self, message: str, *, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def load_settings() -> Settings:
    """Return the process settings.

    Raises:
        CommandError: a `MAILREP_*` setting is invalid.
    """
    try:
        return get_settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "_".join(str(part) for part in first["loc"]).upper()
        name = f"invalid setting MAILREP_{where}" if where else "invalid settings"
        message = first["msg"].removeprefix("Value error, ")
        raise CommandError(f"{name}: {message}") from exc


def database_label(url: str) -> str:
    """Name the database of `url` for messages: the SQLite file, or the database and host."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            return "the in-memory SQLite database"
        return f"the SQLite database {Path(parsed.database).resolve()}"
    return f"the PostgreSQL database {parsed.database} on {parsed.host or 'localhost'}"


def require_database(settings: Settings, *, exit_code: int = 1) -> None:
    """Check that the configured SQLite file exists; connecting would create an empty one.

    Raises:
        CommandError: the file does not exist.
    """
    parsed = make_url(settings.database_url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database).resolve()
    if not path.exists():
        raise CommandError(
            f"no database at {path}; create it with `mailrep db upgrade`, or set "
            "MAILREP_DATA_DIR or MAILREP_DATABASE_URL to the one the service uses "
            "(the default ./data is relative to the current directory)",
            exit_code=exit_code,
        )


def describe_database_error(exc: SQLAlchemyError) -> str:
    """Turn an error on the configured database into one line that names it and what to do."""
    label = database_label(get_settings().database_url)
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()[0] if str(original).strip() else ""
    missing_table = "no such table" in text or "does not exist" in text
    if isinstance(exc, (OperationalError, ProgrammingError)) and missing_table:
        return f"{label} has no mailrep tables or an old schema; run `mailrep db upgrade`"
    return f"database error on {label}: {type(original).__name__}: {text}"


@contextmanager
def open_session(settings: Settings) -> Iterator[Session]:
    """Open one session on the configured database, committed when the block succeeds.

    Raises:
        CommandError: the configured SQLite file does not exist.
    """
    require_database(settings)
    engine = create_db_engine(settings.database_url)
    try:
        with session_scope(create_session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def fail(message: str, code: int = 1) -> int:
    """Print `mailrep: message` on stderr and return `code` for the handler to return."""
    print(f"mailrep: {message}", file=sys.stderr)
    return code


def print_table(rows: list[tuple[str, ...]]) -> None:
    """Print rows as columns padded to the widest cell; the first row is the header."""
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip())


def setup_logging(settings: Settings, *, quiet: bool = False) -> None:
    """Configure logging to stderr from the settings; `quiet` turns the info level into warning.

    Batch commands pass `quiet`, so one info line per message does not bury their output.
    An explicit debug level is kept.
    """
    level = settings.log_level
    if quiet and level == "info":
        level = "warning"
    configure_logging(log_format=settings.log_format, log_level=level)
