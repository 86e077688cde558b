"""Resolve a bearer token to the tenant and scope it acts with."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.deps import Principal
from reputation.clock import Clock
from reputation.errors import AuthenticationError


def authenticate_key(session: Session, token: str, clock: Clock) -> Principal:
    raise AuthenticationError("not wired")
