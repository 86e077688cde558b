from pathlib import Path

import pytest

from blacklist_checks import (
    AnswerScheme,
    CatalogueError,
    ListType,
    ReturnCode,
    ZoneKind,
    enabled_zones,
    load_catalogue,
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "zones.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_catalogue_builtin_has_both_zone_kinds() -> None:
    zones = {zone.name: zone for zone in load_catalogue()}

    assert zones["zen.spamhaus.org"].kind is ZoneKind.IP
    assert zones["dbl.spamhaus.org"].kind is ZoneKind.DOMAIN
    assert zones["multi.surbl.org"].scheme is AnswerScheme.BITMASK
    assert zones["list.dnswl.org"].list_type is ListType.ALLOWLIST
    assert zones["score.senderscore.com"].list_type is ListType.SCORE


def test_load_catalogue_builtin_omits_sorbs() -> None:
    names = [zone.name for zone in load_catalogue()]

    assert not [name for name in names if "sorbs" in name]


def test_load_catalogue_spamhaus_refusal_codes_are_error_codes() -> None:
    zen = {zone.name: zone for zone in load_catalogue()}["zen.spamhaus.org"]

    assert set(zen.error_codes) == {"127.255.255.252", "127.255.255.254", "127.255.255.255"}
    assert zen.dqs_zone == "zen.dq.spamhaus.net"
    assert zen.codes["127.0.0.2"].meaning.startswith("SBL")
    assert zen.codes["127.0.0.10"].meaning.startswith("PBL")


def test_load_catalogue_registration_zone_disabled_by_default() -> None:
    zones = load_catalogue()
    enabled = {zone.name for zone in enabled_zones(zones)}

    assert "b.barracudacentral.org" in {zone.name for zone in zones}
    assert "b.barracudacentral.org" not in enabled


def test_load_catalogue_every_builtin_zone_names_delisting_page() -> None:
    for zone in load_catalogue():
        assert zone.delist_url.startswith("https://"), zone.name


def test_load_catalogue_user_file_replaces_builtin(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
[[zone]]
name = "BL.Example.COM."
kind = "ip"
lists = "local test list"
[zone.codes]
"127.0.0.2" = { meaning = "listed", score = 3 }
"127.0.0.3" = "also listed"
""",
    )

    zones = load_catalogue(path)

    assert [zone.name for zone in zones] == ["bl.example.com"]
    assert zones[0].codes["127.0.0.2"].score == 3.0
    assert zones[0].codes["127.0.0.3"].meaning == "also listed"
    assert zones[0].enabled is True


def test_load_catalogue_meaning_pl_optional(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
[[zone]]
name = "bl.example.com"
kind = "ip"
[zone.codes]
"127.0.0.2" = { meaning = "spam source", meaning_pl = "źródło spamu", score = 10 }
"127.0.0.3" = { meaning = "exploited host", meaning_pl = "przejęty host" }
"127.0.0.4" = { meaning = "policy range" }
"127.0.0.5" = "proxy"
""",
    )

    codes = load_catalogue(path)[0].codes

    assert codes["127.0.0.2"] == ReturnCode("spam source", 10.0, "źródło spamu")
    assert codes["127.0.0.3"] == ReturnCode("exploited host", None, "przejęty host")
    assert codes["127.0.0.4"] == ReturnCode("policy range")
    assert codes["127.0.0.5"] == ReturnCode("proxy")


@pytest.mark.parametrize("value", ["3", '""', '"  "', '["źródło spamu"]'])
def test_load_catalogue_bad_meaning_pl_raises(tmp_path: Path, value: str) -> None:
    path = _write(
        tmp_path,
        f"""
[[zone]]
name = "x.example.com"
kind = "ip"
[zone.codes]
"127.0.0.2" = {{ meaning = "spam source", meaning_pl = {value} }}
""",
    )

    with pytest.raises(CatalogueError) as raised:
        load_catalogue(path)

    message = str(raised.value)
    assert "zone x.example.com: code 127.0.0.2" in message
    assert "`meaning_pl` must be a non-empty string" in message


def test_load_catalogue_every_builtin_code_has_polish_meaning() -> None:
    missing = [
        f"{zone.name} {key}"
        for zone in load_catalogue()
        for key, code in zone.codes.items()
        if not code.meaning_pl
    ]

    assert missing == []


def test_load_catalogue_disabled_zone_filtered(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
[[zone]]
name = "a.example.com"
kind = "ip"
[[zone]]
name = "b.example.com"
kind = "domain"
enabled = false
""",
    )

    assert [zone.name for zone in enabled_zones(load_catalogue(path))] == ["a.example.com"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('name = "x.example.com"\nkind = "asn"', "invalid kind"),
        ('name = "x.example.com"\nkind = "ip"\n[zone.codes]\n"192.0.2.1" = "x"', "outside"),
        ('name = "x.example.com"\nkind = "ip"\nenabled = "yes"', "`enabled`"),
        (
            'name = "x.example.com"\nkind = "domain"\nscheme = "bitmask"\n'
            '[zone.codes]\n"300" = "x"',
            "1 to 255",
        ),
        (
            'name = "x.example.com"\nkind = "ip"\n[zone.codes]\n"127.0.0.2" = { score = 3 }',
            "give a meaning string",
        ),
    ],
)
def test_load_catalogue_bad_zone_raises_naming_zone(
    tmp_path: Path, body: str, problem: str
) -> None:
    path = _write(tmp_path, f"[[zone]]\n{body}\n")

    with pytest.raises(CatalogueError) as raised:
        load_catalogue(path)

    assert "x.example.com" in str(raised.value)
    assert problem in str(raised.value)


def test_load_catalogue_missing_file_raises(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="cannot read"):
        load_catalogue(tmp_path / "absent.toml")


def test_load_catalogue_no_zones_raises(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="no \\[\\[zone\\]\\]"):
        load_catalogue(_write(tmp_path, "title = 'empty'\n"))


def test_load_catalogue_duplicate_zone_raises(tmp_path: Path) -> None:
    body = '[[zone]]\nname = "d.example.com"\nkind = "ip"\n'

    with pytest.raises(CatalogueError, match="twice"):
        load_catalogue(_write(tmp_path, body * 2))
