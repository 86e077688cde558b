"""Accuracy floors over the whole corpus, scored by bench/corpus_accuracy.py.

The floors sit just below what the parser reaches, so a change that loses
accuracy anywhere (a detector, the classifier, the registry order) fails here.
Raise them when accuracy improves.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "../shared/corpus/bounces"

HARD_SOFT_FLOOR = 0.97
REASON_FLOOR = 0.92
STATUS_FLOOR = 0.97
VALID_MARKED_HARD_CEILING = 0.01

pytestmark = pytest.mark.skipif(
    not (CORPUS / "expected.json").is_file(), reason=f"corpus not found at {CORPUS}"
)


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "corpus_accuracy", ROOT / "bench/corpus_accuracy.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is built.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scores() -> dict[str, float]:
    bench = _bench()
    total, _, false_reports = bench.score_corpus(CORPUS)
    return {
        "hard_soft": bench.ratio(total.hard_ok, total.expected),
        "reason": bench.ratio(total.reason_ok, total.expected),
        "status": bench.ratio(total.status_ok, total.status_total),
        "valid_marked_hard": total.valid_marked_hard / max(total.expected_valid, 1),
        "not_bounce_recipients": false_reports,
    }


def test_corpus_hard_soft_accuracy_above_floor(scores: dict[str, float]) -> None:
    assert scores["hard_soft"] >= HARD_SOFT_FLOOR


def test_corpus_reason_accuracy_above_floor(scores: dict[str, float]) -> None:
    assert scores["reason"] >= REASON_FLOOR


def test_corpus_status_accuracy_above_floor(scores: dict[str, float]) -> None:
    assert scores["status"] >= STATUS_FLOOR


def test_corpus_valid_addresses_rarely_marked_hard(scores: dict[str, float]) -> None:
    assert scores["valid_marked_hard"] <= VALID_MARKED_HARD_CEILING


def test_corpus_not_bounces_report_nothing(scores: dict[str, float]) -> None:
    assert scores["not_bounce_recipients"] == 0
