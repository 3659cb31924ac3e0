"""创新平台与人才 from Excel: each kind imports through the services, a second import of the same sheet updates
instead of duplicating, bad rows are named by row and column and nothing is written, and a recognitions sheet
walks the flow (认定 grants the label once)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from keguan.enterprises.models import EnterpriseLabel
from keguan.exchange.engine import check_file, run_import
from keguan.exchange.kinds import Context
from keguan.resources import exchange as kinds
from keguan.resources.models import (
    Agreement,
    ForeignExpert,
    Platform,
    PlatformApplication,
    PlatformEvaluation,
    Recognition,
    Talent,
)

TODAY = dt.date.today()
YEAR = TODAY.year
D = TODAY - dt.timedelta(days=40)


def book(rows: list[dict]) -> bytes:
    headers = list(dict.fromkeys(h for r in rows for h in r))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ctx(world, user=None):
    return Context(user=user or world.staff, region=world.a)


def sheets(world):
    code = world.ent_a.credit_code
    return {
        kinds.PLATFORMS: ([{"平台名称": "青秀工程中心", "平台类型": "工程技术研究中心", "级别": "省级", "依托单位": "青秀测试",
                            "统一社会信用代码": code, "认定年度": YEAR - 3},
                           {"平台名称": "青秀众创空间", "平台类型": "众创空间", "级别": "市级", "依托单位": "青秀园区",
                            "认定年度": YEAR - 5, "状态": "撤销", "撤销年度": YEAR - 1}], Platform, 2),
        kinds.TALENT: ([{"姓名/团队名称": "张青秀", "人才计划": "特支计划", "入选年度": YEAR - 1, "级别": "省级",
                         "所在单位": "青秀测试", "统一社会信用代码": code},
                        {"姓名/团队名称": "智能装备创新团队", "类别": "团队", "人才计划": "创新团队", "入选年度": YEAR,
                         "级别": "市级", "所在单位": "青秀测试"}], Talent, 2),
        kinds.EXPERTS: ([{"姓名": "John Smith", "国籍": "英国", "聘请单位": "青秀测试", "服务开始日期": D,
                          "工作许可证号": "X1", "工作许可到期日": TODAY + dt.timedelta(days=10)}], ForeignExpert, 1),
        kinds.AGREEMENTS: ([{"本地单位": "青秀测试", "合作高校/院所": "广西大学", "签订日期": D, "协议金额（万元）": 50,
                             "状态": "履行中"}], Agreement, 1),
        kinds.APPLICATIONS: ([{"拟建平台名称": "青秀重点实验室", "平台类型": "重点实验室", "申报级别": "市级",
                               "依托单位": "青秀测试", "申报日期": D, "结果": "获批", "结果日期": TODAY}],
                             PlatformApplication, 1),
    }


@pytest.mark.parametrize("name", ["resource_platforms", "resource_talent", "resource_experts", "resource_agreements",
                                  "resource_applications"])
def test_each_kind_imports_and_a_second_import_updates(world, name):
    kind, (rows, model, n) = next((k, v) for k, v in sheets(world).items() if k.code == name)
    checked = run_import(kind, book(rows), "x.xlsx", ctx(world))
    assert checked.added == n
    assert model.objects.count() == n
    again = run_import(kind, book(rows), "x.xlsx", ctx(world))
    assert (again.added, again.updated) == (0, 0) and model.objects.count() == n
    assert model.objects.first().history.first().history_user == world.staff
    # the export reads back unchanged
    out = list(kind.export_rows(ctx(world)))
    assert len(out) == n


def test_platform_update_and_approved_application_links_platform(world):
    rows, _, _ = sheets(world)[kinds.PLATFORMS]
    run_import(kinds.PLATFORMS, book(rows), "p.xlsx", ctx(world))
    rows[0]["级别"] = "国家级"
    again = run_import(kinds.PLATFORMS, book(rows), "p.xlsx", ctx(world))
    assert again.updated == 1 and Platform.objects.get(name="青秀工程中心").level == "national"
    assert Platform.objects.get(name="青秀工程中心").enterprise == world.ent_a
    # an approved application named as a registered platform links it instead of creating another
    app = [{"拟建平台名称": "青秀工程中心", "平台类型": "工程技术研究中心", "申报级别": "国家级", "依托单位": "青秀测试",
            "申报日期": D, "结果": "获批", "结果日期": TODAY}]
    run_import(kinds.APPLICATIONS, book(app), "a.xlsx", ctx(world))
    assert Platform.objects.count() == 2
    assert PlatformApplication.objects.get().platform == Platform.objects.get(name="青秀工程中心")


def test_evaluations_need_a_registered_platform(world):
    rows, _, _ = sheets(world)[kinds.PLATFORMS]
    run_import(kinds.PLATFORMS, book(rows), "p.xlsx", ctx(world))
    ev = [{"平台名称": "青秀工程中心", "考核年度": YEAR - 1, "考核结果": "优秀"},
          {"平台名称": "不存在的中心", "考核年度": YEAR - 1, "考核结果": "良好"}]
    checked = check_file(kinds.EVALUATIONS, book(ev), "e.xlsx", ctx(world))
    assert any(r == 3 and col == "平台名称" and "没有名为" in msg for r, col, msg, *_ in checked.errors)
    assert run_import(kinds.EVALUATIONS, book(ev[:1]), "e.xlsx", ctx(world)).added == 1
    ev[0]["考核结果"] = "合格"
    assert run_import(kinds.EVALUATIONS, book(ev[:1]), "e.xlsx", ctx(world)).updated == 1
    assert PlatformEvaluation.objects.get().grade == "pass"


def _rec(world, **kw):
    row = {"统一社会信用代码": world.ent_a.credit_code, "称号": "专精特新", "级别": "省级", "申报年度": YEAR,
           "状态": "申报", "申报日期": D}
    row.update(kw)
    return row


def test_recognitions_walk_the_flow_and_grant_the_label_once(world):
    run_import(kinds.RECOGNITIONS, book([_rec(world)]), "r.xlsx", ctx(world))
    assert Recognition.objects.get().status == "applied"
    later = _rec(world, 状态="认定", 推荐日期=D + dt.timedelta(days=5), 公示日期=D + dt.timedelta(days=20),
                 **{"认定/结果日期": TODAY})
    checked = run_import(kinds.RECOGNITIONS, book([later]), "r.xlsx", ctx(world))
    assert checked.updated == 1
    r = Recognition.objects.get()
    assert (r.status, r.publicised_on, r.decided_on) == ("granted", D + dt.timedelta(days=20), TODAY)
    assert EnterpriseLabel.objects.filter(enterprise=world.ent_a, kind="srdi").count() == 1
    # the same sheet again changes nothing; going back is refused
    assert run_import(kinds.RECOGNITIONS, book([later]), "r.xlsx", ctx(world)).updated == 0
    back = check_file(kinds.RECOGNITIONS, book([_rec(world, 状态="公示", 推荐日期=D, 公示日期=D)]), "r.xlsx", ctx(world))
    assert any(col == "状态" and "不能再变更状态" in msg for _r, col, msg, *_ in back.errors)
    assert EnterpriseLabel.objects.filter(enterprise=world.ent_a, kind="srdi").count() == 1


@pytest.mark.parametrize(("change", "header", "words"), [
    ({"统一社会信用代码": None}, "统一社会信用代码", "不能为空"),
    ({"称号": "规上企业"}, "称号", "不是称号"),
    ({"状态": "公示", "推荐日期": D}, "公示日期", "请填写公示日期"),
    ({"状态": "推荐", "推荐日期": D - dt.timedelta(days=3)}, "推荐日期", "不能早于上一步"),
    ({"状态": "未通过", "认定/结果日期": D}, "未通过原因", "须写明原因"),
    ({"申报日期": TODAY + dt.timedelta(days=3)}, "申报日期", "不能晚于今天"),
])
def test_a_bad_recognition_row_is_named_and_nothing_is_written(world, change, header, words):
    rows = [_rec(world, 称号="瞪羚企业", 级别="—"), _rec(world, **change)]
    checked = check_file(kinds.RECOGNITIONS, book(rows), "r.xlsx", ctx(world))
    assert not checked.ok
    assert any(r == 3 and col == header and words in msg for r, col, msg, *_ in checked.errors), checked.errors
    with pytest.raises(Exception):  # noqa: B017 - the engine's ImportRejected
        run_import(kinds.RECOGNITIONS, book(rows), "r.xlsx", ctx(world))
    assert not Recognition.objects.exists()


def test_a_firm_of_another_district_is_named(world):
    rows = [{"本地单位": "x", "统一社会信用代码": world.ent_b.credit_code, "合作高校/院所": "广西大学", "签订日期": D}]
    checked = check_file(kinds.AGREEMENTS, book(rows), "a.xlsx", ctx(world))
    assert any(r == 2 and col == "统一社会信用代码" and "不在本区县的企业库中" in msg for r, col, msg, *_ in checked.errors)
    assert Agreement.objects.count() == 0


def test_amounts_are_read_in_wan(world):
    rows = [{"本地单位": "x", "合作高校/院所": "广西大学", "签订日期": D, "协议金额（万元）": "12.5"}]
    run_import(kinds.AGREEMENTS, book(rows), "a.xlsx", ctx(world))
    assert Agreement.objects.get().amount == Decimal("125000.00")
