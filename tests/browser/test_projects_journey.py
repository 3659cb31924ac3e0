"""A project from the call to 立项, as the people involved live it: an enterprise applies online, the bureau
returns it once with a reason, the enterprise amends and resubmits, the bureau screens it and sends it to review,
an expert scores it, the bureau approves it; the applicant sees the result, and the dashboard's figure and the
work summary's sentence change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from keguan.projects.models import Application, Expert, Level
from keguan.projects.services import applications as svc

from .menu import menu_link

pytestmark = pytest.mark.browser


def _form_of(page, button: str):
    return page.locator("form", has=page.get_by_role("button", name=button, exact=True))


def test_apply_return_resubmit_review_approve_and_the_figures_follow(world, page, login_as):
    today = timezone.localdate()
    program = svc.program_create(actor=None, region=world.a, name="青秀区科技计划项目", level=Level.COUNTY,
                                 managing_body="青秀区科学技术局")
    call = svc.call_create(actor=None, program=program, year=today.year, title=f"{today.year}年度青秀区科技计划项目申报",
                           opens_on=today - dt.timedelta(days=3), closes_on=today + dt.timedelta(days=20),
                           max_request=500000, criteria=[("技术创新性", 50), ("实施可行性", 50)])
    call.reviewers_per_application = 1
    call.save(update_fields=["reviewers_per_application"])
    Expert.objects.create(region=world.a, name="黄建国", employer="广西大学", title="教授", fields="electronics",
                          user=world.expert)

    # the enterprise applies
    login_as("ent")
    page.goto(f"/projects/apply/new/?call={call.pk}")
    page.fill('input[name="title"]', "边缘计算网关研发及产业化")
    page.select_option('select[name="field"]', "electronics")
    page.fill('input[name="own_equipment"]', "30")
    page.fill('input[name="requested_equipment"]', "20")
    page.fill('input[name="own_total_wan"]', "30")
    page.fill('input[name="requested_total_wan"]', "20")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_role("button", name="提交申报").click()
    app = Application.objects.get(title="边缘计算网关研发及产业化")
    expect(page.get_by_text("已提交申报，等待科技局审查")).to_be_visible()
    assert app.status == "submitted"
    page.get_by_role("button", name="退出").click()

    # the bureau returns it with a reason
    login_as("staff")
    page.goto(f"/projects/applications/{app.pk}/")
    page.get_by_role("button", name="开始形式审查").click()
    expect(page.get_by_text("项目已变为“形式审查”")).to_be_visible()
    back = _form_of(page, "退回申请人")
    back.locator("textarea, input[type=text]").first.fill("预算中设备费偏高，请补充设备清单")
    back.get_by_role("button", name="退回申请人").click()
    expect(page.get_by_text("项目已变为“退回修改”")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    # the enterprise reads the reason, amends and resubmits
    login_as("ent")
    page.goto("/projects/apply/")
    page.get_by_role("link", name="边缘计算网关研发及产业化").click()
    expect(page.get_by_role("alert")).to_contain_text("预算中设备费偏高，请补充设备清单")
    page.get_by_role("link", name="修改申报书").click()
    page.fill('input[name="requested_equipment"]', "15")
    # the total follows the line (projects.js); typed as well, so a slow page that has not run its script yet
    # (a busy machine) saves the same figures
    page.fill('input[name="requested_total_wan"]', "15")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("button", name="修改后重新提交")).to_be_visible()
    page.get_by_role("button", name="修改后重新提交").click()
    expect(page.get_by_text("已提交申报，等待科技局审查")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    # the bureau screens it, sends it to review and assigns the reviewer
    login_as("staff")
    page.goto(f"/projects/applications/{app.pk}/")
    page.get_by_role("button", name="开始形式审查").click()
    page.get_by_role("button", name="形式审查通过，进入专家评审").click()
    expect(page.get_by_text("项目已变为“专家评审”")).to_be_visible()
    page.goto("/projects/reviews/")
    page.get_by_role("link", name=call.title).first.click()
    page.get_by_role("button", name="自动分配评审专家").click()
    expect(page.locator("table")).to_contain_text("黄建国")
    page.get_by_role("button", name="退出").click()

    # the expert scores it
    login_as("expert")
    menu_link(page, "我的评审").click()
    page.get_by_role("link", name="边缘计算网关研发及产业化").click()
    page.get_by_label("技术创新性（权重50%）").fill("90")
    page.get_by_label("实施可行性（权重50%）").fill("80")
    page.get_by_label("评审意见").fill("技术路线清晰，建议立项。")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="提交评分").click()
    expect(page.get_by_text("加权得分 85.00")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    # the bureau approves it
    login_as("staff")
    page.goto(f"/projects/applications/{app.pk}/")
    page.get_by_label("立项资助（万元）").fill("15")
    page.get_by_role("button", name="立项", exact=True).click()
    expect(page.get_by_text("已立项，立项资助 15 万元")).to_be_visible()
    # the dashboard counts it, and the summary says so
    page.goto(f"/indicators/?period={today.year}")
    expect(page.get_by_test_id("value-prj_approved")).to_have_text("1")
    page.goto("/reports/")
    page.select_option("#id_period", str(today.year))
    page.get_by_role("button", name="生成初稿").click()
    preview = page.locator("#report-preview")
    expect(preview).to_contain_text(f"{today.year}年获立项项目1项")
    expect(preview).to_contain_text("组织1家创新主体申报青秀区科技计划项目等1项")
    page.get_by_role("button", name="退出").click()

    # the applicant sees the result
    login_as("ent")
    page.goto("/projects/apply/")
    expect(page.get_by_text("立项").first).to_be_visible()
    assert Application.objects.get(pk=app.pk).status == "approved"
