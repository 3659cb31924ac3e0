"""On a phone the list's filter form folds behind one button, so the results come first."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ..conftest import PASSWORD
from .phone import assert_fits_phone

pytestmark = pytest.mark.browser


def test_filters_fold_on_a_phone(world, browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 800}
    )
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=b""))
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill("staff")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登 录").click()
        page.goto("/enterprises/?stage=hnte")
        page.wait_for_load_state("load")
        form = page.locator("form.kg-filter")
        expect(form).to_be_hidden()
        expect(page.locator("#results tbody tr")).to_have_count(1)  # the results are on screen
        toggle = page.get_by_role("button", name="筛选条件（已设1项） ▾")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        toggle.click()
        expect(form).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        # on a desktop nothing folds
        page.set_viewport_size({"width": 1366, "height": 900})
        page.reload()
        expect(page.locator("form.kg-filter")).to_be_visible()
        expect(page.get_by_role("button", name="筛选条件（已设1项） ▾")).to_have_count(0)
    finally:
        context.close()


def test_the_phone_check_names_what_is_too_wide(world, page, login_as):
    login_as("staff")
    page.goto("/enterprises/")
    assert_fits_phone(page, what="企业名录")  # the list itself fits
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<div id=\"too-wide\" style=\"width:900px\">x</div>')"
    )
    with pytest.raises(
        AssertionError, match=r"企业名录宽 \d+px，超出 390px 的手机屏幕：.*div#too-wide → \d+px"
    ):
        assert_fits_phone(page, what="企业名录")
