"""`mailrep ingest` and `mailrep reparse`: feed returned messages in, rerun the parser.

`ingest` reads files, maildirs, directories of `*.eml`, mboxes or stdin (`-`, so an
MTA can pipe a bounce straight in) and hands each message to the local database or,
with `--server`, to a running mailrep's `POST /v1/messages`. Each message is its own
transaction, so one bad message does not undo the others. The `--server` key comes from
`--api-key`, `--api-key-file` or `MAILREP_API_KEY`; a key on the command line is visible
to every local user in `ps`.

Exit codes, for the MTA that pipes bounces in: 0 when every message was stored (or was
stored before); 75 (EX_TEMPFAIL) when a message could not be stored for a reason outside
it, such as an unreachable server or database, a rejected key, an unknown tenant or
stream, or a missing database, so the MTA keeps the bounce and retries after the fix; 1
when a message itself was refused (larger than the size limit), which no retry changes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
from sqlalchemy.exc import SQLAlchemyError
from tqdm import tqdm

from api.cli._common import (
    EXIT_TEMPFAIL,
    CommandError,
    Outcome,
    describe_database_error,
    fail,
    load_settings,
    require_database,
    setup_logging,
)
from api.cli._remote import RemoteIngester, RemoteMessageError
from api.cli._sources import RawMessage, iter_messages
from bounce_parser import ReportKind
from reputation.clock import SystemClock
from reputation.db import create_db_engine, create_session_factory, session_scope
from reputation.errors import MessageTooLargeError, ReputationError
from reputation.ingestion import ingest_message
from reputation.reparse import reparse_messages
from reputation.settings import Settings
from reputation.tenants import get_tenant, list_tenants


class Ingester(Protocol):
    def ingest(self, message: RawMessage) -> Outcome: ...

    def close(self) -> None: ...


@dataclass(slots=True)
class Summary:
    read: int = 0
    new: int = 0
    duplicates: int = 0
    suppressed: int = 0
    unparseable: int = 0
    errors: int = 0
    temporary_errors: int = 0

    def add(self, outcome: Outcome) -> None:
        self.new += not outcome.duplicate
        self.duplicates += outcome.duplicate
        self.suppressed += outcome.suppressed
        self.unparseable += outcome.kind == ReportKind.UNPARSEABLE.value

    def line(self) -> str:
        return (
            f"read {self.read}, new {self.new}, duplicates {self.duplicates}, "
            f"suppressed {self.suppressed}, unparseable {self.unparseable}, errors {self.errors}"
        )


def register(subparsers: Any) -> None:
    ingest = subparsers.add_parser(
        "ingest", help="store and act on returned messages (bounces, complaints)"
    )
    ingest.add_argument(
        "paths", nargs="+", metavar="PATH", help="message file, maildir, directory, mbox or -"
    )
    ingest.add_argument(
        "--tenant",
        help="tenant the mail belongs to (default: the only one); with --server the key decides",
    )
    ingest.add_argument("--stream", help="stream of every message (default: from its headers)")
    ingest.add_argument("--server", metavar="URL", help="send to a running mailrep API instead")
    key = ingest.add_mutually_exclusive_group()
    key.add_argument(
        "--api-key",
        metavar="KEY",
        help="API key with write scope, for --server; other users see it in `ps`, so prefer "
        "--api-key-file or MAILREP_API_KEY",
    )
    key.add_argument(
        "--api-key-file",
        metavar="PATH",
        type=Path,
        help="read the --server key from the first line of PATH; without either option the "
        "key comes from MAILREP_API_KEY",
    )
    ingest.set_defaults(handler=run_ingest)

    reparse = subparsers.add_parser(
        "reparse", help="rerun the current parser over stored messages and apply the changes"
    )
    reparse.add_argument("--tenant", help="only this tenant's messages (default: all)")
    reparse.set_defaults(handler=run_reparse)


def run_ingest(args: argparse.Namespace) -> int:
    try:
        ingester = _remote(args) if args.server else _local(args)
    except CommandError as exc:
        return fail(str(exc), EXIT_TEMPFAIL)

    summary = Summary()
    try:
        for message in _progress(_read_all(args.paths, summary)):
            summary.read += 1
            try:
                summary.add(ingester.ingest(message))
            except (ReputationError, SQLAlchemyError, OSError) as exc:
                summary.errors += 1
                summary.temporary_errors += _is_temporary(exc)
                tqdm.write(f"mailrep: {message.origin}: {_describe(exc)}", file=sys.stderr)
    except CommandError as exc:
        summary.errors += 1  # the message in hand was not stored
        print(summary.line(), file=sys.stderr)
        return fail(str(exc), EXIT_TEMPFAIL)
    finally:
        ingester.close()

    print(summary.line())
    if summary.temporary_errors:
        return EXIT_TEMPFAIL
    return 1 if summary.errors else 0


def _is_temporary(exc: BaseException) -> bool:
    """Return True when a later retry may succeed, e.g. the database was unreachable or locked."""
    if isinstance(exc, RemoteMessageError):
        return exc.is_temporary
    # Only a message over the size limit is rejected for itself. A missing table or
    # stream is fixed by the operator, and the MTA's next retry then succeeds.
    return not isinstance(exc, MessageTooLargeError)


def _read_all(paths: list[str], summary: Summary) -> Iterator[RawMessage]:
    for path in paths:
        try:
            yield from iter_messages([path])
        except OSError as exc:
            summary.errors += 1
            tqdm.write(f"mailrep: {_describe(exc)}", file=sys.stderr)


def _progress(messages: Iterator[RawMessage]) -> Iterator[RawMessage]:
    if not sys.stderr.isatty():
        return messages
    return iter(tqdm(messages, unit="msg", file=sys.stderr, desc="ingest"))


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SQLAlchemyError):
        return describe_database_error(exc)
    return str(exc) or type(exc).__name__


def _remote(args: argparse.Namespace) -> Ingester:
    url = httpx.URL(args.server)
    if url.scheme not in ("http", "https") or not url.host:
        raise CommandError(f"invalid --server URL {args.server!r}; give http://HOST:PORT")
    return RemoteIngester(args.server, _api_key(args), args.stream)


def _api_key(args: argparse.Namespace) -> str:
    """Return the key from --api-key, else --api-key-file, else MAILREP_API_KEY.

    Raises:
        CommandError: none is given, or the key file cannot be read or is empty.
    """
    if args.api_key:
        return str(args.api_key)
    if args.api_key_file is not None:
        try:
            lines = args.api_key_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read --api-key-file: {exc}") from exc
        key = lines[0].strip() if lines else ""
        if not key:
            raise CommandError(f"--api-key-file {args.api_key_file} is empty")
        return key
    secret = load_settings().api_key
    if secret is None or not secret.get_secret_value().strip():
        raise CommandError(
            "--server needs an API key with write scope: MAILREP_API_KEY, --api-key-file "
            "or --api-key"
        )
    return secret.get_secret_value().strip()


def _local(args: argparse.Namespace) -> Ingester:
    settings = load_settings()
    setup_logging(settings, quiet=True)
    return LocalIngester(settings, args.tenant, args.stream)


class LocalIngester:
    """Ingests into the configured database, one transaction per message."""

    def __init__(self, settings: Settings, tenant: str | None, stream: str | None) -> None:
        require_database(settings)
        self._settings = settings
        self._stream = stream
        self._engine = create_db_engine(settings.database_url)
        self._factory = create_session_factory(self._engine)
        self._clock = SystemClock()
        try:
            self._tenant_name = self._resolve_tenant(tenant)
        except BaseException:
            self._engine.dispose()
            raise

    def _resolve_tenant(self, name: str | None) -> str:
        try:
            with session_scope(self._factory) as session:
                if name is not None:
                    return get_tenant(session, name=name).name
                tenants = list_tenants(session)
        except ReputationError as exc:
            raise CommandError(str(exc)) from exc
        except SQLAlchemyError as exc:
            raise CommandError(describe_database_error(exc)) from exc
        if len(tenants) != 1:
            raise CommandError(f"{len(tenants)} tenants exist; name one with --tenant")
        return tenants[0].name

    def ingest(self, message: RawMessage) -> Outcome:
        with session_scope(self._factory) as session:
            tenant = get_tenant(session, name=self._tenant_name)
            result = ingest_message(
                session,
                tenant=tenant,
                raw=message.data,
                clock=self._clock,
                stream=self._stream,
                settings=self._settings,
            )
            suppressed = sum(a.suppressed_stream is not None for a in result.actions)
            return Outcome(result.duplicate, result.kind.value, suppressed)

    def close(self) -> None:
        self._engine.dispose()


def run_reparse(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
        setup_logging(settings, quiet=True)
        require_database(settings)
        engine = create_db_engine(settings.database_url)
    except CommandError as exc:
        return fail(str(exc))
    try:
        factory = create_session_factory(engine)
        tenant_id = None
        if args.tenant is not None:
            with session_scope(factory) as session:
                tenant_id = get_tenant(session, name=args.tenant).id
        summary = reparse_messages(
            factory, clock=SystemClock(), tenant_id=tenant_id, settings=settings
        )
    except ReputationError as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(f"reparse failed: {describe_database_error(exc)}")
    finally:
        engine.dispose()
    print(
        f"reparsed {summary.messages}, changed {summary.changed}, "
        f"suppressions added {summary.suppressions_added}, "
        f"lifted {summary.suppressions_lifted}"
    )
    return 0
