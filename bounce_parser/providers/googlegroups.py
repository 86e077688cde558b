"""Google Groups' notice that a post to a group was not accepted.

Gmail's mailer-daemon sends it, in the poster's language, when the group does
not exist or does not let the sender post. The group address is in
X-Failed-Recipients, and the text ends with the "Google Groups" signature and
a link to groups.google.com, both required here. The notice cannot tell a missing
group from a closed one, so the reason is `rejected`: the sender was refused,
and nothing in the notice shows that the group address is bad.
"""

from __future__ import annotations

from bounce_parser.message import MessageView
from bounce_parser.providers._common import cut_at, join_lines, make_finding
from bounce_parser.types import Detection, Finding, Reason, ReportKind

FAMILY = "googlegroups"

_ORIGINAL_MARKERS = ("----- Original message -----",)


def detect(view: MessageView) -> Detection | None:
    """Read a Google Groups rejection of a post."""
    if "mailer-daemon@googlemail.com" not in view.from_.lower():
        return None
    failed = view.header("X-Failed-Recipients")
    if not failed:
        return None
    notice = cut_at(view.text, _ORIGINAL_MARKERS)
    if "groups.google.com" not in notice or "Google Groups" not in notice:
        return None

    paragraphs = [join_lines(block.split("\n")) for block in notice.split("\n\n") if block.strip()]
    # The first paragraph greets the poster by address; the second explains.
    diagnostic = " ".join(paragraphs[1:2] or paragraphs[:1])
    findings: list[Finding] = []
    for address in failed.split(","):
        finding = make_finding(address, diagnostic)
        if finding is None:
            continue
        finding.status = finding.reply_code = None
        finding.reason_hint = Reason.REJECTED
        finding.hint_evidence = "provider=googlegroups:post_not_accepted"
        findings.append(finding)
    if not findings:
        return None
    return Detection(ReportKind.DELIVERY_STATUS, FAMILY, findings)
