"""Helpers shared by the service-side commands: settings, sessions and error reporting."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pydantic import ValidationError
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


@contextmanager
def open_session(settings: Settings) -> Iterator[Session]:
    """Open one session on the configured database, committed when the block succeeds."""
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


def setup_logging(settings: Settings, *, quiet: bool = False) -> None:
    """Configure logging to stderr from the settings; `quiet` turns the info level into warning.

    Batch commands pass `quiet`, so one info line per message does not bury their output.
    An explicit debug level is kept.
    """
    level = settings.log_level
    if quiet and level == "info":
        level = "warning"
    configure_logging(log_format=settings.log_format, log_level=level)
