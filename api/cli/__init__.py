"""The `mailrep` command line: a thin front door over `bounce_parser` and `reputation`.

Each command lives in a module of this package that exposes
`register(subparsers)`; `COMMAND_MODULES` lists them in the order `--help` shows.
A command's handler returns the process exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from importlib import metadata

COMMAND_MODULES: tuple[str, ...] = (
    "api.cli.parse",
    "api.cli.serve",
    "api.cli.tenants",
    "api.cli.ingest",
    "api.cli.check",
    "api.cli.domains",
    "api.cli.score",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="mailrep",
        description="Keep a sending domain deliverable: bounces, complaints, blocklists.",
    )
    parser.add_argument("--version", action="version", version=f"mailrep {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def _version() -> str:
    try:
        return metadata.version("mailrep")
    except metadata.PackageNotFoundError:  # run from a checkout that is not installed
        return "unknown"


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `mailrep` command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except KeyboardInterrupt:
        print("mailrep: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
