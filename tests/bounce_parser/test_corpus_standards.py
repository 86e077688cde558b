"""Standard formats (RFC 3464 DSNs, ARF complaints, RFC 3834 replies) on the shared corpus.

One test per corpus sample of the `rfc3464`, `arf` and `rfc3834` families
compares the result with the reference in expected.json. It checks the number
of recipients, then per recipient the reason, the hard-bounce flag, the
feedback type and the status where it is an RFC 3463 code. Expected recipients carry no
address and no order, so both sides are compared as sorted lists. A new
sample is a new file in the corpus; a known difference is one line below.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bounce_parser import parse_message
from bounce_parser.mbox import split_mbox

CORPUS = Path(__file__).resolve().parents[2] / "../shared/corpus/bounces"
FAMILIES = ("rfc3464", "arf", "rfc3834")
_INTERNAL_STATUS = re.compile(r"^\d\.\d+\.9\d\d$")

#: Samples where this parser's result differs from the reference, and why.
KNOWN_DIFFERENCES: dict[str, str] = {
    "rfc3464-04.eml": "a failed procmail pipe reads as mailererror; the reference: systemerror",
}


def _expected() -> dict[str, list[dict[str, object]]]:
    path = CORPUS / "expected.json"
    if not path.is_file():
        return {}
    loaded: dict[str, list[dict[str, object]]] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


EXPECTED = _expected()
SAMPLES = sorted(name for name in EXPECTED if name.rsplit("-", 1)[0] in FAMILIES)


def _params() -> list[object]:
    return [
        pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN_DIFFERENCES[name], strict=False))
        if name in KNOWN_DIFFERENCES
        else name
        for name in SAMPLES
    ]


@pytest.mark.skipif(not EXPECTED, reason=f"corpus not found at {CORPUS}")
@pytest.mark.parametrize("name", _params())
def test_parse_message_standard_sample_matches_reference(name: str) -> None:
    # A sample may be an mbox of several reports, as `mailrep parse` splits it.
    raw = (CORPUS / "eml" / name).read_bytes()
    recipients = [r for message in split_mbox(raw) for r in parse_message(message).recipients]
    expected = EXPECTED[name]

    assert len(recipients) == len(expected)
    assert sorted(r.reason.value for r in recipients) == sorted(str(e["reason"]) for e in expected)
    assert sorted(r.hard_bounce for r in recipients) == sorted(
        bool(e["hard_bounce"]) for e in expected
    )
    assert sorted(r.feedback_type or "" for r in recipients) == sorted(
        str(e.get("feedback_type") or "") for e in expected
    )
    statuses = [str(e["status"]) for e in expected]
    if not any(_INTERNAL_STATUS.match(status) for status in statuses):
        assert sorted(r.status or "" for r in recipients) == sorted(statuses)
    assert all(r.address or r.feedback_type for r in recipients)
