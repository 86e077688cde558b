"""Reasons a person can read, in English and Polish, for each scored input and verdict.

Each template is filled from the component's `params`. A parameter whose name ends in
`rate` or is `limit` is a fraction shown as a percentage, with a decimal comma in Polish.
"""

from __future__ import annotations

from collections.abc import Mapping

from reputation.models import Language
from reputation.scoring.types import Component, ComponentKey, Param, Verdict

_SUBJECTS: dict[ComponentKey, dict[Language, str]] = {
    ComponentKey.COMPLAINT_RATE: {Language.EN: "Complaint rate", Language.PL: "Odsetek skarg"},
    ComponentKey.HARD_BOUNCE_RATE: {
        Language.EN: "Hard-bounce rate",
        Language.PL: "Odsetek twardych odbić",
    },
    ComponentKey.SENDER_REJECTION_RATE: {
        Language.EN: "Rate of rejections blamed on the sender",
        Language.PL: "Odsetek odrzuceń z winy nadawcy",
    },
    ComponentKey.BLOCKLISTS: {Language.EN: "Blocklists", Language.PL: "Czarne listy"},
    ComponentKey.SPF: {Language.EN: "SPF", Language.PL: "SPF"},
    ComponentKey.DMARC: {Language.EN: "DMARC", Language.PL: "DMARC"},
    ComponentKey.MX: {Language.EN: "MX", Language.PL: "MX"},
    ComponentKey.FCRDNS: {Language.EN: "Reverse DNS", Language.PL: "Odwrotny DNS"},
}

_TEMPLATES: dict[str, dict[Language, str]] = {
    "volume_missing": {
        Language.EN: "{events} {events_noun} but only {volume} recorded {recipients_noun} in a "
        "{days}-day window: report the sent volume with the send check or POST /v1/sends.",
        Language.PL: "{events} {events_noun}, a tylko {volume} {recorded_recipients} w oknie "
        "{days}-dniowym: zgłaszaj wolumen wysyłki przez kontrolę przed wysyłką lub POST /v1/sends.",
    },
    "not_enough_volume": {
        Language.EN: "Not enough volume: {volume} {recipients_noun} in a {days}-day window, at "
        "least {min_volume} are needed for a reliable rate.",
        Language.PL: "Za mały wolumen: {volume} {recipients_noun} w oknie {days}-dniowym, do "
        "wiarygodnego pomiaru potrzeba co najmniej {min_volume}.",
    },
    "rate_high_on_little_volume": {
        Language.EN: "{events} of {volume} {recipients_noun} in a {days}-day window: too few for a "
        "reliable rate, but even its lower bound {lowest_rate} reaches {limit}: slow down.",
        Language.PL: "{events} z {volume} {of_recipients} w oknie {days}-dniowym: za mało do "
        "wiarygodnego pomiaru, ale nawet dolna granica {lowest_rate} osiąga {limit}: zwolnij "
        "wysyłkę.",
    },
    "rate_ok": {
        Language.EN: "{rate} over a {days}-day window ({events} of {volume}), below {limit}.",
        Language.PL: "{rate} w oknie {days}-dniowym ({events} z {volume}), poniżej {limit}.",
    },
    "rate_warning": {
        Language.EN: "{rate} over a {days}-day window ({events} of {volume}) reaches {limit}: "
        "slow down.",
        Language.PL: "{rate} w oknie {days}-dniowym ({events} z {volume}) osiąga {limit}: zwolnij "
        "wysyłkę.",
    },
    "rate_critical": {
        Language.EN: "{rate} over a {days}-day window ({events} of {volume}) reaches {limit}: stop "
        "and clean the list.",
        Language.PL: "{rate} w oknie {days}-dniowym ({events} z {volume}) osiąga {limit}: "
        "wstrzymaj wysyłkę i oczyść listę.",
    },
    "not_listed": {
        Language.EN: "Not listed on any monitored blocklist.",
        Language.PL: "Brak wpisów na monitorowanych czarnych listach.",
    },
    "unconfirmed": {
        Language.EN: "Listing not yet confirmed by a second check: {zones}.",
        Language.PL: "Wpis jeszcze niepotwierdzony kolejnym sprawdzeniem: {zones}.",
    },
    "listed": {
        Language.EN: "Listed ({count}): {zones}. Request delisting once the cause is fixed.",
        Language.PL: "Wpisy ({count}): {zones}. Po usunięciu przyczyny złóż wniosek o usunięcie.",
    },
    "blocklists_not_checked": {
        Language.EN: "Unknown: no blocklist check has run for the domain yet; monitor it to "
        "check it.",
        Language.PL: "Nieznane: domena nie była jeszcze sprawdzana na czarnych listach; dodaj ją "
        "do monitorowania, aby to sprawdzić.",
    },
    "dns_not_checked": {
        Language.EN: "Unknown: DNS not configured (MAILREP_DNS_SERVERS), not checked.",
        Language.PL: "Nieznane: DNS nieskonfigurowany (MAILREP_DNS_SERVERS), nie sprawdzono.",
    },
    "dns_not_checked_recently": {
        Language.EN: "Not checked in the last 24 hours; request the domain's reputation to "
        "check it.",
        Language.PL: "Nie sprawdzano od ponad 24 godzin; pobierz reputację domeny, aby to "
        "sprawdzić.",
    },
    "lookup_failed": {
        Language.EN: "Unknown: DNS unavailable (the lookup timed out or failed), not checked.",
        Language.PL: "Nieznane: DNS niedostępny (zapytanie przekroczyło czas lub nie powiodło "
        "się), nie sprawdzono.",
    },
    "spf_missing": {
        Language.EN: "No SPF record: Gmail requires SPF or DKIM from every sender.",
        Language.PL: "Brak rekordu SPF: Gmail wymaga SPF lub DKIM od każdego nadawcy.",
    },
    "spf_permerror": {
        Language.EN: "The SPF record is broken ({lookups} lookups, limit {limit}): {error}.",
        Language.PL: "Rekord SPF jest błędny ({lookups} zapytań, limit {limit}): {error}.",
    },
    "spf_ok": {
        Language.EN: "SPF record present, {lookups} of {limit} DNS lookups.",
        Language.PL: "Rekord SPF obecny, {lookups} z {limit} zapytań DNS.",
    },
    "dmarc_missing_bulk": {
        Language.EN: "No DMARC record while sending {volume} a day: bulk senders must publish one.",
        Language.PL: "Brak rekordu DMARC przy {volume} wiadomościach dziennie: nadawcy masowi "
        "muszą go opublikować.",
    },
    "dmarc_missing": {
        Language.EN: "No valid DMARC record at _dmarc of the domain.",
        Language.PL: "Brak poprawnego rekordu DMARC w _dmarc domeny.",
    },
    "dmarc_none": {
        Language.EN: "DMARC policy p=none: monitored only, not enforced.",
        Language.PL: "Polityka DMARC p=none: tylko monitorowanie, bez egzekwowania.",
    },
    "dmarc_enforced": {
        Language.EN: "DMARC policy p={policy}.",
        Language.PL: "Polityka DMARC p={policy}.",
    },
    "mx_missing": {
        Language.EN: "No MX record: the domain cannot receive replies or bounces.",
        Language.PL: "Brak rekordu MX: domena nie odbierze odpowiedzi ani zwrotów.",
    },
    "mx_null": {
        Language.EN: "Null MX: the domain declares that it accepts no mail.",
        Language.PL: "Pusty MX: domena deklaruje, że nie przyjmuje poczty.",
    },
    "mx_ok": {Language.EN: "MX: {hosts}.", Language.PL: "MX: {hosts}."},
    "no_sending_ips": {
        Language.EN: "No sending IPs known; monitor the domain with its IPs to check them.",
        Language.PL: "Brak znanych adresów IP nadawcy; dodaj domenę z adresami do monitorowania.",
    },
    "fcrdns_failing": {
        Language.EN: "No forward-confirmed reverse DNS for: {ips}.",
        Language.PL: "Brak potwierdzonego odwrotnego DNS dla: {ips}.",
    },
    "fcrdns_ok": {
        Language.EN: "All {count} sending IPs have forward-confirmed reverse DNS.",
        Language.PL: "Wszystkie adresy IP nadawcy ({count}) mają potwierdzony odwrotny DNS.",
    },
    "ptr_missing": {
        Language.EN: "{ip} has no PTR record: Gmail requires one.",
        Language.PL: "{ip} nie ma rekordu PTR: Gmail go wymaga.",
    },
    "ptr_mismatch": {
        Language.EN: "The PTR name {ptr} of {ip} does not resolve back to it.",
        Language.PL: "Nazwa PTR {ptr} adresu {ip} nie wskazuje z powrotem na ten adres.",
    },
    "ptr_ok": {
        Language.EN: "{ip} has forward-confirmed reverse DNS ({ptr}).",
        Language.PL: "{ip} ma potwierdzony odwrotny DNS ({ptr}).",
    },
}

_VERDICTS: dict[Verdict, dict[Language, str]] = {
    Verdict.SEND: {Language.EN: "Send as planned.", Language.PL: "Wysyłaj zgodnie z planem."},
    Verdict.THROTTLE: {
        Language.EN: "Throttle: send less, to engaged recipients first, until the causes are "
        "fixed.",
        Language.PL: "Ogranicz wysyłkę: wysyłaj mniej, najpierw do zaangażowanych odbiorców, "
        "aż przyczyny zostaną usunięte.",
    },
    Verdict.HOLD: {
        Language.EN: "Hold: stop bulk sending until the critical causes are fixed.",
        Language.PL: "Wstrzymaj: zatrzymaj wysyłkę masową do czasu usunięcia krytycznych przyczyn.",
    },
}


def describe(component: Component, language: Language) -> str:
    """Return the reason of one component as a sentence, prefixed by what it measures."""
    template = _TEMPLATES[component.reason][language]
    values = {name: _format(name, value, language) for name, value in component.params.items()}
    values |= _count_words(component.params, language)
    return f"{_SUBJECTS[component.key][language]}: {template.format_map(values)}"


def describe_verdict(verdict: Verdict, language: Language) -> str:
    """Return what a sender should do for `verdict`."""
    return _VERDICTS[verdict][language]


def template_names() -> Mapping[str, dict[Language, str]]:
    """Return every reason template, for tests that check both languages are complete."""
    return _TEMPLATES


def _count_words(params: Mapping[str, Param], language: Language) -> dict[str, str]:
    """Return the nouns that agree with the `events` and `volume` counts in `language`."""
    events, volume = params.get("events"), params.get("volume")
    words: dict[str, str] = {}
    if isinstance(events, int):
        words["events_noun"] = (
            _polish_plural(events, "zdarzenie", "zdarzenia", "zdarzeń")
            if language is Language.PL
            else ("event" if events == 1 else "events")
        )
    if isinstance(volume, int):
        singular = volume == 1
        if language is Language.PL:
            # "odbiorca" is masculine personal: after 2-4 the genitive ("2 odbiorców") is standard.
            words["recipients_noun"] = "odbiorca" if singular else "odbiorców"
            words["recorded_recipients"] = (
                "zapisany odbiorca" if singular else "zapisanych odbiorców"
            )
            words["of_recipients"] = "odbiorcy" if singular else "odbiorców"
        else:
            words["recipients_noun"] = "recipient" if singular else "recipients"
    return words


def _polish_plural(count: int, one: str, few: str, many: str) -> str:
    """Pick the Polish noun form for `count`: 1, 2-4 (but not 12-14), or the rest."""
    if count == 1:
        return one
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return few
    return many


def _format(name: str, value: Param, language: Language) -> str:
    if isinstance(value, float) and (name.endswith("rate") or name == "limit"):
        text = f"{value * 100:.2f} %"
        return text.replace(".", ",") if language is Language.PL else text
    return str(value)
