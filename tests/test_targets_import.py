"""市定目标 through the import engine: the same wide sheet as before (a row per district, a column per
indicator), the year as the import's parameter, every bad cell named, all or nothing, the round trip."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from keguan.core.errors import ImportRejected
from keguan.exchange.engine import check_file, run_import
from keguan.exchange.kinds import Context
from keguan.exchange.models import ImportRun, RunStatus
from keguan.exchange.registry import get_kind
from keguan.indicators import registry
from keguan.indicators.exchange import C_CODE, C_NAME, TARGETS
from keguan.indicators.models import Target
from keguan.indicators.services import target_set
from tests.conftest import workbook

YEAR = timezone.localdate().year
HNTE = "有效高新技术企业（家）"
NEW_HNTE = "新认定高新技术企业（家）"
RD = "研发经费填报额（万元）"


def xlsx(rows, headers=(C_CODE, C_NAME, HNTE, NEW_HNTE)) -> bytes:
    return workbook(rows, headers)


def ctx(world, year=YEAR):
    return Context(user=world.city_user, region=world.city, params={"year": str(year)})


def targets(year=YEAR):
    return {(t.region.code, t.indicator): t.value for t in Target.objects.filter(year=year).select_related("region")}


def test_declared_with_a_column_per_targetable_indicator():
    assert get_kind("targets") is TARGETS
    wanted = [f"{i.name}（{i.unit}）" for i in registry.all_indicators() if i.targetable]
    assert TARGETS.headers == [C_CODE, C_NAME, *wanted] and HNTE in wanted and RD in wanted
    assert TARGETS.region_level == 2 and TARGETS.key == (C_CODE,)
    assert (TARGETS.import_perm, TARGETS.export_perm) == ("indicators.set_targets", "indicators.city")
    assert "gdp" not in {c.field for c in TARGETS.columns}  # not targetable


def test_the_years_offered_this_year_first(world):
    options = TARGETS.params[0].options(ctx(world))
    assert options[0] == (str(YEAR), f"{YEAR}年")
    assert {v for v, _ in options} == {str(y) for y in range(YEAR - 3, YEAR + 2)}


def test_a_sheet_sets_changes_and_clears_targets(world):
    target_set(actor=world.city_user, indicator="ent_new_hnte", district=world.b, year=YEAR, value="3")
    target_set(actor=world.city_user, indicator="ent_leader", district=world.b, year=YEAR, value="1")
    data = xlsx([
        [world.a.code, world.a.name, 4, "2.5"],
        [world.b.code, "", 6, None],  # 新认定 left empty: cleared; 领军 not in the file: kept
    ])
    checked = run_import(TARGETS, data, "目标.xlsx", ctx(world))
    assert (checked.added, checked.updated, checked.unchanged) == (1, 1, 0)
    assert targets() == {
        (world.a.code, "ent_hnte_valid"): 4, (world.a.code, "ent_new_hnte"): Decimal("2.5"),
        (world.b.code, "ent_hnte_valid"): 6, (world.b.code, "ent_leader"): 1,
    }
    record = Target.objects.get(region=world.a, indicator="ent_hnte_valid")
    assert record.set_by == world.city_user and "Excel导入" in record.history.first().history_change_reason
    assert not Target.objects.filter(year=YEAR - 1).exists()


def test_the_year_chosen(world):
    run_import(TARGETS, xlsx([[world.a.code, "", 7, None]]), "目标.xlsx", ctx(world, YEAR - 1))
    assert targets(YEAR - 1) == {(world.a.code, "ent_hnte_valid"): 7} and not targets()


def test_every_bad_cell_is_named_and_nothing_is_written(world):
    data = xlsx([
        [world.a.code, world.a.name, 4, 1],
        ["450200", "柳州某区", 1, 1],  # not a district of this city
        [world.b.code, "兴宁区", 1, 1],  # the name does not match the code
        [world.a.code, "", 1, 1],  # twice
        ["", "", 1, 1],
        [world.b.code, "", -1, "很多"],
        [world.b.code, "", "1.23456", None],
    ])
    checked = check_file(TARGETS, data, "目标.xlsx", ctx(world))
    found = {(r, h): m for r, h, m in checked.errors}
    assert found[(3, C_CODE)] == f"“450200”不是{world.city.name}的区县代码"
    assert "不一致" in found[(4, C_NAME)]
    assert "与第2行重复" in found[(5, C_CODE)]
    assert found[(6, C_CODE)] == "不能为空"
    assert found[(7, HNTE)] == "不能为负数" and "不是数字" in found[(7, NEW_HNTE)]
    assert "小数位过多" in found[(8, HNTE)]
    with pytest.raises(ImportRejected):
        run_import(TARGETS, data, "目标.xlsx", ctx(world))
    assert not Target.objects.exists()


def test_a_sheet_without_indicator_columns_is_refused(world):
    checked = check_file(TARGETS, xlsx([["450103", "青秀区"]], headers=("代码", "名称")), "目标.xlsx", ctx(world))
    assert checked.errors and C_CODE in checked.errors[0][2]


def test_the_old_template_still_imports(world):
    """The sheet the city filled in before the engine: headers in row 1, the districts below, no notes row."""
    headers = [C_CODE, "区县", *[f"{i.name}（{i.unit}）" for i in registry.all_indicators() if i.targetable]]
    rows = [[world.a.code, world.a.name, 5] + [None] * (len(headers) - 3),
            [world.b.code, world.b.name, None, None, None, None, None, None, 8] + [None] * (len(headers) - 9)]
    checked = run_import(TARGETS, xlsx(rows, headers=headers), "旧模板.xlsx", ctx(world))
    assert checked.ok and len(targets()) == 2


def test_template_round_trip(world, login):
    """Template (the city's districts, this year's targets) → filled → imported → exported → imported again:
    nothing changes."""
    target_set(actor=world.city_user, indicator="ent_leader", district=world.a, year=YEAR - 1, value="9")
    c = login(world.city_user)
    response = c.get(reverse("exchange:template", args=["targets"]), {"year": YEAR - 1})
    assert response.status_code == 200 and str(YEAR - 1) in response["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    head = [cell.value for cell in ws[1]]
    assert head == TARGETS.headers
    codes = [ws.cell(row=r, column=1).value for r in range(3, ws.max_row + 1)]
    assert world.a.code in codes and world.b.code in codes
    row_a = 3 + codes.index(world.a.code)
    assert ws.cell(row=row_a, column=head.index("创新型领军企业（家）") + 1).value == 9
    ws.cell(row=row_a, column=head.index(HNTE) + 1).value = 12
    ws.cell(row=3 + codes.index(world.b.code), column=head.index(RD) + 1).value = 1500.5
    buf = io.BytesIO()
    wb.save(buf)
    response = c.post(reverse("exchange:kind", args=["targets"]),
                      {"file": SimpleUploadedFile("目标.xlsx", buf.getvalue()), "year": str(YEAR - 1)})
    run = ImportRun.objects.get()
    assert run.params == {"year": str(YEAR - 1)} and run.status == RunStatus.READY, run.errors
    assert (run.added, run.updated) == (1, 1)
    c.post(reverse("exchange:confirm", args=[run.pk]))
    assert targets(YEAR - 1) == {(world.a.code, "ent_leader"): 9, (world.a.code, "ent_hnte_valid"): 12,
                                 (world.b.code, "rd_reported"): Decimal("1500.5")}

    export = c.get(reverse("exchange:export", args=["targets"]), {"region": world.city.code, "year": YEAR - 1})
    assert export.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(export.content)).worksheets[0]
    assert [cell.value for cell in ws[1]] == TARGETS.headers
    again = run_import(TARGETS, export.content, "导出.xlsx", ctx(world, YEAR - 1))
    assert (again.added, again.updated) == (0, 0) and again.unchanged == len(codes)
    # the upload page's export link carries the year without naming the city (the user's only one)
    plain = c.get(reverse("exchange:export", args=["targets"]), {"year": YEAR - 1})
    assert run_import(TARGETS, plain.content, "导出.xlsx", ctx(world, YEAR - 1)).updated == 0


def test_only_the_city_imports_and_exports_targets(world, login):
    for user in (world.staff, world.leader, world.town):
        c = login(user)
        assert c.get(reverse("exchange:kind", args=["targets"])).status_code == 403
        assert c.get(reverse("exchange:export", args=["targets"])).status_code == 403
    c = login(world.city_user)
    assert c.get(reverse("exchange:kind", args=["targets"]), {"year": YEAR}).status_code == 200
    assert c.get(reverse("exchange:kind", args=["targets"]), {"year": 1999}).status_code == 404


def test_the_targets_page_links_to_the_engine(world, login):
    html = login(world.city_user).get(reverse("indicators:targets"), {"year": YEAR}).content.decode()
    query = f"?region={world.city.code}&amp;year={YEAR}"
    for name in ("exchange:kind", "exchange:template", "exchange:export"):
        assert reverse(name, args=["targets"]) + query in html, name
    district = login(world.staff).get(reverse("indicators:targets")).content.decode()
    assert "/exchange/targets/" not in district
    # a year the import does not offer: no upload buttons
    assert "/exchange/targets/" not in login(world.city_user).get(
        reverse("indicators:targets"), {"year": 2010}).content.decode()


def test_the_command_line(world, tmp_path):
    path = tmp_path / "目标.xlsx"
    path.write_bytes(xlsx([[world.a.code, world.a.name, 3, None]]))
    with pytest.raises(CommandError):
        call_command("import", "targets", str(path), region=world.city.code, param=["year=1999"],
                     stdout=io.StringIO())
    call_command("import", "targets", str(path), region=world.city.code, param=[f"year={YEAR}"], stdout=io.StringIO())
    assert targets() == {(world.a.code, "ent_hnte_valid"): 3}
    out = tmp_path / "导出.xlsx"
    call_command("export", "targets", region=world.city.code, out=str(out), stdout=io.StringIO())
    assert run_import(TARGETS, out.read_bytes(), "导出.xlsx", ctx(world)).updated == 0
