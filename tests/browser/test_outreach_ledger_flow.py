"""The needs ledger in a browser: a firm answers a questionnaire (a required question refused beside it, then a
need comes from its answer), staff assign the need, add a follow-up and solve it, the firm sees it solved, and
the summary's sentence moves from "正在逐项跟进办理" to "已解决1项，解决率…"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from keguan.outreach.services import ledger as svc
from keguan.reports import registry

from .menu import menu_link
from .phone import assert_fits_phone

pytestmark = pytest.mark.browser


@pytest.fixture
def outreach_part():
    """The area's summary part is registered by the events part (report_events); until both parts are merged,
    stand in for it with an empty one so the ledger's contributed paragraphs are written."""
    if "outreach" in registry._PARTS:
        yield
        return
    registry.register_part(registry.ReportPart(area="outreach", build=lambda ctx: [], heading="强化企业服务"))
    yield
    registry._PARTS.pop("outreach", None)


def _summary(page, year: int):
    page.goto("/reports/")
    page.select_option("#id_period", str(year))
    page.get_by_role("button", name="生成初稿").click()
    return page.locator("#report-preview")


def test_firm_answers_staff_solve_the_need_and_the_summary_changes(world, page, login_as, outreach_part):
    today = timezone.localdate()
    q = svc.questionnaire_create(actor=world.staff, district=world.a, title="2025年企业科技需求调查",
                                 opens_on=today, closes_on=today + dt.timedelta(days=20))
    svc.question_add(questionnaire=q, actor=world.staff, text="研发人员数量", kind="number", required=True)
    svc.question_add(questionnaire=q, actor=world.staff, text="人才方面的需求", kind="text", need_category="talent")
    svc.questionnaire_open(questionnaire=q, actor=world.staff)

    # the firm answers online
    login_as("ent")
    menu_link(page, "调查问卷填报").click()
    page.get_by_test_id("my-questionnaires").get_by_role("link", name="填写").click()
    form = page.get_by_test_id("answer-form")
    form.get_by_label("人才方面的需求").fill("引进嵌入式软件工程师2名")
    form.get_by_role("button", name="提交").click()
    expect(page.get_by_test_id("answer-error")).to_have_text("此题为必答题，请作答")
    page.get_by_test_id("answer-form").get_by_label("研发人员数量").fill("15")
    page.get_by_test_id("answer-form").get_by_role("button", name="提交").click()
    expect(page.get_by_text("已记入区科技局的需求台账")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    # staff: the summary before, then assign, follow up and solve
    login_as("staff")
    expect(_summary(page, today.year)).to_contain_text("收集企业需求1项，正在逐项跟进办理")
    page.goto("/outreach/needs/?status=new")
    page.get_by_test_id("need-list").get_by_role("link", name="人才方面的需求：引进嵌入式软件工程师2名").click()
    assign = page.get_by_test_id("assign-form")
    assign.get_by_label("跟进人").select_option(label="staff（区局科员）")
    assign.get_by_role("button", name="指定").click()
    expect(page.get_by_test_id("need-status")).to_contain_text("跟进中")
    follow = page.get_by_test_id("follow-form")
    follow.get_by_label("跟进情况").fill("已对接广西大学计算机学院，推荐毕业生3名")
    follow.get_by_role("button", name="登记跟进").click()
    expect(page.get_by_test_id("follow-ups")).to_contain_text("推荐毕业生3名")
    move = page.get_by_test_id("move-form")
    move.get_by_label("改为").select_option(label="已解决")
    move.get_by_role("button", name="确定").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("请填写办理结果")
    move = page.get_by_test_id("move-form")
    move.get_by_label("改为").select_option(label="已解决")
    move.get_by_label("办理结果/原因").fill("企业已录用工程师2名")
    move.get_by_role("button", name="确定").click()
    expect(page.get_by_test_id("need-status")).to_contain_text("已解决")
    expect(_summary(page, today.year)).to_contain_text("收集企业需求1项，已解决1项，解决率")
    page.get_by_role("button", name="退出").click()

    # the firm sees it solved
    login_as("ent")
    page.goto("/outreach/my/needs/")
    expect(page.get_by_test_id("my-needs")).to_contain_text("已解决")
    page.get_by_test_id("my-needs").get_by_role("link").first.click()
    expect(page.get_by_test_id("need-result")).to_have_text("企业已录用工程师2名")
    expect(page.get_by_test_id("follow-ups")).to_contain_text("推荐毕业生3名")
    assert_fits_phone(page, what="需求详情")
