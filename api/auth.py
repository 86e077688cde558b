"""Resolve a bearer token to the tenant and scope it acts with."""

from __future__ import annotations

from sqlalchemy.orm import Session

from api.deps import Principal, highest_scope
from reputation.clock import Clock
from reputation.errors import AuthenticationError
from reputation.tenants import authenticate_api_key


def authenticate_key(session: Session, token: str, clock: Clock) -> Principal:
    """Return the principal for `token`.

    Raises:
        AuthenticationError: the key is malformed, unknown or revoked.
    """
    granted = authenticate_api_key(session, plaintext=token, clock=clock)
    if not granted.scopes:
        raise AuthenticationError(f"API key {granted.key.prefix} has no scope")
    return Principal(
        tenant=granted.tenant, key_prefix=granted.key.prefix, scope=highest_scope(granted.scopes)
    )
