from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keguan.rules.periods import Period, cn_number, competition_ranks, percent, rank_text, wan_yuan


@pytest.mark.parametrize(
    ("key", "label", "start", "end", "progress"),
    [
        ("2022", "2022年", dt.date(2022, 1, 1), dt.date(2022, 12, 31), Decimal(1)),
        ("2022H1", "2022年上半年", dt.date(2022, 1, 1), dt.date(2022, 6, 30), Decimal("0.5")),
        ("2022H2", "2022年下半年", dt.date(2022, 7, 1), dt.date(2022, 12, 31), Decimal(1)),
        ("2022Q3", "2022年第三季度", dt.date(2022, 7, 1), dt.date(2022, 9, 30), Decimal("0.75")),
        ("2024M02", "2024年2月", dt.date(2024, 2, 1), dt.date(2024, 2, 29), Decimal(2) / 12),
        ("2022YTD05", "2022年1-5月", dt.date(2022, 1, 1), dt.date(2022, 5, 31), Decimal(5) / 12),
        ("2022YTD09", "2022年前三季度", dt.date(2022, 1, 1), dt.date(2022, 9, 30), Decimal("0.75")),
    ],
)
def test_periods(key, label, start, end, progress):
    p = Period.parse(key)
    assert (p.label, p.start, p.end, p.time_progress, p.key) == (label, start, end, progress, key)
    assert p.same_period_last_year().start == start.replace(year=start.year - 1)


@pytest.mark.parametrize("bad", ["22", "2022H3", "2022Q5", "2022M13", "2022YTD00", "上半年", ""])
def test_bad_period_keys_get_a_chinese_error(bad):
    with pytest.raises(ValueError, match="期间"):
        Period.parse(bad)


@given(st.integers(2000, 2100), st.sampled_from(["", "H1", "H2", "Q1", "Q4", "M07", "YTD11"]))
def test_key_round_trip_and_year_to_date(year, suffix):
    p = Period.parse(f"{year}{suffix}")
    assert Period.parse(p.key) == p
    assert p.year_to_date.start == dt.date(year, 1, 1) and p.year_to_date.end == p.end


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "一"), (2, "二"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三"), (100, "一百"), (101, "一百零一"),
     (110, "一百一十"), (1005, "一千零五"), (1010, "一千零一十")],
)
def test_cn_number(n, text):
    assert cn_number(n) == text


def test_money_percent_and_rank_wording():
    assert wan_yuan(86215000) == "8621.50"
    assert wan_yuan(1960000) == "196"
    assert wan_yuan(Decimal("12345678")) == "1234.57"
    assert percent(Decimal("0.4567")) == "45.7%"
    assert rank_text(2) == "全市第二"


def test_ties_share_a_rank():
    assert competition_ranks({"a": 5, "b": 7, "c": 7, "d": 1, "e": None}) == {"a": 3, "b": 1, "c": 1, "d": 4, "e": None}


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 5), min_size=1, max_size=12))
def test_rank_properties(values):
    ranks = competition_ranks(values)
    for k, v in values.items():
        assert ranks[k] == 1 + sum(1 for other in values.values() if other > v)
