"""The `/v1` routers, one module per resource; `create_app` includes them in this order."""

from __future__ import annotations

from fastapi import APIRouter

ROUTERS: tuple[APIRouter, ...] = ()
