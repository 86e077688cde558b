"""Splitting Unix mbox data into messages."""

from __future__ import annotations

from bounce_parser.mbox import is_mbox, split_mbox

_MBOX = (
    b"From MAILER-DAEMON Thu Apr 29 23:34:45 2015\nSubject: one\n\nbody one\n"
    b"From is a word at the start of this line, not a separator.\n\n"
    b"From MAILER-DAEMON Thu Apr 29 23:34:46 2015\nSubject: two\n\nbody two\n"
)


def test_split_mbox_two_messages_drops_separator_lines() -> None:
    messages = split_mbox(_MBOX)

    assert len(messages) == 2
    assert messages[0].startswith(b"Subject: one")
    assert b"From is a word" in messages[0]
    assert messages[1].startswith(b"Subject: two")


def test_split_mbox_plain_message_is_one_message() -> None:
    raw = b"Subject: one\n\nFrom here on.\n"

    assert is_mbox(raw) is False
    assert split_mbox(raw) == [raw]


def test_split_mbox_crlf_separators_are_recognised() -> None:
    assert len(split_mbox(_MBOX.replace(b"\n", b"\r\n"))) == 2


def test_split_mbox_envelope_line_without_blank_line_splits() -> None:
    data = (
        b"From a@example.com Thu Jul  2 12:05:05 2020\nSubject: one\n\nbody\n--b--\n"
        b"From b@example.com  Thu Jul  2 12:05:06 2020\nSubject: two\n\nbody\n"
    )
    assert [m.split(b"\n", 1)[0] for m in split_mbox(data)] == [b"Subject: one", b"Subject: two"]
