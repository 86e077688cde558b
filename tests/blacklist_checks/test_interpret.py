import pytest

from blacklist_checks import (
    AnswerScheme,
    DnsAnswer,
    ListingStatus,
    ListType,
    LookupOutcome,
    ReturnCode,
    Zone,
    ZoneKind,
    interpret_answer,
    localised_meanings,
)

ZEN = Zone(
    "zen.example.com",
    ZoneKind.IP,
    ListType.BLOCKLIST,
    "test",
    codes={
        "127.0.0.2": ReturnCode("SBL", 10, "SBL: potwierdzone źródło spamu"),
        "127.0.0.10": ReturnCode("PBL", 5),
    },
    error_codes={"127.255.255.254": "public resolver refused"},
)
SURBL = Zone(
    "multi.example.com",
    ZoneKind.DOMAIN,
    ListType.BLOCKLIST,
    "test",
    scheme=AnswerScheme.BITMASK,
    codes={
        "8": ReturnCode("phishing", meaning_pl="wyłudzanie danych (phishing)"),
        "16": ReturnCode("malware", 9),
    },
)
DNSWL = Zone(
    "wl.example.com",
    ZoneKind.IP,
    ListType.ALLOWLIST,
    "test",
    scheme=AnswerScheme.DNSWL,
    codes={"3": ReturnCode("email service providers", meaning_pl="dostawcy usług poczty e-mail")},
)
SCORE = Zone(
    "score.example.com",
    ZoneKind.IP,
    ListType.SCORE,
    "test",
    scheme=AnswerScheme.LAST_OCTET_SCORE,
)
REP = Zone(
    "rep.example.com",
    ZoneKind.IP,
    ListType.SCORE,
    "test",
    codes={"127.0.0.11": ReturnCode("L4", -4), "127.0.0.18": ReturnCode("H3", 3)},
)


def _answer(*records: str) -> DnsAnswer:
    return DnsAnswer(LookupOutcome.ANSWER, records)


@pytest.mark.parametrize(
    "answer",
    [DnsAnswer(LookupOutcome.NXDOMAIN), DnsAnswer(LookupOutcome.NO_DATA), _answer()],
    ids=["nxdomain", "no_data", "empty_answer"],
)
def test_interpret_answer_no_record_is_not_listed(answer: DnsAnswer) -> None:
    assert interpret_answer(ZEN, answer).status is ListingStatus.NOT_LISTED


@pytest.mark.parametrize(
    "outcome",
    [LookupOutcome.TIMEOUT, LookupOutcome.SERVFAIL, LookupOutcome.REFUSED, LookupOutcome.ERROR],
)
def test_interpret_answer_failure_is_unknown(outcome: LookupOutcome) -> None:
    decision = interpret_answer(ZEN, DnsAnswer(outcome, detail="127.0.0.1:53"))

    assert decision.status is ListingStatus.UNKNOWN
    assert decision.error is not None
    assert str(outcome) in decision.error


def test_interpret_answer_known_code_is_listed_with_meaning() -> None:
    decision = interpret_answer(ZEN, _answer("127.0.0.2"))

    assert decision.status is ListingStatus.LISTED
    assert decision.codes == ("127.0.0.2",)
    assert decision.meanings == ("SBL",)
    assert decision.reason == "code=127.0.0.2"
    assert decision.score == 10


def test_interpret_answer_several_codes_sorted_worst_score() -> None:
    decision = interpret_answer(ZEN, _answer("127.0.0.10", "127.0.0.2"))

    assert decision.codes == ("127.0.0.2", "127.0.0.10")
    assert decision.meanings == ("SBL", "PBL")
    assert decision.score == 10


def test_interpret_answer_undocumented_code_still_listed() -> None:
    decision = interpret_answer(ZEN, _answer("127.0.0.77"))

    assert decision.status is ListingStatus.LISTED
    assert "undocumented" in decision.meanings[0]


def test_interpret_answer_refusal_code_is_unknown() -> None:
    decision = interpret_answer(ZEN, _answer("127.255.255.254"))

    assert decision.status is ListingStatus.UNKNOWN
    assert decision.reason == "refusal_code=127.255.255.254"
    assert decision.error is not None
    assert "public resolver refused" in decision.error


def test_interpret_answer_refusal_code_among_listing_is_unknown() -> None:
    decision = interpret_answer(ZEN, _answer("127.0.0.2", "127.255.255.254"))

    assert decision.status is ListingStatus.UNKNOWN


def test_interpret_answer_loopback_one_is_unknown() -> None:
    decision = interpret_answer(SURBL, _answer("127.0.0.1"))

    assert decision.status is ListingStatus.UNKNOWN
    assert decision.reason == "refusal_code=127.0.0.1"


def test_interpret_answer_outside_loopback_is_unknown() -> None:
    # What an ISP resolver that rewrites NXDOMAIN to a search page returns.
    decision = interpret_answer(ZEN, _answer("198.51.100.7"))

    assert decision.status is ListingStatus.UNKNOWN
    assert decision.reason == "answer_outside_127"


def test_interpret_answer_malformed_record_is_unknown() -> None:
    assert interpret_answer(ZEN, _answer("not-an-address")).status is ListingStatus.UNKNOWN


def test_interpret_answer_bitmask_decodes_each_flag() -> None:
    decision = interpret_answer(SURBL, _answer("127.0.0.24"))

    assert decision.status is ListingStatus.LISTED
    assert decision.meanings == ("phishing", "malware")
    assert decision.score == 9


def test_interpret_answer_bitmask_unknown_flag_named() -> None:
    decision = interpret_answer(SURBL, _answer("127.0.0.4"))

    assert decision.meanings == ("multi.example.com: undocumented flag 4",)


def test_interpret_answer_dnswl_reads_category_and_trust() -> None:
    decision = interpret_answer(DNSWL, _answer("127.0.3.2"))

    assert decision.status is ListingStatus.LISTED
    assert decision.meanings == ("email service providers; trust level 2 of 3",)
    assert decision.score == 2


def test_interpret_answer_last_octet_is_score() -> None:
    decision = interpret_answer(SCORE, _answer("127.0.4.73"))

    assert decision.score == 73
    assert decision.meanings == ("score.example.com: score 73",)


def test_interpret_answer_score_zone_takes_lowest_score() -> None:
    decision = interpret_answer(REP, _answer("127.0.0.18", "127.0.0.11"))

    assert decision.score == -4


def test_localised_meanings_exact_pairs_with_codes() -> None:
    codes = ("127.0.0.2", "127.0.0.10", "127.0.0.77")

    assert localised_meanings(ZEN, codes, "pl") == ("SBL: potwierdzone źródło spamu", None, None)
    assert localised_meanings(ZEN, codes, "en") == ("SBL", "PBL", None)
    assert len(localised_meanings(ZEN, codes, "pl")) == len(
        interpret_answer(ZEN, _answer(*codes)).meanings
    )


def test_localised_meanings_bitmask_one_item_per_flag() -> None:
    # 127.0.0.28: flags 4 (undocumented), 8 and 16, in the order interpret_answer gives.
    assert localised_meanings(SURBL, ("127.0.0.28",), "pl") == (
        None,
        "wyłudzanie danych (phishing)",
        None,
    )
    assert interpret_answer(SURBL, _answer("127.0.0.28")).meanings[1:] == ("phishing", "malware")


def test_localised_meanings_malformed_bitmask_code_is_none() -> None:
    assert localised_meanings(SURBL, ("not-an-address",), "pl") == (None,)


def test_localised_meanings_unknown_language_is_none() -> None:
    assert localised_meanings(ZEN, ("127.0.0.2",), "de") == (None,)


def test_localised_meanings_dnswl_and_score_schemes_are_none() -> None:
    assert localised_meanings(DNSWL, ("127.0.3.2",), "pl") == (None,)
    assert localised_meanings(SCORE, ("127.0.4.73",), "pl") == (None,)
