"""Measure bounce parsing speed beside Sisimai 4 and flufl.bounce on the same files.

Usage: python bench/parse_speed.py [--corpus DIR] [--rounds N]

Reads every file of the corpus's `eml/`, `crlf/` and `not-bounces/` into
memory, then times, over the same bytes and the same number of rounds:

- mailrep: `parse_message(raw)` per file, in this process;
- flufl.bounce: `email.message_from_bytes` plus `all_failures` per file, in
  this process;
- Sisimai 4: `Sisimai->make(\\$text, delivered => 1)` per file, timed inside
  a perl process per round so interpreter start-up and module loading are
  excluded;
- the stdlib MIME parse alone (`compat32`), which mailrep replaces with its
  own reader for all but unusual messages.

Each tool gets each file as one input; a file holding two messages (an mbox)
counts once for all three. The tools take turns round by round, and the figure
is files per second in each tool's fastest round (as `timeit` reports the
minimum), which damps noise from other processes on the machine. mailrep and
flufl.bounce make one untimed pass first. Each Sisimai round runs in a new perl
process that makes one untimed pass before its timed one, so Sisimai's lazily
loaded MTA modules are in memory. The ratios compare mailrep with each
baseline from the same run.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bounce_parser import parse_message

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "../shared/corpus/bounces"
_SUBDIRECTORIES = ("eml", "crlf", "not-bounces")

# The perl side reads the file list on stdin, loads every file, then times
# only the parsing rounds; it prints the fastest round's seconds.
_SISIMAI_SCRIPT = r"""
use strict; use warnings;
use Sisimai; use Time::HiRes qw(time);
my $rounds = shift @ARGV;
my @texts;
while (my $path = <STDIN>) {
    chomp $path;
    open(my $fh, '<:raw', $path) or die "cannot read $path: $!";
    local $/; push @texts, scalar <$fh>; close $fh;
}
for my $text (@texts) { my $copy = $text; Sisimai->make(\$copy, 'delivered' => 1); }
my $best;
for (1 .. $rounds) {
    my $start = time;
    for my $text (@texts) { my $copy = $text; Sisimai->make(\$copy, 'delivered' => 1); }
    my $elapsed = time - $start;
    $best = $elapsed if !defined $best || $elapsed < $best;
}
printf "%.6f\n", $best;
"""


def corpus_files(corpus: Path) -> list[Path]:
    """Return the benchmark's input files in a stable order."""
    return [path for sub in _SUBDIRECTORIES for path in sorted((corpus / sub).glob("*.eml"))]


def time_python(parse: Callable[[bytes], object], messages: list[bytes], rounds: int) -> float:
    """Return the seconds of the fastest of `rounds` passes of `parse` over every message."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for raw in messages:
            parse(raw)
        best = min(best, time.perf_counter() - start)
    return best


def mime_parse(raw: bytes) -> object:
    """Parse with the stdlib compat32 policy only, as mailrep did before its own reader."""
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def flufl_bounce(raw: bytes) -> object:
    from flufl.bounce import all_failures

    return all_failures(email.message_from_bytes(raw))


def time_sisimai(paths: list[Path], rounds: int) -> float | None:
    """Return Sisimai's fastest round in seconds, or None when perl or Sisimai is missing."""
    try:
        result = subprocess.run(
            ["perl", "-e", _SISIMAI_SCRIPT, str(rounds)],
            input="\n".join(str(path) for path in paths),
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"parse_speed: Sisimai run failed: {exc}", file=sys.stderr)
        return None
    return float(result.stdout.strip().splitlines()[-1])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus directory")
    parser.add_argument("--rounds", type=int, default=7, help="passes over the corpus per tool")
    args = parser.parse_args(argv)

    paths = corpus_files(args.corpus)
    if not paths:
        print(f"parse_speed: no corpus files under {args.corpus}", file=sys.stderr)
        return 2
    messages = [path.read_bytes() for path in paths]
    size = sum(map(len, messages)) / len(messages) / 1024
    print(f"{len(messages)} files ({size:.1f} KiB mean), fastest of {args.rounds} rounds")

    # The tools take turns, one round each, so a burst of load from other
    # processes slows all of them alike instead of whichever ran at the time.
    time_python(parse_message, messages, 1)
    time_python(flufl_bounce, messages, 1)
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        round_times = {
            "mailrep": time_python(parse_message, messages, 1),
            "flufl.bounce": time_python(flufl_bounce, messages, 1),
            "MIME parse only": time_python(mime_parse, messages, 1),
        }
        sisimai = time_sisimai(paths, 1)
        if sisimai is not None:
            round_times["Sisimai 4"] = sisimai
        for name, seconds in round_times.items():
            best[name] = min(seconds, best.get(name, seconds))
    timings = best

    rate = {name: len(messages) / seconds for name, seconds in timings.items()}
    for name, per_second in rate.items():
        ratio = rate["mailrep"] / per_second
        print(f"  {name:15} {per_second:8.0f} msgs/s   mailrep is {ratio:5.2f}x this")
    return 0


if __name__ == "__main__":
    sys.exit(main())
