"""Everything a route takes from outside itself, as `Annotated[..., Depends(...)]` aliases.

`create_app` puts the settings, engine, session factory and clock on `app.state`, and the
dependencies here read them from there. Tests swap any of them with
`app.dependency_overrides` instead of patching module globals.

A route that needs an API key declares `ReadKey`, `WriteKey` or `AdminKey`: scopes are
ordered read < write < admin, and a key holding a higher scope passes a lower check.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool
from starlette.concurrency import run_in_threadpool

from api.errors import Forbidden, Unauthorized
from reputation.clock import Clock
from reputation.errors import AuthenticationError
from reputation.models import ApiScope, Tenant
from reputation.settings import Settings

# Without a queue pool each session opens its own connection; this caps them per process.
_UNPOOLED_SLOTS = 20
_SCOPE_RANK = {ApiScope.READ: 0, ApiScope.WRITE: 1, ApiScope.ADMIN: 2}


def highest_scope(scopes: Iterable[ApiScope]) -> ApiScope:
    """Return the widest of `scopes`; admin implies write, and write implies read."""
    return max(scopes, key=_SCOPE_RANK.__getitem__)


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_session_factory(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Yield one session per request: committed when the route returns, else rolled back.

    The session first takes one of the app's `session_slots`, an asyncio semaphore with
    as many slots as the request sessions may hold connections at once (see
    `session_slots`). A request session keeps its connection from the first statement
    (authentication, in a worker thread) to the commit, across awaits such as reading
    the body. Without the slots, more requests than pooled connections park worker
    threads in the pool's checkout wait, while the requests holding the connections
    need those same threads to finish: the threadpool starves until the pool timeout.
    A request waiting for a slot waits in the event loop and holds neither.
    """
    slots: asyncio.Semaphore = request.app.state.session_slots
    factory: sessionmaker[Session] = request.app.state.session_factory
    async with slots, _committed_session(factory) as session:
        yield session


def session_slots(engine: Engine) -> asyncio.Semaphore:
    """Return the semaphore that bounds concurrent request sessions on `engine`.

    SQLite admits one writer at a time, and a transaction that read before another
    writer committed fails with "database is locked" instead of waiting, so requests
    take turns (one slot). On a queue pool the slots equal its base size, so request
    sessions never wait in the pool, and its overflow stays free for sessions opened
    outside a request (scheduled jobs, streamed exports, /metrics).
    """
    if engine.dialect.name == "sqlite":
        return asyncio.Semaphore(1)
    pool = engine.pool
    size = pool.size() if isinstance(pool, QueuePool) else _UNPOOLED_SLOTS
    return asyncio.Semaphore(max(size, 1))


@contextlib.asynccontextmanager
async def _committed_session(factory: sessionmaker[Session]) -> AsyncIterator[Session]:
    session = factory()
    try:
        yield session
        await run_in_threadpool(session.commit)
    except BaseException:
        await run_in_threadpool(session.rollback)
        raise
    finally:
        await run_in_threadpool(session.close)


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
ClockDep = Annotated[Clock, Depends(get_clock)]
# "function" scope commits before the response is sent, so a failed commit is an error
# response rather than a success the client already received.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
#: For work that outlives the route call, such as a streamed export, which opens its own session.
SessionFactoryDep = Annotated[sessionmaker[Session], Depends(get_session_factory)]


@dataclass(frozen=True, slots=True)
class Principal:
    """The tenant and scope an authenticated request acts with."""

    tenant: Tenant
    key_prefix: str
    scope: ApiScope

    @property
    def actor(self) -> str:
        """Audit-trail name of the caller, e.g. `api_key:mr_ab12cd`; never the secret."""
        return f"api_key:{self.key_prefix}"


def _bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Missing API key; send `Authorization: Bearer <key>`.")
    return token.strip()


def _authenticate(request: Request, session: SessionDep, clock: ClockDep) -> Principal:
    from api.auth import authenticate_key

    token = _bearer_token(request)
    try:
        return authenticate_key(session, token, clock)
    except AuthenticationError as exc:
        raise Unauthorized("Invalid or revoked API key.") from exc


def require_scope(scope: ApiScope) -> object:
    """Return a dependency that authenticates the caller and demands `scope` or higher."""

    def check(principal: Annotated[Principal, Depends(_authenticate)]) -> Principal:
        if _SCOPE_RANK[principal.scope] < _SCOPE_RANK[scope]:
            raise Forbidden(f"This API key lacks the `{scope}` scope.")
        return principal

    return Depends(check)


ReadKey = Annotated[Principal, require_scope(ApiScope.READ)]
WriteKey = Annotated[Principal, require_scope(ApiScope.WRITE)]
AdminKey = Annotated[Principal, require_scope(ApiScope.ADMIN)]
