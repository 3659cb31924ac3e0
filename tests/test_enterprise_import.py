from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from keguan.core.errors import ImportRejected
from keguan.enterprises import imports as imp
from keguan.enterprises.models import Enterprise, Stage, StageChange
from tests.conftest import DISTRICT_A, credit_code

HEAD = [imp.C_NAME, imp.C_CODE, imp.C_TOWN, imp.C_INDUSTRY, imp.C_FIELD, imp.C_STAGE, imp.C_PHONE, imp.C_DATE]


def book(rows, headers=HEAD) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_new_rows_are_created_with_history(world):
    data = book([
        ["导入一号科技有限公司", credit_code(DISTRICT_A, 11), world.a_town.name, "C39 计算机、通信和其他电子设备制造业", "电子信息", "科技型中小企业", "0771-5551234", "2019-04-01"],
        ["导入二号材料有限公司", credit_code(DISTRICT_A, 12), "", "30", "", "", "", ""],
    ])
    result = imp.enterprises_import(user=world.staff, district=world.a, data=data, filename="企业.xlsx")
    assert (result.created, result.updated) == (2, 0)
    one = Enterprise.objects.get(credit_code=credit_code(DISTRICT_A, 11))
    assert one.township == world.a_town and one.industry_code == "39" and one.stage == Stage.SME
    assert str(one.registered_on) == "2019-04-01" and one.contact_phone == "0771-5551234"
    assert one.history.first().history_user == world.staff
    two = Enterprise.objects.get(credit_code=credit_code(DISTRICT_A, 12))
    assert two.stage == Stage.ATTRACTED and two.district == world.a


def test_existing_firm_is_updated_and_stage_change_recorded(world):
    data = book([[world.ent_a2.name, world.ent_a2.credit_code, "", "", "", "高新技术企业", "13900000000", ""]])
    result = imp.enterprises_import(user=world.staff, district=world.a, data=data, filename="企业.xlsx")
    assert result.updated == 1
    world.ent_a2.refresh_from_db()
    assert world.ent_a2.stage == Stage.HNTE and world.ent_a2.contact_phone == "13900000000"
    assert StageChange.objects.filter(enterprise=world.ent_a2, to_stage=Stage.HNTE, note="Excel导入").exists()


def test_any_bad_row_rejects_everything_with_row_and_column(world):
    before = Enterprise.objects.count()
    data = book([
        ["好的一行有限公司", credit_code(DISTRICT_A, 21), "", "", "", "", "", ""],
        ["坏代码有限公司", "914403001922038217", "", "", "", "", "", ""],
        ["", credit_code(DISTRICT_A, 22), "不存在镇", "99", "火星技术", "飞升", "12345", "2020-13-45"],
        ["邻区企业", world.ent_b.credit_code, "", "", "", "", "", ""],
        ["重复", credit_code(DISTRICT_A, 21), "", "", "", "", "", ""],
    ])
    with pytest.raises(ImportRejected) as info:
        imp.enterprises_import(user=world.staff, district=world.a, data=data, filename="企业.xlsx")
    got = {(r, f) for r, f, _ in info.value.errors}
    assert (3, imp.C_CODE) in got
    for col in (imp.C_NAME, imp.C_TOWN, imp.C_INDUSTRY, imp.C_FIELD, imp.C_STAGE, imp.C_PHONE, imp.C_DATE):
        assert (4, col) in got, col
    assert (5, imp.C_CODE) in got and (6, imp.C_CODE) in got
    messages = " ".join(m for _, _, m in info.value.errors)
    assert "校验位" in messages and "江南区" in messages and "第2行" in messages
    assert Enterprise.objects.count() == before


def test_export_file_can_be_imported_back_unchanged(world, login):
    c = login(world.staff)
    exported = c.get(reverse("enterprises:export")).content
    result = imp.enterprises_import(user=world.staff, district=world.a, data=exported, filename="导出.xlsx")
    assert result.created == 0 and result.updated == 0 and result.unchanged == 2


def test_import_page_flow(world, login):
    c = login(world.staff)
    assert c.get(reverse("enterprises:import")).status_code == 200
    good = SimpleUploadedFile("企业.xlsx", book([["页面导入有限公司", credit_code(DISTRICT_A, 31), "", "", "", "", "", ""]]))
    response = c.post(reverse("enterprises:import"), {"file": good})
    assert response.status_code == 302
    assert Enterprise.objects.filter(name="页面导入有限公司").exists()
    bad = SimpleUploadedFile("企业.xlsx", b"not a spreadsheet")
    html = c.post(reverse("enterprises:import"), {"file": bad}).content.decode()
    assert "不是有效的 Excel 文件" in html


def test_import_is_for_district_editors(world, login):
    for persona in (world.city_user, world.town, world.expert, world.ent_user):
        assert login(persona).get(reverse("enterprises:import")).status_code == 403
