"""责任状 in a real browser: staff register a commissioner's letter for last year, record a training it attended,
assess it (a goals-met count over the goals first: refused beside the field; the points line by line), tune
the points rule; the commissioner reads its own letter on a phone (375×812), read-only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from keguan.fieldwork.models import Kind, Level, ServiceKind, ServiceLog
from keguan.fieldwork.services import roster
from keguan.regions.services import villages_create

from .menu import menu_link
from .phone import assert_fits_phone

pytestmark = pytest.mark.browser

YEAR = dt.date.today().year - 1


def test_letter_assessment_rule_and_the_commissioners_view(world, page, login_as):
    village = villages_create(township=world.a_town, villages=[(f"{world.a_town.code}201", "浏览村")], source="测试")[0]
    c = roster.commissioner_create(actor=None, district=world.a, name="韦浏览", level=Level.COUNTY,
                                   kind=Kind.AGRICULTURE, field="crops", employer="区农技中心",
                                   start_on=dt.date(YEAR - 1, 1, 1), user=world.expert)
    for month in range(1, 11):  # 10 logs: 20 points
        ServiceLog.objects.create(district=world.a, township=world.a_town, commissioner=c, village=village,
                                  served_on=dt.date(YEAR, month, 5), kind=ServiceKind.GUIDANCE, content="指导",
                                  served=8)

    login_as("staff")
    menu_link(page, "责任状与考核").click()
    page.get_by_role("link", name="登记责任状").first.click()
    page.get_by_label("科技特派员").select_option(label="韦浏览（区县级、区农技中心）")
    page.get_by_label("年度").select_option(str(YEAR))
    page.get_by_label("目标任务").fill("全年服务不少于24次\n引进新品种2个")
    page.get_by_label("签订日期").fill(dt.date(YEAR, 2, 20).isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("letter-status")).to_have_text("已签订")
    expect(page.get_by_test_id("points-total")).to_have_text("20")  # 10 logs × 2, no goal met yet

    # a training it attended: 8 hours → 8 points
    menu_link(page, "特派员培训").click()
    page.get_by_role("link", name="登记培训").first.click()
    page.get_by_label("培训名称").fill("特派员业务培训")
    page.get_by_label("培训日期").fill(dt.date(YEAR, 6, 1).isoformat())
    page.locator("#id_hours").fill("8")
    page.get_by_label("韦浏览", exact=True).check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("attendances")).to_contain_text("韦浏览")

    menu_link(page, "责任状与考核").click()
    page.get_by_label("年度").select_option(str(YEAR))
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="韦浏览").click()
    page.get_by_role("link", name="年度考核").click()
    expect(page.get_by_test_id("points-total")).to_have_text("58")  # 20 + 8 + 2/2 × 30
    page.get_by_label("完成目标数").fill("3")
    page.get_by_role("button", name="保存考核结果").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("不能超过目标总数 2")
    page.get_by_label("完成目标数").fill("1")
    page.get_by_role("button", name="按完成目标数重新计算").click()
    expect(page.get_by_test_id("points-total")).to_have_text("43")  # 20 + 8 + 15
    expect(page.get_by_test_id("suggested-rating")).to_have_text("不合格")
    page.get_by_label("考核等次").select_option(label="基本合格")
    page.get_by_label("考核意见").fill("下村服务次数偏少")
    page.get_by_role("button", name="保存考核结果").click()
    expect(page.get_by_test_id("letter-status")).to_have_text("已考核")
    expect(page.get_by_test_id("stored-points")).to_have_text("43")
    expect(page.get_by_test_id("stored-rating")).to_have_text("基本合格")

    # the bureau tunes the rule: 3 points a log; the stored points stay, the page says what they would be now
    letter_url = page.url
    page.get_by_role("link", name="计分规则", exact=True).click()
    page.get_by_label("每条服务日志").fill("3")
    page.locator("#id_pass_from").fill("95")
    page.get_by_role("button", name="保存规则").click()
    expect(page.locator(".alert-danger")).to_contain_text("优秀分数线 ≥ 合格分数线")
    page.locator("#id_pass_from").fill("60")
    page.get_by_role("button", name="保存规则").click()
    expect(page.get_by_test_id("rule-words")).to_contain_text("每条记 3 分，最高 40 分")
    page.goto(letter_url)
    expect(page.get_by_test_id("stored-points")).to_have_text("43")
    expect(page.get_by_text("按当前记录和规则重算为 53 分")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    # the commissioner, on a phone: its own letter, read-only
    page.set_viewport_size({"width": 375, "height": 812})
    login_as("expert")
    page.goto("/fieldwork/letters/?year=")
    page.get_by_role("link", name="韦浏览").click()
    expect(page.get_by_test_id("stored-rating")).to_have_text("基本合格")
    expect(page.get_by_test_id("goals")).to_contain_text("引进新品种2个")
    expect(page.get_by_role("link", name=re.compile(r"^\W*修改$"))).to_have_count(0)
    assert_fits_phone(page, size={"width": 375, "height": 812}, what="任务书页面")
