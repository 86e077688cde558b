"""Vocabularies and result types of the reputation score."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Level(StrEnum):
    """Reputation grade, named as Gmail Postmaster Tools grades domains and IPs."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    BAD = "bad"


class Verdict(StrEnum):
    """The advice to a sender for its next batch."""

    SEND = "send"
    THROTTLE = "throttle"
    HOLD = "hold"


class Confidence(StrEnum):
    """The width of the score range: low when missing data leaves it wide."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class TargetKind(StrEnum):
    """The scored target: a sending domain or one of its sending IPs."""

    DOMAIN = "domain"
    IP = "ip"


class ComponentKey(StrEnum):
    """One input of the score."""

    COMPLAINT_RATE = "complaint_rate"
    HARD_BOUNCE_RATE = "hard_bounce_rate"
    SENDER_REJECTION_RATE = "sender_rejection_rate"
    BLOCKLISTS = "blocklists"
    SPF = "spf"
    DMARC = "dmarc"
    MX = "mx"
    FCRDNS = "fcrdns"


class ComponentStatus(StrEnum):
    """The state of one input: fine, worrying, harmful, or not known well enough to judge."""

    OK = "ok"
    WARNING = "warning"
    CRITICAL = "critical"
    NOT_ENOUGH_VOLUME = "not_enough_volume"
    UNKNOWN = "unknown"


#: Severity order of verdicts, so the worst of several can be taken with `max`.
VERDICT_RANK = {Verdict.SEND: 0, Verdict.THROTTLE: 1, Verdict.HOLD: 2}

#: A parameter of a reason text: a rate is a fraction (0.003 is 0.3 %), the rest as given.
Param = str | int | float


@dataclass(frozen=True, slots=True)
class Component:
    """One input's contribution to the score, in points taken off 100.

    `points` is the best estimate (0 or negative); `points_low` and `points_high` bound
    it, so `points_low <= points <= points_high <= 0`. They differ when the input is
    uncertain: too little volume, a DNS lookup that failed, an unconfirmed listing.
    `reason` names a text in `scoring.texts`; `params` fill it in.
    """

    key: ComponentKey
    status: ComponentStatus
    points: float
    points_low: float
    points_high: float
    verdict: Verdict
    reason: str
    params: dict[str, Param] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Reputation:
    """Score, range, grade and verdict of one domain or IP, with what produced them.

    `score` is 100 plus the components' points, clamped to 0..100; `score_low` and
    `score_high` use the components' bounds. `ips` contains the sending IPs' own results
    when the target is a domain.
    """

    target: str
    kind: TargetKind
    score: float
    score_low: float
    score_high: float
    level: Level
    verdict: Verdict
    confidence: Confidence
    components: tuple[Component, ...]
    computed_at: datetime
    ips: tuple[Reputation, ...] = ()
