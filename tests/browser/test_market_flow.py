"""District staff import a technology contract register (the national system's export layout, made here with
openpyxl) and see the dashboard's 吸纳 figure and the summary sentence change."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .menu import menu_link

pytestmark = pytest.mark.browser


def _register(path, year: int) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["登记编号", "合同名称", "技术合同类别", "卖方名称", "卖方所在地区", "买方名称", "买方所在地区", "认定登记日期",
               "成交金额（万元）", "技术交易额（万元）"])
    ws.append([f"{year}450100000101", "智能产线控制系统开发", "技术开发合同", "北京某大学", "北京市海淀区",
               "青秀测试科技有限公司", "青秀区", f"{year}-01-05", 88.5, 80])
    ws.append([f"{year}450100000102", "检测方法咨询", "技术咨询", "青秀第二材料有限公司", "450103", "江南邻区机械有限公司",
               "南宁市江南区", f"{year}-01-06", 20, 20])
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())


def test_import_a_contract_register_then_dashboard_and_summary(world, page, login_as, tmp_path):
    year = timezone.localdate().year
    login_as("staff")
    menu_link(page, "指标看板").click()
    page.wait_for_load_state("load")
    page.select_option("#id_period", str(year))
    expect(page.get_by_test_id("value-mkt_absorb_c")).to_contain_text("0")

    menu_link(page, "技术合同登记").click()
    expect(page.get_by_text("还没有登记技术合同")).to_be_visible()
    page.get_by_test_id("import-contracts").click()
    sheet = tmp_path / "技术合同登记.xlsx"
    _register(sheet, year)
    page.get_by_label("选择文件").set_input_files(str(sheet))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator("#run-outcome")).to_contain_text("将新增 2")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#run-outcome")).to_contain_text("已导入")

    menu_link(page, "技术合同登记").click()
    expect(page.get_by_test_id("contract-totals")).to_contain_text("共 2 项")
    menu_link(page, "指标看板").click()
    page.wait_for_load_state("load")
    page.select_option("#id_period", str(year))
    expect(page.get_by_test_id("value-mkt_absorb_c")).to_contain_text("88.5")
    expect(page.get_by_test_id("value-mkt_output_c")).to_contain_text("20")

    menu_link(page, "生成工作总结").click()
    page.wait_for_load_state("load")
    page.select_option("#id_period", str(year))
    page.get_by_role("button", name="生成初稿").click()
    preview = page.locator("#report-preview")
    expect(preview).to_contain_text("吸纳技术合同成交额88.50万元，输出技术合同成交额20万元，全市排名第一")
