"""`/v1/domains/{domain}/reputation`: the score, verdict and reasons, and their history.

The domain need not be monitored, because rates come from the tenant's own bounces,
complaints and reported volume. DNS authentication is looked up at request time through
`MAILREP_DNS_SERVERS`. Without servers the DNS inputs are "not checked".
Reasons are in the language that `Accept-Language` requests (Polish or English), else
in the tenant's language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy.orm import Session

from api.deps import ClockDep, ReadKey, SessionDep, SettingsDep
from blacklist_checks import DnsPythonResolver, load_catalogue
from reputation.clock import Clock
from reputation.models import Language, Tenant
from reputation.monitoring.domains import normalise_domain
from reputation.scoring.inputs import zone_weights
from reputation.scoring.service import (
    ScoringSetup,
    compute_reputation,
    list_history,
    send_check_reputation,
)
from reputation.scoring.texts import describe, describe_verdict
from reputation.scoring.types import (
    Component,
    ComponentKey,
    ComponentStatus,
    Confidence,
    Level,
    Reputation,
    TargetKind,
    Verdict,
)
from reputation.settings import Settings

router = APIRouter(tags=["reputation"])

MAX_HISTORY = 2000


def build_scoring_setup(settings: Settings) -> ScoringSetup:
    """Build the zone weights and resolver that scoring uses from the settings."""
    weights = zone_weights(load_catalogue(settings.dnsbl_zones_file))
    resolver = DnsPythonResolver(settings.dns_servers) if settings.dns_servers else None
    return ScoringSetup(weights, resolver)


def get_scoring_setup(request: Request, settings: SettingsDep) -> ScoringSetup:
    """Return the app's scoring setup, built from the settings on first use."""
    setup: ScoringSetup | None = getattr(request.app.state, "scoring_setup", None)
    if setup is None:
        setup = build_scoring_setup(settings)
        request.app.state.scoring_setup = setup
    return setup


ScoringSetupDep = Annotated[ScoringSetup, Depends(get_scoring_setup)]


def pick_language(header: str | None, tenant: Tenant) -> Language:
    """Return the first of Polish or English in `Accept-Language` by q-value, else the tenant's."""
    choices: list[tuple[float, int, Language]] = []
    for index, part in enumerate((header or "").split(",")):
        tag, _, parameters = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in (Language.EN, Language.PL):
            continue
        quality = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip() == "q":
            try:
                quality = float(value)
            except ValueError:
                continue
        if quality > 0:
            choices.append((-quality, index, Language(primary)))
    return min(choices)[2] if choices else Language(tenant.language)


class ComponentOut(BaseModel):
    key: ComponentKey
    status: ComponentStatus
    points: float = Field(description="Points this input takes off 100 (0 or negative).")
    points_low: float
    points_high: float
    verdict: Verdict
    reason: str = Field(description="Explanation of this input, in the response's language.")
    reason_code: str
    params: dict[str, str | int | float]


class TargetReputationOut(BaseModel):
    target: str
    kind: TargetKind
    score: float = Field(description="Best estimate, 0 (worst) to 100 (best).")
    score_low: float
    score_high: float
    level: Level
    verdict: Verdict
    verdict_text: str
    confidence: Confidence
    components: list[ComponentOut]


class ReputationOut(TargetReputationOut):
    domain: str
    language: Language
    computed_at: datetime
    ips: list[TargetReputationOut]


class SnapshotOut(BaseModel):
    computed_at: datetime
    score: float
    score_low: float
    score_high: float
    level: Level
    verdict: Verdict
    confidence: Confidence


class HistoryOut(BaseModel):
    domain: str
    target: str
    snapshots: list[SnapshotOut] = Field(description="Oldest first, at most one per hour.")


@router.get("/domains/{domain}/reputation", response_model=ReputationOut)
def get_reputation(
    domain: str,
    principal: ReadKey,
    session: SessionDep,
    clock: ClockDep,
    setup: ScoringSetupDep,
    accept_language: Annotated[str | None, Header()] = None,
) -> ReputationOut:
    """Score the domain and its sending IPs now; stores a snapshot at most once per hour."""
    name = normalise_domain(domain)
    # Authentication may have recorded the key's last use. Commit it before the DNS
    # lookups, so an open SQLite write transaction does not block other writers meanwhile.
    session.commit()
    result = compute_reputation(
        session, tenant=principal.tenant, domain=name, setup=setup, clock=clock
    )
    return reputation_out(result, pick_language(accept_language, principal.tenant))


@router.get("/domains/{domain}/reputation/history", response_model=HistoryOut)
def get_reputation_history(
    domain: str,
    principal: ReadKey,
    session: SessionDep,
    target: Annotated[
        str | None, Query(description="A sending IP of the domain; the domain itself if unset.")
    ] = None,
    since: Annotated[AwareDatetime | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_HISTORY)] = 720,
) -> HistoryOut:
    """Return the stored snapshots of the domain or one of its sending IPs, oldest first."""
    name = normalise_domain(domain)
    rows = list_history(
        session, tenant=principal.tenant, domain=name, target=target, since=since, limit=limit
    )
    snapshots = [
        SnapshotOut(
            computed_at=row.computed_at,
            score=row.score,
            score_low=row.score_low,
            score_high=row.score_high,
            level=Level(row.level),
            verdict=Verdict(row.verdict),
            confidence=Confidence(row.confidence),
        )
        for row in rows
    ]
    return HistoryOut(domain=name, target=target or name, snapshots=snapshots)


def reputation_out(result: Reputation, language: Language) -> ReputationOut:
    """Return a domain's result as the API and `mailrep score --json` show it."""
    return ReputationOut(
        domain=result.target,
        language=language,
        computed_at=result.computed_at,
        ips=[_target_out(ip, language) for ip in result.ips],
        **_target_out(result, language).model_dump(),
    )


def _target_out(result: Reputation, language: Language) -> TargetReputationOut:
    return TargetReputationOut(
        target=result.target,
        kind=result.kind,
        score=result.score,
        score_low=result.score_low,
        score_high=result.score_high,
        level=result.level,
        verdict=result.verdict,
        verdict_text=describe_verdict(result.verdict, language),
        confidence=result.confidence,
        components=[_component_out(item, language) for item in result.components],
    )


def _component_out(component: Component, language: Language) -> ComponentOut:
    return ComponentOut(
        key=component.key,
        status=component.status,
        points=round(component.points, 2),
        points_low=round(component.points_low, 2),
        points_high=round(component.points_high, 2),
        verdict=component.verdict,
        reason=describe(component, language),
        reason_code=component.reason,
        params=dict(component.params),
    )


class ReputationBriefOut(BaseModel):
    """The sending domain's reputation as the pre-send check reports it."""

    score: float
    level: Level
    verdict: Verdict
    confidence: Confidence = Field(
        description="`low` while most inputs are unknown, as for a new domain: the level "
        "then reflects missing data, and only the verdict should steer the send."
    )


def reputation_brief(
    session: Session, tenant: Tenant, domain: str, setup: ScoringSetup, clock: Clock
) -> dict[str, Any]:
    """Return {score, level, verdict} of `domain` from the database alone, for the send check."""
    result = send_check_reputation(
        session, tenant=tenant, domain=domain, zone_weights=setup.zone_weights, clock=clock
    )
    return {
        "score": result.score,
        "level": result.level.value,
        "verdict": result.verdict.value,
        "confidence": result.confidence.value,
    }
