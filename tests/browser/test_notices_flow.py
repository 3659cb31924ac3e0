"""通知公告 in a real browser: a district clerk publishes a notice with an attachment to the township staff of
one township; the township liaison sees the unread badge, opens the notice and its attachment; the clerk sees
1 已读. Screenshots (desktop and phone) go to KEGUAN_SHOTS when it is set."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from .menu import menu_link

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def shot(page, name: str) -> None:
    folder = os.environ.get("KEGUAN_SHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_clerk_publishes_township_reads_clerk_sees_it_read(world, page, login_as, tmp_path):
    attachment = tmp_path / "申报指南.pdf"
    attachment.write_bytes(PDF)
    wrong = tmp_path / "程序.exe"
    wrong.write_bytes(b"MZ\x90\x00")

    login_as("staff")
    menu_link(page, "通知公告管理").click()
    page.get_by_role("link", name="起草通知").first.click()
    page.get_by_label("标题").fill("关于开展科技型中小企业评价入库摸排的通知")
    page.get_by_label("正文").fill("各乡镇（街道）专干：\n\n请于本月底前完成辖区企业摸排。\n\n联系人：区科技局成果科。")
    page.get_by_label("乡镇（街道）专干").check()
    page.get_by_label(world.a_town.name).check()
    page.get_by_label("附件").set_input_files([str(wrong)])
    page.get_by_role("button", name="发布").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("类型不允许")  # refused, nothing published
    shot(page, "notice-form-error")
    page.get_by_label("附件").set_input_files([str(attachment)])
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_test_id("read-count")).to_have_text("0 已读")
    expect(page.get_by_test_id("unread-count")).to_have_text("1 未读")
    page.get_by_role("button", name="退出").click()

    login_as("town")
    expect(page.get_by_test_id("unread-badge")).to_have_text("1")
    page.get_by_test_id("message-badge").click()
    shot(page, "notice-inbox")
    page.get_by_role("link", name="关于开展科技型中小企业评价入库摸排的通知").click()
    expect(page.get_by_text("请于本月底前完成辖区企业摸排。")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_test_id("attachment").click()
    assert download.value.suggested_filename == "申报指南.pdf"
    shot(page, "notice-read")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "notice-read-phone")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.reload()
    expect(page.get_by_test_id("unread-badge")).to_have_count(0)
    page.get_by_role("button", name="退出").click()

    login_as("staff")
    menu_link(page, "通知公告管理").click()
    page.get_by_role("link", name="关于开展科技型中小企业评价入库摸排的通知").click()
    expect(page.get_by_test_id("read-count")).to_have_text("1 已读")
    expect(page.get_by_test_id("unread-count")).to_have_text("0 未读")
    shot(page, "notice-detail")


def test_todo_count_in_the_top_bar_leads_to_the_home_page(world, page, login_as):
    """An R&D round past its deadline with two firms not reported: the clerk's top bar says 待办 2, the home
    page lists it as 已逾期 with a link to the firms not reported."""
    import datetime as dt

    from django.utils import timezone

    from keguan.rd.models import RdFirm
    from keguan.rd.services import rd_firm_add, rd_round_create

    today = timezone.localdate()
    rd_round = rd_round_create(actor=world.staff, district=world.a, year=today.year - 1,
                               opened_on=today - dt.timedelta(days=40), due_on=today - dt.timedelta(days=3))
    for e in (world.ent_a, world.ent_a2):
        if not RdFirm.objects.filter(round=rd_round, enterprise=e).exists():
            rd_firm_add(rd_round=rd_round, actor=world.staff, enterprise=e)
    login_as("staff")
    menu_link(page, "企业库").click()
    expect(page.get_by_test_id("todo-count")).to_contain_text("2")
    page.get_by_test_id("todo-count").click()
    reminder = page.get_by_test_id("reminder").filter(has_text="研发经费填报")
    expect(reminder).to_contain_text("已逾期")
    shot(page, "home-todo")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "home-todo-phone")
    reminder.get_by_role("link").click()
    expect(page.locator("tr", has_text=world.ent_a2.name)).to_be_visible()
