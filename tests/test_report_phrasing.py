"""The summaries' way of writing large counts (keguan.reports.phrasing.about): exact below 10,000, the whole
万 reached with 余 above, never rounded up — as the seeds write "一万余本", "服务群众万余人"."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keguan.reports.phrasing import about

WORDS = {"一": 1, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@pytest.mark.parametrize(("n", "unit", "one", "text"), [
    (0, "人", True, "0人"), (9999, "本", True, "9999本"), (10000, "本", True, "一万本"), (10001, "本", True, "一万余本"),
    (15800, "人", False, "万余人"), (20000, "人", True, "两万人"), (38000, "册", True, "三万余册"),
    (99999, "人", True, "九万余人"), (120000, "人", True, "12万人"), (1234567, "人次", True, "123万余人次"),
])
def test_worked_examples(n, unit, one, text):
    assert about(n, unit, one=one) == text


def test_negative_counts_are_an_error():
    with pytest.raises(ValueError):
        about(-1)


def _read(text: str) -> tuple[int, bool]:
    """The lower bound a reader takes from the text, and whether it says 余 (more than that)."""
    m = re.fullmatch(r"(\d+|[一两三四五六七八九]?)万(余?)人", text)
    if m is None:
        return int(text.removesuffix("人")), False
    head = m.group(1)
    wan = 1 if head == "" else WORDS.get(head) or int(head)
    return wan * 10_000, bool(m.group(2))


@given(st.integers(0, 10**9), st.booleans())
def test_never_rounds_up_and_says_more_exactly_when_there_is_more(n, one):
    text = about(n, "人", one=one)
    low, more = _read(text)
    if n < 10_000:
        assert low == n and not more
    else:
        assert low <= n < low + 10_000  # the whole 万 reached: never above the count, never a 万 short
        assert more == (n != low)
