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

    Directories are read as `list_message_files` lists them. A file that starts with an
    mbox `From ` line is split into its messages, named `<path>#<n>`.

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
    for file in list_message_files(path):
        with file.open("rb") as stream:
            yield from _iter_stream(str(file), stream)


def list_message_files(path: Path) -> list[Path]:
    """List the message files under `path`, which may be a file, a maildir or any directory.

    A directory is searched recursively, in sorted order, and every regular file in it is
    a message or an mbox, whatever its name. Entries whose names start with a dot are
    skipped, and so is the `tmp/` folder of a maildir (a folder with `cur/` or `new/`),
    which contains messages still being written. `mailrep parse` and `mailrep ingest` both
    read directories this way, so they see the same messages.
    """
    if not path.is_dir():
        return [path]
    is_maildir = (path / "cur").is_dir() or (path / "new").is_dir()
    files: list[Path] = []
    for child in sorted(path.iterdir()):
        if child.name.startswith(".") or (is_maildir and child.name == "tmp"):
            continue
        if child.is_dir():
            files.extend(list_message_files(child))
        elif child.is_file():
            files.append(child)
    return files


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
