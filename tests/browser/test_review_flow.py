"""专家评审 in the browser: staff run the automatic assignment, pick a reviewer by hand with a reason, and the
expert scores the application on its criteria; the scores show on the results page. Screenshots (with
KEGUAN_SHOTS=1) of the assignment page and the scoring form at 1366 and 390 pixels."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from keguan.projects.models import Application, Call, Criterion, Expert, Level, Program, Status

from .menu import menu_link

pytestmark = pytest.mark.browser

SHOTS = "/tmp/kg-shots"


def _shot(page, name: str) -> None:
    if os.environ.get("KEGUAN_SHOTS"):
        os.makedirs(SHOTS, exist_ok=True)
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1366, "height": 900})


def test_assign_override_score_and_see_the_result(world, page, login_as):
    today = timezone.localdate()
    program = Program.objects.create(region=world.a, name="区科技计划", level=Level.COUNTY, managing_body="青秀区科技局")
    call = Call.objects.create(program=program, region=world.a, year=today.year, title="2026年青秀区科技计划项目申报",
                               opens_on=today - dt.timedelta(days=40), closes_on=today - dt.timedelta(days=10),
                               reviewers_per_application=2)
    Criterion.objects.create(call=call, name="技术创新性", weight=40, position=1)
    Criterion.objects.create(call=call, name="实施可行性", weight=35, position=2)
    Criterion.objects.create(call=call, name="经济社会效益", weight=25, position=3)
    for title, ent, field in (("面向工业互联网的边缘计算网关研发", world.ent_a, "electronics"),
                              ("高强韧铝合金型材关键工艺", world.ent_a2, "materials")):
        Application.objects.create(call=call, year=call.year, enterprise=ent, district=world.a, title=title, field=field,
                                   status=Status.REVIEW, status_on=today, summary="项目简介：……",
                                   requested=500000, own_funds=1500000)
    Expert.objects.create(region=world.a, name="黄建国", employer="广西大学", title="教授", fields="electronics",
                          user=world.expert)
    Expert.objects.create(region=world.a, name="陆晓梅", employer="广西科学院", title="研究员",
                          fields="electronics,materials")
    Expert.objects.create(region=world.a, name="韦志强", employer="南宁某设计院", title="正高级工程师",
                          fields="agriculture")

    login_as("staff")
    menu_link(page, "专家评审").click()
    page.get_by_role("link", name="2026年青秀区科技计划项目申报").first.click()
    page.get_by_role("button", name="自动分配评审专家").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_contain_text("已自动分配评审任务")
    page.get_by_label("项目").select_option(label="高强韧铝合金型材关键工艺")
    page.get_by_label("专家").select_option(label="韦志强（南宁某设计院）")
    page.get_by_role("button", name="指定").click()
    expect(page.locator(".invalid-feedback")).to_be_visible()  # the reason is required
    page.get_by_label("项目").select_option(label="高强韧铝合金型材关键工艺")
    page.get_by_label("专家").select_option(label="韦志强（南宁某设计院）")
    page.get_by_label("指定理由").fill("同领域专家不足，该专家熟悉铝型材生产")
    page.get_by_role("button", name="指定").click()
    expect(page.locator("table")).to_contain_text("韦志强")
    _shot(page, "review-assign")
    page.get_by_role("button", name="退出").click()

    login_as("expert")
    menu_link(page, "我的评审").click()
    page.get_by_role("link", name="面向工业互联网的边缘计算网关研发").click()
    page.get_by_label("技术创新性（权重40%）").fill("90")
    page.get_by_label("实施可行性（权重35%）").fill("80")
    page.get_by_label("经济社会效益（权重25%）").fill("70")
    page.get_by_label("评审意见").fill("技术路线清晰，建议加强示范应用。")
    _shot(page, "review-score")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="提交评分").click()
    expect(page.get_by_text("加权得分 81.50")).to_be_visible()  # 90×0.40 + 80×0.35 + 70×0.25
    page.get_by_role("button", name="退出").click()

    login_as("staff")
    page.goto(f"/projects/reviews/{call.pk}/results/")
    expect(page.locator("tbody tr").first).to_contain_text("81.50")
