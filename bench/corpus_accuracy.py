"""Score the bounce parser against the corpus expectations and print the figures.

Usage: python bench/corpus_accuracy.py [--corpus DIR] [--failures] [--only PREFIX]

Parses every file of `eml/` and `not-bounces/` in-process (a file starting with
an mbox "From " line is split, as `mailrep parse` does) and compares the
recipients with `expected.json`. Expected recipients carry no address and no
order, so each file's expected and reported recipients are paired by the best
assignment on reason, status, hard-bounce flag and reply code. An expected
recipient left unpaired counts as wrong on every measure.

The CRLF copies in `crlf/` must give the same recipients as their LF originals.

`--failures` lists every mismatch (file, expected, got, evidence) for hunting
down detector and classifier faults.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bounce_parser import Recipient, Report, parse_message, split_mbox

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "../shared/corpus/bounces"
_FAMILY = re.compile(r"^(.*?)-\d+\.eml$")
#: Status codes like 5.0.910 are the reference parser's own, not RFC 3463 codes.
_INTERNAL_STATUS = re.compile(r"^\d\.\d+\.9\d\d$")
_MAX_PERMUTED = 7

Expected = dict[str, object]


@dataclass(slots=True)
class Pair:
    """One expected recipient and the reported recipient paired with it (or None)."""

    file: str
    expected: Expected
    got: Recipient | None


@dataclass(slots=True)
class Tally:
    """Counters for one family or for the whole corpus."""

    files: int = 0
    files_detected: int = 0
    files_count_match: int = 0
    expected: int = 0
    hard_ok: int = 0
    reason_ok: int = 0
    status_total: int = 0
    status_ok: int = 0
    expected_valid: int = 0
    valid_marked_hard: int = 0
    expected_hard: int = 0
    hard_missed: int = 0
    extra: int = 0
    failures: list[Pair] = field(default_factory=list)


def family_of(name: str) -> str:
    """Return the family of a corpus file name: the part before `-NN.eml`."""
    match = _FAMILY.match(name)
    return match.group(1) if match else name


def parse_file(path: Path) -> list[Report]:
    """Parse every message of one corpus file."""
    return [parse_message(raw) for raw in split_mbox(path.read_bytes())]


def pair_score(expected: Expected, got: Recipient) -> int:
    return (
        8 * (expected["reason"] == got.reason.value)
        + 4 * (expected["hard_bounce"] == got.hard_bounce)
        + 2 * (expected["status"] == (got.status or ""))
        + (expected["reply_code"] == (got.reply_code or ""))
    )


def match_recipients(
    expected: list[Expected], got: list[Recipient]
) -> tuple[list[tuple[Expected, Recipient | None]], list[Recipient]]:
    """Pair expected with reported recipients by best total score; return pairs and extras."""
    if len(expected) <= _MAX_PERMUTED and len(got) <= _MAX_PERMUTED:
        return _match_exhaustive(expected, got)
    return _match_greedy(expected, got)


def _match_exhaustive(
    expected: list[Expected], got: list[Recipient]
) -> tuple[list[tuple[Expected, Recipient | None]], list[Recipient]]:
    slots: list[Recipient | None] = [*got, *([None] * max(0, len(expected) - len(got)))]
    best: tuple[Recipient | None, ...] = tuple(slots[: len(expected)])
    best_score = -1
    for chosen in itertools.permutations(slots, len(expected)):
        score = sum(pair_score(e, g) for e, g in zip(expected, chosen, strict=True) if g)
        if score > best_score:
            best, best_score = chosen, score
    used = {id(g) for g in best if g is not None}
    return list(zip(expected, best, strict=True)), [g for g in got if id(g) not in used]


def _match_greedy(
    expected: list[Expected], got: list[Recipient]
) -> tuple[list[tuple[Expected, Recipient | None]], list[Recipient]]:
    candidates = sorted(
        ((pair_score(e, g), i, j) for i, e in enumerate(expected) for j, g in enumerate(got)),
        reverse=True,
    )
    paired: dict[int, int] = {}
    used: set[int] = set()
    for _, i, j in candidates:
        if i not in paired and j not in used:
            paired[i] = j
            used.add(j)
    pairs = [(e, got[paired[i]] if i in paired else None) for i, e in enumerate(expected)]
    return pairs, [g for j, g in enumerate(got) if j not in used]


def score_file(tally: Tally, name: str, expected: list[Expected], got: list[Recipient]) -> None:
    """Add one file's comparison to `tally`."""
    tally.files += 1
    tally.files_detected += bool(got)
    tally.files_count_match += len(got) == len(expected)
    pairs, extras = match_recipients(expected, got)
    tally.extra += len(extras)
    tally.valid_marked_hard += sum(extra.hard_bounce for extra in extras)
    for wanted, recipient in pairs:
        _score_pair(tally, Pair(name, wanted, recipient))
    for extra in extras:
        tally.failures.append(Pair(name, {}, extra))


def _score_pair(tally: Tally, pair: Pair) -> None:
    wanted, got = pair.expected, pair.got
    tally.expected += 1
    hard = got is not None and got.hard_bounce
    hard_ok = got is not None and hard == wanted["hard_bounce"]
    reason_ok = got is not None and got.reason.value == wanted["reason"]
    tally.hard_ok += hard_ok
    tally.reason_ok += reason_ok
    if wanted["hard_bounce"]:
        tally.expected_hard += 1
        tally.hard_missed += not hard
    else:
        tally.expected_valid += 1
        tally.valid_marked_hard += hard
    status = str(wanted["status"])
    status_ok = True
    if not _INTERNAL_STATUS.match(status):
        tally.status_total += 1
        status_ok = got is not None and (got.status or "") == status
        tally.status_ok += status_ok
    if not (hard_ok and reason_ok and status_ok):
        tally.failures.append(pair)


def score_corpus(corpus: Path, only: str | None = None) -> tuple[Tally, dict[str, Tally], int]:
    """Score eml/ and not-bounces/; return the total, per-family tallies and not-bounce reports."""
    expected_all: dict[str, list[Expected]] = json.loads((corpus / "expected.json").read_text())
    total = Tally()
    families: dict[str, Tally] = defaultdict(Tally)
    for path in sorted((corpus / "eml").glob("*.eml")):
        if only and not path.name.startswith(only):
            continue
        got = [r for report in parse_file(path) for r in report.recipients]
        expected = expected_all.get(path.name, [])
        score_file(total, path.name, expected, got)
        score_file(families[family_of(path.name)], path.name, expected, got)
    false_reports = 0
    for path in sorted((corpus / "not-bounces").glob("*.eml")):
        false_reports += sum(len(report.recipients) for report in parse_file(path))
    return total, dict(families), false_reports


def crlf_mismatches(corpus: Path) -> tuple[int, list[str]]:
    """Return the number of crlf/ copies and the names of those whose result differs from eml/."""
    paths = sorted((corpus / "crlf").glob("*.eml"))
    differing = []
    for path in paths:
        crlf = [_verdict(r) for report in parse_file(path) for r in report.recipients]
        lf = [
            _verdict(r)
            for report in parse_file(corpus / "eml" / path.name)
            for r in report.recipients
        ]
        if crlf != lf:
            differing.append(path.name)
    return len(paths), differing


def _verdict(recipient: Recipient) -> tuple[str, str, bool, str | None]:
    return recipient.address, recipient.reason.value, recipient.hard_bounce, recipient.status


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def ratio(part: int, whole: int) -> float:
    """Return part/whole, 1.0 for an empty whole."""
    return part / whole if whole else 1.0


def print_summary(total: Tally, false_reports: int) -> None:
    t = total
    rows = [
        ("messages detected", _percent(t.files_detected, t.files), ""),
        ("recipient count match", _percent(t.files_count_match, t.files), ""),
        ("hard/soft accuracy", _percent(t.hard_ok, t.expected), "target >= 97%"),
        ("reason accuracy", _percent(t.reason_ok, t.expected), "target >= 90%"),
        ("status accuracy", _percent(t.status_ok, t.status_total), "RFC codes only"),
        ("valid address marked hard", _percent(t.valid_marked_hard, t.expected_valid), "<= 1%"),
        ("hard bounce missed", _percent(t.hard_missed, t.expected_hard), ""),
        ("extra recipients reported", str(t.extra), ""),
        ("recipients on not-bounces", str(false_reports), "target 0"),
    ]
    print(f"files {t.files}, expected recipients {t.expected}")
    for label, value, note in rows:
        print(f"  {label:28} {value:>7}  {note}")


def print_families(families: dict[str, Tally]) -> None:
    print(f"\n{'family':26} {'files':>5} {'rcpts':>5} {'found':>6} {'hard':>6} {'reason':>6}")
    for name in sorted(families):
        t = families[name]
        print(
            f"{name:26} {t.files:5} {t.expected:5} {_percent(t.files_detected, t.files):>6}"
            f" {_percent(t.hard_ok, t.expected):>6} {_percent(t.reason_ok, t.expected):>6}"
        )


def print_failures(failures: list[Pair]) -> None:
    print("\nfile\texpected\tgot\tevidence")
    for pair in failures:
        wanted = pair.expected
        expected = "(none)"
        if wanted:
            severity = "hard" if wanted["hard_bounce"] else "soft"
            expected = f"{wanted['reason']}/{wanted['status'] or '-'}/{severity}"
        got = pair.got
        reported = (
            f"{got.reason}/{got.status or '-'}/{'hard' if got.hard_bounce else 'soft'}"
            f" {got.address}"
            if got
            else "(missed)"
        )
        evidence = got.evidence if got else ""
        diagnostic = (got.diagnostic or "")[:120] if got else ""
        print(f"{pair.file}\t{expected}\t{reported}\t{evidence}\t{diagnostic}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus directory")
    parser.add_argument("--failures", action="store_true", help="list every mismatch")
    parser.add_argument("--only", metavar="PREFIX", help="score only files starting with PREFIX")
    args = parser.parse_args(argv)
    if not (args.corpus / "expected.json").is_file():
        print(f"corpus_accuracy: corpus not found: {args.corpus}", file=sys.stderr)
        return 2

    total, families, false_reports = score_corpus(args.corpus, args.only)
    print_summary(total, false_reports)
    copies, differing = crlf_mismatches(args.corpus)
    agreeing = f"{copies - len(differing)}/{copies}"
    print(f"  {'crlf copies like their LF file':28} {agreeing:>7}  {' '.join(differing)}")
    print_families(families)
    if args.failures:
        print_failures(total.failures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
