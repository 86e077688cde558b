"""Monitored domains of a tenant: add, list, look up and remove them, with their explicit IPs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from ipaddress import ip_address

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from reputation.clock import Clock
from reputation.errors import ConflictError, NotFoundError, ReputationError
from reputation.models import Tenant
from reputation.monitoring.models import CheckRun, ListingEpisode, MonitoredDomain, MonitoredIp

_MAX_DOMAIN_LENGTH = 253
_MAX_LABEL_LENGTH = 63


class InvalidMonitorTargetError(ReputationError):
    """A domain, IP address or alert email given for monitoring is not valid."""

    def __init__(self, value: str, problem: str) -> None:
        super().__init__(f"invalid value {value!r}: {problem}")
        self.value = value
        self.problem = problem


@dataclass(frozen=True, slots=True)
class SendingIpView:
    """One sending IP of a domain and where it comes from (`explicit`, `spf:...`)."""

    address: str
    sources: tuple[str, ...]


def normalise_domain(text: str) -> str:
    """Return `text` as a lower-case domain name without the trailing dot.

    Raises:
        InvalidMonitorTargetError: the name is empty, too long, or has an invalid label.
    """
    name = text.strip().rstrip(".").lower()
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidMonitorTargetError(text, "not a valid domain name") from exc
    labels = name.split(".")
    if len(name) > _MAX_DOMAIN_LENGTH or len(labels) < 2:
        raise InvalidMonitorTargetError(text, "give a full domain name such as example.com")
    for label in labels:
        if not label or len(label) > _MAX_LABEL_LENGTH or label[0] == "-" or label[-1] == "-":
            raise InvalidMonitorTargetError(text, f"invalid label {label!r}")
        if not all(char.isalnum() or char in "-_" for char in label):
            raise InvalidMonitorTargetError(text, f"invalid character in label {label!r}")
    return name


def normalise_ip(text: str) -> str:
    """Return the canonical text of one IP address.

    Raises:
        InvalidMonitorTargetError: `text` is not a single IPv4 or IPv6 address.
    """
    try:
        return str(ip_address(text.strip()))
    except ValueError as exc:
        raise InvalidMonitorTargetError(text, "not a single IP address") from exc


def _normalise_email(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidMonitorTargetError(text, f"invalid alert email: {exc}") from exc


def add_domain(
    session: Session,
    *,
    tenant: Tenant,
    domain: str,
    clock: Clock,
    ips: Sequence[str] = (),
    alert_email: str | None = None,
) -> MonitoredDomain:
    """Start monitoring `domain` for the tenant; it is due for a check at once.

    Raises:
        InvalidMonitorTargetError: the domain, an IP or the alert email is invalid.
        ConflictError: the tenant already monitors this domain.
    """
    name = normalise_domain(domain)
    addresses = list(dict.fromkeys(normalise_ip(text) for text in ips))
    email = _normalise_email(alert_email)
    if _find(session, tenant_id=tenant.id, domain=name) is not None:
        raise ConflictError("monitored domain", name)

    row = MonitoredDomain(
        tenant_id=tenant.id,
        domain=name,
        alert_email=email,
        created_at=clock.now(),
        ips=[MonitoredIp(address=address) for address in addresses],
    )
    session.add(row)
    session.flush()
    return row


def list_domains(session: Session, *, tenant: Tenant | None = None) -> list[MonitoredDomain]:
    """Return the tenant's monitored domains by name, or every tenant's when `tenant` is None."""
    query = select(MonitoredDomain).order_by(MonitoredDomain.tenant_id, MonitoredDomain.domain)
    if tenant is not None:
        query = query.where(MonitoredDomain.tenant_id == tenant.id)
    return list(session.scalars(query))


def get_domain(session: Session, *, tenant: Tenant, domain: str) -> MonitoredDomain:
    """Return one monitored domain of the tenant.

    Raises:
        InvalidMonitorTargetError: `domain` is not a domain name.
        NotFoundError: the tenant does not monitor it.
    """
    name = normalise_domain(domain)
    row = _find(session, tenant_id=tenant.id, domain=name)
    if row is None:
        raise NotFoundError("monitored domain", name)
    return row


def remove_domain(session: Session, *, tenant: Tenant, domain: str) -> None:
    """Stop monitoring a domain; its check history, episodes and alerts are deleted with it.

    Raises:
        InvalidMonitorTargetError: `domain` is not a domain name.
        NotFoundError: the tenant does not monitor it.
    """
    session.delete(get_domain(session, tenant=tenant, domain=domain))
    session.flush()


def find_monitors_of(session: Session, *, domain: str) -> list[MonitoredDomain]:
    """Return every tenant's monitored entry for `domain` (several tenants may send from it)."""
    name = normalise_domain(domain)
    return list(session.scalars(select(MonitoredDomain).where(MonitoredDomain.domain == name)))


def sending_ips(session: Session, *, monitored: MonitoredDomain) -> list[SendingIpView]:
    """Return the explicit IPs and those the last check derived from SPF, with their sources."""
    sources: dict[str, list[str]] = {ip.address: ["explicit"] for ip in monitored.ips}
    last = last_run(session, monitored=monitored)
    for item in last.sending_ips if last is not None else ():
        names = sources.setdefault(item["address"], [])
        names.extend(source for source in item["sources"] if source not in names)
    return [SendingIpView(address, tuple(names)) for address, names in sources.items()]


def last_run(session: Session, *, monitored: MonitoredDomain) -> CheckRun | None:
    """Return the newest check run of a monitored domain, or None before the first check."""
    query = (
        select(CheckRun)
        .where(CheckRun.domain_id == monitored.id)
        .order_by(CheckRun.started_at.desc(), CheckRun.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def list_episodes(
    session: Session, *, monitored: MonitoredDomain, since: datetime | None = None
) -> list[ListingEpisode]:
    """Return the domain's listing episodes, newest first; `since` filters on `first_seen`."""
    query = select(ListingEpisode).where(ListingEpisode.domain_id == monitored.id)
    if since is not None:
        query = query.where(ListingEpisode.first_seen >= since)
    return list(
        session.scalars(query.order_by(ListingEpisode.first_seen.desc(), ListingEpisode.id.desc()))
    )


def _find(session: Session, *, tenant_id: int, domain: str) -> MonitoredDomain | None:
    query = select(MonitoredDomain).where(
        MonitoredDomain.tenant_id == tenant_id, MonitoredDomain.domain == domain
    )
    return session.scalar(query)
