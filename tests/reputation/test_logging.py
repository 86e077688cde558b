"""Logging setup: JSON lines with bound context, debug details filtered by level."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from reputation.db import upgrade_database
from reputation.logging import configure_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    apscheduler = logging.getLogger("apscheduler")
    apscheduler_level = apscheduler.level
    yield
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()
    root.handlers, root.level = handlers, level
    apscheduler.setLevel(apscheduler_level)


def test_configure_logging_json_has_context_and_drops_debug(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(log_format="json", log_level="info")
    structlog.contextvars.bind_contextvars(request_id="r-1")
    log = structlog.get_logger("test")
    log.debug("suppression_address", address="jan@example.com")
    log.info("suppression_added", tenant_id=3)

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [line["event"] for line in lines] == ["suppression_added"]
    assert lines[0]["request_id"] == "r-1"
    assert lines[0]["level"] == "info"
    assert "jan@example.com" not in json.dumps(lines)


def test_configure_logging_routes_stdlib_loggers(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(log_format="json", log_level="warning")
    logging.getLogger("uvicorn.error").warning("port in use")

    line = json.loads(capsys.readouterr().err.splitlines()[-1])
    assert (line["event"], line["level"], line["logger"]) == (
        "port in use",
        "warning",
        "uvicorn.error",
    )


def test_configure_logging_apscheduler_info_dropped(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(log_format="json", log_level="info")
    scheduler_log = logging.getLogger("apscheduler.executors.default")
    scheduler_log.info('Running job "tick" (scheduled at 2026-03-02 09:30:00+00:00)')
    scheduler_log.warning('Run time of job "tick" was missed by 0:00:05')

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(line["level"], line["logger"]) for line in lines] == [
        ("warning", "apscheduler.executors.default")
    ]


def test_configure_logging_debug_keeps_apscheduler_info(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(log_format="json", log_level="debug")
    logging.getLogger("apscheduler.scheduler").info("Scheduler started")

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [line["event"] for line in lines] == ["Scheduler started"]


def test_configure_logging_alembic_migrations_log_json(
    restore_logging: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(log_format="json", log_level="info")

    upgrade_database(f"sqlite:///{tmp_path / 'fresh.db'}")

    lines = capsys.readouterr().err.splitlines()
    assert lines, "the migrations logged nothing"
    records = [json.loads(line) for line in lines]  # fails on any plain-text line
    assert "alembic.runtime.migration" in {record["logger"] for record in records}
    assert all(record["logger"].startswith("alembic.") for record in records)
