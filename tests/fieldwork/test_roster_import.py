"""The roster's import kinds: a good file goes in, bad rows are named by row and column with nothing written,
a re-import updates instead of duplicating; the village flags list creates missing villages."""

from __future__ import annotations

import datetime as dt

import pytest

from keguan.core.errors import ImportRejected
from keguan.exchange.engine import run_import
from keguan.exchange.kinds import Context
from keguan.exchange.registry import get_kind
from keguan.fieldwork.exchange import roster as x
from keguan.fieldwork.models import Assignment, Commissioner, Team, VillageInfo
from keguan.fieldwork.services import roster as svc
from keguan.regions.models import Region, RegionLevel
from keguan.regions.services import villages_create
from tests.conftest import workbook

D = dt.date


def ctx(world):
    return Context(user=world.staff, region=world.a)


def rejected(kind, rows, headers, world) -> list[tuple]:
    with pytest.raises(ImportRejected) as e:
        run_import(kind, workbook(rows, headers), "表.xlsx", ctx(world))
    return e.value.errors


def test_kinds_are_declared_by_the_area():
    for kind in (x.COMMISSIONERS, x.TEAMS, x.ASSIGNMENTS, x.VILLAGE_FLAGS):
        assert get_kind(kind.code) is kind
        assert (kind.import_perm, kind.export_perm) == ("fieldwork.import", "fieldwork.export")


C_HEAD = (x.C_NAME, x.C_LEVEL, x.C_BATCH, x.C_KIND, x.C_EMPLOYER, x.C_START, x.C_END, x.C_ACCOUNT)


def test_commissioners_good_file_bad_rows_and_reimport(world):
    rows = [("张三", "市级", 3, "农业", "农科所", "2024-01-01", "", "expert"),
            ("李四", "区县级", "", "工业（产业）科技特派员", "", D(2023, 5, 1), "", "")]
    checked = run_import(x.COMMISSIONERS, workbook(rows, C_HEAD), "名册.xlsx", ctx(world))
    assert (checked.added, checked.updated) == (2, 0)
    z = Commissioner.objects.get(name="张三")
    assert (z.district, z.level, z.batch, z.kind, z.user) == (world.a, "city", 3, "agriculture", world.expert)
    # re-import: one changed, one the same
    rows[1] = ("李四", "区县级", "", "工业", "某机械厂", D(2023, 5, 1), "", "")
    checked = run_import(x.COMMISSIONERS, workbook(rows, C_HEAD), "名册.xlsx", ctx(world))
    assert (checked.added, checked.updated, checked.unchanged) == (0, 1, 1)
    assert Commissioner.objects.count() == 2 and Commissioner.objects.get(name="李四").employer == "某机械厂"
    # bad rows: named by row and column, nothing written
    bad = [("王五", "镇级", "", "农业", "", "2024-01-01", "", ""),
           ("赵六", "市级", "", "农业", "", "2024-03-01", "2024-02-01", "staff")]
    errors = rejected(x.COMMISSIONERS, bad, C_HEAD, world)
    where = {(row, col) for row, col, _msg in errors}
    assert (2, x.C_LEVEL) in where and (3, x.C_END) in where and (3, x.C_ACCOUNT) in where
    assert not Commissioner.objects.filter(name__in=["王五", "赵六"]).exists()


T_HEAD = (x.T_NAME, x.T_KIND, x.T_INDUSTRIES, x.T_START, x.T_MEMBER, x.T_CHIEF, x.T_DUTY)


def test_teams_and_members(world):
    for name in ("甲", "乙", "丙"):
        svc.commissioner_create(actor=None, district=world.a, name=name, level="city", kind="agriculture",
                                start_on=D(2023, 1, 1))
    rows = [("茉莉花服务团", "科技专家服务团", "茉莉花", "2024-01-01", "甲", "是", "组长"),
            ("茉莉花服务团", "", "", "", "乙", "否", "种植"),
            ("甘蔗帮扶团", "首席专家帮扶团", "甘蔗", "2024-02-01", "", "", "")]
    checked = run_import(x.TEAMS, workbook(rows, T_HEAD), "服务团.xlsx", ctx(world))
    assert checked.added == 3
    team = Team.objects.get(name="茉莉花服务团")
    assert [(m.commissioner.name, m.is_chief, m.duty) for m in team.members.order_by("commissioner__name")] == [
        ("乙", False, "种植"), ("甲", True, "组长")]
    assert Team.objects.get(name="甘蔗帮扶团").kind == "chief"
    rows[1] = ("茉莉花服务团", "", "", "", "乙", "是", "种植推广")  # 乙 becomes chief
    rows[0] = ("茉莉花服务团", "科技专家服务团", "茉莉花", "2024-01-01", "甲", "否", "组长")
    run_import(x.TEAMS, workbook(rows, T_HEAD), "服务团.xlsx", ctx(world))
    chiefs = list(team.members.filter(is_chief=True).values_list("commissioner__name", flat=True))
    assert chiefs == ["乙"] and team.members.count() == 2
    errors = rejected(x.TEAMS, [("新团", "", "", "", "不存在", "", ""), ("新团", "", "", "", "甲", "是", ""),
                                ("新团", "", "", "", "丙", "是", "")], T_HEAD, world)
    where = {(row, col) for row, col, _msg in errors}
    assert {(2, x.T_START), (2, x.T_MEMBER), (4, x.T_CHIEF)} <= where
    assert not Team.objects.filter(name="新团").exists()


A_HEAD = (x.A_WHO, x.A_VILLAGE, x.A_FIRM, x.A_START, x.A_END, x.A_NOTE)


def test_assignments(world):
    v = villages_create(township=world.a_town, villages=[(f"{world.a_town.code}201", "石岭村")], source="测试")[0]
    vb = villages_create(township=world.b_town, villages=[(f"{world.b_town.code}201", "乙村")], source="测试")[0]
    svc.commissioner_create(actor=None, district=world.a, name="甲", level="city", kind="industry",
                            start_on=D(2023, 1, 1))
    rows = [("甲", v.code, "", "2024-01-01", "", "驻村"), ("甲", "", world.ent_a.credit_code, "2024-01-01", "", "")]
    checked = run_import(x.ASSIGNMENTS, workbook(rows, A_HEAD), "结对.xlsx", ctx(world))
    assert checked.added == 2 and Assignment.objects.filter(village=v, enterprise=None).count() == 1
    rows[0] = ("甲", v.code, "", "2024-01-01", "2024-12-31", "驻村")
    checked = run_import(x.ASSIGNMENTS, workbook(rows, A_HEAD), "结对.xlsx", ctx(world))
    assert (checked.added, checked.updated, checked.unchanged) == (0, 1, 1)
    assert Assignment.objects.get(village=v).end_on == D(2024, 12, 31)
    bad = [("乙", v.code, "", "2025-01-01", "", ""), ("甲", vb.code, "", "2025-01-01", "", ""),
           ("甲", "", world.ent_b.credit_code, "2025-01-01", "", ""), ("甲", "", "", "2025-01-01", "", ""),
           ("甲", v.code, "", "2025-02-01", "2025-01-01", "")]
    where = {(row, col) for row, col, _msg in rejected(x.ASSIGNMENTS, bad, A_HEAD, world)}
    assert {(2, x.A_WHO), (3, x.A_VILLAGE), (4, x.A_FIRM), (5, x.A_VILLAGE), (6, x.A_END)} <= where
    # an overlap refused by the service is reported at its row, and nothing of the file is kept
    clash = [("甲", v.code, "", "2025-01-01", "", ""), ("甲", v.code, "", "2024-06-01", "", "")]
    errors = rejected(x.ASSIGNMENTS, clash, A_HEAD, world)
    assert any(row == 3 and "重叠" in msg for row, _col, msg in errors)
    assert Assignment.objects.count() == 2


F_HEAD = (x.V_CODE, x.V_NAME, x.V_TOWN, "重点产业发展村", "村级经济薄弱村", "乡村振兴驻点村", x.V_INDUSTRIES)


def test_village_flags_list_creates_villages_and_sets_flags(world):
    t, t2 = world.a_town, world.a_town2
    existing = villages_create(township=t, villages=[(f"{t.code}001", "东风社区")], source="测试")[0]
    rows = [(f"{t.code}001", "东风社区", t.name, "是", "否", "", "茉莉花"),
            (int(f"{t2.code}201"), "石岭村", "", "√", "是", "是", ""),
            (f"{t2.code}202", "那马村", t2.name, "", "", "", "")]
    checked = run_import(x.VILLAGE_FLAGS, workbook(rows, F_HEAD), "村.xlsx", ctx(world))
    assert checked.added == 3
    new = Region.objects.get(code=f"{t2.code}201")
    assert (new.level, new.parent, new.name) == (RegionLevel.VILLAGE, t2, "石岭村")
    info = VillageInfo.objects.get(village=new)
    assert (info.key_industry, info.weak_economy, info.revitalisation, info.township) == (True, True, True, t2)
    assert VillageInfo.objects.get(village=existing).industries == "茉莉花"
    assert VillageInfo.objects.get(village__code=f"{t2.code}202").key_industry is False
    rows[0] = (f"{t.code}001", "东风社区", t.name, "否", "否", "", "茉莉花")
    checked = run_import(x.VILLAGE_FLAGS, workbook(rows, F_HEAD), "村.xlsx", ctx(world))
    assert (checked.added, checked.updated, checked.unchanged) == (0, 1, 2)
    assert not VillageInfo.objects.get(village=existing).key_industry
    bad = [(f"{world.b_town.code}201", "别区村", "", "", "", "", ""), (f"{t.code}500", "错码村", "", "", "", "", ""),
           (f"{t.code}210", "某村", t2.name, "也许", "", "", "")]
    where = {(row, col) for row, col, _msg in rejected(x.VILLAGE_FLAGS, bad, F_HEAD, world)}
    assert {(2, x.V_CODE), (3, x.V_CODE), (4, x.V_TOWN), (4, "重点产业发展村")} <= where
    assert not Region.objects.filter(name__in=["别区村", "错码村", "某村"]).exists()


def test_exports_read_back(world):
    svc.commissioner_create(actor=None, district=world.a, name="甲", level="city", kind="agriculture",
                            start_on=D(2023, 1, 1), phone="13700000000")
    svc.commissioner_create(actor=None, district=world.b, name="乙区人", level="city", kind="agriculture",
                            start_on=D(2023, 1, 1))
    rows = list(x.COMMISSIONERS.export_rows(Context(user=world.staff, region=world.a)))
    assert [r[0] for r in rows] == ["甲"] and rows[0][2] == "市级"
