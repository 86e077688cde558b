"""Raw messages from the places `mailrep ingest` reads: files, maildirs, mboxes and stdin."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from bounce_parser.mbox import is_mbox, iter_mbox


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message to ingest and where it came from, for error lines."""

    origin: str
    data: bytes


def iter_messages(paths: list[str]) -> Iterator[RawMessage]:
    """Yield every message under `paths`; `-` reads stdin.

    A directory with `cur/` or `new/` is a maildir; any other directory is searched,
    recursively, for `*.eml` files. A file that starts with an mbox `From ` line is split
    into its messages, named `<path>#<n>`.

    Raises:
        FileNotFoundError: a path does not exist.
    """
    for path in paths:
        if path == "-":
            yield from _iter_stream("<stdin>", sys.stdin.buffer)
            continue
        yield from _iter_path(Path(path))


def _iter_path(path: Path) -> Iterator[RawMessage]:
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    if path.is_file():
        with path.open("rb") as stream:
            yield from _iter_stream(str(path), stream)
        return
    for file in _directory_files(path):
        with file.open("rb") as stream:
            yield from _iter_stream(str(file), stream)


def _directory_files(path: Path) -> list[Path]:
    maildir = [path / "new", path / "cur"]
    if any(folder.is_dir() for folder in maildir):
        return [f for folder in maildir if folder.is_dir() for f in sorted(folder.iterdir())]
    return sorted(path.rglob("*.eml"))


def _iter_stream(origin: str, stream: BinaryIO) -> Iterator[RawMessage]:
    head = stream.read(5)
    if not is_mbox(head):
        yield RawMessage(origin, head + stream.read())
        return
    lines = _prepend(head, stream)
    for index, data in enumerate(iter_mbox(lines), start=1):
        yield RawMessage(f"{origin}#{index}", data)


def _prepend(head: bytes, stream: BinaryIO) -> Iterator[bytes]:
    first = head + stream.readline()
    yield first
    yield from stream
