"""Alert texts: both languages name the target, zone, code meaning, TXT and delisting page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reputation.monitoring.models import AlertKind, ListingEpisode
from reputation.monitoring.texts import render_alert

SEEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _episode(target: str = "192.0.2.10", **fields: object) -> ListingEpisode:
    values: dict[str, object] = {
        "domain": "example.com",
        "target": target,
        "zone": "bl.example.net",
        "first_seen": SEEN,
        "last_seen": SEEN,
        "confirmed_at": SEEN,
        "delisted_at": None,
        "listed_checks": 2,
        "codes": ["127.0.0.4"],
        "meanings": ["exploited host"],
        "txt": ["Listed, see https://bl.example.net/192.0.2.10"],
        "delist_url": "https://bl.example.net/removal",
    }
    values.update(fields)
    return ListingEpisode(**values)


@pytest.mark.parametrize("language", ["en", "pl"])
def test_render_listed_names_every_fact(language: str) -> None:
    text = render_alert(AlertKind.LISTED, language, _episode())

    assert "192.0.2.10" in text.subject
    assert "bl.example.net" in text.subject
    assert "example.com" in text.subject
    for fact in (
        "127.0.0.4",
        "exploited host",
        "https://bl.example.net/192.0.2.10",
        "https://bl.example.net/removal",
        "2026-03-02 09:30 UTC",
    ):
        assert fact in text.body
    assert "$" not in text.subject + text.body


def test_render_domain_target_polish_label() -> None:
    text = render_alert(AlertKind.LISTED, "pl", _episode(target="example.com"))

    assert text.body.startswith("Domena example.com (domena nadawcza example.com)")


def test_render_missing_facts_polish_placeholders() -> None:
    episode = _episode(meanings=[], txt=[], delist_url="")

    body = render_alert(AlertKind.LISTED, "pl", episode).body

    assert "Znaczenie kodu:      (brak opisu w katalogu stref)" in body
    assert "Uwaga operatora:     (brak)" in body
    assert "katalog jej nie podaje" in body


def test_render_unknown_language_falls_back_to_english() -> None:
    text = render_alert(AlertKind.DELISTED, "de", _episode(delisted_at=SEEN))

    assert (
        text.subject == "[mailrep] 192.0.2.10 is no longer listed on bl.example.net (example.com)"
    )
