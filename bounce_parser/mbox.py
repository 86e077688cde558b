"""Split a Unix mbox into its messages without loading a parser for it.

A message starts at a "From " line at the top of the data, after a blank line
(the mboxo and mboxrd convention), or anywhere when the line has the envelope
form `From sender Thu Jul  2 12:05:05 2020`: Postfix's local delivery appends
messages without the blank line. The "From " separator line itself is dropped,
and mboxrd ">From " quoting in bodies is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_SEPARATOR = b"From "
_ENVELOPE_LINE = re.compile(rb"From \S+ +[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{1,2}:\d{2}")


def is_mbox(data: bytes) -> bool:
    """Return True when `data` starts with an mbox "From " separator line."""
    return data.startswith(_SEPARATOR)


def iter_mbox(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Yield the raw bytes of each message in an mbox given as lines (with line ends)."""
    current: list[bytes] = []
    previous_blank = True
    started = False
    for line in lines:
        if line.startswith(_SEPARATOR) and (previous_blank or _ENVELOPE_LINE.match(line)):
            if started:
                yield b"".join(current)
            current = []
            started = True
            previous_blank = False
            continue
        current.append(line)
        previous_blank = not line.strip()
    if started or current:
        yield b"".join(current)


def split_mbox(data: bytes) -> list[bytes]:
    """Return the messages of `data`: several for an mbox, `[data]` otherwise."""
    if not is_mbox(data):
        return [data]
    return list(iter_mbox(data.splitlines(keepends=True)))
