"""RFC 3463 enhanced status codes and RFC 5321 reply codes, mapped to reasons.

The tables give the reason a code implies when the diagnostic text adds
nothing. Real servers use several codes so loosely (5.0.0, 5.5.0, 5.7.1, a
bare 550) that those imply no reason at all. `is_generic_status` names such
status codes, the reply table leaves such reply codes out, and the classifier
lets the text decide.

The module also pulls a status or reply code out of diagnostic text for
detectors that found none in a header field, for example
``550 5.1.1 <user@example.com>: Recipient address rejected`` or the qmail
style ``(#5.1.1)``.
"""

from __future__ import annotations

import re

from bounce_parser.types import Reason

#: Status codes whose meaning is specific enough to decide the reason alone,
#: after RFC 3463 section 3 and the IANA "SMTP Enhanced Status Codes" registry.
#: The class digit is stripped: both 4.x.y and 5.x.y map the same way, and
#: the hard-bounce rule reads the class from the code itself.
_SUBJECT_DETAIL_REASONS: dict[str, Reason] = {
    "1.0": Reason.USERUNKNOWN,
    "1.1": Reason.USERUNKNOWN,
    "1.2": Reason.HOSTUNKNOWN,
    "1.3": Reason.USERUNKNOWN,
    "1.4": Reason.FILTERED,
    "1.6": Reason.HASMOVED,
    "1.7": Reason.REJECTED,
    "1.8": Reason.REJECTED,
    "1.9": Reason.SYSTEMERROR,
    "1.10": Reason.NOTACCEPT,
    "2.0": Reason.FILTERED,
    "2.1": Reason.FILTERED,
    "2.2": Reason.MAILBOXFULL,
    "2.3": Reason.EXCEEDLIMIT,
    "2.4": Reason.FILTERED,
    "3.0": Reason.SYSTEMERROR,
    "3.1": Reason.SYSTEMFULL,
    "3.2": Reason.NOTACCEPT,
    "3.3": Reason.SYSTEMERROR,
    "3.4": Reason.MESGTOOBIG,
    "3.5": Reason.SYSTEMERROR,
    "4.0": Reason.NETWORKERROR,
    "4.1": Reason.EXPIRED,
    "4.2": Reason.NETWORKERROR,
    "4.3": Reason.SYSTEMERROR,
    "4.4": Reason.HOSTUNKNOWN,
    "4.5": Reason.SYSTEMFULL,
    "4.6": Reason.NETWORKERROR,
    "4.7": Reason.EXPIRED,
    "5.3": Reason.TOOMANYCONN,
    "5.4": Reason.SYNTAXERROR,
    "5.5": Reason.SYSTEMERROR,
    "5.6": Reason.SECURITYERROR,
    "6.0": Reason.CONTENTERROR,
    "6.1": Reason.CONTENTERROR,
    "6.2": Reason.CONTENTERROR,
    "6.3": Reason.CONTENTERROR,
    "6.5": Reason.CONTENTERROR,
    "6.6": Reason.CONTENTERROR,
    "6.7": Reason.CONTENTERROR,
    "6.8": Reason.CONTENTERROR,
    "6.9": Reason.CONTENTERROR,
    "7.0": Reason.SECURITYERROR,
    "7.1": Reason.BLOCKED,
    "7.2": Reason.SECURITYERROR,
    "7.3": Reason.SECURITYERROR,
    "7.4": Reason.SECURITYERROR,
    "7.5": Reason.SECURITYERROR,
    "7.6": Reason.SECURITYERROR,
    "7.7": Reason.SECURITYERROR,
    "7.8": Reason.SECURITYERROR,
    "7.9": Reason.SECURITYERROR,
    "7.10": Reason.SECURITYERROR,
    "7.11": Reason.SECURITYERROR,
    "7.13": Reason.SUSPEND,
    "7.14": Reason.SECURITYERROR,
    "7.15": Reason.SECURITYERROR,
    "7.16": Reason.MESGTOOBIG,
    "7.17": Reason.HASMOVED,
    "7.18": Reason.HASMOVED,
    "7.20": Reason.AUTHFAILURE,
    "7.21": Reason.AUTHFAILURE,
    "7.22": Reason.AUTHFAILURE,
    "7.23": Reason.AUTHFAILURE,
    "7.24": Reason.AUTHFAILURE,
    "7.25": Reason.REQUIREPTR,
    "7.26": Reason.AUTHFAILURE,
    "7.27": Reason.NOTACCEPT,
}

#: Status codes that real servers attach to unrelated failures, so the code
#: alone implies nothing and only the text can decide.
_GENERIC_SUBJECT_DETAILS = frozenset({"0.0", "2.0", "2.1", "3.0", "5.0", "7.0", "7.1"})

_STATUS_RE = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})$")
_STATUS_IN_TEXT_RE = re.compile(r"(?<![\d.])(?:#\s?)?([245]\.\d{1,3}\.\d{1,3})(?![\d.]*\d)")
_REPLY_IN_TEXT_RE = re.compile(r"(?<![\w.:-])([245][0-5]\d)(?=[ -]|$)")


def normalise_status(status: str | None) -> str | None:
    """Return `status` without leading zeros in its parts, or None if it is not a status code."""
    if not status:
        return None
    match = _STATUS_RE.match(status.strip())
    if match is None:
        return None
    return ".".join(str(int(part)) for part in match.groups())


def reason_for_status(status: str | None) -> Reason | None:
    """Return the reason a status code implies on its own, or None."""
    normal = normalise_status(status)
    if normal is None:
        return None
    status_class, detail = normal.split(".", 1)
    if status_class == "2":
        return Reason.DELIVERED
    return _SUBJECT_DETAIL_REASONS.get(detail)


def is_generic_status(status: str | None) -> bool:
    """Tell whether a status code is too vague to decide the reason alone."""
    normal = normalise_status(status)
    if normal is None:
        return True
    return normal.split(".", 1)[1] in _GENERIC_SUBJECT_DETAILS


#: Reply codes of RFC 5321 section 4.2.3 specific enough to imply a reason.
_REPLY_REASONS: dict[str, Reason] = {
    "452": Reason.SYSTEMFULL,
    "500": Reason.SYNTAXERROR,
    "501": Reason.SYNTAXERROR,
    "502": Reason.SYNTAXERROR,
    "503": Reason.SYNTAXERROR,
    "504": Reason.SYNTAXERROR,
    "521": Reason.NOTACCEPT,
    "523": Reason.MESGTOOBIG,
    "530": Reason.SECURITYERROR,
    "534": Reason.SECURITYERROR,
    "535": Reason.SECURITYERROR,
    "552": Reason.MAILBOXFULL,
    "556": Reason.NOTACCEPT,
}


def reason_for_reply_code(reply_code: str | None) -> Reason | None:
    """Return the reason a reply code implies on its own, or None."""
    if not reply_code:
        return None
    return _REPLY_REASONS.get(reply_code.strip())


def find_status(text: str | None) -> str | None:
    """Return the first enhanced status code written in `text`, or None."""
    if not text:
        return None
    match = _STATUS_IN_TEXT_RE.search(text)
    return normalise_status(match.group(1)) if match else None


def find_reply_code(text: str | None) -> str | None:
    """Return the first SMTP reply code written in `text`, or None."""
    if not text:
        return None
    match = _REPLY_IN_TEXT_RE.search(text)
    return match.group(1) if match else None
