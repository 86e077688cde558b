"""`mailrep score DOMAIN`: the reputation score, verdict and reasons of a sending domain.

Reads the local database and looks up DNS authentication through MAILREP_DNS_SERVERS
(never the system resolver), then prints what `GET /v1/domains/{domain}/reputation`
returns. The result is stored in the history at most once per hour, like the API's.
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from api.cli._common import (
    CommandError,
    describe_database_error,
    fail,
    load_settings,
    open_session,
    setup_logging,
)
from api.routes.reputation import (
    ReputationOut,
    TargetReputationOut,
    build_scoring_setup,
    reputation_out,
)
from blacklist_checks import BlacklistCheckError
from reputation.clock import SystemClock
from reputation.errors import ReputationError
from reputation.models import Language, Tenant
from reputation.monitoring.domains import normalise_domain
from reputation.scoring.service import compute_reputation
from reputation.tenants import get_tenant, list_tenants


def register(subparsers: Any) -> None:
    command = subparsers.add_parser(
        "score",
        help="print a sending domain's reputation score, verdict and reasons",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    command.add_argument("domain", metavar="DOMAIN", help="sending domain, e.g. example.com")
    command.add_argument(
        "--tenant",
        metavar="NAME",
        help="tenant whose mail is scored; needed when there are several",
    )
    command.add_argument("--json", action="store_true", help="print the API's JSON object")
    command.add_argument(
        "--lang",
        choices=[language.value for language in Language],
        help="language of the reasons; default the tenant's",
    )
    command.set_defaults(handler=run_score)


def run_score(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
        setup_logging(settings, quiet=True)
        setup = build_scoring_setup(settings)
        with open_session(settings) as session:
            tenant = _pick_tenant(session, args.tenant)
            result = compute_reputation(
                session,
                tenant=tenant,
                domain=normalise_domain(args.domain),
                setup=setup,
                clock=SystemClock(),
            )
            output = reputation_out(result, Language(args.lang or tenant.language))
    except (CommandError, ReputationError, BlacklistCheckError) as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(describe_database_error(exc))

    print(output.model_dump_json(indent=2) if args.json else format_text(output))
    return 0


def _pick_tenant(session: Session, name: str | None) -> Tenant:
    if name is not None:
        return get_tenant(session, name=name)
    tenants = list_tenants(session)
    if len(tenants) != 1:
        names = ", ".join(tenant.name for tenant in tenants) or "none"
        raise CommandError(f"pass --tenant NAME; the tenants are: {names}")
    return tenants[0]


def format_text(output: ReputationOut) -> str:
    """Return the result as lines for a terminal: the domain, then each sending IP."""
    lines = [*_target_lines(output)]
    for ip in output.ips:
        lines += ["", *_target_lines(ip)]
    return "\n".join(lines)


def _target_lines(target: TargetReputationOut) -> list[str]:
    header = (
        f"{target.target}: score {target.score:g} (range {target.score_low:g}-"
        f"{target.score_high:g}, confidence {target.confidence}), level {target.level}, "
        f"verdict {target.verdict}"
    )
    lines = [header, f"  {target.verdict_text}"]
    for component in target.components:
        lines.append(f"  {component.points:6.1f}  {component.reason}")
    return lines
