"""`mailrep parse`: parse bounce and complaint messages from files, directories, mboxes or stdin.

Each PATH is a message file, a directory (read as `mailrep ingest` reads it: see
`list_message_files`), an mbox (a file starting with a "From " line, split while
it is read), or `-` for standard input, which may itself be an mbox. Messages of an
mbox are named `<basename>#<n>`, counting from 1.

The command needs no settings and no database: it only runs `bounce_parser`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from api.cli._sources import list_message_files
from bounce_parser import Report, is_mbox, iter_mbox, parse_message

#: Exit status when at least one PATH could not be read.
EXIT_UNREADABLE = 2
#: Exit status when standard output was closed early (128 + SIGPIPE, as shells report it).
EXIT_BROKEN_PIPE = 141
_TABLE_COLUMNS = ("file", "kind", "address", "bounce", "reason", "status", "reply")


def register(subparsers: Any) -> None:
    command = subparsers.add_parser(
        "parse",
        help="parse bounce and complaint messages and print what they report",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object per message instead of a table with one row per recipient",
    )
    command.add_argument(
        "paths", nargs="+", metavar="PATH", help="message file, directory, mbox or -"
    )
    command.set_defaults(handler=run_parse)


def run_parse(args: argparse.Namespace) -> int:
    """Parse every message under `args.paths` and print the reports."""
    stdout: TextIO = sys.stdout
    if hasattr(stdout, "reconfigure"):
        stdout.reconfigure(errors="backslashreplace")
    try:
        return _print_reports(args, stdout)
    except BrokenPipeError:
        # The reader (`head`, a closed pager) went away: stop quietly, and
        # point stdout at /dev/null so the interpreter's final flush is silent.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _print_reports(args: argparse.Namespace, stdout: TextIO) -> int:
    unreadable = False
    rows: list[tuple[str, ...]] = []
    for name, report in _reports(args.paths):
        if report is None:
            unreadable = True
        elif args.json:
            print(json.dumps(report_to_json(name, report), ensure_ascii=False), file=stdout)
        else:
            rows.extend(_table_rows(name, report))
    if not args.json:
        _print_table(rows, stdout)
    return EXIT_UNREADABLE if unreadable else 0


def _reports(paths: list[str]) -> Iterator[tuple[str, Report | None]]:
    """Yield (message name, report) for each message, or (path, None) for an unreadable path."""
    for path in paths:
        if path == "-":
            yield from _parse_stream("-", sys.stdin.buffer)
            continue
        try:
            files = list_message_files(Path(path))
        except OSError as exc:
            yield _unreadable(path, exc)
            continue
        for file in files:
            try:
                with file.open("rb") as stream:
                    yield from _parse_stream(file.name, stream)
            except OSError as exc:
                yield _unreadable(str(file), exc)


def _unreadable(path: str, exc: OSError) -> tuple[str, None]:
    print(f"mailrep parse: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
    return path, None


def _parse_stream(name: str, stream: BinaryIO) -> Iterator[tuple[str, Report]]:
    head = stream.read(5)
    if not is_mbox(head):
        yield name, parse_message(head + stream.read())
        return
    lines = _prepend(head, stream)
    for number, raw in enumerate(iter_mbox(lines), start=1):
        yield f"{name}#{number}", parse_message(raw)


def _prepend(head: bytes, stream: BinaryIO) -> Iterator[bytes]:
    first = head + stream.readline()
    yield first
    yield from stream


def report_to_json(name: str, report: Report) -> dict[str, Any]:
    """Return the JSON object `--json` prints for one message."""
    original = None
    if report.original is not None:
        original = asdict(report.original)
        original["from"] = original.pop("from_")
    return {
        "file": name,
        "kind": report.kind.value,
        "family": report.family,
        "recipients": [
            {
                "address": r.address,
                "hard_bounce": r.hard_bounce,
                "reason": r.reason.value,
                "status": r.status,
                "reply_code": r.reply_code,
                "feedback_type": r.feedback_type,
                "action": r.action,
                "remote_mta": r.remote_mta,
                "diagnostic": r.diagnostic,
                "original_recipient": r.original_recipient,
                "final_recipient": r.final_recipient,
                "evidence": r.evidence,
                "source_ip": r.source_ip,
                "arrival_date": r.arrival_date,
                "reported_domain": r.reported_domain,
                "user_agent": r.user_agent,
            }
            for r in report.recipients
        ],
        "original": original,
        "problems": list(report.problems),
    }


def _table_rows(name: str, report: Report) -> list[tuple[str, ...]]:
    if not report.recipients:
        return [(name, report.kind.value, "-", "-", "-", "-", "-")]
    return [
        (
            name,
            report.kind.value,
            recipient.address or "-",
            "hard" if recipient.hard_bounce else "soft",
            recipient.reason.value,
            recipient.status or "-",
            recipient.reply_code or "-",
        )
        for recipient in report.recipients
    ]


def _print_table(rows: list[tuple[str, ...]], stdout: TextIO) -> None:
    if not rows:
        return
    widths = [
        max(len(row[i]) for row in [_TABLE_COLUMNS, *rows]) for i in range(len(_TABLE_COLUMNS))
    ]
    for row in [_TABLE_COLUMNS, *rows]:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip(),
            file=stdout,
        )
