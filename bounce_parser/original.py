"""Find the returned original message in a bounce or complaint and read its headers.

Reports return the original in one of three ways: a `message/rfc822` (or RFC
6532 `message/global`) part, a `text/rfc822-headers` part (RFC 6522 section 4;
some feedback loops write `text/rfc822-header`), or, in plain-text bounces,
the headers pasted into the text after a marker line such as
"----- Original message -----".

NOTE: an original quoted with "> " prefixes is not recognised, so such a report has no original.
"""

from __future__ import annotations

import email.message
import re
from collections.abc import Iterable, Iterator

from bounce_parser.fields import read_field_blocks
from bounce_parser.message import MessageView, decode_header_value, part_text
from bounce_parser.types import OriginalMessage

_MEMO_KEY = "original.headers"
_ORIGINAL_TYPES = ("message/rfc822", "message/global")
_HEADER_TYPES = ("text/rfc822-headers", "text/rfc822-header", "message/rfc822-headers")
#: Header section read from pasted or text/rfc822-headers originals.
_MAX_HEADER_CHARS = 64 * 1024
_IDENTITY_HEADERS = frozenset({"message-id", "from", "to", "subject", "return-path"})

# Marker lines that MTAs put before a pasted original: Sendmail "Original message
# follows", qmail "Below this line is a copy of the message", Exim "This is a copy
# of the message, including all the headers", Exchange "Original message headers".
# The lookahead on the first letters lets the regex engine skip most positions
# cheaply. Without it, this search took half as long as the MIME parse itself.
_MARKER_WORDS = (
    r"(?:original|returned|undelivered|bounced|failed) (?:message|mail|e-?mail)"
    r"|copy of (?:the|your) (?:original )?message"
    r"|(?:message|original) (?:header|follows)"
    r"|headers? of (?:the|your) (?:original )?message"
)
_MARKER = re.compile(rf"(?=[bcfhmoruBCFHMORU])(?:{_MARKER_WORDS})", re.IGNORECASE)
# The same over lower-cased text: a case-sensitive search is about twice as fast.
_MARKER_LOWER = re.compile(rf"(?=[bcfhmoru])(?:{_MARKER_WORDS})")
_RETURN_PATH_LINE = re.compile(r"^Return-Path:", re.MULTILINE)
_HEADER_LINE = re.compile(r"^[A-Za-z][\w-]{0,60}:[ \t]?")


def original_headers(view: MessageView) -> email.message.Message | None:
    """Return the header section of the returned original, or None when there is none.

    Read once per view; callers only read the returned headers.
    """
    if _MEMO_KEY not in view.memo:
        view.memo[_MEMO_KEY] = _find_headers(view)
    headers = view.memo[_MEMO_KEY]
    return headers if isinstance(headers, email.message.Message) else None


def _find_headers(view: MessageView) -> email.message.Message | None:
    for part, content_type in zip(view.parts[1:], view.content_types[1:], strict=True):
        if content_type in _ORIGINAL_TYPES:
            embedded = _embedded_message(part)
            if embedded is not None:
                return embedded
        elif content_type in _HEADER_TYPES:
            return _parse_headers(part_text(part, _MAX_HEADER_CHARS))
    return _pasted_headers(view.text, view.text_lower)


def extract_original(view: MessageView) -> OriginalMessage | None:
    """Return the returned original's identifying headers, or None when absent."""
    headers = original_headers(view)
    if headers is None:
        return None
    # One pass over the headers instead of Message.get's pass per name.
    wanted: dict[str, tuple[str, str]] = {}
    for name, value in headers.raw_items():
        key = name.lower()
        if key in _IDENTITY_HEADERS and key not in wanted:
            wanted[key] = (name, value)
    original = OriginalMessage(
        message_id=_header(headers, wanted.get("message-id")),
        from_=_header(headers, wanted.get("from")),
        to=_header(headers, wanted.get("to")),
        subject=_header(headers, wanted.get("subject")),
        return_path=_header(headers, wanted.get("return-path")),
    )
    if original == OriginalMessage():
        return None
    return original


def _embedded_message(part: email.message.Message) -> email.message.Message | None:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and isinstance(payload[0], email.message.Message):
        inner = payload[0]
        if inner.keys():
            return inner
        # A blank line before the embedded headers leaves them in the body.
        body = inner.get_payload()
        return _parse_headers(body) if isinstance(body, str) else None
    # A message/rfc822 part whose body was transfer-encoded stays text.
    return _parse_headers(part_text(part, _MAX_HEADER_CHARS))


def _parse_headers(text: str) -> email.message.Message | None:
    head = text.lstrip("\n")[:_MAX_HEADER_CHARS].split("\n\n", 1)[0]
    if not _HEADER_LINE.match(head):
        return None
    return _message_from_fields(head)


def _message_from_fields(head: str) -> email.message.Message | None:
    """Build a header-only message from a header section's text.

    Cheaper than the stdlib HeaderParser, which sets up a whole MIME parse
    for what is only a list of fields here.
    """
    blocks = read_field_blocks(head)
    if not blocks:
        return None
    headers = email.message.Message()
    for name, value in blocks[0]:
        headers[name] = value
    return headers


def _pasted_headers(text: str, lowered: str) -> email.message.Message | None:
    # Lower-casing keeps the positions unless a character changes length.
    markers = (
        _MARKER_LOWER.finditer(lowered) if len(lowered) == len(text) else _MARKER.finditer(text)
    )
    for marker in markers:
        line_end = text.find("\n", marker.end())
        if line_end < 0:
            return None
        following = text[line_end : line_end + _MAX_HEADER_CHARS].lstrip("\n")
        block = _leading_header_block(_lines(following))
        if block:
            return _message_from_fields("\n".join(block))

    # Old Sendmail pastes the original after the DSN fields with no marker;
    # Return-Path is the first header a delivered copy carries.
    return_path = _RETURN_PATH_LINE.search(text)
    if return_path is not None:
        start = return_path.start()
        block = _leading_header_block(_lines(text[start : start + _MAX_HEADER_CHARS]))
        if block:
            return _message_from_fields("\n".join(block))
    return None


def _lines(text: str) -> Iterator[str]:
    """Yield the lines of `text` one by one.

    The header block after a marker is a few lines of a long text, and bounce
    prose names "the original message" several times, so splitting the whole
    rest of the text at each mention cost more than reading the block.
    """
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def _leading_header_block(lines: Iterable[str]) -> list[str]:
    block: list[str] = []
    for line in lines:
        stripped = line.strip()
        if not stripped:
            if block:
                break
            continue
        if not block and not stripped.strip("-=_*~#"):
            continue  # a rule line between the marker and the headers
        if _HEADER_LINE.match(stripped):
            block.append(stripped)
        elif block:
            # A continuation line, or one that lost its indentation when the
            # bounce text was rewrapped (GMX): either way it belongs to the
            # previous header.
            block.append(" " + stripped)
        else:
            break
    has_identity = any(
        line.split(":", 1)[0].lower() in ("from", "to", "subject", "message-id") for line in block
    )
    return block if has_identity else []


def _header(headers: email.message.Message, field: tuple[str, str] | None) -> str | None:
    if field is None:
        return None
    try:
        # header_fetch_parse is what Message.get applies to the raw value.
        value = decode_header_value(headers.policy.header_fetch_parse(*field))
    except Exception:  # a malformed header is treated as absent
        return None
    return value or None
