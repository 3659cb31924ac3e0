#!/usr/bin/env python3
"""Full-page screenshots of the main keguan pages at desktop and phone widths, for a look-over by eye.

Starts nothing itself: point it at a running keguan, e.g.

    KEGUAN_DATA_DIR=/tmp/kg-shots .venv/bin/keguan demo
    KEGUAN_DATA_DIR=/tmp/kg-shots .venv/bin/keguan serve --port 8765 &
    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8765 \\
        --user staff_450103 --password Kejiju@2024 --out screenshots/

Writes ``<out>/<width>/<nn>-<page>.png`` and prints, per page, the HTTP status and anything a reviewer should
know: script errors, failed requests, and pages wider than the window (a table overflowing on a phone).
The edit form is submitted with a mistyped credit code and phone number, which the form rejects, so nothing
is written to the database.

Date inputs show as mm/dd/yyyy: Debian's chromium carries only the en-US locale unless chromium-l10n is
installed; a Chinese-language browser shows yyyy/mm/dd.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS = {
    "desktop": {"width": 1366, "height": 900},
    "phone": {"width": 390, "height": 844},
}


@dataclass
class Shot:
    slug: str
    title: str
    go: Callable[[Page], object]  # brings the page to the state to photograph
    phone_only: bool = False


def _first_enterprise_url(page: Page) -> str:
    """The first firm in the list; an enterprise user is sent straight to its own firm."""
    page.goto("/enterprises/")
    link = page.locator("#results tbody a").first
    if link.count() == 0:
        return page.url
    return link.get_attribute("href") or "/enterprises/"


def _edit_with_errors(page: Page) -> None:
    detail = _first_enterprise_url(page).rstrip("/") + "/"
    page.goto(detail + "edit/")
    if page.locator("#id_contact_phone").count() == 0:
        return  # no edit form for this user (a 403 page): photograph that
    if page.locator("#id_credit_code").is_editable():  # an enterprise user cannot change its credit code
        page.locator("#id_credit_code").fill("91450103MA5L8XK3X1")
    page.locator("#id_contact_phone").fill("0771-55")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def _generate_report(page: Page) -> None:
    """Generates a version of the current half-year's summary (a write, like a user's) and shows its preview."""
    page.goto("/reports/")
    page.get_by_role("button", name="生成初稿").click()
    page.wait_for_load_state("load")


def _open_menu(page: Page) -> None:
    page.goto("/enterprises/")
    page.locator("header [data-bs-target='#kg-sidebar']").click()
    page.locator("#kg-sidebar.show").wait_for()
    page.wait_for_timeout(400)  # let the slide-in transition finish before the picture


def _questionnaire_proxy(p) -> None:
    p.goto("/outreach/questionnaires/")
    p.locator("main table a[href*='/questionnaires/']").first.click()
    p.get_by_role("link", name="代企业填写").first.click()


def _platform_delete(p) -> None:
    p.goto("/resources/platforms/")
    p.locator("main table tbody a[href*='/resources/platforms/']").first.click()
    p.get_by_role("link", name="删除").first.click()


SHOTS = [
    Shot("home", "首页", lambda p: p.goto("/")),
    Shot("enterprise-list", "企业库", lambda p: p.goto("/enterprises/")),
    Shot("enterprise-filtered", "企业库（筛选）", lambda p: p.goto("/enterprises/?stage=hnte&sort=-registered_on")),
    Shot("enterprise-empty", "企业库（无结果）", lambda p: p.goto("/enterprises/?q=不存在的企业名称")),
    Shot("enterprise-detail", "企业详情", lambda p: p.goto(_first_enterprise_url(p))),
    Shot("enterprise-edit-errors", "编辑企业（校验错误）", _edit_with_errors),
    Shot("enterprise-new", "新建企业", lambda p: p.goto("/enterprises/new/")),
    Shot("user-list", "用户管理", lambda p: p.goto("/accounts/users/")),
    Shot("login-log", "登录日志", lambda p: p.goto("/accounts/login-log/")),
    Shot("region-tree", "行政区划", lambda p: p.goto("/regions/")),
    Shot("password-change", "修改密码", lambda p: p.goto("/accounts/password/")),
    Shot("visits", "辅导走访记录", lambda p: p.goto("/pipeline/visits/")),
    Shot("report-notes", "工作纪实", lambda p: p.goto("/reports/notes/")),
    Shot("report-structure", "总结结构", lambda p: p.goto("/reports/structure/")),
    Shot("report-preview", "工作总结预览（生成一版）", _generate_report),
    Shot("fw-roster", "特派员名册", lambda p: p.goto("/fieldwork/roster/")),
    Shot("fw-coverage", "村级覆盖", lambda p: p.goto("/fieldwork/coverage/")),
    Shot("fw-logs", "服务日志", lambda p: p.goto("/fieldwork/logs/")),
    Shot("fw-demands", "服务需求", lambda p: p.goto("/fieldwork/demands/")),
    Shot("fw-letters", "责任状与考核", lambda p: p.goto("/fieldwork/letters/")),
    Shot("ow-events", "科技活动", lambda p: p.goto("/outreach/events/")),
    Shot("ow-calendar", "活动日历", lambda p: p.goto("/outreach/events/calendar/")),
    Shot("ow-needs", "需求台账", lambda p: p.goto("/outreach/needs/")),
    Shot("ow-visits", "企业走访", lambda p: p.goto("/outreach/visits/")),
    Shot("res-platforms", "创新平台", lambda p: p.goto("/resources/platforms/")),
    Shot("res-recognitions", "称号申报", lambda p: p.goto("/resources/recognitions/")),
    Shot("mkt-contracts", "技术合同", lambda p: p.goto("/market/contracts/")),
    Shot("mkt-totals", "技术合同统计", lambda p: p.goto("/market/contracts/totals/")),
    Shot("fw-log-enter", "代为登记服务日志", lambda p: p.goto("/fieldwork/logs/new/for/")),
    Shot("ow-proxy", "代企业填写问卷", _questionnaire_proxy),
    Shot("res-delete", "删除创新平台（确认）", _platform_delete),
    Shot("targets", "市定目标", lambda p: p.goto("/indicators/targets/")),
    Shot("dashboard", "指标看板", lambda p: p.goto("/indicators/")),
    Shot("menu", "菜单（手机展开）", _open_menu, phone_only=True),
]


def _login(page: Page, user: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("form button[type=submit]").click()
    if "/accounts/login/" in page.url:
        raise SystemExit(f"登录失败：{user}（请检查用户名和密码）")


def _overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0 if it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def run(base_url: str, user: str, password: str, out: Path, chromium: str, only: set[str] | None) -> int:
    problems = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        for width_name, viewport in VIEWPORTS.items():
            folder = out / width_name
            folder.mkdir(parents=True, exist_ok=True)
            context = browser.new_context(
                base_url=base_url.rstrip("/"), viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai",
                device_scale_factor=1, is_mobile=width_name == "phone", has_touch=width_name == "phone",
            )
            context.set_default_timeout(20_000)
            page = context.new_page()
            notes: list[str] = []
            page.on("pageerror", lambda exc, notes=notes: notes.append(f"脚本错误：{exc}"))
            page.on("console", lambda m, notes=notes: notes.append(f"控制台：{m.text}")
                    if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
            page.on("response", lambda r, notes=notes: notes.append(f"{r.status} {r.url}")
                    if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)

            page.goto("/accounts/login/")
            shots: list[tuple[str, str, Callable[[Page], object]]] = [("login", "登录页", lambda p: None)]
            shots += [(s.slug, s.title, s.go) for s in SHOTS if width_name == "phone" or not s.phone_only]
            for n, (slug, title, go) in enumerate(shots, start=1):
                if only and slug not in only:
                    if slug == "login":
                        _login(page, user, password)
                    continue
                notes.clear()
                try:
                    go(page)
                    page.wait_for_load_state("networkidle")
                    path = folder / f"{n:02d}-{slug}.png"
                    page.screenshot(path=str(path), full_page=slug != "menu")  # the open menu covers the window
                except Exception as exc:  # keep going: one broken page should not hide the others
                    notes.append(f"失败：{exc.__class__.__name__}: {str(exc).splitlines()[0]}")
                    path = None
                wide = _overflow(page)
                if wide > 0:
                    notes.append(f"页面比窗口宽 {wide}px（出现横向滚动）")
                problems += bool(notes)
                shown = path.relative_to(out) if path else "—"
                print(f"[{width_name:7}] {title:<12} {page.url.replace(base_url.rstrip('/'), '')}  → {shown}")
                for note in notes:
                    print(f"           ! {note}")
                if slug == "login":
                    _login(page, user, password)
            context.close()
        browser.close()
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="给运行中的 keguan 主要页面截图（桌面与手机宽度，整页）")
    parser.add_argument("--base-url", required=True, help="如 http://127.0.0.1:8765")
    parser.add_argument("--user", required=True, help="登录用户名，如 staff_450103")
    parser.add_argument("--password", required=True)
    parser.add_argument("--out", required=True, type=Path, help="截图输出目录")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="chromium 可执行文件")
    parser.add_argument("--only", nargs="*", help="只截这些页面（slug，如 home enterprise-list）")
    args = parser.parse_args(argv)
    problems = run(args.base_url, args.user, args.password, args.out, args.chromium, set(args.only or []) or None)
    print(f"完成：截图在 {args.out}；有提示的页面 {problems} 个")
    return 0


if __name__ == "__main__":
    sys.exit(main())
