"""`mailrep db upgrade` and `mailrep serve`; the last test runs real `mailrep` processes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect

from api.cli import main
from api.cli._common import EXIT_TEMPFAIL, CommandError
from api.cli.serve import _prepare_schema
from reputation.db import create_db_engine, upgrade_database
from tests.api.cli_support import cli_env
from tests.api.samples import make_dsn

__all__ = ["cli_env"]

MAILREP = Path(sys.executable).parent / "mailrep"


def _tables(url: str) -> set[str]:
    engine = create_db_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_db_upgrade_creates_schema(
    cli_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("MAILREP_DATABASE_URL", url)

    code = main(["db", "upgrade"])

    assert code == 0
    assert "latest revision" in capsys.readouterr().out
    assert {"tenants", "suppressions", "alembic_version"} <= _tables(url)


def test_prepare_schema_empty_database_is_upgraded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"

    _prepare_schema(url)

    assert "suppressions" in _tables(url)


def test_prepare_schema_old_revision_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade_database(url, "0001")

    with pytest.raises(CommandError, match="run `mailrep db upgrade`"):
        _prepare_schema(url)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def process_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILREP_")}
    env["MAILREP_DATA_DIR"] = str(tmp_path / "data")
    env["MAILREP_LOG_FORMAT"] = "json"
    return env


def _run(
    env: dict[str, str], *args: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(MAILREP), *args], env=env, input=stdin, capture_output=True, timeout=60, check=False
    )


@pytest.fixture
def server(process_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(MAILREP), "serve", "--port", str(port)],
            env=process_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base, process, log_path)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_ready(base: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"mailrep serve exited: {log_path.read_text()}")
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("mailrep serve did not become ready in 30 s")


def test_mailrep_processes_serve_and_ingest_over_http(
    server: str, process_env: dict[str, str]
) -> None:
    """A fresh data dir: serve migrates it, the CLI provisions a key, an MTA pipes bounces in."""
    assert _run(process_env, "tenant", "create", "acme").returncode == 0
    created = _run(process_env, "apikey", "create", "--tenant", "acme", "--scope", "write")
    key = created.stdout.decode().strip()
    mbox = b"".join(
        b"From MAILER-DAEMON Mon Mar  2 09:30:00 2026\n" + make_dsn(f"u{i}@example.org") + b"\n"
        for i in range(3)
    )

    ingested = _run(process_env, "ingest", "-", "--server", server, "--api-key", key, stdin=mbox)
    again = _run(process_env, "ingest", "-", "--server", server, "--api-key", key, stdin=mbox)
    listing = httpx.get(
        f"{server}/v1/suppressions", headers={"Authorization": f"Bearer {key}"}
    ).json()

    assert created.returncode == 0
    assert key.startswith("mr_")
    assert ingested.returncode == 0, ingested.stderr
    assert ingested.stdout.decode().strip() == (
        "read 3, new 3, duplicates 0, suppressed 3, unparseable 0, errors 0"
    )
    assert again.stdout.decode().strip().startswith("read 3, new 0, duplicates 3,")
    assert len(listing["items"]) == 3


def test_mailrep_serve_logs_json_lines_only(server: str, tmp_path: Path) -> None:
    """The migrations of the fresh database log through the same JSON renderer as the app."""
    written = (tmp_path / "serve.log").read_text(encoding="utf-8")
    complete = written[: written.rfind("\n") + 1].splitlines()

    records = [json.loads(line) for line in complete]  # fails on any plain-text line
    assert "alembic.runtime.migration" in {record.get("logger") for record in records}


def test_mailrep_process_bad_key_stops_ingest(server: str, process_env: dict[str, str]) -> None:
    """A pipe with a wrong key must make the MTA keep the bounce: EX_TEMPFAIL."""
    result = _run(
        process_env,
        "ingest",
        "-",
        "--server",
        server,
        "--api-key",
        "wrong",
        stdin=make_dsn("a@example.org"),
    )

    assert result.returncode == EXIT_TEMPFAIL
    assert b"server rejected the API key" in result.stderr
