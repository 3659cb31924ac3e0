"""The administrator renames a 企业标签 on 数据字典; a district clerk ticks it on a firm, sees it on the firm's
page and finds the firm by it in 企业库; the administrator then finds the clerk's edit in the 操作日志."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .menu import menu_link

pytestmark = pytest.mark.browser

SHOTS = "/tmp/kg-shots"


def _shot(page, name: str) -> None:
    import os

    if os.environ.get("KEGUAN_SHOTS"):
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_rename_a_tag_tick_it_filter_by_it_and_find_the_edit_in_the_log(world, page, login_as):
    login_as("city")
    menu_link(page, "数据字典").click()
    expect(page.get_by_role("heading", name="数据字典")).to_be_visible()
    _shot(page, "dictionary")
    page.get_by_role("link", name="企业标签").click()
    page.locator("tr", has_text="重点跟踪").get_by_role("link", name="编辑").click()
    page.get_by_label("名称").fill("重点跟踪服务")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存“重点跟踪服务”")).to_be_visible()
    _shot(page, "dictionary_kind")
    page.get_by_role("button", name="退出").click()

    login_as("staff")
    page.goto(f"/enterprises/{world.ent_a.pk}/edit/")
    page.get_by_label("重点跟踪服务").check()
    _shot(page, "enterprise_form")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#tags")).to_contain_text("重点跟踪服务")
    page.goto("/enterprises/")
    page.wait_for_load_state("load")
    page.get_by_label("标签").select_option(label="重点跟踪服务")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results tbody tr")).to_contain_text(world.ent_a.name)
    page.get_by_role("button", name="退出").click()

    login_as("city")
    page.goto("/accounts/oplog/")
    row = page.locator("tbody tr", has_text=world.ent_a.name).first
    expect(row).to_contain_text("企业标签")
    expect(row).to_contain_text("staff")
    _shot(page, "oplog")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "oplog_phone")
    page.get_by_role("link", name="登录日志（含锁定）").click()
    expect(page.locator("tbody")).to_contain_text("/")  # the client as "browser / system"
    _shot(page, "login_log_phone")
