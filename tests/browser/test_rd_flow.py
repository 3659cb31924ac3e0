"""The R&D reporting round in a real browser: district staff set up the year's round, record a firm's amount in
the table (a wrong amount first: inline error), see the total against the city's target, and log a follow-up
call for the firm that has not reported."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from playwright.sync_api import expect

from keguan.enterprises.services import label_add
from keguan.indicators.services import target_set

from .menu import menu_link

pytestmark = pytest.mark.browser


def test_round_amount_total_and_call(world, page, login_as):
    year = 2024  # the fixture's firms have 2024 figures with R&D
    for e in (world.ent_a, world.ent_a2):
        label_add(enterprise=e, actor=None, kind="above_size", level="none", year=year)
    target_set(actor=world.city_user, indicator="rd_reported", district=world.a, year=year, value="400")

    login_as("staff")
    menu_link(page, "研发经费填报").click()
    page.get_by_role("link", name="建立年度填报").first.click()
    page.get_by_label("填报年度").select_option(str(year))
    page.get_by_role("button", name="建立并生成名单").click()
    expect(page.get_by_test_id("rd-missing")).to_have_text("2")  # both 规上 firms with R&D are listed

    row = page.locator("tr", has_text=world.ent_a.name)
    row.get_by_role("button", name="登记").click()
    amount = page.get_by_label("填报研发经费（万元）")
    amount.fill("-5")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()  # nothing saved, the form stays
    expect(page.get_by_test_id("rd-total")).to_have_text("0.00")
    page.get_by_label("填报研发经费（万元）").fill("100")
    page.get_by_label("填报日期").fill(dt.date(year + 1, 3, 1).isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.locator("tr", has_text=world.ent_a.name)).to_contain_text("已填报")
    expect(page.get_by_test_id("rd-total")).to_have_text("100.00")
    expect(page.get_by_test_id("rd-completion")).to_have_text("25.0%")
    expect(page.get_by_test_id("rd-missing")).to_have_text("1")

    # The firm still missing: open it and log the call.
    page.locator("tr", has_text=world.ent_a2.name).get_by_role("link", name="跟进").click()
    page.get_by_label("跟进结果").select_option(index=1)
    page.get_by_label("情况记录").fill("财务负责人承诺本周内填报")
    page.get_by_role("button", name="记录跟进").click()
    expect(page.locator("#calls")).to_contain_text("财务负责人承诺本周内填报")


def test_round_amounts_imported_from_the_template(world, page, login_as, tmp_path):
    """From the round page: download the template (the round's firms), fill in an amount, upload it, read the
    check, confirm; the round page shows the amount."""
    from keguan.rd.services import rd_round_create

    year = 2024
    for e in (world.ent_a, world.ent_a2):
        label_add(enterprise=e, actor=None, kind="above_size", level="none", year=year)
    rd_round = rd_round_create(actor=world.staff, district=world.a, year=year, opened_on=dt.date(year + 1, 1, 10))

    login_as("staff")
    menu_link(page, "研发经费填报").click()
    page.get_by_role("link", name=rd_round.title).first.click()
    with page.expect_download() as info:
        page.get_by_role("link", name="下载模板").click()
    saved = tmp_path / "模板.xlsx"
    info.value.save_as(saved)
    wb = openpyxl.load_workbook(saved)
    ws = wb.worksheets[0]
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(row=r, column=2).value == world.ent_a.credit_code)
    ws.cell(row=row, column=3, value=250)
    ws.cell(row=row, column=4, value=dt.date(year + 1, 3, 1))
    wb.save(saved)

    page.get_by_role("link", name="导入填报金额").click()
    expect(page.get_by_label("填报轮次")).to_have_value(str(rd_round.pk))
    page.get_by_label("选择文件").set_input_files(str(saved))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator("#run-outcome")).to_contain_text("将新增 1、更新 0、不变 0、跳过 1")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#run-outcome")).to_contain_text("已导入")
    page.get_by_role("link", name="返回研发经费填报").click()
    expect(page.get_by_test_id("rd-total")).to_have_text("250.00")
    expect(page.locator("tr", has_text=world.ent_a.name)).to_contain_text("已填报")
