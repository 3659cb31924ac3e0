"""keguan import / keguan export."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from keguan.enterprises.models import Enterprise
from tests.conftest import DISTRICT_A

from .conftest import code, xlsx
from .kinds import STAFF
from .test_engine import HEAD, good


def test_list_and_template(tmp_path, world):
    out = io.StringIO()
    call_command("import", list=True, stdout=out)
    assert "testfirms" in out.getvalue() and "enterprises" in out.getvalue()
    path = tmp_path / "t.xlsx"
    call_command("import", "testfirms", template=str(path), region=DISTRICT_A, stdout=io.StringIO())
    assert openpyxl.load_workbook(path).active["A1"].value == HEAD[0]


def test_import_dry_run_then_for_real(tmp_path, world):
    path = tmp_path / "firms.xlsx"
    path.write_bytes(xlsx([HEAD, good(1), good(2)]))
    out = io.StringIO()
    call_command("import", "testfirms", str(path), dry_run=True, region=DISTRICT_A, stdout=out)
    assert "将新增 2" in out.getvalue() and not Enterprise.objects.filter(credit_code=code(1)).exists()
    call_command("import", "testfirms", str(path), region=DISTRICT_A, stdout=out)
    assert Enterprise.objects.filter(credit_code__in=[code(1), code(2)]).count() == 2


def test_errors_are_printed_by_row_and_column_and_nothing_is_written(tmp_path, world):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx([HEAD, good(1), good(2, **{STAFF: "很多"})]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="共 1 处问题"):
        call_command("import", "testfirms", str(path), region=DISTRICT_A, stderr=err, stdout=io.StringIO())
    assert "第3行\t从业人员（人）\t“很多”不是整数" in err.getvalue()
    assert not Enterprise.objects.filter(credit_code=code(1)).exists()


def test_a_region_is_needed_and_must_be_a_district(tmp_path, world):
    path = tmp_path / "firms.xlsx"
    path.write_bytes(xlsx([HEAD, good(1)]))
    with pytest.raises(CommandError, match="--region"):
        call_command("import", "testfirms", str(path), stdout=io.StringIO())
    with pytest.raises(CommandError, match="不是区县级区划"):
        call_command("import", "testfirms", str(path), region="4501", stdout=io.StringIO())
    with pytest.raises(CommandError, match="没有导入类型"):
        call_command("import", "nosuch", str(path), stdout=io.StringIO())


def test_export_enterprises_keeps_its_options(tmp_path, world):
    path = tmp_path / "x.xlsx"
    out = io.StringIO()
    call_command("export", "enterprises", region=DISTRICT_A, out=str(path), stdout=out)
    assert "2 条" in out.getvalue()
    ws = openpyxl.load_workbook(path).active
    assert ws["B2"].value in {world.ent_a.credit_code, world.ent_a2.credit_code}
    call_command("export", "enterprises", region=DISTRICT_A, stage="hnte", out=str(path), stdout=out)
    assert openpyxl.load_workbook(path).active.max_row == 2
    with pytest.raises(CommandError, match="培育阶段应为"):
        call_command("export", "enterprises", stage="nope", out=str(path), stdout=out)
    with pytest.raises(CommandError, match=".xlsx"):
        call_command("export", "enterprises", out=str(tmp_path / "x.csv"), stdout=out)
