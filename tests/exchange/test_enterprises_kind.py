"""The enterprise register's kind: the same meaning as its own importer, through the engine."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from keguan.enterprises import exchange as ent
from keguan.enterprises.models import Enterprise, Stage, StageChange
from keguan.exchange.engine import check_file, run_import
from keguan.exchange.kinds import Context
from keguan.exchange.registry import get_kind
from keguan.exchange.sheets import export_xlsx
from tests.conftest import DISTRICT_A, credit_code

HEAD = [ent.C_NAME, ent.C_CODE, ent.C_TOWN, ent.C_INDUSTRY, ent.C_FIELD, ent.C_STAGE, ent.C_PHONE, ent.C_DATE]


def book(rows, headers=HEAD) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_registered_for_the_engine():
    assert get_kind("enterprises") is ent.ENTERPRISES and len(ent.ENTERPRISES.columns) == 14


def test_new_and_updated_firms(world):
    data = book([
        ["导入一号科技有限公司", credit_code(DISTRICT_A, 11), world.a_town.name, "C39 计算机、通信和其他电子设备制造业",
         "电子信息", "科技型中小企业", "0771-5551234", "2019-04-01"],
        ["导入二号材料有限公司", credit_code(DISTRICT_A, 12), "", "30", "", "", "", ""],
        [world.ent_a2.name, world.ent_a2.credit_code, "", "", "", "高企培育库", "", ""],  # stage SME → POOL
    ])
    checked = run_import(ent.ENTERPRISES, data, "企业.xlsx", Context(user=world.staff, region=world.a))
    assert (checked.added, checked.updated, checked.unchanged) == (2, 1, 0)
    one = Enterprise.objects.get(credit_code=credit_code(DISTRICT_A, 11))
    assert one.township == world.a_town and one.industry_code == "39" and one.stage == Stage.SME
    assert one.registered_on == dt.date(2019, 4, 1) and one.contact_phone == "0771-5551234"
    assert one.history.first().history_user == world.staff
    assert Enterprise.objects.get(credit_code=credit_code(DISTRICT_A, 12)).stage == Stage.ATTRACTED
    world.ent_a2.refresh_from_db()
    assert world.ent_a2.stage == Stage.POOL and world.ent_a2.stage_since == timezone.localdate()
    assert StageChange.objects.filter(enterprise=world.ent_a2, to_stage=Stage.POOL).exists()


def test_other_districts_firms_unknown_townships_and_records_decided_stages(world):
    from keguan.pipeline.services import sme_record_add

    year = timezone.localdate().year
    sme_record_add(enterprise=world.ent_a2, actor=None, year=year, number=f"{year}4501030A0001",
                   registered_on=timezone.localdate())
    data = book([
        [world.ent_b.name, world.ent_b.credit_code, "", "", "", "", "", ""],
        ["某公司", credit_code(DISTRICT_A, 20), world.b_town.name, "99", "", "", "", ""],
        [world.ent_a2.name, world.ent_a2.credit_code, "", "", "", "招引企业", "", ""],
    ])
    checked = check_file(ent.ENTERPRISES, data, "企业.xlsx", Context(user=world.staff, region=world.a))
    found = {(r, c): m for r, c, m in checked.errors}
    assert set(found) == {(2, ent.C_CODE), (3, ent.C_TOWN), (3, ent.C_INDUSTRY), (4, ent.C_STAGE)}
    assert "已在江南区登记" in found[(2, ent.C_CODE)]
    assert f"不是{world.a.name}的乡镇/街道" in found[(3, ent.C_TOWN)]
    assert "由这些记录自动确定" in found[(4, ent.C_STAGE)]


def test_export_imports_back_unchanged_and_hides_personal_columns(world, grant):
    exported = export_xlsx(ent.ENTERPRISES, Context(user=None, region=world.a))
    checked = check_file(ent.ENTERPRISES, exported, "export.xlsx", Context(region=world.a))
    assert checked.ok and (checked.added, checked.updated, checked.unchanged) == (0, 0, 2)
    ws = openpyxl.load_workbook(io.BytesIO(exported)).active
    assert "13800000001" in [c.value for c in ws[2]] + [c.value for c in ws[3]]
    grant("enterprises.export")  # without enterprises.personal
    hidden = export_xlsx(ent.ENTERPRISES, Context(user=world.town, region=None))
    ws = openpyxl.load_workbook(io.BytesIO(hidden)).active
    phones = [row[11] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert phones and all(p is None for p in phones)
    # imported back, the empty phone cells change nothing
    checked = check_file(ent.ENTERPRISES, hidden, "x.xlsx", Context(region=world.a))
    assert checked.ok and checked.updated == 0


@pytest.mark.parametrize("industry", ["39", 39, "039", "C39", "计算机、通信和其他电子设备制造业"])
def test_industry_spellings(world, industry):
    data = book([["行业公司", credit_code(DISTRICT_A, 30), "", industry, "", "", "", ""]])
    checked = check_file(ent.ENTERPRISES, data, "a.xlsx", Context(region=world.a))
    assert checked.ok and checked.plans[0].data["industry_code"] == "39"


def test_the_untouched_template_has_nothing_to_import(world):
    from keguan.exchange.sheets import template_xlsx

    content = template_xlsx(ent.ENTERPRISES, Context(region=world.a))
    checked = check_file(ent.ENTERPRISES, content, "模板.xlsx", Context(region=world.a))
    assert len(checked.errors) == 1 and "没有数据行" in checked.errors[0][2]


def test_tags_round_trip_through_export_and_import(world):
    from keguan.enterprises.services import set_tags

    set_tags([world.ent_a], ["key_watch"], by=world.staff)
    rows = list(ent.ENTERPRISES.export_rows(Context(user=world.staff, region=world.a)))
    by_name = {r[0]: r for r in rows}
    assert by_name[world.ent_a.name][-1] == "重点跟踪" and by_name[world.ent_a2.name][-1] == ""
    head = [ent.C_NAME, ent.C_CODE, ent.C_TAGS]
    data = book([
        [world.ent_a.name, world.ent_a.credit_code, "招商引资、上市后备"],  # replaces 重点跟踪
        [world.ent_a2.name, world.ent_a2.credit_code, ""],  # empty: unchanged
        ["标签导入有限公司", credit_code(DISTRICT_A, 31), "key_watch"],  # a code works too
    ], headers=head)
    checked = run_import(ent.ENTERPRISES, data, "企业.xlsx", Context(user=world.staff, region=world.a))
    assert (checked.added, checked.updated, checked.unchanged) == (1, 1, 1)
    assert set(world.ent_a.tags.values_list("code", flat=True)) == {"investment", "ipo_reserve"}
    new = Enterprise.objects.get(credit_code=credit_code(DISTRICT_A, 31))
    assert list(new.tags.values_list("code", flat=True)) == ["key_watch"]
    bad = book([[world.ent_a.name, world.ent_a.credit_code, "重点跟踪、不存在的标签"]], headers=head)
    result = check_file(ent.ENTERPRISES, bad, "企业.xlsx", Context(user=world.staff, region=world.a))
    assert [(r, c) for r, c, _ in result.errors] == [(2, ent.C_TAGS)]
    assert "“不存在的标签”不是企业标签" in result.errors[0][2]
