"""Staff fill a questionnaire in for a firm (代填) in a browser: from the round's page, find the firm by part of
its name, fill the same form (a required question refused beside it), submit; the response says “由staff代填”
and its need is in the ledger. A firm that answered online is said so in the search and its response opened for
correction instead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from keguan.outreach.models import Need, Response, ResponseSource
from keguan.outreach.services import ledger as svc

from .phone import assert_fits_phone

pytestmark = pytest.mark.browser


def test_staff_fill_in_a_questionnaire_for_a_firm(world, page, login_as):
    today = timezone.localdate()
    q = svc.questionnaire_create(
        actor=world.staff,
        district=world.a,
        title="2025年企业科技需求调查",
        opens_on=today,
        closes_on=today + dt.timedelta(days=20),
    )
    size = svc.question_add(
        questionnaire=q, actor=world.staff, text="研发人员数量", kind="number", required=True
    )
    talent = svc.question_add(
        questionnaire=q, actor=world.staff, text="人才方面的需求", kind="text", need_category="talent"
    )
    svc.questionnaire_open(questionnaire=q, actor=world.staff)
    svc.response_save(
        questionnaire=q,
        enterprise=world.ent_a,
        actor=world.ent_user,
        submit=True,
        values={size.pk: "15", talent.pk: "无"},
    )

    login_as("staff")
    page.goto(f"/outreach/questionnaires/{q.pk}/")
    page.get_by_test_id("proxy-link").click()
    search = page.get_by_test_id("proxy-search")
    search.get_by_label("查找企业").fill("第二材料")
    search.get_by_role("button", name="查找").click()
    row = page.get_by_test_id("proxy-firms").locator("tr", has_text="青秀第二材料有限公司")
    expect(row).to_contain_text("未填写")
    row.get_by_role("link", name="代填").click()
    form = page.get_by_test_id("answer-form")
    form.get_by_label("人才方面的需求").fill("引进高分子材料博士1名")
    form.get_by_role("button", name="提交答卷").click()
    expect(page.get_by_test_id("answer-error")).to_have_text("此题为必答题，请作答")
    form = page.get_by_test_id("answer-form")
    expect(form.get_by_label("人才方面的需求")).to_have_value("引进高分子材料博士1名")
    form.get_by_label("研发人员数量").fill("8")
    assert_fits_phone(page, what="代填问卷")
    page.set_viewport_size({"width": 1366, "height": 900})
    form.get_by_role("button", name="提交答卷").click()
    expect(
        page.get_by_text("已代青秀第二材料有限公司提交答卷；答卷中的 1 项需求已在需求台账中")
    ).to_be_visible()
    expect(page.get_by_test_id("response-meta")).to_contain_text("由staff代填")
    page.get_by_role("link", name="人才方面的需求：引进高分子材料博士1名").click()
    expect(page.get_by_test_id("need-status")).to_contain_text("新提出")

    # a firm that answered online: said so, and its response is opened for correction instead
    page.goto(f"/outreach/questionnaires/{q.pk}/proxy/")
    search = page.get_by_test_id("proxy-search")
    search.get_by_label("查找企业").fill("青秀")
    search.get_by_role("button", name="查找").click()
    row = page.get_by_test_id("proxy-firms").locator("tr", has_text="青秀测试科技有限公司")
    expect(row).to_contain_text("企业在线填写")
    expect(row).to_contain_text("不能重复填写，可查看或修改该答卷")
    row.get_by_role("link", name="修改答卷").click()
    expect(page.get_by_test_id("proxy-answered")).to_contain_text("不能重复填写")
    form = page.get_by_test_id("answer-form")
    expect(form.get_by_label("研发人员数量")).to_have_value("15")
    form.get_by_label("人才方面的需求").fill("引进嵌入式工程师2名")
    form.get_by_role("button", name="保存修改").click()
    expect(page.get_by_text("已修改该企业的答卷")).to_be_visible()
    expect(page.get_by_test_id("response-meta")).to_contain_text("企业在线填写")
    expect(page.get_by_test_id("response-meta")).to_contain_text("最后由staff于")

    assert Response.objects.filter(questionnaire=q).count() == 2
    assert Response.objects.get(enterprise=world.ent_a2).source == ResponseSource.STAFF
    assert sorted(Need.objects.values_list("description", flat=True)) == [
        "人才方面的需求：引进嵌入式工程师2名",
        "人才方面的需求：引进高分子材料博士1名",
    ]
