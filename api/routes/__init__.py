"""The `/v1` routers, one module per resource; `create_app` includes them in this order."""

from __future__ import annotations

from fastapi import APIRouter

from api.routes import messages, tenant

ROUTERS: tuple[APIRouter, ...] = (messages.router, tenant.router)
