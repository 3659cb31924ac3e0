"""Reordering a draft round's questions in a browser: 下移 the first question, the list shows the new order;
the first question's 上移 and the last one's 下移 are disabled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from keguan.outreach.services import ledger as svc

pytestmark = pytest.mark.browser


def test_staff_move_a_question_down(world, page, login_as):
    today = timezone.localdate()
    q = svc.questionnaire_create(
        actor=world.staff,
        district=world.a,
        title="排序问卷",
        opens_on=today,
        closes_on=today + dt.timedelta(days=9),
    )
    for text in ("研发人员数量", "人才方面的需求", "资金方面的需求"):
        svc.question_add(questionnaire=q, actor=world.staff, text=text, kind="text")

    login_as("staff")
    page.goto(f"/outreach/questionnaires/{q.pk}/")
    questions = page.get_by_test_id("questions").locator("li")
    expect(page.get_by_role("button", name="上移第1题")).to_be_disabled()
    expect(page.get_by_role("button", name="下移第3题")).to_be_disabled()
    page.get_by_role("button", name="下移第1题").click()
    expect(page.get_by_text("已将“研发人员数量”调整为第2题")).to_be_visible()
    expect(questions.nth(0)).to_contain_text("人才方面的需求")
    expect(questions.nth(1)).to_contain_text("研发人员数量")
    expect(questions.nth(2)).to_contain_text("资金方面的需求")
