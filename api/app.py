"""The FastAPI application factory: wiring only, no request logic."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import Response
from sqlalchemy import Engine

from api.deps import session_slots
from api.docs import install_docs
from api.errors import V1_ERROR_RESPONSES, install_error_handlers
from api.health import router as health_router
from api.middleware import RequestContextMiddleware
from api.routes import ROUTERS
from api.routes.reputation import build_scoring_setup
from reputation.clock import Clock, SystemClock
from reputation.db import create_db_engine, create_session_factory
from reputation.metrics import register_state_source, render_metrics
from reputation.monitoring.scheduler import start_monitor_scheduler
from reputation.scoring.metrics_state import make_state_source
from reputation.settings import Settings, get_settings


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, engine: Engine | None = None
) -> FastAPI:
    """Build the mailrep REST application over the database that `settings` names.

    The schema must already be current (`mailrep db upgrade`, or `mailrep serve`, which
    upgrades first); the app never migrates on its own. A caller that passes `engine`
    (tests share one per database) keeps ownership of it, and shutdown leaves it open.
    """
    settings = settings or get_settings()
    owns_engine = engine is None
    engine = engine or create_db_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        monitor = start_monitor_scheduler(
            settings, engine, app.state.session_factory, app.state.clock
        )
        # /metrics reads deployment-wide state (scores, listings, totals) at each scrape.
        weights = build_scoring_setup(settings).zone_weights
        register_state_source(make_state_source(app.state.session_factory, weights))
        yield
        register_state_source(None)
        if monitor is not None:
            await monitor.shutdown()
        if owns_engine:
            engine.dispose()

    app = FastAPI(
        title="mailrep",
        summary="Bounces, complaints, suppressions and pre-send checks for one sending domain.",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = create_session_factory(engine)
    # Bounds concurrent request sessions to what the database can serve (see deps).
    app.state.session_slots = session_slots(engine)
    app.state.clock = clock or SystemClock()

    install_error_handlers(app)
    install_docs(app)
    app.add_middleware(RequestContextMiddleware)
    app.include_router(health_router)
    app.add_api_route("/metrics", _metrics, methods=["GET"], include_in_schema=False)
    for router in ROUTERS:
        app.include_router(router, prefix="/v1", responses=V1_ERROR_RESPONSES)
    return app


def _metrics() -> Response:
    body, content_type = render_metrics()
    return Response(body, media_type=content_type)
