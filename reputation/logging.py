"""structlog configuration: JSON lines in production, coloured console output in a terminal.

Context bound with `structlog.contextvars.bind_contextvars` (request_id,
job_run_id, tenant_id) is merged into every event. The standard library's
loggers (uvicorn, SQLAlchemy, Alembic, APScheduler) are routed through the same
renderer, so in json mode every line on stderr is one JSON object. APScheduler logs
three info lines per job run, so its logger stays at warning unless the level is debug.
Email addresses are logged only at debug level, which production does not enable.
"""

from __future__ import annotations

import logging
import sys
from typing import Literal

import structlog
from structlog.typing import Processor

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}


def configure_logging(*, log_format: Literal["console", "json"], log_level: str = "info") -> None:
    """Configure structlog and the standard library's root logger; safe to call again."""
    level = _LEVELS.get(log_level.lower(), logging.INFO)
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(level),
        # Not cached, so structlog.testing.capture_logs keeps working after this call.
        cache_logger_on_first_use=False,
    )

    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    quiet_level = level if level == logging.DEBUG else max(level, logging.WARNING)
    logging.getLogger("apscheduler").setLevel(quiet_level)
