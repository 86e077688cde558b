"""A fast MIME reader that builds the same `compat32` message tree as the stdlib parser.

`email.message_from_bytes` spends most of its time in the feed parser's
machinery: a generator per part, a line buffer that checks a stack of end
matchers on every line, and incremental feeding. `read_message` walks a list
of lines instead, with the same rules as `email.feedparser.FeedParser._parsegen`
(Python 3.11): header lines, `message/delivery-status` blocks, `message/*`
bodies and multipart boundaries, preamble and epilogue trimming, and the
`multipart/digest` default type.

It returns None, and leaves the input to the stdlib parser, where that parser
takes a rarely used branch or records most kinds of defect. Those inputs are
a header line that is neither a field nor a continuation, a multipart without
a boundary parameter or with a transfer encoding other than 7bit, 8bit or
binary, an envelope "From " line after the first line, and line ends other
than LF and CRLF. Truncated multiparts (no boundary line, no close boundary,
or a boundary line at the end) are read, as they are common in returned
originals. Differential tests check that the trees are the same on the
corpus, the fixtures and mutated samples.

NOTE: the rules follow the 3.11 feed parser; rerun tests/bounce_parser/test_mime.py on a new Python.
"""

from __future__ import annotations

import email.message
import re
from collections.abc import Callable
from dataclasses import dataclass

_HEADER_LINE = re.compile(r"[\041-\071\073-\176]*:")
_BLANK_LINE = re.compile(r"\r\n|\r|\n")
_EOL = re.compile(r"(\r\n|\r|\n)\Z")
#: Characters that `str.splitlines` treats as line ends and the feed parser does not.
_OTHER_LINE_ENDS = ("\x0b", "\x0c", "\x1c", "\x1d", "\x1e")
_PLAIN_MULTIPART_ENCODINGS = ("7bit", "8bit", "binary")
# A Content-Type value whose parameters are all name=token or name="text"
# without escapes, angle brackets or RFC 2231 stars.
_PARAM_SOURCE = r';[ \t\r\n]*([A-Za-z0-9_.-]+)[ \t]*=[ \t]*(?:"([^"\\<>]*)"|([^\s;"\\<>]+))'
_SIMPLE_PARAMS = re.compile(r'[^;"\\=]*(?:' + _PARAM_SOURCE + r"[ \t\r\n]*)*;?\s*")
_PARAM = re.compile(_PARAM_SOURCE)

Matcher = Callable[[str], object]


class _Unusual(Exception):
    """The input takes a branch the fast reader leaves to the stdlib parser."""


@dataclass(frozen=True, slots=True)
class ReadMessage:
    """A parsed message with every part and its content type, in `walk()` order."""

    msg: email.message.Message
    parts: list[email.message.Message]
    content_types: list[str]


def read_message(data: bytes) -> ReadMessage | None:
    """Return the compat32 tree of `data`, or None when the stdlib parser must read it."""
    text = data.decode("ascii", "surrogateescape")
    if text.count("\r") != text.count("\r\n") or any(char in text for char in _OTHER_LINE_ENDS):
        return None
    reader = _Reader(text.splitlines(keepends=True))
    try:
        reader.message(None, "")
    except _Unusual:
        return None
    return ReadMessage(reader.parts[0], reader.parts, reader.content_types)


class _Reader:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.pos = 0
        #: End matchers of the enclosing levels, innermost last.
        self.stops: list[Matcher] = []
        #: The message created most recently, as the stdlib parser tracks it:
        #: the line end before a boundary is trimmed from this one.
        self.last: email.message.Message | None = None
        self.last_type = ""
        #: Every message created and its content type: creation order is the
        #: depth-first order of `Message.walk()`.
        self.parts: list[email.message.Message] = []
        self.content_types: list[str] = []

    def readline(self) -> str:
        """Return the next line, or "" at the end of the current level."""
        if self.pos >= len(self.lines):
            return ""
        line = self.lines[self.pos]
        # Boundary matchers need a line starting with "-", blank-line matchers a
        # line starting with a line end, so other lines skip the checks.
        if self.stops and line[0] in "-\r\n":
            for stop in self.stops:
                if stop(line):
                    return ""
        self.pos += 1
        return line

    def rest(self) -> list[str]:
        """Read every line to the end of the current level."""
        # readline() inlined: leaf bodies hold most lines of a message.
        lines, stops, start = self.lines, self.stops, self.pos
        end = start
        count = len(lines)
        while end < count:
            line = lines[end]
            if stops and line[0] in "-\r\n" and any(stop(line) for stop in stops):
                break
            end += 1
        self.pos = end
        return lines[start:end]

    def message(self, parent: email.message.Message | None, parent_type: str) -> None:
        msg = email.message.Message()
        if parent is not None:
            if parent_type == "multipart/digest":
                msg.set_default_type("message/rfc822")
            parent.attach(msg)
        self.last = msg
        raw_type = self._headers(msg)
        content_type = _content_type(msg, raw_type)
        self.last_type = content_type
        self.parts.append(msg)
        self.content_types.append(content_type)
        if content_type == "message/delivery-status":
            self._status_blocks(msg)
        elif content_type.startswith("message/"):
            self.message(msg, content_type)
        elif content_type.startswith("multipart/"):
            self._multipart(msg, content_type, raw_type)
        else:
            msg.set_payload("".join(self.rest()))

    def _headers(self, msg: email.message.Message) -> str | None:
        """Read the header section into `msg`; return the first Content-Type value."""
        # readline() and compat32's header_source_parse are inlined: header
        # lines are most of a bounce's lines.
        lines, stops, pos = self.lines, self.stops, self.pos
        count = len(lines)
        field: list[str] = []
        set_raw = msg.set_raw
        content_type: str | None = None
        while pos < count:
            line = lines[pos]
            lead = line[0]
            if lead in "-\r\n" and stops and any(stop(line) for stop in stops):
                break
            pos += 1
            if lead in " \t":
                if not field:
                    raise _Unusual  # the stdlib records a continuation first line
                field.append(line)
                continue
            if field:
                name, value = _field(field)
                set_raw(name, value)
                if content_type is None and name[:1] in "Cc" and name.lower() == "content-type":
                    content_type = value
                field = []
            elif line.startswith("From "):
                if pos - 1 != self.pos:
                    raise _Unusual  # an envelope line inside the headers
                msg.set_unixfrom(line.rstrip("\r\n"))
                continue
            if lead in "\r\n":
                break  # the blank line that ends the header section
            if not _HEADER_LINE.match(line) or lead == ":" or line.startswith("From "):
                raise _Unusual  # the stdlib records a missing separator or name
            field = [line]
        if field:
            name, value = _field(field)
            set_raw(name, value)
            if content_type is None and name[:1] in "Cc" and name.lower() == "content-type":
                content_type = value
        self.pos = pos
        return content_type

    def _status_blocks(self, msg: email.message.Message) -> None:
        # RFC 3464 field blocks: compat32 reads each blank-line separated block
        # as a header-only message.
        while True:
            self.stops.append(_BLANK_LINE.match)
            self.message(msg, "message/delivery-status")
            self.stops.pop()
            self.readline()
            line = self.readline()
            if not line:
                return
            self.pos -= 1

    def _empty_part(self, msg: email.message.Message, content_type: str) -> None:
        """Add the empty part the stdlib parser makes of a boundary that ends the input."""
        if content_type == "multipart/digest":
            raise _Unusual  # its parts default to message/rfc822
        part = email.message.Message()
        msg.attach(part)
        part.set_payload("")
        self.parts.append(part)
        self.content_types.append(part.get_content_type())

    def _multipart(
        self, msg: email.message.Message, content_type: str, raw_type: str | None
    ) -> None:
        boundary = _boundary(raw_type) or msg.get_boundary()
        encoding = str(msg.get("content-transfer-encoding", "8bit")).lower()
        if boundary is None or encoding not in _PLAIN_MULTIPART_ENCODINGS:
            raise _Unusual
        separator = _Separator("--" + boundary)
        preamble: list[str] = []
        in_preamble = True
        closing_line_end = ""
        closed = False
        while line := self.readline():
            match = separator(line)
            if match is None:
                if not in_preamble:
                    raise _Unusual  # unreachable: a part's reader stops only at a boundary
                preamble.append(line)
                continue
            is_close, line_end = match
            if is_close:
                closed = True
                closing_line_end = line_end
                break
            if in_preamble:
                if preamble:
                    preamble[-1] = _EOL.sub("", preamble[-1])
                    msg.preamble = "".join(preamble)
                in_preamble = False
            # Repeated boundary lines start one part.
            while (line := self.readline()) and separator(line) is not None:
                pass
            if line:
                self.pos -= 1
                self.stops.append(separator)
                self.message(msg, content_type)
                self.stops.pop()
                if self.last is not None:
                    _trim_part_end(self.last, self.last_type)
            else:
                self._empty_part(msg, content_type)
            self.last, self.last_type = msg, content_type
        if in_preamble:
            # No boundary line at all (a truncated original): compat32 keeps
            # the lines as a text payload and sets an empty epilogue.
            msg.set_payload("".join(preamble))
            msg.epilogue = ""
            return
        if not closed:
            # A truncated original: the stdlib records the defect, keeps the
            # parts read so far and sets no epilogue.
            return
        epilogue = [""] if closing_line_end else []
        epilogue.extend(self.rest())
        if epilogue:
            lead = _BLANK_LINE.match(epilogue[0])
            if lead is not None:
                epilogue[0] = epilogue[0][lead.end() :]
        msg.epilogue = "".join(epilogue)


class _Separator:
    """Match a boundary line as the stdlib's regex does.

    The regex is `--boundary(--)?[ \\t]*(\\r\\n|\\r|\\n)?$`; a compiled regex per
    boundary costs more than the whole match, since every message has its own.
    Returns (is the close boundary, its line end) or None.
    """

    __slots__ = ("separator",)

    def __init__(self, separator: str) -> None:
        self.separator = separator

    def __call__(self, line: str) -> tuple[bool, str] | None:
        if not line.startswith(self.separator):
            return None
        rest = line[len(self.separator) :]
        is_close = rest.startswith("--")
        if is_close:
            rest = rest[2:]
        rest = rest.lstrip(" \t")
        if rest not in ("", "\n", "\r\n", "\r"):
            return None
        return is_close, rest


def _content_type(msg: email.message.Message, value: str | None) -> str:
    """Return `msg.get_content_type()`, computed from the raw Content-Type value."""
    if value is None:
        return msg.get_default_type()
    if not value.isascii():
        return msg.get_content_type()  # compat32 hands 8-bit values out as a Header
    content_type = value.partition(";")[0].strip().lower()
    return content_type if content_type.count("/") == 1 else "text/plain"


def _boundary(value: str | None) -> str | None:
    """Return the boundary parameter of a plain Content-Type value, or None.

    None also when the value has anything `Message.get_boundary` treats
    specially (RFC 2231 parameters, escapes, angle brackets); the caller then
    asks it.
    """
    if value is None or not value.isascii() or _SIMPLE_PARAMS.fullmatch(value) is None:
        return None
    for name, quoted, bare in _PARAM.findall(value):
        if name.lower() == "boundary":
            return (quoted or bare).rstrip() or None
    return None


def _trim_part_end(part: email.message.Message, content_type: str) -> None:
    """Drop the line end before the next boundary, which belongs to the boundary."""
    if content_type.startswith("multipart/"):
        if part.epilogue == "":
            part.epilogue = None
        elif part.epilogue is not None:
            part.epilogue = _EOL.sub("", part.epilogue)
        return
    # The raw payload attribute, as the stdlib parser reads it: get_payload()
    # would decode surrogate-escaped bytes.
    payload = getattr(part, "_payload", None)
    if isinstance(payload, str):
        part.set_payload(_EOL.sub("", payload))


def _field(lines: list[str]) -> tuple[str, str]:
    """Return a header's name and raw value as compat32's header_source_parse does."""
    name, value = lines[0].split(":", 1)
    if len(lines) > 1:
        value = value.lstrip(" \t") + "".join(lines[1:])
        return name, value.rstrip("\r\n")
    return name, value.lstrip(" \t").rstrip("\r\n")
