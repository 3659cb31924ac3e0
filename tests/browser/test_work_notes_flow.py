"""工作纪实 in a browser: a clerk records what the bureau did, a future date is refused in Chinese beside the field,
and the generated summary writes the note into its part; the page fits a phone."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .menu import menu_link
from .phone import assert_fits_phone

pytestmark = pytest.mark.browser


def test_record_a_note_and_find_it_in_the_summary(world, page, login_as):
    today = timezone.localdate()
    login_as("staff")
    menu_link(page, "工作纪实").click()
    expect(page.get_by_text("还没有工作纪实")).to_be_visible()
    form = page.get_by_test_id("note-form")
    form.get_by_label("日期").fill((today.replace(year=today.year + 1)).isoformat())
    form.get_by_label("工作领域").select_option(label="创新主体培育")
    form.get_by_label("小标题").fill("积极组织企业参加科技创新培训")
    form.get_by_label("做了什么").fill("组织辖区12家企业参加市科技局线上培训")
    form.get_by_role("button", name="添加").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("日期不能晚于今天")
    page.get_by_test_id("note-form").get_by_label("日期").fill(today.isoformat())
    page.get_by_test_id("note-form").get_by_role("button", name="添加").click()
    expect(page.get_by_test_id("note-list")).to_contain_text("组织辖区12家企业参加市科技局线上培训")
    assert_fits_phone(page, what="工作记事")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/reports/")
    page.select_option("#id_period", str(today.year))
    page.get_by_role("button", name="生成初稿").click()
    expect(page.locator("#report-preview")).to_contain_text(
        f"积极组织企业参加科技创新培训。{today.month}月{today.day}日，组织辖区12家企业参加市科技局线上培训。")
