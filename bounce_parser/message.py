"""A tolerant, read-only view of one raw message for the detectors.

Parsing uses the stdlib `compat32` policy: it is several times faster than
`policy.default` and records defects instead of raising on broken MIME. Text is
decoded once per part with the declared charset, falling back to UTF-8 and then
Latin-1, so a detector never sees bytes or an exception.
"""

from __future__ import annotations

import email
import email.header
import email.message
import email.parser
import email.policy
import re

from bounce_parser.mime import read_message

#: Bytes of one part's text that detectors scan. Bounce text sits at the top of
#: the part; the cap keeps a 10 MB message (an attached original) cheap.
MAX_TEXT_BYTES = 256 * 1024

#: Bytes of a message handed to the MIME parser; the rest is ignored.
MAX_PARSE_BYTES = 1024 * 1024
#: Multipart and message/* parts beyond which the body is not split into
#: parts, since the stdlib parser recurses once per level. Real reports nest
#: three or four levels.
MAX_CONTAINERS = 64

_CONTAINER = re.compile(rb"boundary\*?\s*=|content-type:\s*message/", re.IGNORECASE)
_HEADER_PARSER = email.parser.BytesHeaderParser(policy=email.policy.compat32)
_HTML_TAG = re.compile(r"<[^>]{0,2000}>")
_HTML_BREAK = re.compile(r"<\s*(?:br|/p|/div|/tr|/li)\b[^>]{0,200}>", re.IGNORECASE)


def decode_header_value(value: str | email.header.Header | None) -> str | None:
    """Decode an RFC 2047 header value and unfold it; `None` when absent."""
    if value is None:
        return None
    if isinstance(value, str) and "=?" not in value:
        return " ".join(value.split())
    try:
        # compat32 returns a Header for a value with raw 8-bit bytes, such as
        # an unencoded UTF-8 subject. Decoding the Header keeps those bytes,
        # and str() would replace them.
        parts = email.header.decode_header(
            value if isinstance(value, email.header.Header) else str(value)
        )
    except Exception:  # a broken encoded word keeps its raw text
        return " ".join(str(value).split())
    words: list[str] = []
    for chunk, charset in parts:
        if isinstance(chunk, bytes):
            words.append(_decode_bytes(chunk, charset))
        else:
            words.append(chunk)
    return " ".join("".join(words).split())


def _decode_bytes(data: bytes, charset: str | None) -> str:
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")


def part_text(
    part: email.message.Message, limit: int = MAX_TEXT_BYTES, *, is_html: bool | None = None
) -> str:
    """Return the decoded text of a non-multipart part, at most `limit` bytes of it.

    HTML is reduced to text; `is_html` saves looking up the content type when
    the caller knows it.
    """
    if part.is_multipart():
        return ""
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # a broken transfer encoding yields its raw text
        payload = None
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        payload = raw.encode("utf-8", "replace") if isinstance(raw, str) else b""
    charset = part.get_content_charset()
    text = _decode_bytes(payload[:limit], charset)
    if is_html is None:
        is_html = part.get_content_subtype() == "html"
    if is_html:
        text = html_to_text(text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def html_to_text(html: str) -> str:
    """Reduce HTML to text with line breaks, good enough for pattern matching."""
    import html as html_module

    text = _HTML_BREAK.sub("\n", html)
    text = _HTML_TAG.sub("", text)
    return html_module.unescape(text)


class MessageView:
    """One parsed message and decoded views of it, each computed once, for the detectors.

    The views are plain attributes filled on first use. In Python 3.11
    `functools.cached_property` takes a lock shared by all instances the first
    time each instance computes a value, and a view lives for one message.
    """

    def __init__(self, raw: bytes, *, fast: bool = True) -> None:
        self.raw = raw
        #: What was cut or simplified to keep parsing bounded, for the report.
        self.problems: list[str] = []
        self._parts: list[email.message.Message] | None = None
        self._content_types: list[str] | None = None
        self.msg: email.message.Message = self._parse(raw, fast)
        self._headers: dict[str, str | None] = {}
        self._raw_headers: dict[str, tuple[str, str]] | None = None
        self._parts_by_type: dict[tuple[str, ...], list[email.message.Message]] = {}
        self._subject: str | None = None
        self._from: str | None = None
        self._text: str | None = None
        self._text_lower: str | None = None
        #: Results that several steps of `parse_message` need, keyed by step.
        #: The owner module documents each value; the view only keeps it.
        self.memo: dict[str, object] = {}

    def _parse(self, raw: bytes, fast: bool) -> email.message.Message:
        # The stdlib parser costs about a microsecond per line and recurses
        # once per nested multipart, so a 10 MB message of short lines or a
        # few thousand nested boundaries would take seconds or overflow the
        # stack. Bounce text and report parts come first; the cut only loses
        # the tail of a returned original.
        data = raw
        if len(data) > MAX_PARSE_BYTES:
            cut = data.rfind(b"\n", MAX_PARSE_BYTES - 65536, MAX_PARSE_BYTES)
            data = data[: cut + 1 if cut > 0 else MAX_PARSE_BYTES]
            self.problems.append(f"message truncated to {len(data)} of {len(raw)} bytes")
        # Counting the words is cheaper than the regex and bounds it from above.
        containers = 0
        lowered = data.lower()
        if lowered.count(b"boundary") + lowered.count(b"message/") > MAX_CONTAINERS:
            containers = len(_CONTAINER.findall(data))
        if containers > MAX_CONTAINERS:
            self.problems.append(
                f"{containers} multipart and message parts exceed {MAX_CONTAINERS};"
                " body read as text"
            )
            return _HEADER_PARSER.parsebytes(data)
        if fast:
            read = read_message(data)
            if read is not None:
                self._parts, self._content_types = read.parts, read.content_types
                return read.msg
        return email.message_from_bytes(data, policy=email.policy.compat32)

    def header(self, name: str) -> str | None:
        """Return the decoded, unfolded value of the first `name` header."""
        key = name.lower()
        if key in self._headers:
            return self._headers[key]
        if self._raw_headers is None:
            # Message.get lower-cases every header name on each call, and the
            # detectors ask for a dozen names, most of them absent.
            self._raw_headers = {}
            for raw_name, raw_value in self.msg.raw_items():
                self._raw_headers.setdefault(raw_name.lower(), (raw_name, raw_value))
        found = self._raw_headers.get(key)
        try:
            # header_fetch_parse is what Message.get applies to the raw value.
            value = (
                None
                if found is None
                else decode_header_value(self.msg.policy.header_fetch_parse(*found))
            )
        except Exception:  # compat32 can fail on malformed headers
            value = None
        self._headers[key] = value
        return value

    @property
    def subject(self) -> str:
        if self._subject is None:
            self._subject = self.header("Subject") or ""
        return self._subject

    @property
    def from_(self) -> str:
        if self._from is None:
            self._from = self.header("From") or ""
        return self._from

    @property
    def content_type(self) -> str:
        return self.content_types[0]

    @property
    def parts(self) -> list[email.message.Message]:
        """Every part in depth-first order, the message itself first."""
        if self._parts is None:
            try:
                self._parts = list(self.msg.walk())
            except Exception:  # a cyclic or broken tree still has its root
                self._parts = [self.msg]
        return self._parts

    @property
    def content_types(self) -> list[str]:
        """The content type of each of `parts`, in the same order."""
        if self._content_types is None:
            self._content_types = [part.get_content_type() for part in self.parts]
        return self._content_types

    def parts_of_type(self, *content_types: str) -> list[email.message.Message]:
        """Return the parts whose content type is one of `content_types`."""
        # Detectors ask for the same few types over and over.
        cached = self._parts_by_type.get(content_types)
        if cached is None:
            wanted = {content_type.lower() for content_type in content_types}
            cached = [
                part
                for part, content_type in zip(self.parts, self.content_types, strict=True)
                if content_type in wanted
            ]
            self._parts_by_type[content_types] = cached
        return list(cached)

    @property
    def text(self) -> str:
        """The human-readable text: every text/plain part before any returned original,
        or the HTML parts reduced to text when there is no plain text."""
        if self._text is None:
            self._text = self._read_text()
        return self._text

    @property
    def text_lower(self) -> str:
        """`text` lower-cased, for case-insensitive substring tests."""
        if self._text_lower is None:
            self._text_lower = self.text.lower()
        return self._text_lower

    def _read_text(self) -> str:
        plain: list[str] = []
        html: list[email.message.Message] = []
        for part, content_type in self._parts_before_original():
            if part.is_multipart():
                continue
            if content_type.startswith("multipart/"):
                # A multipart whose boundary never occurs keeps its body as text.
                content_type = "text/plain"
            if content_type == "text/plain" and not _is_attachment(part):
                plain.append(part_text(part, is_html=False))
            elif content_type == "text/html" and not _is_attachment(part):
                html.append(part)
        if plain:
            return "\n".join(plain)
        # HTML is reduced to text only when it is all there is.
        return "\n".join(part_text(part, is_html=True) for part in html)

    def _parts_before_original(self) -> list[tuple[email.message.Message, str]]:
        selected: list[tuple[email.message.Message, str]] = []
        for part, content_type in zip(self.parts, self.content_types, strict=True):
            if content_type in ("message/rfc822", "text/rfc822-headers", "message/global"):
                break
            selected.append((part, content_type))
        return selected


def _is_attachment(part: email.message.Message) -> bool:
    disposition = str(part.get("Content-Disposition", "")).lower()
    return disposition.startswith("attachment")
