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
from starlette.concurrency import run_in_threadpool

from api.errors import Forbidden, Unauthorized
from reputation.clock import Clock
from reputation.errors import AuthenticationError
from reputation.models import ApiScope, Tenant
from reputation.settings import Settings

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

    On SQLite the session also holds the app's `session_lock`. SQLite admits one writer
    at a time, and a transaction that read before another writer committed fails with
    "database is locked" instead of waiting, so requests take turns here. The lock is an
    asyncio lock, so waiting requests hold no worker thread that the holder needs.
    """
    lock: asyncio.Lock | None = request.app.state.session_lock
    factory: sessionmaker[Session] = request.app.state.session_factory
    async with lock or contextlib.nullcontext(), _committed_session(factory) as session:
        yield session


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
