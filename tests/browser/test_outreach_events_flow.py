"""科技活动 in a browser: a clerk records a 科技下乡 with photos, materials and a firm; the event shows on the month
calendar and in the list, its photos are shown on its page, and the generated summary writes the sentence for it
("开展科技下乡活动1次，共发放各类科技知识宣传册一万余本")."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from .menu import menu_link
from .phone import assert_fits_phone

pytestmark = pytest.mark.browser


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buf, "PNG")
    return buf.getvalue()


def test_record_an_event_and_find_it_on_the_calendar_the_list_and_the_summary(world, page, login_as):
    today = timezone.localdate()
    login_as("staff")
    menu_link(page, re.compile("科技活动$")).click()
    expect(page.get_by_text("还没有科技活动")).to_be_visible()
    page.get_by_test_id("event-new").click()
    form = page.get_by_test_id("event-form")
    form.get_by_label("活动名称").fill("科技下乡进石埠")
    form.get_by_label("活动类型").select_option(label="科技下乡")
    form.get_by_label("开始日期").fill(today.isoformat())
    form.get_by_label("参与人数（人次）").fill("1500")
    form.get_by_label("解答咨询（个）").fill("120")
    form.get_by_label("宣传册").fill("12000")
    form.get_by_label("企业1", exact=True).fill("不在库里的公司")
    form.get_by_label("活动照片（可选）").set_input_files([
        {"name": "现场一.png", "mimeType": "image/png", "buffer": _png()},
        {"name": "现场二.png", "mimeType": "image/png", "buffer": _png()},
    ])
    page.get_by_test_id("event-save").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("不是青秀区企业库中的企业")
    form = page.get_by_test_id("event-form")
    form.get_by_label("企业1", exact=True).fill(world.ent_a.name)
    form.get_by_label("活动照片（可选）").set_input_files([
        {"name": "现场一.png", "mimeType": "image/png", "buffer": _png()},
        {"name": "现场二.png", "mimeType": "image/png", "buffer": _png()},
    ])
    page.get_by_test_id("event-save").click()
    expect(page.locator("h1")).to_contain_text("科技下乡进石埠")
    expect(page.get_by_test_id("event-materials")).to_contain_text("12000本")
    expect(page.get_by_test_id("event-firms")).to_contain_text(world.ent_a.name)
    photos = page.get_by_test_id("event-photos").locator("img")
    expect(photos).to_have_count(2)
    photos.first.scroll_into_view_if_needed()  # (lazy images load when they come into view)
    page.wait_for_function("Array.from(document.querySelectorAll('[data-testid=event-photos] img'))"
                           ".every(img => img.complete && img.naturalWidth > 0)")
    menu_link(page, "活动日历").click()
    expect(page.get_by_test_id("event-calendar")).to_contain_text("科技下乡进石埠")
    menu_link(page, re.compile("科技活动$")).click()
    expect(page.get_by_test_id("event-list")).to_contain_text("科技下乡进石埠")
    assert_fits_phone(page, what="活动清单")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/reports/")
    page.select_option("#id_period", str(today.year))
    page.get_by_role("button", name="生成初稿").click()
    preview = page.locator("#report-preview")
    expect(preview).to_contain_text("加强科普宣传和企业服务，营造浓厚科技创新氛围")
    expect(preview).to_contain_text("组织开展科技下乡活动1次，共发放各类科技知识宣传册一万余本，服务群众1500人次，"
                                    "为群众解答各类疑难问题120个。")
