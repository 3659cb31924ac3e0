"""职工总数 and 科技人员 are full-year monthly averages (国科发火〔2016〕195号): (月初数 + 月末数) ÷ 2 per month, summed,
÷ 12 — or ÷ the months of operation for a firm that opened during the year —, so they may be fractional; the
rules take them to two decimals and keep the ratios exact."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keguan.rules.explain import FirmFacts, YearFigures, monthly_average, people
from keguan.rules.hnte import precheck_hnte
from keguan.rules.tech_sme import evaluate_tech_sme


def test_the_official_way_of_averaging_a_year():
    # A firm growing from 40 to 52 people over the year, 1 person a month: month m has 月初 40+m-1, 月末 40+m;
    # each month's average is 39.5+m; their sum is 12×39.5 + 78 = 552; ÷ 12 = 46.
    months = [(40 + m - 1, 40 + m) for m in range(1, 13)]
    assert monthly_average(months) == Decimal("46.00")
    # opened on 1 July: six months of operation, 10 → 16 people, one more each month: (10.5+…+15.5) ÷ 6 = 13
    assert monthly_average([(10 + m, 11 + m) for m in range(6)]) == Decimal("13.00")
    # an uneven year: 45 all year but 46 at the end of December → (11×45 + 45.5) ÷ 12 = 45.04 (45.041 66…)
    assert monthly_average([(45, 45)] * 11 + [(45, 46)]) == Decimal("45.04")
    with pytest.raises(ValueError):
        monthly_average([])


def _sme(employees, st_staff):
    facts = FirmFacts(assessed_on=dt.date(2026, 5, 31), registered_on=dt.date(2015, 1, 1), tech_field="电子信息")
    year = YearFigures(year=2025, employees=employees, st_staff=st_staff, sales_revenue=Decimal(60_000_000),
                       total_cost=Decimal(50_000_000), rd_domestic=Decimal(3_000_000), total_assets=Decimal(40_000_000),
                       net_assets=Decimal(20_000_000), hightech_income=Decimal(40_000_000), ip_class2=2)
    return evaluate_tech_sme(facts, [year])


def test_fractional_averages_keep_the_ratio_exact():
    # 10.05 of 100.5 is exactly 10%: the 高企 staff condition passes at its boundary
    facts = FirmFacts(assessed_on=dt.date(2026, 5, 31), registered_on=dt.date(2015, 1, 1), tech_field="电子信息")
    years = [YearFigures(year=y, employees=Decimal("100.5"), st_staff=Decimal("10.05"), sales_revenue=Decimal(60_000_000),
                         total_cost=Decimal(50_000_000), rd_domestic=Decimal(3_000_000), total_assets=Decimal(40_000_000),
                         net_assets=Decimal(20_000_000), hightech_income=Decimal(40_000_000), ip_class2=2)
             for y in (2023, 2024, 2025)]
    staff = next(c for c in precheck_hnte(facts, years).conditions if c.code == "st_staff")
    assert staff.passed is True and "科技人员10.05人，占职工总数100.5人的10%" in staff.message
    # 科小: 17.99 of 100 is under 18%… still the 15% band (8 points); 500.01 people break the 500 ceiling
    result = _sme(Decimal("100"), Decimal("17.99"))
    assert result.score is not None
    staff_part = next(p for p in result.score.parts if p.code == "st_staff")
    assert staff_part.low == 8 and "科技人员17.99人，占职工总数100人的17.99%" in staff_part.detail
    over = next(c for c in _sme(Decimal("500.01"), Decimal("100")).conditions if c.code == "employees")
    assert over.passed is False and "职工总数500.01人，超过500人的上限0.01人" in over.message
    # whole numbers stay whole numbers
    assert YearFigures(year=2025, employees=Decimal("45.00")).employees == 45
    assert people(Decimal("45.50")) == "45.5" and people(45) == "45"


def test_more_than_two_decimals_or_fractional_ip_is_refused():
    with pytest.raises(TypeError, match="最多两位小数"):
        YearFigures(year=2025, employees=Decimal("45.555"))
    with pytest.raises(TypeError, match="应为整数"):
        YearFigures(year=2025, ip_class1=Decimal("1.5"))


@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 5000)), min_size=1, max_size=12))
def test_the_average_lies_between_the_smallest_and_largest_count(months):
    avg = monthly_average(months)
    assert min(min(m) for m in months) <= avg <= max(max(m) for m in months)
    assert avg == avg.quantize(Decimal("0.01"))
