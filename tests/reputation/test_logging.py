"""Logging setup: JSON lines with bound context, debug details filtered by level."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from reputation.logging import configure_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()
    root.handlers, root.level = handlers, level


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
