"""`mailrep serve` and `mailrep db upgrade`: run the REST API and migrate its database."""

from __future__ import annotations

import argparse
import gc
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError

from api.cli._common import CommandError, fail, load_settings, setup_logging
from reputation.db import alembic_config, create_db_engine, upgrade_database


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser("serve", help="run the REST API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="TCP port to listen on")
    serve.set_defaults(handler=run_serve)

    db = subparsers.add_parser("db", help="manage the database schema")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser("upgrade", help="apply every pending migration")
    upgrade.set_defaults(handler=run_db_upgrade)


def run_db_upgrade(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
        setup_logging(settings)
        upgrade_database(settings.database_url)
    except CommandError as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(f"database upgrade failed: {exc.__class__.__name__}: {exc}")
    print("database is at the latest revision")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app

    try:
        settings = load_settings()
        setup_logging(settings)
        _prepare_schema(settings.database_url)
    except CommandError as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(f"cannot open the database: {exc.__class__.__name__}: {exc}")

    app = create_app(settings)
    # What was built so far (modules, the app) lives as long as the process. Frozen, it
    # is left out of the garbage collector's full passes, which otherwise walk all of it
    # every few large requests: about 60 ms each in bench/send_check.py.
    gc.freeze()
    # The app logs its own access line with the request id, so uvicorn's is switched off.
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False)
    return 0


def _prepare_schema(url: str) -> None:
    """Create the schema of an empty database; refuse to serve one that is behind.

    Raises:
        CommandError: the database has an older schema and needs `mailrep db upgrade`.
    """
    current = _current_revision(url)
    if current is None:
        upgrade_database(url)
        return
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    if current != head:
        raise CommandError(
            f"database schema is at revision {current}, not {head}; run `mailrep db upgrade`"
        )


def _current_revision(url: str) -> str | None:
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
