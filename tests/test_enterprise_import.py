"""The enterprise register's import, as a district clerk uses it: from the list to the engine's pages (upload,
check, confirm), refused for the roles without the permission; the list's own export imports back unchanged.
The kind's rows and messages are tested in tests/exchange/test_enterprises_kind.py."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from keguan.enterprises import exchange as ent
from keguan.enterprises.models import Enterprise
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
