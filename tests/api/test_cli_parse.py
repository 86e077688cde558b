"""`mailrep parse`: inputs (file, directory, mbox, stdin), output forms and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from api.cli import main

_DSN = (
    b"From: MAILER-DAEMON@mx.example.com\nTo: sender@example.org\nSubject: failure\n"
    b"MIME-Version: 1.0\n"
    b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
    b"--b\nContent-Type: text/plain\n\nDelivery failed.\n\n"
    b"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n"
    b"Final-Recipient: rfc822; gone@example.net\nAction: failed\nStatus: 5.1.1\n"
    b"Diagnostic-Code: smtp; 550 5.1.1 User unknown\n\n"
    b"--b\nContent-Type: text/rfc822-headers\n\nFrom: sender@example.org\n"
    b"Message-ID: <inv1@example.org>\nSubject: Invoice 1\n\n--b--\n"
)
_PLAIN = b"From: a@example.com\nTo: b@example.com\nSubject: hello\n\nJust a message.\n"
_MBOX = (
    b"From MAILER-DAEMON Mon Mar  2 09:00:00 2026\n"
    + _DSN
    + b"\n"
    + (b"From a@example.com Mon Mar  2 09:00:01 2026\n" + _PLAIN)
)


def _json_lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines()]


def test_parse_json_file_prints_one_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bounce.eml").write_bytes(_DSN)

    code = main(["parse", "--json", str(tmp_path / "bounce.eml")])

    assert code == 0
    (report,) = _json_lines(capsys.readouterr().out)
    assert report["file"] == "bounce.eml"
    assert report["kind"] == "delivery_status"
    assert report["family"] == "rfc3464"
    assert report["original"] == {
        "message_id": "<inv1@example.org>",
        "from": "sender@example.org",
        "to": None,
        "subject": "Invoice 1",
        "return_path": None,
    }
    (recipient,) = report["recipients"]  # type: ignore[misc]
    assert recipient["address"] == "gone@example.net"
    assert recipient["hard_bounce"] is True
    assert recipient["reason"] == "userunknown"
    assert recipient["status"] == "5.1.1"
    assert recipient["reply_code"] == "550"
    assert set(recipient) >= {"evidence", "diagnostic", "remote_mta", "feedback_type", "source_ip"}


def test_parse_table_has_header_and_recipient_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bounce.eml").write_bytes(_DSN)

    assert main(["parse", str(tmp_path / "bounce.eml")]) == 0

    header, row = capsys.readouterr().out.splitlines()
    assert header.split() == ["file", "kind", "address", "bounce", "reason", "status", "reply"]
    assert row.split() == [
        "bounce.eml",
        "delivery_status",
        "gone@example.net",
        "hard",
        "userunknown",
        "5.1.1",
        "550",
    ]
    assert header.index("kind") == row.index("delivery_status")


def test_parse_directory_reads_files_sorted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "b.eml").write_bytes(_PLAIN)
    (tmp_path / "a.eml").write_bytes(_DSN)
    (tmp_path / "sub").mkdir()

    assert main(["parse", "--json", str(tmp_path)]) == 0

    reports = _json_lines(capsys.readouterr().out)
    assert [r["file"] for r in reports] == ["a.eml", "b.eml"]
    assert reports[1]["kind"] == "not_bounce"
    assert reports[1]["recipients"] == []


def test_parse_mbox_numbers_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "box").write_bytes(_MBOX)

    assert main(["parse", "--json", str(tmp_path / "box")]) == 0

    reports = _json_lines(capsys.readouterr().out)
    assert [r["file"] for r in reports] == ["box#1", "box#2"]
    assert [r["kind"] for r in reports] == ["delivery_status", "not_bounce"]


def test_parse_stdin_mbox_is_split(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(_MBOX)))

    assert main(["parse", "--json", "-"]) == 0

    assert [r["file"] for r in _json_lines(capsys.readouterr().out)] == ["-#1", "-#2"]


def test_parse_missing_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bounce.eml").write_bytes(_DSN)
    missing = tmp_path / "missing.eml"

    code = main(["parse", "--json", str(missing), str(tmp_path / "bounce.eml")])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.err == f"mailrep parse: cannot read {missing}: No such file or directory\n"
    assert [r["file"] for r in _json_lines(captured.out)] == ["bounce.eml"]


def test_parse_garbage_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "noise.bin").write_bytes(bytes(range(256)) * 40)

    assert main(["parse", "--json", str(tmp_path / "noise.bin")]) == 0

    (report,) = _json_lines(capsys.readouterr().out)
    assert report["recipients"] == []


def test_parse_unreadable_file_in_directory_skips_only_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.eml").write_bytes(_DSN)
    locked = tmp_path / "b.eml"
    locked.write_bytes(_PLAIN)
    (tmp_path / "c.eml").write_bytes(_PLAIN)
    real_open = Path.open

    # chmod cannot lock a file against root, so the open itself is made to fail.
    def open_or_deny(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_or_deny)

    code = main(["parse", "--json", str(tmp_path)])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.err == f"mailrep parse: cannot read {locked}: Permission denied\n"
    assert [r["file"] for r in _json_lines(captured.out)] == ["a.eml", "c.eml"]
