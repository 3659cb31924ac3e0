"""The village list (村/社区名单) through the import engine: every bad row named, all or nothing, re-import by
code, the template and the export in one layout, the pages and the command line."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from keguan.core.errors import ImportRejected
from keguan.exchange.engine import check_file, run_import
from keguan.exchange.kinds import Context
from keguan.exchange.models import ImportRun, RunStatus
from keguan.exchange.registry import get_kind
from keguan.regions.exchange import C_CODE, C_NAME, C_TOWN, VILLAGES
from keguan.regions.models import Region, RegionLevel
from keguan.regions.services import villages_create
from tests.conftest import workbook


def xlsx(rows, headers=(C_CODE, C_NAME, C_TOWN)) -> bytes:
    return workbook(rows, headers)


def villages(region):
    return Region.objects.filter(path__startswith=region.path, level=RegionLevel.VILLAGE)


def ctx(world, user=None):
    return Context(user=user or world.staff, region=world.a)


def test_declared_by_the_regions_area():
    assert get_kind("villages") is VILLAGES
    assert VILLAGES.region_level == RegionLevel.COUNTY and VILLAGES.key == (C_CODE,)
    assert (VILLAGES.import_perm, VILLAGES.export_perm) == ("regions.import", "regions.export")


def test_valid_file_imports_all_rows(world):
    t = world.a_town
    data = xlsx([(f"{t.code}001", "东风社区", t.name), (f"{t.code}201", "石岭村", "")])
    checked = run_import(VILLAGES, data, "村.xlsx", ctx(world))
    assert (checked.added, checked.updated, checked.unchanged) == (2, 0, 0)
    names = set(villages(world.a).values_list("name", flat=True))
    assert names == {"东风社区", "石岭村"}
    v = villages(world.a).get(name="石岭村")
    assert v.parent == t and v.path == f"{t.path}{t.code}201/" and v.source == "staff导入"


def test_a_township_liaisons_list_goes_in_cleanly(world):
    """A list as a township writes it: a title row, 序号, codes Excel stored as numbers, the township's code."""
    t, t2 = world.a_town, world.a_town2
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([f"{t.name}村（社区）名单"])
    ws.append(["序号", "村（社区）代码", "村（社区）名称", "乡镇（街道）", "备注"])
    ws.append([1, int(f"{t.code}001"), "东风社区", t.code, ""])
    ws.append([2, f"{t.code}202", " 石岭村 ", t.name, "新设"])
    ws.append([3, f"{t2.code}203", "那龙村", None, None])
    buf = io.BytesIO()
    wb.save(buf)
    checked = run_import(VILLAGES, buf.getvalue(), "名单.xlsx", ctx(world))
    assert checked.added == 3 and checked.layout.ignored == ["序号", "备注"]
    assert villages(t).count() == 2 and villages(t2).get().name == "那龙村"
    assert villages(t).get(code=f"{t.code}202").name == "石岭村"


def test_one_bad_row_rejects_the_whole_file_naming_row_and_field(world):
    t = world.a_town
    foreign = world.b_town
    data = xlsx(
        [
            (f"{t.code}001", "东风社区", t.name),
            ("12345", "短代码村", ""),
            (f"{foreign.code}201", "邻区村", ""),
            (f"{t.code}001", "重复社区", ""),
            (f"{t.code}202", "", ""),
            (f"{t.code}203", "核对村", "不存在的镇"),
            (f"{t.code}400", "超范围村", ""),
            ("", "无代码村", ""),
        ]
    )
    checked = check_file(VILLAGES, data, "村.xlsx", ctx(world))
    errors = checked.errors
    rows = {(r, f) for r, f, _ in errors}
    assert (3, C_CODE) in rows and any("应为12位数字" in m for r, _, m in errors if r == 3)
    assert (4, C_CODE) in rows and any(f"不是{world.a.name}辖区内" in m for r, _, m in errors if r == 4)
    assert (5, C_CODE) in rows and any("与第2行重复" in m for r, _, m in errors if r == 5)
    assert (6, C_NAME) in rows and any("不能为空" in m for r, _, m in errors if r == 6)
    assert (7, C_TOWN) in rows and any("不一致" in m for r, _, m in errors if r == 7)
    assert (8, C_CODE) in rows and any("001-399" in m for r, _, m in errors if r == 8)
    assert (9, C_CODE) in rows
    assert foreign.name not in " ".join(m for *_, m in errors)  # a foreign township is not named
    with pytest.raises(ImportRejected):
        run_import(VILLAGES, data, "村.xlsx", ctx(world))
    assert villages(world.a).count() == 0  # nothing stored


def test_reimport_by_code_renames_or_leaves_alone(world):
    t = world.a_town
    villages_create(township=t, villages=[(f"{t.code}001", "东风居委会"), (f"{t.code}201", "石岭村")], source="测试")
    data = xlsx([(f"{t.code}001", "东风社区", ""), (f"{t.code}201", "石岭村", ""), (f"{t.code}202", "新村", "")])
    checked = run_import(VILLAGES, data, "村.xlsx", ctx(world))
    assert (checked.added, checked.updated, checked.unchanged) == (1, 1, 1)
    assert villages(t).get(code=f"{t.code}001").name == "东风社区"
    assert villages(t).count() == 3


def test_file_that_is_not_excel_is_refused(world):
    checked = check_file(VILLAGES, b"this is plain text", "村.xlsx", ctx(world))
    assert "不是有效的 Excel 文件" in checked.errors[0][2]


def test_missing_header_is_named(world):
    checked = check_file(VILLAGES, xlsx([("x", "y")], headers=("代码", "名称")), "村.xlsx", ctx(world))
    assert C_CODE in checked.errors[0][2]


def test_csv_in_gbk_is_read(world):
    t = world.a_town
    text = f"{C_CODE},{C_NAME},{C_TOWN}\n{t.code}005,新华社区,{t.name}\n"
    checked = run_import(VILLAGES, text.encode("gb18030"), "村.csv", ctx(world))
    assert checked.added == 1


def test_import_page_shows_errors_and_stores_nothing(world, login):
    c = login(world.staff)
    t = world.a_town
    upload = SimpleUploadedFile("村.xlsx", xlsx([(f"{t.code}001", "", "")]))
    response = c.post(reverse("exchange:kind", args=["villages"]), {"file": upload})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.region == world.a and run.status == RunStatus.FAILED
    html = c.get(response["Location"]).content.decode()
    assert "第2行" in html and C_NAME in html and "不能为空" in html and "未导入任何数据" in html
    assert c.post(reverse("exchange:confirm", args=[run.pk])).status_code == 302
    assert villages(world.a).count() == 0


def test_upload_check_confirm(world, login):
    c = login(world.staff)
    t = world.a_town
    upload = SimpleUploadedFile("村.xlsx", xlsx([(f"{t.code}001", "东风社区", t.name)]))
    response = c.post(reverse("exchange:kind", args=["villages"]), {"file": upload})
    run = ImportRun.objects.get()
    page = c.get(response["Location"]).content.decode()
    assert "将新增 1、更新 0、不变 0" in page and "返回行政区划" in page and villages(world.a).count() == 0
    c.post(reverse("exchange:confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and villages(world.a).get().name == "东风社区"


def test_import_pages_are_for_district_staff_only(world, login):
    for user in (world.town, world.city_user, world.expert):
        c = login(user)
        assert c.get(reverse("exchange:kind", args=["villages"])).status_code == 403
        assert c.get(reverse("exchange:template", args=["villages"])).status_code == 403
    assert login(world.staff).get(reverse("exchange:kind", args=["villages"])).status_code == 200


def test_export_is_each_users_own_scope(world, login):
    t, tb = world.a_town, world.b_town
    villages_create(township=t, villages=[(f"{t.code}001", "东风社区")], source="测试")
    villages_create(township=tb, villages=[(f"{tb.code}001", "邻区社区")], source="测试")

    def exported(user, **query):
        response = login(user).get(reverse("exchange:export", args=["villages"]), query)
        assert response.status_code == 200
        ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        return [r[1] for r in ws.iter_rows(min_row=2, values_only=True)]

    assert exported(world.staff) == ["东风社区"]
    assert exported(world.town) == ["东风社区"]  # the township liaison: its own township
    assert exported(world.city_user) == ["东风社区", "邻区社区"]
    assert exported(world.city_user, region=world.b.code) == ["邻区社区"]
    assert login(world.staff).get(reverse("exchange:export", args=["villages"]),
                                  {"region": world.b.code}).status_code == 404
    assert login(world.expert).get(reverse("exchange:export", args=["villages"])).status_code == 403


def test_template_round_trip(world, login):
    """Template → filled → imported → exported → the export imported again changes nothing."""
    c = login(world.staff)
    t, t2 = world.a_town, world.a_town2
    response = c.get(reverse("exchange:template", args=["villages"]))
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    assert [cell.value for cell in ws[1]] == [C_CODE, C_NAME, C_TOWN]
    assert ws.cell(row=3, column=1).value == f"{t.code}001"  # the example row, skipped as long as it is left
    ws.append([f"{t.code}002", "东风社区", t.name])
    ws.append([f"{t2.code}201", "石岭村", None])
    buf = io.BytesIO()
    wb.save(buf)
    checked = run_import(VILLAGES, buf.getvalue(), "模板.xlsx", ctx(world))
    assert (checked.added, checked.updated, checked.unchanged) == (2, 0, 0)

    export = c.get(reverse("exchange:export", args=["villages"]), {"region": world.a.code})
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows(values_only=True))
    assert rows == [(C_CODE, C_NAME, C_TOWN), (f"{t.code}002", "东风社区", t.name), (f"{t2.code}201", "石岭村", t2.name)]
    again = run_import(VILLAGES, export.content, "导出.xlsx", ctx(world))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)


def test_the_region_tree_links_to_the_engine(world, login):
    html = login(world.staff).get(reverse("regions:tree")).content.decode()
    assert f'href="{reverse("exchange:kind", args=["villages"])}"' in html
    assert f'{reverse("exchange:export", args=["villages"])}?region={world.a.code}' in html
    town = login(world.town).get(reverse("regions:tree")).content.decode()
    assert 'href="/exchange/villages/"' not in town  # a township liaison does not import
    assert reverse("exchange:export", args=["villages"]) in town


def test_the_command_line(world, tmp_path):
    t = world.a_town
    path = tmp_path / "村社区.xlsx"
    path.write_bytes(xlsx([(f"{t.code}001", "东风社区", t.name)]))
    out = io.StringIO()
    call_command("import", "villages", str(path), region=world.a.code, stdout=out)
    assert villages(world.a).get().source == "命令行导入"
