"""The enterprise register's import, as a district clerk uses it: from the list to the engine's pages (upload,
check, confirm), refused for the roles without the permission; the list's own export imports back unchanged.
The kind's rows and messages are tested in tests/exchange/test_enterprises_kind.py."""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from keguan.enterprises import exchange as ent
from keguan.enterprises.models import Enterprise, Stage
from keguan.exchange.engine import check_file
from keguan.exchange.kinds import Context
from keguan.exchange.models import ImportRun, RunStatus
from tests.conftest import DISTRICT_A, credit_code, workbook

KIND_PAGE = reverse("exchange:kind", args=["enterprises"])


def book(rows, headers=(ent.C_NAME, ent.C_CODE)) -> bytes:
    return workbook(rows, headers)


def test_the_list_leads_to_the_import_page(world, login):
    html = login(world.staff).get(reverse("enterprises:list")).content.decode()
    assert f'href="{KIND_PAGE}"' in html and "导出Excel" in html
    html = login(world.city_user).get(reverse("enterprises:list")).content.decode()
    assert KIND_PAGE not in html and "导出Excel" in html  # the city exports, districts import
    html = login(world.expert).get(reverse("enterprises:list")).content.decode()
    assert KIND_PAGE not in html and "导出Excel" not in html  # a commissioner only views


def test_import_page_flow(world, login):
    c = login(world.staff)
    page = c.get(KIND_PAGE)
    assert page.status_code == 200 and "返回企业库" in page.content.decode()
    good = SimpleUploadedFile("企业.xlsx", book([["页面导入有限公司", credit_code(DISTRICT_A, 31)]]))
    response = c.post(KIND_PAGE, {"file": good})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.status == RunStatus.READY and run.region == world.a
    assert not Enterprise.objects.filter(name="页面导入有限公司").exists()  # nothing before 确认导入
    c.post(reverse("exchange:confirm", args=[run.pk]))
    assert Enterprise.objects.get(name="页面导入有限公司").history.first().history_user == world.staff
    bad = SimpleUploadedFile("企业.xlsx", b"not a spreadsheet")
    response = c.post(KIND_PAGE, {"file": bad}, follow=True)
    assert "不是有效的 Excel 文件" in response.content.decode()
    assert ImportRun.objects.filter(status=RunStatus.FAILED).count() == 1


def test_import_is_for_district_editors(world, login):
    for persona in (world.city_user, world.town, world.expert, world.ent_user):
        c = login(persona)
        assert c.get(KIND_PAGE).status_code == 403
        assert c.get(reverse("exchange:template", args=["enterprises"])).status_code == 403


def test_the_lists_export_imports_back_unchanged(world, login):
    exported = login(world.staff).get(reverse("enterprises:export")).content
    checked = check_file(ent.ENTERPRISES, exported, "导出.xlsx", Context(user=world.staff, region=world.a))
    assert checked.ok, checked.errors
    assert (checked.added, checked.updated, checked.unchanged) == (0, 0, 2)


def test_template_round_trip(world, login):
    """The template as downloaded, filled below its notes and example rows, imports; its export imports back as
    all unchanged."""
    c = login(world.staff)
    template = c.get(reverse("exchange:template", args=["enterprises"]))
    assert template.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(template.content))
    ws = wb.worksheets[0]
    headers = [cell.value for cell in ws[1]]
    assert headers[:2] == [ent.C_NAME, ent.C_CODE] and ws.data_validations.dataValidation  # drop-downs
    row = {ent.C_NAME: "模板往返科技有限公司", ent.C_CODE: credit_code(DISTRICT_A, 41), ent.C_TOWN: world.a_town.name,
           ent.C_INDUSTRY: "39", ent.C_STAGE: "科技型中小企业", ent.C_PHONE: "0771-5551234"}
    ws.append([row.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    ctx = Context(user=world.staff, region=world.a)
    checked = check_file(ent.ENTERPRISES, buf.getvalue(), "模板.xlsx", ctx)
    assert checked.ok and (checked.added, checked.updated, checked.unchanged) == (1, 0, 0), checked.errors
    from keguan.exchange.engine import run_import

    run_import(ent.ENTERPRISES, buf.getvalue(), "模板.xlsx", Context(user=world.staff, region=world.a))
    firm = Enterprise.objects.get(credit_code=row[ent.C_CODE])
    assert firm.township == world.a_town and firm.stage == Stage.SME and firm.contact_phone == "0771-5551234"
    exported = c.get(reverse("exchange:export", args=["enterprises"]))
    assert exported.status_code == 200
    again = check_file(ent.ENTERPRISES, exported.content, "导出.xlsx", Context(user=world.staff, region=world.a))
    assert again.ok and (again.added, again.updated, again.unchanged) == (0, 0, 3)


def test_a_credit_code_of_another_province_is_imported_with_a_note_to_check(world, login):
    c = login(world.staff)
    beijing = credit_code("110105", 7)
    upload = SimpleUploadedFile("企业.xlsx", book([["外省代码有限公司", beijing], ["本省代码有限公司", credit_code(DISTRICT_A, 8)]]))
    c.post(KIND_PAGE, {"file": upload})
    run = ImportRun.objects.get()
    assert run.status == RunStatus.READY and run.warning_count == 1
    assert run.warnings[0][:2] == [2, ent.C_CODE]  # the first data row
    page = c.get(reverse("exchange:run", args=[run.pk])).content.decode()
    assert "有 1 处数据请核对" in page and "登记机关在北京市" in page and "广西壮族自治区" in page
    c.post(reverse("exchange:confirm", args=[run.pk]))
    assert Enterprise.objects.filter(name="外省代码有限公司", district=world.a).exists()


def test_the_form_saves_a_code_of_another_province_and_says_so(world, login):
    from tests.test_enterprise_services import form_data

    c = login(world.staff)
    data = form_data(world.ent_a, credit_code=credit_code("330106", 9), version=world.ent_a.version)
    response = c.post(reverse("enterprises:edit", args=[world.ent_a.pk]), data, follow=True)
    html = response.content.decode()
    assert "企业信息已保存" in html and "登记机关在浙江省" in html
    response = c.post(reverse("enterprises:edit", args=[world.ent_a.pk]),
                      form_data(world.ent_a, credit_code=credit_code(DISTRICT_A, 9), version=world.ent_a.version + 1),
                      follow=True)
    assert "企业信息已保存" in response.content.decode() and "登记机关在" not in response.content.decode()
