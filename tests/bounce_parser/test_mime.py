"""The fast MIME reader: the same tree and the same reports as the stdlib parser."""

from __future__ import annotations

import email
import email.message
import email.policy
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bounce_parser import parse_message
from bounce_parser.mime import read_message

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "../shared/corpus/bounces"
FIXTURES = ROOT / "tests/fixtures/bounces"


def _samples() -> list[Path]:
    corpus = [
        path
        for sub in ("eml", "crlf", "not-bounces", "mbox")
        for path in sorted((CORPUS / sub).glob("*"))
        if path.is_file() and path.name != "expected.json"
    ]
    return corpus + sorted(FIXTURES.rglob("*.eml"))


SAMPLES = _samples()


def _tree(msg: email.message.Message) -> list[object]:
    """Everything of a compat32 tree that readers of it can see."""
    payload = msg.get_payload()
    return [
        msg.get_unixfrom(),
        msg.items(),
        msg.get_default_type(),
        msg.preamble,
        msg.epilogue,
        [_tree(part) for part in payload] if isinstance(payload, list) else payload,
    ]


def _stdlib(raw: bytes) -> email.message.Message:
    return email.message_from_bytes(raw, policy=email.policy.compat32)


def test_samples_are_found() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    assert len(SAMPLES) > 400


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_parse_message_fast_and_stdlib_mime_give_same_report(path: Path) -> None:
    raw = path.read_bytes()

    assert parse_message(raw) == parse_message(raw, fast_mime=False)


def test_read_message_reads_most_samples_like_stdlib() -> None:
    read = [(path, read_message(path.read_bytes())) for path in SAMPLES]
    fast = [(path, result) for path, result in read if result is not None]

    assert len(fast) > 0.8 * len(SAMPLES)
    for path, result in fast:
        stdlib = _stdlib(path.read_bytes())
        assert _tree(result.msg) == _tree(stdlib), path.name
        assert result.parts == list(result.msg.walk())
        assert result.content_types == [part.get_content_type() for part in stdlib.walk()]


_MULTIPART = (
    'Content-Type: multipart/mixed; boundary="b1"\n\npreamble\n--b1\n'
    "Content-Type: text/plain\n\none\n--b1\nContent-Type: message/rfc822\n\n"
    "Subject: inner\n\nbody\n--b1--\nepilogue\n"
)


@pytest.mark.parametrize(
    "text",
    [
        "Subject: x\r\n\r\nbody with a bare \r in it\r\n",
        "Subject: x\n\nform feed \x0c line\n",
        " folded first line\nSubject: x\n\nbody\n",
        "Subject: x\nnot a header line\n\nbody\n",
        "Subject: x\nFrom someone in the headers\nTo: y\n\nbody\n",
        "Content-Type: multipart/mixed\n\nno boundary parameter\n",
        'Content-Type: multipart/mixed; boundary="b1"\nContent-Transfer-Encoding: base64\n\n',
    ],
)
def test_read_message_unusual_input_is_left_to_stdlib(text: str) -> None:
    assert read_message(text.encode()) is None


@pytest.mark.parametrize(
    "text",
    [
        'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\n\nnever closed\n',
        'Content-Type: multipart/mixed; boundary="b1"\n\nno boundary line\n',
        'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\n'
        "Content-Type: message/rfc822\n\n"
        'Content-Type: multipart/alternative; boundary="b2"\n\ncut off\n--b1--\n',
        'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\n\none\n--b1\n',
        'Content-Type: multipart/mixed; boundary="b1"\n\n--b1\n'
        'Content-Type: multipart/alternative; boundary="b2"\n\n--b2\n--b1--\n',
    ],
)
def test_read_message_truncated_multipart_matches_stdlib(text: str) -> None:
    result = read_message(text.encode())

    assert result is not None
    assert _tree(result.msg) == _tree(_stdlib(text.encode()))
    assert result.content_types == [part.get_content_type() for part in result.msg.walk()]


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
def test_read_message_multipart_matches_stdlib(line_end: str) -> None:
    raw = _MULTIPART.replace("\n", line_end).encode()

    result = read_message(raw)

    assert result is not None
    assert _tree(result.msg) == _tree(_stdlib(raw))
    assert result.content_types == [
        "multipart/mixed",
        "text/plain",
        "message/rfc822",
        "text/plain",
    ]


@pytest.mark.parametrize(
    "value",
    [
        'multipart/mixed; boundary="abc"',
        "multipart/mixed; boundary=abc",
        'multipart/mixed;\n\tboundary="a;b c "',
        'multipart/mixed; Boundary = "x"; charset=us-ascii',
        "multipart/mixed; boundary*=utf-8''x",
        'multipart/mixed; boundary="<x>"',
        'multipart/mixed; boundary=""',
        'multipart/mixed; foo=1; boundary="q"; boundary="r"',
        'multipart/related; type="text/html"; boundary=----=_Part_1',
        "multipart/mixed boundary=x",
        "TEXT",
        "Multipart/Report ; report-type=delivery-status",
    ],
)
def test_read_message_content_type_and_boundary_match_stdlib(value: str) -> None:
    raw = f"Content-Type: {value}\n\n--x\n\n--x--\n".encode()

    result = read_message(raw)
    stdlib = _stdlib(raw)

    if result is not None:
        assert result.content_types[0] == stdlib.get_content_type()
        assert _tree(result.msg) == _tree(stdlib)


_EML = [path for path in SAMPLES if path.suffix == ".eml"][::5]
_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_like_stdlib(raw: bytes) -> None:
    result = read_message(raw)
    if result is not None:
        stdlib = _stdlib(raw)
        assert _tree(result.msg) == _tree(stdlib)
        assert result.content_types == [part.get_content_type() for part in stdlib.walk()]


@_SETTINGS
@given(st.integers(min_value=0), st.floats(min_value=0.0, max_value=1.0))
def test_read_message_truncated_sample_is_like_stdlib(index: int, fraction: float) -> None:
    raw = _EML[index % len(_EML)].read_bytes()
    _assert_like_stdlib(raw[: int(len(raw) * fraction)])


@_SETTINGS
@given(
    st.integers(min_value=0),
    st.lists(st.tuples(st.integers(0), st.sampled_from(b'-\r\n \t:;="Ax\xc5')), max_size=20),
)
def test_read_message_byte_flips_are_like_stdlib(index: int, flips: list[tuple[int, int]]) -> None:
    raw = bytearray(_EML[index % len(_EML)].read_bytes())
    for position, value in flips:
        raw[position % len(raw)] = value
    _assert_like_stdlib(bytes(raw))


@_SETTINGS
@given(st.integers(min_value=0), st.integers(min_value=0), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_read_message_spliced_samples_are_like_stdlib(
    first: int, second: int, cut: float, start: float
) -> None:
    head = _EML[first % len(_EML)].read_bytes()
    tail = _EML[second % len(_EML)].read_bytes()
    _assert_like_stdlib(head[: int(len(head) * cut)] + tail[int(len(tail) * start) :])
