"""科技型中小企业 evaluation (RULES.md §1, 国科发政〔2017〕115号). Pure Python: no database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keguan.rules.explain import Status
from keguan.rules.tech_sme import (
    TECH_SME_2017,
    FirmFacts,
    YearFigures,
    evaluate_tech_sme,
    hnte_certificate_valid_until,
    result_to_dict,
)

D = Decimal
ASSESSED = dt.date(2024, 5, 20)  # evaluation in 2024 uses the 2023 figures
FACTS = FirmFacts(assessed_on=ASSESSED)


def year(**changes) -> YearFigures:
    """RULES.md's first worked example: 100 employees, 18 S&T staff, R&D 3,000,000 on sales 60,000,000, 2 class II.
    Total costs are large enough that the cost ladder never beats the sales ladder unless a test says so."""
    base = dict(
        year=2023,
        employees=100,
        st_staff=18,
        sales_revenue=D(60_000_000),
        total_cost=D(100_000_000),
        rd_domestic=D(3_000_000),
        rd_abroad=D(0),
        total_assets=D(50_000_000),
        ip_class1=0,
        ip_class2=2,
    )
    base.update(changes)
    return YearFigures(**base)


def evaluate(facts: FirmFacts = FACTS, **changes):
    return evaluate_tech_sme(facts, [year(**changes)])


def part(result, code: str):
    stack = [result.score]
    while stack:
        p = stack.pop()
        if p.code == code:
            return p
        stack.extend(p.parts)
    raise KeyError(code)


def condition(result, code: str):
    return next(c for c in result.conditions if c.code == code)


# --- the worked examples ---------------------------------------------------------------------------------


def test_worked_example_1_total_60_passes():
    result = evaluate()
    assert result.status is Status.PASSED and result.passed
    assert part(result, "st_staff").points == 8
    assert part(result, "rd").points == 40
    assert part(result, "rd_sales").points == 40
    assert part(result, "ip").points == 12
    assert result.total == 60
    assert result.year == 2023
    assert condition(result, "score").passed is True
    assert "60分" in result.summary


def test_worked_example_2_staff_score_zero_fails_whatever_the_total():
    result = evaluate(st_staff=9, rd_domestic=D(3_600_000), ip_class1=1, ip_class2=0)
    assert part(result, "st_staff").points == 0
    assert part(result, "rd").points == 50
    assert part(result, "ip").points == 30
    assert result.total == 80
    assert result.status is Status.FAILED
    row = condition(result, "score")
    assert row.passed is False
    assert "科技人员指标得0分" in row.message
    assert "还差1人" in row.message  # 9% → 10% of 100 employees


def test_worked_example_3_501_employees_fail_the_size_condition_whatever_the_score():
    result = evaluate(employees=501, st_staff=200, rd_domestic=D(6_000_000), ip_class1=3)
    assert result.total == 100
    assert result.status is Status.FAILED
    row = condition(result, "employees")
    assert row.passed is False
    assert row.message == "职工总数501人，超过500人的上限1人，不符合条件"
    assert condition(result, "score").passed is True


# --- bands, both sides of every threshold ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("st_staff", "points"),
    [
        (1000, 20),
        (300, 20),
        (299, 16),
        (250, 16),
        (249, 12),
        (200, 12),
        (199, 8),
        (150, 8),
        (149, 4),
        (100, 4),
        (99, 0),
        (0, 0),
    ],
)
def test_staff_bands(st_staff, points):
    result = evaluate(employees=1000, st_staff=st_staff)
    assert part(result, "st_staff").points == points


def test_staff_exactly_10_percent_scores_4_and_may_pass():
    result = evaluate(employees=100, st_staff=10, rd_domestic=D(3_600_000), ip_class2=1)  # 4 + 50 + 6
    assert result.total == 60 and result.passed


@pytest.mark.parametrize(
    ("rd", "points"),
    [
        ("6000000", 50),
        ("5999999.99", 40),
        ("5000000", 40),
        ("4999999.99", 30),
        ("4000000", 30),
        ("3999999.99", 20),
        ("3000000", 20),
        ("2999999.99", 10),
        ("2000000", 10),
        ("1999999.99", 0),
        ("0", 0),
    ],
)
def test_rd_sales_ladder(rd, points):
    result = evaluate(sales_revenue=D(100_000_000), total_cost=D(200_000_000), rd_domestic=D(rd))
    assert part(result, "rd_sales").points == points
    assert part(result, "rd").points == points


@pytest.mark.parametrize(
    ("rd", "points"),
    [
        ("3000000", 50),
        ("2999999.99", 40),
        ("2500000", 40),
        ("2499999.99", 30),
        ("2000000", 30),
        ("1999999.99", 20),
        ("1500000", 20),
        ("1499999.99", 10),
        ("1000000", 10),
        ("999999.99", 0),
    ],
)
def test_rd_cost_ladder(rd, points):
    # Sales of 200,000,000 keep the sales ladder at 0 (R&D ≤ 1.5%), so the cost ladder decides.
    result = evaluate(sales_revenue=D(200_000_000), total_cost=D(10_000_000), rd_domestic=D(rd))
    assert part(result, "rd_cost").points == points
    assert part(result, "rd").points == points


def test_rd_counts_domestic_and_abroad_and_takes_the_better_ladder():
    result = evaluate(
        sales_revenue=D(100_000_000),
        total_cost=D(10_000_000),
        rd_domestic=D(1_000_000),
        rd_abroad=D(1_000_000),
    )
    assert part(result, "rd_sales").points == 10  # 2%
    assert part(result, "rd_cost").points == 30  # 20%
    rd = part(result, "rd")
    assert rd.points == 30
    assert "研发费用占成本费用总额比例" in rd.detail


@pytest.mark.parametrize(
    ("class1", "class2", "points"),
    [(1, 0, 30), (2, 9, 30), (0, 9, 24), (0, 4, 24), (0, 3, 18), (0, 2, 12), (0, 1, 6), (0, 0, 0)],
)
def test_ip_bands(class1, class2, points):
    assert part(evaluate(ip_class1=class1, ip_class2=class2), "ip").points == points


@pytest.mark.parametrize(
    ("changes", "code", "passed"),
    [
        ({"employees": 500, "st_staff": 90}, "employees", True),
        ({"employees": 501, "st_staff": 90}, "employees", False),
        ({"sales_revenue": D(200_000_000), "rd_domestic": D(10_000_000)}, "sales", True),
        ({"sales_revenue": D("200000000.01"), "rd_domestic": D(10_000_000)}, "sales", False),
        ({"total_assets": D(200_000_000)}, "assets", True),
        ({"total_assets": D("200000000.01")}, "assets", False),
    ],
)
def test_size_ceilings_include_the_limit(changes, code, passed):
    result = evaluate(**changes)
    assert condition(result, code).passed is passed
    assert (result.status is Status.FAILED) is (not passed)


def test_size_failure_names_the_excess():
    row = condition(evaluate(sales_revenue=D(250_000_000)), "sales")
    assert row.threshold == "≤2亿元"
    assert row.message == "年销售收入25000万元，超过2亿元的上限5000万元，不符合条件"
    assert row.shortfall == D(50_000_000) and row.unit == "元"


def test_pass_line_is_60_with_the_gap_named():
    passing = evaluate(st_staff=10, rd_domestic=D(3_600_000), ip_class2=1)  # 4 + 50 + 6 = 60
    assert passing.total == 60 and passing.passed
    failing = evaluate(st_staff=18, rd_domestic=D(3_600_000), ip_class2=0)  # 8 + 50 + 0 = 58
    assert failing.total == 58 and failing.status is Status.FAILED
    row = condition(failing, "score")
    assert "低于60分，差2分" in row.message
    assert row.shortfall == 2 and row.unit == "分"


# --- margins --------------------------------------------------------------------------------------------


def test_margins_say_what_is_missing_for_the_next_band():
    result = evaluate()
    assert "还差2人" in part(result, "st_staff").detail  # 18% → 20% of 100
    assert part(result, "rd_sales").detail == (
        "研发费用300万元，占销售收入6000万元的5%，得40分；达到6%可得50分，还差约60万元"
    )
    assert "再有1件Ⅱ类可得18分" in part(result, "ip").detail
    top = evaluate(st_staff=30, rd_domestic=D(3_600_000), ip_class1=1)
    assert "最高档" in part(top, "st_staff").detail
    assert "最高档" in part(top, "rd_sales").detail


def test_cost_ladder_margin_counts_new_rd_as_cost():
    # 300万 of 5000万 costs = 6%; reaching 10%: (300 + x) / (5000 + x) = 10% → x = 222.22…万 → shown rounded up.
    result = evaluate(total_cost=D(50_000_000))
    assert "还差约222.23万元（新增研发费用同时计入成本费用）" in part(result, "rd_cost").detail


def test_percent_is_cut_not_rounded():
    # 3,999,999 of 100,000,000 is 3.999999%: it must not read as 4%.
    result = evaluate(sales_revenue=D(100_000_000), total_cost=D(200_000_000), rd_domestic=D(3_999_999))
    assert "的3.99%，得20分" in part(result, "rd_sales").detail


# --- direct qualification and recorded facts ----------------------------------------------------------


def test_valid_hnte_certificate_qualifies_directly_without_a_score_threshold():
    facts = dataclasses.replace(FACTS, hnte_certificate_issued_on=dt.date(2022, 12, 1))
    result = evaluate(facts, st_staff=0, rd_domestic=D(0), ip_class2=0)
    assert result.status is Status.PASSED
    assert result.direct and "高新技术企业证书" in result.direct[0]
    assert condition(result, "direct").passed is True
    assert not any(c.code == "score" for c in result.conditions)
    assert result.total == 0  # still shown when the figures are there


def test_direct_qualification_needs_no_score_figures_but_still_the_size_conditions():
    facts = dataclasses.replace(FACTS, rd_institution=True)
    bare = YearFigures(
        2023,
        employees=80,
        sales_revenue=D(1_000_000),
        total_assets=D(2_000_000),
        total_cost=None,
        rd_domestic=None,
    )
    result = evaluate_tech_sme(facts, [bare])
    assert result.status is Status.PASSED and result.score is None
    assert any("未计算评价得分" in n for n in result.notes)
    too_big = evaluate(facts, employees=600, st_staff=10)
    assert too_big.status is Status.FAILED
    assert condition(too_big, "employees").passed is False


@pytest.mark.parametrize("flag", ["national_award", "rd_institution", "led_standard"])
def test_other_direct_qualifications(flag):
    facts = dataclasses.replace(FACTS, **{flag: True})
    assert evaluate(facts, st_staff=0).status is Status.PASSED


def test_certificate_validity_is_three_years():
    issued = dt.date(2021, 5, 21)
    assert hnte_certificate_valid_until(issued) == dt.date(2024, 5, 20)
    on_last_day = evaluate(dataclasses.replace(FACTS, hnte_certificate_issued_on=issued), st_staff=0)
    assert on_last_day.status is Status.PASSED
    expired = evaluate(
        dataclasses.replace(FACTS, hnte_certificate_issued_on=dt.date(2021, 5, 20)), st_staff=0
    )
    assert expired.status is Status.FAILED
    assert any("期满" in n for n in expired.notes)
    assert hnte_certificate_valid_until(dt.date(2020, 2, 29)) == dt.date(2023, 2, 28)


@pytest.mark.parametrize(
    ("flag", "value", "code"),
    [
        ("resident_in_mainland", False, "resident"),
        ("prohibited_product", True, "product"),
        ("major_accident", True, "accident"),
        ("environmental_offence", True, "environment"),
        ("research_misconduct", True, "misconduct"),
        ("abnormal_or_dishonest", True, "credit"),
    ],
)
def test_recorded_facts_fail_even_a_direct_qualification(flag, value, code):
    facts = dataclasses.replace(FACTS, led_standard=True, **{flag: value})
    result = evaluate(facts)
    assert result.status is Status.FAILED
    row = condition(result, code)
    assert row.passed is False and "登记事实" in row.message


# --- missing and impossible figures: no score, a clear message -------------------------------------------


def assert_no_score(result, status, *fragments):
    assert result.status is status
    assert result.score is None and result.conditions == ()
    text = "；".join(p.message for p in result.problems)
    for fragment in fragments:
        assert fragment in text, text
    assert status.label in result.summary


def test_missing_year():
    result = evaluate_tech_sme(FACTS, [year(year=2022)])
    assert_no_score(result, Status.INCOMPLETE, "缺少2023年度数据")


def test_missing_figures_are_all_named():
    result = evaluate_tech_sme(FACTS, [YearFigures(2023, employees=10, st_staff=1)])
    assert_no_score(
        result,
        Status.INCOMPLETE,
        "缺少2023年销售收入",
        "缺少2023年资产总额",
        "缺少2023年成本费用总额",
        "缺少2023年境内研发费用",
    )
    assert {p.field for p in result.problems} >= {
        "sales_revenue",
        "total_assets",
        "total_cost",
        "rd_domestic",
    }


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"st_staff": 101}, "2023年科技人员数（101人）多于职工总数（100人）"),
        (
            {"rd_domestic": D(90_000_000), "rd_abroad": D(20_000_000)},
            "2023年研发费用（11000万元）高于成本费用总额（10000万元）",
        ),
        ({"sales_revenue": D(-5)}, "2023年销售收入为负数（-5元）"),
        ({"total_assets": D(-1_000_000)}, "2023年资产总额为负数（-100万元）"),
        ({"employees": -1, "st_staff": 0}, "2023年职工总数为负数"),
        ({"ip_class2": -2}, "2023年Ⅱ类知识产权数为负数"),
        ({"employees": 0, "st_staff": 0}, "2023年职工总数为0，无法计算科技人员占比"),
        (
            {"sales_revenue": D(0), "total_cost": D(0), "rd_domestic": D(0)},
            "2023年销售收入和成本费用总额均为0",
        ),
    ],
)
def test_impossible_figures_give_no_score(changes, fragment):
    assert_no_score(evaluate(**changes), Status.INVALID, fragment)


def test_duplicate_years_are_an_error_in_any_order():
    a, b = year(), year(st_staff=30)
    for order in ([a, b], [b, a]):
        assert_no_score(evaluate_tech_sme(FACTS, order), Status.INVALID, "2023年的年度数据提供了不止一份")


def test_zero_sales_uses_the_cost_ladder_with_a_note():
    result = evaluate(sales_revenue=D(0), total_cost=D(10_000_000), rd_domestic=D(3_000_000))
    assert part(result, "rd_sales").points == 0
    assert part(result, "rd").points == 50
    assert any("按研发费用占成本费用总额比例评分" in n for n in result.notes)


def test_other_years_are_ignored_and_impossible_values_there_do_not_matter():
    bad_old = YearFigures(2019, employees=1, st_staff=5)
    assert evaluate_tech_sme(FACTS, [bad_old, year()]).passed


def test_money_is_never_float():
    with pytest.raises(TypeError, match="不接受 float"):
        year(sales_revenue=60_000_000.0)
    assert year(sales_revenue="60,000,000").sales_revenue == D(60_000_000)
    assert year(sales_revenue=60_000_000).sales_revenue == D(60_000_000)


# --- rule sets and JSON ----------------------------------------------------------------------------------


def test_rule_set_names_the_document_and_thresholds_can_change():
    assert TECH_SME_2017.code == "国科发政〔2017〕115号"
    assert "115号" in evaluate().rules
    stricter = dataclasses.replace(TECH_SME_2017, code="（测试）", max_employees=300)
    result = evaluate_tech_sme(FACTS, [year(employees=301)], rules=stricter)
    assert condition(result, "employees").passed is False


def test_result_to_dict_is_compact_json():
    data = result_to_dict(evaluate())
    text = json.dumps(data, ensure_ascii=False)
    assert data["kind"] == "tech_sme"
    assert data["status"] == "passed" and data["status_label"] == "符合条件"
    assert data["score"]["low"] == 60
    assert data["score"]["parts"][0]["ratio"] == "0.180000"
    assert "problems" not in data  # empty fields are left out
    bad = result_to_dict(evaluate(st_staff=101))
    assert bad["status"] == "invalid" and bad["problems"][0]["year"] == 2023
    assert "score" not in bad
    assert json.loads(text) == data


def test_rules_package_imports_no_django():
    code = (
        "import sys, keguan.rules.tech_sme, keguan.rules.hnte, keguan.rules.explain;"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- properties -----------------------------------------------------------------------------------------

money = st.integers(min_value=0, max_value=300_000_000).map(D)


@st.composite
def firms(draw):
    employees = draw(st.integers(min_value=1, max_value=600))
    st_staff = draw(st.integers(min_value=0, max_value=employees))
    total_cost = draw(st.integers(min_value=1, max_value=300_000_000))
    rd = draw(st.integers(min_value=0, max_value=total_cost))
    extra = draw(st.integers(min_value=0, max_value=total_cost - rd))
    figures = year(
        employees=employees,
        st_staff=st_staff,
        sales_revenue=draw(money),
        total_cost=D(total_cost),
        rd_domestic=D(rd),
        total_assets=draw(money),
        ip_class1=draw(st.integers(0, 2)),
        ip_class2=draw(st.integers(0, 6)),
    )
    return figures, D(extra)


@settings(max_examples=80, deadline=None)
@given(firms(), st.booleans())
def test_more_rd_never_lowers_the_score_or_turns_a_pass_into_a_fail(firm, abroad):
    figures, extra = firm
    field = "rd_abroad" if abroad else "rd_domestic"
    more = dataclasses.replace(figures, **{field: getattr(figures, field) + extra})
    before = evaluate_tech_sme(FACTS, [figures])
    after = evaluate_tech_sme(FACTS, [more])
    if before.score is None:
        return  # e.g. sales and costs both 0: no score either way
    assert after.score is not None
    assert after.total >= before.total
    assert part(after, "rd").points >= part(before, "rd").points
    if before.passed:
        assert after.passed


@settings(max_examples=80, deadline=None)
@given(firms(), st.integers(min_value=0, max_value=600))
def test_more_st_staff_never_lowers_the_staff_score(firm, added):
    figures, _ = firm
    more = dataclasses.replace(figures, st_staff=min(figures.employees, figures.st_staff + added))
    before, after = evaluate_tech_sme(FACTS, [figures]), evaluate_tech_sme(FACTS, [more])
    assert part(after, "st_staff").points >= part(before, "st_staff").points
    if before.passed:
        assert after.passed


@settings(max_examples=40, deadline=None)
@given(firms(), st.permutations(range(3)))
def test_result_never_depends_on_the_order_of_the_years(firm, order):
    figures, _ = firm
    years = [dataclasses.replace(figures, year=2021), dataclasses.replace(figures, year=2022), figures]
    reordered = [years[i] for i in order]
    assert result_to_dict(evaluate_tech_sme(FACTS, reordered)) == result_to_dict(
        evaluate_tech_sme(FACTS, years)
    )
