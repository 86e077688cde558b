"""Load the DNSBL catalogue: the built-in `zones.toml` or a user's replacement file.

The file format is documented at the top of `zones.toml`. A user file replaces the
built-in catalogue entirely; to extend it, copy `zones.toml` and add zones.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from ipaddress import IPv4Address, ip_address
from pathlib import Path
from typing import Any

from blacklist_checks.errors import CatalogueError
from blacklist_checks.types import AnswerScheme, ListType, ReturnCode, Zone, ZoneKind

_STRING_FIELDS = ("lists", "delist_url", "terms", "dqs_zone", "test_listed", "test_not_listed")
_BOOL_FIELDS = ("supports_ipv6", "blocks_public_resolvers", "requires_registration", "enabled")

_Fail = Callable[[str], CatalogueError]


def load_catalogue(path: Path | None = None) -> tuple[Zone, ...]:
    """Load every zone (enabled or not) from `path`, or the built-in catalogue when None.

    Raises:
        CatalogueError: the file cannot be read, is not TOML, has no zones, or
            describes a zone wrongly; the message names the zone and the field.
    """
    try:
        if path is None:
            text = resources.files("blacklist_checks").joinpath("zones.toml").read_text("utf-8")
        else:
            text = path.read_text("utf-8")
        document = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(path, f"cannot read the zones file: {exc}") from exc

    entries = document.get("zone")
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(path, "no [[zone]] tables found")
    zones = tuple(_parse_zone(path, entry) for entry in entries)

    names = [zone.name for zone in zones]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise CatalogueError(path, f"zones listed twice: {', '.join(duplicates)}")
    return zones


def enabled_zones(zones: Sequence[Zone]) -> tuple[Zone, ...]:
    """Return the zones whose `enabled` flag is set."""
    return tuple(zone for zone in zones if zone.enabled)


def _parse_zone(path: Path | None, entry: Any) -> Zone:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise CatalogueError(path, "every [[zone]] needs a string `name`")
    name = entry["name"].strip().rstrip(".").lower()

    def fail(problem: str) -> CatalogueError:
        return CatalogueError(path, f"zone {name}: {problem}")

    try:
        kind = ZoneKind(entry.get("kind", ""))
        list_type = ListType(entry.get("list_type", ListType.BLOCKLIST))
        scheme = AnswerScheme(entry.get("scheme", AnswerScheme.EXACT))
        weight = float(entry.get("weight", 1.0))
        min_interval = int(entry.get("min_interval_seconds", 0))
    except (TypeError, ValueError) as exc:
        raise fail(f"invalid kind, list_type, scheme, weight or interval: {exc}") from exc

    options: dict[str, Any] = {}
    for field_name in _STRING_FIELDS:
        value = entry.get(field_name, "")
        if not isinstance(value, str):
            raise fail(f"`{field_name}` must be a string")
        options[field_name] = value
    for field_name in _BOOL_FIELDS:
        value = entry.get(field_name, field_name == "enabled")
        if not isinstance(value, bool):
            raise fail(f"`{field_name}` must be true or false")
        options[field_name] = value

    codes = _parse_codes(entry.get("codes", {}), scheme, fail)
    error_codes = _parse_error_codes(entry.get("error_codes", {}), fail)
    return Zone(
        name=name,
        kind=kind,
        list_type=list_type,
        scheme=scheme,
        codes=codes,
        error_codes=error_codes,
        weight=weight,
        min_interval_seconds=min_interval,
        **options,
    )


def _parse_codes(raw: Any, scheme: AnswerScheme, fail: _Fail) -> dict[str, ReturnCode]:
    if not isinstance(raw, Mapping):
        raise fail("`codes` must be a table")
    codes: dict[str, ReturnCode] = {}
    for key, value in raw.items():
        if scheme is AnswerScheme.EXACT:
            key = _loopback_address(key, fail)
        elif not key.isdigit() or not 0 < int(key) < 256:
            raise fail(f"code {key!r} must be a number from 1 to 255 for scheme {scheme}")
        codes[key] = _parse_return_code(key, value, fail)
    return codes


def _parse_return_code(key: str, value: Any, fail: _Fail) -> ReturnCode:
    if isinstance(value, str):
        return ReturnCode(meaning=value)
    if not isinstance(value, Mapping) or not isinstance(value.get("meaning"), str):
        raise fail(
            f"code {key}: give a meaning string or a table {{ meaning, meaning_pl, score }}"
            " (meaning_pl and score are optional)"
        )

    meaning_pl = value.get("meaning_pl")
    if meaning_pl is not None and (not isinstance(meaning_pl, str) or not meaning_pl.strip()):
        raise fail(
            f"code {key}: `meaning_pl` must be a non-empty string, not {meaning_pl!r}"
            " (leave it out to show `meaning` in Polish alerts)"
        )
    score = value.get("score")
    if score is not None and not isinstance(score, int | float):
        raise fail(f"code {key}: `score` must be a number")
    return ReturnCode(
        meaning=value["meaning"],
        score=None if score is None else float(score),
        meaning_pl=meaning_pl,
    )


def _parse_error_codes(raw: Any, fail: _Fail) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise fail("`error_codes` must be a table")
    error_codes: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(value, str):
            raise fail(f"error code {key}: the meaning must be a string")
        error_codes[_loopback_address(key, fail)] = value
    return error_codes


def _loopback_address(text: str, fail: _Fail) -> str:
    try:
        address = ip_address(text)
    except ValueError as exc:
        raise fail(f"code {text!r} is not an IPv4 address") from exc
    if not isinstance(address, IPv4Address) or not address.is_loopback:
        raise fail(f"code {text!r} is outside 127.0.0.0/8 (RFC 5782 section 2.3)")
    return str(address)
