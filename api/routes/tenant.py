"""`/v1/tenant` and `/v1/streams`: the calling tenant's own settings.

Reading needs the read scope; every change needs admin, because it alters what the
policy does for all of the tenant's mail.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Body
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

from api.deps import AdminKey, ClockDep, Principal, ReadKey, SessionDep
from api.errors import InvalidRequest
from reputation.audit import record_audit
from reputation.models import ComplaintScope, Language, Tenant
from reputation.tenants import add_stream, list_streams

router = APIRouter(tags=["tenant"])
_REQUIRED_FIELDS = frozenset({"language", "default_stream", "complaint_scope"})


class TenantOut(BaseModel):
    name: str
    language: Language
    default_stream: str
    complaint_scope: ComplaintScope
    webhook_url: str | None
    has_webhook_secret: bool = Field(description="The secret itself is shown only on rotation.")
    streams: list[str]
    webhook_secret: str | None = Field(
        default=None, description="The new secret, present only in the response that rotated it."
    )


class TenantPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Language | None = None
    default_stream: str | None = None
    complaint_scope: ComplaintScope | None = None
    webhook_url: AnyHttpUrl | None = Field(default=None, description="`null` removes it.")
    rotate_webhook_secret: bool = False


class StreamIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, examples=["invoices"])


def _tenant_out(session: SessionDep, tenant: Tenant, new_secret: str | None = None) -> TenantOut:
    return TenantOut(
        name=tenant.name,
        language=Language(tenant.language),
        default_stream=tenant.default_stream,
        complaint_scope=ComplaintScope(tenant.complaint_scope),
        webhook_url=tenant.webhook_url,
        has_webhook_secret=tenant.webhook_secret is not None,
        streams=list_streams(session, tenant=tenant),
        webhook_secret=new_secret,
    )


@router.get("/tenant")
def get_tenant_settings(principal: ReadKey, session: SessionDep) -> TenantOut:
    """Return the calling tenant's settings and streams."""
    return _tenant_out(session, principal.tenant)


@router.patch("/tenant")
def update_tenant_settings(
    principal: AdminKey,
    session: SessionDep,
    clock: ClockDep,
    patch: Annotated[TenantPatch, Body()],
) -> TenantOut:
    """Change the given settings; `rotate_webhook_secret` returns the new secret once."""
    tenant = principal.tenant
    changes = patch.model_dump(exclude_unset=True, exclude={"rotate_webhook_secret"})
    required = sorted(
        name for name in _REQUIRED_FIELDS if name in changes and changes[name] is None
    )
    if required:
        raise InvalidRequest(f"{', '.join(required)} cannot be null.")
    if "default_stream" in changes:
        _require_stream(session, tenant, changes["default_stream"])
    if "webhook_url" in changes and changes["webhook_url"] is not None:
        changes["webhook_url"] = str(changes["webhook_url"])
    for field, value in changes.items():
        setattr(tenant, field, value)

    new_secret = secrets.token_urlsafe(32) if patch.rotate_webhook_secret else None
    if new_secret is not None:
        tenant.webhook_secret = new_secret
    _audit(session, principal, clock, "tenant_updated", sorted(changes), new_secret is not None)
    return _tenant_out(session, tenant, new_secret)


@router.post("/streams", status_code=201)
def create_stream(
    principal: AdminKey, session: SessionDep, clock: ClockDep, stream: StreamIn
) -> TenantOut:
    """Add a mail stream to the calling tenant."""
    try:
        add_stream(session, tenant=principal.tenant, name=stream.name)
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from exc
    _audit(session, principal, clock, "stream_added", [stream.name], False)
    return _tenant_out(session, principal.tenant)


def _require_stream(session: SessionDep, tenant: Tenant, name: str | None) -> None:
    if name is None or name not in list_streams(session, tenant=tenant):
        raise InvalidRequest(f"default_stream {name!r} is not one of the tenant's streams.")


def _audit(
    session: SessionDep,
    principal: Principal,
    clock: ClockDep,
    action: str,
    fields: list[str],
    rotated: bool,
) -> None:
    record_audit(
        session,
        tenant_id=principal.tenant.id,
        actor=principal.actor,
        action=action,
        clock=clock,
        detail={"fields": fields, "webhook_secret_rotated": rotated},
    )
