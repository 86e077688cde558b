"""Diagnostic-text patterns: the wording that names a failure class.

Each `TextPattern` contains one compiled regex for one reason, written against
text that `normalise_text` has lower-cased, stripped of line breaks and capped.
`PATTERNS` is ordered and the first match wins, so the order is the policy:

1. Failures caused by the sender (rate limits, authentication, reverse DNS,
   reputation, blocklists, spam, relaying, the envelope sender, policy). A
   server often wraps these in an address-looking code such as 550 5.1.1 or
   5.7.1, and they must never suppress a valid recipient.
2. Recipient-side conditions that look like an address problem but are not:
   mailbox full, size limits, disabled accounts.
3. Address problems (moved, null MX, unknown host, unknown user).
4. Transport conditions (expiry, network, system), then SMTP syntax.

Patterns describe kinds of wording seen across MTAs and providers, never one
message. Vendor reference codes that these providers put only on refusals of
one kind (Microsoft's S3150, Yahoo's TSS04 or BL21, Cox's AUP#CDRBL) are
matched too.

Besides English, the table matches user-unknown and mailbox-full wording in
Polish, German, French, Spanish, Italian, Russian and Japanese only. Other
languages fall through to the status code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bounce_parser.prefilter import LiteralIndex, required_literals
from bounce_parser.types import Reason

#: Diagnostic texts are short, so anything past this is quoted message content.
MAX_TEXT_LENGTH = 4096

_CAPTURING_GROUP_RE = re.compile(r"(?<!\\)\((?!\?)")
_CONTINUATION_RE = re.compile(r"\b([245]\d\d)[ -]([245]\.\d{1,3}\.\d{1,3}) ")


@dataclass(frozen=True, slots=True)
class TextPattern:
    """A named regex whose match means `reason`."""

    name: str
    reason: Reason
    regex: re.Pattern[str]
    #: A specific status code beats a weak pattern.
    is_weak: bool = False
    #: The match suppresses an address only with an X.1.x status or at RCPT TO.
    needs_confirmation: bool = False
    #: The same regex split at its top-level alternatives, for the prefilter.
    alternatives: tuple[re.Pattern[str], ...] = ()


def _pattern(
    name: str,
    reason: Reason,
    *alternatives: str,
    is_weak: bool = False,
    needs_confirmation: bool = False,
) -> TextPattern:
    # No group is ever read, and non-capturing groups search faster.
    sources = [_CAPTURING_GROUP_RE.sub("(?:", f"(?:{alt})") for alt in alternatives]
    regex = re.compile("|".join(sources))
    compiled = tuple(re.compile(source) for source in sources)
    return TextPattern(name, reason, regex, is_weak, needs_confirmation, compiled)


def normalise_text(text: str | None) -> str:
    """Return `text` lower-cased, with runs of whitespace as one space, capped.

    The codes that open each line of a multi-line SMTP reply ("550-5.7.1 ...",
    RFC 5321 section 4.2.1) are dropped after the first line, so wording that
    a server wrapped across lines matches as one phrase.
    """
    if not text:
        return ""
    # str.split() splits on the same Unicode whitespace as `\s`, and faster.
    flat = " ".join(text[:MAX_TEXT_LENGTH].split()).lower()
    first = _CONTINUATION_RE.search(flat)
    if first is None:
        return flat
    reply_code, status = first.group(1), first.group(2)
    rest = flat[first.end() :]
    # Most replies are one line: skip the regex when the code never repeats.
    if f"{reply_code}-{status} " not in rest and f"{reply_code} {status} " not in rest:
        return flat
    repeated = re.compile(rf"\b{reply_code}[ -]{re.escape(status)} ")
    return flat[: first.end()] + repeated.sub("", rest)


_SENDER_SIDE: tuple[TextPattern, ...] = (
    _pattern(
        "rate_limited",
        Reason.SPEEDING,
        r"receiving mail (at|too) a? ?rate",
        r"receiving mail too quickly",
        r"unusual rate of (mail|messages)",
        r"has sent to too many recipients",
        r"rate limit(ed|ing)? (exceeded|reached)",
        r"(sending|message|messages) rate (limit|exceeded|too high)",
        r"too many (messages|mails|emails) (in|this|per|from|sent)",
        r"exceeded (the )?(hourly|daily|per[- ]hour|message) (sending )?(limit|quota)",
        # Polish providers' sending limits ("Przekroczono limit wysyłanych wiadomości").
        r"przekroczon\w* (dzienn\w* |godzinow\w* )?limit\w* wysy[łl]",
        r"limit\w* wysy[łl]anych wiadomo",
    ),
    _pattern(
        "too_many_connections",
        Reason.TOOMANYCONN,
        r"too many ((concurrent|simultaneous|parallel|open|smtp) )*(connections|sessions)",
        r"(connection|ip|domain) (frequency|rate) limit",
        r"too many recipients",
        r"max(imum)? (number of )?connections? (exceeded|reached)",
        r"(zbyt wiele|za du[żz]o|limit\w*) po[łl][ąa]cze[ńn]",
    ),
    _pattern(
        "authentication_failed",
        Reason.AUTHFAILURE,
        r"\bspf\b.{0,80}\b(fail|failed|fails|failure|softfail|hardfail|not pass|check|validation)",
        r"(bad|invalid|broken) spf record",
        r"\bdmarc\b.{0,60}\b(policy|fail|failed|failure|verification|reject|check)",
        r"\bdkim\b.{0,60}\b(fail|failed|failure|invalid|no valid)",
        r"dkim signature (is )?(missing|required)",
        r"not (pass|passing) (spf|dkim|dmarc)",
        r"unauthenticated (email|mail|message)",
        r"(email|mail|message) is unauthenticated",
        r"(does not have|doesn't have|lacks) authentication information",
        r"fails? (to pass )?authentication checks",
        r"sender is unauthenticated",
        r"(multiple|all) authentication checks failed",
        r"requires (all )?senders to authenticate",
        r"sender policy framework",
    ),
    _pattern(
        "missing_reverse_dns",
        Reason.REQUIREPTR,
        r"\bptr\b (record|resource|lookup|check)",
        r"(no|missing|bad|invalid) (dns )?ptr",
        r"reverse (dns|lookup|hostname|host name|resolution)",
        r"\brdns\b",
        r"ip name lookup failed",
        r"(cannot|can't|could not|unable to) (find|resolve|verify) your (host ?name|address|ip)",
        r"unverif(y|i)able sending ips?",
        r"not accept (messages|mail|connections) from (servers|hosts) without",
    ),
    _pattern(
        "poor_reputation",
        Reason.BADREPUTATION,
        r"(low|poor|bad|negative) (sender |ip |domain |email )?reputation",
        r"reputation (of|for) (the |your )?(sending|sender)",
        r"reputation (is )?too low",
        r"(due to|because of) (the |your |its )?(ip|sender|sending|domain)( ip)? reputation",
        r"\[tss0[1-9]\]",
        r"(unexpected volume|user complaints)",
    ),
    _pattern(
        "sender_address_listed",
        Reason.REJECTED,
        r"(sender|from|sending|envelope)( e-?mail)? address (that )?(is |has been )?"
        r"(black|block|deny)[ -]?listed",
        r"(adres|konto|domena)\w* nadawcy( \S+)? (jest |zosta[łl]\w* )?"
        r"(zablokowan|odrzucon|na czarnej)",
        r"address that has been (black|block)[ -]?listed",
    ),
    _pattern(
        "listed_link",
        Reason.SPAMDETECTED,
        r"(black|block)[ -]?listed (url|link|domain) in (the )?(message|body|content)",
        r"\b(uribl|surbl|dbl)\b",
    ),
    # A recipient's own deny list is no verdict on the sending IP's standing.
    _pattern(
        "recipient_blocklist",
        Reason.FILTERED,
        r"(user|recipient)('s|s')? (personal )?(deny|block|black)[ -]?list",
    ),
    _pattern(
        "blocklisted",
        Reason.BLOCKED,
        r"spamhaus|spamcop|barracudacentral|\bsorbs\b|uceprotect|\bsurriel\b|mailspike|\bivmsip\b",
        r"\b(dnsbl|rbl|dnsrbl)s?\b",
        r"blocked using",
        r"\b(black|block|deny|ban)[ -]?list(ed)?\b",
        r"\b(is|are|been|currently) listed (at|in|on|by)\b",
        r"client host (\S+ )?rejected",
        r"banned (sending ip|sender)",
        r"traffic not accepted from this ip",
        r"client blocked from sending",
        r"\bip\b.{0,40}not (authorized|allowed|permitted) to send",
        # AOL's bracketed block codes, such as "(RTR:BB)" or "(RLY:B1)".
        r"\((rtr|rly|dyn|hvu):[a-z0-9]{1,4}\)",
        r"(sending )?ip( address)? (\S+ )?(is |has been )?(blocked|banned|blacklisted|not allowed)",
        r"blocked (ip|for abuse)",
        r"messages from \S+ weren't sent",
        r"\bs3150\b",
        r"\[bl\d+\]",
        r"\(bl\)",
        r"aup#\w*bl\b",
        r"not accepting connections",
        r"no access from mail server",
        r"open (relay|proxy)",
        r"invalid ip for sending",
        r"relay quota",
        r"(dynamic|dial-?up|residential) (ip|address|range|pool)",
        r"refused to talk to me",
        # Orange and La Poste refuse sessions from hosts they distrust this way.
        r"service refused?\b",
        r"after initial connection",
        r"my name was rejected",
        r"helo command rejected",
        r"connection refused by",
        r"your (ip|server|network) (is|has been) (temporarily )?(blocked|rejected|banned)",
        r"unusual rate of unsolicited mail",
        # Barracuda names the verdict after the recipient: "(user@example.com:blocked)".
        r"recipients \(\S+:blocked\)",
        r"czarn\w* li[śs]",
        r"adres\w* ip\b.{0,40}zablokowan",
    ),
    _pattern(
        "virus_detected",
        Reason.VIRUSDETECTED,
        r"\bvirus(es)?\b",
        r"malware",
        r"infected",
        r"\btrojan\b",
    ),
    _pattern(
        "spam_detected",
        Reason.SPAMDETECTED,
        r"\bspam(u|em|ie|owy|owa|owe|ow)?\b",
        r"unsolicited",
        r"\bube\b|\buce\b",
        r"bulk (e-?mail|mail)",
        r"junk mail",
        r"content filter",
        r"spamassassin|spam ?score|spam filter",
        r"mail content denied",
        r"suspicious (content|message)",
        # Polish filters: "odrzucona przez filtr antyspamowy".
        r"antyspam",
    ),
    _pattern(
        "relaying_denied",
        Reason.NORELAYING,
        r"relay(ing)? (access )?(denied|not (permitted|allowed))",
        r"(not permitted|not allowed|unable|cannot) to relay",
        r"insecure mail relay",
        r"we do not relay",
        r"no relaying",
        r"isn'?t in my list of allowed rcpthosts",
        r"email address is not verified",
    ),
    _pattern(
        "policy_violation",
        Reason.POLICYVIOLATION,
        r"(for|due to) (local |security |organi[sz]ation(al)? )?polic(y|ies) reasons?",
        r"(denied|rejected|blocked) (by|due to) "
        r"(local |security |organi[sz]ation(al)? )?polic(y|ies)",
        r"policy violation",
        r"organi[sz]ation(al)? (settings|policy)",
        r"header error",
        r"not accepted for policy",
        r"illegal attachment",
        r"reject(ed)? due to polic(y|ies)",
        r"content presents a potential security issue",
        r"executable (attachment|files?|content)",
        r"prohibited (attachment|file)",
    ),
    _pattern(
        "sender_rejected",
        Reason.REJECTED,
        r"sender (address |email address |domain )?(has been |was |is )?"
        r"(rejected|refused|denied|blocked|not allowed|invalid)",
        r"(not|n't) (accept|receive) (e-?mail|mail|messages) from (this|your|that) "
        r"(domain|sender|address)",
        r"sender domain must (exist|resolve)",
        r"unroute?able (address|domain) (for|of) (the )?sender",
        r"sender verif(y|ication) failed",
        r"(domain of|invalid) sender",
        r"sender domain (is empty|does not exist|not found)",
        r"unroutable sender",
        r"(bogus|invalid|bad) mail from",
        r"null sender",
        r"envelope (sender|from) (rejected|refused|invalid)",
        r"not a registered gateway user",
        r"address (that )?(has been|is) (blacklisted|blocklisted|blocked)",
        r"not a member of (this|the) (mailing )?list",
        r"not allowed to post",
        r"(may not|don't) have permission to post",
        r"purported responsible address",
        r"all recipient addresses rejected",
        r"mail from not owned",
        r"envelope blocked",
        r"blocked senders? (list|policy)|block policy for sender",
        # Exchange's refusal of a sender not allowed to write to a restricted group.
        r"resolver\.rst\.(notauthorized|sendernotauthenticatedforgroup)",
        r"administrative prohibition",
    ),
    _pattern(
        "tls_required",
        Reason.FAILEDSTARTTLS,
        r"starttls",
        r"(does not|doesn't|do not) support (starttls|tls|ssl|encryption)",
        r"\btls (is )?(required|negotiation failed|handshake)",
        r"(must|should) (use|issue) (a )?(starttls|tls)",
        r"encryption (is )?required",
    ),
    _pattern(
        "authentication_required",
        Reason.SECURITYERROR,
        r"authentication (is )?required",
        r"unauthenticated senders? (are )?not allowed",
        r"authentication credentials invalid",
        r"must (authenticate|be authenticated)",
        r"not authorized to send",
        r"not authenticated to send",
        r"delivery not authori[sz]ed",
    ),
    _pattern(
        "not_rfc_compliant",
        Reason.NOTCOMPLIANTRFC,
        r"multiple addresses in from",
        r"rfc ?(5322|2822|822) (violation|non-?complian)",
        r"(violates|violation of) rfc ?(5322|2822|822)",
        r"(malformed|invalid|duplicate|missing) (\S+ )?header",
        r"not (rfc|standards?)[- ]compliant",
        r"bare (lf|linefeed)",
        r"lone (cr|lf)\b",
        r"\(see rfc ?(5322|2822|822)\)",
    ),
    _pattern(
        "content_error",
        Reason.CONTENTERROR,
        r"invalid mime",
        r"(mime|message) (structure|content|encoding) (is )?(invalid|malformed|not supported)",
        r"8-?bit (data|characters|content) (is )?not (allowed|accepted|supported)",
        r"smtputf8 (is )?(required|not supported)",
        r"conversion (required|failed)",
    ),
)

_RECIPIENT_CONDITIONS: tuple[TextPattern, ...] = (
    _pattern(
        "mailer_error",
        Reason.MAILERERROR,
        r"pipe to \|",
        r"procmail",
        r"mailer error",
        r"command (died|failed|exited) with",
        r"child status \d+.{0,40}(failed|error)",
    ),
    _pattern(
        "mailbox_full",
        Reason.MAILBOXFULL,
        r"mail ?(box|folder|drop)( is| was)? (full|over ?quota)",
        r"(mailbox|inbox|mail ?folder|account|user) (is )?(full|over ?quota)",
        r"over ?quota",
        r"over (the )?(allowed |storage |mailbox |disk )?quota",
        r"quota (exceeded|full|violation)",
        r"exceed(s|ed)? (the |his |her |their |its )?(storage|mailbox|disk|quota)",
        r"(out of|insufficient|not enough) (storage|disk) space",
        r"storage (quota|allocation|limit)",
        r"mailbox (size )?exceeds",
        r"mailbox size limit (exceeded|reached)",
        r"exceeds allowed size",
        r"disk quota",
        r"(容量|メールボックス).{0,10}(オーバー|超過|一杯|いっぱい)",
        # Polish servers often drop the diacritics, so both spellings match.
        r"skrzynk\w*.{0,30}(pe[łl]na|przepe[łl]niona)",
        r"przekroczon\w* (limit\w*|rozmiar\w*) (pojemno|miejsca|skrzynki|dyskowego)",
        r"(brak|za ma[łl]o) miejsca (w|na) (skrzynce|koncie)",
        r"(postfach|mailbox) (ist )?voll",
        r"bo[iî]te (aux lettres )?(est )?pleine",
        r"buz[oó]n (est[aá] )?lleno|casella (di posta )?piena",
        r"ящик переполнен",
    ),
    _pattern(
        "exceeds_recipient_limit",
        Reason.EXCEEDLIMIT,
        r"recipsizelimit",
        r"too large for this recipient",
        r"exceeds? (the )?(recipient|mailbox)'?s? ((size|mailbox|message) )?(limit|quota)",
    ),
    _pattern(
        "message_too_big",
        Reason.MESGTOOBIG,
        r"message (is )?too (large|big)",
        r"(message|mail) size (limit )?(exceeded|exceeds|too large)",
        r"size limit exceeded",
        r"exceeds? (the )?(maximum|max|fixed) (message |mail )?size",
        r"line limit exceeded",
        r"exceed(s|ed)? .{0,30}message size limit",
        r"wiadomo\w* (jest )?(za|zbyt) du[żz]a",
        r"(przekroczon\w*|limit\w*) (maksymaln\w* )?rozmiar\w* wiadomo",
    ),
    _pattern(
        "account_disabled",
        Reason.SUSPEND,
        r"(account|mailbox|address|recipient|user)( \S+)? (is |has been |was )?"
        r"(temporar(il)?y )?"
        r"(disabled|suspended|locked|deactivated|inactive|discontinued|frozen|expired)",
        r"(account|mailbox)( \S+)? (is |has been |was )?(temporar(il)?y )?blocked",
        r"account that you tried to reach is (inactive|disabled)",
        r"disabled (recipient|user|account|mailbox)",
        r"(account|mailbox) (has )?expired",
        r"(konto|skrzynka|adres)\w*( \S+)? (jest |zosta[łl]o |zosta[łl]a |zosta[łl] )?"
        r"(zablokowan|zawieszon|nieaktywn|wy[łl][ąa]czon|dezaktywowan)",
    ),
)

_ADDRESS_PROBLEMS: tuple[TextPattern, ...] = (
    _pattern(
        "address_moved",
        Reason.HASMOVED,
        r"no longer on (this )?server",
        r"(address|recipient|mailbox|user) has (been )?moved",
        r"user not local; please try",
    ),
    _pattern(
        "domain_accepts_no_mail",
        Reason.NOTACCEPT,
        r"null mx",
        # "... accept mail from this domain" is a block of the sender instead.
        r"(does not|doesn't|do not) (accept|receive) (e-?mail|mail|messages)(?! from)",
        r"accepts no mail",
        r"no mx (record )?found",
        r"(couldn't|could not|unable to) find a mail exchanger",
    ),
    _pattern(
        "dns_temporary_failure",
        Reason.NETWORKERROR,
        r"host not found, try again",
        r"host ?name lookup failure",
        r"temporary (dns|name server|lookup) (failure|error)",
        r"dns (lookup )?timed? ?out",
        r"servfail",
    ),
    _pattern(
        "host_unknown",
        Reason.HOSTUNKNOWN,
        r"host unknown|unknown host",
        r"(domain|host)( name)? not found",
        r"(?<![@\w.-])[a-z0-9-]+(\.[a-z0-9-]+)+ does not exist",
        r"no such (domain|host)",
        r"unknown domain",
        r"unroute?able (address|domain)",
        r"(couldn't|could not|unable to) find any host",
        r"\bnxdomain\b",
        r"mx records point to non-existent hosts",
        r"domain (is )?not reachable",
        r"(recipient|destination) domain (does not exist|is invalid)",
    ),
    # Wording that only the recipient's own mailbox authority writes: the
    # directory of Exchange or Domino, a local delivery agent, Postfix's
    # recipient tables, qmail-local, Gmail's own mailbox lookup.
    _pattern(
        "user_unknown_directory",
        Reason.USERUNKNOWN,
        r"unknown recipient\b",
        r"recipnotfound|recipientnotfound",
        r"not listed in (the )?(public )?(name & address book|(domino )?directory)",
        r"invalid final delivery userid",
        r"mail\.local: unknown user",
        # Postfix local(8) names the missing login: unknown user: "jan".
        r"unknown user: \"",
        r"user unknown in (local recipient|virtual mailbox|virtual alias|relay recipient) table",
        r"no mailbox here by that name",
        r"address (couldn't|could not) be found(?!, or is unable)",
        r"recipient address rejected: access denied",
        # Yahoo's mailbox lookup ("554 delivery error: dd This user doesn't have a
        # yahoo.com account").
        r"delivery error: dd ",
    ),
    # The same claim in words any filter can use, so it needs an X.1.x
    # status or a refusal at RCPT TO behind it before it suppresses anything.
    _pattern(
        "user_unknown",
        Reason.USERUNKNOWN,
        r"(user|recipient|mailbox|addressee|local[- ]part)( name)? "
        r"(unknown|not found|not exists?|does not exist|doesn't exist)",
        r"unknown (user|recipient|mailbox|e-?mail address|local[- ]part|alias|or illegal)",
        r"no such (user|mailbox|recipient|person|account|address)",
        r"(user|recipient|mailbox|account|address)( \S+)? (does not|doesn't|did not) exist",
        r"(email account|address|recipient) (that you tried to reach )?(does not|doesn't) exist",
        r"invalid (recipient|mailbox|destination address|user)",
        r"(recipient|destination) address (is )?invalid",
        r"adresse (d au moins un )?destinataire invalide",
        r"not a (valid|known) (user|mailbox|recipient)",
        r"is not a known user",
        r"recipient address rejected: (invalid user|unknown user)",
        r"doesn'?t have an? \S+ account",
        r"no account by that name",
        r"bad destination (mailbox )?address",
        r"(konto|adres|u[żz]ytkownik|skrzynka|adresat)( \S+)? nie istnieje",
        r"nie ma (takiego|podanego) (u[żz]ytkownika|konta|adresu|adresata|odbiorcy)",
        r"(u[żz]ytkownik|adresat|odbiorca) nieznany|nieznany (u[żz]ytkownik|adresat|odbiorca)",
        r"brak (takiego )?(u[żz]ytkownika|adresata|skrzynki)",
        r"(benutzer|empfänger) (ist )?unbekannt|unbekannter (benutzer|empfänger)",
        r"(destinataire|utilisateur) inconnu|adresse inconnue",
        r"usuario desconocido|utente (sconosciuto|inesistente)",
        r"пользовател\w* не (найден|существует)",
        r"(アドレス|ユーザ|アカウント).{0,10}存在しません",
        needs_confirmation=True,
    ),
    _pattern(
        "recipient_filtered",
        Reason.FILTERED,
        r"recipient preferences",
        r"(recipient|user)('s|s')? (allow|white|safe)[ -]?list",
        r"not (in|on) (the |their |its )?(\S+ )?(allow|white|safe)[ -]?list",
        r"blocked by (the )?recipient",
        r"(recipient|user) (has )?(blocked|rejected|refused) (you|your|the sender|mail)",
        r"not accepting (mail|messages) from",
    ),
    # RFC 5321's stock text for 550, which GMX, WEB.DE and Outlook.com send for a
    # mailbox they do not have. Other servers send it for blocks too, so it counts
    # only when the codes are silent and the refusal came at RCPT TO.
    _pattern(
        "mailbox_unavailable_rcpt",
        Reason.USERUNKNOWN,
        r"requested action not taken: mailbox unavailable",
        is_weak=True,
        needs_confirmation=True,
    ),
    _pattern(
        "mailbox_unavailable",
        Reason.FILTERED,
        r"mailbox unavailable",
        is_weak=True,
    ),
)

_TRANSPORT_CONDITIONS: tuple[TextPattern, ...] = (
    # A greylisting server defers every new sender once, so the deferral is no
    # verdict on the sender, the message or the address.
    _pattern(
        "greylisted",
        Reason.ONHOLD,
        r"gr[ae]y ?list(ed|ing)?\b",
    ),
    _pattern(
        "system_error",
        Reason.SYSTEMERROR,
        r"\bldap\b",
        r"directory server failure",
        r"internal (server |system )?error",
        r"local error in processing",
        r"system error",
        r"service (currently )?unavailable",
        r"transaction failed",
    ),
    _pattern(
        "delivery_expired",
        Reason.EXPIRED,
        r"retry (timeout|time) exceeded",
        r"(message|envelope|delivery time) expired",
        r"(in|on) the queue too long",
        r"not (been )?delivered within",
        r"(cannot|could not|unable to) (send|deliver) (this )?message "
        r"(for|after|within) (\d|multiple)",
        r"delivery failed \d+ attempts",
        r"(has been|was) delayed",
        r"will be retried",
        r"timed? ?out",
        r"(unable|failed) to connect",
        r"did not accept our requests to connect",
        r"could not find a gateway",
    ),
    _pattern(
        "network_error",
        Reason.NETWORKERROR,
        r"routing loop|mail loop|loop detected",
        r"(hop count|too many hops|maximum hop)",
        r"name service error",
        r"dns error",
        r"no route to host|network is unreachable",
        r"(lost|dropped) connection",
        r"loops back to myself|message is looping",
        r"connection refused",
    ),
    _pattern(
        "system_full",
        Reason.SYSTEMFULL,
        r"insufficient system storage",
        r"(mail )?system (is )?full",
        r"(disk|file system|spool) (is )?full",
    ),
    _pattern(
        "command_syntax",
        Reason.SYNTAXERROR,
        r"improper sequence of commands",
        r"bad sequence of commands",
        r"syntax error",
        r"command (parameter )?not implemented",
        r"(unrecognized|unrecognised|unknown) command",
    ),
)

#: Every pattern in priority order: the first match decides.
PATTERNS: tuple[TextPattern, ...] = (
    _SENDER_SIDE + _RECIPIENT_CONDITIONS + _ADDRESS_PROBLEMS + _TRANSPORT_CONDITIONS
)


#: Every alternative of every pattern, in priority order, so the first one
#: that matches belongs to the first pattern that matches.
_ALTERNATIVES: tuple[tuple[TextPattern, re.Pattern[str]], ...] = tuple(
    (pattern, alternative) for pattern in PATTERNS for alternative in pattern.alternatives
)
_LITERAL_INDEX = LiteralIndex([required_literals(regex) for _, regex in _ALTERNATIVES])


def match_text(text: str) -> TextPattern | None:
    """Return the first pattern matching normalised `text`, or None."""
    if not text:
        return None
    # One pass over the text finds the few alternatives whose literals occur
    # in it. Only those can match, so only those are searched.
    for index in sorted(_LITERAL_INDEX.candidates(text)):
        pattern, alternative = _ALTERNATIVES[index]
        if alternative.search(text):
            return pattern
    return None
