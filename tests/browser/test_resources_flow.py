"""称号申报 in a real browser: district staff register a firm's application for 专精特新 from the menu, 未通过 without
a reason is refused in words, then they move it 推荐 → 公示 → 认定; the firm's page shows the label and the section of
创新平台与人才; the list counts it; the page fits a phone."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from keguan.enterprises.models import EnterpriseLabel

from .menu import menu_link
from .phone import assert_fits_phone

pytestmark = pytest.mark.browser


def _move(page, target: str, day: str, reason: str = "") -> None:
    form = page.get_by_test_id("move-form")
    form.get_by_label("下一步").select_option(label=target)
    form.get_by_label("日期").fill(day)
    if reason:
        form.get_by_label("未通过原因").fill(reason)
    form.get_by_role("button", name="变更状态").click()


def test_staff_grant_a_title_and_the_firm_shows_the_label(world, page, login_as):
    today = timezone.localdate().isoformat()
    firm = world.ent_a2
    login_as("staff")
    menu_link(page, "称号申报").click()
    expect(page.get_by_text("暂无称号申报")).to_be_visible()
    page.get_by_test_id("create").click()
    page.get_by_label("企业").fill(firm.credit_code)
    page.get_by_label("称号").select_option(label="专精特新")
    page.get_by_label("级别").select_option(label="省级")
    page.get_by_label("申报日期").fill(today)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("称号申报已登记")).to_be_visible()

    # only the legal next steps are offered; 未通过 without a reason is refused in words, nothing changes
    options = page.get_by_test_id("move-form").get_by_label("下一步").locator("option").all_inner_texts()
    assert options == ["推荐", "未通过"], options
    _move(page, "未通过", today)
    expect(page.get_by_text("未通过须写明原因")).to_be_visible()
    assert not EnterpriseLabel.objects.filter(enterprise=firm, kind="srdi").exists()

    _move(page, "推荐", today)
    expect(page.get_by_text(f"已推荐（{today}）")).to_be_visible()
    _move(page, "进入公示", today)
    _move(page, "认定", today)
    expect(page.get_by_test_id("granted-label")).to_contain_text("专精特新")

    # the firm's page shows the label, and the area's section names the application
    page.get_by_role("link", name="企业页面").click()
    expect(page.get_by_text("省级专精特新").first).to_be_visible()
    expect(page.get_by_role("heading", name="创新平台与人才")).to_be_visible()
    expect(page.get_by_role("link", name=f"{timezone.localdate().year}年申报省级专精特新")).to_be_visible()
    assert EnterpriseLabel.objects.filter(enterprise=firm, kind="srdi", level="provincial").count() == 1

    # the list counts it and fits a phone
    page.goto("/resources/recognitions/")
    expect(page.get_by_test_id("counts")).to_contain_text("申报1家，推荐1家，公示1家，认定1家")
    assert_fits_phone(page, size={"width": 375, "height": 800}, reload=True, what="认定清单")
