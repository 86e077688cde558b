"""`mailrep parse` and `mailrep ingest` read the same messages from the same directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from api.cli._sources import iter_messages, list_message_files
from tests.api.samples import make_dsn

BOUNCE = make_dsn("gone@example.net")
MBOX = b"".join(
    b"From MAILER-DAEMON Fri Dec  4 10:00:00 2026\n" + BOUNCE + b"\n" for _ in range(2)
)


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


@pytest.fixture
def mixed_directory(tmp_path: Path) -> Path:
    """A folder with an mbox, files without .eml, a maildir and entries to skip."""
    root = tmp_path / "returned"
    _write(root / "archive.mbox", MBOX)
    _write(root / "msg1", BOUNCE)
    _write(root / "msg2.txt", BOUNCE)
    _write(root / ".hidden.eml", BOUNCE)
    _write(root / "Maildir" / "new" / "1.host", BOUNCE)
    _write(root / "Maildir" / "cur" / "2.host:2,S", BOUNCE)
    _write(root / "Maildir" / "tmp" / "3.host", BOUNCE)
    return root


def test_list_message_files_skips_hidden_and_maildir_tmp(mixed_directory: Path) -> None:
    names = [path.name for path in list_message_files(mixed_directory)]

    assert names == ["2.host:2,S", "1.host", "archive.mbox", "msg1", "msg2.txt"]


def test_iter_messages_splits_mbox_in_directory(mixed_directory: Path) -> None:
    origins = [message.origin for message in iter_messages([str(mixed_directory)])]

    assert len(origins) == 6
    assert origins.count(f"{mixed_directory / 'archive.mbox'}#1") == 1
    assert origins.count(f"{mixed_directory / 'archive.mbox'}#2") == 1


def test_parse_directory_reads_what_ingest_reads(
    mixed_directory: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["parse", "--json", str(mixed_directory)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    assert code == 0
    assert len(lines) == len(list(iter_messages([str(mixed_directory)])))
    assert [line["file"] for line in lines][2:4] == ["archive.mbox#1", "archive.mbox#2"]
    assert all(line["recipients"][0]["hard_bounce"] for line in lines)
