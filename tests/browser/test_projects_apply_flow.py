"""The applicant's form in a browser: the budget sums fill the totals, a total typed wrong gets an inline error;
screenshots of the form and of the calls list at 1366 and 390 wide (KEGUAN_SHOTS=dir)."""

from __future__ import annotations

import datetime as dt
import os

from keguan.projects.models import Level
from keguan.projects.services import applications as svc


def _shot(page, name: str) -> None:
    folder = os.environ.get("KEGUAN_SHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_apply_form_and_calls_list(page, login_as, world, live_server):
    program = svc.program_create(actor=None, region=world.a, name="青秀区科技计划", level=Level.COUNTY,
                                 managing_body="青秀区科技局")
    today = dt.date.today()
    call = svc.call_create(actor=None, program=program, year=today.year, title="2025年度青秀区科技计划项目申报",
                           opens_on=today - dt.timedelta(days=3), closes_on=today + dt.timedelta(days=20),
                           max_request=500000, criteria=[("创新性", 40), ("可行性", 30), ("效益", 30)])
    login_as("ent")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/projects/apply/new/?call={call.pk}")
        page.fill('input[name="title"]', "智能传感器研发及产业化")
        page.select_option('select[name="field"]', "electronics")
        page.fill('input[name="own_equipment"]', "10")
        page.fill('input[name="requested_equipment"]', "20")
        page.fill('input[name="requested_labour"]', "5")
        assert page.input_value('input[name="requested_total_wan"]') == "25"
        page.fill('input[name="requested_total_wan"]', "30")
        page.click("button:has-text(\"保存草稿\")")
        assert page.locator("text=各科目之和为25万元").count() == 1
        _shot(page, f"apply-form-error-{width}")
    page.context.clear_cookies()
    login_as("leader")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/projects/calls/")
        assert page.locator(f"text={call.title}").count() == 1
        _shot(page, f"calls-{width}")
