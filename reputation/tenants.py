"""Tenants, their streams and their API keys: creation, lookup, authentication, revocation.

An API key reads `mr_<prefix>_<secret>`. The prefix is stored in clear, so
listings and audit events can name a key. Of the secret, only the SHA-256 of the
whole key is stored, so `create_api_key` returns the plaintext once and never again.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from reputation.clock import Clock
from reputation.errors import AuthenticationError, ConflictError, NotFoundError
from reputation.models import (
    DEFAULT_STREAMS,
    ApiKey,
    ApiScope,
    ComplaintScope,
    Language,
    Stream,
    Tenant,
)
from reputation.settings import is_placeholder_secret

KEY_PREFIX = "mr"
_KEY_PATTERN = re.compile(r"mr_([a-z0-9]{8})_([A-Za-z0-9_-]{32,})")
_STREAM_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
# Tenant names appear in URLs, metric labels, CLI arguments and file names.
_TENANT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}")
#: `last_used_at` is written at most this often, so authentication rarely writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class CreatedApiKey:
    """A new API key: the stored row and the plaintext, which is not stored anywhere."""

    key: ApiKey
    plaintext: str


@dataclass(frozen=True, slots=True)
class AuthenticatedKey:
    """The tenant and scopes a valid API key grants."""

    tenant: Tenant
    key: ApiKey
    scopes: frozenset[ApiScope]


def create_tenant(
    session: Session,
    *,
    name: str,
    clock: Clock,
    language: Language | str = Language.EN,
    default_stream: str = DEFAULT_STREAMS[0],
    complaint_scope: ComplaintScope | str = ComplaintScope.STREAM,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
) -> Tenant:
    """Create a tenant with the `transactional` and `marketing` streams.

    Raises:
        ConflictError: a tenant with this name exists.
        ValueError: the name, language, complaint scope, default stream name, webhook
            URL or webhook secret is invalid.
    """
    _check_tenant_name(name)
    language = Language(language)
    complaint_scope = ComplaintScope(complaint_scope)
    _check_stream_name(default_stream)
    _check_webhook(webhook_url, webhook_secret)
    if session.scalar(select(Tenant.id).where(Tenant.name == name)) is not None:
        raise ConflictError("tenant", name)

    tenant = Tenant(
        name=name,
        language=language.value,
        default_stream=default_stream,
        complaint_scope=complaint_scope.value,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        created_at=clock.now(),
    )
    names = dict.fromkeys((*DEFAULT_STREAMS, default_stream))
    tenant.streams = [Stream(name=stream) for stream in names]
    session.add(tenant)
    session.flush()
    return tenant


def get_tenant(session: Session, *, name: str) -> Tenant:
    """Return the tenant called `name`.

    Raises:
        NotFoundError: no such tenant.
    """
    tenant = session.scalar(select(Tenant).where(Tenant.name == name))
    if tenant is None:
        raise NotFoundError("tenant", name)
    return tenant


def list_tenants(session: Session) -> list[Tenant]:
    """Return every tenant, by name."""
    return list(session.scalars(select(Tenant).order_by(Tenant.name)))


def list_streams(session: Session, *, tenant: Tenant) -> list[str]:
    """Return the names of the tenant's streams, sorted."""
    query = select(Stream.name).where(Stream.tenant_id == tenant.id).order_by(Stream.name)
    return list(session.scalars(query))


def add_stream(session: Session, *, tenant: Tenant, name: str) -> Stream:
    """Add a stream to the tenant.

    Raises:
        ConflictError: the tenant has this stream already.
        ValueError: the name is not lower-case letters, digits, `_`, `.` or `-`.
    """
    _check_stream_name(name)
    if name in list_streams(session, tenant=tenant):
        raise ConflictError("stream", name)
    stream = Stream(tenant_id=tenant.id, name=name)
    session.add(stream)
    session.flush()
    return stream


def _check_webhook(url: str | None, secret: str | None) -> None:
    if url is not None and not url.startswith(("http://", "https://")):
        raise ValueError(f"webhook URL {url!r} must start with http:// or https://")
    if secret is not None and is_placeholder_secret(secret):
        raise ValueError("webhook secret is a placeholder; generate a random secret")


def _check_tenant_name(name: str) -> None:
    if not _TENANT_NAME.fullmatch(name):
        raise ValueError(
            f"tenant name {name!r} must be 1 to 63 letters, digits, '.', '_' or '-',"
            f" starting with a letter or digit ({_TENANT_NAME.pattern})"
        )


def _check_stream_name(name: str) -> None:
    if not _STREAM_NAME.fullmatch(name) or name == "*":
        raise ValueError(f"stream name {name!r} must match {_STREAM_NAME.pattern}")


def create_api_key(
    session: Session,
    *,
    tenant: Tenant,
    scopes: Iterable[ApiScope | str],
    clock: Clock,
    name: str | None = None,
) -> CreatedApiKey:
    """Create an API key for the tenant and return its plaintext once.

    Raises:
        ValueError: no scope given, or a scope is not read, write or admin.
    """
    scope_values = sorted({ApiScope(scope).value for scope in scopes})
    if not scope_values:
        raise ValueError("an API key needs at least one scope: read, write or admin")

    prefix = secrets.token_hex(4)
    plaintext = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        tenant_id=tenant.id,
        prefix=prefix,
        secret_sha256=_hash_key(plaintext),
        scopes=scope_values,
        name=name,
        created_at=clock.now(),
    )
    session.add(key)
    session.flush()
    return CreatedApiKey(key=key, plaintext=plaintext)


def authenticate_api_key(session: Session, *, plaintext: str, clock: Clock) -> AuthenticatedKey:
    """Check an API key and return what it grants; updates `last_used_at` at most once a minute.

    Raises:
        AuthenticationError: the key is malformed, unknown or revoked.
    """
    match = _KEY_PATTERN.fullmatch(plaintext.strip())
    if match is None:
        raise AuthenticationError("malformed API key")
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == match[1]))
    # Compare even when the prefix is unknown, so timing does not reveal valid prefixes.
    stored_hash = key.secret_sha256 if key is not None else "0" * 64
    is_match = hmac.compare_digest(stored_hash, _hash_key(plaintext.strip()))
    if key is None or not is_match:
        raise AuthenticationError("unknown API key")
    if key.revoked_at is not None:
        raise AuthenticationError(f"API key {key.prefix} is revoked")

    now = clock.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        key.last_used_at = now
    return AuthenticatedKey(
        tenant=key.tenant, key=key, scopes=frozenset(ApiScope(s) for s in key.scopes)
    )


def list_api_keys(session: Session, *, tenant: Tenant) -> list[ApiKey]:
    """Return the tenant's API keys, revoked ones included, oldest first."""
    query = select(ApiKey).where(ApiKey.tenant_id == tenant.id).order_by(ApiKey.id)
    return list(session.scalars(query))


def revoke_api_key(session: Session, *, tenant: Tenant, prefix: str, clock: Clock) -> ApiKey:
    """Revoke the tenant's key with this prefix; revoking twice keeps the first time.

    Raises:
        NotFoundError: the tenant has no key with this prefix.
    """
    query = select(ApiKey).where(ApiKey.tenant_id == tenant.id, ApiKey.prefix == prefix)
    key = session.scalar(query)
    if key is None:
        raise NotFoundError("API key", prefix)
    if key.revoked_at is None:
        key.revoked_at = clock.now()
    return key


def _hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()
