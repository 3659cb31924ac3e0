"""Browser fixtures: one headless Debian chromium per session, a fresh page per test, and the regions a
transactional test needs.

Browser tests drive pytest-django's ``live_server``, so they run on a transactional database: Django
flushes every table after each of them, including the regions that ``django_db_setup`` loaded once for the
session. pytest-django runs transactional tests after all the others, so only the browser tests themselves
need the regions back: the autouse ``regions`` fixture reloads them (before ``world`` builds on them) when a
previous browser test has flushed them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("KEGUAN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"未找到 {CHROMIUM}（apt-get install chromium fonts-noto-cjk）")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    # Playwright's sync API keeps an asyncio loop running in this thread; Django would then refuse ORM calls
    # from the test (fixtures, flush) as "async context". The test thread never runs async code itself.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        pw.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def regions(transactional_db):
    from keguan.regions.models import Region
    from keguan.regions.services import regions_load_national

    from ..conftest import DISTRICT_A

    if not Region.objects.filter(code=DISTRICT_A).exists():
        regions_load_national(within="4501")


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    # Chromium asks for /favicon.ico after every page load. Under SQLite the live server's threads share one
    # in-memory connection, and that request could run its session query concurrently with the test's own
    # next request; answer it in the browser instead.
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=b""))
    p = context.new_page()
    # Any script error, CSP violation or failed request fails the test.
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(f"脚本错误：{exc}"))
    p.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    p.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    yield p
    context.close()
    assert not errors, f"浏览器报错：{errors}"


@pytest.fixture
def login_as(page):
    """Log in through the login form, as a person would."""
    from playwright.sync_api import expect

    from ..conftest import PASSWORD

    def _login(username: str, password: str = PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登 录").click()
        expect(page.get_by_role("button", name="退出")).to_be_visible()
        return page

    return _login
