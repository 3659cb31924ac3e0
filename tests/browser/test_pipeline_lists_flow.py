"""The district's pipeline pages in a real browser: the home page's re-recognition reminder leads to the firm on
the certificates list; staff open a batch and a pool; a recorded accident turns the firm's 科小 self-check to
不符合."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from keguan.enterprises.models import YEAR_FIELDS
from keguan.enterprises.services import year_figures_save
from keguan.pipeline import services as pipeline
from keguan.pipeline.models import HnteCertificate
from keguan.rules.explain import add_years

from .menu import menu_link

pytestmark = pytest.mark.browser


def test_reminder_batch_pool_and_recorded_fact(world, page, login_as):
    today = timezone.localdate()
    # ent_a's certificate ends in about three months: the bureau must organise its re-recognition
    issued = add_years(today + dt.timedelta(days=90), -3)
    pipeline.certificate_add(enterprise=world.ent_a, actor=None, number=f"GR{issued.year}45000321", issued_on=issued)
    assert HnteCertificate.objects.get(enterprise=world.ent_a).expires_on < today + dt.timedelta(days=100)

    figures = {f: getattr(world.ent_a2.years.get(year=2024), f) for f in YEAR_FIELDS}
    year_figures_save(enterprise=world.ent_a2, actor=None, year=today.year - 1, **figures)  # last year's figures

    login_as("staff")
    page.goto(f"/pipeline/self-check/{world.ent_a2.pk}/")
    expect(page.get_by_test_id("sme-status")).to_have_text("符合条件")
    page.goto("/")
    reminder = page.get_by_test_id("reminder").filter(has_text="证书将在6个月内到期")
    expect(reminder).to_contain_text("有 1 家高新技术企业的证书将在6个月内到期")
    reminder.get_by_role("link", name="去处理（1）").click()
    row = page.locator("tr", has_text=world.ent_a.name)
    expect(row).to_contain_text("需组织重新认定")

    # A new batch of this year, then a pool.
    menu_link(page, "高企申报").click()
    page.get_by_role("button", name="新建申报批次").click()
    page.get_by_role("spinbutton", name="年度").fill(str(today.year))
    page.get_by_role("spinbutton", name="批次").fill("2")
    page.get_by_role("button", name="新建批次").click()
    expect(page.get_by_text(f"已新建申报批次“{today.year}年第二批”")).to_be_visible()
    menu_link(page, "培育库").click()
    page.get_by_role("button", name="建立培育库").click()
    page.get_by_label("起始年度").fill(str(today.year))
    page.get_by_label("截止年度").fill(str(today.year + 2))
    page.locator("#pool-form").get_by_role("button", name="建立").click()
    expect(page.get_by_text(f"已建立“{today.year}-{today.year + 2}年高企培育库”")).to_be_visible()

    # A major accident last year, recorded on ent_a2's qualifications page, fails its 科小 self-check.
    page.goto(f"/pipeline/{world.ent_a2.pk}/records/")
    facts = page.locator("#facts")
    facts.get_by_label("事项").select_option(label="重大安全、重大质量事故")
    facts.get_by_label("发生/认定年度").fill(str(today.year - 1))
    facts.get_by_role("button", name="登记事项").click()
    expect(page.get_by_test_id("fact")).to_contain_text(f"{today.year - 1}年 重大安全、重大质量事故")
    page.get_by_role("link", name="科小/高企评估").click()
    expect(page.get_by_test_id("sme-status")).to_have_text("不符合条件")


def test_sme_list_imported_through_the_engine(world, page, login_as, tmp_path):
    """科小入库 › 导入入库名单: upload a year's list, read the check, confirm, back on the list."""
    year = timezone.localdate().year
    saved = tmp_path / "入库名单.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["统一社会信用代码", "企业名称", "评价年度", "入库登记编号", "入库日期"])
    wb.active.append([world.ent_a2.credit_code, world.ent_a2.name, year, f"{year}4501030A0001", dt.date(year, 1, 1)])
    wb.save(saved)

    login_as("staff")
    menu_link(page, "科小入库").click()
    page.get_by_role("link", name="导入入库名单").click()
    page.get_by_label("选择文件").set_input_files(str(saved))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator("#run-outcome")).to_contain_text("将新增 1、更新 0、不变 0")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#run-outcome")).to_contain_text("已导入")
    page.get_by_role("link", name="返回科小入库").click()
    expect(page.locator("tr", has_text=world.ent_a2.name)).to_contain_text(f"{year}4501030A0001")
