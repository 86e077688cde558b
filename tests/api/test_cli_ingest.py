"""`mailrep ingest` and `mailrep reparse`, run in-process on the test databases."""

from __future__ import annotations

import io
import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.cli import main
from api.cli._common import EXIT_TEMPFAIL
from reputation.models import Message, Suppression
from reputation.settings import get_settings
from tests.api.cli_support import cli_db, cli_env
from tests.api.samples import make_dsn

__all__ = ["cli_db", "cli_env"]


@pytest.fixture
def tenant(cli_db: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["tenant", "create", "acme"]) == 0
    capsys.readouterr()
    return "acme"


def _mbox(*messages: bytes) -> bytes:
    return b"".join(b"From MAILER-DAEMON Mon Mar  2 09:30:00 2026\n" + m + b"\n" for m in messages)


def _summary(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out.strip().splitlines()[-1]


def test_ingest_files_mbox_and_directory(
    tenant: str, tmp_path: Path, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "eml"
    folder.mkdir()
    (folder / "a.eml").write_bytes(make_dsn("a@example.org"))
    (folder / "b.eml").write_bytes(make_dsn("b@example.org", status="4.2.2"))
    (folder / ".ignored.eml").write_bytes(make_dsn("hidden@example.org"))
    mbox = tmp_path / "bounces.mbox"
    mbox.write_bytes(_mbox(make_dsn("c@example.org"), make_dsn("d@example.org")))

    code = main(["ingest", str(folder), str(mbox), "--tenant", tenant])

    assert code == 0
    assert _summary(capsys) == (
        "read 4, new 4, duplicates 0, suppressed 3, unparseable 0, errors 0"
    )
    assert session.scalar(select(func.count()).select_from(Suppression)) == 3


def test_ingest_again_counts_duplicates(
    tenant: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.eml"
    path.write_bytes(make_dsn("a@example.org"))
    main(["ingest", str(path)])
    capsys.readouterr()

    code = main(["ingest", str(path)])

    assert code == 0
    assert _summary(capsys) == "read 1, new 0, duplicates 1, suppressed 0, unparseable 0, errors 0"


def test_ingest_maildir_reads_new_and_cur(
    tenant: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for folder, address in (("new", "a@example.org"), ("cur", "b@example.org")):
        (tmp_path / "Maildir" / folder).mkdir(parents=True)
        (tmp_path / "Maildir" / folder / "1709371800.M1P1.mx:2,").write_bytes(make_dsn(address))
    (tmp_path / "Maildir" / "tmp").mkdir()

    main(["ingest", str(tmp_path / "Maildir")])

    assert _summary(capsys).startswith("read 2, new 2,")


def test_ingest_stdin_mbox_from_mta(
    tenant: str,
    monkeypatch: pytest.MonkeyPatch,
    session: Session,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = _mbox(make_dsn("a@example.org"))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))

    code = main(["ingest", "-", "--stream", "marketing"])

    assert code == 0
    assert _summary(capsys).startswith("read 1, new 1,")
    assert session.scalar(select(Message.stream)) == "marketing"


def test_ingest_missing_path_is_error_but_goes_on(
    tenant: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.eml"
    path.write_bytes(make_dsn("a@example.org"))

    code = main(["ingest", str(tmp_path / "missing.eml"), str(path)])
    captured = capsys.readouterr()

    assert code == 1
    assert "missing.eml does not exist" in captured.err
    assert captured.out.strip() == (
        "read 1, new 1, duplicates 0, suppressed 1, unparseable 0, errors 1"
    )


def test_ingest_too_large_message_is_error(
    tenant: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MAILREP_MAX_MESSAGE_BYTES", "100")
    get_settings.cache_clear()
    path = tmp_path / "a.eml"
    path.write_bytes(make_dsn("a@example.org"))

    code = main(["ingest", str(path)])
    captured = capsys.readouterr()

    assert code == 1
    assert "exceeds the limit of 100 bytes" in captured.err
    assert captured.out.strip().endswith("errors 1")


def test_ingest_unparseable_is_counted(
    tenant: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "junk.eml"
    path.write_bytes(b"")

    main(["ingest", str(path)])

    assert "unparseable 1" in _summary(capsys)


def test_ingest_two_tenants_needs_tenant_option(
    tenant: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["tenant", "create", "other"])
    capsys.readouterr()

    code = main(["ingest", str(tmp_path)])

    assert code == EXIT_TEMPFAIL
    assert capsys.readouterr().err == "mailrep: 2 tenants exist; name one with --tenant\n"


def test_ingest_server_without_key_fails(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MAILREP_API_KEY", raising=False)
    get_settings.cache_clear()

    code = main(["ingest", "-", "--server", "http://127.0.0.1:9"])

    assert code == EXIT_TEMPFAIL
    assert "MAILREP_API_KEY" in capsys.readouterr().err


def test_reparse_prints_summary(
    tenant: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.eml"
    path.write_bytes(make_dsn("a@example.org"))
    main(["ingest", str(path)])
    capsys.readouterr()

    code = main(["reparse", "--tenant", tenant])

    assert code == 0
    assert capsys.readouterr().out == ("reparsed 1, changed 0, suppressions added 0, lifted 0\n")


def test_reparse_unknown_tenant_fails(tenant: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["reparse", "--tenant", "nobody"])

    assert code == 1
    assert capsys.readouterr().err == "mailrep: tenant 'nobody' not found\n"


def test_ingest_server_unreachable_is_tempfail(
    cli_env: dict[str, str],
    free_port: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An MTA piping a bounce in defers and retries on exit code 75 (EX_TEMPFAIL)."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(make_dsn("a@example.org"))))
    server = f"http://127.0.0.1:{free_port}"

    code = main(["ingest", "-", "--server", server, "--api-key", "mr_x"])
    captured = capsys.readouterr()

    assert code == EXIT_TEMPFAIL
    assert "request failed" in captured.err
    assert captured.out.strip().endswith("errors 1")


def test_ingest_database_unreachable_is_tempfail(
    cli_env: dict[str, str],
    free_port: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port}/none?connect_timeout=2"
    monkeypatch.setenv("MAILREP_DATABASE_URL", url)
    get_settings.cache_clear()

    code = main(["ingest", "-"])

    assert code == EXIT_TEMPFAIL
    assert capsys.readouterr().err.startswith(
        "mailrep: database error on the PostgreSQL database none on 127.0.0.1:"
    )


def test_ingest_missing_database_is_tempfail(
    cli_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A CLI run from the wrong directory must not create an empty database there."""
    path = tmp_path / "absent.db"
    monkeypatch.setenv("MAILREP_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()

    code = main(["ingest", "-"])

    assert code == EXIT_TEMPFAIL
    assert f"no database at {path}" in capsys.readouterr().err
    assert not path.exists()


def test_ingest_database_not_migrated_is_tempfail(
    cli_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    monkeypatch.setenv("MAILREP_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()

    code = main(["ingest", "-"])

    assert code == EXIT_TEMPFAIL
    assert capsys.readouterr().err == (
        f"mailrep: the SQLite database {path} has no mailrep tables or an old schema; "
        "run `mailrep db upgrade`\n"
    )


def test_ingest_terminal_shows_progress_on_stderr(
    tenant: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.eml"
    path.write_bytes(make_dsn("a@example.org"))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)

    main(["ingest", str(path)])
    captured = capsys.readouterr()

    assert "ingest: " in captured.err
    assert "1msg" in captured.err.replace(" ", "")
    assert captured.out.strip().startswith("read 1, new 1,")


class _KeyRecorder(BaseHTTPRequestHandler):
    """Answers `POST /v1/messages` like mailrep and records each Authorization header."""

    seen: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append(self.headers["Authorization"])
        status, body = (
            201,
            json.dumps({"duplicate": False, "kind": "delivery_status", "actions": []}),
        )
        if self.headers["Authorization"] == "Bearer mr_revoked":
            status, body = 401, json.dumps({"type": "x/unauthorized", "detail": "Invalid key."})
        elif "stream=nope" in self.path:
            status, body = 422, json.dumps({"type": "x/unknown-stream", "detail": "No stream."})
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def key_server() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server; yields its URL and the Authorization headers it received."""
    seen: ClassVar[list[str]] = []
    handler = type("Handler", (_KeyRecorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.parametrize("source", ["environment", "file", "option"])
def test_ingest_server_key_sources_are_sent(
    cli_env: dict[str, str],
    key_server: tuple[str, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    source: str,
) -> None:
    url, seen = key_server
    message = tmp_path / "a.eml"
    message.write_bytes(make_dsn("a@example.org"))
    command = ["ingest", str(message), "--server", url]
    if source == "environment":
        monkeypatch.setenv("MAILREP_API_KEY", "mr_from_env")
        get_settings.cache_clear()
    elif source == "file":
        key_file = tmp_path / "key"
        key_file.write_text("mr_from_file\n")
        command += ["--api-key-file", str(key_file)]
    else:
        command += ["--api-key", "mr_from_option"]

    code = main(command)

    assert code == 0, capsys.readouterr().err
    expected = {"environment": "mr_from_env", "file": "mr_from_file", "option": "mr_from_option"}
    assert seen == [f"Bearer {expected[source]}"]


def test_ingest_server_key_file_beats_environment(
    cli_env: dict[str, str],
    key_server: tuple[str, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, seen = key_server
    monkeypatch.setenv("MAILREP_API_KEY", "mr_from_env")
    get_settings.cache_clear()
    key_file = tmp_path / "key"
    key_file.write_text("mr_from_file\n")
    message = tmp_path / "a.eml"
    message.write_bytes(make_dsn("a@example.org"))

    code = main(["ingest", str(message), "--server", url, "--api-key-file", str(key_file)])

    assert code == 0
    assert seen == ["Bearer mr_from_file"]


@pytest.mark.parametrize("content", ["", "\n  \n"])
def test_ingest_server_empty_key_file_fails(
    cli_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    key_file = tmp_path / "key"
    key_file.write_text(content)

    code = main(["ingest", "-", "--server", "http://127.0.0.1:9", "--api-key-file", str(key_file)])

    assert code == EXIT_TEMPFAIL
    assert "is empty" in capsys.readouterr().err


def test_ingest_server_missing_key_file_fails(
    cli_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "absent"

    code = main(["ingest", "-", "--server", "http://127.0.0.1:9", "--api-key-file", str(missing)])

    assert code == EXIT_TEMPFAIL
    assert "cannot read --api-key-file" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (["--api-key", "mr_revoked"], "server rejected the API key: Invalid key."),
        (["--api-key", "mr_x", "--stream", "nope"], "server rejected --stream: No stream."),
        (["--api-key", "mr_x", "--server", "notaurl"], "invalid --server URL 'notaurl'"),
    ],
)
def test_ingest_server_configuration_error_is_tempfail(
    cli_env: dict[str, str],
    key_server: tuple[str, list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    error: str,
) -> None:
    """The MTA must keep a bounce that a misconfigured pipe could not store."""
    url, _ = key_server
    message = tmp_path / "a.eml"
    message.write_bytes(make_dsn("a@example.org"))

    code = main(["ingest", str(message), "--server", url, *options])
    captured = capsys.readouterr()

    assert code == EXIT_TEMPFAIL
    assert error in captured.err
    assert "new 0" not in captured.out
