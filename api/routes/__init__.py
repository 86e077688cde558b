"""The `/v1` routers, one module per resource; `create_app` includes them in this order."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import (
    contacts,
    deliveries,
    domains,
    messages,
    reputation,
    send_check,
    sends,
    suppressions,
    tenant,
)

ROUTERS: tuple[APIRouter, ...] = (
    messages.router,
    suppressions.router,
    contacts.router,
    send_check.router,
    tenant.router,
    domains.router,
    reputation.router,
    sends.router,
    deliveries.router,
)
