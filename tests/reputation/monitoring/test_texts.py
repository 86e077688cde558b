"""Alert texts: both languages name the target, zone, code meaning, TXT and delisting page.

A Polish alert takes code meanings from the catalogue's `meaning_pl` and falls back to the
English meanings stored on the episode.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from blacklist_checks import AnswerScheme, ListType, ReturnCode, Zone, ZoneKind, load_catalogue
from reputation.monitoring.models import AlertKind, ListingEpisode
from reputation.monitoring.texts import render_alert

SEEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
IP_ZONE = Zone(
    "bl.example.net",
    ZoneKind.IP,
    ListType.BLOCKLIST,
    "test IP blocklist",
    codes={
        "127.0.0.2": ReturnCode("spam source", 10, "źródło spamu"),
        "127.0.0.4": ReturnCode("exploited host", 10, "przejęty host"),
        "127.0.0.10": ReturnCode("policy range", 5),
    },
)
FLAG_ZONE = Zone(
    "uri.example.net",
    ZoneKind.DOMAIN,
    ListType.BLOCKLIST,
    "test domain blocklist",
    scheme=AnswerScheme.BITMASK,
    codes={
        "8": ReturnCode("phishing", meaning_pl="wyłudzanie danych (phishing)"),
        "16": ReturnCode("malware"),
    },
)
ZONES = {zone.name: zone for zone in (IP_ZONE, FLAG_ZONE)}
POLISH_MEANING = "Znaczenie kodu:      {}\n"
ENGLISH_MEANING = "What it means:   {}\n"


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


def test_render_polish_meaning_from_catalogue() -> None:
    body = render_alert(AlertKind.LISTED, "pl", _episode(), ZONES).body

    assert POLISH_MEANING.format("przejęty host") in body


def test_render_english_keeps_stored_meaning() -> None:
    body = render_alert(AlertKind.LISTED, "en", _episode(), ZONES).body

    assert ENGLISH_MEANING.format("exploited host") in body


def test_render_polish_delisted_uses_catalogue() -> None:
    body = render_alert(AlertKind.DELISTED, "pl", _episode(delisted_at=SEEN), ZONES).body

    assert "Ostatni kod:         127.0.0.4 (przejęty host)" in body


def test_render_polish_meanings_pair_with_codes() -> None:
    episode = _episode(
        codes=["127.0.0.2", "127.0.0.10", "127.0.0.77"],
        meanings=[
            "spam source",
            "policy range",
            "bl.example.net: undocumented return code 127.0.0.77",
        ],
    )

    body = render_alert(AlertKind.LISTED, "pl", episode, ZONES).body

    # 127.0.0.10 has no Polish text and 127.0.0.77 is not in the catalogue: both stay English.
    expected = "źródło spamu; policy range; bl.example.net: undocumented return code 127.0.0.77"
    assert POLISH_MEANING.format(expected) in body


def test_render_polish_bitmask_flag_meanings() -> None:
    episode = _episode(
        target="example.com",
        zone="uri.example.net",
        codes=["127.0.0.24"],
        meanings=["phishing", "malware"],
    )

    body = render_alert(AlertKind.LISTED, "pl", episode, ZONES).body

    assert POLISH_MEANING.format("wyłudzanie danych (phishing); malware") in body


def test_render_polish_zone_not_in_catalogue_falls_back() -> None:
    episode = _episode(zone="gone.example.net")

    body = render_alert(AlertKind.LISTED, "pl", episode, ZONES).body

    assert POLISH_MEANING.format("exploited host") in body


def test_render_polish_without_zones_falls_back() -> None:
    body = render_alert(AlertKind.LISTED, "pl", _episode()).body

    assert POLISH_MEANING.format("exploited host") in body


def test_render_polish_scheme_change_falls_back() -> None:
    # Stored when the zone was exact, with one meaning. The catalogue now reads 127.0.0.24
    # as two flags, so the items no longer pair up.
    episode = _episode(zone="uri.example.net", codes=["127.0.0.24"], meanings=["listed"])

    body = render_alert(AlertKind.LISTED, "pl", episode, ZONES).body

    assert POLISH_MEANING.format("listed") in body


def test_render_polish_builtin_catalogue_meaning() -> None:
    zones = {zone.name: zone for zone in load_catalogue()}
    episode = _episode(
        zone="zen.spamhaus.org",
        codes=["127.0.0.4"],
        meanings=["XBL: exploited host (malware, botnet, open proxy)"],
    )

    body = render_alert(AlertKind.LISTED, "pl", episode, zones).body

    expected = "XBL: przejęty host (złośliwe oprogramowanie, botnet, otwarte proxy)"
    assert POLISH_MEANING.format(expected) in body
