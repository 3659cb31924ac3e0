"""村级覆盖 in a real browser: district staff see a village without a commissioner highlighted and the coverage
below the target, assign a commissioner from the village's page and see full coverage; the page fits a
phone (375 px) and prints as a table."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from keguan.fieldwork.services import roster as svc
from keguan.regions.services import villages_create

from .menu import menu_link
from .phone import assert_fits_phone

pytestmark = pytest.mark.browser


def _scene(world):
    t, t2 = world.a_town, world.a_town2
    v1 = villages_create(township=t, villages=[(f"{t.code}201", "石岭村")], source="测试")[0]
    v2 = villages_create(township=t2, villages=[(f"{t2.code}202", "那马村")], source="测试")[0]
    svc.village_flags_set(actor=None, village=v2, key_industry=True, weak_economy=False, revitalisation=False)
    start = dt.date(dt.date.today().year - 1, 1, 1)
    c = svc.commissioner_create(actor=None, district=world.a, name="李明", level="city", kind="agriculture",
                                start_on=start)
    svc.commissioner_create(actor=None, district=world.a, name="黄芳", level="county", kind="agriculture",
                            start_on=start)
    svc.assignment_create(actor=None, district=world.a, commissioner=c, village=v1, start_on=start)
    return v1, v2


def test_coverage_gap_closed_from_the_village_page(world, page, login_as):
    _scene(world)
    login_as("staff")
    menu_link(page, "村级覆盖").click()
    expect(page.get_by_test_id("coverage-rate")).to_have_text("50.0%")
    expect(page.get_by_test_id("coverage-gap")).to_have_text("1")
    gap = page.locator("tr[data-uncovered]")
    expect(gap).to_have_count(1)
    expect(gap).to_contain_text("那马村")
    expect(gap).to_contain_text("未覆盖")
    expect(page.get_by_test_id("by-flag").locator("tr", has_text="重点产业发展村")).to_contain_text("0.0%")

    gap.get_by_role("link", name="那马村").click()
    page.get_by_role("link", name="新增结对").click()
    page.get_by_label("科技特派员").select_option(label="黄芳")
    page.get_by_label("开始日期").fill(dt.date.today().replace(month=1, day=1).isoformat())
    page.get_by_label("结束日期").fill("2000-01-01")  # before the start: refused beside the field
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("不能早于")
    page.get_by_label("结束日期").fill("")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已登记结对")

    menu_link(page, "村级覆盖").click()
    expect(page.get_by_test_id("coverage-rate")).to_have_text("100.0%")
    expect(page.locator("tr[data-uncovered]")).to_have_count(0)
    expect(page.get_by_test_id("coverage-summary")).to_contain_text("已实现全覆盖")


def test_coverage_on_a_phone_and_printed(world, page, login_as):
    _scene(world)
    login_as("staff")
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/fieldwork/coverage/")
    expect(page.get_by_test_id("coverage-rate")).to_have_text("50.0%")
    expect(page.locator("tr[data-uncovered]")).to_contain_text("那马村")
    assert_fits_phone(page, size={"width": 375, "height": 812}, what="覆盖情况")
    page.goto("/fieldwork/coverage/?print=1")
    expect(page.locator("body.kg-print")).to_be_visible()
    expect(page.get_by_test_id("print-filters")).to_contain_text("统计期间")
    expect(page.locator("tr[data-village]")).to_have_count(2)
    expect(page.get_by_role("navigation", name="主菜单")).to_have_count(0)
