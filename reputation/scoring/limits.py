"""Thresholds of the score: the published limits of mailbox providers and ESPs, and curves.

Published limits (sources named in docs/scoring.md):

- Google's Email sender guidelines: keep the spam rate reported in Postmaster Tools
  below 0.1 % and never let it reach 0.3 %. Yahoo Sender Hub best practices also ask
  bulk senders to stay below 0.3 %.
- Amazon SES "Sending review process FAQs": an account goes under review at a bounce
  rate of 5 % and may be paused at 10 %; under review at a complaint rate of 0.1 %
  and may be paused at 0.5 %.

Every other number here (the sender-rejection limits, minimum volume, points per
input, level and verdict cut-offs) is mailrep's estimate, marked so below.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

#: Complaint rate below which Gmail's guidelines require senders to stay.
COMPLAINT_RATE_TARGET = 0.001
#: Complaint rate a sender must never reach under Gmail's guidelines, and Yahoo's limit.
COMPLAINT_RATE_LIMIT = 0.003
#: Complaint rate at which Amazon SES may pause sending.
COMPLAINT_RATE_PAUSE = 0.005
#: Bounce rate at which Amazon SES puts an account under review.
BOUNCE_RATE_REVIEW = 0.05
#: Bounce rate at which Amazon SES may pause sending.
BOUNCE_RATE_PAUSE = 0.10
#: Sender-side rejection rates that throttle and hold (estimates: no provider publishes them).
SENDER_REJECTION_RATE_WARN = 0.02
SENDER_REJECTION_RATE_LIMIT = 0.05

#: Recipients per window below which a rate is "not enough volume" (an estimate).
MIN_VOLUME = 500
#: Rolling windows in days: the last N whole UTC days plus today so far.
WINDOWS_DAYS: tuple[int, ...] = (1, 7, 30)
#: z of the 95 % Wilson score interval that bounds a rate measured on few recipients.
WILSON_Z = 1.96

#: Rate -> points taken off, linear between the points and flat after the last one.
#: The steps sit on the published limits; the point values are estimates.
COMPLAINT_CURVE: tuple[tuple[float, float], ...] = (
    (0.0005, 0.0),
    (COMPLAINT_RATE_TARGET, 10.0),
    (COMPLAINT_RATE_LIMIT, 30.0),
    (COMPLAINT_RATE_PAUSE, 40.0),
)
HARD_BOUNCE_CURVE: tuple[tuple[float, float], ...] = (
    (0.02, 0.0),
    (BOUNCE_RATE_REVIEW, 15.0),
    (BOUNCE_RATE_PAUSE, 35.0),
)
SENDER_REJECTION_CURVE: tuple[tuple[float, float], ...] = (
    (0.005, 0.0),
    (SENDER_REJECTION_RATE_WARN, 8.0),
    (SENDER_REJECTION_RATE_LIMIT, 20.0),
)

#: Points per unit of catalogue zone weight for a confirmed listing (Spamhaus, weight 10,
#: costs 30), and the most all listings together can take off. Estimates.
POINTS_PER_ZONE_WEIGHT = 3.0
MAX_BLOCKLIST_POINTS = 60.0
#: A confirmed listing in a zone of at least this weight gives `hold` (Spamhaus ZEN, DBL).
HOLD_ZONE_WEIGHT = 10.0
#: A confirmed listing in a zone of at least this weight throttles sending.
THROTTLE_ZONE_WEIGHT = 4.0

#: Points for DNS authentication faults (estimates).
SPF_MISSING_POINTS = 10.0
DMARC_MISSING_POINTS = 8.0
DMARC_NONE_POINTS = 3.0
MX_MISSING_POINTS = 5.0
FCRDNS_DOMAIN_POINTS_PER_IP = 5.0
FCRDNS_DOMAIN_MAX_POINTS = 10.0
FCRDNS_IP_POINTS = 15.0
#: Google's guidelines call a sender of about 5 000 messages a day to Gmail a bulk sender,
#: which must publish DMARC. mailrep counts all recipients, so this is an approximation.
BULK_SENDER_DAILY_VOLUME = 5000

#: Lowest score of each level, best first (estimates, not Google's formula).
LEVEL_FLOORS = (("high", 80.0), ("medium", 60.0), ("low", 30.0))
#: Scores below which the verdict is at least throttle, and hold when even the best case is.
THROTTLE_BELOW = 60.0
HOLD_BELOW = 30.0
#: Width of the score range up to which confidence is high, and medium.
HIGH_CONFIDENCE_WIDTH = 15.0
MEDIUM_CONFIDENCE_WIDTH = 40.0


def points_for(rate: float, curve: Sequence[tuple[float, float]]) -> float:
    """Return the points taken off for `rate`, interpolating linearly along `curve`."""
    if rate <= curve[0][0]:
        return curve[0][1]
    for (low_rate, low_points), (high_rate, high_points) in pairwise(curve):
        if rate <= high_rate:
            share = (rate - low_rate) / (high_rate - low_rate)
            return low_points + share * (high_points - low_points)
    return curve[-1][1]
