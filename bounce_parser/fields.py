"""Read the RFC 822-style field blocks of delivery-status and feedback-report parts.

A `message/delivery-status` body (RFC 3464 section 2.1) and a
`message/feedback-report` body (RFC 5965 section 3) are blocks of header-style
fields separated by blank lines, with folded continuation lines. Real reports
also put these fields in a text/plain part or straight in the message text, so
the reader takes plain text and stops at the first line that is not a field.
"""

from __future__ import annotations

import email.message
import re

from bounce_parser.message import MAX_TEXT_BYTES, part_text

#: One field block: (lower-cased field name, unfolded value) pairs in order.
FieldBlock = list[tuple[str, str]]

_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9-]{0,60})[ \t]*:[ \t]*(.*)$")
#: Field lines read from one text; a report has a few dozen per recipient.
_MAX_LINES = 20_000


def read_field_blocks(text: str, *, stop_at_other_text: bool = False) -> list[FieldBlock]:
    """Split `text` into field blocks at blank lines, unfolding continuation lines.

    With `stop_at_other_text`, reading ends at the first non-blank line that is
    neither a field nor a continuation, so a pasted original after the fields
    is not read as more fields.
    """
    blocks: list[FieldBlock] = []
    current: FieldBlock = []
    for line in text.split("\n", _MAX_LINES)[:_MAX_LINES]:
        line = line.rstrip("\r")
        if not line.strip():
            if current:
                blocks.append(current)
                current = []
            continue
        if line[0] in " \t" and current:
            name, value = current[-1]
            current[-1] = (name, f"{value} {line.strip()}".strip())
            continue
        match = _FIELD.match(line)
        if match is None:
            if stop_at_other_text:
                break
            continue
        current.append((match.group(1).lower(), match.group(2).strip()))
    if current:
        blocks.append(current)
    return blocks


def part_field_blocks(part: email.message.Message) -> list[FieldBlock]:
    """Return the field blocks of a delivery-status or feedback-report part.

    compat32 parses every `message/*` body as header sections: one per block
    for `message/delivery-status`, and a single message (first block as its
    headers, the rest as its body) for other types such as
    `message/feedback-report` and `message/global-delivery-status`.
    """
    payload = part.get_payload()
    if not isinstance(payload, list):
        return read_field_blocks(part_text(part))
    blocks: list[FieldBlock] = []
    for block in payload:
        if not isinstance(block, email.message.Message):
            continue
        fields = [
            (str(name).lower(), " ".join(_utf8(str(value)).split()))
            for name, value in block.raw_items()
        ]
        if fields:
            blocks.append(fields)
        # decode=True returns the body's original bytes, where a plain
        # get_payload() would replace non-ASCII bytes with U+FFFD.
        rest = block.get_payload(decode=True)
        if isinstance(rest, bytes) and rest.strip():
            blocks.extend(read_field_blocks(rest[:MAX_TEXT_BYTES].decode("utf-8", "replace")))
    return blocks


def _utf8(text: str) -> str:
    """Undo compat32's surrogate escapes: RFC 6533 fields carry raw UTF-8."""
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def first_value(block: FieldBlock, name: str) -> str | None:
    """Return the value of the first `name` field in `block`, or None."""
    for field_name, value in block:
        if field_name == name:
            return value or None
    return None


def all_values(block: FieldBlock, name: str) -> list[str]:
    """Return the values of every `name` field in `block`, in order."""
    return [value for field_name, value in block if field_name == name and value]
