"""科小/高企: the enterprise self-check (explained results, "what if" never saved, scope), the district pre-check
(ranking, filters, export, who may see it), ``keguan assess`` on a table, and the bulk screen against the rules."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from keguan.enterprises.models import EnterpriseYear, Stage
from keguan.enterprises.services import enterprise_create, year_figures_save
from keguan.pipeline.assess import FIGURE_FIELDS, assess_enterprise, figures_row
from keguan.pipeline.screen import screen_hnte, screen_hnte_cents, screen_tech_sme, screen_tech_sme_cents
from keguan.rules.explain import FirmFacts, Status, YearFigures
from keguan.rules.hnte import precheck_hnte, precheck_hnte_unmet
from keguan.rules.tech_sme import evaluate_tech_sme, evaluate_tech_sme_unmet
from tests.conftest import credit_code

TODAY = timezone.localdate()
LAST = TODAY.year - 1  # the fiscal year a check made today uses

# RULES.md §1's first worked example: 18% S&T staff → 8, R&D 5% of sales → 40, 2 class II IP → 12: 60 points.
EXAMPLE = dict(
    employees=100, st_staff=18, sales_revenue=Decimal("60000000"), total_cost=Decimal("50000000"),
    rd_domestic=Decimal("3000000"), rd_abroad=Decimal("0"), total_assets=Decimal("40000000"),
    net_assets=Decimal("20000000"), hightech_income=Decimal("40000000"), ip_class1=0, ip_class2=2,
)


def file_years(enterprise, **over) -> None:
    """Three years of figures ending with the last fiscal year (the last one with ``over``)."""
    for year in (LAST - 2, LAST - 1, LAST):
        values = {**EXAMPLE, **(over if year == LAST else {})}
        year_figures_save(enterprise=enterprise, actor=None, year=year, **values)


def firm(world, n: int, name: str, *, district=None, township=None, **over):
    district = district or world.a
    e = enterprise_create(
        actor=None, name=name, credit_code=credit_code(district.code, 200 + n), district=district,
        township=township, tech_field="electronic", registered_on=dt.date(2012, 1, 1), stage=Stage.POOL,
    )
    file_years(e, **over)
    return e


# --- self-check ----------------------------------------------------------------------------------------------


def test_self_check_explains_both_rules_for_the_enterprise_contact(world, login):
    file_years(world.ent_a)
    response = login(world.ent_user).get(reverse("pipeline:self_check"))
    assert response.status_code == 200
    a = response.context["a"]
    assert a.tech_sme.status is Status.PASSED and a.tech_sme.total == 60
    text = response.content.decode()
    # 科小: each condition with value, threshold, result and margin; the score with its parts
    assert "职工总数100人，未超过500人" in text
    assert "≤2亿元" in text
    assert "科技人员18人，占职工总数100人的18%，得8分；占比达到20%可得12分，还差2人（职工总数不变）" in text
    assert "研发费用300万元，占销售收入6000万元的5%，得40分" in text
    assert "无Ⅰ类知识产权，Ⅱ类知识产权2件，得12分" in text
    assert "评价得分60分（科技人员8分＋研发投入40分＋科技成果12分＝60分），达到60分且科技人员指标不为0分" in text
    # 高企: conditions, and the innovation score as a range saying what is computed and what is open
    hnte = a.hnte
    assert hnte.status is Status.UNCERTAIN
    rd = hnte.condition("rd_ratio")
    assert rd.passed is True and "适用4%" in rd.message and rd.message in text
    assert f"{LAST - 2}–{LAST}年研发费用合计900万元，占销售收入合计18000万元的5%" in text
    assert "科技人员18人，占职工总数100人的18%，达到10%" in text
    assert "取决于专家评审" in text and "未估计" in text and "计算" in text
    assert f"{hnte.innovation.low}–{hnte.innovation.high}分" in text
    assert "模拟，不保存" in text  # the form's label; no simulation note without inputs
    assert 'data-testid="simulation-note"' not in text


def test_what_if_changes_the_result_and_saves_nothing(world, login):
    file_years(world.ent_a)
    before = list(EnterpriseYear.objects.filter(enterprise=world.ent_a).order_by("year").values())
    history = EnterpriseYear.history.count()
    c = login(world.ent_user)
    # 9 S&T staff: the staff score is 0, so the firm fails whatever its total (RULES.md §1, second example)
    response = c.get(reverse("pipeline:self_check"), {"st_staff": 9, "ip_class1": 1})
    assert response.status_code == 200
    a = response.context["a"]
    assert a.simulated and a.tech_sme.status is Status.FAILED
    failed = [c for c in a.tech_sme.conditions if c.passed is False]
    assert [c.code for c in failed] == ["score"] and "科技人员指标得0分" in failed[0].message
    assert response.context["baseline"].tech_sme.status is Status.PASSED
    text = response.content.decode()
    assert 'data-testid="simulation-note"' in text and "模拟，不保存" in text
    assert "科技人员数：18 → 9" in text
    # money in 万元: sales of 20001万元 break the 2亿元 ceiling
    response = c.get(reverse("pipeline:self_check"), {"sales_revenue": "20001"})
    sales = next(x for x in response.context["a"].tech_sme.conditions if x.code == "sales")
    assert sales.passed is False and "超过2亿元的上限1万元" in sales.message
    # estimates narrow the 高企 range; expert letters are shown as estimates
    wide = response.context["a"].hnte.innovation
    response = c.get(reverse("pipeline:self_check"), {"ip_advancement": "A", "ip_core_support": "A", "conversions": 15,
                                                       "rd_org_management": 6, "rd_org_body": 6})
    narrow = response.context["a"].hnte.innovation
    assert narrow.high - narrow.low < wide.high - wide.low
    assert "估计为A档，7–8分" in response.content.decode()
    assert list(EnterpriseYear.objects.filter(enterprise=world.ent_a).order_by("year").values()) == before
    assert EnterpriseYear.history.count() == history


def test_what_if_can_stand_in_for_a_year_not_filed_yet(world):
    on = dt.date(2031, 6, 1)  # nothing filed for 2030
    assert assess_enterprise(world.ent_a, on=on).tech_sme.status is Status.INCOMPLETE
    result = assess_enterprise(world.ent_a, on=on, what_if=EXAMPLE)
    assert result.simulated and result.tech_sme.status is Status.PASSED and result.tech_sme.total == 60
    assert result.changes[0].text == "职工总数：未填 → 100"
    assert not EnterpriseYear.objects.filter(enterprise=world.ent_a, year=2030).exists()


def test_self_check_scope(world, login):
    c = login(world.outsider)
    assert c.get(reverse("pipeline:self_check_for", args=[world.ent_a.pk])).status_code == 404
    assert c.get(reverse("pipeline:self_check_for", args=[world.ent_b.pk])).status_code == 200
    c = login(world.ent_user)
    assert c.get(reverse("pipeline:self_check_for", args=[world.ent_a2.pk])).status_code == 404
    assert c.get(reverse("pipeline:self_check_for", args=[world.ent_b.pk])).status_code == 404
    assert c.get(reverse("pipeline:self_check_for", args=[world.ent_a.pk])).status_code == 200
    for persona in (world.staff, world.leader, world.city_user, world.expert):
        assert login(persona).get(reverse("pipeline:self_check_for", args=[world.ent_a2.pk])).status_code == 200
    assert login(world.town).get(reverse("pipeline:self_check_for", args=[world.ent_a2.pk])).status_code == 404
    # the menu entry: the contact's own firm; bureau staff go to the pre-check; others have no firm
    assert login(world.staff).get(reverse("pipeline:self_check"))["Location"] == reverse("pipeline:precheck")
    assert login(world.town).get(reverse("pipeline:self_check")).status_code == 404
    assert login(world.ent_user).post(reverse("pipeline:self_check")).status_code == 405


# --- district pre-check ---------------------------------------------------------------------------------------


@pytest.fixture
def field(world):
    """District A: two passing firms, one short of the score, one over the size ceiling; ent_a2 has only
    older figures (incomplete); district B's firm the same as the best of A."""
    best = firm(world, 1, "甲最佳科技有限公司", township=world.a_town, st_staff=30, rd_domestic=Decimal("3600000"), ip_class1=1)
    ok = firm(world, 2, "甲合格科技有限公司", township=world.a_town2)
    short = firm(world, 3, "甲差分科技有限公司", township=world.a_town, ip_class2=0)  # 48 points
    big = firm(world, 4, "甲超大科技有限公司", township=world.a_town2, employees=600, st_staff=120)
    far = firm(world, 5, "乙区科技有限公司", district=world.b, township=world.b_town, st_staff=30)
    return {"best": best, "ok": ok, "short": short, "big": big, "far": far}


def names(response) -> list[str]:
    return [c.name for c in response.context["page"].object_list]


def test_precheck_lists_and_ranks(world, login, field):
    c = login(world.staff)
    response = c.get(reverse("pipeline:precheck"))
    assert response.status_code == 200
    listed = names(response)
    expected_top = ["甲最佳科技有限公司", "甲合格科技有限公司", "甲差分科技有限公司", "甲超大科技有限公司"]
    assert listed[:4] == expected_top
    # the fixture's firms: 2024 figures only (incomplete unless the last fiscal year is 2024), ranked last
    assert set(listed[4:]) == {world.ent_a.name, world.ent_a2.name}
    assert "乙区科技有限公司" not in response.content.decode()
    rows = {c.name: c for c in response.context["page"].object_list}
    assert rows["甲差分科技有限公司"].score_text == "48分"
    assert "评价得分48分，低于60分，差12分" in rows["甲差分科技有限公司"].lacks
    assert "职工总数600人，超过500人的上限100人" in rows["甲超大科技有限公司"].lacks
    assert rows["甲最佳科技有限公司"].lacks == "各项条件均符合"
    counts = response.context["check"].counts
    assert counts["passed"] == 2 and counts["failed"] == 2
    text = response.content.decode()
    assert "评价得分48分，低于60分，差12分" in text and reverse("pipeline:self_check_for", args=[field["short"].pk]) in text
    # 高企: every firm is screened; without estimates none passes for sure
    response = c.get(reverse("pipeline:precheck"), {"rule": "hnte"})
    check = response.context["check"]
    assert check.rule == "hnte" and check.counts["passed"] == 0
    big = next(x for x in response.context["page"].object_list if x.name == "甲超大科技有限公司")
    assert big.status is Status.UNCERTAIN and "创新能力评分估计为" in big.lacks


def test_precheck_filters(world, login, field):
    c = login(world.staff)
    url = reverse("pipeline:precheck")
    assert names(c.get(url, {"status": "failed"})) == ["甲差分科技有限公司", "甲超大科技有限公司"]
    assert names(c.get(url, {"status": "passed", "township": world.a_town.pk})) == ["甲最佳科技有限公司"]
    assert set(names(c.get(url, {"township": world.a_town2.pk}))) == {"甲合格科技有限公司", "甲超大科技有限公司", world.ent_a2.name}
    assert names(c.get(url, {"stage": Stage.HNTE})) == [world.ent_a.name]
    # a township of another district is not a filter the user may set: nothing, never everything
    response = c.get(url, {"township": world.b_town.pk})
    assert names(response) == [] and "查询条件有误" in response.content.decode()
    assert "乙区科技有限公司" not in response.content.decode()
    # a status the rule cannot give is refused too
    assert names(c.get(url, {"rule": "tech_sme", "status": "uncertain"})) == []


def test_precheck_export_is_the_filtered_list(world, login, field):
    c = login(world.staff)
    for params in ({}, {"status": "failed"}, {"rule": "hnte", "township": world.a_town.pk}):
        page = c.get(reverse("pipeline:precheck"), params)
        response = c.get(reverse("pipeline:precheck_export"), params)
        assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
        wb = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        rows = list(wb.worksheets[0].iter_rows(values_only=True))
        assert rows[0][:2] == ("排名", "企业名称")
        candidates = page.context["check"].candidates
        assert [r[1] for r in rows[1:]] == [x.name for x in candidates]
        assert [r[6] for r in rows[1:]] == [x.status.label for x in candidates]
        assert [r[0] for r in rows[1:]] == [x.rank for x in candidates]
        assert "说明" in wb.sheetnames
    wb = openpyxl.load_workbook(io.BytesIO(c.get(reverse("pipeline:precheck_export"), {"status": "failed"}).content))
    lacks = [r[9] for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert "评价得分48分，低于60分，差12分" in lacks[0]


def test_precheck_roles(world, login, field):
    url = reverse("pipeline:precheck")
    # city staff: every district of the city, read-only (there is nothing to change here)
    response = login(world.city_user).get(url)
    assert response.status_code == 200 and response.context["read_only"]
    assert {"甲最佳科技有限公司", "乙区科技有限公司"} <= {c.name for c in response.context["check"].candidates}
    assert names(login(world.city_user).get(url, {"district": world.b.pk})) == ["乙区科技有限公司", world.ent_b.name]
    # the sibling district sees only its own
    response = login(world.outsider).get(url)
    assert {c.name for c in response.context["check"].candidates} == {"乙区科技有限公司", world.ent_b.name}
    assert login(world.leader).get(url).status_code == 200
    for persona in (world.town, world.expert, world.ent_user):
        c = login(persona)
        assert c.get(url).status_code == 403
        assert c.get(reverse("pipeline:precheck_export")).status_code == 403
    assert login(world.staff).post(url).status_code == 405
    assert login(world.staff).post(reverse("pipeline:precheck_export")).status_code == 405


# --- keguan assess -------------------------------------------------------------------------------------------


def _filled_template(tmp_path: Path, on: dt.date) -> Path:
    template = tmp_path / "模板.xlsx"
    call_command("assess", "--template", str(template), "--on", on.isoformat())
    wb = openpyxl.load_workbook(template)
    ws = wb["企业年度数据"]
    headers = [cell.value for cell in ws[1]]
    assert headers[:5] == ["企业名称", "统一社会信用代码", "注册日期", "高新技术领域", "高企证书发证日期"]
    assert f"{on.year - 1}年从业人员（人）" in headers and f"{on.year - 3}年销售收入（万元）" in headers
    assert "说明" in wb.sheetnames
    good = {"企业名称": "良好科技有限公司", "统一社会信用代码": credit_code("450103", 9), "注册日期": "2012-03-01",
            "高新技术领域": "电子信息"}
    for year in (on.year - 3, on.year - 2, on.year - 1):
        good.update({
            f"{year}年从业人员（人）": 100, f"{year}年科技人员（人）": 18, f"{year}年销售收入（万元）": 6000,
            f"{year}年成本费用总额（万元）": 5000, f"{year}年境内研发费用（万元）": 300, f"{year}年资产总额（万元）": 4000,
            f"{year}年净资产（万元）": 2000, f"{year}年高新技术产品（服务）收入（万元）": 4000, f"{year}年Ⅱ类知识产权（件）": 2,
        })
    bad = {**good, "企业名称": "坏数据有限公司", "统一社会信用代码": "914403001922038217",
           f"{on.year - 1}年销售收入（万元）": "很多"}
    for row in (good, bad):
        ws.append([row.get(h) for h in headers])
    out = tmp_path / "企业.xlsx"
    wb.save(out)
    return out


def test_assess_command_prints_json_lines_and_fails_on_bad_rows(tmp_path):
    on = dt.date(TODAY.year, 5, 31)
    path = _filled_template(tmp_path, on)
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("assess", str(path), "--on", on.isoformat(), stdout=out, stderr=io.StringIO())
    assert raised.value.returncode == 1
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["row"] for line in lines] == [3, 4]  # row 2 is the template's example, not assessed
    good, bad = lines
    assert good["name"] == "良好科技有限公司" and "error" not in good
    assert good["tech_sme"]["status"] == "passed" and good["tech_sme"]["status_label"] == "符合条件"
    assert good["tech_sme"]["score"]["low"] == 60
    assert good["hnte"]["status"] == "uncertain" and good["hnte"]["years"] == [on.year - 3, on.year - 2, on.year - 1]
    assert any(c["code"] == "rd_ratio" and c["passed"] for c in good["hnte"]["conditions"])
    assert bad["name"] == "坏数据有限公司" and bad["error"].startswith("第4行")
    columns = {e["column"] for e in bad["errors"]}
    assert columns == {"统一社会信用代码", f"{on.year - 1}年销售收入（万元）"}
    assert "“很多”不是数字" in bad["error"]


def test_assess_command_exit_codes(tmp_path):
    """The real command line: exit 0 for a clean .csv, 1 with a bad row, 2 for a file it cannot read."""
    on = dt.date(TODAY.year, 5, 31)
    year = on.year - 1
    headers = ["企业名称", "注册日期", f"{year}年从业人员（人）", f"{year}年科技人员（人）", f"{year}年销售收入(万元)",
               f"{year}年成本费用总额（万元）", f"{year}年境内研发费用（万元）", f"{year}年资产总额（万元）", f"{year}年净资产（万元）"]
    good = ["小型科技有限公司", "2020/1/2", "40", "12", "1,500", "1200", "90", "800", "300"]
    env = {**os.environ, "KEGUAN_DATA_DIR": str(tmp_path / "data"), "DJANGO_SETTINGS_MODULE": "keguan.settings"}

    def run(rows: list[list[str]], name: str = "表.csv") -> subprocess.CompletedProcess:
        path = tmp_path / name
        path.write_text("\n".join(",".join(f'"{v}"' for v in r) for r in rows), encoding="utf-8")
        return subprocess.run([sys.executable, "-m", "keguan.cli", "assess", str(path), "--on", on.isoformat()],
                              capture_output=True, text=True, env=env, timeout=60)

    done = run([headers, good])
    assert done.returncode == 0, done.stderr
    (line,) = [json.loads(x) for x in done.stdout.splitlines()]
    assert line["tech_sme"]["status"] == "passed"  # 30% staff 20 + R&D 6% 50 + no IP: 70 points
    assert line["hnte"]["status"] == "incomplete"  # one year only, and no high-tech income
    done = run([headers, good, ["", "2020-01-02", "x"]])
    assert done.returncode == 1
    assert json.loads(done.stdout.splitlines()[1])["row"] == 3
    done = run([["名称"], ["x"]])
    assert done.returncode == 2 and "缺少列：企业名称" in done.stdout


# --- the bulk screen agrees with the rules ---------------------------------------------------------------


def _random_firm(rng: random.Random, on: dt.date) -> tuple[FirmFacts, list[YearFigures]]:
    def money(top: int) -> Decimal:
        return rng.choice([Decimal(0), Decimal(rng.randint(0, top * 100)) / 100, Decimal(rng.randint(0, top))])

    last = on.year - 1
    years = []
    for year in range(last - 3, last + 1):
        if rng.random() < 0.07:
            continue
        emp = rng.choice([0, 1, 10, 100, 500, 501, rng.randint(1, 800)])
        st = rng.choice([0, emp // 10, emp // 10 + 1, emp // 5, emp // 3, emp, emp + 1])
        sales = rng.choice([money(300_000_000), Decimal(50_000_000), Decimal(50_000_001), Decimal(200_000_000),
                            Decimal(200_000_001), Decimal(0)])
        assets = rng.choice([money(300_000_000), Decimal(200_000_000), Decimal(200_000_001)])
        years.append(YearFigures(
            year=year, employees=emp, st_staff=st, sales_revenue=sales, total_cost=money(300_000_000),
            rd_domestic=rng.choice([money(20_000_000), (sales * Decimal("0.04")).quantize(Decimal("0.01"))]),
            rd_abroad=rng.choice([Decimal(0), Decimal(0), money(5_000_000), Decimal(-1)]), total_assets=assets,
            net_assets=rng.choice([money(200_000_000), -money(10_000_000), assets, Decimal(0)]),
            hightech_income=rng.choice([money(300_000_000), (sales * Decimal("0.6")).quantize(Decimal("0.01"))]),
            ip_class1=rng.choice([0, 0, 1, 3]), ip_class2=rng.choice([0, 1, 2, 3, 4, 5, 7]),
            total_income=rng.choice([None, None, None, money(300_000_000)]),
        ))
    registered = rng.choice([None, on - dt.timedelta(days=364), on - dt.timedelta(days=365), dt.date(last, 6, 1),
                             dt.date(last - 1, 2, 1), dt.date(2010, 1, 1), on + dt.timedelta(days=1), dt.date(on.year, 1, 1)])
    tech = rng.choice([None, "electronic", "电子信息", "materials", "不存在的领域"])
    return FirmFacts(assessed_on=on, registered_on=registered, tech_field=tech), years


def test_screen_agrees_with_the_rules():
    rng = random.Random(2024)
    on = dt.date(2026, 5, 20)
    seen: set[tuple[str, str]] = set()
    for _ in range(3000):
        facts, years = _random_firm(rng, on)
        rows = [figures_row(f.year, [getattr(f, n) for n in FIGURE_FIELDS], f.total_income) for f in years]
        sme, screened = evaluate_tech_sme(facts, years), screen_tech_sme(facts, rows)
        assert screened is not None
        failed = sum(c.passed is False for c in sme.conditions)
        ceilings = sum(c.passed is False for c in sme.conditions if c.code in ("employees", "sales", "assets"))
        total = sme.total if sme.score is not None else None
        assert (screened.status, screened.score, screened.failed, screened.ceilings) == (sme.status, total, failed, ceilings), sme.summary
        unmet = evaluate_tech_sme_unmet(facts, years)  # what the pre-check's list shows: the first problem or failure
        first = [c for c in sme.conditions if c.passed is False]
        assert unmet.problems == sme.problems and unmet.condition == (first[0] if first else None)
        hnte, screened = precheck_hnte(facts, years), screen_hnte(facts, rows)
        assert screened is not None
        score = hnte.innovation
        expected = (hnte.status, score.low if score else None, score.high if score else None,
                    sum(c.passed is False for c in hnte.conditions))
        assert (screened.status, screened.score, screened.high, screened.failed) == expected, hnte.summary
        # what the pre-check's list shows per firm: the first problem, failed or undecided condition
        unmet = precheck_hnte_unmet(facts, years)
        first = [c for c in hnte.conditions if c.passed is False] or [c for c in hnte.conditions if c.passed is None]
        assert unmet.problems == hnte.problems and unmet.condition == (first[0] if first else None)
        # the pre-check's way in (money already in cents, as the database gives it) decides the same
        cents = [(*r[:3], *(int(v * 100) for v in r[3:10]), *r[10:12], None if r[12] is None else int(r[12] * 100))
                 for r in rows]
        assert screen_tech_sme_cents(on, cents) == screen_tech_sme(facts, rows)
        assert screen_hnte_cents(on, facts.registered_on, facts.tech_field, cents) == screened
        seen |= {("sme", sme.status.value), ("hnte", hnte.status.value)}
    # the random firms reach every outcome
    assert seen >= {("sme", s) for s in ("passed", "failed", "incomplete", "invalid")}
    assert seen >= {("hnte", s) for s in ("uncertain", "failed", "incomplete", "invalid")}
    # cases the screen leaves to the rules
    facts = FirmFacts(assessed_on=on, registered_on=dt.date(2010, 1, 1))
    rows = [figures_row(on.year - 1, [10, 1, Decimal("1000"), *[Decimal(0)] * 6, 0, 0])]
    assert screen_tech_sme(facts, rows) is not None
    assert screen_tech_sme(FirmFacts(assessed_on=on, national_award=True), rows) is None  # a direct qualification
    odd = [figures_row(on.year - 1, [10, 1, Decimal("0.001"), *[Decimal(0)] * 6, 0, 0])]  # a fraction of a cent
    assert screen_tech_sme(facts, odd) is None and screen_hnte(facts, odd) is None


def test_precheck_searches_by_name_or_code_and_ranks_title_holders_last(world, login, field):
    from keguan.pipeline import services as pipeline_services

    c = login(world.staff)
    url = reverse("pipeline:precheck")
    assert names(c.get(url, {"q": "差分"})) == ["甲差分科技有限公司"]
    assert names(c.get(url, {"q": field["ok"].credit_code})) == ["甲合格科技有限公司"]
    assert names(c.get(url, {"q": field["ok"].credit_code.lower()[:17]})) == ["甲合格科技有限公司"]
    assert names(c.get(url, {"q": "乙区"})) == []  # another district's firm stays out of reach
    # the best firm already registered as 科小 this year: listed after every candidate, and said so
    today = timezone.localdate()
    pipeline_services.sme_record_add(enterprise=field["best"], actor=world.staff, year=today.year,
                                     number=f"{today.year}450103A0000777", registered_on=today)
    response = c.get(url)
    listed = names(response)
    assert listed[0] == "甲合格科技有限公司" and listed[-1] == "甲最佳科技有限公司"
    assert f"已是科小（{today.year}年入库）" in response.content.decode()


def test_assess_goes_on_past_a_row_it_cannot_evaluate(tmp_path, monkeypatch):
    """A row whose evaluation fails prints its own error line; every other firm still gets its line."""
    from keguan.pipeline.management.commands import assess as command

    on = dt.date(TODAY.year, 5, 31)
    path = _filled_template(tmp_path, on)
    wb = openpyxl.load_workbook(path)
    ws = wb["企业年度数据"]
    good = [c.value for c in ws[3]]
    crash = list(good)
    crash[0], crash[1] = "崩溃数据有限公司", credit_code("450103", 10)
    after = list(good)
    after[0], after[1] = "之后科技有限公司", credit_code("450103", 11)
    ws.delete_rows(4)  # the bad row: this test is about a row that passes the checks and then fails
    ws.append(crash)
    ws.append(after)
    wb.save(path)
    real = command.run_rules

    def flaky(facts, years, estimates=None):
        if facts.registered_on and years and getattr(flaky, "calls", 0) == 1:
            flaky.calls += 1
            raise ArithmeticError("模拟的计算错误")
        flaky.calls = getattr(flaky, "calls", 0) + 1
        return real(facts, years, estimates)

    monkeypatch.setattr(command, "run_rules", flaky)
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("assess", str(path), "--on", on.isoformat(), stdout=out, stderr=io.StringIO())
    assert raised.value.returncode == 1
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["row"] for line in lines] == [3, 4, 5]
    assert lines[0]["name"] == "良好科技有限公司" and "error" not in lines[0]
    assert lines[1]["name"] == "崩溃数据有限公司" and "第4行无法预审" in lines[1]["error"] and "模拟的计算错误" in lines[1]["error"]
    assert lines[2]["name"] == "之后科技有限公司" and lines[2]["tech_sme"]["status"] == "passed"


def test_assess_sheet_states_facts_qualifications_and_estimates(tmp_path):
    """The fact columns (是/否, blank = not recorded and said so), the direct qualifications and the experts'
    estimates of an assess sheet reach the rules."""
    from keguan.pipeline import sheet

    on = dt.date(TODAY.year, 5, 31)
    path = _filled_template(tmp_path, on)
    wb = openpyxl.load_workbook(path)
    ws = wb["企业年度数据"]
    headers = [c.value for c in ws[1]]
    good = [c.value for c in ws[3]]
    ws.delete_rows(3, 2)

    def row(name: str, n: int, **cells):
        values = list(good)
        values[0], values[1] = name, credit_code("450103", n)
        for header, value in cells.items():
            values[headers.index(header)] = value
        ws.append(values)

    facts = dict(sheet.FACT_COLUMNS)
    row("事故科技有限公司", 20, **{facts["major_accident"]: "是"})
    row("获奖科技有限公司", 21, **{facts["national_award"]: "是", f"{on.year - 1}年科技人员（人）": 0})
    row("未登记科技有限公司", 22)
    row("已核实科技有限公司", 23, **{h: "否" for h in facts.values()})
    row("估计科技有限公司", 24, **{sheet.C_IP_ADV: "A", sheet.C_IP_CORE: "A", sheet.C_IP_OBTAINED: "自主研发",
                                 sheet.C_STANDARDS: 1, **{h: top for (name, h), top in
                                                         zip(sheet.RD_ORG_COLUMNS, sheet.RD_ORG_TOP.values(), strict=True)},
                                 **{f"{y}年科技成果转化数（项）": 5 for y in (on.year - 3, on.year - 2, on.year - 1)}})
    row("乱填科技有限公司", 25, **{facts["research_misconduct"]: "可能", sheet.C_IP_ADV: "F"})
    wb.save(path)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("assess", str(path), "--on", on.isoformat(), stdout=out, stderr=io.StringIO())
    lines = {line["name"]: line for line in map(json.loads, out.getvalue().splitlines())}

    def condition(line, rule, code):
        return next(c for c in line[rule]["conditions"] if c["code"] == code)

    accident = lines["事故科技有限公司"]
    assert accident["tech_sme"]["status"] == "failed" and condition(accident, "tech_sme", "accident")["passed"] is False
    assert condition(accident, "hnte", "accident")["passed"] is False
    award = lines["获奖科技有限公司"]
    assert award["tech_sme"]["status"] == "passed" and "国家级科技奖励" in condition(award, "tech_sme", "direct")["value"]
    blank = lines["未登记科技有限公司"]
    assert "未登记，按无计" in condition(blank, "tech_sme", "misconduct")["message"]
    assert blank["facts_unrecorded"] == list(facts.values()) and blank["estimated"] is False
    checked = lines["已核实科技有限公司"]
    assert condition(checked, "tech_sme", "misconduct")["message"].endswith("（登记事实）")
    assert checked["facts_unrecorded"] == []
    guessed = lines["估计科技有限公司"]
    assert guessed["estimated"] is True
    low = guessed["hnte"]["innovation"]["low"]
    assert low > blank["hnte"]["innovation"]["low"]
    bad = lines["乱填科技有限公司"]
    assert "应填“是”或“否”" in bad["error"] and "应为 A、B、C、D、E 之一" in bad["error"]


def test_estimates_saved_on_the_self_check_are_used_until_changed(world, login):
    from keguan.pipeline.models import HnteEstimate

    file_years(world.ent_a)  # three years of figures: the 高企 innovation score is worked out
    url = reverse("pipeline:self_check_for", args=[world.ent_a.pk])
    staff = login(world.staff)
    wide = staff.get(url).context["a"].hnte.innovation
    tried = staff.get(url, {"ip_advancement": "A", "ip_core_support": "A", "rd_org_body": 6, "conversions": 12})
    html = tried.content.decode()
    assert 'data-testid="save-estimates"' in html
    narrow = tried.context["a"].hnte.innovation
    assert narrow.high - narrow.low < wide.high - wide.low
    saved = staff.post(reverse("pipeline:estimates_save", args=[world.ent_a.pk]),
                       {"ip_advancement": "A", "ip_core_support": "A", "rd_org_body": "6", "conversions": "12"})
    assert saved.status_code == 302
    row = HnteEstimate.objects.get(enterprise=world.ent_a, year=TODAY.year)
    assert (row.ip_advancement, row.rd_org_body, row.conversions, row.ip_obtained) == ("A", 6, 12, "")
    assert row.updated_by == world.staff and row.history.count() == 1
    # the next self-check — the firm's own contact's too — uses them and says whose they are
    for who in (world.staff, world.ent_user):
        page = login(who).get(url)
        assert page.context["a"].hnte.innovation == narrow
        assert 'data-testid="stored-estimate"' in page.content.decode() and "staff" in page.content.decode()
    # only bureau editors save; another district's firm is out of reach
    assert login(world.ent_user).post(reverse("pipeline:estimates_save", args=[world.ent_a.pk]),
                                      {"ip_advancement": "E"}).status_code == 403
    assert login(world.outsider).post(reverse("pipeline:estimates_save", args=[world.ent_a.pk]),
                                      {"ip_advancement": "E"}).status_code in (403, 404)
    assert HnteEstimate.objects.get(enterprise=world.ent_a, year=TODAY.year).ip_advancement == "A"
