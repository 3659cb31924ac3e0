"""研发经费填报: the services (pre-fill rule, amounts, calls, import), the pages as each kind of user, and the
district total against the city's target, in the indicator engine and in the work summary."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from keguan.core.errors import ImportRejected, ServiceError
from keguan.enterprises.models import EnterpriseYear, LabelKind
from keguan.enterprises.services import enterprise_create, label_add, year_figures_save
from keguan.exchange.engine import check_file, run_import
from keguan.exchange.kinds import Context
from keguan.exchange.models import ImportRun, RunStatus
from keguan.exchange.sheets import template_xlsx
from keguan.indicators import registry
from keguan.indicators.selectors import Engine, districts_of
from keguan.indicators.services import target_set
from keguan.rd import exchange as imp
from keguan.rd.models import CallOutcome, FirmSource, RdCall, RdFirm, RdRound
from keguan.rd.selectors import round_summary
from keguan.rd.services import (
    rd_amount_clear,
    rd_amount_record,
    rd_call_log,
    rd_firm_add,
    rd_firm_remove,
    rd_round_create,
)
from keguan.reports.builder import build_draft
from keguan.rules.periods import Period
from tests.conftest import DISTRICT_A, credit_code, workbook

TODAY = timezone.localdate()
FIGURES = {
    "employees": 100, "st_staff": 20, "sales_revenue": Decimal("30000000"), "total_cost": Decimal("25000000"),
    "rd_abroad": Decimal("0"), "total_assets": Decimal("40000000"), "net_assets": Decimal("20000000"),
    "hightech_income": Decimal("0"), "ip_class1": 0, "ip_class2": 0,
}


def above_size(*firms) -> None:
    for e in firms:
        label_add(enterprise=e, actor=None, kind=LabelKind.ABOVE_SIZE, level="none", year=2023)


@pytest.fixture
def rd(world):
    """A 2024 round for district A with its two firms (both 规上 with R&D in 2024); B's firm is 规上 too."""
    above_size(world.ent_a, world.ent_a2, world.ent_b)
    world.round_a = rd_round_create(actor=world.staff, district=world.a, year=2024, due_on=dt.date(2025, 3, 31),
                                    opened_on=dt.date(2025, 1, 10))
    world.firm_a = RdFirm.objects.get(round=world.round_a, enterprise=world.ent_a)
    world.firm_a2 = RdFirm.objects.get(round=world.round_a, enterprise=world.ent_a2)
    return world


# --- services ---------------------------------------------------------------------------------------------


def test_round_is_prefilled_with_above_size_firms_with_rd_activity(world):
    a = world.a
    no_rd = enterprise_create(actor=None, name="青秀无研发制造有限公司", credit_code=credit_code(DISTRICT_A, 31), district=a)
    year_figures_save(enterprise=no_rd, actor=None, year=2024, rd_domestic=Decimal("0"), **FIGURES)
    old_rd = enterprise_create(actor=None, name="青秀早年研发有限公司", credit_code=credit_code(DISTRICT_A, 32), district=a)
    year_figures_save(enterprise=old_rd, actor=None, year=2022, rd_domestic=Decimal("90000"), **FIGURES)
    abroad = enterprise_create(actor=None, name="青秀境外研发有限公司", credit_code=credit_code(DISTRICT_A, 33), district=a)
    year_figures_save(enterprise=abroad, actor=None, year=2023, rd_domestic=Decimal("0"),
                      **{**FIGURES, "rd_abroad": Decimal("50000")})
    above_size(world.ent_a, no_rd, old_rd, abroad, world.ent_b)  # ent_a2 has R&D but is not 规上
    label_add(enterprise=world.ent_a2, actor=None, kind=LabelKind.SRDI, level="provincial", year=2023)

    r2024 = rd_round_create(actor=world.staff, district=a, year=2024)
    assert {f.enterprise for f in r2024.firms.all()} == {world.ent_a, abroad}  # R&D in 2024, or abroad in 2023
    assert r2024.title == "2024年度研发经费填报" and r2024.created_by == world.staff
    assert all(f.source == FirmSource.RULE and f.amount is None for f in r2024.firms.all())
    assert RdFirm.history.filter(round_id=r2024.pk).count() == 2  # the pre-filled lines have their history
    r2025 = rd_round_create(actor=world.staff, district=a, year=2025)  # R&D of the year before counts
    assert {f.enterprise for f in r2025.firms.all()} == {world.ent_a}
    r2026 = rd_round_create(actor=world.staff, district=a, year=2026) if TODAY.year >= 2026 else None
    if r2026 is not None:
        assert not r2026.firms.exists()  # 2024 is two years back
    # the enterprises' yearly figures are never touched
    assert EnterpriseYear.objects.get(enterprise=world.ent_a, year=2024).rd_domestic == Decimal("1500000")


def test_round_rules(rd):
    w = rd
    with pytest.raises(ServiceError) as err:
        rd_round_create(actor=w.staff, district=w.a, year=2024)
    assert err.value.field == "year" and "已经建立" in err.value.message
    with pytest.raises(ServiceError) as err:
        rd_round_create(actor=w.staff, district=w.a_town, year=2023)
    assert err.value.field == "district"
    with pytest.raises(ServiceError) as err:
        rd_round_create(actor=w.staff, district=w.a, year=TODAY.year + 1)
    assert err.value.field == "year"
    with pytest.raises(ServiceError) as err:
        rd_round_create(actor=w.staff, district=w.a, year=2023, opened_on=dt.date(2024, 3, 1), due_on=dt.date(2024, 2, 1))
    assert err.value.field == "due_on"


def test_amounts_are_recorded_in_yuan_and_negative_ones_refused(rd):
    w, firm = rd, rd.firm_a
    for bad, field, words in (
        (Decimal("-1"), "amount", "不能为负数"),
        ("abc", "amount", "不是有效的数字"),
        (None, "amount", "请填写"),
    ):
        with pytest.raises(ServiceError) as err:
            rd_amount_record(firm=firm, actor=w.staff, amount=bad, reported_on=dt.date(2025, 3, 1))
        assert err.value.field == field and words in err.value.message
    with pytest.raises(ServiceError) as err:
        rd_amount_record(firm=firm, actor=w.staff, amount=1, reported_on=TODAY + dt.timedelta(days=1))
    assert err.value.field == "reported_on"
    with pytest.raises(ServiceError) as err:
        rd_amount_record(firm=firm, actor=w.staff, amount=1, reported_on=dt.date(2023, 12, 31))
    assert err.value.field == "reported_on" and "2024年1月1日" in err.value.message
    firm.refresh_from_db()
    assert firm.amount is None

    rd_amount_record(firm=firm, actor=w.staff, amount=Decimal("1500000.005"), reported_on=dt.date(2025, 3, 1), note="联网直报")
    firm.refresh_from_db()
    assert firm.amount == Decimal("1500000.01") and firm.recorded_by == w.staff and firm.note == "联网直报"
    assert firm.history.first().history_user == w.staff
    assert firm.history.first().history_change_reason == "登记填报金额"
    rd_amount_record(firm=firm, actor=w.leader, amount=0, reported_on=dt.date(2025, 3, 2))
    firm.refresh_from_db()
    assert firm.amount == 0 and firm.reported  # zero is a report (no R&D spending), not a missing one
    with pytest.raises(ServiceError):
        rd_firm_remove(firm=firm, actor=w.staff)  # a firm that reported keeps its place
    rd_amount_clear(firm=firm, actor=w.staff)
    firm.refresh_from_db()
    assert firm.amount is None and firm.reported_on is None


def test_firms_are_added_and_removed_by_hand(rd):
    w = rd
    with pytest.raises(ServiceError) as err:
        rd_firm_add(rd_round=w.round_a, actor=w.staff, enterprise=w.ent_b)
    assert err.value.field == "enterprise" and "不属于青秀区" in err.value.message
    with pytest.raises(ServiceError) as err:
        rd_firm_add(rd_round=w.round_a, actor=w.staff, enterprise=w.ent_a)
    assert "已在填报名单中" in err.value.message
    extra = enterprise_create(actor=None, name="青秀新增规上有限公司", credit_code=credit_code(DISTRICT_A, 41), district=w.a)
    firm = rd_firm_add(rd_round=w.round_a, actor=w.staff, enterprise=extra, note="统计局名单")
    assert firm.source == FirmSource.MANUAL
    rd_call_log(firm=firm, actor=w.staff, called_on=TODAY, outcome=CallOutcome.NO_RD)
    pk = firm.pk
    rd_firm_remove(firm=firm, actor=w.staff)
    assert not RdFirm.objects.filter(pk=pk).exists() and not RdCall.objects.filter(firm_id=pk).exists()
    assert RdFirm.history.filter(id=pk, history_type="-").get().history_user == w.staff


def test_calls_are_logged(rd):
    w, firm = rd, rd.firm_a2
    with pytest.raises(ServiceError) as err:
        rd_call_log(firm=firm, actor=w.staff, called_on=TODAY + dt.timedelta(days=1), outcome=CallOutcome.OTHER)
    assert err.value.field == "called_on"
    with pytest.raises(ServiceError) as err:
        rd_call_log(firm=firm, actor=w.staff, called_on=TODAY, outcome="")
    assert err.value.field == "outcome"
    with pytest.raises(ServiceError) as err:
        rd_call_log(firm=firm, actor=w.staff, called_on=dt.date(2025, 3, 1), outcome=CallOutcome.PROMISED,
                    promised_on=dt.date(2025, 2, 1))
    assert err.value.field == "promised_on"
    call = rd_call_log(firm=firm, actor=w.staff, called_on=dt.date(2025, 2, 1), outcome=CallOutcome.PROMISED,
                       contact="财务李经理", note="承诺月底前填报")
    assert call.promised_on == dt.date(2025, 3, 31)  # no date given: the round's due date
    other = rd_call_log(firm=firm, actor=w.staff, called_on=dt.date(2025, 2, 2), outcome=CallOutcome.UNREACHABLE,
                        promised_on=dt.date(2025, 3, 1))
    assert other.promised_on is None and other.called_by == w.staff


# --- import -----------------------------------------------------------------------------------------------


def book(rows, headers=(imp.C_NAME, imp.C_CODE, imp.C_WAN, imp.C_DATE)) -> bytes:
    return workbook(rows, headers)


def ctx_for(w, user=None) -> Context:
    """An import into round A (the ``round`` parameter, as the page and ``--param round=`` give it)."""
    return Context(user=user or w.staff, region=w.a, params={"round": str(w.round_a.pk)})


def amounts_import(w, data: bytes, filename: str = "填报.xlsx"):
    return run_import(imp.RD_AMOUNTS, data, filename, ctx_for(w))


def test_import_stores_amounts_given_in_wan_or_yuan(rd):
    w = rd
    data = book([
        ["青秀测试科技有限公司", w.ent_a.credit_code, 150.5, dt.date(2025, 3, 10)],
        ["青秀第二材料有限公司", w.ent_a2.credit_code, None, None],  # blank: left as it is
    ])
    result = amounts_import(w, data)
    assert (result.added, result.updated, result.unchanged, result.skipped) == (1, 0, 0, 1)
    w.firm_a.refresh_from_db()
    assert w.firm_a.amount == Decimal("1505000.00") and w.firm_a.reported_on == dt.date(2025, 3, 10)
    assert w.firm_a.history.first().history_user == w.staff
    # the same in yuan, from a CSV (GBK, as Excel in Chinese saves it), with a date written the Chinese way
    out = io.StringIO()
    csv.writer(out).writerows([[imp.C_CODE, imp.C_YUAN, imp.C_DATE], [w.ent_a2.credit_code, "88,000", "2025年3月1日"]])
    result = amounts_import(w, out.getvalue().encode("gb18030"), "a.csv")
    assert result.added == 1
    w.firm_a2.refresh_from_db()
    assert w.firm_a2.amount == Decimal("88000.00") and w.firm_a2.reported_on == dt.date(2025, 3, 1)
    # a corrected amount is an update; an empty date keeps the stored one when the amount is the same
    result = amounts_import(w, book([["", w.ent_a.credit_code, "150.6", None], ["", w.ent_a2.credit_code, 8.8, None]]))
    assert (result.added, result.updated, result.unchanged) == (0, 1, 1)
    w.firm_a.refresh_from_db()
    w.firm_a2.refresh_from_db()
    assert w.firm_a.amount == Decimal("1506000.00") and w.firm_a.reported_on == TODAY
    assert w.firm_a2.reported_on == dt.date(2025, 3, 1)
    # the round's own export goes back in unchanged
    export = login_get(w, w.staff, reverse("rd:round_export", kwargs={"pk": w.round_a.pk}))
    result = amounts_import(w, export, "导出.xlsx")
    assert (result.added, result.updated, result.unchanged) == (0, 0, 2)
    # so does the template, which lists the round's firms with what they reported
    template = template_xlsx(imp.RD_AMOUNTS, ctx_for(w))
    rows = list(openpyxl.load_workbook(io.BytesIO(template)).active.iter_rows(values_only=True))
    assert rows[0][:4] == (imp.C_NAME, imp.C_CODE, imp.C_WAN, imp.C_DATE)
    assert {r[1] for r in rows[2:]} == {w.ent_a.credit_code, w.ent_a2.credit_code}
    assert amounts_import(w, template, "模板.xlsx").unchanged == 2


def login_get(world, user, url) -> bytes:
    from django.test import Client

    c = Client()
    c.force_login(user)
    response = c.get(url)
    assert response.status_code == 200
    return response.content


def test_import_is_all_or_nothing_with_row_and_column(rd):
    w = rd
    data = book([
        ["好的一行", w.ent_a.credit_code, 100, "2025-03-01"],
        ["坏代码", "914403001922038217", 5, ""],
        ["名单外", w.ent_b.credit_code, 5, ""],
        ["负数", w.ent_a2.credit_code, -3, "2025-13-01"],
        ["重复", w.ent_a.credit_code, "一百万", TODAY + dt.timedelta(days=3)],
        ["太早", w.ent_a2.credit_code, None, "2023-12-31"],  # (and a second row of 负数's firm)
    ])
    with pytest.raises(ImportRejected) as err:
        amounts_import(w, data)
    errors = err.value.errors
    cells = {(row, col) for row, col, _ in errors}
    assert cells == {(3, imp.C_CODE), (4, imp.C_CODE), (5, imp.C_WAN), (5, imp.C_DATE),
                     (6, imp.C_CODE), (6, imp.C_WAN), (6, imp.C_DATE), (7, imp.C_CODE), (7, imp.C_DATE)}
    text = {(row, col): message for row, col, message in errors}
    assert "不在本轮填报名单中" in text[(4, imp.C_CODE)] and w.ent_b.name not in text[(4, imp.C_CODE)]
    assert "填报金额不能为负数" in text[(5, imp.C_WAN)]
    assert "与第2行" in text[(6, imp.C_CODE)] and "不是有效的金额" in text[(6, imp.C_WAN)]
    assert "晚于今天" in text[(6, imp.C_DATE)] and "不能早于2024年1月1日" in text[(7, imp.C_DATE)]
    assert [e[0] for e in errors] == sorted(e[0] for e in errors)
    assert not RdFirm.objects.filter(round=w.round_a, amount__isnull=False).exists()  # not even the good row


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"just some text, not a workbook", "填报.xlsx", "不是有效的 Excel 文件"),
        (b"%PDF-1.4 ...", "填报.pdf", "只支持"),
        (b"", "填报.xlsx", "空的"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(rd, data, name, words):
    checked = check_file(imp.RD_AMOUNTS, data, name, ctx_for(rd))
    assert words in checked.errors[0][2] and not checked.plans


def test_import_headers(rd):
    w = rd
    for headers, cell, words in (
        ((imp.C_CODE, imp.C_WAN, imp.C_YUAN), (2, imp.C_YUAN), "只能保留一列"),
        ((imp.C_CODE, "金额"), (2, imp.C_WAN), "缺少列：填报金额（万元）"),
        ((imp.C_NAME, imp.C_WAN), (1, "表头"), "缺少必填列：统一社会信用代码"),
    ):
        data = book([[w.ent_a.credit_code, 1, 2][: len(headers)]], headers=headers)
        checked = check_file(imp.RD_AMOUNTS, data, "x.xlsx", ctx_for(w))
        assert checked.errors[0][:2] == cell and words in checked.errors[0][2], headers
    # both amount columns in one file: each row in the unit of the one it fills
    data = book([[w.ent_a.credit_code, 1, None], [w.ent_a2.credit_code, None, 2]], headers=(imp.C_CODE, imp.C_WAN, imp.C_YUAN))
    assert amounts_import(w, data).added == 2
    assert sorted(RdFirm.objects.filter(round=w.round_a).values_list("amount", flat=True)) == [2, 10000]
    # a file without an amount column says so once
    data = book([[w.ent_a.credit_code, 1], [w.ent_a2.credit_code, 2]], headers=(imp.C_CODE, "金额"))
    assert len(check_file(imp.RD_AMOUNTS, data, "x.xlsx", ctx_for(w)).errors) == 1


def test_import_page_shows_every_problem(rd, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = login(rd.staff)
    url = reverse("exchange:kind", args=["rd_amounts"])
    page = c.get(url, {"round": rd.round_a.pk})
    assert page.status_code == 200 and rd.round_a.title in page.content.decode()
    assert f'href="{reverse("rd:round", kwargs={"pk": rd.round_a.pk})}"' in page.content.decode()  # 返回研发经费填报
    upload = SimpleUploadedFile("填报.xlsx", book([["x", rd.ent_a.credit_code, -1, ""]]))
    response = c.post(url, {"file": upload, "round": rd.round_a.pk})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.params == {"round": str(rd.round_a.pk)}
    html = c.get(response["Location"]).content.decode()
    assert "未导入任何数据" in html and "第2行" in html and "填报金额不能为负数" in html
    upload = SimpleUploadedFile("填报.xlsx", book([["x", rd.ent_a.credit_code, 12, ""]]))
    response = c.post(url, {"file": upload, "round": rd.round_a.pk})
    run = ImportRun.objects.order_by("-pk").first()
    assert run.status == RunStatus.READY and (run.added, run.updated, run.unchanged) == (1, 0, 0)
    c.post(reverse("exchange:confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    rd.firm_a.refresh_from_db()
    assert rd.firm_a.amount == Decimal("120000.00") and rd.firm_a.reported_on == TODAY
    # a round of another district is not a choice
    round_b = rd_round_create(actor=rd.outsider, district=rd.b, year=2024)
    assert c.get(url, {"round": round_b.pk}).status_code == 404


def test_rd_template_round_trip(rd, login):
    """The round's template (its firms), filled in, imports; the export imports again as all unchanged."""
    w = rd
    c = login(w.staff)
    query = {"round": w.round_a.pk}
    response = c.get(reverse("exchange:template", args=["rd_amounts"]), query)
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    assert [cell.value for cell in ws[1]][:5] == [imp.C_NAME, imp.C_CODE, imp.C_WAN, imp.C_DATE, imp.C_NOTE]
    codes = {ws.cell(row=r, column=2).value: r for r in range(3, ws.max_row + 1)}
    assert set(codes) == {w.ent_a.credit_code, w.ent_a2.credit_code}
    ws.cell(row=codes[w.ent_a.credit_code], column=3, value=123.45)
    ws.cell(row=codes[w.ent_a.credit_code], column=4, value=dt.date(2025, 2, 1))
    ws.cell(row=codes[w.ent_a.credit_code], column=5, value="电话确认")
    ws.cell(row=codes[w.ent_a2.credit_code], column=3, value="0.01")
    buf = io.BytesIO()
    wb.save(buf)
    from django.core.files.uploadedfile import SimpleUploadedFile

    c.post(reverse("exchange:kind", args=["rd_amounts"]), {"file": SimpleUploadedFile("模板.xlsx", buf.getvalue()),
                                                             **query})
    run = ImportRun.objects.get()
    assert run.status == RunStatus.READY and (run.added, run.updated, run.unchanged) == (2, 0, 0), run.errors
    c.post(reverse("exchange:confirm", args=[run.pk]))
    w.firm_a.refresh_from_db()
    w.firm_a2.refresh_from_db()
    assert (w.firm_a.amount, w.firm_a.reported_on, w.firm_a.note) == (Decimal("1234500.00"), dt.date(2025, 2, 1), "电话确认")
    assert (w.firm_a2.amount, w.firm_a2.reported_on) == (Decimal("100.00"), TODAY)
    exported = c.get(reverse("exchange:export", args=["rd_amounts"]), query)  # (the district user's own region)
    assert exported.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(exported.content)).worksheets[0].iter_rows(values_only=True))
    assert {r[1]: r[2] for r in rows[1:]} == {w.ent_a.credit_code: 123.45, w.ent_a2.credit_code: 0.01}
    c.post(reverse("exchange:kind", args=["rd_amounts"]), {"file": SimpleUploadedFile("导出.xlsx", exported.content),
                                                             **query})
    run = ImportRun.objects.order_by("-pk").first()
    assert run.status == RunStatus.READY and (run.added, run.updated, run.unchanged) == (0, 0, 2)


def test_the_round_page_links_to_the_import_pages(rd, login):
    html = login(rd.staff).get(reverse("rd:round", kwargs={"pk": rd.round_a.pk})).content.decode()
    query = f"?region={rd.a.code}&amp;round={rd.round_a.pk}"
    assert f'href="{reverse("exchange:kind", args=["rd_amounts"])}{query}"' in html and "导入填报金额" in html
    assert f'href="{reverse("exchange:template", args=["rd_amounts"])}{query}"' in html
    assert reverse("exchange:kind", args=["rd_amounts"]) in login(rd.staff).get(
        reverse("exchange:history")).content.decode()


def test_the_command_line_imports_into_the_round(rd, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "填报.xlsx"
    path.write_bytes(book([["", rd.ent_a.credit_code, 7, "2025-03-01"]]))
    call_command("import", "rd_amounts", str(path), region=rd.a.code, param=[f"round={rd.round_a.pk}"],
                 stdout=io.StringIO())
    rd.firm_a.refresh_from_db()
    assert rd.firm_a.amount == Decimal("70000.00") and rd.firm_a.history.first().history_change_reason


# --- pages ------------------------------------------------------------------------------------------------


def test_district_staff_runs_a_round_from_the_pages(world, login):
    above_size(world.ent_a, world.ent_a2)
    c = login(world.staff)
    html = c.get(reverse("rd:list")).content.decode()
    assert "还没有建立研发经费填报" in html and reverse("rd:create") in html
    assert "研发经费填报" in c.get("/").content.decode()  # the menu entry
    response = c.post(reverse("rd:create"), {"year": 2024, "title": "", "opened_on": "2025-01-10", "due_on": "2025-03-31", "note": ""})
    rd_round = RdRound.objects.get(district=world.a, year=2024)
    assert response.status_code == 302 and response["Location"] == reverse("rd:round", kwargs={"pk": rd_round.pk})
    # the same year again: an inline error on the form
    html = c.post(reverse("rd:create"), {"year": 2024, "opened_on": "2025-01-10"}).content.decode()
    assert "已经建立" in html and "is-invalid" in html
    page = c.get(reverse("rd:round", kwargs={"pk": rd_round.pk}))
    html = page.content.decode()
    assert page.context["summary"].firms == 2 and page.context["summary"].reported == 0
    assert world.ent_a.name in html and world.ent_a2.name in html and "市局尚未设定2024年研发经费目标" in html

    firm = RdFirm.objects.get(round=rd_round, enterprise=world.ent_a)
    url = reverse("rd:firm_report", kwargs={"pk": firm.pk})
    # inline (htmx): the row becomes a form, a negative amount is refused in place, a good one comes back as the row
    row_form = c.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'name="amount_wan"' in row_form and "<tr" in row_form and "<html" not in row_form
    bad = c.post(url, {"amount_wan": "-5", "reported_on": "2025-03-01", "note": ""}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 200 and "填报金额不能为负数" in bad.content.decode()
    huge = c.post(url, {"amount_wan": "10000000000", "reported_on": "2025-03-01", "note": ""}, HTTP_HX_REQUEST="true")
    assert huge.status_code == 200 and "填报金额不能超过 9,999,999,999.999999 万元" in huge.content.decode()
    good = c.post(url, {"amount_wan": "150", "reported_on": "2025-03-01", "note": ""}, HTTP_HX_REQUEST="true")
    assert good.status_code == 200 and good["HX-Trigger"] == "rd-changed"
    assert "1,500,000" not in good.content.decode() and "150.00" in good.content.decode() and "已填报" in good.content.decode()
    firm.refresh_from_db()
    assert firm.amount == Decimal("1500000.00")
    cards = c.get(reverse("rd:round", kwargs={"pk": rd_round.pk}) + "?part=cards", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="rd-total">150.00<' in cards and "<html" not in cards

    # filters: status, township, keyword
    missing = c.get(reverse("rd:round", kwargs={"pk": rd_round.pk}), {"status": "missing"}).context["page"]
    assert [f.enterprise for f in missing.object_list] == [world.ent_a2]
    town = c.get(reverse("rd:round", kwargs={"pk": rd_round.pk}), {"township": world.a_town.pk}).context["page"]
    assert [f.enterprise for f in town.object_list] == [world.ent_a]
    found = c.get(reverse("rd:round", kwargs={"pk": rd_round.pk}), {"q": "第二材料"}).context["page"]
    assert [f.enterprise for f in found.object_list] == [world.ent_a2]
    foreign_town = c.get(reverse("rd:round", kwargs={"pk": rd_round.pk}), {"township": world.b_town.pk}).context["page"]
    assert not foreign_town.object_list  # a township of another district shows nothing, never everything

    # the firm page: a call with its inline error, then logged
    firm2 = RdFirm.objects.get(round=rd_round, enterprise=world.ent_a2)
    call_url = reverse("rd:firm_call", kwargs={"pk": firm2.pk})
    html = c.post(call_url, {"called_on": "2025-02-01", "contact": "", "outcome": "", "note": ""}).content.decode()
    assert "跟进结果" in html and "is-invalid" in html
    response = c.post(call_url, {"called_on": "2025-02-01", "contact": "财务王经理", "outcome": "promised", "note": "承诺月底前填报"})
    assert response.status_code == 302
    html = c.get(reverse("rd:firm", kwargs={"pk": firm2.pk})).content.decode()
    assert "财务王经理" in html and "承诺按期填报" in html and "承诺 2025-03-31 前填报" in html
    assert "企业年度数据中的研发费用" in html and "150.00" in html  # the accounting figure, for reference
    row = c.get(reverse("rd:round", kwargs={"pk": rd_round.pk})).content.decode()
    assert "承诺按期填报" in row  # last call in the table

    # the export: the table's rows with their amounts in 万元
    response = c.get(reverse("rd:round_export", kwargs={"pk": rd_round.pk}), {"status": "reported"})
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == world.ent_a.name and rows[1][4] == 150 and rows[1][3] == "已填报" and len(rows) == 2
    assert "已填报 1 家" in "".join(str(r[0]) for r in wb["说明"].iter_rows(values_only=True))

    # add a firm by credit code, take it off again
    extra = enterprise_create(actor=None, name="青秀补报科技有限公司", credit_code=credit_code(DISTRICT_A, 51), district=world.a)
    response = c.post(reverse("rd:firm_add", kwargs={"pk": rd_round.pk}), {"enterprise": extra.credit_code, "note": ""})
    added = RdFirm.objects.get(round=rd_round, enterprise=extra)
    assert response["Location"] == reverse("rd:firm", kwargs={"pk": added.pk})
    response = c.post(reverse("rd:firm_add", kwargs={"pk": rd_round.pk}), {"enterprise": world.ent_b.credit_code, "note": ""}, follow=True)
    assert "企业库中没有" in response.content.decode() and world.ent_b.name not in response.content.decode()
    c.post(reverse("rd:firm_remove", kwargs={"pk": added.pk}))
    assert not RdFirm.objects.filter(pk=added.pk).exists()


def test_city_staff_reads_every_district_and_writes_nothing(rd, login):
    w = rd
    round_b = rd_round_create(actor=w.outsider, district=w.b, year=2024)
    c = login(w.city_user)
    html = c.get(reverse("rd:list")).content.decode()
    assert "青秀区" in html and "江南区" in html and reverse("rd:create") not in html
    assert c.get(reverse("rd:list"), {"district": w.b.pk}).context["rounds"] == [round_b]
    for bogus in ({"year": "abc"}, {"year": "99999999999999999999"}, {"district": "-5"}):
        response = c.get(reverse("rd:list"), bogus)
        assert response.status_code == 200 and response.context["rounds"] == [], bogus
    page = c.get(reverse("rd:round", kwargs={"pk": w.round_a.pk}))
    assert page.status_code == 200 and "导入填报金额" not in page.content.decode()
    assert c.get(reverse("rd:firm", kwargs={"pk": w.firm_a.pk})).status_code == 200
    assert c.get(reverse("rd:round_export", kwargs={"pk": round_b.pk})).status_code == 200
    url = reverse("rd:firm_report", kwargs={"pk": w.firm_a.pk})
    assert c.post(url, {"amount_wan": "1", "reported_on": "2025-03-01"}).status_code == 403
    assert c.get(reverse("rd:create")).status_code == 403
    assert c.post(reverse("rd:firm_call", kwargs={"pk": w.firm_a.pk}), {}).status_code == 403
    w.firm_a.refresh_from_db()
    assert w.firm_a.amount is None


def test_others_are_refused(rd, login):
    w = rd
    for user in (w.town, w.expert, w.ent_user):
        c = login(user)
        for url in (reverse("rd:list"), reverse("rd:round", kwargs={"pk": w.round_a.pk}),
                    reverse("rd:firm", kwargs={"pk": w.firm_a.pk})):
            assert c.get(url).status_code == 403, (user, url)
        assert "研发经费填报" not in c.get(reverse("regions:tree")).content.decode()  # no menu entry
    c = login(w.outsider)  # staff of the sibling district: the round does not exist for them
    assert c.get(reverse("rd:round", kwargs={"pk": w.round_a.pk})).status_code == 404
    assert c.post(reverse("rd:firm_report", kwargs={"pk": w.firm_a.pk}), {"amount_wan": "1", "reported_on": "2025-03-01"}).status_code == 404
    assert w.round_a.title not in c.get(reverse("rd:list")).content.decode()


# --- the total against the target ---------------------------------------------------------------------------


def test_total_against_the_target_on_the_page_in_the_engine_and_in_the_summary(rd, login):
    from tests.test_report_figures import check_figures

    w = rd
    rd_amount_record(firm=w.firm_a, actor=w.staff, amount=Decimal("1500000"), reported_on=dt.date(2025, 3, 1))
    rd_amount_record(firm=w.firm_a2, actor=w.staff, amount=Decimal("750000"), reported_on=dt.date(2025, 3, 2))
    summary = round_summary(w.round_a)
    assert (summary.firms, summary.reported, summary.missing, summary.total_wan) == (2, 2, 0, Decimal(225))
    assert summary.target is None and summary.completion is None
    target_set(actor=w.city_user, indicator="rd_reported", district=w.a, year=2024, value="300")
    summary = round_summary(w.round_a)
    assert summary.target == 300 and summary.completion == Decimal("0.75")
    html = login(w.staff).get(reverse("rd:round", kwargs={"pk": w.round_a.pk})).content.decode()
    assert 'data-testid="rd-total">225.00<' in html and 'data-testid="rd-completion">75.0%<' in html
    assert "目标 300.00 万元" in html

    engine = Engine(districts_of(w.city))
    year = Period.parse("2024")
    assert engine.value(registry.get("rd_reported"), w.a, year) == Decimal(225)
    assert engine.value(registry.get("rd_reported"), w.b, year) == 0
    assert engine.value(registry.get("rd_reported"), w.city, year) == Decimal(225)
    assert engine.value(registry.get("rd_report_rate"), w.a, year) == Decimal(100)
    assert engine.value(registry.get("rd_round_firms"), w.a, Period.parse("2023")) is None  # no round that year
    assert engine.value(registry.get("rd_reported"), w.a, Period.parse("2024H1")) is None  # whole years only

    # the round of fiscal year 2024 is done in 2025: the summaries of 2025 (half-year and year) state it
    for period in (Period.parse("2025H1"), Period.parse("2025")):
        draft = build_draft(w.a, period)
        text = draft.plain_text()
        assert "强化研发投入引导，推动研发经费填报扩面增量\n" in text, text
        assert ("研发经费填报实现应报尽报。2024年度研发经费填报中，全区应填报规上企业2家，已完成填报2家，填报率100.0%；"
                "规上企业填报研发经费225万元，完成市定目标的75.0%，全市排名第一。") in text, text
        assert "研发经费填报额未完成年度目标。2024年研发经费填报额225万元，完成市定目标的75.0%。" in text
        check_figures(draft, w.a, period)
    for period in ("2024H1", "2024"):
        assert build_draft(w.a, Period.parse(period)).plain_text().count("研发经费填报") == 0


# --- demo -------------------------------------------------------------------------------------------------


def test_demo_rounds(db):
    from keguan.demo.generator import generate_demo

    today = dt.date(2026, 5, 1)
    result = generate_demo(seed=7, enterprises=400, with_users=False, today=today)
    districts = [d for d, _ in result.districts]
    rounds = RdRound.objects.filter(district__in=districts, year=2025)
    assert rounds.count() == len(districts)
    firms = RdFirm.objects.filter(round__in=rounds)
    n, reported = firms.count(), firms.filter(amount__isnull=False).count()
    assert n > 0 and 0.7 * n < reported < n
    assert RdCall.objects.filter(firm__round__in=rounds).exists()
    assert all(f.reported_on <= today for f in firms.filter(amount__isnull=False))
    from keguan.indicators.models import Target

    assert Target.objects.filter(indicator="rd_reported", year=2025, region__in=districts).exists()


def test_demo_reload_after_the_generator_removed_the_firms(world):
    """A reload first removes the city's firms and accounts without signals (``_wipe_city``), then makes the
    rounds again: the old lines must go too, or the foreign keys fail when the transaction commits."""
    from keguan.enterprises.models import Enterprise, EnterpriseLabel, StageChange
    from keguan.rd.demo import make_rd_demo

    above_size(world.ent_a, world.ent_a2)
    make_rd_demo(districts=[world.a], today=dt.date(2025, 5, 1), seed=1)
    assert RdFirm.objects.filter(round__year=2024).count() == 2
    gone = world.ent_a2.pk
    for model in (StageChange, EnterpriseLabel, EnterpriseYear):
        model.objects.filter(enterprise_id=gone)._raw_delete("default")
    Enterprise.objects.filter(pk=gone)._raw_delete("default")
    make_rd_demo(districts=[world.a], today=dt.date(2025, 5, 1), seed=1)
    assert RdFirm.objects.filter(round__year=2024).count() == 1
    assert RdRound.objects.filter(district=world.a, year=2024).count() == 1
    tables = [m._meta.db_table for m in (RdRound, RdFirm, RdCall)]
    connection.check_constraints(table_names=tables)
