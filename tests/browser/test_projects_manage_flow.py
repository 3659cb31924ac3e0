"""The bureau processes an application in the browser: finds it on 项目申报办理, opens it, starts 形式审查, sends it
to 专家评审 and 立项 with an amount; screenshots of the list and the page at 1366 and 390 (KEGUAN_SHOTS=1)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.projects.test_manage import program_call, submitted, walk

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


def test_the_bureau_screens_reviews_and_approves(world, page, login_as):
    call = program_call(world.a)
    up = program_call(world.a, level="province", name="自治区重点研发")
    a = submitted(world, call, title="智能传感器关键技术研发")
    walk(submitted(world, up, title="新型储能材料中试"), world.staff, "screening", "recommended")
    login_as("staff")
    menu_link(page, "项目申报办理").click()
    expect(page.get_by_role("heading", name="项目申报办理")).to_be_visible()
    _shot(page, "projects-list")
    page.get_by_role("link", name="智能传感器关键技术研发").click()
    expect(page.locator("#actions")).to_be_visible()
    page.get_by_role("button", name="开始形式审查").click()
    expect(page.get_by_text("项目已变为“形式审查”")).to_be_visible()
    page.get_by_role("button", name="形式审查通过，进入专家评审").click()
    expect(page.get_by_text("项目已变为“专家评审”")).to_be_visible()
    page.get_by_label("立项资助（万元）").fill("20")
    page.get_by_role("button", name="立项", exact=True).click()
    expect(page.get_by_text("已立项，立项资助 20 万元")).to_be_visible()
    expect(page.get_by_test_id("approved")).to_contain_text("20.00 万元")
    _shot(page, "projects-detail")
    a.refresh_from_db()
    assert a.status == "approved"
    page.goto("/projects/calendar/")
    expect(page.get_by_role("heading", name="申报日历")).to_be_visible()
    _shot(page, "projects-calendar")
