"""高新技术企业 recognition pre-check (RULES.md §2, 国科发火〔2016〕32号 and 195号). Pure Python: no database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keguan.rules.explain import Basis, Status
from keguan.rules.hnte import (
    HNTE_2016,
    FirmFacts,
    HnteEstimates,
    Verdict,
    YearFigures,
    growth,
    innovation_passes,
    innovation_verdict,
    precheck_hnte,
    rd_threshold,
    result_to_dict,
)

D = Decimal
APPLIED = dt.date(2024, 6, 15)  # fiscal years 2021–2023
FACTS = FirmFacts(assessed_on=APPLIED, registered_on=dt.date(2015, 3, 1), tech_field="电子信息")

#: Estimates that make the innovation score surely ≥ 71: IP 23–30, conversions 25–30, R&D organisation 5,
#: growth 18–20 → 71–85.
SURE = HnteEstimates(
    ip_advancement="A",
    ip_core_support="A",
    ip_obtained="own",
    standards_drafted=1,
    conversions={2021: 5, 2022: 5, 2023: 5},
    rd_org_management=2,
    rd_org_body=2,
    rd_org_incentives=1,
    rd_org_training=0,
)


def fy(year: int, **changes) -> YearFigures:
    """A firm that meets every hard condition: sales 40 → 60 → 90 million (growth 50%), R&D 5% of sales, all in
    China, net assets growing 50%, 20% S&T staff, 80% high-tech income, one class I IP."""
    i = year - 2021
    sales = changes.pop("sales_revenue", D(40_000_000) * D("1.5") ** i)
    base = dict(
        year=year,
        employees=100,
        st_staff=20,
        sales_revenue=sales,
        total_cost=sales * D("0.8"),
        rd_domestic=sales * D("0.05"),
        rd_abroad=D(0),
        total_assets=D(40_000_000) * D("1.5") ** i,
        net_assets=D(20_000_000) * D("1.5") ** i,
        hightech_income=sales * D("0.8"),
        ip_class1=1,
        ip_class2=0,
    )
    base.update(changes)
    return YearFigures(**base)


def firm(**by_year) -> list[YearFigures]:
    """Three years; ``y2023={...}`` changes one year."""
    return [fy(y, **by_year.get(f"y{y}", {})) for y in (2021, 2022, 2023)]


def check(years=None, estimates=SURE, facts=FACTS, **kw):
    return precheck_hnte(facts, firm() if years is None else years, estimates, **kw)


def leaf(result, code: str):
    stack = [result.innovation]
    while stack:
        p = stack.pop()
        if p.code == code:
            return p
        stack.extend(p.parts)
    raise KeyError(code)


# --- the baseline firm -----------------------------------------------------------------------------------


def test_baseline_firm_passes_every_condition():
    result = check()
    assert result.status is Status.PASSED, result.summary
    assert [c.code for c in result.conditions] == [
        "registered",
        "core_ip",
        "tech_field",
        "st_staff",
        "rd_ratio",
        "rd_domestic",
        "hightech_income",
        "innovation",
        "accident",
    ]
    assert all(c.passed for c in result.conditions)
    assert result.years == (2021, 2022, 2023)
    assert (result.innovation.low, result.innovation.high) == (71, 85)
    assert result.verdict is Verdict.PASS
    assert result.summary.startswith("预审符合高新技术企业认定条件")
    assert "最低也达到71分" in result.summary


# --- worked examples ------------------------------------------------------------------------------------


def test_worked_example_net_asset_growth_35_percent_is_band_a():
    g = growth([D(10_000_000), D(13_000_000), D(18_200_000)])
    assert g.rate == D("0.35")
    assert (g.low, g.high) == (9, 10)


@pytest.mark.parametrize(
    ("latest_sales", "share"),
    [(50_000_000, "0.05"), (50_000_001, "0.04"), (200_000_000, "0.04"), (200_000_001, "0.03"), (0, "0.05")],
)
def test_worked_example_rd_ladder_by_latest_sales(latest_sales, share):
    assert rd_threshold(D(latest_sales)) == D(share)


@pytest.mark.parametrize(
    ("latest_sales", "passes"),
    [(50_000_000, False), (50_000_001, True), (200_000_000, True), (200_000_001, True)],
)
def test_rd_ladder_in_a_full_check_uses_the_latest_year(latest_sales, passes):
    # Every year has R&D at 4.5% of its sales: enough for 4% and 3%, not for 5%.
    years = [
        fy(y, sales_revenue=D(latest_sales), rd_domestic=D(latest_sales) * D("0.045"))
        for y in (2021, 2022, 2023)
    ]
    row = check(years).condition("rd_ratio")
    assert row.passed is passes
    assert ("5%" in row.threshold) is (latest_sales == 50_000_000)


def test_worked_example_st_staff_exactly_10_percent_passes():
    assert check(firm(y2023={"st_staff": 10})).condition("st_staff").passed is True
    row = check(firm(y2023={"employees": 1001, "st_staff": 100})).condition("st_staff")
    assert row.passed is False
    assert "还差1人" in row.message and row.shortfall == 1


def test_worked_example_hightech_income_exactly_60_percent_passes():
    sales = fy(2023).sales_revenue
    assert (
        check(firm(y2023={"hightech_income": sales * D("0.6")})).condition("hightech_income").passed is True
    )
    row = check(firm(y2023={"hightech_income": sales * D("0.6") - D("0.01")})).condition("hightech_income")
    assert row.passed is False
    assert "低于60%的要求，差约0.01万元" in row.message
    assert row.shortfall == D("0.01")


def test_worked_example_score_70_fails_71_passes():
    assert not innovation_passes(70)
    assert innovation_passes(71)
    assert innovation_verdict(70, 70) is Verdict.FAIL
    assert innovation_verdict(71, 71) is Verdict.PASS
    assert innovation_verdict(60, 70) is Verdict.FAIL
    assert innovation_verdict(70, 71) is Verdict.EXPERTS


def test_innovation_range_ending_at_70_surely_fails_and_starting_at_71_surely_passes():
    # One class II IP (1–2) + band E twice + bought (1–3) + no standards = 2–5; conversions ≥ 5 (25–30);
    # R&D organisation exactly 15; growth 18–20 → 60–70.
    low_firm = firm(**{f"y{y}": {"ip_class1": 0, "ip_class2": 1} for y in (2021, 2022, 2023)})
    estimates = HnteEstimates(
        ip_advancement="E",
        ip_core_support="E",
        ip_obtained="bought",
        standards_drafted=0,
        conversions={2021: 5, 2022: 5, 2023: 5},
        rd_org_management=6,
        rd_org_body=5,
        rd_org_incentives=4,
        rd_org_training=0,
    )
    result = check(low_firm, estimates)
    assert (result.innovation.low, result.innovation.high) == (60, 70)
    assert result.verdict is Verdict.FAIL and result.status is Status.FAILED
    assert "差1分" in result.condition("innovation").message
    one_more = dataclasses.replace(estimates, rd_org_training=1)
    result = check(low_firm, one_more)
    assert (result.innovation.low, result.innovation.high) == (61, 71)
    assert result.verdict is Verdict.EXPERTS and result.status is Status.UNCERTAIN
    assert result.condition("innovation").passed is None
    assert "取决于专家" in result.summary
    # The baseline starts exactly at 71; one point less and the experts decide.
    assert check().innovation.low == 71 and check().status is Status.PASSED
    less = check(estimates=dataclasses.replace(SURE, rd_org_incentives=0))
    assert less.innovation.low == 70 and less.status is Status.UNCERTAIN


# --- the other conditions, both sides -------------------------------------------------------------------


def test_registration_365_days_passes_364_fails():
    day = APPLIED - dt.timedelta(days=365)
    assert check(facts=dataclasses.replace(FACTS, registered_on=day)).condition("registered").passed is True
    young = dataclasses.replace(FACTS, registered_on=day + dt.timedelta(days=1))
    row = check(firm()[1:], facts=young).condition("registered")
    assert row.passed is False and "还差1天" in row.message


def test_younger_firm_uses_its_actual_years():
    facts = dataclasses.replace(FACTS, registered_on=dt.date(2022, 3, 1))
    result = precheck_hnte(facts, firm()[1:], SURE)  # no 2021 figures: not needed
    assert result.years == (2022, 2023)
    assert result.condition("rd_ratio").passed is True
    assert "2022–2023年" in result.condition("rd_ratio").value
    one = precheck_hnte(dataclasses.replace(FACTS, registered_on=dt.date(2023, 1, 10)), firm()[2:], SURE)
    assert one.years == (2023,)
    assert leaf(one, "growth_sales").high == 0  # one year: growth scores 0


def test_three_year_sums_use_only_the_last_three_fiscal_years():
    old = fy(2020, rd_domestic=D(0))  # would drag the ratio down if used
    newer = fy(2024, rd_domestic=D(0))  # the application year itself is not a closed fiscal year
    result = check([old, newer, *firm()])
    assert result.years == (2021, 2022, 2023)
    assert result.condition("rd_ratio").passed is True


def test_rd_ratio_exact_threshold_passes_and_the_gap_is_the_missing_amount():
    # Sales 40 + 60 + 90 = 190 million; latest 90 million → 4% → 7.6 million needed.
    years = [fy(y, rd_domestic=D(2_000_000)) for y in (2021, 2022)] + [fy(2023, rd_domestic=D(3_600_000))]
    row = check(years).condition("rd_ratio")
    assert row.passed is True and "4%" in row.threshold
    years[-1] = fy(2023, rd_domestic=D(3_000_000))
    row = check(years).condition("rd_ratio")
    assert row.passed is False
    assert row.message == (
        "2021–2023年研发费用合计700万元，占销售收入合计19000万元的3.68%，低于4%的要求"
        "（最近一年销售收入9000万元，适用4%），差约60万元"
    )
    assert row.shortfall == D(600_000) and row.unit == "元"


def test_not_the_2008_ladder():
    # Latest sales ≤ 50 million: the 2016 rule asks 5% (the 2008 one asked 6%).
    years = [fy(y, sales_revenue=D(40_000_000), rd_domestic=D(2_200_000)) for y in (2021, 2022, 2023)]
    assert check(years).condition("rd_ratio").passed is True


def test_domestic_share_60_percent_passes_below_fails():
    years = [
        fy(y, rd_domestic=fy(y).rd_domestic * D("0.6"), rd_abroad=fy(y).rd_domestic * D("0.4"))
        for y in (2021, 2022, 2023)
    ]
    assert check(years).condition("rd_domestic").passed is True
    years[-1] = dataclasses.replace(years[-1], rd_abroad=years[-1].rd_abroad + 1)
    row = check(years).condition("rd_domestic")
    assert row.passed is False and "境内研发费用还差约" in row.message


def test_hightech_income_uses_total_income_when_given():
    sales = fy(2023).sales_revenue
    row = check(firm(y2023={"total_income": sales * 2})).condition("hightech_income")
    assert row.passed is False  # 80% of sales is 40% of total income
    assert "占总收入" in row.value


def test_core_ip_tech_field_and_recorded_facts():
    no_ip = check(firm(y2023={"ip_class1": 0, "ip_class2": 0}))
    assert no_ip.condition("core_ip").passed is False
    assert leaf(no_ip, "ip_advancement").high == 0 and leaf(no_ip, "ip_obtained").high == 0
    assert check(facts=dataclasses.replace(FACTS, tech_field=None)).condition("tech_field").passed is False
    assert (
        check(facts=dataclasses.replace(FACTS, tech_field="electronic")).condition("tech_field").value
        == "电子信息"
    )
    for flag in ("major_accident", "environmental_offence"):
        result = check(facts=dataclasses.replace(FACTS, **{flag: True}))
        assert result.status is Status.FAILED and result.condition("accident").passed is False


# --- the innovation score -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "band"),
    [
        ((100, 135), (9, 10)),
        (("100", "134.99"), (7, 8)),
        ((100, 125), (7, 8)),
        (("100", "124.99"), (5, 6)),
        ((100, 115), (5, 6)),
        (("100", "114.99"), (3, 4)),
        ((100, 105), (3, 4)),
        (("100", "104.99"), (1, 2)),
        (("100", "100.01"), (1, 2)),
        ((100, 100), (0, 0)),
        ((100, 90), (0, 0)),
    ],
)
def test_growth_bands_both_sides(values, band):
    g = growth([D(v) for v in values])
    assert (g.low, g.high) == band


@pytest.mark.parametrize(
    ("values", "rate", "band"),
    [
        ((0, 100, 140), "0.4", (9, 10)),  # v1 = 0: v3/v2 − 1
        ((100, 0, 200), None, (0, 0)),  # v2 = 0: 0
        ((0, 0, 200), None, (0, 0)),
        ((100, 90, 80), "-0.1055555555555555555555555556", (0, 0)),  # negative rate: 0
        ((100, 120), "0.2", (5, 6)),  # two years: v2/v1 − 1
        ((0, 120), None, (0, 0)),  # two years from 0: 0 (our reading)
        ((100,), None, (0, 0)),  # one year: 0
        ((-100, 50, 100), None, (0, 0)),  # a negative value: 0 (our reading)
        ((100, 200, -1), None, (0, 0)),
    ],
)
def test_growth_special_cases(values, rate, band):
    g = growth([D(v) for v in values])
    assert (g.low, g.high) == band
    assert g.rate == (None if rate is None else D(rate))


def test_growth_is_exact_at_the_band_edge():
    # ½ (120/90 + 164/120) − 1 = ½ (4/3 + 41/30) − 1 = 0.35 exactly, although neither ratio ends in decimals.
    g = growth([D(90), D(120), D(164)])
    assert (g.low, g.high) == (9, 10)
    assert g.rate == D("0.35")


@pytest.mark.parametrize(
    ("counts", "band"),
    [
        ((5, 5, 5), (25, 30)),
        ((5, 5, 4), (19, 24)),
        ((4, 4, 4), (19, 24)),
        ((3, 3, 3), (13, 18)),
        ((2, 2, 3), (7, 12)),
        ((1, 1, 1), (1, 6)),
        ((1, 1, 0), (0, 0)),
        ((0, 0, 0), (0, 0)),
    ],
)
def test_conversion_bands(counts, band):
    est = dataclasses.replace(SURE, conversions=dict(zip((2021, 2022, 2023), counts, strict=True)))
    part = leaf(check(estimates=est), "conversion")
    assert (part.low, part.high) == band and part.basis is Basis.ESTIMATE


@pytest.mark.parametrize(
    ("class1", "class2", "band"),
    [(1, 0, (7, 8)), (0, 5, (5, 6)), (0, 4, (3, 4)), (0, 3, (3, 4)), (0, 2, (1, 2)), (0, 1, (1, 2))],
)
def test_ip_count_bands(class1, class2, band):
    part = leaf(check(firm(y2023={"ip_class1": class1, "ip_class2": class2})), "ip_count")
    assert (part.low, part.high) == band and part.basis is Basis.COMPUTED


def test_ip_part_is_capped_at_30():
    ip = leaf(check(), "ip")
    assert (ip.low, ip.high) == (23, 30)  # 7+7+7+1+1 … 8+8+8+6+2 = 32 → 30


def test_unestimated_parts_take_their_whole_range_and_are_labelled():
    result = check(estimates=None)
    assert result.status is Status.UNCERTAIN
    for code, top in (
        ("ip_advancement", 8),
        ("ip_core_support", 8),
        ("conversion", 30),
        ("rd_org_management", 6),
        ("rd_org_training", 4),
        ("ip_standards", 2),
    ):
        part = leaf(result, code)
        assert (part.low, part.high) == (0, top) and part.basis is Basis.UNESTIMATED
    assert (leaf(result, "ip_obtained").low, leaf(result, "ip_obtained").high) == (1, 6)
    assert "按数据计算档次：知识产权数量，净资产增长率，销售收入增长率" in result.innovation.detail
    growth_part = leaf(result, "growth")
    assert growth_part.basis is Basis.COMPUTED and (growth_part.low, growth_part.high) == (18, 20)


def test_rd_org_estimates_may_be_ranges():
    result = check(estimates=dataclasses.replace(SURE, rd_org_management=(3, 5)))
    part = leaf(result, "rd_org_management")
    assert (part.low, part.high) == (3, 5) and part.basis is Basis.ESTIMATE


# --- missing and impossible figures ---------------------------------------------------------------------


def assert_no_score(result, status, *fragments):
    assert result.status is status, result.summary
    assert result.innovation is None and result.conditions == ()
    text = "；".join(p.message for p in result.problems)
    for fragment in fragments:
        assert fragment in text, text


def test_missing_year_in_the_three_year_window():
    assert_no_score(check([fy(2021), fy(2023)]), Status.INCOMPLETE, "缺少2022年度数据")


def test_missing_registration_date_and_figures():
    facts = dataclasses.replace(FACTS, registered_on=None)
    assert_no_score(check(facts=facts), Status.INCOMPLETE, "缺少注册日期")
    years = firm(y2022={"net_assets": None}, y2023={"hightech_income": None, "st_staff": None})
    assert_no_score(
        check(years),
        Status.INCOMPLETE,
        "缺少2022年净资产",
        "缺少2023年高新技术产品（服务）收入",
        "缺少2023年科技人员数",
    )


@pytest.mark.parametrize(
    ("years", "fragment"),
    [
        (firm(y2023={"st_staff": 101}), "2023年科技人员数（101人）多于职工总数（100人）"),
        (firm(y2022={"total_cost": D(1_000_000)}), "2022年研发费用（300万元）高于成本费用总额（100万元）"),
        (firm(y2021={"rd_abroad": D(-1)}), "2021年境外研发费用为负数"),
        (firm(y2023={"employees": 0, "st_staff": 0}), "2023年职工总数为0，无法计算科技人员占比"),
        (firm(y2023={"total_income": D(0), "hightech_income": D(0)}), "2023年总收入为0"),
        (
            [
                fy(
                    y,
                    sales_revenue=D(0),
                    total_cost=None,
                    rd_domestic=D(0),
                    hightech_income=D(0),
                    total_income=D(1),
                )
                for y in (2021, 2022, 2023)
            ],
            "2021–2023年销售收入合计为0",
        ),
        (
            firm(y2023={"hightech_income": D(100_000_000)}),
            "2023年高新技术产品（服务）收入（10000万元）高于销售收入",
        ),
        (firm(y2023={"net_assets": D(100_000_000)}), "2023年净资产（10000万元）高于资产总额"),
        (firm() + [fy(2022)], "2022年的年度数据提供了不止一份"),
    ],
)
def test_impossible_figures_give_no_score(years, fragment):
    assert_no_score(check(years), Status.INVALID, fragment)


def test_negative_net_assets_are_allowed_and_score_no_growth():
    years = firm(y2021={"net_assets": D(-1_000_000)})
    result = check(years, estimates=None)
    assert result.status is not Status.INVALID
    assert leaf(result, "growth_net_assets").high == 0


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"ip_advancement": "F"}, "知识产权技术先进程度的估计档次“F”"),
        ({"ip_obtained": "stolen"}, "知识产权获得方式“stolen”"),
        ({"rd_org_management": 7}, "不在0–6分之内"),
        ({"rd_org_training": (3, 2)}, "不在0–4分之内"),
        ({"conversions": {2021: 1, 2023: 1}}, "缺少2022年科技成果转化数"),
        ({"conversions": {2021: 1, 2022: -1, 2023: 1}}, "2022年科技成果转化数为负数"),
        ({"standards_drafted": -1}, "参与编制标准数为负数"),
    ],
)
def test_impossible_estimates_are_reported(changes, fragment):
    result = check(estimates=dataclasses.replace(SURE, **changes))
    assert result.status in (Status.INVALID, Status.INCOMPLETE)
    assert any(fragment in p.message for p in result.problems), result.problems


def test_unknown_tech_field_is_an_error():
    result = check(facts=dataclasses.replace(FACTS, tech_field="人工智能"))
    assert_no_score(result, Status.INVALID, "高新技术领域“人工智能”不是八大领域")


# --- rule sets and JSON ---------------------------------------------------------------------------------


def test_rule_set_names_the_documents_and_can_change():
    assert "国科发火〔2016〕32号" in HNTE_2016.code and "195号" in HNTE_2016.code
    assert [label for _, label in HNTE_2016.tech_fields] == [
        "电子信息",
        "生物与新医药",
        "航空航天",
        "新材料",
        "高技术服务",
        "新能源与节能",
        "资源与环境",
        "先进制造与自动化",
    ]
    stricter = dataclasses.replace(HNTE_2016, st_staff_min=D("0.25"))
    assert check(rules=stricter).condition("st_staff").passed is False


def test_result_to_dict_is_compact_json():
    data = result_to_dict(check(estimates=None))
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert (
        data["kind"] == "hnte" and data["status"] == "uncertain" and data["status_label"] == "取决于专家评审"
    )
    assert data["verdict"] == "experts" and data["verdict_label"] == "取决于专家评分"
    innovation_row = next(c for c in data["conditions"] if c["code"] == "innovation")
    assert innovation_row["passed"] is None  # undecided is said, not left out
    assert data["innovation"]["parts"][3]["parts"][0]["ratio"] == "0.500000"
    assert data["years"] == [2021, 2022, 2023]


# --- properties -----------------------------------------------------------------------------------------

amounts = st.integers(min_value=1, max_value=300_000_000)


@st.composite
def rd_firms(draw):
    years = []
    for y in (2021, 2022, 2023):
        sales = draw(amounts)
        rd = draw(st.integers(min_value=0, max_value=sales // 10))
        abroad = draw(st.integers(min_value=0, max_value=rd))
        years.append(
            fy(
                y,
                sales_revenue=D(sales),
                total_cost=None,
                rd_domestic=D(rd - abroad),
                rd_abroad=D(abroad),
                hightech_income=D(sales) * D("0.8"),
            )
        )
    extra = [draw(st.integers(min_value=0, max_value=30_000_000)) for _ in years]
    return years, extra


@settings(max_examples=60, deadline=None)
@given(rd_firms())
def test_more_domestic_rd_never_turns_the_rd_condition_from_pass_to_fail(data):
    years, extra = data
    more = [dataclasses.replace(f, rd_domestic=f.rd_domestic + e) for f, e in zip(years, extra, strict=True)]
    before, after = check(years), check(more)
    for code in ("rd_ratio", "rd_domestic"):
        if before.condition(code).passed:
            assert after.condition(code).passed


@settings(max_examples=60, deadline=None)
@given(rd_firms())
def test_adding_the_stated_shortfall_reaches_the_threshold(data):
    years, _ = data
    row = check(years).condition("rd_ratio")
    if row.passed:
        return
    fixed = years[:-1] + [dataclasses.replace(years[-1], rd_domestic=years[-1].rd_domestic + row.shortfall)]
    assert check(fixed).condition("rd_ratio").passed


@settings(max_examples=40, deadline=None)
@given(rd_firms(), st.permutations(range(3)), st.booleans())
def test_result_never_depends_on_the_order_of_the_years(data, order, estimated):
    years, _ = data
    estimates = SURE if estimated else None
    reordered = [years[i] for i in order]
    assert result_to_dict(check(reordered, estimates)) == result_to_dict(check(years, estimates))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 2000), st.data())
def test_more_st_staff_never_fails_the_staff_condition(employees, data):
    staff = data.draw(st.integers(0, employees))
    more = data.draw(st.integers(staff, employees))
    before = check(firm(y2023={"employees": employees, "st_staff": staff})).condition("st_staff")
    after = check(firm(y2023={"employees": employees, "st_staff": more})).condition("st_staff")
    if before.passed:
        assert after.passed
    if not before.passed:
        fixed = check(firm(y2023={"employees": employees, "st_staff": staff + int(before.shortfall)}))
        assert fixed.condition("st_staff").passed
