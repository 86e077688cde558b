"""`mailrep domains add|list|remove`: choose the sending domains checked in DNS blocklists.

A monitored domain is checked every MAILREP_CHECK_INTERVAL_MINUTES by `mailrep serve`:
its organisational domain in the domain zones, and its sending IPs (given with --ip,
plus those of its SPF record at each check) in the IP zones.
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from api.cli._common import CommandError, fail, load_settings, open_session
from reputation.clock import SystemClock
from reputation.errors import ReputationError
from reputation.monitoring.domains import add_domain, list_domains, remove_domain
from reputation.tenants import get_tenant, list_tenants

_DATABASE_HINT = "run `mailrep db upgrade` first?"


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
        return fail(f"database error: {exc.__class__.__name__}; {_DATABASE_HINT}")
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
        return fail(f"database error: {exc.__class__.__name__}; {_DATABASE_HINT}")
    _print_table([("tenant", "domain", "explicit_ips", "last_checked"), *rows])
    return 0


def run_domains_remove(args: argparse.Namespace) -> int:
    try:
        with open_session(load_settings()) as session:
            tenant = get_tenant(session, name=args.tenant)
            remove_domain(session, tenant=tenant, domain=args.domain)
    except (CommandError, ReputationError) as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(f"database error: {exc.__class__.__name__}; {_DATABASE_HINT}")
    print(f"stopped monitoring {args.domain} for tenant {args.tenant}")
    return 0


def _print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip())
