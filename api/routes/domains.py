"""`/v1/domains`: the tenant's monitored sending domains, checks on demand, listing history.

Adding or removing a domain and checking one now need the write scope; reading needs read.
A check on demand looks the domain up in every enabled DNSBL zone before it answers,
records the run like a scheduled one, and sends any alert it raises.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import httpx
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from api.deps import ClockDep, ReadKey, SessionDep, SessionFactoryDep, SettingsDep, WriteKey
from api.errors import ServiceUnavailable
from blacklist_checks import BlacklistCheckError
from reputation.monitoring.checks import Monitor, deliver_alerts, run_domain_check
from reputation.monitoring.domains import (
    InvalidMonitorTargetError,
    add_domain,
    get_domain,
    list_domains,
    list_episodes,
    normalise_domain,
    normalise_ip,
    remove_domain,
    sending_ips,
)
from reputation.monitoring.listings import current_state
from reputation.monitoring.models import CheckTrigger, MonitoredDomain

router = APIRouter(tags=["domains"])


def get_monitor(request: Request, settings: SettingsDep) -> Monitor:
    """Return the process's `Monitor`, built from the settings on first use."""
    monitor: Monitor | None = getattr(request.app.state, "monitor", None)
    if monitor is not None:
        return monitor
    try:
        monitor = Monitor.from_settings(settings)
    except (ValueError, BlacklistCheckError) as exc:
        raise ServiceUnavailable(f"DNSBL checks are not configured: {exc}") from exc
    request.app.state.monitor = monitor
    return monitor


MonitorDep = Annotated[Monitor, Depends(get_monitor)]


class DomainIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    domain: str = Field(examples=["example.com"])
    ips: list[str] = Field(
        default_factory=list,
        max_length=256,
        description="Sending IPs to check besides those of the SPF record.",
        examples=[["192.0.2.10"]],
    )
    alert_email: str | None = Field(default=None, description="Receives listing alerts.")

    @field_validator("domain")
    @classmethod
    def _check_domain(cls, value: str) -> str:
        try:
            return normalise_domain(value)
        except InvalidMonitorTargetError as exc:
            raise ValueError(str(exc)) from exc

    @field_validator("ips")
    @classmethod
    def _check_ips(cls, values: list[str]) -> list[str]:
        try:
            return [normalise_ip(value) for value in values]
        except InvalidMonitorTargetError as exc:
            raise ValueError(str(exc)) from exc


class SendingIpOut(BaseModel):
    address: str
    sources: list[str] = Field(description="`explicit`, or the SPF mechanism that named it.")


class DomainOut(BaseModel):
    domain: str
    alert_email: str | None
    sending_ips: list[SendingIpOut] = Field(
        description="Explicit IPs, plus those the last check derived from SPF."
    )
    created_at: datetime
    last_checked_at: datetime | None
    next_check_at: datetime | None


class DomainListOut(BaseModel):
    items: list[DomainOut]


class ResultOut(BaseModel):
    target: str
    zone: str
    list_type: str
    status: str = Field(description="`listed`, `not_listed` or `unknown` (lookup failed).")
    codes: list[str]
    meanings: list[str]
    txt: list[str]
    error: str | None
    reason: str


class CheckOut(BaseModel):
    run_id: int
    domain: str
    started_at: datetime
    finished_at: datetime
    sending_ips: list[SendingIpOut]
    results: list[ResultOut]
    alerts: list[str] = Field(description="Alerts this check raised: `listed`, `delisted`.")


class TargetStateOut(BaseModel):
    target: str
    zone: str
    list_type: str
    status: str
    codes: list[str]
    txt: list[str]
    error: str | None
    checked_at: datetime
    listed_since: datetime | None = Field(description="Start of the open listing episode.")
    confirmed: bool
    confirmed_listings_this_year: int = Field(
        description="Confirmed listing episodes first seen since 1 January (UTC)."
    )


class EpisodeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    target: str
    zone: str
    first_seen: datetime
    last_seen: datetime
    confirmed_at: datetime | None
    delisted_at: datetime | None = Field(description="`null` while the listing is current.")
    listed_checks: int
    codes: list[str]
    txt: list[str]
    delist_url: str


class ListingsOut(BaseModel):
    domain: str
    current: list[TargetStateOut]
    episodes: list[EpisodeOut] = Field(description="Newest first.")


def _domain_out(session: SessionDep, row: MonitoredDomain) -> DomainOut:
    return DomainOut(
        domain=row.domain,
        alert_email=row.alert_email,
        sending_ips=[
            SendingIpOut(address=item.address, sources=list(item.sources))
            for item in sending_ips(session, monitored=row)
        ],
        created_at=row.created_at,
        last_checked_at=row.last_checked_at,
        next_check_at=row.next_check_at,
    )


@router.post("/domains", status_code=201)
def post_domain(
    principal: WriteKey, session: SessionDep, clock: ClockDep, body: DomainIn
) -> DomainOut:
    """Start monitoring a domain; 409 when the tenant already monitors it."""
    row = add_domain(
        session,
        tenant=principal.tenant,
        domain=body.domain,
        ips=body.ips,
        alert_email=body.alert_email,
        clock=clock,
    )
    return _domain_out(session, row)


@router.get("/domains")
def get_domains(principal: ReadKey, session: SessionDep) -> DomainListOut:
    """List the tenant's monitored domains by name."""
    rows = list_domains(session, tenant=principal.tenant)
    return DomainListOut(items=[_domain_out(session, row) for row in rows])


@router.get("/domains/{domain}")
def get_one_domain(principal: ReadKey, session: SessionDep, domain: str) -> DomainOut:
    """Return one monitored domain; 404 when the tenant does not monitor it."""
    return _domain_out(session, get_domain(session, tenant=principal.tenant, domain=domain))


@router.delete("/domains/{domain}", status_code=204)
def delete_domain(principal: WriteKey, session: SessionDep, domain: str) -> Response:
    """Stop monitoring a domain and delete its history; 404 when it is not monitored."""
    remove_domain(session, tenant=principal.tenant, domain=domain)
    return Response(status_code=204)


@router.post("/domains/{domain}/checks")
async def post_check(
    principal: WriteKey,
    session: SessionDep,
    factory: SessionFactoryDep,
    clock: ClockDep,
    monitor: MonitorDep,
    settings: SettingsDep,
    domain: str,
) -> CheckOut:
    """Check a monitored domain now, record the run and send the alerts it raises."""
    # The check records in its own transactions. Authentication may have written the
    # key's last use in the request session, so commit that first: on SQLite an open
    # write transaction would block the check's writes.
    session.commit()
    outcome = await run_domain_check(
        monitor,
        factory,
        clock,
        tenant_id=principal.tenant.id,
        domain=domain,
        trigger=CheckTrigger.API,
    )
    if outcome.alerts:
        with httpx.Client(timeout=settings.webhook_timeout_seconds) as http_client:
            await deliver_alerts(
                monitor.smtp,
                factory,
                clock,
                http_client,
                webhook_max_attempts=settings.webhook_max_attempts,
                zones=monitor.zones_by_name,
            )
    check = outcome.check
    return CheckOut(
        run_id=outcome.run_id,
        domain=check.domain,
        started_at=outcome.started_at,
        finished_at=outcome.finished_at,
        sending_ips=[
            SendingIpOut(address=item.address, sources=list(item.sources))
            for item in check.sending_ips.addresses
        ],
        results=[
            ResultOut(
                target=result.target,
                zone=result.zone,
                list_type=str(result.list_type),
                status=str(result.status),
                codes=list(result.codes),
                meanings=list(result.meanings),
                txt=list(result.txt),
                error=result.error,
                reason=result.reason,
            )
            for result in check.report.results
        ],
        alerts=[str(kind) for kind in outcome.alerts],
    )


@router.get("/domains/{domain}/listings")
def get_listings(
    principal: ReadKey,
    session: SessionDep,
    clock: ClockDep,
    domain: str,
    since: Annotated[
        AwareDatetime | None, Query(description="Only episodes first seen at or after this.")
    ] = None,
) -> ListingsOut:
    """Return the state per target and zone from the last check, and the listing episodes."""
    row = get_domain(session, tenant=principal.tenant, domain=domain)
    year_start = clock.now().replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    current = [
        TargetStateOut(
            target=state.target,
            zone=state.zone,
            list_type=state.list_type,
            status=state.status,
            codes=list(state.codes),
            txt=list(state.txt),
            error=state.error,
            checked_at=state.checked_at,
            listed_since=state.listed_since,
            confirmed=state.is_confirmed,
            confirmed_listings_this_year=state.confirmed_listings,
        )
        for state in current_state(session, monitored=row, counted_since=year_start)
    ]
    episodes = list_episodes(session, monitored=row, since=since)
    return ListingsOut(
        domain=row.domain,
        current=current,
        episodes=[EpisodeOut.model_validate(episode) for episode in episodes],
    )
