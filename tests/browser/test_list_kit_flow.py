"""The list kit in a real browser: a clerk ticks two firms and exports exactly them, switches to 50 rows a page,
hides a column, and finds both choices still there after reloading; the print view has no menu."""

from __future__ import annotations

import re

import openpyxl
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_select_export_page_size_and_columns(world, page, login_as, tmp_path):
    login_as("staff")
    page.goto("/enterprises/")
    page.wait_for_load_state("load")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(2)  # district A's firms
    export = page.get_by_test_id("batch-export")
    expect(export).to_be_disabled()  # nothing ticked yet

    # tick all on the page, then untick one and tick it again: the count follows
    page.get_by_label("全选本页").check()
    expect(page.locator("[data-batch-count]")).to_have_text("2")
    page.get_by_label(f"选择{world.ent_a.name}").uncheck()
    expect(page.locator("[data-batch-count]")).to_have_text("1")
    page.get_by_label(f"选择{world.ent_a.name}").check()
    expect(page.locator("[data-batch-count]")).to_have_text("2")
    with page.expect_download() as info:
        export.click()
    saved = tmp_path / "selected.xlsx"
    info.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved, read_only=True)["企业名录"]
    names = sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True))
    assert names == sorted([world.ent_a.name, world.ent_a2.name])

    # 50 rows a page: the select submits itself and the page comes back with it chosen
    with page.expect_navigation():
        page.get_by_test_id("per-page").select_option("50")
    expect(page.get_by_test_id("per-page")).to_have_value("50")

    # hide 统一社会信用代码
    table_head = page.locator("#results thead")
    expect(table_head).to_contain_text("统一社会信用代码")
    page.get_by_test_id("column-chooser").click()
    page.get_by_label("统一社会信用代码").uncheck()
    page.get_by_role("button", name="确定").click()
    expect(page).to_have_url(re.compile(r"/enterprises/$"))
    expect(table_head).not_to_contain_text("统一社会信用代码")
    expect(page.locator("#results tbody")).not_to_contain_text(world.ent_a.credit_code)

    page.reload()
    expect(page.get_by_test_id("per-page")).to_have_value("50")
    expect(page.locator("#results thead")).not_to_contain_text("统一社会信用代码")
    expect(page.locator("#results thead")).to_contain_text("区县")
    page.get_by_label("全选本页").check()
    page.screenshot(path=str(tmp_path / "list-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "list-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})

    # 打印 opens the print layout: no menu, the print date at the top
    with page.context.expect_page() as popup:
        page.get_by_test_id("print-link").click()
    printed = popup.value
    printed.wait_for_load_state("load")
    expect(printed.get_by_test_id("print-date")).to_be_visible()
    expect(printed.locator("#kg-sidebar")).to_have_count(0)
    expect(printed.get_by_role("button", name="退出")).to_have_count(0)
    expect(printed.locator("table")).to_contain_text(world.ent_a.name)
    printed.screenshot(path=str(tmp_path / "print.png"), full_page=True)
    printed.close()
