"""Import parameters (``ImportKind.params``): chosen on the page or given on the command line, checked
against their choices, stored with the run and handed to the kind; a template filled with current rows."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from keguan.enterprises.models import Enterprise, EnterpriseYear
from keguan.exchange import registry
from keguan.exchange.kinds import Context, Param, Plan
from keguan.exchange.models import ImportRun, RunStatus
from tests.conftest import DISTRICT_A

from .conftest import code, xlsx
from .kinds import CODE, EXPORT_PERM, IMPORT_PERM, NAME, FirmKind
from .test_engine import HEAD, good


class YearKind(FirmKind):
    """The test firms, with their figures filed under the year chosen as a parameter."""

    code = "testyears"
    title = "测试年度数据"
    params = (Param("year", "数据年度", lambda ctx: [("2024", "2024年度"), ("2023", "2023年度")]),)

    def write(self, plan: Plan, ctx: Context) -> None:
        super().write(plan, ctx)
        EnterpriseYear.objects.filter(enterprise__credit_code=plan.data["credit_code"], year=2024).update(
            year=int(ctx.params["year"]))

    def template_rows(self, ctx: Context):
        for e in Enterprise.objects.filter(district=ctx.region).order_by("credit_code"):
            yield [e.name[:20], e.credit_code, None, None, None, None, None]


YEARS = YearKind()


@pytest.fixture(autouse=True)
def year_kind():
    registry.register(YEARS)
    yield
    registry.unregister(YEARS.code)


@pytest.fixture
def staff(world, grant, login):
    grant(IMPORT_PERM, EXPORT_PERM)
    return login(world.staff)


def test_the_page_offers_the_choices_and_refuses_others(world, staff):
    page = staff.get(reverse("exchange:kind", args=["testyears"]))
    text = page.content.decode()
    assert page.status_code == 200 and 'name="year"' in text and "2023年度" in text
    assert "template.xlsx?year=2024" in text  # the template link carries the chosen year
    assert staff.get(reverse("exchange:kind", args=["testyears"]), {"year": "1999"}).status_code == 404
    assert staff.get(reverse("exchange:template", args=["testyears"]), {"year": "1999"}).status_code == 404


def test_the_chosen_year_goes_with_the_run_to_the_write(world, staff):
    data = xlsx([HEAD, good(1)])
    response = staff.post(reverse("exchange:kind", args=["testyears"]),
                          {"file": SimpleUploadedFile("年度.xlsx", data), "year": "2023"})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.params == {"year": "2023"} and run.status == RunStatus.READY
    staff.post(reverse("exchange:confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    firm = Enterprise.objects.get(credit_code=code(1))
    assert list(firm.years.values_list("year", flat=True)) == [2023]


def test_the_template_lists_the_current_rows(world, staff):
    response = staff.get(reverse("exchange:template", args=["testyears"]), {"year": "2023"})
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    codes = [ws.cell(row=r, column=2).value for r in range(3, ws.max_row + 1)]
    assert codes == sorted([world.ent_a.credit_code, world.ent_a2.credit_code])
    assert ws.cell(row=1, column=1).value == NAME and ws.cell(row=1, column=2).value == CODE
    assert "2023年度" in response["Content-Disposition"] or "2023" in response["Content-Disposition"]


def test_the_command_line_takes_params(world, tmp_path):
    path = tmp_path / "年度.xlsx"
    path.write_bytes(xlsx([HEAD, good(2)]))
    with pytest.raises(CommandError) as refused:
        call_command("import", "testyears", str(path), region=DISTRICT_A, param=["year=1999"], stdout=io.StringIO())
    assert "2024（2024年度）" in str(refused.value) and not Enterprise.objects.filter(credit_code=code(2)).exists()
    call_command("import", "testyears", str(path), region=DISTRICT_A, param=["year=2023"], stdout=io.StringIO())
    assert list(Enterprise.objects.get(credit_code=code(2)).years.values_list("year", flat=True)) == [2023]


def test_nothing_to_choose_yet_is_said_on_the_page(world, staff, monkeypatch):
    monkeypatch.setattr(YearKind, "params", (Param("year", "数据年度", lambda ctx: []),))
    page = staff.get(reverse("exchange:kind", args=["testyears"]))
    text = page.content.decode()
    assert page.status_code == 200 and "没有可选的数据年度，暂时不能导入测试年度数据" in text
    assert "上传并检查" not in text
    data = xlsx([HEAD, good(3)])
    staff.post(reverse("exchange:kind", args=["testyears"]), {"file": SimpleUploadedFile("年度.xlsx", data)})
    assert not ImportRun.objects.exists()
