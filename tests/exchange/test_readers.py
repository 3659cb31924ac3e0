"""Cell readers: examples and properties (Hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keguan.enterprises.models import SizeClass
from keguan.exchange.readers import CellError, Choice, Date, Integer, Money, Number, Text, Year, parse_date

cents = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999999999.99"), places=2, allow_nan=False,
                    allow_infinity=False)


@given(cents)
def test_money_in_wan_reads_back_every_stored_amount(amount):
    reader = Money("万元")
    assert reader(str(reader.to_unit(amount))) == amount
    assert reader(f"{amount}元") == amount
    assert Money("元")(f"{amount:,}") == amount


@given(cents)
def test_money_from_excel_floats_in_yuan(amount):
    if len(amount.as_tuple().digits) <= 15:  # what a double holds exactly enough
        assert Money("元")(float(amount)) == amount


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_dates_in_every_written_form(day):
    forms = [day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day.year}.{day.month}.{day.day}",
             f"{day.year}年{day.month}月{day.day}日", day.strftime("%Y%m%d"), dt.datetime.combine(day, dt.time()), day]
    assert all(parse_date(f) == day for f in forms)


@given(st.text(max_size=12))
def test_parse_date_never_raises(text):
    value = parse_date(text)
    assert value is None or isinstance(value, dt.date)


@pytest.mark.parametrize(("reader", "raw", "message"), [
    (Integer(), "1.5", "不是整数"),
    (Integer(), "-1", "不能为负数"),
    (Integer(max=10), 11, "不能大于10"),
    (Number(places=2), "1.234", "小数位过多"),
    (Number(), "abc", "不是数字"),
    (Money("万元"), "一万", "不是金额"),
    (Money("万元"), "1.2345678", "按万元填写时最多6位小数"),
    (Date(), "2024-02-30", "不是有效日期"),
    (Date(), "明天", "不是有效日期"),
    (Text(3), "四个字啊", "最多3字"),
    (Choice(SizeClass.choices), "巨型", "大型、中型、小型、微型"),
    (Year(first=2000), "1999", "年份应在2000至"),
    (Year(), "二〇二四", "不是年份"),
])
def test_bad_cells(reader, raw, message):
    with pytest.raises(CellError, match=message):
        reader(raw, None)


def test_good_cells():
    assert Integer(unit="人")("1,200人") == 1200
    assert Integer()(12.0) == 12
    assert Money("万元")("1.5亿元") == Decimal("150000000.00")
    assert Money("万元")(3) == Decimal("30000.00")
    assert Number(min=None)("－３.５") == Decimal("-3.50")
    assert Choice(SizeClass.choices)("small") == "small" and Choice(SizeClass.choices)("小型") == "small"
    assert Choice(SizeClass.choices, accept_value=False, aliases={"小微": "小型"})("小微") == "small"
    assert Text(upper=True)(" ab ") == "AB" and Text()(12.0) == "12"


credit_chars = st.sampled_from("0123456789ABCDEFGHJKLMNPQRTUWXYIOSVZ ab")


@given(st.text(credit_chars, min_size=16, max_size=19), st.booleans())
def test_credit_code_reader_agrees_with_the_rules(text, fix_check):
    from keguan.exchange.readers import credit_code
    from keguan.rules.identifiers import CREDIT_ALPHABET, credit_code_check_char, validate_credit_code

    if fix_check and len(text) == 18 and all(c in CREDIT_ALPHABET for c in text[:17]):
        text = text[:17] + credit_code_check_char(text[:17])  # a valid code, often enough
    expected = validate_credit_code(text)
    if expected.ok:
        assert credit_code(text) == expected.value
    else:
        with pytest.raises(CellError) as exc:
            credit_code(text)
        assert exc.value.message == expected.errors[0]
