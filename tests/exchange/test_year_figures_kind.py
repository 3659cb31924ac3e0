"""企业年度数据 through the import engine: money in 万元 stored in 元, a new year needs the form's figures, a stored
year keeps what a row leaves blank, the form's checks name the column, a unit slip is a note to check (the row
is still imported), another district's firm is refused, and the export imports back unchanged."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl

from keguan.enterprises.exchange_years import C_CODE, C_NAME, C_YEAR, HEADERS, YEAR_FIGURES
from keguan.enterprises.models import EnterpriseYear
from keguan.exchange.engine import check_file, run_import
from keguan.exchange.kinds import Context
from keguan.exchange.registry import get_kind
from keguan.exchange.sheets import export_xlsx

H = HEADERS


def book(rows, headers) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


NEW_YEAR = {H["employees"]: 80, H["st_staff"]: 20, H["sales_revenue"]: 3200, H["total_income"]: "3300",
            H["total_cost"]: 2500, H["rd_domestic"]: "150.5", H["total_assets"]: 4000, H["net_assets"]: -20}
HEAD = [C_NAME, C_CODE, C_YEAR, *HEADERS.values()]


def test_registered_for_the_engine():
    assert get_kind("enterprise_years") is YEAR_FIGURES


def test_new_year_update_and_notes(world):
    ctx = Context(user=world.staff, region=world.a)
    rows = [
        {C_CODE: world.ent_a.credit_code, C_YEAR: 2023, **NEW_YEAR},
        # a stored year: only 科技人员 and 总收入 change; the rest stays as stored
        {C_CODE: world.ent_a2.credit_code, C_YEAR: 2024, H["st_staff"]: 25, H["total_income"]: "3100万元"},
        # 60 staff and 0.5 万元 of sales: a note, not an error
        {C_CODE: world.ent_a2.credit_code, C_YEAR: 2023, **NEW_YEAR, H["employees"]: 60, H["sales_revenue"]: "0.5",
         H["total_income"]: None, H["hightech_income"]: 0},
    ]
    checked = run_import(YEAR_FIGURES, book(rows, HEAD), "年度数据.xlsx", ctx)
    assert (checked.added, checked.updated) == (2, 1)
    assert [(w[0], w[1]) for w in checked.warnings] == [(4, H["sales_revenue"]), (4, H["rd_domestic"])]
    new = EnterpriseYear.objects.get(enterprise=world.ent_a, year=2023)
    assert new.sales_revenue == Decimal("32000000.00") and new.total_income == Decimal("33000000.00")
    assert new.rd_domestic == Decimal("1505000.00") and new.net_assets == Decimal("-200000.00")
    assert new.rd_abroad == 0 and new.history.first().history_user == world.staff
    updated = EnterpriseYear.objects.get(enterprise=world.ent_a2, year=2024)
    assert (updated.st_staff, updated.employees, updated.total_income) == (25, 100, Decimal("31000000.00"))


def test_errors_name_the_row_and_column_and_nothing_is_written(world):
    ctx = Context(user=world.staff, region=world.a)
    rows = [
        {C_CODE: world.ent_a.credit_code, C_YEAR: 2023, **NEW_YEAR, H["st_staff"]: 90},  # more than employees
        {C_CODE: world.ent_a.credit_code, C_YEAR: 2022, H["employees"]: 10},  # a new year without its figures
        {C_CODE: world.ent_b.credit_code, C_YEAR: 2023, **NEW_YEAR},  # another district's firm
        {C_CODE: world.ent_a2.credit_code, C_YEAR: 2023, **NEW_YEAR, H["sales_revenue"]: "很多"},
    ]
    checked = check_file(YEAR_FIGURES, book(rows, HEAD), "年度数据.xlsx", ctx)
    problems = {(r, c): m for r, c, m in checked.errors}
    assert "不能多于从业人员" in problems[(2, H["st_staff"])]
    assert problems[(3, H["sales_revenue"])] == "新年度（2022年）须填写"
    assert "不是青秀区已登记的企业" in problems[(4, C_CODE)]
    assert "不是金额" in problems[(5, H["sales_revenue"])]
    assert not EnterpriseYear.objects.filter(year__in=(2022, 2023)).exists()


def test_export_imports_back_unchanged(world):
    ctx = Context(user=world.staff, region=world.a)
    run_import(YEAR_FIGURES, book([{C_CODE: world.ent_a.credit_code, C_YEAR: 2023, **NEW_YEAR}], HEAD), "a.xlsx", ctx)
    exported = export_xlsx(YEAR_FIGURES, Context(user=world.staff, region=world.a))
    wb = openpyxl.load_workbook(io.BytesIO(exported))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    assert header[:3] == [C_NAME, C_CODE, C_YEAR] and H["total_income"] in header
    codes = {r[1] for r in ws.iter_rows(min_row=2, values_only=True) if r[1]}
    assert world.ent_b.credit_code not in codes  # another district's rows are not exported
    again = check_file(YEAR_FIGURES, exported, "export.xlsx", ctx)
    assert again.ok and again.added == 0 and again.updated == 0 and again.unchanged == 3
