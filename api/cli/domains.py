"""`mailrep domains add|list|remove`: choose the sending domains checked in DNS blocklists.

A monitored domain is checked every MAILREP_CHECK_INTERVAL_MINUTES by `mailrep serve`:
its organisational domain in the domain zones, and its sending IPs (given with --ip,
plus those of its SPF record at each check) in the IP zones.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from api.cli._common import (
    CommandError,
    describe_database_error,
    fail,
    load_settings,
    open_session,
    print_table,
)
from blacklist_checks import DomainCheck, Zone
from reputation.clock import SystemClock
from reputation.errors import ReputationError
from reputation.monitoring.checks import default_worker_name
from reputation.monitoring.domains import add_domain, list_domains, remove_domain
from reputation.monitoring.recording import record_check_for_monitors
from reputation.settings import Settings
from reputation.tenants import get_tenant, list_tenants

_log = structlog.get_logger(__name__)


def register(subparsers: Any) -> None:
    domains = subparsers.add_parser("domains", help="manage the domains checked in DNS blocklists")
    actions = domains.add_subparsers(dest="domains_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="start monitoring a sending domain")
    add.add_argument("domain", help="sending domain, e.g. example.com")
    add.add_argument("--tenant", required=True, help="tenant the domain belongs to")
    add.add_argument(
        "--ip",
        action="append",
        default=[],
        metavar="IP",
        help="sending IP to check besides those of the SPF record (repeatable)",
    )
    add.add_argument("--alert-email", metavar="ADDRESS", help="address that receives alerts")
    add.set_defaults(handler=run_domains_add)

    listing = actions.add_parser("list", help="list monitored domains")
    listing.add_argument("--tenant", help="only this tenant's domains (default: every tenant)")
    listing.set_defaults(handler=run_domains_list)

    remove = actions.add_parser("remove", help="stop monitoring a domain and delete its history")
    remove.add_argument("domain", help="monitored domain")
    remove.add_argument("--tenant", required=True, help="tenant the domain belongs to")
    remove.set_defaults(handler=run_domains_remove)


def run_domains_add(args: argparse.Namespace) -> int:
    try:
        with open_session(load_settings()) as session:
            tenant = get_tenant(session, name=args.tenant)
            row = add_domain(
                session,
                tenant=tenant,
                domain=args.domain,
                ips=args.ip,
                alert_email=args.alert_email,
                clock=SystemClock(),
            )
            name, ips = row.domain, [ip.address for ip in row.ips]
    except (CommandError, ReputationError) as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(describe_database_error(exc))
    explicit = ", ".join(ips) if ips else "none"
    print(f"monitoring {name} for tenant {args.tenant}; explicit IPs: {explicit}")
    return 0


def run_domains_list(args: argparse.Namespace) -> int:
    try:
        with open_session(load_settings()) as session:
            tenant = get_tenant(session, name=args.tenant) if args.tenant else None
            names = {item.id: item.name for item in list_tenants(session)}
            rows = [
                (
                    names.get(row.tenant_id, str(row.tenant_id)),
                    row.domain,
                    ",".join(ip.address for ip in row.ips) or "-",
                    row.last_checked_at.isoformat(timespec="seconds")
                    if row.last_checked_at
                    else "never",
                )
                for row in list_domains(session, tenant=tenant)
            ]
    except (CommandError, ReputationError) as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(describe_database_error(exc))
    print_table([("tenant", "domain", "explicit_ips", "last_checked"), *rows])
    return 0


def run_domains_remove(args: argparse.Namespace) -> int:
    try:
        with open_session(load_settings()) as session:
            tenant = get_tenant(session, name=args.tenant)
            remove_domain(session, tenant=tenant, domain=args.domain)
    except (CommandError, ReputationError) as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(describe_database_error(exc))
    print(f"stopped monitoring {args.domain} for tenant {args.tenant}")
    return 0


def record_if_monitored(
    settings: Settings, check: DomainCheck, zones: Sequence[Zone], started_at: datetime
) -> list[str]:
    """Store a `mailrep check` result for every tenant monitoring its domain; return their names.

    A check must work without a database, so a missing SQLite file or a database error
    records nothing: the error is logged as `dnsbl_check_not_recorded`.
    """
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():
        return []
    clock = SystemClock()
    try:
        with open_session(settings) as session:
            recorded = record_check_for_monitors(
                session,
                check=check,
                zones={zone.name: zone for zone in zones},
                started_at=started_at,
                clock=clock,
                worker=default_worker_name(),
            )
            names = {item.id: item.name for item in list_tenants(session)}
            return [names.get(item.run.tenant_id, str(item.run.tenant_id)) for item in recorded]
    except (SQLAlchemyError, ReputationError) as exc:
        _log.warning("dnsbl_check_not_recorded", domain=check.domain, error=repr(exc))
        return []
