"""Tenants, streams and API keys."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from reputation.errors import AuthenticationError, ConflictError, NotFoundError
from reputation.models import ApiKey, ApiScope, Tenant
from reputation.tenants import (
    add_stream,
    authenticate_api_key,
    create_api_key,
    create_tenant,
    get_tenant,
    list_api_keys,
    list_streams,
    revoke_api_key,
)
from tests.conftest import FixedClock


def test_create_tenant_has_default_streams(session: Session, tenant: Tenant) -> None:
    assert list_streams(session, tenant=tenant) == ["marketing", "transactional"]
    assert get_tenant(session, name="acme").id == tenant.id


def test_create_tenant_duplicate_name_raises(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    with pytest.raises(ConflictError):
        create_tenant(session, name="acme", clock=clock)


def test_create_tenant_invalid_language_raises(session: Session, clock: FixedClock) -> None:
    with pytest.raises(ValueError, match="de"):
        create_tenant(session, name="beta", clock=clock, language="de")


@pytest.mark.parametrize("name", ["bad name!", "", "-acme", ".acme", "acme/x", "a" * 64, "żabka"])
def test_create_tenant_invalid_name_raises(session: Session, clock: FixedClock, name: str) -> None:
    with pytest.raises(ValueError, match="letters, digits"):
        create_tenant(session, name=name, clock=clock)

    assert session.scalar(select(Tenant.id)) is None


@pytest.mark.parametrize("name", ["a", "Acme", "acme-pl.2026_eu", "a" * 63])
def test_create_tenant_valid_name_accepted(session: Session, clock: FixedClock, name: str) -> None:
    assert create_tenant(session, name=name, clock=clock).name == name


@pytest.mark.parametrize(
    ("url", "secret", "problem"),
    [
        ("ftp://hooks.example.com/", None, "http"),
        ("https://hooks.example.com/", "changeme", "placeholder"),
    ],
)
def test_create_tenant_bad_webhook_raises(
    session: Session, clock: FixedClock, url: str, secret: str | None, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        create_tenant(session, name="beta", clock=clock, webhook_url=url, webhook_secret=secret)


def test_get_tenant_unknown_raises(session: Session) -> None:
    with pytest.raises(NotFoundError):
        get_tenant(session, name="nobody")


def test_add_stream_then_duplicate_raises(session: Session, tenant: Tenant) -> None:
    add_stream(session, tenant=tenant, name="reminders")
    assert "reminders" in list_streams(session, tenant=tenant)
    with pytest.raises(ConflictError):
        add_stream(session, tenant=tenant, name="reminders")


@pytest.mark.parametrize("name", ["*", "Upper", "", "with space"])
def test_add_stream_bad_name_raises(session: Session, tenant: Tenant, name: str) -> None:
    with pytest.raises(ValueError):
        add_stream(session, tenant=tenant, name=name)


def test_create_api_key_stores_only_hash(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    created = create_api_key(session, tenant=tenant, scopes=["read", "write"], clock=clock)

    assert created.plaintext.startswith(f"mr_{created.key.prefix}_")
    stored = session.scalars(select(ApiKey)).one()
    assert created.plaintext not in (stored.secret_sha256, stored.prefix)
    assert stored.scopes == ["read", "write"]


def test_authenticate_api_key_returns_tenant_and_scopes(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    created = create_api_key(session, tenant=tenant, scopes=[ApiScope.ADMIN], clock=clock)
    auth = authenticate_api_key(session, plaintext=created.plaintext, clock=clock)

    assert auth.tenant.id == tenant.id
    assert auth.scopes == frozenset({ApiScope.ADMIN})
    assert auth.key.last_used_at == clock.now()


def test_authenticate_api_key_last_used_written_once_a_minute(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    created = create_api_key(session, tenant=tenant, scopes=["read"], clock=clock)
    first = clock.now()
    authenticate_api_key(session, plaintext=created.plaintext, clock=clock)
    clock.advance(seconds=30)
    auth = authenticate_api_key(session, plaintext=created.plaintext, clock=clock)
    assert auth.key.last_used_at == first
    clock.advance(seconds=31)
    auth = authenticate_api_key(session, plaintext=created.plaintext, clock=clock)
    assert auth.key.last_used_at == clock.now()


@pytest.mark.parametrize("mangle", ["", "garbage", "mr_00000000_" + "a" * 43])
def test_authenticate_api_key_bad_key_raises(
    session: Session, tenant: Tenant, clock: FixedClock, mangle: str
) -> None:
    create_api_key(session, tenant=tenant, scopes=["read"], clock=clock)
    with pytest.raises(AuthenticationError):
        authenticate_api_key(session, plaintext=mangle, clock=clock)


def test_authenticate_api_key_wrong_secret_raises(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    created = create_api_key(session, tenant=tenant, scopes=["read"], clock=clock)
    forged = created.plaintext[:-4] + ("AAAA" if not created.plaintext.endswith("AAAA") else "BBBB")
    with pytest.raises(AuthenticationError):
        authenticate_api_key(session, plaintext=forged, clock=clock)


def test_revoke_api_key_then_authenticate_raises(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    created = create_api_key(session, tenant=tenant, scopes=["read"], clock=clock)
    revoke_api_key(session, tenant=tenant, prefix=created.key.prefix, clock=clock)

    with pytest.raises(AuthenticationError, match="revoked"):
        authenticate_api_key(session, plaintext=created.plaintext, clock=clock)
    assert list_api_keys(session, tenant=tenant)[0].revoked_at == clock.now()


def test_revoke_api_key_of_other_tenant_raises(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    other = create_tenant(session, name="other", clock=clock)
    created = create_api_key(session, tenant=other, scopes=["read"], clock=clock)
    with pytest.raises(NotFoundError):
        revoke_api_key(session, tenant=tenant, prefix=created.key.prefix, clock=clock)


def test_create_api_key_without_scope_raises(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    with pytest.raises(ValueError, match="scope"):
        create_api_key(session, tenant=tenant, scopes=[], clock=clock)
