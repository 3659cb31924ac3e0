"""科技特派员服务日志 on a phone (375×812): the commissioner logs a service with a photo taken on the spot (a real
JPEG made with Pillow), a file that is not an image is refused with the message naming it and nothing is stored,
then the bureau's clerk finds the log in the list and sees its photo, assigns the commissioner to an uncovered
village and the coverage rises, and the work summary's draft counts the service."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from keguan.fieldwork.models import LogPhoto, ServiceLog

from ..conftest import PASSWORD
from ..fieldwork.logs_fixtures import field_fixture, jpeg, media_fixture  # noqa: F401
from .menu import menu_link
from .phone import assert_fits_phone

pytestmark = pytest.mark.browser


def _context(browser, live_server, **size):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=size or None)
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=b""))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"脚本错误：{exc}"))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    return context, page, errors


def _login(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登 录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def _loaded_width(page, image) -> int:
    """The width of the picture the browser got (the photo as stored: 1600 px on its long side)."""
    handle = image.element_handle()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=handle)
    return page.evaluate("(img) => img.naturalWidth", handle)


def test_a_commissioner_logs_a_service_with_a_photo_on_a_phone(field, media, browser, live_server):
    context, page, errors = _context(browser, live_server, width=375, height=812)
    try:
        _login(page, "expert")
        page.goto("/fieldwork/logs/new/")
        form = page.get_by_test_id("log-form")
        form.get_by_label("服务地点（村/社区或企业）").select_option(label=f"{field.v2.name}（{field.v2.parent.name}）")
        form.get_by_label("服务方式").select_option(label="技术指导")
        form.get_by_label("服务内容").fill("到那马村芒果园指导春季修剪和炭疽病防治")
        form.get_by_label("服务人数").fill("18")
        photo = {"name": "芒果园.jpg", "mimeType": "image/jpeg", "buffer": jpeg((3000, 2000), exif=True)}
        note = {"name": "会议记录.jpg", "mimeType": "image/jpeg", "buffer": "这不是图片，是一段文字".encode()}
        form.get_by_label("现场照片（可选）").set_input_files([photo, note])
        assert_fits_phone(page, size={"width": 375, "height": 812}, what="服务日志表单")
        form.get_by_role("button", name="保存").click()
        expect(page.locator(".invalid-feedback")).to_contain_text("照片“会议记录.jpg”不是图片文件")
        assert not ServiceLog.objects.exists() and not LogPhoto.objects.exists()
        assert not [p for p in media.rglob("*") if p.is_file()]
        # what was typed is kept; choose the photo alone and save
        form = page.get_by_test_id("log-form")
        expect(form.get_by_label("服务内容")).to_have_value("到那马村芒果园指导春季修剪和炭疽病防治")
        form.get_by_label("现场照片（可选）").set_input_files([photo])
        form.get_by_role("button", name="保存").click()
        expect(page.get_by_test_id("log-detail")).to_contain_text("到那马村芒果园指导春季修剪和炭疽病防治")
        image = page.get_by_test_id("log-photos").locator("img").first
        expect(image).to_be_visible()
        assert _loaded_width(page, image) == 1600
        assert_fits_phone(page, size={"width": 375, "height": 812}, what="服务日志页")
    finally:
        context.close()
    assert not errors, errors
    log = ServiceLog.objects.get()
    assert (log.commissioner, log.village, log.served) == (field.me, field.v2, 18) and log.photos.count() == 1

    context, page, errors = _context(browser, live_server, width=1366, height=900)
    try:
        _login(page, "staff")
        menu_link(page, "服务日志").click()
        table = page.get_by_test_id("log-table")
        expect(table).to_contain_text("那马村")
        expect(table).to_contain_text("张三")
        table.get_by_role("link", name=log.served_on.isoformat()).click()
        image = page.get_by_test_id("log-photos").locator("img").first
        expect(image).to_be_visible()
        assert _loaded_width(page, image) == 1600

        # the coverage page: 那马村 is covered (张三's assignment), 石岭村 of the same township is not; once the
        # clerk assigns 张三 there too, the rate rises
        year = log.served_on.year
        page.goto(f"/fieldwork/coverage/?year={year}")
        expect(page.get_by_test_id("coverage-rate")).to_have_text("33.3%")
        page.goto("/fieldwork/assignments/new/")
        page.get_by_label("科技特派员").select_option(label="张三")
        page.get_by_label("村/社区").select_option(label=f"{field.v1.parent.name} · {field.v1.name}")
        page.get_by_label("开始日期").fill(log.served_on.isoformat())
        page.get_by_role("button", name="保存").click()
        page.goto(f"/fieldwork/coverage/?year={year}")
        expect(page.get_by_test_id("coverage-rate")).to_have_text("66.7%")

        # the summary counts the logged service
        page.goto("/reports/")
        page.select_option("#id_period", str(year))
        page.get_by_role("button", name="生成初稿").click()
        preview = page.locator("#report-preview")
        expect(preview).to_contain_text("开展技术服务1次")
        expect(preview).to_contain_text("服务群众18人次")
    finally:
        context.close()
    assert not errors, errors
