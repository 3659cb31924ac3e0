"""Dates in imported sheets: Excel dates and the ways clerks type them."""

from __future__ import annotations

import datetime as dt

import pytest

from keguan.core.tabular import BAD_DATE, Row


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.date(2025, 3, 15), dt.date(2025, 3, 15)),
        (dt.datetime(2025, 3, 15, 9, 30), dt.date(2025, 3, 15)),
        ("2025-03-15", dt.date(2025, 3, 15)),
        ("2025/3/5", dt.date(2025, 3, 5)),
        ("2025.3.5", dt.date(2025, 3, 5)),
        ("2025年3月5日", dt.date(2025, 3, 5)),
        (" 2025-3-5 ", dt.date(2025, 3, 5)),
        ("", None),
        (None, None),
        ("2025-02-30", BAD_DATE),
        ("三月五日", BAD_DATE),
        (45731.0, BAD_DATE),  # a serial number, not a date cell
    ],
)
def test_row_date(cell, expected):
    assert Row(number=2, values={"日期": cell}).date("日期") == expected
