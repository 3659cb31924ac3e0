"""A district renames and reorders the parts of its work summary on 总结结构 (with htmx and without), and the
city sees its districts' summaries side by side."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from keguan.reports.models import ReportPartLayout
from keguan.reports.registry import parts as report_parts

from .menu import menu_link

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("KEGUAN_SCREENSHOTS")  # a directory: the pages at 1366 and 390 pixels wide are saved there


def _shot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_rename_and_reorder_the_summary_parts(world, page, login_as):
    login_as("staff")
    menu_link(page, "总结结构").click()
    rows = page.locator(".kg-structure > li")
    expect(rows.first).to_have_attribute("data-area", "projects")  # 科技项目, 创新主体培育, 研发投入: the areas' order
    expect(rows.nth(1)).to_have_attribute("data-area", "enterprises")
    page.get_by_label("创新主体培育 · 标题").fill("培育创新主体，壮大企业梯队")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#structure-notice")).to_contain_text("已保存")  # htmx: the card swapped in place
    # move 研发投入 up: it comes before 创新主体培育, the renamed heading kept
    page.get_by_role("button", name="上移“研发投入”").click()
    expect(rows.nth(1)).to_have_attribute("data-area", "rd")
    expect(page.get_by_label("创新主体培育 · 标题")).to_have_value("培育创新主体，壮大企业梯队")
    assert [r.area for r in ReportPartLayout.objects.filter(region=world.a).order_by("position")][:3] == [
        "projects", "rd", "enterprises"]
    # an empty heading: the error under the field, in Chinese
    page.get_by_label("研发投入 · 标题").fill("")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#structure")).to_contain_text("请填写标题")
    page.get_by_label("研发投入 · 标题").fill("加大研发投入，做好经费填报")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#structure-notice")).to_contain_text("已保存")
    expect(page.locator("#history")).to_contain_text("培育创新主体，壮大企业梯队")
    _shot(page, "structure")


def test_structure_page_works_without_scripts(world, browser, live_server):
    from tests.conftest import PASSWORD

    context = browser.new_context(base_url=live_server.url, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登 录").click()
    page.goto("/reports/structure/")
    page.get_by_role("button", name="下移“创新主体培育”").click()
    expect(page.locator(".kg-structure > li").nth(1)).to_have_attribute("data-area", "rd")
    expect(page.get_by_text(re.compile(r"已保存（\d 处改动）"))).to_be_visible()
    page.get_by_role("button", name="恢复默认").click()
    expect(page.get_by_text(f"已恢复默认结构（{len(report_parts())} 个部分）")).to_be_visible()
    expect(page.locator(".kg-structure > li").nth(1)).to_have_attribute("data-area", "enterprises")
    context.close()


def test_city_compares_its_districts(world, page, login_as):
    login_as("city")
    menu_link(page, "各区县总结对比").click()
    expect(page.locator(f'th[data-district="{world.a.code}"]')).to_contain_text("未保存 · 系统生成")
    expect(page.locator(".kg-cmp")).to_contain_text("突出创新主体培育，着力壮大科技企业梯队")
    _shot(page, "compare")
    # a phone shows one district, chosen with the selector
    page.set_viewport_size({"width": 390, "height": 900})
    expect(page.locator(f'th[data-district="{world.b.code}"]')).to_be_hidden()
    page.select_option("#id_one", world.b.code)
    expect(page.locator(f'th[data-district="{world.b.code}"]')).to_be_visible()
    expect(page.locator(f'th[data-district="{world.a.code}"]')).to_be_hidden()

