"""`mailrep tenant create` and `mailrep apikey create`: provision who may use the API."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from api.cli._common import (
    CommandError,
    describe_database_error,
    fail,
    load_settings,
    open_session,
    setup_logging,
)
from reputation.clock import SystemClock
from reputation.errors import ReputationError
from reputation.models import ApiScope, Language
from reputation.settings import Settings
from reputation.tenants import create_api_key, create_tenant, get_tenant


def register(subparsers: Any) -> None:
    tenant = subparsers.add_parser("tenant", help="manage tenants")
    tenant_commands = tenant.add_subparsers(dest="tenant_command", metavar="ACTION", required=True)
    create = tenant_commands.add_parser("create", help="create a tenant")
    create.add_argument("name", help="unique tenant name")
    create.add_argument(
        "--language",
        choices=[language.value for language in Language],
        default=Language.EN.value,
        help="language of alerts and reason texts (default: en)",
    )
    create.set_defaults(handler=run_tenant_create)

    apikey = subparsers.add_parser("apikey", help="manage API keys")
    apikey_commands = apikey.add_subparsers(dest="apikey_command", metavar="ACTION", required=True)
    create_key = apikey_commands.add_parser(
        "create", help="create an API key and print it; it is shown only this once"
    )
    create_key.add_argument("--tenant", required=True, help="tenant the key acts for")
    create_key.add_argument(
        "--scope",
        choices=[scope.value for scope in ApiScope],
        default=ApiScope.READ.value,
        help="read < write < admin; each includes the ones before it (default: read)",
    )
    create_key.add_argument("--name", help="label shown in key listings")
    create_key.set_defaults(handler=run_apikey_create)


def _settings() -> Settings:
    settings = load_settings()
    setup_logging(settings, quiet=True)
    return settings


def run_tenant_create(args: argparse.Namespace) -> int:
    try:
        with open_session(_settings()) as session:
            tenant = create_tenant(
                session, name=args.name, language=args.language, clock=SystemClock()
            )
            streams = ", ".join(stream.name for stream in tenant.streams)
    except (CommandError, ReputationError, ValueError) as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(describe_database_error(exc))
    print(f"created tenant {args.name} with streams: {streams}")
    return 0


def run_apikey_create(args: argparse.Namespace) -> int:
    try:
        with open_session(_settings()) as session:
            tenant = get_tenant(session, name=args.tenant)
            created = create_api_key(
                session, tenant=tenant, scopes=[args.scope], name=args.name, clock=SystemClock()
            )
    except (CommandError, ReputationError, ValueError) as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(describe_database_error(exc))
    # The key alone on stdout, so scripts can capture it: KEY=$(mailrep apikey create ...).
    print(created.plaintext)
    return 0
