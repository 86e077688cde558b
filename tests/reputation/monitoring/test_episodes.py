"""The episode rule: which results open, extend or close an episode, and which alert."""

from __future__ import annotations

import pytest

from blacklist_checks import ListingStatus
from reputation.monitoring.episodes import EpisodeAction, EpisodeDecision, OpenEpisode, decide
from reputation.monitoring.models import AlertKind

UNCONFIRMED = OpenEpisode(listed_checks=1, is_confirmed=False)
CONFIRMED = OpenEpisode(listed_checks=2, is_confirmed=True)

CASES = [
    # (open episode, status, confirmations, expected decision)
    (None, ListingStatus.UNKNOWN, 2, EpisodeDecision(EpisodeAction.NONE)),
    (UNCONFIRMED, ListingStatus.UNKNOWN, 2, EpisodeDecision(EpisodeAction.NONE)),
    (CONFIRMED, ListingStatus.UNKNOWN, 2, EpisodeDecision(EpisodeAction.NONE)),
    (None, ListingStatus.NOT_LISTED, 2, EpisodeDecision(EpisodeAction.NONE)),
    (None, ListingStatus.LISTED, 2, EpisodeDecision(EpisodeAction.OPEN)),
    (
        None,
        ListingStatus.LISTED,
        1,
        EpisodeDecision(EpisodeAction.OPEN, confirms=True, alert=AlertKind.LISTED),
    ),
    (
        UNCONFIRMED,
        ListingStatus.LISTED,
        2,
        EpisodeDecision(EpisodeAction.EXTEND, confirms=True, alert=AlertKind.LISTED),
    ),
    (UNCONFIRMED, ListingStatus.LISTED, 3, EpisodeDecision(EpisodeAction.EXTEND)),
    (CONFIRMED, ListingStatus.LISTED, 2, EpisodeDecision(EpisodeAction.EXTEND)),
    (UNCONFIRMED, ListingStatus.NOT_LISTED, 2, EpisodeDecision(EpisodeAction.CLOSE)),
    (
        CONFIRMED,
        ListingStatus.NOT_LISTED,
        2,
        EpisodeDecision(EpisodeAction.CLOSE, alert=AlertKind.DELISTED),
    ),
]


@pytest.mark.parametrize(("episode", "status", "confirmations", "expected"), CASES)
def test_decide_table(
    episode: OpenEpisode | None,
    status: ListingStatus,
    confirmations: int,
    expected: EpisodeDecision,
) -> None:
    assert decide(episode, status, confirmations) == expected


def test_decide_unknown_never_alerts() -> None:
    for episode in (None, UNCONFIRMED, CONFIRMED):
        for confirmations in (1, 2, 5):
            assert decide(episode, ListingStatus.UNKNOWN, confirmations).alert is None
