"""`mailrep check DOMAIN`: look up a domain and its sending IPs in DNS blocklists now.

The domain's organisational domain is checked in the domain zones, and every sending
IP (given with --ip, plus those of the domain's SPF record) in the IP zones. When a
tenant monitors the domain (`mailrep domains add`), the run is also stored in its
check history and can raise alerts, like a scheduled check. Queries go only to the DNS
servers given with --dns-server or MAILREP_DNS_SERVERS, never to the system resolver:
DNSBL operators refuse queries from public resolvers, so point it at your own
recursive resolver.

Exit status: 0 nothing listed, 1 listed in at least one blocklist, 3 nothing listed
but some lookups failed (unknown), 2 invalid arguments or settings.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from api.cli.domains import record_if_monitored
from blacklist_checks import (
    BlacklistCheckError,
    CheckOptions,
    DnsPythonResolver,
    DomainCheck,
    ListingResult,
    ListingStatus,
    ListType,
    enabled_zones,
    load_catalogue,
    run_check_domain,
)
from reputation.logging import configure_logging
from reputation.settings import get_settings

EXIT_LISTED = 1
EXIT_USAGE = 2
EXIT_UNKNOWN = 3
_TABLE_COLUMNS = ("target", "zone", "status", "codes", "detail")


def register(subparsers: Any) -> None:
    command = subparsers.add_parser(
        "check",
        help="look up a domain and its sending IPs in DNS blocklists",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("domain", metavar="DOMAIN", help="sending domain, e.g. example.com")
    command.add_argument(
        "--ip",
        action="append",
        default=[],
        metavar="IP",
        help="sending IP address to check besides those of the SPF record (repeatable)",
    )
    command.add_argument(
        "--json", action="store_true", help="print one JSON object per target and zone"
    )
    command.add_argument(
        "--dns-server",
        action="append",
        default=[],
        metavar="HOST:PORT",
        help="DNS server to query (repeatable); default MAILREP_DNS_SERVERS",
    )
    command.add_argument(
        "--zones-file",
        type=Path,
        metavar="PATH",
        help="TOML zone catalogue replacing the built-in one; default MAILREP_DNSBL_ZONES_FILE",
    )
    command.add_argument(
        "--timeout", type=float, default=2.0, help="seconds to wait for each DNS answer (2.0)"
    )
    command.add_argument(
        "--no-spf", action="store_true", help="check only --ip addresses, not the SPF record's"
    )
    command.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    """Check `args.domain` and print the results; return the exit status described above."""
    try:
        settings = get_settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]).upper()
        return _fail(f"invalid setting MAILREP_{where}: {first['msg']}")
    configure_logging(log_format=settings.log_format, log_level=settings.log_level)

    servers = args.dns_server or settings.dns_servers
    if not servers:
        return _fail("no DNS server: pass --dns-server HOST:PORT or set MAILREP_DNS_SERVERS")
    dqs_key = settings.spamhaus_dqs_key.get_secret_value() if settings.spamhaus_dqs_key else None
    try:
        zones = enabled_zones(load_catalogue(args.zones_file or settings.dnsbl_zones_file))
        resolver = DnsPythonResolver(servers, timeout=args.timeout)
        started_at = datetime.now(UTC)
        check = run_check_domain(
            args.domain,
            zones,
            resolver,
            explicit_ips=args.ip,
            use_spf=not args.no_spf,
            options=CheckOptions(spamhaus_dqs_key=dqs_key),
        )
    except (BlacklistCheckError, ValueError) as exc:
        return _fail(str(exc))

    if args.json:
        for result in check.report.results:
            print(json.dumps(result_to_json(result), ensure_ascii=False))
    else:
        _print_table(check)
    for tenant in record_if_monitored(settings, check, zones, started_at):
        print(f"mailrep check: recorded for tenant {tenant}", file=sys.stderr)
    return _exit_status(check.report.results)


def _fail(message: str) -> int:
    print(f"mailrep check: {message}", file=sys.stderr)
    return EXIT_USAGE


def result_to_json(result: ListingResult) -> dict[str, Any]:
    """Return the JSON object printed for one target and zone."""
    return {
        "target": result.target,
        "zone": result.zone,
        "status": str(result.status),
        "codes": list(result.codes),
        "meanings": list(result.meanings),
        "txt": list(result.txt),
        "error": result.error,
        "list_type": str(result.list_type),
        "score": result.score,
        "reason": result.reason,
    }


def _exit_status(results: tuple[ListingResult, ...]) -> int:
    blocklisted = [result for result in results if result.list_type is ListType.BLOCKLIST]
    if any(result.status is ListingStatus.LISTED for result in blocklisted):
        return EXIT_LISTED
    if any(result.status is ListingStatus.UNKNOWN for result in results):
        return EXIT_UNKNOWN
    return 0


def _print_table(check: DomainCheck) -> None:
    out = sys.stdout
    print(f"domain {check.domain} (organisational domain {check.registered_domain})", file=out)
    if check.spf is not None:
        spf = check.spf
        print(
            f"SPF: {spf.status}, {spf.lookup_count} DNS lookups of 10 allowed, "
            f"{spf.void_lookup_count} void lookups" + (f"; {spf.error}" if spf.error else ""),
            file=out,
        )
        for problem in spf.problems:
            print(f"  SPF note: {problem}", file=out)
    for network in check.sending_ips.uncheckable:
        print(f"not checked: {network.network} ({network.source}): {network.reason}", file=out)
    for health in check.report.health:
        if not health.is_trusted:
            print(f"zone {health.zone} not trusted: {health.verdict}, {health.detail}", file=out)

    rows = [_TABLE_COLUMNS] + [_table_row(result) for result in check.report.results]
    widths = [max(len(row[index]) for row in rows) for index in range(len(_TABLE_COLUMNS) - 1)]
    print(file=out)
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip(), file=out)
    print(f"\n{len(check.report.results)} lookups in {check.report.duration:.2f} s", file=out)


def _table_row(result: ListingResult) -> tuple[str, str, str, str, str]:
    status = str(result.status)
    if result.list_type is not ListType.BLOCKLIST and result.status is ListingStatus.LISTED:
        status = f"{result.list_type}" + (f" {result.score:g}" if result.score is not None else "")
    detail = result.error or "; ".join((*result.meanings, *result.txt))
    return result.target, result.zone, status, ",".join(result.codes), detail
