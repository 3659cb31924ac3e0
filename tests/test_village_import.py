from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from keguan.core.errors import ImportRejected
from keguan.regions.imports import COL_CODE, COL_NAME, COL_TOWN, villages_import
from keguan.regions.models import Region, RegionLevel


def xlsx(rows, headers=(COL_CODE, COL_NAME, COL_TOWN)) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(headers))
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def villages(region):
    return Region.objects.filter(path__startswith=region.path, level=RegionLevel.VILLAGE)


def test_valid_file_imports_all_rows(world):
    t = world.a_town
    data = xlsx([(f"{t.code}001", "东风社区", t.name), (f"{t.code}201", "石岭村", "")])
    result = villages_import(user=world.staff, region=world.a, data=data, filename="村.xlsx")
    assert result.created == 2
    names = set(villages(world.a).values_list("name", flat=True))
    assert names == {"东风社区", "石岭村"}
    v = villages(world.a).get(name="石岭村")
    assert v.parent == t and v.path == f"{t.path}{t.code}201/"


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
        ]
    )
    with pytest.raises(ImportRejected) as info:
        villages_import(user=world.staff, region=world.a, data=data, filename="村.xlsx")
    errors = info.value.errors
    rows = {(r, f) for r, f, _ in errors}
    assert (3, COL_CODE) in rows
    assert (4, COL_CODE) in rows
    assert (5, COL_CODE) in rows
    assert (6, COL_NAME) in rows
    assert (7, COL_TOWN) in rows
    assert any("第2行重复" in m for _, _, m in errors)
    assert villages(world.a).count() == 0  # nothing stored


def test_file_that_is_not_excel_is_refused(world):
    with pytest.raises(ImportRejected) as info:
        villages_import(user=world.staff, region=world.a, data=b"this is plain text", filename="村.xlsx")
    assert "不是有效的 Excel 文件" in info.value.errors[0][2]


def test_missing_header_is_named(world):
    data = xlsx([("x", "y")], headers=("代码", "名称"))
    with pytest.raises(ImportRejected) as info:
        villages_import(user=world.staff, region=world.a, data=data, filename="村.xlsx")
    assert COL_CODE in info.value.errors[0][2]


def test_csv_in_gbk_is_read(world):
    t = world.a_town
    text = f"{COL_CODE},{COL_NAME},{COL_TOWN}\n{t.code}005,新华社区,{t.name}\n"
    result = villages_import(user=world.staff, region=world.a, data=text.encode("gb18030"), filename="村.csv")
    assert result.created == 1


def test_import_page_shows_errors_and_stores_nothing(world, login):
    c = login(world.staff)
    t = world.a_town
    upload = SimpleUploadedFile("村.xlsx", xlsx([(f"{t.code}001", "", "")]))
    response = c.post(reverse("regions:village_import"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "第2行" in html and "名称不能为空" in html and "未导入任何数据" in html
    assert villages(world.a).count() == 0


def test_import_page_is_for_district_staff_only(world, login):
    assert login(world.town).get(reverse("regions:village_import")).status_code == 403
    assert login(world.city_user).get(reverse("regions:village_template")).status_code == 403


def test_template_download_has_headers(world, login):
    response = login(world.staff).get(reverse("regions:village_template"))
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]] == [COL_CODE, COL_NAME, COL_TOWN]
