"""代为登记 in a browser: the bureau's clerk types in a service 李四 reported by WeChat — choosing 李四 reloads the
places to 李四's (htmx), a place is chosen, the log is saved with "由staff代为登记" on its page and in the list;
then 李四 signs in on a phone and finds the log among its own."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from keguan.fieldwork.models import Assignment, ServiceLog

from ..fieldwork.logs_fixtures import field_fixture, media_fixture  # noqa: F401
from .phone import assert_fits_phone
from .test_fieldwork_logs_flow import _context, _login

pytestmark = pytest.mark.browser


def test_a_clerk_enters_a_reported_service_for_a_commissioner(field, media, browser, live_server):
    w = field.world
    Assignment.objects.create(
        district=w.a,
        township=w.a_town2,
        commissioner=field.colleague,
        village=field.v3,
        start_on=dt.date.today() - dt.timedelta(days=30),
    )
    context, page, errors = _context(browser, live_server, width=1366, height=900)
    try:
        _login(page, "staff")
        page.goto("/fieldwork/logs/")
        page.get_by_test_id("log-enter").click()
        form = page.get_by_test_id("log-form")
        place = form.get_by_label("服务地点（村/社区或企业）")
        expect(place.locator("option")).to_have_count(1)  # nothing to choose before the commissioner
        with page.expect_response(lambda r: "/fieldwork/logs/new/for/?commissioner=" in r.url):
            form.get_by_label("科技特派员").select_option(label="李四")
        # the places are now 李四's: its paired village first
        expect(page.locator("#place-block optgroup").first).to_have_attribute("label", "结对服务的村/社区")
        place.select_option(label=f"{field.v3.name}（{field.v3.parent.name}）")
        form.get_by_label("服务方式").select_option(label="咨询服务")
        form.get_by_label("服务内容").fill("微信报来：指导石岭村柑橘园冬季清园")
        form.get_by_label("服务人数").fill("9")
        form.get_by_role("button", name="保存").click()
        expect(page.get_by_test_id("log-entered-by")).to_have_text("由staff代为登记")
        expect(page.get_by_test_id("log-detail")).to_contain_text("李四")
        page.goto("/fieldwork/logs/")
        expect(page.get_by_test_id("log-table")).to_contain_text("由staff代为登记")
    finally:
        context.close()
    assert not errors, errors
    log = ServiceLog.objects.get()
    assert (log.commissioner, log.village, log.served, log.entered_by) == (
        field.colleague,
        field.v3,
        9,
        w.staff,
    )

    context, page, errors = _context(browser, live_server, width=375, height=812)
    try:
        _login(page, "expert2")
        page.goto("/fieldwork/logs/mine/")
        table = page.get_by_test_id("log-table")
        table.get_by_role("link", name=log.served_on.isoformat()).click()
        expect(page.get_by_test_id("log-detail")).to_contain_text("微信报来：指导石岭村柑橘园冬季清园")
        expect(page.get_by_role("link", name=re.compile(r"^\W*修改$"))).to_be_visible()  # its own log: it may correct it
        assert_fits_phone(page, size={"width": 375, "height": 812}, what="代为登记的服务日志页")
    finally:
        context.close()
    assert not errors, errors
