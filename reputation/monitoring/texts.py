"""Render the localised subject and body of a listing or delisting alert (en, pl).

Templates are `templates/<kind>.<language>.txt`: a `Subject:` line, a blank line, then the
body, with `string.Template` placeholders. A language without templates falls back to English.

An episode stores the English code meanings from its check. A Polish alert looks each one
up in the zone catalogue instead (`meaning_pl`) and keeps the English text where the
catalogue has no Polish one or no longer lists the zone or code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from ipaddress import ip_address
from string import Template

from blacklist_checks import Zone, localised_meanings
from reputation.models import Language
from reputation.monitoring.models import AlertKind, ListingEpisode

_TIME_FORMAT = "%Y-%m-%d %H:%M UTC"
_LANGUAGES = frozenset(language.value for language in Language)
_WORDS: dict[Language, dict[str, str]] = {
    Language.EN: {
        "ip": "Sending IP address",
        "domain": "Sending domain",
        "none": "(none)",
        "no_meaning": "(no description in the zone catalogue)",
        "no_url": "(the catalogue names none; see the operator's site)",
    },
    Language.PL: {
        "ip": "Adres IP",
        "domain": "Domena",
        "none": "(brak)",
        "no_meaning": "(brak opisu w katalogu stref)",
        "no_url": "(katalog jej nie podaje; sprawdź stronę operatora)",
    },
}


@dataclass(frozen=True, slots=True)
class AlertText:
    """The subject and plain-text body of one alert email."""

    subject: str
    body: str


def render_alert(
    kind: AlertKind,
    language: str,
    episode: ListingEpisode,
    zones: Mapping[str, Zone] | None = None,
) -> AlertText:
    """Render the alert about `episode` in `language` (an unknown language gives English).

    `zones` maps a zone name to its catalogue entry, and a Polish alert takes its code
    meanings from there. Without it, every alert quotes the English meanings stored on
    the episode.
    """
    chosen = Language(language) if language in _LANGUAGES else Language.EN
    words = _WORDS[chosen]
    meanings = _meanings(episode, chosen, zones)
    values = {
        "domain": episode.domain,
        "target": episode.target,
        "target_label": words["ip"] if _is_ip(episode.target) else words["domain"],
        "zone": episode.zone,
        "codes": ", ".join(episode.codes) or words["none"],
        "meanings": "; ".join(meanings) or words["no_meaning"],
        "txt": " ".join(episode.txt) or words["none"],
        "delist_url": episode.delist_url or words["no_url"],
        "since": _format_time(episode.first_seen),
        "confirmed_at": _format_time(episode.confirmed_at),
        "delisted_at": _format_time(episode.delisted_at),
        "listed_checks": str(episode.listed_checks),
    }
    subject_line, _, body = _template(kind, chosen).partition("\n\n")
    subject = Template(subject_line.removeprefix("Subject:").strip()).safe_substitute(values)
    return AlertText(subject=subject, body=Template(body).safe_substitute(values))


def _meanings(
    episode: ListingEpisode, language: Language, zones: Mapping[str, Zone] | None
) -> Sequence[str]:
    stored = list(episode.meanings)
    zone = zones.get(episode.zone) if zones is not None else None
    if language is Language.EN or zone is None:
        return stored
    localised = localised_meanings(zone, episode.codes, language.value)
    # The two line up item by item unless the zone's scheme changed since the check.
    if len(localised) != len(stored):
        return stored
    return [
        text if text is not None else english
        for text, english in zip(localised, stored, strict=True)
    ]


@cache
def _template(kind: AlertKind, language: Language) -> str:
    path = resources.files("reputation.monitoring").joinpath(f"templates/{kind}.{language}.txt")
    return path.read_text("utf-8")


def _format_time(moment: datetime | None) -> str:
    return moment.strftime(_TIME_FORMAT) if moment is not None else "-"


def _is_ip(target: str) -> bool:
    try:
        ip_address(target)
    except ValueError:
        return False
    return True
