"""Running `mailrep` commands in-process with settings taken from a test's environment."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

import api.cli._common
from reputation.settings import get_settings


def _log_to_stderr(**_: object) -> None:
    # The real configure_logging caches loggers on first use, which would keep
    # `structlog.testing.capture_logs` from seeing them in later tests.
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(sys.stderr))


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Point the settings at a temporary data directory; tests add a database URL."""
    env = {"MAILREP_DATA_DIR": str(tmp_path / "data"), "MAILREP_LOG_FORMAT": "json"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(api.cli._common, "configure_logging", _log_to_stderr)
    get_settings.cache_clear()
    yield env
    get_settings.cache_clear()
    structlog.reset_defaults()


@pytest.fixture
def cli_db(cli_env: dict[str, str], db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Settings on the migrated test database; returns its URL."""
    monkeypatch.setenv("MAILREP_DATABASE_URL", db_url)
    cli_env["MAILREP_DATABASE_URL"] = db_url
    get_settings.cache_clear()
    return db_url
