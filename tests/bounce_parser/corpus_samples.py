"""The bounce corpus as parametrised test cases: expected results, samples by family, xfails.

The corpus lies beside the repository (`<repo>/../shared/corpus/bounces`); when it is
absent every loader returns nothing and `needs_corpus` skips the tests that use it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "../shared/corpus/bounces"
#: Codes like 5.0.911 are the reference parser's own, not RFC 3463 codes.
INTERNAL_STATUS = re.compile(r"^\d\.\d+\.9\d\d$")
_FILE = re.compile(r"^lhost-(?P<family>[a-z0-9]+)-\d+\.eml$")


def load_expected() -> dict[str, list[dict[str, object]]]:
    """Load expected.json: file name to its expected recipients, or {} without a corpus."""
    path = CORPUS / "expected.json"
    if not path.is_file():
        return {}
    loaded: dict[str, list[dict[str, object]]] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


EXPECTED = load_expected()
needs_corpus = pytest.mark.skipif(not EXPECTED, reason=f"corpus not found at {CORPUS}")


def lhost_samples(families: Collection[str]) -> list[str]:
    """List the `lhost-FAMILY-NN.eml` files of `families` that expected.json covers."""
    return sorted(name for name in EXPECTED if _family(name) in families)


def crlf_samples(families: Collection[str]) -> list[str]:
    """List the CRLF copies of `lhost-FAMILY-NN.eml` files of `families`."""
    return sorted(
        path.name
        for path in (CORPUS / "crlf").glob("lhost-*.eml")
        if _family(path.name) in families
    )


def with_known_differences(samples: list[str], known: Mapping[str, str]) -> list[object]:
    """Mark the samples named in `known` as expected failures, with the reason given."""
    return [
        pytest.param(name, marks=pytest.mark.xfail(reason=known[name], strict=False))
        if name in known
        else name
        for name in samples
    ]


def _family(name: str) -> str | None:
    match = _FILE.match(name)
    return match.group("family") if match else None
