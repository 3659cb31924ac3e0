"""The engine, tested once over a test kind (tests/exchange/kinds.py): reading, every kind of bad row,
all-or-nothing writes, re-import counts, templates, error files, oversized sheets."""

from __future__ import annotations

import datetime as dt
import io
import resource
import time
from decimal import Decimal

import openpyxl
import pytest

from keguan.core.errors import ImportRejected
from keguan.enterprises.models import Enterprise, EnterpriseYear
from keguan.exchange.engine import check_file, run_import
from keguan.exchange.kinds import Context
from keguan.exchange.sheets import ERROR_HEADER, errors_xlsx, export_xlsx, template_xlsx

from .conftest import code, xlsx
from .kinds import CODE, FIRMS, FOUNDED, NAME, PHONE, REFUSING, SALES, SIZE, STAFF, YEAR

HEAD = [NAME, CODE, FOUNDED, SIZE, PHONE, STAFF, SALES]


def good(n: int, **over) -> list:
    row = {NAME: f"测试企业{n}", CODE: code(n), FOUNDED: f"2020-03-0{n % 9 + 1}", SIZE: "小型",
           PHONE: f"1380000{n:04d}", STAFF: 10 + n, SALES: "12.5"}
    row.update(over)
    return [row[h] for h in HEAD]


@pytest.fixture
def ctx(world):
    return Context(user=None, region=world.a, today=dt.date(2025, 6, 30))


def test_a_clean_file_is_checked_then_written_in_one_go(world, ctx):
    data = xlsx([HEAD, good(1), good(2), good(3)])
    checked = check_file(FIRMS, data, "firms.xlsx", ctx)
    assert checked.ok and (checked.rows, checked.added, checked.updated, checked.unchanged) == (3, 3, 0, 0)
    assert not Enterprise.objects.filter(credit_code=code(1)).exists()  # a dry run writes nothing
    run_import(FIRMS, data, "firms.xlsx", Context(region=world.a))
    firm = Enterprise.objects.get(credit_code=code(2))
    assert firm.name == "测试企业2" and firm.size_class == "small" and firm.registered_on == dt.date(2020, 3, 3)
    year = EnterpriseYear.objects.get(enterprise=firm, year=YEAR)
    assert year.employees == 12 and year.sales_revenue == Decimal("125000.00")


def test_every_problem_is_reported_at_once_by_row_column_and_reason(world, ctx):
    data = xlsx([
        HEAD,
        good(1),
        good(2, **{STAFF: "很多"}),  # bad number → row 3
        good(3, **{FOUNDED: "2024-13-01"}),  # bad date → row 4
        good(4, **{SIZE: "巨型"}),  # bad choice → row 5
        good(5, **{NAME: None}),  # missing required → row 6
        good(6, **{NAME: "名" * 25}),  # too long → row 7
        good(7, **{CODE: code(1)}),  # duplicate key of row 2 → row 8
        good(8, **{CODE: code(8)[:17] + ("0" if code(8)[17] != "0" else "1")}),  # bad check character → row 9
        good(9, **{PHONE: "12345"}),  # bad phone → row 10
        good(10, **{SALES: "-3"}),  # negative amount → row 11
        good(11, **{SALES: "1.23456789"}),  # below a cent → row 12
        good(12, **{FOUNDED: "2030-01-01"}),  # after today → row 13
    ])
    checked = check_file(FIRMS, data, "firms.xlsx", ctx)
    found = {(row, column) for row, column, _ in checked.errors}
    assert found == {(3, STAFF), (4, FOUNDED), (5, SIZE), (6, NAME), (7, NAME), (8, CODE), (9, CODE), (10, PHONE),
                     (11, SALES), (12, SALES), (13, FOUNDED)}
    messages = {(row, column): message for row, column, message in checked.errors}
    assert "不是整数" in messages[(3, STAFF)]
    assert "不是有效日期" in messages[(4, FOUNDED)]
    assert "大型、中型、小型、微型" in messages[(5, SIZE)]
    assert messages[(6, NAME)] == "不能为空"
    assert "最多20字" in messages[(7, NAME)]
    assert "与第2行重复" in messages[(8, CODE)]
    assert "校验位" in messages[(9, CODE)]
    assert "不能为负数" in messages[(11, SALES)]
    assert "晚于今天" in messages[(13, FOUNDED)]
    assert checked.failed == 11 and checked.added == 1
    with pytest.raises(ImportRejected) as exc:
        run_import(FIRMS, data, "firms.xlsx", Context(region=world.a))
    assert len(exc.value.errors) == 11
    assert not Enterprise.objects.filter(credit_code=code(1)).exists()  # the clean row was not written either


def test_headers_in_any_order_by_alias_with_extra_columns_under_a_title_row(world, ctx):
    head = ["序号", SALES, "信用代码", NAME, "备注", "注册日期", STAFF]  # no 企业规模 / 联系电话 columns
    rows = [[1, 3, code(1), "甲公司", "x", dt.date(2019, 1, 2), 5], [2, None, code(2), "乙公司", "", "2019/2/3", None]]
    checked = check_file(FIRMS, xlsx([head, *rows], title="2025年测试企业名单"), "名单.xlsx", ctx)
    assert checked.ok, checked.errors
    assert checked.layout.header_row == 2 and checked.layout.ignored == ["序号", "备注"]
    assert [p.row for p in checked.plans] == [3, 4]
    assert checked.plans[0].data == {"name": "甲公司", "credit_code": code(1), "registered_on": dt.date(2019, 1, 2)}
    assert checked.plans[0].extra["figures"] == {"employees": 5, "sales_revenue": Decimal("30000.00")}


def test_a_file_of_another_layout_is_refused_naming_the_expected_headers(world, ctx):
    checked = check_file(FIRMS, xlsx([["姓名", "年龄"], ["张三", 30]]), "people.xlsx", ctx)
    assert checked.rows == 0 and len(checked.errors) == 1
    row, column, message = checked.errors[0]
    assert column == "表头" and "测试企业" in message and all(h in message for h in HEAD)
    # some of the headers but not the required ones
    checked = check_file(FIRMS, xlsx([[NAME, "年龄"], ["甲", 30]]), "p.xlsx", ctx)
    assert "缺少必填列：统一社会信用代码" in checked.errors[0][2]


@pytest.mark.parametrize(("data", "name", "expect"), [
    (b"", "a.xlsx", "空的"),
    (b"just some text, not a workbook", "a.xlsx", "不是有效的 Excel 文件"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "a.xlsx", "实际是旧版 Excel"),
    (b"PK\x03\x04 broken zip", "a.xlsx", "已损坏"),
    (b"PK\x03\x04 not a text", "a.csv", "不是 CSV"),
    (b"\xd0\xcf\x11\xe0 but short", "a.xls", "不是有效的 .xls"),
    (b"a,b", "a.pdf", "只支持"),
])
def test_files_that_are_not_what_they_claim_are_refused(world, ctx, data, name, expect):
    checked = check_file(FIRMS, data, name, ctx)
    assert len(checked.errors) == 1 and expect in checked.errors[0][2], checked.errors


def test_header_only_and_blank_files(world, ctx):
    assert "没有数据行" in check_file(FIRMS, xlsx([HEAD]), "a.xlsx", ctx).errors[0][2]
    assert "没有内容" in check_file(FIRMS, xlsx([]), "a.xlsx", ctx).errors[0][2]
    assert "没有数据行" in check_file(FIRMS, ",".join(HEAD).encode() + b"\n,,,\n", "a.csv", ctx).errors[0][2]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "utf-8-sig"])
def test_csv_in_gbk_or_utf8(world, ctx, encoding):
    text = ",".join(HEAD) + "\n" + ",".join(str(v) for v in good(1)) + "\n"
    checked = check_file(FIRMS, text.encode(encoding), "firms.csv", ctx)
    assert checked.ok and checked.plans[0].data["name"] == "测试企业1"


def test_the_template_has_notes_example_and_drop_downs_and_comes_back_as_nothing(world, ctx):
    content = template_xlsx(FIRMS, ctx)
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [c.value for c in ws[1]] == HEAD
    assert all(str(c.value).startswith("说明：") for c in ws[2])
    assert ws.cell(row=3, column=1).value == "（示例）某某公司"
    lists = {str(dv.sqref)[:1]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists == {"D": '"大型,中型,小型,微型"'}
    # the untouched template: notes row and example row skipped, so nothing to import
    assert "没有数据行" in check_file(FIRMS, content, "模板.xlsx", ctx).errors[0][2]
    # filled in below the example: rows numbered as Excel shows them
    wb = openpyxl.load_workbook(io.BytesIO(content))
    wb.active.append(good(1))
    buf = io.BytesIO()
    wb.save(buf)
    checked = check_file(FIRMS, buf.getvalue(), "模板.xlsx", ctx)
    assert checked.ok and [p.row for p in checked.plans] == [4]


def test_long_lists_go_to_a_hidden_sheet(world):
    from keguan.enterprises.exchange import ENTERPRISES

    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(ENTERPRISES, Context(region=world.a))))
    assert wb["选项"].sheet_state == "hidden"
    formulas = [dv.formula1 for dv in wb.active.data_validations.dataValidation]
    assert any(f.startswith("选项!$") or f.startswith("'选项'!$") for f in formulas)
    assert any("电子信息" in f for f in formulas)  # short lists stay inline


def test_error_file_has_the_failed_rows_in_the_same_layout_with_the_reason(world, ctx):
    data = xlsx([HEAD, good(1), good(2, **{STAFF: "很多", SIZE: "巨型"}), good(3)])
    checked = check_file(FIRMS, data, "firms.xlsx", ctx)
    ws = openpyxl.load_workbook(io.BytesIO(errors_xlsx(FIRMS, checked))).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == [*HEAD, ERROR_HEADER, "原行号"]
    assert len(rows) == 2 and rows[1][0] == "测试企业2" and rows[1][5] == "很多"
    assert "从业人员（人）：“很多”不是整数" in rows[1][7] and "企业规模" in rows[1][7] and rows[1][8] == 3
    # corrected, the error file imports as it is (错误说明 and 原行号 are ignored)
    ws.cell(row=2, column=6, value=20)
    ws.cell(row=2, column=4, value="中型")
    buf = io.BytesIO()
    ws.parent.save(buf)
    again = check_file(FIRMS, buf.getvalue(), "errors.xlsx", ctx)
    assert again.ok and again.added == 1


def test_reimport_updates_by_key_and_export_round_trips_unchanged(world, ctx):
    run_import(FIRMS, xlsx([HEAD, good(1), good(2), good(3)]), "a.xlsx", Context(region=world.a))
    checked = run_import(FIRMS, xlsx([HEAD, good(1), good(2, **{NAME: "改名企业"}), good(3, **{STAFF: 99}), good(4)]),
                         "b.xlsx", Context(region=world.a))
    assert (checked.added, checked.updated, checked.unchanged) == (1, 2, 1)
    assert Enterprise.objects.get(credit_code=code(2)).name == "改名企业"
    exported = export_xlsx(FIRMS, Context(region=world.a))
    again = check_file(FIRMS, exported, "export.xlsx", ctx)
    assert again.ok and (again.added, again.updated, again.unchanged) == (0, 0, again.rows)
    assert again.rows == 6  # the 4 test firms and the world's two firms of district A


def test_a_service_refusal_rolls_everything_back_and_names_row_and_column(world):
    data = xlsx([HEAD, good(1), good(2), good(3), good(4)])
    with pytest.raises(ImportRejected) as exc:
        run_import(REFUSING, data, "a.xlsx", Context(region=world.a))
    assert exc.value.errors == [(4, PHONE, "联系电话已被其他企业使用")]
    assert not Enterprise.objects.filter(credit_code__in=[code(1), code(2)]).exists()


def test_a_huge_used_range_is_refused_quickly_without_reading_it(world, ctx):
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, h in enumerate(HEAD, start=1):
        ws.cell(row=1, column=i, value=h)
    ws["ZZ60000"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    assert len(buf.getvalue()) < 10_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    checked = check_file(FIRMS, buf.getvalue(), "huge.xlsx", ctx)
    elapsed = time.perf_counter() - started
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert len(checked.errors) == 1 and "最多200列" in checked.errors[0][2] and "ZZ" in checked.errors[0][2]
    assert elapsed < 1.0 and grown_mb < 100  # calamine would have built 42 million cells (1.3 GB, 2.6 s)


def test_too_many_rows_are_refused(world, ctx, monkeypatch):
    from keguan.core import reading

    monkeypatch.setattr(reading, "MAX_ROWS", 5)
    checked = check_file(FIRMS, xlsx([HEAD, *(good(i) for i in range(1, 8))]), "a.xlsx", ctx)
    assert "一次最多导入5行" in checked.errors[0][2]
    checked = check_file(FIRMS, "\n".join([",".join(HEAD)] * 8).encode(), "a.csv", ctx)
    assert "一次最多导入5行" in checked.errors[0][2]


def test_formulas_are_written_as_text(world):
    from keguan.core.excel import build_xlsx

    csv = ",".join(HEAD) + "\n" + ",".join(str(v) for v in good(1, **{NAME: "=1+2"})) + "\n"
    run_import(FIRMS, csv.encode(), "a.csv", Context(region=world.a))
    assert Enterprise.objects.filter(name="=1+2").exists()
    bad = ",".join(HEAD) + "\n" + ",".join(str(v) for v in good(2, **{NAME: "+cmd|' /C calc'!A0", STAFF: "x"})) + "\n"
    failed = check_file(FIRMS, bad.encode(), "bad.csv", Context(region=world.a))
    for content in (export_xlsx(FIRMS, Context(region=world.a)), errors_xlsx(FIRMS, failed),
                    build_xlsx(title="t", headers=["a"], rows=[["@SUM(A1)"], ["-2+3"], ["ok"]])):
        ws = openpyxl.load_workbook(io.BytesIO(content)).active
        cells = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)
                 and c.value[:1] in "=@-+"]
        assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_rows_a_kind_passes_over_and_its_finish_step(world):
    from keguan.core.errors import ServiceError

    from .kinds import FirmKind

    class Partial(FirmKind):
        """Rows without 从业人员 are passed over; finish() refuses when told to."""

        refuse = False

        def check(self, row, ctx):
            return None if row[STAFF] is None else super().check(row, ctx)

        def finish(self, ctx):
            ctx.cache["finished"] = True
            if self.refuse:
                raise ServiceError("合计与上级下达的名额不符", field="employees")

    kind = Partial()
    data = xlsx([HEAD, good(1), good(2, **{STAFF: None}), good(3)])
    ctx = Context(region=world.a)
    checked = run_import(kind, data, "a.xlsx", ctx)
    assert (checked.rows, checked.added, checked.skipped) == (3, 2, 1) and ctx.cache["finished"]
    assert not Enterprise.objects.filter(credit_code=code(2)).exists()
    kind.refuse = True
    with pytest.raises(ImportRejected) as exc:
        run_import(kind, xlsx([HEAD, good(4)]), "b.xlsx", Context(region=world.a))
    assert exc.value.errors == [(None, STAFF, "合计与上级下达的名额不符")]
    assert not Enterprise.objects.filter(credit_code=code(4)).exists()
