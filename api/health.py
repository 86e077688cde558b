"""Liveness and readiness probes; neither needs an API key."""

from __future__ import annotations

import structlog
from fastapi import APIRouter
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.deps import EngineDep
from api.errors import ServiceUnavailable

router = APIRouter(tags=["health"])
log = structlog.get_logger(__name__)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Report that the process is alive; touches nothing else."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "The database is unreachable."}})
def readyz(engine: EngineDep) -> dict[str, str]:
    """Report ready when the database runs `SELECT 1`."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("readiness_check_failed", error=type(exc).__name__)
        raise ServiceUnavailable("The database is unreachable.") from exc
    return {"status": "ready"}
