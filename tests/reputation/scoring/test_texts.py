"""Reason texts in English and Polish."""

from __future__ import annotations

import pytest

from blacklist_checks import SpfResult, SpfStatus
from reputation.models import Language
from reputation.scoring.auth_components import score_spf
from reputation.scoring.listings import score_listings
from reputation.scoring.rates import WindowCounts, score_rate
from reputation.scoring.texts import describe, describe_verdict, template_names
from reputation.scoring.types import Component, ComponentKey, ComponentStatus, Verdict


def test_templates_exist_in_both_languages() -> None:
    for name, texts in template_names().items():
        assert set(texts) == {Language.EN, Language.PL}, name


def test_describe_rate_english_uses_percent() -> None:
    component = score_rate(ComponentKey.COMPLAINT_RATE, [WindowCounts(7, 10_000, 40)])
    text = describe(component, Language.EN)
    assert text.startswith("Complaint rate: 0.40 %")
    assert "0.30 %" in text


def test_describe_rate_polish_uses_decimal_comma() -> None:
    component = score_rate(ComponentKey.COMPLAINT_RATE, [WindowCounts(7, 10_000, 40)])
    text = describe(component, Language.PL)
    assert text.startswith("Odsetek skarg: 0,40 %")
    assert "wstrzymaj" in text


def test_describe_not_enough_volume_both_languages() -> None:
    component = score_rate(ComponentKey.HARD_BOUNCE_RATE, [WindowCounts(30, 12, 0)])
    assert "Not enough volume" in describe(component, Language.EN)
    assert "Za mały wolumen" in describe(component, Language.PL)


@pytest.mark.parametrize(
    ("volume", "english", "polish"),
    [
        (1, "1 recipient in", "1 odbiorca w"),
        (3, "3 recipients in", "3 odbiorców w"),
        (12, "12 recipients in", "12 odbiorców w"),
    ],
)
def test_describe_volume_noun_agrees(volume: int, english: str, polish: str) -> None:
    component = score_rate(ComponentKey.HARD_BOUNCE_RATE, [WindowCounts(30, volume, 0)])

    assert english in describe(component, Language.EN)
    assert polish in describe(component, Language.PL)


@pytest.mark.parametrize(
    ("count", "form"),
    [(1, "zdarzenie"), (2, "zdarzenia"), (5, "zdarzeń"), (13, "zdarzeń"), (22, "zdarzenia")],
)
def test_polish_plural_of_events(count: int, form: str) -> None:
    component = Component(
        key=ComponentKey.HARD_BOUNCE_RATE,
        status=ComponentStatus.NOT_ENOUGH_VOLUME,
        points=0,
        points_low=0,
        points_high=0,
        verdict=Verdict.SEND,
        reason="volume_missing",
        params={"events": count, "volume": 0, "days": 7},
    )

    assert describe(component, Language.PL).split(": ", 1)[1].startswith(f"{count} {form},")


@pytest.mark.parametrize("verdict", list(Verdict))
def test_describe_verdict_differs_per_language(verdict: Verdict) -> None:
    assert describe_verdict(verdict, Language.EN) != describe_verdict(verdict, Language.PL)


def test_describe_high_rate_on_little_volume_both_languages() -> None:
    component = score_rate(ComponentKey.COMPLAINT_RATE, [WindowCounts(30, 400, 40)])
    english = describe(component, Language.EN)
    polish = describe(component, Language.PL)
    assert "lower bound" in english
    assert "0.10 %" in english
    assert "dolna granica" in polish
    assert "0,10 %" in polish


@pytest.mark.parametrize(
    ("component", "english", "polish"),
    [
        (score_spf(None), "DNS not configured", "DNS nieskonfigurowany"),
        (
            score_spf(SpfResult("example.com", SpfStatus.TEMPERROR, None, 0, 0, (), ())),
            "DNS unavailable",
            "DNS niedostępny",
        ),
        (
            score_listings([], {}, checked=False),
            "no blocklist check",
            "nie była jeszcze sprawdzana",
        ),
    ],
    ids=["dns_not_checked", "lookup_failed", "blocklists_not_checked"],
)
def test_describe_unknown_states_both_languages(
    component: Component, english: str, polish: str
) -> None:
    assert english in describe(component, Language.EN)
    assert polish in describe(component, Language.PL)
