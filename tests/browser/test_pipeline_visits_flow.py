"""辅导走访记录 in a real browser: a clerk records a visit on a firm's 资质与培育 page (a future date is refused
beside the field), finds it on the visits list, filters it by topic and by name, and the list fits a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from keguan.pipeline.models import TutoringVisit

from .phone import assert_fits_phone

pytestmark = pytest.mark.browser


def test_a_visit_recorded_on_the_firm_shows_on_the_visits_list(world, page, login_as):
    today = timezone.localdate()
    login_as("staff")
    page.goto(f"/pipeline/{world.ent_a.pk}/records/#visits")
    form = page.locator("#visits form")
    form.get_by_label("辅导日期").fill((today + dt.timedelta(days=3)).isoformat())
    form.get_by_label("辅导内容").select_option(label="高企申报辅导")
    form.get_by_label("辅导人/机构").fill("区科技局 王科员")
    form.get_by_label("辅导情况").fill("讲解研发费用归集口径，企业计划年底前整理辅助账")
    form.get_by_role("button", name="登记辅导").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("日期")  # a future date: refused beside the field
    assert not TutoringVisit.objects.exists()
    form = page.locator("#visits form")
    form.get_by_label("辅导日期").fill(today.isoformat())
    form.get_by_role("button", name="登记辅导").click()
    expect(page.locator("#visits")).to_contain_text("讲解研发费用归集口径")
    assert TutoringVisit.objects.filter(enterprise=world.ent_a).count() == 1

    page.goto("/pipeline/visits/")
    table = page.get_by_test_id("visit-list")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text(world.ent_a.name)
    expect(table).to_contain_text("高企申报辅导")
    page.get_by_label("辅导内容").select_option(label="政策宣讲")
    expect(page.locator(".kg-empty")).to_contain_text("没有符合条件的辅导走访记录")
    page.get_by_label("辅导内容").select_option(label="全部")
    page.get_by_role("search").get_by_role("textbox").fill(world.ent_a.name[:4])
    page.get_by_role("button", name="查询").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    table.get_by_role("link", name=world.ent_a.name).click()
    assert f"/pipeline/{world.ent_a.pk}/records/" in page.url

    page.goto("/pipeline/visits/")
    assert_fits_phone(page, size={"width": 375, "height": 812}, what="走访清单")
