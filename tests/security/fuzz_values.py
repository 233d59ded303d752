"""Values to type into a field: what the page offers, and what a hostile or careless sender
might send instead."""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from hypothesis import strategies as st

from tests.security.fuzz_html import Field

# Text the test client can encode (no lone surrogates), control characters included.
any_char = st.characters(exclude_categories=["Cs"])
control_char = st.characters(min_codepoint=0, max_codepoint=0x1F) | st.sampled_from(
    ["\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff"]
)
TRICKY = [
    "\u202eevil\u202c",  # right-to-left override
    "\u05e9\u05dc\u05d5\u05dd",  # Hebrew
    "\u0645\u0631\u062d\u0628\u0627",  # Arabic
    "😀👩‍👩‍👧‍👦🏳️‍🌈",  # emoji with joiners
    "e\u0301\u0301\u0301\u0301",  # stacked combining marks
    "\u200b\u200d\u2060",  # zero-width
    "\U0010ffff\U000e0001",
    "Ⅻ١٢٣",  # digits that are not ASCII
    "' OR 1=1 --",
    '"><script>alert(1)</script>',
    "{{ 7|add:7 }}{% now 'Y' %}",
    "%s%d%n",
    "../../etc/passwd",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    " ",
]
NUMBERS = [
    "0", "-0", "-1", "1.5", "1,5", "1e3", "1e309", "-1e309", "NaN", "inf", "-inf", "0x10",
    "9" * 30, "-" + "9" * 30, "0." + "0" * 40 + "1", "2147483648", "-2147483649",
    "9223372036854775808", "1_000", " 5 ", "٣", "+5", "5.", ".5",
]  # fmt: skip
DATES = [
    "2026-02-30", "2026-02-29", "2025-13-01", "99999-01-01", "0000-00-00", "0001-01-01",
    "9999-12-31", "1-1-1", "2026-1-1", "01/02/2026", "2026-01-01T25:61", "2026-W01",
    "2026-01-01 00:00:00+99:00", "today", "-2026-01-01",
]  # fmt: skip


@st.composite
def huge(draw) -> str:
    size = draw(st.integers(min_value=10_000, max_value=100_000))
    return draw(st.sampled_from("xé😀\x00 <")) * size


hostile_text = st.one_of(
    st.just(""),
    huge(),
    st.text(any_char, max_size=40),
    st.text(control_char, min_size=1, max_size=8),
    st.builds(lambda a, b: f"{a}\x00{b}", st.text(max_size=8), st.text(max_size=8)),
    st.sampled_from(TRICKY),
)
numbers = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
)
dates = st.one_of(
    st.sampled_from(DATES),
    st.dates(min_value=dt.date(1, 1, 1)).map(dt.date.isoformat),
    st.datetimes().map(dt.datetime.isoformat),
)
random_uuids = st.uuids().map(str)
slug_text = st.text(string.ascii_letters + string.digits + "-_", min_size=1, max_size=60)


def valid_looking(spec: Field, codes: list[str]) -> st.SearchStrategy[str]:
    """A value the page would send, or one shaped like it."""
    options = [st.sampled_from(spec.values)] if spec.values else []
    by_kind = {
        "number": st.integers(min_value=0, max_value=500).map(str),
        "date": st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat),
        "email": st.sampled_from(["someone@example.com", "owner@example.com", "x@y"]),
        "checkbox": st.sampled_from(["on", "yes", "1"]),
    }
    kinds = [by_kind[spec.kind]] if spec.kind in by_kind else [st.text(max_size=20)]
    return st.one_of(*options, *options, *kinds, st.sampled_from(codes))


def value_for(spec: Field, codes: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        valid_looking(spec, codes),
        valid_looking(spec, codes),
        hostile_text,
        numbers,
        dates,
        random_uuids,
        st.sampled_from(codes),  # objects of this workspace and of another one
    )


@st.composite
def upload(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(["export.csv", "export.json", "x", "../../x.csv", "a\x00.csv"]))
    body = draw(
        st.one_of(
            st.binary(max_size=2_000),
            st.sampled_from(
                [
                    b"",
                    b"\xef\xbb\xbf",
                    b"Client,Project,Duration\nAcme,Site,99999:00:00\n",
                    b"Client,Start date,Duration\n\x00,2026-02-30,-1\n",
                    b'{"clients": [{"name": null}]}',
                    b"[]",
                    b"\xff\xfe\x00\x00",
                    b"a," * 5_000,
                ]
            ),
            st.text(any_char, max_size=200).map(lambda t: t.encode()),
        )
    )
    return name, body


@dataclass
class Fuzzed:
    """One request to send; its repr is what hypothesis prints for a failing example."""

    path: str
    method: str  # "get" or "post"
    htmx: bool
    hx_target: str
    encoding: str  # "multipart" or "urlencoded"
    data: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    raw_query: str = ""  # appended as is: bytes that are not UTF-8
    path_kwargs: dict[str, object] = field(default_factory=dict)

    def query_string(self) -> str:
        query = urlencode(self.data, doseq=True, quote_via=quote)
        return "&".join(part for part in (query, self.raw_query) if part)


def path_value(value: object, codes: list[str]) -> st.SearchStrategy[object]:
    """Another value for a URL argument, of a shape its converter still matches."""
    if isinstance(value, int):
        return st.one_of(st.just(0), st.integers(min_value=0, max_value=10**30))
    if isinstance(value, str) and len(value) < 30:  # a slug: an action, an item
        return slug_text
    return st.one_of(random_uuids, st.sampled_from(codes))
