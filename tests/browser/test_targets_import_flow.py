"""The city staff download the targets sheet from the targets page, fill it in, upload it through 导入导出,
read the check, confirm, and find the targets back in the grid."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .menu import menu_link

pytestmark = pytest.mark.browser


def test_targets_sheet_upload_check_confirm(world, page, login_as, tmp_path):
    year = timezone.localdate().year
    login_as("city")
    menu_link(page, "市定目标").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="下载模板").click()
    wb = openpyxl.load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    ws = wb.worksheets[0]
    head = [c.value for c in ws[1]]
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(row=r, column=1).value == world.a.code)
    ws.cell(row=row, column=head.index("有效高新技术企业（家）") + 1).value = 3
    sheet = tmp_path / "目标.xlsx"
    wb.save(sheet)

    page.get_by_role("link", name="上传目标表").click()
    expect(page.get_by_label("目标年度")).to_have_value(str(year))
    page.get_by_label("选择文件").set_input_files(str(sheet))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator("#run-outcome")).to_contain_text("将新增 1")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#run-outcome")).to_contain_text("已导入")
    page.get_by_role("link", name="返回市定目标").click()
    expect(page.get_by_label("青秀区有效高新技术企业目标")).to_have_value("3")
